"""A user's kit model of a published spec it was not written against:
tests/models/user/cf1s_folklore.py, after cf1s_folklore.tla of the TLA+
examples (tlaplus/Examples 32a32c7, specifications/cf1s-folklore: one-step
consensus with zero degradation, Tran, Konnov and Widder), compared figure
by figure with TLC 2.15, one worker, breadth-first, ``-deadlock``.

TLC ran cf1s_folklore.tla as published with cf1s_folklore.cfg (INVARIANTS
TypeOK, PROPERTIES OneStep0_Ltl OneStep1_Ltl, SPECIFICATION Spec) with the
constants below, and these definitions added to the module:
``SpecNF == Init /\\ [][Next]_vars`` (no fairness), ``Spec0 == Init0 /\\
[][Next]_vars`` and ``Spec1`` likewise (the spec's own Init0 and Init1, the
model's ``start``), and ``Inv0 == \\A i : pc[i] \\notin {U0, U1, D1}`` (and
Inv1, with D0), OneStep0_Ltl's second part as an invariant of Spec0, so
that TLC's counterexample is a shortest one; each mutant is the module with
the one expression the mutant changes. TLC prints a depth one more than
ours; it generates the steps that change nothing (Next's ``UNCHANGED
vars``, N of them from every state), which the kit does not, so only
distinct states and depths are compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.spec_runs import steps, written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "cf1s_folklore.yaml"
EVERY = "properties: [type_ok, one_step0_ltl, one_step1_ltl]\n"
FAIRNESS = 'fairness: {weak: ["Receive0 | Receive1 | Propose | Decide"]}\n'


def _checked(tmp_path, lines: str):
    _, model, result = written_and_checked(tmp_path, "cf1s_folklore.py:Cf1sFolklore", lines)
    return result, model


def _pcs(model, state) -> list[str]:
    return [p.pc for p in model.processes(state)]


def test_the_spec_file_is_cf1s_folklore_cfg_on_three_processes():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    # F = 0: nothing turns faulty
    assert "never fired (check the model or the bounds): Faulty" in result.output


@pytest.mark.parametrize("procs, t, f, distinct, depth", [
    # TLC 2.15, cf1s_folklore.cfg with these constants: no error, these
    # distinct states (its depth one more)
    (1, 0, 0, 8, 3),
    (2, 0, 0, 118, 8),
    (3, 0, 0, 3_600, 15),
    # TLC: 14 min on the shared machine, 2,000,880 generated
    pytest.param(4, 0, 0, 198_600, 24, marks=pytest.mark.slow),
    # cf1s_folklore.cfg as published: TLC 3 min 31 s, 22,438,432 generated
    pytest.param(4, 1, 1, 2_057_174, 24, marks=pytest.mark.slow),
])
def test_cf1s_has_tlc_s_counts_and_verdicts(tmp_path, procs, t, f, distinct, depth):
    result, _ = _checked(tmp_path, f"params: {{procs: {procs}, T: {t}, F: {f}}}\n"
                         + EVERY + FAIRNESS)
    assert result.verdict == "holds"
    assert [o.outcome for o in result.outcomes()] == ["holds"] * 3
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)


@pytest.mark.slow
@pytest.mark.parametrize("start, distinct", [
    # TLC 2.15, Spec0 (Spec1), N = 4, T = F = 1, TypeOK and OneStep0_Ltl
    # (OneStep1_Ltl): no error, these distinct states, depth 25
    ("Init0", 30_344),
    ("Init1", 17_648),
])
def test_the_spec_s_own_init0_and_init1(tmp_path, start, distinct):
    result, _ = _checked(tmp_path, f"params: {{start: {start}}}\n" + EVERY + FAIRNESS)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, 24)


def test_without_fairness_the_properties_still_hold(tmp_path):
    # TLC 2.15, SpecNF, N = 2, each property alone: no error. OneStep0_Ltl
    # is a safety property; OneStep1_Ltl's <> is met by the first state
    result, _ = _checked(tmp_path, "params: {procs: 2, T: 0, F: 0}\n"
                         "properties: [one_step0_ltl, one_step1_ltl]\n")
    assert [o.outcome for o in result.outcomes()] == ["holds", "holds"]


def test_one_step1_ltl_holds_whatever_the_protocol_does(tmp_path):
    # decide_on_fewer from Init1, N = 3, T = F = 0: a process ends in U1
    # (TLC 2.15, Spec1, INVARIANT Inv1: violated in state 6), yet
    # OneStep1_Ltl holds, in TLC (Spec1: no error, 512 distinct states) as
    # here: its <> is met by the first state, where every pc is V1
    result, _ = _checked(tmp_path, "params: {procs: 3, T: 0, F: 0, start: Init1}\n"
                         "mutant: decide_on_fewer\nproperties: [one_step1_ltl]\n"
                         + FAIRNESS)
    assert (result.verdict, result.stats.distinct_states) == ("holds", 512)


def test_a_faulty_v1_process_stops_the_run_where_tlc_stops(tmp_path):
    # Faulty's nSnt0F' = nSnt1F + 1 for a V1 process: where it holds (a V0
    # process turned faulty first, F >= 2), nSnt1F' is unspecified. TLC
    # 2.15, N = 7, T = F = 2 stops with an error ("The following variable
    # is not assigned: nSnt1F") at the second Faulty step, from the same
    # state: p1 .. p6 in V0, p7 in V1, p1 faulty
    result, model = _checked(tmp_path, "params: {procs: 7, T: 2, F: 2}\n"
                             "properties: [type_ok]\nbounds: {max_depth: 2}\n")
    violation = result.violation("assertion")
    assert steps(violation.trace) == "Faulty(i=p1)"
    assert _pcs(model, violation.trace.steps[0].state) == ["V0"] * 6 + ["V1"]
    assert _pcs(model, violation.trace.final) == ["BYZ"] + ["V0"] * 5 + ["V1"]
    assert tuple(model.globals_of(violation.trace.final)) == (0, 0, 1, 0, 1)
    assert violation.reason.startswith(
        "a step from here fails its assertion: Faulty leaves nSnt1F' unspecified here")


def test_the_intended_faulty_lets_v1_processes_turn_faulty(tmp_path):
    # from Init1, one step: 4 Propose, and 4 Faulty only with
    # intended_faulty (as published, nSnt0F = nSnt1F + 1 fails: 0 # 1)
    for intended, distinct in ((False, 5), (True, 9)):
        result, _ = _checked(tmp_path, "params: {procs: 4, T: 1, F: 1, start: Init1, "
                             f"intended_faulty: {str(intended).lower()}}}\n"
                             "properties: [type_ok]\nbounds: {max_depth: 1}\n")
        assert result.stats.distinct_states == distinct


@pytest.mark.parametrize("params, message", [
    ("{procs: 3, T: 1}", "params.T: the spec assumes N > 3T; got T = 1 with N = 3 processes"),
    ("{procs: 4, T: 1, F: 2}", "params.F: the spec assumes T >= F; got F = 2 with T = 1"),
])
def test_bounds_that_break_the_spec_s_assumption_are_refused(tmp_path, params, message):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'cf1s_folklore.py').as_posix()}:Cf1sFolklore\n"
                    f"params: {params}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == f"error: {spec}:2: {message}\n"


# -- mutants: OneStep0_Ltl broken by one handler, TLC's shortest trace as long ------------


def test_deciding_on_one_value_fewer_breaks_one_step0(tmp_path):
    # Decide's nRcvd0[i] + nRcvd1[i] >= N - T made >= N - T - 1. TLC 2.15,
    # Spec0, INVARIANT Inv0, N = 4, T = F = 1: violated in state 6
    result, model = _checked(tmp_path, "params: {start: Init0}\nmutant: decide_on_fewer\n"
                             "properties: [one_step0_ltl]\nbounds: {max_depth: 5}\n")
    violation = result.violation("one_step0_ltl")
    assert steps(violation.trace).splitlines() == [
        "Propose(i=p1)", "Receive0(i=p1)", "Propose(i=p2)", "Receive0(i=p1)",
        "Decide(i=p1)"]
    assert violation.reason == ("a behaviour breaks OneStep0_Ltl: the first part holds at "
                                "step 0 and the second fails at step 5 (p1 is at U0)")
    assert _pcs(model, violation.trace.final) == ["U0", "S0", "V0", "V0"]


@pytest.mark.slow
def test_from_the_whole_init_the_graph_stops_at_the_violation(tmp_path):
    # the cfg's N = 4, T = F = 1 from Init (4,085,002 states, 46 s): the
    # temporal graph is built no further than the 5 steps of the path
    # (27,224 states; the whole graph took 129 s and 1.2 GiB before)
    result, model = _checked(tmp_path, "params: {procs: 4, T: 1, F: 1}\n"
                             "mutant: decide_on_fewer\nproperties: [one_step0_ltl]\n")
    assert (result.stats.distinct_states, result.stats.graph_states,
            result.stats.graph_settled_at) == (4_085_002, 27_224, 5)
    violation = result.violation("one_step0_ltl")
    assert steps(violation.trace).splitlines() == [
        "Propose(i=p1)", "Receive0(i=p1)", "Propose(i=p2)", "Receive0(i=p1)",
        "Decide(i=p1)"]
    assert _pcs(model, violation.trace.final) == ["U0", "S0", "V0", "V0"]


def test_a_faulty_process_sending_the_other_value_breaks_one_step0(tmp_path):
    # Faulty's nSnt0F' = nSnt0F + 1 for a V0 process made nSnt1F' = nSnt1F
    # + 1. TLC 2.15, Spec0, INVARIANT Inv0, N = 4, T = F = 1: violated in
    # state 8
    result, model = _checked(tmp_path, "params: {start: Init0}\nmutant: faulty_sends_other\n"
                             "properties: [one_step0_ltl]\nbounds: {max_depth: 7}\n")
    violation = result.violation("one_step0_ltl")
    assert steps(violation.trace).splitlines() == [
        "Propose(i=p1)", "Receive0(i=p1)", "Propose(i=p2)", "Receive0(i=p1)",
        "Faulty(i=p3)", "Receive1(i=p1)", "Decide(i=p1)"]
    final = violation.trace.final
    assert _pcs(model, final) == ["U0", "S0", "BYZ", "V0"]
    assert tuple(model.globals_of(final)) == (2, 0, 0, 1, 1)

