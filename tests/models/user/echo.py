"""The Echo algorithm: a spanning tree of an undirected graph built from a
single initiator (Chang's echo algorithm), a user's model written with the
kit after Echo.tla and MCEcho.tla of the TLA+ examples (specifications/echo,
Stephan Merz's PlusCal algorithm and its translation).

The initiator sends an "m" message to each neighbour. A node other than the
initiator takes the sender of the first message it receives as its parent
and sends "m" to each of its other neighbours; it counts the messages it
receives, and once it has one from each neighbour it acknowledges its parent
with a "c" (child) message. A node receiving a "c" adds its sender to its
children. When every node is done, the parent links are a spanning tree
rooted at the initiator.

Nodes ``n1`` .. ``nN`` (the MC's "a", "b", "c"); the graph is a list of
undirected edges (null: the complete graph, as MCEcho's R1), the initiator a
node (MCEcho's ``CHOOSE n \\in N1 : TRUE`` picks "a", our n1). Each node's
record is its process's variables and ``pc``; ``nbrs``, a variable the
process never changes, is the graph's, not stored. ``inbox[n]``, a set of
messages for n from which a receipt removes one (``inbox[n] \\cup {m}``,
``inbox[self] \\ {m}``), is the kit's ``Bag(copies=1)``: one copy of a
message at most, a second send of one in flight changing nothing.

One handler per label of the process, as the translation's actions:

- n0: the initiator multicasts "m" to its neighbours; every node goes to n1;
- n1, ``while (rcvd < Cardinality(nbrs))``: a receipt (``with (msg \\in
  inbox[self])``, the handler of `Msg`) and the loop's exit to n2 once a
  message came from each neighbour (`N1Exit`), the two branches of the
  translation's n1(self);
- n2: a node other than the initiator sends "c" to its parent; pc Done.

The PlusCal asserts (the first message a non-initiator receives is an "m";
its parent is a neighbour) are Python asserts, reported as TLC reports a
failed Assert. The translation's Terminating, a stutter once every node is
done, is not generated: `stutters` says such a state is no deadlock.

Properties: TypeOK, InitiatorNoParent, ParentIsNeighbor, ParentChild (its
two conjuncts apart: a child's parent, and a done parent's children) and
AncestorProperties, as Echo.tla states them; MCEcho.cfg checks TypeOK and
AncestorProperties.

Symmetry: the nodes are not interchangeable (the initiator is one, and the
graph tells others apart), but the nodes other than the initiator whose
neighbours are alike are: every one of them on a complete graph. The
model's `symmetry_groups` says which, and TLC agrees with ``SYMMETRY
Permutations(S)`` of such a set S of model values.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from checker import Fails, Param, invariant
from checker.errors import ParamError
from models.kit import ActorModel, Bag, Node, ids, on, step

Nd = ids("nodes", "n", first=1, named=True)     # Node


class NodeState(NamedTuple):
    """pc[self], parent[self] (None: NoNode), children[self], rcvd[self]."""

    pc: str = "n0"
    parent: Nd | None = None
    children: frozenset[Nd] = frozenset()
    rcvd: int = 0


class Msg(NamedTuple):
    """[kind |-> knd, sndr |-> p] in inbox[dst]."""

    kind: str       # "m" or "c"
    sndr: Nd
    to: Nd          # the inbox it is in
    src, dst = "sndr", "to"


class N0(NamedTuple):
    self: Nd


class N1(NamedTuple):
    msg: Msg


class N1Exit(NamedTuple):
    self: Nd


class N2(NamedTuple):
    self: Nd


class EchoNode(Node):
    ids = Nd
    state = NodeState

    def nbrs(self) -> tuple[int, ...]:
        return self.model.neighbours[self.id]

    def is_initiator(self) -> bool:
        return self.id == self.model.root

    def multicast(self, dest, kind: str) -> list[Msg]:
        return [Msg(kind, self.id, n) for n in dest]

    @step(N0)
    def n0(self, s):
        """The initiator sends the first message to all its neighbours."""
        if s.pc != "n0":
            return None
        sends = self.multicast(self.nbrs(), "m") if self.is_initiator() else []
        return s._replace(pc="n1"), sends

    @on(Msg, N1)
    def n1(self, s, msg):
        """Receive some message from a neighbour: the first one, at a node
        other than the initiator, names its parent, and "m" goes to every
        other neighbour; a "c" names a child."""
        if s.pc != "n1" or s.rcvd >= len(self.nbrs()):
            return None
        rcvd = s.rcvd + 1
        new, sends = s._replace(rcvd=rcvd), []
        if not self.is_initiator() and rcvd == 1:
            assert msg.kind == "m", "the first received message is always of type m"
            new = new._replace(parent=msg.sndr)
            sends = self.multicast([n for n in self.nbrs() if n != msg.sndr], "m")
        if msg.kind == "c":
            new = new._replace(children=new.children | {msg.sndr})
        return new, sends

    @step(N1Exit)
    def n1_exit(self, s):
        """The loop ends once a message came from each neighbour."""
        if s.pc == "n1" and s.rcvd >= len(self.nbrs()):
            return s._replace(pc="n2"), []
        return None

    @step(N2)
    def n2(self, s):
        """A node other than the initiator acknowledges its parent."""
        if s.pc != "n2":
            return None
        if self.is_initiator():
            return s._replace(pc="Done"), []
        assert s.parent in self.nbrs(), "the parent is a neighbour"
        return s._replace(pc="Done"), [Msg("c", self.id, s.parent)]


class Echo(ActorModel):
    name = "echo"
    summary = "the Echo algorithm: a spanning tree from one initiator (Echo.tla)"
    params = (
        Param("nodes", 3, "nodes of the graph", minimum=1, maximum=6),
        Param("edges", None, "undirected edges as pairs of nodes numbered from 1 "
              "(null: the complete graph, MCEcho's R1)",
              schema={"type": ["array", "null"],
                      "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                "items": {"type": "integer", "minimum": 1}}}),
        Param("initiator", 1, "the initiator, the root of the tree", minimum=1),
    )
    roles = (EchoNode,)
    messages = (Msg,)
    network = Bag(copies=1)
    symmetry_sets = ("nodes",)

    def setup(self):
        super().setup()
        n = self.nodes
        pairs = (list(combinations(range(1, n + 1), 2)) if self.edges is None
                 else [tuple(edge) for edge in self.edges])
        for a, b in pairs:
            if not (1 <= a <= n and 1 <= b <= n):
                raise ParamError("params.edges", f"edge [{a}, {b}] names a node outside "
                                                 f"1..{n}; number nodes from 1 to nodes")
            if a == b:
                raise ParamError("params.edges", f"edge [{a}, {a}] is a self-loop, which "
                                                 "Echo assumes away (IsIrreflexive)")
        if not 1 <= self.initiator <= n:
            raise ParamError("params.initiator", f"must be a node, 1..{n}; got "
                                                 f"{self.initiator}")
        neighbours = [set() for _ in range(n)]
        for a, b in pairs:
            neighbours[a - 1].add(b - 1)
            neighbours[b - 1].add(a - 1)
        self.neighbours = tuple(tuple(sorted(m)) for m in neighbours)
        self.root = self.initiator - 1      # the initiator's number from 0, as the kit's
        reached, frontier = {0}, [0]
        while frontier:
            frontier = [m for k in frontier for m in self.neighbours[k] if m not in reached]
            reached.update(frontier)
        if len(reached) < n:
            raise ParamError("params.edges", f"the graph is not connected (node "
                                             f"{min(set(range(n)) - reached) + 1} is not "
                                             "reached from node 1), which Echo assumes "
                                             "(IsConnected)")

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """The initiator alone, and the other nodes in classes of twins:
        nodes whose neighbours are the same but for each other (every node
        but the initiator, on a complete graph), which swapping maps the
        graph to itself."""
        classes = [[self.root]]
        for n in range(self.nodes):
            if n == self.root:
                continue
            for members in classes[1:]:
                if self.twins(members[0], n):
                    members.append(n)
                    break
            else:
                classes.append([n])
        return {"nodes": classes}

    def twins(self, a: int, b: int) -> bool:
        return set(self.neighbours[a]) - {b} == set(self.neighbours[b]) - {a}

    def stutters(self, state) -> bool:
        """Terminating: once every node is done, the run stutters; and the
        kit's: a step that changes nothing is enabled (a node sending again
        what its inbox holds)."""
        return all(r.pc == "Done" for r in self.records(state, EchoNode)) or super().stutters(
            state)

    def node_records(self, state) -> tuple[NodeState, ...]:
        return self.records(state, EchoNode)

    @invariant("TypeOK")
    def type_ok(self, state):
        for i, r in enumerate(self.node_records(state)):
            if r.parent is not None and not 0 <= r.parent < self.nodes:
                return Fails(f"{Nd.name_of(i)}'s parent {r.parent} is no node")
            if not 0 <= r.rcvd <= len(self.neighbours[i]):
                return Fails(f"{Nd.name_of(i)} received {r.rcvd} messages from "
                             f"{len(self.neighbours[i])} neighbours")
        for msg in self.sent(state, Msg):
            if msg.kind not in ("m", "c") or msg.sndr not in self.neighbours[msg.to]:
                return Fails(f"{Nd.name_of(msg.to)}'s inbox holds {msg.kind!r} from "
                             f"{Nd.name_of(msg.sndr)}, no neighbour")
        return True

    @invariant("InitiatorNoParent")
    def initiator_no_parent(self, state):
        """The initiator never has a parent."""
        parent = self.node_records(state)[self.root].parent
        return parent is None or Fails(f"the initiator's parent is {Nd.name_of(parent)}")

    @invariant("ParentIsNeighbor")
    def parent_is_neighbor(self, state):
        """A node's parent is a neighbour."""
        for i, r in enumerate(self.node_records(state)):
            if r.parent is not None and r.parent not in self.neighbours[i]:
                return Fails(f"{Nd.name_of(i)}'s parent {Nd.name_of(r.parent)} is no "
                             "neighbour")
        return True

    @invariant("ParentChild (children)")
    def children_have_parent(self, state):
        """ParentChild's first conjunct: a child's parent is the node that
        counts it as a child."""
        records = self.node_records(state)
        for m, r in enumerate(records):
            for n in sorted(r.children):
                if records[n].parent != m:
                    return Fails(f"{Nd.name_of(n)} is a child of {Nd.name_of(m)}, which is "
                                 "not its parent")
        return True

    @invariant("ParentChild (done)")
    def done_parent_knows_children(self, state):
        """ParentChild's second conjunct: a parent that is done counts each
        node whose parent it is as a child."""
        records = self.node_records(state)
        for n, r in enumerate(records):
            m = r.parent
            if m is not None and records[m].pc == "Done" and n not in records[m].children:
                return Fails(f"{Nd.name_of(m)} is done and is {Nd.name_of(n)}'s parent, but "
                             "not its child's")
        return True

    @invariant("AncestorProperties")
    def ancestor_properties(self, state):
        """Once every node is done, the initiator is an ancestor of every
        other node, and no node is its own ancestor."""
        records = self.node_records(state)
        if any(r.pc != "Done" for r in records):
            return True
        for n in range(self.nodes):
            seen, m = set(), records[n].parent
            while m is not None and m not in seen and m != n:
                seen.add(m)
                m = records[m].parent
            if m == n:
                return Fails(f"{Nd.name_of(n)} is its own ancestor")
            if n != self.root and self.root not in seen:
                return Fails(f"the initiator is not an ancestor of {Nd.name_of(n)}")
        return True


# -- mutants: one handler each -------------------------------------------------------


@Echo.mutant("initiator_sends_to_itself", "the initiator's first multicast goes to itself "
                                          "too → TypeOK")
class SendsToItself(EchoNode):
    def n0(self, s):
        if s.pc != "n0":
            return None
        dest = [*self.nbrs(), self.id] if self.is_initiator() else []
        return s._replace(pc="n1"), self.multicast(dest, "m")


@Echo.mutant("initiator_adopts_parent", "the initiator takes the sender of its first "
                                        "message as its parent (and sends nothing) → "
                                        "InitiatorNoParent, AncestorProperties")
class InitiatorAdoptsParent(EchoNode):
    def n1(self, s, msg):
        result = super().n1(s, msg)
        if result is not None and self.is_initiator() and result[0].rcvd == 1:
            return result[0]._replace(parent=msg.sndr), result[1]
        return result


@Echo.mutant("acknowledges_again", "a node at n2 stays there, acknowledging its parent "
                                   "again and again: the inbox (a set) merges a second "
                                   "\"c\", one received comes again and the parent counts "
                                   "it twice → ParentChild")
class AcknowledgesAgain(EchoNode):
    def n2(self, s):
        result = super().n2(s)
        if result is not None and not self.is_initiator():
            return s, result[1]
        return result


@Echo.mutant("parent_is_initiator", "a node takes the initiator as its parent, whoever "
                                    "sent its first message → ParentIsNeighbor, and the "
                                    "assert that the parent is a neighbour")
class ParentIsInitiator(EchoNode):
    def n1(self, s, msg):
        result = super().n1(s, msg)
        if result is not None and result[0].parent != s.parent:
            return result[0]._replace(parent=self.model.root), result[1]
        return result


@Echo.mutant("every_sender_a_child", "a node counts the sender of any message, \"m\" "
                                     "too, as a child → ParentChild (children)")
class EverySenderAChild(EchoNode):
    def n1(self, s, msg):
        result = super().n1(s, msg)
        if result is not None:
            return result[0]._replace(children=result[0].children | {msg.sndr}), result[1]
        return result


@Echo.mutant("children_forgotten", "a node does not record the sender of a \"c\" as "
                                   "a child → ParentChild (done)")
class ChildrenForgotten(EchoNode):
    def n1(self, s, msg):
        result = super().n1(s, msg)
        if result is not None:
            return result[0]._replace(children=s.children), result[1]
        return result
