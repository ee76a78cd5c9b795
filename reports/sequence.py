"""Message sequence charts of a trace: Mermaid text and a standalone SVG.

A chart has one lifeline per node and one row per step. Which node a step
happens at, and which messages it receives and sends, come from the model's
optional `Model.step_events` hook (`Sent`, `Received`, `Note`); a model
without it gets a chart with one lifeline and a note per step.

Each message becomes one arrow from the step that sent it to the step that
received it. A message received again later (a set network keeps every
message) is a second arrow from the same sending step; one already in the
initial state starts at the top; one not received by the end of the trace
(still in flight, or lost) is dashed: in the SVG from the step that sent it
down to the end of the chart, in Mermaid at that step, "not received". A
message sent for whichever one of several nodes takes it (`Sent.or_to`: it
names no receiver) is one arrow to the node that took it; one none took is
one dashed arrow ending beside its sender, "to one of" them (in Mermaid a
note over the sender), not an arrow to each.

A lasso's loop (`Chart.loop_start`) is a ``loop`` block in Mermaid and, in
the SVG, a dashed frame around the rows that repeat with an arrow back up
to the first, both captioned with the steps and where the loop goes back.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections import defaultdict, deque
from dataclasses import dataclass, replace
from typing import Sequence
from xml.sax.saxutils import escape

from checker.errors import ModelDefinitionError, raised_in_model
from checker.model import Model, Note, Received, Sent, action_text
from checker.result import Trace


@dataclass(frozen=True)
class Message:
    """One arrow: `text` from `src` to `dst`, sent at step `sent` (None: it
    was in the initial state) and received at step `received` (None: not
    received within the trace). `or_to`: while no one has received it, the
    other nodes one of which may take it in place of `dst` (`Sent.or_to`)."""

    src: str
    dst: str
    text: str
    sent: int | None
    received: int | None
    or_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    """One step: its number, its action as printed, the node it happens at
    (None when the model does not say), and its local events."""

    number: int
    action: str
    node: str | None
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Chart:
    lifelines: tuple[str, ...]
    rows: tuple[Row, ...]
    messages: tuple[Message, ...]
    conclusion: str | None = None
    #: A lasso's loop: the rows after this step repeat for ever (None: no loop).
    loop_start: int | None = None


def build_chart(model: Model, trace: Trace, conclusion: str | None = None,
                loop_start: int | None = None) -> Chart:
    """The chart of `trace`: `model.step_events` of each step, joined into
    messages. `conclusion` (why the last state matters) ends the chart;
    `loop_start`, for a lasso, is the step after which its loop begins."""
    lifelines: dict[str, None] = {}  # insertion-ordered set: order of first appearance
    rows = [Row(0, "initial state", None)]
    messages: list[Message] = []
    in_flight: dict[tuple[str, str, str], deque[int]] = defaultdict(deque)
    delivered: dict[tuple[str, str, str], int | None] = {}
    steps = trace.steps
    for number in range(1, len(steps)):
        action = steps[number].action
        try:  # the model's own code
            events = list(model.step_events(steps[number - 1].state, action,
                                            steps[number].state))
        except (Exception, SystemExit) as error:
            raise raised_in_model(model.name, "step_events()", error) from None
        notes = []
        for event in events:
            if isinstance(event, Sent):
                lifelines.update(dict.fromkeys((event.src, event.dst, *event.or_to)))
                for dst in (event.dst, *event.or_to):  # waiting for any of them
                    in_flight[event.src, dst, event.message].append(len(messages))
                messages.append(Message(event.src, event.dst, event.message, number, None,
                                        event.or_to))
            elif isinstance(event, Received):
                key = (event.src, event.dst, event.message)
                if event.src is None:  # the message does not say who sent it
                    key = _sent_by_someone(key[1:], in_flight, delivered, messages)
                lifelines.update(dict.fromkeys(key[:2]))
                if _waiting(in_flight[key], messages):
                    index = in_flight[key].popleft()
                    taken = messages[index]
                    messages[index] = replace(taken, dst=event.dst, received=number, or_to=())
                    for dst in (taken.dst, *taken.or_to):  # (a copy is from that step too)
                        delivered[key[0], dst, key[2]] = taken.sent
                else:  # received before (a set network), or in the initial state
                    messages.append(Message(*key, delivered.get(key), number))
            elif isinstance(event, Note):
                lifelines[event.node] = None
                if event.text:  # an empty note only places the step at its node
                    notes.append(event)
            else:
                raise ModelDefinitionError(
                    f"{type(model).__name__}.step_events returned {event!r} for "
                    f"{action_text(action)}; it must return Sent, Received and Note events")
        rows.append(Row(number, action_text(action), _node_of(events[0]) if events else None,
                        tuple(notes)))
    return Chart(_lifelines(model, lifelines, conclusion), tuple(rows), tuple(messages),
                 conclusion, loop_start)


#: Where a chart draws a message from whose sender no step shows (one of
#: the initial state's that does not say who sent it).
UNKNOWN_SENDER = "network"


def _waiting(queue: deque[int], messages: list[Message]) -> deque[int]:
    """`queue` of messages in flight to one node, less those at its head
    another node took (`Sent.or_to`)."""
    while queue and messages[queue[0]].received is not None:
        queue.popleft()
    return queue


def _sent_by_someone(message: tuple[str, str], in_flight: dict, delivered: dict,
                     messages: list[Message]) -> tuple[str, str, str]:
    """The (src, dst, message) of a message received by ``message[0]``
    that does not say who sent it: the earliest one in flight to it, else
    the one received before (a message set keeps it), else one from
    `UNKNOWN_SENDER`."""
    waiting = [(in_flight[key][0], key) for key in in_flight
               if key[1:] == message and _waiting(in_flight[key], messages)]
    if waiting:
        return min(waiting)[1]
    return next((key for key in delivered if key[1:] == message), (UNKNOWN_SENDER, *message))


def _lifelines(model: Model, acting: Sequence[str], conclusion: str | None) -> tuple[str, ...]:
    """The nodes that act in the trace, and those its conclusion names, in
    the model's order of its nodes (`Model.nodes`); nodes the model does not
    list follow in the order they first act."""
    # (from the class: a model's parameter named nodes, an int on the
    # instance, hides the method there)
    nodes = getattr(type(model), "nodes", None)
    try:  # the model's own code
        order = {name: index for index, name in enumerate(
            nodes(model) if callable(nodes) else Model.nodes(model))}
    except (Exception, SystemExit) as error:
        raise raised_in_model(model.name, "nodes()", error) from None
    named = [name for name in order if conclusion and re.search(
        rf"(?<![\w]){re.escape(name)}(?![\w])", conclusion)]
    shown = list(dict.fromkeys([*acting, *named]))
    if not shown:
        return (model.name or type(model).__name__,)
    return tuple(sorted(shown, key=lambda name: (name not in order, order.get(name, 0))))


def _node_of(event: Sent | Received | Note) -> str:
    if isinstance(event, Sent):
        return event.src
    return event.dst if isinstance(event, Received) else event.node


# -- Mermaid -----------------------------------------------------------------------

_MERMAID_WORDS = {"end", "loop", "alt", "else", "opt", "par", "and", "rect", "critical",
                  "break", "note", "participant", "actor", "activate", "deactivate",
                  "autonumber", "title", "box", "create", "destroy", "link", "links",
                  "over", "left", "right", "of"}


def render_mermaid(chart: Chart) -> str:
    """The chart as a Mermaid ``sequenceDiagram`` (renders on code hosts).

    Mermaid draws every arrow level, so an arrow stands at the step that
    received its message and says which step sent it."""
    ids = {name: _mermaid_id(name, index) for index, name in enumerate(chart.lifelines)}
    everyone = _over(ids, chart.lifelines)
    lines = ["sequenceDiagram"]
    for name in chart.lifelines:
        lines.append(f"    participant {ids[name]}" if ids[name] == name
                     else f"    participant {ids[name]} as {_mermaid_text(name)}")
    received_at = defaultdict(list)
    unreceived_at = defaultdict(list)
    for message in chart.messages:
        if message.received is not None:
            received_at[message.received].append(message)
        else:
            unreceived_at[message.sent].append(message)
    looping = _looping(chart)
    for row in chart.rows[1:]:
        if looping and row.number == chart.loop_start + 1:
            lines.append(f"    {_loop_caption(chart)}")
        head = f"{row.number} · {row.action}"
        own = [note.text for note in row.notes if note.node == row.node]
        where = ids[row.node] if row.node is not None else everyone
        lines.append(f"    Note over {where}: "
                     + "<br/>".join(_mermaid_text(part) for part in [head] + own))
        for message in received_at[row.number]:
            origin = ("initial state" if message.sent is None
                      else f"step {message.sent}")
            lines.append(f"    {ids[message.src]}->>{ids[message.dst]}: "
                         f"{_mermaid_text(message.text)} (sent at {origin})")
        for note in row.notes:
            if note.node != row.node:
                lines.append(f"    Note over {ids[note.node]}: {_mermaid_text(note.text)}")
        for message in unreceived_at[row.number]:
            if message.or_to:  # for one of several: no arrow says which
                lines.append(f"    Note over {ids[message.src]}: {_mermaid_text(message.text)} "
                             f"to one of {_one_of(message)} (not received)")
                continue
            lines.append(f"    {ids[message.src]}--){ids[message.dst]}: "
                         f"{_mermaid_text(message.text)} (not received)")
    if looping:
        lines.append("    end")
    if chart.conclusion:
        wrapped = "<br/>".join(_mermaid_text(line) for line in _wrap(chart.conclusion))
        lines.append(f"    Note over {everyone}: {wrapped}")
    return "\n".join(lines) + "\n"


def _one_of(message: Message) -> str:
    return ", ".join((message.dst, *message.or_to))


def _mermaid_id(name: str, index: int) -> str:
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) and name.lower() not in _MERMAID_WORDS:
        return name
    return f"n{index + 1}"


def _over(ids: dict[str, str], lifelines: Sequence[str]) -> str:
    first, last = ids[lifelines[0]], ids[lifelines[-1]]
    return first if first == last else f"{first},{last}"


def _mermaid_text(value: str) -> str:
    """Text safe in a Mermaid message or note: `;` would end the statement,
    `#` starts an entity code, and `<`, `>` would read as HTML."""
    return "".join({"#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;", "\n": " "}
                   .get(char, char) for char in value)


def _wrap(value: str, width: int = 64) -> list[str]:
    return textwrap.wrap(value, width, break_long_words=False) or [value]


# -- SVG -----------------------------------------------------------------------------

_CHAR = 7.0        # width of a character at the 12 px monospace font
_ROW = 34          # height of a step's row without notes
_NOTE = 22         # height a note adds to its row
_HEAD = 44         # height of the lifeline heads
_LABEL_CHAR = 6.4  # width of a character of an arrow's label (11 px)


def render_svg(chart: Chart, anchor: str | None = None) -> str:
    """The chart as a standalone SVG (no scripts, no external resources):
    lifelines across, steps down, local events as boxes on their lifeline,
    each message a slanted arrow from the row that sent it to the row that
    received it. With `anchor`, a step's label links to ``#{anchor}{number}``
    (the HTML report's trace rows)."""
    prefix = anchor or ""
    label_width = min(42, max(len(_step_label(row)) for row in chart.rows))
    gutter = 16 + label_width * _CHAR
    spacing = max(130.0, 24 + _CHAR * max(map(len, chart.lifelines)))
    x = {name: gutter + spacing * (index + 0.5) for index, name in enumerate(chart.lifelines)}
    width = gutter + spacing * len(chart.lifelines) + 8
    tops, y = {}, {}  # a row's top edge, and the level of its events (its dot, its arrows)
    top = _HEAD + 6.0
    for row in chart.rows:
        tops[row.number] = top
        top += _ROW + _NOTE * len(row.notes)
        y[row.number] = top - _ROW / 2
    bottom = top + 16  # room below the last step, where in-flight messages end
    conclusion = _wrap(chart.conclusion, int((width - 36) / _CHAR)) if chart.conclusion else []
    height = bottom + (18 * len(conclusion) + 24 if conclusion else 8)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="msc" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
           'font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" '
           'font-size="12">',
           "<defs>"
           f'<marker id="{prefix}msc-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
           'fill="#334"/></marker>'
           f'<marker id="{prefix}msc-open" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10" '
           'fill="none" stroke="#aab"/></marker>'
           + (f'<marker id="{prefix}msc-back" viewBox="0 0 10 10" refX="10" refY="5" '
              'markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path '
              'd="M0,0 L10,5 L0,10 z" fill="#6b4fb8"/></marker>' if _looping(chart) else "")
           + "</defs>",
           f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>']
    for index, row in enumerate(chart.rows):
        if index % 2:
            out.append(f'<rect x="0" y="{tops[row.number]:.1f}" width="{width:.0f}" '
                       f'height="{y[row.number] + _ROW / 2 - tops[row.number]:.1f}" '
                       'fill="#f4f6fa"/>')
        label = _step_label(row)
        shown = label if len(label) <= label_width else label[:label_width - 1] + "…"
        text = (f'<text x="8" y="{y[row.number] + 4:.1f}" fill="#223">'
                f'<title>{escape(label)}</title>{escape(shown)}</text>')
        if anchor is not None:
            text = f'<a href="#{escape(anchor)}{row.number}">{text}</a>'
        out.append(text)
    if _looping(chart):
        out += _loop_bracket(chart, tops, y, width, prefix)
    for name in chart.lifelines:
        out.append(f'<line x1="{x[name]:.1f}" y1="{_HEAD - 4}" x2="{x[name]:.1f}" '
                   f'y2="{bottom:.1f}" stroke="#99a" stroke-dasharray="4 3"/>')
        box = _CHAR * len(name) + 20
        out.append(f'<rect x="{x[name] - box / 2:.1f}" y="8" width="{box:.1f}" height="28" '
                   'rx="4" fill="#e8edf7" stroke="#556"/>')
        out.append(f'<text x="{x[name]:.1f}" y="26" text-anchor="middle" '
                   f'font-weight="bold">{escape(name)}</text>')
    for message in chart.messages:
        out += _arrow(message, x, y, _HEAD, bottom - 4, prefix)
    for row in chart.rows[1:]:
        if row.node is not None:
            out.append(f'<circle cx="{x[row.node]:.1f}" cy="{y[row.number]:.1f}" r="4" '
                       f'fill="#334"><title>{escape(_step_label(row))}</title></circle>')
        for number, note in enumerate(row.notes):
            box = 6.4 * len(note.text) + 12
            top = tops[row.number] + 4 + _NOTE * number
            out.append(f'<rect x="{x[note.node] - box / 2:.1f}" y="{top:.1f}" '
                       f'width="{box:.1f}" height="{_NOTE - 4}" rx="3" fill="#fff8dc" '
                       'stroke="#b9a04a"/>')
            out.append(f'<text x="{x[note.node]:.1f}" y="{top + 13:.1f}" font-size="11" '
                       f'text-anchor="middle" fill="#553">{escape(note.text)}</text>')
    if conclusion:
        top = bottom + 6
        out.append(f'<rect x="8" y="{top:.1f}" width="{width - 16:.1f}" '
                   f'height="{18 * len(conclusion) + 10}" rx="4" fill="#fdecec" '
                   'stroke="#c33"/>')
        for number, line in enumerate(conclusion):
            out.append(f'<text x="18" y="{top + 18 + 18 * number:.1f}" '
                       f'fill="#a11">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _looping(chart: Chart) -> bool:
    """Whether the chart is a lasso's with a loop of at least one step."""
    return chart.loop_start is not None and chart.loop_start < len(chart.rows) - 1


def _loop_caption(chart: Chart) -> str:
    return (f"loop for ever: steps {chart.loop_start + 1}–{len(chart.rows) - 1}, "
            f"back to the state after step {chart.loop_start}")


def _loop_bracket(chart: Chart, tops: dict[int, float], y: dict[int, float], width: float,
                  prefix: str) -> list[str]:
    """A lasso's loop: a dashed frame around the rows that repeat, captioned
    as in Mermaid, and an arrow in the left margin from its last row back up
    to its first."""
    first, last = chart.loop_start + 1, len(chart.rows) - 1
    top, bottom = tops[first] + 1, y[last] + _ROW / 2 - 1
    caption = _loop_caption(chart)
    return [f'<g class="msc-loop"><title>{escape(caption)}</title>'
            f'<rect x="3" y="{top:.1f}" width="{width - 6:.0f}" height="{bottom - top:.1f}" '
            'rx="6" fill="none" stroke="#6b4fb8" stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<path d="M7,{bottom - 4:.1f} C0,{bottom - 4:.1f} 0,{top + 4:.1f} 7,{top + 4:.1f}" '
            f'fill="none" stroke="#6b4fb8" marker-end="url(#{prefix}msc-back)"/>'
            f'<text x="{width - 10:.0f}" y="{top + 12:.1f}" text-anchor="end" font-size="11" '
            f'fill="#6b4fb8" stroke="#fff" stroke-width="3" paint-order="stroke">'
            f'{escape(caption)}</text></g>']


def _step_label(row: Row) -> str:
    return f"{row.number:>2}  {row.action}"


def _arrow(message: Message, x: dict[str, float], y: dict[int, float],
           head: float, bottom: float, prefix: str) -> list[str]:
    x1, x2 = x[message.src], x[message.dst]
    y1 = head if message.sent is None else y[message.sent]
    sent = "the initial state" if message.sent is None else f"step {message.sent}"
    if message.received is None:
        # Dashed, down to the end of the chart: still in flight when the trace ends.
        # (For one of several: beside its sender, pointing at none of them.)
        dst = f"one of {_one_of(message)}" if message.or_to else message.dst
        tip = (f"{message.text}: {message.src} → {dst}, sent at {sent}, "
               "not received within the trace")
        x2 = x2 if x1 != x2 and not message.or_to else x1 + 40
        return [f'<g><title>{escape(tip)}</title>'
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{bottom:.1f}" '
                'stroke="#b4b8c6" stroke-dasharray="4 4" '
                f'marker-end="url(#{prefix}msc-open)"/>'
                + _label((x1 + x2) / 2, (y1 + bottom) / 2 - 4, _angle(x1, y1, x2, bottom),
                         _fit(message.text, math.hypot(x2 - x1, bottom - y1)),
                         colour="#8a90a0") + "</g>"]
    y2 = y[message.received]
    tip = (f"{message.text}: {message.src} → {message.dst}, sent at {sent}, "
           f"received at step {message.received}")
    if x1 == x2:  # to itself: a loop to the right
        path = (f'<path d="M{x1:.1f},{y1:.1f} C{x1 + 60:.1f},{y1:.1f} {x1 + 60:.1f},'
                f'{y2:.1f} {x2:.1f},{y2:.1f}" fill="none" stroke="#334" '
                f'marker-end="url(#{prefix}msc-arrow)"/>')
        return [f"<g><title>{escape(tip)}</title>{path}"
                + _label(x1 + 50, (y1 + y2) / 2, 0, message.text, anchor="start") + "</g>"]
    return [f'<g><title>{escape(tip)}</title>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#334" '
            f'marker-end="url(#{prefix}msc-arrow)"/>'
            + _label((x1 + x2) / 2, (y1 + y2) / 2 - 4, _angle(x1, y1, x2, y2),
                     _fit(message.text, math.hypot(x2 - x1, y2 - y1)))
            + "</g>"]


def _fit(value: str, length: float) -> str:
    """`value` cut to what fits along a line of `length` pixels (the whole
    text is in the arrow's tooltip and in the trace)."""
    room = max(8, int(length * 0.85 / _LABEL_CHAR))
    return value if len(value) <= room else value[:room - 1] + "…"


def _angle(x1: float, y1: float, x2: float, y2: float) -> float:
    """The slope of a line in degrees, kept upright for text along it."""
    angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
    return angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle


def _label(x: float, y: float, angle: float, value: str, anchor: str = "middle",
           colour: str = "#223") -> str:
    rotate = f' transform="rotate({angle:.1f} {x:.1f} {y:.1f})"' if angle else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="11" '
            f'fill="{colour}" stroke="#fff" stroke-width="3" paint-order="stroke"'
            f'{rotate}>{escape(value)}</text>')
