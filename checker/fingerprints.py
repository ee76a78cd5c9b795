"""The visited set: 64-bit fingerprints of the states seen so far.

A fingerprint is xxHash's XXH3 (64 bits, seeded) of a canonical encoding of
the state (`Fingerprints`): the same for equal states in any process, under
any PYTHONHASHSEED, whatever order a frozenset was built in; two distinct
states share one only by chance, about 2**-64 a pair. (Python's `hash` is not
one: hash(-1) == hash(-2), and a tuple's hash is a function of its items'.)
States themselves are not kept; as in TLC, two distinct states with equal
fingerprints would be taken for one, and the engine reports the probability
of that (`collision_probability`). Another seed gives independent
fingerprints (TLC's -fp). `ExactStore` keeps the states instead, for runs
that must not depend on chance.

The set is an open-addressing hash table (linear probing) in one numpy
uint64 array, kept between 35% and 70% full: 11 to 23 bytes a state, where a
Python set of ints costs about 60. Look-ups and insertions go in batches
(thousands of successors at a time) as vectorised numpy operations, which
also makes them faster than a Python set. numpy is used because it is the
standard way to do exactly this kind of bulk array work in Python.
"""

from __future__ import annotations

import dataclasses
import enum
import mmap
import os
import struct
import sys
from collections.abc import Mapping
from itertools import chain, repeat
from typing import Any, Callable, Iterable, Iterator

import numpy as np
from xxhash import xxh3_64_intdigest

from checker.symmetry import Remembered

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing spreads any bits
_EMPTY = 0
# Fingerprints are stored xor a constant, so that the empty marker 0 stands
# for an arbitrary 64-bit value; that one value is stored as _ZERO_STANDIN
# (a collision with probability 2**-64).
_SALT = np.uint64(0x2545F4914F6CDD1D)
_ZERO_STANDIN = np.uint64(0x1D8E4E27C47D124F)
_MAX_LOAD = 0.7
#: Slots of the old table moved at a time when the table grows.
_MOVED = 1 << 20
#: Past its first slot, a value probes on one slot at a time while more
#: than `_FEW` of a batch do, then a window of slots at a time: the
#: values left in long runs would take a round of numpy calls a slot
#: (at 67% load a batch of 160 took 26 rounds on average, 90 at worst),
#: and the many early on would fetch slots they do not need.
_WINDOW = np.arange(16, dtype=np.int64)
_FEW = 256


#: Entries of each table of remembered encodings before it starts over.
ENCODINGS_REMEMBERED = 1 << 14


class Fingerprints:
    """``fingerprints(state)``: the state's 64-bit fingerprint, an unsigned int.

    The encoding is canonical for Python equality, which is what makes two
    states one state in the engine: equal values encode alike (1, 1.0 and
    True are one int; a named tuple is its fields, as it equals the plain
    tuple; a frozen dataclass is its class and compared fields), and every
    encoding says its type and length, so unequal values encode
    differently. Inside another value, a tuple, dataclass or mapping is
    encoded by its own fingerprint (``#`` and 8 bytes, a Merkle tree): two
    distinct parts share one only by chance, 2**-64. A frozenset is encoded
    by its size and the sum (mod 2**64) of its members' fingerprints, the
    standard multiset hash: independent of the order it was built in, and
    two unequal sets share a sum only by chance, 2**-64 (their sums differ
    by a ±1 combination of independent fingerprints). So two distinct
    states collide with probability about 2**-64, a few times that at most
    for deeply nested states.

    Speed: every successor is fingerprinted. A state's parts are
    remembered with their encodings (a bounded table keyed by the part:
    states share records, messages and message sets), so that a state
    costs a dict look-up per part at C speed, and `of_all` encodes a batch
    of tuples of one length (a model's states, as a rule) in C-level loops
    only: a Python call per state would cost more than the hashing.
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._encoders: dict[type, Callable[[Any], bytes]] = {
            int: _int, bool: _int, str: _str, bytes: _bytes, float: _float,
            type(None): _none, tuple: self._tuple, frozenset: self._frozenset}
        # Small tables: what is met again is mostly met soon, and a larger
        # table holding the states' parts costs memory and cache misses.
        self._parts = _Parts(self, ENCODINGS_REMEMBERED)
        self._member_fingerprints = Remembered(self._member_fingerprint,
                                               size=ENCODINGS_REMEMBERED)

    def __call__(self, state: Any) -> int:
        return xxh3_64_intdigest(self.encode(state), self.seed)

    def of_all(self, states: list[Any]) -> list[int]:
        """The fingerprints of `states`, in C-level loops."""
        return list(map(xxh3_64_intdigest, self._encodings(states), repeat(self.seed)))

    def _encodings(self, values: list[Any]) -> Iterable[bytes]:
        """The encodings of `values`: with no Python call per value when
        they are tuples of one length (a model's states, as a rule); a part
        not remembered costs one (`_Parts`)."""
        if not (values and all(issubclass(kind, tuple) for kind in set(map(type, values)))
                and len(set(map(len, values))) == 1):
            return map(self.encode, values)
        size = len(values[0])
        parts = map(self._parts.__getitem__, chain.from_iterable(values))
        # grouped back into rows of one value each: a tuple's head, its parts
        return map(b"".join, zip(repeat(_tuple_head(size)), *[parts] * size))

    def forget(self) -> None:
        """Let go of the remembered encodings (when memory runs out)."""
        self._parts.clear()
        self._member_fingerprints.clear()

    def encode(self, value: Any) -> bytes:
        """The canonical encoding of `value`. ``TypeError`` when a value has
        none (it is unhashable, or of a type without one)."""
        encoder = self._encoders.get(type(value))
        if encoder is None:
            encoder = self._encoders[type(value)] = self._encoder_of(type(value))
        return encoder(value)

    def _part(self, value: Any) -> bytes:
        """The encoding of `value` inside another: its own if it is a
        scalar or a frozenset (short either way), else its fingerprint."""
        encoding = self.encode(value)
        if encoding[0] in _KEPT_WHOLE:
            return encoding
        return b"#" + xxh3_64_intdigest(encoding, self.seed).to_bytes(8, "little")

    def _tuple(self, value: tuple) -> bytes:
        size = len(value)
        return ((_TUPLE_HEADS[size] if size < 255 else b"(" + _length(size))
                + b"".join(map(self._parts.__getitem__, value)))

    def _frozenset(self, value: frozenset) -> bytes:
        total = sum(map(self._member_fingerprints.__getitem__, value))
        size = len(value)
        return ((_SET_HEADS[size] if size < 255 else b"{" + _length(size))
                + (total & _MASK).to_bytes(8, "little"))

    def _member_fingerprint(self, member: Any) -> int:
        return xxh3_64_intdigest(self.encode(member), self.seed)

    def _dataclass(self, value: Any) -> bytes:
        kind = type(value)
        return (b"d" + _str(f"{kind.__module__}.{kind.__qualname__}")
                + self._tuple(tuple(getattr(value, field.name)
                                    for field in dataclasses.fields(value) if field.compare)))

    def _mapping(self, value: Mapping) -> bytes:
        get = self._parts.__getitem__
        return b"m" + _length(len(value)) + b"".join(
            sorted(get(key) + get(item) for key, item in value.items()))

    def _encoder_of(self, kind: type) -> Callable[[Any], bytes]:
        # Subclasses encode as the base they compare equal to (IntEnum as
        # int, a named tuple as tuple).
        for base in (bool, int, float, str, bytes, tuple, frozenset):
            if issubclass(kind, base):
                return self._encoders[base]
        if dataclasses.is_dataclass(kind) and kind.__dataclass_params__.eq:
            return self._dataclass
        if issubclass(kind, enum.Enum):
            return _enum_member
        if issubclass(kind, Mapping) and kind.__hash__ is not None:
            return self._mapping  # an immutable mapping; a dict is refused
        raise TypeError(f"a state holds a {kind.__qualname__}, which has no "
                        "canonical encoding to fingerprint")


_MASK = (1 << 64) - 1
_LENGTHS = [bytes((n,)) for n in range(255)]
_TUPLE_HEADS = [b"(" + length for length in _LENGTHS]
_SET_HEADS = [b"{" + length for length in _LENGTHS]
#: First bytes of the encodings that a part keeps whole: those of scalars
#: (int, float, str, bytes, None, enum member) and frozensets.
_KEPT_WHOLE = frozenset(b"ifsbne{")
_DOUBLE = struct.Struct("<d")


def _tuple_head(size: int) -> bytes:
    return _TUPLE_HEADS[size] if size < 255 else b"(" + _length(size)


def _length(n: int) -> bytes:
    return _LENGTHS[n] if n < 255 else b"\xff" + n.to_bytes(8, "little")


def _int(value: int) -> bytes:
    size = (value.bit_length() + 8) // 8  # sign and magnitude, never truncated
    return b"i" + _length(size) + int(value).to_bytes(size, "little", signed=True)


def _float(value: float) -> bytes:
    if value.is_integer():  # 2.0 == 2, -0.0 == 0: one value, one encoding
        return _int(int(value))
    return b"f" + _DOUBLE.pack(value)


def _str(value: str) -> bytes:
    data = value.encode("utf-8", "surrogatepass")
    return b"s" + _length(len(data)) + data


def _bytes(value: bytes) -> bytes:
    return b"b" + _length(len(value)) + bytes(value)


def _none(value: None) -> bytes:
    return b"n"


def _enum_member(value: enum.Enum) -> bytes:
    kind = type(value)
    return b"e" + _str(f"{kind.__module__}.{kind.__qualname__}") + _str(value.name)


class _Parts(dict):
    """``parts[value]``: the encoding of `value` inside another value (see
    `Fingerprints`), remembered; starts over when it holds `size` entries.
    A tuple met for the first time (in most new states, one is) is encoded
    here with no call but this one."""

    def __init__(self, fingerprints: Fingerprints, size: int) -> None:
        super().__init__()
        self.fingerprints, self.seed, self.size = fingerprints, fingerprints.seed, size

    def __missing__(self, value: Any) -> bytes:
        if type(value) is tuple and len(value) < 255:
            encoding = b"#" + xxh3_64_intdigest(
                _TUPLE_HEADS[len(value)] + b"".join(map(self.__getitem__, value)),
                self.seed).to_bytes(8, "little")
        else:
            encoding = self.fingerprints._part(value)
        if len(self) >= self.size:
            self.clear()
        self[value] = encoding
        return encoding


class _PrivateStore:
    """What the partitioned search asks of a visited set that a process
    holds of its own (an exact one, or where memory cannot be shared): it
    serves every partition as it is and keeps what it sent (`SharedVisited`
    is the one that differs)."""

    #: The last batch `add_new` looked up, as a numpy array (a one-to-one
    #: image of the fingerprints), for `checker.record_types` to pick its
    #: sample by at no cost; None for an exact store.
    looked_up: np.ndarray | None = None

    def of_partition(self, index: int) -> "_PrivateStore":
        return self

    def decided(self) -> None:
        """Nothing to forget: what this process sent stays recorded."""

    def private(self) -> "_PrivateStore":
        return self

    def parts(self) -> Iterator[Any]:
        """What the store holds, in parts another store can `take` one at
        a time (a checkpoint writes them so): its entries."""
        yield self.entries()

    def empty(self) -> "_PrivateStore":
        """A visited set of this kind, holding nothing."""
        return type(self)()


class ExactStore(_PrivateStore):
    """The visited set as the states themselves: no two distinct states can
    be taken for one. Fed states where `FingerprintStore` is fed
    fingerprints, with the same interface."""

    def __init__(self) -> None:
        self._states: set[Any] = set()

    def __len__(self) -> int:
        return len(self._states)

    @property
    def nbytes(self) -> int:
        return sys.getsizeof(self._states)  # the table; the states are counted in the peak

    def add_new(self, states: list[Any], limit: int | None = None,
                record: bool = True) -> list[int]:
        seen, met, new = self._states, set(), []
        for position, state in enumerate(states):
            if limit is not None and len(new) >= limit:
                break
            if state not in seen and state not in met:
                met.add(state)
                new.append(position)
        if record:
            seen |= met
        return new

    def add_all(self, states: list[Any]) -> None:
        """Record `states`, none of them recorded yet."""
        self._states.update(states)

    def unseen(self, states: list[Any]) -> list[int]:
        seen = self._states
        return [position for position, state in enumerate(states) if state not in seen]

    def entries(self) -> set[Any]:
        """What the store holds, for `take` by another store."""
        return self._states

    def take(self, entries: set[Any]) -> None:
        """Record the `entries` of another store (some may be here)."""
        self._states |= entries


class FingerprintStore(_PrivateStore):
    """Fingerprints of every visited state.

    The table lies in a mapping of its own (`_Table`), so that when it grows
    the old table's pages are given back as their fingerprints move: the
    old and the new table held whole at once were the peak of a long run
    (the table takes a third of its memory then)."""

    def __init__(self, bits: int = 10) -> None:
        self._bits = bits
        self._mapped = _Table(1 << bits)
        self._table = self._mapped.slots
        self._count = 0

    def __getstate__(self) -> dict[str, Any]:  # a checkpoint: the mapping is not pickled
        return {"bits": self._bits, "count": self._count, "table": self._table}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._bits, self._count = state["bits"], state["count"]
        self._mapped = _Table(len(state["table"]))
        self._table = self._mapped.slots
        self._table[:] = state["table"]

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return int(self._table.nbytes)

    def add_new(self, fingerprints: list[int], limit: int | None = None,
                record: bool = True) -> list[int]:
        """Positions in `fingerprints` of those never seen before, in order
        (the first of equal ones), at most `limit` of them; records them
        unless `record` is false. (A list, or a numpy array of uint64.)"""
        if len(fingerprints) == 0:
            return []
        batch = self.looked_up = self._stored_form(fingerprints)
        new = _first_unseen(batch, ~self._contains(batch), limit)
        if record and len(new):
            self._insert(batch[new])
        return new.tolist()

    def add_all(self, fingerprints: list[int]) -> None:
        """Record `fingerprints`: distinct, and none of them recorded yet
        (as `add_new` with ``record=False`` leaves them)."""
        if len(fingerprints):
            self._insert(self._stored_form(fingerprints))

    def unseen(self, fingerprints: list[int]) -> list[int]:
        """Positions in `fingerprints` of those not recorded; records nothing."""
        if len(fingerprints) == 0:
            return []
        return np.flatnonzero(~self._contains(self._stored_form(fingerprints))).tolist()

    def entries(self) -> np.ndarray:
        """What the store holds (in its stored form), for `take` by another store."""
        return self._table[self._table != _EMPTY]

    def parts(self) -> Iterator[np.ndarray]:
        """As `entries`, a slice of the table at a time (`_filled`)."""
        return _filled(self._table)

    def take(self, entries: np.ndarray) -> None:
        """Record the `entries` of another store (distinct; some may be here)."""
        entries = entries[~self._contains(entries)]
        if len(entries):
            self._insert(entries)

    def clear(self) -> None:
        """Forget every fingerprint (the table keeps its size)."""
        self._table[:] = _EMPTY
        self._count = 0

    @staticmethod
    def _stored_form(fingerprints: Any) -> np.ndarray:
        if isinstance(fingerprints, np.ndarray):
            batch = fingerprints ^ _SALT
        else:
            batch = np.fromiter(fingerprints, dtype=np.uint64, count=len(fingerprints))
            batch ^= _SALT
        batch[batch == _EMPTY] = _ZERO_STANDIN
        return batch

    def _slots(self, values: np.ndarray) -> np.ndarray:
        return _slots_of(values, self._bits)

    def _contains(self, values: np.ndarray) -> np.ndarray:
        return _contains(self._table, values, self._slots(values))

    def _insert(self, values: np.ndarray) -> None:
        """Insert distinct fingerprints not yet present."""
        needed = self._count + len(values)
        if needed > _MAX_LOAD * len(self._table):
            bits = self._bits
            while needed > _MAX_LOAD * (1 << bits):
                bits += 1
            old, self._mapped = self._mapped, _Table(1 << bits)
            self._bits, self._table = bits, self._mapped.slots
            _move(old, self._table, bits)
        self._place(values)
        self._count = needed

    def _place(self, values: np.ndarray) -> None:
        _place(self._table, values, self._slots(values))


def _first_unseen(batch: np.ndarray, unseen: np.ndarray, limit: int | None) -> np.ndarray:
    """Positions in `batch` of the first of each value where `unseen`, in
    order, at most `limit` of them."""
    positions = np.flatnonzero(unseen)
    if len(positions):
        _, first = np.unique(batch[positions], return_index=True)
        positions = np.sort(positions[first])
    return positions if limit is None else positions[:limit]


def _move(old: "_Table", table: np.ndarray, bits: int) -> None:
    """Place the values of table `old` in `table` (of 2**bits slots), a
    block at a time, each given back once moved: a copy of every value
    would add half the old table to the peak memory, and the old table kept
    whole all of it. (As a value's slot doubles with the table, the blocks
    fill the new table in order: it grows as the old one goes.)"""
    for low in range(0, len(old.slots), _MOVED):
        block = old.slots[low:low + _MOVED]
        values = block[block != _EMPTY]
        _place(table, values, _slots_of(values, bits))
        old.give_back(low, _MOVED)


def _slots_of(values: np.ndarray, bits: Any) -> np.ndarray:
    """Each value's first slot in a table of 2**bits slots (`bits`: one, or
    one a value): Fibonacci hashing, the top bits of the product, so that
    a value's slot in a table twice the size is twice its slot or one more
    (a table grows by moving its slots in order: `FingerprintStore._insert`)."""
    shift = (np.uint64(64 - bits) if isinstance(bits, int)
             else np.uint64(64) - bits.astype(np.uint64))
    return ((values * _GOLDEN) >> shift).astype(np.int64)


def _contains(table: np.ndarray, values: np.ndarray, slots: np.ndarray,
              regions: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Which `values` are in the linear-probing `table`, each looked for
    from its slot in `slots` on: in the whole table, or, given `regions`
    (each value's region's first slot and its size less one), in its
    region (slots ``base + (slot & mask)``)."""
    if regions is None:
        base, mask = 0, len(table) - 1
        held = table[slots]
    else:
        base, mask = regions
        held = table[base + slots]
    found = held == values
    # most look-ups end at their first slot: only the others probe on
    # (`_WINDOW`)
    pending = np.flatnonzero(~found & (held != _EMPTY))
    slots = slots[pending] + 1
    while len(pending):
        width = 1 if len(pending) > _FEW else len(_WINDOW)
        if regions is None:
            at = (slots[:, None] + _WINDOW[:width]) & mask
        else:
            at = base[pending][:, None] + (
                (slots[:, None] + _WINDOW[:width]) & mask[pending][:, None])
        window = table[at]
        hit = (window == values[pending][:, None]).any(axis=1)
        found[pending[hit]] = True
        # (with no deletions, no empty slot lies between a value's
        # first slot and where it is)
        on = ~hit & (window != _EMPTY).all(axis=1)
        pending = pending[on]
        slots = slots[on] + width
    return found


def _place(table: np.ndarray, values: np.ndarray, slots: np.ndarray) -> None:
    """Write distinct `values`, none in `table` yet, each at its first free
    slot from `slots` on (wrapping around: ``len(table)`` is a power of 2)."""
    mask = len(table) - 1
    while len(values) > _FEW:
        # Several values may want one free slot: all are written, one
        # of them stays there (values are distinct), the others probe on.
        free = table[slots] == _EMPTY
        table[slots[free]] = values[free]
        on = table[slots] != values
        values, slots = values[on], (slots[on] + 1) & mask
    while len(values):  # the few left, a window of slots at a time
        empty = table[(slots[:, None] + _WINDOW) & mask] == _EMPTY
        some = empty.any(axis=1)
        target = (slots + empty.argmax(axis=1)) & mask
        table[target[some]] = values[some]
        on = ~(some & (table[target] == values))
        slots = np.where(some, target + 1, slots + len(_WINDOW))[on]
        values = values[on]


def _huge(mapping: mmap.mmap) -> None:
    """Ask for huge pages, as numpy does for its large arrays: a look-up
    goes to a random slot, and with pages of 4 KiB most miss the TLB (a
    run of Raft with 3 servers took 10% longer). Where the system has none
    to give (or gives none to shared memory), nothing changes."""
    if hasattr(mapping, "madvise") and hasattr(mmap, "MADV_HUGEPAGE"):
        try:
            mapping.madvise(mmap.MADV_HUGEPAGE)
        except OSError:
            pass


class _Table:
    """`slots`: a zeroed uint64 array in an anonymous mapping of its own,
    whose pages `give_back` returns to the system (where it can: Linux and
    most POSIX systems; elsewhere they go when the table does)."""

    def __init__(self, size: int) -> None:
        if hasattr(mmap, "MAP_PRIVATE"):
            # private: a forked process writes its own copy (mmap's default,
            # MAP_SHARED, would share the writes)
            self._map: mmap.mmap | None = mmap.mmap(-1, size * 8, flags=mmap.MAP_PRIVATE)
            _huge(self._map)
            self.slots = np.frombuffer(self._map, dtype=np.uint64)
        else:  # Windows
            self._map, self.slots = None, np.zeros(size, dtype=np.uint64)

    def give_back(self, first: int, count: int) -> None:
        """Release slots first..first+count (whole pages; they read as 0)."""
        if hasattr(self._map, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
            start = -(-first * 8 // mmap.PAGESIZE) * mmap.PAGESIZE
            end = min((first + count) * 8, len(self._map))
            if end > start:
                self._map.madvise(mmap.MADV_DONTNEED, start, end - start)


#: The slots of a table read at once where its fingerprints are copied out
#: (`_filled`): the copy and its mask take 9 bytes a slot.
PART = 1 << 20


def _filled(table: np.ndarray) -> Iterator[np.ndarray]:
    """The fingerprints in `table`'s slots, `PART` slots at a time: a
    checkpoint (or a visited set made of them) never copies a whole table
    at once (with a mask of it, 72 MiB for 2^23 slots)."""
    for low in range(0, len(table), PART):
        part = table[low:low + PART]
        yield part[part != _EMPTY]


class Regions:
    """The visited set of a partitioned search (`checker.partitioned`), in
    memory its processes share: one region of slots for each partition's
    fingerprints, in one mapping made before they fork. An owner writes its
    region when it admits new states, and every process reads every region
    when it drops visited successors, at different steps of a level. So
    each fingerprint is held once (a process used to hold those it owns and
    those it sent, twice the table in all), and a process drops a successor
    that another owner visited before it sends it.

    A region's table grows in place within the slots reserved for it
    (`stride`: past its first pages, memory the system gives only when
    written), so its place never changes; a region holds the fingerprints
    of an owner only (`owner`), and each process reads a region's size,
    which only its owner changes, from `bits`."""

    def __init__(self, store: FingerprintStore, count: int, stride: int) -> None:
        self.count, self.stride = count, stride
        self._map = mmap.mmap(-1, (count << stride) * 8, flags=mmap.MAP_SHARED)
        _huge(self._map)
        self.slots = np.frombuffer(self._map, dtype=np.uint64)
        self._header = mmap.mmap(-1, 16 * count, flags=mmap.MAP_SHARED)
        self.bits = np.frombuffer(self._header, dtype=np.int64, count=count)
        self.counts = np.frombuffer(self._header, dtype=np.int64, count=count,
                                    offset=8 * count)
        self.bits[:] = 10
        entries = store.entries()
        raw = np.where(entries == _ZERO_STANDIN, _SALT, entries ^ _SALT)
        owners = self.owner(raw)
        for owner in range(count):
            self.insert(owner, entries[owners == owner])

    @classmethod
    def of(cls, store: FingerprintStore, count: int) -> "Regions | None":
        """Regions holding what `store` holds, each able to grow to a share
        of half the machine's memory; None where the system cannot map
        that much (each process then keeps a visited set of its own)."""
        try:
            memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (AttributeError, ValueError, OSError):
            return None
        stride = max(16, (memory // 2 // count // 8).bit_length() - 1)
        if not hasattr(mmap, "MAP_SHARED"):
            return None
        try:
            return cls(store, count, stride)
        except (OSError, ValueError, OverflowError):
            return None

    def owner(self, raw: np.ndarray) -> np.ndarray:
        """The partition owning each fingerprint (`owners`), as indices."""
        return owners(raw, self.count).astype(np.int64)

    def contains(self, values: np.ndarray, owners: np.ndarray) -> np.ndarray:
        """Which `values` (stored form, owned by `owners`) are in their regions."""
        if len(owners) and (owners == owners[0]).all():  # (an owner admitting its own)
            bits = int(self.bits[owners[0]])
            return _contains(self.region(int(owners[0])), values, _slots_of(values, bits))
        bits = self.bits[owners]
        return _contains(self.slots, values, _slots_of(values, bits),
                         (owners << self.stride, (np.int64(1) << bits) - 1))

    def region(self, owner: int) -> np.ndarray:
        low = owner << self.stride
        return self.slots[low:low + (1 << int(self.bits[owner]))]

    def insert(self, owner: int, values: np.ndarray) -> None:
        """Add distinct `values` (stored form), none there yet, to `owner`'s
        region: by its owner only."""
        needed = int(self.counts[owner]) + len(values)
        bits = int(self.bits[owner])
        if needed > _MAX_LOAD * (1 << bits):
            while needed > _MAX_LOAD * (1 << bits):
                bits += 1
            if bits > self.stride:
                raise MemoryError("the visited set has filled the memory reserved for it")
            region = self.region(owner)
            old = _Table(len(region))
            old.slots[:] = region
            region[:] = _EMPTY
            self.bits[owner] = bits
            _move(old, self.region(owner), bits)
        _place(self.region(owner), values, _slots_of(values, bits))
        self.counts[owner] = needed

    def private(self) -> FingerprintStore:
        """A visited set of this process's own, holding every region's."""
        store = FingerprintStore()
        for part in self.parts():
            store.take(part)
        return store

    def parts(self) -> Iterator[np.ndarray]:
        """Every region's fingerprints (stored form), a slice of a region
        at a time (`_filled`)."""
        for owner in range(self.count):
            yield from _filled(self.region(owner))


class SharedVisited:
    """A partition's view of the visited set in `Regions`, as the store of
    its search: a successor is visited if its owner's region holds it, or
    sent if this partition sent it to its owner during the level (`sent`,
    its own; forgotten once the owners decided: `decided`)."""

    def __init__(self, regions: Regions, index: int) -> None:
        self.regions, self.index = regions, index
        self.sent = FingerprintStore()
        self.looked_up: np.ndarray | None = None  # as `_PrivateStore.looked_up`

    def of_partition(self, index: int) -> "SharedVisited":
        return SharedVisited(self.regions, index)

    def __len__(self) -> int:
        return int(self.regions.counts[self.index])

    @property
    def nbytes(self) -> int:
        return self.regions.region(self.index).nbytes + self.sent.nbytes

    def decided(self) -> None:
        """The owners have decided the candidates sent: what is sent is visited."""
        self.sent.clear()

    def private(self) -> FingerprintStore:
        """A visited set of this process's own, holding every region's."""
        return self.regions.private()

    def parts(self) -> Iterator[np.ndarray]:
        """As `_PrivateStore.parts`: every region's, one at a time."""
        return self.regions.parts()

    def empty(self) -> FingerprintStore:
        return FingerprintStore()

    def add_new(self, fingerprints: Any, limit: int | None = None,
                record: bool = True) -> list[int]:
        """As `FingerprintStore.add_new`: recorded in this partition's
        region where it owns them, as sent where another does."""
        if len(fingerprints) == 0:
            return []
        raw, batch = self._forms(fingerprints)
        self.looked_up = batch
        owners = self.regions.owner(raw)
        seen = self.regions.contains(batch, owners)
        foreign = np.flatnonzero(~seen & (owners != self.index))
        seen[foreign] = self.sent._contains(batch[foreign])
        new = _first_unseen(batch, ~seen, limit)
        if record and len(new):
            self._record(batch[new], owners[new])
        return new.tolist()

    def add_all(self, fingerprints: Any) -> None:
        """As `FingerprintStore.add_all`."""
        if len(fingerprints):
            raw, batch = self._forms(fingerprints)
            self._record(batch, self.regions.owner(raw))

    def entries(self) -> np.ndarray:
        """What another store must take from this one: nothing, as every
        region is read where the regions are (`Regions.private`)."""
        return np.zeros(0, dtype=np.uint64)

    def _record(self, batch: np.ndarray, owners: np.ndarray) -> None:
        mine = owners == self.index
        if mine.any():
            self.regions.insert(self.index, batch[mine])
        if not mine.all():
            self.sent._insert(batch[~mine])

    @staticmethod
    def _forms(fingerprints: Any) -> tuple[np.ndarray, np.ndarray]:
        raw = (fingerprints if isinstance(fingerprints, np.ndarray)
               else np.fromiter(fingerprints, dtype=np.uint64, count=len(fingerprints)))
        return raw, FingerprintStore._stored_form(raw)


def owners(raw: np.ndarray, count: int) -> np.ndarray:
    """The partition owning each 64-bit fingerprint (uint64) among `count`:
    the rule every process of a partitioned search, and every Ray actor,
    applies alike."""
    return raw % np.uint64(count)


def collision_probability(distinct: int, generated: int) -> float:
    """TLC's optimistic estimate of a fingerprint collision having occurred:
    each of the ``generated - distinct`` look-ups of a known state could have
    matched one of `distinct` fingerprints by chance."""
    return distinct * max(generated - distinct, 0) / 2.0 ** 64
