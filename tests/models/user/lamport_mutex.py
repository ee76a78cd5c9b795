"""Lamport's distributed mutual exclusion (Time, Clocks, and the Ordering
of Events in a Distributed System, CACM 21(7), 1978), a user's model
written with the kit after LamportMutex.tla of the TLA+ examples (Stephan
Merz; specifications/lamport_mutex) and its MCLamportMutex.cfg.

Processes ``p1`` .. ``pN`` each keep a Lamport clock, the timestamps of the
requests they know of, and the processes that acknowledged their own
request; every pair of processes is linked by FIFO channels, one each way:
the kit's `Fifo` network, where a process receives the oldest message of
each channel into it. Action by action, as the spec's Next lists them:

- Request(p): a process with no pending request timestamps one with its
  clock and broadcasts it (the clock does not advance);
- Enter(p): every process acknowledged and p's request ``beats`` every
  other it knows of, by timestamp, ties broken by the smaller id;
- Exit(p): leave, clear the request, broadcast a release;
- ReceiveRequest(p, q): note q's timestamp, advance the clock past it,
  acknowledge;
- ReceiveAck(p, q), ReceiveRelease(p, q): note the ack, clear q's request.

Where it differs from the spec in form only: the spec's set ``crit`` is a
flag in each process's record (``p \\in crit``), and its messages, records
with a ``type`` field, are three message types naming both ends (the FIFO
network needs them; Ack and Rel keep the field, see below). TypeOK is
checked without the cfg's ``MaxNat`` (TLC's finite stand-in for ``Nat``;
with ``MaxNat = maxClock + 1`` it bounds nothing). The bound is the spec's
``ClockConstraint`` (every clock at most ``maxClock``) as the state
constraint (`within_bounds`): as in TLC, a state beyond it is checked but
neither counted nor expanded.

Enter has no guard ``p \\notin crit``: in the critical section it is still
enabled and changes nothing. TLC generates that step (and counts it among
the states generated); the kit does not, and reports the state as no
deadlock all the same (`stutters`). The receipts of a process are tried
type by type (all its requests, then acks, then releases), where TLC tries
channel by channel; the states, depths and verdicts do not depend on it.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from checker import Fails, Param, invariant, reachable
from models.kit import ActorModel, Fifo, Node, ids, on, step
from models.kit.records import indexed_by

Proc = ids("N", "p", first=1, named=True)   # ordered by id (ties): never renamed


# -- the spec's variables, one process's part ----------------------------------------


class ProcState(NamedTuple):
    """clock[p], req[p][q] for every q (0: no request known), ack[p], p \\in crit."""

    clock: int = 1
    req: indexed_by(Proc) = ()
    ack: frozenset[Proc] = frozenset()
    crit: bool = False


# -- messages: ReqMessage(c), AckMessage, RelMessage on the channel sender -> receiver --
#
# The message's class is the spec's type field: an Ack and a Rel from p to q
# have equal fields, and the kit's Fifo tells them apart by their types.


class Req(NamedTuple):
    sender: Proc
    receiver: Proc
    clock: int
    src, dst = "sender", "receiver"


class Ack(NamedTuple):
    sender: Proc
    receiver: Proc
    src, dst = "sender", "receiver"


class Rel(NamedTuple):
    sender: Proc
    receiver: Proc
    src, dst = "sender", "receiver"


# -- actions: the process taking the step, then the message it receives ---------------


class Request(NamedTuple):
    p: Proc


class Enter(NamedTuple):
    p: Proc


class Exit(NamedTuple):
    p: Proc


class ReceiveRequest(NamedTuple):
    p: Proc
    sender: Proc
    receiver: Proc
    clock: int


class ReceiveAck(NamedTuple):
    p: Proc
    sender: Proc
    receiver: Proc


class ReceiveRelease(NamedTuple):
    p: Proc
    sender: Proc
    receiver: Proc


# -- a process: one handler per action of the spec ------------------------------------


class Process(Node):
    ids = Proc
    state = ProcState

    def initial(self) -> ProcState:
        return ProcState(req=(0,) * self.model.N)

    def others(self) -> list[int]:
        return [q for q in range(self.model.N) if q != self.id]

    def beats(self, s: ProcState, q: int) -> bool:
        """beats(p, q): p has no request from q, or its own is older; a tie
        goes to the smaller id."""
        p = self.id
        return s.req[q] == 0 or s.req[p] < s.req[q] or (s.req[p] == s.req[q] and p < q)

    @step(Request)
    def request(self, s):
        """Request(p): no request pending; timestamp one with the clock and
        broadcast it; p acknowledges itself."""
        if s.req[self.id] != 0:
            return None
        return (s._replace(req=_set(s.req, self.id, s.clock), ack=frozenset({self.id})),
                [Req(self.id, q, s.clock) for q in self.others()])

    @step(Enter)
    def enter(self, s):
        """Enter(p): all have acknowledged and p's request beats every other."""
        if len(s.ack) != self.model.N or not all(self.beats(s, q) for q in self.others()):
            return None
        return s._replace(crit=True), []

    @step(Exit)
    def exit(self, s):
        """Exit(p): leave, clear the request and the acks, broadcast a release."""
        if not s.crit:
            return None
        return (s._replace(crit=False, req=_set(s.req, self.id, 0), ack=frozenset()),
                [Rel(self.id, q) for q in self.others()])

    @on(Req, ReceiveRequest)
    def receive_request(self, s, m):
        """ReceiveRequest(p, q): note q's timestamp c, set the clock past
        both (c + 1 if c > clock, else clock + 1), acknowledge."""
        return (s._replace(req=_set(s.req, m.sender, m.clock), clock=max(m.clock, s.clock) + 1),
                [Ack(self.id, m.sender)])

    @on(Ack, ReceiveAck)
    def receive_ack(self, s, m):
        """ReceiveAck(p, q): q acknowledged p's request."""
        return s._replace(ack=s.ack | {m.sender}), []

    @on(Rel, ReceiveRelease)
    def receive_release(self, s, m):
        """ReceiveRelease(p, q): q's request is over."""
        return s._replace(req=_set(s.req, m.sender, 0)), []


def _set(entries: tuple, index: int, value: int) -> tuple:
    return entries[:index] + (value,) + entries[index + 1:]


# -- the model ----------------------------------------------------------------------------


class LamportMutex(ActorModel):
    name = "lamport-mutex"
    summary = "Lamport's distributed mutual exclusion over FIFO channels (LamportMutex.tla)"
    params = (Param("N", 3, "processes", minimum=1),
              Param("maxClock", 3, "the state constraint: every clock at most this",
                    minimum=1))
    roles = (Process,)
    messages = (Req, Ack, Rel)
    network = Fifo()
    # Next: \E p : Request(p) \/ Enter(p) \/ Exit(p), then the receipts
    next = ((Process.request, Process.enter, Process.exit),
            (Process.receive_request, Process.receive_ack, Process.receive_release))

    def processes(self, state) -> tuple[ProcState, ...]:
        return self.records(state, Process)

    def within_bounds(self, state) -> bool:
        """ClockConstraint: \\A p \\in Proc : clock[p] <= maxClock."""
        return all(s.clock <= self.maxClock for s in self.processes(state))

    def bound_reason(self, state) -> str | None:
        if not self.within_bounds(state):
            return f"a clock passes maxClock = {self.maxClock}"
        return None

    @invariant("TypeOK")
    def type_ok(self, state):
        """Clocks are positive, request timestamps natural, acks processes
        (the channels hold the three message types by construction)."""
        for p, s in enumerate(self.processes(state)):
            if s.clock < 1 or min(s.req) < 0 or not s.ack <= set(range(self.N)):
                return Fails(f"p{p + 1} is ill-typed: {s}")
        return True

    @invariant("BoundedNetwork")
    def bounded_network(self, state):
        """No channel holds more than three messages. (The kit offers no
        channel's queue: its messages are counted by their ends.)"""
        lengths = Counter((m.sender, m.receiver)
                          for kind in self.messages for m in self.sent(state, kind))
        for (sender, receiver), length in sorted(lengths.items()):
            if length > 3:
                return Fails(f"the channel p{sender + 1}→p{receiver + 1} holds {length} messages")
        return True

    @invariant("Mutex")
    def mutex(self, state):
        """At most one process is in its critical section."""
        inside = [f"p{p + 1}" for p, s in enumerate(self.processes(state)) if s.crit]
        if len(inside) > 1:
            return Fails(" and ".join(inside) + " are in the critical section")
        return True

    @reachable("A process enters")
    def entered(self, state):
        return any(s.crit for s in self.processes(state))


@LamportMutex.mutant("tie_to_both", "a tie between two requests' timestamps goes to both "
                                    "processes, not to the smaller id → Mutex")
class TieToBoth(Process):
    def beats(self, s: ProcState, q: int) -> bool:
        return s.req[q] == 0 or s.req[self.id] <= s.req[q]  # the bug: no tie-break by id
