"""ABD, the multi-writer atomic register over majority quorums: a new
user's model written with the kit from the docs alone.

After Attiya, Bar-Noy and Dolev's "Sharing memory robustly in
message-passing systems" (JACM 1995), in its multi-writer form (Lynch and
Shvartsman, "Robust emulation of shared memory using dynamic quorum-acknowledged
broadcasts", FTCS 1997): every server keeps a tagged value, a tag being
``(ts, writer)`` ordered lexicographically.

- write(v): query a majority for their tags; take the largest ``ts``; send
  ``(ts + 1, me)`` with v to every server; done when a majority acked.
- read: query a majority for their tagged values; take the value of the
  largest tag; *write it back* to every server; done when a majority acked,
  returning that value.
- a server answers a query with its tagged value and adopts an update whose
  tag is larger than its own, acking either way.

Clients ``c0`` .. run their calls one after the other: the first
``writers`` clients each write ``writes`` times (client w's k-th write
writes ``w * writes + k + 1``, so every value written is distinct), the
others each read ``reads`` times. Every call's messages carry its number
(``seq``, the calls the client completed before it), so a late answer to
an earlier call or phase is recognised and discarded, as a real client's
request ids do. The network is a bag without loss; a server may crash
(crash-stop) within the budget ``crashes``.

The clients' history (`checker.history` Invoke and Respond events) is a
global, and the property is its linearizability with respect to one
register ``x`` starting at 0. The mutant ``no_write_back`` returns a read's
value after the query phase: the new/old inversion that the write-back
exists to prevent (a reader sees a write in progress at one server, a later
read misses it). `Tags name values`
(two servers holding one tag hold one value) is what the writer's id in the
tag buys with several writers; the mutant ``tag_without_writer`` leaves it
out, as single-writer ABD's tags do, and two writers tie.

Where the model differs from the paper: the network is a bag of
messages addressed to each server (the paper's broadcast), and a client
takes the first majority of answers it receives, as the paper's "wait for
a majority"; nothing else.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import (Fails, Invoke, KeyValue, Param, ParamError, Respond, eventually, invariant,
                     linearizable, reachable)
from models.kit import ActorModel, Bag, Down, Node, ids, on, on_crash, step

Client = ids("clients", "c", named=True)
Server = ids("servers", "s", named=True)



def tag(ts, writer):
    """A tag's order: by ts, then writer; the initial tag (0, none) first."""
    return ts, -1 if writer is None else writer


# -- each node's variables ---------------------------------------------------

class ServerState(NamedTuple):
    ts: int = 0
    writer: Client | None = None    # whose write; a tag orders writers
    value: int = 0


class ClientState(NamedTuple):
    done: int = 0                   # calls completed; the next call's seq
    phase: str = "idle"             # idle, query or update
    answered: frozenset[Server] = frozenset()   # who answered this phase
    ts: int = 0                     # query: the largest tag seen; update: the tag sent
    writer: Client | None = None
    value: int = 0


class History(NamedTuple):
    history: tuple[Invoke | Respond, ...] = ()


# -- messages -------------------------------------------------------------------

class Query(NamedTuple):
    client: Client
    server: Server
    seq: int
    src = "client"
    dst = "server"


class QueryReply(NamedTuple):
    server: Server
    client: Client
    seq: int
    ts: int
    writer: Client | None
    value: int
    src = "server"
    dst = "client"


class Update(NamedTuple):
    client: Client
    server: Server
    seq: int
    ts: int
    writer: Client | None
    value: int
    src = "client"
    dst = "server"


class Ack(NamedTuple):
    server: Server
    client: Client
    seq: int
    src = "server"
    dst = "client"


# -- actions -----------------------------------------------------------------------

class Call(NamedTuple):
    client: Client


class ReceiveQuery(NamedTuple):
    m: Query


class ReceiveQueryReply(NamedTuple):
    m: QueryReply


class ReceiveUpdate(NamedTuple):
    m: Update


class ReceiveAck(NamedTuple):
    m: Ack


class Crash(NamedTuple):
    server: Server


# -- the nodes ---------------------------------------------------------------------

class ServerNode(Node):
    ids = Server
    state = ServerState

    @on(Query, ReceiveQuery)
    def receive_query(self, s, m):
        """A server answers a query with its tagged value."""
        return s, [QueryReply(self.id, m.client, m.seq, s.ts, s.writer, s.value)]

    @on(Update, ReceiveUpdate)
    def receive_update(self, s, m):
        """A server adopts a larger tag's value, and acks either way."""
        if tag(m.ts, m.writer) > tag(s.ts, s.writer):
            s = ServerState(m.ts, m.writer, m.value)
        return s, [Ack(self.id, m.client, m.seq)]

    @on_crash(Crash, budget="crashes")
    def crash(self, s):
        """A server stops for good (crash-stop), within the budget."""
        return s


class ClientNode(Node):
    ids = Client
    state = ClientState

    def writes(self):
        return self.id < self.model.writers

    def calls(self):
        return self.model.calls(self.id)

    def majority(self):
        return self.model.servers // 2 + 1

    def to_servers(self, message, *fields):
        return [message(self.id, server, *fields) for server in range(self.model.servers)]

    @step(Call, reads_globals="history", writes_globals="history")
    def call(self, s, history):
        """An idle client with calls left invokes the next: it queries every server."""
        if s.phase != "idle" or s.done == self.calls():
            return None
        if self.writes():
            event = Invoke(Client.name_of(self.id), "write", "x", self.written(s))
        else:
            event = Invoke(Client.name_of(self.id), "read", "x")
        new = ClientState(done=s.done, phase="query")
        return new, self.to_servers(Query, s.done), {"history": history + (event,)}

    def written(self, s):
        return self.id * self.model.writes + s.done + 1

    @on(QueryReply, ReceiveQueryReply, reads_globals="history", writes_globals="history")
    def receive_query_reply(self, s, m, history):
        """A query's answer raises the largest tag seen; at a majority the
        writer sends its new tag, the reader writes back the largest."""
        if s.phase != "query" or m.seq != s.done:
            return s, [], {}                    # a late answer: discarded
        s = s._replace(answered=s.answered | {m.server})
        if tag(m.ts, m.writer) > tag(s.ts, s.writer):
            s = s._replace(ts=m.ts, writer=m.writer, value=m.value)
        if len(s.answered) < self.majority():
            return s, [], {}
        return self.query_done(s, history)

    def query_done(self, s, history):
        if self.writes():
            s = s._replace(ts=s.ts + 1, writer=self.id, value=self.written(s))
        s = s._replace(phase="update", answered=frozenset())
        return s, self.to_servers(Update, s.done, s.ts, s.writer, s.value), {}

    @on(Ack, ReceiveAck, reads_globals="history", writes_globals="history")
    def receive_ack(self, s, m, history):
        """At a majority of acks the call returns: ok, or the value read."""
        if s.phase != "update" or m.seq != s.done:
            return s, [], {}
        s = s._replace(answered=s.answered | {m.server})
        if len(s.answered) < self.majority():
            return s, [], {}
        return self.respond(s, history, "ok" if self.writes() else s.value)

    def respond(self, s, history, result):
        event = Respond(Client.name_of(self.id), result)
        return ClientState(done=s.done + 1), [], {"history": history + (event,)}


# -- the model -------------------------------------------------------------------------

class ABD(ActorModel):
    name = "abd"
    summary = "ABD's multi-writer atomic register over majority quorums"
    params = (Param("servers", 3, "servers holding the register", minimum=1, maximum=5),
              Param("clients", 2, "clients, the first `writers` write, the others read",
                    minimum=1, maximum=4),
              Param("writers", 1, "clients that write", minimum=0, maximum=4),
              Param("writes", 1, "writes per writer", minimum=0, maximum=3),
              Param("reads", 1, "reads per reader", minimum=0, maximum=3),
              Param("crashes", 0, "servers that may crash for good", minimum=0, maximum=2))
    roles = (ServerNode, ClientNode)
    messages = (Query, QueryReply, Update, Ack)
    network = Bag()
    network_choices = ("bag", "set")
    globals = History
    symmetry_sets = ("servers",)

    def setup(self):
        super().setup()
        if self.writers > self.clients:
            raise ParamError("params.writers", f"must be at most clients ({self.clients}), "
                             f"got {self.writers}")

    def calls(self, client):
        """How many calls `client` makes."""
        return self.writes if client < self.writers else self.reads

    def history_of(self, state):
        return self.globals_of(state).history

    @linearizable("Linearizability", KeyValue(keys=("x",), initial=0))
    def linearizability(self, state):
        """The clients' history is linearizable: a register x, initially 0."""
        return self.history_of(state)

    @invariant("Tags name values")
    def tags_name_values(self, state):
        """Two servers holding one tag hold one value: a tag names one write."""
        held = {}
        for server in range(self.servers):
            record = self.record(state, ServerNode, server)
            record = record.kept if type(record) is Down else record
            tag = (record.ts, record.writer)
            if held.setdefault(tag, (server, record.value))[1] != record.value:
                other, value = held[tag]
                return Fails(f"{Server.name_of(other)} holds {value} and {Server.name_of(server)} "
                             f"holds {record.value} under one tag, ts {record.ts}")
        return True

    @reachable("A read returns a written value")
    def read_sees_write(self, state):
        return any(type(event) is Respond and event.result not in ("ok", 0)
                   for event in self.history_of(state))

    @eventually("Every call returns")
    def all_returned(self, state):
        """Every client has completed all its calls (wait-freedom with a
        majority up, under fair delivery)."""
        return all(self.record(state, ClientNode, c).done == self.calls(c)
                   for c in range(self.clients))


@ABD.mutant("no_write_back", "a read returns after its query phase, without writing "
                             "back what it read → Linearizability (new/old inversion)")
class ReaderWithoutWriteBack(ClientNode):
    def query_done(self, s, history):
        if self.writes():
            return super().query_done(s, history)
        return self.respond(s, history, s.value)   # the bug: no write-back phase


@ABD.mutant("tag_without_writer", "a writer tags its value with ts alone, as single-writer "
                                  "ABD does → Tags name values")
class WriterWithoutId(ClientNode):
    def query_done(self, s, history):
        s, sends, writes = super().query_done(s, history)
        if not self.writes():
            return s, sends, writes
        s = s._replace(writer=None)                 # the bug: two writers' tags tie
        return s, self.to_servers(Update, s.done, s.ts, s.writer, s.value), writes
