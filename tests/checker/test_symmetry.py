"""Symmetry reduction: exact orbit counts, fast = reference canonical form,
counterexamples that are real runs, and refusal of unsound symmetry."""

from __future__ import annotations

from math import comb

import pytest

from checker import CheckConfig, CheckerError, ModelDefinitionError, check
from checker.symmetry import Symmetry, compose, inverse
from tests.brute_force import assert_real_run, orbit_count, reachable_states
from tests.toys import Increment, Tokens


@pytest.mark.parametrize("processes, limit", [(3, 2), (4, 1), (4, 3), (2, 5)])
def test_orbit_count_is_exact(processes, limit):
    model = Tokens(processes=processes, limit=limit)
    full = check(model, CheckConfig(properties=("one_at_limit",)))
    reduced = check(model, CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))
    assert full.stats.distinct_states == (limit + 1) ** processes
    assert reduced.stats.distinct_states == comb(processes + limit, limit)
    assert reduced.stats.distinct_states == orbit_count(model, reachable_states(model), ["processes"])
    assert reduced.stats.depth == full.stats.depth == processes * limit
    assert reduced.stats.symmetry == ("processes",)


def test_fast_canonical_form_equals_reference_on_every_state():
    model = Tokens(processes=4, limit=2)
    symmetry = Symmetry(model, ["processes"])
    assert symmetry.order == 24
    for state in reachable_states(model):
        fast, fast_perm = symmetry.canonical(state)
        slow, _ = symmetry.reference(state)
        assert fast == slow
        assert model.permute(state, fast_perm) == fast


def test_counterexample_with_symmetry_is_a_real_run():
    model = Tokens(processes=3, limit=2)
    result = check(model, CheckConfig(properties=("not_all_at_limit",),
                                      symmetry=("processes",)))
    trace = result.violation("not_all_at_limit").trace
    assert len(trace) == 6
    assert trace.final == (2, 2, 2)
    assert_real_run(model, trace)


def test_witness_with_symmetry_is_a_real_run():
    model = Tokens(processes=3, limit=2)
    result = check(model, CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))
    trace = result.witness("one_at_limit").trace
    assert trace.actions == (Increment(0), Increment(0))
    assert trace.final == (2, 0, 0)


def test_unsound_symmetry_is_refused_naming_the_property():
    with pytest.raises(CheckerError, match="symmetry over processes is unsound for model "
                                           "'tokens': property 'first_below_limit'"):
        check(Tokens(), CheckConfig(properties=("first_below_limit",),
                                    symmetry=("processes",)))


def test_a_permute_that_does_not_commute_is_a_definition_error():
    class Wrong(Tokens):
        def permute(self, state, perm):
            return state  # ignores the renaming

    with pytest.raises(ModelDefinitionError, match="does not commute with successors"):
        check(Wrong(), CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))


def test_compose_and_inverse():
    p = {"s": (1, 2, 0)}
    assert compose(p, inverse(p)) == {"s": (0, 1, 2)}
    assert compose({"s": (0, 2, 1)}, p) == {"s": (2, 1, 0)}
