"""A user's kit model of MultiPaxos SMR (tests/models/user/multipaxos.py)
against TLC 2.15 on MultiPaxos.tla and MultiPaxos_MC.tla (tlaplus/Examples,
specifications/MultiPaxos-SMR), one worker, breadth-first.

TLC ran SPECIFICATION Spec with INVARIANTS TypeOK Linearizability, Replicas
= {s1, ...}, Writes = {w1, ...}, Reads = {r1, ...} or {}, MaxBallot = n,
and for the reduced runs the MC's SYMMETRY SymmetricPerms (the permutations
of each set of more than one element; with none, TLC 2.15 stops with an
IllegalArgumentException, so one replica has no reduced figure). TLC prints
the depth plus one. Its deadlock check found none (run without -deadlock on
2 replicas, w1 and r1, and reduced on 3 replicas and w1).
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
from tests.models.user.multipaxos import MultiPaxos, TakeNewRequest

SPEC = Path(__file__).parent / "user" / "multipaxos.yaml"
REPLICAS = ("replicas",)


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert load_spec(SPEC, REGISTRY).model_class.__name__ == "MultiPaxos"


def tlc_generated(model) -> int:
    """TLC's "states generated" from the model's own state graph: the
    initial state, each step, Terminating's stuttering step in every state
    where each replica is done, and TakeNewRequest once per empty slot (TLC
    counts a successor once per witness of its guard's ``\\E s \\in Slots :
    node[self].insts[s].status = "Empty"``)."""
    seen = set(model.initial_states())
    frontier, generated = list(seen), len(seen)
    while frontier:
        found = []
        for state in frontier:
            records = model.replica_records(state)
            generated += all(s.pc == "Done" for s in records)
            for action, successor in model.successors(state):
                generated += (sum(inst.status == "Empty" for inst in records[action.r].insts)
                              if type(action) is TakeNewRequest else 1)
                if successor not in seen:
                    seen.add(successor)
                    found.append(successor)
        frontier = found
    return generated


COUNTS = [
    # replicas, writes, reads, max_ballot; TLC: distinct states without and
    # with SYMMETRY, depth (it prints one more), states generated without
    (1, 1, 0, 2, 11, None, 5, 13),
    (1, 1, 1, 3, 34, None, 7, 43),
    (2, 1, 0, 2, 139, 70, 13, 181),
    (2, 1, 1, 2, 1_163, 582, 19, 1_905),
    pytest.param(2, 1, 0, 3, 745, 373, 18, 1_003, marks=pytest.mark.slow),
    pytest.param(2, 2, 0, 2, 1_163, 582, 19, 1_905,   # TLC also permutes the two writes
                 marks=pytest.mark.slow),
    pytest.param(3, 1, 0, 2, 15_709, 2_628, 18, 28_027, marks=pytest.mark.slow),
    pytest.param(2, 1, 1, 3, 20_139, 10_070, 26, 35_211, marks=pytest.mark.slow),
    pytest.param(2, 2, 1, 2, 12_663, 6_332, 25, 29_515, marks=pytest.mark.slow),
]


@pytest.mark.parametrize("replicas, writes, reads, max_ballot, states, orbits, depth, generated",
                         COUNTS)
def test_multipaxos_has_tlc_s_counts(replicas, writes, reads, max_ballot, states, orbits, depth,
                                     generated):
    def build():
        return MultiPaxos(replicas=replicas, writes=writes, reads=reads, max_ballot=max_ballot)

    for symmetry, expected in (((), states), (REPLICAS, orbits)):
        if expected is None:
            continue
        result = check(build(), CheckConfig(symmetry=symmetry, deadlock=True))
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth) == (expected, depth)
    assert tlc_generated(build()) == generated


@pytest.mark.slow
def test_the_small_cfg_has_the_manifest_s_orbits():
    # MultiPaxos_MC_small.cfg: the manifest's 343,796 distinct states, depth
    # 28 (TLC's count), 736,012 generated. (Without SYMMETRY TLC finds
    # 2,062,561 states, depth 28, and so does cmc, in 3.5 minutes here.)
    result = check(MultiPaxos(replicas=3, writes=1, reads=1, max_ballot=2),
                   CheckConfig(symmetry=REPLICAS, deadlock=True))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (343_796, 27)


def test_the_kit_derives_symmetry_from_the_replica_fields():
    # leader, each message's src and the actions' replicas are typed Replica
    assert orbit_counts_agree(lambda: MultiPaxos(replicas=2, writes=1, reads=1),
                              [REPLICAS]) == (1_163, 582)


def test_a_leader_committing_without_a_majority_breaks_linearizability_as_tlc_finds():
    # TLC on MultiPaxos.tla with HandleAcceptReplies' `Cardinality(ars) >=
    # MajorityNum - 1` (the README's example), 3 replicas, w1, r1, ballots
    # 1..2: Linearizability violated in state 11 (10 steps), with and
    # without SYMMETRY; without, TLC's trace is this one, step for step
    model = MultiPaxos(replicas=3, writes=1, reads=1, max_ballot=2,
                       mutant="commit_without_majority")
    reduced = check(model, CheckConfig(properties=("linearizability",), symmetry=REPLICAS))
    assert len(reduced.violation("linearizability").trace) == 10
    violation = check(model, CheckConfig(properties=("linearizability",))).violation(
        "linearizability")
    assert violation.reason == "no linear order of Req(w1), Ack(w1, nil), Req(r1), Ack(r1, nil)"
    assert "\n".join(map(str, violation.trace.actions)) == "\n".join([
        "BecomeLeader(r=s1, b=1)",
        "BecomeLeader(r=s2, b=2)",
        "HandlePrepare(r=s3, src=s1, bal=1)",
        "HandlePrepareReplies(r=s1)",
        "TakeNewRequest(r=s1)",
        "HandleAcceptReplies(r=s1)",          # s1 alone: one reply of a needed two
        "HandlePrepare(r=s3, src=s2, bal=2)",
        "HandlePrepareReplies(r=s2)",         # s2 and s3 never saw w1
        "TakeNewRequest(r=s2)",
        "HandleAcceptReplies(r=s2)",          # r1 reads nil after w1 was acknowledged
    ])
    # TLC's state 11
    view = model.state_view(violation.trace.steps[-1].state)
    empty = "Instance(status='Empty', cmd='nil', voted=Vote(bal=0, cmd='nil'))"
    assert {key: value for key, value in view.items() if key != "msgs"} == {
        "s1.leader": "s1", "s1.kvalue": "w1", "s1.commit_up_to": 1, "s1.bal_prepared": 1,
        "s1.bal_max_known": 1, "s1.pc": "rloop",
        "s1.insts": ["Instance(status='Committed', cmd='w1', voted=Vote(bal=1, cmd='w1'))", empty],
        "s2.leader": "s2", "s2.kvalue": "nil", "s2.commit_up_to": 1, "s2.bal_prepared": 2,
        "s2.bal_max_known": 2, "s2.pc": "rloop",
        "s2.insts": ["Instance(status='Committed', cmd='r1', voted=Vote(bal=2, cmd='r1'))", empty],
        "s3.leader": "s2", "s3.kvalue": "nil", "s3.commit_up_to": 0, "s3.bal_prepared": 0,
        "s3.bal_max_known": 2, "s3.pc": "rloop", "s3.insts": [empty, empty],
        # the client's variables, the model's globals
        "pending": [],
        "observed": ["Event(type='Req', cmd='w1', val=none)",
                     "Event(type='Ack', cmd='w1', val='nil')",
                     "Event(type='Req', cmd='r1', val=none)",
                     "Event(type='Ack', cmd='r1', val='nil')"],
    }
    no_votes = "votes=(Vote(bal=0, cmd='nil'), Vote(bal=0, cmd='nil'))"
    assert view["msgs"] == [
        "Accept(src=s1, bal=1, slot=1, cmd=w1)", "Accept(src=s2, bal=2, slot=1, cmd=r1)",
        "AcceptReply(src=s1, bal=1, slot=1)", "AcceptReply(src=s2, bal=2, slot=1)",
        "CommitNotice(upto=1)",
        "Prepare(src=s1, bal=1)", "Prepare(src=s2, bal=2)",
        f"PrepareReply(src=s1, bal=1, {no_votes})", f"PrepareReply(src=s2, bal=2, {no_votes})",
        f"PrepareReply(src=s3, bal=1, {no_votes})", f"PrepareReply(src=s3, bal=2, {no_votes})",
    ]
