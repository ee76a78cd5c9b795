"""The servers and clients of raft-kv, and the model.

`KvServer` is a `models.raft.ServerNode` (raft.tla's handlers, unchanged)
with the store added: it applies committed entries, answers the clients
whose commands it applied, and serves reads by the spec's `read_path`.
`ClientsNode` runs every client and keeps their history. The mutants skip
one of read_index's two checks. The lease paths run on the model with a
clock, in `models.raft_kv.leases`.
"""

from __future__ import annotations


from collections import Counter

from checker import Param, ParamError, reachable
from checker.history import Invoke as Invoked
from checker.history import KeyValue, Respond, linearizable, sequentially_consistent
from checker.model import Note, Received, Sent
from models import register
from models.kit import ActorModel, Bag, Heal, Node, Split, on, step
from models.kit.handlers import Stay
from models.kit.memo import Memo
from models.kit.records import label
from models.quorum import quorum_system
from models.raft import (FOLLOWER, LEADER, MESSAGES, AdvanceCommitIndex, AppendEntries,
                         AppendEntriesRequest, AppendEntriesResponse, BecomeLeader, Campaign,
                         ChangeConfig, CheckQuorum, ClientRequest, DropMessage, Receive, Restart,
                         ServerNode)
from models.raft.records import entry_name, server_name
from models.raft_kv.records import (KEYS, NOOP, Call, Client, ClientGroup, ClientsState, Get,
                                    Heartbeat,
                                    HeartbeatResponse, Invoke, KvServerState, PendingRead,
                                    Put, Reply, Request, client_name, value_at)

READ_PATHS = ("read_index", "log_read", "serializable", "lease_read", "leaseholder")
TIMED = ("lease_read", "leaseholder")

# -- a server ------------------------------------------------------------------------------


class KvServer(ServerNode):
    """A Raft server (raft.tla's handlers) with a key-value store applied from its log."""

    state = KvServerState

    def initial(self) -> KvServerState:
        """s1 was elected in term 1 by every server and its no-op entry is
        committed and applied everywhere: every run starts with a leader."""
        n = self.model.servers
        log, everyone = ((1, NOOP),), frozenset(range(n))
        if self.id == 0:
            return KvServerState(1, LEADER, 0, log, 1, everyone, everyone, (2,) * n, (1,) * n,
                                 applied=1)
        return KvServerState(1, FOLLOWER, 0, log, 1, frozenset(), frozenset(), (1,) * n,
                             (0,) * n, applied=1)

    def may_time_out(self, s) -> bool:
        """Only the servers the spec lets start elections time out."""
        return self.id in self.model.electable

    # -- Raft's handlers, with the store's part added (marked again: `next` names these) --

    @step(BecomeLeader)
    def become_leader(self, s):
        """BecomeLeader, then the no-op entry of the new term (etcd, and the
        dissertation's section 6.4: a leader learns what is committed by
        committing an entry of its own term)."""
        outcome = super().become_leader(s)
        if outcome is None:
            return None
        leader, sent = outcome
        return leader._replace(log=leader.log + ((leader.current_term, NOOP),),
                               inflight=frozenset()), sent

    @step(AppendEntries, choose=lambda node, s: node.peers(s))
    def append_entries(self, s, j):
        """AppendEntries(i, j) only when j may lack an entry (matchIndex[j]
        short of the log) and no earlier one to j is unanswered: etcd's flow
        control (a follower in probe state gets one message at a time)
        instead of raft.tla's sending at any time, which multiplies copies
        in flight. So followers learn the last commit index only with a
        later entry, and an AppendEntries the network loses is not sent
        again."""
        if s.role != LEADER or j in s.inflight or s.match_index[j] >= len(s.log):
            return None
        sent = super().append_entries(s, j)
        return None if sent is None else (s._replace(inflight=s.inflight | {j}), sent[1])

    @on(AppendEntriesResponse, Receive)
    def handle_append_entries_response(self, s, m):
        """HandleAppendEntriesResponse; an answer in the term frees the link."""
        if m.term == s.current_term:
            s = s._replace(inflight=s.inflight - {m.source})
        return super().handle_append_entries_response(s, m)

    @step(AdvanceCommitIndex)
    def advance_commit_index(self, s):
        """AdvanceCommitIndex, then the newly committed entries applied (and
        the confirmed reads it held back served)."""
        outcome = self.applying(super().advance_commit_index(s))
        if outcome is None:
            return None
        served, replies = self.serve_confirmed(outcome[0])
        return served, list(outcome[1]) + replies

    @on(AppendEntriesRequest, Receive)
    def handle_append_entries_request(self, s, m):
        """HandleAppendEntriesRequest, then what its commit index covers applied."""
        return self.applying(super().handle_append_entries_request(s, m))

    def update_term(self, s, m):
        """UpdateTerm; a leader that steps down forgets its pending reads
        (their clients never hear back, as etcd's time out)."""
        stay = super().update_term(s, m)
        return Stay(stay.record._replace(reads=()), stay.sends)

    def applying(self, outcome):
        """`outcome` of a handler with the entries up to the commit index
        applied in order: each command of a client this server owes an
        answer is answered (a put with ok, a get with the value it reads)."""
        if outcome is None or isinstance(outcome, Stay):
            return outcome
        s, sent = outcome
        if s.commit_index <= s.applied:
            return outcome
        replies, waiting = [], s.waiting
        for index in range(s.applied + 1, s.commit_index + 1):
            command = s.log[index - 1][1]
            if type(command) in (Put, Get) and command.client in waiting:
                result = "ok" if type(command) is Put else value_at(s.log, index - 1,
                                                                     command.key)
                replies.append(Reply(self.id, command.client, result))
                waiting -= {command.client}
        return s._replace(applied=s.commit_index, waiting=waiting), list(sent) + replies

    # -- clients' requests -------------------------------------------------------------------

    @on(Request, Receive)
    def handle_request(self, s, m):
        """A write goes through the log; a read by the spec's read path. A
        server that cannot serve a request drops it (the client's call stays
        pending for ever, as a call that timed out)."""
        if m.op == "write":
            return self.propose(s, Put(m.client, m.key, m.value))
        return getattr(self, self.model.read_path)(s, m)

    def propose(self, s, command):
        """The leader appends the command; it answers when it applies it."""
        if s.role != LEADER:
            return s, ()
        return s._replace(log=s.log + ((s.current_term, command),),
                          waiting=s.waiting | {command.client}), ()

    def serializable(self, s, m):
        """Any server answers from its own applied state (etcd's
        ``--consistency=s``)."""
        return s, [Reply(self.id, m.client, value_at(s.log, s.applied, m.key))]

    def log_read(self, s, m):
        """The read is a log entry like a write, answered when applied."""
        return self.propose(s, Get(m.client, m.key))

    def read_index(self, s, m):
        """etcd's ReadIndex: the leader confirms that it still leads with a
        heartbeat round; it answers once a quorum has answered in its term
        and it has committed an entry of its term (etcd holds the read back
        until then): its commit index is then the read's index, which it has
        applied (a leader applies as it commits)."""
        if s.role != LEADER:
            return s, ()
        return self.confirm_leadership(s, PendingRead(m.client, m.seq, m.key,
                                                      frozenset({self.id})))

    def confirm_leadership(self, s, read: PendingRead):
        """A heartbeat round for the read: every other server is asked."""
        served, replies = self.serve_confirmed(s._replace(reads=s.reads + (read,)))
        return served, replies + [Heartbeat(self.id, j, s.current_term, read.client, read.seq)
                                  for j in self.peers(s) if j != self.id]

    def serve_confirmed(self, s):
        """Answer each pending read a quorum has confirmed, once the leader
        has committed an entry of its term."""
        if not s.reads or not self.knows_commit_index(s):
            return s, []
        kept, replies = [], []
        for read in s.reads:
            if self.is_quorum(s, read.acks):
                replies.append(Reply(self.id, read.client, value_at(s.log, s.applied,
                                                                    read.key)))
            else:
                kept.append(read)
        return s._replace(reads=tuple(kept)), replies

    def knows_commit_index(self, s) -> bool:
        """Whether a leader has committed an entry of its term: until it
        has, its commit index may lag behind what earlier leaders committed."""
        return s.log[s.commit_index - 1][0] == s.current_term

    @on(Heartbeat, Receive)
    def handle_heartbeat(self, s, m):
        """A server answers with its term (a later term than the leader's
        tells the leader it was deposed)."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        return s, [HeartbeatResponse(self.id, m.source, s.current_term, m.client, m.seq)]

    @on(HeartbeatResponse, Receive)
    def handle_heartbeat_response(self, s, m):
        """An answer in the leader's term confirms the read it was for."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        if m.term < s.current_term or s.role != LEADER:
            return s, ()  # stale
        reads = tuple(read._replace(acks=read.acks | {m.source})
                      if (read.client, read.seq) == (m.client, m.seq) else read
                      for read in s.reads)
        served, replies = self.serve_confirmed(s._replace(reads=reads))
        return served, replies


# -- the clients ----------------------------------------------------------------------------------


class ClientsNode(Node):
    """Every client, in one record with the history they share. A client
    invokes at most `ops` operations, one at a time, each sent to a server
    of its choice."""

    ids = ClientGroup
    state = ClientsState
    count = 1
    runs = Client  # a partition names each client, and a Reply to one is this node's

    def initial(self) -> ClientsState:
        model = self.model
        n = model.clients
        left = ((model.ops,) * n if model.workload is None
                else tuple(len(calls) for calls in model.workload))
        return ClientsState((), (None,) * n, left)

    def calls(self, s: ClientsState) -> tuple[Call, ...]:
        """Each call an idle client with operations left may make: a write
        of each value or a read, of each key, to each server."""
        model = self.model
        kinds = [("write", v) for v in range(1, model.values + 1)] + [("read", None)]
        return tuple(Call(c, op, key, value, server)
                     for c in range(model.clients) if s.pending[c] is None and s.ops_left[c]
                     for key in range(model.keys) for op, value in kinds
                     for server in range(model.servers)
                     if self.may_call(c, s.ops_left[c], op, key, server))

    def may_call(self, c: int, left: int, op: str, key: int, server: int) -> bool:
        """Whether `op` of `key` to `server` is client c's next call (any is,
        without a workload)."""
        programs = self.model.programs
        if programs is None:
            return True
        wanted, of, to = programs[c][len(programs[c]) - left]
        return op == wanted and of in (None, key) and to in (None, server)

    @step(Invoke, choose=lambda node, s: node.calls(s))
    def invoke(self, s, call: Call):
        """The client records the invocation and sends its request."""
        c = call.client
        seq = self.model.ops - s.ops_left[c]
        return s._replace(
            history=s.history + (Invoked(client_name(c), call.op, KEYS[call.key], call.value),),
            pending=_put(s.pending, c, call), ops_left=_put(s.ops_left, c, s.ops_left[c] - 1)), [
            Request(c, call.op, call.key, call.value, call.server, seq)]

    @on(Reply, Receive)
    def receive_reply(self, s, m):
        """The client records the result of its outstanding call."""
        if s.pending[m.client] is None:
            return s, ()
        return s._replace(history=s.history + (Respond(client_name(m.client), m.result),),
                          pending=_put(s.pending, m.client, None)), ()


def _put(row: tuple, i: int, value) -> tuple:
    return row[:i] + (value,) + row[i + 1:]


# -- the model ------------------------------------------------------------------------------------


@register
class RaftKV(ActorModel):
    name = "raft-kv"
    summary = ("a key-value store replicated by Raft, with clients whose history must be "
               "linearizable; reads by read_index, log_read, serializable, lease_read or "
               "leaseholder")
    params = (
        Param("servers", 3, "number of Raft servers", minimum=1, maximum=5),
        Param("clients", 2, "number of clients", minimum=1, maximum=4),
        Param("ops", 1, "operations each client invokes, one at a time", minimum=0,
              maximum=4),
        Param("workload", None, "what each client calls, in order: a list per client of "
              "\"read\" and \"write\", each optionally of a given key (\"read:y\"; else "
              "of any) and sent to a given server (\"read@s1\", \"write:y@s2\"; else to "
              "any) (it overrides clients and ops); null: each of the clients makes ops "
              "calls, each a read or a write of any key to any server",
              schema={"type": ["array", "null"], "items": {"type": "array", "items": {
                  "type": "string", "pattern": "^(read|write)(:[xy])?(@s[1-9])?$"}}}),
        Param("values", 1, "a write writes one of the values 1..values", minimum=1,
              maximum=3),
        Param("keys", 1, "keys of the store (x, y)", minimum=1, maximum=len(KEYS)),
        Param("read_path", "read_index", "how a server serves a read: read_index (the leader "
              "confirms it leads with a quorum round, then answers from its applied state), "
              "log_read (through the log, as a write), serializable (any server answers "
              "from its own applied state), lease_read (the leader answers while its lease "
              "lasts, by its clock), leaseholder (CockroachDB: the holder of the range lease "
              "answers until the lease's expiration less the maximum clock offset)",
              schema={"enum": list(READ_PATHS)}),
        Param("timeouts", None, "the servers that may time out and start an election (a "
              "list of server numbers); null: every server", schema={
                  "type": ["array", "null"], "uniqueItems": True,
                  "items": {"type": "integer", "minimum": 1, "maximum": 5}}),
        Param("max_term", 2, "state constraint: every current_term ≤ max_term (1: no "
              "election)", minimum=1, maximum=10),
        Param("max_log", 4, "state constraint: every log length ≤ max_log", minimum=1,
              maximum=20),
        Param("max_msgs", 3, "messages in flight at most: a step that would send more "
              "waits", minimum=1, maximum=20),
        Param("drops", 0, "messages the network may lose", minimum=0, maximum=10),
        Param("election_timeout", 3, "lease_read, leaseholder: ticks after hearing from the "
              "leader before a server's election timer fires (lease_read: and before it "
              "votes for another)", minimum=1, maximum=20),
        Param("lease", 1, "lease_read: ticks the leader's lease lasts from its last "
              "answered heartbeat round, on its clock; leaseholder: the range lease's "
              "expiration", minimum=0, maximum=20),
        Param("renewals", 0, "lease_read: how many heartbeat rounds (etcd's) a leader may "
              "start to renew its lease: once a quorum has answered a round, its lease runs "
              "to the round's start plus lease, by its clock, and each server that answered "
              "refuses votes and restarts its election timer for an election timeout from "
              "its answer; 0: the lease is granted at time 0 and never renewed", minimum=0,
              maximum=5),
        Param("drift", 0, "lease_read, leaseholder: how far a server's clock may stray from the "
              "reference time, in ticks", minimum=0, maximum=10),
        Param("max_offset", 0, "leaseholder: the maximum clock offset the lease allows for, "
              "in ticks (CockroachDB's --max-offset)", minimum=0, maximum=20),
        Param("horizon", 4, "lease_read, leaseholder: how many ticks a run lasts", minimum=0,
              maximum=50),
    )
    roles = (KvServer, ClientsNode)
    messages = MESSAGES + (Request, Reply, Heartbeat, HeartbeatResponse)
    # a spec may cut links between servers and clients (`partition:`)
    network = Bag(drop="drops", capacity="max_msgs", drop_action=DropMessage, partition=True)
    partitions = True
    # raft.tla's Next without Restart, ClientRequest (clients' requests
    # append instead) and the faults but loss; then the clients
    next = ((KvServer.timeout, KvServer.request_vote, KvServer.become_leader,
             KvServer.advance_commit_index, KvServer.append_entries),
            (KvServer.handle_request_vote_request, KvServer.handle_request_vote_response,
             KvServer.handle_append_entries_request, KvServer.handle_append_entries_response,
             KvServer.handle_request, KvServer.handle_heartbeat,
             KvServer.handle_heartbeat_response),
            (ClientsNode.invoke, ClientsNode.receive_reply))
    symmetry_sets = ("servers",)

    def __new__(cls, *args, **kwargs):
        # the read paths that rely on time run on the model with a clock
        from models.raft_kv.leases import RaftKVTimed
        if kwargs.get("read_path") in TIMED and not issubclass(cls, RaftKVTimed):
            cls = RaftKVTimed
        return super().__new__(cls, *args, **kwargs)

    def setup(self) -> None:
        # what ServerNode reads of its model: a fixed configuration of majorities
        n = self.servers
        self.quorums = quorum_system("majority", n)
        self.quorum_of = {phase: Memo(rule.is_quorum) for phase, rule in
                          ((1, self.quorums.phase1), (2, self.quorums.phase2))}
        self.all_servers = tuple(range(n))
        self.membership_rules, self.pre_vote, self.check_quorum = None, False, False
        # coverage: raft's handlers left out of `next` never fire, nor loss
        # without drops, nor a partition's steps without one (the kit adds them)
        left_out = {Restart, Campaign, ClientRequest, ChangeConfig, CheckQuorum, Heal, Split}
        self.actions = tuple(kind for kind in type(self).actions if kind not in left_out
                             and (kind is not DropMessage or self.drops))
        #: per client, its calls as (op, server or None: any)
        self.programs = None
        if self.workload is not None:
            self.clients = len(self.workload)
            self.ops = max(map(len, self.workload), default=0)
            self.programs = tuple(tuple(self._call(c, k, text) for k, text in enumerate(calls))
                                  for c, calls in enumerate(self.workload))
        self.electable = frozenset(range(n)) if self.timeouts is None else frozenset(
            number - 1 for number in self.timeouts)
        if self.renewals and self.read_path != "lease_read":
            raise ParamError("params.renewals", "only a lease_read leader renews its lease; "
                             "remove renewals or give read_path: lease_read")
        # (clocks are read by the timed paths alone: elsewhere these would
        # be taken and do nothing)
        if self.drift and self.read_path not in TIMED:
            raise ParamError("params.drift", "only lease_read and leaseholder reads read "
                             "clocks; remove drift or give read_path: lease_read or leaseholder")
        if self.max_offset and self.read_path != "leaseholder":
            raise ParamError("params.max_offset", "only a leaseholder read allows for a clock "
                             "offset; remove max_offset or give read_path: leaseholder")
        if any(i >= n for i in self.electable):
            raise ParamError("params.timeouts", f"names a server above s{n}; the servers are "
                             f"s1..s{n}")

    def _call(self, c: int, k: int, text: str) -> tuple[str, int | None, int | None]:
        call, _, server = text.partition("@s")
        op, _, key = call.partition(":")
        if server and int(server) > self.servers:
            raise ParamError(f"params.workload[{c}][{k}]", f"{text!r} names a server above "
                             f"s{self.servers}; the servers are s1..s{self.servers}")
        if key and KEYS.index(key) >= self.keys:
            raise ParamError(f"params.workload[{c}][{k}]", f"{text!r} names a key the store "
                             f"lacks (keys: {self.keys}: {', '.join(KEYS[:self.keys])}); give "
                             "keys: 2")
        return op, KEYS.index(key) if key else None, int(server) - 1 if server else None

    def within_bounds(self, state: tuple) -> bool:
        max_term, max_log = self.max_term, self.max_log
        return all(s.current_term <= max_term and len(s.log) <= max_log
                   for s in self.servers_of(state))

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """s1 leads at the start; the other servers are interchangeable, as
        far as `timeouts` and a partition treat them alike."""
        others = range(1, self.servers)
        groups = [[0]] + [[i for i in others if (i in self.electable) == may]
                          for may in (True, False)]
        return {"servers": self.partition_classes("servers", [group for group in groups
                                                              if group])}

    # -- reading a state -----------------------------------------------------------------

    def servers_of(self, state: tuple) -> tuple:
        return self.records(state, KvServer)

    def clients_of(self, state: tuple) -> ClientsState:
        return self.record(state, ClientsNode, 0)

    # -- properties ------------------------------------------------------------------------

    @linearizable("Linearizability", KeyValue(keys=KEYS, initial=0))
    def linearizability(self, state: tuple) -> tuple:
        """The clients' history is linearizable with respect to a key-value
        store (Herlihy & Wing): each call takes effect at one instant between
        its invocation and its response."""
        return self.clients_of(state).history

    @sequentially_consistent("Sequential consistency", KeyValue(keys=KEYS, initial=0),
                             default=False)
    def sequential_consistency(self, state: tuple) -> tuple:
        """The clients' history is sequentially consistent (Lamport, 1979):
        one order of all the calls, keeping each client's own order (not
        real time), explains every result. Weaker than linearizability: a
        stale read by one client after another's write passes; a client
        reading older than what it wrote or read itself does not. Checked
        when a spec names it."""
        return self.clients_of(state).history

    @reachable("A read returns a written value")
    def read_sees_write(self, state: tuple) -> bool:
        """Some read returns a value a write wrote (not vacuous: reads see writes)."""
        history = self.clients_of(state).history
        reads = {event.client for event in history if type(event) is Invoked
                 and event.op == "read"}
        return any(type(event) is Respond and event.client in reads
                   and event.result not in ("ok", 0) for event in history)

    @reachable("A new leader is elected", default=False)
    def new_leader(self, state: tuple) -> bool:
        """A server leads a term after the first (the spec has a leader change)."""
        return any(s.role == LEADER and s.current_term > 1 for s in self.servers_of(state))

    def bound_reason(self, state: tuple) -> str | None:
        """A run ends when every client has made its calls (and the servers
        have nothing left to send)."""
        if not any(self.clients_of(state).ops_left):
            return f"every client has made its calls (ops = {self.ops})"
        return None

    # -- presentation -----------------------------------------------------------------------

    def nodes(self) -> tuple[str, ...]:
        return (tuple(server_name(i) for i in range(self.servers))
                + tuple(client_name(c) for c in range(self.clients)))

    def step_events(self, state: tuple, action, next_state: tuple) -> list:
        """For sequence charts: what the step takes out of the bag is
        received (a Receive names its message: it may stay in the bag, as
        raft.tla's UpdateTerm leaves it), what it puts in is sent; role and
        term changes, and the history's events, are notes."""
        if type(action) in (Heal, Split):
            return super().step_events(state, action, next_state)
        before, after = Counter(self._bag(state)), Counter(self._bag(next_state))
        taken, put = before - after, after - before
        events: list = []
        if type(action) is DropMessage:
            events.append(Note(_ends(action.message)[1], f"network loses {action.message}"))
        elif type(action) is Receive:
            events.append(Received(*_ends(action.m), label(action.m)))
        else:
            events += [Received(*_ends(m), label(m)) for m in sorted(taken.elements(), key=str)]
        events += [Sent(*_ends(m), label(m)) for m in sorted(put.elements(), key=str)]
        for i, (old, new) in enumerate(zip(self.servers_of(state),
                                           self.servers_of(next_state))):
            if old.role != new.role or old.current_term != new.current_term:
                events.append(Note(server_name(i), f"{new.role} in term {new.current_term}"))
        old, new = self.clients_of(state).history, self.clients_of(next_state).history
        for event in new[len(old):]:
            events.append(Note(event.client, str(event)))
        return events

    def _bag(self, state: tuple) -> list:
        """The messages in flight, each copy."""
        return [m for component in state[-1][:-1] for m, copies in component
                for _ in range(copies)]

    def state_view(self, state: tuple) -> dict:
        view: dict = {}
        for i, s in enumerate(self.servers_of(state)):
            name = server_name(i)
            view.update({f"{name}.current_term": s.current_term, f"{name}.role": s.role,
                         f"{name}.voted_for": server_name(s.voted_for),
                         f"{name}.log": [entry_name(e) for e in s.log],
                         f"{name}.commit_index": s.commit_index,
                         f"{name}.applied": s.applied,
                         f"{name}.store": {KEYS[k]: value_at(s.log, s.applied, k)
                                           for k in range(self.keys)}})
            if s.role == LEADER:
                names = [server_name(k) for k in range(len(s.next_index))]
                view.update({f"{name}.next_index": dict(zip(names, s.next_index)),
                             f"{name}.match_index": dict(zip(names, s.match_index))})
            if self.clock is not None:
                clock = state[-2]
                view[f"{name}.clock"] = clock.now + clock.skew[i]
                view[f"{name}.lease_until"] = s.lease_until
            if s.reads:
                view[f"{name}.reads"] = [f"{client_name(r.client)}: acks "
                                         + " ".join(map(server_name, sorted(r.acks)))
                                         for r in s.reads]
        if self.clock is not None:
            view["now"] = state[-2].now
        clients = self.clients_of(state)
        view["history"] = [str(event) for event in clients.history]
        view["pending"] = [str(call) for call in clients.pending if call is not None]
        view["network"] = sorted(str(m) for k in range(len(self.messages))
                                 for m in self.sent(state, self.messages[k]))
        view["drops_left"] = state[-1][-1][0]
        if self.network.partition is not None:
            view["partition"] = "down" if self.network.partitioned(state[-1]) else "up"
        return view


def _ends(m) -> tuple[str, str]:
    """Who sends `m` and who receives it, as charts name them."""
    if type(m) is Request:
        return client_name(m.client), server_name(m.server)
    if type(m) is Reply:
        return server_name(m.server), client_name(m.client)
    return server_name(m.source), server_name(m.dest)


# -- mutants --------------------------------------------------------------------------------------


class ServerSkippingConfirmation(KvServer):
    def confirm_leadership(self, s, read):
        # the bug: no heartbeat round, the read counts as confirmed by everyone
        return self.serve_confirmed(s._replace(reads=s.reads + (
            read._replace(acks=frozenset(self.peers(s))),)))


@RaftKV.mutant("no_quorum_check", "read_index without the heartbeat round: a leader answers "
                                  "a read as soon as it has committed an entry of its term, "
                                  "so a deposed leader that has not heard of its successor "
                                  "answers stale; breaks Linearizability")
class RaftKVSkippingConfirmation(RaftKV):
    """read_index mutants need read_path read_index."""

    roles = (ServerSkippingConfirmation, ClientsNode)

    def setup(self) -> None:
        super().setup()
        if self.read_path != "read_index":
            raise ParamError("mutant", "no_quorum_check breaks the read_index path; give "
                             "read_path: read_index")


class ServerTrustingItsCommitIndex(KvServer):
    def knows_commit_index(self, s) -> bool:
        return True  # the bug: a new leader's commit index is taken as up to date


@RaftKV.mutant("no_term_commit_check", "read_index before the new leader has committed an "
                                       "entry of its term: its commit index may miss a write "
                                       "its predecessor committed, and it answers stale "
                                       "(the dissertation's section 6.4, step 1); breaks "
                                       "Linearizability")
class RaftKVTrustingCommitIndex(RaftKVSkippingConfirmation):
    roles = (ServerTrustingItsCommitIndex, ClientsNode)
