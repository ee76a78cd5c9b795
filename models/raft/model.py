"""Raft's servers and the model, next to raft.tla: one handler per operator.

`ServerNode` holds raft.tla's actions on server i; `Raft` puts the servers on
the kit's bag and lists Next's disjuncts; the mutants below each replace one
rule. The records are in `models.raft.records`, the properties in
`models.raft.properties`, the ``init:`` block and the presentation in
`models.raft.scenario`; the package docstring says where the model
deliberately differs from the spec.
"""

from __future__ import annotations

from checker import Param, ParamError
from models import register
from models.kit import ActorModel, Bag, Node, on, step
from models.kit.handlers import Stay
from models.kit.memo import Memo
from models.kit.network import Heal
from models.quorum import (QUORUM_SCHEMA, interchangeable_groups, quorum_system,
                           require_counted, require_intersecting)
from models.raft.liveness import TERMS_SCHEMA, TIMEOUTS_SCHEMA, RaftLiveness
from models.raft.properties import RaftProperties
from models.raft.records import (CANDIDATE, FOLLOWER, LEADER, MESSAGES, PRECANDIDATE,
                                 AdvanceCommitIndex, AppendEntries, AppendEntriesRequest,
                                 AppendEntriesResponse, BecomeLeader, Campaign, ChangeConfig,
                                 CheckQuorum, ClientRequest, DropMessage, DuplicateMessage,
                                 LeaseExpires, Receive, RequestVote, RequestVoteRequest,
                                 RequestVoteResponse, Restart, Server, ServerState, Timeout,
                                 last_term, server_name)
from models.raft.scenario import RaftScenario
from models.raft_membership import MEMBERSHIP_SCHEMA, Membership

# -- a server ------------------------------------------------------------------------


class ServerNode(Node):
    """Server ``self.id``: raft.tla's actions on server i, one handler each."""

    ids = Server
    state = ServerState

    @property
    def name(self) -> str:
        return server_name(self.id)  # s1..sN, as reports print servers (and a spec names them)

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
        if not self.model.timer_fires(self, s):  # the timing assumption (`timeouts`)
            return False
        return membership is None or membership.may_time_out(
            self.id, *membership.latest(self.id, s.log), s.commit_index)

    # -- the spec's actions on server i ---------------------------------------------------

    @step(Restart)
    def restart(self, s):
        """Restart(i): back from stable storage (currentTerm, votedFor, log)
        as a Follower; votes, nextIndex, matchIndex, commitIndex reset."""
        if not self.model.faults:
            return None
        n = self.model.servers
        return ServerState(s.current_term, FOLLOWER, s.voted_for, s.log, 0, frozenset(),
                           frozenset(), (1,) * n, (0,) * n), ()

    @step(Timeout)
    def timeout(self, s):
        """Timeout(i): a Follower or Candidate starts an election: Candidate,
        currentTerm + 1, no vote, votes cleared. Sends nothing. With PreVote
        it first becomes a PreCandidate of the same term (etcd). With
        CheckQuorum, a Follower's lease has expired first (etcd's randomized
        election timeout is at least the election timeout)."""
        if s.role == LEADER or self.in_lease(s) or not self.may_time_out(s):
            return None
        if self.model.pre_vote:
            return s._replace(role=PRECANDIDATE, votes_responded=frozenset(),
                              votes_granted=frozenset()), ()
        return self.campaign_effect(s), ()

    def campaign_effect(self, s: ServerState) -> ServerState:
        return s._replace(current_term=s.current_term + 1, role=CANDIDATE, voted_for=None,
                          votes_responded=frozenset(), votes_granted=frozenset())

    @step(RequestVote, choose=lambda node, s: node.peers(s))
    def request_vote(self, s, j):
        """RequestVote(i, j): a Candidate asks j, not yet in votesResponded
        (a PreCandidate asks whether j would vote for it in the next term)."""
        if s.role not in (CANDIDATE, PRECANDIDATE) or j in s.votes_responded:
            return None
        pre_vote = s.role == PRECANDIDATE
        return s, [RequestVoteRequest(self.id, j, s.current_term + pre_vote, last_term(s.log),
                                      len(s.log), pre_vote)]

    @step(Campaign)
    def campaign(self, s):
        """PreVote: a PreCandidate whose pre-votes are a quorum campaigns as
        Timeout does without PreVote (etcd's campaign after the pre-vote)."""
        if s.role != PRECANDIDATE or not self.is_quorum(s, s.votes_granted):
            return None
        return self.campaign_effect(s), ()

    @step(BecomeLeader)
    def become_leader(self, s):
        """BecomeLeader(i): a Candidate whose votesGranted is a quorum leads;
        nextIndex all Len(log) + 1, matchIndex all 0."""
        if s.role != CANDIDATE or not self.is_quorum(s, s.votes_granted):
            return None
        n = self.model.servers
        return s._replace(role=LEADER, next_index=(len(s.log) + 1,) * n,
                          match_index=(0,) * n, recent_active=frozenset()), ()

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

    @step(CheckQuorum)
    def check_quorum(self, s):
        """CheckQuorum (etcd): at its election timeout a Leader that has not
        heard from a quorum since the last check steps down; else it starts
        counting again. Only a server whose election timer fires (`timeouts`)
        checks."""
        if (not self.model.check_quorum or s.role != LEADER
                or not self.model.timer_fires(self, s)):
            return None
        if self.is_quorum(s, s.recent_active | {self.id}):
            return s._replace(recent_active=frozenset()), ()
        return s._replace(role=FOLLOWER, recent_active=frozenset()), ()

    @step(LeaseExpires)
    def lease_expires(self, s):
        """CheckQuorum's lease (etcd's inLease): a Follower that received its
        leader's AppendEntries is in lease until an election timeout passes
        without another, which may happen at any time here (the model keeps
        no time: a heartbeat delayed or lost); then it may time out and
        grant votes for later terms. Only a server whose election timer
        fires (`timeouts`) lets it expire."""
        if s.role != FOLLOWER or not self.in_lease(s) or not self.model.timer_fires(self, s):
            return None
        return s._replace(in_lease=False), ()

    def in_lease(self, s) -> bool:
        """etcd's inLease: a Leader (checkQuorum keeps its election timer
        below the timeout) or a Follower that heard from its leader."""
        return self.model.check_quorum and (s.role == LEADER or s.in_lease)

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
        m stays in the bag to be handled next. With CheckQuorum it is in
        lease only if m is its new leader's AppendEntries (etcd's
        becomeFollower(term, leader) in the same step)."""
        s = s._replace(current_term=m.term, role=FOLLOWER, voted_for=None,
                       recent_active=frozenset())
        if self.model.check_quorum:
            s = s._replace(in_lease=type(m) is AppendEntriesRequest)
        return Stay(s)

    @on(RequestVoteRequest, Receive)
    def handle_request_vote_request(self, s, m):
        """HandleRequestVoteRequest(i, j, m): grant iff the term is i's, j's
        log is at least as up to date, and i has not voted for another. With
        CheckQuorum, a server in lease ignores a (pre-)vote request of a later
        term: no answer, its term unchanged (etcd's Step)."""
        if m.term > s.current_term and self.in_lease(s):
            return s, ()
        if m.pre_vote:
            return self.handle_pre_vote_request(s, m)
        if m.term > s.current_term:
            return self.update_term(s, m)
        grant = m.term == s.current_term and self.log_ok(s, m) and self.may_vote(s, m)
        if grant:
            s = s._replace(voted_for=m.source)
        return s, [RequestVoteResponse(self.id, m.source, s.current_term, grant)]

    def handle_pre_vote_request(self, s, m):
        """PreVote (etcd's MsgPreVote): never changes the receiver's term;
        granted, in the asked term, for a later term and a log at least as up
        to date. A pre-vote of the voter's own term is refused, where etcd
        grants it if the voter has voted for no other and knows no leader
        (the model does not track who leads)."""
        grant = m.term > s.current_term and self.log_ok(s, m)
        return s, [RequestVoteResponse(self.id, m.source, m.term if grant else s.current_term,
                                       grant, True)]

    def log_ok(self, s, m) -> bool:
        """logOk: j's last entry has a later term, or the same and j's log is
        at least as long."""
        own = last_term(s.log)
        return m.last_log_term > own or (m.last_log_term == own
                                         and m.last_log_index >= len(s.log))

    def may_vote(self, s, m) -> bool:
        return s.voted_for is None or s.voted_for == m.source

    @on(RequestVoteResponse, Receive)
    def handle_request_vote_response(self, s, m):
        """HandleRequestVoteResponse(i, j, m): count j's answer (and vote);
        DropStaleResponse when m's term is older."""
        if m.pre_vote:  # a granted pre-vote is for the term after the receiver's
            if m.term > s.current_term and not m.vote_granted:
                return self.update_term(s, m)
            if s.role != PRECANDIDATE or m.term != s.current_term + 1:
                return s, ()  # stale
        elif m.term > s.current_term:
            return self.update_term(s, m)
        elif m.term < s.current_term:
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
        if m.term == s.current_term and s.role != LEADER and self.model.check_quorum:
            s = s._replace(in_lease=True)  # it heard from its leader (lease renewed)
        if m.term < s.current_term or (s.role == FOLLOWER and not log_ok):
            return s, [AppendEntriesResponse(self.id, m.source, s.current_term, False, 0)]
        if s.role in (CANDIDATE, PRECANDIDATE):
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
        if self.model.check_quorum and s.role == LEADER:
            s = s._replace(recent_active=s.recent_active | {j})
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
class Raft(RaftProperties, RaftLiveness, RaftScenario, ActorModel):
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
        Param("pre_vote", False, "PreVote (etcd): a server that times out first asks, "
              "without raising its term, whether a quorum would vote for it",
              schema={"type": "boolean"}),
        Param("check_quorum", False, "CheckQuorum (etcd): a leader that has not heard from a "
              "quorum since its last election timeout steps down, and a server in lease (the "
              "leader, or a follower that heard from it since its lease last expired, "
              "LeaseExpires) ignores (pre-)vote requests of a later term",
              schema={"type": "boolean"}),
        Param("partition", None, "servers cut off from the others at the start (a list of "
              "server numbers): messages between the two sides are lost until the network "
              "heals (a step), as the spec's partition: {groups: [[s5], [s1, s2, s3, s4]]} "
              "(which says more: links, splits, heals); null: none", schema={
                  "type": ["array", "null"], "uniqueItems": True,
                  "items": {"type": "integer", "minimum": 1, "maximum": 9}}),
        # for liveness (models.raft.liveness): the defaults are raft.tla's
        Param("terms", "absolute", "relative: every state's terms renumbered so the lowest "
              "is 1 (a bisimulation: endless elections become cycles); max_term then bounds "
              "the spread of terms; changes the state counts", schema=TERMS_SCHEMA),
        Param("timeouts", None, "whose election timers fire: null, any Follower's or "
              "Candidate's at any time (raft.tla); {servers: [1], round_trip: true}: only "
              "the listed servers' (the distinguished timeout), and a Candidate's only once "
              "every server it can reach answered and it has no quorum; [1]: the listed "
              "servers' alone, as raft-kv's. With check_quorum the timer is also a Leader's "
              "CheckQuorum and a Follower's LeaseExpires", schema=TIMEOUTS_SCHEMA),
        Param("faults", True, "false: no Restart, DropMessage or DuplicateMessage (a "
              "connected cluster that stays up)", schema={"type": "boolean"}),
    )
    roles = (ServerNode,)
    messages = MESSAGES
    # (fault budgets: unbounded as in raft.tla, or none with faults: false)
    network = Bag(drop="message_faults", duplicate="message_faults", capacity="max_msgs",
                  full="constraint", per_message=True, drop_action=DropMessage,
                  duplicate_action=DuplicateMessage, partition="side_cut_off")
    # Next == \/ \E i : Restart(i) \/ Timeout(i) \/ BecomeLeader(i) \/ ... (per server)
    #         \/ \E m \in DOMAIN messages : Receive(m) \/ DuplicateMessage(m) \/ DropMessage(m)
    next = ((ServerNode.timeout, ServerNode.restart, ServerNode.request_vote,
             ServerNode.become_leader, ServerNode.client_request, ServerNode.change_config,
             ServerNode.advance_commit_index, ServerNode.append_entries, ServerNode.campaign,
             ServerNode.check_quorum, ServerNode.lease_expires),
            (ServerNode.handle_request_vote_request, ServerNode.handle_request_vote_response,
             ServerNode.handle_append_entries_request,
             ServerNode.handle_append_entries_response))
    symmetry_sets = ("servers",)
    takes_init = True
    partitions = True  # a spec's partition: replaces params.partition's side

    # -- parameters and the starting configuration --------------------------------

    def setup(self) -> None:
        n = self.servers
        self.quorums = quorum_system(self.quorum, n)
        require_counted(self.quorums, 'raft')
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
        #: params.partition's servers: a side cut off at the start, healing once
        #: (the network's partition, where the spec gives none)
        self.side_cut_off = frozenset(number - 1 for number in self.partition or ())
        if any(i >= n for i in self.side_cut_off):
            raise ParamError("params.partition", f"names a server above s{n}; the servers "
                             f"are s1..s{n}")
        if self.side_cut_off and self._partition_choice is not None:
            raise ParamError("partition", "give the partition once: remove params.partition "
                             "(a side cut off at the start) or the spec's partition:")
        self._setup_liveness()
        self.actions = self._possible_actions()
        self._initial = None if self.init is None else self._parse_init(self.init)

    def _build(self) -> None:
        super()._build()
        self._setup_reach()  # reads the network's partition
        #: the servers the partition cuts off from every quorum, however it is
        #: given (params.partition or the spec's partition:), for the properties
        self.cut_off = self.cut_off_by_partition()
        if self.terms == "relative":
            self.successors = self.renumbered(self.successors)

    def _possible_actions(self) -> tuple[type, ...]:
        """The actions this instance can take, for coverage: a send into a
        full bag is not generated, so with ``max_msgs: 1`` no message is ever
        duplicated, and with 0 none is ever sent."""
        actions = (Restart, Timeout, RequestVote, BecomeLeader, ClientRequest,
                   AdvanceCommitIndex, AppendEntries, Receive, DuplicateMessage, DropMessage)
        cannot = ({RequestVote, AppendEntries, Receive, DuplicateMessage, DropMessage}
                  if self.max_msgs == 0 else {DuplicateMessage} if self.max_msgs == 1 else set())
        if not self.faults:
            cannot |= {Restart, DropMessage, DuplicateMessage}
        options = ((ChangeConfig, self.membership_rules is not None),
                   (Campaign, self.pre_vote), (CheckQuorum, self.check_quorum),
                   (LeaseExpires, self.check_quorum),
                   (Heal, bool(self.side_cut_off)))
        return tuple(kind for kind in actions if kind not in cannot) + tuple(
            kind for kind, on in options if on)

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
        for i in self.cut_off:  # the network's partition names them
            labels[i].append(1)
        if self.timed is not None:  # only these servers' timers fire (`timeouts`)
            for i in self.timed:
                labels[i].append("timed")

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
        return {"servers": self.partition_classes("servers", groups)}  # a spec's partition too


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


@Raft.mutant("append_after_commit", "a leader puts a client's entry right after its last "
                                    "committed entry, over those it has not committed, "
                                    "instead of at the end of its log; breaks Leader "
                                    "Append-Only")
class ServerAppendingAfterCommit(ServerNode):
    def client_request(self, s, v):
        if s.role != LEADER:
            return None
        # the bug: the end of the committed prefix taken for the end of the log
        return s._replace(log=s.log[:s.commit_index] + ((s.current_term, v),)), ()


@Raft.mutant("no_lease", "check_quorum without its lease: a Leader, or a Follower that "
                         "heard from it, answers (pre-)vote requests of a later term, and a "
                         "Follower times out at any time; with PreVote a rejoining server "
                         "that caught up deposes a stable leader "
                         "(specs/raft-mutant-no-lease.yaml)")
class ServerIgnoringLease(ServerNode):
    def in_lease(self, s) -> bool:
        return False  # the bug: hearing from a leader binds no one


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
