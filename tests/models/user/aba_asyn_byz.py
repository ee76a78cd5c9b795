"""Asynchronous Byzantine agreement (Bracha and Toueg, "Asynchronous
consensus and broadcast protocols", JACM 32(4), 1985, Fig. 3), a user's
model written with the kit after aba_asyn_byz.tla of the TLA+ examples
(specifications/aba-asyn-byz, Tran, Konnov and Widder, 2016).

Each process ``p1`` .. ``pN`` starts with value 1 (V1) or 0 (V0). One with
1 sends ECHO; one with 0 sends ECHO once it has received (N + T + 2) / 2
ECHOs or T + 1 READYs. Once it has echoed and received as many, it sends
READY, and it accepts (AC) once it has received 2T + 1 READYs. Up to F
processes become Byzantine (BYZ) before they send anything, and from then
on every process may receive one message of each kind more from each of
them.

The spec counts messages instead of holding them, as threshold automata
do: how many ECHOs and READYs the correct processes sent (``nSntE``,
``nSntR``) and how many processes became Byzantine (``nByz``) belong to no
process and are the model's globals (`Sent`); each process's record holds
its ``pc`` and its two receive counters ``nRcvdE[i]``, ``nRcvdR[i]``.

One handler per disjunct of Next, in the spec's words:

- BecomeByzantine(i): while nByz < F, a process at V0 or V1 becomes BYZ;
- Receive(i, TRUE), a disjunction of three: receiving one more ECHO, and
  one more READY, while fewer were received than the correct processes
  sent plus nByz, are `ReceiveEcho` and `ReceiveReady` (any process,
  a Byzantine one too, as the spec has it); the third, ``UNCHANGED vars``,
  changes nothing and is not generated (below);
- SendEcho(i), SendReady(i), Decide(i).

Where the model differs, deliberately:

- Several initial states: Init chooses every pc in {V0, V1}, 2^N states;
  `initial_states` gives the records of each choice.
- Steps that change nothing (Next's ``UNCHANGED vars``, enabled in every
  state) are not generated; TLC generates them and finds the state known:
  its distinct states and depth are the model's, and no state deadlocks
  (`stutters`).
- Fairness. Spec's is ``WF_vars(\\E self : Receive(self, FALSE) \\/
  SendEcho(self) \\/ SendReady(self) \\/ Decide(self))``, where Receive(i,
  FALSE) receives a message of a correct process only: nRcvdE[i] < nSntE.
  A receipt is the same step whoever sent the message, so the model names
  it by whether the counters allow a correct sender's (``from_byz=False``,
  nRcvdE[i] < nSntE) or only a Byzantine one's (``from_byz=True``); Spec's
  fairness is then ``"ReceiveEcho(from_byz=False) |
  ReceiveReady(from_byz=False) | SendEcho | SendReady | Decide"``.
- The three properties read the first state (``F => []G``, ``F => <>G``)
  or are leads-to. No step makes a pc V0 or V1, so the states where every
  process is at V0 (at V1) are the initial ones, where nothing was sent:
  Unforg_Ltl, ``(\\A i : pc[i] = "V0") => [](\\A i : pc[i] # "AC")``, is
  ``[](AllV0 => [](no AC))`` (`once_always`), and Corr_Ltl, ``(\\A i :
  pc[i] = "V1") => <>(\\E i : pc[i] = "AC")``, is ``AllV1 ~> SomeAC``;
  Agreement_Ltl is ``SomeAC ~> (every process at AC or BYZ)``.

Symmetry: the cfg declares none. Processes are interchangeable (renaming
derived from the fields typed `Proc`), and TLC agrees with ``Proc``
overridden by model values under ``SYMMETRY Permutations(Proc)``.
"""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

from checker import Fails, Param, ParamError, invariant, leads_to, once_always
from models.kit import ActorModel, Node, ids, step

Proc = ids("procs", "p", first=1, named=True)      # Proc == 1 .. N

LOCATIONS = ("V0", "V1", "EC", "RD", "AC", "BYZ")


class ProcState(NamedTuple):
    """pc[i], nRcvdE[i] and nRcvdR[i]."""

    pc: str = "V0"
    n_rcvd_e: int = 0
    n_rcvd_r: int = 0


class Sent(NamedTuple):
    """nSntE, nSntR: the ECHOs and READYs correct processes sent; nByz."""

    n_snt_e: int = 0
    n_snt_r: int = 0
    n_byz: int = 0


class BecomeByzantine(NamedTuple):
    i: Proc


class ReceiveEcho(NamedTuple):
    i: Proc
    from_byz: bool


class ReceiveReady(NamedTuple):
    i: Proc
    from_byz: bool


class SendEcho(NamedTuple):
    i: Proc


class SendReady(NamedTuple):
    i: Proc


class Decide(NamedTuple):
    i: Proc


def receivable(received: int, correct: int, byzantine: int) -> list[bool]:
    """Whether one more message can be received (received < correct +
    byzantine), named by whether a correct process's can (received <
    correct): ``[False]``, ``[True]`` or none."""
    if received < correct:
        return [False]
    return [True] if received < correct + byzantine else []


class Process(Node):
    ids = Proc
    state = ProcState

    @step(BecomeByzantine, reads_globals="n_byz", writes_globals="n_byz")
    def become_byzantine(self, s, n_byz):
        """If there are less than F Byzantine processes, process i becomes
        faulty (from an initial location only)."""
        if n_byz < self.model.F and s.pc in ("V0", "V1"):
            return s._replace(pc="BYZ"), [], {"n_byz": n_byz + 1}
        return None

    @step(ReceiveEcho, reads_globals=("n_snt_e", "n_byz"),
          choose=lambda node, s, n_snt_e, n_byz: receivable(s.n_rcvd_e, n_snt_e, n_byz))
    def receive_echo(self, s, from_byz, n_snt_e, n_byz):
        """Process i receives a new ECHO (correct processes' and Byzantine
        ones' counted)."""
        return s._replace(n_rcvd_e=s.n_rcvd_e + 1), []

    @step(ReceiveReady, reads_globals=("n_snt_r", "n_byz"),
          choose=lambda node, s, n_snt_r, n_byz: receivable(s.n_rcvd_r, n_snt_r, n_byz))
    def receive_ready(self, s, from_byz, n_snt_r, n_byz):
        """Process i receives a new READY."""
        return s._replace(n_rcvd_r=s.n_rcvd_r + 1), []

    def heard_enough(self, s) -> bool:
        """nRcvdE[i] >= guardE \\/ nRcvdR[i] >= guardR1"""
        return s.n_rcvd_e >= self.model.guard_e or s.n_rcvd_r >= self.model.guard_r1

    @step(SendEcho, reads_globals="n_snt_e", writes_globals="n_snt_e")
    def send_echo(self, s, n_snt_e):
        """A process with 1 sends ECHO; one with 0 once it has received
        enough ECHOs or READYs."""
        if s.pc == "V1" or (s.pc == "V0" and self.heard_enough(s)):
            return s._replace(pc="EC"), [], {"n_snt_e": n_snt_e + 1}
        return None

    @step(SendReady, reads_globals="n_snt_r", writes_globals="n_snt_r")
    def send_ready(self, s, n_snt_r):
        """A process that sent ECHO and received enough ECHOs or READYs
        sends READY."""
        if s.pc == "EC" and self.heard_enough(s):
            return s._replace(pc="RD"), [], {"n_snt_r": n_snt_r + 1}
        return None

    @step(Decide)
    def decide(self, s):
        """A process that received 2T + 1 READYs accepts."""
        if s.pc == "RD" and s.n_rcvd_r >= self.model.guard_r2:
            return s._replace(pc="AC"), []
        return None


class AbaAsynByz(ActorModel):
    name = "aba-asyn-byz"
    summary = "asynchronous Byzantine agreement, Bracha and Toueg (aba_asyn_byz.tla)"
    params = (
        Param("N", 4, "processes (the spec's N)", minimum=1, maximum=6),
        Param("T", 1, "the faults the algorithm tolerates: N > 3T", minimum=0),
        Param("F", 1, "the processes that may become Byzantine: F <= T", minimum=0),
    )
    roles = (Process,)
    globals = Sent
    symmetry_sets = ("procs",)

    def setup(self) -> None:
        self.guard_e = (self.N + self.T + 2) // 2
        self.guard_r1 = self.T + 1
        self.guard_r2 = 2 * self.T + 1

    @property
    def procs(self) -> int:
        """The number of nodes of the kit's set "procs": N."""
        return self.N

    def check_sound(self) -> None:
        """ASSUME NTF == ... /\\ (N > 3 * T) /\\ (T >= F) /\\ (F >= 0)"""
        if not self.N > 3 * self.T:
            raise ParamError("params.T", f"the spec assumes N > 3T; got T = {self.T} with "
                                         f"N = {self.N}")
        if not self.F <= self.T:
            raise ParamError("params.F", f"the spec assumes T >= F; got F = {self.F} with "
                                         f"T = {self.T}")

    def initial_states(self):
        """Init: pc \\in [Proc -> {"V0", "V1"}], every counter 0."""
        start = super().initial_states()[0]
        rest = start[self.N:]
        return [tuple(ProcState(pc=pc) for pc in pcs) + rest
                for pcs in product(("V0", "V1"), repeat=self.N)]

    def stutters(self, state) -> bool:
        """Next's ``UNCHANGED vars``: a step in every state."""
        return True

    def processes(self, state) -> tuple[ProcState, ...]:
        return self.records(state, Process)

    @invariant("TypeOK")
    def type_ok(self, state):
        sent = self.globals_of(state)
        n = self.N
        if not (0 <= sent.n_snt_e <= n and 0 <= sent.n_snt_r <= n):
            return Fails(f"{sent.n_snt_e} ECHOs and {sent.n_snt_r} READYs sent by {n} "
                         "processes")
        if not 0 <= sent.n_byz <= self.F:
            return Fails(f"{sent.n_byz} Byzantine processes, more than F = {self.F}")
        for i, p in enumerate(self.processes(state)):
            if p.pc not in LOCATIONS:
                return Fails(f"{Proc.name_of(i)} is at {p.pc}")
            if not 0 <= p.n_rcvd_e <= sent.n_snt_e + sent.n_byz:
                return Fails(f"{Proc.name_of(i)} received {p.n_rcvd_e} ECHOs of "
                             f"{sent.n_snt_e} sent and {sent.n_byz} Byzantine")
            if not 0 <= p.n_rcvd_r <= sent.n_snt_r + sent.n_byz:
                return Fails(f"{Proc.name_of(i)} received {p.n_rcvd_r} READYs of "
                             f"{sent.n_snt_r} sent and {sent.n_byz} Byzantine")
        return True

    def every_pc_in(self, state, *pcs: str) -> bool:
        return all(p.pc in pcs for p in self.processes(state))

    def some_accepted(self, state) -> bool:
        return any(p.pc == "AC" for p in self.processes(state))

    @once_always("Unforg_Ltl")
    def unforg_ltl(self, state):
        """(\\A i : pc[i] = "V0") => [](\\A i : pc[i] # "AC"): from a start
        where no process has 1, none ever accepts."""
        return self.every_pc_in(state, "V0"), not self.some_accepted(state)

    @leads_to("Corr_Ltl")
    def corr_ltl(self, state):
        """(\\A i : pc[i] = "V1") => <>(\\E i : pc[i] = "AC"): from a start
        where every process has 1, some process accepts."""
        return self.every_pc_in(state, "V1"), self.some_accepted(state)

    @leads_to("Agreement_Ltl")
    def agreement_ltl(self, state):
        """[]((\\E i : pc[i] = "AC") => <>(\\A i : pc[i] = "AC" \\/ pc[i] =
        "BYZ")): once one process accepts, every correct one does."""
        return self.some_accepted(state), self.every_pc_in(state, "AC", "BYZ")


# -- mutants: one handler each ---------------------------------------------------------


@AbaAsynByz.mutant("echo_without_quorum", "a process with 0 sends ECHO without waiting for "
                                          "(N + T + 2) / 2 ECHOs or T + 1 READYs → "
                                          "Unforg_Ltl")
class EchoingAtOnce(Process):
    def heard_enough(self, s) -> bool:
        return s.pc == "V0" or super().heard_enough(s)  # the bug: V0 needs no quorum


@AbaAsynByz.mutant("byzantine_beyond_f", "BecomeByzantine without nByz < F: more processes "
                                         "turn Byzantine than F → TypeOK")
class UnboundedFaults(Process):
    def become_byzantine(self, s, n_byz):
        if s.pc in ("V0", "V1"):  # the bug: no nByz < F
            return s._replace(pc="BYZ"), [], {"n_byz": n_byz + 1}
        return None


@AbaAsynByz.mutant("v1_silent", "SendEcho without its first disjunct: a process with 1 "
                                "never echoes, nor does anyone → Corr_Ltl")
class SilentOnes(Process):
    def send_echo(self, s, n_snt_e):
        if s.pc == "V1":
            return None  # the bug: pc[i] = "V1" no longer sends
        return super().send_echo(s, n_snt_e)
