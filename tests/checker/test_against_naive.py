"""The engine against a naive explorer on random finite transition graphs.

The naive explorer keeps every state in a dict of distances: obviously right,
and slow. On random graphs (with a state constraint and a bad set) both must
agree on the reachable set's size, the depth, the verdict and the length of
the shortest counterexample; every trace the engine returns must be a path
of the graph.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st

from checker import CheckConfig, Fails, Model, check, invariant


class Edge(NamedTuple):
    target: int


class Graph(Model):
    name = "graph"
    actions = (Edge,)

    def __init__(self, edges, initial, bad, outside):
        self.edges, self.initial, self.bad, self.outside = edges, initial, bad, outside
        super().__init__()

    def initial_states(self):
        return list(self.initial)

    def successors(self, state):
        return [(Edge(target), target) for target in self.edges[state]]

    def within_bounds(self, state):
        return state not in self.outside

    @invariant("Not Bad")
    def not_bad(self, state):
        return state not in self.bad or Fails(f"node {state} is bad")


def naive(graph: Graph) -> tuple[dict[int, int], int | None]:
    """Distances of in-bounds reachable nodes, and the shortest distance to
    a bad node (bad nodes outside the bounds count too, as in TLC)."""
    distance: dict[int, int] = {}
    shortest_bad = None
    queue = deque()
    for node in graph.initial:
        if node in graph.bad and shortest_bad is None:
            shortest_bad = 0
        if node not in graph.outside and node not in distance:
            distance[node] = 0
            queue.append(node)
    while queue:
        node = queue.popleft()
        for target in graph.edges[node]:
            if target in graph.bad and (shortest_bad is None or distance[node] + 1 < shortest_bad):
                shortest_bad = distance[node] + 1
            if target not in graph.outside and target not in distance:
                distance[target] = distance[node] + 1
                queue.append(target)
    return distance, shortest_bad


@st.composite
def graphs(draw):
    size = draw(st.integers(1, 40))
    node = st.integers(0, size - 1)
    edges = [draw(st.lists(node, max_size=4)) for _ in range(size)]
    initial = draw(st.lists(node, min_size=1, max_size=3))
    bad = frozenset(draw(st.lists(node, max_size=3)))
    outside = frozenset(draw(st.lists(node, max_size=5)))
    return Graph(edges, initial, bad, outside)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_reachable_set_and_depth_match_the_naive_explorer(graph):
    distance, _ = naive(graph)
    result = check(graph, CheckConfig(properties=()))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == len(distance)
    assert result.stats.depth == (max(distance.values()) if distance else 0)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_verdict_and_shortest_counterexample_match(graph):
    _, shortest_bad = naive(graph)
    result = check(graph)
    if shortest_bad is None:
        assert result.verdict == "holds"
        return
    assert result.verdict == "violated"
    trace = result.violation("not_bad").trace
    assert len(trace) == shortest_bad
    assert trace.final in graph.bad
    assert trace.steps[0].state in graph.initial
    for before, after in zip(trace.steps, trace.steps[1:]):
        assert after.state in graph.edges[before.state]
        assert after.action == Edge(after.state)
        assert before.state not in graph.outside


@settings(max_examples=200, deadline=None)
@given(graphs(), st.integers(0, 6))
def test_depth_bound_matches_the_naive_explorer(graph, max_depth):
    distance, _ = naive(graph)
    result = check(graph, CheckConfig(properties=(), max_depth=max_depth))
    assert result.stats.distinct_states == sum(d <= max_depth for d in distance.values())
    beyond = any(d > max_depth for d in distance.values())
    assert result.verdict == ("incomplete" if beyond else "holds")
