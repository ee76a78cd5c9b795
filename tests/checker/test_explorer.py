"""The explorer (checker/explorer.py): places named by paths, what each
shows (the run, the properties, the steps and what they change, break,
revisit or leave), where no step is taken, and counterexamples as paths."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import Fails, Model, invariant, transition
from checker.explorer import MAX_PATH, Explorer, NoSuchPlace, parse_path
from checker.properties import select_properties
from tests.checker.test_workers import Grid


class Inc(NamedTuple):
    pass


class Reset(NamedTuple):
    pass


class Counter(Model):
    """n from 0 up by one, or back to 0; within bounds up to `bound`; with
    `fail_at`, the steps from that n fail an assert."""

    name = "counter"
    actions = (Inc, Reset)

    def __init__(self, bound=2, fail_at=None):
        self.bound, self.fail_at = bound, fail_at
        super().__init__()

    def initial_states(self):
        return [0]

    def successors(self, n):
        if n == self.fail_at:
            raise AssertionError(f"no step from {n}")
        return [(Inc(), n + 1)] + ([(Reset(), 0)] if n > 0 else [])

    def within_bounds(self, n):
        return n <= self.bound

    def bound_reason(self, n):
        return f"n is above {self.bound}" if n > self.bound else None

    @invariant("Below Two")
    def below_two(self, n):
        return n < 2 or Fails(f"n is {n}")

    @transition("Small Resets")
    def small_resets(self, n, action, after):
        return not (type(action) is Reset and n > 1) or Fails(f"reset from {n}")


def explorer(model=None, deadlock=False):
    model = model or Counter()
    return Explorer(model, select_properties(model, None), deadlock)


def statuses(place):
    return [(p["name"], p["status"], p["reason"]) for p in place.properties]


def test_the_first_place_is_an_initial_state_with_its_steps_and_properties():
    place = explorer().place((0,))
    assert place.run == ((None, {"state": 0}, ()),)
    assert statuses(place) == [("below_two", "holds", None),
                               ("small_resets", "no step yet", None)]
    assert place.steps == ({"index": 0, "action": "Inc()", "changes": ["state: 0 → 1"],
                            "breaks": [], "violates": [], "revisits": None,
                            "outside": False},)
    assert place.stop is None and place.within_bounds and place.initial_states == 1


def test_a_path_is_a_run_and_a_step_back_to_a_state_on_it_is_marked():
    place = explorer().place((0, 0, 1))
    assert [(action, view, lines) for action, view, lines in place.run] == [
        (None, {"state": 0}, ()), ("Inc()", {"state": 1}, ("state: 0 → 1",)),
        ("Reset()", {"state": 0}, ("state: 1 → 0",))]
    (inc,) = place.steps
    assert inc["revisits"] == 1  # Inc() reaches the state after step 1 again
    assert place.again == 0  # and this is the initial state again
    assert explorer().place((0, 0)).again is None
    assert place.document()["run"][2] == {"action": "Reset()", "changes": ["state: 1 → 0"]}


def test_steps_that_break_an_invariant_or_a_step_property_or_leave_the_bounds_say_so():
    place = explorer().place((0, 0, 0))
    assert statuses(place) == [("below_two", "violated", "n is 2"),
                               ("small_resets", "holds", None)]
    # Below Two fails here already: no step from here brings the failure
    assert [(s["action"], s["breaks"], s["violates"], s["revisits"], s["outside"])
            for s in place.steps] == [
        ("Inc()", [], [], None, True),
        ("Reset()", [], ["small_resets"], 0, False)]
    # from n = 1 the step to 2 does
    assert explorer().place((0, 0)).steps[0]["breaks"] == ["below_two"]
    after_reset = explorer().place((0, 0, 0, 1))
    assert statuses(after_reset)[1] == ("small_resets", "violated", "reset from 2")


def test_no_step_is_taken_outside_the_bounds_as_in_a_search():
    place = explorer().place((0, 0, 0, 0))
    assert (place.within_bounds, place.bound_reason, place.steps) == (False, "n is above 2", ())
    # without a reason of the model's: the spec's constraint it breaks, else within_bounds
    class Unexplained(Counter):
        def bound_reason(self, n):
            return None
    assert explorer(Unexplained()).place((0, 0, 0, 0)).bound_reason == (
        "the model's within_bounds")
    from checker.expressions import constrain

    constrained = Unexplained(bound=10)
    constrain(constrained, {"low": "view['state'] < 2"}, "spec.yaml")
    assert explorer(constrained).place((0, 0, 0)).bound_reason == "the spec's constraint low"
    assert place.stop == ("outside the model's bounds (n is above 2): a search checks this "
                          "state and takes no step from it")
    with pytest.raises(NoSuchPlace) as error:
        explorer().place((0, 0, 0, 0, 0))
    assert str(error.value) == ("step 4 of the path: the state after step 3 is outside the "
                                "model's bounds, where no step is taken")


def test_a_failed_assert_is_where_the_steps_stop():
    place = explorer(Counter(fail_at=1)).place((0, 0))
    assert place.steps == ()
    assert place.stop.startswith("a step from here fails its assertion: no step from 1")
    with pytest.raises(NoSuchPlace) as error:
        explorer(Counter(fail_at=1)).place((0, 0, 0))
    assert str(error.value) == ("step 2 of the path: the state after step 1 has no steps "
                                "(its step fails the model's assertion)")


def test_a_state_without_steps_is_a_deadlock_where_the_spec_checks_them():
    corner = (0, 0, 0, 0, 0)  # (2, 2) of a grid of side 2: right, right, up, up
    assert explorer(Grid(side=2), deadlock=True).place(corner).stop == (
        "deadlock: no step is enabled")
    assert explorer(Grid(side=2)).place(corner).stop == (
        "no step is enabled (deadlock is not checked by this spec)")


@pytest.mark.parametrize("path, message", [
    ((), "a path starts with the index of an initial state (0 for the first)"),
    ((1,), "there is no initial state 1: the model has 1 (0 to 0)"),
    ((0, 0, 2), "step 2 of the path: there is no step 2 from the state after step 1; it has "
                "2 (0 to 1)"),
    ((0,) * (MAX_PATH + 2), "a path of 10,001 steps is longer than the 10,000 the explorer "
                            "walks"),
])
def test_a_path_naming_no_run_is_refused_in_one_line(path, message):
    with pytest.raises(NoSuchPlace) as error:
        explorer().place(path)
    assert str(error.value) == message


@pytest.mark.parametrize("text, parsed", [("0", (0,)), ("0/2/1", (0, 2, 1)),
                                          ("/0/2/", (0, 2)), (" 0 / 3 ", (0, 3))])
def test_paths_are_indices_separated_by_slashes(text, parsed):
    assert parse_path(text) == parsed


@pytest.mark.parametrize("text", ["", "0/-1", "0//1", "a", "0/1.5", "0/١", "0/1234567890"])
def test_a_path_that_is_not_indices_is_refused(text):
    with pytest.raises(NoSuchPlace) as error:
        parse_path(text)
    assert "write indices separated by /" in str(error.value)


def test_a_counterexample_is_a_path_ending_where_the_property_fails():
    import checker
    from models import REGISTRY

    model = REGISTRY["paxos"](acceptors=3, values=2, ballots=2, mutant="no_adopt")
    result = checker.check(model, checker.CheckConfig(properties=("agreement",)))
    walker = explorer(model)
    path = walker.path_of(result.violations[0].trace)
    assert path == (0, 0, 0, 0, 0, 0, 3, 1, 0, 2, 2, 0, 0)
    end = walker.place(path)
    assert statuses(end)[0] == (
        "agreement", "violated", "value 0 is chosen in ballot 0 by acceptors 1, 2; value 1 is "
        "chosen in ballot 1 by acceptors 0, 1")
    # the step before, the steps that break Agreement are marked
    before = walker.place(path[:-1])
    assert [(s["action"], s["breaks"]) for s in before.steps] == [
        ("Phase2b(a=1, b=1, v=1)", ["agreement"]), ("Phase1b(a=2, b=1)", []),
        ("Phase2b(a=2, b=1, v=1)", ["agreement"])]


def test_a_fifo_networks_changes_read_queue_by_queue_as_reports_print_them():
    from models import REGISTRY

    # specs/paxos-textbook-fifo.yaml's model
    model = REGISTRY["paxos-textbook"](proposers=2, acceptors=2, learners=1, rounds=1,
                                       max_msgs=4, drop=0, duplicate=0, crash=0,
                                       network_choice={"kind": "fifo", "drop": 1})
    step = explorer(model).place((0, 0)).steps[2]
    assert (step["action"], step["changes"]) == (
        "ReceivePrepare(p0→a1, n=0)",
        ["a1.promised: none → 0",
         "channels[a1→p0]: + PromiseMsg(a1→p0, n=0, accepted_n=none, accepted_v=none)",
         "channels[p0→a1]: - PrepareMsg(p0→a1, n=0)"])
