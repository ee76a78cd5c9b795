"""A user's kit model of a published spec it was not written against:
tests/models/user/ewd998chan.py, after EWD998Chan.tla of the TLA+ examples
(specifications/ewd998: Safra's termination detection with message
channels as sequences, ``inbox[n]``, received at any position: the kit's
``Inbox(receive="any")``), compared figure by figure with TLC 2.15, one
worker, breadth-first, ``-deadlock`` (EWD998Chan.cfg's CHECK_DEADLOCK
FALSE).

TLC ran EWD998Chan.tla as published (tlaplus/Examples master of
2026-05-14; SequencesExt's RemoveAt written out, ``RemoveAt(s, i) ==
SubSeq(s, 1, i-1) \\o SubSeq(s, i+1, Len(s))``; EWD998.tla, Functions.tla,
Folds.tla and AsyncTerminationDetection.tla beside it) with a module of
ours: ``MCConstraint``, the StateConstraint with its bounds as constants,
``NumberOfMsg(inbox[i]) <= MaxPl /\\ counter[i] <= MaxCounter`` (the cfg's
``< 3`` is MaxPl = 2), INVARIANT TypeOK and PROPERTIES EWD998Spec (the
refinement of EWD998, its fairness included). Each mutant is
EWD998Chan.tla with the one conjunct the mutant changes. TLC prints a
depth one more than ours.

Generated states: TLC's coverage per action is ours for PassToken,
SendMsg, RecvMsg and Deactivate; for InitiateProbe TLC generates a step
once per disjunct of its guard that holds (``inbox[0][j].color = "black"
\\/ color[0] = "black" \\/ counter[0] + inbox[0][j].q # 0``: TLC splits a
disjunction of an action into branches), ours once, so TLC's total is
larger by the guards' extra true disjuncts (a test counts them: TLC's
InitiateProbe figure exactly).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

USER = Path(__file__).parent / "user"
SPEC = USER / "ewd998chan.yaml"
PROPERTIES = ("type_ok", "refines_ewd998", "ewd998_system_fair")
SPEC_FAIRNESS = (("weak", "InitiateProbe | PassToken"),)


def _model(N=2, max_pl=2, max_counter=2, mutant=None):
    cls = load_spec(SPEC, REGISTRY).model_class
    return cls(N=N, max_pl=max_pl, max_counter=max_counter, mutant=mutant)


def _check(model, properties=PROPERTIES, fairness=SPEC_FAIRNESS):
    return check(model, CheckConfig(properties=properties, fairness=fairness))


def test_the_spec_file_meets_its_expectation_through_the_command_line():
    # 2 nodes, at most 2 payload messages an inbox, counters at most 2:
    # TLC 2.15, no error, 3,124 distinct states, depth 21
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "  Refines EWD998 (refines_ewd998): holds" in result.output.splitlines()
    assert "  EWD998 System fair (ewd998_system_fair): holds" in result.output.splitlines()
    assert "expectation met" in result.output


# (N, max_pl, max_counter): TLC's distinct states, its depth less one, and
# its coverage: InitiateProbe (once per true disjunct of its guard),
# PassToken, SendMsg, RecvMsg, Deactivate; then ours for InitiateProbe
BOUNDS = [
    ((2, 1, 1), 540, 12, (590, 120, 512, 440, 512), 302),
    ((2, 2, 2), 3_124, 20, (4_516, 490, 3_004, 5_416, 3_004), 2_186),
    # (TLC: 17 s)
    ((2, 2, 3), 7_150, 26, (11_592, 838, 6_931, 13_862, 6_931), 5_572),
    # (TLC: 32 s and 20 s)
    pytest.param((2, 3, 3), 11_598, 27, (18_978, 1_368, 11_275, 31_182, 11_275), 9_024,
                 marks=pytest.mark.slow),
    pytest.param((3, 1, 1), 23_596, 24, (21_194, 6_722, 65_716, 28_708, 32_858), 10_444,
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize("bounds, distinct, depth, coverage, initiations", BOUNDS)
def test_ewd998chan_has_tlc_s_counts_and_verdicts(bounds, distinct, depth, coverage,
                                                  initiations):
    # TLC 2.15, Spec, INVARIANT TypeOK, PROPERTIES EWD998Spec: no error
    result = _check(_model(*bounds))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (distinct, depth)
    actions = result.stats.actions
    assert (actions["PassToken"], actions["SendMsg"], actions["RecvMsg"],
            actions["Deactivate"]) == coverage[1:]
    assert actions["InitiateProbe"] == initiations
    # TLC's total: its Init's states, and each action's steps
    initial = bounds[0] * 4 ** bounds[0]
    assert result.stats.generated_states + coverage[0] - initiations == {
        (2, 1, 1): 2_206, (2, 2, 2): 16_462, (2, 2, 3): 40_186, (2, 3, 3): 74_110,
        (3, 1, 1): 155_390}[bounds] == initial + sum(coverage)


@pytest.mark.parametrize("bounds, tlc_initiations", [((2, 1, 1), 590), ((2, 2, 2), 4_516)])
def test_tlc_generates_initiate_probe_once_per_true_disjunct_of_its_guard(bounds,
                                                                          tlc_initiations):
    # Our InitiateProbe steps from the states within the bounds, each
    # counted once per disjunct of its guard that holds: TLC's coverage
    model = _model(*bounds)
    level = list(model.initial_states())
    seen = set(level)
    counted = 0
    while level:
        after = []
        for state in level:
            if not model.within_bounds(state):
                continue
            node0 = model.nodes(state)[0]
            for action, reached in model.successors(state):
                if type(action).__name__ == "InitiateProbe":
                    counted += sum((action.color == "black", node0.color == "black",
                                    node0.counter + action.q != 0))
                if reached not in seen:
                    seen.add(reached)
                    after.append(reached)
        level = after
    assert counted == tlc_initiations


@pytest.mark.slow
def test_ewd998chan_cfg_s_bounds():
    # EWD998Chan.cfg: N = 3, StateConstraint as published (< 3 payload
    # messages an inbox, counters <= 3). TLC 2.15, INVARIANT TypeOK: no
    # error, 1,524,022 distinct states, 12,882,257 generated, depth 58 (1 min
    # 47 s; with EWD998Spec too, the manifest's 5 minutes)
    result = _check(_model(3, 2, 3), ("type_ok",), ())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (1_524_022, 57)


def test_every_initial_state_is_one_of_ewd998_s():
    # EWD998!Init under the mapping: counters and pending 0, the token black
    # with q = 0 at any node, active and color any; N * 4^N states, one per
    # choice, as TLC's 32 and 192
    for n in (2, 3):
        model = _model(N=n)
        mapped = [model.mapped(state) for state in model.initial_states()]
        assert len(set(mapped)) == len(mapped) == n * 4 ** n
        assert all(v.counter == v.pending == (0,) * n and v.token[1:] == (0, "black")
                   for v in mapped)
        assert {v.token[0] for v in mapped} == set(range(n))


def test_a_payload_message_behind_the_token_is_two_states():
    # n0, active, sends a payload message to n1 and then starts a probe, or
    # the other way round: inbox[n1] = <<pl, tok>> or <<tok, pl>>, the
    # nodes the same, two states (TLC counts both); from each, n1 may take
    # the payload message, the token staying in its inbox
    model = _model()
    level = list(model.initial_states())
    seen = set(level)
    for _ in range(2):
        level = [reached for state in level for _, reached in model.successors(state)
                 if reached not in seen and not seen.add(reached)]
    both = [state for state in seen if model.state_view(state)["inboxes"] in (
        ["n1: Pl(to=n1), Tok(to=n1, q=0, color=white)"],
        ["n1: Tok(to=n1, q=0, color=white), Pl(to=n1)"])]
    # n1 active or not, white or black: each of the four in both orders
    orders: dict = {}
    for state in both:
        orders.setdefault(tuple(model.nodes(state)), []).append(
            model.state_view(state)["inboxes"][0])
    assert len(both) == 8 and len(orders) == 4
    assert all(sorted(two) == ["n1: Pl(to=n1), Tok(to=n1, q=0, color=white)",
                               "n1: Tok(to=n1, q=0, color=white), Pl(to=n1)"]
               for two in orders.values())
    for state in both:
        assert [(str(action), model.state_view(reached)["inboxes"])
                for action, reached in model.successors(state)
                if type(action).__name__ == "RecvMsg"] == [
            ("RecvMsg(i=n1, to=n1)", ["n1: Tok(to=n1, q=0, color=white)"])]


# -- mutants: each one handler overridden, on TLC's bound N = 3, at most one payload
# message an inbox, counters at most 1 --------------------------------------------------


def _violation(mutant, name):
    model = _model(3, 1, 1, mutant=mutant)
    result = _check(model)
    return model, result, result.violation(name)


def test_a_receiver_that_stays_white_breaks_the_refinement():
    # RecvMsg with color' = color: TLC 2.15, EWD998Spec (its action part)
    # violated by 3 states (SendMsg, RecvMsg), as ours
    model, result, violation = _violation("recv_stays_white", "refines_ewd998")
    assert [v.property.name for v in result.violations] == ["refines_ewd998"]
    assert [str(a) for a in violation.trace.actions] == [
        "SendMsg(i=n2, j=n0)", "RecvMsg(i=n0, to=n0)"]
    assert violation.reason == (
        "the step is none of EWD998's (active: (False, False, True) → (True, False, True); "
        "counter: (0, 0, 1) → (-1, 0, 1); pending: (1, 0, 0) → (0, 0, 0))")
    final = model.state_view(violation.trace.final)
    assert (final["n0.active"], final["n0.color"], final["n0.counter"],
            final["inboxes"]) == (True, "white", -1, ["n0: Tok(to=n0, q=0, color=black)"])


def test_a_token_passed_to_no_one_breaks_type_ok():
    # PassToken with inbox' = [inbox EXCEPT ![i] = RemoveAt(@, j)]: TLC 2.15,
    # TypeOK violated by 2 states, as ours (the refinement's mapping is
    # then undefined: TLC stops at TypeOK)
    model, result, violation = _violation("pass_loses_token", "type_ok")
    assert [v.property.name for v in result.violations] == ["type_ok", "refines_ewd998"]
    assert [str(a) for a in violation.trace.actions] == [
        "PassToken(i=n1, to=n1, q=0, color=black)"]
    assert violation.reason == "there is no token in any inbox"
    assert model.state_view(violation.trace.final)["inboxes"] == []


def test_an_active_node_passing_the_token_breaks_the_refinement():
    # PassToken without ~active[i]: TLC 2.15, EWD998Spec violated by 2 states
    model, result, violation = _violation("pass_while_active", "refines_ewd998")
    assert [v.property.name for v in result.violations] == ["refines_ewd998"]
    assert [str(a) for a in violation.trace.actions] == [
        "PassToken(i=n2, to=n2, q=0, color=black)"]
    assert violation.reason == "the step is none of EWD998's (token: (2, 0, 'black') → " \
                               "(1, 0, 'black'))"
    final = model.state_view(violation.trace.final)
    assert (final["n2.active"], final["inboxes"]) == (
        True, ["n1: Tok(to=n1, q=0, color=black)"])


def test_a_probe_after_a_conclusive_round_breaks_the_refinement():
    # InitiateProbe without its guard: TLC 2.15, EWD998Spec violated by 5
    # states (InitiateProbe, PassToken, PassToken, InitiateProbe), as ours
    model, result, violation = _violation("initiate_when_conclusive", "refines_ewd998")
    assert [v.property.name for v in result.violations] == ["refines_ewd998"]
    assert [str(a) for a in violation.trace.actions] == [
        "InitiateProbe(i=n0, to=n0, q=0, color=black)",
        "PassToken(i=n2, to=n2, q=0, color=white)", "PassToken(i=n1, to=n1, q=0, color=white)",
        "InitiateProbe(i=n0, to=n0, q=0, color=white)"]
    assert violation.reason == "the step is none of EWD998's (token: (0, 0, 'white') → " \
                               "(2, 0, 'white'))"
    assert model.state_view(violation.trace.final)["inboxes"] == [
        "n2: Tok(to=n2, q=0, color=white)"]


@pytest.mark.parametrize("ring, distinct, actions", [
    # TLC 2.15, N = 2: violated by 5 states (SendMsg, InitiateProbe,
    # Deactivate, PassToken) then stuttering, 540 states
    (2, 540, ["InitiateProbe(i=n0, to=n0, q=0, color=black)", "SendMsg(i=n0, j=n1)",
              "PassToken(i=n1, to=n1, q=0, color=white)"]),
    # N = 3: by 9 states then stuttering, 23,596 states
    pytest.param(3, 23_596, ["InitiateProbe(i=n0, to=n0, q=0, color=black)",
                             "SendMsg(i=n0, j=n1)", "PassToken(i=n2, to=n2, q=0, color=white)",
                             "PassToken(i=n1, to=n1, q=0, color=white)"],
                 marks=pytest.mark.slow),
])
def test_a_probe_blind_to_the_counters_breaks_ewd998_s_fairness(ring, distinct, actions):
    # InitiateProbe without counter[0] + q # 0: TLC 2.15, EWD998Spec (its
    # fairness) violated, TLC's lasso not the shortest; ours is: the token
    # passed round once, white, at node 0, whose counter is 1 (its payload
    # message to n1 not yet received), where EWD998's InitiateProbe
    # (counter[0] + q > 0) is enabled for ever and never taken
    model = _model(ring, 1, 1, mutant="initiate_only_when_black")
    result = _check(model)
    assert [v.property.name for v in result.violations] == ["ewd998_system_fair"]
    assert result.stats.distinct_states == distinct
    violation = result.violation("ewd998_system_fair")
    assert (violation.stem_length, violation.loop_length) == (len(actions), 0)
    assert [str(a) for a in violation.trace.actions] == actions
    assert violation.reason == ("for node n0, a fair behaviour ends up never reaching "
                                "EWD998 System fair")
    final = model.state_view(violation.trace.final)
    assert (final["n0.counter"], final["n0.color"], final["inboxes"]) == (
        1, "white", ["n0: Tok(to=n0, q=0, color=white)", "n1: Pl(to=n1)"])
