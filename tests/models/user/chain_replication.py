"""Chain replication (van Renesse & Schneider, OSDI 2004), a user's model
written with the kit from the docs alone.

Servers s1..sN form a chain, head to tail. A client's write goes to the
head, which applies it and forwards it; each server applies what it
receives and forwards it to its successor; the tail acknowledges it to the
client and, back up the chain, to its predecessor: each server keeps in
Sent the updates it forwarded that the tail is not yet known to hold, and
drops them as the acknowledgement passes (section 3). Reads go to the tail,
which answers from its own history. Servers fail-stop; the master removes a
failed server from the chain and tells its neighbours: the predecessor S-
sends its new successor S+ the updates in Sent_{S-}, the paper's rule
(whatever S- forwarded and the tail has not acknowledged may have died with
the failed server); a new tail's Sent is complete.

Deliberate differences from the paper:
- links are FIFO (the paper assumes so) and updates carry their position
  in the head's order, so S+ drops a resent update it already holds (the
  paper has S+ report what it holds instead); a dropped update is not
  acknowledged again, so S-'s Sent may keep updates the tail holds (safe: a
  later repair resends more than it must);
- Sent is a suffix of the history (acknowledgements arrive in order), kept
  as the number of updates acknowledged;
- a write whose head crashed, or whose tail crashed before acknowledging,
  stays pending for ever: clients do not retry;
- the master's failure detection and the chain's configuration are the
  globals ``failed`` and ``chain`` (the paper's master is itself replicated).

Clients c1..cW each write their own number once (c1 writes 1), clients
c(W+1).. each read once; the history of their calls is checked for
linearizability against a register x starting at 0.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Param, invariant, reachable
from checker.history import Invoke, KeyValue, Respond, linearizable
from models.kit import ActorModel, Fifo, Node, ids, on, step

Server = ids("servers", "s", first=1, named=True)
Client = ids("clients", "c", first=1, named=True)
Master = ids("masters", "m", named=True)


# -- records ------------------------------------------------------------------

class ServerState(NamedTuple):
    alive: bool = True
    history: tuple[int, ...] = ()     # the values of the updates applied, in order
    acked: int = 0                    # updates the tail is known to hold: Sent is history[acked:]
    pred: Server | None = None        # the predecessor this server knows of (None: the head)
    succ: Server | None = None        # the successor this server knows of (None: the tail)


class ClientState(NamedTuple):
    status: str = "idle"              # idle, waiting or done


class MasterState(NamedTuple):
    repairs: int = 0                  # removals done (the master keeps no other state)


class Chain(NamedTuple):
    chain: tuple[Server, ...] = ()            # the configuration: head first
    failed: frozenset[Server] = frozenset()   # servers that crashed
    history: tuple = ()                       # the clients' calls: Invoke and Respond events


# -- messages: src and dst name the fields of the two ends (FIFO links) -------

class Write(NamedTuple):
    client: Client
    head: Server
    value: int
    src, dst = "client", "head"


class Forward(NamedTuple):
    sender: Server
    receiver: Server
    seq: int          # the update's position in the head's order
    value: int        # client c<value> wrote it: the tail acknowledges to it
    src, dst = "sender", "receiver"


class Ack(NamedTuple):
    tail: Server
    client: Client
    value: int
    src, dst = "tail", "client"


class Read(NamedTuple):
    client: Client
    tail: Server
    src, dst = "client", "tail"


class ReadReply(NamedTuple):
    tail: Server
    client: Client
    value: int
    src, dst = "tail", "client"


class Acked(NamedTuple):
    sender: Server
    receiver: Server
    seq: int          # the tail holds the updates up to this one
    src, dst = "sender", "receiver"


class NewSuccessor(NamedTuple):
    master: Master
    server: Server
    succ: Server | None
    src, dst = "master", "server"


class NewPredecessor(NamedTuple):
    master: Master
    server: Server
    pred: Server | None
    src, dst = "master", "server"


# -- actions: the node taking the step, then the message's fields or the choice --

class InvokeWrite(NamedTuple):
    client: Client


class InvokeRead(NamedTuple):
    client: Client


class ReceiveAck(NamedTuple):
    client: Client
    tail: Server
    to: Client
    value: int


class ReceiveReadReply(NamedTuple):
    client: Client
    tail: Server
    to: Client
    value: int


class ReceiveWrite(NamedTuple):
    server: Server
    client: Client
    head: Server
    value: int


class ReceiveForward(NamedTuple):
    server: Server
    sender: Server
    receiver: Server
    seq: int
    value: int


class ReceiveRead(NamedTuple):
    server: Server
    client: Client
    tail: Server


class ReceiveAcked(NamedTuple):
    server: Server
    sender: Server
    receiver: Server
    seq: int


class ReceiveNewSuccessor(NamedTuple):
    server: Server
    master: Master
    to: Server
    succ: Server | None


class ReceiveNewPredecessor(NamedTuple):
    server: Server
    master: Master
    to: Server
    pred: Server | None


class Crash(NamedTuple):
    server: Server


class RemoveFailed(NamedTuple):
    master: Master
    removed: Server


def name(client: int) -> str:
    return f"c{client + 1}"


# -- nodes --------------------------------------------------------------------

class ClientNode(Node):
    ids = Client
    state = ClientState

    def is_writer(self) -> bool:
        return self.id < self.model.writes

    @step(InvokeWrite, reads_globals=("chain", "history"), writes_globals="history",
          sends=Write)
    def invoke_write(self, s, chain, history):
        """A writer sends its one write to the head of the chain."""
        if s.status != "idle" or not self.is_writer() or not chain:
            return None
        value = self.id + 1
        return (s._replace(status="waiting"), [Write(self.id, chain[0], value)],
                {"history": history + (Invoke(name(self.id), "write", "x", value),)})

    @step(InvokeRead, reads_globals=("chain", "history"), writes_globals="history",
          sends=Read)
    def invoke_read(self, s, chain, history):
        """A reader sends its one read to the tail of the chain."""
        if s.status != "idle" or self.is_writer() or not chain:
            return None
        return (s._replace(status="waiting"), [Read(self.id, chain[-1])],
                {"history": history + (Invoke(name(self.id), "read", "x"),)})

    @on(Ack, ReceiveAck, reads_globals="history", writes_globals="history")
    def receive_ack(self, s, m, history):
        """The tail's acknowledgement completes the write."""
        if s.status != "waiting":
            return None
        return s._replace(status="done"), [], {"history": history + (Respond(name(self.id), "ok"),)}

    @on(ReadReply, ReceiveReadReply, reads_globals="history", writes_globals="history")
    def receive_read_reply(self, s, m, history):
        """The tail's answer completes the read."""
        if s.status != "waiting":
            return None
        return (s._replace(status="done"), [],
                {"history": history + (Respond(name(self.id), m.value),)})


class ServerNode(Node):
    ids = Server
    state = ServerState

    def initial(self) -> ServerState:
        last = self.model.servers - 1
        return ServerState(pred=None if self.id == 0 else self.id - 1,
                           succ=None if self.id == last else self.id + 1)

    def apply(self, s, seq, value):
        """Apply an update and pass it on: forward it, or, as the tail, acknowledge it
        to the client and to its predecessor."""
        s = s._replace(history=s.history + (value,))
        if s.succ is None:
            return self.completed(s._replace(acked=len(s.history)), [Ack(self.id, value - 1, value)])
        return s, [Forward(self.id, s.succ, seq, value)]

    def completed(self, s, sends):
        """The tail's acknowledgement travels up the chain: the predecessor empties its Sent."""
        if s.pred is None or not s.history:
            return s, sends
        return s, sends + [Acked(self.id, s.pred, len(s.history) - 1)]

    @on(Write, ReceiveWrite, sends=(Forward, Ack, Acked))
    def receive_write(self, s, m):
        """The head orders a client's write after those it holds and applies it."""
        if not s.alive:
            return None
        return self.apply(s, len(s.history), m.value)

    @on(Forward, ReceiveForward, sends=(Forward, Ack, Acked))
    def receive_forward(self, s, m):
        """A server applies the update its predecessor forwards; one it holds is dropped."""
        if not s.alive:
            return None
        if m.seq < len(s.history):
            return s, []     # resent by a new predecessor after a repair
        return self.apply(s, m.seq, m.value)

    @on(Read, ReceiveRead, sends=ReadReply)
    def receive_read(self, s, m):
        """The server a read was sent to answers from its history (0: no write yet)."""
        if not s.alive:
            return None
        return s, [ReadReply(self.id, m.client, s.history[-1] if s.history else 0)]

    @on(Acked, ReceiveAcked, sends=Acked)
    def receive_acked(self, s, m):
        """The tail holds the updates up to m.seq: they leave Sent, and the news goes up."""
        if not s.alive:
            return None
        if m.seq < s.acked:
            return s, []     # overtaken: a new tail acknowledged more
        s = s._replace(acked=m.seq + 1)
        return s, [] if s.pred is None else [Acked(self.id, s.pred, m.seq)]

    @on(NewSuccessor, ReceiveNewSuccessor, sends=(Forward, Ack, Acked))
    def receive_new_successor(self, s, m):
        """Told its successor failed, a server sends the new one the updates in its
        Sent (the paper's rule); with no successor left it is the tail, and its
        Sent is complete."""
        if not s.alive:
            return None
        s = s._replace(succ=m.succ)
        if m.succ is None:
            return self.completed(s._replace(acked=len(s.history)), [])
        return s, [Forward(self.id, m.succ, seq, s.history[seq])
                   for seq in range(s.acked, len(s.history))]

    @on(NewPredecessor, ReceiveNewPredecessor)
    def receive_new_predecessor(self, s, m):
        """Told its predecessor failed, a server sends its acknowledgements to the new one."""
        if not s.alive:
            return None
        return s._replace(pred=m.pred), []

    @step(Crash, reads_globals="failed", writes_globals="failed")
    def crash(self, s, failed):
        """A server fail-stops (within the crash budget)."""
        if not s.alive or len(failed) >= self.model.max_crashes:
            return None
        return s._replace(alive=False), [], {"failed": failed | {self.id}}


class MasterNode(Node):
    ids = Master
    state = MasterState
    count = 1

    @step(RemoveFailed, reads_globals=("chain", "failed"), writes_globals="chain",
          choose=lambda node, s, chain, failed: sorted(x for x in chain if x in failed),
          sends=(NewSuccessor, NewPredecessor))
    def remove_failed(self, s, removed, chain, failed):
        """The master removes a failed server and tells its neighbours who they
        neighbour now."""
        at = chain.index(removed)
        pred = chain[at - 1] if at > 0 else None
        succ = chain[at + 1] if at + 1 < len(chain) else None
        told = ([] if pred is None else [NewSuccessor(0, pred, succ)]) + \
               ([] if succ is None else [NewPredecessor(0, succ, pred)])
        rest = chain[:at] + chain[at + 1:]
        return s._replace(repairs=s.repairs + 1), told, {"chain": rest}


# -- the model ----------------------------------------------------------------

class ChainReplication(ActorModel):
    name = "chain-replication"
    summary = "chain replication: writes down the chain, reads at the tail, fail-stop repair"
    params = (Param("servers", 3, "servers in the chain", minimum=1, maximum=4),
              Param("writes", 2, "clients that write once each", minimum=0, maximum=3),
              Param("reads", 1, "clients that read once each", minimum=0, maximum=2),
              Param("max_crashes", 1, "servers that may fail", minimum=0, maximum=3))
    roles = (ClientNode, ServerNode, MasterNode)
    messages = (Write, Forward, Ack, Read, ReadReply, Acked, NewSuccessor, NewPredecessor)
    network = Fifo()
    globals = Chain

    def set_size(self, name: str) -> int:
        if name == "clients":
            return self.writes + self.reads
        return super().set_size(name)

    def initial_globals(self) -> Chain:
        return Chain(chain=tuple(range(self.servers)))

    def histories(self, state) -> list[tuple[int, ...]]:
        return [self.record(state, ServerNode, i).history for i in range(self.servers)]

    @linearizable("Reads are not stale", KeyValue(keys=("x",), initial=0))
    def client_history(self, state):
        """The clients' calls are linearizable against a register: a read returns
        a value at least as new as every write acknowledged before it was sent."""
        return self.globals_of(state).history

    @invariant("Update Propagation")
    def update_propagation(self, state):
        """Along the chain, each server's history is a prefix of its predecessor's
        (the paper's Update Propagation Invariant, over the servers still in it)."""
        chain = self.globals_of(state).chain
        histories = self.histories(state)
        for pred, succ in zip(chain, chain[1:]):
            before, after = histories[pred], histories[succ]
            if after[:len(before)] != after or before[:len(after)] != after:
                return Fails(f"s{succ + 1} holds {list(after)}, not a prefix of "
                             f"s{pred + 1}'s {list(before)}")
        return True

    @invariant("Inprocess Requests")
    def inprocess_requests(self, state):
        """Along the chain, what a server's successor lacks of its history is in
        its Sent (the paper's Inprocess Requests Invariant, Hist_i = Hist_j ⊕
        Sent_i, as the inclusion the repair rule needs)."""
        chain = self.globals_of(state).chain
        servers = [self.record(state, ServerNode, i) for i in range(self.servers)]
        for pred, succ in zip(chain, chain[1:]):
            if servers[pred].acked > len(servers[succ].history):
                return Fails(f"s{pred + 1}'s Sent holds {list(servers[pred].history[servers[pred].acked:])}"
                             f" but s{succ + 1} lacks {list(servers[pred].history[len(servers[succ].history):])}")
        return True

    @reachable("A read returns a write")
    def read_sees_write(self, state):
        return any(isinstance(e, Respond) and e.result not in (0, "ok")
                   for e in self.globals_of(state).history)


# -- mutants: one handler each ------------------------------------------------

@ChainReplication.mutant("read_at_head", "reads are sent to, and answered by, the head "
                                         "→ Reads are not stale")
class HeadReader(ClientNode):
    """The head holds the newest updates, but not only acknowledged ones: a
    read there may see a write that the head's failure then loses."""

    def invoke_read(self, s, chain, history):
        if s.status != "idle" or self.is_writer() or not chain:
            return None
        return (s._replace(status="waiting"), [Read(self.id, chain[0])],  # the bug: the head
                {"history": history + (Invoke(name(self.id), "read", "x"),)})


@ChainReplication.mutant("sent_emptied_on_forward", "the head drops an update from Sent "
                                                    "once it forwards it → Inprocess Requests")
class HastyHead(ServerNode):
    """Sent taken as "not yet forwarded" rather than "not yet acknowledged by
    the tail": a repair could no longer resend what died with its successor."""

    def receive_write(self, s, m):
        if not s.alive:
            return None
        s, sends = self.apply(s, len(s.history), m.value)
        return s._replace(acked=len(s.history)), sends   # the bug: acked before the tail holds it


@ChainReplication.mutant("repair_without_resend", "a repaired predecessor does not send "
                                                  "its new successor the updates in Sent "
                                                  "→ Update Propagation")
class ForgetfulPredecessor(ServerNode):
    """Section 3's case of a middle server's failure, without its rule: what
    S- forwarded to the failed server may never reach S+."""

    def receive_new_successor(self, s, m):
        if not s.alive or m.succ is None:
            return super().receive_new_successor(s, m)
        return s._replace(succ=m.succ), []   # the bug: the updates in Sent are not resent
