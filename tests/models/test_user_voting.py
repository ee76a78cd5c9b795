"""Lamport's Voting algorithm (Voting.tla of tlaplus/Examples,
PaxosHowToWinATuringAward) as a user's plain `checker.Model`,
tests/models/user/voting.py, against what TLC 2.15 reported on it.

TLC ran with one worker on Voting.tla without its proofs, ``Ballot <-
0..B-1``, ``Quorum`` the majorities of ``Acceptor`` (model values a1, a2,
...), ``Value`` model values v1, v2, ..., ``INVARIANT Inv C!Inv`` and
``PROPERTY C!Spec``, and with ``SYMMETRY Permutations(Acceptor) \\cup
Permutations(Value)`` for the orbits. Its depth is one more than these. A
mutant is made in the TLA+ text as the model makes it: the quorum
assumption dropped and ``Quorum == SUBSET Acceptor \\ {{}}``, or VoteFor's
``\\E Q \\in Quorum : ShowsSafeAt(Q, b, v)`` conjunct dropped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import CheckConfig, SpecError, check
from checker.spec import load_spec
from models import REGISTRY
from tests.brute_force import orbit_counts_agree
from tests.models.user.voting import Voting
from tests.spec_runs import written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "voting.yaml"
BOTH = ("acceptors", "values")


def _checked(tmp_path, lines: str):
    return written_and_checked(tmp_path, "voting.py:Voting", lines)[2]


@pytest.mark.parametrize("acceptors, values, ballots, states, generated, depth, orbits, "
                         "orbits_generated", [
                             (2, 2, 2, 57, 91, 8, 20, 40),
                             (2, 2, 3, 262, 469, 12, 77, 157),
                             pytest.param(3, 1, 3, 2_670, 11_209, 15, 541, 2_226,
                                          marks=pytest.mark.slow),
                             (3, 2, 2, 599, 2_080, 10, 77, 280),
                             (3, 3, 2, 975, 3_340, 10, 77, 311),
                             pytest.param(4, 2, 2, 3_009, 12_397, 14, 149, 630,
                                          marks=pytest.mark.slow),
                         ])
def test_voting_has_tlc_s_counts(tmp_path, acceptors, values, ballots, states, generated,
                                 depth, orbits, orbits_generated):
    # TLC counts a VoteFor step once per witness of the \E in its guard
    # \E Q \in Quorum : ShowsSafeAt(Q, b, v) (an \E in an action is a choice
    # to it): 99 generated on 2x2x2. With the guard evaluated as one boolean,
    # (\E Q \in Quorum : ShowsSafeAt(Q, b, v)) = TRUE, and the same
    # distinct states, it generated these, one per step as the model has.
    # (3, 2, 4) agrees too, but takes 20 s: 66,657 states, 288,217 generated,
    # depth 20; 6,106 orbits, 26,313 generated.
    params = f"params: {{acceptors: {acceptors}, values: {values}, ballots: {ballots}}}\n"
    for symmetry, expected in ((False, (states, generated)), (True, (orbits, orbits_generated))):
        result = _checked(tmp_path, f"{params}symmetry: {str(symmetry).lower()}\n")
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.generated_states,
                result.stats.depth) == (*expected, depth)


@pytest.mark.parametrize("params, counts", [
    # (reachable states, orbits under renaming acceptors, values, both)
    (dict(acceptors=2, values=2, ballots=2), (57, 34, 33, 20)),
    (dict(acceptors=3, values=2, ballots=2), (599, 144, 313, 77)),
])
def test_the_users_renaming_gives_the_brute_force_orbits(params, counts):
    assert orbit_counts_agree(lambda: Voting(**params),
                              [("acceptors",), ("values",), BOTH]) == counts


def test_the_spec_file_is_the_toolbox_s_small_model():
    # Voting.toolbox/SmallModel (3 acceptors, 2 values, Ballot 0..2, the
    # three 2-sets as Quorum): TLC 2.15 reports 6,752 distinct states, depth
    # 16, as tlaplus/Examples' manifest does for MCVoting; 41,017 generated
    # counting each guard's witnesses, 26,905 with the guard one boolean.
    # The orbits under both symmetries: 686 (TLC: 686, 2,749 generated).
    loaded = load_spec(SPEC, REGISTRY)
    result = check(loaded.build(), loaded.config())
    assert loaded.expect.mismatches(result) == []
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (6_752, 26_905, 15)
    assert result.violation("deadlock") is None
    reduced = check(loaded.build(), loaded.with_symmetry(True).config())
    assert (reduced.verdict, reduced.stats.distinct_states, reduced.stats.generated_states,
            reduced.stats.depth) == ("holds", 686, 2_749, 15)


def test_a_value_is_chosen_first_in_tlc_s_shortest_run():
    # TLC 2.15, INVARIANT chosen = {}: violated by these four steps
    result = check(Voting(), CheckConfig(properties=("value_chosen",)))
    trace = result.witness("value_chosen").trace
    assert [str(a) for a in trace.actions] == [
        "IncreaseMaxBal(a=0, b=0)", "IncreaseMaxBal(a=1, b=0)", "VoteFor(a=0, b=0, v=0)",
        "VoteFor(a=1, b=0, v=0)"]


ANY_QUORUM = ["IncreaseMaxBal(a=0, b=1)", "VoteFor(a=1, b=0, v=0)", "VoteFor(a=0, b=1, v=1)"]
NO_SHOWS_SAFE = ["VoteFor(a=0, b=0, v=0)", "VoteFor(a=1, b=0, v=0)", "VoteFor(a=0, b=1, v=1)",
                 "VoteFor(a=1, b=1, v=1)"]


@pytest.mark.parametrize("mutant, property, actions, votes, reason", [
    # TLC 2.15 (3 acceptors, 2 values, Ballot 0..2), INVARIANT C!Inv and
    # PROPERTY C!Spec one at a time: the same behaviour for both
    ("any_quorum", "consensus", ANY_QUORUM, ({(1, 1)}, {(0, 0)}, set()),
     "values [0, 1] are both chosen"),
    ("any_quorum", "implements_consensus", ANY_QUORUM, ({(1, 1)}, {(0, 0)}, set()),
     "chosen goes from [0] to [0, 1]"),
    ("no_shows_safe", "consensus", NO_SHOWS_SAFE, ({(0, 0), (1, 1)},) * 2 + (set(),),
     "values [0, 1] are both chosen"),
    pytest.param("no_shows_safe", "implements_consensus", NO_SHOWS_SAFE,
                 ({(0, 0), (1, 1)},) * 2 + (set(),), "chosen goes from [0] to [0, 1]",
                 marks=pytest.mark.slow),
    # INVARIANT VotesSafe: one vote in ballot 1 that no quorum showed safe
    ("no_shows_safe", "votes_safe", ["VoteFor(a=0, b=1, v=0)"], ({(1, 0)}, set(), set()),
     "a0 voted for v0 in ballot 1, where v0 is not safe"),
])
def test_voting_s_mutants_give_tlc_s_counterexample(mutant, property, actions, votes, reason):
    result = check(Voting(mutant=mutant), CheckConfig(properties=(property,)))
    violation = result.violation(property)
    assert [str(a) for a in violation.trace.actions] == actions
    assert violation.trace.final.votes == votes
    assert violation.reason == reason
    # with SYMMETRY, TLC's counterexample is as long (its states are others)
    reduced = check(Voting(mutant=mutant), CheckConfig(properties=(property,), symmetry=BOTH))
    assert len(reduced.violation(property).trace.actions) == len(actions)


@pytest.mark.parametrize("mutant, properties, states, generated, depth", [
    # TLC 2.15: with quorums that need not intersect, VotesSafe and
    # OneValuePerBallot still hold (SafeAt reads the same quorums): 13,130
    # states, depth 13 (68,023 generated with the guard one boolean); without
    # ShowsSafeAt, OneValuePerBallot holds: 18,016 states, 107,287
    # generated (no \E left in the guard), depth 10
    pytest.param("any_quorum", ("votes_safe", "one_value_per_ballot"), 13_130, 68_023, 12,
                 marks=pytest.mark.slow),
    ("no_shows_safe", ("one_value_per_ballot",), 18_016, 107_287, 9),
])
def test_what_a_mutant_leaves_holding_is_what_tlc_says(mutant, properties, states, generated,
                                                        depth):
    result = check(Voting(mutant=mutant), CheckConfig(properties=properties))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (states, generated, depth)


class Unbounded(Voting):
    """Voting that names no bound: a state with no step is a deadlock."""

    name = "voting-unbounded"

    def bound_reason(self, s):
        return None


@pytest.mark.parametrize("params, actions", [
    # TLC 2.15 without -deadlock: "Deadlock reached" after these steps,
    # every acceptor at the last ballot, having voted for v1 there
    (dict(acceptors=2, values=2, ballots=2),
     ["IncreaseMaxBal(a=0, b=1)", "IncreaseMaxBal(a=1, b=1)", "VoteFor(a=0, b=1, v=0)",
      "VoteFor(a=1, b=1, v=0)"]),
    (dict(acceptors=3, values=2, ballots=3),
     ["IncreaseMaxBal(a=0, b=2)", "IncreaseMaxBal(a=1, b=2)", "VoteFor(a=0, b=2, v=0)",
      "VoteFor(a=1, b=2, v=0)", "VoteFor(a=2, b=2, v=0)"]),
])
def test_tlc_s_deadlock_is_the_ballot_bound(params, actions):
    # TLC knows Ballot only as the overridden 0..B-1 and calls the end a
    # deadlock; the model says the bound ran out, so the checker reports a
    # bound stop on the same shortest run, and a deadlock where it names none.
    bounded = check(Voting(**params), CheckConfig(properties=("consensus",), deadlock=True))
    assert bounded.verdict == "holds" and bounded.violation("deadlock") is None
    assert [str(a) for a in bounded.bound_stop.trace.actions] == actions
    unbounded = check(Unbounded(**params), CheckConfig(properties=("consensus",), deadlock=True))
    assert [str(a) for a in unbounded.violation("deadlock").trace.actions] == actions


def test_quorums_that_need_not_intersect_are_refused_unless_a_violation_is_expected(tmp_path):
    # as TLC refuses the model while the spec's ASSUME stands
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'voting.py').as_posix()}:Voting\nmutant: any_quorum\n")
    with pytest.raises(SpecError) as error:
        load_spec(spec, REGISTRY).build()
    assert str(error.value) == (f"{spec}:2: mutant: quorums [0] and [1] share no acceptor, "
                                "which Voting.tla assumes away; expect a violation")
    result = _checked(tmp_path, "mutant: any_quorum\nexpect: {verdict: violated, "
                                "property: consensus, trace_length: 3}\n")
    assert result.violation("consensus") is not None
