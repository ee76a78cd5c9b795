"""MultiPaxos with leader leases (tlaplus/Examples,
specifications/MultiPaxos-LeaderLeases: MultiPaxos.tla at blob commit
de5fbf8, MultiPaxos_MC.tla and the cfgs at 17fa7cf) as a user's plain
model, tests/models/user/multipaxos_leases.py, against what TLC 2.15
reported.

TLC ran with one worker and ``-deadlock`` (the cfgs' CHECK_DEADLOCK FALSE)
on the spec's definitions and PlusCal translation as published and on
MultiPaxos_MC.tla (MCSpec, runFinished, Linearizability), with the cfgs'
five invariants, ``Ballots <- MCBallots`` and ``Times <- MCTimes`` set to
1..MaxBallot and 1..MaxTime, and Replicas, Writes, Reads, TGuard and
TLease as each case says; ``SYMMETRY SymmetricPerms`` where the case
names the sets, none otherwise. TLC prints the depth plus one, and a
counterexample of n steps as n + 1 states.

The published cfgs are beyond reach: MultiPaxos_MC_short.cfg (3 replicas,
1 write, 2 reads, ballots 1..2, times 1..2) is 10,928,758 states by the
repository's manifest (TLC 2.15 here: 1,083,863 states took 3 minutes on
2 replicas, 1 write, 2 ballots, times 1..3, about 6,000 states a second;
`cmc` makes about 4,000), MultiPaxos_MC.cfg 11,217,642,142.

A mutant was made in the TLA+ text as the model's mutant makes it (each
test says how) and checked with the one invariant it breaks, without
symmetry; TLC's counterexample is the model's state for state (compared
by parsing TLC's printed trace into values).
"""

from __future__ import annotations

from collections import deque
from math import comb
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from cmc.main import cli
from tests.brute_force import orbit_counts_agree
from tests.models.user.multipaxos_leases import (Ack, AcceptReply, HandleAcceptReplies, Lease,
                                                 MultiPaxosLeases, Req, TakeNewWriteRequest,
                                                 TimeTick, WriteId)

USER = Path(__file__).parent / "user"
SPEC = USER / "multipaxos_leases.yaml"
ALL = ("replicas", "writes", "reads")


def _model(bound, mutant=None):
    replicas, writes, reads, max_ballot, max_time, guard, lease = bound
    return MultiPaxosLeases(replicas=replicas, writes=writes, reads=reads, MaxBallot=max_ballot,
                            MaxTime=max_time, TGuard=guard, TLease=lease, mutant=mutant)


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


# replicas, writes, reads, MaxBallot, MaxTime, TGuard, TLease; the symmetric
# sets; TLC's distinct states (orbits with symmetry) and depth (one more
# than ours)
BOUNDS = [
    ((1, 1, 0, 2, 2, 1, 1), (), 71, 9),
    ((1, 1, 1, 2, 3, 1, 1), (), 327, 13),
    ((2, 1, 0, 1, 2, 1, 1), (), 1_501, 17),
    ((2, 1, 0, 1, 2, 2, 1), (), 1_501, 17),
    ((2, 1, 1, 1, 2, 1, 1), (), 1_745, 21),
    ((2, 2, 0, 1, 2, 1, 1), (), 2_451, 23),
    ((2, 2, 0, 1, 2, 1, 1), ALL, 1_227, 23),
    ((2, 1, 2, 1, 2, 1, 1), (), 2_145, 22),
    ((2, 1, 2, 1, 2, 1, 1), ALL, 1_074, 22),
    ((2, 2, 1, 1, 2, 1, 1), ALL, 2_661, 27),
    # one replica: InitPending orders the writes and the reads, and no
    # reachable state is another's renaming
    ((1, 2, 2, 2, 3, 1, 1), (), 1_533, 17),
    ((1, 2, 2, 2, 3, 1, 1), ALL, 1_533, 17),
]
SLOW_BOUNDS = [
    ((2, 2, 1, 1, 2, 1, 1), (), 5_319, 27),
    # times 1..3: leases renewed and expired, each window of 1 and 2
    ((2, 1, 0, 1, 3, 1, 1), (), 12_671, 20),
    ((2, 1, 0, 1, 3, 1, 1), ALL, 6_338, 20),
    ((2, 1, 0, 1, 3, 2, 1), (), 12_709, 18),
    ((2, 1, 0, 1, 3, 1, 2), (), 12_909, 20),
    ((2, 1, 0, 1, 3, 2, 2), (), 14_479, 18),
    ((2, 1, 1, 1, 3, 1, 1), (), 14_019, 24),
    # three replicas, and two ballots: leader changes, revocations
    ((3, 1, 0, 1, 2, 1, 1), ALL, 10_417, 25),
    ((3, 1, 0, 1, 2, 1, 1), (), 59_877, 25),
    ((3, 1, 1, 1, 2, 1, 1), ALL, 29_766, 31),
    ((2, 1, 0, 2, 2, 1, 1), (), 77_597, 30),
    ((2, 1, 0, 2, 2, 1, 1), ALL, 38_800, 30),
    ((2, 1, 1, 2, 2, 1, 1), ALL, 43_818, 34),
]


def _meets(bound, sets, distinct, depth):
    result = check(_model(bound), CheckConfig(symmetry=sets))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)


@pytest.mark.parametrize("bound, sets, distinct, depth", BOUNDS)
def test_bounds_have_tlc_s_counts(bound, sets, distinct, depth):
    _meets(bound, sets, distinct, depth)


@pytest.mark.slow
@pytest.mark.parametrize("bound, sets, distinct, depth", SLOW_BOUNDS)
def test_larger_bounds_have_tlc_s_counts(bound, sets, distinct, depth):
    _meets(bound, sets, distinct, depth)


def _tlc_generated(model) -> tuple[int, int]:
    """TLC's "states generated" and distinct states, rebuilt by a search of
    TLC's own (one worker, breadth first): the initial state, then each
    step of each state once, but TimeTick once per live replica (each
    replica's loop has it), HandleAcceptReplies once per quorum of replies
    (``\\E arsGot``), and TakeNewWriteRequest once per Empty slot (TLC
    takes the guard's ``\\E s \\in Slots: ... = "Empty"`` as a choice of
    s, a successor for each, though none uses it)."""
    start = list(model.initial_states())
    seen = set(start)
    queue, generated = deque(start), len(start)
    while queue:
        s = queue.popleft()
        for action, t in model.successors(s):
            if isinstance(action, TimeTick):
                generated += sum(1 for r in model.everyone
                                 if s.pc[r] == "rloop" and not s.crashed[r])
            elif isinstance(action, HandleAcceptReplies):
                n = s.node[action.self]
                replies = sum(1 for m in s.msgs if type(m) is AcceptReply
                              and m.slot == n.commitUpTo + 1 and m.bal == n.balPrepared)
                generated += sum(comb(replies, k)
                                 for k in range(model.accept_quorum(), replies + 1))
            elif isinstance(action, TakeNewWriteRequest):
                generated += sum(1 for i in s.node[action.self].insts if i.status == "Empty")
            else:
                generated += 1
            if t not in seen:
                seen.add(t)
                queue.append(t)
    return generated, len(seen)


@pytest.mark.parametrize("bound, generated, distinct", [
    ((1, 1, 1, 2, 3, 1, 1), 415, 327),
    ((2, 1, 0, 1, 2, 1, 1), 2_337, 1_501),
    ((2, 2, 0, 1, 2, 1, 1), 4_231, 2_451),
    ((2, 1, 2, 1, 2, 1, 1), 3_397, 2_145),
])
def test_tlc_s_generated_counts_are_rebuilt(bound, generated, distinct):
    assert _tlc_generated(_model(bound)) == (generated, distinct)


@pytest.mark.slow
@pytest.mark.parametrize("bound, generated, distinct", [
    ((2, 2, 1, 1, 2, 1, 1), 10_063, 5_319),
    ((2, 1, 0, 1, 3, 2, 2), 22_777, 14_479),
    ((2, 1, 1, 1, 3, 1, 1), 26_163, 14_019),
])
def test_larger_generated_counts_are_rebuilt(bound, generated, distinct):
    assert _tlc_generated(_model(bound)) == (generated, distinct)


def test_symmetry_gives_every_orbit_once():
    # the engine's canonical form against the whole group of renamings of
    # replicas, writes and reads
    assert orbit_counts_agree(lambda: _model((2, 1, 2, 1, 2, 1, 1)),
                              [("replicas",), ALL]) == (2_145, 1_074, 1_074)
