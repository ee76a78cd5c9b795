"""Typed immutable records: node state, messages and actions.

A record is a `typing.NamedTuple`. A field that names a node, or an element
of another interchangeable set, says so in its type: ``acc: Acceptor`` where
``Acceptor = ids("acceptors", "a")``. Values stay plain ints (a field typed
``Acceptor`` holds 0, 1, 2), so states are tuples, frozensets and ints that
any encoder handles; the types only tell the kit which fields to rename
when it renames the elements of a set (`renamer`), which is how symmetry is
derived instead of written per model. A field holding an element of any of
several sets is typed `either` and holds it tagged with its set, a pair
(``FakeAcceptor.tag(0) == ("fakes", 0)``): an int cannot say its set.

Why named tuples rather than frozen dataclasses: a named tuple is built,
hashed and compared in C (a frozen dataclass runs Python code for each),
and the engine hashes every successor it generates. The price is that a
named tuple equals a plain tuple of the same values, so records of two
types could meet in one set, or one memo table, as equals; the kit never
lets them (a network keeps one component and one table per message type;
other tables key by type too).

Records print by field name, from their declarations, never from a
hand-written ``__str__`` (`show`; the kit installs it as the repr of every
record type of a model that does not write its own, `name_values`). The
rules, in the order they apply, give one text per record:

- a field typed `either` prints the element's name by its own set's id
  type, named or not (``a1``, ``fa1``);
- a field typed by a *named* id type prints the element's name:
  ``Server = ids("servers", "s", first=1, named=True)`` prints 0 as ``s1``
  (unnamed id types, as Paxos's, print the number);
- a field of a value domain prints the value's name: ``values("v",
  none=-1)`` prints ``v0``, or ``none`` for the sentinel; ``values(name=f)``
  names each value by ``f`` (Raft's commands: ``v1``, ``x=9``, ``C(s1 s2)``);
- a tuple typed ``formatted(pattern, *parts)`` prints its parts, each by its
  type, into the pattern (Raft's log entry: ``t2:v1``);
- tuples and sets print as lists (a set's in sorted order), a nested record
  by these rules, None as ``none``, a string as itself, as a state view
  prints it (``op=write``), quoted only where it could read as something
  else (``label=''``, ``label='a, b'``, ``label='none'``), any other value as
  its repr;
- a record whose ``src`` and ``dst`` (the fields naming its sender and
  receiver) are both of named id types prints them first as an arrow, and
  not again: ``RequestVoteRequest(s1→s2, term=2, last_log_term=1,
  last_log_index=1)``;
- the action of a node receiving a message (the kit's ``@on(PrepareMsg,
  ReceivePrepare)``: the node, then the message's fields; `receipt`)
  prints the message's arrow as the message does, and the node not at all
  when the message's receiver names it: ``ReceivePrepare(p1→a2, n=2)``;
- a field equal to its declared default (same type and value) is left out
  (``pre_vote=False``);
- a record type declaring ``text``, a function, prints what it returns
  between its parentheses; it is given the record's fields by name: named
  values as their text by these rules, a nested record as its fields so
  given (``call.client == "c1"``), other values (and None) as they are. So
  names still come from the types and only their arrangement is the
  record's: raft-kv's client call reads as the history names it,
  ``Invoke(c1: write(x, 1) to s1)``;
- a record with no named field (at any depth), no arrow and no ``text``
  prints as a named tuple does, defaults included, but a field holding
  None prints ``none`` there too (``Tick(now=1, lagging=none)``): no
  record prints Python's ``None``.

`label` prints a record without its arrow, for a sequence chart whose
arrow already says who sends to whom. Reports' JSON views of a field take
the same names (`shown`); `printer` gives the text of any typed value
(``printer(Server | None)``). Printing reads nothing but the record and its
type, so it is deterministic.
"""

from __future__ import annotations

import collections
import types
import typing
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence, Union

from checker.errors import ModelDefinitionError
from checker.model import SetView, jsonable, record_text
from checker.symmetry import order_key
from models.kit.message_counts import Counts

Images = Mapping[str, tuple[int, ...]]  # symmetric set name -> new name of each element


class Id(int):
    """The type of a field that names an element of a set (a node or a
    value). Subclasses are made by `ids`; values stay plain ints."""

    set_name: str = ""
    prefix: str = ""
    first: int = 0
    named: bool = False

    @classmethod
    def name_of(cls, element: int) -> str:
        """Element `element`'s name as reports print it (``s1`` for 0), for a
        model's own messages (a `Fails` reason, a history's client)."""
        return f"{cls.prefix}{element + cls.first}"

    def __reduce__(self) -> tuple:
        # an id type is made by `ids`, not found by name in a module: a
        # value held as an instance (a plain model's state) is pickled (a
        # level spilled to disk, a checkpoint) as its type's making and its int
        return (_an_id, (self.set_name, self.prefix, self.first, self.named, int(self)))

    @classmethod
    def tag(cls, element: int) -> tuple[str, int]:
        """Element `element` as a field typed `either` holds it: with the
        name of its set, ``FakeAcceptor.tag(0) == ("fakes", 0)``."""
        return (cls.set_name, element)


def ids(set_name: str, prefix: str = "", first: int = 0, named: bool = False) -> type[Id]:
    """An id type for the elements of the set `set_name`; element k of that
    set is called ``prefix`` and the number k + `first` (``a0``; ``s1`` for
    element 0 with ``first=1``). With `named`, records print such a field by
    that name (``source=s1``); without, by its number (``acc=0``: Paxos's
    ballots are numbers as much as names). The same arguments give the same
    type (a value unpickled is of the type the model made)."""
    key = (set_name, prefix, first, named)
    made = _ID_TYPES.get(key)
    if made is None:
        made = _ID_TYPES[key] = type(f"Id[{set_name}]", (Id,), {
            "set_name": set_name, "prefix": prefix, "first": first, "named": named})
    return made


#: The id types made, by `ids`'s arguments.
_ID_TYPES: dict[tuple, type[Id]] = {}


def _an_id(set_name: str, prefix: str, first: int, named: bool, value: int) -> Id:
    """An id of the type `ids` makes of the first four arguments (unpickling)."""
    return ids(set_name, prefix, first, named)(value)


class Value(int):
    """The type of a field holding an element of a value domain (proposal
    values, proposal numbers) that prints by name. Subclasses are made by
    `values`; values stay plain ints."""

    prefix: str = ""
    none: int | None = None
    name: Callable[[Any], str] | None = None


def values(prefix: str = "", none: int | None = None,
           name: Callable[[Any], str] | None = None) -> type[Value]:
    """A value type printing ``prefix`` and the number (``v0``), and
    ``none`` for the sentinel `none` (a value that is not one: an acceptor
    that has accepted nothing).
    ``values("", none=-1)`` prints numbers as they are, but ``none`` for -1.
    A domain whose values are not all numbered gives `name`, the function
    naming each (Raft's log holds client values, a scenario's named commands
    and configurations: ``v1``, ``x=9``, ``C(s1 s2)``)."""
    return type(f"Value[{prefix}]", (Value,), {"prefix": prefix, "none": none,
                                               "name": staticmethod(name) if name else None})


class Formatted:
    """Marks a tuple type printed by a pattern (see `formatted`)."""

    def __init__(self, pattern: str):
        self.pattern = pattern


def formatted(pattern: str, *parts: Any) -> Any:
    """The type of a tuple of values of types `parts`, printed by filling
    `pattern`'s ``{}`` with each part printed by its type: Raft's log entry
    ``formatted("t{}:{}", int, Command)`` prints ``t2:v1``. Renaming sees
    the tuple of `parts`."""
    return typing.Annotated[tuple[parts], Formatted(pattern)]


class IndexedBy:
    """Marks a tuple holding one entry per element of a set, in order
    (raft.tla's ``nextIndex[i][j]``): renaming the set moves the entries.
    Write the field's type with `indexed_by`."""

    def __init__(self, ids: type[Id]):
        self.ids = ids


def indexed_by(ids: type[Id], value: Any = int) -> Any:
    """The type of a tuple with one `value` per element of the set of `ids`."""
    return typing.Annotated[tuple[value, ...], IndexedBy(ids)]


class Either:
    """Marks a field holding an element of one of several sets, tagged
    with its set (see `either`); `kinds`: the id types by set name."""

    def __init__(self, kinds: dict[str, type[Id]]):
        self.kinds = kinds

    def text(self) -> str:
        return f"either({', '.join(f'ids({name!r})' for name in self.kinds)})"


def either(*kinds: type[Id]) -> Any:
    """The type of a field holding an element of any of the sets of the id
    types `kinds` (BPCon's ``acc``: a good or a fake acceptor). An id is an
    int, which cannot say its set: ``Acceptor(0) == FakeAcceptor(0)``, and
    equality, fingerprints and `order_key` read both as 0, so the two
    would be one state. Such a field holds the element tagged with its
    set instead, ``FakeAcceptor.tag(0) == ("fakes", 0)``: renamed within
    its own set, marked in signatures with its set, printed by its own
    type (``fa1``, named or not)."""
    sets = [kind.set_name if isinstance(kind, type) and issubclass(kind, Id) else None
             for kind in kinds]
    if len(kinds) < 2 or None in sets or len(set(sets)) < len(sets):
        given = ", ".join(f"ids({name!r})" if name else getattr(kind, "__name__", repr(kind))
                          for name, kind in zip(sets, kinds))
        raise ModelDefinitionError(
            f"either({given}): give two or more id types of different sets "
            f"(either(Acceptor, FakeAcceptor)); one set's ids are one id type")
    return typing.Annotated[Union[kinds], Either(dict(zip(sets, kinds)))]


def tagging(annotation: Any) -> Either | None:
    """The `Either` mark of a type made by `either`, or None."""
    if typing.get_origin(annotation) is typing.Annotated:
        marks = [m for m in annotation.__metadata__ if isinstance(m, Either)]
        return marks[0] if marks else None
    return None


def is_record(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def is_record_type(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields")


# -- renaming, derived from the field types ------------------------------------

Rename = Callable[[Any, Images], Any]


def _id_renamer(name: str) -> Rename:
    """An element of set `name` renamed; an id past the set (a mutant's
    value + 1) is no element of it and stays as it is, so that the
    symmetry guard, not an IndexError, says the renaming does not commute."""
    def rename(value: Any, images: Images) -> Any:
        try:
            return images[name][value] if name in images else value
        except IndexError:
            return value
    return rename


def _converter(annotation: Any) -> Rename | None:
    """How to rename a value of type `annotation`, or None if renaming never
    changes it."""
    if annotation is Any:  # e.g. the message a network fault acts on: its own type decides
        return _any_record
    if tagging(annotation) is not None:
        return _tagged(tagging(annotation))
    if typing.get_origin(annotation) is typing.Annotated:
        marks = [m for m in annotation.__metadata__ if isinstance(m, IndexedBy)]
        if marks:
            return _moving(marks[0].ids.set_name, _converter(typing.get_args(annotation)[0]))
        return _converter(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, Id):
        return _id_renamer(annotation.set_name)
    if isinstance(annotation, type) and issubclass(annotation, Counts):
        return _counts_converter(annotation)
    if is_record_type(annotation):
        record = renamer(annotation)
        return None if record is None else record
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        options = [(arg, _converter(arg)) for arg in args if arg is not type(None)]
        if len(options) != 1 or options[0][1] is None:
            return None if all(c is None for _, c in options) else _by_value(options)
        convert = options[0][1]
        return lambda value, images: None if value is None else convert(value, images)
    if origin in (tuple, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            parts = [_converter(arg) for arg in args]
            if all(part is None for part in parts):
                return None
            return lambda value, images: tuple(
                item if part is None else part(item, images) for item, part in zip(value, parts))
        convert = _converter(args[0]) if args else None
        if convert is None:
            return None
        return lambda value, images: origin(convert(item, images) for item in value)
    return None


def _counts_converter(kind: type[Counts]) -> Rename | None:
    """Renaming a message-count function: each message renamed by its type,
    its count kept, the pairs sorted again. Blanked (for signatures), two
    messages can become one: their counts add up, in any order alike."""
    convert = _converter(kind.message_type)
    if convert is None:
        return None

    def rename(value: Counts, images: Images) -> Counts:
        renamed: dict = {}
        for message, count in value.items():
            message = convert(message, images)
            renamed[message] = renamed.get(message, 0) + count
        return type(value)(renamed)
    return rename


def _moving(name: str, entries: Rename | None) -> Rename:
    """Renaming a tuple indexed by the elements of set `name`: the ids in
    its entries renamed (`entries`, None if they hold none), then entry k
    goes to position images[k]. Blanked (every name -1, for signatures),
    only the entries' multiset is left, which no renaming changes."""
    def move(value: tuple, images: Images) -> tuple:
        if entries is not None:
            value = entries(value, images)
        order = images.get(name)
        if order is None:
            return value
        if order and order[0] < 0:
            return tuple(sorted(value, key=order_key))
        moved = list(value)
        for k, entry in enumerate(value):
            moved[order[k]] = entry
        return tuple(moved)
    return move


def _tagged(mark: Either) -> Rename:
    """Renaming an element tagged with its set: within that set."""
    def rename(value: Any, images: Images) -> Any:
        try:
            name, element = value
        except (TypeError, ValueError):
            raise ModelDefinitionError(_untagged(mark, value)) from None
        order = images.get(name)
        return value if order is None else (name, order[element])
    return rename


def _untagged(mark: Either, value: Any) -> str:
    name = next(iter(mark.kinds))
    return (f"a field typed {mark.text()} holds {value!r}, not an element tagged with its "
            f"set; build its values with their id type's tag (ids({name!r}, ...).tag(0) "
            f"== {(name, 0)!r})")


def _any_record(value: Any, images: Images) -> Any:
    rename = renamer(type(value)) if is_record(value) else None
    return value if rename is None else rename(value, images)


def _by_value(options: list) -> Rename:
    """A union of several renamable types: the value's own type decides (and
    a tuple's length, between tuples of fixed lengths)."""
    options = [(fitting(kind), part) for kind, part in options if part is not None]

    def convert(value: Any, images: Images) -> Any:
        for fit, part in options:
            if fit(value):
                return part(value, images)
        return value
    return convert


def fitting(kind: Any) -> Callable[[Any], bool]:
    """Whether a value is of type `kind`, as far as its own type (and a
    fixed tuple's length) tell: ids are ints, and a tuple's items are not
    looked at."""
    if tagging(kind) is not None:  # (set name, element), a plain tuple: no record
        return lambda value: (type(value) is tuple and len(value) == 2
                              and isinstance(value[0], str))
    if typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        length = len(args)
        return lambda value: isinstance(value, tuple) and len(value) == length
    cls = origin or kind
    return lambda value: isinstance(value, cls)


@lru_cache(maxsize=None)
def renamer(record_type: type) -> Rename | None:
    """A function renaming the elements named by the id-typed fields of a
    `record_type` record (nested records and containers included); None if
    the type has no such field."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    parts = [(index, _converter(hints.get(field)))
             for index, field in enumerate(record_type._fields)]
    parts = [(index, convert) for index, convert in parts if convert is not None]
    if not parts:
        return None
    new = tuple.__new__

    def rename(record: Any, images: Images) -> Any:
        values = list(record)
        for index, convert in parts:
            values[index] = convert(values[index], images)
        return new(record_type, values)
    return rename


@lru_cache(maxsize=None)
def id_fields(record_type: type) -> tuple[tuple[int, str], ...]:
    """The fields of `record_type` that hold one element of a set (or None):
    (position, set name) pairs, in field order (those typed `either` are
    `tagged_fields`)."""
    hints = typing.get_type_hints(record_type)
    found = []
    for index, field in enumerate(record_type._fields):
        kind = _single_id(hints.get(field))
        if kind is not None:
            found.append((index, kind.set_name))
    return tuple(found)


@lru_cache(maxsize=None)
def tagged_fields(record_type: type) -> tuple[int, ...]:
    """The positions of the fields of `record_type` typed `either` (or
    None): each holds one element, tagged with its set."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    found = []
    for index, field in enumerate(record_type._fields):
        kind = hints.get(field)
        if typing.get_origin(kind) in (Union, types.UnionType):
            kinds = [arg for arg in typing.get_args(kind) if arg is not type(None)]
            kind = kinds[0] if len(kinds) == 1 else None
        if tagging(kind) is not None:
            found.append(index)
    return tuple(found)


def id_sets_of(record_type: type) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """For each field of `record_type`: the set it is `indexed_by` (or
    None), and the sets whose elements it holds, at any depth."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    return {field: (_indexing(hints.get(field)), tuple(sorted(_sets_in(hints.get(field)))))
            for field in record_type._fields}


def _indexing(annotation: Any) -> str | None:
    if typing.get_origin(annotation) is typing.Annotated:
        marks = [m for m in annotation.__metadata__ if isinstance(m, IndexedBy)]
        return marks[0].ids.set_name if marks else None
    return None


def _sets_in(annotation: Any, seen: frozenset = frozenset()) -> set[str]:
    if isinstance(annotation, type) and issubclass(annotation, Id):
        return {annotation.set_name}
    if isinstance(annotation, type) and issubclass(annotation, Counts):
        return _sets_in(annotation.message_type, seen)
    if is_record_type(annotation):
        if annotation in seen:
            return set()
        hints = typing.get_type_hints(annotation, include_extras=True)
        return set().union(*(_sets_in(hints.get(field), seen | {annotation})
                             for field in annotation._fields))
    found = set()
    if typing.get_origin(annotation) is typing.Annotated:
        found |= {m.ids.set_name for m in annotation.__metadata__ if isinstance(m, IndexedBy)}
    for arg in typing.get_args(annotation):
        if arg is not Ellipsis:
            found |= _sets_in(arg, seen)
    return found


def id_type(record_type: type, field: str) -> type[Id] | None:
    """The id type of `field` of `record_type`, if it holds one element of a set."""
    return _single_id(typing.get_type_hints(record_type).get(field))


def _single_id(kind: Any) -> type[Id] | None:
    if typing.get_origin(kind) in (Union, types.UnionType):
        kinds = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if isinstance(kind, type) and issubclass(kind, Id) else None


def blanked(record: Any, blank: Images) -> Any:
    """`record` with every element of the sets in `blank` renamed to -1
    (``blank[S] == (-1,) * size``): what is left does not change when those
    elements are renamed, at any depth."""
    rename = renamer(type(record))
    return record if rename is None else rename(record, blank)


# -- printing, derived from the field types ----------------------------------------------

Show = Callable[[Any], Any]


def _id_name(kind: type[Id]) -> Show:
    prefix, first = kind.prefix, kind.first
    # None where the type says a node (no `| None`) still prints, as none
    return lambda value: "none" if value is None else f"{prefix}{value + first}"


def _value_name(kind: type[Value]) -> Show:
    prefix, none, name = kind.prefix, kind.none, kind.name
    if name is not None:
        return lambda value: "none" if value == none else name(value)
    if not prefix:  # a number stays one, in JSON too
        return lambda value: "none" if value == none else value
    return lambda value: "none" if value == none else f"{prefix}{value}"


def _shower(annotation: Any) -> Show | None:
    """How a value of type `annotation` shows in a report: JSON-ready, with
    named ids and values as their names (``"s1"``, ``"v0"``, ``"none"``),
    `formatted` tuples as their text, records as `show` prints them, tuples
    and sets as lists (a set's in its elements' order); None when nothing in
    it is named (reports then show it as any value)."""
    if tagging(annotation) is not None:  # by name, named or not: a number is no set's
        names = {name: _id_name(kind) for name, kind in tagging(annotation).kinds.items()}
        return lambda value: "none" if value is None else names[value[0]](value[1])
    if typing.get_origin(annotation) is typing.Annotated:
        marks = [m for m in annotation.__metadata__ if isinstance(m, Formatted)]
        if marks:
            return _formatter(marks[0].pattern, typing.get_args(typing.get_args(annotation)[0]))
        indexed = [m.ids for m in annotation.__metadata__ if isinstance(m, IndexedBy)]
        if indexed and indexed[0].named:
            # by the elements' names: ``next_index[s2]``, not the position
            # ``[1]``, which reads as s1 where names count from 1
            entries = typing.get_args(typing.get_args(annotation)[0])
            return by_name(indexed[0], (_shower(entries[0]) if entries else None) or jsonable)
        return _shower(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, Id):
        return _id_name(annotation) if annotation.named else None
    if isinstance(annotation, type) and issubclass(annotation, Value):
        return _value_name(annotation)
    if is_record_type(annotation):
        return show if _printing(annotation) is not None else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        options = [_shower(arg) for arg in args if arg is not type(None)]
        if len(options) != 1 or options[0] is None:
            return None
        named = options[0]
        return lambda value: None if value is None else named(value)
    if origin in (tuple, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            parts = [_shower(arg) for arg in args]
            if all(part is None for part in parts):
                return None
            return lambda value: [item if part is None else part(item)
                                  for item, part in zip(value, parts)]
        named = _shower(args[0]) if args else None
        if named is None:
            return None
        if origin is frozenset:  # a set, as reports print sets
            return lambda value: SetView(named(item) for item in sorted(value))
        return lambda value: [named(item) for item in value]
    return None


def by_name(kind: type[Id], entry: Show) -> Show:
    """A tuple of one entry per element of `kind`'s set (`indexed_by`) as a
    mapping from each element's name to its entry as `entry` shows it (the
    kit's records and plain models' views alike)."""
    name = _id_name(kind)
    return lambda value: {name(i): entry(item) for i, item in enumerate(value)}


def _formatter(pattern: str, parts: tuple) -> Show:
    shows = [_shower(part) for part in parts]
    return lambda value: pattern.format(*(
        _text(item if named is None else named(item)) for item, named in zip(value, shows)))


_RECEIPTS: dict[type, type | None] = {}  # action type -> the message type it receives


def receipt(action_type: type, message_type: type) -> None:
    """Declare records of `action_type` the receipt of a `message_type`
    message by a node: the node, then the message's fields (the kit
    declares it for each handler ``@on(message_type, action_type)``). They
    print the message's arrow where the message has one, and the node only
    when the message's receiver is of another set. An action declared the
    receipt of two message types prints as any record."""
    if len(action_type._fields) != 1 + len(message_type._fields):
        return
    known = _RECEIPTS.get(action_type, message_type)
    _RECEIPTS[action_type] = message_type if known is message_type else None
    _printing.cache_clear()


class _Printing(typing.NamedTuple):
    """How a record type prints: each field with how it shows (None: as any
    value), the positions of its sender and receiver when both are named ids
    (else None), the positions never printed besides (a receipt's node),
    its fields' defaults by position, and its `text` function, if any."""

    fields: tuple[tuple[str, Show | None], ...]
    ends: tuple[int, int] | None
    hidden: tuple[int, ...]
    defaults: dict[int, Any]
    text: Callable[..., str] | None


@lru_cache(maxsize=None)
def _printing(record_type: type) -> _Printing | None:
    """How `record_type` prints, or None when none of its fields is named
    and it has no arrow or `text` (then it prints as a plain named tuple)."""
    hints = typing.get_type_hints(record_type, include_extras=True)
    fields = tuple((field, _shower(hints.get(field))) for field in record_type._fields)
    ends, hidden = _ends(record_type, record_type, 0), ()
    message = _RECEIPTS.get(record_type)
    if ends is None and message is not None:
        ends = _ends(message, record_type, 1)  # the message's fields follow the node
        if ends is not None:
            receiver = id_type(record_type, record_type._fields[ends[1]])
            node = id_type(record_type, record_type._fields[0])
            if node is not None and node.set_name == receiver.set_name:
                hidden = (0,)  # the kit delivers the message to the node it names
    text = getattr(record_type, "text", None)
    text = text if callable(text) and "text" not in record_type._fields else None
    if ends is None and text is None and all(named is None for _, named in fields):
        return None
    defaults = {record_type._fields.index(field): value
                for field, value in record_type._field_defaults.items()}
    return _Printing(fields, ends, hidden, defaults, text)


def end_field(kind: type, end: str) -> str | None:
    """The field of message type `kind` naming its sender (`end` ``"src"``)
    or receiver (``"dst"``): the one a class attribute names (``src, dst =
    "frm", "to"``), or a field itself named ``src`` or ``dst``; else None."""
    named = kind.__dict__.get(end)
    if isinstance(named, str):
        return named
    fields = getattr(kind, "_fields", ())
    return end if end in fields else None


def _ends(declaring: type, record_type: type, offset: int) -> tuple[int, int] | None:
    """The positions in `record_type` of the sender and receiver that the
    type `declaring` names (``src`` and ``dst``), its fields standing at
    `offset` on; None unless both are there, of named id types."""
    src, dst = end_field(declaring, "src"), end_field(declaring, "dst")
    if src not in declaring._fields or dst not in declaring._fields:
        return None
    ends = (offset + declaring._fields.index(src), offset + declaring._fields.index(dst))
    named = [id_type(record_type, record_type._fields[end]) for end in ends]
    return ends if all(kind is not None and kind.named for kind in named) else None


def shown(record_type: type, field: str) -> Show | None:
    """How field `field` of `record_type` shows in a report (JSON-ready,
    named ids and values by name), or None: as any value."""
    printing = _printing(record_type)
    return None if printing is None else dict(printing.fields).get(field)


def fields_shown(record: Any) -> dict[str, Any]:
    """`record`'s fields by name, JSON-ready, each as `show` names it (a
    named id by its name: ``{"i": "s1"}`` for ``Timeout(i=s1)``), a field
    nothing names as `jsonable` gives it (a number stays one); none for a
    value that is no record."""
    return {field: jsonable(value) if named is None else named(value)
            for field, value in zip(getattr(record, "_fields", ()), record)
            for named in [shown(type(record), field)]}


def printer(annotation: Any) -> Callable[[Any], str]:
    """The text of a value of type `annotation`, as records print it
    (``printer(Server | None)(None) == "none"``)."""
    named = _shower(annotation)
    return _text if named is None else lambda value: _text(named(value))


def show(record: Any) -> str:
    """`record` printed by field name, named values by name, its sender and
    receiver as an arrow first, and the fields at their default left out:
    ``RequestVoteRequest(s1→s2, term=2, last_log_term=1, last_log_index=1)``."""
    return _show(record, True)


def label(record: Any) -> str:
    """`record` as a sequence chart labels it: as `show` prints it, without
    the arrow (the chart draws it): ``RequestVoteRequest(term=2, ...)``; a
    record the kit does not print (or that writes its own repr), as it
    prints itself."""
    kind = type(record)
    own = kind.__repr__ is not show and getattr(kind.__repr__, "__code__", None) \
        is not _GENERIC_REPR.__code__
    return repr(record) if own or _printing(kind) is None else _show(record, False)


def _show(record: Any, ends: bool) -> str:
    printing = _printing(type(record))
    if printing is None:  # as a named tuple prints, but None as none
        return record_text(record)
    if printing.text is not None:
        return f"{type(record).__name__}({printing.text(**vars(_printed(record)))})"
    skip = (printing.ends or ()) + printing.hidden
    parts = []
    if printing.ends is not None and ends:
        src, dst = printing.ends
        parts.append(f"{_text(printing.fields[src][1](record[src]))}→"
                     f"{_text(printing.fields[dst][1](record[dst]))}")
    for index, ((field, named), value) in enumerate(zip(printing.fields, record)):
        if index in skip or (index in printing.defaults and value == printing.defaults[index]
                             and type(value) is type(printing.defaults[index])):
            continue
        parts.append(f"{field}={_as_is(value) if named is None else _text(named(value))}")
    return f"{type(record).__name__}({', '.join(parts)})"


def _as_is(value: Any) -> str:
    """A value nothing names, in a record's text: a string as itself, as a
    state view prints a string field at the top (``op=write``, where the
    repr quoted it below the top), anything else as its repr. A string is
    quoted where only the quotes keep it from reading as something else:
    empty, spaced at an end, holding what separates fields or values (``,
    ( ) [ ] { } = ' "``), or spelling another value (``none``, ``1``)."""
    if value is None:
        return "none"
    if type(value) is not str:
        return repr(value)
    if (not value or value != value.strip() or any(c in value for c in ",()[]{}='\"")
            or value in ("none", "None", "True", "False") or _is_number(value)):
        return repr(value)
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _printed(record: Any) -> types.SimpleNamespace:
    """`record`'s fields for a `text` function: named values as their text,
    nested records as their fields so given, other values as they are."""
    printing = _printing(type(record))
    shows = dict(printing.fields) if printing is not None else {}
    return types.SimpleNamespace(**{
        field: _printed(value) if is_record(value)
        else value if shows.get(field) is None or value is None else _text(shows[field](value))
        for field, value in zip(record._fields, record)})


def _text(value: Any) -> str:
    if isinstance(value, SetView):  # a set prints as state views print it: {n1, (0, v0)}
        return "{" + ", ".join("(" + _text(item)[1:-1] + ")" if type(item) is list
                               else _text(item) for item in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(_text, value)) + "]"
    if isinstance(value, dict):  # entries by element (`indexed_by`): {s1: 2, s2: 1}
        return "{" + ", ".join(f"{key}: {_text(item)}" for key, item in value.items()) + "}"
    return "none" if value is None else str(value)


_GENERIC_REPR = collections.namedtuple("Plain", "field").__repr__


# -- structured values, for scripts reading a JSON report ---------------------------------


def structured(value: Any, annotation: Any = Any) -> Any:
    """`value`, of type `annotation`, as JSON that keeps its structure, for
    a script reading a report: a record as an object of its fields, its
    type's name first as ``"_type"`` (no field's name begins with ``_``):
    ``{"_type": "Msg1b", "acc": 0, "bal": 0, "mbal": -1, "mval": null}``;
    ids and values named as the record's text names them (``"s1"``,
    ``"v0"``; a number that names nothing stays one), a `formatted` tuple
    as its text (``"t2:v1"``), tuples as lists, sets as lists in their
    elements' order, message counts as ``[{"message", "count"}]``, None and
    a value domain's sentinel (printed ``none``) as null. A value the type says
    nothing of is structured by its own type (a record by its fields' types)."""
    return _structurer(annotation)(value)


def _structurer(annotation: Any) -> Callable[[Any], Any]:
    try:
        return _structurers[annotation]
    except KeyError:
        made = _structurers[annotation] = _structuring(annotation)
        return made
    except TypeError:  # (an annotation that does not hash)
        return _structuring(annotation)


_structurers: dict[Any, Callable[[Any], Any]] = {}


def _structuring(annotation: Any) -> Callable[[Any], Any]:
    """How `structured` gives a value of type `annotation`."""
    if tagging(annotation) is not None:
        return _shower(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        if any(isinstance(m, Formatted) for m in annotation.__metadata__):
            return _shower(annotation)
        return _structurer(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, Id):
        named = _id_name(annotation) if annotation.named else None
        return lambda value: None if value is None else named(value) if named else int(value)
    if isinstance(annotation, type) and issubclass(annotation, Value):
        named, none = _value_name(annotation), annotation.none
        return lambda value: None if value is None or value == none else named(value)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        if len(options) == 1:
            one = _structurer(options[0])
            return lambda value: None if value is None else one(value)
        return _any_structured
    if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
        parts = [_structurer(arg) for arg in args]
        return lambda value: [part(item) for item, part in zip(value, parts)]
    if origin in (tuple, frozenset) and args:
        item = _structurer(args[0])
        if origin is frozenset:
            return lambda value: [item(element) for element in sorted(value, key=order_key)]
        return lambda value: [item(element) for element in value]
    return _any_structured  # a record, counts, Any or a plain type: by the value's own type


def _any_structured(value: Any) -> Any:
    """`structured` of a value by its own type."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (Id, Value)):  # a plain model's ids are instances of their type
        return _structurer(type(value))(value)
    if is_record(value):
        return {"_type": type(value).__name__, **{
            field: convert(item) for (field, convert), item
            in zip(_record_structurers(type(value)), value)}}
    if isinstance(value, Counts):
        message = _structurer(type(value).message_type)
        return [{"message": message(m), "count": count} for m, count in value.items()]
    if isinstance(value, (frozenset, set)):
        return [_any_structured(item) for item in sorted(value, key=order_key)]
    if isinstance(value, (tuple, list)):
        return [_any_structured(item) for item in value]
    if isinstance(value, Mapping):
        return {key if isinstance(key, str) else _key_text(key): _any_structured(item)
                for key, item in value.items()}
    return jsonable(value)


def _key_text(value: Any) -> str:
    """A mapping's key in structured JSON: its text as records print it."""
    return _as_is(value) if not is_record(value) else repr(value)


def structured_field(record_type: type, field: str) -> Callable[[Any], Any]:
    """How `structured` gives field `field` of `record_type`."""
    return dict(_record_structurers(record_type))[field]


@lru_cache(maxsize=None)
def _record_structurers(record_type: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """Each field of `record_type` with how `structured` gives its value
    (made when a value of the type is first structured: a record type may
    hold itself)."""
    try:
        hints = typing.get_type_hints(record_type, include_extras=True)
    except Exception:  # (annotations that do not resolve: each value by its own type)
        hints = {}
    return tuple((field, _structurer(hints.get(field, Any))) for field in record_type._fields)


def name_values(record_type: type) -> None:
    """Make records of `record_type` print as `show` prints them, and records
    nested in its fields likewise (one with nothing named as a named tuple
    prints, but None as ``none``); a type that writes its own repr keeps it. (The kit calls this for every record
    type of a model when the model class is defined.)"""
    if not is_record_type(record_type):
        return
    for hint in typing.get_type_hints(record_type).values():
        for nested in _nested_records(hint):
            name_values(nested)
    own = record_type.__dict__.get("__repr__")
    if own is not None and getattr(own, "__code__", None) is _GENERIC_REPR.__code__:
        record_type.__repr__ = show  # (one with nothing named too: it prints None as none)


def field_positions(kinds: Iterable[type], sets: Sequence[str],
                    found: dict[str, dict[str, Any]]) -> None:
    """Where records of `kinds`, and every record they hold at any depth,
    name elements of the symmetric `sets`, by field name (as an expression
    reads a field: `checker.Model.expression_positions`): ``indexed``,
    fields `indexed_by` a set; ``ids``, fields holding its elements;
    ``sets``, those that are sets of them in every record having the field."""
    not_sets = set()
    for kind in _reachable_records(kinds):
        hints = typing.get_type_hints(kind)
        for field, (indexed, named) in id_sets_of(kind).items():
            if indexed in sets:
                found["indexed"][field] = indexed
            named = [name for name in named if name in sets]
            if named:
                found["ids"][field] = named[0]
            if named and typing.get_origin(hints.get(field)) in (frozenset, set):
                found["sets"][field] = named[0]
            else:
                not_sets.add(field)
    for field in not_sets:
        found["sets"].pop(field, None)


def _reachable_records(kinds: Iterable[type]) -> list[type]:
    seen: list[type] = []
    waiting = list(kinds)
    while waiting:
        kind = waiting.pop(0)
        if kind not in seen:
            seen.append(kind)
            hints = typing.get_type_hints(kind, include_extras=True)
            waiting += [held for field in kind._fields
                        for held in _nested_records(hints.get(field))]
    return seen


def _nested_records(annotation: Any) -> list[type]:
    if is_record_type(annotation):
        return [annotation]
    if isinstance(annotation, type) and issubclass(annotation, Counts):
        return _nested_records(annotation.message_type)
    return [kind for arg in typing.get_args(annotation) for kind in _nested_records(arg)]
