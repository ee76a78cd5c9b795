"""TwoPhase.tla's theorem ``TPSpec => TC!TCSpec``, that two-phase commit
implements transaction commit (Gray and Lamport; specifications/
transaction_commit of the TLA+ examples, tlaplus/Examples 32a32c7), as a
step property of the kit's two-phase commit, two_phase_commit.py.

two_phase_commit.py is TwoPhase.tla when its network is a message set that
loses nothing (``network: set``, ``drops: 0``): ``msgs``, the set of every
message sent, from which nothing is removed. It sends one Commit (and one
Abort) per RM where TwoPhase.tla sends one to all, and a Prepared names
the TM too; both are sent at once and received as the one message would
be, so each state is one of TwoPhase.tla's (TLC's distinct states and
depths, tests/models/test_user_tcommit.py).

TPTypeOK, the cfg's invariant, is checked too (`type_ok`). TC!TCSpec is
``TCInit /\\ [][TCNext]_rmState``: each step of two-phase
commit leaves the RMs' states alone or is a step of TCommit (tcommit.py's
`tc_next`). TCInit holds in the initial state (every RM working).
"""

from __future__ import annotations

from functools import cached_property

from tcommit import TCommit
from two_phase_commit import Abort, Commit, Prepared, TransactionManager, TwoPhaseCommit

from checker import Fails, invariant, transition


class TwoPhaseRefinesTCommit(TwoPhaseCommit):
    name = "two-phase-commit-refines-tcommit"
    summary = "two-phase commit (TwoPhase.tla) with TPSpec => TC!TCSpec"

    @cached_property
    def tcommit(self) -> TCommit:
        return TCommit(rms=self.rms)

    @transition("TC!TCSpec")
    def refines_tcommit(self, state, action, next_state):
        """``[TCNext]_rmState``: the RMs' states change by a step of TCommit,
        or not at all."""
        before, after = tuple(self.rm_states(state)), tuple(self.rm_states(next_state))
        if self.tcommit.tc_next(before, after):
            return True
        return Fails(f"rmState goes from {list(before)} to {list(after)}, no step of TCommit")

    @invariant("TPTypeOK")
    def type_ok(self, state):
        """rmState, tmState and tmPrepared in their sets; msgs messages."""
        for rm, r in enumerate(self.rm_states(state)):
            if r not in ("working", "prepared", "committed", "aborted"):
                return Fails(f"rm{rm} is {r}")
        tm = self.record(state, TransactionManager, 0)
        if tm.state not in ("init", "committed", "aborted"):
            return Fails(f"the TM is {tm.state}")
        if not tm.prepared <= set(range(self.rms)):
            return Fails(f"tmPrepared {sorted(tm.prepared)} is no set of RMs")
        for kind in (Prepared, Commit, Abort):
            for m in self.sent(state, kind):
                if not 0 <= m.rm < self.rms:
                    return Fails(f"{m} names no RM")
        return True
