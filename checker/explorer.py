"""The explorer: a model's states walked by hand, one step at a time.

Where a search answers "does every reachable state hold?", the explorer
answers "what can happen from here?": a reader learning a protocol, or one
asking why a counterexample's step was possible, starts at an initial state
and takes the steps they choose, seeing at each state its fields, what each
enabled step would change, and which properties hold (as Stateright's
Explorer and TLA+'s Spectacle do; `cmc explore` serves it as a page, or
prints one state).

A place is named by its *path*: the index of an initial state, then the
index of each step taken among the steps the model lists from the state
before (its `successors`, in their deterministic order), so a path is a
run, and the same path names the same run on every machine (a link to a
state can be shared). A counterexample becomes a path (`path_of`) to be
walked from.

Nothing here is a search: a place is computed from its path alone, in
time proportional to the path's length and the steps from its states.
Symmetry is not applied (every state is shown as the model has it), and
states outside the model's bounds are shown and marked, not hidden: the
explorer says where a search would stop, so that a bound that cuts a
behaviour short can be seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

from checker.errors import CheckerError, raised_in_model
from checker.model import Model, action_text, checked_steps, has_bounds, jsonable
from checker.properties import Property, answer, failed_assertion, reason_of
from checker.result import Step, Trace

#: The longest path a place is computed for: a link is a run walked by
#: hand, and a path of ten thousand steps is a mistake, not a run.
MAX_PATH = 10_000


class NoSuchPlace(CheckerError):
    """A path that names no run of the model (an index past the steps
    there, a step from a state with none): said in one line."""


@dataclass(frozen=True)
class Place:
    """The state a path reaches, and what can happen from it."""

    path: tuple[int, ...]
    #: the run to here: (action text or None for the initial state, the view
    #: of the state reached, the lines of what the step changed)
    run: tuple[tuple[str | None, dict, tuple[str, ...]], ...]
    #: the properties at this state (invariants, reachability; step
    #: properties of the step that led here): dicts name/title/kind/status/reason
    properties: tuple[dict, ...]
    #: the steps from here: dicts index/action/changes/breaks/violates/
    #: revisits/outside
    steps: tuple[dict, ...]
    #: why no step is taken from here, if none is (a failed assertion, a
    #: deadlock, the bounds, the depth bound); None where steps are listed
    #: or the state simply stutters
    stop: str | None
    initial_states: int
    within_bounds: bool
    bound_reason: str | None
    #: the run itself, the model's actions and states (for its sequence chart)
    trace: Trace
    #: the first step of the run whose state this is too (a loop closed), or None
    again: int | None = None
    #: the state's fields as reports print them (from the view itself: its
    #: JSON image has lost which lists are sets)
    printed: tuple[str, ...] = ()

    @property
    def state(self) -> dict:
        return self.run[-1][1]

    def document(self) -> dict[str, Any]:
        """The place as JSON (what the page reads)."""
        return {
            "path": list(self.path),
            "depth": len(self.path) - 1,
            "initial_states": self.initial_states,
            # (step k's place is the path's first k + 1 indices)
            "run": [{"action": action, "changes": list(lines)} for action, _, lines in self.run],
            "state": self.state,
            "printed": list(self.printed),
            "within_bounds": self.within_bounds,
            "bound_reason": self.bound_reason,
            "properties": list(self.properties),
            "steps": list(self.steps),
            "stop": self.stop,
            "again": self.again,
        }


def printed(view: dict) -> list[str]:
    """A state view's fields as reports print them (``name = value``)."""
    from reports.text import text

    return [f"{name} = {text(value)}" for name, value in view.items()]


class Explorer:
    """Walks `model`'s runs by path, checking `properties` (invariants,
    reachability and step properties; temporal ones are about infinite
    behaviours and are left out) and, with `deadlock`, whether a state with
    no step is a deadlock. A spec's depth bound is a bound of its search,
    not of the model: the explorer walks past it. With `colour`, the lines
    of what a step changes are coloured (ANSI) as a text report's trace
    (for a terminal: not for the page or JSON)."""

    def __init__(self, model: Model, properties: Sequence[Property], deadlock: bool = False,
                 colour: bool = False):
        self.model = model
        self.colour = colour
        self.properties = tuple(prop for prop in properties if not prop.temporal)
        self.deadlock = deadlock
        self.bounded = has_bounds(model)
        self._initial: list | None = None
        self._assertion: str | None = None  # why the last steps asked for failed

    # -- places --------------------------------------------------------------------

    def place(self, path: Sequence[int]) -> Place:
        """The place `path` names (`NoSuchPlace` if it names none)."""
        path = tuple(path)
        if not path:
            raise NoSuchPlace("a path starts with the index of an initial state (0 for the "
                              "first)")
        if len(path) > MAX_PATH + 1:
            raise NoSuchPlace(f"a path of {len(path) - 1:,} steps is longer than the "
                              f"{MAX_PATH:,} the explorer walks")
        initial = self.initial_states()
        if not 0 <= path[0] < len(initial):
            raise NoSuchPlace(f"there is no initial state {path[0]}: the model has "
                              f"{len(initial)} (0 to {len(initial) - 1})")
        state, action, before = initial[path[0]], None, None
        live = self._live(state)  # (diffed as reports diff them: a queue by its messages)
        run = [(None, _json(live), ())]
        taken = [Step(None, state)]
        for depth, index in enumerate(path[1:], 1):
            if self.bounded and not self.model.within_bounds(state):
                raise NoSuchPlace(f"step {depth} of the path: the state after step {depth - 1} "
                                  "is outside the model's bounds, where no step is taken")
            steps = self._steps(state)
            if steps is None or not steps:
                why = ("its step fails the model's assertion" if steps is None
                       else "the model has no step there")
                raise NoSuchPlace(f"step {depth} of the path: the state after step {depth - 1} "
                                  f"has no steps ({why})")
            if not 0 <= index < len(steps):
                raise NoSuchPlace(f"step {depth} of the path: there is no step {index} from the "
                                  f"state after step {depth - 1}; it has {len(steps)} "
                                  f"(0 to {len(steps) - 1})")
            before = state
            action, state = steps[index]
            previous, live = live, self._live(state)
            run.append((action_text(action), _json(live),
                        tuple(_changes(previous, live, self.colour))))
            taken.append(Step(action, state))
        return self._place(path, run, live, before, action, state, len(initial),
                           Trace(tuple(taken)))

    def _place(self, path: tuple[int, ...], run: list, live: dict, before: Any, action: Any,
               state: Any, initial: int, trace: Trace) -> Place:
        inside = not self.bounded or self.model.within_bounds(state)
        reason = None if inside else self._outside(state)
        properties = tuple(self._status(prop, before, action, state) for prop in self.properties)
        steps: list[dict] = []
        stop = None
        # (outside the bounds, as in a search: checked, and no step taken)
        listed = self._steps(state) if inside else []
        if not inside:
            stop = (f"outside the model's bounds ({reason}): a search checks this state and "
                    "takes no step from it")
        elif listed is None:
            stop = self._assertion
        elif not listed:
            if self.model.stutters(state):
                stop = "no step: the model says this state stutters (it has ended)"
            elif self.deadlock:
                stop = "deadlock: no step is enabled"
            else:
                stop = "no step is enabled (deadlock is not checked by this spec)"
        seen: dict[Any, int] = {}  # each state of the run, at its first step
        for k, taken in enumerate(trace.steps):
            seen.setdefault(taken.state, k)
        again = seen[state]
        holding = {entry["name"]: entry["status"] == "holds" for entry in properties}
        for index, (step, reached) in enumerate(listed or ()):
            reached_live = self._live(reached)
            steps.append({
                "index": index,
                "action": action_text(step),
                "changes": _changes(live, reached_live, self.colour),
                # invariants the state reached fails, step properties the step fails
                # (only where it holds here: a step from a state already failing it
                # keeps the failure, it does not bring it)
                "breaks": [prop.name for prop in self.properties
                           if prop.kind == "invariant" and holding.get(prop.name)
                           and not self._holds(prop, reached)],
                "violates": [prop.name for prop in self.properties
                             if prop.kind == "transition"
                             and not self._holds(prop, state, step, reached)],
                # the run's step whose state this is again (a loop), if any
                "revisits": seen.get(reached),
                "outside": self.bounded and not self.model.within_bounds(reached),
            })
        return Place(path, tuple(run), properties, tuple(steps), stop, initial, inside, reason,
                     trace, again if again < len(run) - 1 else None, tuple(printed(live)))

    def _outside(self, state: Any) -> str:
        """Why `state` is outside the bounds: the model's reason, else the
        spec's constraints it breaks, else the model's within_bounds."""
        reason = self.model.bound_reason(state)
        if reason:
            return reason
        broken = [constraint.name for constraint in getattr(self.model, "spec_constraints", ())
                  if constraint(state) is not True]
        if broken:
            return (f"the spec's constraint{'s' if len(broken) > 1 else ''} "
                    f"{', '.join(broken)}")
        return "the model's within_bounds"

    def _status(self, prop: Property, before: Any, action: Any, state: Any) -> dict:
        entry = {"name": prop.name, "title": prop.title, "kind": prop.kind}
        if prop.kind == "transition":
            if action is None:
                return {**entry, "status": "no step yet", "reason": None}
            outcome = self._answer(prop, before, action, state)
            return {**entry, "status": "holds" if outcome else "violated",
                    "reason": None if outcome else reason_of(outcome)}
        outcome = self._answer(prop, state)
        if prop.kind == "reachable":
            return {**entry, "status": "reached" if outcome else "not here", "reason": None}
        return {**entry, "status": "holds" if outcome else "violated",
                "reason": None if outcome else reason_of(outcome)}

    def _holds(self, prop: Property, *arguments: Any) -> bool:
        return bool(self._answer(prop, *arguments))

    def _answer(self, prop: Property, *arguments: Any) -> Any:
        return answer(self.model, prop, getattr(self.model, prop.name), *arguments)

    # -- the model's code ----------------------------------------------------------

    def initial_states(self) -> list:
        if self._initial is None:
            try:
                self._initial = list(self.model.initial_states())
            except (Exception, SystemExit) as error:
                raise raised_in_model(self.model.name, "initial_states()", error) from None
        return self._initial

    def _steps(self, state: Any) -> list | None:
        """The steps from `state`, or None where taking them fails the
        model's assert (`_assertion` says how)."""
        try:
            return checked_steps(self.model, state)
        except AssertionError as error:
            self._assertion = failed_assertion(error)
            return None

    def _live(self, state: Any) -> dict:
        """The state's view, as reports print and diff it."""
        from reports.run import state_view

        return state_view(self.model, state)

    # -- runs recorded -------------------------------------------------------------

    def path_of_script(self, script: Any) -> tuple[tuple[int, ...], str | None]:
        """The path of a recorded run (`checker.replay.Script`: a report's
        counterexample, or actions written by hand), each step found by its
        action's text (and, recorded, the state it reached), as a replay
        finds it; where a step is not one of the model's, the path so far
        and why it stops there (else None). A run written by hand starts
        from the first initial state that takes it whole, else from the one
        it goes furthest from."""
        initial = self.initial_states()
        recorded = script.states
        if recorded is not None:
            first = next((k for k, state in enumerate(initial)
                          if _json(self._live(state)) == recorded[0]), None)
            if first is None:
                raise NoSuchPlace("the run's initial state is none of the model's")
            return self._walk(first, script)
        best = None
        for first in range(len(initial)):
            walked = self._walk(first, script)
            if walked[1] is None:
                return walked
            if best is None or len(walked[0]) > len(best[0]):
                best = walked
        return best if best is not None else ((0,), None)

    def _walk(self, first: int, script: Any) -> tuple[tuple[int, ...], str | None]:
        """`script`'s run from initial state `first`, as far as it goes."""
        from checker.replay import comparable, unknown_action

        recorded = script.states
        path, state = [first], self.initial_states()[first]
        for number, text in enumerate(script.actions, 1):
            steps = self._steps(state) or []
            matching = [k for k, (action, _) in enumerate(steps)
                        if comparable(action_text(action)) == comparable(text)]
            if recorded is not None:  # the step reaching the recorded state, if one does
                matching.sort(key=lambda k: _json(self._live(steps[k][1])) != recorded[number])
            if not matching:
                return tuple(path), (f"step {number} of the run, {text}, is not a step of the "
                                     "model from here (" + (f"the state after step {number - 1}"
                                                            if number > 1 else
                                                            "the initial state") + ")"
                                     + unknown_action(self.model, text))
            path.append(matching[0])
            state = steps[matching[0]][1]
        return tuple(path), script.left  # (a log explained so far: where it is explained)

    # -- counterexamples -----------------------------------------------------------

    def path_of(self, trace: Trace) -> tuple[int, ...]:
        """The path of `trace`, a run of the model (a counterexample or a
        witness): each step found among the model's steps by its action and
        the state it reaches."""
        first = trace.steps[0].state
        initial = self.initial_states()
        path = [next((k for k, state in enumerate(initial) if state == first), None)]
        if path[0] is None:
            raise NoSuchPlace("the run's initial state is none of the model's")
        state = first
        for depth, step in enumerate(trace.steps[1:], 1):
            steps = self._steps(state) or []
            index = next((k for k, (action, reached) in enumerate(steps)
                          if reached == step.state
                          and action_text(action) == action_text(step.action)), None)
            if index is None:
                raise NoSuchPlace(f"step {depth} of the run ({action_text(step.action)}) is "
                                  "not a step of the model")
            path.append(index)
            state = step.state
        return tuple(path)


def _json(view: dict) -> dict:
    """A state's view as a JSON report records it."""
    return json.loads(json.dumps(jsonable(view), ensure_ascii=False, default=str))


def _changes(before: dict, after: dict, colour: bool) -> list[str]:
    from reports.text import state_changes

    return state_changes(before, after, colour)


def parse_path(text: str) -> tuple[int, ...]:
    """A path as written in a link or on the command line: indices
    separated by ``/`` (``0/2/1``: the first initial state, its third step,
    then the second step from there). `NoSuchPlace` names what is wrong."""
    parts = [part.strip() for part in text.strip().strip("/").split("/")]
    if len(parts) > MAX_PATH + 1:
        raise NoSuchPlace(f"a path of {len(parts) - 1:,} steps is longer than the "
                          f"{MAX_PATH:,} the explorer walks")
    path = []
    for number, part in enumerate(parts):
        if not part.isdigit() or not part.isascii() or len(part) > 9:
            raise NoSuchPlace(f"{text!r} is not a path: part {number + 1} ({part!r}) is not an "
                              "index; write indices separated by / (0/2/1: initial state 0, "
                              "then its step 2, then step 1 from there)")
        path.append(int(part))
    return tuple(path)
