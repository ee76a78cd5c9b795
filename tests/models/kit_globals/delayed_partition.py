"""Delayed pings across a partition that splits and heals.

Two nodes ping each other on a timer, twice each, a tick apart; a ping
must arrive within ``latency`` ticks. The link between them goes down (a
`Split`, once) and comes back (`Heal`); a ping sent while it is down is
lost, and one in flight when it goes down still arrives. Each receipt
counts the pings that arrived in a global. `DelayedPartition.tla` next
to this file is the same program for TLC.
"""

from typing import NamedTuple

from checker import Fails, Param, invariant
from models.kit import ActorModel, Node, Partition, ids, on
from models.kit.clock import Clock, Delayed, on_timer

Peer = ids("peers", "n")


class Arrivals(NamedTuple):
    arrived: int = 0                # pings received, both peers together


class PeerState(NamedTuple):
    sent: int = 0
    got: int = 0
    ping_at: int | None = 0         # the ping timer's deadline (None: done)


class Ping(NamedTuple):
    frm: Peer
    to: Peer
    src, dst = "frm", "to"


class SendPing(NamedTuple):
    peer: Peer


class ReceivePing(NamedTuple):
    m: Ping


class PeerNode(Node):
    ids = Peer
    state = PeerState

    @on_timer(SendPing, deadline="ping_at")
    def send_ping(self, s, now):
        """Ping the other peer; again a tick later, twice in all."""
        sent = s.sent + 1
        return (s._replace(sent=sent, ping_at=now + 1 if sent < 2 else None),
                [Ping(self.id, 1 - self.id)])

    @on(Ping, ReceivePing, reads_globals="arrived", writes_globals="arrived")
    def receive_ping(self, s, m, now, arrived):
        """A ping arrives, and is counted."""
        return s._replace(got=s.got + 1), [], {"arrived": arrived + 1}


class DelayedPartition(ActorModel):
    name = "delayed-partition"
    params = (Param("peers", 2, "peers"), Param("horizon", 3, "ticks"),
              Param("latency", 1, "ticks a ping may take"))
    roles = (PeerNode,)
    messages = (Ping,)
    network = Delayed("latency", partition="cut")
    cut = Partition.between([[("peers", 0)], [("peers", 1)]], from_start=False, splits=1)
    clock = Clock(Peer, horizon="horizon")
    globals = Arrivals
    partitions = True

    @invariant("Counted arrivals")
    def counted(self, state):
        got = sum(record.got for record in self.records(state, PeerNode))
        arrived = self.globals_of(state).arrived
        return got == arrived or Fails(f"{got} pings got, {arrived} counted")

    @invariant("No ping lost")
    def no_ping_lost(self, state):
        records = self.records(state, PeerNode)
        flying = len(self.sent(state, Ping))
        sent, got = sum(r.sent for r in records), sum(r.got for r in records)
        return sent == got + flying or Fails(f"{sent - got - flying} pings lost")
