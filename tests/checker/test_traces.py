"""Back-pointers (`checker.traces.BackPointers`): 5 bytes a state while
ordinals fit a byte, widened (keeping every location) when one does not;
past a budget, in a file."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from checker import check, traces
from checker.frontier import SpillFailed
from checker.spec import load_spec
from checker.traces import NO_PARENT, BackPointers
from models import REGISTRY

SPECS = Path(__file__).resolve().parents[2] / "specs"


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


def test_past_the_budget_they_go_to_a_file_and_every_location_is_read_back():
    pointers = BackPointers(held=3)
    pointers.extend([NO_PARENT, 0, 0], [0, 1, 255])  # written: 3 reached the budget
    assert (len(pointers), pointers.first, pointers.nbytes, pointers.written) == (3, 3, 0, 15)
    pointers.extend([1, 1], [7, 256])  # widened in memory, after a segment of bytes
    pointers.extend(np.array([2, 5], dtype=np.uint64), np.array([70_000, 3], dtype=np.uint64))
    assert (len(pointers), pointers.first, pointers.written) == (7, 7, 15 + 4 * 8)
    pointers.extend([6], [4])
    assert (len(pointers), pointers.first, pointers.nbytes) == (8, 7, 8)
    assert [pointers.location(n) for n in range(8)] == [
        (NO_PARENT, 0), (0, 1), (0, 255), (1, 7), (1, 256), (2, 70_000), (5, 3), (6, 4)]
    assert pointers.path(7, 9) == [0, 255, 70_000, 3, 4, 9]
    # a checkpoint holds them all, in memory, as one array each
    copy = pickle.loads(pickle.dumps(pointers))
    assert (copy.first, copy.written, copy.ordinals.typecode, copy.held) == (0, 0, "I", 3)
    assert [copy.location(n) for n in range(8)] == [pointers.location(n) for n in range(8)]
    # the file has no name: nothing of it is left in the folder
    assert os.fstat(pointers.file.fileno()).st_nlink == 0


def test_a_file_that_cannot_be_written_stops_the_run_as_a_full_disk_and_keeps_them(tmp_path):
    pointers = BackPointers(directory=str(tmp_path / "gone"), held=2)
    with pytest.raises(SpillFailed, match="back-pointers in .*gone: No such file"):
        pointers.extend([NO_PARENT, 0], [0, 1])
    assert (len(pointers), pointers.first, pointers.location(1)) == (2, 0, (0, 1))


def test_a_counterexample_rebuilt_from_the_file_is_the_one_from_memory(monkeypatch):
    spec = load_spec(SPECS / "paxos-mutant-no-adopt.yaml", REGISTRY)
    expected = check(spec.build(), spec.config(workers=1))
    monkeypatch.setattr(traces, "HELD", 64)
    writes = []
    write = traces.BackPointers._write
    monkeypatch.setattr(traces.BackPointers, "_write",
                        lambda pointers: writes.append(len(pointers)) or write(pointers))
    found = check(spec.build(), spec.config(workers=1))
    # every level past the first few was written before the next was made
    assert writes == [123, 262, 496, 837, 1337, 2157, 3297, 4253] == writes[:-1] + [
        expected.stats.distinct_states]
    assert expected.violations and found.violations == expected.violations
    assert [len(finding.trace.steps) for finding in found.violations] == [13]  # 12 steps
