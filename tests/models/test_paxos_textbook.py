"""The `paxos-textbook` model: single-decree Paxos with proposers, acceptors
and learners over a bag network that loses, duplicates and reorders.

Pinned here: distinct-state counts and depths for fixed bounds, the
reachable set against a second, literal transcription of the protocol and
against the hand-compiled model the kit model replaced (the same steps to
the same states from every reachable state), the three witnesses, and each
mutant's shortest counterexample as `cmc check` finds it for the mutant's
spec in specs/.
"""

from __future__ import annotations

from collections import Counter, deque
from pathlib import Path

import pytest

from checker import CheckConfig, ParamError, check
from checker.spec import load_spec
from models import REGISTRY
from models.paxos_textbook import (AcceptorNode, LearnerNode, NackMsg,
                                   PaxosTextbook, PaxosWithDuplicateBallots, ProposerNode,
                                   Restart)
from tests.models import paxos_textbook_hand as hand
from tests.models.paxos_textbook_hand import PaxosState, kit_action, kit_state
from tests.spec_runs import checked_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"

NO_FAULTS = dict(drop=0, duplicate=0, crash=0)


# -- the protocol, transcribed literally -----------------------------------------


def spec_successors(model: hand.PaxosTextbook, s: PaxosState) -> list[PaxosState]:
    """Every next state, one protocol rule at a time, written from the
    protocol's description rather than from the model's code: the bag is a
    Counter, a step is enabled when the bag it leaves holds at most
    ``max_msgs`` messages, and the quorum is counted, not asked. (On the
    hand-compiled model's states.)"""
    proposers, acceptors, learners, network, votes, faults = s
    acceptor_ids, learner_ids = range(model.acceptors), range(model.learners)
    needed = model.acceptors // 2 + (model.mutant != "non_intersecting_quorums")
    drops, duplicates, crashes = faults

    def number(p, r):
        return r if model.mutant == "duplicate_ballots" else r * model.proposers + p

    def put(row, i, x):
        return tuple(x if j == i else old for j, old in enumerate(row))

    out = []

    def step(remove=(), add=(), props=proposers, accs=acceptors, lrns=learners,
             vts=votes, flts=faults):
        bag = Counter(network)
        bag.subtract(remove)
        bag.update(add)
        msgs = tuple(sorted(bag.elements()))
        if len(msgs) <= model.max_msgs:
            out.append(PaxosState(props, accs, lrns, msgs, vts, flts))

    for p, (r, phase, *_) in enumerate(proposers):
        if phase == "ready":  # Phase 1a: PREPARE(n) to every acceptor
            step(add=[("PREPARE", number(p, r), p, a) for a in acceptor_ids],
                 props=put(proposers, p, (r, "preparing", frozenset(), (-1, -1), -1)))

    for m in set(network):
        if m[0] == "PREPARE":  # Phase 1b, or a NACK below the promise
            _, n, p, a = m
            promised, acc_n, acc_v = acceptors[a]
            if n >= promised:
                step([m], [("PROMISE", n, a, p, acc_n, acc_v)],
                     accs=put(acceptors, a, (n, acc_n, acc_v)))
            else:
                step([m], [("NACK", n, a, p, promised)])
        elif m[0] == "PROMISE":  # a majority of promises: Phase 2a
            _, n, a, p, acc_n, acc_v = m
            r, phase, promised_by, highest, _ = proposers[p]
            if phase != "preparing" or n != number(p, r) or a in promised_by:
                step([m])
                continue
            promised_by, highest = promised_by | {a}, max(highest, (acc_n, acc_v))
            if len(promised_by) < needed:
                step([m], props=put(proposers, p, (r, phase, promised_by, highest, -1)))
                continue
            v = highest[1]
            if highest == (-1, -1) or model.mutant == "no_adopt":
                v = p
            step([m], [("ACCEPT", n, p, a2, v) for a2 in acceptor_ids],
                 props=put(proposers, p, (r, "accepting", frozenset(), (-1, -1), v)))
        elif m[0] == "NACK":  # give up n; retry above the promise if a round is left
            _, n, a, p, promised = m
            r, phase = proposers[p][:2]
            if phase in ("preparing", "accepting") and n == number(p, r):
                later = [r2 for r2 in range(r + 1, model.rounds) if number(p, r2) > promised]
                proposer = ((later[0], "ready", frozenset(), (-1, -1), -1) if later
                            else (r, "stopped", frozenset(), (-1, -1), -1))
                step([m], props=put(proposers, p, proposer))
            else:
                step([m])
        elif m[0] == "ACCEPT":  # Phase 2b, or a NACK below the promise
            _, n, p, a, v = m
            promised = acceptors[a][0]
            if n >= promised or model.mutant == "accept_below_promise":
                step([m], [("ACCEPTED", n, a, l, v) for l in learner_ids],
                     accs=put(acceptors, a, (max(n, promised), n, v)), vts=votes | {(n, v, a)})
            else:
                step([m], [("NACK", n, a, p, promised)])
        else:  # ACCEPTED: learn on a majority for one proposal
            _, n, a, l, v = m
            learned, heard = learners[l]
            if learned != -1:
                step([m])
                continue
            heard = heard | {(n, v, a)}
            if sum(1 for vote in heard if vote[:2] == (n, v)) >= needed:
                step([m], lrns=put(learners, l, (v, frozenset())))
            else:
                step([m], lrns=put(learners, l, (-1, heard)))

    for m in set(network):
        if drops:
            step([m], flts=(drops - 1, duplicates, crashes))
        if duplicates:
            step(add=[m], flts=(drops, duplicates - 1, crashes))
    if crashes:
        for a in acceptor_ids:
            kept = (-1, -1, -1) if model.mutant == "forgetful_acceptor" else acceptors[a]
            step(accs=put(acceptors, a, kept), flts=(drops, duplicates, crashes - 1))
    return out


def breadth_first(initial, successors) -> tuple[set, int]:
    """The reachable states and the depth of the deepest."""
    depth_of = {initial: 0}
    queue = deque([initial])
    while queue:
        s = queue.popleft()
        for t in successors(s):
            if t not in depth_of:
                depth_of[t] = depth_of[s] + 1
                queue.append(t)
    return set(depth_of), max(depth_of.values())


def model_reachable(model: PaxosTextbook) -> tuple[set, int]:
    def successors(s):
        steps = [t for _, t in model.successors(s)]
        assert s not in steps, "a step that changes nothing should not be generated"
        return steps
    (initial,) = model.initial_states()
    return breadth_first(initial, successors)


# The mutants' larger sets run in the slow suite (the differential test
# against the hand-compiled model covers every mutant in the default one).
@pytest.mark.parametrize("params, mutant, states, depth", [
    (dict(max_msgs=4, **NO_FAULTS), None, 2486, 26),
    pytest.param(dict(acceptors=2, max_msgs=3, learners=2), None, 24880, 26, marks=pytest.mark.slow),
    pytest.param(dict(acceptors=2, max_msgs=3, rounds=2, **NO_FAULTS), None, 5072, 36,
                 marks=pytest.mark.slow),
    (dict(acceptors=2, max_msgs=2, rounds=2), None, 2806, 26),
    pytest.param(dict(max_msgs=5, **NO_FAULTS), "no_adopt", 27482, 26,
                 marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=5, **NO_FAULTS), "accept_below_promise", 21155, 26,
                 marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=5, **NO_FAULTS), "non_intersecting_quorums", 11617, 26,
                 marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=4, drop=0, duplicate=0, crash=1), "forgetful_acceptor", 17479, 27,
                 marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=5, **NO_FAULTS), "duplicate_ballots", 18159, 26,
                 marks=pytest.mark.slow),
])
def test_reachable_states_are_exactly_the_transcriptions(params, mutant, states, depth):
    (initial,) = hand.PaxosTextbook(mutant=mutant, **params).initial_states()
    expected, expected_depth = breadth_first(
        initial, lambda s: spec_successors(hand.PaxosTextbook(mutant=mutant, **params), s))
    reached, reached_depth = model_reachable(PaxosTextbook(mutant=mutant, **params))
    assert reached == set(map(kit_state, expected))
    assert (len(expected), expected_depth, reached_depth) == (states, depth, depth)


@pytest.mark.parametrize("params, mutant, states", [
    pytest.param(dict(acceptors=2, learners=2, rounds=2, max_msgs=3, drop=1, duplicate=0),
                 None, 62812, marks=pytest.mark.slow),
    (dict(acceptors=2, rounds=2, max_msgs=2), None, 2806),
    pytest.param(dict(acceptors=2, learners=2, max_msgs=3, drop=0, duplicate=1),
                 "forgetful_acceptor", 9636, marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=4, **NO_FAULTS), "no_adopt", 2486, marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=4, **NO_FAULTS), "accept_below_promise", 1973,
                 marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=5, **NO_FAULTS), "non_intersecting_quorums", 11617, marks=pytest.mark.slow),
    pytest.param(dict(max_msgs=4, **NO_FAULTS), "duplicate_ballots", 1851,
                 marks=pytest.mark.slow),
    (dict(acceptors=3, learners=2, max_msgs=4, quorum={"weights": [2, 1, 1]}, **NO_FAULTS),
     None, 1873),
])
def test_the_kit_model_takes_the_hand_compiled_models_steps(params, mutant, states):
    """The readable model against the hand-compiled one it replaced
    (tests/models/paxos_textbook_hand.py): from every reachable state, the
    same steps to the same states (in another order: see the model's
    docstring)."""
    old, new = hand.PaxosTextbook(mutant=mutant, **params), PaxosTextbook(mutant=mutant, **params)
    (initial,) = old.initial_states()
    assert list(new.initial_states()) == [kit_state(initial)]
    seen, queue = {initial}, deque([initial])
    while queue:
        s = queue.popleft()
        steps = list(old.successors(s))
        assert sorted(new.successors(kit_state(s)), key=repr) == sorted(
            ((kit_action(a), kit_state(t)) for a, t in steps), key=repr)
        for _, t in steps:
            if t not in seen:
                seen.add(t)
                queue.append(t)
    assert len(seen) == states


def test_a_durable_restart_changes_nothing_but_the_budget():
    # With its promise and acceptance on stable storage, a crash-restart is
    # invisible: the states with one restart allowed are those without, each
    # once with the budget left and once with it spent (the part before the bag).
    without, depth = model_reachable(PaxosTextbook(max_msgs=4, **NO_FAULTS))
    with_crash, _ = model_reachable(PaxosTextbook(max_msgs=4, drop=0, duplicate=0, crash=1))
    assert (len(without), depth, len(with_crash)) == (2486, 26, 2 * 2486)
    assert {s[:-2] + ((0,), s[-1]) for s in with_crash} == without


# -- the engine's counts ---------------------------------------------------------


@pytest.mark.parametrize("params, states, depth", [
    (dict(max_msgs=4, **NO_FAULTS), 2486, 26),
    (dict(max_msgs=5, **NO_FAULTS), 27725, 26),
    (dict(max_msgs=4, drop=1, duplicate=0, crash=0), 16511, 26),
    (dict(max_msgs=4, drop=0, duplicate=1, crash=0), 13879, 28),
    (dict(max_msgs=4, learners=2, **NO_FAULTS), 1387, 32),
    pytest.param(dict(max_msgs=4, rounds=2, **NO_FAULTS), 39845, 52, marks=pytest.mark.slow),
])
def test_distinct_states_for_fixed_bounds(params, states, depth):
    result = check(PaxosTextbook(**params))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


def test_registered_with_its_parameters_mutants_and_properties():
    assert REGISTRY["paxos-textbook"] is PaxosTextbook
    assert PaxosTextbook().parameters() == {
        "proposers": 2, "acceptors": 3, "learners": 1, "rounds": 1, "max_msgs": 4,
        "drop": 1, "duplicate": 1, "crash": 1, "quorum": "majority"}
    assert list(PaxosTextbook.mutants) == [
        "no_adopt", "accept_below_promise", "non_intersecting_quorums",
        "forgetful_acceptor", "duplicate_ballots", "value_off_by_one",
        "learner_without_quorum"]
    assert PaxosTextbook.symmetry_sets == ("acceptors", "learners")
    assert list(PaxosTextbook.properties) == [
        "agreement", "learners_agree", "validity", "learned_implies_chosen",
        "value_chosen", "adopts_value", "acceptor_nacks"]
    # a fault with no budget is not among the instance's actions
    assert [kind.__name__ for kind in PaxosTextbook(**NO_FAULTS).actions] == [
        "Prepare", "ReceivePrepare", "ReceivePromise", "ReceiveNack", "ReceiveAccept",
        "ReceiveAccepted"]
    assert [kind.__name__ for kind in PaxosTextbook().actions][-3:] == [
        "Drop", "Duplicate", "Restart"]


def test_proposal_numbers_are_unique_and_increasing():
    model = PaxosTextbook(proposers=3, rounds=3)
    assert model.numbers == ((0, 3, 6), (1, 4, 7), (2, 5, 8))
    assert PaxosTextbook(proposers=3, rounds=3, mutant="duplicate_ballots").numbers == (
        (0, 1, 2),) * 3


def test_each_mutant_is_one_override():
    def roles(mutant):
        return [type(nodes[0]).__name__ for nodes in PaxosTextbook(mutant=mutant)._nodes]

    assert roles(None) == ["ProposerNode", "AcceptorNode", "LearnerNode"]
    assert roles("no_adopt")[0] == "ProposerIgnoringReports"
    assert roles("accept_below_promise")[1] == "AcceptorBreakingPromises"
    assert roles("forgetful_acceptor")[1] == "ForgetfulAcceptor"
    assert roles("learner_without_quorum")[2] == "HastyLearner"
    assert type(PaxosTextbook(mutant="duplicate_ballots")) is PaxosWithDuplicateBallots


# -- witnesses -------------------------------------------------------------------


@pytest.fixture(scope="module")
def witnesses():
    # Room for both proposers' broadcasts at once, so the runs read as drawn
    # in a lecture; every witness lies within 11 steps.
    model = PaxosTextbook(max_msgs=10, **NO_FAULTS)
    result = check(model, CheckConfig(
        properties=("value_chosen", "adopts_value", "acceptor_nacks"), max_depth=11))
    assert (result.stopped_by, result.stats.distinct_states) == ("max_depth", 9038)
    return model, {w.property.name: w.trace for w in result.witnesses}


def lines(trace) -> str:
    return "\n".join(str(action) for action in trace.actions)


def test_witness_a_value_is_chosen(witnesses):
    model, found = witnesses
    trace = found["value_chosen"]
    assert lines(trace) == """\
Prepare(p=p0, n=0)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p0→a1, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a0, n=0, v=v0)
ReceiveAccept(p0→a1, n=0, v=v0)"""
    assert model.state_view(trace.final)["chosen"] == {"v0": "in 0 by a0,a1"}


def test_witness_the_second_proposer_adopts_the_first_ones_value(witnesses):
    model, found = witnesses
    trace = found["adopts_value"]
    assert lines(trace) == """\
Prepare(p=p0, n=0)
Prepare(p=p1, n=1)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p1→a0, n=1)
ReceivePrepare(p0→a1, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a0→p1, n=1, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a1, n=0, v=v0)
ReceivePrepare(p1→a1, n=1)
ReceivePromise(a1→p1, n=1, accepted_n=0, accepted_v=v0)"""
    view = model.state_view(trace.final)
    # a1's promise reported its acceptance of v0, so p1 proposes v0, not v1
    assert (view["p1.phase"], view["p1.proposal"]) == ("accepting", "v0")
    assert [m for m in view["network"] if "p1→" in m] == [
        "AcceptMsg(p1→a0, n=1, v=v0)", "AcceptMsg(p1→a1, n=1, v=v0)",
        "AcceptMsg(p1→a2, n=1, v=v0)", "PrepareMsg(p1→a2, n=1)"]
    # with the no_adopt mutant the same run ends with p1 proposing v1
    mutant = PaxosTextbook(mutant="no_adopt", max_msgs=10, **NO_FAULTS)
    state = trace.steps[0].state
    for action in trace.actions:
        state = dict(mutant.successors(state))[action]
    assert mutant.state_view(state)["p1.proposal"] == "v1"


def test_witness_an_acceptor_nacks(witnesses):
    model, found = witnesses
    trace = found["acceptor_nacks"]
    assert lines(trace) == """\
Prepare(p=p0, n=0)
Prepare(p=p1, n=1)
ReceivePrepare(p1→a0, n=1)
ReceivePrepare(p0→a0, n=0)"""
    view = model.state_view(trace.final)
    assert view["a0.promised"] == 1
    assert "NackMsg(a0→p0, n=0, promised=1)" in view["network"]


def test_a_nack_makes_the_proposer_retry_above_the_promise():
    model = PaxosTextbook(proposers=2, rounds=3, max_msgs=10, **NO_FAULTS)
    (state,) = model.initial_states()
    for action in ("Prepare(p=p0, n=0)", "Prepare(p=p1, n=1)", "ReceivePrepare(p1→a0, n=1)",
                   "ReceivePrepare(p0→a0, n=0)", "ReceiveNack(a0→p0, n=0, promised=1)"):
        state = {str(a): t for a, t in model.successors(state)}[action]
    # round 1 is numbered 2, above the promise 1: p0 is ready to prepare it
    p0 = model.proposer(state, 0)
    assert (p0.round, model.numbers[0][p0.round], p0.phase) == (1, 2, "ready")
    assert "Prepare(p=p0, n=2)" in [str(a) for a, _ in model.successors(state)]
    # with one round only, a NACK stops the proposer
    single = PaxosTextbook(proposers=2, rounds=1, max_msgs=10, **NO_FAULTS)
    (state,) = single.initial_states()
    for action in ("Prepare(p=p0, n=0)", "Prepare(p=p1, n=1)", "ReceivePrepare(p1→a0, n=1)",
                   "ReceivePrepare(p0→a0, n=0)", "ReceiveNack(a0→p0, n=0, promised=1)"):
        state = {str(a): t for a, t in single.successors(state)}[action]
    assert single.proposer(state, 0).phase == "stopped"


# -- mutants: the counterexample `cmc check specs/paxos-textbook-mutant-*.yaml` shows


def shortest_violation(spec_name: str, prop: str = "agreement"):
    _, model, result = checked_spec(f"paxos-textbook-mutant-{spec_name}.yaml")
    assert result.verdict == "violated"
    assert [v.property.name for v in result.violations] == [prop]
    return model, result.violation(prop)


def acceptors(model, state) -> list[tuple]:
    """Each acceptor's promise, acceptance and votes."""
    return [(s.promised, s.accepted_n, s.accepted_v, sorted(s.votes))
            for s in (model.acceptor(state, a) for a in range(model.acceptors))]


def test_no_adopt_breaks_agreement():
    model, violation = shortest_violation("no-adopt")
    assert violation.reason == ("v0 is chosen in proposal 0 by a1,a2 and "
                                "v1 is chosen in proposal 1 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
Prepare(p=p1, n=1)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p1→a0, n=1)
ReceivePrepare(p0→a1, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a0→p1, n=1, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a1, n=0, v=v0)
ReceivePrepare(p1→a1, n=1)
ReceivePromise(a1→p1, n=1, accepted_n=0, accepted_v=v0)
ReceiveAccept(p1→a0, n=1, v=v1)
ReceiveAccept(p1→a1, n=1, v=v1)
ReceiveAccept(p0→a2, n=0, v=v0)"""
    # a1 reported its acceptance of v0 to p1, which proposed v1 anyway
    final = violation.trace.final
    assert acceptors(model, final) == [
        (1, 1, 1, [(1, 1)]), (1, 1, 1, [(0, 0), (1, 1)]), (0, 0, 0, [(0, 0)])]
    assert [model.proposer(final, p).proposal for p in (0, 1)] == [0, 1]
    assert model.state_view(final)["chosen"] == {"v0": "in 0 by a1,a2",
                                                 "v1": "in 1 by a0,a1"}


def test_accept_below_promise_breaks_agreement():
    model, violation = shortest_violation("accept-below-promise")
    assert violation.reason == ("v0 is chosen in proposal 0 by a0,a1 and "
                                "v1 is chosen in proposal 1 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
Prepare(p=p1, n=1)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p1→a0, n=1)
ReceivePrepare(p0→a1, n=0)
ReceivePrepare(p1→a1, n=1)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a0→p1, n=1, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p1, n=1, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a0, n=0, v=v0)
ReceiveAccept(p1→a0, n=1, v=v1)
ReceiveAccept(p0→a1, n=0, v=v0)
ReceiveAccept(p1→a1, n=1, v=v1)"""
    # a0 and a1 promised 1, reporting nothing, then accepted v0 in proposal 0
    assert acceptors(model, violation.trace.final) == [
        (1, 1, 1, [(0, 0), (1, 1)]), (1, 1, 1, [(0, 0), (1, 1)]), (-1, -1, -1, [])]


def test_non_intersecting_quorums_break_agreement():
    model, violation = shortest_violation("non-intersecting-quorums")
    assert str(model.quorums) == "any 1 of 3"
    assert violation.reason == ("v0 is chosen in proposal 0 by a1 and "
                                "v1 is chosen in proposal 1 by a0")
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
Prepare(p=p1, n=1)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p1→a0, n=1)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a0→p1, n=1, accepted_n=none, accepted_v=none)
ReceiveAccept(p1→a0, n=1, v=v1)
ReceiveAccept(p0→a1, n=0, v=v0)"""
    # {a0} promised both proposals; {a1} chose v0 and {a0} chose v1
    assert acceptors(model, violation.trace.final) == [
        (1, 1, 1, [(1, 1)]), (0, 0, 0, [(0, 0)]), (-1, -1, -1, [])]


def test_forgetful_acceptor_breaks_agreement():
    model, violation = shortest_violation("forgetful-acceptor")
    assert violation.reason == ("v0 is chosen in proposal 0 by a0,a1 and "
                                "v1 is chosen in proposal 1 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p0→a1, n=0)
ReceivePrepare(p0→a2, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a2→p0, n=0, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a0, n=0, v=v0)
ReceiveAccept(p0→a1, n=0, v=v0)
ReceiveAccepted(a0→l0, n=0, v=v0)
Prepare(p=p1, n=1)
ReceivePrepare(p1→a2, n=1)
ReceivePromise(a2→p1, n=1, accepted_n=none, accepted_v=none)
ReceiveAccepted(a1→l0, n=0, v=v0)
Restart(a=a0)
ReceivePrepare(p1→a0, n=1)
ReceivePromise(a0→p1, n=1, accepted_n=none, accepted_v=none)
ReceiveAccept(p1→a0, n=1, v=v1)
ReceiveAccept(p1→a1, n=1, v=v1)"""
    # l0 learned v0; a0 restarted blank (its votes are history), so p1's
    # promises reported nothing
    steps = violation.trace.steps
    assert acceptors(model, steps[14].state)[0] == (0, 0, 0, [(0, 0)])
    assert acceptors(model, steps[15].state)[0] == (-1, -1, -1, [(0, 0)])
    assert model.learned(violation.trace.final) == [0]
    assert acceptors(model, violation.trace.final) == [
        (1, 1, 1, [(0, 0), (1, 1)]), (1, 1, 1, [(0, 0), (1, 1)]), (1, -1, -1, [])]
    # the same restart in the correct model keeps a0's acceptance
    durable = PaxosTextbook(**dict(model.parameters()))
    assert acceptors(durable, dict(durable.successors(steps[14].state))[Restart(0)])[0] == (
        0, 0, 0, [(0, 0)])


def test_duplicate_ballots_break_agreement():
    model, violation = shortest_violation("duplicate-ballots")
    assert violation.reason == ("v0 is chosen in proposal 0 by a0,a1 and "
                                "v1 is chosen in proposal 0 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
Prepare(p=p1, n=0)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p1→a0, n=0)
ReceivePrepare(p0→a1, n=0)
ReceivePrepare(p1→a1, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a0→p1, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p1, n=0, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a0, n=0, v=v0)
ReceiveAccept(p1→a0, n=0, v=v1)
ReceiveAccept(p0→a1, n=0, v=v0)
ReceiveAccept(p1→a1, n=0, v=v1)"""
    # a0 and a1 took p1's PREPARE(0) for a repeat of p0's and promised again
    assert acceptors(model, violation.trace.final) == [
        (0, 0, 1, [(0, 0), (0, 1)]), (0, 0, 1, [(0, 0), (0, 1)]), (-1, -1, -1, [])]


def test_value_off_by_one_breaks_validity():
    model, violation = shortest_violation("value-off-by-one", "validity")
    assert violation.reason == "v1 chosen or learned but never proposed"
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p0→a1, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a0, n=0, v=v1)
ReceiveAccept(p0→a1, n=0, v=v1)"""
    # p0 sent p1's value; p1 has not started
    assert model.proposer(violation.trace.final, 1).phase == "ready"


def test_learner_without_quorum_breaks_learned_implies_chosen():
    model, violation = shortest_violation("learner-without-quorum", "learned_implies_chosen")
    assert violation.reason == "l0 learned v0, which is not chosen"
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p0→a1, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a0, n=0, v=v0)
ReceiveAccepted(a0→l0, n=0, v=v0)"""
    assert model.state_view(violation.trace.final)["chosen"] == {}


def test_learners_learn_different_values_without_adoption():
    # Two acceptors (a quorum is both) and two learners: l0 learns v0, then
    # p1 hears v0 from both acceptors, proposes v1 anyway, and l1 learns it.
    model, violation = shortest_violation("no-adopt-learners", "learners_agree")
    assert violation.reason == "l0 learned v0, l1 learned v1"
    assert lines(violation.trace) == """\
Prepare(p=p0, n=0)
Prepare(p=p1, n=1)
ReceivePrepare(p0→a0, n=0)
ReceivePrepare(p0→a1, n=0)
ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)
ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)
ReceiveAccept(p0→a0, n=0, v=v0)
ReceivePrepare(p1→a0, n=1)
ReceivePromise(a0→p1, n=1, accepted_n=0, accepted_v=v0)
ReceiveAccept(p0→a1, n=0, v=v0)
ReceivePrepare(p1→a1, n=1)
ReceivePromise(a1→p1, n=1, accepted_n=0, accepted_v=v0)
ReceiveAccepted(a0→l0, n=0, v=v0)
ReceiveAccept(p1→a0, n=1, v=v1)
ReceiveAccepted(a1→l0, n=0, v=v0)
ReceiveAccept(p1→a1, n=1, v=v1)
ReceiveAccepted(a0→l1, n=1, v=v1)
ReceiveAccepted(a1→l1, n=1, v=v1)"""
    assert model.learned_implies_chosen(violation.trace.final)


class StrictAcceptor(AcceptorNode):
    """The textbook's wording taken literally: a PREPARE(n) with n equal to
    the promise gets a NACK, not a second promise."""

    def receive_prepare(self, s, m):
        if m.n == s.promised:
            return s, [NackMsg(m.n, self.id, m.p, s.promised)]
        return super().receive_prepare(s, m)


class StrictPromise(PaxosWithDuplicateBallots):
    roles = (ProposerNode, StrictAcceptor, LearnerNode)
    next = None


def test_with_strict_promises_duplicate_numbers_are_harmless():
    # Why the model's acceptor promises again on n == promised: under the
    # strict rule an acceptor promises each number to one proposer only, so
    # two proposers sharing a number never both gather a majority, and the
    # duplicate_ballots mutant could not be caught (at its spec's bounds).
    spec = load_spec(SPECS / "paxos-textbook-mutant-duplicate-ballots.yaml", REGISTRY)
    result = check(StrictPromise(**spec.params), CheckConfig(
        properties=("agreement", "learners_agree", "validity", "learned_implies_chosen",
                    "value_chosen", "acceptor_nacks")))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 22666


# -- parameters ------------------------------------------------------------------


def test_the_network_must_hold_one_broadcast():
    with pytest.raises(ParamError) as error:
        PaxosTextbook(acceptors=5, max_msgs=4)
    assert error.value.field == "params.max_msgs"
    assert "use max_msgs: 5" in error.value.message


def test_non_intersecting_mutant_needs_two_acceptors():
    with pytest.raises(ParamError) as error:
        PaxosTextbook(acceptors=1, mutant="non_intersecting_quorums")
    assert error.value.field == "params.acceptors"


# -- sequence charts ---------------------------------------------------------------


def test_step_events_come_from_the_handlers_with_notes_of_what_changed():
    from checker.model import Note, Received, Sent
    model = PaxosTextbook(max_msgs=10)
    (state,) = model.initial_states()

    def take(action_text):
        nonlocal state
        before = state
        action, state = next((a, t) for a, t in model.successors(state)
                             if str(a) == action_text)
        return model.step_events(before, action, state)

    # a chart's labels leave the arrow to the chart; a note of the network keeps it
    prepare, promise = "PrepareMsg(n=0)", "PromiseMsg(n=0, accepted_n=none, accepted_v=none)"
    assert take("Prepare(p=p0, n=0)") == [
        Sent("p0", f"a{a}", prepare) for a in range(3)] + [Note("p0", "prepares 0")]
    assert take("ReceivePrepare(p0→a1, n=0)") == [
        Received("p0", "a1", prepare), Sent("a1", "p0", promise),
        Note("a1", "promised 0")]
    sent = "PromiseMsg(a1→p0, n=0, accepted_n=none, accepted_v=none)"
    assert take(f"Duplicate(message={sent})") == [Note("network", f"duplicate {sent}")]
    assert take("Drop(message=PrepareMsg(p0→a2, n=0))") == [
        Note("network", "drop PrepareMsg(p0→a2, n=0)")]
    assert take("Restart(a=a1)") == [Note("a1", "crashes and restarts")]
    assert take("ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)") == [
        Received("a1", "p0", promise)]
    assert take("ReceivePrepare(p0→a0, n=0)")[-1] == Note("a0", "promised 0")
    assert take("ReceivePromise(a0→p0, n=0, accepted_n=none, accepted_v=none)") == [
        Received("a0", "p0", promise)] + [
        Sent("p0", f"a{a}", "AcceptMsg(n=0, v=v0)") for a in range(3)] + [
        Note("p0", "proposes v0 in 0")]
    # the duplicate of a1's promise arrives after p0 moved on: no effect
    assert take("ReceivePromise(a1→p0, n=0, accepted_n=none, accepted_v=none)") == [
        Received("a1", "p0", promise)]
    assert take("ReceiveAccept(p0→a0, n=0, v=v0)") == [
        Received("p0", "a0", "AcceptMsg(n=0, v=v0)"),
        Sent("a0", "l0", "AcceptedMsg(n=0, v=v0)"), Note("a0", "accepted 0:v0")]
