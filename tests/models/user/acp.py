"""Atomic commitment (Babaoglu and Toueg, "Non-Blocking Atomic Commitment",
in Mullender, Distributed Systems, 2nd ed., 1993, ch. 6), written as a user
would from the TLA+ examples' specifications/acp (Charpentier and Merz;
tlaplus/Examples 32a32c7): ACP_SB.tla, the protocol with a simple
broadcast (`AcpSB`), ACP_NB.tla, the non-blocking one whose participants
forward the decision before delivering it (`AcpNB`), and ACP_NB_WRONG_TLC.tla,
the spec's own wrong variant that delivers first (`AcpNB`'s mutant
``deliver_before_forward``).

A plain `checker.Model` and not the kit: the spec is one of shared
variables, not of messages. Its actions read other processes' variables
directly (getVote reads ``participant[i].voteSent`` and ``.vote``,
detectFault ``participant[i].alive``, decide ``coordinator.broadcast[i]``,
abortOnTimeout every participant's ``alive`` and ``forward``): failure
detection is "magic" (the spec's words), a guard on another process's
``alive``, which no kit handler, reading its own record and one message,
can express.

The variables as the spec names them: ``participant[i]``, a record of vote
(yes, no), alive, decision (undecided, commit, abort), faulty and voteSent,
and in ACP_NB a ``forward`` function (notsent, commit, abort per
participant; ``forward[i]``, i's own, the predecision not yet delivered);
``coordinator``, a record of request, vote (waiting, yes, no) and broadcast
(notsent, commit, abort) per participant, decision, alive and faulty. The
constants are strings of their names. Participants ``p0`` .. ``pN-1``, as
the cfgs' model values; Init gives each a vote, yes or no.

One method per operator, in the spec's words (each returns the next state,
or None where the operator is not enabled), and a step per operator and
participant; `successors` takes them in the order TLC does (Next's
disjuncts in order, participants p0 first):

- ACP_SB: progN == parProgN \\/ coordProgN: for each i, parDie(i),
  sendVote(i), abortOnVote(i), abortOnTimeoutRequest(i), decide(i); then
  coordDie, makeDecision, and for each i request(i), getVote(i),
  detectFault(i), coordBroadcast(i). sendVote has no guard against sending
  twice: once sent it is a step to the same state, which TLC generates and
  so does this model. makeDecision's abort is one step here; TLC takes it
  once per participant voting no (``\\E j : coordinator.vote[j] = no``),
  so its generated counts are ours plus those copies (the tests count
  them).
- ACP_NB: progNNB == (\\E i, j : parDie(i) \\/ parProgNB(i, j)) \\/ coordProgN,
  parProgNB(i, j) being sendVote(i), abortOnVote(i), abortOnTimeoutRequest(i),
  forward(i, j), preDecideOnForward(i, j), abortOnTimeout(i), preDecide(i),
  decideNB(i). TLC takes the operators of i alone once per j, the same step
  N times: this model takes each once (at the first j, where TLC first
  does), so the distinct states and depths are TLC's and the generated
  states fewer. decideNB has no guard against deciding again: a step to the
  same state once decided, generated as in TLC.

Fairness: Spec's ``\\A i : WF(parProg(i))`` and ``WF(coordProgB)``, the death
transitions unfair, are the families ``"SendVote(i=*) | AbortOnVote(i=*) |
AbortOnTimeoutRequest(i=*) | Decide(i=*)"`` and ``"MakeDecision | Request |
GetVote | DetectFault | CoordBroadcast"`` (`SB_FAIRNESS`); SpecNB's
``WF(\\E j : parProgNB(i, j))`` is `NB_FAIRNESS` (ACP_NB_WRONG's
`WRONG_FAIRNESS`). A step to the same state
(sendVote again, decideNB again) is no step of WF's ``<<A>>_vars``, as the
engine takes it.

Properties, the spec's names: TypeInv (APACP_SB.cfg's invariant; ACP_NB's
TypeInvNB with forward), AC1, AC2, AC3_1 (invariants: ``[]P``), AC4_alt
(the TLC module's ``[][...]_<<participant>>``, a step property: a decision
once commit or abort stays so), AC3_2 and AC5 (``<>``), the intermediate
FaultyStable (``[](faulty => []faulty)``, each participant and the
coordinator apart), VoteStable (``[](vote = yes) \\/ [](vote = no)``: a vote
never changes, a step property, the same behaviours since a vote is always
yes or no), StrongerAC2, StrongerAC3_1, NoRecovery, and the spec's invalid
ones, to see a checker find them: DecisionReachedNoFault (``~>``),
AbortImpliesNoVote, and ACP_NB's AllCommit and AllAbort (``\\A i : <>...``,
each participant apart) and AllCommitYesVotes (``~>``, each apart). The
invariants the cfgs check are the defaults; the others are named.

Symmetry: the cfgs' (commented) ``SYMMETRY Perms``, Permutations(participants),
is the set "participants", derived from the types (`Symmetric`).

Where this port differs from the text: none in behaviour; TLC's generated
counts, as said. Two findings about the text: ACP_NB_WRONG's forward(i, j)
is guarded by ``participant[i].decision # notsent``, true of every
decision, so an undecided participant forwards "undecided" (TypeInvNB
fails after one step, in TLC as here; a dead participant's undecided
forward keeps abortOnTimeout disabled for good, so AC5 fails too, as TLC
finds); and the three cfgs as published do not load in TLC 2.15 (rev
d5b5a7f), which reads their CHECK_DEADLOCK FALSE as one more name under
PROPERTIES ("The property CHECK_DEADLOCK ... is not defined"): TLC ran them
without that line, with ``-deadlock``.
"""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

from checker import Fails, Model, Param, eventually, invariant, leads_to, transition
from checker.properties import once_always
from models.kit import Symmetric, ids, indexed_by

Participant = ids("participants", "p", named=True)   # the cfgs' model values p0, p1, ...

YES, NO = "yes", "no"
UNDECIDED, COMMIT, ABORT = "undecided", "commit", "abort"
WAITING, NOTSENT = "waiting", "notsent"

SB_FAIRNESS = ["SendVote(i=*) | AbortOnVote(i=*) | AbortOnTimeoutRequest(i=*) | Decide(i=*)",
               "MakeDecision | Request | GetVote | DetectFault | CoordBroadcast"]
NB_FAIRNESS = [("SendVote(i=*) | AbortOnVote(i=*) | AbortOnTimeoutRequest(i=*) | Forward(i=*)"
                " | PreDecideOnForward(i=*) | AbortOnTimeout(i=*) | PreDecide(i=*)"
                " | DecideNB(i=*)"),
               SB_FAIRNESS[1]]
WRONG_FAIRNESS = [("SendVote(i=*) | AbortOnVote(i=*) | AbortOnTimeoutRequest(i=*) | Decide(i=*)"
                   " | Forward(i=*) | DecideOnForward(i=*) | AbortOnTimeout(i=*)"),
                  SB_FAIRNESS[1]]


class ParticipantSB(NamedTuple):
    """participant[i] of ACP_SB."""

    vote: str
    alive: bool = True
    decision: str = UNDECIDED
    faulty: bool = False
    vote_sent: bool = False


class ParticipantNB(NamedTuple):
    """participant[i] of ACP_NB: ACP_SB's and ``forward``."""

    vote: str
    alive: bool = True
    decision: str = UNDECIDED
    faulty: bool = False
    vote_sent: bool = False
    forward: indexed_by(Participant, str) = ()


class Coordinator(NamedTuple):
    request: indexed_by(Participant, bool)
    vote: indexed_by(Participant, str)
    broadcast: indexed_by(Participant, str)
    decision: str = UNDECIDED
    alive: bool = True
    faulty: bool = False


class State(NamedTuple):
    participant: indexed_by(Participant, ParticipantSB)
    coordinator: Coordinator


class StateNB(NamedTuple):
    participant: indexed_by(Participant, ParticipantNB)
    coordinator: Coordinator


# -- the steps: one per operator (and participant) -------------------------------------


class ParDie(NamedTuple):
    i: Participant


class SendVote(NamedTuple):
    i: Participant


class AbortOnVote(NamedTuple):
    i: Participant


class AbortOnTimeoutRequest(NamedTuple):
    i: Participant


class Decide(NamedTuple):
    i: Participant


class CoordDie(NamedTuple):
    pass


class MakeDecision(NamedTuple):
    pass


class Request(NamedTuple):
    i: Participant


class GetVote(NamedTuple):
    i: Participant


class DetectFault(NamedTuple):
    i: Participant


class CoordBroadcast(NamedTuple):
    i: Participant


class Forward(NamedTuple):
    i: Participant
    j: Participant


class PreDecideOnForward(NamedTuple):
    i: Participant
    j: Participant


class AbortOnTimeout(NamedTuple):
    i: Participant


class PreDecide(NamedTuple):
    i: Participant


class DecideNB(NamedTuple):
    i: Participant


class DecideOnForward(NamedTuple):
    i: Participant
    j: Participant


def _with(values: tuple, k: int, value) -> tuple:
    return values[:k] + (value,) + values[k + 1:]


class AcpSB(Symmetric, Model):
    name = "acp-sb"
    summary = "atomic commitment with a simple broadcast (ACP_SB.tla)"
    params = (Param("participants", 3, "participants p0 .. pN-1 (the cfg's {p0, p1, p2})",
                    minimum=1, maximum=6),)
    actions = (ParDie, SendVote, AbortOnVote, AbortOnTimeoutRequest, Decide, CoordDie,
               MakeDecision, Request, GetVote, DetectFault, CoordBroadcast)
    state_type = State
    symmetry_sets = ("participants",)   # SYMMETRY Perms == Permutations(participants)
    participant_type = ParticipantSB
    #: parProg(i), in its order (parDie(i) first: parDie(i) \/ parProg(i))
    participant_steps = (("par_die", ParDie), ("send_vote", SendVote),
                         ("abort_on_vote", AbortOnVote),
                         ("abort_on_timeout_request", AbortOnTimeoutRequest),
                         ("decide", Decide))
    #: coordProgA(i), in its order
    coordinator_steps = (("request", Request), ("get_vote", GetVote),
                         ("detect_fault", DetectFault), ("coord_broadcast", CoordBroadcast))

    def setup(self) -> None:
        self.everyone = range(self.participants)

    # -- Init ------------------------------------------------------------------------

    def initial_states(self):
        """Init: each participant alive, undecided, its vote not sent, with a
        vote yes or no; the coordinator alive, undecided, having requested,
        received and broadcast nothing."""
        n = self.participants
        coordinator = Coordinator(request=(False,) * n, vote=(WAITING,) * n,
                                  broadcast=(NOTSENT,) * n)
        for votes in product((YES, NO), repeat=n):
            yield self.state_type(tuple(self.new_participant(v) for v in votes), coordinator)

    def new_participant(self, vote: str):
        return ParticipantSB(vote)

    # -- shorthand for EXCEPT ----------------------------------------------------------

    def par(self, s, i: int, **changes):
        """[participant EXCEPT ![i] = [@ EXCEPT !.field = value, ...]]"""
        return s._replace(participant=_with(s.participant, i,
                                            s.participant[i]._replace(**changes)))

    def coord(self, s, **changes):
        """[coordinator EXCEPT !.field = value, ...]"""
        return s._replace(coordinator=s.coordinator._replace(**changes))

    # -- the coordinator's statements ------------------------------------------------------

    def request(self, s, i: int):
        """request(i): the alive coordinator sends its vote request to i."""
        c = s.coordinator
        if not c.alive or c.request[i]:
            return None
        return self.coord(s, request=_with(c.request, i, True))

    def get_vote(self, s, i: int):
        """getVote(i): the alive, undecided coordinator, having requested
        every vote and waiting for i's, records the vote i sent."""
        c, p = s.coordinator, s.participant[i]
        if not (c.alive and c.decision == UNDECIDED and all(c.request)
                and c.vote[i] == WAITING and p.vote_sent):
            return None
        return self.coord(s, vote=_with(c.vote, i, p.vote))

    def detect_fault(self, s, i: int):
        """detectFault(i): the alive, undecided coordinator, having requested
        every vote and waiting for i's, finds i dead without having sent it,
        times out and aborts."""
        c, p = s.coordinator, s.participant[i]
        if not (c.alive and c.decision == UNDECIDED and all(c.request)
                and c.vote[i] == WAITING and not p.alive and not p.vote_sent):
            return None
        return self.coord(s, decision=ABORT)

    def make_decision(self, s):
        """makeDecision: the alive, undecided coordinator holding every vote
        commits if all are yes, else aborts."""
        c = s.coordinator
        if not (c.alive and c.decision == UNDECIDED and all(v in (YES, NO) for v in c.vote)):
            return None
        return self.coord(s, decision=COMMIT if all(v == YES for v in c.vote) else ABORT)

    def coord_broadcast(self, s, i: int):
        """coordBroadcast(i): the alive coordinator that decided sends its
        decision to i (the simple broadcast, one participant a step)."""
        c = s.coordinator
        if not (c.alive and c.decision != UNDECIDED and c.broadcast[i] == NOTSENT):
            return None
        return self.coord(s, broadcast=_with(c.broadcast, i, c.decision))

    def coord_die(self, s):
        """coordDie: the alive coordinator dies and is faulty."""
        if not s.coordinator.alive:
            return None
        return self.coord(s, alive=False, faulty=True)

    # -- the participants' statements --------------------------------------------------

    def send_vote(self, s, i: int):
        """sendVote(i): an alive participant asked for its vote sends it
        (again, as the spec allows: then nothing changes)."""
        if not (s.participant[i].alive and s.coordinator.request[i]):
            return None
        return self.par(s, i, vote_sent=True)

    def abort_on_vote(self, s, i: int):
        """abortOnVote(i): an alive, undecided participant that sent a no
        vote aborts unilaterally."""
        p = s.participant[i]
        if not (p.alive and p.decision == UNDECIDED and p.vote_sent and p.vote == NO):
            return None
        return self.par(s, i, decision=ABORT)

    def abort_on_timeout_request(self, s, i: int):
        """abortOnTimeoutRequest(i): an alive, undecided participant whose
        coordinator died before requesting its vote aborts."""
        p, c = s.participant[i], s.coordinator
        if not (p.alive and p.decision == UNDECIDED and not c.alive and not c.request[i]):
            return None
        return self.par(s, i, decision=ABORT)

    def decide(self, s, i: int):
        """decide(i): an alive, undecided participant that received the
        coordinator's decision takes it."""
        p, sent = s.participant[i], s.coordinator.broadcast[i]
        if not (p.alive and p.decision == UNDECIDED and sent != NOTSENT):
            return None
        return self.par(s, i, decision=sent)

    def par_die(self, s, i: int):
        """parDie(i): an alive participant dies and is faulty."""
        if not s.participant[i].alive:
            return None
        return self.par(s, i, alive=False, faulty=True)

    # -- Next --------------------------------------------------------------------------

    def successors(self, s):
        yield from self.participants_progress(s)
        yield from self.coordinator_progress(s)

    def participants_progress(self, s):
        """parProgN == \\E i : parDie(i) \\/ parProg(i)"""
        for i in self.everyone:
            for operator, action in self.participant_steps:
                t = getattr(self, operator)(s, i)
                if t is not None:
                    yield action(i), t

    def coordinator_progress(self, s):
        """coordProgN == coordDie \\/ makeDecision \\/ \\E i : coordProgA(i)"""
        for operator, action in (("coord_die", CoordDie), ("make_decision", MakeDecision)):
            t = getattr(self, operator)(s)
            if t is not None:
                yield action(), t
        for i in self.everyone:
            for operator, action in self.coordinator_steps:
                t = getattr(self, operator)(s, i)
                if t is not None:
                    yield action(i), t

    # -- properties: safety ------------------------------------------------------------

    @invariant("TypeInv")
    def type_inv(self, s):
        """Every variable within its type (APACP_SB.cfg's invariant;
        TypeInvNB with the forward functions)."""
        for i, p in enumerate(s.participant):
            if p.vote not in (YES, NO) or p.decision not in (UNDECIDED, COMMIT, ABORT):
                return Fails(f"{Participant.name_of(i)}'s vote or decision is {p.vote}, "
                             f"{p.decision}")
            for k, f in enumerate(getattr(p, "forward", ())):
                if f not in (NOTSENT, COMMIT, ABORT):
                    return Fails(f"{Participant.name_of(i)}'s forward[{Participant.name_of(k)}] "
                                 f"is {f}")
        c = s.coordinator
        if (any(v not in (WAITING, YES, NO) for v in c.vote)
                or any(b not in (COMMIT, ABORT, NOTSENT) for b in c.broadcast)
                or c.decision not in (COMMIT, ABORT, UNDECIDED)):
            return Fails(f"the coordinator is {c}")
        return True

    @invariant("AC1")
    def ac1(self, s):
        """All participants that decide reach the same decision."""
        committed = [i for i, p in enumerate(s.participant) if p.decision == COMMIT]
        aborted = [i for i, p in enumerate(s.participant) if p.decision == ABORT]
        if committed and aborted:
            return Fails(f"{Participant.name_of(committed[0])} committed and "
                         f"{Participant.name_of(aborted[0])} aborted")
        return True

    @invariant("AC2")
    def ac2(self, s):
        """If any participant decides commit, every participant voted yes."""
        committed = [i for i, p in enumerate(s.participant) if p.decision == COMMIT]
        against = [i for i, p in enumerate(s.participant) if p.vote != YES]
        if committed and against:
            return Fails(f"{Participant.name_of(committed[0])} committed, but "
                         f"{Participant.name_of(against[0])} voted no")
        return True

    @invariant("AC3_1")
    def ac3_1(self, s):
        """If any participant decides abort, some participant voted no, or is
        faulty, or the coordinator is."""
        aborted = [i for i, p in enumerate(s.participant) if p.decision == ABORT]
        if aborted and not self.some_no_or_fault(s):
            return Fails(f"{Participant.name_of(aborted[0])} aborted, with every vote yes "
                         "and no one faulty")
        return True

    def some_no_or_fault(self, s) -> bool:
        return (any(p.vote == NO or p.faulty for p in s.participant)
                or s.coordinator.faulty)

    @transition("AC4_alt")
    def ac4_alt(self, s, action, t):
        """A participant's decision, once commit or abort, stays so (the
        TLC module's [][...]_<<participant>>)."""
        for i, (p, q) in enumerate(zip(s.participant, t.participant)):
            if p.decision in (COMMIT, ABORT) and q.decision != p.decision:
                return Fails(f"{Participant.name_of(i)} decided {p.decision}, then "
                             f"{q.decision}")
        return True

    # -- intermediate properties (ACP_SB's, used in its proofs) -------------------------

    @once_always("FaultyStable", each="process")
    def faulty_stable(self, s):
        """\\A i : [](participant[i].faulty => []participant[i].faulty), and
        the same of the coordinator."""
        members = {Participant.name_of(i): (p.faulty, p.faulty)
                   for i, p in enumerate(s.participant)}
        members["coordinator"] = (s.coordinator.faulty, s.coordinator.faulty)
        return members

    @transition("VoteStable", default=False)
    def vote_stable(self, s, action, t):
        """\\A i : [](vote = yes) \\/ [](vote = no): no vote ever changes."""
        for i, (p, q) in enumerate(zip(s.participant, t.participant)):
            if p.vote != q.vote:
                return Fails(f"{Participant.name_of(i)}'s vote went from {p.vote} to {q.vote}")
        return True

    @invariant("StrongerAC2", default=False)
    def stronger_ac2(self, s):
        """If any participant decides commit, every vote is yes and the
        coordinator decided commit."""
        if any(p.decision == COMMIT for p in s.participant):
            if s.coordinator.decision != COMMIT:
                return Fails(f"a participant committed, the coordinator's decision "
                             f"{s.coordinator.decision}")
            return self.ac2(s)
        return True

    @invariant("StrongerAC3_1", default=False)
    def stronger_ac3_1(self, s):
        """If any participant decides abort: some vote is no, or some
        participant is faulty and the coordinator decided abort, or the
        coordinator is faulty and undecided."""
        if not any(p.decision == ABORT for p in s.participant):
            return True
        c = s.coordinator
        if (any(p.vote == NO for p in s.participant)
                or any(p.faulty for p in s.participant) and c.decision == ABORT
                or c.faulty and c.decision == UNDECIDED):
            return True
        return Fails(f"a participant aborted, every vote yes, the coordinator "
                     f"{'faulty' if c.faulty else 'alive'} and {c.decision}")

    @invariant("NoRecovery", default=False)
    def no_recovery(self, s):
        """Alive is not faulty, for every participant and the coordinator."""
        for i, p in enumerate(s.participant):
            if p.alive == p.faulty:
                return Fails(f"{Participant.name_of(i)} is alive {p.alive} and faulty "
                             f"{p.faulty}")
        c = s.coordinator
        return c.alive != c.faulty or Fails(f"the coordinator is alive {c.alive} and faulty "
                                            f"{c.faulty}")

    # -- liveness ----------------------------------------------------------------------

    @eventually("AC3_2")
    def ac3_2(self, s):
        """<>: every participant decided, or one is faulty, or the
        coordinator is."""
        return (all(p.decision in (ABORT, COMMIT) for p in s.participant)
                or any(p.faulty for p in s.participant) or s.coordinator.faulty)

    @eventually("AC5")
    def ac5(self, s):
        """<>: every participant decided or faulty (termination: ACP_SB's
        simple broadcast lacks it, ACP_NB has it)."""
        return all(p.decision in (ABORT, COMMIT) or p.faulty for p in s.participant)

    # -- the spec's invalid properties -------------------------------------------------

    @leads_to("DecisionReachedNoFault")
    def decision_reached_no_fault(self, s):
        """(every participant alive) ~> (every participant decided)."""
        return (all(p.alive for p in s.participant),
                all(p.decision != UNDECIDED for p in s.participant))

    @invariant("AbortImpliesNoVote", default=False)
    def abort_implies_no_vote(self, s):
        """If any participant decides abort, some participant voted no."""
        aborted = [i for i, p in enumerate(s.participant) if p.decision == ABORT]
        if aborted and all(p.vote == YES for p in s.participant):
            return Fails(f"{Participant.name_of(aborted[0])} aborted, every vote yes")
        return True


class AcpNB(AcpSB):
    name = "acp-nb"
    summary = "non-blocking atomic commitment: decisions forwarded first (ACP_NB.tla)"
    params = (Param("participants", 2, "participants p0 .. pN-1 (the cfg's {p0, p1})",
                    minimum=1, maximum=5),)
    actions = (ParDie, SendVote, AbortOnVote, AbortOnTimeoutRequest, Forward,
               PreDecideOnForward, AbortOnTimeout, PreDecide, DecideNB, CoordDie, MakeDecision,
               Request, GetVote, DetectFault, CoordBroadcast)
    state_type = StateNB
    #: parDie(i) \/ parProgNB(i, j), in its order; True: an operator of i and j
    participant_steps = (("par_die", ParDie, False), ("send_vote", SendVote, False),
                         ("abort_on_vote", AbortOnVote, False),
                         ("abort_on_timeout_request", AbortOnTimeoutRequest, False),
                         ("forward", Forward, True),
                         ("pre_decide_on_forward", PreDecideOnForward, True),
                         ("abort_on_timeout", AbortOnTimeout, False),
                         ("pre_decide", PreDecide, False), ("decide_nb", DecideNB, False))

    def new_participant(self, vote: str):
        return ParticipantNB(vote, forward=(NOTSENT,) * self.participants)

    def participants_progress(self, s):
        """parProgNNB == \\E i, j : parDie(i) \\/ parProgNB(i, j); an operator
        of i alone is taken at the first j, where TLC first takes it."""
        for i in self.everyone:
            for j in self.everyone:
                for operator, action, of_pair in self.participant_steps:
                    if of_pair:
                        t = getattr(self, operator)(s, i, j)
                        if t is not None:
                            yield action(i, j), t
                    elif j == 0:
                        t = getattr(self, operator)(s, i)
                        if t is not None:
                            yield action(i), t

    def forward(self, s, i: int, j: int):
        """forward(i, j): an alive participant holding a predecision
        (forward[i]) forwards it to j, once."""
        p = s.participant[i]
        if not (i != j and p.alive and p.forward[i] != NOTSENT and p.forward[j] == NOTSENT):
            return None
        return self.par(s, i, forward=_with(p.forward, j, p.forward[i]))

    def pre_decide_on_forward(self, s, i: int, j: int):
        """preDecideOnForward(i, j): an alive participant with no
        predecision takes the one j forwarded to it."""
        p, sent = s.participant[i], s.participant[j].forward[i]
        if not (i != j and p.alive and p.forward[i] == NOTSENT and sent != NOTSENT):
            return None
        return self.par(s, i, forward=_with(p.forward, i, sent))

    def pre_decide(self, s, i: int):
        """preDecide(i): an alive participant with no predecision takes the
        coordinator's decision sent to it."""
        p, sent = s.participant[i], s.coordinator.broadcast[i]
        if not (p.alive and p.forward[i] == NOTSENT and sent != NOTSENT):
            return None
        return self.par(s, i, forward=_with(p.forward, i, sent))

    def decide_nb(self, s, i: int):
        """decideNB(i): an alive participant that forwarded its predecision
        to every other decides it (again, as the spec allows: then nothing
        changes)."""
        p = s.participant[i]
        if not (p.alive and all(f != NOTSENT for f in p.forward)):
            return None
        return self.par(s, i, decision=p.forward[i])

    def abort_on_timeout(self, s, i: int):
        """abortOnTimeout(i): an alive, undecided participant aborts once the
        coordinator died before sending its decision to any alive participant
        and every dead participant died before forwarding one to an alive
        participant (the timeout's conditions, simulated)."""
        p, c, ps = s.participant[i], s.coordinator, s.participant
        if not (p.alive and p.decision == UNDECIDED and not c.alive
                and all(c.broadcast[j] == NOTSENT for j in self.everyone if ps[j].alive)
                and all(ps[j].forward[k] == NOTSENT for j in self.everyone if not ps[j].alive
                        for k in self.everyone if ps[k].alive)):
            return None
        return self.par(s, i, decision=ABORT)

    # -- ACP_NB's invalid properties ------------------------------------------------

    @eventually("AllCommit", each="participant")
    def all_commit(self, s):
        """\\A i : <>(participant[i] commits or is faulty)."""
        return {Participant.name_of(i): p.decision == COMMIT or p.faulty
                for i, p in enumerate(s.participant)}

    @eventually("AllAbort", each="participant")
    def all_abort(self, s):
        """\\A i : <>(participant[i] aborts or is faulty)."""
        return {Participant.name_of(i): p.decision == ABORT or p.faulty
                for i, p in enumerate(s.participant)}

    @leads_to("AllCommitYesVotes", each="participant")
    def all_commit_yes_votes(self, s):
        """\\A i : (every vote yes) ~> (participant[i] commits, or is faulty,
        or the coordinator is)."""
        all_yes = all(p.vote == YES for p in s.participant)
        return {Participant.name_of(i): (all_yes, p.decision == COMMIT or p.faulty
                                         or s.coordinator.faulty)
                for i, p in enumerate(s.participant)}


# -- mutants ------------------------------------------------------------------------------


@AcpNB.mutant("deliver_before_forward",
              "ACP_NB_WRONG_TLC.tla, the spec's own wrong variant: a participant decides "
              "on the coordinator's or a forwarded decision at once, and forwards its "
              "decision after → AC1")
class DeliveringFirst(AcpNB):
    """ACP_NB_WRONG_TLC.tla: parProgNB(i, j) == parProg(i) \\/ forward(i, j) \\/
    decideOnForward(i, j) \\/ abortOnTimeout(i), parProg(i) being ACP_SB's
    (decide(i) delivers the coordinator's decision at once). Not one handler:
    the whole file, as published, so its steps are its own."""

    actions = (ParDie, SendVote, AbortOnVote, AbortOnTimeoutRequest, Decide, Forward,
               DecideOnForward, AbortOnTimeout, CoordDie, MakeDecision, Request, GetVote,
               DetectFault, CoordBroadcast)

    participant_steps = (("par_die", ParDie, False), ("send_vote", SendVote, False),
                         ("abort_on_vote", AbortOnVote, False),
                         ("abort_on_timeout_request", AbortOnTimeoutRequest, False),
                         ("decide", Decide, False),
                         ("forward", Forward, True),
                         ("decide_on_forward", DecideOnForward, True),
                         ("abort_on_timeout", AbortOnTimeout, False))

    def forward(self, s, i: int, j: int):
        """forward(i, j), as published: guarded by ``participant[i].decision #
        notsent``, true of every decision (undecided included), it forwards
        the decision itself."""
        p = s.participant[i]
        if not (i != j and p.alive and p.decision != NOTSENT and p.forward[j] == NOTSENT):
            return None
        return self.par(s, i, forward=_with(p.forward, j, p.decision))

    def decide_on_forward(self, s, i: int, j: int):
        """decideOnForward(i, j): an alive, undecided participant decides
        what j forwarded to it."""
        p, sent = s.participant[i], s.participant[j].forward[i]
        if not (i != j and p.alive and p.decision == UNDECIDED and sent != NOTSENT):
            return None
        return self.par(s, i, decision=sent)


@AcpSB.mutant("vote_read_as_yes", "getVote records a yes whatever the participant voted "
                                  "→ AC2 (and AC1: the no voter aborts on its own vote)")
class ReadingYes(AcpSB):
    def get_vote(self, s, i: int):
        t = super().get_vote(s, i)
        return t and self.coord(t, vote=_with(t.coordinator.vote, i, YES))  # the bug


@AcpSB.mutant("abort_after_request", "abortOnTimeoutRequest without ~coordinator.request[i]: "
                                     "a participant that may have voted yes aborts alone "
                                     "once the coordinator dies (the blocking two-phase "
                                     "commit cannot avoid) → AC1")
class AbortingAfterRequest(AcpSB):
    def abort_on_timeout_request(self, s, i: int):
        p = s.participant[i]
        if not (p.alive and p.decision == UNDECIDED and not s.coordinator.alive):
            return None  # the bug: no ~coordinator.request[i]
        return self.par(s, i, decision=ABORT)


@AcpSB.mutant("decide_only_commit", "decide(i) takes only a commit: a participant that "
                                    "voted yes never learns of an abort → AC3_2")
class IgnoringAborts(AcpSB):
    def decide(self, s, i: int):
        if s.coordinator.broadcast[i] != COMMIT:
            return None  # the bug
        return super().decide(s, i)


@AcpNB.mutant("timeout_ignores_forwards", "abortOnTimeout without its last conjunct: a "
                                          "participant aborts though a dead one forwarded "
                                          "it a decision → AC1")
class TimingOutOverForwards(AcpNB):
    def abort_on_timeout(self, s, i: int):
        p, c, ps = s.participant[i], s.coordinator, s.participant
        if not (p.alive and p.decision == UNDECIDED and not c.alive
                and all(c.broadcast[j] == NOTSENT for j in self.everyone if ps[j].alive)):
            return None  # the bug: dead participants' forwards not looked at
        return self.par(s, i, decision=ABORT)


@AcpNB.mutant("no_abort_on_timeout", "abortOnTimeout never enabled: the participants wait "
                                     "for a dead coordinator as in ACP_SB → AC5")
class NeverTimingOut(AcpNB):
    def abort_on_timeout(self, s, i: int):
        return None  # the bug
