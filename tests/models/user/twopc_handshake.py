"""The two-phase handshake, a hardware protocol by which a Producer and a
Consumer alternately perform actions, the Producer first, written as a user
would from TwoPhase.tla and MCTwoPhase.tla of the TLA+ examples
(specifications/TwoPhase, Lamport, tlaplus/Examples 32a32c7): a plain
`checker.Model`, one action per operator.

The Producer owns the bit ``p`` and the Consumer the bit ``c``. The Producer
acts when ``p = c`` and flips p (ProducerStep); the Consumer acts when ``p #
c`` and flips c (ConsumerStep). What each action does besides is the spec's
constant operator ``XAct(i, x, x')`` on a variable ``x`` (``i``: 0 for the
Producer, 1 for the Consumer), starting where ``XInit(x)`` says.

Why a plain model and not the kit: there are no messages; each process
reads the other's bit, a wire.

Parameters: MCTwoPhase.tla's ``XInit(v) == v = 0`` and ``XAct(i, xInit,
xNext) == xNext = xInit`` (x never changes) is ``XAct: unchanged``, the
default. ``XAct: actor``, ``xNext = i`` (x records who acted last), is
ours: with it the refinement below can tell the Producer's step from the
Consumer's, which with MCTwoPhase's XAct it cannot (x is 0 throughout).

Properties: MCTwoPhase.cfg's invariant Inv, ``p \\in {0, 1} /\\ c \\in
{0, 1}`` (a conjunct each), and the theorem ``Spec => A!Spec``: the spec
implements Alternate.tla (an action A_0 then A_1, alternately, on ``v``)
under the refinement mapping ``v <- vBar == (p + c) % 2``. A!Init holds in
the one initial state (vBar = 0, XInit(x)); ``[A!Next]_<<vBar, x>>`` is a
step property, ``refines_alternate``: each step flips vBar and is
``XAct(vBar, x, x')``, or changes neither vBar nor x.

Mutants (below), one method each, whose counterexamples are TLC's:
a Producer that does not wait for its turn (``p = c`` dropped) breaks the
refinement once XAct tells the two apart; a Producer that counts p up
without ``% 2`` breaks Inv.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Model, Param, invariant, transition


class State(NamedTuple):
    p: int = 0
    c: int = 0
    x: int = 0


class ProducerStep(NamedTuple):
    pass


class ConsumerStep(NamedTuple):
    pass


class TwoPhaseHandshake(Model):
    name = "two-phase-handshake"
    summary = "the two-phase handshake between a Producer and a Consumer (TwoPhase.tla)"
    params = (Param("XAct", "unchanged", "XAct(i, xInit, xNext): unchanged (xNext = xInit, "
                    "MCTwoPhase.tla's) or actor (xNext = i)",
                    schema={"enum": ["unchanged", "actor"]}),)
    actions = (ProducerStep, ConsumerStep)

    def initial_states(self):
        """p = 0, c = 0, XInit(x): x = 0."""
        yield State()

    def x_act(self, i: int, x: int) -> int:
        """x' for XAct(i, x, x')."""
        return i if self.XAct == "actor" else x

    def successors(self, s: State):
        """Next == ProducerStep \\/ ConsumerStep."""
        if (t := self.producer_step(s)) is not None:
            yield ProducerStep(), t
        if (t := self.consumer_step(s)) is not None:
            yield ConsumerStep(), t

    def producer_step(self, s: State) -> State | None:
        """p = c: XAct(0, x, x'), p flips."""
        if s.p != s.c:
            return None
        return State(p=(s.p + 1) % 2, c=s.c, x=self.x_act(0, s.x))

    def consumer_step(self, s: State) -> State | None:
        """p # c: XAct(1, x, x'), c flips."""
        if s.p == s.c:
            return None
        return State(p=s.p, c=(s.c + 1) % 2, x=self.x_act(1, s.x))

    def v_bar(self, s: State) -> int:
        """The refinement mapping: vBar == (p + c) % 2."""
        return (s.p + s.c) % 2

    @invariant("Inv (p)")
    def inv_p(self, s: State):
        return True if s.p in (0, 1) else Fails(f"p is {s.p}")

    @invariant("Inv (c)")
    def inv_c(self, s: State):
        return True if s.c in (0, 1) else Fails(f"c is {s.c}")

    @transition("A!Spec")
    def refines_alternate(self, s: State, action, t: State):
        """[A!Next]_<<vBar, x>>: v' = (v + 1) % 2 /\\ XAct(v, x, x'), with
        vBar for v; or vBar and x unchanged."""
        v, v_next = self.v_bar(s), self.v_bar(t)
        if (v_next, t.x) == (v, s.x):
            return True
        if v_next != (v + 1) % 2:
            return Fails(f"vBar goes from {v} to {v_next}")
        if t.x != self.x_act(v, s.x):
            return Fails(f"x goes from {s.x} to {t.x}, not XAct({v}, x, x')")
        return True


# -- mutants: each a subclass overriding one method (``TwoPhaseHandshake(mutant=name)``) --


@TwoPhaseHandshake.mutant(
    "producer_ignores_turn",
    "ProducerStep without its guard p = c: the Producer acts again before the Consumer "
    "has (its A_0 where Alternate takes A_1) → A!Spec, with XAct: actor")
class ProducerIgnoresTurn(TwoPhaseHandshake):
    def producer_step(self, s: State) -> State | None:
        return State(p=(s.p + 1) % 2, c=s.c, x=self.x_act(0, s.x))   # the bug: no p = c


@TwoPhaseHandshake.mutant(
    "no_mod",
    "ProducerStep sets p' = p + 1, not (p + 1) % 2: p leaves {0, 1} → Inv")
class NoMod(TwoPhaseHandshake):
    def producer_step(self, s: State) -> State | None:
        if s.p != s.c:
            return None
        return State(p=s.p + 1, c=s.c, x=self.x_act(0, s.x))   # the bug: no % 2
