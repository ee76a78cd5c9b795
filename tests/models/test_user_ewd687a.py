"""A user's kit model of a published spec it was not written against:
tests/models/user/ewd687a.py, after EWD687a.tla of the TLA+ examples
(specifications/ewd687a: Dijkstra and Scholten's termination detection),
compared figure by figure with TLC 2.15, one worker, breadth-first,
``-deadlock`` (MCEWD687a.cfg's CHECK_DEADLOCK FALSE, which this TLC does
not read).

TLC ran EWD687a.tla as read_file gives it (tlaplus/Examples 535c498:
TreeWithRoot and CountersConsistent invariants, Idle guarded by
``active[p]``; its Graphs module is the CommunityModules' one) with a
module of ours like MCEWD687a.tla: processes L, P1, P2, P3 as model values
(our p0 .. p3), the graph and MaxCounter as constants, StateConstraint as
published, and ``NoFair == Init /\\ [][Next]_vars``. Each mutant is
EWD687a.tla with the one conjunct the mutant changes. TLC prints a depth one
more than ours. Its "states generated" is ours plus one for every SendAck
step on which both of its guard's disjuncts 2a and 2b hold (TLC enumerates a
disjunction branch by branch): 137,161 = 135,863 + 1,298 on the cfg's bound
(the model's graph counted), 857 on MaxCounter = 2 where the two never hold
together. The spec's earlier text (tlaplus/Examples master of 2026-05-14:
Idle unguarded, CountersConsistent and TreeWithRoot as temporal
properties) gives TLC the same 18,028 states and depth 27, and 177,171
generated (Idle of an idle process, a step to the same state, counted).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

USER = Path(__file__).parent / "user"
SPEC = USER / "ewd687a.yaml"
MC_EDGES = [[0, 1], [1, 2], [2, 1], [2, 3]]     # L→P1, P1→P2, P2→P1, P2→P3
SAFETY = ("type_ok", "counters_consistent", "tree_with_root", "tree_not_neutral", "dt1_inv")
SPEC_FAIRNESS = (("weak", "*"),)                # Spec's WF_vars(Next)


def _model(procs=4, edges=MC_EDGES, max_counter=3, mutant=None):
    cls = load_spec(SPEC, REGISTRY).model_class
    return cls(procs=procs, edges=edges, max_counter=max_counter, mutant=mutant)


def _check(model, properties, fairness=(), keep_going=False):
    return check(model, CheckConfig(properties=properties, fairness=fairness,
                                    keep_going=keep_going))


def _final(model, violation):
    """The final state's process records and the copies in flight of each
    message and ack, as (kind, from, to)."""
    state = violation.trace.final
    flight = {(kind.__name__, m.frm, m.to): copies
              for (kind, m), copies in model.in_flight(state).items()}
    return model.processes(state), flight


def test_the_spec_file_is_the_published_cfg():
    # MCEWD687a.cfg: TLC 2.15, no error, 18,028 distinct states, depth 27
    # (137,161 generated); 2.3 s here, the CLI run with the expectation
    # below is slow
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.fairness == SPEC_FAIRNESS
    assert loaded.expect.distinct_states == 18_028
    assert loaded.expect.depth == 26


@pytest.mark.slow
def test_the_published_cfg_through_the_command_line():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "DT2 (dt2): holds" in result.output


def test_the_small_spec_file_meets_its_expectation_through_the_command_line():
    # MaxCounter = 2: TLC 2.15, no error, 178 distinct states, depth 15
    result = CliRunner().invoke(cli, ["check", str(USER / "ewd687a_small.yaml")])
    assert result.exit_code == 0, result.output
    assert "verdict: HOLDS" in result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("procs, edges, max_counter, distinct, generated, depth", [
    # TLC 2.15, Spec, INVARIANTS TypeOK CountersConsistent TreeWithRoot
    # DT1Inv, PROPERTY DT2: no error; distinct states TLC's, its depth one
    # more, its generated in the comment
    (4, MC_EDGES, 2, 178, 857, 14),                                     # 857
    (3, [[0, 1], [1, 2]], 4, 1_220, 5_977, 20),                         # 6,145
    (4, [[0, 1], [1, 2], [2, 3]], 3, 1_900, 10_935, 20),                # 11,081
    (4, [[0, 1], [0, 2], [1, 3], [2, 3], [3, 1]], 2, 1_098, 6_292, 16),  # 6,292
    # MCEWD687a.cfg as published (TLC: 13 s)
    pytest.param(4, MC_EDGES, 3, 18_028, 135_863, 26, marks=pytest.mark.slow),  # 137,161
    # L→P1, L→P2, P1→P2, P2→P1 (TLC: 18 s)
    pytest.param(3, [[0, 1], [0, 2], [1, 2], [2, 1]], 3, 39_624, 291_685, 25,
                 marks=pytest.mark.slow),                                        # 292,093
])
def test_ewd687a_has_tlc_s_counts_and_verdicts(procs, edges, max_counter, distinct,
                                               generated, depth):
    result = _check(_model(procs, edges, max_counter), SAFETY + ("dt2",), SPEC_FAIRNESS)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


def test_dt2_needs_the_fairness():
    # NoFair, MaxCounter = 2 (and 3): TLC 2.15 reports DT2 violated by 5
    # steps, then stuttering (SendMsg, RcvMsg, Idle, Idle, SendAck). Ours is
    # the shortest: the leader sends, the message arrives, both go idle:
    # terminated, and the leader waits for an ack that nothing makes P1 send
    model = _model(max_counter=2)
    result = _check(model, ("dt2",))
    violation = result.violation("dt2")
    assert (violation.stem_length, violation.loop_length) == (4, 0)
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(p=p0, q=p1)", "Idle(p=p0)", "RcvMsg(p0→p1)", "Idle(p=p1)"]
    procs, flight = _final(model, violation)
    assert model.terminated(violation.trace.final)
    assert [(r.active, r.parent) for r in procs] == [(False, None), (False, 0),
                                                     (False, None), (False, None)]
    assert (procs[0].sent_unacked[1], procs[1].rcvd_unacked[0]) == (1, 1)
    assert flight == {}


def test_stable_up_edge_is_no_property_of_the_spec():
    # PROPERTY StableUpEdge (the spec's non-property): TLC 2.15, "Action
    # property StableUpEdge is violated" by 4 steps, these
    model = _model()
    result = _check(model, ("stable_up_edge",))
    violation = result.violation("stable_up_edge")
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(p=p0, q=p1)", "RcvMsg(p0→p1)", "Idle(p=p1)", "SendAck(p=p1, q=p0)"]
    assert violation.reason == "upEdge[p1] changes from p0→p1"
    procs, flight = _final(model, violation)
    assert procs[1].parent is None
    assert flight == {("Ack", 1, 0): 1}


def test_the_deadlock_tlc_would_report_without_check_deadlock_false():
    # TLC 2.15 without -deadlock, MaxCounter = 2: "Deadlock reached" after
    # Idle(L); nothing is enabled once every process is neutral and idle
    result = check(_model(max_counter=2), CheckConfig(properties=("type_ok",), deadlock=True))
    assert [str(a) for a in result.violation("deadlock").trace.actions] == ["Idle(p=p0)"]


@pytest.mark.parametrize("edges, field, message", [
    ([[0, 1], [1, 0]], "edges", ("edge [1, 0] points to the leader, which EdgeFacts "
                                 "assumes away (InEdges(Leader) = {})")),
    ([[0, 1], [1, 1]], "edges", ("edge [1, 1] joins a process to itself, which EdgeFacts "
                                 "assumes away")),
    ([[0, 1], [1, 4]], "edges", ("edge [1, 4] names a process outside 0..3; number "
                                 "processes from 0")),
])
def test_graphs_the_spec_assumes_away_are_refused(tmp_path, edges, field, message):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'ewd687a.py').as_posix()}:EWD687a\n"
                    f"params: {{procs: 4, edges: {edges}}}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {spec}:2: params.{field}: {message}"


# -- mutants: each property broken by one handler; TLC 2.15 on the spec with
# the same change, MCEWD687a.cfg's bound, found each of these traces action
# for action (its length one more: it counts the initial state) ------------------


def test_acknowledging_nothing_breaks_type_ok():
    # SendAck without rcvdUnacked[e] > 0: TypeOK violated by 2 states
    model = _model(mutant="ack_unreceived")
    result = _check(model, SAFETY)
    violation = result.violation("type_ok")
    assert [str(a) for a in violation.trace.actions] == ["SendAck(p=p1, q=p0)"]
    assert violation.reason == "rcvdUnacked[p0→p1] = -1 is not in Nat"
    procs, flight = _final(model, violation)
    assert procs[1].rcvd_unacked[0] == -1
    assert flight == {("Ack", 1, 0): 1}


def test_an_uncounted_receipt_breaks_counters_consistent():
    # RcvMsg with UNCHANGED rcvdUnacked: CountersConsistent violated by 3 states
    model = _model(mutant="receive_uncounted")
    result = _check(model, SAFETY)
    violation = result.violation("counters_consistent")
    assert [str(a) for a in violation.trace.actions] == ["SendMsg(p=p0, q=p1)",
                                                         "RcvMsg(p0→p1)"]
    assert violation.reason == ("on p0→p1, sentUnacked = 1, but rcvdUnacked + acks + msgs "
                                "= 0 + 0 + 0")
    procs, flight = _final(model, violation)
    assert (procs[0].sent_unacked[1], procs[1].rcvd_unacked[0], procs[1].active) == (
        1, 0, True)
    assert flight == {}


def test_a_neutral_process_left_in_the_tree_breaks_tree_with_root():
    # SendAck with UNCHANGED upEdge for UP (the spec's variant):
    # TreeWithRoot violated by 5 states
    model = _model(mutant="keep_up_edge")
    result = _check(model, SAFETY)
    violation = result.violation("tree_not_neutral")
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(p=p0, q=p1)", "RcvMsg(p0→p1)", "Idle(p=p1)", "SendAck(p=p1, q=p0)"]
    assert violation.reason == "p1 is neutral with the parent p0"
    procs, flight = _final(model, violation)
    assert (procs[1].active, procs[1].parent, procs[1].rcvd_unacked[0]) == (False, 0, 0)
    assert flight == {("Ack", 1, 0): 1}


def test_adopting_every_sender_breaks_the_tree():
    # RcvMsg with upEdge' = [upEdge EXCEPT ![p] = e] whether p is neutral or
    # not: TreeWithRoot violated by 7 states, P1 and P2 each other's parent
    model = _model(mutant="adopt_every_sender")
    result = _check(model, SAFETY)
    violation = result.violation("tree_with_root")
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(p=p0, q=p1)", "RcvMsg(p0→p1)", "SendMsg(p=p1, q=p2)", "RcvMsg(p1→p2)",
        "SendMsg(p=p2, q=p1)", "RcvMsg(p2→p1)"]
    assert violation.reason == "p1's parents lead round a cycle through p1"
    procs, _ = _final(model, violation)
    assert [r.parent for r in procs] == [None, 2, 1, None]
    assert result.violation("tree_not_neutral") is None


def test_the_last_ack_sent_while_active_breaks_dt1_inv():
    # SendAck's 2b without ~active[p]: DT1Inv alone violated by 6 states;
    # with every invariant, TreeWithRoot first, by 5 (P1 idle in the tree
    # after its last ack)
    model = _model(mutant="ack_parent_while_active")
    result = _check(model, ("dt1_inv",))
    violation = result.violation("dt1_inv")
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(p=p0, q=p1)", "Idle(p=p0)", "RcvMsg(p0→p1)", "SendAck(p=p1, q=p0)",
        "RcvAck(p1→p0)"]
    assert violation.reason == "the leader is neutral and p1 is not"
    procs, flight = _final(model, violation)
    assert (procs[0].active, procs[0].sent_unacked[1]) == (False, 0)
    assert (procs[1].active, procs[1].parent, procs[1].rcvd_unacked[0]) == (True, 0, 0)
    assert flight == {}
    first = _check(model, SAFETY).violations
    assert [(v.property.name, len(v.trace.actions)) for v in first] == [
        ("tree_not_neutral", 4)]
    assert [str(a) for a in first[0].trace.actions] == [
        "SendMsg(p=p0, q=p1)", "RcvMsg(p0→p1)", "SendAck(p=p1, q=p0)", "Idle(p=p1)"]


def test_never_acking_the_parent_breaks_dt2_through_the_command_line():
    # SendAck's 2b made FALSE, MaxCounter = 2, Spec: TLC 2.15, the
    # invariants hold (140 states) and DT2 is violated by 7 steps, then
    # stuttering; ours is the shortest, 4 then stuttering
    spec = USER / "ewd687a_never_ack_parent.yaml"
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    model = _model(max_counter=2, mutant="never_ack_parent")
    found = _check(model, SAFETY + ("dt2",), SPEC_FAIRNESS, keep_going=True)
    assert found.stats.distinct_states == 140
    assert [v.property.name for v in found.violations] == ["dt2"]
    violation = found.violation("dt2")
    assert (violation.stem_length, violation.loop_length) == (4, 0)
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(p=p0, q=p1)", "Idle(p=p0)", "RcvMsg(p0→p1)", "Idle(p=p1)"]
    procs, flight = _final(model, violation)
    assert (procs[1].parent, procs[1].rcvd_unacked[0], procs[0].sent_unacked[1]) == (0, 1, 1)
    assert flight == {}


@pytest.mark.slow
def test_never_acking_the_parent_on_the_published_cfg_is_tlc_s_lasso():
    # MaxCounter = 3: TLC 2.15's lasso is ours, 4 steps (SendMsg, Idle,
    # RcvMsg, Idle), then stuttering
    model = _model(mutant="never_ack_parent")
    violation = _check(model, ("dt2",), SPEC_FAIRNESS).violation("dt2")
    assert (violation.stem_length, violation.loop_length) == (4, 0)
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(p=p0, q=p1)", "Idle(p=p0)", "RcvMsg(p0→p1)", "Idle(p=p1)"]
