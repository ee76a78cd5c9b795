"""Linearizability of client histories (checker.history): the classic small
cases (after Knossos' and Porcupine's tests), each with the verdict, the
order found or the minimal set that cannot be ordered; the incremental
check against a from-scratch one; and both searches against brute force
on random small histories."""

from itertools import permutations

import pytest
from hypothesis import given, settings, strategies as st

from checker.history import (HistoryChecker, Invoke, KeyValue, NotLinearizable, Respond,
                             check, decide, linearizable, linearize, operations)

KV = KeyValue()
XY = KeyValue(keys=("x", "y"), initial=0)


def write(client, value, key="x"):
    return Invoke(client, "write", key, value)


def read(client, key="x"):
    return Invoke(client, "read", key)


def ok(client):
    return Respond(client, "ok")


def minimal(verdict):
    return [str(call) for call in verdict.minimal]


def test_a_read_after_a_completed_write_must_see_it():
    history = (write("c1", 1), ok("c1"), read("c2"), Respond("c2", 0))
    verdict = check(history, KV)
    assert isinstance(verdict, NotLinearizable)
    assert verdict.reason == "c2: read(x) → 0 after c1: write(x, 1) → ok completed"
    assert minimal(verdict) == ["c1: write(x, 1) → ok", "c2: read(x) → 0"]
    assert verdict.history == history


def test_a_read_overlapping_a_write_may_see_either_value():
    for seen in (0, 1):
        history = (write("c1", 1), read("c2"), Respond("c2", seen), ok("c1"))
        assert check(history, KV) is True
    order = linearize((write("c1", 1), read("c2"), Respond("c2", 0), ok("c1")), KV)
    assert [str(call) for call in order] == ["c2: read(x) → 0", "c1: write(x, 1) → ok"]


def test_a_pending_write_may_have_taken_effect_or_not():
    seen_new = (write("c1", 1), read("c2"), Respond("c2", 1))
    assert [str(c) for c in linearize(seen_new, KV)] == ["c1: write(x, 1) pending",
                                                        "c2: read(x) → 1"]
    seen_old = seen_new[:2] + (Respond("c2", 0),)
    assert [str(c) for c in linearize(seen_old, KV)] == ["c2: read(x) → 0"]
    assert check(seen_new, KV) is True and check(seen_old, KV) is True


def test_a_pending_write_cannot_take_effect_twice_or_be_undone():
    history = (write("c1", 1), read("c2"), Respond("c2", 1), read("c2"), Respond("c2", 0))
    verdict = check(history, KV)
    assert verdict.reason == ("c2: read(x) → 0 after c2: read(x) → 1 completed; "
                              "c1: write(x, 1) pending concurrent with the rest")


def test_two_readers_cannot_see_the_new_value_then_the_old():
    history = (write("c1", 1),
               read("c2"), Respond("c2", 1),
               read("c3"), Respond("c3", 0),
               ok("c1"))
    verdict = check(history, KV)
    assert isinstance(verdict, NotLinearizable)
    assert verdict.reason == ("c3: read(x) → 0 after c2: read(x) → 1 completed; "
                              "c1: write(x, 1) → ok concurrent with the rest")
    # the violation shows when c3's read returns, before the write does
    assert isinstance(check(history[:5], KV), NotLinearizable)
    assert check(history[:4], KV) is True


def test_a_lost_write_names_the_writes_in_order_and_the_stale_read():
    history = (write("c1", 1), ok("c1"), read("c3"), Respond("c3", 1),
               write("c2", 2), ok("c2"), read("c3"), Respond("c3", 1))
    verdict = check(history, KV)
    assert minimal(verdict) == ["c1: write(x, 1) → ok", "c2: write(x, 2) → ok",
                                "c3: read(x) → 1"]
    assert verdict.reason == ("c2: write(x, 2) → ok after c1: write(x, 1) → ok completed; "
                              "c3: read(x) → 1 after c2: write(x, 2) → ok completed")
    assert [(c.start, c.end) for c in verdict.minimal] == [(0, 1), (4, 5), (6, 7)]


def test_concurrent_writes_may_land_in_either_order_but_only_one():
    both = (write("c1", 1), write("c2", 2), ok("c1"), ok("c2"))
    assert check(both + (read("c3"), Respond("c3", 1), read("c3"), Respond("c3", 1)),
                 KV) is True
    assert check(both + (read("c3"), Respond("c3", 2)), KV) is True
    flips = both + (read("c3"), Respond("c3", 2), read("c3"), Respond("c3", 1))
    verdict = check(flips, KV)
    assert verdict.reason == ("c3: read(x) → 2 after c1: write(x, 1) → ok completed; "
                              "c3: read(x) → 2 after c2: write(x, 2) → ok completed; "
                              "c3: read(x) → 1 after c3: read(x) → 2 completed")


def test_a_value_nobody_wrote_is_its_own_minimal_set():
    history = (write("c1", 1), ok("c1"), read("c2"), Respond("c2", 7))
    verdict = check(history, KV)
    assert minimal(verdict) == ["c2: read(x) → 7"]
    assert verdict.reason == "no order explains c2: read(x) → 7"


def test_keys_are_independent():
    history = (write("c1", 1), ok("c1"), read("c2", "y"), Respond("c2", 0))
    assert check(history, XY) is True


def test_a_violation_on_one_key_names_only_that_keys_operations():
    history = (write("c1", 1, "x"), write("c2", 1, "y"), ok("c2"), ok("c1"),
               read("c1", "x"), Respond("c1", 1), read("c2", "y"), Respond("c2", 0))
    verdict = check(history, XY)
    assert verdict.reason == "c2: read(y) → 0 after c2: write(y, 1) → ok completed"
    assert linearize(history, XY) is None


def test_orders_of_two_keys_merge_along_real_time():
    history = (write("c1", 1, "x"), ok("c1"), write("c2", 2, "y"), ok("c2"),
               read("c1", "y"), read("c2", "x"), Respond("c2", 1), Respond("c1", 2))
    assert [str(call) for call in linearize(history, XY)] == [
        "c1: write(x, 1) → ok", "c2: write(y, 2) → ok", "c1: read(y) → 2",
        "c2: read(x) → 1"]


def test_compare_and_set_succeeds_for_one_of_two_rivals():
    rivals = (Invoke("c1", "cas", "x", (0, 1)), Invoke("c2", "cas", "x", (0, 2)))
    assert check(rivals + (ok("c1"), Respond("c2", "fail")), KV) is True
    verdict = check(rivals + (ok("c1"), ok("c2")), KV)
    assert verdict.reason == ("no order of c1: cas(x, 0, 1) → ok, c2: cas(x, 0, 2) → ok "
                              "explains their results")
    chained = (Invoke("c1", "cas", "x", (0, 1)), ok("c1"),
               Invoke("c2", "cas", "x", (1, 2)), ok("c2"), read("c1"), Respond("c1", 2))
    assert check(chained, KV) is True


def test_a_failed_compare_and_set_must_have_seen_another_value():
    history = (Invoke("c1", "cas", "x", (0, 1)), Respond("c1", "fail"))
    assert minimal(check(history, KV)) == ["c1: cas(x, 0, 1) → fail"]


def test_pending_reads_constrain_nothing():
    history = (read("c1"), write("c2", 1), ok("c2"), read("c3"), Respond("c3", 1))
    assert [str(call) for call in linearize(history, KV)] == [
        "c2: write(x, 1) → ok", "c3: read(x) → 1"]


def test_an_extended_violation_keeps_its_minimal_set():
    checker = HistoryChecker(KV)
    stale = (write("c1", 1), ok("c1"), read("c2"), Respond("c2", 0))
    first = checker(stale)
    later = checker(stale + (write("c1", 2),))
    assert checker.shrinks == 0  # not until a reason is asked for
    assert later.minimal == first.minimal and later.history == stale + (write("c1", 2),)
    assert checker.shrinks == 1


def test_a_call_that_returns_after_the_violation_can_make_its_minimal_set_smaller():
    # when c2's read returns 1, the 1 can only come from c1's pending
    # compare-and-set, which found 2 (the write had ended): three calls; once
    # the compare-and-set answers ok, it and the write alone cannot be ordered
    history = (write("c1", 2), read("c2"), read("c3"), ok("c1"),
               Invoke("c1", "cas", "x", (0, 1)), Respond("c2", 1))
    checker = HistoryChecker(KV)
    assert minimal(checker(history)) == [
        "c1: write(x, 2) → ok", "c2: read(x) → 1", "c1: cas(x, 0, 1) pending"]
    later = checker(history + (read("c2"), ok("c1")))
    assert minimal(later) == ["c1: write(x, 2) → ok", "c1: cas(x, 0, 1) → ok"]
    assert minimal(check(history + (read("c2"), ok("c1")), KV)) == minimal(later)


def test_a_history_one_event_longer_costs_one_step():
    checker = HistoryChecker(KV)
    history = (write("c1", 1), read("c2"), Respond("c2", 1), ok("c1"), read("c1"),
               Respond("c1", 1))
    for end in range(1, len(history) + 1):
        assert checker(history[:end]) is True
    assert checker(history) is True
    assert checker.counts() == {"checks": 7, "hits": 1, "events": 6, "configurations": 12,
                                "shrinks": 0, "restarts": 0}
    # without its parent remembered, a history is stepped through from the start
    cold = HistoryChecker(KV)
    cold(history)
    assert cold.events == 6


def test_the_memory_starts_over_at_its_limit():
    checker = HistoryChecker(KV, limit=2)
    history = (write("c1", 1), ok("c1"), read("c2"), Respond("c2", 1))
    assert checker(history) is True
    assert checker.restarts == 1 and len(checker.memo) == 2


def test_the_declared_property_keeps_its_history_function_and_spec():
    class Store:
        @linearizable("Linearizable", KV)
        def history(self, state):
            return state

    predicate = Store().history
    assert predicate.sequential is KV
    assert predicate.history_of(None, (write("c1", 1),)) == (write("c1", 1),)
    assert predicate((write("c1", 1), ok("c1"))) is True
    assert predicate.checker.checks == 1
    assert Store.history.__checker_property__.kind == "invariant"


def test_a_client_with_a_call_outstanding_cannot_invoke_another():
    with pytest.raises(ValueError, match="c1 invokes c1: read\\(x\\) with a call outstanding"):
        operations((write("c1", 1), read("c1")))
    with pytest.raises(ValueError, match="c1 invokes c1: read\\(x\\) with a call outstanding"):
        check((write("c1", 1), read("c1")), KV)


def test_bad_histories_say_what_is_wrong():
    with pytest.raises(ValueError, match="c2 responds with no call outstanding"):
        check((ok("c2"),), KV)
    with pytest.raises(ValueError, match="KeyValue has no key 'z' \\(keys: x\\)"):
        check((read("c1", "z"),), KV)
    with pytest.raises(ValueError, match="KeyValue has no operation 'append'"):
        check((Invoke("c1", "append", "x", 1),), KV)


# -- against brute force -----------------------------------------------------------


def brute_force(history, spec):
    """Whether some order of the completed calls and some of the pending
    ones respects real time and gives every completed call its result."""
    calls = operations(history)
    done = [c for c in calls if c.end is not None]
    pending = [c for c in calls if c.end is None]
    for mask in range(1 << len(pending)):
        chosen = done + [c for i, c in enumerate(pending) if mask >> i & 1]
        for order in permutations(chosen):
            if _explains(order, spec):
                return True
    return False


def _explains(order, spec):
    if any(later.precedes(earlier) for i, earlier in enumerate(order)
           for later in order[i + 1:]):
        return False
    state = spec.init()
    for call in order:
        state, result = spec.step(state, call.op, call.key, call.arg)
        if call.end is not None and result != call.result:
            return False
    return True


@st.composite
def histories(draw, keys=("x", "y"), clients=("c1", "c2", "c3"), calls=5):
    """A random interleaving of at most `calls` calls, some left pending for
    ever; each result either what an atomic store gave at some point of
    the call, or random."""
    store = {key: 0 for key in keys}
    history, open_calls, abandoned, invoked = [], {}, set(), 0
    while True:
        idle = [c for c in clients if c not in open_calls and c not in abandoned]
        choices = (idle if invoked < calls else []) + [("respond", c) for c in open_calls]
        if not choices or (not open_calls and invoked and draw(st.booleans())):
            break
        choice = draw(st.sampled_from(choices))
        if isinstance(choice, str):
            op = draw(st.sampled_from(("read", "write", "cas")))
            key = draw(st.sampled_from(keys))
            arg = {"read": None, "write": draw(st.integers(1, 2)),
                   "cas": (draw(st.integers(0, 2)), draw(st.integers(1, 2)))}[op]
            history.append(Invoke(choice, op, key, arg))
            open_calls[choice] = (op, key, arg)
            invoked += 1
            continue
        client = choice[1]
        op, key, arg = open_calls.pop(client)
        if draw(st.integers(0, 3)) == 0:
            result = draw(st.sampled_from((0, 1, 2) if op == "read" else ("ok", "fail")))
        else:
            store[key], result = KeyValue(keys).apply(store[key], op, arg)
        if draw(st.integers(0, 4)) == 0:
            abandoned.add(client)  # pending for ever, having taken effect or not
        else:
            history.append(Respond(client, result))
    return tuple(history)


@settings(max_examples=200, deadline=None)
@given(histories())
def test_both_searches_agree_with_brute_force(history):
    expected = brute_force(history, XY)
    assert bool(check(history, XY)) is expected
    assert decide(history, XY) is expected
    order = linearize(history, XY)
    assert (order is not None) is expected
    if order is not None:
        assert _explains(order, XY)
        assert all(call in order for call in operations(history) if call.end is not None)


@settings(max_examples=100, deadline=None)
@given(histories(keys=("x",)))
def test_a_minimal_set_cannot_be_ordered_and_loses_that_without_any_call(history):
    verdict = check(history, KV)
    if verdict:
        return
    from checker.history import events_of

    assert not brute_force(events_of(verdict.minimal), KV)
    for dropped in verdict.minimal:
        rest = [call for call in verdict.minimal if call is not dropped]
        everything_overlapping = tuple(
            [Invoke(i, c.op, c.key, c.arg) for i, c in enumerate(rest)]
            + [Respond(i, c.result) for i, c in enumerate(rest) if c.end is not None])
        # dropping any call orders the rest, or leaves a result nothing explains
        assert brute_force(events_of(rest), KV) or not brute_force(everything_overlapping, KV)


def test_the_history_declarations_are_imported_from_checker_as_the_other_properties():
    import checker
    import checker.history as history

    assert (checker.linearizable, checker.Invoke, checker.Respond, checker.KeyValue) == (
        history.linearizable, history.Invoke, history.Respond, history.KeyValue)
