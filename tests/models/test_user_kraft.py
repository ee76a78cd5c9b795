"""Jack Vanlightly's KRaft.tla (Vanlightly/raft-tlaplus,
specifications/pull-raft, commit cc86474) as a user's plain model,
tests/models/user/kraft.py, against what TLC 2.15 reported.

TLC ran with one worker and ``-deadlock`` (a state where every election is
used and nothing is left to do has no successor, as in the model) on the
published KRaft.tla, with KRaft.cfg's constants but Server, Value,
MaxElections and MaxRestarts as each case says, its four invariants
(LeaderHasAllAckedValues NoLogDivergence NeverTwoLeadersInSameEpoch
NoIllegalState), and SYMMETRY symmServers for the orbits. TLC prints the
depth plus one, and a counterexample of n steps as n + 1 states.

The cfg's ``VIEW view`` (every variable but electionCtr and restartCtr)
changes no count without restarts: each case below without restarts gave TLC
the same figures with and without it. With a restart, NoIllegalState fails
in the spec itself (a 6-step run, pinned below), so the full state spaces
with MaxRestarts = 1 were counted with NoIllegalState left out and
CommittedEntriesReachMajority added, and without the VIEW, which would
merge a state with the one its restart leaves unchanged but for restartCtr
(2 servers, 1 value, 1 election, 1 restart: 217 states with the VIEW, 271
without). The model takes the VIEW as a parameter (``VIEW: true``, its
`view` leaving the two counters out); the figures with it are pinned too.

A mutant was made in the TLA+ text as the model's mutant makes it (each
test says how); TLC's counterexample has the same length and the same
sequence of actions as the model's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check, invariant
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.brute_force import orbit_counts_agree, reachable_states
from tests.checker.test_engine_against_naive import shared_early
from tests.models.user.kraft import AcceptFetchRequest, KRaft
from tests.spec_runs import violation_steps

USER = Path(__file__).parent / "user"
SPEC = USER / "kraft.yaml"
CFG_INVARIANTS = ("leader_has_all_acked_values", "no_log_divergence",
                  "never_two_leaders_in_same_epoch", "no_illegal_state")
# with restarts: NoIllegalState out (it fails), CommittedEntriesReachMajority in
RESTART_INVARIANTS = ("leader_has_all_acked_values", "no_log_divergence",
                      "never_two_leaders_in_same_epoch", "committed_entries_reach_majority")


def _model(servers, values, elections, restarts, mutant=None):
    return KRaft(servers=servers, values=values, MaxElections=elections,
                 MaxRestarts=restarts, mutant=mutant)


def _check(bound, properties, symmetry=False, mutant=None):
    return check(_model(*bound, mutant=mutant),
                 CheckConfig(properties=properties, symmetry=("servers",) if symmetry else ()))


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    # no deadlock: every state without a step has used every election
    assert "every election is used (MaxElections = 2)" in result.output
    assert load_spec(SPEC, REGISTRY).params == {"servers": 2, "values": 1, "MaxElections": 2,
                                                "MaxRestarts": 0, "VIEW": False}


def _counted_twice(model) -> int:
    """The steps TLC generates twice: AcceptFetchRequest from fetch offset 0,
    where both disjuncts of ValidFetchPosition hold (offset and epoch 0, and
    EndOffsetForEpoch(i, 0) = [offset |-> 0, epoch |-> 0]) and TLC, finding
    the disjunction among the action's conjuncts, makes the step once for
    each (docs/tlc.md: "generated" counts each way an action is satisfied)."""
    return sum(1 for state in reachable_states(model) for action, _ in model.successors(state)
               if isinstance(action, AcceptFetchRequest) and action.fetchOffset == 0)


# servers, values, MaxElections, MaxRestarts: TLC's distinct states, states
# generated and depth (its own, one more than ours) without symmetry, then
# its orbits with SYMMETRY symmServers (same depth)
SMALL = [
    ((2, 1, 1, 0), (55, 69, 17), 28),
    ((2, 1, 2, 0), (1_230, 1_827, 27), 617),
]


@pytest.mark.parametrize("bound, plain, orbits", SMALL)
def test_small_bounds_have_tlc_s_counts(bound, plain, orbits):
    distinct, generated, depth = plain
    for symmetry, states in ((False, distinct), (True, orbits)):
        result = _check(bound, CFG_INVARIANTS, symmetry)
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth + 1) == (states, depth)
        if not symmetry:
            twice = _counted_twice(_model(*bound))
            assert result.stats.generated_states + twice == generated


def test_one_restart_has_tlc_s_counts():
    # 2 servers, 1 value, 1 election, 1 restart, without NoIllegalState and
    # the VIEW: TLC 271 states, 371 generated, depth 21; 136 orbits
    for symmetry, distinct in ((False, 271), (True, 136)):
        result = _check((2, 1, 1, 1), RESTART_INVARIANTS, symmetry)
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, 21)
        if not symmetry:
            twice = _counted_twice(_model(2, 1, 1, 1))
            assert result.stats.generated_states + twice == 371


@pytest.mark.parametrize("workers", [1, 2])
def test_the_cfg_s_view_has_tlc_s_counts(workers):
    # the same bound with VIEW view (every variable but electionCtr and
    # restartCtr), one worker and two sharing levels from 8 states on:
    # TLC 217 states, depth 21; 109 orbits with SYMMETRY symmServers
    for symmetry, distinct in ((False, 217), (True, 109)):
        config = CheckConfig(properties=RESTART_INVARIANTS, workers=workers,
                             symmetry=("servers",) if symmetry else ())
        with shared_early(4) as started:
            result = check(KRaft(servers=2, values=1, MaxElections=1, MaxRestarts=1,
                                 VIEW=True), config)
        assert bool(started) is (workers == 2)
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, 21)


@pytest.mark.slow
@pytest.mark.parametrize("symmetry, distinct", [(False, 9_940), (True, 4_972)])
def test_the_cfg_s_view_has_tlc_s_counts_on_two_elections(symmetry, distinct):
    # 2 servers, 1 value, 2 elections, 1 restart, VIEW view: TLC 9,940
    # states (11,169 without the VIEW), 4,972 orbits (5,588), depth 32
    result = check(KRaft(servers=2, values=1, MaxElections=2, MaxRestarts=1, VIEW=True),
                   CheckConfig(properties=RESTART_INVARIANTS,
                               symmetry=("servers",) if symmetry else ()))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, 32)


@pytest.mark.slow
@pytest.mark.parametrize("bound, properties, distinct, depth, symmetry", [
    # TLC 2.15: distinct states (orbits with symmetry) and its depth
    ((2, 2, 2, 0), CFG_INVARIANTS, 8_076, 34, False),
    ((2, 1, 3, 0), CFG_INVARIANTS, 37_706, 37, False),
    ((2, 1, 3, 0), CFG_INVARIANTS, 18_855, 37, True),
    ((3, 1, 1, 0), CFG_INVARIANTS, 10_468, 30, False),
    ((3, 1, 1, 0), CFG_INVARIANTS, 1_759, 30, True),
    ((3, 2, 1, 0), CFG_INVARIANTS, 220_780, 43, False),
    ((3, 2, 1, 0), CFG_INVARIANTS, 36_862, 43, True),
    ((2, 1, 2, 1), RESTART_INVARIANTS, 11_169, 32, False),
    ((3, 1, 1, 1), RESTART_INVARIANTS, 135_343, 43, False),
])
def test_larger_bounds_have_tlc_s_counts(bound, properties, distinct, depth, symmetry):
    result = _check(bound, properties, symmetry)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)


def test_symmetry_gives_every_orbit_once():
    # the engine's canonical form (signatures first) against the whole group
    assert orbit_counts_agree(lambda: _model(2, 1, 2, 0), [("servers",)]) == (1_230, 617)


def test_a_restart_makes_an_illegal_state_in_the_spec_itself():
    # TLC 2.15 (KRaft.tla as published, MaxRestarts = 1): NoIllegalState
    # violated, 7 states, these actions: a voter restarts as a Follower with
    # no leader in the epoch it voted in; the BeginQuorumRequest of that
    # epoch then finds a Follower of the epoch (TransitionToFollower)
    result = _check((2, 1, 1, 1), CFG_INVARIANTS)
    assert result.verdict == "violated"
    assert result.violations[0].property.name == "no_illegal_state"
    assert violation_steps(result) == [
        "RequestVote(i='n1')",
        "HandleRequestVoteRequest(i='n2', j='n1', mepoch=2)",
        "Restart(i='n2')",
        "HandleRequestVoteResponse(i='n1', j='n2', mepoch=2, granted=True)",
        "BecomeLeader(i='n1')",
        "HandleBeginQuorumRequest(i='n2', j='n1', mepoch=2)",
    ]
    final = result.violations[0].trace.steps[-1].state
    assert (final.state, final.currentEpoch) == (("Leader", "IllegalState"), (2, 0))


class _TruncationProbe(KRaft):
    """The witness Follower Truncates as an invariant's negation, so that
    the search stops at the first state that has it (TLC: INVARIANT
    NoTruncation, the same formula negated)."""

    @invariant("No Truncation")
    def no_truncation(self, state):
        return not self.follower_truncates(state)


@pytest.mark.slow
def test_a_follower_truncates_as_in_tlc():
    # No bound counted above reaches DivergingFetchRequest or
    # HandleDivergingFetchResponse (two servers never diverge; three need two
    # elections). 3 servers, 1 value, 2 elections: TLC 15 states (110,581
    # distinct found), these actions; 112,342 states here, about 40 s
    result = check(_TruncationProbe(servers=3, values=1, MaxElections=2, MaxRestarts=0),
                   CheckConfig(properties=("no_truncation",)))
    assert violation_steps(result) == [
        "RequestVote(i='n1')",
        "HandleRequestVoteRequest(i='n2', j='n1', mepoch=2)",
        "HandleRequestVoteResponse(i='n1', j='n2', mepoch=2, granted=True)",
        "BecomeLeader(i='n1')",
        "ClientRequest(i='n1', v='v1')",
        "HandleBeginQuorumRequest(i='n2', j='n1', mepoch=2)",
        "RequestVote(i='n2')",
        "HandleRequestVoteRequest(i='n3', j='n2', mepoch=3)",
        "HandleRequestVoteResponse(i='n2', j='n3', mepoch=3, granted=True)",
        "BecomeLeader(i='n2')",
        "HandleBeginQuorumRequest(i='n1', j='n2', mepoch=3)",
        "SendFetchRequest(i='n1', j='n2')",
        "DivergingFetchRequest(i='n2', j='n1', mepoch=3)",
        "HandleDivergingFetchResponse(i='n1', j='n2', mepoch=3)",
    ]
    before, after = (step.state for step in result.violations[0].trace.steps[-2:])
    # n1's unreplicated entry of epoch 2 goes: n2 has no entry of epoch <= 2
    assert (before.log[0], after.log[0]) == (((2, 0),), ())


# -- mutants ------------------------------------------------------------------------------

VOTE_TWICE_RUN = [
    "RequestVote(i='n1')",
    "RequestVote(i='n2')",
    "HandleRequestVoteRequest(i='n3', j='n1', mepoch=2)",
    "HandleRequestVoteRequest(i='n3', j='n2', mepoch=2)",
    "HandleRequestVoteResponse(i='n1', j='n3', mepoch=2, granted=True)",
    "HandleRequestVoteResponse(i='n2', j='n3', mepoch=2, granted=True)",
    "BecomeLeader(i='n1')",
    "BecomeLeader(i='n2')",
]


def test_vote_twice_elects_two_leaders_in_one_epoch():
    # TLA+: state0 == IF m.mepoch > currentEpoch[i] THEN TransitionToUnattached(m.mepoch)
    # ELSE IF state[i] = Voted /\ votedFor[i] # j THEN [NoTransition(i) EXCEPT
    # !.state = Unattached] ELSE NoTransition(i). TLC: 9 states, these actions
    result = _check((3, 1, 2, 0), ("never_two_leaders_in_same_epoch",), mutant="vote_twice")
    assert result.verdict == "violated"
    assert violation_steps(result) == VOTE_TWICE_RUN
    assert result.violations[0].reason == "n1 and n2 at epoch 2 know leaders n1 and n2"


def test_vote_twice_makes_an_illegal_state():
    # TLC (NoIllegalState alone): 10 states; n2, leader of epoch 2, gets n1's
    # BeginQuorumRequest of epoch 2 (HasConsistentLeader fails)
    result = _check((3, 1, 2, 0), ("no_illegal_state",), mutant="vote_twice")
    assert violation_steps(result) == VOTE_TWICE_RUN + [
        "HandleBeginQuorumRequest(i='n2', j='n1', mepoch=2)"]
    assert result.violations[0].reason == "n2 is in IllegalState"


def test_hwm_without_quorum_commits_on_the_leader_alone():
    # TLA+: agreeOffsets == {offset \in 1..Len(log[i]) : TRUE}.
    # CommittedEntriesReachMajority alone, 2 servers: TLC 9 states, these actions
    result = _check((2, 1, 2, 0), ("committed_entries_reach_majority",),
                    mutant="hwm_without_quorum")
    assert violation_steps(result) == [
        "RequestVote(i='n1')",
        "HandleRequestVoteRequest(i='n2', j='n1', mepoch=2)",
        "HandleRequestVoteResponse(i='n1', j='n2', mepoch=2, granted=True)",
        "BecomeLeader(i='n1')",
        "ClientRequest(i='n1', v='v1')",
        "HandleBeginQuorumRequest(i='n2', j='n1', mepoch=2)",
        "SendFetchRequest(i='n2', j='n1')",
        "AcceptFetchRequest(i='n1', j='n2', mepoch=2, fetchOffset=0)",
    ]
    final = result.violations[0].trace.steps[-1].state
    assert (final.highWatermark, final.log[1], final.acked) == ((1, 0), (), (True,))


@pytest.mark.slow
def test_hwm_without_quorum_loses_an_acked_value():
    # LeaderHasAllAckedValues alone, 3 servers, 2 elections: TLC 13 states,
    # these actions (36,450 states here, 4 s)
    result = _check((3, 1, 2, 0), ("leader_has_all_acked_values",),
                    mutant="hwm_without_quorum")
    assert violation_steps(result) == [
        "RequestVote(i='n1')",
        "HandleRequestVoteRequest(i='n2', j='n1', mepoch=2)",
        "HandleRequestVoteResponse(i='n1', j='n2', mepoch=2, granted=True)",
        "BecomeLeader(i='n1')",
        "ClientRequest(i='n1', v='v1')",
        "HandleBeginQuorumRequest(i='n2', j='n1', mepoch=2)",
        "SendFetchRequest(i='n2', j='n1')",
        "RequestVote(i='n2')",
        "HandleRequestVoteRequest(i='n3', j='n2', mepoch=3)",
        "HandleRequestVoteResponse(i='n2', j='n3', mepoch=3, granted=True)",
        "BecomeLeader(i='n2')",
        "AcceptFetchRequest(i='n1', j='n2', mepoch=2, fetchOffset=0)",
    ]
    assert result.violations[0].reason == "leader n2 of epoch 3 lacks the acked value v1"


@pytest.mark.slow
def test_vote_ignores_log_elects_a_leader_without_an_acked_value():
    # TLA+: logOk == CompareEntries(...) >= 0 \/ TRUE. LeaderHasAllAckedValues
    # alone, 3 servers, 2 elections: TLC 17 states (331,623 distinct found),
    # these actions; 332,680 states here, about a minute
    result = _check((3, 1, 2, 0), ("leader_has_all_acked_values",), mutant="vote_ignores_log")
    assert violation_steps(result) == [
        "RequestVote(i='n1')",
        "HandleRequestVoteRequest(i='n2', j='n1', mepoch=2)",
        "HandleRequestVoteResponse(i='n1', j='n2', mepoch=2, granted=True)",
        "BecomeLeader(i='n1')",
        "ClientRequest(i='n1', v='v1')",
        "HandleBeginQuorumRequest(i='n2', j='n1', mepoch=2)",
        "RequestVote(i='n2')",
        "HandleBeginQuorumRequest(i='n3', j='n1', mepoch=2)",
        "SendFetchRequest(i='n3', j='n1')",
        "AcceptFetchRequest(i='n1', j='n3', mepoch=2, fetchOffset=0)",
        "HandleSuccessFetchResponse(i='n3', j='n1', mepoch=2)",
        "SendFetchRequest(i='n3', j='n1')",
        "HandleRequestVoteRequest(i='n3', j='n2', mepoch=3)",
        "HandleRequestVoteResponse(i='n2', j='n3', mepoch=3, granted=True)",
        "BecomeLeader(i='n2')",
        "AcceptFetchRequest(i='n1', j='n3', mepoch=2, fetchOffset=1)",
    ]
    assert result.violations[0].reason == "leader n2 of epoch 3 lacks the acked value v1"


@pytest.mark.slow
def test_accept_any_fetch_position_diverges_committed_logs():
    # TLA+: ValidFetchPosition(i, m) == TRUE. NoLogDivergence alone, 3
    # servers, 2 values, 2 elections: TLC 16 states (401,422 distinct found),
    # these actions; 402,767 states here, about 30 s. n1 keeps its entry of
    # epoch 2 at offset 1 and takes n2's high watermark over n2's entry of epoch 3
    result = _check((3, 2, 2, 0), ("no_log_divergence",), mutant="accept_any_fetch_position")
    assert violation_steps(result) == [
        "RequestVote(i='n1')",
        "HandleRequestVoteRequest(i='n2', j='n1', mepoch=2)",
        "HandleRequestVoteResponse(i='n1', j='n2', mepoch=2, granted=True)",
        "BecomeLeader(i='n1')",
        "ClientRequest(i='n1', v='v1')",
        "HandleBeginQuorumRequest(i='n2', j='n1', mepoch=2)",
        "RequestVote(i='n2')",
        "HandleRequestVoteRequest(i='n3', j='n2', mepoch=3)",
        "HandleRequestVoteResponse(i='n2', j='n3', mepoch=3, granted=True)",
        "BecomeLeader(i='n2')",
        "ClientRequest(i='n2', v='v2')",
        "HandleBeginQuorumRequest(i='n1', j='n2', mepoch=3)",
        "SendFetchRequest(i='n1', j='n2')",
        "AcceptFetchRequest(i='n2', j='n1', mepoch=3, fetchOffset=1)",
        "HandleSuccessFetchResponse(i='n1', j='n2', mepoch=3)",
    ]
    final = result.violations[0].trace.steps[-1].state
    assert final.log[:2] == (((2, 0),), ((3, 1),))
    assert final.highWatermark[:2] == (1, 1)


def test_the_report_shows_the_messages_a_step_changes(tmp_path):
    spec = tmp_path / "restart.yaml"
    spec.write_text(f"model: {USER / 'kraft.py'}:KRaft\n"
                    "params: {servers: 2, values: 1, MaxElections: 1, MaxRestarts: 1}\n"
                    "properties: [no_illegal_state]\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 1
    assert ("No Illegal State (no_illegal_state) violated after 6 steps: n2 is in "
            "IllegalState") in result.output
    last = result.output[result.output.index("  6  HandleBeginQuorumRequest"):]
    assert last.splitlines()[1:6] == [
        "       n2.state: Follower → IllegalState",
        "       n2.currentEpoch: 2 → 0",
        "       messages[BeginQuorumRequest(mepoch=2, msource=n1, mdest=n2)]: 1 → 0",
        "       messages[BeginQuorumResponse(mepoch=2, msource=n2, mdest=n1)]: none → 1",
        "       ✗ No Illegal State violated in this state: n2 is in IllegalState",
    ]


def test_a_bad_parameter_is_one_line(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(f"model: {USER / 'kraft.py'}:KRaft\nparams: {{servers: 0}}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "bad.yaml:2: params.servers: must be at least 1, got 0; accepted: 1 to 5")
