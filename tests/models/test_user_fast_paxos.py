"""A user's kit model of simplified Fast Paxos
(tests/models/user/fast_paxos.py) against TLC 2.15 on FastPaxos.tla and
Paxos.tla of tlaplus/Examples (specifications/SimplifiedFastPaxos), one
worker, breadth-first, ``-deadlock``.

TLC ran SPECIFICATION FastSpec with INVARIANTS FastTypeOK FastNontriviality
and PROPERTY PaxosConsistency, Replicas = {r1, ...}, Values = {v1, ...},
Ballots = {0, ..., ballots-1}, FastBallots its odd members, Quorums and
FastQuorums every set of replicas of the classic and the fast size (as
FastPaxos.cfg lists them), and for the reduced runs SYMMETRY PaxosSymmetry
(Permutations(Values) \\cup Permutations(Replicas)). TLC prints the depth
plus one, and a counterexample of n steps as n + 1 states. A mutant was
made in the TLA+ text as the model's mutant makes it (each test says how).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, ParamError, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.brute_force import assert_real_run, orbit_counts_agree
from tests.models.user.fast_paxos import FastPaxos

USER = Path(__file__).parent / "user"
SPEC = USER / "fast_paxos.yaml"
BOTH = ("replicas", "values")


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    # (the spec loads the file as a module of its own: an equal class, not this one)
    assert load_spec(SPEC, REGISTRY).model_class.__name__ == "FastPaxos"


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    # FastPaxos.cfg: 4 replicas, 3 values, Ballots 0..4, FastBallots {1, 3},
    # SYMMETRY PaxosSymmetry: the manifest's 25,617 states, depth 22
    "fast_paxos_cfg.yaml",
    # Fast Flexible Paxos's sizes, which pass the spec's ASSUME (below)
    "fast_paxos_flexible_quorums.yaml",
])
def test_the_other_spec_files_meet_their_expectations(name):
    result = CliRunner().invoke(cli, ["check", str(USER / name)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("replicas, values, ballots, states, orbits, depth", [
    # TLC: distinct states without and with SYMMETRY; its depth is one more
    (3, 2, 3, 102, 17, 9),
    pytest.param(3, 3, 3, 500, 27, 9, marks=pytest.mark.slow),
    pytest.param(4, 2, 3, 1_112, 57, 11, marks=pytest.mark.slow),
    pytest.param(3, 2, 5, 8_382, 842, 17, marks=pytest.mark.slow),
    pytest.param(4, 3, 3, 7_112, 103, 11, marks=pytest.mark.slow),
    # classic quorums of 3, fast of 4
    pytest.param(5, 2, 3, 7_626, 123, 13, marks=pytest.mark.slow),
    pytest.param(3, 3, 5, 48_790, 1_626, 17, marks=pytest.mark.slow),
])
def test_fast_paxos_has_tlc_s_counts(replicas, values, ballots, states, orbits, depth):
    # deadlock checked: FastAny is always enabled (once its message is out, a
    # step to the same state), so TLC without -deadlock reports none either
    for symmetry, expected in (((), states), (BOTH, orbits)):
        result = check(FastPaxos(replicas=replicas, values=values, ballots=ballots),
                       CheckConfig(symmetry=symmetry, deadlock=True))
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth) == (expected, depth)


@pytest.mark.slow
def test_four_replicas_and_two_fast_rounds_have_tlc_s_orbits():
    # TLC: 11,116 orbits, depth 22; unreduced, 417,018 states (and depth 22),
    # which the model also finds (depth 21; checked once: 11 minutes here)
    result = check(FastPaxos(replicas=4, values=2, ballots=5), CheckConfig(symmetry=BOTH))
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "holds", 11_116, 21)


def test_default_quorums_are_the_cfg_s_and_the_least_the_assumption_allows():
    models = [FastPaxos(replicas=n) for n in (3, 4, 5, 6)]
    sizes = [(m.replicas, m.classic_size, m.fast_size) for m in models]
    assert sizes == [(3, 2, 3), (4, 3, 3), (5, 3, 4), (6, 4, 5)]


def test_symmetry_is_derived_from_the_replica_and_value_fields():
    # TLC: 31 states under SYMMETRY Permutations(Replicas), 52 under
    # Permutations(Values), 17 under PaxosSymmetry
    assert orbit_counts_agree(lambda: FastPaxos(replicas=3, values=2, ballots=3),
                              [("replicas",), ("values",), BOTH]) == (102, 31, 52, 17)


def _violation(model, prop, symmetry=()):
    result = check(model, CheckConfig(properties=(prop,), symmetry=symmetry))
    violation = result.violation(prop)
    assert_real_run(model, violation.trace)
    return violation


def _steps(violation) -> list[str]:
    return [str(action) for action in violation.trace.actions]


@pytest.mark.slow
def test_ignoring_the_majority_of_a_collision_breaks_consistency_as_tlc_finds():
    # TLC on FastPaxos.tla with ClassicAccept's IF \E w \in V :
    # IsMajorityValue(M, w) made IF FALSE (any value of the collision),
    # 4 replicas, 2 values, Ballots 0..2: PaxosConsistency violated in state
    # 12 (11 steps). v1 was chosen fast by r1, r2, r3; r4's v2 collides with
    # it in the quorum {r2, r3, r4}, where v1 has the majority the rule
    # would have followed.
    model = FastPaxos(replicas=4, values=2, ballots=3, mutant="any_collided_value")
    violation = _violation(model, "consistency")
    assert violation.reason == "the decision changes from v1 to v2"
    assert _steps(violation) == [
        "FastAny(c=c1, ballot=1)",
        "FastPropose(a=r1, ballot=1, value=v1)",
        "FastPropose(a=r2, ballot=1, value=v1)",
        "FastPropose(a=r3, ballot=1, value=v1)",
        "FastPropose(a=r4, ballot=1, value=v2)",
        "FastDecide(l=l1, ballot=1, value=v1)",
        "ClassicAccept(c=c1, ballot=2, value=v2)",
        "ClassicAccepted(a=r1, ballot=2, value=v2)",
        "ClassicAccepted(a=r2, ballot=2, value=v2)",
        "ClassicAccepted(a=r3, ballot=2, value=v2)",
        "ClassicDecide(l=l1, ballot=2, value=v2)",
    ]
    # TLC's trace is this one, state for state; its last state:
    view = model.state_view(violation.trace.steps[-1].state)
    assert [view[f"r{a}.max_value"] for a in range(1, 5)] == ["v2"] * 4
    assert [view[f"r{a}.max_ballot"] for a in range(1, 5)] == [2, 2, 2, 1]
    assert (view["c1.c_value"], view["l1.decision"]) == ("v2", "v2")
    assert view["msgs"] == [
        "P2a(ballot=1, value=any)", "P2a(ballot=2, value=v2)",
        "P2b(ballot=1, acceptor=r1, value=v1)", "P2b(ballot=1, acceptor=r2, value=v1)",
        "P2b(ballot=1, acceptor=r3, value=v1)", "P2b(ballot=1, acceptor=r4, value=v2)",
        "P2b(ballot=2, acceptor=r1, value=v2)", "P2b(ballot=2, acceptor=r2, value=v2)",
        "P2b(ballot=2, acceptor=r3, value=v2)"]
    assert len(_violation(model, "consistency", BOTH).trace) == 11


@pytest.mark.slow
def test_a_free_value_on_a_tie_breaks_nontriviality_as_tlc_finds():
    # TLC, ClassicAccept's ELSE v \in V made ELSE v \in Values (the spec's
    # comment: "Otherwise, the coordinator is free to select any value"),
    # 4 replicas, 3 values, Ballots 0..2, classic quorums of 3, fast of 4:
    # FastNontriviality violated in state 11 (10 steps), this trace state
    # for state
    model = FastPaxos(replicas=4, values=3, ballots=3, classic_quorum=3, fast_quorum=4,
                      mutant="free_value_on_tie")
    violation = _violation(model, "nontriviality")
    assert violation.reason == "v3 is decided, and no acceptor proposed it in a fast round"
    assert _steps(violation) == [
        "FastAny(c=c1, ballot=1)",
        "FastPropose(a=r1, ballot=1, value=v1)",
        "FastPropose(a=r2, ballot=1, value=v1)",
        "FastPropose(a=r3, ballot=1, value=v2)",
        "FastPropose(a=r4, ballot=1, value=v2)",
        "ClassicAccept(c=c1, ballot=2, value=v3)",
        "ClassicAccepted(a=r1, ballot=2, value=v3)",
        "ClassicAccepted(a=r2, ballot=2, value=v3)",
        "ClassicAccepted(a=r3, ballot=2, value=v3)",
        "ClassicDecide(l=l1, ballot=2, value=v3)",
    ]
    assert len(_violation(model, "nontriviality", BOTH).trace) == 10


@pytest.mark.slow
def test_an_acceptor_changing_its_value_between_fast_rounds_breaks_consistency():
    # TLC, FastPropose without maxValue[a] = none \/ maxValue[a] = v,
    # 3 replicas, 2 values, Ballots 0..3 (fast 1 and 3): violated in state 11
    # (10 steps), with the same final state; TLC's run has the three ballot-1
    # votes first, then the ballot-3 ones (its \E a, m, v tried in another
    # order than the kit's acceptor by acceptor)
    model = FastPaxos(replicas=3, values=2, ballots=4, mutant="changes_its_value")
    violation = _violation(model, "consistency")
    assert _steps(violation) == [
        "FastAny(c=c1, ballot=1)",
        "FastAny(c=c1, ballot=3)",
        "FastPropose(a=r1, ballot=1, value=v1)",
        "FastPropose(a=r1, ballot=3, value=v2)",
        "FastPropose(a=r2, ballot=1, value=v1)",
        "FastPropose(a=r2, ballot=3, value=v2)",
        "FastPropose(a=r3, ballot=1, value=v1)",
        "FastPropose(a=r3, ballot=3, value=v2)",
        "FastDecide(l=l1, ballot=1, value=v1)",
        "FastDecide(l=l1, ballot=3, value=v2)",
    ]


def test_an_acceptor_forgetting_its_votes_votes_twice_in_a_round_and_breaks_consistency():
    # TLC, FastPropose without either check of the acceptor's past votes,
    # 3 replicas, 2 values, Ballots 0..2 (one fast round): violated in state
    # 13 (12 steps), with and without SYMMETRY; without, this trace state for
    # state. Each acceptor votes v1 and then v2 in ballot 1: the quorum's six
    # votes tie, so v2 may be sent.
    model = FastPaxos(replicas=3, values=2, ballots=3, mutant="forgets_its_votes")
    violation = _violation(model, "consistency")
    assert _steps(violation) == [
        "FastAny(c=c1, ballot=1)",
        "FastPropose(a=r1, ballot=1, value=v1)",
        "FastPropose(a=r2, ballot=1, value=v1)",
        "FastPropose(a=r3, ballot=1, value=v1)",
        "FastDecide(l=l1, ballot=1, value=v1)",
        "FastPropose(a=r1, ballot=1, value=v2)",
        "FastPropose(a=r2, ballot=1, value=v2)",
        "FastPropose(a=r3, ballot=1, value=v2)",
        "ClassicAccept(c=c1, ballot=2, value=v2)",
        "ClassicAccepted(a=r1, ballot=2, value=v2)",
        "ClassicAccepted(a=r2, ballot=2, value=v2)",
        "ClassicDecide(l=l1, ballot=2, value=v2)",
    ]
    view = model.state_view(violation.trace.steps[-1].state)
    assert [view[f"r{a}.max_ballot"] for a in range(1, 4)] == [2, 2, 1]
    assert len(view["msgs"]) == 10


@pytest.mark.parametrize("replicas, ballots, states", [
    (3, 3, 102),
    pytest.param(3, 5, 8_382, marks=pytest.mark.slow),
    pytest.param(4, 3, 1_112, marks=pytest.mark.slow),
])
def test_the_check_against_voting_twice_in_a_round_changes_nothing(replicas, ballots, states):
    # FastPropose's \A n \in p2bMessages : ~(n.ballot = m.ballot /\
    # n.acceptor = a) is implied by its other guards: an acceptor that voted
    # in ballot f has maxBallot >= f, so maxBallot <= f leaves it at f, its
    # last vote was in f, and maxValue = v makes the second vote the first.
    # TLC without that conjunct: the same states (8,382 and 1,112)
    model = FastPaxos(replicas=replicas, values=2, ballots=ballots,
                      mutant="vote_twice_guard_dropped")
    result = check(model, CheckConfig())
    assert (result.verdict, result.stats.distinct_states) == ("holds", states)


def test_accepting_a_fast_round_s_any_breaks_type_ok():
    # TLC, ClassicAccepted without m.value \in Values: FastTypeOK violated
    # in state 3 (TLC's maxValue[r1] is any; the model's record shows none)
    violation = _violation(FastPaxos(replicas=3, values=2, ballots=3, mutant="accepts_any"),
                           "type_ok")
    assert violation.reason == "P2b(ballot=1, acceptor=r1, value=any) is not a P2bMessage"
    assert _steps(violation) == ["FastAny(c=c1, ballot=1)",
                                 "ClassicAccepted(a=r1, ballot=1, value=any)"]


def test_classic_size_fast_quorums_break_consistency_as_tlc_finds():
    # 3 replicas, quorums of 2 for both: no replica in common to a classic
    # and two fast quorums. TLC on FastPaxos.tla without FastAssume in its
    # ASSUME: violated in state 10 (9 steps). Two replicas choose v1 fast;
    # the quorum {r2, r3} ties, and v2 is recovered and accepted by {r1, r2}
    # (TLC's trace, state for state).
    model = FastPaxos(replicas=3, values=2, ballots=3, classic_quorum=2, fast_quorum=2)
    with pytest.raises(ParamError, match=r"classic quorum \{r1, r2\} and fast quorums "
                                         r"\{r1, r3\} and \{r2, r3\} have no replica in common"):
        model.check_sound()
    violation = _violation(model, "consistency")
    assert _steps(violation) == [
        "FastAny(c=c1, ballot=1)",
        "FastPropose(a=r1, ballot=1, value=v1)",
        "FastPropose(a=r2, ballot=1, value=v1)",
        "FastPropose(a=r3, ballot=1, value=v2)",
        "FastDecide(l=l1, ballot=1, value=v1)",
        "ClassicAccept(c=c1, ballot=2, value=v2)",
        "ClassicAccepted(a=r1, ballot=2, value=v2)",
        "ClassicAccepted(a=r2, ballot=2, value=v2)",
        "ClassicDecide(l=l1, ballot=2, value=v2)",
    ]


@pytest.mark.parametrize("params, message", [
    ("replicas: 3, values: 2, ballots: 3, fast_quorum: 2",
     "params.fast_quorum: classic quorum {r1, r2} and fast quorums {r1, r3} and {r2, r3} "
     "have no replica in common (FastAssume)"),
    ("replicas: 4, classic_quorum: 2",
     "params.classic_quorum: a classic quorum of 2 of 4 replicas: two can be disjoint "
     "(PaxosAssume)"),
    ("replicas: 4, fast_quorum: 5",
     "params.fast_quorum: a quorum of 5 replicas, but there are 4 (params.replicas)"),
])
def test_a_spec_with_unsound_quorums_is_refused_unless_it_expects_the_violation(
        tmp_path, params, message):
    spec = tmp_path / "small.yaml"
    spec.write_text(f"model: {(USER / 'fast_paxos.py').as_posix()}:FastPaxos\n"
                    f"params: {{{params}}}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == f"error: {spec}:2: {message}"


def test_fast_flexible_paxos_s_quorums_pass_the_assumption_and_break_consistency():
    # FastFlexiblePaxos's MC (fpaxos/ffpaxos-tlaplus): 3 acceptors, fast
    # phase-2 quorums of 2, phase-1 quorum of all 3. Here the classic quorum
    # is all 3: FastAssume holds ((3 * 3) \div 4 = 2, two quorums of 2 of 3
    # meet, and so do they and all 3), and TLC on the unmodified
    # FastPaxos.tla finds PaxosConsistency violated in state 11 (10 steps):
    # {r2, r3} ties, so the coordinator may recover v2, though {r1, r2}
    # chose v1. (Lamport's rule would find v1 possibly chosen: r2, all of
    # {r1, r2} that the quorum {r2, r3} sees, voted v1.) TLC's trace is this
    # one, state for state.
    # (fast_paxos_flexible_quorums.yaml is this run, loaded as a spec: the
    # loader's check_sound lets it through)
    model = FastPaxos(replicas=3, values=2, ballots=3, classic_quorum=3, fast_quorum=2)
    model.check_sound()
    assert _steps(_violation(model, "consistency")) == [
        "FastAny(c=c1, ballot=1)",
        "FastPropose(a=r1, ballot=1, value=v1)",
        "FastPropose(a=r2, ballot=1, value=v1)",
        "FastPropose(a=r3, ballot=1, value=v2)",
        "FastDecide(l=l1, ballot=1, value=v1)",
        "ClassicAccept(c=c1, ballot=2, value=v2)",
        "ClassicAccepted(a=r1, ballot=2, value=v2)",
        "ClassicAccepted(a=r2, ballot=2, value=v2)",
        "ClassicAccepted(a=r3, ballot=2, value=v2)",
        "ClassicDecide(l=l1, ballot=2, value=v2)",
    ]


@pytest.mark.slow
def test_five_replicas_with_the_assumption_s_least_fast_quorums_break_consistency():
    # 5 replicas, fast quorums of (3 * 5) \div 4 = 3, classic quorum all 5:
    # FastAssume holds, and TLC on the unmodified spec finds PaxosConsistency
    # violated in state 15 (14 steps), with and without SYMMETRY: {r1, r2, r3}
    # chose v1, {r3, r4, r5} holds a majority for v2 (TLC's trace, state for
    # state)
    model = FastPaxos(replicas=5, values=2, ballots=3, classic_quorum=5, fast_quorum=3)
    model.check_sound()
    violation = _violation(model, "consistency")
    assert _steps(violation)[:7] == [
        "FastAny(c=c1, ballot=1)",
        "FastPropose(a=r1, ballot=1, value=v1)",
        "FastPropose(a=r2, ballot=1, value=v1)",
        "FastPropose(a=r3, ballot=1, value=v1)",
        "FastPropose(a=r4, ballot=1, value=v2)",
        "FastPropose(a=r5, ballot=1, value=v2)",
        "FastDecide(l=l1, ballot=1, value=v1)",
    ]
    assert _steps(violation)[7:] == ["ClassicAccept(c=c1, ballot=2, value=v2)"] + [
        f"ClassicAccepted(a=r{a}, ballot=2, value=v2)" for a in range(1, 6)] + [
        "ClassicDecide(l=l1, ballot=2, value=v2)"]
    assert len(_violation(model, "consistency", BOTH).trace) == 14


def _liveness(tmp_path, ballots, fairness):
    spec = tmp_path / "live.yaml"
    spec.write_text(f"model: {(USER / 'fast_paxos.py').as_posix()}:FastPaxos\n"
                    f"params: {{replicas: 3, values: 2, ballots: {ballots}}}\n"
                    f"properties: [decides]\nfairness: {{{fairness}}}\n")
    loaded = load_spec(spec, REGISTRY)
    return check(loaded.build(), loaded.config())


FAST_SPEC = "strong: [FastDecide, ClassicDecide]"


@pytest.mark.parametrize("ballots", [3, pytest.param(5, marks=pytest.mark.slow)])
def test_fast_spec_s_fairness_does_not_make_it_decide(tmp_path, ballots):
    # FastSpec assumes SF of FastDecide and ClassicDecide alone, so a
    # behaviour may never start a round. TLC, PROPERTY <>(decision # none)
    # under SPECIFICATION FastSpec: "Temporal properties were violated" (its
    # lasso, not the shortest, stutters after 6 steps for ballots 0..2 and
    # 5 for 0..4); the shortest stutters in the initial state
    result = _liveness(tmp_path, ballots, FAST_SPEC)
    violation = result.violation("decides")
    assert (violation.stem_length, violation.loop_length) == (0, 0)


@pytest.mark.parametrize("ballots", [3, pytest.param(5, marks=pytest.mark.slow)])
def test_with_every_step_weakly_fair_a_value_is_decided(tmp_path, ballots):
    # FastSpec /\ WF_vars(FastNext): TLC, no error (102 and 8,382 states)
    result = _liveness(tmp_path, ballots, "weak: ['*'], " + FAST_SPEC)
    assert result.verdict == "holds"
