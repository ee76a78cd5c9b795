"""Partitioned breadth-first search: each process owns part of the states.

Once a level is large enough, the search forks `workers - 1` copies of
itself, once for the whole run. Process p (the main process is partition 0)
owns the fingerprints that are p modulo the number of processes: it decides
which of them are new. A state itself stays in the process that generated
it: only fingerprints and keys travel, in files of a work directory (in
memory, /dev/shm, where there is one), and states are not pickled, sent and
rebuilt (which cost more than the rest of sharing a level together; in an
exact run, `config.exact`, a state is its own fingerprint and travels). A
level goes in four steps, with the main process as the barrier between them:

1. *expand*: every process expands the states it holds, checks the steps
   and keeps each successor not visited as a *candidate*, checked as a new
   state is (as it is generated, while it is in the CPU's caches); it sends its
   owner the candidate's fingerprint, *key* and action. The visited set
   is in memory the processes share (`fingerprints.Regions`: a region an
   owner, written by its owner at *admit*, read by all), so a successor
   visited by any owner is dropped where it is generated; one sent during
   the level is remembered by its sender until then (an earlier key wins
   anyway). Where no such memory can be had (and in an exact run), each
   process keeps those it owns and those it sent in a visited set of its
   own.
2. *admit*: every owner sorts what it was sent by key, keeps the first of
   each fingerprint not yet visited, and tells each process which of its
   candidates won: that process keeps the new state.
3. *hold*: every process keeps the candidates that won as its new states
   (where they are: in its spool of candidates, held as a level is) and
   sends their keys to the main process, with the first failure of each
   property among them (one that lost is a state met first elsewhere,
   which fails there too).
4. *settle*: the main process numbers the new states (below) and tells each
   process the numbers of its own. A process keeps the states whose first
   step it generated, so shares drift apart (one with more states
   generates more new ones): past `BALANCE`, those with more than their
   share (in proportion to their speed, measured level by level) give
   their last states to those with less (pickled: the only states that
   travel).

The key of a step is (number of its source state, successor ordinal), the
position at which one process would have generated it, and the location
the back-pointers record. The main process merges the keys of the new
states: sorted, they are the next level in one-process order, which
numbers the states and gives the back-pointers (the main process keeps them
all, 8 bytes a state, and rebuilds traces as in one process). Every finding
carries the key of its step, so the first of each property is the
one-process first; a state where a run ends (a deadlock, a bound stop)
sorts before every step of its chunk, as one process meets it, and bound
stops are counted per chunk. Where one process would stop inside a level
(a violation), counts and findings are cut at the same chunk: per-chunk
counts come back for that.
So the result is the one-process result, whatever the number of processes.

A process that fails (the model raised in it, it died, a state could not be
pickled) makes the whole run start again in one process (`Failed`), where
an error is reported as one process reports it.

This module is the main process's side (`Partitions`: the forks, a level's
steps, the merge, balance and fold). A partition's side is in `partition`,
what it holds through a level in `partition_states`, and what travels
between the processes in `partition_exchange`.
"""

from __future__ import annotations

import heapq
import os
import shutil
import signal
import time
from itertools import chain, islice
from multiprocessing import get_context
from operator import itemgetter
from typing import Any, Iterator

import numpy as np

from checker import fingerprints, frontier, partition_exchange, successors
from checker.findings import keep_first, stops_search
from checker.partition import Part, serve, shares
from checker.partition_exchange import key_of, location_of, locations_of, read_held
from checker.properties import BOUND_STOP

#: How far over an equal share of a level a partition may keep before it
#: gives the surplus away (`_balance`): a level waits for the slowest.
BALANCE = 1.01


class Level:
    """The size of a level held by the partitions (the engine's frontier
    while partitions run: only its size is looked at)."""

    def __init__(self, size: int):
        self.size = size

    def __len__(self) -> int:
        return self.size


class Partitions:
    """The main process's side: partition 0 and the children that own the
    others."""

    def __init__(self, search: Any, level: frontier.Frontier, first: int, count: int):
        """Partitions of `search` that start with `level` (numbered from
        `first`), read and shared out (`shares`)."""
        self._start(search, len(level), first, count)
        self.directory = frontier.work_folder(
            "partitions", "/dev/shm" if os.path.isdir("/dev/shm") else None)
        # levels that spill go into the run's work directory, made here so
        # that the children write there too, and it is removed with them
        # (where it cannot be made, a level that spills says so)
        try:
            search.directory.folder()
        except frontier.SpillFailed:
            pass
        parts = shares(search, level.take(), first, count, range(count))
        # the visited set in memory the processes share, made before they
        # fork (an exact run's states are its fingerprints, kept apart)
        if not search.config.exact:
            regions = fingerprints.Regions.of(search.store, count)
            if regions is not None:
                search.store = fingerprints.SharedVisited(regions, 0)
        context = get_context("fork")
        for index in range(1, count):
            mine, theirs = context.Pipe()
            pid = os.fork()
            if pid == 0:
                mine.close()
                serve(Part(search, index, count, self.directory, *parts[index]),
                      theirs)  # never returns
            theirs.close()
            self.children.append((pid, mine))
        self.part = Part(search, 0, count, self.directory, *parts[0])

    def _start(self, search: Any, size: int, first: int, count: int) -> None:
        """What the main process keeps of the `count` partitions of `search`,
        which start with a level of `size` states (numbered from `first`)."""
        self.search, self.count, self.first, self.size = search, count, first, size
        self.children: list[tuple[int, Any]] = []  # (pid, connection) of each forked one
        self.store_bytes: dict[int, int] = {}  # of each child's visited set
        self.held: dict[int, int] = {}  # the memory each child holds of its own
        self.speeds: list[float] = [0.0] * count  # of each partition (`_balance`)
        self.gain = 0.0  # of the last level (`level`)

    def level(self, deadline: float | None, probe_only: bool) -> Level:
        """Expand the level the partitions hold; return the next one's size."""
        search = self.search
        shown = set(search.violations) | set(search.witnesses)
        if search.bound_stop is not None:
            shown.add(BOUND_STOP.name)
        level_first = self.first
        started = time.perf_counter()
        self._send(("expand", level_first, shown, deadline, probe_only))
        replies = [self.part.expand(level_first, shown, deadline, probe_only)]
        replies += self._replies(deadline)
        if any(reply[-1] for reply in replies):  # overdue
            search.stopped_by = "time_limit"
            return Level(0)
        self._send(("admit", probe_only))
        self.part.admit(probe_only)
        if any(reply is not None for reply in self._replies(deadline)):
            search.stopped_by = "time_limit"  # a child overdue in admitting
            return Level(0)
        self._send(("hold", probe_only))
        admitted = [self.part.hold(probe_only)] + self._replies(deadline)
        if any(reply[0] is None for reply in admitted):  # a child overdue in holding
            search.stopped_by = "time_limit"
            return Level(0)
        found: dict[str, Any] = {}
        for reply in replies:
            for name, occurrence in reply[0].items():
                keep_first(found, name, occurrence)
        for reply in admitted:
            for name, occurrence in reply[2].items():
                keep_first(found, name, occurrence)
        chunk_size = successors.CHUNK

        def chunk_of(key: int) -> int:
            return (location_of(key)[0] - level_first) // chunk_size

        # where one process would stop within this level
        stops = []
        if not search.config.keep_going:
            stops += [chunk_of(occurrence.order[0]) for name, occurrence in found.items()
                      if stops_search(search.model, name)]
        unsettled = search.unsettled()
        if (search.config.stop_when_settled and unsettled
                and all(name in found for name in unsettled)):
            # where the last property unsettled is first met, one process
            # stops (`PropertyChecks._settle`): every property is settled
            stops.append(max(chunk_of(found[name].order[0]) for name in unsettled))
        keys = [reply[0] for reply in admitted]
        cut = min(stops) if stops else None
        limit = (key_of(level_first + (cut + 1) * chunk_size, 0) if cut is not None
                 else None)
        if limit is not None:
            found = {name: occurrence for name, occurrence in found.items()
                     if occurrence.order[0] < limit}
            kept = [int(np.searchsorted(part, np.uint64(limit))) for part in keys]
        else:
            kept = [len(part) for part in keys]
        for reply in replies:
            for action, n in reply[1].up_to(cut):
                search.generated += n
                search.action_counts[action] += n
            search.bound_stops += sum(n for chunk, n in reply[2].items()
                                      if cut is None or chunk <= cut)
        if probe_only:
            search._settle(found)
            return Level(sum(kept))
        kept_keys = [part[:n] for part, n in zip(keys, kept)]
        for (_, actions, _, _), n in zip(admitted, kept):
            for action, count in actions.first(n):
                search.new_states[action] += count
        # one process's order: the keys (distinct, each partition's sorted)
        # sorted in place, a state's number its key's rank (no index arrays:
        # at the largest level of Paxos 3x2x4 each would be 7 MiB more)
        everything = np.concatenate(kept_keys) if kept_keys else np.zeros(0, np.uint64)
        everything.sort()
        base = len(search.pointers)
        numbers = [np.searchsorted(everything, part) + base for part in kept_keys]
        work = [reply[3] for reply in admitted]
        transfers = _balance(list(map(len, numbers)), self._speeds(work))
        # the others hold their share of the level while this process records it
        self._send_each([("settle", n, transfers) for n in numbers[1:]])
        search.pointers.extend(*locations_of(everything))
        search._settle(found)
        self.part.settle(numbers[0], transfers)
        if transfers:  # every giver has written what it gives
            self._replies(None)
            self._send(("take",))
            self.part.take()
        self.first = base
        self.size = len(everything)
        self.gain = sum(seconds for _, _, seconds in work) / (time.perf_counter() - started)
        search.reporter.update(search.depth + 1, len(search.pointers), search.generated,
                               self.size)
        return Level(self.size)

    def _speeds(self, work: list[tuple[float, int, float]]) -> list[float]:
        """Each partition's speed, states expanded a second, from the `work`
        of each on the level (seconds expanding, states expanded), averaged
        with the levels before; equal until each has expanded a chunk of
        states. Only expanding is timed: admitting and checking take each
        partition about as long (each owns as many fingerprints and checks
        about its share of the new states), and the main process's
        coordination is the same whatever its share."""
        for index, (seconds, expanded, _) in enumerate(work):
            if expanded >= successors.CHUNK and seconds > 0:
                speed = expanded / seconds
                known = self.speeds[index]
                self.speeds[index] = speed if not known else (known + speed) / 2
        return self.speeds if all(self.speeds) else [1.0] * self.count

    def _send(self, message: tuple) -> None:
        self._send_each([message] * len(self.children))

    def _send_each(self, messages: list[tuple]) -> None:
        for (_, connection), message in zip(self.children, messages):
            try:
                connection.send(message)
            except (BrokenPipeError, ConnectionResetError, EOFError):
                raise partition_exchange.Failed("a partition process died", died=True) from None

    def _replies(self, deadline: float | None) -> list[tuple]:
        """Each child's reply, in order; `Failed` if one failed."""
        replies = []
        for index, (_, connection) in enumerate(self.children):
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic()) + 1
            if not connection.poll(timeout):
                self.search.stopped_by = "time_limit"
                return [(None, None, True)] * len(self.children)
            try:
                kind, value = connection.recv()
            except (EOFError, ConnectionResetError):
                raise partition_exchange.Failed("a partition process died", died=True) from None
            if kind == "failed":
                raise partition_exchange.Failed(value, died=False)
            reply, canonical_seconds, memory, store_bytes = value
            self._account(index, canonical_seconds, memory, store_bytes)
            replies.append(reply)
        self.search.partition_store_bytes = sum(self.store_bytes.values())
        return replies

    def _account(self, index: int, canonical_seconds: float, memory: int,
                 store_bytes: int) -> None:
        """Take in what partition process `index` said with its reply: its
        seconds canonicalizing, the memory it holds of its own and the
        bytes of its visited set."""
        self.search.canonical_seconds += canonical_seconds
        self.search.worker_memory = max(self.search.worker_memory, memory)
        self.store_bytes[index] = store_bytes
        self.held[index] = memory

    def spill(self) -> None:
        """Every partition keeps the level it holds, and every level after,
        on disk (the run is short of memory); the children's memory is
        measured again."""
        self._send(("spill",))
        self.part.spill()
        self._replies(None)

    def fold(self) -> Iterator[list[Any] | bytes]:
        """Bring the search back into this process: every child's visited
        states join this process's visited set, and the level the
        partitions hold comes back in one-process order (by number), a
        chunk at a time (`_merged`). The children are stopped."""
        held = self._gather("fold", self.part.held)
        self.close()
        self.search.outside_owned = False
        self.search.partition_store_bytes = 0  # all in this process's visited set now
        store = self.search.store = self.search.store.private()  # every region read here
        for _, _, entries in held[1:]:
            store.take(entries)
        return _merged([(numbers, chunks) for numbers, chunks, _ in held])

    def _gather(self, stage: str, own: Any) -> list[tuple]:
        """What each partition holds, as `stage` ("fold", "snapshot") asks:
        this process's (`own()`), then what each child wrote."""
        self._send((stage,))
        held = [own()]
        self._replies(None)  # each child has written what it holds
        return held + [read_held(os.path.join(self.directory, f"{stage}-{index}"))
                       for index in range(1, self.count)]

    def snapshot(self) -> tuple[Any, Iterator[Any], Any, Iterator[list[Any] | bytes]]:
        """The search between two levels as one process would hold it, for
        a checkpoint, the partitions going on: a visited set of this
        process's own and the parts of every partition's it takes, the
        states met outside the bounds by any, and the level the partitions
        hold, in one-process order, a chunk at a time (`gathered`)."""
        return gathered(self.search, self._gather("snapshot", self.part.snapshot))

    def memory(self) -> int:
        """Bytes the children held of their own at their last replies."""
        return sum(self.held.values())

    def close(self) -> None:
        """Stop the children (they may be busy or stopped) and wait for them."""
        for pid, connection in self.children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            connection.close()
        for pid, _ in self.children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.children = []
        self.search.model.shared_by(1)
        shutil.rmtree(self.directory, ignore_errors=True)


def gathered(search: Any, held: list[tuple], own: bool = True
             ) -> tuple[Any, Iterator[Any], Any, Iterator[list[Any] | bytes]]:
    """What the partitions hold (`held`: each one's `Part.snapshot`) as one
    process holds it, to be written a part at a time (`Partitions.snapshot`,
    `checkpoint`): an empty visited set of its own and the parts it takes
    (each region of the shared one, or each partition's own set), the
    states met outside the bounds, and the level in one-process order, in
    the engine's chunks, pickled: merged by number from the partitions'
    chunks, each in increasing order of number, a chunk of each at a time.
    So neither the visited set nor the level is copied whole (the level as
    objects takes hundreds of bytes a state). `own`: the first part held is
    this process's (whose visited set it is), not a Ray actor's."""
    outside = search.outside.empty()
    for _, _, _, met in held:  # (this process's own among them)
        outside.take(met)
    parts = chain(search.store.parts(), (entries for _, _, entries, _ in held[own:]))
    return (search.store.empty(), parts, outside,
            _merged([(numbers, chunks) for numbers, chunks, _, _ in held]))


def _merged(parts: list[tuple[np.ndarray, list[Any]]]) -> Iterator[list[Any] | bytes]:
    """The states of `parts` (each its states' numbers, increasing, and the
    states in chunks, pickled or not) in order of number, in chunks of the
    engine's size, pickled."""
    size = successors.CHUNK

    def numbered(numbers: np.ndarray, chunks: list[Any]) -> Iterator[tuple[int, Any]]:
        return zip(chain.from_iterable(numbers[low:low + size].tolist()
                                       for low in range(0, len(numbers), size)),
                   chain.from_iterable(map(frontier.unpack, chunks)))

    states = map(itemgetter(1), heapq.merge(*(numbered(*part) for part in parts),
                                            key=itemgetter(0)))
    while chunk := list(islice(states, size)):
        yield frontier.pack(chunk)


def _balance(sizes: list[int], speeds: list[float]) -> list[tuple[int, int, int]]:
    """The transfers (giver, taker, count) that leave each partition with a
    share of the next level in proportion to its speed (states it expands a
    second), from the sizes of what each keeps: the states stay with the
    process that generated them first, and shares drift apart (a process
    with more states generates more new ones), while the level's expansion
    waits for the slowest process (a process may share its CPU with another
    program, or run on a slower node). None where every partition is within
    `BALANCE` of its share."""
    total, whole = sum(sizes), sum(speeds)
    exact = [total * speed / whole for speed in speeds]
    shares = [int(share) for share in exact]
    for k in sorted(range(len(sizes)), key=lambda k: shares[k] - exact[k])[:total - sum(shares)]:
        shares[k] += 1  # the largest remainders, the first of equal ones
    if all(size <= BALANCE * share for size, share in zip(sizes, shares)):
        return []
    surplus = [size - share for size, share in zip(sizes, shares)]
    givers = [k for k in range(len(sizes)) if surplus[k] > 0]
    takers = [k for k in range(len(sizes)) if surplus[k] < 0]
    transfers = []
    for giver in givers:
        while surplus[giver] > 0:
            taker = takers[0]
            moved = min(surplus[giver], -surplus[taker])
            transfers.append((giver, taker, moved))
            surplus[giver] -= moved
            surplus[taker] += moved
            if surplus[taker] == 0:
                takers.pop(0)
    return transfers
