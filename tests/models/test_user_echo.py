"""A user's kit model of a published PlusCal spec it was not written
against: tests/models/user/echo.py, after Echo.tla and MCEcho.tla of the
TLA+ examples (specifications/echo: the Echo algorithm's spanning tree),
compared figure by figure with TLC 2.15, one worker, breadth-first.

TLC ran Echo.tla as published, with MC modules beside it that set ``Node``
to "a", "b", .. (our n1, n2, ..), ``initiator`` and ``R`` (the symmetric
closure of a set of edges; MCEcho's R1 is the complete graph), INVARIANT
TypeOK InitiatorNoParent ParentIsNeighbor ParentChild AncestorProperties,
deadlock checked (the translation's Terminating stutters once every node
is done). Each mutant is Echo.tla with the one expression the mutant
changes, each invariant checked alone so that TLC's counterexample is a
shortest one. TLC prints a depth one more than ours, and a trace of one
state more than our steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.spec_runs import written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "echo.yaml"
LINE = "[[1, 2], [2, 3]]"


def _checked(tmp_path, lines: str, keep_going: bool = False):
    _, model, result = written_and_checked(tmp_path, "echo.py:Echo", lines, keep_going)
    return result, model


def _final(model, violation):
    return model.records(violation.trace.final, type(model).roles[0])


def test_the_spec_file_is_mcecho_cfg():
    # MCEcho.cfg: TLC 2.15, no error, 75 distinct states, depth 16 (the
    # manifest's figures)
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("nodes, edges, initiator, distinct, depth", [
    # TLC 2.15, every invariant, deadlock checked: no error and these
    # distinct states (its depth one more)
    (1, "[]", 1, 4, 3),
    (2, "null", 1, 10, 8),
    (3, "null", 1, 75, 15),                      # MCEcho
    (3, LINE, 1, 19, 13),                        # a line from its end
    (3, LINE, 2, 42, 13),                        # a line from its middle
    (4, "[[1, 2], [2, 3], [3, 4], [4, 1]]", 1, 162, 20),     # a ring
    (4, "[[1, 2], [1, 3], [1, 4]]", 2, 57, 18),  # a star from a leaf
    (4, "null", 1, 3_415, 24),
    # TLC: 48 s; ours: 68 s
    pytest.param(5, "null", 1, 1_080_435, 35, marks=pytest.mark.slow),
])
def test_echo_has_tlc_s_counts_and_verdicts(tmp_path, nodes, edges, initiator, distinct,
                                            depth):
    # every property but on the largest graph
    properties = ("properties: [type_ok, initiator_no_parent, parent_is_neighbor, "
                  "children_have_parent, done_parent_knows_children, ancestor_properties]\n"
                  if nodes == 5 else "")
    result, _ = _checked(tmp_path, f"params: {{nodes: {nodes}, edges: {edges}, "
                         f"initiator: {initiator}}}\n" + properties)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)


@pytest.mark.parametrize("nodes, edges, initiator, orbits, depth", [
    # TLC 2.15, the nodes model values, SYMMETRY Permutations(S) of the
    # nodes but the initiator whose neighbours are alike: S is every other
    # node on a complete graph, the two ends of a line from its middle, the
    # two other leaves of a star from a leaf, the initiator's two neighbours
    # on a ring
    (3, "null", 1, 43, 15),
    (4, "null", 1, 610, 24),
    (3, LINE, 2, 26, 13),
    (4, "[[1, 2], [1, 3], [1, 4]]", 2, 38, 18),
    (4, "[[1, 2], [2, 3], [3, 4], [4, 1]]", 1, 86, 20),
    pytest.param(5, "null", 1, 45_920, 35, marks=pytest.mark.slow),
])
def test_twins_are_interchangeable_as_in_tlc(tmp_path, nodes, edges, initiator, orbits, depth):
    result, model = _checked(tmp_path, f"params: {{nodes: {nodes}, edges: {edges}, "
                             f"initiator: {initiator}}}\nsymmetry: true\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (orbits, depth)


def test_the_symmetric_classes_are_the_initiator_and_its_twins():
    from tests.models.user.echo import Echo
    assert Echo(nodes=4).symmetry_groups() == {"nodes": [[0], [1, 2, 3]]}
    assert Echo(nodes=4, edges=[[1, 2], [1, 3], [1, 4]], initiator=2).symmetry_groups() == {
        "nodes": [[1], [0], [2, 3]]}
    assert Echo(nodes=4, edges=[[1, 2], [2, 3], [3, 4], [4, 1]]).symmetry_groups() == {
        "nodes": [[0], [1, 3], [2]]}


@pytest.mark.parametrize("params, message", [
    ("{nodes: 3, edges: [[1, 1], [1, 2], [2, 3]]}",
     "params.edges: edge [1, 1] is a self-loop, which Echo assumes away (IsIrreflexive)"),
    ("{nodes: 3, edges: [[1, 2]]}",
     "params.edges: the graph is not connected (node 3 is not reached from node 1), which "
     "Echo assumes (IsConnected)"),
    ("{nodes: 2, edges: [[1, 3]]}",
     "params.edges: edge [1, 3] names a node outside 1..2; number nodes from 1 to nodes"),
    ("{nodes: 2, initiator: 3}", "params.initiator: must be a node, 1..2; got 3"),
])
def test_a_graph_that_breaks_echo_s_assumptions_is_refused(tmp_path, params, message):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'echo.py').as_posix()}:Echo\nparams: {params}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == f"error: {spec}:2: {message}\n"


# -- mutants: each property broken by one handler, TLC's counterexample as long -----------


def test_the_initiator_sending_to_itself_breaks_type_ok(tmp_path):
    # TLC 2.15, n0's multicast to nbrs[self] \cup {self}: TypeOK violated by
    # a trace of 2 states, ParentChild by one of 10; 185 distinct states
    result, model = _checked(tmp_path, "mutant: initiator_sends_to_itself\n", keep_going=True)
    violation = result.violation("type_ok")
    assert [str(a) for a in violation.trace.actions] == ["N0(self=n1)"]
    assert violation.reason == "n1's inbox holds 'm' from n1, no neighbour"
    assert len(result.violation("done_parent_knows_children").trace.actions) == 9
    assert result.stats.distinct_states == 185


def test_an_initiator_with_a_parent_breaks_initiator_no_parent_and_the_tree(tmp_path):
    # TLC 2.15, the initiator's first receipt setting parent to msg.sndr:
    # InitiatorNoParent violated by a trace of 7 states, ParentChild by one
    # of 10, AncestorProperties by one of 16; 84 distinct states
    result, model = _checked(tmp_path, "mutant: initiator_adopts_parent\n", keep_going=True)
    no_parent = result.violation("initiator_no_parent")
    assert [str(a) for a in no_parent.trace.actions] == [
        "N0(self=n1)", "N0(self=n2)", "N1(msg=Msg(n1→n2, kind=m))", "N0(self=n3)",
        "N1(msg=Msg(n2→n3, kind=m))", "N1(msg=Msg(n3→n1, kind=m))"]
    assert no_parent.reason == "the initiator's parent is n3"
    ancestors = result.violation("ancestor_properties")
    assert len(ancestors.trace.actions) == 15
    assert ancestors.reason == "n1 is its own ancestor"
    final = _final(model, ancestors)
    assert [(r.pc, r.parent) for r in final] == [("Done", 1), ("Done", 0), ("Done", 0)]
    assert [r.children for r in final] == [frozenset({1, 2}), frozenset(), frozenset()]
    assert len(result.violation("done_parent_knows_children").trace.actions) == 9
    assert result.violation("type_ok") is None and result.stats.distinct_states == 84


def test_the_initiator_as_everyone_s_parent_breaks_parent_is_neighbor(tmp_path):
    # TLC 2.15 on the line n1 - n2 - n3, parent set to the initiator:
    # ParentIsNeighbor violated by a trace of 6 states; n2's Assert fails
    # (TLC prints no trace, and stops with 12 distinct states, 18 generated)
    result, model = _checked(tmp_path, f"params: {{nodes: 3, edges: {LINE}}}\n"
                             "mutant: parent_is_initiator\n", keep_going=True)
    violation = result.violation("parent_is_neighbor")
    assert [str(a) for a in violation.trace.actions] == [
        "N0(self=n1)", "N0(self=n2)", "N1(msg=Msg(n1→n2, kind=m))", "N0(self=n3)",
        "N1(msg=Msg(n2→n3, kind=m))"]
    assert violation.reason == "n3's parent n1 is no neighbour"
    assert _final(model, violation)[2].parent == 0
    assertion = result.violation("assertion")
    assert [str(a) for a in assertion.trace.actions][-1] == "N1Exit(self=n3)"
    assert "the parent is a neighbour" in assertion.reason
    assert (result.stats.distinct_states, result.stats.generated_states) == (12, 18)


def test_counting_every_sender_as_a_child_breaks_parent_child(tmp_path):
    # TLC 2.15, n1's IF msg.kind = "c" made TRUE: ParentChild violated by a
    # trace of 4 states
    result, model = _checked(tmp_path, "mutant: every_sender_a_child\n"
                             "properties: [children_have_parent]\n")
    violation = result.violation("children_have_parent")
    assert [str(a) for a in violation.trace.actions] == [
        "N0(self=n1)", "N0(self=n2)", "N1(msg=Msg(n1→n2, kind=m))"]
    assert violation.reason == "n1 is a child of n2, which is not its parent"
    assert _final(model, violation)[1].children == frozenset({0})


def test_forgetting_children_breaks_parent_child_once_done(tmp_path):
    # TLC 2.15, n1's IF msg.kind = "c" made FALSE: ParentChild violated by a
    # trace of 12 states
    result, model = _checked(tmp_path, "mutant: children_forgotten\n"
                             "properties: [done_parent_knows_children]\n")
    violation = result.violation("done_parent_knows_children")
    assert len(violation.trace.actions) == 11
    assert violation.reason == "n2 is done and is n3's parent, but not its child's"
    final = _final(model, violation)
    assert [(r.pc, r.parent, r.children) for r in final] == [
        ("n1", None, frozenset()), ("Done", 0, frozenset()), ("Done", 1, frozenset())]


def test_acknowledging_again_is_merged_by_the_inbox_as_in_tlc(tmp_path):
    # Echo.tla's set merges a second "c" (TLC 2.15, n2 leaving pc at "n2":
    # 200 distinct states, ParentChild violated by a trace of 14 states, the
    # initiator counting one child's "c" twice), as the kit's Bag(copies=1)
    # does; a node sending again the "c" in flight is a step that changes
    # nothing, so the state where it waits is no deadlock
    result, model = _checked(tmp_path, "mutant: acknowledges_again\n", keep_going=True)
    assert [v.property.name for v in result.violations] == ["done_parent_knows_children"]
    violation = result.violation("done_parent_knows_children")
    assert len(violation.trace.actions) == 13
    assert violation.reason == "n1 is done and is n3's parent, but not its child's"
    assert [str(a) for a in violation.trace.actions][-3:] == [
        "N1(msg=Msg(n2→n1, kind=c))", "N1Exit(self=n1)", "N2(self=n1)"]
    assert _final(model, violation)[0].rcvd == 2
    assert (result.stats.distinct_states, result.stats.depth) == (200, 18)
