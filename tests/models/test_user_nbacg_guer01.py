"""A user's kit model of a published spec it was not written against:
tests/models/user/nbacg_guer01.py, after nbacg_guer01.tla of the TLA+
examples (specifications/nbacg_guer01: Guerraoui's non-blocking atomic
commitment with failure detectors), compared figure by figure with TLC 2.15,
one worker, breadth-first, ``-deadlock``.

TLC ran nbacg_guer01.tla as published with nbacg_guer01.cfg (INVARIANT
TypeOK, PROPERTIES AgrrLtl AbortValidityLtl CommitValidityLtl TerminationLtl,
SPECIFICATION Spec) at N = 1, 2, 3 and 4, and these modules beside it:

- MCVotes, the history variable ``votes`` that ``keep_votes`` keeps:
  ``InitV == Init /\\ votes = pc``, ``NextV == Next /\\ UNCHANGED votes``,
  ``SpecV == InitV /\\ [][NextV]_<<vars, votes>>`` (``SpecF``: with Spec's
  fairness), with the invariants ``AbortValidityInv == (\\E i : votes[i] =
  "NO") => (\\A i : pc[i] # "COMMIT")``, ``CommitValidityInv`` likewise and
  ``AgrrInv``, AgrrLtl's state predicate, checked as invariants so that
  TLC's counterexamples are shortest (it also found the two Ltl properties
  true of SpecV);
- MCSym and MCVotesSym: ``Proc <- {p1, ..}`` model values under ``SYMMETRY
  Permutations(Proc)``;
- each mutant: nbacg_guer01.tla with the one conjunct the mutant changes.

TLC prints a depth one more than ours; it generates the steps that change
nothing (``UNCHANGED vars``), which the kit does not, so only distinct
states and depths are compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.spec_runs import written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "nbacg_guer01.yaml"
FAIRNESS = ('fairness: {weak: ["ReceiveYes | ReceiveNo | SendYes | SendNo | AbortNoYes | '
            'AbortSent | Commit"]}\n')


def _checked(tmp_path, lines: str, keep_going: bool = False):
    _, model, result = written_and_checked(tmp_path, "nbacg_guer01.py:Nbacg", lines,
                                           keep_going)
    return result, model


def _final(model, violation):
    """The final state's processes and globals."""
    state = violation.trace.final
    return model.records(state, type(model).roles[0]), model.globals_of(state)


def test_the_spec_file_is_the_published_cfg():
    # nbacg_guer01.cfg, N = 3: TLC 2.15, no error, 24,922 distinct states,
    # depth 16 (the manifest's figures)
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.expect.distinct_states == 24_922


@pytest.mark.parametrize("procs, distinct, depth", [
    # TLC 2.15, nbacg_guer01.cfg at N = 1, 2 and 3: no error, these
    # distinct states (its depth one more)
    (1, 20, 3),
    (2, 551, 8),
    (3, 24_922, 15),
    # N = 4: 1,887,015 distinct states, depth 25 (TLC: 3 min 48 s; ours 1 min)
    pytest.param(4, 1_887_015, 24, marks=pytest.mark.slow),
])
def test_nbacg_has_tlc_s_counts_and_verdicts(tmp_path, procs, distinct, depth):
    # deadlock checked: Next's UNCHANGED vars is a step in every state
    result, _ = _checked(tmp_path, f"params: {{procs: {procs}}}\n"
                         "properties: [type_ok, agreement, termination]\n" + FAIRNESS)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)


@pytest.mark.parametrize("procs, distinct, orbits, depth", [
    # TLC 2.15, MCVotes (TypeOK, AbortValidityInv, CommitValidityInv, and
    # AbortValidityLtl, CommitValidityLtl): no error; MCVotesSym: the orbits
    (1, 22, 22, 3),
    (2, 737, 384, 8),
    (3, 49_228, 8_888, 15),
])
def test_the_kept_votes_are_tlc_s_history_variable(tmp_path, procs, distinct, orbits, depth):
    for symmetry, expected in (("false", distinct), ("true", orbits)):
        result, _ = _checked(tmp_path, f"params: {{procs: {procs}, keep_votes: true}}\n"
                             f"symmetry: {symmetry}\n"
                             "properties: [type_ok, abort_validity, commit_validity]\n")
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth) == (expected, depth)


@pytest.mark.parametrize("procs, orbits", [(2, 297), (3, 4_918)])
def test_processes_are_interchangeable_as_in_tlc(tmp_path, procs, orbits):
    # TLC 2.15, MCSym: TypeOK under SYMMETRY Permutations(Proc), depth as before
    result, _ = _checked(tmp_path, f"params: {{procs: {procs}}}\nsymmetry: true\n"
                         "properties: [type_ok, agreement]\n")
    assert result.verdict == "holds"
    assert result.stats.distinct_states == orbits


def test_the_validities_without_kept_votes_are_refused(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'nbacg_guer01.py').as_posix()}:Nbacg\n"
                    "params: {procs: 2}\nproperties: [abort_validity]\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        f"error: {spec}:2: params.keep_votes: AbortValidity and CommitValidity read the "
        "initial votes, which only keep_votes: true keeps; set it")


# -- mutants: each property broken by one handler, TLC's counterexample as long -----------


def test_committing_on_fewer_yes_breaks_agreement_and_abort_validity(tmp_path):
    # TLC 2.15, Commit's nRcvdYes[i] >= N - 1: AgrrInv violated by a trace of
    # 7 states, AbortValidityInv by one of 6 (ours: 6 and 5 steps)
    result, model = _checked(tmp_path, "params: {procs: 3, keep_votes: true}\n"
                             "mutant: commit_on_fewer_yes\n"
                             "properties: [type_ok, agreement, abort_validity, "
                             "commit_validity]\n", keep_going=True)
    agreement = result.violation("agreement")
    assert [str(a) for a in agreement.trace.actions] == [
        "AbortNoYes(i=p1)", "Crash(i=p2)", "SendYes(i=p3)", "ReceiveYes(i=p3)",
        "ReceiveYes(i=p3)", "Commit(i=p3)"]
    assert agreement.reason == "p3 committed and p1 aborted"
    processes, sent = _final(model, agreement)
    assert [p.pc for p in processes] == ["ABORT", "BYZ", "COMMIT"]
    assert (sent.n_snt_yes, sent.n_snt_yes_f, sent.n_snt_no, sent.n_snt_no_f) == (1, 1, 0, 0)

    validity = result.violation("abort_validity")
    assert [str(a) for a in validity.trace.actions] == [
        "Crash(i=p2)", "SendYes(i=p3)", "ReceiveYes(i=p3)", "ReceiveYes(i=p3)",
        "Commit(i=p3)"]
    assert validity.reason == "p1 voted NO and p3 committed"
    processes, sent = _final(model, validity)
    assert [p.pc for p in processes] == ["NO", "BYZ", "COMMIT"]
    assert sent.votes == ("NO", "YES", "YES")
    assert result.violation("type_ok") is None and result.violation("commit_validity") is None


def test_receiving_an_unsent_yes_breaks_type_ok(tmp_path):
    # TLC 2.15, ReceiveYes's nRcvdYes[i] <= nSntYes + nSntYesF: TypeOK
    # violated by a trace of 3 states
    result, model = _checked(tmp_path, "params: {procs: 3}\nmutant: receive_unsent_yes\n"
                             "properties: [type_ok]\n")
    violation = result.violation("type_ok")
    assert [str(a) for a in violation.trace.actions] == ["SendNo(i=p1)", "ReceiveYes(i=p1)"]
    assert violation.reason == "p1 received 1 YES of 0 sent"
    processes, sent = _final(model, violation)
    assert (processes[0].pc, processes[0].n_rcvd_yes, sent.n_snt_no) == ("SENT", 1, 1)


def test_aborting_without_a_no_breaks_commit_validity(tmp_path):
    # TLC 2.15, AbortSent without nRcvdNo[i] > 0: CommitValidityInv violated
    # by a trace of 3 states (and AgrrInv by one of 9: ours 8 steps)
    result, model = _checked(tmp_path, "params: {procs: 3, keep_votes: true}\n"
                             "mutant: abort_without_no\n"
                             "properties: [agreement, commit_validity]\n", keep_going=True)
    violation = result.violation("commit_validity")
    assert [str(a) for a in violation.trace.actions] == ["SendYes(i=p1)", "AbortSent(i=p1)"]
    assert violation.reason == "every process voted YES, none suspected, and p1 aborted"
    processes, _ = _final(model, violation)
    assert [(p.pc, p.some_fail) for p in processes] == [
        ("ABORT", False), ("YES", False), ("YES", False)]
    assert len(result.violation("agreement").trace.actions) == 8


def test_waiting_for_one_yes_too_many_breaks_termination(tmp_path):
    # TLC 2.15, Commit's nRcvdYes[i] >= N + 1 under SpecF: TerminationLtl
    # violated by 13 states, then stuttering: every process sent YES and
    # received all three, and nothing but stuttering is enabled
    result, model = _checked(tmp_path, "params: {procs: 3}\nmutant: commit_on_more_yes\n"
                             "properties: [termination]\n" + FAIRNESS)
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (12, 0)
    processes, sent = _final(model, violation)
    assert [(p.pc, p.n_rcvd_yes, p.some_fail) for p in processes] == [("SENT", 3, False)] * 3
    assert sent.n_snt_yes == 3


def test_termination_needs_the_fairness(tmp_path):
    # Init /\ [][Next]_vars, N = 2: TLC 2.15 reports TerminationLtl violated
    # (7 steps, then stuttering); ours is the shortest, the run that never moves
    result, _ = _checked(tmp_path, "params: {procs: 2}\nproperties: [termination]\n")
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (0, 0)
