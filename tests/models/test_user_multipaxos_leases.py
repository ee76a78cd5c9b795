"""MultiPaxos with leader leases (tlaplus/Examples,
specifications/MultiPaxos-LeaderLeases: MultiPaxos.tla at blob commit
de5fbf8, MultiPaxos_MC.tla and the cfgs at 17fa7cf) as a user's plain
model, tests/models/user/multipaxos_leases.py, against what TLC 2.15
reported.

TLC ran with one worker and ``-deadlock`` (the cfgs' CHECK_DEADLOCK FALSE)
on the spec's definitions and PlusCal translation as published (copied
without the PlusCal text, each disjunct of the loop's ``either`` a named
operator) and on MultiPaxos_MC.tla (MCSpec, runFinished,
Linearizability), with the cfgs'
five invariants, ``Ballots <- MCBallots`` and ``Times <- MCTimes`` set to
1..MaxBallot and 1..MaxTime, and Replicas, Writes, Reads, TGuard and
TLease as each case says; ``SYMMETRY SymmetricPerms`` where the case
names the sets, none otherwise. TLC prints the depth plus one, and a
counterexample of n steps as n + 1 states.

The published cfgs are beyond reach: MultiPaxos_MC_short.cfg (3 replicas,
1 write, 2 reads, ballots 1..2, times 1..2, the symmetry) is 10,928,758
states by the repository's manifest (TLC 2.15 here had 289,023 after 2
minutes, at depth 14 of 50; `cmc` 100,000 orbits in 53 s, both with other
runs on the machine), MultiPaxos_MC.cfg 11,217,642,142.

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
    # one replica: InitPending orders the writes and the reads, and no
    # reachable state is another's renaming
    ((1, 2, 2, 2, 3, 1, 1), (), 1_533, 17),
    ((1, 2, 2, 2, 3, 1, 1), ALL, 1_533, 17),
]
SLOW_BOUNDS = [
    ((2, 2, 1, 1, 2, 1, 1), ALL, 2_661, 27),
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
    ((3, 1, 1, 1, 2, 1, 1), (), 174_141, 31),
    ((2, 1, 0, 2, 2, 1, 1), (), 77_597, 30),
    ((2, 1, 0, 2, 2, 1, 1), ALL, 38_800, 30),
    ((2, 1, 1, 2, 2, 1, 1), ALL, 43_818, 34),
    # TLC 2 min 59 s (other runs on the machine), cmc 81 s
    ((2, 1, 0, 2, 3, 1, 1), (), 1_083_863, 33),
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
                                 for k in range(model.majority, replies + 1))
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


# -- mutants --------------------------------------------------------------------------------


def _violation(bound, mutant, prop, sets=()):
    result = check(_model(bound, mutant=mutant), CheckConfig(symmetry=sets, properties=(prop,)))
    assert result.verdict == "violated"
    (violation,) = result.violations
    assert violation.property.name == prop
    return [str(action) for action in violation.trace.actions], violation


GUARD_S1 = "GrantorMsg(type=Guard, grantor=s1, grantee=s1, bal=1, seq=1)"
# s1 leads ballot 1 and leases itself
LEASED_SELF = [
    "BecomeLeader(self=s1, b=1)",
    "GrantorInitiateLease(self=s1)",
    f"HandleGuard(self=s1, m={GUARD_S1})",
    "HandleGuardReply(self=s1, m=GranteeMsg(type=GuardReply, grantee=s1, grantor=s1, bal=1, "
    "seq=2))",
    "HandleRenew(self=s1, m=GrantorMsg(type=Renew, grantor=s1, grantee=s1, bal=1, seq=3))",
]


def test_a_renewal_that_does_not_extend_the_grant_is_outlived():
    # TLA+: SpontaneousRenew's "newExpire == node[self].asGrantor[p].leaseExpire
    # + TLease" without "+ TLease". LeaseExpirationSafety, 1 replica, 1
    # write, no reads, ballots 1..1, times 1..4, TGuard 1, TLease 3: TLC 11
    # states (329 distinct found), the same states. (With TLease 1 no
    # renewal is ever due; with TLease 2 none outlives the grant, and the
    # mutant's renewals, which no longer push the expiry away, repeat
    # without end: no bound stops the run.)
    steps, violation = _violation((1, 1, 0, 1, 4, 1, 3), "renew_without_extension",
                                  "lease_expiration_safety")
    assert steps == LEASED_SELF + [
        "TimeTick()",
        "TimeTick()",
        "SpontaneousRenew(self=s1)",
        "SpontaneousRenew(self=s1)",
        "HandleRenew(self=s1, m=GrantorMsg(type=Renew, grantor=s1, grantee=s1, bal=1, "
        "seq=5))",
    ]
    assert violation.reason == "s1 holds s1's lease until 6; s1's grant is Renewing until 5"
    final = violation.trace.final
    assert final.time == (3,)
    assert final.node[0].asGrantor == (Lease("Renewing", 2, 5, 1, 5),)
    assert final.node[0].asGrantee == (Lease("Renewed", 2, 6, 1, 6),)


# s1 guards itself at ballot 1; s2 takes over at ballot 2 and s1, its
# grantor now, guards s2 and starts renewing its lease
GRANT_MOVES = [
    "BecomeLeader(self=s1, b=1)",
    "GrantorInitiateLease(self=s1)",
    f"HandleGuard(self=s1, m={GUARD_S1})",
    "BecomeLeader(self=s2, b=2)",
    "HandlePrepare(self=s1, m=Prepare(type=Prepare, src=s2, bal=2))",
    "GrantorInitiateLease(self=s1)",
    "HandleGuard(self=s2, m=GrantorMsg(type=Guard, grantor=s1, grantee=s2, bal=2, seq=1))",
    "HandleGuardReply(self=s1, m=GranteeMsg(type=GuardReply, grantee=s2, grantor=s1, bal=2, "
    "seq=2))",
    # s1, still Guarded by its own old grant, takes the Renew sent to s2
    "HandleRenew(self=s1, m=GrantorMsg(type=Renew, grantor=s1, grantee=s2, bal=2, seq=3))",
]


def test_a_renew_taken_by_another_grantee_breaks_lease_expiration_safety():
    # TLA+: HandleRenew without "/\ m.grantee = self". LeaseExpirationSafety,
    # 2 replicas, 1 write, no reads, ballots 1..2, times 1..2: TLC 10
    # states (5,149 distinct found), the same states
    steps, violation = _violation((2, 1, 0, 2, 2, 1, 1), "renew_to_any_grantee",
                                  "lease_expiration_safety")
    assert steps == GRANT_MOVES
    assert violation.reason == "s1 holds s1's lease until 2; s1's grant is None"


def test_a_renew_taken_by_another_grantee_leases_two_replicas_at_one_ballot():
    # the same mutant, AtMostGrantsOneLeader: TLC 11 states (8,542 distinct
    # found), the same states; s2 then takes the Renew meant for it
    steps, violation = _violation((2, 1, 0, 2, 2, 1, 1), "renew_to_any_grantee",
                                  "at_most_grants_one_leader")
    assert steps == GRANT_MOVES + [
        "HandleRenew(self=s2, m=GrantorMsg(type=Renew, grantor=s1, grantee=s2, bal=2, seq=3))"]
    assert violation.reason == "s1 grants s1 and s2 leases at ballot 2"
    final = violation.trace.final
    assert [n.asGrantee[0] for n in final.node] == [Lease("Renewed", 2, 2, 2, 4)] * 2


@pytest.mark.slow
def test_a_renew_taken_by_another_grantee_makes_two_stable_leaders():
    # the same mutant, AtMostOneStableLeader: TLC 19 states (70,203 distinct
    # found), the same states. s1, Guarded by both at ballot 1, takes both
    # grantors' Renews to s2 at ballot 2: both hold two leases at ballot 2
    steps, violation = _violation((2, 1, 0, 2, 2, 1, 1), "renew_to_any_grantee",
                                  "at_most_one_stable_leader")
    assert steps == [
        "BecomeLeader(self=s1, b=1)",
        "GrantorInitiateLease(self=s1)",
        f"HandleGuard(self=s1, m={GUARD_S1})",
        "HandlePrepare(self=s2, m=Prepare(type=Prepare, src=s1, bal=1))",
        "GrantorInitiateLease(self=s2)",
        "HandleGuard(self=s1, m=GrantorMsg(type=Guard, grantor=s2, grantee=s1, bal=1, seq=1))",
        "BecomeLeader(self=s2, b=2)",
        "HandlePrepare(self=s1, m=Prepare(type=Prepare, src=s2, bal=2))",
        "GrantorInitiateLease(self=s1)",
        "GrantorInitiateLease(self=s2)",
        "HandleGuard(self=s2, m=GrantorMsg(type=Guard, grantor=s1, grantee=s2, bal=2, seq=1))",
        "HandleGuardReply(self=s1, m=GranteeMsg(type=GuardReply, grantee=s2, grantor=s1, "
        "bal=2, seq=2))",
        "HandleRenew(self=s1, m=GrantorMsg(type=Renew, grantor=s1, grantee=s2, bal=2, seq=3))",
        "HandleGuard(self=s2, m=GrantorMsg(type=Guard, grantor=s2, grantee=s2, bal=2, seq=1))",
        "HandleGuardReply(self=s2, m=GranteeMsg(type=GuardReply, grantee=s2, grantor=s2, "
        "bal=2, seq=2))",
        "HandleRenew(self=s1, m=GrantorMsg(type=Renew, grantor=s2, grantee=s2, bal=2, seq=3))",
        "HandleRenew(self=s2, m=GrantorMsg(type=Renew, grantor=s1, grantee=s2, bal=2, seq=3))",
        "HandleRenew(self=s2, m=GrantorMsg(type=Renew, grantor=s2, grantee=s2, bal=2, seq=3))",
    ]
    assert violation.reason == "s1 and s2 both hold a majority of leases"
    final = violation.trace.final
    assert [n.balMaxKnown for n in final.node] == [2, 2]
    assert [[g.status for g in n.asGrantee] for n in final.node] == [["Renewed"] * 2] * 2


@pytest.mark.parametrize("prop, length", [
    ("at_most_grants_one_leader", 10),
    pytest.param("at_most_one_stable_leader", 18, marks=pytest.mark.slow),
])
def test_under_symmetry_the_renew_mutant_s_runs_have_tlc_s_lengths(prop, length):
    # with SYMMETRY SymmetricPerms: TLC 11 states (4,507 distinct found) and
    # 19 (36,129), each a shortest run of its own order (TLC's is its run
    # without symmetry)
    steps, _ = _violation((2, 1, 0, 2, 2, 1, 1), "renew_to_any_grantee", prop, ALL)
    assert len(steps) == length


def test_a_grant_forgotten_without_a_revoke_is_still_held():
    # TLA+: RevokeStaleAsGrantor's Renewing branch made "[NullGrantorState
    # EXCEPT !.seq = g.seq]" and RevokeStaleSendMsgs the empty set.
    # LeaseExpirationSafety, 2 replicas, 1 write, no reads, ballots 1..2,
    # times 1..2: TLC 8 states (1,445 distinct found), the same states
    steps, violation = _violation((2, 1, 0, 2, 2, 1, 1), "forget_grant_without_revoke",
                                  "lease_expiration_safety")
    assert steps == LEASED_SELF + [
        "BecomeLeader(self=s2, b=2)",
        "HandlePrepare(self=s1, m=Prepare(type=Prepare, src=s2, bal=2))",
    ]
    assert violation.reason == "s1 holds s1's lease until 2; s1's grant is None"
    assert violation.trace.final.node[0].asGrantor[0] == Lease("None", 0, 0, 0, 3)


def test_a_read_acknowledged_without_its_request_breaks_type_ok():
    # TLA+: TakeNewReadRequest's "Observe(<<ReqEvent(c), AckEvent(c, v)>>)"
    # made "Observe(<<AckEvent(c, v)>>)". TypeOK, 2 replicas, 1 write, 1
    # read, ballots 1..1, times 1..2: TLC 16 states (1,486 distinct found),
    # the same states. s1, leased by both, serves r1 before w1 commits; the
    # commit's Ack makes two acks for one request
    steps, violation = _violation((2, 1, 1, 1, 2, 1, 1), "read_ack_without_request", "type_ok")
    assert steps == LEASED_SELF + [
        "HandlePrepare(self=s2, m=Prepare(type=Prepare, src=s1, bal=1))",
        "HandlePrepareReplies(self=s1, prsGot={s1, s2})",
        "GrantorInitiateLease(self=s2)",
        "HandleGuard(self=s1, m=GrantorMsg(type=Guard, grantor=s2, grantee=s1, bal=1, seq=1))",
        "HandleGuardReply(self=s2, m=GranteeMsg(type=GuardReply, grantee=s1, grantor=s2, "
        "bal=1, seq=2))",
        "HandleRenew(self=s1, m=GrantorMsg(type=Renew, grantor=s2, grantee=s1, bal=1, seq=3))",
        "TakeNewWriteRequest(self=s1)",
        "TakeNewReadRequest(self=s1)",
        "HandleAccept(self=s2, m=Accept(type=Accept, src=s1, bal=1, slot=1, write=w1))",
        "HandleAcceptReplies(self=s1)",
    ]
    assert violation.reason == "2 commands acked, 1 requested"
    w1, r1 = WriteId.tag(0), ("reads", 0)
    assert violation.trace.final.observed == (Req(w1), Ack(r1, None), Ack(w1, None))


@pytest.mark.slow
def test_a_leader_without_a_lease_quorum_reads_a_stale_value():
    # TLA+: ThinkAmLeader without its third conjunct (the README's third
    # way). Linearizability, 3 replicas, 1 write, 1 read, ballots 1..2,
    # times 1..2: TLC 11 states (292,833 distinct found, 2 minutes), the
    # same states. s1 is prepared at ballot 1 by s3, s2 at ballot 2 by s3
    # too; s2 commits w1 and s1, unaware, reads nil after w1's Ack
    steps, violation = _violation((3, 1, 1, 2, 2, 1, 1), "leader_without_lease_quorum",
                                  "linearizability")
    assert steps == [
        "BecomeLeader(self=s1, b=1)",
        "BecomeLeader(self=s2, b=2)",
        "HandlePrepare(self=s3, m=Prepare(type=Prepare, src=s1, bal=1))",
        "HandlePrepareReplies(self=s1, prsGot={s1, s3})",
        "HandlePrepare(self=s3, m=Prepare(type=Prepare, src=s2, bal=2))",
        "HandlePrepareReplies(self=s2, prsGot={s2, s3})",
        "TakeNewWriteRequest(self=s2)",
        "HandleAccept(self=s3, m=Accept(type=Accept, src=s2, bal=2, slot=1, write=w1))",
        "HandleAcceptReplies(self=s2)",
        "TakeNewReadRequest(self=s1)",
    ]
    assert violation.reason == ("no order of the commands is linearizable: Req w1, Ack w1=nil, "
                                "Req r1, Ack r1=nil")


def test_every_mutant_is_tested():
    assert set(MultiPaxosLeases.mutants) == {
        "renew_without_extension", "renew_to_any_grantee", "forget_grant_without_revoke",
        "read_ack_without_request", "leader_without_lease_quorum"}
