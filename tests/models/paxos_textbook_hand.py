"""The hand-compiled `paxos-textbook` model that models/paxos_textbook.py
replaced, kept as a test oracle: the kit model takes the same steps to the
same states (tests/models/test_paxos_textbook.py). Not registered.

The protocol, its bounds, symmetric sets and deliberate differences are those
of models/paxos_textbook.py (its docstring says them); this file is only the
hand-compiled encoding, for the differential test.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, NamedTuple, Sequence

from checker.errors import ParamError
from checker.model import Model, Note, Param, Received, Sent
from checker.properties import Fails, invariant, reachable
from checker.symmetry import Remembered
from models.quorum import (QUORUM_SCHEMA, Threshold, interchangeable_groups, quorum_system,
                           require_intersecting)

NONE = -1  # no number, no value (an acceptor that has not promised or accepted)

# Messages are plain tuples, kind first, so that they sort and compare by
# value and messages of two kinds never compare equal:
#   (PREPARE, n, p, a)              proposer p to acceptor a
#   (PROMISE, n, a, p, acc_n, acc_v) acceptor a to proposer p
#   (NACK, n, a, p, promised)        acceptor a to proposer p
#   (ACCEPT, n, p, a, v)             proposer p to acceptor a
#   (ACCEPTED, n, a, l, v)           acceptor a to learner l
PREPARE, PROMISE, NACK, ACCEPT, ACCEPTED = "PREPARE", "PROMISE", "NACK", "ACCEPT", "ACCEPTED"

# Proposer phases.
READY = "ready"          # will send PREPARE for its current round
PREPARING = "preparing"  # sent PREPARE(n), collecting promises
ACCEPTING = "accepting"  # sent ACCEPT(n, v)
STOPPED = "stopped"      # NACKed with no round left above the promise


def value_name(v: int) -> str:
    return "none" if v == NONE else f"v{v}"


# Who sends each kind of message to whom (the node prefixes of fields 2 and 3).
ENDPOINTS = {PREPARE: ("p", "a"), PROMISE: ("a", "p"), NACK: ("a", "p"),
             ACCEPT: ("p", "a"), ACCEPTED: ("a", "l")}


def endpoints(message: tuple) -> tuple[str, str]:
    """The sender and the receiver of a message: ``("a1", "p0")``."""
    src, dst = ENDPOINTS[message[0]]
    return f"{src}{message[2]}", f"{dst}{message[3]}"


def message_text(message: tuple) -> str:
    """A message without its endpoints: ``PROMISE(1, accepted 0:v0)``."""
    kind, n = message[0], message[1]
    if kind == PREPARE:
        return f"PREPARE({n})"
    if kind == PROMISE:
        accepted_n, accepted_v = message[4], message[5]
        accepted = "none" if accepted_n == NONE else f"{accepted_n}:{value_name(accepted_v)}"
        return f"PROMISE({n}, accepted {accepted})"
    if kind == NACK:
        return f"NACK({n}, promised {message[4]})"
    return f"{kind}({n}, {value_name(message[4])})"


def describe(message: tuple) -> str:
    """A message in protocol terms: ``a1->p0 PROMISE(1, accepted 0:v0)``."""
    src, dst = endpoints(message)
    return f"{src}->{dst} {message_text(message)}"


# -- actions -------------------------------------------------------------------------

class Prepare(NamedTuple):
    """A ready proposer starts round n: PREPARE(n) to every acceptor."""
    p: int
    n: int

    def __str__(self) -> str:
        return f"Prepare(p{self.p}, n={self.n})"


class ReceivePrepare(NamedTuple):
    """Acceptor a gets PREPARE(n): if n >= promised it promises n and reports
    its last acceptance, else it sends NACK."""
    a: int
    p: int
    n: int

    def __str__(self) -> str:
        return f"ReceivePrepare(a{self.a} <- p{self.p}, n={self.n})"


class ReceivePromise(NamedTuple):
    """Proposer p gets a PROMISE for its current number; with a majority it
    sends ACCEPT(n, v) for the highest reported value, or its own."""
    p: int
    a: int
    n: int
    accepted_n: int
    accepted_v: int

    def __str__(self) -> str:
        accepted = ("none" if self.accepted_n == NONE
                    else f"{self.accepted_n}:{value_name(self.accepted_v)}")
        return f"ReceivePromise(p{self.p} <- a{self.a}, n={self.n}, accepted {accepted})"


class ReceiveNack(NamedTuple):
    """Proposer p gets a NACK for its current number: it abandons it and gets
    ready to retry above the reported promise, if it has a round left."""
    p: int
    a: int
    n: int
    promised: int

    def __str__(self) -> str:
        return f"ReceiveNack(p{self.p} <- a{self.a}, n={self.n}, promised={self.promised})"


class ReceiveAccept(NamedTuple):
    """Acceptor a gets ACCEPT(n, v): if n >= promised it accepts and sends
    ACCEPTED(n, v) to every learner, else it sends NACK."""
    a: int
    p: int
    n: int
    v: int

    def __str__(self) -> str:
        return f"ReceiveAccept(a{self.a} <- p{self.p}, n={self.n}, {value_name(self.v)})"


class ReceiveAccepted(NamedTuple):
    """Learner l gets ACCEPTED(n, v); it learns v once a majority sent it for n."""
    l: int
    a: int
    n: int
    v: int

    def __str__(self) -> str:
        return f"ReceiveAccepted(l{self.l} <- a{self.a}, n={self.n}, {value_name(self.v)})"


class Drop(NamedTuple):
    """The network loses one copy of a message (fault budget `drop`)."""
    message: tuple

    def __str__(self) -> str:
        return f"Drop({describe(self.message)})"


class Duplicate(NamedTuple):
    """The network delivers a message twice: one more copy in flight
    (fault budget `duplicate`)."""
    message: tuple

    def __str__(self) -> str:
        return f"Duplicate({describe(self.message)})"


class Restart(NamedTuple):
    """Acceptor a crashes and restarts, keeping its promise and acceptance
    (fault budget `crash`)."""
    a: int

    def __str__(self) -> str:
        return f"Restart(a{self.a})"


class PaxosState(NamedTuple):
    """``proposers[p] = (round, phase, promised_by, highest, proposal)``:
    ``promised_by`` the acceptors that promised the current number,
    ``highest`` the highest ``(accepted_n, accepted_v)`` they reported,
    ``proposal`` the value sent in ACCEPT. ``acceptors[a] = (promised,
    accepted_n, accepted_v)``. ``learners[l] = (learned, heard)`` with
    ``heard`` the ``(n, v, a)`` of ACCEPTED messages received. ``network``
    is the bag of messages in flight as a sorted tuple. ``votes`` is the
    history of acceptances ``(n, v, a)``; ``faults`` the budgets left
    ``(drop, duplicate, crash)``."""

    proposers: tuple
    acceptors: tuple
    learners: tuple
    network: tuple
    votes: frozenset
    faults: tuple


# States are built on the hot path without the named tuple's keyword-taking
# constructor, which is several times slower.
_new = tuple.__new__

NO_REPORT = (NONE, NONE)
EMPTY: frozenset = frozenset()


class PaxosTextbook(Model):
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
    mutants = {
        "no_adopt": "the proposer ignores the values reported in promises and "
                    "proposes its own → Agreement",
        "accept_below_promise": "an acceptor accepts a proposal numbered below its "
                                "promise → Agreement",
        "non_intersecting_quorums": "quorums are any ⌊N/2⌋ of N acceptors, so two "
                                    "need not intersect → Agreement",
        "forgetful_acceptor": "a restarted acceptor forgets its promise and "
                              "acceptance → Agreement",
        "duplicate_ballots": "proposal numbers are the round alone, so two proposers "
                             "may use the same number → Agreement",
    }
    actions = (Prepare, ReceivePrepare, ReceivePromise, ReceiveNack, ReceiveAccept,
               ReceiveAccepted, Drop, Duplicate, Restart)
    symmetry_sets = ("acceptors", "learners")

    def setup(self) -> None:
        if self.max_msgs < self.acceptors:
            raise ParamError("params.max_msgs", f"must be at least acceptors "
                             f"({self.acceptors}): a proposer sends PREPARE to every "
                             f"acceptor in one step; use max_msgs: {self.acceptors}")
        if self.mutant == "non_intersecting_quorums":
            if self.acceptors < 2:
                raise ParamError("params.acceptors", "must be at least 2 for "
                                 "non_intersecting_quorums (⌊N/2⌋ of N)")
            self.quorums = Threshold(self.acceptors, self.acceptors // 2)
        else:
            self.quorums = quorum_system(self.quorum, self.acceptors)
        # A fault whose budget is 0 cannot happen in this instance: it is not
        # among its actions (so coverage does not call it never fired).
        budgets = {Drop: self.drop, Duplicate: self.duplicate, Restart: self.crash}
        self.actions = tuple(kind for kind in type(self).actions if budgets.get(kind, 1))
        self._receive = {PREPARE: self._receive_prepare, PROMISE: self._receive_promise,
                         NACK: self._receive_nack, ACCEPT: self._receive_accept,
                         ACCEPTED: self._receive_accepted}
        self._chosen: dict[frozenset, dict[int, tuple[int, frozenset]]] = {}
        # numbers[p][round], looked up on the hot path.
        self.numbers = tuple(tuple(self.number(p, r) for r in range(self.rounds))
                             for p in range(self.proposers))
        self._setup_symmetry()

    def check_sound(self) -> None:
        """Every phase-1 quorum meets every phase-2 quorum, else no proposer can
        learn of a value chosen before it; `ParamError` names a disjoint pair."""
        require_intersecting(self.quorums)

    def number(self, p: int, round_: int) -> int:
        """Proposer p's proposal number in a round."""
        if self.mutant == "duplicate_ballots":
            return round_  # mutant: every proposer numbers its first round 0
        return round_ * self.proposers + p

    def initial_states(self):
        proposer = (0, READY, EMPTY, NO_REPORT, NONE)
        acceptor = (NONE, NONE, NONE)
        learner = (NONE, EMPTY)
        yield PaxosState(
            proposers=(proposer,) * self.proposers,
            acceptors=(acceptor,) * self.acceptors,
            learners=(learner,) * self.learners,
            network=(),
            votes=EMPTY,
            faults=(self.drop, self.duplicate, self.crash),
        )

    # -- transitions -----------------------------------------------------------------

    def successors(self, state: PaxosState):
        proposers, acceptors, learners, network, votes, faults = state
        room = self.max_msgs - len(network)
        acceptor_ids = range(self.acceptors)

        for p, proposer in enumerate(proposers):
            if proposer[1] == READY and room >= self.acceptors:
                n = self.numbers[p][proposer[0]]
                sent = _send(network, [(PREPARE, n, p, a) for a in acceptor_ids])
                preparing = (proposer[0], PREPARING, EMPTY, NO_REPORT, NONE)
                yield Prepare(p, n), _new(PaxosState, (
                    _put(proposers, p, preparing), acceptors, learners, sent, votes, faults))

        previous = None
        for index, message in enumerate(network):
            if message == previous:
                continue  # another copy of the same message: the same step
            previous = message
            rest = network[:index] + network[index + 1:]
            step = self._receive[message[0]](state, message, rest, room)
            if step is not None:
                yield step

        drops, duplicates, crashes = faults
        if drops:
            spent = (drops - 1, duplicates, crashes)
            for message in _distinct(network):
                yield Drop(message), _new(PaxosState, (
                    proposers, acceptors, learners, _remove(network, message), votes, spent))
        if duplicates and room >= 1:
            spent = (drops, duplicates - 1, crashes)
            for message in _distinct(network):
                yield Duplicate(message), _new(PaxosState, (
                    proposers, acceptors, learners, _send(network, [message]), votes, spent))
        if crashes:
            spent = (drops, duplicates, crashes - 1)
            for a in acceptor_ids:
                acceptor = acceptors[a]
                if self.mutant == "forgetful_acceptor":
                    acceptor = (NONE, NONE, NONE)  # mutant: promise and acceptance lost
                yield Restart(a), _new(PaxosState, (
                    proposers, _put(acceptors, a, acceptor), learners, network, votes, spent))

    # Each handler takes the state, the message delivered, the bag without it
    # and the room the bag had; it returns the step, or None when the step
    # must wait for room in the network.

    def _receive_prepare(self, state, message, rest, room):
        _, n, p, a = message
        proposers, acceptors, learners, _, votes, faults = state
        promised, accepted_n, accepted_v = acceptors[a]
        if n >= promised:
            reply = (PROMISE, n, a, p, accepted_n, accepted_v)
            acceptors = _put(acceptors, a, (n, accepted_n, accepted_v))
        else:
            reply = (NACK, n, a, p, promised)
        return ReceivePrepare(a, p, n), _new(PaxosState, (
            proposers, acceptors, learners, _send(rest, [reply]), votes, faults))

    def _receive_promise(self, state, message, rest, room):
        _, n, a, p, accepted_n, accepted_v = message
        action = ReceivePromise(p, a, n, accepted_n, accepted_v)
        proposers, acceptors, learners, _, votes, faults = state
        round_, phase, promised_by, highest, _ = proposers[p]
        if phase != PREPARING or n != self.numbers[p][round_] or a in promised_by:
            # Stale (an earlier number) or repeated: no effect.
            return action, _new(PaxosState, (proposers, acceptors, learners, rest, votes, faults))
        promised_by = promised_by | {a}
        if (accepted_n, accepted_v) > highest:
            highest = (accepted_n, accepted_v)
        if not self.quorums.phase1.is_quorum(promised_by):
            proposer = (round_, PREPARING, promised_by, highest, NONE)
            return action, _new(PaxosState, (
                _put(proposers, p, proposer), acceptors, learners, rest, votes, faults))
        if room + 1 < self.acceptors:
            return None  # no room for the ACCEPTs yet
        v = highest[1] if highest[0] != NONE else p
        if self.mutant == "no_adopt":
            v = p  # mutant: ignore the values reported in the promises
        sent = _send(rest, [(ACCEPT, n, p, b, v) for b in range(self.acceptors)])
        proposer = (round_, ACCEPTING, EMPTY, NO_REPORT, v)
        return action, _new(PaxosState, (
            _put(proposers, p, proposer), acceptors, learners, sent, votes, faults))

    def _receive_nack(self, state, message, rest, room):
        _, n, a, p, promised = message
        proposers, acceptors, learners, _, votes, faults = state
        round_, phase = proposers[p][:2]
        if phase in (PREPARING, ACCEPTING) and n == self.numbers[p][round_]:
            following = round_ + 1
            while following < self.rounds and self.numbers[p][following] <= promised:
                following += 1
            proposer = ((following, READY, EMPTY, NO_REPORT, NONE) if following < self.rounds
                        else (round_, STOPPED, EMPTY, NO_REPORT, NONE))
            proposers = _put(proposers, p, proposer)
        # else stale: no effect
        return ReceiveNack(p, a, n, promised), _new(PaxosState, (
            proposers, acceptors, learners, rest, votes, faults))

    def _receive_accept(self, state, message, rest, room):
        _, n, p, a, v = message
        action = ReceiveAccept(a, p, n, v)
        proposers, acceptors, learners, _, votes, faults = state
        promised = acceptors[a][0]
        accepts = n >= promised
        if self.mutant == "accept_below_promise":
            accepts = True  # mutant: the promise is not checked
        if not accepts:
            nack = (NACK, n, a, p, promised)
            return action, _new(PaxosState, (
                proposers, acceptors, learners, _send(rest, [nack]), votes, faults))
        if room + 1 < self.learners:
            return None  # no room for the ACCEPTED messages yet
        sent = _send(rest, [(ACCEPTED, n, a, l, v) for l in range(self.learners)])
        return action, _new(PaxosState, (
            proposers, _put(acceptors, a, (max(promised, n), n, v)), learners, sent,
            votes | {(n, v, a)}, faults))

    def _receive_accepted(self, state, message, rest, room):
        _, n, a, l, v = message
        proposers, acceptors, learners, _, votes, faults = state
        learned, heard = learners[l]
        if learned == NONE:  # else it has learned already: no effect
            heard = heard | {(n, v, a)}
            senders = {sender for m, w, sender in heard if m == n and w == v}
            learned = self.quorums.phase2.is_quorum(senders)
            learner = (v, EMPTY) if learned else (NONE, heard)
            learners = _put(learners, l, learner)
        return ReceiveAccepted(l, a, n, v), _new(PaxosState, (
            proposers, acceptors, learners, rest, votes, faults))

    # -- properties ------------------------------------------------------------------

    def chosen(self, votes: frozenset) -> dict[int, tuple[int, frozenset]]:
        """Each chosen value, with the lowest proposal number in which a quorum
        of acceptors accepted it and that quorum."""
        found = self._chosen.get(votes)
        if found is None:
            by_proposal: dict[tuple[int, int], set[int]] = {}
            for n, v, a in votes:
                by_proposal.setdefault((n, v), set()).add(a)
            found = {}
            for (n, v), voters in sorted(by_proposal.items()):
                if v not in found and self.quorums.phase2.is_quorum(voters):
                    found[v] = (n, frozenset(voters))
            self._chosen[votes] = found
        return found

    @invariant("Agreement")
    def agreement(self, state: PaxosState):
        """At most one value is ever chosen (accepted by a quorum in one proposal)."""
        chosen = self.chosen(state.votes)
        if len(chosen) > 1:
            return Fails(" and ".join(
                f"{value_name(v)} is chosen in proposal {n} by {_nodes('a', voters)}"
                for v, (n, voters) in sorted(chosen.items())))
        return True

    @invariant("Agreement (learners)")
    def learners_agree(self, state: PaxosState):
        """No two learners learn different values."""
        if len(state.learners) < 2:
            return True
        learned = {}
        for l, (v, _) in enumerate(state.learners):
            if v != NONE:
                learned.setdefault(v, l)
        if len(learned) > 1:
            return Fails(", ".join(f"l{l} learned {value_name(v)}"
                                   for v, l in sorted(learned.items())))
        return True

    @invariant("Validity")
    def validity(self, state: PaxosState):
        """A chosen or learned value was proposed: it is the value of a
        proposer that has started proposing."""
        values = set(self.chosen(state.votes)) | {v for v, _ in state.learners if v != NONE}
        if not values:
            return True
        proposed = {p for p, proposer in enumerate(state.proposers)
                    if proposer[0] > 0 or proposer[1] != READY}
        stray = sorted(values - proposed)
        if stray:
            return Fails(f"{', '.join(map(value_name, stray))} chosen or learned "
                         "but never proposed")
        return True

    @invariant("Learned implies chosen")
    def learned_implies_chosen(self, state: PaxosState):
        """A value a learner learned is chosen."""
        chosen = self.chosen(state.votes)
        for l, (v, _) in enumerate(state.learners):
            if v != NONE and v not in chosen:
                return Fails(f"l{l} learned {value_name(v)}, which is not chosen")
        return True

    @reachable("A value is chosen")
    def value_chosen(self, state: PaxosState) -> bool:
        return bool(self.chosen(state.votes))

    @reachable("A proposer adopts another proposer's value")
    def adopts_value(self, state: PaxosState) -> bool:
        """The lecture race: a proposer's promises report an accepted value
        and it proposes that value, not its own."""
        return any(proposer[1] == ACCEPTING and proposer[4] != p
                   for p, proposer in enumerate(state.proposers))

    @reachable("An acceptor NACKs")
    def acceptor_nacks(self, state: PaxosState) -> bool:
        return any(message[0] == NACK for message in state.network)

    # -- symmetry --------------------------------------------------------------------
    #
    # Acceptors are interchangeable as far as the quorum rule treats them alike,
    # learners always; proposers and values never (see the module docstring).
    # A renaming is applied through tables made once per permutation and
    # filled as states come: the parts of states repeat (few distinct
    # proposers, learners, votes or bags), so most of a renaming is look-ups.
    # Signatures are assembled the same way, from summaries remembered per part.

    def _setup_symmetry(self) -> None:
        self._renamings: dict[tuple, _Renaming | None] = {}
        self._acceptor_groups = interchangeable_groups(self.quorums)
        self._bag_summaries = Remembered(self._summarize_bag)
        self._votes_summaries = Remembered(self._summarize_votes)
        self._promise_summaries = Remembered(self._summarize_promises)
        self._learner_summaries = Remembered(self._summarize_learners)

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        return {"acceptors": [list(group) for group in self._acceptor_groups],
                "learners": [list(range(self.learners))]}

    def permute(self, state: PaxosState, perm: Mapping[str, Sequence[int]]) -> PaxosState:
        """Acceptor a becomes ``perm["acceptors"][a]`` and learner l
        ``perm["learners"][l]``: in the per-node tuples, in the proposers'
        ``promised_by``, in the learners' ``heard``, in every message (the
        bag kept sorted) and in ``votes``. The identity returns `state`."""
        key = (perm.get("acceptors"), perm.get("learners"))
        renaming = self._renamings.get(key, False)
        if renaming is False:
            renaming = self._renamings[key] = _Renaming.make(
                key[0] or range(self.acceptors), key[1] or range(self.learners))
        return state if renaming is None else renaming(state)

    def permute_action(self, action: Any, perm: Mapping[str, Sequence[int]]) -> Any:
        acceptor_of = perm.get("acceptors") or range(self.acceptors)
        learner_of = perm.get("learners") or range(self.learners)
        kind = type(action)
        if kind is ReceivePrepare or kind is ReceiveAccept:
            return action._replace(a=acceptor_of[action.a])
        if kind is ReceivePromise or kind is ReceiveNack or kind is Restart:
            return action._replace(a=acceptor_of[action.a])
        if kind is ReceiveAccepted:
            return action._replace(l=learner_of[action.l], a=acceptor_of[action.a])
        if kind is Drop or kind is Duplicate:
            return kind(_rename_message(action.message, acceptor_of, learner_of))
        return action  # Prepare names a proposer only

    def signatures(self, state: PaxosState) -> dict[str, tuple]:
        """For each acceptor: its promise and acceptance, the (n, v) it voted
        for, the proposers counting its promise, the messages in flight to
        and from it (a proposer named, a learner not), and the (n, v) each
        learner heard from it. For each learner: what it learned, the (n, v)
        it heard and the ACCEPTED (n, v) in flight to it. Neither names
        another acceptor or learner, so renaming carries them along.

        Each summary is given by its rank (how many distinct summaries are
        smaller), which orders elements as the summaries do and is as
        invariant; small and few, ranks are cheap to compare and to look up."""
        proposers, acceptors, learners, network, votes, _ = state
        by_acceptor, by_learner = self._bag_summaries[network]
        heard_from, heard = self._learner_summaries[learners]
        return {"acceptors": _ranks(tuple(zip(acceptors, self._votes_summaries[votes],
                                              self._promise_summaries[proposers],
                                              by_acceptor, heard_from))),
                "learners": _ranks(tuple(zip(heard, by_learner))) if len(learners) > 1
                else ONE_LEARNER}

    def _summarize_bag(self, network: tuple) -> tuple[tuple, tuple]:
        by_acceptor: list[list] = [[] for _ in range(self.acceptors)]
        by_learner: list[list] = [[] for _ in range(self.learners)]
        for message in network:
            kind = message[0]
            if kind == ACCEPTED:  # (ACCEPTED, n, a, l, v)
                by_acceptor[message[2]].append((kind, message[1], message[4]))
                by_learner[message[3]].append((message[1], message[4]))
            elif kind == PREPARE or kind == ACCEPT:  # (kind, n, p, a, ...)
                by_acceptor[message[3]].append(message[:3] + message[4:])
            else:  # PROMISE or NACK: (kind, n, a, p, ...)
                by_acceptor[message[2]].append(message[:2] + message[3:])
        return (tuple(tuple(sorted(summary)) for summary in by_acceptor),
                tuple(tuple(sorted(summary)) for summary in by_learner))

    def _summarize_votes(self, votes: frozenset) -> tuple:
        by_acceptor: list[list] = [[] for _ in range(self.acceptors)]
        for n, v, a in votes:
            by_acceptor[a].append((n, v))
        return tuple(tuple(sorted(summary)) for summary in by_acceptor)

    def _summarize_promises(self, proposers: tuple) -> tuple:
        return tuple(tuple(p for p, proposer in enumerate(proposers) if a in proposer[2])
                     for a in range(self.acceptors))

    def _summarize_learners(self, learners: tuple) -> tuple[tuple, tuple]:
        heard_from: list[list] = [[] for _ in range(self.acceptors)]
        for _, heard in learners:
            for n, v, a in heard:
                heard_from[a].append((n, v))
        return (tuple(tuple(sorted(summary)) for summary in heard_from),
                tuple((learned, tuple(sorted((n, v) for n, v, _ in heard)))
                      for learned, heard in learners))

    # -- reports ---------------------------------------------------------------------

    def state_view(self, state: PaxosState) -> dict[str, Any]:
        view: dict[str, Any] = {}
        for p, (round_, phase, promised_by, highest, proposal) in enumerate(state.proposers):
            view[f"p{p}.round"] = round_
            view[f"p{p}.n"] = self.number(p, round_)
            view[f"p{p}.phase"] = phase
            view[f"p{p}.promised_by"] = _nodes("a", promised_by)
            view[f"p{p}.highest"] = ("none" if highest[0] == NONE
                                     else f"{highest[0]}:{value_name(highest[1])}")
            view[f"p{p}.proposal"] = value_name(proposal)
        for a, (promised, accepted_n, accepted_v) in enumerate(state.acceptors):
            view[f"a{a}.promised"] = promised
            view[f"a{a}.accepted"] = ("none" if accepted_n == NONE
                                      else f"{accepted_n}:{value_name(accepted_v)}")
        for l, (learned, heard) in enumerate(state.learners):
            view[f"l{l}.learned"] = value_name(learned)
            view[f"l{l}.heard"] = [f"{n}:{value_name(v)} from a{a}" for n, v, a in sorted(heard)]
        view["network"] = [describe(message) for message in state.network]
        view["chosen"] = {value_name(v): f"in {n} by {_nodes('a', voters)}"
                          for v, (n, voters) in sorted(self.chosen(state.votes).items())}
        view["faults_left"] = dict(zip(("drop", "duplicate", "crash"), state.faults))
        return view


    def step_events(self, state: PaxosState, action: Any, next_state: PaxosState) -> list:
        """The messages a step receives and sends, and what changed at the
        node that took it, for sequence charts."""
        before, after = Counter(state.network), Counter(next_state.network)
        gone, new = sorted((before - after).elements()), sorted((after - before).elements())
        if isinstance(action, Drop):
            src, dst = endpoints(action.message)
            return [Note(dst, f"the network loses {message_text(action.message)} from {src}")]
        if isinstance(action, Duplicate):
            src, dst = endpoints(action.message)
            return [Sent(src, dst, message_text(action.message)),
                    Note(src, f"the network duplicates {message_text(action.message)} to {dst}")]
        if isinstance(action, Restart):
            kept = "forgets" if self.mutant == "forgetful_acceptor" else "keeps"
            return [Note(f"a{action.a}", f"crashes and restarts; {kept} its promise "
                                         "and acceptance")]
        events: list = [Received(*endpoints(m), message_text(m)) for m in gone]
        events += [Sent(*endpoints(m), message_text(m)) for m in new]
        return events + self._local_notes(state, next_state)

    def _local_notes(self, state: PaxosState, next_state: PaxosState) -> list:
        notes = []
        for p, (old, new) in enumerate(zip(state.proposers, next_state.proposers)):
            if old[:2] != new[:2] or old[4] != new[4]:
                n = self.numbers[p][new[0]]
                text = {READY: f"ready to prepare {n}", PREPARING: f"prepares {n}",
                        ACCEPTING: f"proposes {value_name(new[4])} in {n}",
                        STOPPED: "gives up: no round left"}[new[1]]
                notes.append(Note(f"p{p}", text))
        for a, (old, new) in enumerate(zip(state.acceptors, next_state.acceptors)):
            if old[0] != new[0]:
                notes.append(Note(f"a{a}", f"promised {new[0]}"))
            if old[1:] != new[1:]:
                accepted = "none" if new[1] == NONE else f"{new[1]}:{value_name(new[2])}"
                notes.append(Note(f"a{a}", f"accepted {accepted}"))
        for l, (old, new) in enumerate(zip(state.learners, next_state.learners)):
            if old[0] != new[0]:
                notes.append(Note(f"l{l}", f"learned {value_name(new[0])}"))
        return notes


# -- helpers on tuples ---------------------------------------------------------------

def _put(items: tuple, index: int, item: Any) -> tuple:
    return items[:index] + (item,) + items[index + 1:]


def _send(network: tuple, messages: list) -> tuple:
    """The bag with `messages` added, kept sorted so that equal bags are equal."""
    return tuple(sorted(network + tuple(messages)))


def _remove(network: tuple, message: tuple) -> tuple:
    index = network.index(message)
    return network[:index] + network[index + 1:]


def _distinct(network: tuple) -> list:
    """The messages in flight, each once, in the bag's (sorted) order."""
    return [message for index, message in enumerate(network)
            if index == 0 or network[index - 1] != message]


def _nodes(prefix: str, members) -> str:
    return ",".join(f"{prefix}{m}" for m in sorted(members)) or "none"


# -- symmetry helpers ----------------------------------------------------------------

#: The learners' signatures when there is one learner.
ONE_LEARNER = (0,)


def _rename_message(message: tuple, acceptor_of: Sequence[int],
                    learner_of: Sequence[int]) -> tuple:
    kind = message[0]
    if kind == PREPARE or kind == ACCEPT:  # (kind, n, p, a, ...)
        return message[:3] + (acceptor_of[message[3]],) + message[4:]
    if kind == ACCEPTED:  # (ACCEPTED, n, a, l, v)
        return (kind, message[1], acceptor_of[message[2]], learner_of[message[3]], message[4])
    return message[:2] + (acceptor_of[message[2]],) + message[3:]  # PROMISE, NACK


class _Renaming:
    """A state renamed by one permutation of acceptors and learners."""

    @classmethod
    def make(cls, acceptor_of: Sequence[int], learner_of: Sequence[int]) -> "_Renaming | None":
        """The renaming, or None for the identity."""
        acceptor_of, learner_of = tuple(acceptor_of), tuple(learner_of)
        if acceptor_of == tuple(sorted(acceptor_of)) and learner_of == tuple(sorted(learner_of)):
            return None
        return cls(acceptor_of, learner_of)

    def __init__(self, acceptor_of: tuple[int, ...], learner_of: tuple[int, ...]):
        self.acceptor_of, self.learner_of = acceptor_of, learner_of
        # Position i of a renamed per-node tuple holds the node renamed i.
        self.acceptor_rows = _inverse(acceptor_of)
        self.learner_rows = _inverse(learner_of)
        self.proposers = Remembered(self._rename_proposers)
        self.learners = Remembered(self._rename_learners)
        self.messages = Remembered(lambda m: _rename_message(m, acceptor_of, learner_of))
        self.networks = Remembered(self._rename_network)
        self.votes = Remembered(lambda votes: frozenset(
            (n, v, acceptor_of[a]) for n, v, a in votes))
        self.members = Remembered(lambda members: frozenset(acceptor_of[a] for a in members))

    def __call__(self, state: PaxosState) -> PaxosState:
        proposers, acceptors, learners, network, votes, faults = state
        return _new(PaxosState, (
            self.proposers[proposers], tuple(map(acceptors.__getitem__, self.acceptor_rows)),
            self.learners[learners], self.networks[network], self.votes[votes], faults))

    def _rename_proposers(self, proposers: tuple) -> tuple:
        members = self.members
        return tuple((round_, phase, members[promised_by], highest, proposal)
                     for round_, phase, promised_by, highest, proposal in proposers)

    def _rename_learners(self, learners: tuple) -> tuple:
        acceptor_of = self.acceptor_of
        return tuple((learned, frozenset((n, v, acceptor_of[a]) for n, v, a in heard))
                     for learned, heard in map(learners.__getitem__, self.learner_rows))

    def _rename_network(self, network: tuple) -> tuple:
        return tuple(sorted(map(self.messages.__getitem__, network)))


def _ranks(summaries: tuple) -> tuple[int, ...]:
    """For each summary, the number of distinct summaries smaller than it."""
    ordered = sorted(set(summaries))
    return tuple(map(ordered.index, summaries))


def _inverse(images: tuple[int, ...]) -> tuple[int, ...]:
    rows = [0] * len(images)
    for element, image in enumerate(images):
        rows[image] = element
    return tuple(rows)


# -- the kit model's states and actions for this model's ---------------------------


def kit_message(message: tuple) -> tuple:
    """The kit model's record for a message: its fields are this model's
    tuple less the kind, in the same order."""
    from models import paxos_textbook as kit

    kinds = {PREPARE: kit.PrepareMsg, PROMISE: kit.PromiseMsg, NACK: kit.NackMsg,
             ACCEPT: kit.AcceptMsg, ACCEPTED: kit.AcceptedMsg}
    return kinds[message[0]](*message[1:])


def kit_state(state: PaxosState) -> tuple:
    """The kit model's state for a state of this model: the proposers',
    acceptors' (with their votes) and learners' records, the restarts left,
    the bag (per message type, each message with its copies) and its
    drop and duplicate budgets."""
    from models import paxos_textbook as kit

    proposers = tuple(kit.ProposerState(*row) for row in state.proposers)
    acceptors = tuple(kit.AcceptorState(*row, frozenset(
        (n, v) for n, v, voter in state.votes if voter == a))
        for a, row in enumerate(state.acceptors))
    learners = tuple(kit.LearnerState(*row) for row in state.learners)
    # keyed by type too: messages of two types with equal fields are equal tuples
    copies = Counter((type(m), m) for m in map(kit_message, state.network))
    bag = tuple(frozenset((m, c) for (k, m), c in copies.items() if k is kind)
                for kind in kit.PaxosTextbook.messages)
    drops, duplicates, crashes = state.faults
    return proposers + acceptors + learners + ((crashes,), bag + ((drops, duplicates),))


def kit_action(action: tuple) -> tuple:
    """The kit model's action for an action of this model."""
    from models import paxos_textbook as kit
    from models.kit import Drop as KitDrop, Duplicate as KitDuplicate

    kind = type(action)
    if kind is Prepare:
        return kit.Prepare(action.p, action.n)
    if kind is ReceivePrepare:
        return kit.ReceivePrepare(action.a, action.n, action.p, action.a)
    if kind is ReceivePromise:
        return kit.ReceivePromise(action.p, action.n, action.a, action.p, action.accepted_n,
                                  action.accepted_v)
    if kind is ReceiveNack:
        return kit.ReceiveNack(action.p, action.n, action.a, action.p, action.promised)
    if kind is ReceiveAccept:
        return kit.ReceiveAccept(action.a, action.n, action.p, action.a, action.v)
    if kind is ReceiveAccepted:
        return kit.ReceiveAccepted(action.l, action.n, action.a, action.l, action.v)
    if kind is Drop:
        return KitDrop(kit_message(action.message))
    if kind is Duplicate:
        return KitDuplicate(kit_message(action.message))
    return kit.Restart(action.a)
