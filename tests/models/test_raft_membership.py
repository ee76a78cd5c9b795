"""Raft membership changes (models.raft_membership) and quorum rules on the
Raft, Paxos and textbook Paxos models: each membership spec's verdict, counts
and shortest counterexample or witness step by step, what a configuration
changes in the steps a server may take, parameter validation, and the spec
loader's soundness check (a rule whose quorums need not meet only where a
violation is expected)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, ParamError, SpecError, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from models.paxos import Paxos
from models.paxos_textbook import PaxosTextbook
from models.raft import ChangeConfig, Raft
from models.raft_membership import config_name, config_value, parse_config
from tests.spec_runs import checked_spec, steps, view

SPECS = Path(__file__).resolve().parents[2] / "specs"

SAFETY = ("election_safety", "log_matching", "leader_completeness", "state_machine_safety")


def run_spec(name: str, properties: tuple[str, ...] | None = None, **params):
    """Run a spec (the session's shared run), or the same with some of its
    parameters (or its properties) replaced."""
    if properties is None and not params:
        _, model, result = checked_spec(name)
        return model, result
    spec = load_spec(SPECS / name, REGISTRY)
    model = Raft(init=spec.init, mutant=spec.mutant, **dict(spec.params, **params))
    config = spec.config()
    if properties is not None:
        config = CheckConfig(properties=properties)
    return model, check(model, config)


def enabled(model, state) -> list[str]:
    return [str(action) for action, _ in model.successors(state)]


def start(model):
    return next(iter(model.initial_states()))


SERVERS = ("current_term", "role", "log", "commit_index")


def servers_view(model, state) -> dict:
    full = model.state_view(state)
    return {name: value for name, value in full.items()
            if name.split(".")[-1] in SERVERS or name == "msgs"}


# -- direct: two leaders in one term ---------------------------------------------------


def test_direct_change_elects_two_leaders_in_one_term():
    model, result = run_spec("raft-membership-direct.yaml")
    assert (result.verdict, result.stats.distinct_states) == ("violated", 33051)
    found = result.violation("election_safety")
    assert found.reason == "s1 and s3 are both leader in term 3"
    assert steps(found.trace) == """\
ChangeConfig(i=s1, c=C(s1))
Restart(i=s1)
Timeout(i=s1)
RequestVote(i=s1, j=s1)
Timeout(i=s2)
Receive(m=RequestVoteRequest(s1→s1, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s1→s1, term=3, vote_granted=True))
BecomeLeader(i=s1)
RequestVote(i=s3, j=s2)
Receive(m=RequestVoteRequest(s3→s2, term=3, last_log_term=0, last_log_index=0))
Receive(m=RequestVoteResponse(s2→s3, term=3, vote_granted=True))
BecomeLeader(i=s3)"""
    assert servers_view(model, found.trace.final) == {
        "s1.current_term": 3, "s1.role": "Leader", "s1.log": ["t2:C(s1)"], "s1.commit_index": 0,
        "s2.current_term": 3, "s2.role": "Candidate", "s2.log": [], "s2.commit_index": 0,
        "s3.current_term": 3, "s3.role": "Leader", "s3.log": [], "s3.commit_index": 0,
        "msgs": []}


def test_direct_change_loses_a_committed_entry_sooner():
    """s1 commits C(s1) on its own, and s3 is elected without it."""
    spec = load_spec(SPECS / "raft-membership-direct.yaml", REGISTRY)
    model = spec.build()
    result = check(model, CheckConfig(properties=SAFETY))
    found = result.violation("leader_completeness")
    assert found.reason == ("s1 (term 2) has committed [t2:C(s1)], but the log of s3, "
                            "leader in term 3, is []")
    assert steps(found.trace) == """\
ChangeConfig(i=s1, c=C(s1))
AdvanceCommitIndex(i=s1)
Timeout(i=s2)
RequestVote(i=s3, j=s2)
Receive(m=RequestVoteRequest(s3→s2, term=3, last_log_term=0, last_log_index=0))
Receive(m=RequestVoteResponse(s2→s3, term=3, vote_granted=True))
BecomeLeader(i=s3)"""


def test_direct_change_breaks_where_joint_consensus_holds():
    """The joint spec's start with a direct change: s1, a stale leader,
    switches to C(s1) and re-elects itself while s3 takes term 3."""
    model, result = run_spec("raft-membership-joint.yaml", ("election_safety",),
                             membership={"change": "direct", "from": 3, "to": 1})
    found = result.violation("election_safety")
    assert (found.reason, result.stats.distinct_states) == (
        "s1 and s3 are both leader in term 3", 2321)
    assert steps(found.trace) == """\
ChangeConfig(i=s1, c=C(s1))
Restart(i=s1)
Timeout(i=s1)
RequestVote(i=s1, j=s1)
BecomeLeader(i=s3)
Receive(m=RequestVoteRequest(s1→s1, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s1→s1, term=3, vote_granted=True))
BecomeLeader(i=s1)"""


# -- joint consensus -------------------------------------------------------------------


def test_joint_consensus_holds():
    _, result = run_spec("raft-membership-joint.yaml")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (29699, 32)
    assert result.stats.actions["ChangeConfig"] > 0


@pytest.mark.slow  # (seconds: the default suite keeps under 5 minutes)
def test_leader_crash_in_the_middle_of_a_joint_change():
    model, result = run_spec("raft-membership-joint-leader-crash.yaml")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (96148, 41)
    resumed = result.witness("joint_leader_elected").trace
    assert steps(resumed) == """\
RequestVote(i=s1, j=s2)
Timeout(i=s2)
Receive(m=RequestVoteRequest(s1→s2, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s2→s1, term=3, vote_granted=True))
BecomeLeader(i=s1)"""
    assert view(model, resumed.final, "s1.role", "s1.log", "s1.votes_granted") == {
        "s1.role": "Leader", "s1.log": ["t2:C(s1 s2 s3 | s1)"],
        "s1.votes_granted": ["s1", "s2"]}
    rolled_back = result.witness("change_rolled_back").trace
    assert steps(rolled_back) == """\
RequestVote(i=s3, j=s2)
Receive(m=RequestVoteRequest(s3→s2, term=3, last_log_term=0, last_log_index=0))
Receive(m=RequestVoteRequest(s3→s2, term=3, last_log_term=0, last_log_index=0))
Receive(m=RequestVoteResponse(s2→s3, term=3, vote_granted=True))
BecomeLeader(i=s3)
ClientRequest(i=s3, v=v1)
AppendEntries(i=s3, j=s2)
Receive(m=AppendEntriesRequest(s3→s2, term=3, prev_log_index=0, prev_log_term=0, entries=[t3:v1], commit_index=0))
Receive(m=AppendEntriesRequest(s3→s2, term=3, prev_log_index=0, prev_log_term=0, entries=[t3:v1], commit_index=0))
Receive(m=AppendEntriesResponse(s2→s3, term=3, success=True, match_index=1))
AdvanceCommitIndex(i=s3)"""
    assert servers_view(model, rolled_back.final) == {
        "s1.current_term": 3, "s1.role": "Candidate", "s1.log": ["t2:C(s1 s2 s3 | s1)"],
        "s1.commit_index": 0,
        "s2.current_term": 3, "s2.role": "Follower", "s2.log": ["t3:v1"], "s2.commit_index": 0,
        "s3.current_term": 3, "s3.role": "Leader", "s3.log": ["t3:v1"], "s3.commit_index": 1,
        "msgs": []}


# -- single-server changes ---------------------------------------------------------------


# its spec file's run (tests/test_specs.py) pins the verdict and length by default
@pytest.mark.slow
def test_single_server_bug_of_2015():
    model, result = run_spec("raft-membership-single-server-bug.yaml")
    assert (result.verdict, result.stats.distinct_states) == ("violated", 151005)
    found = result.violation("leader_completeness")
    assert found.reason == ("s4 (term 3) has committed [t3:C(s2 s3 s4)], but the log of s1, "
                            "leader in term 4, is [t2:C(s1 s2 s3)]")
    assert steps(found.trace) == """\
RequestVote(i=s1, j=s2)
Timeout(i=s2)
ChangeConfig(i=s4, c=C(s2 s3 s4))
Receive(m=RequestVoteRequest(s1→s2, term=4, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s2→s1, term=4, vote_granted=True))
BecomeLeader(i=s1)
AppendEntries(i=s4, j=s3)
Receive(m=AppendEntriesRequest(s4→s3, term=3, prev_log_index=0, prev_log_term=0, entries=[t3:C(s2 s3 s4)], commit_index=0))
Receive(m=AppendEntriesRequest(s4→s3, term=3, prev_log_index=0, prev_log_term=0, entries=[t3:C(s2 s3 s4)], commit_index=0))
Receive(m=AppendEntriesResponse(s3→s4, term=3, success=True, match_index=1))
AdvanceCommitIndex(i=s4)"""
    assert servers_view(model, found.trace.final) == {
        "s1.current_term": 4, "s1.role": "Leader", "s1.log": ["t2:C(s1 s2 s3)"],
        "s1.commit_index": 0,
        "s2.current_term": 4, "s2.role": "Candidate", "s2.log": [], "s2.commit_index": 0,
        "s3.current_term": 3, "s3.role": "Follower", "s3.log": ["t3:C(s2 s3 s4)"],
        "s3.commit_index": 0,
        "s4.current_term": 3, "s4.role": "Leader", "s4.log": ["t3:C(s2 s3 s4)"],
        "s4.commit_index": 1, "msgs": []}


@pytest.mark.slow
def test_the_rule_keeps_the_leader_from_changing_before_it_commits():
    """From the bug's start, s4 may append no configuration until it has
    committed an entry of term 3; the mutant may at once."""
    spec = load_spec(SPECS / "raft-membership-single-server-bug.yaml", REGISTRY)
    fixed = Raft(init=spec.init, **spec.params)
    assert not [name for name in enabled(fixed, start(fixed)) if name.startswith("Change")]
    broken = spec.build()
    assert [name for name in enabled(broken, start(broken)) if name.startswith("Change")] == [
        "ChangeConfig(i=s4, c=C(s2 s3 s4))", "ChangeConfig(i=s4, c=C(s1 s2 s3))"]
    # Every run as long as the mutant's counterexample is safe with the rule.
    # (The whole space at these bounds is past 26 million states.)
    result = check(fixed, CheckConfig(properties=SAFETY, max_depth=11))
    assert (result.verdict, result.stats.distinct_states) == ("incomplete", 123126)
    assert not result.violations


def test_single_server_changes_hold_with_the_rule():
    model, result = run_spec("raft-membership-single-server.yaml")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (14559, 35)
    done = result.witness("configuration_changed").trace
    assert len(done) == 20
    # An entry of term 2 first (the rule), then the change, which s1's
    # match does not count towards.
    assert [str(a) for a in done.actions if not str(a).startswith(("Receive", "Append"))] == [
        "ClientRequest(i=s1, v=v1)", "AdvanceCommitIndex(i=s1)",
        "ChangeConfig(i=s1, c=C(s2 s3 s4))", "AdvanceCommitIndex(i=s1)"]
    assert view(model, done.final, "s1.match_index") == {"s1.match_index": {"s1": 0, "s2": 2,
                                                                        "s3": 2, "s4": 0}}
    # s1 committed a configuration without itself and stepped down.
    assert servers_view(model, done.final) == {
        "s1.current_term": 2, "s1.role": "Follower", "s1.log": ["t2:v1", "t2:C(s2 s3 s4)"],
        "s1.commit_index": 2,
        "s2.current_term": 2, "s2.role": "Follower", "s2.log": ["t2:v1", "t2:C(s2 s3 s4)"],
        "s2.commit_index": 1,
        "s3.current_term": 2, "s3.role": "Follower", "s3.log": ["t2:v1", "t2:C(s2 s3 s4)"],
        "s3.commit_index": 1,
        "s4.current_term": 2, "s4.role": "Follower", "s4.log": [], "s4.commit_index": 0,
        "msgs": []}


# -- what a configuration changes in a server's steps -------------------------------------


def test_a_server_added_by_the_change_knows_no_configuration_and_waits():
    model = Raft(servers=3, max_term=3, max_log=2,
                 membership={"change": "joint", "from": 2, "to": 3})
    names = enabled(model, start(model))
    assert names == ["Timeout(i=s1)", "Timeout(i=s2)"]  # s3 is not in {s1,s2}


def test_a_candidate_asks_and_counts_its_configuration_only():
    model = Raft(servers=3, max_term=3, max_log=2,
                 membership={"change": "direct", "from": [1, 2], "to": 3},
                 init={"s1": {"current_term": 2, "role": "Candidate", "voted_for": "s1",
                              "votes_responded": ["s1", "s3"],
                              "votes_granted": ["s1", "s3"]}})
    names = enabled(model, start(model))
    # s3's vote does not count in {s1,s2}, and s3 is not asked.
    assert "RequestVote(i=s1, j=s2)" in names and "RequestVote(i=s1, j=s3)" not in names
    assert "BecomeLeader(i=s1)" not in names


def test_the_changes_a_leader_may_append():
    leader = {"current_term": 2, "role": "Leader", "voted_for": "s1"}

    def changes(change, log=(), commit=0, **membership):
        model = Raft(servers=4, max_term=2, max_log=3,
                     membership={"change": change, "from": 3, "to": 4, **membership},
                     init={"s1": dict(leader, log=list(log), commit_index=commit)})
        return [name for name in enabled(model, start(model)) if name.startswith("Change")]

    assert changes("direct") == ["ChangeConfig(i=s1, c=C(s1 s2 s3 s4))"]
    assert changes("joint") == ["ChangeConfig(i=s1, c=C(s1 s2 s3 | s1 s2 s3 s4))"]
    joint = ["t2:C(s1 s2 s3 | s1 s2 s3 s4)"]
    assert changes("joint", joint) == []  # C_old,new is not committed yet
    assert changes("joint", joint, 1) == ["ChangeConfig(i=s1, c=C(s1 s2 s3 s4))"]
    # One server at a time, after an entry of the leader's term is committed.
    assert changes("single_server") == []
    assert changes("single_server", ["t2:v1"], 1) == ["ChangeConfig(i=s1, c=C(s1 s2 s3 s4))"]
    assert changes("single_server", ["t1:v1"], 1) == []
    assert changes("single_server", ["t2:v1"], 1, to=[2, 3, 4]) == [
        "ChangeConfig(i=s1, c=C(s2 s3))", "ChangeConfig(i=s1, c=C(s1 s2 s3 s4))"]
    assert changes("single_server", ["t2:v1", "t2:C(s1 s2 s3 s4)"], 1, to=[2, 3, 4]) == []
    assert changes("single_server", ["t2:v1", "t2:C(s1 s2 s3 s4)"], 2, to=[2, 3, 4]) == [
        "ChangeConfig(i=s1, c=C(s2 s3 s4))"]


def test_a_removed_leader_steps_down_when_it_commits_its_removal():
    model = Raft(servers=3, max_term=2, max_log=2,
                 membership={"change": "direct", "from": 3, "to": [2, 3]},
                 init={"s1": {"current_term": 2, "role": "Leader", "voted_for": "s1",
                              "log": ["t2:C(s2 s3)"], "match_index": [0, 1, 1]}})
    advance = {str(a): s for a, s in model.successors(start(model))}["AdvanceCommitIndex(i=s1)"]
    assert view(model, advance, "s1.role", "s1.commit_index") == {
        "s1.role": "Follower", "s1.commit_index": 1}
    # Removed and knowing it, s1 no longer times out.
    assert "Timeout(i=s1)" not in enabled(model, advance)


def test_configuration_entries_print_and_parse_back():
    joint = config_value(0b00001, 0b00111)
    assert config_name(joint) == "C(s1 s2 s3 | s1)"
    assert parse_config("C(s1 s2 s3 | s1)", 3) == joint
    assert parse_config("C(s2 s3)", 3) == config_value(0b110)
    assert parse_config("C(s4)", 3) is None
    assert str(ChangeConfig(0, joint)) == "ChangeConfig(i=s1, c=C(s1 s2 s3 | s1))"


@pytest.mark.slow
def test_membership_off_changes_nothing():
    model = Raft(servers=2, values=1, max_term=2, max_log=1, max_msgs=1)
    result = check(model, CheckConfig(properties=SAFETY))
    assert (result.stats.distinct_states, result.stats.depth) == (1645, 27)
    assert "ChangeConfig" not in result.stats.actions


# -- parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("params, field, message", [
    (dict(servers=4, membership={"change": "joint", "to": 5}), "params.membership.to",
     "5 servers, but there are 4"),
    (dict(servers=5, membership={"change": "joint", "to": 4}), "params.servers",
     "use servers: 4"),
    (dict(servers=3, membership={"change": "joint", "to": 3}), "params.membership.to",
     "is the starting configuration (s1 s2 s3)"),
    (dict(servers=3, membership={"change": "joint", "to": 1}, quorum={"threshold": 2}),
     "params.quorum", "remove quorum: or membership:"),
    (dict(servers=3, mutant="change_before_commit",
          membership={"change": "joint", "to": 1}), "mutant", "single_server"),
    (dict(servers=2, init={"s1": {"log": ["t1:C(s1)"]}}), "init.s1.log[0]",
     "needs membership:"),
])
def test_bad_membership_parameters(params, field, message):
    with pytest.raises(ParamError) as raised:
        Raft(**params)
    assert raised.value.field == field
    assert message in raised.value.message


def test_membership_schema_in_a_spec(write_spec):
    path = write_spec("model: raft\nparams:\n  servers: 3\n"
                      "  membership: {change: jiont, to: 1}\n")
    with pytest.raises(SpecError) as raised:
        load_spec(path, REGISTRY)
    assert str(raised.value) == (f"{path}:4: params.membership.change: got 'jiont' "
                                 "(did you mean 'joint'?); accepted: direct, joint, "
                                 "single_server")


# -- quorum rules --------------------------------------------------------------------------


@pytest.mark.parametrize("quorum, states, depth", [
    ("majority", 1645, 27),
    ({"weights": [2, 1]}, 3906, 29),  # s1 alone is a quorum
    ({"flexible": {"phase1": 2, "phase2": 1}}, 1829, 24),  # elect by both, commit by one
])
def test_raft_counts_votes_and_commitment_by_the_quorum_rule(quorum, states, depth):
    model = Raft(servers=2, values=1, max_term=2, max_log=1, max_msgs=1, quorum=quorum)
    result = check(model, CheckConfig(properties=SAFETY + ("entry_committed",)))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


def test_raft_quorums_that_need_not_meet_elect_two_leaders():
    model = Raft(servers=2, values=1, max_term=2, max_log=1, max_msgs=1,
                 quorum={"threshold": 1})
    found = check(model, CheckConfig(properties=SAFETY)).violation("election_safety")
    assert found.reason == "s1 and s2 are both leader in term 2"
    assert steps(found.trace) == """\
Timeout(i=s1)
RequestVote(i=s1, j=s1)
Timeout(i=s2)
Receive(m=RequestVoteRequest(s1→s1, term=2, last_log_term=0, last_log_index=0))
Receive(m=RequestVoteResponse(s1→s1, term=2, vote_granted=True))
BecomeLeader(i=s1)
RequestVote(i=s2, j=s2)
Receive(m=RequestVoteRequest(s2→s2, term=2, last_log_term=0, last_log_index=0))
Receive(m=RequestVoteResponse(s2→s2, term=2, vote_granted=True))
BecomeLeader(i=s2)"""


def test_textbook_paxos_takes_a_quorum_rule():
    spec = load_spec(SPECS / "paxos-textbook-mutant-non-intersecting-quorums.yaml", REGISTRY)
    params = dict(spec.params, quorum={"threshold": 1})
    by_rule = check(PaxosTextbook(**params), CheckConfig(properties=("agreement",)))
    by_mutant = check(spec.build(), CheckConfig(properties=("agreement",)))
    # Any 1 of 3 is what the mutant hard-codes: the same run breaks Agreement.
    assert by_rule.violation("agreement").trace == by_mutant.violation("agreement").trace
    weighted = PaxosTextbook(**dict(params, max_msgs=5, quorum={"weights": [2, 1, 1]}))
    result = check(weighted, CheckConfig(properties=("agreement",)))
    assert result.verdict == "holds"
    assert str(weighted.quorums) == "weight 3 of 4 (weights 2, 1, 1)"


@pytest.mark.parametrize("model", [
    Paxos(quorum={"threshold": 1}),
    PaxosTextbook(quorum={"threshold": 1}),
    Raft(servers=3, quorum={"threshold": 1}),
])
def test_check_sound_names_the_disjoint_pair(model):
    with pytest.raises(ParamError) as raised:
        model.check_sound()
    assert raised.value.field == "params.quorum"
    assert raised.value.message.startswith(
        "any 1 of 3: quorums {1} and {2} do not intersect, so two leaders can decide apart")


def test_a_direct_change_between_disjoint_majorities_is_unsound():
    with pytest.raises(ParamError) as raised:
        Raft(servers=3, membership={"change": "direct", "from": 3, "to": 1}).check_sound()
    assert raised.value.field == "params.membership.change"
    assert raised.value.message.startswith(
        "direct: the majority {2,3} of the starting configuration {1,2,3} and the "
        "majority {1} of the new one {1} do not intersect")
    # Adding one server keeps every two majorities meeting; joint changes are sound.
    Raft(servers=4, membership={"change": "direct", "from": 3, "to": 4}).check_sound()
    Raft(servers=3, membership={"change": "joint", "from": 3, "to": 1}).check_sound()


# -- the spec loader's soundness check -------------------------------------------------------


UNSOUND = {
    "paxos": ("model: paxos\nparams: {acceptors: 3, values: 2, ballots: 2,\n"
              "         quorum: {threshold: 1}}\n", "agreement", 8),
    "paxos-textbook": ("model: paxos-textbook\nparams: {max_msgs: 10, drop: 0, duplicate: 0,\n"
                       "         crash: 0, quorum: {threshold: 1}}\n", "agreement", 8),
    "raft": ("model: raft\nparams: {servers: 3, max_term: 2, max_log: 0,\n"
             "         quorum: {threshold: 1}}\n", "election_safety", 10),
}


@pytest.mark.parametrize("model", UNSOUND)
def test_non_intersecting_quorums_in_a_spec_expecting_holds_exit_2(model, write_spec):
    text, _, _ = UNSOUND[model]
    path = write_spec(text + "expect: {verdict: holds}\n")
    result = CliRunner().invoke(cli, ["check", path])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {path}:3: params.quorum: any 1 of 3: quorums {{1}} and {{2}} do not "
        "intersect, so two leaders can decide apart; such a rule is allowed only in a "
        "spec that expects a violation\n")


@pytest.mark.parametrize("model", UNSOUND)
def test_non_intersecting_quorums_run_where_a_violation_is_expected(model, write_spec):
    text, prop, length = UNSOUND[model]
    path = write_spec(text + f"properties: [{prop}]\n"
                      f"expect: {{verdict: violated, property: {prop}, "
                      f"trace_length: {length}}}\n")
    result = CliRunner().invoke(cli, ["check", path])
    assert result.exit_code == 0, result.output
    assert "verdict: VIOLATED" in result.output
    assert result.output.rstrip().endswith("expectation met")


def test_a_spec_without_expect_is_checked_for_soundness(write_spec):
    path = write_spec(UNSOUND["raft"][0])
    with pytest.raises(SpecError, match="params.quorum: any 1 of 3: quorums"):
        load_spec(path, REGISTRY)


def test_a_direct_change_in_a_spec_expecting_holds_exits_2(write_spec):
    path = write_spec("model: raft\nparams: {servers: 3,\n"
                      "  membership: {change: direct, from: 3, to: 1}}\n"
                      "expect: {verdict: holds}\n")
    result = CliRunner().invoke(cli, ["check", path])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {path}:3: params.membership.change: direct: the majority {{2,3}} of the "
        "starting configuration {1,2,3} and the majority {1} of the new one {1} do not "
        "intersect")


def test_symmetry_with_membership_changes():
    """Servers that every configuration treats alike are interchangeable:
    s2 and s3 here (s1 leaves, s4 gave no vote). Half the states remain, and
    the change is seen through in as many steps."""
    spec = load_spec(SPECS / "raft-membership-single-server.yaml", REGISTRY)
    model = spec.build()
    assert model.symmetry_groups() == {"servers": [[0], [1, 2], [3]]}
    result = check(model, CheckConfig(properties=spec.properties, symmetry=("servers",)))
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "holds", 7731, 35)
    assert len(result.witness("configuration_changed").trace) == 20


def test_symmetry_classes_follow_every_known_configuration():
    joint = Raft(servers=5, membership={"change": "joint", "from": 3, "to": 5})
    assert joint.symmetry_groups() == {"servers": [[0, 1, 2], [3, 4]]}
    single = Raft(servers=5, membership={"change": "single_server", "from": 3, "to": 5})
    assert single.symmetry_groups() == {"servers": [[0, 1, 2], [3], [4]]}
    # A configuration in an init: block tells its servers apart.
    named = Raft(servers=3, membership={"change": "joint", "from": 3, "to": 1},
                 init={"s3": {"log": ["t1:C(s3)"]}})
    assert named.symmetry_groups() == {"servers": [[0], [1], [2]]}


# -- the larger runs (specs/large) -------------------------------------------------------


@pytest.mark.slow
def test_direct_change_from_three_to_five_servers():
    """The issue's example; 3,007,641 states, about a minute."""
    model, result = run_spec("large/raft-membership-direct-3-to-5.yaml")
    found = result.violation("election_safety")
    assert found.reason == "s1 and s3 are both leader in term 3"
    assert steps(found.trace) == """\
ChangeConfig(i=s1, c=C(s1 s2 s3 s4 s5))
Restart(i=s1)
Timeout(i=s1)
RequestVote(i=s1, j=s1)
Timeout(i=s2)
Receive(m=RequestVoteRequest(s1→s1, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s1→s1, term=3, vote_granted=True))
RequestVote(i=s1, j=s4)
Receive(m=RequestVoteRequest(s1→s4, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteRequest(s1→s4, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s4→s1, term=3, vote_granted=True))
RequestVote(i=s1, j=s5)
Receive(m=RequestVoteRequest(s1→s5, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteRequest(s1→s5, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s5→s1, term=3, vote_granted=True))
BecomeLeader(i=s1)
RequestVote(i=s3, j=s2)
Receive(m=RequestVoteRequest(s3→s2, term=3, last_log_term=0, last_log_index=0))
Receive(m=RequestVoteResponse(s2→s3, term=3, vote_granted=True))
BecomeLeader(i=s3)"""
    assert view(model, found.trace.final, "s1.votes_granted", "s3.votes_granted",
                "s4.log") == {"s1.votes_granted": ["s1", "s4", "s5"],
                              "s3.votes_granted": ["s2", "s3"], "s4.log": []}


@pytest.mark.slow
def test_joint_consensus_holds_where_the_direct_change_breaks():
    """The direct spec's start and bounds: 1,415,523 states, about a minute."""
    _, result = run_spec("large/raft-membership-joint-partitioned.yaml")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (1415523, 51)


@pytest.mark.slow
def test_a_joint_change_completes():
    model, result = run_spec("large/raft-membership-joint-complete.yaml")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (260985, 41)
    done = result.witness("configuration_changed").trace
    assert steps(done) == """\
BecomeLeader(i=s3)
ChangeConfig(i=s3, c=C(s1 s2 s3 | s1))
AppendEntries(i=s3, j=s1)
Receive(m=AppendEntriesRequest(s3→s1, term=3, prev_log_index=0, prev_log_term=0, entries=[t3:C(s1 s2 s3 | s1)], commit_index=0))
Receive(m=AppendEntriesRequest(s3→s1, term=3, prev_log_index=0, prev_log_term=0, entries=[t3:C(s1 s2 s3 | s1)], commit_index=0))
Receive(m=AppendEntriesRequest(s3→s1, term=3, prev_log_index=0, prev_log_term=0, entries=[t3:C(s1 s2 s3 | s1)], commit_index=0))
Receive(m=AppendEntriesResponse(s1→s3, term=3, success=True, match_index=1))
AdvanceCommitIndex(i=s3)
ChangeConfig(i=s3, c=C(s1))
AppendEntries(i=s3, j=s1)
Receive(m=AppendEntriesRequest(s3→s1, term=3, prev_log_index=1, prev_log_term=3, entries=[t3:C(s1)], commit_index=1))
Receive(m=AppendEntriesRequest(s3→s1, term=3, prev_log_index=1, prev_log_term=3, entries=[t3:C(s1)], commit_index=1))
Receive(m=AppendEntriesResponse(s1→s3, term=3, success=True, match_index=2))
AdvanceCommitIndex(i=s3)"""
    # s3, not in C(s1), stepped down when it committed it.
    assert servers_view(model, done.final) == {
        "s1.current_term": 3, "s1.role": "Follower", "s1.log": ["t3:C(s1 s2 s3 | s1)",
                                                                "t3:C(s1)"],
        "s1.commit_index": 1,
        "s2.current_term": 3, "s2.role": "Follower", "s2.log": [], "s2.commit_index": 0,
        "s3.current_term": 3, "s3.role": "Follower", "s3.log": ["t3:C(s1 s2 s3 | s1)",
                                                                "t3:C(s1)"],
        "s3.commit_index": 2, "msgs": []}


@pytest.mark.slow
def test_a_new_leader_finishes_the_change_its_crashed_predecessor_began():
    """2,662,551 states, about three minutes."""
    model, result = run_spec("large/raft-membership-joint-leader-crash-finish.yaml")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (2662551, 62)
    assert len(result.witness("change_rolled_back").trace) == 11
    finished = result.witness("change_finished_by_new_leader").trace
    assert steps(finished) == """\
RequestVote(i=s1, j=s2)
Receive(m=RequestVoteRequest(s1→s2, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteRequest(s1→s2, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s2→s1, term=3, vote_granted=True))
BecomeLeader(i=s1)
ClientRequest(i=s1, v=v1)
AppendEntries(i=s1, j=s2)
Receive(m=AppendEntriesRequest(s1→s2, term=3, prev_log_index=1, prev_log_term=2, entries=[t3:v1], commit_index=0))
Receive(m=AppendEntriesResponse(s2→s1, term=3, success=False, match_index=0))
AppendEntries(i=s1, j=s2)
Receive(m=AppendEntriesRequest(s1→s2, term=3, prev_log_index=0, prev_log_term=0, entries=[t2:C(s1 s2 s3 | s1)], commit_index=0))
Receive(m=AppendEntriesRequest(s1→s2, term=3, prev_log_index=0, prev_log_term=0, entries=[t2:C(s1 s2 s3 | s1)], commit_index=0))
Receive(m=AppendEntriesResponse(s2→s1, term=3, success=True, match_index=1))
AppendEntries(i=s1, j=s2)
Receive(m=AppendEntriesRequest(s1→s2, term=3, prev_log_index=1, prev_log_term=2, entries=[t3:v1], commit_index=0))
Receive(m=AppendEntriesRequest(s1→s2, term=3, prev_log_index=1, prev_log_term=2, entries=[t3:v1], commit_index=0))
Receive(m=AppendEntriesResponse(s2→s1, term=3, success=True, match_index=2))
AdvanceCommitIndex(i=s1)
ChangeConfig(i=s1, c=C(s1))
AdvanceCommitIndex(i=s1)"""
    assert view(model, finished.final, "s1.role", "s1.log", "s1.commit_index") == {
        "s1.role": "Leader", "s1.log": ["t2:C(s1 s2 s3 | s1)", "t3:v1", "t3:C(s1)"],
        "s1.commit_index": 3}


@pytest.mark.slow
def test_two_single_server_changes_in_a_row():
    model, result = run_spec("large/raft-membership-single-server-two-changes.yaml")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (192880, 48)
    done = result.witness("configuration_changed").trace
    assert [str(a) for a in done.actions if str(a).startswith("Change")] == [
        "ChangeConfig(i=s1, c=C(s1 s2 s3))", "ChangeConfig(i=s1, c=C(s2 s3))"]
    assert view(model, done.final, "s1.role", "s1.log") == {
        "s1.role": "Follower", "s1.log": ["t2:v1", "t2:C(s1 s2 s3)", "t2:C(s2 s3)"]}
