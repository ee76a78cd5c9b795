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
between the two are left out) and the steps the model lets it skip
skipped (`_Shortcuts`), so the trace is still a run of the model, but it
need not be the shortest; a search (`cmc check` without
--simulate) finds that one where the state space allows.

Behaviour number k is drawn by a generator seeded with the seed
(`Walks.seed`) and k, so a simulation is repeatable and the same in one
process and several (`CheckConfig.workers`: process i draws behaviours i,
i + n, ...): a property's finding is the one in the lowest-numbered
behaviour that breaks it (without `keep_going`, the lowest such behaviour
ends the draw: the processes finish the behaviours before it, and what lies
after it is left out). The figures (behaviours, steps, states generated and
met, each action's steps and new states, the longest behaviour, bound
stops) are those of behaviours 0 to N - 1, each drawn whole (the violating
one up to its violation), so exactly those of one process drawing N
behaviours, whatever the processes: each process notes its counts after
each behaviour (`_Counts`), and they are added up to the last behaviour
counted, not up to where each process happened to stop. At the time limit
the processes go on up to the highest behaviour one of them began, so that
none below it is missing. An interrupted draw counts the behaviours before
the first not drawn whole (in one process too: the one under way is left
out) and keeps what was found past them (real, but not in the figures); a
process lost (killed) takes its counts with it.

Temporal properties are judged on each behaviour drawn whole, on its
states and the model's steps between any two of them, under the spec's
fairness (`_Simulation._lassos`, as `checker.replay` judges a lasso): a
fair lasso found there is a real behaviour that breaks the property (a
witness: shows it), the shortest among those states, and the finding is
the one of the lowest-numbered behaviour, as for the rest. TLC's
simulation checks liveness on each behaviour likewise. Symmetry is not for
simulation: its states are real.
"""

from __future__ import annotations

import dataclasses
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Callable, Iterable, NamedTuple

from checker import workers
from checker.errors import (CheckerError, mutated_state, not_a_step, raised_in_model,
                            unusable_state)
from checker.fairness import Fairness
from checker.fingerprints import Fingerprints
from checker.lassos import found_along
from checker.model import Model, has_bounds
from checker.properties import (ASSERTION, BOUND_STOP, DEADLOCK, NO_STEP, every_step_leaves,
                                Property, answer, failed_assertion, reason_of,
                                select_properties)
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
#: Behaviours a process is given at least: fewer are drawn in one process.
SHARE_MIN = 64
#: How many behaviours' counts a process holds before it lets go of those
#: no figure can stop at.
MARKS = 64
#: The behaviour number of the initial states' checks, made before any.
INITIAL = -1
_NONE = 2**62  # no behaviour yet broke a property

#: ``progress(behaviours, steps, distinct)``: distinct is None where the
#: processes have not yet counted theirs together.
Progress = Callable[[int, int, "int | None"], None]


@dataclass(frozen=True)
class Walks:
    """What to draw: `behaviours` behaviours (None: until the time limit) of
    at most `depth` steps each, with the seed `seed`."""

    behaviours: int | None = BEHAVIOURS
    depth: int = DEPTH
    seed: int = 0


def simulate(model: Model, config: CheckConfig, walks: Walks,
             progress: Progress | None = None) -> Result:
    """Draw `walks` on `model`, checking the properties `config` selects
    (its bounds other than the time limit do not apply: `walks` bounds the
    run), in `config.workers` processes. Stops at the first violation unless
    `config.keep_going`. `progress` is told what was drawn, about once a
    second."""
    properties = select_properties(model, config.properties)
    if any(prop.temporal for prop in properties):
        Fairness(model, config.fairness)  # (a family refused here, before any process starts)
    if config.symmetry:
        raise CheckerError("symmetry reduces the states of a search; a simulation walks "
                           "real states: leave symmetry out")
    properties += (DEADLOCK,) if config.deadlock else ()
    started = time.monotonic()
    processes = config.workers if workers.AVAILABLE else 1
    if walks.behaviours is not None:
        processes = min(processes, walks.behaviours // SHARE_MIN)
    if processes > 1:
        drawn = _shared(model, config, walks, properties, processes, progress)
    else:
        drawn = _merge([_Simulation(model, config, walks, properties).draw(
            _numbers(walks, 0, 1), progress)], config.keep_going)
    return _result(model, drawn, properties, config, walks, time.monotonic() - started)


def _numbers(walks: Walks, first: int, step: int) -> Iterable[int]:
    """The behaviours a process draws: every `step`-th from `first`."""
    if walks.behaviours is None:
        return count(first, step)
    return range(first, walks.behaviours, step)


class _Counts(NamedTuple):
    """A process's counts after one of its behaviours (`actions`: the steps
    generated by each)."""

    behaviours: int
    steps: int
    generated: int
    bound_stops: int
    longest: int
    actions: dict[str, int]


@dataclass
class _Drawn:
    """What a process drew: each finding with the number of the behaviour
    it was made in (`INITIAL` for the initial states), the states met (by
    key: the behaviour and the action that first met it), and its counts:
    as they stand, and (`marks`) after each behaviour a figure may stop at,
    by the behaviour's number; `reached`, its first behaviour not drawn
    whole (`_NONE`: it drew all it was given)."""

    violations: dict[str, tuple[int, Finding]] = field(default_factory=dict)
    witnesses: dict[str, tuple[int, Finding]] = field(default_factory=dict)
    bound_stop: tuple[int, Finding] | None = None
    seen: dict[Any, tuple[int, str | None]] = field(default_factory=dict)
    actions: Counter = field(default_factory=Counter)
    generated: int = 0
    steps: int = 0
    behaviours: int = 0
    longest: int = 0
    bound_stops: int = 0
    interrupted: bool = False
    processes: int = 1
    lost: int = 0
    marks: list[tuple[int, _Counts]] = field(default_factory=list)
    reached: int = _NONE

    def counts(self) -> _Counts:
        return _Counts(self.behaviours, self.steps, self.generated, self.bound_stops,
                       self.longest, dict(self.actions))

    def counts_at(self, last: int) -> _Counts:
        """The counts after the behaviours up to `last`."""
        for number, counts in reversed(self.marks):
            if number <= last:
                return counts
        return _Counts(0, 0, 0, 0, 0, dict.fromkeys(self.actions, 0))


class _Simulation:
    def __init__(self, model: Model, config: CheckConfig, walks: Walks,
                 properties: tuple[Property, ...], shared: "_Sharing | None" = None):
        self.model = model
        self.config = config
        self.walks = walks
        self.properties = properties
        self.shared = shared
        self.bounded = has_bounds(model)
        self.keys: Callable[[list[Any]], list[Any]] = (
            list if config.exact else Fingerprints(config.fp_seed).of_all)
        self.drawn = _Drawn(actions=Counter({kind.__name__: 0 for kind in model.actions}))
        self.behaviour = INITIAL
        self.outside: set = set()  # states met outside the bounds: checked, not counted
        self.random = random.Random()
        self.watched = MUTATION_CHECKS
        self.temporal = tuple(prop for prop in properties if prop.temporal)
        self.fairness = Fairness(model, config.fairness) if self.temporal else None
        self._activate()

    def _activate(self) -> None:
        """Bind the predicates still to be checked (a property found once
        is not checked again)."""
        done = self.drawn.violations.keys() | self.drawn.witnesses.keys()

        def pending(kind: str) -> list[tuple[Property, Callable[..., Any]]]:
            return [(prop, getattr(self.model, prop.name)) for prop in self.properties
                    if prop.kind == kind and prop.name not in done]

        self.invariants = pending("invariant")
        self.transitions = pending("transition")
        self.reachables = pending("reachable")

    def draw(self, numbers: Iterable[int], progress: Progress | None = None) -> _Drawn:
        """Draw the behaviours `numbers`, in order, after checking the
        initial states; stop early at a violation (unless going on), when
        another process found one in an earlier behaviour, at the time
        limit (several processes: past the highest behaviour one began) or
        when interrupted."""
        drawn = self.drawn
        shared = self.shared
        started = time.monotonic()
        limit = self.config.time_limit
        deadline = None if limit is None else started + limit
        timed = deadline is not None
        try:
            initial = self._initial_states()
            told = started
            for number in numbers:
                self.behaviour = number
                if self._done() or not initial:
                    break
                now = time.monotonic()
                if deadline is not None and now > deadline:
                    if shared is None:
                        break  # (the time it was given: the report says what it drew)
                    shared.expire()
                    deadline = None
                if shared is not None and (shared.orphaned() or not shared.begin(number, timed)):
                    break
                if progress is not None and now - told >= PROGRESS_EVERY:
                    progress(drawn.behaviours, drawn.steps, len(drawn.seen))
                    told = now
                self.random.seed(f"{self.walks.seed}/{number}")
                self._walk(initial)
                if drawn.interrupted:
                    break  # (not drawn whole: not counted)
                drawn.behaviours += 1
                self._mark()
                if shared is not None:
                    shared.drew(drawn)
            else:
                self.behaviour = _NONE
                if shared is not None:
                    shared.begin(_NONE, False)
        except KeyboardInterrupt:
            drawn.interrupted = True
        drawn.reached = self.behaviour
        return drawn

    def _mark(self) -> None:
        """Note the counts after the behaviour just drawn, and let go of
        those before the last a figure may still stop at."""
        marks = self.drawn.marks
        marks.append((self.behaviour, self.drawn.counts()))
        if len(marks) > MARKS:
            floor = self.behaviour if self.shared is None else self.shared.floor()
            kept = len(marks) - 1
            while kept > 0 and marks[kept][0] > floor:
                kept -= 1
            del marks[:kept]

    def _done(self) -> bool:
        drawn = self.drawn
        if drawn.violations and not self.config.keep_going:
            return True
        if self.shared is None:
            return False
        if self.shared.stop.is_set():
            drawn.interrupted = True
            return True
        return self.behaviour > self.shared.first.value  # (its findings would be left out)

    def _initial_states(self) -> list[Any]:
        try:
            initial = list(self.model.initial_states())
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "initial_states()", error) from None
        for state, key in zip(initial, self._keys(initial)):
            self._met(state, key, lambda: [Step(None, state)])
            if self._done():
                break
        return initial

    def _walk(self, initial: list[Any]) -> None:
        """One behaviour, checked as it goes."""
        drawn = self.drawn
        state = self.random.choice(initial)
        trace = [Step(None, state)]
        if self.bounded and not self.model.within_bounds(state):
            return  # checked when met, not expanded
        walked: dict[Any, list] = {}  # each state's steps, for its lassos (`_lassos`)
        while len(trace) <= self.walks.depth and not self._done():
            steps = self._successors(state, trace)
            if steps is None:
                break
            if self.temporal:
                walked[state] = steps
            drawn.generated += len(steps)
            inside = ([self.model.within_bounds(step[1]) for step in steps] if self.bounded
                      else [True] * len(steps))
            for (action, reached), key, counted in zip(
                    steps, self._keys([step[1] for step in steps]), inside):
                drawn.actions[type(action).__name__] += 1
                self._stepped(state, action, reached, key, trace, counted)
            if not steps:
                self._ends(state, trace)
                break
            if self.bounded:
                steps = [step for step, counted in zip(steps, inside) if counted]
                if not steps:
                    self._cut_off(state, trace)
                    break
            if self._done():
                break
            action, reached = self._draw(steps)
            drawn.steps += 1
            trace.append(Step(action, reached))
            state = reached
        drawn.longest = max(drawn.longest, len(trace) - 1)
        if self.temporal:
            self._lassos(trace, walked)

    def _lassos(self, trace: list[Step], walked: dict[Any, list]) -> None:
        """The temporal properties not yet found, judged on the behaviour's
        states and the model's steps between them, under the spec's
        fairness (as a replay judges a lasso: `checker.replay`): a fair
        lasso among them is a real behaviour that breaks (or, a witness,
        shows) the property. One that stalls at a bound settles nothing and
        is not kept: a later behaviour may find one that does not."""
        done = self.drawn.violations.keys() | self.drawn.witnesses.keys()
        pending = tuple(prop for prop in self.temporal if prop.name not in done)
        if not pending or self._done():
            return
        found = found_along(self.model, self.config, self.fairness, pending,
                            [step.state for step in trace], walked)
        for prop in pending:
            finding = found.get(prop.name)
            if finding is None or finding.bound is not None:
                continue
            if prop.witness:
                self.drawn.witnesses[prop.name] = (self.behaviour, finding)
                continue
            self.drawn.violations[prop.name] = (self.behaviour, finding)
            if self.shared is not None and not self.config.keep_going:
                self.shared.found(self.behaviour)

    def _stepped(self, state: Any, action: Any, reached: Any, key: Any,
                 trace: list[Step], counted: bool = True) -> None:
        """Check the step from `state`, the last of `trace`, by `action` to
        `reached` (whose key is `key`), and the state it reaches, unless met
        before; one outside the bounds (not `counted`) is checked and, as in
        a search, not counted among the states met."""
        for prop, predicate in self.transitions:
            outcome = self._evaluate(prop, predicate, state, action, reached)
            if not outcome:
                self._found(prop, trace + [Step(action, reached)], reason_of(outcome))
        if key not in self.drawn.seen and key not in self.outside:
            if not counted:
                self.outside.add(key)
            self._met(reached, key, lambda: trace + [Step(action, reached)], action, counted)

    def _cut_off(self, state: Any, trace: list[Step]) -> None:
        """`state`, the last of `trace`, whose every step leaves the bounds:
        the behaviour ends there, at a bound (as a search's run)."""
        self._bound_stop(trace, self.model.bound_reason(state) or every_step_leaves(self.model))

    def _bound_stop(self, trace: list[Step], reason: str) -> None:
        drawn = self.drawn
        drawn.bound_stops += 1
        if drawn.bound_stop is None:
            drawn.bound_stop = (self.behaviour,
                                Finding(BOUND_STOP, _without_loops(trace), reason))

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
            self._found(ASSERTION, trace, failed_assertion(error))
            return None
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "successors()", error) from None
        if watching and hash(state) != before:
            raise mutated_state(self.model.name)
        for step in steps:
            if type(step) is not tuple or len(step) != 2:
                raise not_a_step(self.model.name, step)
        return steps

    def _ends(self, state: Any, trace: list[Step]) -> None:
        """A state with no step: a bound stop, or a deadlock (as in a check)."""
        reason = self.model.bound_reason(state)
        if reason is not None:
            self._bound_stop(trace, reason)
        elif DEADLOCK in self.properties and not self.model.stutters(state):
            self._found(DEADLOCK, trace, NO_STEP)

    def _keys(self, states: list[Any]) -> list[Any]:
        """The keys `seen` knows `states` by: fingerprints, or (exact) the
        states themselves."""
        try:
            return self.keys(states)
        except TypeError as error:
            raise unusable_state(self.model.name, error) from None

    def _met(self, state: Any, key: Any, trace_of: Callable[[], list[Step]],
             action: Any = None, counted: bool = True) -> None:
        """Count `state` (reached by `action`; not if outside the bounds),
        met for the first time, and check it; `trace_of()` is the run to it,
        for a finding."""
        if counted:
            self.drawn.seen[key] = (self.behaviour,
                                    None if action is None else type(action).__name__)
        for prop, predicate in self.invariants:
            outcome = self._evaluate(prop, predicate, state)
            if not outcome:
                self._found(prop, trace_of(), reason_of(outcome))
        for prop, predicate in self.reachables:
            outcome = self._evaluate(prop, predicate, state)
            if outcome:
                self.drawn.witnesses[prop.name] = (
                    self.behaviour, Finding(prop, _without_loops(trace_of())))
                self._activate()

    def _evaluate(self, prop: Property, predicate: Callable[..., Any], *arguments: Any) -> Any:
        return answer(self.model, prop, predicate, *arguments)

    def _found(self, prop: Property, trace: list[Step], reason: str | None) -> None:
        violations = self.drawn.violations
        if prop.name not in violations:
            violations[prop.name] = (self.behaviour, Finding(prop, _without_loops(
                trace, keep_last_step=prop.kind == "transition"), reason))
            self._activate()
            if self.shared is not None and not self.config.keep_going:
                self.shared.found(self.behaviour)


# -- several processes --------------------------------------------------------


class _Sharing:
    """What the processes of a simulation share: the lowest behaviour that
    broke a property, a stop (the run was interrupted), the behaviour each
    process is drawing (`at`: `_NONE` once it drew all it was given), the
    end the time limit set (`end`: no behaviour from it on is begun), and
    each process's counts of behaviours and steps, for progress."""

    def __init__(self, context: Any, processes: int):
        self.first = context.RawValue("q", _NONE)
        self.lock = context.Lock()
        self.stop = context.Event()
        self.counts = context.RawArray("q", 2 * processes)
        self.at = context.RawArray("q", processes)
        self.end = context.RawValue("q", _NONE)
        self.index = 0
        self.parent = os.getpid()

    def orphaned(self) -> bool:
        """Whether the process that started this one is gone (killed): no one
        would read what it draws."""
        return os.getppid() != self.parent

    def found(self, behaviour: int) -> None:
        with self.lock:
            if behaviour < self.first.value:
                self.first.value = behaviour

    def begin(self, behaviour: int, timed: bool) -> bool:
        """Say this process draws `behaviour` now; whether it may (not past
        the end the time limit set). `timed`: locked, so that `expire` sees
        every behaviour begun before the end it sets."""
        if not timed:
            self.at[self.index] = behaviour
            return True
        with self.lock:
            if behaviour >= self.end.value:
                return False
            self.at[self.index] = behaviour
            return True

    def expire(self) -> None:
        """The time limit is reached: the draw ends past the highest
        behaviour begun, and every process draws its own up to there (the
        figures are then those of every behaviour up to there)."""
        with self.lock:
            begun = max((b for b in self.at if b != _NONE), default=-1)
            self.end.value = min(self.end.value, begun + 1)

    def floor(self) -> int:
        """The lowest behaviour after which the figures may still stop:
        the lowest that broke a property, or the one before the lowest a
        process has not drawn whole."""
        with self.lock:  # (a violation is then seen with the behaviour that found it)
            return min(min(self.at) - 1, self.first.value)

    def drew(self, drawn: _Drawn) -> None:
        self.counts[2 * self.index] = drawn.behaviours
        self.counts[2 * self.index + 1] = drawn.steps


def _shared(model: Model, config: CheckConfig, walks: Walks, properties: tuple[Property, ...],
            processes: int, progress: Progress | None) -> _Drawn:
    """Draw in `processes` forked processes, process i behaviours i,
    i + processes, ..., and put together what they drew."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    sharing = _Sharing(context, processes)
    pipes, children = [], []
    for index in range(processes):
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(target=_draw_apart, daemon=True, args=(
            model, config, walks, properties, sharing, index, processes, sending))
        child.start()
        sending.close()
        pipes.append(receiving)
        children.append(child)
    parts: dict[int, Any] = {}
    told = time.monotonic()
    interrupted = False
    try:
        while len(parts) < processes:
            try:
                for pipe in wait([p for k, p in enumerate(pipes) if k not in parts],
                                 timeout=PROGRESS_EVERY):
                    index = pipes.index(pipe)
                    try:
                        parts[index] = pipe.recv()
                    except EOFError:  # killed (out of memory, a signal): its draw is lost
                        parts[index] = None
                if progress is not None and time.monotonic() - told >= PROGRESS_EVERY:
                    counts = list(sharing.counts)
                    progress(sum(counts[0::2]), sum(counts[1::2]), None)
                    told = time.monotonic()
            except KeyboardInterrupt:
                sharing.stop.set()  # each process ends its behaviour and says what it drew
                interrupted = True
    finally:
        if len(parts) < processes:  # (this process failed: they would draw for nothing)
            for child in children:
                child.kill()
        for child in children:
            child.join()
    for part in parts.values():
        if isinstance(part, BaseException):
            raise part
    drawn = _merge([part for part in parts.values() if part is not None], config.keep_going)
    drawn.interrupted = drawn.interrupted or interrupted
    drawn.processes = processes
    drawn.lost = sum(part is None for part in parts.values())
    return drawn


def _draw_apart(model: Model, config: CheckConfig, walks: Walks,
                properties: tuple[Property, ...], sharing: _Sharing, index: int,
                processes: int, sending: Any) -> None:
    """A process's part (in the forked process): what it drew, or the
    error that stopped it, sent back."""
    sharing.index = index
    try:
        part: Any = _Simulation(model, config, walks, properties, sharing).draw(
            _numbers(walks, index, processes))
    except BaseException as error:  # (sent to the parent, which raises it)
        part = error if isinstance(error, CheckerError) else CheckerError(
            f"model {model.name!r}: a simulation process failed: "
            f"{type(error).__name__}: {error}")
    try:
        sending.send(part)
    except Exception as error:  # a finding's state that cannot be pickled
        sending.send(CheckerError(f"model {model.name!r}: a simulation process could not "
                                  f"send what it drew: {error}"))
    sending.close()


def _merge(parts: list[_Drawn], keep_going: bool) -> _Drawn:
    """What the processes drew, as one process would have drawn it: each
    finding the one of the lowest behaviour; without `keep_going`, none
    past the lowest behaviour that broke a property (where one process
    stops); each state attributed to the behaviour and action that met it
    first; the figures those of the behaviours up to the lowest that broke
    a property, or up to the one before the lowest not drawn whole (which
    past it was drawn depends on the processes' speed)."""
    merged = _Drawn(actions=Counter())
    broken = [behaviour for part in parts for behaviour, _ in part.violations.values()]
    last = min(broken) if broken and not keep_going else _NONE
    counted = min([last] + [part.reached - 1 for part in parts])

    def earliest(mine: dict, theirs: dict) -> None:
        for name, (behaviour, finding) in theirs.items():
            if behaviour <= last and (name not in mine or behaviour < mine[name][0]):
                mine[name] = (behaviour, finding)

    for part in parts:
        earliest(merged.violations, part.violations)
        earliest(merged.witnesses, part.witnesses)
        if part.bound_stop is not None and part.bound_stop[0] <= last and (
                merged.bound_stop is None or part.bound_stop[0] < merged.bound_stop[0]):
            merged.bound_stop = part.bound_stop
        seen = merged.seen
        for key, first in part.seen.items():
            if first[0] <= counted and (key not in seen or first[0] < seen[key][0]):
                seen[key] = first
        counts = part.counts_at(counted)
        merged.actions.update(counts.actions)
        merged.generated += counts.generated
        merged.steps += counts.steps
        merged.behaviours += counts.behaviours
        merged.longest = max(merged.longest, counts.longest)
        merged.bound_stops += counts.bound_stops
        merged.interrupted = merged.interrupted or part.interrupted
    return merged


def _result(model: Model, drawn: _Drawn, properties: tuple[Property, ...],
            config: CheckConfig, walks: Walks, seconds: float) -> Result:
    checked = properties + ((ASSERTION,) if ASSERTION.name in drawn.violations else ())
    listed = tuple(prop for prop in checked
                   if prop is not DEADLOCK or prop.name in drawn.violations)
    order = {kind.__name__: k for k, kind in enumerate(model.actions)}
    actions = dict(sorted(drawn.actions.items(),
                          key=lambda item: (order.get(item[0], len(order)), item[0])))
    new_states = Counter(action for _, action in drawn.seen.values() if action is not None)
    stats = Stats(
        distinct_states=len(drawn.seen),
        generated_states=drawn.generated,
        depth=drawn.longest,
        seconds=seconds,
        peak_memory_bytes=workers.peak_memory(),
        store_bytes=0,
        actions=actions,
        new_states={name: new_states.get(name, 0) for name in actions},
        collision_probability=0.0,
        fp_seed=config.fp_seed,
        exact=config.exact,
        bound_stops=drawn.bound_stops,
        workers=drawn.processes,
        workers_lost=drawn.lost,
        walked=Walked(behaviours=drawn.behaviours, steps=drawn.steps,
                      depth=walks.depth, seed=walks.seed),
    )
    shortcut = _Shortcuts(model)
    violations = tuple(shortcut(drawn.violations[prop.name][1]) for prop in listed
                       if prop.name in drawn.violations)
    return Result(verdict=VIOLATED if violations else INCOMPLETE, stats=stats,
                  properties=listed, violations=violations,
                  witnesses=tuple(shortcut(drawn.witnesses[prop.name][1]) for prop in listed
                                  if prop.name in drawn.witnesses),
                  stopped_by="interrupted" if drawn.interrupted else "simulation",
                  bound_stop=None if drawn.bound_stop is None
                  else shortcut(drawn.bound_stop[1]),
                  kept_going=config.keep_going)


class _Shortcuts:
    """A finding's run made shorter where the model allows: a step from one
    of its states may reach a later one directly (a random behaviour
    wanders), and it may start at a later state that is initial; the
    shortest run through the run's own states is kept (a search among them,
    one `successors` call per state at most). Still a run of the model, to
    the same final state (a step property's finding keeps its last step);
    not the shortest run there is, which only a search finds."""

    def __init__(self, model: Model):
        self.model = model
        self.initial = set(model.initial_states())

    def __call__(self, finding: Finding) -> Finding:
        if finding.loop_start is not None:
            return finding  # (a lasso: the shortest among the behaviour's states already)
        kept = finding.trace.steps
        last = kept[-1:] if finding.property.kind == "transition" else ()
        steps = kept[:len(kept) - len(last)]
        states = [step.state for step in steps]
        position = {state: k for k, state in enumerate(states)}  # (loops are cut: one each)
        reached: dict[int, tuple[int, Any] | None] = {
            k: None for k, state in enumerate(states) if state in self.initial}
        level = sorted(reached)
        end = len(states) - 1
        while level and end not in reached:
            following = []
            for k in level:
                for action, state in self.model.successors(states[k]):
                    j = position.get(state)
                    if j is not None and j > k and j not in reached:
                        reached[j] = (k, action)
                        following.append(j)
            level = sorted(following)
        if end not in reached:  # (a model whose steps are not what they were)
            return finding
        path = [end]
        while reached[path[-1]] is not None:
            path.append(reached[path[-1]][0])
        shorter = [Step(None, states[path[-1]])] + [
            Step(reached[k][1], states[k]) for k in reversed(path[:-1])]
        return dataclasses.replace(finding, trace=Trace(tuple(shorter) + tuple(last)))


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
