"""MongoDB's logless dynamic reconfiguration, as William Schultz's
MongoRaftReconfig.tla writes it (will62794/logless-reconfig, commit
05178a7 of 2024-10-07; the specs last changed in c5b49a9): a user's plain
`checker.Model`, one method per action of the spec's Next, each guard and
effect as MongoRaftReconfig.tla, MongoStaticRaft.tla (the oplog state
machine, OSM) and MongoLoglessDynamicRaft.tla (the config state machine,
CSM) state them; bounds and symmetry as MCMongoRaftReconfig.tla and
models/MCMongoRaftReconfig.cfg give them.

The protocol is Raft's log replication (MongoDB's pull-based variant: a
secondary takes entries from any node and rolls back a divergent suffix)
with the configuration held outside the log: a primary installs a new
config (a set of servers) with a version number and its term, and nodes
gossip newer configs to each other. The spec composes the two state
machines: each takes its own steps, and elections and term propagation are
joint steps of both.

Variables, as the spec names them: ``log`` (each server's log, a tuple of
entry terms), ``committed`` (a set of [entry |-> <<index, term>>, term |->
t] records), ``currentTerm``, ``state`` (Secondary or Primary), ``config``
(a frozenset of servers), ``configVersion``, ``configTerm``.

Actions, in the order of Next (TLC's enumeration order, so that a
shortest counterexample is TLC's very run):

- OSM: ClientRequest(i); GetEntries(i, j): secondary i appends j's next
  entry if its last entry matches j's log; RollbackEntries(i, j): secondary
  i drops its last entry if j's last term is higher and i's log is not a
  prefix of j's; CommitEntry(i): primary i marks its last entry, of its
  term, committed, if a quorum of its config has it and is in its term.
- CSM: Reconfig(i, newConfig): primary i moves to a newConfig that
  contains it and whose majorities meet those of its config (QuorumsOverlap),
  if its config is on a quorum of itself (ConfigQuorumCheck), that quorum
  has i's term (TermQuorumCheck), and the entries it committed in its term
  are committed in its config (OplogCommitment: MongoRaftReconfig's own
  precondition); SendConfig(i, j): secondary j takes i's newer config
  (compared by <<configTerm, configVersion>>).
- Joint: BecomeLeader(i, voteQuorum): i, in its own config, is elected in
  currentTerm[i] + 1 by a quorum of its config whose members' terms are
  lower and whose logs (CanVoteForOplog) and configs (CanVoteForConfig) are
  no newer than i's; the voters take the term and become secondaries, and
  i's configTerm becomes the new term. UpdateTerms(i, j): j takes i's
  higher term and steps down.

Constants: ``servers`` is Cardinality(Server) (``n1`` .. ``nN``);
``MaxTerm``, ``MaxLogLen`` and ``MaxConfigVersion`` keep the MC's names,
with its cfg's 3, 2, 3 as defaults. The MC's StateConstraint is
`within_bounds`: as in TLC, a state beyond it is checked against the
invariants but neither counted nor expanded. SYMMETRY ServerSymmetry
(Permutations(Server)) is the symmetric set "servers": the renaming of
states and the servers' signatures are derived from State's types by the
kit's `Symmetric`; the actions, which name servers as TLC prints them
("n1"), are renamed by hand.

Properties: the cfg's invariants OnePrimaryPerTerm, StateMachineSafety and
LeaderCompleteness (MongoRaftReconfig's form: a primary has every entry
committed in a term up to and including its own). The cfg's commented-out
PROPERTY RefinesMLDR (the CSM's part of every step is a step of
MongoLoglessDynamicRaft, or leaves its variables unchanged) is the step
property ``refines_mldr``, not a default. The spec has no fairness and no
temporal property.

A spec's expression invariants read ``servers`` (a `Server` record per
server, n1 first: ``all(s.currentTerm <= 3 for s in servers)``) and
``committed``; a record's ``config`` holds servers, so that under symmetry
an expression naming one (``0 in s.config``) is refused.

The composition is kept visible: ``csm_reconfig`` and ``csm_become_leader``
are CSM!Reconfig and CSM!BecomeLeader alone; ``reconfig`` adds
OplogCommitment and ``become_leader`` OSM!BecomeLeader's CanVoteForOplog
(OSM!BecomeLeader's effect on currentTerm and state is the CSM's). The
refinement check runs MLDR's Next on the model without its mutant
(`published`), so a mutant of the CSM's rules is caught by it, as TLC
catches one whose MLDR instances the unmutated module.

Mutants (below), each a known way to get reconfiguration wrong and each
made in the TLA+ text too, where TLC's shortest counterexample is the
model's state for state (tests/models/test_user_mongo_raft_reconfig.py):
Reconfig without ConfigQuorumCheck, without TermQuorumCheck, without
QuorumsOverlap or without OplogCommitment; BecomeLeader that leaves the
config's term (two primaries of a term on 4 servers, none on 3);
CanVoteForOplog without logOk (LeaderCompleteness, and StateMachineSafety
checked alone).

Where this port differs from the text, none in behaviour:

- CommitEntry(i, commitQuorum) is one step per i: every quorum that shows
  the entry immediately committed makes the same next state, so the model
  yields it once. TLC counts it once per quorum in its "states generated"
  (and Reconfig once per witness of its guards' existentials); distinct
  states and depths do not depend on it, and the tests rebuild TLC's
  generated counts from the model's graph.
- Nil is not used by the spec's actions and is not here; Secondary and
  Primary are the strings. TypeOK is not a property (Python's types say it).
- A log is a tuple of terms, as the spec's Seq(Nat); an entry of
  ``committed`` is a `Committed` record.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, transition
from checker.model import Note, Received, Sent
from models.kit import Symmetric, ids, indexed_by

SECONDARY, PRIMARY = "Secondary", "Primary"
ServerId = ids("servers", "n", first=1, named=True)  # a server in the state (actions name it "n1")


class Committed(NamedTuple):
    """[entry |-> <<index, term>>, term |-> t]: an entry committed by the
    primary of term t."""

    entry: tuple[int, int]
    term: int


class Server(NamedTuple):
    """One server's variables, as a spec's expression invariants read them
    (``servers``: one record per server, n1 first)."""

    currentTerm: int
    state: str
    log: tuple[int, ...]
    config: frozenset
    configVersion: int
    configTerm: int


class State(NamedTuple):
    """The spec's variables; per-server ones are tuples by server (n1 first)."""

    log: indexed_by(ServerId, tuple[int, ...])
    committed: frozenset[Committed]
    currentTerm: indexed_by(ServerId, int)
    state: indexed_by(ServerId, str)
    config: indexed_by(ServerId, frozenset[ServerId])
    configVersion: indexed_by(ServerId, int)
    configTerm: indexed_by(ServerId, int)


# -- actions: the spec's, with its parameter names (servers by name) ------------------------


class ClientRequest(NamedTuple):
    i: str


class GetEntries(NamedTuple):
    i: str
    j: str


class RollbackEntries(NamedTuple):
    i: str
    j: str


class CommitEntry(NamedTuple):
    i: str


class Reconfig(NamedTuple):
    i: str
    newConfig: tuple[str, ...]


class SendConfig(NamedTuple):
    i: str
    j: str


class BecomeLeader(NamedTuple):
    i: str
    voteQuorum: tuple[str, ...]


class UpdateTerms(NamedTuple):
    i: str
    j: str


ACTIONS = (ClientRequest, GetEntries, RollbackEntries, CommitEntry, Reconfig, SendConfig,
           BecomeLeader, UpdateTerms)


# -- Defs.tla ---------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def subsets(s: frozenset) -> tuple[frozenset, ...]:
    """SUBSET s in TLC's order: by size, then by the servers' order."""
    members = sorted(s)
    return tuple(frozenset(c) for size in range(len(members) + 1)
                 for c in combinations(members, size))


@lru_cache(maxsize=None)
def quorums(s: frozenset) -> tuple[frozenset, ...]:
    """Quorums(S): the subsets of S larger than half of it."""
    return tuple(q for q in subsets(s) if len(q) * 2 > len(s))


@lru_cache(maxsize=None)
def quorums_overlap(x: frozenset, y: frozenset) -> bool:
    """QuorumsOverlap(x, y): every quorum of x meets every quorum of y."""
    return all(qx & qy for qx in quorums(x) for qy in quorums(y))


def last_term(xlog: tuple) -> int:
    """LastTerm(xlog): the term of the last entry, 0 for an empty log."""
    return xlog[-1] if xlog else 0


def is_prefix(s: tuple, t: tuple) -> bool:
    """IsPrefix(s, t)."""
    return len(s) <= len(t) and t[:len(s)] == s


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class MongoRaftReconfig(Symmetric, Model):
    name = "mongo-raft-reconfig"
    summary = "MongoDB's logless dynamic reconfiguration (Schultz's MongoRaftReconfig.tla)"
    params = (Param("servers", 3, "Cardinality(Server): servers n1..nN", minimum=1, maximum=5),
              Param("MaxTerm", 3, "StateConstraint: currentTerm[s] <= MaxTerm", minimum=0,
                    maximum=6),
              Param("MaxLogLen", 2, "StateConstraint: Len(log[s]) <= MaxLogLen", minimum=0,
                    maximum=6),
              Param("MaxConfigVersion", 3,
                    "StateConstraint: configVersion[s] <= MaxConfigVersion", minimum=1,
                    maximum=6))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("servers",)  # ServerSymmetry: permute and signatures derived from State

    def setup(self) -> None:
        self.everyone = tuple(range(self.servers))
        self.server_set = frozenset(self.everyone)

    # -- names -------------------------------------------------------------------------------

    @staticmethod
    def server(i: int) -> str:
        return f"n{i + 1}"

    def names(self, servers) -> tuple[str, ...]:
        return tuple(self.server(i) for i in sorted(servers))

    # -- Init ---------------------------------------------------------------------------------

    def initial_states(self):
        """CSM!Init /\\ OSM!Init: terms 0, secondaries, empty logs, nothing
        committed, config version 1 of term 0, and one non-empty initConfig
        on every server."""
        n = self.servers
        for init_config in subsets(self.server_set):
            if init_config:
                yield State(log=((),) * n, committed=frozenset(), currentTerm=(0,) * n,
                            state=(SECONDARY,) * n, config=(init_config,) * n,
                            configVersion=(1,) * n, configTerm=(0,) * n)

    # -- Next ---------------------------------------------------------------------------------

    def successors(self, s: State):
        name, everyone = self.server, self.everyone
        # OSMNext /\ UNCHANGED csmVars
        for i in everyone:
            t = self.client_request(s, i)
            if t is not None:
                yield ClientRequest(name(i)), t
        for j in everyone:  # \E s, t \in Server: s varies fastest
            for i in everyone:
                t = self.get_entries(s, i, j)
                if t is not None:
                    yield GetEntries(name(i), name(j)), t
        for j in everyone:
            for i in everyone:
                t = self.rollback_entries(s, i, j)
                if t is not None:
                    yield RollbackEntries(name(i), name(j)), t
        for i in everyone:
            t = self.commit_entry(s, i)
            if t is not None:
                yield CommitEntry(name(i)), t
        # CSMNext /\ UNCHANGED osmVars
        for new_config in subsets(self.server_set):  # \E s \in Server, newConfig \in SUBSET Server
            for i in everyone:
                t = self.reconfig(s, i, new_config)
                if t is not None:
                    yield Reconfig(name(i), self.names(new_config)), t
        for j in everyone:
            for i in everyone:
                t = self.send_config(s, i, j)
                if t is not None:
                    yield SendConfig(name(i), name(j)), t
        # JointNext
        for i in everyone:
            for vote_quorum in quorums(s.config[i]):
                t = self.become_leader(s, i, vote_quorum)
                if t is not None:
                    yield BecomeLeader(name(i), self.names(vote_quorum)), t
        for j in everyone:
            for i in everyone:
                t = self.update_terms(s, i, j)
                if t is not None:
                    yield UpdateTerms(name(i), name(j)), t

    # -- MongoStaticRaft (the OSM) ------------------------------------------------------------

    def client_request(self, s: State, i: int) -> State | None:
        """ClientRequest(i): primary i appends an entry of its term."""
        if s.state[i] != PRIMARY:
            return None
        return s._replace(log=_with(s.log, i, s.log[i] + (s.currentTerm[i],)))

    def get_entries(self, s: State, i: int, j: int) -> State | None:
        """GetEntries(i, j): secondary i takes the entry after its last from
        j, whose log is longer and has i's last entry (the log consistency
        check)."""
        li, lj = s.log[i], s.log[j]
        if s.state[i] != SECONDARY or not len(lj) > len(li):
            return None
        if li and lj[len(li) - 1] != li[-1]:
            return None
        return s._replace(log=_with(s.log, i, li + (lj[len(li)],)))

    def can_rollback(self, s: State, i: int, j: int) -> bool:
        """CanRollback(i, j): j's last term is higher and i's log is not a
        prefix of j's."""
        return (last_term(s.log[i]) < last_term(s.log[j])
                and not is_prefix(s.log[i], s.log[j]))

    def rollback_entries(self, s: State, i: int, j: int) -> State | None:
        """RollbackEntries(i, j): secondary i drops its last entry."""
        if s.state[i] != SECONDARY or not self.can_rollback(s, i, j):
            return None
        return s._replace(log=_with(s.log, i, s.log[i][:-1]))

    def immediately_committed(self, s: State, index: int, term: int, quorum) -> bool:
        """ImmediatelyCommitted(<<index, term>>, Q): every member of Q has the
        entry and is in its term."""
        return all(len(s.log[k]) >= index and s.log[k][index - 1] == term
                   and s.currentTerm[k] == term for k in quorum)

    def commit_entry(self, s: State, i: int) -> State | None:
        """CommitEntry(i, commitQuorum): primary i's last entry, of its own
        term, is immediately committed on a quorum of its config, and not
        marked committed yet."""
        ind, term = len(s.log[i]), s.currentTerm[i]
        if not (ind > 0 and s.state[i] == PRIMARY and s.log[i][ind - 1] == term):
            return None
        if not any(self.immediately_committed(s, ind, term, q) for q in quorums(s.config[i])):
            return None
        if any(c.entry == (ind, term) for c in s.committed):
            return None
        return s._replace(committed=s.committed | {Committed((ind, term), term)})

    def can_vote_for_oplog(self, s: State, i: int, j: int, term: int) -> bool:
        """CanVoteForOplog(i, j, term): i's term is lower and j's log is at
        least as up to date as i's."""
        log_ok = (last_term(s.log[j]) > last_term(s.log[i])
                  or (last_term(s.log[j]) == last_term(s.log[i])
                      and len(s.log[j]) >= len(s.log[i])))
        return s.currentTerm[i] < term and log_ok

    # -- MongoLoglessDynamicRaft (the CSM) ----------------------------------------------------

    def is_newer_config(self, s: State, i: int, j: int) -> bool:
        """IsNewerConfig(i, j): i's <<configTerm, configVersion>> is higher."""
        return ((s.configTerm[i], s.configVersion[i]) > (s.configTerm[j], s.configVersion[j]))

    def is_newer_or_equal_config(self, s: State, i: int, j: int) -> bool:
        """IsNewerOrEqualConfig(i, j)."""
        return ((s.configTerm[i], s.configVersion[i]) >= (s.configTerm[j], s.configVersion[j]))

    def can_vote_for_config(self, s: State, i: int, j: int, term: int) -> bool:
        """CanVoteForConfig(i, j, term): i's term is lower and j's config is
        at least as new as i's."""
        return s.currentTerm[i] < term and self.is_newer_or_equal_config(s, j, i)

    def config_quorum_check(self, s: State, i: int) -> bool:
        """ConfigQuorumCheck(i): a quorum of i's config has i's config
        version and term."""
        return any(all(s.configVersion[t] == s.configVersion[i]
                       and s.configTerm[t] == s.configTerm[i] for t in q)
                   for q in quorums(s.config[i]))

    def term_quorum_check(self, s: State, i: int) -> bool:
        """TermQuorumCheck(i): a quorum of i's config is in i's term."""
        return any(all(s.currentTerm[t] == s.currentTerm[i] for t in q)
                   for q in quorums(s.config[i]))

    def quorums_overlap(self, old: frozenset, new: frozenset) -> bool:
        """QuorumsOverlap(config[i], newConfig)."""
        return quorums_overlap(old, new)

    def is_committed(self, s: State, index: int, primary: int) -> bool:
        """IsCommitted(index, primary): primary's entry at index is of its
        term and on a quorum of its config, all in its term."""
        log = s.log[primary]
        if not (len(log) >= index and (log[index - 1] if index else 0) == s.currentTerm[primary]):
            return False
        return any(all(len(s.log[k]) >= index and s.log[k][index - 1] == log[index - 1]
                       and s.currentTerm[k] == s.currentTerm[primary] for k in q)
                   for q in quorums(s.config[primary]))

    def oplog_commitment(self, s: State, i: int) -> bool:
        """OplogCommitment(i): nothing is committed or i has committed in its
        term, and every entry committed in i's term is committed in i's
        config."""
        term = s.currentTerm[i]
        if s.committed and not any(c.term == term for c in s.committed):
            return False
        return all(self.is_committed(s, c.entry[0], i) for c in s.committed if c.term == term)

    def csm_reconfig(self, s: State, i: int, new_config: frozenset) -> State | None:
        """CSM!Reconfig(i, newConfig): primary i, whose config is on a quorum
        of itself in its term, moves to newConfig, which holds i and whose
        quorums meet its config's; the config takes i's term and the next
        version."""
        if not (s.state[i] == PRIMARY and self.config_quorum_check(s, i)
                and self.term_quorum_check(s, i)
                and self.quorums_overlap(s.config[i], new_config) and i in new_config):
            return None
        return s._replace(configTerm=_with(s.configTerm, i, s.currentTerm[i]),
                          configVersion=_with(s.configVersion, i, s.configVersion[i] + 1),
                          config=_with(s.config, i, new_config))

    def reconfig(self, s: State, i: int, new_config: frozenset) -> State | None:
        """OplogCommitment(i) /\\ CSM!Reconfig(i, newConfig) (CSMNext)."""
        t = self.csm_reconfig(s, i, new_config)
        return t if t is not None and self.oplog_commitment(s, i) else None

    def send_config(self, s: State, i: int, j: int) -> State | None:
        """SendConfig(i, j): secondary j takes i's newer config."""
        if s.state[j] != SECONDARY or not self.is_newer_config(s, i, j):
            return None
        return s._replace(configVersion=_with(s.configVersion, j, s.configVersion[i]),
                          configTerm=_with(s.configTerm, j, s.configTerm[i]),
                          config=_with(s.config, j, s.config[i]))

    # -- JointNext ------------------------------------------------------------------------------

    def csm_become_leader(self, s: State, i: int, vote_quorum: frozenset) -> State | None:
        """CSM!BecomeLeader(i, Q): i, in its config and in Q, is elected in
        currentTerm[i] + 1 by Q, whose members' configs are no newer than
        i's (CanVoteForConfig); they take the term, i is primary and the
        others secondaries, and i's configTerm is the new term."""
        new_term = s.currentTerm[i] + 1
        if not (i in s.config[i] and i in vote_quorum and all(
                self.can_vote_for_config(s, v, i, new_term) for v in vote_quorum)):
            return None
        return s._replace(
            currentTerm=tuple(new_term if k in vote_quorum else s.currentTerm[k]
                              for k in self.everyone),
            state=tuple(PRIMARY if k == i else SECONDARY if k in vote_quorum else s.state[k]
                        for k in self.everyone),
            configTerm=_with(s.configTerm, i, new_term))

    def become_leader(self, s: State, i: int, vote_quorum: frozenset) -> State | None:
        """OSM!BecomeLeader(i, Q) /\\ CSM!BecomeLeader(i, Q) (JointNext): the
        CSM's election, by voters that may also vote for i's log
        (CanVoteForOplog); OSM!BecomeLeader sets currentTerm and state as
        the CSM's does."""
        new_term = s.currentTerm[i] + 1
        if not all(self.can_vote_for_oplog(s, v, i, new_term) for v in vote_quorum):
            return None
        return self.csm_become_leader(s, i, vote_quorum)

    def update_terms(self, s: State, i: int, j: int) -> State | None:
        """OSM!UpdateTerms(i, j) /\\ CSM!UpdateTerms(i, j): j takes i's higher
        term and becomes a secondary."""
        if not s.currentTerm[i] > s.currentTerm[j]:
            return None
        return s._replace(currentTerm=_with(s.currentTerm, j, s.currentTerm[i]),
                          state=_with(s.state, j, SECONDARY))

    # -- bounds: MCMongoRaftReconfig's StateConstraint ----------------------------------------

    def within_bounds(self, s: State) -> bool:
        """StateConstraint: every currentTerm <= MaxTerm, Len(log) <= MaxLogLen
        and configVersion <= MaxConfigVersion."""
        return (max(s.currentTerm) <= self.MaxTerm
                and max(map(len, s.log)) <= self.MaxLogLen
                and max(s.configVersion) <= self.MaxConfigVersion)

    def bound_reason(self, s: State) -> str | None:
        if max(s.currentTerm) > self.MaxTerm:
            return f"a term passes MaxTerm = {self.MaxTerm}"
        if max(map(len, s.log)) > self.MaxLogLen:
            return f"a log passes MaxLogLen = {self.MaxLogLen}"
        if max(s.configVersion) > self.MaxConfigVersion:
            return f"a config version passes MaxConfigVersion = {self.MaxConfigVersion}"
        return None

    # -- symmetry: ServerSymmetry == Permutations(Server) ---------------------------------------

    def permute_action(self, action, perm):
        """By hand: the actions name servers as TLC prints them ("n1"), and
        a string is no name to the derived renaming."""
        images = tuple(perm["servers"])

        def ren(name: str) -> str:
            return self.server(images[int(name[1:]) - 1])

        changes = {}
        for field, value in action._asdict().items():
            if field in ("i", "j"):
                changes[field] = ren(value)
            elif field in ("newConfig", "voteQuorum"):
                changes[field] = tuple(sorted((ren(v) for v in value), key=lambda n: int(n[1:])))
        return action._replace(**changes)

    # -- spec expressions: the servers' records and committed ------------------------------

    def expression_names(self) -> dict:
        """Besides ``view`` and ``params``: ``servers``, a `Server` record per
        server in order (``all(s.currentTerm <= 3 for s in servers)``), and
        ``committed``, the set of `Committed` records."""
        return {**super().expression_names(),
                "servers": lambda s: [Server(*values) for values in zip(
                    s.currentTerm, s.state, s.log, s.config, s.configVersion, s.configTerm)],
                "committed": lambda s: s.committed}

    def expression_positions(self, sets) -> dict:
        """``servers`` lists the servers in order (the default) and a record's
        ``config`` holds servers, so that symmetry refuses an expression
        that tells them apart."""
        found = super().expression_positions(sets)
        if "servers" in sets:
            found["ids"]["config"] = "servers"
        return found

    # -- reports ------------------------------------------------------------------------------

    def nodes(self):
        return tuple(self.server(i) for i in self.everyone)

    def step_events(self, s: State, action, t: State) -> list:
        """For sequence charts: a step happens at server i; what one server
        takes from another (an entry, a config, a term) is an arrow."""
        kind = type(action)
        if kind in (GetEntries, SendConfig, UpdateTerms):
            # GetEntries(i, j): i takes from j; SendConfig and UpdateTerms(i, j): j takes from i
            src, dst = ((action.j, action.i) if kind is GetEntries else (action.i, action.j))
            k = int(dst[1:]) - 1
            what = {GetEntries: lambda: f"entry <<{len(t.log[k])}, {t.log[k][-1]}>>",
                    SendConfig: lambda: (f"config {{{', '.join(self.names(t.config[k]))}}} "
                                         f"<<{t.configVersion[k]}, {t.configTerm[k]}>>"),
                    UpdateTerms: lambda: f"term {t.currentTerm[k]}"}[kind]()
            return [Sent(src, dst, what), Received(src, dst, what)]
        i = int(action.i[1:]) - 1
        if kind is BecomeLeader:
            text = (f"primary in term {t.currentTerm[i]}, votes of "
                    f"{', '.join(action.voteQuorum)}")
        elif kind is Reconfig:
            text = (f"config {{{', '.join(action.newConfig)}}} "
                    f"<<{t.configVersion[i]}, {t.configTerm[i]}>>")
        elif kind is ClientRequest:
            text = f"appends <<{len(t.log[i])}, {t.log[i][-1]}>>"
        elif kind is CommitEntry:
            text = f"commits <<{len(s.log[i])}, {s.currentTerm[i]}>>"
        else:
            text = f"rolls back <<{len(s.log[i])}, {s.log[i][-1]}>>"
        return [Note(action.i, text)]

    # -- properties -----------------------------------------------------------------------------

    @invariant("One Primary Per Term")
    def one_primary_per_term(self, s: State):
        """OnePrimaryPerTerm: no two primaries share a term."""
        for a, b in combinations(self.everyone, 2):
            if (s.state[a] == PRIMARY and s.state[b] == PRIMARY
                    and s.currentTerm[a] == s.currentTerm[b]):
                return Fails(f"{self.server(a)} and {self.server(b)} are both primary "
                             f"in term {s.currentTerm[a]}")
        return True

    @invariant("State Machine Safety")
    def state_machine_safety(self, s: State):
        """StateMachineSafety: two entries committed at one index are one."""
        for c1, c2 in combinations(sorted(s.committed), 2):
            if c1.entry[0] == c2.entry[0]:
                return Fails(f"entries <<{c1.entry[0]}, {c1.entry[1]}>> and "
                             f"<<{c2.entry[0]}, {c2.entry[1]}>> are both committed "
                             f"at index {c1.entry[0]}")
        return True

    @invariant("Leader Completeness")
    def leader_completeness(self, s: State):
        """LeaderCompleteness: a primary has every entry committed in a term
        up to its own."""
        for i in self.everyone:
            if s.state[i] != PRIMARY:
                continue
            for c in sorted(s.committed):
                index, term = c.entry
                if c.term <= s.currentTerm[i] and not (
                        len(s.log[i]) >= index and s.log[i][index - 1] == term):
                    return Fails(f"primary {self.server(i)} of term {s.currentTerm[i]} lacks "
                                 f"the committed entry <<{index}, {term}>>")
        return True

    @transition("Refines MongoLoglessDynamicRaft", default=False)
    def refines_mldr(self, before: State, action, after: State):
        """RefinesMLDR == MLDR!Spec (commented out of the cfg): every step
        changes the CSM's variables (currentTerm, state, configVersion,
        configTerm, config) as a step of the published
        MongoLoglessDynamicRaft's Next does, or leaves them unchanged."""
        if _csm(before) == _csm(after) or _csm(after) in self.published().mldr_next(before):
            return True
        return Fails(f"{action} changes the config state machine as no step of "
                     "MongoLoglessDynamicRaft does")

    def published(self) -> MongoRaftReconfig:
        """This instance without its mutant: the spec as published."""
        if "_published" not in vars(self):
            self._published = MongoRaftReconfig(**self.parameters())
        return self._published

    def mldr_next(self, s: State) -> set:
        """The CSM's variables after each step of MLDR!Next from s."""
        after = set()
        for new_config in subsets(self.server_set):
            for i in self.everyone:
                after.add(self.csm_reconfig(s, i, new_config))
        for j in self.everyone:
            for i in self.everyone:
                after.add(self.send_config(s, i, j))
                after.add(self.update_terms(s, i, j))
        for i in self.everyone:
            for q in quorums(s.config[i]):
                after.add(self.csm_become_leader(s, i, q))
        return {_csm(t) for t in after if t is not None}


def _csm(s: State) -> tuple:
    """csmVars with currentTerm and state: MongoLoglessDynamicRaft's vars."""
    return s.currentTerm, s.state, s.configVersion, s.configTerm, s.config


# -- mutants: each overrides one method ------------------------------------------------------


@MongoRaftReconfig.mutant(
    "no_config_commitment", "Reconfig without ConfigQuorumCheck: a primary reconfigures again "
    "before its last config is on a quorum, so two configs apart by two steps, whose "
    "majorities need not meet, elect two primaries of one term")
class NoConfigCommitment(MongoRaftReconfig):
    """ConfigQuorumCheck(i) is TRUE."""

    def config_quorum_check(self, s: State, i: int) -> bool:
        return True


@MongoRaftReconfig.mutant(
    "no_term_check", "Reconfig without TermQuorumCheck: a new primary reconfigures before a "
    "quorum of its config is in its term, the bug of Raft's single-server changes "
    "(Ongaro, raft-dev, 2015) that configTerm and this check fix")
class NoTermCheck(MongoRaftReconfig):
    """TermQuorumCheck(i) is TRUE."""

    def term_quorum_check(self, s: State, i: int) -> bool:
        return True


@MongoRaftReconfig.mutant(
    "no_quorum_overlap", "Reconfig without QuorumsOverlap: a primary moves to a config whose "
    "majorities miss its own config's, so each elects a primary of the same term")
class NoQuorumOverlap(MongoRaftReconfig):
    """QuorumsOverlap(config[i], newConfig) is TRUE."""

    def quorums_overlap(self, old: frozenset, new: frozenset) -> bool:
        return True


@MongoRaftReconfig.mutant(
    "no_oplog_commitment", "Reconfig without OplogCommitment: a primary leaves a config "
    "before the entries it committed in its term are committed in its new config, whose "
    "quorums may then elect a primary without them")
class NoOplogCommitment(MongoRaftReconfig):
    """OplogCommitment(i) is TRUE."""

    def oplog_commitment(self, s: State, i: int) -> bool:
        return True


@MongoRaftReconfig.mutant(
    "no_config_term_on_election", "BecomeLeader leaves configTerm: a new primary's config "
    "keeps the term it was made in, so a stale primary's later config of a higher version "
    "counts as newer than the configs of the new term")
class NoConfigTermOnElection(MongoRaftReconfig):
    """CSM!BecomeLeader without configTerm' = [configTerm EXCEPT ![i] = newTerm]."""

    def csm_become_leader(self, s: State, i: int, vote_quorum: frozenset) -> State | None:
        t = super().csm_become_leader(s, i, vote_quorum)
        return None if t is None else t._replace(configTerm=s.configTerm)


@MongoRaftReconfig.mutant(
    "vote_ignores_log", "CanVoteForOplog without logOk: a voter elects a candidate whose "
    "log is behind its own")
class VoteIgnoresLog(MongoRaftReconfig):
    """CanVoteForOplog(i, j, term) == currentTerm[i] < term."""

    def can_vote_for_oplog(self, s: State, i: int, j: int, term: int) -> bool:
        return s.currentTerm[i] < term
