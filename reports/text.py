"""Plain-text rendering of results: what a person reads in a terminal.

A counterexample is shown one step per line: the step number and action,
then only what the step changed (a field-level diff of the model's
`state_view`); the initial state is shown in full, and the last step ends
with why the property fails there.

Colour (ANSI) is off unless asked for; `use_colour` decides as terminal
programs do: on for a terminal, off when ``NO_COLOR`` is set or the output
is a file or a pipe.
"""

from __future__ import annotations

import os
import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, TextIO

from checker.model import BagView, Model, QueueView, SetView, action_text
from checker.result import NOT_SETTLED, VIOLATED, WITNESSED, Finding, Outcome, Result, Trace
from reports.run import state_view
from reports.timeline import render_timeline, timeline_of

# -- colour ----------------------------------------------------------------------

_ANSI = {"bad": "1;31", "good": "1;32", "warn": "1;33", "removed": "31", "added": "32",
         "action": "1", "number": "36", "dim": "2"}


def use_colour(stream: TextIO, forced: bool | None = None) -> bool:
    """Whether to colour text written to `stream`: `forced` if given (a
    ``--color``/``--no-color`` option), else only for a terminal and only
    when ``NO_COLOR`` is unset or empty (https://no-color.org)."""
    if forced is not None:
        return forced
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, role: str, colour: bool) -> str:
    return f"\033[{_ANSI[role]}m{text}\033[0m" if colour and text else text


# -- what a step changed ---------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One changed field of a state view, values in printed form. `old` is
    None for an item added to a collection, `new` None for one removed."""

    field: str
    old: str | None
    new: str | None

    def render(self, colour: bool = False) -> str:
        if self.old is None:
            return f"{self.field}: {paint('+ ' + self.new, 'added', colour)}"
        if self.new is None:
            return f"{self.field}: {paint('- ' + self.old, 'removed', colour)}"
        return (f"{self.field}: {paint(self.old, 'removed', colour)} → "
                f"{paint(self.new, 'added', colour)}")

    def __str__(self) -> str:
        return self.render()


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """What changed between two state views, field by field.

    A list field is compared position by position (per-node rows such as
    ``max_bal[1]: -1 → 0``) or as a collection (``msgs: + 2a(bal=0, val=0)``),
    whichever takes fewer lines (on a tie, a list of strings is taken for a
    set or bag of messages); a list whose length changed is a collection. A
    mapping is compared key by key. FIFO queues (`QueueView`) are compared
    queue by queue, as the messages that left a queue's head and joined its
    tail (``channels[s1→s2]: - Forward(…)``); a bag (`BagView`) message by
    message, as the copies that left and came (``network: + m (now ×2)``)."""
    found: list[Change] = []
    for name in list(after) + [n for n in before if n not in after]:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, QueueView) and isinstance(new, QueueView):
            found += _queue_changes(name, old.queues, new.queues)
        elif isinstance(old, BagView) and isinstance(new, BagView):
            found += _bag_changes(name, old.copies, new.copies)
        elif isinstance(old, list) and isinstance(new, list):
            as_collection = _collection_changes(name, old, new)
            unordered = isinstance(old, (SetView, BagView)) or isinstance(new, (SetView, BagView))
            if len(old) == len(new) and not unordered:  # (a set or bag has no positions)
                by_position = [Change(f"{name}[{index}]", text(a), text(b))
                               for index, (a, b) in enumerate(zip(old, new)) if a != b]
                # On a tie, printed items (messages) read as a set or bag; an
                # empty collection diff means the items were reordered.
                fewer = len(as_collection) < len(by_position) or (
                    len(as_collection) == len(by_position) and _strings(old + new))
                if not (as_collection and fewer):
                    found += by_position
                    continue
            found += as_collection
        elif isinstance(old, dict) and isinstance(new, dict):
            found += _mapping_changes(name, old, new)
        else:
            found.append(Change(name, text(old), text(new)))
    return found


def _mapping_changes(name: str, old: dict, new: dict) -> list[Change]:
    """A mapping compared key by key (``msgs[m1]: 1 → 0``, ``msgs: + m2: 1``),
    where printing it whole before and after would bury what changed."""
    found = []
    for key in list(new) + [k for k in old if k not in new]:
        if key not in old:
            found.append(Change(name, None, f"{key}: {text(new[key])}"))
        elif key not in new:
            found.append(Change(name, f"{key}: {text(old[key])}", None))
        elif old[key] != new[key]:
            found.append(Change(f"{name}[{key}]", text(old[key]), text(new[key])))
    return found


def _bag_changes(name: str, old: dict[str, int], new: dict[str, int]) -> list[Change]:
    """A bag compared message by message, as the copies that left, then
    those that came: ``+ m``, ``+ m (now ×2)`` for a second copy, ``- m ×2``
    for both of two, ``- m (now ×1)`` for one of two."""
    removed, added = [], []
    for message in sorted(set(old) | set(new)):
        before, after = old.get(message, 0), new.get(message, 0)
        moved = abs(after - before)
        shown = (message + (f" ×{moved}" if moved > 1 else "")
                 + (f" (now ×{after})" if before and after else ""))
        if after > before:
            added.append(Change(name, None, shown))
        elif after < before:
            removed.append(Change(name, shown, None))
    return removed + added


def _queue_changes(name: str, old: dict, new: dict) -> list[Change]:
    """Queues compared by what left each one and joined its tail: the fewest
    messages removed from the head such that the rest begins the new queue,
    or, where that says less, the one message taken from the middle (an
    inbox receiving at any position, `Inbox(receive="any")`)."""
    found = []
    for queue in sorted(set(old) | set(new)):
        before, after = old.get(queue, ()), new.get(queue, ())
        if before == after:
            continue
        left = next(n for n in range(len(before) + 1)
                    if before[n:] == after[:len(before) - n])
        removed, kept = before[:left], len(before) - left
        if left > 1:
            taken = next((i for i in range(1, len(before))
                          if before[:i] + before[i + 1:] == after[:len(before) - 1]), None)
            if taken is not None:
                removed, kept = (before[taken],), len(before) - 1
        found += [Change(f"{name}[{queue}]", message, None) for message in removed]
        found += [Change(f"{name}[{queue}]", None, message) for message in after[kept:]]
    return found


def _collection_changes(name: str, old: list, new: list) -> list[Change]:
    shown = _member if isinstance(old, SetView) or isinstance(new, SetView) else text
    removed = Counter(map(shown, old)) - Counter(map(shown, new))
    added = Counter(map(shown, new)) - Counter(map(shown, old))
    return ([Change(name, item, None) for item in sorted(removed.elements())]
            + [Change(name, None, item) for item in sorted(added.elements())])


def _strings(items: list) -> bool:
    return all(isinstance(item, str) for item in items)


def state_changes(before: dict[str, Any], after: dict[str, Any],
                  colour: bool = False) -> list[str]:
    """`changes` as lines: ``field: old → new``, ``field: + item``,
    ``field: - item``; with `colour`, as a trace paints them."""
    return [change.render(colour) for change in changes(before, after)]


def text(value: Any) -> str:
    """A state-view value as printed in reports (``none`` for None)."""
    if value is None:
        return "none"
    if isinstance(value, SetView):  # a set of pairs reads {(1, 0)}, not [[1, 0]]
        return "{" + ", ".join(map(_member, value)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _member(value: Any) -> str:
    """An item of a set as printed: a tuple in parentheses."""
    return "(" + text(value)[1:-1] + ")" if type(value) is list else text(value)


# -- findings --------------------------------------------------------------------


def conclusion(finding: Finding, witness: bool = False) -> str:
    """Why the trace's last state (or step) matters, in the property's terms:
    ``✗ Agreement violated: value 0 is chosen ...``."""
    prop = finding.property
    if finding.loop_start is not None:
        loop = ("stays in this state for ever (stuttering)"
                if finding.loop_length == 0 else
                f"back to step {finding.loop_start} (the same state), and round the loop "
                "for ever")
        return f"↻ {loop}" + ("" if witness else f": {finding.reason}")
    if witness:
        return f"✓ {prop.title} reached"
    where = "by this step" if prop.kind == "transition" else "in this state"
    return f"✗ {prop.title} violated " + (f"{where}: {finding.reason}" if finding.reason
                                         else where)


def render_trace(model: Model, trace: Trace, full_states: bool = False,
                 colour: bool = False, last: str | None = None,
                 loop_start: int | None = None) -> list[str]:
    """The trace as lines: step 0 with the full initial state, then each
    action with what it changed (or the full state with `full_states`),
    then `last` (why the final state matters), if given. A lasso's loop
    (from step `loop_start` to the end and back) is marked where it starts."""
    lines = []
    width = len(str(len(trace)))
    indent = " " * (width + 4)
    previous: dict[str, Any] | None = None
    for number, step in enumerate(trace.steps):
        view = state_view(model, step.state)
        label = "initial state" if step.action is None else action_text(step.action)
        if loop_start is not None and number == loop_start + 1:
            lines.append(" " * (width + 2) + paint(
                f"── loop starts here (from the state after step {loop_start}) ──",
                "warn", colour))
        lines.append(f"{paint(f'{number:>{width}}', 'number', colour)}  "
                     f"{paint(label, 'action', colour)}")
        if previous is None or full_states:
            details = [f"{name} = {text(value)}" for name, value in view.items()]
        else:
            details = ([change.render(colour) for change in changes(previous, view)]
                       or [paint("(no change)", "dim", colour)])
        lines += [indent + detail for detail in details]
        previous = view
    if last is not None:
        lines.append(indent + paint(last, "good" if last.startswith("✓") else "bad", colour))
    return lines


def render_finding(model: Model, finding: Finding, witness: bool = False,
                   full_states: bool = False, colour: bool = False) -> list[str]:
    prop = finding.property
    if finding.trace is None:
        # (a witness guards against a vacuous check: say what its absence means)
        return [paint(f"{prop.title} ({prop.name}) is never reached: no reachable state "
                      "satisfies it, so the run it stands for never happens within these "
                      "bounds; widen what keeps it out (parameters, constraints), or leave "
                      "it out of properties:", "bad", colour)]
    if witness:
        head = paint(f"{prop.title} ({prop.name}) reached", "good", colour)
        head += f" in {_steps(len(finding.trace))}:"
    else:
        head = paint(f"{prop.title} ({prop.name}) violated", "bad", colour)
        head += f" after {_steps(len(finding.trace))}"
        head += f": {finding.reason}" if finding.reason else ""
    if finding.loop_start is not None and finding.bound and not witness:
        # a lasso that stalls at a bound settles nothing: not "violated"
        head = paint(f"{prop.title} ({prop.name}) not settled", "warn", colour)
        head += f": {finding.reason}; the lasso: {lasso_words(finding, words_only=True)}"
    elif finding.loop_start is not None:
        verb = "shown" if witness else "violated"
        head = paint(f"{prop.title} ({prop.name}) {verb}", "good" if witness else "bad", colour)
        head += f" {lasso_words(finding)}: {finding.reason}"
    body = render_trace(model, finding.trace, full_states, colour,
                        last=conclusion(finding, witness), loop_start=finding.loop_start)
    history = timeline_of(model, finding)
    if history is not None:  # a linearizability violation: its history too
        body += render_timeline(history)
    return [head] + ["  " + line for line in body]


def lasso_words(finding: Finding, words_only: bool = False, bound: bool = True) -> str:
    """``by a lasso: a stem of 4 steps, then a loop of 10 steps for ever``
    (`words_only`: from ``a stem``, without the bound it stalls at; not
    `bound`: without it, where the finding's reason follows, which says it)."""
    loop = ("then it stutters for ever" if finding.loop_length == 0
            else f"then a loop of {_steps(finding.loop_length)} for ever")
    words = f"a stem of {_steps(finding.stem_length)}, {loop}"
    if words_only:
        return words
    return f"by a lasso: {words}" + (f" (only because of a bound: {finding.bound})"
                                     if finding.bound and bound else "")


def _steps(count: int) -> str:
    return f"{count} step" + ("" if count == 1 else "s")


def render_stats(result: Result, engine: bool = False) -> list[str]:
    """The run's figures, then its coverage: per action, the steps it
    generated and the new states they reached (TLC's coverage). An action
    that generated no step is called out, unless the run stopped before the
    end (it might have fired later). A simulation's figures say what it drew.
    `engine` (``cmc check --stats``): the model's own figures too (a kit
    model's memo line), for the model's author rather than its user."""
    stats, walked, replayed = result.stats, result.stats.walked, result.stats.replayed
    if replayed is not None:
        head = (f"replay of {replayed.source}: {replayed.taken:,} of "
                f"{_steps(replayed.steps)} taken · distinct states {stats.distinct_states:,} "
                f"· generated {stats.generated_states:,} · {stats.seconds:.2f} s")
    elif walked is not None:
        head = (f"simulation: {walked.behaviours:,} "
                f"behaviour{'' if walked.behaviours == 1 else 's'} of up to "
                f"{_steps(walked.depth)} (seed {walked.seed}) · {walked.steps:,} steps taken, "
                f"the longest behaviour {_steps(stats.depth)} · distinct states met "
                f"{stats.distinct_states:,} · generated {stats.generated_states:,} · "
                f"{stats.seconds:.2f} s")
    else:
        counted = "distinct states"
        if stats.symmetry:
            counted = f"distinct orbits (symmetry over {', '.join(stats.symmetry)})"
        before = (f" ({stats.seconds_before:.2f} s of them before the checkpoint resumed)"
                  if stats.seconds_before else "")
        head = (f"{counted} {stats.distinct_states:,} · generated {stats.generated_states:,} · "
                f"depth {stats.depth} · {stats.seconds:.2f} s{before} · "
                f"{stats.states_per_second:,.0f} distinct states/s")
    replay_lines = [] if replayed is None else [
        *([f"replay: {replayed.start}"] if replayed.start else []),
        *([f"replay stopped: {replayed.left}"] if replayed.left else []),
        *([f"replay: {replayed.loop}"] if replayed.loop else []),
        *([f"replay: {replayed.first_difference}"
           + (f" ({replayed.differing} steps reach another state than the recorded one)"
              if replayed.differing > 1 else "")] if replayed.first_difference else [])]
    lines = [
        head + f" · peak memory {stats.peak_memory_bytes / 2**20:,.0f} MiB"
        + (f" · {stats.workers} workers" if stats.workers > 1 else "")
        + (f" (each up to {stats.worker_memory_bytes / 2**20:,.0f} MiB more)"
           if stats.worker_memory_bytes else "")
        + (f", then one process from depth {stats.one_process_from}: the workers were "
           "no faster" if stats.one_process_from is not None else ""),
        *replay_lines,
        coverage_heading(result),
        *("  " + line for line in coverage(result)),
    ]
    if replayed is None and walked is None:
        lines.append(f"fingerprint collision probability: {stats.collision_probability:.1e}")
    elif walked is not None and (result.violations or result.witnesses):
        found = result.violations + result.witnesses
        lines.append(
            "traces: behaviours drawn at random, "
            + ("their loops cut out and the steps the model lets them skip skipped"
               if all(f.loop_start is None for f in found) else
               "the shortest fair lasso among each one's states"
               if all(f.loop_start is not None for f in found) else
               "their loops cut out and the steps the model lets them skip skipped (a lasso: "
               "the shortest fair one among the behaviour's states)")
            + "; not necessarily the shortest (a search, without --simulate, finds those)")
    if stats.symmetry:
        lines.append(f"canonicalizing: {stats.canonical_seconds:.2f} s")
    if engine and stats.model_stats:
        lines.append(memo_line(stats.model_stats))
    if stats.bound_stops:
        stop = result.bound_stop
        lines.append(f"{'behaviours' if walked else 'runs'} stopped by a bound (not "
                     f"deadlocks): {stats.bound_stops:,}"
                     f"{'' if walked else ' state' if stats.bound_stops == 1 else ' states'}, "
                     f"the first after {_steps(len(stop.trace))}: {stop.reason}")
    if stats.graph_states:
        lines.append(f"temporal properties: graph of {stats.graph_states:,} "
                     f"{'orbits' if stats.symmetry else 'states'} and "
                     f"{stats.graph_edges:,} links ({stats.graph_bytes / 2**20:,.1f} MiB) · "
                     f"{stats.liveness_seconds:.2f} s"
                     + ("" if stats.graph_settled_at is None else
                        f" (built to {stats.graph_settled_at} steps, where every temporal "
                        "property was settled)")
                     + (" (in one process: only the safety part is partitioned)"
                        if stats.workers > 1 else ""))
    if stats.workers_lost:
        lines.append(f"worker processes lost: {stats.workers_lost} ("
                     + ("what they drew is not counted)" if walked else
                        "their work was redone in the main process"
                        + ("; the result is complete)" if result.stopped_by is None else ")")))
    never = never_fired(result)
    if never:
        lines.append("never fired (check the model or the bounds): " + ", ".join(never))
    return lines


def memo_line(figures: Mapping[str, int]) -> str:
    """A kit model's memo figures in one line (others as name: value)."""
    if "plan_lookups" not in figures:
        return "model: " + ", ".join(f"{name} {value:,}" for name, value in figures.items())
    lookups, misses = figures["plan_lookups"], figures["plan_misses"]
    hits = 100 * (lookups - misses) / lookups if lookups else 0.0
    return (f"memo (main process): {lookups:,} plan look-ups, {misses:,} computed "
            f"({hits:.1f}% hits), {figures['node_plan_misses']:,} node plans, "
            f"{figures['handler_runs']:,} handler runs, {figures['restarts']:,} "
            f"table{'' if figures['restarts'] == 1 else 's'} filled and started again")


def coverage_heading(result: Result) -> str:
    return ("coverage (action: steps generated, new states):" if result.stats.new_states
            else "coverage (action: steps generated):")


def coverage(result: Result) -> list[str]:
    """One line per action: ``Timeout: 3,042 steps, 311 new states`` (new
    states when the engine counted them)."""
    stats = result.stats
    lines = []
    for name, steps in stats.actions.items():
        line = f"{name}: {steps:,} step" + ("" if steps == 1 else "s")
        if stats.new_states:
            new = stats.new_states.get(name, 0)
            line += f", {new:,} new state" + ("" if new == 1 else "s")
        lines.append(line)
    return lines


def never_fired(result: Result) -> tuple[str, ...]:
    """The actions that generated no step in a run that explored everything;
    none for a run a bound, an interrupt or a violation cut short."""
    return result.stats.never_fired if result.exhaustive() else ()


VERDICT_ROLE = {"holds": "good", "violated": "bad", "incomplete": "warn",
                "not explained": "bad", "not a run": "warn"}


def outcome_text(outcome: Outcome, witnesses: bool = False) -> str:
    """``Leader Elected (leader_elected): reached in 9 steps``: one property's
    outcome on a line, with the reason when it is not settled or violated."""
    prop, finding = outcome.property, outcome.finding
    head = f"{prop.title} ({prop.name}): "
    if outcome.outcome == WITNESSED:
        return head + f"reached in {_steps(len(finding.trace))}" + (
            "" if witnesses else " (--witnesses shows the run)")
    if finding is not None and finding.loop_start is not None:
        verb = "shown" if outcome.outcome == WITNESSED else outcome.outcome
        said = bool(outcome.reason) and outcome.outcome != WITNESSED
        return head + f"{verb} {lasso_words(finding, bound=not said)}" + (
            f": {outcome.reason}" if said else "")
    if outcome.outcome == VIOLATED:
        if finding.trace is None:
            return head + "violated: never reached, no reachable state satisfies it"
        return head + f"violated after {_steps(len(finding.trace))}" + (
            f": {outcome.reason}" if outcome.reason else "")
    if outcome.outcome == NOT_SETTLED:
        return head + f"not settled: {outcome.reason}"
    return head + outcome.outcome


OUTCOME_ROLE = {"holds": "good", "witnessed": "good", "violated": "bad", "not settled": "warn"}


def render_result(title: str, model: Model, result: Result, mismatches: Iterable[str] = (),
                  expected: bool = False, full_states: bool = False,
                  witnesses: bool = False, colour: bool = False,
                  description: str | None = None, engine: bool = False) -> str:
    """The whole report for one check: title, the spec's description,
    verdict, findings, every property's outcome, statistics (the model's
    own with `engine`: `render_stats`), and whether the spec's expectation
    was met (when it had one)."""
    verdict = paint(result.verdict.upper(), VERDICT_ROLE[result.verdict], colour)
    lines = [paint(title, "action", colour)]
    if description:
        lines += textwrap.wrap(" ".join(description.split()), 88)
    lines.append(f"verdict: {verdict}")
    if result.verdict_reason():
        lines[-1] += f" ({result.verdict_reason()})"
    for finding in result.violations:
        lines += render_finding(model, finding, full_states=full_states, colour=colour)
    if witnesses:
        for finding in result.witnesses:
            lines += render_finding(model, finding, witness=True, full_states=full_states,
                                    colour=colour)
    if result.run is not None and not result.violations:
        # (a replay that broke nothing: the run is what its reader asked to see)
        lines.append(f"the run replayed, {_steps(len(result.run))}:")
        lines += ["  " + line for line in render_trace(model, result.run, full_states, colour)]
    outcomes = result.outcomes()
    # (a spec's properties: [] checks none: the states are counted, as TLC
    # counts them with no invariant)
    lines.append("properties:" if outcomes else "properties: none checked")
    lines += ["  " + paint(outcome_text(outcome, witnesses), OUTCOME_ROLE[outcome.outcome],
                           colour) for outcome in outcomes]
    lines += render_stats(result, engine)
    mismatches = list(mismatches)
    if mismatches:
        lines.append(paint("expectation NOT met:", "bad", colour))
        lines += [f"  {line}" for line in mismatches]
    elif expected:
        lines.append(paint("expectation met", "good", colour))
    return "\n".join(lines) + "\n"
