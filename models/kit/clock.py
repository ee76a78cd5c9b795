"""Time: a bounded logical clock, timers, drifting node clocks, pauses and
message delays.

A model with time declares a clock (``clock = Clock(Candidate, horizon=
"horizon", drift="drift", pause="pause", pauses="pauses")``: each argument
but the first names a parameter of the model) and usually a `Delayed`
network. Time is discrete, in ticks; what a tick is worth is the model's
business.

- The clock's value is a part of the global state (`ClockValue`), placed
  just before the network: the reference time ``now`` (0 up to the
  horizon), and for each node of the role named by the id type (the nodes
  with clocks of their own): its clock's offset from ``now`` (``skew``,
  within ``[-drift, drift]``) and the ticks left of its pause.
- A node's clock reading is ``now + skew``; a node of another role reads
  ``now`` (a server's clock is the reference). Handlers get the reading as
  the keyword ``now`` and read nothing else of the clock, so the kit still
  memoizes them, on (record, input, reading).
- A timer is a field of the node's record holding a deadline on the node's
  own clock (None: not set). ``@on_timer(Action, deadline="field")`` marks
  its handler, which runs when the reading reaches the deadline; setting,
  moving and cancelling a timer is writing that field. Timers are urgent:
  time does not pass while a running node has a timer due, so a timer fires
  exactly at its deadline (other steps due at that instant may come first,
  in any order). The handler must move or clear its deadline.
- `Tick` advances ``now`` by one, up to the horizon. Drift: in a tick a
  node's clock may stand still (``Tick(lagging=c1)``), and between ticks a
  node's clock may jump one tick ahead (`Rush`), each while its offset stays
  within the bound, so clocks never run backwards and never stray more than
  ``drift`` ticks from the reference.
- `Pause` stops a node's world for exactly ``pause`` ticks (within a budget
  of ``pauses`` pauses in all): it takes no step, receives nothing and its
  timers do not fire, while its clock and everyone else's run on. When the
  pause ends its overdue timers are due at once.
- `Delayed` is a bag whose messages carry the ticks left before they must
  be delivered: sent with ``latency`` left, delivered (or lost, within a
  drop budget) at any moment until then, and time does not pass while a
  message is due, unless its receiver is paused (it waits for the pause to
  end) or crashed (it waits for the restart, or is lost). Zero delay is
  allowed: the latency is an upper bound. It may be partitioned as a
  `models.kit.network.Bag` is (``partition=``, or a spec's ``partition:``):
  a message sent over a link that is down is lost, and never due.
- A timer's handler reads and writes globals as any handler does
  (`on_timer`'s ``reads_globals=``, ``writes_globals=``).

Why discrete ticks give the answers of dense time: with every constant an
integer number of ticks and every guard a non-strict comparison of clock
readings with constants (reading >= deadline, age <= latency), integer
times suffice to reach every state and violate every invariant that real
times can (digitization: Henzinger, Manna and Pnueli, "What good are
digital clocks?", ICALP 1992). For the same reason a coarser tick that
still divides every constant gives the same verdicts: dividing all
constants by their common divisor is a change of unit, and the digitized
runs of the scaled model are those of the finer one with the idle ticks
between events removed. It changes counts, not verdicts. A strict guard
("the first tick past a deadline", as a lease's expiry) is the exception
that moves by the tick itself: it fires one tick after the deadline, so its
time differs by less than the coarser tick (the lease model's tests pin the
same counterexample at two tick sizes, and that difference).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, NamedTuple, Optional

from checker.symmetry import order_key
from models.kit.handlers import Down, Handler, Node, _names
from models.kit.network import (Drop, Heal, Network, Split, delivered, partition_of,
                                receiver)
from models.kit.records import end_field, id_type, structured


class ClockValue(NamedTuple):
    """The clock's part of the global state."""

    now: int
    skew: tuple[int, ...]      # per clocked node: its reading minus now
    paused: tuple[int, ...]    # per clocked node: ticks of pause left (0: running)
    pauses_left: int


def on_timer(action: type, deadline: str, reads_globals: tuple[str, ...] | str = (),
             writes_globals: tuple[str, ...] | str = ()) -> Callable:
    """Mark the handler of the timer whose deadline is the record's field
    `deadline`: it runs when the node's clock reads at least that (the
    action is `action` of the node alone). It may read and write globals
    as `models.kit.handlers.on` does (each read given as the keyword of its
    name, from the state the timer fires in; what it writes returned after
    its messages, in the same step): an election timer that reads who
    holds a lease. Whether the timer is due reads only its deadline: a
    due timer whose handler is not enabled (a guard on a global) holds
    time back as any due timer does, until another step moves it."""
    def mark(function: Callable) -> Callable:
        function.__kit_handler__ = Handler(action, timer=deadline,
                                           reads_globals=_names(reads_globals),
                                           writes_globals=_names(writes_globals))
        return function
    return mark


#: nodes' id type -> its clock's action types (`clock_actions`)
_ACTIONS: dict[type, tuple[type, type, type]] = {}


def clock_actions(nodes: type) -> tuple[type, type, type]:
    """The types of the clock's actions (`Tick`, `Rush`, `Pause`) for nodes
    of id type `nodes`: one set of types per id type, each a name of this
    module (``Tick[servers]``), so that they pickle (a checkpoint counts
    steps by action type) and an action unpickled where the model was made
    is of the type the model made."""
    made = _ACTIONS.get(nodes)
    if made is None:
        made = _ACTIONS[nodes] = (
            NamedTuple("Tick", [("now", int), ("lagging", Optional[nodes])]),
            NamedTuple("Rush", [("node", nodes)]),
            NamedTuple("Pause", [("node", nodes)]))
        docs = ("Time passes one tick (reaching `now`); the clock of node `lagging`, "
                "if any, stands still.", "`node`'s clock jumps one tick ahead.",
                "`node` stops the world for the pause length.")
        suffix = getattr(nodes, "set_name", nodes.__name__)
        for kind, doc in zip(made, docs):
            kind.__doc__ = doc
            name = f"{kind.__name__}[{suffix}]"
            while name in globals():  # another id type of that name
                name += "'"
            kind.__qualname__ = name
            globals()[name] = kind
    return made


class Clock:
    """The clock a model declares: `nodes` is the id type of the role whose
    nodes have clocks of their own (they drift and pause); the other
    arguments name the model's parameters (None: no drift, no pauses)."""

    def __init__(self, nodes: type, horizon: str, drift: str | None = None,
                 pause: str | None = None, pauses: str | None = None):
        self.nodes, self.horizon_param = nodes, horizon
        self.drift_param, self.pause_param, self.pauses_param = drift, pause, pauses
        self.actions = self.Tick, self.Rush, self.Pause = clock_actions(nodes)

    def bind(self, model: Any, count: int) -> "Clock":
        """The clock of one model instance with `count` clocked nodes."""
        bound = type(self).__new__(type(self))
        bound.__dict__.update(self.__dict__)
        bound.count = count
        bound.horizon = getattr(model, self.horizon_param)
        bound.drift = getattr(model, self.drift_param) if self.drift_param else 0
        bound.pause = getattr(model, self.pause_param) if self.pause_param else 0
        bound.pauses = getattr(model, self.pauses_param) if self.pauses_param else 0
        return bound

    def initial(self) -> ClockValue:
        return ClockValue(0, (0,) * self.count, (0,) * self.count,
                          self.pauses if self.pause else 0)

    def reading(self, value: ClockValue, node: int | None) -> int | None:
        """Node `node`'s clock reading (None for a node without a clock of
        its own: it reads `now`), or None while it is paused."""
        if node is None:
            return value.now
        return None if value.paused[node] else value.now + value.skew[node]

    def steps(self, value: ClockValue, may_tick: bool) -> list[tuple[Any, ClockValue]]:
        """The clock's own steps: ticks (when `may_tick`: nothing is due),
        a clock rushing ahead, a pause starting."""
        now, skew, paused, pauses_left = value
        steps: list = []
        if may_tick and now < self.horizon:
            resumed = tuple(max(left - 1, 0) for left in paused)
            steps.append((self.Tick(now + 1, None), ClockValue(now + 1, skew, resumed,
                                                               pauses_left)))
            for i in range(self.count):
                if skew[i] > -self.drift:
                    lagging = skew[:i] + (skew[i] - 1,) + skew[i + 1:]
                    steps.append((self.Tick(now + 1, i),
                                  ClockValue(now + 1, lagging, resumed, pauses_left)))
        for i in range(self.count):
            if skew[i] < self.drift:
                ahead = skew[:i] + (skew[i] + 1,) + skew[i + 1:]
                steps.append((self.Rush(i), ClockValue(now, ahead, paused, pauses_left)))
        if pauses_left:
            for i in range(self.count):
                if not paused[i]:
                    stopped = paused[:i] + (self.pause,) + paused[i + 1:]
                    steps.append((self.Pause(i), ClockValue(now, skew, stopped,
                                                            pauses_left - 1)))
        return steps

    def rename(self, value: ClockValue, images: dict[str, tuple[int, ...]]) -> ClockValue:
        """`value` with the clocked nodes renamed (their parts move with them)."""
        image = images.get(self.nodes.set_name)
        if image is None:
            return value
        skew, paused = [0] * self.count, [0] * self.count
        for i in range(self.count):
            skew[image[i]], paused[image[i]] = value.skew[i], value.paused[i]
        return ClockValue(value.now, tuple(skew), tuple(paused), value.pauses_left)

    def view(self, value: ClockValue) -> dict[str, Any]:
        """``now``, each clocked node's reading (and pause), the pauses left."""
        shown: dict[str, Any] = {"now": value.now}
        for i in range(self.count):
            reading = f"{value.now + value.skew[i]}"
            if value.paused[i]:
                reading += f" (paused, {value.paused[i]} left)"
            shown[f"{self.nodes.prefix}{i}.clock"] = reading
        if self.pause:
            shown["pauses_left"] = value.pauses_left
        return shown

    def values(self, value: ClockValue) -> dict[str, Any]:
        """`view` with each reading a number; where the clock may pause, an
        object: ``{"reading": 3, "paused_left": 1}``."""
        shown: dict[str, Any] = {"now": value.now}
        for i in range(self.count):
            reading = value.now + value.skew[i]
            shown[f"{self.nodes.prefix}{i}.clock"] = (
                {"reading": reading, "paused_left": value.paused[i]} if self.pause else reading)
        if self.pause:
            shown["pauses_left"] = value.pauses_left
        return shown


class Delayed(Network):
    """A bag whose messages must be delivered within ``latency`` ticks (the
    model's parameter `latency`), optionally lossy (`drop` names the budget
    parameter). A component per message type: a sorted tuple of (message,
    ticks left) entries, one per copy; then the drops left.

    Receiving or dropping takes the copy with the fewest ticks left: copies
    differ only in their deadlines, and the one that leaves the others the
    most slack allows every behaviour the others would (so nothing is lost
    by not branching on it).

    Time does not pass while a message is due (no ticks left), unless its
    receiver runs nothing: paused, or crashed (down until it restarts). Such
    a message holds no tick back, as such a node's timer does not; it waits
    for the receiver, or the network loses it.

    ``partition`` as `models.kit.network.Bag`'s: a model attribute holding
    the links that go down (a `Partition`, or the node numbers cut off at
    the start), ``True`` for a spec's only. A message sent over a link that
    is down is lost (it is never due, so it holds no tick back); one in
    flight when the links go down is delivered as any other. `Heal` and
    `Split` are the network's steps, as a bag's; the last part of the value
    is then (drops left, whether the links are down, splits left), not the
    drops left alone."""

    messages_key = "network"

    fault_actions = (Drop,)

    def __init__(self, latency: str, drop: str | None = None,
                 partition: str | bool | None = None):
        self.latency_param, self.drop_param = latency, drop
        self.partition_param = partition
        if partition:  # (the instance keeps the steps its partition takes: `setup`)
            self.fault_actions = (Drop, Heal, Split)

    def setup(self, model: Any) -> None:
        self.latency = getattr(model, self.latency_param)
        self.drops = getattr(model, self.drop_param) if self.drop_param else 0
        self.partition = partition_of(self, model) if self.partition_param else None
        self.fault_actions = tuple(kind for kind in self.fault_actions
                                   if kind not in (Heal, Split)) + (
            self.partition.steps if self.partition is not None else ())
        self._switch_off([(Drop, self.drops)])

    def initial(self) -> tuple:
        if self.partition is not None:
            return ((),) * len(self.kinds) + ((self.drops, self.partition.from_start,
                                                self.partition.splits),)
        return ((),) * len(self.kinds) + (self.drops,)

    def _drops(self, value: tuple) -> int:
        """The drops left in `value`."""
        return value[-1][0] if self.partition is not None else value[-1]

    def partitioned(self, value: tuple) -> bool:
        """Whether the partition's links are down in `value`."""
        return self.partition is not None and value[-1][1]

    def lost(self, value: tuple, message: Any) -> bool:
        """Whether `message` is sent over a link that is down in `value` (and lost)."""
        if not self.partitioned(value):
            return False
        src, src_set, dst, dst_set = self._ends[type(message)]
        return (src_set, message[src], dst_set, message[dst]) in self._down

    def parts(self, value: tuple) -> tuple:
        return value[:-1]

    def for_node(self, c: int, component: tuple, node: Any) -> tuple:
        return tuple(entry for entry in component if delivered(entry[0], node))

    def deliverable(self, component: tuple, kind: type) -> list[Any]:
        return sorted({m for m, _ in component}, key=order_key)

    def select(self, component: tuple, kind: type) -> frozenset:
        return frozenset(m for m, _ in component)

    def receive(self, value: tuple, k: int, message: Any) -> tuple:
        component = list(value[k])
        component.remove(min((e for e in component if e[0] == message), key=lambda e: e[1]))
        return value[:k] + (tuple(component),) + value[k + 1:]

    def send(self, value: tuple, sends: tuple[tuple[int, Any], ...]) -> tuple:
        for k, message in sends:
            if self.partition is not None and self.lost(value, message):
                continue  # across the partition
            entries = value[k] + ((message, self.latency),)
            value = value[:k] + (tuple(sorted(entries, key=order_key)),) + value[k + 1:]
        return value

    def tick(self, value: tuple, waits: Callable[[Any], bool]) -> tuple | None:
        """`value` one tick later, or None if a message is due and it may
        not wait (`waits(message)`: its receiver is paused or down)."""
        components = []
        for component in value[:-1]:
            entries = []
            for message, left in component:
                if left == 0 and not waits(message):
                    return None
                entries.append((message, max(left - 1, 0)))
            components.append(tuple(sorted(entries, key=order_key)))
        return tuple(components) + value[-1:]

    def faults(self, value: tuple) -> list[tuple[Any, tuple]]:
        drops = self._drops(value)
        left = (drops - 1,) + value[-1][1:] if self.partition is not None else drops - 1
        steps = [] if not drops else [
            (Drop(message), self.receive(value, k, message)[:-1] + (left,))
            for k in range(len(self.kinds))
            for message in self.deliverable(value[k], self.kinds[k])]
        if self.partition is None:
            return steps
        # `Heal` while the links are down (unless they stay down), `Split`
        # while they are up and a split is left
        drops, down, splits = value[-1]
        if down and self.partition.heals:
            steps.append((Heal(), value[:-1] + ((drops, False, splits),)))
        elif not down and splits:
            steps.append((Split(), value[:-1] + ((drops, True, splits - 1),)))
        return steps

    def read(self, value: tuple, k: int) -> list[Any]:
        return [m for m, _ in value[k]]

    def rename(self, value: tuple, component: Callable[[Any], Any]) -> tuple:
        return tuple(map(component, enumerate(value[:-1]))) + value[-1:]

    def rename_component(self, component: tuple, message: Callable[[Any], Any]) -> tuple:
        return tuple(sorted(((message(m), left) for m, left in component), key=order_key))

    def occurrences(self, component: tuple) -> Any:
        return iter(component)

    def view(self, value: tuple) -> dict[str, Any]:
        shown = sorted(f"{m!r} (due in {left})" for component in value[:-1]
                       for m, left in component)
        return {"network": shown, **self._left({Drop: ("drops_left", self._drops(value))}),
                **self._partition_shown(value)}

    def _partition_shown(self, value: tuple) -> dict[str, Any]:
        """The partition's part of a view, as a bag's: down or up, the splits left."""
        if self.partition is None:
            return {}
        return {"partition": "down" if value[-1][1] else "up", "splits_left": value[-1][2]}

    def values(self, value: tuple) -> dict[str, Any]:
        """`view` with each message structured (`structured`), beside its
        ticks left: ``{"message": {"_type": "Grant", ...}, "due_in": 1}``."""
        entries = sorted((((repr(m), left), m) for component in value[:-1]
                          for m, left in component), key=lambda entry: entry[0])
        shown = [{"message": structured(m), "due_in": left} for (_, left), m in entries]
        return {"network": shown, **self._left({Drop: ("drops_left", self._drops(value))}),
                **self._partition_shown(value)}


# -- a model's side of time ------------------------------------------------------------


class Timed:
    """`ActorModel`'s side of time: the declared clock bound, each node's
    reading, and the clock's steps from a state."""

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
        self._role_of = {role.ids: r for r, role in enumerate(self._roles)}  # by id type

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
        has a timer due and no message is due to a running receiver (one
        paused or crashed runs nothing, and holds no tick back)."""
        clock, net = state[-2], state[-1]
        due = any(
            deadline is not None and reading is not False and reading >= deadline
            for position, node, fields in self._timers
            if fields and type(state[position]) is not Down  # (a crashed node runs nothing)
            for reading in (self._reading(clock, node),)
            for deadline in (getattr(state[position], field) for field in fields))
        later = None
        if not due:
            tick = getattr(self.network, "tick", None)  # an undelayed network just waits
            later = net if tick is None else tick(net, partial(self._waits, state))
        steps = []
        for action, new_clock in self.clock.steps(clock, later is not None):
            new_net = later if isinstance(action, self.clock.Tick) else net
            steps.append((action, state[:-2] + (new_clock, new_net)))
        return steps

    def _waits(self, state: tuple, message: Any) -> bool:
        """Whether `message` may wait past its deadline in `state`: its
        receiver is paused, or crashed (down until it restarts, when the
        message is still there to take, unless the network lost it), as a
        timer of such a node is not due."""
        dst = receiver(message)
        if dst is None:
            return False
        kind = id_type(type(message), end_field(type(message), "dst"))
        if kind is self.clock.nodes and state[-2].paused[dst] > 0:
            return True
        slot = self._slot.get((self._role_of.get(kind), dst))
        return slot is not None and type(state[slot]) is Down
