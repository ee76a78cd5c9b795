"""ZooKeeper's Zab pre-1.0 (apache/zookeeper, zookeeper-specifications/zab/
Zab.tla and Zab.toolbox/Model_1/MC.cfg at commit b8cea1803344) as a user's
plain model, tests/models/user/zab.py, against what TLC 2.15 reported.

TLC ran with one worker and ``-deadlock`` (a state where a limit is used up
and nothing else is enabled has no successor, as in the model) on the
published Zab.tla through a module of our own::

    ---- MODULE MC ----
    EXTENDS Zab, TLC
    CONSTANTS s1, s2, s3, MTF, MTN, ME, MR
    MCServer == {s1, s2, s3}
    MCParameters == [MaxTimeoutFailures |-> MTF, MaxTransactionNum |-> MTN,
                     MaxEpoch |-> ME, MaxRestarts |-> MR]
    Symm == Permutations(MCServer)
    NoPc == <<serverVars, leaderVars, followerVars, electionVars, msgVars,
              verifyVars, [recorder EXCEPT !.pc = <<>>]>>
    ====

with ``Server <- MCServer``, ``Parameters <- MCParameters``, the other
constants model values, ``SPECIFICATION Spec``, MC.cfg's ten invariants, and
``SYMMETRY Symm`` for the orbits. ``pc = 0`` is TLC with ``VIEW NoPc``.
TLC prints the depth plus one, and a counterexample of n steps as n + 1
states. A bound below is (MaxTimeoutFailures, MaxTransactionNum, MaxEpoch,
MaxRestarts).

A mutant was made in Zab.tla as the model's mutant makes it (each test
says how); TLC's counterexample has the same length and the same sequence of
actions as the model's (TLC's trace shows them as ``recorder.pc``), and the
facts of its last state pinned here. Four servers (``MC.tla`` with s4) for
``half_is_a_quorum``, whose quorums of two need not intersect.

TLC's "states generated" counts a step once per way its action is
satisfied; where LeaderProcessACK's ``\\/ ~outstanding \\/ hasCommitted``
(and like disjunctions) has both disjuncts true TLC counts the step twice
(`_tlc_generated` rebuilds that count from the model's steps).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.model import Note, Received, Sent
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.brute_force import orbit_counts_agree, reachable_states
from tests.models.user.zab import (BROADCAST, FOLLOWING, LEADING, Committed, Proposal,
                                   Txn, Zab, zxid_to_index)

USER = Path(__file__).parent / "user"
SPEC = USER / "zab.yaml"


def _model(bound, pc=1, mutant=None):
    timeouts, transactions, epochs, restarts = bound
    return Zab(servers=3, MaxTimeoutFailures=timeouts, MaxTransactionNum=transactions,
               MaxEpoch=epochs, MaxRestarts=restarts, pc=pc, mutant=mutant)


def _check(bound, pc=1, symmetry=False, mutant=None, properties=None):
    config = CheckConfig(symmetry=("servers",) if symmetry else ())
    if properties is not None:
        config = CheckConfig(properties=properties, symmetry=config.symmetry)
    return check(_model(bound, pc, mutant), config)


def _pc(action) -> str:
    """An action as TLC's trace shows it in recorder.pc: <<"Timeout", s1, s2>>."""
    return f'<<"{type(action).__name__}"' + "".join(f", {x}" for x in action) + ">>"


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "every timeout is used (MaxTimeoutFailures = 0)" in result.output
    assert load_spec(SPEC, REGISTRY).params == {
        "servers": 3, "MaxTimeoutFailures": 0, "MaxTransactionNum": 1, "MaxEpoch": 1,
        "MaxRestarts": 0, "pc": 1}


# (bound, pc) -> TLC's distinct states, generated states, depth (TLC prints one more)
TLC_FIGURES = {
    ((0, 1, 1, 0), 1): (757, 1216, 16),
    ((0, 1, 1, 0), 0): (445, 760, 16),
    ((0, 2, 1, 0), 1): (2059, 4102, 21),
    ((0, 2, 1, 0), 0): (1015, 2062, 21),
}
TLC_FIGURES_SLOW = {
    ((1, 1, 2, 0), 0): (27382, 57100, 32),
    ((1, 2, 1, 0), 0): (7168, 15670, 24),
    ((0, 2, 2, 0), 0): (9451, 22666, 31),
    ((1, 1, 2, 0), 1): (54358, 114745, 33),
    ((1, 1, 1, 1), 0): (8783, 16123, 20),
    ((1, 1, 1, 1), 1): (14833, 27988, 20),
    ((1, 2, 2, 0), 0): (272314, 652978, 39),  # _tlc_generated gave 652,978 once
}
# (bound, pc) -> TLC's orbits, generated, depth under SYMMETRY Permutations(Server)
TLC_ORBITS = {
    ((0, 1, 1, 0), 1): (128, 208, 16),
}
TLC_ORBITS_SLOW = {
    ((0, 2, 1, 0), 1): (345, 689, 21),
    ((1, 1, 2, 0), 1): (9069, 19150, 33),
    ((0, 2, 2, 0), 1): (3656, 9019, 31),
    ((1, 2, 1, 0), 1): (2519, 5727, 24),
    ((1, 1, 1, 1), 1): (2484, 4697, 20),
}


def _tlc_generated(model, states) -> int:
    """TLC's generated count rebuilt: every step, and once more for each
    step where two disjuncts of a disjunction among the action's conjuncts
    hold (LeaderProcessACK's ``~outstanding \\/ hasCommitted``, and the
    ``~allTxnsBeforeCommitted \\/ ~hasAllQuorums`` of LeaderTryToCommit),
    with the initial state, which TLC counts as generated too."""
    total = len(list(model.initial_states()))
    for s in states:
        for action, _ in model.successors(s):
            total += 1
            if type(action).__name__ != "LeaderProcessACK":
                continue
            i, j = (int(x[1:]) - 1 for x in action)
            msg = s.msgs[j][i][0]
            history, committed = s.history[i], s.lastCommitted[i]
            index = zxid_to_index(history, msg.mzxid)
            acked = max((k for k, t in enumerate(history, 1) if j in t.ackSid), default=-1)
            if not (1 <= index <= len(history) and (acked == -1 or acked + 1 == index)):
                total += (not 1 <= index <= len(history)) and not (acked == -1
                                                                   or acked + 1 == index)
                continue
            outstanding = committed.index < len(history)
            has_committed = not msg.mzxid > committed.zxid
            if not outstanding and has_committed:
                total += 1
            elif outstanding and not has_committed:
                quorum = model.is_quorum(history[index - 1].ackSid | {j})
                total += (not committed.index >= index - 1) and not quorum
    return total


@pytest.mark.parametrize(("bound", "pc"), list(TLC_FIGURES))
def test_tlc_s_distinct_states_generated_and_depth(bound, pc):
    result = _check(bound, pc)
    distinct, generated, depth = TLC_FIGURES[(bound, pc)]
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)
    assert result.stats.generated_states == generated


@pytest.mark.slow
@pytest.mark.parametrize(("bound", "pc"), list(TLC_FIGURES_SLOW))
def test_tlc_s_figures_on_larger_bounds(bound, pc):
    result = _check(bound, pc)
    distinct, generated, depth = TLC_FIGURES_SLOW[(bound, pc)]
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)
    if distinct < 100_000:
        model = _model(bound, pc)
        assert _tlc_generated(model, reachable_states(model)) == generated


@pytest.mark.parametrize(("bound", "pc"), list(TLC_ORBITS))
def test_tlc_s_orbits(bound, pc):
    result = _check(bound, pc, symmetry=True)
    orbits, generated, depth = TLC_ORBITS[(bound, pc)]
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (orbits, generated, depth)


@pytest.mark.slow
@pytest.mark.parametrize(("bound", "pc"), list(TLC_ORBITS_SLOW))
def test_tlc_s_orbits_on_larger_bounds(bound, pc):
    result = _check(bound, pc, symmetry=True)
    orbits, generated, depth = TLC_ORBITS_SLOW[(bound, pc)]
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "holds", orbits, depth)
    if bound[:3] != (1, 1, 2) and bound != (0, 2, 2, 0):  # no step counted twice by TLC
        assert result.stats.generated_states == generated


@pytest.mark.slow  # (2.6 s)
def test_orbits_without_pc_are_the_orbits_where_tlc_s_view_counts_one_more():
    """TLC with both VIEW NoPc and SYMMETRY reported 78 (and 173 on (0, 2,
    1, 0); 4,703 on (1, 1, 2, 0)) where the orbits of the states without pc
    are 77 (172; 4,583, cmc): TLC takes the least permutation of the whole
    state, pc included, and fingerprints the view of that, so two states
    with one view but different pcs can be given two images of the view.
    The brute-force orbit count of the model's reachable states settles it."""
    assert orbit_counts_agree(lambda: _model((0, 1, 1, 0), pc=0), [("servers",)]) == (445, 77)
    assert orbit_counts_agree(lambda: _model((0, 1, 1, 0), pc=1), [("servers",)]) == (757, 128)


class _ZabView(Zab):
    """The spec with pc kept and TLC's VIEW NoPc as `Model.view`."""

    def view(self, s):
        return s._replace(recorder=s.recorder._replace(pc=None))


def test_model_view_without_pc_is_tlc_s_view_but_under_symmetry_the_orbits():
    """`Model.view` leaving pc out gives TLC's VIEW NoPc figures (445
    states), and under symmetry the orbits of the views (77), as
    tlaplus/tlaplus#1369 (2026, for #206) has TLC count them. TLC 2.15 permutes the whole
    state and then takes the view, and reports 78 (173 on (0, 2, 1, 0))."""
    bound = (0, 1, 1, 0)
    plain = check(_ZabView(servers=3, MaxTimeoutFailures=0, MaxTransactionNum=1, MaxEpoch=1,
                           MaxRestarts=0, pc=1), CheckConfig(properties=()))
    assert (plain.stats.distinct_states, plain.stats.depth) == TLC_FIGURES[(bound, 0)][::2]
    reduced = check(_ZabView(servers=3, MaxTimeoutFailures=0, MaxTransactionNum=1, MaxEpoch=1,
                             MaxRestarts=0, pc=1),
                    CheckConfig(properties=(), symmetry=("servers",)))
    assert reduced.stats.distinct_states == 77


# -- mutants: TLC's counterexample on the same change in Zab.tla -------------------------------

PREFIX = ['<<"UpdateLeader", s1>>', '<<"FollowLeader", s2>>', '<<"FollowLeader", s3>>',
          '<<"ConnectAndFollowerSendCEPOCH", s1, s2>>',
          '<<"ConnectAndFollowerSendCEPOCH", s1, s3>>', '<<"LeaderProcessCEPOCH", s1, s2>>',
          '<<"LeaderProcessCEPOCH", s1, s3>>', '<<"FollowerProcessNEWEPOCH", s2, s1>>',
          '<<"FollowerProcessNEWEPOCH", s3, s1>>', '<<"LeaderProcessACKEPOCH", s1, s2>>',
          '<<"FollowerProcessNEWLEADER", s2, s1>>', '<<"LeaderProcessACKLD", s1, s2>>']

SECOND_LEADER = ['<<"UpdateLeader", s1>>', '<<"FollowLeader", s2>>',
                 '<<"ConnectAndFollowerSendCEPOCH", s1, s2>>', '<<"UpdateLeader", s3>>',
                 '<<"LeaderProcessCEPOCH", s1, s2>>', '<<"FollowerProcessNEWEPOCH", s2, s1>>',
                 '<<"LeaderProcessACKEPOCH", s1, s2>>']


@pytest.mark.parametrize("prop", ["leadership1", "leadership2"])
def test_epoch_from_leader_only_gives_tlc_s_13_steps(prop):
    """DetermineNewEpoch(i) == acceptedEpoch[i] + 1: TLC (Leadership1 alone
    or Leadership2 alone, (1, 0, 2, 0), VIEW NoPc) prints 14 states, these
    steps: s3 is established in epoch 1, which s1 leads."""
    result = _check((1, 0, 2, 0), pc=0, mutant="epoch_from_leader_only", properties=(prop,))
    (violation,) = result.violations
    assert [_pc(a) for a in violation.trace.actions] == SECOND_LEADER + [
        '<<"Timeout", s1, s2>>', '<<"FollowLeader", s2>>',
        '<<"ConnectAndFollowerSendCEPOCH", s3, s2>>', '<<"LeaderProcessCEPOCH", s3, s2>>',
        '<<"FollowerProcessNEWEPOCH", s2, s3>>', '<<"LeaderProcessACKEPOCH", s3, s2>>']
    assert str(violation.reason) in ("s1 and s3 both lead epoch 1", "epoch 1 had leaders s1 and s3")
    # for sequence charts: step 5 takes s2's CEPOCH and broadcasts NEWEPOCH(1)
    model, steps = _model((1, 0, 2, 0), 0, "epoch_from_leader_only"), violation.trace.steps
    assert model.step_events(steps[4].state, steps[5].action, steps[5].state) == (
        Received("s2", "s1", "CEPOCH(mepoch=0)"), Sent("s1", "s2", "NEWEPOCH(mepoch=1)"))
    assert model.step_events(steps[7].state, steps[8].action, steps[8].state) == (
        Note("s2", "drops 1 from s1"), Note("s2", "LOOKING ELECTION"))


def test_propose_twice_gives_tlc_s_19_steps():
    """FollowerProcessPROPOSE's isNext == TRUE: TLC, (0, 1, 2, 0) and (1, 2,
    2, 0), VIEW NoPc, 20 states: s3 has <<1,1>> from NEWLEADER and appends it
    again from PROPOSE; its second ACK is not the next one → ackInconsistent."""
    result = _check((0, 1, 2, 0), pc=0, mutant="propose_twice")
    (violation,) = result.violations
    assert violation.property.name == "should_not_be_triggered"
    assert str(violation.reason) == "violatedInvariants: ackInconsistent"
    assert [_pc(a) for a in violation.trace.actions] == PREFIX + [
        '<<"LeaderProcessRequest", s1>>', '<<"LeaderProcessACKEPOCH", s1, s3>>',
        '<<"FollowerProcessNEWLEADER", s3, s1>>', '<<"LeaderBroadcastPROPOSE", s1>>',
        '<<"LeaderProcessACKLD", s1, s3>>', '<<"FollowerProcessPROPOSE", s3, s1>>',
        '<<"LeaderProcessACK", s1, s3>>']
    last = violation.trace.steps[-1].state
    assert [t.zxid for t in last.history[2]] == [(1, 1), (1, 1)]


@pytest.mark.slow
def test_commit_to_ackerecv_gives_tlc_s_24_steps():
    """DiscardAndBroadcast sends COMMIT to ackeRecv: TLC, (0, 2, 2, 0) and
    (1, 2, 2, 0), VIEW NoPc, 25 states: s3 takes NEWLEADER with <<1,1>> and
    <<1,2>>, gets COMMIT of <<1,2>> first → commitInconsistent."""
    result = _check((0, 2, 2, 0), pc=0, mutant="commit_to_ackerecv")
    (violation,) = result.violations
    assert str(violation.reason) == "violatedInvariants: commitInconsistent"
    assert [_pc(a) for a in violation.trace.actions] == PREFIX + [
        '<<"FollowerProcessCOMMITLD", s2, s1>>', '<<"LeaderProcessRequest", s1>>',
        '<<"LeaderProcessRequest", s1>>', '<<"LeaderBroadcastPROPOSE", s1>>',
        '<<"LeaderBroadcastPROPOSE", s1>>', '<<"FollowerProcessPROPOSE", s2, s1>>',
        '<<"FollowerProcessPROPOSE", s2, s1>>', '<<"LeaderProcessACK", s1, s2>>',
        '<<"LeaderProcessACKEPOCH", s1, s3>>', '<<"FollowerProcessNEWLEADER", s3, s1>>',
        '<<"LeaderProcessACK", s1, s2>>', '<<"FollowerProcessCOMMIT", s3, s1>>']


@pytest.mark.slow
def test_newleader_keeps_own_history_stops_where_tlc_s_evaluation_fails():
    """DetermineInitialHistory(i) keeps history[i]: TLC, (1, 2, 2, 0), VIEW
    NoPc, stops with "Evaluating invariant PrefixConsistency failed" after
    these 22 steps: s2 committed <<1,1>> under s1, then took s3's empty
    NEWLEADER history, so history[s2][1] is undefined. The model reports
    PrefixConsistency (and Integrity and Agreement) violated there."""
    result = _check((1, 2, 2, 0), pc=0, mutant="newleader_keeps_own_history")
    names = [v.property.name for v in result.violations]
    assert names[0] == "prefix_consistency"
    violation = result.violations[0]
    assert "s2 has committed 1 transactions of a history of 0" in str(violation.reason)
    assert [_pc(a) for a in violation.trace.actions] == SECOND_LEADER + [
        '<<"FollowerProcessNEWLEADER", s2, s1>>', '<<"LeaderProcessACKLD", s1, s2>>',
        '<<"FollowerProcessCOMMITLD", s2, s1>>', '<<"LeaderProcessRequest", s1>>',
        '<<"LeaderBroadcastPROPOSE", s1>>', '<<"FollowerProcessPROPOSE", s2, s1>>',
        '<<"LeaderProcessACK", s1, s2>>', '<<"FollowerProcessCOMMIT", s2, s1>>',
        '<<"Timeout", s1, s2>>', '<<"FollowLeader", s2>>',
        '<<"ConnectAndFollowerSendCEPOCH", s3, s2>>', '<<"LeaderProcessCEPOCH", s3, s2>>',
        '<<"FollowerProcessNEWEPOCH", s2, s3>>', '<<"LeaderProcessACKEPOCH", s3, s2>>',
        '<<"FollowerProcessNEWLEADER", s2, s3>>']


def test_local_primary_order_as_written_cannot_fail():
    """``\\E txn1, txn2 \\in txn_set(i, e)`` is met by a transaction and
    itself: in a state where a follower delivered s1's second proposal of
    epoch 1 without its first, LocalPrimaryOrder holds and the \\A reading
    does not."""
    model = _model((0, 2, 1, 0))
    (s,) = model.initial_states()
    a = Txn((1, 1), 0, frozenset(), 1)
    b = Txn((1, 2), 1, frozenset(), 1)
    s = s._replace(
        state=(LEADING, FOLLOWING, FOLLOWING), zabState=(BROADCAST,) * 3,
        currentEpoch=(1, 1, 1), history=((a, b), (b, a), ()),
        lastCommitted=(Committed(0, (0, 0)), Committed(2, (1, 1)), Committed(0, (0, 0))),
        proposalMsgsLog=frozenset({Proposal(0, 1, a.zxid, a.value),
                                   Proposal(0, 1, b.zxid, b.value)}))
    assert model.local_primary_order(s) is True
    assert "s2 delivered zxid (1, 2) without zxid (1, 1) before it" in str(
        model.local_primary_order_for_all(s))


@pytest.mark.slow
def test_leader_skips_initial_history_gives_tlc_s_22_steps():
    """LeaderProcessACKLD's lastCommitted' = lastCommitted: TLC, (1, 1, 2,
    0), VIEW NoPc, 23 states: s2 holds s1's uncommitted <<1,1>>, leads
    epoch 2 with it as its initial history without delivering it, and s3
    delivers it from COMMITLD → PrimaryIntegrity."""
    result = _check((1, 1, 2, 0), pc=0, mutant="leader_skips_initial_history")
    (violation,) = result.violations
    assert violation.property.name == "primary_integrity"
    assert str(violation.reason) == ("s3 delivered <<1,1>>:v0, which its primary s2 of epoch 2 "
                                     "has not")
    assert [_pc(a) for a in violation.trace.actions] == [
        '<<"UpdateLeader", s1>>', '<<"FollowLeader", s2>>', '<<"FollowLeader", s3>>',
        '<<"ConnectAndFollowerSendCEPOCH", s1, s2>>', '<<"LeaderProcessCEPOCH", s1, s2>>',
        '<<"FollowerProcessNEWEPOCH", s2, s1>>', '<<"LeaderProcessACKEPOCH", s1, s2>>',
        '<<"FollowerProcessNEWLEADER", s2, s1>>', '<<"LeaderProcessACKLD", s1, s2>>',
        '<<"FollowerProcessCOMMITLD", s2, s1>>', '<<"LeaderProcessRequest", s1>>',
        '<<"LeaderBroadcastPROPOSE", s1>>', '<<"FollowerProcessPROPOSE", s2, s1>>',
        '<<"Timeout", s1, s2>>', '<<"UpdateLeader", s2>>',
        '<<"ConnectAndFollowerSendCEPOCH", s2, s3>>', '<<"LeaderProcessCEPOCH", s2, s3>>',
        '<<"FollowerProcessNEWEPOCH", s3, s2>>', '<<"LeaderProcessACKEPOCH", s2, s3>>',
        '<<"FollowerProcessNEWLEADER", s3, s2>>', '<<"LeaderProcessACKLD", s2, s3>>',
        '<<"FollowerProcessCOMMITLD", s3, s2>>']
    # TLC's last state: s3 delivered <<1,1>>, its primary s2 nothing
    last = violation.trace.steps[-1].state
    assert last.lastCommitted == (Committed(0, (0, 0)), Committed(0, (0, 0)),
                                  Committed(1, (1, 1)))
    assert last.currentEpoch == (1, 2, 2)
    assert [t.ackSid for t in last.history[1]] == [frozenset({1, 2})]


def test_commit_on_request_gives_tlc_s_13_steps():
    """LeaderProcessRequest also sets lastCommitted'[i] to the new
    transaction: TLC, (2, 1, 1, 0), VIEW NoPc, 14 states: s1 delivers <<1,1>>
    unproposed, loses its follower and its quorum, and follows s3 →
    Integrity."""
    result = _check((2, 1, 1, 0), pc=0, mutant="commit_on_request")
    (violation,) = result.violations
    assert violation.property.name == "integrity"
    assert str(violation.reason) == "s1 delivered <<1,1>>:v0, which no primary broadcast"
    assert [_pc(a) for a in violation.trace.actions] == SECOND_LEADER + [
        '<<"FollowerProcessNEWLEADER", s2, s1>>', '<<"LeaderProcessACKLD", s1, s2>>',
        '<<"Timeout", s1, s2>>', '<<"LeaderProcessRequest", s1>>', '<<"LeaderTimeout", s1>>',
        '<<"FollowLeader", s1>>']
    last = violation.trace.steps[-1].state  # as TLC's last state
    assert last.lastCommitted[0] == Committed(1, (1, 1))
    assert last.history == ((Txn((1, 1), 0, frozenset({0}), 1),), (), ())
    assert last.currentEpoch == (1, 1, 0)


TWO_CLUSTERS = [
    '<<"UpdateLeader", s1>>', '<<"FollowLeader", s2>>', '<<"FollowLeader", s3>>',
    '<<"ConnectAndFollowerSendCEPOCH", s1, s2>>', '<<"UpdateLeader", s4>>',
    '<<"ConnectAndFollowerSendCEPOCH", s4, s3>>', '<<"LeaderProcessCEPOCH", s1, s2>>',
    '<<"LeaderProcessCEPOCH", s4, s3>>', '<<"FollowerProcessNEWEPOCH", s2, s1>>',
    '<<"FollowerProcessNEWEPOCH", s3, s4>>', '<<"LeaderProcessACKEPOCH", s1, s2>>',
    '<<"LeaderProcessACKEPOCH", s4, s3>>', '<<"FollowerProcessNEWLEADER", s2, s1>>',
    '<<"FollowerProcessNEWLEADER", s3, s4>>', '<<"LeaderProcessACKLD", s1, s2>>',
    '<<"LeaderProcessACKLD", s4, s3>>', '<<"FollowerProcessCOMMITLD", s2, s1>>',
    '<<"FollowerProcessCOMMITLD", s3, s4>>', '<<"LeaderProcessRequest", s1>>',
    '<<"LeaderProcessRequest", s4>>', '<<"LeaderBroadcastPROPOSE", s1>>',
    '<<"LeaderBroadcastPROPOSE", s4>>', '<<"FollowerProcessPROPOSE", s2, s1>>',
    '<<"FollowerProcessPROPOSE", s3, s4>>', '<<"LeaderProcessACK", s1, s2>>',
    '<<"LeaderProcessACK", s4, s3>>', '<<"FollowerProcessCOMMIT", s2, s1>>',
    '<<"FollowerProcessCOMMIT", s3, s4>>']


def _four(mutant, properties=None):
    config = CheckConfig() if properties is None else CheckConfig(properties=properties)
    return check(Zab(servers=4, MaxTimeoutFailures=0, MaxTransactionNum=2, MaxEpoch=2,
                     MaxRestarts=0, pc=0, mutant=mutant), config)


def test_half_is_a_quorum_gives_tlc_s_12_steps_to_two_leaders():
    """Quorums == {Q : Cardinality(Q)*2 >= Cardinality(Server)} on four
    servers (0, 2, 2, 0), VIEW NoPc: TLC's 13 states, s1 and s4 both
    established in epoch 1 by disjoint quorums."""
    result = _four("half_is_a_quorum")
    assert [v.property.name for v in result.violations] == ["leadership1", "leadership2"]
    assert [_pc(a) for a in result.violations[0].trace.actions] == TWO_CLUSTERS[:12]


@pytest.mark.slow
@pytest.mark.parametrize(("prop", "steps", "reason"), [
    ("prefix_consistency", 26, "s1 and s4 committed different transactions at index 1"),
    ("agreement", 28, "s2 delivered <<1,1>>:v0 and s3 <<1,1>>:v1, neither the other's")])
def test_half_is_a_quorum_gives_tlc_s_divergence(prop, steps, reason):
    """The same, each invariant alone (TLC: INVARIANT PrefixConsistency, then
    Agreement): both leaders commit their own <<1,1>>, PrefixConsistency
    fails when both leaders have, Agreement when both followers have."""
    result = _four("half_is_a_quorum", properties=(prop,))
    (violation,) = result.violations
    assert str(violation.reason) == reason
    assert [_pc(a) for a in violation.trace.actions] == TWO_CLUSTERS[:steps]
    last = violation.trace.steps[-1].state  # as TLC's last state: <<1,1>> is v0 and v1
    assert [[(t.zxid, t.value) for t in h] for h in last.history] == [
        [((1, 1), 0)], [((1, 1), 0)], [((1, 1), 1)], [((1, 1), 1)]]
    assert [c.index for c in last.lastCommitted] == ([1, 0, 0, 1] if steps == 26
                                                     else [1, 1, 1, 1])
