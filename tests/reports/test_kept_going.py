"""A result says whether its run went on past its first violation
(`Result.kept_going`): the reports read it there, so a report built from a
result alone says that a property checked to the end holds."""

from __future__ import annotations

import dataclasses

import pytest

from checker import CheckConfig, check
from checker.replay import Script, replay
from checker.simulation import Walks, simulate
from reports.json import result_document
from tests.toys import DieHard

#: Goal Not Reached is violated in 6 steps; Within Capacity holds in every state.
CONFIG = CheckConfig(properties=("goal_not_reached", "within_capacity"))


def outcomes(result) -> list[tuple[str, str]]:
    document = result_document("specs/die-hard.yaml", DieHard(), result)
    return [(found["property"], found["outcome"]) for found in document["properties"]]


def test_the_json_of_a_run_that_went_on_says_holds_given_the_result_alone():
    stopped = check(DieHard(), CONFIG)
    went_on = check(DieHard(), dataclasses.replace(CONFIG, keep_going=True))
    assert (stopped.kept_going, went_on.kept_going) == (False, True)
    assert outcomes(stopped) == [("goal_not_reached", "violated"),
                                 ("within_capacity", "not settled")]
    assert outcomes(went_on) == [("goal_not_reached", "violated"),
                                 ("within_capacity", "holds")]


@pytest.mark.parametrize("keep_going", [False, True])
def test_a_replay_and_a_simulation_record_whether_they_went_on(keep_going):
    config = dataclasses.replace(CONFIG, keep_going=keep_going)
    replayed = replay(DieHard(), config, Script("run.yaml", ("Fill(jug=1)",)))
    drawn = simulate(DieHard(), config, Walks(behaviours=1, depth=3))
    assert (replayed.kept_going, drawn.kept_going) == (keep_going, keep_going)
