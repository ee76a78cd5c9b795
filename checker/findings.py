"""Checking the properties on the states and steps a search generates,
and turning the first failure (or witness) of each into a finding.

A chunk of states is expanded and checked at once: each property's first
occurrence in it is kept as a `Found`, ordered by where it was generated
(`keep_first`), and once the chunk is done the occurrences are settled
(`PropertyChecks._settle`): each becomes a `Finding` with the shortest run
to it, replayed from the back-pointers. The partitions of a shared search
(`partition`) check their candidates with the same code and send back their
`Found`s, which the main process settles here too: so both searches find
the same first failure of each property, and say why in the same words.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from checker.errors import CheckerError, no_answer, raised_in_model, stopped_iteration
from checker.model import Model
from checker.properties import ASSERTION, BOUND_STOP, DEADLOCK, Property, reason_of
from checker.result import SETTLED, Finding
from checker.symmetry_guard import SoundnessGuard
from checker.traces import replay

#: The ordinal of a finding's location ``(number, ITSELF)`` that names the
#: state numbered `number` itself, not one of its successors: where a run
#: ends (a deadlock, a bound stop). Its place in the trace is looked up
#: when the finding is settled, by the process that holds the back-pointers.
ITSELF = None


class Found:
    """The first occurrence of a property's violation (or witness) within
    the chunk being expanded; `order` sorts occurrences by generation."""

    __slots__ = ("order", "location", "state", "reason")

    def __init__(self, order: tuple, location: tuple[int, Any], state: Any,
                 reason: str | None):
        self.order, self.location, self.state, self.reason = order, location, state, reason


def keep_first(found: dict[str, Found], name: str, occurrence: Found) -> None:
    """Keep `occurrence` as property `name`'s in `found` if it is the first
    generated."""
    if name not in found or occurrence.order < found[name].order:
        found[name] = occurrence


def state_found(prop: Property, order: tuple, location: tuple[int, int], state: Any,
                outcome: Any) -> Found:
    """The occurrence of `prop` (a failure, or a witness) at `state`,
    reached by the step at `location`, where it gave `outcome`."""
    return Found(order, location, state,
                 None if prop.kind == "reachable" else reason_of(outcome))


def first_failure(found: dict[str, Found], prop: Property, outcomes: list[Any],
                  states: Any, parents: list[int], ordinals: list[int],
                  step_numbers: Any, kind: int) -> None:
    """Record the first falsy outcome, if any, as an occurrence of `prop`."""
    if all(outcomes):
        return
    k = next(k for k, outcome in enumerate(outcomes) if not outcome)
    keep_first(found, prop.name, Found((step_numbers[k], kind), (parents[k], ordinals[k]),
                                  states[k], reason_of(outcomes[k])))


def stops_search(model: Model, name: str) -> bool:
    """Whether a finding of property `name` ends a search that does not
    keep going: a violation does, a witness or a bound stop does not."""
    if name in (DEADLOCK.name, ASSERTION.name):
        return True
    return name in model.properties and model.properties[name].kind != "reachable"


class PropertyChecks:
    """The search's checking of properties (`explore.Search` is one): the
    predicates still to be checked, run over many states at a time, and
    the findings settled. It reads the search's `model`, `config`,
    `properties`, `symmetry` and `pointers`, and keeps its `violations`,
    `witnesses`, `bound_stop` and `stopped_by` (asking it whether it is
    `_stopping` when every property is settled)."""

    def _activate(self, shown: set[str] = frozenset()) -> None:
        """Bind the predicates still to be checked (a property found once is
        not checked again), `shown` too if given."""
        done = self.violations.keys() | self.witnesses.keys() | shown

        def bound(kind: str) -> list[tuple[Property, Callable[..., Any]]]:
            return [(p, getattr(self.model, p.name)) for p in self.properties
                    if p.kind == kind and p.name not in done]

        self.invariants = bound("invariant")
        self.transitions = bound("transition")
        self.reachables = bound("reachable")
        self.deadlocks = DEADLOCK in self.properties and DEADLOCK.name not in done
        self.asserting = ASSERTION.name not in done
        self.seeking_bound_stop = self.bound_stop is None and BOUND_STOP.name not in done

    def _check_states(self, states: list[Any], parents: list[int], ordinals: list[int],
                      step_numbers: list[int], found: dict[str, Found]) -> None:
        """Check the invariants and reachability properties on `states`
        (reached by the given steps), recording the first failure (or
        witness) of each."""
        try:
            for prop, outcomes, reached in self._outcomes(states):
                k = next(k for k, outcome in enumerate(outcomes) if bool(outcome) is reached)
                keep_first(found, prop.name, state_found(prop, (step_numbers[k], 1),
                                                         (parents[k], ordinals[k]), states[k],
                                                         outcomes[k]))
        except CheckerError as error:
            k = getattr(error, "state_index", None)
            if k is not None and not hasattr(error, "location"):
                # where the model's property raised: the run to it is reported (`run`)
                error.location, error.state = (parents[k], ordinals[k]), states[k]
            raise

    def _outcomes(self, states: list[Any]) -> Iterator[tuple[Property, list[Any], bool]]:
        """Each invariant that some of `states` fail, and each reachability
        property that some reach (`reached`), with its outcome on every
        state: one property over all of them at a time, the predicate
        mapped at C speed, and only a failure looked at closely."""
        for prop, predicate in self.invariants:
            outcomes = self._evaluate(prop, predicate, states)
            if not all(outcomes):
                self._no_answer(prop, outcomes)
                yield prop, outcomes, False
        for prop, predicate in self.reachables:
            outcomes = self._evaluate(prop, predicate, states)
            self._no_answer(prop, outcomes)
            if any(outcomes):
                yield prop, outcomes, True

    def _no_answer(self, prop: Property, outcomes: list[Any]) -> None:
        """A property answers True, False or `Fails`: None is a forgotten
        `return`, which would read as a failure (or as never reached)."""
        if None in outcomes:
            raise no_answer(self.model.name, f"property {prop.name!r}",
                            "True or False (or Fails(reason))")

    def _evaluate(self, prop: Property, predicate: Callable[..., Any],
                  *arguments: Any) -> list[Any]:
        try:
            outcomes = list(map(predicate, *arguments))
        except (Exception, SystemExit) as error:
            self._raised(prop, error, self._raising(predicate, arguments))
        if len(outcomes) < len(arguments[0]):  # map() ends at a StopIteration it meets
            raise stopped_iteration(self.model.name, f"property {prop.name!r}")
        return outcomes

    @staticmethod
    def _raising(predicate: Callable[..., Any], arguments: tuple) -> int | None:
        """The position of the first of the `arguments` (states, or steps)
        on which `predicate` raises (evaluated again one at a time)."""
        for k, given in enumerate(zip(*arguments)):
            try:
                predicate(*given)
            except (Exception, SystemExit):
                return k
        return None

    def _raised(self, prop: Property | None, error: Exception,
                state_index: int | None = None) -> None:
        if isinstance(error, MemoryError):
            raise error
        if prop is None or isinstance(error, CheckerError):
            failure = error  # a spec's expression names its own mistake
        else:
            failure = raised_in_model(self.model.name, f"property {prop.name!r}", error)
        failure.state_index = state_index  # (which state: `_check_states` finds its run)
        raise failure from None

    def _settle(self, found: dict[str, Found]) -> None:
        """Turn a chunk's first occurrences into findings with traces."""
        if not found:
            return
        kinds = {p.name: p for p in self.properties + (BOUND_STOP, ASSERTION)}
        for name, occurrence in sorted(found.items(), key=lambda item: item[1].order):
            if name in self.violations:  # found in an earlier chunk: that one is shortest
                continue
            prop = kinds[name]
            number, ordinal = occurrence.location
            location = (self.pointers.location(number) if ordinal is ITSELF
                        else occurrence.location)
            trace = replay(self.model, self.pointers.path(*location), occurrence.state,
                           self.symmetry)
            reason = occurrence.reason
            if self.symmetry is not None and prop.kind in ("invariant", "transition",
                                                           "reachable"):
                reason = self._reason_on(prop, trace)  # names as in the real run
            finding = Finding(prop, trace, reason)
            if prop is BOUND_STOP:
                self.bound_stop = self.bound_stop or finding
            elif prop.kind == "reachable":
                self.witnesses[name] = finding
            else:
                self.violations[name] = finding
        self._activate()
        if (self.config.stop_when_settled and self.properties and not self.unsettled()
                and not self._stopping()):  # (a violation stops a run as it did)
            self.stopped_by = SETTLED

    def unsettled(self) -> list[str]:
        """The properties not settled yet: neither violated nor witnessed."""
        return [p.name for p in self.properties
                if p.name not in self.violations and p.name not in self.witnesses]

    def _reason_on(self, prop: Property, trace: Any) -> str | None:
        """Why `prop` fails (or is reached) at the end of `trace`, a real
        run renamed back from representatives. The answer there must be
        the representative's: where it is not, the property tells renamed
        elements apart, which `SoundnessGuard` samples for and the reduction
        relies on, so the run is refused rather than reported with a trace
        that ends in a state that does not show it."""
        predicate = getattr(self.model, prop.name)
        if prop.kind == "transition":
            before, after = trace.steps[-2], trace.steps[-1]
            outcome = predicate(before.state, after.action, after.state)
        else:
            outcome = predicate(trace.final)
        if bool(outcome) is not (prop.kind == "reachable"):
            SoundnessGuard.refuse(self.model, self.symmetry.groups, f"property {prop.name!r} "
                                  f"({prop.title})", "gives one answer on a representative "
                                  "state and another on the real state it stands for")
        return reason_of(outcome)

