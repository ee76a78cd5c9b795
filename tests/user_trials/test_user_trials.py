"""A new user's trials of spec-level temporal properties and sequential
consistency (raft-kv's `sequential_consistency`, `checker.history`), kept
as regressions: each spec here meets its `expect:`, a temporal property
written in a spec finds the model's own lasso step for step, and
hand-written histories get the verdicts their definitions give."""

from __future__ import annotations

from pathlib import Path

import pytest

import checker
from checker import Invoke, KeyValue, Respond
from checker.history import SequentialChecker, check
from checker.spec import load_spec
from models import REGISTRY
from tests.spec_runs import checked_spec

HERE = Path(__file__).resolve().parent


#: the spec files that take seconds (the default suite stays under 5 minutes)
SLOW = {"abd.yaml", "abd-two-reads-depth-16.yaml"}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name
    for name in sorted(p.name for p in HERE.glob("*.yaml"))])
def test_spec_meets_its_expectation(name):
    # in this process, sharing the run with the trial's own tests
    # (tests.spec_runs); the command line is tested in tests/cmc
    spec, _, result = checked_spec(HERE / name)
    assert spec.expect is not None, f"{name} has no expect: block"
    assert spec.expect.mismatches(result) == [], name


def _lasso(result, name):
    (finding,) = [f for f in result.violations if f.property.name == name]
    return [str(a) for a in finding.trace.actions], finding.loop_start


@pytest.mark.parametrize("bundled, own, mine, written", [
    ("paxos-liveness-dueling.yaml", "termination",
     "paxos-liveness-dueling-temporal.yaml", "decided"),
    ("raft-liveness-commit-lossy.yaml", "request_committed",
     "raft-liveness-commit-lossy-temporal.yaml", "commit_expr"),
])
def test_spec_temporal_finds_the_models_lasso(bundled, own, mine, written):
    _, _, expected = checked_spec(bundled)
    spec = load_spec(str(HERE / mine), REGISTRY)
    result = checker.check(spec.build(), spec.config())
    assert _lasso(result, written) == _lasso(expected, own)


KV = KeyValue(keys=("x", "y"), initial=0)


def _write(client, key, value):
    return [Invoke(client, "write", key, value), Respond(client, "ok")]


def _read(client, key, value):
    return [Invoke(client, "read", key), Respond(client, value)]


def test_stale_read_by_another_client_is_sequential_not_linearizable():
    history = tuple(_write("c1", "x", 1) + _read("c2", "x", 0))
    assert SequentialChecker(KV)(history) is True
    assert check(history, KV) is not True


def test_monotonic_reads_broken_is_not_sequential():
    history = tuple(_write("c1", "x", 1) + _read("c2", "x", 1) + _read("c2", "x", 0))
    verdict = SequentialChecker(KV)(history)
    assert verdict is not True
    assert [str(call) for call in verdict.minimal] == [
        "c1: write(x, 1) → ok", "c2: read(x) → 1", "c2: read(x) → 0"]


def test_sequential_consistency_is_not_local():
    # each key alone is sequentially consistent (c2's read of x first), both
    # together are not: c1 wrote x then y, c2 saw y's write but not x's
    history = tuple(_write("c1", "x", 1) + _write("c1", "y", 1)
                    + _read("c2", "y", 1) + _read("c2", "x", 0))
    assert SequentialChecker(KV)(history) is not True
    for key in ("x", "y"):
        alone = tuple(e for k, e in _keyed(history) if k == key)
        assert SequentialChecker(KV)(alone) is True


def _keyed(history):
    key = None
    for event in history:
        if isinstance(event, Invoke):
            key = event.key
        yield key, event


def test_a_pending_write_may_explain_a_read():
    history = tuple(_read("c2", "x", 1) + [Invoke("c1", "write", "x", 1)])
    assert SequentialChecker(KV)(history) is True
