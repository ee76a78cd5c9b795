"""Consensus in one communication step with crash faults (Brasileiro,
Greve, Mostefaoui and Raynal, PaCT 2001, Fig. 1), a user's model written
with the kit after c1cs.tla of the TLA+ examples (specifications/c1cs, Tran,
Konnov and Widder, 2016): the one-step part of the algorithm alone, the
underlying consensus it falls back on being a location, CALL.

Each process ``p1`` .. ``pN`` proposes a value (``v``, chosen at the start)
by broadcasting PROPOSED(v). Once it has received N - T proposals, it
decides at once if they all carry the same value (and broadcasts
DECISION); otherwise it adopts a value proposed at least N - 2T times, if
one is, and calls the underlying consensus. A process that receives a
DECISION decides its value and passes it on.

The spec's variables: each process's record is ``pc``, ``v``, ``dValue``
(None: Bottom) and ``rcvdMsg``, the set of messages it received;
``bcastMsg``, every message broadcast, is the kit's `MessageSet`, from
which a receipt adds one not yet received to ``rcvdMsg``. Values ``v1``,
``v2`` (the cfg's model values, in its order: CHOOSE picks the first).

One handler per disjunct of Next, in the spec's words:

- Crash(i): its guard, as published, counts the processes that have *not*
  crashed, ``Cardinality({p \\in Proc : pc[p] # "CRASH"}) < F``, which the
  ASSUME (N > 3T >= 3F) makes false in every state: no process ever
  crashes, in TLC's runs as here (the comment above it, "less than F
  faulty", means ``pc[p] = "CRASH"``). The model keeps the guard as
  written, reading a count of the crashed processes kept in the globals
  (always 0, so it adds no state);
- Receive(i), the handler of `Msg`; Propose(i); Core_T1(i); T2(i), which
  decides the value of a received DECISION (``\\E msg``: once per value
  among them);
- DoNothing(i), ``UNCHANGED vars`` where pc is CALL or DONE "just to avoid
  deadlock checking", changes nothing and is not generated: `stutters`
  says such a state is no deadlock, as TLC finds.

Properties: TypeOK, Validity, Agreement (its two conjuncts apart: the
decisions, which is WeakAgreement, and CALL against DONE), WeakAgreement
and IndStrengthens, its violation naming the conjunct; Termination,
``<>(every process crashed, done or calling)``, under Spec's fairness, weak
fairness of Receive, Propose, Core_T1 and T2 of all processes together:
``"Receive | Propose | CoreT1 | T2"``.

Symmetry: c1cs.cfg declares none. Processes are interchangeable (renaming
derived from the fields typed `Proc`), and TLC agrees with ``Proc``
overridden by model values under ``SYMMETRY Permutations(Proc)``; values
are not (CHOOSE picks the first).
"""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

from checker import Fails, Param, ParamError, eventually, invariant
from models.kit import ActorModel, MessageSet, Node, ids, on, step

Proc = ids("procs", "p", first=1, named=True)      # Proc == 1..N
Val = ids("values", "v", first=1, named=True)      # Values == {v1, v2}; never renamed

LOCATIONS = ("PROPOSE", "DECIDE", "CALL", "CRASH", "DONE")


class Msg(NamedTuple):
    """[type |-> "Proposed" or "Decision", value |-> v_i, sndr |-> i]"""

    type: str
    value: Val
    sndr: Proc
    src = "sndr"


class ProcState(NamedTuple):
    """pc[i], v[i], dValue[i] (None: Bottom) and rcvdMsg[i]."""

    pc: str = "PROPOSE"
    v: Val = 0
    d_value: Val | None = None
    rcvd: frozenset[Msg] = frozenset()


class Crashed(NamedTuple):
    """How many processes crashed (Cardinality({p : pc[p] = "CRASH"}))."""

    n_crashed: int = 0


class Crash(NamedTuple):
    i: Proc


class Receive(NamedTuple):
    i: Proc
    type: str
    value: Val
    sndr: Proc


class Propose(NamedTuple):
    i: Proc


class CoreT1(NamedTuple):
    i: Proc


class T2(NamedTuple):
    i: Proc
    value: Val


def received(s: ProcState, kind: str, value: int | None = None) -> list[Msg]:
    """{msg \\in rcvdMsg[i] : msg.type = kind (/\\ msg.value = value)}"""
    return [m for m in s.rcvd if m.type == kind and (value is None or m.value == value)]


class Process(Node):
    ids = Proc
    state = ProcState

    @step(Crash, reads_globals="n_crashed", writes_globals="n_crashed")
    def crash(self, s, n_crashed):
        """If there are less than F faulty processes, process i crashes."""
        if not self.model.may_crash(n_crashed) or s.pc == "CRASH":
            return None
        return s._replace(pc="CRASH"), [], {"n_crashed": n_crashed + 1}

    @on(Msg, Receive)
    def receive(self, s, msg):
        """Receives a new message."""
        if s.pc == "CRASH" or msg in s.rcvd:
            return None
        return s._replace(rcvd=s.rcvd | {msg}), []

    @step(Propose)
    def propose(self, s):
        """Broadcasts PROPOSED(v_i)."""
        if s.pc != "PROPOSE":
            return None
        return s._replace(pc="DECIDE"), [Msg("Proposed", s.v, self.id)]

    @step(CoreT1)
    def core_t1(self, s):
        """Once N - T proposals are received: decide if they all carry one
        value; else adopt a value proposed N - 2T times, if one is, and call
        the underlying consensus."""
        model = self.model
        if s.pc != "DECIDE" or len(received(s, "Proposed")) < model.procs - model.T:
            return None
        if self.proposals_agree(s):
            d_value = model.first_value(lambda t: len(received(s, "Proposed", t))
                                        >= model.procs - model.T)
            return (s._replace(d_value=d_value, pc="DONE"),
                    [Msg("Decision", d_value, self.id)])
        adopted = model.first_value(lambda t: len(received(s, "Proposed", t))
                                    >= model.procs - 2 * model.T)
        return s._replace(v=s.v if adopted is None else adopted, pc="CALL"), []

    def proposals_agree(self, s) -> bool:
        """\\E tV \\in Values : \\A msg \\in rcvdMsg[i] :
             msg.type = "Proposed" => msg.value = tV"""
        return any(all(m.value == t for m in received(s, "Proposed"))
                   for t in range(self.model.values))

    @step(T2, choose=lambda node, s: sorted({m.value for m in received(s, "Decision")}))
    def t2(self, s, value):
        """If process i received a DECISION message, it decides."""
        if s.pc in ("DONE", "CRASH"):
            return None
        return s._replace(d_value=value, pc="DONE"), [Msg("Decision", value, self.id)]


class C1cs(ActorModel):
    name = "c1cs"
    summary = "consensus in one communication step with crash faults (c1cs.tla)"
    params = (
        Param("procs", 3, "processes (the spec's N)", minimum=1, maximum=5),
        Param("T", 0, "the faults the algorithm tolerates: 3T < N", minimum=0),
        Param("F", 0, "the faults that may happen: F <= T", minimum=0),
        Param("values", 2, "values v1..vK (the cfg's {v1, v2})", minimum=1, maximum=3),
    )
    roles = (Process,)
    messages = (Msg,)
    network = MessageSet()
    globals = Crashed
    symmetry_sets = ("procs",)
    # Next == \E i \in Proc : Crash(i) \/ Receive(i) \/ Propose(i) \/ Core_T1(i) \/ T2(i)
    #                         \/ DoNothing(i)
    next = ((Process.crash, Process.receive, Process.propose, Process.core_t1, Process.t2),)

    def check_sound(self) -> None:
        """ASSUME 3 * T < N /\\ 0 <= F /\\ F <= T /\\ 0 < N"""
        if not 3 * self.T < self.procs:
            raise ParamError("params.T", f"the spec assumes 3T < N; got T = {self.T} with "
                                         f"N = {self.procs} processes")
        if not self.F <= self.T:
            raise ParamError("params.F", f"the spec assumes F <= T; got F = {self.F} with "
                                         f"T = {self.T}")

    def may_crash(self, n_crashed: int) -> bool:
        """Crash's guard as published: Cardinality({p \\in Proc : pc[p] #
        "CRASH"}) < F."""
        return self.procs - n_crashed < self.F

    def first_value(self, holds) -> int | None:
        """CHOOSE tV \\in Values : holds(tV), the first in the cfg's order
        (None where none does; the spec reads it only where one does)."""
        return next((t for t in range(self.values) if holds(t)), None)

    def initial_states(self):
        """Init: v \\in [Proc -> Values], every process at PROPOSE."""
        start = super().initial_states()[0]
        rest = start[self.procs:]
        return [tuple(ProcState(v=v) for v in votes) + rest
                for votes in product(range(self.values), repeat=self.procs)]

    def stutters(self, state) -> bool:
        """DoNothing(i): a step where some pc is CALL or DONE."""
        return any(p.pc in ("CALL", "DONE") for p in self.processes(state)) or super(
            ).stutters(state)

    def processes(self, state) -> tuple[ProcState, ...]:
        return self.records(state, Process)

    # -- properties --------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, state):
        sent = self.sent(state, Msg)
        for i, p in enumerate(self.processes(state)):
            if p.pc not in LOCATIONS:
                return Fails(f"{Proc.name_of(i)} is at {p.pc}")
            if not 0 <= p.v < self.values:
                return Fails(f"{Proc.name_of(i)}'s v {p.v} is no value")
            if p.d_value is not None and not 0 <= p.d_value < self.values:
                return Fails(f"{Proc.name_of(i)} decided {p.d_value}, no value")
        for m in sent:
            if m.type not in ("Proposed", "Decision") or not 0 <= m.value < self.values:
                return Fails(f"{m} is no message")
        return True

    @invariant("Validity")
    def validity(self, state):
        """If a process decides v, then v was proposed by some process."""
        ps = self.processes(state)
        for i, p in enumerate(ps):
            if p.d_value is not None and all(q.v != p.d_value for q in ps):
                return Fails(f"{Proc.name_of(i)} decided {Val.name_of(p.d_value)}, which "
                             "no process holds")
        return True

    @invariant("Agreement (decisions)")
    def agreement_decisions(self, state):
        """Agreement's first line: no two processes decide differently."""
        return self.weak_agreement(state)

    @invariant("Agreement (calls)")
    def agreement_calls(self, state):
        """Agreement's second line: if some process decided v, every process
        calling the underlying consensus proposes v."""
        ps = self.processes(state)
        for i, p in enumerate(ps):
            if p.pc != "CALL":
                continue
            for j, q in enumerate(ps):
                if q.pc == "DONE" and p.v != q.d_value:
                    return Fails(f"{Proc.name_of(i)} calls consensus with "
                                 f"{Val.name_of(p.v)}, but {Proc.name_of(j)} decided "
                                 f"{Val.name_of(q.d_value)}")
        return True

    @invariant("WeakAgreement")
    def weak_agreement(self, state):
        """No two processes decide differently."""
        decided = [(i, p.d_value) for i, p in enumerate(self.processes(state))
                   if p.d_value is not None]
        for i, d in decided:
            for j, e in decided:
                if d != e:
                    return Fails(f"{Proc.name_of(i)} decided {Val.name_of(d)} and "
                                 f"{Proc.name_of(j)} {Val.name_of(e)}")
        return True

    @invariant("IndStrengthens")
    def ind_strengthens(self, state):
        """The spec's candidate inductive strengthening, conjunct by conjunct
        (TypeOK, its first, is checked apart)."""
        ps = self.processes(state)
        sent = sorted(self.sent(state, Msg))
        decisions = [m for m in sent if m.type == "Decision"]
        for m in sent:
            if m.type == "Proposed" and ps[m.sndr].pc in ("PROPOSE", "DECIDE") \
                    and m.value != ps[m.sndr].v:
                return Fails(f"{Proc.name_of(m.sndr)} proposed {Val.name_of(m.value)} but "
                             "prefers another value")
        for m in sent:
            for n in sent:
                if m.sndr == n.sndr and m.type == n.type and m.value != n.value:
                    return Fails(f"{Proc.name_of(m.sndr)} sent two {m.type} messages")
        if len({m.value for m in decisions}) > 1:
            return Fails("two DECISION messages carry different values")
        for m in decisions:
            if len([n for n in sent if n.type == "Proposed" and n.value == m.value]) \
                    < self.procs - self.T:
                return Fails(f"DECISION({Val.name_of(m.value)}) has fewer than N - T "
                             "proposals of its value")
        for i, p in enumerate(ps):
            name = Proc.name_of(i)
            if p.pc == "PROPOSE" and any(m.sndr == i for m in sent):
                return Fails(f"{name} sent a message before proposing")
            if p.d_value is None and any(m.sndr == i for m in decisions):
                return Fails(f"{name} sent a DECISION but has not decided")
            if p.pc == "DONE" and p.d_value is None:
                return Fails(f"{name} is done with no decision")
            if p.d_value is not None and Msg("Decision", p.d_value, i) not in sent:
                return Fails(f"{name} decided but did not broadcast its decision")
            if p.d_value is not None and p.pc in ("PROPOSE", "DECIDE"):
                return Fails(f"{name} decided at {p.pc}")
            if p.pc in ("PROPOSE", "DECIDE") and sent and p.d_value is not None:
                return Fails(f"{name} decided before leaving {p.pc}")
            if not p.rcvd <= set(sent):
                return Fails(f"{name} received a message never broadcast")
        return True

    @eventually("Termination")
    def termination(self, state) -> bool:
        """Every correct process eventually decides or calls the
        underlying consensus."""
        return all(p.pc in ("CRASH", "DONE", "CALL") for p in self.processes(state))


# -- mutants: one handler each ---------------------------------------------------------


@C1cs.mutant("proposes_other_value", "Propose broadcasts a value other than the one the "
                                     "process holds → IndStrengthens, and Validity once "
                                     "every process holds the same")
class ProposingAnother(Process):
    def propose(self, s):
        result = super().propose(s)
        other = next(t for t in range(self.model.values) if t != s.v)
        return result and (result[0], [Msg("Proposed", other, self.id)])  # the bug


@C1cs.mutant("decision_flipped", "T2 decides a value other than the received DECISION's "
                                 "→ WeakAgreement")
class FlippingDecisions(Process):
    def t2(self, s, value):
        other = next(t for t in range(self.model.values) if t != value)
        return super().t2(s, other)  # the bug


@C1cs.mutant("t2_silent", "T2 decides without broadcasting its DECISION → "
                          "IndStrengthens (a decision every process must pass on)")
class SilentDecider(Process):
    def t2(self, s, value):
        result = super().t2(s, value)
        return result and (result[0], [])  # the bug


@C1cs.mutant("waits_for_every_proposal", "Core_T1 waits for N - T + 1 proposals, more "
                                         "than there are processes → Termination")
class WaitingForever(Process):
    def core_t1(self, s):
        if len(received(s, "Proposed")) < self.model.procs - self.model.T + 1:
            return None  # the bug
        return super().core_t1(s)
