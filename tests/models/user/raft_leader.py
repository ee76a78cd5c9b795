"""Raft leader election with Pre-Vote, as CockroachDB's RaftLeader.tla
(cockroachdb/cockroach, docs/tla-plus/LeaderLeases/, the revision with the
constants WithRestarts, UsePreVote and SendMsgApp, commit 2c11ba1) writes it
in PlusCal: a user's plain `checker.Model`, one action per label (and per
branch of TickLoop's ``either``), each step as atomic as the translation's
``pc`` makes it.

Each node keeps the spec's ``raft[i]`` record (state, term, vote, lead,
voteResps, appResps, appended), its process variables ``canVote`` and
``msg`` (kept in the state after use, as in the translation) and its
``pc``. ``network[i]``, the messages in flight to node i, is one sequence
per *destination*: every sender appends to it and i receives its head. The
kit's `Fifo` keeps one queue per link (sender, receiver), where a node may
take the oldest message of any link into it, which allows orders this
network does not (and the kit has no per-receiver inbox), and a kit handler
changes only its own node's record, where a send here appends to another
node's sequence; hence a plain model.

Action by action (``self`` is ``node``):

- Campaign(node, to): TickLoop's first branch, ``await CanCampaign[self]``
  (a follower whose term is below Terms) then ``campaign()``: with
  UsePreVote become a pre-candidate (voteResps {self}, no leader) and send
  MsgPreVote for term + 1, else become a candidate of term + 1 that votes
  for itself and send MsgVote; either to *one* node ``to``, the spec's
  ``with i \\in Nodes \\ {self}`` (a choice, not a broadcast).
- Restart(node): the second branch, ``await WithRestarts``: forget
  everything but term and vote.
- Receive(node, msg): the third branch, ``await CanReceiveMsg[self]``: take
  the head of network[self] into ``msg``; a higher term makes the node a
  follower of it (lead msg.from for MsgApp, none otherwise), except that a
  MsgPreVote, an unrejected MsgPreVoteResp, or a MsgVote or MsgPreVote
  reaching a node that knows a leader (there a MsgVote still makes it a
  follower of the term, with no leader) do not; a lower term drops the
  message (``goto TickLoop``) unless it is a MsgApp; else go to RecvMessage.
- Exit(node): the loop's exit, ``while CanCampaign[self] \\/
  CanReceiveMsg[self]`` false: pc becomes "Done", for good.
- RecvMessage(node): handle ``msg``: a (pre-)vote request is granted
  (``canVote``) if the node voted for the sender already, has neither voted
  nor a leader, or it is a MsgPreVote for a later term; a granted MsgVote
  records the vote. A vote response, unrejected and of the node's phase,
  adds the sender to voteResps; a quorum goes to WonPreElection or
  WonElection. MsgApp is answered (rejected if stale); an unrejected
  MsgAppResp to a leader adds to appResps and sets ``appended`` when they
  are a quorum, then Appended.
- WonPreElection(node, to): become a candidate of term + 1, send MsgVote to
  one node.
- WonElection(node, to): become leader; with SendMsgApp send MsgApp to one
  node (``to`` is None without it).
- Appended(node): ``skip``.

When every node is Done the spec's Terminating stutters for ever: no
deadlock (`stutters`). With WithRestarts a restart of a node in the state
a restart leaves is a step to the same state; TLC generates it, and so
does this model.

Constants: ``nodes`` is Cardinality(Nodes) (``n1`` .. ``nN``), ``Terms``,
``WithRestarts``, ``UsePreVote`` and ``SendMsgApp`` keep the spec's names.
Symmetry: the spec's ``Symmetry == Permutations(Nodes)`` is the set
"nodes", derived from the types by the kit's `Symmetric`: the fields typed
`Node` (vote, lead, voteResps, appResps, a message's from, the actions'
nodes) are renamed and the variables typed ``indexed_by(Node, ...)``
moved to the new names' positions, and each node's signature is what the
state says of it with the other names blanked.

Invariants: the spec's LeaderExclusivity (Raft's Election Safety, stated on
``lead``: two nodes of one term that know a leader know the same one), and
its TypeInvariants as its two conjuncts. RaftMsgInvariant is the spec's,
``\\A j \\in 1..(Len(network[i])-1)``, so it never reads the last message
of a sequence; this model checks it as written (a deliberate fidelity: the
mutant ``pre_vote_past_terms`` shows what it misses).

Differences from the text: none in behaviour. ``msg`` starts as None for
the spec's ``[type |-> 0]``, "no vote" and "no leader" are None for 0, and
the field ``from`` is ``src``. WithRestarts with UsePreVote has no finite
state space (a pre-candidate that restarts keeps its term and campaigns
again, its MsgPreVotes piling up at a node that does not receive them);
neither published configuration combines them.

A node whose loop has exited (Done) receives nothing more: what is sent to
it stays in its sequence.

The later revision of the spec (AllowMsgReordering, a broadcast loop per
campaign instead of the ``with``, SendMsgApp unused) is not this one.
"""

from __future__ import annotations

from itertools import permutations
from typing import NamedTuple

from checker import Fails, Model, Param, eventually, invariant, reachable, transition
from models.kit import Symmetric, ids, indexed_by
from models.kit.records import show

Node = ids("nodes", "n", first=1, named=True)

FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER = (
    "StateFollower", "StatePreCandidate", "StateCandidate", "StateLeader")
VOTE, VOTE_RESP, PRE_VOTE, PRE_VOTE_RESP, APP, APP_RESP = (
    "MsgVote", "MsgVoteResp", "MsgPreVote", "MsgPreVoteResp", "MsgApp", "MsgAppResp")
RAFT_STATES = (FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER)
MSG_TYPES = (VOTE, VOTE_RESP, PRE_VOTE, PRE_VOTE_RESP, APP, APP_RESP)


class Raft(NamedTuple):
    """raft[i]: the node's Raft state."""

    state: str = FOLLOWER
    term: int = 0
    vote: Node | None = None
    lead: Node | None = None
    vote_resps: frozenset[Node] = frozenset()
    app_resps: frozenset[Node] = frozenset()
    appended: bool = False


class Message(NamedTuple):
    """A message of network[to]; ``reject`` only on responses."""

    type: str
    src: Node
    term: int
    reject: bool | None = None


class State(NamedTuple):
    """The spec's variables, each a tuple by node (n1 first)."""

    raft: indexed_by(Node, Raft)
    network: indexed_by(Node, tuple[Message, ...])
    pc: indexed_by(Node, str)
    can_vote: indexed_by(Node, bool)
    msg: indexed_by(Node, Message | None)


class Campaign(NamedTuple):
    node: Node
    to: Node


class Restart(NamedTuple):
    node: Node


class Receive(NamedTuple):
    node: Node
    msg: Message


class Exit(NamedTuple):
    node: Node


class RecvMessage(NamedTuple):
    node: Node


class WonPreElection(NamedTuple):
    node: Node
    to: Node


class WonElection(NamedTuple):
    node: Node
    to: Node | None


class Appended(NamedTuple):
    node: Node


ACTIONS = (Campaign, Restart, Receive, Exit, RecvMessage, WonPreElection, WonElection, Appended)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class RaftLeader(Symmetric, Model):
    name = "raft-leader"
    summary = "Raft leader election with Pre-Vote (CockroachDB's RaftLeader.tla)"
    params = (Param("nodes", 3, "Cardinality(Nodes): nodes n1..nN", minimum=1, maximum=5),
              Param("Terms", 3, "Terms: a node campaigns only below this term", minimum=1),
              Param("WithRestarts", False, "WithRestarts: a node may restart, keeping term "
                                           "and vote"),
              Param("UsePreVote", False, "UsePreVote: campaign with a Pre-Vote phase first"),
              Param("SendMsgApp", True, "SendMsgApp: a new leader sends one MsgApp"))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("nodes",)  # Symmetry == Permutations(Nodes), derived from the types

    def setup(self) -> None:
        self.everyone = tuple(range(self.nodes))
        # the actions this instance can take (no other is called out as never fired)
        self.actions = tuple(a for a in ACTIONS if (a is not Restart or self.WithRestarts)
                             and (a is not WonPreElection or self.UsePreVote))

    # -- the spec's definitions --------------------------------------------------------

    def is_quorum(self, voters: frozenset) -> bool:
        """RaftQuorum: Cardinality(i) * 2 > Cardinality(Nodes)."""
        return len(voters) * 2 > self.nodes

    def can_campaign(self, raft: Raft) -> bool:
        """CanCampaign[i]: raft[i].term < Terms /\\ raft[i].state = StateFollower."""
        return raft.term < self.Terms and raft.state == FOLLOWER

    def initial_states(self):
        n = self.nodes
        yield State(raft=(Raft(),) * n, network=((),) * n, pc=("TickLoop",) * n,
                    can_vote=(False,) * n, msg=(None,) * n)

    # -- the process, label by label ---------------------------------------------------

    def successors(self, s: State):
        # Next == \E self \in Nodes : node(self), the labels in the translation's order
        for i in self.everyone:
            label = s.pc[i]
            if label == "TickLoop":
                yield from self.tick_loop(s, i)
            elif label == "RecvMessage":
                yield RecvMessage(i), self.recv_message(s, i)
            elif label == "WonPreElection":
                for j in self.everyone:
                    if j != i:
                        yield WonPreElection(i, j), self.won_pre_election(s, i, j)
            elif label == "WonElection":
                for j in (self.everyone if self.SendMsgApp else (None,)):
                    if j != i:
                        yield WonElection(i, j), self.won_election(s, i, j)
            elif label == "Appended":
                yield Appended(i), self.goto(s, i, "TickLoop")

    def tick_loop(self, s: State, i: int):
        raft = s.raft[i]
        if not (self.can_campaign(raft) or s.network[i]):
            yield Exit(i), self.goto(s, i, "Done")
            return
        if self.can_campaign(raft):
            for j in self.everyone:
                if j != i:
                    yield Campaign(i, j), self.campaign(s, i, j)
        if self.WithRestarts:
            yield Restart(i), self.restart(s, i)
        if s.network[i]:
            yield Receive(i, s.network[i][0]), self.receive(s, i)

    def goto(self, s: State, i: int, label: str) -> State:
        return s._replace(pc=_with(s.pc, i, label))

    def send(self, network: tuple, to: int, message: Message) -> tuple:
        """send_msg(to, msg): network[to] := Append(network[to], msg)."""
        return _with(network, to, network[to] + (message,))

    def campaign(self, s: State, i: int, to: int) -> State:
        """campaign(): become a pre-candidate and send MsgPreVote for term + 1
        (UsePreVote), else become a candidate and send MsgVote, to `to`."""
        raft = s.raft[i]
        if self.UsePreVote:
            raft = raft._replace(state=PRE_CANDIDATE, lead=None, vote_resps=frozenset({i}))
            message = Message(PRE_VOTE, i, raft.term + 1)
        else:
            raft = self.become_candidate(raft, i)
            message = Message(VOTE, i, raft.term)
        return s._replace(raft=_with(s.raft, i, raft), network=self.send(s.network, to, message))

    def become_candidate(self, raft: Raft, i: int) -> Raft:
        return raft._replace(state=CANDIDATE, term=raft.term + 1, vote=i, lead=None,
                             vote_resps=frozenset({i}))

    def restart(self, s: State, i: int) -> State:
        """restart(): a follower with nothing but its persistent term and vote."""
        raft = s.raft[i]
        return s._replace(raft=_with(s.raft, i, Raft(term=raft.term, vote=raft.vote)))

    def receive(self, s: State, i: int) -> State:
        """Take the head of network[self] into msg and apply its term."""
        m, raft = s.network[i][0], s.raft[i]
        s = s._replace(network=_with(s.network, i, s.network[i][1:]), msg=_with(s.msg, i, m))
        if m.term > raft.term:
            if m.type in (VOTE, PRE_VOTE) and raft.lead is not None:
                if m.type == VOTE:
                    raft = self.become_follower(raft, m.term, None)
            elif m.type == PRE_VOTE or (m.type == PRE_VOTE_RESP and not m.reject):
                pass
            else:
                raft = self.become_follower(raft, m.term, m.src if m.type == APP else None)
            label = "RecvMessage"
        elif m.term < raft.term:
            label = "RecvMessage" if m.type == APP else "TickLoop"
        else:
            label = "RecvMessage"
        return self.goto(s._replace(raft=_with(s.raft, i, raft)), i, label)

    def become_follower(self, raft: Raft, term: int, lead: int | None) -> Raft:
        if raft.term != term:
            return raft._replace(state=FOLLOWER, term=term, vote=None, lead=lead)
        return raft._replace(state=FOLLOWER, lead=lead)

    def grants(self, raft: Raft, m: Message) -> bool:
        """canVote: a repeat of the vote cast, no vote and no leader yet, or a
        MsgPreVote for a future term."""
        return (raft.vote == m.src or (raft.vote is None and raft.lead is None)
                or (m.type == PRE_VOTE and m.term > raft.term))

    def recv_message(self, s: State, i: int) -> State:
        """RecvMessage: handle msg by its type."""
        m, raft, network = s.msg[i], s.raft[i], s.network
        label, can_vote = "TickLoop", s.can_vote[i]
        if m.type in (VOTE, PRE_VOTE):
            can_vote = self.grants(raft, m)
            response = PRE_VOTE_RESP if m.type == PRE_VOTE else VOTE_RESP
            network = self.send(network, m.src, Message(response, i, raft.term, not can_vote))
            if can_vote and m.type == VOTE:
                raft = raft._replace(vote=m.src)
        elif m.type in (VOTE_RESP, PRE_VOTE_RESP):
            if self.counts(raft, m):
                raft = raft._replace(vote_resps=raft.vote_resps | {m.src})
                if self.is_quorum(raft.vote_resps):
                    label = "WonPreElection" if raft.state == PRE_CANDIDATE else "WonElection"
        elif m.type == APP:
            network = self.send(network, m.src, Message(APP_RESP, i, raft.term,
                                                        m.term < raft.term))
        elif m.type == APP_RESP:
            if not m.reject and raft.state == LEADER:
                resps = raft.app_resps | {m.src}
                raft = raft._replace(app_resps=resps, appended=self.is_quorum(resps))
                if raft.appended:
                    label = "Appended"
        return State(raft=_with(s.raft, i, raft), network=network, pc=_with(s.pc, i, label),
                     can_vote=_with(s.can_vote, i, can_vote), msg=s.msg)

    def counts(self, raft: Raft, m: Message) -> bool:
        """An unrejected response of the node's phase: MsgVoteResp to a
        candidate, MsgPreVoteResp to a pre-candidate."""
        return not m.reject and ((raft.state == CANDIDATE and m.type == VOTE_RESP)
                                 or (raft.state == PRE_CANDIDATE and m.type == PRE_VOTE_RESP))

    def won_pre_election(self, s: State, i: int, to: int) -> State:
        """WonPreElection: become_candidate() and send MsgVote to `to`."""
        raft = self.become_candidate(s.raft[i], i)
        return State(raft=_with(s.raft, i, raft),
                     network=self.send(s.network, to, Message(VOTE, i, raft.term)),
                     pc=_with(s.pc, i, "TickLoop"), can_vote=s.can_vote, msg=s.msg)

    def won_election(self, s: State, i: int, to: int | None) -> State:
        """WonElection: become_leader(); with SendMsgApp, MsgApp to `to`."""
        raft = s.raft[i]._replace(state=LEADER, lead=i, app_resps=frozenset({i}),
                                  appended=False)
        network = s.network
        if to is not None:
            network = self.send(network, to, Message(APP, i, raft.term))
        return State(raft=_with(s.raft, i, raft), network=network,
                     pc=_with(s.pc, i, "TickLoop"), can_vote=s.can_vote, msg=s.msg)

    def stutters(self, s: State) -> bool:
        """Terminating: every process Done, UNCHANGED vars."""
        return all(label == "Done" for label in s.pc)

    # -- properties --------------------------------------------------------------------

    @invariant("Leader Exclusivity")
    def leader_exclusivity(self, s: State):
        """LeaderExclusivity: \\A i, j : raft[i].term = raft[j].term /\\
        raft[i].lead /= 0 /\\ raft[j].lead /= 0 => raft[i].lead = raft[j].lead."""
        for i, j in permutations(self.everyone, 2):
            a, b = s.raft[i], s.raft[j]
            if (a.term == b.term and a.lead is not None and b.lead is not None
                    and a.lead != b.lead):
                return Fails(f"n{i + 1} and n{j + 1} at term {a.term} know different "
                             f"leaders n{a.lead + 1} and n{b.lead + 1}")
        return True

    @invariant("Raft State Invariant")
    def raft_state_invariant(self, s: State):
        """RaftStateInvariant: each node's state, term (0..Terms), vote and lead."""
        for i, raft in enumerate(s.raft):
            if raft.state not in RAFT_STATES or not 0 <= raft.term <= self.Terms:
                return Fails(f"n{i + 1} is {raft.state} at term {raft.term}, past "
                             f"Terms = {self.Terms}")
            if any(x is not None and x not in self.everyone for x in (raft.vote, raft.lead)):
                return Fails(f"n{i + 1} names no node in its vote or lead")
        return True

    @invariant("Raft Msg Invariant")
    def raft_msg_invariant(self, s: State):
        """RaftMsgInvariant: \\A j \\in 1..(Len(network[i])-1): type, from and
        term (0..Terms) of every message in flight but the last to each node."""
        for i, queue in enumerate(s.network):
            for m in queue[:-1]:
                if (m.type not in MSG_TYPES or m.src not in self.everyone
                        or not 0 <= m.term <= self.Terms):
                    return Fails(f"{show(m)} to n{i + 1} has term {m.term}, past "
                                 f"Terms = {self.Terms}")
        return True


    @reachable("Leader Elected", default=False)
    def leader_elected(self, s: State):
        """Ours, a vacuity check: some node is StateLeader. Never on four
        nodes or more: a candidate asks one node (the ``with``), and one vote
        besides its own is a quorum of three at most."""
        return any(raft.state == LEADER for raft in s.raft)

    @transition("Leader Not Deposed", default=False)
    def leader_not_deposed(self, s: State, action, t: State):
        """Ours, for the Pre-Vote claim (a node campaigning while a leader
        leads does not depose it): a leader leaves StateLeader only at its
        own term (a restart), never for a higher term. In TLA+:
        ``[][\\A i : raft[i].state = StateLeader /\\ raft'[i].state #
        StateLeader => raft'[i].term = raft[i].term]_vars``."""
        for i, (before, after) in enumerate(zip(s.raft, t.raft)):
            if before.state == LEADER and after.state != LEADER and after.term != before.term:
                return Fails(f"leader n{i + 1} of term {before.term} is deposed for term "
                             f"{after.term}")
        return True

    @eventually("Termination")
    def termination(self, s: State):
        """The translation's Termination: <>(\\A self \\in ProcSet : pc[self] =
        "Done"), under its fairness \\A self : WF_vars(node(self))."""
        return all(label == "Done" for label in s.pc)


# -- mutants: each overrides one handler (``RaftLeader(mutant=name)``) ------------------


@RaftLeader.mutant(
    "vote_twice",
    "canVote without its 'vote = 0' conjunct: a node with no leader grants "
    "its vote in a term it already voted in, to another candidate "
    "→ Leader Exclusivity")
class VoteTwice(RaftLeader):
    """canVote loses ``raft[self].vote = 0``: a node that knows no leader
    grants a second vote in the term, to another candidate."""

    def grants(self, raft: Raft, m: Message) -> bool:
        return (raft.vote == m.src or raft.lead is None
                or (m.type == PRE_VOTE and m.term > raft.term))


@RaftLeader.mutant(
    "restart_forgets_vote",
    "restart() keeps the term but not the vote (a vote not made "
    "durable before it is sent) → Leader Exclusivity")
class RestartForgetsVote(RaftLeader):
    """restart() keeps the term but resets the vote: the vote was not
    persistent."""

    def restart(self, s: State, i: int) -> State:
        return s._replace(raft=_with(s.raft, i, Raft(term=s.raft[i].term)))


@RaftLeader.mutant(
    "pre_vote_elects",
    "a pre-candidate with a quorum of pre-votes leads term + 1 at once, "
    "without the real election (a pre-vote binds no voter) "
    "→ Leader Exclusivity")
class PreVoteElects(RaftLeader):
    """WonPreElection becomes leader of term + 1 at once (become_leader()
    right after become_candidate()), as if the pre-votes were votes; it
    still sends its MsgVote."""

    def won_pre_election(self, s: State, i: int, to: int) -> State:
        won = super().won_pre_election(s, i, to)
        raft = won.raft[i]._replace(state=LEADER, lead=i, app_resps=frozenset({i}),
                                    appended=False)
        return won._replace(raft=_with(won.raft, i, raft))


@RaftLeader.mutant(
    "campaign_past_terms",
    "CanCampaign without 'term < Terms': a follower at the last "
    "term campaigns again → Raft State Invariant")
class CampaignPastTerms(RaftLeader):
    """CanCampaign without ``raft[i].term < Terms``."""

    def can_campaign(self, raft: Raft) -> bool:
        return raft.state == FOLLOWER


@RaftLeader.mutant(
    "pre_vote_past_terms",
    "with UsePreVote, CanCampaign allows term = Terms: the "
    "MsgPreVote asks for Terms + 1 → Raft Msg Invariant (which "
    "never reads a sequence's last message)")
class PreVotePastTerms(RaftLeader):
    """CanCampaign with ``raft[i].term <= Terms``: a follower at the last
    term pre-campaigns for Terms + 1."""

    def can_campaign(self, raft: Raft) -> bool:
        return raft.term <= self.Terms and raft.state == FOLLOWER

