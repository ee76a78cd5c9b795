"""Slow, obviously right yardsticks for the engine's symmetry tests.

Each works on a model directly, without the engine: the reachable set by a
plain breadth-first search, the group by enumerating the declared groups,
orbits as sets of images (no order needed), and the check that a trace is
a run of the unreduced model.
"""

from __future__ import annotations

from collections import deque
from itertools import permutations

from checker.model import has_bounds


def reachable_states(model) -> list:
    """Every reachable state within the model's bounds, in the order a
    breadth-first search finds them (states outside are not expanded)."""
    inside = model.within_bounds if has_bounds(model) else (lambda state: True)
    seen = {state: None for state in model.initial_states() if inside(state)}
    queue = deque(seen)
    while queue:
        for _, successor in model.successors(queue.popleft()):
            if successor not in seen and inside(successor):
                seen[successor] = None
                queue.append(successor)
    return list(seen)


def whole_group(model, names) -> list[dict[str, tuple[int, ...]]]:
    """Every permutation of the declared groups of the sets `names`."""
    per_set = []
    for name in names:
        groups = model.symmetry_groups()[name]
        size = sum(map(len, groups))
        images = [tuple(range(size))]
        for group in groups:
            images = [tuple(dict(zip(group, order)).get(e, image[e]) for e in range(size))
                      for image in images for order in permutations(group)]
        per_set.append([(name, image) for image in images])
    perms = [{}]
    for choices in per_set:
        perms = [{**perm, name: image} for perm in perms for name, image in choices]
    return perms


def orbit_count(model, states: list, names) -> int:
    """The number of orbits among `states`: distinct sets of images."""
    group = whole_group(model, names)
    return len({frozenset(model.permute(state, perm) for perm in group) for state in states})


def assert_real_run(model, trace) -> None:
    """`trace` starts in an initial state and each step is one the model
    takes from the previous state."""
    assert trace.steps[0].state in list(model.initial_states())
    for before, after in zip(trace.steps, trace.steps[1:]):
        assert (after.action, after.state) in list(model.successors(before.state))


def orbit_counts_agree(build, sets) -> tuple[int, ...]:
    """The reachable-state count of ``build()``, then its orbit count under
    each choice of sets in `sets`, asserting that the engine's reduced run
    finds exactly that many states for each."""
    from checker import CheckConfig, check

    model = build()
    states = reachable_states(model)
    found = [len(states)]
    for names in sets:
        orbits = orbit_count(model, states, names)
        result = check(build(), CheckConfig(properties=(), symmetry=names))
        assert result.stats.distinct_states == orbits, names
        found.append(orbits)
    return tuple(found)
