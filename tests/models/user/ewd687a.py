"""Dijkstra and Scholten's termination detection for diffusing computations
(EWD 687a; "the Tree Algorithm"), a user's model written with the kit after
EWD687a.tla and MCEWD687a.tla/.cfg of the TLA+ examples
(specifications/ewd687a, Leslie Lamport, Markus Kuppe and Stephan Merz;
commit 535c498: TreeWithRoot and CountersConsistent state predicates, Idle
guarded by ``active[p]``).

Processes on a directed graph are active or idle; an active process sends
computation messages along its out-edges, a message makes its receiver
active, and an active process may go idle at any time. Every message is
acknowledged by its receiver along the same edge. A process is *neutral*
when it is idle, has acknowledged every message it received and has been
acknowledged for every message it sent. A neutral process that receives a
message takes its sender as its parent in the overlay tree, and sends the
last ack to its parent only when that makes it neutral again, leaving the
tree. The leader, the root, receives nothing; when it is neutral the
computation has terminated.

Processes ``p0`` .. ``pN-1``, ``p0`` the leader by default (the MC's ``L``,
``P1``, ``P2``, ``P3`` are ``p0`` .. ``p3``); the graph is a list of edges
``[q, p]``, q may send to p (the MC's Edges by default: p0→p1, p1→p2, p2→p1,
p2→p3). Each process's record holds the spec's process-local variables:
``active[p]``, ``sentUnacked[<<p, q>>]`` by q, ``rcvdUnacked[<<q, p>>]`` by
q, and ``upEdge[p]`` as the parent q of ``<<q, p>>`` (None: NotAnEdge).
``msgs`` and ``acks``, "the state of the network" in the spec's words, are
the kit's `Bag`: ``msgs[<<q, p>>]`` is the copies of ``Msg(q→p)`` in flight,
``acks[<<q, p>>]`` those of ``Ack(p→q)``.

One handler per subaction of Next, in the spec's words:

- SendMsg(p): an active process sends a message on one of its out-edges
  (the edge is the step's choice, ``SendMsg(p, q)``);
- RcvMsg(p): a process receives a message on an in-edge, becomes active,
  and, if it was neutral, takes the sender as its parent (the handler of
  `Msg`);
- SendAck(p): a process acknowledges a message on an in-edge (the choice),
  the last one to its parent only when that makes it neutral; a process
  neutral after the ack leaves the tree (UP);
- RcvAck(p): a process receives an ack (the handler of `Ack`);
- Idle(p): an active process becomes idle.

Where the model differs, deliberately:

- A process's record holds ``sentUnacked`` and ``rcvdUnacked`` over every
  process, not over its edges: the entries of pairs that are no edge stay 0
  (no handler writes them), so the state is the spec's, and ``neutral(p)``
  reads the record alone.
- MCEWD687a's StateConstraint (every counter of every edge below
  MaxCounter, 3) is `within_bounds`, its number the parameter
  ``max_counter``; as in TLC, a state beyond it is checked against the
  invariants but neither counted nor expanded.
- The spec's fairness is ``WF_vars(Next)``: a spec's ``fairness: {weak:
  ["*"]}``.
- A message and an ack are records of two types with the same fields;
  `in_flight` keeps each with its type (``Msg(0, 1) == Ack(0, 1)`` as
  tuples) and reads the copies from the bag itself, which the kit's `sent`
  does not give.
- StableUpEdge, the spec's non-property (``[][...]_upEdge``: a parent
  never changes), is a step property checked only when named
  (`stable_up_edge`): it fails, as the spec says.

Properties: TypeOK, CountersConsistent, TreeWithRoot (its two conjuncts
apart: the overlay tree is a tree rooted at the leader, and its nodes but
the leader are not neutral), DT1Inv (the cfg's invariants) and DT2
(``Terminated ~> neutral(Leader)``, the cfg's property).

Processes are not interchangeable (the leader, and the graph, tells them
apart): no symmetry.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Param, ParamError, invariant, leads_to, transition
from models.kit import ActorModel, Bag, Node, ids, indexed_by, on, step

Proc = ids("procs", "p", named=True)      # Procs; p0 is the MC's L


class ProcState(NamedTuple):
    """active[p], sentUnacked[<<p, q>>] and rcvdUnacked[<<q, p>>] by q, and
    upEdge[p] as the parent q of <<q, p>> (None: NotAnEdge)."""

    active: bool = False
    sent_unacked: indexed_by(Proc) = ()
    rcvd_unacked: indexed_by(Proc) = ()
    parent: Proc | None = None


class Msg(NamedTuple):
    """A computation message on the edge <<frm, to>>: one of msgs[<<frm, to>>]."""

    frm: Proc
    to: Proc
    src, dst = "frm", "to"


class Ack(NamedTuple):
    """An ack for the edge <<to, frm>>, from its receiver back to its
    sender: one of acks[<<to, frm>>]."""

    frm: Proc
    to: Proc
    src, dst = "frm", "to"


class SendMsg(NamedTuple):
    p: Proc
    q: Proc         # the edge <<p, q>>


class RcvMsg(NamedTuple):
    p: Proc
    frm: Proc       # the message's fields: the edge <<frm, p>>
    to: Proc


class SendAck(NamedTuple):
    p: Proc
    q: Proc         # the edge <<q, p>>


class RcvAck(NamedTuple):
    p: Proc
    frm: Proc       # the ack's fields: from q back to p, for the edge <<p, q>>
    to: Proc


class Idle(NamedTuple):
    p: Proc


def neutral(s: ProcState) -> bool:
    """neutral(p): idle, every message received acknowledged, every message
    sent acknowledged."""
    return not s.active and not any(s.rcvd_unacked) and not any(s.sent_unacked)


def _add(values: tuple[int, ...], index: int, delta: int) -> tuple[int, ...]:
    return values[:index] + (values[index] + delta,) + values[index + 1:]


class Process(Node):
    ids = Proc
    state = ProcState

    def initial(self) -> ProcState:
        """Init: only the leader is active; no counter above 0, no parent."""
        zeros = (0,) * self.model.procs
        return ProcState(active=self.id == self.model.root, sent_unacked=zeros,
                         rcvd_unacked=zeros)

    @step(SendMsg, choose=lambda node, s: node.model.out_edges[node.id])
    def send_msg(self, s, q):
        """An active process sends a message on its edge to q, and expects
        its ack."""
        if not s.active:
            return None
        return s._replace(sent_unacked=_add(s.sent_unacked, q, 1)), [Msg(self.id, q)]

    @on(Msg, RcvMsg)
    def rcv_msg(self, s, m):
        """A message arrives on the edge <<q, p>>: p counts an ack it owes q
        and becomes active; a neutral p takes q as its parent."""
        parent = m.frm if neutral(s) else s.parent
        return s._replace(rcvd_unacked=_add(s.rcvd_unacked, m.frm, 1), active=True,
                          parent=parent), []

    @step(SendAck, choose=lambda node, s: node.model.in_edges[node.id])
    def send_ack(self, s, q):
        """p acknowledges a message it received from q: if q is its parent,
        only if q expects more than one ack (2a), or if p is neutral after
        this one (2b); p neutral after it leaves the tree (UP)."""
        if s.rcvd_unacked[q] <= 0 or not (q != s.parent or s.rcvd_unacked[q] > 1
                                          or self.neutral_but_for(s, q)):
            return None
        return self.acked(s, q)

    @staticmethod
    def neutral_but_for(s: ProcState, q: int) -> bool:
        """2b: p is idle and acknowledged and owes no ack but on <<q, p>>."""
        return (not s.active and not any(s.sent_unacked)
                and not any(n for r, n in enumerate(s.rcvd_unacked) if r != q))

    def acked(self, s: ProcState, q: int) -> tuple[ProcState, list]:
        """SendAck's effect: one ack fewer owed to q, the ack on its way;
        UP, a process neutral after it leaves the tree."""
        new = s._replace(rcvd_unacked=_add(s.rcvd_unacked, q, -1))
        return (new._replace(parent=None) if neutral(new) else new), [Ack(self.id, q)]

    @on(Ack, RcvAck)
    def rcv_ack(self, s, m):
        """An ack from q arrives: p expects one ack fewer on <<p, q>>."""
        return s._replace(sent_unacked=_add(s.sent_unacked, m.frm, -1)), []

    @step(Idle)
    def idle(self, s):
        """An active process becomes idle."""
        if not s.active:
            return None
        return s._replace(active=False), []


class EWD687a(ActorModel):
    name = "ewd687a"
    summary = "Dijkstra and Scholten's termination detection (EWD687a.tla)"
    params = (
        Param("procs", 4, "processes (MCEWD687a's L, P1, P2, P3)", minimum=1, maximum=8),
        Param("edges", [[0, 1], [1, 2], [2, 1], [2, 3]],
              "the edges [q, p] (q may send to p), processes numbered from 0 "
              "(MCEWD687a's Edges)",
              schema={"type": "array",
                      "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                "items": {"type": "integer", "minimum": 0}}}),
        Param("leader", 0, "the leader, the root of the overlay tree", minimum=0),
        Param("max_counter", 3, "StateConstraint: every counter of every edge below it "
              "(MCEWD687a's MaxCounter)", minimum=1),
    )
    roles = (Process,)
    messages = (Msg, Ack)
    network = Bag()

    def setup(self):
        super().setup()
        n = self.procs
        edges = sorted({(q, p) for q, p in self.edges})   # a set, as the MC's Edges
        for q, p in edges:
            if not (q < n and p < n):
                raise ParamError("params.edges", f"edge [{q}, {p}] names a process outside "
                                                 f"0..{n - 1}; number processes from 0")
            if q == p:
                raise ParamError("params.edges", f"edge [{q}, {q}] joins a process to "
                                                 "itself, which EdgeFacts assumes away")
        if not self.leader < n:
            raise ParamError("params.leader", f"must be a process, 0..{n - 1}; got "
                                              f"{self.leader}")
        into = [q for q, p in edges if p == self.leader]
        if into:
            raise ParamError("params.edges", f"edge [{into[0]}, {self.leader}] points to the "
                                             "leader, which EdgeFacts assumes away "
                                             "(InEdges(Leader) = {})")
        self.root = self.leader
        self.edge_set = tuple(edges)
        self.out_edges = tuple(tuple(p for q, p in edges if q == r) for r in range(n))
        self.in_edges = tuple(tuple(q for q, p in edges if p == r) for r in range(n))

    def processes(self, state) -> tuple[ProcState, ...]:
        return self.records(state, Process)

    def in_flight(self, state) -> dict[tuple[type, tuple], int]:
        """The copies in the bag of each message and ack, by its type and
        itself (``Msg(0, 1) == Ack(0, 1)``: equal tuples). The kit's `sent`
        gives the messages without their copies."""
        return {(type(m), m): copies for component in state[-1][:-1]
                for m, copies in component}

    def counters(self, state) -> dict[tuple[int, int], tuple[int, int, int, int]]:
        """For each edge <<q, p>>: msgs, acks, sentUnacked and rcvdUnacked."""
        flight, procs = self.in_flight(state), self.processes(state)
        return {(q, p): (flight.get((Msg, Msg(q, p)), 0), flight.get((Ack, Ack(p, q)), 0),
                         procs[q].sent_unacked[p], procs[p].rcvd_unacked[q])
                for q, p in self.edge_set}

    def within_bounds(self, state) -> bool:
        """MCEWD687a's StateConstraint: every counter of every edge below
        MaxCounter."""
        return all(c < self.max_counter for counts in self.counters(state).values()
                   for c in counts)

    def bound_reason(self, state) -> str | None:
        for (q, p), counts in self.counters(state).items():
            if max(counts) >= self.max_counter:
                return (f"a counter of the edge {Proc.name_of(q)}→{Proc.name_of(p)} "
                        f"reaches max_counter = {self.max_counter}")
        return None

    def terminated(self, state) -> bool:
        """Terminated: every process idle, no message in transit."""
        return (not any(r.active for r in self.processes(state))
                and not any(kind is Msg for kind, _ in self.in_flight(state)))

    # -- properties ------------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, state):
        """The counters are natural numbers, and upEdge[p] is NotAnEdge or an
        edge into p (the leader has none)."""
        for (q, p), counts in self.counters(state).items():
            for name, c in zip(("msgs", "acks", "sentUnacked", "rcvdUnacked"), counts):
                if c < 0:
                    return Fails(f"{name}[{Proc.name_of(q)}→{Proc.name_of(p)}] = {c} is not "
                                 "in Nat")
        for p, r in enumerate(self.processes(state)):
            if r.parent is not None and (p == self.root or r.parent not in self.in_edges[p]):
                return Fails(f"upEdge[{Proc.name_of(p)}] = {Proc.name_of(r.parent)}→"
                             f"{Proc.name_of(p)} is no edge of the graph into it")
        return True

    @invariant("CountersConsistent")
    def counters_consistent(self, state):
        """sentUnacked[e] = rcvdUnacked[e] + acks[e] + msgs[e] for every edge."""
        for (q, p), (msgs, acks, sent, rcvd) in self.counters(state).items():
            if sent != rcvd + acks + msgs:
                return Fails(f"on {Proc.name_of(q)}→{Proc.name_of(p)}, sentUnacked = "
                             f"{sent}, but rcvdUnacked + acks + msgs = {rcvd} + {acks} + "
                             f"{msgs}")
        return True

    @invariant("TreeWithRoot (tree)")
    def tree_with_root(self, state):
        """TreeWithRoot's first conjunct: the upEdges, reversed, are a tree
        rooted at the leader (IsTreeWithRoot): each parent is the leader or
        in the tree itself, and every node's parents lead to the leader."""
        procs = self.processes(state)
        for p, r in enumerate(procs):
            if r.parent is None:
                continue
            seen, q = {p}, r.parent
            while q != self.root:
                if procs[q].parent is None:
                    return Fails(f"{Proc.name_of(p)}'s ancestor {Proc.name_of(q)} is not in "
                                 "the tree")
                if q in seen:
                    return Fails(f"{Proc.name_of(p)}'s parents lead round a cycle through "
                                 f"{Proc.name_of(q)}")
                seen.add(q)
                q = procs[q].parent
        return True

    @invariant("TreeWithRoot (non-neutral)")
    def tree_not_neutral(self, state):
        """TreeWithRoot's conjunct N: every node of the tree but the leader
        is not neutral."""
        for p, r in enumerate(self.processes(state)):
            if r.parent is not None and neutral(r):
                return Fails(f"{Proc.name_of(p)} is neutral with the parent "
                             f"{Proc.name_of(r.parent)}")
        return True

    @invariant("DT1Inv")
    def dt1_inv(self, state):
        """The leader is neutral only if every process is."""
        procs = self.processes(state)
        if not neutral(procs[self.root]):
            return True
        busy = [p for p, r in enumerate(procs) if not neutral(r)]
        return not busy or Fails(f"the leader is neutral and {Proc.name_of(busy[0])} is not")

    @leads_to("DT2")
    def dt2(self, state):
        """Terminated ~> neutral(Leader): once the computation has
        terminated, the leader detects it."""
        return self.terminated(state), neutral(self.processes(state)[self.root])

    @transition("StableUpEdge", default=False)
    def stable_up_edge(self, state, action, after):
        """The spec's non-property: a process's parent, once set, never
        changes (it does, when the process leaves the tree)."""
        for p, (r, t) in enumerate(zip(self.processes(state), self.processes(after))):
            if r.parent is not None and t.parent != r.parent:
                return Fails(f"upEdge[{Proc.name_of(p)}] changes from "
                             f"{Proc.name_of(r.parent)}→{Proc.name_of(p)}")
        return True


# -- mutants: one handler each -------------------------------------------------------


@EWD687a.mutant("ack_unreceived", "SendAck without its guard rcvdUnacked[e] > 0: a "
                                  "process acknowledges a message it never received → "
                                  "TypeOK")
class AckUnreceived(Process):
    @step(SendAck, choose=lambda node, s: node.model.in_edges[node.id])
    def send_ack(self, s, q):
        if not (q != s.parent or s.rcvd_unacked[q] > 1 or self.neutral_but_for(s, q)):
            return None
        return self.acked(s, q)                  # the bug: nothing received, acked


@EWD687a.mutant("receive_uncounted", "RcvMsg does not count the ack it owes: the "
                                     "message is lost to the counters → "
                                     "CountersConsistent")
class ReceiveUncounted(Process):
    @on(Msg, RcvMsg)
    def rcv_msg(self, s, m):
        new, sends = super().rcv_msg(s, m)
        return new._replace(rcvd_unacked=s.rcvd_unacked), sends   # the bug: not counted


@EWD687a.mutant("keep_up_edge", "SendAck without UP: a process that becomes neutral "
                                "stays in the tree (the spec's variant) → TreeWithRoot "
                                "(non-neutral)")
class KeepUpEdge(Process):
    @step(SendAck, choose=lambda node, s: node.model.in_edges[node.id])
    def send_ack(self, s, q):
        result = super().send_ack(s, q)
        if result is None:
            return None
        return result[0]._replace(parent=s.parent), result[1]     # the bug: no UP


@EWD687a.mutant("adopt_every_sender", "RcvMsg makes the sender the parent even of a "
                                      "process that is not neutral → TreeWithRoot (tree)")
class AdoptEverySender(Process):
    @on(Msg, RcvMsg)
    def rcv_msg(self, s, m):
        new, sends = super().rcv_msg(s, m)
        return new._replace(parent=m.frm), sends                    # the bug: always


@EWD687a.mutant("ack_parent_while_active", "SendAck sends the last ack to the parent "
                                           "while the process is active (2b without "
                                           "~active[p]) → DT1Inv")
class AckParentWhileActive(Process):
    @step(SendAck, choose=lambda node, s: node.model.in_edges[node.id])
    def send_ack(self, s, q):
        if s.rcvd_unacked[q] <= 0 or not (q != s.parent or s.rcvd_unacked[q] > 1
                                          or self.neutral_but_for(s._replace(active=False),
                                                                  q)):
            return None                          # the bug: active[p] not read
        return self.acked(s, q)


@EWD687a.mutant("never_ack_parent", "SendAck never sends the last ack to the parent "
                                    "(2b dropped) → DT2")
class NeverAckParent(Process):
    @step(SendAck, choose=lambda node, s: node.model.in_edges[node.id])
    def send_ack(self, s, q):
        if s.rcvd_unacked[q] <= 0 or not (q != s.parent or s.rcvd_unacked[q] > 1):
            return None                          # the bug: no 2b
        return self.acked(s, q)
