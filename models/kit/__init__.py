"""The model kit: write a protocol the way its paper states it.

- `records`: typed immutable records (named tuples) for node state, messages
  and actions; id types (`ids`) mark the fields that name nodes or values.
- `actors`: `Node` and its handlers (`on`, `step`, `on_crash`, `on_restart`);
  `ActorModel`, the `checker.Model` built from them, with mutants as overrides.
- `network`: `MessageSet`, `Bag` (drop and duplicate budgets or unbounded, a
  capacity, a partition that heals), `Fifo` (lossy or not).
- `symmetry`: renaming and signatures derived from the id fields.
- `memo`: bounded memo tables (handler results, interned records).
- `clock`: time: a bounded clock in ticks, timers (`on_timer`), per-node
  clocks with bounded drift, stop-the-world pauses, `Delayed` messages.

The engine sees only `checker.Model`. See `models/paxos.py`,
`models/paxos_textbook.py` and `models/raft/` for models written with the
kit, next to Lamport's Paxos.tla and Ongaro's raft.tla, and
tests/models/user/two_phase_commit.py for a user's model over a lossy bag.

Deliberately missing yet (the design leaves room for each): partitions
other than one cut-off side healing once.
"""

from models.kit.actors import ActorModel, Down, Node, on, on_crash, on_restart, step
from models.kit.network import Bag, Drop, Duplicate, Fifo, Heal, MessageSet
from models.kit.records import Id, ids

__all__ = ["ActorModel", "Bag", "Down", "Drop", "Duplicate", "Fifo", "Heal", "Id", "MessageSet",
           "Node", "ids", "on", "on_crash", "on_restart", "step"]
