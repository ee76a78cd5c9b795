"""Raft's records: raft.tla's per-server variables, its four message types
and its actions with their parameters. They print as the kit prints
records (`models.kit.records.show`), from the field types: servers
``s1..sN`` (`Server`), values ``v1..vN`` (`Command`), log entries ``t2:v1``
(`Entry`), a message's sender and receiver as ``s1→s2``, fields at their
default left out::

    RequestVoteRequest(s1→s2, term=2, last_log_term=1, last_log_index=1)
    Receive(m=AppendEntriesRequest(s1→s2, term=2, prev_log_index=1, prev_log_term=1,
            entries=[t2:v1], commit_index=1))
"""

from __future__ import annotations

from typing import Any, NamedTuple

from models.kit import ids, values
from models.kit.network import Drop, Duplicate
from models.kit.records import formatted, indexed_by, is_record, printer, show
from models.raft_membership import CONFIG, config_name

Server = ids("servers", "s", first=1, named=True)
FOLLOWER, CANDIDATE, LEADER = ROLES = ("Follower", "Candidate", "Leader")
PRECANDIDATE = "PreCandidate"  # with PreVote only (etcd's StatePreCandidate)

# -- names: servers s1..sN, values v1..vN, commands an init: block names ------------


def command_value(name: str) -> int:
    """The value of the command `name` (``x=9`` in an ``init:`` log): minus
    its UTF-8 bytes read as a number (after a 1 byte, so that no name is lost
    to leading zero bytes); it prints without a table."""
    return -int.from_bytes(b"\x01" + name.encode(), "big")


def value_name(value: Any) -> str:
    if not isinstance(value, int):  # a command of a model built on this one (raft-kv's Put)
        return show(value) if is_record(value) else str(value)
    if value >= CONFIG:
        return config_name(value)  # a configuration entry (membership change)
    if value >= 0:
        return f"v{value + 1}"
    spelled = -value
    return spelled.to_bytes((spelled.bit_length() + 7) // 8, "big")[1:].decode()


#: what a log entry holds: a client value v1..vN, a command an ``init:`` block
#: names (x=9), a configuration (membership changes: C(s1 s2))
Command = values(name=value_name)
#: a log entry (term, command), printed t2:v1
Entry = formatted("t{}:{}", int, Command)

server_name = printer(Server | None)  # s1, or none
entry_name = printer(Entry)
entries_name = printer(tuple[Entry, ...])

# -- the spec's per-server variables ---------------------------------------------


class ServerState(NamedTuple):
    """currentTerm, state, votedFor, log (of (term, value) entries),
    commitIndex, votesResponded, votesGranted, nextIndex, matchIndex."""

    current_term: int
    role: str
    voted_for: Server | None
    log: tuple[Entry, ...]
    commit_index: int
    votes_responded: frozenset[Server]
    votes_granted: frozenset[Server]
    next_index: indexed_by(Server)
    match_index: indexed_by(Server)
    #: CheckQuorum only: the servers a Leader heard from since its last check
    recent_active: frozenset[Server] = frozenset()
    #: CheckQuorum only: a Follower heard from its leader within an election
    #: timeout (etcd's inLease; a Leader is always in its own lease)
    in_lease: bool = False


# -- messages: the spec's four record types (mtype is the type) ----------------------


class RequestVoteRequest(NamedTuple):
    source: Server
    dest: Server
    term: int
    last_log_term: int
    last_log_index: int
    pre_vote: bool = False  # PreVote only: "could I win?", for term + 1
    src, dst = "source", "dest"


class RequestVoteResponse(NamedTuple):
    source: Server
    dest: Server
    term: int
    vote_granted: bool
    pre_vote: bool = False
    src, dst = "source", "dest"


class AppendEntriesRequest(NamedTuple):
    source: Server
    dest: Server
    term: int
    prev_log_index: int
    prev_log_term: int
    entries: tuple[Entry, ...]
    commit_index: int
    src, dst = "source", "dest"


class AppendEntriesResponse(NamedTuple):
    source: Server
    dest: Server
    term: int
    success: bool
    match_index: int
    src, dst = "source", "dest"


MESSAGES = (RequestVoteRequest, RequestVoteResponse, AppendEntriesRequest,
            AppendEntriesResponse)


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


class LeaseExpires(NamedTuple):
    """CheckQuorum only: an election timeout passes without a Follower
    hearing from its leader (etcd's electionElapsed reaching electionTimeout)."""

    i: Server


class ClientRequest(NamedTuple):
    i: Server
    v: Command


class ChangeConfig(NamedTuple):
    """Only with membership changes (see `models.raft_membership`)."""

    i: Server
    c: Command


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


def last_term(log: tuple) -> int:
    return log[-1][0] if log else 0

