"""Single-decree Paxos as it is taught: proposers, acceptors and learners
exchanging PREPARE, PROMISE, NACK, ACCEPT and ACCEPTED over a faulty network.

Follows Lamport's "Paxos Made Simple" (2001), section 2, with the
optimisation it suggests there: an acceptor that turns a request down tells
the proposer (a NACK), who abandons that proposal. Written with the model
kit (`models.kit`): one handler per rule below.

- Proposer ``p`` proposes its own value ``v<p>``. Its proposal numbers are
  ``round * proposers + p``: unique across proposers and increasing. In a
  round it sends PREPARE(n) to every acceptor, collects PROMISE(n,
  accepted_n, accepted_v) from a majority, then sends ACCEPT(n, v) to every
  acceptor, where ``v`` is the value of the highest-numbered proposal those
  promises report, or its own value if they report none.
- Acceptor ``a`` keeps ``promised`` and its last acceptance ``(accepted_n,
  accepted_v)``, all initially none (-1), on stable storage. It promises a
  PREPARE(n) when ``n >= promised``, and accepts an ACCEPT(n, v) when
  ``n >= promised`` (raising its promise to n), sending ACCEPTED(n, v) to
  every learner. Below its promise it answers either request with
  NACK(n, promised).
- A proposer that receives a NACK for its current number abandons it; its
  next round is the first one numbered above the promise the NACK reports,
  if it has one left (``rounds`` per proposer). It starts that round with a
  Prepare step of its own.
- A learner learns ``v`` on ACCEPTED(n, v) from a majority of acceptors for
  the same ``n``; after that it ignores ACCEPTED messages.
- A message that can no longer matter (a PROMISE or NACK for a number its
  proposer has left, an ACCEPTED for a learner that has learned) is still
  delivered, with no effect but leaving the network.

Quorums: "a majority" above is the default ``quorum`` rule; another rule
counts promises by its phase-1 quorums and acceptances by its phase-2 ones.
A rule two of whose quorums need not meet is allowed only in a spec that
expects Agreement to fail (`check_sound`), as the `non_intersecting_quorums`
mutant does.

Network: the kit's `Bag` (multiset) of messages in flight, each addressed
to one node and delivered in any order. Faults, each with a budget for the
whole run (0 switches it off): the bag's `Drop` loses a message and
`Duplicate` copies one; `Restart` (the kit's ``@on_restart``) crashes an
acceptor and brings it back with its promise and acceptance kept, as stable
storage keeps them. A crash and the restart are one step: while an acceptor
is down its messages wait in the bag, which is no different from the
acceptor not being scheduled. So a restart changes nothing but the budget;
the `forgetful_acceptor` mutant is what makes it matter. A spec may run it
on another network (``network: set``, ``fifo`` or a bag with its own
budgets): every message names both ends. The spec's budgets then replace
``drop`` and ``duplicate``, and ``max_msgs`` bounds a bag only.

Bound: ``max_msgs`` is the bag's capacity, a guard, not a state constraint
(`within_bounds` is not used). A step that would leave more than
``max_msgs`` messages in flight is not enabled (the network is full and
the sender waits), so every stored state has at most ``max_msgs`` messages
and all of them are expanded.

Symmetric sets: ``acceptors`` (as far as the quorum rule treats them
alike; majorities treat all alike) and ``learners``; renaming and canonical
forms are the kit's, derived from the fields typed `Acceptor` and `Learner`.
Proposers are not interchangeable: p numbers its proposals ``round *
proposers + p`` and numbers are ordered, so which of two racing proposers
wins, and which value a proposer adopts when two reported acceptances tie
on the number (the ``duplicate_ballots`` mutant), depends on their names.
Values are not either: ``v<p>`` belongs to proposer p, so renaming values
alone would have a proposer propose another's value, and renaming them with
their proposers is not a symmetry, as just said.

Where it deliberately differs from the textbook wording:

- An acceptor answers PREPARE(n) with ``n == promised`` by promising again
  instead of with a NACK. With unique numbers such a PREPARE is a duplicate
  or a retransmission from the proposer it already promised, and answering
  it is how real acceptors survive lost PROMISEs. It is also what makes
  unique numbers necessary: were the rule strictly ``n > promised``, each
  acceptor would promise a number to one proposer only, two proposers
  could never both gather a majority for the same number, and the
  `duplicate_ballots` mutant would be harmless (the tests check this).
- A proposer retries only after a NACK (there is no timeout): a proposer
  whose messages were all lost stalls, which is safe; liveness is not
  checked.

History variable, not part of the protocol, for the properties: each
acceptor's ``votes``, the ``(n, v)`` acceptances it ever made (as the 2b
messages of Lamport's TLA+ specification); a restart keeps it, whatever
the acceptor forgets. "v is chosen" is defined from them: a quorum of
acceptors accepted ``v`` in the same proposal ``n``. A learner forgets the
ACCEPTED messages it heard once it has learned, so that the state does not
keep what can no longer matter.

Against the hand-compiled model this one replaced (kept as the test oracle
tests/models/paxos_textbook_hand.py): the same states, state for state, and
the same steps from each, in another order (role by role, node by node,
rather than by message). So the distinct-state counts, depths and shortest
counterexample lengths are the same, and where several shortest traces
exist the one reported may differ. Reports print messages as records
(``AcceptMsg(p0→a1, n=0, v=v0)``: nodes by name, the sender and receiver
as an arrow; fields typed `Value` and `Number` print values by name and
the sentinel as ``none``, as the old model did), the step receiving one
with its arrow (``ReceiveAccept(p0→a1, n=0, v=v0)``: the kit's rule for
the action of an ``@on`` handler), and the bag's faults as notes of the
network.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from checker import Fails, Param, ParamError, invariant, reachable
from checker.model import Note
from models import register
from models.kit import ActorModel, Bag, Node, ids, on, on_restart, step, values
from models.kit.memo import Memo
from models.quorum import (QUORUM_SCHEMA, Threshold, interchangeable_groups, quorum_system,
                           require_counted, require_intersecting)

Proposer = ids("proposers", "p", named=True)  # never renamed (see the module docstring)
Acceptor = ids("acceptors", "a", named=True)
Learner = ids("learners", "l", named=True)

NONE = -1  # no number, no value (an acceptor that has not promised or accepted)
Value = values("v", none=NONE)   # proposer p's value v<p>; prints v0, v1, none
Number = values("", none=NONE)   # a proposal number; prints 0, 1, none

# Proposer phases.
READY = "ready"          # will send PREPARE for its current round
PREPARING = "preparing"  # sent PREPARE(n), collecting promises
ACCEPTING = "accepting"  # sent ACCEPT(n, v)
STOPPED = "stopped"      # NACKed with no round left above the promise


def value_name(v: int) -> str:
    return "none" if v == NONE else f"v{v}"


def _accepted(n: int, v: int) -> str:
    return "none" if n == NONE else f"{n}:{value_name(v)}"


# -- the nodes' variables ---------------------------------------------------------------


class ProposerState(NamedTuple):
    """A proposer in its current round: the acceptors that promised its
    number, the highest ``(accepted_n, accepted_v)`` they reported, and the
    value it sent in ACCEPT."""

    round: int = 0
    phase: str = READY
    promised_by: frozenset[Acceptor] = frozenset()
    highest: tuple[Number, Value] = (NONE, NONE)
    proposal: Value = NONE


class AcceptorState(NamedTuple):
    """What an acceptor keeps on stable storage, and the history ``votes``."""

    promised: Number = NONE
    accepted_n: Number = NONE
    accepted_v: Value = NONE
    votes: frozenset[tuple[int, Value]] = frozenset()


class LearnerState(NamedTuple):
    """The value learned, and the ``(n, v, a)`` of ACCEPTED messages heard
    until then."""

    learned: Value = NONE
    heard: frozenset[tuple[int, Value, Acceptor]] = frozenset()


# -- messages ----------------------------------------------------------------------------


class PrepareMsg(NamedTuple):
    """PREPARE(n), proposer p to acceptor a."""

    n: int
    p: Proposer
    a: Acceptor
    src, dst = "p", "a"


class PromiseMsg(NamedTuple):
    """PROMISE(n, accepted_n, accepted_v), acceptor a to proposer p."""

    n: int
    a: Acceptor
    p: Proposer
    accepted_n: Number
    accepted_v: Value
    src, dst = "a", "p"


class NackMsg(NamedTuple):
    """NACK(n, promised), acceptor a to proposer p."""

    n: int
    a: Acceptor
    p: Proposer
    promised: int
    src, dst = "a", "p"


class AcceptMsg(NamedTuple):
    """ACCEPT(n, v), proposer p to acceptor a."""

    n: int
    p: Proposer
    a: Acceptor
    v: Value
    src, dst = "p", "a"


class AcceptedMsg(NamedTuple):
    """ACCEPTED(n, v), acceptor a to learner l."""

    n: int
    a: Acceptor
    l: Learner
    v: Value
    src, dst = "a", "l"


# -- actions: the node, then what it acts on -------------------------------------------


class Prepare(NamedTuple):
    """A ready proposer starts its round, numbered n: PREPARE(n) to every acceptor."""

    p: Proposer
    n: int


class ReceivePrepare(NamedTuple):
    at: Acceptor
    n: int
    p: Proposer
    a: Acceptor


class ReceivePromise(NamedTuple):
    at: Proposer
    n: int
    a: Acceptor
    p: Proposer
    accepted_n: Number
    accepted_v: Value


class ReceiveNack(NamedTuple):
    at: Proposer
    n: int
    a: Acceptor
    p: Proposer
    promised: int


class ReceiveAccept(NamedTuple):
    at: Acceptor
    n: int
    p: Proposer
    a: Acceptor
    v: Value


class ReceiveAccepted(NamedTuple):
    at: Learner
    n: int
    a: Acceptor
    l: Learner
    v: Value


class Restart(NamedTuple):
    """Acceptor a crashes and restarts (fault budget `crash`)."""

    a: Acceptor


# -- the nodes ---------------------------------------------------------------------------


class ProposerNode(Node):
    ids = Proposer
    state = ProposerState

    def number(self, s: ProposerState) -> int:
        return self.model.numbers[self.id][s.round]

    @step(Prepare, choose="proposal_numbers")
    def prepare(self, s, n):
        """Phase 1a: a ready proposer sends PREPARE(n), n its current round's
        number, to every acceptor."""
        if s.phase != READY or n != self.number(s):
            return None
        return ProposerState(s.round, PREPARING), [
            PrepareMsg(n, self.id, a) for a in range(self.model.acceptors)]

    @on(PromiseMsg, ReceivePromise)
    def receive_promise(self, s, m):
        """Phase 2a: with promises for its current number from a quorum, send
        ACCEPT(n, v) to every acceptor, v the value of the highest-numbered
        acceptance reported, or its own. A stale or repeated PROMISE has no
        effect."""
        if s.phase != PREPARING or m.n != self.number(s) or m.a in s.promised_by:
            return s, []
        promised_by = s.promised_by | {m.a}
        highest = max(s.highest, (m.accepted_n, m.accepted_v))
        if not self.model.quorums.phase1.is_quorum(promised_by):
            return s._replace(promised_by=promised_by, highest=highest), []
        v = self.value_to_propose(highest)
        return ProposerState(s.round, ACCEPTING, proposal=v), [
            AcceptMsg(m.n, self.id, a, v) for a in range(self.model.acceptors)]

    def value_to_propose(self, highest: tuple[int, int]) -> int:
        """The value of the highest acceptance reported, or its own."""
        return highest[1] if highest[0] != NONE else self.id

    @on(NackMsg, ReceiveNack)
    def receive_nack(self, s, m):
        """A NACK for its current number: abandon it; get ready for the first
        round numbered above the promise reported, or stop if none is left."""
        if s.phase not in (PREPARING, ACCEPTING) or m.n != self.number(s):
            return s, []
        numbers, following = self.model.numbers[self.id], s.round + 1
        while following < len(numbers) and numbers[following] <= m.promised:
            following += 1
        if following < len(numbers):
            return ProposerState(following, READY), []
        return ProposerState(s.round, STOPPED), []


class AcceptorNode(Node):
    ids = Acceptor
    state = AcceptorState

    @on(PrepareMsg, ReceivePrepare)
    def receive_prepare(self, s, m):
        """Phase 1b: promise n if ``n >= promised``, reporting the last
        acceptance; else NACK(n, promised)."""
        if m.n >= s.promised:
            return s._replace(promised=m.n), [
                PromiseMsg(m.n, self.id, m.p, s.accepted_n, s.accepted_v)]
        return s, [NackMsg(m.n, self.id, m.p, s.promised)]

    @on(AcceptMsg, ReceiveAccept)
    def receive_accept(self, s, m):
        """Phase 2b: accept (n, v) if ``n >= promised``; else NACK(n, promised)."""
        if m.n >= s.promised:
            return self.accept(s, m)
        return s, [NackMsg(m.n, self.id, m.p, s.promised)]

    def accept(self, s, m):
        """Accept (n, v), raising the promise to n, and tell every learner."""
        return AcceptorState(max(s.promised, m.n), m.n, m.v, s.votes | {(m.n, m.v)}), [
            AcceptedMsg(m.n, self.id, l, m.v) for l in range(self.model.learners)]

    @on_restart(Restart, budget="crash")
    def restart(self, s):
        """Crash and restart: stable storage keeps the promise and acceptance."""
        return s


class LearnerNode(Node):
    ids = Learner
    state = LearnerState

    @on(AcceptedMsg, ReceiveAccepted)
    def receive_accepted(self, s, m):
        """Learn v once a quorum sent ACCEPTED(n, v) for the same n; a learner
        that has learned ignores the rest."""
        if s.learned != NONE:
            return s, []
        heard = s.heard | {(m.n, m.v, m.a)}
        senders = {a for n, v, a in heard if n == m.n and v == m.v}
        if self.model.quorums.phase2.is_quorum(senders):
            return LearnerState(m.v), []
        return LearnerState(NONE, heard), []


# -- the model ---------------------------------------------------------------------------


@register
class PaxosTextbook(ActorModel):
    name = "paxos-textbook"
    summary = ("single-decree Paxos with proposers, acceptors and learners over a "
               "lossy, duplicating, reordering network (Paxos Made Simple)")
    params = (
        Param("proposers", 2, "proposers; proposer p proposes value v<p>", minimum=1, maximum=9),
        Param("acceptors", 3, "acceptors", minimum=1, maximum=9),
        Param("learners", 1, "learners", minimum=1, maximum=9),
        Param("rounds", 1, "rounds (proposal numbers) per proposer", minimum=1, maximum=9),
        Param("max_msgs", 4, "messages in flight at most; a step that would send more "
              "waits (a guard, not a state constraint)", minimum=1, maximum=64),
        # Budgets far past what a search can reach; a bound keeps 10**30 out.
        Param("drop", 1, "messages the network may lose in a run (0: none)", minimum=0,
              maximum=64),
        Param("duplicate", 1, "messages the network may duplicate in a run (0: none)",
              minimum=0, maximum=64),
        Param("crash", 1, "acceptor crash-restarts in a run (0: none)", minimum=0,
              maximum=64),
        Param("quorum", "majority", "the quorum rule over acceptors: promises are counted "
              "by its phase-1 quorums, acceptances (learning, choosing) by its phase-2 "
              "quorums; every two must intersect", schema=QUORUM_SCHEMA),
    )
    roles = (ProposerNode, AcceptorNode, LearnerNode)
    messages = (PrepareMsg, PromiseMsg, NackMsg, AcceptMsg, AcceptedMsg)
    network = Bag(drop="drop", duplicate="duplicate", capacity="max_msgs")
    # every message names both ends, so a spec may run it over FIFO links or
    # inboxes too
    network_choices = ("bag", "set", "fifo", "inbox")
    # the steps in the order of the paper's phases: 1a, 1b, 2a (and NACKs), 2b, learning
    next = ((ProposerNode.prepare,), (AcceptorNode.receive_prepare,),
            (ProposerNode.receive_promise, ProposerNode.receive_nack),
            (AcceptorNode.receive_accept,), (LearnerNode.receive_accepted,))
    symmetry_sets = ("acceptors", "learners")

    def setup(self) -> None:
        if self.max_msgs < self.acceptors:
            raise ParamError("params.max_msgs", f"must be at least acceptors "
                             f"({self.acceptors}): a proposer sends PREPARE to every "
                             f"acceptor at once; use max_msgs: {self.acceptors}")
        self.quorums = self.quorum_system()
        require_counted(self.quorums, 'paxos-textbook')
        # numbers[p][round]; every number any proposer may use is a choice of Prepare
        self.numbers = tuple(tuple(self.number(p, r) for r in range(self.rounds))
                             for p in range(self.proposers))
        self.proposal_numbers = sorted({n for row in self.numbers for n in row})
        self._chosen = Memo(self._chosen_by)

    def quorum_system(self):
        return quorum_system(self.quorum, self.acceptors)

    def number(self, p: int, round_: int) -> int:
        """Proposer p's proposal number in a round: unique and increasing."""
        return round_ * self.proposers + p

    def check_sound(self) -> None:
        """Every phase-1 quorum meets every phase-2 quorum, else no proposer can
        learn of a value chosen before it; `ParamError` names a disjoint pair."""
        require_intersecting(self.quorums)

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """Acceptors as far as the quorum rule treats them alike; learners all."""
        return {"acceptors": [list(group) for group in interchangeable_groups(self.quorums)],
                "learners": [list(range(self.learners))]}

    # -- reading a state -------------------------------------------------------------------

    def proposer(self, state: tuple, p: int) -> ProposerState:
        return self.record(state, ProposerNode, p)

    def acceptor(self, state: tuple, a: int) -> AcceptorState:
        return self.record(state, AcceptorNode, a)

    def learned(self, state: tuple) -> list[int]:
        """What each learner learned (NONE: nothing yet)."""
        return [learner.learned for learner in self.records(state, LearnerNode)]

    def chosen(self, state: tuple) -> dict[int, tuple[int, frozenset]]:
        """Each chosen value, with the lowest proposal number in which a quorum
        of acceptors accepted it and that quorum."""
        return self._chosen[self.records(state, AcceptorNode)]

    def _chosen_by(self, acceptors: tuple) -> dict[int, tuple[int, frozenset]]:
        by_proposal: dict[tuple[int, int], set[int]] = {}
        for a, acceptor in enumerate(acceptors):
            for n, v in acceptor.votes:
                by_proposal.setdefault((n, v), set()).add(a)
        found: dict[int, tuple[int, frozenset]] = {}
        for (n, v), voters in sorted(by_proposal.items()):
            if v not in found and self.quorums.phase2.is_quorum(voters):
                found[v] = (n, frozenset(voters))
        return found

    # -- properties ------------------------------------------------------------------------

    @invariant("Agreement")
    def agreement(self, state: tuple):
        """At most one value is ever chosen (accepted by a quorum in one proposal)."""
        chosen = self.chosen(state)
        if len(chosen) > 1:
            return Fails(" and ".join(
                f"{value_name(v)} is chosen in proposal {n} by {_nodes('a', voters)}"
                for v, (n, voters) in sorted(chosen.items())))
        return True

    @invariant("Agreement (learners)")
    def learners_agree(self, state: tuple):
        """No two learners learn different values."""
        first: dict[int, int] = {}
        for l, v in enumerate(self.learned(state)):
            if v != NONE:
                first.setdefault(v, l)
        if len(first) > 1:
            return Fails(", ".join(f"l{l} learned {value_name(v)}"
                                   for v, l in sorted(first.items())))
        return True

    @invariant("Validity")
    def validity(self, state: tuple):
        """A chosen or learned value was proposed: it is the value of a
        proposer that has started proposing."""
        values = set(self.chosen(state)) | {v for v in self.learned(state) if v != NONE}
        if not values:
            return True
        proposed = {p for p, s in enumerate(self.records(state, ProposerNode))
                    if (s.round, s.phase) != (0, READY)}
        stray = sorted(values - proposed)
        if stray:
            return Fails(f"{', '.join(map(value_name, stray))} chosen or learned "
                         "but never proposed")
        return True

    @invariant("Learned implies chosen")
    def learned_implies_chosen(self, state: tuple):
        """A value a learner learned is chosen."""
        chosen = self.chosen(state)
        for l, v in enumerate(self.learned(state)):
            if v != NONE and v not in chosen:
                return Fails(f"l{l} learned {value_name(v)}, which is not chosen")
        return True

    @reachable("A value is chosen")
    def value_chosen(self, state: tuple) -> bool:
        return bool(self.chosen(state))

    @reachable("A proposer adopts another proposer's value")
    def adopts_value(self, state: tuple) -> bool:
        """The lecture race: a proposer's promises report an accepted value
        and it proposes that value, not its own."""
        return any(s.phase == ACCEPTING and s.proposal != p
                   for p, s in enumerate(self.records(state, ProposerNode)))

    @reachable("An acceptor NACKs")
    def acceptor_nacks(self, state: tuple) -> bool:
        return bool(self.sent(state, NackMsg))

    # -- reports ---------------------------------------------------------------------------

    def state_view(self, state: tuple) -> dict[str, Any]:
        """The kit's view (each node's fields, the bag, the budgets left),
        and what is chosen."""
        view = super().state_view(state)
        view["chosen"] = {value_name(v): f"in {n} by {_nodes('a', voters)}"
                          for v, (n, voters) in sorted(self.chosen(state).items())}
        return view

    def step_events(self, state: tuple, action: Any, next_state: tuple) -> list:
        """The kit's events (messages received and sent, a restart), then
        what changed at the node that took the step, for sequence charts."""
        notes = []
        for p in range(self.proposers):
            old, new = self.proposer(state, p), self.proposer(next_state, p)
            if (old.round, old.phase, old.proposal) != (new.round, new.phase, new.proposal):
                n = self.numbers[p][new.round]
                notes.append(Note(f"p{p}", {
                    READY: f"ready to prepare {n}", PREPARING: f"prepares {n}",
                    ACCEPTING: f"proposes {value_name(new.proposal)} in {n}",
                    STOPPED: "gives up: no round left"}[new.phase]))
        for a in range(self.acceptors):
            old, new = self.acceptor(state, a), self.acceptor(next_state, a)
            if old.promised != new.promised:
                notes.append(Note(f"a{a}", f"promised {new.promised}"))
            if old[1:3] != new[1:3]:
                notes.append(Note(f"a{a}", f"accepted {_accepted(*new[1:3])}"))
        for l in range(self.learners):
            old, new = self.record(state, LearnerNode, l), self.record(next_state, LearnerNode, l)
            if old.learned != new.learned:
                notes.append(Note(f"l{l}", f"learned {value_name(new.learned)}"))
        return list(super().step_events(state, action, next_state)) + notes


def _nodes(prefix: str, members) -> str:
    return ",".join(f"{prefix}{m}" for m in sorted(members)) or "none"


# -- mutants: each replaces one rule ------------------------------------------------------


@PaxosTextbook.mutant("no_adopt", "the proposer ignores the values reported in promises "
                                  "and proposes its own → Agreement")
class ProposerIgnoringReports(ProposerNode):
    def value_to_propose(self, highest):
        return self.id  # the bug: the reported acceptance is not adopted


@PaxosTextbook.mutant("accept_below_promise", "an acceptor accepts a proposal numbered "
                                              "below its promise → Agreement")
class AcceptorBreakingPromises(AcceptorNode):
    def receive_accept(self, s, m):
        return self.accept(s, m)  # the bug: no n >= promised


@PaxosTextbook.mutant("non_intersecting_quorums", "quorums are any ⌊N/2⌋ of N acceptors, "
                                                  "so two need not intersect → Agreement")
class PaxosWithSmallQuorums(PaxosTextbook):
    def quorum_system(self):
        if self.acceptors < 2:
            raise ParamError("params.acceptors", "must be at least 2 for "
                             "non_intersecting_quorums (⌊N/2⌋ of N)")
        return Threshold(self.acceptors, self.acceptors // 2)  # the bug: two can be disjoint


@PaxosTextbook.mutant("forgetful_acceptor", "a restarted acceptor forgets its promise and "
                                            "acceptance → Agreement")
class ForgetfulAcceptor(AcceptorNode):
    def restart(self, s):
        return AcceptorState(votes=s.votes)  # the bug: nothing on stable storage


@PaxosTextbook.mutant("duplicate_ballots", "proposal numbers are the round alone, so two "
                                           "proposers may use the same number → Agreement")
class PaxosWithDuplicateBallots(PaxosTextbook):
    def number(self, p, round_):
        return round_  # the bug: every proposer numbers its first round 0


@PaxosTextbook.mutant("value_off_by_one", "the proposer sends the value after the one it "
                                          "chose (an off-by-one in the value index) → Validity")
class ProposerOffByOne(ProposerNode):
    def value_to_propose(self, highest):
        return super().value_to_propose(highest) + 1  # the bug


@PaxosTextbook.mutant("learner_without_quorum", "a learner learns a value from the first "
                                                "ACCEPTED it hears, without waiting for a "
                                                "quorum → Learned implies chosen")
class HastyLearner(LearnerNode):
    def receive_accepted(self, s, m):
        if s.learned != NONE:
            return s, []
        return LearnerState(m.v), []  # the bug: one acceptance is taken for a quorum's
