"""A user's plain model of a published PlusCal spec it was not written
against: tests/models/user/chang_roberts.py, after ChangRoberts.tla and
MCChangRoberts.tla of the TLA+ examples (specifications/chang_roberts),
compared figure by figure with TLC 2.15 (one worker).

TLC ran ChangRoberts.tla as published, with ``Id`` set in the MC module
(``[i \\in 1..N |-> i]`` as MCChangRoberts.tla, or another order) and, for
the weaker fairness, these specifications added to it::

    NoFair    == Init /\\ [][Next]_vars
    WFNext    == NoFair /\\ WF_vars(Next)
    EachLabel == NoFair /\\ \\A self \\in Node : WF_vars(n0(self)) /\\ WF_vars(n1(self))
    n1id(self, id) == n1(self) /\\ id \\in msgs[self] /\\ msgs'[self] = msgs[self] \\ {id}
    EachMsg   == NoFair /\\ \\A self \\in Node : WF_vars(n0(self))
                        /\\ \\A i \\in {Id[n] : n \\in Node} : WF_vars(n1id(self, i))
    SFProc    == NoFair /\\ \\A self \\in Node : SF_vars(node(self))

TLC prints a depth one more than ours and counts initial states among the
states generated, as we do. It does not look for the shortest lasso: where
a temporal property fails, its loops have our loop's length and its stems
are as long or longer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import check
from checker.spec import load_spec
from models import REGISTRY
from tests.spec_runs import written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "chang_roberts.yaml"

FAIR_PROCESS = "'N0(self=*) | N1(self=*)'"     # PlusCal's fair process: Spec
FAIRNESS = {
    "Spec": f"{{weak: [{FAIR_PROCESS}]}}",
    "SFProc": f"{{strong: [{FAIR_PROCESS}]}}",
    "EachLabel": "{weak: ['N0(self=*)', 'N1(self=*)']}",
    "EachMsg": "{weak: ['N0(self=*)', 'N1(*)']}",
    "WFNext": "{weak: ['*']}",
    "NoFair": "{}",
    # (\A self : WF_vars(n0(self))) and (\A self : WF_vars(n1(self))) alone
    "OnlyN0": "{weak: ['N0(self=*)']}",
    "OnlyN1": "{weak: ['N1(self=*)']}",
    # \A self \in Node \ {1} : WF_vars(node(self)): the first node unfair
    "AllButFirst": "{weak: ['N0(self=1) | N1(self=1)', 'N0(self=2) | N1(self=2)']}",
}


def _checked(tmp_path, lines: str):
    return written_and_checked(tmp_path, "chang_roberts.py:ChangRoberts", lines)[2]


def test_the_spec_file_is_mcchangroberts_cfg():
    # MCChangRoberts.cfg: N = 3, INVARIANTS TypeOK Correctness, PROPERTY
    # Liveness, SPECIFICATION Spec, CHECK_DEADLOCK FALSE. TLC 2.15: no
    # error, 227 states generated, 137 distinct, depth 10 (the manifest's)
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.fairness == (("weak", "N0(self=*) | N1(self=*)"),)
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (137, 227, 9)


@pytest.mark.parametrize("ids, distinct, generated, depth", [
    ([1], 5, 5, 2),
    ([1, 2], 25, 31, 5),
    ([1, 2, 3], 137, 227, 9),
    ([1, 2, 3, 4], 823, 1_791, 14),
    ([3, 1, 2], 137, 227, 9),
    ([1, 3, 2], 129, 210, 8),
    ([2, 4, 1, 3], 747, 1_586, 13),
    ([4, 3, 2, 1], 685, 1_428, 12),
    ([3, 1, 4, 2], 743, 1_574, 13),
])
def test_chang_roberts_has_tlc_s_counts_and_verdicts(tmp_path, ids, distinct, generated, depth):
    # TLC 2.15, Id == <<ids>>, Spec, TypeOK and Correctness, PROPERTY
    # Liveness, -deadlock: no error and these figures (its depth one more)
    result = _checked(tmp_path, f"params: {{N: {len(ids)}, ids: {ids}}}\ndeadlock: false\n"
                      "properties: [type_ok, correctness, liveness]\n"
                      f"fairness: {FAIRNESS['Spec']}\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


@pytest.mark.parametrize("fairness, liveness", [
    # TLC 2.15, N = 3: Liveness under each specification. Every run ends in
    # a state with no step (the graph has no cycle), so any fairness that
    # keeps the enabled steps coming is enough, and none is not
    ("Spec", "holds"), ("SFProc", "holds"), ("EachLabel", "holds"), ("EachMsg", "holds"),
    ("WFNext", "holds"), ("NoFair", "violated"), ("OnlyN0", "violated"),
    ("OnlyN1", "violated"), ("AllButFirst", "violated"),
])
def test_liveness_under_tlc_s_fairness_forms(tmp_path, fairness, liveness):
    result = _checked(tmp_path, "deadlock: false\nproperties: [liveness]\n"
                      f"fairness: {FAIRNESS[fairness]}\n")
    assert result.verdict == liveness


@pytest.mark.parametrize("fairness, stem", [("NoFair", 0), ("WFNext", 3), ("Spec", 3)])
def test_termination_fails_as_tlc_says_the_process_loops_for_ever(tmp_path, fairness, stem):
    # The translation's Termination, <>(\A self : pc[self] = "Done"), which
    # MCChangRoberts.cfg once listed: TLC 2.15 reports it violated under
    # every fairness, by a run that stutters for ever at its end (with Spec,
    # 3 steps: the N0 of three non-initiators). Ours is the shortest.
    result = _checked(tmp_path, "deadlock: false\nproperties: [termination]\n"
                      f"fairness: {FAIRNESS[fairness]}\n")
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length) == (stem, 0)


@pytest.mark.parametrize("nodes", [2, 3, 4])
def test_chang_roberts_deadlocks_as_tlc_reports(tmp_path, nodes):
    # TLC 2.15 without -deadlock: "Deadlock reached" once no node is an
    # initiator and each has taken n0 (the process never reaches Done, so
    # the translation's Terminating is never enabled): the same N steps
    result = _checked(tmp_path, f"params: {{N: {nodes}}}\nproperties: [correctness]\n")
    trace = result.violation("deadlock").trace
    assert [str(a) for a in trace.actions] == [f"N0(self={n})" for n in range(nodes)]
    assert trace.final.pc == ("n1",) * nodes
    assert trace.final.initiator == (False,) * nodes


def test_a_mutant_that_wins_on_a_larger_id_breaks_correctness_in_tlc_s_trace(tmp_path):
    # TLC 2.15 with n1's `IF id = Id[self]` made TRUE: these three steps
    result = _checked(tmp_path, "mutant: win_on_larger_id\nproperties: [correctness]\n")
    violation = result.violation("correctness")
    assert [str(a) for a in violation.trace.actions] == [
        "N0(self=0)", "N0(self=2)", "N1(self=0, id=3)"]
    assert violation.trace.final.state == ("won", "lost", "cand")
    assert violation.reason == "node 0 won while node 2 is cand"


def test_a_mutant_that_forwards_larger_ids_breaks_correctness_in_tlc_s_trace(tmp_path):
    # TLC 2.15 with the candidate's `msgs' = _msgs` forwarding every id but
    # its own: id 3 goes round and node 3 (ours 2) wins before it sees 2
    result = _checked(tmp_path, "mutant: forward_larger\ndeadlock: false\n"
                      "properties: [correctness]\n")
    trace = result.violation("correctness").trace
    assert [str(a) for a in trace.actions] == [
        "N0(self=0)", "N0(self=1)", "N0(self=2)", "N1(self=0, id=3)", "N1(self=1, id=3)",
        "N1(self=2, id=3)"]
    assert trace.final.state == ("lost", "cand", "won")
    assert trace.final.msgs == (frozenset(), frozenset(), frozenset({2}))


@pytest.mark.parametrize("ids, distinct, generated, depth, stem, loop", [
    # TLC 2.15, TypeOK and Liveness: these counts (its depth one more), a
    # loop of the same length (its stems: 3, 7, 7, 10 and 7 steps)
    ([1, 2], 28, 36, 6, 3, 2),
    ([1, 2, 3], 197, 364, 12, 4, 3),
    ([1, 3, 2], 193, 353, 12, 4, 3),
    ([1, 2, 3, 4], 1_776, 4_632, 20, 5, 4),
    ([2, 4, 1, 3], 1_741, 4_514, 20, 5, 4),
])
def test_forwarding_larger_ids_starves_a_fair_process_as_tlc_says(
        tmp_path, ids, distinct, generated, depth, stem, loop):
    # Larger ids circle for ever; a node may keep taking them over the id
    # that would make it win. Fair process (Spec): Liveness violated, as
    # TLC says; fairness to each message (EachMsg): it holds, as TLC says.
    lines = (f"params: {{N: {len(ids)}, ids: {ids}}}\nmutant: forward_larger\n"
             "deadlock: false\nproperties: [type_ok, liveness]\n")
    unfair = _checked(tmp_path, lines + f"fairness: {FAIRNESS['Spec']}\n")
    assert (unfair.stats.distinct_states, unfair.stats.generated_states,
            unfair.stats.depth) == (distinct, generated, depth)
    violation = unfair.violation("liveness")
    assert (violation.stem_length, violation.loop_length) == (stem, loop)
    assert _checked(tmp_path, lines + f"fairness: {FAIRNESS['EachMsg']}\n").verdict == "holds"


@pytest.mark.parametrize("fairness, liveness", [
    # TLC 2.15, N = 3, the forward_larger mutant: only fairness to each
    # message makes the starved node take its own id
    ("Spec", "violated"), ("SFProc", "violated"), ("EachLabel", "violated"),
    ("WFNext", "violated"), ("NoFair", "violated"), ("EachMsg", "holds"),
])
def test_forwarding_larger_ids_under_tlc_s_fairness_forms(tmp_path, fairness, liveness):
    result = _checked(tmp_path, "mutant: forward_larger\ndeadlock: false\n"
                      f"properties: [liveness]\nfairness: {FAIRNESS[fairness]}\n")
    assert result.verdict == liveness


def test_the_starving_loop_is_round_the_ring(tmp_path):
    # Ours, N = 3 under Spec: node 2 loses to id 2 and parks it at node 0;
    # then id 3 goes round for ever, each node taking it in turn, while
    # node 1, the last candidate, waits for its id at node 0 (TLC's loop, 3
    # steps too, parks id 2 at node 1 instead, after a stem of 7)
    result = _checked(tmp_path, "mutant: forward_larger\ndeadlock: false\n"
                      f"properties: [liveness]\nfairness: {FAIRNESS['Spec']}\n")
    violation = result.violation("liveness")
    actions = [str(a) for a in violation.trace.actions]
    assert actions[violation.stem_length:] == [
        "N1(self=0, id=3)", "N1(self=1, id=3)", "N1(self=2, id=3)"]
    assert violation.trace.final.state == ("lost", "cand", "lost")
    assert violation.trace.final.msgs == (frozenset({2, 3}), frozenset(), frozenset())
