"""A user's kit model of Gray and Lamport's Paxos Commit
(tests/models/user/paxos_commit.py) against TLC 2.15 on PaxosCommit.tla
(tlaplus/Examples, transaction_commit), one worker, breadth-first.

TLC ran PCInit/PCNext with INVARIANT PCTypeOK and TC!TCConsistent, RM =
{r1, ...}, Acceptor = {a1, ...}, Majority the minimal majorities, Ballot =
{0, ..., ballots-1}, and for the reduced runs SYMMETRY Permutations(RM)
\\cup Permutations(Acceptor). TLC prints the depth plus one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.brute_force import orbit_counts_agree
from tests.models.user.paxos_commit import PaxosCommit

SPEC = Path(__file__).parent / "user" / "paxos_commit.yaml"
BOTH = ("rms", "acceptors")


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    # (the spec loads the file as a module of its own: an equal class, not this one)
    assert load_spec(SPEC, REGISTRY).model_class.__name__ == "PaxosCommit"


@pytest.mark.parametrize("rms, acceptors, ballots, states, orbits, depth", [
    # TLC: distinct states without and with SYMMETRY; its depth is one more
    (2, 1, 2, 1_425, 735, 15),
    pytest.param(2, 2, 2, 10_821, 3_121, 21, marks=pytest.mark.slow),
    (2, 3, 1, 545, 101, 11),
    (1, 3, 2, 1_461, 376, 14),
    (1, 1, 3, 245, 245, 12),
    (1, 2, 3, 1_159, 702, 17),
])
def test_paxos_commit_has_tlc_s_counts(rms, acceptors, ballots, states, orbits, depth):
    # deadlock checked: TLC without -deadlock reports none either (a
    # Phase1a already sent can always be sent again, a step to the same state)
    for symmetry, expected in (((), states), (BOTH, orbits)):
        result = check(PaxosCommit(rms=rms, acceptors=acceptors, ballots=ballots),
                       CheckConfig(symmetry=symmetry, deadlock=True))
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth) == (expected, depth)


@pytest.mark.slow
@pytest.mark.parametrize("rms, acceptors, ballots, states, orbits, depth", [
    (3, 1, 2, 53_625, 9_665, 22),
    (2, 1, 3, 41_225, 20_735, 23),
    # PaxosCommit.cfg's own bounds; the manifest's 1,321,761 states, depth 28
    (2, 3, 2, 1_321_761, 119_992, 27),
])
def test_paxos_commit_has_tlc_s_counts_on_larger_bounds(rms, acceptors, ballots, states,
                                                        orbits, depth):
    test_paxos_commit_has_tlc_s_counts(rms, acceptors, ballots, states, orbits, depth)


@pytest.mark.parametrize("params, counts", [
    # (states, orbits renaming RMs, acceptors, both)
    (dict(rms=2, acceptors=1, ballots=2), (1_425, 735, 1_425, 735)),
    pytest.param(dict(rms=1, acceptors=2, ballots=3), (1_159, 1_159, 702, 702),
                 marks=pytest.mark.slow),
    (dict(rms=2, acceptors=3, ballots=1), (545, 287, 180, 101)),
])
def test_the_kit_derives_symmetry_from_the_rm_and_acceptor_fields(params, counts):
    # The acceptors' per-instance tuple is indexed by RM; messages and
    # actions name RMs and acceptors by typed fields
    assert orbit_counts_agree(lambda: PaxosCommit(**params),
                              [("rms",), ("acceptors",), BOTH]) == counts


def test_an_acceptor_breaking_its_promise_breaks_tc_consistent_as_tlc_finds():
    # TLC on PaxosCommit.tla without Phase2b's `aState[m.ins][acc].mbal \leq
    # m.bal`, RM = {r1, r2}, Acceptor = {a1}, Ballot = {0, 1}: TCConsistent
    # violated in state 13 (12 steps), with and without SYMMETRY; without,
    # TLC's trace is this one, step for step (its actions named by operator
    # alone: RMPrepare, RMPrepare, Phase1a, Phase1b, Phase2a, Phase2b, ...)
    model = PaxosCommit(rms=2, acceptors=1, ballots=2, mutant="accept_below_promise")
    reduced = check(model, CheckConfig(properties=("tc_consistent",), symmetry=BOTH))
    assert len(reduced.violation("tc_consistent").trace) == 12
    violation = check(model, CheckConfig(properties=("tc_consistent",))).violation(
        "tc_consistent")
    assert violation.reason == "r2 committed and r1 aborted"
    assert "\n".join(map(str, violation.trace.actions)) == "\n".join([
        "RMPrepare(rm=r1)",
        "RMPrepare(rm=r2)",
        "Phase1a(bal=1, rm=r1)",
        "Phase1b(acc=a1, ins=r1, bal=1)",
        "Phase2a(bal=1, rm=r1, val=aborted)",
        "Phase2b(acc=a1, ins=r1, bal=0, val=prepared)",  # below its promise of ballot 1
        "Phase2b(acc=a1, ins=r1, bal=1, val=aborted)",
        "Decide(tm=0, outcome='abort')",
        "RMRcvAbortMsg(rm=r1)",
        "Phase2b(acc=a1, ins=r2, bal=0, val=prepared)",
        "Decide(tm=0, outcome='commit')",
        "RMRcvCommitMsg(rm=r2)",
    ])
    # TLC's state 13
    view = model.state_view(violation.trace.steps[-1].state)
    assert view["r1.state"] == "aborted" and view["r2.state"] == "committed"
    assert view["a1.instances"] == {"r1": "Instance(mbal=1, bal=1, val='aborted')",
                                    "r2": "Instance(mbal=0, bal=0, val='prepared')"}
    assert view["msgs"] == [
        "Abort()", "Commit()", "Phase1aMsg(ins=r1, bal=1)",
        "Phase1bMsg(ins=r1, mbal=1, bal=-1, val='none', acc=a1)",
        "Phase2aMsg(ins=r1, bal=0, val=prepared)", "Phase2aMsg(ins=r1, bal=1, val=aborted)",
        "Phase2aMsg(ins=r2, bal=0, val=prepared)",
        "Phase2bMsg(acc=a1, ins=r1, bal=0, val=prepared)",
        "Phase2bMsg(acc=a1, ins=r1, bal=1, val=aborted)",
        "Phase2bMsg(acc=a1, ins=r2, bal=0, val=prepared)"]


@pytest.mark.slow
def test_with_two_acceptors_the_broken_promise_takes_tlc_s_16_steps():
    # TLC, Acceptor = {a1, a2}: violated in state 17 with and without
    # SYMMETRY, each acceptor having voted aborted in ballot 1 of r1 and
    # prepared in ballot 0 of both (unreduced, TLC's trace is the checker's
    # state for state; reduced, 4 times fewer states to search here)
    model = PaxosCommit(rms=2, acceptors=2, ballots=2, mutant="accept_below_promise")
    result = check(model, CheckConfig(properties=("tc_consistent",), symmetry=BOTH))
    violation = result.violation("tc_consistent")
    assert len(violation.trace) == 16
    view = model.state_view(violation.trace.steps[-1].state)
    for acceptor in ("a1", "a2"):
        assert view[f"{acceptor}.instances"] == {
            "r1": "Instance(mbal=1, bal=1, val='aborted')",
            "r2": "Instance(mbal=0, bal=0, val='prepared')"}
