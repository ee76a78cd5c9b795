"""The `paxos-textbook` model: single-decree Paxos with proposers, acceptors
and learners over a bag network that loses, duplicates and reorders.

Pinned here: distinct-state counts and depths for fixed bounds, the
reachable set against a second, literal transcription of the protocol, the
three witnesses, and each mutant's shortest counterexample as `cmc check`
finds it for the mutant's spec in specs/.
"""

from __future__ import annotations

from collections import Counter, deque
from pathlib import Path

import pytest

from checker import CheckConfig, ParamError, check
from checker.spec import load_spec
from tests.spec_runs import checked_spec
from models import REGISTRY
from models.paxos_textbook import PaxosState, PaxosTextbook, ReceivePrepare, Restart

SPECS = Path(__file__).resolve().parents[2] / "specs"

NO_FAULTS = dict(drop=0, duplicate=0, crash=0)


# -- the protocol, transcribed literally -----------------------------------------


def spec_successors(model: PaxosTextbook, s: PaxosState) -> list[PaxosState]:
    """Every next state, one protocol rule at a time, written from the
    protocol's description rather than from the model's code: the bag is a
    Counter, a step is enabled when the bag it leaves holds at most
    ``max_msgs`` messages, and the quorum is counted, not asked."""
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


@pytest.mark.parametrize("params, mutant, states, depth", [
    (dict(max_msgs=4, **NO_FAULTS), None, 2486, 26),
    (dict(acceptors=2, max_msgs=3, learners=2), None, 24880, 26),
    (dict(acceptors=2, max_msgs=3, rounds=2, **NO_FAULTS), None, 5072, 36),
    (dict(acceptors=2, max_msgs=2, rounds=2), None, 2806, 26),
    (dict(max_msgs=5, **NO_FAULTS), "no_adopt", 27482, 26),
    (dict(max_msgs=5, **NO_FAULTS), "accept_below_promise", 21155, 26),
    (dict(max_msgs=5, **NO_FAULTS), "non_intersecting_quorums", 11617, 26),
    (dict(max_msgs=4, drop=0, duplicate=0, crash=1), "forgetful_acceptor", 17479, 27),
    (dict(max_msgs=5, **NO_FAULTS), "duplicate_ballots", 18159, 26),
])
def test_reachable_states_are_exactly_the_transcriptions(params, mutant, states, depth):
    model = PaxosTextbook(mutant=mutant, **params)
    (initial,) = model.initial_states()
    expected = breadth_first(initial, lambda s: spec_successors(model, s))
    assert model_reachable(model) == expected
    assert (len(expected[0]), expected[1]) == (states, depth)


def test_a_durable_restart_changes_nothing_but_the_budget():
    # With its promise and acceptance on stable storage, a crash-restart is
    # invisible: the states with one restart allowed are those without, each
    # once with the budget left and once with it spent.
    without, depth = model_reachable(PaxosTextbook(max_msgs=4, **NO_FAULTS))
    with_crash, _ = model_reachable(PaxosTextbook(max_msgs=4, drop=0, duplicate=0, crash=1))
    assert (len(without), depth, len(with_crash)) == (2486, 26, 2 * 2486)
    assert {s._replace(faults=(0, 0, 0)) for s in with_crash} == without


# -- the engine's counts ---------------------------------------------------------


@pytest.mark.parametrize("params, states, depth", [
    (dict(max_msgs=4, **NO_FAULTS), 2486, 26),
    (dict(max_msgs=5, **NO_FAULTS), 27725, 26),
    (dict(max_msgs=4, drop=1, duplicate=0, crash=0), 16511, 26),
    (dict(max_msgs=4, drop=0, duplicate=1, crash=0), 13879, 28),
    (dict(max_msgs=4, learners=2, **NO_FAULTS), 1387, 32),
    (dict(max_msgs=4, rounds=2, **NO_FAULTS), 39845, 52),
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
        "forgetful_acceptor", "duplicate_ballots"]
    assert PaxosTextbook.symmetry_sets == ("acceptors", "learners")
    assert list(PaxosTextbook.properties) == [
        "agreement", "learners_agree", "validity", "learned_implies_chosen",
        "value_chosen", "adopts_value", "acceptor_nacks"]


def test_proposal_numbers_are_unique_and_increasing():
    model = PaxosTextbook(proposers=3, rounds=3)
    assert model.numbers == ((0, 3, 6), (1, 4, 7), (2, 5, 8))
    assert PaxosTextbook(proposers=3, rounds=3, mutant="duplicate_ballots").numbers == (
        (0, 1, 2),) * 3


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
Prepare(p0, n=0)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a1 <- p0, n=0)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceivePromise(p0 <- a1, n=0, accepted none)
ReceiveAccept(a0 <- p0, n=0, v0)
ReceiveAccept(a1 <- p0, n=0, v0)"""
    assert model.state_view(trace.final)["chosen"] == {"v0": "in 0 by a0,a1"}


def test_witness_the_second_proposer_adopts_the_first_ones_value(witnesses):
    model, found = witnesses
    trace = found["adopts_value"]
    assert lines(trace) == """\
Prepare(p0, n=0)
Prepare(p1, n=1)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a1 <- p0, n=0)
ReceivePrepare(a0 <- p1, n=1)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceivePromise(p0 <- a1, n=0, accepted none)
ReceiveAccept(a1 <- p0, n=0, v0)
ReceivePrepare(a1 <- p1, n=1)
ReceivePromise(p1 <- a0, n=1, accepted none)
ReceivePromise(p1 <- a1, n=1, accepted 0:v0)"""
    view = model.state_view(trace.final)
    # a1's promise reported its acceptance of v0, so p1 proposes v0, not v1
    assert (view["p1.phase"], view["p1.proposal"]) == ("accepting", "v0")
    assert [m for m in view["network"] if m.startswith("p1->")] == [
        "p1->a0 ACCEPT(1, v0)", "p1->a1 ACCEPT(1, v0)", "p1->a2 ACCEPT(1, v0)",
        "p1->a2 PREPARE(1)"]
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
Prepare(p0, n=0)
Prepare(p1, n=1)
ReceivePrepare(a0 <- p1, n=1)
ReceivePrepare(a0 <- p0, n=0)"""
    view = model.state_view(trace.final)
    assert view["a0.promised"] == 1
    assert "a0->p0 NACK(0, promised 1)" in view["network"]


def test_a_nack_makes_the_proposer_retry_above_the_promise():
    model = PaxosTextbook(proposers=2, rounds=3, max_msgs=10, **NO_FAULTS)
    (state,) = model.initial_states()
    for action in ("Prepare(p0, n=0)", "Prepare(p1, n=1)", "ReceivePrepare(a0 <- p1, n=1)",
                   "ReceivePrepare(a0 <- p0, n=0)", "ReceiveNack(p0 <- a0, n=0, promised=1)"):
        state = {str(a): t for a, t in model.successors(state)}[action]
    # round 1 is numbered 2, above the promise 1: p0 is ready to prepare it
    view = model.state_view(state)
    assert (view["p0.round"], view["p0.n"], view["p0.phase"]) == (1, 2, "ready")
    assert "Prepare(p0, n=2)" in [str(a) for a, _ in model.successors(state)]
    # with one round only, a NACK stops the proposer
    single = PaxosTextbook(proposers=2, rounds=1, max_msgs=10, **NO_FAULTS)
    (state,) = single.initial_states()
    for action in ("Prepare(p0, n=0)", "Prepare(p1, n=1)", "ReceivePrepare(a0 <- p1, n=1)",
                   "ReceivePrepare(a0 <- p0, n=0)", "ReceiveNack(p0 <- a0, n=0, promised=1)"):
        state = {str(a): t for a, t in single.successors(state)}[action]
    assert single.state_view(state)["p0.phase"] == "stopped"


# -- mutants: the counterexample `cmc check specs/paxos-textbook-mutant-*.yaml` shows


def shortest_violation(spec_name: str):
    _, model, result = checked_spec(f"paxos-textbook-mutant-{spec_name}.yaml")
    assert result.verdict == "violated"
    assert [v.property.name for v in result.violations] == ["agreement"]
    return model, result.violation("agreement")


def test_no_adopt_breaks_agreement():
    model, violation = shortest_violation("no-adopt")
    assert violation.reason == ("v0 is chosen in proposal 0 by a1,a2 and "
                                "v1 is chosen in proposal 1 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p0, n=0)
Prepare(p1, n=1)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a1 <- p0, n=0)
ReceivePrepare(a0 <- p1, n=1)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceivePromise(p0 <- a1, n=0, accepted none)
ReceiveAccept(a1 <- p0, n=0, v0)
ReceiveAccept(a2 <- p0, n=0, v0)
ReceivePrepare(a1 <- p1, n=1)
ReceivePromise(p1 <- a0, n=1, accepted none)
ReceivePromise(p1 <- a1, n=1, accepted 0:v0)
ReceiveAccept(a0 <- p1, n=1, v1)
ReceiveAccept(a1 <- p1, n=1, v1)"""
    # v0 was chosen (a1, a2) when a1 reported it to p1, which proposed v1 anyway
    assert model.state_view(violation.trace.final) == {
        "p0.round": 0, "p0.n": 0, "p0.phase": "accepting", "p0.promised_by": "none",
        "p0.highest": "none", "p0.proposal": "v0",
        "p1.round": 0, "p1.n": 1, "p1.phase": "accepting", "p1.promised_by": "none",
        "p1.highest": "none", "p1.proposal": "v1",
        "a0.promised": 1, "a0.accepted": "1:v1",
        "a1.promised": 1, "a1.accepted": "1:v1",
        "a2.promised": 0, "a2.accepted": "0:v0",
        "l0.learned": "none", "l0.heard": [],
        "network": ["p0->a0 ACCEPT(0, v0)", "p1->a2 ACCEPT(1, v1)",
                    "a1->l0 ACCEPTED(0, v0)", "a2->l0 ACCEPTED(0, v0)",
                    "a0->l0 ACCEPTED(1, v1)", "a1->l0 ACCEPTED(1, v1)",
                    "p0->a2 PREPARE(0)", "p1->a2 PREPARE(1)"],
        "chosen": {"v0": "in 0 by a1,a2", "v1": "in 1 by a0,a1"},
        "faults_left": {"drop": 0, "duplicate": 0, "crash": 0},
    }


def test_accept_below_promise_breaks_agreement():
    model, violation = shortest_violation("accept-below-promise")
    assert violation.reason == ("v0 is chosen in proposal 0 by a0,a1 and "
                                "v1 is chosen in proposal 1 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p0, n=0)
Prepare(p1, n=1)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a1 <- p0, n=0)
ReceivePrepare(a0 <- p1, n=1)
ReceivePrepare(a1 <- p1, n=1)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceivePromise(p0 <- a1, n=0, accepted none)
ReceiveAccept(a0 <- p0, n=0, v0)
ReceiveAccept(a1 <- p0, n=0, v0)
ReceivePromise(p1 <- a0, n=1, accepted none)
ReceivePromise(p1 <- a1, n=1, accepted none)
ReceiveAccept(a0 <- p1, n=1, v1)
ReceiveAccept(a1 <- p1, n=1, v1)"""
    # a0 and a1 promised 1, reporting nothing, then accepted v0 in proposal 0
    assert model.state_view(violation.trace.final) == {
        "p0.round": 0, "p0.n": 0, "p0.phase": "accepting", "p0.promised_by": "none",
        "p0.highest": "none", "p0.proposal": "v0",
        "p1.round": 0, "p1.n": 1, "p1.phase": "accepting", "p1.promised_by": "none",
        "p1.highest": "none", "p1.proposal": "v1",
        "a0.promised": 1, "a0.accepted": "1:v1",
        "a1.promised": 1, "a1.accepted": "1:v1",
        "a2.promised": -1, "a2.accepted": "none",
        "l0.learned": "none", "l0.heard": [],
        "network": ["p0->a2 ACCEPT(0, v0)", "p1->a2 ACCEPT(1, v1)",
                    "a0->l0 ACCEPTED(0, v0)", "a1->l0 ACCEPTED(0, v0)",
                    "a0->l0 ACCEPTED(1, v1)", "a1->l0 ACCEPTED(1, v1)",
                    "p0->a2 PREPARE(0)", "p1->a2 PREPARE(1)"],
        "chosen": {"v0": "in 0 by a0,a1", "v1": "in 1 by a0,a1"},
        "faults_left": {"drop": 0, "duplicate": 0, "crash": 0},
    }


def test_non_intersecting_quorums_break_agreement():
    model, violation = shortest_violation("non-intersecting-quorums")
    assert str(model.quorums) == "any 1 of 3"
    assert violation.reason == ("v0 is chosen in proposal 0 by a1 and "
                                "v1 is chosen in proposal 1 by a0")
    assert lines(violation.trace) == """\
Prepare(p0, n=0)
Prepare(p1, n=1)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a0 <- p1, n=1)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceiveAccept(a1 <- p0, n=0, v0)
ReceivePromise(p1 <- a0, n=1, accepted none)
ReceiveAccept(a0 <- p1, n=1, v1)"""
    # {a0} promised both proposals; {a1} chose v0 and {a0} chose v1
    assert model.state_view(violation.trace.final) == {
        "p0.round": 0, "p0.n": 0, "p0.phase": "accepting", "p0.promised_by": "none",
        "p0.highest": "none", "p0.proposal": "v0",
        "p1.round": 0, "p1.n": 1, "p1.phase": "accepting", "p1.promised_by": "none",
        "p1.highest": "none", "p1.proposal": "v1",
        "a0.promised": 1, "a0.accepted": "1:v1",
        "a1.promised": 0, "a1.accepted": "0:v0",
        "a2.promised": -1, "a2.accepted": "none",
        "l0.learned": "none", "l0.heard": [],
        "network": ["p0->a0 ACCEPT(0, v0)", "p0->a2 ACCEPT(0, v0)",
                    "p1->a1 ACCEPT(1, v1)", "p1->a2 ACCEPT(1, v1)",
                    "a1->l0 ACCEPTED(0, v0)", "a0->l0 ACCEPTED(1, v1)",
                    "p0->a1 PREPARE(0)", "p0->a2 PREPARE(0)",
                    "p1->a1 PREPARE(1)", "p1->a2 PREPARE(1)"],
        "chosen": {"v0": "in 0 by a1", "v1": "in 1 by a0"},
        "faults_left": {"drop": 0, "duplicate": 0, "crash": 0},
    }


def test_forgetful_acceptor_breaks_agreement():
    model, violation = shortest_violation("forgetful-acceptor")
    assert violation.reason == ("v0 is chosen in proposal 0 by a0,a1 and "
                                "v1 is chosen in proposal 1 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p0, n=0)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a1 <- p0, n=0)
ReceivePrepare(a2 <- p0, n=0)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceivePromise(p0 <- a1, n=0, accepted none)
ReceiveAccept(a0 <- p0, n=0, v0)
ReceiveAccept(a1 <- p0, n=0, v0)
ReceiveAccepted(l0 <- a0, n=0, v0)
ReceiveAccepted(l0 <- a1, n=0, v0)
Prepare(p1, n=1)
ReceivePrepare(a2 <- p1, n=1)
ReceivePromise(p0 <- a2, n=0, accepted none)
ReceivePromise(p1 <- a2, n=1, accepted none)
Restart(a0)
ReceivePrepare(a0 <- p1, n=1)
ReceivePromise(p1 <- a0, n=1, accepted none)
ReceiveAccept(a0 <- p1, n=1, v1)
ReceiveAccept(a1 <- p1, n=1, v1)"""
    # l0 learned v0; a0 restarted blank, so p1's promises reported nothing
    before_restart = violation.trace.steps[14].state
    assert model.state_view(before_restart)["a0.accepted"] == "0:v0"
    assert model.state_view(violation.trace.steps[15].state)["a0.accepted"] == "none"
    assert model.state_view(violation.trace.final) == {
        "p0.round": 0, "p0.n": 0, "p0.phase": "accepting", "p0.promised_by": "none",
        "p0.highest": "none", "p0.proposal": "v0",
        "p1.round": 0, "p1.n": 1, "p1.phase": "accepting", "p1.promised_by": "none",
        "p1.highest": "none", "p1.proposal": "v1",
        "a0.promised": 1, "a0.accepted": "1:v1",
        "a1.promised": 1, "a1.accepted": "1:v1",
        "a2.promised": 1, "a2.accepted": "none",
        "l0.learned": "v0", "l0.heard": [],
        "network": ["p0->a2 ACCEPT(0, v0)", "p1->a2 ACCEPT(1, v1)",
                    "a0->l0 ACCEPTED(1, v1)", "a1->l0 ACCEPTED(1, v1)",
                    "p1->a1 PREPARE(1)"],
        "chosen": {"v0": "in 0 by a0,a1", "v1": "in 1 by a0,a1"},
        "faults_left": {"drop": 0, "duplicate": 0, "crash": 0},
    }
    # the same restart in the correct model keeps a0's acceptance
    durable = PaxosTextbook(**dict(model.parameters()))
    assert durable.state_view(dict(durable.successors(before_restart))[Restart(0)])[
        "a0.accepted"] == "0:v0"


def test_duplicate_ballots_break_agreement():
    model, violation = shortest_violation("duplicate-ballots")
    assert violation.reason == ("v0 is chosen in proposal 0 by a0,a1 and "
                                "v1 is chosen in proposal 0 by a0,a1")
    assert lines(violation.trace) == """\
Prepare(p0, n=0)
Prepare(p1, n=0)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a1 <- p0, n=0)
ReceivePrepare(a0 <- p1, n=0)
ReceivePrepare(a1 <- p1, n=0)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceivePromise(p1 <- a0, n=0, accepted none)
ReceivePromise(p0 <- a1, n=0, accepted none)
ReceiveAccept(a0 <- p0, n=0, v0)
ReceiveAccept(a1 <- p0, n=0, v0)
ReceivePromise(p1 <- a1, n=0, accepted none)
ReceiveAccept(a0 <- p1, n=0, v1)
ReceiveAccept(a1 <- p1, n=0, v1)"""
    # a0 and a1 took p1's PREPARE(0) for a repeat of p0's and promised again
    assert model.state_view(violation.trace.final) == {
        "p0.round": 0, "p0.n": 0, "p0.phase": "accepting", "p0.promised_by": "none",
        "p0.highest": "none", "p0.proposal": "v0",
        "p1.round": 0, "p1.n": 0, "p1.phase": "accepting", "p1.promised_by": "none",
        "p1.highest": "none", "p1.proposal": "v1",
        "a0.promised": 0, "a0.accepted": "0:v1",
        "a1.promised": 0, "a1.accepted": "0:v1",
        "a2.promised": -1, "a2.accepted": "none",
        "l0.learned": "none", "l0.heard": [],
        "network": ["p0->a2 ACCEPT(0, v0)", "p1->a2 ACCEPT(0, v1)",
                    "a0->l0 ACCEPTED(0, v0)", "a0->l0 ACCEPTED(0, v1)",
                    "a1->l0 ACCEPTED(0, v0)", "a1->l0 ACCEPTED(0, v1)",
                    "p0->a2 PREPARE(0)", "p1->a2 PREPARE(0)"],
        "chosen": {"v0": "in 0 by a0,a1", "v1": "in 0 by a0,a1"},
        "faults_left": {"drop": 0, "duplicate": 0, "crash": 0},
    }


def test_learners_learn_different_values_without_adoption():
    # Two acceptors (a quorum is both) and two learners: l0 learns v0, then
    # p1 hears v0 from both acceptors, proposes v1 anyway, and l1 learns it.
    model = PaxosTextbook(mutant="no_adopt", acceptors=2, learners=2, max_msgs=6, **NO_FAULTS)
    result = check(model, CheckConfig(properties=("learners_agree", "learned_implies_chosen")))
    assert result.verdict == "violated"
    assert [v.property.name for v in result.violations] == ["learners_agree"]
    violation = result.violation("learners_agree")
    assert violation.reason == "l0 learned v0, l1 learned v1"
    assert lines(violation.trace) == """\
Prepare(p0, n=0)
Prepare(p1, n=1)
ReceivePrepare(a0 <- p0, n=0)
ReceivePrepare(a1 <- p0, n=0)
ReceivePromise(p0 <- a0, n=0, accepted none)
ReceivePromise(p0 <- a1, n=0, accepted none)
ReceiveAccept(a0 <- p0, n=0, v0)
ReceiveAccept(a1 <- p0, n=0, v0)
ReceiveAccepted(l0 <- a0, n=0, v0)
ReceiveAccepted(l0 <- a1, n=0, v0)
ReceivePrepare(a0 <- p1, n=1)
ReceivePrepare(a1 <- p1, n=1)
ReceivePromise(p1 <- a0, n=1, accepted 0:v0)
ReceivePromise(p1 <- a1, n=1, accepted 0:v0)
ReceiveAccept(a0 <- p1, n=1, v1)
ReceiveAccept(a1 <- p1, n=1, v1)
ReceiveAccepted(l1 <- a0, n=1, v1)
ReceiveAccepted(l1 <- a1, n=1, v1)"""
    assert model.learned_implies_chosen(violation.trace.final)


class StrictPromise(PaxosTextbook):
    """The textbook's wording taken literally: a PREPARE(n) with n equal to
    the promise gets a NACK, not a second promise."""

    def _receive_prepare(self, state, message, rest, room):
        _, n, p, a = message
        promised = state.acceptors[a][0]
        if n == promised:
            nack = ("NACK", n, a, p, promised)
            return ReceivePrepare(a, p, n), state._replace(network=tuple(sorted(rest + (nack,))))
        return super()._receive_prepare(state, message, rest, room)


def test_with_strict_promises_duplicate_numbers_are_harmless():
    # Why the model's acceptor promises again on n == promised: under the
    # strict rule an acceptor promises each number to one proposer only, so
    # two proposers sharing a number never both gather a majority, and the
    # duplicate_ballots mutant could not be caught (at its spec's bounds).
    spec = load_spec(SPECS / "paxos-textbook-mutant-duplicate-ballots.yaml", REGISTRY)
    result = check(StrictPromise(mutant="duplicate_ballots", **spec.params), CheckConfig(
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


def test_step_events_name_each_message_alike_when_sent_and_received():
    from checker.model import Note, Received, Sent
    model = PaxosTextbook(max_msgs=10)
    (state,) = model.initial_states()

    def take(action_text):
        nonlocal state
        before = state
        action, state = next((a, t) for a, t in model.successors(state)
                             if str(a) == action_text)
        return model.step_events(before, action, state)

    assert take("Prepare(p0, n=0)") == [
        Sent("p0", "a0", "PREPARE(0)"), Sent("p0", "a1", "PREPARE(0)"),
        Sent("p0", "a2", "PREPARE(0)"), Note("p0", "prepares 0")]
    assert take("ReceivePrepare(a1 <- p0, n=0)") == [
        Received("p0", "a1", "PREPARE(0)"), Sent("a1", "p0", "PROMISE(0, accepted none)"),
        Note("a1", "promised 0")]
    assert take("Duplicate(a1->p0 PROMISE(0, accepted none))") == [
        Sent("a1", "p0", "PROMISE(0, accepted none)"),
        Note("a1", "the network duplicates PROMISE(0, accepted none) to p0")]
    assert take("Drop(p0->a2 PREPARE(0))") == [
        Note("a2", "the network loses PREPARE(0) from p0")]
    assert take("Restart(a1)") == [
        Note("a1", "crashes and restarts; keeps its promise and acceptance")]
    assert take("ReceivePromise(p0 <- a1, n=0, accepted none)") == [
        Received("a1", "p0", "PROMISE(0, accepted none)")]
    assert take("ReceivePrepare(a0 <- p0, n=0)")[-1] == Note("a0", "promised 0")
    assert take("ReceivePromise(p0 <- a0, n=0, accepted none)") == [
        Received("a0", "p0", "PROMISE(0, accepted none)"),
        Sent("p0", "a0", "ACCEPT(0, v0)"), Sent("p0", "a1", "ACCEPT(0, v0)"),
        Sent("p0", "a2", "ACCEPT(0, v0)"), Note("p0", "proposes v0 in 0")]
    # the duplicate of a1's promise arrives after p0 moved on: no effect
    assert take("ReceivePromise(p0 <- a1, n=0, accepted none)") == [
        Received("a1", "p0", "PROMISE(0, accepted none)")]
    assert take("ReceiveAccept(a0 <- p0, n=0, v0)") == [
        Received("p0", "a0", "ACCEPT(0, v0)"), Sent("a0", "l0", "ACCEPTED(0, v0)"),
        Note("a0", "accepted 0:v0")]
