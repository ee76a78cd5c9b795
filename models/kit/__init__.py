"""The model kit: write a protocol the way its paper states it.

- `records`: typed immutable records (named tuples) for node state, messages
  and actions; id types (`ids`) mark the fields that name nodes or values.
- `actors`: `Node` and its handlers (`on`, `step`); `ActorModel`, the
  `checker.Model` built from them, with mutants as overrides.
- `network`: `MessageSet`, `Bag` (drop and duplicate budgets), `Fifo` (lossy or not).
- `symmetry`: renaming and signatures derived from the id fields.
- `memo`: bounded memo tables (handler results, interned records).
- `clock`: time: a bounded clock in ticks, timers (`on_timer`), per-node
  clocks with bounded drift, stop-the-world pauses, `Delayed` messages.

The engine sees only `checker.Model`. See `models/paxos.py` for a model
written with the kit, next to Lamport's Paxos.tla, and
tests/models/user/two_phase_commit.py for a user's model over a lossy bag.

Deliberately missing yet (the design leaves room for each): crash
and restart handlers with budgets, partitions (links down, heal) as
network values, and expression properties. Raft and textbook
Paxos are not yet written with the kit.
"""

from models.kit.actors import ActorModel, Node, on, step
from models.kit.network import Bag, Drop, Duplicate, Fifo, MessageSet
from models.kit.records import Id, ids

__all__ = ["ActorModel", "Bag", "Drop", "Duplicate", "Fifo", "Id", "MessageSet", "Node", "ids",
           "on", "step"]
