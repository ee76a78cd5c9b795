"""A user's plain model of a published PlusCal spec it was not written
against: tests/models/user/twopc_btm.py, after 2PCwithBTM.tla and
2PCwithBTM.cfg of the TLA+ examples (specifications/transaction_commit,
tlaplus/Examples 32a32c7: two-phase commit with a backup TM), compared
figure by figure with TLC 2.15, one worker, breadth-first.

TLC ran the stored translation with RM the model values {rm1, ..., rmN},
``-deadlock`` unless a test says otherwise, INVARIANTS TypeOK Consistency
and, where a test says so, PROPERTY Termination under Spec's fairness (or a
module extending 2PCwithBTM for ``NoFair == Init /\\ [][Next]_vars``, for
Spec without ``WF_vars(BTManager)``, and for ``Perms ==
Permutations(RM)``). Each mutant is the translation with the one expression
the mutant changes, each property checked alone, so that TLC's
counterexample of an invariant is a shortest one. TLC prints a depth one
more than ours, and a trace of one state more than our steps.

TLC's "states generated" is rebuilt from the model's graph
(`tlc_generated`): TLC makes a successor for each true disjunct of an
``\\/`` and each witness of an ``\\E`` in an action, and generates the two
steps that change nothing (Fail where it may not fail, Terminating), which
the model leaves out. canCommit counts as SANY parses it: its ``\\A rmc``
reaches over the second line, ``\\A rmc \\in RM : (rmState[rmc] = "prepared"
\\/ \\E rm \\in RM : rmState[rm] = "committed")``, the same predicate (RM is
not empty) but, to TLC, a choice of disjunct and witness for each rmc.
"""

from __future__ import annotations

from math import prod
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.brute_force import reachable_states
from tests.spec_runs import steps, written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "twopc_btm.yaml"
MODEL = "twopc_btm.py:TwoPCWithBTM"
FAIRNESS = 'fairness: {weak: ["RS(self=*)", "TS | TC | F1 | TA | F2", "BTS | BTC | BTA"]}\n'


def _checked(tmp_path, lines: str):
    _, model, result = written_and_checked(tmp_path, MODEL, lines)
    return result, model


def _params(rms: int, rm_may_fail: bool, tm_may_fail: bool) -> str:
    return (f"params: {{rms: {rms}, RMMAYFAIL: {str(rm_may_fail).lower()}, "
            f"TMMAYFAIL: {str(tm_may_fail).lower()}}}\n")


def _decisions(s) -> int:
    """The successors TLC makes of canCommit and of canAbort together:
    for canCommit, for each rmc, one if it is prepared and one per committed
    RM, multiplied over the rmc; for canAbort, one per aborted or failed RM
    where none committed."""
    commit = prod((r == "prepared") + s.rm_state.count("committed") for r in s.rm_state)
    failed = sum(r in ("aborted", "failed") for r in s.rm_state)
    return commit + (0 if "committed" in s.rm_state else failed)


def tlc_generated(model) -> int:
    """TLC's "states generated": its initial state and, from each
    reachable state, a successor per true disjunct and per witness."""
    generated = 1
    for s in reachable_states(model):
        for pc, r in zip(s.rm_pc, s.rm_state):
            if pc == "RS" and r in ("working", "prepared"):
                # Prepare; Decide's commit; its abort once per true disjunct of
                # rmState[p] = "working" \/ tmState = "abort"; Fail (IF ... ELSE)
                generated += ((r == "working") + (s.tm_state == "commit")
                              + (r == "working") + (s.tm_state == "abort") + 1)
            elif pc == "RS":
                generated += 1                      # the loop's exit
        generated += _decisions(s) if s.tm_pc == "TS" else s.tm_pc != "Done"
        if s.btm_pc == "BTS":
            generated += _decisions(s) if s.tm_state == "hidden" else 0
        else:
            generated += s.btm_pc != "Done"
        generated += model.termination(s)          # Terminating
    return generated


def test_the_spec_file_is_2pcwithbtm_cfg():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "Termination (termination): holds" in result.output


# rms, RMMAYFAIL, TMMAYFAIL: TLC 2.15's distinct states, generated and depth
# (its own, one more than ours), INVARIANTS TypeOK Consistency, no error
BOUNDS = [
    ((1, True, True), (47, 73, 9)),
    ((1, True, False), (31, 44, 7)),
    ((1, False, True), (27, 45, 9)),
    ((1, False, False), (17, 27, 7)),
    ((2, True, True), (257, 738, 12)),
    ((2, True, False), (163, 460, 10)),
    ((2, False, True), (113, 354, 12)),
    ((2, False, False), (71, 218, 10)),
    ((3, True, True), (1_245, 5_841, 15)),     # 2PCwithBTM.cfg
    ((3, True, False), (785, 3_436, 13)),
    ((3, False, True), (453, 2_421, 15)),
    ((3, False, False), (287, 1_363, 13)),
    ((4, True, True), (5_717, 48_820, 18)),
    ((4, True, False), (3_627, 21_668, 16)),
    ((4, False, True), (1_781, 19_412, 18)),
    ((4, False, False), (1_139, 7_360, 16)),
    pytest.param((5, True, True), (25_557, 712_943, 21), marks=pytest.mark.slow),
    pytest.param((5, True, False), (16_357, 124_180, 19), marks=pytest.mark.slow),
    pytest.param((5, False, True), (6_957, 295_683, 21), marks=pytest.mark.slow),
    pytest.param((5, False, False), (4_487, 36_665, 19), marks=pytest.mark.slow),
]


@pytest.mark.parametrize("bound, tlc", BOUNDS)
def test_2pcwithbtm_has_tlc_s_counts(tmp_path, bound, tlc):
    distinct, generated, depth = tlc
    result, model = _checked(tmp_path, _params(*bound) + "properties: [type_ok, consistency]\n"
                             "deadlock: false\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)
    assert tlc_generated(model) == generated


# TLC 2.15, the same with SYMMETRY Perms (Permutations(RM)): its distinct
# states (depths as without)
ORBITS = {
    2: (142, 90, 70, 44),
    3: (309, 195, 141, 89),
    4: (566, 358, 246, 156),
    5: (931, 591, 391, 249),
}


@pytest.mark.parametrize("rms", sorted(ORBITS))
def test_resource_managers_are_interchangeable_as_in_tlc(tmp_path, rms):
    flags = [(True, True), (True, False), (False, True), (False, False)]
    for (rm_may_fail, tm_may_fail), orbits in zip(flags, ORBITS[rms]):
        result, _ = _checked(tmp_path, _params(rms, rm_may_fail, tm_may_fail)
                             + "properties: [type_ok, consistency]\ndeadlock: false\n"
                             "symmetry: true\n")
        assert result.verdict == "holds"
        assert result.stats.distinct_states == orbits


# -- Termination under Spec's fairness ------------------------------------------------------


@pytest.mark.parametrize("rms", [1, 2, 3])
@pytest.mark.parametrize("rm_may_fail", [True, False])
def test_termination_holds_where_the_tm_may_fail(tmp_path, rms, rm_may_fail):
    # TLC 2.15, PROPERTY Termination under Spec: no error
    result, _ = _checked(tmp_path, _params(rms, rm_may_fail, True)
                         + "properties: [termination]\n" + FAIRNESS)
    assert result.verdict == "holds"


@pytest.mark.parametrize("rms, rm_may_fail, stem, tlc_stem", [
    # TLC 2.15, PROPERTY Termination under Spec, TMMAYFAIL = FALSE: violated,
    # a stem of tlc_stem steps, then stuttering. TLC's lasso is not always a
    # shortest one: with one RM that may not fail, its RM prepares and
    # commits (6 steps), where aborting takes 5
    (1, True, 5, 5),
    (1, False, 5, 6),
    (2, True, 7, 7),
    (2, False, 7, 7),
    (3, True, 9, 9),
    (3, False, 9, 9),
    (4, True, 11, 11),
])
def test_termination_fails_where_the_tm_never_fails(tmp_path, rms, rm_may_fail, stem, tlc_stem):
    # the TM never hides, so the backup waits at BTS for ever once every
    # other process is Done: every RM aborted and left the loop, the TM Done
    result, _ = _checked(tmp_path, _params(rms, rm_may_fail, False)
                             + "properties: [termination]\ndeadlock: false\n" + FAIRNESS)
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (stem, 0)
    assert stem <= tlc_stem
    final = violation.trace.final
    assert final.rm_state == ("aborted",) * rms
    assert (final.rm_pc, final.tm_state, final.tm_pc, final.btm_pc) == (
        ("Done",) * rms, "abort", "Done", "BTS")


def test_termination_needs_the_fairness(tmp_path):
    # TLC 2.15, NoFair == Init /\ [][Next]_vars: violated (its lasso 10
    # steps, then stuttering; ours stutters in the initial state)
    result, _ = _checked(tmp_path, "properties: [termination]\n")
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (0, 0)


def test_termination_needs_the_backup_tm_s_fairness(tmp_path):
    # TLC 2.15, Spec without WF_vars(BTManager): violated, its lasso 10 steps
    # then stuttering at BTS; ours 7: two RMs prepare, the third fails and
    # leaves, the TM aborts and hides; the prepared RMs can only take a Fail
    # that changes nothing, and the backup, enabled, never moves
    result, _ = _checked(tmp_path, "properties: [termination]\n"
                         'fairness: {weak: ["RS(self=*)", "TS | TC | F1 | TA | F2"]}\n')
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (7, 0)
    assert tuple(violation.trace.final) == (("prepared", "prepared", "failed"),
                                            ("RS", "RS", "Done"), "hidden", "Done", "BTS")


@pytest.mark.parametrize("fairness, lasso", [
    # TLC 2.15, PROPERTY Termination under Init /\ [][Next]_vars and:
    # WF_vars(TManager) /\ WF_vars(BTManager): violated, TLC's lasso 2 steps
    # then stuttering; ours stutters in the initial state
    ('["TS | TC | F1 | TA | F2", "BTS | BTC | BTA"]', (0, 0)),
    # \A self : WF_vars(RManager(self)) /\ WF_vars(BTManager): violated,
    # TLC's lasso 8 steps then stuttering; ours 4: two RMs prepare, the
    # third fails and leaves, and the TM, enabled, never moves
    ('["RS(self=*)", "BTS | BTC | BTA"]', (4, 0)),
    # WF_vars(Next): no error
    ('["RS | TS | TC | F1 | TA | F2 | BTS | BTC | BTA"]', None),
])
def test_termination_under_other_fairness_as_in_tlc(tmp_path, fairness, lasso):
    result, _ = _checked(tmp_path, f"properties: [termination]\nfairness: {{weak: {fairness}}}\n")
    violation = result.violation("termination")
    if lasso is None:
        assert result.verdict == "holds"
    else:
        assert (violation.stem_length, violation.loop_length) == lasso


def test_without_tmmayfail_the_backup_tm_deadlocks(tmp_path):
    # TLC 2.15 without -deadlock, TMMAYFAIL = FALSE: "Deadlock reached", a
    # trace of 10 states ending here
    result, _ = _checked(tmp_path, _params(3, True, False))
    (violation,) = result.violations
    assert violation.property.name == "deadlock"
    assert steps(violation.trace).splitlines() == [
        "RS(self=rm1, macro=Abort)",
        "TS(branch='abort')",
        "TA()",
        "F2()",
        "RS(self=rm1, macro=exit)",
        "RS(self=rm2, macro=Abort)",
        "RS(self=rm2, macro=exit)",
        "RS(self=rm3, macro=Abort)",
        "RS(self=rm3, macro=exit)"]
    assert tuple(violation.trace.final) == (("aborted",) * 3, ("Done",) * 3, "abort", "Done",
                                            "BTS")


def test_not_committed_fails_in_tlc_s_six_steps(tmp_path):
    # TLC 2.15, INVARIANT NotCommitted (the spec's way to ask for a commit):
    # violated in state 7, the same steps
    result, _ = _checked(tmp_path, "properties: [not_committed]\n")
    violation = result.violation("not_committed")
    assert steps(violation.trace).splitlines() == [
        "RS(self=rm1, macro=Prepare)",
        "RS(self=rm2, macro=Prepare)",
        "RS(self=rm3, macro=Prepare)",
        "TS(branch='commit')",
        "TC()",
        "RS(self=rm1, macro=Commit)"]
    assert violation.reason == "rm1 committed"


# -- mutants: TLC's shortest counterexamples, step for step ---------------------------------


MUTANTS = [
    # TLC 2.15 on the cfg, the translation with the mutant's one change,
    # INVARIANT Consistency: violated, TLC's trace these steps and this last
    # state (rmState; tmState, pc[0], pc[10]; every RM's pc RS)
    ("abort_after_commit", [
        "RS(self=rm1, macro=Prepare)", "RS(self=rm2, macro=Prepare)",
        "RS(self=rm3, macro=Prepare)", "TS(branch='commit')", "TC()",
        "RS(self=rm1, macro=Commit)", "F1()", "RS(self=rm2, macro=Fail)",
        "BTS(branch='abort')", "BTA()", "RS(self=rm3, macro=Abort)"],
     ("committed", "failed", "aborted"), ("abort", "Done", "Done"), "rm1 committed and rm3 aborted"),
    ("commit_on_one_prepared", [
        "RS(self=rm1, macro=Prepare)", "TS(branch='commit')", "TC()",
        "RS(self=rm1, macro=Commit)", "RS(self=rm2, macro=Abort)"],
     ("committed", "aborted", "working"), ("commit", "F1", "BTS"), "rm1 committed and rm2 aborted"),
    ("backup_aborts_a_commit", [
        "RS(self=rm1, macro=Prepare)", "RS(self=rm2, macro=Prepare)",
        "RS(self=rm3, macro=Prepare)", "TS(branch='commit')", "TC()",
        "RS(self=rm1, macro=Commit)", "F1()", "BTS(branch='abort')", "BTA()",
        "RS(self=rm2, macro=Abort)"],
     ("committed", "aborted", "prepared"), ("abort", "Done", "Done"), "rm1 committed and rm2 aborted"),
    ("abort_after_prepare", [
        "RS(self=rm1, macro=Prepare)", "RS(self=rm2, macro=Prepare)",
        "RS(self=rm3, macro=Prepare)", "TS(branch='commit')", "TC()",
        "RS(self=rm1, macro=Commit)", "RS(self=rm2, macro=Abort)"],
     ("committed", "aborted", "prepared"), ("commit", "F1", "BTS"), "rm1 committed and rm2 aborted"),
]


@pytest.mark.parametrize("mutant, trace, rm_state, tm, reason", MUTANTS,
                         ids=[m[0] for m in MUTANTS])
def test_mutant_breaks_consistency_as_in_tlc(tmp_path, mutant, trace, rm_state, tm, reason):
    result, _ = _checked(tmp_path, f"mutant: {mutant}\nproperties: [consistency]\n")
    violation = result.violation("consistency")
    assert steps(violation.trace).splitlines() == trace
    assert violation.reason == reason
    final = violation.trace.final
    assert (final.rm_state, (final.tm_state, final.tm_pc, final.btm_pc)) == (rm_state, tm)
    assert final.rm_pc == ("RS",) * 3


def test_no_commit_after_takeover_breaks_termination(tmp_path):
    # TLC 2.15 on the cfg, canCommit without its second line, PROPERTY
    # Termination under Spec: violated, a stem of 12 steps (rm3 commits and
    # every RM leaves), then stuttering, 1,171 distinct states (also ours);
    # Consistency holds. Ours is the shortest, 10: the TM commits, rm1
    # commits, the TM hides, rm2 fails; rm1 and rm2 leave the loop; rm3,
    # prepared, can do nothing but a Fail that changes nothing, and the
    # backup can neither commit nor abort
    result, _ = _checked(tmp_path, "mutant: no_commit_after_takeover\n"
                         "properties: [consistency, termination]\ndeadlock: false\n" + FAIRNESS)
    assert result.stats.distinct_states == 1_171
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (10, 0)
    assert steps(violation.trace).splitlines()[-4:] == [
        "F1()", "RS(self=rm1, macro=exit)", "RS(self=rm2, macro=Fail)",
        "RS(self=rm2, macro=exit)"]
    assert tuple(violation.trace.final) == (("committed", "failed", "prepared"),
                                            ("Done", "Done", "RS"), "hidden", "Done", "BTS")
    assert result.violation("consistency") is None


def test_no_commit_after_takeover_deadlocks_as_in_tlc(tmp_path):
    # TLC 2.15 without -deadlock: "Deadlock reached", a trace of 13 states
    result, _ = _checked(tmp_path, "mutant: no_commit_after_takeover\n")
    (violation,) = result.violations
    assert violation.property.name == "deadlock"
    assert len(violation.trace.actions) == 12
    assert violation.trace.final.btm_pc == "BTS"
