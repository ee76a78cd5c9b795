"""The lease paths of raft-kv: its servers and model with the kit's clock.

`TimedKvServer` is a `KvServer` whose elections start when its election
timer fires; ``lease_read`` is etcd's lease-based read (with CheckQuorum's
refusal of votes "in lease", and renewal by heartbeat rounds within
``renewals``), ``leaseholder`` CockroachDB's range lease.
`RaftKV` builds `RaftKVTimed` for these read paths.
"""

from __future__ import annotations

import inspect
from typing import NamedTuple

from models.kit import ActorModel, on, step
from models.kit.clock import Clock, on_timer
from models.raft import LEADER, Receive, RequestVoteRequest, Server, Timeout
from models.raft_kv.model import ClientsNode, KvServer, RaftKV
from models.raft_kv.records import KvServerState, Reply, Request, value_at


class RenewLease(NamedTuple):
    """Leader i sends j a heartbeat of a round that renews its lease
    (lease_read, renew)."""

    i: Server
    j: Server


class LeaseHeartbeat(NamedTuple):
    """A leader's heartbeat of a renewal round, carrying the round's start
    by the leader's clock."""

    source: Server
    dest: Server
    term: int
    sent_at: int
    src, dst = "source", "dest"


class LeaseHeartbeatResponse(NamedTuple):
    source: Server
    dest: Server
    term: int
    sent_at: int
    src, dst = "source", "dest"


class TimedKvServer(KvServer):
    """A server with a clock (lease_read, leaseholder): elections start when a server's
    election timer fires, a server ignores vote requests while it has heard
    from its leader within the election timeout (etcd's CheckQuorum), and a
    leader answers reads from its state while its lease lasts."""

    def initial(self) -> KvServerState:
        """As untimed, at time 0: s1's heartbeat round has just been
        answered by every server, so every server has heard from it (its
        election timer, if it may time out, and, for lease_read, its
        refusal of votes run to `election_timeout`). s1's lease runs to
        `lease` on its clock; a leaseholder's (CockroachDB's range lease,
        whose expiration every server knows) to `lease` on every clock."""
        model = self.model
        s = super().initial()
        if model.read_path == "lease_read":
            s = s._replace(heard_until=model.election_timeout)
        if self.id in model.electable:
            s = s._replace(election_at=model.election_timeout)
        if model.read_path == "lease_read" and s.role != LEADER:
            return s  # a leader's lease is its own (renewed by heartbeat rounds)
        return s._replace(lease_until=model.lease)

    @on_timer(Timeout, deadline="election_at")
    def election_timer(self, s, now):
        """Timeout(i) when i's election timer fires; the next one is an
        election timeout later."""
        outcome = self.timeout(s)
        if outcome is None:
            return s._replace(election_at=None), ()
        return outcome[0]._replace(election_at=now + self.model.election_timeout), outcome[1]

    @on(RequestVoteRequest, Receive)
    def handle_request_vote_request(self, s, m, now):
        """A server that has heard from its leader within the election
        timeout ignores a request for a later term (etcd's "in lease")."""
        if m.term > s.current_term and now < s.heard_until:
            return s, ()
        return super().handle_request_vote_request(s, m)

    @on(Request, Receive)
    def handle_request(self, s, m, now):
        """A read by lease, a leaseholder's write only under a lease; the
        rest as untimed."""
        path = self.model.read_path
        if m.op == "read":
            return getattr(self, path)(s, m, now)
        if path == "leaseholder" and not self.holds_lease(s, now):
            return s, ()
        return super().handle_request(s, m)

    def leaseholder(self, s, m, now):
        """CockroachDB: the leaseholder answers from its applied state while
        its clock is short of the lease's expiration by more than the
        maximum clock offset (after that the lease is in its stasis period)."""
        if not self.holds_lease(s, now) or now >= s.lease_until - self.model.max_offset \
                or not self.knows_commit_index(s):
            return s, ()
        return s, [Reply(self.id, m.client, value_at(s.log, s.applied, m.key))]

    def holds_lease(self, s, now) -> bool:
        """The range lease, held by the Raft leader: s1's until its
        expiration (by its clock); a later leader's once the old lease has
        expired by its own clock (CockroachDB lets another replica acquire
        the lease only then; the acquisition itself is not modelled)."""
        if s.role != LEADER:
            return False
        return now < s.lease_until if self.id == 0 else now >= s.lease_until

    @step(RenewLease, choose=lambda node, s: node.peers(s))
    def renew_lease(self, s, j, now):
        """etcd's heartbeat round, which renews the leader's lease (at most
        ``renewals`` rounds), one heartbeat at a time, as raft.tla sends
        AppendEntries: a heartbeat to j carries the round's start, the
        leader's clock reading; at a later reading a new round begins."""
        if s.role != LEADER or j == self.id:
            return None
        if s.round_at != now:
            if s.rounds == self.model.renewals:
                return None  # its rounds are spent
            s = s._replace(round_at=now, round_asked=frozenset(),
                           round_acks=frozenset({self.id}), rounds=s.rounds + 1)
        elif j in s.round_asked:
            return None
        return s._replace(round_asked=s.round_asked | {j}), [
            LeaseHeartbeat(self.id, j, s.current_term, now)]

    @on(LeaseHeartbeat, Receive)
    def handle_lease_heartbeat(self, s, m, now):
        """A server in the leader's term has heard from its leader: it
        refuses votes, and its election timer restarts, for an election
        timeout from now by its clock; it answers with its term (a later
        one deposes the leader)."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        if m.term == s.current_term:
            later = now + self.model.election_timeout
            s = s._replace(heard_until=later, election_at=later if self.id in
                           self.model.electable else s.election_at)
        return s, [LeaseHeartbeatResponse(self.id, m.source, s.current_term, m.sent_at)]

    @on(LeaseHeartbeatResponse, Receive)
    def handle_lease_heartbeat_response(self, s, m):
        """An answer in the leader's term to its current round; once a
        quorum (itself included) has answered, its lease runs to the
        round's start plus ``lease`` by its clock: each server that answered
        refuses votes for an election timeout from its answer."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        if m.term < s.current_term or s.role != LEADER or m.sent_at != s.round_at:
            return s, ()  # stale
        s = s._replace(round_acks=s.round_acks | {m.source})
        if self.is_quorum(s, s.round_acks):
            s = s._replace(lease_until=max(s.lease_until or 0, m.sent_at + self.model.lease))
        return s, ()

    def lease_read(self, s, m, now):
        """The leader answers from its applied state, with no round trip,
        while its clock is short of its lease's end (and it has committed an
        entry of its term); otherwise it drops the read."""
        if s.role != LEADER or s.lease_until is None or now >= s.lease_until \
                or not self.knows_commit_index(s):
            return s, ()
        return s, [Reply(self.id, m.client, value_at(s.log, s.applied, m.key))]


class RaftKVTimed(RaftKV):
    """raft-kv with the kit's clock, for the read paths that rely on time."""

    roles = (TimedKvServer, ClientsNode)
    messages = RaftKV.messages + (LeaseHeartbeat, LeaseHeartbeatResponse)
    clock = Clock(Server, horizon="horizon", drift="drift")
    next = ((TimedKvServer.election_timer, TimedKvServer.request_vote,
             TimedKvServer.become_leader, TimedKvServer.advance_commit_index,
             TimedKvServer.append_entries, TimedKvServer.renew_lease),
            (TimedKvServer.handle_request_vote_request,
             TimedKvServer.handle_request_vote_response,
             TimedKvServer.handle_append_entries_request,
             TimedKvServer.handle_append_entries_response, TimedKvServer.handle_request,
             TimedKvServer.handle_heartbeat, TimedKvServer.handle_heartbeat_response,
             TimedKvServer.handle_lease_heartbeat,
             TimedKvServer.handle_lease_heartbeat_response),
            (ClientsNode.invoke, ClientsNode.receive_reply))

    def setup(self) -> None:
        super().setup()
        # no pauses: the clocks drift, the servers never stop; no renewal
        # unless asked for
        self.actions = tuple(kind for kind in self.actions
                             if kind is not type(self).clock.Pause
                             and (kind is not RenewLease or self.renewals))

    def _run(self, key: tuple):
        """A handler gets the clock reading only if it takes one (raft.tla's
        handlers, inherited, do not)."""
        node, name, record, inputs, now = key
        if name not in _CLOCKED.setdefault(type(node), _clocked_handlers(type(node))):
            key = (node, name, record, inputs, None)
        return super()._run(key)

    def bound_reason(self, state: tuple) -> str | None:
        return ActorModel.bound_reason(self, state) or super().bound_reason(state)


_CLOCKED: dict[type, frozenset] = {}


def _clocked_handlers(kind: type) -> frozenset:
    return frozenset(name for name in kind.handlers()
                     if "now" in inspect.signature(getattr(kind, name)).parameters)
