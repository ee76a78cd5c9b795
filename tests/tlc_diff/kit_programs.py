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
handler moves or clears, which some message handlers reset; from seed
3000 on half the seeds. From seed 3000 (`STAYS`) one message handler, and
each other with odds 0.3, returns ``Stay(record, sends)``, always or where
a condition holds: the message stays in the network. From seed 4000
(`FULL`) a bag is full as a constraint on 6 seeds in 10
(``Bag(capacity="cap", full="constraint")``, the model's `within_bounds`
bounding ``self.network.size``, as raft's ``max_msgs``). From seed 5000
(`GLOBALS`), on 7 seeds in 10, the model has globals (``globals =
Shared``, one or two small fields) that handlers read in their guards
(``reads_globals=``) and write (``writes_globals=``, returned as ``{name:
value}``), and often an invariant over them. From seed 6000 (`DELAYED`) a
clocked program sends over ``Delayed(latency=..., drop=...)`` on 6 seeds
in 10 (no spec's network, no partition below `LIFTED`; `within_bounds`
bounds the copies in flight). From seed 7000 (`DRIFTS`) a clock may drift (``drift=``) and
its P nodes pause (``pause=``, ``pauses=``), on 8 seeds in 10 of those
with a clock (no pause where P nodes crash). From seed 8000
(`SYMMETRIC`) the P nodes (two or three) are interchangeable and both
tools check under symmetry (the spec's ``symmetry: true``, the model's
``symmetry_sets``; TLC's ``SYMMETRY Permutations(Ps)``, the P nodes model
values): no handler reads a node's id or sends to the next node, and
invariants and constraints speak of some P node (`Some`), not of one;
no partition. From seed 9000 (`PER_MESSAGE`) a bag (declared or chosen)
delivers message by message on 7 seeds in 10 (``Bag(...,
per_message=True)``, raft's: the same steps in raft.tla's order, planned
by another part of the kit), where no handler of a role that only receives
reads or writes globals (which such a bag refused below `LIFTED`). From seed 10000
(`GROUPS`) such a model lists its groups of handlers as raft does
(``next``: each role's steps in one group, its message handlers in
another, so that every receipt is planned message by message), where it
has no clock and no crash that keeps a node down (two kit bugs, pinned in
test_kit_against_tlc.py, stopped such runs when the range was drawn): its
network a bag, no clock, no globals. Each range draws the features of those
below it, but for the two after it. From seed 11000 (`TEMPORAL`) a program
has one or two temporal properties (``P ~> Q``, ``<>[]P``, ``[]<>P``, now
and then ``<>P``, over records, globals, crashed nodes and messages in
flight) under zero to three weak or strong fairness conditions (to one
handler's steps, ``Name``; to each node's steps apart, ``Name(node=*)``; to
each message, ``Name(*)``; to each receiver's or each payload value's,
``Name(m.to=*)``, ``Name(m.v=*)``; to two handlers together, ``"A | B"``;
to every step, ``"*"``), TLC's ``Spec`` carrying them and each property
one TLC run (``PROPERTY``): every network, globals and the features of the
ranges below, but no clock (its horizon is a bound, which settles no
temporal property in cmc: docs/liveness.md), no symmetry (cmc refuses it
with temporal properties), no bag full as a constraint and no constraint
on records (whose lassos cmc reports as not settled). From seed 11500
(`CYCLES`) no crash and no budget of drops or duplicates (a budget spent
is a step never taken again: behaviours go round more often), one to
three fairness conditions, strong as often as weak (where strong
fairness decides a verdict: a step enabled and disabled by turns round a
loop, rare below, and rare still: seeds 11990-11994 are written by hand so,
`HANDWRITTEN`). From seed 12000
(`SYMMETRIC2`) both roles are interchangeable at once, two or three nodes
each (five in all at most), as `SYMMETRIC`'s P nodes are, under the
product of their symmetry groups (TLC's ``{p @@ q : p \\in
Permutations(Ps), q \\in Permutations(Qs)}``, the group itself; TLC 2.15
takes the group that the union ``Permutations(Ps) \\cup Permutations(Qs)``
generates too: the same orbits on seeds 12001, 12011, 12018 and 12031, and
2 orbits of ``x \\in Ps /\\ y \\in Qs /\\ z \\in Ps`` with three of each);
globals and a clock as below `GROUPS`. From seed 13000 (`LIFTED`) the
combinations the kit refused below it, lifted by commits 718a5e2, c7681fe
and 534f073 (docs/writing-a-model.md, *Globals*; `models/kit/__init__`'s
docstring), each on most seeds: on 6 seeds in 10 of those with two roles
the Q nodes have no record (``state = None``: their handlers take no
``s`` and return their messages, then what they write); a bag on about 3
in 4 (one in place of another network on 6 in 10 of those not drawn one),
delivering message by message on 85 in 100 of those, its receipts reading
and writing globals whatever their role does besides (raft's groups on
half of those with no clock and no crash that keeps a node down); a clock
on 3 in 4, the timer's handler (``on_timer(..., reads_globals=...,
writes_globals=...)``) reading the globals in its guard and writing one
on 7 in 10 each, where they are drawn (9 programs in 10), the other
handlers on 6 in 10; a `Delayed` network on 6 in 10 of the clocked,
partitioned on 8 in 10 of those (the model's ``Delayed(...,
partition="cut")`` and `Partition` on odd seeds, else ``partition=True``
and the spec's ``partition:``; from the start or not, healing or not,
splitting again), a message sent over a link that is down lost, never
due; and on 6 in 10 a second handler of a role taking one message type
(``RecvM1b``: either takes each message). No symmetry, no temporal
property, no partition of FIFO links. From seed 13500 (`TWINS`) no clock
(whose timer raft's groups do not list) and always a bag, delivering
message by message on 85 seeds in 100, in raft's groups where no crash
keeps a node down (a message type that two handlers of one group take
is what 534f073 fixed: seeds 13031 and 13120, both grouped, are the
only ones below that the kit before it got wrong), a second handler of
one message type on 9 in 10. From seed 14000 (`UNDRAWN`) what the kit
supports and no range below draws, with `LIFTED`'s globals, nodes without
a record and second handlers: FIFO links or inboxes on 4 seeds in 7,
partitioned on 7 in 10 of them as a bag is (the model's ``Fifo(...,
partition="cut")`` or ``Inbox(...)`` and `Partition` on odd seeds, else
``partition=True`` and the spec's ``partition:``; or the spec's
``network: {kind: fifo}`` keeping a declared bag's partition; from the
start or not, healing or not, splitting again): a message sent over a
link that is down is lost, those queued stay, received in order or
dropped oldest first; crashes on 65 seeds in 100, where there are
globals their handlers (``on_crash``, ``on_restart``, ``reads_globals=``,
``writes_globals=``) on 85 in 100 each setting a field it does not reset
from the globals (odds 1/2) and writing one (7 in 10); a clock on 6 in
10 (`Delayed` on 3 in 10 of those with a bag or a set); raft's groups
(``next``) on 7 in 10 of the bags delivering message by message and 4
in 10 of the other networks, whatever the clock and the crashes, the
timer's handler listed in its role's group of steps (``next`` lists
the disjuncts of TLA+'s Next: model.py); and on 15 in 100 both roles
interchangeable with four nodes of one (4 and 1, 4 and 2, 2 and 4; no
partition then). No temporal property. From seed 15000 (`LINKS`) the same,
but a partition (of a bag, FIFO links, inboxes or `Delayed` messages) is
given as links on half the seeds (one to three pairs of nodes that
messages go between: the model's ``Partition(frozenset({frozenset({("ps",
0), ("qs", 1)})}), ...)``, the spec's ``links: [[p0, q1]]``), else as two
or three groups, a node in none on odds 1/4 (it keeps every link:
``Partition.between``, the spec's ``groups:``). From seed 16000 (`SETS`)
the same, but a network other than a bag is one on odds 1/2, and a bag
holds one copy of each message at most on 8 seeds in 10 (the model's
``Bag(..., copies=1)``, no duplicate budget; rendered in TLA+ as a set,
``n \\cup {m}`` on a send and ``n \\ {m}`` on a receipt or a drop),
with the features drawn below (drops, a capacity waiting or as a
constraint, delivery message by message, raft's groups, partitions,
crashes, globals, a clock); the model's only: the spec does not choose
it (checker/spec.py's schema takes no ``copies:`` yet), so a program
with one is never `chosen`. From seed 17000 (`CHANNELS`) FIFO links or
inboxes on most seeds (a bag or a set drawn is one of them on odds 6/10),
each queue of capacity 1 or 2 on 8 seeds in 10 (the model's
``Fifo(capacity="cap")`` or ``Inbox(capacity="cap")``; in TLA+ a guard
``Len(q) < Cap`` on each send into q, a receipt first: `Room`), and on 4
seeds in 10 each message type naming a channel of its own (``c1`` for
``M1``) on odds 2/3, else none (the model's ``channel = "c1"``; in TLA+
the channel the last part of a queue's key: two channels on one link, or
in one inbox, are two sequences), with the features of the ranges below;
such a program's network is the model's (never `chosen`: a spec's
``network: fifo`` keeps no capacity). From seed 18000 (`ANYWHERE`) the
same, but FIFO links or inboxes drawn are inboxes whose receipts take a
message at any position on 7 seeds in 10 (the model's
``Inbox(receive="any")``; in TLA+ ``\\E qk \\in Full : \\E qi \\in
1..Len(net[qk])`` and ``RemoveAt``, as Huang.tla's and EWD998Chan.tla's
sequences, a drop too taking any position), with the features of the
ranges below, never `chosen`.

It is rendered two ways:

- `tla_module` and `tla_config`: a TLA+ module written from the kit's
  documented semantics (docs/writing-a-model.md, the docstrings of
  `models/kit/network.py`, `handlers.py`, `model.py`, `clock.py` and
  `globals.py`), not from its code, and one configuration per check (`checks`), for `run_tlc_kit.py`;
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
- ``Bag(copies=1)``: a set of messages in flight; sending one in flight
  changes nothing, receiving or dropping one removes it; with a capacity,
  a step that would leave more messages in flight than it is not enabled;
- `MessageSet`: every message sent; receiving removes nothing;
- `Fifo`: a queue per link (sender, receiver); a node receives the oldest
  message of each link into it; `Drop` loses the oldest of a queue;
- `Inbox`: a queue per receiver shared by its senders; the same;
  ``Inbox(receive="any")``: a node receives any message of its inbox, at
  any position, one step per position holding it (a message that stays,
  ``Stay``, too: TLC's ``\\E qi`` then leaves the sequence as it is);
  `Drop` loses any message of an inbox, at any position;
- ``capacity``: a step whose sends would leave a queue with more messages
  than the capacity is not enabled, its receipt leaving its queue first;
  a message lost across the partition takes no room; a message type's
  ``channel``: a queue of its own on its link (in its receiver's inbox);
- either partitioned as a bag is (``Heal``, ``Split``): a message sent over
  a link that is down is lost, those queued stay, received in order or
  dropped (the oldest of a queue) as any other (`_Queues`' docstring);
- two messages sent in one step join a queue in the order sent;
- `on_restart` alone: the node crashes and comes back in one step, with
  the record its handler returns; `on_crash`: the node is down, its record
  what the handler says survives, taking no step while its messages wait;
  `on_restart` with it: a down node comes back with the record returned;
  each budget bounds such steps of all nodes together (one budget when the
  two handlers name the same parameter); either handler may read and
  write globals as any other (`on_crash`'s, `on_restart`'s docstrings):
  what it returns computed from the record it takes (a crashed node's,
  what survived, for the restart's) and the globals of the state it
  steps from;
- the clock: ``Tick`` moves ``now`` on by one up to the horizon, while no
  running node has a timer due (a crashed one runs nothing); a timer's
  handler runs when ``now`` reaches its deadline; every handler reads
  ``now``;
- ``Stay``: the message handled stays where it was (a bag keeps its copy,
  a queue its head), the messages sent are sent and the record changed;
- ``Bag(full="constraint")``: a full bag is TLC's state constraint, left to
  the model's `within_bounds`; a step that would overfill it and changes no
  node's record is not generated (so Next also requires ``Fits``), but it
  is a successor, so its state is no deadlock (`Model.stutters`); a
  duplicate still needs room;
- globals: one record (``glob``) of variables of no node; a handler reads
  the fields it declares and writes those it returns, every kind of
  handler (a message handler on a bag delivering message by message, a
  timer's) reading the globals of the state it steps from; a node
  without a record (``state = None``) has no variable of its own;
- a timer is due when ``now`` reaches its deadline, whatever its guard on
  the globals says: a due timer not enabled holds time back;
- two handlers of one role taking one message type: either takes each
  message of the type, as two actions of TLC's Next;
- `Delayed`: a bag of (message, ticks left) entries, one per copy, sent
  with ``latency`` left; receiving or dropping takes a message's copy with
  the fewest ticks left; a tick takes one off every entry, and does not
  happen while an entry is at 0 (due), unless its receiver is paused or
  down; partitioned as a bag is, a message sent over a link that is down
  is lost (never due), one in flight when the links go down delivered as
  any other;
- drift and pauses: a P node's clock reads ``now + skew``, ``skew`` within
  ``[-drift, drift]``: in a tick one node's clock may stand still, and
  between ticks one may jump ahead (``Rush``); a timer is due when its
  node's reading reaches the deadline; ``Pause`` stops a running P node
  for ``pause`` ticks (the budget ``pauses``): it takes no step and no
  message, its timer holds no tick back, and each tick takes one off
  what is left of its pause;
- symmetry: the kit renames the P nodes in records, messages, the
  network, the clock's offsets and pauses as its types say (an id field
  typed ``P``), and counts one state per orbit, as TLC does with
  ``SYMMETRY`` (docs/writing-a-model.md, *Symmetry*); with two sets in
  ``symmetry_sets``, by any renaming within each;
- fairness (docs/writing-a-model.md, *Liveness*; docs/liveness.md,
  *Fairness as TLA+ writes it*): a handler's steps are its action's
  (``Timer1(node=p0)``, ``RecvM1(m=...)``, the message received); a
  family ``Name`` is one condition over them all, ``Name(node=*)`` one per
  node, ``Name(*)`` one per distinct step (per message), ``Name(m.to=*)``
  one per value of the message's field, ``"A | B"`` one over both, ``"*"``
  ``WF_vars(Next)``; a condition asks for a step that changes something
  (``<<A>>_vars``), the only steps the kit generates;
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
from dataclasses import dataclass, replace

from tests.tlc_diff.programs import Temporal, _fairness, fairness_lines

MODULE = "Prog"  # the name run_tlc.run_check runs
#: the first seed whose programs may have a partition and the spec's network
PARTITIONS = 1000
#: the first seed whose programs have a clock and a timer (on role P), and
#: from `STAYS` on half of them
CLOCKS = 2000
#: the first seed whose message handlers may leave the message in the
#: network (`Stay`)
STAYS = 3000
#: the first seed whose bag may be full as a constraint (``Bag(full="constraint")``)
FULL = 4000
#: the first seed whose programs may have globals that handlers read and write
GLOBALS = 5000
#: the first seed whose clocked programs may send over a `Delayed` network
DELAYED = 6000
#: the first seed whose clocks may drift and whose P nodes may pause
DRIFTS = 7000
#: the first seed whose P nodes are interchangeable, checked under symmetry
SYMMETRIC = 8000
#: the first seed whose bag may deliver message by message (``per_message``)
PER_MESSAGE = 9000
#: the first seed whose model, where its bag delivers message by message,
#: lists its groups of handlers (``next``) as raft does
GROUPS = 10000
#: the first seed whose programs have temporal properties under fairness
TEMPORAL = 11000
#: the first seed of `TEMPORAL`'s whose programs have no crash and no drop or
#: duplicate budget, and more fairness, strong as often as weak
CYCLES = 11500
#: the first seed whose P and Q nodes are both interchangeable, each within its role
SYMMETRIC2 = 12000
#: the first seed drawing the combinations the kit refused below it: globals
#: read and written by the receipts of a bag delivering message by message
#: (Q nodes without a record among them) and by timers, a `Delayed` network
#: partitioned, two handlers of one role taking one message type
LIFTED = 13000
#: the first seed of `LIFTED`'s whose programs have no clock and a bag
#: delivering message by message, in raft's groups where no crash keeps a
#: node down, with two handlers of one message type on most seeds
TWINS = 13500
#: the first seed drawing what the kit supports and no range below draws:
#: partitions of FIFO links and inboxes, crash and restart handlers reading
#: and writing globals, raft's groups with a clock, four interchangeable nodes
UNDRAWN = 14000
#: the first seed of `UNDRAWN`'s whose partitions are given as links (pairs
#: of nodes) or as groups, three of them or leaving nodes out
LINKS = 15000
#: the first seed of `LINKS`'s whose bag may hold one copy of each message
#: at most (``Bag(copies=1)``: the set of messages in flight from which
#: receipt removes), a bag drawn more often
SETS = 16000
#: the first seed of `SETS`'s whose FIFO links and inboxes, drawn on most
#: seeds, have a capacity per queue on most and named channels on some
CHANNELS = 17000
#: the first seed of `CHANNELS`'s whose inboxes, drawn on most seeds, may
#: take a message at any position (``Inbox(receive="any")``)
ANYWHERE = 18000

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
class G:
    """A field of the model's globals."""

    name: str


@dataclass(frozen=True)
class Rec:
    """Field `field` of node `node` of role `role` (an invariant's or a constraint's)."""

    role: int
    node: int
    field: str


@dataclass(frozen=True)
class Some:
    """Some node of role `role` meets `atom` (over its record's fields `F`),
    or, `atom` None, is down: an invariant's or a constraint's, where the
    role's nodes are interchangeable (symmetry)."""

    role: int
    atom: object


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
class Copies:
    """The copies in a bag that is full as a constraint, at most `bound`
    (the model's `within_bounds`, as raft's ``max_msgs``)."""

    bound: int


@dataclass(frozen=True)
class Pending:
    """The copies in a `Delayed` network, at most `bound` (the model's
    `within_bounds`, over the network's documented value)."""

    bound: int


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
    if isinstance(e, G):
        return f"glob.{e.name}"
    if isinstance(e, Some):
        name = ROLES[e.role][0]
        inner = f"down_{name}[k]" if e.atom is None else tla(e.atom, f"rec_{name}[k]")
        return f"(\\E k \\in {ROLES[e.role][1].capitalize()} : {inner})"
    if isinstance(e, (Copies, Pending)):
        return f"(Size(net) <= {e.bound})"
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
    if isinstance(e, (Queued, Copies, Pending)):
        raise TypeError(f"{type(e).__name__} is rendered by `_py_condition`")
    if isinstance(e, G):  # (a handler takes it as a keyword, a spec's expression by name)
        return f"self.globals_of(state).{e.name}" if where == "model" else e.name
    if isinstance(e, Some):  # (each record named s in turn)
        role, set_name, _ = ROLES[e.role]
        records = (f"[self.record(state, {role}Node, k) for k in range(self.{set_name})]"
                   if where == "model" else set_name)
        return f"any({'s.down' if e.atom is None else py(e.atom)} for s in {records})"
    raise TypeError(e)


def initially(e, roles: tuple, shared: tuple = ()):
    """The value of `e` in the initial state (for a handler's guard, at
    node 0's initial record; the network is empty, no node is down), the
    globals' fields `shared`."""
    if isinstance(e, G):
        return next(f for f in shared if f.name == e.name).initial
    if isinstance(e, F):
        return roles[0].field(e.name).initial  # (a guard's: `roles` is its one role)
    if isinstance(e, Rec):
        return roles[e.role].field(e.field).initial
    if isinstance(e, C):
        return e.value
    if isinstance(e, Me):
        return 0
    if isinstance(e, Mod):
        return (initially(e.expr, roles, shared) + e.add) % e.size
    if isinstance(e, Cmp):
        left, right = initially(e.left, roles, shared), initially(e.right, roles, shared)
        return {"=": left == right, "#": left != right, "<": left < right}[e.op]
    if isinstance(e, Not):
        return not initially(e.part, roles, shared)
    if isinstance(e, And):
        return all(initially(part, roles, shared) for part in e.parts)
    if isinstance(e, (IsDown, InFlight)):
        return False
    if isinstance(e, Some):  # (every node starts alike)
        return e.atom is not None and initially(e.atom, (roles[e.role],), shared)
    if isinstance(e, (Queued, Copies, Pending)):
        return True
    raise TypeError(e)


def globals_read(*exprs) -> list[str]:
    """The globals' fields that `exprs` read, in order of first reading."""
    found: list[str] = []

    def walk(e):
        if isinstance(e, G):
            found.append(e.name)
        elif isinstance(e, (Mod,)):
            walk(e.expr)
        elif isinstance(e, Cmp):
            walk(e.left)
            walk(e.right)
        elif isinstance(e, Not):
            walk(e.part)
        elif isinstance(e, And):
            for part in e.parts:
                walk(part)
    for e in exprs:
        walk(e)
    return list(dict.fromkeys(found))


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
    #: the channel it travels on (FIFO links, inboxes; from `CHANNELS`),
    #: None: its link's (its inbox's) one queue
    channel: str | None = None


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
    #: a message handler's condition for leaving the message in the network
    #: (``Stay``): `C(True)` always, None never
    stays: object = None
    writes: tuple = ()  # (global field, expression) pairs: what it writes of the globals

    def reads(self) -> list[str]:
        """The globals' fields it reads (``reads_globals=``)."""
        return globals_read(self.guard, *(e for _, e in self.updates),
                            *(s.payload for s in self.sends), self.stays,
                            *(e for _, e in self.writes))


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
    #: from `UNDRAWN`: what the crash's handler sets of the record besides
    #: (fields it does not reset) and writes of the globals, (field,
    #: expression) pairs over the record it takes and the globals, as a
    #: `Handler`'s updates and writes; the restart's the same
    crash_updates: tuple = ()
    crash_writes: tuple = ()
    restart_updates: tuple = ()
    restart_writes: tuple = ()

    def reads(self, which: str) -> list[str]:
        """The globals' fields the crash's (`which` "crash") or the
        restart's handler reads (``reads_globals=``)."""
        return globals_read(*(e for _, e in getattr(self, f"{which}_updates")),
                            *(e for _, e in getattr(self, f"{which}_writes")))


@dataclass(frozen=True)
class Network:
    kind: str  # "bag", "set", "fifo", "inbox"
    drops: int | None = None  # None: no drop budget declared
    duplicates: int | None = None
    capacity: int | None = None
    #: what a full bag means: "wait" (a guard) or "constraint" (``full="constraint"``)
    full: str = "wait"
    latency: int | None = None  # a `Delayed` network's ("delayed")
    per_message: bool = False  # a bag's ``per_message``: its receipts message by message
    #: a bag's ``copies``: None, any number; 1, one at most (from `SETS`)
    copies: int | None = None
    #: an inbox's receipts: "oldest", the head; "any", any position (from `ANYWHERE`)
    receive: str = "oldest"


@dataclass(frozen=True)
class Cut:
    """A partition of the network (a bag, `Delayed` messages, from
    `UNDRAWN` FIFO links and inboxes): every node of `group` cut off from
    every other node (nodes as (role, id)), down from the start or not,
    going down again `splits` times after healing, healing or not."""

    group: tuple
    from_start: bool
    splits: int
    heals: bool
    #: from `LINKS`: the links that go down, each a pair of nodes, given as
    #: such (`groups` empty) or as `groups`, each node of a group cut off
    #: from those of the others (nodes in none keep every link); `group` empty
    links: tuple = ()
    groups: tuple = ()

    def down(self, roles: tuple) -> list[tuple]:
        """The links that go down, each a pair of nodes (role, id)."""
        if self.links:
            return list(self.links)
        outside = [(r.index, i) for r in roles for i in range(r.count)
                   if (r.index, i) not in self.group]
        return [(a, b) for a in sorted(self.group) for b in outside]


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
    #: from `DRIFTS`: how far a P node's clock may stray from ``now``; how
    #: many ticks a pause lasts (0: none) and how many pauses in all
    drift: int = 0
    pause: int = 0
    pauses: int = 0


@dataclass(frozen=True)
class Fair:
    """A fairness condition: weak or strong, to the steps of `handlers`
    together (``("*",)``: every step, Next), one condition per node
    (``per="node"``, a step's), per message (``"message"``), per receiver
    (``"to"``) or per payload value (``"v"``) apart, or one for them all
    (None)."""

    strength: str  # "weak" or "strong"
    handlers: tuple  # handlers' names; ("*",) for Next
    per: str | None = None


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
    shared: tuple = ()  # the globals' fields (of `Field`), named g0, g1
    #: the P nodes interchangeable: ids model values, checked under symmetry
    symmetric: bool = False
    #: the model's ``next``: each role's steps in a group, its message handlers in another
    grouped: bool = False
    temporal: tuple = ()  # of `programs.Temporal`, over the state as invariants are
    fairness: tuple = ()  # of `Fair`
    #: the roles whose nodes are interchangeable: P's where `symmetric`, from
    #: `SYMMETRIC2` both
    symmetric_roles: tuple = (0,)

    def checks(self) -> list[tuple[str, str | None]]:
        """Each TLC run: ("space", None), ("invariant", name), ("deadlock",
        None), ("temporal", name)."""
        return ([("space", None)] + [("invariant", name) for name, _ in self.invariants]
                + ([("deadlock", None)] if self.deadlock else [])
                + [("temporal", t.name) for t in self.temporal])

    def interchangeable(self, role: int) -> bool:
        """Whether the nodes of `role` are model values, checked under symmetry."""
        return self.symmetric and role in self.symmetric_roles

    def message(self, name: str) -> Message:
        return next(m for m in self.messages if m.name == name)


def program(seed: int) -> Program:
    """The program drawn from `seed` (the same on every machine and Python),
    or the hand-written one of that number (`HANDWRITTEN`)."""
    if seed in HANDWRITTEN:
        return handwritten(seed)
    rng = random.Random(seed)
    lifted = seed >= LIFTED
    undrawn = seed >= UNDRAWN
    if rng.random() < (0.3 if lifted else 0.5):  # (from `LIFTED` two roles more often)
        roles = [Role(0, rng.choice((2, 2, 3)), ())]
    else:
        counts = rng.choice(((1, 1), (1, 2), (2, 1)))
        roles = [Role(r, counts[r], ()) for r in range(2)]
    roles = tuple(Role(r.index, r.count, _fields(rng)) for r in roles)
    if lifted and len(roles) == 2 and rng.random() < 0.6:
        # Q nodes without a record (``state = None``): what they keep is a global
        roles = (roles[0], replace(roles[1], fields=()))
    symmetric = SYMMETRIC <= seed < TEMPORAL or SYMMETRIC2 <= seed < LIFTED or (
        undrawn and rng.random() < 0.15)
    symmetric_roles = (0,)
    if symmetric and seed >= SYMMETRIC2:  # (two or three nodes of each role, each role's
        # interchangeable; from `UNDRAWN` four of one role)
        q = roles[1] if len(roles) == 2 else Role(1, 2, _fields(rng))
        counts = rng.choice(((4, 1), (4, 2), (2, 4)) if undrawn
                            else ((2, 2), (2, 2), (3, 2), (2, 3)))
        roles = (replace(roles[0], count=counts[0]), replace(q, count=counts[1]))
        symmetric_roles = (0, 1)
    #: the roles whose nodes invariants and constraints speak of as `Some`
    alike = symmetric_roles if symmetric else ()
    if symmetric and roles[0].count < 2:  # (some P nodes to interchange)
        roles = (replace(roles[0], count=2),) + roles[1:]

    pairs = [(a.index, b.index) for a in roles for b in roles]
    messages = []
    for k in range(rng.randint(2, 4)):
        src, dst = rng.choice(pairs)
        if k == 0 and len(roles) == 2:
            src, dst = rng.choice(((0, 1), (1, 0)))
        payload = rng.choice((None, Field("v", 2, 0), Field("v", 0, False)))
        messages.append(Message(f"M{k + 1}", src, dst, payload))
    messages = tuple(messages)

    # (from `UNDRAWN` FIFO links and inboxes more often, to be partitioned)
    network = _network(rng, ("bag", "bag", "fifo", "fifo", "inbox", "inbox", "set")
                       if undrawn else ("bag", "bag", "set", "fifo", "inbox"))
    if SETS <= seed < CHANNELS and network.kind != "bag" and rng.random() < 0.5:
        network = _network(rng, ("bag",))  # (a bag more often, to hold one copy each)
    channels = False
    if seed >= CHANNELS:
        if network.kind not in ("fifo", "inbox") and rng.random() < 0.6:
            network = _network(rng, ("fifo", "inbox"))
        if network.kind in ("fifo", "inbox"):
            if rng.random() < 0.8:  # each queue's capacity
                network = replace(network, capacity=rng.choice((1, 1, 2)))
            channels = rng.random() < 0.4
            if channels:  # (each type its own channel on 2 in 3, else its link's queue)
                messages = tuple(replace(m, channel=rng.choice((f"c{k + 1}", f"c{k + 1}",
                                                                None)))
                                 for k, m in enumerate(messages))
            if seed >= ANYWHERE and rng.random() < 0.7:  # (an inbox taking any position)
                network = replace(network, kind="inbox", receive="any")
    if seed >= SETS and network.kind == "bag" and rng.random() < 0.8:
        # (no duplicate budget: a bag of one copy each refuses one)
        network = replace(network, copies=1, duplicates=None)
    going_round = CYCLES <= seed < SYMMETRIC2  # (no budget: a budget spent is spent for good)
    if going_round:
        network = replace(network, drops=None, duplicates=None)
    if GROUPS <= seed < TEMPORAL and network.kind != "bag":
        # (a bag, to deliver message by message)
        network = Network("bag", rng.choice((0, 1, 1, 2)), rng.choice((0, 1)),
                          rng.choice((2, 3, 3)))
    if lifted and not undrawn and network.kind != "bag" and (
            seed >= TWINS or rng.random() < 0.6):
        # (mostly a bag, from `TWINS` always: to deliver message by message)
        network = Network("bag", rng.choice((None, 0, 1, 1, 2)), rng.choice((None, 0, 1)),
                          rng.choice((2, 3, 3)))
    handlers = []
    # one or two internal steps, the first of them sending
    for k in range(rng.randint(1, 2)):
        role = roles[0] if k == 0 and len(roles) == 1 else rng.choice(roles)
        sendable = [m for m in messages if m.src == role.index]
        if k == 0 and not sendable:
            role = roles[messages[0].src]
            sendable = [m for m in messages if m.src == role.index]
        handlers.append(_handler(rng, f"Timer{k + 1}", role, None, messages, network,
                                 must_send=k == 0, symmetric=symmetric))
    for m in messages:
        handlers.append(_handler(rng, f"Recv{m.name}", roles[m.dst], m, messages, network,
                                 symmetric=symmetric))
    if lifted and rng.random() < (0.9 if TWINS <= seed < UNDRAWN else 0.6):
        # a second handler of the role taking one message type
        m = rng.choice(messages)
        handlers.append(_handler(rng, f"Recv{m.name}b", roles[m.dst], m, messages, network,
                                 symmetric=symmetric))

    crashes = None
    if rng.random() < (0.65 if undrawn else 0.5):
        role = rng.choice(roles)
        if not role.fields:  # (a node without a record does not crash: the kit refuses it)
            role = roles[0]
        names = [f.name for f in role.fields]
        mode = rng.choice(("restart", "stop", "crash-restart"))
        crashes = Crashes(role.index, mode,
                          tuple(n for n in names if rng.random() < 0.4),
                          tuple(n for n in names if rng.random() < 0.4),
                          rng.choice((1, 1, 2)), rng.choice((1, 1, 2)),
                          mode == "crash-restart" and rng.random() < 0.4)
    if going_round:
        crashes = None

    constraint = []
    if network.kind in ("fifo", "inbox"):
        constraint.append(Queued(rng.choice((2, 2, 3))))
    if rng.random() < 0.25 and (role := rng.choice(roles)).fields:
        bound = Not(_record_atom(rng, role, rng.randrange(role.count)))
        if role.index in alike:  # (no P node so)
            bound = Not(Some(role.index, _record_atom(rng, role, None)))
        # (else the run is its initial state; and no lasso of a temporal
        # program left to the constraint, which cmc reports as not settled)
        if initially(bound, roles) and not TEMPORAL <= seed < SYMMETRIC2:
            constraint.append(bound)

    invariants = []
    for k in range(rng.randint(1, 3)):
        for _ in range(10):  # one that holds in the initial state
            atoms = [_invariant_atom(rng, roles, messages, crashes, alike)
                     for _ in range(rng.choice((1, 2, 2)))]
            invariant = Not(atoms[0] if len(atoms) == 1 else And(tuple(atoms)))
            if initially(invariant, roles):
                break
        invariants.append((f"inv{k + 1}", invariant))
    deadlock = rng.random() < 0.3
    chosen, cut = False, None
    if seed >= PARTITIONS:
        # (a bag of one copy each is the model's: the spec schema takes no copies: yet)
        # (nor FIFO links or inboxes of a capacity, or channels, from
        # `CHANNELS`: a spec's network: fifo keeps neither)
        chosen = rng.random() < 0.5 and network.copies is None and not (
            network.kind in ("fifo", "inbox") and (network.capacity is not None or channels
                                                   or network.receive == "any"))
        # (from `UNDRAWN` FIFO links and inboxes too)
        if (network.kind == "bag" or undrawn and network.kind in ("fifo", "inbox")) \
                and rng.random() < 0.7:
            cut = _cut(rng, roles, messages) if seed < LINKS else _cut_links(rng, roles, messages)
    if symmetric:  # (a partition tells nodes apart, which TLC's SYMMETRY would not know)
        cut = None
    clock = None
    # (none from `TEMPORAL` to `SYMMETRIC2`: a horizon is a bound, which
    # settles no temporal property in cmc)
    if (seed < TWINS or undrawn) and seed >= CLOCKS and (
            seed < STAYS or rng.random() < (0.6 if undrawn else 0.75 if lifted else 0.5)) and (
            seed < GROUPS or seed >= SYMMETRIC2):
        role = roles[0]
        fire = _handler(rng, f"Fire{role.name}", role, None, messages, network,
                        symmetric=symmetric)
        fire = Handler(fire.name, fire.role, None, None, fire.updates, fire.sends,
                       fire.declares_sends)
        clock = Clocked(rng.choice((2, 2, 3)), rng.choice((0, 1, None)), fire,
                        rng.choice((1, 2)),
                        None if rng.random() < 0.4 else _bool_expr(rng, role, None),
                        tuple(h.name for h in handlers if h.role == 0 and rng.random() < 0.3))
    if seed >= STAYS:
        handlers = _staying(rng, handlers, roles, messages)
    if seed >= FULL and network.kind == "bag" and rng.random() < 0.6 and not (
            TEMPORAL <= seed < SYMMETRIC2):
        network = replace(network, full="constraint")
        constraint.append(Copies(network.capacity))
    # (from `UNDRAWN` in place of a bag or a set only, less often: the
    # FIFO links and inboxes drawn are those to partition)
    if seed >= DELAYED and clock is not None and (
            not undrawn or network.kind in ("bag", "set")) and rng.random() < (
            0.3 if undrawn else 0.6):
        # (in place of the network drawn: no spec's choice, no partition
        # below `LIFTED`)
        network = Network("delayed", rng.choice((None, 0, 1, 1)),
                          latency=rng.choice((0, 1, 1, 2)))
        chosen, cut = False, None
        if lifted and rng.random() < 0.8:
            cut = _cut(rng, roles, messages) if seed < LINKS else _cut_links(rng, roles, messages)
        if symmetric:  # (as above: from `UNDRAWN` Delayed programs may be symmetric)
            cut = None
        constraint = [c for c in constraint if not isinstance(c, (Copies, Queued))]
        constraint.append(Pending(rng.choice((2, 3))))
    if seed >= DRIFTS and clock is not None and rng.random() < 0.8:
        drift = rng.choice((0, 1, 1))
        # (no pause of a node that may crash: whether a paused node may
        # crash the kit's documentation does not say)
        pause = 0 if crashes is not None and crashes.role == 0 else rng.choice((0, 1, 2))
        if drift or pause:
            clock = replace(clock, drift=drift, pause=pause,
                            pauses=rng.choice((1, 1, 2)) if pause else 0)
    shared = ()
    if (GLOBALS <= seed < GROUPS or seed >= TEMPORAL) and rng.random() < (
            0.9 if lifted else 0.7):
        shared = tuple(Field(f"g{k}", f.size, f.initial)
                       for k, f in enumerate(_fields(rng)[:2]))
        handlers = [_sharing(rng, h, roles[h.role], messages, shared, symmetric,
                             0.6 if lifted else 0.4)
                    for h in handlers]
        if lifted and clock is not None:  # the timer's handler reading and writing them
            clock = replace(clock, fire=_sharing(rng, clock.fire, roles[0], messages, shared,
                                                 symmetric, odds=0.7))
        if undrawn and crashes is not None and rng.random() < 0.85:
            # the crash's and the restart's handlers reading and writing them
            crashes = _crash_sharing(rng, crashes, roles[crashes.role], shared, symmetric)
        if rng.random() < 0.7:
            for _ in range(10):  # one that holds in the initial state
                atoms = [_global_atom(rng, shared)] + (
                    [_invariant_atom(rng, roles, messages, crashes, alike)]
                    if rng.random() < 0.5
                    else [])
                invariant = Not(atoms[0] if len(atoms) == 1 else And(tuple(atoms)))
                if initially(invariant, roles, shared):
                    invariants.append((f"inv{len(invariants) + 1}", invariant))
                    break
    grouped = False
    if lifted and network.kind == "bag" and rng.random() < 0.85:
        # every handler reading and writing globals, receivers without a
        # record included (718a5e2); raft's groups where no clock (whose
        # timer no group lists) and no crash that keeps a node down
        network = replace(network, per_message=True)
        if undrawn:  # (any clock, its timer in its role's group, any crash)
            grouped = rng.random() < 0.7
        else:
            grouped = clock is None and (crashes is None or crashes.mode == "restart") and (
                seed >= TWINS or rng.random() < 0.5)
    elif undrawn and rng.random() < 0.4:
        grouped = True  # (raft's groups on any other network: the same steps, in order)
    elif PER_MESSAGE <= seed < LIFTED and network.kind == "bag" and rng.random() < 0.7:
        # (whose message handlers read and write no globals: Bag's docstring)
        fire = [] if clock is None else [clock.fire]
        delivered = [h for r in roles if all(h.takes is not None for h in list(handlers) + fire
                                             if h.role == r.index)
                     for h in handlers if h.role == r.index]
        if seed >= GROUPS:
            # every message handler planned message by message; none where
            # a kit bug stopped the run when this range was drawn (pinned in
            # test_kit_against_tlc.py: no clock reading, a crashed node receiving)
            delivered = [h for h in handlers if h.takes is not None]
            grouped = clock is None and (crashes is None or crashes.mode == "restart")
        if not any(h.reads() or h.writes for h in delivered) and (seed < GROUPS or grouped):
            network = replace(network, per_message=True)
        grouped = grouped and network.per_message
    temporal, fairness = (), ()
    if TEMPORAL <= seed < SYMMETRIC2:
        kinds = ("leads_to", "leads_to", "eventually_always", "always_eventually",
                 "eventually")
        temporal = tuple(
            Temporal(f"live{k + 1}", kind,
                     tuple(_predicate(rng, roles, messages, crashes, shared)
                           for _ in range(2 if kind == "leads_to" else 1)))
            for k, kind in enumerate(rng.choice(kinds) for _ in range(rng.randint(1, 2))))
        # (each condition once: a spec names a family once)
        counts, strengths = (((1, 2, 2, 3), ("weak", "strong")) if going_round
                             else ((0, 1, 1, 2, 2, 3), ("weak", "weak", "strong")))
        fairness = tuple(dict.fromkeys(_fair(rng, handlers, messages, strengths)
                                       for _ in range(rng.choice(counts))))
    if channels and network.kind not in ("fifo", "inbox"):  # (`Delayed` in their place)
        messages = tuple(replace(m, channel=None) for m in messages)
    return Program(seed, roles, messages, tuple(handlers), crashes, network, tuple(constraint),
                   tuple(invariants), deadlock, chosen, cut, clock, shared, symmetric, grouped,
                   temporal, fairness, symmetric_roles)


#: Programs written by hand where strong fairness, or fairness to each node
#: apart, decides the verdict (rare among the drawn ones): two peers on a
#: message set each send the other one M1 (`Timer1`, once) and toggle a
#: flag for ever (`Timer2`); a peer takes M1 (`RecvM1`) only while its flag
#: is up, so RecvM1 is enabled and disabled by turns; ``<>(p1 got M1)``.
HANDWRITTEN = {
    11990: "strong fairness to RecvM1, weak to each peer's toggling apart: holds",
    11991: "weak fairness to RecvM1: violated (a loop of toggles passes a state "
           "where RecvM1 is disabled)",
    11992: "strong fairness to RecvM1, weak to the toggling as one condition: violated "
           "(p0 alone toggles, p1's flag stays down)",
    11993: "strong fairness to each message's receipt apart and to each receiver's: holds",
    11994: "strong fairness to every step (SF_vars(Next)), enabled throughout: violated",
}


def handwritten(seed: int) -> Program:
    """The program `HANDWRITTEN` names `seed`."""
    peers = (Role(0, 2, (Field("b0", 0, False), Field("b1", 0, False),
                         Field("b2", 0, False))),)
    messages = (Message("M1", 0, 0, None),)
    handlers = (Handler("Timer1", 0, None, Not(F("b2")), (("b2", C(True)),),
                        (Send("M1", "next", None),)),
                Handler("Timer2", 0, None, None, (("b0", Not(F("b0"))),), ()),
                Handler("RecvM1", 0, "M1", F("b0"), (("b1", C(True)),), ()))
    sending, toggling = Fair("weak", ("Timer1",)), Fair("weak", ("Timer2",), "node")
    fairness = {11990: (sending, toggling, Fair("strong", ("RecvM1",))),
                11991: (sending, toggling, Fair("weak", ("RecvM1",))),
                11992: (sending, Fair("weak", ("Timer2",)), Fair("strong", ("RecvM1",))),
                11993: (sending, toggling, Fair("strong", ("RecvM1",), "message"),
                        Fair("strong", ("RecvM1",), "to")),
                11994: (Fair("strong", ("*",)),)}[seed]
    return Program(seed, peers, messages, handlers, None, Network("set"), (),
                   (("inv1", Not(Rec(0, 1, "b1"))),), False,
                   temporal=(Temporal("live1", "eventually", (Rec(0, 1, "b1"),)),),
                   fairness=fairness)


def _predicate(rng, roles: tuple, messages: tuple, crashes, shared: tuple):
    """A temporal property's state predicate: a condition on a record, a
    crashed node, the messages in flight or the globals, its negation, or
    a conjunction of two (or its negation)."""
    def atom():
        if shared and rng.random() < 0.25:
            return _global_atom(rng, shared)
        return _invariant_atom(rng, roles, messages, crashes)

    roll = rng.random()
    if roll < 0.5:
        return atom()
    if roll < 0.7:
        return Not(atom())
    both = And((atom(), atom()))
    return both if roll < 0.85 else Not(both)


def _fair(rng, handlers: list, messages: tuple, strengths: tuple) -> Fair:
    """A fairness condition, of one of `strengths`: to every step, to two
    handlers' steps together, or to one handler's, for each node, message,
    receiver or payload value apart or as one (`programs._fairness`)."""
    def apart(rng, h: Handler) -> str | None:
        if h.takes is None:
            return rng.choice((None, "node"))
        payload = next(m for m in messages if m.name == h.takes).payload
        return rng.choice((None, "message", "to") + (("v",) if payload is not None else ()))

    return _fairness(rng, handlers, strengths, every=0.15, apart=apart, make=Fair)


def _staying(rng, handlers: list, roles: tuple, messages: tuple) -> list:
    """`handlers` with one message handler, and each other with odds 0.3,
    leaving the message in the network: always, or where a condition over
    the record and the message holds."""
    # (not of a node without a record: the record is what Stay returns)
    receipts = [k for k, h in enumerate(handlers) if h.takes is not None and roles[h.role].fields]
    if not receipts:
        return handlers
    forced = rng.choice(receipts)
    staying = list(handlers)
    for k in receipts:
        if k == forced or rng.random() < 0.3:
            h = handlers[k]
            takes = next(m for m in messages if m.name == h.takes)
            stays = C(True) if rng.random() < 0.5 else _bool_expr(rng, roles[h.role], takes)
            staying[k] = replace(h, stays=stays)
    return staying


def _global_atom(rng, shared: tuple):
    """A condition on one field of the globals."""
    f = rng.choice(shared)
    if f.is_bool:
        return G(f.name) if rng.random() < 0.5 else Not(G(f.name))
    op = rng.choice(("=", "=", "#", "<"))
    return Cmp(op, G(f.name), C(rng.randrange(1 if op == "<" else 0, f.size)))


def _sharing(rng, h: Handler, role: Role, messages: tuple, shared: tuple,
             symmetric=False, odds=0.4) -> Handler:
    """`h` reading the globals in its guard (`odds`) and writing one of
    them (`odds`, not where the message stays: `Stay` carries no writes)."""
    takes = next((m for m in messages if m.name == h.takes), None)
    guard, writes = h.guard, ()
    if rng.random() < odds:
        atom = _global_atom(rng, shared)
        guard = atom if guard is None else And((guard, atom))
    if h.stays is None and rng.random() < odds:
        f = rng.choice(shared)
        if f.is_bool:
            expr = rng.choice((lambda: Not(G(f.name)), lambda: _bool_expr(rng, role, takes)))()
        else:
            expr = rng.choice((lambda: Mod(G(f.name), f.size, 1), lambda: C(rng.randrange(f.size)),
                               lambda: _int_expr(rng, role, takes, f.size, symmetric)))()
        writes = ((f.name, expr),)
    return replace(h, guard=guard, writes=writes)


def _crash_sharing(rng, crashes: Crashes, role: Role, shared: tuple, symmetric: bool
                   ) -> Crashes:
    """`crashes` with its handlers (the crash's, the restart's, whichever
    the mode has) each setting a field it does not reset from the globals
    (odds 0.5) and writing one of them (odds 0.7): a failure detector's
    ``failed`` in the small."""
    def one(lost: tuple) -> tuple[tuple, tuple]:
        updates, writes = (), ()
        kept = [f for f in role.fields if f.name not in lost]
        if kept and rng.random() < 0.5:
            f = rng.choice(kept)
            # (an int field from an int global; a bool one from either)
            g = rng.choice([g for g in shared if f.is_bool or not g.is_bool] or [None])
            if g is not None and f.is_bool:
                expr = rng.choice((G(g.name), Not(G(g.name)))) if g.is_bool \
                    else Cmp("=", G(g.name), C(0))
                updates = ((f.name, expr),)
            elif g is not None:
                updates = ((f.name, Mod(G(g.name), f.size, rng.choice((0, 1)))),)
        if rng.random() < 0.7:
            g = rng.choice(shared)
            if g.is_bool:
                expr = rng.choice((lambda: Not(G(g.name)), lambda: C(True),
                                   lambda: _bool_expr(rng, role, None)))()
            else:
                expr = rng.choice((lambda: Mod(G(g.name), g.size, 1),
                                   lambda: C(rng.randrange(g.size)),
                                   lambda: _int_expr(rng, role, None, g.size, symmetric)))()
            writes = ((g.name, expr),)
        return updates, writes

    if crashes.mode != "restart":
        updates, writes = one(crashes.lost_at_crash)
        crashes = replace(crashes, crash_updates=updates, crash_writes=writes)
    if crashes.mode != "stop":
        updates, writes = one(crashes.lost_at_restart)
        crashes = replace(crashes, restart_updates=updates, restart_writes=writes)
    return crashes


def _cut(rng, roles: tuple, messages: tuple) -> Cut | None:
    """A partition: a group of nodes cut off from the others, from the
    start or not, healing or not, splitting again 0 to 2 times; None where
    no message goes across it."""
    nodes = [(r.index, i) for r in roles for i in range(r.count)]
    group = tuple(sorted(rng.sample(nodes, rng.randint(1, len(nodes) - 1))))
    heals = rng.random() < 0.8
    cut = Cut(group, rng.random() < 0.5, rng.choice((0, 1, 1, 2)), heals)
    return cut if _cuts_something(messages, roles, cut) else None


def _cut_links(rng, roles: tuple, messages: tuple) -> Cut | None:
    """A partition given as links (odds 1/2: one to three pairs of nodes
    some message type goes between) or as groups (two or three, a node in
    none on odds 1/4), from the start or not, healing or not, splitting
    again 0 to 2 times; None where no message goes across it."""
    nodes = [(r.index, i) for r in roles for i in range(r.count)]
    cut = Cut((), rng.random() < 0.5, rng.choice((0, 1, 1, 2)), rng.random() < 0.8)
    talking = [(a, b) for k, a in enumerate(nodes) for b in nodes[k + 1:]
               if any({m.src, m.dst} == {a[0], b[0]} for m in messages)]
    if rng.random() < 0.5:
        if not talking:
            return None
        return replace(cut, links=tuple(sorted(rng.sample(talking, rng.randint(
            1, min(3, len(talking)))))))
    count = 3 if len(nodes) >= 3 and rng.random() < 0.5 else 2
    for _ in range(10):  # (each group of at least one node)
        place = {n: -1 if rng.random() < 0.25 else rng.randrange(count) for n in nodes}
        groups = tuple(tuple(n for n in nodes if place[n] == g) for g in range(count))
        if all(groups):
            break
    else:
        return None
    links = tuple((a, b) for k, a in enumerate(nodes) for b in nodes[k + 1:]
                  if place[a] >= 0 and place[b] >= 0 and place[a] != place[b])
    cut = replace(cut, links=links, groups=groups)
    return cut if any(link in talking for link in links) else None


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


def _network(rng, kinds: tuple) -> Network:
    """A network of one of `kinds` (drawn as often as each is listed)."""
    kind = rng.choice(kinds)
    if kind == "bag":
        return Network("bag", rng.choice((None, 0, 1, 1, 2)), rng.choice((None, 0, 1)),
                       rng.choice((2, 3, 3)))
    if kind == "set":
        return Network("set")
    return Network(kind, rng.choice((None, 0, 1, 1)))


def _int_expr(rng, role: Role, takes: Message | None, size: int, symmetric=False):
    """An expression of values 0..size-1 over the record (and the message);
    where `symmetric`, of no node's id."""
    options = [lambda: C(rng.randrange(size))] + ([] if symmetric
                                                  else [lambda: Mod(Me(), size)])
    ints = [f for f in role.fields if not f.is_bool]
    if ints:
        options += [lambda: Mod(F(rng.choice(ints).name), size, rng.choice((0, 1, 1)))] * 2
    if takes is not None:
        if not symmetric:
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


def _guard(rng, role: Role, takes: Message | None, symmetric=False):
    atoms = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        if takes is not None and (takes.payload is not None or not symmetric) \
                and rng.random() < 0.4:
            options = [] if symmetric else [Cmp("=", Src(), C(rng.randrange(2)))]
            if takes.payload is not None:
                options.append(V() if takes.payload.is_bool and rng.random() < 0.5
                               else Not(V()) if takes.payload.is_bool
                               else Cmp(rng.choice(("=", "#")), V(), C(rng.randrange(2))))
                ints = [f for f in role.fields if not f.is_bool]
                if not takes.payload.is_bool and ints:
                    options.append(Cmp("=", V(), F(rng.choice(ints).name)))
            atoms.append(rng.choice(options))
        elif role.fields:  # (a node without a record: none)
            atoms.append(_record_atom(rng, role, None))
    return None if not atoms else atoms[0] if len(atoms) == 1 else And(tuple(atoms))


def _handler(rng, name, role: Role, takes: Message | None, messages, network,
             must_send=False, symmetric=False) -> Handler:
    """A handler; where `symmetric`, one that treats every node alike: no
    id read, no message to the next node."""
    guard = _guard(rng, role, takes, symmetric)
    for _ in range(10 if must_send else 0):  # the first timer can fire at the start
        if guard is None or initially(guard, (role,)):
            break
        guard = _guard(rng, role, takes, symmetric)
    updates = []
    for f in rng.sample(role.fields, rng.choice((0, 1, 1, 2)) if len(role.fields) > 1
                        else rng.choice((0, 1, 1)) if role.fields else 0):
        expr = (_bool_expr(rng, role, takes) if f.is_bool
                else _int_expr(rng, role, takes, f.size, symmetric))
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
        tos = ["all"] if symmetric else ["next", "all"]
        if takes is not None and takes.src == m.dst:
            tos += ["reply", "reply"]
        payload = None
        if m.payload is not None:
            payload = (_bool_expr(rng, role, takes) if m.payload.is_bool
                       else _int_expr(rng, role, takes, m.payload.size, symmetric))
        sends.append(Send(m.name, rng.choice(tos), payload))
    return Handler(name, role.index, None if takes is None else takes.name, guard,
                   tuple(updates), tuple(sends),
                   network.kind == "set" and bool(sends) and rng.random() < 0.5)


def _invariant_atom(rng, roles, messages, crashes, alike=()):
    """A condition on the state; on a node of a role in `alike` (whose
    nodes are interchangeable), one on some node of the role, not a given
    one."""
    r = rng.random()
    if crashes is not None and crashes.mode != "restart" and r < 0.2:
        if crashes.role in alike:
            return Some(crashes.role, None)
        return IsDown(crashes.role, rng.randrange(roles[crashes.role].count))
    if r < 0.4:
        m = rng.choice(messages)
        value = None
        if m.payload is not None and rng.random() < 0.7:
            value = rng.random() < 0.5 if m.payload.is_bool else rng.randrange(m.payload.size)
        return InFlight(m.name, value)
    role = rng.choice([r for r in roles if r.fields])
    if role.index in alike:
        return Some(role.index, _record_atom(rng, role, None))
    return _record_atom(rng, role, rng.randrange(role.count))


# -- TLA+ ----------------------------------------------------------------------------------


def variables(p: Program) -> list[str]:
    names = [f"rec_{r.name}" for r in p.roles if r.fields] + (["glob"] if p.shared else [])
    if p.crashes is not None and p.crashes.mode != "restart":
        names.append(f"down_{p.roles[p.crashes.role].name}")
    names += budgets(p)
    if p.cut is not None:
        names += ["pdown", "splits"]  # the links down or not; the splits left
    if p.clock is not None:
        names.append("now")
        # each P node's clock's offset from now; its pause's ticks left; the pauses left
        names += (["skew"] if p.clock.drift else []) + (["paused", "pauses"] if p.clock.pause
                                                        else [])
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


def node_ids(p: Program, role: Role) -> str:
    """The set of `role`'s nodes in TLA+: model values (``Ps``, ``Qs``)
    where they are interchangeable, else ``0..n-1``."""
    if p.interchangeable(role.index):
        return ROLES[role.index][1].capitalize()
    return f"0..{role.count - 1}"


def reading(p: Program, role: int) -> str:
    """The clock reading of node ``i`` of `role` in TLA+: a P node's own
    clock (``now`` and its offset), another's ``now``."""
    return "(now + skew[i])" if role == 0 and p.clock.drift else "now"


#: a timer's deadline None, in TLA+ (no time reaches it; Naturals have no -1)
NO_ALARM = 99


def _tla_alarm(p: Program) -> str:
    return str(NO_ALARM if p.clock.alarm is None else p.clock.alarm)


def _links(p: Program) -> list[str]:
    """Every queue's key: a link <<src role, src, dst role, dst>> (FIFO) or
    a receiver <<role, id>> (inbox)."""
    keys = []
    if p.symmetric:
        return _symmetric_links(p)
    for m in p.messages:
        src, dst = p.roles[m.src], p.roles[m.dst]
        channel = _channel(p, m)
        for j in range(dst.count):
            if p.network.kind == "inbox":
                keys.append(f'<<"{dst.name}", {j}{channel}>>')
            else:
                keys += [f'<<"{src.name}", {i}, "{dst.name}", {j}{channel}>>'
                         for i in range(src.count)]
    return list(dict.fromkeys(keys))


def _channel(p: Program, m: Message) -> str:
    """A queue key's last part for messages of type `m` where some type
    names a channel (``, "c1"``; ``, ""`` for a type that names none),
    else nothing: keys as before `CHANNELS`."""
    if not any(other.channel for other in p.messages):
        return ""
    return f', "{m.channel or ""}"'


def _symmetric_links(p: Program) -> list[str]:
    """`_links` where the P nodes are model values: sets of keys."""
    keys = []
    for m in p.messages:
        src, dst = p.roles[m.src], p.roles[m.dst]
        channel = _channel(p, m)
        if p.network.kind == "inbox":
            keys.append(f'{{<<"{dst.name}", j{channel}>> : j \\in {node_ids(p, dst)}}}')
        else:
            keys.append(f'{{<<"{src.name}", i, "{dst.name}", j{channel}>> : '
                        f'i \\in {node_ids(p, src)}, j \\in {node_ids(p, dst)}}}')
    return list(dict.fromkeys(keys))


def _network_operators(p: Program) -> list[str]:
    kind = p.network.kind
    if kind == "set":
        return ["Recv(n, m) == n",
                "SendAll(n, s) == n \\cup {s[k] : k \\in 1..Len(s)}",
                "InFlight == net", "Deliverable == net", "NetInit == {}"]
    if kind == "delayed":
        # a bag of (message, ticks left) entries; receiving or dropping takes
        # the copy with the fewest ticks left (Delayed's docstring); one sent
        # over a link that a partition has down is lost, never due
        sent = f"Add(n, <<Head(s), {p.network.latency}>>)"
        if p.cut is not None:
            sent = f"IF Lost(Head(s)) THEN n ELSE {sent}"
        return _ends(p) + (_lost(p) if p.cut is not None else []) + [
                "Take(n, e) == IF n[e] = 1 THEN [x \\in DOMAIN n \\ {e} |-> n[x]]",
                "                        ELSE [n EXCEPT ![e] = @ - 1]",
                ("First(n, m) == CHOOSE e \\in DOMAIN n : e[1] = m /\\ "
                 "\\A f \\in DOMAIN n : f[1] = m => e[2] <= f[2]"),
                "Recv(n, m) == Take(n, First(n, m))",
                "Add(n, m) == IF m \\in DOMAIN n THEN [n EXCEPT ![m] = @ + 1]",
                "             ELSE [x \\in DOMAIN n \\cup {m} |-> IF x = m THEN 1 ELSE n[x]]",
                "RECURSIVE SendAll(_, _)",
                "SendAll(n, s) == IF s = <<>> THEN n",
                f"                 ELSE SendAll({sent}, Tail(s))",
                "RECURSIVE Sum(_, _)",
                "Sum(n, S) == IF S = {} THEN 0 ELSE LET x == CHOOSE y \\in S : TRUE",
                "                                   IN n[x] + Sum(n, S \\ {x})",
                "Size(n) == Sum(n, DOMAIN n)",
                "Dec(e) == <<e[1], IF e[2] > 0 THEN e[2] - 1 ELSE 0>>",
                ("Later(n) == [e \\in {Dec(f) : f \\in DOMAIN n} |-> "
                 "Sum(n, {f \\in DOMAIN n : Dec(f) = e})]"),
                "InFlight == {e[1] : e \\in DOMAIN net}", "Deliverable == InFlight",
                "NetInit == [x \\in {} |-> 0]"]
    if kind == "bag" and p.network.copies == 1:
        # the set of messages in flight, from which receipt removes
        # (PlusCal's inbox \cup {m}, inbox \ {m}): Bag's docstring, copies=1
        return _ends(p) + _lost(p) + [
                "Recv(n, m) == n \\ {m}",
                "RECURSIVE SendAll(_, _)",
                "SendAll(n, s) == IF s = <<>> THEN n",
                "                 ELSE SendAll(IF Lost(Head(s)) THEN n ELSE n \\cup {Head(s)}, "
                "Tail(s))",
                "Size(n) == Cardinality(n)",
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
    # (from `CHANNELS`, where a type names one, each type's channel last)
    chan = ", Chan[m.type]" if any(m.channel for m in p.messages) else ""
    key = (f"<<DstRole[m.type], m.to{chan}>>" if kind == "inbox"
           else f"<<SrcRole[m.type], m.frm, DstRole[m.type], m.to{chan}>>")
    channels = [] if not chan else ["Chan == " + " @@ ".join(
        f'"{m.name}" :> "{m.channel or ""}"' for m in p.messages)]
    # (from `CHANNELS`: a send into a queue of Cap messages waits, a receipt
    # leaving its queue first; a message lost across the partition takes no room)
    room = [] if p.network.capacity is None else [
            f"Cap == {p.network.capacity}",
            "RECURSIVE Room(_, _)",
            "Room(n, s) == IF s = <<>> THEN TRUE",
            *(["              ELSE IF Lost(Head(s)) THEN Room(n, Tail(s))"]
              if p.cut is not None else []),
            "              ELSE Len(n[Key(Head(s))]) < Cap",
            "                   /\\ Room([n EXCEPT ![Key(Head(s))] = Append(@, Head(s))],",
            "                             Tail(s))"]
    union = " \\cup ".join(_links(p))
    keys = f"Keys == {union}" if p.symmetric else f"Keys == {{{', '.join(_links(p))}}}"
    queued = "[n EXCEPT ![Key(Head(s))] = Append(@, Head(s))]"
    # (a message sent over a link that a partition has down is lost; those
    # queued stay: `_Queues`'s docstring)
    sent = queued if p.cut is None else f"IF Lost(Head(s)) THEN n ELSE {queued}"
    # (from `ANYWHERE`: an inbox's receipt or drop takes the qi-th message of queue qk)
    anywhere = [] if p.network.receive != "any" else [
            "RemoveAt(n, k, j) == [n EXCEPT ![k] = SubSeq(@, 1, j - 1) \\o SubSeq(@, j + 1, "
            "Len(@))]"]
    return _ends(p) + (_lost(p) if p.cut is not None else []) + channels + [
            keys,
            f"Key(m) == {key}", *room,
            "Recv(n, m) == [n EXCEPT ![Key(m)] = Tail(@)]", *anywhere,
            "RECURSIVE SendAll(_, _)",
            "SendAll(n, s) == IF s = <<>> THEN n",
            f"                 ELSE SendAll({sent}, Tail(s))",
            "Full == {k \\in Keys : net[k] # <<>>}",
            "InFlight == UNION {{net[k][j] : j \\in 1..Len(net[k])} : k \\in Full}",
            "Deliverable == " + ("InFlight" if p.network.receive == "any"
                                 else "{Head(net[k]) : k \\in Full}"),
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
    links = ", ".join(f'{{<<"{ROLES[a[0]][0]}", {a[1]}>>, <<"{ROLES[b[0]][0]}", {b[1]}>>}}'
                      for a, b in p.cut.down(p.roles))
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
        elif p.interchangeable(m.dst):  # (to each other node, in any order: no queue
            # holds two of them)
            ids = node_ids(p, p.roles[m.dst])
            others = f"{ids} \\ {{i}}" if m.src == m.dst else ids
            parts.append(f"SetSeq({{{_tla_message(p, send, 'j')} : j \\in {others}}})")
        else:
            for j in range(count):
                one = f"<<{_tla_message(p, send, str(j))}>>"
                parts.append(f"(IF i = {j} THEN <<>> ELSE {one})" if m.src == m.dst else one)
    return " \\o ".join(parts) if parts else "<<>>"


def _tla_handler(p: Program, h: Handler, names: list[str]) -> list[str]:
    role = p.roles[h.role]
    rec = f"rec_{role.name}"
    lines = [f"{h.name} =="]
    # (from `ANYWHERE`: an inbox's message at any position qi of its queue qk)
    anywhere = p.network.receive == "any"
    taken = ("  \\E qk \\in Full : \\E qi \\in 1..Len(net[qk]) : LET m == net[qk][qi] IN "
             f'm.type = "{h.takes}" /\\' if anywhere
             else f'  \\E m \\in Deliverable : m.type = "{h.takes}" /\\')
    if h.takes is not None and not role.fields:  # (a node without a record)
        lines += [taken, "    LET i == m.to IN"]
        received = "RemoveAt(net, qk, qi)" if anywhere else "Recv(net, m)"
    elif h.takes is not None:
        lines += [taken, "    LET i == m.to", f"        s == {rec}[i] IN"]
        received = "RemoveAt(net, qk, qi)" if anywhere else "Recv(net, m)"
        if h.stays == C(True):  # (the message stays in the network: Stay)
            received = "net"
        elif h.stays is not None:
            received = f"(IF {tla(h.stays)} THEN net ELSE {received})"
    else:
        lines += [f"  \\E i \\in {node_ids(p, role)} :"] + (
            [f"    LET s == {rec}[i] IN"] if role.fields else [])
        received = "net"
    conjuncts = []
    if p.crashes is not None and p.crashes.role == h.role and p.crashes.mode != "restart":
        conjuncts.append(f"~down_{role.name}[i]")
    if p.clock is not None and p.clock.pause and h.role == 0:  # a paused node takes no step
        conjuncts.append("paused[i] = 0")
    if h.guard is not None:
        conjuncts.append(tla(h.guard))
    updates = [f"!.{field} = {tla(e)}" for field, e in h.updates]
    now = reading(p, h.role) if p.clock is not None else None
    if p.clock is not None and h is p.clock.fire:
        conjuncts.append(f"s.alarm # {NO_ALARM} /\\ {now} >= s.alarm")
        again = f"{now} + {p.clock.period}"
        updates.append("!.alarm = " + (again if p.clock.rearm is None else
                                       f"IF {tla(p.clock.rearm)} THEN {again} ELSE {NO_ALARM}"))
    elif p.clock is not None and h.name in p.clock.resets:
        updates.append(f"!.alarm = {now} + 1")
    changed = [rec]
    if h.writes:
        writes = ", ".join(f"!.{field} = {tla(e)}" for field, e in h.writes)
        conjuncts.append(f"glob' = [glob EXCEPT {writes}]")
        changed.append("glob")
    if updates:
        excepts = ", ".join(updates)
        conjuncts.append(f"{rec}' = [{rec} EXCEPT ![i] = [s EXCEPT {excepts}]]")
    else:
        changed.remove(rec)
    if p.network.kind in ("fifo", "inbox") and p.network.capacity is not None \
            and _tla_sends(p, h) != "<<>>":
        conjuncts.append(f"Room({received}, {_tla_sends(p, h)})")
    conjuncts.append(f"net' = SendAll({received}, {_tla_sends(p, h)})")
    changed.append("net")
    if (p.network.kind == "bag" and p.network.capacity is not None
            and p.network.full == "wait"):
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
            where = "net" if net.copies == 1 else "DOMAIN net"  # (a set of one copy each)
            actions.append(("Drop", [f"  \\E m \\in {where} :", "    /\\ drops > 0",
                                     "    /\\ net' = Recv(net, m)", "    /\\ drops' = drops - 1",
                                     *unchanged("net", "drops")]))
        if net.duplicates is not None:
            room = [] if net.capacity is None else [f"    /\\ Size(net) < {net.capacity}"]
            # (a copy between nodes whose link is down is lost, as a message sent)
            copy = "Add(net, m)" if p.cut is None else "IF Lost(m) THEN net ELSE Add(net, m)"
            actions.append(("Duplicate", ["  \\E m \\in DOMAIN net :", "    /\\ dups > 0", *room,
                                          f"    /\\ net' = {copy}", "    /\\ dups' = dups - 1",
                                          *unchanged("net", "dups")]))
    elif net.kind == "delayed" and net.drops is not None:  # (the copy due first)
        actions.append(("Drop", ["  \\E m \\in Deliverable :", "    /\\ drops > 0",
                                 "    /\\ net' = Recv(net, m)", "    /\\ drops' = drops - 1",
                                 *unchanged("net", "drops")]))
    elif net.kind in ("fifo", "inbox") and net.drops is not None and net.receive == "any":
        # (from `ANYWHERE`: any message of an inbox, at any position)
        actions.append(("Drop", ["  \\E qk \\in Full : \\E qi \\in 1..Len(net[qk]) :",
                                 "    /\\ drops > 0", "    /\\ net' = RemoveAt(net, qk, qi)",
                                 "    /\\ drops' = drops - 1", *unchanged("net", "drops")]))
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
        ids = node_ids(p, role)

        def reset(lost, updates=()):
            if not lost and not updates:
                return "@"
            # (from `UNDRAWN` fields set from the record taken, ``s``, and the globals)
            return (("[@ EXCEPT " if not updates else "[s EXCEPT ")
                    + ", ".join([f"!.{f} = {tla_value(role.field(f).initial)}" for f in lost]
                                + [f"!.{f} = {tla(e)}" for f, e in updates]) + "]")

        def handler(which, lost, head, *rest):
            """The crash's or the restart's action (`which`): `head` the
            conjuncts before its record's change, `rest` (lines, then the
            variables they change) after; what it writes of the globals."""
            updates, writes = getattr(c, f"{which}_updates"), getattr(c, f"{which}_writes")
            changes = [rec, *rest[-1]]
            lines = [f"  \\E i \\in {ids} :"]
            if updates or writes:  # (the record it takes: a crashed node's, what survived)
                lines.append(f"    LET s == {rec}[i] IN")
            lines += head + [f"    /\\ {rec}' = [{rec} EXCEPT ![i] = {reset(lost, updates)}]"]
            if writes:
                lines.append("    /\\ glob' = [glob EXCEPT "
                             + ", ".join(f"!.{g} = {tla(e)}" for g, e in writes) + "]")
                changes.append("glob")
            return lines + list(rest[:-1]) + unchanged(*changes)

        if c.mode == "restart":
            actions.append((f"Restart{role.name}", handler(
                "restart", c.lost_at_restart, ["    /\\ restarts > 0"],
                "    /\\ restarts' = restarts - 1", ["restarts"])))
        else:
            actions.append((f"Crash{role.name}", handler(
                "crash", c.lost_at_crash, [f"    /\\ ~{down}[i]", "    /\\ crashes > 0"],
                f"    /\\ {down}' = [{down} EXCEPT ![i] = TRUE]",
                "    /\\ crashes' = crashes - 1", [down, "crashes"])))
        if c.mode == "crash-restart":
            budget = "crashes" if c.shared else "restarts"
            actions.append((f"Restart{role.name}", handler(
                "restart", c.lost_at_restart, [f"    /\\ {down}[i]", f"    /\\ {budget} > 0"],
                f"    /\\ {down}' = [{down} EXCEPT ![i] = FALSE]",
                f"    /\\ {budget}' = {budget} - 1", [down, budget])))
    return actions


def tla_module(p: Program) -> str:
    names = variables(p)
    # (a clock that drifts has offsets below 0)
    numbers = "Integers" if p.clock is not None and p.clock.drift else "Naturals"
    # (a bag of one copy each: a set, its size a cardinality)
    finite = ", FiniteSets" if p.network.kind == "bag" and p.network.copies == 1 else ""
    lines = [f"---- MODULE {MODULE} ----", f"EXTENDS {numbers}, Sequences{finite}, TLC"]
    if p.symmetric and p.symmetric_roles == (0,):  # the P nodes, model values, interchangeable
        lines += ["CONSTANT Ps", "Sym == Permutations(Ps)"]
    elif p.symmetric:  # and the Q nodes: the product of the two groups, not their union
        lines += ["CONSTANT Ps, Qs",
                  "Sym == {p @@ q : p \\in Permutations(Ps), q \\in Permutations(Qs)}"]
    if p.symmetric:
        lines += ["RECURSIVE SetSeq(_)",
                  "SetSeq(S) == IF S = {} THEN <<>> ELSE LET x == CHOOSE y \\in S : TRUE",
                  "                                   IN <<x>> \\o SetSeq(S \\ {x})"]
    if p.network.per_message:
        lines.append("\\* the bag delivers message by message (per_message): the same steps, "
                     "in another order")
    if p.grouped:
        lines.append("\\* the model's next: each role's steps, then its message handlers")
    lines += [f"VARIABLES {', '.join(names)}", f"vars == <<{', '.join(names)}>>", ""]
    lines += _network_operators(p)
    init = [f"rec_{r.name} = [i \\in {node_ids(p, r)} |-> "
            f"{tla_record(r.fields, _tla_alarm(p) if p.clock and r.index == 0 else None)}]"
            for r in p.roles if r.fields]
    if p.crashes is not None and p.crashes.mode != "restart":
        role = p.roles[p.crashes.role]
        init.append(f"down_{role.name} = [i \\in {node_ids(p, role)} |-> FALSE]")
    if p.shared:
        init.append(f"glob = {tla_record(p.shared)}")
    init += [f"{b} = {budget_value(p, b)}" for b in budgets(p)]
    if p.cut is not None:
        init += [f"pdown = {tla_value(p.cut.from_start)}", f"splits = {p.cut.splits}"]
    if p.clock is not None:
        init.append("now = 0")
        ps = node_ids(p, p.roles[0])
        if p.clock.drift:
            init.append(f"skew = [i \\in {ps} |-> 0]")
        if p.clock.pause:
            init += [f"paused = [i \\in {ps} |-> 0]", f"pauses = {p.clock.pauses}"]
    init.append("net = NetInit")
    lines += ["", "Init =="] + [f"  /\\ {c}" for c in init]
    actions = []
    for h in p.handlers + ((p.clock.fire,) if p.clock is not None else ()):
        lines += _tla_handler(p, h, names) if not p.temporal else _tla_handler_of(p, h, names)
        actions.append(h.name)
    if p.clock is not None:
        # time passes while no running P node has its timer due
        role = p.roles[0]
        up = (f"~down_{role.name}[i] /\\ " if p.crashes is not None and p.crashes.role == 0
              and p.crashes.mode != "restart" else "")
        if p.clock.pause:
            up += "paused[i] = 0 /\\ "
        due = (f"{up}rec_{role.name}[i].alarm # {NO_ALARM} /\\ {reading(p, 0)} >= "
               f"rec_{role.name}[i].alarm")
        lines += ["Tick ==", f"  /\\ now < {p.clock.horizon}",
                  f"  /\\ ~\\E i \\in {node_ids(p, role)} : {due}", "  /\\ now' = now + 1"]
        ticking = ["now"]
        if p.network.kind == "delayed":
            # nor while a message is due, unless its receiver is paused or
            # down (it runs nothing: as its timer, the message holds no tick)
            waiting = []
            if p.clock.pause:
                waiting.append('(DstRole[e[1].type] = "P" /\\ paused[e[1].to] > 0)')
            if p.crashes is not None and p.crashes.mode != "restart":
                crashing = p.roles[p.crashes.role].name
                waiting.append(f'(DstRole[e[1].type] = "{crashing}" /\\ '
                               f'down_{crashing}[e[1].to])')
            either = " \\/ ".join(waiting)
            waits = (f" /\\ ~{either}" if len(waiting) == 1
                     else f" /\\ ~({either})" if waiting else "")
            lines += [f"  /\\ ~\\E e \\in DOMAIN net : e[2] = 0{waits}",
                      "  /\\ net' = Later(net)"]
            ticking.append("net")
        if p.clock.pause:
            lines.append("  /\\ paused' = [i \\in DOMAIN paused |-> "
                         "IF paused[i] > 0 THEN paused[i] - 1 ELSE 0]")
            ticking.append("paused")
        if p.clock.drift:  # a node's clock may stand still in the tick
            lines += ["  /\\ \\/ skew' = skew",
                      (f"     \\/ \\E i \\in DOMAIN skew : skew[i] > -{p.clock.drift} /\\ "
                       "skew' = [skew EXCEPT ![i] = @ - 1]")]
            ticking.append("skew")
        lines.append(f"  /\\ UNCHANGED <<{', '.join(v for v in names if v not in ticking)}>>")
        actions.append("Tick")
        if p.clock.drift:  # between ticks a node's clock may jump ahead
            lines += ["Rush ==", (f"  \\E i \\in DOMAIN skew : skew[i] < {p.clock.drift} /\\ "
                                  "skew' = [skew EXCEPT ![i] = @ + 1]"),
                      f"  /\\ UNCHANGED <<{', '.join(v for v in names if v != 'skew')}>>"]
            actions.append("Rush")
        if p.clock.pause:
            lines += ["Pause ==", "  \\E i \\in DOMAIN paused :", "    /\\ pauses > 0",
                      "    /\\ paused[i] = 0",
                      f"    /\\ paused' = [paused EXCEPT ![i] = {p.clock.pause}]",
                      "    /\\ pauses' = pauses - 1",
                      ("    /\\ UNCHANGED <<"
                       f"{', '.join(v for v in names if v not in ('paused', 'pauses'))}>>")]
            actions.append("Pause")
    for name, body in _tla_faults(p, names):
        lines += [f"{name} =="] + body
        actions.append(name)
    lines += ["Step ==", "  \\/ " + "\n  \\/ ".join(actions)]
    if p.network.full == "wait":
        lines.append("Next == Step /\\ vars' # vars  \\* a step that changes nothing is not "
                     "generated")
    else:
        # nor one that leaves the constraint (the bag over its capacity)
        # and changes no node's record (Bag's docstring: full="constraint")
        # nor the globals (whose invariants the state outside would not
        # answer as this one: the docstring's reason)
        records = ", ".join([f"rec_{r.name}" for r in p.roles if r.fields]
                            + (["glob"] if p.shared else []))
        lines += [f"Fits == Size(net') <= {p.network.capacity} \\/ <<{records}>>' # <<{records}>>",
                  ("Next == Step /\\ vars' # vars /\\ Fits  \\* a step that changes nothing, "
                   "or only overfills the bag, is not generated")]
    lines += ["Spec == Init /\\ [][Next]_vars" + "".join(
                  f"\n  /\\ {_tla_fairness(p, f)}" for f in p.fairness),
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
    for t in p.temporal:
        lines.append(f"{t.name} == " + FORMULAS[t.kind].format(*(tla(e) for e in t.parts)))
    lines.append("====")
    return "\n".join(lines) + "\n"


#: a temporal property's formula in TLA+, by kind
FORMULAS = {"eventually": "<>{0}", "always_eventually": "[]<>{0}",
            "eventually_always": "<>[]{0}", "leads_to": "{0} ~> {1}"}


def _tla_handler_of(p: Program, h: Handler, names: list[str]) -> list[str]:
    """`h` as a temporal program writes it, for its fairness: each step
    of one node (``Timer1Of(i)``) or of one message (``RecvM1Of(m)``) an
    action of its own, and the handler's steps all of them."""
    lines = _tla_handler(p, h, names)
    role = p.roles[h.role]
    if h.takes is not None:  # (the message named, not chosen)
        lines[:2] = [f"{h.name}Of(m) ==", f'  m \\in Deliverable /\\ m.type = "{h.takes}" /\\']
        return lines + [f"{h.name} == \\E m \\in Deliverable : {h.name}Of(m)"]
    lines[:2] = [f"{h.name}Of(i) =="]
    return lines + [f"{h.name} == \\E i \\in {node_ids(p, role)} : {h.name}Of(i)"]


def _tla_values(payload: Field | None) -> str:
    """The values of a message's payload in TLA+ (0 where it has none)."""
    if payload is None:
        return "{0}"
    return "BOOLEAN" if payload.is_bool else f"0..{payload.size - 1}"


def _tla_fairness(p: Program, f: Fair) -> str:
    """Fairness condition `f` in TLA+ (docs/liveness.md, *Fairness as TLA+
    writes it*): ``Name(*)`` one condition per message, ``Name(m.to=*)``
    per receiver, ``Name(node=*)`` per node; a quantified one in brackets
    (a conjunct after it would be in its scope)."""
    condition = _tla_condition(p, f)
    return f"({condition})" if condition.startswith("\\A") else condition


def _tla_condition(p: Program, f: Fair) -> str:
    sf = "WF" if f.strength == "weak" else "SF"
    if f.handlers == ("*",):
        return f"{sf}_vars(Next)"
    if f.per is None:
        return f"{sf}_vars(" + " \\/ ".join(f.handlers) + ")"
    (name,) = f.handlers
    h = next(h for h in p.handlers if h.name == name)
    role = p.roles[h.role]
    if f.per == "node":
        return f"\\A i \\in {node_ids(p, role)} : {sf}_vars({name}Of(i))"
    m = p.message(h.takes)
    if f.per == "message":
        every = (f'[type : {{"{m.name}"}}, frm : {node_ids(p, p.roles[m.src])}, '
                 f"to : {node_ids(p, role)}, v : {_tla_values(m.payload)}]")
        return f"\\A m \\in {every} : {sf}_vars({name}Of(m))"
    if f.per == "to":
        return (f"\\A j \\in {node_ids(p, role)} : "
                f"{sf}_vars(\\E m \\in Deliverable : m.to = j /\\ {name}Of(m))")
    # (the type first: another type's payload may be of another kind, or none)
    return (f"\\A x \\in {_tla_values(m.payload)} : {sf}_vars(\\E m \\in Deliverable : "
            f'm.type = "{m.name}" /\\ m.v = x /\\ {name}Of(m))')


def tla_config(p: Program, kind: str, name: str | None) -> str:
    """The configuration of one check. The deadlock check is TLC's
    command-line flag (`tlc_deadlock`), not a line here."""
    lines = ["SPECIFICATION SpecAll" if kind == "deadlock" else "SPECIFICATION Spec"]
    if p.symmetric:
        lines += [f"CONSTANT {ROLES[r][1].capitalize()} = {{"
                  + ", ".join(f"{ROLES[r][2]}{i}" for i in range(p.roles[r].count)) + "}"
                  for r in p.symmetric_roles] + ["SYMMETRY Sym"]
    if p.constraint:
        lines.append("CONSTRAINT Constr")
    if kind == "invariant":
        lines.append(f"INVARIANT {name}")
    if kind == "temporal":
        lines.append(f"PROPERTY {name}")
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
    reads, shares = h.reads(), ""
    if reads:  # (each given as the keyword of its name)
        shares += f", reads_globals={tuple(reads)!r}"
        now += "".join(f", {name}" for name in reads)
    if h.writes:
        shares += f", writes_globals={tuple(f for f, _ in h.writes)!r}"
    sends += shares
    own = ", s" if p.roles[h.role].fields else ""  # (a node without a record: none)
    if p.clock is not None and h is p.clock.fire:
        head = [f'    @on_timer({h.name}, deadline="alarm"{shares})',
                f"    def {method}(self, s{now}):"]
    elif h.takes is not None:
        head = [f"    @on({h.takes}, {h.name}{sends})", f"    def {method}(self{own}, m{now}):"]
    else:
        head = [f"    @step({h.name}{sends})", f"    def {method}(self{own}{now}):"]
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
    result = f"{record}, {_py_sends(p, h)}" if own else _py_sends(p, h)
    if h.writes:
        result += ", {" + ", ".join(f"{f!r}: {py(e)}" for f, e in h.writes) + "}"
    if h.stays == C(True):
        result = f"Stay({result})"
    elif h.stays is not None:
        result = f"(Stay({result}) if {py(h.stays)} else ({result}))"
    body.append(f"        return {result}")
    return head + body


def _py_reset(role: Role, lost: tuple, updates: tuple = ()) -> str:
    if not lost and not updates:
        return "s"
    return "s._replace(" + ", ".join([f"{f}={role.field(f).initial!r}" for f in lost]
                                     + [f"{f}={py(e)}" for f, e in updates]) + ")"


def _py_crash(p: Program, role: Role, which: str) -> list[str]:
    """The crash's (`which` "crash") or the restart's handler of `role`."""
    c = p.crashes
    lost = c.lost_at_crash if which == "crash" else c.lost_at_restart
    updates, writes = getattr(c, f"{which}_updates"), getattr(c, f"{which}_writes")
    budget = "crashes" if which == "crash" or c.shared else "restarts"
    reads, shares = c.reads(which), ""
    if reads:  # (each given as the keyword of its name)
        shares += f", reads_globals={tuple(reads)!r}"
    if writes:
        shares += f", writes_globals={tuple(g for g, _ in writes)!r}"
    result = _py_reset(role, lost, updates)
    if writes:
        result += ", {" + ", ".join(f"{g!r}: {py(e)}" for g, e in writes) + "}"
    return ["", f'    @on_{which}({which.capitalize()}{role.name}, budget="{budget}"{shares})',
            f"    def {which}(self, s{''.join(f', {g}' for g in reads)}):",
            f"        return {result}"]


def cmc_model(p: Program) -> str:
    """The program as a kit model, as a user would write it."""
    kit = {"ActorModel", "Node", "ids", "on", "step",
           {"bag": "Bag", "set": "MessageSet", "fifo": "Fifo", "inbox": "Inbox",
            "delayed": "ActorModel"}[p.network.kind]}
    c = p.crashes
    if c is not None:
        kit |= {"restart": {"on_restart"}, "stop": {"on_crash"},
                "crash-restart": {"on_crash", "on_restart"}}[c.mode]
    if p.chosen:  # (the model declares a bag, the spec chooses)
        kit = kit - {"MessageSet", "Fifo", "Inbox"} | {"Bag"}
    if p.cut is not None and partition_in_model(p):
        kit.add("Partition")
    checker = ["Param"] + (["invariant"] if invariants_in_model(p) else [])
    if invariants_in_model(p):  # (the temporal properties with them)
        checker += sorted({t.kind for t in p.temporal})
    lines = [f'"""Program {p.seed} of tests/tlc_diff/kit_programs.py."""', "",
             "from typing import NamedTuple", "", f"from checker import {', '.join(checker)}",
             f"from models.kit import {', '.join(sorted(kit, key=str.lower))}"]
    if p.clock is not None:
        lines.append("from models.kit.clock import Clock, "
                     + ("Delayed, " if p.network.kind == "delayed" else "") + "on_timer")
    if any(h.stays is not None for h in p.handlers):
        lines.append("from models.kit.handlers import Stay")
    lines.append("")
    for r in p.roles:
        _, set_name, prefix = ROLES[r.index]
        lines.append(f'{r.name} = ids("{set_name}", "{prefix}")')
    for r in p.roles:
        if not r.fields:  # (no record: ``state = None``)
            continue
        lines += ["", "", f"class {r.name}State(NamedTuple):"]
        lines += [f"    {f.name}: {'bool' if f.is_bool else 'int'} = {f.initial!r}"
                  for f in r.fields]
        if p.clock is not None and r.index == 0:
            lines.append(f"    alarm: int | None = {p.clock.alarm!r}  # a timer's deadline")
    if p.shared:
        lines += ["", "", "class Shared(NamedTuple):", '    """The globals."""', ""]
        lines += [f"    {f.name}: {'bool' if f.is_bool else 'int'} = {f.initial!r}"
                  for f in p.shared]
    for m in p.messages:
        lines += ["", "", f"class {m.name}(NamedTuple):", f"    frm: {p.roles[m.src].name}",
                  f"    to: {p.roles[m.dst].name}"]
        if m.payload is not None:
            lines.append(f"    v: {'bool' if m.payload.is_bool else 'int'}")
        lines.append('    src, dst = "frm", "to"')
        if m.channel is not None:
            lines.append(f'    channel = "{m.channel}"')
    for h in p.handlers + ((p.clock.fire,) if p.clock is not None else ()):
        field = f"m: {h.takes}" if h.takes is not None else f"node: {p.roles[h.role].name}"
        lines += ["", "", f"class {h.name}(NamedTuple):", f"    {field}"]
    if c is not None:
        role = p.roles[c.role].name
        for action in {"restart": ["Restart"], "stop": ["Crash"],
                       "crash-restart": ["Crash", "Restart"]}[c.mode]:
            lines += ["", "", f"class {action}{role}(NamedTuple):", f"    node: {role}"]
    for r in p.roles:
        lines += ["", "", f"class {r.name}Node(Node):", f"    ids = {r.name}"]
        lines.append(f"    state = {r.name}State" if r.fields
                     else "    # no record: what it keeps is a global")
        for h in p.handlers + ((p.clock.fire,) if p.clock is not None else ()):
            if h.role == r.index:
                lines += [""] + _py_handler(p, h)
        if c is not None and c.role == r.index:
            if c.mode != "restart":
                lines += _py_crash(p, r, "crash")
            if c.mode != "stop":
                lines += _py_crash(p, r, "restart")
    params = [f'Param("{r.set_name}", {r.count}, "nodes of role {r.name}")' for r in p.roles]
    params += [f'Param("{b}", {budget_value(p, b)}, "a budget")' for b in budgets(p)
               if not (p.chosen and b in ("drops", "dups"))]  # (the spec's, then)
    if p.network.capacity is not None:
        params.append(f'Param("cap", {p.network.capacity}, "the bag\'s capacity")'
                      if p.network.kind == "bag" else
                      f'Param("cap", {p.network.capacity}, "each queue\'s capacity")')
    if p.clock is not None:
        params.append(f'Param("horizon", {p.clock.horizon}, "ticks of time")')
        if p.clock.drift:
            params.append(f'Param("drift", {p.clock.drift}, "ticks a clock may stray")')
        if p.clock.pause:
            params += [f'Param("pause", {p.clock.pause}, "ticks a pause lasts")',
                       f'Param("pauses", {p.clock.pauses}, "pauses in all")']
    if p.network.kind == "delayed":
        params.append(f'Param("latency", {p.network.latency}, "ticks a message may take")')
    net = p.network
    if net.kind == "bag" or p.chosen:
        args = [f'{arg}="{param}"' for arg, param, value in
                (("drop", "drops", net.drops), ("duplicate", "dups", net.duplicates),
                 ("capacity", "cap", net.capacity))
                if value is not None and not (p.chosen and arg != "capacity")]
        if net.full != "wait":
            args.append(f'full="{net.full}"')
        if net.per_message:
            args.append("per_message=True")
        if p.cut is not None:
            args.append('partition="cut"' if partition_in_model(p) else "partition=True")
        if net.copies is not None:
            args.append(f"copies={net.copies}")
        network = f"Bag({', '.join(args)})"
    elif net.kind == "set":
        network = "MessageSet()"
    elif net.kind == "delayed":
        network = 'Delayed(latency="latency"' + (', drop="drops"' if net.drops is not None
                                                 else "")
        if p.cut is not None:
            network += ', partition="cut"' if partition_in_model(p) else ", partition=True"
        network += ")"
    else:
        args = ['drop="drops"'] if net.drops is not None else []
        if p.cut is not None:
            args.append('partition="cut"' if partition_in_model(p) else "partition=True")
        if net.capacity is not None:
            args.append('capacity="cap"')
        if net.receive != "oldest":
            args.append(f'receive="{net.receive}"')
        network = f"{({'fifo': 'Fifo', 'inbox': 'Inbox'}[net.kind])}({', '.join(args)})"
    lines += ["", "", "class Prog(ActorModel):", f'    name = "kitprog-{p.seed}"',
              f'    summary = "random kit program {p.seed}"',
              "    params = (" + ",\n              ".join(params) + ",)",
              f"    roles = ({', '.join(f'{r.name}Node' for r in p.roles)},)",
              f"    messages = ({', '.join(m.name for m in p.messages)},)",
              f"    network = {network}"]
    if p.chosen:
        lines.append('    network_choices = ("bag", "set", "fifo", "inbox")')
    if p.clock is not None:
        drifts = "".join(f', {arg}="{arg}"' for arg, on in
                         (("drift", p.clock.drift), ("pause", p.clock.pause),
                          ("pauses", p.clock.pause)) if on)
        lines.append(f'    clock = Clock({p.roles[0].name}, horizon="horizon"{drifts})')
    if p.shared:
        lines.append("    globals = Shared")
    if p.symmetric:
        lines.append("    symmetry_sets = ("
                     + "".join(f'"{p.roles[r].set_name}", ' for r in p.symmetric_roles)[:-1]
                     + ")")
    if p.grouped:  # (raft's: the receipts of each role a group of their own)
        groups = []
        for r in p.roles:
            mine = [h for h in p.handlers if h.role == r.index]
            if p.clock is not None and r.index == 0:  # (the timer's handler among its steps)
                mine.append(p.clock.fire)
            for part in ([h for h in mine if h.takes is None], [h for h in mine if h.takes]):
                if part:
                    groups.append("(" + ", ".join(f"{r.name}Node.{h.name.lower()}"
                                                  for h in part) + ",)")
        lines.append(f"    next = ({', '.join(groups)},)")
    if p.cut is not None and partition_in_model(p) and p.cut.links and not p.cut.groups:
        links = ", ".join(f"frozenset({{{(ROLES[a[0]][1], a[1])!r}, {(ROLES[b[0]][1], b[1])!r}}})"
                          for a, b in p.cut.links)
        lines.append(f"    cut = Partition(frozenset({{{links}}}), from_start={p.cut.from_start}, "
                     f"splits={p.cut.splits}, heals={p.cut.heals})")
    elif p.cut is not None and partition_in_model(p) and cut_as_numbers(p):
        # (the nodes cut off at the start, healing once: `Partition.cutting_off`)
        lines.append(f"    cut = {{{', '.join(str(i) for _, i in p.cut.group)}}}")
    elif p.cut is not None and partition_in_model(p):
        groups = [list(p.cut.group), [(r.index, i) for r in p.roles for i in range(r.count)
                                      if (r.index, i) not in p.cut.group]]
        if p.cut.groups:
            groups = [list(group) for group in p.cut.groups]
        named = [[(ROLES[role][1], i) for role, i in group] for group in groups]
        lines.append(f"    cut = Partition.between({named!r}, from_start={p.cut.from_start}, "
                     f"splits={p.cut.splits}, heals={p.cut.heals})")
    elif p.cut is not None:
        lines.append("    partitions = True")
    if invariants_in_model(p):
        for name, e in p.invariants:
            lines += ["", f'    @invariant("{name}")', f"    def {name}(self, state):",
                      f"        return {py(e, 'model')}"]
        for t in p.temporal:
            lines += ["", f'    @{t.kind}("{t.name}")', f"    def {t.name}(self, state):",
                      f"        return {', '.join(py(e, 'model') for e in t.parts)}"]
    bounds = [e for e in p.constraint
              if constraint_in_model(p) or isinstance(e, (Copies, Pending))]
    if bounds:
        conditions = " and ".join(_py_condition(p, e, "model") for e in bounds)
        lines += ["", "    def within_bounds(self, state):", f"        return {conditions}"]
    return "\n".join(lines) + "\n"


def partition_in_model(p: Program) -> bool:
    """The partition as the model's attribute on odd seeds, else the spec's."""
    return p.seed % 2 == 1


def cut_as_numbers(p: Program) -> bool:
    """From `UNDRAWN`, the model's partition of a program of one role, down
    from the start, healing once, is the set of the node numbers it cuts
    off (``cut = {0}``: the network's docstrings), not a `Partition`."""
    return (p.seed >= UNDRAWN and len(p.roles) == 1 and p.cut.from_start
            and p.cut.splits == 0 and p.cut.heals and not p.cut.links)


def _py_condition(p: Program, e, where: str) -> str:
    if isinstance(e, Copies):  # (the model's alone: raft's max_msgs)
        return "self.network.size(state[-1]) <= self.cap"
    if isinstance(e, Pending):  # (a component per type, an entry per copy, the drops left)
        return f"sum(len(entries) for entries in state[-1][:-1]) <= {e.bound}"
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
             f"symmetry: {str(p.symmetric).lower()}"]
    if not invariants_in_model(p):
        lines.append("invariants:")
        lines += [f'  {name}: "{py(e, "spec")}"' for name, e in p.invariants]
    elif p.temporal:  # (the model's, named: a temporal property is no default)
        names = [name for name, _ in p.invariants] + [t.name for t in p.temporal]
        lines.append(f"properties: [{', '.join(names)}]")
    if p.temporal and not invariants_in_model(p):
        lines.append("temporal:")
        for t in p.temporal:
            parts = ", ".join(f'"{py(e, "spec")}"' for e in t.parts)
            lines.append(f"  {t.name}: {{{t.kind}: " + (f"[{parts}]}}" if len(t.parts) > 1
                                                       else f"{parts}}}"))
    lines += fairness_lines(p.fairness, _cmc_family)
    if p.chosen:
        net = p.network
        budgets = "".join(f", {key}: {value}" for key, value in
                          (("drop", net.drops), ("duplicate", net.duplicates))
                          if value is not None)
        lines.append(f"network: {{kind: {net.kind}{budgets}}}")
    if p.cut is not None and not partition_in_model(p):
        def name(node):
            return f"{ROLES[node[0]][2]}{node[1]}"
        group = [f"{ROLES[role][2]}{i}" for role, i in p.cut.group]
        rest = [f"{ROLES[r.index][2]}{i}" for r in p.roles for i in range(r.count)
                if (r.index, i) not in p.cut.group]
        given = f"groups: [[{', '.join(group)}], [{', '.join(rest)}]]"
        if p.cut.groups:
            given = ("groups: [" + ", ".join("[" + ", ".join(map(name, group)) + "]"
                                          for group in p.cut.groups) + "]")
        elif p.cut.links:
            given = ("links: [" + ", ".join(f"[{name(a)}, {name(b)}]" for a, b in p.cut.links)
                     + "]")
        lines.append(f"partition: {{{given}, "
                     f"from_start: {str(p.cut.from_start).lower()}, splits: {p.cut.splits}, "
                     f"heals: {str(p.cut.heals).lower()}}}")
    bounds = [e for e in p.constraint if not isinstance(e, (Copies, Pending))]
    if bounds and not constraint_in_model(p):
        lines += ["constraints:", "  constr: \"" + " and ".join(
            _py_condition(p, e, "spec") for e in bounds) + '"']
    return "\n".join(lines) + "\n"


def _cmc_family(f: Fair) -> str:
    """Fairness condition `f` as a spec's family (docs/liveness.md)."""
    if f.handlers == ("*",):
        return "*"
    if f.per is None:
        return " | ".join(f.handlers)
    (name,) = f.handlers
    return name + {"node": "(node=*)", "message": "(*)", "to": "(m.to=*)", "v": "(m.v=*)"}[f.per]


def write_cmc(p: Program, folder) -> str:
    """Write the model and its spec into `folder`; the spec's path."""
    from pathlib import Path

    folder = Path(folder)
    (folder / model_file(p)).write_text(cmc_model(p))
    spec = folder / f"kitprog_{p.seed}.yaml"
    spec.write_text(cmc_spec(p))
    return str(spec)
