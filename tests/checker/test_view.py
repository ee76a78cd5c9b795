"""A model's view (`Model.view`, TLC's VIEW): states with equal views are
one state, the first reached kept and explored.

Against a plain breadth-first search that keys states within the bounds by
their views (`by_views`: a state outside them is itself, as for TLC), on
the random models of
`tests.checker.test_engine_against_naive` given a view: one that leaves out
some of the messages, so that which state of a view is kept decides what
follows (without symmetry: the yardstick keeps the first in the engine's
order); and one that leaves out a history (the rule of the last step) that
nothing reads, so that every state of a view has the same future: the
search then finds every view of a reachable state, as orbits of views under
symmetry. One process, two and three, and exact runs, give one result.
"""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import CheckConfig, Model, check, eventually, invariant
from checker.errors import CheckerError, ModelDefinitionError
from tests.brute_force import assert_real_run, whole_group
from tests.checker.test_engine_against_naive import (LARGEST, SETTINGS, SignedNodes,
                                                     TooLarge, check_workers_agree, models,
                                                     naive, names_of, needs_fork)


class Forgetful(SignedNodes):
    """`SignedNodes` whose view leaves out the messages of kind `forgotten`."""

    def __init__(self, *args, forgotten=0, **kwargs):
        self.forgotten = forgotten
        super().__init__(*args, **kwargs)

    def view(self, state):
        locals_, messages = state
        return locals_, frozenset(m for m in messages if m[0] != self.forgotten)


class WithHistory(SignedNodes):
    """`SignedNodes` whose states also hold the rule of the last step (-1
    at first), which no rule, bound or property reads and the view leaves
    out."""

    def initial_states(self):
        return [state + (-1,) for state in super().initial_states()]

    def successors(self, state):
        return [(action, after + (action.rule,)) for action, after in
                super().successors(state[:2])]

    def permute(self, state, perm):
        return super().permute(state[:2], perm) + state[2:]

    def signatures(self, state):
        return super().signatures(state[:2])

    def _holds(self, check_, state):
        return super()._holds(check_, state[:2])

    def orbit_name(self, state):
        return super().orbit_name(state[:2])

    def view(self, state):
        return state[:2] + (-1,)


def _rebuilt(model, kind, **extra):
    return kind(model.size, model.groups, model.initial, model.rules, model.checks,
                model.cap, model.blames_cap, fine=model.fine, **extra)


def _findings(result):
    return {f.property.name: f for f in result.violations + result.witnesses
            if f.trace is not None}


def _assert_real_and_shortest(model, result, shortest):
    for name, finding in _findings(result).items():
        assert_real_run(model, finding.trace)
        assert len(finding.trace) == shortest[name], name
        prop = model.properties[name]
        if prop.kind == "transition":
            before, after = finding.trace.steps[-2], finding.trace.steps[-1]
            assert not model.step(before.state, after.action, after.state)
        else:
            assert bool(getattr(model, name)(finding.trace.final)) is (prop.kind == "reachable")


def by_views(model, names):
    """A plain breadth-first search in which a state within the bounds is
    new if its view is (the first state of each view kept and expanded), and
    one outside them, never expanded, is checked if it is new itself (TLC
    fingerprints only the states within its constraint). Returns the kept
    states with their distances, the steps generated, and each property's
    shortest run that shows it."""
    inside, props = model.within_bounds, {name: model.properties[name] for name in names}
    views, met_outside, distance, shortest = set(), set(), {}, {}
    generated = 0

    def meet(state, length):
        if not inside(state):
            if state not in met_outside:
                met_outside.add(state)
                check_state(state, length)
            return False
        if model.view(state) in views:
            return False
        views.add(model.view(state))
        check_state(state, length)
        return True

    def check_state(state, length):
        for name, prop in props.items():
            if (name not in shortest and prop.kind != "transition"
                    and bool(getattr(model, name)(state)) is (prop.kind == "reachable")):
                shortest[name] = length

    queue = deque()
    for state in model.initial_states():
        generated += 1
        if meet(state, 0):
            distance[state] = 0
            queue.append(state)
    while queue:
        state = queue.popleft()
        steps = model.successors(state)
        generated += len(steps)
        for action, target in steps:
            if "step" in props and "step" not in shortest and not model.step(state, action,
                                                                            target):
                shortest["step"] = distance[state] + 1
            if meet(target, distance[state] + 1):
                distance[target] = distance[state] + 1
                if len(distance) > LARGEST:
                    raise TooLarge
                queue.append(target)
    return distance, generated, shortest


viewed = models(signed="fine")


@settings(max_examples=60, **SETTINGS)
@given(viewed, st.integers(0, 1), st.booleans(), st.booleans())
def test_a_view_against_a_plain_search_by_views(drawn, forgotten, keep_going, exact):
    model = _rebuilt(drawn[0], Forgetful, forgotten=forgotten)
    names = names_of(model)
    try:
        distance, generated, shortest = by_views(model, names)
    except TooLarge:
        return
    result = check(model, CheckConfig(properties=names, keep_going=keep_going, exact=exact))
    violated = [n for n in names if model.properties[n].kind != "reachable" and n in shortest]
    if not violated or keep_going:
        assert result.stats.distinct_states == len(distance)
        assert result.stats.depth == max(distance.values(), default=0)
        assert result.stats.generated_states == generated
    _assert_real_and_shortest(model, result, shortest)


@settings(max_examples=60, **SETTINGS)
@given(viewed, st.booleans(), st.booleans())
def test_a_view_that_leaves_out_a_history_counts_views_and_their_orbits(drawn, symmetry,
                                                                        exact):
    model = _rebuilt(drawn[0], WithHistory)
    try:
        found = naive(model)  # of every state, with its history
    except TooLarge:
        return
    names = names_of(model)
    config = CheckConfig(properties=names, keep_going=True, exact=exact,
                         symmetry=("nodes",) if symmetry else ())
    result = check(model, config)
    group = whole_group(model, ["nodes"]) if symmetry else [None]

    def one(state):  # the view, or with symmetry the orbit of the view
        view = model.view(state)
        return frozenset(view if perm is None else model.permute(view, perm)
                         for perm in group)

    nearest = {}
    for state in found.order:
        nearest.setdefault(one(state), found.distance[state])
    assert result.stats.distinct_states == len(nearest)
    assert result.stats.depth == max(nearest.values(), default=0)
    # the history changes no property: shortest runs are the model's
    _assert_real_and_shortest(model, result, found.shortest)
    assert set(_findings(result)) == set(found.shortest) & set(names)


@needs_fork
@settings(max_examples=6, **SETTINGS)
@given(models(signed="fine").filter(lambda drawn: len(drawn[1].order) >= 12),
       st.integers(0, 1), st.booleans(), st.one_of(st.none(), st.integers(1, 6)),
       st.booleans(), st.integers(1, 4))
def test_one_two_and_three_processes_agree_with_a_view(drawn, forgotten, symmetry, max_depth,
                                                       keep_going, chunk):
    model = _rebuilt(drawn[0], Forgetful, forgotten=forgotten)
    check_workers_agree(model, symmetry, max_depth, False, keep_going, chunk, (2, 3))


# -- mistakes ------------------------------------------------------------------------


class Counter(Model):
    """x counts 0, 1, 2 and stays; n counts every step, to 3."""

    name = "counter"

    def initial_states(self):
        return [(0, 0)]

    def successors(self, state):
        x, n = state
        return [] if n == 3 else [("tick", (min(x + 1, 2), n + 1))]

    def view(self, state):
        return state[0], 0

    @invariant("Small")
    def small(self, state):
        return state[0] < 5


def test_a_view_merges_the_states_it_does_not_tell_apart():
    # (2, 2) and (2, 3) have the view (2, 0) of (2, 2): 3 states, not 4
    result = check(Counter(), CheckConfig())
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == ("holds", 3, 2)


@pytest.mark.parametrize("view, message", [
    (lambda self, state: 1 // 0,
     "model 'counter': view() raised ZeroDivisionError: integer division or modulo by zero"),
    (lambda self, state: [state],
     "model 'counter': view() gave [(0, 0)], which cannot be fingerprinted"),
    (lambda self, state: {"x": state[0]},
     "model 'counter': view() gave {'x': 0}, which cannot be fingerprinted"),
])
@pytest.mark.parametrize("exact", [False, True])
def test_a_view_that_raises_or_cannot_be_fingerprinted_is_named(view, message, exact):
    broken = type("Broken", (Counter,), {"view": view})
    with pytest.raises(ModelDefinitionError) as raised:
        check(broken(), CheckConfig(exact=exact))
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_view_that_renaming_does_not_carry_is_refused_under_symmetry():
    class Lopsided(SignedNodes):
        def view(self, state):  # keeps node 0's value only: not renamed with the state
            return (state[0][0],) + (0,) * (self.size - 1), state[1]

    lopsided = _rebuilt(_two_nodes(), Lopsided)
    with pytest.raises(CheckerError, match=r"its view \(view\(\)\) is not renamed as the state "
                                           r"is \(view\(permute\(s, p\)\) != permute\(view\(s\), "
                                           r"p\)\)"):
        check(lopsided, CheckConfig(symmetry=("nodes",)))


def _two_nodes():
    return SignedNodes(2, [[0, 1]], [(0, 1)], [("local", None, 0, 1, None),
                                               ("local", None, 1, 0, None)],
                       {"invariants": [], "step": None, "witness": None}, fine=True)


def test_temporal_properties_with_a_view_are_refused():
    # TLC 2.15 checks them on the graph of views, and reports a loop there
    # that no real run takes (docs/tlc.md); this engine refuses them
    class Settles(Counter):
        @eventually("Two")
        def two(self, state):
            return state[0] == 2

    with pytest.raises(CheckerError) as raised:
        check(Settles(), CheckConfig(properties=("two",)))
    assert str(raised.value) == (
        "temporal properties (two) are checked without a view: model 'counter' makes states "
        "with equal view() one, and a loop among those need not be a loop of real states "
        "(TLC reports it as a violation all the same); check them on a model without view()")


class Tagged(Model):
    """Two nodes, a message from one to the other, and a tag naming a node
    first in the state, which the view leaves out: under symmetry the two
    initial states are one, as a renaming maps one's view onto the other's,
    though the least renaming of each whole state (decided by the tag)
    leaves their views apart."""

    name = "tagged"
    symmetry_sets = ("nodes",)

    def initial_states(self):
        return [(0, frozenset({(0, 1)})), (0, frozenset({(1, 0)}))]

    def successors(self, state):
        return []

    def symmetry_groups(self):
        return {"nodes": [[0, 1]]}

    def permute(self, state, perm):
        images = perm["nodes"]
        tag, messages = state
        return (None if tag is None else images[tag],
                frozenset((images[src], images[dst]) for src, dst in messages))

    def permute_action(self, action, perm):
        return action

    def view(self, state):
        return None, state[1]


@pytest.mark.parametrize("symmetry, distinct", [((), 2), (("nodes",), 1)])
def test_under_symmetry_states_are_one_when_a_renaming_maps_one_view_onto_the_other(
        symmetry, distinct):
    result = check(Tagged(), CheckConfig(symmetry=symmetry))
    assert result.stats.distinct_states == distinct
