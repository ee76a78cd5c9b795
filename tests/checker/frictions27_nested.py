"""A plain `Symmetric` model whose records hold strings at every depth: a
node's record holds a role (a string), a tag (a record naming its owner
and a label string) and the tags it took (a tuple of such records); the
state holds the last tag and the notes taken (records naming no node,
which print as named tuples do, their own repr everywhere). Two nodes may
each promote themselves once; the invariant says at most one leads. Its
parameter is called `nodes`, as a model's often is, which on the instance
hides `checker.Model.nodes` (reports read that from the class)."""

from __future__ import annotations

from typing import NamedTuple

from checker import Model, Param, invariant
from models.kit import Symmetric, ids, indexed_by

Server = ids("nodes", "n", first=1, named=True)


class Tag(NamedTuple):
    label: str
    owner: Server


class Note(NamedTuple):
    text: str


class Record(NamedTuple):
    role: str
    tag: Tag
    tags: tuple[Tag, ...]


class State(NamedTuple):
    records: indexed_by(Server, Record)
    last: Tag | None
    notes: tuple[Note, ...]


class Promote(NamedTuple):
    n: Server
    why: str


class Nested(Symmetric, Model):
    name = "nested"
    summary = "strings at every depth of a state"
    params = (Param("nodes", 2, "nodes n1..nN", minimum=1),)
    actions = (Promote,)
    state_type = State
    symmetry_sets = ("nodes",)

    def initial_states(self) -> list[State]:
        return [State(tuple(Record("follower", Tag("start", n), ()) for n in range(self.nodes)),
                      None, ())]

    def successors(self, state: State):
        for n, record in enumerate(state.records):
            if record.role == "follower":
                tag = Tag("lead", n)
                promoted = Record("leader", tag, record.tags + (tag,))
                yield Promote(n, "timeout"), State(
                    state.records[:n] + (promoted,) + state.records[n + 1:], tag,
                    state.notes + (Note(f"n{n + 1} leads"),))

    @invariant("One leader")
    def one_leader(self, state: State) -> bool:
        return sum(record.role == "leader" for record in state.records) <= 1
