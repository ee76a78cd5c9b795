"""Symmetry reduction for the `raft` model: servers interchangeable as far as
the start, the quorum rule and membership changes allow; renaming reaches
every name in a state; exact orbit counts, proved by brute force;
counterexamples and witnesses found with symmetry that are real runs of the
unreduced model. The contract every model keeps (the canonical form equal to
brute force, renaming commuting with steps) is tests/models/test_conformance.py's.

Orbits are counted by brute force (tests/brute_force.py): the reachable set
without symmetry, a successor outside `within_bounds` neither counted nor
expanded as the engine does, grouped by the set of images under the whole
group; `reachable` below adds a depth bound.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest

from checker import CheckConfig, check
from checker.spec import load_spec
from models import REGISTRY
from models.raft import (CANDIDATE, FOLLOWER, LEADER, AppendEntriesRequest, ClientRequest, Raft,
                         Receive, RequestVote, RequestVoteResponse, ServerState, Timeout)
from tests.brute_force import assert_real_run, orbit_count, reachable_states

SPECS = Path(__file__).resolve().parents[2] / "specs"

SERVERS = ("servers",)

SAFETY = ("election_safety", "log_matching", "leader_completeness", "state_machine_safety",
          "leader_append_only")


def reachable(model: Raft, max_depth: int) -> list[tuple]:
    """`reachable_states` of the states at most `max_depth` steps away (the
    depth of a state is its orbit's: the start is fixed by the group)."""
    depth = {s: 0 for s in model.initial_states() if model.within_bounds(s)}
    queue = deque(depth)
    while queue:
        s = queue.popleft()
        if depth[s] == max_depth:
            continue
        for _, t in model.successors(s):
            if t not in depth and model.within_bounds(t):
                depth[t] = depth[s] + 1
                queue.append(t)
    return list(depth)


def reduced(model: Raft, **config) -> object:
    return check(model, CheckConfig(symmetry=SERVERS, **config))


@pytest.fixture(scope="module")
def two_servers():
    """The bounds of specs/raft-2s.yaml and their 1,645 reachable states."""
    model = Raft(servers=2, values=1, max_term=2, max_log=1, max_msgs=1)
    return model, reachable_states(model)


# -- which servers are interchangeable --------------------------------------------------

ELECTED = {"s1": {"current_term": 2, "role": "Leader", "voted_for": "s1", "log": ["t1:v1"]},
           "s2": {"current_term": 2, "voted_for": "s1", "log": ["t1:v1"]},
           "s3": {"current_term": 2, "voted_for": "s1", "log": ["t1:v1"]}}


@pytest.mark.parametrize("params, init, groups", [
    (dict(servers=2), None, [[0, 1]]),
    (dict(servers=5), None, [[0, 1, 2, 3, 4]]),
    # the quorum rule: s1 is a quorum with either other server, s2 and s3 are not
    (dict(servers=3, quorum={"weights": [2, 1, 1]}), None, [[0], [1, 2]]),
    (dict(servers=4, quorum={"flexible": {"phase1": 3, "phase2": 2}}), None, [[0, 1, 2, 3]]),
    # the start: variables of their own, or named by another server
    (dict(servers=3), {"s1": {"current_term": 2}}, [[0], [1, 2]]),
    (dict(servers=3), {"s1": {"voted_for": "s2"}, "s3": {"voted_for": "s2"}}, [[0, 2], [1]]),
    (dict(servers=3), {"s3": {"current_term": 2, "role": "Candidate", "voted_for": "s3",
                              "votes_responded": ["s1", "s3"], "votes_granted": ["s3"]}},
     [[0], [1], [2]]),
    (dict(servers=3, max_log=1), ELECTED, [[0], [1, 2]]),
    # membership: every reachable configuration is made of whole classes
    (dict(servers=4, membership={"change": "joint", "from": 3, "to": [2, 3, 4]}), None,
     [[0], [1, 2], [3]]),
    (dict(servers=4, membership={"change": "single_server", "from": 3, "to": 4}), None,
     [[0, 1, 2], [3]]),
])
def test_servers_are_interchangeable_as_far_as_start_quorums_and_membership_allow(
        params, init, groups):
    assert Raft(init=init, **params).symmetry_groups() == {"servers": groups}


def test_a_scenario_that_names_every_server_keeps_them_apart():
    model = load_spec(SPECS / "raft-election.yaml", REGISTRY).build()
    assert model.symmetry_groups() == {"servers": [[0], [1], [2], [3], [4]]}


# -- renaming ---------------------------------------------------------------------------


def test_permute_renames_servers_everywhere():
    model = Raft(servers=3, values=1, max_term=2, max_log=2, max_msgs=2)
    leader = ServerState(2, LEADER, 0, ((1, 0), (2, 0)), 1, frozenset({0, 1}),
                         frozenset({0, 1}), (3, 2, 3), (2, 1, 0))
    follower = ServerState(2, FOLLOWER, 0, ((1, 0),), 1, frozenset(), frozenset(), (1, 1, 1),
                           (0, 0, 0))
    candidate = ServerState(1, CANDIDATE, 2, (), 0, frozenset({2}), frozenset({2}), (1, 1, 1),
                            (0, 0, 0))
    to_s2 = AppendEntriesRequest(0, 1, 2, 1, 1, ((2, 0),), 1)
    to_s3 = AppendEntriesRequest(0, 2, 2, 1, 1, ((2, 0),), 1)
    empty = frozenset()
    state = (leader, follower, candidate,
             (empty, empty, frozenset({(to_s2, 1), (to_s3, 2)}), empty, (None, None)))
    perm = {"servers": (1, 2, 0)}  # s1 -> s2 -> s3 -> s1
    assert model.permute(state, perm) == (
        ServerState(1, CANDIDATE, 0, (), 0, frozenset({0}), frozenset({0}), (1, 1, 1),
                    (0, 0, 0)),
        ServerState(2, LEADER, 1, ((1, 0), (2, 0)), 1, frozenset({1, 2}), frozenset({1, 2}),
                    (3, 3, 2), (0, 2, 1)),
        ServerState(2, FOLLOWER, 1, ((1, 0),), 1, frozenset(), frozenset(), (1, 1, 1),
                    (0, 0, 0)),
        (empty, empty, frozenset({(AppendEntriesRequest(1, 2, 2, 1, 1, ((2, 0),), 1), 1),
                                  (AppendEntriesRequest(1, 0, 2, 1, 1, ((2, 0),), 1), 2)}),
         empty, (None, None)))
    assert model.permute(state, {"servers": (0, 1, 2)}) is state
    assert model.permute(state, {}) is state
    assert model.permute_action(Timeout(2), perm) == Timeout(0)
    assert model.permute_action(RequestVote(0, 2), perm) == RequestVote(1, 0)
    assert model.permute_action(ClientRequest(0, 0), perm) == ClientRequest(1, 0)
    vote = RequestVoteResponse(2, 0, 1, True)
    assert model.permute_action(Receive(vote), perm) == Receive(RequestVoteResponse(0, 1, 1, True))


# -- exact orbit counts -------------------------------------------------------------------


def test_two_servers_831_orbits(two_servers):
    model, states = two_servers
    result = reduced(model, properties=SAFETY + ("leader_elected", "entry_committed"))
    assert result.verdict == "holds"
    assert result.stats.symmetry == SERVERS
    assert (result.stats.distinct_states, result.stats.depth) == (831, 27)
    assert len(states) == 1645
    assert orbit_count(model, states, SERVERS) == 831


@pytest.mark.parametrize("params, init, depth, states, orbits", [
    pytest.param(dict(servers=3, max_term=2, max_log=1, max_msgs=1), None, 10, 7575, 1299,
                 marks=pytest.mark.slow),
    pytest.param(dict(servers=4, max_term=2, max_log=0, max_msgs=1), None, 7, 4776, 289,
                 marks=pytest.mark.slow),
    # only some servers interchangeable: by the quorum rule, by the start
    (dict(servers=3, max_term=2, max_log=1, max_msgs=1, quorum={"weights": [2, 1, 1]}),
     None, 10, 7541, 3805),
    (dict(servers=3, max_term=3, max_log=2, max_msgs=1), ELECTED, 8, 6064, 3070),
    # membership changes, with configuration entries reached
    (dict(servers=3, max_term=2, max_log=2, max_msgs=1,
          membership={"change": "joint", "from": [1, 2], "to": 3}), None, 16, 2419, 1218),
    (dict(servers=3, max_term=2, max_log=2, max_msgs=1,
          membership={"change": "direct", "from": [1, 2], "to": 3}), None, 16, 2421, 1219),
])
def test_reduced_count_is_the_number_of_orbits(params, init, depth, states, orbits):
    model = Raft(values=1, init=init, **params)
    found = reachable(model, max_depth=depth)
    assert check(model, CheckConfig(max_depth=depth)).stats.distinct_states == len(found)
    result = reduced(model, max_depth=depth)
    assert (len(found), result.stats.distinct_states) == (states, orbits)
    assert orbit_count(model, found, SERVERS) == orbits


@pytest.mark.slow
def test_three_servers_orbits_by_brute_force():
    """specs/large/raft-3s.yaml: 617,361 states, 103,258 orbits."""
    spec = load_spec(SPECS / "large" / "raft-3s-symmetry.yaml", REGISTRY)
    model = spec.build()
    found = reachable_states(model)
    assert len(found) == 617361
    assert orbit_count(model, found, SERVERS) == 103258
    result = check(model, spec.config())
    assert (result.stats.distinct_states, result.stats.depth) == (103258, 38)


@pytest.mark.slow
def test_five_servers_have_over_30_times_fewer_states():
    """specs/large/raft-5s-depth13.yaml with and without symmetry (a leader
    is first elected at depth 13)."""
    model = Raft(servers=5, values=1, max_term=2, max_log=0, max_msgs=1)
    full = check(model, CheckConfig(max_depth=13, properties=SAFETY))
    orbits = reduced(model, max_depth=13, properties=SAFETY)
    assert (full.stats.distinct_states, orbits.stats.distinct_states) == (1880838, 20444)


# -- counterexamples and witnesses are real runs -------------------------------------------


@pytest.mark.parametrize("name, orbits", [
    # (a run stopped at its violation: how many orbits it met depends on which
    # representative the canonical form picks; 36,958 with the hand-written one)
    pytest.param("raft-mutant-forget-vote-on-restart.yaml", 37256, marks=pytest.mark.slow),
    ("raft-mutant-no-step-down.yaml", 3253),
    ("raft-mutant-vote-twice.yaml", 834),
    # membership: s2 and s3 are interchangeable (steps that change the configuration)
    pytest.param("raft-membership-single-server-bug.yaml", 85255, marks=pytest.mark.slow),
    # scenarios that name every server: nothing to reduce
    ("raft-mutant-no-log-check.yaml", 9409),
    ("raft-mutant-no-truncate.yaml", 44),
    pytest.param("raft-mutant-commit-previous-term.yaml", 297000, marks=pytest.mark.slow),
])
def test_mutant_counterexample_with_symmetry_is_a_real_run_as_short_as_without(name, orbits):
    spec = load_spec(SPECS / name, REGISTRY)
    model = spec.build()
    result = check(model, spec.with_symmetry(True).config())
    assert result.stats.symmetry == SERVERS
    assert result.verdict == "violated"
    assert result.stats.distinct_states == orbits
    trace = result.violation(spec.expect.property).trace
    assert len(trace) == spec.expect.trace_length  # the unreduced run's, pinned by the spec
    assert_real_run(model, trace)
    assert not getattr(model, spec.expect.property)(trace.final)


def test_witnesses_with_symmetry_are_real_runs_as_short_as_without(two_servers):
    model, _ = two_servers
    names = ("leader_elected", "entry_committed")
    full = check(model, CheckConfig(properties=names))
    orbits = reduced(model, properties=names)
    for name in names:
        trace = orbits.witness(name).trace
        assert len(trace) == len(full.witness(name).trace)
        assert_real_run(model, trace)
        assert getattr(model, name)(trace.final)
