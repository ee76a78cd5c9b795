"""Random simulation: behaviours drawn at random, for state spaces too large
to explore (TLC's ``-simulate``).

A behaviour starts in an initial state drawn at random and takes a step
drawn at random, again and again (an action drawn among those enabled, each
as likely, then one of its steps, as TLC draws), until it has taken
`Walks.depth` steps, reaches a state with no step (a bound stop, or a
deadlock where the run checks for them), a step fails the model's assert,
or every step leaves the model's bounds. Every step generated on the way
is checked against the step properties, and the state it reaches, the first
time it is met, against the invariants and reachability properties (TLC
checks those of the action drawn), every initial state first. A step that
leaves the bounds is checked and never taken, as a search checks a state
outside the bounds and does not expand it (TLC takes it and ends the
behaviour there): behaviours go on within the bounds.

Nothing is proven to hold: a property no behaviour broke is "not settled",
and the result says how much was drawn (behaviours, steps, distinct
states met). A violation is real: its trace is the behaviour that broke the
property, with the loops it made cut out (a state met twice: the steps
between the two are left out, so the trace is still a run of the model),
but it need not be the shortest; a search (`cmc check` without
--simulate) finds that one where the state space allows. The seed (`Walks.seed`) makes a simulation repeatable.
Temporal properties and symmetry are not for simulation: a behaviour is
finite and its states real.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from checker.errors import (CheckerError, ModelDefinitionError, SpecError, raised_in_model,
                            shortened, where_in_model)
from checker.fingerprints import Fingerprints
from checker.model import Model, has_bounds
from checker.properties import ASSERTION, BOUND_STOP, DEADLOCK, Property, reason_of
from checker.result import (INCOMPLETE, VIOLATED, CheckConfig, Finding, Result, Stats, Step,
                            Trace, Walked)

#: Steps per behaviour when neither the command nor the spec says (TLC's
#: default depth for -simulate).
DEPTH = 100
#: Behaviours drawn when neither a number nor a time limit is given.
BEHAVIOURS = 1000
#: Seconds between two progress reports.
PROGRESS_EVERY = 1.0
#: How many of the first expansions are watched for a model changing the
#: state it was given (as `cmc check` watches).
MUTATION_CHECKS = 256


@dataclass(frozen=True)
class Walks:
    """What to draw: `behaviours` behaviours (None: until the time limit) of
    at most `depth` steps each, from the random generator seeded `seed`."""

    behaviours: int | None = BEHAVIOURS
    depth: int = DEPTH
    seed: int = 0


def simulate(model: Model, config: CheckConfig, walks: Walks,
             progress: Callable[[int, int, int], None] | None = None) -> Result:
    """Draw `walks` on `model`, checking the properties `config` selects
    (its bounds other than the time limit do not apply: `walks` bounds the
    run). Stops at the first violation unless `config.keep_going`.
    `progress` is told the behaviours drawn, the steps taken and the
    distinct states met, about once a second."""
    from checker.explore import select_properties  # (the search's selection, as cmc check)

    properties = select_properties(model, config.properties)
    temporal = [prop.name for prop in properties if prop.temporal]
    if temporal:
        raise SpecError(
            f"{', '.join(temporal)}: temporal properties are about whole behaviours, which "
            "a simulation does not draw (its behaviours end); check them on every state "
            "(without --simulate), or leave them out", field="properties")
    if config.symmetry:
        raise CheckerError("symmetry reduces the states of a search; a simulation walks "
                           "real states: leave symmetry out")
    return _Simulation(model, config, walks, properties, progress).run()


class _Simulation:
    def __init__(self, model: Model, config: CheckConfig, walks: Walks,
                 properties: tuple[Property, ...],
                 progress: Callable[[int, int, int], None] | None = None):
        self.model = model
        self.progress = progress
        self.config = config
        self.walks = walks
        self.random = random.Random(walks.seed)
        self.properties = properties + ((DEADLOCK,) if config.deadlock else ())
        self.bounded = has_bounds(model)
        self.fingerprint: Callable[[Any], Any] = (
            (lambda state: state) if config.exact else Fingerprints(config.fp_seed))
        self.seen: set = set()
        self.new_states: Counter[str] = Counter()
        self.actions: Counter[str] = Counter({kind.__name__: 0 for kind in model.actions})
        self.violations: dict[str, Finding] = {}
        self.witnesses: dict[str, Finding] = {}
        self.bound_stop: Finding | None = None
        self.bound_stops = 0
        self.generated = 0
        self.steps = 0
        self.behaviours = 0
        self.longest = 0
        self.watched = MUTATION_CHECKS
        self.stopped_by: str | None = "simulation"

    def _pending(self, kind: str) -> list[tuple[Property, Callable[..., Any]]]:
        return [(prop, getattr(self.model, prop.name)) for prop in self.properties
                if prop.kind == kind and prop.name not in self.violations
                and prop.name not in self.witnesses]

    def run(self) -> Result:
        started = time.monotonic()
        limit = self.config.time_limit
        deadline = None if limit is None else started + limit
        try:
            initial = self._initial_states()
            told = started
            while not self._done() and initial:
                now = time.monotonic()
                if deadline is not None and now > deadline:
                    break  # (the time it was given: the report says what it drew)
                if self.progress is not None and now - told >= PROGRESS_EVERY:
                    self.progress(self.behaviours, self.steps, len(self.seen))
                    told = now
                self._walk(initial)
                self.behaviours += 1
        except KeyboardInterrupt:
            self.stopped_by = "interrupted"
        return self._result(time.monotonic() - started)

    def _done(self) -> bool:
        if self.violations and not self.config.keep_going:
            return True
        wanted = self.walks.behaviours
        return wanted is not None and self.behaviours >= wanted

    def _initial_states(self) -> list[Any]:
        try:
            initial = list(self.model.initial_states())
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "initial_states()", error) from None
        for state in initial:
            self._met(state, lambda: [Step(None, state)])
            if self._done():
                break
        return initial

    def _walk(self, initial: list[Any]) -> None:
        """One behaviour, checked as it goes."""
        state = self.random.choice(initial)
        trace = [Step(None, state)]
        if self.bounded and not self.model.within_bounds(state):
            return  # checked when met, not expanded
        while len(trace) <= self.walks.depth and not self._done():
            steps = self._successors(state, trace)
            if steps is None:
                break
            self.generated += len(steps)
            for action, reached in steps:
                self.actions[type(action).__name__] += 1
                self._stepped(state, action, reached, trace)
            if not steps:
                self._ends(state, trace)
                break
            if self.bounded:
                steps = [step for step in steps if self.model.within_bounds(step[1])]
                if not steps:
                    self._cut_off(state, trace)
                    break
            if self._done():
                break
            action, reached = self._draw(steps)
            self.steps += 1
            trace.append(Step(action, reached))
            state = reached
        self.longest = max(self.longest, len(trace) - 1)

    def _stepped(self, state: Any, action: Any, reached: Any, trace: list[Step]) -> None:
        """Check the step from `state`, the last of `trace`, by `action` to
        `reached`, and the state it reaches, unless met before."""
        for prop, predicate in self._pending("transition"):
            outcome = self._evaluate(prop, predicate, state, action, reached)
            if not outcome:
                self._found(prop, trace + [Step(action, reached)], reason_of(outcome))
        self._met(reached, lambda: trace + [Step(action, reached)], action)

    def _cut_off(self, state: Any, trace: list[Step]) -> None:
        """`state`, the last of `trace`, whose every step leaves the bounds:
        the behaviour ends there, at a bound (as a search's run)."""
        self.bound_stops += 1
        if self.bound_stop is None:
            reason = self.model.bound_reason(state) or (
                "every step from here leaves the bounds (within_bounds)")
            self.bound_stop = Finding(BOUND_STOP, _without_loops(trace), reason)

    def _draw(self, steps: list) -> tuple[Any, Any]:
        """A step of an action drawn among those enabled, each as likely
        (as TLC's simulation draws a disjunct of Next), then one of its
        steps: a rare action is not drowned by one with many steps."""
        if len(steps) == 1:
            return steps[0]
        by_action: dict[type, list] = {}
        for step in steps:
            by_action.setdefault(type(step[0]), []).append(step)
        return self.random.choice(self.random.choice(list(by_action.values())))

    def _successors(self, state: Any, trace: list[Step]) -> list | None:
        """The steps from `state`, or None where one fails its assert (the
        finding is then recorded)."""
        watching = self.watched > 0
        if watching:
            self.watched -= 1
            before = hash(state)
        try:
            steps = list(self.model.successors(state))
        except AssertionError as error:
            told = (str(error) or "assert failed").splitlines()[0]
            self._found(ASSERTION, trace, f"a step from here fails its assertion: {told}"
                                          f"{where_in_model(error)}")
            return None
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "successors()", error) from None
        if watching and hash(state) != before:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: successors() changed the state it "
                "was given; build new states instead of mutating (use tuples "
                "and frozensets, or dataclasses.replace on frozen dataclasses)")
        for step in steps:
            if type(step) is not tuple or len(step) != 2:
                raise ModelDefinitionError(
                    f"model {self.model.name!r}: successors() yielded {shortened(step)}; "
                    "yield (action, next state) pairs")
        return steps

    def _ends(self, state: Any, trace: list[Step]) -> None:
        """A state with no step: a bound stop, or a deadlock (as in a check)."""
        reason = self.model.bound_reason(state)
        if reason is not None:
            self.bound_stops += 1
            if self.bound_stop is None:
                self.bound_stop = Finding(BOUND_STOP, _without_loops(trace), reason)
        elif DEADLOCK in self.properties and not self.model.stutters(state):
            self._found(DEADLOCK, trace, "no action is enabled and no bound explains why")

    def _met(self, state: Any, trace_of: Callable[[], list[Step]], action: Any = None) -> None:
        """Count `state` (reached by `action`) and check it, unless it was
        met before; `trace_of()` is the run to it, for a finding."""
        try:
            key = self.fingerprint(state)
        except TypeError as error:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: a state cannot be fingerprinted ({error}); "
                "build states of tuples, frozensets and other immutable values") from None
        if key in self.seen:
            return  # checked when first met
        self.seen.add(key)
        if action is not None:
            self.new_states[type(action).__name__] += 1
        for prop, predicate in self._pending("invariant"):
            outcome = self._evaluate(prop, predicate, state)
            if not outcome:
                self._found(prop, trace_of(), reason_of(outcome))
        for prop, predicate in self._pending("reachable"):
            outcome = self._evaluate(prop, predicate, state)
            if outcome:
                self.witnesses[prop.name] = Finding(prop, _without_loops(trace_of()))

    def _evaluate(self, prop: Property, predicate: Callable[..., Any], *arguments: Any) -> Any:
        try:
            outcome = predicate(*arguments)
        except (CheckerError, MemoryError):
            raise  # a spec's expression names its own mistake
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, f"property {prop.name!r}", error) from None
        if outcome is None:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: property {prop.name!r} returned None; "
                "return True or False (or Fails(reason)): is a return missing?")
        return outcome

    def _found(self, prop: Property, trace: list[Step], reason: str | None) -> None:
        if prop.name not in self.violations:
            self.violations[prop.name] = Finding(prop, _without_loops(
                trace, keep_last_step=prop.kind == "transition"), reason)

    def _result(self, seconds: float) -> Result:
        checked = self.properties + ((ASSERTION,) if ASSERTION.name in self.violations else ())
        listed = tuple(prop for prop in checked
                       if prop is not DEADLOCK or prop.name in self.violations)
        actions = dict(sorted(self.actions.items()))
        stats = Stats(
            distinct_states=len(self.seen),
            generated_states=self.generated,
            depth=self.longest,
            seconds=seconds,
            peak_memory_bytes=_peak_memory(),
            store_bytes=0,
            actions=actions,
            new_states={name: self.new_states.get(name, 0) for name in actions},
            collision_probability=0.0,
            fp_seed=self.config.fp_seed,
            exact=self.config.exact,
            bound_stops=self.bound_stops,
            walked=Walked(behaviours=self.behaviours, steps=self.steps,
                          depth=self.walks.depth, seed=self.walks.seed),
        )
        violations = tuple(self.violations[prop.name] for prop in listed
                           if prop.name in self.violations)
        return Result(verdict=VIOLATED if violations else INCOMPLETE, stats=stats,
                      properties=listed, violations=violations,
                      witnesses=tuple(self.witnesses[prop.name] for prop in listed
                                      if prop.name in self.witnesses),
                      stopped_by=self.stopped_by, bound_stop=self.bound_stop)


def _without_loops(trace: list[Step], keep_last_step: bool = False) -> Trace:
    """`trace` with the steps between two visits of a state left out (a run
    of the model still, ending where `trace` ends); with `keep_last_step`,
    its last step kept as it is (a step property's finding is that step)."""
    last = trace[-1:] if keep_last_step else []
    kept: list[Step] = []
    position: dict[Any, int] = {}
    for step in trace[:len(trace) - len(last)]:
        earlier = position.get(step.state)
        if earlier is not None:
            for dropped in kept[earlier + 1:]:
                del position[dropped.state]
            del kept[earlier + 1:]
            continue
        position[step.state] = len(kept)
        kept.append(step)
    return Trace(tuple(kept + last))


def _peak_memory() -> int:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
