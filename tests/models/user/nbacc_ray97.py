"""Non-blocking atomic commitment with crashes and a failure detector
(Raynal, "A case study of agreement problems in distributed systems:
non-blocking atomic commitment", HASE 1997), written as a user would from
nbacc_ray97.tla of the TLA+ examples (Igor Konnov, Thanh Hai Tran and Josef
Widder, 2016; specifications/nbacc_ray97, tlaplus/Examples 32a32c7): a
plain `checker.Model`, one method per operator of the spec.

Each process 1..N votes YES or NO (its pc at the start), sends its vote to
all (pc SENT), and decides: it aborts if its failure detector suspects a
crash or it received a NO, and commits if it received YES from every
process and suspects nobody. Any process may crash (pc CRASH) at any time,
as many as there are. The failure detector ``fd[p]`` is a boolean that
every step of p sets anew, either way.

A message is ``<<p, v>>``, v "YES" or "NO"; ``sent`` and ``rcvd[p]`` are
sets of them (sorted tuples, so that states print the same in every run).

Why a plain model and not the kit: a step of the spec receives any set of
the messages sent (``\\E r \\in SUBSET (Proc \\X M)`` between ``rcvd[self]``
and ``sent``), sets the failure detector and reacts to both in the same
step (UponSent reads ``rcvd'`` and ``fd'``); no message is consumed and
there is no per-message handler, where the kit's networks deliver one
message per step.

Step(self), for any process self, crashed or not, is Receive(self),
UpdateFailureDetector(self) and one of UponYes, UponNo, UponCrash, UponSent
and ``pc' = pc /\\ sent' = sent``. A step here is one of UponYes, UponNo,
UponCrash, UponSent (with ``why``: the disjunct of UponSent taken, "fd",
"NO of q" or "yes") and Receive (the last disjunct: receiving and the failure
detector alone), each with the process ``p``, ``r`` (its new ``rcvd[p]``)
and ``fd`` (its new ``fd[p]``). A successor is yielded once per witness, as
TLC generates it: every r, both values of fd, every disjunct enabled, steps
to the same state included. So the generated states are TLC's.

Properties: TypeOK, the cfg's one invariant; and Validity, the spec's
other, which the cfg does not check:

- Validity as published, ``(\\A i : pc[i] = "YES") \\/ (\\A i : pc[i] #
  "COMMIT")``, is a state predicate; as an invariant it fails in every
  state where a process committed, for its pc is then no longer YES (TLC
  agrees: 3 steps on N = 2). It is checked only when named.
- ValidityLtl reads its first part in the first state, as the Ltl
  properties of the same authors do (``(\\A i : pc[i] = "YES") \\/ [](\\A i
  : pc[i] # "COMMIT")``): if some process votes NO, no process ever
  commits. No step sets a pc to NO, so ``\\E i : pc[i] = "NO"`` holds in a
  state only where the first state had it, and the property is ``[]((\\E i
  : pc[i] = "NO") => [](\\A i : pc[i] # "COMMIT"))``, `once_always`.

The spec's fairness, ``WF_vars(\\E self : Receive(self) /\\ (UponYes \\/
UponNo \\/ UponSent))``, leaves fd' free, and its liveness property
(NonTriv) is commented out; the cfg checks none, and neither does this
model.
"""

from __future__ import annotations

from itertools import combinations, product
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, once_always

PCS = ("NO", "YES", "ABORT", "COMMIT", "SENT", "CRASH")

Message = tuple[int, str]   # <<p, "YES">> or <<p, "NO">>


class State(NamedTuple):
    pc: tuple[str, ...]                     # by process 1..N
    rcvd: tuple[tuple[Message, ...], ...]   # by process: the messages it received
    sent: tuple[Message, ...]               # the messages sent
    fd: tuple[bool, ...]                    # by process: whether it suspects a crash


class Receive(NamedTuple):
    """Receive(p) /\\ UpdateFailureDetector(p) /\\ pc' = pc /\\ sent' = sent."""

    p: int
    r: tuple[Message, ...]
    fd: bool


class UponYes(NamedTuple):
    p: int
    r: tuple[Message, ...]
    fd: bool


class UponNo(NamedTuple):
    p: int
    r: tuple[Message, ...]
    fd: bool


class UponCrash(NamedTuple):
    p: int
    r: tuple[Message, ...]
    fd: bool


class UponSent(NamedTuple):
    """UponSent(p), ``why`` the disjunct: "fd" (suspects a crash), "NO of
    q" (received q's NO; the spec's ``\\E msg``, a step per NO received) or
    "yes" (YES from every process)."""

    p: int
    r: tuple[Message, ...]
    fd: bool
    why: str


class NbaccRay97(Model):
    name = "nbacc_ray97"
    summary = "non-blocking atomic commitment with crashes (nbacc_ray97.tla)"
    params = (Param("N", 2, "processes", minimum=1, maximum=4),)
    actions = (Receive, UponYes, UponNo, UponCrash, UponSent)

    def setup(self):
        self.procs = tuple(range(1, self.N + 1))

    # -- Init ----------------------------------------------------------------------

    def initial_states(self):
        """``sent = {}``, ``pc \\in [Proc -> {"YES", "NO"}]``, nothing
        received, ``fd \\in [Proc -> {FALSE, TRUE}]``."""
        nothing = ((),) * self.N
        for pc in product(("YES", "NO"), repeat=self.N):
            for fd in product((False, True), repeat=self.N):
                yield State(pc, nothing, (), fd)

    # -- Next ----------------------------------------------------------------------

    def successors(self, s: State):
        """``\\E self \\in Proc : Step(self)``: every r between ``rcvd[self]``
        and ``sent``, both values of ``fd'[self]``, and each disjunct."""
        for p in self.procs:
            for r in self.receivable(s, p):
                for fd in (False, True):
                    received = s._replace(rcvd=_with(s.rcvd, p - 1, r),
                                          fd=_with(s.fd, p - 1, fd))
                    for upon, rule in ((UponYes, self.upon_yes), (UponNo, self.upon_no),
                                       (UponCrash, self.upon_crash)):
                        t = rule(received, p)
                        if t is not None:
                            yield upon(p, r, fd), t
                    for why, t in self.upon_sent(s, received, p):
                        yield UponSent(p, r, fd, why), t
                    yield Receive(p, r, fd), received

    def receivable(self, s: State, p: int):
        """Receive(self): each r with ``rcvd[self] \\subseteq r
        \\subseteq sent``."""
        rcvd_p = s.rcvd[p - 1]
        new = tuple(m for m in s.sent if m not in rcvd_p)
        for size in range(len(new) + 1):
            for more in combinations(new, size):
                yield tuple(sorted(rcvd_p + more))

    def upon_yes(self, s: State, p: int) -> State | None:
        """A process that votes YES sends it: pc SENT, ``<<self, "YES">>``
        sent."""
        if s.pc[p - 1] != "YES":
            return None
        return _send(s, p, "YES")

    def upon_no(self, s: State, p: int) -> State | None:
        """A process that votes NO sends it."""
        if s.pc[p - 1] != "NO":
            return None
        return _send(s, p, "NO")

    def upon_crash(self, s: State, p: int) -> State | None:
        """A process that has not crashed crashes."""
        if s.pc[p - 1] == "CRASH":
            return None
        return s._replace(pc=_with(s.pc, p - 1, "CRASH"))

    def upon_sent(self, before: State, s: State, p: int):
        """A process that voted aborts if it suspects a crash (``fd'``) or
        received a NO (``rcvd``, before this step's), and commits if it
        suspects nobody and received YES from every process (``rcvd'``):
        each disjunct that holds, with its name."""
        if s.pc[p - 1] != "SENT":
            return
        if s.fd[p - 1]:
            yield "fd", s._replace(pc=_with(s.pc, p - 1, "ABORT"))
        for q, v in before.rcvd[p - 1]:     # \E msg \in rcvd[self]: once per NO
            if v == "NO":
                yield f"NO of {q}", s._replace(pc=_with(s.pc, p - 1, "ABORT"))
        if not s.fd[p - 1] and self.all_yes(s.rcvd[p - 1]):
            yield "yes", s._replace(pc=_with(s.pc, p - 1, "COMMIT"))

    def all_yes(self, rcvd_p: tuple[Message, ...]) -> bool:
        """``{p \\in Proc : \\E msg \\in rcvd'[self] : msg = <<p, "YES">>} =
        Proc``."""
        return {q for q, v in rcvd_p if v == "YES"} == set(self.procs)

    def state_view(self, s: State) -> dict:
        """Reports name a process's variables by its id, 1..N as in the
        spec (``pc[2]``)."""
        view = {f"pc[{p}]": s.pc[p - 1] for p in self.procs}
        view.update({f"rcvd[{p}]": [f"<<{q}, {v}>>" for q, v in s.rcvd[p - 1]]
                     for p in self.procs})
        view["sent"] = [f"<<{q}, {v}>>" for q, v in s.sent]
        view.update({f"fd[{p}]": s.fd[p - 1] for p in self.procs})
        return view

    # -- properties ----------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        """``sent \\subseteq Proc \\X M``, ``pc \\in [Proc -> {NO, YES, ABORT,
        COMMIT, SENT, CRASH}]``, ``rcvd \\in [Proc -> SUBSET (Proc \\X M)]``,
        ``fd \\in [Proc -> BOOLEAN]``."""
        messages = {(p, v) for p in self.procs for v in ("YES", "NO")}
        bad = [p for p in self.procs if s.pc[p - 1] not in PCS]
        if bad:
            return Fails(f"pc[{bad[0]}] = {s.pc[bad[0] - 1]!r} is not a control state")
        if not set(s.sent) <= messages or not all(set(r) <= messages for r in s.rcvd):
            return Fails("sent or rcvd holds a message outside Proc \\X M")
        if not all(isinstance(f, bool) for f in s.fd):
            return Fails(f"fd = {s.fd} is not boolean")
        return True

    @invariant("Validity", default=False)
    def validity(self, s: State):
        """``(\\A i : pc[i] = "YES") \\/ (\\A i : pc[i] # "COMMIT")`` as
        published, a state predicate."""
        if all(pc == "YES" for pc in s.pc) or "COMMIT" not in s.pc:
            return True
        return Fails(f"process {s.pc.index('COMMIT') + 1} committed, and not every "
                     "pc is YES")

    @once_always("ValidityLtl")
    def validity_ltl(self, s: State):
        """Validity read in the first state: if some process votes NO, no
        process ever commits (see the module's docstring)."""
        committed = [p for p in self.procs if s.pc[p - 1] == "COMMIT"]
        return ("NO" in s.pc,
                not committed or Fails(f"process {committed[0]} committed"))


def _send(s: State, p: int, vote: str) -> State:
    return s._replace(pc=_with(s.pc, p - 1, "SENT"),
                      sent=tuple(sorted(set(s.sent) | {(p, vote)})))


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


# -- mutants: each a subclass overriding one action (``NbaccRay97(mutant=name)``) -------


@NbaccRay97.mutant(
    "commit_on_fewer_yes",
    "UponSent commits on YES from N - 1 processes, one fewer than every "
    "process: a NO voter that has not sent is not waited for → ValidityLtl")
class CommitOnFewerYes(NbaccRay97):
    def all_yes(self, rcvd_p):
        return len({q for q, v in rcvd_p if v == "YES"}) >= self.N - 1   # the bug


@NbaccRay97.mutant(
    "receive_unsent",
    "Receive draws from every message, sent or not (``r \\subseteq sent`` "
    "dropped): a YES is received from a process that votes NO → ValidityLtl")
class ReceiveUnsent(NbaccRay97):
    def receivable(self, s, p):
        # the bug: the messages offered are all of Proc \X M
        every = tuple(sorted((q, v) for q in self.procs for v in ("NO", "YES")))
        return super().receivable(s._replace(sent=every), p)


@NbaccRay97.mutant(
    "no_voter_sends_yes",
    "UponNo sends YES: a NO voter's vote is lost → ValidityLtl (a state "
    "invariant over the current pc no longer sees the NO)")
class NoVoterSendsYes(NbaccRay97):
    def upon_no(self, s, p):
        if s.pc[p - 1] != "NO":
            return None
        return _send(s, p, "YES")     # the bug
