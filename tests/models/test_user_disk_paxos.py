"""Disk Paxos as the paper's TLA+ states it (tlaplus/Examples,
specifications/diskpaxos at 32a32c7: DiskSynod.tla and HDiskSynod.tla) as a
user's plain model, tests/models/user/disk_paxos.py, against what TLC 2.15
reported.

TLC ran with one worker and ``-deadlock`` on a copy of MC_HDiskSynod.tla
whose IsMajority is a majority of the disks (``Cardinality(s) * 2 >
Cardinality(Disk)``; the published ``Cardinality(s) * 2 > N`` gives the
same majorities on 2 disks with N = 2 or 3, where the published module gave
the same figures, 27,178 and 616,064 states on N = 2, and others with N = 1
or one disk), with HInit, HNext and the cfg's invariants HInv2, HInv3,
HInv4 and HInv6, N, Inputs = {in1, ...}, BallotCountPerProcess and Disk =
{1, ...} as each case says; for the orbits Disk = {d1, ...} (model values)
and ``SYMMETRY Sym`` with ``Sym == Permutations(Inputs) \\cup
Permutations(Disk)``. TLC prints the depth plus one, and a counterexample
of n steps as n + 1 states. Its "states generated" is the model's: every
step is taken once, those that change nothing included.

A mutant was made in the TLA+ text (DiskSynod.tla) as the model's mutant
makes it (each test says how); TLC's counterexample is the model's state
for state. TLC names every step HNext (a conjunction, which it does not
split into actions), the model by the disjunct of Next it takes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from cmc.main import cli
from tests.brute_force import orbit_counts_agree
from tests.models.user.disk_paxos import DiskPaxos
from tests.spec_runs import view, violation_steps

SPEC = Path(__file__).parent / "user" / "disk_paxos.yaml"
SYMMETRY = ("inputs", "disks")


def _model(n, inputs, ballots, disks, mutant=None):
    return DiskPaxos(N=n, inputs=inputs, BallotCountPerProcess=ballots, disks=disks,
                     mutant=mutant)


def _check(bound, symmetry=False, properties=None, mutant=None):
    config = CheckConfig(symmetry=SYMMETRY if symmetry else (),
                         **({} if properties is None else {"properties": properties}))
    return check(_model(*bound, mutant=mutant), config)


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "never fired" not in result.output  # two ballots each: every action is taken


# N, inputs, BallotCountPerProcess, disks: TLC's distinct states, states
# generated and depth (one more than ours)
SMALL = [
    ((1, 2, 1, 2), 196, 790, 14),
    ((1, 2, 2, 2), 838, 3_446, 21),
    ((2, 1, 1, 2), 3_169, 21_933, 30),
    ((2, 2, 1, 1), 1_902, 12_740, 19),
    ((2, 1, 2, 1), 2_084, 11_569, 29),
]
LARGER = [
    ((2, 2, 1, 2), 27_178, 239_642, 30),   # the cfg's inputs and disks, N = 2, one ballot
    ((1, 2, 3, 3), 88_084, 456_948, 33),
    ((2, 3, 1, 2), 140_616, 1_511_325, 31),
    ((2, 2, 2, 2), 616_064, 5_835_800, 48),  # the cfg's inputs, ballots and disks; 134 s here
]


def _counts_are_tlc_s(bound, distinct, generated, depth, symmetry=False):
    """Distinct states (orbits with symmetry), generated and depth as TLC
    counts them (cmc's depth + 1)."""
    result = _check(bound, symmetry=symmetry)
    assert result.verdict == "holds"
    stats = result.stats
    assert (stats.distinct_states, stats.generated_states, stats.depth + 1) == (
        distinct, generated, depth)


@pytest.mark.parametrize("bound, distinct, generated, depth", SMALL)
def test_small_bounds_have_tlc_s_counts(bound, distinct, generated, depth):
    _counts_are_tlc_s(bound, distinct, generated, depth)


@pytest.mark.slow
@pytest.mark.parametrize("bound, distinct, generated, depth", LARGER)
def test_larger_bounds_have_tlc_s_counts(bound, distinct, generated, depth):
    _counts_are_tlc_s(bound, distinct, generated, depth)


# the same with SYMMETRY Permutations(Inputs) \cup Permutations(Disk):
# TLC's orbits, states generated and depth
ORBITS = [
    ((1, 2, 2, 2), 257, 1_067, 21),
    ((2, 2, 1, 1), 951, 6_372, 19),
]
LARGER_ORBITS = [
    ((1, 2, 3, 3), 8_877, 46_277, 33),
    ((2, 2, 1, 2), 7_270, 64_178, 30),     # the spec file's
    ((2, 2, 2, 1), 10_860, 81_010, 30),
    ((2, 3, 1, 2), 14_206, 153_124, 31),
    ((2, 2, 2, 2), 159_446, 1_513_173, 48),  # the cfg's inputs, ballots and disks; 74 s here
]


@pytest.mark.parametrize("bound, orbits, generated, depth", ORBITS)
def test_symmetry_gives_tlc_s_orbits(bound, orbits, generated, depth):
    _counts_are_tlc_s(bound, orbits, generated, depth, symmetry=True)


@pytest.mark.slow
@pytest.mark.parametrize("bound, orbits, generated, depth", LARGER_ORBITS)
def test_symmetry_gives_tlc_s_orbits_on_larger_bounds(bound, orbits, generated, depth):
    _counts_are_tlc_s(bound, orbits, generated, depth, symmetry=True)


def test_symmetry_gives_every_orbit_once():
    # the engine's canonical form (signatures first) against the whole group
    assert orbit_counts_agree(lambda: _model(1, 2, 2, 2), [SYMMETRY]) == (838, 257)


def test_hinv5_holds_where_tlc_finds_it_does():
    # HInv5, not among the cfg's invariants: TLC checking it alone on N = 2,
    # one input, one ballot each, two disks: no error, 3,169 states, depth 30
    result = _check((2, 1, 1, 2), properties=("hinv5",))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (3_169, 30)


# -- mutants: TLC's counterexamples on N = 2, Inputs = {in1, in2}, one ballot each, Disk = {1, 2}


def test_phase1_keeping_its_own_input_chooses_a_value_not_chosen():
    # TLA+: EndPhase1or2's ![p].inp = LET blocksSeen ... IN ... made
    # ![p].inp = input[p]. The cfg's invariants on one disk: TLC's HInv6
    # violated, 14 states, the same states. Process 1 decides in1 through
    # ballot 1; process 2 runs ballot 2, reads process 1's block of bal 1
    # and still takes its own in2
    result = _check((2, 2, 1, 1), mutant="phase1_keeps_own_input")
    assert result.verdict == "violated"
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "EndPhase0(p=1, b=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)", "EndPhase1or2(p=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)", "EndPhase1or2(p=1)",
        "Phase0Read(p=2, d=1)", "EndPhase0(p=2, b=2)",
        "Phase1or2Write(p=2, d=1)", "Phase1or2Read(p=2, d=1, q=1)", "EndPhase1or2(p=2)",
    ]
    (violation,) = result.violations
    assert violation.property.name == "hinv6"
    assert violation.reason == "chosen in1 is not valueChosen"
    assert view(_model(2, 2, 1, 1), violation.trace.final, "p1.output", "p2.phase",
                "p2.dblock", "disk[1][1]", "disk[1][2]", "chosen") == {
        "p1.output": "in1", "p2.phase": 2, "p2.dblock": "<<2, 2, in2>>",
        "disk[1][1]": "<<1, 1, in1>>", "disk[1][2]": "<<2, 0, NotAnInput>>", "chosen": "in1"}


def test_phase1_keeping_its_own_input_breaks_hinv5_first():
    # the same mutant, HInv5 alone: TLC's HInv5 violated, 13 states, the
    # same states. Process 1, in phase 2 of ballot 1 with in1, has read
    # process 2's block on the one disk before process 2's ballot 2 wrote
    # <<2, 2, in2>> there
    result = _check((2, 2, 1, 1), properties=("hinv5",), mutant="phase1_keeps_own_input")
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "EndPhase0(p=1, b=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)", "EndPhase1or2(p=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)",
        "Phase0Read(p=2, d=1)", "EndPhase0(p=2, b=2)",
        "Phase1or2Write(p=2, d=1)", "Phase1or2Read(p=2, d=1, q=1)", "EndPhase1or2(p=2)",
    ]
    (violation,) = result.violations
    assert violation.reason == ("process 1 in phase 2 with <<1, 1, in1>>: a block of bal >= "
                                "its own holds another value")
    assert view(_model(2, 2, 1, 1), violation.trace.final, "p1.phase", "p2.dblock",
                "disk[1][2]", "p1.blocksRead[1]") == {
        "p1.phase": 2, "p2.dblock": "<<2, 2, in2>>", "disk[1][2]": "<<2, 0, NotAnInput>>",
        "p1.blocksRead[1]": ["<<0, 0, NotAnInput>> of p2"]}


@pytest.mark.slow
def test_phase1_keeping_its_own_input_on_two_disks():
    # the same mutant on the cfg's two disks: TLC's HInv6 violated, 22
    # states, the same states
    result = _check((2, 2, 1, 2), mutant="phase1_keeps_own_input")
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "Phase0Read(p=1, d=2)", "EndPhase0(p=1, b=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)",
        "Phase1or2Write(p=1, d=2)", "Phase1or2Read(p=1, d=2, q=2)", "EndPhase1or2(p=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)",
        "Phase1or2Write(p=1, d=2)", "Phase1or2Read(p=1, d=2, q=2)", "EndPhase1or2(p=1)",
        "Phase0Read(p=2, d=1)", "Phase0Read(p=2, d=2)", "EndPhase0(p=2, b=2)",
        "Phase1or2Write(p=2, d=1)", "Phase1or2Read(p=2, d=1, q=1)",
        "Phase1or2Write(p=2, d=2)", "Phase1or2Read(p=2, d=2, q=1)", "EndPhase1or2(p=2)",
    ]
    (violation,) = result.violations
    assert (violation.property.name, violation.reason) == (
        "hinv6", "chosen in1 is not valueChosen")


def test_ending_a_phase_on_one_disk_breaks_hinv4_then_the_choice():
    # TLA+: EndPhase1or2's IsMajority({d \in disksWritten[p] : ...}) made
    # {d \in disksWritten[p] : ...} # {}. The cfg's invariants: TLC's HInv4
    # violated, 7 states; HInv6 alone, 10 states; the same states
    result = _check((2, 2, 1, 2), mutant="one_disk_is_a_majority")
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "Phase0Read(p=1, d=2)", "EndPhase0(p=1, b=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)", "EndPhase1or2(p=1)",
    ]
    (violation,) = result.violations
    assert (violation.property.name, violation.reason) == (
        "hinv4", "process 1 in phase 2: no majority of disks holds its ballot 1")
    result = _check((2, 2, 1, 2), properties=("hinv6",), mutant="one_disk_is_a_majority")
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "Phase0Read(p=1, d=2)", "EndPhase0(p=1, b=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)", "EndPhase1or2(p=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)", "EndPhase1or2(p=1)",
    ]
    (violation,) = result.violations
    assert violation.reason == "chosen in1 is not valueChosen"
    assert view(_model(2, 2, 1, 2), violation.trace.final, "disk[1][1]", "disk[2][1]",
                "p1.output") == {
        "disk[1][1]": "<<1, 1, in1>>", "disk[2][1]": "<<0, 0, NotAnInput>>",
        "p1.output": "in1"}


def test_an_output_surviving_failure_breaks_hinv2():
    # TLA+: Fail without output' = [output EXCEPT ![p] = NotAnInput] (and
    # output in its UNCHANGED). The cfg's invariants: TLC's HInv2 violated,
    # 15 states, the same states
    result = _check((2, 2, 1, 2), mutant="output_survives_failure")
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "Phase0Read(p=1, d=2)", "EndPhase0(p=1, b=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)",
        "Phase1or2Write(p=1, d=2)", "Phase1or2Read(p=1, d=2, q=2)", "EndPhase1or2(p=1)",
        "Phase1or2Write(p=1, d=1)", "Phase1or2Read(p=1, d=1, q=2)",
        "Phase1or2Write(p=1, d=2)", "Phase1or2Read(p=1, d=2, q=2)", "EndPhase1or2(p=1)",
        "Fail(p=1, ip=in1)",
    ]
    (violation,) = result.violations
    assert (violation.property.name, violation.reason) == (
        "hinv2", "process 1's output is not its value of phase 3")
    assert view(_model(2, 2, 1, 2), violation.trace.final, "p1.phase", "p1.output",
                "p1.dblock") == {"p1.phase": 0, "p1.output": "in1",
                                 "p1.dblock": "<<0, 0, NotAnInput>>"}


def test_reading_before_writing_breaks_hinv2_and_hinv3():
    # TLA+: Phase1or2Read without d \in disksWritten[p]. The cfg's
    # invariants: TLC's HInv2 violated, 5 states; HInv3 alone, 9 states;
    # the same states. Each process reads the other's initial block on disk
    # 1 before writing its own there
    result = _check((2, 2, 1, 2), mutant="read_before_write")
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "Phase0Read(p=1, d=2)", "EndPhase0(p=1, b=1)",
        "Phase1or2Read(p=1, d=1, q=2)",
    ]
    (violation,) = result.violations
    assert (violation.property.name, violation.reason) == (
        "hinv2", "process 1 read from disk 1 before writing it")
    result = _check((2, 2, 1, 2), properties=("hinv3",), mutant="read_before_write")
    assert violation_steps(result) == [
        "Phase0Read(p=1, d=1)", "Phase0Read(p=1, d=2)", "EndPhase0(p=1, b=1)",
        "Phase1or2Read(p=1, d=1, q=2)",
        "Phase0Read(p=2, d=1)", "Phase0Read(p=2, d=2)", "EndPhase0(p=2, b=2)",
        "Phase1or2Read(p=2, d=1, q=1)",
    ]
    (violation,) = result.violations
    assert violation.reason == ("processes 1 and 2 read each other on disk 1, neither the "
                                "other's current dblock")
    assert view(_model(2, 2, 1, 2), violation.trace.final, "p1.blocksRead[1]",
                "p2.blocksRead[1]", "p1.disksWritten", "p2.disksWritten") == {
        "p1.blocksRead[1]": ["<<0, 0, NotAnInput>> of p2"],
        "p2.blocksRead[1]": ["<<0, 0, NotAnInput>> of p1"],
        "p1.disksWritten": [], "p2.disksWritten": []}


# -- the refinement of SynodSpec -------------------------------------------------------------
# TLC: MCR.tla extends HDiskSynod with IStep == \E p \in Proc :
# IS(chosen, allInput)!IChoose(p) \/ IS(chosen, allInput)!IFail(p) and
# PROPERTY [][IStep]_<<input, output, chosen, allInput>> (TLC 2.15 cannot
# check IS(chosen, allInput)!ISpec itself: "cannot handle the temporal
# formula"), on N = 2, Inputs = {in1, in2}, one ballot each, two disks.


def test_disk_synod_refines_synod_with_the_paper_s_ifail():
    # Synod.tla's IFail with allInput' = allInput \cup {ip}: no error,
    # 27,178 states, depth 30 (on one disk 1,902, depth 19)
    result = _check((2, 2, 1, 1), properties=("refines_synod",))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (1_902, 19)


@pytest.mark.slow
def test_disk_synod_refines_synod_on_two_disks():
    result = _check((2, 2, 1, 2), properties=("refines_synod",))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (27_178, 30)


def test_disk_synod_does_not_refine_synod_as_transcribed():
    # Synod.tla as published: IFail's allInput = allInput \cup {ip}
    # (unprimed). TLC's action property violated, 2 states, the same: both
    # processes start with in1 and process 1 fails to in2
    result = _check((2, 2, 1, 2), properties=("refines_synod_as_transcribed",))
    assert violation_steps(result) == ["Fail(p=1, ip=in2)"]
    (violation,) = result.violations
    assert violation.trace.steps[0].state.input == (0, 0)
    assert violation.reason == "Fail(p=1, ip=in2) is no step of SynodSpec as transcribed"


def test_an_output_surviving_failure_is_no_step_of_synod():
    # output_survives_failure: TLC's Refines violated, 15 states, the same:
    # process 1 decides in1, then fails to in2 keeping its output
    result = _check((2, 2, 1, 2), properties=("refines_synod",),
                    mutant="output_survives_failure")
    steps = violation_steps(result)
    assert (len(steps), steps[-1]) == (14, "Fail(p=1, ip=in2)")
    (violation,) = result.violations
    assert violation.reason == "Fail(p=1, ip=in2) is no step of SynodSpec"


def test_a_second_value_decided_is_no_step_of_synod():
    # phase1_keeps_own_input on one disk: TLC's Refines violated, 17
    # states, the same: process 2 outputs in2 where in1 was chosen
    result = _check((2, 2, 1, 1), properties=("refines_synod",),
                    mutant="phase1_keeps_own_input")
    steps = violation_steps(result)
    assert (len(steps), steps[-1]) == (16, "EndPhase1or2(p=2)")
    (violation,) = result.violations
    assert view(_model(2, 2, 1, 1), violation.trace.final, "p1.output", "p2.output",
                "chosen") == {"p1.output": "in1", "p2.output": "in2", "chosen": "in1"}
