"""Slush, the simplest of the Avalanche family's probabilistic consensus
protocols, written as a user would from Slush.tla of the TLA+ examples
(Andrew Helwer; specifications/SlushProtocol, tlaplus/Examples 32a32c7): a
plain `checker.Model`, one action per label of the PlusCal translation.

Each node n_i hosts two processes, its loop l_i and its query process q_i
(HostMapping's triples {n_i, l_i, q_i}), and shares its colour ``pick[n_i]``
(Red, Blue or NoColor, here None) between them; a process is written as its
node (``self=n1`` for l1 or q1: the action's name says which process). A
client process colours nodes until none is uncoloured. A node's loop, once
its node has a colour, runs SlushIterationCount rounds: it sends a query
carrying its colour to SampleSetSize query processes of other nodes, waits
for a reply from each, and takes Red (or else Blue) when at least
PickFlipThreshold replies carry it. A query process answers a query with its
node's colour, first taking the query's colour if its node has none. A loop
that is done sends a termination message; the query processes stop once the
message set holds every termination message and nothing else (``Terminate
== message = TerminationMessage``).

Variables as the spec names them: ``pick``, ``pc`` (split by process:
``query_pc``, ``loop_pc`` by node, ``client_pc``), ``sampleSet`` and
``loopVariant`` by node. The one set ``message`` is held as one frozenset
per message type, as the kit's networks hold it: `QueryMessage` and
`QueryReplyMessage` records (src, dst and color), and the loops whose
`TerminationMessage` was sent.

Why a plain model and not the kit: the kit's networks deliver one message
per step, and a step here removes several (TallyQueryReplies: ``message \\
{msg \\in message : msg.type = QueryReplyMessageType /\\ msg.src \\in
sampleSet /\\ msg.dst = self}``, every reply of the round at once); the
query processes' guard ``Terminate`` reads the whole message set (no query
and no reply in flight to anyone, every loop's termination message sent);
and the client process writes any node's ``pick``, which the kit would hold
as a global read by every handler.

Action by action, in Next's order (ClientRequest, the query processes, the
loops, then Terminating), each witness of an existential yielded, so that
the generated states are TLC's: ClientRequestLoop and AssignColorToNode(
node, color) (every node and colour, a coloured node left as it is);
QueryReplyLoop, WaitForQueryMessageOrTermination, RespondToQueryMessage(
msg) (one per pending query); RequireColorAssignment, ExecuteSlushLoop,
QuerySampleSet(sample) (one per sample of SampleSetSize other nodes),
TallyQueryReplies, SlushLoopTermination; and Terminating, the translation's
stutter once every process is Done (so no state deadlocks, as in TLC with
the translation).

Properties: the cfg's TypeInvariant (``pick \\in [Node -> Color \\cup
{NoColor}]``, ``message \\subseteq Message``), and the spec's Termination,
``<>(\\A self \\in ProcSet : pc[self] = "Done")``, which is in no cfg: the
spec has no fairness (``Spec == Init /\\ [][Next]_vars``), so a run may
stop anywhere and TLC finds it violated at once; the tests check it under
a spec's fairness too (the process-by-process weak fairness of ``fair
process``, and ``WF_vars(Next)``), as TLC does with those conjuncts added.
Three more, ours, not in the spec, each a fact of its text that a mutant
breaks: NoSelfQuery (a loop samples other nodes only: ``otherNodes ==
Node \\ {HostOf[self]}``), FlipOnThreshold (a step that changes a node's
colour from one colour to the other consumes at least PickFlipThreshold
replies of the new one) and ReplyOwnColor (a reply carries its node's
colour), all of which TLC checks as written in the tests.

Symmetry (none in the cfgs): the nodes are interchangeable, each renamed
with its loop and query processes (the set ``nodes``, derived from State's
types by the kit's `Symmetric`); TLC agrees with a SYMMETRY set of the
permutations of Node extended to the processes by HostMapping (the tests
give it).

Where this port differs from the text: a process is named by its node;
NoColor is None; the message set is split by type; and a SampleSetSize
larger than the other nodes is refused (`setup`), where the spec would let
every loop wait in QuerySampleSet for ever (no sample of that size).
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from checker import Fails, Model, Param, eventually, invariant, transition
from checker.errors import ParamError
from models.kit import Symmetric, ids, indexed_by

Nd = ids("nodes", "n", first=1, named=True)   # Node; l_i and q_i are n_i's

RED, BLUE = "Red", "Blue"
COLOR = (BLUE, RED)          # Color == {Red, Blue}, in TLC's order of strings
NO_COLOR = None              # NoColor


class QueryMessage(NamedTuple):
    """[type |-> QueryMessageType, src |-> l_src, dst |-> q_dst, color]."""

    src: Nd
    dst: Nd
    color: str | None


class QueryReplyMessage(NamedTuple):
    """[type |-> QueryReplyMessageType, src |-> q_src, dst |-> l_dst, color]."""

    src: Nd
    dst: Nd
    color: str | None


class State(NamedTuple):
    pick: indexed_by(Nd, str | None)
    query_pc: indexed_by(Nd, str)              # pc[q_i]
    loop_pc: indexed_by(Nd, str)               # pc[l_i]
    sample_set: indexed_by(Nd, frozenset[Nd])  # sampleSet[l_i], query processes by node
    loop_variant: indexed_by(Nd, int)          # loopVariant[l_i]
    client_pc: str                             # pc["ClientRequest"]
    queries: frozenset[QueryMessage]           # message's QueryMessages
    replies: frozenset[QueryReplyMessage]      # message's QueryReplyMessages
    terminated: frozenset[Nd]                  # l_i whose TerminationMessage is in message


class ClientRequestLoop(NamedTuple):
    pass


class AssignColorToNode(NamedTuple):
    node: Nd
    color: str


class QueryReplyLoop(NamedTuple):
    self: Nd


class WaitForQueryMessageOrTermination(NamedTuple):
    self: Nd


class RespondToQueryMessage(NamedTuple):
    self: Nd
    msg: QueryMessage


class RequireColorAssignment(NamedTuple):
    self: Nd


class ExecuteSlushLoop(NamedTuple):
    self: Nd


class QuerySampleSet(NamedTuple):
    self: Nd
    sample: frozenset[Nd]


class TallyQueryReplies(NamedTuple):
    self: Nd


class SlushLoopTermination(NamedTuple):
    self: Nd


class Terminating(NamedTuple):
    pass


class Slush(Symmetric, Model):
    name = "slush"
    summary = "Slush, the Avalanche family's probabilistic consensus (Slush.tla)"
    params = (
        Param("nodes", 3, "nodes, each with a loop and a query process", minimum=1,
              maximum=6),
        Param("iterations", 1, "SlushIterationCount: rounds of each loop", minimum=0),
        Param("sample_size", 2, "SampleSetSize: query processes sampled each round",
              minimum=0),
        Param("threshold", 2, "PickFlipThreshold: replies of one colour that flip a pick",
              minimum=0),
    )
    actions = (ClientRequestLoop, AssignColorToNode, QueryReplyLoop,
               WaitForQueryMessageOrTermination, RespondToQueryMessage,
               RequireColorAssignment, ExecuteSlushLoop, QuerySampleSet, TallyQueryReplies,
               SlushLoopTermination, Terminating)
    state_type = State
    symmetry_sets = ("nodes",)   # not in the cfgs: the nodes are interchangeable

    def setup(self):
        super().setup()
        if self.sample_size > self.nodes - 1:
            raise ParamError("params.sample_size", f"must be at most nodes - 1 "
                             f"({self.nodes - 1}): a loop samples other nodes only, and "
                             f"with no sample of {self.sample_size} it never gets past "
                             "QuerySampleSet")

    # -- Init ------------------------------------------------------------------------------

    def initial_states(self):
        n = self.nodes
        yield State(pick=(NO_COLOR,) * n, query_pc=("QueryReplyLoop",) * n,
                    loop_pc=("RequireColorAssignment",) * n, sample_set=(frozenset(),) * n,
                    loop_variant=(0,) * n, client_pc="ClientRequestLoop",
                    queries=frozenset(), replies=frozenset(), terminated=frozenset())

    # -- Next ------------------------------------------------------------------------------

    def terminate(self, s: State) -> bool:
        """``Terminate == message = TerminationMessage``."""
        return not s.queries and not s.replies and len(s.terminated) == self.nodes

    def successors(self, s: State):
        yield from self.client_request(s)
        for i in range(self.nodes):
            yield from self.slush_query(s, i)
        for i in range(self.nodes):
            yield from self.slush_loop(s, i)
        if self.done(s):
            yield Terminating(), s

    def done(self, s: State) -> bool:
        """``\\A self \\in ProcSet : pc[self] = "Done"``."""
        return (s.client_pc == "Done" and all(pc == "Done" for pc in s.query_pc)
                and all(pc == "Done" for pc in s.loop_pc))

    def client_request(self, s: State):
        if s.client_pc == "ClientRequestLoop":
            more = any(p is NO_COLOR for p in s.pick)
            yield ClientRequestLoop(), s._replace(
                client_pc="AssignColorToNode" if more else "Done")
        elif s.client_pc == "AssignColorToNode":
            for node in range(self.nodes):
                for color in COLOR:
                    pick = s.pick if s.pick[node] is not NO_COLOR else _with(s.pick, node, color)
                    yield (AssignColorToNode(Nd(node), color),
                           s._replace(pick=pick, client_pc="ClientRequestLoop"))

    def slush_query(self, s: State, i: int):
        pc = s.query_pc[i]
        if pc == "QueryReplyLoop":
            yield QueryReplyLoop(Nd(i)), s._replace(query_pc=_with(
                s.query_pc, i, "Done" if self.terminate(s) else
                "WaitForQueryMessageOrTermination"))
        elif pc == "WaitForQueryMessageOrTermination":
            pending = any(m.dst == i for m in s.queries)
            if pending or self.terminate(s):
                yield WaitForQueryMessageOrTermination(Nd(i)), s._replace(query_pc=_with(
                    s.query_pc, i, "QueryReplyLoop" if self.terminate(s) else
                    "RespondToQueryMessage"))
        elif pc == "RespondToQueryMessage":
            for msg in sorted(m for m in s.queries if m.dst == i):
                color, reply = self.respond_to_query_message(s.pick[i], msg)
                yield RespondToQueryMessage(Nd(i), msg), s._replace(
                    pick=_with(s.pick, i, color), query_pc=_with(s.query_pc, i, "QueryReplyLoop"),
                    queries=s.queries - {msg}, replies=s.replies | {reply})

    def respond_to_query_message(self, pick, msg: QueryMessage):
        """``color = IF Pick(self) = NoColor THEN msg.color ELSE Pick(self)``:
        the node's new pick and the reply carrying it."""
        color = msg.color if pick is NO_COLOR else pick
        return color, QueryReplyMessage(src=msg.dst, dst=msg.src, color=color)

    def slush_loop(self, s: State, i: int):
        pc = s.loop_pc[i]
        if pc == "RequireColorAssignment":
            if s.pick[i] is not NO_COLOR:
                yield RequireColorAssignment(Nd(i)), s._replace(
                    loop_pc=_with(s.loop_pc, i, "ExecuteSlushLoop"))
        elif pc == "ExecuteSlushLoop":
            more = s.loop_variant[i] < self.iterations
            yield ExecuteSlushLoop(Nd(i)), s._replace(loop_pc=_with(
                s.loop_pc, i, "QuerySampleSet" if more else "SlushLoopTermination"))
        elif pc == "QuerySampleSet":
            for sample in self.possible_sample_sets(i):
                sent = frozenset(QueryMessage(src=i, dst=j, color=s.pick[i]) for j in sample)
                yield QuerySampleSet(Nd(i), sample), s._replace(
                    sample_set=_with(s.sample_set, i, sample), queries=s.queries | sent,
                    loop_pc=_with(s.loop_pc, i, "TallyQueryReplies"))
        elif pc == "TallyQueryReplies":
            mine = [m for m in s.replies if m.dst == i and m.src in s.sample_set[i]]
            if {m.src for m in mine} == s.sample_set[i]:
                red = sum(1 for m in mine if m.color == RED)
                blue = sum(1 for m in mine if m.color == BLUE)
                yield TallyQueryReplies(Nd(i)), s._replace(
                    pick=_with(s.pick, i, self.tally(s.pick[i], red, blue)),
                    replies=s.replies - frozenset(mine),
                    sample_set=_with(s.sample_set, i, frozenset()),
                    loop_variant=_with(s.loop_variant, i, s.loop_variant[i] + 1),
                    loop_pc=_with(s.loop_pc, i, "ExecuteSlushLoop"))
        elif pc == "SlushLoopTermination":
            yield SlushLoopTermination(Nd(i)), s._replace(
                terminated=s.terminated | {i}, loop_pc=_with(s.loop_pc, i, "Done"))

    def possible_sample_sets(self, i: int):
        """``{pidSet \\in SUBSET otherQueryProcesses : Cardinality(pidSet) =
        SampleSetSize}``, the query processes of the nodes other than i's."""
        others = [j for j in range(self.nodes) if j != i]
        return [frozenset(c) for c in combinations(others, self.sample_size)]

    def tally(self, pick, red: int, blue: int):
        """``IF redTally >= PickFlipThreshold THEN Red ELSIF blueTally >=
        PickFlipThreshold THEN Blue ELSE`` the pick unchanged."""
        if red >= self.threshold:
            return RED
        if blue >= self.threshold:
            return BLUE
        return pick

    # -- properties --------------------------------------------------------------------------

    @invariant("TypeInvariant")
    def type_invariant(self, s: State):
        """``pick \\in [Node -> Color \\cup {NoColor}]`` and ``message
        \\subseteq Message``: every message's colour a colour."""
        for m in sorted(s.queries) + sorted(s.replies):
            if m.color not in COLOR:
                return Fails(f"{type(m).__name__} {Nd.name_of(m.src)}→{Nd.name_of(m.dst)} "
                             f"carries {m.color or 'NoColor'}, which is no Color")
        return True

    @invariant("NoSelfQuery")
    def no_self_query(self, s: State):
        """Ours: a loop queries other nodes only (``otherNodes == Node \\
        {HostOf[self]}``)."""
        for m in sorted(s.queries):
            if m.src == m.dst:
                return Fails(f"l{m.src + 1} queries its own node's q{m.dst + 1}")
        return True

    @transition("FlipOnThreshold")
    def flip_on_threshold(self, s: State, action, t: State):
        """Ours: a node's colour changes from one colour to the other only in a
        step consuming at least PickFlipThreshold replies to its loop of the
        new colour."""
        for i in range(self.nodes):
            if s.pick[i] is NO_COLOR or s.pick[i] == t.pick[i]:
                continue
            votes = sum(1 for m in s.replies - t.replies if m.dst == i and m.color == t.pick[i])
            if votes < self.threshold:
                return Fails(f"n{i + 1} flipped from {s.pick[i]} to {t.pick[i]} on {votes} "
                             f"{t.pick[i]} replies (PickFlipThreshold = {self.threshold})")
        return True

    @transition("ReplyOwnColor")
    def reply_own_color(self, s: State, action, t: State):
        """Ours: a reply carries the replying node's colour, as it is once the
        reply is sent (``color = IF Pick(self) = NoColor THEN msg.color ELSE
        Pick(self)``, which is also the node's new pick)."""
        for m in sorted(t.replies - s.replies):
            if m.color != t.pick[m.src]:
                return Fails(f"q{m.src + 1} replied {m.color} to l{m.dst + 1}, its node's "
                             f"colour being {t.pick[m.src]}")
        return True

    @eventually("Termination")
    def termination(self, s: State):
        """``<>(\\A self \\in ProcSet : pc[self] = "Done")``."""
        return self.done(s)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


# -- mutants: each a subclass overriding one method (``Slush(mutant=name)``) -------------


@Slush.mutant(
    "reply_with_own_pick",
    "RespondToQueryMessage answers with its node's pick, ``color = Pick(self)``, "
    "without first taking the query's colour when it has none: an uncoloured "
    "node replies NoColor → TypeInvariant")
class ReplyWithOwnPick(Slush):
    def respond_to_query_message(self, pick, msg: QueryMessage):
        return pick, QueryReplyMessage(src=msg.dst, dst=msg.src, color=pick)  # the bug


@Slush.mutant(
    "sample_includes_self",
    "QuerySampleSet samples from every node's query process, ``otherNodes == "
    "Node``, its own node's too → NoSelfQuery")
class SampleIncludesSelf(Slush):
    def possible_sample_sets(self, i: int):
        return [frozenset(c) for c in combinations(range(self.nodes), self.sample_size)]


@Slush.mutant(
    "flip_below_threshold",
    "TallyQueryReplies flips on one vote fewer than PickFlipThreshold, "
    "``redTally >= PickFlipThreshold - 1`` and so for blue → FlipOnThreshold")
class FlipBelowThreshold(Slush):
    def tally(self, pick, red: int, blue: int):
        if red >= self.threshold - 1:
            return RED
        if blue >= self.threshold - 1:
            return BLUE
        return pick


@Slush.mutant(
    "reply_with_query_color",
    "RespondToQueryMessage echoes the query's colour, ``color |-> msg.color`` "
    "in the reply, where it should answer with its node's → ReplyOwnColor")
class ReplyWithQueryColor(Slush):
    def respond_to_query_message(self, pick, msg: QueryMessage):
        color = msg.color if pick is NO_COLOR else pick
        return color, QueryReplyMessage(src=msg.dst, dst=msg.src, color=msg.color)  # the bug
