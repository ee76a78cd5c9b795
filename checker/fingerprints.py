"""The visited set: 64-bit fingerprints of the states seen so far.

States themselves are not kept: a fingerprint is Python's 64-bit `hash` of
the state (structural for tuples, frozensets and frozen dataclasses). As in
TLC, two distinct states with equal fingerprints would be taken for one; the
engine reports the probability of that (see `collision_probability`).

Layout, chosen for memory: the levels already finished live in one sorted
numpy array (8 bytes a state), searched in batches; the level being built
lives in a Python set and is merged into the array when the level ends.
numpy is used because its sorted arrays and vectorised search are exactly
this job, at a tenth of the memory of a Python set of ints.
"""

from __future__ import annotations

import numpy as np

_INT64 = np.int64


class FingerprintStore:
    """Fingerprints of every visited state, level by level."""

    def __init__(self) -> None:
        self._finished = np.empty(0, dtype=_INT64)
        self._level: set[int] = set()

    def __len__(self) -> int:
        return len(self._finished) + len(self._level)

    def unseen_in_finished(self, fingerprints: list[int]) -> list[int]:
        """Positions in `fingerprints` of those not in the finished levels."""
        if not fingerprints:
            return []
        batch = np.fromiter(fingerprints, dtype=_INT64, count=len(fingerprints))
        finished = self._finished
        if len(finished) == 0:
            return list(range(len(fingerprints)))
        slots = np.searchsorted(finished, batch)
        np.minimum(slots, len(finished) - 1, out=slots)
        return np.flatnonzero(finished[slots] != batch).tolist()

    def add_to_level(self, fingerprint: int) -> bool:
        """Record a fingerprint of the level being built; False if it was
        already there."""
        level = self._level
        if fingerprint in level:
            return False
        level.add(fingerprint)
        return True

    def finish_level(self) -> None:
        """Merge the level being built into the finished levels."""
        if not self._level:
            return
        added = np.fromiter(self._level, dtype=_INT64, count=len(self._level))
        added.sort()
        self._finished = np.insert(self._finished,
                                   np.searchsorted(self._finished, added), added)
        self._level = set()

    @property
    def nbytes(self) -> int:
        """Bytes held for the finished levels (the set of the level being
        built is transient)."""
        return int(self._finished.nbytes)


def collision_probability(distinct: int, generated: int) -> float:
    """TLC's optimistic estimate of a fingerprint collision having occurred:
    each of the ``generated - distinct`` look-ups of a known state could have
    matched one of `distinct` fingerprints by chance."""
    return distinct * max(generated - distinct, 0) / 2.0 ** 64
