"""Replay (checker/replay.py): a recorded or hand-written run taken again on
a model, checked as it goes; where it stops being a run of the model, and
where its states stop being the recorded ones."""

from __future__ import annotations

import json

import pytest

from checker import CheckConfig
from checker.errors import SpecError
from checker.replay import Script, load_script, replay
from tests.checker.test_assertions import AssertingGrid
from tests.checker.test_workers import Grid

RIGHT, UP = "Move(axis=0)", "Move(axis=1)"


def test_a_failed_assert_on_the_run_is_found_where_a_search_finds_it():
    result = replay(AssertingGrid(side=5), CheckConfig(properties=()),
                    Script("run", (RIGHT,) * 4 + (UP,) * 3))
    (finding,) = result.violations
    assert (finding.property.name, len(finding.trace.steps) - 1, finding.trace.final) == (
        "assertion", 7, (4, 3))
    assert result.stats.replayed.taken == 7 and result.stats.replayed.left is None
    assert result.stopped_by == "replay" and result.verdict == "violated"


def test_a_run_ending_with_no_step_is_a_deadlock_where_the_run_checks_them():
    run = Script("run", (RIGHT, RIGHT, UP, UP))
    found = replay(Grid(side=2), CheckConfig(properties=(), deadlock=True), run)
    assert [(f.property.name, len(f.trace.steps) - 1, f.trace.final, f.reason)
            for f in found.violations] == [
        ("deadlock", 4, (2, 2), "no action is enabled and no bound explains why")]
    assert replay(Grid(side=2), CheckConfig(properties=()), run).violations == ()


def test_a_step_the_model_does_not_have_stops_the_replay_and_names_the_steps_it_has():
    result = replay(Grid(side=2), CheckConfig(properties=("corner",)),
                    Script("run", (RIGHT, "Move( axis = 0 )", RIGHT, UP)))
    assert result.stats.replayed.left == (
        "step 3, Move(axis=0), is not a step of the model from step 2's state; its steps "
        "there: Move(axis=1); closest: Move(axis=1), yours differs at axis=0")
    assert result.stats.replayed.taken == 2 and result.stats.depth == 2
    # the property reached on the way is a witness, the run being a run so far
    assert [(w.property.name, w.trace.final) for w in result.witnesses] == [("corner", (2, 0))]
    assert result.verdict == "not a run"
    assert result.stats.replayed.stop == "step 3, Move(axis=0), is not a step of the model"


def test_a_recorded_state_the_model_no_longer_reaches_is_named_with_its_fields():
    states = ({"state": [0, 0]}, {"state": [1, 0]}, {"state": [1, 7]}, {"state": [1, 2]})
    result = replay(Grid(side=2), CheckConfig(properties=()),
                    Script("run", (RIGHT, UP, UP), states))
    assert result.stats.replayed.first_difference == (
        "step 2 (Move(axis=1)) reaches another state than the recorded one: state is "
        "[1, 1], recorded [1, 7]")
    assert result.stats.replayed.differing == 1 and result.stats.replayed.taken == 3


def test_an_initial_state_none_of_the_models_stops_it_before_any_step():
    result = replay(Grid(side=2), CheckConfig(properties=()),
                    Script("run", (RIGHT,), ({"state": [0, 1]}, {"state": [1, 1]})))
    assert result.stats.replayed.left == (
        "the recorded initial state is none of the model's: state is [0, 0], recorded [0, 1]")
    assert result.stats.replayed.taken == 0 and result.stats.distinct_states == 0


def test_temporal_properties_of_a_finite_run_are_refused():
    # (a lasso a report recorded is judged: tests/checker/test_replay_lasso.py)
    from models import REGISTRY

    model = REGISTRY["paxos-liveness"]()
    with pytest.raises(SpecError) as error:
        replay(model, CheckConfig(properties=("agreement", "termination")), Script("run", ()))
    assert str(error.value) == (
        "<spec>: properties: termination: temporal properties are about infinite behaviours, "
        "and this run is a finite one (only a lasso that a report recorded is one of those); "
        "leave them out (properties: [...])")


@pytest.mark.parametrize("text, message", [
    ("[1, 2]", "step 1 is 1, not an action; write each step as reports print it "
               "(- Phase1a(b=0))"),
    ("- Invoke(c1: write(x, 1) to s1)\n",
     "step 1 is read by YAML as a mapping, its text holding ': '; put the action in quotes "
     "(- \"Invoke(c1: write(x, 1) to s1)\")"),
    ("{a: 1}", "neither a JSON report of cmc check (--out DIR, --format json), a YAML "
               "list of actions, a lasso (a YAML mapping of steps: and loop:) nor a log (a "
               "YAML mapping of events:)"),
    ("- [x", "not YAML (while parsing a flow sequence); give a JSON report of cmc check or a "
             "YAML list of actions"),
])
def test_a_file_holding_no_run_is_refused_naming_it(tmp_path, text, message):
    path = tmp_path / "run.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as error:
        load_script(str(path))
    assert str(error.value) == f"{path}: {message}"


def _report(tmp_path, findings: dict) -> str:
    trace = [{"action": None, "state": {"x": 0}},
             {"action": {"name": "A", "args": {}, "text": "A()"}, "state": {"x": 1}}]
    results = [{"spec": spec, "violations": [{"property": name, "trace": trace}
                                             for name in names], "witnesses": []}
               for spec, names in findings.items()]
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"schema": "cmc.result/1", "results": results}))
    return str(path)


def test_a_report_s_trace_is_picked_by_its_property(tmp_path):
    path = _report(tmp_path, {"a.yaml": ["agreement", "validity"]})
    script = load_script(f"{path}:validity")
    assert script == Script(f"{path}:validity", ("A()",), ({"x": 0}, {"x": 1}))
    with pytest.raises(SpecError) as error:
        load_script(path)
    assert str(error.value) == (f"{path}: holds 2 traces (agreement, validity): name the "
                                f"property ({path}:agreement)")
    with pytest.raises(SpecError) as error:
        load_script(f"{path}:deadlock")
    assert str(error.value) == (f"{path}: holds no trace of deadlock; it holds those of "
                                f"agreement, validity: name one ({path}:agreement)")
    # a report of witnesses only, none named
    witnessed = tmp_path / "witnessed.json"
    witnessed.write_text(json.dumps({"schema": "cmc.result/1", "results": [
        {"spec": "a.yaml", "violations": [], "witnesses": [
            {"property": "corner", "trace": [{"action": None, "state": {"x": 0}}]}]}]}))
    with pytest.raises(SpecError) as error:
        load_script(str(witnessed))
    assert str(error.value) == (f"{witnessed}: holds no counterexample, only witnesses; it "
                                f"holds those of corner: name one ({witnessed}:corner)")
    path = _report(tmp_path, {"a.yaml": ["agreement"], "b.yaml": ["agreement"]})
    with pytest.raises(SpecError) as error:
        load_script(f"{path}:agreement")
    assert str(error.value) == (f"{path}: holds 2 traces of agreement, of specs a.yaml, "
                                "b.yaml: write each spec's report apart (--out DIR) and "
                                "replay one")
    path = _report(tmp_path, {})
    with pytest.raises(SpecError) as error:
        load_script(path)
    assert str(error.value) == f"{path}: holds no trace: the report of a run that found nothing"


@pytest.mark.parametrize("text, told", [
    ("Fly(x=1)", "; the model has no action Fly (its actions: Move)"),
    ("Move", "; write the action with its fields as reports print them (Move(axis=…))"),
    ("Move(axis=7)", "; closest: Move(axis=0), yours differs at axis=7"),
])
def test_a_step_no_action_could_be_says_why(text, told):
    result = replay(Grid(side=2), CheckConfig(properties=()), Script("run", (RIGHT, text)))
    assert result.stats.replayed.left == (
        f"step 2, {text}, is not a step of the model from step 1's state; its steps there: "
        f"Move(axis=0), Move(axis=1){told}")


def test_a_first_step_that_is_none_is_said_from_the_initial_state():
    result = replay(Grid(side=2), CheckConfig(properties=()), Script("run", ("Fly(x=1)",)))
    assert result.stats.replayed.left == (
        "step 1, Fly(x=1), is not a step of the model from the initial state; its steps "
        "there: Move(axis=0), Move(axis=1); the model has no action Fly (its actions: Move)")
