"""Paxos Commit, a user's model written with the kit, after Gray and
Lamport's PaxosCommit.tla (tlaplus/Examples, transaction_commit).

Each resource manager's prepare/abort decision is the value chosen by its
own instance of Paxos; the transaction commits when every instance chose
"prepared" and aborts when one chose "aborted". As in the spec, ``msgs`` is
the set of every message ever sent (the kit's `MessageSet`): receiving a
message removes nothing, and sending one already there changes nothing.

Nodes and actions, as PCNext lists them:

- a resource manager (``r1``, ``r2``, ...): RMPrepare, RMChooseToAbort
  (both send the ballot-0 phase 2a message of its own instance),
  RMRcvCommitMsg, RMRcvAbortMsg;
- the leader of ballot b (the spec does not say who leads; here one
  stateless node per ballot, as models/paxos.py has): Phase1a(bal, rm) and
  Phase2a(bal, rm) for b > 0 (ballot 0 is the RMs' own);
- the TM, a stateless node doing the spec's Decide: "a leader can decide";
- an acceptor (``a1``, ...): Phase1b, Phase2b; its record is the spec's
  ``aState[ins][ac]`` for every instance ins, a tuple indexed by RM.

Ballots are 0..ballots-1 and the majorities every set of more than half
the acceptors (the cfg lists the minimal ones; supersets add no step).
RMs and acceptors are interchangeable: the renaming is derived from the
fields typed `RM` and `Acceptor`.

Where the model's steps differ in name only: Phase2a carries the value it
sends (``\\E MS \\in Majority`` may let two majorities pick different
values, two successors), Decide the outcome it announces (its two
disjuncts), and an acceptor's Phase1b and Phase2b name the message they
answer (the spec's ``\\E m \\in msgs``). Steps that change nothing (an RM
that committed receiving Commit again, a Phase1a already sent) are not
generated; TLC generates them and finds the state known, so its distinct
states and depth are the model's, its generated-state count is not.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from checker import Fails, Param, invariant, reachable
from models.kit import ActorModel, MessageSet, Node, ids, on, step
from models.kit.records import indexed_by

RM = ids("rms", "r", first=1, named=True)               # resource managers, interchangeable
Acceptor = ids("acceptors", "a", first=1, named=True)   # interchangeable
Ballot = ids("ballots", "b")                            # ordered: never renamed
TM = ids("tms", "tm")                                   # the one node that decides

RM_STATES = ("working", "prepared", "committed", "aborted")


# -- the spec's variables ----------------------------------------------------------


class RMState(NamedTuple):
    """rmState[rm]"""

    state: str = "working"


class Instance(NamedTuple):
    """aState[ins][ac]: the acceptor's ballot, last vote and its value."""

    mbal: int = 0
    bal: int = -1
    val: str = "none"


class AcceptorState(NamedTuple):
    """aState[ins][ac] for every instance ins, in RM order."""

    instances: indexed_by(RM, Instance)


# -- messages: the spec's Message ------------------------------------------------


class Phase1aMsg(NamedTuple):
    """[type |-> "phase1a", ins |-> rm, bal |-> bal]"""

    ins: RM
    bal: Ballot
    src = "bal"


class Phase1bMsg(NamedTuple):
    """[type |-> "phase1b", ins, mbal, bal, val, acc]: for the leader of ballot mbal."""

    ins: RM
    mbal: Ballot
    bal: int
    val: str
    acc: Acceptor
    src, dst = "acc", "mbal"


class Phase2aMsg(NamedTuple):
    """[type |-> "phase2a", ins, bal, val]"""

    ins: RM
    bal: int
    val: str


class Phase2bMsg(NamedTuple):
    """[type |-> "phase2b", acc, ins, bal, val]"""

    acc: Acceptor
    ins: RM
    bal: int
    val: str
    src = "acc"


class Commit(NamedTuple):
    """[type |-> "Commit"]: one message, to every RM."""


class Abort(NamedTuple):
    """[type |-> "Abort"]"""


# -- actions ---------------------------------------------------------------------------


class RMPrepare(NamedTuple):
    rm: RM


class RMChooseToAbort(NamedTuple):
    rm: RM


class RMRcvCommitMsg(NamedTuple):
    rm: RM


class RMRcvAbortMsg(NamedTuple):
    rm: RM


class Phase1a(NamedTuple):
    bal: Ballot
    rm: RM


class Phase2a(NamedTuple):
    bal: Ballot
    rm: RM
    val: str


class Decide(NamedTuple):
    tm: TM
    outcome: str


class Phase1b(NamedTuple):
    acc: Acceptor
    ins: RM
    bal: Ballot


class Phase2b(NamedTuple):
    acc: Acceptor
    ins: RM
    bal: int
    val: str


# -- the nodes ----------------------------------------------------------------------


class ResourceManager(Node):
    ids = RM
    state = RMState

    @step(RMPrepare, sends=Phase2aMsg)
    def prepare(self, s):
        """RMPrepare(rm): a working RM prepares, sending the ballot-0 phase 2a
        message of its instance with value "prepared"."""
        if s.state == "working":
            return s._replace(state="prepared"), [Phase2aMsg(self.id, 0, "prepared")]
        return None

    @step(RMChooseToAbort, sends=Phase2aMsg)
    def choose_to_abort(self, s):
        """RMChooseToAbort(rm): a working RM decides to abort, sending the
        ballot-0 phase 2a message with value "aborted"."""
        if s.state == "working":
            return s._replace(state="aborted"), [Phase2aMsg(self.id, 0, "aborted")]
        return None

    @on(Commit, RMRcvCommitMsg)
    def receive_commit(self, s, m):
        """RMRcvCommitMsg(rm): [type |-> "Commit"] \\in msgs; rm commits."""
        return s._replace(state="committed"), []

    @on(Abort, RMRcvAbortMsg)
    def receive_abort(self, s, m):
        """RMRcvAbortMsg(rm): [type |-> "Abort"] \\in msgs; rm aborts."""
        return s._replace(state="aborted"), []


class Leader(Node):
    """The leader of ballot ``self.id``: no variables of its own."""

    ids = Ballot

    @step(Phase1a, choose="rms", sends=Phase1aMsg)
    def phase1a(self, rm):
        """Phase1a(bal, rm), bal # 0: start ballot bal in instance rm."""
        if self.id == 0:
            return None
        return [Phase1aMsg(rm, self.id)]

    @step(Phase2a, choose=lambda node, record: node.model.proposals, reads=(Phase1bMsg, Phase2aMsg),
          sends=Phase2aMsg)
    def phase2a(self, rm, val, one_bs, two_as):
        """Phase2a(bal, rm), bal # 0: no phase 2a of ballot bal in instance rm
        was sent, and some majority MS sent phase 1b messages for it; the
        value is that of the highest vote they report, "aborted" if none."""
        bal = self.id
        if bal == 0 or any(m.ins == rm and m.bal == bal for m in two_as):
            return None
        if val in self.values(rm, one_bs):
            return [Phase2aMsg(rm, bal, val)]
        return None

    def values(self, rm, one_bs) -> set[str]:
        """The values some majority's phase 1b messages of instance rm let
        this ballot's leader send."""
        found = set()
        for majority in self.model.majorities:
            mset = [m for m in one_bs if m.ins == rm and m.acc in majority]
            if {m.acc for m in mset} != majority:
                continue
            maxbal = max((m.bal for m in mset), default=-1)
            found.add("aborted" if maxbal == -1 else
                      next(m.val for m in sorted(mset) if m.bal == maxbal))
        return found


class TransactionManager(Node):
    """Decide, done by a leader: no variables of its own."""

    ids = TM
    count = 1

    @step(Decide, choose=lambda node, record: ("commit", "abort"), reads=(Phase2bMsg,),
          sends=(Commit, Abort))
    def decide(self, outcome, two_bs):
        """Decide: Commit once every instance chose "prepared", Abort once
        one chose "aborted". Decided(rm, v): some majority sent phase 2b
        messages for v in the same ballot."""
        if outcome == "commit":
            if all(self.decided(two_bs, rm, "prepared") for rm in range(self.model.rms)):
                return [Commit()]
            return None
        if any(self.decided(two_bs, rm, "aborted") for rm in range(self.model.rms)):
            return [Abort()]
        return None

    def decided(self, two_bs, rm, val) -> bool:
        voters: dict[int, set[int]] = {}
        for m in two_bs:
            if m.ins == rm and m.val == val:
                voters.setdefault(m.bal, set()).add(m.acc)
        return any(majority <= accs for accs in voters.values()
                   for majority in self.model.majorities)


class AcceptorNode(Node):
    ids = Acceptor
    state = AcceptorState

    def initial(self) -> AcceptorState:
        """PCInit: every instance at mbal 0, no vote."""
        return AcceptorState((Instance(),) * self.model.rms)

    @on(Phase1aMsg, Phase1b)
    def phase1b(self, s, m):
        """Phase1b(acc): a phase 1a message of a ballot above the instance's
        mbal; promise it, and report the last vote."""
        mine = s.instances[m.ins]
        if mine.mbal < m.bal:
            return self.update(s, m.ins, mine._replace(mbal=m.bal)), [
                Phase1bMsg(m.ins, m.bal, mine.bal, mine.val, self.id)]
        return None

    @on(Phase2aMsg, Phase2b)
    def phase2b(self, s, m):
        """Phase2b(acc): a phase 2a message of a ballot at least the
        instance's mbal; vote for it."""
        if s.instances[m.ins].mbal <= m.bal:
            return self.vote(s, m)
        return None

    def vote(self, s, m):
        """Phase2b's effect: mbal, bal and val set from m, and a phase 2b message."""
        return self.update(s, m.ins, Instance(m.bal, m.bal, m.val)), [
            Phase2bMsg(self.id, m.ins, m.bal, m.val)]

    @staticmethod
    def update(s, ins, instance):
        return s._replace(instances=s.instances[:ins] + (instance,) + s.instances[ins + 1:])


# -- the model ------------------------------------------------------------------------


class PaxosCommit(ActorModel):
    name = "paxos-commit"
    summary = "Gray and Lamport's Paxos Commit (PaxosCommit.tla), set of all messages sent"
    params = (Param("rms", 2, "number of resource managers", minimum=1, maximum=4),
              Param("acceptors", 1, "number of acceptors", minimum=1, maximum=5),
              Param("ballots", 2, "number of ballots; ballots are 0..ballots-1",
                    minimum=1, maximum=4))
    roles = (ResourceManager, Leader, TransactionManager, AcceptorNode)
    messages = (Phase1aMsg, Phase1bMsg, Phase2aMsg, Phase2bMsg, Commit, Abort)
    network = MessageSet()
    symmetry_sets = ("rms", "acceptors")

    def setup(self) -> None:
        size = self.acceptors // 2 + 1
        self.majorities = [frozenset(c) for c in combinations(range(self.acceptors), size)]
        # Phase2a's choices: an instance and a value (\E rm, v)
        self.proposals = [(rm, val) for rm in range(self.rms) for val in ("prepared", "aborted")]

    def rm_states(self, state):
        return [s.state for s in self.records(state, ResourceManager)]

    @invariant("TCConsistent")
    def tc_consistent(self, state):
        """No RM has committed while another aborted."""
        states = self.rm_states(state)
        if "committed" in states and "aborted" in states:
            return Fails(f"r{states.index('committed') + 1} committed and "
                         f"r{states.index('aborted') + 1} aborted")
        return True

    @invariant("PCTypeOK")
    def type_ok(self, state):
        """Every RM and acceptor variable in its domain."""
        if not set(self.rm_states(state)) <= set(RM_STATES):
            return Fails("an RM's state is not one of " + ", ".join(RM_STATES))
        for a, acceptor in enumerate(self.records(state, AcceptorNode)):
            for rm, mine in enumerate(acceptor.instances):
                if not (0 <= mine.mbal < self.ballots and -1 <= mine.bal < self.ballots
                        and mine.val in ("prepared", "aborted", "none")):
                    return Fails(f"a{a + 1}'s instance r{rm + 1} is {mine}")
        return True

    @reachable("All committed")
    def all_committed(self, state):
        return all(s == "committed" for s in self.rm_states(state))


@PaxosCommit.mutant("accept_below_promise", "Phase2b votes for a phase 2a message below the "
                                            "instance's mbal; breaks TCConsistent")
class AcceptorBreakingPromises(AcceptorNode):
    def phase2b(self, s, m):
        return self.vote(s, m)  # the bug: no aState[m.ins][acc].mbal <= m.bal
