"""Deadlocks, runs stopped by a bound, temporal properties under fairness
and their lasso counterexamples."""

from __future__ import annotations

import re
from typing import NamedTuple

import pytest

import checker
from checker import Model, Param, invariant
from checker.fairness import Fairness
from checker.result import CheckConfig
from tests.checker.lasso_fairness import unfair_to
from tests.spec_runs import checked_spec, view


class Down(NamedTuple):
    by: int


class Countdown(Model):
    """From `start`, count down by 1 or 2 to 0, where nothing is enabled."""

    name = "countdown"
    params = (Param("start", 5, "where the count starts"),
              Param("explained", 0, "1: the model names the bound at 0"))
    actions = (Down,)

    def initial_states(self):
        return [self.start]

    def successors(self, state):
        return [(Down(by), state - by) for by in (1, 2) if state - by >= 0]

    def bound_reason(self, state):
        return f"start = {self.start} ran out" if self.explained and state == 0 else None

    @invariant("Never Negative")
    def never_negative(self, state):
        return state >= 0


class Up(NamedTuple):
    pass


class Climb(Model):
    """Counts up from 0 for ever; the state constraint keeps it at most `top`."""

    name = "climb"
    params = (Param("top", 3, "the state constraint"),)
    actions = (Up,)

    def initial_states(self):
        return [0]

    def successors(self, state):
        return [(Up(), state + 1)]

    def within_bounds(self, state):
        return state <= self.top


# -- deadlock ----------------------------------------------------------------------


def test_a_state_with_no_successor_is_a_deadlock_with_its_shortest_trace():
    result = checker.check(Countdown(start=5), CheckConfig(deadlock=True))
    assert result.verdict == "violated"
    finding = result.violation("deadlock")
    assert finding.property.title == "Deadlock"
    assert finding.reason == "no action is enabled and no bound explains why"
    assert [str(a) for a in finding.trace.actions] == ["Down(by=1)", "Down(by=2)",
                                                       "Down(by=2)"]
    assert finding.trace.final == 0
    assert [p.name for p in result.properties] == ["never_negative", "deadlock"]


def test_without_the_deadlock_check_the_same_run_holds_and_lists_no_deadlock():
    result = checker.check(Countdown(start=5), CheckConfig())
    assert result.verdict == "holds"
    assert [p.name for p in result.properties] == ["never_negative"]
    assert result.stats.bound_stops == 0


def test_a_stop_the_model_explains_by_a_bound_is_no_deadlock_and_is_counted():
    result = checker.check(Countdown(start=5, explained=1), CheckConfig(deadlock=True))
    assert result.verdict == "holds"
    assert [p.name for p in result.properties] == ["never_negative"]
    assert result.stats.bound_stops == 1
    assert result.bound_stop.reason == "start = 5 ran out"
    assert len(result.bound_stop.trace) == 3 and result.bound_stop.trace.final == 0


def test_a_state_whose_every_step_leaves_the_bounds_is_a_bound_stop():
    result = checker.check(Climb(top=3), CheckConfig(deadlock=True))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 4
    assert result.stats.bound_stops == 1
    assert result.bound_stop.reason == "every step from here leaves the bounds (within_bounds)"
    assert result.bound_stop.trace.final == 3 and len(result.bound_stop.trace) == 3


def test_a_spec_whose_model_stops_by_design_says_deadlock_false():
    loaded, _, result = checked_spec("paxos-textbook-mutant-non-intersecting-quorums.yaml")
    assert loaded.deadlock is False
    assert result.violations[0].property.name == "agreement"


@pytest.mark.parametrize("spec, distinct, stops, length, reason", [
    ("paxos-3a-2v-2b.yaml", 3921, 368, 8, "every ballot 0..1 has begun (ballots = 2)"),
    ("paxos-3a-2v-2b-symmetry.yaml", 443, 46, 8,
     "every ballot 0..1 has begun (ballots = 2)"),
    ("raft-2s.yaml", 1645, 13, 4, "every step from here leaves the bounds (within_bounds)"),
])
def test_bundled_specs_stop_at_their_bounds_and_never_deadlock(spec, distinct, stops, length,
                                                               reason):
    loaded, _, result = checked_spec(spec)
    assert loaded.deadlock is True
    assert result.verdict == "holds"
    assert result.stats.distinct_states == distinct
    assert result.stats.bound_stops == stops
    assert len(result.bound_stop.trace) == length
    assert result.bound_stop.reason == reason


# -- temporal properties under fairness ---------------------------------------------


class Work(NamedTuple):
    pass


class Idle(NamedTuple):
    pass


class Finish(NamedTuple):
    pass


class Chores(Model):
    """0 -Work-> 1 -Work-> 2 -Finish-> 3 (done, nothing enabled); 1 and 2
    can also Idle back to 1: a loop that never finishes unless Finish is
    fair. `stuck`: state 2 cannot Finish (a livelock nothing rescues)."""

    name = "chores"
    params = (Param("stuck", 0, "1: Finish is never enabled"),)
    actions = (Work, Idle, Finish)

    def initial_states(self):
        return [0]

    def successors(self, state):
        steps = []
        if state in (0, 1):
            steps.append((Work(), state + 1))
        if state in (1, 2):
            steps.append((Idle(), 1))
        if state == 2 and not self.stuck:
            steps.append((Finish(), 3))
        return steps

    def bound_reason(self, state):
        return None

    @checker.eventually("Done")
    def done(self, state):
        return state == 3

    @checker.eventually("Never Done", witness=True)
    def never_done(self, state):
        return state == 3

    @checker.leads_to("Work Gets Done")
    def work_gets_done(self, state):
        return state == 1, state == 3

    @checker.always_eventually("Back At One")
    def back_at_one(self, state):
        return state == 1


def _lasso(finding):
    return ([str(a) for a in finding.trace.actions], finding.stem_length, finding.loop_length)


def test_without_fairness_stuttering_at_the_start_breaks_eventually():
    result = checker.check(Chores(), CheckConfig(properties=("done",)))
    assert result.verdict == "violated"
    assert _lasso(result.violation("done")) == ([], 0, 0)


def test_weak_fairness_to_work_leaves_the_idle_loop_as_the_counterexample():
    # Idling in 1 alone is unfair (Work stays enabled); the loop passes 2,
    # where Work is disabled.
    result = checker.check(Chores(), CheckConfig(properties=("done",),
                                                 fairness=(("weak", "Work"),)))
    assert _lasso(result.violation("done")) == (["Work()", "Work()", "Idle()"], 1, 2)
    assert result.violation("done").reason == "a fair behaviour never reaches Done"


def test_weak_fairness_to_finish_is_not_enough_as_finish_is_disabled_in_the_loop():
    fairness = (("weak", "Work"), ("weak", "Finish"))
    result = checker.check(Chores(), CheckConfig(properties=("done",), fairness=fairness))
    assert _lasso(result.violation("done")) == (["Work()", "Work()", "Idle()"], 1, 2)


def test_strong_fairness_to_finish_makes_done_hold():
    fairness = (("weak", "Work"), ("strong", "Finish"))
    result = checker.check(Chores(), CheckConfig(properties=("done", "work_gets_done"),
                                                 fairness=fairness))
    assert result.verdict == "holds", result.violations
    assert result.stats.graph_states == 4


def test_a_livelock_no_fairness_rescues_is_a_loop_through_the_work():
    fairness = (("weak", "Work"), ("strong", "Finish"))
    result = checker.check(Chores(stuck=1), CheckConfig(properties=("done",),
                                                        fairness=fairness))
    assert _lasso(result.violation("done")) == (["Work()", "Work()", "Idle()"], 1, 2)


def test_a_run_of_temporal_properties_alone_counts_the_initial_state_as_generated():
    # 0 -Work-> 1; 1 -Work-> 2 and -Idle-> 1; 2 -Idle-> 1 and -Finish-> 3:
    # five steps and the initial state, as the safety run and TLC count
    result = checker.check(Chores(), CheckConfig(properties=("done",)))
    assert (result.stats.generated_states, result.stats.distinct_states) == (6, 4)


def test_leads_to_and_always_eventually():
    fairness = (("weak", "Work"),)
    result = checker.check(Chores(), CheckConfig(
        properties=("work_gets_done", "back_at_one"), fairness=fairness, keep_going=True))
    assert _lasso(result.violation("work_gets_done")) == (["Work()", "Work()", "Idle()"], 1, 2)
    # stuttering in 2 for ever is fair (Work is disabled there): 1 never again
    assert _lasso(result.violation("back_at_one")) == (["Work()", "Work()"], 2, 0)


def test_a_witness_property_returns_its_lasso_as_a_witness():
    result = checker.check(Chores(), CheckConfig(properties=("never_done",),
                                                 fairness=(("weak", "Work"),)))
    assert result.verdict == "holds"
    assert _lasso(result.witness("never_done")) == (["Work()", "Work()", "Idle()"], 1, 2)
    fair = (("weak", "Work"), ("strong", "Finish"))
    result = checker.check(Chores(), CheckConfig(properties=("never_done",), fairness=fair))
    assert result.verdict == "violated"
    assert result.violation("never_done").reason == "every fair behaviour reaches Never Done"


def test_temporal_properties_alone_still_get_the_deadlock_check():
    # As TLC checks deadlock in a run of PROPERTY alone: Finish ends in 3,
    # where nothing is enabled; the temporal property is then not settled
    fair = (("weak", "Work"), ("strong", "Finish"))
    result = checker.check(Chores(), CheckConfig(properties=("done",), fairness=fair,
                                                 deadlock=True))
    assert result.verdict == "violated"
    assert [str(a) for a in result.violation("deadlock").trace.actions] == [
        "Work()", "Work()", "Finish()"]
    assert [o.outcome for o in result.outcomes()] == ["violated", "not settled"]


class Lap(NamedTuple):
    pass


class Runway(Model):
    """0 -> 1 -> ... -> 5, then 5 -> 4 -> 5 for ever (`laps`: each state's
    one successor): P (at most 3) holds on the runway, never in the loop."""

    name = "runway"
    actions = (Lap,)
    laps = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 4}

    def initial_states(self):
        return [0]

    def successors(self, state):
        return [(Lap(), self.laps[state])]

    @checker.always_eventually("Low Again")
    def low_again(self, state):
        return state <= 3

    @checker.reachable("Ten")
    def ten(self, state):
        return state == 10


@pytest.mark.parametrize("max_depth, outcome", [
    (None, "violated"), (10, "violated"),
    # every state lies within the bound (5 steps 4 again): it bounds nothing
    (5, "violated"),
    # the loop lies beyond the bound: finding no lasso within it proves nothing
    (3, "not settled")])
def test_a_depth_bound_that_leaves_states_unexplored_settles_no_temporal_property(
        max_depth, outcome):
    result = checker.check(Runway(), CheckConfig(properties=("low_again",), max_depth=max_depth,
                                                 fairness=(("weak", "Lap"),)))
    [found] = result.outcomes()
    assert found.outcome == outcome
    assert result.verdict == ("violated" if outcome == "violated" else "incomplete")
    if outcome == "violated":
        assert _lasso(found.finding)[1:] == (4, 2)


def test_a_reachable_property_never_reached_leaves_the_temporal_ones_checked():
    # The run was complete; its only violation has no trace, so the
    # temporal property is checked (it was once reported holding unchecked)
    result = checker.check(Runway(), CheckConfig(properties=("ten", "low_again"),
                                                 fairness=(("weak", "Lap"),)))
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("ten", "violated"), ("low_again", "violated")]
    assert _lasso(result.violation("low_again"))[1:] == (4, 2)


class Flicker(Runway):
    """0 -> 1 -> 2 -> 1 -> 2 ... for ever."""

    name = "flicker"
    laps = {0: 1, 1: 2, 2: 1}

    @checker.eventually_always("Not One")
    def not_one(self, state):
        return state != 1

    @checker.eventually_always("Positive")
    def positive(self, state):
        return state > 0

    @checker.eventually_always("Not One", witness=True)
    def one_again_and_again(self, state):
        return state != 1


def test_eventually_always_fails_on_a_loop_that_leaves_it_and_holds_once_it_is_kept():
    # TLC 2.15 on the same module under WF_x(Next): <>[](x # 1) violated,
    # <>[](x > 0) no error
    result = checker.check(Flicker(), CheckConfig(
        properties=("not_one", "positive", "one_again_and_again"),
        fairness=(("weak", "Lap"),), keep_going=True))
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("not_one", "violated"), ("positive", "holds"), ("one_again_and_again", "witnessed")]
    finding = result.violation("not_one")
    assert _lasso(finding) == (["Lap()", "Lap()", "Lap()"], 1, 2)
    assert finding.trace.steps[finding.loop_start].state == 1  # the loop passes where P fails
    assert finding.reason == "a fair behaviour leaves Not One again and again"
    # without fairness a behaviour may stutter at 0 for ever, never positive
    unfair = checker.check(Flicker(), CheckConfig(properties=("positive",)))
    assert _lasso(unfair.violation("positive")) == ([], 0, 0)


class Miswritten(Chores):
    @checker.leads_to("Single")
    def single(self, state):
        return state == 1  # not a pair

    @checker.eventually("Raises")
    def raises(self, state):
        return 1 // (2 - state) == 0


@pytest.mark.parametrize("prop, message", [
    ("single", "model 'chores': property 'single' is a leads_to property: return a pair "
               "(p, q), for whenever p, later q; got False"),
    ("raises", "model 'chores': property 'raises' raised ZeroDivisionError: integer division "
               "or modulo by zero at {path}:{line}, in raises; fix "
               "the model"),
])
def test_a_temporal_property_that_raises_or_returns_no_pair_is_one_line(prop, message):
    import inspect
    import os
    line = inspect.getsourcelines(Miswritten.raises)[1] + 2
    with pytest.raises(checker.CheckerError) as error:
        checker.check(Miswritten(), CheckConfig(properties=(prop,)))
    path = os.path.relpath(__file__)  # (said whole from outside its folder)
    path = __file__ if path.startswith(os.pardir) else path
    assert str(error.value) == message.format(path=path, line=line)


@pytest.mark.parametrize("stop, why", [(KeyboardInterrupt, "interrupted"),
                                       ("time", "time_limit"), ("memory", "memory_limit"),
                                       (MemoryError, "memory")])
def test_a_stop_while_the_graph_is_searched_keeps_what_the_safety_run_settled(
        monkeypatch, stop, why):
    # Nothing computed is lost: the safety part was complete, so Never
    # Negative holds; the temporal property is not settled, and says why
    from checker import lassos, liveness

    class WithInvariant(Chores):
        @invariant("Small")
        def small(self, state):
            return state < 10

    def stopped(self):
        if stop == "time":
            liveness._Limits(0.0, None).check()  # a deadline long past
        if stop == "memory":
            liveness._Limits(None, 1).check()  # more than a byte held
        raise stop

    monkeypatch.setattr(lassos.Lassos, "find", stopped)
    result = checker.check(WithInvariant(), CheckConfig(
        properties=("small", "done"), fairness=(("weak", "Work"),), time_limit=60))
    assert (result.verdict, result.stopped_by, result.stats.distinct_states) == (
        "incomplete", why, 4)
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("small", "holds"), ("done", "not settled")]
    # where the depth bound had cut the safety run short, nothing is settled
    cut = checker.check(WithInvariant(), CheckConfig(
        properties=("small", "done"), fairness=(("weak", "Work"),), max_depth=1))
    assert [o.outcome for o in cut.outcomes()] == ["not settled", "not settled"]


def test_the_time_left_by_the_safety_run_and_the_memory_limit_bound_the_graph(monkeypatch):
    from checker import behaviour_graph

    limits = []
    original = behaviour_graph.Graph.__init__

    def recording(self, model, config, fairness, properties, given=None, **rest):
        limits.append(given)
        original(self, model, config, fairness, properties, given, **rest)

    monkeypatch.setattr(behaviour_graph.Graph, "__init__", recording)
    checker.check(Chores(), CheckConfig(properties=("done",), time_limit=60,
                                        memory_limit=2**40))
    checker.check(Chores(), CheckConfig(properties=("done",)))
    import time
    assert 55 < limits[0].deadline - time.monotonic() <= 60
    assert limits[0].memory_limit == 2**40
    assert (limits[1].deadline, limits[1].memory_limit) == (None, None)


class Climbing(Climb):
    @checker.eventually("Past The Top")
    def past_the_top(self, state):
        return state > self.top


def test_a_lasso_that_only_stalls_at_a_bound_settles_nothing():
    result = checker.check(Climbing(top=3), CheckConfig(properties=("past_the_top",),
                                                        fairness=(("weak", "Up"),)))
    assert result.verdict == "incomplete"
    finding = result.violation("past_the_top")
    assert _lasso(finding) == (["Up()", "Up()", "Up()"], 3, 0)
    assert finding.bound == "every step from here leaves the bounds (within_bounds)"
    assert finding.reason == ("a fair behaviour never reaches Past The Top, but only because "
                              "it stalls at a bound: every step from here leaves the bounds "
                              "(within_bounds)")
    [outcome] = result.outcomes()
    assert outcome.outcome == "not settled"


def test_symmetry_checks_temporal_properties_on_orbits():
    # (tests/checker/test_liveness_symmetry.py has the rest: lassos unrolled,
    # replayed, and what is refused)
    from models import REGISTRY
    found = {}
    for symmetry in (("acceptors",), ()):
        result = checker.check(REGISTRY["paxos"](), CheckConfig(properties=("termination",),
                                                                symmetry=symmetry))
        finding = result.violation("termination")
        found[symmetry] = (result.verdict, result.stats.graph_states, len(finding.trace),
                           finding.loop_start, finding.reason)
    # no fairness: the initial state stutters for ever, on 857 orbits as on 3,921 states
    assert found[("acceptors",)] == (
        "violated", 857, 0, 0, "a fair behaviour never reaches Termination")
    assert found[()] == ("violated", 3921) + found[("acceptors",)][2:]


def test_an_unknown_fairness_family_is_refused_with_the_actions_named():
    with pytest.raises(checker.CheckerError, match=r"'Wrok' is not an action family.*"
                                                    r"Finish, Idle, Work"):
        checker.check(Chores(), CheckConfig(properties=("done",), fairness=(("weak", "Wrok"),)))


class Env(NamedTuple):
    pass


class A(NamedTuple):
    pass


class B(NamedTuple):
    pass


class Toggle(Model):
    """x flips between 0 and 1 for ever (Env) until A (at 0) or B (at 1)
    ends it: A or B is always enabled, neither continuously."""

    name = "toggle"
    actions = (Env, A, B)

    def initial_states(self):
        return [(0, False)]

    def successors(self, state):
        x, done = state
        if not done:
            yield Env(), (1 - x, False)
            yield (A() if x == 0 else B()), (x, True)

    @checker.eventually("Done")
    def done(self, state):
        return state[1]


@pytest.mark.parametrize("fairness, lasso", [
    # TLC 2.15 on the same module: WF_vars(A \/ B) no error; WF_vars(A) /\
    # WF_vars(B) violated, Env for ever; WF_vars(Next) violated likewise
    ((("weak", "A | B"),), None),
    ((("weak", "A"), ("weak", "B")), (["Env()", "Env()"], 0, 2)),
    ((("weak", "*"),), (["Env()", "Env()"], 0, 2)),
])
def test_fairness_to_actions_together_is_fairness_to_their_disjunction(fairness, lasso):
    result = checker.check(Toggle(), CheckConfig(properties=("done",), fairness=fairness))
    assert result.verdict == ("holds" if lasso is None else "violated")
    if lasso is not None:
        assert _lasso(result.violation("done")) == lasso


class Undeclared(Toggle):
    """Toggle without its actions declared: names are checked on its steps."""

    actions = ()


def test_a_family_naming_no_step_of_a_model_without_declared_actions_is_refused():
    # else WF on a misspelt (or a str action's) name constrains nothing, silently
    with pytest.raises(checker.CheckerError) as error:
        checker.check(Undeclared(), CheckConfig(properties=("done",),
                                                fairness=(("weak", "A | Bb"),)))
    assert str(error.value) == (
        "<spec>: fairness.weak[0]: 'Bb' is the name of no step of the reachable states "
        "(theirs: A, B, Env); "
        "give an action's class name, or declare the model's actions (actions = (...)) to "
        "have names checked when the spec loads")
    assert checker.check(Undeclared(), CheckConfig(
        properties=("done",), fairness=(("weak", "A | B"),))).verdict == "holds"


class Go(NamedTuple):
    p: int


class Back(NamedTuple):
    p: int


class Processes(Model):
    """Two processes, each going from a to b (Go) and back (Back) for ever."""

    name = "processes"
    actions = (Go, Back)

    def initial_states(self):
        return [("a", "a")]

    def successors(self, state):
        for p, pc in enumerate(state):
            step = Go(p) if pc == "a" else Back(p)
            yield step, state[:p] + ("b" if pc == "a" else "a",) + state[p + 1:]

    @checker.eventually("Process 1 Moves")
    def one_moves(self, state):
        return state[1] == "b"


def test_a_field_given_star_makes_one_condition_for_each_of_its_values():
    # \A p : WF_vars(Go(p) \/ Back(p)), as PlusCal's fair process: each
    # process moves; one condition over all of them lets process 0 alone
    # move. TLC 2.15 on the same module: no error; violated, Go then Back.
    each = checker.check(Processes(), CheckConfig(
        properties=("one_moves",), fairness=(("weak", "Go(p=*) | Back(p=*)"),)))
    assert each.verdict == "holds"
    together = checker.check(Processes(), CheckConfig(
        properties=("one_moves",), fairness=(("weak", "Go | Back"),)))
    assert _lasso(together.violation("one_moves")) == (["Go(p=0)", "Back(p=0)"], 0, 2)
    fairness = Fairness(Processes(), (("weak", "Go(p=*) | Back(p=*)"), ("strong", "Go(p=1)")))
    assert fairness.mask(Go(0)) == fairness.mask(Back(0)) == 0b1
    assert fairness.mask(Go(1)) == 0b110 and fairness.mask(Back(1)) == 0b10
    assert fairness.labels == ["weak fairness to Go(p=0) | Back(p=0)",
                               "weak fairness to Go(p=1) | Back(p=1)",
                               "strong fairness to Go(p=1)"]
    assert (fairness.weak, fairness.strong) == (0b11, 0b100)


class Move(NamedTuple):
    who: tuple[int, int]      # (round, process), as a ballot
    quorum: frozenset[int]


class Ballots(Processes):
    """Processes whose steps carry a tuple and a set, as ballots and quorums do."""

    actions = (Move,)

    def successors(self, state):
        for (_, after), p in zip(super().successors(state), range(2)):
            yield Move((0, p), frozenset({p})), after


@pytest.mark.parametrize("family, verdict", [
    ("Move(who=(0, 1))", "holds"),
    ("Move(who=(0,1))", "holds"),           # spaces are not part of a value
    ("Move(quorum=frozenset({1}))", "holds"),
    ("Move(who=(0, 0))", "violated"),       # process 1 may stay for ever
])
def test_a_family_gives_a_tuple_or_a_set_as_the_step_prints_it(family, verdict):
    result = checker.check(Ballots(), CheckConfig(properties=("one_moves",),
                                                  fairness=(("weak", family),)))
    assert result.verdict == verdict


class EachProcess(Processes):
    """Processes with properties of each process (``\\A p : <>(pc[p] = b)``)."""

    @checker.eventually("Moves", each="process")
    def moves(self, state):
        return {f"p{p}": pc == "b" for p, pc in enumerate(state)}

    @checker.eventually("Stays", each="process", witness=True)
    def stays(self, state):
        return {f"p{p}": pc == "b" for p, pc in enumerate(state)}

    @checker.eventually("Named anew", each="process")
    def unsteady(self, state):
        return {f"p{p}{pc}": True for p, pc in enumerate(state)}


def test_a_property_of_each_process_is_checked_for_each_apart():
    # \A p : <>(pc[p] = "b"): holds with each process fair; with the two
    # fair together (one condition), one process may move alone for ever
    # and the other never: the counterexample is of the first member that
    # fails, in the dict's order, p0 (p1 moving alone)
    each = checker.check(EachProcess(), CheckConfig(
        properties=("moves", "stays"), fairness=(("weak", "Go(p=*) | Back(p=*)"),)))
    assert each.verdict == "violated"  # the witness: no process stays for ever
    assert each.violation("moves") is None
    assert each.violation("stays").reason == (
        "for every process, every fair behaviour reaches Stays")
    together = checker.check(EachProcess(), CheckConfig(
        properties=("moves", "stays"), fairness=(("weak", "Go | Back"),)))
    moves = together.violation("moves")
    assert moves.reason == "for process p0, a fair behaviour never reaches Moves"
    assert _lasso(moves) == (["Go(p=1)", "Back(p=1)"], 0, 2)
    assert together.witness("stays").reason == (
        "for process p0, some fair behaviour never reaches Stays")


def test_a_property_of_each_process_gives_the_same_members_in_every_state():
    with pytest.raises(checker.ModelDefinitionError) as error:
        checker.check(EachProcess(), CheckConfig(properties=("unsteady",),
                                                 fairness=(("weak", "Go"),)))
    assert str(error.value) == (
        "model 'processes': property 'unsteady' is of each process: return a dict of one "
        "value per process by name, the same names in every state; got {'p0b': True, "
        "'p1a': True} where the first state gave p0a, p1a")


@pytest.mark.parametrize("family, problem", [
    ("Go | ", "'Go | ' has an empty family; join action families with | (A | B), or give * "
              "alone for every action"),
    ("Go(*) | Back", "'Go(*) | Back': (*) takes each instance of one action apart, which a "
                     "condition over several cannot; give the fields that tell instances "
                     "apart as field=* in each (Name(node=*))"),
    ("Go(p=*) | Back", "'Go(p=*) | Back': give the same fields as field=* in every family "
                       "joined by |, so that each value has one condition"),
    ("Go | *", "'Go | *' is not an action family of model 'processes'; give an action name "
               "(Back, Go), optionally with fields, e.g. Name(node=0) or Name(node=*) for "
               "each node apart, or Name(*) for each instance apart; join families with | "
               "for one condition over them all, or give * for every action"),
    ("Go(q=*)", "'Go(q=*)': Go has no field 'q'; its fields: p (as field=value)"),
    ("Go(p=)", "'Go(p=)' gives no value for the field 'p'; give field=value, or field=* for "
               "each value apart"),
    ("Go(p=*, p=1)", "'Go(p=*, p=1)' gives the field 'p' twice; give each field once"),
    ("Go(p=(1)", "'Go(p=(1)': its brackets do not balance; give fields as Name(field=value), "
                 "a value as the step prints it"),
    ("Go(p=1)(2)", "'Go(p=1)(2)' is not an action family of model 'processes'; give an "
                   "action name (Back, Go), optionally with fields, e.g. Name(node=0) or "
                   "Name(node=*) for each node apart, or Name(*) for each instance apart; "
                   "join families with | for one condition over them all, or give * for "
                   "every action"),
])
def test_a_wrong_family_over_several_actions_is_refused_with_the_fix(family, problem):
    with pytest.raises(checker.CheckerError) as error:
        checker.check(Processes(), CheckConfig(properties=("one_moves",),
                                               fairness=(("weak", family),)))
    assert str(error.value) == f"<spec>: fairness.weak[0]: {problem}"


# -- Paxos: FLP made visible --------------------------------------------------------------


def test_dueling_proposers_livelock_for_ever_under_fair_delivery():
    spec, model, result = checked_spec("paxos-liveness-dueling.yaml")
    finding = result.violation("termination")
    assert (finding.stem_length, finding.loop_length) == (4, 6)
    assert finding.bound is None
    assert [str(a) for a in finding.trace.actions] == [
        "Propose(p=0)", "Propose(p=1)",
        # each proposer's PREPARE reaches one acceptor first; p0's to a1 is
        # then below a1's promise, ignored
        "DeliverRequest(p=0, a=0)", "DeliverRequest(p=1, a=1)",
        # loop: each proposer hears its own acceptor's promise, times out short
        # of a majority and retries higher; its PREPARE reaches its own
        # acceptor first, where the other's, overtaken, is ignored
        "DeliverReply(a=0, p=0)", "Retry(p=0)", "DeliverRequest(p=0, a=0)",
        "DeliverReply(a=1, p=1)", "Retry(p=1)", "DeliverRequest(p=1, a=1)"]
    # fair: each PREPARE to the other proposer's acceptor leaves the network
    # unheard, so its delivery is disabled in a state of the loop
    assert unfair_to(model, spec.config().fairness, finding) == []
    steps = finding.trace.steps
    assert steps[-1].state == steps[finding.loop_start].state
    assert not any(step.state.chosen for step in steps)


def test_a_single_proposer_with_fair_delivery_terminates():
    _, _, result = checked_spec("paxos-liveness-single-proposer.yaml")
    assert result.verdict == "holds"
    assert [p.name for p in result.properties] == ["agreement", "termination"]
    assert result.stats.graph_states == 57


def test_without_retries_the_duel_ends_and_termination_holds():
    from models import REGISTRY
    fairness = (("weak", "Propose"), ("weak", "DeliverRequest(*)"), ("weak", "DeliverReply(*)"))
    result = checker.check(REGISTRY["paxos-liveness"](acceptors=2, proposers=2, retry=0),
                           CheckConfig(properties=("termination",), fairness=fairness))
    assert result.verdict == "holds" and result.stats.graph_states == 309


def test_without_fair_delivery_termination_fails_by_stuttering_at_the_start():
    from models import REGISTRY
    result = checker.check(REGISTRY["paxos-liveness"](acceptors=3, proposers=1),
                           CheckConfig(properties=("termination",)))
    assert _lasso(result.violation("termination")) == ([], 0, 0)


def test_the_no_adopt_mutant_breaks_agreement_of_the_liveness_model():
    _, _, result = checked_spec("paxos-liveness-mutant-no-adopt.yaml")
    assert result.violation("agreement").reason == "values 0, 1 are all chosen"
    assert len(result.violation("agreement").trace) == 14


def test_termination_of_paxos_with_two_ballots_holds_as_the_last_ballot_cannot_lose():
    _, _, result = checked_spec("paxos-termination-ballots.yaml")
    assert result.verdict == "holds"
    assert result.stats.graph_states == 3921
    # every step is kept as a link (the initial state is generated by none)
    assert result.stats.graph_edges == result.stats.generated_states - 1 == 9442


@pytest.mark.parametrize("fairness, verdict", [
    # TLC 2.15 on Paxos.tla gives the same verdicts (docs/liveness.md): no
    # error with one condition per family (WF_vars(\E a : Phase1b(a)), ...),
    # Termination violated with no fairness to Phase2b
    ((("weak", "Phase1a"), ("weak", "Phase1b"), ("weak", "Phase2a"), ("weak", "Phase2b")),
     "holds"),
    ((("weak", "Phase1a(*)"), ("weak", "Phase1b(*)"), ("weak", "Phase2a(*)")), "violated"),
])
def test_termination_of_paxos_under_other_fairness_is_tlc_s(fairness, verdict):
    from models import REGISTRY
    result = checker.check(REGISTRY["paxos"](acceptors=3, values=2, ballots=2),
                           CheckConfig(properties=("termination",), fairness=fairness))
    assert result.verdict == verdict
    if verdict == "violated":
        # the 2a of the last ballot is sent and no acceptor need ever vote
        assert _lasso(result.violation("termination")) == (
            ["Phase1a(b=0)", "Phase1a(b=1)", "Phase1b(a=0, b=1)", "Phase1b(a=1, b=1)",
             "Phase1b(a=2, b=1)", "Phase2a(b=1, v=0)"], 6, 0)


@pytest.mark.parametrize("fairness, problem", [
    ("{weak: [Propose, Delivr]}", "fairness.weak[1]: paxos-liveness has no action 'Delivr' "
                                  "(did you mean 'DeliverReply'?)"),
    ("{strong: ['Propose | Retyr']}", "fairness.strong[0]: paxos-liveness has no action "
                                      "'Retyr' (did you mean 'Retry'?)"),
])
def test_a_spec_naming_an_unknown_action_in_fairness_gets_one_exact_line(tmp_path, fairness,
                                                                         problem):
    from checker.errors import SpecError
    from checker.spec import load_spec
    from models import REGISTRY
    path = tmp_path / "spec.yaml"
    path.write_text(f"model: paxos-liveness\nproperties: [termination]\nfairness: {fairness}\n")
    with pytest.raises(SpecError) as raised:
        load_spec(path, REGISTRY)
    assert str(raised.value) == (f"{path}:3: {problem}; actions: "
                                 "Propose, Retry, DeliverRequest, DeliverReply")


CLOCK = """
from typing import NamedTuple

from checker import Model, eventually


class Tick(NamedTuple):
    pass


class Reset(NamedTuple):
    pass


class Clock(Model):
    name = "clock"
    actions = (Tick,)

    def initial_states(self):
        yield 0

    def successors(self, s):
        if s < 2:
            yield Tick(), s + 1

    @eventually("Done")
    def done(self, s):
        return s == 2


@Clock.mutant("resets", "may go back to 0 from 1, for ever")
class Resetting(Clock):
    actions = (Tick, Reset)

    def successors(self, s):
        yield from super().successors(s)
        if s == 1:
            yield Reset(), 0
"""


def test_a_spec_s_fairness_names_the_actions_its_mutant_declares(tmp_path):
    from checker.errors import SpecError
    from checker.spec import load_spec
    from models import REGISTRY
    (tmp_path / "clock.py").write_text(CLOCK)
    path = tmp_path / "spec.yaml"
    text = ("model: ./clock.py:Clock\n{}properties: [done]\ndeadlock: false\n"
            "fairness: {{weak: [Tick, Reset]}}\n")
    path.write_text(text.format("mutant: resets\n"))
    spec = load_spec(path, REGISTRY)
    result = checker.check(spec.build(), spec.config())
    # weakly fair to Tick, which the loop takes: Done is never reached
    assert _lasso(result.violation("done")) == (["Tick()", "Reset()"], 0, 2)
    path.write_text(text.format(""))  # the model itself has no Reset
    with pytest.raises(SpecError) as raised:
        load_spec(path, REGISTRY)
    assert str(raised.value) == (f"{path}:4: fairness.weak[1]: clock has no action 'Reset'; "
                                 "actions: Tick")


def test_a_spec_reads_fairness_and_deadlock_into_its_configuration():
    loaded, _, _ = checked_spec("paxos-liveness-dueling.yaml")
    config = loaded.config()
    assert config.fairness == (("weak", "Propose"), ("weak", "DeliverRequest(*)"),
                               ("weak", "DeliverReply(*)"))
    assert config.deadlock is False


# -- Raft: a leader is eventually elected ---------------------------------------------------


def test_raft_without_fairness_never_elects_by_never_timing_out():
    _, _, result = checked_spec("raft-liveness-unfair.yaml")
    finding = result.violation("eventually_leader")
    assert _lasso(finding) == ([], 0, 0)
    assert result.outcomes()[0].outcome == "holds"  # election_safety


def test_raft_under_fairness_only_stalls_where_max_term_runs_out():
    _, model, result = checked_spec("raft-liveness-fair.yaml")
    finding = result.violation("eventually_leader")
    assert result.verdict == "incomplete"
    # both candidates of term 2; s1 asks itself and the network drops it, again and
    # again: fair only because each Timeout from here leaves max_term = 2
    assert _lasso(finding) == (["Timeout(i=s1)", "Timeout(i=s2)", "RequestVote(i=s1, j=s1)",
                                "DropMessage(message=RequestVoteRequest(s1→s1, term=2, "
                                "last_log_term=0, last_log_index=0))"],
                               2, 2)
    assert finding.bound == ("weak fairness to Timeout only takes steps that leave the bounds "
                             "(within_bounds)")
    assert view(model, finding.trace.final, "s1.current_term", "s2.current_term", "s1.role",
                "s2.role") == {"s1.current_term": 2, "s2.current_term": 2,
                               "s1.role": "Candidate", "s2.role": "Candidate"}


class Wait(NamedTuple):
    pass


class Waiting(Climbing):
    """Climbing, where every state may also wait (a step to itself)."""

    actions = (Up, Wait)

    def successors(self, state):
        return [(Up(), state + 1), (Wait(), state)]


def test_a_loop_whose_fair_step_leaves_the_bounds_settles_nothing():
    # Staying at the top (waiting, a step to itself, is stuttering) is unfair
    # as Up stays enabled, but Up leads out of the bounds: what a behaviour
    # does beyond them is not known, so this is no "holds" (it was before the
    # bound was noticed).
    result = checker.check(Waiting(top=2), CheckConfig(properties=("past_the_top",),
                                                       fairness=(("weak", "Up"),)))
    assert result.verdict == "incomplete"
    finding = result.violation("past_the_top")
    assert _lasso(finding) == (["Up()", "Up()"], 2, 0)
    assert finding.bound == "every step from here leaves the bounds (within_bounds)"


class NamedTop(Climbing):
    def bound_reason(self, state):
        return f"the climb passes its top ({self.top})" if state > self.top else None


def test_a_stall_where_every_step_leaves_the_bounds_names_the_bound_as_the_model_does():
    # as the safety run names the bound stop: the bound of the first step out
    result = checker.check(NamedTop(top=2), CheckConfig(properties=("past_the_top",),
                                                        fairness=(("weak", "Up"),)))
    finding = result.violation("past_the_top")
    assert _lasso(finding) == (["Up()", "Up()"], 2, 0)
    assert finding.bound == "the climb passes its top (2)"
    assert finding.reason.endswith("it stalls at a bound: the climb passes its top (2)")
    # the properties' summary says the bound once, in the reason
    from reports.text import outcome_text
    [outcome] = result.outcomes()
    assert outcome_text(outcome) == (
        "Past The Top (past_the_top): not settled by a lasso: a stem of 2 steps, then it "
        "stutters for ever: a fair behaviour never reaches Past The Top, but only because it "
        "stalls at a bound: the climb passes its top (2)")
    assert checker.check(NamedTop(top=2), CheckConfig(
        properties=(), deadlock=True)).bound_stop.reason == "the climb passes its top (2)"


class MayWait(Waiting):
    """Waiting, where a parameter turns waiting off: the instance lists only
    the actions it can take."""

    params = Waiting.params + (Param("waits", False, "whether a climber may wait"),)

    def setup(self):
        self.actions = (Up, Wait) if self.waits else (Up,)

    def successors(self, state):
        return super().successors(state)[:1 + self.waits]


def test_fairness_to_an_action_the_instance_cannot_take_holds_as_in_tla():
    # WF(Wait) where Wait is never enabled: no constraint, and no typo either
    config = CheckConfig(properties=("past_the_top",), fairness=(("weak", "Wait"),))
    result = checker.check(MayWait(top=2), config)
    assert _lasso(result.violation("past_the_top")) == ([], 0, 0)  # Up is not fair: it stays
    from reports.text import render_stats
    assert not any("never fired" in line for line in render_stats(result))
    with pytest.raises(checker.CheckerError, match="'Walk' is not an action family"):
        checker.check(MayWait(top=2), CheckConfig(properties=("past_the_top",),
                                                  fairness=(("weak", "Walk"),)))


# -- Raft with terms renumbered, timing assumptions and no faults ----------------------------


def test_shifting_every_term_of_a_raft_state_shifts_its_successors():
    """Terms renumbered are sound because adding 1 to every term (0, "no
    entry", kept) maps a state's steps onto the shifted state's, one for
    one: checked on every state of raft-2s, faults, restarts and all."""
    from models.raft.liveness import _shift_message, _shift_server
    _, model, _ = checked_spec("raft-2s.yaml")
    network = model.network

    def up(state):
        net = network.rename(state[-1], lambda item: network.rename_component(
            item[1], lambda m: _shift_message(m, -1)))
        return tuple(_shift_server(s, -1) for s in state[:-1]) + (net,)

    states, frontier = set(model.initial_states()), list(model.initial_states())
    while frontier:
        state = frontier.pop()
        steps = model.successors(state)
        assert sorted(map(repr, (up(t) for _, t in steps))) == sorted(
            map(repr, (t for _, t in model.successors(up(state)))))
        assert [type(a) for a, _ in steps] == [type(a) for a, _ in model.successors(up(state))]
        for _, target in steps:
            if model.within_bounds(target) and target not in states:
                states.add(target)
                frontier.append(target)
    assert len(states) == 1645
    relative = type(model)(**{**model.parameters(), "terms": "relative"})
    assert relative.renumber_terms(up(up(state))) == state


def test_raft_elects_a_leader_under_the_distinguished_timeout():
    _, _, result = checked_spec("raft-liveness-distinguished.yaml")
    assert result.verdict == "holds"
    assert [p.name for p in result.properties] == ["election_safety", "eventually_leader"]
    assert result.stats.graph_states == 77


def test_raft_without_the_round_trip_times_out_before_the_votes_come_back_for_ever():
    _, model, result = checked_spec("raft-liveness-early-timeout.yaml")
    finding = result.violation("eventually_leader")
    assert finding.bound is None
    # terms read relative to the lowest: s2's UpdateTerm lowers the numbers by one
    assert _lasso(finding) == ([
        "Timeout(i=s1)", "RequestVote(i=s1, j=s2)",
        "Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, last_log_index=0))",
        # loop: s1 times out again before s2's vote comes back, which is then stale
        "Timeout(i=s1)",
        "Receive(m=RequestVoteRequest(s1→s2, term=1, last_log_term=0, last_log_index=0))",
        "Receive(m=RequestVoteResponse(s2→s1, term=1, vote_granted=True))",
        "RequestVote(i=s1, j=s2)",
        "Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, last_log_index=0))"], 3, 5)
    steps = finding.trace.steps
    assert steps[-1].state == steps[finding.loop_start].state
    # s2 took s1's term (UpdateTerm) and the lowest term reads 1, as after step 3
    assert view(model, steps[-1].state, "s1.current_term", "s2.current_term", "s1.role") == {
        "s1.current_term": 1, "s2.current_term": 1, "s1.role": "Candidate"}


def test_a_client_request_is_committed_by_a_stable_leader():
    _, _, result = checked_spec("raft-liveness-commit.yaml")
    assert result.verdict == "holds"
    assert [p.name for p in result.properties] == ["election_safety", "request_committed"]
    assert result.stats.graph_states == 34


def test_a_client_request_is_never_committed_when_the_network_drops_every_append():
    _, model, result = checked_spec("raft-liveness-commit-lossy.yaml")
    finding = result.violation("request_committed")
    assert finding.bound is None
    assert _lasso(finding)[1:] == (10, 2)
    actions = [str(a) for a in finding.trace.actions]
    assert actions[8:] == [
        "BecomeLeader(i=s1)", "ClientRequest(i=s1, v=v1)",
        # loop: the leader's AppendEntries is lost, every time
        "AppendEntries(i=s1, j=s2)",
        "DropMessage(message=AppendEntriesRequest(s1→s2, term=1, prev_log_index=0, "
        "prev_log_term=0, entries=[t1:v1], commit_index=0))"]
    assert view(model, finding.trace.final, "s1.role", "s1.log", "s2.log", "s1.commit_index") == {
        "s1.role": "Leader", "s1.log": ["t1:v1"], "s2.log": [], "s1.commit_index": 0}


def test_relative_terms_refuse_an_init_block_and_timeouts_name_existing_servers():
    from models import REGISTRY
    with pytest.raises(checker.ParamError, match="relative terms forget"):
        REGISTRY["raft"](terms="relative", init={"s1": {"current_term": 2}})
    with pytest.raises(checker.ParamError, match="names a server above s2"):
        REGISTRY["raft"](timeouts={"servers": [3]})


def test_without_faults_raft_has_no_restart_drop_or_duplicate():
    from models import REGISTRY
    names = [kind.__name__ for kind in REGISTRY["raft"](faults=False, max_msgs=2).actions]
    assert not {"Restart", "DropMessage", "DuplicateMessage"} & set(names)


def _timer_steps(actions) -> list[tuple[str, int]]:
    """The Timeout and BecomeLeader steps of `actions`, by name and server
    (read from the records, not from how they print)."""
    return [(type(a).__name__, a.i) for a in actions
            if type(a).__name__ in ("Timeout", "BecomeLeader")]


def test_a_split_vote_repeats_for_ever_when_two_timers_fire_together():
    """The five-node exercise (A..E as s1..s5, numbered 0..4 in records): E
    cut off for good, B and C time out into one term, A and D split."""
    _, model, result = checked_spec("raft-liveness-split-vote.yaml")
    finding = result.violation("eventually_leader")
    assert finding.bound is None
    assert (finding.stem_length, finding.loop_length) == (8, 28)
    # E silent, the graph is the four-server cluster's (whose majority is 3 too)
    assert (result.stats.graph_states, result.stats.graph_edges) == (32402, 53568)
    actions = finding.trace.actions
    # B times out, asks A, and C times out before any vote is counted
    assert [(type(a).__name__, *a) for a in actions[:3]] == [
        ("Timeout", 1), ("RequestVote", 1, 0), ("Timeout", 2)]
    loop = actions[finding.loop_start:]
    assert _timer_steps(loop) == [("Timeout", 1), ("Timeout", 2)]
    # just before B times out in the loop: every vote of the term cast, 2-2
    # (raft.tla's candidate votes by a request to itself: B's went to C)
    k = next(k for k, a in enumerate(loop) if type(a).__name__ == "Timeout" and a.i == 1)
    a, b, c, d, e = finding.trace.steps[finding.loop_start + k].state[:-1]
    assert (b.votes_granted, c.votes_granted) == ({0, 3}, {1, 2})
    assert (a.voted_for, d.voted_for, b.voted_for, c.voted_for) == (1, 1, 2, 2)
    steps = finding.trace.steps
    assert steps[-1].state == steps[finding.loop_start].state
    # no message reaches E or leaves it: its record is the start's throughout
    assert {step.state[4] for step in steps} == {steps[0].state[4]}
    assert e.voted_for is None
    assert all(model.network.partitioned(step.state[-1]) for step in steps)
    assert "Heal" not in [kind.__name__ for kind in model.actions]


def test_the_split_vote_resolves_when_one_timer_fires_first():
    _, _, result = checked_spec("raft-liveness-split-vote-resolved.yaml")
    assert result.verdict == "holds"
    assert result.stats.graph_states == 169


@pytest.mark.slow
def test_with_e_connected_no_vote_splits_and_the_candidates_duel_instead():
    spec, model, result = checked_spec("large/raft-liveness-split-vote-connected.yaml")
    finding = result.violation("eventually_leader")
    assert finding.bound is None
    assert (finding.stem_length, finding.loop_length) == (16, 31)
    assert result.stats.graph_states == 259876
    loop = finding.trace.actions[finding.loop_start:]
    assert _timer_steps(loop) == [("Timeout", 1), ("Timeout", 2)]
    assert (type(loop[-1]).__name__, loop[-1].i) == ("Timeout", 2)
    # before C's timer fires, closing the loop: B holds a majority (A's, D's
    # and E's votes); C, which has not voted, times out and its next term
    # deposes B before it leads
    _, b, c, _, _ = finding.trace.steps[-2].state[:-1]
    assert (b.role, b.votes_granted, c.role, c.voted_for) == (
        "Candidate", {0, 3, 4}, "Follower", None)
    assert unfair_to(model, spec.config().fairness, finding) == []


def _five(**params):
    from models import REGISTRY
    return REGISTRY["raft"](servers=5, faults=False, **params)


def test_a_candidate_waits_for_the_servers_it_can_reach_and_no_longer():
    from models.raft.records import CANDIDATE
    cut = {"groups": [["s5"], ["s1", "s2", "s3", "s4"]]}
    for heals, fires in ((False, True), (True, False)):
        model = _five(timeouts={"servers": [2, 3], "round_trip": True},
                      partition_choice=dict(cut, heals=heals))
        (start,) = model.initial_states()
        # B, Candidate, heard A..D, holds 2 of them: lost, unless E answers
        lost = start[1]._replace(role=CANDIDATE, current_term=2,
                                 votes_responded=frozenset({0, 1, 2, 3}),
                                 votes_granted=frozenset({0, 1}))
        state = start[:1] + (lost,) + start[2:]
        steps = [str(action) for action, _ in model.successors(state)]
        assert ("Timeout(i=s2)" in steps) is fires
        assert model.frozen == (frozenset({4}) if not heals else frozenset())


def test_only_a_silent_server_cut_off_for_good_keeps_its_terms():
    cut = {"groups": [["s5"], ["s1", "s2", "s3", "s4"]], "heals": False}
    assert _five(timeouts={"servers": [2, 3]}, partition_choice=cut).frozen == {4}
    # its timer fires: its record changes, and its terms are renumbered too
    assert _five(timeouts={"servers": [2, 5]}, partition_choice=cut).frozen == frozenset()
    # cut off from s1 alone: s5 still hears the others
    assert _five(timeouts={"servers": [2]}, partition_choice={
        "links": [["s1", "s5"]], "heals": False}).frozen == frozenset()


@pytest.mark.parametrize("options", [[], ["--simulate", "--workers", "2"]])
def test_fairness_to_each_message_apart_is_refused_when_terms_are_renumbered(tmp_path,
                                                                              options):
    from click.testing import CliRunner

    from cmc.main import cli
    path = tmp_path / "spec.yaml"
    path.write_text("model: raft\nparams: {terms: relative, faults: false}\n"
                    "properties: [eventually_leader]\n"
                    "fairness: {weak: [Timeout, \"Receive(*)\"]}\n")
    result = CliRunner().invoke(cli, ["check", str(path), *options])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {path}:4: fairness.weak[1]: 'Receive(*)': terms are renumbered (terms: relative) while a message "
        "is in flight, so one Receive of the graph is not one of the model's; give Receive "
        "without (*)\n")


def test_a_misspelt_timing_assumption_gets_one_exact_line(tmp_path):
    from checker.errors import SpecError
    from checker.spec import load_spec
    from models import REGISTRY
    path = tmp_path / "spec.yaml"
    path.write_text("model: raft\nparams: {timeouts: {server: [1]}}\n")
    with pytest.raises(SpecError) as raised:
        load_spec(path, REGISTRY)
    assert str(raised.value) == (f"{path}:2: params.timeouts.server: unknown field 'server' "
                                 "(did you mean 'servers'?); accepted: round_trip, servers")


def test_raft_s_timeouts_may_list_the_servers_alone_as_raft_kv_s_do():
    # (an operator wrote raft-kv's [2] for raft and was refused, "expected a
    # mapping or null, got a list")
    from models import REGISTRY
    raft = REGISTRY["raft"]
    bounds = dict(servers=3, max_term=2, max_log=0, max_msgs=1)
    listed = checker.check(raft(timeouts=[3], **bounds), checker.CheckConfig())
    mapped = checker.check(raft(timeouts={"servers": [3]}, **bounds), checker.CheckConfig())
    assert listed.stats.distinct_states == mapped.stats.distinct_states == 383
    with pytest.raises(checker.ParamError) as refused:
        raft(timeouts=[4], **bounds)
    assert str(refused.value) == ("<spec>: params.timeouts: names a server above s3; the "
                                  "servers are s1..s3")


@pytest.mark.parametrize("given, said", [
    ("[]", "params.timeouts: give at least 1 item, got none"),
    ("{servers: []}", "params.timeouts.servers: give at least 1 item, got none")])
def test_timeouts_naming_no_server_is_one_line_saying_so(tmp_path, given, said):
    # (it said "expected a mapping or a list or null, got an empty list")
    from checker.errors import SpecError
    from checker.spec import load_spec
    from models import REGISTRY
    path = tmp_path / "spec.yaml"
    path.write_text(f"model: raft\nparams: {{servers: 3, timeouts: {given}}}\n")
    with pytest.raises(SpecError) as refused:
        load_spec(path, REGISTRY)
    assert str(refused.value) == f"{path}:2: {said}"


FAIR_RAFT = ("model: raft\nparams: {servers: 2, values: 1, max_term: 2, max_log: 1, "
             "max_msgs: 1}\nproperties: [eventually_leader]\n"
             "fairness: {weak: [\"%s\", RequestVote, Receive, BecomeLeader]}\n")


def _fair_raft(tmp_path, family):
    from checker.spec import load_spec
    from models import REGISTRY

    path = tmp_path / "fair.yaml"
    path.write_text(FAIR_RAFT % family)
    spec = load_spec(path, REGISTRY)
    return checker.check(spec.build(), spec.config())


def test_a_fairness_family_gives_a_field_as_its_step_prints_it_or_as_its_value(tmp_path):
    as_printed, as_value = (_fair_raft(tmp_path, family)
                            for family in ("Timeout(i=s1)", "Timeout(i=0)"))
    assert as_printed.verdict == as_value.verdict == "incomplete"
    assert as_printed.violations[0].trace == as_value.violations[0].trace
    assert [v.bound for v in (as_printed.violations[0], as_value.violations[0])] == [
        f"weak fairness to Timeout(i={i}) only takes steps that leave the bounds "
        "(within_bounds)" for i in ("s1", "0")]  # matched, so its steps are fair


def test_a_field_given_star_is_one_condition_per_server_each_named_where_it_stalls(tmp_path):
    result = _fair_raft(tmp_path, "Timeout(i=*)")
    assert result.verdict == "incomplete"
    assert result.violations[0].bound == (
        "weak fairness to Timeout(i=s1) and weak fairness to Timeout(i=s2) only take steps "
        "that leave the bounds (within_bounds)")


@pytest.mark.parametrize("family, problem", [
    ("Timeout(s=1)", "'Timeout(s=1)': Timeout has no field 's'; its fields: i (as field=value)"),
    ("Timeout(i=s1, i=s2)", "'Timeout(i=s1, i=s2)' gives the field 'i' twice; give each field "
                            "once"),
])
def test_a_misspelt_fairness_family_is_refused_with_its_line(tmp_path, family, problem):
    from checker.errors import SpecError

    with pytest.raises(SpecError) as error:
        _fair_raft(tmp_path, family)
    assert str(error.value) == f"{tmp_path / 'fair.yaml'}:4: fairness.weak[0]: {problem}"


def test_a_fairness_value_of_an_action_no_step_takes_asks_nothing(tmp_path):
    # without faults no Restart is reachable: Restart(i=s1) (or a typo of
    # it) asks nothing, as WF of an action never enabled in TLA+, and the
    # verdict is the one without it, whatever it is (not refused: TLC
    # checks such a spec)
    from click.testing import CliRunner

    from cmc.main import cli

    path = tmp_path / "fair.yaml"
    outputs = []
    for family in ("Restart(i=s1)", "Restart(i=s9)", "Restart"):
        path.write_text((FAIR_RAFT % family).replace("max_msgs: 1}",
                                                     "max_msgs: 1, faults: false}"))
        result = CliRunner().invoke(cli, ["check", str(path)])
        outputs.append((result.exit_code, [  # (less the times the runs took)
            re.sub(r"\d+\.\d+ s\b", "<time> s", line.replace(family, "FAMILY"))
            for line in result.output.splitlines() if not line.startswith("distinct states")]))
    assert outputs[0][0] == 1 and outputs[0] == outputs[1] == outputs[2]
    assert "eventually_leader) violated by a lasso: a stem of 0 steps" in "".join(outputs[0][1])


def test_a_fairness_value_that_no_step_has_is_refused_not_left_unfair(tmp_path):
    """Else the steps meant to be fair are not, and a lasso the spec meant
    to exclude is reported. Known once the steps are: the command line
    places it in the file."""
    from click.testing import CliRunner

    from checker.errors import CheckerError
    from cmc.main import cli

    problem = ("fairness.weak[0]: Timeout(i=s9) is no step of the reachable states; give "
               "values as the steps print them (Timeout(i=s1)), or the action name alone")
    with pytest.raises(CheckerError) as error:
        _fair_raft(tmp_path, "Timeout(i=s9)")
    assert str(error.value) == f"<spec>: {problem}"
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "fair.yaml")])
    assert (result.exit_code, result.output) == (2, f"error: {tmp_path / 'fair.yaml'}:4: "
                                                    f"{problem}\n")


def test_a_state_whose_steps_all_leave_the_constraint_stutters_fairly_where_none_is_fair(
        tmp_path):
    # tests/tlc_diff's minimal program 90010: x' = (x + 1) % 3, CONSTRAINT x <= 0,
    # <>(x = 1). TLC: violated by stuttering at x = 0 (no fair action is
    # enabled there); with WF(A1) the stutter is unfair, and only the bound
    # keeps the behaviour there
    from click.testing import CliRunner

    from cmc.main import cli

    (tmp_path / "prog.py").write_text('''\
from typing import NamedTuple
from checker import Model

class State(NamedTuple):
    x: int

class A1(NamedTuple):
    pass

class Prog(Model):
    name = "prog-90010"
    actions = (A1,)

    def initial_states(self):
        yield State(0)

    def successors(self, s):
        yield A1(), s._replace(x=(s.x + 1) % 3)
''')
    base = ("model: ./prog.py:Prog\ndeadlock: false\nconstraints: {constr: \"view['x'] <= 0\"}\n"
            "temporal: {live1: {eventually: \"view['x'] == 1\"}}\n")
    (tmp_path / "unfair.yaml").write_text(base)
    (tmp_path / "fair.yaml").write_text(base + "fairness: {weak: [A1]}\n")
    unfair = CliRunner().invoke(cli, ["check", str(tmp_path / "unfair.yaml")])
    assert unfair.exit_code == 1
    assert ("  Live1 (live1): violated by a lasso: a stem of 0 steps, then it stutters for "
            "ever: a fair behaviour never reaches Live1") in unfair.output.splitlines()
    fair = CliRunner().invoke(cli, ["check", str(tmp_path / "fair.yaml")])
    assert fair.exit_code == 3
    assert ("  Live1 (live1): not settled by a lasso: a stem of 0 steps, then it stutters for "
            "ever: a fair behaviour never reaches Live1, but only because it stalls at a bound: "
            "every step from here leaves the bounds (the spec's constraint constr)") in \
        fair.output.splitlines()
