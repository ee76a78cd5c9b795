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
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import tempfile
import time
from collections import Counter
from itertools import chain, compress, islice
from multiprocessing import get_context
from typing import Any, Iterator

import numpy as np

from checker import fingerprints, frontier, successors, workers
from checker.findings import ITSELF, Found, keep_first, state_found, stops_search
from checker.fingerprints import owners as owners_among
from checker.properties import BOUND_STOP, Property

_ORDINAL_BITS = 32
_ORDINALS = (1 << _ORDINAL_BITS) - 1
#: States held whose parts the states given to a partition are made of
#: where they are equal (`_shared`).
_SAMPLE = 4096
#: The fewest states a partition expands in one batch where it holds
#: fewer of a chunk (`_groups`).
_GROUP = 256
#: The failures (or witnesses) of a property among a level's candidates
#: kept with their states (`_Part._check`); past these, only their numbers:
#: a level where a property fails can hold very many, and a state kept
#: for a failure is not pickled with the rest.
_KEPT = 64
#: How far over an equal share of a level a partition may keep before it
#: gives the surplus away (`_balance`): a level waits for the slowest.
BALANCE = 1.01


class Failed(Exception):
    """A partition process failed; `died` when it was killed or vanished."""

    def __init__(self, message: str, died: bool):
        super().__init__(message)
        self.died = died


class Level:
    """The size of a level held by the partitions (the engine's frontier
    while partitions run: only its size is looked at)."""

    def __init__(self, size: int):
        self.size = size

    def __len__(self) -> int:
        return self.size


def key_of(parent: int, ordinal: int) -> int:
    return parent << _ORDINAL_BITS | ordinal


def owners_of(fingerprints: Any, count: int, exact: bool) -> np.ndarray:
    """The partitions that own the states of these 64-bit fingerprints (or,
    `exact`, of these states themselves, by `hash`: the same in every
    forked process)."""
    if exact:
        return np.array([hash(state) % count for state in fingerprints], dtype=np.uint64)
    return owners_among(np.asarray(fingerprints, dtype=np.uint64), count)


def as_array(fingerprints: list[Any], exact: bool) -> np.ndarray:
    """Fingerprints as a numpy array, to be selected and sent in bulk: of
    uint64, or (`exact`) of the states themselves, as objects."""
    return np.fromiter(fingerprints, dtype=object if exact else np.uint64,
                       count=len(fingerprints))


#: The files a request of the main process has a partition write (or
#: read), by the stage they name (`_Part._path`): the transport of
#: `ray_search` moves them between nodes.
WRITES = {"expand": "c", "admit": "w", "settle": "t"}
READS = {"admit": "c", "hold": "w", "take": "t"}


class _Part:
    """One partition's share of the search, run by the process that owns it."""

    def __init__(self, search: Any, index: int, count: int, directory: str,
                 states: list[Any], numbers: np.ndarray):
        self.search, self.index, self.count, self.directory = search, index, count, directory
        search.outside_owned = True
        search.store = search.store.of_partition(index)
        search.model.shared_by(count)
        level = self._spool()
        level.extend(states)
        self._hold(_Won(level), numbers)
        self.level = 0
        # this level's candidates: successors generated here, kept here, whose
        # owners decide which are new (`_Candidates`)
        self.candidates: _Candidates | None = None
        self.own: tuple = ()  # the candidates that this partition owns itself
        self.winners: np.ndarray | None = None  # which of those are new
        # the level's new states kept here, until they are numbered
        self.won: _Won | None = None
        self.probe_only = False  # the level is at the depth bound
        self.pending: tuple = ()  # the level settled, until it is held (`take`)
        self.expanding = 0.0  # seconds spent expanding the level
        self.expanded = 0  # states expanded at the level
        # CPU seconds of the level's work that one process would do too:
        # generating and checking steps and states (`Partitions.gain`)
        self.working = 0.0

    def _spool(self) -> frontier.Frontier:
        """States in order (a level, or the candidates that become the
        next), held as a level is: past this partition's share of the
        budgets pickled, and then on disk in the run's work directory
        (`checker.frontier`)."""
        return frontier.Frontier(successors.CHUNK, whole=frontier.WHOLE // self.count,
                                 memory=frontier.MEMORY // self.count,
                                 directory=self.search.directory)

    def _path(self, stage: str, source: int, target: int) -> str:
        return os.path.join(self.directory, f"{self.level}-{stage}-{source}-{target}")

    def expand(self, level_first: int, shown: set[str], deadline: float | None,
               probe_only: bool) -> tuple:
        """Expand this partition's frontier: (findings of the steps,
        generated steps by chunk and action (`_Table`), bound stops by
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
        self.candidates = _Candidates(self.count, search.config.exact, self._spool())
        overdue = False
        # the chunks of the level (as one process numbers them) are counted
        # apart, so that counts can be cut where one process stops; they are
        # expanded a group at a time (`_groups`): with many partitions each
        # holds a few states of each chunk, and a batch of 64 states costs
        # 15-23% more a state than one of 256 or more
        chunks, bounds = _chunks_of(self.numbers, level_first)
        held = self.states.stream()  # each chunk let go of once expanded
        try:
            for runs, states in _groups(bounds, held):
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
                _write(self._path("c", self.index, target), sent)
        self.expanding = time.perf_counter() - started
        return found, _Table.of(generated), bound_stops, overdue

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
        visited states (`_generate`). Its own candidates are decided at the
        end of the level, with the others'. `distinct`: none of the steps'
        fingerprints is in `store`, and none twice (as `_generate` leaves
        them where no symmetry maps states to others)."""
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
        return (self.numbers[np.array(parents, dtype=np.intp)] << np.uint64(_ORDINAL_BITS)
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
            streams.append(_read(self._path("c", source, self.index)))
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
                _write(self._path("w", self.index, source), mine)

    def hold(self, probe_only: bool) -> tuple:
        """The candidates generated here that won, the new states this
        partition keeps, in key order: (their keys, the actions of the steps
        to them (`_Tally`), the first failure (or witness) of each property
        among them and among those outside the bounds that won (checked
        now), and this partition's work on the level: seconds spent
        expanding, states expanded, CPU seconds generating and checking).
        They stay where they are, among the candidates kept (`_Won`), until
        they are numbered (`settle`); at the depth bound (`probe_only`) none
        is kept."""
        candidates, self.candidates = self.candidates, None
        won = []
        for owner in range(self.count):
            # which of the candidates in its stream the owner chose
            winners = (self.winners if owner == self.index
                       else _read(self._path("w", owner, self.index)))
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
            at = candidates.keys[beyond]
            positions = (np.cumsum(candidates.outside) - 1)[beyond]
            self.search._check_states(
                list(map(candidates.beyond.__getitem__, positions.tolist())),
                (at >> np.uint64(_ORDINAL_BITS)).tolist(), (at & np.uint64(_ORDINALS)).tolist(),
                at.tolist(), found)
            self.working += time.process_time() - working
        if probe_only:
            candidates.states.discard()
        else:
            self.won = _Won(candidates.states, is_won[~candidates.outside])
        new = chosen[~candidates.outside[chosen]]
        return (candidates.keys[new], _Tally(candidates.actions, candidates.codes[new]),
                found, (self.expanding, self.expanded, self.working))

    def _won_findings(self, candidates: "_Candidates", is_won: np.ndarray) -> dict[str, Any]:
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

    def _found_again(self, candidates: "_Candidates", number: int, name: str) -> Any:
        """The finding of property `name` at candidate `number`, whose state
        was not kept with its failure: read back from the candidates kept
        (a rare case: every failure kept lost) and checked again."""
        state = candidates.states.at(number - int(np.count_nonzero(candidates.outside[:number])))
        key = int(candidates.keys[number])
        found: dict[str, Any] = {}
        self.search._check_states([state], [key >> _ORDINAL_BITS], [key & _ORDINALS], [key],
                                  found)
        return found[name]

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
                _write(self._path("t", giver, taker), (numbers[-count:], won.pop_tail(count)))
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
            given.append(_read(self._path("t", giver, self.index)))
        self._hold(won, numbers, given)
        self.level += 1

    def held(self) -> tuple[np.ndarray, list[Any], Any]:
        """What this partition holds, to go on in one process: the numbers
        and states of its frontier, and its visited set's entries (none
        where the visited set is shared: the main process reads it)."""
        states = list(self.states.stream())
        return self.numbers, states, self.search.store.entries()

    def _hold(self, own: _Won, numbers: np.ndarray,
              given: list[tuple[np.ndarray, list[Any]]] = ()) -> None:
        """Keep the states of `own` (numbered `numbers`, in increasing order)
        and those `given` by other partitions (numbers and states, each in
        increasing order) until they are expanded: a frontier in the order
        of the states' numbers."""
        if not given:
            self.numbers, self.states = numbers, _Held(own)
            return
        # the states given, in the order of their numbers (each giver's are)
        taken = np.concatenate([part[0] for part in given])
        order = np.argsort(taken, kind="stable")
        states = _shared(own.spool, [part[1] for part in given])
        every = np.concatenate([numbers, taken[order]])
        merged = np.argsort(every, kind="stable")
        self.numbers = every[merged]
        self.states = _Held(own, merged >= len(numbers),
                            list(map(states.__getitem__, order.tolist())))

    def spill(self) -> None:
        """Keep the level held, and every level after, on disk (short of memory)."""
        self.search.directory.everything = True
        self.states.spill()


class _Won:
    """The new states a partition keeps of a level: the candidates it kept
    (within the bounds), as they were generated (`spool`), and which of
    them won (`mask`). They are not copied: the candidates that lost stay
    until the level is expanded, and are passed over then."""

    def __init__(self, spool: frontier.Frontier, mask: np.ndarray | None = None) -> None:
        self.spool = spool
        self.mask = np.ones(len(spool), dtype=bool) if mask is None else mask
        self.count = int(np.count_nonzero(self.mask))

    def __len__(self) -> int:
        return self.count

    def pop_tail(self, n: int) -> list[Any]:
        """The last `n` states, in order, taken out (`Frontier.pop_tail`),
        with the candidates that lost among them."""
        if n <= 0:
            return []
        cut = int(np.flatnonzero(self.mask)[self.count - n])
        states = self.spool.pop_tail(len(self.spool) - cut)
        taken, self.mask = self.mask[cut:], self.mask[:cut]
        self.count -= n
        return list(compress(states, taken.tolist()))

    def stream(self) -> Iterator[Any]:
        """The states in order, each chunk let go of once read."""
        return compress(chain.from_iterable(self.spool.take()), self.mask.tolist())

    def discard(self) -> None:
        self.spool.discard()

    def spill(self) -> None:
        self.spool.spill()


class _Held:
    """A partition's level: its own new states (`_Won`) and those
    given to it, which come in at their places by number
    (`from_given`: for each state of the level, whether it was given)."""

    def __init__(self, own: _Won, from_given: np.ndarray | None = None,
                 given: list[Any] = ()) -> None:
        self.own, self.from_given, self.given = own, from_given, given

    def stream(self) -> Iterator[Any]:
        """The states in order, each chunk of `own` let go of once read."""
        own = self.own.stream()
        if self.from_given is None:
            return own
        given = iter(self.given)
        return (next(given) if flag else next(own) for flag in self.from_given.tolist())

    def discard(self) -> None:
        self.own.discard()

    def spill(self) -> None:
        self.own.spill()


class _Candidates:
    """A level's candidates generated in one process, numbered in the order
    they were generated (key order): their states (those to be kept: within
    the bounds, but at the depth bound), action types and keys kept here,
    with every failure (or witness) of a property among them; their
    fingerprints and keys sent to their owners, a stream per owner. A
    candidate `outside` the bounds is only to be checked, once."""

    def __init__(self, count: int, exact: bool, states: frontier.Frontier):
        self.kind = object if exact else np.uint64  # of the fingerprints (`as_array`)
        self.states = states  # held as a level is: they become the next
        self.beyond: list[Any] = []  # those outside the bounds
        self.size = 0
        #: by property, the first failures (candidate's number, finding)
        #: and the numbers of the others (`_Part._check`)
        self.found: dict[str, tuple[list[tuple[int, Any]], list[int]]] = {}
        #: the action of each candidate's step, as a code of `actions`
        #: (a byte or two where a list would hold 8 bytes a candidate)
        self.actions: list[type | None] = []
        self._code_of: dict[type | None, int] = {}
        self._codes: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self._owners: list[np.ndarray] = []
        self._outside: list[np.ndarray] = []
        self._fingerprints: list[np.ndarray] = []
        self.count = count

    def add(self, owners: np.ndarray, fingerprints: np.ndarray, keys: np.ndarray,
            states: list[Any], kinds: list[type | None], outside: bool, kept: bool) -> int:
        """Number the candidates `states` (their states `kept` or not): the
        first's number."""
        self._owners.append(owners.astype(np.uint16 if self.count <= 1 << 16 else np.uint32))
        self._fingerprints.append(fingerprints)
        self._keys.append(keys)
        self._outside.append(np.full(len(states), outside))
        if outside:
            self.beyond += states
        elif kept:
            self.states.extend(states)
        for kind in dict.fromkeys(kinds):
            if kind not in self._code_of:
                self._code_of[kind] = len(self.actions)
                self.actions.append(kind)
        self._codes.append(np.fromiter(map(self._code_of.__getitem__, kinds),
                                       dtype=np.uint16, count=len(kinds)))
        first, self.size = self.size, self.size + len(states)
        return first

    def close(self) -> Iterator[tuple]:
        """The level's candidates are all here: join what the chunks added,
        make each owner's stream (its candidates' positions among all), and
        give what each owner is sent, in owner order: the fingerprints and
        keys of its candidates, and which are outside the bounds (the
        fingerprints are not kept: the owners decide which are new)."""
        def joined(arrays: list[np.ndarray], kind: Any) -> np.ndarray:
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=kind)
        owners = joined(self._owners, np.uint16)
        position = np.int32 if self.size < 1 << 31 else np.int64
        self.streams = [np.flatnonzero(owners == q).astype(position) for q in range(self.count)]
        del owners
        self.keys = joined(self._keys, np.uint64)
        self.outside = joined(self._outside, bool)
        self.codes = joined(self._codes, np.uint16)
        fingerprints = joined(self._fingerprints, self.kind)
        self._owners, self._keys, self._outside, self._fingerprints, self._codes = (
            [], [], [], [], [])
        for stream in self.streams:
            yield fingerprints[stream], self.keys[stream], self.outside[stream]


class _Table:
    """Counts by (chunk, action) as a matrix, a row a chunk (in order), a
    column an action: the main process adds up every partition's, up to
    the chunk where one process would stop, in bulk (a level of 16
    partitions has thousands of such counts)."""

    def __init__(self, chunks: np.ndarray, actions: list[Any], counts: np.ndarray):
        self.chunks, self.actions, self.counts = chunks, actions, counts

    @classmethod
    def of(cls, counted: Counter) -> "_Table":
        chunks = sorted({chunk for chunk, _ in counted})
        actions = list(dict.fromkeys(action for _, action in counted))
        row = {chunk: k for k, chunk in enumerate(chunks)}
        column = {action: k for k, action in enumerate(actions)}
        counts = np.zeros((len(chunks), len(actions)), dtype=np.int64)
        for (chunk, action), n in counted.items():
            counts[row[chunk], column[action]] = n
        return cls(np.array(chunks, dtype=np.int64), actions, counts)

    def up_to(self, cut: int | None) -> list[tuple[Any, int]]:
        """(action, count) of the chunks up to `cut` (None: of all), where
        the count is not 0."""
        counts = self.counts if cut is None else self.counts[self.chunks <= cut]
        return [(action, n) for action, n in zip(self.actions, counts.sum(axis=0).tolist())
                if n]


class _Tally:
    """The actions of a sequence of steps, as codes (a numpy array) and the
    action each code stands for: counted in bulk by the main process."""

    def __init__(self, actions: list[Any], codes: np.ndarray):
        self.actions, self.codes = actions, codes

    def first(self, n: int) -> list[tuple[Any, int]]:
        """(action, count) of the first `n` steps, where the count is not 0."""
        counts = np.bincount(self.codes[:n], minlength=len(self.actions)).tolist()
        return [(action, count) for action, count in zip(self.actions, counts) if count]


def _write(path: str, value: Any) -> None:
    """`value` pickled into the file `path` (for another partition)."""
    with open(path, "wb") as file:
        try:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise Failed(f"a state cannot be sent: {error}", died=False) from None


def _read(path: str) -> Any:
    """What another partition wrote into the file `path`, which is removed."""
    with open(path, "rb") as file:
        value = pickle.load(file)
    os.unlink(path)
    return value


def _shared(own: frontier.Frontier, given: list[list[Any]]) -> list[Any]:
    """The states `given` (unpickled), made of the equal parts of the
    states held in `own` where there are: the caches of the model and of
    the fingerprints find a part at once only when it is the same object,
    and a state given passes its parts on to every state it leads to. The
    parts looked for are those of the first `_SAMPLE` states held as
    objects: the states of a level share most of their parts, and hashing
    the parts of every state held cost more than the rest of giving states
    away."""
    lists = chain((chunk for chunk in own.chunks if type(chunk) is list), [own.pending])
    sample = list(islice(chain.from_iterable(lists), _SAMPLE))
    tuples = [state for state in sample if type(state) is tuple]
    held = dict(zip(chain.from_iterable(tuples), chain.from_iterable(tuples)))  # at C speed
    share = held.setdefault
    return [tuple(map(share, state, state)) if type(state) is tuple else state
            for state in chain.from_iterable(given)]


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


def _groups(bounds: list[int], held: Iterator[Any]) -> Iterator[tuple[list[int], list[Any]]]:
    """The runs of states of each chunk (`held`: the states in order; each
    chunk's run starts at `bounds`) joined into groups of at least
    `_GROUP` states where there are enough: (where each run of the group
    starts, and its end; its states)."""
    runs: list[int] = []
    group: list[Any] = []
    for start, end in zip(bounds, bounds[1:]):
        runs.append(start)
        group += islice(held, end - start)
        if len(group) >= _GROUP:
            yield runs + [end], group
            runs, group = [], []
    if group:
        yield runs + [bounds[-1]], group


def _chunks_of(numbers: np.ndarray, level_first: int) -> tuple[list[int], list[int]]:
    """The chunk of the level (as one process numbers them) of each state
    numbered in `numbers`, and where each chunk's run of them starts (and,
    last, their count)."""
    chunks = (numbers - np.uint64(level_first)) // np.uint64(successors.CHUNK)
    starts = np.flatnonzero(chunks[1:] != chunks[:-1]) + 1
    first = [0] if len(chunks) else []
    return chunks.tolist(), first + starts.tolist() + [len(chunks)]


def _found(prop: Property, key: int, state: Any, outcome: Any) -> Found:
    """The occurrence of `prop` (a failure, or a witness) at the state
    reached by the step of `key`, where it gave `outcome`."""
    return state_found(prop, (key, 1), (key >> _ORDINAL_BITS, key & _ORDINALS), state, outcome)


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


class Partitions:
    """The main process's side: partition 0 and the children that own the
    others."""

    def __init__(self, search: Any, frontier: list[Any], first: int, count: int):
        self.search, self.count = search, count
        self.directory = tempfile.mkdtemp(
            prefix="cmc-partitions-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
        fingerprint = search.fingerprint
        owners = owners_of([fingerprint(state) for state in frontier], count,
                           search.config.exact).tolist()
        self.size = len(frontier)
        self.first = first
        self.children: list[tuple[int, Any]] = []
        self.store_bytes: dict[int, int] = {}  # of each child's visited set
        self.held: dict[int, int] = {}  # the memory each child holds of its own
        self.speeds: list[float] = [0.0] * count  # of each partition (`_balance`)
        self.gain = 0.0  # of the last level (`level`)
        # levels that spill go into the run's work directory, made here so
        # that the children write there too, and it is removed with them
        # (where it cannot be made, a level that spills says so)
        try:
            search.directory.folder()
        except frontier.SpillFailed:
            pass
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
                part = _Part(search, index, count, self.directory,
                             [s for s, o in zip(frontier, owners) if o == index],
                             np.array([first + k for k, o in enumerate(owners) if o == index],
                                      dtype=np.uint64))
                _serve(part, theirs)  # never returns
            theirs.close()
            self.children.append((pid, mine))
        self.part = _Part(search, 0, count, self.directory,
                          [s for s, o in zip(frontier, owners) if o == 0],
                          np.array([first + k for k, o in enumerate(owners) if o == 0],
                                   dtype=np.uint64))

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
            return ((key >> _ORDINAL_BITS) - level_first) // chunk_size

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
        search.pointers.extend(everything >> np.uint64(_ORDINAL_BITS),
                               everything & np.uint64(_ORDINALS))
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
                raise Failed("a partition process died", died=True) from None

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
                raise Failed("a partition process died", died=True) from None
            if kind == "failed":
                raise Failed(value, died=False)
            reply, canonical_seconds, memory, store_bytes = value
            self.search.canonical_seconds += canonical_seconds
            self.search.worker_memory = max(self.search.worker_memory, memory)
            self.store_bytes[index] = store_bytes
            self.held[index] = memory
            replies.append(reply)
        self.search.partition_store_bytes = sum(self.store_bytes.values())
        return replies

    def spill(self) -> None:
        """Every partition keeps the level it holds, and every level after,
        on disk (the run is short of memory); the children's memory is
        measured again."""
        self._send(("spill",))
        self.part.spill()
        self._replies(None)

    def fold(self) -> list[Any]:
        """Bring the search back into this process: every child's visited
        states join this process's visited set, and the level the
        partitions hold comes back as one list, in one-process order (by
        number). The children are stopped."""
        self._send(("fold",))
        held = [self.part.held()]
        self._replies(None)  # each child has written what it held
        for index in range(1, self.count):
            with open(os.path.join(self.directory, f"fold-{index}"), "rb") as folded:
                held.append(pickle.load(folded))
        self.close()
        self.search.outside_owned = False
        self.search.partition_store_bytes = 0  # all in this process's visited set now
        store = self.search.store = self.search.store.private()  # every region read here
        for _, _, entries in held[1:]:
            store.take(entries)
        numbers = np.concatenate([numbers for numbers, _, _ in held])
        states = list(chain.from_iterable(states for _, states, _ in held))
        return list(map(states.__getitem__, np.argsort(numbers, kind="stable").tolist()))

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


def _serve(part: _Part, connection: Any) -> None:
    """A child's loop: carry out the main process's requests until killed."""
    # Ctrl-C reaches the whole process group: the main process handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    search = part.search
    memory = workers.private_memory()
    try:
        while True:
            request = connection.recv()
            search.canonical_seconds = 0.0
            if request[0] == "expand":
                reply = part.expand(*request[1:])
            elif request[0] == "spill":
                part.spill()
                frontier.release_memory()
                memory = workers.private_memory()
                reply = None
            elif request[0] == "fold":
                with open(os.path.join(part.directory, f"fold-{part.index}"), "wb") as folded:
                    pickle.dump(part.held(), folded, protocol=pickle.HIGHEST_PROTOCOL)
                reply = None
            elif request[0] == "admit":
                reply = part.admit(*request[1:])
                # measured once a level, when it holds the most (reading
                # the system's figures costs milliseconds in a large process)
                memory = workers.private_memory()
            elif request[0] == "hold":
                reply = part.hold(*request[1:])
            elif request[0] == "settle":
                part.settle(*request[1:])
                if not request[-1]:  # no transfers: nothing to wait for
                    continue
                reply = None
            else:
                part.take()
                continue
            connection.send(("done", (reply, search.canonical_seconds, memory,
                                      search.store.nbytes)))
    except BaseException as error:  # reported to the main process, which decides
        try:
            connection.send(("failed", f"{type(error).__name__}: {error}"))
        except BaseException:
            pass
    finally:
        os._exit(0)
