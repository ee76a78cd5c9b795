"""`cmc check` with a spec whose `expect:` lists each property's outcome:
exit codes and exact messages (click's CliRunner)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from cmc.main import cli
from reports.json import load_schema

#: die-hard's own properties checked, and an invariant that only the state
#: (3, 1) breaks: 7 steps deep, one deeper than Goal Not Reached's 6
DIE_HARD = ("model: die-hard\nproperties: [goal_not_reached, within_capacity]\n"
            "invariants: {never_3_1: \"view['state'] != [3, 1]\"}\n")
#: the shortest run to 4 gallons in the big jug (Goal Not Reached violated)
TO_FOUR = ["Fill(jug=1)", "Pour(source=1, target=0)", "Empty(jug=0)",
           "Pour(source=1, target=0)", "Fill(jug=1)", "Pour(source=1, target=0)"]


@pytest.fixture
def cmc(toy_registry):
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), prog_name="cmc")
    return invoke


def _properties(output: str) -> list[str]:
    """The report's lines of property outcomes."""
    lines = output.splitlines()
    start = lines.index("properties:") + 1
    end = next(index for index, line in enumerate(lines) if line.startswith("distinct states"))
    return lines[start:end]


def test_met_outcomes_exit_0_with_every_listed_property_settled(cmc, write_spec):
    result = cmc("check", "--no-progress", write_spec(DIE_HARD + (
        "expect: {trace_length: 6, properties: {goal_not_reached: violated, "
        "within_capacity: holds, never_3_1: violated}}\n")))
    assert result.exit_code == 0
    # (no --keep-going: the list asks for it)
    assert _properties(result.output) == [
        "  Goal Not Reached (goal_not_reached): violated after 6 steps: the big jug holds "
        "4 gallons",
        "  Within Capacity (within_capacity): holds",
        "  Never 3 1 (never_3_1): violated after 7 steps: view['state'] != [3, 1] is false"]
    assert result.output.rstrip().endswith("expectation met")


def test_a_listed_holding_property_broken_deeper_exits_1_saying_so(cmc, write_spec):
    result = cmc("check", "--no-progress", write_spec(DIE_HARD + (
        "expect: {property: goal_not_reached, properties: {goal_not_reached: violated, "
        "never_3_1: holds}}\n")))
    assert result.exit_code == 1
    assert result.output.endswith(
        "expectation NOT met:\n  properties.never_3_1: expected holds, got violated\n\n")


def test_the_same_spec_with_a_verdict_alone_stops_at_the_first_violation(cmc, write_spec):
    result = cmc("check", "--no-progress", write_spec(DIE_HARD + (
        "expect: {verdict: violated, property: goal_not_reached}\n")))
    assert result.exit_code == 0
    assert _properties(result.output)[2] == (
        "  Never 3 1 (never_3_1): not settled: the run stopped at the first violation "
        "(--keep-going checks every property)")


def test_every_mismatch_is_listed_under_the_verdicts(cmc, write_spec):
    result = cmc("check", "--no-progress", write_spec(DIE_HARD + (
        "expect: {verdict: holds, properties: {within_capacity: holds, never_3_1: holds}}\n")))
    assert result.exit_code == 1
    assert result.output.endswith(
        "expectation NOT met:\n  verdict: expected holds, got violated\n"
        "  properties.never_3_1: expected holds, got violated\n\n")


@pytest.mark.parametrize("expect, message", [
    ("expect: {properties: {never_3_l: holds}}\n",
     ":4: expect.properties.never_3_l: 'never_3_l' is not among the checked properties (did "
     "you mean 'never_3_1'?); list some of: goal_not_reached, within_capacity, never_3_1, "
     "deadlock, assertion"),
    ("expect:\n  properties: {never_3_1: broken}\n",
     ":5: expect.properties.never_3_1: got 'broken'; accepted: holds, violated, witnessed, "
     "not settled"),
    ("expect: {verdict: holds, properties: {never_3_1: violated}}\n",
     ":4: expect.verdict: never_3_1 is listed violated, so the verdict is violated; write "
     "verdict: violated, or leave verdict out (the listed outcomes imply it)"),
])
def test_a_bad_list_exits_2_with_one_line(cmc, write_spec, expect, message):
    path = write_spec(DIE_HARD + expect)
    result = cmc("check", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {path}{message}\n"


def test_the_json_report_carries_the_list_and_the_settled_outcomes(cmc, write_spec):
    result = cmc("check", "--no-progress", "--format", "json", write_spec(DIE_HARD + (
        "expect: {properties: {goal_not_reached: violated, never_3_1: holds}}\n")))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_schema())
    (checked,) = document["results"]
    assert checked["expect"]["verdict"] == "violated"
    assert checked["expect"]["properties"] == {"goal_not_reached": "violated",
                                               "never_3_1": "holds"}
    assert checked["mismatches"] == ["properties.never_3_1: expected holds, got violated"]
    assert [(p["property"], p["outcome"]) for p in checked["properties"]] == [
        ("goal_not_reached", "violated"), ("within_capacity", "holds"),
        ("never_3_1", "violated")]


def test_a_replay_that_breaks_a_property_listed_as_holding_exits_1(cmc, write_spec, tmp_path):
    run = tmp_path / "run.yaml"
    run.write_text("".join(f"- {action}\n" for action in TO_FOUR))
    result = cmc("check", "--replay", str(run), write_spec(DIE_HARD + (
        "expect: {verdict: violated, properties: {goal_not_reached: holds}}\n")))
    assert result.exit_code == 1
    assert result.output.endswith(
        "expectation NOT met:\n  properties.goal_not_reached: expected holds, got violated\n\n")


def test_a_replay_that_breaks_the_property_listed_violated_exits_0(cmc, write_spec, tmp_path):
    run = tmp_path / "run.yaml"
    run.write_text("".join(f"- {action}\n" for action in TO_FOUR))
    result = cmc("check", "--replay", str(run), write_spec(DIE_HARD + (
        "expect: {properties: {goal_not_reached: violated, never_3_1: holds}}\n")))
    assert result.exit_code == 0
    assert result.output.rstrip().endswith("expectation met")


def test_show_writes_the_list_back_as_a_spec_that_loads(cmc, write_spec, tmp_path):
    result = cmc("show", write_spec(DIE_HARD + (
        "expect: {properties: {goal_not_reached: violated, never_3_1: violated}}\n")))
    assert result.exit_code == 0
    assert result.output.endswith(
        "expect:\n  verdict: violated\n  properties:\n    goal_not_reached: violated\n"
        "    never_3_1: violated\n")
    again = tmp_path / "again.yaml"
    again.write_text(result.output)
    assert cmc("check", "--no-progress", str(again)).exit_code == 0


def test_a_simulation_that_breaks_a_property_listed_as_holding_exits_1(cmc, write_spec):
    result = cmc("check", "--simulate", "--seed", "1", "--behaviours", "20", write_spec(
        DIE_HARD + "expect: {properties: {goal_not_reached: holds, within_capacity: holds}}\n"))
    assert result.exit_code == 1
    assert result.output.endswith(
        "expectation NOT met:\n  properties.goal_not_reached: expected holds, got violated\n\n")
