"""Raft's liveness under symmetry: the servers a spec's timing assumption
(`timeouts`) and partition tell apart are not interchangeable, the others
are, so the split vote is checked on its orbits (checker.liveness: fairness
to each action as one) and its lasso is a run of the model, as short as the
unreduced graph's."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.spec_runs import SPECS

SPLIT_VOTE = SPECS / "raft-liveness-split-vote.yaml"


def test_timed_servers_are_told_apart_from_the_others():
    # s5 cut off for good; only s2's and s3's timers fire
    model = load_spec(str(SPLIT_VOTE), REGISTRY).build()
    assert model.symmetry_groups() == {"servers": [[0, 3], [1, 2], [4]]}


def _on_orbits(tmp_path):
    text = "".join(line for line in SPLIT_VOTE.read_text().splitlines(keepends=True)
                   if not line.startswith(("expect:", "         stem_length")))
    spec = tmp_path / "split-vote-symmetry.yaml"
    spec.write_text(text + "symmetry: true\n")
    return spec


@pytest.mark.slow  # (11 s)
def test_the_split_vote_on_orbits_is_the_unreduced_livelock(tmp_path):
    spec, out = _on_orbits(tmp_path), tmp_path / "out"
    checked = CliRunner().invoke(cli, ["check", str(spec), "--workers", "1", "--out", str(out)])
    assert checked.exit_code == 1, checked.output
    [report] = out.glob("*.json")
    run = json.loads(report.read_text())["results"][0]
    (violation,) = run["violations"]
    # 8,888 orbits of the 32,402 states; the loop on orbits swaps s2 and s3,
    # closing only after going round twice (56 steps), so the lasso is found
    # again on the states renaming its component's: the unreduced 28 steps
    assert (run["stats"]["distinct_states"], run["stats"]["graph_states"],
            violation["property"], violation["stem_length"],
            violation["loop_length"]) == (8888, 8888, "eventually_leader", 8, 28)
    unreduced = CliRunner().invoke(cli, ["check", str(SPLIT_VOTE), "--workers", "1",
                                         "--format", "json"])
    (whole,) = json.loads(unreduced.output)["results"]
    assert whole["stats"]["distinct_states"] == 32402
    # as short, though another of the shortest (the states are numbered otherwise)
    assert (whole["violations"][0]["stem_length"], whole["violations"][0]["loop_length"]) == (
        8, 28)
    replayed = CliRunner().invoke(cli, ["check", str(spec), "--replay", str(report),
                                        "--format", "json"])
    assert replayed.exit_code == 1, replayed.output
    (again,) = json.loads(replayed.output)["results"]
    assert (again["verdict"], again["stopped_by"]) == ("violated", "replay")
    assert [v["property"] for v in again["violations"]] == ["eventually_leader"]
