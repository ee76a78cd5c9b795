"""Srikanth and Toueg's Byzantine reliable broadcast, one round, written as
a user would from bcastByz.tla of the TLA+ examples (Igor Konnov, Thanh Hai
Tran and Josef Widder; specifications/bcastByz, tlaplus/Examples 32a32c7):
a plain `checker.Model`, one method per operator of the spec.

N processes 1..N, of which N - F are correct (``Corr``) and F faulty
(``Faulty``), F <= T and N > 3T (the spec's ASSUME NTF). Which processes
are faulty is chosen by Init and kept for ever. A correct process starts in
V1 (it received the broadcaster's INIT) or V0 (it did not); it echoes once
(pc SE) and accepts (pc AC). Only correct processes step; a faulty process
is never scheduled, and its echo is available to every correct receiver at
any time (``ByzMsgs == Faulty \\X {"ECHO"}``).

A message is ``<<p, "ECHO">>`` in the spec; ``M`` has the one element
"ECHO", so here a message is its sender p, and ``sent``, ``rcvd[i]`` and
ByzMsgs are sets of senders (sorted tuples, so that states print the same
in every run).

Why a plain model and not the kit: a step of the spec receives any subset
of the messages (``\\E newMessages \\in SUBSET (sent \\cup ByzMsgs)``) and
reacts to the new count in the same step (the Upon operators read
``rcvd'``); there is no message consumed and no per-message handler, and
the Byzantine messages are no node's sends but a set the receivers draw
from. The kit's networks deliver one message per step.

Action by action: Step(self) is ReceiveFromAnySender(self) and one of
UponV1, UponNonFaulty, UponAcceptNotSentBefore and UponAcceptSentBefore;
a step here is ``Step(p, upon, received, from_faulty)``: the receiver, the
Upon operator taken, the messages received (the spec's newMessages, every
subset of ``sent \\cup ByzMsgs``, those already received included, as TLC
enumerates them) and whether one of them is a faulty process's. A
successor is yielded once per witness, as TLC generates it: UponV1 and
UponNonFaulty both lead from V1 to SE, and subsets that differ only in
messages already received lead to one state. TLC's generated count is
then ours plus one per distinct state: the stuttering step ``UNCHANGED
vars`` of Next, which TLC generates from every state (the tests check it).

Fairness: the spec's ``WF_vars(\\E self \\in Corr : ReceiveFromCorrectSender
(self) /\\ (UponV1(self) \\/ ... ))`` is one family over the steps that
receive no faulty message, ``Step(from_faulty=False)``
(`CORRECT_SENDERS_ONLY`). Every step changes a correct process's pc, which
never returns, so the only loops are stuttering: a behaviour is fair when
its last state enables no such step.

Properties: TypeOK and FCConstraints (the cfg's invariants), Unforg (the
NoBcast cfg's invariant; it fails from Init, where a correct process may
start in V1, so it is checked only when named, with ``no_bcast``:
InitNoBcast), RelayLtl and CorrLtl. CorrLtl, ``(\\A i \\in Corr : pc[i] =
"V1") => <>(\\A i \\in Corr : pc[i] = "AC")``, speaks of the first state
only; no step makes a correct process's pc V1, so only initial states have
every correct process in V1 and it is ``AllV1 ~> AllAccept`` here. The
cfg's UnforgLtl, ``(\\A i \\in Corr : pc[i] = "V0") => [](\\A i \\in Corr :
pc[i] /= "AC")``, is a safety property of the behaviours from the initial
states where every correct process is in V0; the pc of a faulty process is
never read, so those are InitNoBcast's up to the faulty processes' pc, and
it is checked as Unforg with ``no_bcast`` (a state does not tell whether
its correct processes started in V0).
"""

from __future__ import annotations

from itertools import combinations, product
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, leads_to
from checker.errors import ParamError

PCS = ("V0", "V1", "SE", "AC")


class State(NamedTuple):
    corr: tuple[int, ...]               # Corr: the correct processes
    faulty: tuple[int, ...]             # Faulty = Proc \ Corr
    pc: tuple[str, ...]                 # by process 1..N: V0, V1, SE or AC
    rcvd: tuple[tuple[int, ...], ...]   # by process: the senders of the ECHOes it received
    sent: tuple[int, ...]               # the senders of the ECHOes correct processes sent


class Step(NamedTuple):
    """``Step(self)``: p receives `received` (the spec's newMessages) and
    takes the Upon operator `upon`."""

    p: int
    upon: str
    received: tuple[int, ...]
    from_faulty: bool     # one of `received` is a faulty process's


#: the spec's fairness, WF_vars(\E self \in Corr : ReceiveFromCorrectSender(self) /\ ...)
CORRECT_SENDERS_ONLY = "Step(from_faulty=False)"


class BcastByz(Model):
    name = "bcast_byz"
    summary = "Srikanth-Toueg Byzantine reliable broadcast, one round (bcastByz.tla)"
    params = (
        Param("N", 4, "processes, correct and faulty", minimum=1, maximum=10),
        Param("T", 1, "the most faulty processes tolerated (N > 3T)", minimum=0),
        Param("F", 1, "faulty processes (F <= T)", minimum=0),
        Param("no_bcast", False, "InitNoBcast: every process starts in V0 (SpecNoBcast)"),
    )
    actions = (Step,)

    def setup(self):
        # ASSUME NTF == N > 3 * T /\ T >= F /\ F >= 0
        if self.N <= 3 * self.T:
            raise ParamError("params.T", f"the spec assumes N > 3T; with N = {self.N}, "
                             f"T must be at most {(self.N - 1) // 3}")
        if self.F > self.T:
            raise ParamError("params.F", f"the spec assumes T >= F; F must be at most {self.T}")
        self.procs = tuple(range(1, self.N + 1))

    # -- Init ----------------------------------------------------------------------

    def initial_states(self):
        """``sent = {}``, ``pc \\in [Proc -> {"V0", "V1"}]`` (InitNoBcast:
        every pc V0), no message received, ``Corr`` any N - F processes and
        ``Faulty`` the rest."""
        nobody = ((),) * self.N
        starts = ("V0",) if self.no_bcast else ("V0", "V1")
        for corr in combinations(self.procs, self.N - self.F):
            faulty = tuple(p for p in self.procs if p not in corr)
            for pc in product(starts, repeat=self.N):
                yield State(corr, faulty, pc, nobody, ())

    # -- Next ----------------------------------------------------------------------

    def successors(self, s: State):
        """``\\E self \\in Corr : Step(self)``: ReceiveFromAnySender(self),
        each subset of ``sent \\cup ByzMsgs`` received, and one of the four
        Upon operators on the receiver's new messages."""
        offered = tuple(sorted(set(s.sent) | set(s.faulty)))
        for p in s.corr:
            for size in range(len(offered) + 1):
                for received in combinations(offered, size):
                    rcvd_p = tuple(sorted(set(s.rcvd[p - 1]) | set(received)))
                    from_faulty = any(m in s.faulty for m in received)
                    for upon, rule in (("UponV1", self.upon_v1),
                                       ("UponNonFaulty", self.upon_non_faulty),
                                       ("UponAcceptNotSentBefore",
                                        self.upon_accept_not_sent_before),
                                       ("UponAcceptSentBefore", self.upon_accept_sent_before)):
                        t = rule(s, p, rcvd_p)
                        if t is not None:
                            yield Step(p, upon, received, from_faulty), t

    def upon_v1(self, s: State, p: int, rcvd_p: tuple[int, ...]) -> State | None:
        """Fig. 7's first rule: p received INIT and did not echo before
        (pc V1): it echoes (pc SE, ``<<p, "ECHO">>`` sent)."""
        if s.pc[p - 1] != "V1":
            return None
        return _step(s, p, rcvd_p, "SE", echo=True)

    def upon_non_faulty(self, s: State, p: int, rcvd_p: tuple[int, ...]) -> State | None:
        """Fig. 7's third rule: p did not echo (pc V0 or V1) and has ECHO
        from at least N - 2T processes, fewer than N - T (with N - T it
        accepts, UponAcceptNotSentBefore): it echoes (pc SE)."""
        if s.pc[p - 1] not in ("V0", "V1"):
            return None
        if not self.N - 2 * self.T <= len(rcvd_p) < self.N - self.T:
            return None
        return _step(s, p, rcvd_p, "SE", echo=True)

    def upon_accept_not_sent_before(self, s: State, p: int,
                                    rcvd_p: tuple[int, ...]) -> State | None:
        """Fig. 7's second and third rules: p did not echo (pc V0 or V1) and
        has ECHO from at least N - T processes: it accepts and echoes (pc
        AC)."""
        if s.pc[p - 1] not in ("V0", "V1") or len(rcvd_p) < self.N - self.T:
            return None
        return _step(s, p, rcvd_p, "AC", echo=True)

    def upon_accept_sent_before(self, s: State, p: int,
                                rcvd_p: tuple[int, ...]) -> State | None:
        """Fig. 7's second rule alone: p echoed (pc SE) and has ECHO from at
        least N - T processes: it accepts (pc AC), sending nothing."""
        if s.pc[p - 1] != "SE" or len(rcvd_p) < self.N - self.T:
            return None
        return _step(s, p, rcvd_p, "AC", echo=False)

    def state_view(self, s: State) -> dict:
        """Reports name a process's pc and rcvd by its id, 1..N as in the
        spec (``pc[3]``), not by its position in the tuple."""
        view = {"corr": list(s.corr), "faulty": list(s.faulty)}
        view.update({f"pc[{p}]": s.pc[p - 1] for p in self.procs})
        view.update({f"rcvd[{p}]": list(s.rcvd[p - 1]) for p in self.procs})
        view["sent"] = list(s.sent)
        return view

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """pc in ``[Proc -> {V0, V1, SE, AC}]``, Corr and Faulty subsets of
        Proc, ``sent \\subseteq Proc \\X M`` and ``rcvd \\in [Proc -> SUBSET
        (sent \\cup ByzMsgs)]``."""
        procs = set(self.procs)
        bad = [p for p in self.procs if s.pc[p - 1] not in PCS]
        if bad:
            return Fails(f"pc[{bad[0]}] = {s.pc[bad[0] - 1]!r} is not a control state")
        if not (set(s.corr) <= procs and set(s.faulty) <= procs and set(s.sent) <= procs):
            return Fails("Corr, Faulty or sent is not within Proc")
        allowed = set(s.sent) | set(s.faulty)
        for p in self.procs:
            forged = sorted(set(s.rcvd[p - 1]) - allowed)
            if forged:
                return Fails(f"process {p} received an ECHO of process {forged[0]}, "
                             "which is neither sent nor faulty")
        return True

    @invariant("FCConstraints")
    def fc_constraints(self, s: State):
        """Corr and Faulty partition Proc, ``Cardinality(Corr) >= N - T``,
        ``Cardinality(Faulty) <= T`` (and ByzMsgs has one message per faulty
        process, which holds of its definition)."""
        if set(s.corr) | set(s.faulty) != set(self.procs) or set(s.corr) & set(s.faulty):
            return Fails(f"Corr {s.corr} and Faulty {s.faulty} do not partition Proc")
        if len(s.corr) < self.N - self.T or len(s.faulty) > self.T:
            return Fails(f"{len(s.faulty)} faulty processes, T = {self.T}")
        return True

    @invariant("Unforg", default=False)
    def unforg(self, s: State):
        """``\\A i \\in Proc : i \\in Corr => pc[i] /= "AC"`` (SpecNoBcast's:
        no correct process accepts what no correct process broadcast)."""
        accepted = [p for p in s.corr if s.pc[p - 1] == "AC"]
        return not accepted or Fails(f"correct process {accepted[0]} accepted")

    @leads_to("RelayLtl")
    def relay_ltl(self, s: State):
        """``[]((\\E i \\in Corr : pc[i] = "AC") => <>(\\A i \\in Corr : pc[i]
        = "AC"))``."""
        return (any(s.pc[p - 1] == "AC" for p in s.corr),
                all(s.pc[p - 1] == "AC" for p in s.corr))

    @leads_to("CorrLtl")
    def corr_ltl(self, s: State):
        """``(\\A i \\in Corr : pc[i] = "V1") => <>(\\A i \\in Corr : pc[i] =
        "AC")``, as ``~>`` (only initial states have every correct process
        in V1: see the module's docstring)."""
        return (all(s.pc[p - 1] == "V1" for p in s.corr),
                all(s.pc[p - 1] == "AC" for p in s.corr))


def _step(s: State, p: int, rcvd_p: tuple[int, ...], pc: str, echo: bool) -> State:
    """p's new messages received, its pc set, and its ECHO sent if `echo`
    (``sent \\cup {<<p, "ECHO">>}``); Corr and Faulty unchanged."""
    sent = tuple(sorted(set(s.sent) | {p})) if echo else s.sent
    return s._replace(pc=_with(s.pc, p - 1, pc), rcvd=_with(s.rcvd, p - 1, rcvd_p), sent=sent)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


# -- mutants: each a subclass overriding one action (``BcastByz(mutant=name)``) -----------


@BcastByz.mutant(
    "echo_on_t",
    "UponNonFaulty echoes on ECHO from T processes, not N - 2T >= T + 1: "
    "the faulty processes alone make a correct one echo, and their echoes "
    "with those make one accept → Unforg (with no_bcast)")
class EchoOnT(BcastByz):
    def upon_non_faulty(self, s, p, rcvd_p):
        if s.pc[p - 1] not in ("V0", "V1") or not self.T <= len(rcvd_p) < self.N - self.T:
            return None     # the bug: T where the spec has N - 2T
        return _step(s, p, rcvd_p, "SE", echo=True)


@BcastByz.mutant(
    "no_accept_after_echo",
    "UponAcceptSentBefore never enabled (Fig. 7's second rule dropped for a "
    "process that already echoed): it waits in SE for ever → RelayLtl, CorrLtl")
class NoAcceptAfterEcho(BcastByz):
    def upon_accept_sent_before(self, s, p, rcvd_p):
        return None         # the bug: SE is final


@BcastByz.mutant(
    "receive_forged",
    "ReceiveFromAnySender draws from every process's ECHO, not only those "
    "sent or faulty (unauthenticated channels: an echo forged in a correct "
    "process's name) → TypeOK")
class ReceiveForged(BcastByz):
    def successors(self, s):
        # the bug: every process offers its ECHO, as if faulty
        for action, t in super().successors(s._replace(faulty=self.procs)):
            yield action, t._replace(faulty=s.faulty)
