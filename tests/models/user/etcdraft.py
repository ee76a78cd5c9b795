"""etcd's own TLA+ specification of its Raft library, etcd-io/raft's
``tla/etcdraft.tla`` bounded as ``tla/MCetcdraft.tla`` bounds it (the
newest stored revision, cdfbeed of 2026-08-20; the spec's last change is
96b36c4): a user's plain `checker.Model`, one method per operator.

Variables, as the spec names them: ``messages`` and ``pendingMessages``
(bags: a frozenset of (message, count) pairs, a count never 0, as Bags'
``(+)`` and ``(-)`` leave them), ``currentTerm``, ``state``, ``votedFor``,
``log``, ``commitIndex``, ``votesResponded``, ``votesGranted``,
``matchIndex``, ``pendingConfChangeIndex``, ``config`` (jointConfig and
learners), ``reconfigCount`` and ``durableState``. A server sends into
``pendingMessages``; ``Ready(i)`` persists i's durable state and moves
i's pending messages into ``messages``; ``Restart(i)`` reloads the durable
state and forgets i's pending messages.

The initial state is MCetcdraft's (etcdInitServerVars, etcdInitLogVars,
etcdInitConfigVars): a server of InitServer starts at term 1 with the
bootstrap log, one ConfigEntry per server of InitServer in ascending order
(entry k's newconf is the first k servers), all committed; one outside it
starts empty, at term 0, with no configuration. Durable state is taken
from those (InitDurableState). With ``bootstrap: false`` it is
etcdraft.tla's own Init instead (every server at term 0 with an empty log
and InitServer as its configuration), as SplitBrain456.cfg uses it.

Actions, as NextDynamic lists them (Next: NextAsync, NextCrash,
NextUnreliable; then the membership changes), with MCetcdraft's wrappers:
Timeout only below ``MaxTermLimit`` and while no server of i's
configuration is a candidate; ClientRequest only while i's log holds fewer
than ``RequestLimit`` ValueEntry entries; AddNewServer, AddLearner and
DeleteServer only while ``reconfigCount < ReconfigurationLimit``; Send
(MCSend) refuses an AppendEntries request while one of the same term from i
to j, or a response of that term from j to i, is in either bag. Receive(m)
is one action per handler that takes the message (UpdateTerm, the request
and response handlers, DropStaleResponse; HandleAppendEntriesRequest's
disjuncts, Reject, ReturnToFollowerState, AlreadyDone, Conflict and
NoConflict, may hold together and each is a step). DuplicateMessage and
DropMessage take a message of count 1 only, as NextUnreliable says.

Bounds. MCetcdraft bounds terms, client requests and reconfigurations, but
not the bags (RequestVote and AppendEntriesToSelf may be repeated for ever,
each adding a copy) nor the log (AddNewServer while a change is pending
appends an empty ValueEntry, uncounted by RequestLimit). Its state space
is infinite, so this model adds a state constraint (TLC's CONSTRAINT), as
the TLC runs compared with it do: ``max_msgs`` bounds
``BagCardinality(messages) + BagCardinality(pendingMessages)`` and
``max_log`` every ``Len(log[i])``. A state beyond them is counted and
checked, not expanded.

Properties: the eight invariants MCetcdraft.cfg checks. LeaderCompletenessInv
reads ``log[l][idx]`` of a leader whose log may be shorter than idx, which
TLC reports as an error ("applied to an argument out of its domain"); here
that is a violation. Restart's ``SubSeq(log[i], 1, durableState[i].log)``
would be the same error where a log was truncated below its durable length
(ConflictAppendEntriesRequest drops entries without persisting); this model
raises there, so a run shows it as TLC does.

Where this port deliberately differs: nothing in behaviour. Servers are
``s1``..``sN``; ``Nil`` is None; the spec's ``[val |-> 0]`` is the value 0
and its ``<<>>`` (AddNewServer's placeholder entry) the empty tuple.

Mutants, one per invariant whose violation a search reaches here:
vote_twice (MoreThanOneLeaderInv), client_request_on_any_server
(ElectionSafetyInv), commit_without_quorum (QuorumLogInv),
self_ack_before_persist (CommittedIsDurableInv). LogInv, LogMatchingInv,
MoreUpToDateCorrectInv and LeaderCompletenessInv fail only after two
leaders wrote divergent entries (three servers, three terms): past reach.

No symmetry. MCetcdraft's ``SYMMETRY Symmetry`` (Permutations(Server))
cannot run as published: its servers are the numbers 1..5, and TLC 2.15
refuses ("Symmetry function must have model values as domain and
range"). Nor would it reduce much: the bootstrap log names the servers of
InitServer in order, so a permutation maps a reachable state to one only
where it fixes InitServer's servers one by one.

Issue 456. The newest spec's Timeout has no HasUnappliedConfChange guard
(etcd-io/raft issue 456: a server campaigning under a stale configuration
while a committed configuration entry is unapplied). SplitBrain456.tla,
which scripts the split brain and asserts the guard blocks it, is stored
only from a revision not on main (f433dc25), and the etcdraft.tla with the
guard is not stored; tla/extended_spec's guard reads an ``applied``
variable this spec lacks. So there is no guard here to remove, and the
spec as it is has the bug: the issue's schedule (five servers, two
committed additions, 80 steps) violates MoreThanOneLeaderInv. Four
servers and two reconfigurations might do ({s1,s2,s3} to {s1,s2,s3,s4},
then without s1: s2 wins term 2 with {s2,s4}, s3 with {s3,s1} under
{s1,s2,s3}; not checked), still some 60 steps: beyond an exhaustive
search here (three servers and one reconfiguration, 251,118 states,
hold).
"""

from __future__ import annotations

from itertools import permutations
from typing import NamedTuple

from checker import Fails, Model, Param, invariant

FOLLOWER, CANDIDATE, LEADER = "Follower", "Candidate", "Leader"
VALUE_ENTRY, CONFIG_ENTRY = "ValueEntry", "ConfigEntry"
RV_REQ, RV_RESP = "RequestVoteRequest", "RequestVoteResponse"
AE_REQ, AE_RESP = "AppendEntriesRequest", "AppendEntriesResponse"


class ConfValue(NamedTuple):
    """A ConfigEntry's value: [newconf, learners]."""

    newconf: frozenset
    learners: frozenset


class Entry(NamedTuple):
    term: int
    type: str
    value: object  # 0 for [val |-> 0], () for <<>>, or a ConfValue


class Message(NamedTuple):
    """One record type for the four messages; the fields a type lacks are None."""

    mtype: str
    mterm: int
    msource: int
    mdest: int
    mlastLogTerm: int | None = None
    mlastLogIndex: int | None = None
    mvoteGranted: bool | None = None
    msubtype: str | None = None
    mprevLogIndex: int | None = None
    mprevLogTerm: int | None = None
    mentries: tuple | None = None
    mcommitIndex: int | None = None
    msuccess: bool | None = None
    mmatchIndex: int | None = None


class Config(NamedTuple):
    jointConfig: tuple  # <<newconf, outgoing>>, two frozensets
    learners: frozenset


class Durable(NamedTuple):
    currentTerm: int
    votedFor: int | None
    log: int
    commitIndex: int
    config: Config


class State(NamedTuple):
    messages: frozenset
    pendingMessages: frozenset
    currentTerm: tuple
    state: tuple
    votedFor: tuple
    log: tuple
    commitIndex: tuple
    votesResponded: tuple
    votesGranted: tuple
    matchIndex: tuple
    pendingConfChangeIndex: tuple
    config: tuple
    reconfigCount: int
    durableState: tuple


class Restart(NamedTuple):
    i: int


class Timeout(NamedTuple):
    i: int


class RequestVote(NamedTuple):
    i: int
    j: int


class BecomeLeader(NamedTuple):
    i: int


class ClientRequest(NamedTuple):
    i: int


class AdvanceCommitIndex(NamedTuple):
    i: int


class AppendEntries(NamedTuple):
    i: int
    j: int
    b: int
    e: int


class AppendEntriesToSelf(NamedTuple):
    i: int


class Heartbeat(NamedTuple):
    i: int
    j: int


class SendSnapshot(NamedTuple):
    i: int
    j: int
    index: int


class Receive(NamedTuple):
    handler: str
    m: Message


class Ready(NamedTuple):
    i: int


class StepDownToFollower(NamedTuple):
    i: int


class DuplicateMessage(NamedTuple):
    m: Message


class DropMessage(NamedTuple):
    m: Message


class AddNewServer(NamedTuple):
    i: int
    j: int


class AddLearner(NamedTuple):
    i: int
    j: int


class DeleteServer(NamedTuple):
    i: int
    j: int


class ApplySimpleConfChange(NamedTuple):
    i: int


ACTIONS = (Restart, Timeout, RequestVote, BecomeLeader, ClientRequest, AdvanceCommitIndex,
           AppendEntries, AppendEntriesToSelf, Heartbeat, SendSnapshot, Receive, Ready,
           StepDownToFollower, DuplicateMessage, DropMessage, AddNewServer, AddLearner,
           DeleteServer, ApplySimpleConfChange)

EMPTY = frozenset()


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def bag_add(bag: frozenset, m) -> frozenset:
    """WithMessage: bag (+) SetToBag({m})."""
    counts = dict(bag)
    counts[m] = counts.get(m, 0) + 1
    return frozenset(counts.items())


def bag_remove(bag: frozenset, m) -> frozenset:
    """WithoutMessage: bag (-) SetToBag({m}); a count of 0 leaves the domain."""
    counts = dict(bag)
    if m in counts:
        counts[m] -= 1
        if counts[m] == 0:
            del counts[m]
    return frozenset(counts.items())


def bag_size(bag: frozenset) -> int:
    return sum(count for _, count in bag)


def last_term(log: tuple) -> int:
    return log[-1].term if log else 0


def is_prefix(s: tuple, t: tuple) -> bool:
    return len(s) <= len(t) and t[:len(s)] == s


def is_quorum(voters, conf) -> bool:
    """Quorum(c): Cardinality(i) * 2 > Cardinality(c), i a subset of c."""
    return voters <= conf and len(voters) * 2 > len(conf)


class EtcdRaft(Model):
    name = "etcdraft"
    summary = "etcd-io/raft's etcdraft.tla bounded as MCetcdraft.tla"
    params = (
        Param("servers", 3, "Cardinality(Server): servers s1..sN", minimum=1, maximum=5),
        Param("init_servers", 3, "Cardinality(InitServer): s1..sK start in the configuration",
              minimum=1, maximum=5),
        Param("ReconfigurationLimit", 0, "MC: AddNewServer/AddLearner/DeleteServer only while "
                                         "reconfigCount < this", minimum=0),
        Param("MaxTermLimit", 2, "MC: Timeout only while currentTerm[i] < this", minimum=0),
        Param("RequestLimit", 1, "MC: ClientRequest only while log[i] has fewer ValueEntry "
                                 "entries", minimum=0),
        Param("bootstrap", True, "MCetcdraft's etcdInit* (term 1, bootstrap log); false: "
                                 "etcdraft's Init (term 0, empty logs, every server in "
                                 "InitServer's configuration)"),
        Param("max_msgs", 1, "constraint: messages in both bags together", minimum=0),
        Param("max_log", 4, "constraint: Len(log[i]) for every server", minimum=0),
    )
    actions = ACTIONS

    def setup(self) -> None:
        self.everyone = tuple(range(self.servers))
        self.init = frozenset(range(self.init_servers))
        # the actions this instance can take (MC's wrappers turn reconfiguration off at 0)
        changes = (AddNewServer, AddLearner, DeleteServer)
        self.actions = tuple(a for a in ACTIONS
                             if self.ReconfigurationLimit > 0 or a not in changes)

    # -- initial state ------------------------------------------------------------------

    def bootstrap_log(self) -> tuple:
        """BootstrapLog: one ConfigEntry of term 1 per server of InitServer, the
        k-th with newconf the first k (SetToSeq's ascending order)."""
        order = sorted(self.init)
        return tuple(Entry(1, CONFIG_ENTRY, ConfValue(frozenset(order[:k + 1]), EMPTY))
                     for k in range(len(order)))

    def initial_states(self):
        n, init = self.servers, self.init
        if not self.bootstrap:
            # etcdraft's own Init: InitServerVars, InitLogVars, InitConfigVars
            config = (Config((init, EMPTY), EMPTY),) * n
            durable = (Durable(0, None, 0, 0, config[0]),) * n
            yield State(messages=EMPTY, pendingMessages=EMPTY, currentTerm=(0,) * n,
                        state=(FOLLOWER,) * n, votedFor=(None,) * n, log=((),) * n,
                        commitIndex=(0,) * n, votesResponded=(EMPTY,) * n,
                        votesGranted=(EMPTY,) * n, matchIndex=((0,) * n,) * n,
                        pendingConfChangeIndex=(0,) * n, config=config, reconfigCount=0,
                        durableState=durable)
            return
        term = tuple(1 if i in init else 0 for i in self.everyone)
        log = tuple(self.bootstrap_log() if i in init else () for i in self.everyone)
        commit = tuple(len(init) if i in init else 0 for i in self.everyone)
        config = tuple(Config((init if i in init else EMPTY, EMPTY), EMPTY)
                       for i in self.everyone)
        durable = tuple(Durable(term[i], None, len(log[i]), commit[i], config[i])
                        for i in self.everyone)
        yield State(messages=EMPTY, pendingMessages=EMPTY, currentTerm=term,
                    state=(FOLLOWER,) * n, votedFor=(None,) * n, log=log, commitIndex=commit,
                    votesResponded=(EMPTY,) * n, votesGranted=(EMPTY,) * n,
                    matchIndex=((0,) * n,) * n, pendingConfChangeIndex=(0,) * n,
                    config=config, reconfigCount=0, durableState=durable)

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def get_config(s: State, i: int) -> frozenset:
        return s.config[i].jointConfig[0]

    @staticmethod
    def is_joint(s: State, i: int) -> bool:
        return bool(s.config[i].jointConfig[1])

    def may_send(self, s: State, msg: Message) -> bool:
        """MCSend's guard: one AppendEntries request per pair and term at a
        time, and none while j's response of that term to i is in flight."""
        if msg.mtype != AE_REQ:
            return True
        for bag in (s.messages, s.pendingMessages):
            for n, _ in bag:
                if n.mterm != msg.mterm:
                    continue
                if n.mtype == AE_REQ and n.msource == msg.msource and n.mdest == msg.mdest:
                    return False
                if n.mtype == AE_RESP and n.msource == msg.mdest and n.mdest == msg.msource:
                    return False
        return True

    def send(self, s: State, msg: Message) -> State | None:
        """Send (MCSend): into pendingMessages, or not enabled."""
        if not self.may_send(s, msg):
            return None
        return s._replace(pendingMessages=bag_add(s.pendingMessages, msg))

    @staticmethod
    def reply(s: State, response: Message, request: Message) -> State:
        return s._replace(pendingMessages=bag_add(s.pendingMessages, response),
                          messages=bag_remove(s.messages, request))

    @staticmethod
    def discard(s: State, m: Message) -> State:
        return s._replace(messages=bag_remove(s.messages, m))

    @staticmethod
    def commit_to(s: State, i: int, c: int) -> State:
        return s._replace(commitIndex=_with(s.commitIndex, i, max(s.commitIndex[i], c)))

    # -- actions ------------------------------------------------------------------------

    def restart(self, s: State, i: int) -> State:
        """Restart(i): a follower again, with the durable term, vote, log prefix,
        commit index and config; i's pending messages lost."""
        d = s.durableState[i]
        if d.log > len(s.log[i]):
            raise ValueError(f"Restart(s{i + 1}): SubSeq(log, 1, {d.log}) of a log of "
                             f"{len(s.log[i])} entries (TLC: out of domain)")
        n = self.servers
        return s._replace(
            state=_with(s.state, i, FOLLOWER), votesResponded=_with(s.votesResponded, i, EMPTY),
            votesGranted=_with(s.votesGranted, i, EMPTY),
            matchIndex=_with(s.matchIndex, i, (0,) * n),
            pendingConfChangeIndex=_with(s.pendingConfChangeIndex, i, 0),
            pendingMessages=frozenset((m, c) for m, c in s.pendingMessages if m.msource != i),
            currentTerm=_with(s.currentTerm, i, d.currentTerm),
            commitIndex=_with(s.commitIndex, i, d.commitIndex),
            votedFor=_with(s.votedFor, i, d.votedFor),
            log=_with(s.log, i, s.log[i][:d.log]), config=_with(s.config, i, d.config))

    def timeout_enabled(self, s: State, i: int) -> bool:
        """MCTimeout's guards, then Timeout's: below MaxTermLimit, no candidate
        in i's configuration, a follower or candidate in its own config."""
        conf = self.get_config(s, i)
        return (s.currentTerm[i] < self.MaxTermLimit
                and not any(s.state[k] == CANDIDATE for k in conf)
                and s.state[i] in (FOLLOWER, CANDIDATE) and i in conf)

    def timeout(self, s: State, i: int) -> State | None:
        if not self.timeout_enabled(s, i):
            return None
        return s._replace(state=_with(s.state, i, CANDIDATE),
                          currentTerm=_with(s.currentTerm, i, s.currentTerm[i] + 1),
                          votedFor=_with(s.votedFor, i, i),
                          votesResponded=_with(s.votesResponded, i, EMPTY),
                          votesGranted=_with(s.votesGranted, i, EMPTY))

    def request_vote(self, s: State, i: int, j: int) -> State | None:
        if s.state[i] != CANDIDATE:
            return None
        if j not in (self.get_config(s, i) | s.config[i].learners) - s.votesResponded[i]:
            return None
        if i != j:
            msg = Message(RV_REQ, s.currentTerm[i], i, j, mlastLogTerm=last_term(s.log[i]),
                          mlastLogIndex=len(s.log[i]))
        else:
            msg = Message(RV_RESP, s.currentTerm[i], i, i, mvoteGranted=True)
        return self.send(s, msg)

    def append_entries_in_range(self, s: State, subtype: str, i: int, j: int, b: int,
                                e: int) -> State | None:
        """AppendEntriesInRangeToPeer: entries [b, e) of a leader's log to a peer."""
        if i == j or b > e or s.state[i] != LEADER:
            return None
        if j not in self.get_config(s, i) | s.config[i].learners:
            return None
        log = s.log[i]
        prev = b - 1
        prev_term = log[prev - 1].term if 0 < prev <= len(log) else 0
        last_entry = min(len(log), e - 1)
        entries = log[b - 1:last_entry]
        if subtype == "heartbeat":
            commit = min(s.commitIndex[i], s.matchIndex[i][j])
        else:
            commit = min(s.commitIndex[i], last_entry)
        return self.send(s, Message(AE_REQ, s.currentTerm[i], i, j, msubtype=subtype,
                                    mprevLogIndex=prev, mprevLogTerm=prev_term,
                                    mentries=entries, mcommitIndex=commit))

    def append_entries_to_self(self, s: State, i: int) -> State | None:
        if s.state[i] != LEADER:
            return None
        return self.send(s, Message(AE_RESP, s.currentTerm[i], i, i, msubtype="app",
                                    msuccess=True, mmatchIndex=len(s.log[i])))

    def become_leader(self, s: State, i: int) -> State | None:
        if s.state[i] != CANDIDATE or not is_quorum(s.votesGranted[i], self.get_config(s, i)):
            return None
        match = tuple(len(s.log[i]) if j == i else 0 for j in self.everyone)
        return s._replace(state=_with(s.state, i, LEADER),
                          matchIndex=_with(s.matchIndex, i, match))

    def replicate(self, s: State, i: int, value, kind: str) -> State:
        entry = Entry(s.currentTerm[i], kind, value)
        return s._replace(log=_with(s.log, i, s.log[i] + (entry,)))

    def client_request(self, s: State, i: int) -> State | None:
        """MCClientRequest: fewer than RequestLimit ValueEntry entries; then
        ClientRequest(i, 0)."""
        if sum(e.type == VALUE_ENTRY for e in s.log[i]) >= self.RequestLimit:
            return None
        if not self.may_replicate(s, i):
            return None
        return self.replicate(s, i, 0, VALUE_ENTRY)

    @staticmethod
    def may_replicate(s: State, i: int) -> bool:
        """Replicate's guard: state[i] = Leader."""
        return s.state[i] == LEADER

    def advance_commit_index(self, s: State, i: int) -> State | None:
        if s.state[i] != LEADER:
            return None
        conf, log = self.get_config(s, i), s.log[i]
        agree = [index for index in range(1, len(log) + 1)
                 if self.commit_quorum(frozenset(k for k in conf if s.matchIndex[i][k] >= index),
                                       conf)]
        new = s.commitIndex[i]
        if agree and log[max(agree) - 1].term == s.currentTerm[i]:
            new = max(agree)
        return self.commit_to(s, i, new)

    @staticmethod
    def commit_quorum(agree: frozenset, conf: frozenset) -> bool:
        """Agree(index) \\in Quorum(GetConfig(i))."""
        return is_quorum(agree, conf)

    def conf_change(self, s: State, i: int, newconf: frozenset, learners: frozenset) -> State:
        """The common IF of AddNewServer, AddLearner and DeleteServer."""
        if s.pendingConfChangeIndex[i] == 0:
            s = self.replicate(s, i, ConfValue(newconf, learners), CONFIG_ENTRY)
            return s._replace(pendingConfChangeIndex=_with(s.pendingConfChangeIndex, i,
                                                           len(s.log[i])))
        return self.replicate(s, i, (), VALUE_ENTRY)

    def add_new_server(self, s: State, i: int, j: int) -> State | None:
        conf = self.get_config(s, i)
        if (s.reconfigCount >= self.ReconfigurationLimit or s.state[i] != LEADER or j in conf
                or self.is_joint(s, i)):
            return None
        return self.conf_change(s, i, conf | {j}, s.config[i].learners)

    def add_learner(self, s: State, i: int, j: int) -> State | None:
        conf, learners = self.get_config(s, i), s.config[i].learners
        if (s.reconfigCount >= self.ReconfigurationLimit or s.state[i] != LEADER
                or j in conf | learners or self.is_joint(s, i)):
            return None
        return self.conf_change(s, i, conf, learners | {j})

    def delete_server(self, s: State, i: int, j: int) -> State | None:
        conf, learners = self.get_config(s, i), s.config[i].learners
        if (s.reconfigCount >= self.ReconfigurationLimit or s.state[i] != LEADER
                or j not in conf | learners or self.is_joint(s, i)):
            return None
        return self.conf_change(s, i, conf - {j}, learners - {j})

    def apply_simple_conf_change(self, s: State, i: int) -> State | None:
        """The last ConfigEntry k <= commitIndex becomes i's config; a leader
        whose pending change it covers counts a reconfiguration."""
        if self.is_joint(s, i):
            return None
        log = s.log[i]
        k = max((x for x in range(1, s.commitIndex[i] + 1) if log[x - 1].type == CONFIG_ENTRY),
                default=0)
        if k == 0:
            return None
        value = log[k - 1].value
        s2 = s._replace(config=_with(s.config, i, Config((value.newconf, EMPTY), value.learners)))
        if s.state[i] == LEADER and s.pendingConfChangeIndex[i] >= k:
            s2 = s2._replace(reconfigCount=s.reconfigCount + 1,
                             pendingConfChangeIndex=_with(s.pendingConfChangeIndex, i, 0))
        return s2

    def ready(self, s: State, i: int) -> State:
        """Ready(i): PersistState(i) and SendPendingMessages(i)."""
        durable = Durable(s.currentTerm[i], s.votedFor[i], len(s.log[i]), s.commitIndex[i],
                          s.config[i])
        messages = dict(s.messages)
        pending = []
        for m, c in s.pendingMessages:
            if m.msource == i:
                messages[m] = messages.get(m, 0) + c
            else:
                pending.append((m, c))
        return s._replace(durableState=_with(s.durableState, i, durable),
                          messages=frozenset(messages.items()), pendingMessages=frozenset(pending))

    @staticmethod
    def become_follower_of_term(s: State, i: int, t: int) -> State:
        voted = s.votedFor if s.currentTerm[i] == t else _with(s.votedFor, i, None)
        return s._replace(currentTerm=_with(s.currentTerm, i, t),
                          state=_with(s.state, i, FOLLOWER), votedFor=voted)

    def step_down_to_follower(self, s: State, i: int) -> State | None:
        if s.state[i] not in (LEADER, CANDIDATE):
            return None
        return self.become_follower_of_term(s, i, s.currentTerm[i])

    # -- message handlers: Receive(m), each disjunct that holds -------------------------

    def receive(self, s: State, m: Message):
        """ReceiveDirect(m): (handler name, next state) for each disjunct."""
        i, j = m.mdest, m.msource
        if m.mterm > s.currentTerm[i]:
            yield "UpdateTerm", self.become_follower_of_term(s, i, m.mterm)
        if m.mtype == RV_REQ:
            yield from self.handle_request_vote_request(s, i, j, m)
        elif m.mtype == RV_RESP:
            if m.mterm < s.currentTerm[i]:
                yield "DropStaleResponse", self.discard(s, m)
            if m.mterm == s.currentTerm[i]:
                yield "HandleRequestVoteResponse", self.handle_request_vote_response(s, i, j, m)
        elif m.mtype == AE_REQ:
            yield from self.handle_append_entries_request(s, i, j, m)
        else:
            if m.mterm < s.currentTerm[i]:
                yield "DropStaleResponse", self.discard(s, m)
            if m.mterm == s.currentTerm[i]:
                yield "HandleAppendEntriesResponse", self.handle_append_entries_response(s, i, j, m)

    def handle_request_vote_request(self, s: State, i: int, j: int, m: Message):
        if m.mterm > s.currentTerm[i]:
            return
        grant = m.mterm == s.currentTerm[i] and self.vote_log_ok(s, i, m) and self.may_vote(s, i, j)
        if grant:
            s = s._replace(votedFor=_with(s.votedFor, i, j))
        yield "HandleRequestVoteRequest", self.reply(
            s, Message(RV_RESP, s.currentTerm[i], i, j, mvoteGranted=grant), m)

    def handle_request_vote_response(self, s: State, i: int, j: int, m: Message) -> State:
        s = s._replace(votesResponded=_with(s.votesResponded, i, s.votesResponded[i] | {j}))
        if m.mvoteGranted:
            s = s._replace(votesGranted=_with(s.votesGranted, i, s.votesGranted[i] | {j}))
        return self.discard(s, m)

    @staticmethod
    def vote_log_ok(s: State, i: int, m: Message) -> bool:
        """HandleRequestVoteRequest's logOk: the candidate's log is at least as
        up to date as i's."""
        log = s.log[i]
        return (m.mlastLogTerm > last_term(log)
                or (m.mlastLogTerm == last_term(log) and m.mlastLogIndex >= len(log)))

    @staticmethod
    def may_vote(s: State, i: int, j: int) -> bool:
        """votedFor[i] \\in {Nil, j}."""
        return s.votedFor[i] in (None, j)

    @staticmethod
    def append_log_ok(s: State, i: int, m: Message) -> bool:
        """HandleAppendEntriesRequest's logOk: i's log has the entry before the
        request's, of the same term."""
        prev, log = m.mprevLogIndex, s.log[i]
        return prev == 0 or (0 < prev <= len(log) and m.mprevLogTerm == log[prev - 1].term)

    @staticmethod
    def has_no_conflict(log: tuple, index: int, ents: tuple) -> bool:
        return index <= len(log) + 1 and all(
            log[index + k - 2].term == ents[k - 1].term
            for k in range(1, len(ents) + 1) if index + k - 1 <= len(log))

    def handle_append_entries_request(self, s: State, i: int, j: int, m: Message):
        log, term = s.log[i], s.currentTerm[i]
        if m.mterm > term:
            return
        prev, log_ok = m.mprevLogIndex, self.append_log_ok(s, i, m)
        # RejectAppendEntriesRequest
        if m.mterm < term or (m.mterm == term and s.state[i] == FOLLOWER and not log_ok):
            yield "RejectAppendEntriesRequest", self.reply(
                s, Message(AE_RESP, term, i, j, msubtype="app", msuccess=False,
                           mmatchIndex=0), m)
        # ReturnToFollowerState
        if m.mterm == term and s.state[i] == CANDIDATE:
            yield "ReturnToFollowerState", s._replace(state=_with(s.state, i, FOLLOWER))
        # AcceptAppendEntriesRequest
        if not (m.mterm == term and s.state[i] == FOLLOWER and log_ok):
            return
        index, ents, commit = prev + 1, m.mentries, s.commitIndex[i]
        no_conflict = self.has_no_conflict(log, index, ents)
        if index <= commit or not ents or (prev + len(ents) <= len(log) and no_conflict):
            if index <= commit:
                done = self.commit_to(s, i, m.mcommitIndex) if m.msubtype == "heartbeat" else s
            else:
                done = self.commit_to(s, i, min(m.mcommitIndex, prev + len(ents)))
            match = prev + len(ents) if m.msubtype == "heartbeat" or index > commit else commit
            yield "AppendEntriesAlreadyDone", self.reply(
                done, Message(AE_RESP, term, i, j, msubtype=m.msubtype, msuccess=True,
                              mmatchIndex=match), m)
        if ents and index > commit and not no_conflict:
            yield "ConflictAppendEntriesRequest", s._replace(log=_with(s.log, i, log[:-1]))
        if ents and index > commit and no_conflict:
            start = len(log) - index + 2
            yield "NoConflictAppendEntriesRequest", s._replace(
                log=_with(s.log, i, log + ents[start - 1:]))

    def handle_append_entries_response(self, s: State, i: int, j: int, m: Message) -> State:
        if m.msuccess:
            row = _with(s.matchIndex[i], j, max(s.matchIndex[i][j], m.mmatchIndex))
            s = s._replace(matchIndex=_with(s.matchIndex, i, row))
        return self.discard(s, m)

    # -- the next-state relation --------------------------------------------------------

    def successors(self, s: State):
        servers = self.everyone
        pairs = [(i, j) for i in servers for j in servers]
        steps = []
        # NextAsync
        steps += [(RequestVote(i, j), self.request_vote(s, i, j)) for i, j in pairs]
        steps += [(BecomeLeader(i), self.become_leader(s, i)) for i in servers]
        steps += [(ClientRequest(i), self.client_request(s, i)) for i in servers]
        steps += [(AdvanceCommitIndex(i), self.advance_commit_index(s, i)) for i in servers]
        for i, j in pairs:
            first, last = s.matchIndex[i][j] + 1, len(s.log[i]) + 1
            for b in range(first, last + 1):
                for e in range(first, last + 1):
                    steps.append((AppendEntries(i, j, b, e),
                                  self.append_entries_in_range(s, "app", i, j, b, e)))
        steps += [(AppendEntriesToSelf(i), self.append_entries_to_self(s, i)) for i in servers]
        steps += [(Heartbeat(i, j), self.append_entries_in_range(s, "heartbeat", i, j, 1, 1))
                  for i, j in pairs]
        for i, j in pairs:
            for index in range(1, s.commitIndex[i] + 1):
                steps.append((SendSnapshot(i, j, index),
                              self.append_entries_in_range(s, "snapshot", i, j, 1, index + 1)))
        for m, _ in sorted(s.messages, key=repr):
            steps += [(Receive(handler, m), t) for handler, t in self.receive(s, m)]
        steps += [(Timeout(i), self.timeout(s, i)) for i in servers]
        steps += [(Ready(i), self.ready(s, i)) for i in servers]
        steps += [(StepDownToFollower(i), self.step_down_to_follower(s, i)) for i in servers]
        # NextCrash
        steps += [(Restart(i), self.restart(s, i)) for i in servers]
        # NextUnreliable: only messages of count 1
        single = sorted((m for m, c in s.messages if c == 1), key=repr)
        steps += [(DuplicateMessage(m), s._replace(messages=bag_add(s.messages, m)))
                  for m in single]
        steps += [(DropMessage(m), self.discard(s, m)) for m in single]
        # membership changes
        steps += [(AddNewServer(i, j), self.add_new_server(s, i, j)) for i, j in pairs]
        steps += [(AddLearner(i, j), self.add_learner(s, i, j)) for i, j in pairs]
        steps += [(DeleteServer(i, j), self.delete_server(s, i, j)) for i, j in pairs]
        steps += [(ApplySimpleConfChange(i), self.apply_simple_conf_change(s, i))
                  for i in servers]
        for action, t in steps:
            if t is not None:
                yield action, t

    # -- the state constraint -----------------------------------------------------------

    def within_bounds(self, s: State) -> bool:
        return (bag_size(s.messages) + bag_size(s.pendingMessages) <= self.max_msgs
                and all(len(log) <= self.max_log for log in s.log))

    def bound_reason(self, s: State) -> str | None:
        if bag_size(s.messages) + bag_size(s.pendingMessages) > self.max_msgs:
            return f"messages in flight pass max_msgs = {self.max_msgs}"
        if any(len(log) > self.max_log for log in s.log):
            return f"a log passes max_log = {self.max_log}"
        return None

    # -- properties ---------------------------------------------------------------------

    @staticmethod
    def committed(s: State, i: int) -> tuple:
        return s.log[i][:s.commitIndex[i]]

    @invariant("LogInv")
    def log_inv(self, s: State):
        """Committed prefixes never conflict."""
        for i, j in permutations(self.everyone, 2):
            a, b = self.committed(s, i), self.committed(s, j)
            if not (is_prefix(a, b) or is_prefix(b, a)):
                return Fails(f"s{i + 1} and s{j + 1} committed conflicting entries")
        return True

    @invariant("MoreThanOneLeaderInv")
    def more_than_one_leader_inv(self, s: State):
        for i, j in permutations(self.everyone, 2):
            if (s.currentTerm[i] == s.currentTerm[j] and s.state[i] == LEADER
                    and s.state[j] == LEADER):
                return Fails(f"s{i + 1} and s{j + 1} both lead term {s.currentTerm[i]}")
        return True

    @invariant("ElectionSafetyInv")
    def election_safety_inv(self, s: State):
        """A leader has the greatest index of any entry of its current term."""
        def top(log, t):
            return max((n for n, e in enumerate(log, 1) if e.term == t), default=0)
        for i in self.everyone:
            if s.state[i] != LEADER:
                continue
            t = s.currentTerm[i]
            for j in self.everyone:
                if top(s.log[i], t) < top(s.log[j], t):
                    return Fails(f"s{j + 1} has an entry of term {t} past leader s{i + 1}'s")
        return True

    @invariant("LogMatchingInv")
    def log_matching_inv(self, s: State):
        for i, j in permutations(self.everyone, 2):
            a, b = s.log[i], s.log[j]
            for n in range(1, min(len(a), len(b)) + 1):
                if a[n - 1].term == b[n - 1].term and a[:n] != b[:n]:
                    return Fails(f"s{i + 1} and s{j + 1} agree on the term at {n} but not "
                                 f"on the prefix")
        return True

    @invariant("QuorumLogInv")
    def quorum_log_inv(self, s: State):
        """Every quorum of i's config has a server whose log holds i's
        committed entries: no quorum of the servers lacking them."""
        for i in self.everyone:
            conf, committed = self.get_config(s, i), self.committed(s, i)
            lacking = frozenset(j for j in conf if not is_prefix(committed, s.log[j]))
            if is_quorum(lacking, conf):
                return Fails(f"a quorum of s{i + 1}'s config lacks its committed entries")
        return True

    @invariant("MoreUpToDateCorrectInv")
    def more_up_to_date_correct_inv(self, s: State):
        for i in self.everyone:
            for j in self.everyone:
                a, b = s.log[i], s.log[j]
                if ((last_term(a) > last_term(b)
                     or (last_term(a) == last_term(b) and len(a) >= len(b)))
                        and not is_prefix(self.committed(s, j), a)):
                    return Fails(f"s{i + 1}'s log is as up to date as s{j + 1}'s but lacks "
                                 f"its committed entries")
        return True

    @invariant("LeaderCompletenessInv")
    def leader_completeness_inv(self, s: State):
        """Leaders of later terms hold every committed entry (a leader whose
        log is too short fails it; TLC stops there with an error)."""
        for i in self.everyone:
            for idx, entry in enumerate(self.committed(s, i), 1):
                for leader in self.everyone:
                    if (s.state[leader] == LEADER and s.currentTerm[leader] > entry.term
                            and (idx > len(s.log[leader]) or s.log[leader][idx - 1] != entry)):
                        return Fails(f"leader s{leader + 1} lacks entry {idx} committed "
                                     f"at s{i + 1}")
        return True

    @invariant("CommittedIsDurableInv")
    def committed_is_durable_inv(self, s: State):
        for i in self.everyone:
            if s.state[i] == LEADER and s.commitIndex[i] > s.durableState[i].log:
                return Fails(f"leader s{i + 1} committed {s.commitIndex[i]} entries, "
                             f"{s.durableState[i].log} durable")
        return True


# -- mutants: each overrides one operator (``EtcdRaft(mutant=name)``) --------------------


@EtcdRaft.mutant(
    "vote_twice",
    "HandleRequestVoteRequest without 'votedFor[i] \\in {Nil, j}': a server votes "
    "again in a term it voted in → MoreThanOneLeaderInv")
class VoteTwice(EtcdRaft):
    """grant loses ``votedFor[i] \\in {Nil, j}``."""

    @staticmethod
    def may_vote(s: State, i: int, j: int) -> bool:
        return True


@EtcdRaft.mutant(
    "self_ack_before_persist",
    "AppendEntriesToSelf puts the leader's own MsgAppResp straight into messages, "
    "not pendingMessages: it counts its entries before Ready persists them "
    "→ CommittedIsDurableInv")
class SelfAckBeforePersist(EtcdRaft):
    """AppendEntriesToSelf sends into ``messages`` (``messages' =
    WithMessage(m, messages)``, pendingMessages unchanged)."""

    def append_entries_to_self(self, s: State, i: int) -> State | None:
        t = super().append_entries_to_self(s, i)
        if t is None:
            return None
        m = Message(AE_RESP, s.currentTerm[i], i, i, msubtype="app", msuccess=True,
                    mmatchIndex=len(s.log[i]))
        return s._replace(messages=bag_add(s.messages, m))


@EtcdRaft.mutant(
    "client_request_on_any_server",
    "Replicate without 'state[i] = Leader': a follower takes a client request "
    "into its log at its current term → ElectionSafetyInv")
class ClientRequestOnAnyServer(EtcdRaft):
    """ClientRequest's Replicate loses ``state[i] = Leader``."""

    @staticmethod
    def may_replicate(s: State, i: int) -> bool:
        return True


@EtcdRaft.mutant(
    "commit_without_quorum",
    "AdvanceCommitIndex takes every index of the leader's log as agreed "
    "(Agree(index) \\in Quorum(GetConfig(i)) made TRUE): it commits what no "
    "follower holds → QuorumLogInv")
class CommitWithoutQuorum(EtcdRaft):
    """Agree(index) is a quorum whatever it holds."""

    @staticmethod
    def commit_quorum(agree: frozenset, conf: frozenset) -> bool:
        return True
