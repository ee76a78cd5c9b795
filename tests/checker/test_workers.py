"""Several worker processes give exactly the one-process result.

Chunks and the smallest forked level are made tiny here, so that even small
models are shared between processes chunk by chunk: counts, depth, action
counts, the first finding of each property and its trace, and the point
where a violation stops the run must all be those of one process.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import CheckConfig, Fails, Model, Param, check, explore, invariant, reachable
from checker import frontier, partition, partition_states, partitioned, successors, workers
from checker.errors import ModelDefinitionError
from checker.spec import load_spec
from models import REGISTRY
from tests.checker.test_against_naive import graphs
from tests.spec_runs import outcome
from tests.toys import Tokens

pytestmark = pytest.mark.skipif(not workers.AVAILABLE, reason="needs os.fork")

SPECS = Path(__file__).resolve().parents[2] / "specs"
#: Specs that take under a second or so, a mutant's counterexample of each
#: model among them. The others run under `-m slow`.
QUICK = {"paxos-3a-2v-2b", "paxos-3a-2v-2b-symmetry", "paxos-mutant-no-adopt",
         "paxos-textbook-mutant-non-intersecting-quorums", "raft-2s", "raft-2s-symmetry",
         "raft-mutant-no-step-down"}


@contextmanager
def tiny_chunks(chunk: int = 8, whole: int | None = None):
    """Chunks of `chunk` states, levels shared from 2 chunks on, and levels
    pickled past `whole` states (3 chunks unless given), so that levels
    are held both ways."""
    saved = successors.CHUNK, explore.FORK_MIN, frontier.WHOLE
    successors.CHUNK, explore.FORK_MIN = chunk, 2 * chunk
    frontier.WHOLE = 3 * chunk if whole is None else whole
    try:
        yield
    finally:
        successors.CHUNK, explore.FORK_MIN, frontier.WHOLE = saved


@contextmanager
def counting_forks():
    """Counts the partitioned searches started, so that a test cannot pass
    without sharing anything."""
    started = []
    original = partitioned.Partitions.__init__

    def init(self, *args):
        started.append(1)
        original(self, *args)

    partitioned.Partitions.__init__ = init
    try:
        yield started
    finally:
        partitioned.Partitions.__init__ = original


def both(model, config: CheckConfig = CheckConfig(), workers_: int = 2) -> tuple:
    one = check(model, config)
    several = check(model, dataclasses.replace(config, workers=workers_))
    return outcome(one), outcome(several)


@pytest.mark.parametrize("path", [
    path if path.stem in QUICK else pytest.param(path, marks=pytest.mark.slow)
    for path in sorted(SPECS.glob("*.yaml"))], ids=lambda path: path.stem)
def test_every_bundled_spec_gives_the_one_process_result(path, monkeypatch):
    spec = load_spec(path, REGISTRY)
    levels = []  # the sizes of the levels one process expands
    expand = explore.Search._expand

    def measured(search, frontier, *args, **kwargs):
        levels.append(len(frontier))
        return expand(search, frontier, *args, **kwargs)

    with tiny_chunks(64), counting_forks() as started:
        one = check(spec.build(), spec.config())
        monkeypatch.setattr(explore.Search, "_expand", measured)
        two = check(spec.build(), spec.config(workers=2))
    assert outcome(one) == outcome(two)  # bound stops (count and first trace) included
    # shared from the first level of 128 states, unless the symmetry guard
    # is still sampling the first states then
    assert bool(started) == (max(levels) >= 128 and path.stem not in {
        "paxos-3a-2v-2b-symmetry", "raft-2s-symmetry", "raft-mutant-no-truncate"})


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_bundled_spec_shared_from_small_levels_gives_the_one_process_result(path):
    # chunks of 16 states and levels shared from 32: where one process stops
    # inside a level (a violation, a bound) falls within shared levels, with
    # 2 and 3 processes
    spec = load_spec(path, REGISTRY)
    with tiny_chunks(16):
        one, two = both(spec.build(), spec.config())
        _, three = both(spec.build(), spec.config(), 3)
    assert one == two == three


@settings(max_examples=80, deadline=None)
@given(graphs(), st.booleans(), st.one_of(st.none(), st.integers(0, 6)), st.integers(2, 3),
       st.integers(1, 4), st.booleans(), st.sampled_from([None, -1e9, 1e9]))
def test_random_graphs_give_the_one_process_result(graph, keep_going, max_depth, count,
                                                   chunk, deadlock, pays):
    # dead ends are deadlocks (or not checked); steps that all leave the
    # bounds are bound stops; `pays`: auto workers that always pay (shared
    # again after their trial) or never (one process after it), or none
    config = CheckConfig(keep_going=keep_going, max_depth=max_depth, deadlock=deadlock)
    saved = explore.PAYS, explore.KEEPS
    explore.PAYS = explore.KEEPS = saved[0] if pays is None else pays
    try:
        with tiny_chunks(chunk):
            one = check(graph, config)
            several = check(graph, dataclasses.replace(
                config, workers=count, auto_workers=pays is not None))
    finally:
        explore.PAYS, explore.KEEPS = saved
    assert outcome(one) == outcome(several)


class Move(NamedTuple):
    axis: int


class Grid(Model):
    """Points (x, y) with 0 ≤ x, y ≤ side, from (0, 0) one coordinate up at a
    time: level d holds the d + 1 points with x + y = d, wide enough to be
    shared. Hooks make a chosen point misbehave. With `back`, x may also
    go one down, to a point of the level before: every state but the
    first levels' is met again, so a search that lost what it visited
    (a checkpoint read back wrong) counts more states."""

    name = "grid"
    params = (Param("side", 30, "largest coordinate", minimum=1),)
    actions = (Move,)

    def __init__(self, on_expand=None, extra=(), back=False, **params):
        self.on_expand, self.extra, self.back = on_expand, extra, back
        super().__init__(**params)

    def initial_states(self):
        return [(0, 0) + self.extra]

    def successors(self, state):
        if self.on_expand is not None:
            self.on_expand(state)
        x, y = state[0], state[1]
        steps = []
        if x < self.side:
            steps.append((Move(0), (x + 1, y) + self.extra))
        if y < self.side:
            steps.append((Move(1), (x, y + 1) + self.extra))
        if self.back and x > 0:
            steps.append((Move(2), (x - 1, y) + self.extra))
        return steps

    @invariant("Below The Diagonal Sum")
    def small_sum(self, state):
        return state[0] + state[1] <= 2 * self.side - 5 or Fails(f"{state[:2]} is too far")

    @reachable("Corner")
    def corner(self, state):
        return state[:2] == (self.side, 0)


def test_a_wide_model_is_shared_and_gives_the_one_process_result():
    with tiny_chunks(4), counting_forks() as started:
        one, two = both(Grid(side=30), CheckConfig(keep_going=True))
        _, three = both(Grid(side=30), CheckConfig(keep_going=True), 3)
    assert one == two == three
    # the partitions start once a run, at its first level of 8 states
    # (x + y = 7), and hold the states from there to the end
    assert len(started) == 2
    verdict, _, distinct, _, depth, _, _, violations, witnesses, _, _ = one
    assert (verdict, distinct, depth) == ("violated", 31 * 31, 60)
    assert [(name, len(trace) - 1) for name, _, trace in violations] == [("small_sum", 56)]
    assert [(name, len(trace) - 1) for name, _, trace in witnesses] == [("corner", 30)]


class Sharing(Grid):
    """A grid that records what it is told of the processes sharing it (in
    the main process, which runs partition 0)."""

    def __init__(self, **params):
        self.told = []
        super().__init__(**params)

    def shared_by(self, processes):
        self.told.append(processes)


def test_a_model_is_told_how_many_processes_share_the_search_and_when_it_ends():
    model = Sharing(side=30)
    with tiny_chunks(4), counting_forks() as started:
        check(model, CheckConfig(workers=3))
    assert (len(started), model.told) == (1, [3, 1])


@pytest.mark.parametrize("keep_going", [False, True])
def test_at_the_depth_bound_every_chunk_of_the_last_level_is_checked_as_by_one_process(
        keep_going):
    from tests.checker.test_engine_against_naive import Fan

    config = CheckConfig(max_depth=1, deadlock=True, keep_going=keep_going)
    with tiny_chunks(4), counting_forks() as started:
        one, two = both(Fan(), config)
    assert one == two and len(started) == 1
    verdict, _, distinct, generated, *_ = one
    # the deadlock (1026) and the broken step (1025 to -1) lie in the last
    # chunk; the first already leads past the bound (1 to 2000): every step
    # is generated (the initial state, 1026 from it, one from each but 1026)
    assert (verdict, distinct, generated) == ("violated", 1027, 1 + 1026 + 1025)


@pytest.mark.parametrize("kept, read_back_, keep_going", [
    (0, 1, True), (64, 0, False),  # the others (a second each) slow
    *(pytest.param(*args, marks=pytest.mark.slow)
      for args in [(1, 1, True), (64, 0, True), (0, 1, False), (1, 1, False)])])
def test_failures_past_those_kept_are_read_back_from_the_candidates(
        kept, read_back_, keep_going, monkeypatch, equal_speeds):
    # each partition keeps the first `kept` failures of a property in a
    # level with their states, the others' numbers only; where none kept
    # won, the state is read back from the level's candidates (at level
    # 56, whose 5 states fail small_sum; the first kept in the main
    # process's partition is another's copy: 1 kept is not enough)
    monkeypatch.setattr(partition, "_KEPT", kept)
    read_back = []
    found_again = partition.Part._found_again

    def counted(part, candidates, number, name):
        read_back.append(name)  # in the main process's partition
        return found_again(part, candidates, number, name)

    monkeypatch.setattr(partition.Part, "_found_again", counted)
    outcome_ = three_ways(Grid(side=30), CheckConfig(keep_going=keep_going))
    verdict, _, distinct, _, depth, _, _, violations, witnesses, _, _ = outcome_
    assert verdict == "violated"
    assert [(name, len(trace) - 1, trace[-1][1]) for name, _, trace in violations] == [
        ("small_sum", 56, (30, 26))]
    assert [(name, len(trace) - 1) for name, _, trace in witnesses] == [("corner", 30)]
    assert read_back == ["small_sum"] * 2 * read_back_  # with 2 and 3 processes


class FencedGrid(Grid):
    """The grid within x + y ≤ `fence`: every step from the diagonal
    x + y = fence leaves the bounds, so each of its fence + 1 points is a
    bound stop."""

    params = Grid.params + (Param("fence", 20, "largest x + y", minimum=1),)

    def within_bounds(self, state):
        return state[0] + state[1] <= self.fence

    def bound_reason(self, state):
        return f"x + y passes {self.fence}" if state[0] + state[1] > self.fence else None


def three_ways(model, config: CheckConfig) -> tuple:
    """The outcomes with 1, 2 and 3 processes (partitions started each time)."""
    with tiny_chunks(4), counting_forks() as started:
        one, two = both(model, config)
        _, three = both(model, config, 3)
    assert len(started) == 2
    assert one == two == three
    return one


def test_a_deadlock_is_found_by_any_number_of_processes_as_by_one():
    outcome_ = three_ways(Grid(side=12), CheckConfig(properties=(), deadlock=True))
    verdict, stopped_by, distinct, generated, depth, _, _, violations, _, stops, _ = outcome_
    assert (verdict, stopped_by, distinct, generated, depth, stops) == (
        "violated", None, 13 * 13, 1 + 2 * 12 * 13, 24, 0)  # the initial state too
    [(name, reason, trace)] = violations
    assert name == "deadlock" and len(trace) == 25 and trace[-1][1] == (12, 12)
    assert reason == "no action is enabled and no bound explains why"


def test_bound_stops_are_counted_alike_by_any_number_of_processes():
    outcome_ = three_ways(FencedGrid(side=30, fence=20),
                          CheckConfig(properties=(), deadlock=True))
    verdict, stopped_by, distinct, _, depth, _, _, violations, _, stops, first = outcome_
    assert (verdict, stopped_by, distinct, depth, violations) == ("holds", None, 231, 20, [])
    assert stops == 21  # the points of the diagonal x + y = 20
    [(name, reason, trace)] = first
    assert (name, reason, len(trace), trace[-1][1]) == (
        "bound_stop", "x + y passes 20", 21, (20, 0))


def test_a_violation_with_bound_stops_before_it_stops_every_process_alike():
    # small_sum fails at x + y = 55 (side 30), beyond a fence at 56: the
    # run stops at the first violation, inside the level that shows it
    outcome_ = three_ways(FencedGrid(side=30, fence=56), CheckConfig(deadlock=True))
    verdict, stopped_by, distinct, _, depth, _, _, violations, witnesses, stops, _ = outcome_
    assert (verdict, stopped_by, depth, stops) == ("violated", None, 56, 0)
    assert distinct < sum(range(1, 58))
    assert [(name, len(trace) - 1) for name, _, trace in violations] == [("small_sum", 56)]
    assert [(name, len(trace) - 1) for name, _, trace in witnesses] == [("corner", 30)]


class OffLimits(FencedGrid):
    """A fenced grid whose points just past the fence (x + y = fence + 1)
    break an invariant where x is odd: each is reached from two points of
    the fence, often held by two processes, and checked once."""

    @invariant("Even Past The Fence")
    def even_past_the_fence(self, state):
        x, y = state[0], state[1]
        return x + y <= self.fence or x % 2 == 0 or Fails(f"{state[:2]} is odd")


@pytest.mark.parametrize("keep_going", [True, False])
def test_states_outside_the_bounds_are_checked_once_and_found_first_as_by_one_process(
        keep_going):
    outcome_ = three_ways(OffLimits(side=30, fence=20),
                          CheckConfig(properties=("even_past_the_fence", "corner"),
                                      keep_going=keep_going))
    verdict, stopped_by, distinct, _, depth, _, _, violations, _, stops, _ = outcome_
    # without keep_going the run stops in the fence's level, at the chunk
    # (of 4 states) of the violation: 4 bound stops counted
    assert (verdict, stopped_by, distinct, depth) == ("violated", None, 231, 20)
    assert stops == (21 if keep_going else 4)
    # one process meets (21, 0) first: from (20, 0), the first point of
    # the fence's level
    [(reason, trace)] = [(reason, trace) for name, reason, trace in violations
                         if name == "even_past_the_fence"]
    assert (reason, len(trace) - 1, trace[-1][1]) == ("(21, 0) is odd", 21, (21, 0))


@pytest.mark.parametrize("keep_going", [pytest.param(True, marks=pytest.mark.slow), False])
def test_candidates_admitted_a_slice_at_a_time_give_the_one_process_result(
        keep_going, monkeypatch):
    # (an owner looks its candidates up `_ADMITTED` at a time: equal ones in
    # two slices, and those outside the bounds, must be decided as at once)
    monkeypatch.setattr(partition, "_ADMITTED", 3)
    sliced = []
    first_met = partition._first_met

    def counted(store, fingerprints, order, record):
        sliced.append(record and len(order) > 3)
        return first_met(store, fingerprints, order, record)

    monkeypatch.setattr(partition, "_first_met", counted)
    spec = load_spec(SPECS / "paxos-mutant-no-adopt.yaml", REGISTRY)
    with tiny_chunks(8):
        one, two = both(spec.build(), spec.config(keep_going=keep_going))
    assert one == two and any(sliced)
    verdict, _, distinct, _, depth, *_ = one
    # (without keep_going one process stops at the violation's chunk of 8)
    assert (verdict, distinct, depth) == ("violated", (3_468, 5_329)[keep_going],
                                          (12, 16)[keep_going])
    sliced.clear()
    outcome_ = three_ways(OffLimits(side=30, fence=20),
                          CheckConfig(properties=("even_past_the_fence",), keep_going=keep_going))
    assert outcome_[2] == 231 and any(sliced)


class LoggedOffLimits(OffLimits):
    """Writes each state past the fence that it checks to `LOG`, from any
    process."""

    LOG: Path | None = None

    @invariant("Logged Past The Fence")
    def logged(self, state):
        if state[0] + state[1] > self.fence:
            with open(self.LOG, "a") as log:  # one short write: whole lines
                log.write(f"{state[0]} {state[1]}\n")
        return True


def test_each_state_outside_the_bounds_is_checked_exactly_once_whatever_the_processes(
        tmp_path, monkeypatch):
    checked = {}
    for count in (1, 2, 3):
        monkeypatch.setattr(LoggedOffLimits, "LOG", tmp_path / f"{count}.log")
        with tiny_chunks(4), counting_forks() as started:
            check(LoggedOffLimits(side=30, fence=20),
                  CheckConfig(properties=("logged",), workers=count))
        assert len(started) == (count > 1)
        checked[count] = sorted(LoggedOffLimits.LOG.read_text().splitlines())
    # the 22 points just past the fence, each once
    assert checked[1] == sorted(f"{x} {21 - x}" for x in range(22))
    assert checked[1] == checked[2] == checked[3]


def test_partitions_over_their_share_give_the_surplus_to_those_under_it():
    def equal(sizes):
        return partitioned._balance(sizes, [1.0] * len(sizes))

    assert equal([10, 4, 7]) == [(0, 1, 3)]
    assert equal([13, 1, 1, 1]) == [(0, 1, 3), (0, 2, 3), (0, 3, 3)]
    assert equal([9, 9, 0, 2]) == [(0, 2, 4), (1, 2, 1), (1, 3, 3)]
    assert equal([1001, 1000]) == []  # within BALANCE (1%) of a share
    assert equal([1100, 1000]) == [(0, 1, 50)]
    assert equal([0, 0]) == []
    # shares in proportion to the partitions' speeds
    assert partitioned._balance([50, 50], [1.0, 3.0]) == [(0, 1, 25)]
    assert partitioned._balance([10, 10, 10], [2.0, 1.0, 1.0]) == [(1, 0, 2), (2, 0, 3)]
    assert partitioned._balance([101, 99], [1.0, 1.0]) == []


def test_a_partition_expands_its_runs_of_small_chunks_together():
    # runs of 100, 100, 300, 20 and 10 states of five chunks, from position 0
    bounds = [0, 100, 200, 500, 520, 530]
    groups = list(partition_states.groups(bounds, iter(range(530))))
    # 200 states are too few for a batch (_GROUP = 256): the third run joins
    # them; the last two runs are all that is left
    assert [runs for runs, _ in groups] == [[0, 100, 200, 500], [500, 520, 530]]
    assert [states for _, states in groups] == [list(range(500)), list(range(500, 530))]
    # runs as large as a batch are expanded one by one
    assert list(partition_states.groups([0, 300, 600], iter(range(600)))) == [
        ([0, 300], list(range(300))), ([300, 600], list(range(300, 600)))]


class Flag(NamedTuple):
    up: bool


class Walk(NamedTuple):
    what: str


class FlagAndBudget(Model):
    """A grid walk with a record of one bool and a budget of one int: a
    state holds ``Flag(True)`` and ``(1,)``, equal tuples of two types."""

    name = "flag-and-budget"
    actions = (Walk,)

    def initial_states(self):
        return [(0, 0, Flag(False), (1,))]

    def successors(self, state):
        x, y, flag, (left,) = state
        if x < 6:
            yield Walk("x"), (x + 1, y, flag, (left,))
        if y < 6:
            yield Walk("y"), (x, y + 1, flag, (left,))
        yield Walk("flip"), (x, y, Flag(not flag.up), (left,))
        if left:
            yield Walk("spend"), (x, y, flag, (left - 1,))

    @invariant("Typed")
    def typed(self, state):
        return type(state[2]) is Flag and type(state[3]) is tuple


def test_states_given_away_keep_the_types_of_their_parts():
    # a state given to a partition is made of the equal parts of those it
    # holds (`shared`), by type and value: Flag(True) == (1,) as tuples
    own = frontier.Frontier(4, [(Flag(True), (0,)), (Flag(False), (1,))])
    given = [[((1,), Flag(True)), ((0,), Flag(False))]]
    states = partition_states.shared(own, given)
    assert states == [((1,), Flag(True)), ((0,), Flag(False))]
    assert [list(map(type, state)) for state in states] == [[tuple, Flag], [tuple, Flag]]
    # equal parts of one type are the held objects
    held = list(own.pending)
    assert states[0][0] is held[1][1] and states[0][1] is held[0][0]


@pytest.mark.parametrize("count", [2, 3])
def test_a_record_and_a_budget_equal_as_tuples_are_given_away_apart(count, given):
    with tiny_chunks(4):
        one, several = both(FlagAndBudget(), CheckConfig(), count)
    assert one == several and one[:5] == ("holds", None, 196, 631, 14)
    assert len(given) > 5


@pytest.mark.parametrize("count", [pytest.param(2, marks=pytest.mark.slow), 3,
                                   pytest.param(7, marks=pytest.mark.slow)])
def test_levels_balanced_at_every_level_give_the_one_process_result(count, given):
    # each taker merges the states given into its level in number order
    spec = load_spec(SPECS / "raft-mutant-no-step-down.yaml", REGISTRY)
    with tiny_chunks(16):
        one, several = both(spec.build(), spec.config(keep_going=True), count)
    assert one == several and one[0] == "violated"
    assert len(given) > 10


@pytest.mark.parametrize("count", [2, 3, 7])
def test_a_spec_with_bound_stops_counts_them_alike_in_partitions(count):
    spec = load_spec(SPECS / "paxos-3a-2v-2b.yaml", REGISTRY)
    with tiny_chunks(64), counting_forks() as started:
        one, several = both(spec.build(), spec.config(), count)
    assert started and one == several
    assert several[2] == 3921 and several[-2] == 368
    [(name, reason, trace)] = several[-1]
    assert (name, reason, len(trace) - 1) == (  # 8 steps after the initial state
        "bound_stop", "every ballot 0..1 has begun (ballots = 2)", 8)


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(),
                    reason="the system does not tell a process's own memory")
def test_the_memory_workers_hold_of_their_own_is_reported():
    from reports.text import render_stats

    with tiny_chunks(4):
        one = check(Grid(side=30), CheckConfig())
        two = check(Grid(side=30), CheckConfig(workers=2))
    assert one.stats.worker_memory_bytes == 0
    assert 0 < two.stats.worker_memory_bytes < two.stats.peak_memory_bytes
    assert " MiB · 2 workers (each up to " in render_stats(two)[0]
    assert "workers" not in render_stats(one)[0]


def test_the_first_violation_stops_every_process_where_one_process_stops():
    with tiny_chunks(4):
        one, two = both(Grid(side=30))
    assert one == two
    assert one[0] == "violated" and one[2] < 31 * 31


@dataclasses.dataclass(frozen=True)
class Unpicklable:
    """A value, but not picklable: a worker cannot send such states back."""

    def __reduce__(self):
        raise TypeError("this state cannot be pickled")


UNPICKLABLE = Unpicklable()


def test_states_that_cannot_be_sent_back_are_expanded_in_the_parent():
    with tiny_chunks(4):
        one, two = both(Grid(side=12, extra=(UNPICKLABLE,)), CheckConfig(keep_going=True))
    assert one == two and one[2] == 13 * 13


def test_an_error_in_the_model_is_raised_as_in_one_process():
    def fail(state):
        if state == (9, 9):
            raise ZeroDivisionError("the model divided by zero at (9, 9)")

    for count in (1, 2):
        with tiny_chunks(2), pytest.raises(ModelDefinitionError) as raised:
            check(Grid(on_expand=fail, side=20), CheckConfig(workers=count))
        # one line for the command line's exit 2, naming the model's line
        assert str(raised.value) == (
            "model 'grid': successors() raised ZeroDivisionError: the model divided by zero "
            f"at (9, 9) at {os.path.relpath(__file__)}:{fail.__code__.co_firstlineno + 2}, "
            "in fail; fix the model")


def test_an_interrupt_stops_the_workers_and_keeps_what_was_explored():
    parent = os.getpid()

    def interrupt(state):
        if os.getpid() == parent and state[0] + state[1] == 20:
            raise KeyboardInterrupt

    with tiny_chunks(2):
        result = check(Grid(on_expand=interrupt, side=30), CheckConfig(workers=2))
    assert (result.verdict, result.stopped_by) == ("incomplete", "interrupted")
    assert result.stats.distinct_states >= sum(range(1, 22))  # levels 0..20 are stored
    with pytest.raises(ChildProcessError):  # every worker has been waited for
        os.waitpid(-1, os.WNOHANG)


def test_a_time_limit_stops_a_shared_run():
    def slow(state):
        time.sleep(0.001)

    with tiny_chunks(2):
        result = check(Grid(on_expand=slow, side=60), CheckConfig(workers=2, time_limit=0.3))
    assert (result.verdict, result.stopped_by) == ("incomplete", "time_limit")
    assert 0 < result.stats.distinct_states < 61 * 61


def test_symmetry_reduction_gives_the_one_process_orbits():
    with tiny_chunks(2):
        # (not first_below_limit, which tells processes apart: refused)
        one, two = both(Tokens(processes=5, limit=6), CheckConfig(
            properties=("not_all_at_limit", "one_at_limit"), symmetry=("processes",)))
    assert one == two and one[2] == 462  # C(5 + 6, 6) multisets


@contextmanager
def alarm(seconds: int):
    """Fail, rather than hang, if the body takes longer than `seconds`."""
    def ring(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_killed_worker_is_reported_and_its_work_redone(equal_speeds):
    from reports.text import render_stats

    parent = os.getpid()

    def die(state):  # the worker dies at its first state past level 20
        if os.getpid() != parent and state[0] + state[1] >= 20:
            os.kill(os.getpid(), signal.SIGKILL)

    with tiny_chunks(4):
        alone = check(Grid(side=30), CheckConfig(keep_going=True))
        shared = check(Grid(on_expand=die, side=30), CheckConfig(keep_going=True, workers=2))
    assert outcome(shared) == outcome(alone)
    assert (shared.stats.workers, shared.stats.workers_lost) == (2, 1)
    assert (alone.stats.workers, alone.stats.workers_lost) == (1, 0)
    assert ("worker processes lost: 1 (their work was redone in the main process; the "
            "result is complete)") in render_stats(shared)


def test_a_killed_worker_s_work_goes_on_from_the_last_checkpoint(equal_speeds, tmp_path,
                                                                monkeypatch):
    # it started again from nothing and saved no more checkpoints (a
    # helper's find: a worker killed for memory lost the run's work since)
    from types import SimpleNamespace

    from checker import explore
    from checker.checkpoint import Checkpoints
    from reports.text import render_stats
    from tests.checker.test_checkpoint import StateClock, saved_depth

    parent, said = os.getpid(), []
    clock = StateClock()  # the main process's: a state it expands is a second
    monkeypatch.setattr(explore, "time", SimpleNamespace(monotonic=clock))

    def die(state):  # the worker dies at its first state past level 20
        if os.getpid() != parent and state[0] + state[1] >= 20:
            os.kill(os.getpid(), signal.SIGKILL)
        clock.expand(state)

    with tiny_chunks(4):
        alone = check(Grid(side=30), CheckConfig(keep_going=True))
        saving = Checkpoints(str(tmp_path), every=0, said=said.append)
        shared = check(Grid(on_expand=die, side=30), CheckConfig(keep_going=True, workers=2),
                       checkpoints=saving)
    assert outcome(shared) == outcome(alone)
    assert (shared.stats.workers, shared.stats.workers_lost) == (2, 1)
    # it went on from the level before the worker died, and saved on to the end
    assert said and said[0].startswith(f"resuming from the checkpoint in {tmp_path}: depth 20,")
    assert saved_depth(tmp_path) == 60
    # the run's seconds, once: the checkpoint it went on from holds those
    # before it, which are this run's too
    assert shared.stats.seconds == clock.now
    assert ("worker processes lost: 1 (their work was redone in the main process; the "
            "result is complete)") in render_stats(shared)


def test_a_stopped_worker_does_not_defeat_the_time_limit():
    parent = os.getpid()

    def stop(state):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGSTOP)

    with tiny_chunks(4), alarm(60):
        result = check(Grid(on_expand=stop, side=30), CheckConfig(workers=2, time_limit=1))
    assert (result.verdict, result.stopped_by) == ("incomplete", "time_limit")
    with pytest.raises(ChildProcessError):  # the stopped worker was ended and waited for
        os.waitpid(-1, os.WNOHANG)


def test_a_worker_stopped_while_admitting_does_not_defeat_the_time_limit(monkeypatch):
    # the parent waited for admissions until the deadline and then read the
    # overdue marker as a child's findings (AttributeError: 'bool' ...)
    parent, admit = os.getpid(), partition.Part.admit

    def stopping(part, probe_only):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGSTOP)
        return admit(part, probe_only)

    monkeypatch.setattr(partition.Part, "admit", stopping)
    with tiny_chunks(4), alarm(60):
        result = check(Grid(side=30), CheckConfig(workers=2, time_limit=1))
    assert (result.verdict, result.stopped_by) == ("incomplete", "time_limit")
    with pytest.raises(ChildProcessError):  # the stopped worker was ended and waited for
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("count", [1, 2])
def test_running_out_of_memory_stops_the_run_with_what_was_explored(count):
    def exhaust(state):
        if state[0] + state[1] == 10:
            raise MemoryError

    with tiny_chunks(4):
        result = check(Grid(on_expand=exhaust, side=30), CheckConfig(workers=count))
    assert (result.verdict, result.stopped_by) == ("incomplete", "memory")
    # levels 0 to 10 (x + y = d holds d + 1 points) were stored
    assert (result.stats.distinct_states, result.stats.depth) == (sum(range(1, 12)), 10)


@pytest.mark.parametrize("count", [2, 4])
def test_partitions_of_exact_states_give_the_one_process_result(count):
    with tiny_chunks(4), counting_forks() as started:
        one, several = both(Grid(side=20), CheckConfig(keep_going=True, exact=True), count)
    assert one == several and len(started) == 1
    assert (one[2], one[4]) == (21 * 21, 40)


def test_temporal_properties_are_checked_alike_and_say_their_graph_is_one_process():
    from reports.text import render_stats

    spec = load_spec(SPECS / "paxos-liveness-single-proposer.yaml", REGISTRY)
    with tiny_chunks(4), counting_forks() as started:
        one, two = both(spec.build(), spec.config())
        shared = check(spec.build(), spec.config(workers=2))
    assert started and one == two
    assert (shared.verdict, shared.stats.distinct_states, shared.stats.workers) == (
        "holds", 57, 2)
    [line] = [line for line in render_stats(shared) if line.startswith("temporal properties")]
    assert line.endswith(" s (in one process: only the safety part is partitioned)")


@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("exact", [False, True])
def test_auto_workers_that_do_not_pay_go_on_in_one_process_with_its_result(
        count, exact, monkeypatch):
    monkeypatch.setattr(explore, "PAYS", 1e9)  # no process can be that fast
    config = CheckConfig(keep_going=True, exact=exact)
    auto = dataclasses.replace(config, workers=count, auto_workers=True)
    with tiny_chunks(4), counting_forks() as started:
        one = check(Grid(side=30, back=True), config)
        tried = check(Grid(side=30, back=True), auto)
    assert outcome(one) == outcome(tried)
    # one process expands x + y = 7 (the first level of 8 states: its
    # pace), the partitions x + y = 8 (the fork's level, not timed) and 9
    # (their pace), one process x + y = 10 and on
    assert len(started) == 1
    assert (tried.stats.workers, tried.stats.one_process_from) == (count, 10)
    assert one.stats.one_process_from is None


def test_auto_workers_that_pay_go_on_sharing_the_search_after_their_trial(monkeypatch):
    monkeypatch.setattr(explore, "PAYS", -1e9)  # any pace pays
    monkeypatch.setattr(explore, "KEEPS", -1e9)
    auto = CheckConfig(keep_going=True, workers=2, auto_workers=True)
    with tiny_chunks(4), counting_forks() as started:
        one = check(FencedGrid(side=30, fence=20), CheckConfig(keep_going=True))
        shared = check(FencedGrid(side=30, fence=20), auto)
    assert outcome(one) == outcome(shared)
    assert outcome(one)[9] == 21  # the points of x + y = 20 are bound stops
    # tried on x + y = 8 and 9, and sharing on to the end
    assert len(started) == 1
    assert (shared.stats.workers, shared.stats.one_process_from) == (2, None)


@pytest.mark.parametrize("pays", [-1e9, 1e9])
@pytest.mark.parametrize("name", ["paxos-3a-2v-2b", "raft-2s",
                                  pytest.param("raft-mutant-no-step-down",
                                               marks=pytest.mark.slow)])
def test_auto_workers_give_the_one_process_result_on_bundled_specs(name, pays, monkeypatch):
    monkeypatch.setattr(explore, "PAYS", pays)
    monkeypatch.setattr(explore, "KEEPS", pays)
    spec = load_spec(SPECS / f"{name}.yaml", REGISTRY)
    with tiny_chunks(64), counting_forks() as started:
        one = check(spec.build(), spec.config())
        auto = check(spec.build(), dataclasses.replace(spec.config(workers=2),
                                                       auto_workers=True))
    assert outcome(one) == outcome(auto)
    assert len(started) == 1


@pytest.mark.parametrize("exact", [False, True])
def test_auto_workers_that_stop_paying_later_go_on_in_one_process(exact, monkeypatch):
    # (the grid's states met again check the visited set folded back) the trial pays; from x + y = 19 on (depth 20 once expanded) the
    # partitions are said no longer to (as where the states have grown
    # cheap to expand: `_still_pays`); the second such level in a row, x + y = 20,
    # sends the run to one process from depth 21
    monkeypatch.setattr(explore, "PAYS", -1e9)
    monkeypatch.setattr(explore.Search, "_still_pays", lambda search, gain: search.depth < 20)
    config = CheckConfig(keep_going=True, exact=exact)
    with tiny_chunks(4), counting_forks() as started:
        one = check(Grid(side=30, back=True), config)
        auto = check(Grid(side=30, back=True), dataclasses.replace(config, workers=2, auto_workers=True))
    assert outcome(one) == outcome(auto)
    assert len(started) == 1
    assert (auto.stats.workers, auto.stats.one_process_from) == (2, 21)


def test_the_trial_compares_the_partitions_pace_with_one_process(monkeypatch):
    # one process took 20 µs a state, two processes 15: they pay (20 / 15 ≥
    # 1.3) and are watched from then on; at 16 µs they would not
    monkeypatch.setattr(explore, "PAYS", 1.3)
    search = explore.Search(Grid(side=3), CheckConfig(workers=2, auto_workers=True),
                             explore.Silent())
    search.pace = 20e-6
    assert search._decide(15e-6) and search.auto == "watching"
    assert not search._decide(16e-6)
    monkeypatch.setattr(explore, "KEEPS", 1.1)
    assert search._still_pays(1.1) and not search._still_pays(1.09)


@pytest.mark.parametrize("gaining", [True, False])
def test_watched_workers_go_on_while_the_work_they_share_outlasts_the_level(
        gaining, monkeypatch):
    # The CPU time the partitions spend generating and checking, over each
    # level's wall time, is what they gain (`Partitions.gain`). A clock
    # that never moves: they gain nothing, and after two levels of it
    # (x + y = 10 and 11, after the fork's level 8 and the trial on 9) the
    # run goes on in one process from depth 12; a clock a second ahead at
    # each reading: they gain seconds a level and share the search to the end.
    ticks = iter(range(10**9))
    monkeypatch.setattr(explore, "PAYS", -1e9)
    monkeypatch.setattr(partition.time, "process_time",
                        (lambda: float(next(ticks))) if gaining else (lambda: 0.0))
    config = CheckConfig(keep_going=True)
    with tiny_chunks(4), counting_forks() as started:
        one = check(Grid(side=30, back=True), config)
        auto = check(Grid(side=30, back=True), dataclasses.replace(config, workers=2, auto_workers=True))
    assert outcome(one) == outcome(auto)
    assert len(started) == 1
    assert (auto.stats.workers, auto.stats.one_process_from) == (2, None if gaining else 12)
