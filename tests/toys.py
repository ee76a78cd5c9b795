"""Small models whose reachable sets are known by hand, for engine tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from checker import Fails, Model, Param, ParamError, invariant, reachable, transition


class Fill(NamedTuple):
    jug: int


class Empty(NamedTuple):
    jug: int


class Pour(NamedTuple):
    source: int
    target: int


class DieHard(Model):
    """The water-jug puzzle: a 3- and a 5-gallon jug, measure 4 gallons.

    State: (small, big). 16 states are reachable (every pair with a jug empty
    or full); the shortest way to 4 gallons in the big jug takes 6 steps.
    """

    name = "die-hard"
    summary = "the water-jug puzzle (a toy for engine tests)"
    params = (Param("small", 3, "capacity of the small jug", minimum=1),
              Param("big", 5, "capacity of the big jug", minimum=1),
              Param("goal", 4, "gallons wanted in the big jug", minimum=0))
    mutants = {"overfill": "filling the big jug puts in one gallon too many → Within Capacity"}
    actions = (Fill, Empty, Pour)

    def setup(self) -> None:
        if self.goal > self.big:
            raise ParamError("params.goal", f"must be at most big ({self.big}); "
                             "lower the goal or raise big")
        self.capacity = (self.small, self.big)

    def initial_states(self):
        return [(0, 0)]

    def successors(self, state):
        for jug in (0, 1):
            amount = self.capacity[jug] + (jug == 1 and self.mutant == "overfill")
            yield Fill(jug), _set(state, jug, amount)
        for jug in (0, 1):
            yield Empty(jug), _set(state, jug, 0)
        for source, target in ((0, 1), (1, 0)):
            amount = max(0, min(state[source], self.capacity[target] - state[target]))
            poured = _set(_set(state, source, state[source] - amount),
                          target, state[target] + amount)
            yield Pour(source, target), poured
    @invariant("Goal Not Reached")
    def goal_not_reached(self, state):
        return state[1] != self.goal or Fails(f"the big jug holds {self.goal} gallons")

    @invariant("Within Capacity")
    def within_capacity(self, state):
        return all(0 <= state[j] <= self.capacity[j] for j in (0, 1))

    @reachable("Both Full")
    def both_full(self, state):
        return state == self.capacity

    @reachable("Overflow")
    def overflow(self, state):
        return state[1] > self.big


def _set(state, index, value):
    return tuple(value if i == index else item for i, item in enumerate(state))


class Step(NamedTuple):
    by: int


class Counter(Model):
    """A counter that may add 1 or 2, bounded by a state constraint.

    With ``within_bounds`` x ≤ limit the distinct states are 0..limit; every
    x reaches limit+1 and limit+2 as out-of-bounds successors, which are
    checked but not counted.
    """

    name = "counter"
    params = (Param("limit", 5, "largest value explored", minimum=0),
              Param("forbidden", -1, "a value the invariant rejects"))
    actions = (Step,)

    def initial_states(self):
        return [0]

    def successors(self, state):
        return [(Step(1), state + 1), (Step(2), state + 2)]

    def within_bounds(self, state):
        return state <= self.limit

    @invariant("Not Forbidden")
    def not_forbidden(self, state):
        return state != self.forbidden

    @transition("Grows")
    def grows(self, state, action, next_state):
        return next_state > state


class Tick(NamedTuple):
    pass


@dataclass(frozen=True)
class Box:
    items: list


class Unhashable(Model):
    name = "unhashable"
    actions = (Tick,)

    def initial_states(self):
        return [Box([])]

    def successors(self, state):
        return []


@dataclass(frozen=True)
class Cell:
    """Frozen, yet changed in place below: a model must not do this."""

    value: int


class Mutating(Model):
    name = "mutating"
    actions = (Tick,)

    def initial_states(self):
        return [Cell(0)]

    def successors(self, state):
        object.__setattr__(state, "value", state.value + 1)
        return [(Tick(), Cell(state.value))]


class Wobbly(Model):
    """Successor order changes between calls: replay must notice."""

    name = "wobbly"
    actions = (Step,)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = 0

    def initial_states(self):
        return [0]

    def successors(self, state):
        self.calls += 1
        steps = [(Step(1), state + 1), (Step(2), state + 2)]
        return steps if self.calls < 5 else steps[::-1]

    def within_bounds(self, state):
        return state <= 6

    @invariant("Below Five")
    def below_five(self, state):
        return state < 5


class Broken(Model):
    name = "broken"
    actions = (Tick,)

    def initial_states(self):
        return [0]

    def successors(self, state):
        return []

    @invariant("Raises")
    def raises(self, state):
        return 1 / state


class Increment(NamedTuple):
    process: int


class Tokens(Model):
    """`processes` counters, each raised one at a time up to `limit`.

    Interchangeable processes: the reachable states are all (limit+1)^n
    vectors; the orbits under renaming processes are the multisets,
    C(n + limit, limit) of them.
    """

    name = "tokens"
    params = (Param("processes", 3, "number of processes", minimum=1),
              Param("limit", 2, "largest counter value", minimum=0))
    actions = (Increment,)
    symmetry_sets = ("processes",)

    def initial_states(self):
        return [(0,) * self.processes]

    def successors(self, state):
        for p in range(self.processes):
            if state[p] < self.limit:
                yield Increment(p), state[:p] + (state[p] + 1,) + state[p + 1:]

    def symmetry_groups(self):
        return {"processes": [list(range(self.processes))]}

    def permute(self, state, perm):
        images = perm["processes"]
        renamed = [0] * len(state)
        for process, value in enumerate(state):
            renamed[images[process]] = value
        return tuple(renamed)

    def permute_action(self, action, perm):
        return Increment(perm["processes"][action.process])

    def signatures(self, state):
        return {"processes": state}

    @invariant("Not All At Limit")
    def not_all_at_limit(self, state):
        return min(state) < self.limit or Fails(f"all counters are {self.limit}")

    @reachable("One At Limit")
    def one_at_limit(self, state):
        return self.limit in state

    @invariant("First Below Limit")
    def first_below_limit(self, state):
        """Not symmetric: names process 0."""
        return state[0] < self.limit


class Reach(NamedTuple):
    which: int


class Lookalikes(Model):
    """From its initial state, steps to `first`, then to `second`: two
    distinct states that Python's `hash` cannot tell apart (hash(-1) ==
    hash(-2), hash(n) == hash(n + 2**61 - 1), and a tuple hashes from its
    items' hashes). `second` breaks the invariant. Three distinct states;
    the violation is one step long."""

    name = "lookalikes"
    actions = (Reach,)

    def __init__(self, first, second, **params):
        self.first, self.second = first, second
        super().__init__(**params)

    def initial_states(self):
        return [("start",)]

    def successors(self, state):
        if state == ("start",):
            return [(Reach(1), self.first), (Reach(2), self.second)]
        return []

    @invariant("Second Not Reached")
    def second_not_reached(self, state):
        return state != self.second or Fails(f"reached {self.second!r}")


class Advance(NamedTuple):
    to: int


class Ring(Model):
    """States 0 → 1 → 2 → 0. The step 2 → 0 is not a step up, which the
    transition property forbids: 3 distinct states, depth 2, and the
    violation is the third step. Under `limit` (a state constraint) states
    above it are checked but not explored."""

    name = "ring"
    params = (Param("size", 3, "number of states", minimum=2),)
    actions = (Advance,)

    def initial_states(self):
        return [0]

    def successors(self, state):
        return [(Advance((state + 1) % self.size), (state + 1) % self.size)]

    @transition("Steps Up")
    def steps_up(self, state, action, next_state):
        return next_state > state or Fails(f"{state} → {next_state} goes down")
