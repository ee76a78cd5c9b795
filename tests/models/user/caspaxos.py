"""CASPaxos: a compare-and-set register over single-decree Paxos, a user's
model written with the kit after Tobias Schottdorf's CASPaxos.tla
(github.com/tschottdorf/caspaxos-tla, its Model_1 in CASPaxos.toolbox), the
TLA+ of Denis Rystsov's "CASPaxos: Replicated State Machines without logs"
("In search of a simple consensus algorithm").

Paxos's acceptors, but the register is reusable: a proposer that has
prepared ballot b with a quorum takes the value accepted at the highest
ballot among the quorum's responses and, where Paxos would send it on as it
is, sends ``Mutator(b, v)``: the function a compare-and-set proposer applies
to the current value. The spec abstracts the proposers' choice of a new
value into that function of the ballot and the value.

The spec's variables, action by action:

- each acceptor's ``prepared`` (the ballot it promised), ``accepted`` (the
  ballot at which it accepted its value) and ``value``, every acceptor
  starting at ballot 0 with ``InitialValue``, the smallest value (0);
- ``msgs``, every message ever sent (the kit's `MessageSet`): a message may
  be received any number of times, in any order, or never. That is how the
  spec has lost and duplicated messages; a crashed acceptor that keeps its
  variables on disk is one that takes no step for a while, which the
  interleaving already has, so neither needs a fault of its own;
- proposers are implicit: ``PrepareReq(b)`` and ``AcceptReq(b, v)`` are
  steps of "the ballot-b proposer", a node without variables per ballot
  (``p0`` .. ``p3``) that reads ``msgs`` as the spec's actions do;
  ``PrepareRsp(a)`` and ``AcceptRsp(a)`` are the acceptors' receipts.

Bounds as the MC's: acceptors ``a1`` .. ``aN`` (the MC's a1, a2, a3),
values ``0 .. values-1`` (the MC's {0, 1, 2, 3}), ballots ``0 ..
ballots-1`` (the MC overrides Nat, and with it Ballot, by 0..3), quorums the
majorities, and ``Mutator(b, v) == (1 + b*v) % values``: the MC's ``(1 +
b*v) % 4`` for its four values, and the same formula over the values of
another bound (with which the TLC runs the tests cite were made).

Properties: the cfg's one invariant, DesiredProperties, is three
conjunctions, here three named invariants: TypeOK, OnlyOneValuePerBallot
and MutationsLineUp, "the main (ill-fated) assertion that each new value of
the register is based on a previously committed value". It fails, as the
spec says it will: ballot 1's value is accepted by one acceptor, which tells
ballot 2's proposer of it; ballot 2 mutates that value and commits, though
ballot 1 never did, so ballot 2's value is not the mutation of the last
committed one (ballot 0's). TLC's shortest counterexample has 12 states,
ours 11 steps.

Deliberate differences, none of which changes the reachable states, the
depth or any shortest trace:

- Steps that change nothing are not generated (the kit drops them):
  ``PrepareReq(b)`` once it was sent (the spec's guard says as much) and
  ``AcceptRsp(a)`` by an acceptor that already accepted exactly that
  request; TLC generates these and finds the state known, so its generated
  count is not ours. Such a step being enabled, a state is no deadlock, as
  in TLC (`stutters`).
- The message an acceptor acts on (``\\E m \\in msgs``) is named in the
  action, ``PrepareRsp(a, bal)`` and ``AcceptRsp(a, bal, new_val)``.

Symmetry: the MC declares none. Acceptors are interchangeable (the quorums
are the majorities and no action names one), and `symmetry_sets` says so,
which TLC agrees with under ``SYMMETRY Permutations(Acceptors)``; values
are not (Mutator does arithmetic on them), nor are ballots (ordered).
"""

from __future__ import annotations

from itertools import combinations, pairwise
from typing import NamedTuple

from checker import Fails, Param, invariant
from models.kit import ActorModel, MessageSet, Node, ids, on, step

Acceptor = ids("acceptors", "a", first=1, named=True)
Ballot = ids("ballots", "p")  # a ballot, and the proposer that runs it; never renamed

INITIAL_VALUE = 0  # CHOOSE v \in Values : \A vv \in Values : v \leq vv


# -- the spec's variables ------------------------------------------------------------


class AcceptorState(NamedTuple):
    """<<prepared[a], accepted[a], value[a]>>."""

    prepared: int = 0
    accepted: int = 0
    value: int = INITIAL_VALUE


# -- messages: the spec's four record types ------------------------------------------


class PrepareRequest(NamedTuple):
    """[type |-> "prepare-req", bal |-> b]"""

    bal: Ballot
    src = "bal"


class PrepareResponse(NamedTuple):
    """[type |-> "prepare-rsp", acc |-> a, promised |-> m.bal,
        accepted |-> accepted[a], val |-> value[a]]"""

    acc: Acceptor
    promised: Ballot
    accepted: int
    val: int
    src, dst = "acc", "promised"


class AcceptRequest(NamedTuple):
    """[type |-> "accept-req", bal |-> b, newVal |-> Mutator(b, v)]"""

    bal: Ballot
    new_val: int
    src = "bal"


class AcceptResponse(NamedTuple):
    """[type |-> "accept-rsp", acc |-> a, accepted |-> m.bal]"""

    acc: Acceptor
    accepted: int
    src, dst = "acc", "proposers"   # the implicit proposers (a label for charts)


# -- actions: the spec's operators, with the message each one acts on ----------------


class PrepareReq(NamedTuple):
    b: Ballot


class AcceptReq(NamedTuple):
    b: Ballot
    v: int


class PrepareRsp(NamedTuple):
    a: Acceptor
    bal: Ballot


class AcceptRsp(NamedTuple):
    a: Acceptor
    bal: Ballot
    new_val: int


# -- the nodes -----------------------------------------------------------------------


class Proposer(Node):
    """The proposer of ballot ``self.id``: no variables of its own."""

    ids = Ballot

    @step(PrepareReq, sends=PrepareRequest)
    def prepare_req(self):
        """PrepareReq(b) == /\\ ~ BallotActive(b)
                            /\\ Send([type |-> "prepare-req", bal |-> b])"""
        return [PrepareRequest(bal=self.id)]

    @step(AcceptReq, choose="values", reads=(PrepareResponse, AcceptRequest))
    def accept_req(self, v, prepare_rsps, accept_reqs):
        """AcceptReq(b, v) ==
             /\\ ~ \\E m \\in msgs : m.type = "accept-req" /\\ m.bal = b
             /\\ \\E Q \\in Quorums :
                  LET M == {m \\in msgs : m.type = "prepare-rsp" /\\ m.promised = b
                                         /\\ m.acc \\in Q}
                  IN /\\ \\A a \\in Q : \\E m \\in M : m.acc = a
                     /\\ \\E m \\in M : m.val = v /\\ \\A mm \\in M : mm.accepted \\leq m.accepted
             /\\ Send([type |-> "accept-req", bal |-> b, newVal |-> Mutator(b, v)])"""
        b = self.id
        if any(m.bal == b for m in accept_reqs):
            return None
        for quorum in self.model.quorums:
            responses = [m for m in prepare_rsps if m.promised == b and m.acc in quorum]
            if {m.acc for m in responses} == quorum and self.latest_is(responses, v):
                return [AcceptRequest(bal=b, new_val=self.model.mutator(b, v))]
        return None

    def latest_is(self, responses, v) -> bool:
        """v is the value of a response with the highest accepted ballot."""
        return any(m.val == v and all(mm.accepted <= m.accepted for mm in responses)
                   for m in responses)


class AcceptorNode(Node):
    """Acceptor ``self.id`` and its variables."""

    ids = Acceptor
    state = AcceptorState

    @on(PrepareRequest, PrepareRsp)
    def prepare_rsp(self, s, m):
        """PrepareRsp(a) == \\E m \\in msgs :
             /\\ m.type = "prepare-req" /\\ m.bal > prepared[a]
             /\\ prepared' = [prepared EXCEPT ![a] = m.bal]
             /\\ Send([acc |-> a, type |-> "prepare-rsp", promised |-> m.bal,
                      accepted |-> accepted[a], val |-> value[a]])"""
        if m.bal > s.prepared:
            return s._replace(prepared=m.bal), [
                PrepareResponse(acc=self.id, promised=m.bal, accepted=s.accepted, val=s.value)]
        return None

    @on(AcceptRequest, AcceptRsp)
    def accept_rsp(self, s, m):
        """AcceptRsp(a) == \\E m \\in msgs :
             /\\ m.type = "accept-req" /\\ m.bal \\geq prepared[a]
             /\\ prepared' = [prepared EXCEPT ![a] = m.bal]
             /\\ accepted' = [accepted EXCEPT ![a] = m.bal]
             /\\ value' = [value EXCEPT ![a] = m.newVal]
             /\\ Send([acc |-> a, type |-> "accept-rsp", accepted |-> m.bal])"""
        if m.bal >= s.prepared:
            return self.accept(m)
        return None

    def accept(self, m):
        """AcceptRsp's effect: accept m's ballot and value, and say so."""
        return AcceptorState(m.bal, m.bal, m.new_val), [
            AcceptResponse(acc=self.id, accepted=m.bal)]


# -- the model -----------------------------------------------------------------------


class CASPaxos(ActorModel):
    name = "caspaxos"
    summary = "CASPaxos: a compare-and-set register over Paxos (Schottdorf's CASPaxos.tla)"
    params = (
        Param("acceptors", 3, "acceptors a1..aN (the MC's a1, a2, a3)", minimum=1, maximum=7),
        Param("values", 4, "values 0..values-1; Mutator(b, v) == (1 + b*v) % values",
              minimum=1, maximum=10),
        Param("ballots", 4, "ballots 0..ballots-1 (the MC's Nat <- 0..3)", minimum=1,
              maximum=10),
    )
    roles = (Proposer, AcceptorNode)
    messages = (PrepareRequest, PrepareResponse, AcceptRequest, AcceptResponse)
    network = MessageSet()
    # Next == \/ \E b \in Ballot : \/ PrepareReq(b)
    #                              \/ \E v \in Values : AcceptReq(b, v)
    #         \/ \E a \in Acceptors : PrepareRsp(a) \/ AcceptRsp(a)
    next = ((Proposer.prepare_req, Proposer.accept_req),
            (AcceptorNode.prepare_rsp, AcceptorNode.accept_rsp))
    symmetry_sets = ("acceptors",)

    def setup(self) -> None:
        # Quorums == {S \in SUBSET Acceptors : Cardinality(S) > Cardinality(Acceptors \ S)}
        n = self.acceptors
        self.quorums = [frozenset(q) for size in range(n // 2 + 1, n + 1)
                        for q in combinations(range(n), size)]

    def mutator(self, b: int, v: int) -> int:
        """The MC's Mutator(b, v) == (1 + b*v) % 4, over this bound's values."""
        return (1 + b * v) % self.values

    # -- what is committed ---------------------------------------------------------

    def values_at(self, state: tuple, b: int) -> set[int]:
        """ValuesAt(b): InitialValue for ballot 0; else the new value of each
        accept request of ballot b, once some acceptor accepted ballot b."""
        if b == 0:
            return {INITIAL_VALUE}
        if not any(m.accepted == b for m in self.sent(state, AcceptResponse)):
            return set()
        return {m.new_val for m in self.sent(state, AcceptRequest) if m.bal == b}

    def committed_ballots(self, state: tuple) -> list[int]:
        """CommittedBallots: the ballots a quorum accepted (AcceptedByQuorum),
        and 0, in order."""
        accepted_by: dict[int, set[int]] = {}
        for m in self.sent(state, AcceptResponse):
            accepted_by.setdefault(m.accepted, set()).add(m.acc)
        return sorted({0} | {b for b, accs in accepted_by.items()
                             if any(q <= accs for q in self.quorums)})

    # -- properties: DesiredProperties's three conjuncts -------------------------------

    @invariant("TypeOK")
    def type_ok(self, state):
        """Each acceptor's ballots are ballots and its value a value, and so
        are those of every message."""
        ballots, values = range(self.ballots), range(self.values)
        for a, r in enumerate(self.records(state, AcceptorNode)):
            if r.prepared not in ballots or r.accepted not in ballots:
                return Fails(f"{Acceptor.name_of(a)}'s ballots {r.prepared}, {r.accepted} "
                             "are not all ballots")
            if r.value not in values:
                return Fails(f"{Acceptor.name_of(a)}'s value {r.value} is not a value")
        for m in self.sent(state, AcceptRequest):
            if m.new_val not in values:
                return Fails(f"the accept request of ballot {m.bal} carries {m.new_val}, "
                             "which is not a value")
        for m in self.sent(state, PrepareResponse):
            if m.accepted not in ballots or m.val not in values:
                return Fails(f"{Acceptor.name_of(m.acc)}'s response to ballot {m.promised} "
                             f"reports {m.val} at ballot {m.accepted}, not a value at a ballot")
        return True

    @invariant("OnlyOneValuePerBallot")
    def only_one_value_per_ballot(self, state):
        """\\A b \\in Ballot : Cardinality(ValuesAt(b)) \\leq 1"""
        for b in range(self.ballots):
            at = self.values_at(state, b)
            if len(at) > 1:
                return Fails(f"ballot {b} was accepted with values "
                             f"{', '.join(map(str, sorted(at)))}")
        return True

    @invariant("MutationsLineUp")
    def mutations_line_up(self, state):
        """Each committed ballot's value is Mutator of its ballot and the
        value of the last ballot committed before it."""
        committed = self.committed_ballots(state)
        for previous, b in pairwise(committed):
            new_val = min(self.values_at(state, b))         # UnwrapSingleton
            old_val = min(self.values_at(state, previous))
            if new_val != self.mutator(b, old_val):
                return Fails(f"ballot {b} committed {new_val}, but the last ballot committed "
                             f"before it, {previous}, holds {old_val}, and Mutator({b}, "
                             f"{old_val}) = {self.mutator(b, old_val)}")
        return True


# -- mutants: one handler each ---------------------------------------------------------


@CASPaxos.mutant("no_adopt", "AcceptReq mutates any value, not the one accepted at the "
                             "highest ballot a quorum reports (Paxos's phase 2 without "
                             "phase 1's lesson) → MutationsLineUp at the first commit")
class ProposerIgnoringAccepted(Proposer):
    def latest_is(self, responses, v) -> bool:
        return True  # the bug: any value will do


@CASPaxos.mutant("accept_request_again", "AcceptReq is not sent once a ballot: quorums "
                                         "reporting different values give one ballot two "
                                         "new values → OnlyOneValuePerBallot")
class ProposerSendingAgain(Proposer):
    def accept_req(self, v, prepare_rsps, accept_reqs):
        return super().accept_req(v, prepare_rsps, ())  # the bug: no ~\E accept-req for b


@CASPaxos.mutant("mutator_unbounded", "AcceptReq sends 1 + b*v, the MC's Mutator without "
                                      "its % 4, which leaves the values → TypeOK")
class ProposerWithoutModulo(Proposer):
    def accept_req(self, v, prepare_rsps, accept_reqs):
        sent = super().accept_req(v, prepare_rsps, accept_reqs)
        return sent and [m._replace(new_val=1 + m.bal * v) for m in sent]  # the bug: no % values

