"""Renaming and signatures, derived from the records' id fields.

The engine (checker.symmetry) asks a model to rename the elements of its
symmetric sets in a state (`permute`) and in an action (`permute_action`),
and, for speed, for a summary of each element that does not depend on
names (`signatures`). For a model built with the kit these follow from
the declared field types alone:

- renaming acceptors moves each acceptor's record to its new position and
  renames every field typed ``Acceptor`` in every record and message, and
  in the model's globals record, which stays where it is;
- an element's signature is what the state says about it with all names
  blanked: its own record (for a node), and each record or message that
  names it, by type and field, with the other names blanked too. Renaming
  carries it along, as the engine requires.

Each renaming is applied through tables remembered per permutation, so a
record or message set met again is renamed by a look-up.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from checker.symmetry import order_key
from models.kit.memo import Memo
from models.kit.records import blanked, id_fields, renamer, tagged_fields

_IDENTITY = object()


class Renaming:
    """One permutation's action on states and actions of one model."""

    def __init__(self, layout: "Layout", images: dict[str, tuple[int, ...]]):
        self.layout = layout
        self.images = images
        # keyed by type too, and by the types of its fields: records of two
        # types with equal fields are equal tuples (Receive(m) of two types of m)
        self.typed = Memo(lambda key: self._rename_record(key[-1]))
        # a component by (type index, set): equal sets of two types are equal
        self.component = Memo(
            lambda key: layout.network.rename_component(key[1], self.record))
        self.records = Memo(lambda records: tuple(
            self.record(records[position]) for position in self.sources))
        # where each stateful node's record goes: new position -> old position
        self.sources = list(range(len(layout.slots)))
        for position, (set_name, node) in enumerate(layout.slots):
            if set_name in images:
                target = layout.slot_of[set_name, images[set_name][node]]
                self.sources[target] = position

    def record(self, record: Any) -> Any:
        return self.typed[type(record), tuple(map(type, record or ())), record]

    def _rename_record(self, record: Any) -> Any:
        if record is None:
            return None
        rename = renamer(type(record))
        return record if rename is None else rename(record, self.images)

    def state(self, state: tuple) -> tuple:
        # the records, then the globals (renamed in place), then name-free
        # parts (budgets left), then the clock (in a model with time: its
        # per-node parts move too), then the network
        slots = len(self.layout.slots)
        records = self.records[state[:slots]]
        if self.layout.globals_at is not None:
            records += (self.record(state[slots]),)
            slots += 1
        net = (self.layout.network.rename(state[-1], self.component.__getitem__),)
        clock = self.layout.clock
        if clock is not None:
            return (records + state[slots:-2]
                    + (clock.rename(state[-2], self.images),) + net)
        return records + state[slots:-1] + net


class Layout:
    """Where things are in a global state: one record per stateful node
    (``slots``: (set name, node number) by position), then the globals
    record (at `globals_at`, in a model with globals), then the clock's
    value (in a model with time), then the network."""

    def __init__(self, slots: list[tuple[str, int]], network: Any, sizes: dict[str, int],
                 symmetric: tuple[str, ...], clock: Any = None,
                 globals_at: int | None = None):
        self.slots = slots
        self.globals_at = globals_at
        self.clock = clock  # a bound `models.kit.clock.Clock`, or None
        self.slot_of = {slot: position for position, slot in enumerate(slots)}
        self.network = network
        self.sizes = sizes
        self.symmetric = symmetric
        self._renamings: dict[tuple, Any] = {}
        self._by_identity: dict[int, tuple] = {}
        # every name of every symmetric set blanked, for signatures
        self.blank = {name: (-1,) * sizes[name] for name in symmetric}
        self._mentions = Memo(lambda key: self._mentions_of(key[1]))  # by (type, record)
        self._component_marks = Memo(lambda key: self._marks_of_component(key[1]))  # by (type index, set)
        self._records_marks = Memo(self._marks_of_records)
        self._globals_marks = Memo(self._marks_of_globals)

    # -- renaming ------------------------------------------------------------------

    def renaming(self, perm: Mapping[str, Sequence[int]]) -> Renaming | None:
        # The engine passes the same permutation objects again and again: a
        # look-up by identity first (the entry holds `perm`, so its id
        # stays its own), by value on a miss.
        seen = self._by_identity.get(id(perm))
        if seen is not None and seen[0] is perm:
            return seen[1]
        found = self._by_value(perm)
        if len(self._by_identity) >= 4096:
            self._by_identity.clear()
        self._by_identity[id(perm)] = (perm, found)
        return found

    def _by_value(self, perm: Mapping[str, Sequence[int]]) -> Renaming | None:
        key = tuple((name, tuple(images)) for name, images in sorted(perm.items()))
        found = self._renamings.get(key)
        if found is None:
            images = {name: tuple(images) for name, images in key
                      if tuple(images) != tuple(range(len(images)))}
            found = self._renamings[key] = Renaming(self, images) if images else _IDENTITY
        return None if found is _IDENTITY else found

    def permute(self, state: tuple, perm: Mapping[str, Sequence[int]]) -> tuple:
        renaming = self.renaming(perm)
        return state if renaming is None else renaming.state(state)

    def permute_action(self, action: Any, perm: Mapping[str, Sequence[int]]) -> Any:
        # Not remembered: two actions of one type can be equal tuples holding
        # records of two types (Drop of a request and of its reply).
        renaming = self.renaming(perm)
        return action if renaming is None else renaming._rename_record(action)

    # -- signatures ------------------------------------------------------------------
    #
    # A mark is a string: what mentions the element, in which field, and the
    # mention with every name blanked, written as the repr of its
    # `order_key` (deterministic from run to run, name-free, cheap to hash
    # and compare). Marks are remembered per record and per network
    # component, the parts that states share.

    def _mentions_of(self, record: Any) -> tuple:
        """(set name, element, mark) for each id field of `record` (a field
        typed `either`: of the set its value is tagged with)."""
        kind = type(record)
        if record is None or not (id_fields(kind) or tagged_fields(kind)):
            return ()
        named = [(index, name, record[index]) for index, name in id_fields(kind)]
        named += [(index, *record[index]) for index in tagged_fields(kind)
                  if record[index] is not None]
        plain = blanked(record, self.blank)
        return tuple((name, element, repr(order_key((kind.__name__, index, plain))))
                     for index, name, element in named
                     if name in self.blank and element is not None)

    def _marks_of_component(self, component: Any) -> dict[str, tuple[str, ...]]:
        """Per symmetric set, each element's marks in the component, sorted,
        as one string."""
        marks: dict[tuple[str, int], list] = {}
        for message, context in self.network.occurrences(component):
            for name, element, mark in self._mentions[type(message), message]:
                marks.setdefault((name, element), []).append(
                    mark if context is None else f"{mark}*{context}")
        return self._by_set(marks)

    def _marks_of_records(self, records: tuple) -> dict[str, tuple[str, ...]]:
        """Per symmetric set, each element's marks in the nodes' records,
        sorted (which node holds a record is itself a name), as one string."""
        marks: dict[tuple[str, int], list] = {}
        for (set_name, node), record in zip(self.slots, records):
            for name, element, mark in self._mentions[type(record), record]:
                marks.setdefault((name, element), []).append(mark)
            if set_name in self.blank:  # a node of a symmetric set: its own record
                marks.setdefault((set_name, node), []).append(
                    repr(order_key(("self", blanked(record, self.blank)))))
        return self._by_set(marks)

    def _marks_of_globals(self, record: Any) -> dict[str, tuple[str, ...]]:
        """Per symmetric set, each element's marks in the globals record."""
        marks: dict[tuple[str, int], list] = {}
        for name, element, mark in self._mentions[type(record), record]:
            marks.setdefault((name, element), []).append(mark)
        return self._by_set(marks)

    def _by_set(self, marks: dict[tuple[str, int], list]) -> dict[str, tuple[str, ...]]:
        return {name: tuple("\n".join(sorted(marks.get((name, element), ())))
                            for element in range(self.sizes[name]))
                for name in self.symmetric}

    def signatures(self, state: tuple) -> dict[str, tuple[int, ...]]:
        """Each element's summary turned into ranks (small numbers that order
        the elements as their summaries do). A summary is the element's marks
        in the nodes' records, then in the globals (where the model has
        them), then in each network component."""
        parts = [self._records_marks[state[:len(self.slots)]]]
        if self.globals_at is not None:
            parts.append(self._globals_marks[state[self.globals_at]])
        parts += [self._component_marks[k, component]
                  for k, component in enumerate(self.network.parts(state[-1]))]
        return ranks(parts, self.symmetric)


def ranks(parts: list, names: Any) -> dict[str, tuple[int, ...]]:
    """Signatures from the marks `parts` give each element of each set in
    `names`: an element's marks over the parts, turned into its rank among
    its set's (equal marks, equal ranks)."""
    result = {}
    for name in names:
        summaries = list(zip(*[part[name] for part in parts]))
        ordered = sorted(set(summaries))
        result[name] = tuple(map(ordered.index, summaries))
    return result
