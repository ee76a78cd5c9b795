"""Temporal properties under fairness: the behaviour graph, fair cycles, lassos.

A temporal property (`checker.properties`: ``eventually``, ``leads_to``,
``always_eventually``, ``eventually_always``) fails when some *fair*
behaviour avoids what it promises. (``once_always``, ``[](P => []Q)``,
fails by a finite path, whatever the fairness: `checker.lassos`'s
`once_then_fails` finds the shortest on the same graph.) On a finite graph such a behaviour is a
lasso: a stem from an initial state into a strongly connected set of states
it then loops in for ever (or a single state it stutters in for ever), the
loop avoiding the promise. This is how TLC checks liveness, by strongly
connected components of the behaviour graph, with the fairness conditions
checked per component (the Streett refinement for strong fairness).

`check` runs the safety check first (the breadth-first engine,
`checker.explore`), then, if it completed, explores the graph again keeping
every successor link, compactly (integer arrays: targets, the successor's
number, its action's index), and looks for a fair lasso for each temporal
property. Three modules: this one runs the check and merges its findings with the
safety run's; `checker.behaviour_graph` builds the graph; `checker.lassos`
finds each property's fair lasso in it (which lasso is shown, how fairness
constrains the loop, and how bounds are treated: see there).

A model whose states are renumbered (Raft's ``terms: relative``) names the
actions whose arguments renumbering changes (``renumbered_actions``): one
of them in the graph is not one action of the model, so fairness to each
of its instances apart is refused.

Symmetry is accepted where it is sound, and the graph is then one of
orbits (`behaviour_graph`: a representative per orbit, a link
rep(s) -> rep(t) per step s -> t). Where (a) every predicate is symmetric
(the safety run's guard, `SoundnessGuard`, samples them; a spec's
expressions are read before the run) and (b) every fairness family is one
condition closed under renaming (an action name, ``A | B``, ``*``: its
steps enabled and taken are the same at s and at any renaming of s), a fair
lasso of the model maps to one of the orbits (each state to its
representative), and a fair lasso of the orbits lifts to one of the model:
the stem step by step (a link r -> r' comes from a step of r to a renaming
of r'), and the loop, gone round once, from a state c to a renaming pi(c),
so gone round at most the order of pi times, back to c: a loop of the model
through renamings of the orbits' loop states, with the same predicates,
families taken and enabled (`Graph.lasso` shows it so; where that loop is
longer than the model's shortest, `Lassos._unreduced` finds the shortest
among the renamings of the fair components' states). ``once_always``
lifts as a stem does, whatever the fairness. Refused, in one line
(`_symmetry`, trying the first states under renamings; the graph samples
the rest): a family per value or per instance (``Deliver(p=*)``,
``Deliver(*)``: one condition per node, which the lifted loop need not
serve) or naming a value (``Deliver(p=0)``) where renaming moves those
values, and a property of each member of a set whose answers renaming
changes (one per member: renaming swaps them, as a property of each server
under symmetry over servers). A family per value renaming leaves alone
(``Serve(client=*)``, the desks renamed) is one condition closed under
renaming per value, and a property of each such member is checked member
by member on the orbits.

A view (`Model.view`) is refused: a loop among states merged by their
views need not be a real loop (TLC 2.15 reports such a loop as a
violation).
"""

from __future__ import annotations

import dataclasses
import gc
import time
from typing import Any, Callable

from checker.behaviour_graph import Graph
from checker.errors import CheckerError, SpecError
from checker.fairness import Fairness
from checker.lassos import OnceThenFails, find
from checker.model import Model, has_bounds, has_view
from checker.properties import ASSERTION, Property, select_properties
from checker.result import CheckConfig, Finding, Result
from checker.symmetry import Symmetry
from checker.symmetry_guard import SoundnessGuard
from checker.workers import peak_memory, resident_memory



def check(model: Model, config: CheckConfig, check_safety: Callable[..., Result],
          reporter: Any = None, owners: Any = None) -> Result:
    """Check the safety properties (by `check_safety`: `explore.check`, its
    partitions started by `owners`) and then, if that run was complete, the
    temporal ones; return one `Result`."""
    selected = select_properties(model, config.properties)
    temporal = tuple(p for p in selected if p.temporal)
    if has_view(model):
        raise CheckerError(
            f"temporal properties ({', '.join(p.name for p in temporal)}) are checked "
            f"without a view: model {model.name!r} makes states with equal view() one, and "
            "a loop among those need not be a loop of real states (TLC reports it as a "
            "violation all the same); check them on a model without view()")
    fairness = Fairness(model, config.fairness)
    symmetry = _symmetry(model, config.symmetry, temporal, fairness) if (
        config.symmetry and temporal) else None
    safety = tuple(p.name for p in selected if not p.temporal)
    # The safety run comes first even with no safety property: it checks
    # deadlock and the model's contract (hashable states, no exceptions),
    # and says whether the depth bound left states unexplored.
    # (the temporal properties need every state: none is settled before)
    result = check_safety(model, dataclasses.replace(config, properties=safety,
                                                     stop_when_settled=False),
                          reporter, owners=owners)
    if result.stopped_by not in (None, "max_depth") or (not config.keep_going and any(
            finding.trace is not None for finding in result.violations)) or any(
            finding.property is ASSERTION for finding in result.violations):
        # The graph is not complete (a state whose steps fail an assertion
        # has none to draw) or the run stopped at a violation: the temporal
        # properties are not settled (Result.outcomes says so).
        return dataclasses.replace(result, properties=result.properties + temporal)
    started = time.monotonic()
    # the time limit is the whole run's: what the safety part left of it
    deadline = None if config.time_limit is None else (
        started + max(0.0, config.time_limit - result.stats.seconds))
    collecting = gc.isenabled()
    gc.disable()
    try:
        limits = _Limits(deadline, config.memory_limit)
        # a depth bound that left nothing unexplored bounds nothing here either
        early = _OnceSettled(temporal) if all(
            p.kind == "once_always" for p in temporal) else None
        graph = Graph(model, config if result.stopped_by else dataclasses.replace(
            config, max_depth=None), fairness, temporal, limits, symmetry=symmetry,
            on_level=early)
        if graph.settled_at is None and (
                symmetry is None or any(p.kind != "once_always" for p in temporal)):
            # (under symmetry with once_always alone, fairness is left as
            # written: values no representative's step has may be others';
            # and where the graph stopped short, a step past it may have them)
            fairness.refuse_unmatched()
        findings = []
        for number, prop in enumerate(temporal):
            limits.check()
            findings.append(find(graph, prop, None if early is None else early.of(number)))
    except (KeyboardInterrupt, MemoryError, _Stopped) as stop:
        # What the safety part found stands; the temporal properties are
        # not settled (Result.outcomes says why).
        why = ("interrupted" if isinstance(stop, KeyboardInterrupt) else
               "memory" if isinstance(stop, MemoryError) else stop.why)
        return dataclasses.replace(
            result, stopped_by=why, properties=result.properties + temporal,
            safety_complete=result.stopped_by is None,
            verdict="violated" if result.verdict == "violated" else "incomplete",
            stats=dataclasses.replace(
                result.stats, seconds=result.stats.seconds + time.monotonic() - started))
    finally:
        if collecting:
            gc.enable()
    seconds = time.monotonic() - started
    return _merge(result, graph, temporal, findings, seconds)


def _symmetry(model: Model, names: Any, temporal: tuple[Property, ...],
              fairness: Fairness) -> Symmetry | None:
    """The group the temporal properties are checked under (`names`: the
    config's symmetry, True for every set the model declares), or None
    where it renames nothing; refused, in one line, where a fair loop among
    representatives need not unroll into a fair loop of the model that
    breaks the property: a fairness family per element or value that
    renaming moves, or a property of each member of a set whose members
    renaming swaps (`_refuse_renamed`); a predicate that tells renamed elements apart is
    refused as the safety run's guard refuses one (`SoundnessGuard`)."""
    names = tuple(model.symmetry_sets) if names is True else names
    if not names:  # (the safety run says a model without sets reduces nothing)
        return None
    symmetry = Symmetry(model, names)
    if symmetry.order == 1:
        return None  # every element stands alone, as in the safety run
    guard = SoundnessGuard(model, symmetry, temporal)
    guard.refuse_expressions_telling_apart()
    # (fairness plays no part in once_always)
    fair = fairness if fairness.per_value and any(
        p.kind != "once_always" for p in temporal) else None
    _refuse_renamed(model, guard, temporal, fair)
    return symmetry


#: the first states (breadth-first) tried under renamings before the run:
#: fairness families, and properties of each member of a set
TRIED_BEFORE = 300


def _refuse_renamed(model: Model, guard: SoundnessGuard, temporal: tuple[Property, ...],
                    fairness: Fairness | None) -> None:
    """Tried before the run on the first `TRIED_BEFORE` states, each under
    the group's generators and renamings drawn: every fairness family
    (`fairness`; None where it plays no part, or where each family is
    closed under renaming whatever it renames) must be one condition closed
    under renaming (a step and its renaming take the same conditions:
    `Fairness.refuse_renamed`), and a property of each member of a set must
    give every member the same answer on a state and its renaming. Where
    renaming leaves the members alone (each client, the desks renamed),
    each member's property is one of the orbits, checked apart on them;
    where it swaps them (each server, the servers renamed) it is refused,
    in one line. The graph tries states past those too (`Graph._sample`),
    and a lasso is checked on the real run it shows (`Graph.confirm`). A
    model that fails on those states is left to the run, which says how."""
    each = [(prop, getattr(model, prop.name)) for prop in temporal if prop.each]
    if not each and fairness is None:
        return
    try:
        for number, state in enumerate(_first_states(model, TRIED_BEFORE)):
            steps = list(model.successors(state)) if fairness is not None else ()
            for perm in guard.renamings(number):
                for action, _ in steps:
                    fairness.refuse_renamed(action, model.permute_action(action, perm))
                image = model.permute(state, perm) if each else None
                for prop, predicate in each:
                    if guard.members_apart(prop, predicate, state, image):
                        moved = [name for name, images in perm.items()
                                 if list(images) != sorted(images)]
                        raise SpecError(
                            f"temporal property {prop.name!r} is of each {prop.each}: one "
                            f"property per {prop.each}, whose answers renaming "
                            f"{', '.join(moved)} changes (a renaming gives one's answer to another); check "
                            "it without symmetry: remove symmetry: from the spec (or pass "
                            "--no-symmetry)", field="symmetry")
    except SpecError:
        raise
    except Exception:  # (the run reports the model's error where it meets it)
        return


def _first_states(model: Model, most: int) -> list[Any]:
    """Up to `most` reachable states, breadth-first, as the run meets them
    (states outside the bounds kept, not expanded)."""
    bounded = has_bounds(model)
    seen = dict.fromkeys(model.initial_states())
    level = list(seen)
    while level and len(seen) < most:
        next_level = []
        for state in level:
            if bounded and not model.within_bounds(state):
                continue
            for _, target in model.successors(state):
                if target not in seen:
                    seen[target] = None
                    next_level.append(target)
        level = next_level
    return list(seen)[:most]


class _OnceSettled:
    """Where every temporal property is a ``[](P => []Q)``, whose violation
    is a finite path: their searches (`OnceThenFails`, one per member for a
    property of each member) taken on as the graph's levels are expanded
    (`Graph`'s `on_level`), so that the graph is built no further once each
    property has its path (a violation, or a witness shown): the search
    finds on those levels the path it would find on the whole graph, and a
    path of a member not found there is longer than one found. (A mutant
    that breaks it in 5 steps is reported without the millions of states
    past them; where one holds, the whole graph is built, as before.)"""

    def __init__(self, temporal: tuple[Property, ...]):
        self.temporal = temporal
        self.searches: list[dict[str | None, OnceThenFails]] = []

    def __call__(self, graph: Graph, expanded: int) -> bool:
        if not self.searches:
            for number, prop in enumerate(self.temporal):
                members = graph.values[number] if prop.each else (None,)
                self.searches.append({member: OnceThenFails(graph, prop, member)
                                      for member in members})
        settled = True
        for searches in self.searches:
            for once in searches.values():
                once.advance(expanded)
            settled = settled and any(once.found is not None for once in searches.values())
        return settled

    def of(self, number: int) -> dict[str | None, OnceThenFails] | None:
        """The searches of the `number`th property, if under way."""
        return self.searches[number] if self.searches else None


class _Stopped(Exception):
    """A limit of the run was reached while the graph was built or searched."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class _Limits:
    """The time limit (a deadline) and the memory limit (bytes) of the run,
    checked now and then while the graph is built and searched."""

    def __init__(self, deadline: float | None, memory_limit: int | None):
        self.deadline, self.memory_limit = deadline, memory_limit

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _Stopped("time_limit")
        if self.memory_limit is not None and resident_memory() > self.memory_limit:
            raise _Stopped("memory_limit")


def _merge(result: Result, graph: "Graph", temporal: tuple[Property, ...],
           findings: list[Finding | None], seconds: float) -> Result:
    if result.stopped_by is not None:
        # The depth bound left states unexplored: a lasso within it is one,
        # but finding none proves nothing (a loop may lie beyond the bound),
        # so "every fair behaviour ..." is no answer and nothing holds.
        findings = [f if f is None or f.trace is not None else None for f in findings]
    # A witness found only at a bound settles nothing, as a violation there
    # does: it stays with the violations, whose bound makes it "not settled".
    witnessed = [f is not None and f.property.witness and f.trace is not None
                 and f.bound is None for f in findings]
    violations = [f for f, w in zip(findings, witnessed) if f is not None and not w]
    witnesses = [f for f, w in zip(findings, witnessed) if w]
    graph_stats = dict(liveness_seconds=seconds, graph_states=graph.size,
                       graph_edges=len(graph.targets), graph_bytes=graph.nbytes,
                       graph_settled_at=graph.settled_at)
    # the whole run's time and memory: the safety part and this one
    stats = dataclasses.replace(
        result.stats, seconds=result.stats.seconds + seconds,
        peak_memory_bytes=max(result.stats.peak_memory_bytes, peak_memory()),
        **graph_stats)
    every = result.violations + tuple(violations)
    if any(f.bound is None for f in every):
        verdict = "violated"
    elif every:
        verdict = "incomplete"  # the only lassos stall at a bound
    else:
        verdict = result.verdict
    return dataclasses.replace(
        result, verdict=verdict, stats=stats, properties=result.properties + temporal,
        violations=every, witnesses=result.witnesses + tuple(witnesses))
