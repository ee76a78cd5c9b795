"""What Raft's liveness needs beyond raft.tla: terms renumbered, election
timers with a timing assumption, a cluster without faults, and the
temporal property "a client request is eventually committed". A mixin of
`models.raft.Raft`; each is a parameter, and every default is raft.tla's.

**Terms renumbered** (``terms: relative``). raft.tla's terms grow without
bound, so a behaviour that elects forever (split votes, a follower that
keeps deposing the leader) never closes a cycle: it only runs into
``max_term``, which settles nothing. Raft reads terms only by comparing
them (``<``, ``=``, ``>``) and by adding 1 to one (Timeout, PreVote); 0
stands for "no entry" (the last log term of an empty log, the previous
entry before index 1), and a server starts in term 1. Adding the same
number to every term of a state (every server's current_term, every log
entry's term, every term a message carries, 0 left as it is) therefore
maps the steps of a state onto the steps of the shifted state, one for one,
with the same actions up to the terms they carry: the shift is a
bisimulation. `renumber_terms` takes every state to the representative of
its class, the shift whose lowest term is 1, so that a state where every
term moved up by one *is* the state before: endless elections become real
cycles of a finite graph. It changes state identity (counts differ from
raft.tla's), hence a parameter; ``max_term`` then bounds the spread of the
terms of a state (highest - lowest + 1), not the terms themselves.

What stays sound, and why: a property preserved by the shift is checked
exactly on the quotient (safety and temporal ones alike: a bisimulation
quotient keeps every path, and a lasso of the quotient unrolls into a
behaviour of the model whose states are shifted copies). Raft's properties
compare terms of one state with each other, so they are preserved; those
that compare a state with the starting configuration of an ``init:`` block
(absolute terms) are not, so ``init:`` is refused with relative terms.
Fairness is preserved for families whose actions carry no term
(``Timeout``, ``RequestVote(*)``, ``BecomeLeader``, ``AppendEntries(*)``,
and ``Receive`` as a whole); per message (``Receive(*)``) a message is
named by its renumbered terms, which is not one message of the unshifted
run, so fairness to ``Receive(*)`` is refused (`renumbered_actions`) and
liveness specs with relative terms use ``Receive``.

**Election timers** (``timeouts``). raft.tla lets any Follower or
Candidate time out at any moment, which is how split votes and disruptive
elections can repeat forever. Real clusters rely on timing: randomized
timeouts make one server's timer fire first, and an election timeout
outlasts a round trip. ``timeouts: {servers: [1], round_trip: true}``
says both: only the listed servers' timers fire (the others' are longer:
``[1]`` is the distinguished-timeout assumption), and a Candidate's only
once every server has answered it and its votes are no quorum (it heard
everyone, lost, and only then times out; with a quorum it becomes leader
first). Each is a guard on ``Timeout(i)`` read from i's own record. A
server cut off from i for good (a spec's ``partition:`` down from the
start with ``heals: false``) never answers, and the timer does not wait
for it: "everyone" is every server i can reach. (Under a partition that
may heal, the timer waits for every server: which side a server is on
then depends on the network, which a handler does not read.)

**A server cut off for good** whose timer never fires never changes: no
message reaches it, none of its own arrives, no step of its own is
enabled. Its record is then left out of the renumbering (`_setup_reach`):
its term, compared with nothing, would otherwise stay the lowest for ever
and pin the others' terms, so endless elections among the rest would not
close a cycle. Shifting the others' terms alone is still a bisimulation,
as no step reads the frozen term. The properties: that term, 1, is at
most every other term, in the model and (the lowest renumbered term being
1) in the quotient alike; Raft's properties compare a frozen server's term
only as "above" or "at most" another, which the shift keeps (only
``no_disruptive_rejoin`` asks whether a term is at least another's: those
of the servers not cut off, against a message's from one cut off, and a
frozen server is cut off and sends nothing).
The five-node exercise's split vote (``specs/raft-liveness-split-vote.yaml``:
E cut off) needs it.

**No faults** (``faults: false``): no Restart, DropMessage or
DuplicateMessage, a connected cluster whose servers stay up ("a quorum
that is connected", where liveness is promised). Fairness cannot say this:
it makes steps happen, it never stops a fault from happening.
"""

from __future__ import annotations

from typing import Any

from checker import ParamError, leads_to
from models.raft.records import (CANDIDATE, LEADER, AppendEntriesRequest,
                                 AppendEntriesResponse, RequestVoteRequest, RequestVoteResponse,
                                 ServerState)

TERMS_SCHEMA = {"enum": ["absolute", "relative"]}
_SERVERS = {"type": "array", "uniqueItems": True, "minItems": 1,
            "items": {"type": "integer", "minimum": 1, "maximum": 9}}
#: {servers: [1], round_trip: true}, or the servers alone ([1], as raft-kv's
#: timeouts are given)
TIMEOUTS_SCHEMA = {
    "type": ["object", "array", "null"], "additionalProperties": False,
    "properties": {"servers": _SERVERS, "round_trip": {"type": "boolean"}},
    **{key: value for key, value in _SERVERS.items() if key != "type"}}


class RaftLiveness:
    def _setup_liveness(self) -> None:
        """The timers' rule and the renumbering, from the parameters."""
        rule = ({"servers": self.timeouts} if isinstance(self.timeouts, list)
                else self.timeouts or {})
        servers = rule.get("servers")
        if servers is not None and max(servers) > self.servers:
            raise ParamError("params.timeouts" + ("" if isinstance(self.timeouts, list)
                                                  else ".servers"), f"names a server above "
                             f"s{self.servers}; the servers are s1..s{self.servers}")
        #: the servers whose election timer may fire (None: every server)
        self.timed = None if servers is None else frozenset(k - 1 for k in servers)
        self.round_trip = bool(rule.get("round_trip"))
        if self.terms == "relative" and self.init is not None:
            raise ParamError("params.terms", "relative terms forget how far terms moved "
                             "since the start, which the init: block's properties read; "
                             "remove init: or use terms: absolute")
        #: no Restart, DropMessage, DuplicateMessage: the bag's fault budget
        self.message_faults = None if self.faults else 0
        #: the actions whose arguments renumbering changes (`checker.liveness`
        #: refuses fairness to each of their instances apart), and why
        self.quotient = self.terms == "relative"  # a Timeout may renumber to itself
        self.renumbered_actions = {} if self.terms == "absolute" else dict.fromkeys(
            ("Receive", "DropMessage", "DuplicateMessage"),
            "terms are renumbered (terms: relative) while a message is in flight")

    def _setup_reach(self) -> None:
        """Who can never hear whom, from the network's partition (once the
        network is built): the servers across links down from the start
        that never heal (``partition: {..., heals: false}``)."""
        partition = self.network.partition
        n = self.servers
        #: for each server, the servers it can never exchange a message with
        self.unreachable = tuple(frozenset() for _ in range(n))
        if partition is not None and partition.from_start and not partition.heals:
            self.unreachable = tuple(frozenset(
                j for j in range(n)
                if frozenset({("servers", i), ("servers", j)}) in partition.links)
                for i in range(n))
        #: the servers whose record never changes: cut off from every other
        #: for good, and their timer never fires (nothing reaches them and
        #: nothing else enables them); their terms are left out of renumbering
        self.frozen = frozenset(i for i in range(n) if len(self.unreachable[i]) == n - 1
                                and self.timed is not None and i not in self.timed)
        #: the servers whose terms are renumbered
        self.shifted = tuple(i for i in range(n) if i not in self.frozen)

    def timer_fires(self, node: Any, s: ServerState) -> bool:
        """Whether server ``node.id``'s election timer may fire in record
        `s` (`timeouts`): it is one of the timed servers, and, with
        ``round_trip``, a Candidate has heard from every server it can
        reach and lost (a server cut off for good never answers, and the
        timer does not wait for it)."""
        if self.timed is not None and node.id not in self.timed:
            return False
        if self.round_trip and s.role == CANDIDATE:
            return (s.votes_responded >= frozenset(node.peers(s)) - self.unreachable[node.id]
                    and not node.is_quorum(s, s.votes_granted))
        return True

    # -- terms renumbered -------------------------------------------------------------------

    def renumbered(self, successors: Any) -> Any:
        """`successors` with every next state renumbered (`renumber_terms`)."""
        renumber = self.renumber_terms

        def steps(state: tuple) -> list:
            return [(action, renumber(next_state)) for action, next_state in successors(state)]
        return steps

    def renumber_terms(self, state: tuple) -> tuple:
        """`state` with every term lowered by the same amount so that its
        lowest term is 1 (0, "no entry", stays 0); a frozen server's record
        (`_setup_reach`) is left as it is (the module docstring says why)."""
        servers = state[:-1]
        frozen = self.frozen
        lowest = min(_lowest_term(servers[i]) for i in self.shifted)
        net = state[-1]
        for component in self.network.parts(net):
            for m, _ in component:
                lowest = min(lowest, _message_lowest(m))
        if lowest == 1:
            return state
        down = lowest - 1
        intern = self._intern

        def message(m: Any) -> Any:
            return intern(_shift_message(m, down))

        servers = (tuple(s if i in frozen else intern(_shift_server(s, down))
                         for i, s in enumerate(servers)) if frozen
                   else tuple(intern(_shift_server(s, down)) for s in servers))
        net = self.network.rename(net, lambda item: self.network.rename_component(
            item[1], message))
        return servers + (net,)

    # -- the temporal property ----------------------------------------------------------------

    @leads_to("Client Request Committed")
    def request_committed(self, state: tuple) -> tuple[bool, bool]:
        """Whenever a Leader holds a client request (value v1) as an entry of
        its current term that it has not committed, some server later holds
        v1 committed. The value names the request, so specs give
        ``values: 1`` (more values behave alike)."""
        servers = state[:-1]
        accepted = any(s.role == LEADER and s.commit_index < k and term == s.current_term
                       and value == 0 for s in servers
                       for k, (term, value) in enumerate(s.log, 1))
        committed = any(value == 0 for s in servers for _, value in s.log[:s.commit_index])
        return accepted, committed


def _lowest_term(s: ServerState) -> int:
    return min(s.current_term, min((term for term, _ in s.log), default=s.current_term))


def _message_lowest(m: Any) -> int:
    terms = [m.term]
    if type(m) is RequestVoteRequest and m.last_log_term:
        terms.append(m.last_log_term)
    elif type(m) is AppendEntriesRequest:
        if m.prev_log_term:
            terms.append(m.prev_log_term)
        terms += [term for term, _ in m.entries]
    return min(terms)


def _shift_server(s: ServerState, down: int) -> ServerState:
    return s._replace(current_term=s.current_term - down,
                      log=tuple((term - down, value) for term, value in s.log))


def _shift_message(m: Any, down: int) -> Any:
    kind = type(m)
    if kind is RequestVoteRequest:
        return m._replace(term=m.term - down, last_log_term=m.last_log_term and
                          m.last_log_term - down)
    if kind is AppendEntriesRequest:
        return m._replace(term=m.term - down, prev_log_term=m.prev_log_term and
                          m.prev_log_term - down,
                          entries=tuple((term - down, value) for term, value in m.entries))
    if kind in (RequestVoteResponse, AppendEntriesResponse):
        return m._replace(term=m.term - down)
    raise TypeError(f"no terms known in {kind.__name__}")
