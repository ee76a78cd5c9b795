"""Symmetry derived for a plain model from its state's and actions' types.

A plain `checker.Model` (one `successors` over its own state, as a TLA+
spec of shared variables is ported) whose state is a typed record gets
`permute`, `permute_action`, `symmetry_groups` and `signatures` from
`Symmetric`, the way the kit derives them for its own models
(`models.kit.symmetry`), instead of writing them by hand:

    class State(NamedTuple):
        raft: indexed_by(Node, Raft)                 # one Raft record per node
        network: indexed_by(Node, tuple[Message, ...])
        leader: Node | None

    class RaftLeader(Symmetric, Model):
        state_type = State
        symmetry_sets = ("nodes",)

- `permute` is the kit's `renamer` of `state_type`: every field typed with
  an id type of a renamed set is renamed, at any depth (records, tuples,
  frozensets, Optional), and a tuple typed ``indexed_by(Node, X)`` both
  renames the ids in its entries and moves entry k to position p(k);
- `permute_action` is the `renamer` of the action's own type (and the
  records of `state_type` and of `actions` that hold named ids print them
  by name, `name_values`, as a kit model's records do);
- `symmetry_groups` gives each set in ``symmetry_sets`` whole, of the size
  `set_size` says (the parameter of the set's name, as in the kit; a model
  overrides either);
- `signatures`: an element's signature is what the state says of it with
  every name blanked but its own: its entry in each tuple indexed by its
  set (the entry with the element itself written as "self" and every other
  name blanked), and each record that names it (by where the record stands,
  its type and the field, the record so blanked), and, for a name held
  outside any record, the state's field holding it (so blanked). Renaming
  carries each along, as the engine requires:
  ``signatures(permute(s, p))[S][p[S][e]] == signatures(s)[S][e]``.

What is derived is only what the types say. A field typed ``int`` or
``str`` is taken to hold no name (a node held as an int must be typed with
its id type, one held as a string "s1" cannot be renamed: hold the number);
a tuple is renamed item by item where it stands, so one kept sorted by
value (a set or bag as sorted pairs) is not sorted again: hold a
frozenset, or a `counts(Message)` (raft.tla's message counts: its messages
renamed by their type, counts kept, sorted again; its signature marks carry
each message's count). A type that could hide names (``Any``, ``object``,
an untyped ``tuple`` or ``frozenset``, ``counts(Any)``, a class that is
not a record, a union whose options renaming cannot tell apart by value, as
two id types) is refused when the model is built, in one line naming the
field and the fix, for the state's fields, those of the records it holds,
and the actions' fields. A field holding an element of any of several sets
(BPCon's ``acc``: a good or a fake acceptor) is typed ``either(Acceptor,
FakeAcceptor)`` and holds it tagged with its set (``FakeAcceptor.tag(0)``,
`models.kit.records.either`): renamed in its own set, and marked with it in
signatures. A model whose actions name elements as strings
(as TLC prints them) keeps its own `permute_action` (an override), the rest
derived.

Reports are derived from the same types: `state_view` shows the state as a
kit model's (``s1.current_term``, ``n1.raft.term``, ids and values by
name; `models.kit.views`), unless the model writes its own.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from typing import Any, Callable, ClassVar, Mapping, Sequence, Union

from checker.errors import ModelDefinitionError
from checker.symmetry import order_key
from models.kit.message_counts import Counts
from models.kit.memo import Memo
from models.kit.records import (Id, IndexedBy, Value, _converter, _indexing, _nested_records,
                                field_positions, fields_shown, fitting, id_sets_of,
                                is_record_type, name_values, renamer, tagging)
from models.kit.symmetry import ranks
from models.kit.views import state_viewer

#: Types whose values name nothing.
_NAMELESS = (int, bool, str, float, bytes, type(None))


class Symmetric:
    """Mixin deriving a plain model's symmetry from its types (see the
    module docstring): ``class M(Symmetric, Model)`` with ``state_type``,
    the state's record type, and ``symmetry_sets``."""

    #: the record type of the model's states
    state_type: ClassVar[type]
    symmetry_derived: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # records naming elements print them by name (Grant(n2→n1)), as a
        # kit model's do: the state's, held at any depth, and the actions'
        for kind in (cls.__dict__.get("state_type"), *cls.__dict__.get("actions", ())):
            if kind is not None:
                name_values(kind)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._derived = _Derived.of(self)

    def set_size(self, name: str) -> int:
        """How many elements the set `name` has: the parameter of that name."""
        return getattr(self, name)

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """Each symmetric set whole."""
        return {name: [list(range(size))] for name, size in self._derived.sizes.items()}

    def permute(self, state: Any, perm: Mapping[str, Sequence[int]]) -> Any:
        images = self._derived.images(perm)
        return state if images is None else self._derived.rename_state(state, images)

    def permute_action(self, action: Any, perm: Mapping[str, Sequence[int]]) -> Any:
        images = self._derived.images(perm)
        if images is None:
            return action
        rename = self._derived.action_renamer(type(action))
        return action if rename is None else rename(action, images)

    def signatures(self, state: Any) -> dict[str, tuple[int, ...]]:
        return self._derived.signatures(state)

    def state_view(self, state: Any) -> dict[str, Any]:
        """The state as a kit model prints it, derived from ``state_type``
        (`models.kit.views`): ``s1.current_term``, ids and values by name."""
        return state_viewer(self._derived.state_type)(state)

    def action_view(self, action: Any) -> dict[str, Any]:
        """The action's fields named as its text names them (``{"n": "n1"}``),
        from its type, as a kit model's."""
        return fields_shown(action)

    def expression_names(self) -> dict[str, Callable[[Any], Any]]:
        """For a spec's expressions, as a kit model offers its roles'
        records: each set that fields are `indexed_by`, by its name, as a
        list of records in element order, one field per such state field
        (``all(n.raft.term <= 3 for n in nodes)``), and each other state
        field by its name (``leader``)."""
        names = super().expression_names()
        for set_name, (entry, indices) in _entries(self._derived.state_type).items():
            names.setdefault(set_name, lambda state, entry=entry, indices=indices: [
                entry(*parts) for parts in zip(*(state[i] for i in indices))])
        indexed = {i for _, indices in _entries(self._derived.state_type).values()
                   for i in indices}
        for i, field in enumerate(self._derived.state_type._fields):
            if i not in indexed:
                names.setdefault(field, lambda state, i=i: state[i])
        return names

    def expression_positions(self, sets: Sequence[str]) -> dict[str, dict[str, Any]]:
        """From the types, as the kit's: the element records list elements
        in order, record fields holding elements (at any depth) name them,
        and a state field offered by its name holds them as its type says."""
        found = super().expression_positions(sets)
        state_type = self._derived.state_type
        entries = _entries(state_type)
        field_positions([entry for entry, _ in entries.values()], sets, found)
        hints = typing.get_type_hints(state_type, include_extras=True)
        indexed = {i for _, indices in entries.values() for i in indices}
        for i, (field, (_, named)) in enumerate(id_sets_of(state_type).items()):
            named = [name for name in named if name in sets]
            if i not in indexed and named:
                found["elements"][field] = named[0]
                field_positions(_nested_records(hints.get(field)), sets, found)
        return found


def _entries(state_type: type) -> dict[str, tuple[type, tuple[int, ...]]]:
    """For each set some state fields are `indexed_by`: the record type of
    one element's entries (a field per such state field) and where they
    stand in the state."""
    hints = typing.get_type_hints(state_type, include_extras=True)
    by_set: dict[str, list[tuple[int, str, Any]]] = {}
    for i, field in enumerate(state_type._fields):
        annotation = hints.get(field)
        set_name = _indexing(annotation)
        if set_name is not None:
            entry = typing.get_args(typing.get_args(annotation)[0])[0]
            by_set.setdefault(set_name, []).append((i, field, entry))
    return {set_name: (_entry_type(state_type, set_name, tuple((f, t) for _, f, t in fields)),
                       tuple(i for i, _, _ in fields))
            for set_name, fields in by_set.items()}


@functools.lru_cache(maxsize=None)
def _entry_type(state_type: type, set_name: str, fields: tuple) -> type:
    """The record of one element's entries (one type per state type and set)."""
    return typing.NamedTuple(f"{state_type.__name__}Entry", list(fields))


def _through(annotation: Any, where: str,
             walk: Callable[[Any, str], Callable[[Any], list] | None]
             ) -> Callable[[Any], list] | None:
    """What `walk` finds (a function of a value, giving a list) in the
    options of a union, the items of a tuple or frozenset or the messages
    of a `counts` typed `annotation`, standing at `where`; None if it finds
    nothing there."""
    if _is_counts(annotation):  # the messages of a message-count function
        part = walk(annotation.message_type, f"{where}[]")
        if part is None:
            return None
        return lambda value: [found for message in value for found in part(message)]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        options = [(arg, walk(arg, where)) for arg in args if arg is not type(None)]
        options = [(arg, part) for arg, part in options if part is not None]
        if not options:
            return None
        if len(options) == 1 and len(args) - (type(None) in args) == 1:  # X | None
            part = options[0][1]
            return lambda value: [] if value is None else part(value)
        return _by_type(options, list)
    if origin in (tuple, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            parts = [walk(arg, f"{where}.{k}") for k, arg in enumerate(args)]
            if all(part is None for part in parts):
                return None
            return lambda value: [found for item, part in zip(value, parts)
                                  if part is not None for found in part(item)]
        part = walk(args[0], f"{where}*") if args else None
        if part is None:
            return None
        return lambda value: [found for item in value for found in part(item)]
    return None


# -- what a type may hold --------------------------------------------------------------


def hiding(annotation: Any, where: str, seen: frozenset = frozenset(),
           loose: bool = False) -> tuple[str, str] | None:
    """The first part of type `annotation`, standing at `where` (a record's
    field), that could hold a name renaming cannot see, as (where it
    stands, its type); None when every part is typed. `loose`: only a
    union whose options renaming cannot tell apart (a kit model's records
    may hold `Any`, which the kit renames by the value's own type)."""
    if annotation is Any or annotation is object:
        return None if loose else (where, "Any" if annotation is Any else "object")
    if tagging(annotation) is not None:  # its values say their set
        return None
    if typing.get_origin(annotation) is typing.Annotated:
        return hiding(typing.get_args(annotation)[0], where, seen, loose)
    if isinstance(annotation, type) and issubclass(annotation, (Id, Value, enum.Enum)):
        return None
    if _is_counts(annotation):
        held = annotation.message_type
        if (held is Any or held is object) and not loose:
            return where, f"counts({_text(held)})"
        return hiding(held, where, seen, loose)
    if is_record_type(annotation):
        if annotation in seen:
            return None
        hints = typing.get_type_hints(annotation, include_extras=True)
        for field in annotation._fields:
            at = f"{annotation.__name__}.{field}"
            found = (hiding(hints[field], at, seen | {annotation}, loose) if field in hints
                     else None if loose else (at, "nothing (untyped)"))
            if found is not None:
                return found
        return None
    if annotation in _NAMELESS:
        return None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return None
    if origin in (Union, types.UnionType):
        kinds = [(_value_class(arg), _converter(arg) is not None) for arg in args]
        for k, (kind, named) in enumerate(kinds):
            for other, other_named in kinds[:k]:
                # renaming picks an option by the value's type (`fitting`): it would miss one
                if (named or other_named) and (kind == other or tuple in (kind, other)
                                               and _is_tuple(kind) and _is_tuple(other)):
                    return where, (f"{_text(annotation)} (a union whose options' values "
                                   f"look alike{_either_hint(args)})")
    if origin in (Union, types.UnionType) or (origin in (tuple, frozenset) and args):
        for arg in args:
            found = None if arg is Ellipsis else hiding(arg, where, seen, loose)
            if found is not None:
                return found
        return None
    return None if loose else (where, getattr(annotation, "__name__", None) or repr(annotation))


def _either_hint(options: tuple) -> str:
    """For a union of id types of several sets: how to type it instead."""
    kinds = [kind for kind in options if kind is not type(None)]
    if not all(isinstance(kind, type) and issubclass(kind, Id) for kind in kinds):
        return ""
    names = [kind.set_name for kind in kinds]
    if len(set(names)) < len(names):
        return ""
    return (f"; an element of any of these sets is typed either("
            f"{', '.join(f'ids({name!r})' for name in names)}), its values tagged with "
            f"their set")


def _is_counts(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Counts)


def _value_class(annotation: Any) -> Any:
    """What tells a value of `annotation` apart from others' by its type:
    its class (ids are ints), with a fixed tuple's length."""
    if tagging(annotation) is not None:  # (set name, element)
        return tuple, 2
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, int):
        return int
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return tuple, len(args)
    return origin or annotation


def _is_tuple(kind: Any) -> bool:
    return kind is tuple or (isinstance(kind, tuple) and kind[0] is tuple)


def _text(annotation: Any) -> str:
    """A type as the message names it: ``ids('nodes') | tuple[ids('nodes')]``."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        return " | ".join(map(_text, args))
    if tagging(annotation) is not None:
        return tagging(annotation).text()
    if typing.get_origin(annotation) is typing.Annotated:
        return _text(args[0])
    if isinstance(annotation, type) and issubclass(annotation, Id):
        return f"ids({annotation.set_name!r})"
    if annotation is type(None):
        return "None"
    if origin is not None:
        return f"{origin.__name__}[{', '.join('...' if a is Ellipsis else _text(a) for a in args)}]"
    return getattr(annotation, "__name__", repr(annotation))


def _check_record(model: Any, kind: type, role: str) -> None:
    """Refuse a state or action type that is no record, or with a field
    whose type could hide names."""
    if not is_record_type(kind):
        raise ModelDefinitionError(
            f"model {model.name!r}: {role} type {getattr(kind, '__name__', kind)!s} is not "
            f"a typed record (a NamedTuple); Symmetric derives renaming from a record's "
            f"field types")
    found = hiding(kind, kind.__name__)
    if found is not None:
        where, what = found
        raise ModelDefinitionError(
            f"model {model.name!r}: {role} field {where} is typed {what}, which could hide "
            f"names from the derived symmetry; type it with what it holds (an id type, "
            f"indexed_by(Node, X), tuple[Message, ...], frozenset[Node], a record type) or "
            f"write permute, permute_action and signatures by hand")


# -- where names stand in a value of a type ----------------------------------------------

Marks = list  # of (set name, element, mark)
Marker = Callable[[Any], Marks]


def _ambiguous(annotation: Any, seen: frozenset = frozenset()) -> bool:
    """Whether two values of `annotation` can be equal tuples of different
    types (a union of two record types): such values are never memo keys."""
    if _is_counts(annotation):  # its messages of two types are never equal (its rule)
        return False
    if is_record_type(annotation):
        if annotation in seen:
            return False
        hints = typing.get_type_hints(annotation, include_extras=True)
        return any(_ambiguous(hints.get(field), seen | {annotation})
                   for field in annotation._fields)
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (Union, types.UnionType):
        if sum(bool(_nested_records(arg)) for arg in args) > 1:
            return True
    if typing.get_origin(annotation) is typing.Annotated:
        args = args[:1]
    return any(_ambiguous(arg, seen) for arg in args if arg is not Ellipsis)


class _Derived:
    """One model instance's derived symmetry: its sets' sizes, the renaming
    of its states and actions, and the signature of each element."""

    @staticmethod
    def of(model: Any) -> "_Derived":
        state_type = getattr(type(model), "state_type", None)
        if state_type is None:
            raise ModelDefinitionError(
                f"model {model.name!r}: Symmetric needs state_type, the record type of the "
                f"model's states (state_type = State)")
        _check_record(model, state_type, "state")
        for action in getattr(model, "actions", ()):
            _check_record(model, action, "action")
        sets = tuple(model.symmetry_sets)
        named = {name for indexing, held in id_sets_of(state_type).values()
                 for name in (indexing, *held)}
        for name in sets:
            if name not in named:
                raise ModelDefinitionError(
                    f"model {model.name!r}: symmetry_sets names {name!r}, but no field of "
                    f"{state_type.__name__} holds its elements; type the fields that name "
                    f"them with ids({name!r}, ...) or indexed_by, or leave {name!r} out")
        sizes = {}
        for name in sets:
            size = model.set_size(name)
            if not isinstance(size, int) or isinstance(size, bool):
                raise ModelDefinitionError(
                    f"model {model.name!r}: the size of symmetric set {name!r} is {size!r}; "
                    f"give the model a parameter {name!r} or define set_size(name)")
            sizes[name] = size
        return _Derived(model, state_type, sizes)

    def __init__(self, model: Any, state_type: type, sizes: dict[str, int]):
        self.model = model
        self.state_type = state_type
        self.sizes = sizes
        self.rename_state = renamer(state_type) or (lambda state, images: state)
        self._checked: dict[type, Any] = {}
        self._by_identity: dict[int, tuple] = {}
        blank = {name: (-1,) * size for name, size in sizes.items()}
        # every name blanked but element e of set S, which is "self" (-2)
        self.relative = {
            (name, e): {**blank, name: tuple(-2 if k == e else -1 for k in range(size))}
            for name, size in sizes.items() for e in range(size)}
        hints = typing.get_type_hints(state_type, include_extras=True)
        self.fields = []  # per field of the state: its marks by set, remembered by value
        for index, field in enumerate(state_type._fields):
            marks = self._field_marks(field, hints[field])
            if marks is not None:
                self.fields.append((index, marks))

    # -- renaming ------------------------------------------------------------------------

    def images(self, perm: Mapping[str, Sequence[int]]) -> dict[str, tuple[int, ...]] | None:
        """`perm` as the renamers take it, without the sets it leaves as
        they are; None for the identity. Remembered by the permutation's
        identity, as the engine passes the same objects again and again."""
        seen = self._by_identity.get(id(perm))
        if seen is not None and seen[0] is perm:
            return seen[1]
        images = {name: tuple(perm[name]) for name in perm
                  if tuple(perm[name]) != tuple(range(len(perm[name])))} or None
        if len(self._by_identity) >= 4096:
            self._by_identity.clear()
        self._by_identity[id(perm)] = (perm, images)
        return images

    def action_renamer(self, kind: type) -> Any:
        if kind not in self._checked:
            _check_record(self.model, kind, "action")
            self._checked[kind] = renamer(kind)
        return self._checked[kind]

    # -- signatures ------------------------------------------------------------------------

    def signatures(self, state: Any) -> dict[str, tuple[int, ...]]:
        """Each element's marks, over the state's fields, turned into ranks."""
        return ranks([marks[state[index]] for index, marks in self.fields], self.sizes)

    def _mark(self, name: str, element: int, where: str, rename: Any, value: Any) -> str:
        """The mark of `element` of set `name` at `where` in `value`: the
        value with that element as self and every other name blanked."""
        plain = value if rename is None else rename(value, self.relative[name, element])
        return repr(order_key((where, plain)))

    def _field_marks(self, field: str, annotation: Any) -> Any:
        """A table from a value of state field `field` to, per set, each
        element's marks in it, sorted, as one string; None if the field
        holds no name of a symmetric set."""
        marker = self._marker(annotation, field)
        loose = self._loose(annotation)
        if marker is None and loose is None:
            return None
        rename = _converter(annotation)

        def marks_of(value: Any) -> dict[str, tuple[str, ...]]:
            found: dict[tuple[str, int], list[str]] = {}
            for name, element, mark in (marker(value) if marker is not None else ()):
                found.setdefault((name, element), []).append(mark)
            for name, element in sorted(set(loose(value) if loose is not None else ())):
                found.setdefault((name, element), []).append(
                    self._mark(name, element, f"{field} names", rename, value))
            return {name: tuple("\n".join(sorted(found.get((name, element), ())))
                                for element in range(size))
                    for name, size in self.sizes.items()}
        return (_Typed if _ambiguous(annotation) else Memo)(marks_of)

    def _loose(self, annotation: Any, where: str = "") -> Callable[[Any], list] | None:
        """The names of symmetric sets in a value of `annotation` outside
        any record in it (records mark their own), or None if none can be."""
        mark = tagging(annotation)
        if mark is not None:  # (set name, element), of any set it may hold
            if not set(mark.kinds) & set(self.sizes):
                return None
            sizes = self.sizes
            return lambda value: [tuple(value)] if value[0] in sizes else []
        if typing.get_origin(annotation) is typing.Annotated:
            return self._loose(typing.get_args(annotation)[0])
        if isinstance(annotation, type) and issubclass(annotation, Id):
            name = annotation.set_name
            return (lambda value: [(name, value)]) if name in self.sizes else None
        if is_record_type(annotation):
            return None
        return _through(annotation, where, self._loose)

    def _marker(self, annotation: Any, where: str) -> Marker | None:
        """The marks in a value of `annotation` standing at `where`: of each
        entry of a tuple indexed by a symmetric set, for its element, and of
        each record naming an element, for that element; None if none can be."""
        if typing.get_origin(annotation) is typing.Annotated:
            inner = typing.get_args(annotation)[0]
            marks = [m for m in annotation.__metadata__ if isinstance(m, IndexedBy)]
            if not marks:
                return self._marker(inner, where)
            entry = typing.get_args(inner)[0]
            return self._indexed(marks[0].ids.set_name, entry, f"{where}[]")
        if is_record_type(annotation):
            return self._record(annotation, f"{where}:{annotation.__name__}")
        if _is_counts(annotation):  # each message's marks, with its count
            inner = self._marker(annotation.message_type, f"{where}[]")
            if inner is None:
                return None
            # (a message's marks with its count, remembered: a bag's pairs recur in
            # many states, each bag new)
            counted = Memo(lambda pair: [(name, element, f"{mark}*{pair[1]}")
                                         for name, element, mark in inner(pair[0])])
            return lambda value: [found for pair in value.items() for found in counted[pair]]
        return _through(annotation, where, self._marker)

    def _indexed(self, name: str, entry: Any, where: str) -> Marker | None:
        inner = self._marker(entry, where)
        if name not in self.sizes:  # a set not renamed: its positions are no names
            return None if inner is None else (
                lambda value: [mark for item in value for mark in inner(item)])
        rename = _converter(entry)
        table = (_Typed if _ambiguous(entry) else Memo)(
            lambda key: self._mark(name, key[0], where, rename, key[1]))

        def marks(value: tuple) -> Marks:
            found = [(name, k, table[k, item]) for k, item in enumerate(value)]
            if inner is not None:
                found += [m for item in value for m in inner(item)]
            return found
        return marks

    def _record(self, kind: type, where: str) -> Marker | None:
        hints = typing.get_type_hints(kind, include_extras=True)
        fields = []
        for index, field in enumerate(kind._fields):
            inner = self._marker(hints[field], f"{where}.{field}")
            loose = self._loose(hints[field])
            if inner is not None or loose is not None:
                fields.append((index, f"{where}.{field}", inner, loose))
        if not fields:
            return None
        rename, mark = renamer(kind), self._mark

        def marks(record: Any) -> Marks:
            found = []
            for index, at, inner, loose in fields:
                value = record[index]
                if inner is not None:
                    found += inner(value)
                if loose is not None:
                    found += [(name, element, mark(name, element, at, rename, record))
                              for name, element in sorted(set(loose(value)))]
            return found
        return (_Typed if _ambiguous(kind) else Memo)(marks).__getitem__


class _Typed:
    """A memo table for values where records of two types can meet as equal
    tuples (a union of message types): remembered by the value with the
    type of each record in it."""

    def __init__(self, compute: Callable[[Any], Any]):
        self.compute = compute
        self.table = Memo(lambda key: compute(key[0]))

    def __getitem__(self, value: Any) -> Any:
        return self.table[value, _types(value)]


def _types(value: Any) -> Any:
    """The types of the records in `value`, in its shape."""
    if isinstance(value, tuple):
        kind = type(value)
        return (kind, tuple(map(_types, value))) if kind is not tuple else tuple(map(_types, value))
    if isinstance(value, frozenset):
        return frozenset((item, _types(item)) for item in value)
    return None


def _by_type(options: list, empty: Callable[[], list]) -> Callable[[Any], list]:
    """A union of several types with names: the value's own type decides."""
    options = [(fitting(kind), part) for kind, part in options]

    def pick(value: Any) -> list:
        for fit, part in options:
            if fit(value):
                return part(value)
        return empty()
    return pick
