"""Trace validation: is an implementation's log a behaviour of the model?

A log (`Log`, a YAML mapping with ``events:``) lists what a running system
recorded, in order: each event an action family, as a spec's `fairness:`
names one (``AppendEntries(i=s1, j=s2)``, ``ClientRequest``), and/or fields
of the state after it as reports print them (``{s2.commitIndex: 1}``; a
list as a YAML list or as the text report prints it, a text). A
log says less than a run: an event may be several steps of the model (any
of the family), its fields need not be all of the state, and the system
may not log some actions at all: ``hidden:`` names them (families too,
``DropMessage``), taken between events as often as the model allows
(``max_hidden:`` bounds how many between two events). This is how etcd's
raft checks its traces against its TLA+ spec.

`explain` searches for a run of the model that the log describes,
breadth-first, event by event: the states that explain the events so far
(from every initial state), then those its hidden steps reach, then the
steps of the next event's family reaching its fields. The run found bridges
each gap with as few hidden steps as any run does from the states kept;
it is replayed (`checker.replay`), so every state of it is checked against
the properties, and reported as a recorded run is. Where no run explains
the log, the replay takes the run that explains the longest first part of
it, and stops saying which event no step of the model explains and what
the model's steps are there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from checker.errors import ModelDefinitionError, SpecError, raised_in_model
from checker.fairness import Member, member_matches, parse_family
from checker.model import Model, action_text, checked_steps, has_bounds, recorded_view

#: The keys a log's mapping may have.
LOG_KEYS = ("initial", "events", "hidden", "max_hidden")
#: The steps listed where an event is explained by none.
SHOWN_STEPS = 8
#: The most states the hidden steps between two events may reach: a model
#: without bounds may have no end of them.
MOST_HIDDEN_STATES = 1_000_000


@dataclass(frozen=True)
class Log:
    """A log to validate: its file, its events as written (an action
    family's text or None, and the state's fields required after it), the
    hidden families' texts, and how many hidden steps may come between two
    events (None: as many as the model has)."""

    source: str
    events: tuple[tuple[str | None, dict], ...]
    hidden: tuple[str, ...] = ()
    max_hidden: int | None = None
    #: the fields the run's initial state has (none given: any initial state)
    initial: dict | None = None


def read_log(path: str, document: dict) -> Log:
    """The log in `document`, a mapping read from `path` (a `SpecError`
    naming the field and the fix where it is not one)."""
    unknown = [key for key in document if key not in LOG_KEYS]
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}; a log has {', '.join(LOG_KEYS)}",
                        path=path, field=str(unknown[0]))
    events = document.get("events")
    if not isinstance(events, list) or not events:
        raise SpecError("give the log's events as a list (events: [ClientRequest(i=s1), "
                        "{action: Timeout(i=s2), state: {s2.state: Candidate}}])", path=path,
                        field="events")
    read = []
    for number, event in enumerate(events, 1):
        field = f"events[{number}]"
        if isinstance(event, str) and event.strip():
            read.append((event.strip(), {}))
            continue
        if isinstance(event, dict) and isinstance(event.get("action"), str):
            _refuse_split(path, field, event)
        if not isinstance(event, dict) or not event or set(event) - {"action", "state"}:
            raise SpecError(f"is {event!r}; give an action family (ClientRequest(i=s1)) or "
                            "a mapping of action: and/or state: (fields as reports print "
                            "them)", path=path, field=field)
        action, state = event.get("action"), event.get("state", {})
        if action is not None and (not isinstance(action, str) or not action.strip()):
            raise SpecError(f"action is {action!r}; give an action family as a text "
                            "(Timeout(i=s2))", path=path, field=f"{field}.action")
        if not isinstance(state, dict) or (action is None and not state):
            raise SpecError(f"state is {state!r}; give the fields of the state after the "
                            "event, as reports print them ({s1.state: Leader})", path=path,
                            field=f"{field}.state")
        read.append((action.strip() if action else None, state))
    hidden = document.get("hidden", [])
    if isinstance(hidden, str):
        hidden = [hidden]
    if not isinstance(hidden, list) or not all(isinstance(h, str) and h.strip()
                                               for h in hidden):
        raise SpecError(f"is {hidden!r}; give the action families the log does not record, "
                        "as a list ([DropMessage, Timeout])", path=path, field="hidden")
    most = document.get("max_hidden")
    if most is not None and (type(most) is not int or most < 0):
        raise SpecError(f"is {most!r}; give how many hidden steps may come between two "
                        "events, a whole number (0 or more), or leave it out", path=path,
                        field="max_hidden")
    initial = document.get("initial")
    if initial is not None and (not isinstance(initial, dict) or not initial):
        raise SpecError(f"is {initial!r}; give fields of the initial state to start from, "
                        "as reports print them ({p0.input: 1}), or leave it out", path=path,
                        field="initial")
    return Log(path, tuple(read), tuple(h.strip() for h in hidden), most, initial)


def _refuse_split(path: str, field: str, event: dict) -> None:
    """An event ``{action: Go(a=1, b=2), state: ...}``, a flow mapping whose
    action YAML splits at its comma (``action: 'Go(a=1'`` and a key
    ``'b=2)'``), refused saying to quote it."""
    action = event["action"]
    stray = [key for key in event if key not in ("action", "state")]
    if not stray or action.count("(") == action.count(")"):
        return  # (a stray key beside a whole action is a typo: read_log names it)
    parts = [action] + [str(key) if event[key] is None else f"{key}: {event[key]}"
                        for key in stray]
    raise SpecError(f"the action {action!r} is cut at a comma: YAML splits a flow mapping's "
                    f"unquoted text there; quote the action: action: \"{', '.join(parts)}\"",
                    path=path, field=f"{field}.action")


def explain(model: Model, log: Log) -> tuple[tuple, tuple, str | None, str | None]:
    """A run of `model` that `log` describes: (its actions' texts, its
    states as reports record them, from the initial one, None and None);
    or, where none is, the run explaining the longest first part of the
    log, why the next event is explained by none and, in a few words,
    which event that is (a verdict's headline)."""
    try:
        initial = list(model.initial_states())
    except (Exception, SystemExit) as error:
        raise raised_in_model(model.name, "initial_states()", error) from None
    if not initial:
        raise ModelDefinitionError(f"model {model.name!r}: initial_states() gave no state, so "
                                   "no run explains the log; return at least one")
    events = [(_family(model, log, text, f"events[{n}].action") if text else None,
               _fields(model, log, fields, f"events[{n}].state", initial[0]))
              for n, (text, fields) in enumerate(log.events, 1)]
    if log.initial:
        given = _fields(model, log, log.initial, "initial", initial[0])
        initial = [state for state in initial if _has(model, state, given)]
        if not initial:
            raise SpecError(f"no initial state of the model has these fields "
                            f"({json.dumps(given)}); give values as reports print them "
                            "(cmc explore SPEC --at 0 lists the initial states)",
                            path=log.source, field="initial")
    hidden = [member for k, text in enumerate(log.hidden)
              for member in _family(model, log, text, f"hidden[{k + 1}]")]
    # a node: (state, parent node or None, action); a layer: the nodes
    # explaining the events so far, by state
    nodes: list[tuple[Any, int | None, Any]] = []
    layer: dict[Any, int] = {}
    for state in initial:
        if state not in layer:
            layer[state] = len(nodes)
            nodes.append((state, None, None))
    try:
        return _search(model, log, events, hidden, nodes, layer)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"interrupted while searching for a run that explains the "
                                f"log, {len(nodes):,} states in, before any run was "
                                "replayed") from None


def _search(model: Model, log: Log, events: list, hidden: list[Member], nodes: list,
            layer: dict[Any, int]) -> tuple[tuple, tuple, str | None, str | None]:
    """`explain`'s search, event by event, from the initial states `layer`."""
    bounded = has_bounds(model)
    for number, (members, fields) in enumerate(events, 1):
        reached = _hidden_closure(model, nodes, layer, hidden, log.max_hidden, bounded)
        if reached is None:
            raise SpecError(f"the hidden steps before event {number} reach more than "
                            f"{MOST_HIDDEN_STATES:,} states; bound them (max_hidden: N) or "
                            "hide fewer actions", path=log.source, field="hidden")
        following: dict[Any, int] = {}
        for state, index in reached.items():
            if bounded and not model.within_bounds(state):
                continue  # (as a search: checked, not expanded)
            for action, after in _steps(model, state):
                if after in following or (members is not None and not any(
                        member_matches(m, action, model.action_view) for m in members)):
                    continue
                if fields and not _has(model, after, fields):
                    continue
                following[after] = len(nodes)
                nodes.append((after, index, action))
        if not following:
            end = next(iter(reached.values()))
            return (*_run(model, nodes, end),
                    _unexplained(model, log, number, nodes[end][0], len(reached)),
                    f"event {number}, {_written(log, number)}, is no step of the model")
        layer = following
    return (*_run(model, nodes, next(iter(layer.values()))), None, None)


def _hidden_closure(model: Model, nodes: list, layer: dict, hidden: list[Member],
                    most: int | None, bounded: bool) -> dict[Any, int] | None:
    """The states of `layer` and those its hidden steps reach (at most
    `most` of them in a row), each with its node: breadth-first, so each
    state's node is reached by as few hidden steps as it can be. None past
    `MOST_HIDDEN_STATES`."""
    reached = dict(layer)
    if not hidden:
        return reached
    front, taken = list(layer.items()), 0
    while front and (most is None or taken < most):
        following = []
        for state, index in front:
            if bounded and not model.within_bounds(state):
                continue
            for action, after in _steps(model, state):
                if after in reached or not any(member_matches(m, action, model.action_view)
                                               for m in hidden):
                    continue
                reached[after] = len(nodes)
                nodes.append((after, index, action))
                following.append((after, reached[after]))
                if len(reached) > MOST_HIDDEN_STATES:
                    return None
        front, taken = following, taken + 1
    return reached


def _steps(model: Model, state: Any) -> list:
    try:
        return checked_steps(model, state)
    except AssertionError:
        return []  # (the replay of the run finds the failed assert)


def _family(model: Model, log: Log, text: str, field: str) -> tuple[Member, ...]:
    try:
        return parse_family(model, text)
    except ValueError as problem:
        raise SpecError(str(problem), path=log.source, field=field) from None


def _fields(model: Model, log: Log, fields: dict, field: str, initial: Any) -> dict:
    """An event's fields (or the initial state's), given at `field` of the
    log, checked against the names of the model's state view (that of
    `initial`, an initial state), with their values as a report records
    them (through JSON)."""
    if not fields:
        return {}
    names = set(recorded_view(model, initial))
    for name in fields:
        if name not in names:
            from checker.spec import suggest

            raise SpecError(f"the model's states have no field {name!r}"
                            f"{suggest(name, sorted(names))}; give fields as reports print "
                            "them (cmc explore SPEC --at 0 lists them)", path=log.source,
                            field=field)
    try:
        return json.loads(json.dumps(fields))
    except (TypeError, ValueError):
        raise SpecError("holds a value JSON cannot hold; give values as reports print them",
                        path=log.source, field=field) from None


def _has(model: Model, state: Any, fields: dict) -> bool:
    """Whether `state` has the event's `fields`, each written as a JSON
    report records it (a YAML list) or, a text, as the text report prints
    the whole value (``"[Entry(client=c0, request=1)]"``, ``none``), spaces
    aside: the log's writer copies either."""
    view, printed = recorded_view(model, state), None
    for name, value in fields.items():
        if view.get(name) == value:
            continue
        if not isinstance(value, str) or isinstance(view.get(name), str):
            return False
        if printed is None:
            from reports.run import state_view
            from reports.text import text

            printed = {key: "".join(text(shown).split())
                       for key, shown in state_view(model, state).items()}
        if printed.get(name) != "".join(value.split()):
            return False
    return True


def _run(model: Model, nodes: list, end: int) -> tuple[tuple[str, ...], tuple[dict, ...]]:
    """The actions' texts and the recorded states of the run to node `end`."""
    steps = []
    while end is not None:
        state, parent, action = nodes[end]
        steps.append((action, state))
        end = parent
    steps.reverse()
    return (tuple(action_text(action) for action, _ in steps[1:]),
            tuple(recorded_view(model, state) for _, state in steps))


def _written(log: Log, number: int) -> str:
    """Event `number` as the log gives it."""
    text, fields = log.events[number - 1]
    return " ".join(filter(None, [text, json.dumps(fields) if fields else None]))


def _unexplained(model: Model, log: Log, number: int, state: Any, states: int) -> str:
    """Why the log is explained by no run past event `number - 1`."""
    written = _written(log, number)
    listed = [action_text(action) for action, _ in _steps(model, state)]
    shown = ", ".join(listed[:SHOWN_STEPS]) + (
        f", … ({len(listed)} in all)" if len(listed) > SHOWN_STEPS else "")
    hidden = f" (with {', '.join(log.hidden)} steps hidden)" if log.hidden else ""
    if number == 1:
        where = (f"any of the model's {states:,} initial states{hidden}" if states > 1
                 else f"the model's one initial state{hidden}")
        shown_run = "the run shown is an initial state"
    else:
        before = f"events 1-{number - 1}" if number > 2 else "event 1"
        where = (f"any of the {states:,} states that explain {before}{hidden}" if states > 1
                 else f"the one state that explains {before}{hidden}")
        shown_run = f"the run shown explains {before}"
    return (f"event {number}, {written}, is no step of the model from {where}; "
            f"{shown_run}, and its last state's steps are: {shown or 'none'}")
