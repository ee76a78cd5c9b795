"""Liveness answers for etcd's CheckQuorum and PreVote on the whole graph,
where specs/raft-checkquorum.yaml and specs/raft-prevote.yaml stop at a
depth bound: a leader cut off from a quorum eventually steps down
(Leader Without a Quorum Steps Down, under weak fairness to each server's
CheckQuorum) and fails to without CheckQuorum, by an exact shortest lasso;
PreVote's No Disruptive Rejoin holds on every run of a stable leader and
fails without PreVote."""

from __future__ import annotations

import dataclasses

import pytest

from checker import CheckConfig, check
from checker.spec import load_spec
from models import REGISTRY
from models.raft import Raft
from tests.checker.lasso_fairness import unfair_to
from tests.spec_runs import SPECS, checked_spec, steps, view

PROPERTY = "leader_without_quorum_steps_down"

#: s2 is elected in term 3 with s3's vote and replicates to s3 once
ELECTED = """\
Timeout(i=s2)
RequestVote(i=s2, j=s2)
Receive(m=RequestVoteRequest(s2→s2, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s2→s2, term=3, vote_granted=True))
RequestVote(i=s2, j=s3)
Receive(m=RequestVoteRequest(s2→s3, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteRequest(s2→s3, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s3→s2, term=3, vote_granted=True))
BecomeLeader(i=s2)
AppendEntries(i=s2, j=s3)
Receive(m=AppendEntriesRequest(s2→s3, term=3, prev_log_index=1, prev_log_term=2, entries=[], \
commit_index=1))
Receive(m=AppendEntriesResponse(s3→s2, term=3, success=True, match_index=1))"""
HEARTBEAT = ["AppendEntries(i=s2, j=s3)",
             "Receive(m=AppendEntriesRequest(s2→s3, term=3, prev_log_index=1, prev_log_term=2, "
             "entries=[], commit_index=1))",
             "Receive(m=AppendEntriesResponse(s3→s2, term=3, success=True, match_index=1))"]
REASON = ("for server s1, a fair behaviour breaks Leader Without a Quorum Steps Down: the "
          "first part holds, the second never after (at step 12: s1 is still Leader of term 2, "
          "cut off from a quorum)")


def lasso(finding) -> tuple[int, int, list[str]]:
    return (finding.stem_length, finding.loop_length,
            [str(action) for action in finding.trace.actions])


def variant(tmp_path, name: str, old: str, new: str):
    """Spec `name` with its one `old` replaced by `new`, loaded."""
    text = (SPECS / name).read_text()
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return load_spec(path, REGISTRY)


def with_fairness(name: str, *fairness: tuple[str, str]):
    spec, model, _ = checked_spec(name)
    return model, check(model, dataclasses.replace(spec.config(), fairness=fairness))


# -- CheckQuorum ----------------------------------------------------------------------


def test_with_check_quorum_a_leader_without_a_quorum_steps_down():
    _, model, result = checked_spec("raft-checkquorum-liveness.yaml")
    assert (result.verdict, result.stats.distinct_states, result.stats.graph_edges) == (
        "holds", 1844, 4170)
    assert not result.violations
    # 14 states whose every step leaves max_term: no leader there (s1 a
    # Candidate of term 3 in the first), so stuttering there keeps the promise,
    # and no fair step leaves the bounds: the verdict is settled
    assert result.stats.bound_stops == 14
    assert view(model, result.bound_stop.trace.final, "s1.role", "s2.role", "s3.role") == {
        "s1.role": "Candidate", "s2.role": "Follower", "s3.role": "Follower"}


def test_without_check_quorum_it_leads_for_ever_though_every_step_is_fair():
    spec, model, result = checked_spec("raft-checkquorum-liveness-off.yaml")
    assert (result.verdict, result.stats.distinct_states, result.stats.graph_edges) == (
        "violated", 208, 270)
    found = result.violation(PROPERTY)
    assert found.reason == REASON
    assert lasso(found) == (12, 3, ELECTED.splitlines() + HEARTBEAT)
    assert found.bound is None
    assert unfair_to(model, spec.config().fairness, found) == []
    assert view(model, found.trace.final, "s1.role", "s1.current_term", "s2.role",
                "s2.current_term", "s3.role", "s3.current_term", "partition") == {
        "s1.role": "Leader", "s1.current_term": 2, "s2.role": "Leader",
        "s2.current_term": 3, "s3.role": "Follower", "s3.current_term": 3,
        "partition": "down"}


def test_fairness_to_the_family_lets_s2_take_every_check_quorum_step():
    # WF_vars(\E i : CheckQuorum(i)): s2's steps keep the family's promise
    # while s1's never comes
    model, result = with_fairness("raft-checkquorum-liveness.yaml", ("weak", "CheckQuorum"))
    found = result.violation(PROPERTY)
    assert lasso(found) == (12, 4, ELECTED.splitlines() + [
        HEARTBEAT[0], "CheckQuorum(i=s2)", *HEARTBEAT[1:]])
    assert view(model, found.trace.final, "s1.role", "s2.role", "s2.recent_active") == {
        "s1.role": "Leader", "s2.role": "Leader", "s2.recent_active": ["s3"]}


def test_without_fairness_the_leader_may_stutter_for_ever():
    for name in ("raft-checkquorum-liveness.yaml", "raft-checkquorum-liveness-off.yaml"):
        _, result = with_fairness(name)
        assert lasso(result.violation(PROPERTY)) == (0, 0, []), name
    # the off spec under its on twin's fairness alone: no CheckQuorum step exists
    _, result = with_fairness("raft-checkquorum-liveness-off.yaml", ("weak", "CheckQuorum(i=*)"))
    assert lasso(result.violation(PROPERTY)) == (0, 0, [])


def test_adding_the_property_adds_no_state():
    spec, model, result = checked_spec("raft-checkquorum-liveness.yaml")
    safety = check(model, dataclasses.replace(spec.config(), properties=("election_safety",),
                                              fairness=()))
    assert (safety.stats.distinct_states, safety.stats.generated_states) == (
        result.stats.distinct_states, result.stats.generated_states) == (1844, 8761)


def test_a_leader_reaches_a_quorum_again_once_the_partition_heals():
    model = Raft(servers=3, max_msgs=2, partition=[1])
    (state,) = model.initial_states()
    assert [model.reaches_quorum(state, i) for i in range(3)] == [False, True, True]
    (healed,) = [after for action, after in model.successors(state) if str(action) == "Heal()"]
    assert [model.reaches_quorum(healed, i) for i in range(3)] == [True, True, True]
    assert Raft(servers=3).reaches_quorum(state, 0)  # no partition at all
    # nobody leads there: the promise is asked of no one
    assert model.leader_without_quorum_steps_down(state) == {
        "s1": (False, True), "s2": (False, True), "s3": (False, True)}


def test_the_property_asks_it_of_a_cut_off_leader_only():
    spec, model, _ = checked_spec("raft-checkquorum-liveness.yaml")
    (start,) = model.initial_states()
    answers = model.leader_without_quorum_steps_down(start)
    assert {name: (p, bool(q)) for name, (p, q) in answers.items()} == {
        "s1": (True, False), "s2": (False, True), "s3": (False, True)}
    assert answers["s1"][1].reason == "s1 is still Leader of term 2, cut off from a quorum"


@pytest.mark.slow
def test_with_raft_tla_s_faults_it_holds_too(tmp_path):
    # restarts, drops and duplicates (faults: true) are no fair steps, and
    # CheckQuorum still ends the leadership: 38,466 states (about 5 s)
    spec = variant(tmp_path, "raft-checkquorum-liveness.yaml", "faults: false", "faults: true")
    result = check(spec.build(), spec.config())
    assert (result.verdict, result.stats.distinct_states) == ("holds", 38466)


# -- PreVote ---------------------------------------------------------------------------


def test_with_pre_vote_a_stable_leader_is_never_deposed_by_the_rejoining_server():
    _, _, result = checked_spec("raft-prevote-stable-leader.yaml")
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "holds", 40127, 56)
    assert not result.violations and result.bound_stop is None


def test_without_pre_vote_it_is_deposed_in_four_steps(tmp_path):
    spec = variant(tmp_path, "raft-prevote-stable-leader.yaml", "pre_vote: true",
                   "pre_vote: false")
    model = spec.build()
    result = check(model, CheckConfig(properties=("no_disruptive_rejoin",)))
    found = result.violation("no_disruptive_rejoin")
    assert found.reason == ("s5, cut off at the start, deposes leader s1 of term 2 with term "
                            "3, which no other server has reached")
    assert steps(found.trace) == """\
Timeout(i=s5)
Heal()
RequestVote(i=s5, j=s1)
Receive(m=RequestVoteRequest(s5→s1, term=3, last_log_term=0, last_log_index=0))"""
    assert view(model, found.trace.final, "s1.role", "s1.current_term") == {
        "s1.role": "Follower", "s1.current_term": 3}
