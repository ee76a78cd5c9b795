"""A user's kit model of a published TLA+ spec it was not written against:
tests/models/user/lamport_mutex.py, after LamportMutex.tla and
MCLamportMutex.cfg of the TLA+ examples (specifications/lamport_mutex),
over the kit's FIFO channels, compared figure by figure with TLC 2.15.

TLC ran the published modules with one worker and ``-deadlock``, the
cfg's ``INVARIANTS TypeOK BoundedNetwork Mutex``, ``SPECIFICATION Spec``,
``CONSTRAINT ClockConstraint`` and ``Nat <- NatOverride``, with ``N`` and
``maxClock`` as below and ``MaxNat = maxClock + 1``. It prints a depth one
more than ours. Its "states generated" counts Enter(p) of a process already
in the critical section, a step to the same state (Enter has no guard
``p \\notin crit``); the kit does not generate such a step, so our count
is TLC's less those steps, which these tests count on their own.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from checker import check
from checker.spec import load_spec
from models import REGISTRY
from tests.spec_runs import written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "lamport_mutex.yaml"


def _checked(tmp_path, lines: str):
    loaded, _, result = written_and_checked(tmp_path, "lamport_mutex.py:LamportMutex", lines)
    return result, loaded


def _enter_in_place(model) -> int:
    """TLC's steps that the kit leaves out: Enter(p) with p in the critical
    section and Enter's guard true, in each reachable state within the
    bounds (a breadth-first walk of the model's own steps)."""
    process = type(model).roles[0]
    nodes = [process(model, p) for p in range(model.N)]
    initial = list(model.initial_states())
    seen, queue, found = set(initial), deque(initial), 0
    while queue:
        state = queue.popleft()
        for node, record in zip(nodes, model.records(state, process)):
            if record.crit and node.enter(record) == (record, []):
                found += 1
        for _, after in model.successors(state):
            if after not in seen and model.within_bounds(after):
                seen.add(after)
                queue.append(after)
    return found


def test_the_spec_file_is_mclamportmutex_cfg_on_smaller_bounds():
    # TLC 2.15, N = 3, maxClock = 3: no error, 41,533 states generated,
    # 10,209 distinct, depth 31
    loaded = load_spec(SPEC, REGISTRY)
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (10_209, 41_533 - 708, 30)


@pytest.mark.parametrize("processes, max_clock, distinct, generated, depth, in_place", [
    # N, maxClock; TLC's distinct states, states generated, depth (less one);
    # its Enter steps to the same state
    (1, 3, 3, 5, 2, 1),
    (2, 3, 191, 384, 21, 30),
    (2, 4, 401, 787, 27, 64),
    (2, 5, 685, 1_326, 33, 110),
    (3, 2, 511, 2_203, 14, 24),
    pytest.param(3, 3, 10_209, 41_533, 30, 708, marks=pytest.mark.slow),
])
def test_lamport_mutex_has_tlc_s_counts(tmp_path, processes, max_clock, distinct, generated,
                                       depth, in_place):
    result, loaded = _checked(tmp_path, f"params: {{N: {processes}, maxClock: {max_clock}}}\n"
                              "properties: [type_ok, bounded_network, mutex]\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)
    assert _enter_in_place(loaded.build()) == in_place
    assert result.stats.generated_states == generated - in_place


@pytest.mark.slow
@pytest.mark.parametrize("max_clock, distinct, generated, depth, in_place", [
    # TLC 2.15, N = 3; maxClock = 6 is MCLamportMutex.cfg itself (the
    # manifest's 724,274 distinct, 2,729,079 generated, depth 61)
    (4, 70_472, 276_114, 40, 4_703),
    (5, 270_115, 1_033_743, 51, 17_316),
    (6, 724_274, 2_729_079, 60, 44_571),
])
def test_lamport_mutex_has_tlc_s_counts_on_larger_clocks(tmp_path, max_clock, distinct,
                                                         generated, depth, in_place):
    result, _ = _checked(tmp_path, f"params: {{N: 3, maxClock: {max_clock}}}\n"
                         "properties: [type_ok, bounded_network, mutex]\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated - in_place, depth)


@pytest.mark.parametrize("processes, max_clock, stops, first", [
    (2, 3, 5, 14), (3, 2, 17, 6), pytest.param(3, 3, 85, 9, marks=pytest.mark.slow)])
def test_no_deadlock_as_tlc_says_and_the_clock_bound_ends_runs(tmp_path, processes, max_clock,
                                                               stops, first):
    # TLC 2.15 without -deadlock: no error. Every state within the bounds
    # has a step (a pending message can always be received, an idle process
    # request, one inside exit, and of processes that all wait with empty
    # channels the oldest request enters); where each of them passes
    # maxClock, the run ends at the bound. (These counts of such states
    # were found by a transcription of the spec of our own, not by TLC,
    # which does not report them.)
    result, _ = _checked(tmp_path, f"params: {{N: {processes}, maxClock: {max_clock}}}\n"
                         "deadlock: true\n")
    assert result.verdict == "holds"
    assert result.violation("deadlock") is None
    assert result.stats.bound_stops == stops
    assert len(result.bound_stop.trace.actions) == first
    assert result.bound_stop.reason == f"a clock passes maxClock = {max_clock}"


@pytest.mark.parametrize("processes, actions, clocks", [
    # TLC 2.15 with beats' tie-break "/\ p < q" removed: Mutex violated by
    # these very steps (TLC prints one state more), every channel empty at
    # the end, every request timestamped 1
    (2, ["Request(p=p1)", "Request(p=p2)", "ReceiveRequest(p2→p1, clock=1)",
         "ReceiveRequest(p1→p2, clock=1)", "ReceiveAck(p2→p1)", "Enter(p=p1)",
         "ReceiveAck(p1→p2)", "Enter(p=p2)"], (2, 2)),
    (3, ["Request(p=p1)", "Request(p=p2)", "ReceiveRequest(p2→p1, clock=1)",
         "ReceiveRequest(p1→p2, clock=1)", "ReceiveAck(p2→p1)", "ReceiveAck(p1→p2)",
         "ReceiveRequest(p1→p3, clock=1)", "ReceiveAck(p3→p1)", "Enter(p=p1)",
         "ReceiveRequest(p2→p3, clock=1)", "ReceiveAck(p3→p2)", "Enter(p=p2)"], (2, 2, 3)),
])
def test_a_tie_to_both_breaks_mutex_in_tlc_s_trace(tmp_path, processes, actions, clocks):
    result, loaded = _checked(tmp_path, f"params: {{N: {processes}, maxClock: 3}}\n"
                              "mutant: tie_to_both\nproperties: [mutex]\n")
    violation = result.violation("mutex")
    assert violation.reason == "p1 and p2 are in the critical section"
    assert [str(action) for action in violation.trace.actions] == actions
    model = loaded.build()
    final = model.records(violation.trace.final, type(model).roles[0])
    assert [s.clock for s in final] == list(clocks)
    assert [s.crit for s in final] == [True, True] + [False] * (processes - 2)
    assert [s.req for s in final] == [(1, 1) + (0,) * (processes - 2)] * processes
    assert [sorted(s.ack) for s in final] == [list(range(processes))] * 2 + [[]] * (processes - 2)
    assert all(not model.sent(violation.trace.final, kind) for kind in model.messages)
