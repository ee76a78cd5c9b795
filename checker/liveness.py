"""Temporal properties under fairness: the behaviour graph, fair cycles, lassos.

A temporal property (`checker.properties`: ``eventually``, ``leads_to``,
``always_eventually``, ``eventually_always``) fails when some *fair*
behaviour avoids what it promises. On a finite graph such a behaviour is a
lasso: a stem from an initial state into a strongly connected set of states
it then loops in for ever (or a single state it stutters in for ever), the
loop avoiding the promise. This is how TLC checks liveness, by strongly
connected components of the behaviour graph, with the fairness conditions
checked per component (the Streett refinement for strong fairness).

`check` runs the safety check first (the breadth-first engine,
`checker.explore`), then, if it completed, explores the graph again keeping
every successor link, compactly (integer arrays: targets, the successor's
number, its action's index), and looks for a fair lasso for each temporal
property:

- ``<>P``: the loop region is the states where P is false, entered from an
  initial state through such states only.
- ``P ~> Q``: the region is the states where Q is false, entered at a state
  where P holds (reached by any path).
- ``[]<>P``: the region is the states where P is false, reached by any path.
- ``<>[]P``: the region is every state, and the loop (or the stutter) passes
  a state where P is false.

Fairness (`CheckConfig.fairness`, `checker.fairness`) constrains the loop.
A family is *enabled* in a state where one of its steps leaves the state
(TLA+'s ``ENABLED <<A>>_v``), *taken* by a loop that contains one of its
steps. A loop is weakly fair to a family if it takes it or the family
is disabled in some state of the loop; strongly fair if it takes it or the
family is disabled in every state of the loop. Stuttering for ever in a
state is fair when no fair family is enabled there.

Honest with bounds: a state whose run ends only because a bound ran out (the
model names the bound, every step leaves the state constraint, or the depth
bound) is not a place a behaviour stays: a lasso found only there is
reported with that bound (`Finding.bound`) and settles nothing. Likewise a
loop (or a stutter) that is unfair only because a fair family's steps
leave the state constraint: its behaviour goes on beyond the bounds, where
nothing is known, so it is reported with the families cut off and settles
nothing (a family is enabled where it has a step, inside the bounds or
not; otherwise a bound could silently turn a violation into "holds").

A model whose states are renumbered (Raft's ``terms: relative``) names the
actions whose arguments renumbering changes (``renumbered_actions``): one
of them in the graph is not one action of the model, so fairness to each
of its instances apart is refused.

Symmetry is refused: fairness to a family that names a node is not
preserved by renaming nodes, and a loop among representatives need not be a
loop of the unreduced model.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from array import array
from collections import deque
from typing import Any, Iterator

from checker.errors import CheckerError, ModelDefinitionError, raised_in_model, shortened
from checker.explore import _peak_memory
from checker.fairness import Fairness
from checker.fingerprints import Fingerprints
from checker.model import Model, has_bounds
from checker.properties import Property
from checker.result import CheckConfig, Finding, Result
from checker.traces import replay
from checker.workers import resident_memory

#: How a run ends at a state, if it does: it goes on, it ends (no step), or
#: it reaches a bound: the depth bound, every step leaving the state
#: constraint, or no step and the model names the bound that ran out.
GOES_ON, ENDS, AT_DEPTH, ALL_OUTSIDE, NAMED = 0, 1, 2, 3, 4
AT_BOUND = (AT_DEPTH, ALL_OUTSIDE, NAMED)


def check(model: Model, config: CheckConfig, reporter: Any = None,
          owners: Any = None) -> Result:
    """Check the safety properties (`checker.explore`, its partitions
    started by `owners`) and then, if that run was complete, the temporal
    ones; return one `Result`."""
    from checker.explore import check as check_safety, select_properties

    selected = select_properties(model, config.properties)
    temporal = tuple(p for p in selected if p.temporal)
    if config.symmetry:
        raise CheckerError(
            f"temporal properties ({', '.join(p.name for p in temporal)}) are checked "
            "without symmetry: fairness to one node is not kept by renaming nodes; "
            "remove symmetry: from the spec (or pass --no-symmetry)")
    safety = tuple(p.name for p in selected if not p.temporal)
    fairness = Fairness(model, config.fairness)
    # The safety run comes first even with no safety property: it checks
    # deadlock and the model's contract (hashable states, no exceptions),
    # and says whether the depth bound left states unexplored.
    result = check_safety(model, dataclasses.replace(config, properties=safety),
                          reporter, owners=owners)
    if result.stopped_by not in (None, "max_depth") or (not config.keep_going and any(
            finding.trace is not None for finding in result.violations)):
        # The graph is not complete or the run stopped at a violation: the
        # temporal properties are not settled (Result.outcomes says so).
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
        graph = Graph(model, config if result.stopped_by else dataclasses.replace(
            config, max_depth=None), fairness, temporal, limits)
        fairness.refuse_unmatched()
        findings = []
        for prop in temporal:
            limits.check()
            findings.append(_find(graph, prop))
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
                       graph_edges=len(graph.targets), graph_bytes=graph.nbytes)
    # the whole run's time and memory: the safety part and this one
    stats = dataclasses.replace(
        result.stats, seconds=result.stats.seconds + seconds,
        peak_memory_bytes=max(result.stats.peak_memory_bytes, _peak_memory()),
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


# -- the graph -------------------------------------------------------------------------


class Graph:
    """Every reachable state (numbered in breadth-first order) with its
    successor links, the predicates of the temporal properties, the
    fairness families each state enables, and how runs end."""

    def __init__(self, model: Model, config: CheckConfig, fairness: Fairness,
                 properties: tuple[Property, ...], limits: "_Limits | None" = None):
        self.model, self.fairness, self.properties = model, fairness, properties
        self.max_depth = config.max_depth
        fingerprint = (lambda state: state) if config.exact else Fingerprints(config.fp_seed)
        numbers: dict[Any, int] = {}
        self.parents = array("I")        # breadth-first tree, for stems
        self.depths = array("I")         # each state's distance from an initial state
        self.first = array("Q", [0])     # successor links of state k: first[k]:first[k+1]
        self.targets = array("I")
        self.ordinals = array("H")       # which successor of its state a link is
        self.stops = bytearray()
        self.enabled: list[int] = []     # fairness bits each state enables
        self.enabled_inside: list[int] = []  # ... by a step within the bounds
        self.link_masks: list[int] = []  # fairness bits each link takes
        # the bound (`Model.bound_reason`) a fairness bit's steps pass where
        # they leave the bounds, for the lassos stalled there; bits asked of
        self.cut_reasons: dict[int, str] = {}
        self.cut_asked = 0
        self.initial_ordinals: dict[int, int] = {}
        predicates = [getattr(model, p.name) for p in properties]
        # each property's value in each state; a property of each member of
        # a set (`Property.each`), each member's, by name
        self.values: list[Any] = [{} if p.each else bytearray() for p in properties]
        self.depth = 0
        bounded = has_bounds(model)
        limit = config.max_depth
        quotient = model.quotient
        frontier: list[Any] = []
        for ordinal, state in enumerate(model.initial_states()):
            if bounded and not model.within_bounds(state):
                continue  # as in the safety run: neither counted nor explored
            key = fingerprint(state)
            if key not in numbers:
                numbers[key] = len(numbers)
                self.initial_ordinals[numbers[key]] = ordinal
                self.parents.append(0xFFFFFFFF)
                self.depths.append(0)
                frontier.append(state)
                self._evaluate(state, properties, predicates)
        number = 0
        while frontier:
            next_level: list[Any] = []
            for state in frontier:
                if limits is not None and number & 4095 == 0:
                    limits.check()
                steps = list(model.successors(state)) if limit is None or self.depth < limit \
                    else None
                enabled, inside_enabled, stop = 0, 0, GOES_ON
                moving = None if steps is None else self._moving(state, steps, quotient,
                                                                  fairness)
                if moving is None:
                    stop = AT_DEPTH
                elif not moving:
                    stop = NAMED if model.bound_reason(state) is not None else ENDS
                else:
                    inside = 0
                    for ordinal, (action, target) in moving:
                        mask = fairness.mask(action)
                        enabled |= mask
                        if bounded and not model.within_bounds(target):
                            if mask & ~self.cut_asked:
                                self._ask_cut_reason(mask, target)
                            continue
                        inside += 1
                        inside_enabled |= mask
                        key = fingerprint(target)
                        successor = numbers.get(key)
                        if successor is None:
                            successor = numbers[key] = len(numbers)
                            self.parents.append(number)
                            self.depths.append(self.depth + 1)
                            next_level.append(target)
                            self._evaluate(target, properties, predicates)
                        self.targets.append(successor)
                        self.ordinals.append(ordinal)
                        self.link_masks.append(mask)
                    if not inside:
                        stop = ALL_OUTSIDE
                self.first.append(len(self.targets))
                self.enabled.append(enabled)
                self.enabled_inside.append(inside_enabled if moving else enabled)
                self.stops.append(stop)
                number += 1
            frontier = next_level
            if frontier:
                self.depth += 1
        self.size = len(numbers)

    def _ask_cut_reason(self, mask: int, target: Any) -> None:
        reason = self.model.bound_reason(target)
        if reason is not None:
            for bit in _bits(mask & ~self.cut_asked):
                self.cut_reasons[bit] = reason
        self.cut_asked |= mask

    def _moving(self, state: Any, steps: list, quotient: bool,
                fairness: "Fairness") -> list[tuple[int, Any]]:
        """The steps from `state` that leave it, with their positions. A step
        to the same state is a stuttering step: no step of its action for
        fairness (WF_vars(A) and SF_vars(A) ask for <<A>>_vars, a step that
        changes something) and no link (a behaviour may stutter in any
        state); in a quotient it may stand for a real step."""
        moving = []
        for ordinal, step in enumerate(steps):
            if quotient or step[1] != state:
                moving.append((ordinal, step))
            else:
                fairness.mask(step[0])  # a step of its family all the same
        return moving

    def _evaluate(self, state: Any, properties: tuple[Property, ...],
                  predicates: list[Any]) -> None:
        for values, prop, predicate in zip(self.values, properties, predicates):
            try:
                outcome = predicate(state)
            except MemoryError:
                raise
            except (Exception, SystemExit) as error:
                raise raised_in_model(self.model.name, f"property {prop.name!r}",
                                      error) from None
            if not prop.each:
                values.append(self._value(prop, outcome))
                continue
            if not isinstance(outcome, dict) or not outcome or (
                    values and outcome.keys() != values.keys()):
                raise ModelDefinitionError(
                    f"model {self.model.name!r}: property {prop.name!r} is of each "
                    f"{prop.each}: return a dict of one value per {prop.each} by name, the "
                    f"same names in every state; got {shortened(outcome)}"
                    + (f" where the first state gave {', '.join(map(str, values))}"
                       if values else ""))
            for member, value in outcome.items():
                values.setdefault(member, bytearray()).append(self._value(prop, value))

    def _value(self, prop: Property, outcome: Any) -> int:
        if prop.kind != "leads_to":
            return bool(outcome)
        if isinstance(outcome, (tuple, list)) and len(outcome) == 2:
            return bool(outcome[0]) | bool(outcome[1]) << 1
        raise ModelDefinitionError(
            f"model {self.model.name!r}: property {prop.name!r} is a leads_to "
            "property: return a pair (p, q), for whenever p, later q; got "
            f"{outcome!r}")

    @property
    def nbytes(self) -> int:
        arrays = (self.parents, self.depths, self.first, self.targets, self.ordinals)
        return (sum(a.itemsize * len(a) for a in arrays) + len(self.stops)
                + sum(len(v) if isinstance(v, bytearray) else sum(map(len, v.values()))
                      for v in self.values) + 8 * (2 * len(self.enabled)
                                                         + len(self.link_masks)))

    def successors(self, number: int) -> range:
        """The positions of `number`'s links in `targets`."""
        return range(self.first[number], self.first[number + 1])

    def run(self, start: int, links: list[int]) -> Any:
        """The trace from initial state `start` along `links` (positions in
        `targets`, each leaving the state the one before reached)."""
        ordinals = [self.initial_ordinals[start]] + [self.ordinals[k] for k in links]
        return replay(self.model, ordinals)

    def links(self, path: list[int]) -> list[int]:
        """Links through the states numbered `path`: the first from each to
        the next (where several actions join two states, any one will do)."""
        return [next(k for k in self.successors(here) if self.targets[k] == there)
                for here, there in zip(path, path[1:])]

    def stem(self, number: int) -> list[int]:
        """The breadth-first tree's path to state `number`."""
        path = [number]
        while self.parents[path[-1]] != 0xFFFFFFFF:
            path.append(self.parents[path[-1]])
        path.reverse()
        return path


# -- fair lassos -------------------------------------------------------------------------


class Lassos:
    """The shortest fair lasso that shows one temporal property failing (or,
    for a witness property, holding)."""

    def __init__(self, graph: Graph, prop: Property, member: str | None = None):
        self.graph, self.prop, self.member = graph, prop, member
        #: whether the region may be entered anywhere (its stem then leads
        #: there through any states), not only from an initial state
        self.entered_anywhere = prop.kind in ("leads_to", "always_eventually")
        values = graph.values[graph.properties.index(prop)]
        if member is not None:
            values = values[member]
        #: where the loop must pass (a state where P fails, for <>[]P); None: anywhere
        self.target: bytearray | None = None
        if prop.kind == "leads_to":
            self.region = bytearray(1 - (v >> 1) for v in values)       # not q
            seeds = [k for k, v in enumerate(values) if v == 1]          # p and not q
        elif prop.kind == "eventually_always":
            self.region = bytearray(b"\x01") * graph.size               # anywhere,
            self.target = bytearray(1 - v for v in values)               # through not p
            seeds = list(graph.initial_ordinals)
        else:
            self.region = bytearray(1 - v for v in values)               # not p
            if prop.kind == "eventually":
                seeds = [k for k in graph.initial_ordinals if self.region[k]]
            else:
                seeds = [k for k in range(graph.size) if self.region[k]]
        self.seeds = seeds

    def find(self) -> Finding | None:
        graph, prop = self.graph, self.prop
        distance, via = self._reach()
        best: tuple[int, int, list[int] | None, str | None] | None = None
        for entry, loop, bound in self._candidates(distance):
            rank = (bound is not None, distance[entry])
            if best is None or rank < (best[3] is not None, distance[best[0]]):
                best = (entry, distance[entry], loop, bound)
        of = "" if self.member is None else f"for {prop.each} {self.member}, "
        if best is None:
            if prop.witness:
                return Finding(prop, None, of + "every fair behaviour " + _promise(prop))
            return None
        entry, _, loop, bound = best
        path = self._stem(entry, via)
        loop_start = len(path) - 1
        trace = graph.run(path[0], graph.links(path) + (loop or []))
        reason = of + (("some fair behaviour " if prop.witness else "a fair behaviour ")
                       + _broken(prop))
        if bound is not None and graph.stops[entry] == NAMED:
            bound = graph.model.bound_reason(trace.final)
        if bound is not None:
            reason += f", but only because it stalls at a bound: {bound}"
        return Finding(prop, trace, reason, loop_start=loop_start, bound=bound)

    def _reach(self) -> tuple[dict[int, int], dict[int, int]]:
        """The states of the region reachable from the seeds within it: the
        length of the shortest stem to each (`distance`) and the link it
        comes by (`via`: the previous state, absent for a seed)."""
        graph, region = self.graph, self.region
        distance: dict[int, int] = {}
        via: dict[int, int] = {}
        # Seeds enter at their own distance from an initial state (0 for
        # <>P, whose stem lies in the region), each with the level of that
        # depth before the level is expanded: a seed one step from another
        # of its depth is still a seed.
        pending = sorted((graph.depths[seed] if self.entered_anywhere else 0, seed)
                         for seed in self.seeds)
        targets = graph.targets
        level: list[int] = []
        depth = index = 0
        while level or index < len(pending):
            if not level:
                depth = pending[index][0]
            while index < len(pending) and pending[index][0] == depth:
                seed = pending[index][1]
                index += 1
                if seed not in distance:
                    distance[seed] = depth
                    level.append(seed)
            next_level = []
            for here in level:
                for k in graph.successors(here):
                    there = targets[k]
                    if region[there] and there not in distance:
                        distance[there] = depth + 1
                        via[there] = here
                        next_level.append(there)
            level = next_level
            depth += 1
        return distance, via

    def _stem(self, entry: int, via: dict[int, int]) -> list[int]:
        path = [entry]
        while path[-1] in via:
            path.append(via[path[-1]])
        path.reverse()
        if self.entered_anywhere:
            path = self.graph.stem(path[0])[:-1] + path
        return path

    def _candidates(self, distance: dict[int, int]
                    ) -> Iterator[tuple[int, list[int] | None, str | None]]:
        """Where a fair behaviour can stay for ever: (entry state, the loop
        from it back to it as links, or None for stuttering in it; the bound it
        stalls at, if that is the only reason it stays)."""
        graph, fairness = self.graph, self.graph.fairness
        fair = fairness.weak | fairness.strong
        target = self.target
        for here in distance:
            if target is not None and not target[here]:
                continue  # a behaviour that stays here keeps P: no counterexample
            stop = graph.stops[here]
            if stop in AT_BOUND:
                yield here, None, {
                    AT_DEPTH: f"the depth bound (max_depth = {graph.max_depth}) is reached",
                    ALL_OUTSIDE: "every step from here leaves the bounds (within_bounds)",
                    NAMED: "the model names the bound"}[stop]
            elif not graph.enabled[here] & fair:
                yield here, None, None  # stuttering for ever is fair here
            elif not graph.enabled_inside[here] & fair:
                yield here, None, _cut(graph, [here])
        allowed = set(distance)
        for component in fair_components(graph, allowed, graph.enabled):
            entry = self._entry(component, distance)
            if entry is not None:
                yield entry, fair_loop(graph, component, entry, graph.enabled), None
        # A loop left only by fair steps that leave the bounds: whether the
        # behaviour would go on fairly outside them is not known.
        if any(a != b for a, b in zip(graph.enabled, graph.enabled_inside)):
            for component in fair_components(graph, allowed, graph.enabled_inside):
                if _fair(graph, component, graph.enabled):
                    continue  # a real one, found above
                entry = self._entry(component, distance)
                if entry is not None:
                    yield (entry, fair_loop(graph, component, entry, graph.enabled_inside),
                           _cut(graph, component))

    def _entry(self, component: list[int], distance: dict[int, int]) -> int | None:
        """Where the lasso enters a fair component: its closest state (that
        the loop must pass, if any; None if there is none)."""
        target = self.target
        states = component if target is None else [k for k in component if target[k]]
        return min(states, key=lambda k: (distance[k], k), default=None)


def _find(graph: Graph, prop: Property) -> Finding | None:
    """The finding of `prop`: its lasso (`Lassos`), or, for a property of
    each member of a set, the first member's that breaks it outright, else
    the first member's that breaks it at a bound, else (a witness) that
    every member keeps it."""
    if not prop.each:
        return Lassos(graph, prop).find()
    findings = [f for f in (Lassos(graph, prop, member).find()
                            for member in graph.values[graph.properties.index(prop)])
                if f is not None]
    if findings and all(f.trace is None for f in findings):  # a witness no member has
        return Finding(prop, None, f"for every {prop.each}, every fair behaviour "
                       + _promise(prop))
    return min(findings, key=lambda f: (f.trace is None, f.bound is not None), default=None)


def _cut(graph: Graph, states: list[int]) -> str:
    """The bound a fair behaviour staying in `states` stalls at: the fair
    families whose steps there leave the bounds."""
    cut = 0
    for k in states:
        cut |= graph.enabled[k] & ~graph.enabled_inside[k]
    labels = [graph.fairness.labels[bit.bit_length() - 1] for bit in _bits(cut)]
    verb = "takes" if len(labels) == 1 else "take"
    reasons = list(dict.fromkeys(graph.cut_reasons[bit] for bit in _bits(cut)
                                 if bit in graph.cut_reasons))
    return (f"{' and '.join(labels)} only {verb} steps that leave the bounds "
            + (f"({'; '.join(reasons)})" if reasons else "(within_bounds)"))


def _promise(prop: Property) -> str:
    return {"eventually": f"reaches {prop.title}",
            "leads_to": f"keeps {prop.title}",
            "always_eventually": f"reaches {prop.title} again and again",
            "eventually_always": f"ends up in {prop.title} for good"}[prop.kind]


def _broken(prop: Property) -> str:
    return {"eventually": f"never reaches {prop.title}",
            "leads_to": f"breaks {prop.title}: the first part holds, the second never after",
            "always_eventually": f"ends up never reaching {prop.title}",
            "eventually_always": f"leaves {prop.title} again and again"}[prop.kind]


# -- strongly connected components and fair loops ------------------------------------------


def components(graph: Graph, allowed: set[int]) -> Iterator[list[int]]:
    """The strongly connected components of the subgraph on `allowed` that
    contain a link (a state alone without a link to itself is none):
    Tarjan's algorithm, iterative."""
    targets = graph.targets
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    counter = 0
    for root in sorted(allowed):
        if root in index:
            continue
        work = [(root, iter(graph.successors(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            here, links = work[-1]
            advanced = False
            for k in links:
                there = targets[k]
                if there not in allowed:
                    continue
                if there not in index:
                    index[there] = low[there] = counter
                    counter += 1
                    stack.append(there)
                    on_stack.add(there)
                    work.append((there, iter(graph.successors(there))))
                    advanced = True
                    break
                if there in on_stack:
                    low[here] = min(low[here], index[there])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[here])
            if low[here] == index[here]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == here:
                        break
                if len(component) > 1 or any(targets[k] == here
                                             for k in graph.successors(here)):
                    yield component


def fair_components(graph: Graph, allowed: set[int], enabled: list[int]
                    ) -> Iterator[list[int]]:
    """The strongly connected sets of states within `allowed` that a fair
    behaviour can loop in for ever: each takes every weakly fair family
    that is enabled in all its states, and every strongly fair family
    enabled in any of its states (`enabled`: the families each state
    enables). A component that fails a strong constraint is searched again
    without the states that enable it."""
    strong = graph.fairness.strong
    work = [allowed]
    while work:
        for component in components(graph, work.pop()):
            weak_ok, unfair = _fairness_of(graph, component, enabled)
            if not weak_ok:
                continue  # no part of it is fair either: the family stays enabled
            if not unfair:
                yield component
            else:
                rest = {k for k in component if not enabled[k] & unfair & strong}
                if rest:
                    work.append(rest)


def _fairness_of(graph: Graph, component: list[int], enabled: list[int]) -> tuple[bool, int]:
    """Whether looping through all of `component` is weakly fair, and the
    strongly fair families it leaves unfair."""
    weak, strong = graph.fairness.weak, graph.fairness.strong
    members = set(component)
    taken, everywhere, anywhere = 0, -1, 0
    for here in component:
        everywhere &= enabled[here]
        anywhere |= enabled[here]
        for k in graph.successors(here):
            if graph.targets[k] in members:
                taken |= graph.link_masks[k]
    return not weak & everywhere & ~taken, strong & anywhere & ~taken


def _fair(graph: Graph, component: list[int], enabled: list[int]) -> bool:
    """Whether some fair behaviour loops within `component` for ever."""
    return any(True for _ in fair_components(graph, set(component), enabled))


def fair_loop(graph: Graph, component: list[int], entry: int, enabled: list[int]
              ) -> list[int]:
    """A loop from `entry` back to it within `component`, as links, that
    takes or passes a state disabling each fair family the component needs:
    the shortest loop when no family needs anything more. Links, not
    states: two actions may join the same two states, one of them fair."""
    members = set(component)
    weak, strong = graph.fairness.weak, graph.fairness.strong
    loop, links = [entry], []
    taken, disabled_seen = _walked(graph, loop, links, enabled)
    for bit in _bits(weak | strong):
        if taken & bit or (bit & weak and disabled_seen & bit):
            continue
        found = _closest_link(graph, members, loop[-1], bit)
        if found is not None:
            path, link = found
            loop += path[1:] + [graph.targets[link]]
            links += graph.links(path) + [link]
        elif bit & weak:
            state = _closest_state(graph, members, loop[-1],
                                   lambda k: not enabled[k] & bit)
            if state is None:
                continue
            loop += state[1:]
            links += graph.links(state)
        else:
            continue  # strong, disabled everywhere in the component
        taken, disabled_seen = _walked(graph, loop, links, enabled)
    back = _shortest_path(graph, members, loop[-1], entry, nonempty=len(loop) == 1)
    return links + graph.links(back)


def _walked(graph: Graph, loop: list[int], links: list[int], enabled: list[int]
            ) -> tuple[int, int]:
    taken, disabled = 0, 0
    for k in links:
        taken |= graph.link_masks[k]
    for here in loop:
        disabled |= ~enabled[here]
    return taken, disabled


def _bits(mask: int) -> Iterator[int]:
    while mask:
        bit = mask & -mask
        yield bit
        mask ^= bit


def _closest_link(graph: Graph, members: set[int], start: int, bit: int):
    """The shortest path from `start` within `members` to a link taking
    `bit`: (the path to the link's source, the link)."""
    found = _closest_state(graph, members, start, lambda k: any(
        graph.link_masks[j] & bit and graph.targets[j] in members
        for j in graph.successors(k)))
    if found is None:
        return None
    link = next(j for j in graph.successors(found[-1])
                if graph.link_masks[j] & bit and graph.targets[j] in members)
    return found, link


def _closest_state(graph: Graph, members: set[int], start: int, wanted) -> list[int] | None:
    via = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if wanted(here):
            path = [here]
            while via[path[-1]] is not None:
                path.append(via[path[-1]])
            return path[::-1]
        for k in graph.successors(here):
            there = graph.targets[k]
            if there in members and there not in via:
                via[there] = here
                queue.append(there)
    return None


def _shortest_path(graph: Graph, members: set[int], start: int, goal: int,
                   nonempty: bool) -> list[int]:
    """The shortest path from `start` to `goal` within `members`; with
    `nonempty`, of at least one link (a loop when start is goal)."""
    if start == goal and not nonempty:
        return [start]
    via: dict[int, int | None] = {}
    queue: deque[int] = deque()
    for k in graph.successors(start):
        there = graph.targets[k]
        if there in members and there not in via:
            via[there] = start
            queue.append(there)
    while queue:
        here = queue.popleft()
        if here == goal:
            path = [here]
            while path[-1] != start or len(path) == 1:
                path.append(via[path[-1]])
            return path[::-1]
        for k in graph.successors(here):
            there = graph.targets[k]
            if there in members and there not in via:
                via[there] = here
                queue.append(there)
    raise AssertionError("a strongly connected component has a path between any two states")
