"""A plain model's state as reports show it, derived from the state's type.

`Symmetric` derives renaming from a plain model's ``state_type``; from the
same types `state_viewer` derives its `state_view`, the view a kit model
prints (`models.kit.printing`), instead of one written by hand:

    class State(NamedTuple):
        raft: indexed_by(Node, Raft)     # Raft(state: str, term: int, vote: Node | None, ...)
        network: indexed_by(Node, tuple[Message, ...])
        leader: Node | None

shows as ``n1.raft.state``, ``n1.raft.term``, ``n1.raft.vote``, ...,
``n1.network``, then ``n2.raft.state``, ..., then ``leader``:

- a field typed ``indexed_by(Node, X)`` gives one entry per node, named as
  the kit names nodes and their fields (``s1.current_term``): the id type's
  prefix and number, a dot, the field. Node by node, each node's fields
  together, as kit models and the hand-written views of the TLA+ ports
  print them (and as spec expressions read a kit model's view,
  ``view["a0.promised"]``); the nodes of each set in order, the sets in
  the order their first field stands, then the other fields. Elements
  whose id type has no prefix are bare numbers, which own no fields: a
  field indexed by them is one entry per element as TLA+ writes a
  function of numbers, ``disk[1]``, among the other fields;
- a field (or an entry) typed a record is spread into its fields:
  ``n1.raft.term``, ``recorder.nTimeout``, at any depth, so that a step's
  diff names the field that changed, not the record;
- any other value shows as the kit prints records' fields (`records.show`):
  named ids and values by name (``s1``, ``v0``; an unnamed id type, as
  Paxos's acceptors, by number), a `formatted` tuple by its pattern, a
  record as `show` prints it (a type with its own repr, by that), tuples as
  lists, frozensets as sets (`SetView`, sorted by value), an
  ``indexed_by`` tuple held inside as a mapping from node names
  (``{"s1": [...], "s2": [...]}``), a union by the type of its value, and
  None as None (JSON's null, which the text report prints ``none``).

Everything is JSON-ready, and reads nothing but the state and its type,
so views are deterministic. A model that wants another view overrides
`state_view`.
"""

from __future__ import annotations

import json
import types
import typing
from functools import lru_cache
from typing import Any, Callable, Union

from checker.model import SetView, jsonable
from checker.symmetry import order_key
from models.kit.message_counts import Counts
from models.kit.records import (_GENERIC_REPR, Either, Formatted, Id, IndexedBy, Value,
                                _id_name, _shower, by_name, fitting, is_record_type, show)

Show = Callable[[Any], Any]
Spread = Callable[[dict, str, Any], None]  # writes a value's entries under a key prefix


@lru_cache(maxsize=None)
def state_viewer(state_type: type) -> Callable[[tuple], dict[str, Any]]:
    """The `state_view` of states of record type `state_type` (see the module
    docstring)."""
    hints = typing.get_type_hints(state_type, include_extras=True)
    indexed: dict[str, tuple[Show, list[tuple[int, Spread]]]] = {}  # by set: name, fields
    rest: list[tuple[int, Spread]] = []
    for index, field in enumerate(state_type._fields):
        annotation = hints.get(field, Any)
        ids = _indexing(annotation)
        if ids is None or not ids.prefix:  # (elements named by bare numbers: votes[1])
            rest.append((index, _spreader(field, annotation)))
        else:
            entry = typing.get_args(typing.get_args(annotation)[0])[0]
            indexed.setdefault(ids.set_name, (_id_name(ids), []))[1].append(
                (index, _spreader(field, entry)))

    def view(state: tuple) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for name, fields in indexed.values():
            for k in range(max(len(state[index]) for index, _ in fields)):
                node = f"{name(k)}."
                for index, spread in fields:
                    if k < len(state[index]):
                        spread(shown, node, state[index][k])
        for index, spread in rest:
            spread(shown, "", state[index])
        return shown
    return view


def _indexing(annotation: Any) -> type[Id] | None:
    """The id type a tuple typed `annotation` is indexed by, or None."""
    if typing.get_origin(annotation) is typing.Annotated:
        marks = [m for m in annotation.__metadata__ if isinstance(m, IndexedBy)]
        return marks[0].ids if marks else None
    return None


def _spreader(field: str, annotation: Any) -> Spread:
    """How a value of type `annotation`, held at `field`, writes its entries:
    a record one per field (``field.sub``), an indexed tuple one per element
    (``field[s2]``), any other value one."""
    if is_record_type(annotation):
        hints = typing.get_type_hints(annotation, include_extras=True)
        parts = [_spreader(f"{field}.{sub}", hints.get(sub, Any)) for sub in annotation._fields]

        def spread(shown: dict, prefix: str, record: Any) -> None:
            if record is None:  # where a record is due but none is held
                shown[prefix + field] = None
                return
            for part, value in zip(parts, record):
                part(shown, prefix, value)
        return spread
    ids = _indexing(annotation)
    if ids is not None:  # one entry per element: field[s2]
        entry = typing.get_args(typing.get_args(annotation)[0])[0]
        name, spreaders = _id_name(ids), []

        def by_element(shown: dict, at: str, value: tuple) -> None:
            while len(spreaders) < len(value):
                spreaders.append(_spreader(f"{field}[{name(len(spreaders))}]", entry))
            for spread, item in zip(spreaders, value):
                spread(shown, at, item)
        return by_element
    value_shower = shower(annotation)

    def one(shown: dict, prefix: str, value: Any) -> None:
        shown[prefix + field] = value_shower(value)
    return one


@lru_cache(maxsize=None)
def shower(annotation: Any) -> Show:
    """How a value of type `annotation` shows in a view, JSON-ready (see the
    module docstring); `records._shower` gives the kit's names and patterns."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        ids = _indexing(annotation)
        if ids is not None:
            return by_name(ids, shower(typing.get_args(args[0])[0]))
        if any(isinstance(m, (Formatted, Either)) for m in annotation.__metadata__):
            return _shower(annotation)
        return shower(args[0])
    if isinstance(annotation, type) and issubclass(annotation, (Id, Value)):
        return _shower(annotation) or jsonable  # an unnamed id by its number
    if is_record_type(annotation):
        return _record_text
    if isinstance(annotation, type) and issubclass(annotation, Counts):
        message = shower(annotation.message_type)  # each message with its count, in order
        return lambda value: {_key(message(m)): count for m, count in value.items()}
    if origin in (Union, types.UnionType):
        options = [(_fits(arg), shower(arg)) for arg in args if arg is not type(None)]
        if len(options) == 1:
            option = options[0][1]
            return lambda value: None if value is None else option(value)

        def by_type(value: Any) -> Any:
            for fit, option in options:
                if value is not None and fit(value):
                    return option(value)
            return _any(value)
        return by_type
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = shower(args[0])
            return lambda value: [item(x) for x in value]
        if args:
            parts = [shower(arg) for arg in args]
            return lambda value: [part(x) for part, x in zip(parts, value)]
    if origin is frozenset and args:
        item = shower(args[0])
        return lambda value: SetView(item(x) for x in sorted(value, key=order_key))
    return _any


def _fits(annotation: Any) -> Callable[[Any], bool]:
    """Whether a value is of the union's option `annotation`, by its own type
    (ids and named values are ints)."""
    if isinstance(annotation, type) and issubclass(annotation, int):
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    return fitting(annotation)


def _record_text(record: Any) -> Any:
    """A record as `records.show` prints it, or by its own repr where its
    type writes one."""
    if record is None or not isinstance(record, tuple):
        return jsonable(record)
    own = type(record).__repr__
    generic = own is show or getattr(own, "__code__", None) is _GENERIC_REPR.__code__
    return show(record) if generic else repr(record)


def _key(shown: Any) -> str:
    return shown if isinstance(shown, str) else json.dumps(shown)


def _any(value: Any) -> Any:
    """A value the type says nothing of: a record by `_record_text`, a
    container item by item, anything else as `jsonable` gives it."""
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return _record_text(value)
    if isinstance(value, (tuple, list)):
        return [_any(x) for x in value]
    if isinstance(value, (frozenset, set)):
        return SetView(_any(x) for x in sorted(value, key=order_key))
    return jsonable(value)
