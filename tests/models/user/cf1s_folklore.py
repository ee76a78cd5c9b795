"""One-step consensus with zero degradation (Dobre and Suri, DSN 2006,
Algorithm 2, lines 1-4: the one-step part alone, without the underlying
consensus), a user's model written with the kit after cf1s_folklore.tla of
the TLA+ examples (Tran, Konnov and Widder's parameterized encoding, 2016;
specifications/cf1s-folklore, tlaplus/Examples 32a32c7).

Each process ``p1`` .. ``pN`` starts with a value (pc V0 or V1), proposes
it to all (S0, S1), and once it has received N - T values decides: D0 or
D1 if N - T of them are that value, else it is undecided and keeps its own
(U0, U1) for the underlying consensus. Up to F processes become faulty
(BYZ). The spec counts messages instead of holding them, as threshold
automata do: how many 0 and 1 the correct processes sent (``nSnt0``,
``nSnt1``), how many the faulty ones did (``nSnt0F``, ``nSnt1F``), and how
many of each a process has received. So there are no messages here: the
counters sent and ``nFaulty`` belong to no process and are the model's
globals (`Sent`), and each process's record holds its ``pc`` and its two
receive counters.

One handler per disjunct of Next, in the spec's words:

- Faulty(i): while fewer than F are faulty, a process becomes BYZ; one in
  V0 adds to the faulty zeros (nSnt0F). For one in V1 the spec writes
  ``IF pc[i] = "V1" THEN nSnt0F' = nSnt1F + 1 ELSE ...``: nSnt0F' is already
  nSnt0F (the line before), so this is the test ``nSnt0F = nSnt1F + 1``,
  and nSnt1F' is left unspecified. The test fails while no V0 process has
  turned faulty, so for F <= 1 (the cfg's) a V1 process never turns faulty,
  in TLC's runs as here; where it passes (F >= 2), TLC stops with an error
  (the successor is not completely specified), and this model fails an
  assertion there. With ``intended_faulty: true`` a V1 process adds to the
  faulty ones (``nSnt1F' = nSnt1F + 1``), as the variable's comment means;
- Propose(i), a disjunction over the process's value: one handler;
- Receive(i), a disjunction of three: Receive0 and Receive1 (one more of
  the values sent, by correct and faulty processes, while fewer were
  received; any process, whatever its pc) are two handlers; the third,
  ``UNCHANGED vars`` where everything sent by correct processes is
  received, changes nothing and is not generated;
- Decide(i): a process that proposed and has N - T values decides (its
  four disjuncts lead to one of D0, D1, U0, U1; no two hold at once).

Next's last disjunct, ``UNCHANGED vars``, is enabled in every state, so no
state deadlocks: `stutters` says so, as TLC (run with ``-deadlock``) finds.

Properties, each as `cmc` writes it and the same property:

- TypeOK;
- OneStep0_Ltl, ``(\\A i : pc[i] = "V0") => [](\\A i : pc[i] \\notin {U0,
  U1, D1})``, reads its first part in the first state. ``\\A i : pc[i] =
  "V0"`` holds in that state and in no other (no step returns a pc to V0;
  while every pc is V0 nothing is sent, so nothing is received), so it is
  ``[](that => []...)``, `once_always`;
- OneStep1_Ltl, ``(\\A i : pc[i] = "V1") => <>(\\A i : pc[i] \\notin {U0,
  U1, D0})``, likewise a `leads_to` from the state where every pc is V1.
  As published it says ``<>``, not ``[]`` as OneStep0_Ltl does: the first
  state, every pc V1, satisfies the second part, so the property holds of
  every behaviour, whatever the protocol does (TLC agrees; no mutant can
  break it).

Spec's fairness is weak fairness of Receive, Propose and Decide of all
processes together: ``"Receive0 | Receive1 | Propose | Decide"``.
Processes are interchangeable (renaming derived from the fields typed
`Proc`); the cfg declares no symmetry.
"""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

from checker import Fails, Param, ParamError, invariant, leads_to, once_always
from models.kit import ActorModel, Node, derived, ids, step

Proc = ids("procs", "p", first=1, named=True)    # Proc == 1 .. N

STATUS = ("V0", "V1", "S0", "S1", "D0", "D1", "U0", "U1", "BYZ")


class ProcState(NamedTuple):
    """pc[i], nRcvd0[i] and nRcvd1[i]."""

    pc: str = "V0"
    n_rcvd0: int = 0
    n_rcvd1: int = 0


class Sent(NamedTuple):
    """The values sent by correct and by faulty processes, and how many
    processes are faulty."""

    n_snt0: int = 0
    n_snt1: int = 0
    n_snt0_f: int = 0
    n_snt1_f: int = 0
    n_faulty: int = 0


class Faulty(NamedTuple):
    i: Proc


class Propose(NamedTuple):
    i: Proc


class Receive0(NamedTuple):
    i: Proc


class Receive1(NamedTuple):
    i: Proc


class Decide(NamedTuple):
    i: Proc


#: Spec's WF_vars(\E self \in Proc : Receive(self) \/ Propose(self) \/ Decide(self))
SPEC_FAIRNESS = "Receive0 | Receive1 | Propose | Decide"


class Process(Node):
    ids = Proc
    state = ProcState

    @step(Faulty, reads_globals=("n_faulty", "n_snt0_f", "n_snt1_f"),
          writes_globals=("n_faulty", "n_snt0_f", "n_snt1_f"))
    def faulty(self, s, n_faulty, n_snt0_f, n_snt1_f):
        """If fewer than F processes are faulty, process i becomes faulty;
        its value, if it had not proposed, counts among the faulty ones."""
        if n_faulty >= self.model.F or s.pc == "BYZ":
            return None
        writes = {"n_faulty": n_faulty + 1}
        if s.pc == "V0":
            writes["n_snt0_f"] = n_snt0_f + 1
        if s.pc == "V1":
            if self.model.intended_faulty:
                writes["n_snt1_f"] = n_snt1_f + 1
            elif n_snt0_f != n_snt1_f + 1:
                return None      # the published test nSnt0F' (= nSnt0F) = nSnt1F + 1 fails
            else:
                raise AssertionError(
                    "Faulty leaves nSnt1F' unspecified here (TLC stops: the successor "
                    "is not completely specified); intended_faulty: true adds to nSnt1F")
        return s._replace(pc="BYZ"), [], writes

    @step(Propose, reads_globals=("n_snt0", "n_snt1"), writes_globals=("n_snt0", "n_snt1"))
    def propose(self, s, n_snt0, n_snt1):
        """A process in V0 (V1) sends 0 (1) to all: S0 (S1)."""
        if s.pc == "V0":
            return s._replace(pc="S0"), [], {"n_snt0": n_snt0 + 1}
        if s.pc == "V1":
            return s._replace(pc="S1"), [], {"n_snt1": n_snt1 + 1}
        return None

    @step(Receive0, reads_globals="zeros_sent")
    def receive0(self, s, zeros_sent):
        """Process i receives one more 0 (while fewer were received than
        correct and faulty processes sent)."""
        if s.n_rcvd0 < zeros_sent:
            return s._replace(n_rcvd0=s.n_rcvd0 + 1), []
        return None

    @step(Receive1, reads_globals="ones_sent")
    def receive1(self, s, ones_sent):
        """Process i receives one more 1."""
        if s.n_rcvd1 < ones_sent:
            return s._replace(n_rcvd1=s.n_rcvd1 + 1), []
        return None

    @step(Decide)
    def decide(self, s):
        """A process that proposed (S0, S1) and received N - T values
        decides a value received N - T times (D0, D1), or else is undecided
        and keeps its own (U0, U1)."""
        if s.pc not in ("S0", "S1") or s.n_rcvd0 + s.n_rcvd1 < self.model.quorum:
            return None
        return s._replace(pc=self.decision(s)), []

    def decision(self, s) -> str:
        """Decide's four disjuncts: D0, D1, or U0/U1 after the process's own."""
        if s.n_rcvd0 >= self.model.quorum:
            return "D0"
        if s.n_rcvd1 >= self.model.quorum:
            return "D1"
        return "U" + s.pc[1]


class Cf1sFolklore(ActorModel):
    name = "cf1s-folklore"
    summary = "one-step consensus with zero degradation (cf1s_folklore.tla)"
    params = (
        Param("procs", 4, "processes (the spec's N)", minimum=1, maximum=7),
        Param("T", 1, "the faults the algorithm tolerates: N > 3T", minimum=0),
        Param("F", 1, "the faults that happen: F <= T", minimum=0),
        Param("start", "Init", "the initial predicate: Init (each process 0 or 1), Init0 "
              "(every process 0) or Init1 (every process 1)",
              schema={"enum": ["Init", "Init0", "Init1"]}),
        Param("intended_faulty", False, "a faulty V1 process adds to nSnt1F (the spec's "
              "Faulty tests nSnt0F' = nSnt1F + 1 instead)"),
    )
    roles = (Process,)
    globals = Sent
    symmetry_sets = ("procs",)
    next = ((Process.receive0, Process.receive1, Process.propose, Process.decide,
             Process.faulty),)

    def check_sound(self) -> None:
        """ASSUME NTF == N > 3 * T /\\ T >= F /\\ F >= 0"""
        if not self.procs > 3 * self.T:
            raise ParamError("params.T", f"the spec assumes N > 3T; got T = {self.T} with "
                                         f"N = {self.procs} processes")
        if not self.F <= self.T:
            raise ParamError("params.F", f"the spec assumes T >= F; got F = {self.F} with "
                                         f"T = {self.T}")

    @property
    def quorum(self) -> int:
        """N - T."""
        return self.procs - self.T

    @derived
    def zeros_sent(self, sent: Sent) -> int:
        return sent.n_snt0 + sent.n_snt0_f

    @derived
    def ones_sent(self, sent: Sent) -> int:
        return sent.n_snt1 + sent.n_snt1_f

    def initial_states(self):
        """Init: pc \\in [Proc -> {"V0", "V1"}], every counter 0; Init0 and
        Init1: every pc V0, or V1."""
        start = super().initial_states()[0]
        rest = start[self.procs:]
        values = {"Init": ("V0", "V1"), "Init0": ("V0",), "Init1": ("V1",)}[self.start]
        return [tuple(ProcState(pc=v) for v in pcs) + rest
                for pcs in product(values, repeat=self.procs)]

    def stutters(self, state) -> bool:
        """Next's ``UNCHANGED vars``: a step in every state."""
        return True

    def processes(self, state) -> tuple[ProcState, ...]:
        return self.records(state, Process)

    @invariant("TypeOK")
    def type_ok(self, state):
        sent = self.globals_of(state)
        n = self.procs
        if not all(0 <= c <= n for c in sent[:4]):
            return Fails(f"a count of values sent is outside 0..{n}: {tuple(sent[:4])}")
        if not 0 <= sent.n_faulty <= self.F:
            return Fails(f"nFaulty = {sent.n_faulty} is outside 0..{self.F}")
        for i, p in enumerate(self.processes(state)):
            if p.pc not in STATUS:
                return Fails(f"{Proc.name_of(i)} has pc {p.pc}")
            if not (0 <= p.n_rcvd0 <= n and 0 <= p.n_rcvd1 <= n):
                return Fails(f"{Proc.name_of(i)} received {p.n_rcvd0} zeros and "
                             f"{p.n_rcvd1} ones, outside 0..{n}")
        return True

    @once_always("OneStep0_Ltl")
    def one_step0_ltl(self, state):
        """If all processes propose 0, then every process crashes or
        decides 0: ``(\\A i : pc[i] = "V0") => [](\\A i : pc[i] \\notin {U0,
        U1, D1})``, its first part read in the first state."""
        pcs = [p.pc for p in self.processes(state)]
        other = next((i for i, pc in enumerate(pcs) if pc in ("U0", "U1", "D1")), None)
        return (all(pc == "V0" for pc in pcs),
                other is None or Fails(f"{Proc.name_of(other)} is at {pcs[other]}"))

    @leads_to("OneStep1_Ltl")
    def one_step1_ltl(self, state):
        """If all processes propose 1, then every process crashes or
        decides 1: ``(\\A i : pc[i] = "V1") => <>(\\A i : pc[i] \\notin {U0,
        U1, D0})``, its first part read in the first state."""
        pcs = [p.pc for p in self.processes(state)]
        return (all(pc == "V1" for pc in pcs),
                all(pc not in ("U0", "U1", "D0") for pc in pcs))


# -- mutants: one handler each -------------------------------------------------------


@Cf1sFolklore.mutant("decide_on_fewer", "Decide waits for N - T - 1 values, one fewer than "
                                        "the threshold: with N - T - 1 zeros a process is "
                                        "undecided though all proposed 0 → OneStep0_Ltl")
class DecidingOnFewer(Process):
    def decide(self, s):
        if s.pc not in ("S0", "S1") or s.n_rcvd0 + s.n_rcvd1 < self.model.quorum - 1:
            return None     # the bug: N - T - 1
        return s._replace(pc=self.decision(s)), []


@Cf1sFolklore.mutant("faulty_sends_other", "a faulty V0 process counts among the faulty "
                                           "ones (nSnt1F), not the faulty zeros: a "
                                           "Byzantine 1 among N - T values → OneStep0_Ltl")
class FaultySendingOther(Process):
    def faulty(self, s, n_faulty, n_snt0_f, n_snt1_f):
        result = super().faulty(s, n_faulty, n_snt0_f, n_snt1_f)
        if result is None or s.pc != "V0":
            return result
        return result[0], [], {"n_faulty": n_faulty + 1, "n_snt1_f": n_snt1_f + 1}  # the bug
