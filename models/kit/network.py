"""Networks: what happens to a message between its sending and its receipt.

A model names its network (``network = MessageSet()``, ``network =
Bag(drop="drops", duplicate="duplicates")``); it never implements one. The
network's value is one part of the global state: a tuple with one component
per message type, in the order the model lists its message types, so that a
node's handlers see only the components of the types they take (and the
memo keys on those), and two types never meet in one set.

- `MessageSet`: Paxos.tla's ``msgs``, every message ever sent. Receiving
  removes nothing, so any message can be received any number of times, in
  any order, or never: loss, duplication and reordering as far as safety
  goes. A component is a frozenset of messages.
- `Bag`: messages in flight with their multiplicities; receiving removes
  one copy. Dropping and duplicating a message are the network's own steps
  (`Drop`, `Duplicate`), each bounded by a budget read from a parameter;
  the budgets left are the value's last part. A component is a frozenset
  of (message, copies) pairs.

A message type may name its sender and receiver for sequence charts and
delivery: class attributes ``src = "acc"`` (a field naming a node) and
``dst = "bal"`` (a field naming the node it is for; on a bag, only that
node receives it). A ``dst`` that is not a field is a label for charts
(Paxos's 2b messages go to ``"learners"``, who are not modelled).

Not yet here (planned): FIFO channels, partitions (links down, heal).
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Iterable, NamedTuple

from checker.symmetry import order_key
from models.kit.memo import Memo


class Drop(NamedTuple):
    """The network loses one copy of `message`."""

    message: Any


class Duplicate(NamedTuple):
    """The network makes one more copy of `message`."""

    message: Any


def ordered(messages: Iterable[Any]) -> list[Any]:
    """Messages in a deterministic order (their fields, then their type)."""
    return sorted(messages, key=order_key)


def receiver(message: Any) -> int | None:
    """The node `message` is for, if its type names one by a field."""
    field = getattr(type(message), "dst", None)
    if field is None or field not in type(message)._fields:
        return None
    return getattr(message, field)


class Network:
    """A kind of network, as a model declares it; `bind` makes the network
    of one model instance, for its message types."""

    fault_actions: tuple[type, ...] = ()
    kinds: tuple[type, ...] = ()

    def bind(self, model: Any, kinds: tuple[type, ...]) -> "Network":
        bound = type(self).__new__(type(self))
        bound.__dict__.update(self.__dict__)
        bound.kinds = kinds
        bound.index = {kind: k for k, kind in enumerate(kinds)}
        bound.setup(model)
        return bound

    def setup(self, model: Any) -> None:
        """Read budgets from the model's parameters."""

    # what every network provides
    def initial(self) -> tuple: ...
    def addressed(self, k: int) -> bool:
        """Whether messages of type `k` are each for one node (``dst``)."""
        kind = self.kinds[k]
        return getattr(kind, "dst", None) in kind._fields

    def for_node(self, k: int, component: Any, node: int) -> Any:
        """The part of component `k` that is for `node` (no ``dst``, or its own)."""
    def deliverable(self, component: Any) -> list[Any]:
        """The messages of a component, in order."""
    def receive(self, value: tuple, k: int, message: Any) -> tuple: ...
    def send(self, value: tuple, sends: tuple[tuple[int, Any], ...]) -> tuple: ...

    def apply(self, value: tuple, received: tuple[int, Any] | None,
              sends: tuple[tuple[int, Any], ...]) -> tuple:
        """The value after a step receives `received` (type index, message)
        and sends `sends`."""
        if received is not None:
            value = self.receive(value, *received)
        return self.send(value, sends) if sends else value

    def sent_already(self, components: dict[int, Any], sends: tuple) -> bool:
        """Whether sending `sends` would change none of `components` (by
        type index); False when a component is not among them."""
        return False

    def compile(self, planned: list[tuple]) -> tuple:
        """A group's planned steps in the form `expand` takes."""
        return tuple(planned)

    def expand(self, state: tuple, plan: tuple, out: list) -> None:
        """Append to `out` the steps of `plan` (see `_Group._plan`) from
        `state`, leaving out those that change nothing."""
        net = state[-1]
        for action, slot, new_record, changed, received, sends in plan:
            new_net = self.apply(net, received, sends)
            if changed:
                parts = list(state)
                parts[slot] = new_record
                parts[-1] = new_net
                out.append((action, tuple(parts)))
            elif new_net != net:
                out.append((action, state[:-1] + (new_net,)))
    def faults(self, value: tuple) -> list[tuple[Any, tuple]]: return []
    def messages(self, value: tuple, kind: type) -> Iterable[Any]:
        return self.read(value, self.index[kind])

    def read(self, value: tuple, k: int) -> Iterable[Any]:
        """The messages of component `k` (a method or a C function: properties
        read the network of every state)."""
    def rename(self, value: tuple, component: Callable[[Any], Any]) -> tuple:
        """`value` renamed, each component by ``component((index, component))``."""
    def occurrences(self, component: Any) -> Iterable[tuple[Any, Any]]: ...
    def view(self, value: tuple) -> dict[str, Any]: ...


class MessageSet(Network):
    """Every message ever sent (Paxos.tla's ``msgs``); see the module docstring."""

    def setup(self, model: Any) -> None:
        # per type index, (component, message) -> the component with it: one
        # shared set per distinct result, hashed once. (One table per type:
        # records of two types with equal fields are equal tuples.)
        self._added = [Memo(lambda key: key[0] | {key[1]}) for _ in self.kinds]
        # types whose messages are for one node (the others go to all): each
        # component of such a type split by receiver, once
        self._addressed = {k for k in range(len(self.kinds)) if self.addressed(k)}
        self._by_receiver = [Memo(_by_receiver) for _ in self.kinds]

    def initial(self) -> tuple:
        return (frozenset(),) * len(self.kinds)

    def for_node(self, k: int, component: frozenset, node: int) -> frozenset:
        if k not in self._addressed:
            return component
        split = self._by_receiver[k][component]
        return split.get(node, split[None])

    def deliverable(self, component: frozenset) -> list[Any]:
        return ordered(component)

    def sent_already(self, components: dict[int, Any], sends: tuple) -> bool:
        return all(k in components and message in components[k] for k, message in sends)

    def compile(self, planned: list[tuple]) -> tuple:
        # Received messages stay, so a step is (action, slot if the record
        # changes else None, new record, its first message as type index
        # and message, the others): most steps send one message.
        compiled = []
        for action, slot, new_record, changed, _, sends in planned:
            k, message = sends[0] if sends else (None, None)
            compiled.append((action, slot if changed else None, new_record, k, message,
                             sends[1:]))
        return tuple(compiled)

    def expand(self, state: tuple, plan: tuple, out: list) -> None:
        # `Network.expand` with the set's `apply` inlined: this loop runs
        # for every planned step of every state
        net = state[-1]
        added = self._added
        for action, slot, new_record, k, message, more in plan:
            if k is None or message in net[k]:
                new_net = net
            else:
                new_net = net[:k] + (added[k][net[k], message],) + net[k + 1:]
            if more:
                new_net = self.send(new_net, more)
            if slot is not None:
                parts = list(state)
                parts[slot] = new_record
                parts[-1] = new_net
                out.append((action, tuple(parts)))
            elif new_net is not net:
                out.append((action, state[:-1] + (new_net,)))

    def receive(self, value: tuple, k: int, message: Any) -> tuple:
        return value  # a message, once sent, stays

    def send(self, value: tuple, sends: tuple[tuple[int, Any], ...]) -> tuple:
        for k, message in sends:
            component = value[k]
            if message not in component:  # sending it again changes nothing
                value = value[:k] + (self._added[k][component, message],) + value[k + 1:]
        return value

    def apply(self, value: tuple, received: Any, sends: tuple[tuple[int, Any], ...]) -> tuple:
        # the set's own loop: this runs for every planned step; a message
        # received stays, and `value` itself comes back when nothing is new
        for k, message in sends:
            component = value[k]
            if message not in component:
                value = value[:k] + (self._added[k][component, message],) + value[k + 1:]
        return value

    read = staticmethod(operator.getitem)  # the component is the set of messages

    def rename(self, value: tuple, component: Callable[[Any], Any]) -> tuple:
        return tuple(map(component, enumerate(value)))

    def occurrences(self, component: frozenset) -> Iterable[tuple[Any, Any]]:
        return ((message, None) for message in component)

    def rename_component(self, component: frozenset, message: Callable[[Any], Any]) -> frozenset:
        return frozenset(map(message, component))

    def view(self, value: tuple) -> dict[str, Any]:
        return {"msgs": sorted(repr(m) for component in value for m in component)}


class Bag(Network):
    """Messages in flight, with copies; drop and duplicate faults within
    budgets named by parameters (``Bag(drop="drops")``: the model's
    ``drops`` parameter is how many messages the network may lose)."""

    fault_actions = (Drop, Duplicate)

    def __init__(self, drop: str | None = None, duplicate: str | None = None):
        self.drop_param, self.duplicate_param = drop, duplicate

    def setup(self, model: Any) -> None:
        self.budgets = (getattr(model, self.drop_param) if self.drop_param else 0,
                        getattr(model, self.duplicate_param) if self.duplicate_param else 0)
        self._changed = [Memo(lambda key: _recount(*key)) for _ in self.kinds]  # per type

    def initial(self) -> tuple:
        return (frozenset(),) * len(self.kinds) + (self.budgets,)

    def for_node(self, k: int, component: frozenset, node: int) -> frozenset:
        return frozenset(item for item in component if receiver(item[0]) in (None, node))

    def deliverable(self, component: frozenset) -> list[Any]:
        return ordered(m for m, _ in component)

    def receive(self, value: tuple, k: int, message: Any) -> tuple:
        return value[:k] + (self._changed[k][value[k], message, -1],) + value[k + 1:]

    def send(self, value: tuple, sends: tuple[tuple[int, Any], ...]) -> tuple:
        for k, message in sends:
            value = value[:k] + (self._changed[k][value[k], message, 1],) + value[k + 1:]
        return value

    def faults(self, value: tuple) -> list[tuple[Any, tuple]]:
        drops, duplicates = value[-1]
        steps = []
        for k in range(len(self.kinds)):
            for message in ordered(m for m, _ in value[k]):
                if drops:
                    steps.append((Drop(message), self.receive(value, k, message)[:-1]
                                  + ((drops - 1, duplicates),)))
                if duplicates:
                    steps.append((Duplicate(message), self.send(value, ((k, message),))[:-1]
                                  + ((drops, duplicates - 1),)))
        return steps

    def read(self, value: tuple, k: int) -> list[Any]:
        return [m for m, _ in value[k]]

    def rename(self, value: tuple, component: Callable[[Any], Any]) -> tuple:
        return tuple(map(component, enumerate(value[:-1]))) + (value[-1],)

    def occurrences(self, component: frozenset) -> Iterable[tuple[Any, Any]]:
        return iter(component)

    def rename_component(self, component: frozenset, message: Callable[[Any], Any]) -> frozenset:
        return frozenset((message(m), copies) for m, copies in component)

    def view(self, value: tuple) -> dict[str, Any]:
        drops, duplicates = value[-1]
        shown = sorted(f"{m!r}" + (f" ×{copies}" if copies > 1 else "")
                       for component in value[:-1] for m, copies in component)
        return {"network": shown, "drops_left": drops, "duplicates_left": duplicates}


def _by_receiver(component: frozenset) -> dict[int | None, frozenset]:
    """The messages of `component` for each receiver, those for anyone
    (``dst`` None) included in each; under None, those alone."""
    split: dict[int | None, set] = {}
    for message in component:
        split.setdefault(receiver(message), set()).add(message)
    anyone = split.pop(None, set())
    result: dict[int | None, frozenset] = {node: frozenset(mine | anyone)
                                           for node, mine in split.items()}
    result[None] = frozenset(anyone)
    return result


def _recount(component: frozenset, message: Any, change: int) -> frozenset:
    copies = dict(component)
    left = copies.get(message, 0) + change
    if left:
        copies[message] = left
    else:
        del copies[message]
    return frozenset(copies.items())
