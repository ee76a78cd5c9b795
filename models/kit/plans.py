"""The steps of the model's groups of handlers, planned once per input.

`ActorModel.successors` asks each group of the model's ``next`` for its
steps in a state. A `Group` plans them from the group's view of the state
and remembers the plan, at four levels (the group's, a node's, a node's
handlers', a handler run's), since each input recurs in many states; a
`Deliveries` does the same message by message, for a bag that delivers so
(``per_message``).
"""

from __future__ import annotations

from functools import partial
from itertools import repeat
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple, Sequence

from checker.errors import shortened
from models.kit.handlers import Down, Handler, Node
from models.kit.memo import Memo, handler_of
from models.kit.network import receiver_field

if TYPE_CHECKING:
    from models.kit.model import ActorModel


class WithoutRecord(NamedTuple):
    """A step that writes globals, of a node without a record (`Group.expand`)."""

    action: Any
    received: Any
    sends: tuple


class Group:
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
        self.handler_plans = Memo(self._handler_plan, differs=lambda key, first, second: (
            model._differs(key[0], key[1], key[2], _steps_text(first), _steps_text(second))),
            checked_by=handler_of)
        # (a step of a node without a record, new globals) -> the step compiled
        # as one changing the globals as its record (`expand`)
        self.globals_steps = Memo(self._globals_step)
        # each handler with the positions in the view of the components it
        # takes or reads, in its order (the key of `handler_plans`)
        self.inputs_at = [(n, tuple(self.view.index(where(kinds.index(kind))) for kind in (
            ((self.marks[n].takes,) if self.marks[n].takes is not None else ())
            + self.marks[n].reads)))
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
            elif type(forced) is tuple:
                expand(state[:at] + (new,) + state[at + 1:], forced, out)
            else:  # of a node without a record: the globals are the record it changes
                expand(state, self.globals_steps[forced, new], out)

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
        record: the globals change; for a node without a record, the step as
        a `WithoutRecord`, compiled in `expand` as one that changes the
        globals record)."""
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
            forced = (network.compile([(action, slot, new_record, True, received, sends)])
                      if slot is not None else WithoutRecord(action, received, sends))
            segments.append((network.compile([step[:6]]), writes, forced))
        if batch:
            segments.append((network.compile(batch), None, None))
        return tuple(segments)

    def _globals_step(self, key: tuple) -> tuple:
        """Step `key[0]` of a node without a record, compiled as one that
        changes the globals record into `key[1]`."""
        (action, received, sends), new = key
        return self.model.network.compile([(action, self.model._globals_at, new, True,
                                            received, sends)])

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
        changes nothing included (`node_steps` leaves those out), not one
        that a waiting bag has no room for (`Network.refuses`)."""
        clock = state[-2] if self.model.clock is not None else None
        seen = self.seen[state[self.model._globals_at]] if self.seen is not None else None
        net, refuses = state[-1], self.model.network.refuses
        for node, record, mine in self._inputs((state[slot] for slot in self.slots),
                                               tuple(net[k] for k in self.view)):
            reading = self.model._reading(clock, node)
            if reading is not False and any(
                    not refuses(net, received, sends) for _, _, received, sends, _ in
                    self.node_plans[node, record, self._own(node, mine), reading, seen]):
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
            stays = model.network.stays  # (a message received that stays: `Network.stays`)
            read = tuple(model.network.select(component, kind)  # (`on`'s `reads`)
                         for kind, component in zip(handler.reads, components[1:]))
            for message in model.network.deliverable(components[0], handler.takes):
                if handler.choose is not None:  # -- once per choice (`on`'s `choose`)
                    for chosen in model._each_choice(handler, name, node, record, message,
                                                     mine):
                        outcome = model._outcome(node, name, record,
                                                 (message,) + chosen + read, now, mine)
                        if outcome is not None:
                            action = model._intern(handler.action(node.id, *message, *chosen))
                            planned.append((action, outcome[0],
                                            stays(k, message) if outcome[2] else (k, message),
                                            outcome[1], outcome[3]))
                    continue
                outcome = model._outcome(node, name, record, (message,) + read, now, mine)
                if outcome is not None:
                    # (a whole-message action is not interned: Receive(m) of two
                    # message types with equal fields are equal tuples)
                    action = (handler.action(message) if handler.whole
                              else model._intern(handler.action(node.id, *message)))
                    planned.append((action, outcome[0],
                                    stays(k, message) if outcome[2] else (k, message),
                                    outcome[1], outcome[3]))
        else:
            read = tuple(model.network.select(component, kind)
                         for kind, component in zip(handler.reads, components or ()))
            for chosen in model._each_choice(handler, name, node, record, None, mine):
                outcome = model._outcome(node, name, record, chosen + read, now, mine)
                if outcome is not None:
                    action = model._intern(handler.action(node.id, *chosen))
                    planned.append((action, outcome[0], None, outcome[1], outcome[3]))
        return tuple(planned)


class Deliveries:
    """A group of message handlers on a network that delivers message by
    message (`Bag` with ``per_message``): for each message of the types it
    takes, in the network's order, its receipt by the node it is for (each
    node that takes it, if it names none; none that is down, or whose clock
    is paused), then the network's faults on it, as raft.tla's Next lists
    ``Receive(m)``, ``DuplicateMessage(m)`` and ``DropMessage(m)``. The
    faults of a type come with the receipts of the first such group taking
    it (`faulted`, set by the model), those of a type no such group takes
    with the network's other faults (`Bag.faults`): each once. A receipt is
    remembered per (receivers' records, message, clock, the values of the
    globals its handlers read), what the network offers (messages, their
    faults) per network value. A type two handlers take is received by
    either (each receiver's handlers in definition order).

    A receipt that writes globals is one atomic step, as any handler's:
    the receiver's new record, the message taken, those sent and the
    globals written, all from the state it steps from. A receiver without a
    record (``state = None``) takes its messages as well, its writes to the
    globals its only change besides the network's."""

    def __init__(self, model: "ActorModel", role: int, names: Sequence[str]):
        self.model = model
        network = model.network
        marks = model._roles[role].handlers()
        nodes = model._nodes[role]
        # per type index, its handlers, in definition order (a message of a
        # type two handlers take is received by either)
        takers: dict[int, list[tuple[str, Handler]]] = {}
        for name in names:
            takers.setdefault(model._kind_index[marks[name].takes], []).append(
                (name, marks[name]))
        # per type index: a memo of receipts, the slot of each receiver, and
        # the values of the globals the type's handlers read, per globals
        # record (None where they read none)
        self.kinds = []
        for k, kind in enumerate(model.messages):
            taking = takers.get(k)
            if taking is None:
                self.kinds.append((k, None, None, None))
                continue
            # a receiver of the role's own set receives it alone (see `delivered`)
            place = receiver_field(kind)
            dst = place[0] if place is not None and place[1] in (
                None, model._roles[role].ids.set_name) else None
            slots = {node.id: model._slot.get((role, node.id)) for node in nodes}
            reads = tuple(dict.fromkeys(g for _, mark in taking for g in mark.reads_globals))
            seen = Memo(partial(model._read_globals, reads)) if reads else None
            self.kinds.append((k, Memo(self._receipt_of(taking, reads, nodes, dst, slots)),
                               (dst, slots), seen))
        self.ordered = [Memo(lambda component: tuple(network.deliverable(component, None)))
                        for _ in model.messages]
        self.deliveries = Memo(self._deliveries)
        #: the types it takes, and those whose faults come with its receipts
        self.taken = {k for k, receipts, _, _ in self.kinds if receipts is not None}
        #: whether its receivers keep no record (their key's records are then ())
        self.stateless = model._roles[role].state is None
        self.faulted: frozenset[int] = frozenset()

    def _receipt_of(self, takers: list, reads: tuple, nodes: list, dst: int | None,
                    slots: dict) -> Callable:
        """The receipts of a message by `takers`, the handlers (name, mark)
        of its type, reading the globals `reads` among them."""
        model = self.model
        # each handler with the positions among `reads` of the globals it reads
        handlers = [(name, mark, tuple(reads.index(g) for g in mark.reads_globals))
                    for name, mark in takers]

        def receipts(key: tuple) -> tuple:
            """For (records of the receivers, () for receivers without one,
            message, clock, and the values of the globals `reads` if any):
            each receipt as (action, slot, new record, whether it changed,
            whether the message stays, messages sent, the function building
            the next state from the new record and network
            (`Network.builders`), the globals written as (field index,
            value) pairs or None), node by node, each node's handlers in
            definition order."""
            records, message, clock = key[:3]
            values = key[3] if len(key) > 3 else None
            found = []
            for node, record in zip(nodes if dst is None else [nodes[message[dst]]],
                                    records or repeat(None)):
                if type(record) is Down:
                    continue  # a crashed node takes no step until it restarts
                now = model._reading(clock, node)  # (handlers of a model with time take it)
                if now is False:
                    continue  # paused: the node does nothing
                slot = slots[node.id]
                for name, handler, at in handlers:
                    seen = tuple([values[i] for i in at]) if at else None
                    for chosen in model._each_choice(handler, name, node, record, message,
                                                     seen):  # ((): no choice, `on`'s `choose`)
                        outcome = model._outcome(node, name, record, (message,) + chosen, now,
                                                 seen)
                        if outcome is None:
                            continue
                        if handler.choose is not None:
                            action = model._intern(handler.action(node.id, *message, *chosen))
                        else:  # (see `_node_plan`)
                            action = (handler.action(message) if handler.whole
                                      else model._intern(handler.action(node.id, *message)))
                        changed = outcome[0] != record
                        found.append((action, slot, outcome[0], changed, outcome[2],
                                      outcome[1], model.network.builders[slot, None]
                                      if changed else None, outcome[3] or None))
            return tuple(found)
        return receipts

    def _deliveries(self, net: tuple) -> tuple:
        """What network value `net` offers, remembered per value (a
        network value recurs with many records): its size, and each
        message of a type the group takes, in the network's order, as
        (message, memo of its receipts, its receivers' slots, the network
        once it is received, the duplicate step or None, the drop step or
        None: a type's faults only where they come with the group's
        receipts, `faulted`; then the memo of the values of the globals
        its handler reads, or None)."""
        network = self.model.network
        drops, duplicates = net[-1][:2]
        capacity = network.capacity
        size = 0 if capacity is None else network.size(net)
        room = capacity is None or size < capacity
        found = []
        for k, receipts, where, seen in self.kinds:
            component = net[k]
            if not component or receipts is None:
                continue
            dst, slots = where
            for message in self.ordered[k][component]:
                # (receivers without a record: none to read, `receipts`)
                receivers = () if self.stateless else (
                    (slots[message[dst]],) if dst is not None else tuple(slots.values()))
                received = network.receive(net, k, message)
                duplicate = drop = None
                faulted = k in self.faulted
                if faulted and room and (duplicates is None or duplicates):
                    after = network.send(net, ((k, message),))
                    if duplicates is not None:
                        after = after[:-1] + ((drops, duplicates - 1) + net[-1][2:],)
                    duplicate = (network.duplicate_action(message), after)
                if faulted and (drops is None or drops):
                    after = received
                    if drops is not None:
                        after = after[:-1] + ((drops - 1, duplicates) + net[-1][2:],)
                    drop = (network.drop_action(message), after)
                found.append((message, receipts, receivers, received, duplicate, drop, seen))
        return size, tuple(found)

    def enabled(self, state: tuple) -> bool:
        """Whether a message's receipt is enabled in `state`, one that changes
        nothing or sends into a full bag that is a constraint included
        (`expand` leaves those out), not one a waiting bag has no room for
        (`Network.refuses`), as `Group.enabled`."""
        net = state[-1]
        clock = state[-2] if self.model.clock is not None else None
        refuses = self.model.network.refuses
        shared = state[self.model._globals_at] if self.model.globals is not None else None
        return any(any(
            not refuses(net, None if stays else message, sends)
            for _, _, _, _, stays, sends, _, _ in receipts[
                (tuple(map(state.__getitem__, receivers)), message, clock) if seen is None
                else (tuple(map(state.__getitem__, receivers)), message, clock, seen[shared])])
            for message, receipts, receivers, _, _, _, seen in self.deliveries[net][1])

    def expand(self, state: tuple, out: list) -> None:
        net = state[-1]
        size, deliveries = self.deliveries[net]
        if not deliveries:
            return
        model = self.model
        network = model.network
        capacity = network.capacity
        clock = state[-2] if model.clock is not None else None
        at = model._globals_at
        shared = state[at] if at is not None else None
        rest = state[:-1]
        for message, receipts, receivers, received, duplicate, drop, seen in deliveries:
            records = tuple(map(state.__getitem__, receivers))
            for action, slot, new_record, changed, stays, sends, build, writes in receipts[
                    (records, message, clock) if seen is None
                    else (records, message, clock, seen[shared])]:
                new_net = net if stays else received
                # the globals it writes, from those of the state it steps from
                wrote = writes is not None and model._written[shared, writes] != shared
                if sends:
                    if (capacity is not None and (network.waits or not (changed or wrote))
                            and size - (not stays) + network.kept(new_net, sends) > capacity):
                        continue  # into a full bag (see `Bag`)
                    new_net = network.send(new_net, sends)
                if wrote:
                    after = build(state, new_net, new_record, None) if changed \
                        else rest + (new_net,)
                    out.append((action, after[:at] + (model._written[shared, writes],)
                                + after[at + 1:]))
                elif changed:
                    out.append((action, build(state, new_net, new_record, None)))
                elif new_net != net:
                    out.append((action, rest + (new_net,)))
            if duplicate is not None:
                out.append((duplicate[0], rest + (duplicate[1],)))
            if drop is not None:
                out.append((drop[0], rest + (drop[1],)))


def _steps_text(plan: tuple) -> str:
    """The steps of a handler's plan (`Group._handler_plan`), by action."""
    return shortened([step[0] for step in plan])

