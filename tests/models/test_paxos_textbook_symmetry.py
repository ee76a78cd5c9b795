"""Symmetry reduction for the `paxos-textbook` model: which sets are
symmetric, exact orbit counts (acceptors, learners, both), the fast canonical
form equal to the reference with two learners and under a weighted rule, and
counterexamples that are real runs as short as without symmetry. Renaming is
the kit's, derived from the records' id fields; that it commutes with steps
and that canonical forms are least images is the conformance suite's
(tests/models/test_conformance.py) for every model.

Orbits are counted by brute force: the full reachable set by a plain
breadth-first search (the model bounds the bag by a guard, not by
`within_bounds`, so every reachable state is expanded, as the engine does),
each state mapped to its least image under the group.
"""

from __future__ import annotations

import pytest

from checker import CheckConfig, check
from checker.symmetry import Symmetry
from tests.brute_force import assert_real_run, orbit_count, orbit_counts_agree
from tests.brute_force import reachable_states as reachable
from models.paxos_textbook import NackMsg, PaxosTextbook, Prepare, PromiseMsg, ReceivePrepare

BOTH = ("acceptors", "learners")
SETS = [("acceptors",), ("learners",), BOTH]
NO_FAULTS = dict(drop=0, duplicate=0, crash=0)
# The bounds of the mutant specs in specs/.
MUTANT_PARAMS = dict(proposers=2, acceptors=3, learners=1, rounds=1, max_msgs=10, **NO_FAULTS)


@pytest.fixture(scope="module")
def two_learners():
    """3 acceptors, 2 learners, 4 messages in flight, one duplicate: 7,102 states."""
    model = PaxosTextbook(acceptors=3, learners=2, max_msgs=4, drop=0, duplicate=1, crash=0)
    return model, reachable(model)


# -- the symmetric sets ----------------------------------------------------------------


def test_acceptors_and_learners_are_symmetric_proposers_and_values_are_not():
    assert PaxosTextbook.symmetry_sets == ("acceptors", "learners")
    assert PaxosTextbook(acceptors=4, learners=3, max_msgs=4).symmetry_groups() == {
        "acceptors": [[0, 1, 2, 3]], "learners": [[0, 1, 2]]}
    # quorums of any 1 of 3 still treat every acceptor alike
    assert PaxosTextbook(mutant="non_intersecting_quorums").symmetry_groups() == {
        "acceptors": [[0, 1, 2]], "learners": [[0]]}


@pytest.mark.parametrize("acceptors, quorum, groups", [
    (3, {"weights": [2, 1, 1]}, [[0], [1, 2]]),
    (4, {"weights": [1, 2, 1, 2]}, [[0, 2], [1, 3]]),
    (4, {"flexible": {"phase1": 3, "phase2": 2}}, [[0, 1, 2, 3]]),
    (4, {"flexible": {"phase1": {"weights": [1, 1, 1, 2]}, "phase2": 4}}, [[0, 1, 2], [3]]),
])
def test_acceptors_are_interchangeable_as_far_as_the_quorum_rule_treats_them_alike(
        acceptors, quorum, groups):
    model = PaxosTextbook(acceptors=acceptors, max_msgs=4, quorum=quorum)
    assert model.symmetry_groups() == {"acceptors": groups, "learners": [[0]]}


def test_swapping_acceptors_a_weighted_rule_tells_apart_does_not_commute_with_steps():
    # With weights 2, 1, 1 acceptor 0 makes a quorum with either other one,
    # but 1 and 2 do not make one: renaming 0 and 1 changes what is enabled.
    model = PaxosTextbook(acceptors=3, learners=2, max_msgs=4, quorum={"weights": [2, 1, 1]},
                          **NO_FAULTS)
    swap = {"acceptors": (1, 0, 2), "learners": (0, 1)}
    differ = [s for s in reachable(model) if set(model.successors(model.permute(s, swap))) != {
        (model.permute_action(a, swap), model.permute(t, swap)) for a, t in model.successors(s)}]
    assert len(differ) == 441


def test_proposers_are_not_interchangeable():
    # Both proposers have sent PREPARE to acceptor 0 (numbers 0 and 1). Taken
    # in one order both are promised; in the other the lower one is NACKed.
    # Swapping the proposers' names would swap which order does what.
    model = PaxosTextbook(acceptors=1, max_msgs=4, **NO_FAULTS)
    (s,) = model.initial_states()
    for p in (0, 1):
        s = dict(model.successors(s))[Prepare(p, p)]

    def replies(first: int, second: int) -> list[str]:
        t = dict(model.successors(s))[ReceivePrepare(0, first, first, 0)]
        t = dict(model.successors(t))[ReceivePrepare(0, second, second, 0)]
        return sorted(type(m).__name__ for kind in (NackMsg, PromiseMsg)
                      for m in model.sent(t, kind))

    assert replies(0, 1) == ["PromiseMsg", "PromiseMsg"]
    assert replies(1, 0) == ["NackMsg", "PromiseMsg"]


# -- exact orbit counts ------------------------------------------------------------------


@pytest.mark.slow  # (4 s; the other orbit counts run by default)
def test_orbit_counts_three_acceptors_two_learners(two_learners):
    model, states = two_learners
    counts = {}
    for names in [(), *SETS]:
        result = check(PaxosTextbook(acceptors=3, learners=2, max_msgs=4, drop=0,
                                     duplicate=1, crash=0), CheckConfig(symmetry=names))
        assert result.verdict == "holds"
        assert result.stats.depth == 35
        assert result.stats.symmetry == names
        counts[names] = result.stats.distinct_states
    assert counts == {(): 7102, ("acceptors",): 1496, ("learners",): 4902, BOTH: 1069}
    assert len(states) == 7102
    for names in SETS:
        assert orbit_count(model, states, names) == counts[names]


@pytest.mark.parametrize("params, mutant, counts", [
    # (reachable states, orbits under acceptors, under learners, under both)
    (dict(acceptors=2, learners=3, max_msgs=3, drop=1, duplicate=0, crash=0), None,
     (757, 384, 657, 334)),
    (dict(acceptors=4, learners=1, max_msgs=4, drop=0, duplicate=0, crash=1), None,
     (290, 50, 290, 50)),
    # two rounds each: NACKs and retries
    pytest.param(dict(acceptors=2, learners=2, rounds=2, max_msgs=3, **NO_FAULTS), None,
                 (3694, 1871, 2934, 1491), marks=pytest.mark.slow),
    (dict(acceptors=3, learners=2, max_msgs=4, **NO_FAULTS), "accept_below_promise",
     (1054, 261, 751, 195)),
    pytest.param(dict(acceptors=2, learners=2, max_msgs=3, drop=0, duplicate=0, crash=1),
                 "forgetful_acceptor", (2176, 1114, 1728, 890), marks=pytest.mark.slow),
    # acceptors 1 and 2 interchangeable, 0 not
    (dict(acceptors=3, learners=2, max_msgs=4, quorum={"weights": [2, 1, 1]}, **NO_FAULTS),
     None, (1873, 1087, 1347, 802)),
])
def test_reduced_count_is_the_number_of_orbits(params, mutant, counts):
    assert orbit_counts_agree(lambda: PaxosTextbook(mutant=mutant, **params), SETS) == counts


@pytest.mark.parametrize("names", [  # each set alone; both at once under -m slow
    SETS[0], SETS[1], pytest.param(BOTH, marks=pytest.mark.slow)])
def test_fast_canonical_form_equals_the_reference_on_every_reachable_state(
        two_learners, names):
    model, states = two_learners
    symmetry = Symmetry(model, names)
    for s in states:
        fast, to_fast = symmetry.canonical(s)
        assert fast == symmetry.reference(s)[0]
        assert model.permute(s, to_fast) == fast


def test_fast_canonical_form_equals_the_reference_for_a_weighted_rule():
    model = PaxosTextbook(acceptors=3, learners=2, max_msgs=4, quorum={"weights": [2, 1, 1]},
                          **NO_FAULTS)
    symmetry = Symmetry(model, BOTH)
    assert symmetry.order == 4
    for s in reachable(model):
        assert symmetry.canonical(s)[0] == symmetry.reference(s)[0]


# -- counterexamples and witnesses are real runs ------------------------------------------


@pytest.mark.parametrize("mutant, params, prop, length", [
    ("no_adopt", MUTANT_PARAMS, "agreement", 14),
    pytest.param("accept_below_promise", MUTANT_PARAMS, "agreement", 14,
                 marks=pytest.mark.slow),
    ("non_intersecting_quorums", MUTANT_PARAMS, "agreement", 8),
    pytest.param("forgetful_acceptor", dict(MUTANT_PARAMS, max_msgs=5, crash=1), "agreement", 19,
                 marks=pytest.mark.slow),
    ("duplicate_ballots", MUTANT_PARAMS, "agreement", 14),
    # two learners learn different values
    pytest.param("no_adopt", dict(MUTANT_PARAMS, learners=2, max_msgs=5), "learners_agree", 25,
                 marks=pytest.mark.slow),
])
def test_mutant_counterexamples_with_symmetry_are_real_runs_as_short_as_without(
        mutant, params, prop, length):
    plain = check(PaxosTextbook(mutant=mutant, **params), CheckConfig(properties=(prop,)))
    assert len(plain.violation(prop).trace) == length
    # with one learner, renaming learners is the identity: both sets at once suffice
    for names in SETS if params["learners"] > 1 else [BOTH]:
        model = PaxosTextbook(mutant=mutant, **params)
        result = check(model, CheckConfig(properties=(prop,), symmetry=names))
        finding = result.violation(prop)
        assert len(finding.trace) == length
        assert_real_run(PaxosTextbook(mutant=mutant, **params), finding.trace)
        # the reason names the acceptors and learners of the real run
        assert finding.reason == getattr(model, prop)(finding.trace.final).reason


def test_witnesses_with_symmetry_are_real_runs(two_learners):
    model, _ = two_learners
    result = check(PaxosTextbook(acceptors=3, learners=2, max_msgs=4, drop=0, duplicate=1,
                                 crash=0), CheckConfig(symmetry=BOTH))
    assert {w.property.name for w in result.witnesses} == {
        "value_chosen", "adopts_value", "acceptor_nacks"}
    for witness in result.witnesses:
        assert_real_run(model, witness.trace)
        assert getattr(model, witness.property.name)(witness.trace.final)
