"""One partition's share of a partitioned search (`partitioned`): the
steps of a level it carries out for the main process (expand, admit,
hold, settle, take), and the loop of a forked partition process
(`serve`).

Each partition runs a whole search of its own (`explore.Search`) for the
model's steps and properties and its part of the visited set: it expands
its states with the one-process code (`successors`, `findings`), and keeps
what it generates as candidates until their owners decide which are new.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from itertools import islice
from typing import Any, Iterable, Iterator

import numpy as np

from checker import frontier, successors, workers
from checker.findings import ITSELF, Found, keep_first, state_found
from checker.partition_exchange import (ORDINAL_BITS, Table, Tally, as_array, key_of,
                                        location_of, locations_of, owners_of, read, write,
                                        write_held)
from checker.partition_states import Candidates, Held, Won, chunks_of, groups, shared
from checker.properties import Property

#: The failures (or witnesses) of a property among a level's candidates
#: kept with their states (`Part._check`); past these, only their numbers:
#: a level where a property fails can hold very many, and a state kept
#: for a failure is not pickled with the rest.
_KEPT = 64


class Part:
    """One partition's share of the search, run by the process that owns it."""

    def __init__(self, search: Any, index: int, count: int, directory: str,
                 level: frontier.Frontier, numbers: np.ndarray):
        """Partition `index` of `count`, which starts with the states of
        `level` (a `spool`), numbered `numbers` (`shares`)."""
        self.search, self.index, self.count, self.directory = search, index, count, directory
        search.outside_owned = True
        search.store = search.store.of_partition(index)
        search.model.shared_by(count)
        self._hold(Won(level), numbers)
        self.level = 0
        # this level's candidates: successors generated here, kept here, whose
        # owners decide which are new (`Candidates`)
        self.candidates: Candidates | None = None
        self.own: tuple = ()  # the candidates that this partition owns itself
        self.winners: np.ndarray | None = None  # which of those are new
        # the level's new states kept here, until they are numbered
        self.won: Won | None = None
        self.probe_only = False  # the level is at the depth bound
        self.pending: tuple = ()  # the level settled, until it is held (`take`)
        self.expanding = 0.0  # seconds spent expanding the level
        self.expanded = 0  # states expanded at the level
        # CPU seconds of the level's work that one process would do too:
        # generating and checking steps and states (`Partitions.gain`)
        self.working = 0.0

    def _spool(self) -> frontier.Frontier:
        return spool(self.search, self.count)

    def _path(self, stage: str, source: int, target: int) -> str:
        return os.path.join(self.directory, f"{self.level}-{stage}-{source}-{target}")

    def expand(self, level_first: int, shown: set[str], deadline: float | None,
               probe_only: bool) -> tuple:
        """Expand this partition's frontier: (findings of the steps,
        generated steps by chunk and action (`Table`), bound stops by
        chunk, overdue). At the depth bound (`probe_only`) the candidates
        within the bounds are neither checked nor kept (one process only
        looks for the first)."""
        started = time.perf_counter()
        search = self.search
        search._activate(shown)
        search.store.decided()  # every owner admitted the level before
        found: dict[str, Any] = {}
        generated: Counter = Counter()
        bound_stops: Counter = Counter()
        self.expanded = len(self.numbers)
        self.working = 0.0
        self.probe_only = probe_only
        self.candidates = Candidates(self.count, search.config.exact, self._spool())
        overdue = False
        # the chunks of the level (as one process numbers them) are counted
        # apart, so that counts can be cut where one process stops; they are
        # expanded a group at a time (`groups`): with many partitions each
        # holds a few states of each chunk, and a batch of 64 states costs
        # 15-23% more a state than one of 256 or more
        chunks, bounds = chunks_of(self.numbers, level_first)
        held = self.states.stream()  # each chunk let go of once expanded
        try:
            for runs, states in groups(bounds, held):
                if deadline is not None and time.monotonic() > deadline:
                    overdue = True
                    break
                self._expand_group(states, runs, chunks, level_first, found, generated,
                                   bound_stops)
        finally:
            self.states.discard()
        for target, sent in enumerate(self.candidates.close()):
            if target == self.index:
                self.own = sent
            else:  # (exact runs send the states themselves)
                write(self._path("c", self.index, target), sent)
        self.expanding = time.perf_counter() - started
        return found, Table.of(generated), bound_stops, overdue

    def _expand_group(self, states: list[Any], runs: list[int], chunks: list[int],
                      level_first: int, found: dict, generated: Counter,
                      bound_stops: Counter) -> None:
        """Expand `states`, this partition's from position ``runs[0]`` on:
        those it holds of one or more of the level's chunks (the chunk of
        each state held in `chunks`; `runs`: where each chunk's run starts,
        and the group's end), counting steps and bound stops by chunk."""
        search, numbers, chunk_size = self.search, self.numbers, successors.CHUNK
        local: dict[str, Any] = {}
        low = runs[0]
        working = time.process_time()
        batch = search._steps_of(states, low, local)
        self.working += time.process_time() - working
        steps = 0
        for start, end in zip(runs, runs[1:]):
            # counted by type first, at C speed: a pair per step would cost more
            taken = sum(batch.counts[start - low:end - low])
            for action, n in Counter(batch.action_types[steps:steps + taken]).items():
                generated[chunks[start], action] += n
            steps += taken
        for position in batch.bound_stops:
            bound_stops[chunks[position]] += 1
        for name, occurrence in local.items():
            parent, ordinal = occurrence.location
            number = int(numbers[parent])
            occurrence.location = (number, ordinal)
            if ordinal is ITSELF:
                # where a run ends: before every step of its chunk, as in
                # one process, and in state order among them
                chunk_first = level_first + chunks[parent] * chunk_size
                occurrence.order = (key_of(chunk_first, 0), -1, number)
            else:
                occurrence.order = (key_of(number, ordinal), occurrence.order[1])
            keep_first(found, name, occurrence)
        if batch.outside is not None:  # checked once their owners say they were met first
            self._add(batch.outside, search.outside, [None] * len(batch.outside[0]),
                      distinct=True, outside=True)
        if not batch.states:
            return
        if search.symmetry is not None:
            search._canonicalize(batch)
        self._add((batch.fingerprints, batch.states, batch.parents, batch.ordinals),
                  search.store, list(map(batch.action_types.__getitem__, batch.step_numbers)),
                  distinct=search.symmetry is None)

    def _add(self, steps: tuple, store: Any, kinds: list[type | None], distinct: bool,
             outside: bool = False) -> None:
        """Keep as candidates the successors `steps` (fingerprints, states,
        parents, ordinals) that were not visited (or, `outside` the
        bounds, not met) before; send their owners what decides which are
        new. Those sent to other owners are recorded in `store` (as sent,
        in the visited set; or in the set of those met outside the
        bounds): each is decided by the end of the level (or an equal one
        with an earlier key is), so it is never worth sending again, and a
        successor met again is dropped by the one look-up that drops the
        visited states (`StepGeneration._generate`). Its own candidates are
        decided at the end of the level, with the others'. `distinct`: none
        of the steps' fingerprints is in `store`, and none twice (as
        `StepGeneration._generate` leaves them where no symmetry maps states
        to others)."""
        fingerprints, states, parents, ordinals = steps
        exact = self.search.config.exact
        candidates = self.candidates
        fingerprints = as_array(fingerprints, exact)
        owners = owners_of(fingerprints, self.count, exact)
        foreign = np.flatnonzero(owners != self.index)
        if distinct:  # none of them in `store`, each once: all are kept
            store.add_all(fingerprints[foreign])
        else:
            unsent = np.zeros(len(fingerprints), dtype=bool)
            unsent[foreign[store.add_new(fingerprints[foreign])]] = True
            unsent[owners == self.index] = True
            kept = np.flatnonzero(unsent)
            picked = kept.tolist()
            owners, fingerprints = owners[kept], fingerprints[kept]
            states, parents, ordinals, kinds = (
                list(map(values.__getitem__, picked))
                for values in (states, parents, ordinals, kinds))
        keys = self._keys(parents, ordinals)
        to_keep = not (outside or self.probe_only)
        first = candidates.add(owners, fingerprints, keys, states, kinds, outside, to_keep)
        if to_keep:
            working = time.process_time()
            if self.search.soundness is not None:  # one state in its SPREAD
                self.search.soundness.check_states(states, fingerprints)
            self._check(states, keys, first)
            self.working += time.process_time() - working

    def _check(self, states: list[Any], keys: np.ndarray, first: int) -> None:
        """Check candidates within the bounds (numbered from `first`;
        `keys`: of their steps) as one process checks new states, keeping
        every failure (and witness) of each property: the first `_KEPT`
        as findings, the others' numbers (`hold` reports the first of
        those that won). (A candidate that loses is checked too: it is
        where it was generated, with the CPU's caches warm, and not kept
        as an object until the owners decide; checking is a small part of
        a level.)"""
        for prop, outcomes, reached in self.search._outcomes(states):
            kept, numbers = self.candidates.found.setdefault(prop.name, ([], []))
            for k, outcome in enumerate(outcomes):
                if bool(outcome) is not reached:
                    continue
                if len(kept) < _KEPT:
                    kept.append((first + k, _found(prop, int(keys[k]), states[k], outcome)))
                else:
                    numbers.append(first + k)

    def _keys(self, parents: list[int], ordinals: list[int]) -> np.ndarray:
        """The keys of steps from this partition's states (`parents`: their
        positions in its frontier)."""
        return (self.numbers[np.array(parents, dtype=np.intp)] << np.uint64(ORDINAL_BITS)
                | np.array(ordinals, dtype=np.uint64))

    def admit(self, probe_only: bool) -> None:
        """Decide which of the candidates this partition owns are new: in
        key order, the first of each fingerprint not yet visited (recorded,
        unless at the depth bound: `probe_only`). Each generator is told
        which of the candidates it sent won; it keeps those states."""
        streams: list[tuple] = []
        for source in range(self.count):
            if source == self.index:
                streams.append(self.own)
                continue
            streams.append(read(self._path("c", source, self.index)))
        self.own = ()
        starts = np.cumsum([0] + [len(stream[1]) for stream in streams])
        fingerprints = np.concatenate([stream[0] for stream in streams])
        keys = np.concatenate([stream[1] for stream in streams])
        outside = np.concatenate([stream[2] for stream in streams])
        del streams  # (what admit holds is the largest level's peak: hold it once)
        won = []
        # states within the bounds join the visited set; those outside it,
        # the set of those met outside (to be checked once, never expanded)
        for store, inside in [(self.search.store, True), (self.search.outside, False)]:
            if outside.any():
                chosen = np.flatnonzero(outside != inside)
                order = chosen[np.argsort(keys[chosen], kind="stable")]
            else:
                order = (np.argsort(keys, kind="stable") if inside
                         else np.zeros(0, dtype=np.int64))
            won.append(_first_met(store, fingerprints, order,
                                  record=not probe_only or store is not self.search.store))
        del keys, fingerprints
        won = np.concatenate(won)
        self.winners = None
        for source in range(self.count):
            mine = won[(won >= starts[source]) & (won < starts[source + 1])] - starts[source]
            if source == self.index:
                self.winners = mine
            else:
                write(self._path("w", self.index, source), mine)

    def hold(self, probe_only: bool) -> tuple:
        """The candidates generated here that won, the new states this
        partition keeps, in key order: (their keys, the actions of the steps
        to them (`Tally`), the first failure (or witness) of each property
        among them and among those outside the bounds that won (checked
        now), and this partition's work on the level: seconds spent
        expanding, states expanded, CPU seconds generating and checking).
        They stay where they are, among the candidates kept (`Won`), until
        they are numbered (`settle`); at the depth bound (`probe_only`) none
        is kept."""
        candidates, self.candidates = self.candidates, None
        won = []
        for owner in range(self.count):
            # which of the candidates in its stream the owner chose
            winners = (self.winners if owner == self.index
                       else read(self._path("w", owner, self.index)))
            won.append(candidates.streams[owner][winners])
        # candidates are numbered in the order they were generated: key order
        chosen = np.sort(np.concatenate(won))
        is_won = np.zeros(candidates.size, dtype=bool)
        is_won[chosen] = True
        found = self._won_findings(candidates, is_won)
        # those outside the bounds that won are checked, each once in all
        beyond = chosen[candidates.outside[chosen]]
        if len(beyond):
            working = time.process_time()
            positions = (np.cumsum(candidates.outside) - 1)[beyond]
            self._check_at(list(map(candidates.beyond.__getitem__, positions.tolist())),
                           candidates.keys[beyond], found)
            self.working += time.process_time() - working
        if probe_only:
            candidates.states.discard()
        else:
            self.won = Won(candidates.states, is_won[~candidates.outside])
        new = chosen[~candidates.outside[chosen]]
        return (candidates.keys[new], Tally(candidates.actions, candidates.codes[new]),
                found, (self.expanding, self.expanded, self.working))

    def _won_findings(self, candidates: "Candidates", is_won: np.ndarray) -> dict[str, Any]:
        """The first failure (or witness) of each property among the
        candidates that won (`is_won`, by number)."""
        found: dict[str, Any] = {}
        for name, (kept, numbers) in candidates.found.items():
            occurrence = next((occurrence for number, occurrence in kept if is_won[number]),
                              None)
            if occurrence is None and numbers:
                numbers = np.array(numbers, dtype=np.int64)
                numbers = numbers[is_won[numbers]]
                if len(numbers):
                    occurrence = self._found_again(candidates, int(numbers[0]), name)
            if occurrence is not None:
                found[name] = occurrence
        return found

    def _found_again(self, candidates: "Candidates", number: int, name: str) -> Any:
        """The finding of property `name` at candidate `number`, whose state
        was not kept with its failure: read back from the candidates kept
        (a rare case: every failure kept lost) and checked again."""
        state = candidates.states.at(number - int(np.count_nonzero(candidates.outside[:number])))
        found: dict[str, Any] = {}
        self._check_at([state], candidates.keys[number:number + 1], found)
        return found[name]

    def _check_at(self, states: list[Any], keys: np.ndarray, found: dict[str, Found]) -> None:
        """Check `states`, reached by the steps of `keys`, as one process
        checks new states, recording the first failure (or witness) of each
        property in `found`."""
        parents, ordinals = locations_of(keys)
        self.search._check_states(states, parents.tolist(), ordinals.tolist(), keys.tolist(),
                                  found)

    def settle(self, numbers: np.ndarray, transfers: list[tuple[int, int, int]]) -> None:
        """The new states kept (the first `len(numbers)` in key order) become
        the frontier, numbered, but for those given to other partitions:
        `transfers` lists (giver, taker, count) for the level; a giver gives
        its last states, and a taker takes them (`take`) once every giver
        has written them."""
        won, self.won = self.won, None
        won.pop_tail(len(won) - len(numbers))  # past where one process stops
        numbers = numbers.astype(np.uint64)
        for giver, taker, count in transfers:
            if giver == self.index:
                write(self._path("t", giver, taker), (numbers[-count:], won.pop_tail(count)))
                numbers = numbers[:-count]
        self.pending = (won, numbers,
                        [giver for giver, taker, _ in transfers if taker == self.index])
        if not transfers:
            self.take()

    def take(self) -> None:
        """Hold the level settled (`settle`), with the states given to this
        partition: a frontier in the order of the states' numbers."""
        won, numbers, givers = self.pending
        self.pending = ()
        given: list[tuple[np.ndarray, list[Any]]] = []
        for giver in givers:
            given.append(read(self._path("t", giver, self.index)))
        self._hold(won, numbers, given)
        self.level += 1

    def held(self) -> tuple[np.ndarray, Iterator[list[Any]], Any]:
        """What this partition holds, to go on in one process: the numbers
        of the states of its frontier, the states in the engine's chunks,
        each let go of once read (`_chunked`), and its visited set's
        entries (none where the visited set is shared: the main process
        reads it)."""
        return self.numbers, _chunked(self.states.stream()), self.search.store.entries()

    def snapshot(self) -> tuple[np.ndarray, Iterator[list[Any]], Any, Any]:
        """What this partition holds between two levels, read and kept (a
        checkpoint: `Partitions.snapshot`): the numbers of the states of its
        frontier, the states in the engine's chunks, read as they are taken
        (`_chunked`), its visited set's entries (none where the visited set
        is shared) and those of the states it met outside the bounds."""
        return (self.numbers, _chunked(self.states.each()), self.search.store.entries(),
                self.search.outside.entries())

    def _hold(self, own: Won, numbers: np.ndarray,
              given: list[tuple[np.ndarray, list[Any]]] = ()) -> None:
        """Keep the states of `own` (numbered `numbers`, in increasing order)
        and those `given` by other partitions (numbers and states, each in
        increasing order) until they are expanded: a frontier in the order
        of the states' numbers."""
        if not given:
            self.numbers, self.states = numbers, Held(own)
            return
        # the states given, in the order of their numbers (each giver's are)
        taken = np.concatenate([part[0] for part in given])
        order = np.argsort(taken, kind="stable")
        states = shared(own.spool, [part[1] for part in given])
        every = np.concatenate([numbers, taken[order]])
        merged = np.argsort(every, kind="stable")
        self.numbers = every[merged]
        self.states = Held(own, merged >= len(numbers),
                            list(map(states.__getitem__, order.tolist())))

    def carry_out(self, request: tuple) -> tuple[bool, Any]:
        """Carry out a request of the main process, ``(step, *arguments)``:
        a step of a level (expand, admit, hold, settle, take) or spill.
        Whether the main process awaits an answer, and the reply."""
        step = request[0]
        if step == "spill":
            self.spill()
            frontier.release_memory()
            return True, None
        if step == "take":
            self.take()
            return False, None
        if step == "snapshot":  # a Ray actor's reply, sent whole: its chunks pickled
            numbers, chunks, *rest = self.snapshot()
            return True, (numbers, list(map(frontier.pack, chunks)), *rest)
        reply = getattr(self, step)(*request[1:])
        # a level settled with no transfers (the last argument): nothing to wait for
        return step != "settle" or bool(request[-1]), reply

    def spill(self) -> None:
        """Keep the level held, and every level after, on disk (short of memory)."""
        self.search.directory.everything = True
        self.states.spill()


def _chunked(states: Iterator[Any]) -> Iterator[list[Any]]:
    """`states` in the engine's chunks, a chunk at a time."""
    while chunk := list(islice(states, successors.CHUNK)):
        yield chunk


def spool(search: Any, count: int) -> frontier.Frontier:
    """States in order (a level, or the candidates that become the next),
    held by one of `count` partitions of `search` as a level is: past its
    share of the budgets pickled, and then on disk in the run's work
    directory (`checker.frontier`)."""
    return frontier.Frontier(successors.CHUNK, whole=frontier.WHOLE // count,
                             memory=frontier.MEMORY // count, directory=search.directory)


def shares(search: Any, chunks: Iterable[list[Any]], first: int, count: int,
           wanted: Iterable[int]) -> dict[int, tuple[frontier.Frontier, np.ndarray]]:
    """The states of a level (`chunks` of its states, numbered from
    `first`) that each `wanted` partition (of `count`) owns, by the
    `search`'s fingerprints, and their numbers: read a chunk at a time
    into each partition's `spool`, so that a large level (one resumed
    from a checkpoint) is never held whole as objects. Each spool's file
    is closed, so that it can be read in a forked process."""
    wanted = list(wanted)
    levels = {index: spool(search, count) for index in wanted}
    numbers: dict[int, list[np.ndarray]] = {index: [] for index in wanted}
    for states in chunks:
        owners = owners_of([search.fingerprint(state) for state in states], count,
                           search.config.exact)
        for index in wanted:
            mine = np.flatnonzero(owners == index)
            levels[index].extend(list(map(states.__getitem__, mine.tolist())))
            numbers[index].append(mine.astype(np.uint64) + np.uint64(first))
        first += len(states)
    for level in levels.values():
        level.close()
    return {index: (levels[index], np.concatenate(numbers[index]) if numbers[index]
                    else np.zeros(0, dtype=np.uint64)) for index in wanted}


def _found(prop: Property, key: int, state: Any, outcome: Any) -> Found:
    """The occurrence of `prop` (a failure, or a witness) at the state
    reached by the step of `key`, where it gave `outcome`."""
    return state_found(prop, (key, 1), location_of(key), state, outcome)


#: Candidates looked up in the visited set at a time when a partition
#: admits them: what a look-up holds per candidate (about 80 bytes) is then
#: bounded, not a multiple of the largest level.
_ADMITTED = 1 << 16


def _first_met(store: Any, fingerprints: np.ndarray, order: np.ndarray,
               record: bool) -> np.ndarray:
    """The positions in `order` (of candidates, in key order) of those
    `store` did not hold, the first of equal ones, recorded if `record`.
    Recorded, they are looked up a slice at a time (a later slice finds
    the earlier ones' in the store); not recorded, all at once."""
    if not record or len(order) <= _ADMITTED:
        return order[np.asarray(store.add_new(fingerprints[order], record=record),
                                dtype=np.int64)]
    return np.concatenate([
        part[np.asarray(store.add_new(fingerprints[part]), dtype=np.int64)]
        for part in (order[low:low + _ADMITTED] for low in range(0, len(order), _ADMITTED))])


def serve(part: Part, connection: Any) -> None:
    """A child's loop: carry out the main process's requests until killed."""
    # Ctrl-C reaches the whole process group: the main process handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    search = part.search
    memory = workers.private_memory()
    try:
        while True:
            request = connection.recv()
            search.canonical_seconds = 0.0
            if request[0] in ("fold", "snapshot"):
                write_held(os.path.join(part.directory, f"{request[0]}-{part.index}"),
                           part.held() if request[0] == "fold" else part.snapshot())
                answered, reply = True, None
            else:
                answered, reply = part.carry_out(request)
            if request[0] in ("admit", "spill"):
                # measured once a level, when it holds the most (reading
                # the system's figures costs milliseconds in a large process)
                memory = workers.private_memory()
            if answered:
                connection.send(("done", (reply, search.canonical_seconds, memory,
                                          search.store.nbytes)))
    except BaseException as error:  # reported to the main process, which decides
        try:
            connection.send(("failed", f"{type(error).__name__}: {error}"))
        except BaseException:
            pass
    finally:
        os._exit(0)
