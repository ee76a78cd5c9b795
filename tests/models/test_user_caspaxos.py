"""A user's kit model of a published spec it was not written against:
tests/models/user/caspaxos.py, after Tobias Schottdorf's CASPaxos.tla
(github.com/tschottdorf/caspaxos-tla, Model_1), compared figure by figure
with TLC 2.15, one worker, breadth-first.

TLC ran CASPaxos.tla as published, with an MC module as Model_1's:
acceptors a1 .. aN model values, ``Values <- 0..V-1``, ``Mutator(b, v) ==
(1 + b*v) % V``, ``Nat <- 0..B-1`` (Model_1: N = 3, V = 4, B = 4), deadlock
checked. The counts are of a run checking TypeOK and OnlyOneValuePerBallot,
which hold everywhere; MutationsLineUp was checked in a run of its own, so
that TLC's counterexample is a shortest one. Each mutant is CASPaxos.tla
with the one expression it changes, its invariant checked alone. TLC
prints a depth one more than ours, and a trace of one state more than our
steps; it generates the steps that change nothing, which the kit does not,
so generated states are not compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.spec_runs import steps, written_and_checked

USER = Path(__file__).parent / "user"
SPEC = USER / "caspaxos.yaml"
SAFE = "properties: [type_ok, only_one_value_per_ballot]\n"


def _checked(tmp_path, lines: str, keep_going: bool = False):
    _, model, result = written_and_checked(tmp_path, "caspaxos.py:CASPaxos", lines, keep_going)
    return result, model


def _bounds(acceptors: int, values: int, ballots: int) -> str:
    return f"params: {{acceptors: {acceptors}, values: {values}, ballots: {ballots}}}\n"


def _acceptors(model, state) -> list[tuple[int, int, int]]:
    """<<prepared[a], accepted[a], value[a]>> of each acceptor."""
    return [tuple(r) for r in model.records(state, type(model).roles[1])]


def test_the_spec_file_is_model_1():
    # Model_1 (DesiredProperties, deadlock checked): TLC 2.15, MutationsLineUp
    # violated in state 12
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "MutationsLineUp (mutations_line_up): violated after 11 steps" in result.output
    assert "expectation met" in result.output


@pytest.mark.parametrize("acceptors, values, ballots, distinct, depth", [
    # TLC 2.15, TypeOK and OnlyOneValuePerBallot, deadlock checked: no
    # error and these distinct states (its depth one more)
    (1, 2, 2, 10, 5),
    (2, 2, 3, 162, 13),
    (2, 3, 3, 162, 13),
    (2, 4, 4, 1_458, 19),
    (3, 2, 3, 3_362, 17),
    (3, 3, 3, 3_554, 17),
    (3, 4, 3, 3_554, 17),
    (4, 2, 3, 18_818, 21),
    # TLC: 7 s
    pytest.param(4, 3, 3, 19_458, 21, marks=pytest.mark.slow),
    # Model_1's bounds, TLC: 21 s; ours 7 s
    pytest.param(3, 4, 4, 156_082, 25, marks=pytest.mark.slow),
])
def test_caspaxos_has_tlc_s_counts(tmp_path, acceptors, values, ballots, distinct, depth):
    result, _ = _checked(tmp_path, _bounds(acceptors, values, ballots) + SAFE)
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)


@pytest.mark.parametrize("acceptors, values, ballots, steps_", [
    # TLC 2.15, MutationsLineUp alone: its shortest counterexample has one
    # state more than these steps; with two values, Mutator(b, v) == (1 +
    # b*v) % 2 lines up whatever the order, and TLC finds no error in the
    # counts above
    (1, 2, 2, None),
    (2, 2, 3, None),
    (3, 2, 3, None),
    (4, 2, 3, None),
    (2, 3, 3, 11),
    (3, 3, 3, 11),
    (2, 4, 4, 11),
    (3, 4, 3, 11),
    (4, 3, 3, 14),
    (3, 4, 4, 11),
])
def test_mutations_line_up_fails_where_tlc_says(tmp_path, acceptors, values, ballots, steps_):
    result, _ = _checked(tmp_path, _bounds(acceptors, values, ballots)
                         + "properties: [mutations_line_up]\n")
    if steps_ is None:
        assert result.verdict == "holds"
    else:
        assert len(result.violation("mutations_line_up").trace.actions) == steps_


def test_a_ballot_mutating_an_uncommitted_value_breaks_mutations_line_up(tmp_path):
    # the spec's "three ballots and two concurrent proposals": TLC 2.15 on
    # Model_1, state 12 with these acceptors' variables
    result, model = _checked(tmp_path, "properties: [mutations_line_up]\n")
    violation = result.violation("mutations_line_up")
    assert steps(violation.trace).splitlines() == [
        "PrepareReq(b=1)",
        "PrepareReq(b=2)",
        "PrepareRsp(a=a1, bal=1)",
        "PrepareRsp(a=a1, bal=2)",
        "PrepareRsp(a=a2, bal=1)",
        "AcceptReq(b=1, v=0)",
        "AcceptRsp(a=a2, bal=1, new_val=1)",
        "PrepareRsp(a=a2, bal=2)",
        "AcceptReq(b=2, v=1)",
        "AcceptRsp(a=a1, bal=2, new_val=3)",
        "AcceptRsp(a=a2, bal=2, new_val=3)"]
    assert violation.reason == ("ballot 2 committed 3, but the last ballot committed before "
                                "it, 0, holds 0, and Mutator(2, 0) = 1")
    assert _acceptors(model, violation.trace.final) == [(2, 2, 3), (2, 2, 3), (0, 0, 0)]


@pytest.mark.parametrize("acceptors, values, ballots, orbits, depth", [
    # TLC 2.15, SYMMETRY Permutations(Acceptors), TypeOK and
    # OnlyOneValuePerBallot: no error and these distinct states
    (2, 2, 3, 106, 13),
    (3, 2, 3, 746, 17),
    (3, 4, 3, 786, 17),
    pytest.param(3, 4, 4, 28_574, 25, marks=pytest.mark.slow),
])
def test_acceptors_are_interchangeable_as_in_tlc(tmp_path, acceptors, values, ballots, orbits,
                                                 depth):
    result, _ = _checked(tmp_path, _bounds(acceptors, values, ballots) + SAFE
                         + "symmetry: true\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (orbits, depth)


@pytest.mark.parametrize("params, message", [
    ("{acceptors: 0}", "params.acceptors: must be at least 1, got 0; accepted: 1 to 7"),
    ("{ballots: 11}", "params.ballots: must be at most 10, got 11; accepted: 1 to 10"),
])
def test_bounds_outside_the_model_s_are_refused(tmp_path, params, message):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'caspaxos.py').as_posix()}:CASPaxos\nparams: {params}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == f"error: {spec}:2: {message}\n"


# -- mutants: each invariant broken by one handler, TLC's counterexample as long ----------


def test_mutating_any_value_breaks_mutations_line_up_at_the_first_commit(tmp_path):
    # TLC 2.15 on Model_1, AcceptReq without its \E m \in M : m.val = v /\ ..:
    # MutationsLineUp violated in state 7
    result, model = _checked(tmp_path, "mutant: no_adopt\nproperties: [mutations_line_up]\n")
    violation = result.violation("mutations_line_up")
    assert steps(violation.trace).splitlines() == [
        "PrepareReq(b=1)",
        "PrepareRsp(a=a1, bal=1)",
        "PrepareRsp(a=a2, bal=1)",
        "AcceptReq(b=1, v=1)",
        "AcceptRsp(a=a1, bal=1, new_val=2)",
        "AcceptRsp(a=a2, bal=1, new_val=2)"]
    assert violation.reason == ("ballot 1 committed 2, but the last ballot committed before "
                                "it, 0, holds 0, and Mutator(1, 0) = 1")
    assert _acceptors(model, violation.trace.final) == [(1, 1, 2), (1, 1, 2), (0, 0, 0)]


def test_a_second_accept_request_breaks_only_one_value_per_ballot(tmp_path):
    # TLC 2.15 on Model_1, AcceptReq without ~\E accept-req for b:
    # OnlyOneValuePerBallot violated in state 13, ballot 2's requests
    # carrying 1 (from {a1, a2}, neither of which accepted) and 3 (from a
    # quorum with a3, which accepted ballot 1's 1)
    result, model = _checked(tmp_path, "mutant: accept_request_again\n"
                             "properties: [only_one_value_per_ballot]\n")
    violation = result.violation("only_one_value_per_ballot")
    assert steps(violation.trace).splitlines() == [
        "PrepareReq(b=1)",
        "PrepareReq(b=2)",
        "PrepareRsp(a=a1, bal=1)",
        "PrepareRsp(a=a1, bal=2)",
        "PrepareRsp(a=a2, bal=1)",
        "AcceptReq(b=1, v=0)",
        "PrepareRsp(a=a2, bal=2)",
        "AcceptReq(b=2, v=0)",
        "AcceptRsp(a=a1, bal=2, new_val=1)",
        "AcceptRsp(a=a3, bal=1, new_val=1)",
        "PrepareRsp(a=a3, bal=2)",
        "AcceptReq(b=2, v=1)"]
    assert violation.reason == "ballot 2 was accepted with values 1, 3"
    assert _acceptors(model, violation.trace.final) == [(2, 2, 1), (2, 0, 0), (2, 1, 1)]


def test_a_mutator_without_its_modulo_breaks_type_ok(tmp_path):
    # TLC 2.15 on Model_1, newVal == 1 + b*v: TypeOK violated in state 10;
    # on ballots 0..2 no request leaves the values (Mutator(2, 1) = 3)
    result, model = _checked(tmp_path, "mutant: mutator_unbounded\nproperties: [type_ok]\n")
    violation = result.violation("type_ok")
    assert steps(violation.trace).splitlines()[-2:] == [
        "PrepareRsp(a=a2, bal=3)", "AcceptReq(b=3, v=1)"]
    assert len(violation.trace.actions) == 9
    assert violation.reason == "the accept request of ballot 3 carries 4, which is not a value"
    assert _acceptors(model, violation.trace.final) == [(3, 0, 0), (3, 1, 1), (0, 0, 0)]
    small, _ = _checked(tmp_path, _bounds(3, 4, 3) + "mutant: mutator_unbounded\n"
                        "properties: [type_ok]\n")
    assert (small.verdict, small.stats.distinct_states) == ("holds", 3_554)
