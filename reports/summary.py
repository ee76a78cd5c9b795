"""A Markdown summary of a run, for CI job summaries (GitHub's
``$GITHUB_STEP_SUMMARY``, GitLab and Gitea render the same Markdown).

A table with a line per spec (✅ passed: its expectation met or, without
one, every property holding; ❌ failed; ⚠️ incomplete), then per spec its
description and every property's outcome (a property not settled says
why), and each violation folded in a ``<details>`` block: its text trace
and its sequence chart as Mermaid, which those hosts draw.
"""

from __future__ import annotations

from html import escape
from typing import Iterable

from checker.result import INCOMPLETE, NOT_A_RUN, NOT_EXPLAINED, SETTLED
from reports.run import Checked
from reports.sequence import build_chart, render_mermaid
from reports.text import conclusion, outcome_text, render_finding


def render_summary(runs: Iterable[Checked]) -> str:
    runs = list(runs)
    passed = sum(checked.passed for checked in runs)
    lines = ["## cmc: model checking", "",
             f"{passed} of {len(runs)} spec{'s' if len(runs) != 1 else ''} passed.", "",
             "| | spec | model | verdict | expectation | distinct states | depth | time |",
             "|---|---|---|---|---|---:|---:|---:|"]
    for checked in runs:
        result, stats = checked.result, checked.result.stats
        if checked.expect is None:
            expectation = "—"
        elif checked.mismatches:
            expectation = "not met: " + "; ".join(checked.mismatches)
        elif result.verdict == NOT_EXPLAINED:
            expectation = "not judged"  # (the log is the finding: a failure whatever it says)
        elif result.stopped_by in ("simulation", "replay") and not result.violations:
            expectation = "not contradicted"  # (what a simulation or replay proves is nothing)
        else:
            expectation = "met"
        verdict = result.verdict
        if result.verdict in (NOT_EXPLAINED, NOT_A_RUN):
            verdict += f": {result.verdict_reason()}"
        if result.violations:
            verdict += ": " + ", ".join(f.property.name for f in result.violations)
        if result.stopped_by == SETTLED:
            verdict += " (every property settled: stopped there)"
        if stats.walked is not None:
            verdict += f" (simulation: {stats.walked.behaviours:,} behaviours drawn)"
        if stats.replayed is not None:
            verdict += (f" (replay: {stats.replayed.taken} of {stats.replayed.steps} steps"
                        + (", stopped" if stats.replayed.left else "") + ")")
        mark = ("✅" if checked.passed else "⚠️" if result.verdict in (INCOMPLETE, NOT_A_RUN)
                else "❌")
        lines.append(f"| {mark} | `{checked.spec}` | {_cell(checked.describe())} | {verdict} | "
                     f"{_cell(expectation)} | {stats.distinct_states:,} | {stats.depth} | "
                     f"{stats.seconds:.2f} s |")
    for checked in runs:
        lines += ["", f"### `{checked.spec}`", ""]
        if checked.description:
            lines += [_escape(checked.description), ""]
        lines += [f"- {_MARK[outcome.outcome]} {_escape(outcome_text(outcome))}"
                  for outcome in checked.outcomes]
        for finding in checked.result.violations:
            lines += ["", _details(checked, finding)]
    return "\n".join(lines) + "\n"


_MARK = {"holds": "✅", "witnessed": "✅", "violated": "❌", "not settled": "⚠️"}


def _escape(value: str) -> str:
    """Text with the characters Markdown would read as markup escaped (an
    underscore inside a word, as in property names, is no markup)."""
    return "".join("\\" + c if c in "\\`*[]<>|" else c for c in value)


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def _details(checked: Checked, finding) -> str:
    prop = finding.property
    if finding.trace is None:
        return f"**{checked.spec}**: {prop.title} ({prop.name}) is never reached"
    steps = len(finding.trace)
    head = (f"<details><summary><b>{escape(checked.spec)}</b>: {escape(prop.title)} "
            f"({prop.name}) violated after {steps} step{'s' if steps != 1 else ''}</summary>")
    trace = "\n".join(render_finding(checked.model, finding))
    chart = render_mermaid(build_chart(checked.model, finding.trace, conclusion(finding)))
    return "\n".join([head, "", "```", trace, "```", "", "```mermaid", chart.rstrip(), "```",
                      "", "</details>"])
