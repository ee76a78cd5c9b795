"""Deadlocks, runs stopped by a bound, temporal properties under fairness
and their lasso counterexamples."""

from __future__ import annotations

from typing import NamedTuple

import pytest

import checker
from checker import Model, Param, invariant
from checker.result import CheckConfig
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


def test_symmetry_is_refused_for_temporal_properties():
    from models import REGISTRY
    with pytest.raises(checker.CheckerError, match="checked without symmetry"):
        checker.check(REGISTRY["paxos"](), CheckConfig(properties=("termination",),
                                                       symmetry=("acceptors",)))


def test_an_unknown_fairness_family_is_refused_with_the_actions_named():
    with pytest.raises(checker.CheckerError, match=r"'Wrok' is not an action family.*"
                                                    r"Finish, Idle, Work"):
        checker.check(Chores(), CheckConfig(properties=("done",), fairness=(("weak", "Wrok"),)))


# -- Paxos: FLP made visible --------------------------------------------------------------


def test_dueling_proposers_livelock_for_ever_under_fair_delivery():
    _, _, result = checked_spec("paxos-liveness-dueling.yaml")
    finding = result.violation("termination")
    assert (finding.stem_length, finding.loop_length) == (4, 10)
    assert finding.bound is None
    assert [str(a) for a in finding.trace.actions] == [
        "Propose(p=0)", "Propose(p=1)",
        "DeliverRequest(p=0, a=0)", "DeliverRequest(p=0, a=1)",
        # loop: p1's PREPAREs pre-empt p0, which gathers stale promises, times out and
        # retries higher, pre-empting p1's ballot in turn
        "DeliverRequest(p=1, a=0)", "DeliverRequest(p=1, a=1)",
        "DeliverReply(a=0, p=0)", "DeliverReply(a=1, p=0)", "Retry(p=0)",
        "DeliverRequest(p=0, a=0)", "DeliverRequest(p=0, a=1)",
        "DeliverReply(a=0, p=1)", "DeliverReply(a=1, p=1)", "Retry(p=1)"]
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


def test_a_spec_naming_an_unknown_action_in_fairness_gets_one_exact_line(tmp_path):
    from checker.errors import SpecError
    from checker.spec import load_spec
    from models import REGISTRY
    path = tmp_path / "spec.yaml"
    path.write_text("model: paxos-liveness\nproperties: [termination]\n"
                    "fairness: {weak: [Propose, Delivr]}\n")
    with pytest.raises(SpecError) as raised:
        load_spec(path, REGISTRY)
    assert str(raised.value) == (
        f"{path}:3: fairness.weak[1]: paxos-liveness has no action 'Delivr' (did you mean "
        "'DeliverReply'?); actions: "
        "Propose, Retry, DeliverRequest, DeliverReply")


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
    assert _lasso(finding) == (["Timeout(s1)", "Restart(s1)", "Timeout(s2)", "Restart(s2)"],
                               4, 0)
    assert finding.bound == "every step from here leaves the bounds (within_bounds)"
    assert view(model, finding.trace.final, "s1.current_term", "s2.current_term", "s1.role",
                "s2.role") == {"s1.current_term": 2, "s2.current_term": 2,
                               "s1.role": "Follower", "s2.role": "Follower"}
