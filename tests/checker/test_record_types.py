"""States equal as tuples that hold records of other types (`checker.record_types`):
Python compares ``A(0)`` and ``B(0)`` as equal tuples, so would the visited
set, and one state would be taken for the other, silently."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import CheckConfig, Model, ModelDefinitionError, check, reachable


class A(NamedTuple):
    x: int


class B(NamedTuple):
    x: int


class Go(NamedTuple):
    to: str


class Twins(Model):
    """From 0, a step to (1, A(0)) and one to (1, B(0)); only B goes on to 2."""

    name = "twins"
    actions = (Go,)

    def initial_states(self):
        return [(0, None)]

    def successors(self, state):
        if state[0] == 0:
            yield Go("a"), (1, A(0))
            yield Go("b"), (1, B(0))
        elif state[0] == 1 and type(state[1]) is B:
            yield Go("on"), (2, B(0))

    @reachable("Two")
    def two(self, state):
        return state[0] == 2


@pytest.mark.parametrize("exact", [False, True])
def test_equal_states_holding_records_of_two_types_are_refused(exact):
    # before: 2 states, and "Two" never reached
    with pytest.raises(ModelDefinitionError) as error:
        check(Twins(), CheckConfig(exact=exact))
    assert str(error.value) == (
        "model 'twins': states holding B(x=0) and A(x=0) are equal, as Python compares "
        "records (named tuples) of two types with equal fields, so the checker would take "
        "one state for the other; give the types fields that tell them apart (a kind "
        "field, as TLA+ records carry type) or hold them in places of their own")


class Flip(NamedTuple):
    i: int


class Tag(NamedTuple):
    kind: str


class Wide(Model):
    """14 bits set one by one; with 8 set, a record A(0) or B(0) is added:
    3,003 pairs of twins, met only past the first levels (and, with two
    workers, in the partitions)."""

    name = "wide"
    actions = (Flip, Tag)

    def initial_states(self):
        return [((0,) * 14, None)]

    def successors(self, state):
        bits, record = state
        for i in range(14):
            if not bits[i]:
                yield Flip(i), (bits[:i] + (1,) + bits[i + 1:], record)
        if record is None and sum(bits) == 8:
            yield Tag("a"), (bits, A(0))
            yield Tag("b"), (bits, B(0))


@pytest.mark.parametrize("workers", [1, 2])
def test_twins_met_deep_in_a_run_are_found_by_the_sample(workers):
    with pytest.raises(ModelDefinitionError) as error:
        check(Wide(), CheckConfig(workers=workers))
    assert str(error.value).startswith("model 'wide': states holding B(x=0) and A(x=0) are "
                                       "equal")


class Kinded(Model):
    """Records of two types with equal fields, told apart by where they are:
    in places of their own, or beside a kind."""

    name = "kinded"

    def initial_states(self):
        return [(A(0), B(0), frozenset())]

    def successors(self, state):
        a, b, sent = state
        if not sent:
            yield Go("a"), (a, b, frozenset({("a", A(0))}))
            yield Go("b"), (a, b, frozenset({("b", B(0))}))


def test_records_of_two_types_told_apart_by_their_places_are_not_refused():
    assert check(Kinded()).stats.distinct_states == 3
