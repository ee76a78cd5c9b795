"""Chain replication (van Renesse & Schneider, OSDI 2004), a user's model
written with the kit from the docs alone.

Servers s1..sN form a chain, head to tail. A client's write goes to the
head, which applies it and forwards it; each server applies what it
receives and forwards it to its successor; the tail acknowledges it to the
client. Reads go to the tail, which answers from its own history. Servers
fail-stop; the master removes a failed server from the chain (section 3's
reconfiguration) and, when it had a predecessor and a successor, tells the
predecessor its new successor, to which the predecessor resends the updates
it forwarded (the paper's rule: S- sends S+ what is in Sent_{S-}).

Deliberate differences from the paper:
- links are FIFO (the paper assumes so) and updates carry their position
  in the chain's order, so a server drops one it already holds;
- a server does not learn of the tail's acknowledgements, so Sent_{S-} is
  its whole history: a repair resends everything, and the new successor
  drops what it has (more messages, the same histories);
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


class NewSuccessor(NamedTuple):
    master: Master
    server: Server
    succ: Server | None
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


class ReceiveNewSuccessor(NamedTuple):
    server: Server
    master: Master
    to: Server
    succ: Server | None


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
        return ServerState(succ=None if self.id == last else self.id + 1)

    def apply(self, s, seq, value):
        """Apply an update and pass it on: forward it, or, as the tail, acknowledge it."""
        s = s._replace(history=s.history + (value,))
        if s.succ is None:
            return s, [Ack(self.id, value - 1, value)]
        return s, [Forward(self.id, s.succ, seq, value)]

    @on(Write, ReceiveWrite, sends=(Forward, Ack))
    def receive_write(self, s, m):
        """The head orders a client's write after those it holds and applies it."""
        if not s.alive:
            return None
        return self.apply(s, len(s.history), m.value)

    @on(Forward, ReceiveForward, sends=(Forward, Ack))
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

    @on(NewSuccessor, ReceiveNewSuccessor, sends=Forward)
    def receive_new_successor(self, s, m):
        """Told its successor failed, a server resends its updates to the new one."""
        if not s.alive:
            return None
        resent = [] if m.succ is None else [
            Forward(self.id, m.succ, seq, value) for seq, value in enumerate(s.history)]
        return s._replace(succ=m.succ), resent

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
          sends=NewSuccessor)
    def remove_failed(self, s, removed, chain, failed):
        """The master removes a failed server; its predecessor, if any, learns its new successor."""
        at = chain.index(removed)
        rest = chain[:at] + chain[at + 1:]
        told = []
        if at > 0:
            succ = chain[at + 1] if at + 1 < len(chain) else None
            told = [NewSuccessor(0, chain[at - 1], succ)]
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
    messages = (Write, Forward, Ack, Read, ReadReply, NewSuccessor)
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

    @reachable("A read returns a write")
    def read_sees_write(self, state):
        return any(isinstance(e, Respond) and e.result not in (0, "ok")
                   for e in self.globals_of(state).history)


# -- mutants: one handler each ------------------------------------------------

@ChainReplication.mutant("read_at_head", "reads are sent to, and answered by, the head "
                                         "→ Reads are not stale")
class HeadReader(ClientNode):
    @step(InvokeRead, reads_globals=("chain", "history"), writes_globals="history",
          sends=Read)
    def invoke_read(self, s, chain, history):
        if s.status != "idle" or self.is_writer() or not chain:
            return None
        return (s._replace(status="waiting"), [Read(self.id, chain[0])],  # the bug: the head
                {"history": history + (Invoke(name(self.id), "read", "x"),)})


@ChainReplication.mutant("repair_without_resend", "a repaired predecessor does not resend "
                                                  "its updates to its new successor "
                                                  "→ Update Propagation")
class ForgetfulPredecessor(ServerNode):
    def receive_new_successor(self, s, m):
        if not s.alive:
            return None
        return s._replace(succ=m.succ), []   # the bug: updates in flight to the failed one are lost
