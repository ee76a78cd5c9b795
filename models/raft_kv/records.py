"""raft-kv's records: a server's state (raft.tla's variables and the
store's), the clients' state with their history, the commands in the log,
the messages between clients and servers and for confirming leadership,
and the actions. They print as the kit prints records, from the field
types: clients ``c1..cN`` (`Client`), keys ``x`` and ``y`` (`Key`), a log's
commands by their fields in Raft's entries (``t1:Put(client=c1, key=x,
value=1)``), a message's sender and receiver as an arrow
(``Request(c1→s1, op='write', key=x, value=1, seq=0)``), a client's call
as the history names it (``Invoke(c1: write(x, 1) to s1)``)."""

from __future__ import annotations

from typing import Any, NamedTuple

from checker.history import Invoke as Invoked
from models.kit import ids, values
from models.kit.records import indexed_by, printer
from models.raft.records import Entry, Server

Client = ids("clients", "c", first=1, named=True)  # c1..cN, in commands, messages and calls
ClientGroup = ids("client_group", "clients")  # the one node that runs every client

KEYS = ("x", "y")
Key = values(name=KEYS.__getitem__)  # a key's number, printed by name

client_name = printer(Client)


# -- the commands a log holds (entries are (term, command)) ------------------------------

NOOP = "noop"  # a new leader's first entry (etcd appends an empty entry on election)


class Put(NamedTuple):
    client: Client
    key: Key
    value: int


class Get(NamedTuple):
    """A read that goes through the log (read_path log_read)."""

    client: Client
    key: Key


def value_at(log: tuple, applied: int, key: int) -> int:
    """The value of `key` after applying the first `applied` entries of `log` (0 before any put)."""
    for _, command in reversed(log[:applied]):
        if type(command) is Put and command.key == key:
            return command.value
    return 0


# -- state ------------------------------------------------------------------------------------


class PendingRead(NamedTuple):
    """A read the leader serves once a quorum confirms it still leads
    (read_index): who has answered its heartbeat."""

    client: Client
    seq: int           # which of the client's calls (heartbeats name it)
    key: Key
    acks: frozenset[Server]


class KvServerState(NamedTuple):
    """raft.tla's variables (as `models.raft.ServerState`), then: how far
    the log is applied, the servers a leader's AppendEntries to is
    unanswered, the clients owed an answer when their command
    is applied, and the leader's pending read_index reads."""

    current_term: int
    role: str
    voted_for: Server | None
    log: tuple[Entry, ...]
    commit_index: int
    votes_responded: frozenset[Server]
    votes_granted: frozenset[Server]
    next_index: indexed_by(Server)
    match_index: indexed_by(Server)
    recent_active: frozenset[Server] = frozenset()
    applied: int = 0
    inflight: frozenset[Server] = frozenset()
    waiting: frozenset[Client] = frozenset()
    reads: tuple[PendingRead, ...] = ()
    # lease_read only (times on the server's own clock)
    election_at: int | None = None   # timer: when it times out and starts an election
    heard_until: int = 0             # it ignores vote requests until then (CheckQuorum)
    lease_until: int | None = None   # a leader's lease: it answers reads until then
    # lease_read with renewals: the renewal rounds a server has started as
    # leader; its last round's start (by its clock, which the heartbeats
    # carry), whom it has asked, who has answered
    rounds: int = 0
    round_at: int | None = None
    round_asked: frozenset[Server] = frozenset()
    round_acks: frozenset[Server] = frozenset()


class Call(NamedTuple):
    """An operation a client invokes, and the server it sends it to."""

    client: Client
    op: str            # "read" or "write"
    key: Key
    value: int | None  # the value written
    server: Server


class ClientsState(NamedTuple):
    """Every client's state in one record, because the history is one
    sequence: the order in which all clients invoked and saw results."""

    history: tuple = ()               # of checker.history Invoke and Respond
    pending: tuple[Call | None, ...] = ()  # per client: its outstanding call, or None
    ops_left: tuple[int, ...] = ()    # per client: operations it may still invoke


# -- messages -----------------------------------------------------------------------------------


class Request(NamedTuple):
    """A call, from its client to the server it chose."""

    client: Client
    op: str
    key: Key
    value: int | None
    server: Server
    seq: int  # the client's calls before this one
    src, dst = "client", "server"


class Reply(NamedTuple):
    server: Server
    client: Client
    result: Any  # "ok" or the value read
    src, dst = "server", "client"


class Heartbeat(NamedTuple):
    """read_index: "am I still leader?", for the read of `client`."""

    source: Server
    dest: Server
    term: int
    client: Client
    seq: int
    src, dst = "source", "dest"


class HeartbeatResponse(NamedTuple):
    source: Server
    dest: Server
    term: int
    client: Client
    seq: int
    src, dst = "source", "dest"


# -- actions --------------------------------------------------------------------------------------


class Invoke(NamedTuple):
    """A client invokes an operation: it records the invocation and sends the request.
    It prints as the history names the call, and the server it goes to:
    ``Invoke(c1: write(x, 1) to s1)`` (the one node running every client,
    `clients`, says nothing the call's client does not)."""

    clients: ClientGroup
    call: Call

    @staticmethod
    def text(clients: int, call: Any) -> str:
        return f"{Invoked(call.client, call.op, call.key, call.value)} to {call.server}"
