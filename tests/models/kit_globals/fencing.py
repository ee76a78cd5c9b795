"""Fencing tokens over a bag delivering message by message (``per_message``).

Clients ask a lock service for the lock; the service, which keeps no record
of its own, hands out fencing tokens from a global counter (``issued``);
a client holding a token writes to a storage, which keeps no record either
and accepts a write only with a token above the highest it has accepted
(``stored``, ``writer``: globals). Every receipt is one message's, as
raft.tla's Receive(m), and the bag may lose and copy one message each.
`Fencing.tla` next to this file is the same program for TLC.
"""

from typing import NamedTuple

from checker import Fails, Param, invariant
from models.kit import ActorModel, Bag, Node, ids, on, step

Client = ids("clients", "c")
Service = ids("services", "l")
Store = ids("stores", "d")


class Fences(NamedTuple):
    issued: int = 0                 # the last token the lock service gave
    stored: int = 0                 # the highest token the storage accepted
    writer: Client | None = None    # whose write the storage holds


class ClientState(NamedTuple):
    pc: str = "idle"                # idle, asked, holding, wrote
    token: int = 0


class Acquire(NamedTuple):
    client: Client
    src = "client"


class Grant(NamedTuple):
    client: Client
    token: int
    dst = "client"


class Write(NamedTuple):
    client: Client
    token: int
    src = "client"


class Ask(NamedTuple):
    client: Client


class Put(NamedTuple):
    client: Client


class ReceiveGrant(NamedTuple):
    client: Client
    granted: Client
    token: int


class ReceiveAcquire(NamedTuple):
    service: Service
    client: Client


class ReceiveWrite(NamedTuple):
    store: Store
    client: Client
    token: int


class ClientNode(Node):
    ids = Client
    state = ClientState

    @step(Ask)
    def ask(self, s):
        """An idle client asks for the lock."""
        if s.pc != "idle":
            return None
        return s._replace(pc="asked"), [Acquire(self.id)]

    @on(Grant, ReceiveGrant)
    def receive_grant(self, s, m):
        """A client that asked holds the token it is granted."""
        if s.pc != "asked":
            return None
        return s._replace(pc="holding", token=m.token), []

    @step(Put)
    def put(self, s):
        """A holder writes, with its token."""
        if s.pc != "holding":
            return None
        return s._replace(pc="wrote"), [Write(self.id, s.token)]


class ServiceNode(Node):
    ids = Service
    count = 1                       # no record: the tokens are a global

    @on(Acquire, ReceiveAcquire, reads_globals="issued", writes_globals="issued")
    def receive_acquire(self, m, issued):
        """Each request gets the next token."""
        return [Grant(m.client, issued + 1)], {"issued": issued + 1}


class StoreNode(Node):
    ids = Store
    count = 1                       # no record: what it holds is a global

    @on(Write, ReceiveWrite, reads_globals="stored", writes_globals=("stored", "writer"))
    def receive_write(self, m, stored):
        """A write with a token above the highest accepted is accepted; one
        with an older token is rejected (taken, and nothing written)."""
        if m.token <= stored:
            return [], {}
        return [], {"stored": m.token, "writer": m.client}


class Fencing(ActorModel):
    name = "fencing"
    params = (Param("clients", 2, "clients"),
              Param("drops", 1, "messages the bag may lose"),
              Param("dups", 1, "messages the bag may copy"))
    roles = (ClientNode, ServiceNode, StoreNode)
    messages = (Acquire, Grant, Write)
    network = Bag(drop="drops", duplicate="dups", per_message=True)
    next = ((ClientNode.ask, ClientNode.put), (ClientNode.receive_grant,),
            (ServiceNode.receive_acquire,), (StoreNode.receive_write,))
    globals = Fences

    @invariant("Stored tokens were issued")
    def stored_issued(self, state):
        fences = self.globals_of(state)
        return fences.stored <= fences.issued or Fails(
            f"token {fences.stored} stored, {fences.issued} issued")

    @invariant("The writer holds the latest token")
    def writer_latest(self, state):
        fences = self.globals_of(state)
        if fences.writer is None or fences.stored == fences.issued:
            return True
        return Fails(f"c{fences.writer} wrote with token {fences.stored}, "
                     f"{fences.issued} issued since")
