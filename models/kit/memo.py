"""Bounded memo tables for handler results, with hit and miss counts.

A handler's result depends only on the node's record and its input (a
message, a choice, the messages it reads), so it is computed once per
distinct input and looked up after that: the same acceptor receiving the
same 2a in a thousand global states runs its handler once. Looking up is a
C dict access; only misses run Python (`__missing__`). A table that reaches
its `limit` starts a new generation (`Memo`), which bounds memory and costs
only recomputation of entries no longer in use.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any, Callable

from checker.errors import ModelDefinitionError
from checker.record_types import differing

#: Entries of a table's generation; a table holds at most two (2^16 in all).
#: The tables are the largest constant of a long run (an entry of Paxos's
#: 1b sets split by receiver takes about 1.9 KB): with 2^18 entries a table,
#: Paxos 3x2x4 peaked at 1,366 MiB, with 2^16 at 706 MiB for the same CPU
#: time (docs/scale.md).
LIMIT = 1 << 15
#: What a generation's `limit` is divided by: 2 where a search runs in
#: several processes, each with its own tables (`share`).
_divisor = 1
#: How many of its first keys a table of a model's own code computes twice
#: (`Memo`'s `differs`): a handler drawing at random differs on almost any.
CHECKED = 32


def share(processes: int) -> None:
    """Tables keep generations half as large while several processes run a
    search: each fills its own, and with full ones two processes held
    nearly twice one's memory (Paxos 3x2x4: 855 MiB in all with half, 1,018
    with full ones; the plans computed again did not slow the run:
    docs/scale.md)."""
    global _divisor
    _divisor = 2 if processes > 1 else 1


class Memo(dict):
    """``table[key]`` is ``compute(key)``, computed once (while it stays in
    the table). `misses` counts computations; hits are counted by the
    caller, who knows how many look-ups it made (see `ActorModel.memo_stats`),
    to keep the common path a bare dict access.

    A full table starts a new generation (`restarts` counts them): its
    entries become the previous generation, and an entry looked up again is
    moved back instead of computed. So at most twice `limit` entries are
    held, and the entries in use survive a restart: clearing them all made
    each forked partition recompute its working set after every restart
    (Paxos 3x2x3 with two processes took 4.2 s against 3.1 s)."""

    def __init__(self, compute: Callable[[Any], Any], limit: int = LIMIT,
                 differs: Callable[[Any, Any, Any], Exception] | None = None,
                 checked_by: Callable[[Any], Any] = lambda key: None):
        super().__init__()
        self.compute = compute
        self.limit = limit
        self.misses = 0
        self.restarts = 0
        self.previous: dict = {}
        # With `differs`, the first `CHECKED` keys of each kind (`checked_by`:
        # a handler's, whose steps may first come late in a run) are computed
        # twice: a compute that runs a model's own code (a handler, its
        # choices) must be a function of its key, or the table would hide the
        # difference; `differs(key, first, second)` is the error raised.
        self.differs = differs
        self.checked_by = checked_by
        self.checked: dict[Any, int] | None = {} if differs is not None else None

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.limit // _divisor:
            self.previous = dict(self)
            self.clear()
            self.restarts += 1
        value = self.previous.pop(key, _ABSENT)
        if value is _ABSENT:
            self.misses += 1
            value = self.compute(key)
            if self.checked is not None:
                self._check(key, value)
        self[key] = value
        return value


    def _check(self, key: Any, value: Any) -> None:
        kind = self.checked_by(key)
        left = self.checked.get(kind, CHECKED)
        if left:
            self.checked[kind] = left - 1
            again = self.compute(key)
            if again != value:
                raise self.differs(key, value, again)


_ABSENT = object()


class Interned(dict):
    """One shared copy of each equal value (records, message sets), so that
    equal parts of different states are one object: less memory, and
    frozensets hash once.

    Records of two types with equal fields are equal tuples, and so would be
    a record holding one and a record holding the other (``Got(last=Ack(p,
    q))``, ``Got(last=Rel(p, q))``): the second would be replaced by the
    first, and with it the state. Such a pair is refused (`owner` names the
    model in the message); scalars equal across types (True and 1) are not
    told apart, as they behave alike."""

    def __init__(self, limit: int = LIMIT, owner: str | None = None):
        super().__init__()
        self.limit = limit
        self.owner = owner  # None: the values are of one type throughout, unchecked
        self.nested: dict[type, bool] = {}  # whether a type's fields may hold records

    def __call__(self, value: Any) -> Any:
        # Keyed by type too: records of two types with equal fields are
        # equal as tuples.
        key = (type(value), value)
        found = self.get(key)
        if found is None:
            if len(self) >= self.limit // _divisor:
                self.clear()
            found = self[key] = value
        elif found is not value and self.owner is not None and self._nested(type(value)) \
                and differing(found, value) is not None:
            raise ModelDefinitionError(
                f"{self.owner}{value!r} and {found!r} are equal, as Python compares records "
                "(named tuples) of two types with equal fields, so the checker would take "
                "states holding one for states holding the other; give the types fields "
                "that tell them apart (a kind field, as TLA+ records carry type) or hold "
                "them in fields of their own")
        return found


    def _nested(self, kind: type) -> bool:
        known = self.nested.get(kind)
        if known is None:
            known = self.nested[kind] = not _flat(kind)
        return known


_SCALARS = (int, float, str, bytes, type(None), enum.Enum)


def _flat(kind: type) -> bool:
    """Whether every field of record type `kind` is declared a scalar (an
    int, a node id, a string, None, ...), so that it holds no record."""
    if not (issubclass(kind, tuple) and hasattr(kind, "_fields")):
        return False
    try:
        hints = typing.get_type_hints(kind)
    except Exception:  # noqa: BLE001 (a hint that does not resolve: not known flat)
        return False
    for field in kind._fields:
        hint = hints.get(field)
        options = (typing.get_args(hint) if typing.get_origin(hint) in (typing.Union,
                                                                      types.UnionType)
                   else (hint,))
        if not all(isinstance(option, type) and issubclass(option, _SCALARS)
                   for option in options):
            return False
    return True


def handler_of(key: tuple) -> tuple:
    """The handler a key of a table of handlers' results is of: the node's
    role and the handler's name, its first two items."""
    return type(key[0]), key[1]
