"""`CheckConfig.memory_limit` stops a run as a bound does, with what it
explored; the compact frontier (`checker.frontier`) changes no result."""

from __future__ import annotations

import pickle

import pytest

from checker import CheckConfig, check, workers
from checker.frontier import Frontier
from tests.checker.test_workers import Grid, tiny_chunks
from tests.spec_runs import outcome

MIB = 2**20


@pytest.fixture
def meter(monkeypatch):
    """The memory the run is told it holds: 1 MiB more at every look."""
    looks = []

    def resident_memory() -> int:
        looks.append(1)
        return len(looks) * MIB

    monkeypatch.setattr(workers, "resident_memory", resident_memory)
    return looks


def test_a_run_past_its_memory_limit_stops_with_what_it_explored(meter):
    # one look before each level and one before each chunk (one per level
    # here): the 11th look, before level 5, is over 10 MiB
    result = check(Grid(side=30), CheckConfig(memory_limit=10 * MIB))
    assert (result.verdict, result.stopped_by) == ("incomplete", "memory_limit")
    assert (result.stats.distinct_states, result.stats.depth) == (1 + 2 + 3 + 4 + 5 + 6, 5)
    assert len(meter) == 11
    assert result.stats.generated_states == 1 + 2 * (1 + 2 + 3 + 4 + 5)


def test_a_run_within_its_memory_limit_is_complete(meter):
    result = check(Grid(side=30), CheckConfig(keep_going=True, memory_limit=10**6 * MIB))
    assert (result.verdict, result.stopped_by) == ("violated", None)
    assert result.stats.distinct_states == 31 * 31


def test_partitions_stop_at_the_memory_limit_between_levels(meter):
    # once the partitions hold the search, the limit is looked at before
    # each level, and counts what the partition processes really hold too
    with tiny_chunks(1):
        result = check(Grid(side=30), CheckConfig(workers=2, memory_limit=10 * MIB))
    assert (result.verdict, result.stopped_by, result.stats.workers) == (
        "incomplete", "memory_limit", 2)
    assert 0 < result.stats.distinct_states < 31 * 31


def test_a_frontier_pickles_the_chunks_past_its_budget_and_gives_back_every_state():
    frontier = Frontier(4, [(0, k) for k in range(6)], whole=4)
    frontier.extend([(1, k) for k in range(7)])
    assert len(frontier) == 13
    # 12 states in whole chunks, the first 4 within the budget
    assert [type(chunk) for chunk in frontier.chunks] == [list, bytes, bytes]
    assert frontier.states() == [(0, k) for k in range(6)] + [(1, k) for k in range(7)]
    restored = pickle.loads(pickle.dumps(frontier))  # as a checkpoint keeps it
    assert [len(chunk) for chunk in restored.take()] == [4, 4, 4, 1]
    assert list(restored.take()) == []  # read once


def test_states_that_cannot_be_pickled_are_kept_as_they_are():
    class Opaque(tuple):
        def __reduce__(self):
            raise TypeError("not picklable")

    frontier = Frontier(2, [Opaque((k,)) for k in range(5)], whole=0)
    assert [type(chunk) for chunk in frontier.chunks] == [list, list]
    assert [len(chunk) for chunk in frontier.take()] == [2, 2, 1]


def test_a_frontier_pickled_two_states_at_a_time_gives_the_same_result():
    config = CheckConfig(keep_going=True)  # complete: chunks cannot change counts
    with tiny_chunks(2, whole=0):
        pickled = check(Grid(side=12), config)
    whole = check(Grid(side=12), config)  # levels of 13 states or fewer: none pickled
    assert outcome(pickled) == outcome(whole)
    assert (pickled.stats.distinct_states, pickled.stats.depth) == (13 * 13, 24)
