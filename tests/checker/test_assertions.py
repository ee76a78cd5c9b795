"""A model's own asserts (TLA+'s Assert, PlusCal's `assert`): `successors`
raising AssertionError from a state fails the engine's `assertion` check
there, with the shortest run to that state, in one process and several
alike; any other exception stays a mistake of the model (exit 2).

Grid (`tests.checker.test_workers`): level d holds the points x + y = d;
AssertingGrid's step up from (4, 3) asserts, so the first failing state is
(4, 3), 7 steps from (0, 0), and (5, 4) is the last of the others' ..."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check, eventually, invariant
from checker.properties import ASSERTION
from cmc.main import cli
from tests.checker.test_engine_against_naive import needs_fork, shared_early
from tests.checker.test_workers import Grid
from tests.spec_runs import outcome


class AssertingGrid(Grid):
    """Grid whose steps up from the points in `bad` fail an assert."""

    def __init__(self, bad=((4, 3),), **params):
        self.bad = bad
        super().__init__(**params)

    def successors(self, state):
        steps = super().successors(state)
        if state[1] < self.side and state[:2] in self.bad:
            # (an assert statement here would be rewritten by pytest)
            raise AssertionError(f"no step up from {state[:2]}")
        return steps


def test_an_assert_failing_in_a_step_is_a_violation_at_the_state_it_fails_from():
    result = check(AssertingGrid(side=10), CheckConfig(properties=()))
    assert result.verdict == "violated"
    (finding,) = result.violations
    assert finding.property is ASSERTION and finding.property.name == "assertion"
    assert len(finding.trace.steps) - 1 == 7 and finding.trace.final == (4, 3)
    assert finding.reason == ("a step from here fails its assertion: no step up from (4, 3) "
                              "at tests/checker/test_assertions.py:36, in successors")
    assert [p.name for p in result.properties] == ["assertion"]


def test_going_on_the_state_has_no_step_and_is_no_deadlock():
    config = CheckConfig(properties=("small_sum",), keep_going=True, deadlock=True)
    result = check(AssertingGrid(side=10, bad=((4, 3), (2, 6))), config)
    # the first assert only, as a property is reported once; (4, 3) and
    # (2, 6) have no step (not even right), but every point is reached
    # another way; the invariant fails at x + y = 16, the deadlock check
    # only at (10, 10), the corner with no step
    assert result.stats.distinct_states == 121
    assert [(f.property.name, len(f.trace.steps) - 1, f.trace.final)
            for f in result.violations] == [("small_sum", 16, (10, 6)),
                                            ("deadlock", 20, (10, 10)),
                                            ("assertion", 7, (4, 3))]


def test_without_an_assert_nothing_is_listed():
    result = check(Grid(side=4), CheckConfig(properties=()))
    assert result.verdict == "holds" and result.properties == ()


def test_another_exception_is_still_a_mistake_of_the_model():
    from checker.errors import ModelDefinitionError

    def boom(state):
        if state == (2, 2):
            raise KeyError("lost")

    with pytest.raises(ModelDefinitionError, match=r"successors\(\) raised KeyError: 'lost'"):
        check(Grid(side=4, on_expand=boom), CheckConfig(properties=()))


@needs_fork
@pytest.mark.parametrize("keep_going", [False, True])
def test_one_two_and_three_processes_give_the_same_finding(keep_going):
    config = CheckConfig(properties=("small_sum",), keep_going=keep_going)
    bad = ((9, 8), (3, 14))
    with shared_early(4) as started:
        one = outcome(check(AssertingGrid(side=20, bad=bad), config))
        for workers in (2, 3):
            assert outcome(check(AssertingGrid(side=20, bad=bad),
                                 dataclasses.replace(config, workers=workers))) == one
    assert started
    assert [(name, len(trace) - 1) for name, _, trace in one[7]] == (
        [("small_sum", 36), ("assertion", 17)] if keep_going else [("assertion", 17)])


def test_temporal_properties_are_not_settled_after_a_failed_assert():
    class Reaching(AssertingGrid):
        @eventually("Reaches The Corner")
        def corner(self, state):
            return state[:2] == (self.side, self.side)

    result = check(Reaching(side=6), CheckConfig(properties=("corner",), keep_going=True))
    assert [f.property.name for f in result.violations] == ["assertion"]
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("assertion", "violated"), ("corner", "not settled")]
    assert result.outcomes()[1].reason == (
        "a step failed its assertion, so the states only its steps lead to were not explored")


def test_going_on_after_a_failed_assert_no_property_is_said_to_hold():
    class Inside(AssertingGrid):
        @invariant("Inside")
        def inside(self, state):
            return state[0] <= self.side

    result = check(Inside(side=6), CheckConfig(properties=("inside",), keep_going=True))
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("inside", "not settled"), ("assertion", "violated")]


MODEL = '''\
from checker import Model


class Counter(Model):
    name = "asserting-counter"

    def initial_states(self):
        return [0]

    def successors(self, n):
        assert n < 3, f"n reached {n}"
        return [("Inc", n + 1)]
'''


def test_a_spec_expects_the_assertion_and_the_command_reports_it(tmp_path):
    (tmp_path / "counter.py").write_text(MODEL)
    spec = tmp_path / "counter.yaml"
    spec.write_text("model: ./counter.py:Counter\n")
    result = CliRunner().invoke(cli, ["check", str(spec), "--workers", "1"])
    assert result.exit_code == 1
    assert result.output.splitlines()[2] == (
        f"Assertion (assertion) violated after 3 steps: a step from here fails its "
        f"assertion: n reached 3 at {tmp_path / 'counter.py'}:11, in successors")
    spec.write_text("model: ./counter.py:Counter\n"
                    "expect: {verdict: violated, property: assertion, trace_length: 3}\n")
    assert CliRunner().invoke(cli, ["check", str(spec)]).exit_code == 0
