"""Networks: what happens to a message between its sending and its receipt.

A model names its network (``network = MessageSet()``, ``network =
Bag(drop="drops", duplicate="duplicates")``, ``network = Fifo()``); it
never implements one. The network's value is the last part of the global
state: a tuple of components (then budgets, if any), so that a node's
handlers see only the components of the types they take (and the memo keys
on those).

- `MessageSet`: Paxos.tla's ``msgs``, every message ever sent, one
  frozenset per message type. Receiving removes nothing, so any message can
  be received any number of times, in any order, or never: loss,
  duplication and reordering as far as safety goes.
- `Bag`: messages in flight with their copies, a frozenset of (message,
  copies) per type; receiving removes one copy. Dropping and duplicating a
  message are the network's own steps (`Drop`, `Duplicate`), each bounded
  by a budget read from a parameter. ``Bag(copies=1)`` holds one copy at
  most: the set of messages in flight from which receipt removes
  (PlusCal's ``inbox[n] := inbox[n] \\cup {m}`` and ``inbox[self] :=
  inbox[self] \\ {m}``, TLA+'s ``msgs' = msgs \\ {m}``), where sending
  a message in flight changes nothing; it takes no duplicate budget.
- `Fifo`: one queue per link (sender, receiver), all types in one
  component; a node receives the oldest message of each link into it;
  optionally lossy (`Drop`, the oldest on a link).
- `Inbox`: one queue per receiver, shared by all its senders (the P
  language's actors, CockroachDB's RaftLeader.tla's ``network[to]``); a
  node receives only the oldest message sent to it; optionally lossy
  (`Drop`, the oldest of an inbox). ``Inbox(receive="any")``: a node
  receives any message of its inbox, at any position (Huang.tla's
  ``msgs[p]``, EWD998Chan.tla's ``inbox[n]``: sequences from which
  ``RemoveAt`` takes any position); the order is kept, so two orders of
  the same messages are two states, as in TLC; a drop loses any message.

FIFO links and inboxes may bound each queue (``Fifo(capacity=1)``,
``Inbox(capacity="slots")``: Promela's ``chan c = [1] of {...}``, a TLA+
channel guarded by ``Len(q) < N``): a step whose sends would leave a
queue over its capacity is not enabled, the sender waits (SPIN's blocking
send; a receipt from that queue in the same step frees its place first).
A message type may name its channel, a class attribute ``channel =
"chan1"``: on FIFO links its messages have a queue of their own on their
link (German's chan1 and chan3, both cache -> home), in inboxes one in
their receiver's inbox; types naming none share the link's (the inbox's)
one queue.

A `Bag`, FIFO links and inboxes (and `models.kit.clock.Delayed`) may be
partitioned (``partition=``, a `Partition`): a message sent over a link
that is down is lost; those in flight stay.

A message type may name its sender and receiver: class attributes ``src =
"acc"`` (a field naming a node) and ``dst = "bal"`` (a field naming the node
it is for: on a bag or FIFO links only that node receives it; on a set the
node's handlers see only those for it and those for anyone). Sequence
charts use them too; a ``dst`` that is not a field is only a label for
charts (Paxos's 2b messages go to ``"learners"``, who are not modelled).

A model that allows it (`ActorModel.network_choices`) runs on the network
a spec chooses (`chosen`): ``network: fifo``, ``network: {kind: bag,
drop: 1, duplicate: 1}`` or ``network: {kind: bag, copies: 1, drop: 1}``.

Not yet here: duplication on FIFO links."""

from __future__ import annotations

import inspect
import operator
from functools import lru_cache, partial
from typing import Any, Callable, Iterable, Mapping, NamedTuple

from checker.model import BagView, QueueView, SetView
from checker.symmetry import order_key
from models.kit.memo import Interned, Memo
from models.kit.records import end_field


class Drop(NamedTuple):
    """The network loses one copy of `message`."""

    message: Any


class Duplicate(NamedTuple):
    """The network makes one more copy of `message`."""

    message: Any


class Heal(NamedTuple):
    """The partition heals: every link is up again."""


class Split(NamedTuple):
    """The partition starts again: its links go down."""


class Partition(NamedTuple):
    """Links that go down: each an unordered pair of nodes, a node being
    (its set's name, its number), so that client 0 is not server 0. (A node
    here is an end of messages: a node of the model, or a member of a set
    that a node runs, as one node runs every client of raft-kv; see
    `Node.runs`.) Down from the start or not; after a heal they may go down
    again ``splits`` times; with ``heals`` false, once down they stay down
    (a side cut off for good)."""

    links: frozenset
    from_start: bool = True
    splits: int = 0
    heals: bool = True

    @classmethod
    def cutting_off(cls, set_name: str, side: Iterable[int], size: int) -> "Partition":
        """Side `side` of the set `set_name` (of `size` nodes) cut off from
        the rest at the start, healing once."""
        side = frozenset(side)
        return cls(frozenset(frozenset({(set_name, i), (set_name, j)})
                             for i in side for j in range(size) if j not in side))

    @classmethod
    def between(cls, groups: Iterable[Iterable[tuple[str, int]]], from_start: bool = True,
                splits: int = 0, heals: bool = True) -> "Partition":
        """Every node of each group cut off from every node of the others
        (nodes in no group keep every link)."""
        groups = [frozenset(group) for group in groups]
        return cls(frozenset(frozenset({a, b}) for k, group in enumerate(groups)
                             for other in groups[k + 1:] for a in group for b in other),
                   from_start, splits, heals)

    @property
    def steps(self) -> tuple[type, ...]:
        """The network's steps this partition takes: `Heal` unless it never
        heals, `Split` if it may go down (again)."""
        return ((Heal,) if self.heals else ()) + ((Split,) if self.splits else ())

    @property
    def side(self) -> frozenset:
        """The nodes, as (set name, number), with a link down."""
        return frozenset(node for link in self.links for node in link)

    def keeps(self, set_name: str, i: int, j: int) -> bool:
        """Whether swapping nodes i and j of `set_name` leaves the links as
        they are (so the two may be interchangeable)."""
        def swap(node: tuple[str, int]) -> tuple[str, int]:
            if node[0] != set_name:
                return node
            return (set_name, j if node[1] == i else i if node[1] == j else node[1])
        return frozenset(frozenset(map(swap, link)) for link in self.links) == self.links


def ordered(messages: Iterable[Any]) -> list[Any]:
    """Messages in a deterministic order (their fields, then their type)."""
    return sorted(messages, key=order_key)


def receiver(message: Any) -> int | None:
    """The node `message` is for, if its type names one by a field."""
    field = end_field(type(message), "dst")
    if field is None or field not in type(message)._fields:
        return None
    return getattr(message, field)


def delivered(message: Any, node: Any) -> bool:
    """Whether `node` (a `Node`) receives `message`, of a type it takes: a
    message naming a node of the node's own set as its receiver (``dst``)
    goes to that node only; one naming none, or a member of another set
    (a client, run by the one node that runs every client: `Node.runs`),
    to every node that takes its type."""
    place = receiver_field(type(message))
    if place is None:
        return True
    index, set_name = place
    return set_name not in (None, node.ids.set_name) or message[index] == node.id


@lru_cache(maxsize=None)
def receiver_field(kind: type) -> tuple[int, str | None] | None:
    """(index, set name) of the field naming the receiver of messages of
    `kind`; the set name None when the field's type names no set."""
    from models.kit.records import id_type

    field = end_field(kind, "dst")
    if field is None or field not in kind._fields:
        return None
    ids = id_type(kind, field)
    return kind._fields.index(field), None if ids is None else ids.set_name


def partition_of(network: "Network", model: Any) -> "Partition | None":
    """The partition of `network` (a `Bag`, `Fifo`, `Inbox` or
    `models.kit.clock.Delayed` declared with ``partition=``) in `model`:
    the spec's, else the declared attribute's; its links as (sender's set,
    sender, receiver's set, receiver) both ways set as the network's
    `_down`, each message type's ends as its `_ends`; None without one."""
    given = getattr(model, "spec_partition", None)
    if given is None and isinstance(network.partition_param, str):
        given = getattr(model, network.partition_param)
    if not given:
        return None
    network._ends = message_ends(model, network.kinds, "a partition cuts links between a "
                                                       "sender and a receiver")
    if not isinstance(given, Partition):  # a side cut off at the start, healing once
        kind = network.kinds[0]
        name = network._ends[kind][1]
        crossing = sorted({ends[k] for ends in network._ends.values() for k in (1, 3)})
        if crossing != [name]:  # (its links to the other sets would silently stay up)
            from checker.errors import ModelDefinitionError
            raise ModelDefinitionError(
                f"model {getattr(model, 'name', '?')!r}: {network.partition_param} gives "
                f"node numbers, which cut nodes of one set from the rest of it, but "
                f"messages cross {', '.join(crossing)}; give a Partition naming the "
                "nodes of each side (Partition.between)")
        given = Partition.cutting_off(name, given, model.set_size(name))
    network._down = {(a[0], a[1], b[0], b[1]) for link in given.links
                     for a, b in (tuple(link), tuple(link)[::-1])}
    return given


def message_ends(model: Any, kinds: Iterable[type], why: str) -> dict[type, tuple]:
    """Per message type, where its sender and receiver stand and their
    sets: (sender's index, sender's set, receiver's index, receiver's set).
    `why` says what needs them, for the error naming a type without both."""
    from checker.errors import ModelDefinitionError
    from models.kit.records import id_type

    ends = {}
    for kind in kinds:
        src, dst = end_field(kind, "src"), end_field(kind, "dst")
        if src not in kind._fields or dst not in kind._fields:
            raise ModelDefinitionError(
                f"model {getattr(model, 'name', '?')!r}: {why}; give {kind.__name__} fields "
                "for both and say which, as src, dst = \"frm\", \"to\"")
        ends[kind] = (kind._fields.index(src), id_type(kind, src).set_name,
                      kind._fields.index(dst), id_type(kind, dst).set_name)
    return ends


class Network:
    """A kind of network, as a model declares it; `bind` makes the network
    of one model instance, for its message types."""

    fault_actions: tuple[type, ...] = ()
    #: whether a message received stays (a set): one that names no receiver
    #: is then for every node that takes its type, else for whichever one does
    keeps_received: bool = False
    #: the faults declared with a budget that is 0 in this instance (set by
    #: `setup`): they cannot happen, so they are none of its actions
    switched_off: tuple[type, ...] = ()
    kinds: tuple[type, ...] = ()
    #: the length of the global state, the network's value last (set by the model)
    state_size: int | None = None
    #: the name under which `view` shows the messages (a model with no
    #: message type shows none: `models.kit.printing.Printing`)
    messages_key: str = "msgs"

    #: an argument some kind of network takes, and which: the fix where
    #: another kind is given it
    ARGUMENTS_ELSEWHERE = {
        "duplicate": "a Bag duplicates messages: Bag(duplicate=...)",
        "per_message": "a Bag expands receipts message by message: Bag(per_message=True)",
        "copies": "a Bag holds one copy of each message at most: Bag(copies=1)",
        "full": "a Bag's capacity may be a state constraint: Bag(full=\"constraint\")",
        "receive": "an Inbox receives at any position: Inbox(receive=\"any\")",
        "drop": "a MessageSet keeps every message sent; one that loses them is a "
                "Bag(copies=1, drop=...)",
        "capacity": "a MessageSet keeps every message sent; one with room for some is a "
                    "Bag(copies=1, capacity=...)",
    }

    def __new__(cls, *args: Any, **kwargs: Any) -> "Network":
        # An argument this kind does not take is refused naming the kind that
        # does, not with Python's "unexpected keyword argument".
        init = inspect.signature(cls.__init__).parameters if cls.__init__ is not \
            object.__init__ else {}
        takes = [name for name, p in init.items() if name != "self"
                 and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        kinds = {p.kind for p in init.values()}
        # (an __init__ passing on what it is given (*args, **kwargs) is not judged here)
        unknown = [] if inspect.Parameter.VAR_KEYWORD in kinds else [
            name for name in kwargs if name not in takes]
        if unknown or (len(args) > len(takes) and inspect.Parameter.VAR_POSITIONAL not in kinds):
            given = f"{unknown[0]}=..." if unknown else ", ".join(map(repr, args))
            elsewhere = cls.ARGUMENTS_ELSEWHERE.get(unknown[0]) if unknown else None
            article = "an" if cls.__name__[0] in "AEIOU" else "a"
            raise ValueError(
                f"{cls.__name__}({given}): {article} {cls.__name__} takes "
                + (", ".join(f"{name}=" for name in takes) if takes else "no argument")
                + (f"; {elsewhere}" if elsewhere else ""))
        return super().__new__(cls)

    def bind(self, model: Any, kinds: tuple[type, ...]) -> "Network":
        bound = type(self).__new__(type(self))
        bound.__dict__.update(self.__dict__)
        bound.kinds = kinds
        bound.index = {kind: k for k, kind in enumerate(kinds)}
        #: (slot, part) -> `_builder`, each made once (once the model has
        #: set `state_size`)
        bound.builders = Memo(bound._builder)
        bound.setup(model)
        return bound

    def setup(self, model: Any) -> None:
        """Read budgets from the model's parameters."""

    def _left(self, budgets: Mapping[type, tuple[str, int | None]]) -> dict[str, Any]:
        """A state view's budgets left, of `budgets` (fault -> (name, left)):
        those of the faults the instance has (a budget 0 has none to show)."""
        return {name: left for kind, (name, left) in budgets.items()
                if kind in self.fault_actions}

    def _switch_off(self, budgets: Iterable[tuple[type, int | None]]) -> None:
        """Leave out of `fault_actions` each fault whose budget, of
        (fault, budget) `budgets`, is 0 (None: unbounded)."""
        self.switched_off = tuple(kind for kind, budget in budgets
                                  if budget == 0 and kind in self.fault_actions)
        self.fault_actions = tuple(kind for kind in self.fault_actions
                                   if kind not in self.switched_off)

    # -- what every network provides ----------------------------------------------
    #
    # A value is a tuple of components (and, for some networks, more parts:
    # budgets). `where(k)` is the component that holds messages of type
    # number `k`: its own for a set or a bag, the one channel map for FIFO.

    def initial(self) -> tuple:
        raise NotImplementedError

    def where(self, k: int) -> int:
        """The component that holds messages of type `k`."""
        return k

    def parts(self, value: tuple) -> tuple:
        """The components of `value`."""
        return value

    def addressed(self, c: int) -> bool:
        """Whether component `c` holds messages each for one node (``dst``)."""
        kind = self.kinds[c]
        return end_field(kind, "dst") in kind._fields

    def for_node(self, c: int, component: Any, node: Any) -> Any:
        """The part of component `c` that is for `node` (a `Node`): messages
        with no ``dst``, or with its own."""
        raise NotImplementedError

    def deliverable(self, component: Any, kind: type) -> list[Any]:
        """The messages of type `kind` that can be received now from a
        component (its part for one node), in order."""
        raise NotImplementedError

    def select(self, component: Any, kind: type) -> frozenset:
        """The messages of type `kind` in a component (for handlers that read)."""
        raise NotImplementedError

    def receive(self, value: tuple, k: int, message: Any) -> tuple:
        raise NotImplementedError

    def send(self, value: tuple, sends: tuple[tuple[int, Any], ...]) -> tuple:
        raise NotImplementedError

    def apply(self, value: tuple, received: tuple[int, Any] | None,
              sends: tuple[tuple[int, Any], ...]) -> tuple:
        """The value after a step receives `received` (type index, message)
        and sends `sends`."""
        if received is not None:
            value = self.receive(value, *received)
        return self.send(value, sends) if sends else value

    def sent_already(self, components: dict[int, Any], sends: tuple) -> bool:
        """Whether sending `sends` would change none of `components` (by
        component index); False when a component is not among them."""
        return False

    def compile(self, planned: list[tuple]) -> tuple:
        """A group's planned steps in the form `expand` takes, step by
        step: the kit compiles each node's steps apart and joins them."""
        return tuple(planned)

    def refuses(self, value: tuple, received: Any, sends: tuple) -> bool:
        """Whether a step receiving `received` (or None) and sending `sends`
        is not enabled in `value` for want of room (a waiting `Bag`)."""
        return False

    @staticmethod
    def stays(k: int, message: Any) -> Any:
        """What a step's plan says it received when the message of type
        `k` stays in the network (a handler's `Stay`): nothing (None),
        but where a receipt is a step per position holding the message
        (``Inbox(receive="any")``: ``(k, message, STAYS)``)."""
        return None

    def expand(self, state: tuple, plan: tuple, out: list) -> None:
        """Append to `out` the steps of `plan` (see `models.kit.plans.Group`)
        from `state`, leaving out those that change nothing."""
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

    def faults(self, value: tuple) -> list[tuple[Any, tuple]]:
        """The network's own steps: (action, new value)."""
        return []

    def _builder(self, key: tuple[int | None, int | None]) -> Callable:
        """``build(state, net, record, component)``: `state` with `record`
        in slot ``key[0]`` and `component` in part ``key[1]`` of the network
        value `net` (either None: unchanged), as one tuple display: three
        times faster than slicing and joining tuples (`builders`)."""
        slot, k = key
        parts = [f"state[{i}]" for i in range(self.state_size - 1)]
        if slot is not None:
            parts[slot] = "record"
        components = [f"net[{c}]" for c in range(len(self.initial()))]
        if k is not None:
            components[k] = "component"
        parts.append("(" + "".join(f"{part}, " for part in components) + ")"
                     if k is not None else "net")
        # source built from numbers only
        return eval(f"lambda state, net, record, component: ({', '.join(parts)},)")  # noqa: S307

    def messages(self, value: tuple, kind: type) -> Iterable[Any]:
        return self.read(value, self.index[kind])

    def read(self, value: tuple, k: int) -> Iterable[Any]:
        """The messages of type `k` (a method or a C function: properties
        read the network of every state)."""
        raise NotImplementedError

    def rename(self, value: tuple, component: Callable[[Any], Any]) -> tuple:
        """`value` renamed, each component by ``component((index, component))``."""
        raise NotImplementedError

    def rename_component(self, component: Any, message: Callable[[Any], Any]) -> Any:
        raise NotImplementedError

    def occurrences(self, component: Any) -> Iterable[tuple[Any, Any]]:
        """Each message of a component with its context (copies, place in a
        queue; None for a set), for signatures."""
        raise NotImplementedError

    def view(self, value: tuple) -> dict[str, Any]:
        """The value as named, printable fields."""
        raise NotImplementedError


class MessageSet(Network):
    """Every message ever sent (Paxos.tla's ``msgs``); see the module docstring."""

    keeps_received = True

    def setup(self, model: Any) -> None:
        # per type index, (component, message) -> the component with it: one
        # shared set per distinct result, hashed once. (One table per type:
        # records of two types with equal fields are equal tuples.)
        self._added = [Memo(lambda key: key[0] | {key[1]}) for _ in self.kinds]
        # types whose messages are for one node (the others go to all): each
        # component of such a type split by receiver, once, into one shared
        # copy of each equal part (most components differ from others in one
        # receiver's part: Paxos 3x2x3's 1b splits held 29,144 sets, 202 of
        # them distinct; a table per type, as above)
        self._addressed = {k for k in range(len(self.kinds)) if self.addressed(k)}
        self._by_receiver = [Memo(partial(_by_receiver, parts=Interned())) for _ in self.kinds]

    def initial(self) -> tuple:
        return (frozenset(),) * len(self.kinds)

    def for_node(self, c: int, component: frozenset, node: Any) -> frozenset:
        if c not in self._addressed or receiver_field(self.kinds[c])[1] not in (
                None, node.ids.set_name):
            return component
        split = self._by_receiver[c][component]
        return split.get(node.id, split[None])

    def deliverable(self, component: frozenset, kind: type) -> list[Any]:
        return ordered(component)

    def select(self, component: frozenset, kind: type) -> frozenset:
        return component

    def sent_already(self, components: dict[int, Any], sends: tuple) -> bool:
        return all(k in components and message in components[k] for k, message in sends)

    def compile(self, planned: list[tuple]) -> tuple:
        # Received messages stay, so a step is (action, slot if the record
        # changes else None, new record, its first message as type index
        # and message, the others, the function building the next state
        # from the new record and component): most steps send one message.
        compiled = []
        for action, slot, new_record, changed, _, sends in planned:
            k, message = sends[0] if sends else (None, None)
            slot = slot if changed else None
            compiled.append((action, slot, new_record, k, message, sends[1:],
                             self.builders[slot, k]))
        return tuple(compiled)

    def expand(self, state: tuple, plan: tuple, out: list) -> None:
        # `Network.expand` with the set's `apply` inlined: this loop runs
        # for every planned step of every state
        net = state[-1]
        added = self._added
        for action, slot, new_record, k, message, more, build in plan:
            if not more:
                if k is not None and message not in net[k]:
                    out.append((action, build(state, net, new_record,
                                              added[k][net[k], message])))
                elif slot is not None:  # sends nothing new
                    out.append((action, self.builders[slot, None](state, net, new_record,
                                                                  None)))
                continue
            if k is None or message in net[k]:
                new_net = net
            else:
                new_net = net[:k] + (added[k][net[k], message],) + net[k + 1:]
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
        return {"msgs": SetView(sorted(repr(m) for component in value for m in component))}


class Bag(Network):
    """Messages in flight, with copies; drop and duplicate faults within
    budgets named by parameters (``Bag(drop="drops")``: the model's
    ``drops`` parameter is how many messages the network may lose), given
    as numbers (``Bag(drop=2)``, as a spec's ``network:`` does), or without
    bound (``drop=True``, as raft.tla's DropMessage).

    ``capacity`` names a parameter bounding the copies in flight; ``full``
    says what it means. ``"wait"`` (the default): a guard, a step (a copy
    included) that would leave more is not enabled, the sender waits, and
    every state reached is expanded. ``"constraint"``: TLC's state constraint
    on the bag (raft.tla's ``max_msgs``): a step that would leave more and
    changes no node's record nor the globals is not generated, since it
    leads outside the bounds to a state whose records are this state's
    (which TLC checks, with this state's answers, and does not explore); a
    step that changes a record or the globals is generated and left to the
    model's `within_bounds`. Either way a duplicate needs room.

    ``per_message``: message handlers are expanded message by message in the
    bag's order (types in the model's order, then fields), each receipt
    followed by that message's faults, duplicate then drop, as raft.tla's
    Next lists them; ``drop_action`` and ``duplicate_action`` name the
    faults' actions (subclasses of `Drop` and `Duplicate`).

    ``copies=1``: one copy at most of each message (None, the default:
    any number), the set of messages in flight from which receipt removes
    (PlusCal's ``inbox[n] := inbox[n] \\cup {m}`` ... ``inbox[self] :=
    inbox[self] \\ {m}``; `MessageSet` keeps what is received). Sending a
    message in flight changes nothing (a step that changes nothing else is
    none); a drop removes it; a capacity counts messages, and a message
    sent while in flight takes no more room; there is no `Duplicate`
    (``duplicate=`` is refused); ``per_message`` and ``partition`` as on
    any bag. Its view is a set (`SetView`), as TLA+ prints ``msgs``, under
    the bag's name ``network``: copies are never more than one, so a
    `BagView`'s counts would say nothing, and the name stays the one
    reports and expressions of a bag's states read.

    ``partition`` names a model attribute holding the links that go down: a
    `Partition`, or a set of node numbers cut off from the others at the
    start ("s5 cannot reach anyone until it heals": `Partition.cutting_off`),
    empty for none; a spec's ``partition:`` gives one in its place
    (`ActorModel.partition_from`); ``partition=True``: only a spec's. A
    message sent over a link that is down is lost, and so is the copy a
    `Duplicate` makes of a message whose link is down (the step spends its
    budget and changes nothing else); a lost message takes no room in a
    bag with a capacity. `Heal` is the network's
    step that brings the links up, `Split` the one that takes them down
    again, as many times as the partition's ``splits``. With a partition
    the budgets part of the value also holds whether the links are down and
    the splits left; every message type then names both ends (``src``,
    ``dst``), each a node or a member a node runs (`Node.runs`).
    (`Fifo`, `Inbox` and `models.kit.clock.Delayed` take a partition the
    same way.)"""

    fault_actions = (Drop, Duplicate)
    messages_key = "network"

    def __init__(self, drop: str | int | bool | None = None,
                 duplicate: str | int | bool | None = None,
                 capacity: str | None = None, full: str = 'wait', per_message: bool = False,
                 drop_action: type = Drop, duplicate_action: type = Duplicate,
                 partition: str | bool | None = None, copies: int | None = None):
        if copies is not None and (type(copies) is not int or copies != 1):
            raise ValueError(f"Bag(copies={copies!r}): None (a message may be in flight "
                             "in any number of copies) or 1 (one at most: a set of "
                             "messages in flight, from which receipt removes)")
        if copies == 1 and duplicate:
            raise ValueError(f"Bag(copies=1, duplicate={duplicate!r}): a bag holding one "
                             "copy of each message has none to duplicate; remove duplicate= "
                             "or copies=1")
        self.copies = copies
        self.drop_param, self.duplicate_param = drop, duplicate
        if full not in ('wait', 'constraint'):
            raise ValueError(f"Bag(full={full!r}): 'wait' or 'constraint'")
        self.capacity_param, self.per_message = capacity, per_message
        self.waits = full == 'wait'
        self.drop_action, self.duplicate_action = drop_action, duplicate_action
        self.partition_param = partition
        # only the faults given a budget are actions of the model
        self.fault_actions = tuple(kind for kind, param in ((drop_action, drop),
                                                            (duplicate_action, duplicate))
                                   if param) + ((Heal, Split) if partition else ())

    def setup(self, model: Any) -> None:
        self.budgets = (_budget(model, self.drop_param), _budget(model, self.duplicate_param))
        self._switch_off(zip((self.drop_action, self.duplicate_action), self.budgets))
        self.capacity = getattr(model, self.capacity_param) if self.capacity_param else None
        self.partition = self._partition_of(model)
        if self.partition is not None:
            # down at the start or not, and the splits left
            self.budgets += (self.partition.from_start, self.partition.splits)
            self.fault_actions = tuple(kind for kind in self.fault_actions
                                       if kind not in (Heal, Split)) + self.partition.steps
        else:
            self.fault_actions = tuple(kind for kind in self.fault_actions
                                       if kind not in (Heal, Split))
        # per type; one copy at most: sending a message in flight changes
        # nothing (a function of its own, so an ordinary bag's steps do no more)
        recount = _recount if self.copies is None else _saturated
        self._changed = [Memo(lambda key: recount(*key)) for _ in self.kinds]
        if self.copies == 1:
            self.kept = self._kept_once
        # each component's messages in order, for the faults of every state
        # (one table per type: equal components of two types hold other records)
        self._ordered = [Memo(lambda component: ordered(m for m, _ in component))
                         for _ in self.kinds]
        self._sizes = Memo(lambda value: sum(copies for component in value[:-1]
                                             for _, copies in component))
        #: the types whose messages `faults` drops and duplicates
        self.fault_kinds = list(range(len(self.kinds)))

    def _partition_of(self, model: Any) -> "Partition | None":
        """The model's partition (`partition_of`), its links in `_down`, the
        ends of each message type in `_ends`; None without one."""
        return partition_of(self, model)

    def size(self, value: tuple) -> int:
        """The copies in flight (remembered per network value)."""
        return self._sizes[value]

    def partitioned(self, value: tuple) -> bool:
        """Whether the partition's links are down in `value`."""
        return len(value[-1]) > 2 and value[-1][2]

    def side(self, value: tuple) -> frozenset:
        """The node numbers with a link down in `value` (empty: no
        partition, or healed)."""
        return self.partition.side if self.partitioned(value) else frozenset()

    def kept(self, value: tuple, sends: tuple) -> int:
        """How many of `sends` stay in flight: those not lost across the partition."""
        if self.partition is None or not self.partitioned(value):
            return len(sends)
        return sum(not self.lost(value, message) for _, message in sends)

    def _kept_once(self, value: tuple, sends: tuple) -> int:
        """`kept` of a bag of one copy each (``copies=1``): how many of
        `sends` it gains, those not lost and not in flight in `value`, each once."""
        return len({(k, message) for k, message in sends if (message, 1) not in value[k]
                    and not (self.partition is not None and self.lost(value, message))})

    def refuses(self, value: tuple, received: Any, sends: tuple) -> bool:
        # a step that would leave more copies in flight than the capacity
        # waits; one that changes no record, sending into a full bag that
        # is a constraint, is left out but enabled (see the class docstring)
        if self.capacity is None or not self.waits or not sends:
            return False
        if received is not None and self.copies == 1:
            # (received: a message, or its type's index and the message)
            k, message = ((self.index[type(received)], received)
                          if type(received) in self.index else received)
            value = self.receive(value, k, message)
            return self.size(value) + self.kept(value, sends) > self.capacity
        return (self.size(value) - (received is not None) + self.kept(value, sends)
                > self.capacity)

    def lost(self, value: tuple, message: Any) -> bool:
        """Whether `message` is sent over a link that is down in `value` (and lost)."""
        if not self.partitioned(value):
            return False
        src, src_set, dst, dst_set = self._ends[type(message)]
        return (src_set, message[src], dst_set, message[dst]) in self._down

    def compile(self, planned: list[tuple]) -> tuple:
        # A step that receives nothing and sends at most one message, on a
        # bag without a partition and of any number of copies (where a
        # message sent always changes it), gets the function building its
        # next state (`builders`).
        compiled = []
        for action, slot, new_record, changed, received, sends in planned:
            build = None
            if received is None and len(sends) <= 1 and self.partition is None \
                    and self.copies is None:
                build = self.builders[slot if changed else None, sends[0][0] if sends else None]
            compiled.append((action, slot, new_record, changed, received, sends, build))
        return tuple(compiled)

    def expand(self, state: tuple, plan: tuple, out: list) -> None:
        # `Network.expand` with the bag's `apply` inlined (this runs for
        # every planned step of every state) and its capacity
        net = state[-1]
        capacity = self.capacity
        size = 0 if capacity is None else self._sizes[net]
        recount = self._changed
        for action, slot, new_record, changed, received, sends, build in plan:
            if build is not None:
                if not sends:
                    if changed:
                        out.append((action, build(state, net, new_record, None)))
                    continue
                if capacity is not None and (self.waits or not changed) and size + 1 > capacity:
                    continue  # into a full bag: see the class docstring
                k, message = sends[0]
                out.append((action, build(state, net, new_record,
                                          recount[k][net[k], message, 1])))
                continue
            new_net = net
            if received is not None:
                k, message = received
                new_net = new_net[:k] + (recount[k][new_net[k], message, -1],) + new_net[k + 1:]
            if sends:
                # (what stays in flight counted after the receipt: a bag of one
                # copy each gains no room sending again what it received)
                if (capacity is not None and (self.waits or not changed)
                        and size - (received is not None) + self.kept(new_net, sends)
                        > capacity):
                    continue  # into a full bag: see the class docstring
                for k, message in sends:
                    if self.partition is not None and self.lost(net, message):
                        continue  # across the partition
                    new_net = new_net[:k] + (recount[k][new_net[k], message, 1],) \
                        + new_net[k + 1:]
            if changed:
                parts = list(state)
                parts[slot] = new_record
                parts[-1] = new_net
                out.append((action, tuple(parts)))
            elif new_net != net:
                out.append((action, state[:-1] + (new_net,)))

    def initial(self) -> tuple:
        return (frozenset(),) * len(self.kinds) + (self.budgets,)

    def parts(self, value: tuple) -> tuple:
        return value[:-1]

    def for_node(self, c: int, component: frozenset, node: Any) -> frozenset:
        return frozenset(item for item in component if delivered(item[0], node))

    def deliverable(self, component: frozenset, kind: type) -> list[Any]:
        return ordered(m for m, _ in component)

    def select(self, component: frozenset, kind: type) -> frozenset:
        return frozenset(m for m, _ in component)

    def receive(self, value: tuple, k: int, message: Any) -> tuple:
        return value[:k] + (self._changed[k][value[k], message, -1],) + value[k + 1:]

    def send(self, value: tuple, sends: tuple[tuple[int, Any], ...]) -> tuple:
        for k, message in sends:
            if self.partition is not None and self.lost(value, message):
                continue  # across the partition
            value = value[:k] + (self._changed[k][value[k], message, 1],) + value[k + 1:]
        return value

    def heal(self, value: tuple) -> list[tuple[Any, tuple]]:
        """`Heal` while the partition's links are down; `Split` while they
        are up and a split is left."""
        if len(value[-1]) < 3:
            return []
        down, splits = value[-1][2:]
        if down:
            if not self.partition.heals:
                return []  # cut off for good
            return [(Heal(), value[:-1] + (value[-1][:2] + (False, splits),))]
        if splits:
            return [(Split(), value[:-1] + (value[-1][:2] + (True, splits - 1),))]
        return []

    def faults(self, value: tuple) -> list[tuple[Any, tuple]]:
        drops, duplicates = value[-1][:2]
        room = self.capacity is None or self.size(value) < self.capacity
        steps = []
        # (per_message: but those of the types delivered so, which come with
        # each message's receipt: `ActorModel` sets `fault_kinds`)
        for k in self.fault_kinds:
            for message in self._ordered[k][value[k]]:
                if drops is None or drops:
                    steps.append((self.drop_action(message), self.receive(value, k, message)[:-1]
                                  + ((None if drops is None else drops - 1, duplicates)
                                     + value[-1][2:],)))
                if room and (duplicates is None or duplicates):
                    steps.append((self.duplicate_action(message),
                                  self.send(value, ((k, message),))[:-1]
                                  + ((drops, None if duplicates is None else duplicates - 1)
                                     + value[-1][2:],)))
        return steps + self.heal(value)

    def read(self, value: tuple, k: int) -> list[Any]:
        # each copy apart, as a queue lists each message queued
        return [m for m, copies in value[k] for _ in range(copies)]

    def rename(self, value: tuple, component: Callable[[Any], Any]) -> tuple:
        return tuple(map(component, enumerate(value[:-1]))) + (value[-1],)

    def occurrences(self, component: frozenset) -> Iterable[tuple[Any, Any]]:
        return iter(component)

    def rename_component(self, component: frozenset, message: Callable[[Any], Any]) -> frozenset:
        return frozenset((message(m), copies) for m, copies in component)

    def view(self, value: tuple) -> dict[str, Any]:
        drops, duplicates = value[-1][:2]
        if self.copies == 1:  # a set, as TLA+'s msgs prints, under the bag's name
            shown = SetView(sorted(repr(m) for component in value[:-1] for m, _ in component))
        else:
            shown = BagView({repr(m): copies for component in value[:-1]
                             for m, copies in component})
        view = {"network": shown, **self._left({self.drop_action: ("drops_left", drops),
                                                self.duplicate_action: ("duplicates_left",
                                                                        duplicates)})}
        if self.partition is not None:
            view.update(partition="down" if value[-1][2] else "up", splits_left=value[-1][3])
        return view


class _Queues(Network):
    """FIFO queues, each named by a key of its messages (`queue_of`): a node
    receives the oldest message of each queue into it. Optionally lossy:
    ``drop`` names the parameter bounding how many messages the network may
    lose (the oldest of a queue). The value is one component, a frozenset of
    (key, queue, kinds) triples, then the drops left: `kinds` are the
    queue's message types (their indexes), without which two types with
    equal fields (``Ack(p, q)``, ``Rel(p, q)``) would be one queue, as equal
    tuples. `Fifo` keys a queue by its link, `Inbox` by its receiver; either
    then by the channel its type names (``channel = "chan1"``, a class
    attribute; a field of that name is the message's own), if any does.

    ``capacity``, a number or a model parameter's name: the most messages
    each queue holds. A step whose sends would leave a queue over it is not
    enabled (the sender waits, SPIN's blocking send): the messages it
    sends into each queue are counted after its receipt has left its own
    (a message lost across the partition counts for none). Without one a
    step does no more work than before (`_bind_queues`).

    ``partition`` as `Bag`'s: a model attribute holding the links that go
    down (a `Partition`, or the node numbers cut off at the start),
    ``True`` for a spec's only. A message sent over a link that is down is
    lost (the send happens, nothing is queued); those already queued stay,
    and are received in order, or dropped, as any other. `Heal` and `Split`
    are the network's steps, as a bag's; the value then ends with whether
    the links are down and the splits left, after the drops left. Every
    message type names both ends (``src``, ``dst``), an inbox's too."""

    fault_actions = (Drop,)
    messages_key = "channels"
    #: the most messages a queue holds (None: no bound; set by `setup`)
    capacity: int | None = None

    def __init__(self, drop: str | int | None = None, partition: str | bool | None = None,
                 capacity: str | int | None = None):
        if capacity is not None and not isinstance(capacity, str) and (
                type(capacity) is not int or capacity < 1):
            raise ValueError(f"{type(self).__name__}(capacity={capacity!r}): the most "
                             "messages each queue holds, a number of 1 or more or the name "
                             "of a model parameter giving one; None for no bound")
        self.drop_param = drop
        self.partition_param = partition
        self.capacity_param = capacity
        # (the instance keeps the steps its partition takes: `_bind_partition`)
        self.fault_actions = ((Drop,) if drop else ()) + ((Heal, Split) if partition else ())

    def _bind_queues(self, model: Any) -> None:
        """Each message type's channel (`channel_of`) and the capacity of a
        queue. With a capacity, `refuses` and `expand` are those that count
        the room a step's sends need (without, a step does no more work)."""
        self.channels = {kind: channel_of(model, kind) for kind in self.kinds}
        self.capacity = _capacity(model, self.capacity_param, type(self).__name__)
        if self.capacity is not None:
            #: per component, each queue's length by its key
            self._lengths = Memo(lambda component: {key: len(queue)
                                                    for key, queue, _ in component})
            self.refuses = self._refuses_full
            self.expand = self._expand_bounded

    def _refuses_full(self, value: tuple, received: Any, sends: tuple) -> bool:
        """Whether `sends` would leave a queue over the capacity, once
        `received` ((type index, message), a message, or None) has left its
        queue: the sender waits (SPIN's blocking send). A message lost
        across the partition takes no room."""
        if not sends:
            return False
        taken: dict[tuple, int] = {}
        for _, message in sends:
            if self.partition is not None and self.lost(value, message):
                continue  # across the partition
            key = self.queue_of(message)
            taken[key] = taken.get(key, 0) + 1
        if received is not None and not (type(received) is tuple and len(received) == 3):
            # (a message that stays, ``(k, message, STAYS)``, frees no room)
            message = received if type(received) in self.index else received[1]
            freed = self.queue_of(message)
            if freed in taken:
                taken[freed] -= 1
        lengths, capacity = self._lengths[value[0]], self.capacity
        return any(lengths.get(key, 0) + more > capacity for key, more in taken.items())

    def _expand_bounded(self, state: tuple, plan: tuple, out: list) -> None:
        """`Network.expand` leaving out the steps whose sends find a queue full."""
        net, refuses = state[-1], self._refuses_full
        Network.expand(self, state, tuple(step for step in plan if not step[5]
                                          or not refuses(net, step[4], step[5])), out)

    def _bind_partition(self, model: Any) -> None:
        """The model's partition (`partition_of`), or None; the instance's
        faults gain its steps."""
        self.partition = partition_of(self, model) if self.partition_param else None
        self.fault_actions = tuple(kind for kind in self.fault_actions
                                   if kind not in (Heal, Split)) + (
            self.partition.steps if self.partition is not None else ())

    def queue_of(self, message: Any) -> tuple:
        """The key of the queue `message` goes to."""
        raise NotImplementedError

    def _component(self, queues: dict[tuple, tuple]) -> frozenset:
        index = self.index
        return frozenset((key, queue, tuple(index[type(m)] for m in queue))
                         for key, queue in queues.items() if queue)

    def initial(self) -> tuple:
        if self.partition is not None:  # down at the start or not, and the splits left
            return (frozenset(), self.drops, self.partition.from_start, self.partition.splits)
        return (frozenset(), self.drops)

    def partitioned(self, value: tuple) -> bool:
        """Whether the partition's links are down in `value`."""
        return len(value) > 2 and value[2]

    def side(self, value: tuple) -> frozenset:
        """The nodes, as (set name, number), with a link down in `value`
        (empty: no partition, or healed)."""
        return self.partition.side if self.partitioned(value) else frozenset()

    def lost(self, value: tuple, message: Any) -> bool:
        """Whether `message` is sent over a link that is down in `value` (and lost)."""
        if not self.partitioned(value):
            return False
        src, src_set, dst, dst_set = self._ends[type(message)]
        return (src_set, message[src], dst_set, message[dst]) in self._down

    def where(self, k: int) -> int:
        return 0

    def parts(self, value: tuple) -> tuple:
        return value[:1]

    def addressed(self, c: int) -> bool:
        return True

    def deliverable(self, component: frozenset, kind: type) -> list[Any]:
        return ordered(queue[0] for _, queue, _ in component if type(queue[0]) is kind)

    def select(self, component: frozenset, kind: type) -> frozenset:
        return frozenset(m for _, queue, _ in component for m in queue if type(m) is kind)

    def receive(self, value: tuple, k: int, message: Any) -> tuple:
        queues = {key: queue for key, queue, _ in value[0]}
        key = self.queue_of(message)
        queues[key] = queues[key][1:]
        return (self._component(queues),) + value[1:]

    def send(self, value: tuple, sends: tuple[tuple[int, Any], ...]) -> tuple:
        queues = {key: queue for key, queue, _ in value[0]}
        for _, message in sends:
            if self.partition is not None and self.lost(value, message):
                continue  # across the partition
            key = self.queue_of(message)
            queues[key] = queues.get(key, ()) + (message,)
        return (self._component(queues),) + value[1:]

    def faults(self, value: tuple) -> list[tuple[Any, tuple]]:
        steps = [] if not value[1] else [
            (Drop(queue[0]), self.receive(value, 0, queue[0])[:1] + (value[1] - 1,) + value[2:])
            for _, queue, _ in sorted(value[0], key=order_key)]
        if self.partition is None:
            return steps
        # `Heal` while the links are down (unless they stay down), `Split`
        # while they are up and a split is left
        drops, down, splits = value[1:]
        if down and self.partition.heals:
            steps.append((Heal(), (value[0], drops, False, splits)))
        elif not down and splits:
            steps.append((Split(), (value[0], drops, True, splits - 1)))
        return steps

    def _shown(self, value: tuple) -> dict[str, Any]:
        """A view's drops left, and the partition's part as a bag's: down
        or up, the splits left."""
        shown = self._left({Drop: ("drops_left", value[1])})
        if self.partition is not None:
            shown.update(partition="down" if value[2] else "up", splits_left=value[3])
        return shown

    def read(self, value: tuple, k: int) -> list[Any]:
        return [m for _, queue, _ in value[0] for m in queue if type(m) is self.kinds[k]]

    def rename(self, value: tuple, component: Callable[[Any], Any]) -> tuple:
        return (component((0, value[0])),) + value[1:]

    def rename_component(self, component: frozenset, message: Callable[[Any], Any]) -> frozenset:
        # a queue is named by its messages' ends: renamed with them
        renamed = (tuple(map(message, queue)) for _, queue, _ in component)
        return self._component({self.queue_of(queue[0]): queue for queue in renamed})

    def occurrences(self, component: frozenset) -> Iterable[tuple[Any, Any]]:
        return ((m, place) for _, queue, _ in component for place, m in enumerate(queue))

    def _name(self, set_name: str, node: int) -> str:
        ids = self.id_types[set_name]
        return f"{ids.prefix}{node + ids.first}" if ids.prefix else f"{set_name}:{node}"


class Fifo(_Queues):
    """FIFO channels, one per (sender, receiver) link: a node receives the
    oldest message on each link into it. Every message type names both ends
    (``src`` and ``dst`` fields naming nodes). Optionally lossy (the oldest
    on a link) and bounded (``capacity``), as every `_Queues`; a queue's key
    is its link, then its channel where the type names one (German's chan1
    and chan3, two channels on the link cache -> home), shown as
    ``n1→home0/chan1``."""

    def setup(self, model: Any) -> None:
        from models.kit.records import id_type

        self.ends = message_ends(model, self.kinds, "on FIFO channels every message names "
                                                    "its sender and receiver")
        self.drops = _budget(model, self.drop_param)
        self._switch_off([(Drop, self.drops)])
        self._bind_partition(model)
        self._bind_queues(model)
        if any(self.channels.values()):
            # per type, its ends and its channel as a key's tail: () for none
            self._keyed = {kind: ends + ((self.channels[kind],) if self.channels[kind]
                                         else (),) for kind, ends in self.ends.items()}
            self.queue_of = self._channel_of_link
        # each set's id type, to name a channel's ends as its messages do (p1→p2)
        self.id_types = {ids.set_name: ids for kind in self.kinds for end in ("src", "dst")
                         for ids in (id_type(kind, end_field(kind, end)),)}

    def queue_of(self, message: Any) -> tuple:
        """Its link: (sender's set, sender, receiver's set, receiver), and
        its type's channel after them if it names one."""
        src, src_set, dst, dst_set = self.ends[type(message)]
        return (src_set, message[src], dst_set, message[dst])

    def _channel_of_link(self, message: Any) -> tuple:
        """`queue_of` where some type names a channel."""
        src, src_set, dst, dst_set, channel = self._keyed[type(message)]
        return (src_set, message[src], dst_set, message[dst]) + channel

    def for_node(self, c: int, component: frozenset, node: Any) -> frozenset:
        # the links into `node`, and into the members it runs
        into, runs = (node.ids.set_name, node.id), getattr(node.runs, "set_name", None)
        return frozenset(item for item in component
                         if item[0][2:4] == into or item[0][2] == runs)

    def view(self, value: tuple) -> dict[str, Any]:
        shown = QueueView({f"{self._name(key[0], key[1])}→{self._name(key[2], key[3])}"
                           + "".join(f"/{channel}" for channel in key[4:]):
                           list(map(repr, queue)) for key, queue, _ in value[0]})
        return {"channels": shown, **self._shown(value)}


class Inbox(_Queues):
    """One FIFO queue per receiver, shared by every sender: a node receives
    only the oldest message sent to it, whoever sent it, so two messages to
    one node arrive in the order they were sent even from two senders (as
    the P language's actors, and RaftLeader.tla's ``network[to]``), where
    `Fifo` orders only those of one link. Every message type names its
    receiver (a ``dst`` field naming a node), and its sender too where
    there is a partition. Optionally lossy, as `Fifo`
    (the oldest of an inbox; losing it there or later loses the same runs of
    receipts), and bounded (``capacity``) as `Fifo`; a queue's key is its
    receiver, (its set's name, its number), then its channel where the
    type names one: a receiver has an inbox per channel, each in its own
    order (Promela's ``chan req[N]`` and ``chan ack[N]``, both read by
    process i), shown as ``home0/chan1``.

    ``receive="any"``: a node receives any message of its inbox, at any
    position, not only the oldest (Huang.tla's ``msgs[p]`` and
    EWD998Chan.tla's ``inbox[n]``: ``\\E i \\in 1..Len(q)`` then
    ``RemoveAt(q, i)``, a send ``Append``). The inbox keeps its order, so
    two orders of the same messages are two states, as TLC counts them,
    and a receipt is one step per position holding the message (equal
    messages at two positions: two steps, to two states unless the rest
    of the queue is the same either way; TLC generates both), a receipt
    whose message stays (`Stay`) too. A drop loses
    any message of an inbox, at any position. The value, its view and
    what it reads are an inbox's."""

    messages_key = "inboxes"
    #: where a receipt takes its message: "oldest" (the head) or "any" position
    RECEIPTS = ("oldest", "any")

    def __init__(self, drop: str | int | None = None, partition: str | bool | None = None,
                 capacity: str | int | None = None, receive: str = "oldest"):
        if receive not in self.RECEIPTS:
            raise ValueError(f"Inbox(receive={receive!r}): where a receipt takes its "
                             "message, \"oldest\" (the head of the inbox) or \"any\" (any "
                             "position)")
        super().__init__(drop=drop, partition=partition, capacity=capacity)
        self.receipt = receive

    def setup(self, model: Any) -> None:
        from checker.errors import ModelDefinitionError
        from models.kit.records import id_type

        self.to = {}  # per message type: (index of its receiver field, the receiver's set)
        for kind in self.kinds:
            place = receiver_field(kind)
            if place is None or place[1] is None:
                raise ModelDefinitionError(
                    f"model {getattr(model, 'name', '?')!r}: in inboxes every message names "
                    f"its receiver; give {kind.__name__} a field typed as a node's id and "
                    "say which, as dst = \"to\"")
            self.to[kind] = place
        self.drops = _budget(model, self.drop_param)
        self._switch_off([(Drop, self.drops)])
        self._bind_partition(model)
        self._bind_queues(model)
        if any(self.channels.values()):
            # per type, its receiver and its channel as a key's tail: () for none
            self._keyed = {kind: place + ((self.channels[kind],) if self.channels[kind]
                                          else (),) for kind, place in self.to.items()}
            self.queue_of = self._channel_of_inbox
        # each set's id type, to name an inbox as its messages name the node
        self.id_types = {place[1]: id_type(kind, kind._fields[place[0]])
                         for kind, place in self.to.items()}
        if self.receipt == "any":
            #: (component, type index, message) -> the component once the
            #: message has left its inbox, one per position holding it
            self._taken = Memo(self._taken_anywhere)
            self.deliverable = self._deliverable_anywhere
            self.expand = self._expand_anywhere
            self.faults = self._faults_anywhere
            self.stays = _staying

    def queue_of(self, message: Any) -> tuple:
        """Its receiver's inbox: (receiver's set, receiver), and its type's
        channel after them if it names one."""
        index, set_name = self.to[type(message)]
        return (set_name, message[index])

    # -- receipt at any position (``receive="any"``) --------------------------------------

    def _deliverable_anywhere(self, component: frozenset, kind: type) -> list[Any]:
        """The messages of type `kind` anywhere in the inboxes of
        `component`, each once (its positions are `expand`'s)."""
        return ordered({m for _, queue, _ in component for m in queue if type(m) is kind})

    def _taken_anywhere(self, key: tuple) -> tuple:
        """Component `key[0]` with message `key[2]` (of type index `key[1]`)
        taken out of its inbox, once per position holding it, in order."""
        component, k, message = key
        kind, queues = self.kinds[k], {key: queue for key, queue, _ in component}
        at = self.queue_of(message)
        queue = queues[at]
        taken = []
        for i, m in enumerate(queue):
            if m == message and type(m) is kind:
                queues[at] = queue[:i] + queue[i + 1:]
                taken.append(self._component(queues))
        return tuple(taken)

    def _expand_anywhere(self, state: tuple, plan: tuple, out: list) -> None:
        """`Network.expand` where a receipt takes its message at any
        position: one step per position holding it; with a capacity,
        leaving out the steps whose sends find an inbox full."""
        net = state[-1]
        full = self._refuses_full if self.capacity is not None else None
        for action, slot, new_record, changed, received, sends in plan:
            if sends and full is not None and full(net, received, sends):
                continue  # the sender waits
            if received is None:
                afters = (net,)
            elif len(received) == 3:  # it stays: a step per position, each leaving it there
                afters = (net,) * len(self._taken[(net[0],) + received[:2]])
            else:
                afters = [(component,) + net[1:]
                          for component in self._taken[(net[0],) + received]]
            for after in afters:
                new_net = self.send(after, sends) if sends else after
                if changed:
                    parts = list(state)
                    parts[slot] = new_record
                    parts[-1] = new_net
                    out.append((action, tuple(parts)))
                elif new_net != net:
                    out.append((action, state[:-1] + (new_net,)))

    def _faults_anywhere(self, value: tuple) -> list[tuple[Any, tuple]]:
        """`_Queues.faults` where a drop loses any message of an inbox, at
        any position, inbox by inbox in order."""
        steps = _Queues.faults(self, value[:1] + (0,) + value[2:])  # the partition's
        if not value[1]:
            return steps
        drops = []
        for _, queue, kinds in sorted(value[0], key=order_key):
            for i, message in enumerate(queue):
                queues = {key: q for key, q, _ in value[0]}
                queues[self.queue_of(message)] = queue[:i] + queue[i + 1:]
                drops.append((Drop(message), (self._component(queues), value[1] - 1)
                              + value[2:]))
        return drops + [(action, (after[0], value[1]) + after[2:]) for action, after in steps]

    def _channel_of_inbox(self, message: Any) -> tuple:
        """`queue_of` where some type names a channel."""
        index, set_name, channel = self._keyed[type(message)]
        return (set_name, message[index]) + channel

    def for_node(self, c: int, component: frozenset, node: Any) -> frozenset:
        # its own inboxes, and those of the members it runs
        own, runs = (node.ids.set_name, node.id), getattr(node.runs, "set_name", None)
        return frozenset(item for item in component
                         if item[0][:2] == own or item[0][0] == runs)

    def view(self, value: tuple) -> dict[str, Any]:
        shown = QueueView({self._name(key[0], key[1])
                           + "".join(f"/{channel}" for channel in key[2:]):
                           list(map(repr, queue)) for key, queue, _ in value[0]})
        return {"inboxes": shown, **self._shown(value)}


#: the last part of what a step received where the message stays (`Network.stays`)
STAYS = "stays"


def _staying(k: int, message: Any) -> tuple:
    """`Network.stays` of an inbox whose receipts take any position."""
    return (k, message, STAYS)


def channel_of(model: Any, kind: type) -> str | None:
    """The channel that messages of type `kind` name (a class attribute
    ``channel = "chan1"``), or None: the link's (or inbox's) one queue.
    A field named ``channel`` is the message's own, no channel's name."""
    channel = None if "channel" in kind._fields else getattr(kind, "channel", None)
    if channel is not None and (type(channel) is not str or not channel):
        from checker.errors import ModelDefinitionError
        raise ModelDefinitionError(
            f"model {getattr(model, 'name', '?')!r}: {kind.__name__}.channel is "
            f"{channel!r}; a channel is named by a string, as channel = \"chan1\" (or give "
            "none for the one queue of its link)")
    return channel


def _capacity(model: Any, param: str | int | None, network: str) -> int | None:
    """A queue's capacity: a number as it is, else the model's parameter of
    that name (None: no bound); `ModelDefinitionError` unless 1 or more."""
    if param is None:
        return None
    capacity = getattr(model, param) if isinstance(param, str) else param
    if type(capacity) is not int or capacity < 1:
        from checker.errors import ModelDefinitionError
        raise ModelDefinitionError(
            f"model {getattr(model, 'name', '?')!r}: {network}(capacity={param!r}) is "
            f"{capacity!r}; a queue's capacity is a number of 1 or more (give the parameter "
            "a minimum of 1, or no capacity for no bound)")
    return capacity


def _budget(model: Any, param: str | int | bool | None) -> int | None:
    """A fault budget: None (unbounded) for True, a number as it is, else
    the model's parameter of that name (0 for none)."""
    if param is True:
        return None
    if isinstance(param, int):
        return param
    return getattr(model, param) if param else 0


# -- a network chosen by a spec ----------------------------------------------------------

#: The kinds of network a spec may choose (``network: fifo``).
KINDS = ("bag", "set", "fifo", "inbox")


def chosen(declared: Network, kind: str, drop: int = 0, duplicate: int = 0,
           field: str = "network", copies: Any = None, receive: Any = None) -> Network:
    """The network of kind `kind` with fault budgets `drop` and `duplicate`
    that a spec chooses for a model that declared `declared`: a bag keeps
    the declared bag's capacity and what a full bag means, and holds any
    number of copies of a message, or one at most with `copies` 1 (a set
    of messages in flight, from which receipt removes: it takes no
    duplicate budget), whatever the declared bag's copies. A set takes no
    fault (every message stays: it can be received again, or never, which
    is loss and duplication as far as safety goes); FIFO links and inboxes
    may lose messages but do not duplicate them. A FIFO network or a bag
    keeps the declared network's partition (``partition=``); a set refuses
    the model's own. FIFO links or inboxes keep the capacity of each queue
    of declared FIFO links or inboxes (a message type's ``channel`` is its
    own: a bag and a set, which have no order, have one place for all).
    Inboxes take a message where `receive` says ("oldest" or "any"), by
    default where declared inboxes' receipts take it (``receive="any"``),
    else the oldest. `ParamError` on `field` otherwise."""
    from checker.errors import ParamError

    if receive is not None and kind != "inbox":
        raise ParamError(f"{field}.receive", "receive: is an inbox's (where a receipt takes "
                         "its message); remove it or choose kind: inbox")
    if receive is not None and receive not in Inbox.RECEIPTS:
        raise ParamError(f"{field}.receive", f"got {receive!r}; accepted: oldest (a receipt "
                         "takes the head of the receiver's inbox) or any (any position)")

    if copies is not None and kind != "bag":
        raise ParamError(f"{field}.copies", "copies: is a bag's (one copy at most of each "
                         "message in flight); remove it or choose kind: bag")
    if copies is not None and (type(copies) is not int or copies != 1):
        raise ParamError(f"{field}.copies", f"got {copies!r}; accepted: 1 (one copy at most "
                         "of each message in flight: a set from which receipt removes), or "
                         "no copies: for any number")
    if copies == 1 and duplicate:
        raise ParamError(f"{field}.duplicate", "a bag of one copy of each message (copies: "
                         "1) has none to duplicate; remove duplicate: or copies: 1")
    if kind == "set":
        if isinstance(getattr(declared, "partition_param", None), str):
            # (its links would silently never go down)
            raise ParamError(f"{field}.kind", "a set keeps every message sent, across no "
                             "partition, and the model's network has one (partition="
                             f"{declared.partition_param!r}); choose kind: bag, fifo or inbox")
        if drop or duplicate:
            raise ParamError(f"{field}.{'drop' if drop else 'duplicate'}",
                             "a set keeps every message sent (it can be received again or "
                             "never), so it takes no drop or duplicate budget; remove it or "
                             "choose kind: bag")
        return MessageSet()
    if kind == "fifo":
        if duplicate:
            raise ParamError(f"{field}.duplicate", "FIFO links do not duplicate messages; "
                             "remove duplicate: or choose kind: bag")
        return Fifo(drop=drop, partition=getattr(declared, "partition_param", None),
                    capacity=_queue_capacity(declared))
    if kind == "inbox":
        if duplicate:
            raise ParamError(f"{field}.duplicate", "inboxes do not duplicate messages; "
                             "remove duplicate: or choose kind: bag")
        return Inbox(drop=drop, partition=getattr(declared, "partition_param", None),
                     capacity=_queue_capacity(declared),
                     receive=receive or (declared.receipt if isinstance(declared, Inbox)
                                         else "oldest"))
    if isinstance(declared, Bag):
        return Bag(drop=drop, duplicate=duplicate, capacity=declared.capacity_param,
                   full="wait" if declared.waits else "constraint",
                   per_message=declared.per_message, partition=declared.partition_param,
                   copies=copies)
    return Bag(drop=drop, duplicate=duplicate,
               partition=getattr(declared, "partition_param", None), copies=copies)


def _queue_capacity(declared: Network) -> str | int | None:
    """The capacity of each queue that FIFO links or inboxes a spec chooses
    keep from the declared network: its own where it has queues (a bag's
    capacity bounds all its messages together, no queue's)."""
    return declared.capacity_param if isinstance(declared, _Queues) else None


def _by_receiver(component: frozenset, parts: Callable[[frozenset], frozenset]
                 ) -> dict[int | None, frozenset]:
    """The messages of `component` for each receiver, those for anyone
    (``dst`` None) included in each; under None, those alone. Each part is
    its shared copy, by `parts` (`Interned`)."""
    split: dict[int | None, set] = {}
    for message in component:
        split.setdefault(receiver(message), set()).add(message)
    anyone = split.pop(None, set())
    result: dict[int | None, frozenset] = {node: parts(frozenset(mine | anyone))
                                           for node, mine in split.items()}
    result[None] = parts(frozenset(anyone))
    return result


def _saturated(component: frozenset, message: Any, change: int) -> frozenset:
    """`_recount` in a bag of one copy each: a message sent while in flight
    changes nothing (``msgs \\cup {m}``), itself again."""
    if change > 0 and (message, 1) in component:
        return component
    return _recount(component, message, change)


def _recount(component: frozenset, message: Any, change: int) -> frozenset:
    copies = dict(component)
    left = copies.get(message, 0) + change
    if left:
        copies[message] = left
    else:
        del copies[message]
    return frozenset(copies.items())
