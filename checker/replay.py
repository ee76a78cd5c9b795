"""Replay: a recorded run taken again on a model, checked step by step.

A run is given as a file (`load_script`): a counterexample or witness that
`cmc check` wrote in its JSON report (``--out DIR`` or ``--format json``:
each step's action and the state it reached), or a run written by hand, a
YAML list of actions as reports print them (``- Phase1a(b=0)``). It is
taken again on a model, perhaps another than the one that recorded it:

- does the fix remove the counterexample? Replayed on the fixed model, the
  run either is no longer a run of it (a step the fix disables: the replay
  stops there and says which steps the model has instead) or is one and
  breaks no property;
- does this schedule (a bug report's, a Jepsen history's) break the
  property? Written by hand, the run is checked as it goes;
- where did the model's behaviour change? A recorded state that the model
  no longer reaches by the same action is named with the fields that
  differ.

Each step is found among the model's steps from the state reached so far by
its action's text (spaces aside, ``->`` for ``→``); of several such steps, the one reaching
the recorded state, if any. The initial state is the model's initial state
equal to the recorded one (a hand-written run: the first from which its
first action is a step). Every state of the run is checked against the
invariants and reachability properties, every step against the step
properties, and the last state's steps are generated, so that a recorded
failed assertion or deadlock is found again; a state outside the model's
bounds (its `within_bounds`, a spec's constraints) is checked and, as in a
search, goes no further. Nothing is proven to hold: a
property the run does not break is "not settled" (`stopped_by` "replay").

Temporal properties are about infinite behaviours: they are judged only on
a lasso that a report recorded (`Finding.loop_start`: a stem, then a loop
back to a state of it, or a stutter in its last state), and there as a
search judges them on the graph of every state (`checker.lassos`), on the
graph of the run's states and the steps between them (`_Replay.judge`).
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections import Counter
from itertools import islice
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checker import workers
from checker.behaviour_graph import each_bit
from checker.errors import SpecError, raised_in_model
from checker.fairness import Fairness
from checker.fairness import _split as split_outside_brackets
from checker.lassos import found_along
from checker.model import (Model, action_text, checked_steps, has_bounds, jsonable,
                           recorded_view)
from checker.properties import (ASSERTION, DEADLOCK, NO_STEP, Property, answer,
                                failed_assertion, reason_of, select_properties)
from checker.validation import Log, explain, read_log
from checker.result import (INCOMPLETE, NOT_A_RUN, NOT_EXPLAINED, VIOLATED, CheckConfig,
                            Finding, Replayed, Result, Stats, Step, Trace)
from checker.yamlsafe import read_stream

#: The steps a report lists where a recorded step is not one of the model's.
SHOWN_STEPS = 8
#: The differing fields a report names for a state that is not the recorded one.
SHOWN_FIELDS = 3
#: The largest run file read: a report's long trace of large states.
MAX_BYTES = 64 << 20


@dataclass(frozen=True)
class Script:
    """A run to replay: where it came from (the file, and the property
    whose finding it is), its actions' texts in order, and the state views
    recorded before the first and after each step (None: written by hand)."""

    source: str
    actions: tuple[str, ...]
    states: tuple[dict, ...] | None = None
    #: why the run ends where it does, where it is all of a log that a run
    #: of the model explains (`checker.validation`): the replay stops there
    left: str | None = None
    #: the run is the one a log describes (`as_run`)
    log: bool = False
    #: which event of the log is explained by no step, where `left` says why
    stop: str | None = None
    #: a lasso a report recorded (`Finding.loop_start`): the step its loop
    #: starts after, or the last, where the run stutters for ever
    loop_start: int | None = None


def load_script(given: str) -> Script | Log:
    """The run in ``FILE`` or ``FILE:PROPERTY`` (a JSON report of `cmc
    check` holding one finding, or that of PROPERTY; or a YAML list of
    actions), or the log in FILE (a YAML mapping of ``events:``, which a
    run of the model is searched for: `as_run`). A file that holds no such
    run is a `SpecError` naming it and the fix."""
    path, wanted = _split(given)
    text = _read(path)
    try:
        document = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except RecursionError:
        raise SpecError("is nested too deep for a run; give a JSON report of cmc check or a "
                        "YAML list of actions", path=path) from None
    except (ValueError, yaml.YAMLError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SpecError(f"not {'JSON' if path.endswith('.json') else 'YAML'} ({first}); give "
                        "a JSON report of cmc check or a YAML list of actions", path=path) from None
    if isinstance(document, list):
        if wanted is not None:
            raise SpecError(f"a list of actions is one run: leave out :{wanted}", path=path)
        return Script(path, _actions(path, document))
    if isinstance(document, dict) and "steps" in document and not path.endswith(".json"):
        if wanted is not None:
            raise SpecError(f"a lasso is one run: leave out :{wanted}", path=path)
        return _lasso(path, document)
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        return _recorded(path, document["results"], wanted)
    if isinstance(document, dict) and "events" in document and not path.endswith(".json"):
        if wanted is not None:
            raise SpecError(f"a log is one run: leave out :{wanted}", path=path)
        return read_log(path, document)
    raise SpecError("neither a JSON report of cmc check (--out DIR, --format json), a YAML "
                    "list of actions, a lasso (a YAML mapping of steps: and loop:) nor a log "
                    "(a YAML mapping of events:)", path=path)


def _actions(path: str, listed: list, field: str | None = None) -> tuple[str, ...]:
    """The actions of a run written by hand (a YAML list of them)."""
    actions = []
    for number, action in enumerate(listed, 1):
        if isinstance(action, dict):  # an action whose text holds ": " (Invoke(c1: ...))
            raise SpecError(f"step {number} is read by YAML as a mapping, its text holding "
                            "': '; put the action in quotes (- \"Invoke(c1: write(x, 1) "
                            "to s1)\")", path=path, field=field)
        if not isinstance(action, str) or not action.strip():
            raise SpecError(f"step {number} is {action!r}, not an action; write each step "
                            "as reports print it (- Phase1a(b=0))", path=path, field=field)
        actions.append(action.strip())
    return tuple(actions)


def _lasso(path: str, document: dict) -> Script:
    """A lasso written by hand: its ``steps:`` (a list of actions) and
    ``loop:``, the step after which its loop starts (the last step goes back
    to that step's state), or the last step, after which it stutters for
    ever."""
    unknown = [key for key in document if key not in ("steps", "loop")]
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}; a lasso has steps and loop", path=path,
                        field=str(unknown[0]))
    steps = document["steps"]
    if not isinstance(steps, list) or not steps:
        raise SpecError("give the lasso's actions as a list (steps: [Propose(p=0), ...])",
                        path=path, field="steps")
    actions = _actions(path, steps, "steps")
    loop = document.get("loop")
    if type(loop) is not int or not 0 <= loop <= len(actions):
        raise SpecError(f"is {loop!r}; give the step after which the loop starts, 0 to "
                        f"{len(actions)} (the last step goes back to its state; "
                        f"{len(actions)}: the run stutters in its last state for ever)",
                        path=path, field="loop")
    return Script(path, actions, loop_start=loop)


def as_run(model: Model, given: Script | Log) -> Script:
    """The run to take: `given`, or, for a log, the run of `model` that it
    describes (`checker.validation.explain`), ending where the log is
    explained by none."""
    if isinstance(given, Script):
        return given
    actions, states, left, stop = explain(model, given)
    events = len(given.events)
    said = (f"its {events} events explained by a run of {_steps_said(len(actions))}"
            if left is None else f"a log of {events} event{'' if events == 1 else 's'}")
    return Script(f"{given.source} ({said})", actions, states, left, log=True, stop=stop)


def _steps_said(count: int) -> str:
    return f"{count} step" + ("" if count == 1 else "s")


def _fields_said(view: dict, most: int = 4) -> str:
    """The first fields of a state's view, as ``x = 0, y = [1]``."""
    said = [f"{name} = {json.dumps(value, default=str)}"
            for name, value in islice(view.items(), most)]
    return ", ".join(said) + (", ..." if len(view) > most else "")


def _read(path: str) -> str:
    """The file's text, read within `MAX_BYTES` (a device or a pipe only
    while data comes, as a spec is: ``/dev/zero`` is no hang)."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise SpecError("is a folder; give a JSON report of cmc check or a YAML list of "
                            "actions", path=path)
        if stat.S_ISREG(info.st_mode):
            with open(path, "rb") as stream:
                data = stream.read(MAX_BYTES + 1)
        else:
            data = read_stream(path)
    except FileNotFoundError:
        raise SpecError("cannot read the run to replay: No such file or directory",
                        path=path) from None
    except OSError as error:
        raise SpecError(f"cannot read the run to replay: {error.strerror or error}",
                        path=path) from None
    if len(data) > MAX_BYTES:
        raise SpecError(f"is larger than {MAX_BYTES / 2**20:g} MiB, too large for a run to "
                        "replay", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(f"is not UTF-8 text (byte {error.start}: {error.reason})",
                        path=path) from None


def _split(given: str) -> tuple[str, str | None]:
    """``FILE:PROPERTY`` apart (a file whose own name has a colon is taken
    whole)."""
    head, colon, tail = given.rpartition(":")
    if colon and head and tail.isidentifier() and not Path(given).exists():
        return head, tail
    return given, None


def _recorded(path: str, results: list, wanted: str | None) -> Script:
    found = []
    for result in results:
        if not isinstance(result, dict):
            continue
        # (a witness where named: a report's run is its violation)
        findings = [*(result.get("violations") or []),
                    *((result.get("witnesses") or []) if wanted is not None else [])]
        for finding in findings:
            if isinstance(finding, dict) and isinstance(finding.get("trace"), list) and (
                    wanted is None or finding.get("property") == wanted):
                found.append((result.get("spec"), finding))
    if len(found) != 1:
        # (violations first: what a report's reader means by its trace)
        names = list(dict.fromkeys(
            str(finding.get("property")) for kind in ("violations", "witnesses")
            for result in results if isinstance(result, dict)
            for finding in result.get(kind) or []
            if isinstance(finding, dict) and isinstance(finding.get("trace"), list)))
        if not names:
            raise SpecError("holds no trace: the report of a run that found nothing", path=path)
        # (named as FILE:PROPERTY, which --replay and explore --run both take)
        if not found:
            what = (f"no trace of {wanted}" if wanted is not None
                    else "no counterexample, only witnesses")
            raise SpecError(f"holds {what}; it holds those of {', '.join(names)}: name one "
                            f"({path}:{names[0]})", path=path)
        if wanted is None:
            raise SpecError(f"holds {len(found)} traces ({', '.join(names)}): name the "
                            f"property ({path}:{names[0]})", path=path)
        raise SpecError(f"holds {len(found)} traces of {wanted}, of specs "
                        f"{', '.join(str(spec) for spec, _ in found)}: write each spec's "
                        "report apart (--out DIR) and replay one", path=path)
    spec, finding = found[0]
    actions, states = [], []
    for number, step in enumerate(finding["trace"]):
        if not isinstance(step, dict) or not isinstance(step.get("state"), dict) or (
                number > 0 and not (isinstance(step.get("action"), dict)
                                    and isinstance(step["action"].get("text"), str))):
            raise SpecError(f"step {number} of the trace of {finding.get('property')} is not "
                            "a step of a cmc report ({\"action\": {\"text\"}, \"state\"}); "
                            "give the file cmc check wrote", path=path)
        if number > 0:
            actions.append(step["action"]["text"])
        states.append(step["state"])
    if not states:
        raise SpecError(f"the trace of {finding.get('property')} is empty", path=path)
    loop_start = finding.get("loop_start")
    if loop_start is not None and (type(loop_start) is not int
                                   or not 0 <= loop_start <= len(actions)):
        raise SpecError(f"the loop_start of the trace of {finding.get('property')} is "
                        f"{loop_start!r}, not one of its steps 0 to {len(actions)}; give the file cmc "
                        "check wrote", path=path)
    return Script(f"{path}:{finding.get('property')}", tuple(actions), tuple(states),
                  loop_start=loop_start)


def replay(model: Model, config: CheckConfig, script: Script | Log) -> Result:
    """Take `script` again on `model`, checking the properties `config`
    selects (and deadlock, if it asks), and report what the run breaks."""
    properties = select_properties(model, config.properties)
    temporal = tuple(prop for prop in properties if prop.temporal)
    infinite = tuple(prop for prop in temporal if not prop.finite)
    if infinite and getattr(script, "loop_start", None) is None:
        raise SpecError(
            f"{', '.join(prop.name for prop in infinite)}: temporal properties are about "
            "infinite behaviours, and this run is a finite one (only a lasso that a report "
            "recorded is one of those); leave them out (properties: [...])",
            field="properties")
    properties = tuple(prop for prop in properties if not prop.temporal)
    properties += (DEADLOCK,) if config.deadlock else ()
    started = time.monotonic()
    run = _Replay(model, properties, as_run(model, script))
    run.take()
    if temporal:
        run.judge(temporal, config)
    return run.result(config, time.monotonic() - started)


def unknown_action(model: Model, text: str) -> str:
    """Why a run's action `text` can be no step of `model` at all, if it
    can be none: ``; the model has no action Fly (its actions: ...)``, or
    a name alone where the model's actions have fields; else ''."""
    name = text.strip().split("(", 1)[0].strip()
    kinds = {kind.__name__: kind for kind in model.actions}
    if name not in kinds:
        return (f"; the model has no action {name} (its actions: "
                f"{', '.join(kinds)})") if kinds else ""
    fields = getattr(kinds[name], "_fields", ())
    if "(" not in text and fields:
        return (f"; write the action with its fields as reports print them "
                f"({name}({', '.join(f'{field}=…' for field in fields)}))")
    inside = text.strip()[len(name) + 1:-1] if text.strip().endswith(")") else ""
    for part in split_outside_brackets(inside, ",") or ():
        field, equals, _ = part.strip().partition("=")
        # (a model's action_view may name a field otherwise: only a record's
        # own names are known here)
        if equals and field.isidentifier() and fields and field not in fields:
            return (f"; the action {name} has no field {field} (its fields: "
                    f"{', '.join(fields)})")
    return ""


def comparable(text: str) -> str:
    """An action's text as matched: without spaces, ``->`` as ``→``, a
    value ``None`` as ``none`` (as records print it now, where reports
    printed ``Tick(now=1, lagging=None)`` before)."""
    return _NONE.sub("=none", "".join(text.split()).replace("->", "→"))


#: A field's value None, as reports printed it before records printed ``none``.
_NONE = re.compile(r"=None(?=[,)\]}]|$)")


def _none_printed(recorded: Any) -> Any:
    """A state view with its records' None values as kit records print them
    now (``mval=none``), where an older report printed ``mval=None`` (and a
    plain model's own records still do): both sides of a comparison."""
    if isinstance(recorded, str):
        return _NONE.sub("=none", recorded)
    if isinstance(recorded, list):
        return [_none_printed(item) for item in recorded]
    if isinstance(recorded, dict):
        return {key: _none_printed(item) for key, item in recorded.items()}
    return recorded


#: A field's value in quotes (``op='write'``), as reports printed a text
#: inside a record before they printed it bare.
_QUOTED = re.compile(r"""=(['"])([^'"]*)\1(?=[,)\]}]|$)""")


def matching(steps: list, text: str) -> list:
    """The steps among `steps` (action, state) whose action is `text`: as
    printed (`comparable`), or, where none is, with its values' quotes
    dropped (``op='write'`` for ``op=write``) if that names one action."""
    wanted = comparable(text)
    found = [step for step in steps if comparable(action_text(step[0])) == wanted]
    if found or not _QUOTED.search(wanted):
        return found
    bare = _QUOTED.sub(r"=\2", wanted)
    found = [step for step in steps
             if _QUOTED.sub(r"=\2", comparable(action_text(step[0]))) == bare]
    return found if len({comparable(action_text(step[0])) for step in found}) == 1 else []


def closest(listed: list[str], text: str) -> str:
    """Where `text`, an action no step's text is, comes closest to one of
    `listed` (the steps' texts) of its action: ``; closest: Go(a=1, b=2),
    yours differs at b=3``; else ''."""
    wanted = comparable(text)
    name = wanted.split("(", 1)[0]
    same = [step for step in listed if comparable(step).split("(", 1)[0] == name]
    if not same or "(" not in wanted:
        return ""

    def common(step: str) -> int:
        given = comparable(step)
        return next((k for k, (a, b) in enumerate(zip(wanted, given)) if a != b),
                    min(len(wanted), len(given)))

    best = max(same, key=common)  # (the first of the closest)
    at, given = common(best), comparable(best)
    if given[at:at + 1] == "," and wanted[at:] and set(wanted[at:]) <= set(")]}"):
        # its fields, and more: those up to where its record closes (a
        # message's fields inside a receipt's, Receive(m=Msg(..., pre_vote=True)))
        depth, end = 0, len(given)
        for position in range(at + 1, len(given)):
            depth += (given[position] in "([{") - (given[position] in ")]}")
            if depth < 0:
                end = position
                break
        return f"; closest: {best}, yours lacks {given[at + 1:end]}"
    start = wanted.rfind(",", 0, at) + 1 or wanted.index("(") + 1
    depth, end = 0, len(wanted)
    for position in range(start, len(wanted)):  # to the end of the field
        depth += (wanted[position] in "([{") - (wanted[position] in ")]}")
        if depth < 0 or (depth == 0 and wanted[position] == ","):
            end = position
            break
    return f"; closest: {best}, yours differs at {wanted[start:end] or wanted[start - 1:]}"


class _Replay:
    def __init__(self, model: Model, properties: tuple[Property, ...], script: Script):
        self.model = model
        self.properties = properties
        self.script = script
        self.trace: list[Step] = []
        self.violations: dict[str, Finding] = {}
        self.witnesses: dict[str, Finding] = {}
        self.left: str | None = None
        self.stop: str | None = None  # (where the run left the model: `Replayed.stop`)
        self.first_difference: str | None = None
        self.differing = 0
        self.generated = 0
        self.generated_by: Counter = Counter({kind.__name__: 0 for kind in model.actions})
        self.taken_by: Counter = Counter()
        self.seen: set = set()
        self.temporal: tuple[Property, ...] = ()  # judged on the lasso (`judge`)
        self.loop: str | None = None  # what the lasso is here (`Replayed.loop`)
        self.start: str | None = None  # which initial state (`Replayed.start`)

    # -- the run -----------------------------------------------------------------------

    def take(self) -> None:
        state = self._initial()
        if state is None:
            return
        self._reached(state, None)
        recorded = self.script.states
        bounded = has_bounds(self.model)
        for number, text in enumerate(self.script.actions, 1):
            if bounded and not self.model.within_bounds(state):
                # (checked, as a search checks it, and not expanded)
                self.left = (f"step {number - 1}'s state is outside the model's bounds, "
                             f"where a search goes no further, so step {number} ({text}) "
                             "is not taken")
                return
            steps = self._successors(state)
            if steps is None:
                self.left = (f"step {number - 1}'s state fails the model's assertion, so "
                             f"step {number} ({text}) cannot be taken")
                return
            found = matching(steps, text)
            if not found:
                self.left = self._not_a_step(number, text, steps)
                return
            action, reached = found[0]
            if recorded is not None:
                wanted = recorded[number]
                action, reached = next((step for step in found
                                        if self._view(step[1]) == wanted), found[0])
                self._compare(number, text, reached, wanted)
            for prop in self.properties:
                if prop.kind == "transition" and prop.name not in self.violations:
                    outcome = self._evaluate(prop, state, action, reached)
                    if not outcome:
                        self._found(prop, self.trace + [Step(action, reached)],
                                    reason_of(outcome))
            self.taken_by[type(action).__name__] += 1
            self._reached(reached, action)
            state = reached
        if self.script.left is not None:  # (a log explained so far: not the run's end)
            self.left, self.stop = self.script.left, self.script.stop
            return
        if bounded and not self.model.within_bounds(state):
            return  # (not expanded: no deadlock or assert said of it)
        steps = self._successors(state)  # a failed assert or a deadlock at the end
        if steps == [] and self.model.bound_reason(state) is None and (
                DEADLOCK in self.properties and not self.model.stutters(state)):
            self._found(DEADLOCK, self.trace, NO_STEP)

    def _initial(self) -> Any:
        try:
            initial = list(self.model.initial_states())
        except (Exception, SystemExit) as error:
            raise raised_in_model(self.model.name, "initial_states()", error) from None
        if not initial:
            self.left = "the model has no initial state"
            return None
        recorded = self.script.states
        if recorded is not None:
            for state in initial:
                if self._view(state) == recorded[0]:
                    return state
            self.stop = "the recorded initial state is none of the model's"
            self.left = (f"{self.stop}: "
                         + self._differences(initial[0], recorded[0])
                         + (f" (and {len(initial) - 1} other initial states differ)"
                            if len(initial) > 1 else ""))
            return None
        # written by hand: the first initial state that takes the whole run,
        # else the one it goes furthest from
        taken = [self._taken(state) for state in initial]
        first = taken.index(max(taken))
        if len(initial) > 1:
            self.start = (
                f"from initial state {first + 1} of {len(initial)} ("
                + _fields_said(self._view(initial[first]))
                + "), the first " + ("that takes the whole run" if taken[first] == len(
                    self.script.actions) else f"that takes the most of it, "
                    f"{_steps_said(taken[first])}")
                + "; to start from another, replay the run as a log that gives its "
                "fields (initial: {FIELD: VALUE, ...}, events: [ACTION, ...], max_hidden: 0)")
        return initial[first]

    def _taken(self, state: Any) -> int:
        """How many of the run's actions are steps one after another from
        `state` (each the first step of its text), all of them as the most."""
        for number, text in enumerate(self.script.actions):
            found = matching(self._steps_of(state), text)
            if not found:
                return number
            state = found[0][1]
        return len(self.script.actions)

    def _not_a_step(self, number: int, text: str, steps: list) -> str:
        listed = [action_text(action) for action, _ in steps]
        shown = ", ".join(listed[:SHOWN_STEPS]) + (
            f", … ({len(listed)} in all)" if len(listed) > SHOWN_STEPS else "")
        there = (f"its steps there: {shown}" if listed else
                 "the model has no step there" + (
                     f" ({self.model.bound_reason(self.trace[-1].state)})"
                     if self.model.bound_reason(self.trace[-1].state) else ""))
        source = f"step {number - 1}'s state" if number > 1 else "the initial state"
        self.stop = f"step {number}, {text}, is not a step of the model"
        why = unknown_action(self.model, text) or closest(listed, text)
        return f"{self.stop} from {source}; {there}{why}"

    def _compare(self, number: int, text: str, reached: Any, wanted: dict) -> None:
        if _none_printed(self._view(reached)) == _none_printed(wanted):
            return
        self.differing += 1
        if self.first_difference is None:
            self.first_difference = (f"step {number} ({text}) reaches another state than "
                                     f"the recorded one: {self._differences(reached, wanted)}")

    def _differences(self, state: Any, wanted: dict) -> str:
        view, wanted = _none_printed(self._view(state)), _none_printed(wanted)
        fields = [name for name in view if name not in wanted or view[name] != wanted[name]]
        fields += [name for name in wanted if name not in view]
        shown = "; ".join(f"{name} is {_shown(view, name)}, recorded {_shown(wanted, name)}"
                          for name in fields[:SHOWN_FIELDS])
        return shown + (f"; and {len(fields) - SHOWN_FIELDS} more fields"
                        if len(fields) > SHOWN_FIELDS else "")

    def _view(self, state: Any) -> dict:
        return recorded_view(self.model, state)

    # -- checking ----------------------------------------------------------------------

    def _reached(self, state: Any, action: Any) -> None:
        self.trace.append(Step(action, state))
        self.seen.add(state)
        for prop in self.properties:
            if prop.name in self.violations or prop.name in self.witnesses:
                continue
            if prop.kind == "invariant":
                outcome = self._evaluate(prop, state)
                if not outcome:
                    self._found(prop, list(self.trace), reason_of(outcome))
            elif prop.kind == "reachable" and self._evaluate(prop, state):
                self.witnesses[prop.name] = Finding(prop, Trace(tuple(self.trace)))

    def _steps_of(self, state: Any) -> list:
        try:
            return checked_steps(self.model, state)
        except AssertionError:
            return []

    def _successors(self, state: Any) -> list | None:
        """The steps from `state`, the last of the run, or None where it
        fails the model's assert (found, as a search finds it)."""
        try:
            steps = checked_steps(self.model, state)
        except AssertionError as error:
            self._found(ASSERTION, list(self.trace), failed_assertion(error))
            return None
        for step in steps:
            self.generated_by[type(step[0]).__name__] += 1
        self.generated += len(steps)
        return steps

    def _evaluate(self, prop: Property, *arguments: Any) -> Any:
        return answer(self.model, prop, getattr(self.model, prop.name), *arguments)

    def _found(self, prop: Property, trace: list[Step], reason: str | None) -> None:
        if prop.name not in self.violations:
            self.violations[prop.name] = Finding(prop, Trace(tuple(trace)), reason)

    # -- a lasso -----------------------------------------------------------------------

    def judge(self, temporal: tuple[Property, ...], config: CheckConfig) -> None:
        """Judge `temporal` on the lasso taken, under the spec's fairness:
        on the graph of the run's states and steps only (`Graph`'s
        `along`), each state's fairness families those of all its steps, as
        a search finds lassos on the graph of every state. A fair lasso
        found there is a real behaviour of the model that breaks (or, for a
        witness, shows) the property, the recorded one or one within it; none
        found settles nothing: other behaviours may."""
        self.temporal = temporal
        names = ", ".join(prop.name for prop in temporal)
        are = "is" if len(temporal) == 1 else "are"
        start, steps = self.script.loop_start, len(self.script.actions)
        if self.left is not None or ASSERTION.name in self.violations:
            self.loop = f"the run stopped before its end, so {names} {are} not judged"
            return
        states = [step.state for step in self.trace]
        if start is None:  # a finite run: only once_always (`replay`), which it can break
            start = steps
            self.loop = (f"a finite run of {_steps_said(steps)}; {names} judged on its "
                         "states and steps")
        elif start == steps:
            self.loop = (f"a lasso: a stem of {_steps_said(steps)}, then it stutters in step "
                         f"{steps}'s state for ever; {names} judged on it under the spec's "
                         "fairness")
        elif states[-1] == states[start]:
            self.loop = (f"a lasso: a stem of {_steps_said(start)}, then a loop of "
                         f"{_steps_said(steps - start)} back to step {start}'s state; "
                         f"{names} judged on it under the spec's fairness")
        else:
            differences = self._differences(states[-1], self._view(states[start]))
            self.loop = (f"the loop does not close here: step {steps} reaches another state "
                         f"than step {start}'s ({differences}); {names} judged on the run's "
                         "states and steps only")
        fairness = Fairness(self.model, config.fairness)
        found = found_along(self.model, config, fairness, temporal, states)
        unsettled: dict[bool, list[str]] = {False: [], True: []}  # (by witness)
        for prop in temporal:
            finding = found.get(prop.name)
            if finding is None:
                unsettled[prop.witness].append(prop.name)
            elif prop.witness and finding.bound is None:
                self.witnesses[prop.name] = finding
            else:  # (one that stalls at a bound settles nothing: `Result.outcomes`)
                self.violations[prop.name] = finding
        if unsettled[False] or unsettled[True]:
            # (fairness plays no part in a property a finite path breaks)
            paths = all(prop.finite for prop in temporal)
            unfair = self._unfair(fairness, states, start) if (
                start == steps or states[-1] == states[start]) and not paths else None
            what = " or ".join(f"{verb} {', '.join(unsettled[witness])}"
                               for witness, verb in ((False, "breaks"), (True, "shows"))
                               if unsettled[witness])
            self.loop += (f"; no {'path' if paths else 'fair lasso'} among its states {what}"
                          + (f" ({unfair})" if unfair else ""))

    def _unfair(self, fairness: Fairness, states: list[Any], start: int) -> str | None:
        """Why the recorded loop from `start` (or the stutter in the last
        state) is no fair behaviour, if it is none: the first fairness
        condition it breaks (`checker.lassos`: weak, enabled in every state
        of the loop and not taken; strong, enabled in one and not taken)."""
        loop = states[start:-1] if start < len(states) - 1 else states[-1:]
        taken = 0
        for step in self.trace[start + 1:]:
            taken |= fairness.mask(step.action)
        always, sometimes, first = -1, 0, {}
        for number, state in enumerate(loop, start):
            enabled = 0
            for action, after in self._steps_of(state):
                if after != state or self.model.quotient:  # (a step that moves)
                    enabled |= fairness.mask(action)
            always &= enabled
            sometimes |= enabled
            for bit in each_bit(enabled & ~taken):
                first.setdefault(bit, number)
        broken = (fairness.weak & always | fairness.strong & sometimes) & ~taken
        if start == len(states) - 1:
            broken = (fairness.weak | fairness.strong) & sometimes
        if not broken:
            return None
        bit = broken & -broken
        label = fairness.labels[bit.bit_length() - 1]
        if start == len(states) - 1:
            return f"stuttering there for ever is not fair: {label} has a step there"
        where = ("in every state of the loop, never taken there" if bit & fairness.weak
                 else f"in step {first[bit]}'s state, never taken in the loop")
        return f"the recorded loop is not fair: {label} has a step {where}"

    # -- the result --------------------------------------------------------------------

    def result(self, config: CheckConfig, seconds: float) -> Result:
        checked = (self.properties + self.temporal
                   + ((ASSERTION,) if ASSERTION.name in self.violations else ()))
        listed = tuple(prop for prop in checked
                       if prop is not DEADLOCK or prop.name in self.violations)
        actions = dict(sorted(self.generated_by.items()))
        stats = Stats(
            distinct_states=len(self.seen),
            generated_states=self.generated,
            depth=max(len(self.trace) - 1, 0),
            seconds=seconds,
            peak_memory_bytes=workers.peak_memory(),
            store_bytes=0,
            actions=actions,
            new_states={name: self.taken_by.get(name, 0) for name in actions},
            collision_probability=0.0,
            fp_seed=config.fp_seed,
            exact=config.exact,
            replayed=Replayed(source=self.script.source, steps=len(self.script.actions),
                              taken=max(len(self.trace) - 1, 0), left=self.left,
                              first_difference=self.first_difference,
                              differing=self.differing, log=self.script.log,
                              stop=self.stop, loop=self.loop, start=self.start),
        )
        violations = tuple(self.violations[prop.name] for prop in listed
                           if prop.name in self.violations)
        # (a lasso found only where the run stalls at a bound settles nothing)
        verdict = (VIOLATED if any(f.bound is None for f in violations)
                   else INCOMPLETE if self.stop is None
                   else NOT_EXPLAINED if self.script.log else NOT_A_RUN)
        return Result(verdict=verdict, stats=stats,
                      properties=listed, violations=violations,
                      witnesses=tuple(self.witnesses[prop.name] for prop in listed
                                      if prop.name in self.witnesses),
                      stopped_by="replay",
                      run=Trace(tuple(self.trace)) if self.trace else None,
                      kept_going=config.keep_going)


def _shown(view: dict, name: str) -> str:
    return json.dumps(jsonable(view[name]), ensure_ascii=False) if name in view else "absent"
