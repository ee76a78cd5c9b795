"""A user's plain model of a published TLA+ spec it was not written
against: tests/models/user/bosco.py, after bosco.tla of the TLA+ examples
(tlaplus/Examples 32a32c7, specifications/bosco: Song and van Renesse's
Bosco, Byzantine one-step consensus; Konnov, Tran and Widder), compared
figure by figure with TLC 2.15.

TLC ran the published module, one worker, ``-deadlock`` (Step's last
disjunct only receives, so no state deadlocks), from an MC.tla that
EXTENDS bosco, TLC::

    java -XX:+UseParallelGC -cp tla2tools.jar tlc2.TLC -workers 1 -deadlock MC

with MC.cfg ``CONSTANTS N = .. T = .. F = ..``, ``INIT MCInit``, ``NEXT
Next``, ``CONSTRAINT MCConstraint`` and bosco.cfg's ``INVARIANTS TypeOK
Lemma3_0 Lemma3_1 Lemma4_0 Lemma4_1``, where ``MCInit == Init`` (with
`proposals`, ``Init /\\ pc = <<"V0", "V0", "V1">>`` and so on) and
``MCConstraint == TRUE`` (with `max_sent`, ``Cardinality(sent) <=
max_sent``). With symmetry the processes are model values: ``CONSTANTS c1,
c2, c3, f1``, ``MCCorr == {c1, c2, c3}``, ``MCFaulty == {f1}``, ``MCP ==
MCCorr \\cup MCFaulty``, ``Sym == Permutations(MCCorr) \\cup
Permutations(MCFaulty)``, and in MC.cfg ``Corr <- MCCorr``, ``Faulty <-
MCFaulty``, ``P <- MCP``, ``SYMMETRY Sym``. TLC's depth is one more than
ours; its generated counts are ours (the initial states included), every
witness of Receive's ``\\E r`` and each disjunct of Step a successor, the
state itself among them. On N = 2 and N = 3 (T = 0), and on N = 4, T = 1,
F = 1 with max_sent 1 (12,800 states), TLC's ``-dump`` lists the distinct
states in the model's breadth-first order, one for one.
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
SPEC = USER / "bosco.yaml"
INVARIANTS = ("type_ok", "lemma3_0", "lemma3_1", "lemma4_0", "lemma4_1")
SYMMETRY = ("correct", "faulty")


def _bosco():
    return load_spec(SPEC, REGISTRY).model_class


def _model(n, t, f, mutant=None, **bounds):
    return _bosco()(N=n, T=t, F=f, mutant=mutant, **bounds)


def _final(violation):
    final = violation.trace.final
    return final.pc, [sorted(_text(m) for m in r) for r in final.rcvd], sorted(
        _text(m) for m in final.sent)


def _text(echo):
    """<<p, m>> as TLC prints it, p by its number (the faulty process f1 is N)."""
    kind, index = echo.p
    return f"<<{'f' if kind == 'faulty' else ''}{index + 1}, {echo.m}>>"


def _steps(violation):
    return [(a.self + 1, a.upon, sorted(_text(m) for m in a.received))
            for a in violation.trace.actions]


@pytest.mark.parametrize("n, t, f, bounds, symmetry, distinct, generated, depth", [
    # TLC 2.15 on bosco.tla, the constants changed, no CONSTRAINT: no error
    (1, 0, 0, {}, False, 8, 18, 2),
    (2, 0, 0, {}, False, 118, 588, 4),
    (3, 0, 0, {}, False, 7_568, 85_304, 6),
    # CONSTRAINT Cardinality(sent) <= 1
    (4, 1, 0, {"max_sent": 1}, False, 1_040, 10_896, 5),
    # SYMMETRY Permutations(Corr) \cup Permutations(Faulty), model values
    # (TLC: 4 initial states generated, 3 distinct)
    (2, 0, 0, {}, True, 65, 328, 4),
    (4, 1, 0, {"max_sent": 1}, True, 85, 896, 5),
    pytest.param(3, 0, 0, {}, True, 1_384, 15_604, 6, marks=pytest.mark.slow),
    pytest.param(4, 1, 1, {"max_sent": 1}, False, 12_800, 214_280, 4, marks=pytest.mark.slow),
    pytest.param(4, 1, 1, {"max_sent": 1}, True, 2_296, 38_348, 4, marks=pytest.mark.slow),
    # bosco.cfg's constants, at most two correct echoes
    pytest.param(4, 1, 1, {"max_sent": 2}, True, 26_952, 587_916, 7, marks=pytest.mark.slow),
])
def test_bosco_has_tlc_s_counts(n, t, f, bounds, symmetry, distinct, generated, depth):
    result = check(_model(n, t, f, **bounds),
                   CheckConfig(properties=INVARIANTS, symmetry=SYMMETRY if symmetry else ()))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


@pytest.mark.slow
def test_the_spec_file_is_bosco_cfg_under_symmetry():
    # bosco.cfg as published, SYMMETRY over the correct and the faulty
    # processes. TLC 2.15: no error, 4,949,906 generated, 181,640 distinct,
    # depth 10 (7 min 25 s; cmc about 150 s). Without the symmetry TLC had
    # 996,306 distinct and 246,675 on its queue at depth 8 after 24 minutes
    loaded = load_spec(SPEC, REGISTRY)
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (181_640, 4_949_906, 9)


def test_the_one_step_properties_hold_without_faults():
    # N = 3, T = 0: deciding takes 2 equal echoes of 3, and the underlying
    # consensus is never called. TLC 2.15, PROPERTIES OneStep0 OneStep1 (as
    # the spec states them, temporal) with bosco.cfg's invariants: no error,
    # 85,304 generated, 7,568 distinct
    result = check(_model(3, 0, 0), CheckConfig(properties=INVARIANTS + ("one_step0",
                                                                         "one_step1")))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 7_568


@pytest.mark.parametrize("prop, proposals, final_pc, received, reason", [
    # the spec's comment: with N <= 7T OneStep0 and OneStep1 fail. N = 4,
    # T = 1, F = 1, every correct process proposing 0 (MCInit's pc =
    # <<"V0", "V0", "V0">>; from Init, TLC's first initial state), INVARIANT
    # OneStep0's conclusion. TLC's trace state for state: 1 and 2 echo, 1
    # hears 1, 2 and the faulty 4, three ECHO0, not more than (4 + 3)/2,
    # and calls the underlying consensus with 0 (495 distinct when it
    # stopped). TLC's PROPERTY OneStep0 from that Init: violated, its
    # behaviour another (2 echoes, then 2 calls the underlying consensus
    # with 0 in the third step, then 1 echoes and all stutter)
    ("one_step0", "000", ("U0", "S0", "V0"), ["<<1, ECHO0>>", "<<2, ECHO0>>", "<<f1, ECHO0>>"],
     "every correct process proposed 0, and process 1 is in U0"),
    # the same with 1: the faulty process's ECHO0 completes N - T senders
    ("one_step1", "111", ("U1", "S1", "V1"), ["<<1, ECHO1>>", "<<2, ECHO1>>", "<<f1, ECHO0>>"],
     "every correct process proposed 1, and process 1 is in U1"),
])
def test_one_step_fails_with_n_at_most_7t_in_tlc_s_trace(prop, proposals, final_pc, received,
                                                         reason):
    echo = "UponV0" if proposals == "000" else "UponV1"
    result = check(_model(4, 1, 1, proposals=proposals), CheckConfig(properties=(prop,)))
    violation = result.violation(prop)
    assert _steps(violation) == [(1, echo, []), (2, echo, []), (1, f"UponUnderlying{final_pc[0][1]}",
                                                                received)]
    pc, rcvd, sent = _final(violation)
    assert pc == final_pc
    assert rcvd == [received, [], []]
    assert violation.reason == reason


# -- mutants: TLC 2.15 on the spec with the same change ---------------------------------


def test_deciding_1_on_echo0_breaks_agreement_in_tlc_s_trace():
    # UponOneStep1's rcvd1(self) >= moreNplus3Tdiv2 written rcvd0(self);
    # N = 3, T = 0, F = 0, INVARIANT Lemma3_0 (Lemma3_1 is the same
    # formula). TLC's trace state for state: every process echoes 0, 1
    # decides 0 and 2 decides 1 on the same three ECHO0 (12,066 generated,
    # 3,561 distinct when it stopped)
    everyone = ["<<1, ECHO0>>", "<<2, ECHO0>>", "<<3, ECHO0>>"]
    for prop, reason in (("lemma3_0", "process 1 is in D0 and process 2 in D1"),
                         ("lemma3_1", "process 2 is in D1 and process 1 in D0")):
        result = check(_model(3, 0, 0, mutant="one_step1_reads_echo0"),
                       CheckConfig(properties=(prop,)))
        violation = result.violation(prop)
        assert violation.trace.steps[0].state.pc == ("V0", "V0", "V0")
        assert _steps(violation) == [(1, "UponV0", []), (2, "UponV0", []), (3, "UponV0", []),
                                     (1, "UponOneStep0", everyone),
                                     (2, "UponOneStep1", everyone)]
        assert _final(violation) == (("D0", "D1", "S0"), [everyone, everyone, []], everyone)
        assert violation.reason == reason


def test_echoing_the_location_breaks_type_ok_in_tlc_s_trace():
    # UponV1's sent' = sent \cup {<<self, "ECHO1">>} written <<self,
    # pc[self]>>; N = 3, T = 0, F = 0, INVARIANT TypeOK. TLC's trace: from
    # <<"V0", "V0", "V1">>, 3 sends <<3, "V1">> (19 generated)
    result = check(_model(3, 0, 0, mutant="echo_the_location"),
                   CheckConfig(properties=("type_ok",)))
    violation = result.violation("type_ok")
    assert violation.trace.steps[0].state.pc == ("V0", "V0", "V1")
    assert _steps(violation) == [(3, "UponV1", [])]
    assert _final(violation) == (("V0", "V0", "S1"), [[], [], []], ["<<3, V1>>"])
    assert violation.reason == "sent holds Echo(p=3, m=V1), which is not in P \\X M"


@pytest.mark.slow
@pytest.mark.parametrize("mutant, prop, proposals, steps, final_pc, rcvd, sent, reason", [
    # UponOneStep0's rcvd0(self) >= moreNplus3Tdiv2 written >= N - T; N = 4,
    # T = 1, F = 1, INVARIANT Lemma4_0, from Init (TLC: 3,292,345
    # generated, 377,613 distinct when it stopped, 2 min 39 s; its trace
    # starts in <<"V0", "V0", "V1">>, the Init the model is given, and is
    # the model's state for state): 1 decides 0 on its, 2's and the faulty
    # ECHO0, 2 calls the underlying consensus with 1 on 3's and the faulty
    # ECHO1
    ("one_step0_on_n_minus_t", "lemma4_0", "001",
     [(1, "UponV0", []), (2, "UponV0", []),
      (1, "UponOneStep0", ["<<1, ECHO0>>", "<<2, ECHO0>>", "<<f1, ECHO0>>"]),
      (3, "UponV1", []),
      (2, "UponUnderlying1", ["<<1, ECHO0>>", "<<3, ECHO1>>", "<<f1, ECHO1>>"])],
     ("D0", "U1", "S1"),
     [["<<1, ECHO0>>", "<<2, ECHO0>>", "<<f1, ECHO0>>"],
      ["<<1, ECHO0>>", "<<3, ECHO1>>", "<<f1, ECHO1>>"], []],
     ["<<1, ECHO0>>", "<<2, ECHO0>>", "<<3, ECHO1>>"],
     "process 1 is in D0 and process 2 in U1"),
    # UponOneStep1's rcvd1(self) >= moreNplus3Tdiv2 written >= N - T,
    # INVARIANT Lemma4_1 (TLC: 4,876,793 generated, 456,916 distinct, 4 min
    # 5 s; its trace from <<"V0", "V1", "V1">>, the model's)
    ("one_step1_on_n_minus_t", "lemma4_1", "011",
     [(1, "UponV0", []), (2, "UponV1", []),
      (1, "UponUnderlying0", ["<<1, ECHO0>>", "<<2, ECHO1>>", "<<f1, ECHO0>>"]),
      (3, "UponV1", []),
      (2, "UponOneStep1", ["<<2, ECHO1>>", "<<3, ECHO1>>", "<<f1, ECHO1>>"])],
     ("U0", "D1", "S1"),
     [["<<1, ECHO0>>", "<<2, ECHO1>>", "<<f1, ECHO0>>"],
      ["<<2, ECHO1>>", "<<3, ECHO1>>", "<<f1, ECHO1>>"], []],
     ["<<1, ECHO0>>", "<<2, ECHO1>>", "<<3, ECHO1>>"],
     "process 2 is in D1 and process 1 in U0"),
])
def test_deciding_on_n_minus_t_echoes_breaks_lemma4_in_tlc_s_trace(mutant, prop, proposals,
                                                                   steps, final_pc, rcvd, sent,
                                                                   reason):
    # Receive's r and Step's disjuncts come out in TLC's order and a state
    # records its processes' proposals (a process leaves V0 or V1 only by
    # echoing its own), so the runs from one initial state are TLC's, in
    # its order: from TLC's first state, the model's shortest is TLC's
    result = check(_model(4, 1, 1, mutant=mutant, proposals=proposals),
                   CheckConfig(properties=(prop,)))
    violation = result.violation(prop)
    assert _steps(violation) == steps
    assert _final(violation) == (final_pc, rcvd, sent)
    assert violation.reason == reason


def test_parameters_the_spec_does_not_assume_are_refused(tmp_path):
    # ASSUME (N > 3 * T) /\ (T >= F)
    spec = tmp_path / "spec.yaml"
    for params, message in (
            ("{N: 3, T: 1, F: 0}", "params.T: the spec assumes N > 3T; with N = 3, "
                                   "T must be at most 0"),
            ("{N: 4, T: 1, F: 2}", "params.F: the spec assumes T >= F; F must be at most 1"),
            ("{N: 4, T: 1, F: 1, proposals: '01'}",
             "params.proposals: give one digit per correct process: 3 digits, each 0 or 1")):
        spec.write_text(f"model: {(USER / 'bosco.py').as_posix()}:Bosco\nparams: {params}\n")
        result = CliRunner().invoke(cli, ["check", str(spec)])
        assert result.exit_code == 2
        assert result.output.strip() == f"error: {spec}:2: {message}"


def test_the_report_names_processes_by_their_ids_as_the_spec_does(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'bosco.py').as_posix()}:Bosco\n"
                    "mutant: echo_the_location\nparams: {N: 3, T: 0, F: 0}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    step = lines.index("1  Step(self=3, received={}, upon=UponV1)")
    assert lines[step - 7:step] == [
        "pc[1] = V0", "pc[2] = V0", "pc[3] = V1", "rcvd[1] = {}", "rcvd[2] = {}",
        "rcvd[3] = {}", "sent = {}"]
    assert lines[step + 1:step + 3] == ["pc[3]: V1 → S1", "sent: + Echo(p=3, m=V1)"]
