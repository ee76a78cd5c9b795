"""Shmuel Safra's termination detection on a ring (EWD 998), written as a
user would from EWD998.tla of the TLA+ examples (Markus Kuppe and Stephan
Merz; specifications/ewd998): a plain `checker.Model`, one method per
action of the spec.

N nodes 0..N-1 on a ring exchange messages; a node is active or not, and
white or black, and counts the messages it sent less those it received
(``counter``). ``pending[i]`` is the number of messages in transit to node
i. A token travels from node N-1 down to node 0, adding up the counters of
the nodes it passes (``q``) and turning black at a black node. Node 0
starts a new round when the last one was not conclusive; a white token
back at a white, inactive node 0 whose counter and ``q`` add up to 0 means
that every node is inactive and no message is in transit.

Why a plain model and not the kit: the spec's variables are shared
(``pending`` counts the messages in transit to a node without naming them
or their sender, and the token is one global record, not a message), and
every action reads and writes them as a function of the whole state; the
kit's nodes would have to turn messages into records the spec does not
have. EWD998Chan.tla and EWD998PCal.tla do that, and reach other states:
EWD998Chan's inboxes are sequences from which a node takes a message at
any position, the kit's `Inbox(receive="any")`: `ewd998chan.py` is that
spec so, with the kit.

Action by action, as the spec's Next lists them (System, then
Environment), and in this order: InitiateProbe, PassToken(i) for i = 1 ..
N-1, then for each node i SendMsg(i, j) for each j, RecvMsg(i),
Deactivate(i). The spec's ``SendMsg(i)`` chooses its receiver with ``\\E j
\\in Node \\ {i}``: here the receiver is a field of the step, so that a
fairness family can name it.

The spec's fairness is ``WF_vars(System)`` with ``System == InitiateProbe
\\/ \\E i \\in Node \\ {0} : PassToken(i)``: one family over both,
``'InitiateProbe | PassToken'``.

The state space is infinite (counters and messages grow without end); the
spec's ``StateConstraint`` bounds it for TLC: ``\\A i : counter[i] <= 3
/\\ pending[i] <= 3`` and ``token.q <= 9``. It is the model's state
constraint (`within_bounds`), its three numbers parameters (``max_counter``,
``max_pending``, ``max_q``: the spec's 3, 3 and 9 by default) so that
smaller bounds can be checked too: as in TLC, a state beyond it is checked
against the invariants but neither counted nor expanded.

Properties: TypeOK, TerminationDetection and Safra's inductive invariant
Inv (the spec's three invariants), Liveness (``Termination ~>
terminationDetected``), and the refinement of AsyncTerminationDetection
(``TD == INSTANCE AsyncTerminationDetection``, ``Spec => TD!Spec``): its
safety part as a step property (`refines_atd`, every step is one of TD's
steps or leaves its variables unchanged; TD's Init holds of every initial
state, which the tests check) and its fairness ``WF_vars(TD!Detect
Termination)`` as `detects_for_good`.
"""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

from checker import (Fails, Model, Param, always_eventually, eventually, invariant, leads_to,
                     transition)

COLORS = ("white", "black")


class Token(NamedTuple):
    """``[pos : Node, q : Int, color : Color]``."""

    pos: int
    q: int
    color: str


class State(NamedTuple):
    active: tuple[bool, ...]    # by node: activation status
    color: tuple[str, ...]      # by node: "white" or "black"
    counter: tuple[int, ...]    # by node: messages sent less messages received
    pending: tuple[int, ...]    # by node: messages in transit to it
    token: Token


class InitiateProbe(NamedTuple):
    pass


class PassToken(NamedTuple):
    i: int


class SendMsg(NamedTuple):
    i: int
    j: int      # the receiver, the spec's \E j \in Node \ {i}


class RecvMsg(NamedTuple):
    i: int


class Deactivate(NamedTuple):
    i: int


class EWD998(Model):
    name = "ewd998"
    summary = "Safra's termination detection on a ring (EWD 998)"
    params = (
        Param("N", 3, "nodes on the ring", minimum=1, maximum=8),
        Param("max_counter", 3, "StateConstraint: counter[i] <= max_counter", minimum=0),
        Param("max_pending", 3, "StateConstraint: pending[i] <= max_pending", minimum=0),
        Param("max_q", 9, "StateConstraint: token.q <= max_q", minimum=0),
    )
    actions = (InitiateProbe, PassToken, SendMsg, RecvMsg, Deactivate)

    # -- Init ----------------------------------------------------------------------

    def initial_states(self):
        """``active \\in [Node -> BOOLEAN]``, ``color \\in [Node -> Color]``,
        counters and pending 0 (Rule 0: c properly initialized), the token
        anywhere, with q = 0, black."""
        zeros = (0,) * self.N
        for active in product((False, True), repeat=self.N):
            for color in product(COLORS, repeat=self.N):
                for pos in range(self.N):
                    yield State(active, color, zeros, zeros, Token(pos, 0, "black"))

    # -- Next ----------------------------------------------------------------------

    def successors(self, s: State):
        t = self.initiate_probe(s)
        if t is not None:
            yield InitiateProbe(), t
        for i in range(1, self.N):
            t = self.pass_token(s, i)
            if t is not None:
                yield PassToken(i), t
        for i in range(self.N):
            for j in range(self.N):
                if j != i:
                    t = self.send_msg(s, i, j)
                    if t is not None:
                        yield SendMsg(i, j), t
            t = self.recv_msg(s, i)
            if t is not None:
                yield RecvMsg(i), t
            t = self.deactivate(s, i)
            if t is not None:
                yield Deactivate(i), t

    def initiate_probe(self, s: State) -> State | None:
        """Rules 1 + 5 + 6. The token is at node 0 and the previous round was
        not conclusive (the token or node 0 is black, or ``counter[0] +
        token.q > 0``): node 0 sends a white token with q = 0 to node N-1
        and turns white. The state of the nodes remains unchanged."""
        if s.token.pos != 0:
            return None
        if not (s.token.color == "black" or s.color[0] == "black"
                or s.counter[0] + s.token.q > 0):
            return None
        return s._replace(token=Token(self.N - 1, 0, "white"), color=_with(s.color, 0, "white"))

    def pass_token(self, s: State, i: int) -> State | None:
        """Rules 2 + 4 + 7. Node i holds the token and is inactive (an active
        machine keeps it): it passes it to node i-1, adding its counter to
        q and staining it if i is black, and turns white."""
        if s.active[i] or s.token.pos != i:
            return None
        return s._replace(
            token=Token(i - 1, s.token.q + s.counter[i],
                        "black" if s.color[i] == "black" else s.token.color),
            color=_with(s.color, i, "white"))

    def send_msg(self, s: State, i: int, j: int) -> State | None:
        """Only an active node sends; it counts the message (Rule 0), which
        is then in transit to j. Unlike EWD 840, i does not turn black."""
        if not s.active[i]:
            return None
        return s._replace(counter=_add(s.counter, i, 1), pending=_add(s.pending, j, 1))

    def recv_msg(self, s: State, i: int) -> State | None:
        """A message in transit to i arrives: i counts it (Rule 0), turns
        black (Rule 3) and is activated."""
        if s.pending[i] <= 0:
            return None
        return s._replace(pending=_add(s.pending, i, -1), counter=_add(s.counter, i, -1),
                          color=_with(s.color, i, "black"), active=_with(s.active, i, True))

    def deactivate(self, s: State, i: int) -> State | None:
        """An active node becomes inactive."""
        if not s.active[i]:
            return None
        return s._replace(active=_with(s.active, i, False))

    # -- the state constraint ----------------------------------------------------------

    def within_bounds(self, s: State) -> bool:
        """StateConstraint: ``\\A i : counter[i] <= 3 /\\ pending[i] <= 3``,
        ``token.q <= 9`` (the spec's numbers, parameters here)."""
        return (max(s.counter) <= self.max_counter and max(s.pending) <= self.max_pending
                and s.token.q <= self.max_q)

    def bound_reason(self, s: State) -> str | None:
        if max(s.counter) > self.max_counter:
            return f"a counter passes max_counter = {self.max_counter}"
        if max(s.pending) > self.max_pending:
            return f"messages pending at a node pass max_pending = {self.max_pending}"
        if s.token.q > self.max_q:
            return f"the token's q passes max_q = {self.max_q}"
        return None

    # -- the spec's definitions --------------------------------------------------------

    def termination_detected(self, s: State) -> bool:
        """terminationDetected: a white token at node 0 whose q and node 0's
        counter add up to 0, node 0 white and inactive."""
        return (s.token.pos == 0 and s.token.color == "white"
                and s.token.q + s.counter[0] == 0 and s.color[0] == "white"
                and not s.active[0])

    @staticmethod
    def terminated(s: State) -> bool:
        """Termination: no node is active and no message in transit
        (``B = Sum(pending, Node) = 0``)."""
        return not any(s.active) and sum(s.pending) == 0

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """active, color, counter and pending functions on Node (pending
        into Nat), token in ``[pos : Node, q : Int, color : Color]``."""
        nodes = self.N
        if not (len(s.active) == len(s.color) == len(s.counter) == len(s.pending) == nodes):
            return Fails("a variable is not a function on Node")
        if not all(isinstance(a, bool) for a in s.active):
            return Fails(f"active {s.active} is not boolean")
        if not all(c in COLORS for c in s.color):
            return Fails(f"color {s.color} is not in Color")
        if not all(isinstance(c, int) for c in s.counter):
            return Fails(f"counter {s.counter} is not in Int")
        for i, p in enumerate(s.pending):
            if not isinstance(p, int) or p < 0:
                return Fails(f"pending[{i}] = {p} is not in Nat")
        if not (0 <= s.token.pos < nodes and isinstance(s.token.q, int)
                and s.token.color in COLORS):
            return Fails(f"token {s.token} is not in Token")
        return True

    @invariant("TerminationDetection")
    def termination_detection(self, s: State):
        """terminationDetected => Termination."""
        if not self.termination_detected(s) or self.terminated(s):
            return True
        busy = [i for i in range(self.N) if s.active[i]]
        if busy:
            return Fails(f"termination detected while node {busy[0]} is active")
        return Fails(f"termination detected with {sum(s.pending)} message(s) in transit")

    @invariant("Inv")
    def inv(self, s: State):
        """Safra's inductive invariant: P0 (``B = Sum(counter, Node)``, the
        messages counted are those in transit) and one of P1 (every node
        the token has passed is passive and q sums their counters), P2
        (the counters of the nodes it has yet to visit and q add up to
        more than 0), P3 (one of those nodes is black) and P4 (the token
        is black)."""
        if sum(s.pending) != sum(s.counter):
            return Fails(f"P0: {sum(s.pending)} message(s) in transit, the counters "
                         f"sum to {sum(s.counter)}")
        pos, q = s.token.pos, s.token.q
        passed = range(pos + 1, self.N)
        p1 = (not any(s.active[i] for i in passed)
              and q == (0 if pos == self.N - 1 else sum(s.counter[i] for i in passed)))
        p2 = sum(s.counter[:pos + 1]) + q > 0
        p3 = "black" in s.color[:pos + 1]
        p4 = s.token.color == "black"
        return (p1 or p2 or p3 or p4
                or Fails(f"none of P1..P4 holds with the token at {pos}, q = {q}"))

    @transition("Refines AsyncTerminationDetection")
    def refines_atd(self, s: State, action, t: State):
        """``[][TD!Next]_TD!vars`` with TD's active, pending and
        terminationDetected EWD998's: each step is one of TD's (a node
        terminates, possibly detecting termination; sends; receives;
        termination is detected) or leaves the three unchanged."""
        detected, detected_after = self.termination_detected(s), self.termination_detected(t)
        if (s.active, s.pending, detected) == (t.active, t.pending, detected_after):
            return True
        changed = [i for i in range(self.N) if s.active[i] != t.active[i]]
        grown = [i for i in range(self.N) if t.pending[i] == s.pending[i] + 1]
        shrunk = [i for i in range(self.N) if t.pending[i] == s.pending[i] - 1]
        others_pending = [i for i in range(self.N) if s.pending[i] != t.pending[i]]
        # Terminate(i): active[i], it becomes inactive, pending unchanged,
        # terminationDetected' \in {terminationDetected, terminated'}
        if (len(changed) == 1 and s.active[changed[0]] and s.pending == t.pending
                and detected_after in (detected, self.terminated(t))):
            return True
        # SendMsg(i, j): some active i, pending[j] grows by one, the rest unchanged
        if (any(s.active) and s.active == t.active and len(grown) == 1
                and others_pending == grown and detected == detected_after):
            return True
        # RcvMsg(i): pending[i] > 0 shrinks by one, i is active after
        if (len(shrunk) == 1 and others_pending == shrunk and s.pending[shrunk[0]] > 0
                and t.active == _with(s.active, shrunk[0], True)
                and detected == detected_after):
            return True
        # DetectTermination: terminated, terminationDetected' = TRUE
        if (self.terminated(s) and detected_after and s.active == t.active
                and s.pending == t.pending):
            return True
        return Fails(f"{action} is no step of AsyncTerminationDetection (active "
                     f"{s.active} → {t.active}, pending {s.pending} → {t.pending}, "
                     f"terminationDetected {detected} → {detected_after})")

    @leads_to("Liveness")
    def liveness(self, s: State):
        """Termination ~> terminationDetected."""
        return self.terminated(s), self.termination_detected(s)

    @always_eventually("Detects For Good")
    def detects_for_good(self, s: State):
        """TD's fairness ``WF_vars(TD!DetectTermination)``: DetectTermination
        is enabled when the system has terminated and it is not yet
        detected, and its step detects it for good (nothing is enabled
        after), so it holds of the behaviours that are again and again not
        in such a state: ``[]<>~(Termination /\\ ~terminationDetected)``."""
        return not self.terminated(s) or self.termination_detected(s)

    @eventually("All Inactive")
    def all_inactive(self, s: State):
        """Ours: ``<>Termination``, which no fairness of the token makes
        true (an active node may keep sending)."""
        return self.terminated(s)


# -- mutants: each a subclass overriding one action (``EWD998(mutant=name)``) -----------


@EWD998.mutant(
    "recv_stays_white",
    "RecvMsg leaves the receiver's color as it is (Rule 3 "
    "dropped): a node that took a message behind the token passes "
    "it on white → TerminationDetection")
class RecvStaysWhite(EWD998):
    def recv_msg(self, s, i):
        t = super().recv_msg(s, i)
        return None if t is None else t._replace(color=s.color)   # the bug: no Rule 3


@EWD998.mutant(
    "send_uncounted",
    "SendMsg does not count the message it sends (Rule 0 "
    "dropped) → Inv (P0: B = Sum(counter))")
class SendUncounted(EWD998):
    def send_msg(self, s, i, j):
        t = super().send_msg(s, i, j)
        return None if t is None else t._replace(counter=s.counter)   # the bug: no Rule 0


@EWD998.mutant(
    "recv_from_nothing",
    "RecvMsg without its guard pending[i] > 0: a node takes a "
    "message that was never sent → TypeOK (pending in Nat)")
class RecvFromNothing(EWD998):
    def recv_msg(self, s, i):
        return super().recv_msg(s._replace(pending=_add(s.pending, i, 1)), i)._replace(
            pending=_add(s.pending, i, -1))     # the bug: enabled with nothing pending


@EWD998.mutant(
    "send_while_passive",
    "SendMsg without its guard active[i]: a passive node sends "
    "→ the refinement of AsyncTerminationDetection")
class SendWhilePassive(EWD998):
    def send_msg(self, s, i, j):
        return super().send_msg(s._replace(active=_with(s.active, i, True)), i, j)._replace(
            active=s.active)                    # the bug: enabled at a passive node


@EWD998.mutant(
    "pass_stays_black",
    "PassToken leaves the node's color as it is (Rule 7 "
    "dropped): a black node stains every later token → Liveness")
class PassStaysBlack(EWD998):
    def pass_token(self, s, i):
        t = super().pass_token(s, i)
        return None if t is None else t._replace(color=s.color)   # the bug: no Rule 7


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def _add(values: tuple[int, ...], index: int, delta: int) -> tuple[int, ...]:
    return _with(values, index, values[index] + delta)
