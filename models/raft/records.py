"""Raft's records: raft.tla's per-server variables, its four message types
and its actions with their parameters, and how they print (servers
``s1..sN``, values ``v1..vN``, log entries ``t2:v1``)."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from models.kit import ids
from models.kit.network import Drop, Duplicate
from models.kit.records import indexed_by
from models.raft_membership import CONFIG, config_name

Server = ids("servers", "s")
FOLLOWER, CANDIDATE, LEADER = ROLES = ("Follower", "Candidate", "Leader")
PRECANDIDATE = "PreCandidate"  # with PreVote only (etcd's StatePreCandidate)

# -- names: servers s1..sN, values v1..vN, commands an init: block names ------------


def server_name(i: int | None) -> str:
    return "none" if i is None else f"s{i + 1}"


def command_value(name: str) -> int:
    """The value of the command `name` (``x=9`` in an ``init:`` log): minus
    its UTF-8 bytes read as a number (after a 1 byte, so that no name is lost
    to leading zero bytes); it prints without a table."""
    return -int.from_bytes(b"\x01" + name.encode(), "big")


def value_name(value: Any) -> str:
    if not isinstance(value, int):
        return str(value)  # a command of a model built on this one (raft-kv's put(x, 1))
    if value >= CONFIG:
        return config_name(value)  # a configuration entry (membership change)
    if value >= 0:
        return f"v{value + 1}"
    spelled = -value
    return spelled.to_bytes((spelled.bit_length() + 7) // 8, "big")[1:].decode()


def entry_name(entry: tuple[int, int]) -> str:
    return f"t{entry[0]}:{value_name(entry[1])}"


def entries_name(entries: tuple) -> str:
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
    #: CheckQuorum only: the servers a Leader heard from since its last check
    recent_active: frozenset[Server] = frozenset()


# -- messages: the spec's four record types (mtype is the type) ----------------------


class RequestVoteRequest(NamedTuple):
    source: Server
    dest: Server
    term: int
    last_log_term: int
    last_log_index: int
    pre_vote: bool = False  # PreVote only: "could I win?", for term + 1
    src, dst = "source", "dest"

    def __str__(self) -> str:
        return (f"RequestVoteRequest({_ends(self)}, term {self.term}, "
                f"last log t{self.last_log_term}@{self.last_log_index}"
                f"{', pre-vote' if self.pre_vote else ''})")


class RequestVoteResponse(NamedTuple):
    source: Server
    dest: Server
    term: int
    vote_granted: bool
    pre_vote: bool = False
    src, dst = "source", "dest"

    def __str__(self) -> str:
        return (f"RequestVoteResponse({_ends(self)}, term {self.term}, "
                f"{'granted' if self.vote_granted else 'denied'}"
                f"{', pre-vote' if self.pre_vote else ''})")


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
                f"entries {entries_name(self.entries)}, commit {self.commit_index})")


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


def label(m: Any) -> str:
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


class Campaign(NamedTuple):
    """PreVote only: a PreCandidate with a quorum of pre-votes starts the election."""

    i: Server


class CheckQuorum(NamedTuple):
    """CheckQuorum only: a Leader's election timer fires; it checks whom it heard from."""

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


for _kind in (Restart, Timeout, RequestVote, BecomeLeader, Campaign, CheckQuorum, ClientRequest,
              ChangeConfig, AdvanceCommitIndex, AppendEntries, Receive, DuplicateMessage,
              DropMessage):
    _kind.__str__ = _action_str


def last_term(log: tuple) -> int:
    return log[-1][0] if log else 0

