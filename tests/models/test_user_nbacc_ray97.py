"""A user's plain model of a published TLA+ spec it was not written
against: tests/models/user/nbacc_ray97.py, after nbacc_ray97.tla of the
TLA+ examples (tlaplus/Examples 32a32c7, specifications/nbacc_ray97:
Raynal's non-blocking atomic commitment with crashes), compared figure by
figure with TLC 2.15.

TLC ran the published module, one worker, ``-deadlock`` (Step's last
disjunct is enabled in every state), with nbacc_ray97.cfg (N = 2, INVARIANT
TypeOK, SPECIFICATION Spec) and N = 1, and with these definitions added:
``ValidityInv == (\\E i : pc[i] = "NO") => (\\A i : pc[i] # "COMMIT")``, a
state invariant whose breadth-first counterexample is a shortest one of
ValidityLtl where the NO voter has not moved yet; ``ValidityLtl ==
[]((\\E i : pc[i] = "NO") => [](\\A i : pc[i] # "COMMIT"))``, the model's;
and ``SpecNF == Init /\\ [][Next]_vars``. TLC cannot check a temporal
property under Spec: its fairness, ``WF_vars(\\E self : Receive(self) /\\
(UponYes(self) \\/ UponNo(self) \\/ UponSent(self)))``, leaves fd'
unassigned (UpdateFailureDetector is not in it), and TLC stops with "In
evaluation, the identifier fd is either undefined or not an operator"; so
ValidityLtl, a safety property, was checked under SpecNF. Each mutant is
the module with the one expression the mutant changes. TLC's depth is one
more than ours; its "states generated" are ours. N = 3 is out of reach
(TLC: 403,218 distinct states, 305,325 on its queue, at depth 6 after 4
minutes and a half).
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
SPEC = USER / "nbacc_ray97.yaml"


def _checked(n, properties, mutant=None, max_depth=None):
    model = load_spec(SPEC, REGISTRY).model_class(N=n, mutant=mutant)
    return check(model, CheckConfig(properties=properties, max_depth=max_depth))


def test_the_spec_file_is_nbacc_ray97_cfg():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("n, distinct, generated, depth", [
    # TLC 2.15, nbacc_ray97.cfg with N = 1 and as published (N = 2: the
    # manifest's figures), TypeOK; and ValidityInv, ValidityLtl under
    # SpecNF: no error, the same distinct and generated states, its depth
    # one more
    (1, 32, 180, 3),
    (2, 3_016, 49_592, 6),
])
def test_nbacc_has_tlc_s_counts(n, distinct, generated, depth):
    result = _checked(n, ("type_ok", "validity_ltl"))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


def test_validity_as_published_fails_at_the_first_commit():
    # INVARIANT Validity, N = 2: TLC 2.15, violated in state 4 (both vote
    # YES and send; 1 receives both and commits)
    violation = _checked(2, ("validity",)).violation("validity")
    assert [str(a) for a in violation.trace.actions] == [
        "UponYes(p=1, r=(), fd=False)",
        "UponYes(p=2, r=(), fd=False)",
        "UponSent(p=1, r=((1, 'YES'), (2, 'YES')), fd=False, why='yes')"]
    assert violation.trace.steps[0].state.pc == ("YES", "YES")
    assert violation.trace.final.pc == ("COMMIT", "SENT")
    assert violation.reason == "process 1 committed, and not every pc is YES"


def test_a_step_aborts_once_per_no_received_as_tlc_generates():
    # UponSent's \E msg \in rcvd[self] : msg[2] = "NO" is a successor per
    # NO received, the same state: TLC's 49,592 generated counts each
    model = load_spec(SPEC, REGISTRY).model_class(N=2)
    state = next(iter(model.initial_states()))._replace(
        pc=("SENT", "SENT"), sent=((1, "NO"), (2, "NO")),
        rcvd=(((1, "NO"), (2, "NO")), ()))
    aborts = [a for a, t in model.successors(state)
              if type(a).__name__ == "UponSent" and a.p == 1 and not a.fd]
    assert [a.why for a in aborts] == ["NO of 1", "NO of 2"]


# -- mutants: ValidityLtl broken by one handler, TLC's shortest trace as long ------------


def test_committing_on_one_yes_fewer_breaks_validity_ltl():
    # UponSent's {p : <<p, "YES">> received} = Proc made Cardinality(...)
    # >= N - 1. TLC 2.15, N = 2, INVARIANT ValidityInv: violated in state 3
    violation = _checked(2, ("validity_ltl",), "commit_on_fewer_yes",
                         max_depth=2).violation("validity_ltl")
    assert [str(a) for a in violation.trace.actions] == [
        "UponYes(p=1, r=(), fd=False)",
        "UponSent(p=1, r=((1, 'YES'),), fd=False, why='yes')"]
    final = violation.trace.final
    assert (final.pc, final.sent) == (("COMMIT", "NO"), ((1, "YES"),))
    assert violation.reason == ("a behaviour breaks ValidityLtl: the first part holds at step 0 "
                                "and the second fails at step 2 (process 1 committed)")


@pytest.mark.slow
def test_receiving_an_unsent_yes_breaks_validity_ltl():
    # Receive's r \subseteq sent made TRUE. TLC 2.15, N = 2, INVARIANT
    # ValidityInv: violated in state 3 (the whole graph: 92,416 states;
    # a violation within a depth bound is one)
    violation = _checked(2, ("validity_ltl",), "receive_unsent",
                         max_depth=2).violation("validity_ltl")
    assert [str(a) for a in violation.trace.actions] == [
        "UponYes(p=1, r=(), fd=False)",
        "UponSent(p=1, r=((1, 'YES'), (2, 'YES')), fd=False, why='yes')"]
    final = violation.trace.final
    assert (final.pc, final.rcvd[0], final.sent) == (
        ("COMMIT", "NO"), ((1, "YES"), (2, "YES")), ((1, "YES"),))


def test_a_no_voter_sending_yes_breaks_validity_ltl_not_the_state_invariant():
    # UponNo's <<self, "NO">> made <<self, "YES">>. TLC 2.15, N = 2:
    # ValidityInv holds (1,000 distinct, 15,080 generated: the NO voter's
    # pc is SENT before anyone commits); ValidityLtl under SpecNF is
    # violated (TLC's lasso: 5 steps, then stuttering; ours 3)
    result = _checked(2, ("validity_ltl",), "no_voter_sends_yes")
    assert (result.stats.distinct_states, result.stats.generated_states) == (1_000, 15_080)
    violation = result.violation("validity_ltl")
    assert [str(a) for a in violation.trace.actions] == [
        "UponYes(p=1, r=(), fd=False)",
        "UponNo(p=2, r=(), fd=False)",
        "UponSent(p=1, r=((1, 'YES'), (2, 'YES')), fd=False, why='yes')"]
    assert violation.trace.steps[0].state.pc == ("YES", "NO")
    assert violation.trace.final.pc == ("COMMIT", "SENT")
