"""What a partition of a shared search (`partition`) holds through a
level: its candidates (`Candidates`), the new states that won among them
(`Won`), the level it expands next (`Held`, with the states other
partitions gave it), and how that level is cut into the one-process
search's chunks and expanded a group of them at a time.

Apart from `partition`, which runs the level's steps, because these are
the data those steps pass on: arrays and spools, no logic of the search.
"""

from __future__ import annotations

from itertools import chain, compress, islice
from typing import Any, Iterator

import numpy as np

from checker import frontier, successors

#: States held whose parts the states given to a partition are made of
#: where they are equal (`shared`).
_SAMPLE = 4096
#: The fewest states a partition expands in one batch where it holds
#: fewer of a chunk (`groups`).
_GROUP = 256


class Won:
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

    def each(self) -> Iterator[Any]:
        """The states in order, kept (a checkpoint reads them), read a
        chunk at a time."""
        return compress(chain.from_iterable(map(frontier.unpack, self.spool.raw())),
                        self.mask.tolist())

    def discard(self) -> None:
        self.spool.discard()

    def spill(self) -> None:
        self.spool.spill()


class Held:
    """A partition's level: its own new states (`Won`) and those
    given to it, which come in at their places by number
    (`from_given`: for each state of the level, whether it was given)."""

    def __init__(self, own: Won, from_given: np.ndarray | None = None,
                 given: list[Any] = ()) -> None:
        self.own, self.from_given, self.given = own, from_given, given

    def stream(self) -> Iterator[Any]:
        """The states in order, each chunk of `own` let go of once read."""
        return self._interleaved(self.own.stream())

    def each(self) -> Iterator[Any]:
        """The states in order, kept (a checkpoint reads them), read a
        chunk at a time."""
        return self._interleaved(self.own.each())

    def _interleaved(self, own: Iterator[Any]) -> Iterator[Any]:
        """`own`'s states with those given at their places."""
        if self.from_given is None:
            return own
        given = iter(self.given)
        return (next(given) if flag else next(own) for flag in self.from_given.tolist())

    def discard(self) -> None:
        self.own.discard()

    def spill(self) -> None:
        self.own.spill()


class Candidates:
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
        #: and the numbers of the others (`Part._check`)
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


def shared(own: frontier.Frontier, given: list[list[Any]]) -> list[Any]:
    """The states `given` (unpickled), made of the equal parts of the
    states held in `own` where there are: the caches of the model and of
    the fingerprints find a part at once only when it is the same object,
    and a state given passes its parts on to every state it leads to. The
    parts looked for are those of the first `_SAMPLE` states held as
    objects: the states of a level share most of their parts, and hashing
    the parts of every state held cost more than the rest of giving states
    away. A part is looked for by its type and value: records of two types
    with equal fields are equal tuples (a node's ``PState(b0=True)`` and a
    budget's ``(1,)``), and one must not take the other's place."""
    lists = chain((chunk for chunk in own.chunks if type(chunk) is list), [own.pending])
    sample = list(islice(chain.from_iterable(lists), _SAMPLE))
    parts = list(chain.from_iterable(state for state in sample if type(state) is tuple))
    held = dict(zip(zip(map(type, parts), parts), parts))  # at C speed
    share = held.setdefault
    return [tuple(map(share, zip(map(type, state), state), state)) if type(state) is tuple
            else state for state in chain.from_iterable(given)]


def groups(bounds: list[int], held: Iterator[Any]) -> Iterator[tuple[list[int], list[Any]]]:
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


def chunks_of(numbers: np.ndarray, level_first: int) -> tuple[list[int], list[int]]:
    """The chunk of the level (as one process numbers them) of each state
    numbered in `numbers`, and where each chunk's run of them starts (and,
    last, their count)."""
    chunks = (numbers - np.uint64(level_first)) // np.uint64(successors.CHUNK)
    starts = np.flatnonzero(chunks[1:] != chunks[:-1]) + 1
    first = [0] if len(chunks) else []
    return chunks.tolist(), first + starts.tolist() + [len(chunks)]
