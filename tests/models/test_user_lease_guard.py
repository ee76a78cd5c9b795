"""LeaseGuard's leaseGuard.tla (muratdem/RaftLeaderLeases, commit c773c12)
as a user's plain model, tests/models/user/lease_guard.py, against what
TLC 2.15 reported.

TLC ran with one worker and ``-deadlock`` on leaseGuard.tla and
mcLeaseGuard.tla as published, with TLA/mcLeaseGuard.cfg's invariants
(TypeOK, EntryIndexes, OneLeaderPerTerm, LeaderCompleteness,
StateMachineSafety, LinearizableReads) and CONSTRAINT StateConstraint, but
Server, Key, Delta, MaxTerm, MaxLogLen and MaxClock as each case says;
``VIEW ClockAbstractionView`` where the case says view, and ``SYMMETRY
ServerAndKeySymmetry`` (or, for "servers", ``Permutations(Server)``) where
it names sets. TLC prints the depth plus one, and a counterexample of n
steps as n + 1 states. The published cfg (3 servers, 2 keys, Delta 3,
MaxTerm 3, MaxLogLen 4, MaxClock 8, the view and symmetry) is beyond
reach: TLC had 2,687,760 states and 1,792,926 on its queue at depth 13
after 9 minutes, and was stopped.

A mutant was made in the TLA+ text as the model's mutant makes it (each
test says how) and checked with the one invariant it breaks, the view on
and no symmetry; TLC's counterexample is the model's state for state. With
SYMMETRY Permutations(Server) too, TLC's counterexample has the model's
length, and is the model's state for state or the model's with n2 and n3
swapped (each prints one of the real runs through the same orbits).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from cmc.main import cli
from tests.brute_force import orbit_counts_agree
from tests.models.user.lease_guard import (CommitEntry, CommitRecord, Entry, LeaseGuard,
                                           quorums)

USER = Path(__file__).parent / "user"
SPEC = USER / "lease_guard.yaml"
BOTH = ("servers", "keys")


def _model(bound, view=True, mutant=None):
    servers, keys, delta, max_term, max_log_len, max_clock = bound
    return LeaseGuard(servers=servers, keys=keys, Delta=delta, MaxTerm=max_term,
                      MaxLogLen=max_log_len, MaxClock=max_clock, VIEW=view, mutant=mutant)


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


# servers, keys, Delta, MaxTerm, MaxLogLen, MaxClock; the view; the
# symmetric sets; TLC's distinct states (orbits with symmetry) and depth
# (one more than ours)
BOUNDS = [
    ((2, 1, 3, 1, 1, 2), False, (), 33, 7),
    ((2, 1, 3, 1, 1, 2), True, (), 11, 6),
    ((2, 1, 3, 2, 2, 4), False, (), 1_385, 11),
    ((2, 1, 3, 2, 2, 4), False, BOTH, 695, 11),
    ((2, 1, 3, 2, 2, 4), True, (), 141, 9),
    ((2, 1, 3, 2, 2, 4), True, BOTH, 71, 9),
    ((3, 2, 3, 1, 1, 3), False, BOTH, 210, 9),
    ((3, 2, 3, 1, 1, 3), True, (), 382, 7),
    ((3, 2, 3, 1, 1, 3), True, BOTH, 36, 7),
    ((3, 2, 3, 1, 1, 3), True, ("servers",), 69, 7),
    # Delta 1: leases run out within the clock's bound, so new leaders
    # commit, old ones are deposed and roll back
    ((2, 2, 1, 3, 2, 4), True, (), 1_407, 10),
    ((2, 2, 1, 3, 2, 4), True, BOTH, 354, 10),
    ((2, 1, 1, 3, 3, 6), True, (), 1_527, 13),
]
SLOW_BOUNDS = [
    # (0.4-0.8 s each: the default keeps a bound of each shape)
    ((3, 2, 3, 1, 1, 3), False, (), 2_272, 9),
    ((3, 2, 3, 1, 1, 3), False, ("servers",), 408, 9),
    ((3, 2, 1, 2, 1, 2), True, BOTH, 605, 15),
    ((3, 2, 1, 2, 1, 2), False, BOTH, 1_296, 15),
    ((2, 2, 1, 3, 2, 4), False, (), 16_163, 13),
    ((2, 2, 1, 3, 2, 4), False, BOTH, 4_052, 13),
    ((2, 1, 1, 3, 3, 6), False, (), 60_173, 18),
    ((3, 2, 1, 2, 1, 2), True, (), 7_075, 15),
    ((3, 2, 1, 2, 1, 2), False, (), 15_087, 15),
    ((3, 1, 1, 2, 2, 3), True, BOTH, 9_664, 20),
    ((3, 1, 1, 2, 2, 3), True, (), 57_661, 20),
    ((3, 1, 1, 2, 2, 3), False, BOTH, 24_732, 20),
    ((3, 1, 0, 2, 2, 4), True, BOTH, 16_012, 22),
    ((3, 2, 1, 2, 2, 4), True, BOTH, 45_377, 22),
    ((3, 2, 3, 2, 2, 4), True, BOTH, 40_169, 22),
    ((3, 2, 3, 2, 2, 4), True, ("servers",), 80_331, 22),
]


def _meets(bound, view, sets, distinct, depth):
    result = check(_model(bound, view), CheckConfig(symmetry=sets))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)


@pytest.mark.parametrize("bound, view, sets, distinct, depth", BOUNDS)
def test_bounds_have_tlc_s_counts(bound, view, sets, distinct, depth):
    _meets(bound, view, sets, distinct, depth)


@pytest.mark.slow
@pytest.mark.parametrize("bound, view, sets, distinct, depth", SLOW_BOUNDS)
def test_larger_bounds_have_tlc_s_counts(bound, view, sets, distinct, depth):
    _meets(bound, view, sets, distinct, depth)


# On two servers the one quorum is both, so TLC generates a state per step
# of ours: its "states generated" is ours, with the view and symmetry too
# (the states each explores are the same)
@pytest.mark.parametrize("bound, view, sets, generated", [
    ((2, 1, 3, 1, 1, 2), False, (), 154),
    ((2, 1, 3, 1, 1, 2), True, (), 52),
    ((2, 1, 3, 2, 2, 4), False, (), 6_696),
    ((2, 1, 3, 2, 2, 4), False, BOTH, 3_356),
    ((2, 1, 3, 2, 2, 4), True, (), 680),
    ((2, 1, 3, 2, 2, 4), True, BOTH, 342),
    ((2, 2, 1, 3, 2, 4), True, (), 8_566),
    ((2, 2, 1, 3, 2, 4), True, BOTH, 2_152),
    ((2, 2, 1, 3, 2, 4), False, BOTH, 24_043),
    ((2, 1, 1, 3, 3, 6), True, (), 7_228),
])
def test_on_two_servers_tlc_s_generated_count_is_ours(bound, view, sets, generated):
    result = check(_model(bound, view), CheckConfig(symmetry=sets))
    assert result.stats.generated_states == generated


def _tlc_generated(model) -> tuple[int, int]:
    """TLC's "states generated" and distinct states, rebuilt by a search of
    TLC's own (one worker, breadth first, the first state of each view
    kept): the initial states, then each step of each kept state once, and
    CommitEntry once more for every other quorum that has the entry
    (``\\E q \\in Quorums(Server)``, one successor per witness)."""
    start = list(model.initial_states())
    seen = {model.view(s) for s in start}
    queue, generated = deque(start), len(start)
    while queue:
        s = queue.popleft()
        for action, t in model.successors(s):
            if isinstance(action, CommitEntry):
                i, index, term = action.i, action.newCommitIdx, s.currentTerm[action.i]
                generated += sum(1 for q in quorums(model.servers) if all(
                    s.matchIndex[i][k].index >= index and s.matchIndex[i][k].term == term
                    for k in q))
            else:
                generated += 1
            if model.within_bounds(t) and model.view(t) not in seen:
                seen.add(model.view(t))
                queue.append(t)
    return generated, len(seen)


@pytest.mark.parametrize("bound, view, generated, distinct", [
    ((3, 2, 3, 1, 1, 3), False, 32_273, 2_272),
    ((3, 2, 3, 1, 1, 3), True, 5_417, 382),
    ((3, 2, 1, 2, 1, 2), True, 95_471, 7_075),
])
def test_tlc_s_generated_counts_are_rebuilt(bound, view, generated, distinct):
    assert _tlc_generated(_model(bound, view)) == (generated, distinct)


# -- mutants --------------------------------------------------------------------------------


def _violation(bound, mutant, prop, sets=()):
    result = check(_model(bound, mutant=mutant), CheckConfig(symmetry=sets, properties=(prop,)))
    assert result.verdict == "violated"
    (violation,) = result.violations
    assert violation.property.name == prop
    return [str(action) for action in violation.trace.actions], violation


def _entry(term, index, timestamp, key=0):
    return Entry(term, key, index, timestamp)


# n1 leads term 1 and writes k1 twice; n2 takes both, the first committed
# (so n2's commitIndex is 1); n2 is elected in term 2 while n1 commits the
# second; n2's commitIndex is an entry of term 1, within its inherited lease
LIMBO_RUN = [
    "BecomeLeader(i=n1, voteQuorum={n1, n2})",
    "ClientWrite(i=n1, k=k1)",
    "ClientWrite(i=n1, k=k1)",
    "GetEntries(i=n2, j=n1)",
    "CommitEntry(i=n1, newCommitIdx=1)",
    "GetEntries(i=n2, j=n1)",
    "BecomeLeader(i=n2, voteQuorum={n2, n3})",
    "CommitEntry(i=n1, newCommitIdx=2)",
    "ClientRead(i=n2, k=k1)",
]


def test_a_read_in_the_limbo_region_is_not_linearizable():
    # TLA+: ClientRead without "currentTerm[i] # log[i][commitIndex[i]].term
    # => LastCommitted(k, i) = LastInPriorTerm(k, i)". LinearizableReads,
    # 3 servers, 1 key, Delta 3, MaxTerm 2, MaxLogLen 2, MaxClock 2, the
    # view: TLC 10 states (11,539 distinct found), the same states
    steps, violation = _violation((3, 1, 3, 2, 2, 2), "no_limbo_guard", "linearizable_reads")
    assert steps == LIMBO_RUN
    assert violation.reason == (
        "a read of k1 returned the write at index 1 of term 1 (time 1); the last committed "
        "write of k1 is the write at index 2 of term 1 (time 2)")
    final = violation.trace.final
    assert (final.currentTerm, final.state, final.commitIndex, final.clock) == (
        (1, 2, 2), ("Leader", "Leader", "Follower"), (2, 1, 0), 2)
    assert final.committed == {CommitRecord(1, _entry(1, 1, 1)), CommitRecord(1, _entry(1, 2, 2))}


@pytest.mark.slow
def test_a_read_without_the_lease_is_not_linearizable():
    # TLA+: ClientRead without "log[i][commitIndex[i]].timestamp + Delta >=
    # clock". LinearizableReads, 3 servers, 1 key, Delta 1, MaxTerm 2,
    # MaxLogLen 2, MaxClock 3, the view: TLC 12 states (27,203 distinct
    # found), the same states. n1, deposed by n2 unaware, reads k1's first
    # write after n2 committed its own
    steps, violation = _violation((3, 1, 1, 2, 2, 3), "read_without_lease",
                                  "linearizable_reads")
    assert steps == [
        "BecomeLeader(i=n1, voteQuorum={n1, n2})",
        "ClientWrite(i=n1, k=k1)",
        "ClientWrite(i=n1, k=k1)",
        "GetEntries(i=n2, j=n1)",
        "GetEntries(i=n3, j=n1)",
        "BecomeLeader(i=n2, voteQuorum={n2, n3})",
        "ClientWrite(i=n2, k=k1)",
        "GetEntries(i=n3, j=n2)",
        "CommitEntry(i=n1, newCommitIdx=1)",
        "CommitEntry(i=n2, newCommitIdx=2)",
        "ClientRead(i=n1, k=k1)",
    ]
    final = violation.trace.final
    assert final.latestRead == (_entry(1, 1, 1),)
    assert (final.clock, final.commitIndex) == (3, (1, 2, 0))


@pytest.mark.slow
def test_a_commit_during_the_old_lease_is_not_linearizable():
    # TLA+: CommitEntry without "\A index \in DOMAIN log[i] :
    # log[i][index].term # currentTerm[i] => log[i][index].timestamp + Delta
    # < clock". LinearizableReads, 3 servers, 1 key, Delta 3, MaxTerm 2,
    # MaxLogLen 2, MaxClock 2, the view: TLC 11 states (20,752 distinct
    # found), the same states. n2 commits its write while n1's lease on the
    # entry before it holds, and n1 reads that entry
    steps, violation = _violation((3, 1, 3, 2, 2, 2), "commit_during_old_lease",
                                  "linearizable_reads")
    assert steps == [
        "BecomeLeader(i=n1, voteQuorum={n1, n2})",
        "ClientWrite(i=n1, k=k1)",
        "GetEntries(i=n2, j=n1)",
        "GetEntries(i=n3, j=n1)",
        "BecomeLeader(i=n2, voteQuorum={n2, n3})",
        "ClientWrite(i=n2, k=k1)",
        "GetEntries(i=n3, j=n2)",
        "CommitEntry(i=n1, newCommitIdx=1)",
        "CommitEntry(i=n2, newCommitIdx=2)",
        "ClientRead(i=n1, k=k1)",
    ]
    final = violation.trace.final
    assert final.latestRead == (_entry(1, 1, 1),)
    assert final.committed == {CommitRecord(1, _entry(1, 1, 1)), CommitRecord(2, _entry(1, 1, 1)),
                               CommitRecord(2, _entry(2, 2, 2))}


@pytest.mark.slow
def test_lease_mutants_under_symmetry_give_tlc_s_lengths():
    # the three with SYMMETRY Permutations(Server): TLC 10, 12 and 11 states;
    # TLC's runs are the ones without symmetry, ours for the first and with
    # n2 and n3 swapped for the other two (one of the real runs through the
    # same orbits each)
    for bound, mutant, steps in (((3, 1, 3, 2, 2, 2), "no_limbo_guard", LIMBO_RUN),
                                 ((3, 1, 1, 2, 2, 3), "read_without_lease", None),
                                 ((3, 1, 3, 2, 2, 2), "commit_during_old_lease", None)):
        found, violation = _violation(bound, mutant, "linearizable_reads", ("servers",))
        assert len(found) == {"no_limbo_guard": 9, "read_without_lease": 11,
                              "commit_during_old_lease": 10}[mutant]
        if steps is not None:
            assert found == steps


FIGURE_8_RUN = [
    "BecomeLeader(i=n1, voteQuorum={n1, n2})",
    "ClientWrite(i=n1, k=k1)",
    "BecomeLeader(i=n2, voteQuorum={n2, n3})",
    "ClientWrite(i=n2, k=k1)",
    "UpdateTerms(i=n2, j=n1)",
    "BecomeLeader(i=n1, voteQuorum={n1, n3})",
    "ClientWrite(i=n1, k=k1)",
    "GetEntries(i=n3, j=n1)",
    "CommitEntry(i=n1, newCommitIdx=1)",
    "UpdateTerms(i=n1, j=n2)",
    "BecomeLeader(i=n2, voteQuorum={n2, n3})",
]


@pytest.mark.slow
def test_committing_an_old_term_s_entry_loses_it():
    # TLA+: CommitEntry without "topNewCommitEntry.term = currentTerm[i]".
    # LeaderCompleteness, 3 servers, 1 key, Delta 1, MaxTerm 3, MaxLogLen 2,
    # MaxClock 3, the view: TLC 12 states (166,760 distinct found), the same
    # states; with SYMMETRY Permutations(Server) 12 states (34,350 distinct
    # found), the same states: n1 takes its term from n3, not n2 (the two
    # terms are equal), both times. n1 commits its term-1 entry in term 3 on
    # n1 and n3; n2, whose entry of term 2 outranks it, is elected in term 4
    # with n3's vote
    symmetric_run = list(FIGURE_8_RUN)
    symmetric_run[4], symmetric_run[9] = "UpdateTerms(i=n3, j=n1)", "UpdateTerms(i=n3, j=n2)"
    for sets, run in (((), FIGURE_8_RUN), (("servers",), symmetric_run)):
        steps, violation = _violation((3, 1, 1, 3, 2, 3), "commit_old_term_entry",
                                      "leader_completeness", sets)
        assert steps == run
        assert violation.reason == "leader n2 of term 4 lacks the entry at 1 committed in term 3"


def test_a_commit_without_a_quorum_is_overwritten_and_committed_again():
    # TLA+: CommitEntry without "\E q \in Quorums(Server) : \A s \in q :
    # ...". StateMachineSafety, 3 servers, 1 key, Delta 3, MaxTerm 2,
    # MaxLogLen 2, MaxClock 2, the view: TLC 7 states (2,102 distinct found),
    # the same states
    steps, violation = _violation((3, 1, 3, 2, 2, 2), "commit_without_quorum",
                                  "state_machine_safety")
    assert steps == [
        "BecomeLeader(i=n1, voteQuorum={n1, n2})",
        "ClientWrite(i=n1, k=k1)",
        "BecomeLeader(i=n2, voteQuorum={n2, n3})",
        "ClientWrite(i=n2, k=k1)",
        "CommitEntry(i=n1, newCommitIdx=1)",
        "CommitEntry(i=n2, newCommitIdx=1)",
    ]
    assert violation.reason == (
        "two entries are committed at index 1: the write at index 1 of term 1 (time 1) and "
        "the write at index 1 of term 2 (time 2)")
    assert violation.trace.final.committed == {CommitRecord(1, _entry(1, 1, 1)),
                                               CommitRecord(2, _entry(2, 1, 2))}


def test_a_vote_that_ignores_the_log_elects_a_leader_without_a_committed_entry():
    # TLA+: CanVoteForOplog without "/\ logOk". LeaderCompleteness, 3
    # servers, 1 key, Delta 3, MaxTerm 2, MaxLogLen 1, MaxClock 1, the view:
    # TLC 6 states (499 distinct found), the same states, where TLC stops
    # with "Evaluating invariant LeaderCompleteness failed": n3's log is
    # empty and InLog reads log[n3][1]
    steps, violation = _violation((3, 1, 3, 2, 1, 1), "vote_ignores_log", "leader_completeness")
    assert steps == [
        "BecomeLeader(i=n1, voteQuorum={n1, n2, n3})",
        "ClientWrite(i=n1, k=k1)",
        "GetEntries(i=n2, j=n1)",
        "BecomeLeader(i=n3, voteQuorum={n2, n3})",
        "CommitEntry(i=n1, newCommitIdx=1)",
    ]
    assert violation.reason == (
        "leader n3 of term 2 lacks the entry at 1 committed in term 1 (its log is shorter: "
        "TLC fails to evaluate InLog's log[n3][1])")


def test_voters_that_keep_their_terms_elect_two_leaders():
    # TLA+: BecomeLeader's "IF s \in voteQuorum THEN t" made "IF s = i THEN
    # t". OneLeaderPerTerm, 3 servers, 1 key, Delta 3, MaxTerm 2, MaxLogLen
    # 2, MaxClock 4, the view: TLC 3 states (7 distinct found), the same
    steps, violation = _violation((3, 1, 3, 2, 2, 4), "voters_keep_terms", "one_leader_per_term")
    assert steps == ["BecomeLeader(i=n1, voteQuorum={n1, n2})",
                     "BecomeLeader(i=n2, voteQuorum={n2, n3})"]
    assert violation.reason == "n1 and n2 both lead term 1"


def test_an_entry_numbered_by_the_old_length_breaks_entry_indexes():
    # TLA+: ClientWrite's "Len(log[i]) + 1" made "Len(log[i])". EntryIndexes,
    # the same bound: TLC 3 states (11 distinct found), the same
    steps, violation = _violation((3, 1, 3, 2, 2, 4), "entry_index_off_by_one", "entry_indexes")
    assert steps == ["BecomeLeader(i=n1, voteQuorum={n1, n2})", "ClientWrite(i=n1, k=k1)"]
    assert violation.reason == "n1's entry at 1 has index 0"
    assert violation.trace.final.log[0] == (_entry(1, 0, 1),)


def test_every_mutant_is_tested():
    assert set(LeaseGuard.mutants) == {
        "no_limbo_guard", "read_without_lease", "commit_during_old_lease",
        "commit_old_term_entry", "commit_without_quorum", "vote_ignores_log", "voters_keep_terms",
        "entry_index_off_by_one"}


def test_max_committed_chooses_as_tlc_does():
    # MaxCommitted's CHOOSE among two records of one index and term of
    # commitment: TLC (PrintT in an ASSUME of a module extending
    # mcLeaseGuard) gives the one of timestamp 3 both times, its records
    # ordered field by field as it prints them (timestamp before term)
    model = _model((2, 1, 1, 1, 1, 1))
    assert model.max_committed({CommitRecord(2, _entry(1, 1, 5)),
                                CommitRecord(2, _entry(2, 1, 3))}, 0) == _entry(2, 1, 3)
    assert model.max_committed({CommitRecord(2, _entry(1, 1, 3)),
                                CommitRecord(2, _entry(2, 1, 5))}, 0) == _entry(1, 1, 3)


@pytest.mark.slow  # (seconds: the default suite keeps under 5 minutes)
def test_symmetry_gives_every_orbit_once():
    # the engine's canonical form (signatures of the derived renaming, a
    # nested indexed_by for matchIndex) against the whole group of
    # renamings of servers and keys, without the view
    assert orbit_counts_agree(lambda: _model((3, 2, 3, 1, 1, 3), view=False),
                              [("servers",), BOTH]) == (2_272, 408, 210)
    assert orbit_counts_agree(lambda: _model((2, 2, 1, 3, 2, 4), view=False),
                              [BOTH]) == (16_163, 4_052)
