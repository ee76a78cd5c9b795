"""A small message-passing model for report tests: two-phase commit.

After Lamport's ``TwoPhase.tla`` (Gray and Lamport, "Consensus on Transaction
Commit"): a transaction manager ``tm`` and resource managers ``rm1``, ``rm2``,
...; messages go into a set of every message ever sent. It implements
`Model.step_events`, so its counterexamples have sequence charts. The
``early_commit`` mutant lets the manager commit once any resource manager is
prepared, which breaks Consistency.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Model, Param, invariant, reachable
from checker.model import Note, Received, Sent

WORKING, PREPARED, COMMITTED, ABORTED = "working", "prepared", "committed", "aborted"


class TwoPhaseState(NamedTuple):
    rm_state: tuple[str, ...]
    tm_state: str
    tm_prepared: frozenset
    msgs: frozenset


class Prepared(NamedTuple):
    rm: int

    def __str__(self) -> str:
        return f"Prepared(rm{self.rm + 1})"


class TMRcvPrepared(NamedTuple):
    rm: int


class TMCommit(NamedTuple):
    pass


class TMAbort(NamedTuple):
    pass


class RMPrepare(NamedTuple):
    rm: int


class RMChooseToAbort(NamedTuple):
    rm: int


class RMRcvCommitMsg(NamedTuple):
    rm: int


class RMRcvAbortMsg(NamedTuple):
    rm: int


def _rm(index: int) -> str:
    return f"rm{index + 1}"


def _with(row: tuple, index: int, value) -> tuple:
    return row[:index] + (value,) + row[index + 1:]


class TwoPhase(Model):
    name = "two-phase"
    summary = "two-phase commit (a toy for report tests)"
    params = (Param("rms", 2, "number of resource managers", minimum=1),)
    mutants = {"early_commit": "the manager commits once any resource manager is prepared; "
                               "breaks Consistency"}
    actions = (TMRcvPrepared, TMCommit, TMAbort, RMPrepare, RMChooseToAbort,
               RMRcvCommitMsg, RMRcvAbortMsg)

    def initial_states(self):
        return [TwoPhaseState((WORKING,) * self.rms, "init", frozenset(), frozenset())]

    def successors(self, state):
        rm_state, tm_state, tm_prepared, msgs = state
        everyone = frozenset(range(self.rms))
        if tm_state == "init":
            for rm in range(self.rms):
                if Prepared(rm) in msgs and rm not in tm_prepared:
                    yield TMRcvPrepared(rm), state._replace(tm_prepared=tm_prepared | {rm})
            enough = tm_prepared if self.mutant == "early_commit" else tm_prepared == everyone
            if enough:
                yield TMCommit(), state._replace(tm_state="committed",
                                                 msgs=msgs | {"Commit"})
            yield TMAbort(), state._replace(tm_state="aborted", msgs=msgs | {"Abort"})
        for rm in range(self.rms):
            if rm_state[rm] == WORKING:
                yield RMPrepare(rm), state._replace(rm_state=_with(rm_state, rm, PREPARED),
                                                    msgs=msgs | {Prepared(rm)})
                yield RMChooseToAbort(rm), state._replace(
                    rm_state=_with(rm_state, rm, ABORTED))
            if "Commit" in msgs and rm_state[rm] != COMMITTED:
                yield RMRcvCommitMsg(rm), state._replace(
                    rm_state=_with(rm_state, rm, COMMITTED))
            if "Abort" in msgs and rm_state[rm] != ABORTED:
                yield RMRcvAbortMsg(rm), state._replace(
                    rm_state=_with(rm_state, rm, ABORTED))

    def state_view(self, state):
        view = {f"{_rm(rm)}.state": value for rm, value in enumerate(state.rm_state)}
        view["tm.state"] = state.tm_state
        view["tm.prepared"] = [_rm(rm) for rm in sorted(state.tm_prepared)]
        view["msgs"] = sorted(map(str, state.msgs))
        return view

    def step_events(self, state, action, next_state):
        kind = type(action)
        if kind is RMPrepare:
            return [Sent(_rm(action.rm), "tm", str(Prepared(action.rm)))]
        if kind is TMRcvPrepared:
            return [Received(_rm(action.rm), "tm", str(Prepared(action.rm)))]
        if kind in (TMCommit, TMAbort):
            decision = "Commit" if kind is TMCommit else "Abort"
            return [Note("tm", f"decides {decision.lower()}")] + [
                Sent("tm", _rm(rm), decision) for rm in range(self.rms)]
        if kind in (RMRcvCommitMsg, RMRcvAbortMsg):
            decision = "Commit" if kind is RMRcvCommitMsg else "Abort"
            return [Received("tm", _rm(action.rm), decision),
                    Note(_rm(action.rm), next_state.rm_state[action.rm])]
        return [Note(_rm(action.rm), "aborts")]  # RMChooseToAbort

    @invariant("Consistency")
    def consistency(self, state):
        """No resource manager commits while another aborts."""
        states = state.rm_state
        if COMMITTED in states and ABORTED in states:
            return Fails(f"{_rm(states.index(COMMITTED))} committed but "
                         f"{_rm(states.index(ABORTED))} aborted")
        return True

    @reachable("All Committed")
    def all_committed(self, state):
        return all(value == COMMITTED for value in state.rm_state)
