"""Sequential consistency (checker/history.py): one order of every call that
keeps each client's own order explains every result; what it allows that
linearizability does not (a stale read by another client), what it forbids
(a client contradicting itself), that it is not local (keys together), pending
calls, the minimal set and its reason, and raft-kv's serializable reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.history import (Invoke, KeyValue, NotSequential, Respond, SequentialChecker,
                             check, check_sequential, operations, sequential_order)

KV = KeyValue(keys=("x", "y"), initial=0)
SPECS = Path(__file__).resolve().parents[2] / "specs"


def sequential(*events):
    return SequentialChecker(KV)(tuple(events))


def test_a_stale_read_by_another_client_is_sequentially_consistent_not_linearizable():
    history = (Invoke("c1", "write", "x", 1), Respond("c1", "ok"),
               Invoke("c2", "read", "x"), Respond("c2", 0))
    assert sequential(*history) is True and check_sequential(list(history), KV) is True
    assert not check(history, KV)
    # the read is ordered first
    assert [str(call) for call in sequential_order(operations(history), KV)] == [
        "c2: read(x) → 0", "c1: write(x, 1) → ok"]


@pytest.mark.parametrize("history, reason", [
    # a client missing its own write (read-your-writes)
    ((Invoke("c1", "write", "x", 1), Respond("c1", "ok"), Invoke("c1", "read", "x"),
      Respond("c1", 0)),
     "c1: read(x) → 0 after c1: write(x, 1) → ok completed"),
    # a client's reads going back (monotonic reads)
    ((Invoke("c1", "write", "x", 1), Invoke("c2", "read", "x"), Respond("c2", 1),
      Invoke("c2", "read", "x"), Respond("c2", 0), Respond("c1", "ok")),
     "c2: read(x) → 0 after c2: read(x) → 1 completed; c1: write(x, 1) → ok in any order "
     "with the rest"),
    # a value nobody wrote
    ((Invoke("c1", "read", "y"), Respond("c1", 5)), "no order explains c1: read(y) → 5"),
])
def test_a_client_contradicting_itself_is_not(history, reason):
    verdict = sequential(*history)
    assert isinstance(verdict, NotSequential) and not verdict
    assert verdict.reason == reason


def test_it_is_not_local_the_keys_are_ordered_together():
    # Dekker's: each key alone has an order, the four calls together none
    history = (Invoke("c1", "write", "x", 1), Invoke("c2", "write", "y", 1),
               Respond("c1", "ok"), Respond("c2", "ok"),
               Invoke("c1", "read", "y"), Invoke("c2", "read", "x"),
               Respond("c1", 0), Respond("c2", 0))
    for key in ("x", "y"):
        alone = tuple(call for call in operations(history) if call.key == key)
        assert sequential_order(alone, KV) is not None
    verdict = sequential(*history)
    assert [str(call) for call in verdict.minimal] == [
        "c1: write(x, 1) → ok", "c2: write(y, 1) → ok", "c1: read(y) → 0", "c2: read(x) → 0"]
    assert verdict.reason == ("c1: read(y) → 0 after c1: write(x, 1) → ok completed; "
                              "c2: read(x) → 0 after c2: write(y, 1) → ok completed")


def test_a_pending_write_may_have_taken_effect_or_not():
    started = (Invoke("c1", "write", "x", 1), Invoke("c2", "read", "x"), Respond("c2", 1))
    assert sequential(*started) is True
    assert sequential(*started[1:]) is not True  # no write at all: 1 was never written
    assert sequential(Invoke("c1", "write", "x", 1), Invoke("c2", "read", "x"),
                      Respond("c2", 0)) is True


def test_the_checker_remembers_and_a_violation_need_not_stay_one():
    checker = SequentialChecker(KV)
    broken = (Invoke("c1", "write", "x", 1), Respond("c1", "ok"), Invoke("c1", "read", "x"),
              Respond("c1", 0))
    assert not checker(broken) and checker(broken) is checker.memo[broken]
    later = checker(broken + (Invoke("c2", "read", "x"),))
    assert isinstance(later, NotSequential)
    assert later.reason == "c1: read(x) → 0 after c1: write(x, 1) → ok completed"
    assert checker.counts() == {"checks": 3, "hits": 1, "searches": 2, "shrinks": 1,
                                "restarts": 0}
    # a read of 1 before any write is explained once a write of 1 comes, in any
    # order (a new user's report: the answer may not depend on what was asked before)
    early = (Invoke("c2", "read", "x"), Respond("c2", 1))
    assert not checker(early)
    assert checker(early + (Invoke("c1", "write", "x", 1), Respond("c1", "ok"))) is True


@pytest.mark.parametrize("spec, verdict, states, trace", [
    # raft-kv-serializable's stale read is sequentially consistent
    ("raft-kv-serializable-sequential.yaml", "holds", 9043, None),
    # a client missing its own write, read from a server that has not applied it
    ("raft-kv-serializable-read-your-writes.yaml", "violated", 76, 11),
    # reads from one server each: what a client reads never goes back
    ("raft-kv-serializable-sticky.yaml", "holds", 8862, None),
    # Dekker's pattern on two keys: each key alone has an order, the two not
    ("raft-kv-serializable-two-keys.yaml", "violated", 15765, 21),
])
def test_raft_kv_serializable_reads(spec, verdict, states, trace):
    from checker import check as run
    from checker.spec import load_spec
    from models import REGISTRY

    loaded = load_spec(str(SPECS / spec), REGISTRY)
    result = run(loaded.build(), loaded.config())
    assert (result.verdict, result.stats.distinct_states) == (verdict, states)
    if trace is not None:
        (found,) = result.violations
        assert (len(found.trace), found.reason) == (trace, {
            11: "c1: read(x) → 0 after c1: write(x, 1) → ok completed",
            21: "c1: read(y) → 0 after c1: write(x, 1) → ok completed; c2: read(x) → 0 after "
                "c2: write(y, 1) → ok completed"}[trace])
