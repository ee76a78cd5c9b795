"""Fixtures shared by the tests of the partitioned search (forked and Ray)."""

from __future__ import annotations

import pytest

from checker import partitioned


@pytest.fixture
def given(monkeypatch) -> list[tuple[int, int, int]]:
    """Partitions balanced with no slack, so that states are given away at
    almost every level; the transfers (giver, taker, count) made."""
    made = []
    balance = partitioned._balance

    def counted(sizes, speeds):
        transfers = balance(sizes, speeds)
        made.extend(transfers)
        return transfers

    monkeypatch.setattr(partitioned, "BALANCE", 1.0)
    monkeypatch.setattr(partitioned, "_balance", counted)
    return made


@pytest.fixture
def equal_speeds(monkeypatch) -> None:
    """Partitions taken as equally fast, so that each holds its share of
    every level however busy the machine is (a partition time-sliced on a
    loaded machine measures slow and is given few states)."""
    monkeypatch.setattr(partitioned.Partitions, "_speeds",
                        lambda partitions, work: [1.0] * partitions.count)
