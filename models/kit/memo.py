"""Bounded memo tables for handler results, with hit and miss counts.

A handler's result depends only on the node's record and its input (a
message, a choice, the messages it reads), so it is computed once per
distinct input and looked up after that: the same acceptor receiving the
same 2a in a thousand global states runs its handler once. Looking up is a
C dict access; only misses run Python (`__missing__`). A table that reaches
its `limit` starts over, which bounds memory and costs only recomputation.
"""

from __future__ import annotations

from typing import Any, Callable

#: Entries a table holds before it starts over. The tables are the largest
#: constant of a long run (an entry of Paxos's 1b sets split by receiver
#: takes about 1.9 KB): with 2^18 entries a table, Paxos 3x2x4 peaked at
#: 1,366 MiB, with 2^16 at 706 MiB for the same CPU time (docs/scale.md).
LIMIT = 1 << 16


class Memo(dict):
    """``table[key]`` is ``compute(key)``, computed once (until the table
    starts over). `misses` counts computations; hits are counted by the
    caller, who knows how many look-ups it made (see `ActorModel.memo_stats`),
    to keep the common path a bare dict access."""

    def __init__(self, compute: Callable[[Any], Any], limit: int = LIMIT):
        super().__init__()
        self.compute = compute
        self.limit = limit
        self.misses = 0
        self.restarts = 0

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
            self.restarts += 1
        self.misses += 1
        value = self[key] = self.compute(key)
        return value


class Interned(dict):
    """One shared copy of each equal value (records, message sets), so that
    equal parts of different states are one object: less memory, and
    frozensets hash once."""

    def __init__(self, limit: int = LIMIT):
        super().__init__()
        self.limit = limit

    def __call__(self, value: Any) -> Any:
        # Keyed by type too: records of two types with equal fields are
        # equal as tuples.
        key = (type(value), value)
        found = self.get(key)
        if found is None:
            if len(self) >= self.limit:
                self.clear()
            found = self[key] = value
        return found
