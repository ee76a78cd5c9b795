"""A spec with `symmetry: true` and temporal properties: `cmc check` checks
them on the orbits (its fairness families, action names, are closed under
renaming servers), with the verdict and the lasso's shape of `cmc check
--no-symmetry`; `cmc explore --counterexample`, which shows states without
symmetry anyway, checks it as `cmc check --no-symmetry` does and says on
stderr, in one line, that it left symmetry out: the same lasso as that
check's."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cmc.main import cli

SPECS = Path(__file__).resolve().parent.parent.parent / "specs"
RUN = ["Timeout(i=s1)", "Timeout(i=s2)", "RequestVote(i=s1, j=s1)",
       "DropMessage(message=RequestVoteRequest(s1→s1, term=2, last_log_term=0, "
       "last_log_index=0))"]


def with_symmetry(tmp_path: Path) -> tuple[Path, int]:
    """raft-liveness-fair (eventually_leader under weak fairness) with
    ``symmetry: true`` as its last line; the path and that line."""
    text = (SPECS / "raft-liveness-fair.yaml").read_text()
    path = tmp_path / "fair-symmetry.yaml"
    path.write_text(text + "symmetry: true\n")
    return path, text.count("\n") + 1


def test_check_checks_temporal_properties_on_orbits_as_without_symmetry(tmp_path):
    path, _ = with_symmetry(tmp_path)
    text = path.read_text()  # (its expect: is of the states, not the orbits)
    path.write_text(text[:text.index("expect:")] + "symmetry: true\n")
    found = {}
    for option in ("--symmetry", "--no-symmetry"):
        result = CliRunner().invoke(cli, ["check", str(path), option, "--format", "json"])
        assert result.exit_code == 3, result.output  # incomplete: the lasso stalls at max_term
        (document,) = json.loads(result.stdout)["results"]
        (violation,) = document["violations"]
        found[option] = (document["verdict"], document["stats"]["distinct_states"],
                         document["stats"]["graph_states"], violation["property"],
                         violation["stem_length"], violation["loop_length"],
                         violation["bound"],
                         [step["action"]["text"] for step in violation["trace"][1:]])
    bound = "weak fairness to Timeout only takes steps that leave the bounds (within_bounds)"
    assert found["--no-symmetry"] == ("incomplete", 1645, 1645, "eventually_leader", 2, 2,
                                      bound, RUN)
    # 831 orbits; the lasso's loop has s2, not s1, send itself its vote request
    assert found["--symmetry"] == ("incomplete", 831, 831, "eventually_leader", 2, 2, bound,
                                   [*RUN[:2], "RequestVote(i=s2, j=s2)",
                                    "DropMessage(message=RequestVoteRequest(s2→s2, term=2, "
                                    "last_log_term=0, last_log_index=0))"])


def test_explore_says_it_leaves_symmetry_out_and_walks_checks_lasso(tmp_path):
    path, _ = with_symmetry(tmp_path)
    explored = CliRunner().invoke(cli, ["explore", str(path), "--counterexample"])
    assert explored.exit_code == 0, explored.output
    assert explored.stderr == (
        f"note: {path}: symmetry: left out, as temporal properties (eventually_leader) are "
        "walked to without it: the run is the one cmc check --no-symmetry shows\n")
    lines = explored.stdout.splitlines()
    assert lines[1] == "path 0/0/4/2/5 (4 steps)"
    assert lines[2].startswith("Leader Eventually Elected: a lasso of 4 steps: from step 2 "
                               "on, a loop for ever")
    run = lines[lines.index("run:") + 1:lines.index("state (the state after step 2 again):")]
    assert [line.strip().split("  ", 1)[1] for line in run if not line.startswith("     ")
            and line.strip()] == ["initial state", *RUN]
    checked = CliRunner().invoke(cli, ["check", str(path), "--no-symmetry", "--format",
                                       "json"])
    assert checked.exit_code == 0, checked.output
    (violation,) = json.loads(checked.stdout)["results"][0]["violations"]
    assert [step["action"]["text"] for step in violation["trace"][1:]] == RUN
    assert (violation["loop_start"], violation["stem_length"], violation["loop_length"]) == (
        2, 2, 2)
