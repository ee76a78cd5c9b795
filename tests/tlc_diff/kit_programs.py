"""Random small kit programs, for differential testing of the model kit
(`models/kit/`) against TLC.

`program(seed)` draws a small message-passing program: one or two roles
(``P``, ``Q``) of 2 or 3 nodes in all, each node's record of 1 to 3 small
int or bool fields; 2 to 4 message types, each from one role to one role,
with a small int or bool payload or none; a handler per message type
(a guard over the record, the message's payload and sender, an update of
the record, 0 to 2 sends: a reply, to the next node, to all others); one
or two internal steps (a timer's firing, in the model's words: a guard
over the record); a network among the kit's (a bag with drop and duplicate
budgets and a capacity, a message set, FIFO links or inboxes, each queue
lossy or not); sometimes crashes of one role (a crash and restart in one
step, crash-stop, or a crash and a later restart, their budgets one or
two, each forgetting some fields); a state constraint (a bound on the
messages queued, a condition on records); 1 to 3 invariants over records,
crashed nodes and messages in flight, some violated; sometimes the
deadlock check. From seed 1000 (`PARTITIONS`) the spec chooses the
network on half the seeds (``network: {kind: fifo, drop: 1}``, the model
declaring a bag and `network_choices`), and a bag may be partitioned: one
group of nodes cut off from the others, from the start or not, healing
or not, splitting again within a budget (the model's `Partition` on odd
seeds, else the spec's ``partition:``). From seed 2000 (`CLOCKS`) the
model has a clock (``Clock(P, horizon=...)``, no drift, no pauses) and
every P node a timer (`Clocked`): a deadline field its ``on_timer``
handler moves or clears, which some message handlers reset.

It is rendered two ways:

- `tla_module` and `tla_config`: a TLA+ module written from the kit's
  documented semantics (docs/writing-a-model.md, the docstrings of
  `models/kit/network.py`, `handlers.py` and `model.py`), not from its
  code, and one configuration per check (`checks`), for `run_tlc_kit.py`;
- `cmc_model` and `cmc_spec`: a kit model (`ActorModel`) in a file of its
  own and a spec naming it, as a user writes them: the invariants as the
  model's decorated methods on odd seeds, else the spec's expressions; the
  constraint as `within_bounds` on every third seed, else the spec's.

What the TLA+ says of the kit, each point from its documentation:

- a node's handler reads its own record and the message, and returns the
  new record and the messages it sends (computed from the record before
  the step), or is not enabled; a message handler takes a message for its
  node (``dst``) that the network can deliver now;
- `Bag`: messages with copies; receiving removes one copy, a message at
  no copies is gone; `Drop` loses one copy and `Duplicate` adds one, each
  within its budget; with a capacity, a step (a copy included) that would
  leave more copies in flight than the capacity is not enabled (a message
  lost takes no room); a message sent over a link that a partition has
  down is lost, and so is a copy `Duplicate` makes of one whose link is
  down; `Heal` brings the links up, `Split` takes them down again within
  its budget;
- `MessageSet`: every message sent; receiving removes nothing;
- `Fifo`: a queue per link (sender, receiver); a node receives the oldest
  message of each link into it; `Drop` loses the oldest of a queue;
- `Inbox`: a queue per receiver shared by its senders; the same;
- two messages sent in one step join a queue in the order sent;
- `on_restart` alone: the node crashes and comes back in one step, with
  the record its handler returns; `on_crash`: the node is down, its record
  what the handler says survives, taking no step while its messages wait;
  `on_restart` with it: a down node comes back with the record returned;
  each budget bounds such steps of all nodes together (one budget when the
  two handlers name the same parameter);
- the clock: ``Tick`` moves ``now`` on by one up to the horizon, while no
  running node has a timer due (a crashed one runs nothing); a timer's
  handler runs when ``now`` reaches its deadline; every handler reads
  ``now``;
- a step that changes nothing is not generated (so TLC's Next carries
  ``vars' # vars``, which changes no state, depth or verdict, only the
  generated count), but a state where one is enabled is no deadlock, as
  in TLC (docs/tlc.md: the deadlock check runs on ``Step``, Next without
  it), nor is a state where the clock has reached its horizon, the bound
  of a model with time (README, *Deadlock*: the model names the bound that
  ran out).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MODULE = "Prog"  # the name run_tlc.run_check runs
#: the first seed whose programs may have a partition and the spec's network
PARTITIONS = 1000
#: the first seed whose programs have a clock and a timer (on role P)
CLOCKS = 2000

#: the roles' names: (record class prefix, set name, node prefix)
ROLES = (("P", "ps", "p"), ("Q", "qs", "q"))


# -- expressions -------------------------------------------------------------------------
# Over the node's record ``s``, the message ``m`` it receives, its own id,
# and in invariants any node's record, its being down and the network.


@dataclass(frozen=True)
class F:
    """A field of the node's record."""

    name: str


@dataclass(frozen=True)
class V:
    """The received message's payload."""


@dataclass(frozen=True)
class Src:
    """The received message's sender."""


@dataclass(frozen=True)
class Me:
    """The node's own id."""


@dataclass(frozen=True)
class C:
    value: int | bool


@dataclass(frozen=True)
class Mod:
    """``(e + add) % size``."""

    expr: object
    size: int
    add: int = 0


@dataclass(frozen=True)
class Cmp:
    op: str  # "=", "#", "<"
    left: object
    right: object


@dataclass(frozen=True)
class Not:
    part: object


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Rec:
    """Field `field` of node `node` of role `role` (an invariant's or a constraint's)."""

    role: int
    node: int
    field: str


@dataclass(frozen=True)
class IsDown:
    role: int
    node: int


@dataclass(frozen=True)
class InFlight:
    """Some message of type `kind` (with payload `value`, unless None) is in
    the network."""

    kind: str
    value: int | bool | None


@dataclass(frozen=True)
class Queued:
    """The messages queued, all queues together (FIFO links, inboxes),
    at most `bound`."""

    bound: int


def tla(e, s: str = "s") -> str:
    """`e` in TLA+, the node's record named `s`."""
    if isinstance(e, F):
        return f"{s}.{e.name}"
    if isinstance(e, V):
        return "m.v"
    if isinstance(e, Src):
        return "m.frm"
    if isinstance(e, Me):
        return "i"
    if isinstance(e, C):
        return ("TRUE" if e.value else "FALSE") if isinstance(e.value, bool) else str(e.value)
    if isinstance(e, Mod):
        inner = tla(e.expr, s) if not e.add else f"{tla(e.expr, s)} + {e.add}"
        return f"(({inner}) % {e.size})"
    if isinstance(e, Cmp):
        return f"({tla(e.left, s)} {e.op} {tla(e.right, s)})"
    if isinstance(e, Not):
        return f"~{tla(e.part, s)}"
    if isinstance(e, And):
        return "(" + " /\\ ".join(tla(p, s) for p in e.parts) + ")"
    if isinstance(e, Rec):
        return f"rec_{ROLES[e.role][0]}[{e.node}].{e.field}"
    if isinstance(e, IsDown):
        return f"down_{ROLES[e.role][0]}[{e.node}]"
    if isinstance(e, InFlight):
        test = f'm.type = "{e.kind}"'
        if e.value is not None:
            test += f" /\\ m.v = {tla(C(e.value))}"
        return f"(\\E m \\in InFlight : {test})"
    if isinstance(e, Queued):
        return f"(Queued <= {e.bound})"
    raise TypeError(e)


PY_OPS = {"=": "==", "#": "!=", "<": "<"}


def py(e, where: str = "handler") -> str:
    """`e` in Python: in a handler (``s``, ``m``, ``self.id``), in the
    model (``where="model"``: records by ``self.record(state, ...)``,
    messages by ``self.sent``) or in a spec's expression (``"spec"``:
    records by set name, ``messages`` by type name)."""
    if isinstance(e, F):
        return f"s.{e.name}"
    if isinstance(e, V):
        return "m.v"
    if isinstance(e, Src):
        return "m.frm"
    if isinstance(e, Me):
        return "self.id"
    if isinstance(e, C):
        return repr(e.value)
    if isinstance(e, Mod):
        inner = py(e.expr, where) if not e.add else f"{py(e.expr, where)} + {e.add}"
        return f"(({inner}) % {e.size})"
    if isinstance(e, Cmp):
        return f"({py(e.left, where)} {PY_OPS[e.op]} {py(e.right, where)})"
    if isinstance(e, Not):
        return f"(not {py(e.part, where)})"
    if isinstance(e, And):
        return "(" + " and ".join(py(p, where) for p in e.parts) + ")"
    if isinstance(e, (Rec, IsDown)):
        record = (f"self.record(state, {ROLES[e.role][0]}Node, {e.node})" if where == "model"
                  else f"{ROLES[e.role][1]}[{e.node}]")
        return f"{record}.{e.field}" if isinstance(e, Rec) else f"{record}.down"
    if isinstance(e, InFlight):
        sent = f"self.sent(state, {e.kind})" if where == "model" else f"messages[{e.kind!r}]"
        if e.value is None:
            return f"(len({sent}) > 0)"
        return f"any(m.v == {e.value!r} for m in {sent})"
    if isinstance(e, Queued):
        raise TypeError("Queued is rendered by `queued_py`")
    raise TypeError(e)


def initially(e, roles: tuple):
    """The value of `e` in the initial state (for a handler's guard, at
    node 0's initial record; the network is empty, no node is down)."""
    if isinstance(e, F):
        return roles[0].field(e.name).initial  # (a guard's: `roles` is its one role)
    if isinstance(e, Rec):
        return roles[e.role].field(e.field).initial
    if isinstance(e, C):
        return e.value
    if isinstance(e, Me):
        return 0
    if isinstance(e, Mod):
        return (initially(e.expr, roles) + e.add) % e.size
    if isinstance(e, Cmp):
        left, right = initially(e.left, roles), initially(e.right, roles)
        return {"=": left == right, "#": left != right, "<": left < right}[e.op]
    if isinstance(e, Not):
        return not initially(e.part, roles)
    if isinstance(e, And):
        return all(initially(part, roles) for part in e.parts)
    if isinstance(e, (IsDown, InFlight)):
        return False
    if isinstance(e, Queued):
        return True
    raise TypeError(e)


# -- programs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    size: int  # values 0..size-1; 0 for a bool
    initial: int | bool

    @property
    def is_bool(self) -> bool:
        return self.size == 0


@dataclass(frozen=True)
class Role:
    index: int
    count: int
    fields: tuple  # of Field

    @property
    def name(self) -> str:
        return ROLES[self.index][0]

    @property
    def set_name(self) -> str:
        return ROLES[self.index][1]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Message:
    name: str
    src: int  # the sender's role
    dst: int  # the receiver's role
    payload: Field | None  # named "v"


@dataclass(frozen=True)
class Send:
    message: str
    to: str  # "reply" (the received message's sender), "next" ((id + 1) % count), "all"
    payload: object  # an expression, or None


@dataclass(frozen=True)
class Handler:
    name: str  # the action's name
    role: int
    takes: str | None  # a message type's name, or None for an internal step
    guard: object  # None: always enabled
    updates: tuple  # (field, expression) pairs
    sends: tuple  # of Send
    declares_sends: bool = False  # ``sends=`` given to the kit


@dataclass(frozen=True)
class Crashes:
    role: int
    #: "restart" (on_restart alone: down and up in one step), "stop"
    #: (on_crash alone), "crash-restart" (both)
    mode: str
    lost_at_crash: tuple  # fields reset to their initial values by the crash
    lost_at_restart: tuple  # fields reset by the restart
    crashes: int
    restarts: int
    shared: bool  # crash and restart spend one budget ("crashes")


@dataclass(frozen=True)
class Network:
    kind: str  # "bag", "set", "fifo", "inbox"
    drops: int | None = None  # None: no drop budget declared
    duplicates: int | None = None
    capacity: int | None = None


@dataclass(frozen=True)
class Cut:
    """A partition of the bag: every node of `group` cut off from every
    other node (nodes as (role, id)), down from the start or not, going
    down again `splits` times after healing, healing or not."""

    group: tuple
    from_start: bool
    splits: int
    heals: bool


@dataclass(frozen=True)
class Clocked:
    """A clock (``Clock(P, horizon=...)``, no drift, no pauses) and a timer
    on every P node: the record's ``alarm``, a deadline or None; `fire`
    runs when ``now`` reaches it and sets it again ``period`` ticks later
    where `rearm` holds (always where None), else clears it; the handlers
    named in `resets` set it to ``now + 1`` (a message resets the timer)."""

    horizon: int
    alarm: int | None  # the initial deadline
    fire: Handler
    period: int
    rearm: object
    resets: tuple


@dataclass(frozen=True)
class Program:
    seed: int
    roles: tuple  # of Role
    messages: tuple  # of Message
    handlers: tuple  # of Handler
    crashes: Crashes | None
    network: Network
    constraint: tuple  # conditions (all must hold): expressions, `Queued`
    invariants: tuple  # (name, expression) pairs
    deadlock: bool
    #: the spec chooses the network (``network: {kind: fifo, drop: 1}``),
    #: the model declaring a bag and the kinds it allows
    chosen: bool = False
    cut: Cut | None = None
    clock: Clocked | None = None

    def checks(self) -> list[tuple[str, str | None]]:
        """Each TLC run: ("space", None), ("invariant", name), ("deadlock", None)."""
        return ([("space", None)] + [("invariant", name) for name, _ in self.invariants]
                + ([("deadlock", None)] if self.deadlock else []))

    def message(self, name: str) -> Message:
        return next(m for m in self.messages if m.name == name)


def program(seed: int) -> Program:
    """The program drawn from `seed` (the same on every machine and Python)."""
    rng = random.Random(seed)
    if rng.random() < 0.5:
        roles = [Role(0, rng.choice((2, 2, 3)), ())]
    else:
        counts = rng.choice(((1, 1), (1, 2), (2, 1)))
        roles = [Role(r, counts[r], ()) for r in range(2)]
    roles = tuple(Role(r.index, r.count, _fields(rng)) for r in roles)

    pairs = [(a.index, b.index) for a in roles for b in roles]
    messages = []
    for k in range(rng.randint(2, 4)):
        src, dst = rng.choice(pairs)
        if k == 0 and len(roles) == 2:
            src, dst = rng.choice(((0, 1), (1, 0)))
        payload = rng.choice((None, Field("v", 2, 0), Field("v", 0, False)))
        messages.append(Message(f"M{k + 1}", src, dst, payload))
    messages = tuple(messages)

    network = _network(rng)
    handlers = []
    # one or two internal steps, the first of them sending
    for k in range(rng.randint(1, 2)):
        role = roles[0] if k == 0 and len(roles) == 1 else rng.choice(roles)
        sendable = [m for m in messages if m.src == role.index]
        if k == 0 and not sendable:
            role = roles[messages[0].src]
            sendable = [m for m in messages if m.src == role.index]
        handlers.append(_handler(rng, f"Timer{k + 1}", role, None, messages, network,
                                 must_send=k == 0))
    for m in messages:
        handlers.append(_handler(rng, f"Recv{m.name}", roles[m.dst], m, messages, network))

    crashes = None
    if rng.random() < 0.5:
        role = rng.choice(roles)
        names = [f.name for f in role.fields]
        mode = rng.choice(("restart", "stop", "crash-restart"))
        crashes = Crashes(role.index, mode,
                          tuple(n for n in names if rng.random() < 0.4),
                          tuple(n for n in names if rng.random() < 0.4),
                          rng.choice((1, 1, 2)), rng.choice((1, 1, 2)),
                          mode == "crash-restart" and rng.random() < 0.4)

    constraint = []
    if network.kind in ("fifo", "inbox"):
        constraint.append(Queued(rng.choice((2, 2, 3))))
    if rng.random() < 0.25:
        role = rng.choice(roles)
        bound = Not(_record_atom(rng, role, rng.randrange(role.count)))
        if initially(bound, roles):  # (else the run is its initial state)
            constraint.append(bound)

    invariants = []
    for k in range(rng.randint(1, 3)):
        for _ in range(10):  # one that holds in the initial state
            atoms = [_invariant_atom(rng, roles, messages, crashes)
                     for _ in range(rng.choice((1, 2, 2)))]
            invariant = Not(atoms[0] if len(atoms) == 1 else And(tuple(atoms)))
            if initially(invariant, roles):
                break
        invariants.append((f"inv{k + 1}", invariant))
    deadlock = rng.random() < 0.3
    chosen, cut = False, None
    if seed >= PARTITIONS:
        chosen = rng.random() < 0.5
        if network.kind == "bag" and rng.random() < 0.7:
            nodes = [(r.index, i) for r in roles for i in range(r.count)]
            group = tuple(sorted(rng.sample(nodes, rng.randint(1, len(nodes) - 1))))
            heals = rng.random() < 0.8
            cut = Cut(group, rng.random() < 0.5, rng.choice((0, 1, 1, 2)), heals)
            if not _cuts_something(messages, roles, cut):
                cut = None
    clock = None
    if seed >= CLOCKS:
        role = roles[0]
        fire = _handler(rng, f"Fire{role.name}", role, None, messages, network)
        fire = Handler(fire.name, fire.role, None, None, fire.updates, fire.sends,
                       fire.declares_sends)
        clock = Clocked(rng.choice((2, 2, 3)), rng.choice((0, 1, None)), fire,
                        rng.choice((1, 2)),
                        None if rng.random() < 0.4 else _bool_expr(rng, role, None),
                        tuple(h.name for h in handlers if h.role == 0 and rng.random() < 0.3))
    return Program(seed, roles, messages, tuple(handlers), crashes, network, tuple(constraint),
                   tuple(invariants), deadlock, chosen, cut, clock)


def _cuts_something(messages, roles, cut: Cut) -> bool:
    """Whether some message type goes between the roles of two nodes on
    either side (a spec's partition that cuts nothing is refused)."""
    inside = set(cut.group)
    outside = {(r.index, i) for r in roles for i in range(r.count)} - inside
    return any({m.src, m.dst} == {a[0], b[0]} for m in messages
               for a in inside for b in outside)


def _fields(rng) -> tuple:
    fields = []
    for k in range(rng.choice((1, 2, 2, 3))):
        if rng.random() < 0.35:
            fields.append(Field(f"b{k}", 0, rng.random() < 0.3))
        else:
            size = rng.choice((2, 2, 3))
            fields.append(Field(f"f{k}", size, rng.choice((0, 0, 0, 1))))
    return tuple(fields)


def _network(rng) -> Network:
    kind = rng.choice(("bag", "bag", "set", "fifo", "inbox"))
    if kind == "bag":
        return Network("bag", rng.choice((None, 0, 1, 1, 2)), rng.choice((None, 0, 1)),
                       rng.choice((2, 3, 3)))
    if kind == "set":
        return Network("set")
    return Network(kind, rng.choice((None, 0, 1, 1)))


def _int_expr(rng, role: Role, takes: Message | None, size: int):
    """An expression of values 0..size-1 over the record (and the message)."""
    options = [lambda: C(rng.randrange(size)), lambda: Mod(Me(), size)]
    ints = [f for f in role.fields if not f.is_bool]
    if ints:
        options += [lambda: Mod(F(rng.choice(ints).name), size, rng.choice((0, 1, 1)))] * 2
    if takes is not None:
        options.append(lambda: Mod(Src(), size, rng.choice((0, 1))))
        if takes.payload is not None and not takes.payload.is_bool:
            options += [lambda: Mod(V(), size, rng.choice((0, 1)))] * 2
    return rng.choice(options)()


def _bool_expr(rng, role: Role, takes: Message | None):
    options = [lambda: C(rng.random() < 0.5)]
    bools = [f for f in role.fields if f.is_bool]
    ints = [f for f in role.fields if not f.is_bool]
    if bools:
        options += [lambda: F(rng.choice(bools).name), lambda: Not(F(rng.choice(bools).name))]
    if ints:
        options.append(lambda: (lambda f: Cmp("=", F(f.name), C(rng.randrange(f.size))))(
            rng.choice(ints)))
    if takes is not None and takes.payload is not None:
        options += [lambda: V() if takes.payload.is_bool else Cmp("=", V(), C(1))] * 2
    return rng.choice(options)()


def _record_atom(rng, role: Role, node: int | None):
    """A condition on one field of the record (of node `node` in an
    invariant, of the handler's own where None)."""
    f = rng.choice(role.fields)
    read = F(f.name) if node is None else Rec(role.index, node, f.name)
    if f.is_bool:
        return read if rng.random() < 0.5 else Not(read)
    op = rng.choice(("=", "=", "#", "<"))
    return Cmp(op, read, C(rng.randrange(1 if op == "<" else 0, f.size)))


def _guard(rng, role: Role, takes: Message | None):
    atoms = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        if takes is not None and rng.random() < 0.4:
            options = [Cmp("=", Src(), C(rng.randrange(2)))]
            if takes.payload is not None:
                options.append(V() if takes.payload.is_bool and rng.random() < 0.5
                               else Not(V()) if takes.payload.is_bool
                               else Cmp(rng.choice(("=", "#")), V(), C(rng.randrange(2))))
                ints = [f for f in role.fields if not f.is_bool]
                if not takes.payload.is_bool and ints:
                    options.append(Cmp("=", V(), F(rng.choice(ints).name)))
            atoms.append(rng.choice(options))
        else:
            atoms.append(_record_atom(rng, role, None))
    return None if not atoms else atoms[0] if len(atoms) == 1 else And(tuple(atoms))


def _handler(rng, name, role: Role, takes: Message | None, messages, network,
             must_send=False) -> Handler:
    guard = _guard(rng, role, takes)
    for _ in range(10 if must_send else 0):  # the first timer can fire at the start
        if guard is None or initially(guard, (role,)):
            break
        guard = _guard(rng, role, takes)
    updates = []
    for f in rng.sample(role.fields, rng.choice((0, 1, 1, 2)) if len(role.fields) > 1
                        else rng.choice((0, 1, 1))):
        expr = (_bool_expr(rng, role, takes) if f.is_bool
                else _int_expr(rng, role, takes, f.size))
        updates.append((f.name, expr))
    if takes is None and not updates and role.fields:
        # a timer moves its deadline: some field changes, else a step of an
        # unchanged record that sends forever
        f = role.fields[0]
        updates.append((f.name, Not(F(f.name)) if f.is_bool else Mod(F(f.name), f.size, 1)))
    sendable = [m for m in messages if m.src == role.index]
    sends = []
    for _ in range(rng.choice((1, 1, 2)) if must_send else rng.choice((0, 1, 1, 2))):
        if not sendable:
            break
        m = rng.choice(sendable)
        tos = ["next", "all"]
        if takes is not None and takes.src == m.dst:
            tos += ["reply", "reply"]
        payload = None
        if m.payload is not None:
            payload = (_bool_expr(rng, role, takes) if m.payload.is_bool
                       else _int_expr(rng, role, takes, m.payload.size))
        sends.append(Send(m.name, rng.choice(tos), payload))
    return Handler(name, role.index, None if takes is None else takes.name, guard,
                   tuple(updates), tuple(sends),
                   network.kind == "set" and bool(sends) and rng.random() < 0.5)


def _invariant_atom(rng, roles, messages, crashes):
    r = rng.random()
    if crashes is not None and crashes.mode != "restart" and r < 0.2:
        return IsDown(crashes.role, rng.randrange(roles[crashes.role].count))
    if r < 0.4:
        m = rng.choice(messages)
        value = None
        if m.payload is not None and rng.random() < 0.7:
            value = rng.random() < 0.5 if m.payload.is_bool else rng.randrange(m.payload.size)
        return InFlight(m.name, value)
    role = rng.choice(roles)
    return _record_atom(rng, role, rng.randrange(role.count))


# -- TLA+ ----------------------------------------------------------------------------------


def variables(p: Program) -> list[str]:
    names = [f"rec_{r.name}" for r in p.roles]
    if p.crashes is not None and p.crashes.mode != "restart":
        names.append(f"down_{p.roles[p.crashes.role].name}")
    names += budgets(p)
    if p.cut is not None:
        names += ["pdown", "splits"]  # the links down or not; the splits left
    if p.clock is not None:
        names.append("now")
    return names + ["net"]


def budgets(p: Program) -> list[str]:
    """The budget variables, each named as the kit's parameter."""
    names = [name for name, value in (("drops", p.network.drops),
                                      ("dups", p.network.duplicates)) if value is not None]
    c = p.crashes
    if c is not None:
        names += {"restart": ["restarts"], "stop": ["crashes"],
                  "crash-restart": ["crashes"] if c.shared else ["crashes", "restarts"]}[c.mode]
    return names


def budget_value(p: Program, name: str) -> int:
    return {"drops": p.network.drops, "dups": p.network.duplicates,
            "crashes": p.crashes and p.crashes.crashes,
            "restarts": p.crashes and p.crashes.restarts}[name]


def tla_value(v) -> str:
    return tla(C(v))


def tla_record(fields: tuple, alarm: str | None = None) -> str:
    """A record of `fields` at their initial values (and a timer's deadline)."""
    values = [f"{f.name} |-> {tla_value(f.initial)}" for f in fields]
    return "[" + ", ".join(values + ([f"alarm |-> {alarm}"] if alarm is not None else [])) + "]"


#: a timer's deadline None, in TLA+ (no time reaches it; Naturals have no -1)
NO_ALARM = 99


def _tla_alarm(p: Program) -> str:
    return str(NO_ALARM if p.clock.alarm is None else p.clock.alarm)


def _links(p: Program) -> list[str]:
    """Every queue's key: a link <<src role, src, dst role, dst>> (FIFO) or
    a receiver <<role, id>> (inbox)."""
    keys = []
    for m in p.messages:
        src, dst = p.roles[m.src], p.roles[m.dst]
        for j in range(dst.count):
            if p.network.kind == "inbox":
                keys.append(f'<<"{dst.name}", {j}>>')
            else:
                keys += [f'<<"{src.name}", {i}, "{dst.name}", {j}>>' for i in range(src.count)]
    return list(dict.fromkeys(keys))


def _network_operators(p: Program) -> list[str]:
    kind = p.network.kind
    if kind == "set":
        return ["Recv(n, m) == n",
                "SendAll(n, s) == n \\cup {s[k] : k \\in 1..Len(s)}",
                "InFlight == net", "Deliverable == net", "NetInit == {}"]
    if kind == "bag":
        return _ends(p) + _lost(p) + [
                "Recv(n, m) == IF n[m] = 1 THEN [x \\in DOMAIN n \\ {m} |-> n[x]]",
                "                        ELSE [n EXCEPT ![m] = @ - 1]",
                "Add(n, m) == IF m \\in DOMAIN n THEN [n EXCEPT ![m] = @ + 1]",
                "             ELSE [x \\in DOMAIN n \\cup {m} |-> IF x = m THEN 1 ELSE n[x]]",
                "RECURSIVE SendAll(_, _)",
                "SendAll(n, s) == IF s = <<>> THEN n",
                "                 ELSE SendAll(IF Lost(Head(s)) THEN n ELSE Add(n, Head(s)), "
                "Tail(s))",
                "RECURSIVE Sum(_, _)",
                "Sum(n, S) == IF S = {} THEN 0 ELSE LET x == CHOOSE y \\in S : TRUE",
                "                                   IN n[x] + Sum(n, S \\ {x})",
                "Size(n) == Sum(n, DOMAIN n)",
                "InFlight == DOMAIN net", "Deliverable == DOMAIN net",
                "NetInit == [x \\in {} |-> 0]"]
    key = ("<<DstRole[m.type], m.to>>" if kind == "inbox"
           else "<<SrcRole[m.type], m.frm, DstRole[m.type], m.to>>")
    return _ends(p) + [
            f"Keys == {{{', '.join(_links(p))}}}",
            f"Key(m) == {key}",
            "Recv(n, m) == [n EXCEPT ![Key(m)] = Tail(@)]",
            "RECURSIVE SendAll(_, _)",
            "SendAll(n, s) == IF s = <<>> THEN n",
            "                 ELSE SendAll([n EXCEPT ![Key(Head(s))] = Append(@, Head(s))], "
            "Tail(s))",
            "Full == {k \\in Keys : net[k] # <<>>}",
            "InFlight == UNION {{net[k][j] : j \\in 1..Len(net[k])} : k \\in Full}",
            "Deliverable == {Head(net[k]) : k \\in Full}",
            "RECURSIVE QSum(_)",
            "QSum(S) == IF S = {} THEN 0 ELSE LET k == CHOOSE y \\in S : TRUE",
            "                                 IN Len(net[k]) + QSum(S \\ {k})",
            "Queued == QSum(Keys)",
            "NetInit == [k \\in Keys |-> <<>>]"]


def _ends(p: Program) -> list[str]:
    """Each message type's sender's and receiver's roles."""
    ends = {m.name: (p.roles[m.src].name, p.roles[m.dst].name) for m in p.messages}
    src_role = " @@ ".join(f'"{t}" :> "{s}"' for t, (s, _) in ends.items())
    dst_role = " @@ ".join(f'"{t}" :> "{d}"' for t, (_, d) in ends.items())
    return [f"SrcRole == {src_role}", f"DstRole == {dst_role}"]


def _lost(p: Program) -> list[str]:
    """Whether a message sent now is lost: its link is down."""
    if p.cut is None:
        return ["Lost(m) == FALSE"]
    inside = set(p.cut.group)
    outside = [(r.index, i) for r in p.roles for i in range(r.count) if (r.index, i) not in inside]
    links = ", ".join(f'{{<<"{ROLES[a[0]][0]}", {a[1]}>>, <<"{ROLES[b[0]][0]}", {b[1]}>>}}'
                      for a in sorted(inside) for b in outside)
    return [f"Cut == {{{links}}}",
            "Lost(m) == pdown /\\ {<<SrcRole[m.type], m.frm>>, <<DstRole[m.type], m.to>>} \\in Cut"]


def _tla_message(p: Program, send: Send, to: str) -> str:
    m = p.message(send.message)
    payload = "0" if send.payload is None else tla(send.payload)
    return f'[type |-> "{m.name}", frm |-> i, to |-> {to}, v |-> {payload}]'


def _tla_sends(p: Program, h: Handler) -> str:
    """The sequence of messages `h` sends, in the order the kit sends them."""
    parts = []
    for send in h.sends:
        m = p.message(send.message)
        count = p.roles[m.dst].count
        if send.to == "reply":
            parts.append(f"<<{_tla_message(p, send, 'm.frm')}>>")
        elif send.to == "next":
            parts.append(f"<<{_tla_message(p, send, f'((i + 1) % {count})')}>>")
        else:
            for j in range(count):
                one = f"<<{_tla_message(p, send, str(j))}>>"
                parts.append(f"(IF i = {j} THEN <<>> ELSE {one})" if m.src == m.dst else one)
    return " \\o ".join(parts) if parts else "<<>>"


def _tla_handler(p: Program, h: Handler, names: list[str]) -> list[str]:
    role = p.roles[h.role]
    rec = f"rec_{role.name}"
    lines = [f"{h.name} =="]
    if h.takes is not None:
        lines += [f'  \\E m \\in Deliverable : m.type = "{h.takes}" /\\',
                  "    LET i == m.to", f"        s == {rec}[i] IN"]
        received = "Recv(net, m)"
    else:
        lines += [f"  \\E i \\in 0..{role.count - 1} :", f"    LET s == {rec}[i] IN"]
        received = "net"
    conjuncts = []
    if p.crashes is not None and p.crashes.role == h.role and p.crashes.mode != "restart":
        conjuncts.append(f"~down_{role.name}[i]")
    if h.guard is not None:
        conjuncts.append(tla(h.guard))
    updates = [f"!.{field} = {tla(e)}" for field, e in h.updates]
    if p.clock is not None and h is p.clock.fire:
        conjuncts.append(f"s.alarm # {NO_ALARM} /\\ now >= s.alarm")
        again = f"now + {p.clock.period}"
        updates.append("!.alarm = " + (again if p.clock.rearm is None else
                                       f"IF {tla(p.clock.rearm)} THEN {again} ELSE {NO_ALARM}"))
    elif p.clock is not None and h.name in p.clock.resets:
        updates.append("!.alarm = now + 1")
    changed = [rec]
    if updates:
        excepts = ", ".join(updates)
        conjuncts.append(f"{rec}' = [{rec} EXCEPT ![i] = [s EXCEPT {excepts}]]")
    else:
        changed = []
    conjuncts.append(f"net' = SendAll({received}, {_tla_sends(p, h)})")
    changed.append("net")
    if p.network.kind == "bag" and p.network.capacity is not None:
        conjuncts.append(f"Size(net') <= {p.network.capacity}")
    kept = [v for v in names if v not in changed]
    if kept:
        conjuncts.append(f"UNCHANGED <<{', '.join(kept)}>>")
    return lines + [f"    /\\ {c}" for c in conjuncts]


def _tla_faults(p: Program, names: list[str]) -> list[tuple[str, list[str]]]:
    """The network's own steps, and the crashes and restarts."""
    def unchanged(*changed):
        kept = [v for v in names if v not in changed]
        return [f"    /\\ UNCHANGED <<{', '.join(kept)}>>"] if kept else []

    actions = []
    net = p.network
    if net.kind == "bag":
        if net.drops is not None:
            actions.append(("Drop", ["  \\E m \\in DOMAIN net :", "    /\\ drops > 0",
                                     "    /\\ net' = Recv(net, m)", "    /\\ drops' = drops - 1",
                                     *unchanged("net", "drops")]))
        if net.duplicates is not None:
            room = [] if net.capacity is None else [f"    /\\ Size(net) < {net.capacity}"]
            # (a copy between nodes whose link is down is lost, as a message sent)
            copy = "Add(net, m)" if p.cut is None else "IF Lost(m) THEN net ELSE Add(net, m)"
            actions.append(("Duplicate", ["  \\E m \\in DOMAIN net :", "    /\\ dups > 0", *room,
                                          f"    /\\ net' = {copy}", "    /\\ dups' = dups - 1",
                                          *unchanged("net", "dups")]))
    elif net.kind in ("fifo", "inbox") and net.drops is not None:
        actions.append(("Drop", ["  \\E k \\in Full :", "    /\\ drops > 0",
                                 "    /\\ net' = [net EXCEPT ![k] = Tail(@)]",
                                 "    /\\ drops' = drops - 1", *unchanged("net", "drops")]))
    if p.cut is not None:
        if p.cut.heals:
            actions.append(("Heal", ["    /\\ pdown", "    /\\ pdown' = FALSE",
                                     *unchanged("pdown")]))
        actions.append(("Split", ["    /\\ ~pdown", "    /\\ splits > 0",
                                  "    /\\ pdown' = TRUE", "    /\\ splits' = splits - 1",
                                  *unchanged("pdown", "splits")]))
    c = p.crashes
    if c is not None:
        role = p.roles[c.role]
        rec, down = f"rec_{role.name}", f"down_{role.name}"
        ids = f"0..{role.count - 1}"

        def reset(lost):
            if not lost:
                return "@"
            return "[@ EXCEPT " + ", ".join(f"!.{f} = {tla_value(role.field(f).initial)}"
                                            for f in lost) + "]"
        if c.mode == "restart":
            actions.append((f"Restart{role.name}", [
                f"  \\E i \\in {ids} :", "    /\\ restarts > 0",
                f"    /\\ {rec}' = [{rec} EXCEPT ![i] = {reset(c.lost_at_restart)}]",
                "    /\\ restarts' = restarts - 1", *unchanged(rec, "restarts")]))
        else:
            actions.append((f"Crash{role.name}", [
                f"  \\E i \\in {ids} :", f"    /\\ ~{down}[i]", "    /\\ crashes > 0",
                f"    /\\ {rec}' = [{rec} EXCEPT ![i] = {reset(c.lost_at_crash)}]",
                f"    /\\ {down}' = [{down} EXCEPT ![i] = TRUE]",
                "    /\\ crashes' = crashes - 1", *unchanged(rec, down, "crashes")]))
        if c.mode == "crash-restart":
            budget = "crashes" if c.shared else "restarts"
            actions.append((f"Restart{role.name}", [
                f"  \\E i \\in {ids} :", f"    /\\ {down}[i]", f"    /\\ {budget} > 0",
                f"    /\\ {rec}' = [{rec} EXCEPT ![i] = {reset(c.lost_at_restart)}]",
                f"    /\\ {down}' = [{down} EXCEPT ![i] = FALSE]",
                f"    /\\ {budget}' = {budget} - 1", *unchanged(rec, down, budget)]))
    return actions


def tla_module(p: Program) -> str:
    names = variables(p)
    lines = [f"---- MODULE {MODULE} ----", "EXTENDS Naturals, Sequences, TLC",
             f"VARIABLES {', '.join(names)}", f"vars == <<{', '.join(names)}>>", ""]
    lines += _network_operators(p)
    init = [f"rec_{r.name} = [i \\in 0..{r.count - 1} |-> "
            f"{tla_record(r.fields, _tla_alarm(p) if p.clock and r.index == 0 else None)}]"
            for r in p.roles]
    if p.crashes is not None and p.crashes.mode != "restart":
        role = p.roles[p.crashes.role]
        init.append(f"down_{role.name} = [i \\in 0..{role.count - 1} |-> FALSE]")
    init += [f"{b} = {budget_value(p, b)}" for b in budgets(p)]
    if p.cut is not None:
        init += [f"pdown = {tla_value(p.cut.from_start)}", f"splits = {p.cut.splits}"]
    if p.clock is not None:
        init.append("now = 0")
    init.append("net = NetInit")
    lines += ["", "Init =="] + [f"  /\\ {c}" for c in init]
    actions = []
    for h in p.handlers + ((p.clock.fire,) if p.clock is not None else ()):
        lines += _tla_handler(p, h, names)
        actions.append(h.name)
    if p.clock is not None:
        # time passes while no running P node has its timer due
        role = p.roles[0]
        up = (f"~down_{role.name}[i] /\\ " if p.crashes is not None and p.crashes.role == 0
              and p.crashes.mode != "restart" else "")
        due = f"{up}rec_{role.name}[i].alarm # {NO_ALARM} /\\ now >= rec_{role.name}[i].alarm"
        lines += ["Tick ==", f"  /\\ now < {p.clock.horizon}",
                  f"  /\\ ~\\E i \\in 0..{role.count - 1} : {due}", "  /\\ now' = now + 1",
                  f"  /\\ UNCHANGED <<{', '.join(v for v in names if v != 'now')}>>"]
        actions.append("Tick")
    for name, body in _tla_faults(p, names):
        lines += [f"{name} =="] + body
        actions.append(name)
    lines += ["Step ==", "  \\/ " + "\n  \\/ ".join(actions),
              "Next == Step /\\ vars' # vars  \\* a step that changes nothing is not generated",
              "Spec == Init /\\ [][Next]_vars",
              "\\* but a state where one is enabled is no deadlock (docs/tlc.md)"]
    if p.clock is None:
        lines.append("SpecAll == Init /\\ [][Step]_vars")
    else:
        lines += ["\\* nor is one where the clock reached its horizon: a bound (README, Deadlock)",
                  f"Ended == now = {p.clock.horizon} /\\ UNCHANGED vars",
                  "SpecAll == Init /\\ [][Step \\/ Ended]_vars"]
    if p.constraint:
        lines.append("Constr == " + " /\\ ".join(tla(c) for c in p.constraint))
    lines += [f"{name} == {tla(e)}" for name, e in p.invariants]
    lines.append("====")
    return "\n".join(lines) + "\n"


def tla_config(p: Program, kind: str, name: str | None) -> str:
    """The configuration of one check. The deadlock check is TLC's
    command-line flag (`tlc_deadlock`), not a line here."""
    lines = ["SPECIFICATION SpecAll" if kind == "deadlock" else "SPECIFICATION Spec"]
    if p.constraint:
        lines.append("CONSTRAINT Constr")
    if kind == "invariant":
        lines.append(f"INVARIANT {name}")
    return "\n".join(lines) + "\n"


def tlc_deadlock(kind: str) -> bool:
    """Whether TLC checks deadlock in this check (only the deadlock check)."""
    return kind == "deadlock"


# -- the kit model -------------------------------------------------------------------------


def model_file(p: Program) -> str:
    return f"kitprog_{p.seed}.py"


def invariants_in_model(p: Program) -> bool:
    """The invariants as the model's decorated methods on odd seeds, else
    as the spec's expressions."""
    return p.seed % 2 == 1


def constraint_in_model(p: Program) -> bool:
    """The constraint as `within_bounds` on every third seed, else the spec's."""
    return p.seed % 3 == 0


def _py_sends(p: Program, h: Handler) -> str:
    parts = []
    for send in h.sends:
        m = p.message(send.message)
        count = f"self.model.{p.roles[m.dst].set_name}"
        payload = "" if send.payload is None else f", {py(send.payload)}"
        if send.to == "reply":
            parts.append(f"[{m.name}(self.id, m.frm{payload})]")
        elif send.to == "next":
            parts.append(f"[{m.name}(self.id, (self.id + 1) % {count}{payload})]")
        else:
            skip = " if j != self.id" if m.src == m.dst else ""
            parts.append(f"[{m.name}(self.id, j{payload}) for j in range({count}){skip}]")
    return " + ".join(parts) if parts else "[]"


def _py_handler(p: Program, h: Handler) -> list[str]:
    method = h.name.lower()
    sends = ""
    if h.declares_sends:
        sends = ", sends=(" + ", ".join(dict.fromkeys(s.message for s in h.sends)) + ",)"
    now = ", now" if p.clock is not None else ""  # (a clock's reading, given to every handler)
    if p.clock is not None and h is p.clock.fire:
        head = [f'    @on_timer({h.name}, deadline="alarm")', f"    def {method}(self, s{now}):"]
    elif h.takes is not None:
        head = [f"    @on({h.takes}, {h.name}{sends})", f"    def {method}(self, s, m{now}):"]
    else:
        head = [f"    @step({h.name}{sends})", f"    def {method}(self, s{now}):"]
    body = []
    if h.guard is not None:
        body += [f"        if not {py(h.guard)}:", "            return None"]
    record = "s"
    updates = [f"{f}={py(e)}" for f, e in h.updates]
    if p.clock is not None and h is p.clock.fire:
        again = f"now + {p.clock.period}"
        updates.append("alarm=" + (again if p.clock.rearm is None
                                   else f"({again} if {py(p.clock.rearm)} else None)"))
    elif p.clock is not None and h.name in p.clock.resets:
        updates.append("alarm=now + 1")
    if updates:
        record = "s._replace(" + ", ".join(updates) + ")"
    body.append(f"        return {record}, {_py_sends(p, h)}")
    return head + body


def _py_reset(role: Role, lost: tuple) -> str:
    if not lost:
        return "s"
    return "s._replace(" + ", ".join(f"{f}={role.field(f).initial!r}" for f in lost) + ")"


def cmc_model(p: Program) -> str:
    """The program as a kit model, as a user would write it."""
    kit = {"ActorModel", "Node", "ids", "on", "step",
           {"bag": "Bag", "set": "MessageSet", "fifo": "Fifo", "inbox": "Inbox"}[p.network.kind]}
    c = p.crashes
    if c is not None:
        kit |= {"restart": {"on_restart"}, "stop": {"on_crash"},
                "crash-restart": {"on_crash", "on_restart"}}[c.mode]
    if p.chosen:  # (the model declares a bag, the spec chooses)
        kit = kit - {"MessageSet", "Fifo", "Inbox"} | {"Bag"}
    if p.cut is not None and partition_in_model(p):
        kit.add("Partition")
    checker = ["Param"] + (["invariant"] if invariants_in_model(p) else [])
    lines = [f'"""Program {p.seed} of tests/tlc_diff/kit_programs.py."""', "",
             "from typing import NamedTuple", "", f"from checker import {', '.join(checker)}",
             f"from models.kit import {', '.join(sorted(kit, key=str.lower))}"]
    if p.clock is not None:
        lines.append("from models.kit.clock import Clock, on_timer")
    lines.append("")
    for r in p.roles:
        _, set_name, prefix = ROLES[r.index]
        lines.append(f'{r.name} = ids("{set_name}", "{prefix}")')
    for r in p.roles:
        lines += ["", "", f"class {r.name}State(NamedTuple):"]
        lines += [f"    {f.name}: {'bool' if f.is_bool else 'int'} = {f.initial!r}"
                  for f in r.fields]
        if p.clock is not None and r.index == 0:
            lines.append(f"    alarm: int | None = {p.clock.alarm!r}  # a timer's deadline")
    for m in p.messages:
        lines += ["", "", f"class {m.name}(NamedTuple):", f"    frm: {p.roles[m.src].name}",
                  f"    to: {p.roles[m.dst].name}"]
        if m.payload is not None:
            lines.append(f"    v: {'bool' if m.payload.is_bool else 'int'}")
        lines.append('    src, dst = "frm", "to"')
    for h in p.handlers + ((p.clock.fire,) if p.clock is not None else ()):
        field = f"m: {h.takes}" if h.takes is not None else f"node: {p.roles[h.role].name}"
        lines += ["", "", f"class {h.name}(NamedTuple):", f"    {field}"]
    if c is not None:
        role = p.roles[c.role].name
        for action in {"restart": ["Restart"], "stop": ["Crash"],
                       "crash-restart": ["Crash", "Restart"]}[c.mode]:
            lines += ["", "", f"class {action}{role}(NamedTuple):", f"    node: {role}"]
    for r in p.roles:
        lines += ["", "", f"class {r.name}Node(Node):", f"    ids = {r.name}",
                  f"    state = {r.name}State"]
        for h in p.handlers + ((p.clock.fire,) if p.clock is not None else ()):
            if h.role == r.index:
                lines += [""] + _py_handler(p, h)
        if c is not None and c.role == r.index:
            if c.mode != "restart":
                lines += ["", f'    @on_crash(Crash{r.name}, budget="crashes")',
                          "    def crash(self, s):",
                          f"        return {_py_reset(r, c.lost_at_crash)}"]
            if c.mode != "stop":
                budget = "crashes" if c.shared else "restarts"
                lines += ["", f'    @on_restart(Restart{r.name}, budget="{budget}")',
                          "    def restart(self, s):",
                          f"        return {_py_reset(r, c.lost_at_restart)}"]
    params = [f'Param("{r.set_name}", {r.count}, "nodes of role {r.name}")' for r in p.roles]
    params += [f'Param("{b}", {budget_value(p, b)}, "a budget")' for b in budgets(p)
               if not (p.chosen and b in ("drops", "dups"))]  # (the spec's, then)
    if p.network.capacity is not None:
        params.append(f'Param("cap", {p.network.capacity}, "the bag\'s capacity")')
    if p.clock is not None:
        params.append(f'Param("horizon", {p.clock.horizon}, "ticks of time")')
    net = p.network
    if net.kind == "bag" or p.chosen:
        args = [f'{arg}="{param}"' for arg, param, value in
                (("drop", "drops", net.drops), ("duplicate", "dups", net.duplicates),
                 ("capacity", "cap", net.capacity))
                if value is not None and not (p.chosen and arg != "capacity")]
        if p.cut is not None:
            args.append('partition="cut"' if partition_in_model(p) else "partition=True")
        network = f"Bag({', '.join(args)})"
    elif net.kind == "set":
        network = "MessageSet()"
    else:
        network = ({"fifo": "Fifo", "inbox": "Inbox"}[net.kind]
                   + ('(drop="drops")' if net.drops is not None else "()"))
    lines += ["", "", "class Prog(ActorModel):", f'    name = "kitprog-{p.seed}"',
              f'    summary = "random kit program {p.seed}"',
              "    params = (" + ",\n              ".join(params) + ",)",
              f"    roles = ({', '.join(f'{r.name}Node' for r in p.roles)},)",
              f"    messages = ({', '.join(m.name for m in p.messages)},)",
              f"    network = {network}"]
    if p.chosen:
        lines.append('    network_choices = ("bag", "set", "fifo", "inbox")')
    if p.clock is not None:
        lines.append(f'    clock = Clock({p.roles[0].name}, horizon="horizon")')
    if p.cut is not None and partition_in_model(p):
        groups = [list(p.cut.group), [(r.index, i) for r in p.roles for i in range(r.count)
                                      if (r.index, i) not in p.cut.group]]
        named = [[(ROLES[role][1], i) for role, i in group] for group in groups]
        lines.append(f"    cut = Partition.between({named!r}, from_start={p.cut.from_start}, "
                     f"splits={p.cut.splits}, heals={p.cut.heals})")
    elif p.cut is not None:
        lines.append("    partitions = True")
    if invariants_in_model(p):
        for name, e in p.invariants:
            lines += ["", f'    @invariant("{name}")', f"    def {name}(self, state):",
                      f"        return {py(e, 'model')}"]
    if p.constraint and constraint_in_model(p):
        conditions = " and ".join(_py_condition(p, e, "model") for e in p.constraint)
        lines += ["", "    def within_bounds(self, state):", f"        return {conditions}"]
    return "\n".join(lines) + "\n"


def partition_in_model(p: Program) -> bool:
    """The partition as the model's attribute on odd seeds, else the spec's."""
    return p.seed % 2 == 1


def _py_condition(p: Program, e, where: str) -> str:
    if isinstance(e, Queued):
        if where == "model":
            return (f"sum(len(self.sent(state, kind)) for kind in "
                    f"({', '.join(m.name for m in p.messages)},)) <= {e.bound}")
        return ("(" + " + ".join(f"len(messages[{m.name!r}])" for m in p.messages)
                + f") <= {e.bound}")
    return py(e, where)


def cmc_spec(p: Program) -> str:
    """The spec checking every check of the program at once (run with
    ``keep_going``: each violation with its own shortest trace)."""
    lines = [f"model: ./{model_file(p)}:Prog", f"deadlock: {str(p.deadlock).lower()}",
             "symmetry: false"]
    if not invariants_in_model(p):
        lines.append("invariants:")
        lines += [f'  {name}: "{py(e, "spec")}"' for name, e in p.invariants]
    if p.chosen:
        net = p.network
        budgets = "".join(f", {key}: {value}" for key, value in
                          (("drop", net.drops), ("duplicate", net.duplicates))
                          if value is not None)
        lines.append(f"network: {{kind: {net.kind}{budgets}}}")
    if p.cut is not None and not partition_in_model(p):
        group = [f"{ROLES[role][2]}{i}" for role, i in p.cut.group]
        rest = [f"{ROLES[r.index][2]}{i}" for r in p.roles for i in range(r.count)
                if (r.index, i) not in p.cut.group]
        lines.append(f"partition: {{groups: [[{', '.join(group)}], [{', '.join(rest)}]], "
                     f"from_start: {str(p.cut.from_start).lower()}, splits: {p.cut.splits}, "
                     f"heals: {str(p.cut.heals).lower()}}}")
    if p.constraint and not constraint_in_model(p):
        lines += ["constraints:", "  constr: \"" + " and ".join(
            _py_condition(p, e, "spec") for e in p.constraint) + '"']
    return "\n".join(lines) + "\n"


def write_cmc(p: Program, folder) -> str:
    """Write the model and its spec into `folder`; the spec's path."""
    from pathlib import Path

    folder = Path(folder)
    (folder / model_file(p)).write_text(cmc_model(p))
    spec = folder / f"kitprog_{p.seed}.yaml"
    spec.write_text(cmc_spec(p))
    return str(spec)
