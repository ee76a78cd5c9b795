"""Raft, following Ongaro's ``raft.tla`` (the Raft dissertation's TLA+ spec).

Written with the kit (`models.kit`), action by action next to the spec:
each server is a `ServerNode` whose handlers are the spec's operators
(``Restart(i)``, ``Timeout(i)``, ``RequestVote(i, j)``, ``BecomeLeader(i)``,
``ClientRequest(i, v)``, ``AdvanceCommitIndex(i)``, ``AppendEntries(i, j)``,
and ``Receive(m)``: ``UpdateTerm`` and the four ``Handle...`` operators with
``DropStaleResponse``, one handler per message type). The state is the
spec's variables without its proof-only history variables (``elections``,
``allLogs``, ``voterLog`` and the messages' ``mlog`` field): per server a
`ServerState` record. Servers are numbered ``0..servers-1`` and printed
``s1..sN``; values are printed ``v1..vN`` (an ``init:`` block may name more,
such as ``x=9``).

The network is the kit's bag (multiset) of messages, as in the spec:
sending adds a copy, receiving removes one, a reply removes the request and
adds the response in one step, and ``DuplicateMessage(m)`` and
``DropMessage(m)`` are the bag's faults, unbounded as in the spec and taken
message by message after ``Receive(m)`` as Next lists them. A handler that
leaves its message in the bag for the next step (UpdateTerm, a conflicting
entry deleted, an entry appended) returns `Stay`. The bounds (``max_term``,
``max_log``, ``max_msgs``) are TLC's state constraint, `within_bounds`.

Quorums: the ``quorum`` rule, majorities of the servers by default (the
spec's ``Quorum``). A candidate wins with a phase-1 quorum of votes and a
leader commits an entry that a phase-2 quorum holds; the two are one rule but
in a flexible one. The spec relies on every two quorums intersecting; a spec
may give a rule that breaks this only when it expects a violation
(`check_sound`).

Membership changes (``membership``, off by default; `models.raft_membership`
gives the details): configurations become log entries, appended by a leader
with `ChangeConfig`, and each server counts votes and replication by the
latest configuration in its log, committed or not, as in the Raft
dissertation (chapter 4): a ``direct`` switch, joint consensus, or one server
at a time, whose 2015 bug the ``change_before_commit`` mutant reproduces. Off,
the model is the spec's, state for state.

Symmetry (``symmetry: true``): servers are interchangeable as far as the
starting state, the quorum rule and membership changes treat them alike
(`Raft.symmetry_groups`); renaming is the kit's, derived from the fields
typed `Server`.

Deliberate differences, none of which changes the reachable states, their
depths or the distinct-state counts TLC reports on the same bounds:

- Steps that change nothing are not generated (the kit drops them):
  ``Restart`` of a server already in its restarted state and
  ``AdvanceCommitIndex`` that leaves ``commit_index`` as it is. TLC
  generates these stuttering steps and finds the state already known.
- A scenario may start from a configuration of its own (``init:``, see
  `Raft.setup`) instead of the spec's ``Init``.
- A send into a full bag is not generated (the bag's ``capacity``): it leads
  outside the bounds to a state whose servers are this state's, which TLC
  checks (the invariants give this state's answers) and does not explore.

One difference from the published text is the issue's, and TLC's reference
counts follow it: the bag is a real multiset. raft.tla's ``WithoutMessage``
leaves a message whose last copy is removed in the bag's domain with count
0, where ``Receive``, ``DuplicateMessage`` and ``DropMessage`` still find it;
here the message leaves the bag. With that, the reachable states are
raft.tla's one for one (tests/models/test_raft_tla.py).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterator, Mapping, NamedTuple

from checker import Fails, Param, ParamError, invariant, reachable, transition
from checker.model import Note, Received, Sent
from models import register
from models.kit import ActorModel, Bag, Node, ids, on, step
from models.kit.actors import Stay
from models.kit.memo import Memo
from models.kit.network import Drop, Duplicate
from models.kit.records import indexed_by
from models.quorum import (QUORUM_SCHEMA, interchangeable_groups, quorum_system,
                           require_intersecting)
from models.raft_membership import (CONFIG, MEMBERSHIP_SCHEMA, Membership, config_name,
                                    parse_config)

Server = ids("servers", "s")
FOLLOWER, CANDIDATE, LEADER = ROLES = ("Follower", "Candidate", "Leader")


# -- names: servers s1..sN, values v1..vN, commands an init: block names ------------


def server_name(i: int | None) -> str:
    return "none" if i is None else f"s{i + 1}"


def command_value(name: str) -> int:
    """The value of the command `name` (``x=9`` in an ``init:`` log): minus
    its UTF-8 bytes read as a number (after a 1 byte, so that no name is lost
    to leading zero bytes); it prints without a table."""
    return -int.from_bytes(b"\x01" + name.encode(), "big")


def value_name(value: int) -> str:
    if value >= CONFIG:
        return config_name(value)  # a configuration entry (membership change)
    if value >= 0:
        return f"v{value + 1}"
    spelled = -value
    return spelled.to_bytes((spelled.bit_length() + 7) // 8, "big")[1:].decode()


def entry_name(entry: tuple[int, int]) -> str:
    return f"t{entry[0]}:{value_name(entry[1])}"


def _entries(entries: tuple) -> str:
    return "[" + ", ".join(map(entry_name, entries)) + "]"


# -- the spec's per-server variables ---------------------------------------------


class ServerState(NamedTuple):
    """currentTerm, state, votedFor, log (of (term, value) entries),
    commitIndex, votesResponded, votesGranted, nextIndex, matchIndex."""

    current_term: int
    role: str
    voted_for: Server | None
    log: tuple
    commit_index: int
    votes_responded: frozenset[Server]
    votes_granted: frozenset[Server]
    next_index: indexed_by(Server)
    match_index: indexed_by(Server)


# -- messages: the spec's four record types (mtype is the type) ----------------------


class RequestVoteRequest(NamedTuple):
    source: Server
    dest: Server
    term: int
    last_log_term: int
    last_log_index: int
    src, dst = "source", "dest"

    def __str__(self) -> str:
        return (f"RequestVoteRequest({_ends(self)}, term {self.term}, "
                f"last log t{self.last_log_term}@{self.last_log_index})")


class RequestVoteResponse(NamedTuple):
    source: Server
    dest: Server
    term: int
    vote_granted: bool
    src, dst = "source", "dest"

    def __str__(self) -> str:
        return (f"RequestVoteResponse({_ends(self)}, term {self.term}, "
                f"{'granted' if self.vote_granted else 'denied'})")


class AppendEntriesRequest(NamedTuple):
    source: Server
    dest: Server
    term: int
    prev_log_index: int
    prev_log_term: int
    entries: tuple
    commit_index: int
    src, dst = "source", "dest"

    def __str__(self) -> str:
        return (f"AppendEntriesRequest({_ends(self)}, term {self.term}, "
                f"prev t{self.prev_log_term}@{self.prev_log_index}, "
                f"entries {_entries(self.entries)}, commit {self.commit_index})")


class AppendEntriesResponse(NamedTuple):
    source: Server
    dest: Server
    term: int
    success: bool
    match_index: int
    src, dst = "source", "dest"

    def __str__(self) -> str:
        outcome = f"success, match {self.match_index}" if self.success else "failure"
        return f"AppendEntriesResponse({_ends(self)}, term {self.term}, {outcome})"


def _ends(m: Any) -> str:
    return f"{server_name(m.source)}→{server_name(m.dest)}"


def _label(m: Any) -> str:
    """A message as a chart labels it: without the endpoints the arrow shows."""
    return re.sub(r"\(s\d+→s\d+, ", "(", str(m))


MESSAGES = (RequestVoteRequest, RequestVoteResponse, AppendEntriesRequest,
            AppendEntriesResponse)
for _kind in MESSAGES:
    _kind.__repr__ = _kind.__str__


# -- actions: the spec's operators and their parameters ---------------------------------


class Restart(NamedTuple):
    i: Server


class Timeout(NamedTuple):
    i: Server


class RequestVote(NamedTuple):
    i: Server
    j: Server


class BecomeLeader(NamedTuple):
    i: Server


class ClientRequest(NamedTuple):
    i: Server
    v: int


class ChangeConfig(NamedTuple):
    """Only with membership changes (see `models.raft_membership`)."""

    i: Server
    c: int


class AdvanceCommitIndex(NamedTuple):
    i: Server


class AppendEntries(NamedTuple):
    i: Server
    j: Server


class Receive(NamedTuple):
    m: Any


class DuplicateMessage(Duplicate):
    __slots__ = ()


class DropMessage(Drop):
    __slots__ = ()


def _action_str(action: tuple) -> str:
    """``RequestVote(s1, s2)``, ``ClientRequest(s1, v1)``, ``Receive(<message>)``."""
    shown = []
    for field, value in zip(action._fields, action):
        shown.append(server_name(value) if field in ("i", "j") else f"v{value + 1}"
                     if field == "v" else config_name(value) if field == "c" else str(value))
    return f"{type(action).__name__}({', '.join(shown)})"


for _kind in (Restart, Timeout, RequestVote, BecomeLeader, ClientRequest, ChangeConfig,
              AdvanceCommitIndex, AppendEntries, Receive, DuplicateMessage, DropMessage):
    _kind.__str__ = _action_str


def _last_term(log: tuple) -> int:
    return log[-1][0] if log else 0


# -- a server ------------------------------------------------------------------------


class ServerNode(Node):
    """Server ``self.id``: raft.tla's actions on server i, one handler each."""

    ids = Server
    state = ServerState

    def initial(self) -> ServerState:
        """Init: term 1, Follower, no vote, empty log, nextIndex 1, matchIndex 0."""
        n = self.model.servers
        return ServerState(1, FOLLOWER, None, (), 0, frozenset(), frozenset(), (1,) * n,
                           (0,) * n)

    # What the configuration decides: whom a server asks and informs, which
    # votes and matches are a quorum (fixed, or its latest configuration's).

    def peers(self, s: ServerState) -> tuple[int, ...]:
        membership = self.model.membership_rules
        return (self.model.all_servers if membership is None
                else membership.latest(self.id, s.log)[0].members)

    def is_quorum(self, s: ServerState, servers: frozenset, phase: int = 1) -> bool:
        membership = self.model.membership_rules
        if membership is None:
            return self.model.quorum_of[phase][servers]
        return membership.latest(self.id, s.log)[0].quorum[_mask(servers)]

    def may_time_out(self, s: ServerState) -> bool:
        membership = self.model.membership_rules
        return membership is None or membership.may_time_out(
            self.id, *membership.latest(self.id, s.log), s.commit_index)

    # -- the spec's actions on server i ---------------------------------------------------

    @step(Restart)
    def restart(self, s):
        """Restart(i): back from stable storage (currentTerm, votedFor, log)
        as a Follower; votes, nextIndex, matchIndex, commitIndex reset."""
        n = self.model.servers
        return ServerState(s.current_term, FOLLOWER, s.voted_for, s.log, 0, frozenset(),
                           frozenset(), (1,) * n, (0,) * n), ()

    @step(Timeout)
    def timeout(self, s):
        """Timeout(i): a Follower or Candidate starts an election: Candidate,
        currentTerm + 1, no vote, votes cleared. Sends nothing."""
        if s.role == LEADER or not self.may_time_out(s):
            return None
        return s._replace(current_term=s.current_term + 1, role=CANDIDATE, voted_for=None,
                          votes_responded=frozenset(), votes_granted=frozenset()), ()

    @step(RequestVote, choose=lambda node, s: node.peers(s))
    def request_vote(self, s, j):
        """RequestVote(i, j): a Candidate asks j, not yet in votesResponded."""
        if s.role != CANDIDATE or j in s.votes_responded:
            return None
        return s, [RequestVoteRequest(self.id, j, s.current_term, _last_term(s.log),
                                      len(s.log))]

    @step(BecomeLeader)
    def become_leader(self, s):
        """BecomeLeader(i): a Candidate whose votesGranted is a quorum leads;
        nextIndex all Len(log) + 1, matchIndex all 0."""
        if s.role != CANDIDATE or not self.is_quorum(s, s.votes_granted):
            return None
        n = self.model.servers
        return s._replace(role=LEADER, next_index=(len(s.log) + 1,) * n,
                          match_index=(0,) * n), ()

    @step(ClientRequest, choose="values")
    def client_request(self, s, v):
        """ClientRequest(i, v): a Leader appends (currentTerm, v)."""
        if s.role != LEADER:
            return None
        return s._replace(log=s.log + ((s.current_term, v),)), ()

    @step(ChangeConfig, choose=lambda node, s: node.config_changes(s))
    def change_config(self, s, c):
        """A Leader appends a configuration entry (membership changes only;
        `models.raft_membership` says which)."""
        return s._replace(log=s.log + ((s.current_term, c),)), ()

    def config_changes(self, s: ServerState) -> tuple[int, ...]:
        membership = self.model.membership_rules
        if membership is None or s.role != LEADER:
            return ()
        config, at = membership.latest(self.id, s.log)
        return membership.changes(config, at, s.log, s.current_term, s.commit_index, False)

    @step(AdvanceCommitIndex)
    def advance_commit_index(self, s):
        """AdvanceCommitIndex(i): a Leader commits up to the largest index a
        quorum holds (itself and each k with matchIndex[k] >= index), if that
        entry is of its current term."""
        if s.role != LEADER or not s.log:
            return None
        agreed = next((index for index in range(len(s.log), 0, -1) if self.is_quorum(
            s, frozenset(k for k, match in enumerate(s.match_index) if match >= index)
            | {self.id}, phase=2)), 0)
        if not agreed or agreed == s.commit_index or not self.may_commit(s, agreed):
            return None  # commitIndex unchanged
        role = s.role
        membership = self.model.membership_rules
        if membership is not None and membership.steps_down(
                self.id, *membership.latest(self.id, s.log), agreed):
            role = FOLLOWER  # it committed a configuration without it
        return s._replace(role=role, commit_index=agreed), ()

    def may_commit(self, s: ServerState, index: int) -> bool:
        """Only an entry of the leader's current term is committed by counting."""
        return s.log[index - 1][0] == s.current_term

    @step(AppendEntries, choose=lambda node, s: node.peers(s))
    def append_entries(self, s, j):
        """AppendEntries(i, j): a Leader sends j /= i the entry at nextIndex[j]
        (at most one), with the one before it and its commitIndex."""
        if s.role != LEADER or j == self.id:
            return None
        prev = s.next_index[j] - 1
        last = min(len(s.log), s.next_index[j])
        return s, [AppendEntriesRequest(self.id, j, s.current_term, prev,
                                        s.log[prev - 1][0] if prev > 0 else 0,
                                        s.log[prev:last], min(s.commit_index, last))]

    # -- Receive(m): UpdateTerm, then the handler of m's type -------------------------------

    def update_term(self, s, m):
        """UpdateTerm: a higher term makes i a Follower of it, with no vote;
        m stays in the bag to be handled next."""
        return Stay(s._replace(current_term=m.term, role=FOLLOWER, voted_for=None))

    @on(RequestVoteRequest, Receive)
    def handle_request_vote_request(self, s, m):
        """HandleRequestVoteRequest(i, j, m): grant iff the term is i's, j's
        log is at least as up to date, and i has not voted for another."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        grant = m.term == s.current_term and self.log_ok(s, m) and self.may_vote(s, m)
        if grant:
            s = s._replace(voted_for=m.source)
        return s, [RequestVoteResponse(self.id, m.source, s.current_term, grant)]

    def log_ok(self, s, m) -> bool:
        last_term = _last_term(s.log)
        return m.last_log_term > last_term or (m.last_log_term == last_term
                                               and m.last_log_index >= len(s.log))

    def may_vote(self, s, m) -> bool:
        return s.voted_for is None or s.voted_for == m.source

    @on(RequestVoteResponse, Receive)
    def handle_request_vote_response(self, s, m):
        """HandleRequestVoteResponse(i, j, m): count j's answer (and vote);
        DropStaleResponse when m's term is older."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        if m.term < s.current_term:
            return s, ()  # DropStaleResponse
        granted = s.votes_granted | {m.source} if m.vote_granted else s.votes_granted
        return s._replace(votes_responded=s.votes_responded | {m.source},
                          votes_granted=granted), ()

    @on(AppendEntriesRequest, Receive)
    def handle_append_entries_request(self, s, m):
        """HandleAppendEntriesRequest(i, j, m): reject a stale term or (a
        Follower) a log without m's previous entry; a Candidate returns to
        Follower; a Follower whose log matches deletes one conflicting entry
        or appends m's entry (m stays for the next step), or, with nothing
        left to do, takes the commitIndex and answers."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        prev = m.prev_log_index
        log_ok = prev == 0 or (prev <= len(s.log) and s.log[prev - 1][0] == m.prev_log_term)
        if m.term < s.current_term or (s.role == FOLLOWER and not log_ok):
            return s, [AppendEntriesResponse(self.id, m.source, s.current_term, False, 0)]
        if s.role == CANDIDATE:
            return Stay(s._replace(role=FOLLOWER))
        if s.role == LEADER:
            return None  # the spec has no case for it: the message waits
        if not m.entries or (len(s.log) > prev and s.log[prev][0] == m.entries[0][0]):
            return s._replace(commit_index=m.commit_index), [AppendEntriesResponse(
                self.id, m.source, s.current_term, True, prev + len(m.entries))]
        if len(s.log) > prev:
            return Stay(s._replace(log=self.without_conflict(s, m)))
        return Stay(s._replace(log=s.log + m.entries))

    def without_conflict(self, s, m) -> tuple:
        """The conflicting last entry deleted (one step per entry)."""
        return s.log[:-1]

    @on(AppendEntriesResponse, Receive)
    def handle_append_entries_response(self, s, m):
        """HandleAppendEntriesResponse(i, j, m): on success nextIndex[j] and
        matchIndex[j] follow j's match, else nextIndex[j] backs off by one;
        DropStaleResponse when m's term is older."""
        if m.term > s.current_term:
            return self.update_term(s, m)
        if m.term < s.current_term:
            return s, ()  # DropStaleResponse
        j = m.source
        if m.success:
            return s._replace(next_index=_put(s.next_index, j, m.match_index + 1),
                              match_index=_put(s.match_index, j, m.match_index)), ()
        return s._replace(next_index=_put(s.next_index, j, max(s.next_index[j] - 1, 1))), ()


def _put(row: tuple, j: int, value: int) -> tuple:
    """[row EXCEPT ![j] = value]"""
    return row[:j] + (value,) + row[j + 1:]


def _mask(servers: frozenset) -> int:
    return sum(1 << i for i in servers)


# -- the model -------------------------------------------------------------------------


@register
class Raft(ActorModel):
    name = "raft"
    summary = "Raft, Ongaro's raft.tla without its history variables (bag network)"
    params = (
        Param("servers", 2, "number of servers", minimum=1, maximum=9),
        # A ClientRequest per (server, value); the state constraints are
        # reached long before the maxima.
        Param("values", 1, "number of values clients may request", minimum=1, maximum=10),
        Param("max_term", 2, "state constraint: every current_term ≤ max_term", minimum=1,
              maximum=100),
        Param("max_log", 1, "state constraint: every log length ≤ max_log", minimum=0,
              maximum=100),
        Param("max_msgs", 1, "state constraint: messages in the bag, copies counted, "
              "≤ max_msgs", minimum=0, maximum=100),
        Param("quorum", "majority", "the quorum rule: a candidate wins with a phase-1 "
              "quorum of votes, a leader commits an entry a phase-2 quorum holds (the "
              "same but in a flexible rule); every two must intersect",
              schema=QUORUM_SCHEMA),
        Param("membership", None, "membership change (see models.raft_membership): "
              "{change: direct|joint|single_server, from: N or [servers] (default 3), "
              "to: N or [servers]}; the servers are those of both configurations, and "
              "votes and commitment count majorities of each server's latest "
              "configuration; null: the configuration is every server, fixed",
              schema=MEMBERSHIP_SCHEMA),
    )
    roles = (ServerNode,)
    messages = MESSAGES
    network = Bag(drop=True, duplicate=True, capacity="max_msgs", per_message=True,
                  drop_action=DropMessage, duplicate_action=DuplicateMessage)
    # Next == \/ \E i : Restart(i) \/ Timeout(i) \/ BecomeLeader(i) \/ ... (per server)
    #         \/ \E m \in DOMAIN messages : Receive(m) \/ DuplicateMessage(m) \/ DropMessage(m)
    next = ((ServerNode.timeout, ServerNode.restart, ServerNode.request_vote,
             ServerNode.become_leader, ServerNode.client_request, ServerNode.change_config,
             ServerNode.advance_commit_index, ServerNode.append_entries),
            (ServerNode.handle_request_vote_request, ServerNode.handle_request_vote_response,
             ServerNode.handle_append_entries_request,
             ServerNode.handle_append_entries_response))
    symmetry_sets = ("servers",)
    takes_init = True

    # -- parameters and the starting configuration --------------------------------

    def setup(self) -> None:
        n = self.servers
        self.quorums = quorum_system(self.quorum, n)
        self.all_servers = tuple(range(n))
        # is_quorum by a set of servers, remembered: votes by the phase-1
        # rule, commitment by the phase-2 rule
        self.quorum_of = {phase: Memo(rule.is_quorum) for phase, rule in
                          ((1, self.quorums.phase1), (2, self.quorums.phase2))}
        self.membership_rules = None
        if self.membership is not None:
            if self.quorum != "majority":
                raise ParamError("params.quorum", "with membership changes every configuration "
                                 "counts its own majorities; remove quorum: or membership:")
            self.membership_rules = Membership(self.membership, n)
        self.actions = self._possible_actions()
        self._initial = None if self.init is None else self._parse_init(self.init)

    def _possible_actions(self) -> tuple[type, ...]:
        """The actions this instance can take, for coverage: a send into a
        full bag is not generated, so with ``max_msgs: 1`` no message is ever
        duplicated, and with 0 none is ever sent."""
        actions = (Restart, Timeout, RequestVote, BecomeLeader, ClientRequest,
                   AdvanceCommitIndex, AppendEntries, Receive, DuplicateMessage, DropMessage)
        cannot = ({RequestVote, AppendEntries, Receive, DuplicateMessage, DropMessage}
                  if self.max_msgs == 0 else {DuplicateMessage} if self.max_msgs == 1 else set())
        return tuple(kind for kind in actions if kind not in cannot) + (
            (ChangeConfig,) if self.membership_rules is not None else ())

    def initial_states(self) -> list[tuple]:
        if self._initial is None:
            return super().initial_states()
        return [tuple(map(self._intern, self._initial)) + (self.network.initial(),)]

    def _start(self) -> tuple[ServerState, ...]:
        """The servers of the starting state (remembered: properties read it)."""
        found = self.__dict__.get("_start_servers")
        if found is None:
            found = self._start_servers = self.initial_states()[0][:-1]
        return found

    def _parse_init(self, init: Mapping[str, Any]) -> tuple[ServerState, ...]:
        """The starting servers from an ``init:`` block::

            init:
              s1: {current_term: 2, role: Leader, voted_for: s1,
                   log: [t1:a=1, t1:b=2, t2:c=3], commit_index: 2}
              s2: {current_term: 2, log: [t1:a=1]}

        One entry per server, ``s1`` to ``sN``, each optional (a missing server
        starts as in ``Init``). Fields and defaults: ``current_term`` (1),
        ``role`` (Follower, Candidate or Leader), ``voted_for`` (null or a
        server), ``log`` (entries ``t<term>:<value>``; a value other than
        ``v1..vN`` names a command of the scenario), ``commit_index`` (0),
        ``votes_responded`` and ``votes_granted`` (lists of servers; for a
        Leader, every server by default), ``next_index`` and ``match_index``
        (lists of N numbers; for a Leader, by default as BecomeLeader sets
        them: log length + 1 and 0). The network starts empty.
        """
        n = self.servers
        if not isinstance(init, Mapping):
            raise ParamError("init", "must be a mapping from server (s1..sN) to its variables")
        names = {server_name(i): i for i in range(n)}
        for key in init:
            if key not in names:
                raise ParamError(f"init.{key}", f"is not a server; with servers: {n} "
                                 f"the servers are {', '.join(names)}")
        servers = []
        for i in range(n):
            fields = init.get(server_name(i)) or {}
            where = f"init.{server_name(i)}"
            if not isinstance(fields, Mapping):
                raise ParamError(where, "must be a mapping of the server's variables "
                                 f"({', '.join(ServerState._fields)})")
            for key in fields:
                if key not in ServerState._fields:
                    raise ParamError(f"{where}.{key}", "is not a server variable; use "
                                     + ", ".join(ServerState._fields))
            servers.append(self._parse_server(fields, where, names))
        for i, s in enumerate(servers):
            where = f"init.{server_name(i)}"
            if s.current_term > self.max_term:
                raise ParamError(f"{where}.current_term", f"{s.current_term} is above "
                                 f"max_term ({self.max_term}); raise max_term")
            if len(s.log) > self.max_log:
                raise ParamError(f"{where}.log", f"has {len(s.log)} entries, above "
                                 f"max_log ({self.max_log}); raise max_log")
            if any(term > s.current_term for term, _ in s.log):
                raise ParamError(f"{where}.log", "holds an entry of a term above the "
                                 f"server's current_term ({s.current_term})")
            if s.commit_index > len(s.log):
                raise ParamError(f"{where}.commit_index", f"{s.commit_index} is past the end "
                                 f"of the log ({len(s.log)} entries)")
            if s.role == LEADER and self.membership_rules is not None:
                config = self.membership_rules.latest(i, s.log)[0]
                if not config.quorum[_mask(s.votes_granted)]:
                    raise ParamError(f"{where}.votes_granted", "a Leader's votes_granted must "
                                     "be a quorum of the latest configuration in its log "
                                     f"({value_name(config.value) if config.mask else 'none'})")
        return tuple(servers)

    def _parse_server(self, fields: Mapping[str, Any], where: str,
                      names: Mapping[str, int]) -> ServerState:
        n = self.servers

        def number(key: str, default: int, minimum: int) -> int:
            value = fields.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise ParamError(f"{where}.{key}", f"must be an integer ≥ {minimum}")
            return value

        def server(value: Any, key: str) -> int:
            if not isinstance(value, str) or value not in names:  # a list is no name
                raise ParamError(f"{where}.{key}", f"{value!r} is not a server; use one of "
                                 f"{', '.join(names)}")
            return names[value]

        def server_set(key: str, default: frozenset) -> frozenset:
            value = fields.get(key)
            if value is None:
                return default
            if not isinstance(value, list):
                raise ParamError(f"{where}.{key}", "must be a list of servers, e.g. [s1, s2]")
            return frozenset(server(member, key) for member in value)

        def per_server(key: str, default: tuple, minimum: int) -> tuple:
            value = fields.get(key)
            if value is None:
                return default
            if (not isinstance(value, list) or len(value) != n or any(
                    not isinstance(x, int) or isinstance(x, bool) or x < minimum
                    for x in value)):
                raise ParamError(f"{where}.{key}", f"must be a list of {n} integers ≥ "
                                 f"{minimum}, one per server")
            return tuple(value)

        term = number("current_term", 1, 1)
        role = fields.get("role", FOLLOWER)
        if role not in ROLES:
            raise ParamError(f"{where}.role", f"{role!r} is not a role; use " + ", ".join(ROLES))
        voted = fields.get("voted_for")
        voted_for = None if voted is None else server(voted, "voted_for")
        log = self._parse_log(fields.get("log", []), f"{where}.log")
        commit = number("commit_index", 0, 0)
        everyone = frozenset(range(n)) if role == LEADER else frozenset()
        responded = server_set("votes_responded", everyone)
        granted = server_set("votes_granted", everyone)
        if role == LEADER and self.membership_rules is None and not self.quorum_of[1][granted]:
            raise ParamError(f"{where}.votes_granted", "a Leader's votes_granted must be "
                             f"a quorum ({self.quorums})")
        next_default = (len(log) + 1,) * n if role == LEADER else (1,) * n
        return ServerState(term, role, voted_for, log, commit, responded, granted,
                           per_server("next_index", next_default, 1),
                           per_server("match_index", (0,) * n, 0))

    def _parse_log(self, entries: Any, where: str) -> tuple:
        if not isinstance(entries, list):
            raise ParamError(where, "must be a list of entries such as [t1:v1, t2:x=9]")
        log = []
        for index, text in enumerate(entries):
            found = re.fullmatch(r"t(\d+):(\S+|C\(.*\))", str(text))
            if not found or int(found.group(1)) < 1:
                raise ParamError(f"{where}[{index}]", f"{text!r} is not an entry; write "
                                 "t<term>:<value>, e.g. t1:v1 or t2:x=9")
            name = found.group(2)
            if name.startswith("C("):
                value = parse_config(name, self.servers)
                if value is None or self.membership_rules is None:
                    raise ParamError(f"{where}[{index}]", f"{text!r}: a configuration entry "
                                     "such as t2:C(s1 s2 s3) or t2:C(s1 s2 s3 | s1) needs "
                                     "membership: and servers s1..sN")
                self.membership_rules.configuration(value)  # known, for symmetry_groups
            elif re.fullmatch(r"v\d+", name):
                value = int(name[1:]) - 1
                if not 0 <= value < self.values:
                    raise ParamError(f"{where}[{index}]", f"value {name} is not among the "
                                     f"{self.values} client values (v1..v{self.values}); "
                                     "raise values or name a command such as x=9")
            else:
                value = command_value(name)
            log.append((int(found.group(1)), value))
        return tuple(log)

    def within_bounds(self, state: tuple) -> bool:
        """TLC's state constraint: terms, logs and the bag within their bounds."""
        max_term, max_log = self.max_term, self.max_log
        for s in state[:-1]:
            if s.current_term > max_term or len(s.log) > max_log:
                return False
        return self.network.size(state[-1]) <= self.max_msgs

    def check_sound(self) -> None:
        """Every phase-1 quorum meets every phase-2 quorum, and a direct
        membership change goes between configurations whose majorities all
        meet; otherwise two leaders can be elected in one term. `ParamError`
        names a disjoint pair."""
        require_intersecting(self.quorums)
        if self.membership_rules is not None:
            self.membership_rules.require_overlap()

    # -- what the properties read ------------------------------------------------------

    def _committed_at_start(self) -> tuple[tuple, ...]:
        """The committed entries each server held at the start, which it must
        keep: the longest committed prefix any server records (commit_index),
        as far as the server's log agrees with it."""
        found = self.__dict__.get("_held")
        if found is None:
            start = self._start()
            holder = max(start, key=lambda s: s.commit_index)
            committed = holder.log[:holder.commit_index]
            found = []
            for s in start:
                count = 0
                while count < min(len(committed), len(s.log)) and \
                        s.log[count] == committed[count]:
                    count += 1
                found.append(committed[:count])
            found = self._held = tuple(found)
        return found

    # -- properties (the Raft paper's Figure 3) ----------------------------------------

    @invariant("Election Safety")
    def election_safety(self, state: tuple) -> bool | Fails:
        """At most one leader per term."""
        leader_of: dict[int, int] = {}
        for i, s in enumerate(state[:-1]):
            if s.role == LEADER:
                other = leader_of.setdefault(s.current_term, i)
                if other != i:
                    return Fails(f"{server_name(other)} and {server_name(i)} are both "
                                 f"leader in term {s.current_term}")
        return True

    @invariant("Log Matching")
    def log_matching(self, state: tuple) -> bool | Fails:
        """If two logs have an entry with the same index and term, the logs are
        identical up to that index."""
        servers = state[:-1]
        for a, log_a in enumerate(s.log for s in servers):
            if not log_a:
                continue
            for b in range(a + 1, len(servers)):
                log_b = servers[b].log
                # The highest index with equal terms decides: below it the
                # prefixes are then equal too.
                for k in range(min(len(log_a), len(log_b)) - 1, -1, -1):
                    if log_a[k][0] == log_b[k][0]:
                        if log_a[:k + 1] != log_b[:k + 1]:
                            return Fails(
                                f"{server_name(a)} and {server_name(b)} both hold an entry "
                                f"of term {log_a[k][0]} at index {k + 1} but their logs "
                                f"differ up to it: {_entries(log_a[:k + 1])} and "
                                f"{_entries(log_b[:k + 1])}")
                        break
        return True

    @invariant("Leader Completeness")
    def leader_completeness(self, state: tuple) -> bool | Fails:
        """A committed entry is in the log of every leader of a later term.

        Without the spec's history variables a state shows which entries
        are committed only through commit_index: the first commit_index
        entries of server i were committed in a term ≤ current_term[i]. So
        every leader whose term is at least current_term[i] must hold them.
        """
        servers = state[:-1]
        for l, leader in enumerate(servers):
            if leader.role != LEADER:
                continue
            for i, s in enumerate(servers):
                if s.commit_index and s.current_term <= leader.current_term:
                    committed = s.log[:s.commit_index]
                    if leader.log[:len(committed)] != committed:
                        return Fails(
                            f"{server_name(i)} (term {s.current_term}) has committed "
                            f"{_entries(committed)}, but the log of {server_name(l)}, "
                            f"leader in term {leader.current_term}, is {_entries(leader.log)}")
        return True

    @invariant("State Machine Safety")
    def state_machine_safety(self, state: tuple) -> bool | Fails:
        """No two servers have committed different entries at the same index
        (nor has a server committed an index past the end of its log)."""
        committed = []
        for i, s in enumerate(state[:-1]):
            if s.commit_index > len(s.log):
                return Fails(f"{server_name(i)} has commit_index {s.commit_index} but only "
                             f"{len(s.log)} entries: {_entries(s.log)}")
            if s.commit_index:
                committed.append((i, s.log[:s.commit_index]))
        for a, (i, prefix_i) in enumerate(committed):
            for j, prefix_j in committed[a + 1:]:
                k = min(len(prefix_i), len(prefix_j))
                if prefix_i[:k] != prefix_j[:k]:
                    return Fails(f"{server_name(i)} has committed {_entries(prefix_i)} and "
                                 f"{server_name(j)} has committed {_entries(prefix_j)}")
        return True

    @transition("Leader Append-Only")
    def leader_append_only(self, state: tuple, action: Any, next_state: tuple) -> bool | Fails:
        """A leader never overwrites or deletes entries in its log: a server
        that is Leader before and after a step only appends."""
        for i, old in enumerate(state[:-1]):
            if old.role == LEADER:  # most states have no leader: checked first
                new = next_state[i]
                if new is not old and new.role == LEADER and new.log[:len(old.log)] != old.log:
                    return Fails(f"leader {server_name(i)}'s log went from "
                                 f"{_entries(old.log)} to {_entries(new.log)}")
        return True

    @invariant("Committed Entries Kept")
    def init_commits_kept(self, state: tuple) -> bool | Fails:
        """Every server keeps the committed entries it held in the starting
        configuration of an ``init:`` block (the entries up to the highest
        commit_index given there). Restart clears commit_index, so the
        invariants above lose sight of them; this one does not. Without an
        ``init:`` block nothing is committed at the start and it holds."""
        kept = self._committed_at_start()
        if not any(kept):
            return True
        for i, (s, held) in enumerate(zip(state[:-1], kept)):
            if held and s.log[:len(held)] != held:
                return Fails(f"{server_name(i)} held the committed entries {_entries(held)} "
                             f"but its log is now {_entries(s.log)}")
        return True

    # -- reachability witnesses --------------------------------------------------------
    #
    # Leader Elected and Entry Committed make sense for any run; the others are
    # scenario witnesses (an `init:` block, a membership change, more terms
    # than the default bounds), checked only where a spec names them.

    @reachable("Leader Elected")
    def leader_elected(self, state: tuple) -> bool:
        """Some server is Leader."""
        return any(s.role == LEADER for s in state[:-1])

    @reachable("Entry Committed")
    def entry_committed(self, state: tuple) -> bool:
        """Some server has committed an entry (commit_index ≥ 1)."""
        return any(s.commit_index for s in state[:-1])

    @reachable("Stale Leader", default=False)
    def stale_leader(self, state: tuple) -> bool:
        """A leader of an older term coexists with a leader of a newer one
        (legal: the stale one has not yet heard of the newer term)."""
        return len({s.current_term for s in state[:-1] if s.role == LEADER}) > 1

    @reachable("Stale Leader Stepped Down", default=False)
    def stale_leader_stepped_down(self, state: tuple) -> bool:
        """A former leader is a Follower while a leader of a term at least
        its own exists.

        A state has no history, so "former leader" is read off what only a
        leader collects: an acknowledged entry in match_index (set from a
        successful AppendEntries response, cleared by Restart). A leader stops
        leading by a higher term (UpdateTerm) or by Restart, and a response
        of its own term may still arrive after a Restart, so the state alone
        does not tell the two apart; the witness trace shows which it was.
        """
        servers = state[:-1]
        return any(s.role == FOLLOWER and any(s.match_index) and any(
            l.role == LEADER and l.current_term >= s.current_term for l in servers)
            for s in servers)

    @reachable("Partitioned Candidate", default=False)
    def partitioned_candidate(self, state: tuple) -> bool:
        """A leader is elected while one server, cut off from it, keeps
        timing out: every server but one is at most at the leader's term, and
        that one is a Candidate of a higher term."""
        servers = state[:-1]
        for leader in servers:
            if leader.role == LEADER:
                above = [s for s in servers if s.current_term > leader.current_term]
                if len(above) == 1 and above[0].role == CANDIDATE:
                    return True
        return False

    @reachable("Old Leader Steps Down", default=False)
    def old_leader_steps_down(self, state: tuple) -> bool:
        """A server that was Leader in the starting configuration (an
        ``init:`` block) is a Follower in a higher term than it had. The
        shortest way there is stepping down on the first message of a newer
        term; the state alone does not show the way, the witness trace does.
        Without a leader at the start it is unreachable."""
        return any(start.role == LEADER and s.role == FOLLOWER
                   and s.current_term > start.current_term
                   for s, start in zip(state[:-1], self._start()))

    @reachable("Split Vote Resolved", default=False)
    def split_vote_resolved(self, state: tuple) -> bool:
        """A leader is elected in a term above every term of the starting
        configuration. From an ``init:`` block where the votes of the latest
        term are split so that no candidate can reach a quorum, that is the
        split vote resolving in a later term."""
        top = max(s.current_term for s in self._start())
        return any(s.role == LEADER and s.current_term > top for s in state[:-1])

    @reachable("Conflict Overwritten", default=False)
    def conflict_overwritten(self, state: tuple) -> bool:
        """A server holds, at an index where its starting log (an ``init:``
        block) had an entry, a different entry: its conflicting entry was
        deleted and replaced. A single state cannot show an overwrite
        otherwise, so from the empty start it is unreachable."""
        return any(s.log[k] != start.log[k] for s, start in zip(state[:-1], self._start())
                   for k in range(min(len(s.log), len(start.log))))

    @reachable("Logs Healed", default=False)
    def logs_healed(self, state: tuple) -> bool:
        """A leader's log is non-empty and every server's log equals it."""
        servers = state[:-1]
        for leader in servers:
            if leader.role == LEADER and leader.log:
                return all(s.log == leader.log for s in servers)
        return False

    # -- membership change witnesses (see models.raft_membership) -------------------

    @reachable("Configuration Changed", default=False)
    def configuration_changed(self, state: tuple) -> bool:
        """Some server has committed the configuration ``membership.to``: the
        change is done. Without membership it is unreachable."""
        membership = self.membership_rules
        return membership is not None and any(
            membership.committed_target(s.log, s.commit_index) for s in state[:-1])

    @reachable("Change Finished by a New Leader", default=False)
    def change_finished_by_new_leader(self, state: tuple) -> bool:
        """Joint consensus: a server has committed C_old,new and then C_new of
        a later term, so the leader that started the change did not finish
        it: a leader elected under C_old,new did (its election needed both
        majorities)."""
        membership = self.membership_rules
        return membership is not None and any(
            membership.finished_later(s.log, s.commit_index) for s in state[:-1])

    @reachable("New Leader under C_old,new", default=False)
    def joint_leader_elected(self, state: tuple) -> bool:
        """Joint consensus: a leader whose configuration is C_old,new of an
        earlier term than its own, so it was elected under C_old,new (with a
        majority of both) after the leader that began the change lost its
        leadership; it can go on to finish the change."""
        membership = self.membership_rules
        if membership is None:
            return False
        for l, s in enumerate(state[:-1]):
            if s.role == LEADER:
                config, at = membership.latest(l, s.log)
                if config is membership.joint and s.log[at - 1][0] < s.current_term:
                    return True
        return False

    @reachable("Change Rolled Back", default=False)
    def change_rolled_back(self, state: tuple) -> bool:
        """Joint consensus: a leader elected under C_old (its log has no
        C_old,new) has committed an entry of its own at an index where another
        server holds C_old,new of an earlier term, which can therefore never
        be committed: the change is undone."""
        membership = self.membership_rules
        if membership is None:
            return False
        servers = state[:-1]
        for l, leader in enumerate(servers):
            if leader.role == LEADER and leader.commit_index and \
                    membership.latest(l, leader.log)[0] is membership.initial:
                if any(membership.rolled_back(leader.log, leader.current_term,
                                              leader.commit_index, s.log) for s in servers):
                    return True
        return False

    # -- symmetry -----------------------------------------------------------------------

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """Servers i and j are interchangeable when swapping them leaves
        alone everything that tells servers apart: the starting state (an
        ``init:`` block may give them different variables or name one of
        them), the quorum rule (both its phases) and, with membership
        changes, the configurations a run can reach (`Membership.classes`:
        every one is made of whole classes, so configuration entries need no
        renaming). From the spec's Init with majorities, all servers are.
        Each test is whether a swap keeps that thing, so "interchangeable" is
        an equivalence and every permutation within its classes keeps all
        three; the properties that read the start then see it unchanged."""
        n = self.servers
        (start,) = self.initial_states()
        labels: list[list[int]] = [[0, 0] for _ in range(n)]
        for number, group in enumerate(interchangeable_groups(self.quorums)):
            for i in group:
                labels[i][0] = number
        if self.membership_rules is not None:
            for number, members in enumerate(self.membership_rules.classes()):
                for i in members:
                    labels[i][1] = number

        def interchangeable(i: int, j: int) -> bool:
            swap = list(range(n))
            swap[i], swap[j] = j, i
            return (labels[i] == labels[j]
                    and self.permute(start, {"servers": tuple(swap)}) == start)

        groups: list[list[int]] = []
        for i in range(n):
            for group in groups:
                if interchangeable(group[0], i):
                    group.append(i)
                    break
            else:
                groups.append([i])
        return {"servers": groups}

    # -- presentation ----------------------------------------------------------------

    def _bag(self, state: tuple) -> list:
        """The messages in flight, each copy, in the bag's order."""
        net = self.network
        return [m for k in range(len(self.messages))
                for m in net.deliverable(state[-1][k], None)
                for _ in range(dict(state[-1][k])[m])]

    def step_events(self, state: tuple, action: Any, next_state: tuple) -> list:
        """Messages and local events for sequence charts: what the step takes
        out of the bag is received (or, for DropMessage, lost), what it puts
        in is sent; role and term changes are notes."""
        before, after = Counter(self._bag(state)), Counter(self._bag(next_state))
        taken, put = before - after, after - before
        events: list = []
        if type(action) is DropMessage:
            m = action.message
            events.append(Note(server_name(m.dest), f"network loses {_label(m)}"))
        elif type(action) is Receive:
            # Received when acted on, even where the spec leaves it in the bag
            # to act on again (UpdateTerm, or deleting a conflicting entry).
            m = action.m
            events.append(Received(server_name(m.source), server_name(m.dest), _label(m)))
        else:
            events += [Received(server_name(m.source), server_name(m.dest), _label(m))
                       for m in sorted(taken.elements())]
        events += [Sent(server_name(m.source), server_name(m.dest), _label(m))
                   for m in sorted(put.elements())]
        for i, (old, new) in enumerate(zip(state[:-1], next_state[:-1])):
            if old.role != new.role or old.current_term != new.current_term:
                events.append(Note(server_name(i), f"{new.role} in term {new.current_term}"))
            if type(action) is Restart and action.i == i:
                events.append(Note(server_name(i), "restarts"))
            if old.log != new.log:
                events.append(Note(server_name(i), "log " + " ".join(
                    entry_name(e) for e in new.log) if new.log else "log empty"))
            if old.commit_index != new.commit_index:
                events.append(Note(server_name(i), f"commit_index {new.commit_index}"))
        return events

    def nodes(self) -> tuple[str, ...]:
        return tuple(server_name(i) for i in range(self.servers))

    def state_view(self, state: tuple) -> dict[str, Any]:
        view: dict[str, Any] = {}
        for i, s in enumerate(state[:-1]):
            name = server_name(i)
            view.update({f"{name}.current_term": s.current_term, f"{name}.role": s.role,
                         f"{name}.voted_for": None if s.voted_for is None
                         else server_name(s.voted_for),
                         f"{name}.log": [entry_name(e) for e in s.log],
                         f"{name}.commit_index": s.commit_index,
                         f"{name}.votes_responded": [server_name(k)
                                                     for k in sorted(s.votes_responded)],
                         f"{name}.votes_granted": [server_name(k)
                                                   for k in sorted(s.votes_granted)],
                         f"{name}.next_index": list(s.next_index),
                         f"{name}.match_index": list(s.match_index)})
        view["msgs"] = [str(m) for m in self._bag(state)]
        return view


# -- mutants: each replaces one rule, reproducing a known way to get Raft wrong ------------


@Raft.mutant("no_log_check", "votes are granted without the log-completeness check; "
                             "breaks Leader Completeness and State Machine Safety")
class ServerIgnoringLogs(ServerNode):
    def log_ok(self, s, m) -> bool:
        return True  # the bug: any candidate's log will do


@Raft.mutant("commit_previous_term", "a leader commits an entry of an earlier term by "
                                     "counting replicas (Figure 8); breaks State Machine Safety")
class ServerCommittingOldTerms(ServerNode):
    def may_commit(self, s, index) -> bool:
        return True  # the bug: the term of the entry is not checked


@Raft.mutant("vote_twice", "a server grants a vote whoever it voted for in the term; "
                           "breaks Election Safety")
class ServerVotingTwice(ServerNode):
    def may_vote(self, s, m) -> bool:
        return True  # the bug: an earlier vote in the term does not bind


@Raft.mutant("forget_vote_on_restart", "voted_for is not durable: Restart clears it; "
                                       "breaks Election Safety")
class ServerForgettingVotes(ServerNode):
    def restart(self, s):
        restarted, sent = super().restart(s)
        return restarted._replace(voted_for=None), sent  # the bug: the vote is volatile


@Raft.mutant("volatile_log", "the log is not durable: Restart loses it, committed entries "
                             "included (entries must reach stable storage before a server "
                             "answers); breaks Committed Entries Kept")
class ServerForgettingLog(ServerNode):
    def restart(self, s):
        restarted, sent = super().restart(s)
        return restarted._replace(log=()), sent  # the bug: the log is volatile


@Raft.mutant("no_truncate", "a follower whose entry conflicts appends the leader's entry "
                            "after it instead of deleting it; breaks Log Matching")
class ServerKeepingConflicts(ServerNode):
    def without_conflict(self, s, m) -> tuple:
        return s.log + m.entries  # the bug: the conflicting entry stays


@Raft.mutant("no_step_down", "a Leader that sees a higher term takes it but stays Leader; "
                             "breaks Election Safety")
class ServerNotSteppingDown(ServerNode):
    def update_term(self, s, m):
        updated = super().update_term(s, m)
        if s.role == LEADER:
            return Stay(updated.record._replace(role=LEADER))  # the bug: it keeps leading
        return updated


class ServerChangingBeforeCommit(ServerNode):
    def config_changes(self, s):
        membership = self.model.membership_rules
        if s.role != LEADER:
            return ()
        config, at = membership.latest(self.id, s.log)
        # the bug: no entry of its own term need be committed first
        return membership.changes(config, at, s.log, s.current_term, s.commit_index, True)


@Raft.mutant("change_before_commit", "membership single_server: a leader changes the "
                                     "configuration before committing an entry of its term "
                                     "(the 2015 bug); breaks Leader Completeness")
class RaftChangingBeforeCommit(Raft):
    roles = (ServerChangingBeforeCommit,)

    def setup(self) -> None:
        super().setup()
        if self.membership_rules is None or self.membership_rules.change != "single_server":
            raise ParamError("mutant", "change_before_commit breaks single-server membership "
                             "changes; give membership: {change: single_server, ...}")
