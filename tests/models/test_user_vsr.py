"""Jack Vanlightly's VSR.tla (Vanlightly/vsr-tlaplus, vsr-revisited/paper,
commit 7566e8a) as a user's plain model, tests/models/user/vsr.py, against
what TLC 2.15 reported.

TLC ran with one worker and ``-deadlock`` (a state where every timer view
change is used and nothing is left to do has no successor, as in the model)
on VSR.tla with VSR.cfg's constants but ReplicaCount, Values,
StartViewOnTimerLimit and RestartEmptyLimit as each case says, ``INVARIANT
AcknowledgedWriteNotLost``, with or without ``VIEW view`` and ``SYMMETRY
symmValues`` as each case says (``java -XX:+UseParallelGC -cp tla2tools.jar
tlc2.TLC -workers 1 -deadlock -config C.cfg VSR``). TLC prints the depth
plus one, and a counterexample of n steps as n + 1 states.

Three edits made VSR.tla run under TLC 2.15, none of them changing a
state: FiniteSetsExt (CommunityModules) is not in tla2tools.jar, so a local
FiniteSetsExt.tla defines ``Quantify(S, P(_)) == Cardinality({s \\in S :
P(s)})`` (its definition there), and SequencesExt.tla and TLCExt.tla are
empty modules (VSR.tla uses nothing of them); and TLC 2.15 stops at
``UNCHANGED << ..., client_vars, ... >>`` with "found the identifier
client_vars undefined in an UNCHANGED expression" (``client_vars == << >>``,
an empty tuple), so ``client_vars`` was taken out of every UNCHANGED, of
``vars`` and of ``view``, where it stands for no variable. SYMMETRY
symmValues needs two values: with one, TLC 2.15 stops with an
IllegalArgumentException in MVPerms.permutationSubgroup (the cfg's comment
says to use it only with more than one value).

A mutant was made in the TLA+ text as the model's mutant makes it (each test
says how); TLC's counterexample has the same length and the same sequence of
actions as the model's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.checker.test_engine_against_naive import shared_early
from tests.models.user.vsr import VSR
from tests.spec_runs import violation_steps

USER = Path(__file__).parent / "user"
SPEC = USER / "vsr.yaml"
CFG_INVARIANTS = ("acknowledged_write_not_lost",)
ALL_INVARIANTS = ("acknowledged_write_not_lost", "acknowledged_writes_exist_on_majority",
                  "no_log_divergence")


def _model(replicas, values, timers, restarts, view=True, mutant=None):
    return VSR(replicas=replicas, values=values, StartViewOnTimerLimit=timers,
               RestartEmptyLimit=restarts, VIEW=view, mutant=mutant)


def _check(bound, view=True, symmetry=False, properties=CFG_INVARIANTS, mutant=None):
    return check(_model(*bound, view=view, mutant=mutant),
                 CheckConfig(properties=properties, symmetry=("values",) if symmetry else ()))


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    # no deadlock: every state without a step has used every timer
    assert "every timer view change is used (StartViewOnTimerLimit = 2)" in result.output
    assert load_spec(SPEC, REGISTRY).params == {"replicas": 2, "values": 2,
                                                "StartViewOnTimerLimit": 2,
                                                "RestartEmptyLimit": 0, "VIEW": True}


# (ReplicaCount, Cardinality(Values), StartViewOnTimerLimit, RestartEmptyLimit),
# VIEW view or not, SYMMETRY symmValues or not: TLC 2.15's distinct states,
# states generated and depth (its own, one more than ours). Without restarts
# the VIEW changes no count; with one, a restart's state can be one reached
# before but for its aux variables (2, 1, 1, 1: 1,114 with it, 1,174 without).
BOUNDS = [
    ((2, 1, 0, 0), True, False, 5, 5, 5),
    ((2, 1, 1, 0), True, False, 76, 100, 14),
    ((2, 1, 1, 0), False, False, 76, 100, 14),
    ((2, 1, 2, 0), True, False, 811, 1_122, 23),
    ((2, 1, 2, 0), False, False, 811, 1_122, 23),
    ((2, 2, 1, 0), True, False, 313, 405, 18),
    ((2, 2, 1, 0), False, False, 313, 405, 18),
    ((2, 2, 1, 0), True, True, 163, 215, 18),
    ((2, 2, 1, 0), False, True, 163, 215, 18),
    ((2, 2, 2, 0), True, False, 4_034, 5_419, 27),
    ((3, 2, 0, 0), True, False, 129, 241, 13),
    ((3, 2, 0, 0), True, True, 65, 122, 13),
    ((2, 1, 1, 1), True, False, 1_114, 1_724, 17),
    ((2, 1, 1, 1), False, False, 1_174, 1_797, 17),
    ((3, 1, 0, 1), True, False, 551, 1_256, 13),
    ((3, 1, 0, 1), False, False, 596, 1_334, 13),
    ((2, 2, 1, 1), True, False, 5_937, 8_951, 21),
    ((2, 2, 1, 1), False, False, 6_231, 9_285, 21),
]
SLOW_BOUNDS = [
    ((2, 2, 2, 0), True, True, 2_073, 2_812, 27),
    ((2, 2, 2, 0), False, True, 2_073, 2_812, 27),
    ((2, 2, 1, 1), True, True, 3_049, 4_643, 21),
    ((2, 2, 1, 1), False, True, 3_196, 4_810, 21),
    ((3, 2, 0, 1), True, True, 2_932, 7_349, 19),
    ((3, 2, 0, 1), False, True, 3_130, 7_703, 19),
    ((2, 1, 2, 1), True, False, 18_877, 29_286, 27),
    ((3, 1, 1, 0), True, False, 43_941, 118_746, 24),
    # the cfg's but one timer: TLC 9 min 51 s, cmc 5 min 34 s, on a loaded machine
    ((3, 2, 1, 0), True, True, 349_365, 918_704, 30),
]


def _meets(bound, view, symmetry, distinct, generated, depth):
    result = _check(bound, view, symmetry)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth + 1) == (distinct, generated, depth)


@pytest.mark.parametrize("bound, view, symmetry, distinct, generated, depth", BOUNDS)
def test_bounds_have_tlc_s_counts(bound, view, symmetry, distinct, generated, depth):
    _meets(bound, view, symmetry, distinct, generated, depth)


@pytest.mark.slow
@pytest.mark.parametrize("bound, view, symmetry, distinct, generated, depth", SLOW_BOUNDS)
def test_larger_bounds_have_tlc_s_counts(bound, view, symmetry, distinct, generated, depth):
    _meets(bound, view, symmetry, distinct, generated, depth)


@pytest.mark.parametrize("bound, symmetry, distinct, depth", [
    ((2, 1, 1, 1), False, 1_114, 17),  # where the VIEW merges a restart's state
    ((2, 2, 1, 0), True, 163, 18),
])
def test_two_workers_keep_tlc_s_counts_with_the_view(bound, symmetry, distinct, depth):
    # the partitioned search, levels shared from two chunks of 4 states on
    config = CheckConfig(properties=CFG_INVARIANTS, workers=2,
                         symmetry=("values",) if symmetry else ())
    with shared_early(4) as started:
        result = check(_model(*bound), config)
    assert started
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)


def test_every_invariant_holds_where_tlc_finds_none_violated():
    # 3 replicas, 2 values, no timer: TLC with AcknowledgedWriteNotLost,
    # AcknowledgedWritesExistOnMajority and NoLogDivergence: 129 states, no error
    result = _check((3, 2, 0, 0), properties=ALL_INVARIANTS)
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 129


# -- the spec's own violations ----------------------------------------------------------


def test_two_restarts_lose_an_acknowledged_write_later_with_the_view():
    # RestartEmpty has no guard but its count: with 2 replicas both may
    # restart empty after v1 is acked. TLC, (2, 1, 1, 2): a 6-step
    # counterexample without the VIEW, 7 steps with it, the same actions: the
    # 6-step state's view is that of a state reached before whose v1 is not
    # acked (the view leaves aux_client_acked out), so it is not checked
    runs = {}
    for view in (False, True):
        runs[view] = violation_steps(_check((2, 1, 1, 2), view=view))
    start = ["ReceiveClientRequest(r=1, v='v1')", "ReceivePrepareMsg(r=2, source=1, view=1, op=1)",
             "ReceivePrepareOkMsg(r=1, source=2, view=1, op=1)", "ExecuteOp(r=1)"]
    assert runs[False] == start + ["RestartEmpty(r=1)", "RestartEmpty(r=2)"]
    assert runs[True] == start + ["RestartEmpty(r=2)", "ReceivesRecoveryMsg(r=1, source=2, x=1)",
                                  "RestartEmpty(r=1)"]


def test_a_restart_can_deadlock_with_timers_left():
    # TLC without -deadlock, (2, 1, 2, 1): "Deadlock reached", 5 steps, these
    # actions: each replica is the primary of its own view (1 Recovering in
    # view 1, 2 in view 2's ViewChange), so no timer fires, and no Normal
    # replica answers the Recovery
    result = check(_model(2, 1, 2, 1), CheckConfig(properties=(), deadlock=True))
    assert violation_steps(result) == [
        "TimerSendSVC(r=2)", "ReceiveHigherSVC(r=1, source=2, view=2)",
        "ReceiveMatchingSVC(r=2, source=1, view=2)", "SendDVC(r=2)", "RestartEmpty(r=1)"]
    final = result.violations[0].trace.final
    assert (final.rep_status, final.rep_view_number, final.aux_svc) == (
        ("Recovering", "ViewChange"), (1, 2), 1)


def test_log_divergence_between_replicas_fails_in_the_spec_itself():
    # NoLogDivergence compares rep_log[r1][op_number] with itself; with r2 (TLA+:
    # rep_log[r1][op_number] # rep_log[r2][op_number], ours) TLC, (3, 2, 1, 0):
    # violated, 9 steps, these actions: the new primary of view 2 appends v2
    # where the old one still has v1, which it will overwrite on StartView
    result = _check((3, 2, 1, 0), properties=("no_log_divergence_between_replicas",))
    assert violation_steps(result) == [
        "TimerSendSVC(r=2)", "ReceiveHigherSVC(r=3, source=2, view=2)",
        "ReceiveMatchingSVC(r=2, source=3, view=2)", "SendDVC(r=2)", "SendDVC(r=3)",
        "ReceiveMatchingDVC(r=2, source=3, view=2)", "SendSV(r=2)",
        "ReceiveClientRequest(r=1, v='v1')", "ReceiveClientRequest(r=2, v='v2')"]
    model = _model(3, 2, 1, 0)
    final = result.violations[0].trace.final
    assert [model.show_log(log) for log in final.rep_log] == [["(1, v1)"], ["(2, v2)"], []]
    # NoLogDivergence as written holds there, as everywhere
    assert model.no_log_divergence(final) is True


# VSR.tla's header: "State transfer can cause data loss. 3 view changes, 3
# replicas and 3 values are the smallest known model required." The
# author's 23-step trace (state_transfer_violation_trace.txt, commit 11b80ca,
# from the spec before recovery was added), step for step: at step 16 replica
# 2, a backup with a stale commit number, sees a Prepare of view 3 and
# truncates v1 and v2 (SendGetState), then wins view 4's log with its last
# normal view 3, and view 4 starts without the acked v1.
STATE_TRANSFER_DEFECT = [
    "ReceiveClientRequest(r=1, v='v1')", "TimerSendSVC(r=3)", "TimerSendSVC(r=3)",
    "ReceivePrepareMsg(r=2, source=1, view=1, op=1)",
    "ReceivePrepareOkMsg(r=1, source=2, view=1, op=1)", "ExecuteOp(r=1)",
    "ReceiveClientRequest(r=1, v='v2')", "ReceiveHigherSVC(r=1, source=3, view=3)",
    "ReceiveMatchingSVC(r=3, source=1, view=3)", "SendDVC(r=1)", "TimerSendSVC(r=1)",
    "SendDVC(r=3)", "ReceiveMatchingDVC(r=3, source=1, view=3)", "SendSV(r=3)",
    "ReceiveClientRequest(r=3, v='v3')", "SendGetState(r=2, rDest=3, view=3, op=3)",
    "ReceiveHigherSVC(r=2, source=1, view=4)", "ReceiveMatchingSVC(r=1, source=2, view=4)",
    "SendDVC(r=1)", "SendDVC(r=2)", "ReceiveMatchingDVC(r=1, source=2, view=4)",
    "SendSV(r=1)", "ReceiveSV(r=3, source=1, view=4)"]


def test_the_author_s_state_transfer_trace_loses_an_acknowledged_write():
    model = _model(3, 3, 3, 0)
    (state,) = model.initial_states()
    states = []
    for step in STATE_TRANSFER_DEFECT:
        (state,) = [t for a, t in model.successors(state) if str(a) == step]
        states.append(state)
    assert all(model.acknowledged_write_not_lost(s) is True for s in states[:-1])
    after_get_state = states[15]
    assert model.show_log(after_get_state.rep_log[1]) == []  # v1 truncated from replica 2
    assert after_get_state.rep_last_normal_view[1] == 3
    assert [model.show_log(log) for log in state.rep_log] == [[], [], []]
    assert state.aux_client_acked == (True, False, False)
    assert not model.acknowledged_write_not_lost(state)
    assert not model.acknowledged_writes_exist_on_majority(state)


# -- mutants ----------------------------------------------------------------------------


def test_commit_without_quorum_acks_a_write_no_majority_has():
    # VSR_cwq.tla: IsCommitted's ">= ReplicaCount \div 2" made
    # ">= ReplicaCount \div 2 - 1". TLC, (3, 1, 1, 0),
    # AcknowledgedWritesExistOnMajority: 2 steps
    result = _check((3, 1, 1, 0), properties=("acknowledged_writes_exist_on_majority",),
                    mutant="commit_without_quorum")
    assert violation_steps(result) == ["ReceiveClientRequest(r=1, v='v1')", "ExecuteOp(r=1)"]
    final = result.violations[0].trace.final
    assert final.aux_client_acked == (True,)
    assert final.rep_log[1:] == ((), ())


def test_commit_without_quorum_loses_the_write_to_a_view_change():
    # VSR_cwq.tla, AcknowledgedWriteNotLost: TLC 10 steps, these actions:
    # view 2 starts without replica 1, which then acks v1 alone in view 1
    # and takes view 2's empty log
    result = _check((3, 1, 1, 0), mutant="commit_without_quorum")
    assert violation_steps(result) == [
        "TimerSendSVC(r=2)", "ReceiveHigherSVC(r=3, source=2, view=2)",
        "ReceiveMatchingSVC(r=2, source=3, view=2)", "SendDVC(r=2)", "SendDVC(r=3)",
        "ReceiveMatchingDVC(r=2, source=3, view=2)", "SendSV(r=2)",
        "ReceiveClientRequest(r=1, v='v1')", "ExecuteOp(r=1)",
        "ReceiveSV(r=1, source=2, view=2)"]
    final = result.violations[0].trace.final
    assert final.rep_log == ((), (), ())
    assert final.rep_view_number == (2, 2, 2)
    assert final.rep_status == ("Normal", "Normal", "ViewChange")


START_VIEW_WITHOUT_QUORUM = [
    "ReceiveClientRequest(r=1, v='v1')", "ReceivePrepareMsg(r=2, source=1, view=1, op=1)",
    "TimerSendSVC(r=2)", "ReceiveHigherSVC(r=3, source=2, view=2)", "SendDVC(r=3)",
    "ReceiveMatchingDVC(r=2, source=3, view=2)", "SendSV(r=2)",
    "ReceivePrepareOkMsg(r=1, source=2, view=1, op=1)", "ExecuteOp(r=1)"]


def test_start_view_without_quorum_loses_an_acknowledged_write():
    # VSR_svwq.tla: SendSV's ">= (ReplicaCount \div 2) + 1" made
    # ">= (ReplicaCount \div 2)". TLC, (3, 1, 1, 0): AcknowledgedWritesExistOnMajority
    # 9 steps, AcknowledgedWriteNotLost 10, these actions: replica 2 starts view
    # 2 with replica 3's empty log alone, its own (with v1) never counted
    majority = _check((3, 1, 1, 0), properties=("acknowledged_writes_exist_on_majority",),
                      mutant="start_view_without_quorum")
    assert violation_steps(majority) == START_VIEW_WITHOUT_QUORUM
    lost = _check((3, 1, 1, 0), mutant="start_view_without_quorum")
    assert violation_steps(lost) == START_VIEW_WITHOUT_QUORUM + ["ReceiveSV(r=1, source=2, view=2)"]
    final = lost.violations[0].trace.final
    assert final.rep_log == ((), (), ())
    assert final.rep_status == ("Normal", "Normal", "ViewChange")
