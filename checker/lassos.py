"""Fair lassos in the behaviour graph (`checker.behaviour_graph`): for each
temporal property, the behaviour that shows it failing (or, for a witness
property, holding), as a stem from an initial state and a loop, or a state
stuttered in for ever.

Where the loop lies, for each kind of property:

- ``<>P``: the loop region is the states where P is false, entered from an
  initial state through such states only.
- ``P ~> Q``: the region is the states where Q is false, entered at a state
  where P holds (reached by any path).
- ``[]<>P``: the region is the states where P is false, reached by any path.
- ``<>[]P``: the region is every state, and the loop (or the stutter) passes
  a state where P is false.
- ``[](P => []Q)``: no loop at all. Its violation is finite, a path to a
  state where P holds and on (perhaps no step) to one where Q fails; any
  finite path extends to a fair behaviour, so fairness plays no part, and
  the path's steps are real, so a bound does not excuse it. Shown as the
  shortest such path, then stuttering for ever (as TLC shows it), found by
  a breadth-first search over pairs (state, whether P has held)
  (`once_then_fails`).

Fairness (`CheckConfig.fairness`, `checker.fairness`) constrains the loop.
A family is *enabled* in a state where one of its steps leaves the state
(TLA+'s ``ENABLED <<A>>_v``), *taken* by a loop that contains one of its
steps. A loop is weakly fair to a family if it takes it or the family
is disabled in some state of the loop; strongly fair if it takes it or the
family is disabled in every state of the loop. Stuttering for ever in a
state is fair when no fair family is enabled there.

Which lasso is shown (`Lassos.find`): the one with the shortest stem; of
those, the one with the shortest fair loop from the stem's end back to it
(stuttering, a loop of none, first), found exactly by a breadth-first
search over pairs (state, the fairness kept so far) within the loop's
component (`_LoopSearch.shortest`); then the lowest-numbered state the loop
starts at. Past a cap on the pairs (`loop_search_budget`: 8 per state of
the graph, at least 2^16, at most 2^20) the loop is a fair one built
nearest debt first (`_LoopSearch.greedy`), and the finding's reason says
it may not be the shortest.

Honest with bounds: a state whose run ends only because a bound ran out (the
model names the bound, every step leaves the state constraint, or the depth
bound) is not a place a behaviour stays: a lasso found only there is
reported with that bound (`Finding.bound`) and settles nothing. Likewise a
loop (or a stutter) that is unfair only because a fair family's steps
leave the state constraint: its behaviour goes on beyond the bounds, where
nothing is known, so it is reported with the families cut off and settles
nothing (a family is enabled where it has a step, inside the bounds or
not; otherwise a bound could silently turn a violation into "holds").
"""

from __future__ import annotations

import dataclasses
from collections import deque
from typing import Any, Iterator

from checker.behaviour_graph import ALL_OUTSIDE, AT_BOUND, AT_DEPTH, NAMED, Graph, each_bit
from checker.properties import Property, every_step_leaves, reason_of
from checker.result import Finding


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
        """The lasso with the shortest stem, then the shortest fair loop
        through the stem's end (`_LoopSearch.shortest`), then the lowest-
        numbered state the loop starts at; one that stalls at a bound only
        where no other lasso exists."""
        graph, prop = self.graph, self.prop
        distance, via = self._reach()
        stays = list(self._candidates(distance))
        of = "" if self.member is None else f"for {prop.each} {self.member}, "
        if not stays:
            if prop.witness:
                return Finding(prop, None, of + "every fair behaviour " + _promise(prop))
            return None
        rank = min((bound is not None, distance[entries[0]]) for entries, _, _, bound in stays)
        budget = loop_search_budget(graph.size)
        ranked = [stay for stay in stays if (stay[3] is not None, distance[stay[0][0]]) == rank]
        entry, loop, bound, shortest = self._shortest_loop(ranked, budget)
        path = self._stem(entry, via)
        trace, loop_start = graph.lasso(path[0], graph.links(path), loop or [])
        if loop and len(trace) - loop_start > len(loop):
            unreduced = self._unreduced(ranked, via)
            if unreduced is not None and len(unreduced.trace) < len(trace):
                return unreduced
        reason = of + (("some fair behaviour " if prop.witness else "a fair behaviour ")
                       + _broken(prop))
        if bound is not None and graph.stops[entry] in (NAMED, ALL_OUTSIDE):
            bound = graph.bound_named(trace.final, graph.stops[entry]) or bound
        if bound is not None:
            reason += f", but only because it stalls at a bound: {bound}"
        if not shortest:
            reason += (" (the loop is fair, but may not be the shortest: the search for the "
                       f"shortest gives up past {budget:,} pairs of a state and the "
                       "fairness kept on the way)")
        why = None if prop.witness else _why_fails_in_loop(graph.model, prop, self.member,
                                                            trace, loop_start)
        return Finding(prop, trace, reason + (f" ({why})" if why else ""),
                       loop_start=loop_start, bound=bound)

    def _unreduced(self, stays: list, via: dict[int, int]) -> Finding | None:
        """Under symmetry, where the loop found was gone round more than once
        before the run closed: the lasso found again without symmetry, on
        the states of the model that rename those of the fair components the
        shortest stems reach (`stays`), and a stem lifted to each entry.
        Every lasso of the model maps to one of the orbits with as long a
        stem and as long a loop, so the model's shortest loops lie there
        and may be shorter than the orbits' loop gone round until the run
        closes; and the shortest through a state is as long as through any
        renaming of it, so one stem to each entry's orbit will do. (A graph
        for each initial state the stems start from.) None where those
        states could be more than the reduced graph has (and
        `UNREDUCED_FLOOR`): the reduction is then what makes the check
        affordable."""
        graph = self.graph
        most = max(graph.size, UNREDUCED_FLOOR)
        stems: dict[int, dict[Any, None]] = {}  # initial state -> the stems' states from it
        region: list[Any] = []
        for entries, component, _, _ in stays:
            if component is None:
                continue
            for entry in entries:
                path = self._stem(entry, via)
                run = graph.run(path[0], graph.links(path))
                stems.setdefault(path[0], {}).update(dict.fromkeys(
                    step.state for step in run.steps))
                if entry == entries[0]:
                    orbits = graph.orbits(set(component), entry, run.final, most)
                    if orbits is None:
                        return None
                    region += orbits
                    most -= len(orbits)
        if sum(map(len, stems.values())) > most:
            return None
        found = [Lassos(graph.among([*states, *region], (self.prop,)), self.prop,
                        self.member).find() for states in stems.values()]
        return min((finding for finding in found if finding is not None and finding.trace),
                   key=lambda finding: len(finding.trace), default=None)

    def _shortest_loop(self, stays: list, cap: int
                       ) -> tuple[int, list[int] | None, str | None, bool]:
        """Of the places a fair behaviour can stay whose stems are equally
        short, the one with the shortest fair loop through the stem's end,
        then the lowest-numbered end: (that state, its loop as links, or None
        for stuttering there, the bound it stalls at, whether the loop is
        known to be the shortest: the searches visited at most `cap` pairs
        in all)."""
        stutters = [(entries[0], bound) for entries, component, _, bound in stays
                    if component is None]
        if stutters:  # no loop is shorter than none
            entry, bound = min(stutters)
            return entry, None, bound, True
        tried = sorted((entry, index) for index, (entries, _, _, _) in enumerate(stays)
                       for entry in entries)
        searches: dict[int, _LoopSearch] = {}
        budget = [cap]
        best: tuple[int, list[int], str | None] | None = None
        shortest = True
        for entry, index in tried:
            entries, component, enabled, bound = stays[index]
            if index not in searches:
                searches[index] = _LoopSearch(self.graph, component, enabled)
            longest = None if best is None else len(best[1]) - 1
            if budget[0] > 0:
                loop = searches[index].shortest(entry, longest, budget)
                if loop is _OVER:
                    shortest = False
                    loop = searches[index].greedy(entry)
            elif entry == entries[0]:  # past the cap: a fair loop, not every one
                shortest = False
                loop = searches[index].greedy(entry)
            else:
                continue
            if loop is not None and (best is None or len(loop) < len(best[1])):
                best = (entry, loop, bound)
        assert best is not None, "a fair component has a fair loop through each state"
        return best + (shortest,)

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
                    ) -> Iterator[tuple[list[int], list[int] | None, list[int] | None,
                                        str | None]]:
        """Where a fair behaviour can stay for ever: (the states the lasso
        may enter it at, at its shortest stem, by number; the component it
        loops in, or None for stuttering in its one state; the fairness
        bits each state enables, as the loop must be fair to them; the bound
        it stalls at, if that is the only reason it stays)."""
        graph, fairness = self.graph, self.graph.fairness
        fair = fairness.weak | fairness.strong
        target = self.target
        for here in distance:
            if target is not None and not target[here]:
                continue  # a behaviour that stays here keeps P: no counterexample
            stop = graph.stops[here]
            if stop == ALL_OUTSIDE and not graph.enabled[here] & fair:
                # every step leaves the bounds, but none is fair: stuttering
                # here for ever is fair with the bounds or without them (as
                # TLC, which evaluates ENABLED on the spec, reports it)
                yield [here], None, None, None
            elif stop in AT_BOUND:
                yield [here], None, None, {
                    AT_DEPTH: f"the depth bound (max_depth = {graph.max_depth}) is reached",
                    ALL_OUTSIDE: every_step_leaves(graph.model),
                    NAMED: "the model names the bound"}[stop]
            elif not graph.enabled[here] & fair:
                yield [here], None, None, None  # stuttering for ever is fair here
            elif not graph.enabled_inside[here] & fair:
                yield [here], None, None, _cut(graph, [here])
        allowed = set(distance)
        for component in fair_components(graph, allowed, graph.enabled):
            entries = self._entries(component, distance)
            if entries:
                yield entries, component, graph.enabled, None
        # A loop left only by fair steps that leave the bounds: whether the
        # behaviour would go on fairly outside them is not known.
        if any(a != b for a, b in zip(graph.enabled, graph.enabled_inside)):
            for component in fair_components(graph, allowed, graph.enabled_inside):
                if _fair(graph, component, graph.enabled):
                    continue  # a real one, found above
                entries = self._entries(component, distance)
                if entries:
                    yield entries, component, graph.enabled_inside, _cut(graph, component)

    def _entries(self, component: list[int], distance: dict[int, int]) -> list[int]:
        """Where the lasso may enter a fair component: its closest states
        (of those the loop must pass, if any), by number."""
        target = self.target
        states = component if target is None else [k for k in component if target[k]]
        if not states:
            return []
        closest = min(distance[k] for k in states)
        return sorted(k for k in states if distance[k] == closest)


def find(graph: Graph, prop: Property,
         searches: dict[str | None, OnceThenFails] | None = None) -> Finding | None:
    """The finding of `prop`: its lasso (`Lassos`; for ``[](P => []Q)``,
    `once_then_fails`, or its `searches` under way, by member, None for a
    property of no member), or, for a property of each member of a set, the
    first member's that breaks it outright, else the first member's that
    breaks it at a bound, else (a witness) that every member keeps it; for
    ``[](P => []Q)``, the member's whose path is the shortest (the first
    member's of those: on a graph whose build stopped where a member's
    path was found, `Graph.settled_at`, the others' are longer)."""
    if prop.kind == "once_always" and searches is not None:
        def search(graph: Graph, prop: Property, member: str | None = None) -> Any:
            once = searches[member]
            if graph.settled_at is None:
                once.advance(None)
            return once.finding()
    elif prop.kind == "once_always":
        search = once_then_fails
    else:
        def search(graph: Graph, prop: Property, member: str | None = None) -> Any:
            return Lassos(graph, prop, member).find()
    if not prop.each:
        return search(graph, prop)
    findings = [f for f in (search(graph, prop, member)
                            for member in graph.values[graph.properties.index(prop)])
                if f is not None]
    if findings and all(f.trace is None for f in findings):  # a witness no member has
        return Finding(prop, None, f"for every {prop.each}, every "
                       + ("" if prop.kind == "once_always" else "fair ")
                       + "behaviour " + _promise(prop))
    if prop.kind == "once_always":  # the shortest path of any member's, then the first member's
        return min(findings, key=lambda f: (f.trace is None, f.trace is not None
                                            and len(f.trace)), default=None)
    return min(findings, key=lambda f: (f.trace is None, f.bound is not None), default=None)


def once_then_fails(graph: Graph, prop: Property, member: str | None = None
                    ) -> Finding | None:
    """The shortest path that breaks ``[](P => []Q)`` (`prop`, of `member`
    for a property of each member): to a state where P holds and on, in no
    step or more, to the first state where Q fails (`OnceThenFails`); shown
    as a lasso that stutters in its last state for ever. None where no such
    path exists (a witness property: a finding without a trace)."""
    search = OnceThenFails(graph, prop, member)
    search.advance(None)
    return search.finding()


class OnceThenFails:
    """The search of `once_then_fails`, breadth-first over pairs (state,
    whether P has held on the way), the pairs of one length in the order of
    the states and links they come by, taken as far as the graph is built:
    a path of k links needs the links of states less than k steps from an
    initial state only, so the search may go on level by level as the
    graph's levels are expanded (`Graph`'s `on_level`), and the first path
    it finds is the one it finds on the whole graph."""

    def __init__(self, graph: Graph, prop: Property, member: str | None = None):
        self.graph, self.prop, self.member = graph, prop, member
        self.came: dict[int, tuple[int, int] | None] = {}  # pair -> (previous pair, link)
        self.level: list[int] | None = None  # the pairs of `length` links, once started
        self.length = 0
        self.found: int | None = None

    @property
    def settled(self) -> bool:
        """Whether the search is over: a path found, or none left."""
        return self.found is not None or self.level == []

    def advance(self, expanded: int | None) -> bool:
        """Go on while the graph's states less than `expanded` steps from an
        initial state have their links (None: every state); whether the
        search is over."""
        values = self.graph.values[self.graph.properties.index(self.prop)]
        if self.member is not None:
            values = values[self.member]
        came, targets = self.came, self.graph.targets
        if self.level is None:
            self.level = []
            for start in self.graph.initial_ordinals:
                pair = start << 1 | values[start] & 1
                if pair not in came:
                    came[pair] = None
                    self.level.append(pair)
                    if values[start] == 1:  # p and not q
                        self.found = pair
                        return True
        while self.level and self.found is None and (expanded is None
                                                      or self.length < expanded):
            next_level = []
            for pair in self.level:
                held = pair & 1
                for k in self.graph.successors(pair >> 1):
                    there = targets[k]
                    value = values[there]
                    reached = there << 1 | held | value & 1
                    if reached in came:
                        continue
                    came[reached] = (pair, k)
                    if reached & 1 and not value >> 1:  # p has held and q fails
                        self.found = reached
                        break
                    next_level.append(reached)
                if self.found is not None:
                    break
            self.level, self.length = next_level, self.length + 1
        return self.settled

    def finding(self) -> Finding | None:
        """The path found, shown as a lasso stuttering at its end; for a
        witness property where none exists, a finding without a trace;
        else None."""
        graph, prop, member, found, came = (self.graph, self.prop, self.member, self.found,
                                            self.came)
        of = "" if member is None else f"for {prop.each} {member}, "
        if found is None:
            return Finding(prop, None, of + "every behaviour " + _promise(prop)) if (
                prop.witness) else None
        pairs, links = [found], []
        while came[pairs[-1]] is not None:
            pair, k = came[pairs[-1]]
            pairs.append(pair)
            links.append(k)
        pairs.reverse()
        links.reverse()
        trace = graph.run(pairs[0] >> 1, links)
        held = next(step for step, pair in enumerate(pairs) if pair & 1)
        fails = len(links)
        where = ("and the second fails there" if held == fails
                 else f"and the second fails at step {fails}")
        reason = (of + ("some behaviour " if prop.witness else "a behaviour ")
                  + f"{_broken(prop)}: the first part holds at step {held} {where}")
        why = _why_second_fails(graph.model, prop, member, trace.final)
        return Finding(prop, trace, reason + (f" ({why})" if why else ""), loop_start=fails)


def _why_fails_in_loop(model: Any, prop: Property, member: str | None, trace: Any,
                       loop_start: int) -> str | None:
    """The reason the predicate of `prop` (a leads_to's second part) gives
    for failing in the first state of the lasso's loop that gives one
    (``Fails(reason)``), with its step: what the loop keeps missing."""
    predicate = getattr(model, prop.name)
    for step in range(loop_start, len(trace) + 1):
        outcome = predicate(trace.steps[step].state)
        if member is not None:
            outcome = outcome[member]
        why = reason_of(outcome[1] if prop.kind == "leads_to" else outcome)
        if why:
            return f"at step {step}: {why}"
    return None


def _why_second_fails(model: Any, prop: Property, member: str | None, state: Any
                      ) -> str | None:
    """The reason the second part of `prop` (a pair (p, q), of `member`'s
    for a property of each member) gives for failing in `state`, if it
    gives one (``Fails(reason)``)."""
    outcome = getattr(model, prop.name)(state)
    if member is not None:
        outcome = outcome[member]
    return reason_of(outcome[1])


def found_along(model: Any, config: Any, fairness: Any, properties: tuple[Property, ...],
                states: list[Any], known: dict[Any, list] | None = None) -> dict[str, Finding]:
    """Each of `properties` with the fair lasso that shows it failing (or,
    a witness, holding) among `states`, a run's (a replay's, a simulated
    behaviour's), and the model's steps between them (`Graph`'s `along`;
    `known`: the steps of those already generated): a real behaviour of the
    model; a property with none there is left out (another behaviour may
    have one)."""
    graph = Graph(model, dataclasses.replace(config, max_depth=None), fairness, properties,
                  along=states, known=known)
    found = {}
    for prop in properties:
        finding = find(graph, prop)
        if finding is not None and finding.trace is not None:
            found[prop.name] = finding
    return found


def _cut(graph: Graph, states: list[int]) -> str:
    """The bound a fair behaviour staying in `states` stalls at: the fair
    families whose steps there leave the bounds."""
    cut = 0
    for k in states:
        cut |= graph.enabled[k] & ~graph.enabled_inside[k]
    labels = [graph.fairness.labels[bit.bit_length() - 1] for bit in each_bit(cut)]
    verb = "takes" if len(labels) == 1 else "take"
    reasons = list(dict.fromkeys(graph.cut_reasons[bit] for bit in each_bit(cut)
                                 if bit in graph.cut_reasons))
    return (f"{' and '.join(labels)} only {verb} steps that leave the bounds "
            + (f"({'; '.join(reasons)})" if reasons else "(within_bounds)"))


def _promise(prop: Property) -> str:
    return {"eventually": f"reaches {prop.title}",
            "leads_to": f"keeps {prop.title}",
            "always_eventually": f"reaches {prop.title} again and again",
            "eventually_always": f"ends up in {prop.title} for good",
            "once_always": f"keeps {prop.title}"}[prop.kind]


def _broken(prop: Property) -> str:
    return {"eventually": f"never reaches {prop.title}",
            "leads_to": f"breaks {prop.title}: the first part holds, the second never after",
            "always_eventually": f"ends up never reaching {prop.title}",
            "eventually_always": f"leaves {prop.title} again and again",
            "once_always": f"breaks {prop.title}"}[prop.kind]


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


#: The pairs (state, the fairness families its loop has kept so far) that the
#: search for the shortest fair loop of one lasso may visit, over all the
#: states it may start at: 8 per state of the graph, so that it costs at most
#: about what building the graph did, at least the floor, at most the cap (a
#: pair takes some 100 bytes while searched); past them the loop is a fair one
#: (`_LoopSearch.greedy`).
LOOP_SEARCH_PER_STATE, LOOP_SEARCH_FLOOR, LOOP_SEARCH_CAP = 8, 1 << 16, 1 << 20


#: Under symmetry, the states a lasso whose loop closes only after going
#: round more than once is looked for again among, at least (`Lassos._unreduced`)
UNREDUCED_FLOOR = 1 << 16


def loop_search_budget(states: int) -> int:
    """The pairs the search for the shortest fair loop may visit in a graph
    of `states` states."""
    return min(LOOP_SEARCH_CAP, max(LOOP_SEARCH_FLOOR, LOOP_SEARCH_PER_STATE * states))

_OVER = object()  # the search passed the cap
_LINK = (1 << 40) - 1


class _LoopSearch:
    """Fair loops within one fair component, through a state of it.

    A loop (links, not states: two actions may join the same two states,
    one of them fair) is fair when, for each weakly fair family, a link of
    it takes the family or a state of it disables the family, and, for each
    strongly fair family, a link takes it or no state of it enables it.
    `shortest` finds the shortest such loop exactly, breadth-first over pairs
    (state, the families kept so far); `greedy` finds a fair one for a
    component too large for that."""

    def __init__(self, graph: Graph, component: list[int], enabled: list[int]):
        self.graph, self.enabled = graph, enabled
        members = set(component)
        targets, masks = graph.targets, graph.link_masks
        #: the links of each state within the component: (target, link, its bits)
        self.links = {here: [(targets[k], k, masks[k]) for k in graph.successors(here)
                             if targets[k] in members] for here in component}
        anywhere = 0
        for here in component:
            anywhere |= enabled[here]
        #: strongly fair families some state enables (the others hold vacuously)
        self.strong = graph.fairness.strong & anywhere
        self._encoded: dict[int, Any] = {}  # by the weak families owed: `_encode`

    def shortest(self, entry: int, longest: int | None, budget: list[int]) -> Any:
        """The shortest fair loop from `entry` back to it, as links; None if
        none is at most `longest` links long; `_OVER` if the search visits
        more pairs than `budget[0]` (which it decreases by those it visits).

        The pairs are (state, kept): kept has a bit per weakly fair family
        that the entry enables (one it disables is kept already) for "taken
        or disabled on the way", and two per strongly fair family that some
        state of the component enables, "taken" and "enabled on the way,
        not taken". The loop closes at the entry with every weak bit set and
        no strong family enabled on the way and not taken."""
        weak = self.graph.fairness.weak & self.enabled[entry]
        if weak not in self._encoded:
            self._encoded[weak] = self._encode(weak)
        steps, arrive, w, s = self._encoded[weak]
        all_weak, strong_mask, seen_shift = (1 << w) - 1, (1 << s) - 1, w + s
        width = w + 2 * s
        start = entry << width | arrive[entry]
        came = {start: -1}  # each pair's previous pair << 40 | the link from it
        level, length, full = [start], 0, (1 << width) - 1
        while level and (longest is None or length < longest):
            length += 1
            next_level = []
            for key in level:
                kept_here = key & full
                for there, k, gained in steps[key >> width]:
                    kept = kept_here | gained
                    if s:  # a strong family taken no longer owes for being enabled
                        kept &= ~(((kept >> w) & strong_mask) << seen_shift)
                    if there == entry and kept & all_weak == all_weak and not kept >> seen_shift:
                        loop = [k]
                        while came[key] >= 0:
                            key, k = came[key] >> 40, came[key] & _LINK
                            loop.append(k)
                        return loop[::-1]
                    reached = there << width | kept
                    if reached not in came:
                        came[reached] = key << 40 | k
                        next_level.append(reached)
            budget[0] -= len(next_level)
            if budget[0] < 0:
                return _OVER
            level = next_level
        return None

    def _encode(self, weak: int) -> tuple[dict[int, list[tuple[int, int, int]]],
                                           dict[int, int], int, int]:
        """The pairs' encoding for a loop that owes the weakly fair families
        `weak`: each state's links as (target, link, what taking it and
        arriving there keep), what being at each state keeps, and how many
        weak and strong families are counted."""
        enabled = self.enabled
        weak_bits, strong_bits = list(each_bit(weak)), list(each_bit(self.strong))
        w, s = len(weak_bits), len(strong_bits)

        def compact(mask: int, bits: list[int], shift: int) -> int:
            return sum(1 << (place + shift) for place, bit in enumerate(bits) if mask & bit)

        arriving: dict[int, int] = {}  # enabled bits -> what passing such a state keeps
        taking: dict[int, int] = {}    # a link's bits -> what taking it keeps
        arrive: dict[int, int] = {}
        for here in self.links:
            bits = enabled[here]
            if bits not in arriving:
                arriving[bits] = (compact(weak & ~bits, weak_bits, 0)
                                  | compact(bits, strong_bits, w + s))
            arrive[here] = arriving[bits]
        steps = {}
        for here, links in self.links.items():
            steps[here] = []
            for there, k, mask in links:
                if mask not in taking:
                    taking[mask] = compact(mask, weak_bits, 0) | compact(mask, strong_bits, w)
                steps[here].append((there, k, taking[mask] | arrive[there]))
        return steps, arrive, w, s

    def greedy(self, entry: int) -> list[int]:
        """A fair loop from `entry` back to it, as links, not always the
        shortest: from where it has got to, the nearest link taking a family
        it still owes, or state disabling a weak one, then back by the
        shortest path. It owes the weak families the entry enables and the
        strong ones some state of the component enables."""
        enabled, masks = self.enabled, self.graph.link_masks
        weak = self.graph.fairness.weak & enabled[entry]
        owed = weak | self.strong
        disabling = weak
        links: list[int] = []
        here = entry
        while owed:
            # breadth-first from here to the nearest state that pays a debt,
            # or the nearest link that does (one step further than its source)
            via: dict[int, tuple[int, int] | None] = {here: None}
            level, found = [here], None
            while level and found is None:
                next_level = []
                for state in level:
                    if ~enabled[state] & owed & disabling:
                        found = (state, None)
                        break
                for state in level if found is None else ():
                    for there, k, mask in self.links[state]:
                        if mask & owed:
                            found = (state, k)
                            break
                        if there not in via:
                            via[there] = (state, k)
                            next_level.append(there)
                    if found is not None:
                        break
                level = next_level
            assert found is not None, "a fair component pays every debt of its own"
            state, last = found
            path: list[int] = [] if last is None else [last]
            while via[state] is not None:
                state, k = via[state]
                path.append(k)
            path.reverse()
            for k in path:
                owed &= ~masks[k]
                here = self.graph.targets[k]
                owed &= ~(~enabled[here] & disabling)
            links += path
        return links + self._back(here, entry, nonempty=not links)

    def _back(self, start: int, goal: int, nonempty: bool) -> list[int]:
        """The links of the shortest path from `start` to `goal` within the
        component; with `nonempty`, of at least one link (a loop when start
        is goal)."""
        if start == goal and not nonempty:
            return []
        via: dict[int, tuple[int, int]] = {}
        queue: deque[int] = deque([start])
        while queue:
            here = queue.popleft()
            for there, k, _ in self.links[here]:
                if there not in via:
                    via[there] = (here, k)
                    if there == goal:
                        path = []
                        while True:
                            here, k = via[there]
                            path.append(k)
                            if here == start:
                                return path[::-1]
                            there = here
                    queue.append(there)
        raise AssertionError("a strongly connected component has a path between any two "
                             "states")
