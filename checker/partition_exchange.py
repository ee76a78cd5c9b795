"""What travels between the processes of a partitioned search
(`partitioned`): keys of steps, owners of fingerprints, the files of the
work directory a partition writes for another, and the counts each sends
the main process.

Apart from the partitions' work (`partition`) and the main process's
(`partitioned`) because both sides, and Ray's transport (`ray_search`),
speak it.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter
from typing import Any, Iterator

import numpy as np

from checker.fingerprints import owners as owners_among

#: A step's key is its source state's number and its successor ordinal
#: (`key_of`): the ordinal in the low bits.
ORDINAL_BITS = 32
ORDINALS = (1 << ORDINAL_BITS) - 1


class Failed(Exception):
    """A partition process failed; `died` when it was killed or vanished.
    The run starts again in one process (`explore.Search.run`)."""

    def __init__(self, message: str, died: bool):
        super().__init__(message)
        self.died = died


def key_of(parent: int, ordinal: int) -> int:
    """The key of the step from the state numbered `parent` to its
    successor `ordinal`: the place where one process generates it."""
    return parent << ORDINAL_BITS | ordinal


def location_of(key: int) -> tuple[int, int]:
    """The step of `key`: (its source state's number, successor ordinal)."""
    return key >> ORDINAL_BITS, key & ORDINALS


def locations_of(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The steps of `keys` (uint64): their source states' numbers and
    successor ordinals."""
    return keys >> np.uint64(ORDINAL_BITS), keys & np.uint64(ORDINALS)


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
#: read), by the stage they name (`Part._path`): the transport of
#: `ray_search` moves them between nodes.
WRITES = {"expand": "c", "admit": "w", "settle": "t"}
READS = {"admit": "c", "hold": "w", "take": "t"}


def write(path: str, value: Any) -> None:
    """`value` pickled into the file `path` (for another partition)."""
    with open(path, "wb") as file:
        try:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise Failed(f"a state cannot be sent: {error}", died=False) from None


def read(path: str) -> Any:
    """What another partition wrote into the file `path`, which is removed."""
    with open(path, "rb") as file:
        value = pickle.load(file)
    os.unlink(path)
    return value


def write_held(path: str, held: tuple) -> None:
    """Write what a partition holds (`Part.held`, `Part.snapshot`: the
    numbers of its states, their chunks, then the rest) to `path` for the
    main process (`Partitions._gather`): a pickle of the rest
    with the numbers, then each chunk pickled as it is read, then None. So
    neither side holds the level whole (pickled, a few tens of bytes a
    state: with partitions, the main process held them all at once)."""
    numbers, chunks, *rest = held
    with open(path, "wb") as file:
        pickle.dump((numbers, *rest), file, protocol=pickle.HIGHEST_PROTOCOL)
        for chunk in chunks:
            pickle.dump(chunk, file, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(None, file)


def read_held(path: str) -> tuple:
    """What `write_held` wrote to `path`, its chunks read as they are taken
    (the file is removed at once: the open file keeps what it holds)."""
    file = open(path, "rb")
    os.remove(path)
    try:
        numbers, *rest = pickle.load(file)
    except BaseException:
        file.close()
        raise

    def chunks() -> Iterator[list[Any]]:
        with file:
            while (chunk := pickle.load(file)) is not None:
                yield chunk

    return (numbers, chunks(), *rest)


class Table:
    """Counts by (chunk, action) as a matrix, a row a chunk (in order), a
    column an action: the main process adds up every partition's, up to
    the chunk where one process would stop, in bulk (a level of 16
    partitions has thousands of such counts)."""

    def __init__(self, chunks: np.ndarray, actions: list[Any], counts: np.ndarray):
        self.chunks, self.actions, self.counts = chunks, actions, counts

    @classmethod
    def of(cls, counted: Counter) -> "Table":
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


class Tally:
    """The actions of a sequence of steps, as codes (a numpy array) and the
    action each code stands for: counted in bulk by the main process."""

    def __init__(self, actions: list[Any], codes: np.ndarray):
        self.actions, self.codes = actions, codes

    def first(self, n: int) -> list[tuple[Any, int]]:
        """(action, count) of the first `n` steps, where the count is not 0."""
        counts = np.bincount(self.codes[:n], minlength=len(self.actions)).tolist()
        return [(action, count) for action, count in zip(self.actions, counts) if count]
