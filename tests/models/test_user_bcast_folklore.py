"""A user's plain model of a published TLA+ spec it was not written
against: tests/models/user/bcast_folklore.py, after bcastFolklore.tla of
the TLA+ examples (tlaplus/Examples 32a32c7, specifications/bcastFolklore:
reliable broadcast by message diffusion with crashes), compared figure by
figure with TLC 2.15.

TLC ran the published module, one worker, ``-deadlock`` (Next's
Receive-only disjunct is enabled in every state, so nothing deadlocks)::

    java -XX:+UseParallelGC -cp tla2tools.jar tlc2.TLC -workers 1 -deadlock \\
        -config MC.cfg bcastFolklore

with MC.cfg the published bcastFolklore.cfg (INVARIANTS TypeOK, PROPERTIES
UnforgLtl CorrLtl RelayLtl ReliableChan, SPECIFICATION Spec) with the
constants below; ``SpecNF == Init /\\ [][Next]_vars`` added for the runs
without fairness, each property alone (TLC stops at the first it finds
violated); SpecNoBcast with INVARIANT Unforg for the breadth-first
counterexample of the first mutant; and, for each mutant, the module with
the one conjunct the mutant changes. TLC's depth is one more than ours; its
"states generated" are ours, initial states and stuttering steps included.
TLC's lassos come from its liveness check, not its breadth-first search,
and are not the shortest: each test gives TLC's length beside ours.
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
SPEC = USER / "bcast_folklore.yaml"
LIVENESS = ("unforg_ltl", "corr_ltl", "relay_ltl", "reliable_chan")
SPEC_FAIRNESS = (("weak", "Receive | UponV1 | UponAccept"),)   # Spec's WF_vars(...)


def _model(n, t, f, no_bcast=False, mutant=None):
    return load_spec(SPEC, REGISTRY).model_class(N=n, T=t, F=f, no_bcast=no_bcast,
                                                 mutant=mutant)


def _checked(n, t, f, properties, fair=True, mutant=None, no_bcast=False):
    return check(_model(n, t, f, no_bcast, mutant),
                 CheckConfig(properties=properties, fairness=SPEC_FAIRNESS if fair else ()))


def test_the_spec_file_is_bcast_folklore_cfg_on_three_processes():
    # bcastFolklore.cfg's invariant and four properties under Spec, N = 3,
    # T = F = 1: TLC 2.15, no error, 36,224 generated, 3,700 distinct,
    # depth 7 (12 s). The cfg's N = 4 is the slow test below
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.fairness == SPEC_FAIRNESS
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("n, t, f, distinct, generated, depth", [
    # TLC 2.15, bcastFolklore.cfg with these constants: no error, the same
    # distinct and generated states, its depth one more
    (1, 0, 0, 4, 8, 2),
    (2, 0, 0, 36, 164, 4),
    (3, 1, 0, 1_000, 9_788, 6),
    (3, 1, 1, 3_700, 36_224, 6),
])
def test_bcast_folklore_has_tlc_s_counts_and_verdicts(n, t, f, distinct, generated, depth):
    result = _checked(n, t, f, ("type_ok",) + LIVENESS)
    assert result.verdict == "holds"
    assert [o.outcome for o in result.outcomes()] == ["holds"] * 5
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


@pytest.mark.slow
def test_the_cfg_as_published():
    # bcastFolklore.cfg (N = 4, T = 1, F = 1): TLC 2.15, INVARIANT TypeOK
    # alone, 9,718,336 generated, 501,552 distinct, depth 9 (48 s); with the
    # four properties under Spec, no error, the same figures, in 56 min 35 s
    # on the shared machine (the manifest: 30 minutes). Ours with the four:
    # 3 min
    result = _checked(4, 1, 1, ("type_ok",) + LIVENESS)
    assert result.verdict == "holds"
    assert [o.outcome for o in result.outcomes()] == ["holds"] * 5
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (501_552, 9_718_336, 8)


@pytest.mark.parametrize("n, t, f, verdicts, reliable_chan_steps", [
    # TLC 2.15, SpecNF, each property alone: UnforgLtl holds; CorrLtl is
    # violated (TLC: the initial state, stuttering; on N = 3 one step, then
    # stuttering); RelayLtl holds on one process and is violated on more
    # (TLC: 3 steps on N = 2, 4 on N = 3); ReliableChan is violated (TLC:
    # 1, 3 and 5 steps)
    (1, 0, 0, ("holds", "violated", "holds", "violated"), 1),
    (2, 0, 0, ("holds", "violated", "violated", "violated"), 2),
    (3, 1, 1, ("holds", "violated", "violated", "violated"), 3),
])
def test_without_fairness_the_ltl_properties_fail_as_in_tlc(n, t, f, verdicts,
                                                            reliable_chan_steps):
    result = _checked(n, t, f, LIVENESS, fair=False)
    assert tuple(o.outcome for o in result.outcomes()) == verdicts
    # ours are the shortest: CorrLtl stutters in the initial state where
    # every process is in V1
    corr = result.violation("corr_ltl")
    assert (corr.stem_length, corr.loop_length) == (0, 0)
    assert corr.trace.final.pc == ("V1",) * n
    # ReliableChan: every process sends its ECHO, the last receiving none
    chan = result.violation("reliable_chan")
    assert (chan.stem_length, chan.loop_length) == (reliable_chan_steps, 0)
    assert chan.trace.final.sent == tuple(range(1, n + 1))
    assert chan.trace.final.rcvd[-1] == ()


def test_reliable_chan_asks_nothing_until_every_process_sent():
    # N = 2 without fairness: process 2 accepts and sends, 1 never receives
    # it; the \E sndr of ReliableChan is met by process 1, which did not
    # send, so the shortest violation has both send (TLC's has 3 steps)
    result = _checked(2, 0, 0, ("reliable_chan",), fair=False)
    violation = result.violation("reliable_chan")
    assert [str(a) for a in violation.trace.actions] == [
        "UponV1(p=2, msgs=())", "UponAccept(p=1, msgs=(2,))"]
    assert violation.trace.final.rcvd == ((2,), ())


def test_reliable_chan_needs_the_receive_only_steps_in_the_fair_family():
    # WF_vars(\E self \in Corr : Receive(self) /\ (UponV1(self) \/
    # UponAccept(self))), the spec's fairness less UNCHANGED: a process that
    # accepted need never receive again. TLC 2.15 (Spec2, each property
    # alone): ReliableChan violated (N = 2: 2 steps, then stuttering, as
    # ours; N = 3: 4 steps, ours 3), RelayLtl and CorrLtl hold
    for n, t, f, accepts in ((2, 0, 0, ["UponV1(p=2, msgs=())", "UponAccept(p=1, msgs=(2,))"]),
                             (3, 1, 1, ["UponV1(p=3, msgs=())", "UponAccept(p=1, msgs=(3,))",
                                        "UponAccept(p=2, msgs=(1,))"])):
        result = check(_model(n, t, f), CheckConfig(
            properties=("reliable_chan", "relay_ltl", "corr_ltl"),
            fairness=(("weak", "UponV1 | UponAccept"),)))
        assert [o.outcome for o in result.outcomes()] == ["violated", "holds", "holds"]
        violation = result.violation("reliable_chan")
        assert [str(a) for a in violation.trace.actions] == accepts
        assert violation.loop_length == 0
        assert violation.trace.final.pc == ("AC",) * n


def test_unforg_fails_from_init_and_holds_from_init_no_bcast():
    # Unforg is SpecNoBcast's: TLC 2.15, N = 4, T = F = 1, SpecNoBcast,
    # INVARIANT Unforg: no error, 5 distinct states (at most one crash, no
    # sends). From Init a V1 process accepts at once
    result = _checked(4, 1, 1, ("unforg",), fair=False, no_bcast=True)
    assert (result.verdict, result.stats.distinct_states) == ("holds", 5)
    violation = _checked(1, 0, 0, ("unforg",), fair=False).violation("unforg")
    assert [str(a) for a in violation.trace.actions] == ["UponV1(p=1, msgs=())"]
    assert violation.reason == "correct process 1 accepted"


@pytest.mark.parametrize("params, message", [
    ("{N: 2, T: 1, F: 0}", "params.T: the spec assumes N > 2T; with N = 2, T must be at most 0"),
    ("{N: 3, T: 1, F: 2}", "params.F: the spec assumes T >= F; F must be at most 1"),
])
def test_bounds_that_break_the_spec_s_assumption_are_refused(tmp_path, params, message):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'bcast_folklore.py').as_posix()}:BcastFolklore\n"
                    f"params: {params}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == f"error: {spec}:2: {message}\n"


# -- mutants: TLC 2.15 on the spec with the same change ---------------------------------


def test_accepting_on_no_echo_breaks_unforg_as_tlc_finds():
    # UponAccept's rcvd'[self] # {} made TRUE. SpecNoBcast, INVARIANT
    # Unforg, N = 4, T = F = 1: TLC's trace is one step (2 states)
    violation = _checked(4, 1, 1, ("unforg",), fair=False, no_bcast=True,
                         mutant="accept_without_echo").violation("unforg")
    assert [str(a) for a in violation.trace.actions] == ["UponAccept(p=1, msgs=())"]
    final = violation.trace.final
    assert (final.pc, final.rcvd, final.sent) == (("AC", "V0", "V0", "V0"), ((),) * 4, (1,))
    # Spec, PROPERTY UnforgLtl, N = 3: TLC, violated (36,800 generated,
    # 3,700 distinct; its lasso 5 steps, then stuttering); ours is that step
    result = _checked(3, 1, 1, LIVENESS, mutant="accept_without_echo")
    assert [o.outcome for o in result.outcomes()] == ["violated", "holds", "holds", "holds"]
    assert (result.stats.distinct_states, result.stats.generated_states) == (3_700, 36_800)
    violation = result.violation("unforg_ltl")
    assert (violation.stem_length, violation.loop_length) == (1, 0)
    assert violation.reason == ("a behaviour breaks UnforgLtl: the first part holds at step 0 "
                                "and the second fails at step 1 (correct process 1 accepted)")


def test_a_silent_broadcaster_breaks_relay_ltl_as_tlc_finds():
    # UponV1's sent' = sent \cup {<<self, "ECHO">>} made sent' = sent.
    # Spec, N = 3, T = F = 1, each property alone: TLC, RelayLtl violated
    # (its lasso: two steps, then stuttering), the others hold (269
    # generated, 54 distinct); ours is the first of TLC's steps
    result = _checked(3, 1, 1, LIVENESS, mutant="silent_broadcaster")
    assert [o.outcome for o in result.outcomes()] == ["holds", "holds", "violated", "holds"]
    assert (result.stats.distinct_states, result.stats.generated_states) == (54, 269)
    violation = result.violation("relay_ltl")
    assert [str(a) for a in violation.trace.actions] == ["UponV1(p=3, msgs=())"]
    assert (violation.stem_length, violation.loop_length) == (1, 0)
    final = violation.trace.final
    assert (final.pc, final.sent) == (("V0", "V0", "AC"), ())


def test_crashing_beyond_f_breaks_corr_ltl_as_tlc_finds():
    # UponCrash's nCrashed < F made TRUE. Spec, N = 3, T = F = 1, each
    # property alone: TLC, CorrLtl violated (its lasso: the three crash,
    # then stuttering, as ours), the others hold (67,079 generated, 6,859
    # distinct)
    result = _checked(3, 1, 1, LIVENESS, mutant="crash_beyond_f")
    assert [o.outcome for o in result.outcomes()] == ["holds", "violated", "holds", "holds"]
    assert (result.stats.distinct_states, result.stats.generated_states) == (6_859, 67_079)
    violation = result.violation("corr_ltl")
    assert [str(a) for a in violation.trace.actions] == [
        "UponCrash(p=1, msgs=())", "UponCrash(p=2, msgs=())", "UponCrash(p=3, msgs=())"]
    assert (violation.stem_length, violation.loop_length) == (3, 0)
    final = violation.trace.final
    assert (final.corr, final.n_crashed, final.pc) == ((), 3, ("CR", "CR", "CR"))
