"""A run bounded by max_depth checks every step it generates, the last
level's too; action coverage counts every step and each action's new
states; stats say how many processes worked."""

from __future__ import annotations

import dataclasses
from collections import Counter as Tally
from collections import deque
from pathlib import Path

from checker import CheckConfig, check
from checker.model import action_name
from checker.spec import load_spec
from models import REGISTRY
from tests.spec_runs import checked_spec
from tests.toys import Counter, DieHard, Ring

ROOT = Path(__file__).resolve().parents[2]


def test_the_last_levels_steps_are_checked():
    # the state space is 3 states deep 2: a bound of 2 cuts nothing, and
    # the step 2 → 0 out of the last level breaks the transition property
    for max_depth in (None, 2, 3, 10):
        result = check(Ring(), CheckConfig(max_depth=max_depth))
        assert (result.verdict, result.stopped_by) == ("violated", None), max_depth
        assert (result.stats.distinct_states, result.stats.generated_states) == (3, 4)
        [violation] = result.violations
        assert (violation.property.name, violation.reason) == ("steps_up", "2 → 0 goes down")
        assert [step.state for step in violation.trace.steps] == [0, 1, 2, 0]


def test_a_bound_that_cuts_states_off_is_incomplete():
    result = check(Ring(), CheckConfig(max_depth=1))
    assert (result.verdict, result.stopped_by) == ("incomplete", "max_depth")
    # the initial state, the step to 1, and the step to 2, which is beyond
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (2, 3, 1)


def test_states_outside_the_bounds_on_the_last_level_are_checked():
    # Counter: 0..5 within the bound (depth 3: 0, 2, 4, 5); 5 + 2 = 7 is
    # outside it and forbidden, met only from 5, on the last level
    unbounded = check(Counter(forbidden=7))
    bounded = check(Counter(forbidden=7), CheckConfig(max_depth=3))
    for result in (unbounded, bounded):
        assert (result.verdict, result.stopped_by, result.stats.depth) == ("violated", None, 3)
        [violation] = result.violations
        assert violation.property.name == "not_forbidden"
        assert [step.state for step in violation.trace.steps] == [0, 1, 3, 5, 7]
    assert bounded.stats.generated_states == unbounded.stats.generated_states == 13


def test_raft_bounded_at_its_depth_generates_every_step_and_holds():
    spec = load_spec(ROOT / "specs" / "raft-2s.yaml", REGISTRY)
    _, _, unbounded = checked_spec("raft-2s.yaml")
    assert (unbounded.stats.depth, unbounded.stats.generated_states) == (27, 8695)
    bounded = check(spec.build(), spec.with_bounds(max_depth=27).config())
    assert (bounded.verdict, bounded.stopped_by) == ("holds", None)
    assert (bounded.stats.distinct_states, bounded.stats.generated_states) == (1645, 8695)
    assert dict(bounded.stats.actions) == dict(unbounded.stats.actions)
    short = check(spec.build(), spec.with_bounds(max_depth=26).config())
    assert (short.verdict, short.stopped_by, short.stats.depth) == (
        "incomplete", "max_depth", 26)


def naive_coverage(model) -> tuple[Tally, Tally]:
    """Steps per action and the action that first reached each new state,
    by a plain breadth-first search (no bounds: DieHard has none)."""
    generated, new = Tally(), Tally()
    seen = set(model.initial_states())
    queue = deque(seen)
    while queue:
        for action, successor in model.successors(queue.popleft()):
            generated[action_name(action)] += 1
            if successor not in seen:
                seen.add(successor)
                new[action_name(action)] += 1
                queue.append(successor)
    return generated, new


#: DieHard checked for an invariant that holds: all 16 states are explored.
WHOLE = CheckConfig(properties=("within_capacity",))


def test_action_coverage_counts_steps_and_new_states():
    result = check(DieHard(), WHOLE)
    generated, new = naive_coverage(DieHard())
    # 16 states, each with 2 steps of each action
    assert dict(result.stats.actions) == {"Fill": 32, "Empty": 32, "Pour": 32} == generated
    assert dict(result.stats.new_states) == {"Fill": 6, "Empty": 3, "Pour": 6} == new
    assert sum(result.stats.new_states.values()) == result.stats.distinct_states - 1


def test_coverage_counts_the_last_levels_steps():
    # bounded at its depth (7), the last level's steps are counted as well
    bounded = check(DieHard(), dataclasses.replace(WHOLE, max_depth=7))
    assert (bounded.verdict, bounded.stats.depth, bounded.stats.generated_states) == (
        "holds", 7, 1 + 96)
    assert dict(bounded.stats.actions) == {"Fill": 32, "Empty": 32, "Pour": 32}
    assert dict(bounded.stats.new_states) == {"Fill": 6, "Empty": 3, "Pour": 6}


def test_workers_counts_the_processes_used():
    # DieHard's levels are far below FORK_MIN: one process does everything
    result = check(DieHard(), CheckConfig(workers=4))
    assert result.stats.workers == 1
