"""Linearizability of client histories (checker.history): the classic small
cases, each with the verdict and, where one exists, the order found."""

import pytest

from checker.history import (Invoke, KeyValue, NotLinearizable, Respond, check,
                             linearize, operations)

KV = KeyValue()


def test_a_read_after_a_completed_write_must_see_it():
    history = (Invoke("c1", "write", "x", 1), Respond("c1", "ok"),
               Invoke("c2", "read", "x"), Respond("c2", 0))
    verdict = check(history, KV)
    assert isinstance(verdict, NotLinearizable)
    assert verdict.reason == "the history of 2 completed operations is not linearizable"


def test_a_read_overlapping_a_write_may_see_either_value():
    for seen in (0, 1):
        history = (Invoke("c1", "write", "x", 1), Invoke("c2", "read", "x"),
                   Respond("c2", seen), Respond("c1", "ok"))
        assert check(history, KV) is True
    order = linearize((Invoke("c1", "write", "x", 1), Invoke("c2", "read", "x"),
                       Respond("c2", 0), Respond("c1", "ok")), KV)
    assert [str(call) for call in order] == ["c2: read(x) → 0", "c1: write(x, 1) → ok"]


def test_a_pending_write_may_have_taken_effect_or_not():
    seen_new = (Invoke("c1", "write", "x", 1), Invoke("c2", "read", "x"), Respond("c2", 1))
    assert [str(c) for c in linearize(seen_new, KV)] == ["c1: write(x, 1) pending",
                                                        "c2: read(x) → 1"]
    seen_old = seen_new[:2] + (Respond("c2", 0),)
    assert [str(c) for c in linearize(seen_old, KV)] == ["c2: read(x) → 0"]


def test_two_readers_cannot_see_the_new_value_then_the_old():
    history = (Invoke("c1", "write", "x", 1),
               Invoke("c2", "read", "x"), Respond("c2", 1),
               Invoke("c3", "read", "x"), Respond("c3", 0),
               Respond("c1", "ok"))
    assert isinstance(check(history, KV), NotLinearizable)


def test_keys_are_independent():
    kv = KeyValue(keys=("x", "y"), initial=0)
    history = (Invoke("c1", "write", "x", 1), Respond("c1", "ok"),
               Invoke("c2", "read", "y"), Respond("c2", 0))
    assert check(history, kv) is True


def test_a_client_with_a_call_outstanding_cannot_invoke_another():
    with pytest.raises(ValueError, match="c1 invokes c1: read\\(x\\) with a call outstanding"):
        operations((Invoke("c1", "write", "x", 1), Invoke("c1", "read", "x")))
