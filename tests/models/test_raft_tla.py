"""`models.raft` against a plain transcription of raft.tla (`raft_tla`) on
bounds beyond the one TLC figure the issue gives: the same reachable
states, one for one, hence the same distinct-state counts and depth as TLC
on that specification."""

from __future__ import annotations

from functools import lru_cache

import pytest

from checker import CheckConfig, check
from models.raft import Raft
from tests.brute_force import reachable_states
from tests.models.raft_tla import RaftTLA, explore, to_model


@lru_cache(maxsize=None)
def tla_reachable(bounds: tuple[int, ...]) -> tuple[frozenset, int]:
    """raft.tla's reachable states at `bounds`, in the model's encoding, and
    the depth."""
    reached, depth = explore(RaftTLA(*bounds))
    return frozenset(to_model(s) for s in reached), depth


@pytest.mark.parametrize("bounds, states, depth", [
    # servers, values, max_term, max_log, max_msgs
    ((2, 1, 2, 1, 1), 1645, 27),  # the TLC configuration
    ((2, 2, 2, 1, 1), 1989, 27),  # two client values
    pytest.param((2, 1, 3, 1, 1), 18575, 40, marks=pytest.mark.slow),  # a third term
    pytest.param((2, 1, 2, 2, 1), 2431, 32, marks=pytest.mark.slow),  # logs of two entries
    pytest.param((2, 1, 2, 1, 2), 22231, 32, marks=pytest.mark.slow),  # two messages: duplicates, replies into a full bag
    ((1, 1, 3, 2, 1), 78, 14),  # one server: it elects and commits alone
    ((1, 2, 2, 2, 2), 353, 14),
    ((3, 1, 3, 1, 0), 125, 9),  # no network: timeouts and restarts only
])
def test_reachable_states_are_raft_tla_s(bounds, states, depth):
    servers, values, max_term, max_log, max_msgs = bounds
    expected, tla_depth = tla_reachable(bounds)
    model = Raft(servers=servers, values=values, max_term=max_term, max_log=max_log,
                 max_msgs=max_msgs)
    assert set(reachable_states(model)) == expected
    assert (len(expected), tla_depth) == (states, depth)
    result = check(model, CheckConfig(properties=()))
    assert (result.stats.distinct_states, result.stats.depth) == (states, depth)


@pytest.mark.parametrize("mutant, states", [
    pytest.param("no_log_check", 19875, marks=pytest.mark.slow), ("commit_previous_term", 18677),
    pytest.param("vote_twice", 26985, marks=pytest.mark.slow),
    pytest.param("forget_vote_on_restart", 22704, marks=pytest.mark.slow),
    pytest.param("no_step_down", 21380, marks=pytest.mark.slow)])
def test_the_comparison_tells_a_mutant_apart(mutant, states):
    # The yardstick can fail: each mutant reaches states raft.tla does not
    # (2 servers, 1 value, term ≤ 3, log ≤ 1, 1 message: 18,575 states).
    broken = set(reachable_states(Raft(mutant=mutant, servers=2, values=1, max_term=3,
                                       max_log=1, max_msgs=1)))
    assert len(broken) == states
    assert broken - tla_reachable((2, 1, 3, 1, 1))[0]
