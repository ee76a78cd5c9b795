"""Kafka's KRaft, as Jack Vanlightly's KRaft.tla writes it
(Vanlightly/raft-tlaplus, specifications/pull-raft/KRaft.tla and KRaft.cfg,
commit cc86474): a user's plain `checker.Model`, one action per operator of
the spec's Next, each guard and effect as the spec states it.

KRaft is Raft where followers pull: a follower sends its leader a
FetchRequest from its log's end (offset and last epoch); the leader answers
with the next entry (Ok), with the point to truncate to (Diverging), or an
error (NotOk), learns the follower's end offset from the fetch and advances
its high watermark to the highest offset a quorum has reached, if that
entry is of its own epoch. Elections use Vote requests (RequestVote
combines raft.tla's Timeout and RequestVote) and a new leader announces
itself with BeginQuorumEpoch. Servers are Unattached, Voted, Candidate,
Leader or Follower (QuorumState.java's states); a transition the
implementation forbids makes a server IllegalState.

How ``messages`` is held: as the spec holds it, a function from message to
a delivery count (raft.tla's bag, written without the Bags module) whose
domain never shrinks, the kit's `counts`: receiving or dropping a message
lowers its count, to 0 at the last copy, and the message stays in the
domain. The domain is what ``_SendOnce`` and ``SendMultipleOnce`` test (a
RequestVoteRequest or BeginQuorumRequest is sent once, ever) and what
``Reply`` tests for a FetchResponse (an identical response is never sent
twice), so it is part of the state: two states whose counts agree but whose
histories differ are two states, for TLC as here. (The kit's `Bag` forgets
a message at count 0 and its `MessageSet` never lowers one, so neither is
this network.) _SendNoRestriction is its `send`, _SendOnce its
`send_once`, SendMultipleOnce its `send_all_once`, Discard its `discard`,
and Reply its `reply` but for the FetchResponse rule (`KRaft.reply`); it
iterates DOMAIN messages in the order of their text (repr), in which the
traces pinned were found.

Action by action (``i`` the server acting or receiving, ``j`` its peer):

- Restart(i): below MaxRestarts, i restarts a Follower with no leader,
  votes, end offsets, high watermark or pending fetch; it keeps its epoch,
  vote and log.
- RequestVote(i): below MaxElections, a Follower, Candidate or Unattached i
  becomes a Candidate of epoch + 1, votes for itself and sends a
  RequestVoteRequest to every peer (once).
- HandleRequestVoteRequest(i, j): a lower epoch is answered
  FencedLeaderEpoch; a higher one makes i Unattached in it; i grants if it
  is Unattached (becoming Voted) or already Voted for j, and j's last entry
  is at least i's.
- HandleRequestVoteResponse(i, j): MaybeHandleCommonResponse (stale, higher
  epoch or error, or a leader to follow), else a Candidate counts a granted
  vote.
- BecomeLeader(i): a Candidate with a quorum of votes leads and sends
  BeginQuorumRequest to every peer (once).
- HandleBeginQuorumRequest(i, j): MaybeTransition to j's leadership, or
  FencedLeaderEpoch for a lower epoch; the BeginQuorumResponse is sent and
  never received (as in the spec).
- ClientRequest(i, v): a Leader appends v, once per value (acked[v] = Nil).
- SendFetchRequest(i, j): a Follower of j with no fetch pending fetches.
- RejectFetchRequest(i, j): NotLeader, FencedLeaderEpoch or UnknownLeader.
- DivergingFetchRequest(i, j): a leader answers an inconsistent position
  with EndOffsetForEpoch(lastFetchedEpoch).
- AcceptFetchRequest(i, j): a leader records j's end offset, advances its
  high watermark (NewHighwaterMark), acks the values now under it, and
  sends the next entry, if any, with min(hwm, offset).
- HandleSuccessFetchResponse, HandleDivergingFetchResponse,
  HandleErrorFetchResponse (i, j): the response to the pending fetch:
  append and take the high watermark, truncate to the highest common entry,
  or handle the error (MaybeHandleCommonResponse).

The network's DuplicateMessage and DropMessage are commented out of the
spec's Next; they are not here either.

Constants: ``servers`` is Cardinality(Server) (``n1`` .. ``nN``),
``values`` Cardinality(Value) (``v1`` .. ``vK``); MaxElections and
MaxRestarts keep the spec's names. The cfg has no CONSTRAINT: the counters
are guards, and the state space is finite (a fetch whose response was sent
before is not answered again). A state where no step is enabled (every
election used and the servers quiet) is reported as the bound MaxElections,
as TLC is run with ``-deadlock``. Symmetry: the cfg's ``symmServers ==
Permutations(Server)`` is the set "servers"; Value is not symmetric there
and is not here. The renaming of states and their signatures are derived
from the types by the kit's `Symmetric` (the fields naming servers are
typed ``Server``, the per-server variables ``indexed_by(Server, ...)``);
the actions name servers as strings, as TLC prints them (``n1``), and
`permute_action` renames them.

Invariants, the cfg's: NoIllegalState, NoLogDivergence,
NeverTwoLeadersInSameEpoch, LeaderHasAllAckedValues; and the spec's
CommittedEntriesReachMajority, which the cfg does not name (it holds on
every bound the tests check, as TLC found). Each fails under a mutant below
(tests/models/test_user_kraft.py pins the runs, TLC's on the same mutants in
TLA+). NoLogDivergence cannot fail with one value: a value is submitted
once, so every log is a prefix of the same one-entry log. With a restart
(MaxRestarts >= 1) NoIllegalState fails in the spec itself, in 6 steps: a
voter restarts as a Follower with no leader at the epoch it voted in, and
the BeginQuorumRequest of that epoch then makes TransitionToFollower find a
Follower of the same epoch (TLC 2.15 finds the same run).

Reports show ``messages`` one entry a message (``messages[...]``: its
count, "none" before it is in the domain), so that a step shows only the
messages it changes.

The published KRaft.cfg (3 servers, 1 value, MaxElections 2, SYMMETRY) is
out of reach here: TLC 2.15 had 3,296,533 orbits and 725,046 states on its
queue at depth 28 after 20 minutes, when it was stopped.

Differences from the text: none in behaviour. Nil is None, the constants
are strings, the auxiliary counters are in the state as in the spec. The cfg
has ``VIEW view``, which leaves out electionCtr and restartCtr; the
parameter ``VIEW`` (off by default) is it (`view`). With two or more servers
electionCtr is a function of the view (each election leaves a
RequestVoteRequest of its own in the domain of ``messages`` for good), so
without restarts TLC's distinct states are the same with or without the
VIEW (checked on every bound the tests pin); with restarts, a restart that
changes nothing else is one state with the VIEW and two without (2 servers,
1 value, 1 election, 1 restart: 217 and 271, as TLC finds).
"""

from __future__ import annotations

from itertools import permutations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, reachable
from models.kit import Counts, Symmetric, counts, ids, indexed_by

Server = ids("servers", "n", first=1)  # interchangeable: SYMMETRY symmServers

# Server states
FOLLOWER, CANDIDATE, LEADER, UNATTACHED, VOTED, ILLEGAL_STATE = (
    "Follower", "Candidate", "Leader", "Unattached", "Voted", "IllegalState")
# Message types
RV_REQUEST, RV_RESPONSE, BQ_REQUEST, BQ_RESPONSE, FETCH_REQUEST, FETCH_RESPONSE = (
    "RequestVoteRequest", "RequestVoteResponse", "BeginQuorumRequest",
    "BeginQuorumResponse", "FetchRequest", "FetchResponse")
# Fetch response codes and errors
OK, NOT_OK, DIVERGING = "Ok", "NotOk", "Diverging"
FENCED_LEADER_EPOCH, NOT_LEADER, UNKNOWN_LEADER = (
    "FencedLeaderEpoch", "NotLeader", "UnknownLeader")


class Entry(NamedTuple):
    """A log entry: [epoch |-> e, value |-> v]."""

    epoch: int
    value: int


# Every message record starts with mtype, so that two messages of different
# types never compare equal as tuples.
class RequestVoteRequest(NamedTuple):
    mtype: str
    mepoch: int
    mlastLogEpoch: int
    mlastLogOffset: int
    msource: Server
    mdest: Server


class RequestVoteResponse(NamedTuple):
    mtype: str
    mepoch: int
    mleader: Server | None
    mvoteGranted: bool
    merror: str | None
    msource: Server
    mdest: Server


class BeginQuorumRequest(NamedTuple):
    mtype: str
    mepoch: int
    msource: Server
    mdest: Server


class BeginQuorumResponse(NamedTuple):
    mtype: str
    mepoch: int
    msource: Server
    mdest: Server
    merror: str | None


class FetchRequest(NamedTuple):
    mtype: str
    mepoch: int
    mfetchOffset: int
    mlastFetchedEpoch: int
    msource: Server
    mdest: Server


class FetchResponse(NamedTuple):
    """The three shapes of the spec's FetchResponse in one record: the
    fields a shape lacks are None (mentries for Ok, mdivergingEpoch and
    mdivergingEndOffset for Diverging); mresult tells the shapes apart."""

    mtype: str
    mepoch: int
    mresult: str
    merror: str | None
    mleader: Server | None
    mhwm: int
    mentries: tuple[Entry, ...] | None
    mdivergingEpoch: int | None
    mdivergingEndOffset: int | None
    msource: Server
    mdest: Server
    correlation: FetchRequest


Message = (RequestVoteRequest | RequestVoteResponse | BeginQuorumRequest | BeginQuorumResponse
           | FetchRequest | FetchResponse)
# DOMAIN messages, in the order of the traces pinned (TLC's, action for action)
Messages = counts(Message, order=repr)


class State(NamedTuple):
    """The spec's variables; per-server ones are tuples by server (n1
    first), ``acked`` by value (None: Nil)."""

    messages: Messages
    acked: tuple[bool | None, ...]
    electionCtr: int
    restartCtr: int
    currentEpoch: indexed_by(Server, int)
    state: indexed_by(Server, str)
    votedFor: indexed_by(Server, Server | None)
    leader: indexed_by(Server, Server | None)
    pendingFetch: indexed_by(Server, FetchRequest | None)
    log: indexed_by(Server, tuple[Entry, ...])
    highWatermark: indexed_by(Server, int)
    votesGranted: indexed_by(Server, frozenset[Server])
    endOffset: indexed_by(Server, indexed_by(Server, int))


class Transition(NamedTuple):
    """What MaybeTransition and friends return: [state, epoch, leader]."""

    state: str
    epoch: int
    leader: int | None


ILLEGAL = Transition(ILLEGAL_STATE, 0, None)  # SetIllegalState


# -- actions: the spec's, a received message told by its receiver i, sender j and epoch


class Restart(NamedTuple):
    i: str


class RequestVote(NamedTuple):
    i: str


class HandleRequestVoteRequest(NamedTuple):
    i: str
    j: str
    mepoch: int


class HandleRequestVoteResponse(NamedTuple):
    i: str
    j: str
    mepoch: int
    granted: bool


class BecomeLeader(NamedTuple):
    i: str


class ClientRequest(NamedTuple):
    i: str
    v: str


class RejectFetchRequest(NamedTuple):
    i: str
    j: str
    mepoch: int


class DivergingFetchRequest(NamedTuple):
    i: str
    j: str
    mepoch: int


class AcceptFetchRequest(NamedTuple):
    i: str
    j: str
    mepoch: int
    fetchOffset: int


class HandleBeginQuorumRequest(NamedTuple):
    i: str
    j: str
    mepoch: int


class SendFetchRequest(NamedTuple):
    i: str
    j: str


class HandleSuccessFetchResponse(NamedTuple):
    i: str
    j: str
    mepoch: int


class HandleDivergingFetchResponse(NamedTuple):
    i: str
    j: str
    mepoch: int


class HandleErrorFetchResponse(NamedTuple):
    i: str
    j: str
    mepoch: int


ACTIONS = (Restart, RequestVote, HandleRequestVoteRequest, HandleRequestVoteResponse,
           BecomeLeader, ClientRequest, RejectFetchRequest, DivergingFetchRequest,
           AcceptFetchRequest, HandleBeginQuorumRequest, SendFetchRequest,
           HandleSuccessFetchResponse, HandleDivergingFetchResponse, HandleErrorFetchResponse)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def last_epoch(log: tuple) -> int:
    """LastEpoch(xlog): the epoch of the last entry, or 0."""
    return log[-1].epoch if log else 0


def compare_entries(offset1: int, epoch1: int, offset2: int, epoch2: int) -> int:
    """CompareEntries: epoch first, then offset; 1, 0 or -1."""
    if epoch1 > epoch2:
        return 1
    if epoch1 == epoch2 and offset1 > offset2:
        return 1
    if epoch1 == epoch2 and offset1 == offset2:
        return 0
    return -1


def highest_common_offset(log: tuple, end_offset: int, epoch: int) -> int:
    """HighestCommonOffset(i, endOffsetForEpoch, epoch).offset: the highest
    offset of the log whose entry is at or below (end_offset, epoch), or 0."""
    below = [offset for offset in range(1, len(log) + 1)
             if compare_entries(offset, log[offset - 1].epoch, end_offset, epoch) <= 0]
    return max(below, default=0)


def end_offset_for_epoch(log: tuple, last_fetched_epoch: int) -> tuple[int, int]:
    """EndOffsetForEpoch(i, lastFetchedEpoch): the highest offset whose entry's
    epoch is at most lastFetchedEpoch, and that epoch; (0, 0) if none."""
    below = [offset for offset in range(1, len(log) + 1)
             if log[offset - 1].epoch <= last_fetched_epoch]
    if not below:
        return 0, 0
    return max(below), log[max(below) - 1].epoch


class KRaft(Symmetric, Model):
    name = "kraft"
    summary = "Kafka's KRaft, pull-based Raft (Jack Vanlightly's KRaft.tla)"
    params = (Param("servers", 3, "Cardinality(Server): servers n1..nN", minimum=1, maximum=5),
              Param("values", 1, "Cardinality(Value): client values v1..vK", minimum=1,
                    maximum=4),
              Param("MaxElections", 2, "MaxElections: RequestVote at most this many times in all",
                    minimum=0, maximum=6),
              Param("MaxRestarts", 0, "MaxRestarts: Restart at most this many times in all",
                    minimum=0, maximum=6),
              Param("VIEW", False, "KRaft.cfg's VIEW view: states that differ only in "
                    "electionCtr and restartCtr are one state"))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("servers",)

    def setup(self) -> None:
        self.everyone = tuple(range(self.servers))

    # -- names ---------------------------------------------------------------------------

    @staticmethod
    def server(i: int | None) -> str | None:
        return None if i is None else f"n{i + 1}"

    def is_quorum(self, voters) -> bool:
        """Quorum: Cardinality(i) * 2 > Cardinality(Server)."""
        return len(voters) * 2 > self.servers

    # -- Init ----------------------------------------------------------------------------

    def initial_states(self):
        n = self.servers
        yield State(messages=Messages(), acked=(None,) * self.values, electionCtr=0, restartCtr=0,
                    currentEpoch=(1,) * n, state=(UNATTACHED,) * n, votedFor=(None,) * n,
                    leader=(None,) * n, pendingFetch=(None,) * n, log=((),) * n,
                    highWatermark=(0,) * n, votesGranted=(frozenset(),) * n,
                    endOffset=((0,) * n,) * n)

    # -- the network: messages, the kit's message-count function (Counts) ----------------

    @staticmethod
    def send(s: State, m) -> Counts | None:
        """Send(m): _SendOnce for a RequestVoteRequest or BeginQuorumRequest
        (None: not enabled), else _SendNoRestriction (one more copy)."""
        return s.messages.send_once(m) if m.mtype in (RV_REQUEST, BQ_REQUEST) else (
            s.messages.send(m))

    @staticmethod
    def reply(s: State, response, request) -> Counts | None:
        """Reply(response, request): one request fewer and the response added,
        or one more copy of it unless it is a FetchResponse (None: not
        enabled)."""
        if response.mtype == FETCH_RESPONSE and response in s.messages:
            return None
        return s.messages.reply(response, request)

    def receivable(self, s: State, mtype: str, equal_epoch: bool = False):
        """ReceivableMessage(m, mtype, AnyEpoch or EqualEpoch) over DOMAIN
        messages, in their order."""
        for m in s.messages.receivable():
            if m.mtype == mtype and (not equal_epoch or m.mepoch == s.currentEpoch[m.mdest]):
                yield m

    # -- transition helpers --------------------------------------------------------------

    def no_transition(self, s: State, i: int) -> Transition:
        return Transition(s.state[i], s.currentEpoch[i], s.leader[i])

    def has_consistent_leader(self, s: State, i: int, leader_id, epoch: int) -> bool:
        """HasConsistentLeader(i, leaderId, epoch)."""
        if leader_id == i:
            return s.state[i] == LEADER
        return (epoch != s.currentEpoch[i] or leader_id is None or s.leader[i] is None
                or s.leader[i] == leader_id)

    def transition_to_voted(self, epoch: int, state0: Transition) -> Transition:
        """TransitionToVoted(i, epoch, state0)."""
        if state0.epoch == epoch and state0.state != UNATTACHED:
            return ILLEGAL
        return Transition(VOTED, epoch, None)

    def transition_to_follower(self, s: State, i: int, leader_id, epoch: int) -> Transition:
        """TransitionToFollower(i, leaderId, epoch): illegal if i is already a
        Follower or Leader of that epoch."""
        if s.currentEpoch[i] == epoch and s.state[i] in (FOLLOWER, LEADER):
            return ILLEGAL
        return Transition(FOLLOWER, epoch, leader_id)

    def maybe_transition(self, s: State, i: int, leader_id, epoch: int) -> Transition:
        """MaybeTransition(i, leaderId, epoch), its CASE arms in order."""
        if not self.has_consistent_leader(s, i, leader_id, epoch):
            return ILLEGAL
        if epoch > s.currentEpoch[i]:
            if leader_id is None:
                return Transition(UNATTACHED, epoch, None)
            return self.transition_to_follower(s, i, leader_id, epoch)
        if leader_id is not None and s.leader[i] is None:
            return self.transition_to_follower(s, i, leader_id, epoch)
        return self.no_transition(s, i)

    def maybe_handle_common_response(self, s: State, i: int, leader_id, epoch: int,
                                     errors) -> tuple[Transition, bool]:
        """MaybeHandleCommonResponse(i, leaderId, epoch, errors): the new
        [state, epoch, leader] and whether the response was handled."""
        if epoch < s.currentEpoch[i]:
            return self.no_transition(s, i), True
        if epoch > s.currentEpoch[i] or errors is not None:
            return self.maybe_transition(s, i, leader_id, epoch), True
        if leader_id is not None and s.leader[i] is None:
            return Transition(FOLLOWER, s.currentEpoch[i], leader_id), True
        return self.no_transition(s, i), False

    @staticmethod
    def apply(s: State, i: int, t: Transition) -> dict:
        """state', currentEpoch' and leader' of server i from a Transition."""
        return {"state": _with(s.state, i, t.state),
                "currentEpoch": _with(s.currentEpoch, i, t.epoch),
                "leader": _with(s.leader, i, t.leader)}

    # -- Next ----------------------------------------------------------------------------

    def successors(self, s: State):
        name = self.server
        for i in self.everyone:
            t = self.restart(s, i)
            if t is not None:
                yield Restart(name(i)), t
        for i in self.everyone:
            t = self.request_vote(s, i)
            if t is not None:
                yield RequestVote(name(i)), t
        for m in self.receivable(s, RV_REQUEST):
            t = self.handle_request_vote_request(s, m)
            if t is not None:
                yield HandleRequestVoteRequest(name(m.mdest), name(m.msource), m.mepoch), t
        for m in self.receivable(s, RV_RESPONSE):
            t = self.handle_request_vote_response(s, m)
            if t is not None:
                yield (HandleRequestVoteResponse(name(m.mdest), name(m.msource), m.mepoch,
                                                 m.mvoteGranted), t)
        for i in self.everyone:
            t = self.become_leader(s, i)
            if t is not None:
                yield BecomeLeader(name(i)), t
        for v in range(self.values):  # \E i \in Server, v \in Value: i varies fastest
            for i in self.everyone:
                t = self.client_request(s, i, v)
                if t is not None:
                    yield ClientRequest(name(i), f"v{v + 1}"), t
        for m in self.receivable(s, FETCH_REQUEST):
            t = self.reject_fetch_request(s, m)
            if t is not None:
                yield RejectFetchRequest(name(m.mdest), name(m.msource), m.mepoch), t
        for m in self.receivable(s, FETCH_REQUEST, equal_epoch=True):
            t = self.diverging_fetch_request(s, m)
            if t is not None:
                yield DivergingFetchRequest(name(m.mdest), name(m.msource), m.mepoch), t
        for m in self.receivable(s, FETCH_REQUEST, equal_epoch=True):
            t = self.accept_fetch_request(s, m)
            if t is not None:
                yield (AcceptFetchRequest(name(m.mdest), name(m.msource), m.mepoch,
                                          m.mfetchOffset), t)
        for m in self.receivable(s, BQ_REQUEST):
            t = self.handle_begin_quorum_request(s, m)
            if t is not None:
                yield HandleBeginQuorumRequest(name(m.mdest), name(m.msource), m.mepoch), t
        for j in self.everyone:  # \E i, j \in Server: i varies fastest
            for i in self.everyone:
                t = self.send_fetch_request(s, i, j)
                if t is not None:
                    yield SendFetchRequest(name(i), name(j)), t
        for m in self.receivable(s, FETCH_RESPONSE):
            t = self.handle_success_fetch_response(s, m)
            if t is not None:
                yield HandleSuccessFetchResponse(name(m.mdest), name(m.msource), m.mepoch), t
        for m in self.receivable(s, FETCH_RESPONSE):
            t = self.handle_diverging_fetch_response(s, m)
            if t is not None:
                yield HandleDivergingFetchResponse(name(m.mdest), name(m.msource), m.mepoch), t
        for m in self.receivable(s, FETCH_RESPONSE):
            t = self.handle_error_fetch_response(s, m)
            if t is not None:
                yield HandleErrorFetchResponse(name(m.mdest), name(m.msource), m.mepoch), t

    # -- the actions ---------------------------------------------------------------------

    def restart(self, s: State, i: int) -> State | None:
        """Restart(i): server i restarts from stable storage. It loses
        everything but its currentEpoch, leader and log."""
        if not s.restartCtr < self.MaxRestarts:
            return None
        return s._replace(state=_with(s.state, i, FOLLOWER), leader=_with(s.leader, i, None),
                          votesGranted=_with(s.votesGranted, i, frozenset()),
                          endOffset=_with(s.endOffset, i, (0,) * self.servers),
                          highWatermark=_with(s.highWatermark, i, 0),
                          pendingFetch=_with(s.pendingFetch, i, None),
                          restartCtr=s.restartCtr + 1)

    def request_vote(self, s: State, i: int) -> State | None:
        """RequestVote(i): server i times out and starts a new election,
        voting for itself and sending a RequestVote request to all peers but
        itself."""
        if not (s.electionCtr < self.MaxElections
                and s.state[i] in (FOLLOWER, CANDIDATE, UNATTACHED)):
            return None
        epoch = s.currentEpoch[i] + 1
        messages = s.messages.send_all_once([
            RequestVoteRequest(RV_REQUEST, epoch, last_epoch(s.log[i]), len(s.log[i]), i, j)
            for j in self.everyone if j != i])
        if messages is None:
            return None
        return s._replace(state=_with(s.state, i, CANDIDATE),
                          currentEpoch=_with(s.currentEpoch, i, epoch),
                          leader=_with(s.leader, i, None), votedFor=_with(s.votedFor, i, i),
                          votesGranted=_with(s.votesGranted, i, frozenset({i})),
                          pendingFetch=_with(s.pendingFetch, i, None),
                          electionCtr=s.electionCtr + 1, messages=messages)

    def log_ok(self, s: State, i: int, m: RequestVoteRequest) -> bool:
        """logOk: the candidate's last entry is at least i's."""
        return compare_entries(m.mlastLogOffset, m.mlastLogEpoch, len(s.log[i]),
                               last_epoch(s.log[i])) >= 0

    def handle_request_vote_request(self, s: State, m: RequestVoteRequest) -> State | None:
        """HandleRequestVoteRequest: server i votes for j if 1) j's epoch >=
        i's, 2) i's last entry <= j's, 3) i has not voted for another."""
        i, j = m.mdest, m.msource
        if m.mepoch < s.currentEpoch[i]:
            response = RequestVoteResponse(RV_RESPONSE, s.currentEpoch[i], s.leader[i], False,
                                           FENCED_LEADER_EPOCH, i, j)
            messages = self.reply(s, response, m)
            return None if messages is None else s._replace(messages=messages)
        state0 = (Transition(UNATTACHED, m.mepoch, None) if m.mepoch > s.currentEpoch[i]
                  else self.no_transition(s, i))
        grant = ((state0.state == UNATTACHED
                  or (state0.state == VOTED and s.votedFor[i] == j))
                 and self.log_ok(s, i, m))
        final = (self.transition_to_voted(m.mepoch, state0)
                 if grant and state0.state == UNATTACHED else state0)
        response = RequestVoteResponse(RV_RESPONSE, m.mepoch, final.leader, grant, None, i, j)
        messages = self.reply(s, response, m)
        if messages is None:
            return None
        changes = self.apply(s, i, final)
        if grant:
            changes["votedFor"] = _with(s.votedFor, i, j)
        if changes["state"] != s.state:
            changes["pendingFetch"] = _with(s.pendingFetch, i, None)
        return s._replace(messages=messages, **changes)

    def handle_request_vote_response(self, s: State, m: RequestVoteResponse) -> State | None:
        """HandleRequestVoteResponse: server i receives j's vote; a stale
        response registers no vote either way."""
        i, j = m.mdest, m.msource
        new, handled = self.maybe_handle_common_response(s, i, m.mleader, m.mepoch, m.merror)
        if handled:
            return s._replace(messages=s.messages.discard(m), **self.apply(s, i, new))
        if s.state[i] != CANDIDATE:
            return None
        granted = s.votesGranted[i] | {j} if m.mvoteGranted else s.votesGranted[i]
        return s._replace(messages=s.messages.discard(m),
                          votesGranted=_with(s.votesGranted, i, granted))

    def become_leader(self, s: State, i: int) -> State | None:
        """BecomeLeader(i): candidate i with a quorum of votes becomes leader
        and notifies all peers with BeginQuorumRequest."""
        if not (s.state[i] == CANDIDATE and self.is_quorum(s.votesGranted[i])):
            return None
        messages = s.messages.send_all_once([
            BeginQuorumRequest(BQ_REQUEST, s.currentEpoch[i], i, j)
            for j in self.everyone if j != i])
        if messages is None:
            return None
        return s._replace(state=_with(s.state, i, LEADER), leader=_with(s.leader, i, i),
                          endOffset=_with(s.endOffset, i, (0,) * self.servers),
                          messages=messages)

    def handle_begin_quorum_request(self, s: State, m: BeginQuorumRequest) -> State | None:
        """HandleBeginQuorumRequest: a server becomes a follower unless the
        message is stale."""
        i, j = m.mdest, m.msource
        if m.mepoch < s.currentEpoch[i]:
            response = BeginQuorumResponse(BQ_RESPONSE, s.currentEpoch[i], i, j,
                                           FENCED_LEADER_EPOCH)
            messages = self.reply(s, response, m)
            return None if messages is None else s._replace(messages=messages)
        new = self.maybe_transition(s, i, m.msource, m.mepoch)
        messages = self.reply(s, BeginQuorumResponse(BQ_RESPONSE, m.mepoch, i, j, None), m)
        if messages is None:
            return None
        return s._replace(messages=messages, pendingFetch=_with(s.pendingFetch, i, None),
                          **self.apply(s, i, new))

    def client_request(self, s: State, i: int, v: int) -> State | None:
        """ClientRequest(i, v): leader i appends v, a value not yet submitted."""
        if not (s.state[i] == LEADER and s.acked[v] is None):
            return None
        return s._replace(log=_with(s.log, i, s.log[i] + (Entry(s.currentEpoch[i], v),)),
                          acked=_with(s.acked, v, False))

    def send_fetch_request(self, s: State, i: int, j: int) -> State | None:
        """SendFetchRequest(i, j): follower i sends its leader j a
        FetchRequest from the end of its log."""
        if not (i != j and s.state[i] == FOLLOWER and s.leader[i] == j
                and s.pendingFetch[i] is None):
            return None
        log = s.log[i]
        fetch = FetchRequest(FETCH_REQUEST, s.currentEpoch[i], len(log), last_epoch(log), i, j)
        return s._replace(pendingFetch=_with(s.pendingFetch, i, fetch),
                          messages=self.send(s, fetch))

    def reject_fetch_request(self, s: State, m: FetchRequest) -> State | None:
        """RejectFetchRequest: i is not a leader, or the epoch is lower or
        higher than i's."""
        i, j = m.mdest, m.msource
        if s.state[i] != LEADER:
            error = NOT_LEADER
        elif m.mepoch < s.currentEpoch[i]:
            error = FENCED_LEADER_EPOCH
        elif m.mepoch > s.currentEpoch[i]:
            error = UNKNOWN_LEADER
        else:
            return None
        response = FetchResponse(FETCH_RESPONSE, s.currentEpoch[i], NOT_OK, error, s.leader[i],
                                 s.highWatermark[i], None, None, None, i, j, m)
        messages = self.reply(s, response, m)
        return None if messages is None else s._replace(messages=messages)

    def valid_fetch_position(self, s: State, i: int, m: FetchRequest) -> bool:
        """ValidFetchPosition(i, m): the follower's position is consistent
        with the leader's log."""
        if m.mfetchOffset == 0 and m.mlastFetchedEpoch == 0:
            return True
        offset, epoch = end_offset_for_epoch(s.log[i], m.mlastFetchedEpoch)
        return m.mfetchOffset <= offset and m.mlastFetchedEpoch == epoch

    def diverging_fetch_request(self, s: State, m: FetchRequest) -> State | None:
        """DivergingFetchRequest: leader i answers an inconsistent fetch
        position with the end offset of the follower's last fetched epoch,
        so that it can truncate its log."""
        i, j = m.mdest, m.msource
        if not (s.state[i] == LEADER and not self.valid_fetch_position(s, i, m)):
            return None
        offset, epoch = end_offset_for_epoch(s.log[i], m.mlastFetchedEpoch)
        response = FetchResponse(FETCH_RESPONSE, s.currentEpoch[i], DIVERGING, None,
                                 s.leader[i], s.highWatermark[i], None, epoch, offset, i, j, m)
        messages = self.reply(s, response, m)
        return None if messages is None else s._replace(messages=messages)

    def new_high_watermark(self, s: State, i: int, new_end_offset: tuple) -> int:
        """NewHighwaterMark(i, newEndOffset): the highest offset a quorum
        (with i) has reached, if its entry is of i's epoch; else i's."""
        agree = [offset for offset in range(1, len(s.log[i]) + 1)
                 if self.is_quorum({i} | {k for k in self.everyone
                                         if new_end_offset[k] >= offset})]
        if agree and s.log[i][max(agree) - 1].epoch == s.currentEpoch[i]:
            return max(agree)
        return s.highWatermark[i]

    def accept_fetch_request(self, s: State, m: FetchRequest) -> State | None:
        """AcceptFetchRequest: leader i answers a valid fetch with the next
        entry, if any, records j's end offset and advances the high
        watermark if it can (to an entry of its epoch)."""
        i, j = m.mdest, m.msource
        if not (s.state[i] == LEADER and self.valid_fetch_position(s, i, m)):
            return None
        log = s.log[i]
        offset = m.mfetchOffset + 1
        entries = () if offset > len(log) else (log[offset - 1],)
        new_end_offset = _with(s.endOffset[i], j, m.mfetchOffset)
        new_hwm = self.new_high_watermark(s, i, new_end_offset)
        committed = {log[index - 1].value
                     for index in range(s.highWatermark[i] + 1, new_hwm + 1)}
        acked = tuple((v in committed) if a is False else a for v, a in enumerate(s.acked))
        response = FetchResponse(FETCH_RESPONSE, s.currentEpoch[i], OK, None, s.leader[i],
                                 min(new_hwm, offset), entries, None, None, i, j, m)
        messages = self.reply(s, response, m)
        if messages is None:
            return None
        return s._replace(endOffset=_with(s.endOffset, i, new_end_offset),
                          highWatermark=_with(s.highWatermark, i, new_hwm), acked=acked,
                          messages=messages)

    def handle_success_fetch_response(self, s: State, m: FetchResponse) -> State | None:
        """HandleSuccessFetchResponse: follower i appends any entry and takes
        the high watermark."""
        i = m.mdest
        _, handled = self.maybe_handle_common_response(s, i, m.mleader, m.mepoch, m.merror)
        if handled or s.pendingFetch[i] != m.correlation or m.mresult != OK:
            return None
        return s._replace(highWatermark=_with(s.highWatermark, i, m.mhwm),
                          log=_with(s.log, i, s.log[i] + m.mentries[:1]),
                          pendingFetch=_with(s.pendingFetch, i, None),
                          messages=s.messages.discard(m))

    def truncate_log(self, s: State, i: int, m: FetchResponse) -> tuple:
        """TruncateLog(i, m): i's log up to its highest common entry."""
        return s.log[i][:highest_common_offset(s.log[i], m.mdivergingEndOffset,
                                               m.mdivergingEpoch)]

    def handle_diverging_fetch_response(self, s: State, m: FetchResponse) -> State | None:
        """HandleDivergingFetchResponse: follower i truncates its log to the
        highest entry it has at or below the leader's diverging point."""
        i = m.mdest
        _, handled = self.maybe_handle_common_response(s, i, m.mleader, m.mepoch, m.merror)
        if handled or s.pendingFetch[i] != m.correlation or m.mresult != DIVERGING:
            return None
        return s._replace(log=_with(s.log, i, self.truncate_log(s, i, m)),
                          pendingFetch=_with(s.pendingFetch, i, None),
                          messages=s.messages.discard(m))

    def handle_error_fetch_response(self, s: State, m: FetchResponse) -> State | None:
        """HandleErrorFetchResponse: follower i may become unattached or the
        follower of a leader it did not know."""
        i = m.mdest
        new, handled = self.maybe_handle_common_response(s, i, m.mleader, m.mepoch, m.merror)
        if not handled or s.pendingFetch[i] != m.correlation:
            return None
        return s._replace(pendingFetch=_with(s.pendingFetch, i, None),
                          messages=s.messages.discard(m), **self.apply(s, i, new))

    # -- bounds --------------------------------------------------------------------------

    def view(self, s: State) -> State:
        """view == <<messages, serverVars, candidateVars, leaderVars, logVars,
        acked>>: every variable but electionCtr and restartCtr, with VIEW."""
        return s._replace(electionCtr=0, restartCtr=0) if self.VIEW else s

    def bound_reason(self, s: State) -> str | None:
        if s.electionCtr >= self.MaxElections:
            return f"every election is used (MaxElections = {self.MaxElections})"
        return None

    # -- symmetry: Permutations(Server), derived from the types but for the actions ------

    def permute_action(self, action, perm):
        images = tuple(perm["servers"])
        return action._replace(**{field: f"n{images[int(value[1:]) - 1] + 1}"
                                  for field, value in action._asdict().items()
                                  if field in ("i", "j")})

    # -- reports -------------------------------------------------------------------------

    def nodes(self):
        return tuple(self.server(i) for i in self.everyone)

    def show_message(self, m) -> str:
        fields = []
        for field, value in m._asdict().items():
            if field == "mtype" or value is None:
                continue
            if field in ("msource", "mdest", "mleader"):
                value = self.server(value)
            elif field == "correlation":
                value = f"<{self.show_message(value)}>"
            elif field == "mentries":
                value = [(e.epoch, f"v{e.value + 1}") for e in value]
            fields.append(f"{field}={value}")
        return f"{m.mtype}({', '.join(fields)})"

    def state_view(self, s: State) -> dict:
        view = {}
        for i in self.everyone:
            name = self.server(i)
            view[f"{name}.state"] = s.state[i]
            view[f"{name}.currentEpoch"] = s.currentEpoch[i]
            view[f"{name}.votedFor"] = self.server(s.votedFor[i])
            view[f"{name}.leader"] = self.server(s.leader[i])
            view[f"{name}.pendingFetch"] = (None if s.pendingFetch[i] is None
                                            else self.show_message(s.pendingFetch[i]))
            view[f"{name}.log"] = [f"({e.epoch}, v{e.value + 1})" for e in s.log[i]]
            view[f"{name}.highWatermark"] = s.highWatermark[i]
            view[f"{name}.votesGranted"] = [self.server(j) for j in sorted(s.votesGranted[i])]
            view[f"{name}.endOffset"] = list(s.endOffset[i])
        view["acked"] = {f"v{v + 1}": a for v, a in enumerate(s.acked)}
        view["electionCtr"] = s.electionCtr
        view["restartCtr"] = s.restartCtr
        for m, count in s.messages.items():  # one entry a message, so a step shows its own
            view[f"messages[{self.show_message(m)}]"] = count
        return view

    # -- properties ----------------------------------------------------------------------

    @invariant("No Illegal State")
    def no_illegal_state(self, s: State):
        """NoIllegalState: no server has entered an illegal state."""
        for i, state in enumerate(s.state):
            if state == ILLEGAL_STATE:
                return Fails(f"{self.server(i)} is in IllegalState")
        return True

    @invariant("No Log Divergence")
    def no_log_divergence(self, s: State):
        """NoLogDivergence: each log offset is consistent across servers up to
        the lower of their high watermarks."""
        for a, b in permutations(self.everyone, 2):
            for offset in range(1, min(s.highWatermark[a], s.highWatermark[b]) + 1):
                # log[s][offset] beyond a log's end is TLC's error; no state here has one
                if s.log[a][offset - 1] != s.log[b][offset - 1]:
                    return Fails(f"{self.server(a)} and {self.server(b)} differ at offset "
                                 f"{offset}, under both high watermarks")
        return True

    @invariant("Never Two Leaders In Same Epoch")
    def never_two_leaders_in_same_epoch(self, s: State):
        """NeverTwoLeadersInSameEpoch: no two servers of one epoch know
        different leaders."""
        for a, b in permutations(self.everyone, 2):
            if (s.leader[a] is not None and s.leader[b] is not None
                    and s.leader[a] != s.leader[b] and s.currentEpoch[a] == s.currentEpoch[b]):
                return Fails(f"{self.server(a)} and {self.server(b)} at epoch "
                             f"{s.currentEpoch[a]} know leaders {self.server(s.leader[a])} "
                             f"and {self.server(s.leader[b])}")
        return True

    @invariant("Leader Has All Acked Values")
    def leader_has_all_acked_values(self, s: State):
        """LeaderHasAllAckedValues: a non-stale leader is not missing an
        acknowledged value."""
        for v, acked in enumerate(s.acked):
            if acked is not True:
                continue
            for i in self.everyone:
                if (s.state[i] == LEADER
                        and not any(s.currentEpoch[k] > s.currentEpoch[i]
                                    for k in self.everyone if k != i)
                        and not any(entry.value == v for entry in s.log[i])):
                    return Fails(f"leader {self.server(i)} of epoch {s.currentEpoch[i]} "
                                 f"lacks the acked value v{v + 1}")
        return True

    @invariant("Committed Entries Reach Majority")
    def committed_entries_reach_majority(self, s: State):
        """CommittedEntriesReachMajority: if some leader has a high watermark,
        some such leader's entry at it is on a majority quorum with it."""
        leaders = [i for i in self.everyone if s.state[i] == LEADER and s.highWatermark[i] > 0]
        if not leaders:
            return True
        size = self.servers // 2 + 1
        for i in leaders:
            hwm = s.highWatermark[i]
            holders = {j for j in self.everyone
                       if len(s.log[j]) >= hwm and s.log[j][hwm - 1] == s.log[i][hwm - 1]}
            if i in holders and len(holders) >= size:
                return True
        return Fails(f"no leader's entry at its high watermark is on {size} servers")

    @reachable("Follower Truncates", default=False)
    def follower_truncates(self, s: State):
        """A scenario witness: some follower has handled a Diverging fetch
        response (its count is back to 0), truncating its log. In TLA+:
        ``\\E m \\in DOMAIN messages : m.mtype = FetchResponse /\\ m.mresult =
        Diverging /\\ messages[m] = 0``."""
        return any(m.mtype == FETCH_RESPONSE and m.mresult == DIVERGING and count == 0
                   for m, count in s.messages.items())

    @reachable("Value Acked")
    def value_acked(self, s: State):
        """A client value is acknowledged (a witness that commitment
        happens)."""
        return any(a is True for a in s.acked)


# -- mutants: each overrides one handler -------------------------------------------------


@KRaft.mutant("hwm_without_quorum", "NewHighwaterMark takes every offset of the leader's log as "
              "agreed, not only those a quorum's fetch positions reach: the "
              "leader acks a value no other server has")
class HwmWithoutQuorum(KRaft):
    """NewHighwaterMark: every offset of the leader's log is agreed."""

    def new_high_watermark(self, s: State, i: int, new_end_offset: tuple) -> int:
        log = s.log[i]
        if log and log[-1].epoch == s.currentEpoch[i]:
            return len(log)
        return s.highWatermark[i]


@KRaft.mutant("vote_ignores_log", "HandleRequestVoteRequest grants without logOk: a vote for a "
              "candidate whose log is shorter or older")
class VoteIgnoresLog(KRaft):
    """logOk is always TRUE."""

    def log_ok(self, s: State, i: int, m: RequestVoteRequest) -> bool:
        return True


@KRaft.mutant("vote_twice", "HandleRequestVoteRequest grants a Voted server's vote again, to "
              "another candidate of the same epoch")
class VoteTwice(KRaft):
    """A Voted server counts as Unattached: it votes again, for another
    candidate, in the epoch it voted in."""

    def handle_request_vote_request(self, s: State, m: RequestVoteRequest) -> State | None:
        i = m.mdest
        if s.state[i] == VOTED and m.mepoch == s.currentEpoch[i] and s.votedFor[i] != m.msource:
            s = s._replace(state=_with(s.state, i, UNATTACHED))
        return super().handle_request_vote_request(s, m)


@KRaft.mutant("accept_any_fetch_position", "AcceptFetchRequest without ValidFetchPosition: the "
              "leader never answers Diverging, so a follower never "
              "truncates an entry the leader does not have")
class AcceptAnyFetchPosition(KRaft):
    """ValidFetchPosition is TRUE: AcceptFetchRequest takes any position,
    and DivergingFetchRequest, its negation, is never enabled."""

    def valid_fetch_position(self, s: State, i: int, m: FetchRequest) -> bool:
        return True
