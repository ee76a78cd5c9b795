"""LeaseGuard, Raft leader leases with linearizable reads from the leader
(A. Jesse Jiryu Davis and Murat Demirbas, for MongoDB's Raft), as
TLA/leaseGuard.tla and TLA/mcLeaseGuard.tla write it
(muratdem/RaftLeaderLeases, commit c773c12 of the repository; the specs
last changed in 711958f, 2024-07-27): a user's plain `checker.Model`, one
method per action of the spec's Next, each guard and effect as the spec
states them; bounds, symmetry and the view as TLA/mcLeaseGuard.cfg gives
them.

Plain, not the kit: the spec has no messages (a step reads another
server's variables directly, as MongoDB's pull-based Raft specs do) and
one global clock; a kit model's nodes exchange messages.

The protocol is Raft's log replication in MongoDB's form (a follower pulls
entries from any server with a higher or equal term and rolls back a
divergent suffix; an election is one step) with a lease: every log entry
carries the clock at which its leader wrote it, a leader may serve reads
while its last committed entry is younger than Delta, and a new leader may
not commit until every entry of an earlier term in its log is older than
Delta (the predecessor's lease has expired). A new leader may serve reads
on its inherited lease meanwhile, except of a key written in its "limbo
region" (entries after its commitIndex that a predecessor may have
committed).

Variables, as the spec names them: ``currentTerm``, ``state`` (Follower or
Leader), ``log`` (each server's log, a tuple of `Entry` records [term, key,
index, timestamp]), ``matchIndex`` (each leader's [term, index] of each
server), ``commitIndex``, ``clock``; for the invariants ``committed`` (a
set of `CommitRecord` [committedInTerm, entry]) and ``latestRead`` (each
key's last read or committed entry).

Actions, in the order of Next (TLC's enumeration order, so that with the
view the first state of each view reached, the one kept, is TLC's, and a
shortest counterexample is TLC's very run):

- ClientWrite(i, k): leader i appends an entry of its term for key k at
  clock + 1, the clock ticks, and i's own matchIndex is its new length.
- ClientRead(i, k): leader i, whose last committed entry is at most Delta
  old, reads k's last committed entry in its log, if that entry at its
  commitIndex is of its term, or k's last write of an earlier term is its
  last committed one (no write of k in the limbo region: the limbo guard).
- GetEntries(i, j): follower i, whose last entry is j's at that index,
  appends j's next entry, if j's term is at least i's; i takes j's term and
  j's commitIndex (up to i's length); j's matchIndex of i becomes i's old
  term and new length.
- RollbackEntries(i, j): follower i drops its last entry if j's last term
  is higher and i's log is not a prefix of j's; i takes the higher term.
- BecomeLeader(i, voteQuorum): i, in the quorum, is elected in
  currentTerm[i] + 1 by voters whose terms are lower and whose logs are no
  newer than i's (CanVoteForOplog); the voters take the term and become
  followers, i the leader, and i's matchIndex is reset.
- CommitEntry(i): leader i, every entry of an earlier term in its log older
  than Delta, moves its commitIndex to an index newCommitIdx of an entry of
  its term that a quorum has, in i's term, by i's matchIndex; the entries
  from Max({1, commitIndex}) to newCommitIdx are recorded committed in i's
  term, and latestRead is each key's last committed entry.
- UpdateTerms(i, j): j takes i's higher term and becomes a follower.
- UpdateCommitIndex(i, j): follower i takes leader j's higher commitIndex.
- Tick: the clock ticks.

Constants: ``servers`` and ``keys`` are Cardinality(Server) and
Cardinality(Key) (``n1`` .. ``nN``, ``k1`` .. ``kK``); ``Delta``,
``MaxTerm``, ``MaxLogLen`` and ``MaxClock`` keep the spec's names, with the
cfg's 3, 3, 4, 8 as defaults. The MC's StateConstraint is `within_bounds`:
as in TLC, a state beyond it is checked against the invariants but neither
counted nor expanded. ``VIEW`` (on by default, as in the cfg) is
ClockAbstractionView (`view`): the clock left out and the logs' timestamps
shifted so that the least is 0 (``committed`` and ``latestRead`` keep
theirs, as the spec's view does). SYMMETRY ServerAndKeySymmetry ==
Permutations(Server) \\union Permutations(Key) is the symmetric sets
"servers" and "keys", derived from State's types by the kit's `Symmetric`
(Permutations(Server) alone is the set "servers"). The set lists no
renaming of servers and keys at once, but TLC's orbit counts under it were
those of the whole group (cmc's) on every bound the tests pin, two keys
included.

Properties: the cfg's invariants EntryIndexes, OneLeaderPerTerm,
LeaderCompleteness, StateMachineSafety and LinearizableReads. TypeOK is not
one (Python's types say it). The spec has no fairness and no temporal
property.

Mutants (below), each made in the TLA+ text too, where TLC's shortest
counterexample is the model's state for state
(tests/models/test_user_lease_guard.py): ClientRead without the limbo guard
(the README's inherited-lease read of a key written in the limbo region),
ClientRead without the lease (a deposed leader reads), CommitEntry without
waiting for the predecessor's lease, CommitEntry of an entry of an earlier
term (Raft's Figure 8), CommitEntry without a quorum (StateMachineSafety),
CanVoteForOplog without logOk, BecomeLeader whose voters keep their terms,
and ClientWrite numbering an entry by the old length.

Where this port differs from the text, none in behaviour:

- CommitEntry's action names its newCommitIdx, the witness of the spec's
  ``\\E newCommitIdx``: one successor per index, as TLC generates them.
- CommitEntry(i)'s ``\\E q \\in Quorums(Server)`` is one step: every
  quorum that shows the entry makes the same next state. TLC counts it
  once per quorum in its "states generated"; the tests rebuild TLC's
  generated counts from the model's graph.
- MaxCommitted's CHOOSE among records of a key's greatest index picks the
  least in TLC's order of records (field by field in the order TLC prints
  them: committedInTerm, then the entry's timestamp, term, key, index); all
  such records hold one entry while StateMachineSafety holds, and where it
  does not (the mutant without a quorum) TLC's choice is the model's.
- LeaderCompleteness's InLog(e, i) == log[i][e.index] = e applies log[i]
  beyond its length when a leader's log is shorter than a committed
  entry's index: TLC stops there with "Evaluating invariant
  LeaderCompleteness failed", on the very state where the invariant,
  read as meant, fails. The model reports the violation there, its reason
  saying that TLC could not evaluate it (CanVoteForOplog without logOk
  does this in 5 steps).
- Follower and Leader are the strings.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant
from models.kit import Symmetric, ids, indexed_by

FOLLOWER, LEADER = "Follower", "Leader"
ServerId = ids("servers", "n", first=1, named=True)
KeyId = ids("keys", "k", first=1, named=True)


class Entry(NamedTuple):
    """CreateEntry(term, key, index, timestamp): a log entry."""

    term: int
    key: KeyId
    index: int
    timestamp: int


class FollowerIndex(NamedTuple):
    """CreateFollowerIndex(term, index): a leader's record of a server's log."""

    term: int
    index: int


class CommitRecord(NamedTuple):
    """CreateCommitRecord(committedInTerm, entry)."""

    committedInTerm: int
    entry: Entry


class State(NamedTuple):
    """The spec's variables; per-server ones are tuples by server (n1 first),
    latestRead by key (k1 first)."""

    currentTerm: indexed_by(ServerId, int)
    state: indexed_by(ServerId, str)
    log: indexed_by(ServerId, tuple[Entry, ...])
    matchIndex: indexed_by(ServerId, indexed_by(ServerId, FollowerIndex))
    committed: frozenset[CommitRecord]
    commitIndex: indexed_by(ServerId, int)
    clock: int
    latestRead: indexed_by(KeyId, Entry)


# -- actions: the spec's, with its parameter names ---------------------------------------------


class ClientWrite(NamedTuple):
    i: ServerId
    k: KeyId


class ClientRead(NamedTuple):
    i: ServerId
    k: KeyId


class GetEntries(NamedTuple):
    i: ServerId
    j: ServerId


class RollbackEntries(NamedTuple):
    i: ServerId
    j: ServerId


class BecomeLeader(NamedTuple):
    i: ServerId
    voteQuorum: frozenset[ServerId]


class CommitEntry(NamedTuple):
    i: ServerId
    newCommitIdx: int


class UpdateTerms(NamedTuple):
    i: ServerId
    j: ServerId


class UpdateCommitIndex(NamedTuple):
    i: ServerId
    j: ServerId


class Tick(NamedTuple):
    pass


ACTIONS = (ClientWrite, ClientRead, GetEntries, RollbackEntries, BecomeLeader, CommitEntry,
           UpdateTerms, UpdateCommitIndex, Tick)


@lru_cache(maxsize=None)
def quorums(servers: int) -> tuple[frozenset, ...]:
    """Quorums(Server) in TLC's order: SUBSET by size, then by the servers'
    order, those larger than half."""
    return tuple(frozenset(c) for size in range(servers + 1)
                 for c in combinations(range(servers), size) if size * 2 > servers)


def last_term(xlog: tuple) -> int:
    """LastTerm(xlog): the term of the last entry, 0 for an empty log."""
    return xlog[-1].term if xlog else 0


def is_prefix(s: tuple, t: tuple) -> bool:
    """IsPrefix(s, t)."""
    return len(s) <= len(t) and t[:len(s)] == s


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class LeaseGuard(Symmetric, Model):
    name = "lease-guard"
    summary = "Raft leader leases with linearizable reads (LeaseGuard, leaseGuard.tla)"
    params = (Param("servers", 3, "Cardinality(Server): servers n1..nN", minimum=1, maximum=5),
              Param("keys", 2, "Cardinality(Key): keys k1..kK", minimum=1, maximum=3),
              Param("Delta", 3, "Delta: a lease lasts while an entry is at most Delta old",
                    minimum=0),
              Param("MaxTerm", 3, "StateConstraint: currentTerm[s] <= MaxTerm", minimum=0,
                    maximum=6),
              Param("MaxLogLen", 4, "StateConstraint: Len(log[s]) <= MaxLogLen", minimum=0,
                    maximum=6),
              Param("MaxClock", 8, "StateConstraint: clock <= MaxClock", minimum=0,
                    maximum=12),
              Param("VIEW", True, "mcLeaseGuard.cfg's VIEW ClockAbstractionView: states "
                    "that differ only in the clock and a shift of the logs' timestamps "
                    "are one state"))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("servers", "keys")  # ServerAndKeySymmetry, derived from State's types

    def setup(self) -> None:
        self.everyone = tuple(range(self.servers))
        self.all_keys = tuple(range(self.keys))

    def server(self, i: int) -> str:
        return ServerId.name_of(i)

    # -- Init ---------------------------------------------------------------------------------

    def initial_states(self):
        """Init: terms 0, followers, empty logs, matchIndex [term 0, index 0],
        nothing committed, clock 0, and each key's latestRead the empty
        entry CreateEntry(0, k, 0, -1)."""
        n = self.servers
        yield State(currentTerm=(0,) * n, state=(FOLLOWER,) * n, log=((),) * n,
                    matchIndex=((FollowerIndex(0, 0),) * n,) * n, committed=frozenset(),
                    commitIndex=(0,) * n, clock=0,
                    latestRead=tuple(Entry(0, KeyId(k), 0, -1) for k in self.all_keys))

    # -- Next ---------------------------------------------------------------------------------

    def successors(self, s: State):
        everyone, keys = self.everyone, self.all_keys
        for i in everyone:  # \E s \in Server : \E k \in Key
            for k in keys:
                t = self.client_write(s, i, k)
                if t is not None:
                    yield ClientWrite(ServerId(i), KeyId(k)), t
        for i in everyone:
            for k in keys:
                t = self.client_read(s, i, k)
                if t is not None:
                    yield ClientRead(ServerId(i), KeyId(k)), t
        for j in everyone:  # \E s, t \in Server: s varies fastest
            for i in everyone:
                t = self.get_entries(s, i, j)
                if t is not None:
                    yield GetEntries(ServerId(i), ServerId(j)), t
        for j in everyone:
            for i in everyone:
                t = self.rollback_entries(s, i, j)
                if t is not None:
                    yield RollbackEntries(ServerId(i), ServerId(j)), t
        for i in everyone:
            for vote_quorum in quorums(self.servers):
                t = self.become_leader(s, i, vote_quorum)
                if t is not None:
                    yield BecomeLeader(ServerId(i), frozenset(map(ServerId, vote_quorum))), t
        for i in everyone:
            for index, t in self.commit_entry(s, i):
                yield CommitEntry(ServerId(i), index), t
        for j in everyone:
            for i in everyone:
                t = self.update_terms(s, i, j)
                if t is not None:
                    yield UpdateTerms(ServerId(i), ServerId(j)), t
        for j in everyone:
            for i in everyone:
                t = self.update_commit_index(s, i, j)
                if t is not None:
                    yield UpdateCommitIndex(ServerId(i), ServerId(j)), t
        yield Tick(), self.tick(s)

    # -- the spec's definitions -------------------------------------------------------------

    def last_committed(self, s: State, k: int, i: int) -> int:
        """LastCommitted(k, i): the index of k's last entry up to i's
        commitIndex, 0 if none."""
        return max((e.index for e in s.log[i][:s.commitIndex[i]] if e.key == k), default=0)

    def last_in_prior_term(self, s: State, k: int, i: int) -> int:
        """LastInPriorTerm(k, i): the index of k's last entry of a term before
        i's current term, 0 if none."""
        return max((j for j, e in enumerate(s.log[i], 1)
                    if e.term < s.currentTerm[i] and e.key == k), default=0)

    def can_vote_for_oplog(self, s: State, i: int, j: int, term: int) -> bool:
        """CanVoteForOplog(i, j, term): i's term is below term and j's log is
        at least as up to date as i's (logOk)."""
        return s.currentTerm[i] < term and self.log_ok(s, i, j)

    def log_ok(self, s: State, i: int, j: int) -> bool:
        """CanVoteForOplog's logOk: j's last term is higher, or equal with a
        log at least as long."""
        li, lj = s.log[i], s.log[j]
        return (last_term(lj) > last_term(li)
                or (last_term(lj) == last_term(li) and len(lj) >= len(li)))

    def max_committed(self, committed, k: int) -> Entry:
        """MaxCommitted(S, k): the entry of k's record of greatest index,
        CreateEntry(0, k, 0, -1) if none (CHOOSE: the least such record)."""
        records = [c for c in committed if c.entry.key == k]
        if not records:
            return Entry(0, KeyId(k), 0, -1)
        top = max(c.entry.index for c in records)
        return min((c for c in records if c.entry.index == top), key=_tlc_order).entry

    # -- actions ----------------------------------------------------------------------------

    def client_write(self, s: State, i: int, k: int) -> State | None:
        """ClientWrite(i, k): leader i appends an entry for k at clock + 1."""
        if s.state[i] != LEADER:
            return None
        clock = s.clock + 1
        entry = Entry(s.currentTerm[i], KeyId(k), self.new_entry_index(s, i), clock)
        return s._replace(
            clock=clock, log=_with(s.log, i, s.log[i] + (entry,)),
            matchIndex=_with(s.matchIndex, i, _with(
                s.matchIndex[i], i, FollowerIndex(s.currentTerm[i], len(s.log[i]) + 1))))

    def new_entry_index(self, s: State, i: int) -> int:
        """ClientWrite's index of the new entry: Len(log[i]) + 1."""
        return len(s.log[i]) + 1

    def lease_holds(self, s: State, i: int) -> bool:
        """ClientRead's log[i][commitIndex[i]].timestamp + Delta >= clock."""
        return s.log[i][s.commitIndex[i] - 1].timestamp + self.Delta >= s.clock

    def limbo_guard(self, s: State, i: int, k: int) -> bool:
        """currentTerm[i] # log[i][commitIndex[i]].term => LastCommitted(k, i)
        = LastInPriorTerm(k, i): on an inherited lease, no entry of k lies
        in the limbo region."""
        return (s.currentTerm[i] == s.log[i][s.commitIndex[i] - 1].term
                or self.last_committed(s, k, i) == self.last_in_prior_term(s, k, i))

    def client_read(self, s: State, i: int, k: int) -> State | None:
        """ClientRead(i, k): leader i, with a committed entry within its lease,
        reads k's last committed entry (the empty entry if none)."""
        if not (s.state[i] == LEADER and s.log[i] and s.commitIndex[i] > 0
                and self.lease_holds(s, i) and self.limbo_guard(s, i, k)):
            return None
        c_ind = self.last_committed(s, k, i)
        read = Entry(0, KeyId(k), 0, -1) if c_ind == 0 else s.log[i][c_ind - 1]
        return s._replace(latestRead=_with(s.latestRead, k, read))

    def get_entries(self, s: State, i: int, j: int) -> State | None:
        """GetEntries(i, j): follower i takes j's entry after its last, which
        j has too, if j's term is at least i's; i takes j's term and
        commitIndex, and j learns i's new length in i's old term."""
        li, lj = s.log[i], s.log[j]
        if not (s.state[i] == FOLLOWER and len(lj) > len(li)
                and s.currentTerm[j] >= s.currentTerm[i]):
            return None
        if li and lj[len(li) - 1] != li[-1]:
            return None
        new_log = li + (lj[len(li)],)
        commit = s.commitIndex[i]
        if commit < s.commitIndex[j]:
            commit = min(s.commitIndex[j], len(new_log))
        return s._replace(
            currentTerm=_with(s.currentTerm, i, s.currentTerm[j]),
            log=_with(s.log, i, new_log),
            matchIndex=_with(s.matchIndex, j, _with(
                s.matchIndex[j], i, FollowerIndex(s.currentTerm[i], len(li) + 1))),
            commitIndex=_with(s.commitIndex, i, commit))

    def rollback_entries(self, s: State, i: int, j: int) -> State | None:
        """RollbackEntries(i, j): follower i, whose log j's outdates
        (CanRollback), drops its last entry and takes the higher term."""
        li, lj = s.log[i], s.log[j]
        if not (s.state[i] == FOLLOWER and last_term(li) < last_term(lj)
                and not is_prefix(li, lj)):
            return None
        return s._replace(
            log=_with(s.log, i, li[:-1]),
            matchIndex=_with(s.matchIndex, i, _with(
                s.matchIndex[i], i, FollowerIndex(s.currentTerm[i], len(li) - 1))),
            currentTerm=_with(s.currentTerm, i, max(s.currentTerm[i], s.currentTerm[j])))

    def become_leader(self, s: State, i: int, vote_quorum: frozenset) -> State | None:
        """BecomeLeader(i, voteQuorum): i, in the quorum, is elected in
        currentTerm[i] + 1 by voters that may vote for it; they take the
        term, the others of the quorum follow, i leads."""
        term = s.currentTerm[i] + 1
        if i not in vote_quorum or not all(
                self.can_vote_for_oplog(s, v, i, term) for v in sorted(vote_quorum)):
            return None
        return s._replace(
            currentTerm=self.voters_terms(s, i, vote_quorum, term),
            matchIndex=_with(s.matchIndex, i, (FollowerIndex(0, 0),) * self.servers),
            state=tuple(LEADER if k == i else FOLLOWER if k in vote_quorum else s.state[k]
                        for k in self.everyone))

    def voters_terms(self, s: State, i: int, vote_quorum: frozenset, term: int) -> tuple:
        """BecomeLeader's currentTerm': each voter takes the new term."""
        return tuple(term if k in vote_quorum else s.currentTerm[k] for k in self.everyone)

    def predecessor_lease_expired(self, s: State, i: int) -> bool:
        """CommitEntry's wait: every entry of an earlier term in i's log was
        written more than Delta ago."""
        return all(e.timestamp + self.Delta < s.clock
                   for e in s.log[i] if e.term != s.currentTerm[i])

    def written_by_leader(self, s: State, i: int, index: int) -> bool:
        """topNewCommitEntry.term = currentTerm[i]: the entry was written by
        this leader."""
        return s.log[i][index - 1].term == s.currentTerm[i]

    def on_quorum(self, s: State, i: int, index: int) -> bool:
        """\\E q \\in Quorums(Server): \\A s \\in q: matchIndex[i][s].index >=
        index /\\ matchIndex[i][s].term = currentTerm[i] (MongoDB checks the
        term, Raft does not)."""
        term = s.currentTerm[i]
        have = sum(1 for m in s.matchIndex[i] if m.index >= index and m.term == term)
        return have * 2 > self.servers

    def commit_entry(self, s: State, i: int):
        """CommitEntry(i): leader i, its predecessors' leases expired, commits
        up to each index newCommitIdx of an entry of its term on a quorum:
        one successor per such index, ascending."""
        log = s.log[i]
        if not (s.state[i] == LEADER and log and self.predecessor_lease_expired(s, i)
                and s.commitIndex[i] < len(log)):
            return
        term = s.currentTerm[i]
        for index in range(s.commitIndex[i] + 1, len(log) + 1):
            if not (self.written_by_leader(s, i, index) and self.on_quorum(s, i, index)):
                continue
            committed = s.committed | {CommitRecord(term, log[x - 1])
                                       for x in range(max(1, s.commitIndex[i]), index + 1)}
            yield index, s._replace(
                committed=committed, commitIndex=_with(s.commitIndex, i, index),
                latestRead=tuple(self.max_committed(committed, k) for k in self.all_keys))

    def update_terms(self, s: State, i: int, j: int) -> State | None:
        """UpdateTerms(i, j): j takes i's higher term and follows."""
        if not s.currentTerm[i] > s.currentTerm[j]:
            return None
        return s._replace(currentTerm=_with(s.currentTerm, j, s.currentTerm[i]),
                          state=_with(s.state, j, FOLLOWER))

    def update_commit_index(self, s: State, i: int, j: int) -> State | None:
        """UpdateCommitIndex(i, j): follower i takes leader j's higher
        commitIndex."""
        if not (s.state[i] == FOLLOWER and s.state[j] == LEADER
                and s.commitIndex[i] < s.commitIndex[j]):
            return None
        return s._replace(commitIndex=_with(s.commitIndex, i, s.commitIndex[j]))

    def tick(self, s: State) -> State:
        """Tick: the clock ticks."""
        return s._replace(clock=s.clock + 1)

    # -- bounds and view: mcLeaseGuard.tla ------------------------------------------------------

    def within_bounds(self, s: State) -> bool:
        """StateConstraint: every currentTerm <= MaxTerm, Len(log) <= MaxLogLen,
        and clock <= MaxClock."""
        return (max(s.currentTerm) <= self.MaxTerm and max(map(len, s.log)) <= self.MaxLogLen
                and s.clock <= self.MaxClock)

    def bound_reason(self, s: State) -> str | None:
        if max(s.currentTerm) > self.MaxTerm:
            return f"a term passes MaxTerm = {self.MaxTerm}"
        if max(map(len, s.log)) > self.MaxLogLen:
            return f"a log passes MaxLogLen = {self.MaxLogLen}"
        if s.clock > self.MaxClock:
            return f"the clock passes MaxClock = {self.MaxClock}"
        return None

    def view(self, s: State) -> State:
        """ClockAbstractionView, with VIEW: every variable but the clock, the
        logs' timestamps less the least of them (committed and latestRead
        as they are)."""
        if not self.VIEW:
            return s
        start = min((e.timestamp for log in s.log for e in log), default=0)
        if start:
            s = s._replace(log=tuple(tuple(e._replace(timestamp=e.timestamp - start)
                                           for e in log) for log in s.log))
        return s._replace(clock=0)

    # -- properties -----------------------------------------------------------------------------

    @invariant("Entry Indexes")
    def entry_indexes(self, s: State):
        """EntryIndexes: every log entry's index is its place in the log."""
        for i in self.everyone:
            for index, e in enumerate(s.log[i], 1):
                if e.index != index:
                    return Fails(f"{self.server(i)}'s entry at {index} has index {e.index}")
        return True

    @invariant("One Leader Per Term")
    def one_leader_per_term(self, s: State):
        """OneLeaderPerTerm: no two leaders share a term."""
        for a, b in combinations(self.everyone, 2):
            if (s.state[a] == LEADER and s.state[b] == LEADER
                    and s.currentTerm[a] == s.currentTerm[b]):
                return Fails(f"{self.server(a)} and {self.server(b)} both lead term "
                             f"{s.currentTerm[a]}")
        return True

    @invariant("Leader Completeness")
    def leader_completeness(self, s: State):
        """LeaderCompleteness: a leader has every entry committed in a term
        before its own."""
        for i in self.everyone:
            if s.state[i] != LEADER:
                continue
            for r in sorted(s.committed):
                if r.committedInTerm < s.currentTerm[i] and not _in_log(r.entry, s.log[i]):
                    beyond = (f" (its log is shorter: TLC fails to evaluate InLog's "
                              f"log[{self.server(i)}][{r.entry.index}])"
                              if r.entry.index > len(s.log[i]) else "")
                    return Fails(f"leader {self.server(i)} of term {s.currentTerm[i]} lacks "
                                 f"the entry at {r.entry.index} committed in term "
                                 f"{r.committedInTerm}{beyond}")
        return True

    @invariant("State Machine Safety")
    def state_machine_safety(self, s: State):
        """StateMachineSafety: two entries committed at one index are one."""
        for c1, c2 in combinations(sorted(s.committed), 2):
            if c1.entry.index == c2.entry.index and c1.entry != c2.entry:
                return Fails(f"two entries are committed at index {c1.entry.index}: "
                             f"{_entry_text(c1.entry)} and {_entry_text(c2.entry)}")
        return True

    @invariant("Linearizable Reads")
    def linearizable_reads(self, s: State):
        """LinearizableReads: each key's latestRead is its last committed
        write."""
        for k in self.all_keys:
            last = self.max_committed(s.committed, k)
            if s.latestRead[k] != last:
                key = KeyId.name_of(k)
                return Fails(f"a read of {key} returned {_entry_text(s.latestRead[k])}; the "
                             f"last committed write of {key} is {_entry_text(last)}")
        return True


def _in_log(e: Entry, log: tuple) -> bool:
    """InLog(e, i): log[i][e.index] = e. An index beyond the log is not in
    it, where TLC stops with "Evaluating invariant LeaderCompleteness
    failed" (log[i] applied outside its domain) at the same state."""
    return 1 <= e.index <= len(log) and log[e.index - 1] == e


def _tlc_order(c: CommitRecord) -> tuple:
    """TLC's order of CommitRecords: field by field in the order TLC keeps
    (and prints) a record's fields, committedInTerm then entry, and an
    entry's timestamp, term, key, index."""
    return c.committedInTerm, c.entry.timestamp, c.entry.term, c.entry.key, c.entry.index


def _entry_text(e: Entry) -> str:
    if e.index == 0:
        return "nothing"
    return f"the write at index {e.index} of term {e.term} (time {e.timestamp})"


# -- mutants: each overrides one method ------------------------------------------------------


@LeaseGuard.mutant(
    "no_limbo_guard", "ClientRead without the limbo guard: a new leader serves a read on its "
    "inherited lease of a key written in its limbo region, which its predecessor may have "
    "committed and served (the inherited-lease read bug of the repository's README)")
class NoLimboGuard(LeaseGuard):
    """ClientRead without currentTerm[i] # log[i][commitIndex[i]].term =>
    LastCommitted(k, i) = LastInPriorTerm(k, i)."""

    def limbo_guard(self, s: State, i: int, k: int) -> bool:
        return True


@LeaseGuard.mutant(
    "read_without_lease", "ClientRead without the lease: a deposed leader, unaware of its "
    "successor, serves a read after a newer write was committed")
class ReadWithoutLease(LeaseGuard):
    """ClientRead without log[i][commitIndex[i]].timestamp + Delta >= clock."""

    def lease_holds(self, s: State, i: int) -> bool:
        return True


@LeaseGuard.mutant(
    "commit_during_old_lease", "CommitEntry without waiting out the predecessor's lease: a "
    "new leader commits a write while its predecessor still serves reads on its lease")
class CommitDuringOldLease(LeaseGuard):
    """CommitEntry without \\A index: log[i][index].term # currentTerm[i] =>
    log[i][index].timestamp + Delta < clock."""

    def predecessor_lease_expired(self, s: State, i: int) -> bool:
        return True


@LeaseGuard.mutant(
    "commit_old_term_entry", "CommitEntry of an entry of an earlier term counted on a "
    "quorum (Raft's Figure 8): the entry can still be overwritten")
class CommitOldTermEntry(LeaseGuard):
    """CommitEntry without topNewCommitEntry.term = currentTerm[i]."""

    def written_by_leader(self, s: State, i: int, index: int) -> bool:
        return True


@LeaseGuard.mutant(
    "commit_without_quorum", "CommitEntry without a quorum: a leader commits an entry only it "
    "has, which a leader elected without it overwrites and commits")
class CommitWithoutQuorum(LeaseGuard):
    """CommitEntry without \\E q \\in Quorums(Server) : \\A s \\in q : ..."""

    def on_quorum(self, s: State, i: int, index: int) -> bool:
        return True


@LeaseGuard.mutant(
    "vote_ignores_log", "CanVoteForOplog without logOk: a voter elects a candidate whose log "
    "is behind its own")
class VoteIgnoresLog(LeaseGuard):
    """CanVoteForOplog(i, j, term) == currentTerm[i] < term."""

    def log_ok(self, s: State, i: int, j: int) -> bool:
        return True


@LeaseGuard.mutant(
    "voters_keep_terms", "BecomeLeader whose voters keep their terms: a voter can vote again "
    "in the same term, for another candidate")
class VotersKeepTerms(LeaseGuard):
    """BecomeLeader's currentTerm' sets only i's term."""

    def voters_terms(self, s: State, i: int, vote_quorum: frozenset, term: int) -> tuple:
        return _with(s.currentTerm, i, term)


@LeaseGuard.mutant(
    "entry_index_off_by_one", "ClientWrite numbers its entry by the log's old length")
class EntryIndexOffByOne(LeaseGuard):
    """CreateEntry(currentTerm[i], k, Len(log[i]), clock')."""

    def new_entry_index(self, s: State, i: int) -> int:
        return len(s.log[i])
