"""A user's kit model of a published spec it was not written against:
tests/models/user/aba_asyn_byz.py, after aba_asyn_byz.tla of the TLA+
examples (specifications/aba-asyn-byz: Bracha and Toueg's asynchronous
Byzantine agreement, Tran, Konnov and Widder), compared figure by figure
with TLC 2.15, one worker, breadth-first.

TLC ran aba_asyn_byz.tla as published with aba_asyn_byz.cfg's INVARIANT
TypeOK and PROPERTIES Unforg_Ltl Corr_Ltl Agreement_Ltl under Spec's
fairness, deadlock checked, for the N, T and F each test names. Each
mutant is aba_asyn_byz.tla with the one expression the mutant changes.
Unforg_Ltl's counterexample from TLC's liveness checker is a lasso of 15
states, not a shortest one; its shortest, 8 states, is TLC's breadth-first
counterexample to the invariant ``\\A i \\in Proc : pc[i] # "AC"`` from
Init with every pc V0 (the spec's own Init0, ``pc \\in [i \\in Proc |->
"V0"]``, is a function where a set is meant, and TLC refuses it). TLC
prints a depth one more than ours, and a trace of one state more than our
steps; it generates the steps that change nothing, which the kit does not,
so generated states are not compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.spec_runs import steps, written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "aba_asyn_byz.yaml"
EVERY = "properties: [type_ok, unforg_ltl, corr_ltl, agreement_ltl]\n"
FAIRNESS = ('fairness: {weak: ["ReceiveEcho(from_byz=False) | ReceiveReady(from_byz=False) '
            '| SendEcho | SendReady | Decide"]}\n')


def _checked(tmp_path, lines: str, keep_going: bool = False):
    _, model, result = written_and_checked(tmp_path, "aba_asyn_byz.py:AbaAsynByz", lines,
                                           keep_going)
    return result, model


def _params(n: int, t: int = 0, f: int = 0) -> str:
    return f"params: {{N: {n}, T: {t}, F: {f}}}\n"


def _final(model, violation):
    state = violation.trace.final
    return ([(p.pc, p.n_rcvd_e, p.n_rcvd_r) for p in model.records(state, type(model).roles[0])],
            model.globals_of(state))


def test_the_spec_file_is_the_cfg_on_two_processes():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("n, t, f, distinct, depth", [
    # TLC 2.15, TypeOK and the three properties under Spec's fairness: no
    # error and these distinct states (its depth one more)
    (1, 0, 0, 7, 5),
    (2, 0, 0, 170, 14),
    # TLC: 14 s; ours 6 s
    pytest.param(3, 0, 0, 33_656, 27, marks=pytest.mark.slow),
    # TLC (TypeOK alone, on a loaded machine): 8 min; ours, with the
    # properties: 82 s
    pytest.param(4, 1, 0, 991_481, 44, marks=pytest.mark.slow),
])
def test_aba_has_tlc_s_counts_and_verdicts(tmp_path, n, t, f, distinct, depth):
    result, _ = _checked(tmp_path, _params(n, t, f) + EVERY + FAIRNESS)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)


@pytest.mark.slow
def test_the_cfg_has_tlc_s_count(tmp_path):
    # aba_asyn_byz.cfg, N = 4, T = F = 1: TLC 2.15, no error, 5,843,977
    # distinct states, depth 45, with TypeOK alone (4 min) and with the
    # cfg's three properties under Spec's fairness (22 min). Ours: 2 min,
    # 2 GiB, TypeOK alone; 13 min with the properties, which hold
    result, _ = _checked(tmp_path, _params(4, 1, 1) + "properties: [type_ok]\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (5_843_977, 44)


@pytest.mark.parametrize("n, orbits, depth", [
    # TLC 2.15, TypeOK, Proc overridden by model values p1 .. pN (TLC takes
    # no symmetry of the integers 1..N) and SYMMETRY Permutations(Proc): no
    # error and these distinct states
    (2, 90, 14),
    pytest.param(3, 6_034, 27, marks=pytest.mark.slow),
])
def test_processes_are_interchangeable_as_in_tlc(tmp_path, n, orbits, depth):
    result, _ = _checked(tmp_path, _params(n) + "properties: [type_ok]\nsymmetry: true\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (orbits, depth)


def test_correctness_needs_the_fairness(tmp_path):
    # Init /\ [][Next]_vars: from every process at V1, the run that never moves
    result, _ = _checked(tmp_path, _params(2) + "properties: [corr_ltl]\n")
    violation = result.violation("corr_ltl")
    assert (violation.stem_length, violation.loop_length) == (0, 0)


@pytest.mark.parametrize("params, message", [
    ("{N: 3, T: 1}", "params.T: the spec assumes N > 3T; got T = 1 with N = 3"),
    ("{N: 4, T: 1, F: 2}", "params.F: the spec assumes T >= F; got F = 2 with T = 1"),
])
def test_bounds_that_break_the_spec_s_assumption_are_refused(tmp_path, params, message):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'aba_asyn_byz.py').as_posix()}:AbaAsynByz\n"
                    f"params: {params}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == f"error: {spec}:2: {message}\n"


# -- mutants: each property broken by one handler, TLC's counterexample as long -----------


@pytest.mark.parametrize("n", [2, pytest.param(3, marks=pytest.mark.slow)])
def test_echoing_without_a_quorum_breaks_unforgeability(tmp_path, n):
    # TLC 2.15, N = 2 and N = 3, SendEcho's V0 disjunct without its
    # guards: pc # "AC" violated in state 8 from every pc V0, final pc
    # <<"AC", "EC">> (.., "V0")
    result, model = _checked(tmp_path, _params(n) + "mutant: echo_without_quorum\n"
                             "properties: [unforg_ltl]\n" + FAIRNESS)
    violation = result.violation("unforg_ltl")
    assert steps(violation.trace).splitlines() == [
        "SendEcho(i=p1)",
        "ReceiveEcho(i=p1, from_byz=False)",
        "SendEcho(i=p2)",
        "ReceiveEcho(i=p1, from_byz=False)",
        "SendReady(i=p1)",
        "ReceiveReady(i=p1, from_byz=False)",
        "Decide(i=p1)"]
    processes, sent = _final(model, violation)
    assert processes == [("AC", 2, 1), ("EC", 0, 0), ("V0", 0, 0)][:n]
    assert (sent.n_snt_e, sent.n_snt_r) == (2, 1)


def test_turning_byzantine_beyond_f_breaks_type_ok(tmp_path):
    # TLC 2.15, N = 2, F = 0, BecomeByzantine without nByz < F: TypeOK
    # violated in state 2
    result, model = _checked(tmp_path, _params(2) + "mutant: byzantine_beyond_f\n"
                             "properties: [type_ok]\n")
    violation = result.violation("type_ok")
    assert steps(violation.trace) == "BecomeByzantine(i=p1)"
    assert violation.reason == "1 Byzantine processes, more than F = 0"
    assert _final(model, violation)[0] == [("BYZ", 0, 0), ("V0", 0, 0)]


def test_silent_ones_break_correctness(tmp_path):
    # TLC 2.15, SendEcho's pc[i] = "V1" made FALSE: Corr_Ltl violated from
    # the initial state, then stuttering (N = 2); with N = 3 nothing moves,
    # 8 distinct states, and the other properties hold
    result, model = _checked(tmp_path, _params(2) + "mutant: v1_silent\n"
                             "properties: [corr_ltl]\n" + FAIRNESS)
    violation = result.violation("corr_ltl")
    assert (violation.stem_length, violation.loop_length) == (0, 0)
    assert _final(model, violation)[0] == [("V1", 0, 0), ("V1", 0, 0)]
    result, _ = _checked(tmp_path, _params(3) + "mutant: v1_silent\n"
                         "properties: [type_ok, unforg_ltl, agreement_ltl]\n" + FAIRNESS)
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == ("holds", 8, 0)
