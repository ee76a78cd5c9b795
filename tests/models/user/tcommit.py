"""Transaction commit (Gray and Lamport, "Consensus on Transaction Commit",
2004), the specification two-phase commit and Paxos Commit implement,
written as a user would from TCommit.tla of the TLA+ examples
(specifications/transaction_commit, tlaplus/Examples 32a32c7): a plain
`checker.Model`, one action per operator.

Each resource manager ``r1`` .. ``rN`` is working, prepared, committed or
aborted. A working RM may prepare (Prepare); a prepared RM may commit once
every RM is prepared or committed (Decide's first disjunct, ``canCommit``);
a working or prepared RM may abort while no RM has committed (its second,
``notCommitted``). Nothing else: the spec says what may happen, not who
decides.

Why a plain model and not the kit: there are no messages and no
processes, only the one function ``rmState`` that every action reads whole
(canCommit and notCommitted quantify over every RM).

A step is ``Prepare(rm=r1)`` or ``Decide(rm=r1, to=committed)`` (``to``
names Decide's disjunct). The spec is ``TCInit /\\ [][TCNext]_rmState``
with no fairness and no stuttering step: once every RM has decided nothing
is enabled, which is why TCommit.cfg says ``CHECK_DEADLOCK FALSE``
(``deadlock: false``).

Properties: TCTypeOK and TCConsistent, the cfg's invariants. Symmetry (none
in the cfg): the RMs are interchangeable (renaming derived from the fields
typed `RM`, the kit's `Symmetric`); TLC agrees with RM's model values under
``SYMMETRY Permutations(RM)``.

`tc_next` says whether a change of ``rmState`` is a TCNext step or a
stutter, ``[TCNext]_rmState``: the refinement TwoPhase.tla's theorem
``TPSpec => TC!TCSpec`` asks of every step of two-phase commit
(tests/models/test_user_tcommit.py walks two_phase_commit.py's graph with
it).

Mutants (below), one method each, whose counterexamples are TLC's: Decide
committing a prepared RM without canCommit, and aborting without
notCommitted.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Model, Param, invariant
from models.kit import Symmetric, ids, indexed_by

RM = ids("rms", "r", first=1, named=True)      # RM == {r1, r2, r3}: model values

RM_STATES = ("working", "prepared", "committed", "aborted")


class State(NamedTuple):
    rm_state: indexed_by(RM, str)      # rmState


class Prepare(NamedTuple):
    rm: RM


class Decide(NamedTuple):
    rm: RM
    to: str       # committed or aborted: which disjunct of Decide(rm)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class TCommit(Symmetric, Model):
    name = "tcommit"
    summary = "transaction commit (TCommit.tla)"
    params = (Param("rms", 3, "resource managers r1..rN (the cfg's RM = {r1, r2, r3})",
                    minimum=1),)
    actions = (Prepare, Decide)
    state_type = State
    symmetry_sets = ("rms",)

    def initial_states(self):
        """TCInit: every RM working."""
        yield State(("working",) * self.rms)

    def can_commit(self, s: State) -> bool:
        """Every RM is prepared or committed."""
        return all(r in ("prepared", "committed") for r in s.rm_state)

    def not_committed(self, s: State) -> bool:
        """No RM has committed."""
        return all(r != "committed" for r in s.rm_state)

    def successors(self, s: State):
        """TCNext == \\E rm \\in RM : Prepare(rm) \\/ Decide(rm)."""
        for rm in range(self.rms):
            if (after := self.prepare(s, rm)) is not None:
                yield Prepare(RM(rm)), State(_with(s.rm_state, rm, after))
            for to in self.decide(s, rm):
                yield Decide(RM(rm), to), State(_with(s.rm_state, rm, to))

    def prepare(self, s: State, rm: int) -> str | None:
        """A working RM prepares."""
        return "prepared" if s.rm_state[rm] == "working" else None

    def decide(self, s: State, rm: int) -> list[str]:
        """A prepared RM commits if canCommit; a working or prepared RM
        aborts if notCommitted."""
        decisions = []
        if s.rm_state[rm] == "prepared" and self.can_commit(s):
            decisions.append("committed")
        if s.rm_state[rm] in ("working", "prepared") and self.not_committed(s):
            decisions.append("aborted")
        return decisions

    def tc_next(self, before: tuple[str, ...], after: tuple[str, ...]) -> bool:
        """``[TCNext]_rmState`` from rmState `before` to `after`: a TCNext
        step, or rmState unchanged."""
        return before == after or any(t.rm_state == after
                                      for _, t in self.successors(State(before)))

    @invariant("TCTypeOK")
    def type_ok(self, s: State):
        for rm, r in enumerate(s.rm_state):
            if r not in RM_STATES:
                return Fails(f"{RM.name_of(rm)} is {r}")
        return True

    @invariant("TCConsistent")
    def consistent(self, s: State):
        """No RM has aborted while another has committed."""
        if "aborted" in s.rm_state and "committed" in s.rm_state:
            return Fails(f"{RM.name_of(s.rm_state.index('committed'))} committed and "
                         f"{RM.name_of(s.rm_state.index('aborted'))} aborted")
        return True


# -- mutants: each a subclass overriding one method (``TCommit(mutant=name)``) -------------


@TCommit.mutant(
    "commit_without_can_commit",
    "Decide commits a prepared RM without canCommit: it commits while another RM, "
    "still working, aborts → TCConsistent")
class CommitWithoutCanCommit(TCommit):
    def can_commit(self, s: State) -> bool:
        return True   # the bug


@TCommit.mutant(
    "abort_without_not_committed",
    "Decide aborts a working or prepared RM without notCommitted: it aborts after "
    "another committed → TCConsistent")
class AbortWithoutNotCommitted(TCommit):
    def not_committed(self, s: State) -> bool:
        return True   # the bug
