"""Fast Paxos, a user's model written with the kit, after FastPaxos.tla
and its Paxos.tla (tlaplus/Examples, specifications/SimplifiedFastPaxos):
Lamport's Fast Paxos simplified by Lim Ngian Xin Terry and Gaurav Gandhi.

The simplification: one coordinator, which never changes, so there is no
phase 1. The coordinator opens fast rounds with a P2a "any" message; in a
fast round each acceptor proposes a value of its own (FastPropose), and a
value is decided once a fast quorum voted for it alone (FastDecide). When
the votes of a fast quorum collide, the coordinator recovers in a later
classic round from that quorum's votes (ClassicAccept); acceptors accept
it (ClassicAccepted) and a classic quorum decides it (ClassicDecide). As
in the spec, ``messages`` is the set of every message ever sent (the kit's
`MessageSet`).

Nodes, one handler per action of FastNext:

- the coordinator (``c0``), holding ``cValue``, the one value it ever sends
  in a classic round: FastAny, ClassicAccept;
- an acceptor (``r1``, ...; the spec's Replicas), holding ``maxBallot``,
  ``maxVBallot`` and ``maxValue``: FastPropose, ClassicAccepted;
- a learner (``l0``), holding ``decision``, "the decision of any acceptor",
  which the spec lets change (PaxosConsistency says it must not):
  FastDecide, ClassicDecide.

The recovery rule (ClassicAccept): for a classic ballot b, a fast ballot
f < b and a fast quorum q every member of which voted in f, let M be q's
votes in f and V their values; if V holds more than one value (a
collision), the coordinator may send v when v has a majority of M
(``Cardinality(M) \\div 2 < Cardinality({m \\in M : m.value = v})``), and,
where no value has one, any v of V; v must be ``cValue`` once that is set.
The step is ``ClassicAccept(b, v)``: the f and q that allow it are not
named (several may; the successor is the same).

Quorums: ``classic_quorum`` and ``fast_quorum`` are sizes, and the
quorums every set of replicas of exactly that size, as FastPaxos.cfg lists
them (exactly: the recovery rule counts the votes of the quorum it reads,
so a larger set would be a different rule, not a superset that adds
nothing). The defaults are a majority and the least size the spec's ASSUME
allows. `check_sound` is that ASSUME (PaxosAssume's and FastAssume's
clauses on quorums) and nothing more, so a spec whose sizes break it is
refused unless it expects the violation.

The ASSUME is not enough for the recovery rule. A value w chosen in fast
round f by a fast quorum R has, among the votes of the fast quorum q the
coordinator reads, at least |q ∩ R| >= 2F - N of them (F the fast size, N
the replicas); the majority rule sees w only if that is more than F/2,
that is 3F > 2N. FastAssume asks for F >= (3N) \\div 4 and for any
classic quorum and any two fast quorums to share a replica, which lets
F = 2 of N = 3 and F = 3 of N = 5 through when the classic quorum is
every replica: there a tie or another value's majority in q lets the
coordinator recover another value, and every replica accepts it
(PaxosConsistency fails in 10 and 14 steps, in TLC on the unmodified spec
too). The first is Fast Flexible Paxos's example (fpaxos/ffpaxos-tlaplus:
fast phase-2 quorums of 2 of 3, phase-1 quorum of all 3), safe there
because its coordinator runs phase 1 and Lamport's rule (pick w if every
acceptor of R ∩ Q voted w for some R), which this simplification replaces
by a majority of one fast quorum's votes.

One of the spec's guards is implied by the others: FastPropose's "no P2b
of the acceptor in this ballot" (an acceptor that voted in f has maxBallot
>= f, so maxBallot <= f leaves it at f with its last vote in f, and
maxValue = v makes a second vote the first), shown by the
``vote_twice_guard_dropped`` mutant, which reaches exactly the states of
the spec. The model reads that guard off the acceptor's own record,
maxVBallot = f: each of its P2b messages is a vote that sets maxBallot and
maxVBallot to its ballot, which never decreases, so under maxBallot <= f
the two agree in every reachable state (of the mutants too), and
FastPropose reads no message but the P2a it receives.

Ballots are ``0..ballots-1`` (the cfg's Ballots), the odd ones fast (the
cfg's FastBallots = {1, 3} of 0..4). Replicas and values are
interchangeable (the cfg's PaxosSymmetry): the renaming is derived from the
fields typed `Replica` and `Value`.

FastPropose is a handler of P2a messages that also chooses the value,
``@on(P2a, FastPropose, choose="values")``, the spec's ``\\E m \\in
p2aMessages, v \\in Values``: run once per message and value, remembered
per (acceptor's record, message, value). Its action holds the acceptor, the
message's fields and the value, and prints without the message's value
(always any): ``FastPropose(a=r1, ballot=1, value=v1)``.

Where the model's steps differ in name only: ClassicAccepted names the
message it accepts; FastDecide and ClassicDecide
name the ballot and the value decided (the spec's ``\\E b, q`` and the value
of a message of M). Steps that change nothing (FastAny once its message is
out, a decision taken again) are not generated; TLC generates them and
finds the state known, so its distinct states and depth are the model's,
its generated-state count is not.

Liveness: the spec states none (Paxos.tla's PaxosLiveness == FALSE), but
FastSpec assumes strong fairness of FastDecide and ClassicDecide. The model
offers ``decides``, ``<>(decision # none)``: under FastSpec's fairness alone
it fails (no round need ever start: the shortest lasso stutters in the
initial state), and with every step weakly fair as well (WF_vars(FastNext))
it holds on the bounds tried, as TLC finds.

The ``accepts_any`` mutant's acceptor records the "any" it accepted as no
value (``max_value`` None), where TLC's maxValue holds ``any``: the P2b it
sends, ``value=any``, breaks FastTypeOK in the same state either way.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from checker import Fails, Param, ParamError, eventually, invariant, reachable, transition
from models.kit import ActorModel, MessageSet, Node, ids, on, step

Replica = ids("replicas", "r", first=1, named=True)   # acceptors, interchangeable
Value = ids("values", "v", first=1, named=True)       # interchangeable
Coordinator = ids("coordinators", "c", first=1, named=True)              # the unique coordinator
Learner = ids("learners", "l", first=1, named=True)                      # holds the decision


# -- the spec's variables ----------------------------------------------------------


class ReplicaState(NamedTuple):
    """maxBallot[a], maxVBallot[a], maxValue[a] (none: no vote yet)."""

    max_ballot: int = 0
    max_vballot: int = 0
    max_value: Value | None = None


class CoordinatorState(NamedTuple):
    """cValue: the value the coordinator sends in classic rounds (none: not yet)."""

    c_value: Value | None = None


class LearnerState(NamedTuple):
    """decision (none: nothing decided yet)."""

    decision: Value | None = None


# -- messages: the spec's P2aMessage and P2bMessage ------------------------------------


def _p2a_text(ballot, value, acceptor=None):
    """A P2a or P2b message's fields, the value None printed as ``any``."""
    by = "" if acceptor is None else f"acceptor={acceptor}, "
    return f"ballot={ballot}, {by}value={'any' if value is None else value}"


class P2a(NamedTuple):
    """[type |-> "P2a", ballot, value]; value None is the spec's ``any``."""

    ballot: int
    value: Value | None
    text = staticmethod(_p2a_text)


class P2b(NamedTuple):
    """[type |-> "P2b", ballot, acceptor, value] (value any only in the
    accepts_any mutant)"""

    ballot: int
    acceptor: Replica
    value: Value | None
    src = "acceptor"
    text = staticmethod(_p2a_text)


# -- actions: FastNext's disjuncts ------------------------------------------------------


class FastAny(NamedTuple):
    c: Coordinator
    ballot: int


class FastPropose(NamedTuple):
    """The acceptor, the "any" message's fields, the value it votes for;
    printed without the message's value, which is always any."""

    a: Replica
    ballot: int
    offered: Value | None
    value: Value
    text = staticmethod(lambda a, ballot, offered, value: f"a={a}, ballot={ballot}, "
                                                          f"value={value}")


class FastDecide(NamedTuple):
    l: Learner
    ballot: int
    value: Value


class ClassicAccept(NamedTuple):
    c: Coordinator
    ballot: int
    value: Value


class ClassicAccepted(NamedTuple):
    a: Replica
    ballot: int
    value: Value | None
    text = staticmethod(lambda a, ballot, value: f"a={a}, " + _p2a_text(ballot, value))


class ClassicDecide(NamedTuple):
    l: Learner
    ballot: int
    value: Value


# -- the nodes -----------------------------------------------------------------------------


def is_majority_value(votes, v) -> bool:
    """IsMajorityValue(M, v) == Cardinality(M) \\div 2 < Cardinality({m \\in M : m.value = v})"""
    return len(votes) // 2 < sum(1 for m in votes if m.value == v)


class CoordinatorNode(Node):
    ids = Coordinator
    state = CoordinatorState
    count = 1

    @step(FastAny, choose=lambda node, record: node.model.fast_ballots, sends=P2a)
    def fast_any(self, s, f):
        """FastAny: start fast round f, sending a P2a "any" message."""
        return s, [P2a(f, None)]

    @step(ClassicAccept, choose=lambda node, record: node.model.classic_choices,
          reads=(P2a, P2b), sends=P2a)
    def classic_accept(self, s, b, v, p2as, p2bs):
        """ClassicAccept: no P2a of classic ballot b was sent, v is cValue
        or cValue is none, and for some fast ballot f < b and fast quorum q
        whose members all voted in f, q's votes collide and the recovery
        rule allows v; cValue becomes v, and P2a(b, v) is sent."""
        if not (s.c_value is None or s.c_value == v):
            return None
        if any(m.ballot == b for m in p2as):
            return None
        if any(self.recovers(b, f, q, v, p2bs) for f in self.model.fast_ballots
               for q in self.model.fast_quorums):
            return s._replace(c_value=v), [P2a(b, v)]
        return None

    def recovers(self, b, f, q, v, p2bs) -> bool:
        """f < b, every member of q voted in f, the values of M (q's votes
        in f) collide, and v has a majority of M, or, where no value has
        one, v is one of them."""
        if not f < b:
            return False
        votes = [m for m in p2bs if m.ballot == f and m.acceptor in q]
        if {m.acceptor for m in votes} != q:
            return False
        voted = {m.value for m in votes}
        if len(voted) <= 1:
            return False
        return self.allowed(votes, voted, v)

    def allowed(self, votes, voted, v) -> bool:
        """IF \\E w \\in V : IsMajorityValue(M, w) THEN IsMajorityValue(M, v) ELSE v \\in V"""
        if any(is_majority_value(votes, w) for w in voted):
            return is_majority_value(votes, v)
        return v in voted


class ReplicaNode(Node):
    ids = Replica
    state = ReplicaState

    @on(P2a, FastPropose, choose="values")
    def fast_propose(self, s, m, v):
        """FastPropose (\\E m \\in p2aMessages, v \\in Values): m is an "any"
        message, its ballot at least maxBallot, the acceptor has voted for
        no value but v, and has sent no P2b in m's ballot; it votes v there."""
        if m.value is not None or not s.max_ballot <= m.ballot:
            return None
        if not (s.max_value is None or s.max_value == v):
            return None
        if self.voted_in(s, m.ballot):
            return None
        return self.vote(m.ballot, v)

    def voted_in(self, s, f) -> bool:
        """\\E n \\in p2bMessages : n.ballot = f /\\ n.acceptor = a, read off
        the acceptor's record: maxVBallot = f (see the module docstring)."""
        return s.max_vballot == f

    def vote(self, b, v):
        """maxBallot, maxVBallot and maxValue set to b and v, and P2b(b, a, v) sent."""
        return ReplicaState(b, b, v), [P2b(b, self.id, v)]

    @on(P2a, ClassicAccepted, sends=P2b)
    def classic_accepted(self, s, m):
        """ClassicAccepted (Paxos.tla's PaxosAccepted): a P2a message of a
        value (not "any") and a ballot at least maxBallot; accept it."""
        if m.value is None or not s.max_ballot <= m.ballot:
            return None
        return self.vote(m.ballot, m.value)


class LearnerNode(Node):
    ids = Learner
    state = LearnerState
    count = 1

    @step(FastDecide, choose=lambda node, record: node.model.fast_decisions, reads=(P2b,))
    def fast_decide(self, s, b, v, p2bs):
        """FastDecide: for fast ballot b and some fast quorum q every member
        of which voted in b, all their votes in b are for v; v is decided."""
        for q in self.model.fast_quorums:
            votes = [m for m in p2bs if m.ballot == b and m.acceptor in q]
            if {m.acceptor for m in votes} == q and {m.value for m in votes} == {v}:
                return s._replace(decision=v), []
        return None

    @step(ClassicDecide, choose=lambda node, record: node.model.classic_decisions,
          reads=(P2b,))
    def classic_decide(self, s, b, v, p2bs):
        """ClassicDecide: for classic ballot b and some classic quorum q
        every member of which voted in b, one of their votes is for v; v is
        decided."""
        for q in self.model.classic_quorums:
            votes = [m for m in p2bs if m.ballot == b and m.acceptor in q]
            if {m.acceptor for m in votes} == q and any(m.value == v for m in votes):
                return s._replace(decision=v), []
        return None


# -- the model ---------------------------------------------------------------------------------


class FastPaxos(ActorModel):
    name = "fast-paxos"
    summary = "simplified Fast Paxos (SimplifiedFastPaxos/FastPaxos.tla), set of all messages"
    params = (Param("replicas", 4, "number of acceptors", minimum=1, maximum=6),
              Param("values", 3, "number of values", minimum=1, maximum=4),
              Param("ballots", 5, "ballots are 0..ballots-1, the odd ones fast",
                    minimum=1, maximum=6),
              Param("classic_quorum", 0, "size of a classic quorum (0: a majority)",
                    minimum=0, maximum=6),
              Param("fast_quorum", 0, "size of a fast quorum (0: the least the spec's "
                                      "ASSUME allows beside the classic size)",
                    minimum=0, maximum=6))
    roles = (CoordinatorNode, ReplicaNode, LearnerNode)
    messages = (P2a, P2b)
    network = MessageSet()
    # FastNext == FastAny \/ FastPropose \/ FastDecide \/ ClassicAccept
    #             \/ ClassicAccepted \/ ClassicDecide
    next = ((CoordinatorNode.fast_any,), (ReplicaNode.fast_propose,), (LearnerNode.fast_decide,),
            (CoordinatorNode.classic_accept,), (ReplicaNode.classic_accepted,),
            (LearnerNode.classic_decide,))
    symmetry_sets = ("replicas", "values")

    def setup(self) -> None:
        n = self.replicas
        self.classic_size = self.classic_quorum or n // 2 + 1
        self.fast_size = self.fast_quorum or next(
            (k for k in range(3 * n // 4, n + 1)
             if 2 * k > n and self.classic_size + 2 * k > 2 * n), n)
        for name, size in (("classic_quorum", self.classic_size), ("fast_quorum", self.fast_size)):
            if size > n:
                raise ParamError(f"params.{name}", f"a quorum of {size} replicas, "
                                                   f"but there are {n} (params.replicas)")
        self.classic_quorums = [frozenset(c) for c in combinations(range(n), self.classic_size)]
        self.fast_quorums = [frozenset(c) for c in combinations(range(n), self.fast_size)]
        ballots = range(self.ballots)
        self.fast_ballots = [b for b in ballots if b % 2 == 1]
        self.classic_ballots = [b for b in ballots if b % 2 == 0]
        values = range(self.values)
        # the steps' choices: \E b, v (FastPropose's \E m, v is a message and a value)
        self.fast_decisions = [(f, v) for f in self.fast_ballots for v in values]
        self.classic_choices = [(b, v) for b in self.classic_ballots for v in values]
        self.classic_decisions = self.classic_choices

    def check_sound(self) -> None:
        """The spec's ASSUME on quorums (PaxosAssume, FastAssume): every
        classic quorum holds more than half the replicas (so two meet),
        every fast quorum at least (3N) \\div 4 and any two meet, and any
        classic quorum meets any two fast quorums."""
        n, c, f = self.replicas, self.classic_size, self.fast_size
        if not n // 2 < c:
            raise ParamError("params.classic_quorum", f"a classic quorum of {c} of {n} "
                             f"replicas: two can be disjoint (PaxosAssume)")
        if not 3 * n // 4 <= f:
            raise ParamError("params.fast_quorum", f"a fast quorum of {f} of {n} replicas: "
                             f"fewer than (3 * {n}) \\div 4 = {3 * n // 4} (FastAssume)")
        if not 2 * f > n:
            raise ParamError("params.fast_quorum", f"two fast quorums of {f} of {n} replicas "
                             f"can be disjoint (FastAssume)")
        if not c + 2 * f > 2 * n:
            q = self.classic_quorums[0]
            r, s = self.disjoint_pair(q)
            raise ParamError("params.fast_quorum", "classic quorum {} and fast quorums {} and "
                             "{} have no replica in common (FastAssume)".format(
                                 *(self.names(x) for x in (q, r, s))))

    def disjoint_pair(self, q):
        """Two fast quorums whose intersection misses the classic quorum q."""
        for r in self.fast_quorums:
            for s in self.fast_quorums:
                if not q & r & s:
                    return r, s
        raise AssertionError("the sizes promised a pair")

    @staticmethod
    def names(quorum) -> str:
        return "{" + ", ".join(f"r{a + 1}" for a in sorted(quorum)) + "}"

    # -- the state, as the spec names it -----------------------------------------------------

    def decision(self, state):
        return self.records(state, LearnerNode)[0].decision

    # -- properties ---------------------------------------------------------------------------

    @invariant("FastTypeOK")
    def type_ok(self, state):
        """messages \\subseteq Message (P2a and P2b of Ballots, Replicas and
        Values, P2a's value any too); decision, maxValue and cValue in
        Values \\union {none}; maxBallot and maxVBallot in Ballots."""
        ballots, values = range(self.ballots), range(self.values)
        for m in self.sent(state, P2a):
            if m.ballot not in ballots or not (m.value is None or m.value in values):
                return Fails(f"{m} is not a P2aMessage")
        for m in self.sent(state, P2b):
            if m.ballot not in ballots or m.value not in values:
                return Fails(f"{m} is not a P2bMessage")
        for a, s in enumerate(self.records(state, ReplicaNode), 1):
            if s.max_ballot not in ballots or s.max_vballot not in ballots or not (
                    s.max_value is None or s.max_value in values):
                return Fails(f"r{a}'s {s} is out of its type")
        c_value = self.records(state, CoordinatorNode)[0].c_value
        for name, v in (("decision", self.decision(state)), ("cValue", c_value)):
            if not (v is None or v in values):
                return Fails(f"{name} is {v}")
        return True

    @invariant("FastNontriviality")
    def nontriviality(self, state):
        """decision = none \\/ \\E m \\in p2bMessages : m.value = decision /\\
        m.ballot \\in FastBallots: only a value some acceptor proposed is decided."""
        decision = self.decision(state)
        if decision is None or any(m.value == decision and m.ballot % 2 == 1
                                   for m in self.sent(state, P2b)):
            return True
        return Fails(f"v{decision + 1} is decided, and no acceptor proposed it in a fast round")

    @transition("PaxosConsistency")
    def consistency(self, state, action, next_state):
        """[][decision = none]_<<decision>>: once decided, the decision never changes."""
        before, after = self.decision(state), self.decision(next_state)
        if before is None or before == after:
            return True
        return Fails(f"the decision changes from v{before + 1} to v{after + 1}")

    @eventually("Decision")
    def decides(self, state):
        """<>(decision # none): the spec states none (PaxosLiveness == FALSE),
        but FastSpec assumes SF of FastDecide and ClassicDecide."""
        return self.decision(state) is not None

    @reachable("A value is decided in a fast round")
    def decided_fast(self, state):
        return self.decision(state) is not None and not any(
            m.ballot % 2 == 0 for m in self.sent(state, P2b))

    @reachable("A collision is recovered and decided in a classic round")
    def decided_classic(self, state):
        p2bs = self.sent(state, P2b)
        return self.decision(state) is not None and any(
            {m.acceptor for m in p2bs if m.ballot == b} >= q
            for b in self.classic_ballots for q in self.classic_quorums)


# -- mutants: one handler each ---------------------------------------------------------------


@FastPaxos.mutant("any_collided_value", "ClassicAccept sends any value of the collision, "
                                        "ignoring the majority rule; breaks PaxosConsistency")
class CoordinatorIgnoringTheMajority(CoordinatorNode):
    """Recovery that forgets a value may already be chosen in the fast round."""

    def allowed(self, votes, voted, v):
        return v in voted  # the bug: no IsMajorityValue(M, w) test


@FastPaxos.mutant("free_value_on_tie", "ClassicAccept sends any value of Values where no "
                                       "value has a majority (the spec's comment taken "
                                       "literally: 'the coordinator is free to select any "
                                       "value'); breaks FastNontriviality")
class CoordinatorFreeOnATie(CoordinatorNode):
    def allowed(self, votes, voted, v):
        if any(is_majority_value(votes, w) for w in voted):
            return is_majority_value(votes, v)
        return True  # the bug: v \in Values, not v \in V


@FastPaxos.mutant("changes_its_value", "FastPropose without maxValue[a] = none \\/ "
                                       "maxValue[a] = v: an acceptor proposes another value "
                                       "in a later fast round; breaks PaxosConsistency")
class ReplicaChangingItsValue(ReplicaNode):
    def fast_propose(self, s, m, v):
        if m.value is not None or not s.max_ballot <= m.ballot or self.voted_in(s, m.ballot):
            return None
        return self.vote(m.ballot, v)  # the bug: no check of maxValue[a]


@FastPaxos.mutant("vote_twice_guard_dropped", "FastPropose without its check that the "
                                              "acceptor sent no P2b in the ballot: changes "
                                              "nothing, the maxValue check already forbids a "
                                              "second, different vote")
class ReplicaWithoutTheRoundCheck(ReplicaNode):
    def voted_in(self, s, f):
        return False  # the guard dropped: no \A n \in p2bMessages : ...


@FastPaxos.mutant("forgets_its_votes", "FastPropose by an acceptor that keeps no record of "
                                       "its votes (no stable storage, against the spec's "
                                       "assumption 3): it votes twice in a fast round, for "
                                       "two values; breaks PaxosConsistency")
class ReplicaForgettingItsVotes(ReplicaNode):
    def fast_propose(self, s, m, v):
        if m.value is not None or not s.max_ballot <= m.ballot:
            return None
        return self.vote(m.ballot, v)  # the bug: neither maxValue nor its P2b in f checked


@FastPaxos.mutant("accepts_any", "ClassicAccepted takes a fast round's P2a 'any' for a "
                                 "value and accepts 'any'; breaks FastTypeOK")
class ReplicaAcceptingAny(ReplicaNode):
    def classic_accepted(self, s, m):
        if not s.max_ballot <= m.ballot:  # the bug: no m.value \in Values
            return None
        return ReplicaState(m.ballot, m.ballot, m.value), [P2b(m.ballot, self.id, m.value)]
