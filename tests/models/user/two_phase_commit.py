"""Two-phase commit, a user's model written with the kit (after Lamport's
TwoPhase.tla), over a bag that may lose messages.

A spec names it by file: ``model: ./two_phase_commit.py:TwoPhaseCommit``.
"""

from __future__ import annotations

from typing import NamedTuple

from checker import Fails, Param, invariant, reachable
from models.kit import ActorModel, Bag, Node, ids, on, step

RM = ids("rms", "rm")     # resource managers: interchangeable
TM = ids("tms", "tm")     # the one transaction manager


class RMState(NamedTuple):
    state: str = "working"  # working, prepared, committed, aborted


class TMState(NamedTuple):
    state: str = "init"  # init, committed, aborted
    prepared: frozenset[RM] = frozenset()


class Prepared(NamedTuple):
    rm: RM
    tm: TM
    src, dst = "rm", "tm"


class Commit(NamedTuple):
    rm: RM
    dst = "rm"


class Abort(NamedTuple):
    rm: RM
    dst = "rm"


class RMPrepare(NamedTuple):
    rm: RM


class RMChooseToAbort(NamedTuple):
    rm: RM


class RMRcvCommitMsg(NamedTuple):
    rm: RM
    to: RM


class RMRcvAbortMsg(NamedTuple):
    rm: RM
    to: RM


class TMRcvPrepared(NamedTuple):
    tm: TM
    rm: RM
    to: TM


class TMCommit(NamedTuple):
    tm: TM


class TMAbort(NamedTuple):
    tm: TM


class ResourceManager(Node):
    ids = RM
    state = RMState

    @step(RMPrepare)
    def prepare(self, s):
        """RMPrepare(rm): a working RM prepares and tells the TM."""
        if s.state == "working":
            return s._replace(state="prepared"), [Prepared(rm=self.id, tm=0)]
        return None

    @step(RMChooseToAbort)
    def choose_to_abort(self, s):
        """RMChooseToAbort(rm): a working RM may abort on its own."""
        if s.state == "working":
            return s._replace(state="aborted"), []
        return None

    @on(Commit, RMRcvCommitMsg)
    def receive_commit(self, s, m):
        return s._replace(state="committed"), []

    @on(Abort, RMRcvAbortMsg)
    def receive_abort(self, s, m):
        return s._replace(state="aborted"), []


class TransactionManager(Node):
    ids = TM
    state = TMState
    count = 1

    @on(Prepared, TMRcvPrepared)
    def receive_prepared(self, s, m):
        if s.state == "init":
            return s._replace(prepared=s.prepared | {m.rm}), []
        return None

    @step(TMCommit)
    def commit(self, s):
        """TMCommit: every RM prepared; commit and tell them all."""
        if s.state == "init" and self.all_prepared(s):
            return s._replace(state="committed"), [Commit(rm) for rm in range(self.model.rms)]
        return None

    def all_prepared(self, s) -> bool:
        return len(s.prepared) == self.model.rms

    @step(TMAbort)
    def abort(self, s):
        """TMAbort: the TM may abort at any time before deciding."""
        if s.state == "init":
            return s._replace(state="aborted"), [Abort(rm) for rm in range(self.model.rms)]
        return None


class TwoPhaseCommit(ActorModel):
    name = "two-phase-commit"
    summary = "two-phase commit (TwoPhase.tla) over a lossy bag"
    params = (Param("rms", 3, "number of resource managers", minimum=1),
              Param("drops", 1, "messages the network may lose", minimum=0))
    roles = (ResourceManager, TransactionManager)
    messages = (Prepared, Commit, Abort)
    network = Bag(drop="drops")
    network_choices = ("bag", "set")  # `network: set` is TwoPhase.tla's msgs
    symmetry_sets = ("rms",)

    def rm_states(self, state):
        return [self.record(state, ResourceManager, rm).state for rm in range(self.rms)]

    @invariant("Consistency")
    def consistent(self, state):
        """No RM commits while another aborts."""
        states = self.rm_states(state)
        if "committed" in states and "aborted" in states:
            return Fails(f"rm{states.index('committed')} committed and "
                         f"rm{states.index('aborted')} aborted")
        return True

    @reachable("All committed")
    def all_committed(self, state):
        return all(s == "committed" for s in self.rm_states(state))


@TwoPhaseCommit.mutant("commit_early", "the TM commits once any RM prepared; breaks Consistency")
class EagerTransactionManager(TransactionManager):
    def all_prepared(self, s) -> bool:
        return bool(s.prepared)
