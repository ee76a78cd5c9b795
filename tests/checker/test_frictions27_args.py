"""A JSON report's action ``args`` name values as the action's text does
(`checker.Model.action_view`; the kit's `fields_shown`): an id by its name
(``{"i": "s1"}`` for ``Timeout(i=s1)``), a value by its name, a set as a
list of names, a number that names nothing a number; and a model the kit
does not print keeps its plain values. A counterexample so written is
replayed by ``cmc check SPEC --replay REPORT.json`` (which reads the text),
on raft, a kit model and a plain `Symmetric` model with named ids; state
graphs' edges carry the same args."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from reports.graph import trace_graph
from reports.json import load_schema
from tests.spec_runs import checked_spec

ROOT = Path(__file__).resolve().parent.parent.parent
KIT = ("model: paxos-textbook\n"
       "params: {acceptors: 2, learners: 2, max_msgs: 3, drop: 0, duplicate: 0, crash: 0}\n"
       "deadlock: false\n"
       "invariants: {nothing_learned: \"all(l.learned == -1 for l in learners)\"}\n")
SYMMETRIC = (f"model: {ROOT}/tests/models/user/lease_guard.py:LeaseGuard\n"
             "params: {servers: 2, keys: 1, Delta: 1, MaxTerm: 3, MaxLogLen: 2, MaxClock: 2, "
             "VIEW: true}\n"
             "mutant: no_limbo_guard\n")


def reported(tmp_path: Path, spec: Path, code: int = 1) -> tuple[dict, Path]:
    """The first violation of `spec`'s JSON report, and the report's path
    (`code`: the exit code, 0 where the spec expects the violation)."""
    result = CliRunner().invoke(cli, ["check", str(spec), "--format", "json"])
    assert result.exit_code == code, result.output
    report = tmp_path / "report.json"
    report.write_text(result.stdout)
    return json.loads(result.stdout)["results"][0]["violations"][0], report


def actions(violation: dict) -> list[tuple[str, dict, str]]:
    return [(step["action"]["name"], step["action"]["args"], step["action"]["text"])
            for step in violation["trace"][1:]]


def replayed(spec: Path, report: Path, steps: int, line: str, code: int = 1) -> None:
    result = CliRunner().invoke(cli, ["check", str(spec), "--replay", str(report),
                                      "--no-progress"])
    assert result.exit_code == code, result.output
    lines = result.stdout.splitlines()
    verdict = lines.index("verdict: VIOLATED (a replay takes one run: what it does not break "
                          "is not proven to hold)")
    assert lines[verdict + 1].startswith(line + f" violated after {steps} steps")


def test_raft_args_name_servers_as_the_text_does(tmp_path):
    spec = ROOT / "specs" / "raft-mutant-vote-twice.yaml"
    violation, report = reported(tmp_path, spec, code=0)
    found = actions(violation)
    assert found[0] == ("Timeout", {"i": "s1"}, "Timeout(i=s1)")
    assert found[1] == ("RequestVote", {"i": "s1", "j": "s1"}, "RequestVote(i=s1, j=s1)")
    assert found[-1] == ("BecomeLeader", {"i": "s2"}, "BecomeLeader(i=s2)")
    receipt = next(step for step in found if step[0] == "Receive")
    assert receipt[1] == {"m": receipt[2][len("Receive(m="):-1]}
    assert len(found) == 16
    replayed(spec, report, 16, "Election Safety (election_safety)", code=0)


def test_kit_args_name_nodes_and_values(tmp_path):
    spec = tmp_path / "kit.yaml"
    spec.write_text(KIT)
    violation, report = reported(tmp_path, spec)
    found = actions(violation)
    assert found[0] == ("Prepare", {"p": "p0", "n": 0}, "Prepare(p=p0, n=0)")
    assert found[3] == ("ReceivePromise", {"at": "p0", "n": 0, "a": "a0", "p": "p0",
                                           "accepted_n": "none", "accepted_v": "none"},
                        "ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)")
    assert found[-1] == ("ReceiveAccepted", {"at": "l0", "n": 0, "a": "a1", "l": "l0",
                                             "v": "v0"}, "ReceiveAccepted(a1→l0, n=0, v=v0)")
    assert len(found) == 9
    replayed(spec, report, 9, "Nothing learned (nothing_learned)")


def test_a_plain_symmetric_models_args_name_its_ids(tmp_path):
    spec = tmp_path / "lease_guard.yaml"
    spec.write_text(SYMMETRIC)
    violation, report = reported(tmp_path, spec)
    found = actions(violation)
    assert found[:3] == [
        ("BecomeLeader", {"i": "n1", "voteQuorum": ["n1", "n2"]},
         "BecomeLeader(i=n1, voteQuorum={n1, n2})"),
        ("ClientWrite", {"i": "n1", "k": "k1"}, "ClientWrite(i=n1, k=k1)"),
        ("ClientWrite", {"i": "n1", "k": "k1"}, "ClientWrite(i=n1, k=k1)")]
    assert found[4] == ("CommitEntry", {"i": "n1", "newCommitIdx": 1},
                        "CommitEntry(i=n1, newCommitIdx=1)")
    assert len(found) == 9
    replayed(spec, report, 9, "Linearizable Reads (linearizable_reads)")


def test_the_report_with_named_args_meets_its_schema(tmp_path):
    import jsonschema

    spec = ROOT / "specs" / "raft-mutant-vote-twice.yaml"
    result = CliRunner().invoke(cli, ["check", str(spec), "--format", "json"])
    jsonschema.validate(json.loads(result.stdout), load_schema())


def test_a_models_own_printing_keeps_plain_args():
    # voting's acceptors are an unnamed id type: the text prints numbers, so do args
    model = load_spec(ROOT / "tests" / "models" / "user" / "voting.yaml", REGISTRY).build()
    action = model.actions[1](0, 2, 1)
    assert str(action) == "VoteFor(a=0, b=2, v=1)"
    assert model.action_view(action) == {"a": 0, "b": 2, "v": 1}


def test_a_state_graph_edge_carries_the_named_args():
    _, model, result = checked_spec("raft-mutant-vote-twice.yaml")
    graph = trace_graph(model, result.violations[0].trace)
    assert graph.edges["0", "1", 0]["label"] == "Timeout(i=s1)"
    assert graph.edges["0", "1", 0]["args"] == {"i": "s1"}
