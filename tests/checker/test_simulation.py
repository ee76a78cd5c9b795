"""Random simulation (`checker.simulation`, TLC's -simulate): behaviours
drawn with a seed, every state met checked, a violation's trace a real run
of the model with its loops cut out, nothing said to hold."""

from __future__ import annotations

import dataclasses
from typing import Iterable, NamedTuple

import pytest

from checker import CheckConfig, Fails, Model, Param, check, eventually, invariant, reachable
from checker.errors import CheckerError, ModelDefinitionError
from checker.properties import ASSERTION, DEADLOCK, Property
from checker.result import Finding, Step
from checker.simulation import Walks, _without_loops, simulate
from checker.spec import load_specs
from models import REGISTRY
from tests.checker.test_assertions import AssertingGrid
from tests.checker.test_engine_against_naive import needs_fork
from tests.checker.test_workers import Grid


class Add(NamedTuple):
    k: int


class Reset(NamedTuple):
    pass


class Ring(Model):
    """A counter 0..size-1 that adds 1 or 2 (mod size) or resets to 0:
    every behaviour loops, and every state is reachable."""

    name = "ring"
    params = (Param("size", 7, "states", minimum=2),)
    actions = (Add, Reset)

    def initial_states(self):
        return [0]

    def successors(self, state):
        return [(Add(1), (state + 1) % self.size), (Add(2), (state + 2) % self.size),
                (Reset(), 0)]

    @invariant("Not Five")
    def not_five(self, state):
        return state != 5 or Fails("the counter is 5")

    @reachable("Three")
    def three(self, state):
        return state == 3

    @eventually("Zero Again")
    def zero(self, state):
        return state == 0


def _is_run(model, trace) -> bool:
    """Whether `trace` is a run of `model`: an initial state, then steps."""
    if trace.steps[0].state not in list(model.initial_states()):
        return False
    return all((step.action, step.state) in list(model.successors(before.state))
               for before, step in zip(trace.steps, trace.steps[1:]))


def test_a_violation_is_a_real_run_to_a_failing_state_without_loops():
    model = Ring(size=9)
    result = simulate(model, CheckConfig(), Walks(behaviours=50, depth=40, seed=10))
    assert result.verdict == "violated" and result.stopped_by == "simulation"
    (finding,) = result.violations
    assert finding.property.name == "not_five" and finding.reason == "the counter is 5"
    assert finding.trace.final == 5 and _is_run(model, finding.trace)
    states = [step.state for step in finding.trace.steps]
    assert len(set(states)) == len(states)  # each loop cut out
    # the first behaviour met 5 at its 13th step, its 3rd without its loops
    # (every step generated is checked: 5 was met from 3, not taken)
    assert states == [0, 1, 3, 5] and result.stats.walked.steps == 12
    # the same seed draws the same behaviours; the shortest is BFS's to find
    again = simulate(model, CheckConfig(), Walks(behaviours=50, depth=40, seed=10))
    assert (again.violations, again.stats.walked) == (result.violations, result.stats.walked)
    assert len(check(model).violations[0].trace) == 3


def test_what_no_behaviour_broke_is_not_settled_and_the_witnesses_are_real_runs():
    model = Ring(size=9)
    config = CheckConfig(properties=("three",))
    result = simulate(model, config, Walks(behaviours=200, depth=30, seed=4))
    assert result.verdict == "incomplete" and not result.violations
    (witness,) = result.witnesses
    assert witness.trace.final == 3 and _is_run(model, witness.trace)
    (outcome,) = result.outcomes()
    assert outcome.outcome == "witnessed"
    result = simulate(model, CheckConfig(properties=("not_five",)),
                      Walks(behaviours=3, depth=1, seed=0))
    (outcome,) = result.outcomes()
    assert (outcome.outcome, outcome.reason) == (
        "not settled", "a simulation draws behaviours at random: what none of them broke is "
        "not proven to hold")


def test_the_figures_count_what_was_drawn():
    model = Ring(size=9)
    result = simulate(model, CheckConfig(properties=("three",)),
                      Walks(behaviours=300, depth=20, seed=2))
    walked, stats = result.stats.walked, result.stats
    assert (walked.behaviours, walked.steps, walked.depth, walked.seed) == (300, 6000, 20, 2)
    # every state of the ring met; three steps generated per step taken
    assert (stats.distinct_states, stats.depth, stats.generated_states) == (9, 20, 18000)
    assert sum(stats.actions.values()) == 18000 and stats.actions["Reset"] == 6000
    assert sum(stats.new_states.values()) == 8  # (the initial state is no action's)


def test_keep_going_collects_every_violated_property():
    model = AssertingGrid(side=6, bad=((2, 1),))
    config = CheckConfig(keep_going=True, deadlock=True)
    result = simulate(model, config, Walks(behaviours=400, depth=50, seed=7))
    found = {f.property.name: f for f in result.violations}
    assert set(found) == {"small_sum", "assertion", "deadlock"}
    assert found["assertion"].property is ASSERTION and found["assertion"].trace.final == (2, 1)
    assert found["assertion"].reason.startswith(
        "a step from here fails its assertion: no step up from (2, 1) at ")
    assert found["deadlock"].property is DEADLOCK and found["deadlock"].trace.final == (6, 6)
    assert found["small_sum"].trace.final[0] + found["small_sum"].trace.final[1] == 8
    for finding in found.values():
        assert len(finding.trace) == sum(finding.trace.final)  # a grid run has no loop
        assert _is_run(model, finding.trace)
    # without keep_going the first violation ends the simulation
    first = simulate(model, CheckConfig(deadlock=True), Walks(behaviours=400, depth=50, seed=7))
    assert len(first.violations) == 1 and first.stats.walked.behaviours < 400


class Bounded(Grid):
    """The grid with its corner explained by a bound."""

    def bound_reason(self, state):
        return "the grid ends" if state[:2] == (self.side, self.side) else None


def test_a_state_with_no_step_is_a_bound_stop_where_the_model_names_the_bound():
    result = simulate(Bounded(side=3), CheckConfig(properties=(), deadlock=True),
                      Walks(behaviours=20, depth=50, seed=0))
    assert not result.violations and result.stats.bound_stops == 20
    assert result.bound_stop.reason == "the grid ends" and result.bound_stop.trace.final[:2] == (3, 3)


def test_loops_are_cut_out_and_a_step_property_keeps_its_step():
    steps = [Step(None, 0), Step(Add(1), 1), Step(Add(1), 2), Step(Reset(), 0),
             Step(Add(2), 2), Step(Add(1), 3), Step(Reset(), 0)]
    assert [(s.action, s.state) for s in _without_loops(steps).steps] == [(None, 0)]
    assert [(s.action, s.state) for s in _without_loops(steps[:-1]).steps] == [
        (None, 0), (Add(2), 2), (Add(1), 3)]
    kept = _without_loops(steps, keep_last_step=True).steps
    assert [(s.action, s.state) for s in kept] == [(None, 0), (Add(2), 2), (Add(1), 3),
                                                    (Reset(), 0)]


def test_symmetry_is_refused():
    with pytest.raises(CheckerError, match="a simulation walks real states"):
        simulate(Ring(), CheckConfig(symmetry=("servers",)), Walks())


class Wandering(Ring):
    """The ring, with a promise it need not keep: 5 is reached."""

    @eventually("Reaches Five")
    def five(self, state):
        return state == 5

    @eventually("Some Behaviour Avoids Five", witness=True)
    def avoids_five(self, state):
        return state == 5


def _lasso(finding):
    return (finding.loop_start, finding.loop_length,
            [step.state for step in finding.trace.steps])


def test_a_temporal_property_is_judged_on_each_behaviour_as_a_lasso():
    # unfair: stuttering in the initial state avoids 5, in the first behaviour
    config = CheckConfig(properties=("zero", "five", "avoids_five"))
    result = simulate(Wandering(), config, Walks(behaviours=20, seed=1))
    assert result.verdict == "violated" and result.stats.walked.behaviours == 1
    (violation,), (witness,) = result.violations, result.witnesses
    assert (violation.property.name, witness.property.name) == ("five", "avoids_five")
    assert _lasso(violation) == _lasso(witness) == (0, 0, [0])
    assert {o.property.name: o.outcome for o in result.outcomes()} == {
        "zero": "not settled", "five": "violated", "avoids_five": "witnessed"}


def test_under_fairness_a_lasso_must_be_fair_and_is_a_real_behaviour():
    # weakly fair to Add, a behaviour cannot stay at 0: the shortest fair
    # loop avoiding 5 among the first behaviour's states goes 0 -> 1 -> 0
    config = CheckConfig(properties=("five",), fairness=(("weak", "Add"),))
    result = simulate(Wandering(), config, Walks(behaviours=20, seed=1))
    (violation,) = result.violations
    assert _lasso(violation) == (0, 2, [0, 1, 0])
    assert [action for action in violation.trace.actions] == [Add(1), Reset()]
    assert _is_run(Wandering(), violation.trace)
    # weakly fair to Add(2) alone: 0 -> 2 -> 4 -> 6 -> 1 -> 3 -> 5 passes 5,
    # but Reset may come first: a fair loop 0 -> 2 -> 0 avoids it
    config = CheckConfig(properties=("five",), fairness=(("weak", "Add(k=2)"),))
    (violation,) = simulate(Wandering(), config, Walks(behaviours=20, seed=1)).violations
    assert _lasso(violation) == (0, 2, [0, 2, 0])


@needs_fork
def test_a_temporal_finding_is_the_same_in_one_process_and_several():
    config = CheckConfig(properties=("five", "not_five"), fairness=(("weak", "Add"),),
                         keep_going=True)
    walks = Walks(behaviours=200, depth=6, seed=4)
    one = simulate(Wandering(), config, walks)
    two = simulate(Wandering(), dataclasses.replace(config, workers=2), walks)
    assert [(_lasso(f), f.property.name) for f in one.violations] == \
        [(_lasso(f), f.property.name) for f in two.violations]
    assert (one.stats.walked, one.stats.distinct_states) == (two.stats.walked,
                                                             two.stats.distinct_states)


class Forgetful(Ring):
    @invariant("Forgets To Return")
    def forgets(self, state):
        if state != 4:
            return True


class Raising(Ring):
    def successors(self, state):
        if state == 2:
            raise KeyError("two")
        return super().successors(state)


def test_a_model_s_mistakes_are_one_line_errors():
    with pytest.raises(ModelDefinitionError, match="property 'forgets' returned None"):
        simulate(Forgetful(), CheckConfig(properties=("forgets",)),
                 Walks(behaviours=100, depth=20, seed=0))
    with pytest.raises(ModelDefinitionError,
                       match=r"successors\(\) raised KeyError: 'two' at tests/checker/"
                             r"test_simulation.py:\d+, in successors; fix the model"):
        simulate(Raising(), CheckConfig(properties=()), Walks(behaviours=100, depth=20, seed=0))


class Listed(Ring):
    def successors(self, state):
        return [(Add(1), [state])]  # a list: mutable, no state


def test_a_state_that_cannot_be_fingerprinted_is_said_as_a_search_says_it():
    for run in (lambda model: check(model),
                lambda model: simulate(model, CheckConfig(), Walks(behaviours=1, seed=0))):
        with pytest.raises(ModelDefinitionError, match="model 'ring': a state is not hashable "
                                                       "or cannot be fingerprinted"):
            run(Listed())


def test_a_time_limit_draws_until_it_runs_out():
    result = simulate(Ring(), CheckConfig(properties=(), time_limit=0.05),
                      Walks(behaviours=None, depth=10, seed=0))
    assert result.stopped_by == "simulation" and result.stats.walked.behaviours > 0


def test_a_bundled_mutant_is_found_by_simulation():
    spec = load_specs(["specs/paxos-mutant-no-adopt.yaml"], REGISTRY)[0]
    model = spec.build()
    result = simulate(model, spec.config(), Walks(behaviours=1000, depth=100, seed=1))
    (finding,) = result.violations
    assert finding.property.name == "agreement" and _is_run(model, finding.trace)
    assert (len(finding.trace), result.stats.walked.behaviours) == (12, 8)
    assert not model.agreement(finding.trace.final)


class Noise(NamedTuple):
    k: int


class Rare(NamedTuple):
    pass


class Crowd(Model):
    """(steps, rares): a hundred steps of Noise and one of Rare from each
    state; Rare counts."""

    name = "crowd"
    actions = (Noise, Rare)

    def initial_states(self):
        return [(0, 0)]

    def successors(self, state):
        n, rares = state
        return [(Noise(k), (n + 1, rares)) for k in range(100)] + [(Rare(), (n + 1, rares + 1))]

    @invariant("Rare Once")
    def rare_once(self, state):
        return state[1] < 2


def test_an_action_is_drawn_before_its_step_so_a_rare_one_is_not_drowned():
    # a second Rare is met (every step is checked) once a behaviour took the
    # first: drawn among the 101 steps, Rare would be taken once in 101;
    # drawn among the 2 actions, once in 2: 11 of the seeds 0..19
    firsts = [simulate(Crowd(), CheckConfig(), Walks(behaviours=1, depth=2, seed=seed))
              for seed in range(20)]
    assert sum(bool(result.violations) for result in firsts) == 11
    (finding,) = next(result for result in firsts if result.violations).violations
    assert finding.trace.final == (2, 2) and finding.trace.actions == (Rare(), Rare())


class Narrow(Grid):
    """The grid within x ≤ 2: a step right from x = 2 leaves the bounds."""

    def within_bounds(self, state):
        return state[0] <= 2

    @invariant("Left Of Three")
    def left_of_three(self, state):
        return state[0] < 3


def test_a_step_leaving_the_bounds_is_checked_and_not_taken():
    model = Narrow(side=4)
    result = simulate(model, CheckConfig(properties=("corner",)),
                      Walks(behaviours=200, depth=50, seed=3))
    # behaviours go on inside the bounds, up to (2, 4), where the only step
    # leaves them: a bound stop; (3, y) is met and checked, never walked from
    # nor counted, as in a search (which counts the same 15 states)
    assert result.stats.distinct_states == 3 * 5
    assert check(model, CheckConfig(properties=("corner",))).stats.distinct_states == 15
    assert result.stats.depth == 6 and result.stats.bound_stops == 200
    assert result.bound_stop.trace.final == (2, 4) and result.bound_stop.reason == (
        "every step from here leaves the bounds (within_bounds)")
    result = simulate(model, CheckConfig(properties=("left_of_three",)),
                      Walks(behaviours=200, depth=50, seed=3))
    (finding,) = result.violations
    assert finding.trace.final == (3, 1) and _is_run(model, finding.trace)
    assert len(finding.trace) == 4


def _figures(result):
    stats = result.stats
    return (stats.distinct_states, stats.generated_states, stats.depth, stats.actions,
            stats.new_states, stats.bound_stops, stats.walked)


def _findings(result):
    return (result.verdict, result.violations, result.witnesses, result.bound_stop)


@needs_fork
@pytest.mark.parametrize("processes", [2, 3])
def test_processes_share_the_behaviours_and_find_what_one_process_finds(processes):
    model = AssertingGrid(side=6, bad=((2, 1),))
    walks = Walks(behaviours=400, depth=50, seed=7)
    for config in (CheckConfig(keep_going=True, deadlock=True), CheckConfig(deadlock=True),
                   CheckConfig(properties=("corner",))):
        one = simulate(model, config, walks)
        shared = simulate(model, dataclasses.replace(config, workers=processes), walks)
        assert shared.stats.workers == processes and one.stats.workers == 1
        assert _findings(shared) == _findings(one)
        assert _figures(shared) == _figures(one)
    # stopped at the first violation, as one process stops: what lies past
    # the lowest behaviour that broke a property is left out
    first = simulate(model, CheckConfig(deadlock=True), walks)
    assert [f.property.name for f in first.violations] == ["small_sum"]


#: Specs drawn by one process and by several, with seeds, and the
#: behaviours one process draws of 300 without going on: two mutants
#: stopped early, one after a hundred behaviours (most of them bound
#: stops), and specs that hold, every behaviour a bound stop
SHARED = [("paxos-mutant-no-adopt", {1: 8, 2: 18, 3: 6}),
          ("paxos-textbook-mutant-no-adopt", {1: 40, 2: 10}),
          ("raft-membership-direct", {2: 105, 3: 300}),
          ("raft-2s", {1: 300, 2: 300})]


def _drawn_alike(name: str, seeds: Iterable[int], keep_going: bool,
                 processes: Iterable[int]) -> list[int]:
    """Draw 300 behaviours of the spec `name` with each seed in one process,
    then in each of `processes`, and check that every figure and finding
    is the same; the behaviours one process drew, by seed."""
    spec = load_specs([f"specs/{name}.yaml"], REGISTRY)[0]
    model = spec.build()
    config = dataclasses.replace(spec.config(), symmetry=False, keep_going=keep_going)
    behaviours = []
    for seed in seeds:
        walks = Walks(behaviours=300, depth=100, seed=seed)
        one = simulate(model, dataclasses.replace(config, workers=1), walks)
        for count in processes:
            shared = simulate(model, dataclasses.replace(config, workers=count), walks)
            assert shared.stats.workers == count
            assert (_figures(shared), _findings(shared), shared.stopped_by) == (
                _figures(one), _findings(one), one.stopped_by)
        behaviours.append(one.stats.walked.behaviours)
    return behaviours


@needs_fork
@pytest.mark.parametrize("name, drawn", [  # (raft-membership-direct's 1.2 s slow)
    pytest.param(name, drawn, id=name,
                 marks=[pytest.mark.slow] * (name == "raft-membership-direct"))
    for name, drawn in SHARED])
def test_several_processes_report_exactly_the_figures_of_one(name, drawn):
    # processes that drew past the lowest violation before they learnt of
    # it once added what they drew there, each run its own figures: each
    # draw is repeated for such a race to show
    assert _drawn_alike(name, drawn, False, (2, 3, 2)) == list(drawn.values())


@needs_fork
@pytest.mark.slow
@pytest.mark.parametrize("name, drawn", SHARED, ids=[name for name, _ in SHARED])
def test_several_processes_going_on_or_not_report_the_figures_of_one(name, drawn):
    assert _drawn_alike(name, drawn, True, (2, 3)) == [300] * len(drawn)
    assert _drawn_alike(name, drawn, False, (2, 3) * 4) == list(drawn.values())


@needs_fork
@pytest.mark.parametrize("name, seed", [("raft-2s", 1), ("raft-membership-direct", 2)])
def test_at_the_time_limit_processes_report_the_figures_of_one_drawing_as_many(name, seed):
    # each process stopping at its own time would leave behaviours undrawn
    # below others drawn: they draw up to the highest one began, and the
    # figures are those of one process drawing as many, exactly
    spec = load_specs([f"specs/{name}.yaml"], REGISTRY)[0]
    model = spec.build()
    config = dataclasses.replace(spec.config(), symmetry=False, time_limit=0.3, workers=2)
    timed = simulate(model, config, Walks(behaviours=None, depth=100, seed=seed))
    behaviours = timed.stats.walked.behaviours
    one = simulate(model, dataclasses.replace(config, time_limit=None, workers=1),
                   Walks(behaviours=behaviours, depth=100, seed=seed))
    assert (_figures(timed), _findings(timed), timed.stopped_by) == (
        _figures(one), _findings(one), one.stopped_by)


@needs_fork
def test_a_process_s_error_is_the_run_s():
    with pytest.raises(ModelDefinitionError,
                       match=r"successors\(\) raised KeyError: 'two' at tests/checker/"
                             r"test_simulation.py:\d+, in successors; fix the model"):
        simulate(Raising(), CheckConfig(properties=(), workers=2),
                 Walks(behaviours=200, depth=20, seed=0))


def test_what_processes_drew_is_put_together_as_one_process_would_have_drawn_it():
    from checker.simulation import _NONE, _Counts, _Drawn, _merge

    def finding(name):
        return Finding(Property(name, name.title(), "invariant", ""), None)

    def counts(behaviours, steps, longest, stops, adds):
        return _Counts(behaviours, steps, 3 * steps, stops, longest, {"Add": adds, "Reset": 0})

    # process 0 drew 0, 2 and 4, which broke "a", and stopped at 6; process 1
    # drew 1, 3 and 5, which broke "b" (past 4: left out) and where it learnt
    # of 4, and stopped at 7: its counts as they stand hold 5 (left out)
    one = _Drawn(violations={"a": (4, finding("a"))}, witnesses={"w": (4, finding("w"))},
                 bound_stop=(2, finding("stop")), seen={"s": (4, "Add"), "t": (-1, None)},
                 generated=30, steps=10, behaviours=3, longest=4, bound_stops=2,
                 marks=[(0, counts(1, 2, 2, 0, 6)), (2, counts(2, 6, 4, 1, 18)),
                        (4, counts(3, 10, 4, 2, 30))], reached=6)
    two = _Drawn(violations={"b": (5, finding("b"))}, witnesses={"w": (1, finding("w"))},
                 bound_stop=(3, finding("stop")),
                 seen={"s": (3, "Reset"), "t": (-1, None), "u": (5, "Add")},
                 generated=60, steps=20, behaviours=3, longest=9, bound_stops=3,
                 marks=[(1, counts(1, 5, 5, 1, 15)), (3, counts(2, 11, 6, 2, 33)),
                        (5, counts(3, 20, 9, 3, 60))], reached=7)
    for parts in ([one, two], [two, one]):
        stopped = _merge(parts, keep_going=False)
        assert {name: b for name, (b, _) in stopped.violations.items()} == {"a": 4}
        assert stopped.witnesses["w"][0] == 1 and stopped.bound_stop[0] == 2
        assert stopped.seen == {"s": (3, "Reset"), "t": (-1, None)}
        # behaviours 0 to 4: process 0's counts after 4, process 1's after 3
        assert (stopped.behaviours, stopped.steps, stopped.generated, stopped.longest,
                stopped.bound_stops, stopped.actions) == (
            5, 21, 63, 6, 4, {"Add": 63, "Reset": 0})
    # going on, each drew all it was given: every behaviour, every finding
    one.reached = two.reached = _NONE
    going = _merge([one, two], keep_going=True)
    assert {name: b for name, (b, _) in going.violations.items()} == {"a": 4, "b": 5}
    assert going.seen == {"s": (3, "Reset"), "t": (-1, None), "u": (5, "Add")}
    assert (going.behaviours, going.steps, going.generated, going.longest,
            going.bound_stops) == (6, 30, 90, 9, 5)
    # interrupted in behaviour 3 (process 1): the figures are those of 0 to
    # 2, drawn whole; what was found past them is kept, being real
    two.reached = 3
    cut = _merge([one, two], keep_going=True)
    assert {name: b for name, (b, _) in cut.violations.items()} == {"a": 4, "b": 5}
    assert cut.seen == {"t": (-1, None)}
    assert (cut.behaviours, cut.steps, cut.generated, cut.longest, cut.bound_stops) == (
        3, 11, 33, 5, 2)
    # interrupted before behaviour 0: no figure but the initial states'
    one.reached = 0
    assert _merge([one, two], keep_going=True).behaviours == 0


def test_a_finding_s_run_skips_what_the_model_lets_it_skip():
    from checker.result import Trace
    from checker.simulation import _Shortcuts

    model = Ring(size=9)
    walked = [Step(None, 0)] + [Step(Add(1), k) for k in range(1, 6)]
    finding = Finding(model.properties["not_five"], Trace(tuple(walked)), "the counter is 5")
    shorter = _Shortcuts(model)(finding)
    assert [(s.action, s.state) for s in shorter.trace.steps] == [
        (None, 0), (Add(1), 1), (Add(2), 3), (Add(2), 5)]
    assert shorter.reason == "the counter is 5" and _is_run(model, shorter.trace)
    # a step property's finding is its last step: that step stays
    step = Property("back", "Back", "transition", "")
    finding = Finding(step, Trace(tuple(walked[:4]) + (Step(Reset(), 0),)))
    assert [(s.action, s.state) for s in _Shortcuts(model)(finding).trace.steps] == [
        (None, 0), (Add(1), 1), (Add(2), 3), (Reset(), 0)]


def test_coverage_lists_actions_in_the_model_s_order_as_a_search_does():
    from tests.toys import DieHard

    model = DieHard()
    drawn = simulate(model, CheckConfig(properties=()), Walks(behaviours=5, depth=5, seed=1))
    searched = check(model, CheckConfig(properties=()))
    assert list(drawn.stats.actions) == list(searched.stats.actions) == [
        kind.__name__ for kind in model.actions]
    assert list(drawn.stats.actions) != sorted(drawn.stats.actions)
