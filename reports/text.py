"""Plain-text rendering of results: what a person reads in a terminal.

A counterexample is shown one step per line: the step number and action,
then only what the step changed (a field-level diff of the model's
`state_view`); the initial state is shown in full.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from checker.model import Model
from checker.result import Finding, Result, Trace


def state_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed between two state views, one line per change:
    ``field: old → new`` for values, ``field: + item`` / ``- item`` for
    collections that grew or shrank."""
    lines = []
    for name in list(after) + [n for n in before if n not in after]:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, list) and isinstance(new, list) and len(old) != len(new):
            removed = Counter(map(_text, old)) - Counter(map(_text, new))
            added = Counter(map(_text, new)) - Counter(map(_text, old))
            lines += [f"{name}: - {item}" for item in sorted(removed.elements())]
            lines += [f"{name}: + {item}" for item in sorted(added.elements())]
        elif isinstance(old, list) and isinstance(new, list):
            lines += [f"{name}[{index}]: {_text(a)} → {_text(b)}"
                      for index, (a, b) in enumerate(zip(old, new)) if a != b]
        else:
            lines.append(f"{name}: {_text(old)} → {_text(new)}")
    return lines


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def render_trace(model: Model, trace: Trace, full_states: bool = False) -> list[str]:
    """The trace as lines: step 0 with the full initial state, then each
    action with what it changed (or the full state with `full_states`)."""
    lines = []
    width = len(str(len(trace)))
    previous: dict[str, Any] | None = None
    for number, step in enumerate(trace.steps):
        view = model.state_view(step.state)
        label = "initial state" if step.action is None else str(step.action)
        lines.append(f"{number:>{width}}  {label}")
        if previous is None or full_states:
            details = [f"{name} = {_text(value)}" for name, value in view.items()]
        else:
            details = state_changes(previous, view) or ["(no change)"]
        lines += [" " * (width + 4) + detail for detail in details]
        previous = view
    return lines


def render_finding(model: Model, finding: Finding, witness: bool = False,
                   full_states: bool = False) -> list[str]:
    prop = finding.property
    if finding.trace is None:
        return [f"{prop.title} ({prop.name}) is never reached: no reachable state "
                "satisfies it"]
    if witness:
        head = f"{prop.title} ({prop.name}) reached in {_steps(len(finding.trace))}:"
    else:
        head = f"{prop.title} ({prop.name}) violated after {_steps(len(finding.trace))}"
        head += f": {finding.reason}" if finding.reason else ""
    return [head] + ["  " + line for line in render_trace(model, finding.trace, full_states)]


def _steps(count: int) -> str:
    return f"{count} step" + ("" if count == 1 else "s")


def render_stats(result: Result) -> list[str]:
    stats = result.stats
    lines = [
        f"distinct states {stats.distinct_states:,} · generated {stats.generated_states:,} · "
        f"depth {stats.depth} · {stats.seconds:.2f} s · "
        f"{stats.states_per_second:,.0f} distinct states/s · "
        f"peak memory {stats.peak_memory_bytes / 2**20:,.0f} MiB",
        "actions: " + ", ".join(f"{name} {count:,}" for name, count in stats.actions.items()),
        f"fingerprint collision probability: {stats.collision_probability:.1e}",
    ]
    if stats.never_fired:
        lines.append("never fired (check the model or the bounds): "
                     + ", ".join(stats.never_fired))
    return lines


STOPPED_BY = {
    "max_depth": "the depth bound (max_depth) was reached with states left to explore",
    "max_states": "the state bound (max_states) was reached",
    "time_limit": "the time limit (time_limit) ran out",
    "interrupted": "the run was interrupted",
}


def render_result(title: str, model: Model, result: Result, mismatches: Iterable[str] = (),
                  expected: bool = False, full_states: bool = False,
                  witnesses: bool = False) -> str:
    """The whole report for one check: title, verdict, findings, statistics,
    and whether the spec's expectation was met (when it had one)."""
    lines = [title, f"verdict: {result.verdict.upper()}"]
    if result.stopped_by:
        lines[-1] += f" (incomplete: {STOPPED_BY[result.stopped_by]})"
    for finding in result.violations:
        lines += render_finding(model, finding, full_states=full_states)
    for finding in result.witnesses:
        if witnesses:
            lines += render_finding(model, finding, witness=True, full_states=full_states)
        else:
            lines.append(f"{finding.property.title} ({finding.property.name}) reached in "
                         f"{_steps(len(finding.trace))} (--witnesses shows the run)")
    lines += render_stats(result)
    mismatches = list(mismatches)
    if mismatches:
        lines.append("expectation NOT met:")
        lines += [f"  {line}" for line in mismatches]
    elif expected:
        lines.append("expectation met")
    return "\n".join(lines) + "\n"
