"""The readable `models.raft` (the kit's) against the hand-compiled model it
replaced (`raft_hand`): from every state either reaches, the same steps in
the same order to the same states, on several bounds, with every mutant and
from every bundled spec's start. Equal successor lists make equal searches:
the same counts, depths and shortest traces."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest
import yaml

from models.raft import Raft
from tests.models import raft_hand
from tests.models.raft_hand import kit_action, kit_state

SPECS = Path(__file__).resolve().parents[2] / "specs"


def assert_same_steps(limit: int | None = None, **params) -> int:
    """Breadth-first over the hand model's states (within its bounds), up to
    `limit` states; each state's successors compared in order. The number
    of states compared."""
    hand, kit = raft_hand.Raft(**params), Raft(**params)
    (start,) = hand.initial_states()
    assert kit.initial_states() == [kit_state(start)]
    seen, queue = {start}, deque([start])
    while queue and (limit is None or len(seen) < limit):
        state = queue.popleft()
        steps = list(hand.successors(state))
        assert kit.successors(kit_state(state)) == [
            (kit_action(action), kit_state(after)) for action, after in steps], state
        for _, after in steps:
            assert kit.within_bounds(kit_state(after)) == hand.within_bounds(after)
            if after not in seen and hand.within_bounds(after):
                seen.add(after)
                queue.append(after)
    return len(seen)


@pytest.mark.parametrize("bounds, states", [
    # servers, values, max_term, max_log, max_msgs: whole reachable sets
    ((2, 1, 2, 1, 1), 1645), ((2, 2, 2, 1, 1), 1989), ((2, 1, 2, 2, 1), 2431),
    ((1, 2, 2, 2, 2), 353), ((3, 1, 3, 1, 0), 125)])
def test_the_same_steps_as_the_hand_compiled_model(bounds, states):
    servers, values, max_term, max_log, max_msgs = bounds
    assert assert_same_steps(servers=servers, values=values, max_term=max_term,
                             max_log=max_log, max_msgs=max_msgs) == states


@pytest.mark.parametrize("mutant", ["no_log_check", "commit_previous_term", "vote_twice",
                                    "forget_vote_on_restart", "no_step_down",
                                    pytest.param("no_truncate", marks=pytest.mark.slow)])
def test_each_mutant_takes_the_hand_compiled_mutant_s_steps(mutant):
    assert assert_same_steps(limit=3000, mutant=mutant, servers=3, max_term=3,
                             max_msgs=2) >= 3000


def hand_specs() -> list[str]:
    """The bundled raft specs, but those of what was added since: the
    volatile_log mutant, PreVote, CheckQuorum and partitions."""
    mutants, params = (None, *raft_hand.Raft.mutants), {p.name for p in raft_hand.Raft.params}
    specs = {path.name: yaml.safe_load(path.read_text()) for path in SPECS.glob("raft-*.yaml")}
    return sorted(name for name, spec in specs.items()
                  if spec.get("mutant") in mutants and set(spec.get("params", {})) <= params)


@pytest.mark.parametrize("path", hand_specs())
def test_from_each_bundled_spec_s_start(path):
    spec = yaml.safe_load((SPECS / path).read_text())
    params = dict(spec.get("params", {}), init=spec.get("init"), mutant=spec.get("mutant"))
    assert assert_same_steps(limit=1500, **params) >= 1500
