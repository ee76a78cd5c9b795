"""State graphs: what they hold, the node limit, and the three formats read
back by networkx (DOT through pydot, GraphML, node-link JSON)."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import networkx as nx
import pytest

import checker
from reports.graph import (GraphTooLarge, around_trace, reachable_graph, trace_graph,
                           write_graph)
from reports.text import text
from tests.reports.two_phase import TwoPhase
from tests.toys import Counter, DieHard


@pytest.fixture(scope="module")
def path(two_phase):
    return trace_graph(two_phase.model, two_phase.result.violations[0].trace)


def test_a_trace_graph_is_its_path_with_states_and_actions(path):
    assert list(path.nodes) == ["0", "1", "2", "3", "4", "5"]
    assert [data["label"] for _, _, data in path.edges(data=True)] == [
        "RMPrepare(rm=0)", "TMRcvPrepared(rm=0)", "TMCommit()", "RMRcvCommitMsg(rm=0)",
        "RMChooseToAbort(rm=1)"]
    first, last = path.nodes["0"], path.nodes["5"]
    assert (first["initial"], first["step"], first["violates"]) == (True, 0, [])
    assert last["violates"] == ["consistency"]
    assert last["state"] == {"rm1.state": "committed", "rm2.state": "aborted",
                             "tm.state": "committed", "tm.prepared": ["rm1"],
                             "msgs": ["Commit", "Prepared(rm1)"]}
    assert path.edges["0", "1", 0]["args"] == {"rm": 0}


def test_a_lasso_s_graph_closes_its_loop_on_the_state_it_comes_back_to(tmp_path):
    # paxos-liveness-dueling: a stem of 4 steps, a loop of 6 back to step 4
    # (once a crash: one node per step was assumed, and a lasso revisits one)
    from click.testing import CliRunner

    from cmc.main import cli
    from tests.spec_runs import checked_spec

    loaded, _, result = checked_spec("paxos-liveness-dueling.yaml")
    lasso = result.violation("termination").trace
    graph = trace_graph(loaded.build(), lasso, result.properties,
                        result.violation("termination"))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (10, 10)
    # the loop marked, and said as the text report says it
    assert graph.graph["lasso"] == "a stem of 4 steps, then a loop of 6 steps for ever"
    assert [n for n, data in graph.nodes(data=True) if data.get("loop")] == [
        "4", "5", "6", "7", "8", "9"]
    *_, (source, target, data) = graph.edges(data=True)
    assert (source, target, graph.nodes[target]["step"]) == ("9", "4", 4)
    assert data["label"] == str(lasso.actions[-1])
    assert graph.nodes["4"]["label"].startswith("step 4\n")
    spec = Path(__file__).resolve().parents[2] / "specs" / "paxos-liveness-dueling.yaml"
    run = CliRunner().invoke(cli, ["check", str(spec), "--out", str(tmp_path), "--graph", "dot"])
    assert run.exit_code == 0, run.output
    dot = (tmp_path / "paxos-liveness-dueling.termination.dot").read_text()
    assert "9 -> 4 " in dot
    assert 'label="a stem of 4 steps, then a loop of 6 steps for ever";' in dot
    assert dot.count('color="#b35900"') == 6


def test_a_lasso_that_stutters_marks_the_state_it_stays_in(tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli

    spec = Path(__file__).resolve().parents[2] / "specs" / "raft-liveness-unfair.yaml"
    run = CliRunner().invoke(cli, ["check", str(spec), "--out", str(tmp_path),
                                   "--graph", "json"])
    assert run.exit_code == 0, run.output
    graph = json.loads((tmp_path / "raft-liveness-unfair.eventually_leader.json").read_text())
    assert graph["graph"] == {"lasso": "a stem of 0 steps, then it stutters for ever"}
    assert [(node["id"], node.get("stutters"), node.get("loop")) for node in graph["nodes"]] == [
        ("0", True, None)]


@pytest.mark.parametrize("model", [DieHard(), TwoPhase(), Counter(limit=7)],
                         ids=["die-hard", "two-phase", "counter"])
def test_the_reachable_graph_has_the_engines_distinct_states(model):
    # Counter has a state constraint: states beyond it are not drawn.
    result = checker.check(model, checker.CheckConfig(properties=()))
    graph = reachable_graph(model)
    assert graph.number_of_nodes() == result.stats.distinct_states
    assert sum(graph.nodes[node]["initial"] for node in graph) == 1


def test_die_hard_graph_figures():
    graph = reachable_graph(DieHard())
    # 16 states, 6 steps each (fill, empty and pour, for both jugs).
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (16, 96)
    goal = [node for node, data in graph.nodes(data=True) if data["violates"]]
    assert [graph.nodes[node]["state"] for node in goal] == [{"state": [3, 4]}, {"state": [0, 4]}]
    assert max(data["depth"] for _, data in graph.nodes(data=True)) == 7
    shallow = reachable_graph(DieHard(), max_depth=2)
    assert max(data["depth"] for _, data in shallow.nodes(data=True)) == 2
    assert shallow.number_of_nodes() == 6


def test_a_graph_over_the_limit_is_refused_with_what_to_do():
    with pytest.raises(GraphTooLarge) as refused:
        reachable_graph(DieHard(), max_nodes=15)
    assert str(refused.value) == (
        "the reachable state graph of die-hard has more than 15 states, too many to draw; "
        "use a smaller bound (--max-depth N, or smaller parameters), the states around "
        "the counterexample (--around K), or raise --max-nodes")
    assert reachable_graph(DieHard(), max_nodes=16).number_of_nodes() == 16


def test_around_a_trace(two_phase):
    trace = two_phase.result.violations[0].trace
    alone, path = around_trace(two_phase.model, trace, 0), trace_graph(two_phase.model, trace)
    assert list(alone.edges(data="label")) == list(path.edges(data="label"))
    assert list(alone.nodes) == list(path.nodes)
    near = around_trace(two_phase.model, trace, 1)
    assert [near.nodes[str(n)]["step"] for n in range(6)] == list(range(6))
    assert {data["depth"] for _, data in near.nodes(data=True)} == {0, 1}
    # Every trace edge once, even though exploring re-finds it.
    assert near.number_of_edges("0", "1") == 1
    # The trace's states and their successors, and every step between two
    # of them (a successor's steps back to a state drawn too).
    model = two_phase.model
    out = {(state, str(action), after) for state in map(lambda s: s.state, trace.steps)
           for action, after in model.successors(state)}
    drawn = {s for s, _, _ in out} | {t for _, _, t in out}
    between = {(state, str(action), after) for state in drawn
               for action, after in model.successors(state) if after in drawn}
    assert near.number_of_nodes() == len(drawn)
    assert near.number_of_edges() == len(between)
    assert (near.number_of_nodes(), near.number_of_edges(), len(out)) == (21, 32, 21)
    with pytest.raises(GraphTooLarge, match="the graph within 1 steps of the trace has more "
                                            "than 10 states"):
        around_trace(two_phase.model, trace, 1, max_nodes=10)


#: the last state of two-phase's trace in DOT and GraphML: each field's text
#: as the text report prints it
LAST_STATE_TEXT = {"rm1.state": "committed", "rm2.state": "aborted", "tm.state": "committed",
                   "tm.prepared": "[rm1]", "msgs": "[Commit, Prepared(rm1)]"}


def _attributes(graph, unquote=lambda value: value):
    nodes = {node: {key: unquote(value) for key, value in data.items()}
             for node, data in graph.nodes(data=True)}
    edges = sorted((u, v, unquote(data["label"])) for u, v, data in graph.edges(data=True))
    return nodes, edges


def test_dot_is_read_back_by_networkx(path):
    text = write_graph(path, "dot")
    assert text.startswith("digraph {")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyparsing deprecations inside pydot's parser
        back = nx.nx_pydot.read_dot(io.StringIO(text))

    def unquote(value):  # pydot keeps DOT's quotes and escapes
        return json.loads(value) if value.startswith('"') else value

    nodes, edges = _attributes(back, unquote)
    assert edges == sorted((u, v, data["label"]) for u, v, data in path.edges(data=True))
    assert nodes["5"]["label"] == path.nodes["5"]["label"]
    assert json.loads(nodes["5"]["state"]) == LAST_STATE_TEXT
    assert "values" not in nodes["5"]
    assert nodes["5"]["violates"] == "consistency"
    assert nodes["5"]["fillcolor"] == "#f8c4c4"


def test_graphml_round_trips(path):
    back = nx.parse_graphml(write_graph(path, "graphml"), force_multigraph=True)
    nodes, edges = _attributes(back)
    assert edges == sorted((u, v, data["label"]) for u, v, data in path.edges(data=True))
    assert json.loads(nodes["5"]["state"]) == LAST_STATE_TEXT
    for node, data in path.nodes(data=True):
        assert json.loads(nodes[node].pop("state")) == {
            name: text(value) for name, value in data["state"].items()}
        assert nodes[node] == {**{k: v for k, v in data.items() if k not in ("state", "values")},
                               "violates": ",".join(data["violates"]),
                               "satisfies": ",".join(data["satisfies"])}
    assert back.edges["4", "5", 0]["args"] == '{"rm": 1}'


def test_node_link_json_round_trips(path):
    back = nx.node_link_graph(json.loads(write_graph(path, "json")), edges="edges")
    assert dict(back.nodes(data=True)) == dict(path.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(path.edges(keys=True, data=True))
