"""Huang's termination detection by weight throwing (Shing-Tsaan Huang,
"Detecting termination of distributed computations by external agents",
ICDCS 1989), a user's plain model (the yardstick of huang.py, the kit's
port) written after Huang.tla and Huang.cfg of the TLA+ examples
(specifications/Huang, Markus Kuppe).

The protocol and its weights are as huang.py says.

Processes ``p0`` .. ``pN-1``, ``p0`` the leader (Huang.cfg's L, P1 .. P4 are
``p0`` .. ``p4``). ``msgs[p]`` is the sequence of the weights in transit to
p; a receipt takes any one of them (``\\E i \\in 1..Len(msgs[p])``, "the order
in which messages are received does not matter").

Why a plain model: it was written before the kit's inboxes took a
message at any position (``msgs[p]`` is a sequence from which a receipt
takes any one, so two orders of the same weights are two states; the
kit's `Bag` forgets the order, its `Inbox` then delivered only the
oldest). huang.py is now the kit's port, ``Inbox(receive="any")``; this
one stays as its yardstick, and the tests hold both to TLC's figures. The
state is typed records (`Symmetric`), so the state view, and symmetry over
the processes other than the leader, are derived.

One method per action of Next, in its order: SendMsg(p) for each p, the
receiver q the step's field; for each p other than the leader RcvMsg(p)
(the position i the step's field, from 1 as TLA+ counts) and Idle(p); then
RcvLdr (the leader receives, staying idle or active as it is) and IdleLdr.
Spec's fairness and Huang.cfg's StateConstraint are as huang.py says.

Where the model differs, deliberately:

- None in Safe: ``[](TerminationDetected => []Terminated)`` is the
  temporal form ``once_always`` (a property of behaviours, not of states,
  checked on the graph of reachable states), so the state is Huang.tla's,
  with no history variable, and the counts are TLC's on Huang.tla as
  published. (Before that form the port kept a history variable,
  ``detected``, and checked ``detected => Terminated`` as an invariant:
  the same counts in this model, where TerminationDetected holds only in
  states where nothing is enabled, but not in a mutant that goes on after
  it.)
- Huang.cfg's ALIAS (pretty printing) is the state view's: weights print
  ``1/2``.

Properties: TypeOK (its conjuncts; the weights of the processes and of the
messages in transit add up to 1), Safe and Live (``Terminated ~>
TerminationDetected``): the cfg's.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Model, Param, ParamError, invariant, leads_to
from checker.properties import once_always
from models.kit import Symmetric, indexed_by

# (the kit port's identifiers and DyadicRationals arithmetic: the yardstick is
# of the network, a sequence per process received at any position)
from tests.models.user.huang import ONE, ZERO, Proc, Weight, add, half, weights_ok


class State(NamedTuple):
    active: indexed_by(Proc, bool)
    weight: indexed_by(Proc, Weight)
    msgs: indexed_by(Proc, tuple[Weight, ...])      # the weights in transit to p


class SendMsg(NamedTuple):
    p: Proc
    q: Proc


class RcvMsg(NamedTuple):
    p: Proc
    i: int      # the position in msgs[p], from 1


class Idle(NamedTuple):
    p: Proc


class RcvLdr(NamedTuple):
    i: int      # the position in msgs[Leader], from 1


class IdleLdr(NamedTuple):
    pass


class Huang(Symmetric, Model):
    name = "huang"
    summary = "Huang's termination detection by weight throwing (Huang.tla)"
    params = (
        Param("procs", 5, "processes, the leader p0 among them (Huang.cfg's L, P1 .. P4)",
              minimum=1, maximum=8),
        Param("max_den", 8, "StateConstraint: every weight's denominator at most max_den",
              minimum=1),
    )
    actions = (SendMsg, RcvMsg, Idle, RcvLdr, IdleLdr)
    state_type = State
    symmetry_sets = ("procs",)
    leader = 0

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """The leader alone, the other processes interchangeable."""
        return {"procs": [[0], list(range(1, self.procs))]}

    # -- Init ----------------------------------------------------------------------

    def initial_states(self):
        """Only the leader is active, holding the weight 1; no message."""
        n = self.procs
        weight = (ONE,) + (ZERO,) * (n - 1)
        yield State(active=(True,) + (False,) * (n - 1), weight=weight, msgs=((),) * n)

    # -- Next ----------------------------------------------------------------------

    def successors(self, s: State):
        for p in range(self.procs):
            for q in range(self.procs):
                t = self.send_msg(s, p, q)
                if t is not None:
                    yield SendMsg(p, q), t
        for p in range(self.procs):
            if p == self.leader:
                continue
            for i in range(1, len(s.msgs[p]) + 1):
                yield RcvMsg(p, i), self.rcv_msg(s, p, i)
            t = self.idle(s, p)
            if t is not None:
                yield Idle(p), t
        for i in range(1, len(s.msgs[self.leader]) + 1):
            yield RcvLdr(i), self.rcv_ldr(s, i)
        t = self.idle_ldr(s)
        if t is not None:
            yield IdleLdr(), t

    def send_msg(self, s: State, p: int, q: int) -> State | None:
        """An active process halves its weight and sends the half to q."""
        if not s.active[p]:
            return None
        kept = half(s.weight[p])
        return s._replace(weight=_with(s.weight, p, kept),
                          msgs=_with(s.msgs, q, s.msgs[q] + (kept,)))

    def rcv_msg(self, s: State, p: int, i: int) -> State:
        """A process other than the leader takes the i-th weight sent to it,
        adds it to its own and becomes active."""
        return s._replace(active=_with(s.active, p, True),
                          weight=_with(s.weight, p, add(s.weight[p], s.msgs[p][i - 1])),
                          msgs=_with(s.msgs, p, _removed(s.msgs[p], i)))

    def idle(self, s: State, p: int) -> State | None:
        """An active process other than the leader goes idle and throws its
        weight back to the leader."""
        if not s.active[p]:
            return None
        return s._replace(active=_with(s.active, p, False), weight=_with(s.weight, p, ZERO),
                          msgs=_with(s.msgs, self.leader,
                                     s.msgs[self.leader] + (s.weight[p],)))

    def rcv_ldr(self, s: State, i: int) -> State:
        """The leader takes the i-th weight sent to it (staying as active or
        idle as it is)."""
        leader = self.leader
        return s._replace(weight=_with(s.weight, leader,
                                       add(s.weight[leader], s.msgs[leader][i - 1])),
                          msgs=_with(s.msgs, leader, _removed(s.msgs[leader], i)))

    def idle_ldr(self, s: State) -> State | None:
        """The active leader goes idle, keeping its weight."""
        if not s.active[self.leader]:
            return None
        return s._replace(active=_with(s.active, self.leader, False))

    # -- the state constraint ----------------------------------------------------------

    def within_bounds(self, s: State) -> bool:
        """StateConstraint: ``\\A p : weight[p].den <= 8``."""
        return all(den <= self.max_den for _, den in s.weight)

    def bound_reason(self, s: State) -> str | None:
        for p, (num, den) in enumerate(s.weight):
            if den > self.max_den:
                return (f"{Proc.name_of(p)}'s weight {num}/{den} passes the denominator "
                        f"max_den = {self.max_den}")
        return None

    # -- the spec's definitions --------------------------------------------------------

    def termination_detected(self, s: State) -> bool:
        """TerminationDetected: the leader is idle and holds the weight 1."""
        return not s.active[self.leader] and s.weight[self.leader] == ONE

    @staticmethod
    def terminated(s: State) -> bool:
        """Terminated: every process idle, no message in transit."""
        return not any(s.active) and not any(s.msgs)

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """active a boolean per process, every weight (a process's, a
        message's) a dyadic rational, and all of them adding up to 1."""
        for p, a in enumerate(s.active):
            if not isinstance(a, bool):
                return Fails(f"active[{Proc.name_of(p)}] = {a!r} is no boolean")
        return weights_ok(list(s.weight) + [w for sent in s.msgs for w in sent])

    @once_always("Safe")
    def safe(self, s: State):
        """[](TerminationDetected => []Terminated): once termination is
        detected, terminated for ever."""
        return self.termination_detected(s), self.terminated(s)

    @leads_to("Live")
    def live(self, s: State):
        """Terminated ~> TerminationDetected."""
        return self.terminated(s), self.termination_detected(s)

    def setup(self):
        super().setup()
        if self.procs < 1:
            raise ParamError("params.procs", "must be at least 1 (the leader)")


# -- mutants: each a subclass overriding one action -----------------------------------------


@Huang.mutant("idle_loses_weight", "Idle does not throw the weight back to the leader: "
                                   "it is lost → TypeOK (the weights add up to 1)")
class IdleLosesWeight(Huang):
    def idle(self, s, p):
        t = super().idle(s, p)
        return None if t is None else t._replace(msgs=s.msgs)   # the bug: nothing sent


@Huang.mutant("leader_sends_while_idle", "the leader sends after it went idle "
                                         "(SendMsg's active[p] not read for it) → Safe")
class LeaderSendsWhileIdle(Huang):
    def send_msg(self, s, p, q):
        if p == self.leader:                                   # the bug: idle or not
            return super().send_msg(s._replace(active=_with(s.active, p, True)), p, q
                                    )._replace(active=s.active)
        return super().send_msg(s, p, q)


@Huang.mutant("receive_stays_idle", "RcvMsg does not activate the receiver, which then "
                                    "never throws its weight back → Live")
class ReceiveStaysIdle(Huang):
    def rcv_msg(self, s, p, i):
        return super().rcv_msg(s, p, i)._replace(active=s.active)  # the bug: stays idle


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def _removed(values: tuple, i: int) -> tuple:
    """RemoveAt(values, i), i from 1."""
    return values[:i - 1] + values[i:]
