"""A self-contained HTML report of one check: open it from disk, offline.

For each violation (and each witness, folded away) the page shows the
message sequence chart as inline SVG next to the step-by-step trace with
what each step changed; the chart's step labels link to the trace's rows.
No scripts, no fonts, no stylesheets or images from anywhere else.
"""

from __future__ import annotations

from html import escape

from checker.model import action_text
from checker.result import Finding
from reports.run import Checked, state_view
from reports.sequence import build_chart, render_svg
from reports.text import changes, conclusion, lasso_words, outcome_text, render_stats, text
from reports.timeline import STYLE as TIMELINE_STYLE, timeline_html, timeline_of

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2330; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 6px; }
.meta, .stats { color: #556; margin: 2px 0; } .stats { font-size: 12px; }
.description { max-width: 60em; }
.outcomes { list-style: none; padding: 0; } .outcomes li { margin: 2px 0; }
.outcome { display: inline-block; min-width: 7em; font-weight: bold; }
.outcome.holds, .outcome.witnessed { color: #2b8a3e; } .outcome.violated { color: #c92a2a; }
.outcome.not-settled { color: #d9820b; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: bold;
           color: #fff; } .holds { background: #2b8a3e; } .violated { background: #c92a2a; }
.incomplete, .not-a-run { background: #d9820b; } .not-explained { background: #c92a2a; }
.expect-met { color: #2b8a3e; } .expect-not-met { color: #c92a2a; font-weight: bold; }
section, details { border: 1px solid #d5dae3; border-radius: 6px; padding: 12px 16px;
                   margin: 16px 0; }
summary { cursor: pointer; font-weight: bold; }
.reason { color: #a11; font-weight: 600; }
.columns { display: flex; gap: 20px; align-items: flex-start; }
.chart { overflow-x: auto; flex: 0 1 auto; min-width: 0; }
.trace { flex: 1 0 440px; }
@media (max-width: 1000px) { .columns { flex-direction: column; } .trace { flex: none; } }
table { border-collapse: collapse; width: 100%;
        font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
td { border-top: 1px solid #e3e7ee; padding: 3px 6px; vertical-align: top; }
td.number { color: #2a6f97; text-align: right; width: 2.5em; }
.action { font-weight: bold; }
ul { padding-left: 1.5em !important; }
tr:target { background: #fff3bf; }
ul { list-style: none; margin: 0; padding: 0; }
.old { color: #b02a2a; } .new { color: #237a37; } .field { color: #445; }
tr.conclusion td { color: #a11; font-weight: bold; border-top: 2px solid #c33; }
tr.conclusion.reached td { color: #237a37; border-top-color: #2b8a3e; }
"""


def render_html(checked: Checked, witnesses: bool = True) -> str:
    """The report page for one check. Witnesses are included, folded,
    unless `witnesses` is False."""
    result = checked.result
    verdict = result.verdict
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{escape(checked.spec)}: {verdict}</title>",
             f"<style>{_STYLE}{TIMELINE_STYLE}</style>", "</head>", "<body>",
             f"<h1>{escape(checked.spec)}</h1>",
             f'<p class="meta">{escape(checked.describe())}</p>',
             *([f'<p class="description">{escape(checked.description)}</p>']
               if checked.description else []),
             f'<p><span class="verdict {verdict.replace(" ", "-")}">{verdict.upper()}</span>'
             + (f" {escape(result.verdict_reason())}" if result.verdict_reason() else "")
             + _expectation(checked) + "</p>"]
    parts.append('<ul class="outcomes">' + "".join(
        f'<li><span class="outcome {outcome.outcome.replace(" ", "-")}">{outcome.outcome}'
        f"</span> {escape(outcome_text(outcome, witnesses))}</li>"
        for outcome in checked.outcomes) + "</ul>")
    parts += [f'<p class="stats">{escape(line)}</p>'
              for line in render_stats(result)]
    for index, finding in enumerate(result.violations):
        parts.append(_finding(checked, finding, f"v{index}-", witness=False))
    if witnesses:
        for index, finding in enumerate(result.witnesses):
            parts.append(_finding(checked, finding, f"w{index}-", witness=True))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _expectation(checked: Checked) -> str:
    if checked.expect is None:
        return ""
    if checked.mismatches:
        return (' <span class="expect-not-met">expectation NOT met: '
                + escape("; ".join(checked.mismatches)) + "</span>")
    return ' <span class="expect-met">expectation met</span>'


def _finding(checked: Checked, finding: Finding, anchor: str, witness: bool) -> str:
    prop = finding.property
    name = f"{escape(prop.title)} <small>({escape(prop.name)})</small>"
    if finding.trace is None:
        return (f"<section><h2>{name} is never reached</h2><p class=\"reason\">"
                "no reachable state satisfies it</p></section>")
    steps = len(finding.trace)
    outcome = "reached" if witness else "violated"
    heading = f"{name} {outcome} after {steps} step{'s' if steps != 1 else ''}"
    if finding.loop_start is not None:
        heading = f"{name} {'shown' if witness else 'violated'} {escape(lasso_words(finding))}"
    last = conclusion(finding, witness)
    chart = render_svg(build_chart(checked.model, finding.trace, last, finding.loop_start),
                       anchor=anchor)
    body = (f'<div class="columns"><div class="chart">{chart}</div>'
            f'<div class="trace">{_trace_table(checked, finding, anchor, last)}</div></div>')
    if witness:
        return f"<details><summary>{heading}</summary>{body}</details>"
    reason = f'<p class="reason">{escape(finding.reason)}</p>' if finding.reason else ""
    history = timeline_of(checked.model, finding)
    if history is not None:  # a linearizability violation: its history too
        body = timeline_html(history) + body
    return f"<section><h2>{heading}</h2>{reason}{body}</section>"


def _trace_table(checked: Checked, finding: Finding, anchor: str, last: str) -> str:
    model = checked.model
    rows = ["<table>"]
    previous = None
    for number, step in enumerate(finding.trace.steps):
        view = state_view(model, step.state)
        if previous is None:
            items = [f'<span class="field">{escape(name)}</span> = {escape(text(value))}'
                     for name, value in view.items()]
            action = "initial state"
        else:
            items = [_change(change) for change in changes(previous, view)] or ["(no change)"]
            action = action_text(step.action)
        if finding.loop_start is not None and number == finding.loop_start + 1:
            rows.append(f'<tr class="loop-start"><td></td><td>── loop starts here (from the '
                        f'state after step {finding.loop_start}) ──</td></tr>')
        rows.append(f'<tr id="{anchor}{number}"><td class="number">{number}</td>'
                    f'<td><div class="action">{escape(action)}</div><ul>'
                    + "".join(f"<li>{item}</li>" for item in items) + "</ul></td></tr>")
        previous = view
    reached = " reached" if last.startswith("✓") else ""
    rows.append(f'<tr class="conclusion{reached}"><td></td><td>'
                f"{escape(last)}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _change(change) -> str:
    field = f'<span class="field">{escape(change.field)}</span>: '
    if change.old is None:
        return field + f'<span class="new">+ {escape(change.new)}</span>'
    if change.new is None:
        return field + f'<span class="old">- {escape(change.old)}</span>'
    return (field + f'<span class="old">{escape(change.old)}</span> → '
            f'<span class="new">{escape(change.new)}</span>')
