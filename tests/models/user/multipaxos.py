"""MultiPaxos state machine replication, a user's model written with the
kit after Guanzhou Hu's MultiPaxos.tla and MultiPaxos_MC.tla of the TLA+
examples (specifications/MultiPaxos-SMR), "MultiPaxos in state machine
replication (SMR) style with write/read commands on a single key".

Replicas ``s1`` .. ``sN`` each keep a log of instances, one per slot (as
many slots as commands); a client issues the write commands ``w1`` ..
(each writes its own name) and the read commands ``r1`` .., in that order
(the spec's InitPending), and observes the requests taken and the
acknowledgements given. The network is ``msgs``, the set of every message
ever sent (the kit's `MessageSet`). The replica's process loops over seven
actions, as the spec's PlusCal ``either`` lists them: BecomeLeader,
HandlePrepare, HandlePrepareReplies, TakeNewRequest, HandleAccept,
HandleAcceptReplies, HandleCommitNotice; once the client has seen every
command acknowledged (``terminated``) the loop exits (``pc`` becomes
"Done") and nothing else happens.

How the spec's variables are held:

- ``node[r]`` and ``pc[r]`` are replica r's record;
- ``msgs`` is the network;
- ``pending`` and ``observed``, the client's, belong to no replica: they
  are the model's globals (`Client`, ``globals = Client``), and
  ``terminated``, the spec's definition over them, is a derived global
  (`MultiPaxos.terminated`, marked ``@derived``).

Every action of the loop is guarded by ``~terminated``: each handler
declares that it reads it (``reads_globals="terminated"``) and takes it as
a parameter, so the three actions that pick a message (``with m \\in
msgs``: HandlePrepare, HandleAccept, HandleCommitNotice) are handlers of
received messages (``@on``), as the spec reads, and each handler's result
is remembered per (record, message or messages read, terminated), not per
client history. TakeNewRequest reads pending and observed and writes
observed (Observe(ReqEvent(c))); HandleAcceptReplies writes both (Observe,
Resolve).

Speed (one process, the same 2-core machine in the same minutes, load 5
to 9): MultiPaxos_MC_small.cfg's bounds with SYMMETRY, 343,796 orbits:
80.7 s (47.7 s CPU), 608,593 handler runs, before (the client's events
held as messages, the three receipts as steps reading every message of
their type, each handler keyed on them all); 43.4 s (30.6 s CPU), 66,261
handler runs, now. Plan hits are 0.0% either way: the plan of the
replicas' one group is keyed on every replica's record and every message
type the group reads or sends, which is the whole state (splitting the
group by handler, with `next`, took 1.5 times as long).

Symmetry: replicas are interchangeable (the renaming is derived from the
fields typed `Replica`). The MC's SymmetricPerms also permutes the writes,
and the reads, where there are several; the model does not: InitPending
orders them and TakeNewRequest takes the first pending, so the initial
state is not closed under renaming them. MultiPaxos_MC_small.cfg, with one
write and one read, permutes replicas alone.

PeakVotedCmd's CHOOSE among the replies' highest votes in a slot: one
leader per ballot sends one command per slot, so there is one (checked on
the bounds the tests run); the model takes the least.

Steps that change nothing: none in the spec but ``Terminating``, its
stuttering once every replica is done; the kit does not generate it, and
`stutters` says such a state is no deadlock, as TLC finds. TLC's "states
generated" is the model's plus one for each such state, and plus one for
each empty slot after the first at each TakeNewRequest (TLC counts a
successor once per witness of its guard's ``\\E s \\in Slots``); the test
rebuilds it from the model's graph. Distinct states and depths are TLC's.
"""

from __future__ import annotations

from itertools import permutations
from typing import NamedTuple

from checker import Fails, Param, invariant, reachable
from models.kit import ActorModel, MessageSet, Node, derived, ids, on, step

Replica = ids("replicas", "s", first=1, named=True)

NIL = "nil"
STATUSES = ("Empty", "Preparing", "Accepting", "Committed")


# -- the spec's variables, one replica's part --------------------------------------------


class Vote(NamedTuple):
    """[bal, cmd]: the ballot and command of the replica's last vote in a slot."""

    bal: int = 0
    cmd: str = NIL


class Instance(NamedTuple):
    """InstStates: one slot of the log (NullInst by default)."""

    status: str = "Empty"
    cmd: str = NIL
    voted: Vote = Vote()


class ReplicaState(NamedTuple):
    """node[r] (NodeStates), and pc[r]: "rloop" while the loop runs, "Done" after."""

    leader: Replica | None = None      # "none"
    kvalue: str = NIL
    commit_up_to: int = 0
    bal_prepared: int = 0
    bal_max_known: int = 0
    insts: tuple[Instance, ...] = ()   # slot s at index s - 1
    pc: str = "rloop"


# -- messages: the spec's Messages, and the client's observed events ----------------------


class Prepare(NamedTuple):
    """PrepareMsg(r, b)"""

    src: Replica
    bal: int


class PrepareReply(NamedTuple):
    """PrepareReplyMsg(r, b, iv): the replica's vote in every slot."""

    src: Replica
    bal: int
    votes: tuple[Vote, ...]


class Accept(NamedTuple):
    """AcceptMsg(r, b, s, c)"""

    src: Replica
    bal: int
    slot: int
    cmd: str


class AcceptReply(NamedTuple):
    """AcceptReplyMsg(r, b, s)"""

    src: Replica
    bal: int
    slot: int


class CommitNotice(NamedTuple):
    """CommitNoticeMsg(u)"""

    upto: int


# -- the spec's variables of no replica: the client's ---------------------------------------


class Event(NamedTuple):
    """A client event: ReqEvent(c) (val None) or AckEvent(c, v)."""

    type: str
    cmd: str
    val: str | None = None


class Client(NamedTuple):
    """pending, the sequence of commands not yet acknowledged, and observed,
    the sequence of the client's events."""

    pending: tuple[str, ...] = ()
    observed: tuple[Event, ...] = ()


# -- actions: the branches of the replica's loop -------------------------------------------


class BecomeLeader(NamedTuple):
    r: Replica
    b: int


class HandlePrepare(NamedTuple):
    r: Replica
    src: Replica
    bal: int


class HandlePrepareReplies(NamedTuple):
    r: Replica


class TakeNewRequest(NamedTuple):
    r: Replica


class HandleAccept(NamedTuple):
    r: Replica
    src: Replica
    bal: int
    slot: int
    cmd: str


class HandleAcceptReplies(NamedTuple):
    r: Replica


class HandleCommitNotice(NamedTuple):
    r: Replica
    upto: int


class Finish(NamedTuple):
    """rloop's ELSE branch: the loop ends once terminated (pc := "Done")."""

    r: Replica


# -- the replica -----------------------------------------------------------------------------


def preparing(insts: tuple[Instance, ...]) -> tuple[Instance, ...]:
    """Every Accepting instance back to Preparing (a new ballot)."""
    return tuple(inst._replace(status="Preparing") if inst.status == "Accepting" else inst
                 for inst in insts)


def votes_of(s: ReplicaState) -> tuple[Vote, ...]:
    """VotesByNode(n)"""
    return tuple(inst.voted for inst in s.insts)


def with_slot(s: ReplicaState, slot: int, inst: Instance) -> tuple[Instance, ...]:
    return s.insts[:slot - 1] + (inst,) + s.insts[slot:]


class ReplicaNode(Node):
    """Replica ``self.id``: process Replica's loop, one handler per branch,
    each guarded by the loop's ``~terminated`` (a global the client's
    variables decide: `MultiPaxos.terminated`)."""

    ids = Replica
    state = ReplicaState

    def initial(self) -> ReplicaState:
        """NullNode: every slot empty."""
        return ReplicaState(insts=(Instance(),) * len(self.model.commands))

    @staticmethod
    def looping(s: ReplicaState, terminated: bool) -> bool:
        """pc[self] = "rloop" /\\ ~terminated: the guard of every branch."""
        return s.pc == "rloop" and not terminated

    @step(BecomeLeader, choose="ballots", reads=(Prepare,), reads_globals="terminated",
          sends=(Prepare, PrepareReply))
    def become_leader(self, s, b, prepares, terminated):
        """BecomeLeader(r): not the leader; a ballot b above any known and
        not yet used by anyone's Prepare; lead it, restart Prepare for the
        Accepting instances, broadcast Prepare and reply to oneself."""
        if not self.looping(s, terminated) or s.leader == self.id:
            return None
        if b <= s.bal_max_known or any(m.bal == b for m in prepares):
            return None
        new = s._replace(leader=self.id, bal_prepared=0, bal_max_known=b,
                         insts=preparing(s.insts))
        return new, [Prepare(self.id, b), PrepareReply(self.id, b, votes_of(new))]

    @on(Prepare, HandlePrepare, reads_globals="terminated", sends=PrepareReply)
    def handle_prepare(self, s, m, terminated):
        """HandlePrepare(r): a Prepare of a ballot above any known; follow
        its sender, restart Prepare for the Accepting instances, reply
        with one's votes."""
        if not self.looping(s, terminated) or m.bal <= s.bal_max_known:
            return None
        new = s._replace(leader=m.src, bal_max_known=m.bal, insts=preparing(s.insts))
        return new, [PrepareReply(self.id, m.bal, votes_of(new))]

    @step(HandlePrepareReplies, reads=(PrepareReply,), reads_globals="terminated", sends=Accept)
    def handle_prepare_replies(self, s, replies, terminated):
        """HandlePrepareReplies(r): a leader waiting for replies has a
        majority of them for its ballot; the ballot is prepared, each slot
        takes the highest voted command reported (PeakVotedCmd), and the
        in-progress ones are sent for acceptance."""
        if not self.looping(s, terminated) or s.leader != self.id or s.bal_prepared != 0:
            return None
        prs = [m for m in replies if m.bal == s.bal_max_known]
        if len(prs) < self.model.majority:
            return None
        insts = []
        for slot, inst in enumerate(s.insts):
            peak = self.model.peak_voted_cmd(prs, slot)
            accepting = inst.status == "Preparing" or (inst.status == "Empty" and peak != NIL)
            insts.append(inst._replace(status="Accepting" if accepting else inst.status,
                                       cmd=peak))
        new = s._replace(bal_prepared=s.bal_max_known, insts=tuple(insts))
        return new, [Accept(self.id, new.bal_prepared, slot, inst.cmd)
                     for slot, inst in enumerate(new.insts, 1) if inst.status == "Accepting"]

    @step(TakeNewRequest, reads_globals=("terminated", "pending", "observed"),
          writes_globals="observed", sends=(Accept, AcceptReply))
    def take_new_request(self, s, terminated, pending, observed):
        """TakeNewRequest(r): a prepared leader with an empty slot takes the
        first pending command not in its log (UnseenPending) into the first
        empty slot, votes for it, broadcasts Accept and replies to itself;
        the client observes the request."""
        if not self.looping(s, terminated) or s.leader != self.id:
            return None
        if s.bal_prepared != s.bal_max_known:
            return None
        in_log = {inst.cmd for inst in s.insts}
        unseen = [c for c in pending if c not in in_log]
        empty = [slot for slot, inst in enumerate(s.insts, 1) if inst.status == "Empty"]
        if not empty or not unseen:
            return None
        slot, c = empty[0], unseen[0]
        voted = Instance("Accepting", c, Vote(s.bal_prepared, c))
        return s._replace(insts=with_slot(s, slot, voted)), [
            Accept(self.id, s.bal_prepared, slot, c), AcceptReply(self.id, s.bal_prepared, slot),
        ], {"observed": observe(observed, Event("Req", c))}

    @on(Accept, HandleAccept, reads_globals="terminated", sends=AcceptReply)
    def handle_accept(self, s, m, terminated):
        """HandleAccept(r): an Accept of a ballot at least any known and
        above the replica's vote in its slot; follow its sender, vote, reply."""
        if not self.looping(s, terminated):
            return None
        if m.bal < s.bal_max_known or m.bal <= s.insts[m.slot - 1].voted.bal:
            return None
        new = s._replace(leader=m.src, bal_max_known=m.bal, insts=with_slot(
            s, m.slot, Instance("Accepting", m.cmd, Vote(m.bal, m.cmd))))
        return new, [AcceptReply(self.id, m.bal, m.slot)]

    @step(HandleAcceptReplies, reads=(AcceptReply,),
          reads_globals=("terminated", "pending", "observed"),
          writes_globals=("pending", "observed"), sends=CommitNotice)
    def handle_accept_replies(self, s, replies, terminated, pending, observed):
        """HandleAcceptReplies(r): a prepared leader whose next slot is
        Accepting has a majority of AcceptReplies for it in its ballot;
        commit it and apply it, acknowledge the client (Observe, Resolve),
        broadcast the notice."""
        slot = self.next_accepting(s, terminated, leading=True)
        if slot is None or len(self.accept_replies(s, slot, replies)) < self.model.majority:
            return None
        return self.acknowledge(s, slot, pending, observed)

    @on(CommitNotice, HandleCommitNotice, reads_globals="terminated")
    def handle_commit_notice(self, s, m, terminated):
        """HandleCommitNotice(r): a follower whose next slot is Accepting
        has the CommitNotice for it; commit it and apply it."""
        slot = self.next_accepting(s, terminated, leading=False)
        if slot is None or m.upto != slot:
            return None
        return self.commit(s, slot), []

    @step(Finish, reads_globals="terminated")
    def finish(self, s, terminated):
        """rloop's ELSE: the client has seen every command acknowledged."""
        if s.pc == "rloop" and terminated:
            return s._replace(pc="Done"), []
        return None

    def next_accepting(self, s, terminated, leading: bool) -> int | None:
        """The slot after commitUpTo, when it is Accepting and the replica
        leads a prepared ballot (`leading`) or does not lead."""
        if not self.looping(s, terminated):
            return None
        if leading and (s.leader != self.id or s.bal_prepared != s.bal_max_known):
            return None
        if not leading and s.leader == self.id:
            return None
        slot = s.commit_up_to + 1
        if slot > len(s.insts) or s.insts[slot - 1].status != "Accepting":
            return None
        return slot

    @staticmethod
    def accept_replies(s, slot: int, replies) -> list[AcceptReply]:
        """ars: the AcceptReplies for the slot in the replica's prepared ballot."""
        return [m for m in replies if m.slot == slot and m.bal == s.bal_prepared]

    def acknowledge(self, s, slot: int, pending, observed):
        """HandleAcceptReplies' effect: commit the slot, acknowledge the
        client with the value before it (Observe), resolve the command
        (Resolve), broadcast the CommitNotice."""
        c = s.insts[slot - 1].cmd
        return self.commit(s, slot), [CommitNotice(slot)], {
            "observed": observe(observed, Event("Ack", c, s.kvalue)),
            "pending": tuple(p for p in pending if p != c)}

    def commit(self, s, slot: int) -> ReplicaState:
        """The slot Committed, commitUpTo at it, its command applied."""
        inst = s.insts[slot - 1]
        return s._replace(insts=with_slot(s, slot, inst._replace(status="Committed")),
                          commit_up_to=slot,
                          kvalue=inst.cmd if inst.cmd in self.model.write_set else s.kvalue)


def observe(observed: tuple[Event, ...], e: Event) -> tuple[Event, ...]:
    """Observe(e): e appended to observed unless already there."""
    return observed if e in observed else observed + (e,)


# -- the model -----------------------------------------------------------------------------


class MultiPaxos(ActorModel):
    name = "multipaxos"
    summary = "MultiPaxos SMR with write/read commands (MultiPaxos.tla), set of all messages"
    params = (Param("replicas", 3, "number of replicas", minimum=1, maximum=5),
              Param("writes", 1, "number of write commands", minimum=1, maximum=3),
              Param("reads", 1, "number of read commands", minimum=0, maximum=3),
              Param("max_ballot", 2, "ballots are 1..max_ballot", minimum=2, maximum=4))
    roles = (ReplicaNode,)
    messages = (Prepare, PrepareReply, Accept, AcceptReply, CommitNotice)
    network = MessageSet()
    globals = Client
    symmetry_sets = ("replicas",)

    def setup(self) -> None:
        self.write_cmds = tuple(f"w{i}" for i in range(1, self.writes + 1))
        self.read_cmds = tuple(f"r{i}" for i in range(1, self.reads + 1))
        self.commands = self.write_cmds + self.read_cmds   # InitPending's order
        self.write_set = frozenset(self.write_cmds)
        self.majority = self.replicas // 2 + 1             # MajorityNum
        self.ballots = range(1, self.max_ballot + 1)

    # -- the client's variables: pending, observed, and what they say -------------------

    def initial_globals(self) -> Client:
        """pending = InitPending, observed = <<>>."""
        return Client(pending=self.commands)

    @derived
    def terminated(self, client: Client) -> bool:
        """Len(pending) = 0, and every command requested (reqsMade) and
        acknowledged (acksRecv)."""
        reqs = {e.cmd for e in client.observed if e.type == "Req"}
        acks = {e.cmd for e in client.observed if e.type == "Ack"}
        return (not client.pending and len(reqs) == len(self.commands)
                and len(acks) == len(self.commands))

    def peak_voted_cmd(self, prs, slot: int) -> str:
        """PeakVotedCmd(prs, s): the command of the highest vote the replies
        report in the slot (index `slot`), "nil" if none voted."""
        votes = [m.votes[slot] for m in prs]
        top = max(v.bal for v in votes)
        if top == 0:
            return NIL
        return min(v.cmd for v in votes if v.bal == top)  # one (see the docstring)

    # -- properties ------------------------------------------------------------------

    def client(self, state) -> Client:
        return self.globals_of(state)

    def replica_records(self, state):
        return self.records(state, ReplicaNode)

    @invariant("TypeOK")
    def type_ok(self, state):
        """Every message in Messages, every replica in NodeStates; pending
        and observed sequences of distinct commands and client events."""
        slots, cmds = range(1, len(self.commands) + 1), set(self.commands)
        ballots = set(self.ballots)

        def vote_ok(v):
            return (v.bal == 0 or v.bal in ballots) and (v.cmd == NIL or v.cmd in cmds)

        for m in self.sent(state, Prepare):
            if m.bal not in ballots:
                return Fails(f"{m} is not a PrepareMsg")
        for m in self.sent(state, PrepareReply):
            if m.bal not in ballots or len(m.votes) != len(slots) or not all(map(vote_ok, m.votes)):
                return Fails(f"{m} is not a PrepareReplyMsg")
        for m in self.sent(state, Accept):
            if m.bal not in ballots or m.slot not in slots or m.cmd not in cmds:
                return Fails(f"{m} is not an AcceptMsg")
        for m in self.sent(state, AcceptReply):
            if m.bal not in ballots or m.slot not in slots:
                return Fails(f"{m} is not an AcceptReplyMsg")
        for m in self.sent(state, CommitNotice):
            if m.upto not in slots:
                return Fails(f"{m} is not a CommitNoticeMsg")
        for r, s in enumerate(self.replica_records(state), 1):
            if not (s.kvalue == NIL or s.kvalue in self.write_set) or not (
                    s.commit_up_to == 0 or s.commit_up_to in slots) or not (
                    s.bal_prepared == 0 or s.bal_prepared in ballots) or not (
                    s.bal_max_known == 0 or s.bal_max_known in ballots) or not all(
                    inst.status in STATUSES and (inst.cmd == NIL or inst.cmd in cmds)
                    and vote_ok(inst.voted) for inst in s.insts):
                return Fails(f"s{r}'s state {s} is not in NodeStates")
        pending, observed = self.client(state)
        reqs = {e.cmd for e in observed if e.type == "Req"}
        acks = {e.cmd for e in observed if e.type == "Ack"}
        if not set(pending) <= cmds or len(set(pending)) != len(pending):
            return Fails(f"pending {pending} is not a sequence of distinct commands")
        if len(observed) > 2 * len(self.commands):
            return Fails(f"observed holds {len(observed)} events")
        if len(set(observed)) != len(observed):
            return Fails("observed holds an event twice")
        if len(reqs) < len(acks):
            return Fails("more commands acknowledged than requested")
        if not all(e.cmd in cmds and (e.type == "Req" and e.val is None or e.type == "Ack" and (
                e.val == NIL or e.val in self.write_set)) for e in observed):
            return Fails("observed holds an event that is not a client event")
        return True

    @invariant("Linearizability")
    def linearizability(self, state):
        """terminated => some order of the commands is a linear order (each
        read or write returns the value of the last write before it) that
        obeys real time (a command acknowledged before another is requested
        comes first)."""
        client = self.client(state)
        if not self.terminated(client):
            return True
        observed = client.observed

        def first(type, c):   # CHOOSE i \in 1..Len(observed): the first such
            return next(i for i, e in enumerate(observed, 1) if e.type == type and e.cmd == c)

        result = {c: observed[first("Ack", c) - 1].val for c in self.commands}
        req_pos = {c: first("Req", c) for c in self.commands}
        ack_pos = {c: first("Ack", c) for c in self.commands}
        for order in permutations(self.commands):
            last, linear = NIL, True
            for c in order:
                if result[c] != last:
                    linear = False
                    break
                if c in self.write_set:
                    last = c
            index = {c: j for j, c in enumerate(order)}
            if linear and all(index[c1] < index[c2] for c1 in self.commands
                              for c2 in self.commands if ack_pos[c1] < req_pos[c2]):
                return True
        return Fails("no linear order of " + ", ".join(
            f"{e.type}({e.cmd}{'' if e.val is None else ', ' + e.val})" for e in observed))

    @reachable("Terminated")
    def all_acknowledged(self, state):
        return self.terminated(self.client(state))

    def stutters(self, state) -> bool:
        """Terminating: once every replica is done, the spec stutters."""
        return super().stutters(state) or all(
            s.pc == "Done" for s in self.replica_records(state))


@MultiPaxos.mutant("commit_without_majority", "HandleAcceptReplies commits with MajorityNum - 1 "
                                              "AcceptReplies (the README's example); breaks "
                                              "Linearizability")
class HastyLeader(ReplicaNode):
    def handle_accept_replies(self, s, replies, terminated, pending, observed):
        slot = self.next_accepting(s, terminated, leading=True)
        if slot is None or len(self.accept_replies(s, slot, replies)) < self.model.majority - 1:
            return None  # the bug: one AcceptReply short of a majority will do
        return self.acknowledge(s, slot, pending, observed)
