"""A level of the search: its states as objects up to a budget, then pickled.

A level's states are held until they are expanded, and the next level is
built meanwhile. Held as objects, a state costs what it does not share with
other states and the model's tables: its own tuple and, as a rule, its
network (100 to 700 bytes in the bundled models); past a few hundred
thousand states a level, that is most of a run's memory. Pickled `size`
states at a time (the engine's chunk), a state takes a few tens of bytes
(the pickle of a chunk writes each object once, and neighbouring states
share most of their parts).

Pickling is not free, though: a state read back shares no part with the
model's memo tables and interned records, so they fill with equal copies
and look-ups compare values where they compared identities (with every
state pickled, Paxos 3×2×3 took 1.4 times the CPU and 1.2 times the peak
memory). So a level keeps its first `whole` states as objects, the
budget, and pickles only the chunks past it: a run whose levels fit the
budget runs exactly as with lists, a larger one trades some speed for
memory that grows by tens of bytes a state.

States that cannot be pickled (a model's own types may refuse) are kept as
they are, a chunk at a time: the search does not depend on pickling.
"""

from __future__ import annotations

import pickle
from collections import deque
from typing import Any, Iterator

#: States of a level kept as objects before the next chunks are pickled.
WHOLE = 1 << 18


class Frontier:
    """States in order, appended and then read once, `size` at a time; the
    chunks past the first `whole` states are pickled."""

    __slots__ = ("size", "whole", "chunks", "pending", "count")

    def __init__(self, size: int, states: list[Any] = (), whole: int | None = None) -> None:
        self.size = size
        self.whole = WHOLE if whole is None else whole
        self.chunks: deque[bytes | list[Any]] = deque()
        self.pending: list[Any] = []  # the last chunk, until it is whole
        self.count = 0
        self.extend(states)

    def __len__(self) -> int:
        return self.count

    def extend(self, states: list[Any]) -> None:
        pending = self.pending
        pending += states
        size = self.size
        held = self.count - len(pending) + len(states)  # states in whole chunks so far
        self.count += len(states)
        if len(pending) >= size:
            full = len(pending) - len(pending) % size
            for low in range(0, full, size):
                chunk = pending[low:low + size]
                self.chunks.append(chunk if held < self.whole else pack(chunk))
                held += size
            del pending[:full]

    def take(self) -> Iterator[list[Any]]:
        """The states, `size` at a time (the last chunk may be shorter), in
        order; each chunk is let go once read, so that a level's memory is
        freed as it is expanded."""
        chunks = self.chunks
        while chunks:
            yield unpack(chunks.popleft())
        if self.pending:
            pending, self.pending = self.pending, []
            yield pending

    def states(self) -> list[Any]:
        """All the states, without consuming them."""
        every: list[Any] = []
        for chunk in self.chunks:
            every += unpack(chunk)
        return every + self.pending

    @property
    def pickled(self) -> int:
        """The chunks held pickled."""
        return sum(type(chunk) is bytes for chunk in self.chunks)


def pack(states: list[Any]) -> bytes | list[Any]:
    """`states` pickled together, or themselves if they cannot be."""
    try:
        return pickle.dumps(states, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return states


def unpack(chunk: bytes | list[Any]) -> list[Any]:
    return pickle.loads(chunk) if type(chunk) is bytes else chunk
