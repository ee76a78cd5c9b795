"""Ongaro's raft.tla, transcribed action by action, slow and plain: the
yardstick for `models.raft` (and its distinct-state counts: TLC's).

Each TLA+ action is a function returning the next state or None (disabled),
with the guards and the UNCHANGED lists of the specification; the history
variables (elections, allLogs, voterLog, mlog) are left out, as the issue
asks. Variables are functions of the server, as in the spec: a state is a
mapping from variable name to a tuple indexed by server (records are
dicts frozen into sorted item tuples). The bag ``messages`` is a multiset:
a message whose last copy is removed leaves the bag (raft.tla's
WithoutMessage would keep it with count 0; the issue and TLC's reference
counts use a real bag). `explore` is TLC's breadth-first search with the
state constraint: a successor outside it is neither counted nor expanded.

`to_model` writes a state in `models.raft`'s encoding, so that reachable
sets can be compared state for state.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterator

FOLLOWER, CANDIDATE, LEADER = "Follower", "Candidate", "Leader"
RVQ, RVP, AEQ, AEP = ("RequestVoteRequest", "RequestVoteResponse", "AppendEntriesRequest",
                      "AppendEntriesResponse")
NIL = None


def record(**fields: Any) -> tuple:
    return tuple(sorted(fields.items()))


def field(r: tuple, name: str) -> Any:
    return dict(r)[name]


class State(dict):
    """Variable name -> value; hashable once built (never changed after)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))

    def but(self, **changes: Any) -> "State":
        new = State(self)
        new.update(changes)
        return new


def at(function: tuple, i: int, value: Any) -> tuple:
    """[function EXCEPT ![i] = value]"""
    return function[:i] + (value,) + function[i + 1:]


class RaftTLA:
    def __init__(self, servers: int, values: int, max_term: int, max_log: int,
                 max_msgs: int):
        self.Server = range(servers)
        self.Value = range(values)
        self.max_term, self.max_log, self.max_msgs = max_term, max_log, max_msgs
        self.n = servers

    # -- helpers ---------------------------------------------------------------

    def is_quorum(self, s: frozenset) -> bool:
        return len(s) * 2 > self.n

    @staticmethod
    def last_term(xlog: tuple) -> int:
        return 0 if len(xlog) == 0 else xlog[-1][0]

    @staticmethod
    def with_message(m: tuple, msgs: frozenset) -> frozenset:
        bag = Counter(dict(msgs))
        bag[m] += 1
        return frozenset(bag.items())

    @staticmethod
    def without_message(m: tuple, msgs: frozenset) -> frozenset:
        bag = Counter(dict(msgs))
        if m in bag:
            bag[m] -= 1
            if bag[m] == 0:
                del bag[m]
        return frozenset(bag.items())

    def send(self, s: State, m: tuple) -> frozenset:
        return self.with_message(m, s["messages"])

    def discard(self, s: State, m: tuple) -> frozenset:
        return self.without_message(m, s["messages"])

    def reply(self, s: State, response: tuple, request: tuple) -> frozenset:
        return self.without_message(request, self.with_message(response, s["messages"]))

    # -- Init ------------------------------------------------------------------

    def init(self) -> State:
        n = self.n
        return State(messages=frozenset(), currentTerm=(1,) * n, state=(FOLLOWER,) * n,
                     votedFor=(NIL,) * n, votesResponded=(frozenset(),) * n,
                     votesGranted=(frozenset(),) * n, nextIndex=((1,) * n,) * n,
                     matchIndex=((0,) * n,) * n, log=((),) * n, commitIndex=(0,) * n)

    # -- actions ---------------------------------------------------------------

    def Restart(self, s: State, i: int) -> State:
        n = self.n
        return s.but(state=at(s["state"], i, FOLLOWER),
                     votesResponded=at(s["votesResponded"], i, frozenset()),
                     votesGranted=at(s["votesGranted"], i, frozenset()),
                     nextIndex=at(s["nextIndex"], i, (1,) * n),
                     matchIndex=at(s["matchIndex"], i, (0,) * n),
                     commitIndex=at(s["commitIndex"], i, 0))

    def Timeout(self, s: State, i: int) -> State | None:
        if s["state"][i] not in (FOLLOWER, CANDIDATE):
            return None
        return s.but(state=at(s["state"], i, CANDIDATE),
                     currentTerm=at(s["currentTerm"], i, s["currentTerm"][i] + 1),
                     votedFor=at(s["votedFor"], i, NIL),
                     votesResponded=at(s["votesResponded"], i, frozenset()),
                     votesGranted=at(s["votesGranted"], i, frozenset()))

    def RequestVote(self, s: State, i: int, j: int) -> State | None:
        if s["state"][i] != CANDIDATE or j in s["votesResponded"][i]:
            return None
        return s.but(messages=self.send(s, record(
            mtype=RVQ, mterm=s["currentTerm"][i], mlastLogTerm=self.last_term(s["log"][i]),
            mlastLogIndex=len(s["log"][i]), msource=i, mdest=j)))

    def AppendEntries(self, s: State, i: int, j: int) -> State | None:
        if i == j or s["state"][i] != LEADER:
            return None
        log_i, next_ij = s["log"][i], s["nextIndex"][i][j]
        prev_log_index = next_ij - 1
        prev_log_term = log_i[prev_log_index - 1][0] if prev_log_index > 0 else 0
        last_entry = min(len(log_i), next_ij)
        entries = log_i[next_ij - 1:last_entry]  # SubSeq(log[i], nextIndex, lastEntry)
        return s.but(messages=self.send(s, record(
            mtype=AEQ, mterm=s["currentTerm"][i], mprevLogIndex=prev_log_index,
            mprevLogTerm=prev_log_term, mentries=entries,
            mcommitIndex=min(s["commitIndex"][i], last_entry), msource=i, mdest=j)))

    def BecomeLeader(self, s: State, i: int) -> State | None:
        if s["state"][i] != CANDIDATE or not self.is_quorum(s["votesGranted"][i]):
            return None
        n = self.n
        return s.but(state=at(s["state"], i, LEADER),
                     nextIndex=at(s["nextIndex"], i, (len(s["log"][i]) + 1,) * n),
                     matchIndex=at(s["matchIndex"], i, (0,) * n))

    def ClientRequest(self, s: State, i: int, v: int) -> State | None:
        if s["state"][i] != LEADER:
            return None
        return s.but(log=at(s["log"], i, s["log"][i] + ((s["currentTerm"][i], v),)))

    def AdvanceCommitIndex(self, s: State, i: int) -> State | None:
        if s["state"][i] != LEADER:
            return None
        log_i = s["log"][i]

        def agree(index: int) -> frozenset:
            return frozenset({i} | {k for k in self.Server if s["matchIndex"][i][k] >= index})

        agree_indexes = {index for index in range(1, len(log_i) + 1)
                         if self.is_quorum(agree(index))}
        if agree_indexes and log_i[max(agree_indexes) - 1][0] == s["currentTerm"][i]:
            new_commit_index = max(agree_indexes)
        else:
            new_commit_index = s["commitIndex"][i]
        return s.but(commitIndex=at(s["commitIndex"], i, new_commit_index))

    # -- message handlers (i recipient, j sender) --------------------------------

    def HandleRequestVoteRequest(self, s: State, i: int, j: int, m: dict) -> State | None:
        log_i = s["log"][i]
        log_ok = (m["mlastLogTerm"] > self.last_term(log_i)
                  or (m["mlastLogTerm"] == self.last_term(log_i)
                      and m["mlastLogIndex"] >= len(log_i)))
        grant = (m["mterm"] == s["currentTerm"][i] and log_ok
                 and s["votedFor"][i] in (NIL, j))
        if not m["mterm"] <= s["currentTerm"][i]:
            return None
        voted_for = at(s["votedFor"], i, j) if grant else s["votedFor"]
        return s.but(votedFor=voted_for, messages=self.reply(s, record(
            mtype=RVP, mterm=s["currentTerm"][i], mvoteGranted=grant, msource=i, mdest=j),
            m["raw"]))

    def HandleRequestVoteResponse(self, s: State, i: int, j: int, m: dict) -> State | None:
        if m["mterm"] != s["currentTerm"][i]:
            return None
        granted = s["votesGranted"]
        if m["mvoteGranted"]:
            granted = at(granted, i, granted[i] | {j})
        return s.but(votesResponded=at(s["votesResponded"], i, s["votesResponded"][i] | {j}),
                     votesGranted=granted, messages=self.discard(s, m["raw"]))

    def HandleAppendEntriesRequest(self, s: State, i: int, j: int,
                                   m: dict) -> Iterator[State]:
        log_i, term_i, state_i = s["log"][i], s["currentTerm"][i], s["state"][i]
        log_ok = (m["mprevLogIndex"] == 0
                  or (m["mprevLogIndex"] > 0 and m["mprevLogIndex"] <= len(log_i)
                      and m["mprevLogTerm"] == log_i[m["mprevLogIndex"] - 1][0]))
        if not m["mterm"] <= term_i:
            return
        if m["mterm"] < term_i or (m["mterm"] == term_i and state_i == FOLLOWER
                                   and not log_ok):  # reject request
            yield s.but(messages=self.reply(s, record(
                mtype=AEP, mterm=term_i, msuccess=False, mmatchIndex=0, msource=i, mdest=j),
                m["raw"]))
        if m["mterm"] == term_i and state_i == CANDIDATE:  # return to follower state
            yield s.but(state=at(s["state"], i, FOLLOWER))
        if m["mterm"] == term_i and state_i == FOLLOWER and log_ok:  # accept request
            index = m["mprevLogIndex"] + 1
            entries = m["mentries"]
            if entries == () or (len(log_i) >= index and log_i[index - 1][0] == entries[0][0]):
                # already done with request
                yield s.but(commitIndex=at(s["commitIndex"], i, m["mcommitIndex"]),
                            messages=self.reply(s, record(
                                mtype=AEP, mterm=term_i, msuccess=True,
                                mmatchIndex=m["mprevLogIndex"] + len(entries), msource=i,
                                mdest=j), m["raw"]))
            if entries != () and len(log_i) >= index and log_i[index - 1][0] != entries[0][0]:
                # conflict: remove 1 entry
                yield s.but(log=at(s["log"], i, log_i[:len(log_i) - 1]))
            if entries != () and len(log_i) == m["mprevLogIndex"]:
                # no conflict: append entry
                yield s.but(log=at(s["log"], i, log_i + (entries[0],)))

    def HandleAppendEntriesResponse(self, s: State, i: int, j: int, m: dict) -> State | None:
        if m["mterm"] != s["currentTerm"][i]:
            return None
        next_i, match_i = s["nextIndex"][i], s["matchIndex"][i]
        if m["msuccess"]:
            next_i, match_i = at(next_i, j, m["mmatchIndex"] + 1), at(match_i, j, m["mmatchIndex"])
        else:
            next_i = at(next_i, j, max(next_i[j] - 1, 1))
        return s.but(nextIndex=at(s["nextIndex"], i, next_i),
                     matchIndex=at(s["matchIndex"], i, match_i),
                     messages=self.discard(s, m["raw"]))

    def UpdateTerm(self, s: State, i: int, j: int, m: dict) -> State | None:
        if not m["mterm"] > s["currentTerm"][i]:
            return None
        return s.but(currentTerm=at(s["currentTerm"], i, m["mterm"]),
                     state=at(s["state"], i, FOLLOWER), votedFor=at(s["votedFor"], i, NIL))

    def DropStaleResponse(self, s: State, i: int, j: int, m: dict) -> State | None:
        if not m["mterm"] < s["currentTerm"][i]:
            return None
        return s.but(messages=self.discard(s, m["raw"]))

    def Receive(self, s: State, raw: tuple) -> Iterator[State]:
        m = dict(raw, raw=raw)
        i, j = m["mdest"], m["msource"]
        yield from filter(None, [self.UpdateTerm(s, i, j, m)])
        if m["mtype"] == RVQ:
            yield from filter(None, [self.HandleRequestVoteRequest(s, i, j, m)])
        elif m["mtype"] == RVP:
            yield from filter(None, [self.DropStaleResponse(s, i, j, m),
                                     self.HandleRequestVoteResponse(s, i, j, m)])
        elif m["mtype"] == AEQ:
            yield from self.HandleAppendEntriesRequest(s, i, j, m)
        else:
            yield from filter(None, [self.DropStaleResponse(s, i, j, m),
                                     self.HandleAppendEntriesResponse(s, i, j, m)])

    def DuplicateMessage(self, s: State, m: tuple) -> State:
        return s.but(messages=self.send(s, m))

    def DropMessage(self, s: State, m: tuple) -> State:
        return s.but(messages=self.discard(s, m))

    # -- Next and the constraint -------------------------------------------------

    def next(self, s: State) -> Iterator[State]:
        S = self.Server
        candidates: list[Callable[[], Any]] = []
        candidates += [lambda i=i: self.Timeout(s, i) for i in S]
        candidates += [lambda i=i: self.Restart(s, i) for i in S]
        candidates += [lambda i=i, j=j: self.RequestVote(s, i, j) for i in S for j in S]
        candidates += [lambda i=i: self.BecomeLeader(s, i) for i in S]
        candidates += [lambda i=i, v=v: self.ClientRequest(s, i, v) for i in S for v in self.Value]
        candidates += [lambda i=i: self.AdvanceCommitIndex(s, i) for i in S]
        candidates += [lambda i=i, j=j: self.AppendEntries(s, i, j) for i in S for j in S]
        for action in candidates:
            t = action()
            if t is not None:
                yield t
        for m, _ in s["messages"]:
            yield from self.Receive(s, m)
            yield self.DuplicateMessage(s, m)
            yield self.DropMessage(s, m)

    def constraint(self, s: State) -> bool:
        return (all(term <= self.max_term for term in s["currentTerm"])
                and all(len(log) <= self.max_log for log in s["log"])
                and sum(count for _, count in s["messages"]) <= self.max_msgs)


def explore(spec: RaftTLA) -> tuple[set[State], int]:
    """TLC's search: the reachable states within the constraint, and the depth."""
    seen = {spec.init()}
    level, depth = list(seen), 0
    while level:
        following = []
        for s in level:
            for t in spec.next(s):
                if t not in seen and spec.constraint(t):
                    seen.add(t)
                    following.append(t)
        if following:
            depth += 1
        level = following
    return seen, depth


# -- in models.raft's encoding ------------------------------------------------------

_FIELDS = {RVQ: ("msource", "mdest", "mterm", "mlastLogTerm", "mlastLogIndex"),
           RVP: ("msource", "mdest", "mterm", "mvoteGranted"),
           AEQ: ("msource", "mdest", "mterm", "mprevLogIndex", "mprevLogTerm", "mentries",
                 "mcommitIndex"),
           AEP: ("msource", "mdest", "mterm", "msuccess", "mmatchIndex")}


def to_model(s: State) -> tuple:
    """The state as `models.raft` writes it: a `ServerState` record per
    server, then the kit's bag: per message type (in the model's order) a
    frozenset of (message, copies), then the fault budgets (unbounded)."""
    from models import raft

    servers = tuple(
        raft.ServerState(s["currentTerm"][i], s["state"][i], s["votedFor"][i], s["log"][i],
                         s["commitIndex"][i], frozenset(s["votesResponded"][i]),
                         frozenset(s["votesGranted"][i]), s["nextIndex"][i],
                         s["matchIndex"][i])
        for i in range(len(s["currentTerm"])))
    components: dict[str, list] = {kind: [] for kind in (RVQ, RVP, AEQ, AEP)}
    for raw, count in s["messages"]:
        m = dict(raw)
        fields = tuple(m[name] for name in _FIELDS[m["mtype"]])
        components[m["mtype"]].append((getattr(raft, m["mtype"])(*fields), count))
    return servers + (tuple(frozenset(c) for c in components.values()) + ((None, None),),)
