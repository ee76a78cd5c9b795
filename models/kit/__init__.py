"""The model kit: write a protocol the way its paper states it.

- `records`: typed immutable records (named tuples) for node state, messages
  and actions; id types (`ids`) mark the fields that name nodes or values.
- `actors`: `Node` and its handlers (`on`, `step`, `on_crash`, `on_restart`);
  `ActorModel`, the `checker.Model` built from them, with mutants as overrides.
- `network`: `MessageSet`, `Bag` (drop and duplicate budgets, a capacity), `Fifo`
  (lossy or not).
- `symmetry`: renaming and signatures derived from the id fields.
- `memo`: bounded memo tables (handler results, interned records).

The engine sees only `checker.Model`. See `models/paxos.py` for a model
written with the kit, next to Lamport's Paxos.tla, and
tests/models/user/two_phase_commit.py for a user's model over a lossy bag.

Deliberately missing yet (the design leaves room for each): timers and
clocks (a timer handler kind and a clock part of the global state),
partitions (links down, heal) as network values. `models/paxos_textbook.py` uses a bag with
faults, a capacity and restarts.
"""

from models.kit.actors import ActorModel, Down, Node, on, on_crash, on_restart, step
from models.kit.network import Bag, Drop, Duplicate, Fifo, MessageSet
from models.kit.records import Id, ids

__all__ = ["ActorModel", "Bag", "Down", "Drop", "Duplicate", "Fifo", "Id", "MessageSet", "Node",
           "ids", "on", "on_crash", "on_restart", "step"]
