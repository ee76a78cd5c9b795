"""The hand-compiled Raft model that `models/raft.py` replaced, kept as a test
oracle: the kit's readable model must take the same steps, in the same order,
to the same states (tests/models/test_raft_kit.py). Not registered; not for users.

Raft, following Ongaro's ``raft.tla`` (the Raft dissertation's TLA+ spec).

The state is the spec's variables without its proof-only history variables
(``elections``, ``allLogs``, ``voterLog`` and the messages' ``mlog`` field):
per server ``current_term`` (starts at 1), ``role``, ``voted_for`` (None or a
server), ``log`` (a tuple of ``(term, value)`` entries), ``commit_index``,
``votes_responded``/``votes_granted`` (bitmasks of servers) and
``next_index``/``match_index`` (tuples indexed by server). Servers are
numbered ``0..servers-1`` and printed ``s1..sN``; values are printed
``v1..vN`` (an ``init:`` block may name more, such as ``x=9``).

The network is a bag (multiset) of messages, as in the spec: sending adds a
copy, receiving removes one, and a reply removes the request and adds the
response in one step; ``DuplicateMessage`` and ``DropMessage`` are the
network's faults. The bag is a sorted tuple holding each copy, so equal bags
are equal tuples and ``len`` counts copies. Messages carry the spec's record
fields; their first field is the spec's ``mtype``, which keeps messages of
different kinds apart and orders the bag.

Each action has the spec's guard and effect; ``Receive(m)`` is the spec's
``Receive``: ``UpdateTerm``, the four handlers and ``DropStaleResponse``,
whichever is enabled (at most one is). The bounds (``max_term``,
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
(`Raft.symmetry_groups`); `Raft.permute` renames a server wherever its name
appears, and `Raft.signatures` ranks servers by what they are without
naming others, so the engine seldom tries more than one renaming per state.

Deliberate differences, none of which changes the reachable states, their
depths or the distinct-state counts TLC reports on the same bounds:

- Steps that change nothing are not generated: ``Restart`` of a server
  already in its restarted state and ``AdvanceCommitIndex`` that leaves
  ``commit_index`` as it is. TLC generates these stuttering steps and finds
  the state already known.
- A scenario may start from a configuration of its own (``init:``, see
  `Raft.setup`) instead of the spec's ``Init``.
- A send into a full bag is not generated either: it leads outside the
  bounds (``max_msgs``) to a state whose servers are this state's, which
  TLC checks (the invariants give this state's answers) and does not
  explore. So coverage counts no such step, and an instance whose bag
  holds one message at most has no ``DuplicateMessage`` among its actions
  (none with ``max_msgs: 0`` sends anything).

One difference from the published text is the issue's, and TLC's reference
counts follow it: the bag is a real multiset. raft.tla's ``WithoutMessage``
leaves a message whose last copy is removed in the bag's domain with count
0, where ``Receive``, ``DuplicateMessage`` and ``DropMessage`` still find it
(a drop then makes the count -1, and the sum the constraint bounds can
fall without end); here the message leaves the bag. With that, the reachable
states are raft.tla's one for one: `tests/models/raft_tla.py` transcribes the
spec action by action and the tests compare the two on eight bounds.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import itemgetter
from typing import Any, Iterator, Mapping, NamedTuple

from checker import Fails, Model, Param, ParamError, invariant, reachable, transition
from checker.model import Note, Received, Sent
from checker.symmetry import Remembered
from models.quorum import (QUORUM_SCHEMA, interchangeable_groups, quorum_system,
                           require_intersecting)
from models.raft_membership import (CONFIG, MEMBERSHIP_SCHEMA, Membership, config_name,
                                    parse_config)

FOLLOWER, CANDIDATE, LEADER = 0, 1, 2
ROLES = ("Follower", "Candidate", "Leader")

# A server's variables, in this order, form its tuple in the state.
TERM, ROLE, VOTED_FOR, LOG, COMMIT, RESPONDED, GRANTED, NEXT, MATCH = range(9)
SERVER_FIELDS = ("current_term", "role", "voted_for", "log", "commit_index",
                 "votes_responded", "votes_granted", "next_index", "match_index")

# The spec's message types; the first field of every message.
RVQ, RVP, AEQ, AEP = range(4)


def server_name(i: int | None) -> str:
    return "none" if i is None else f"s{i + 1}"


# Client values are 0, 1, ... (printed v1, v2, ...). A command an `init:` block
# names (``x=9``) is a negative number that spells its name, so it prints
# without a table and every model encodes it alike, whatever was loaded before.


def command_value(name: str) -> int:
    """The value of the command `name`: minus its UTF-8 bytes read as a number
    (after a 1 byte, so that no name is lost to leading zero bytes)."""
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


# -- messages ----------------------------------------------------------------------


class RequestVoteRequest(NamedTuple):
    mtype: int
    source: int
    dest: int
    term: int
    last_log_term: int
    last_log_index: int

    def __str__(self) -> str:
        return (f"RequestVoteRequest({server_name(self.source)}→{server_name(self.dest)}, "
                f"term {self.term}, last log t{self.last_log_term}@{self.last_log_index})")

    __repr__ = __str__


class RequestVoteResponse(NamedTuple):
    mtype: int
    source: int
    dest: int
    term: int
    vote_granted: bool

    def __str__(self) -> str:
        return (f"RequestVoteResponse({server_name(self.source)}→{server_name(self.dest)}, "
                f"term {self.term}, {'granted' if self.vote_granted else 'denied'})")

    __repr__ = __str__


class AppendEntriesRequest(NamedTuple):
    mtype: int
    source: int
    dest: int
    term: int
    prev_log_index: int
    prev_log_term: int
    entries: tuple
    commit_index: int

    def __str__(self) -> str:
        return (f"AppendEntriesRequest({server_name(self.source)}→{server_name(self.dest)}, "
                f"term {self.term}, prev t{self.prev_log_term}@{self.prev_log_index}, "
                f"entries {_entries(self.entries)}, commit {self.commit_index})")

    __repr__ = __str__


class AppendEntriesResponse(NamedTuple):
    mtype: int
    source: int
    dest: int
    term: int
    success: bool
    match_index: int

    def __str__(self) -> str:
        outcome = f"success, match {self.match_index}" if self.success else "failure"
        return (f"AppendEntriesResponse({server_name(self.source)}→{server_name(self.dest)}, "
                f"term {self.term}, {outcome})")

    __repr__ = __str__


def _label(m: Any) -> str:
    """A message as a chart labels it: its printed form without the
    endpoints, which the arrow shows."""
    return re.sub(r"\(s\d+→s\d+, ", "(", str(m))


MESSAGE_TYPES = (RequestVoteRequest, RequestVoteResponse, AppendEntriesRequest,
                 AppendEntriesResponse)

# -- actions -----------------------------------------------------------------------


class Restart(NamedTuple):
    """Server i restarts from stable storage: it becomes a Follower and
    forgets everything but current_term, voted_for and log."""

    i: int

    def __str__(self) -> str:
        return f"Restart({server_name(self.i)})"


class Timeout(NamedTuple):
    """A Follower or Candidate i times out and starts an election: Candidate,
    current_term + 1, voted_for none, vote sets emptied. Sends nothing."""

    i: int

    def __str__(self) -> str:
        return f"Timeout({server_name(self.i)})"


class RequestVote(NamedTuple):
    """Candidate i sends j (itself included) a vote request, while j is not
    in votes_responded."""

    i: int
    j: int

    def __str__(self) -> str:
        return f"RequestVote({server_name(self.i)}, {server_name(self.j)})"


class BecomeLeader(NamedTuple):
    """A Candidate i whose votes_granted is a quorum becomes Leader;
    next_index all its log length + 1, match_index all 0."""

    i: int

    def __str__(self) -> str:
        return f"BecomeLeader({server_name(self.i)})"


class ClientRequest(NamedTuple):
    """Leader i appends (current_term, v) to its log."""

    i: int
    v: int

    def __str__(self) -> str:
        return f"ClientRequest({server_name(self.i)}, v{self.v + 1})"


class ChangeConfig(NamedTuple):
    """Leader i appends the configuration entry (current_term, c), as its
    ``membership`` rule allows (see `models.raft_membership`); it uses c at
    once. Only with membership changes."""

    i: int
    c: int

    def __str__(self) -> str:
        return f"ChangeConfig({server_name(self.i)}, {config_name(self.c)})"


class AdvanceCommitIndex(NamedTuple):
    """Leader i sets commit_index to the largest index a quorum agrees on
    (itself and each k with match_index[k] ≥ index), if that entry is of its
    current term."""

    i: int

    def __str__(self) -> str:
        return f"AdvanceCommitIndex({server_name(self.i)})"


class AppendEntries(NamedTuple):
    """Leader i sends j ≠ i an AppendEntries request with at most one entry,
    the one at next_index[j]."""

    i: int
    j: int

    def __str__(self) -> str:
        return f"AppendEntries({server_name(self.i)}, {server_name(self.j)})"


class Receive(NamedTuple):
    """Server m.dest handles one copy of m (UpdateTerm, a handler or
    DropStaleResponse, whichever is enabled)."""

    m: Any

    def __str__(self) -> str:
        return f"Receive({self.m})"


class DuplicateMessage(NamedTuple):
    """The network adds another copy of m."""

    m: Any

    def __str__(self) -> str:
        return f"DuplicateMessage({self.m})"


class DropMessage(NamedTuple):
    """The network loses one copy of m."""

    m: Any

    def __str__(self) -> str:
        return f"DropMessage({self.m})"


_new = tuple.__new__  # builds a named tuple without its keyword handling

_RANKS = tuple((rank,) for rank in range(10))  # shared by every signature


def _traffic(m: tuple) -> tuple:
    """Message m's source and dest, and what it adds to each one's
    signature: its fields but the names, whether it is addressed to its
    sender, and whether the server sent it (0) or is sent it (1)."""
    source, dest = m[1], m[2]
    fields = (m[0], source == dest, m[3:])
    return source, dest, (0,) + fields, (1,) + fields


def _add(bag: tuple, m: tuple) -> tuple:
    """The bag with one more copy of m (kept sorted)."""
    k = 0
    for k, other in enumerate(bag):  # noqa: B007  (bags hold a few messages)
        if m <= other:
            return bag[:k] + (m,) + bag[k:]
    return bag + (m,)


def _remove(bag: tuple, m: tuple) -> tuple:
    """The bag with one copy of m less."""
    k = bag.index(m)
    return bag[:k] + bag[k + 1:]


def _reply(bag: tuple, response: tuple, request: tuple) -> tuple:
    return _add(_remove(bag, request), response)


def _last_term(log: tuple) -> int:
    return log[-1][0] if log else 0


class Raft(Model):
    name = "raft"
    summary = "Raft, Ongaro's raft.tla without its history variables (bag network)"
    params = (
        Param("servers", 2, "number of servers", minimum=1, maximum=9),
        # setup builds a ClientRequest per (server, value); the state
        # constraints are reached long before their maxima.
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
    mutants = {
        "no_log_check": "votes are granted without the log-completeness check; "
                        "breaks Leader Completeness and State Machine Safety",
        "commit_previous_term": "a leader commits an entry of an earlier term by counting "
                                "replicas (Figure 8); breaks State Machine Safety",
        "vote_twice": "a server grants a vote whoever it voted for in the term; "
                      "breaks Election Safety",
        "forget_vote_on_restart": "voted_for is not durable: Restart clears it; "
                                  "breaks Election Safety",
        "no_truncate": "a follower whose entry conflicts appends the leader's entry "
                       "after it instead of deleting it; breaks Log Matching",
        "no_step_down": "a Leader that sees a higher term takes it but stays Leader; "
                        "breaks Election Safety",
        "change_before_commit": "membership single_server: a leader changes the "
                                "configuration before committing an entry of its term "
                                "(the 2015 bug); breaks Leader Completeness",
    }
    actions = (Restart, Timeout, RequestVote, BecomeLeader, ClientRequest,
               AdvanceCommitIndex, AppendEntries, Receive, DuplicateMessage, DropMessage)
    symmetry_sets = ("servers",)
    takes_init = True

    # -- parameters and the starting configuration --------------------------------

    def setup(self) -> None:
        n = self.servers
        self.quorums = quorum_system(self.quorum, n)
        self._range = range(n)
        self._bit = tuple(1 << i for i in range(n))
        # is_quorum of each bitmask of servers, looked up instead of counted:
        # votes by the phase-1 rule, commitment by the phase-2 rule.
        self._is_quorum, self._is_commit_quorum = (tuple(
            rule.is_quorum(frozenset(i for i in range(n) if mask >> i & 1))
            for mask in range(1 << n)) for rule in (self.quorums.phase1, self.quorums.phase2))
        self._membership = None
        if self.membership is not None:
            if self.quorum != "majority":
                raise ParamError("params.quorum", "with membership changes every configuration "
                                 "counts its own majorities; remove quorum: or membership:")
            self._membership = Membership(self.membership, n)
        self.actions = self._possible_actions()
        if self.mutant == "change_before_commit" and (
                self._membership is None or self._membership.change != "single_server"):
            raise ParamError("mutant", "change_before_commit breaks single-server membership "
                             "changes; give membership: {change: single_server, ...}")
        self._ones, self._zeros = (1,) * n, (0,) * n
        self._restart = tuple(Restart(i) for i in range(n))
        self._timeout = tuple(Timeout(i) for i in range(n))
        self._request_vote = tuple(tuple(RequestVote(i, j) for j in range(n)) for i in range(n))
        self._become_leader = tuple(BecomeLeader(i) for i in range(n))
        self._client_request = tuple(tuple(ClientRequest(i, v) for v in range(self.values))
                                     for i in range(n))
        self._advance = tuple(AdvanceCommitIndex(i) for i in range(n))
        self._append_entries = tuple(tuple(AppendEntries(i, j) for j in range(n))
                                     for i in range(n))
        fresh = (1, FOLLOWER, None, (), 0, 0, 0, self._ones, self._zeros)
        if self.init is None:
            self._initial = ((fresh,) * n, ())
        else:
            self._initial = self._parse_init(self.init)
        servers = self._initial[0]
        self._start_logs = tuple(s[LOG] for s in servers)
        self._start_leaders = tuple(i for i in range(n) if servers[i][ROLE] == LEADER)
        self._start_top_term = max(s[TERM] for s in servers)
        # The entries committed at the start: the longest committed prefix any
        # server records (commit_index), taken from that server's log.
        holder = max(servers, key=lambda s: s[COMMIT])
        committed = holder[LOG][:holder[COMMIT]]
        # The committed entries each server held at the start, which it must keep.
        held = []
        for s in servers:
            count = 0
            while count < min(len(committed), len(s[LOG])) and \
                    s[LOG][count] == committed[count]:
                count += 1
            held.append(committed[:count])
        self._start_held = tuple(held)
        self._holds_commits = any(held)

    def _possible_actions(self) -> tuple[type, ...]:
        """The actions this instance can take, for coverage: a send into a
        full bag is not generated (see `successors`), so with ``max_msgs: 1``
        no message is ever duplicated, and with 0 none is ever sent."""
        if self.max_msgs == 0:
            cannot = {RequestVote, AppendEntries, Receive, DuplicateMessage, DropMessage}
        elif self.max_msgs == 1:
            cannot = {DuplicateMessage}
        else:
            cannot = set()
        actions = tuple(kind for kind in type(self).actions if kind not in cannot)
        return actions + ((ChangeConfig,) if self._membership is not None else ())

    def _parse_init(self, init: Mapping[str, Any]) -> tuple:
        """The starting state from an ``init:`` block::

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
                                 f"({', '.join(SERVER_FIELDS)})")
            for key in fields:
                if key not in SERVER_FIELDS:
                    raise ParamError(f"{where}.{key}", "is not a server variable; use "
                                     + ", ".join(SERVER_FIELDS))
            servers.append(self._parse_server(fields, where, names))
        for i, s in enumerate(servers):
            where = f"init.{server_name(i)}"
            if s[TERM] > self.max_term:
                raise ParamError(f"{where}.current_term", f"{s[TERM]} is above max_term "
                                 f"({self.max_term}); raise max_term")
            if len(s[LOG]) > self.max_log:
                raise ParamError(f"{where}.log", f"has {len(s[LOG])} entries, above "
                                 f"max_log ({self.max_log}); raise max_log")
            if any(term > s[TERM] for term, _ in s[LOG]):
                raise ParamError(f"{where}.log", "holds an entry of a term above the "
                                 f"server's current_term ({s[TERM]})")
            if s[COMMIT] > len(s[LOG]):
                raise ParamError(f"{where}.commit_index", f"{s[COMMIT]} is past the end of "
                                 f"the log ({len(s[LOG])} entries)")
            if s[ROLE] == LEADER and self._membership is not None:
                config = self._membership.latest(i, s[LOG])[0]
                if not config.quorum[s[GRANTED]]:
                    raise ParamError(f"{where}.votes_granted", "a Leader's votes_granted must "
                                     "be a quorum of the latest configuration in its log "
                                     f"({value_name(config.value) if config.mask else 'none'})")
        return tuple(servers), ()

    def _parse_server(self, fields: Mapping[str, Any], where: str,
                      names: Mapping[str, int]) -> tuple:
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

        def server_set(key: str, default: int) -> int:
            value = fields.get(key)
            if value is None:
                return default
            if not isinstance(value, list):
                raise ParamError(f"{where}.{key}", "must be a list of servers, e.g. [s1, s2]")
            mask = 0
            for member in value:
                mask |= 1 << server(member, key)
            return mask

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
        role_name = fields.get("role", "Follower")
        if role_name not in ROLES:
            raise ParamError(f"{where}.role", f"{role_name!r} is not a role; use "
                             + ", ".join(ROLES))
        role = ROLES.index(role_name)
        voted = fields.get("voted_for")
        voted_for = None if voted is None else server(voted, "voted_for")
        log = self._parse_log(fields.get("log", []), f"{where}.log")
        commit = number("commit_index", 0, 0)
        everyone = (1 << n) - 1
        responded = server_set("votes_responded", everyone if role == LEADER else 0)
        granted = server_set("votes_granted", everyone if role == LEADER else 0)
        if role == LEADER and self._membership is None and not self._is_quorum[granted]:
            raise ParamError(f"{where}.votes_granted", "a Leader's votes_granted must be "
                             f"a quorum ({self.quorums})")
        next_default = (len(log) + 1,) * n if role == LEADER else self._ones
        next_index = per_server("next_index", next_default, 1)
        match_index = per_server("match_index", self._zeros, 0)
        return (term, role, voted_for, log, commit, responded, granted, next_index,
                match_index)

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
                if value is None or self._membership is None:
                    raise ParamError(f"{where}[{index}]", f"{text!r}: a configuration entry "
                                     "such as t2:C(s1 s2 s3) or t2:C(s1 s2 s3 | s1) needs "
                                     "membership: and servers s1..sN")
                self._membership.configuration(value)  # known, for symmetry_groups
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

    def initial_states(self) -> Iterator[tuple]:
        yield self._initial

    def within_bounds(self, state: tuple) -> bool:
        servers, msgs = state
        if len(msgs) > self.max_msgs:
            return False
        max_term, max_log = self.max_term, self.max_log
        for s in servers:
            if s[0] > max_term or len(s[3]) > max_log:
                return False
        return True

    def check_sound(self) -> None:
        """Every phase-1 quorum meets every phase-2 quorum, and a direct
        membership change goes between configurations whose majorities all
        meet; otherwise two leaders can be elected in one term. `ParamError`
        names a disjoint pair."""
        require_intersecting(self.quorums)
        if self._membership is not None:
            self._membership.require_overlap()

    # -- the next-state relation ----------------------------------------------------

    def successors(self, state: tuple) -> list[tuple[Any, tuple]]:
        servers, msgs = state
        steps: list[tuple[Any, tuple]] = []
        step = steps.append
        n = self.servers
        ones, zeros = self._ones, self._zeros
        forget_vote = self.mutant == "forget_vote_on_restart"
        # A send into a full bag leads outside the bounds to a state whose
        # servers are this state's: not generated (see the module docstring).
        can_send = len(msgs) < self.max_msgs
        # Whom a server asks and informs, and which votes or matches make a
        # quorum: fixed, or by its latest configuration (membership changes).
        membership = self._membership
        peers, vote_quorum, commit_quorum = self._range, self._is_quorum, self._is_commit_quorum
        for i in self._range:
            term, role, voted_for, log, commit, responded, granted, next_index, \
                match_index = s = servers[i]
            before, after = servers[:i], servers[i + 1:]
            if membership is not None:
                config, at = membership.latest(i, log)
                peers, vote_quorum = config.members, config.quorum
                commit_quorum = vote_quorum
            if role != LEADER and (membership is None
                                   or membership.may_time_out(i, config, at, commit)):
                step((self._timeout[i], (before + (
                    (term + 1, CANDIDATE, None, log, commit, 0, 0, next_index, match_index),)
                    + after, msgs)))
            kept_vote = None if forget_vote else voted_for  # mutant: the vote is volatile
            if (role or commit or responded or granted or next_index != ones
                    or match_index != zeros or kept_vote != voted_for):
                step((self._restart[i], (before + (
                    (term, FOLLOWER, kept_vote, log, 0, 0, 0, ones, zeros),) + after, msgs)))
            if role == CANDIDATE:
                if can_send:
                    last_term = log[-1][0] if log else 0
                    for j in peers:
                        if not responded >> j & 1:
                            step((self._request_vote[i][j], (servers, _add(msgs, _new(
                                RequestVoteRequest, (RVQ, i, j, term, last_term, len(log)))))))
                if vote_quorum[granted]:
                    step((self._become_leader[i], (before + (
                        (term, LEADER, voted_for, log, commit, responded, granted,
                         (len(log) + 1,) * n, zeros),) + after, msgs)))
            elif role == LEADER:
                for v, action in enumerate(self._client_request[i]):
                    step((action, (before + (
                        (term, role, voted_for, log + ((term, v),), commit, responded,
                         granted, next_index, match_index),) + after, msgs)))
                if membership is not None:
                    for c in membership.changes(config, at, log, term, commit,
                                                self.mutant == "change_before_commit"):
                        step((ChangeConfig(i, c), (before + (
                            (term, role, voted_for, log + ((term, c),), commit, responded,
                             granted, next_index, match_index),) + after, msgs)))
                if log:
                    new_commit = self._commit_index(i, s, commit_quorum)
                    if new_commit != commit:
                        new_role = role
                        if membership is not None and membership.steps_down(
                                i, config, at, new_commit):
                            new_role = FOLLOWER  # it committed a configuration without it
                        step((self._advance[i], (before + (
                            (term, new_role, voted_for, log, new_commit, responded, granted,
                             next_index, match_index),) + after, msgs)))
                if can_send:
                    length = len(log)
                    for j in peers:
                        if j == i:
                            continue
                        following = next_index[j]
                        prev = following - 1
                        last = length if length < following else following
                        step((self._append_entries[i][j], (servers, _add(msgs, _new(
                            AppendEntriesRequest,
                            (AEQ, i, j, term, prev, log[prev - 1][0] if prev > 0 else 0,
                             log[prev:last], commit if commit < last else last))))))
        previous = None
        for m in msgs:
            if m == previous:
                continue  # another copy of the same message
            previous = m
            next_state = self._receive(servers, msgs, m)
            if next_state is not None:
                step((_new(Receive, (m,)), next_state))
            if can_send:
                step((_new(DuplicateMessage, (m,)), (servers, _add(msgs, m))))
            step((_new(DropMessage, (m,)), (servers, _remove(msgs, m))))
        return steps

    def _commit_index(self, i: int, s: tuple, quorum: tuple) -> int:
        """AdvanceCommitIndex's new commit_index for Leader i (server tuple s),
        `quorum[mask]` saying which sets of servers are a quorum."""
        log, match_index = s[LOG], s[MATCH]
        agreed = 0
        for index in range(len(log), 0, -1):
            agree = self._bit[i]
            for k in self._range:
                if match_index[k] >= index:
                    agree |= self._bit[k]
            if quorum[agree]:
                agreed = index
                break
        if agreed and (log[agreed - 1][0] == s[TERM]
                       or self.mutant == "commit_previous_term"):  # mutant: any term
            return agreed
        return s[COMMIT]

    def _receive(self, servers: tuple, msgs: tuple, m: tuple) -> tuple | None:
        """The state after server m.dest receives m, or None when no handler
        is enabled."""
        mtype, j, i, mterm = m[0], m[1], m[2], m[3]
        term, role, voted_for, log, commit, responded, granted, next_index, \
            match_index = servers[i]
        before, after = servers[:i], servers[i + 1:]
        if mterm > term:
            # UpdateTerm; the message stays in the bag to be handled next.
            if role == LEADER and self.mutant == "no_step_down":
                new_role = LEADER  # mutant: the leader keeps leading
            else:
                new_role = FOLLOWER
            return before + ((mterm, new_role, None, log, commit, responded, granted,
                              next_index, match_index),) + after, msgs
        if mtype == RVQ:
            last_term = log[-1][0] if log else 0
            log_ok = m[4] > last_term or (m[4] == last_term and m[5] >= len(log))
            if self.mutant == "no_log_check":
                log_ok = True  # mutant: any candidate's log will do
            if self.mutant == "vote_twice":
                free = True  # mutant: an earlier vote in the term does not bind
            else:
                free = voted_for is None or voted_for == j
            grant = mterm == term and log_ok and free
            response = _new(RequestVoteResponse, (RVP, i, j, term, grant))
            if grant:
                servers = before + ((term, role, j, log, commit, responded, granted,
                                     next_index, match_index),) + after
            return servers, _reply(msgs, response, m)
        if mtype == RVP:
            if mterm < term:
                return servers, _remove(msgs, m)  # DropStaleResponse
            if m[4]:
                granted |= self._bit[j]
            return before + ((term, role, voted_for, log, commit, responded | self._bit[j],
                              granted, next_index, match_index),) + after, _remove(msgs, m)
        if mtype == AEQ:
            prev, prev_term, entries = m[4], m[5], m[6]
            log_ok = prev == 0 or (prev <= len(log) and log[prev - 1][0] == prev_term)
            if mterm < term or (role == FOLLOWER and not log_ok):
                return servers, _reply(msgs, _new(AppendEntriesResponse,
                                                  (AEP, i, j, term, False, 0)), m)
            if role == CANDIDATE:
                return before + ((term, FOLLOWER, voted_for, log, commit, responded,
                                  granted, next_index, match_index),) + after, msgs
            if role == LEADER:
                return None  # the spec has no case for it: the message waits
            if not entries or (len(log) > prev and log[prev][0] == entries[0][0]):
                # Already done with the request.
                return before + ((term, role, voted_for, log, m[7], responded, granted,
                                  next_index, match_index),) + after, _reply(
                    msgs, _new(AppendEntriesResponse,
                               (AEP, i, j, term, True, prev + len(entries))), m)
            if len(log) > prev:
                # Conflict: remove one entry; the message stays.
                if self.mutant == "no_truncate":
                    new_log = log + entries  # mutant: the conflicting entry stays
                else:
                    new_log = log[:-1]
            else:
                new_log = log + entries  # the log ends at prev: append; the message stays
            return before + ((term, role, voted_for, new_log, commit, responded, granted,
                              next_index, match_index),) + after, msgs
        # AEP
        if mterm < term:
            return servers, _remove(msgs, m)  # DropStaleResponse
        if m[4]:
            next_index = next_index[:j] + (m[5] + 1,) + next_index[j + 1:]
            match_index = match_index[:j] + (m[5],) + match_index[j + 1:]
        else:
            following = next_index[j] - 1
            next_index = next_index[:j] + (following if following > 1 else 1,) \
                + next_index[j + 1:]
        return before + ((term, role, voted_for, log, commit, responded, granted,
                          next_index, match_index),) + after, _remove(msgs, m)

    # -- properties -------------------------------------------------------------------

    @invariant("Election Safety")
    def election_safety(self, state: tuple) -> bool | Fails:
        """At most one leader per term."""
        leaders = 0
        for s in state[0]:
            if s[ROLE] == LEADER:
                leaders += 1
        if leaders < 2:
            return True
        leader_of: dict[int, int] = {}
        for i, s in enumerate(state[0]):
            if s[ROLE] == LEADER:
                other = leader_of.setdefault(s[TERM], i)
                if other != i:
                    return Fails(f"{server_name(other)} and {server_name(i)} are both "
                                 f"leader in term {s[TERM]}")
        return True

    @invariant("Log Matching")
    def log_matching(self, state: tuple) -> bool | Fails:
        """If two logs have an entry with the same index and term, the logs are
        identical up to that index."""
        servers = state[0]
        for a in self._range:
            log_a = servers[a][LOG]
            if not log_a:
                continue
            for b in range(a + 1, self.servers):
                log_b = servers[b][LOG]
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
        servers = state[0]
        for s in servers:
            if s[COMMIT]:
                break
        else:
            return True  # nothing is committed
        for l, leader in enumerate(servers):
            if leader[ROLE] != LEADER:
                continue
            for i, s in enumerate(servers):
                if s[COMMIT] and s[TERM] <= leader[TERM]:
                    committed = s[LOG][:s[COMMIT]]
                    if leader[LOG][:len(committed)] != committed:
                        return Fails(
                            f"{server_name(i)} (term {s[TERM]}) has committed "
                            f"{_entries(committed)}, but the log of {server_name(l)}, "
                            f"leader in term {leader[TERM]}, is {_entries(leader[LOG])}")
        return True

    @invariant("State Machine Safety")
    def state_machine_safety(self, state: tuple) -> bool | Fails:
        """No two servers have committed different entries at the same index
        (nor has a server committed an index past the end of its log)."""
        servers = state[0]
        for s in servers:
            if s[COMMIT]:
                break
        else:
            return True  # nothing is committed
        committed = []
        for i, s in enumerate(servers):
            if s[COMMIT] > len(s[LOG]):
                return Fails(f"{server_name(i)} has commit_index {s[COMMIT]} but only "
                             f"{len(s[LOG])} entries: {_entries(s[LOG])}")
            if s[COMMIT]:
                committed.append((i, s[LOG][:s[COMMIT]]))
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
        before, after = state[0], next_state[0]
        if before is after:
            return True
        # Checked on every step, and most states have no leader: literal
        # field numbers (ROLE 1, LOG 3, LEADER 2) keep it cheap.
        for old in before:
            if old[1] == 2:
                break
        else:
            return True
        for old, new in zip(before, after):
            if old is not new and old[1] == 2 and new[1] == 2 and new[3][:len(old[3])] != old[3]:
                i = next(k for k, server in enumerate(before) if server is old)
                return Fails(f"leader {server_name(i)}'s log went from "
                             f"{_entries(old[LOG])} to {_entries(new[LOG])}")
        return True

    @invariant("Committed Entries Kept")
    def init_commits_kept(self, state: tuple) -> bool | Fails:
        """Every server keeps the committed entries it held in the starting
        configuration of an ``init:`` block (the entries up to the highest
        commit_index given there). Restart clears commit_index, so the
        invariants above lose sight of them; this one does not. Without an
        ``init:`` block nothing is committed at the start and it holds."""
        if not self._holds_commits:
            return True
        for i, s in enumerate(state[0]):
            held = self._start_held[i]
            if held and s[LOG][:len(held)] != held:
                return Fails(f"{server_name(i)} held the committed entries {_entries(held)} "
                             f"but its log is now {_entries(s[LOG])}")
        return True

    # -- reachability witnesses --------------------------------------------------------
    #
    # Leader Elected and Entry Committed make sense for any run; the others are
    # scenario witnesses (an `init:` block, a membership change, more terms
    # than the default bounds), checked only where a spec names them.

    @reachable("Leader Elected")
    def leader_elected(self, state: tuple) -> bool:
        """Some server is Leader."""
        return any(s[ROLE] == LEADER for s in state[0])

    @reachable("Entry Committed")
    def entry_committed(self, state: tuple) -> bool:
        """Some server has committed an entry (commit_index ≥ 1)."""
        return any(s[COMMIT] for s in state[0])

    @reachable("Stale Leader", default=False)
    def stale_leader(self, state: tuple) -> bool:
        """A leader of an older term coexists with a leader of a newer one
        (legal: the stale one has not yet heard of the newer term)."""
        terms = {s[TERM] for s in state[0] if s[ROLE] == LEADER}
        return len(terms) > 1

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
        servers = state[0]
        for s in servers:
            if s[ROLE] == FOLLOWER and any(s[MATCH]):
                if any(l[ROLE] == LEADER and l[TERM] >= s[TERM] for l in servers):
                    return True
        return False

    @reachable("Partitioned Candidate", default=False)
    def partitioned_candidate(self, state: tuple) -> bool:
        """A leader is elected while one server, cut off from it, keeps
        timing out: every server but one is at most at the leader's term, and
        that one is a Candidate of a higher term."""
        servers = state[0]
        for leader in servers:
            if leader[ROLE] == LEADER:
                above = [s for s in servers if s[TERM] > leader[TERM]]
                if len(above) == 1 and above[0][ROLE] == CANDIDATE:
                    return True
        return False

    @reachable("Old Leader Steps Down", default=False)
    def old_leader_steps_down(self, state: tuple) -> bool:
        """A server that was Leader in the starting configuration (an
        ``init:`` block) is a Follower in a higher term than it had. The
        shortest way there is stepping down on the first message of a newer
        term; the state alone does not show the way, the witness trace does.
        Without a leader at the start it is unreachable."""
        servers = state[0]
        start = self._initial[0]
        return any(servers[i][ROLE] == FOLLOWER and servers[i][TERM] > start[i][TERM]
                   for i in self._start_leaders)

    @reachable("Split Vote Resolved", default=False)
    def split_vote_resolved(self, state: tuple) -> bool:
        """A leader is elected in a term above every term of the starting
        configuration. From an ``init:`` block where the votes of the latest
        term are split so that no candidate can reach a quorum, that is the
        split vote resolving in a later term."""
        top = self._start_top_term
        return any(s[ROLE] == LEADER and s[TERM] > top for s in state[0])

    @reachable("Conflict Overwritten", default=False)
    def conflict_overwritten(self, state: tuple) -> bool:
        """A server holds, at an index where its starting log (an ``init:``
        block) had an entry, a different entry: its conflicting entry was
        deleted and replaced. A single state cannot show an overwrite
        otherwise, so from the empty start it is unreachable."""
        for s, start in zip(state[0], self._start_logs):
            log = s[LOG]
            for k in range(min(len(log), len(start))):
                if log[k] != start[k]:
                    return True
        return False

    @reachable("Logs Healed", default=False)
    def logs_healed(self, state: tuple) -> bool:
        """A leader's log is non-empty and every server's log equals it."""
        servers = state[0]
        for leader in servers:
            if leader[ROLE] == LEADER and leader[LOG]:
                return all(s[LOG] == leader[LOG] for s in servers)
        return False

    # -- membership change witnesses (see models.raft_membership) -------------------

    @reachable("Configuration Changed", default=False)
    def configuration_changed(self, state: tuple) -> bool:
        """Some server has committed the configuration ``membership.to``: the
        change is done. Without membership it is unreachable."""
        membership = self._membership
        return membership is not None and any(
            membership.committed_target(s[LOG], s[COMMIT]) for s in state[0])

    @reachable("Change Finished by a New Leader", default=False)
    def change_finished_by_new_leader(self, state: tuple) -> bool:
        """Joint consensus: a server has committed C_old,new and then C_new of
        a later term, so the leader that started the change did not finish
        it: a leader elected under C_old,new did (its election needed both
        majorities)."""
        membership = self._membership
        return membership is not None and any(
            membership.finished_later(s[LOG], s[COMMIT]) for s in state[0])

    @reachable("New Leader under C_old,new", default=False)
    def joint_leader_elected(self, state: tuple) -> bool:
        """Joint consensus: a leader whose configuration is C_old,new of an
        earlier term than its own, so it was elected under C_old,new (with a
        majority of both) after the leader that began the change lost its
        leadership; it can go on to finish the change."""
        membership = self._membership
        if membership is None:
            return False
        for l, s in enumerate(state[0]):
            if s[ROLE] == LEADER:
                config, at = membership.latest(l, s[LOG])
                if config is membership.joint and s[LOG][at - 1][0] < s[TERM]:
                    return True
        return False

    @reachable("Change Rolled Back", default=False)
    def change_rolled_back(self, state: tuple) -> bool:
        """Joint consensus: a leader elected under C_old (its log has no
        C_old,new) has committed an entry of its own at an index where another
        server holds C_old,new of an earlier term, which can therefore never
        be committed: the change is undone."""
        membership = self._membership
        if membership is None:
            return False
        servers = state[0]
        for l, leader in enumerate(servers):
            if leader[ROLE] == LEADER and leader[COMMIT] and \
                    membership.latest(l, leader[LOG])[0] is membership.initial:
                for s in servers:
                    if membership.rolled_back(leader[LOG], leader[TERM], leader[COMMIT],
                                              s[LOG]):
                        return True
        return False

    # -- symmetry ---------------------------------------------------------------------
    #
    # Every action treats servers alike, so renaming the servers of a group
    # (`symmetry_groups`: as far as the start, the quorum rule and membership
    # changes allow) maps runs to runs. A server's name appears as its
    # position in the per-server tuple, in voted_for, as a bit of
    # votes_responded and votes_granted, as a column of next_index and
    # match_index, and as a message's source and dest.

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """Servers i and j are interchangeable when swapping them leaves
        alone everything that tells servers apart: the starting state (an
        ``init:`` block may give them different variables or name one of
        them), the quorum rule (both its phases: which sets of votes elect
        and which matches commit) and, with membership changes, the
        configurations a run can reach (`Membership.classes`: every one is
        made of whole classes, so configuration entries need no renaming).
        From the spec's Init with majorities, all servers are. Each test is
        whether a swap lies in a group (the permutations keeping that thing),
        so "interchangeable" is an equivalence ((i k) = (i j)(j k)(i j)) and
        every permutation within its classes keeps all three; the properties
        that read the start (Committed Entries Kept) then see it unchanged."""
        n = self.servers
        start = self._initial
        # Each server's quorum group and membership class, by number.
        labels: list[list[int]] = [[0, 0] for _ in range(n)]
        for number, group in enumerate(interchangeable_groups(self.quorums)):
            for i in group:
                labels[i][0] = number
        if self._membership is not None:
            for number, members in enumerate(self._membership.classes()):
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

    def permute(self, state: tuple, perm: Mapping[str, Any]) -> tuple:
        """Server k becomes perm["servers"][k] everywhere (see above); the
        bag is sorted again. Configuration entries stay as they are: every
        one is made of whole groups. The identity returns `state` itself."""
        images = perm.get("servers")
        if images is None:
            return state
        try:
            renaming = self._renamings[images]
        except (AttributeError, KeyError, TypeError):
            renaming = self._renaming(images)
        if renaming is None:
            return state
        reorder, rename_server, rename_message = renaming
        servers, msgs = state
        servers = tuple(map(rename_server, reorder(servers)))
        if not msgs:
            return servers, msgs
        if len(msgs) == 1:
            return servers, (rename_message(msgs[0]),)
        return servers, tuple(sorted(map(rename_message, msgs)))

    def permute_action(self, action: tuple, perm: Mapping[str, Any]) -> tuple:
        """The action with its servers (parameters ``i`` and ``j``) and its
        message (``m``) renamed as `permute` renames them."""
        images = perm.get("servers")
        renaming = None if images is None else self._renaming(images)
        if renaming is None:
            return action
        rename_message = renaming[2]
        fields = type(action)._fields
        return _new(type(action), tuple(
            images[value] if name in ("i", "j") else
            rename_message(value) if name == "m" else value
            for name, value in zip(fields, action)))

    def _renaming(self, images: Any) -> tuple | None:
        """For `permute`, per permutation (remembered): a function picking
        the old server of each new position, and lookups renaming a
        server's variables and a message; None for the identity."""
        images = tuple(images)
        renamings = self.__dict__.setdefault("_renamings", {})
        if images in renamings:
            return renamings[images]
        n = self.servers
        if images == tuple(range(n)):
            renamings[images] = None
            return None
        order = [0] * n
        for k, image in enumerate(images):
            order[image] = k
        vote_of: dict[int | None, int | None] = {None: None}
        vote_of.update(enumerate(images))
        mask_of = tuple(sum(1 << images[k] for k in range(n) if mask >> k & 1)
                        for mask in range(1 << n))
        row = itemgetter(*order)  # next_index or match_index: the columns move
        ones, zeros = self._ones, self._zeros

        def rename_server(s: tuple) -> tuple:
            term, role, voted_for, log, commit, responded, granted, next_index, \
                match_index = s
            return (term, role, vote_of[voted_for], log, commit, mask_of[responded],
                    mask_of[granted], ones if next_index == ones else row(next_index),
                    zeros if match_index == zeros else row(match_index))

        def rename_message(m: tuple) -> tuple:
            return _new(type(m), (m[0], images[m[1]], images[m[2]]) + m[3:])

        renamings[images] = renaming = (row, Remembered(rename_server).__getitem__,
                                        Remembered(rename_message).__getitem__)
        return renaming

    def signatures(self, state: tuple) -> dict[str, list[tuple]]:
        """Per server: its rank among the servers by what they are without
        naming others (`_servers_ranks`), then the messages it sent and is
        sent (their fields but the names, whether they are addressed to
        their sender). Ranks are as invariant as what they rank, and small:
        the engine remembers its work by signature vector."""
        servers, msgs = state
        try:
            signatures = self._ranks_of(servers)
        except AttributeError:
            # Far fewer server tuples and messages than states occur: remembered.
            self._ranks_of = Remembered(self._servers_ranks).__getitem__
            self._traffic_of = Remembered(_traffic).__getitem__
            signatures = self._ranks_of(servers)
        if not msgs:
            return {"servers": signatures}
        signatures = signatures[:]
        if len(msgs) == 1:
            source, dest, sent, received = self._traffic_of(msgs[0])
            if source == dest:
                signatures[source] += ((sent, received),)
            else:
                signatures[source] += ((sent,),)
                signatures[dest] += ((received,),)
            return {"servers": signatures}
        traffic: list[list[tuple]] = [[] for _ in servers]
        for m in msgs:
            source, dest, sent, received = self._traffic_of(m)
            traffic[source].append(sent)
            traffic[dest].append(received)
        for i, seen in enumerate(traffic):
            if seen:
                seen.sort()
                signatures[i] += (tuple(seen),)
        return {"servers": signatures}

    def _servers_ranks(self, servers: tuple) -> list[tuple[int]]:
        """For each server, ``(rank,)``: how many distinct summaries of
        servers are smaller than its own, where a summary is its variables
        (`_server_summary`) and how many other servers voted for it, hold it
        in votes_responded and hold it in votes_granted."""
        n = self.servers
        voters, responders, granters = [0] * n, [0] * n, [0] * n
        for k, s in enumerate(servers):
            voted_for, responded, granted = s[VOTED_FOR], s[RESPONDED], s[GRANTED]
            if voted_for is not None and voted_for != k:
                voters[voted_for] += 1
            if responded | granted:
                for i in self._range:
                    if i != k:
                        responders[i] += responded >> i & 1
                        granters[i] += granted >> i & 1
        summaries = [self._server_summary(i, s) + (voters[i], responders[i], granters[i])
                     for i, s in enumerate(servers)]
        distinct = sorted(set(summaries))
        return [_RANKS[distinct.index(summary)] for summary in summaries]

    def _server_summary(self, i: int, s: tuple) -> tuple:
        """Server i's variables, without naming others: current_term, role,
        log, commit_index, voted_for as none, itself or another, how many
        votes it has had answered and granted and whether its own is among
        them, its own next_index and match_index and the others' as a
        sorted list."""
        term, role, voted_for, log, commit, responded, granted, next_index, match_index = s
        if next_index == self._ones and match_index == self._zeros:
            indexes: tuple = ()
        else:
            indexes = (next_index[i], match_index[i], tuple(sorted(
                zip(next_index[:i] + next_index[i + 1:], match_index[:i] + match_index[i + 1:]))))
        return (term, role, log, commit, 0 if voted_for is None else 1 if voted_for == i else 2,
                responded.bit_count(), responded >> i & 1, granted.bit_count(),
                granted >> i & 1, indexes)

    # -- presentation ----------------------------------------------------------------

    def step_events(self, state: tuple, action: Any, next_state: tuple) -> list:
        """Messages and local events for sequence charts: what the step takes
        out of the bag is received (or, for DropMessage, lost), what it puts
        in is sent; role and term changes are notes."""
        taken = Counter(state[1]) - Counter(next_state[1])
        put = Counter(next_state[1]) - Counter(state[1])
        events: list = []
        if type(action) is DropMessage:
            m = action.m
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
        for i, (old, new) in enumerate(zip(state[0], next_state[0])):
            if old[ROLE] != new[ROLE] or old[TERM] != new[TERM]:
                events.append(Note(server_name(i),
                                   f"{ROLES[new[ROLE]]} in term {new[TERM]}"))
            if type(action) is Restart and action.i == i:
                events.append(Note(server_name(i), "restarts"))
            if old[LOG] != new[LOG]:
                events.append(Note(server_name(i), "log " + " ".join(
                    entry_name(e) for e in new[LOG]) if new[LOG] else "log empty"))
            if old[COMMIT] != new[COMMIT]:
                events.append(Note(server_name(i), f"commit_index {new[COMMIT]}"))
        return events

    def nodes(self) -> tuple[str, ...]:
        return tuple(server_name(i) for i in self._range)

    def state_view(self, state: tuple) -> dict[str, Any]:
        view: dict[str, Any] = {}
        for i, s in enumerate(state[0]):
            name = server_name(i)
            view[f"{name}.current_term"] = s[TERM]
            view[f"{name}.role"] = ROLES[s[ROLE]]
            view[f"{name}.voted_for"] = None if s[VOTED_FOR] is None else server_name(s[VOTED_FOR])
            view[f"{name}.log"] = [entry_name(e) for e in s[LOG]]
            view[f"{name}.commit_index"] = s[COMMIT]
            view[f"{name}.votes_responded"] = self._members(s[RESPONDED])
            view[f"{name}.votes_granted"] = self._members(s[GRANTED])
            view[f"{name}.next_index"] = list(s[NEXT])
            view[f"{name}.match_index"] = list(s[MATCH])
        view["msgs"] = [str(m) for m in state[1]]
        return view

    def _members(self, mask: int) -> list[str]:
        return [server_name(i) for i in self._range if mask >> i & 1]


# -- the kit model's encoding, for the differential test ------------------------------


def kit_state(old: tuple) -> tuple:
    """The state of `models.raft` (the kit's readable model) for a state of
    this model: a record per server, then the bag per message type."""
    from models import raft

    servers, msgs = old
    n = len(servers)

    def members(mask: int) -> frozenset:
        return frozenset(i for i in range(n) if mask >> i & 1)

    records = tuple(raft.ServerState(term, raft.ROLES[role], voted_for, log, commit,
                                     members(responded), members(granted), next_index,
                                     match_index)
                    for term, role, voted_for, log, commit, responded, granted, next_index,
                    match_index in servers)
    components: list[Counter] = [Counter() for _ in raft.MESSAGES]
    for m in msgs:
        components[m[0]][kit_message(m)] += 1
    return records + (tuple(frozenset(c.items()) for c in components) + ((None, None),),)


def kit_message(m: tuple) -> tuple:
    from models import raft

    return raft.MESSAGES[m[0]](*m[1:])


def kit_action(action: tuple) -> tuple:
    from models import raft

    if type(action) in (Receive, DuplicateMessage, DropMessage):
        return getattr(raft, type(action).__name__)(kit_message(action.m))
    return getattr(raft, type(action).__name__)(*action)
