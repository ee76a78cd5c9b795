"""Users' models of Gray and Lamport's transaction commit specs, compared
figure by figure with TLC 2.15 (one worker, breadth-first, ``-deadlock``):
tests/models/user/tcommit.py after TCommit.tla and TCommit.cfg, and the
kit's two-phase commit, tests/models/user/two_phase_commit.py, which is
TwoPhase.tla (TwoPhase.cfg) when its network is a message set that loses
nothing (``network: set``, ``drops: 0``), with TwoPhase.tla's theorem
``TPSpec => TC!TCSpec`` as a step property (tcommit_twophase.py); all of
specifications/transaction_commit, tlaplus/Examples 32a32c7.

TLC ran the specs as published with RM the model values {r1, ..., rN} (a
module extending each for ``Perms == Permutations(RM)``, and for
``TCS == TC!TCSpec`` and ``TCC == TC!TCConsistent`` of TwoPhase). TLC
2.15 does not run TCommit.cfg as published: it stops at its line
``CHECK_DEADLOCK FALSE`` ("It was expecting a keyword"); without the line
and with ``-deadlock``, the same. Nor does it run ``SYMMETRY Perms`` with
one RM (an IllegalArgumentException in MVPerms.permutationSubgroup). Each
mutant is the spec with the one conjunct the mutant changes. TLC prints a
depth one more than ours, and a trace of one state more than our steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.brute_force import reachable_states
from tests.spec_runs import steps, written_and_checked

USER = Path(__file__).parent / "user"


def _checked(tmp_path, model: str, lines: str):
    _, built, result = written_and_checked(tmp_path, model, lines)
    return result, built


@pytest.mark.parametrize("spec", ["tcommit.yaml", "tcommit_twophase.yaml"])
def test_the_spec_files_are_the_cfgs(spec):
    result = CliRunner().invoke(cli, ["check", str(USER / spec)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


# -- TCommit.tla ----------------------------------------------------------------------------

TCOMMIT = "tcommit.py:TCommit"


@pytest.mark.parametrize("rms, distinct, generated, depth, orbits", [
    # TLC 2.15, INVARIANTS TCTypeOK TCConsistent: no error, these distinct
    # states, generated and depth (its own), and with SYMMETRY Perms these
    # distinct states and, in the comment, generated (the same depth)
    (1, 4, 5, 3, None),
    (2, 12, 23, 5, 8),             # 16
    (3, 34, 94, 7, 13),            # 37; TCommit.cfg
    (4, 96, 357, 9, 19),           # 71
    (5, 274, 1_296, 11, 26),       # 121
    (6, 792, 4_567, 13, 34),       # 190
    (7, 2_314, 15_758, 15, 43),    # 281
])
def test_tcommit_has_tlc_s_counts(tmp_path, rms, distinct, generated, depth, orbits):
    result, _ = _checked(tmp_path, TCOMMIT, f"params: {{rms: {rms}}}\ndeadlock: false\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth + 1) == (distinct, generated, depth)
    if orbits is not None:
        result, _ = _checked(tmp_path, TCOMMIT, f"params: {{rms: {rms}}}\ndeadlock: false\n"
                             "symmetry: true\n")
        assert (result.stats.distinct_states, result.stats.depth + 1) == (orbits, depth)


def test_tcommit_ends_in_a_deadlock_without_the_cfg_s_line(tmp_path):
    # TLC 2.15 without -deadlock: "Deadlock reached" once every RM has
    # decided, TLC's shortest 3 aborts (4 states)
    result, _ = _checked(tmp_path, TCOMMIT, "params: {rms: 3}\n")
    (violation,) = result.violations
    assert violation.property.name == "deadlock"
    assert steps(violation.trace).splitlines() == [
        "Decide(rm=r1, to=aborted)", "Decide(rm=r2, to=aborted)", "Decide(rm=r3, to=aborted)"]


@pytest.mark.parametrize("mutant, trace, final", [
    # TLC 2.15 on TCommit.cfg, Decide's first disjunct without /\ canCommit:
    # TCConsistent violated in state 4, these steps and states
    ("commit_without_can_commit",
     ["Prepare(rm=r1)", "Decide(rm=r2, to=aborted)", "Decide(rm=r1, to=committed)"],
     ("committed", "aborted", "working")),
    # its second without /\ notCommitted: violated in state 6
    ("abort_without_not_committed",
     ["Prepare(rm=r1)", "Prepare(rm=r2)", "Prepare(rm=r3)", "Decide(rm=r1, to=committed)",
      "Decide(rm=r2, to=aborted)"],
     ("committed", "aborted", "prepared")),
])
def test_tcommit_mutant_breaks_tc_consistent_as_in_tlc(tmp_path, mutant, trace, final):
    result, _ = _checked(tmp_path, TCOMMIT, f"mutant: {mutant}\ndeadlock: false\n")
    violation = result.violation("consistent")
    assert steps(violation.trace).splitlines() == trace
    assert violation.trace.final.rm_state == final
    assert violation.reason == "r1 committed and r2 aborted"


# -- TwoPhase.tla: two_phase_commit.py with a message set ----------------------------------

TWO_PHASE = "tcommit_twophase.py:TwoPhaseRefinesTCommit"
AS_TWO_PHASE = "network: set\n"


def tlc_generated(model) -> int:
    """TLC's "states generated" on TwoPhase.tla: the kit leaves out a
    receipt that changes nothing (TMRcvPrepared of an RM already in
    tmPrepared; RMRcvCommitMsg and RMRcvAbortMsg of an RM already so),
    which TLC generates: its initial state and, from each state, one
    successor per action enabled."""
    rm_role, tm_role = type(model).roles
    prepared, commit, abort = type(model).messages
    generated = 1
    for state in reachable_states(model):
        tm = model.record(state, tm_role, 0)
        sent_prepared = {m.rm for m in model.sent(state, prepared)}
        decided = {"Commit": bool(model.sent(state, commit)), "Abort": bool(model.sent(state, abort))}
        if tm.state == "init":
            generated += 1 + (len(tm.prepared) == model.rms)        # TMAbort, TMCommit
            generated += len(sent_prepared)                          # TMRcvPrepared
        for rm in model.records(state, rm_role):
            generated += 2 * (rm.state == "working")     # RMPrepare, RMChooseToAbort
            generated += decided["Commit"] + decided["Abort"]
    return generated


@pytest.mark.parametrize("rms, distinct, generated, depth, orbits", [
    # TLC 2.15, INVARIANT TPTypeOK, PROPERTY TC!TCSpec: no error, these
    # distinct states, generated and depth (its own), and with SYMMETRY Perms
    # these distinct states (the same depth)
    (1, 12, 20, 5, None),
    (2, 56, 154, 8, 34),
    (3, 288, 1_146, 11, 80),        # TwoPhase.cfg
    (4, 1_568, 8_258, 14, 166),
    pytest.param(5, 8_832, 58_146, 17, 314, marks=pytest.mark.slow),
    # "checked with TLC for six RMs, a configuration with 50816 reachable
    # states" (the spec's last comment); TLC 2.15 again, 553 orbits
    pytest.param(6, 50_816, 402_306, 20, 553, marks=pytest.mark.slow),
])
def test_two_phase_commit_is_twophase_tla(tmp_path, rms, distinct, generated, depth, orbits):
    result, model = _checked(tmp_path, TWO_PHASE, f"params: {{rms: {rms}, drops: 0}}\n"
                             + AS_TWO_PHASE)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)
    assert tlc_generated(model) == generated
    if orbits is not None:
        result, _ = _checked(tmp_path, TWO_PHASE, f"params: {{rms: {rms}, drops: 0}}\n"
                             + AS_TWO_PHASE + "symmetry: true\n")
        assert (result.stats.distinct_states, result.stats.depth + 1) == (orbits, depth)


def test_committing_early_breaks_the_refinement_as_in_tlc(tmp_path):
    # TLC 2.15 on TwoPhase.cfg, TMCommit's tmPrepared = RM as tmPrepared #
    # {} (the kit model's own mutant commit_early), PROPERTY TC!TCSpec:
    # "Action property ... of module TCommit is violated", in state 5, these
    # steps: r1 commits while r2 is still working, no step of TCommit
    result, _ = _checked(tmp_path, TWO_PHASE, "params: {rms: 3, drops: 0}\n" + AS_TWO_PHASE
                         + "mutant: commit_early\nproperties: [refines_tcommit]\n")
    violation = result.violation("refines_tcommit")
    assert steps(violation.trace).splitlines() == [
        "RMPrepare(rm=0)", "TMRcvPrepared(tm=0, rm=0, to=0)", "TMCommit(tm=0)",
        "RMRcvCommitMsg(rm=0, to=0)"]
    assert violation.reason == ("rmState goes from ['prepared', 'working', 'working'] to "
                                "['committed', 'working', 'working'], no step of TCommit")


def test_committing_early_breaks_consistency_as_in_tlc(tmp_path):
    # TLC 2.15, the same mutant, INVARIANT TC!TCConsistent: violated in
    # state 6 (r1 prepares, the TM receives it and commits, r1 commits, r2
    # aborts); ours the same five steps, r2's abort first, and TLC's last
    # state
    result, model = _checked(tmp_path, TWO_PHASE, "params: {rms: 3, drops: 0}\n"
                             + AS_TWO_PHASE + "mutant: commit_early\nproperties: [consistent]\n")
    violation = result.violation("consistent")
    assert steps(violation.trace).splitlines() == [
        "RMPrepare(rm=0)", "RMChooseToAbort(rm=1)", "TMRcvPrepared(tm=0, rm=0, to=0)",
        "TMCommit(tm=0)", "RMRcvCommitMsg(rm=0, to=0)"]
    view = model.state_view(violation.trace.final)
    assert ([view[f"rm{i}.state"] for i in range(3)], view["tm0.state"], view["tm0.prepared"]) \
        == (["committed", "aborted", "working"], "committed", [0])
