"""Two-phase commit with a backup transaction manager, written as a user
would from 2PCwithBTM.tla of the TLA+ examples (Murat Demirbas's PlusCal
algorithm after Lamport's P2TCommit, specifications/transaction_commit,
tlaplus/Examples 32a32c7) and its translation: a plain `checker.Model`,
one action per label of each process.

Resource managers ``rm1`` .. ``rmN`` each loop at label RS while working or
prepared, taking one of three macros a step: Prepare (a working RM
prepares), Decide (commit once the TM says commit; abort while still
working or once the TM says abort) and Fail (with ``RMMAYFAIL``, an RM
fails unless another has failed already; otherwise the step changes
nothing). Once an RM is committed, aborted or failed, RS leaves the loop
(pc Done). The TM (process 0) waits at TS until it can commit or abort
(the define block's ``canCommit`` and ``canAbort``), writes its decision
to ``tmState`` (TC, TA) and then, with ``TMMAYFAIL``, fails by setting
``tmState`` to "hidden" (F1, F2). The backup TM (process 10) waits at BTS
until the TM is hidden and it can commit or abort, and writes its own
decision (BTC, BTA).

Why a plain model and not the kit: there are no messages. Every process
reads the others' variables (``canCommit`` and ``canAbort`` read every
RM's ``rmState``; the RMs read ``tmState``), as the PlusCal's global
variables are; the kit's nodes communicate by messages only.

Variables as the translation names them: ``rm_state`` (rmState) and
``rm_pc`` (pc of each RM), ``tm_state`` (tmState), ``tm_pc`` and
``btm_pc`` (pc[0] and pc[10]). A step is the label taken, with the
branch of its ``either`` where it has one: ``RS(self=rm1, macro=Prepare)``
(macro Prepare, Commit, Abort or Fail, or exit where the while loop ends),
``TS(branch=commit)``, ``TC()``, ``F1()``, ``TA()``, ``F2()``,
``BTS(branch=abort)``, ``BTC()``, ``BTA()``.

Where the model differs from the translation, none in behaviour: two
steps change nothing and are not generated, the Fail macro's when it may
not fail (its ``IF`` without ``ELSE``: ``UNCHANGED rmState``, pc RS again)
and Terminating once every process is Done; `stutters` says such a state
is no deadlock, as TLC finds. As TLA+ counts them, a step that changes
nothing is no ``<<RManager(self)>>_vars`` step, so fairness is the same.
TLC's "states generated" counts those steps too, and one successor for
each witness of an ``\\E`` and each true disjunct of an ``\\/`` in an
action (canAbort's ``\\E rm``, Decide's ``rmState[p] = "working" \\/
tmState = "abort"``, and canCommit's, whose ``\\A rmc`` reaches over its
second line as SANY parses it: ``\\A rmc : (rmState[rmc] = "prepared" \\/
\\E rm : rmState[rm] = "committed")``, the same predicate, a choice for
each rmc); the tests rebuild TLC's figure from the model's graph.

Properties: the cfg's invariants TypeOK and Consistency, the spec's
NotCommitted (not in the cfg and not checked by default: it is the
spec's way to ask TLC for a run that commits, and fails), and the
translation's Termination, ``<>(\\A self \\in ProcSet: pc[self] =
"Done")``, under Spec's fairness, PlusCal's ``fair process`` for each
process: ``"RS(self=*)"`` (``\\A self \\in RM : WF_vars(RManager(self))``),
``"TS | TC | F1 | TA | F2"`` (WF_vars(TManager)) and ``"BTS | BTC | BTA"``
(WF_vars(BTManager)). Termination holds with ``TMMAYFAIL`` and fails
without: the TM never hides, so the backup waits at BTS for ever (a
deadlock, too, which TLC reports without ``-deadlock``).

Symmetry (none in the cfg): the RMs are interchangeable (renaming derived
from the fields typed `RM`, the kit's `Symmetric`); TLC agrees with RM's
model values under ``SYMMETRY Permutations(RM)``.

Mutants (below), one method each: the spec's own two comments (canAbort
without its second conjunct, "inconsistent if commented"; canCommit
without its second disjunct, "for when BTM takes over"), a TM that commits
once one RM prepared, a backup that aborts where it could commit, and an
RM that aborts after preparing. Those that break Consistency do it in
TLC's shortest trace, step for step; the one that breaks Termination by a
lasso of 10 steps, then stuttering, where TLC's (no shortest one) has 12.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Model, Param, eventually, invariant
from models.kit import Symmetric, ids, indexed_by

RM = ids("rms", "rm", first=1, named=True)      # RM == {rm1, rm2, rm3}: model values

RM_STATES = ("working", "prepared", "committed", "aborted", "failed")
TM_STATES = ("init", "commit", "abort", "hidden")


class State(NamedTuple):
    rm_state: indexed_by(RM, str)      # rmState
    rm_pc: indexed_by(RM, str)         # pc[rm]: RS or Done
    tm_state: str = "init"             # tmState
    tm_pc: str = "TS"                  # pc[0]: TS, TC, F1, TA, F2 or Done
    btm_pc: str = "BTS"                # pc[10]: BTS, BTC, BTA or Done


class RS(NamedTuple):
    """RS(self): the macro taken (Prepare, Commit, Abort, Fail), or exit."""

    self: RM
    macro: str


class TS(NamedTuple):
    branch: str      # commit (await canCommit) or abort (await canAbort)


class TC(NamedTuple):
    pass


class F1(NamedTuple):
    pass


class TA(NamedTuple):
    pass


class F2(NamedTuple):
    pass


class BTS(NamedTuple):
    branch: str


class BTC(NamedTuple):
    pass


class BTA(NamedTuple):
    pass


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class TwoPCWithBTM(Symmetric, Model):
    name = "2pc-with-btm"
    summary = "two-phase commit with a backup TM (2PCwithBTM.tla)"
    params = (
        Param("rms", 3, "resource managers rm1..rmN (the cfg's RM = {rm1, rm2, rm3})",
              minimum=1),
        Param("RMMAYFAIL", True, "whether an RM may fail (at most one does)",
              schema={"type": "boolean"}),
        Param("TMMAYFAIL", True, "whether the TM may fail after deciding, leaving the "
              "decision to the backup TM", schema={"type": "boolean"}),
    )
    actions = (RS, TS, TC, F1, TA, F2, BTS, BTC, BTA)
    state_type = State
    symmetry_sets = ("rms",)

    def initial_states(self):
        yield State(rm_state=("working",) * self.rms, rm_pc=("RS",) * self.rms)

    # -- define ----------------------------------------------------------------------------

    def can_commit(self, s: State) -> bool:
        """Every RM prepared, or some RM committed (for when the BTM takes
        over)."""
        return (all(r == "prepared" for r in s.rm_state)
                or any(r == "committed" for r in s.rm_state))

    def can_abort(self, s: State) -> bool:
        """Some RM aborted or failed, and none committed."""
        return (any(r in ("aborted", "failed") for r in s.rm_state)
                and not any(r == "committed" for r in s.rm_state))

    # -- Next ------------------------------------------------------------------------------

    def successors(self, s: State):
        """``TManager \\/ BTManager \\/ (\\E self \\in RM: RManager(self))``
        (Terminating changes nothing: `stutters`)."""
        yield from self.tmanager(s)
        yield from self.btmanager(s)
        for p in range(self.rms):
            yield from self.rmanager(s, p)

    def stutters(self, s: State) -> bool:
        """A step that changes nothing is enabled: Fail where it may not
        fail, or Terminating once every process is Done."""
        return (any(pc == "RS" and r in ("working", "prepared") and self.fail(s, p) is None
                    for p, (pc, r) in enumerate(zip(s.rm_pc, s.rm_state)))
                or (all(pc == "Done" for pc in s.rm_pc) and s.tm_pc == "Done"
                    and s.btm_pc == "Done"))

    # -- process RManager \in RM -----------------------------------------------------------

    def rmanager(self, s: State, p: int):
        """RS: while working or prepared, either Prepare or Decide or Fail;
        then Done."""
        if s.rm_pc[p] != "RS":
            return
        if s.rm_state[p] not in ("working", "prepared"):
            yield RS(RM(p), "exit"), s._replace(rm_pc=_with(s.rm_pc, p, "Done"))
            return
        for macro, rm_state in (("Prepare", self.prepare(s, p)), *self.decide(s, p),
                                ("Fail", self.fail(s, p))):
            if rm_state is not None:
                yield RS(RM(p), macro), s._replace(rm_state=_with(s.rm_state, p, rm_state))

    def prepare(self, s: State, p: int) -> str | None:
        """await rmState[p] = "working"; rmState[p] := "prepared"."""
        return "prepared" if s.rm_state[p] == "working" else None

    def decide(self, s: State, p: int) -> list[tuple[str, str | None]]:
        """either await tmState = "commit"; rmState[p] := "committed"
        or await rmState[p] = "working" \\/ tmState = "abort"; rmState[p] :=
        "aborted"."""
        return [("Commit", "committed" if s.tm_state == "commit" else None),
                ("Abort", "aborted" if s.rm_state[p] == "working" or s.tm_state == "abort"
                 else None)]

    def fail(self, s: State, p: int) -> str | None:
        """if (RMMAYFAIL /\\ ~\\E rm \\in RM: rmState[rm] = "failed")
        rmState[p] := "failed" (None: the step changes nothing)."""
        if self.RMMAYFAIL and "failed" not in s.rm_state:
            return "failed"
        return None

    # -- process TManager = 0 --------------------------------------------------------------

    def tmanager(self, s: State):
        match s.tm_pc:
            case "TS":
                yield from self.ts(s)
            case "TC":
                yield TC(), s._replace(tm_state="commit", tm_pc="F1")
            case "F1":
                yield F1(), self.tm_fails(s)
            case "TA":
                yield TA(), s._replace(tm_state="abort", tm_pc="F2")
            case "F2":
                yield F2(), self.tm_fails(s)

    def ts(self, s: State):
        """either await canCommit (then TC) or await canAbort (then TA)."""
        if self.can_commit(s):
            yield TS("commit"), s._replace(tm_pc="TC")
        if self.can_abort(s):
            yield TS("abort"), s._replace(tm_pc="TA")

    def tm_fails(self, s: State) -> State:
        """F1, F2: if (TMMAYFAIL) tmState := "hidden"; then Done."""
        return s._replace(tm_state="hidden" if self.TMMAYFAIL else s.tm_state, tm_pc="Done")

    # -- process BTManager = 10 ------------------------------------------------------------

    def btmanager(self, s: State):
        match s.btm_pc:
            case "BTS":
                yield from self.bts(s)
            case "BTC":
                yield BTC(), s._replace(tm_state="commit", btm_pc="Done")
            case "BTA":
                yield BTA(), s._replace(tm_state="abort", btm_pc="Done")

    def bts(self, s: State):
        """either await canCommit /\\ tmState = "hidden" (then BTC) or await
        canAbort /\\ tmState = "hidden" (then BTA)."""
        if s.tm_state != "hidden":
            return
        if self.can_commit(s):
            yield BTS("commit"), s._replace(btm_pc="BTC")
        if self.can_abort(s):
            yield BTS("abort"), s._replace(btm_pc="BTA")

    # -- properties --------------------------------------------------------------------------

    @invariant("TypeOK")
    def type_ok(self, s: State):
        for p, r in enumerate(s.rm_state):
            if r not in RM_STATES:
                return Fails(f"{RM.name_of(p)} is {r}")
        if s.tm_state not in TM_STATES:
            return Fails(f"the TM's state is {s.tm_state}")
        return True

    @invariant("Consistency")
    def consistency(self, s: State):
        """No RM has aborted while another has committed."""
        if "aborted" in s.rm_state and "committed" in s.rm_state:
            return Fails(f"{RM.name_of(s.rm_state.index('committed'))} committed and "
                         f"{RM.name_of(s.rm_state.index('aborted'))} aborted")
        return True

    @invariant("NotCommitted", default=False)
    def not_committed(self, s: State):
        """No RM has committed: the spec's way to ask for a run that commits."""
        if "committed" in s.rm_state:
            return Fails(f"{RM.name_of(s.rm_state.index('committed'))} committed")
        return True

    @eventually("Termination")
    def termination(self, s: State) -> bool:
        """Every process reaches Done."""
        return (all(pc == "Done" for pc in s.rm_pc) and s.tm_pc == "Done"
                and s.btm_pc == "Done")


# -- mutants: each a subclass overriding one method (``TwoPCWithBTM(mutant=name)``) --------


@TwoPCWithBTM.mutant(
    "abort_after_commit",
    "canAbort without its second conjunct (~\\E rmc : rmState[rmc] = \"committed\"), "
    "which the spec comments \"inconsistent if commented\": once the TM committed and "
    "hid, an RM committed and another failed, the backup aborts → Consistency")
class AbortAfterCommit(TwoPCWithBTM):
    def can_abort(self, s: State) -> bool:
        return any(r in ("aborted", "failed") for r in s.rm_state)   # the bug


@TwoPCWithBTM.mutant(
    "no_commit_after_takeover",
    "canCommit without its second disjunct (\\E rm : rmState[rm] = \"committed\", "
    "\"for when BTM takes over\"): once an RM committed and another failed, the backup "
    "can neither commit nor abort → Termination")
class NoCommitAfterTakeover(TwoPCWithBTM):
    def can_commit(self, s: State) -> bool:
        return all(r == "prepared" for r in s.rm_state)   # the bug


@TwoPCWithBTM.mutant(
    "commit_on_one_prepared",
    "canCommit holds once one RM prepared, not all: the TM commits while another RM, "
    "still working, aborts on its own → Consistency")
class CommitOnOnePrepared(TwoPCWithBTM):
    def can_commit(self, s: State) -> bool:
        return any(r in ("prepared", "committed") for r in s.rm_state)   # the bug


@TwoPCWithBTM.mutant(
    "backup_aborts_a_commit",
    "BTS's abort branch awaits canCommit, not canAbort: the backup TM decides abort "
    "where the TM decided commit → Consistency")
class BackupAbortsACommit(TwoPCWithBTM):
    def bts(self, s: State):
        if s.tm_state == "hidden" and self.can_commit(s):
            yield BTS("commit"), s._replace(btm_pc="BTC")
            yield BTS("abort"), s._replace(btm_pc="BTA")   # the bug: canCommit for canAbort


@TwoPCWithBTM.mutant(
    "abort_after_prepare",
    "Decide's abort awaits rmState[p] \\in {\"working\", \"prepared\"}: an RM aborts "
    "after preparing, while the TM commits → Consistency")
class AbortAfterPrepare(TwoPCWithBTM):
    def decide(self, s: State, p: int) -> list[tuple[str, str | None]]:
        commit, _ = super().decide(s, p)
        return [commit, ("Abort", "aborted" if s.rm_state[p] in ("working", "prepared")
                         or s.tm_state == "abort" else None)]   # the bug
