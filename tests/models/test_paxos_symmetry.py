"""Symmetry reduction for the `paxos` model: exact orbit counts, the fast
canonical form equal to the reference, counterexamples that are real runs,
and acceptor groups no larger than the quorum rule allows.

Orbits are counted by brute force (tests/brute_force.py) without the engine's
order: the orbit of a state is the set of its images under the whole group.
"""

from __future__ import annotations

import pytest

from checker import CheckConfig, check
from checker.symmetry import Symmetry
from tests.brute_force import assert_real_run, orbit_count, orbit_counts_agree, whole_group
from tests.brute_force import reachable_states as reachable
from models.paxos import Msg1a, Msg1b, Msg2a, Msg2b, Paxos, Phase1a, Phase1b, Phase2a, Phase2b
from tests.models.paxos_hand import state

BOTH = ("acceptors", "values")
SETS = [("acceptors",), ("values",), BOTH]


@pytest.fixture(scope="module")
def tiny():
    """3 acceptors, 2 values, ballots {0, 1} (TLC's MCPaxosTiny) and its
    3,921 reachable states."""
    model = Paxos(acceptors=3, values=2, ballots=2)
    return model, reachable(model)


# -- the symmetric sets -------------------------------------------------------------


@pytest.mark.parametrize("params, mutant, acceptors", [
    (dict(acceptors=3), None, [[0, 1, 2]]),
    (dict(acceptors=5, quorum={"threshold": 4}), None, [[0, 1, 2, 3, 4]]),
    # any floor(N/2) acceptors: still a rule that treats all alike
    (dict(acceptors=4), "non_intersecting_quorums", [[0, 1, 2, 3]]),
    (dict(acceptors=3, quorum={"weights": [2, 1, 1]}), None, [[0], [1, 2]]),
    (dict(acceptors=4, quorum={"weights": [1, 2, 1, 2]}), None, [[0, 2], [1, 3]]),
    (dict(acceptors=3, quorum={"quorums": [[1, 2], [2, 3]]}), None, [[0, 2], [1]]),
    # A 2x2 grid's quorums are any 3 of 4. In a 2-row grid a quorum is a row
    # and any one node of the other row, so each row is interchangeable; in a
    # 3x3 grid no two nodes are.
    (dict(acceptors=4, quorum={"grid": [2, 2]}), None, [[0, 1, 2, 3]]),
    (dict(acceptors=6, quorum={"grid": [2, 3]}), None, [[0, 1, 2], [3, 4, 5]]),
    (dict(acceptors=9, quorum={"grid": [3, 3]}), None, [[a] for a in range(9)]),
    (dict(acceptors=4, quorum={"flexible": {"phase1": 3, "phase2": 2}}), None, [[0, 1, 2, 3]]),
    (dict(acceptors=4, quorum={"flexible": {"phase1": {"weights": [1, 1, 1, 2]},
                                            "phase2": 4}}), None, [[0, 1, 2], [3]]),
    (dict(acceptors=5, quorum={"joint": {"old": [1, 2, 3], "new": [3, 4, 5]}}), None,
     [[0, 1], [2], [3, 4]]),
])
def test_acceptors_are_interchangeable_as_far_as_the_quorum_rule_treats_them_alike(
        params, mutant, acceptors):
    model = Paxos(mutant=mutant, **params)
    assert model.symmetry_groups() == {"acceptors": acceptors, "values": [[0, 1]]}


def test_swapping_acceptors_a_weighted_rule_tells_apart_does_not_commute_with_steps():
    # Why the groups matter: with weights 2, 1, 1 acceptor 0 is a quorum with
    # either other one, but 1 and 2 are not; renaming 0 and 2 changes which
    # Phase2a steps are enabled.
    model = Paxos(acceptors=3, values=1, ballots=1, quorum={"weights": [2, 1, 1]})
    s = state((0, 0, -1), (-1, -1, -1), (None, None, None),
              Msg1a(0), Msg1b(0, 0, -1, None), Msg1b(1, 0, -1, None))
    swap = {"acceptors": (2, 1, 0)}
    assert [a for a, _ in model.successors(s)] == [Phase1b(2, 0), Phase2a(0, 0)]
    assert [a for a, _ in model.successors(model.permute(s, swap))] == [Phase1b(0, 0)]


# -- renaming ------------------------------------------------------------------------


def test_permute_renames_acceptors_and_values_everywhere():
    model = Paxos(acceptors=3, values=2, ballots=2)
    s = state((1, 0, -1), (1, -1, -1), (0, None, None),
              Msg1a(1), Msg1b(0, 1, -1, None), Msg1b(1, 0, -1, None), Msg1b(2, 1, 0, 1),
              Msg2a(1, 0), Msg2b(0, 1, 0))
    perm = {"acceptors": (2, 0, 1), "values": (1, 0)}
    assert model.permute(s, perm) == state(
        (0, -1, 1), (-1, -1, 1), (None, None, 1),
        Msg1a(1), Msg1b(2, 1, -1, None), Msg1b(0, 0, -1, None), Msg1b(1, 1, 0, 0),
        Msg2a(1, 1), Msg2b(2, 1, 1))
    assert model.permute(s, {"values": (0, 1)}) is s
    assert model.permute(s, {"acceptors": (0, 1, 2), "values": (0, 1)}) is s
    assert model.permute_action(Phase1a(1), perm) == Phase1a(1)
    assert model.permute_action(Phase1b(0, 1), perm) == Phase1b(2, 1)
    assert model.permute_action(Phase2a(1, 0), perm) == Phase2a(1, 1)
    assert model.permute_action(Phase2b(1, 0, 1), perm) == Phase2b(0, 0, 0)
    assert model.permute_action(Phase2b(1, 0, 1), {"values": (1, 0)}) == Phase2b(1, 0, 0)


def test_signatures_follow_renaming_on_every_reachable_state(tiny):
    model, states = tiny
    group = whole_group(model, BOTH)
    assert len(group) == 12
    assert len(whole_group(Paxos(acceptors=3, quorum={"weights": [2, 1, 1]}), BOTH)) == 4
    for s in states:
        before = model.signatures(s)
        for perm in group:
            after = model.signatures(model.permute(s, perm))
            for name in BOTH:
                for element, summary in enumerate(before[name]):
                    assert after[name][perm[name][element]] == summary


def test_renaming_commutes_with_steps_on_every_reachable_state():
    # The plans remembered while exploring the unrenamed states answer for
    # renamed states as a model that never saw them does.
    model = Paxos(acceptors=3, values=2, ballots=2, quorum={"weights": [2, 1, 1]})
    states = reachable(model)
    generators = Symmetry(model, BOTH).generators()
    assert generators == [{"acceptors": (0, 2, 1), "values": (0, 1)},
                          {"acceptors": (0, 1, 2), "values": (1, 0)}]
    fresh = Paxos(acceptors=3, values=2, ballots=2, quorum={"weights": [2, 1, 1]})
    for s in states:
        steps = model.successors(s)
        for perm in generators:
            image = model.permute(s, perm)
            renamed = {(model.permute_action(a, perm), model.permute(t, perm)) for a, t in steps}
            assert set(model.successors(image)) == renamed
            assert model.successors(image) == fresh.successors(image)


# -- exact orbit counts ------------------------------------------------------------------


def test_orbit_counts_three_acceptors_two_values_ballots_0_1(tiny):
    model, states = tiny
    counts = {}
    for names in [(), *SETS]:
        result = check(Paxos(acceptors=3, values=2, ballots=2), CheckConfig(symmetry=names))
        assert result.verdict == "holds"
        assert result.stats.depth == 16
        assert result.stats.symmetry == names
        counts[names] = result.stats.distinct_states
    assert counts == {(): 3921, ("acceptors",): 857, ("values",): 2001, BOTH: 443}
    assert len(states) == 3921
    for names in SETS:
        assert orbit_count(model, states, names) == counts[names]


@pytest.mark.parametrize("params, mutant, counts", [
    # (reachable states, orbits under acceptors, under values, under both)
    (dict(acceptors=2, values=2, ballots=3), None, (1501, 888, 813, 482)),
    pytest.param(dict(acceptors=4, values=3, ballots=1), None, (257, 45, 97, 19), marks=pytest.mark.slow),
    pytest.param(dict(acceptors=5, values=2, ballots=1), None, (1057, 63, 545, 35), marks=pytest.mark.slow),
    (dict(acceptors=3, values=2, ballots=2, quorum={"weights": [2, 1, 1]}), None,
     (2433, 1289, 1257, 671)),
    (dict(acceptors=4, values=2, ballots=1,
          quorum={"flexible": {"phase1": {"weights": [1, 1, 1, 2]}, "phase2": 4}}), None,
     (273, 89, 145, 49)),
    (dict(acceptors=3, values=3, ballots=2, quorum={"flexible": {"phase1": 3, "phase2": 1}}),
     None, (753, 257, 297, 101)),
    (dict(acceptors=2, values=2, ballots=2), "accept_below_promise", (851, 471, 438, 244)),
])
def test_reduced_count_is_the_number_of_orbits(params, mutant, counts):
    assert orbit_counts_agree(lambda: Paxos(mutant=mutant, **params), SETS) == counts


@pytest.mark.parametrize("names", [  # each set alone; both at once under -m slow
    SETS[0], SETS[1], pytest.param(BOTH, marks=pytest.mark.slow)])
def test_fast_canonical_form_equals_the_reference_on_every_reachable_state(tiny, names):
    model, states = tiny
    symmetry = Symmetry(model, names)
    for s in states:
        fast, to_fast = symmetry.canonical(s)
        assert fast == symmetry.reference(s)[0]
        assert model.permute(s, to_fast) == fast


def test_fast_canonical_form_equals_the_reference_for_a_weighted_rule():
    model = Paxos(acceptors=3, values=2, ballots=2, quorum={"weights": [2, 1, 1]})
    symmetry = Symmetry(model, BOTH)
    assert symmetry.order == 4
    for s in reachable(model):
        assert symmetry.canonical(s)[0] == symmetry.reference(s)[0]


# -- counterexamples are real runs ------------------------------------------------------


@pytest.mark.parametrize("mutant, length", [
    ("no_adopt", 12), ("accept_below_promise", 12), ("non_intersecting_quorums", 8)])
def test_mutant_counterexamples_with_symmetry_are_real_runs_as_short_as_without(mutant, length):
    params = dict(acceptors=3, values=2, ballots=2)
    plain = check(Paxos(mutant=mutant, **params), CheckConfig(properties=("agreement",)))
    assert len(plain.violation("agreement").trace) == length
    for names in SETS:
        model = Paxos(mutant=mutant, **params)
        result = check(model, CheckConfig(properties=("agreement",), symmetry=names))
        finding = result.violation("agreement")
        assert len(finding.trace) == length
        assert_real_run(Paxos(mutant=mutant, **params), finding.trace)
        # the reason names the acceptors and values of the real run
        assert finding.reason == model.agreement(finding.trace.final).reason
        assert len(model.chosen(finding.trace.final)) == 2


def test_witnesses_with_symmetry_are_real_runs(tiny):
    model, _ = tiny
    result = check(Paxos(acceptors=3, values=2, ballots=2), CheckConfig(symmetry=BOTH))
    assert {w.property.name for w in result.witnesses} == {
        "value_chosen", "adopts_earlier_vote", "stale_1a_ignored"}
    for witness in result.witnesses:
        assert_real_run(model, witness.trace)
        assert getattr(model, witness.property.name)(witness.trace.final)


def test_the_non_intersecting_mutant_counterexample_with_symmetry():
    # Quorums of one acceptor: acceptor 2 chooses 0 in ballot 0, acceptor 0
    # chooses 1 in ballot 1. (Without symmetry the run differs in who sends
    # which message, not in length.)
    result = check(Paxos(acceptors=3, values=2, ballots=2, mutant="non_intersecting_quorums"),
                   CheckConfig(properties=("agreement",), symmetry=BOTH))
    finding = result.violation("agreement")
    assert result.stats.distinct_states == 313
    assert "\n".join(map(str, finding.trace.actions)) == "\n".join([
        "Phase1a(b=0)",
        "Phase1a(b=1)",
        "Phase1b(a=0, b=0)",
        "Phase1b(a=1, b=1)",
        "Phase2a(b=0, v=0)",
        "Phase2b(a=2, b=0, v=0)",
        "Phase2a(b=1, v=1)",
        "Phase2b(a=0, b=1, v=1)",
    ])
    assert finding.trace.final == state(
        (1, 1, 0), (1, -1, 0), (1, None, 0),
        Msg1a(0), Msg1a(1), Msg1b(0, 0, -1, None), Msg1b(1, 1, -1, None),
        Msg2a(0, 0), Msg2a(1, 1), Msg2b(2, 0, 0), Msg2b(0, 1, 1))
    assert finding.reason == ("value 0 is chosen in ballot 0 by acceptors 2; "
                              "value 1 is chosen in ballot 1 by acceptors 0")
