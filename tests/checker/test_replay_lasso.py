"""Replaying a lasso that a report recorded (`checker.replay`): the temporal
properties judged on the run's states and steps under the spec's fairness,
and, where nothing breaks them, the fairness condition the recorded loop
breaks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cmc.main import cli

ROOT = Path(__file__).resolve().parents[2]
DUELING = ROOT / "specs" / "paxos-liveness-dueling.yaml"
SCHEMA = json.loads((ROOT / "reports" / "schema" / "cmc.result-2.json").read_text())

RING = '''\
from typing import NamedTuple

from checker import Model, eventually


class State(NamedTuple):
    x: int


class Inc(NamedTuple):
    pass


class Back(NamedTuple):
    pass


class Ring(Model):
    """x goes 0, 1, 2 and back to 0; nothing makes it move."""

    name = "ring"
    actions = (Inc, Back)

    def initial_states(self):
        yield State(0)

    def successors(self, s):
        if s.x < 2:
            yield Inc(), s._replace(x=s.x + 1)
        else:
            yield Back(), s._replace(x=0)

    @eventually("Reaches Two")
    def reaches_two(self, s):
        return s.x == 2

    @eventually("Stays Low", witness=True)
    def stays_low(self, s):
        return s.x == 2
'''


def run(*arguments: str):
    return CliRunner().invoke(cli, ["check", *map(str, arguments)])


@pytest.fixture(scope="module")
def livelock(tmp_path_factory) -> Path:
    """The dueling proposers' livelock, as `cmc check --out DIR` writes it."""
    folder = tmp_path_factory.mktemp("livelock")
    assert run(DUELING, "--out", folder).exit_code == 0  # (the spec expects it)
    return folder / "paxos-liveness-dueling.json"


def test_a_recorded_livelock_breaks_termination_again(livelock):
    result = run(DUELING, "--replay", livelock, "--format", "json")
    assert result.exit_code == 0  # the spec expects the violation
    document = json.loads(result.output)
    jsonschema.validate(document, SCHEMA)
    (replayed,) = document["results"]
    assert (replayed["verdict"], replayed["stopped_by"]) == ("violated", "replay")
    (violation,) = replayed["violations"]
    recorded = json.loads(livelock.read_text())["results"][0]["violations"][0]
    assert (violation["property"], violation["stem_length"], violation["loop_length"]) == (
        "termination", 4, 6)
    assert violation["trace"] == recorded["trace"]
    assert replayed["stats"]["replay"]["loop"] == (
        "a lasso: a stem of 4 steps, then a loop of 6 steps back to step 4's state; "
        "termination judged on it under the spec's fairness")
    assert [(p["property"], p["outcome"]) for p in replayed["properties"]] == [
        ("agreement", "not settled"), ("termination", "violated")]


def test_under_fairness_that_excludes_the_loop_the_replay_names_the_condition(
        livelock, tmp_path):
    # strongly fair deliveries: the 6-step loop leaves p0's prepare to a1
    # undelivered, though it can be delivered from step 6 on (a search then
    # finds a loop of 10 steps that delivers it)
    text = DUELING.read_text().replace(
        'fairness: {weak: [Propose, "DeliverRequest(*)", "DeliverReply(*)"]}',
        'fairness: {weak: [Propose, "DeliverReply(*)"], strong: ["DeliverRequest(*)"]}')
    spec = tmp_path / "strong.yaml"
    spec.write_text(text[:text.index("expect:")])
    result = run(spec, "--replay", livelock)
    assert result.exit_code == 0  # (a replay that breaks nothing proves nothing)
    lines = result.output.splitlines()
    assert "verdict: INCOMPLETE (a replay takes one run: what it does not break is not " \
           "proven to hold)" in lines
    assert ("  Termination (termination): not settled: a replay takes one run: what it does "
            "not break is not proven to hold") in lines
    assert ("replay: a lasso: a stem of 4 steps, then a loop of 6 steps back to step 4's "
            "state; termination judged on it under the spec's fairness; no fair lasso among "
            "its states breaks termination (the recorded loop is not fair: strong fairness to "
            "DeliverRequest(p=0, a=1) has a step in step 6's state, never taken in the "
            "loop)") in lines
    searched = run(spec)
    assert searched.exit_code == 1 and ("  Termination (termination): violated by a lasso: a "
                                        "stem of 4 steps, then a loop of 10 steps for ever: a "
                                        "fair behaviour never reaches Termination"
                                        ) in searched.output.splitlines()


def test_a_loop_that_does_not_close_is_said_and_the_lasso_within_the_run_is_found(
        livelock, tmp_path):
    document = json.loads(livelock.read_text())
    document["results"][0]["violations"][0]["loop_start"] = 3  # (the loop is back at 4)
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(document))
    result = run(DUELING, "--replay", moved, "--format", "json")
    assert result.exit_code == 0
    (replayed,) = json.loads(result.output)["results"]
    assert replayed["stats"]["replay"]["loop"].startswith(
        "the loop does not close here: step 10 reaches another state than step 3's "
        "(a1.promised is \"(1, p1)\", recorded null; ")
    assert replayed["stats"]["replay"]["loop"].endswith(
        "termination judged on the run's states and steps only")
    (violation,) = replayed["violations"]
    assert (violation["stem_length"], violation["loop_length"]) == (4, 6)


@pytest.mark.parametrize("loop_start", [11, -1, "4", 2.0])
def test_a_loop_start_that_is_no_step_of_the_trace_is_refused(livelock, tmp_path, loop_start):
    document = json.loads(livelock.read_text())
    document["results"][0]["violations"][0]["loop_start"] = loop_start
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    result = run(DUELING, "--replay", bad)
    assert (result.exit_code, result.output) == (
        2, f"error: {bad}: the loop_start of the trace of termination is {loop_start!r}, not "
           "one of its steps 0 to 10; give the file cmc check wrote\n")


@pytest.fixture
def ring(tmp_path) -> Path:
    (tmp_path / "ring.py").write_text(RING)
    unfair = "model: ./ring.py:Ring\ndeadlock: false\nproperties: [reaches_two, stays_low]\n"
    (tmp_path / "unfair.yaml").write_text(unfair)
    (tmp_path / "fair.yaml").write_text(unfair + "fairness: {weak: [Inc]}\n")
    assert run(tmp_path / "unfair.yaml", "--out", tmp_path / "out").exit_code == 1
    return tmp_path


def test_a_stutter_is_judged_with_the_witness_it_also_shows(ring):
    result = run(ring / "unfair.yaml", "--replay", ring / "out" / "unfair.json:reaches_two",
                 "--format", "json")
    assert result.exit_code == 1  # (no expectation: a property broken)
    (replayed,) = json.loads(result.output)["results"]
    assert [(p["property"], p["outcome"]) for p in replayed["properties"]] == [
        ("reaches_two", "violated"), ("stays_low", "witnessed")]
    assert [(f["property"], f["stem_length"], f["loop_length"])
            for f in replayed["violations"] + replayed["witnesses"]] == [
        ("reaches_two", 0, 0), ("stays_low", 0, 0)]
    assert replayed["stats"]["replay"]["loop"] == (
        "a lasso: a stem of 0 steps, then it stutters in step 0's state for ever; "
        "reaches_two, stays_low judged on it under the spec's fairness")


def test_a_stutter_that_fairness_forbids_breaks_nothing_and_shows_nothing(ring):
    result = run(ring / "fair.yaml", "--replay", ring / "out" / "unfair.json:reaches_two")
    assert result.exit_code == 0
    assert ("replay: a lasso: a stem of 0 steps, then it stutters in step 0's state for "
            "ever; reaches_two, stays_low judged on it under the spec's fairness; no fair "
            "lasso among its states breaks reaches_two or shows stays_low (stuttering there "
            "for ever is not fair: weak fairness to Inc has a step there)"
            ) in result.output.splitlines()
    # and the search agrees: under that fairness x reaches 2
    assert run(ring / "fair.yaml").exit_code == 1  # (stays_low: no fair behaviour shows it)


def test_a_run_written_by_hand_is_finite_and_leaves_the_temporal_properties_out(ring):
    (ring / "run.yaml").write_text("- Inc()\n- Inc()\n")
    result = run(ring / "unfair.yaml", "--replay", ring / "run.yaml")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"note: {ring / 'unfair.yaml'}: the run replayed is a finite one, not a lasso; the "
        "temporal properties (reaches_two, stays_low) are left out"]


LIVELOCK = ["Propose(p=0)", "Propose(p=1)", "DeliverRequest(p=0, a=0)",
            "DeliverRequest(p=1, a=1)", "DeliverReply(a=0, p=0)", "Retry(p=0)",
            "DeliverRequest(p=0, a=0)", "DeliverReply(a=1, p=1)", "Retry(p=1)",
            "DeliverRequest(p=1, a=1)"]
#: the bundled lasso written by hand (its comment says how to replay it)
WRITTEN = ROOT / "specs" / "logs" / "paxos-dueling-livelock.yaml"


def test_a_lasso_written_by_hand_is_judged_as_a_recorded_one(livelock):
    result = run(DUELING, "--replay", WRITTEN, "--format", "json")
    assert result.exit_code == 0
    (replayed,) = json.loads(result.output)["results"]
    (violation,) = replayed["violations"]
    assert (violation["property"], violation["stem_length"], violation["loop_length"]) == (
        "termination", 4, 6)
    assert [step["action"]["text"] for step in violation["trace"][1:]] == LIVELOCK
    # (the search's own lasso, step for step)
    recorded = json.loads(livelock.read_text())["results"][0]["violations"][0]
    assert violation["trace"] == recorded["trace"]
    assert replayed["stats"]["replay"]["source"] == str(WRITTEN)


@pytest.mark.parametrize("text, field, message", [
    ("steps: [Propose(p=0)]\nloop: 2\n", "loop",
     "is 2; give the step after which the loop starts, 0 to 1 (the last step goes back to "
     "its state; 1: the run stutters in its last state for ever)"),
    ("steps: [Propose(p=0)]\n", "loop",
     "is None; give the step after which the loop starts, 0 to 1 (the last step goes back "
     "to its state; 1: the run stutters in its last state for ever)"),
    ("steps: []\nloop: 0\n", "steps",
     "give the lasso's actions as a list (steps: [Propose(p=0), ...])"),
    ("steps: [Propose(p=0), 3]\nloop: 0\n", "steps",
     "step 2 is 3, not an action; write each step as reports print it (- Phase1a(b=0))"),
    ("steps: [Propose(p=0)]\nloop: 0\nstem: 1\n", "stem",
     "unknown key 'stem'; a lasso has steps and loop"),
])
def test_a_lasso_written_by_hand_that_is_none_is_refused(tmp_path, text, field, message):
    lasso = tmp_path / "lasso.yaml"
    lasso.write_text(text)
    result = run(DUELING, "--replay", lasso)
    assert (result.exit_code, result.output) == (2, f"error: {lasso}: {field}: {message}\n")
