"""State graphs as networkx graphs, written as DOT, GraphML or node-link JSON.

Three graphs, each a `networkx.MultiDiGraph` whose nodes are states and
whose edges are steps:

- `trace_graph`: a counterexample's path (no exploring: the trace is given);
- `reachable_graph`: every reachable state of a small model;
- `around_trace`: a counterexample's path and every state reached within K
  steps from a state on it.

Each draws every step between two states it draws.

The last two need the graph itself, which the engine does not keep (it
stores fingerprints), so they explore again with a small breadth-first
search over `Model.successors`. That search stops at `max_nodes` states and
raises `GraphTooLarge` with what to do instead: a graph is written whole or
not at all.

Node attributes: ``label`` (the state, one field a line; on a trace's path,
what the step changed), ``state`` (the
model's `state_view`), ``values`` (its fields with structured values, as a
JSON report's: `reports.run.state_values`), ``depth`` (steps from an initial state, or from the
trace for `around_trace`), ``initial``, ``violates`` and ``satisfies`` (the
invariants failing and the reachable properties holding there) and, on a
trace, ``step``; on a lasso's, ``loop`` (a state of its loop) or
``stutters`` (the state it stays in for ever), with the graph's ``lasso``
saying which (DOT draws them orange, the stutter's state doubly outlined,
and the lasso under the drawing). Edge attributes: ``label`` (the action as printed),
``action`` (its name) and ``args`` (its fields, named as the label names
them: the model's `action_view`). DOT and GraphML hold only scalars, so
there ``state`` is JSON text of each field's text as the text report prints
it (``{"a2.max_val": "none", "msgs": "{Msg1a(bal=0)}"}``), ``values`` is left
out, ``args`` is JSON text and ``violates``/``satisfies`` comma-separated
names.
"""

from __future__ import annotations

import json
import textwrap
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Iterable

from checker.errors import CheckerError
from checker.model import Model, action_name, action_text, has_bounds
from checker.properties import Property
from checker.result import Finding, Trace
from reports.run import state_values, state_view
from reports.text import changes, lasso_words, text

if TYPE_CHECKING:
    import networkx as nx


def networkx() -> Any:
    """networkx, imported when a graph is first made: it takes longer to
    import than the rest of cmc (0.3-0.8 s), and most runs draw no graph."""
    import networkx

    return networkx


def new_graph() -> nx.MultiDiGraph:
    return networkx().MultiDiGraph()

FORMATS = {"dot": "dot", "graphml": "graphml", "json": "json"}  # format → file extension
DEFAULT_MAX_NODES = 2000


class GraphTooLarge(CheckerError):
    """The graph asked for has more states than the limit allows."""


# -- building --------------------------------------------------------------------


class _Builder:
    def __init__(self, model: Model, properties: Iterable[Property] | None):
        self.model = model
        chosen = model.properties.values() if properties is None else properties
        self.invariants = [p for p in chosen if p.kind == "invariant"]
        self.reachables = [p for p in chosen if p.kind == "reachable"]
        self.graph = new_graph()
        self.ids: dict[Any, str] = {}

    def node(self, state: Any, depth: int) -> tuple[str, bool]:
        """The id of `state`'s node, adding it if new; whether it is new."""
        known = self.ids.get(state)
        if known is not None:
            return known, False
        node = self.ids[state] = str(len(self.ids))
        # (json_ready: DOT and GraphML hold it as JSON too)
        view = state_view(self.model, state, json_ready=True)
        self.graph.add_node(
            node, label="\n".join(_label_lines(view)),
            state=view, values=state_values(self.model, state), depth=depth, initial=False,
            violates=[p.name for p in self.invariants
                      if not getattr(self.model, p.name)(state)],
            satisfies=[p.name for p in self.reachables if getattr(self.model, p.name)(state)])
        return node, True

    def edge(self, source: str, action: Any, target: str) -> None:
        self.graph.add_edge(source, target, label=action_text(action), action=action_name(action),
                            args=self.model.action_view(action))


def _label_lines(view: dict[str, Any]) -> list[str]:
    """The state one field a line, long values wrapped (for drawing)."""
    return [line for name, value in view.items() for line in _wrap(f"{name} = {text(value)}")]


def _wrap(line: str, width: int = 60) -> list[str]:
    return textwrap.wrap(line, width, subsequent_indent="    ", break_long_words=False) or [line]


def trace_graph(model: Model, trace: Trace, properties: Iterable[Property] | None = None,
                finding: Finding | None = None) -> nx.MultiDiGraph:
    """The path of `trace`: one node per step, one edge per action. A node's
    label is its step number and what that step changed (the initial state
    in full), as in the text report. Where the trace is `finding`'s lasso
    (a temporal property's counterexample or witness), the states of its
    loop are marked ``loop``, or the state it stutters in for ever
    ``stutters``, and the graph's ``lasso`` says it as the text report does."""
    builder = _Builder(model, properties)
    nodes = _add_trace(builder, trace, depth=lambda number: number)
    graph = builder.graph
    if finding is not None and finding.loop_start is not None:
        graph.graph["lasso"] = lasso_words(finding, words_only=True)
        if finding.loop_length == 0:
            graph.nodes[nodes[-1]]["stutters"] = True
        for node in nodes[finding.loop_start:] if finding.loop_length else ():
            graph.nodes[node]["loop"] = True
    for number in range(1, len(nodes)):
        node = graph.nodes[nodes[number]]
        if node["step"] != number:
            continue  # a lasso's last step, back to where its loop starts
        node["label"] = "\n".join(
            [f"step {number}"] + [line for change in changes(
                graph.nodes[nodes[number - 1]]["state"], node["state"])
                for line in _wrap(str(change))])
    graph.nodes[nodes[0]]["label"] = ("step 0 (initial state)\n"
                                      + graph.nodes[nodes[0]]["label"])
    return graph


def _add_trace(builder: _Builder, trace: Trace, depth: Callable[[int], int]) -> list[str]:
    """Add the states and steps of `trace`; return each step's node. A node
    keeps the first step that reaches it (a lasso comes back to one)."""
    nodes: list[str] = []
    for number, step in enumerate(trace.steps):
        node, _ = builder.node(step.state, depth(number))
        builder.graph.nodes[node].setdefault("step", number)
        if not nodes:
            builder.graph.nodes[node]["initial"] = True
        else:
            builder.edge(nodes[-1], step.action, node)
        nodes.append(node)
    return nodes


def reachable_graph(model: Model, max_nodes: int = DEFAULT_MAX_NODES,
                    max_depth: int | None = None,
                    properties: Iterable[Property] | None = None) -> nx.MultiDiGraph:
    """Every state reachable within `max_depth` steps and the model's state
    constraint (`Model.within_bounds`), with every step between them.
    Raises `GraphTooLarge` beyond `max_nodes` states."""
    builder = _Builder(model, properties)
    starts = [(state, 0) for state in model.initial_states() if _within(model, state)]
    for state, _ in starts:
        node, _ = builder.node(state, 0)
        builder.graph.nodes[node]["initial"] = True
    _explore(builder, starts, max_depth, max_nodes,
             f"the reachable state graph of {model.name}")
    return builder.graph


def around_trace(model: Model, trace: Trace, steps: int,
                 max_nodes: int = DEFAULT_MAX_NODES,
                 properties: Iterable[Property] | None = None) -> nx.MultiDiGraph:
    """The path of `trace` and every state reached within `steps` steps from
    a state on it (``depth`` is that distance; the trace's states have a
    ``step``), with every step between them.
    Raises `GraphTooLarge` beyond `max_nodes` states."""
    builder = _Builder(model, properties)
    _add_trace(builder, trace, depth=lambda number: 0)
    seen = {(u, data["label"], v) for u, v, data in builder.graph.edges(data=True)}
    starts = [(step.state, 0) for step in trace.steps]
    _explore(builder, starts, steps, max_nodes,
             f"the graph within {steps} steps of the trace", skip=seen)
    return builder.graph


def _explore(builder: _Builder, starts: list[tuple[Any, int]], max_depth: int | None,
             max_nodes: int, what: str, skip: set = frozenset()) -> None:
    model = builder.model
    queue = deque(starts)
    expanded = set()
    while queue:
        state, depth = queue.popleft()
        source = builder.ids[state]
        if source in expanded:
            continue
        expanded.add(source)
        # at the bound, only the steps to states drawn already: every step
        # between two drawn states is drawn
        last = max_depth is not None and depth >= max_depth
        for action, next_state in model.successors(state):
            if not _within(model, next_state):
                continue
            if last:
                target = builder.ids.get(next_state)
                if target is not None and (source, action_text(action), target) not in skip:
                    builder.edge(source, action, target)
                continue
            if next_state not in builder.ids and len(builder.ids) >= max_nodes:
                raise GraphTooLarge(
                    f"{what} has more than {max_nodes:,} states, too many to draw; "
                    "use a smaller bound (--max-depth N, or smaller parameters), the "
                    "states around the counterexample (--around K), or raise --max-nodes")
            target, new = builder.node(next_state, depth + 1)
            if (source, action_text(action), target) not in skip:
                builder.edge(source, action, target)
            if new:
                queue.append((next_state, depth + 1))


def _within(model: Model, state: Any) -> bool:
    return not has_bounds(model) or model.within_bounds(state)


# -- writing -------------------------------------------------------------------------


def write_graph(graph: nx.MultiDiGraph, graph_format: str) -> str:
    """`graph` as text in `graph_format`: ``dot``, ``graphml`` or ``json``
    (networkx's node-link form)."""
    nx = networkx()
    if graph_format == "json":
        data = nx.node_link_data(graph, edges="edges")
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    flat = _scalars(graph)
    if graph_format == "graphml":
        return "\n".join(nx.generate_graphml(flat)) + "\n"
    if graph_format == "dot":
        return _dot(flat)
    raise ValueError(f"unknown graph format {graph_format!r}; use one of {', '.join(FORMATS)}")


def _scalars(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are strings, numbers and booleans only: a
    node's ``state`` each field's text as the text report prints it (the
    structured ``values`` left out: they are JSON's)."""
    flat = new_graph()
    flat.graph.update(graph.graph)  # (a lasso's text)
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{key: _scalar({name: text(shown) for name, shown in value.items()}
                                            if key == "state" else value)
                               for key, value in data.items() if key != "values"})
    for source, target, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key,
                      **{name: _scalar(value) for name, value in data.items()})
    return flat


def _scalar(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ",".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    return value


def _dot(graph: nx.MultiDiGraph) -> str:
    """DOT through pydot, with styling: initial states blue, states that
    violate an invariant red, trace states outlined bold."""
    from networkx.drawing.nx_pydot import to_pydot

    styled = graph.copy()
    styled.graph.update(graph={"rankdir": "TB"},
                        node={"shape": "box", "style": "rounded,filled", "fillcolor": "white",
                              "fontname": "monospace", "fontsize": "10"},
                        edge={"fontname": "monospace", "fontsize": "9"})
    if "lasso" in graph.graph:  # said under the drawing
        styled.graph["graph"].update(label=graph.graph["lasso"], labelloc="b")
        del styled.graph["lasso"]
    for _, data in styled.nodes(data=True):
        if data.get("violates"):
            data["fillcolor"] = "#f8c4c4"
        elif data.get("initial"):
            data["fillcolor"] = "#cfe0f7"
        if "step" in data:
            data["penwidth"] = 2
        if data.get("loop"):
            data["color"] = "#b35900"
        if data.get("stutters"):
            data.update(color="#b35900", peripheries=2, xlabel="stutters for ever")
    return to_pydot(styled).to_string()
