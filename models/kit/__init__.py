"""The model kit: write a protocol the way its paper states it.

- `records`: typed immutable records (named tuples) for node state, messages
  and actions; id types (`ids`) mark the fields that name nodes, value
  types (`values`) those that hold named values (``v0``, ``none``),
  `formatted` tuples print by a pattern (``t2:v1``), `indexed_by` types a
  tuple with one entry per node (``match_index: indexed_by(Server)``,
  renamed as its nodes are), `either` a field holding an element of one of
  several sets, tagged with its set (``acc: either(Acceptor, FakeAcceptor)``
  holds ``FakeAcceptor.tag(0)``); records print by field
  name from these declarations (`records.show`), never by a hand-written
  ``__str__``.
- `handlers`: `Node` and its handlers (`on`, `step`, `on_crash`,
  `on_restart`), a step or a message handler choosing (``choose=``: TLA+'s
  ``\\E v \\in S``, ``@on(P2a, FastPropose, choose="values")`` for ``\\E m
  \\in msgs, v \\in Values``, the handler run once per message and choice);
  `of_messages`, a property of the messages of one type, decided once per set.
- `model`: `ActorModel`, the `checker.Model` built from them, with mutants
  as overrides (its parts: `definition`, the checks of a model's
  declarations; `plans`, its groups' memoized plans; `crashes`;
  `printing`); globals (``ActorModel.globals``, one record of the variables of no node,
  and `derived` functions of it), which a handler reads and writes as it
  declares (``reads_globals=``, ``writes_globals=``), its result
  remembered on the values it reads: a guard over the whole state, as
  MultiPaxos.tla's ``~terminated``, is a read of a derived global.
- `network`: `MessageSet`, `Bag` (drop and duplicate budgets or unbounded, a
  capacity, a `Partition`: links down that heal and split again), `Fifo`
  (a queue per link, lossy or not), `Inbox` (a queue per receiver shared
  by its senders, lossy or not; received from its head, or with
  ``receive="any"`` at any position, Huang.tla's ``msgs[p]``), the last
  two partitioned as a bag may be
  (a message sent over a link that is down is lost, those queued stay);
  a spec may choose one of these (``network:``) where a model allows.
- `message_counts`: `counts(Message)`, the type of raft.tla's message-count
  function (its domain never shrinks: a message received stays at count 0,
  which send-once guards read), for a plain model's state; `Counts`, its
  values.
- `globals`: `derived`, and the checks of what handlers declare of the
  globals (each mistake one line naming the handler and the fix).
- `symmetry`: renaming and signatures derived from the id fields.
- `plain`: `Symmetric`, the same derived for a plain `checker.Model` whose
  state and actions are typed records (``class M(Symmetric, Model)`` with
  ``state_type = State``); `views`, its `state_view` derived from the same
  types (``s1.current_term``, ids and values by name).
- `memo`: bounded memo tables (handler results, interned records).
- `clock`: time: a bounded clock in ticks, timers (`on_timer`), per-node
  clocks with bounded drift, stop-the-world pauses, `Delayed` messages
  (partitioned as a bag may be).

The engine sees only `checker.Model`. See `models/paxos.py`,
`models/paxos_textbook.py` and `models/raft/` for models written with the
kit, next to Lamport's Paxos.tla and Ongaro's raft.tla, and
tests/models/user/two_phase_commit.py for a user's model over a lossy bag.

Every kind of handler reads and writes globals (``reads_globals=``,
``writes_globals=``): steps and message handlers on any network, a bag
delivering message by message (``per_message``) included, timers
(`clock.on_timer`), crash and restart handlers; a node without a record
does from its steps and message handlers. Each reads the globals of the
state it steps from, and what it writes is a part of that one step.

Deliberately missing yet: duplication on FIFO links and inboxes;
partitions of message sets (a set keeps every message, so nothing sent
is lost); messages read (``reads=``) by the
handlers of a bag delivering message by message; a timer, a crash or a
restart of a node without a record (a deadline is a field of the record,
and a crashed node keeps what survives in its place). These are refused,
each in one line naming the handler.
"""

from models.kit.message_counts import Counts, counts
from models.kit.globals import derived
from models.kit.handlers import Down, Node, of_messages, on, on_crash, on_restart, step
from models.kit.model import ActorModel
from models.kit.plain import Symmetric
from models.kit.network import (Bag, Drop, Duplicate, Fifo, Heal, Inbox, MessageSet, Partition,
                                Split)
from models.kit.records import Id, Value, either, ids, indexed_by, values

__all__ = ["ActorModel", "Bag", "Counts", "Down", "Drop", "Duplicate", "Fifo", "Heal", "Id",
           "Inbox", "MessageSet", "Node", "Partition", "Split", "Symmetric", "Value", "counts",
           "derived", "either", "ids", "indexed_by", "of_messages", "on", "on_crash", "on_restart", "step",
           "values"]
