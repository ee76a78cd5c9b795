"""A level is shared out between partitions a chunk at a time, each state
to the partition owning its fingerprint, with its number, into spools that
keep to their budgets (a level resumed from a checkpoint may be large)."""

from __future__ import annotations

from itertools import chain
from types import SimpleNamespace

import numpy as np

from checker import frontier
from checker.partition import shares
from checker.partition_exchange import owners_of


def test_a_level_is_shared_out_by_owner_a_chunk_at_a_time_into_spools(tmp_path, monkeypatch):
    monkeypatch.setattr(frontier, "WHOLE", 8)  # each of 2 spools: 4 states as objects,
    monkeypatch.setattr(frontier, "MEMORY", 0)  # then every chunk on disk
    monkeypatch.setattr("checker.successors.CHUNK", 4)
    search = SimpleNamespace(fingerprint=lambda state: state * 0x9E3779B97F4A7C15 % 2**64,
                             config=SimpleNamespace(exact=False),
                             directory=frontier.WorkDirectory(str(tmp_path)))
    states = list(range(1000, 1050))
    read = []

    def chunks():
        for low in range(0, 50, 10):
            read.append(low)
            yield states[low:low + 10]

    parts = shares(search, chunks(), 7, 2, range(2))
    owners = owners_of([search.fingerprint(state) for state in states], 2, False)
    for index, (level, numbers) in parts.items():
        assert len(level) == len(numbers)
        mine = [k for k in range(50) if owners[k] == index]
        assert numbers.dtype == np.uint64 and numbers.tolist() == [7 + k for k in mine]
        assert level.writer is None  # closed: a forked process reads it
        assert level.on_disk == (len(mine) - 4) // 4
        assert list(chain.from_iterable(level.take())) == [states[k] for k in mine]
    assert read == [0, 10, 20, 30, 40]
    assert sum(len(level) for level, _ in parts.values()) == 50
    only = shares(search, [states], 7, 2, [1])
    assert list(only) == [1] and only[1][1].tolist() == parts[1][1].tolist()
