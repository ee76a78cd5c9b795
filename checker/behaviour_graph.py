"""The behaviour graph of a liveness check: every reachable state, numbered
in breadth-first order, with its successor links kept compactly (integer
arrays: targets, the successor's ordinal, the fairness families each link
takes), the value of each temporal property's predicate in each state, the
fairness families each state enables (inside the bounds and not), and how
runs end there (`GOES_ON` ... `NAMED`). `checker.lassos` searches it;
`checker.liveness` builds it after the safety run.

With symmetry (`checker.symmetry`), its states are the representatives, one
per orbit, and a link joins the representatives of a step's two states, as
the safety run explores them; a path of it is turned back into a run of
the model as a safety counterexample is (`traces.replay`), and a loop is
unrolled until the run really closes (`Graph.lasso`), or found again
without symmetry among the renamings of its component (`Graph.orbits`,
`Graph.among`) where that is shorter. The predicates are
sampled for telling renamed elements apart, and checked on every state of
a run shown (`Graph.confirm`), as `symmetry_guard` does for safety.
"""

from __future__ import annotations

from array import array
from typing import Any, Callable, Iterator, Sequence

from checker.errors import ModelDefinitionError, raised_in_model, shortened
from checker.fairness import Fairness
from checker.fingerprints import Fingerprints
from checker.model import Model, has_bounds
from checker.properties import PAIRED, Property
from checker.result import CheckConfig
from checker.symmetry import REMEMBERED
from checker.symmetry_guard import SoundnessGuard
from checker.traces import replay

#: How a run ends at a state, if it does: it goes on, it ends (no step), or
#: it reaches a bound: the depth bound, every step leaving the state
#: constraint, or no step and the model names the bound that ran out.
GOES_ON, ENDS, AT_DEPTH, ALL_OUTSIDE, NAMED = 0, 1, 2, 3, 4
AT_BOUND = (AT_DEPTH, ALL_OUTSIDE, NAMED)


class Graph:
    """Every reachable state (numbered in breadth-first order) with its
    successor links, the predicates of the temporal properties, the
    fairness families each state enables, and how runs end."""

    def __init__(self, model: Model, config: CheckConfig, fairness: Fairness,
                 properties: tuple[Property, ...], limits: Any = None,
                 along: Sequence[Any] | None = None, known: dict[Any, list] | None = None,
                 symmetry: Any = None, on_level: Callable[[Graph, int], bool] | None = None):
        """The graph of every reachable state (with `symmetry`, a
        `checker.symmetry.Symmetry`: of every reachable orbit, by its
        representative); or, given `along` (the
        states of a run, in order: a replay's, a simulation's behaviour),
        of the run's states and the model's steps between any two of them
        only (those the run took, and any other), each state's fairness
        families still those of all its steps (a family with no step
        among the run's states is enabled all the same). `known`: the steps
        of states already generated (a simulated behaviour's), by state.
        `on_level(graph, expanded)` is told each time the states less than
        `expanded` steps from an initial state have their links; where it
        says every property is settled (`checker.lassos.OnceThenFails`), the
        states further away are left out (`settled_at`)."""
        self.model, self.fairness, self.properties = model, fairness, properties
        self.symmetry, self.config, self.limits = symmetry, config, limits
        # (the renamings `_evaluate` tries a sampled state's predicates under)
        self._guard = None if symmetry is None else SoundnessGuard(model, symmetry, properties)
        # (and the fairness families a sampled state's steps take, where one
        # is per value: fairness plays no part in once_always)
        self._fair_renamed = symmetry is not None and fairness.per_value and any(
            p.kind != "once_always" for p in properties)
        among = None if along is None else set(along)
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
        #: where `on_level` settled every property: the states this many
        #: steps from an initial state or more were not expanded (None: all were)
        self.settled_at: int | None = None
        predicates = [getattr(model, p.name) for p in properties]
        # each property's value in each state; a property of each member of
        # a set (`Property.each`), each member's, by name
        self.values: list[Any] = [{} if p.each else bytearray() for p in properties]
        self.depth = 0
        bounded = has_bounds(model)
        limit = config.max_depth
        quotient = model.quotient
        frontier: list[Any] = []
        met: dict[Any, Any] = {}  # under symmetry: a state's key -> its representative's
        for ordinal, state in enumerate(model.initial_states()):
            if along is not None and state != along[0]:
                continue
            if bounded and not model.within_bounds(state):
                continue  # as in the safety run: neither counted nor explored
            if symmetry is not None:
                state = symmetry.representative(state)
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
                steps = None if limit is not None and self.depth >= limit else (
                    known[state] if known is not None and state in known
                    else list(model.successors(state)))
                enabled, inside_enabled, stop = 0, 0, GOES_ON
                moving = None if steps is None else self._moving(state, steps, quotient,
                                                                  fairness)
                if self._fair_renamed and steps and (
                        number < SoundnessGuard.SAMPLE or not number % SoundnessGuard.SPREAD):
                    self._sample_fairness(number, steps)
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
                        if among is not None and target not in among:
                            continue
                        key = fingerprint(target)
                        successor = numbers.get(key)
                        if successor is None and symmetry is not None:
                            # a state no representative: its orbit's, found
                            # once per state met (as the safety run does)
                            renamed = met.get(key)
                            if renamed is None:
                                target = symmetry.representative(target)
                                renamed = fingerprint(target)
                                if len(met) >= REMEMBERED:
                                    met.clear()
                                met[key] = renamed
                            key = renamed
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
            if frontier and on_level is not None and on_level(self, self.depth + 1):
                self.settled_at = self.depth + 1
                break
            if frontier:
                self.depth += 1
        self.size = len(numbers)

    def bound_named(self, state: Any, stop: int) -> str | None:
        """The bound a run stalls at in `state` (its `stops` value), as the
        model names it (`Model.bound_reason`) and the safety run reports a
        bound stop: the state's own bound where it has no step, else that of
        its first step that leaves the bounds (every step that moves does)."""
        if stop == ALL_OUTSIDE:
            state = next((after for _, after in self.model.successors(state)
                          if not self.model.within_bounds(after)), state)
        return self.model.bound_reason(state)

    def _ask_cut_reason(self, mask: int, target: Any) -> None:
        reason = self.model.bound_reason(target)
        if reason is not None:
            for bit in each_bit(mask & ~self.cut_asked):
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
        if self._guard is not None:
            self._sample(state, len(self.depths) - 1, properties, predicates)

    def _sample(self, state: Any, number: int, properties: tuple[Property, ...],
                predicates: list[Any]) -> None:
        """Under symmetry, the predicates of the first states and of one in
        `SoundnessGuard.SPREAD` after them (by number, so at every depth)
        must give the representative's answer on its renamings, as the
        safety run's guard asks of invariants: the graph of orbits holds
        one answer per orbit."""
        guard = self._guard
        if number >= guard.SAMPLE and number % guard.SPREAD:
            return
        for perm in guard.renamings(number):
            image = self.model.permute(state, perm)
            for values, prop, predicate in zip(self.values, properties, predicates):
                if prop.each:
                    if guard.members_apart(prop, predicate, state, image):
                        guard.refuse_changing(f"property {prop.name!r} ({prop.title}), of "
                                              f"each {prop.each},", perm)
                elif self._value(prop, predicate(image)) != values[number]:
                    guard.refuse_changing(f"property {prop.name!r} ({prop.title})", perm)

    def _sample_fairness(self, number: int, steps: list) -> None:
        """Under symmetry, the steps of a state sampled as `_sample` samples
        take the fairness conditions their renamings take (each family one
        condition closed under renaming: `Fairness.refuse_renamed`), as the
        first states were tried before the run."""
        for perm in self._guard.renamings(number):
            for action, _ in steps:
                self.fairness.refuse_renamed(action, self.model.permute_action(action, perm))

    def confirm(self, trace: Any, numbers: list[int]) -> None:
        """Under symmetry, each predicate gives on each state of `trace`,
        a run of the model turned back from representatives, the answer of
        the representative it stands for (`numbers`, step by step), as a
        safety counterexample is checked (`findings.PropertyChecks._reason_on`):
        where it does not, the predicate tells renamed elements apart, and
        the run is refused rather than shown with a lasso that does not
        break the property."""
        if self.symmetry is None:
            return
        for values, prop in zip(self.values, self.properties):
            predicate = getattr(self.model, prop.name)
            for step, number in zip(trace.steps, numbers):
                outcome = predicate(step.state)
                if prop.each:  # each member's answer, the representative's
                    apart = any(self._value(prop, value) != values[member][number]
                                for member, value in outcome.items())
                else:
                    apart = self._value(prop, outcome) != values[number]
                if apart:
                    SoundnessGuard.refuse(
                        self.model, list(self.symmetry.groups), f"property {prop.name!r} "
                        f"({prop.title})", "gives one answer on a representative state and "
                        "another on the real state it stands for")

    def _value(self, prop: Property, outcome: Any) -> int:
        if prop.kind not in PAIRED:
            return bool(outcome)
        if isinstance(outcome, (tuple, list)) and len(outcome) == 2:
            return bool(outcome[0]) | bool(outcome[1]) << 1
        meaning = "whenever p, later q" if prop.kind == "leads_to" else "once p, always q"
        raise ModelDefinitionError(
            f"model {self.model.name!r}: property {prop.name!r} is a {prop.kind} "
            f"property: return a pair (p, q), for {meaning}; got {outcome!r}")

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
        `targets`, each leaving the state the one before reached); under
        symmetry, a run of the model, each step the representative's
        renamed back (`traces.replay`)."""
        ordinals = [self.initial_ordinals[start]] + [self.ordinals[k] for k in links]
        trace = replay(self.model, ordinals, symmetry=self.symmetry)
        numbers = [start] + [self.targets[k] for k in links]
        self.confirm(trace, numbers)
        if self._fair_renamed:
            self._confirm_fairness(trace, numbers, links)
        return trace

    def _confirm_fairness(self, trace: Any, numbers: list[int], links: list[int]) -> None:
        """Under symmetry, each state of `trace` (a run of the model turned
        back from representatives) enables the fairness conditions its
        representative enables, and each step takes those of the link it
        stands for: a loop of the run is then as fair as the
        representatives' loop it unrolls. Where not (a family not closed
        under renaming past the states sampled: `_sample_fairness`), the
        run is refused rather than shown as a fair lasso."""
        model, fairness = self.model, self.fairness
        apart = any(fairness.mask(step.action) != self.link_masks[k]
                    for step, k in zip(trace.steps[1:], links))
        for step, number in zip(trace.steps, numbers):
            if apart:
                break
            if self.stops[number] == AT_DEPTH:  # (not expanded: none enabled)
                continue
            moving = self._moving(step.state, list(model.successors(step.state)),
                                  model.quotient, fairness)
            enabled = 0
            for _, (action, _) in moving:
                enabled |= fairness.mask(action)
            apart = enabled != self.enabled[number]
        if apart:
            SoundnessGuard.refuse(
                model, list(self.symmetry.groups), "its fairness (fairness:)", "gives a "
                "state or step of the run shown other conditions than the representative it "
                "stands for")

    def lasso(self, start: int, stem: list[int], loop: list[int]) -> tuple[Any, int]:
        """The trace of the lasso from initial state `start` along the links
        `stem`, then round the loop `loop` (from the stem's end back to it;
        none: stuttering there), and where its loop starts. Under symmetry,
        going round a loop of representatives once leads from a state c of
        the model to a renaming pi(c) of it: the loop is gone round again
        until the run is back at c exactly (at most the order of pi times),
        so that the trace's last state is the one at its loop's start."""
        trace = self.run(start, stem + loop)
        if self.symmetry is None or not loop:
            return trace, len(stem)
        rounds = 1
        while trace.steps[len(stem)].state != trace.final:
            rounds += 1
            assert rounds <= self.symmetry.order, "a renaming's order divides the group's"
            trace = self.run(start, stem + loop * rounds)
        return trace, len(stem)

    def orbits(self, numbers: set[int], entry: int, state: Any, most: int) -> list[Any] | None:
        """Under symmetry, every state of the model in the orbits numbered
        `numbers` (a strongly connected set, as a fair component is), found
        from `state`, a state of orbit `entry`, along the links among them;
        None where they could be more than `most`."""
        symmetry, model = self.symmetry, self.model
        renamings = symmetry.permutations()
        if len(numbers) * len(renamings) > most:
            return None
        representatives = {entry: symmetry.representative(state)}
        work = [entry]
        while work:
            here = work.pop()
            steps = None
            for k in self.successors(here):
                there = self.targets[k]
                if there in numbers and there not in representatives:
                    if steps is None:  # (the links of `here` are its representative's steps)
                        steps = list(model.successors(representatives[here]))
                    representatives[there] = symmetry.representative(steps[self.ordinals[k]][1])
                    work.append(there)
        return list(dict.fromkeys(model.permute(representative, renaming)
                                  for representative in representatives.values()
                                  for renaming in renamings))

    def among(self, states: list[Any], properties: tuple[Property, ...]) -> "Graph":
        """The graph, without symmetry, of `states` (the first an initial
        state) and the model's steps among them, each state's fairness
        families those of all its steps."""
        return Graph(self.model, self.config, self.fairness, properties, self.limits,
                     along=states)

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


def each_bit(mask: int) -> Iterator[int]:
    """The set bits of `mask`, lowest first, each as a mask."""
    while mask:
        bit = mask & -mask
        yield bit
        mask ^= bit
