"""The safety engine against obviously right yardsticks, on random models
whose states are built from a symmetric set of nodes.

A random `Nodes` model is a tuple of per-node local values and a set of
messages naming their sender and receiver, with rules that apply alike to
every node (or to every node of one group), so that any renaming within the
declared groups commutes with the successors; its invariants, transition
property, witness and state constraint treat the nodes of a group alike.

The yardstick (`naive`) is a plain breadth-first search that keeps every
state with its distance; orbits are sets of images under the whole group
(`tests.brute_force`). Against it: distinct states (orbits with symmetry),
depth, generated steps, bound stops, the verdict, and the length of each
shortest counterexample, which must be a real run of the unreduced model
ending where the property fails; under `max_depth` and `max_states`, what
the bound lets through. Then one run against others: 1, 2 and 3
processes, and a run checkpointed, stopped and resumed, give one result.
Last, a model written with the kit (`Gossip`, its moves drawn at random):
the kit's derived renaming and signatures against brute-force orbits.
"""

from __future__ import annotations

import dataclasses
import tempfile
import zlib
from collections import deque
from contextlib import contextmanager
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker import (CheckConfig, Fails, Model, Param, check, invariant, reachable,
                     transition)
from checker import workers as worker_processes
from checker.checkpoint import Checkpoints
from checker.symmetry import Symmetry
from checker.symmetry_guard import SoundnessGuard
from models.kit import ActorModel, Bag, MessageSet, Node, ids, on, step
from tests.brute_force import assert_real_run, orbit_count, reachable_states, whole_group
from tests.checker.test_workers import counting_forks, tiny_chunks
from tests.spec_runs import outcome

#: A model whose reachable set is larger is not drawn (the yardstick is slow).
LARGEST = 1500


class Local(NamedTuple):
    node: int
    rule: int


class Send(NamedTuple):
    node: int
    peer: int  # -1: to every other node
    rule: int


class Receive(NamedTuple):
    node: int
    sender: int
    rule: int


class Nodes(Model):
    """Nodes with a local value each and a set of messages ``(kind, src, dst)``.

    Rules (tuples, drawn by `models`):

    - ``("local", group, a, b, c)``: a node (of `group`, or any if None) at
      `a` goes to `b`, if `c` is None or another node is at `c`;
    - ``("send", a, b, kind, broadcast)``: a node at `a` goes to `b` and
      sends `kind` to one other node (a step per peer) or to every other;
    - ``("recv", kind, a, b, reply, consume)``: a node at `a` receives a
      message of `kind` sent to it, goes to `b`, replies `reply` (if not
      None) and removes the message if `consume`.

    Properties read `self.checks` (``invariants``, ``step``, ``witness``),
    each a family of predicates that treat the nodes of a group alike.
    """

    name = "nodes"
    actions = (Local, Send, Receive)
    symmetry_sets = ("nodes",)

    def __init__(self, size, groups, initial, rules, checks, cap=None, blames_cap=False):
        self.size, self.groups = size, groups
        self.group_of = {node: k for k, group in enumerate(groups) for node in group}
        self.initial, self.rules, self.checks = initial, rules, checks
        self.cap, self.blames_cap = cap, blames_cap
        super().__init__()

    def __repr__(self):
        return (f"Nodes(size={self.size}, groups={self.groups}, initial={self.initial}, "
                f"rules={self.rules}, checks={self.checks}, cap={self.cap}, "
                f"blames_cap={self.blames_cap})")

    def initial_states(self):
        return [(locals_, frozenset()) for locals_ in self.initial]

    def successors(self, state):
        locals_, messages = state
        steps = []
        for number, rule in enumerate(self.rules):
            if rule[0] == "local":
                _, group, a, b, c = rule
                for node in range(self.size):
                    if locals_[node] != a or (group is not None and self.group_of[node] != group):
                        continue
                    if c is not None and not any(locals_[other] == c for other in range(self.size)
                                                 if other != node):
                        continue
                    steps.append((Local(node, number), (_put(locals_, node, b), messages)))
            elif rule[0] == "send":
                _, a, b, kind, broadcast = rule
                for node in range(self.size):
                    if locals_[node] != a:
                        continue
                    peers = [peer for peer in range(self.size) if peer != node]
                    if broadcast:
                        if peers:
                            sent = frozenset((kind, node, peer) for peer in peers)
                            steps.append((Send(node, -1, number),
                                          (_put(locals_, node, b), messages | sent)))
                        continue
                    for peer in peers:
                        steps.append((Send(node, peer, number),
                                      (_put(locals_, node, b), messages | {(kind, node, peer)})))
            else:
                _, kind, a, b, reply, consume = rule
                for message in sorted(messages):
                    sort, sender, node = message
                    if sort != kind or locals_[node] != a:
                        continue
                    after = messages - {message} if consume else messages
                    if reply is not None:
                        after = after | {(reply, node, sender)}
                    steps.append((Receive(node, sender, number), (_put(locals_, node, b), after)))
        return steps

    def within_bounds(self, state):
        return self.cap is None or len(state[1]) <= self.cap

    def bound_reason(self, state):
        if self.blames_cap and self.cap is not None and len(state[1]) >= self.cap:
            return f"the network holds {self.cap} messages or more"
        return None

    # -- symmetry ---------------------------------------------------------------

    def symmetry_groups(self):
        return {"nodes": self.groups}

    def permute(self, state, perm):
        images = perm["nodes"]
        locals_, messages = state
        moved = [None] * self.size
        for node, value in enumerate(locals_):
            moved[images[node]] = value
        return (tuple(moved),
                frozenset((kind, images[src], images[dst]) for kind, src, dst in messages))

    def permute_action(self, action, perm):
        images = perm["nodes"]
        if isinstance(action, Local):
            return Local(images[action.node], action.rule)
        if isinstance(action, Send):
            return Send(images[action.node], -1 if action.peer < 0 else images[action.peer],
                        action.rule)
        return Receive(images[action.node], images[action.sender], action.rule)

    # -- properties (each a family drawn by `checks`) ----------------------------

    def _holds(self, check_, state):
        locals_, messages = state
        family = check_[0]
        if family == "count":  # at most `most` nodes (of a group, or of all) at `value`
            _, group, value, most = check_
            nodes = range(self.size) if group is None else self.groups[group]
            return sum(locals_[node] == value for node in nodes) <= most
        if family == "to":  # no message of `kind` to a node at `value`
            _, kind, value = check_
            return not any(sort == kind and locals_[dst] == value for sort, _, dst in messages)
        if family == "crossed":  # no two messages of `kind` crossing
            _, kind = check_
            return not any((kind, dst, src) in messages for sort, src, dst in messages
                           if sort == kind)
        if family == "messages":
            return len(messages) <= check_[1]
        # "orbit": a property of the orbit chosen at random (a hash of the
        # least printed image under the group)
        _, modulus, residue = check_
        return zlib.crc32(self.orbit_name(state).encode()) % modulus != residue

    def orbit_name(self, state):
        return min(repr((image[0], sorted(image[1]))) for image in
                   (self.permute(state, perm) for perm in whole_group(self, ["nodes"])))

    def _invariant(self, k, state):
        checks = self.checks["invariants"]
        if k >= len(checks) or self._holds(checks[k], state):
            return True
        return Fails(f"{checks[k]} fails")

    @invariant("First")
    def first(self, state):
        return self._invariant(0, state)

    @invariant("Second")
    def second(self, state):
        return self._invariant(1, state)

    @invariant("Third")
    def third(self, state):
        return self._invariant(2, state)

    @transition("Step")
    def step(self, state, action, next_state):
        """No step of rule `rule` moves a node from `a` to `b`."""
        if self.checks["step"] is None:
            return True
        rule, a, b = self.checks["step"]
        return not (action.rule == rule and state[0][action.node] == a
                    and next_state[0][action.node] == b)

    @reachable("Witness")
    def witness(self, state):
        return self.checks["witness"] is not None and not self._holds(self.checks["witness"],
                                                                      state)


class SignedNodes(Nodes):
    """`Nodes` with signatures: each node's value, and with `fine`, the kinds
    it sent and received with the other end's value."""

    def __init__(self, *args, fine=True, **kwargs):
        self.fine = fine
        super().__init__(*args, **kwargs)

    def signatures(self, state):
        locals_, messages = state
        if not self.fine:
            return {"nodes": locals_}
        return {"nodes": tuple(
            (locals_[node],
             tuple(sorted((kind, locals_[dst]) for kind, src, dst in messages if src == node)),
             tuple(sorted((kind, locals_[src]) for kind, src, dst in messages if dst == node)))
            for node in range(self.size))}


def _put(values, position, value):
    return values[:position] + (value,) + values[position + 1:]


PROPERTIES = ("first", "second", "third", "step", "witness")


# -- the yardstick ------------------------------------------------------------------


class TooLarge(Exception):
    pass


@dataclasses.dataclass
class Naive:
    """What a plain breadth-first search finds (see `naive`)."""

    distance: dict  # in-bound states reached within the depth bound: their distance
    order: list  # the same, in the order found
    shortest: dict  # property name -> shortest run's length that shows it (witness: reaches)
    generated: int  # steps generated, the initial states counted as steps
    beyond: bool  # an in-bound state lies past the depth bound
    deadlocks: list  # in-bound states without steps and no bound to blame, in order
    bound_stops: list  # in-bound states whose runs end at a bound, in order


def naive(model, names=PROPERTIES, max_depth=None, largest=LARGEST, key=None) -> Naive:
    """A plain breadth-first search: every in-bound state with its distance;
    every step out of a state within the depth bound is generated and its
    target checked if new or outside the bounds (a state outside is checked,
    never expanded, as TLC does); a state past the depth bound is not checked
    (only its existence makes the run incomplete).

    With `key` (a state's orbit), the search of the quotient graph: a state
    whose key was met is not new, and the first state met of each key
    stands for it (its steps are those of any other, renamed)."""
    inside = model.within_bounds
    seen = set()
    key = key or (lambda state: state)
    props = {name: model.properties[name] for name in names}
    shortest: dict = {}

    def check_state(state, length):
        for name, prop in props.items():
            if name in shortest or prop.kind == "transition":
                continue
            holds = bool(getattr(model, name)(state))
            if holds is (prop.kind == "reachable"):
                shortest[name] = length

    distance, order, generated, beyond = {}, [], 0, False
    deadlocks, bound_stops = [], []
    for state in model.initial_states():
        generated += 1
        if key(state) in seen:
            continue
        check_state(state, 0)
        if inside(state):
            seen.add(key(state))
            distance[state] = 0
            order.append(state)
    queue = deque(order)
    while queue:
        state = queue.popleft()
        steps = model.successors(state)
        generated += len(steps)
        if not steps:
            (bound_stops if model.bound_reason(state) is not None else deadlocks).append(state)
        elif not any(inside(target) for _, target in steps):
            bound_stops.append(state)
        for action, target in steps:
            if "step" in props and "step" not in shortest and not model.step(state, action,
                                                                            target):
                shortest["step"] = distance[state] + 1
            if key(target) in seen:
                continue
            if not inside(target):
                check_state(target, distance[state] + 1)
                continue
            if max_depth is not None and distance[state] + 1 > max_depth:
                beyond = True
                continue
            check_state(target, distance[state] + 1)
            seen.add(key(target))
            distance[target] = distance[state] + 1
            order.append(target)
            if len(order) > largest:
                raise TooLarge
            queue.append(target)
    return Naive(distance, order, shortest, generated, beyond, deadlocks, bound_stops)


def orbits(model, states) -> set:
    return {model.orbit_name(state) for state in states}


def out_of_bounds_met(model, states):
    return any(not model.within_bounds(t) for s in states for _, t in model.successors(s))


# -- random models -------------------------------------------------------------------


@st.composite
def groupings(draw, size):
    """A partition of the nodes into groups of interchangeable ones."""
    labels = draw(st.lists(st.integers(0, 1), min_size=size, max_size=size))
    if draw(st.booleans()):
        labels = [0] * size  # mostly one group: the whole symmetric set
    groups = {}
    for node, label in enumerate(labels):
        groups.setdefault(label, []).append(node)
    return [groups[label] for label in sorted(groups)]


@st.composite
def models(draw, largest=LARGEST, signed=None):
    size = draw(st.sampled_from([1, 2, 3, 3, 3, 4, 4]))
    values = draw(st.integers(2, 3))
    kinds = draw(st.integers(1, 2))
    groups = draw(groupings(size))
    value = st.integers(0, values - 1)
    kind = st.integers(0, kinds - 1)
    initial = draw(st.lists(st.tuples(*[value] * size), min_size=1, max_size=3))
    # (a local step that changes nothing only adds a loop)
    local = st.tuples(st.just("local"), st.one_of(st.none(), st.integers(0, len(groups) - 1)),
                      value, st.integers(1, values - 1), st.one_of(st.none(), value)).map(
        lambda rule: rule[:3] + ((rule[2] + rule[3]) % values,) + rule[4:])
    send = st.tuples(st.just("send"), value, value, kind, st.booleans())
    receive = st.tuples(st.just("recv"), kind, value, value, st.one_of(st.none(), kind),
                        st.booleans())
    rules = draw(st.lists(st.one_of(local, send, receive), min_size=2, max_size=6))
    group = st.one_of(st.none(), st.integers(0, len(groups) - 1))
    family = st.one_of(
        st.tuples(st.just("count"), group, value, st.integers(0, size)),
        st.tuples(st.just("to"), kind, value),
        st.tuples(st.just("crossed"), kind),
        st.tuples(st.just("messages"), st.integers(0, 4)),
        st.tuples(st.just("orbit"), st.integers(2, 40), st.integers(0, 1)))
    checks = {"invariants": draw(st.lists(family, max_size=3)),
              "step": draw(st.one_of(st.none(), st.tuples(
                  st.integers(0, len(rules) - 1), value, value))),
              "witness": draw(st.one_of(st.none(), family))}
    cap = draw(st.sampled_from([None, 0, 1, 2, 2, 3, 3, 4]))
    blames_cap = draw(st.booleans())
    arguments = (size, groups, initial, rules, checks, cap, blames_cap)
    if signed is None:
        signed = draw(st.sampled_from([None, "coarse", "fine"]))
    model = (Nodes(*arguments) if signed is None
             else SignedNodes(*arguments, fine=signed == "fine"))
    try:
        found = naive(model, largest=largest)
    except TooLarge:
        assume(False)
    return model, found


SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck))


def names_of(model):
    """The properties a model's checks use (the others always hold)."""
    used = [name for name, k in zip(("first", "second", "third"), range(3))
            if k < len(model.checks["invariants"])]
    if model.checks["step"] is not None:
        used.append("step")
    if model.checks["witness"] is not None:
        used.append("witness")
    return tuple(used)


def assert_shortest(model, result, found: Naive, names):
    """Each property's first finding is a real run of the unreduced model,
    as short as the yardstick's shortest, ending where it fails (or, for
    the witness, where it is reached); with keep_going every property is
    settled."""
    findings = {f.property.name: f for f in result.violations + result.witnesses}
    for name, finding in findings.items():
        if name in ("deadlock",) or finding.trace is None:
            continue
        trace = finding.trace
        assert_real_run(model, trace)
        assert len(trace) == found.shortest[name], name
        prop = model.properties[name]
        if prop.kind == "transition":
            before, after = trace.steps[-2], trace.steps[-1]
            assert not model.step(before.state, after.action, after.state)
        else:
            assert bool(getattr(model, name)(trace.final)) is (prop.kind == "reachable")
        # every state before the last is within the bounds
        assert all(model.within_bounds(step.state) for step in trace.steps[:-1])


# -- symmetry ---------------------------------------------------------------------------


def check_symmetry_against_naive(model, found, keep_going, exact=False):
    names = names_of(model)
    config = CheckConfig(properties=names, keep_going=keep_going, exact=exact)
    plain = check(model, config)
    reduced = check(model, dataclasses.replace(config, symmetry=("nodes",)))
    invariant_like = [n for n in names if model.properties[n].kind != "reachable"]
    violated = sorted(n for n in invariant_like if n in found.shortest)
    unreached = "witness" in names and "witness" not in found.shortest
    for result in (plain, reduced):
        # a witness no state reaches is a violation once the search is exhausted
        assert result.verdict == ("violated" if violated or unreached else "holds")
        assert_shortest(model, result, found, names)
        reported = sorted(f.property.name for f in result.violations if f.trace is not None)
        if keep_going:
            assert reported == violated
            assert sorted(f.property.name for f in result.witnesses) == (
                ["witness"] if "witness" in found.shortest else [])
        elif violated:
            # the run stops at the chunk of the first violation: what it
            # found there is at the smallest depth
            assert reported and {found.shortest[n] for n in reported} == {
                min(found.shortest[n] for n in violated)}
    if not violated or keep_going:
        # the whole reachable set was explored
        assert plain.stats.distinct_states == len(found.order)
        assert reduced.stats.distinct_states == len(orbits(model, found.order))
        assert plain.stats.depth == max(found.distance.values(), default=0)
        # an orbit is as far as its nearest state (the initial states need
        # not be closed under renaming: then states of an orbit lie at
        # several distances)
        nearest = {}
        for state in found.order:
            nearest.setdefault(model.orbit_name(state), found.distance[state])
        assert reduced.stats.depth == max(nearest.values(), default=0)
        assert plain.stats.generated_states == found.generated
        representatives = {model.orbit_name(s): s for s in reversed(found.order)}
        assert reduced.stats.generated_states == len(list(model.initial_states())) + sum(
            len(model.successors(s)) for s in representatives.values())
        assert plain.stats.bound_stops == len(found.bound_stops)
        assert reduced.stats.bound_stops == len(orbits(model, found.bound_stops))
    if not violated:
        expected = "witness" in found.shortest
        assert bool(plain.witnesses) == bool(reduced.witnesses) == expected
        if "witness" in names and not expected:
            assert [f.property.name for f in plain.violations] == ["witness"]
            assert [f.property.name for f in reduced.violations] == ["witness"]
    return plain, reduced


@settings(max_examples=60, **SETTINGS)
@given(models(), st.booleans())
def test_symmetry_reduction_against_the_naive_explorer(drawn, keep_going):
    model, found = drawn
    check_symmetry_against_naive(model, found, keep_going)


@pytest.mark.slow
@settings(max_examples=3000, **SETTINGS)
@given(models(), st.booleans(), st.booleans())
def test_symmetry_reduction_against_the_naive_explorer_at_length(drawn, keep_going, exact):
    model, found = drawn
    check_symmetry_against_naive(model, found, keep_going, exact)


# -- bounds ------------------------------------------------------------------------------


def check_bounds_against_naive(model, max_depth, deadlock, symmetry, last_level_cut=False):
    """With a depth bound (or none) and the deadlock check (or not): states
    within the bound counted, every step out of them generated and checked
    (states outside the constraint and transitions too, the last level's
    included), the run incomplete exactly where an in-bound state lies
    beyond, deadlocks and bound stops as the yardstick finds them."""
    names = names_of(model)
    found = naive(model, names, max_depth=max_depth,
                  key=model.orbit_name if symmetry else None)
    config = CheckConfig(properties=names, max_depth=max_depth, deadlock=deadlock,
                         keep_going=True, symmetry=("nodes",) if symmetry else ())
    result = check(model, config)
    within = set(found.order)
    shortest = dict(found.shortest)
    deadlocks = [s for s in found.deadlocks if s in within]
    if deadlock and deadlocks:
        shortest["deadlock"] = min(found.distance[s] for s in deadlocks)
    if last_level_cut and found.beyond:
        # (exploring: what the last level's later chunks would show may be
        # missed; see test_a_violation_on_the_last_level_is_found_in_every_chunk)
        optional = {n for n, length in shortest.items()
                    if length == max_depth + (n != "deadlock")}
        reported = {f.property.name for f in result.violations + result.witnesses
                    if f.trace is not None}
        assert reported <= set(shortest)
        shortest = {n: length for n, length in shortest.items()
                    if n not in optional or n in reported}
        found.shortest = {n: length for n, length in found.shortest.items() if n in shortest}
    invariant_like = sorted(n for n in shortest if n != "witness")
    assert sorted(f.property.name for f in result.violations if f.trace is not None) == (
        invariant_like)
    for finding in result.violations:
        if finding.trace is None:
            continue
        assert len(finding.trace) == shortest[finding.property.name]
        assert_real_run(model, finding.trace)
        if finding.property.name == "deadlock":
            assert model.successors(finding.trace.final) == []
            assert model.bound_reason(finding.trace.final) is None
    assert_shortest(model, result, found, names)
    assert result.stopped_by == ("max_depth" if found.beyond else None)
    unreached = "witness" in names and "witness" not in shortest and not found.beyond
    assert result.verdict == ("violated" if invariant_like or unreached
                              else "incomplete" if found.beyond else "holds")
    assert result.stats.distinct_states == len(found.order)
    assert result.stats.depth == max(found.distance.values(), default=0)
    if not found.beyond:
        # every step out of every state explored was generated and counted
        assert result.stats.generated_states == found.generated
        assert result.stats.bound_stops == len(found.bound_stops)
        if found.bound_stops:
            stop = result.bound_stop
            assert stop is not None
            assert_real_run(model, stop.trace)
            first = min(found.distance[s] for s in found.bound_stops)
            assert len(stop.trace) == first
    return result


@settings(max_examples=60, **SETTINGS)
@given(models(), st.one_of(st.none(), st.integers(0, 5)), st.booleans(), st.booleans())
def test_depth_bound_constraint_and_deadlocks_against_the_naive_explorer(
        drawn, max_depth, deadlock, symmetry):
    model, _ = drawn
    check_bounds_against_naive(model, max_depth, deadlock, symmetry)


@pytest.mark.slow
@settings(max_examples=3000, **SETTINGS)
@given(models(), st.one_of(st.none(), st.integers(0, 5)), st.booleans(), st.booleans())
def test_depth_bound_constraint_and_deadlocks_against_the_naive_explorer_at_length(
        drawn, max_depth, deadlock, symmetry):
    model, _ = drawn
    check_bounds_against_naive(model, max_depth, deadlock, symmetry)


# -- workers --------------------------------------------------------------------------


@contextmanager
def shared_early(chunk: int):
    """Chunks of `chunk` states, levels shared from two chunks on, and the
    symmetry guard's first sample cut to 4 states, so that these small
    models are partitioned (with symmetry too: not while the guard samples
    the first states); the partitioned searches started."""
    saved = SoundnessGuard.SAMPLE
    SoundnessGuard.SAMPLE = 4
    try:
        with tiny_chunks(chunk), counting_forks() as started:
            yield started
    finally:
        SoundnessGuard.SAMPLE = saved


def check_workers_agree(model, symmetry, max_depth, deadlock, keep_going, chunk, counts,
                        **options):
    """1 process and each of `counts`: the same result (counts, depth,
    verdict, findings and their traces, bound stops); whether any was shared.
    `options`: more of the `CheckConfig`."""
    config = CheckConfig(properties=names_of(model), max_depth=max_depth, deadlock=deadlock,
                         keep_going=keep_going, symmetry=("nodes",) if symmetry else (),
                         **options)
    with shared_early(chunk) as started:
        one = outcome(check(model, config))
        for count in counts:
            assert outcome(check(model, dataclasses.replace(config, workers=count))) == one, count
    return bool(started)


needs_fork = pytest.mark.skipif(not worker_processes.AVAILABLE, reason="needs os.fork")
bigger = models(signed="fine").filter(lambda drawn: len(drawn[1].order) >= 12)


@needs_fork
@settings(max_examples=6, **SETTINGS)
@given(bigger, st.booleans(), st.one_of(st.none(), st.integers(1, 6)), st.booleans(),
       st.booleans(), st.integers(1, 4))
def test_one_two_and_three_processes_agree(drawn, symmetry, max_depth, deadlock, keep_going,
                                          chunk):
    model, _ = drawn
    check_workers_agree(model, symmetry, max_depth, deadlock, keep_going, chunk, (2, 3))


@pytest.mark.slow
@needs_fork
@settings(max_examples=400, **SETTINGS)
@given(bigger, st.booleans(), st.one_of(st.none(), st.integers(1, 6)), st.booleans(),
       st.booleans(), st.integers(1, 4))
def test_one_two_and_three_processes_agree_at_length(drawn, symmetry, max_depth, deadlock,
                                                    keep_going, chunk):
    model, _ = drawn
    check_workers_agree(model, symmetry, max_depth, deadlock, keep_going, chunk, (2, 3))


# -- the state bound ---------------------------------------------------------------------


def check_state_bound_against_naive(model, max_states, deadlock, symmetry):
    """With `max_states`: the first states (orbits) in breadth-first order
    are stored, that many at most; the run is incomplete exactly where more
    are reachable. A finding nearer than the first state left out must be
    reported, one farther must not be (the run stopped before), one as near
    may be (it depends on where in the level the bound fell)."""
    names = names_of(model)
    found = naive(model, names, key=model.orbit_name if symmetry else None)
    config = CheckConfig(properties=names, max_states=max_states, deadlock=deadlock,
                         keep_going=True, symmetry=("nodes",) if symmetry else ())
    result = check(model, config)
    shortest = dict(found.shortest)
    if deadlock and found.deadlocks:
        # met when its state is expanded: as if one step farther
        shortest["deadlock"] = 1 + min(found.distance[s] for s in found.deadlocks)
    distances = sorted(found.distance.values())
    cut = len(distances) > max_states
    reported = {f.property.name: f for f in result.violations + result.witnesses
                if f.trace is not None}
    for name, finding in reported.items():
        length = shortest[name] - (name == "deadlock")
        assert len(finding.trace) == length, name
        assert_real_run(model, finding.trace)
    if not cut:
        assert result.stopped_by is None
        assert result.stats.distinct_states == len(distances)
        assert set(reported) == set(shortest)
        return result
    assert result.stopped_by == "max_states"
    assert result.stats.distinct_states == max_states
    left_out = distances[max_states]  # the distance of the first state not stored
    for name, length in shortest.items():
        if length < left_out:
            assert name in reported, name
        elif length > left_out:
            assert name not in reported, name
    invariant_like = [n for n in reported if model.properties.get(n) is None
                      or model.properties[n].kind != "reachable"]
    assert result.verdict == ("violated" if invariant_like else "incomplete")
    return result


@settings(max_examples=40, **SETTINGS)
@given(models(), st.integers(1, 30), st.booleans(), st.booleans())
def test_state_bound_against_the_naive_explorer(drawn, max_states, deadlock, symmetry):
    model, _ = drawn
    check_state_bound_against_naive(model, max_states, deadlock, symmetry)


@pytest.mark.slow
@settings(max_examples=3000, **SETTINGS)
@given(models(), st.integers(1, 30), st.booleans(), st.booleans())
def test_state_bound_against_the_naive_explorer_at_length(drawn, max_states, deadlock,
                                                         symmetry):
    model, _ = drawn
    check_state_bound_against_naive(model, max_states, deadlock, symmetry)


# -- the last level under a depth bound -------------------------------------------------


class Go(NamedTuple):
    target: int


class Fan(Model):
    """0 leads to 1..1026, a level of two chunks (of 1,024 states): 1 leads
    on to 2000, past a depth bound of 1; in the second chunk 1025 steps to
    -1, which breaks a transition property, and 1026 has no step (a
    deadlock); the others go back to 0."""

    name = "fan"
    actions = (Go,)

    def initial_states(self):
        return [0]

    def successors(self, state):
        if state == 0:
            return [(Go(target), target) for target in range(1, 1027)]
        if state == 1:
            return [(Go(2000), 2000)]
        if state == 1025:
            return [(Go(-1), -1)]
        return [] if state == 1026 else [(Go(0), 0)]

    @transition("Never Negative")
    def never_negative(self, state, action, next_state):
        return next_state >= 0


@pytest.mark.parametrize("keep_going", [False, True])
def test_a_violation_on_the_last_level_is_found_in_every_chunk(keep_going):
    # README: "with max_depth, the steps out of the last level are generated,
    # counted and checked"; and a counted state with no step is a deadlock
    unbounded = check(Fan(), CheckConfig(deadlock=True, keep_going=True))
    assert sorted((f.property.name, len(f.trace)) for f in unbounded.violations) == [
        ("deadlock", 1), ("never_negative", 2)]
    bounded = check(Fan(), CheckConfig(max_depth=1, deadlock=True, keep_going=keep_going))
    assert bounded.stats.distinct_states == 1027  # 1026, a deadlock, among them
    assert bounded.verdict == "violated"  # not "incomplete"
    assert {(f.property.name, len(f.trace)) for f in bounded.violations} <= {
        ("deadlock", 1), ("never_negative", 2)}


# -- checkpoints ----------------------------------------------------------------------------


class Stopped(Exception):
    """The run is stopped as if killed once it saved a checkpoint."""


class StopAfter(Checkpoints):
    """A checkpoint at every level, the run stopped after the `saves`-th."""

    def __init__(self, directory, saves):
        super().__init__(directory, every=0)
        self.saves = saves

    def save(self, *arguments):
        super().save(*arguments)
        if self.written >= self.saves:
            raise Stopped


def check_resumed_run_agrees(model, symmetry, max_depth, deadlock, keep_going, saves):
    """A run stopped after a checkpoint and resumed from it gives the result
    of the run that was not stopped."""
    config = CheckConfig(properties=names_of(model), max_depth=max_depth, deadlock=deadlock,
                         keep_going=keep_going, symmetry=("nodes",) if symmetry else ())
    whole = check(model, config)
    with tempfile.TemporaryDirectory() as directory:
        try:
            check(model, config, checkpoints=StopAfter(directory, saves))
        except Stopped:
            pass
        else:  # it ended before that many levels: nothing to resume
            return False
        resumed = check(model, config, checkpoints=Checkpoints(directory, every=0, resume=True))
    assert outcome(resumed) == outcome(whole)
    return True


@settings(max_examples=15, **SETTINGS)
@given(models(), st.booleans(), st.one_of(st.none(), st.integers(1, 6)), st.booleans(),
       st.booleans(), st.integers(1, 6))
def test_a_run_stopped_and_resumed_from_a_checkpoint_gives_the_whole_runs_result(
        drawn, symmetry, max_depth, deadlock, keep_going, saves):
    model, _ = drawn
    check_resumed_run_agrees(model, symmetry, max_depth, deadlock, keep_going, saves)


@pytest.mark.slow
@settings(max_examples=1500, **SETTINGS)
@given(models(), st.booleans(), st.one_of(st.none(), st.integers(1, 6)), st.booleans(),
       st.booleans(), st.integers(1, 6))
def test_a_run_stopped_and_resumed_from_a_checkpoint_gives_the_whole_runs_result_at_length(
        drawn, symmetry, max_depth, deadlock, keep_going, saves):
    model, _ = drawn
    check_resumed_run_agrees(model, symmetry, max_depth, deadlock, keep_going, saves)


# -- a model written with the kit ------------------------------------------------------------

Peer = ids("peers", "p")


class PeerState(NamedTuple):
    value: int = 0
    heard: Peer | None = None  # the last peer it heard from


class Tell(NamedTuple):
    src: Peer
    value: int


class Bump(NamedTuple):
    peer: Peer


class Hear(NamedTuple):
    peer: Peer
    src: Peer
    value: int


class Gossiper(Node):
    """A peer's steps come from its model's random tables."""

    ids = Peer
    state = PeerState

    @step(Bump)
    def bump(self, s):
        """A peer at a value the table names moves on and tells every peer."""
        if s.value not in self.model.bumps:
            return None
        return s._replace(value=self.model.bumps[s.value]), [Tell(self.id, s.value)]

    @on(Tell, Hear)
    def hear(self, s, m):
        """A peer hears a value the table names at its own, and moves on."""
        after = self.model.hears.get((s.value, m.value))
        if after is None or m.src == self.id:
            return None
        return s._replace(value=after, heard=m.src), []


class Gossip(ActorModel):
    """Peers over a bag (with a drop budget) or a message set; a peer's
    moves are the model's tables, drawn at random."""

    name = "gossip"
    params = (Param("peers", 3, "peers", minimum=1, maximum=4),
              Param("drops", 0, "messages the bag may lose", minimum=0, maximum=2),
              Param("room", 2, "messages the bag holds", minimum=1, maximum=3))
    roles = (Gossiper,)
    messages = (Tell,)
    network = Bag(drop="drops", capacity="room")
    symmetry_sets = ("peers",)

    def values(self, state):
        return [self.record(state, Gossiper, peer).value for peer in range(self.peers)]

    @invariant("Few At Top")
    def few_at_top(self, state):
        return sum(value == 2 for value in self.values(state)) <= self.most

    @invariant("Not Heard From One Alike")
    def not_heard_alike(self, state):
        # relational: a peer heard from a peer at its own value
        records = [self.record(state, Gossiper, peer) for peer in range(self.peers)]
        return not any(r.heard is not None and records[r.heard].value == r.value
                       and r.value == self.alike for r in records)


def gossip(peers, drops, room, bumps, hears, most, alike, network):
    class Drawn(Gossip):
        pass
    if network == "set":
        Drawn.network = MessageSet()
    model = Drawn(peers=peers, drops=drops if network == "bag" else 0, room=room)
    model.bumps, model.hears, model.most, model.alike = bumps, hears, most, alike
    return model


@st.composite
def gossips(draw):
    value = st.integers(0, 2)
    return gossip(draw(st.integers(1, 3)), draw(st.integers(0, 1)), draw(st.integers(1, 2)),
                  draw(st.dictionaries(value, value, max_size=3)),
                  draw(st.dictionaries(st.tuples(value, value), value, max_size=5)),
                  draw(st.integers(0, 2)), draw(value), draw(st.sampled_from(["bag", "set"])))


def check_kit_symmetry(model, keep_going):
    names = ("few_at_top", "not_heard_alike")
    states = reachable_states(model)
    assume(len(states) <= LARGEST)
    config = CheckConfig(properties=names, keep_going=keep_going)
    plain = check(model, config)
    reduced = check(model, dataclasses.replace(config, symmetry=("peers",)))
    assert reduced.verdict == plain.verdict
    if plain.verdict == "holds" or keep_going:
        assert plain.stats.distinct_states == len(states)
        assert reduced.stats.distinct_states == orbit_count(model, states, ["peers"])
    symmetry = Symmetry(model, ["peers"])
    for state in states[:50]:
        assert symmetry.canonical(state)[0] == symmetry.reference(state)[0]
    lengths = {f.property.name: len(f.trace) for f in plain.violations}
    for finding in reduced.violations:
        assert_real_run(model, finding.trace)
        assert not getattr(model, finding.property.name)(finding.trace.final)
        if keep_going:
            assert len(finding.trace) == lengths[finding.property.name]
    if not keep_going and plain.violations:
        assert {len(f.trace) for f in reduced.violations} == {
            len(f.trace) for f in plain.violations}


@settings(max_examples=25, **SETTINGS)
@given(gossips(), st.booleans())
def test_a_kit_model_reduced_by_symmetry_against_brute_force(model, keep_going):
    check_kit_symmetry(model, keep_going)


@pytest.mark.slow
@settings(max_examples=2000, **SETTINGS)
@given(gossips(), st.booleans())
def test_a_kit_model_reduced_by_symmetry_against_brute_force_at_length(model, keep_going):
    check_kit_symmetry(model, keep_going)
