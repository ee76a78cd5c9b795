"""Typed immutable records: node state, messages and actions.

A record is a `typing.NamedTuple`. A field that names a node, or an element
of another interchangeable set, says so in its type: ``acc: Acceptor`` where
``Acceptor = ids("acceptors", "a")``. Values stay plain ints (a field typed
``Acceptor`` holds 0, 1, 2), so states are tuples, frozensets and ints that
any encoder handles; the types only tell the kit which fields to rename
when it renames the elements of a set (`renamer`), which is how symmetry is
derived instead of written per model.

Why named tuples rather than frozen dataclasses: a named tuple is built,
hashed and compared in C (a frozen dataclass runs Python code for each),
and the engine hashes every successor it generates. The price is that a
named tuple equals a plain tuple of the same values, so records of two
types could meet in one set, or one memo table, as equals; the kit never
lets them (a network keeps one component and one table per message type;
other tables key by type too).

Records print by field name (the named tuple's own repr).
"""

from __future__ import annotations

import types
import typing
from functools import lru_cache
from typing import Any, Callable, Mapping, Union

Images = Mapping[str, tuple[int, ...]]  # symmetric set name -> new name of each element


class Id(int):
    """The type of a field that names an element of a set (a node or a
    value). Subclasses are made by `ids`; values stay plain ints."""

    set_name: str = ""
    prefix: str = ""


def ids(set_name: str, prefix: str = "") -> type[Id]:
    """An id type for the elements of the set `set_name`; a node of that set
    prints as ``prefix`` and its number (``a0``)."""
    return type(f"Id[{set_name}]", (Id,), {"set_name": set_name, "prefix": prefix})


class IndexedBy:
    """Marks a tuple holding one entry per element of a set, in order
    (raft.tla's ``nextIndex[i][j]``): renaming the set moves the entries.
    Write the field's type with `indexed_by`."""

    def __init__(self, ids: type[Id]):
        self.ids = ids


def indexed_by(ids: type[Id], value: Any = int) -> Any:
    """The type of a tuple with one `value` per element of the set of `ids`."""
    return typing.Annotated[tuple[value, ...], IndexedBy(ids)]


def is_record(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def is_record_type(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields")


# -- renaming, derived from the field types ------------------------------------

Rename = Callable[[Any, Images], Any]


def _converter(annotation: Any) -> Rename | None:
    """How to rename a value of type `annotation`, or None if renaming never
    changes it."""
    if annotation is Any:  # e.g. the message a network fault acts on: its own type decides
        return _any_record
    if typing.get_origin(annotation) is typing.Annotated:
        marks = [m for m in annotation.__metadata__ if isinstance(m, IndexedBy)]
        if marks:
            return _moving(marks[0].ids.set_name)
        return _converter(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, Id):
        name = annotation.set_name
        return lambda value, images: images[name][value] if name in images else value
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


def _moving(name: str) -> Rename:
    """Renaming a tuple indexed by the elements of set `name`: entry k goes
    to position images[k]. Blanked (every name -1, for signatures), only the
    entries' multiset is left, which no renaming changes."""
    def move(value: tuple, images: Images) -> tuple:
        order = images.get(name)
        if order is None:
            return value
        if order and order[0] < 0:
            return tuple(sorted(value))
        moved = list(value)
        for k, entry in enumerate(value):
            moved[order[k]] = entry
        return tuple(moved)
    return move


def _any_record(value: Any, images: Images) -> Any:
    rename = renamer(type(value)) if is_record(value) else None
    return value if rename is None else rename(value, images)


def _by_value(options: list) -> Rename:
    """A union of several renamable types: the value's own type decides."""
    def convert(value: Any, images: Images) -> Any:
        for kind, part in options:
            if part is not None and isinstance(value, typing.get_origin(kind) or kind):
                return part(value, images)
        return value
    return convert


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
    (position, set name) pairs, in field order."""
    hints = typing.get_type_hints(record_type)
    found = []
    for index, field in enumerate(record_type._fields):
        kind = _single_id(hints.get(field))
        if kind is not None:
            found.append((index, kind.set_name))
    return tuple(found)


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
