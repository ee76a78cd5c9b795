"""A lease election written with timers that read and write globals.

Each node's election timer (its record's ``timeout``, a deadline on its
own clock) fires: a follower that finds the lease free (the global
``holder``) takes it for two ticks, in a new term (the global ``term``),
and one that finds it held looks again a tick later; a leader's timer is
its lease's end, when it gives the lease back. A crash (a perfect failure
detector) frees the lease of a crashing holder; a restart brings the node
back as it was kept. `LeaseTimer.tla` next to this file is the same
program for TLC.
"""

from typing import NamedTuple

from checker import Fails, Param, invariant
from models.kit import ActorModel, Down, MessageSet, Node, ids, on_crash, on_restart
from models.kit.clock import Clock, on_timer

Server = ids("servers", "n")


class Lease(NamedTuple):
    holder: Server | None = None    # who holds the lease
    term: int = 0                   # elections so far


class ServerState(NamedTuple):
    role: str = "follower"          # follower or leader
    timeout: int | None = 1         # the election timer's deadline (None: not set)


class Campaign(NamedTuple):
    server: Server


class Crash(NamedTuple):
    server: Server


class Restart(NamedTuple):
    server: Server


class ServerNode(Node):
    ids = Server
    state = ServerState

    @on_timer(Campaign, deadline="timeout", reads_globals=("holder", "term"),
              writes_globals=("holder", "term"))
    def campaign(self, s, now, holder, term):
        """A follower takes a free lease for two ticks, or looks again in
        one; a leader's lease ends and it gives it back."""
        if s.role == "leader":
            return s._replace(role="follower", timeout=now + 1), [], {"holder": None}
        if holder is not None:
            return s._replace(timeout=now + 1), [], {}
        return (s._replace(role="leader", timeout=now + 2), [],
                {"holder": self.id, "term": term + 1})

    @on_crash(Crash, budget="crashes", reads_globals="holder", writes_globals="holder")
    def crash(self, s, holder):
        """A node crashes, as a follower; the lease it held is free."""
        return s._replace(role="follower"), {"holder": None if holder == self.id else holder}

    @on_restart(Restart, budget="restarts")
    def restart(self, s):
        """Back up, with its timer as it was."""
        return s


class LeaseTimer(ActorModel):
    name = "lease-timer"
    params = (Param("servers", 2, "servers"), Param("horizon", 3, "ticks"),
              Param("crashes", 1, "crashes"), Param("restarts", 1, "restarts"))
    roles = (ServerNode,)
    messages = ()
    network = MessageSet()
    clock = Clock(Server, horizon="horizon")
    globals = Lease

    @invariant("The holder leads")
    def holder_leads(self, state):
        holder = self.globals_of(state).holder
        if holder is None:
            return True
        record = self.record(state, ServerNode, holder)
        return (type(record) is not Down and record.role == "leader") or Fails(
            f"n{holder} holds the lease as {'down' if type(record) is Down else record.role}")

    @invariant("One election")
    def one_election(self, state):
        term = self.globals_of(state).term
        return term <= 1 or Fails(f"{term} elections")
