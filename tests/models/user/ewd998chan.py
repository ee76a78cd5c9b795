"""Shmuel Safra's termination detection on a ring (EWD 998) with message
channels as sequences, a user's kit model written after EWD998Chan.tla and
EWD998Chan.cfg of the TLA+ examples (specifications/ewd998, Markus Kuppe
and Stephan Merz).

N nodes 0..N-1 on a ring; a node is active or not, white or black, and
counts the messages it sent less those it received (``counter``).
``inbox[n]`` is the sequence of the messages in transit to node n: payload
messages (``[type |-> "pl"]``) and the token (``[type |-> "tok", q, color]``),
one token in all. Every receipt takes its message at any position of the
inbox (``\\E j \\in 1..Len(inbox[i])`` then ``RemoveAt(inbox[i], j)``; a send
``Append``s): the kit's ``Inbox(receive="any")``, one inbox per node, the
token and the payload messages in one order. Two orders of the same
messages are two states, as TLC counts them.

One handler per action of Next, in its order: System (InitiateProbe, node
0 receiving the token when the last round was not conclusive, sending a
white token with q = 0 to node N-1; PassToken(i), an inactive node i # 0
passing the token on to i-1, adding its counter, blackened by a black
node), then Environment (SendMsg(i), an active node sending a payload
message to any other node, the receiver its choice; RecvMsg(i), a node
taking a payload message, turning black and active; Deactivate(i)).
A message names only its receiver (``Pl(to)``, ``Tok(to, q, color)``), as
the spec's messages name none: the inbox is the receiver. Spec's fairness
``WF_vars(System)`` is one family over both, ``'InitiateProbe | PassToken'``.

Init: counters 0, active and color any, and the token, black with q = 0,
in the inbox of any one node (`initial_messages`), the other inboxes
empty.

Properties: the cfg's INVARIANT TypeOK (its conjuncts, exactly one token
among the conjuncts) and PROPERTY EWD998Spec, the refinement of EWD998
(``INSTANCE EWD998 WITH token <- [pos |-> tpos, q |-> token.q, color |->
token.color], pending <- [n |-> the payload messages in inbox[n]]``):

- its Init holds of every initial state (a test checks it);
- ``[][EWD998!Next]_EWD998!vars`` is `refines_ewd998`, a step property:
  each step is one of EWD998's steps of the mapped variables, or leaves
  them unchanged;
- ``WF_vars(EWD998!System)`` is `ewd998_system_fair`, each node apart:
  ``[]<>~(tpos = n /\\ ENABLED EWD998!System)``. On a ring of two nodes or
  more a System step of EWD998 moves the token and nothing else does, so
  a behaviour in which it is enabled for ever from some point and never
  taken is one in which the token stays at one node n with it enabled:
  the negation of the property of that n. (So N is at least 2 here.)

Where the model differs, deliberately:

- StateConstraint (``NumberOfMsg(inbox[i]) < 3 /\\ counter[i] <= 3``) is
  `within_bounds` with its numbers parameters: ``max_pl`` (2: at most two
  payload messages in an inbox, the spec's ``< 3``) and ``max_counter``
  (3). As in TLC, a state beyond it is checked against the invariants but
  neither counted nor expanded.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Param, always_eventually, invariant, transition
from models.kit import ActorModel, Inbox, Node, ids, on, step
from models.kit.memo import Memo

Ring = ids("N", "n", named=True)
COLORS = ("white", "black")


class NodeState(NamedTuple):
    active: bool
    color: str
    counter: int = 0


# -- messages: the inbox a message is in is its receiver's ---------------------------------


class Pl(NamedTuple):
    """A payload message, ``[type |-> "pl"]`` in inbox[to]."""

    to: Ring
    dst = "to"


class Tok(NamedTuple):
    """The token, ``[type |-> "tok", q |-> q, color |-> color]`` in inbox[to]."""

    to: Ring
    q: int
    color: str
    dst = "to"


# -- actions: the node, then the message's fields or the receiver chosen ------------------


class InitiateProbe(NamedTuple):
    i: Ring
    to: Ring
    q: int
    color: str


class PassToken(NamedTuple):
    i: Ring
    to: Ring
    q: int
    color: str


class SendMsg(NamedTuple):
    i: Ring
    j: Ring


class RecvMsg(NamedTuple):
    i: Ring
    to: Ring


class Deactivate(NamedTuple):
    i: Ring


class RingNode(Node):
    ids = Ring
    state = NodeState

    def initial(self) -> list[NodeState]:
        """Init: counter 0; active and color any."""
        return [NodeState(active, color) for active in (False, True) for color in COLORS]

    @on(Tok, InitiateProbe)
    def initiate_probe(self, s, tok):
        """Rule 1: the token at node 0, and the last round not conclusive
        (the token or node 0 black, or node 0's counter and q not adding up
        to 0): node 0 consumes it and sends a new, white token with q = 0
        to node N-1, and turns white (Rule 6)."""
        if self.id != 0 or not (tok.color == "black" or s.color == "black"
                                or s.counter + tok.q != 0):
            return None
        return s._replace(color="white"), [Tok(self.model.N - 1, 0, "white")]

    @on(Tok, PassToken)
    def pass_token(self, s, tok):
        """Rule 2: an inactive node i # 0 holding the token passes it to
        i-1, adding its counter to q, black if i is black (Rule 4); i turns
        white (Rule 7)."""
        if self.id == 0 or s.active:
            return None
        color = "black" if s.color == "black" else tok.color
        return s._replace(color="white"), [Tok(self.id - 1, tok.q + s.counter, color)]

    @step(SendMsg, choose=lambda node, s: [j for j in range(node.model.N) if j != node.id])
    def send_msg(self, s, j):
        """An active node sends a payload message to any other node j,
        counting it (Rule 0)."""
        if not s.active:
            return None
        return s._replace(counter=s.counter + 1), [Pl(j)]

    @on(Pl, RecvMsg)
    def recv_msg(self, s, m):
        """A node takes a payload message: it counts it (Rule 0), turns
        black (Rule 3) and active."""
        return s._replace(counter=s.counter - 1, color="black", active=True), []

    @step(Deactivate)
    def deactivate(self, s):
        """An active node becomes inactive."""
        if not s.active:
            return None
        return s._replace(active=False), []


class Mapped(NamedTuple):
    """EWD998's variables, as EWD998Chan's refinement mapping gives them."""

    active: tuple[bool, ...]
    color: tuple[str, ...]
    counter: tuple[int, ...]
    pending: tuple[int, ...]
    token: tuple[int, int, str]      # pos, q, color


class EWD998Chan(ActorModel):
    name = "ewd998chan"
    summary = "Safra's termination detection with channels as sequences (EWD998Chan.tla)"
    params = (
        Param("N", 3, "nodes on the ring (EWD998Chan.cfg's N)", minimum=2, maximum=6),
        Param("max_pl", 2, "StateConstraint: at most max_pl payload messages in an inbox "
              "(the spec's NumberOfMsg(inbox[i]) < 3)", minimum=0),
        Param("max_counter", 3, "StateConstraint: counter[i] <= max_counter", minimum=0),
    )
    roles = (RingNode,)
    messages = (Tok, Pl)
    network = Inbox(receive="any")
    next = ((RingNode.initiate_probe, RingNode.pass_token, RingNode.send_msg,
             RingNode.recv_msg, RingNode.deactivate),)

    def setup(self):
        super().setup()
        #: EWD998's successors of each mapped state (`ewd998_steps`)
        self.ewd998_next = Memo(self.ewd998_steps)

    def initial_messages(self) -> list[tuple]:
        """Init: the token, black with q = 0, in the inbox of any one node."""
        return [(Tok(n, 0, "black"),) for n in range(self.N)]

    def nodes(self, state) -> tuple[NodeState, ...]:
        return self.records(state, RingNode)

    # -- the state constraint ----------------------------------------------------------

    def payload_counts(self, state) -> list[int]:
        """NumberOfMsg(inbox[n]) of each node n: its payload messages."""
        counts = [0] * self.N
        for m in self.sent(state, Pl):
            counts[m.to] += 1
        return counts

    def within_bounds(self, state) -> bool:
        """StateConstraint: ``NumberOfMsg(inbox[i]) < 3 /\\ counter[i] <= 3``."""
        return (all(n <= self.max_pl for n in self.payload_counts(state))
                and all(s.counter <= self.max_counter for s in self.nodes(state)))

    def bound_reason(self, state) -> str | None:
        for n, count in enumerate(self.payload_counts(state)):
            if count > self.max_pl:
                return f"{Ring.name_of(n)}'s inbox holds {count} payload messages, over max_pl"
        for n, s in enumerate(self.nodes(state)):
            if s.counter > self.max_counter:
                return f"{Ring.name_of(n)}'s counter {s.counter} passes max_counter"
        return super().bound_reason(state)

    # -- the refinement mapping: EWD998's variables ------------------------------------

    def mapped(self, state) -> Mapped | None:
        """EWD998!vars: the token at tpos, the node whose inbox holds it;
        pending[n] the payload messages in inbox[n]. None without exactly
        one token (TypeOK's), where tpos is undefined."""
        nodes = self.nodes(state)
        tokens = list(self.sent(state, Tok))
        if len(tokens) != 1:
            return None
        tok = tokens[0]
        return Mapped(tuple(s.active for s in nodes), tuple(s.color for s in nodes),
                      tuple(s.counter for s in nodes), tuple(self.payload_counts(state)),
                      (tok.to, tok.q, tok.color))

    def ewd998_steps(self, v: Mapped) -> set[Mapped]:
        """EWD998.tla's Next from `v`: the states each of its actions reaches."""
        found = set()
        pos, q, color = v.token
        if self.ewd998_initiates(v):
            found.add(v._replace(token=(self.N - 1, 0, "white"), color=_with(v.color, 0, "white")))
        if self.ewd998_passes(v):
            found.add(v._replace(token=(pos - 1, q + v.counter[pos], "black"
                                        if v.color[pos] == "black" else color),
                                 color=_with(v.color, pos, "white")))
        for i in range(self.N):
            if v.active[i]:  # SendMsg(i), Deactivate(i)
                counter = _with(v.counter, i, v.counter[i] + 1)
                found |= {v._replace(counter=counter, pending=_with(v.pending, j, v.pending[j] + 1))
                          for j in range(self.N) if j != i}
                found.add(v._replace(active=_with(v.active, i, False)))
            if v.pending[i] > 0:  # RecvMsg(i)
                found.add(v._replace(pending=_with(v.pending, i, v.pending[i] - 1),
                                     counter=_with(v.counter, i, v.counter[i] - 1),
                                     color=_with(v.color, i, "black"),
                                     active=_with(v.active, i, True)))
        return found

    @staticmethod
    def ewd998_initiates(v: Mapped) -> bool:
        """ENABLED EWD998!InitiateProbe: the token at node 0, and the token
        or node 0 black, or counter[0] + q > 0."""
        pos, q, color = v.token
        return pos == 0 and (color == "black" or v.color[0] == "black" or v.counter[0] + q > 0)

    @staticmethod
    def ewd998_passes(v: Mapped) -> bool:
        """ENABLED \\E i # 0 : EWD998!PassToken(i): the token at an inactive node i # 0."""
        pos = v.token[0]
        return pos != 0 and not v.active[pos]

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, state):
        """counter, active and color of each node of their types, and
        exactly one token, in one inbox, at one position."""
        for n, s in enumerate(self.nodes(state)):
            if not isinstance(s.active, bool) or s.color not in COLORS or not isinstance(
                    s.counter, int):
                return Fails(f"{Ring.name_of(n)}'s variables {tuple(s)} are not of their types")
        tokens = list(self.sent(state, Tok))
        if not tokens:
            return Fails("there is no token in any inbox")
        if len(tokens) > 1:
            return Fails(f"there are {len(tokens)} tokens: "
                         + ", ".join(f"in {Ring.name_of(t.to)}'s inbox" for t in tokens))
        return True

    @transition("Refines EWD998")
    def refines_ewd998(self, state, action, after):
        """``[][EWD998!Next]_EWD998!vars``: each step is one of EWD998's on
        the mapped variables, or leaves them unchanged."""
        v, w = self.mapped(state), self.mapped(after)
        if v is None or w is None:
            return Fails("EWD998's token is undefined without exactly one token (TypeOK)")
        if v == w or w in self.ewd998_next[v]:
            return True
        changes = [f"{field}: {old} → {new}" for field, old, new in zip(Mapped._fields, v, w)
                   if old != new]
        return Fails(f"the step is none of EWD998's ({'; '.join(changes)})")

    @always_eventually("EWD998 System fair", each="node")
    def ewd998_system_fair(self, state):
        """``WF_vars(EWD998!System)``, each node n apart: ``[]<>~(tpos = n
        /\\ ENABLED EWD998!System)`` (see the module docstring)."""
        v = self.mapped(state)
        if v is None:  # (no token: TypeOK's and the refinement's to say)
            return {Ring.name_of(n): True for n in range(self.N)}
        enabled = self.ewd998_initiates(v) or self.ewd998_passes(v)
        return {Ring.name_of(n): not (enabled and v.token[0] == n) for n in range(self.N)}


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


# -- mutants: each one handler overridden (``EWD998Chan(mutant=name)``) ---------------------


@EWD998Chan.mutant("recv_stays_white", "RecvMsg leaves the receiver's color as it is (Rule 3 "
                                       "dropped) → Refines EWD998 (its RecvMsg blackens)")
class RecvStaysWhite(RingNode):
    @on(Pl, RecvMsg)
    def recv_msg(self, s, m):
        new, sends = super().recv_msg(s, m)
        return new._replace(color=s.color), sends           # the bug: Rule 3 dropped


@EWD998Chan.mutant("pass_loses_token", "PassToken consumes the token and passes nothing on "
                                       "→ TypeOK (exactly one token)")
class PassLosesToken(RingNode):
    @on(Tok, PassToken)
    def pass_token(self, s, tok):
        found = super().pass_token(s, tok)
        return None if found is None else (found[0], [])   # the bug: nothing sent


@EWD998Chan.mutant("pass_while_active", "PassToken without its guard ~active[i]: an active "
                                        "node passes the token on → Refines EWD998")
class PassWhileActive(RingNode):
    @on(Tok, PassToken)
    def pass_token(self, s, tok):
        if self.id == 0:
            return None
        new, sends = super().pass_token(s._replace(active=False), tok)  # the bug: active or not
        return new._replace(active=s.active), sends


@EWD998Chan.mutant("initiate_when_conclusive", "InitiateProbe without its guard: node 0 starts "
                                               "a new round after a conclusive one → Refines "
                                               "EWD998")
class InitiateWhenConclusive(RingNode):
    @on(Tok, InitiateProbe)
    def initiate_probe(self, s, tok):
        if self.id != 0:
            return None
        return s._replace(color="white"), [Tok(self.model.N - 1, 0, "white")]  # the bug


@EWD998Chan.mutant("initiate_only_when_black", "InitiateProbe only when the token or node 0 is "
                                               "black (counter[0] + q # 0 dropped): the token "
                                               "stays at node 0 while EWD998 would go on → "
                                               "EWD998 System fair")
class InitiateOnlyWhenBlack(RingNode):
    @on(Tok, InitiateProbe)
    def initiate_probe(self, s, tok):
        if tok.color != "black" and s.color != "black":
            return None                                      # the bug: counters not read
        return super().initiate_probe(s, tok)
