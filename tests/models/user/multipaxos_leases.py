"""MultiPaxos with leader leases and reads served by a stable leader
without a quorum round (Guanzhou Hu, after Paxos Made Live), as
specifications/MultiPaxos-LeaderLeases/MultiPaxos.tla and
MultiPaxos_MC.tla of tlaplus/Examples write them (MultiPaxos.tla as of
blob commit de5fbf8, MultiPaxos_MC.tla and the cfgs as of 17fa7cf): a
user's plain `checker.Model`, one method per PlusCal macro of the
replica's loop, each guard and effect as the translation states them.

Plain, not the kit: the spec's state is seven shared variables (``pc``,
``msgs``, ``node``, ``pending``, ``observed``, ``crashed``, ``time``), its
TimeTick moves every replica's clock and expires every replica's leases
in one step, the client's ``pending`` and ``observed`` belong to no
replica, and MCNext stops the whole system when ``runFinished`` holds.
The kit's MultiPaxos-SMR port (`multipaxos.py`) holds the client as
globals and the replicas as records; here the global clock, the global
expiry and the system-wide stop would be three more kit globals over
every replica at once, so each action is written over the whole state as
the spec writes it.

Variables, as the spec names them: ``pc`` ("rloop" or "Done" per
replica), ``msgs`` (the set of every message sent: the spec's eleven
message types as seven records, Guard, Renew and Revoke sharing
`GrantorMsg` and their replies `GranteeMsg`, each with the spec's ``type``
field, so that two messages of equal fields are told apart as TLC tells
them), ``node`` (per replica a `Node`: leader, commitUpTo, commitPrev,
balPrepared, balMaxKnown, ``insts`` by slot, and ``asGrantor`` and
``asGrantee``, one `Lease` per replica, itself included),
``pending`` and ``observed`` (the client's, tuples of commands and of
`Req`/`Ack` events), ``crashed`` and ``time`` (per replica). A command is
a write ``w1`` .. or a read ``r1`` .. (`Command`, either set); ``"nil"``
and ``"none"`` are None.

Actions, in the order of the replica loop's ``either`` (TLC's order, so
that a shortest counterexample is TLC's run), each for ``self`` in s1,
s2, .. while ``pc[self] = "rloop"``:

- BecomeLeader(self, b): for each ballot b above balMaxKnown no Prepare
  carries (ballots unique per proposer), self leads at b, unprepared,
  Accepting slots back to Preparing, stale grants revoked
  (RevokeStaleAsGrantor: a live Guarding grant reset, a live Renewing one
  Revoking with its seq bumped, a Revoke sent); it sends Prepare and its
  own PrepareReply.
- HandlePrepare(self, m): a Prepare above balMaxKnown; self follows
  m.src, revokes stale grants, replies with its votes.
- HandlePrepareReplies(self, prsGot): leader self, unprepared, for each
  subset prsGot of at least MajorityNum of the replies of its ballot (one
  successor per subset, as TLC generates them): prepared; each slot's
  write is PeakVotedWrite(prsGot, s), and a Preparing slot, or an Empty
  one with a peak vote, is adopted (Accepting, voted at the ballot);
  commitPrev is LastTouchedSlot(prsGot); Accept and its own AcceptReply
  for each Accepting slot.
- TakeNewWriteRequest(self): a stable leader (ThinkAmLeader: prepared,
  leased by a majority at its ballot) with an Empty slot, whose first
  pending command not in its log is a write, proposes it in the first
  Empty slot and observes its request. (TLC takes the guard's ``\\E s
  \\in Slots: ... = "Empty"`` as a choice of s, and generates the one
  successor once per Empty slot.)
- HandleAccept(self, m): an Accept at or above balMaxKnown and the slot's
  vote; self follows m.src, votes, revokes stale grants, replies.
- HandleAcceptReplies(self): a stable leader whose next slot is
  Accepting and has MajorityNum AcceptReplies of its ballot commits it,
  observes the Ack (the old value: the previous slot's write), resolves
  the command and sends a CommitNotice. The spec's ``\\E arsGot`` over
  the quorums of replies gives one successor: one step here (TLC counts a
  generated state per quorum).
- HandleCommitNotice(self): a follower commits its next Accepting slot on
  its CommitNotice (one message can match: one step).
- TakeNewReadRequest(self): a stable leader that has committed up to
  commitPrev, whose first unseen pending command is a read, answers it
  with its last committed write: Req and Ack observed, the read resolved.
- GrantorInitiateLease(self): self, knowing a leader and granting to
  nobody, starts Guarding toward it (guardExpire time + TGuard, seq + 1)
  and sends Guard.
- HandleGuard(self, m): a Guard to self at or above balMaxKnown, of a seq
  above the pair's, from a grantor self holds nothing of: Guarded until
  time + TGuard, seq m.seq + 1, balMaxKnown m.bal, stale grants revoked;
  GuardReply.
- HandleGuardReply(self, m): Guarding to Renewing, leaseExpire time +
  TGuard + TLease (loose), seq m.seq + 1; the first Renew.
- SpontaneousRenew(self): Renewing toward its leader at its ballot, live,
  within TLease of expiry: leaseExpire + TLease, seq + 1, Renew.
- HandleRenew(self, m): a Renew to self at its ballot, seq above the
  pair's, while Guarded (before guardExpire) or Renewed (live, within
  TLease of expiry): Renewed until time + TLease, seq m.seq + 1;
  RenewReply.
- HandleRenewReply(self, m): tightens a Renewing grant's leaseExpire to
  time + TLease (if that is later), seq m.seq.
- HandleRevoke(self, m): a Revoke to self at or above balMaxKnown, seq
  above the pair's, while Guarded or Renewed: the grantee state cleared
  (seq m.seq + 1), balMaxKnown m.bal, stale grants revoked; RevokeReply.
- HandleRevokeReply(self, m): a Revoking grant dropped (seq m.seq).
- TimeTick(self): every replica's clock + 1, and every expired grant and
  grantee state (expiry at or before the new time) cleared, seqs kept.
  The same successor for every live self: TLC generates it once per live
  replica, the model once (TLC's generated counts are rebuilt in the
  tests).
- ReplicaCrashes(self): crashed.
- Done(self): the loop's exit, ``pc[self] = "Done"``, once self has
  crashed (or the run terminated, which MCNext never lets a step see).

Each step is MCNext's: none where runFinished holds (terminated, or every
replica crashed or at the last tick of Times = 1..MaxTime). The spec's
Terminating needs every pc "Done", which runFinished precedes: never
enabled. Constants: ``replicas``, ``writes``, ``reads`` (the sizes of
Replicas, Writes, Reads), ``MaxBallot`` (MCBallots = 1..MaxBallot),
``MaxTime`` (MCTimes = 1..MaxTime), ``TGuard``, ``TLease``; the cfg's are
3, 2, 2, 2, 3, 1, 1 (MultiPaxos_MC_short.cfg: 3, 1, 2, 2, 2, 1, 1).
InitPending's CHOOSEs of injective sequences give <<w1, .., r1, ..>>, as
TLC's do (<<w1, w2, r1, r2>> for the cfg's sets). SYMMETRY SymmetricPerms is the symmetric sets "replicas",
"writes" and "reads", derived from the types by `Symmetric`.

Properties: the cfg's invariants TypeOK (the clauses Python's types do
not say: time within Times, ballots within Ballots, pending and observed
injective and bounded, requests made at least acks received),
LeaseExpirationSafety, AtMostGrantsOneLeader, AtMostOneStableLeader and
MultiPaxos_MC's Linearizability. The spec states no fairness; its
Termination is not checked by the cfgs.

Mutants (below), each made in the TLA+ text too, where TLC's shortest
counterexample is the model's state for state
(tests/models/test_user_multipaxos_leases.py): SpontaneousRenew without
its + TLease (LeaseExpirationSafety; the README's fourth way to fail the
check), HandleRenew without m.grantee = self (LeaseExpirationSafety,
AtMostGrantsOneLeader, AtMostOneStableLeader), RevokeStaleAsGrantor
forgetting a Renewing grant without a Revoke (LeaseExpirationSafety),
TakeNewReadRequest observing the Ack without the Req (TypeOK),
and ThinkAmLeader without its lease quorum (Linearizability; the
README's third way). The README's first way, HandleAcceptReplies on
MajorityNum - 1 replies, is not among them: a write committed by one of
three replicas is lost only to a second stable leader, leased after the
first leader's leases are revoked, reading after the write's Ack, deeper
than either checker searches in minutes (on 3 replicas, 1 write, 1 read,
ballots 1..2, times 1..2, TLC 2.15 had 2,100,317 states and 842,198 on
its queue at depth 15 after 9 minutes, no violation yet).

Where this port differs from the text, none in behaviour:

- PeakVotedWrite's CHOOSE of a reply with the slot's highest vote: one
  leader per ballot proposes one write per slot, so every such reply
  holds the same write; the model takes the first and checks the others
  agree (an error otherwise).
- LastTouchedSlot and FirstEmptySlot's CHOOSEs name the one slot they
  describe.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations, permutations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant
from models.kit import Symmetric, ids, indexed_by
from models.kit.records import either

ReplicaId = ids("replicas", "s", first=1, named=True)
WriteId = ids("writes", "w", first=1, named=True)
ReadId = ids("reads", "r", first=1, named=True)
Command = either(WriteId, ReadId)

RLOOP, DONE = "rloop", "Done"
EMPTY, PREPARING, ACCEPTING, COMMITTED = "Empty", "Preparing", "Accepting", "Committed"
NONE, GUARDING, RENEWING, REVOKING = "None", "Guarding", "Renewing", "Revoking"
GUARDED, RENEWED = "Guarded", "Renewed"


class Voted(NamedTuple):
    bal: int
    write: WriteId | None


class Inst(NamedTuple):
    status: str
    write: WriteId | None
    voted: Voted


class Lease(NamedTuple):
    """GrantorState or GranteeState (the same fields)."""

    status: str
    guardExpire: int
    leaseExpire: int
    bal: int
    seq: int


NULL_VOTE = Voted(0, None)
NULL_INST = Inst(EMPTY, None, NULL_VOTE)
NULL_LEASE = Lease(NONE, 0, 0, 0, 0)


class Node(NamedTuple):
    leader: ReplicaId | None
    commitUpTo: int
    commitPrev: int
    balPrepared: int
    balMaxKnown: int
    insts: tuple[Inst, ...]
    asGrantor: indexed_by(ReplicaId, Lease)
    asGrantee: indexed_by(ReplicaId, Lease)


# -- messages: each with the spec's type field ------------------------------------------------


class Prepare(NamedTuple):
    type: str
    src: ReplicaId
    bal: int


class PrepareReply(NamedTuple):
    type: str
    src: ReplicaId
    bal: int
    votes: tuple[Voted, ...]


class Accept(NamedTuple):
    type: str
    src: ReplicaId
    bal: int
    slot: int
    write: WriteId


class AcceptReply(NamedTuple):
    type: str
    src: ReplicaId
    bal: int
    slot: int


class CommitNotice(NamedTuple):
    type: str
    upto: int


class GrantorMsg(NamedTuple):
    """Guard, Renew or Revoke, from grantor to grantee."""

    type: str
    grantor: ReplicaId
    grantee: ReplicaId
    bal: int
    seq: int


class GranteeMsg(NamedTuple):
    """GuardReply, RenewReply or RevokeReply, from grantee to grantor."""

    type: str
    grantee: ReplicaId
    grantor: ReplicaId
    bal: int
    seq: int


Message = Prepare | PrepareReply | Accept | AcceptReply | CommitNotice | GrantorMsg | GranteeMsg


class Req(NamedTuple):
    cmd: Command


class Ack(NamedTuple):
    cmd: Command | None  # "nil" where a slot adopted without a vote commits
    val: WriteId | None


class State(NamedTuple):
    pc: indexed_by(ReplicaId, str)
    msgs: frozenset[Message]
    node: indexed_by(ReplicaId, Node)
    pending: tuple[Command, ...]
    observed: tuple[Req | Ack, ...]
    crashed: indexed_by(ReplicaId, bool)
    time: indexed_by(ReplicaId, int)


# -- actions: the macros, with the witnesses of their \E ----------------------------------------


class BecomeLeader(NamedTuple):
    self: ReplicaId
    b: int


class HandlePrepare(NamedTuple):
    self: ReplicaId
    m: Prepare


class HandlePrepareReplies(NamedTuple):
    self: ReplicaId
    prsGot: frozenset[ReplicaId]  # the replies' sources (all of the leader's ballot)


class TakeNewWriteRequest(NamedTuple):
    self: ReplicaId


class HandleAccept(NamedTuple):
    self: ReplicaId
    m: Accept


class HandleAcceptReplies(NamedTuple):
    self: ReplicaId


class HandleCommitNotice(NamedTuple):
    self: ReplicaId


class TakeNewReadRequest(NamedTuple):
    self: ReplicaId


class GrantorInitiateLease(NamedTuple):
    self: ReplicaId


class HandleGuard(NamedTuple):
    self: ReplicaId
    m: GrantorMsg


class HandleGuardReply(NamedTuple):
    self: ReplicaId
    m: GranteeMsg


class SpontaneousRenew(NamedTuple):
    self: ReplicaId


class HandleRenew(NamedTuple):
    self: ReplicaId
    m: GrantorMsg


class HandleRenewReply(NamedTuple):
    self: ReplicaId
    m: GranteeMsg


class HandleRevoke(NamedTuple):
    self: ReplicaId
    m: GrantorMsg


class HandleRevokeReply(NamedTuple):
    self: ReplicaId
    m: GranteeMsg


class TimeTick(NamedTuple):
    pass


class ReplicaCrashes(NamedTuple):
    self: ReplicaId


class Done(NamedTuple):
    self: ReplicaId


ACTIONS = (BecomeLeader, HandlePrepare, HandlePrepareReplies, TakeNewWriteRequest, HandleAccept,
           HandleAcceptReplies, HandleCommitNotice, TakeNewReadRequest, GrantorInitiateLease,
           HandleGuard, HandleGuardReply, SpontaneousRenew, HandleRenew, HandleRenewReply,
           HandleRevoke, HandleRevokeReply, TimeTick, ReplicaCrashes, Done)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


@lru_cache(maxsize=None)
def _majorities(sources: frozenset, majority: int) -> tuple[frozenset, ...]:
    """The subsets of `sources` of at least `majority` elements, in TLC's
    order of SUBSET (by size, then by element)."""
    ordered = sorted(sources)
    return tuple(frozenset(c) for size in range(majority, len(ordered) + 1)
                 for c in combinations(ordered, size))


def is_write(c) -> bool:
    return c[0] == "writes"


class MultiPaxosLeases(Symmetric, Model):
    name = "multipaxos-leases"
    summary = "MultiPaxos with leader leases and local reads (MultiPaxos-LeaderLeases)"
    params = (Param("replicas", 3, "Cardinality(Replicas): replicas s1..sN", minimum=1,
                    maximum=4),
              Param("writes", 1, "Cardinality(Writes): writes w1..wN", minimum=1, maximum=3),
              Param("reads", 2, "Cardinality(Reads): reads r1..rN", minimum=0, maximum=3),
              Param("MaxBallot", 2, "MCBallots == 1..MaxBallot", minimum=1, maximum=4),
              Param("MaxTime", 2, "MCTimes == 1..MaxTime: the run stops at the last tick",
                    minimum=1, maximum=6),
              Param("TGuard", 1, "the lease guard window, in ticks", minimum=1),
              Param("TLease", 1, "the lease renewal window, in ticks", minimum=1))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("replicas", "writes", "reads")  # SymmetricPerms, derived from the types

    def setup(self) -> None:
        self.everyone = tuple(range(self.replicas))
        self.majority = self.replicas // 2 + 1
        self.slots = tuple(range(self.writes))
        self.commands = (tuple(WriteId.tag(w) for w in range(self.writes))
                         + tuple(ReadId.tag(r) for r in range(self.reads)))
        self.ballots = tuple(range(1, self.MaxBallot + 1))

    # -- Init ---------------------------------------------------------------------------------

    def initial_states(self):
        n = self.replicas
        null_node = Node(None, 0, 0, 0, 0, (NULL_INST,) * self.writes, (NULL_LEASE,) * n,
                         (NULL_LEASE,) * n)
        yield State(pc=(RLOOP,) * n, msgs=frozenset(), node=(null_node,) * n,
                    pending=self.commands, observed=(), crashed=(False,) * n, time=(1,) * n)

    # -- the define block -----------------------------------------------------------------------

    def grants(self, s: State, f: int, p: int, b: int) -> bool:
        """FGrantsPWithBal(f, p, b): p holds a live Renewed lease from f at b."""
        g = s.node[p].asGrantee[f]
        return g.status == RENEWED and g.leaseExpire > s.time[p] and g.bal == b

    def leases_held(self, s: State, r: int) -> int:
        """How many replicas grant r a lease at r's balMaxKnown."""
        b = s.node[r].balMaxKnown
        return sum(1 for f in self.everyone if self.grants(s, f, r, b))

    def think_am_leader(self, s: State, r: int) -> bool:
        """ThinkAmLeader(r): r leads, prepared at balMaxKnown, leased by a
        majority at it."""
        n = s.node[r]
        return (n.leader == r and n.balPrepared == n.balMaxKnown
                and self.leases_held(s, r) >= self.majority)

    def revoke_stale(self, s: State, r: int, nb: int) -> tuple[tuple, list]:
        """RevokeStaleAsGrantor(r, nb) and RevokeStaleSendMsgs(r, nb): r's
        grants below nb, a live Guarding one reset (seq kept), a live
        Renewing one Revoking (seq + 1, a Revoke sent)."""
        grantor, sent = list(s.node[r].asGrantor), []
        for p, g in enumerate(grantor):
            if g.bal < nb and g.status == GUARDING and g.guardExpire > s.time[r]:
                grantor[p] = NULL_LEASE._replace(seq=g.seq)
            elif g.bal < nb and g.status == RENEWING and g.leaseExpire > s.time[r]:
                grantor[p] = g._replace(status=REVOKING, seq=g.seq + 1)
                sent.append(GrantorMsg("Revoke", ReplicaId(r), ReplicaId(p), nb, g.seq + 1))
        return tuple(grantor), sent

    def append_observed(self, s: State, events: tuple) -> tuple:
        """AppendObserved(seq): the events not yet observed, appended."""
        return s.observed + tuple(e for e in events if e not in s.observed)

    def unseen_pending(self, s: State, r: int) -> tuple:
        """UnseenPending(r): the pending commands no slot of r holds."""
        held = {i.write for i in s.node[r].insts}
        return tuple(c for c in s.pending if not (is_write(c) and c[1] in held))

    def terminated(self, s: State) -> bool:
        """terminated: nothing pending, every command requested and acked."""
        if s.pending:
            return False
        reqs = {e.cmd for e in s.observed if type(e) is Req}
        acks = {e.cmd for e in s.observed if type(e) is Ack}
        return len(reqs) == len(acks) == len(self.commands)

    def run_finished(self, s: State) -> bool:
        """runFinished: terminated, or every replica crashed or at the last
        tick of Times."""
        return self.terminated(s) or all(
            s.crashed[r] or s.time[r] + 1 > self.MaxTime for r in self.everyone)

    def bound_reason(self, s: State) -> str | None:
        """Why MCNext stops at `s` (runFinished), in a report's words."""
        if self.terminated(s):
            return "every command is acknowledged (terminated)"
        if self.run_finished(s):
            return (f"every replica has crashed or is at the last tick of Times = "
                    f"1..{self.MaxTime} (runFinished)")
        return None

    # -- Next ---------------------------------------------------------------------------------

    def successors(self, s: State):
        if self.run_finished(s):  # MCNext == ~runFinished /\ Next
            return
        for r in self.everyone:
            if s.pc[r] != RLOOP:
                continue
            me = ReplicaId(r)
            if s.crashed[r]:  # (terminated is runFinished)
                yield Done(me), s._replace(pc=_with(s.pc, r, DONE))
                continue
            for b in self.ballots:
                t = self.become_leader(s, r, b)
                if t is not None:
                    yield BecomeLeader(me, b), t
            for m in self.received(s, Prepare):
                t = self.handle_prepare(s, r, m)
                if t is not None:
                    yield HandlePrepare(me, m), t
            for got, t in self.handle_prepare_replies(s, r):
                yield HandlePrepareReplies(me, got), t
            t = self.take_new_write_request(s, r)
            if t is not None:
                yield TakeNewWriteRequest(me), t
            for m in self.received(s, Accept):
                t = self.handle_accept(s, r, m)
                if t is not None:
                    yield HandleAccept(me, m), t
            t = self.handle_accept_replies(s, r)
            if t is not None:
                yield HandleAcceptReplies(me), t
            t = self.handle_commit_notice(s, r)
            if t is not None:
                yield HandleCommitNotice(me), t
            t = self.take_new_read_request(s, r)
            if t is not None:
                yield TakeNewReadRequest(me), t
            t = self.grantor_initiate_lease(s, r)
            if t is not None:
                yield GrantorInitiateLease(me), t
            for m in self.received(s, GrantorMsg, "Guard"):
                t = self.handle_guard(s, r, m)
                if t is not None:
                    yield HandleGuard(me, m), t
            for m in self.received(s, GranteeMsg, "GuardReply"):
                t = self.handle_guard_reply(s, r, m)
                if t is not None:
                    yield HandleGuardReply(me, m), t
            t = self.spontaneous_renew(s, r)
            if t is not None:
                yield SpontaneousRenew(me), t
            for m in self.received(s, GrantorMsg, "Renew"):
                t = self.handle_renew(s, r, m)
                if t is not None:
                    yield HandleRenew(me, m), t
            for m in self.received(s, GranteeMsg, "RenewReply"):
                t = self.handle_renew_reply(s, r, m)
                if t is not None:
                    yield HandleRenewReply(me, m), t
            for m in self.received(s, GrantorMsg, "Revoke"):
                t = self.handle_revoke(s, r, m)
                if t is not None:
                    yield HandleRevoke(me, m), t
            for m in self.received(s, GranteeMsg, "RevokeReply"):
                t = self.handle_revoke_reply(s, r, m)
                if t is not None:
                    yield HandleRevokeReply(me, m), t
            if r == self.first_live(s):  # the same step from every live replica: once
                yield TimeTick(), self.time_tick(s)
            yield ReplicaCrashes(me), s._replace(crashed=_with(s.crashed, r, True))

    def first_live(self, s: State) -> int:
        return next(r for r in self.everyone if s.pc[r] == RLOOP and not s.crashed[r])

    def received(self, s: State, kind: type, type_: str | None = None) -> list:
        """The messages of one type in msgs, in a fixed order."""
        return sorted(m for m in s.msgs
                      if type(m) is kind and (type_ is None or m.type == type_))

    def set_node(self, s: State, r: int, **fields) -> tuple:
        return _with(s.node, r, s.node[r]._replace(**fields))

    def send(self, s: State, *messages) -> frozenset:
        return s.msgs.union(messages)

    # -- consensus ------------------------------------------------------------------------------

    def unique_ballot(self, s: State, b: int) -> bool:
        """~\\E m \\in msgs: m.type = "Prepare" /\\ m.bal = b: ballots unique
        per proposer."""
        return not any(type(m) is Prepare and m.bal == b for m in s.msgs)

    def become_leader(self, s: State, r: int, b: int) -> State | None:
        """BecomeLeader(r) at ballot b."""
        n = s.node[r]
        if not (n.leader != r and b > n.balMaxKnown and self.unique_ballot(s, b)):
            return None
        grantor, revokes = self.revoke_stale(s, r, b)
        insts = tuple(i._replace(status=PREPARING) if i.status == ACCEPTING else i
                      for i in n.insts)
        votes = tuple(i.voted for i in insts)
        return s._replace(
            node=self.set_node(s, r, leader=ReplicaId(r), balPrepared=0, balMaxKnown=b,
                               insts=insts, asGrantor=grantor),
            msgs=self.send(s, Prepare("Prepare", ReplicaId(r), b),
                           PrepareReply("PrepareReply", ReplicaId(r), b, votes), *revokes))

    def handle_prepare(self, s: State, r: int, m: Prepare) -> State | None:
        """HandlePrepare(r) on m."""
        n = s.node[r]
        if not m.bal > n.balMaxKnown:
            return None
        grantor, revokes = self.revoke_stale(s, r, m.bal)
        insts = tuple(i._replace(status=PREPARING) if i.status == ACCEPTING else i
                      for i in n.insts)
        votes = tuple(i.voted for i in insts)
        return s._replace(
            node=self.set_node(s, r, leader=m.src, balMaxKnown=m.bal, insts=insts,
                               asGrantor=grantor),
            msgs=self.send(s, PrepareReply("PrepareReply", ReplicaId(r), m.bal, votes),
                           *revokes))

    def peak_voted_write(self, replies: list, slot: int):
        """PeakVotedWrite(prs, s): the write of a reply with the slot's
        highest vote, nil if none voted."""
        top = max(m.votes[slot].bal for m in replies)
        if top == 0:
            return None
        writes = {m.votes[slot].write for m in replies if m.votes[slot].bal == top}
        if len(writes) > 1:
            raise AssertionError(f"PeakVotedWrite: the votes of ballot {top} in slot "
                                 f"{slot + 1} hold {len(writes)} writes; TLC's CHOOSE decides")
        return writes.pop()

    def handle_prepare_replies(self, s: State, r: int):
        """HandlePrepareReplies(r): one successor per subset prsGot of the
        replies of r's ballot of at least MajorityNum."""
        n = s.node[r]
        if not (n.leader == r and n.balPrepared == 0):
            return
        replies = {m.src: m for m in s.msgs
                   if type(m) is PrepareReply and m.bal == n.balMaxKnown}
        if len(replies) < sum(1 for m in s.msgs
                              if type(m) is PrepareReply and m.bal == n.balMaxKnown):
            raise AssertionError("two PrepareReplies of one replica at one ballot")
        if len(replies) < self.majority:
            return
        for got in _majorities(frozenset(replies), self.majority):
            chosen = [replies[src] for src in sorted(got)]
            peaks = [self.peak_voted_write(chosen, slot) for slot in self.slots]
            insts = []
            for i, pvw in zip(n.insts, peaks):
                adopted = i.status == PREPARING or (i.status == EMPTY and pvw is not None)
                insts.append(Inst(ACCEPTING if adopted else i.status, pvw,
                                  Voted(n.balMaxKnown, pvw) if adopted else i.voted))
            last_touched = max((slot + 1 for slot, pvw in enumerate(peaks) if pvw is not None),
                               default=0)
            b = n.balMaxKnown
            sent = []
            for slot, i in enumerate(insts):
                if i.status == ACCEPTING:
                    sent += [Accept("Accept", ReplicaId(r), b, slot + 1, i.write),
                             AcceptReply("AcceptReply", ReplicaId(r), b, slot + 1)]
            yield frozenset(map(ReplicaId, got)), s._replace(
                node=self.set_node(s, r, balPrepared=b, insts=tuple(insts),
                                   commitPrev=last_touched),
                msgs=self.send(s, *sent))

    def take_new_write_request(self, s: State, r: int) -> State | None:
        """TakeNewWriteRequest(r): a stable leader proposes the first unseen
        pending command, a write, in its first Empty slot."""
        n = s.node[r]
        if not (self.think_am_leader(s, r) and any(i.status == EMPTY for i in n.insts)):
            return None
        unseen = self.unseen_pending(s, r)
        if not (unseen and is_write(unseen[0])):
            return None
        c = unseen[0]
        slot = next(k for k, i in enumerate(n.insts) if i.status == EMPTY)
        w = WriteId(c[1])
        inst = Inst(ACCEPTING, w, Voted(n.balPrepared, w))
        return s._replace(
            node=self.set_node(s, r, insts=_with(n.insts, slot, inst)),
            msgs=self.send(s, Accept("Accept", ReplicaId(r), n.balPrepared, slot + 1, w),
                           AcceptReply("AcceptReply", ReplicaId(r), n.balPrepared, slot + 1)),
            observed=self.append_observed(s, (Req(c),)))

    def handle_accept(self, s: State, r: int, m: Accept) -> State | None:
        """HandleAccept(r) on m."""
        n = s.node[r]
        if not (m.bal >= n.balMaxKnown and m.bal >= n.insts[m.slot - 1].voted.bal):
            return None
        grantor, revokes = self.revoke_stale(s, r, m.bal)
        inst = Inst(ACCEPTING, m.write, Voted(m.bal, m.write))
        return s._replace(
            node=self.set_node(s, r, leader=m.src, balMaxKnown=m.bal,
                               insts=_with(n.insts, m.slot - 1, inst), asGrantor=grantor),
            msgs=self.send(s, AcceptReply("AcceptReply", ReplicaId(r), m.bal, m.slot),
                           *revokes))

    def handle_accept_replies(self, s: State, r: int) -> State | None:
        """HandleAcceptReplies(r): a stable leader commits its next slot on
        a quorum of AcceptReplies of its ballot."""
        n = s.node[r]
        if not (self.think_am_leader(s, r) and n.commitUpTo < self.writes
                and n.insts[n.commitUpTo].status == ACCEPTING):
            return None
        slot = n.commitUpTo + 1
        replies = sum(1 for m in s.msgs if type(m) is AcceptReply and m.slot == slot
                      and m.bal == n.balPrepared)
        if replies < self.majority:
            return None
        write = n.insts[slot - 1].write
        c = None if write is None else WriteId.tag(write)  # "nil": a slot adopted empty
        old = None if slot == 1 else n.insts[slot - 2].write
        committed = n.insts[slot - 1]._replace(status=COMMITTED)
        return s._replace(
            node=self.set_node(s, r, insts=_with(n.insts, slot - 1, committed), commitUpTo=slot),
            observed=self.append_observed(s, (Ack(c, old),)),
            pending=tuple(x for x in s.pending if x != c),
            msgs=self.send(s, CommitNotice("CommitNotice", slot)))

    def handle_commit_notice(self, s: State, r: int) -> State | None:
        """HandleCommitNotice(r): a follower commits its next Accepting slot
        on its CommitNotice."""
        n = s.node[r]
        if not (n.leader != r and n.commitUpTo < self.writes
                and n.insts[n.commitUpTo].status == ACCEPTING):
            return None
        slot = n.commitUpTo + 1
        if CommitNotice("CommitNotice", slot) not in s.msgs:
            return None
        committed = n.insts[slot - 1]._replace(status=COMMITTED)
        return s._replace(
            node=self.set_node(s, r, insts=_with(n.insts, slot - 1, committed), commitUpTo=slot))

    def may_serve_read(self, s: State, r: int) -> bool:
        """TakeNewReadRequest's guard on r: a stable leader that has
        committed every slot an old leader may have."""
        n = s.node[r]
        return self.think_am_leader(s, r) and n.commitUpTo >= n.commitPrev

    def take_new_read_request(self, s: State, r: int) -> State | None:
        """TakeNewReadRequest(r): r answers the first unseen pending
        command, a read, with its last committed write, locally."""
        if not self.may_serve_read(s, r):
            return None
        unseen = self.unseen_pending(s, r)
        if not (unseen and not is_write(unseen[0])):
            return None
        n, c = s.node[r], unseen[0]
        value = None if n.commitUpTo == 0 else n.insts[n.commitUpTo - 1].write
        return s._replace(observed=self.append_observed(s, (Req(c), Ack(c, value))),
                          pending=tuple(x for x in s.pending if x != c))

    # -- leases ---------------------------------------------------------------------------------

    def grantor_initiate_lease(self, s: State, f: int) -> State | None:
        """GrantorInitiateLease(f): f, granting nobody, starts Guarding its
        leader."""
        n = s.node[f]
        if n.leader is None or any(g.status != NONE for g in n.asGrantor):
            return None
        p = n.leader
        seq = n.asGrantor[p].seq + 1
        grant = Lease(GUARDING, s.time[f] + self.TGuard, 0, n.balMaxKnown, seq)
        return s._replace(
            node=self.set_node(s, f, asGrantor=_with(n.asGrantor, p, grant)),
            msgs=self.send(s, GrantorMsg("Guard", ReplicaId(f), p, n.balMaxKnown, seq)))

    def handle_guard(self, s: State, p: int, m: GrantorMsg) -> State | None:
        """HandleGuard(p) on m."""
        n = s.node[p]
        held = n.asGrantee[m.grantor]
        if not (m.grantee == p and m.bal >= n.balMaxKnown and m.seq > held.seq
                and held.status == NONE):
            return None
        grantor, revokes = self.revoke_stale(s, p, m.bal)
        guarded = Lease(GUARDED, s.time[p] + self.TGuard, 0, m.bal, m.seq + 1)
        return s._replace(
            node=self.set_node(s, p, balMaxKnown=m.bal,
                               asGrantee=_with(n.asGrantee, m.grantor, guarded),
                               asGrantor=grantor),
            msgs=self.send(s, GranteeMsg("GuardReply", ReplicaId(p), m.grantor, m.bal,
                                         m.seq + 1), *revokes))

    def handle_guard_reply(self, s: State, f: int, m: GranteeMsg) -> State | None:
        """HandleGuardReply(f) on m: Guarding to Renewing, the first Renew."""
        n = s.node[f]
        g = n.asGrantor[m.grantee]
        if not (m.grantor == f and m.bal == n.balMaxKnown and m.seq > g.seq
                and g.status == GUARDING):
            return None
        renewing = g._replace(status=RENEWING, leaseExpire=s.time[f] + self.TGuard + self.TLease,
                              seq=m.seq + 1)
        return s._replace(
            node=self.set_node(s, f, asGrantor=_with(n.asGrantor, m.grantee, renewing)),
            msgs=self.send(s, GrantorMsg("Renew", ReplicaId(f), m.grantee, m.bal, m.seq + 1)))

    def renewed_expiry(self, g: Lease) -> int:
        """SpontaneousRenew's newExpire: leaseExpire + TLease."""
        return g.leaseExpire + self.TLease

    def spontaneous_renew(self, s: State, f: int) -> State | None:
        """SpontaneousRenew(f): f extends its grant to its leader by TLease."""
        n = s.node[f]
        p = n.leader
        if p is None:
            return None
        g = n.asGrantor[p]
        if not (g.bal == n.balMaxKnown and g.status == RENEWING and s.time[f] < g.leaseExpire
                and s.time[f] + self.TLease > g.leaseExpire):
            return None
        renewed = g._replace(leaseExpire=self.renewed_expiry(g), seq=g.seq + 1)
        return s._replace(
            node=self.set_node(s, f, asGrantor=_with(n.asGrantor, p, renewed)),
            msgs=self.send(s, GrantorMsg("Renew", ReplicaId(f), p, n.balMaxKnown, g.seq + 1)))

    def handle_renew(self, s: State, p: int, m: GrantorMsg) -> State | None:
        """HandleRenew(p) on m: Renewed until time + TLease."""
        n = s.node[p]
        held = n.asGrantee[m.grantor]
        t = s.time[p]
        if not (m.grantee == p and m.bal == n.balMaxKnown and m.seq > held.seq
                and ((held.status == GUARDED and t < held.guardExpire)
                     or (held.status == RENEWED and t < held.leaseExpire
                         and t + self.TLease > held.leaseExpire))):
            return None
        renewed = held._replace(status=RENEWED, leaseExpire=t + self.TLease, bal=m.bal,
                                seq=m.seq + 1)
        return s._replace(
            node=self.set_node(s, p, asGrantee=_with(n.asGrantee, m.grantor, renewed)),
            msgs=self.send(s, GranteeMsg("RenewReply", ReplicaId(p), m.grantor, m.bal,
                                         m.seq + 1)))

    def handle_renew_reply(self, s: State, f: int, m: GranteeMsg) -> State | None:
        """HandleRenewReply(f) on m: the loose expiry tightened."""
        n = s.node[f]
        g = n.asGrantor[m.grantee]
        if not (m.grantor == f and m.bal == n.balMaxKnown and m.seq > g.seq
                and g.status == RENEWING and s.time[f] + self.TLease > g.leaseExpire):
            return None
        tightened = g._replace(leaseExpire=s.time[f] + self.TLease, seq=m.seq)
        return s._replace(
            node=self.set_node(s, f, asGrantor=_with(n.asGrantor, m.grantee, tightened)))

    def handle_revoke(self, s: State, p: int, m: GrantorMsg) -> State | None:
        """HandleRevoke(p) on m: the grantee state cleared."""
        n = s.node[p]
        held = n.asGrantee[m.grantor]
        if not (m.grantee == p and m.bal >= n.balMaxKnown and m.seq > held.seq
                and held.status in (GUARDED, RENEWED)):
            return None
        grantor, revokes = self.revoke_stale(s, p, m.bal)
        cleared = NULL_LEASE._replace(seq=m.seq + 1)
        return s._replace(
            node=self.set_node(s, p, balMaxKnown=m.bal,
                               asGrantee=_with(n.asGrantee, m.grantor, cleared),
                               asGrantor=grantor),
            msgs=self.send(s, GranteeMsg("RevokeReply", ReplicaId(p), m.grantor, m.bal,
                                         m.seq + 1), *revokes))

    def handle_revoke_reply(self, s: State, f: int, m: GranteeMsg) -> State | None:
        """HandleRevokeReply(f) on m: the Revoking grant dropped."""
        n = s.node[f]
        g = n.asGrantor[m.grantee]
        if not (m.grantor == f and m.bal == n.balMaxKnown and m.seq > g.seq
                and g.status == REVOKING):
            return None
        return s._replace(node=self.set_node(
            s, f, asGrantor=_with(n.asGrantor, m.grantee, NULL_LEASE._replace(seq=m.seq))))

    def time_tick(self, s: State) -> State:
        """TimeTick: every clock + 1; grants and grantee states expired at
        the new time cleared, seqs kept."""
        time = tuple(t + 1 for t in s.time)
        node = []
        for r, n in enumerate(s.node):
            now = time[r]
            grantor = tuple(
                NULL_LEASE._replace(seq=g.seq)
                if ((g.status in (RENEWING, REVOKING) and g.leaseExpire <= now)
                    or (g.status == GUARDING and g.guardExpire <= now)) else g
                for g in n.asGrantor)
            grantee = tuple(
                NULL_LEASE._replace(seq=g.seq)
                if ((g.status == RENEWED and g.leaseExpire <= now)
                    or (g.status == GUARDED and g.guardExpire <= now)) else g
                for g in n.asGrantee)
            node.append(n._replace(asGrantor=grantor, asGrantee=grantee))
        return s._replace(time=time, node=tuple(node))

    # -- properties -----------------------------------------------------------------------------

    def replica(self, r: int) -> str:
        return ReplicaId.name_of(r)

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """TypeOK's clauses the types do not say: time within Times,
        ballots within Ballots, pending and observed injective and within
        their lengths, at least as many requests made as acks received."""
        for r in self.everyone:
            if not 1 <= s.time[r] <= self.MaxTime:
                return Fails(f"{self.replica(r)}'s time {s.time[r]} is outside Times")
        if any(type(m) is Accept and m.write is None for m in s.msgs):
            return Fails("an Accept of nil is sent (AcceptMsgs' write is in Writes)")
        if any(e.cmd is None for e in s.observed):
            return Fails("observed holds an Ack of nil (ClientEvents' cmd is a command)")
        bad = sorted(m.bal for m in s.msgs
                     if type(m) is not CommitNotice and m.bal not in self.ballots)
        if bad:
            return Fails(f"a message carries ballot {bad[0]}, outside Ballots")
        if len(s.pending) > len(self.commands) or len(set(s.pending)) < len(s.pending):
            return Fails("pending holds a command twice")
        if len(s.observed) > 2 * len(self.commands) or len(set(s.observed)) < len(s.observed):
            return Fails("observed holds an event twice")
        reqs = {e.cmd for e in s.observed if type(e) is Req}
        acks = {e.cmd for e in s.observed if type(e) is Ack}
        if len(reqs) < len(acks):
            return Fails(f"{len(acks)} commands acked, {len(reqs)} requested")
        return True

    @invariant("Lease Expiration Safety")
    def lease_expiration_safety(self, s: State):
        """LeaseExpirationSafety: a live lease p holds from f is one f
        grants (Renewing or Revoking) until at least its expiry."""
        for f in self.everyone:
            for p in self.everyone:
                held = s.node[p].asGrantee[f]
                if not (held.status == RENEWED and held.leaseExpire > s.time[p]):
                    continue
                g = s.node[f].asGrantor[p]
                if not (g.status in (RENEWING, REVOKING) and g.leaseExpire >= held.leaseExpire):
                    return Fails(
                        f"{self.replica(p)} holds {self.replica(f)}'s lease until "
                        f"{held.leaseExpire}; {self.replica(f)}'s grant is {g.status}"
                        + (f" until {g.leaseExpire}" if g.status != NONE else ""))
        return True

    @invariant("At Most Grants One Leader")
    def at_most_grants_one_leader(self, s: State):
        """AtMostGrantsOneLeader: at each ballot a replica grants a live
        lease to at most one replica."""
        for f in self.everyone:
            for b in self.ballots:
                leased = [p for p in self.everyone if self.grants(s, f, p, b)]
                if len(leased) > 1:
                    return Fails(f"{self.replica(f)} grants {self.replica(leased[0])} and "
                                 f"{self.replica(leased[1])} leases at ballot {b}")
        return True

    @invariant("At Most One Stable Leader")
    def at_most_one_stable_leader(self, s: State):
        """AtMostOneStableLeader: at most one replica holds a majority of
        leases at its balMaxKnown (HasLeaseQuorum)."""
        stable = [p for p in self.everyone if self.leases_held(s, p) >= self.majority]
        if len(stable) > 1:
            return Fails(f"{self.replica(stable[0])} and {self.replica(stable[1])} both hold "
                         "a majority of leases")
        return True

    @invariant("Linearizability")
    def linearizability(self, s: State):
        """MultiPaxos_MC's Linearizability: once terminated, some order of
        the commands has each see the last write before it (IsLinearOrder)
        and keeps every command acked before another was requested before
        it (ObeysRealTime)."""
        if not self.terminated(s):
            return True
        acks = {(e.cmd, e.val) for e in s.observed if type(e) is Ack}
        precedes = [(a.cmd, q.cmd) for i, a in enumerate(s.observed) if type(a) is Ack
                    for q in s.observed[i + 1:] if type(q) is Req]
        for order in permutations(self.commands):
            last, linear = None, True
            for c in order:
                if (c, last) not in acks:
                    linear = False
                    break
                if is_write(c):
                    last = WriteId(c[1])
            if not linear:
                continue
            place = {c: k for k, c in enumerate(order)}
            if all(place[a] < place[b] for a, b in precedes):
                return True
        return Fails("no order of the commands is linearizable: "
                     + ", ".join(_event_text(e) for e in s.observed))


def _command_text(c) -> str:
    return (WriteId if is_write(c) else ReadId).name_of(c[1])


def _event_text(e) -> str:
    if type(e) is Req:
        return f"Req {_command_text(e.cmd)}"
    val = "nil" if e.val is None else WriteId.name_of(e.val)
    return f"Ack {_command_text(e.cmd)}={val}"


# -- mutants: each overrides one method ------------------------------------------------------


@MultiPaxosLeases.mutant(
    "renew_without_extension", "SpontaneousRenew without its + TLease: the grantor renews a "
    "lease without extending its own expiry, and the grantee's renewed lease outlives the "
    "grant (the repository README's fourth way to fail the check)")
class RenewWithoutExtension(MultiPaxosLeases):
    """SpontaneousRenew's newExpire == node[f].asGrantor[p].leaseExpire."""

    def renewed_expiry(self, g: Lease) -> int:
        return g.leaseExpire


@MultiPaxosLeases.mutant(
    "leader_without_lease_quorum", "ThinkAmLeader without its third clause: a prepared leader "
    "serves reads locally with no majority of leases, while a newer leader commits writes "
    "(the README's third way to fail the check)")
class LeaderWithoutLeaseQuorum(MultiPaxosLeases):
    """ThinkAmLeader(r) == node[r].leader = r /\\ node[r].balPrepared =
    node[r].balMaxKnown."""

    def think_am_leader(self, s: State, r: int) -> bool:
        n = s.node[r]
        return n.leader == r and n.balPrepared == n.balMaxKnown


@MultiPaxosLeases.mutant(
    "renew_to_any_grantee", "HandleRenew without m.grantee = self: a replica Guarded by a "
    "grantor takes a Renew the grantor sent to its new leader: the grantor leases two "
    "replicas at one ballot, and two replicas hold a majority of leases")
class RenewToAnyGrantee(MultiPaxosLeases):
    """HandleRenew(p) without /\\ m.grantee = self."""

    def handle_renew(self, s: State, p: int, m: GrantorMsg) -> State | None:
        return super().handle_renew(s, p, m._replace(grantee=ReplicaId(p)))


@MultiPaxosLeases.mutant(
    "forget_grant_without_revoke", "RevokeStaleAsGrantor resets a live Renewing grant "
    "locally, as it does a Guarding one, without a Revoke: a replica that hears of a higher "
    "ballot forgets the lease it granted, which its old leader still holds")
class ForgetGrantWithoutRevoke(MultiPaxosLeases):
    """RevokeStaleAsGrantor's Renewing branch [NullGrantorState EXCEPT !.seq
    = g.seq] (RevokeStaleSendMsgs sends nothing)."""

    def revoke_stale(self, s: State, r: int, nb: int) -> tuple[tuple, list]:
        grantor = list(s.node[r].asGrantor)
        for p, g in enumerate(grantor):
            if g.bal < nb and ((g.status == GUARDING and g.guardExpire > s.time[r])
                               or (g.status == RENEWING and g.leaseExpire > s.time[r])):
                grantor[p] = NULL_LEASE._replace(seq=g.seq)
        return tuple(grantor), []


@MultiPaxosLeases.mutant(
    "read_ack_without_request", "TakeNewReadRequest observes the read's Ack but not its Req: "
    "the client history holds an answer to a request never made")
class ReadAckWithoutRequest(MultiPaxosLeases):
    """TakeNewReadRequest's Observe(<<AckEvent(c, v)>>)."""

    def append_observed(self, s: State, events: tuple) -> tuple:
        if len(events) == 2:  # TakeNewReadRequest's <<ReqEvent(c), AckEvent(c, v)>>
            events = events[1:]
        return super().append_observed(s, events)
