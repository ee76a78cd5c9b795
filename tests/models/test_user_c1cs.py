"""A user's kit model of a published spec it was not written against:
tests/models/user/c1cs.py, after c1cs.tla of the TLA+ examples
(specifications/c1cs: consensus in one communication step, Tran, Konnov
and Widder), compared figure by figure with TLC 2.15, one worker,
breadth-first.

TLC ran c1cs.tla as published with c1cs.cfg's INVARIANTS (TypeOK Validity
Agreement WeakAgreement IndStrengthens) and PROPERTY Termination under
Spec's fairness, deadlock checked, ``Values`` the model values {v1, v2} or
{v1}, on smaller N than the cfg's: c1cs.cfg's N = 4, T = F = 1 is more than
TLC finishes (its manifest says "unknown"; on this machine, shared, TLC had
found 45,738 distinct states, 26,806 on its queue, at depth 8 after 12
minutes). Each mutant is c1cs.tla with the one expression the mutant
changes, each property checked alone so that TLC's counterexample is a
shortest one. TLC prints a depth one more than ours, and a trace of one
state more than our steps. TLC's Receive enumerates ``\\E sndr \\in Proc``,
which it never reads, so its generated states are N times more; they are
not compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.spec_runs import steps, written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "c1cs.yaml"
EVERY = ("properties: [type_ok, validity, agreement_decisions, agreement_calls, "
         "weak_agreement, ind_strengthens, termination]\n")
FAIRNESS = 'fairness: {weak: ["Receive | Propose | CoreT1 | T2"]}\n'


def _checked(tmp_path, lines: str, keep_going: bool = False):
    _, model, result = written_and_checked(tmp_path, "c1cs.py:C1cs", lines, keep_going)
    return result, model


def _final(model, violation) -> list[tuple]:
    """(pc, v, dValue) of each process in the violation's last state."""
    return [(p.pc, p.v, p.d_value) for p in model.records(violation.trace.final,
                                                          type(model).roles[0])]


def test_the_spec_file_is_c1cs_cfg_on_two_processes():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "never fired (check the model or the bounds): Crash" in result.output


@pytest.mark.parametrize("procs, values, distinct, depth", [
    # TLC 2.15, every invariant and Termination, T = F = 0: no error and
    # these distinct states (its depth one more)
    (1, 2, 10, 4),
    (2, 1, 121, 12),
    (2, 2, 310, 12),
    # TLC: 23 s; ours 14 s
    pytest.param(3, 1, 60_761, 24, marks=pytest.mark.slow),
    # TLC: 83 s; ours 20 s
    pytest.param(3, 2, 127_198, 24, marks=pytest.mark.slow),
])
def test_c1cs_has_tlc_s_counts_and_verdicts(tmp_path, procs, values, distinct, depth):
    result, _ = _checked(tmp_path, f"params: {{procs: {procs}, values: {values}}}\n"
                         + EVERY + FAIRNESS)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)


@pytest.mark.parametrize("procs, orbits, depth", [
    # TLC 2.15, TypeOK, Proc overridden by model values p1 .. pN (TLC takes
    # no symmetry of the integers 1..N; without one, the same 310 states on
    # two) and SYMMETRY Permutations(Proc): no error and these distinct
    # states
    (2, 164, 12),
    pytest.param(3, 21_570, 24, marks=pytest.mark.slow),
])
def test_processes_are_interchangeable_as_in_tlc(tmp_path, procs, orbits, depth):
    result, _ = _checked(tmp_path, f"params: {{procs: {procs}}}\nproperties: [type_ok]\n"
                         "symmetry: true\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (orbits, depth)


def test_termination_needs_the_fairness(tmp_path):
    # Init /\ [][Next]_vars: the run that never moves
    result, _ = _checked(tmp_path, "params: {procs: 2}\nproperties: [termination]\n")
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (0, 0)


@pytest.mark.parametrize("params, message", [
    ("{procs: 3, T: 1}", "params.T: the spec assumes 3T < N; got T = 1 with N = 3 processes"),
    ("{procs: 4, T: 1, F: 2}", "params.F: the spec assumes F <= T; got F = 2 with T = 1"),
])
def test_bounds_that_break_the_spec_s_assumption_are_refused(tmp_path, params, message):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'c1cs.py').as_posix()}:C1cs\nparams: {params}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == f"error: {spec}:2: {message}\n"


# -- mutants: each property broken by one handler, TLC's counterexample as long -----------


def test_proposing_another_value_breaks_ind_strengthens_and_validity(tmp_path):
    # TLC 2.15, N = 2, Propose broadcasting CHOOSE x \in Values : x # v[i]:
    # IndStrengthens violated in state 2, Validity in state 6
    result, model = _checked(tmp_path, "params: {procs: 2}\nmutant: proposes_other_value\n"
                             "properties: [ind_strengthens]\n")
    violation = result.violation("ind_strengthens")
    assert steps(violation.trace) == "Propose(i=p1)"
    assert violation.reason == "p1 proposed v2 but prefers another value"
    result, model = _checked(tmp_path, "params: {procs: 2}\nmutant: proposes_other_value\n"
                             "properties: [validity]\n")
    violation = result.violation("validity")
    assert steps(violation.trace).splitlines() == [
        "Propose(i=p1)",
        "Receive(i=p1, type=Proposed, value=v2, sndr=p1)",
        "Propose(i=p2)",
        "Receive(i=p1, type=Proposed, value=v2, sndr=p2)",
        "CoreT1(i=p1)"]
    assert violation.reason == "p1 decided v2, which no process holds"
    assert _final(model, violation) == [("DONE", 0, 1), ("DECIDE", 0, None)]


def test_deciding_against_the_decision_breaks_weak_agreement(tmp_path):
    # TLC 2.15, N = 2, T2's dValue the other value: WeakAgreement violated
    # in state 8
    result, model = _checked(tmp_path, "params: {procs: 2}\nmutant: decision_flipped\n"
                             "properties: [weak_agreement]\n")
    violation = result.violation("weak_agreement")
    assert steps(violation.trace).splitlines() == [
        "Propose(i=p1)",
        "Receive(i=p1, type=Proposed, value=v1, sndr=p1)",
        "Propose(i=p2)",
        "Receive(i=p1, type=Proposed, value=v1, sndr=p2)",
        "CoreT1(i=p1)",
        "Receive(i=p2, type=Decision, value=v1, sndr=p1)",
        "T2(i=p2, value=v1)"]
    assert violation.reason == "p1 decided v1 and p2 v2"
    assert _final(model, violation) == [("DONE", 0, 0), ("DONE", 0, 1)]


def test_deciding_silently_breaks_ind_strengthens(tmp_path):
    # TLC 2.15, N = 2, T2 leaving bcastMsg unchanged: IndStrengthens
    # violated in state 8
    result, model = _checked(tmp_path, "params: {procs: 2}\nmutant: t2_silent\n"
                             "properties: [ind_strengthens]\n")
    violation = result.violation("ind_strengthens")
    assert len(violation.trace.actions) == 7
    assert steps(violation.trace).splitlines()[-1] == "T2(i=p2, value=v1)"
    assert violation.reason == "p2 decided but did not broadcast its decision"
    assert _final(model, violation) == [("DONE", 0, 0), ("DONE", 0, 0)]


def test_waiting_for_one_proposal_too_many_breaks_termination(tmp_path):
    # TLC 2.15, N = 2, Core_T1 waiting for N - T + 1 proposals, under Spec's
    # fairness (no deadlock check): Termination violated by 7 states, then
    # stuttering: both proposed and received both proposals
    result, model = _checked(tmp_path, "params: {procs: 2}\nmutant: waits_for_every_proposal\n"
                             "properties: [termination]\ndeadlock: false\n" + FAIRNESS)
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (6, 0)
    assert [str(a).split("(")[0] for a in violation.trace.actions] == [
        "Propose", "Receive", "Receive", "Propose", "Receive", "Receive"]
    assert result.stats.distinct_states == 100   # TLC: 100, the whole graph
    assert _final(model, violation) == [("DECIDE", 0, None), ("DECIDE", 0, None)]
