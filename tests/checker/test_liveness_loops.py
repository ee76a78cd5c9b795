"""The loop of a liveness counterexample: of the lassos with the shortest
stem, the one with the shortest fair loop through the stem's end
(docs/liveness.md, "Which lasso"), on toys where the loop built family by
family in bit order (the rule before 2026-12-06) was longer."""

from __future__ import annotations

from typing import NamedTuple

import pytest

import checker
import checker.lassos
from checker import Model, eventually
from checker.result import CheckConfig
from tests.checker.lasso_fairness import unfair_to
from tests.spec_runs import checked_spec


class A(NamedTuple):
    to: int


class B(NamedTuple):
    to: int


class C(NamedTuple):
    to: int


class Links(Model):
    """A graph from state 0: `links` gives each state's steps in order, as
    (action, next state); Done is never reached, so every fair behaviour
    breaks it."""

    name = "links"
    actions = (A, B, C)

    def __init__(self, links: dict[int, list[tuple[type, int]]]):
        self.links = links
        super().__init__()

    def initial_states(self):
        return [0]

    def successors(self, state):
        return [(action(to), to) for action, to in self.links[state]]

    @eventually("Done")
    def done(self, state):
        return False


def _lasso(links, *fairness):
    model = Links(links)
    finding = checker.check(model, CheckConfig(properties=("done",), fairness=fairness)
                            ).violation("done")
    assert unfair_to(model, fairness, finding) == []
    actions = [str(action) for action in finding.trace.actions]
    return actions[:finding.loop_start], actions[finding.loop_start:], finding.reason


def test_the_loop_takes_two_families_in_the_order_that_closes_it_first():
    # A and B are enabled everywhere, so the loop from 0 takes both. A's bit
    # comes first (0's first step), and the loop built bit by bit went A to
    # 2, B to 3 and back by A: 3 steps. B first closes in 2.
    links = {0: [(A, 2), (B, 1)], 1: [(A, 0), (B, 3)], 2: [(A, 3), (B, 3)],
             3: [(A, 0), (B, 2)]}
    assert _lasso(links, ("weak", "A"), ("weak", "B")) == (
        [], ["B(to=1)", "A(to=0)"], "a fair behaviour never reaches Done")


def test_the_loop_passes_a_state_that_disables_a_weak_family_instead_of_taking_it():
    # 1 enables A only: passing it keeps weak fairness to B, never taken.
    # (Bit by bit, B first: B to 2, A to 3, A back to 0.)
    links = {0: [(B, 2), (A, 1)], 1: [(A, 0)], 2: [(B, 3), (A, 3)], 3: [(A, 0), (B, 0)]}
    assert _lasso(links, ("weak", "A"), ("weak", "B")) == (
        [], ["A(to=1)", "A(to=0)"], "a fair behaviour never reaches Done")


def test_the_loop_avoids_the_states_that_enable_a_strong_family_instead_of_taking_it():
    # C is enabled only at 2: a loop that never passes 2 owes it nothing.
    # (Bit by bit: A to 1, then C by 1, 0, 2, then back: 5 steps.)
    links = {0: [(A, 1), (B, 2)], 1: [(A, 0)], 2: [(C, 3), (B, 0)], 3: [(A, 0)]}
    assert _lasso(links, ("weak", "A"), ("strong", "C")) == (
        [], ["A(to=1)", "A(to=0)"], "a fair behaviour never reaches Done")
    # weakly fair, C is not owed where a state of the loop disables it either
    assert _lasso(links, ("weak", "A"), ("weak", "C"))[1] == ["A(to=1)", "A(to=0)"]
    # ... but a loop that must pass 2 takes C: without 1, B to 2 and back is
    # one step shorter and not fair
    links[0] = [(B, 2)]
    del links[1]
    assert _lasso(links, ("weak", "B"), ("strong", "C")) == (
        [], ["B(to=2)", "C(to=3)", "A(to=0)"], "a fair behaviour never reaches Done")


def test_of_states_equally_close_the_loop_starts_where_it_is_shortest():
    # 1 and 2 are both one step from 0 (which no loop passes); the shortest
    # loop through 1 is 3 steps, through 2 two: the lasso enters at 2,
    # though 1 is numbered lower (and was the entry before)
    links = {0: [(A, 1), (B, 2)], 1: [(A, 3)], 2: [(A, 4), (B, 1)], 3: [(A, 2)], 4: [(A, 2)]}
    assert _lasso(links, ("weak", "A")) == (
        ["B(to=2)"], ["A(to=4)", "A(to=2)"], "a fair behaviour never reaches Done")
    # ... and of two separate loops, the shorter
    links = {0: [(A, 1), (B, 2)], 1: [(A, 3)], 2: [(A, 4)], 3: [(A, 5)], 4: [(A, 2)],
             5: [(A, 1)]}
    assert _lasso(links, ("weak", "A")) == (
        ["B(to=2)"], ["A(to=4)", "A(to=2)"], "a fair behaviour never reaches Done")
    # equally short loops: the lower-numbered state
    links = {0: [(A, 1), (B, 2)], 1: [(A, 3)], 2: [(A, 4)], 3: [(A, 1)], 4: [(A, 2)]}
    assert _lasso(links, ("weak", "A")) == (
        ["A(to=1)"], ["A(to=3)", "A(to=1)"], "a fair behaviour never reaches Done")


def test_past_the_search_s_cap_the_loop_is_fair_and_says_it_may_not_be_the_shortest(
        monkeypatch):
    # With a cap of 0 pairs the search gives up at once, and the loop is
    # built nearest debt first: from 0, A (its first step), then B from 2
    monkeypatch.setattr(checker.lassos, "LOOP_SEARCH_CAP", 0)
    links = {0: [(A, 2), (B, 1)], 1: [(A, 0), (B, 3)], 2: [(A, 3), (B, 3)],
             3: [(A, 0), (B, 2)]}
    assert _lasso(links, ("weak", "A"), ("weak", "B")) == (
        [], ["A(to=2)", "B(to=3)", "A(to=0)"],
        "a fair behaviour never reaches Done (the loop is fair, but may not be the "
        "shortest: the search for the shortest gives up past 0 pairs of a state and the "
        "fairness kept on the way)")
    # the nearest debt first: A is owed, and 1, one step away, disables it
    # (family by family, a step of A came first: 0, 1, 2, A back to 1, then
    # back to 0, 4 steps; 0's step of A leaves the loop's states)
    links = {0: [(C, 1), (A, 3)], 1: [(C, 0), (C, 2)], 2: [(A, 1)], 3: [(C, 4)], 4: [(C, 3)]}
    assert _lasso(links, ("weak", "A"))[1] == ["C(to=1)", "C(to=0)"]


@pytest.mark.parametrize("path, stem, loop", [
    ("paxos-liveness-dueling.yaml", 4, 6), ("raft-liveness-commit-lossy.yaml", 10, 2),
    ("raft-liveness-early-timeout.yaml", 3, 5), ("raft-liveness-fair.yaml", 2, 2),
    ("raft-liveness-split-vote.yaml", 8, 28), ("raft-liveness-unfair.yaml", 0, 0)])
def test_every_bundled_lasso_is_fair_read_off_the_model(path, stem, loop):
    # (the runs are shared with the spec and liveness tests)
    spec, model, result = checked_spec(path)
    [finding] = [f for f in result.violations if f.loop_start is not None]
    assert (finding.stem_length, finding.loop_length) == (stem, loop)
    assert unfair_to(model, spec.config().fairness, finding) == []
