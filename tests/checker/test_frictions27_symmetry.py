"""A spec with `symmetry: true` and temporal properties: `cmc check` refuses
the pair in one line naming the file, line and field (exit 2: fairness to
one node is not kept by renaming nodes), and `cmc explore --counterexample`,
which shows states without symmetry anyway, checks it as `cmc check
--no-symmetry` does and says on stderr, in one line, that it left symmetry
out: the same lasso as that check's."""

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


def test_check_refuses_symmetry_with_temporal_properties_naming_the_line(tmp_path):
    path, line = with_symmetry(tmp_path)
    result = CliRunner().invoke(cli, ["check", str(path), "--no-progress"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {path}:{line}: symmetry: temporal properties (eventually_leader) are checked "
        "without symmetry: fairness to one node is not kept by renaming nodes; remove "
        "symmetry: from the spec (or pass --no-symmetry)\n")


def test_explore_says_it_leaves_symmetry_out_and_walks_checks_lasso(tmp_path):
    path, _ = with_symmetry(tmp_path)
    explored = CliRunner().invoke(cli, ["explore", str(path), "--counterexample"])
    assert explored.exit_code == 0, explored.output
    assert explored.stderr == (
        f"note: {path}: symmetry: left out, as temporal properties (eventually_leader) are "
        "checked without it (cmc check refuses the pair: remove symmetry: from the spec, or "
        "pass --no-symmetry)\n")
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
