"""A primary-backup replicated register with a configuration master: a new
user's model of their own team's protocol, written with the kit from the
docs alone.

The protocol (our rules; in the spirit of Vertical Paxos II and of fencing
an old primary by its epoch):

- Two servers, ``s1`` and ``s2``, and one master ``m0``. A *view* is an
  epoch number, a primary and a backup (or none). View 1 is s1 primary, s2
  backup; every node knows it at the start.
- The master keeps the current view and a *lease*: the epoch whose primary
  may serve reads on its own. The lease is time: ``lease`` is the epoch
  whose lease is valid now, 0 when none is (clocks are perfect, so every
  node reads the same value). ``ExpireLease`` is time running out;
  ``RenewLease`` the master granting the current view's primary a new one.
- The master moves the view only when no lease is valid (it waited the
  lease out), within the budget ``view_changes``: ``ChangeView`` makes the
  backup primary (where it crashed, the primary stays), and either keeps
  the other server as its backup or leaves it out (the master suspects it,
  rightly or not: ``with_backup=False``). It reads who crashed from a
  perfect failure detector, a global, grants the new epoch's lease at once
  and sends ``NewView`` to both servers, once: the one left out gets role
  ``out``.
- A server installs a ``NewView`` of its epoch or later that it does not
  have: its role and peer; anything not yet applied or acknowledged of an
  older view is dropped.
- Clients send ``Request(client, request, op, value)`` to the service (no
  receiver named: whichever server believes it is primary takes it). A
  primary with no write in flight executes a write by appending
  ``(client, request, value)`` to its log, unless that request is in its
  log already (at-most-once: a retry or a duplicate of an executed request
  is not executed again, but its log is replicated again before it is
  answered), and sends its whole log to the backup in ``Replicate(epoch,
  log)``; a retry of the write in flight sends that again. A read is
  served from its log while the lease names its epoch, with no write in
  flight.
- A backup takes a ``Replicate`` of its own epoch only (the fence: an
  older epoch's, or an older copy, is discarded), stages it, and ``Apply``
  installs the log and sends ``Ack(epoch, length)``. A primary receiving
  the ack of its epoch for its whole log answers the client; a primary
  without a backup answers at once. Stale acks, answers and views are
  discarded, so that the network empties.
- A waiting client retries (``Retry``, with the same request id) once
  neither its request nor an answer to it is in flight, its timeout:
  ``retries`` times, or without bound where it is -1.
- The network is a bag that may drop (``drops``) and duplicate
  (``duplicates``) messages and holds at most ``max_msgs`` (a send waits
  for room: this bounds the copies that unbounded retries send); servers
  may crash for good (``crashes``).

Properties: one primary per epoch acts on writes (a ghost global records
who appended a write in which epoch); no acknowledged write is lost (the
current view's primary, once it installed the view, holds every write a
client has been answered); each request executed at most once (no log
holds a request twice); the clients' history is linearizable (a register
``x``, initially 0); and, under fairness, every write is eventually
acknowledged (each writer's ``waiting ~> done``).

What checking taught us: leases are needed only once the master may leave
the old primary out of a view (with the old primary as the new backup, a
write cannot complete without fencing it); a retry must re-replicate a
logged request before answering it; and the write is eventually
acknowledged across a view change only if no message is lost (a lost
NewView is never sent again: the master must retransmit it) and clients
retry without bound.

Clients: the first ``writers`` write once each (client c writes c + 1),
the others read once each.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import (Fails, Invoke, KeyValue, Param, ParamError, Respond, invariant,
                     leads_to, linearizable, reachable)
from models.kit import ActorModel, Bag, Down, Node, ids, on, on_crash, step

Client = ids("clients", "c", named=True)
Server = ids("servers", "s", first=1, named=True)
Master = ids("masters", "m", named=True)


class Entry(NamedTuple):
    """A write executed: who asked, its request id, the value written."""
    client: Client
    request: int
    value: int


# -- each node's variables ---------------------------------------------------

class ServerState(NamedTuple):
    epoch: int = 1
    role: str = "backup"                      # primary, backup or out (left out of the view)
    peer: Server | None = None                # a primary's backup
    log: tuple[Entry, ...] = ()
    awaiting: Entry | None = None             # a primary's write awaiting its backup's ack
    staged: tuple[Entry, ...] | None = None   # a backup's log received, not yet applied


class MasterState(NamedTuple):
    epoch: int = 1
    primary: Server = 0
    backup: Server | None = 1
    changes: int = 0                          # views moved to so far


class ClientState(NamedTuple):
    status: str = "idle"                      # idle, waiting or done
    retried: int = 0


class Globals(NamedTuple):
    history: tuple[Invoke | Respond, ...] = ()
    lease: int = 1                            # the epoch whose lease is valid now; 0: none
    failed: frozenset[Server] = frozenset()   # the master's perfect failure detector
    acted: frozenset[tuple[int, Server]] = frozenset()   # ghost: (epoch, primary) that wrote


# -- messages ----------------------------------------------------------------

class Request(NamedTuple):
    client: Client
    request: int
    op: str                                   # write or read
    value: int
    src = "client"


class Reply(NamedTuple):
    server: Server
    client: Client
    request: int
    result: int | str
    src = "server"
    dst = "client"


class Replicate(NamedTuple):
    primary: Server
    backup: Server
    epoch: int
    log: tuple[Entry, ...]
    src = "primary"
    dst = "backup"


class Ack(NamedTuple):
    backup: Server
    primary: Server
    epoch: int
    length: int
    src = "backup"
    dst = "primary"


class NewView(NamedTuple):
    master: Master
    server: Server
    epoch: int
    role: str
    peer: Server | None
    src = "master"
    dst = "server"


# -- actions -----------------------------------------------------------------

class Call(NamedTuple):
    client: Client


class Retry(NamedTuple):
    client: Client


class ReceiveReply(NamedTuple):
    m: Reply


class ReceiveRequest(NamedTuple):
    server: Server
    client: Client
    request: int
    op: str
    value: int


class ReceiveReplicate(NamedTuple):
    m: Replicate


class Apply(NamedTuple):
    server: Server


class ReceiveAck(NamedTuple):
    m: Ack


class ReceiveNewView(NamedTuple):
    m: NewView


class Crash(NamedTuple):
    server: Server


class ExpireLease(NamedTuple):
    master: Master


class RenewLease(NamedTuple):
    master: Master


class ChangeView(NamedTuple):
    master: Master
    with_backup: bool                         # False: the old primary is suspected, left out


REQUEST = 1     # each client makes one call, request id 1 (a retry keeps it)


# -- the nodes ---------------------------------------------------------------

class ServerNode(Node):
    ids = Server
    state = ServerState

    def initial(self):
        if self.id == 0:
            return ServerState(role="primary", peer=1)
        return ServerState(role="backup")

    @on(Request, ReceiveRequest, reads_globals=("lease", "acted"), writes_globals="acted")
    def receive_request(self, s, m, lease, acted):
        """A primary serves a request: a read from its log under its lease,
        with no write in flight; a write executed once and replicated, one at
        a time; a retry of the write in flight sends its log again."""
        if s.role != "primary":
            return None
        if s.awaiting is not None:
            if (s.awaiting.client, s.awaiting.request) != (m.client, m.request):
                return None                   # one write at a time: it waits
            return s, [Replicate(self.id, s.peer, s.epoch, s.log)], {}   # a retry: send again
        if m.op == "read":
            return self.serve_read(s, m, lease)
        for entry in s.log:
            if (entry.client, entry.request) == (m.client, m.request):
                return self.replicate(s, s.log, entry) + ({},)   # at-most-once: not again
        return self.execute(s, m, acted)

    def serve_read(self, s, m, lease):
        if lease != s.epoch:
            return None                       # no lease of its epoch: it may not be primary now
        return s, [Reply(self.id, m.client, m.request, value_of(s.log))], {}

    def execute(self, s, m, acted):
        entry = Entry(m.client, m.request, m.value)
        acted = acted | {(s.epoch, self.id)}
        return self.replicate(s, s.log + (entry,), entry) + ({"acted": acted},)

    def replicate(self, s, log, entry):
        """Send the log to the backup and await its ack; with no backup, answer."""
        if s.peer is None:
            return s._replace(log=log), [Reply(self.id, entry.client, entry.request, "ok")]
        return s._replace(log=log, awaiting=entry), [Replicate(self.id, s.peer, s.epoch, log)]

    @on(Replicate, ReceiveReplicate)
    def receive_replicate(self, s, m):
        """A backup stages a log of its own epoch (the fence: an older
        epoch's is discarded; a newer one waits for its NewView)."""
        if m.epoch > s.epoch:
            return None                       # it waits for its NewView
        if self.fenced(s, m):
            return s, []                      # discarded
        return s._replace(staged=m.log), []

    def fenced(self, s, m):
        """Whether a Replicate is not for this backup now: not a backup, an
        epoch other than its own, or an old copy (a shorter log)."""
        return s.role != "backup" or m.epoch != s.epoch or len(m.log) < len(s.log)

    @step(Apply)
    def apply(self, s):
        """A backup installs the log it staged, then acknowledges it."""
        if s.staged is None:
            return None
        primary = 1 - self.id
        return (s._replace(log=s.staged, staged=None),
                [Ack(self.id, primary, s.epoch, len(s.staged))])

    @on(Ack, ReceiveAck)
    def receive_ack(self, s, m):
        """The ack of the primary's whole log, in its epoch, answers the client."""
        if m.epoch > s.epoch:
            return None
        if s.role != "primary" or s.awaiting is None or m.epoch < s.epoch \
                or m.length != len(s.log):
            return s, []                      # stale or a copy: discarded
        done = s.awaiting
        return s._replace(awaiting=None), [Reply(self.id, done.client, done.request, "ok")]

    @on(NewView, ReceiveNewView)
    def receive_new_view(self, s, m):
        """A server installs a view of its epoch or later that it does not
        have; what is in flight of the older is dropped."""
        if m.epoch < s.epoch or (m.epoch, m.role, m.peer) == (s.epoch, s.role, s.peer):
            return s, []                      # old or a copy: discarded
        return s._replace(epoch=m.epoch, role=m.role, peer=m.peer, awaiting=None,
                          staged=None), []

    @on_crash(Crash, budget="crashes", reads_globals="failed", writes_globals="failed")
    def crash(self, s, failed):
        """A server stops for good; the master's detector knows at once."""
        return s, {"failed": failed | {self.id}}


def value_of(log):
    return log[-1].value if log else 0


class MasterNode(Node):
    ids = Master
    state = MasterState
    count = 1

    @step(ExpireLease, reads_globals="lease", writes_globals="lease")
    def expire_lease(self, s, lease):
        """The current lease runs out."""
        if lease == 0:
            return None
        return s, [], {"lease": 0}

    @step(RenewLease, reads_globals=("lease", "failed"), writes_globals="lease")
    def renew_lease(self, s, lease, failed):
        """The master grants the current primary, if up, a new lease."""
        if lease != 0 or s.primary in failed:
            return None
        return s, [], {"lease": s.epoch}

    def next_views(self, s, failed):
        """The views the master may move to, by whether they keep a backup:
        the backup, if up, becomes primary (else the primary stays); the
        other, if up, its backup, or none where the master suspects it."""
        alive = [x for x in (s.backup, s.primary) if x is not None and x not in failed]
        if not alive:
            return {}
        views = {False: (alive[0], None)}
        if len(alive) > 1:
            views[True] = (alive[0], alive[1])
        return views

    # (the choice is a bool, not the backup itself: the kit takes a choice of
    # None for no choice at all, and the handler is then called without it)
    @step(ChangeView, reads_globals=("lease", "failed"), writes_globals="lease",
          choose=lambda node, s, failed: sorted(node.next_views(s, failed)))
    def change_view(self, s, with_backup, lease, failed):
        """With no lease valid, the master moves to a new epoch: the backup
        primary, the old primary its backup or left out, and grants the lease."""
        if lease != 0 or s.changes == self.model.view_changes:
            return None
        primary, backup = self.next_views(s, failed)[with_backup]
        return self.install(s, s.epoch + 1, primary, backup)

    def install(self, s, epoch, primary, backup):
        new = MasterState(epoch, primary, backup, s.changes + 1)
        sends = [NewView(self.id, primary, epoch, "primary", backup)]
        other = 1 - primary                   # told even when left out, so that it stops
        sends.append(NewView(self.id, other, epoch, "backup" if other == backup else "out",
                             None))
        return new, sends, {"lease": epoch}


class ClientNode(Node):
    ids = Client
    state = ClientState

    def request(self):
        if self.id < self.model.writers:
            return Request(self.id, REQUEST, "write", self.id + 1)
        return Request(self.id, REQUEST, "read", 0)

    @step(Call, reads_globals="history", writes_globals="history")
    def call(self, s, history):
        """An idle client calls: a write of its value, or a read."""
        if s.status != "idle":
            return None
        request = self.request()
        arg = request.value if request.op == "write" else None
        event = Invoke(Client.name_of(self.id), request.op, "x", arg)
        return s._replace(status="waiting"), [request], {"history": history + (event,)}

    @step(Retry, reads=(Request, Reply))
    def retry(self, s, requests, replies):
        """A waiting client whose request and answer are no longer in flight
        (its timeout) sends the request again, with the same id; `retries`
        times, or without bound where it is -1."""
        if s.status != "waiting" or s.retried == self.model.retries:
            return None
        if any(m.client == self.id for m in requests) or any(m.client == self.id
                                                            for m in replies):
            return None
        if self.model.retries < 0:
            return s, [self.request()]
        return s._replace(retried=s.retried + 1), [self.request()]

    @on(Reply, ReceiveReply, reads_globals="history", writes_globals="history")
    def receive_reply(self, s, m, history):
        """The first answer to a waiting client completes its call; a later
        copy is discarded."""
        if s.status != "waiting":
            return s, [], {}
        event = Respond(Client.name_of(self.id), m.result)
        return s._replace(status="done"), [], {"history": history + (event,)}


# -- the model -----------------------------------------------------------------

class PrimaryBackup(ActorModel):
    name = "primary-backup"
    summary = "a primary-backup register with a view master, leases and epoch fencing"
    params = (Param("clients", 2, "clients: the first `writers` write, the others read",
                    minimum=1, maximum=4),
              Param("writers", 1, "clients that write (client c writes c + 1)",
                    minimum=0, maximum=4),
              Param("view_changes", 1, "views the master may move to", minimum=0, maximum=3),
              Param("retries", 1, "retries per client, -1: without bound", minimum=-1,
                    maximum=3),
              Param("crashes", 0, "servers that may crash for good", minimum=0, maximum=2),
              Param("drops", 0, "messages the network may lose", minimum=0, maximum=3),
              Param("duplicates", 0, "messages the network may duplicate",
                    minimum=0, maximum=3),
              Param("max_msgs", 6, "messages in flight at most (a send waits for room)",
                    minimum=1, maximum=8))
    roles = (ServerNode, MasterNode, ClientNode)
    messages = (Request, Reply, Replicate, Ack, NewView)
    network = Bag(drop="drops", duplicate="duplicates", capacity="max_msgs")
    globals = Globals
    servers = 2
    # No symmetry: s1 starts as primary, each writer writes its own value,
    # and the history names clients by string, which renaming leaves alone.

    def setup(self):
        super().setup()
        if self.writers > self.clients:
            raise ParamError("params.writers",
                             f"must be at most clients ({self.clients}), got {self.writers}")

    def history_of(self, state):
        return self.globals_of(state).history

    def server(self, state, i):
        record = self.record(state, ServerNode, i)
        return record.kept if type(record) is Down else record

    @invariant("One primary per epoch")
    def one_primary_per_epoch(self, state):
        """At most one server acts on writes as primary in any epoch."""
        seen = {}
        for epoch, server in sorted(self.globals_of(state).acted):
            if seen.setdefault(epoch, server) != server:
                return Fails(f"{Server.name_of(seen[epoch])} and {Server.name_of(server)} "
                             f"both executed writes as primary of epoch {epoch}")
        return True

    @invariant("Acknowledged writes survive")
    def acknowledged_writes_survive(self, state):
        """The current view's primary, once it has installed the view, holds
        every write a client has been answered."""
        master = self.record(state, MasterNode, 0)
        primary = self.record(state, ServerNode, master.primary)
        if type(primary) is Down or primary.epoch != master.epoch:
            return True
        logged = {(e.client, e.request) for e in primary.log}
        for c in range(min(self.writers, self.clients)):
            if self.record(state, ClientNode, c).status == "done" and (c, REQUEST) not in logged:
                return Fails(f"{Client.name_of(c)}'s write was acknowledged, and "
                             f"{Server.name_of(master.primary)}, primary of epoch "
                             f"{master.epoch}, does not hold it")
        return True

    @invariant("Executed at most once")
    def executed_at_most_once(self, state):
        """No server's log holds one request twice."""
        for i in range(self.servers):
            log = self.server(state, i).log
            requests = [(e.client, e.request) for e in log]
            for request in sorted(set(requests)):
                times = requests.count(request)
                if times > 1:
                    return Fails(f"{Server.name_of(i)}'s log holds {Client.name_of(request[0])}'s "
                                 f"request {request[1]} " + ("twice" if times == 2
                                                            else f"{times} times"))
        return True

    @linearizable("Linearizability", KeyValue(keys=("x",), initial=0))
    def linearizability(self, state):
        """The clients' history is linearizable: a register x, initially 0."""
        return self.history_of(state)

    @reachable("A write is acknowledged after a view change")
    def acked_after_view_change(self, state):
        return (self.record(state, MasterNode, 0).epoch > 1
                and any(type(e) is Respond and e.result == "ok" for e in self.history_of(state)))

    @leads_to("Writes are acknowledged", each="clients")
    def writes_acknowledged(self, state):
        """A writer that called is eventually answered."""
        return {Client.name_of(c): (self.record(state, ClientNode, c).status == "waiting",
                                    self.record(state, ClientNode, c).status == "done")
                for c in range(min(self.writers, self.clients))}


@PrimaryBackup.mutant("no_epoch_check", "a server takes a Replicate of any epoch, in any "
                                        "role: the old primary keeps serving writes after "
                                        "the view change → Acknowledged writes survive")
class UnfencedServer(ServerNode):
    def receive_replicate(self, s, m):
        if len(m.log) < len(s.log):
            return None
        return s._replace(staged=m.log), []          # the bug: no epoch (nor role) check


@PrimaryBackup.mutant("retry_reexecutes", "a primary executes every write request it "
                                          "receives, retries and duplicates included "
                                          "→ Executed at most once")
class ForgetfulPrimary(ServerNode):
    def receive_request(self, s, m, lease, acted):
        if s.role != "primary" or s.awaiting is not None:
            return None
        if m.op == "read":
            return self.serve_read(s, m, lease)
        return self.execute(s, m, acted)             # the bug: no look-up in the log


@PrimaryBackup.mutant("ack_before_apply", "a backup acknowledges a log when it stages it, "
                                          "before applying it → Acknowledged writes survive")
class EagerBackup(ServerNode):
    def receive_replicate(self, s, m):
        if self.fenced(s, m):
            return super().receive_replicate(s, m)
        return s._replace(staged=m.log), [Ack(self.id, 1 - self.id, s.epoch, len(m.log))]  # the bug


@PrimaryBackup.mutant("read_without_lease", "a primary serves reads whether or not the lease "
                                            "names its epoch → Linearizability")
class LeaselessPrimary(ServerNode):
    def serve_read(self, s, m, lease):
        return s, [Reply(self.id, m.client, m.request, value_of(s.log))], {}   # the bug


@PrimaryBackup.mutant("epoch_reused", "the master moves the view without a new epoch "
                                      "→ One primary per epoch")
class ForgetfulMaster(MasterNode):
    def install(self, s, epoch, primary, backup):
        return super().install(s, s.epoch, primary, backup)   # the bug: the epoch is not new
