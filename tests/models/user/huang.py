"""Huang's termination detection by weight throwing (Shing-Tsaan Huang,
"Detecting termination of distributed computations by external agents",
ICDCS 1989), a user's kit model written after Huang.tla and Huang.cfg of
the TLA+ examples (specifications/Huang, Markus Kuppe).

The leader starts active with the weight 1; every other process is idle
with weight 0. An active process sends a message carrying half its weight
to any process (the network is fully meshed: to itself and to the leader
too); a process other than the leader that receives a message adds its
weight and becomes active; one that goes idle throws its whole weight back
to the leader in a message. The leader adds the weights it receives and
may go idle once; it has detected termination when it is idle and holds the
weight 1 again. Weights are dyadic rationals (the DyadicRationals module),
held here as reduced pairs ``num/den`` as the module holds them.

Processes ``p0`` .. ``pN-1``, ``p0`` the leader (Huang.cfg's L, P1 .. P4 are
``p0`` .. ``p4``). ``msgs[p]`` is the sequence of the weights in transit to
p, a send appending to it, a receipt taking any one of them (``\\E i \\in
1..Len(msgs[p])``, ``RemoveAt``: "the order in which messages are received
does not matter"): the kit's ``Inbox(receive="any")``, one inbox per
process, in order, from which a receipt takes any position. Two orders of
the same weights are two states, as TLC counts them. A message is the
weight and the process it is for (``Msg(to, w)``): no sender, as
``msgs[p]`` holds weights alone.

One handler per action of Next: SendMsg(p) (the receiver q its choice),
RcvMsg(p) and Idle(p) of the processes other than the leader, RcvLdr and
IdleLdr of the leader (each the leader's alone, ``p0`` its step's node).
A receipt's step names the weight, not its position (``RcvMsg(p1, w=1/2)``):
equal weights at two positions are two steps of one name, as TLC has
two values of ``i``; the states after them show the order left.
Spec's fairness, ``WF_vars(RcvLdr) /\\ WF_vars(IdleLdr) /\\ \\A p # Leader :
WF_vars(RcvMsg(p)) /\\ WF_vars(Idle(p))``, is the families ``RcvLdr``,
``IdleLdr``, ``RcvMsg(p=*)`` and ``Idle(p=*)``.

Where the model differs, deliberately:

- Huang.cfg's StateConstraint (``weight[p].den <= 8``) is `within_bounds`,
  the 8 the parameter ``max_den``; as in TLC, a state beyond it is checked
  against the invariants but neither counted nor expanded.
- Safe, ``[](TerminationDetected => []Terminated)``, is the temporal form
  ``once_always``: no history variable.
- Huang.cfg's ALIAS (pretty printing) is the state view's: weights print
  ``1/2``.

huang_plain.py is the same spec as a plain `checker.Model`, written
before the kit's inboxes took any position; the tests hold both to TLC's
figures, and so to each other's.

Properties: TypeOK (its conjuncts; the weights of the processes and of the
messages in transit add up to 1), Safe and Live (``Terminated ~>
TerminationDetected``): the cfg's.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from checker import Fails, Param, invariant, leads_to
from checker.properties import once_always
from models.kit import ActorModel, Inbox, Node, ids, on, step
from models.kit.records import formatted

Proc = ids("procs", "p", named=True)      # Procs; p0 is the cfg's L
Weight = formatted("{}/{}", int, int)     # [num |-> n, den |-> d], reduced

ZERO: tuple[int, int] = (0, 1)
ONE: tuple[int, int] = (1, 1)
LEADER = 0


@cache
def add(p: tuple[int, int], q: tuple[int, int]) -> tuple[int, int]:
    """DyadicRationals' Add: the sum, reduced (both denominators powers of 2)."""
    den = max(p[1], q[1])
    return _reduced(p[0] * (den // p[1]) + q[0] * (den // q[1]), den)


@cache
def half(p: tuple[int, int]) -> tuple[int, int]:
    """DyadicRationals' Half."""
    return _reduced(p[0], p[1] * 2)


def weights_ok(weights: list[tuple[int, int]]) -> Any:
    """TypeOK's weights: each a dyadic rational, all adding up to 1."""
    for num, den in weights:
        if den & (den - 1) or den < 1:
            return Fails(f"the weight {num}/{den} is no dyadic rational")
    total = ZERO
    for w in weights:
        total = add(total, w)
    if total != ONE:
        return Fails(f"the weights of the processes and the messages add up to "
                     f"{total[0]}/{total[1]}, not 1")
    return True


def _reduced(num: int, den: int) -> tuple[int, int]:
    while num % 2 == 0 and den > 1:
        num, den = num // 2, den // 2
    return (0, 1) if num == 0 else (num, den)


# -- each process's variables, a message, the actions --------------------------------


class ProcState(NamedTuple):
    active: bool
    weight: Weight


class Msg(NamedTuple):
    """A weight in transit to `to`: one of msgs[to]."""

    to: Proc
    w: Weight
    dst = "to"


class SendMsg(NamedTuple):
    p: Proc
    q: Proc


class RcvMsg(NamedTuple):
    p: Proc
    to: Proc
    w: Weight


class Idle(NamedTuple):
    p: Proc


class RcvLdr(NamedTuple):
    p: Proc
    to: Proc
    w: Weight


class IdleLdr(NamedTuple):
    p: Proc


class Process(Node):
    ids = Proc
    state = ProcState

    def initial(self) -> ProcState:
        """Only the leader is active, holding the weight 1."""
        leader = self.id == LEADER
        return ProcState(active=leader, weight=ONE if leader else ZERO)

    @step(SendMsg, choose="procs")
    def send_msg(self, s, q):
        """An active process halves its weight and sends the half to q."""
        if not s.active:
            return None
        kept = half(s.weight)
        return s._replace(weight=kept), [Msg(q, kept)]

    @on(Msg, RcvMsg)
    def rcv_msg(self, s, m):
        """A process other than the leader takes a weight sent to it, adds
        it to its own and becomes active."""
        if self.id == LEADER:
            return None
        return s._replace(active=True, weight=add(s.weight, m.w)), []

    @step(Idle)
    def idle(self, s):
        """An active process other than the leader goes idle and throws its
        weight back to the leader."""
        if self.id == LEADER or not s.active:
            return None
        return s._replace(active=False, weight=ZERO), [Msg(LEADER, s.weight)]

    @on(Msg, RcvLdr)
    def rcv_ldr(self, s, m):
        """The leader takes a weight sent to it (staying as active or idle
        as it is)."""
        if self.id != LEADER:
            return None
        return s._replace(weight=add(s.weight, m.w)), []

    @step(IdleLdr)
    def idle_ldr(self, s):
        """The active leader goes idle, keeping its weight."""
        if self.id != LEADER or not s.active:
            return None
        return s._replace(active=False), []


class Huang(ActorModel):
    name = "huang"
    summary = "Huang's termination detection by weight throwing (Huang.tla)"
    params = (
        Param("procs", 5, "processes, the leader p0 among them (Huang.cfg's L, P1 .. P4)",
              minimum=1, maximum=8),
        Param("max_den", 8, "StateConstraint: every weight's denominator at most max_den",
              minimum=1),
    )
    roles = (Process,)
    messages = (Msg,)
    network = Inbox(receive="any")
    symmetry_sets = ("procs",)
    next = ((Process.send_msg, Process.rcv_msg, Process.idle, Process.rcv_ldr,
             Process.idle_ldr),)

    def symmetry_groups(self) -> dict[str, list[list[int]]]:
        """The leader alone, the other processes interchangeable."""
        return {"procs": [[LEADER], list(range(1, self.procs))]}

    def processes(self, state) -> tuple[ProcState, ...]:
        return self.records(state, Process)

    # -- the state constraint ----------------------------------------------------------

    def within_bounds(self, state) -> bool:
        """StateConstraint: ``\\A p : weight[p].den <= 8``."""
        return all(s.weight[1] <= self.max_den for s in self.processes(state))

    def bound_reason(self, state) -> str | None:
        for p, s in enumerate(self.processes(state)):
            num, den = s.weight
            if den > self.max_den:
                return (f"{Proc.name_of(p)}'s weight {num}/{den} passes the denominator "
                        f"max_den = {self.max_den}")
        return super().bound_reason(state)

    # -- the spec's definitions --------------------------------------------------------

    def termination_detected(self, state) -> bool:
        """TerminationDetected: the leader is idle and holds the weight 1."""
        leader = self.processes(state)[LEADER]
        return not leader.active and leader.weight == ONE

    def terminated(self, state) -> bool:
        """Terminated: every process idle, no message in transit."""
        return not any(s.active for s in self.processes(state)) and not any(
            self.sent(state, Msg))

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, state):
        """active a boolean per process, every weight (a process's, a
        message's) a dyadic rational, and all of them adding up to 1."""
        processes = self.processes(state)
        for p, s in enumerate(processes):
            if not isinstance(s.active, bool):
                return Fails(f"active[{Proc.name_of(p)}] = {s.active!r} is no boolean")
        return weights_ok([s.weight for s in processes] + [m.w for m in self.sent(state, Msg)])

    @once_always("Safe")
    def safe(self, state):
        """[](TerminationDetected => []Terminated): once termination is
        detected, terminated for ever."""
        return self.termination_detected(state), self.terminated(state)

    @leads_to("Live")
    def live(self, state):
        """Terminated ~> TerminationDetected."""
        return self.terminated(state), self.termination_detected(state)


# -- mutants: each one handler overridden ---------------------------------------------------


@Huang.mutant("idle_loses_weight", "Idle does not throw the weight back to the leader: "
                                   "it is lost → TypeOK (the weights add up to 1)")
class IdleLosesWeight(Process):
    @step(Idle)
    def idle(self, s):
        found = super().idle(s)
        return None if found is None else (found[0], [])      # the bug: nothing sent


@Huang.mutant("leader_sends_while_idle", "the leader sends after it went idle "
                                         "(SendMsg's active[p] not read for it) → Safe")
class LeaderSendsWhileIdle(Process):
    @step(SendMsg, choose="procs")
    def send_msg(self, s, q):
        if self.id == LEADER:                                  # the bug: idle or not
            new, sends = super().send_msg(s._replace(active=True), q)
            return new._replace(active=s.active), sends
        return super().send_msg(s, q)


@Huang.mutant("receive_stays_idle", "RcvMsg does not activate the receiver, which then "
                                    "never throws its weight back → Live")
class ReceiveStaysIdle(Process):
    @on(Msg, RcvMsg)
    def rcv_msg(self, s, m):
        found = super().rcv_msg(s, m)
        return None if found is None else (found[0]._replace(active=s.active), [])  # the bug
