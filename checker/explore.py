"""Breadth-first exploration: every reachable state, level by level.

`check(model, config)` is the engine's one entry point. It knows nothing
about protocols: it asks the model for initial states and successors, keeps
fingerprints (`fingerprints`) and back-pointers (`traces`), checks the
selected properties, and returns a `Result`.

Order of events, fixed so that results are identical from run to run and
counterexamples are shortest: levels are expanded in the order their states
were discovered, successors in the model's order; a state is checked when it
is first generated, so the first violation found is at the smallest depth,
and among those the first in generation order.

A state outside the model's bounds (its state constraint) is checked against
the properties every time it is generated, but neither stored nor expanded,
as TLC does.
"""

from __future__ import annotations

import resource
import sys
import time
from collections import Counter
from typing import Any, Callable

from checker.errors import CheckerError, ModelDefinitionError
from checker.fingerprints import FingerprintStore, collision_probability
from checker.model import Model, has_bounds
from checker.progress import Reporter, Silent
from checker.properties import Property, reason_of
from checker.result import (HOLDS, INCOMPLETE, VIOLATED, CheckConfig, Finding,
                            Result, Stats)
from checker.traces import NO_PARENT, BackPointers, replay

#: Parent states expanded between two batched look-ups in the visited set
#: (and between two looks at the clock).
CHUNK = 1024
#: States whose hash is compared before and after expansion, to catch a
#: successor function that mutates its input.
MUTATION_CHECKS = 256


def select_properties(model: Model, names: tuple[str, ...] | None) -> tuple[Property, ...]:
    """The model's properties named in `names` (all of them when None)."""
    if names is None:
        return tuple(model.properties.values())
    unknown = [name for name in names if name not in model.properties]
    if unknown:
        raise CheckerError(f"model {model.name!r} has no property {unknown[0]!r}; "
                           f"it has {', '.join(model.properties)}")
    return tuple(model.properties[name] for name in names)


def check(model: Model, config: CheckConfig = CheckConfig(),
          reporter: Reporter | None = None) -> Result:
    """Explore `model` breadth-first under `config` and return the result."""
    if config.symmetry:
        raise CheckerError("symmetry reduction is not available yet; "
                           "set `symmetry: false` in the spec")
    return _Search(model, config, reporter or Silent()).run()


class _Found:
    """The first occurrence of a property's violation (or witness) within
    the chunk being expanded; `order` sorts occurrences by generation."""

    __slots__ = ("order", "location", "state", "reason")

    def __init__(self, order: tuple[int, int], location: tuple[int, int],
                 state: Any, reason: str | None):
        self.order, self.location, self.state, self.reason = order, location, state, reason


class _Search:
    def __init__(self, model: Model, config: CheckConfig, reporter: Reporter):
        self.model = model
        self.config = config
        self.reporter = reporter
        self.properties = select_properties(model, config.properties)
        self.store = FingerprintStore()
        self.pointers = BackPointers()
        self.generated = 0
        self.depth = 0
        self.action_counts: Counter[type] = Counter()
        self.stopped_by: str | None = None
        self.violations: dict[str, Finding] = {}
        self.witnesses: dict[str, Finding] = {}
        self.bounded = has_bounds(model)
        self._activate()

    def _activate(self) -> None:
        """Bind the predicates still to be checked (a property found once is
        not checked again)."""
        done = self.violations.keys() | self.witnesses.keys()

        def bound(kind: str) -> list[tuple[Property, Callable[..., Any]]]:
            return [(p, getattr(self.model, p.name)) for p in self.properties
                    if p.kind == kind and p.name not in done]

        self.invariants = bound("invariant")
        self.transitions = bound("transition")
        self.reachables = bound("reachable")

    # -- the search ------------------------------------------------------------

    def run(self) -> Result:
        started = time.monotonic()
        deadline = (started + self.config.time_limit
                    if self.config.time_limit is not None else None)
        try:
            frontier = self._initial_level()
            while frontier and not self._stopping():
                if self.config.max_depth is not None and self.depth >= self.config.max_depth:
                    # Expanding further would go past the bound: the run is
                    # complete only if no unexplored state lies beyond it.
                    frontier = self._expand(frontier, deadline, probe_only=True)
                    if frontier:
                        self.stopped_by = "max_depth"
                    break
                frontier = self._expand(frontier, deadline)
        except KeyboardInterrupt:
            self.stopped_by = "interrupted"
        seconds = time.monotonic() - started
        self.reporter.finish(self.depth, len(self.pointers), self.generated)
        return self._result(seconds)

    def _stopping(self) -> bool:
        return self.stopped_by is not None or (
            bool(self.violations) and not self.config.keep_going)

    def _initial_level(self) -> list[Any]:
        found: dict[str, _Found] = {}
        candidates = []
        for ordinal, state in enumerate(self.model.initial_states()):
            self.generated += 1
            location = (NO_PARENT, ordinal)
            if self.bounded and not self.model.within_bounds(state):
                self._check_state(state, location, (ordinal, 0), found)
                continue
            candidates.append((self._fingerprint(state), state, location, (ordinal, 1)))
        level = []
        for fingerprint, state, location, order in candidates:
            if self.store.add_to_level(fingerprint):
                self._check_state(state, location, order, found)
                if not self._admit(location):
                    break
                level.append(state)
        self._settle(found)
        self.store.finish_level()
        self.reporter.update(0, len(self.pointers), self.generated, len(level))
        return level

    def _expand(self, frontier: list[Any], deadline: float | None,
                probe_only: bool = False) -> list[Any]:
        """Expand one level; return the next one (when `probe_only`, return
        at most one new state, unstored, to show that one exists)."""
        model, store, pointers = self.model, self.store, self.pointers
        successors = model.successors
        within_bounds = model.within_bounds if self.bounded else None
        counts = self.action_counts
        fingerprint = self._fingerprint
        base = len(pointers) - len(frontier)
        next_level: list[Any] = []
        for low in range(0, len(frontier), CHUNK):
            if deadline is not None and time.monotonic() > deadline:
                self.stopped_by = "time_limit"
                break
            found: dict[str, _Found] = {}
            fingerprints: list[int] = []
            states: list[Any] = []
            locations: list[tuple[int, int]] = []
            transitions = self.transitions
            for index in range(low, min(low + CHUNK, len(frontier))):
                state = frontier[index]
                parent = base + index
                if parent < MUTATION_CHECKS:
                    before = hash(state)
                ordinal = -1
                for ordinal, (action, next_state) in enumerate(successors(state)):
                    counts[type(action)] += 1
                    if transitions:
                        self._check_step(state, action, next_state, (parent, ordinal),
                                         (len(states), 0), found)
                    if within_bounds is not None and not within_bounds(next_state):
                        self._check_state(next_state, (parent, ordinal),
                                          (len(states), 0), found)
                        continue
                    fingerprints.append(fingerprint(next_state))
                    states.append(next_state)
                    locations.append((parent, ordinal))
                self.generated += ordinal + 1
                if parent < MUTATION_CHECKS and hash(state) != before:
                    raise ModelDefinitionError(
                        f"model {model.name!r}: successors() changed the state it was "
                        "given; build new states instead of mutating (use tuples and "
                        "frozensets, or dataclasses.replace on frozen dataclasses)")
            for position in store.unseen_in_finished(fingerprints):
                if not store.add_to_level(fingerprints[position]):
                    continue
                if probe_only:
                    return [states[position]]
                location = locations[position]
                self._check_state(states[position], location, (position, 1), found)
                if not self._admit(location):
                    break
                next_level.append(states[position])
            if not probe_only:
                self._settle(found)
            self.reporter.update(self.depth + 1, len(pointers), self.generated,
                                 len(next_level))
            if self._stopping():
                break
        if probe_only:
            return []
        store.finish_level()
        if next_level:
            self.depth += 1
        return next_level

    def _admit(self, location: tuple[int, int]) -> bool:
        """Store a new state unless the state bound forbids it."""
        if self.config.max_states is not None and len(self.pointers) >= self.config.max_states:
            self.stopped_by = "max_states"
            return False
        self.pointers.add(*location)
        return True

    def _fingerprint(self, state: Any) -> int:
        try:
            return hash(state)
        except TypeError as error:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: a state is not hashable ({error}); "
                "build states from tuples, frozensets, named tuples and frozen "
                "dataclasses") from None

    # -- properties -------------------------------------------------------------

    def _check_state(self, state: Any, location: tuple[int, int],
                     order: tuple[int, int], found: dict[str, _Found]) -> None:
        for prop, predicate in self.invariants:
            outcome = self._evaluate(prop, predicate, state)
            if not outcome:
                _first(found, prop.name, order, location, state, reason_of(outcome))
        for prop, predicate in self.reachables:
            if self._evaluate(prop, predicate, state):
                _first(found, prop.name, order, location, state, None)

    def _check_step(self, state: Any, action: Any, next_state: Any,
                    location: tuple[int, int], order: tuple[int, int],
                    found: dict[str, _Found]) -> None:
        for prop, predicate in self.transitions:
            outcome = self._evaluate(prop, predicate, state, action, next_state)
            if not outcome:
                _first(found, prop.name, order, location, next_state, reason_of(outcome))

    def _evaluate(self, prop: Property, predicate: Callable[..., Any], *args: Any) -> Any:
        try:
            return predicate(*args)
        except Exception as error:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: property {prop.name!r} raised "
                f"{type(error).__name__}: {error}") from error

    def _settle(self, found: dict[str, _Found]) -> None:
        """Turn a chunk's first occurrences into findings with traces."""
        if not found:
            return
        kinds = {p.name: p for p in self.properties}
        for name, occurrence in sorted(found.items(), key=lambda item: item[1].order):
            prop = kinds[name]
            trace = replay(self.model, self.pointers.path(*occurrence.location),
                           occurrence.state)
            finding = Finding(prop, trace, occurrence.reason)
            if prop.kind == "reachable":
                self.witnesses[name] = finding
            else:
                self.violations[name] = finding
        self._activate()

    # -- the result -------------------------------------------------------------

    def _result(self, seconds: float) -> Result:
        violations = [self.violations[p.name] for p in self.properties
                      if p.name in self.violations]
        exhausted = self.stopped_by is None and not (
            self.violations and not self.config.keep_going)
        if exhausted:
            violations += [Finding(p, None, "no reachable state satisfies it")
                           for p in self.properties
                           if p.kind == "reachable" and p.name not in self.witnesses]
        if violations:
            verdict = VIOLATED
        elif self.stopped_by is not None:
            verdict = INCOMPLETE
        else:
            verdict = HOLDS
        counts = {kind.__name__: 0 for kind in self.model.actions}
        counts.update({kind.__name__: n for kind, n in sorted(
            self.action_counts.items(), key=lambda item: item[0].__name__)})
        distinct = len(self.pointers)
        stats = Stats(
            distinct_states=distinct,
            generated_states=self.generated,
            depth=self.depth,
            seconds=seconds,
            peak_memory_bytes=_peak_memory(),
            store_bytes=self.store.nbytes + self.pointers.nbytes,
            actions=counts,
            collision_probability=collision_probability(distinct, self.generated),
        )
        witnesses = tuple(self.witnesses[p.name] for p in self.properties
                          if p.name in self.witnesses)
        return Result(verdict=verdict, stats=stats, properties=self.properties,
                      violations=tuple(violations), witnesses=witnesses,
                      stopped_by=self.stopped_by)


def _first(found: dict[str, _Found], name: str, order: tuple[int, int],
           location: tuple[int, int], state: Any, reason: str | None) -> None:
    if name not in found or order < found[name].order:
        found[name] = _Found(order, location, state, reason)


def _peak_memory() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
