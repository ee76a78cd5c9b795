"""`cmc simulate`: exit codes, the seed in the report, expectations judged
by verdict and property only, one-line errors, and an interrupted draw."""

from __future__ import annotations

import json
import signal

import jsonschema
import pytest
from click.testing import CliRunner

from cmc.main import cli
from reports.json import SCHEMA_PATH
from tests.cmc.test_hostile_signals import start


@pytest.fixture
def run(toy_registry):
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["simulate", *args])
    return invoke


def test_a_violation_found_exits_1_with_the_drawn_behaviour(run, write_spec):
    result = run(write_spec("model: die-hard\nproperties: [goal_not_reached]\n"),
                 "--seed", "5")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1].startswith("verdict: VIOLATED (a simulation draws behaviours at random")
    assert lines[2].startswith("Goal Not Reached (goal_not_reached) violated after ")
    assert lines[2].endswith(" steps: the big jug holds 4 gallons")
    assert any(line.startswith("simulation: ") and "(seed 5)" in line for line in lines)
    assert ("traces: behaviours drawn at random, with the loops they made cut out; not "
            "necessarily the shortest (`cmc check` finds those)") in lines


def test_nothing_found_exits_0_and_says_nothing_is_proven(run, write_spec):
    result = run(write_spec("model: die-hard\nproperties: [within_capacity]\n"
                            "expect: {verdict: holds}\n"),
                 "--seed", "1", "--behaviours", "20", "--depth", "10")
    assert result.exit_code == 0
    assert ("  Within Capacity (within_capacity): not settled: a simulation draws behaviours "
            "at random: what none of them broke is not proven to hold") in result.output
    assert result.output.rstrip().splitlines()[-1] == (
        "expectation (holds) not contradicted: no behaviour drawn broke a property, which "
        "does not prove that they hold")
    assert ("simulation: 20 behaviours of up to 10 steps (seed 1) · 200 steps taken, the "
            "longest behaviour 10 steps · distinct states met 8 · generated 1,200") in result.output


def test_an_expected_violation_found_meets_the_expectation(run, write_spec):
    spec = write_spec("model: die-hard\nmutant: overfill\nproperties: [within_capacity]\n"
                      "expect: {verdict: violated, property: within_capacity, "
                      "trace_length: 1}\n")
    result = run(spec, "--seed", "3")
    assert result.exit_code == 0 and result.output.rstrip().endswith("expectation met")
    # an expected violation not drawn: nothing is judged, exit 3
    result = run(spec, "--seed", "3", "--depth", "0")
    assert result.exit_code == 3
    assert result.output.rstrip().splitlines()[-1] == (
        "expectation not judged: no behaviour drawn broke within_capacity; draw more "
        "(--behaviours, --depth) or check it (`cmc check`)")


def test_an_unexpected_violation_is_a_mismatch(run, write_spec):
    result = run(write_spec("model: die-hard\nmutant: overfill\nexpect: {verdict: holds}\n"),
                 "--seed", "0", "--keep-going")
    assert result.exit_code == 1
    assert "  verdict: expected holds, got violated (goal_not_reached)" in result.output or (
        "  verdict: expected holds, got violated (within_capacity)" in result.output)
    assert "expectation NOT met:" in result.output


def test_the_same_seed_draws_the_same_behaviours_and_json_follows_the_schema(run, write_spec):
    spec = write_spec("model: die-hard\n")
    first = run(spec, "--seed", "11", "--format", "json")
    second = run(spec, "--seed", "11", "--format", "json")
    assert first.exit_code == second.exit_code == 1
    one, two = json.loads(first.output), json.loads(second.output)
    jsonschema.validate(one, json.loads(SCHEMA_PATH.read_text()))
    (document,), (again,) = one["results"], two["results"]
    assert document["violations"] == again["violations"]
    assert document["stopped_by"] == "simulation"
    assert document["stats"]["simulation"]["seed"] == 11
    assert document["stats"]["simulation"]["depth"] == 100


def test_bad_input_is_one_line_exit_2(run, write_spec):
    result = run(write_spec("model: die-hard\n"), "--behaviours", "0")
    assert result.exit_code == 2 and "'--behaviours': 0 is not in the range x>=1" in result.output
    result = CliRunner().invoke(cli, ["simulate", "specs/paxos-liveness-dueling.yaml"])
    assert result.exit_code == 2
    assert result.output == (
        "error: specs/paxos-liveness-dueling.yaml:4: properties: termination: temporal "
        "properties are about whole behaviours, which a simulation does not draw (its "
        "behaviours end); check them with `cmc check`, or leave them out\n")


def test_sigterm_reports_the_behaviours_drawn_and_exits_3():
    process = start("simulate", "specs/large/raft-3s.yaml", "--behaviours", "100000000",
                    "--seed", "1", "--progress")
    assert process.stderr.readline().startswith("drawn: ")
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 3 and "Traceback" not in stderr
    assert stdout.rstrip().splitlines()[-1] == "interrupted: the behaviours drawn so far are reported"
    assert "simulation: " in stdout
