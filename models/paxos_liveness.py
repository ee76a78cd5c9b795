"""Single-decree Paxos with proposers that retry: a model for Termination.

Paxos Made Simple's proposers and acceptors, cut down to what decides
whether a value is ever chosen (FLP made visible: two proposers that keep
pre-empting each other choose nothing, for ever).

- A proposer p starts a ballot ``(n, p)`` (`Propose`, or `Retry` when its
  timer fires before its ballot succeeded): it sends PREPARE to every
  acceptor. On PROMISEs from a majority for its ballot it sends ACCEPT with
  the value of the highest vote reported, or its own value ``p``.
- An acceptor promises a ballot above its promise (and reports its vote),
  and votes for an ACCEPT at or above it; it ignores the others.
- A value is chosen when a majority voted for it in one ballot (`chosen`,
  a history variable).
- A proposer's timer fires (`Retry`) only when nothing it sent or was sent
  is in flight: timeouts longer than a round trip, so a duel is not
  merely a timer firing too early. Once a value is chosen no timer fires:
  proposers would learn it (learners are not modelled; what happens after
  does not bear on Termination).

What makes endless behaviours finite, so that a livelock is a real cycle of
the graph and not a bound running out:

- Ballots are renumbered by their relative order after each step: only the
  order of ballot numbers matters to the protocol, so the state where both
  proposers moved to higher ballots is the state they started from. A new
  ballot is numbered above every ballot in the state (as a proposer that
  heard of them in NACKs would number it; this only shortens a duel).
- The network holds one message per channel (proposer to acceptor, acceptor
  to proposer): a newer message replaces one not yet delivered (a loss,
  which Paxos tolerates). Delivering takes the message out.
- Votes are kept (for ``chosen``) only while an ACCEPT of their ballot is
  in flight: no other vote in that ballot can be cast after.
- A message its receiver would ignore (a request below the acceptor's
  promise, a PROMISE for a ballot its proposer left) is taken out of the
  network at once: delivering it would change nothing else.

A retrying proposer never learns that a value was chosen: its timer may
still fire, as in the protocol. Without retries (``retry: 0``) a proposer
whose ballot is pre-empted waits for ever, and runs end: such a spec says
``deadlock: false``.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Model, Param, eventually, invariant
from checker.model import Note, Received, Sent
from models import register

IDLE, PREPARING, ACCEPTING = "idle", "preparing", "accepting"


class Proposer(NamedTuple):
    """Its ballot ``(n, p)`` (None before its first), its phase, the
    acceptors that promised that ballot, the highest vote they reported
    ``((n, p), value)`` and the value it sent in ACCEPT."""

    ballot: tuple | None = None
    phase: str = IDLE
    promised_by: frozenset = frozenset()
    highest: tuple | None = None
    value: int | None = None


class Acceptor(NamedTuple):
    """Its promise (a ballot) and its vote ``(ballot, value)``."""

    promised: tuple | None = None
    vote: tuple | None = None


class State(NamedTuple):
    proposers: tuple
    acceptors: tuple
    #: requests[p][a]: None, ("prepare", ballot) or ("accept", ballot, value)
    requests: tuple
    #: replies[a][p]: None or ("promise", ballot, vote)
    replies: tuple
    #: votes ``(ballot, value, acceptor)`` of ballots whose ACCEPT is in flight
    votes: frozenset
    #: the values chosen so far (history)
    chosen: frozenset


class Propose(NamedTuple):
    p: int


class Retry(NamedTuple):
    p: int


class DeliverRequest(NamedTuple):
    p: int
    a: int


class DeliverReply(NamedTuple):
    a: int
    p: int


@register
class PaxosLiveness(Model):
    name = "paxos-liveness"
    summary = ("single-decree Paxos whose proposers retry with higher ballots, ballots "
               "renumbered by order: Termination under fairness (dueling proposers)")
    params = (
        Param("acceptors", 3, "acceptors; a majority is a quorum", minimum=1, maximum=5),
        Param("proposers", 2, "proposers; proposer p proposes value p", minimum=1, maximum=3),
        Param("retry", 1, "1: a proposer's timer may fire before its ballot succeeds and it "
              "starts a higher one (Retry); 0: it never retries", minimum=0, maximum=1),
    )
    actions = (Propose, Retry, DeliverRequest, DeliverReply)
    mutants = {"no_adopt": "the proposer ignores the votes reported in PROMISEs and "
                           "proposes its own value; breaks Agreement"}

    symmetry_sets = ("acceptors",)

    #: ballots renumbered by their order: a retry may renumber to the state it left
    quotient = True

    def setup(self) -> None:
        self.majority = self.acceptors // 2 + 1

    # -- symmetry: acceptors are interchangeable (majorities treat all alike) ----------------

    def symmetry_groups(self):
        return {"acceptors": [list(range(self.acceptors))]}

    def permute(self, state: State, perm) -> State:
        """`state` with acceptor a renamed ``perm["acceptors"][a]``."""
        rename = perm.get("acceptors")
        if rename is None:
            return state
        order = sorted(range(self.acceptors), key=lambda a: rename[a])  # new slot -> old

        def moved(row):
            return tuple(row[a] for a in order)

        return state._replace(
            proposers=tuple(x._replace(promised_by=frozenset(rename[a] for a in x.promised_by))
                            for x in state.proposers),
            acceptors=moved(state.acceptors),
            requests=tuple(moved(row) for row in state.requests),
            replies=moved(state.replies),
            votes=frozenset((b, v, rename[a]) for b, v, a in state.votes))

    def permute_action(self, action, perm):
        rename = perm.get("acceptors")
        if rename is None or not hasattr(action, "a"):
            return action
        return action._replace(a=rename[action.a])

    def initial_states(self):
        yield State(proposers=(Proposer(),) * self.proposers,
                    acceptors=(Acceptor(),) * self.acceptors,
                    requests=((None,) * self.acceptors,) * self.proposers,
                    replies=((None,) * self.proposers,) * self.acceptors,
                    votes=frozenset(), chosen=frozenset())

    def successors(self, state: State):
        for p, proposer in enumerate(state.proposers):
            if proposer.ballot is None:
                yield Propose(p), self._start(state, p)
            elif self.retry and not state.chosen and self._waits_for_nothing(state, p):
                yield Retry(p), self._start(state, p)
        for p in range(self.proposers):
            for a in range(self.acceptors):
                if state.requests[p][a] is not None:
                    yield DeliverRequest(p, a), self._deliver_request(state, p, a)
        for a in range(self.acceptors):
            for p in range(self.proposers):
                if state.replies[a][p] is not None:
                    yield DeliverReply(a, p), self._deliver_reply(state, p, a)

    # -- reports ---------------------------------------------------------------------------

    def nodes(self):
        return ([f"p{p}" for p in range(self.proposers)]
                + [f"a{a}" for a in range(self.acceptors)])

    def step_events(self, state: State, action, next_state: State) -> list:
        """For sequence charts: the message a delivery receives, the messages
        a step puts into the network, and what a step changes at its node.
        A message that leaves the network undelivered was replaced on its
        channel by a newer one (lost) or would be ignored by its receiver
        (stale, taken out at once): a note says which. Arrows name messages
        without their ballots (`_label`), which renumbering changes while a
        message is in flight; the notes give the ballots."""
        delivered = None
        events: list = []
        if type(action) is DeliverRequest:
            delivered = ("requests", action.p, action.a)
            events.append(Received(f"p{action.p}", f"a{action.a}",
                                   _label(state.requests[action.p][action.a], action.p)))
        elif type(action) is DeliverReply:
            delivered = ("replies", action.a, action.p)
            events.append(Received(f"a{action.a}", f"p{action.p}",
                                   _label(state.replies[action.a][action.p], action.p)))
        else:
            ballot = next_state.proposers[action.p].ballot
            events.append(Note(f"p{action.p}", f"starts ballot {_ballot_text(ballot)}"))
        gone = []
        for field, src, dst in (("requests", "p", "a"), ("replies", "a", "p")):
            for i, (before, after) in enumerate(zip(getattr(state, field),
                                                    getattr(next_state, field))):
                for j, (old, new) in enumerate(zip(before, after)):
                    p = i if field == "requests" else j
                    taken = delivered == (field, i, j)
                    if field == "requests" and new is None and _accepts(state, next_state, p):
                        # an ACCEPT below the acceptor's promise: sent, and ignored at once
                        stale = next_state.proposers[p]
                        new = ("accept", stale.ballot, stale.value)
                        events.append(Sent(f"p{i}", f"a{j}", _label(new, p)))
                        gone.append(Note(f"a{j}", f"{_label(new, p)} stale: ignored"))
                        if old is not None and not taken:
                            gone.append(Note(f"a{j}", f"{_label(old, p)} from p{i} lost: "
                                             "replaced"))
                        continue
                    if new is not None and (old is None or taken
                                            or _label(new, p) != _label(old, p)):
                        events.append(Sent(f"{src}{i}", f"{dst}{j}", _label(new, p)))
                    if old is not None and not taken and (new is None
                                                          or _label(new, p) != _label(old, p)):
                        gone.append(Note(f"{dst}{j}", f"{_label(old, p)} from {src}{i} "
                                         + ("lost: replaced" if new is not None
                                            else "stale: ignored")))
        for a, (old, new) in enumerate(zip(state.acceptors, next_state.acceptors)):
            if new.vote is not None and (old.vote is None or old.vote[1] != new.vote[1]
                                         or delivered == ("requests", action.p, a)
                                         and old.vote != new.vote):
                events.append(Note(f"a{a}", f"votes {new.vote[1]} in "
                                   f"{_ballot_text(new.vote[0])}"))
        for p, (old, new) in enumerate(zip(state.proposers, next_state.proposers)):
            if new.phase == ACCEPTING and old.phase != ACCEPTING:
                events.append(Note(f"p{p}", f"proposes {new.value} in "
                                   f"{_ballot_text(new.ballot)}"))
        if next_state.chosen != state.chosen:
            node = events[0].dst if isinstance(events[0], Received) else events[0].node
            events.append(Note(node, "chosen: " + ", ".join(map(str, sorted(next_state.chosen)))))
        return events + gone

    def state_view(self, state: State) -> dict:
        """Per node fields (``p0.phase``, ``a1.promised``), the messages in
        flight as ``p0→a1: prepare (2, 0)``, the votes kept and what is chosen.
        A ballot ``(n, p)`` is round n of proposer p (renumbered by order)."""
        view = {}
        for p, x in enumerate(state.proposers):
            view[f"p{p}.ballot"] = _ballot_text(x.ballot)
            view[f"p{p}.phase"] = x.phase
            view[f"p{p}.promised_by"] = [f"a{a}" for a in sorted(x.promised_by)]
            view[f"p{p}.value"] = x.value
        for a, x in enumerate(state.acceptors):
            view[f"a{a}.promised"] = _ballot_text(x.promised)
            view[f"a{a}.vote"] = None if x.vote is None else (
                f"{x.vote[1]} in {_ballot_text(x.vote[0])}")
        flight = [f"p{p}→a{a}: {_message_text(m)}" for p, row in enumerate(state.requests)
                  for a, m in enumerate(row) if m is not None]
        flight += [f"a{a}→p{p}: {_message_text(m)}" for a, row in enumerate(state.replies)
                   for p, m in enumerate(row) if m is not None]
        view["network"] = flight
        view["votes"] = [f"a{a}: {v} in {_ballot_text(b)}" for b, v, a in sorted(state.votes)]
        view["chosen"] = sorted(state.chosen)
        return view

    # -- the proposer ------------------------------------------------------------------

    def _start(self, state: State, p: int) -> State:
        """Phase 1a: a ballot above every ballot in use; PREPARE to all."""
        n = 1 + max((b[0] for b in _ballots(state)), default=-1)
        ballot = (n, p)
        proposers = _put(state.proposers, p, Proposer(ballot, PREPARING))
        requests = _put(state.requests, p, (("prepare", ballot),) * self.acceptors)
        return _renumber(state._replace(proposers=proposers, requests=requests))

    def _waits_for_nothing(self, state: State, p: int) -> bool:
        """Whether p's timer may fire: none of its requests and none of the
        replies to it is in flight (its timeout outlasts a round trip)."""
        return (not any(state.requests[p])
                and not any(row[p] for row in state.replies))

    def _deliver_reply(self, state: State, p: int, a: int) -> State:
        """A PROMISE for the proposer's current ballot counts; with a
        majority it sends ACCEPT (phase 2a) with the highest vote's value."""
        _, ballot, vote = state.replies[a][p]
        replies = _put(state.replies, a, _put(state.replies[a], p, None))
        proposer = state.proposers[p]
        state = state._replace(replies=replies)
        if proposer.phase != PREPARING or proposer.ballot != ballot:
            return _renumber(state)  # stale: it only leaves the network
        highest = max((v for v in (proposer.highest, vote) if v is not None), default=None)
        promised_by = proposer.promised_by | {a}
        if len(promised_by) < self.majority:
            proposer = proposer._replace(promised_by=promised_by, highest=highest)
            return _renumber(state._replace(proposers=_put(state.proposers, p, proposer)))
        adopt = highest is not None and self.mutant != "no_adopt"  # the mutant's bug
        value = highest[1] if adopt else p
        proposer = Proposer(ballot, ACCEPTING, promised_by, highest, value)
        requests = _put(state.requests, p, (("accept", ballot, value),) * self.acceptors)
        return _renumber(state._replace(proposers=_put(state.proposers, p, proposer),
                                        requests=requests))

    # -- the acceptor ------------------------------------------------------------------

    def _deliver_request(self, state: State, p: int, a: int) -> State:
        """Phase 1b (promise a higher ballot) or 2b (vote at or above the
        promise); any other request is ignored."""
        message = state.requests[p][a]
        state = state._replace(requests=_put(state.requests, p,
                                             _put(state.requests[p], a, None)))
        acceptor = state.acceptors[a]
        ballot = message[1]
        if message[0] == "prepare":
            if acceptor.promised is None or ballot > acceptor.promised:
                acceptors = _put(state.acceptors, a, acceptor._replace(promised=ballot))
                replies = _put(state.replies, a, _put(state.replies[a], p,
                                                      ("promise", ballot, acceptor.vote)))
                state = state._replace(acceptors=acceptors, replies=replies)
        elif acceptor.promised is None or ballot >= acceptor.promised:
            value = message[2]
            acceptors = _put(state.acceptors, a, Acceptor(ballot, (ballot, value)))
            votes = state.votes | {(ballot, value, a)}
            voters = sum(1 for b, v, _ in votes if (b, v) == (ballot, value))
            chosen = state.chosen | {value} if voters >= self.majority else state.chosen
            state = state._replace(acceptors=acceptors, votes=votes, chosen=chosen)
        return _renumber(state)

    # -- properties ----------------------------------------------------------------------

    @invariant("Agreement")
    def agreement(self, state: State):
        """At most one value is chosen."""
        if len(state.chosen) <= 1:
            return True
        return Fails(f"values {', '.join(map(str, sorted(state.chosen)))} are all chosen")

    @eventually("Termination")
    def termination(self, state: State) -> bool:
        """A value is eventually chosen."""
        return bool(state.chosen)


def _ballot_text(ballot) -> str | None:
    return None if ballot is None else f"({ballot[0]}, p{ballot[1]})"


def _message_text(m) -> str:
    if m[0] == "promise":
        vote = "no vote" if m[2] is None else f"vote {m[2][1]} in {_ballot_text(m[2][0])}"
        return f"promise {_ballot_text(m[1])}, {vote}"
    if m[0] == "accept":
        return f"accept {_ballot_text(m[1])} value {m[2]}"
    return f"prepare {_ballot_text(m[1])}"


def _accepts(state: State, next_state: State, p: int) -> bool:
    """Whether proposer p sends its ACCEPTs in the step from `state`."""
    return next_state.proposers[p].phase == ACCEPTING != state.proposers[p].phase


def _label(m, p: int) -> str:
    """A message as a chart's arrow names it: its kind, proposer and value."""
    if m[0] == "promise":
        return f"PROMISE p{p}" + ("" if m[2] is None else f" (voted {m[2][1]})")
    if m[0] == "accept":
        return f"ACCEPT p{p} value {m[2]}"
    return f"PREPARE p{p}"


def _put(row: tuple, index: int, value) -> tuple:
    return row[:index] + (value,) + row[index + 1:]


def _ballots(state: State):
    """Every ballot the state holds."""
    for proposer in state.proposers:
        if proposer.ballot is not None:
            yield proposer.ballot
        if proposer.highest is not None:
            yield proposer.highest[0]
    for acceptor in state.acceptors:
        if acceptor.promised is not None:
            yield acceptor.promised
        if acceptor.vote is not None:
            yield acceptor.vote[0]
    for row in state.requests + state.replies:
        for message in row:
            if message is not None:
                yield message[1]
                if message[0] == "promise" and message[2] is not None:
                    yield message[2][0]
    for ballot, _, _ in state.votes:
        yield ballot


def _forget_ignored(state: State) -> State:
    """The state without the messages their receivers would ignore: a
    request below the acceptor's promise (a PREPARE at it), a PROMISE for a
    ballot its proposer is no longer gathering. Delivering one changes
    nothing but the network, so taking it out at once leaves the same
    behaviours with fewer interleavings."""
    def wanted_request(m, acceptor):
        return m is not None and (acceptor.promised is None or m[1] > acceptor.promised
                                  or (m[0] == "accept" and m[1] == acceptor.promised))

    def wanted_reply(m, proposer):
        return m is not None and proposer.phase == PREPARING and m[1] == proposer.ballot

    requests = tuple(tuple(m if wanted_request(m, state.acceptors[a]) else None
                           for a, m in enumerate(row)) for row in state.requests)
    replies = tuple(tuple(m if wanted_reply(m, state.proposers[p]) else None
                          for p, m in enumerate(row)) for row in state.replies)
    return state._replace(requests=requests, replies=replies)


def _renumber(state: State) -> State:
    """The state with ballot numbers replaced by their ranks (0, 1, ...),
    the messages nobody would act on and the votes no ACCEPT in flight can
    add to dropped."""
    state = _forget_ignored(state)
    in_flight = {m[1] for row in state.requests for m in row if m and m[0] == "accept"}
    state = state._replace(votes=frozenset(v for v in state.votes if v[0] in in_flight))
    rank = {n: k for k, n in enumerate(sorted({b[0] for b in _ballots(state)}))}
    if all(n == k for n, k in rank.items()):
        return state

    def b(ballot):
        return None if ballot is None else (rank[ballot[0]], ballot[1])

    def vote(v):
        return None if v is None else (b(v[0]), v[1])

    def message(m):
        if m is None:
            return None
        if m[0] == "promise":
            return ("promise", b(m[1]), vote(m[2]))
        return (m[0], b(m[1])) + m[2:]

    return State(
        proposers=tuple(Proposer(b(x.ballot), x.phase, x.promised_by, vote(x.highest), x.value)
                        for x in state.proposers),
        acceptors=tuple(Acceptor(b(x.promised), vote(x.vote)) for x in state.acceptors),
        requests=tuple(tuple(map(message, row)) for row in state.requests),
        replies=tuple(tuple(map(message, row)) for row in state.replies),
        votes=frozenset((b(x[0]), x[1], x[2]) for x in state.votes),
        chosen=state.chosen)
