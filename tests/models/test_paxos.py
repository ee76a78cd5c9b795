"""The `paxos` model: Lamport's Paxos.tla, state for state.

Pinned here: TLC's count for the TLA+ Examples' configuration, the reachable
set itself against a literal (slow) transcription of the spec's actions and
against the hand-compiled model it replaced (step for step, in order), the
shortest witnesses, each mutant's shortest counterexample, and what the kit
derives from the handlers (sequence charts, memo counts).
"""

from __future__ import annotations

from collections import deque

import pytest

from checker import CheckConfig, ParamError, check
from checker.model import Received, Sent
from models import REGISTRY
from models.paxos import (AcceptorBreakingPromises, AcceptorNode, Leader, LeaderIgnoringVotes,
                          LeaderOffByOne, Msg1a, Msg1b,
                          Msg2a, Msg2b, Paxos, PaxosWithSmallQuorums, Phase1a, Phase1b, Phase2a,
                          Phase2b)
from tests.models import paxos_hand
from tests.brute_force import reachable_states as reachable
from tests.models.paxos_hand import PaxosState, kit_action, kit_state, state


# -- the spec, transcribed literally ------------------------------------------


def spec_successors(model: paxos_hand.Paxos, s: PaxosState) -> list[PaxosState]:
    """Next of Paxos.tla, one conjunct at a time, scanning msgs as the spec
    does (stuttering steps included), with the model's mutants. (On the
    hand-compiled model's states: one tuple per spec variable.)"""
    Msg1a, Msg1b, Msg2a, Msg2b = (paxos_hand.Msg1a, paxos_hand.Msg1b, paxos_hand.Msg2a,
                                  paxos_hand.Msg2b)
    max_bal, max_vbal, max_val, msgs = s
    acceptors, values, ballots = (range(model.acceptors), range(model.values),
                                  range(model.ballots))
    quorums = model.quorums.phase1.quorums

    def put(row, a, x):
        return tuple(x if i == a else old for i, old in enumerate(row))

    out = []
    for b in ballots:
        out.append(PaxosState(max_bal, max_vbal, max_val, msgs | {Msg1a(b)}))
        for v in values:
            if any(isinstance(m, Msg2a) and m.bal == b for m in msgs):
                continue
            for q in quorums:
                q1b = [m for m in msgs if isinstance(m, Msg1b) and m.acc in q and m.bal == b]
                q1bv = [m for m in q1b if m.mbal >= 0]
                if all(any(m.acc == a for m in q1b) for a in q) and (
                        not q1bv or model.mutant == "no_adopt"
                        or any(m.mval == v and all(m.mbal >= mm.mbal for mm in q1bv)
                               for m in q1bv)):
                    out.append(PaxosState(max_bal, max_vbal, max_val, msgs | {Msg2a(b, v)}))
                    break
    for a in acceptors:
        for m in msgs:
            if isinstance(m, Msg1a) and m.bal > max_bal[a]:
                out.append(PaxosState(put(max_bal, a, m.bal), max_vbal, max_val,
                                      msgs | {Msg1b(a, m.bal, max_vbal[a], max_val[a])}))
        for m in msgs:
            if isinstance(m, Msg2a) and (m.bal >= max_bal[a]
                                         or model.mutant == "accept_below_promise"):
                out.append(PaxosState(put(max_bal, a, m.bal), put(max_vbal, a, m.bal),
                                      put(max_val, a, m.val), msgs | {Msg2b(a, m.bal, m.val)}))
    return out


def spec_reachable(model: paxos_hand.Paxos) -> tuple[set[PaxosState], int]:
    """Every reachable state of the literal transcription, and the depth."""
    (initial,) = model.initial_states()
    depth_of = {initial: 0}
    queue = deque([initial])
    while queue:
        s = queue.popleft()
        for t in spec_successors(model, s):
            if t not in depth_of:
                depth_of[t] = depth_of[s] + 1
                queue.append(t)
    return set(depth_of), max(depth_of.values())


def model_reachable(model: Paxos) -> set[tuple]:
    (initial,) = model.initial_states()
    seen, queue = {initial}, deque([initial])
    while queue:
        s = queue.popleft()
        for _, t in model.successors(s):
            assert t != s, "a step that changes nothing should not be generated"
            if t not in seen:
                seen.add(t)
                queue.append(t)
    return seen


@pytest.mark.parametrize("params, mutant, states, depth", [
    (dict(acceptors=1, values=2, ballots=2), None, 45, 8),
    (dict(acceptors=2, values=2, ballots=2), None, 145, 12),
    (dict(acceptors=3, values=1, ballots=2), None, 1681, 16),
    pytest.param(dict(acceptors=2, values=2, ballots=3), None, 1501, 18, marks=pytest.mark.slow),
    pytest.param(dict(acceptors=4, values=1, ballots=2), None, 9409, 20, marks=pytest.mark.slow),
    (dict(acceptors=3, values=2, ballots=2, quorum={"flexible": {"phase1": 3, "phase2": 1}}),
     None, 513, 16),
    (dict(acceptors=3, values=2, ballots=2), "no_adopt", 5329, 16),
    (dict(acceptors=2, values=2, ballots=2), "accept_below_promise", 851, 16),
    pytest.param(dict(acceptors=3, values=2, ballots=2), "non_intersecting_quorums", 12513, 16,
                 marks=pytest.mark.slow),
])
def test_reachable_states_are_exactly_the_specs(params, mutant, states, depth):
    model = Paxos(mutant=mutant, **params)
    expected, expected_depth = spec_reachable(paxos_hand.Paxos(mutant=mutant, **params))
    assert model_reachable(model) == set(map(kit_state, expected))
    assert (len(expected), expected_depth) == (states, depth)
    result = check(Paxos(mutant=mutant, **params), CheckConfig(properties=()))
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


@pytest.mark.parametrize("params, mutant", [
    (dict(acceptors=3, values=2, ballots=2), None),
    (dict(acceptors=2, values=2, ballots=3), None),
    pytest.param(dict(acceptors=4, values=1, ballots=2), None, marks=pytest.mark.slow),
    (dict(acceptors=3, values=2, ballots=2, quorum={"weights": [2, 1, 1]}), None),
    pytest.param(dict(acceptors=3, values=2, ballots=2,
                      quorum={"flexible": {"phase1": 3, "phase2": 1}}), None,
                 marks=pytest.mark.slow),
    pytest.param(dict(acceptors=3, values=2, ballots=2), "no_adopt", marks=pytest.mark.slow),
    (dict(acceptors=2, values=2, ballots=2), "accept_below_promise"),
    (dict(acceptors=3, values=2, ballots=2), "non_intersecting_quorums"),
])
def test_the_kit_model_takes_the_hand_compiled_models_steps_in_its_order(params, mutant):
    """The readable model against the hand-compiled one it replaced
    (tests/models/paxos_hand.py): from every reachable state, the same
    steps to the same states in the same order (so the same traces)."""
    hand, kit = paxos_hand.Paxos(mutant=mutant, **params), Paxos(mutant=mutant, **params)
    (initial,) = hand.initial_states()
    assert list(kit.initial_states()) == [kit_state(initial)]
    seen, queue = {initial}, deque([initial])
    while queue:
        s = queue.popleft()
        steps = hand.successors(s)
        assert kit.successors(kit_state(s)) == [(kit_action(a), kit_state(t)) for a, t in steps]
        for _, t in steps:
            if t not in seen:
                seen.add(t)
                queue.append(t)


# -- TLC's numbers ------------------------------------------------------------


def test_tlc_configuration_three_acceptors_two_values_ballots_0_1():
    # MCPaxosTiny of the TLA+ Examples: TLC reports 3,921 distinct states and
    # depth 17 (it counts the initial state as depth 1).
    result = check(Paxos(acceptors=3, values=2, ballots=2))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 3921
    assert result.stats.depth == 16
    assert result.stats.actions == {"Phase1a": 146, "Phase1b": 2448, "Phase2a": 992,
                                    "Phase2b": 5856}
    assert {w.property.name for w in result.witnesses} == {
        "value_chosen", "adopts_earlier_vote", "stale_1a_ignored"}


@pytest.mark.slow  # specs/paxos-3a-2v-3b.yaml pins the same count in the default suite
def test_three_acceptors_two_values_ballots_0_1_2():
    result = check(Paxos(acceptors=3, values=2, ballots=3))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 185_369
    assert result.stats.depth == 24
    assert result.stats.actions == {"Phase1a": 11763, "Phase1b": 125556, "Phase2a": 73512,
                                    "Phase2b": 280704}


def test_registered_with_its_parameters_and_mutants():
    assert REGISTRY["paxos"] is Paxos
    model = Paxos()
    assert model.parameters() == {"acceptors": 3, "values": 2, "ballots": 2,
                                  "quorum": "majority"}
    assert set(Paxos.mutants) == {"no_adopt", "accept_below_promise",
                                  "non_intersecting_quorums", "value_off_by_one"}
    assert Paxos.symmetry_sets == ("acceptors", "values")
    assert list(Paxos.properties) == ["agreement", "validity", "value_chosen", "termination",
                                      "adopts_earlier_vote", "stale_1a_ignored"]


# -- witnesses ----------------------------------------------------------------


@pytest.fixture(scope="module")
def witnesses():
    result = check(Paxos(), CheckConfig(
        properties=("value_chosen", "adopts_earlier_vote", "stale_1a_ignored")))
    return {w.property.name: w.trace for w in result.witnesses}


def test_witness_a_value_is_chosen(witnesses):
    trace = witnesses["value_chosen"]
    assert trace.actions == (
        Phase1a(0),
        Phase1b(0, 0),
        Phase1b(1, 0),
        Phase2a(0, 0),
        Phase2b(0, 0, 0),
        Phase2b(1, 0, 0),
    )
    assert trace.final == state(
        (0, 0, -1), (0, 0, -1), (0, 0, None),
        Msg1a(0), Msg1b(0, 0, -1, None), Msg1b(1, 0, -1, None), Msg2a(0, 0),
        Msg2b(0, 0, 0), Msg2b(1, 0, 0))
    assert Paxos().chosen(trace.final) == {0: ((0, (0, 1)),)}


def test_witness_a_later_ballot_adopts_an_earlier_vote(witnesses):
    trace = witnesses["adopts_earlier_vote"]
    assert trace.actions == (
        Phase1a(0),
        Phase1a(1),
        Phase1b(0, 0),
        Phase1b(0, 1),
        Phase1b(1, 0),
        Phase2a(0, 0),      # ballot 0 proposes value 0 ...
        Phase2b(1, 0, 0),   # ... acceptor 1 votes for it ...
        Phase1b(1, 1),      # ... and reports that vote to ballot 1,
        Phase2a(1, 0),      # whose leader must propose value 0 again
    )
    assert trace.final == state(
        (1, 1, -1), (-1, 0, -1), (None, 0, None),
        Msg1a(0), Msg1a(1), Msg1b(0, 0, -1, None), Msg1b(0, 1, -1, None),
        Msg1b(1, 0, -1, None), Msg2a(0, 0), Msg2b(1, 0, 0), Msg1b(1, 1, 0, 0),
        Msg2a(1, 0))
    # the other value was not an option for ballot 1
    before = trace.steps[-2].state
    assert [action for action, _ in Paxos().successors(before)
            if isinstance(action, Phase2a)] == [Phase2a(1, 0)]


def test_witness_an_acceptor_ignores_a_stale_1a(witnesses):
    trace = witnesses["stale_1a_ignored"]
    assert trace.actions == (Phase1a(0), Phase1a(1), Phase1b(0, 1))
    assert trace.final == state(
        (1, -1, -1), (-1, -1, -1), (None, None, None),
        Msg1a(0), Msg1a(1), Msg1b(0, 1, -1, None))
    assert Phase1b(0, 0) not in [action for action, _ in Paxos().successors(trace.final)]


# -- mutants ------------------------------------------------------------------


def shortest_violation(mutant: str):
    result = check(Paxos(mutant=mutant))
    assert result.verdict == "violated"
    assert [v.property.name for v in result.violations] == ["agreement"]
    return result.violation("agreement")


def test_no_adopt_breaks_agreement():
    violation = shortest_violation("no_adopt")
    assert violation.reason == ("value 0 is chosen in ballot 0 by acceptors 1, 2; "
                                "value 1 is chosen in ballot 1 by acceptors 0, 1")
    assert violation.trace.actions == (
        Phase1a(0),
        Phase1a(1),
        Phase1b(0, 0),
        Phase1b(0, 1),
        Phase1b(1, 0),
        Phase2a(0, 0),
        Phase2b(1, 0, 0),
        Phase1b(1, 1),      # acceptor 1 reports its vote for value 0 ...
        Phase2b(2, 0, 0),   # (value 0 is chosen)
        Phase2a(1, 1),      # ... and ballot 1 proposes value 1 all the same
        Phase2b(0, 1, 1),
        Phase2b(1, 1, 1),
    )
    assert violation.trace.final == state(
        (1, 1, 0), (1, 1, 0), (1, 1, 0),
        Msg1a(0), Msg1a(1), Msg1b(0, 0, -1, None), Msg1b(0, 1, -1, None),
        Msg1b(1, 0, -1, None), Msg2a(0, 0), Msg2b(1, 0, 0), Msg1b(1, 1, 0, 0),
        Msg2b(2, 0, 0), Msg2a(1, 1), Msg2b(0, 1, 1), Msg2b(1, 1, 1))


def test_accept_below_promise_breaks_agreement():
    violation = shortest_violation("accept_below_promise")
    assert violation.reason == ("value 0 is chosen in ballot 0 by acceptors 0, 1; "
                                "value 1 is chosen in ballot 1 by acceptors 0, 1")
    assert violation.trace.actions == (
        Phase1a(0),
        Phase1a(1),
        Phase1b(0, 0),
        Phase1b(0, 1),
        Phase1b(1, 0),
        Phase1b(1, 1),      # acceptors 0 and 1 promise ballot 1, reporting no vote
        Phase2a(0, 0),
        Phase2b(0, 0, 0),   # ... yet vote in ballot 0, below their promise
        Phase2b(1, 0, 0),
        Phase2a(1, 1),
        Phase2b(0, 1, 1),
        Phase2b(1, 1, 1),
    )
    assert violation.trace.final == state(
        (1, 1, -1), (1, 1, -1), (1, 1, None),
        Msg1a(0), Msg1a(1), Msg1b(0, 0, -1, None), Msg1b(0, 1, -1, None),
        Msg1b(1, 0, -1, None), Msg1b(1, 1, -1, None), Msg2a(0, 0), Msg2b(0, 0, 0),
        Msg2b(1, 0, 0), Msg2a(1, 1), Msg2b(0, 1, 1), Msg2b(1, 1, 1))


def test_non_intersecting_quorums_break_agreement():
    violation = shortest_violation("non_intersecting_quorums")
    assert violation.reason == ("value 0 is chosen in ballot 0 by acceptors 1; "
                                "value 1 is chosen in ballot 1 by acceptors 0")
    assert violation.trace.actions == (
        Phase1a(0),
        Phase1a(1),
        Phase1b(0, 0),
        Phase1b(0, 1),
        Phase2a(0, 0),      # quorum {0} answered ballot 0
        Phase2b(1, 0, 0),   # quorum {1} chooses value 0
        Phase2a(1, 1),      # quorum {0} answered ballot 1, reporting no vote
        Phase2b(0, 1, 1),   # quorum {0} chooses value 1
    )
    assert violation.trace.final == state(
        (1, 0, -1), (1, 0, -1), (1, 0, None),
        Msg1a(0), Msg1a(1), Msg1b(0, 0, -1, None), Msg1b(0, 1, -1, None), Msg2a(0, 0),
        Msg2b(1, 0, 0), Msg2a(1, 1), Msg2b(0, 1, 1))


def test_value_off_by_one_breaks_validity():
    result = check(Paxos(mutant="value_off_by_one"), CheckConfig(properties=("validity",)))
    assert (result.verdict, result.stats.distinct_states) == ("violated", 262)
    violation = result.violation("validity")
    assert violation.reason == "2 is chosen but is not a value"
    assert violation.trace.actions == (
        Phase1a(0),
        Phase1b(0, 0),
        Phase1b(1, 0),
        Phase2a(0, 1),      # the leader picks value 1 and sends 2
        Phase2b(0, 0, 2),
        Phase2b(1, 0, 2),   # a quorum votes for 2, which is not a value
    )
    assert violation.trace.final == state(
        (0, 0, -1), (0, 0, -1), (2, 2, None),
        Msg1a(0), Msg1b(0, 0, -1, None), Msg1b(1, 0, -1, None), Msg2a(0, 2),
        Msg2b(0, 0, 2), Msg2b(1, 0, 2))


# -- parameters ---------------------------------------------------------------


def test_quorums_that_need_not_intersect_are_rejected():
    """Built directly the model runs (a spec expecting a violation may use the
    rule); `check_sound`, which the spec loader calls otherwise, rejects it."""
    model = Paxos(quorum={"threshold": 1})
    with pytest.raises(ParamError) as error:
        model.check_sound()
    assert error.value.field == "params.quorum"
    assert "do not intersect" in error.value.message


def test_non_intersecting_mutant_needs_two_acceptors():
    with pytest.raises(ParamError) as error:
        Paxos(acceptors=1, mutant="non_intersecting_quorums")
    assert error.value.field == "params.acceptors"


def test_flexible_quorums_keep_agreement():
    # Phase 1 needs all three acceptors, so any single vote can choose.
    model = Paxos(quorum={"flexible": {"phase1": 3, "phase2": 1}})
    result = check(model)
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 513
    assert model.chosen(result.witness("value_chosen").trace.final) == {0: ((0, (0,)),)}


# -- what the kit derives from the handlers ------------------------------------------


def test_each_mutant_is_one_override():
    """A mutant replaces one class: a node class (its role's nodes run the
    override) or the model (for the quorum rule); the others are the normal ones."""
    def roles(mutant):
        return [type(nodes[0]) for nodes in Paxos(mutant=mutant)._nodes]

    assert roles(None) == [Leader, AcceptorNode]
    assert roles("no_adopt") == [LeaderIgnoringVotes, AcceptorNode]
    assert roles("accept_below_promise") == [Leader, AcceptorBreakingPromises]
    assert roles("value_off_by_one") == [LeaderOffByOne, AcceptorNode]
    assert type(Paxos()) is Paxos
    assert type(Paxos(mutant="non_intersecting_quorums")) is PaxosWithSmallQuorums
    assert Paxos(mutant="non_intersecting_quorums").quorums.phase1.quorums[0] == frozenset({0})
    assert Paxos.mutants["accept_below_promise"] == (
        "Phase2b votes for a 2a message below max_bal; breaks Agreement")


def test_sequence_chart_events_come_from_the_handlers(witnesses):
    trace = witnesses["adopts_earlier_vote"]
    model = Paxos()
    events = [model.step_events(before.state, after.action, after.state)
              for before, after in zip(trace.steps, trace.steps[1:])]
    assert events[0] == [Sent("p0", f"a{a}", "Msg1a(bal=0)") for a in range(3)]
    assert events[2] == [Received("p0", "a0", "Msg1a(bal=0)"),
                         Sent("a0", "p0", "Msg1b(acc=0, bal=0, mbal=-1, mval=none)")]
    # Phase2a(1, 0) reads the 1b messages for ballot 1, one reporting a vote
    assert events[8] == [Received("a0", "p1", "Msg1b(acc=0, bal=1, mbal=-1, mval=none)"),
                         Received("a1", "p1", "Msg1b(acc=1, bal=1, mbal=0, mval=0)")] + [
        Sent("p1", f"a{a}", "Msg2a(bal=1, val=0)") for a in range(3)]
    assert events[6] == [Received("p0", "a1", "Msg2a(bal=0, val=0)"),
                         Sent("a1", "learners", "Msg2b(acc=1, bal=0, val=0)")]


def test_state_view_names_each_acceptors_variables():
    model = Paxos(acceptors=2)
    s = state((0, -1), (0, -1), (1, None), Msg1a(0), Msg2a(0, 1), Msg2b(0, 0, 1))
    assert model.state_view(s) == {
        "a0.max_bal": 0, "a0.max_vbal": 0, "a0.max_val": 1,
        "a1.max_bal": -1, "a1.max_vbal": -1, "a1.max_val": None,
        "msgs": ["Msg1a(bal=0)", "Msg2a(bal=0, val=1)", "Msg2b(acc=0, bal=0, val=1)"]}


@pytest.mark.parametrize("ballots, counts", [
    (2, (3921, 11763, 1304, 366, 490)),
    pytest.param(3, (185_369, 556_107, 29_956, 2_356, 2_807), marks=pytest.mark.slow),
])
def test_handlers_run_once_per_distinct_input(ballots, counts):
    """Memo counts over a plain search: one plan look-up per group (three)
    per state; handlers run a few thousand times for 185,369 states."""
    model = Paxos(ballots=ballots)
    states = len(reachable(model))
    stats = model.memo_stats()
    assert (states, stats["plan_lookups"], stats["plan_misses"], stats["node_plan_misses"],
            stats["handler_runs"]) == counts
    assert stats["restarts"] == 0


def test_the_value_off_by_one_mutant_under_symmetry_is_reduced_over_acceptors_or_refused():
    # its 2a carries v + 1, past the values: renaming raised IndexError, an
    # internal error (exit 4); an id past its set now stays as it is
    from checker import ModelDefinitionError

    model = Paxos(mutant="value_off_by_one", acceptors=3, values=2, ballots=2)
    over_acceptors = check(model, CheckConfig(properties=("validity",),
                                              symmetry=("acceptors",)))
    found = over_acceptors.violation("validity")
    assert (len(found.trace), over_acceptors.stats.distinct_states) == (6, 78)
    with pytest.raises(ModelDefinitionError) as refused:
        check(model, CheckConfig(properties=("validity",), symmetry=("acceptors", "values")))
    assert "does not commute with successors()" in str(refused.value)


def test_a_spec_of_the_non_intersecting_mutant_must_expect_the_violation(tmp_path):
    # (it was refused at params.quorum, a field the spec never wrote: the
    # mutant chose the rule)
    from checker.errors import SpecError
    from checker.spec import load_spec

    path = tmp_path / "niq.yaml"
    path.write_text("model: paxos\nmutant: non_intersecting_quorums\n"
                    "params: {acceptors: 4, values: 2, ballots: 2}\n")
    with pytest.raises(SpecError) as refused:
        load_spec(path, REGISTRY)
    assert str(refused.value) == (
        f"{path}:2: mutant: the mutant's quorum rule, any 2 of 4: quorums {{1,2}} and {{3,4}} "
        "do not intersect, so two leaders can decide apart; such a rule is allowed only in a "
        "spec that expects a violation (give the spec expect: {verdict: violated})")
    path.write_text(path.read_text() + "expect: {verdict: violated}\n")
    assert load_spec(path, REGISTRY).mutant == "non_intersecting_quorums"
