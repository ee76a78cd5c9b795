"""Leader election on etcd leases with fencing tokens, and on ZooKeeper sessions.

The design exercise of a service that must have one active instance (a saga
orchestrator): its instances elect a leader through a key attached to a
lease in etcd, the way etcd's ``concurrency.Election`` does, and the leader
writes to a resource (a database) that may check fencing tokens.

- **The store** (``kv0``): etcd as one linearizable key-value store (its own
  Raft is checked elsewhere). Leases have a TTL: granting one sets its
  deadline to the store's clock plus the TTL, a keep-alive renews it the
  same way, revoking deletes it, and when the store's clock passes the
  deadline the lease expires (a timer at deadline + 1 tick) and the keys
  attached to it are deleted. Campaigning is etcd's transaction "create the
  election key if its create revision is 0, attached to my lease"; each key
  write has a revision (the store's counter), and the key's create revision
  is the **fencing token**. A candidate whose create fails watches the key
  and is told when it is deleted.
- **Candidates** (``c0``, ``c1``, ...): campaign (grant a lease, with the
  send time of the request on its own clock; on the grant, create the key;
  else watch), keep the lease alive every heartbeat (a timer), and believe
  they lead from a successful create until their own view of the lease runs
  out (a timer): a keep-alive sent at reading t that comes back means the
  lease lasts to t + TTL on the candidate's clock, less a safety margin
  (`margin_ms`, for clock drift; 0 by default). Counting from the send time
  is the safe choice: the store renewed the lease at or after t. (etcd's
  clientv3 counts from the answer's arrival, which outlasts the store's
  deadline by up to a round trip: the mutant `counts_from_answer`.) They
  may resign (revoke the lease; parameter `resign`), crash and restart (a
  crash keeps nothing but the lease number, so a restart uses a fresh
  lease), and pause (the kit's stop-the-world pause). A leader writes to
  the resource once per term, with its token (unless `writes` is off).
- **The network**: the kit's `Delayed` bag: every message takes between 0
  and `latency_ms`, and may be lost within a budget (`drops`).
- **The resource** (``db0``): accepts writes; with fencing on it remembers
  the highest token it has accepted and rejects a write carrying a lower one.

``session: zookeeper`` replaces leases by ZooKeeper sessions and the key by
an ephemeral znode: the server expires the session (and deletes the znode)
when it has not heard from the client for the session timeout (`ttl_ms`);
the client measures its own timeout from the last time it heard from the
server, so it learns of the expiry only after its own timeout, when it
would reconnect and be told. Every transaction (session creation and
closing included) takes a zxid; the znode's creation zxid is the token.

Time is the kit's (`models.kit.clock`): parameters are in milliseconds and
`tick_ms` is what a tick is worth (100 ms by default); each time parameter
must be a multiple of it. A coarser tick that divides every time parameter
gives the same verdicts (see the clock's docstring: all guards compare
clock readings with multiples of the tick, so changing the tick is a change
of unit), with fewer states; the specs use the coarsest tick their
parameters allow, and the tests pin one verdict and trace at two ticks.
Time runs to `horizon_ms`; a state at the horizon has no tick.

Deliberate simplifications: one election key and one resource; each
candidate grants at most `campaigns` leases (bounded runs); a stale message
(for a lease or a role the receiver no longer has) is received and ignored,
as a real client ignores a response it no longer waits for.
"""

from __future__ import annotations

from math import gcd
from typing import NamedTuple

from checker import Fails, Param, ParamError, invariant, reachable
from models import register
from models.kit import ActorModel, Node, ids, on, step
from models.kit.clock import Clock, Delayed, on_timer

Candidate = ids("candidates", "c")
Store = ids("store", "kv")
Resource = ids("resource", "db")

# roles of a candidate
FOLLOWER, GRANTING, CAMPAIGNING, WATCHING, LEADER, CRASHED = (
    "follower", "granting", "campaigning", "watching", "leader", "crashed")


# -- records ----------------------------------------------------------------------------


class Lease(NamedTuple):
    """A lease (a session): its owner's number for it, and its deadline on the store's clock."""

    owner: Candidate
    epoch: int
    deadline: int


class Key(NamedTuple):
    """The election key (znode): who holds it, through which lease, its
    create revision (the fencing token), and when it was created."""

    holder: Candidate
    epoch: int
    token: int
    created: int


class StoreState(NamedTuple):
    revision: int = 0
    leases: tuple[Lease, ...] = ()
    key: Key | None = None
    watchers: frozenset[tuple[Candidate, int]] = frozenset()
    next_expiry: int | None = None      # timer: the first tick past a deadline
    lost_key: Candidate | None = None   # whose key was deleted by expiry (for the properties)
    released_at: int | None = None      # when a revoke last deleted the key (for the properties)


class CandidateState(NamedTuple):
    role: str = FOLLOWER
    epoch: int = 0                  # the number of the candidate's latest lease
    token: int | None = None        # its fencing token, as leader
    lease_until: int | None = None  # timer: its own view of its lease's end (its clock)
    heartbeat_at: int | None = None  # timer: the next keep-alive
    wrote: bool = False             # wrote to the resource in this term
    crashes_left: int = 0
    crashed_at: int | None = None   # its clock when it crashed as leader (for the properties)
    gave_up: bool = False           # it stopped leading when its own view of the lease ran out


class ResourceState(NamedTuple):
    highest: int = 0                      # the highest token accepted
    last_writer: Candidate | None = None
    stale_write: tuple | None = None      # (writer, token, highest before): accepted out of order


# -- messages -------------------------------------------------------------------------------


class Grant(NamedTuple):
    c: Candidate
    epoch: int
    sent: int


class Granted(NamedTuple):
    epoch: int
    sent: int
    to: Candidate


class KeepAlive(NamedTuple):
    c: Candidate
    epoch: int
    sent: int


class KeepAliveOk(NamedTuple):
    epoch: int
    sent: int
    to: Candidate


class LeaseGone(NamedTuple):
    """The store has no such lease (etcd answers TTL 0; ZooKeeper: session expired)."""

    epoch: int
    to: Candidate


class Create(NamedTuple):
    """Txn: if create_revision(key) == 0 then put(key, lease) else watch(key)."""

    c: Candidate
    epoch: int


class Elected(NamedTuple):
    epoch: int
    token: int
    to: Candidate


class Lost(NamedTuple):
    epoch: int
    to: Candidate


class Deleted(NamedTuple):
    """The watch event: the election key was deleted."""

    epoch: int
    to: Candidate


class Revoke(NamedTuple):
    c: Candidate
    epoch: int


class Write(NamedTuple):
    c: Candidate
    token: int


# who sends and who receives, for the network and sequence charts
for _kind in (Grant, KeepAlive, Create, Revoke, Write):
    _kind.src = "c"
for _kind in (Granted, KeepAliveOk, LeaseGone, Elected, Lost, Deleted):
    _kind.src, _kind.dst = "kv0", "to"
Write.dst = "db0"


# -- actions ----------------------------------------------------------------------------------


class Campaign(NamedTuple):
    c: Candidate


class GetLease(NamedTuple):
    c: Candidate
    epoch: int
    sent: int
    to: Candidate


class Win(NamedTuple):
    c: Candidate
    epoch: int
    token: int
    to: Candidate


class Lose(NamedTuple):
    c: Candidate
    epoch: int
    to: Candidate


class KeyGone(NamedTuple):
    c: Candidate
    epoch: int
    to: Candidate


class Heartbeat(NamedTuple):
    c: Candidate


class Renewed(NamedTuple):
    c: Candidate
    epoch: int
    sent: int
    to: Candidate


class LeaseLost(NamedTuple):
    c: Candidate
    epoch: int
    to: Candidate


class LeaseRunsOut(NamedTuple):
    c: Candidate


class WriteResource(NamedTuple):
    c: Candidate


class Resign(NamedTuple):
    c: Candidate


class Crash(NamedTuple):
    c: Candidate


class Restart(NamedTuple):
    c: Candidate


class GrantLease(NamedTuple):
    kv: Store
    c: Candidate
    epoch: int
    sent: int


class RenewLease(NamedTuple):
    kv: Store
    c: Candidate
    epoch: int
    sent: int


class CreateKey(NamedTuple):
    kv: Store
    c: Candidate
    epoch: int


class RevokeLease(NamedTuple):
    kv: Store
    c: Candidate
    epoch: int


class Expire(NamedTuple):
    kv: Store


class AcceptWrite(NamedTuple):
    db: Resource
    c: Candidate
    token: int


# -- the store ----------------------------------------------------------------------------------


class StoreNode(Node):
    """etcd (or the ZooKeeper ensemble): one linearizable store; its clock is the reference."""

    ids = Store
    state = StoreState
    count = 1

    @on(Grant, GrantLease)
    def grant(self, s, m, now):
        """LeaseGrant(TTL): a lease with deadline now + TTL (ZooKeeper: a
        session, a transaction with its zxid)."""
        lease = Lease(m.c, m.epoch, now + self.model.ttl)
        revision = s.revision + (self.model.session == "zookeeper")
        return self.timed(s._replace(revision=revision, leases=s.leases + (lease,))), [
            Granted(m.epoch, m.sent, to=m.c)]

    @on(KeepAlive, RenewLease)
    def keep_alive(self, s, m, now):
        """LeaseKeepAlive: the lease's deadline becomes now + TTL; a lease
        that is gone is answered as gone."""
        for i, lease in enumerate(s.leases):
            if lease[:2] == (m.c, m.epoch) and lease.deadline >= now:
                leases = s.leases[:i] + (self.renew(lease, now),) + s.leases[i + 1:]
                return self.timed(s._replace(leases=leases)), [
                    KeepAliveOk(m.epoch, m.sent, to=m.c)]
        return s, [LeaseGone(m.epoch, to=m.c)]

    @staticmethod
    def live(s: StoreState, c: int, epoch: int, now: int) -> bool:
        """Whether lease `epoch` of `c` exists and its deadline has not
        passed (its expiry may be due at this very tick, not yet done)."""
        return any(lease[:2] == (c, epoch) and lease.deadline >= now for lease in s.leases)

    def renew(self, lease: Lease, now: int) -> Lease:
        return lease._replace(deadline=now + self.model.ttl)

    @on(Create, CreateKey)
    def create(self, s, m, now):
        """Txn(If(CreateRevision(key) == 0), Then(Put(key, lease)), Else(Watch)):
        the key's create revision is the next revision."""
        if not self.live(s, m.c, m.epoch, now):
            return s, [LeaseGone(m.epoch, to=m.c)]  # the txn names a lease that is gone
        if s.key is None:
            token = s.revision + 1
            return s._replace(revision=token, key=Key(m.c, m.epoch, token, now)), [
                Elected(m.epoch, token, to=m.c)]
        return s._replace(watchers=s.watchers | {(m.c, m.epoch)}), [Lost(m.epoch, to=m.c)]

    @on(Revoke, RevokeLease)
    def revoke(self, s, m, now):
        """LeaseRevoke: the lease goes, and the key attached to it."""
        kept = tuple(lease for lease in s.leases if lease[:2] != (m.c, m.epoch))
        return self.drop_leases(s, kept, now, expired=False)

    @on_timer(Expire, deadline="next_expiry")
    def expire(self, s, now):
        """The store's clock passed a lease's deadline: the lease expires,
        and the key attached to it is deleted."""
        kept = tuple(lease for lease in s.leases if lease.deadline >= now)
        return self.drop_leases(s, kept, now, expired=True)

    def drop_leases(self, s, kept, now: int, expired: bool):
        """`s` keeping only the leases `kept`: a key attached to a dropped
        lease is deleted (a revision) and its watchers told."""
        gone = len(s.leases) - len(kept)
        revision = s.revision + (gone if self.model.session == "zookeeper" else 0)
        sends = []
        key, watchers, lost, released = s.key, s.watchers, s.lost_key, s.released_at
        if key is not None and not any(lease[:2] == key[:2] for lease in kept):
            revision += 1
            sends = [Deleted(epoch, to=c) for c, epoch in sorted(watchers)]
            key, watchers = None, frozenset()
            lost, released = (s.key.holder, released) if expired else (lost, now)
        return self.timed(s._replace(revision=revision, leases=kept, key=key, watchers=watchers,
                                     lost_key=lost, released_at=released)), sends

    @staticmethod
    def timed(s: StoreState) -> StoreState:
        """`s` with its expiry timer at the first tick past the earliest deadline."""
        deadlines = [lease.deadline for lease in s.leases]
        return s._replace(next_expiry=min(deadlines) + 1 if deadlines else None)


# -- the candidates ---------------------------------------------------------------------------------


class CandidateNode(Node):
    """An instance of the service, campaigning through the store."""

    ids = Candidate
    state = CandidateState

    def initial(self):
        return CandidateState(crashes_left=self.model.crashes)

    def lease_end(self, sent: int, now: int) -> int:
        """The end of the lease as this candidate sees it after an answer,
        less its safety margin (`margin_ms`)."""
        return self.counted_from(sent, now) + self.model.ttl - self.model.margin

    def counted_from(self, sent: int, now: int) -> int:
        """When the lease's TTL starts, on this candidate's clock: etcd: the
        request's send time; ZooKeeper: the session timeout runs from the
        last time it heard from the server."""
        return now if self.model.session == "zookeeper" else sent

    @step(Campaign, sends=Grant)
    def campaign(self, s, now):
        """A follower grants a new lease (at most `campaigns` in all) and starts its heartbeat."""
        if s.role != FOLLOWER or s.epoch >= self.model.campaigns:
            return None
        epoch = s.epoch + 1
        return s._replace(role=GRANTING, epoch=epoch, token=None, lease_until=None,
                          heartbeat_at=now + self.model.heartbeat, wrote=False), [
            Grant(self.id, epoch, now)]

    @on(Granted, GetLease, sends=(Create, KeepAlive))
    def got_lease(self, s, m, now):
        """With its lease granted, the candidate tries to create the key and
        sends its first keep-alive at once (as etcd's client does when it
        starts keeping a lease alive)."""
        if s.role != GRANTING or m.epoch != s.epoch:
            return s, []
        return s._replace(role=CAMPAIGNING, lease_until=self.lease_end(m.sent, now)), [
            Create(self.id, s.epoch), KeepAlive(self.id, s.epoch, now)]

    @on(Elected, Win)
    def win(self, s, m, now):
        """The create succeeded: it leads, with the key's create revision as
        token (even if an earlier create's "lost" answer overtook this one)."""
        if (s.role not in (CAMPAIGNING, WATCHING) or m.epoch != s.epoch
                or now >= s.lease_until):  # too late: its own view of the lease ran out
            return s, []
        return s._replace(role=LEADER, token=m.token, crashed_at=None), []

    @on(Lost, Lose)
    def lose(self, s, m, now):
        """The key exists: watch it."""
        if s.role != CAMPAIGNING or m.epoch != s.epoch:
            return s, []
        return s._replace(role=WATCHING), []

    @on(Deleted, KeyGone, sends=Create)
    def key_gone(self, s, m, now):
        """The watched key was deleted: try to create it again (also when the
        event overtook the "lost" answer that started the watch)."""
        if s.role not in (CAMPAIGNING, WATCHING) or m.epoch != s.epoch:
            return s, []
        return s._replace(role=CAMPAIGNING), [Create(self.id, s.epoch)]

    @on_timer(Heartbeat, deadline="heartbeat_at")
    def heartbeat(self, s, now):
        """Every heartbeat interval from the campaign's start: a keep-alive,
        stamped with its send time, once the lease is granted (before, the
        client has no lease to keep alive)."""
        if s.role == GRANTING:
            return s._replace(heartbeat_at=now + self.model.heartbeat), []
        return s._replace(heartbeat_at=now + self.model.heartbeat), [
            KeepAlive(self.id, s.epoch, now)]

    @on(KeepAliveOk, Renewed)
    def renewed(self, s, m, now):
        """A keep-alive came back: the lease lasts longer, as this candidate sees it."""
        if s.lease_until is None or m.epoch != s.epoch:
            return s, []
        return s._replace(lease_until=max(s.lease_until, self.lease_end(m.sent, now))), []

    @on(LeaseGone, LeaseLost)
    def lease_lost(self, s, m, now):
        """The store says the lease is gone: leadership (or the campaign) is over."""
        if s.role in (FOLLOWER, CRASHED) or m.epoch != s.epoch:
            return s, []
        return self.step_down(s), []

    @on_timer(LeaseRunsOut, deadline="lease_until")
    def lease_runs_out(self, s, now):
        """Its own clock reaches its view of the lease's end: it no longer
        believes it leads (and stops campaigning)."""
        return self.step_down(s)._replace(gave_up=s.gave_up or s.role == LEADER), []

    def step_down(self, s):
        return s._replace(role=FOLLOWER, token=None, lease_until=None, heartbeat_at=None)

    @step(WriteResource, sends=Write)
    def write(self, s, now):
        """The leader writes to the resource, once per term, with its token
        (if `writes`: questions about the key alone leave the resource out)."""
        if not self.model.writes or s.role != LEADER or s.wrote:
            return None
        return s._replace(wrote=True), [Write(self.id, s.token)]

    @step(Resign, sends=Revoke)
    def resign(self, s, now):
        """The leader resigns: it revokes its lease (which deletes the key)."""
        if not self.model.resign or s.role != LEADER:
            return None
        return self.step_down(s), [Revoke(self.id, s.epoch)]

    @step(Crash)
    def crash(self, s, now):
        """The process dies, releasing nothing (within `crashes` per candidate)."""
        if s.role == CRASHED or not s.crashes_left:
            return None
        return CandidateState(role=CRASHED, epoch=s.epoch, crashes_left=s.crashes_left - 1,
                              crashed_at=now if s.role == LEADER else None), []

    @step(Restart)
    def restart(self, s, now):
        """The process starts again, as a follower (its next lease is a new one)."""
        if s.role != CRASHED:
            return None
        return s._replace(role=FOLLOWER), []


# -- the resource -------------------------------------------------------------------------------------


class ResourceNode(Node):
    """The database the leader writes; with fencing, it rejects lower tokens."""

    ids = Resource
    state = ResourceState
    count = 1

    @on(Write, AcceptWrite)
    def accept_write(self, s, m, now):
        """With fencing, a write below the highest token seen is rejected;
        otherwise it is accepted (and noted if it comes out of order)."""
        if self.model.fencing and m.token < s.highest:
            return s, []  # rejected
        return self.accept(s, m), []

    @staticmethod
    def accept(s, m):
        stale = s.stale_write
        if stale is None and m.token < s.highest:
            stale = (m.c, m.token, s.highest, s.last_writer)
        return ResourceState(max(s.highest, m.token), m.c, stale)


# -- the model -----------------------------------------------------------------------------------------

TIMES = ("ttl_ms", "heartbeat_ms", "latency_ms", "pause_ms", "drift_ms", "margin_ms",
         "horizon_ms")


@register
class LeaseElection(ActorModel):
    name = "lease-election"
    summary = ("leader election on etcd leases with fencing tokens (or ZooKeeper sessions), "
               "with clocks, delays, pauses and a fenced resource")
    # Maxima only refuse absurd input (an hour of time, a few dozen faults);
    # the state space limits real runs long before.
    params = (
        Param("candidates", 2, "instances of the service competing for leadership",
              minimum=1, maximum=3),
        Param("session", "etcd", "etcd: leases, the client's view from the request's send "
              "time; zookeeper: sessions, the client's view from the last answer",
              schema={"enum": ["etcd", "zookeeper"]}),
        Param("ttl_ms", 5000, "lease TTL (ZooKeeper: session timeout), in ms", minimum=1, maximum=3_600_000),
        Param("heartbeat_ms", 1000, "keep-alive interval, in ms", minimum=1, maximum=3_600_000),
        Param("latency_ms", 200, "the most a message takes, in ms (the least is 0)",
              minimum=0, maximum=3_600_000),
        Param("pause_ms", 0, "the length of a stop-the-world pause, in ms", minimum=0, maximum=3_600_000),
        Param("pauses", 0, "how many pauses may happen in a run", minimum=0, maximum=16),
        Param("drift_ms", 0, "how far a candidate's clock may stray from the store's, in ms",
              minimum=0, maximum=3_600_000),
        Param("margin_ms", 0, "how long before its view of the lease ends a candidate stops "
              "believing it leads (the clock drift the TTL is meant to absorb), in ms",
              minimum=0, maximum=3_600_000),
        Param("drops", 0, "how many messages the network may lose", minimum=0, maximum=64),
        Param("crashes", 0, "how many times each candidate may crash", minimum=0, maximum=16),
        Param("campaigns", 2, "how many leases each candidate may grant", minimum=1, maximum=16),
        Param("resign", False, "whether a leader may resign (revoke its lease)",
              schema={"type": "boolean"}),
        Param("writes", True, "whether a leader writes to the resource",
              schema={"type": "boolean"}),
        Param("fencing", True, "whether the resource rejects writes with lower tokens",
              schema={"type": "boolean"}),
        Param("tick_ms", 100, "what one tick is worth, in ms; divides every time parameter",
              minimum=1, maximum=3_600_000),
        Param("horizon_ms", 10000, "how long runs last, in ms", minimum=0, maximum=3_600_000),
    )
    roles = (StoreNode, CandidateNode, ResourceNode)
    messages = (Grant, Granted, KeepAlive, KeepAliveOk, LeaseGone, Create, Elected, Lost,
                Deleted, Revoke, Write)
    network = Delayed(latency="latency", drop="drops")
    clock = Clock(Candidate, horizon="horizon", drift="drift", pause="pause", pauses="pauses")
    symmetry_sets = ("candidates",)

    def setup(self) -> None:
        for name in TIMES:
            if getattr(self, name) % self.tick_ms:
                raise ParamError(f"params.{name}", f"{name} = {getattr(self, name)} is not a "
                                 f"multiple of tick_ms = {self.tick_ms}; use a tick that "
                                 "divides every time parameter, e.g. tick_ms: "
                                 f"{self.coarsest_tick()}")
        ticks = {name[:-3]: getattr(self, name) // self.tick_ms for name in TIMES}
        self.ttl, self.heartbeat, self.latency = ticks["ttl"], ticks["heartbeat"], ticks["latency"]
        self.pause, self.drift, self.horizon = ticks["pause"], ticks["drift"], ticks["horizon"]
        self.margin = ticks["margin"]
        if bool(self.pause_ms) != bool(self.pauses):  # (one without the other: no pause)
            raise ParamError(
                "params.pauses" if self.pause_ms else "params.pause_ms",
                f"pause_ms = {self.pause_ms} is a pause's length, but pauses = 0 lets none "
                "happen; give pauses: 1 or more, or remove pause_ms" if self.pause_ms else
                f"pauses = {self.pauses} lets pauses happen, but pause_ms = 0 makes each "
                "last nothing; give pause_ms, or remove pauses")
        if self.margin >= self.ttl:
            raise ParamError("params.margin_ms", f"margin_ms = {self.margin_ms} leaves no lease "
                             f"of ttl_ms = {self.ttl_ms}; use a margin below the TTL")
        #: TTL + one campaign round: a keep-alive in flight at the crash, the
        #: expiry tick, the watch event and the create
        self.failover_bound = self.ttl + 3 * self.latency + 1

    def coarsest_tick(self) -> int:
        """The largest tick that divides every time parameter."""
        divisor = 0
        for name in TIMES:
            divisor = gcd(divisor, getattr(self, name))
        return divisor or 1

    # -- reading a state --------------------------------------------------------------------

    def store(self, state):
        return self.record(state, StoreNode, 0)

    def candidate(self, state, c):
        return self.record(state, CandidateNode, c)

    def resource(self, state):
        return self.record(state, ResourceNode, 0)

    def now(self, state) -> int:
        return self.clock.reading(state[-2], None)

    # -- properties --------------------------------------------------------------------------

    @invariant("Single writer")
    def single_writer(self, state):
        """The resource never accepts a write from an earlier key holder
        after a write from a later one."""
        stale = self.resource(state).stale_write
        if stale is None:
            return True
        writer, token, highest, newer = stale
        return Fails(f"db0 accepted c{writer}'s write with token {token} after "
                     f"c{newer}'s with token {highest}")

    @invariant("At most one believes it leads")
    def one_believes(self, state):
        """At no instant do two candidates believe they lead."""
        leaders = [c for c in range(self.candidates)
                   if self.candidate(state, c).role == LEADER]
        if len(leaders) <= 1:
            return True
        return Fails(" and ".join(f"c{c} (token {self.candidate(state, c).token})"
                                  for c in leaders) + f" both believe they lead at tick "
                     f"{self.now(state)}")

    @invariant("A healthy leader keeps the key")
    def leader_keeps_key(self, state):
        """No leader stops leading because its own view of the lease ran
        out, and the key is never deleted by its lease's expiry (meant for
        runs in which the leader neither crashes nor pauses: its keep-alives
        alone must keep the lease)."""
        for c in range(self.candidates):
            if self.candidate(state, c).gave_up:
                return Fails(f"c{c} stopped leading at tick {self.now(state)}: its view of "
                             "its lease ran out before a keep-alive's answer came back")
        lost = self.store(state).lost_key
        return True if lost is None else Fails(
            f"c{lost}'s lease expired and its key was deleted at tick {self.now(state)}")

    @invariant("A leader learns first that its lease is gone")
    def leader_learns_first(self, state):
        """No candidate believes it leads once the store's clock has passed
        its lease's deadline (or the lease is gone): the leader's own view
        ends first."""
        store, now = self.store(state), self.now(state)
        for c in range(self.candidates):
            mine = self.candidate(state, c)
            if mine.role == LEADER and not StoreNode.live(store, c, mine.epoch, now):
                return Fails(f"c{c} believes it leads at tick {now}, but its lease is gone "
                             "at the store")
        return True

    @invariant("New leader within TTL + one campaign round")
    def bounded_failover(self, state):
        """After a leader crashes, while a live candidate watches the key, a
        new holder has it within TTL + 3 latencies + 1 tick (on the crashed
        candidate's clock)."""
        store, clock = self.store(state), state[-2]
        waiting = [c for c in range(self.candidates)
                   if self.candidate(state, c).role == WATCHING]
        for c in range(self.candidates):
            crashed_at = self.candidate(state, c).crashed_at
            if crashed_at is None or (store.key is not None and store.key.holder != c):
                continue
            # its clock runs on while it is down, paused too (where the
            # process cannot read it: `Clock.reading` is None)
            elapsed = clock.now + clock.skew[c] - crashed_at
            if waiting and elapsed > self.failover_bound:
                return Fails(f"c{c} crashed as leader {elapsed} ticks ago and no one "
                             "holds the key")
        return True

    @reachable("A leader writes")
    def leader_writes(self, state):
        """The resource accepted a write."""
        return self.resource(state).last_writer is not None

    @reachable("Failover at the bound", default=False)
    def failover_at_bound(self, state):
        """The worst case of failover: a new holder creates the key exactly
        TTL + one campaign round after the leader crashed."""
        key = self.store(state).key
        return key is not None and any(
            self.candidate(state, c).crashed_at is not None and key.holder != c
            and key.created - self.candidate(state, c).crashed_at == self.failover_bound
            for c in range(self.candidates))

    @reachable("Handover after a resignation", default=False)
    def handover_after_resign(self, state):
        """Another candidate holds the key after a leader resigned (revoked
        its lease); the witness shows how soon."""
        store = self.store(state)
        return store.released_at is not None and store.key is not None

    @reachable("Two believe they lead", default=False)
    def two_believe(self, state):
        """Two candidates believe they lead at once (the window that
        fencing makes harmless)."""
        return sum(self.candidate(state, c).role == LEADER
                   for c in range(self.candidates)) > 1


# -- mutants: each replaces one handler -----------------------------------------------------------


@LeaseElection.mutant("keepalive_never_renews", "the store answers keep-alives but never "
                      "extends the lease, so every lease expires one TTL after its grant; "
                      "breaks leader_keeps_key")
class StoreNeverRenewing(StoreNode):
    def renew(self, lease, now):
        return lease  # the bug: the deadline stays


@LeaseElection.mutant("resource_ignores_tokens", "the resource accepts every write whatever "
                      "its token (fencing configured but not enforced); breaks single_writer")
class ResourceIgnoringTokens(ResourceNode):
    @on(Write, AcceptWrite)
    def accept_write(self, s, m, now):
        return self.accept(s, m), []  # the bug: no token check


@LeaseElection.mutant("trusts_expired_lease", "a leader keeps believing it leads when its "
                      "own clock passes its lease's end; breaks leader_learns_first")
class CandidateTrustingItsLease(CandidateNode):
    @on_timer(LeaseRunsOut, deadline="lease_until")
    def lease_runs_out(self, s, now):
        if s.role == LEADER:
            return s._replace(lease_until=None), []  # the bug: still leader
        return self.step_down(s), []


@LeaseElection.mutant("expiry_tells_no_watcher", "the store deletes the key of an expired "
                      "lease without telling the watchers, as etcd did before it published "
                      "delete events on lease revocation (etcd-io/etcd#4262); the waiting "
                      "candidate never retries, which breaks bounded_failover")
class StoreSilentOnExpiry(StoreNode):
    @on_timer(Expire, deadline="next_expiry")
    def expire(self, s, now):
        kept = tuple(lease for lease in s.leases if lease.deadline >= now)
        return self.drop_leases(s, kept, now, expired=True)[0], []  # the bug: no watch event


@LeaseElection.mutant("counts_from_answer", "the client counts its lease from the arrival of "
                      "a keep-alive's answer, not from the request's send time, as etcd's "
                      "clientv3 does (lease.go, recvKeepAlive: deadline = now + TTL); its view "
                      "outlasts the store's deadline by up to a round trip, which breaks "
                      "one_believes")
class CandidateCountingFromAnswer(CandidateNode):
    def counted_from(self, sent, now):
        return now  # the bug: from the answer, not from the request
