"""A user's plain model of the two-phase handshake,
tests/models/user/twopc_handshake.py, after TwoPhase.tla, MCTwoPhase.tla
and MCTwoPhase.cfg of the TLA+ examples (specifications/TwoPhase,
tlaplus/Examples 32a32c7), compared figure by figure with TLC 2.15 (one
worker, breadth-first, ``-deadlock``).

TwoPhase.tla EXTENDS TLAPS for its proof, which this repository's mirror
lacks: TLC ran it beside a TLAPS.tla defining only the two pragmas it uses
(``Z3 == TRUE``, ``PTL == TRUE``; TLC reads no proof). It ran MCTwoPhase.cfg
as published, and modules like MCTwoPhase.tla adding ``ASpec == A!Spec``
(checked as a PROPERTY) with MCTwoPhase's XAct or with ``XAct(i, xInit,
xNext) == xNext = i`` (the model's ``XAct: actor``), instancing TwoPhase.tla
or a mutant of it (the one conjunct changed). TLC prints a depth one more
than ours, and a trace of one state more than our steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.spec_runs import steps, written_and_checked

SPEC = Path(__file__).parent / "user" / "twopc_handshake.yaml"
MODEL = "twopc_handshake.py:TwoPhaseHandshake"


def test_the_spec_file_is_mctwophase_cfg():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "A!Spec (refines_alternate): holds" in result.output


@pytest.mark.parametrize("lines, distinct, generated, depth", [
    # TLC 2.15, INVARIANT Inv, PROPERTY A!Spec: no error, these distinct
    # states, generated and depth (its own)
    ("params: {XAct: unchanged}\n", 4, 5, 4),                      # MCTwoPhase.cfg
    ("params: {XAct: actor}\n", 5, 6, 5),
    # ProducerStep without p = c: with MCTwoPhase's XAct nothing tells the
    # Producer's extra step from the Consumer's, and TLC finds no error
    ("params: {XAct: unchanged}\nmutant: producer_ignores_turn\n", 4, 7, 4),
])
def test_the_handshake_has_tlc_s_counts(tmp_path, lines, distinct, generated, depth):
    _, _, result = written_and_checked(tmp_path, MODEL, lines)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth + 1) == (distinct, generated, depth)


def test_a_producer_ignoring_its_turn_breaks_the_refinement_as_in_tlc(tmp_path):
    # TLC 2.15, XAct: actor, ProducerStep without p = c: "Action property
    # ... of module Alternate is violated" in state 3, the Producer acting
    # twice (x 0 where A!Next, at vBar = 1, takes XAct(1, x, x'))
    _, _, result = written_and_checked(tmp_path, MODEL, "params: {XAct: actor}\n"
                                       "mutant: producer_ignores_turn\n")
    violation = result.violation("refines_alternate")
    assert steps(violation.trace).splitlines() == ["ProducerStep()", "ProducerStep()"]
    assert violation.reason == "x goes from 0 to 0, not XAct(1, x, x')"
    assert tuple(violation.trace.final) == (0, 0, 0)


@pytest.mark.parametrize("x_act, final", [("unchanged", (2, 1, 0)), ("actor", (2, 1, 0))])
def test_counting_without_mod_breaks_inv_as_in_tlc(tmp_path, x_act, final):
    # TLC 2.15, p' = p + 1: Inv violated in state 4, p = 2, c = 1, x = 0
    _, _, result = written_and_checked(tmp_path, MODEL, f"params: {{XAct: {x_act}}}\n"
                                       "mutant: no_mod\n")
    violation = result.violation("inv_p")
    assert steps(violation.trace).splitlines() == [
        "ProducerStep()", "ConsumerStep()", "ProducerStep()"]
    assert violation.reason == "p is 2"
    assert tuple(violation.trace.final) == final


def test_an_xact_that_is_neither_is_refused(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(SPEC.parent / 'twopc_handshake.py').as_posix()}:"
                    "TwoPhaseHandshake\nparams: {XAct: consumer}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == (f"error: {spec}:2: params.XAct: got 'consumer'; accepted: "
                             "unchanged, actor\n")
