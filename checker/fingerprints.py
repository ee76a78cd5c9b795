"""The visited set: 64-bit fingerprints of the states seen so far.

States themselves are not kept: a fingerprint is Python's 64-bit `hash` of
the state (structural for tuples, frozensets and frozen dataclasses). As in
TLC, two distinct states with equal fingerprints would be taken for one; the
engine reports the probability of that (see `collision_probability`).

The set is an open-addressing hash table (linear probing) in one numpy
int64 array, kept between 35% and 70% full: 11 to 23 bytes a state, where a
Python set of ints costs about 60. Look-ups and insertions go in batches
(thousands of successors at a time) as vectorised numpy operations, which
also makes them faster than a Python set. numpy is used because it is the
standard way to do exactly this kind of bulk array work in Python.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing spreads any bits
_EMPTY = 0
# Fingerprints are stored xor a constant, so that the empty marker 0 stands
# for an arbitrary 64-bit value rather than for hash(0) == 0; that one value
# is stored as _ZERO_STANDIN (a collision with probability 2**-64).
_SALT = np.int64(0x2545F4914F6CDD1D)
_ZERO_STANDIN = np.int64(0x1D8E4E27C47D124F)
_MAX_LOAD = 0.7


class FingerprintStore:
    """Fingerprints of every visited state."""

    def __init__(self, bits: int = 10) -> None:
        self._bits = bits
        self._table = np.zeros(1 << bits, dtype=np.int64)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return int(self._table.nbytes)

    def add_new(self, fingerprints: list[int], limit: int | None = None,
                record: bool = True) -> list[int]:
        """Positions in `fingerprints` of those never seen before, in order
        (the first of equal ones), at most `limit` of them; records them
        unless `record` is false."""
        if not fingerprints:
            return []
        batch = self._stored_form(fingerprints)
        unseen = np.flatnonzero(~self._contains(batch))
        if len(unseen) == 0:
            return []
        _, first = np.unique(batch[unseen], return_index=True)
        new = np.sort(unseen[first])
        if limit is not None:
            new = new[:limit]
        if record and len(new):
            self._insert(batch[new])
        return new.tolist()

    def unseen(self, fingerprints: list[int]) -> list[int]:
        """Positions in `fingerprints` of those not recorded; records nothing."""
        if not fingerprints:
            return []
        return np.flatnonzero(~self._contains(self._stored_form(fingerprints))).tolist()

    @staticmethod
    def _stored_form(fingerprints: list[int]) -> np.ndarray:
        batch = np.fromiter(fingerprints, dtype=np.int64, count=len(fingerprints))
        batch ^= _SALT
        batch[batch == _EMPTY] = _ZERO_STANDIN
        return batch

    def _slots(self, values: np.ndarray) -> np.ndarray:
        product = values.view(np.uint64) * _GOLDEN
        return (product >> np.uint64(64 - self._bits)).astype(np.int64)

    def _contains(self, values: np.ndarray) -> np.ndarray:
        table, mask = self._table, len(self._table) - 1
        found = np.zeros(len(values), dtype=bool)
        pending = np.arange(len(values))
        slots = self._slots(values)
        while len(pending):
            held = table[slots]
            wanted = values[pending]
            found[pending[held == wanted]] = True
            probe_on = (held != wanted) & (held != _EMPTY)
            pending = pending[probe_on]
            slots = (slots[probe_on] + 1) & mask
        return found

    def _insert(self, values: np.ndarray) -> None:
        """Insert distinct fingerprints not yet present."""
        needed = self._count + len(values)
        if needed > _MAX_LOAD * len(self._table):
            bits = self._bits
            while needed > _MAX_LOAD * (1 << bits):
                bits += 1
            held = self._table[self._table != _EMPTY]
            self._bits, self._table = bits, np.zeros(1 << bits, dtype=np.int64)
            self._place(held)
        self._place(values)
        self._count = needed

    def _place(self, values: np.ndarray) -> None:
        table, mask = self._table, len(self._table) - 1
        pending = np.arange(len(values))
        slots = self._slots(values)
        while len(pending):
            free = np.flatnonzero(table[slots] == _EMPTY)
            placed = np.zeros(len(pending), dtype=bool)
            if len(free):
                # Several values may want one free slot: the first takes it,
                # the others probe on.
                claimed, first = np.unique(slots[free], return_index=True)
                winners = free[first]
                table[claimed] = values[pending[winners]]
                placed[winners] = True
            pending = pending[~placed]
            slots = (slots[~placed] + 1) & mask


def collision_probability(distinct: int, generated: int) -> float:
    """TLC's optimistic estimate of a fingerprint collision having occurred:
    each of the ``generated - distinct`` look-ups of a known state could have
    matched one of `distinct` fingerprints by chance."""
    return distinct * max(generated - distinct, 0) / 2.0 ** 64
