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

etcd's PreVote and CheckQuorum (``pre_vote``, ``check_quorum``, off by
default, and then the model is the spec's): with PreVote a server that times
out is first a PreCandidate, asking in its current term whether a quorum
would vote for it in the next (``Campaign`` once they would); with
CheckQuorum a Leader steps down at its election timeout (``CheckQuorum``)
unless it heard from a quorum since the last, and the lease etcd keeps with
it (``inLease``): a Leader, and a Follower that received its leader's
AppendEntries until ``LeaseExpires``, drop (pre-)vote requests of a later
term unanswered, and a Follower in lease does not time out. The model keeps
no time, so a lease may expire, and a leader check, at any step: with
``timeouts`` naming servers, only their timers (Timeout, CheckQuorum,
LeaseExpires) fire. Where etcd differs still: an AppendEntries is its
heartbeat; a server that knows the leader of its term (etcd's ``lead``)
still grants that term's vote to a candidate it did not vote for; a
pre-vote of the voter's own term is refused (etcd grants it where the voter
has voted for no other and knows no leader); a request of an older term
is answered as raft.tla answers it (a vote refused, entries rejected), where
etcd ignores it but for a pre-vote (refused) and, with CheckQuorum (or
PreVote, in later versions), an AppendEntries (answered, so that the stale
leader learns the term); no leader transfer.

Symmetry (``symmetry: true``): servers are interchangeable as far as the
starting state, the quorum rule and membership changes treat them alike
(`Raft.symmetry_groups`); renaming is the kit's, derived from the fields
typed `Server`.

Liveness (`models.raft.liveness`), three parameters whose defaults are
raft.tla's: ``terms: relative`` renumbers every state's terms so that the
lowest is 1, a quotient by a bisimulation (Raft only compares terms and
adds 1 to them) that makes endless elections cycles of a finite graph; it
changes state identity and the counts, and ``max_term`` then bounds the
spread of a state's terms. ``timeouts`` restricts whose election timer
fires, and when (the distinguished timeout, timers longer than a round
trip); ``faults: false`` leaves out Restart, DropMessage and
DuplicateMessage.

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

from models.raft.model import (Raft, RaftChangingBeforeCommit, ServerChangingBeforeCommit,
                               ServerCommittingOldTerms, ServerForgettingLog,
                               ServerForgettingVotes, ServerIgnoringLease, ServerIgnoringLogs,
                               ServerKeepingConflicts, ServerNode, ServerNotSteppingDown,
                               ServerVotingTwice)
from models.raft.records import (CANDIDATE, FOLLOWER, LEADER, MESSAGES, PRECANDIDATE, ROLES,
                                 AdvanceCommitIndex, AppendEntries, AppendEntriesRequest,
                                 AppendEntriesResponse, BecomeLeader, Campaign, ChangeConfig,
                                 CheckQuorum, ClientRequest, DropMessage, DuplicateMessage,
                                 LeaseExpires, Receive, RequestVote, RequestVoteRequest,
                                 RequestVoteResponse, Restart, Server, ServerState, Timeout,
                                 command_value, entry_name, server_name, value_name)

__all__ = ["AdvanceCommitIndex", "AppendEntries", "AppendEntriesRequest",
           "AppendEntriesResponse", "BecomeLeader", "CANDIDATE", "Campaign", "ChangeConfig",
           "CheckQuorum", "ClientRequest", "DropMessage", "DuplicateMessage", "FOLLOWER",
           "LEADER", "LeaseExpires", "MESSAGES", "PRECANDIDATE", "ROLES", "Raft",
           "RaftChangingBeforeCommit", "Receive", "RequestVote", "RequestVoteRequest",
           "RequestVoteResponse", "Restart", "Server", "ServerChangingBeforeCommit",
           "ServerCommittingOldTerms", "ServerForgettingLog", "ServerForgettingVotes",
           "ServerIgnoringLease", "ServerIgnoringLogs", "ServerKeepingConflicts", "ServerNode",
           "ServerNotSteppingDown", "ServerState", "ServerVotingTwice", "Timeout",
           "command_value", "entry_name", "server_name", "value_name"]
