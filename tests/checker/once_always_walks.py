"""Small walks on fixed graphs for `[](P => []Q)` (`once_always`): a state
is a letter, a step `Go(to)` follows an edge, and the property reads which
letters P holds in and which Q fails in (tests/checker/test_once_always.py).
"""

from __future__ import annotations

import random
from typing import NamedTuple

from checker import Model, Param
from checker.properties import eventually, once_always


class Go(NamedTuple):
    to: str


class Walk(Model):
    """A walk from `a` along `EDGES`; a letter without edges ends the run.
    `once_always` holds unless some path passes a letter of `P` and then
    (or there) one of `NOT_Q`."""

    name = "walk"
    params = ()
    actions = (Go,)
    EDGES: dict[str, str] = {}
    P, NOT_Q = "", ""

    def initial_states(self):
        return ["a"]

    def successors(self, state):
        return [(Go(to), to) for to in self.EDGES.get(state, "")]

    @once_always("Once P always Q")
    def once_p_always_q(self, state):
        return state in self.P, state not in self.NOT_Q


class Holds(Walk):
    """a -> b -> c -> b ...: once at b, never back at a."""

    name = "walk-holds"
    EDGES = {"a": "b", "b": "c", "c": "b"}
    P, NOT_Q = "b", "a"


class FailsAtP(Walk):
    """a -> b -> c: Q fails at c, where P first holds."""

    name = "walk-fails-at-p"
    EDGES = {"a": "b", "b": "c", "c": "c"}
    P, NOT_Q = "c", "c"


class FailsLater(Walk):
    """P holds at b; Q fails at x, which the walk reaches from a in 4 steps
    through b (a b c d x) or 6 (a b e f g d x), and in 3 without P (a h d
    x, where d is first reached without P); and at y, reached without P
    only (a h y)."""

    name = "walk-fails-later"
    EDGES = {"a": "bh", "b": "ce", "c": "d", "e": "f", "f": "g", "g": "d", "d": "x",
             "h": "dy", "x": "a"}
    P, NOT_Q = "b", "xy"


class Line(Walk):
    """a -> b -> c -> d -> e -> f -> f ...: P holds at b, Q fails at e, 4
    steps from a; the state constraint keeps the letters up to `last`."""

    name = "walk-line"
    params = (Param("last", "f", "the last letter within the bounds"),)
    EDGES = {"a": "b", "b": "c", "c": "d", "d": "e", "e": "f", "f": "f"}
    P, NOT_Q = "b", "e"

    def within_bounds(self, state):
        return state <= self.last


class EachProcess(FailsLater):
    """FailsLater's walk, the property of each of two processes: p1's P at
    b and Q failing at x (4 steps: a b c d x), p2's P at h and Q failing at
    y (2 steps: a h y)."""

    name = "walk-each-process"

    @once_always("Once P always Q", each="process")
    def once_p_always_q(self, state):
        return {"p1": (state == "b", state != "x"), "p2": (state == "h", state != "y")}


class Witnessed(FailsLater):
    """FailsLater's walk with the property claimed as its negation: some
    behaviour passes b and then x."""

    name = "walk-witnessed"

    @once_always("Once P always Q", witness=True)
    def once_p_always_q(self, state):
        return state == "b", state != "x"


class WitnessedNowhere(Holds):
    """Holds's walk with the property claimed as its negation, which no
    behaviour has."""

    name = "walk-witnessed-nowhere"

    @once_always("Once P always Q", witness=True)
    def once_p_always_q(self, state):
        return state == "b", state != "a"


class LongTail(Walk):
    """a -> b -> c, then 30 letters on: P holds at b and Q fails at c."""

    name = "walk-long-tail"
    TAIL = [f"t{k}" for k in range(30)]
    EDGES = {"a": ["b"], "b": ["c"], "c": TAIL[:1],
             **{one: [after] for one, after in zip(TAIL, TAIL[1:])}}
    P, NOT_Q = ["b"], ["c"]


class LongTailEventually(LongTail):
    """LongTail's walk with a property of another kind, which needs the
    whole graph."""

    @eventually("Reaches The End")
    def reaches_the_end(self, state):
        return state == "t29"


def random_walk(seed: int) -> Walk:
    """A walk on up to 8 letters drawn by `seed`: its edges, P's letters and
    Q's failing ones, a state constraint leaving some letters out, and the
    property plain, of each of two processes, or claimed as a witness."""
    chance = random.Random(seed)
    letters = "abcdefgh"[:chance.randint(3, 8)]

    def some(most: int) -> str:
        return "".join(chance.sample(letters, chance.randint(0, most)))

    fields = dict(name=f"walk-{seed}", EDGES={letter: some(3) for letter in letters},
                  P=some(3), NOT_Q=some(3))
    outside = some(2).replace("a", "") if chance.random() < 0.3 else ""
    if outside:
        fields["within_bounds"] = lambda self, state: state not in outside
    kind = chance.choice(["plain", "each", "witness"])
    if kind != "plain":
        other_p, other_not_q = some(3), some(3)

        @once_always("Once P always Q", each="process" if kind == "each" else None,
                     witness=kind == "witness")
        def once_p_always_q(self, state):
            if kind == "witness":
                return state in self.P, state not in self.NOT_Q
            return {"p1": (state in self.P, state not in self.NOT_Q),
                    "p2": (state in other_p, state not in other_not_q)}

        fields["once_p_always_q"] = once_p_always_q
    return type(f"Walk{seed}", (Walk,), fields)()
