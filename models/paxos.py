"""Single-decree Paxos in Lamport's message-set formulation.

Follows ``Paxos.tla`` of the TLA+ Examples (tlaplus/Examples,
specifications/Paxos), action by action: Paxos without explicit leaders or
learners. Each acceptor keeps ``max_bal`` (the highest ballot it took part
in) and its last vote ``max_vbal``, ``max_val`` (``-1`` and ``None`` before
it votes); the network is ``msgs``, the set of every message ever sent (the
kit's `MessageSet`). Acceptors are numbered ``0..acceptors-1``, values
``0..values-1``, ballots ``0..ballots-1`` (the spec's ``Ballot`` cut down
to a finite set, as TLC's configurations do). For 3 acceptors, 2 values and
ballots {0, 1} the model has TLC's 3,921 distinct states.

A message never leaves ``msgs``, so any sent message can be received at any
time, any number of times. As Lamport's spec argues, this covers loss,
reordering and duplication as far as safety is concerned: a lost message is
one nobody acts on.

The spec has no proposer processes: ``Phase1a(b)`` and ``Phase2a(b, v)``
are steps of "the ballot-b leader", here a stateless node per ballot
(``p0``, ``p1``) that reads ``msgs`` as the spec's actions do.

Quorums: the ``quorum`` rule (default: majorities). ``\\E Q \\in Quorum`` in
Phase2a ranges over every quorum, supersets of the minimal ones included
(Paxos.tla's Quorum, every majority). A rule listing its quorums
(``{quorums: [...]}``) takes their supersets too, unless it says
``supersets: false``: then Phase2a ranges over the listed sets alone, as a
TLA+ constant listing them does (FPaxos.tla's ``Quorum1 == {{a1}, {a2,
a3}}``: a leader that heard from a1 and a2 adopts a1's vote, not a2's
higher one); the reachable states differ where a listed set's superset
reports a higher vote than every listed set within it
(tests/models/test_paxos_fpaxos_tlc.py: 390,489 states with the supersets,
389,849 without, TLC's). The
spec assumes every two quorums intersect (its QuorumAssumption), so a spec
may give a rule that breaks this only when it expects Agreement to fail
(`check_sound`); the `non_intersecting_quorums` mutant breaks it on purpose.
With a flexible rule, Phase2a uses phase-1 quorums and choosing phase-2
quorums.

A value is *chosen* when a quorum sent 2b messages for the same ballot and
value. There are no learners: in this formulation learning is choosing, so
the textbook property "learned implies chosen" has nothing to check here
(it belongs to the ``paxos-textbook`` model). Validity holds by
construction, as every 2a carries a value of ``Value``; the property guards
the encoding.

Deliberate differences, none of which changes the reachable states:

- Steps that change nothing are not generated (the kit drops them):
  ``Phase1a(b)`` when ``1a(b)`` was already sent, and ``Phase2b`` by an
  acceptor that already cast exactly that vote. TLC generates these
  stuttering steps and finds the state known; the distinct states, the
  depth and every shortest trace are the same (the generated-state count is
  not TLC's).
- The message that ``Phase1b(a)`` and ``Phase2b(a)`` pick with ``\\E m`` is
  named in the action (``Phase1b(a, b)`` answers ``1a(b)``), so a trace
  says which message an acceptor acted on.

Symmetry: values are interchangeable, and so are acceptors as far as the
quorum rule treats them alike (all of them under a threshold rule, the
`non_intersecting_quorums` mutant included; fewer under weights, listed
quorums, grids or joint rules); ballots are ordered, never interchangeable.
Renaming and canonical forms are the kit's, derived from the field types.
For 3 acceptors, 2 values and ballots {0, 1} the 3,921 states fall into 857
orbits under renaming acceptors and 443 under renaming both.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Param, ParamError, eventually, invariant, reachable
from models import register
from models.kit import ActorModel, MessageSet, Node, ids, of_messages, on, step
from models.kit.memo import Memo
from models.quorum import (QUORUM_SCHEMA, Threshold, interchangeable_groups, quorum_system,
                           require_intersecting)

Acceptor = ids("acceptors", "a")
Value = ids("values")
Ballot = ids("ballots", "p")  # a ballot, and the node that leads it; never renamed


# -- the spec's variables -------------------------------------------------------


class AcceptorState(NamedTuple):
    """maxBal[a], maxVBal[a], maxVal[a] (-1 and None: no ballot, no vote)."""

    max_bal: int = -1
    max_vbal: int = -1
    max_val: Value | None = None


# -- messages: the spec's four record types -----------------------------------------


class Msg1a(NamedTuple):
    """[type |-> "1a", bal |-> b]"""

    bal: Ballot
    src = "bal"


class Msg1b(NamedTuple):
    """[type |-> "1b", acc |-> a, bal |-> m.bal, mbal |-> maxVBal[a], mval |-> maxVal[a]]"""

    acc: Acceptor
    bal: Ballot
    mbal: int
    mval: Value | None
    src, dst = "acc", "bal"


class Msg2a(NamedTuple):
    """[type |-> "2a", bal |-> b, val |-> v]"""

    bal: Ballot
    val: Value
    src = "bal"


class Msg2b(NamedTuple):
    """[type |-> "2b", acc |-> a, bal |-> m.bal, val |-> m.val]"""

    acc: Acceptor
    bal: Ballot
    val: Value
    src, dst = "acc", "learners"


# -- actions: the spec's operators, with the message each one acts on ------------------


class Phase1a(NamedTuple):
    b: Ballot


class Phase1b(NamedTuple):
    a: Acceptor
    b: Ballot


class Phase2a(NamedTuple):
    b: Ballot
    v: Value


class Phase2b(NamedTuple):
    a: Acceptor
    b: Ballot
    v: Value


# -- the nodes ------------------------------------------------------------------------


class Leader(Node):
    """The leader of ballot ``self.id``: no variables of its own."""

    ids = Ballot

    @step(Phase1a, sends=Msg1a)
    def phase1a(self):
        """Phase1a(b) == Send([type |-> "1a", bal |-> b])"""
        return [Msg1a(bal=self.id)]

    @step(Phase2a, choose="values", reads=(Msg1b, Msg2a))
    def phase2a(self, v, one_bs, two_as):
        """Phase2a(b, v) ==
             /\\ ~ \\E m \\in msgs : (m.type = "2a") /\\ (m.bal = b)
             /\\ \\E Q \\in Quorum :
                  LET Q1b == {m \\in msgs : m.type = "1b" /\\ m.acc \\in Q /\\ m.bal = b}
                      Q1bv == {m \\in Q1b : m.mbal >= 0}
                  IN  /\\ \\A a \\in Q : \\E m \\in Q1b : m.acc = a
                      /\\ \\/ Q1bv = {}
                         \\/ \\E m \\in Q1bv : m.mval = v /\\ \\A mm \\in Q1bv : m.mbal >= mm.mbal
             /\\ Send([type |-> "2a", bal |-> b, val |-> v])"""
        b = self.id
        if any(m.bal == b for m in two_as):
            return None
        for quorum in self.model.phase1_quorums:
            q1b = [m for m in one_bs if m.acc in quorum and m.bal == b]
            q1bv = [m for m in q1b if m.mbal >= 0]
            if {m.acc for m in q1b} == quorum and self.shows_safe(q1bv, v):
                return [Msg2a(bal=b, val=v)]
        return None

    def shows_safe(self, q1bv, v) -> bool:
        """The last conjunct of Phase2a's quorum condition: no member
        reports a vote, or v is the value of a highest vote reported."""
        return not q1bv or any(m.mval == v and all(m.mbal >= mm.mbal for mm in q1bv)
                               for m in q1bv)


class AcceptorNode(Node):
    """Acceptor ``self.id`` and its variables."""

    ids = Acceptor
    state = AcceptorState

    @on(Msg1a, Phase1b)
    def phase1b(self, s, m):
        """Phase1b(a) == \\E m \\in msgs :
             /\\ m.type = "1a" /\\ m.bal > maxBal[a]
             /\\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
             /\\ Send([type |-> "1b", acc |-> a, bal |-> m.bal,
                      mbal |-> maxVBal[a], mval |-> maxVal[a]])"""
        if m.bal > s.max_bal:
            return s._replace(max_bal=m.bal), [
                Msg1b(acc=self.id, bal=m.bal, mbal=s.max_vbal, mval=s.max_val)]
        return None

    @on(Msg2a, Phase2b)
    def phase2b(self, s, m):
        """Phase2b(a) == \\E m \\in msgs :
             /\\ m.type = "2a" /\\ m.bal >= maxBal[a]
             /\\ maxBal' = [maxBal EXCEPT ![a] = m.bal]
             /\\ maxVBal' = [maxVBal EXCEPT ![a] = m.bal]
             /\\ maxVal' = [maxVal EXCEPT ![a] = m.val]
             /\\ Send([type |-> "2b", acc |-> a, bal |-> m.bal, val |-> m.val])"""
        if m.bal >= s.max_bal:
            return self.vote(m)
        return None

    def vote(self, m):
        """Phase2b's effect: vote for m's ballot and value, and say so."""
        return AcceptorState(m.bal, m.bal, m.val), [Msg2b(acc=self.id, bal=m.bal, val=m.val)]


# -- the model -------------------------------------------------------------------------


@register
class Paxos(ActorModel):
    name = "paxos"
    summary = "single-decree Paxos, Lamport's TLA+ spec (set of all messages ever sent)"
    params = (
        # Maxima keep loading instant: the quorum rule enumerates every set of
        # acceptors (2^N) and setup every 1b message (acceptors x ballots^2 x values).
        Param("acceptors", 3, "number of acceptors", minimum=1, maximum=9),
        Param("values", 2, "number of values that may be chosen", minimum=1, maximum=10),
        Param("ballots", 2, "number of ballots; ballots are 0..ballots-1", minimum=1,
              maximum=10),
        Param("quorum", "majority", "the quorum rule: every set of acceptors it accepts "
              "is a quorum (QuorumAssumption: every two quorums intersect)",
              schema=QUORUM_SCHEMA),
    )
    roles = (Leader, AcceptorNode)
    messages = (Msg1a, Msg1b, Msg2a, Msg2b)
    network = MessageSet()
    # Next == \/ \E b \in Ballot : Phase1a(b)
    #         \/ \E a \in Acceptor : Phase1b(a) \/ Phase2b(a)
    #         \/ \E b \in Ballot, v \in Value : Phase2a(b, v)
    # (the disjuncts reordered from the spec's: the order of steps, which
    # picks among shortest traces, is the one the pinned traces were found in)
    next = ((Leader.phase1a,), (AcceptorNode.phase1b, AcceptorNode.phase2b), (Leader.phase2a,))
    symmetry_sets = ("acceptors", "values")

    def setup(self) -> None:
        self.quorums = self.quorum_system()
        # Phase 1 quorums send the 1b messages a 2a relies on; phase 2 quorums
        # choose. They are the same but in a flexible rule. Phase2a's
        # \E Q \in Quorum ranges over every quorum, or over the listed sets
        # alone where the rule says supersets: false (FPaxos.tla's Quorum1).
        self.phase1_quorums = self.quorums.phase1.spec_quorums
        self._chosen = Memo(self._chosen_by)

    def quorum_system(self):
        return quorum_system(self.quorum, self.acceptors)

    def check_sound(self) -> None:
        """The spec's ASSUME QuorumAssumption: every two quorums (every phase-1
        and phase-2 quorum) intersect; `ParamError` names a disjoint pair."""
        require_intersecting(self.quorums)

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """Acceptors are interchangeable as far as the quorum rule treats
        them alike; values are (no action or property names one; the
        value_off_by_one mutant's v + 1 does, which the symmetry guard
        refuses there)."""
        return {"acceptors": [list(group) for group in interchangeable_groups(self.quorums)],
                "values": [list(range(self.values))]}

    def bound_reason(self, state: tuple) -> str | None:
        """A state with no step is one where every ballot has begun: with
        another ballot, its Phase1a would be enabled (Ballot is Nat in the
        spec), so the run ends at the ``ballots`` bound, not in a deadlock."""
        if len(self.sent(state, Msg1a)) == self.ballots:
            return f"every ballot 0..{self.ballots - 1} has begun (ballots = {self.ballots})"
        return None

    # -- what is chosen --------------------------------------------------------

    def chosen(self, state: tuple) -> dict[int, tuple[tuple[int, tuple[int, ...]], ...]]:
        """Each chosen value, with each ballot in which it is chosen and the
        acceptors whose 2b messages for it in that ballot form a quorum."""
        return self._chosen[self.sent(state, Msg2b)]

    def _chosen_by(self, two_bs: frozenset) -> dict:
        """Chosen(v) == \\E b \\in Ballot, Q \\in Quorum :
             \\A a \\in Q : [type |-> "2b", acc |-> a, bal |-> b, val |-> v] \\in msgs"""
        voters: dict[tuple[int, int], list[int]] = {}
        for m in sorted(two_bs):
            voters.setdefault((m.val, m.bal), []).append(m.acc)
        by_value: dict[int, list] = {}
        for (v, b), accs in sorted(voters.items()):
            if self.quorums.phase2.is_quorum(frozenset(accs)):
                by_value.setdefault(v, []).append((b, tuple(accs)))
        return {v: tuple(how) for v, how in by_value.items()}

    # -- properties ----------------------------------------------------------------
    #
    # Those about what is chosen read only the 2b messages (`of_messages`):
    # each is decided once per set of them, shared by the states that hold it.

    @invariant("Agreement")
    @of_messages(Msg2b)
    def agreement(self, two_bs: frozenset):
        """At most one value is chosen."""
        how = self._chosen[two_bs]
        if len(how) <= 1:
            return True
        return Fails("; ".join(
            f"value {v} is chosen in ballot {ways[0][0]} by acceptors "
            f"{', '.join(map(str, ways[0][1]))}" for v, ways in how.items()))

    @invariant("Validity")
    @of_messages(Msg2b)
    def validity(self, two_bs: frozenset):
        """Only a value of Value can be chosen (the spec has no other source
        of values; this guards the encoding)."""
        strays = [v for v in self._chosen[two_bs] if not 0 <= v < self.values]
        return Fails(f"{strays[0]!r} is chosen but is not a value") if strays else True

    @reachable("A value is chosen")
    @of_messages(Msg2b)
    def value_chosen(self, two_bs: frozenset) -> bool:
        """A quorum voted for the same value in the same ballot."""
        return bool(self._chosen[two_bs])

    @eventually("Termination")
    @of_messages(Msg2b)
    def termination(self, two_bs: frozenset) -> bool:
        """A value is eventually chosen. With finitely many ballots every
        run ends when they are used up (`bound_reason`): a run that chooses
        nothing stalls at that bound, which settles nothing (see
        ``paxos-liveness`` for ballots without end)."""
        return bool(self._chosen[two_bs])

    @reachable("A later ballot adopts an earlier vote")
    def adopts_earlier_vote(self, state: tuple) -> bool:
        """Some ``2a(b, v)`` was sent, and every quorum that sent all its
        ballot-b 1b messages reports a vote: the ballot-b leader could not
        pick freely and had to adopt the value of the highest vote, cast in
        an earlier ballot (two leaders raced; the second adopted the first's
        value)."""
        one_bs = self.sent(state, Msg1b)
        for two_a in self.sent(state, Msg2a):
            # whether each acceptor reported a vote in some ballot-b 1b (in the
            # accept_below_promise mutant it may send several)
            reports: dict[int, bool] = {}
            for m in one_bs:
                if m.bal == two_a.bal:
                    reports[m.acc] = reports.get(m.acc, False) or m.mbal >= 0
            complete = [q for q in self.phase1_quorums if all(a in reports for a in q)]
            if complete and all(any(reports[a] for a in q) for q in complete):
                return True
        return False

    @reachable("An acceptor ignores a stale 1a")
    def stale_1a_ignored(self, state: tuple) -> bool:
        """Some ``1a(b)`` was sent that acceptor a never answered and now never
        will, because ``max_bal[a] > b`` (the message-set analogue of a NACK)."""
        answered = {(m.acc, m.bal) for m in self.sent(state, Msg1b)}
        return any(m.bal < self.record(state, AcceptorNode, a).max_bal
                   and (a, m.bal) not in answered
                   for m in self.sent(state, Msg1a) for a in range(self.acceptors))


# -- mutants: each replaces one rule ------------------------------------------------------


@Paxos.mutant("no_adopt", "Phase2a ignores the votes reported in the 1b messages and may "
                          "send any value; breaks Agreement")
class LeaderIgnoringVotes(Leader):
    def shows_safe(self, q1bv, v) -> bool:
        return True  # the bug: any value will do


@Paxos.mutant("value_off_by_one", "Phase2a sends the value after the one it chose (an "
                                  "off-by-one in the value index); breaks Validity")
class LeaderOffByOne(Leader):
    def phase2a(self, v, one_bs, two_as):
        sent = super().phase2a(v, one_bs, two_as)
        return sent and [m._replace(val=m.val + 1) for m in sent]  # the bug


@Paxos.mutant("accept_below_promise", "Phase2b votes for a 2a message below max_bal; "
                                      "breaks Agreement")
class AcceptorBreakingPromises(AcceptorNode):
    def phase2b(self, s, m):
        return self.vote(m)  # the bug: no m.bal >= maxBal[a]


@Paxos.mutant("non_intersecting_quorums", "quorums are any floor(N/2) of the N acceptors, "
                                          "so two of them can be disjoint; breaks Agreement")
class PaxosWithSmallQuorums(Paxos):
    def quorum_system(self):
        if self.acceptors < 2:
            raise ParamError("params.acceptors", "the non_intersecting_quorums "
                             "mutant needs at least 2 acceptors")
        return Threshold(self.acceptors, self.acceptors // 2)  # the bug: two can be disjoint
