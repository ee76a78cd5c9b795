"""Reliable broadcast by message diffusion with crash faults (Chandra and
Toueg, JACM 43(2), 1996, Fig. 4), written as a user would from
bcastFolklore.tla of the TLA+ examples (Igor Konnov, Thanh Hai Tran and
Josef Widder; specifications/bcastFolklore, tlaplus/Examples 32a32c7): a
plain `checker.Model`, one method per operator of the spec.

N processes 1..N, all correct at the start (``Corr = 1..N``); at most F of
them crash (F <= T, N > 2T: the spec's ASSUME). A process starts in V1 (it
received the broadcaster's INIT) or V0 (it did not); it accepts (pc AC)
and echoes to all, on INIT (UponV1) or on any ECHO received (UponAccept),
or crashes (pc CR, out of ``Corr``). A crashed process's ECHO stays in
``sent``: the crash is clean, and what it sent reaches every process.

A message is ``<<p, "ECHO">>`` in the spec; ``M`` has the one element
"ECHO", so here a message is its sender p, and ``sent`` and ``rcvd[i]`` are
sets of senders (sorted tuples, so that states print the same in every
run).

Why a plain model and not the kit: a step of the spec receives any set of
the messages sent (``\\E msgs \\in SUBSET (Proc \\X M)`` between
``rcvd[self]`` and ``sent``) and reacts to it in the same step (UponAccept
reads ``rcvd'``); no message is consumed and there is no per-message
handler, where the kit's networks deliver one message per step.

Step(self), for a correct self, is Receive(self) and one of UponV1,
UponAccept, UponCrash and ``UNCHANGED << pc, sent, nCrashed, Corr >>``
(receiving alone). A step here is one of the four, each with the receiver
``p`` and ``msgs``, its whole new ``rcvd[p]`` (the spec's msgs). A
successor is yielded once per witness, as TLC generates it: every msgs
with ``rcvd[p] \\subseteq msgs \\subseteq sent``, UponV1 and UponAccept
both where both are enabled (the same successor), and ``Receive`` with
msgs = ``rcvd[p]``, a step to the same state (a stuttering step, which
the liveness check takes for one). So the generated states are TLC's.

Fairness: Spec's ``WF_vars(\\E self \\in Corr : Receive(self) /\\ (UponV1
\\/ UponAccept \\/ UNCHANGED ...))`` is one family over every step but
UponCrash: ``"Receive | UponV1 | UponAccept"`` (`SPEC_FAIRNESS`). Every
step grows rcvd, moves a pc forward or crashes a process, so the only loops
are stuttering: a behaviour is fair when its last state lets no correct
process receive a new message, leave V1, or accept on an ECHO.

Properties: TypeOK (the cfg's invariant), Unforg (its comment's reading:
it holds from InitNoBcast only; fails from Init, so it is checked only
when named), and the cfg's four temporal properties, each as `cmc` writes
it and the same property:

- UnforgLtl, ``(\\A i \\in Corr : pc[i] = "V0") => [](\\A i \\in Corr :
  pc[i] /= "AC")``, reads its first part in the first state only, where
  Corr is Proc and nCrashed 0. ``nCrashed = 0 /\\ \\A i \\in Proc : pc[i] =
  "V0"`` holds in that state and in no state but it (no step returns a pc
  to V0 or uncrashes, and nothing is sent), so UnforgLtl is ``[](that =>
  [](\\A i \\in Corr : pc[i] /= "AC"))``, `once_always`. (``\\A i \\in Corr
  : pc[i] = "V0"`` in every state would be stronger: a V1 process may
  echo, accept and crash, leaving correct processes in V0 that accept on
  its ECHO.)
- CorrLtl, ``(\\A i \\in Corr : pc[i] = "V1") => <>(\\E i \\in Corr : pc[i]
  = "AC")``, likewise: ``nCrashed = 0 /\\ \\A i : pc[i] = "V1"`` holds only
  in the first state of a behaviour that starts with every process in V1
  (and while it stutters there, where no process accepted), so CorrLtl is
  that ``~>`` some correct process in AC.
- RelayLtl is ``~>`` as written.
- ReliableChan, ``[](\\E sndr \\in 1..N : (<<sndr, "ECHO">> \\in sent =>
  <>[](\\A p \\in Corr : <<sndr, "ECHO">> \\in rcvd[p])))``, puts the
  ``\\E`` outside the implication: a sender that has not sent makes it
  true. It asks something only where every process 1..N has sent its ECHO,
  and then ``\\E sndr : <>[]B(sndr)``, which is ``<>[](\\E sndr : B(sndr))``
  here (B never turns false again: rcvd only grows and Corr only shrinks;
  and <> distributes over \\E). So ReliableChan is ``(every process sent)
  ~> (some ECHO is received by every correct process)``, as published;
  "every ECHO sent is received" (``\\A sndr``) is what the comment says,
  and is not what TLC checks.
"""

from __future__ import annotations

from itertools import combinations, product
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, leads_to, once_always
from checker.errors import ParamError

PCS = ("V0", "V1", "AC", "CR")


class State(NamedTuple):
    corr: tuple[int, ...]               # Corr: the processes that have not crashed
    n_crashed: int                      # nCrashed
    pc: tuple[str, ...]                 # by process 1..N: V0, V1, AC or CR
    rcvd: tuple[tuple[int, ...], ...]   # by process: the senders of the ECHOes it received
    sent: tuple[int, ...]               # the senders of the ECHOes sent


class Receive(NamedTuple):
    """Receive(p) with ``UNCHANGED << pc, sent, nCrashed, Corr >>``."""

    p: int
    msgs: tuple[int, ...]


class UponV1(NamedTuple):
    """Receive(p) /\\ UponV1(p)."""

    p: int
    msgs: tuple[int, ...]


class UponAccept(NamedTuple):
    """Receive(p) /\\ UponAccept(p)."""

    p: int
    msgs: tuple[int, ...]


class UponCrash(NamedTuple):
    """Receive(p) /\\ UponCrash(p)."""

    p: int
    msgs: tuple[int, ...]


#: the spec's fairness, WF_vars(\E self \in Corr : Receive(self) /\ (UponV1(self) \/
#: UponAccept(self) \/ UNCHANGED << pc, sent, nCrashed, Corr >>))
SPEC_FAIRNESS = "Receive | UponV1 | UponAccept"


class BcastFolklore(Model):
    name = "bcast_folklore"
    summary = "reliable broadcast by message diffusion with crashes (bcastFolklore.tla)"
    params = (
        Param("N", 4, "processes", minimum=1, maximum=8),
        Param("T", 1, "the most crashes tolerated (N > 2T)", minimum=0),
        Param("F", 1, "the most crashes that happen (F <= T)", minimum=0),
        Param("no_bcast", False, "InitNoBcast: every process starts in V0 (SpecNoBcast)"),
    )
    actions = (Receive, UponV1, UponAccept, UponCrash)

    def setup(self):
        # ASSUME (N > 2 * T) /\ (T >= F) /\ (F >= 0)
        if self.N <= 2 * self.T:
            raise ParamError("params.T", f"the spec assumes N > 2T; with N = {self.N}, "
                             f"T must be at most {(self.N - 1) // 2}")
        if self.F > self.T:
            raise ParamError("params.F", f"the spec assumes T >= F; F must be at most {self.T}")
        self.procs = tuple(range(1, self.N + 1))

    # -- Init ----------------------------------------------------------------------

    def initial_states(self):
        """``nCrashed = 0``, ``Corr = 1..N``, ``sent = {}``, ``pc \\in [Proc
        -> {"V0", "V1"}]`` (InitNoBcast: every pc V0), nothing received."""
        nobody = ((),) * self.N
        starts = ("V0",) if self.no_bcast else ("V0", "V1")
        for pc in product(starts, repeat=self.N):
            yield State(self.procs, 0, pc, nobody, ())

    # -- Next ----------------------------------------------------------------------

    def successors(self, s: State):
        """``\\E self \\in Corr : Step(self)``: Receive(self), every msgs
        between ``rcvd[self]`` and ``sent``, and UponV1, UponAccept,
        UponCrash or nothing more."""
        for p in s.corr:
            rcvd_p = s.rcvd[p - 1]
            new = tuple(m for m in s.sent if m not in rcvd_p)
            for size in range(len(new) + 1):
                for more in combinations(new, size):
                    msgs = tuple(sorted(rcvd_p + more))
                    received = s._replace(rcvd=_with(s.rcvd, p - 1, msgs))
                    yield Receive(p, msgs), received
                    for upon, rule in ((UponV1, self.upon_v1), (UponAccept, self.upon_accept),
                                       (UponCrash, self.upon_crash)):
                        t = rule(received, p)
                        if t is not None:
                            yield upon(p, msgs), t

    def upon_v1(self, s: State, p: int) -> State | None:
        """A correct process that received INIT (pc V1) accepts and
        broadcasts ECHO to all."""
        if s.pc[p - 1] != "V1":
            return None
        return _accept(s, p)

    def upon_accept(self, s: State, p: int) -> State | None:
        """A process that has not accepted (pc V0 or V1) and has received
        an ECHO (``rcvd'[self] # {}``) accepts and broadcasts ECHO to all."""
        if s.pc[p - 1] not in ("V0", "V1") or not s.rcvd[p - 1]:
            return None
        return _accept(s, p)

    def upon_crash(self, s: State, p: int) -> State | None:
        """While fewer than F processes crashed, a correct one may crash:
        pc CR, out of Corr; what it sent stays sent."""
        if s.n_crashed >= self.F or s.pc[p - 1] == "CR":
            return None
        return s._replace(n_crashed=s.n_crashed + 1, pc=_with(s.pc, p - 1, "CR"),
                          corr=tuple(q for q in s.corr if q != p))

    def state_view(self, s: State) -> dict:
        """Reports name a process's pc and rcvd by its id, 1..N as in the
        spec (``pc[3]``), not by its position in the tuple."""
        view = {"Corr": list(s.corr), "nCrashed": s.n_crashed}
        view.update({f"pc[{p}]": s.pc[p - 1] for p in self.procs})
        view.update({f"rcvd[{p}]": list(s.rcvd[p - 1]) for p in self.procs})
        view["sent"] = list(s.sent)
        return view

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """``sent \\in SUBSET (Proc \\X M)``, ``pc \\in [Proc -> {V0, V1, AC,
        CR}]``, ``rcvd \\in [Proc -> SUBSET (Proc \\X M)]``, ``nCrashed \\in
        0..N``, ``Corr \\in SUBSET Proc``."""
        procs = set(self.procs)
        bad = [p for p in self.procs if s.pc[p - 1] not in PCS]
        if bad:
            return Fails(f"pc[{bad[0]}] = {s.pc[bad[0] - 1]!r} is not a control state")
        if not set(s.sent) <= procs or not all(set(r) <= procs for r in s.rcvd):
            return Fails("sent or rcvd holds an ECHO of no process")
        if not 0 <= s.n_crashed <= self.N:
            return Fails(f"nCrashed = {s.n_crashed} is outside 0..{self.N}")
        if not set(s.corr) <= procs:
            return Fails(f"Corr {s.corr} is not within Proc")
        return True

    @invariant("Unforg", default=False)
    def unforg(self, s: State):
        """``\\A self \\in Corr : pc[self] /= "AC"``: correct iff the initial
        state is InitNoBcast (its comment)."""
        accepted = [p for p in s.corr if s.pc[p - 1] == "AC"]
        return not accepted or Fails(f"correct process {accepted[0]} accepted")

    @once_always("UnforgLtl")
    def unforg_ltl(self, s: State):
        """``(\\A i \\in Corr : pc[i] = "V0") => [](\\A i \\in Corr : pc[i] /=
        "AC")``, its first part read in the first state (see the module's
        docstring)."""
        return (s.n_crashed == 0 and all(pc == "V0" for pc in s.pc),
                self.unforg(s))

    @leads_to("CorrLtl")
    def corr_ltl(self, s: State):
        """``(\\A i \\in Corr : pc[i] = "V1") => <>(\\E i \\in Corr : pc[i] =
        "AC")``, its first part read in the first state (see the module's
        docstring)."""
        return (s.n_crashed == 0 and all(pc == "V1" for pc in s.pc),
                any(s.pc[p - 1] == "AC" for p in s.corr))

    @leads_to("RelayLtl")
    def relay_ltl(self, s: State):
        """``[]((\\E i \\in Corr : pc[i] = "AC") => <>(\\A i \\in Corr :
        pc[i] = "AC"))``."""
        return (any(s.pc[p - 1] == "AC" for p in s.corr),
                all(s.pc[p - 1] == "AC" for p in s.corr))

    @leads_to("ReliableChan")
    def reliable_chan(self, s: State):
        """``[](\\E sndr \\in 1..N : (<<sndr, "ECHO">> \\in sent =>
        <>[](\\A p \\in Corr : <<sndr, "ECHO">> \\in rcvd[p])))``: every
        process sent ~> some ECHO reached every correct process (see the
        module's docstring)."""
        return (len(s.sent) == self.N,
                any(all(sndr in s.rcvd[p - 1] for p in s.corr) for sndr in s.sent))


def _accept(s: State, p: int) -> State:
    """pc[p] AC and ``<<p, "ECHO">>`` sent; nCrashed and Corr unchanged."""
    return s._replace(pc=_with(s.pc, p - 1, "AC"), sent=tuple(sorted(set(s.sent) | {p})))


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


# -- mutants: each a subclass overriding one action (``BcastFolklore(mutant=name)``) ------


@BcastFolklore.mutant(
    "accept_without_echo",
    "UponAccept without ``rcvd'[self] # {}``: a process accepts on no ECHO, one "
    "message fewer than the rule's threshold of one → UnforgLtl, Unforg")
class AcceptWithoutEcho(BcastFolklore):
    def upon_accept(self, s, p):
        if s.pc[p - 1] not in ("V0", "V1"):
            return None     # the bug: no ECHO asked for
        return _accept(s, p)


@BcastFolklore.mutant(
    "silent_broadcaster",
    "UponV1 accepts without broadcasting ECHO (sent unchanged): the processes "
    "without INIT never hear of it → RelayLtl")
class SilentBroadcaster(BcastFolklore):
    def upon_v1(self, s, p):
        if s.pc[p - 1] != "V1":
            return None
        return s._replace(pc=_with(s.pc, p - 1, "AC"))     # the bug: no ECHO sent


@BcastFolklore.mutant(
    "crash_beyond_f",
    "UponCrash without ``nCrashed < F``: every process may crash, more than "
    "the algorithm tolerates → CorrLtl")
class CrashBeyondF(BcastFolklore):
    def upon_crash(self, s, p):
        if s.pc[p - 1] == "CR":
            return None     # the bug: no bound on the crashes
        return s._replace(n_crashed=s.n_crashed + 1, pc=_with(s.pc, p - 1, "CR"),
                          corr=tuple(q for q in s.corr if q != p))
