"""The engine on models whose reachable sets are known by hand."""

from __future__ import annotations

import sys

import pytest

from checker import CheckConfig, CheckerError, ModelDefinitionError, check, invariant, reachable
from tests.toys import (Broken, Counter, DieHard, Empty, Fill, Mutating, Pour, Step,
                        Tick, Unhashable, Wobbly)

JUG_STATES = {(s, b) for s in range(4) for b in range(6) if s in (0, 3) or b in (0, 5)}


def test_die_hard_shortest_counterexample_is_exact():
    result = check(DieHard())
    assert result.verdict == "violated"
    violation = result.violation("goal_not_reached")
    assert violation.reason == "the big jug holds 4 gallons"
    assert violation.trace.actions == (
        Fill(1), Pour(1, 0), Empty(0), Pour(1, 0), Fill(1), Pour(1, 0))
    assert [step.state for step in violation.trace.steps] == [
        (0, 0), (0, 5), (3, 2), (0, 2), (2, 0), (2, 5), (3, 4)]
    assert len(violation.trace) == 6


def test_die_hard_full_reachable_set_and_depth():
    result = check(DieHard(), CheckConfig(properties=("within_capacity",)))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == len(JUG_STATES) == 16
    assert result.stats.depth == 7
    # every state has six enabled steps, plus the initial state itself
    assert result.stats.generated_states == 1 + 6 * 16
    assert result.stats.actions == {"Fill": 32, "Empty": 32, "Pour": 32}


def test_reachable_property_returns_shortest_witness():
    result = check(DieHard(), CheckConfig(properties=("both_full",)))
    assert result.verdict == "holds"
    witness = result.witness("both_full")
    assert witness.trace.actions == (Fill(0), Fill(1))
    assert witness.trace.final == (3, 5)


def test_an_invariant_declared_not_default_is_checked_only_when_named():
    class Quiet(DieHard):
        @invariant("Never Four", default=False)
        def never_four(self, state):
            return 4 not in state

    assert "never_four" not in [p.name for p in check(Quiet()).properties]
    result = check(Quiet(), CheckConfig(properties=("never_four",)))
    assert result.violation("never_four").trace.final[1] == 4


def test_unreachable_property_is_a_violation_without_trace():
    result = check(DieHard(), CheckConfig(properties=("overflow",)))
    assert result.verdict == "violated"
    assert result.violation("overflow").trace is None
    assert result.stats.distinct_states == 16


def test_keep_going_collects_every_violated_property():
    result = check(DieHard(mutant="overfill"),
                   CheckConfig(properties=("goal_not_reached", "within_capacity"),
                               keep_going=True))
    assert [v.property.name for v in result.violations] == [
        "goal_not_reached", "within_capacity"]
    overfull = result.violation("within_capacity")
    assert overfull.trace.actions == (Fill(1),)
    assert overfull.trace.final == (0, 6)
    goal = result.violation("goal_not_reached")
    # the extra gallon makes a 5-step way to 4 gallons: 6 → 3 → 5 → 6 → 4
    assert goal.trace.actions == (Fill(1), Pour(1, 0), Pour(0, 1), Fill(1), Pour(1, 0))
    assert [step.state for step in goal.trace.steps] == [
        (0, 0), (0, 6), (3, 3), (1, 5), (1, 6), (3, 4)]


def test_first_violation_stops_the_run():
    full = check(DieHard(), CheckConfig(properties=("within_capacity",)))
    stopped = check(DieHard())
    assert stopped.stats.distinct_states < full.stats.distinct_states


def test_max_depth_bound_reports_incomplete_with_what_was_explored():
    result = check(DieHard(), CheckConfig(properties=("within_capacity",), max_depth=2))
    assert result.verdict == "incomplete"
    assert result.stopped_by == "max_depth"
    assert result.stats.depth == 2
    # (0,0); (3,0) (0,5); (3,5) (0,3) (3,2)
    assert result.stats.distinct_states == 1 + 2 + 3


def test_max_depth_at_the_real_depth_is_complete():
    result = check(DieHard(), CheckConfig(properties=("within_capacity",), max_depth=7))
    assert result.verdict == "holds"
    assert result.stopped_by is None


def test_max_states_bound_reports_incomplete():
    result = check(DieHard(), CheckConfig(properties=("within_capacity",), max_states=5))
    assert result.verdict == "incomplete"
    assert result.stopped_by == "max_states"
    assert result.stats.distinct_states == 5


def test_time_limit_reports_incomplete():
    result = check(Counter(limit=10**9), CheckConfig(time_limit=0.05))
    assert result.verdict == "incomplete"
    assert result.stopped_by == "time_limit"
    assert result.stats.distinct_states > 0


def test_constraint_states_are_checked_but_not_counted():
    result = check(Counter(limit=5))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 6
    assert result.stats.depth == 3  # 0 → 2 → 4 → 5
    # 0..5 each generate two successors; 6 and 7 are out of bounds
    assert result.stats.generated_states == 1 + 2 * 6
    violated = check(Counter(limit=5, forbidden=7))
    assert violated.verdict == "violated"
    trace = violated.violation("not_forbidden").trace
    assert trace.final == 7 and len(trace) == 4
    assert trace.actions == (Step(1), Step(2), Step(2), Step(2))


def test_transition_property_violation_includes_the_step():
    class Shrinking(Counter):
        def successors(self, state):
            return super().successors(state) + [(Step(-1), state - 1)]

    result = check(Shrinking(limit=3), CheckConfig(properties=("grows",)))
    assert result.verdict == "violated"
    trace = result.violation("grows").trace
    assert trace.actions == (Step(-1),)
    assert [s.state for s in trace.steps] == [0, -1]


def test_results_are_identical_from_run_to_run():
    first = check(DieHard(mutant="overfill"), CheckConfig(keep_going=True))
    second = check(DieHard(mutant="overfill"), CheckConfig(keep_going=True))
    assert first.violations == second.violations
    assert first.witnesses == second.witnesses
    assert first.stats.distinct_states == second.stats.distinct_states


def test_unknown_property_is_refused():
    with pytest.raises(CheckerError, match="has no property 'agreement'"):
        check(DieHard(), CheckConfig(properties=("agreement",)))


def test_unhashable_state_is_a_definition_error():
    with pytest.raises(ModelDefinitionError, match="not hashable.*frozensets"):
        check(Unhashable())


def test_mutated_state_is_a_definition_error():
    with pytest.raises(ModelDefinitionError, match="changed the state it was given"):
        check(Mutating())


def test_nondeterministic_successor_order_is_caught_on_replay():
    with pytest.raises(ModelDefinitionError, match="deterministic order"):
        check(Wobbly())


def test_a_property_that_raises_names_itself_and_its_line():
    with pytest.raises(ModelDefinitionError) as error:
        check(Broken())
    line = Broken.raises.__code__.co_firstlineno + 2
    assert str(error.value) == (
        "model 'broken': property 'raises' raised ZeroDivisionError: division by zero at "
        f"tests/toys.py:{line}, in raises; fix the model")


@pytest.mark.parametrize("kind", [invariant, reachable])
def test_a_property_that_returns_none_is_a_definition_error(kind):
    """A forgotten `return` would read as a failure (or as never reached)."""
    class Forgetful(DieHard):
        @kind("Forgot")
        def forgot(self, state):
            state[0] < 9  # no return

    with pytest.raises(ModelDefinitionError) as error:
        check(Forgetful(), CheckConfig(properties=("forgot",)))
    assert str(error.value) == ("model 'die-hard': property 'forgot' returned None; return "
                                "True or False (or Fails(reason)): is a return missing?")


@pytest.mark.parametrize("successors, message", [
    (lambda self, state: iter([(Fill("small"),)]),
     "successors() yielded (Fill(jug='small'),); yield (action, next state) pairs"),
    (lambda self, state: iter([7]), "successors() yielded 7; yield (action, next state) pairs"),
    (lambda self, state: sys.exit(0), "successors() raised SystemExit: 0 at "),
])
def test_successors_that_are_not_steps_are_a_definition_error(successors, message):
    """Not a traceback (exit 1 reads as a violation), nor, for sys.exit(0), a
    silent exit 0."""
    class Wrong(DieHard):
        pass

    Wrong.successors = successors
    with pytest.raises(ModelDefinitionError) as error:
        check(Wrong())
    assert str(error.value).startswith(f"model 'die-hard': {message}")


def test_an_action_of_a_type_the_model_does_not_declare_is_a_definition_error():
    class Stringly(DieHard):
        def successors(self, state):
            for action, after in super().successors(state):
                yield (str(action) if isinstance(action, Pour) else action), after

    with pytest.raises(ModelDefinitionError) as error:
        check(Stringly())
    assert str(error.value) == (
        "model 'die-hard': successors() yielded an action of type str, which is not among "
        "the model's actions (Fill, Empty, Pour); add it to `actions`, or yield one of those")


@pytest.mark.parametrize("where", ["successors", "property", "within_bounds"])
def test_a_stop_iteration_in_a_model_is_a_definition_error_not_the_end_of_a_loop(where):
    """map() ends quietly at a StopIteration: the states after it went
    unchecked or unexpanded, and the run held (a third tester's find)."""
    class Stopping(Counter):
        def successors(self, state):
            if where == "successors" and state == 3:
                next(iter(()))
            return super().successors(state)

        def within_bounds(self, state):
            if where == "within_bounds" and state == 3:
                next(iter(()))
            return super().within_bounds(state)

        @invariant("Never Three")
        def never_three(self, state):
            return next(iter(())) if where == "property" and state == 3 else True

    with pytest.raises(ModelDefinitionError) as error:
        check(Stopping(limit=7))
    call = {"successors": "successors()", "property": "property 'never_three'",
            "within_bounds": "within_bounds()"}[where]
    assert str(error.value) == (
        f"model 'counter': {call} raised StopIteration (a next() on an empty iterator), which "
        "would silently end the engine's loop over the states; give next() a default or "
        "catch it")


def test_within_bounds_returning_none_is_a_definition_error():
    class Forgetful(Counter):
        def within_bounds(self, state):
            state < 5  # no return

    with pytest.raises(ModelDefinitionError) as error:
        check(Forgetful(limit=7))
    assert str(error.value) == ("model 'counter': within_bounds() returned None; return True "
                                "or False: is a return missing?")


def test_a_model_with_no_initial_state_is_a_definition_error():
    class Nowhere(DieHard):
        def initial_states(self):
            return []

    with pytest.raises(ModelDefinitionError) as error:
        check(Nowhere())
    assert str(error.value) == ("model 'die-hard': initial_states() gave no state, so there is "
                                "nothing to check; return at least one")


def test_initial_states_that_raise_are_a_definition_error():
    class NoStart(DieHard):
        def initial_states(self):
            return [self.missing]

    with pytest.raises(ModelDefinitionError, match="model 'die-hard': initial_states\\(\\) "
                                                   "raised AttributeError: 'NoStart' object has "
                                                   "no attribute 'missing' at "):
        check(NoStart())


def test_statistics_report_actions_that_never_fired():
    result = check(DieHard(), CheckConfig(properties=("within_capacity",)))
    assert result.stats.never_fired == ()

    class WithIdleAction(Counter):
        actions = (Step, Tick)

    never = check(WithIdleAction(limit=3))
    assert never.stats.actions == {"Step": 8, "Tick": 0}
    assert never.stats.never_fired == ("Tick",)
