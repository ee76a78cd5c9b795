"""The history of a linearizability violation as a timeline: each client's
operations as intervals on one row, the columns the positions of the
history's events, the minimal set of operations that cannot be ordered
marked. Text, HTML and JSON renderings of the same `Timeline`.

The engine keeps only a violation's reason; the reports get the structured
verdict again by evaluating the property's history function on the
trace's last state (`checker.history.linearizable` keeps it as
`history_of`) and checking that history afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from string import ascii_lowercase
from typing import Any

from checker.history import Operation, check, operations
from checker.model import Model, jsonable
from checker.result import Finding


@dataclass(frozen=True)
class Timeline:
    """A history (`events` of them), its calls in invocation order, each
    with a short label (``a``, ``b``, ...), the clients in the order they
    first call, and the calls that cannot be ordered (empty when the
    history is linearizable)."""

    events: int
    calls: tuple[Operation, ...]
    clients: tuple[str, ...]
    minimal: frozenset[Operation]

    def label(self, index: int) -> str:
        """``a`` .. ``z``, then ``a1``, ``b1``, ..."""
        letter, round_ = ascii_lowercase[index % 26], index // 26
        return letter + (str(round_) if round_ else "")


def timeline(history: tuple, spec: Any, decide: Any = None) -> Timeline:
    """The timeline of `history`, checked against the sequential `spec` for
    linearizability (or by `decide`, a property's own checker: sequential
    consistency's)."""
    calls = operations(history)
    verdict = check(history, spec) if decide is None else decide(history)
    clients = tuple(dict.fromkeys(call.client for call in calls))
    minimal = frozenset(getattr(verdict, "minimal", ()))
    return Timeline(len(history), calls, clients, minimal)


def timeline_of(model: Model, finding: Finding) -> Timeline | None:
    """The timeline of a finding of a linearizability property, from its
    trace's last state; None for any other finding."""
    predicate = getattr(model, finding.property.name, None)
    history_of = getattr(predicate, "history_of", None)
    if history_of is None or finding.trace is None:
        return None
    # (a fresh checker of the property's kind: the run's one counts its work)
    fresh = type(predicate.checker)(predicate.sequential)
    return timeline(tuple(history_of(model, finding.trace.final)), predicate.sequential, fresh)


# -- text ------------------------------------------------------------------------------

#: Characters per history position.
COLUMN = 4
_PLAIN = ("├", "─", "┤")
_MARKED = ("┣", "━", "┫")


def render_timeline(line: Timeline) -> list[str]:
    """The timeline as text: a row of positions, a row per client with
    each call drawn from its invocation to its response (to the end, ``…``,
    while pending) and labelled, heavy for the calls that cannot be
    ordered, then the calls by label (✗: cannot be ordered)."""
    width = max(len(client) for client in line.clients) if line.clients else 0
    span = COLUMN * line.events
    lines = ["history (columns: positions of its events"
             + ("; ✗: the operations that cannot be ordered):" if line.minimal else "):"),
             " " * (width + 2) + "".join(f"{at:<{COLUMN}}" for at in range(line.events)).rstrip()]
    for client in line.clients:
        row = [" "] * span
        for index, call in enumerate(line.calls):
            if call.client != client:
                continue
            first, fill, last = _MARKED if call in line.minimal else _PLAIN
            begin = COLUMN * call.start
            end = COLUMN * call.end if call.end is not None else span - 1
            row[begin:end + 1] = [first] + [fill] * (end - begin - 1) + [
                last if call.end is not None else "…"]
            label = line.label(index)
            row[begin + 2:begin + 2 + len(label)] = list(label)
        lines.append(f"{client:<{width}}  " + "".join(row).rstrip())
    for index, call in enumerate(line.calls):
        mark = "✗" if call in line.minimal else " "
        lines.append(f"{line.label(index):>{width}} {mark} {call}")
    return lines


# -- HTML ------------------------------------------------------------------------------

STYLE = """
table.timeline { width: auto; margin: 8px 0; }
table.timeline th { font-weight: normal; color: #2a6f97; padding: 0 6px; text-align: left; }
table.timeline td { border: none; padding: 2px 0; }
table.timeline td.client { padding-right: 8px; font-weight: bold; }
table.timeline td.call { background: #e7f0f8; border: 1px solid #9bb7d0;
                         border-radius: 4px; padding: 2px 6px; white-space: nowrap; }
table.timeline td.call.pending { border-style: dashed; border-right: none; }
table.timeline td.call.unordered { background: #fde2e2; border-color: #c92a2a;
                                   color: #a11; font-weight: bold; }
"""


def timeline_html(line: Timeline) -> str:
    """The timeline as a table: a column per position, a row per client,
    each call a cell spanning its positions (the browser widens the
    columns to fit the calls); the calls that cannot be ordered in red."""
    rows = ['<table class="timeline"><tr><th></th>'
            + "".join(f"<th>{at}</th>" for at in range(line.events)) + "</tr>"]
    for client in line.clients:
        cells, at = [f'<td class="client">{escape(client)}</td>'], 0
        for call in (call for call in line.calls if call.client == client):
            cells += ["<td></td>"] * (call.start - at)
            end = call.end if call.end is not None else line.events - 1
            kind = "call" + (" pending" if call.end is None else "") + (
                " unordered" if call in line.minimal else "")
            cells.append(f'<td class="{kind}" colspan="{end - call.start + 1}">'
                         f"{escape(call.call)} {escape(call.outcome)}</td>")
            at = end + 1
        cells += ["<td></td>"] * (line.events - at)
        rows.append("<tr>" + "".join(cells) + "</tr>")
    rows.append("</table>")
    return "".join(rows)


# -- JSON ------------------------------------------------------------------------------


def timeline_document(line: Timeline) -> dict[str, Any]:
    """``{"events", "clients", "operations": [{"id", "client", "op", "key",
    "arg", "result", "start", "end"}], "minimal": [id, ...]}``; a pending
    call's `result` and `end` are null."""
    return {
        "events": line.events,
        "clients": list(line.clients),
        "operations": [{"id": line.label(index), "client": call.client, "op": call.op,
                        "key": jsonable(call.key), "arg": jsonable(call.arg),
                        "result": jsonable(call.result), "start": call.start,
                        "end": call.end}
                       for index, call in enumerate(line.calls)],
        "minimal": [line.label(index) for index, call in enumerate(line.calls)
                    if call in line.minimal],
    }
