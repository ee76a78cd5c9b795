"""A user's plain model of a published TLA+ spec it was not written
against: tests/models/user/bcast_byz.py, after bcastByz.tla of the TLA+
examples (tlaplus/Examples 32a32c7, specifications/bcastByz: Srikanth and
Toueg's Byzantine reliable broadcast, one round), compared figure by figure
with TLC 2.15.

TLC ran the published module with its TLAPS proofs cut (EXTENDS Naturals,
FiniteSets in place of the proof libraries; no operator of the model reads
them), one worker, ``-deadlock`` (Next has ``UNCHANGED vars``, so nothing
deadlocks)::

    java -XX:+UseParallelGC -cp tla2tools.jar tlc2.TLC -workers 1 -deadlock \\
        -config MC.cfg bcastByz

with MC.cfg the published bcastByz.cfg (or bcastByzNoBcast.cfg) with the
constants below. TLC's depth is one more than ours; its "states generated"
is ours plus one per distinct state (the stuttering step Next's ``UNCHANGED
vars`` generates from every state), as each test asserts. Every bound's
CorrLtl, RelayLtl and UnforgLtl hold in TLC under Spec's fairness.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

USER = Path(__file__).parent / "user"
SPEC = USER / "bcast_byz.yaml"
SAFETY = ("type_ok", "fc_constraints")
LIVENESS = ("relay_ltl", "corr_ltl")
SPEC_FAIRNESS = (("weak", "Step(from_faulty=False)"),)   # Spec's WF_vars(...)


def _bcast_byz():
    return load_spec(SPEC, REGISTRY).model_class


def _model(n, t, f, no_bcast=False, mutant=None):
    return _bcast_byz()(N=n, T=t, F=f, no_bcast=no_bcast, mutant=mutant)


@pytest.mark.slow
def test_the_spec_file_is_bcast_byz_cfg():
    # bcastByz.cfg as published (N = 4, T = 1, F = 1). TLC 2.15: no error,
    # 227,344 generated, 14,424 distinct, depth 7 (the manifest's figures)
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.fairness == SPEC_FAIRNESS
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("type_ok", "holds"), ("fc_constraints", "holds"), ("corr_ltl", "holds"),
        ("relay_ltl", "holds")]
    assert (result.stats.distinct_states, result.stats.depth) == (14_424, 6)
    assert result.stats.generated_states + 14_424 == 227_344


@pytest.mark.parametrize("n, t, f, no_bcast, distinct, generated, depth, tlc_generated", [
    # TLC 2.15 on Spec (bcastByz.cfg's invariants and properties, the
    # constants changed), no error; TLC's depth one more than ours
    (1, 0, 0, False, 4, 4, 2, 8),
    (3, 0, 0, False, 112, 383, 6, 495),
    # bcastByzNoBcast.cfg as published (N = 10, T = 3, F = 2, SpecNoBcast,
    # INVARIANTS TypeOK FCConstraints Unforg): the manifest's 45 and 90, depth 1
    (10, 3, 2, True, 45, 45, 0, 90),
    # SpecNoBcast on bcastByz.cfg's constants (TLC: 4 distinct, 8 generated)
    (4, 1, 1, True, 4, 4, 0, 8),
    # bcastByz.cfg (TLC: 47 s with its three temporal properties)
    pytest.param(4, 1, 0, False, 17_080, 308_188, 8, 325_268, marks=pytest.mark.slow),
    pytest.param(4, 1, 1, False, 14_424, 212_920, 6, 227_344, marks=pytest.mark.slow),
])
def test_bcast_byz_has_tlc_s_counts(n, t, f, no_bcast, distinct, generated, depth,
                                     tlc_generated):
    properties = SAFETY + (("unforg",) if no_bcast else ())
    result = check(_model(n, t, f, no_bcast), CheckConfig(properties=properties))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)
    assert generated + distinct == tlc_generated


def test_the_ltl_properties_hold_under_spec_s_fairness_and_fail_without():
    # N = 3, T = 0, F = 0. TLC 2.15: Spec satisfies CorrLtl and RelayLtl;
    # Init /\ [][Next]_vars (no fairness) violates each of them
    fair = check(_model(3, 0, 0), CheckConfig(properties=SAFETY + LIVENESS,
                                              fairness=SPEC_FAIRNESS))
    assert fair.verdict == "holds"
    unfair = check(_model(3, 0, 0), CheckConfig(properties=LIVENESS))
    assert [(o.property.name, o.outcome) for o in unfair.outcomes()] == [
        ("relay_ltl", "violated"), ("corr_ltl", "violated")]
    # the shortest: every process starts in V1 and no one steps
    violation = unfair.violation("corr_ltl")
    assert violation.trace.actions == ()
    assert violation.trace.final.pc == ("V1", "V1", "V1")


def test_unforg_fails_from_init_where_a_correct_process_starts_in_v1():
    # Unforg is SpecNoBcast's; from Init, a V1 process echoes and accepts
    # on its own echo (N = 1: TLC's 2 steps)
    result = check(_model(1, 0, 0), CheckConfig(properties=("unforg",)))
    violation = result.violation("unforg")
    assert [str(a) for a in violation.trace.actions] == [
        "Step(p=1, upon='UponV1', received=(), from_faulty=False)",
        "Step(p=1, upon='UponAcceptSentBefore', received=(1,), from_faulty=False)"]
    assert violation.reason == "correct process 1 accepted"


# -- mutants: TLC 2.15 on the spec with the same change ---------------------------------


def test_echoing_on_t_messages_breaks_unforg_in_tlc_s_trace():
    # UponNonFaulty's Cardinality(rcvd'[self]) >= N - 2*T made >= T;
    # SpecNoBcast, INVARIANT Unforg, N = 4, T = 1, F = 1. TLC's trace state
    # for state: Faulty = {4}; 1 echoes on 4's echo, 2 on 1's, 1 accepts on
    # 1, 2 and 4 (105 generated, 77 distinct when it stopped)
    result = check(_model(4, 1, 1, no_bcast=True, mutant="echo_on_t"),
                   CheckConfig(properties=("unforg",)))
    violation = result.violation("unforg")
    assert [str(a) for a in violation.trace.actions] == [
        "Step(p=1, upon='UponNonFaulty', received=(4,), from_faulty=True)",
        "Step(p=2, upon='UponNonFaulty', received=(1,), from_faulty=False)",
        "Step(p=1, upon='UponAcceptSentBefore', received=(1, 2), from_faulty=False)"]
    assert violation.trace.steps[0].state.faulty == (4,)
    final = violation.trace.final
    assert (final.pc, final.rcvd, final.sent) == (
        ("AC", "SE", "V0", "V0"), ((1, 2, 4), (1,), (), ()), (1, 2))
    assert violation.reason == "correct process 1 accepted"


def test_a_forged_echo_breaks_type_ok_in_tlc_s_trace():
    # Receive's SUBSET (sent \cup ...) made SUBSET (Proc \X M); Spec,
    # INVARIANT TypeOK, N = 4, T = 1, F = 1. TLC's one step, state for
    # state: 1 echoes on its own and 2's echo, which 2 never sent
    result = check(_model(4, 1, 1, mutant="receive_forged"), CheckConfig(properties=("type_ok",)))
    violation = result.violation("type_ok")
    assert [str(a) for a in violation.trace.actions] == [
        "Step(p=1, upon='UponNonFaulty', received=(1, 2), from_faulty=True)"]
    final = violation.trace.final
    assert (final.corr, final.pc, final.rcvd, final.sent) == (
        (1, 2, 3), ("SE", "V0", "V0", "V0"), ((1, 2), (), (), ()), (1,))
    assert violation.reason == ("process 1 received an ECHO of process 2, which is "
                                "neither sent nor faulty")


@pytest.mark.parametrize("prop, initial_pc, upons, final_pc", [
    # TLC's lasso for RelayLtl: Faulty = {3}, the V1 process 4 echoes, 2
    # echoes on 3's and 4's echo, 1 accepts on 2's, 3's and 4's, then
    # stuttering: ours is the same with processes 3 and 4, and 1 and 2,
    # swapped (TLC's lasso is not the first in breadth-first order)
    ("relay_ltl", ("V0", "V0", "V1", "V0"),
     ("UponV1", "UponNonFaulty", "UponAcceptNotSentBefore"), ("SE", "AC", "SE", "V0")),
    # TLC's lasso for CorrLtl: Faulty = {1}, the three correct V1 processes
    # echo one after the other, then stuttering (ours: Faulty = {4})
    ("corr_ltl", ("V1", "V1", "V1", "V0"), ("UponV1", "UponV1", "UponV1"),
     ("SE", "SE", "SE", "V0")),
])
def test_no_accepting_after_echoing_breaks_the_ltl_properties_as_tlc_does(prop, initial_pc,
                                                                         upons, final_pc):
    # UponAcceptSentBefore's pc[self] = "SE" made FALSE /\ pc[self] = "SE";
    # Spec (its fairness), N = 4, T = 1, F = 1: a process in SE waits for
    # ever, and no step receiving from correct processes only is enabled.
    # TLC 2.15: 3 steps, then stuttering, for each property apart
    result = check(_model(4, 1, 1, mutant="no_accept_after_echo"),
                   CheckConfig(properties=(prop,), fairness=SPEC_FAIRNESS))
    violation = result.violation(prop)
    assert violation.trace.steps[0].state.pc == initial_pc
    assert violation.trace.steps[0].state.faulty == (4,)
    assert tuple(a.upon for a in violation.trace.actions) == upons
    assert (violation.stem_length, violation.loop_length) == (3, 0)
    assert violation.trace.final.pc == final_pc


def test_a_t_that_the_spec_does_not_assume_is_refused(tmp_path):
    # ASSUME NTF: N > 3 * T
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'bcast_byz.py').as_posix()}:BcastByz\n"
                    "params: {N: 3, T: 1, F: 0}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {spec}:2: params.T: the spec assumes N > 3T; with N = 3, T must be at most 0")


def test_the_report_names_processes_by_their_ids_as_the_spec_does(tmp_path):
    # pc and rcvd are functions on 1..N: the report's pc[3] is process 3's
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'bcast_byz.py').as_posix()}:BcastByz\n"
                    "mutant: no_accept_after_echo\nparams: {N: 4, T: 1, F: 1}\n"
                    "properties: [relay_ltl]\nfairness: {weak: ['Step(from_faulty=False)']}\n"
                    "deadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    step = lines.index("1  Step(p=3, upon='UponV1', received=(), from_faulty=False)")
    assert lines[step - 11:step] == [
        "corr = [1, 2, 3]", "faulty = [4]", "pc[1] = V0", "pc[2] = V0", "pc[3] = V1",
        "pc[4] = V0", "rcvd[1] = []", "rcvd[2] = []", "rcvd[3] = []", "rcvd[4] = []", "sent = []"]
    assert lines[step + 1:step + 3] == ["pc[3]: V1 → SE", "sent: + 3"]
