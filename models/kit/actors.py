"""Nodes, their handlers, and the model the kit builds from them.

A node's behaviour is a set of handlers, methods of a `Node` subclass
marked with what they react to:

- ``@on(Msg1a, Phase1b)``: receiving a message of a type;
- ``@step(Phase2a, choose="values", reads=(Msg1b, Msg2a))``: an internal
  step, once per choice (an element of ``range(model.values)``), reading
  the sets of messages of the given types that are for this node (its
  ``dst`` field names it) or for anyone (no ``dst``): on a `MessageSet`,
  every such message sent so far, as a TLA+ action reads ``msgs``.

A message handler may choose too, ``@on(P2a, FastPropose,
choose="values")``: once per message and choice (TLA+'s ``\\E m \\in msgs,
v \\in Values``), its action the node, the message's fields, then the
choice; ``choose=`` a function may then take the message as well, ``(node,
record, message)``.

Either may declare ``sends=`` (the message types its steps send). On a
message set that lets the kit drop, when it plans, a step of an unchanged
record that would only send again what was sent (Paxos.tla's Phase1a(b)
once ``1a(b)`` is out); it changes nothing else.

A handler of a node with a record (``state = AcceptorState``) takes that
record (and the message and its choice, if any, or a step's choice and the
messages it reads) and returns ``(new_record, messages_sent)``, or None
when it is not enabled. A
stateless node (``state = None``, such as Paxos.tla's ballot leaders) takes
no record and returns the messages sent, or None. ``self.id`` is the node's
number, ``self.model`` the model (its parameters and constants). A handler
reads nothing else, so its result is remembered (`models.kit.memo`) by
(node, record, input): that is where the speed comes from.

Each step is an action record built by the kit: ``Phase1b(a, *message)``
for a message handler (the node, then the message's fields; it prints
with the message's arrow, `models.kit.records.receipt`),
``FastPropose(a, *message, v)`` for one that chooses (printed as any
record), ``Phase2a(b, v)`` for a step with a choice, ``Phase1a(b)``
without one.

`ActorModel` is a `checker.Model` built from:

- ``roles``: the node classes, each with its id type (``ids = Acceptor``);
  the role has one node per element of its set, as many as the model's
  parameter of the set's name (``acceptors = 3``), or its class's ``count``;
- ``messages``: the message types; ``network``: a kit network, and
  ``network_choices``, the kinds a spec may choose instead (``network:
  fifo`` with its budgets; the declared network's budget parameters are
  then not read);
- ``next`` (optional): the order of steps, as TLA+'s Next lists its
  disjuncts: a tuple of groups, each a tuple of handlers of one role,
  expanded node by node (``\\E a \\in Acceptor : Phase1b(a) \\/ Phase2b(a)``).
  The default is one group per role, handlers in definition order.

The global state is a tuple: one record per node with a record, in role and
node order, then the network's value. A step that changes nothing (sending
a message already in a message set, with the record unchanged) is not
generated.

Globals: variables of no node (a client's ``observed`` events and
``pending`` commands, a global counter, a coordinator's token) are one
record, ``globals = Client`` on the model (a NamedTuple whose fields are
typed as any record's, so that symmetry renames an id-typed one), in the
state just after the nodes' records; ``initial_globals()`` gives its first
value. A method of the model marked ``@derived`` (``terminated(self,
client)``) is a function of the record that handlers read by name as if a
field. A handler declares what it reads, ``@on(Accept, HandleAccept,
reads_globals="terminated")``, and takes each as the keyword parameter of
that name (``def handle_accept(self, s, m, terminated)``), so its result is
remembered on exactly those values: TLA+'s ``~terminated`` guarding every
action is a read of one boolean. A handler that writes declares it too
(``writes_globals=("observed",)``) and returns the new values after its
messages: ``(new_record, sends, {"observed": ...})``; fields it does not
write keep their values. A handler reading a global it does not declare
cannot see it (no handler is given the state); one with a parameter named
as a global it does not declare, a declared read it takes no parameter
for, a write it does not declare, a write of a derived global, are
`ModelDefinitionError`s naming the handler and the fix (`models.kit.globals`). Properties read the
record with ``model.globals_of(state)``, a spec's expression invariants each
field by its name, reports each field by its name (``observed: + ...``).

A property that reads only the messages of one type is marked
``@of_messages(Msg2b)`` under its ``@invariant`` (or other) mark: it takes
the set of those messages, and its verdict is remembered per set, as a
handler's result is per input.

Mutants are overrides: ``@Model.mutant("name", "what it breaks")`` on a
subclass of a node class (it replaces that role's class) or of the model
(it replaces the model: for deviations outside handlers, such as the
quorum rule). Nothing in the normal path tests for a mutant.

Crashes and restarts, each a handler of a node's record with a budget
(the model's parameter it names bounds how many such steps a run may take,
all nodes together):

- ``@on_restart(Restart, budget="restarts")`` alone: the node crashes and
  comes back in one step (while a node is down its messages wait in the
  network, which is no different from it not being scheduled). The
  handler takes the record and returns the one it restarts with: what its
  stable storage kept.
- ``@on_crash(Crash, budget="crashes")`` with it: the node goes down and
  stays down, taking no step, until it restarts. The crash handler returns
  what survives the crash; the node's record is then `Down` of it (a
  property reading a record may meet one), and the restart handler takes
  that record and returns the one the node restarts with.

Time (`models.kit.clock`): a model that declares ``clock = Clock(...)``
has the clock's value in its global state; its handlers take the node's
clock reading as the keyword ``now`` (and are memoized on it too);
``@on_timer(Action, deadline="field")`` marks a timer handler; the clock's
steps (ticks, drift, pauses) come after the network's faults and the
crashes and restarts. A paused node takes no step.

The global state is ``records + (globals,) + (budgets,) + (clock,) +
(network,)``: the globals only in a model that declares them, the budgets
left only in a model with crash or restart handlers, the clock only in a
model with time.

Partitions (on a `Bag` declared with ``partition=``): links down between
groups of nodes or between given pairs, from the start or not, healing and
going down again within a budget of splits (`models.kit.network.Partition`),
declared by the model or given by a spec's ``partition:`` where the model
allows (``partitions = True``).
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from functools import cached_property, partial, update_wrapper
from itertools import repeat
from typing import Any, Callable, ClassVar, Iterable, Mapping, NamedTuple, Sequence

from checker.errors import ModelDefinitionError, ParamError, shortened
from checker.model import Model, Note, Received, Sent, jsonable
from models.kit import memo
from models.kit.globals import check_handler, check_record, derived_of, written
from models.kit.memo import Interned, Memo
from models.kit.network import (Heal, MessageSet, Network, Partition, Split, chosen, delivered,
                                receiver, receiver_field)
from models.kit.records import Id, end_field, label, name_values, receipt, shown
from models.kit.symmetry import Layout

# -- handlers --------------------------------------------------------------------


@dataclass(frozen=True)
class Handler:
    """What a handler reacts to and the action its steps are."""

    action: type
    takes: type | None = None          # the message type, for a message handler
    choose: str | int | Callable | None = None  # the choices of a step (see `step`, `on`)
    reads: tuple[type, ...] = ()       # message types a step reads
    sends: tuple[type, ...] = ()       # message types its steps send, if declared
    restart: str | None = None         # model parameter: the budget of a restart handler
    crash: str | None = None           # model parameter: the budget of a crash handler
    timer: str | None = None           # the record field holding a timer's deadline
    reads_globals: tuple[str, ...] = ()   # the model's globals it reads (fields, derived)
    writes_globals: tuple[str, ...] = ()  # the fields of the model's globals it writes

    @cached_property
    def whole(self) -> bool:
        """Whether the action is built from the message alone (``Receive(m)``):
        its one field is typed as the message (or `Any`), and it chooses
        nothing. (Remembered: `typing.get_type_hints` takes 14 µs, and every
        handler result planned asks.)"""
        if self.takes is None or self.choose is not None or len(
                getattr(self.action, "_fields", ())) != 1:
            return False
        hint = typing.get_type_hints(self.action).get(self.action._fields[0])
        return hint is Any or hint is self.takes

    @cached_property
    def values(self) -> int:
        """How many values a choice gives: one, or, for an action of more
        fields after the node's (``Phase2a(bal, rm, val)``) and, for a
        message handler, the message's, a tuple of as many."""
        return max(1, len(getattr(self.action, "_fields", ())) - 1 - self.message_fields)

    @cached_property
    def message_fields(self) -> int:
        """How many fields of the action hold the message's (after the node's)."""
        return len(self.takes._fields) if self.takes is not None else 0

    @cached_property
    def choose_arity(self) -> int | None:
        """The arguments a choice function takes: 2, (node, record), or, for a
        message handler only, 3, (node, record, message); None when
        `choose` is no function or takes neither (`_check_choice` says)."""
        if not callable(self.choose):
            return None
        try:
            parameters = inspect.signature(self.choose).parameters.values()
        except (TypeError, ValueError):
            return 2
        positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY,
                                                          p.POSITIONAL_OR_KEYWORD)]
        required = sum(p.default is p.empty for p in positional)
        most = 3 if any(p.kind is p.VAR_POSITIONAL for p in parameters) else len(positional)
        if self.takes is not None and required == 3:
            return 3
        return 2 if required <= 2 <= most else None


class Down(NamedTuple):
    """The record of a crashed node: what survived the crash."""

    kept: Any


class Stay(NamedTuple):
    """A message handler's result that leaves the message in the network, to
    be received again (raft.tla's UpdateTerm: "messages is unchanged so m
    can be processed further")."""

    record: Any
    sends: tuple = ()


def on(message: type, action: type, sends: tuple[type, ...] = (),
       reads_globals: tuple[str, ...] | str = (),
       writes_globals: tuple[str, ...] | str = (),
       choose: str | int | Callable | None = None) -> Callable:
    """Mark a handler of received messages of type `message`; its steps are
    `action`: the node, then the message's fields, or (an action of one
    field) the message alone, as raft.tla's ``Receive(m)``. `reads_globals`
    and `writes_globals` name the model's globals it reads (each given as a
    keyword argument of that name) and writes (returned as a third item,
    ``{name: new value}``): see `ActorModel.globals`.

    With `choose` (as `step`'s: a parameter's name, an int n for
    ``range(n)``, or a function of ``(node, record)``, here also of
    ``(node, record, message)``), the handler runs once per message and
    choice, ``handler(s, m, v)``: TLA+'s ``\\E m \\in msgs, v \\in S :
    Receive(m, v)``. The action is the node, the message's fields, then the
    choice (a tuple of several values spread over as many fields, given to
    the handler one by one); its result is remembered on (node, record,
    message, choice, globals read), the choices on what the handler's plan
    is (the record and the messages of the type)."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, takes=message, choose=choose,
                                           sends=_types(sends),
                                           reads_globals=_names(reads_globals),
                                           writes_globals=_names(writes_globals))
        return function
    return mark


def step(action: type, choose: str | int | Callable | None = None, reads: tuple[type, ...] = (),
         sends: tuple[type, ...] | type = (), reads_globals: tuple[str, ...] | str = (),
         writes_globals: tuple[str, ...] | str = ()) -> Callable:
    """Mark an internal step, once per element of the model's `choose` (an
    int n means ``range(n)``), or of ``choose(node, record)`` when it is a
    function (the peers a candidate may ask), reading the messages of types
    `reads` and the globals `reads_globals`, writing `writes_globals` (as
    `on`). The action's fields are the node's, then the choice's: a
    choice of several values (``\\E r, v : Phase2a(b, r, v)``) is a tuple of
    them, given to the handler one by one. A literal int n is ``range(n)``."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, choose=choose, reads=tuple(reads),
                                           sends=_types(sends),
                                           reads_globals=_names(reads_globals),
                                           writes_globals=_names(writes_globals))
        return function
    return mark


def on_restart(action: type, budget: str) -> Callable:
    """Mark the handler of the node crashing and restarting in one step:
    record in, the record it restarts with out. The model's parameter
    `budget` bounds the restarts of a run; each step is ``action(node)``."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, restart=budget)
        return function
    return mark


def on_crash(action: type, budget: str) -> Callable:
    """Mark the handler of the node crashing: record in, what survives the
    crash out; the node is down until its `on_restart` handler runs. The
    model's parameter `budget` bounds the crashes of a run; each step is
    ``action(node)``."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, crash=budget)
        return function
    return mark


def of_messages(kind: type) -> Callable:
    """Mark a property (an invariant, a state to reach, a temporal one) as
    one of the messages of type `kind` in the network: the method takes
    the set of them (as a handler that reads them does) in place of the
    state, and its verdict is remembered per set, shared by the many states
    that hold it (Paxos's Agreement reads only the 2b messages). The model
    still takes it as a predicate of states (`ActorModel`)."""
    def mark(function: Callable) -> Callable:
        function.__kit_messages__ = kind
        return function
    return mark


def _types(kinds: tuple[type, ...] | type) -> tuple[type, ...]:
    return (kinds,) if isinstance(kinds, type) else tuple(kinds)


def _names(names: tuple[str, ...] | str) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(names)


class Node:
    """One node of a role: its handlers (see the module docstring)."""

    ids: ClassVar[type[Id]]
    state: ClassVar[type | None] = None
    #: how many nodes the role has; None: the model's parameter named as
    #: the id type's set (``acceptors``)
    count: ClassVar[int | None] = None
    #: the id type of the members this node runs, if it runs several as one
    #: (raft-kv's clients share one history, so one node runs them all): a
    #: message whose receiver is one of them is this node's, and a
    #: partition names them one by one (`member_name`)
    runs: ClassVar[type[Id] | None] = None

    def __init__(self, model: Any, id: int):
        self.model = model
        self.id = id

    def initial(self) -> Any:
        """The node's record in the initial state: the record's defaults."""
        return self.state() if self.state is not None else None

    @classmethod
    def handlers(cls) -> dict[str, Handler]:
        """The handlers by method name, in definition order (a subclass
        overriding a handler keeps its place, and its mark unless it marks
        the override: a mutant reading fewer globals declares so)."""
        found: dict[str, Handler] = {}
        for klass in reversed(cls.__mro__):
            for name, attribute in vars(klass).items():
                mark = getattr(attribute, "__kit_handler__", None)
                if mark is not None:
                    found[name] = mark
        return found

    @property
    def name(self) -> str:
        return f"{self.ids.prefix}{self.id + self.ids.first}"

    def member_name(self, i: int) -> str:
        """How reports name member `i` of the set this node runs."""
        return f"{self.runs.prefix}{i + self.runs.first}"


# -- the model ---------------------------------------------------------------------


class _Group:
    """One entry of `next`: handlers of one role, expanded node by node.

    Its steps in a state depend only on the records of its nodes and on the
    network components its handlers take or read (the group's view), so
    they are planned once per distinct (records, view) and remembered
    (`plans`); a plan is made from each node's steps, remembered per
    (node, record, its part of the view) (`node_steps`), made from the
    node's planned handler results, remembered per the same (`node_plans`),
    made from handler results, remembered per (node, handler, record,
    input) (`ActorModel._outcomes`). A node's part of the view holds, of
    a component whose messages are each for one node, those for it (and
    for anyone): Paxos's ballot-b leader sees the 1b messages of ballot
    b, so its steps are planned once per such part, not once per 1b set
    of every ballot. (Components of types the group declares it sends
    stay whole: whether a step sends again what was sent is read there.)
    """

    def __init__(self, model: "ActorModel", role: int, names: Sequence[str]):
        self.model = model
        self.names = tuple(names)
        self.marks = model._roles[role].handlers()
        kinds = model.messages
        where = model.network.where
        seen = {where(kinds.index(self.marks[n].takes)) for n in names
                if self.marks[n].takes is not None}
        seen |= {where(kinds.index(kind)) for n in names for kind in self.marks[n].reads}
        seen |= {where(kinds.index(kind)) for n in names for kind in self.marks[n].sends}
        self.view = tuple(sorted(seen))
        self.nodes = [(node, model._slot.get((role, node.id))) for node in model._nodes[role]]
        self.slots = [slot for _, slot in self.nodes if slot is not None]
        # positions in the view of the types whose messages are for one node
        self.addressed = [i for i, k in enumerate(self.view) if model.network.addressed(k)]
        # ... and of those a node's steps are planned on its part of (see above)
        sent = {where(kinds.index(kind)) for n in names for kind in self.marks[n].sends}
        self.split = [i for i in self.addressed if self.view[i] not in sent]
        self.role = role
        # The globals its handlers read (fields and derived ones, in order of
        # first mention), the values of which are a part of every key below
        # (`seen`, remembered per globals record), and each handler's
        # positions among them; whether a handler writes any (`expand`).
        self.reads = tuple(dict.fromkeys(
            g for n in names for g in self.marks[n].reads_globals))
        self.read_at = {n: tuple(self.reads.index(g) for g in self.marks[n].reads_globals)
                        for n in names}
        self.writes = any(self.marks[n].writes_globals for n in names)
        self.seen = Memo(partial(model._read_globals, self.reads)) if self.reads else None
        self.plans = Memo(self._plan_for_key)
        # (position in the view, component) -> each node's part of it: a
        # component recurs with many views
        self.parts = Memo(self._parts_of)
        self.node_steps = Memo(self._node_steps)
        self.node_plans = Memo(self._node_plan)
        self.handler_plans = Memo(self._handler_plan)
        # each handler with the positions in the view of the components it
        # takes or reads, in its order (the key of `handler_plans`)
        self.inputs_at = [(n, tuple(self.view.index(where(kinds.index(kind))) for kind in (
            (self.marks[n].takes,) if self.marks[n].takes is not None else self.marks[n].reads)))
            for n in names]
        # The key of `plans` in a state: the records of the group's nodes
        # and the network components of its view, as one tuple, or the
        # one of them alone, or None (`key`; `key_source` is the same as
        # Python source, for `ActorModel._compile_successors`).
        # (`seen` stands for the group's `seen` table, named in that source)
        parts = [f"state[{slot}]" for slot in self.slots] + [f"net[{k}]" for k in self.view]
        if model.clock is not None:  # -- time: readings are inputs of every handler
            parts.append("state[-2]")
        if self.seen is not None:  # -- globals: the values its handlers read
            parts.append(f"seen[state[{model._globals_at}]]")
        self.key_source = ("None" if not parts else parts[0] if len(parts) == 1
                           else ", ".join(parts))

    def key(self, state: tuple) -> Any:
        net = state[-1]
        parts = tuple(state[slot] for slot in self.slots) + tuple(net[k] for k in self.view)
        if self.model.clock is not None:
            parts += (state[-2],)
        if self.seen is not None:
            parts += (self.seen[state[self.model._globals_at]],)
        return None if not parts else parts[0] if len(parts) == 1 else parts

    def _plan_for_key(self, key: Any) -> tuple:
        clocked = self.model.clock is not None
        reads = self.seen is not None
        count = len(self.slots) + len(self.view) + clocked + reads
        parts = () if count == 0 else (key,) if count == 1 else key
        n = len(self.slots) + len(self.view)
        clock = parts[n] if clocked else None
        seen = parts[n + clocked] if reads else None
        return self._plan(parts[:len(self.slots)], parts[len(self.slots):n], clock, seen)

    def _plan(self, records: tuple, view: tuple, clock: Any = None, seen: Any = None) -> tuple:
        """The group's steps: each node's (`node_steps`), in node order."""
        node_steps = self.node_steps
        plan: tuple = ()
        for node, record, mine in self._inputs(records, view):
            plan += node_steps[node, record, mine, clock, seen]
        return plan

    def expand(self, state: tuple, plan: tuple, out: list) -> None:
        """The network's `expand` of a plan of a group whose handlers write
        globals (see `_node_steps`): a step that writes them expands from
        the state with the globals it writes, as a step that changes the
        node's record."""
        model = self.model
        expand, written, at = model.network.expand, model._written, model._globals_at
        old = state[at]
        for steps, writes, forced in plan:
            if writes is None:
                expand(state, steps, out)
                continue
            new = written[old, writes]
            if new == old:
                expand(state, steps, out)  # as a step that writes nothing
            else:
                expand(state[:at] + (new,) + state[at + 1:], forced, out)

    def _inputs(self, records: Iterable[Any], view: tuple) -> Iterable[tuple]:
        """Each node with its record (None for a stateless node) and its
        part of `view` (`_views`), in node order."""
        records = iter(records)
        for (node, slot), mine in zip(self.nodes, self._views(view) if self.split
                                      else repeat(view)):
            yield node, next(records) if slot is not None else None, mine

    def _views(self, view: tuple) -> Iterable[tuple]:
        """Each node's part of `view`, in node order: of the components in
        `split`, the messages for it."""
        views = [list(view) for _ in self.nodes]
        for i in self.split:
            for mine, part in zip(views, self.parts[i, view[i]]):
                mine[i] = part
        return map(tuple, views)

    def _parts_of(self, key: tuple) -> tuple:
        """Each node's part of component `key[1]`, at position `key[0]` of the view."""
        i, component = key
        return tuple(self.model.network.for_node(self.view[i], component, node)
                     for node, _ in self.nodes)

    def _node_steps(self, key: tuple) -> tuple:
        """The steps of node `key[0]` with record `key[1]` in its part
        `key[2]` of the view, clock `key[3]` and globals read `key[4]`, as
        the network's `compile` makes them from (action, slot of the node's
        record or None, its new record, whether the record changes, message
        received or None, messages sent as (type index, message)).
        Remembered apart from the group's plans: a node's record and part
        recur with many records and views of the other nodes (and, in a
        partitioned search, in every process).

        In a group whose handlers write globals, the steps come as
        segments for `expand`: (compiled steps, None, None) for a run of
        steps that write none, and for each step that writes (itself
        compiled, its writes, itself compiled as a step that changes the
        record: the globals change)."""
        node, record, view, clock, seen = key
        slot = self.model._slot.get((self.role, node.id))
        network = self.model.network
        reading = self.model._reading(clock, node)
        if reading is False:
            return ()  # paused: the node does nothing
        # the components held whole, where a step that sends again what was
        # sent is found (one that sends into a component held in part here
        # is left out by `expand`, where it changes nothing)
        components = {k: component for i, (k, component) in enumerate(zip(self.view, view))
                      if i not in self.split}
        planned = []
        for action, new_record, received, sends, writes in self.node_plans[
                node, record, self._own(node, view), reading, seen]:
            changed = new_record != record
            if not (changed or writes) and received is None and network.sent_already(
                    components, sends):
                continue  # sends again what was sent: changes nothing
            planned.append((action, slot, new_record, changed, received, sends, writes))
        if not self.writes:
            return network.compile([step[:6] for step in planned])
        segments, batch = [], []
        for step in planned:
            if not step[6]:
                batch.append(step[:6])
                continue
            if batch:
                segments.append((network.compile(batch), None, None))
                batch = []
            action, slot, new_record, changed, received, sends, writes = step
            forced = (action, slot, new_record, True, received, sends)
            segments.append((network.compile([step[:6]]), writes, network.compile([forced])))
        if batch:
            segments.append((network.compile(batch), None, None))
        return tuple(segments)

    def _own(self, node: Node, view: tuple) -> tuple:
        """`node`'s part of `view` (its part of the components split, of
        the rest of the components whose messages are each for one node)."""
        if len(self.addressed) == len(self.split):
            return view
        mine = list(view)
        for i in self.addressed:
            if i not in self.split:
                mine[i] = self.model.network.for_node(self.view[i], view[i], node)
        return tuple(mine)

    def enabled(self, state: tuple) -> bool:
        """Whether a handler of the group is enabled in `state`, a step that
        changes nothing included (`node_steps` leaves those out)."""
        clock = state[-2] if self.model.clock is not None else None
        seen = self.seen[state[self.model._globals_at]] if self.seen is not None else None
        for node, record, mine in self._inputs((state[slot] for slot in self.slots),
                                               tuple(state[-1][k] for k in self.view)):
            reading = self.model._reading(clock, node)
            if reading is not False and self.node_plans[node, record, self._own(node, mine),
                                                         reading, seen]:
                return True
        return False

    def _node_plan(self, key: tuple) -> tuple:
        """The steps of node `key[0]` with record `key[1]` seeing the network
        components `key[2]` and the globals `key[4]`: (action, new record,
        message received or None, messages sent, globals written)."""
        node, record, view, now, seen = key  # the view holds only messages for this node
        if type(record) is Down:
            return ()  # a crashed node takes no step until it restarts
        planned: tuple = ()
        handler_plans = self.handler_plans
        for name, at in self.inputs_at:
            reads = self.read_at[name]
            planned += handler_plans[node, name, record,
                                     tuple([view[i] for i in at]) if at else None, now,
                                     tuple([seen[i] for i in reads]) if reads else None]
        return planned

    def _handler_plan(self, key: tuple) -> tuple:
        """The steps of handler `key[1]` of node `key[0]` with record
        `key[2]`, seeing the network components it takes or reads `key[3]`
        (in the order of `inputs_at`), clock reading `key[4]` and the
        globals it reads `key[5]`: as `_node_plan`'s. Remembered on exactly
        these: a node's record recurs with many values of the components
        and globals its other handlers read."""
        node, name, record, components, now, mine = key
        model = self.model
        handler = self.marks[name]
        planned = []
        if handler.timer is not None:  # -- time: due when the reading reaches it
            deadline = getattr(record, handler.timer)
            if deadline is not None and now >= deadline:
                outcome = model._outcome(node, name, record, (), now, mine)
                if outcome is not None:
                    planned.append((model._intern(handler.action(node.id)), outcome[0],
                                    None, outcome[1], outcome[3]))
        elif handler.takes is not None:
            k = model._kind_index[handler.takes]
            component = components[0]
            for message in model.network.deliverable(component, handler.takes):
                if handler.choose is not None:  # -- once per choice (`on`'s `choose`)
                    for chosen in model._each_choice(handler, name, node, record, message):
                        outcome = model._outcome(node, name, record, (message,) + chosen,
                                                 now, mine)
                        if outcome is not None:
                            action = model._intern(handler.action(node.id, *message, *chosen))
                            planned.append((action, outcome[0],
                                            None if outcome[2] else (k, message),
                                            outcome[1], outcome[3]))
                    continue
                outcome = model._outcome(node, name, record, (message,), now, mine)
                if outcome is not None:
                    # (a whole-message action is not interned: Receive(m) of two
                    # message types with equal fields are equal tuples)
                    action = (handler.action(message) if handler.whole
                              else model._intern(handler.action(node.id, *message)))
                    planned.append((action, outcome[0], None if outcome[2] else (k, message),
                                    outcome[1], outcome[3]))
        else:
            read = tuple(model.network.select(component, kind)
                         for kind, component in zip(handler.reads, components or ()))
            for choice in model._choices(handler, node, record):
                chosen = (() if choice is None else (choice,) if handler.values == 1
                          else model._spread(choice, handler, name, node))
                outcome = model._outcome(node, name, record, chosen + read, now, mine)
                if outcome is not None:
                    action = model._intern(handler.action(node.id, *chosen))
                    planned.append((action, outcome[0], None, outcome[1], outcome[3]))
        return tuple(planned)


class _Deliveries:
    """A group of message handlers on a network that delivers message by
    message (`Bag` with ``per_message``): for each message in the network's
    order, its receipt by the node it is for (each node that takes it, if
    it names none), then the network's faults on it, as raft.tla's Next
    lists ``Receive(m)``, ``DuplicateMessage(m)`` and ``DropMessage(m)``.
    A receipt is remembered per (receiver's record, message), what the
    network offers (messages, their faults) per network value."""

    def __init__(self, model: "ActorModel", role: int, names: Sequence[str]):
        self.model = model
        network = model.network
        marks = model._roles[role].handlers()
        nodes = model._nodes[role]
        takers: dict[int, tuple[str, Handler]] = {}
        for name in names:
            takers[model._kind_index[marks[name].takes]] = (name, marks[name])
        # per type index: a memo of receipts, and the slot of each receiver
        self.kinds = []
        for k, kind in enumerate(model.messages):
            taker = takers.get(k)
            if taker is None:
                self.kinds.append((k, None, None))
                continue
            # a receiver of the role's own set receives it alone (see `delivered`)
            place = receiver_field(kind)
            dst = place[0] if place is not None and place[1] in (
                None, model._roles[role].ids.set_name) else None
            slots = {node.id: model._slot.get((role, node.id)) for node in nodes}
            self.kinds.append((k, Memo(self._receipt_of(k, taker, nodes, dst, slots)),
                               (dst, slots)))
        self.ordered = [Memo(lambda component: tuple(network.deliverable(component, None)))
                        for _ in model.messages]
        self.deliveries = Memo(self._deliveries)

    def _receipt_of(self, k: int, taker: tuple, nodes: list, dst: int | None,
                    slots: dict) -> Callable:
        model = self.model
        name, handler = taker

        def receipts(key: tuple) -> tuple:
            """For (records of the receivers, message): each receipt as
            (action, slot, new record, whether it changed, whether the
            message stays, messages sent, the function building the next
            state from the new record and network (`Network.builders`))."""
            records, message = key
            found = []
            for node, record in zip(nodes if dst is None else [nodes[message[dst]]], records):
                if handler.choose is not None:  # -- once per choice (`on`'s `choose`)
                    for chosen in model._each_choice(handler, name, node, record, message):
                        outcome = model._outcome(node, name, record, (message,) + chosen)
                        if outcome is not None:
                            changed = outcome[0] != record
                            found.append((
                                model._intern(handler.action(node.id, *message, *chosen)),
                                slots[node.id], outcome[0], changed, outcome[2], outcome[1],
                                model.network.builders[slots[node.id], None] if changed
                                else None))
                    continue
                outcome = model._outcome(node, name, record, (message,))  # (no globals)
                if outcome is not None:
                    action = (handler.action(message) if handler.whole  # see `_node_plan`
                              else model._intern(handler.action(node.id, *message)))
                    changed = outcome[0] != record
                    found.append((action, slots[node.id], outcome[0], changed,
                                  outcome[2], outcome[1],
                                  model.network.builders[slots[node.id], None] if changed
                                  else None))
            return tuple(found)
        return receipts

    def _deliveries(self, net: tuple) -> tuple:
        """What network value `net` offers, remembered per value (a
        network value recurs with many records): its size, and each
        message in the network's order as (message, memo of its receipts
        or None, its receivers' slots, the network once it is received,
        the duplicate step or None, the drop step or None)."""
        network = self.model.network
        drops, duplicates = net[-1][:2]
        capacity = network.capacity
        size = 0 if capacity is None else network.size(net)
        room = capacity is None or size < capacity
        found = []
        for k, receipts, where in self.kinds:
            component = net[k]
            if not component:
                continue
            for message in self.ordered[k][component]:
                receivers = ()
                if receipts is not None:
                    dst, slots = where
                    receivers = ((slots[message[dst]],) if dst is not None
                                 else tuple(slots.values()))
                received = network.receive(net, k, message)
                duplicate = drop = None
                if room and (duplicates is None or duplicates):
                    after = network.send(net, ((k, message),))
                    if duplicates is not None:
                        after = after[:-1] + ((drops, duplicates - 1) + net[-1][2:],)
                    duplicate = (network.duplicate_action(message), after)
                if drops is None or drops:
                    after = received
                    if drops is not None:
                        after = after[:-1] + ((drops - 1, duplicates) + net[-1][2:],)
                    drop = (network.drop_action(message), after)
                found.append((message, receipts, receivers, received, duplicate, drop))
        return size, tuple(found)

    def enabled(self, state: tuple) -> bool:
        """Whether a message's receipt is enabled in `state`, one that changes
        nothing or sends into a full bag included (`expand` leaves those
        out)."""
        return any(receipts is not None
                   and receipts[tuple(map(state.__getitem__, receivers)), message]
                   for message, receipts, receivers, *_ in self.deliveries[state[-1]][1])

    def expand(self, state: tuple, out: list) -> None:
        net = state[-1]
        size, deliveries = self.deliveries[net]
        if not deliveries:
            return
        network = self.model.network
        capacity = network.capacity
        rest = state[:-1]
        for message, receipts, receivers, received, duplicate, drop in deliveries:
            if receipts is not None:
                records = tuple(map(state.__getitem__, receivers))
                for action, slot, new_record, changed, stays, sends, build in \
                        receipts[records, message]:
                    new_net = net if stays else received
                    if sends:
                        if (not changed and capacity is not None
                                and size - (not stays) + len(sends) > capacity):
                            continue  # into a full bag (see `Bag`)
                        new_net = network.send(new_net, sends)
                    if changed:
                        out.append((action, build(state, new_net, new_record, None)))
                    elif new_net != net:
                        out.append((action, rest + (new_net,)))
            if duplicate is not None:
                out.append((duplicate[0], rest + (duplicate[1],)))
            if drop is not None:
                out.append((drop[0], rest + (drop[1],)))


def _of_component(decide: Callable, select: Callable, kind: type, component: Any) -> Any:
    """`decide` of the messages of type `kind` in a network component."""
    return decide(select(component, kind))


def _looked_up(verdicts: Memo, c: int) -> Callable[[tuple], Any]:
    """The predicate of states: the verdict on component `c` of the network."""
    return lambda state: verdicts[state[-1][c]]


def _between(a: tuple[str, int], b: tuple[str, int]) -> str:
    """"no message goes between clients and servers", for a link's error."""
    if a[0] == b[0]:
        return f"no message goes between two of the {a[0]}"
    return f"no message goes between {a[0]} and {b[0]}"


class ActorModel(Model):
    """A `checker.Model` built from nodes and handlers; see the module docstring."""

    roles: ClassVar[tuple[type[Node], ...]] = ()
    messages: ClassVar[tuple[type, ...]] = ()
    network: ClassVar[Network] = MessageSet()
    next: ClassVar[tuple[tuple[Callable, ...], ...] | None] = None
    clock: ClassVar[Any] = None  # a `models.kit.clock.Clock`, for a model with time
    #: the kinds of network (`models.kit.network.KINDS`) a spec may choose in
    #: place of `network` (``network: fifo``); empty: `network` is the only one
    network_choices: ClassVar[tuple[str, ...]] = ()
    #: whether a spec may give a partition (``partition: {groups: [[s1], [s2,
    #: s3]]}``): the model's network is a `Bag` declared with ``partition=``,
    #: and its symmetry keeps apart the nodes the partition tells apart
    partitions: ClassVar[bool] = False
    #: the type of the model's global variables, those of no node (a
    #: client's observed events, a counter): one record (a NamedTuple), in
    #: the global state after the nodes' records; `initial_globals` gives
    #: its value in the initial state. Handlers declare what they read and
    #: write of it (`on`, `step`); `derived` methods are read as its fields.
    globals: ClassVar[type | None] = None
    _mutant_classes: ClassVar[dict[str, type]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.mutants = dict(cls.__dict__.get("mutants", {}))
        cls._mutant_classes = {}
        handlers = [handler for role in cls.roles for handler in role.handlers().values()]
        actions = [h.action for h in handlers if h.restart is None and h.crash is None]
        if cls.next:  # listed in the order of the steps
            actions = [f.__kit_handler__.action for group in cls.next for f in group] + actions
        # the network's faults, crashes and restarts, the clock's steps, as
        # `successors` takes them
        cls.actions = tuple(dict.fromkeys(
            actions + list(cls.network.fault_actions)
            + [h.action for h in handlers if h.restart is not None or h.crash is not None]
            + list(cls.clock.actions if cls.clock else ())))
        # records with named fields print them by name (`models.kit.records.show`),
        # the action of receiving a message with the message's arrow
        for handler in handlers:  # (an action that chooses too prints as any record)
            if handler.takes is not None and not handler.whole and handler.choose is None:
                receipt(handler.action, handler.takes)
        for kind in list(cls.messages) + [role.state for role in cls.roles] + list(cls.actions) \
                + [cls.globals]:
            name_values(kind)

    @classmethod
    def mutant(cls, name: str, description: str) -> Callable[[type], type]:
        """Declare the decorated class as mutant `name`: a subclass of one
        of the model's node classes (replacing it) or of the model (which
        `Model.__new__` builds for ``mutant=name``, as for plain models)."""
        def declare(variant: type) -> type:
            if issubclass(variant, cls):
                variant.mutants, variant._mutant_classes = cls.mutants, cls._mutant_classes
            elif not any(issubclass(variant, role) for role in cls.roles):
                raise ModelDefinitionError(
                    f"mutant {name!r} of {cls.name!r}: {variant.__name__} must subclass "
                    f"{cls.__name__} or one of its node classes")
            cls.mutants[name] = description
            cls._mutant_classes[name] = variant
            return variant
        return declare

    def __init__(self, network_choice: Mapping[str, Any] | None = None,
                 partition_choice: Mapping[str, Any] | None = None, **kwargs: Any):
        """`network_choice`: a spec's choice of network, ``{"kind": "fifo",
        "drop": 1}``, in place of the declared one (see `network_choices`);
        `partition_choice`: a spec's partition (see `partition_from`). (Not
        `network` and `partition`: a model may have parameters so named.)"""
        self._network_choice = network_choice
        self._partition_choice = partition_choice
        #: the spec's partition, resolved (`models.kit.network.Partition`), or None
        self.spec_partition = None
        super().__init__(**kwargs)
        self._build()

    def partition_from(self, given: Mapping[str, Any]) -> Partition:
        """A spec's ``partition:``: ``groups`` (each node of a group cut off
        from those of the others) or ``links`` (pairs of nodes), by the names
        reports print (``s1``; a member of a set that a node runs by its own,
        as raft-kv's client ``c1``: `Node.runs`); ``from_start`` (default
        true): down in the initial state; ``splits`` (default 0): how many
        times it may go down again after healing; ``heals`` (default true):
        false for links that, once down, stay down. `ParamError` names a wrong
        entry: an unknown node, a node twice, a link between nodes that
        exchange no messages, groups between which no message goes."""
        names = self.partition_ends()
        talking = self._talking_sets()

        def node(name: Any, field: str) -> tuple[str, int]:
            if name not in names:
                raise ParamError(field, f"no node {name!r}; the nodes are "
                                        f"{', '.join(names)}")
            return names[name]

        def carries(link: frozenset) -> bool:
            return frozenset(set_name for set_name, _ in link) in talking

        if ("groups" in given) == ("links" in given):
            raise ParamError("partition", "give groups: (nodes cut off from one another's) "
                                          "or links: (pairs of nodes), one of the two")
        from_start, splits = given.get("from_start", True), given.get("splits", 0)
        heals = given.get("heals", True)
        if "links" in given:
            links = []
            for k, pair in enumerate(given["links"]):
                ends = [node(name, f"partition.links[{k}][{e}]") for e, name in enumerate(pair)]
                links.append(frozenset(ends))
                if len(links[-1]) != 2:
                    raise ParamError("partition.links", "a link joins two different nodes")
                if not carries(links[-1]):
                    raise ParamError(f"partition.links[{k}]", f"{pair[0]} and {pair[1]} "
                                     f"exchange no messages ({_between(*ends)}); give a link "
                                     "between nodes that message each other")
            return Partition(frozenset(links), from_start, splits, heals)
        groups, seen = [], set()
        for k, group in enumerate(given["groups"]):
            groups.append([node(name, f"partition.groups[{k}][{e}]")
                           for e, name in enumerate(group)])
            twice = seen & set(groups[-1])
            if twice or len(set(groups[-1])) < len(groups[-1]):
                raise ParamError(f"partition.groups[{k}]", "names a node that is in "
                                 "another group or twice; give each node once")
            seen |= set(groups[-1])
        partition = Partition.between(groups, from_start, splits, heals)
        if not any(map(carries, partition.links)):
            raise ParamError("partition.groups", "no message goes between nodes of different "
                             "groups, so the partition cuts nothing; put nodes that message "
                             "each other in different groups")
        return partition

    def partition_ends(self) -> dict[str, tuple[str, int]]:
        """What a partition may name, by name: each node as (its set's name,
        its number), but a node that runs members of a set (`Node.runs`)
        by its members, each as (that set's name, its number)."""
        ends: dict[str, tuple[str, int]] = {}
        for role, nodes in zip(self._roles, self._nodes):
            for node in nodes:
                if role.runs is None:
                    ends[node.name] = (role.ids.set_name, node.id)
                    continue
                members = role.runs.set_name
                ends.update((node.member_name(i), (members, i))
                            for i in range(self.set_size(members)))
        return ends

    def _talking_sets(self) -> set[frozenset]:
        """The pairs of sets (one set: within it) that some message type
        goes between, by its sender's and receiver's fields."""
        from models.kit.records import id_type

        pairs = set()
        for kind in self.messages:
            fields = [end_field(kind, end) for end in ("src", "dst")]
            if all(field in kind._fields for field in fields):
                ends = [id_type(kind, field) for field in fields]
                if None not in ends:
                    pairs.add(frozenset(ids.set_name for ids in ends))
        return pairs

    def _declared_network(self) -> Network:
        """The declared network, or the one the spec chose; the instance's
        actions then list the chosen network's faults in place of the
        declared one's."""
        declared = type(self).network
        choice = self._network_choice
        if choice is None:
            return declared
        kind = choice.get("kind")
        if kind not in self.network_choices:
            raise ParamError("network.kind", (
                f"{self.name} runs on its own network only; remove network:"
                if not self.network_choices else
                f"{self.name} runs on {' or '.join(self.network_choices)}, not {kind!r}"))
        network = chosen(declared, kind, choice.get("drop", 0), choice.get("duplicate", 0))
        faults = set(declared.fault_actions)
        self.actions = tuple(kind for kind in self.actions if kind not in faults) + tuple(
            network.fault_actions)
        return network

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        variant = self._mutant_classes.get(self.mutant) if self.mutant else None
        self._roles = [variant if isinstance(variant, type) and issubclass(variant, role)
                       else role for role in self.roles]
        self._kind_index = {kind: k for k, kind in enumerate(self.messages)}
        self._marks = {role: role.handlers() for role in self._roles}
        self._derived = {name: getattr(self, name) for name in derived_of(type(self))}
        self._check_definition()
        declared = self._declared_network()
        self._nodes = [[role(self, i) for i in range(
            role.count if role.count is not None else self.set_size(role.ids.set_name))]
            for role in self._roles]
        if self._partition_choice is not None:
            self._take_partition(declared)
        self.network = declared.bind(self, tuple(self.messages))
        self._read = self.network.read
        slots = [(r, node.id) for r, nodes in enumerate(self._nodes)
                 for node in nodes if node.state is not None]
        self._slot = {slot: position for position, slot in enumerate(slots)}
        # the globals record, if any, just after the nodes' records
        self._globals_at = len(slots) if self.globals is not None else None
        self._written = Memo(self._write)
        self._bind_clock()
        self._intern = Interned(owner=f"model {self.name!r}: ")
        self._outcomes = Memo(self._run)
        self._role_slices: dict[type, slice] = {}
        names_of = {f: (r, name) for r, role in enumerate(self._roles)
                    for name in role.handlers() for f in [getattr(self.roles[r], name)]}
        groups = [[names_of[f] for f in group] for group in self.next] if self.next else [
            [(r, name) for name, handler in role.handlers().items()
             if handler.restart is None and handler.crash is None]
            for r, role in enumerate(self._roles)]
        groups = [group for group in groups if group]
        self._setup_restarts(slots)
        # the global state's length: records, budgets left, clock, network
        self.network.state_size = (len(slots) + (self.globals is not None)
                                   + bool(self._budget_names) + (self.clock is not None) + 1)
        self._groups = []
        for group in groups:
            if len({r for r, _ in group}) != 1:
                raise ModelDefinitionError(f"model {self.name!r}: each group of `next` "
                                           "lists handlers of one role")
            names = [name for _, name in group]
            role = self._roles[group[0][0]]
            if getattr(self.network, "per_message", False) and all(
                    role.handlers()[name].takes is not None for name in names):
                for name in names:
                    handler = role.handlers()[name]
                    if handler.reads_globals or handler.writes_globals:
                        raise ModelDefinitionError(
                            f"model {self.name!r}: {role.__name__}.{name} reads or writes "
                            "globals, which the handlers of a bag delivering message by "
                            "message (per_message) cannot yet; keep the variable in a "
                            "node's record, or use a Bag without per_message")
                self._groups.append(_Deliveries(self, group[0][0], names))
            else:
                self._groups.append(_Group(self, group[0][0], names))
        self._expanded = 0
        self.successors = self._compile_successors()
        self._bind_message_properties()
        sizes = {role.ids.set_name: len(nodes) for role, nodes in zip(self._roles, self._nodes)}
        sizes.update({name: self.set_size(name) for name in self.symmetry_sets})
        self._layout = Layout([(self._roles[r].ids.set_name, i) for r, i in slots],
                              self.network, sizes, tuple(self.symmetry_sets), self.clock,
                              globals_at=self._globals_at)

    def _take_partition(self, network: Network) -> None:
        """The spec's partition, for a model that takes one on its bag; the
        instance's actions gain the partition's steps."""
        if not self.partitions or not getattr(network, "partition_param", None):
            raise ParamError("partition", f"{self.name} takes no partition from a spec "
                             "(its network is not a bag declared with one); remove partition:")
        self.spec_partition = self.partition_from(self._partition_choice)
        self.actions = tuple(kind for kind in self.actions
                             if kind not in (Heal, Split)) + self.spec_partition.steps

    def _check_definition(self) -> None:
        """Mistakes in the declarations, each said with its fix."""
        def wrong(what: str) -> ModelDefinitionError:
            return ModelDefinitionError(f"model {self.name!r}: {what}")

        check_record(self, wrong)
        for role in self._roles:
            ids = getattr(role, "ids", None)
            if not (isinstance(ids, type) and issubclass(ids, Id)):
                raise wrong(f"node class {role.__name__} has no id type; declare one, "
                            f"as ids = models.kit.ids(\"servers\", \"s\")")
            for name, handler in role.handlers().items():
                check_handler(self, wrong, role, name, handler)
                for kind in ((handler.takes,) if handler.takes else ()) + handler.reads \
                        + handler.sends:
                    if kind not in self._kind_index:
                        raise wrong(f"{role.__name__}.{name} takes, reads or sends "
                                    f"{kind.__name__}, which is not in the model's `messages`")
                inputs = handler.message_fields + (
                    handler.values if handler.choose is not None else 0)
                if handler.choose is not None:
                    self._check_choice(wrong, role, name, handler)
                budget = handler.restart or handler.crash
                if budget is not None and not isinstance(getattr(self, budget, None), int):
                    raise wrong(f"{role.__name__}.{name} takes its steps within the budget "
                                f"{budget!r}, which is not a parameter of the model; "
                                f"add Param({budget!r}, ...) to its params")
                if budget is not None:
                    inputs = 0
                if handler.crash is not None and not any(
                        h.restart for h in role.handlers().values()):
                    raise wrong(f"{role.__name__}.{name} crashes the node, which has no "
                                "@on_restart handler to come back; add one")
                fields = getattr(handler.action, "_fields", None)
                if fields is not None and handler.whole:
                    continue
                if fields is None or len(fields) != 1 + inputs:
                    raise wrong(f"the action {handler.action.__name__} of {role.__name__}."
                                f"{name} must be a named tuple of {1 + inputs} fields: the "
                                "node, then " + (
                                    "the message's fields, then the choice"
                                    if handler.takes and handler.choose is not None
                                    else "the message's fields" if handler.takes
                                    else "the choice" if inputs else "nothing"))
                if handler.takes is not None and handler.choose is not None:
                    self._check_parameters(wrong, role, name, handler)

    def _check_choice(self, wrong: Callable, role: type[Node], name: str,
                      handler: Handler) -> None:
        """A handler's `choose`: a parameter or attribute of the model, an
        int, or a function of the arguments it is given."""
        where, choose = f"{role.__name__}.{name}", handler.choose
        of = "(node, record) or (node, record, message)" if handler.takes else "(node, record)"
        if isinstance(choose, str):
            if not hasattr(self, choose):
                raise wrong(f"{where} chooses from {choose!r}, which is neither a parameter "
                            f"nor an attribute of the model; fix the name, or set "
                            f"self.{choose} in setup()")
        elif callable(choose):
            if handler.choose_arity is None:
                raise wrong(f"{where} chooses with a function that does not take {of}; "
                            f"give choose= a function of {of}")
        elif not isinstance(choose, int) or isinstance(choose, bool):
            raise wrong(f"{where} chooses from {shortened(choose)}; give choose= a "
                        f"parameter's name, an int or a function of {of}")

    def _check_parameters(self, wrong: Callable, role: type[Node], name: str,
                          handler: Handler) -> None:
        """A message handler that chooses takes the record, the message and
        each value of the choice, in that order."""
        try:
            parameters = list(inspect.signature(getattr(role, name)).parameters.values())[1:]
        except (TypeError, ValueError):
            return
        if any(p.kind is p.VAR_POSITIONAL for p in parameters):
            return
        keywords = set(handler.reads_globals) | {"now"}
        positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY,
                                                          p.POSITIONAL_OR_KEYWORD)
                      and p.name not in keywords]
        given = (role.state is not None) + 1 + handler.values
        required = sum(p.default is p.empty for p in positional)
        if required <= given <= len(positional):
            return
        chosen = list(handler.action._fields[1 + handler.message_fields:])
        wanted = ["s"] * (role.state is not None) + ["m"] + chosen
        raise wrong(f"{role.__name__}.{name} takes {len(positional)} arguments, but is given "
                    f"{given}: " + ("the record, " if role.state is not None else "")
                    + f"the message and the choice's {handler.values} "
                    + ("value" if handler.values == 1 else "values")
                    + f"; define it as def {name}(self, {', '.join(wanted)})")

    @staticmethod
    def _spread(choice: Any, handler: Handler, name: str, node: Node) -> tuple:
        """A choice of several values, one per field of the action after the
        node's (and the message's)."""
        if not isinstance(choice, tuple) or len(choice) != handler.values:
            after = "the message's fields" if handler.takes is not None else "the node"
            raise ModelDefinitionError(
                f"{type(node).__name__}.{name} chose {choice!r}, but its action "
                f"{handler.action.__name__} takes {handler.values} values after {after} "
                f"({', '.join(handler.action._fields[1 + handler.message_fields:])}); give "
                "each choice as a tuple of as many")
        return choice

    def set_size(self, name: str) -> int:
        """How many elements the set `name` has: the parameter of that name."""
        return getattr(self, name)

    def _choices(self, handler: Handler, node: Node, record: Any,
                 message: Any = None) -> Iterable[Any]:
        """The choices of `handler` (its `choose`) for `node` with `record`
        (and, for a message handler whose function takes it, `message`)."""
        choose = handler.choose
        if choose is None:
            return (None,)
        if callable(choose):
            if handler.choose_arity == 3:
                return choose(node, record, message)
            return choose(node, record)
        choices = choose if isinstance(choose, int) else getattr(self, choose)
        return range(choices) if isinstance(choices, int) else choices

    def _each_choice(self, handler: Handler, name: str, node: Node, record: Any,
                     message: Any = None) -> Iterable[tuple]:
        """Each choice as the values given to the handler after its record
        (and message): () without a choice, (v,) for one value, the tuple
        of several."""
        if handler.choose is None:
            return ((),)
        one = handler.values == 1
        return [(choice,) if one else self._spread(choice, handler, name, node)
                for choice in self._choices(handler, node, record, message)]

    def _run(self, key: tuple) -> tuple | None:
        """Run handler `name` of `node` on `record` and `inputs` (and the
        node's clock reading `now`, in a model with time, and the values
        `seen` of the globals it reads, each as the keyword of its name):
        None when not enabled, else (the new record, interned; messages
        sent as (type index, message); whether the message received stays;
        the globals written as (field index, value) pairs)."""
        # (a handler that reads no globals has a key of five: raft-kv's
        # leases override this method and pass such keys on)
        node, name, record, inputs, now = key[:5]
        seen = key[5] if len(key) > 5 else None
        handler = getattr(node, name)
        mark = self._marks[type(node)][name]
        if now is not None:
            handler = partial(handler, now=now)
        if seen is not None:
            handler = partial(handler, **dict(zip(mark.reads_globals, seen)))
        stays, writes = False, None
        if node.state is None:
            sent = handler(*inputs)
            new_record = None
        else:
            outcome = handler(record, *inputs)
            if outcome is None:
                return None
            stays = isinstance(outcome, Stay)
            # (a record alone is a tuple too, of its own type)
            writing = type(outcome) is tuple and len(outcome) == 3 and (
                mark.writes_globals or isinstance(outcome[2], Mapping))
            if not (((type(outcome) is tuple or stays) and len(outcome) == 2) or writing):
                raise ModelDefinitionError(
                    f"model {self.name!r}: {type(node).__name__}.{name} returned "
                    f"{shortened(outcome)}; return (the new record, [messages sent])"
                    + (" or (the new record, [messages sent], {global: new value})"
                       if mark.writes_globals else "")
                    + ", or None where the step is not enabled")
            new_record, sent = outcome[0], outcome[1]
            if writing:
                writes = written(self, f"model {self.name!r}: {type(node).__name__}.{name}",
                                 mark, outcome[2])
            try:
                new_record = self._intern(new_record)
            except TypeError as error:
                raise ModelDefinitionError(
                    f"model {self.name!r}: {type(node).__name__}.{name} returned a record "
                    f"that is not hashable ({error}): {shortened(new_record)}; build records "
                    "of tuples, frozensets, named tuples, ints, strings and None") from None
        if sent is None:
            return None
        sends = []
        for message in sent:
            k = self._kind_index.get(type(message))
            if k is None:
                raise ModelDefinitionError(
                    f"model {self.name!r}: {type(node).__name__}.{name} sent a "
                    f"{type(message).__name__}, which is not in the model's `messages`")
            sends.append((k, self._intern(message)))
        return new_record, tuple(sends), stays, writes

    def _outcome(self, node: Node, name: str, record: Any, inputs: tuple,
                 now: int | None = None, seen: tuple | None = None) -> tuple | None:
        if seen is None:
            return self._outcomes[node, name, record, inputs, now]
        return self._outcomes[node, name, record, inputs, now, seen]

    # -- globals -------------------------------------------------------------------------

    def initial_globals(self) -> Any:
        """The globals in the initial state: the record's defaults."""
        return self.globals()

    def globals_of(self, state: tuple) -> Any:
        """The globals record of `state` (for properties)."""
        return state[self._globals_at]

    def _read_globals(self, names: tuple[str, ...], record: Any) -> tuple:
        """The values of the globals `names` (fields, derived) in `record`."""
        derived = self._derived
        return tuple(derived[name](record) if name in derived else getattr(record, name)
                     for name in names)

    def _write(self, key: tuple) -> Any:
        """The globals record `key[0]` with the writes `key[1]` done, interned."""
        record, writes = key
        values = list(record)
        for index, value in writes:
            values[index] = value
        return self._intern(type(record)._make(values))

    # -- time (see models.kit.clock) ------------------------------------------------------

    def _bind_clock(self) -> None:
        """Bind the declared clock; note each record's timer fields, for
        the urgency of timers."""
        if type(self).clock is None:
            self.clock = None
            return
        declared = type(self).clock
        clocked = [r for r, role in enumerate(self._roles) if role.ids is declared.nodes]
        self.clock = declared.bind(self, sum(len(self._nodes[r]) for r in clocked))
        self._clocked_role = clocked[0] if clocked else None
        self._timers = [(position, self._nodes[r][i], tuple(
            h.timer for h in self._roles[r].handlers().values() if h.timer))
            for (r, i), position in self._slot.items()]

    def _reading(self, clock: Any, node: Node) -> int | None | bool:
        """`node`'s clock reading in clock value `clock` (None: no clock;
        False: paused)."""
        if clock is None:
            return None
        clocked = type(node).ids is self.clock.nodes
        reading = self.clock.reading(clock, node.id if clocked else None)
        return False if reading is None else reading

    def _clock_steps(self, state: tuple) -> list[tuple[Any, tuple]]:
        """The clock's steps from `state`: a tick only when no running node
        has a timer due and no message is due (its receiver running)."""
        clock, net = state[-2], state[-1]
        due = any(
            deadline is not None and reading is not False and reading >= deadline
            for position, node, fields in self._timers if fields
            for reading in (self._reading(clock, node),)
            for deadline in (getattr(state[position], field) for field in fields))
        later = None
        if not due:
            tick = getattr(self.network, "tick", None)  # an undelayed network just waits
            later = net if tick is None else tick(net, partial(self._waits, clock))
        steps = []
        for action, new_clock in self.clock.steps(clock, later is not None):
            new_net = later if isinstance(action, self.clock.Tick) else net
            steps.append((action, state[:-2] + (new_clock, new_net)))
        return steps

    def _waits(self, clock: Any, message: Any) -> bool:
        """Whether `message` may wait past its deadline: its receiver is paused."""
        dst = receiver(message)
        field = end_field(type(message), "dst")
        from models.kit.records import id_type
        return (dst is not None and id_type(type(message), field) is self.clock.nodes
                and clock.paused[dst] > 0)

    # -- crashes and restarts ----------------------------------------------------------

    def _setup_restarts(self, slots: list[tuple[int, int]]) -> None:
        """The crash and restart handlers, node by node: (slot, node, handler
        name, index of its budget in the budgets part, the step's action, what
        it does: "crash", "restart" (of a down node) or "crash-restart" (in
        one step)); the budgets, by parameter."""
        self._budget_names: list[str] = []
        self._restartable: list[tuple[int, Node, str, int, Any, str]] = []
        for r, nodes in enumerate(self._nodes):
            handlers = self._roles[r].handlers()
            crashes = any(h.crash for h in handlers.values())
            for name, handler in handlers.items():
                budget_name = handler.restart or handler.crash
                if budget_name is None:
                    continue
                if budget_name not in self._budget_names:
                    self._budget_names.append(budget_name)
                budget = self._budget_names.index(budget_name)
                kind = ("crash" if handler.crash else "restart" if crashes
                        else "crash-restart")
                self._restartable += [(self._slot[r, node.id], node, name, budget,
                                       self._intern(handler.action(node.id)), kind)
                                      for node in nodes]
        self._restarted = Memo(self._restart_record)
        # the budgets left sit just before the clock (if any) and the network
        self._budgets_at = -3 if type(self).clock is not None else -2

    def _restart_record(self, key: tuple) -> Any:
        node, name, kind, record = key
        if kind == "crash":
            return self._intern(Down(getattr(node, name)(record)))
        return self._intern(getattr(node, name)(record.kept if kind == "restart" else record))

    def _restarts(self, state: tuple, steps: list) -> None:
        """Append each node's crash or restart within a budget left: a crash
        of a node up, a restart of a node down (or, without a crash handler,
        both in one step)."""
        at = len(state) + self._budgets_at
        left = state[at]
        for slot, node, name, budget, action, kind in self._restartable:
            record = state[slot]
            if left[budget] and (type(record) is Down) == (kind == "restart"):
                spent = left[:budget] + (left[budget] - 1,) + left[budget + 1:]
                record = self._restarted[node, name, kind, record]
                steps.append((action, state[:slot] + (record,) + state[slot + 1:at]
                              + (spent,) + state[at + 1:]))

    # -- the Model interface -----------------------------------------------------------

    def initial_states(self) -> list[tuple]:
        records = [self._intern(node.initial()) for nodes in self._nodes for node in nodes
                   if node.state is not None]
        budgets = (tuple(getattr(self, name) for name in self._budget_names),) \
            if self._budget_names else ()
        clock = (self.clock.initial(),) if self.clock is not None else ()
        shared = ()
        if self.globals is not None:
            shared = self.initial_globals()
            if type(shared) is not self.globals:
                raise ModelDefinitionError(
                    f"model {self.name!r}: initial_globals() returned {shortened(shared)}; "
                    f"return a {self.globals.__name__}")
            shared = (self._intern(shared),)
        return [tuple(records) + shared + budgets + clock + (self.network.initial(),)]

    def successors(self, state: tuple) -> list[tuple[Any, tuple]]:
        """Each group's planned steps from `state`, in the order of `next`,
        then the network's faults. (An instance runs the same loop compiled
        by `_compile_successors`.)"""
        self._expanded += 1
        steps: list = []
        for group in self._groups:
            if isinstance(group, _Deliveries):
                group.expand(state, steps)
                continue
            plan = group.plans[group.key(state)]
            if plan:
                (group.expand if group.writes else self.network.expand)(state, plan, steps)
        for action, new_net in self.network.faults(state[-1]):
            steps.append((action, state[:-1] + (new_net,)))
        if self._restartable:
            self._restarts(state, steps)
        if self.clock is not None:
            steps += self._clock_steps(state)
        return steps

    def _bind_message_properties(self) -> None:
        """Each property of messages (`of_messages`) as a predicate of
        states: the state's component holding them, looked up in a table
        of verdicts (one Python call a state, the engine's)."""
        network = self.network
        for name, prop in self.properties.items():
            kind = getattr(getattr(type(self), name), "__kit_messages__", None)
            if kind is None:
                continue
            if prop.kind == "transition":
                raise ModelDefinitionError(f"model {self.name!r}: {name} is a property of "
                                           "steps, not of the messages in a state; remove "
                                           "@of_messages")
            decide = getattr(self, name)
            verdicts = Memo(partial(_of_component, decide, network.select, kind))
            setattr(self, name, update_wrapper(
                _looked_up(verdicts, network.where(self._kind_index[kind])), decide))

    def _compile_successors(self) -> Callable[[tuple], list]:
        """`successors` unrolled into one function for this instance: each
        group's key read straight off the state (``plans1[state[0],
        state[1], state[2], net[0], net[2]]``), with no call per group but
        the plan's expansion. This function runs for every state."""
        env: dict[str, Any] = {"model": self, "expand": self.network.expand,
                               "faults": self.network.faults,
                               "clock_steps": self._clock_steps}
        lines = ["def successors(state):",
                 "    model._expanded += 1",
                 "    net = state[-1]",
                 "    steps = []"]
        for g, group in enumerate(self._groups):
            if isinstance(group, _Deliveries):
                env[f"deliver{g}"] = group.expand
                lines.append(f"    deliver{g}(state, steps)")
                continue
            env[f"plans{g}"], env[f"seen{g}"] = group.plans, group.seen
            expand = "expand"
            if group.writes:  # -- globals: steps that write them (`_Group.expand`)
                expand = env[f"expand{g}"] = group.expand
                expand = f"expand{g}"
            lines += [f"    plan = plans{g}[{group.key_source.replace('seen[', f'seen{g}[')}]",
                      "    if plan:",
                      f"        {expand}(state, plan, steps)"]
        if self.network.fault_actions:
            lines += ["    for action, new_net in faults(net):",
                      "        steps.append((action, state[:-1] + (new_net,)))"]
        if self._restartable:
            env["restarts"] = self._restarts
            lines.append("    restarts(state, steps)")
        if self.clock is not None:
            lines.append("    steps += clock_steps(state)")
        lines.append("    return steps")
        exec("\n".join(lines), env)  # noqa: S102 (source built above from numbers only)
        return env["successors"]

    # -- reading a state (for properties) -------------------------------------------------

    def record(self, state: tuple, role: type[Node], node: int) -> Any:
        """The record of node `node` of `role` (a node class) in `state`."""
        return state[self._where(role).start + node]

    def records(self, state: tuple, role: type[Node]) -> tuple:
        """The records of the nodes of `role` (a node class) in `state`, in node order."""
        return state[self._where(role)]

    def _where(self, role: type[Node]) -> slice:
        """Where the records of `role` lie in a state (properties read them in
        every state: found once per role)."""
        found = self._role_slices.get(role)
        if found is None:
            r = next(r for r, cls in enumerate(self._roles) if issubclass(cls, role))
            slots = [self._slot[r, node.id] for node in self._nodes[r]]
            found = self._role_slices[role] = slice(slots[0], slots[-1] + 1)
        return found

    def sent(self, state: tuple, kind: type) -> Any:
        """The messages of type `kind` in the network of `state`."""
        return self._read(state[-1], self._kind_index[kind])

    def expression_names(self) -> dict[str, Callable[[tuple], Any]]:
        """For a spec's expression invariants, besides ``view`` and
        ``params``: each role's records by its set's name, in node order
        (``acceptors[0].promised``), and ``messages``, the messages in the
        network by type name (``messages["PromiseMsg"]``)."""
        names = super().expression_names()
        for role in self._roles:
            if role.state is not None:
                names[role.ids.set_name] = lambda state, role=role: self.records(state, role)
        names["messages"] = lambda state: {kind.__name__: tuple(self.sent(state, kind))
                                           for kind in self.messages}
        if self.globals is not None:  # each global by its field's name
            at = self._globals_at
            for i, field in enumerate(self.globals._fields):
                names.setdefault(field, lambda state, i=i: state[at][i])
        return names

    def choices(self) -> dict[str, Any]:
        return {**super().choices(), "network": self._network_choice,
                "partition": self._partition_choice}

    def expression_positions(self, sets: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Derived from the field types: each role's records by its set's
        name list its nodes in order, the messages of a type are listed in
        an order their names decide, and fields typed with a set's ids (at
        any depth) or `indexed_by` it name its elements."""
        from models.kit.records import id_sets_of

        found = super().expression_positions(sets)
        kinds = [role.state for role in self._roles if role.state is not None]
        kinds += [self.globals] if self.globals is not None else []
        for kind in kinds + list(self.messages):
            for field, (indexed, named) in id_sets_of(kind).items():
                if indexed in sets:
                    found["indexed"][field] = indexed
                named = [name for name in named if name in sets]
                if named:
                    found["ids"][field] = named[0]
                    if kind in self.messages:
                        found["keyed"].setdefault("messages", {})[kind.__name__] = named[0]
        return found

    def shared_by(self, processes: int) -> None:
        """Memo tables of half the size while several processes run the
        search (`models.kit.memo.share`)."""
        memo.share(processes)

    def run_stats(self) -> dict[str, int]:
        """For reports: `memo_stats`."""
        return self.memo_stats()

    def memo_stats(self) -> dict[str, int]:
        """Look-ups and misses of the memo tables: a group's planned steps
        (one look-up per group per state expanded), a node's planned steps
        (looked up, through `_Group.node_steps`, on a group's miss) and
        handler runs (on a node's miss)."""
        groups = [group for group in self._groups if isinstance(group, _Group)]
        return {"plan_lookups": self._expanded * len(groups),
                "plan_misses": sum(group.plans.misses for group in groups),
                "node_plan_misses": sum(group.node_plans.misses for group in groups),
                "handler_runs": self._outcomes.misses,
                "restarts": sum(group.plans.restarts + group.parts.restarts
                                + group.node_steps.restarts + group.node_plans.restarts
                                + group.handler_plans.restarts
                                for group in groups) + self._outcomes.restarts}

    # -- symmetry, derived -----------------------------------------------------------------

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """Each symmetric set whole, split where a partition tells nodes apart."""
        return {name: self.partition_classes(name, [list(range(self.set_size(name)))])
                for name in self.symmetry_sets}

    def partition_classes(self, set_name: str, groups: list[list[int]]) -> list[list[int]]:
        """`groups` of the set `set_name` split so that swapping two nodes of
        a group leaves the network's partition as it is."""
        partition = getattr(self.network, "partition", None)
        if partition is None:
            return groups
        split: list[list[int]] = []
        for group in groups:
            classes: list[list[int]] = []
            for i in group:
                for members in classes:
                    if partition.keeps(set_name, members[0], i):
                        members.append(i)
                        break
                else:
                    classes.append([i])
            split += classes
        return split

    def permute(self, state: tuple, perm: Mapping[str, Sequence[int]]) -> tuple:
        return self._layout.permute(state, perm)

    def permute_action(self, action: Any, perm: Mapping[str, Sequence[int]]) -> Any:
        return self._layout.permute_action(action, perm)

    def signatures(self, state: tuple) -> dict[str, tuple[int, ...]]:
        return self._layout.signatures(state)

    def stutters(self, state: tuple) -> bool:
        """Whether a handler is enabled in `state` whose steps the kit does
        not generate: one that changes nothing (sends again what a message
        set holds, or leaves its record as it is) or sends into a full bag.
        TLC counts such a step as a successor, so the state is no deadlock."""
        return any(group.enabled(state) for group in self._groups)

    # -- reports ---------------------------------------------------------------------------

    def bound_reason(self, state: tuple) -> str | None:
        """A run of a model with time ends, at the latest, when its clock
        reaches the horizon: a bound, not a deadlock."""
        if self.clock is not None and state[-2].now >= self.clock.horizon:
            return (f"the clock reached its horizon ({self.clock.horizon_param} = "
                    f"{self.clock.horizon} ticks)")
        return None

    def state_view(self, state: tuple) -> dict[str, Any]:
        """Each node's fields as ``a0.max_bal`` (named values by name: ``v0``,
        ``none``), then the network."""
        view: dict[str, Any] = {}
        for (r, i), position in self._slot.items():
            node, record = self._nodes[r][i], state[position]
            if type(record) is Down:
                view[f"{node.name}.down"] = True
                record = record.kept
                if not hasattr(record, "_fields"):  # what survived is not a record
                    view[f"{node.name}.kept"] = jsonable(record)
                    continue
            for field, value in zip(record._fields, record):
                show = shown(type(record), field)
                view[f"{node.name}.{field}"] = jsonable(value) if show is None else show(value)
        if self.globals is not None:  # the globals by field name, as records print them
            shared = state[self._globals_at]
            for field, value in zip(shared._fields, shared):
                show = shown(type(shared), field)
                view[field] = jsonable(value) if show is None else show(value)
        for name, left in zip(self._budget_names,
                              state[self._budgets_at] if self._budget_names else ()):
            view[f"{name}_left"] = left
        if self.clock is not None:
            view.update(self.clock.view(state[-2]))
        view.update(self.network.view(state[-1]))
        return view

    def step_events(self, state: tuple, action: Any, next_state: tuple) -> list:
        """What the step receives and sends, from its handler: a message
        handler receives its message; a step receives the messages it reads
        that name it as their receiver; every message sent goes to its
        receiver, or to every node that takes its type."""
        if type(action) in (Heal, Split):
            return [Note("network", "the partition heals" if type(action) is Heal
                         else "the partition starts again")]
        if type(action) in self.network.fault_actions:
            return [Note("network", f"{type(action).__name__.lower()} {action.message!r}")]
        for _, node, _, _, step_action, kind in self._restartable:
            if action == step_action and type(action) is type(step_action):
                return [Note(node.name, {"crash": "crashes", "restart": "restarts",
                                         "crash-restart": "crashes and restarts"}[kind])]
        if self.clock is not None and type(action) in self.clock.actions:
            # the readings after the step (the chart's row already names the action)
            readings = self.clock.view(next_state[-2])
            return [Note("clock", ", ".join(f"{name} {value}" for name, value in readings.items()))]
        for r, role in enumerate(self._roles):
            for name, handler in role.handlers().items():
                # a whole-message action (Receive(m)) may serve several
                # message types: the handler is the one that takes m's
                if handler.action is type(action) and (
                        not handler.whole or handler.takes is type(action[0])):
                    node = (next(n for n in self._nodes[r] if delivered(action[0], n))
                            if handler.whole else self._nodes[r][action[0]])
                    break
            else:
                continue
            break
        else:
            return []
        slot = self._slot.get((r, node.id))
        record = state[slot] if slot is not None else None
        events: list = []
        if handler.takes is not None:
            n = 1 + handler.message_fields  # the message's fields, then any choice
            message = action[0] if handler.whole else handler.takes(*action[1:n])
            inputs: tuple = (message,) + (tuple(action[n:]) if handler.choose is not None
                                          else ())
            events.append(Received(self._sender(message), node.name, label(message)))
        else:
            network, read = self.network, []
            for kind in handler.reads:
                c = network.where(self._kind_index[kind])
                read.append(network.select(network.for_node(c, state[-1][c], node), kind))
            read = tuple(read)
            inputs = tuple(action[1:]) + read
            for messages in read:
                events += [Received(self._sender(m), node.name, label(m))
                           for m in sorted(messages)
                           if receiver(m) is not None and delivered(m, node)]
        now = self._reading(state[-2], node) if self.clock is not None else None
        seen = (self._read_globals(handler.reads_globals, state[self._globals_at])
                if handler.reads_globals else None)
        outcome = self._outcome(node, name, record, inputs, now, seen)
        for _, message in outcome[1] if outcome else ():
            events += [Sent(node.name, dst, label(message)) for dst in self._receivers(message)]
        return events or [Note(node.name, "")]  # a step on its own, at its node

    def _sender(self, message: Any) -> str:
        field = end_field(type(message), "src")
        return self._node_name(type(message), field, message) or field or "network"

    def _receivers(self, message: Any) -> list[str]:
        field = end_field(type(message), "dst")
        if field is not None:
            return [self._node_name(type(message), field, message) or field]
        return [node.name for r, role in enumerate(self._roles)
                if any(h.takes is type(message) for h in role.handlers().values())
                for node in self._nodes[r]] or ["network"]

    @staticmethod
    def _node_name(kind: type, field: str | None, message: Any) -> str | None:
        from models.kit.records import id_type
        if field is None or field not in kind._fields:
            return None
        ids = id_type(kind, field)
        return f"{ids.prefix}{getattr(message, field) + ids.first}" if ids else str(
            getattr(message, field))
