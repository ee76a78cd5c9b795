"""A user's plain model of a published TLA+ spec it was not written
against: tests/models/user/ewd998.py, after EWD998.tla of the TLA+
examples (specifications/ewd998, Safra's termination detection on a ring),
compared figure by figure with TLC 2.15 (one worker, ``-deadlock``: the
cfg's ``CHECK_DEADLOCK FALSE``, which this TLC does not read).

TLC ran the published EWD998.tla (with its Functions.tla and Folds.tla)
extended by a module of ours, the spec's StateConstraint with its numbers
as constants, and the fairness forms compared::

    Bound == /\\ \\A i \\in Node : counter[i] <= MaxCounter /\\ pending[i] <= MaxPending
             /\\ token.q <= MaxQ
    TDSafe == TD!Init /\\ [][TD!Next]_TD!vars
    NoFair == Init /\\ [][Next]_vars
    WFNext == NoFair /\\ WF_vars(Next)
    EachAction == NoFair /\\ WF_vars(InitiateProbe) /\\ \\A i \\in Node \\ {0} : WF_vars(PassToken(i))
    OnlyProbe == NoFair /\\ WF_vars(InitiateProbe)
    OnlyPass == NoFair /\\ \\A i \\in Node \\ {0} : WF_vars(PassToken(i))
    SFSystem == NoFair /\\ SF_vars(System)
    AllInactive == <>Termination

with ``CONSTRAINT Bound``; "bounds (c, p, q)" below are MaxCounter,
MaxPending and MaxQ (the spec's StateConstraint is (3, 3, 9), the model's
``max_counter``, ``max_pending`` and ``max_q``). TLC prints a depth one more than ours. Its
"states generated" is ours plus one for each further disjunct of
InitiateProbe's guard that holds (TLC enumerates a disjunction branch by
branch: with the guard written ``(token.color = "black" \\/ ...) = TRUE``
TLC's generated counts are ours: 1,750, 28,454 and 75,056 for N = 2 on
(1, 1, 1), N = 2 on the published constraint and N = 3 on (1, 1, 0)).

The manifest (specifications/ewd998/manifest.json) gives no state count
for EWD998.cfg or EWD998Small.cfg (only their run times): the published
constraint's figures below are TLC's own. EWD998.cfg (N = 4, the
published constraint) has 219 million states (the spec's own table),
beyond a test; its N = 4 here is on a smaller bound.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from cmc.main import cli
from checker.spec import load_spec
from models import REGISTRY

USER = Path(__file__).parent / "user"
SPEC = USER / "ewd998.yaml"
SAFETY = ("type_ok", "inv", "termination_detection", "refines_atd")
SYSTEM = ("weak", "InitiateProbe | PassToken")    # the spec's WF_vars(System)
FAIRNESS = {
    "Spec": (SYSTEM,),
    "NoFair": (),
    "WFNext": (("weak", "*"),),
    "EachAction": (("weak", "InitiateProbe"), ("weak", "PassToken(i=*)")),
    "OnlyProbe": (("weak", "InitiateProbe"),),
    "OnlyPass": (("weak", "PassToken(i=*)"),),
    "SFSystem": (("strong", SYSTEM[1]),),
}


def _ewd998():
    return load_spec(SPEC, REGISTRY).model_class


def _model(nodes, bounds=(3, 3, 9), mutant=None):
    counter, pending, q = bounds
    return _ewd998()(N=nodes, max_counter=counter, max_pending=pending, max_q=q, mutant=mutant)


def test_the_spec_file_is_ewd998_cfg_on_a_smaller_bound():
    # EWD998.cfg (INVARIANT TerminationDetection Inv TypeOK, PROPERTIES
    # Liveness TDSpec) with N = 2 and Bound (1, 1, 1). TLC 2.15: no error,
    # 2,014 generated, 496 distinct, depth 13
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.fairness == (SYSTEM,)
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (496, 1_750, 12)


@pytest.mark.slow
def test_ewd998_cfg_on_two_nodes_with_the_published_constraint():
    # EWD998.cfg with N = 2 (StateConstraint as published). TLC 2.15: no
    # error, 33,664 generated, 6,876 distinct, depth 28
    result = check(_model(2), CheckConfig(properties=SAFETY + ("liveness", "detects_for_good"),
                                          fairness=FAIRNESS["Spec"]))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (6_876, 28_454, 27)


@pytest.mark.parametrize("nodes, bounds, distinct, generated, depth", [
    # TLC 2.15, Spec, INVARIANT TypeOK Inv TerminationDetection (and
    # PROPERTY TDSafe on the first two), no error: distinct and depth are
    # TLC's (its depth one more); TLC's generated in the comment
    (1, (3, 3, 9), 6, 11, 1),                 # TLC generated 13
    (2, (1, 1, 1), 496, 1_750, 12),           # 2,014
    (3, (0, 0, 0), 234, 1_375, 3),            # 1,407
    pytest.param(4, (0, 0, 0), 1_194, 11_192, 4, marks=pytest.mark.slow),          # 11,320
    pytest.param(2, (2, 2, 2), 2_278, 8_892, 20, marks=pytest.mark.slow),          # 10,450
    pytest.param(3, (1, 1, 0), 12_216, 75_056, 24, marks=pytest.mark.slow),        # 78,260
    pytest.param(3, (1, 1, 1), 17_598, 106_455, 24, marks=pytest.mark.slow),       # 112,199
    pytest.param(2, (3, 3, 9), 6_876, 28_454, 27, marks=pytest.mark.slow),        # 33,664
    pytest.param(5, (0, 0, 0), 5_802, 80_497, 5, marks=pytest.mark.slow),          # 81,009
    # EWD998Small.cfg as published: N = 3, StateConstraint (TLC: 1 min 26 s)
    pytest.param(3, (3, 3, 9), 1_520_618, 10_507_635, 58, marks=pytest.mark.slow),  # 11,238,019
    pytest.param(4, (1, 1, 1), 574_718, 5_482_506, 41, marks=pytest.mark.slow),     # 5,618,786
])
def test_ewd998_has_tlc_s_counts(nodes, bounds, distinct, generated, depth):
    result = check(_model(nodes, bounds), CheckConfig(properties=SAFETY))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.generated_states,
            result.stats.depth) == (distinct, generated, depth)


def test_every_initial_state_is_one_of_async_termination_detection():
    # TD!Init: pending = 0 everywhere, terminationDetected \in {FALSE,
    # terminated}; the step property checks the rest of TD's safety part
    model = _model(3)
    states = list(model.initial_states())
    assert len(states) == 2 ** 3 * 2 ** 3 * 3     # active, color, token.pos
    assert all(s.pending == (0, 0, 0) for s in states)
    assert not any(model.termination_detected(s) for s in states)   # the token starts black


# -- liveness -------------------------------------------------------------------------------

# TLC 2.15, N = 2, bounds (1, 1, 1), each specification and property alone:
# Liveness, TDSpec (whose fairness WF_vars(TD!DetectTermination) is our
# detects_for_good; TLC cannot evaluate it written alone, "the identifier
# token is either undefined", but checks TDSpec whole) and AllInactive.
TLC_LIVENESS = {
    "Spec": "HHV", "NoFair": "VVV", "WFNext": "HHV", "EachAction": "HHV",
    "OnlyProbe": "VVV", "OnlyPass": "VVV", "SFSystem": "HHV",
}


@pytest.mark.parametrize("fairness", [
    "Spec", pytest.param("NoFair", marks=pytest.mark.slow),
    pytest.param("WFNext", marks=pytest.mark.slow),
    pytest.param("EachAction", marks=pytest.mark.slow),
    pytest.param("OnlyProbe", marks=pytest.mark.slow),
    pytest.param("OnlyPass", marks=pytest.mark.slow), pytest.param("SFSystem", marks=pytest.mark.slow),
])
def test_ewd998_s_liveness_is_tlc_s_verdict(fairness):
    found = ""
    for prop in ("liveness", "detects_for_good", "all_inactive"):
        result = check(_model(2, (1, 1, 1)),
                       CheckConfig(properties=(prop,), fairness=FAIRNESS[fairness]))
        found += {"holds": "H", "violated": "V"}[result.verdict]
        assert all(finding.bound is None for finding in result.violations)
    assert found == TLC_LIVENESS[fairness]


@pytest.mark.parametrize("fairness, prop, stem, loop, actions", [
    # The shortest lassos, where TLC's are longer. NoFair, Liveness: an
    # initial state where every node is inactive (termination holds) with
    # the token black, stuttering (TLC: InitiateProbe, then stuttering).
    ("NoFair", "liveness", 0, 0, []),
    # OnlyProbe: the token at node 1, which never passes it (TLC: stem 1)
    pytest.param("OnlyProbe", "liveness", 0, 0, [], marks=pytest.mark.slow),
    # Spec, AllInactive: an active node that never deactivates, the token
    # stuck where System is disabled (TLC: a stem of 6, then stuttering)
    pytest.param("Spec", "all_inactive", 0, 0, [], marks=pytest.mark.slow),
    # WFNext, AllInactive: both nodes send and receive for ever (TLC: a
    # stem of 3 and a loop of 8)
    ("WFNext", "all_inactive", 0, 4,
     ["SendMsg(i=0, j=1)", "SendMsg(i=1, j=0)", "RecvMsg(i=0)", "RecvMsg(i=1)"]),
])
def test_the_lassos_are_shortest(fairness, prop, stem, loop, actions):
    result = check(_model(2, (1, 1, 1)), CheckConfig(properties=(prop,),
                                                      fairness=FAIRNESS[fairness]))
    violation = result.violation(prop)
    assert (violation.stem_length, violation.loop_length) == (stem, loop)
    assert [str(a) for a in violation.trace.actions] == actions
    model = _model(2, (1, 1, 1))
    start = violation.trace.steps[0].state
    if prop == "liveness":      # termination holds from the start, undetected
        assert model.terminated(start) and not model.termination_detected(start)


def test_a_bound_that_cuts_the_token_settles_nothing_where_tlc_says_it_holds():
    # TLC 2.15, N = 2, bounds (1, 1, 0), Spec (and WFNext, EachAction,
    # SFSystem), PROPERTY Liveness and TDSpec: after its warning that
    # constraints are dangerous with liveness, no error (356 distinct
    # states). The deliberate difference (docs/liveness.md, "Bounds settle
    # nothing"): node 1 sends to node 0, which takes it, and both stop; the
    # token at node 1 must pass it on, adding counter[1] = 1 to q, a state
    # beyond max_q = 0. TLC takes PassToken as enabled (ENABLED is not
    # constrained), so the behaviour that stays is unfair to it, though its
    # graph holds no such step; cmc says the run stalls at the bound. With
    # max_q = 1 (the test above) nothing is cut and both say it holds.
    result = check(_model(2, (1, 1, 0)),
                   CheckConfig(properties=("liveness", "detects_for_good"),
                               fairness=FAIRNESS["Spec"]))
    assert result.verdict == "incomplete"
    assert result.stats.distinct_states == 356
    for prop in ("liveness", "detects_for_good"):
        violation = result.violation(prop)
        assert [str(a) for a in violation.trace.actions] == [
            "SendMsg(i=1, j=0)", "RecvMsg(i=0)", "Deactivate(i=0)", "Deactivate(i=1)"]
        assert (violation.stem_length, violation.loop_length) == (4, 0)
        assert violation.trace.final.token == (1, 0, "black")
        assert violation.trace.final.counter == (-1, 1)
        # named by the model's bound_reason, as the safety run names the stop
        assert violation.bound == "the token's q passes max_q = 0"


@pytest.mark.slow
def test_with_max_q_above_every_sum_of_counters_three_nodes_hold_as_in_tlc():
    # TLC 2.15, N = 3, Spec, PROPERTY Liveness: no error on bounds (1, 1, 1)
    # (17,598 states) and (1, 1, 2) (19,474). With max_q = 1, q can reach
    # 2 in a terminated state (counters -2, 1, 1) and cmc stalls at the
    # bound after 8 steps; with max_q = 2 it cannot, and cmc says it holds.
    cut = check(_model(3, (1, 1, 1)), CheckConfig(properties=("liveness",),
                                                  fairness=FAIRNESS["Spec"]))
    assert cut.verdict == "incomplete"
    violation = cut.violation("liveness")
    assert (violation.stem_length, violation.loop_length) == (8, 0)
    assert violation.trace.final.counter == (-2, 1, 1)
    assert violation.trace.final.token == (1, 1, "black")
    whole = check(_model(3, (1, 1, 2)), CheckConfig(properties=("liveness",),
                                                    fairness=FAIRNESS["Spec"]))
    assert whole.verdict == "holds"
    assert (whole.stats.distinct_states, whole.stats.depth) == (19_474, 24)


@pytest.mark.slow
def test_ewd998_small_cfg_detects_termination_as_tlc_says():
    # EWD998Small.cfg (N = 3, StateConstraint as published) with its
    # commented-out PROPERTIES Liveness TDSpec under Spec. TLC 2.15: no
    # error, after its warning on constraints with liveness (17 min 23 s on
    # the busy machine, 4 min 25 s of CPU). max_q = 9 passes every sum of
    # counters a token can carry on 3 nodes (at most 6), so nothing is cut
    # and cmc says it holds too.
    result = check(_model(3), CheckConfig(properties=("liveness", "detects_for_good"),
                                          fairness=FAIRNESS["Spec"]))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (1_520_618, 58)


# -- mutants: TLC 2.15 on the spec with the same change found each of these
# traces, step for step (the same initial state, actions, receivers and
# final state), and the same lasso -------------------------------------------------------


def test_a_receiver_that_stays_white_breaks_termination_detection_in_tlc_s_trace():
    # RecvMsg with UNCHANGED color for its Rule 3; N = 2, bounds (1, 1, 1)
    result = check(_model(2, (1, 1, 1), "recv_stays_white"),
                   CheckConfig(properties=("termination_detection",)))
    violation = result.violation("termination_detection")
    assert [str(a) for a in violation.trace.actions] == [
        "InitiateProbe()", "PassToken(i=1)", "SendMsg(i=0, j=1)", "RecvMsg(i=1)",
        "SendMsg(i=1, j=0)", "RecvMsg(i=0)", "Deactivate(i=0)"]
    assert violation.trace.steps[0].state.active == (True, False)
    assert violation.trace.final.active == (False, True)
    assert violation.reason == "termination detected while node 1 is active"


def test_an_uncounted_send_breaks_inv_in_tlc_s_trace():
    # SendMsg with UNCHANGED counter for its Rule 0; N = 3, bounds (1, 1, 1)
    result = check(_model(3, (1, 1, 1), "send_uncounted"), CheckConfig(properties=("inv",)))
    violation = result.violation("inv")
    assert [str(a) for a in violation.trace.actions] == ["SendMsg(i=2, j=0)"]
    assert violation.trace.final.pending == (1, 0, 0)
    assert violation.reason == "P0: 1 message(s) in transit, the counters sum to 0"


def test_receiving_from_nothing_breaks_type_ok_in_tlc_s_trace():
    # RecvMsg without pending[i] > 0; N = 3, bounds (1, 1, 1)
    result = check(_model(3, (1, 1, 1), "recv_from_nothing"),
                   CheckConfig(properties=("type_ok",)))
    violation = result.violation("type_ok")
    assert [str(a) for a in violation.trace.actions] == ["RecvMsg(i=0)"]
    assert violation.trace.final.pending == (-1, 0, 0)
    assert violation.reason == "pending[0] = -1 is not in Nat"


def test_a_passive_sender_breaks_the_refinement_in_tlc_s_trace():
    # SendMsg without active[i]; N = 3, bounds (1, 1, 1), TLC's PROPERTY
    # TDSafe ("Action property ... is violated"): the first step
    result = check(_model(3, (1, 1, 1), "send_while_passive"),
                   CheckConfig(properties=("refines_atd",)))
    violation = result.violation("refines_atd")
    assert [str(a) for a in violation.trace.actions] == ["SendMsg(i=0, j=1)"]
    assert violation.trace.steps[0].state.active == (False, False, False)
    assert violation.reason == (
        "SendMsg(i=0, j=1) is no step of AsyncTerminationDetection (active (False, False, "
        "False) → (False, False, False), pending (0, 0, 0) → (0, 1, 0), terminationDetected "
        "False → False)")


def test_a_node_that_stays_black_breaks_liveness_in_tlc_s_lasso():
    # PassToken with UNCHANGED color for its Rule 7; N = 2, bounds (1, 1,
    # 1), Spec: the invariants hold (476 states) and Liveness fails. TLC's
    # lasso is ours: from an initial state with node 1 black and every
    # node inactive, InitiateProbe and PassToken back to it
    result = check(_model(2, (1, 1, 1), "pass_stays_black"),
                   CheckConfig(properties=("type_ok", "inv", "termination_detection",
                                           "liveness"), fairness=FAIRNESS["Spec"]))
    assert result.stats.distinct_states == 476
    assert [v.property.name for v in result.violations] == ["liveness"]
    violation = result.violation("liveness")
    assert violation.bound is None
    assert (violation.stem_length, violation.loop_length) == (0, 2)
    assert [str(a) for a in violation.trace.actions] == ["InitiateProbe()", "PassToken(i=1)"]
    assert violation.trace.final.color == ("white", "black")


@pytest.mark.slow
def test_a_passive_sender_breaks_termination_detection_in_tlc_s_trace():
    # The same mutant, TerminationDetection alone: TLC's 4 steps
    result = check(_model(3, (1, 1, 1), "send_while_passive"),
                   CheckConfig(properties=("termination_detection",)))
    violation = result.violation("termination_detection")
    assert [str(a) for a in violation.trace.actions] == [
        "InitiateProbe()", "PassToken(i=2)", "PassToken(i=1)", "SendMsg(i=1, j=0)"]
    assert violation.reason == "termination detected with 1 message(s) in transit"


@pytest.mark.slow
def test_a_receiver_that_stays_white_on_the_published_constraint_is_tlc_s_trace():
    # N = 3, StateConstraint: TLC's 8 steps, the same
    result = check(_model(3, (3, 3, 9), "recv_stays_white"),
                   CheckConfig(properties=("termination_detection",)))
    assert [str(a) for a in result.violation("termination_detection").trace.actions] == [
        "InitiateProbe()", "PassToken(i=2)", "SendMsg(i=1, j=2)", "RecvMsg(i=2)",
        "SendMsg(i=2, j=1)", "RecvMsg(i=1)", "Deactivate(i=1)", "PassToken(i=1)"]


def test_ewd998_deadlocks_once_termination_is_detected_as_tlc_reports():
    # TLC 2.15 without -deadlock (the cfg's CHECK_DEADLOCK FALSE unread),
    # N = 2, bounds (1, 1, 1): "Deadlock reached" after these two steps,
    # from the same initial state; nothing is enabled once it is detected
    result = check(_model(2, (1, 1, 1)), CheckConfig(properties=("type_ok",), deadlock=True))
    violation = result.violation("deadlock")
    assert [str(a) for a in violation.trace.actions] == ["InitiateProbe()", "PassToken(i=1)"]
    assert violation.trace.steps[0].state.token == (0, 0, "black")
    assert _model(2).termination_detected(violation.trace.final)


def test_a_ring_of_no_nodes_is_refused(tmp_path):
    # ASSUME N \in Nat \ {0}
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: {(USER / 'ewd998.py').as_posix()}:EWD998\nparams: {{N: 0}}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {spec}:2: params.N: must be at least 1, got 0; accepted: 1 to 8")
