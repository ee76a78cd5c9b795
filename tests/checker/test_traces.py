"""Back-pointers (`checker.traces.BackPointers`): 5 bytes a state while
ordinals fit a byte, widened (keeping every location) when one does not."""

from __future__ import annotations

import numpy as np

from checker.traces import NO_PARENT, BackPointers


def test_ordinals_take_a_byte_until_one_needs_more_and_every_location_is_kept():
    pointers = BackPointers()
    pointers.extend([NO_PARENT, 0, 0], [0, 1, 255])
    assert (pointers.ordinals.typecode, pointers.nbytes) == ("B", 3 * 5)
    # 256 does not fit a byte: what fitted before it is not added twice
    pointers.extend([1, 1, 2], [7, 256, 9])
    assert (pointers.ordinals.typecode, pointers.nbytes) == ("H", 6 * 6)
    pointers.extend([2], [70_000])
    assert pointers.ordinals.typecode == "I" and len(pointers) == 7
    assert [pointers.location(n) for n in range(7)] == [
        (NO_PARENT, 0), (0, 1), (0, 255), (1, 7), (1, 256), (2, 9), (2, 70_000)]
    # the successor 3 of state 5, itself successor 9 of state 2, successor
    # 255 of state 0, the first initial state
    assert pointers.path(5, 3) == [0, 255, 9, 3]


def test_numpy_arrays_are_copied_in_bulk_and_widened_alike():
    # (as the partitioned search records a level: the keys' halves, uint64)
    pointers = BackPointers()
    pointers.extend(np.array([NO_PARENT, 0, 0], dtype=np.uint64),
                    np.array([0, 1, 255], dtype=np.uint64))
    assert (pointers.ordinals.typecode, pointers.nbytes) == ("B", 3 * 5)
    pointers.extend(np.array([1, 1, 2], dtype=np.uint64), np.array([7, 256, 9], dtype=np.uint64))
    assert pointers.ordinals.typecode == "H"
    pointers.extend(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint64))
    pointers.extend(np.array([2], dtype=np.uint64), np.array([70_000], dtype=np.uint64))
    assert pointers.ordinals.typecode == "I" and len(pointers) == 7
    assert [pointers.location(n) for n in range(7)] == [
        (NO_PARENT, 0), (0, 1), (0, 255), (1, 7), (1, 256), (2, 9), (2, 70_000)]
