"""What a plain spec checks and what coverage reports are true of the
instance: scenario witnesses are checked only where a spec names them, an
instance lists only the actions it can take, and a Raft model encodes a
spec's commands the same whatever was loaded before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from checker import CheckConfig, check
from checker.properties import select_properties
from models.paxos_textbook import PaxosTextbook
from models.raft import Raft

ROOT = Path(__file__).resolve().parents[2]
SAFETY = ["election_safety", "log_matching", "leader_completeness", "state_machine_safety",
          "leader_append_only", "init_commits_kept"]


def names(kinds) -> list[str]:
    return [kind.__name__ for kind in kinds]


def test_a_plain_raft_spec_checks_safety_and_the_witnesses_any_run_reaches():
    model = Raft(servers=2)
    assert [p.name for p in select_properties(model, None)] == SAFETY + [
        "leader_elected", "entry_committed"]
    result = check(model)
    assert (result.verdict, result.stats.distinct_states) == ("holds", 1645)
    assert [w.property.name for w in result.witnesses] == ["leader_elected", "entry_committed"]
    # a scenario witness is checked where a spec names it
    named = check(model, CheckConfig(properties=("stale_leader",)))
    assert [(v.property.name, v.trace) for v in named.violations] == [("stale_leader", None)]


def test_raft_with_one_message_in_flight_cannot_duplicate_one():
    assert names(Raft(max_msgs=1).actions) == [
        "Restart", "Timeout", "RequestVote", "BecomeLeader", "ClientRequest",
        "AdvanceCommitIndex", "AppendEntries", "Receive", "DropMessage"]
    assert names(Raft(max_msgs=0).actions) == [
        "Restart", "Timeout", "BecomeLeader", "ClientRequest", "AdvanceCommitIndex"]
    assert "DuplicateMessage" in names(Raft(max_msgs=2).actions)
    assert names(Raft(max_msgs=1, membership={"change": "joint", "from": 3, "to": 1},
                      servers=3).actions)[-2:] == ["DropMessage", "ChangeConfig"]


def test_coverage_of_a_plain_raft_run_names_no_action_that_cannot_fire():
    result = check(Raft(servers=2))
    assert result.stats.never_fired == ()
    assert dict(result.stats.actions) == {
        "Restart": 2408, "Timeout": 3042, "RequestVote": 362, "BecomeLeader": 38,
        "ClientRequest": 248, "AdvanceCommitIndex": 24, "AppendEntries": 64,
        "Receive": 1254, "DropMessage": 1254}
    room = check(Raft(servers=2, max_log=0, max_msgs=2),
                 CheckConfig(properties=("election_safety",)))
    assert (room.stats.distinct_states, room.stats.actions["DuplicateMessage"]) == (11853, 2704)


def test_textbook_paxos_lists_only_the_faults_its_budgets_allow():
    receive = ["Prepare", "ReceivePrepare", "ReceivePromise", "ReceiveNack", "ReceiveAccept",
               "ReceiveAccepted"]
    assert names(PaxosTextbook(drop=0, duplicate=0, crash=0).actions) == receive
    assert names(PaxosTextbook(drop=0, duplicate=1, crash=0).actions) == receive + [
        "Duplicate"]
    assert names(PaxosTextbook().actions) == receive + ["Drop", "Duplicate", "Restart"]
    assert names(PaxosTextbook.actions) == receive + ["Drop", "Duplicate", "Restart"]


def _without_timings(document: dict) -> dict:
    for result in document["results"]:
        for figure in ("seconds", "states_per_second", "peak_memory_bytes",
                       "canonical_seconds", "worker_memory_bytes"):
            result["stats"].pop(figure, None)
    return document


def test_a_named_command_is_encoded_alike_whatever_was_built_before(tmp_path):
    init = {"s1": {"current_term": 2, "log": ["t1:xx=1", "t2:yy=2"]}}
    build = f"Raft(servers=2, max_log=2, init={init!r})"
    alone = subprocess.run(
        [sys.executable, "-c", f"from models.raft import Raft; "
         f"print(repr(next(iter({build}.initial_states()))))"],
        capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    Raft(servers=2, max_log=2, init={"s2": {"log": ["t1:yy=2", "t1:zz=0"]}})
    after = next(iter(Raft(servers=2, max_log=2, init=init).initial_states()))
    assert repr(after) == alone
    assert Raft(servers=2, max_log=2, init=init).state_view(after)["s1.log"] == [
        "t1:xx=1", "t2:yy=2"]
    # and so a spec checked after others reports what it reports alone
    first, spec = tmp_path / "first.yaml", tmp_path / "spec.yaml"
    first.write_text("model: raft\nparams: {servers: 2, max_log: 2}\n"
                     "init: {s2: {log: [t1:zz=0, t1:yy=2]}}\nproperties: [election_safety]\n")
    spec.write_text("model: raft\nparams: {servers: 3, max_log: 2, max_msgs: 2}\n"
                    "init:\n  s1: {current_term: 2, role: Leader, voted_for: s1, "
                    "votes_granted: [s1, s2], log: [t1:xx=1, t2:yy=2]}\n"
                    "  s2: {current_term: 2, voted_for: s1, log: [t1:xx=1]}\n"
                    "symmetry: true\nmutant: no_truncate\n"
                    "properties: [log_matching, logs_healed]\nbounds: {max_depth: 6}\n")
    alone, after = (json.loads(subprocess.run(
        [sys.executable, "-c", "from cmc.main import cli; cli()", "check", "--format", "json",
         "--keep-going", *map(str, paths)], capture_output=True, text=True, cwd=ROOT).stdout)
        for paths in ([spec], [first, spec]))
    after["results"] = after["results"][1:]
    assert _without_timings(after) == _without_timings(alone)
    assert alone["results"][0]["stats"]["distinct_states"] == 532
