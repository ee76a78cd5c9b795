"""`cmc check --simulate`: exit codes, the seed in the report, expectations
judged by verdict and property only, the report files, one-line errors,
and an interrupted draw."""

from __future__ import annotations

import json
import re
import signal
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from cmc.main import cli
from reports.json import SCHEMA_PATH
from tests.cmc.test_hostile_signals import start


@pytest.fixture
def run(toy_registry):
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["check", "--simulate", *args])
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
    assert ("traces: behaviours drawn at random, their loops cut out and the steps the "
            "model lets them skip skipped; not necessarily the shortest (a search, without "
            "--simulate, finds those)") in lines


def test_nothing_found_exits_0_and_says_nothing_is_proven(run, write_spec, tmp_path):
    summary = tmp_path / "summary.md"
    result = run(write_spec("model: die-hard\nproperties: [within_capacity]\n"
                            "expect: {verdict: holds, distinct_states: 16}\n"),
                 "--seed", "1", "--behaviours", "20", "--max-depth", "10",
                 "--summary", str(summary))
    assert result.exit_code == 0
    assert ("  Within Capacity (within_capacity): not settled: a simulation draws behaviours "
            "at random: what none of them broke is not proven to hold") in result.output
    # (the figures an expectation gives are a whole search's: not judged)
    assert result.output.rstrip().splitlines()[-1] == (
        "expectation (holds) not contradicted: no behaviour drawn broke a property, which "
        "does not prove that they hold")
    assert "expectation met" not in result.output
    assert ("simulation: 20 behaviours of up to 10 steps (seed 1) · 200 steps taken, the "
            "longest behaviour 10 steps · distinct states met 10 · generated 1,200"
            ) in result.output
    row = summary.read_text().splitlines()[6]
    assert "| incomplete (simulation: 20 behaviours drawn) | not contradicted | 10 | 10 |" in row


def test_an_expected_violation_found_meets_the_expectation(run, write_spec, tmp_path):
    spec = write_spec("model: die-hard\nmutant: overfill\nproperties: [within_capacity]\n"
                      "expect: {verdict: violated, property: within_capacity, "
                      "trace_length: 1}\n")
    junit = tmp_path / "junit.xml"
    result = run(spec, "--seed", "3", "--junit", str(junit))
    assert result.exit_code == 0 and result.output.rstrip().endswith("expectation met")
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    assert cases["within_capacity"].find("failure") is None
    assert cases["within_capacity"].find("system-out") is not None
    # an expected violation not drawn: nothing is judged, exit 3
    result = run(spec, "--seed", "3", "--max-depth", "0")
    assert result.exit_code == 3
    assert result.output.rstrip().splitlines()[-1] == (
        "expectation not judged: no behaviour drawn broke within_capacity; draw more "
        "(--behaviours, --max-depth) or check every state (without --simulate)")


def test_an_unexpected_violation_is_a_mismatch(run, write_spec):
    result = run(write_spec("model: die-hard\nmutant: overfill\nproperties: [within_capacity]"
                            "\nexpect: {verdict: holds}\n"), "--seed", "0")
    assert result.exit_code == 1
    assert "  verdict: expected holds, got violated (within_capacity)" in result.output
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


@pytest.mark.parametrize("options, message", [
    (["--checkpoint", "cp"], "--checkpoint is for a search of every state"),
    (["--symmetry"], "--symmetry is for a search of every state; --simulate draws "
                     "behaviours: leave one out"),
    (["--max-states", "5"], "--max-states is for a search of every state"),
    (["--behaviours", "0"], "'--behaviours': 0 is not in the range x>=1"),
])
def test_options_of_a_search_are_refused_in_one_line(run, write_spec, options, message):
    result = run(write_spec("model: die-hard\n"), *options)
    assert result.exit_code == 2 and message in result.output


def test_a_seed_without_simulate_is_refused(toy_registry):
    result = CliRunner().invoke(cli, ["check", "specs/paxos-3a-2v-2b.yaml", "--seed", "3"])
    assert result.exit_code == 2
    assert "error: --seed is for a simulation: give --simulate too" in result.output


def test_an_expected_temporal_violation_is_not_judged_by_a_finite_run(tmp_path):
    # the spec names the model's temporal property (properties: [agreement,
    # termination]) and expects it violated: the run checks agreement alone
    run = tmp_path / "run.yaml"
    run.write_text("- Propose(p=0)\n")
    result = CliRunner().invoke(cli, ["check", "specs/paxos-liveness-dueling.yaml",
                                      "--replay", str(run)])
    assert result.exit_code == 3
    assert ("note: specs/paxos-liveness-dueling.yaml: the run replayed is a finite one, not "
            "a lasso; the temporal properties (termination) are left out") in result.stderr
    assert "  Agreement (agreement): not settled" in result.stdout
    assert "(termination)" not in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == (
        "expectation not judged: termination is a temporal property, which a finite run "
        "cannot break; replay a lasso (a report's, or steps: and loop:) or check every state "
        "(without --replay)")


def test_a_simulation_finds_the_livelock_a_search_finds(tmp_path):
    # each behaviour drawn whole is searched for a fair lasso among its
    # states: the dueling proposers' livelock, in the second behaviour of seed 1
    result = CliRunner().invoke(cli, ["check", "specs/paxos-liveness-dueling.yaml",
                                      "--simulate", "--behaviours", "50", "--seed", "1"])
    assert result.exit_code == 0  # (the spec expects it)
    lines = result.stdout.splitlines()
    assert ("  Termination (termination): violated by a lasso: a stem of 12 steps, then a loop "
            "of 11 steps for ever: a fair behaviour never reaches Termination") in lines
    assert lines[-2:] == ["expectation met", ""]
    assert ("traces: behaviours drawn at random, the shortest fair lasso among each one's "
            "states; not necessarily the shortest (a search, without --simulate, finds "
            "those)") in lines
    assert any(line.startswith("simulation: 2 behaviours of up to 100 steps (seed 1)")
               for line in lines)


@pytest.mark.parametrize("workers", [pytest.param("1", marks=pytest.mark.slow), "2"])
def test_sigterm_reports_the_behaviours_drawn_and_exits_3(workers):
    process = start("check", "--simulate", "specs/large/raft-3s.yaml", "--behaviours",
                    "100000000", "--seed", "1", "--progress", "--workers", workers)
    assert process.stderr.readline().startswith("drawn: ")
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 3 and "Traceback" not in stderr
    assert "verdict: INCOMPLETE (the run was interrupted)" in stdout
    assert stdout.rstrip().splitlines()[-1] == "expectation not judged: the run did not finish"
    # the figures are those of the behaviours drawn whole, exactly those of
    # one process drawing as many (the time, the memory and the processes aside)
    (drawn,) = [line for line in stdout.splitlines() if line.startswith("simulation: ")]
    behaviours = re.match(r"simulation: ([\d,]+) behaviours", drawn)[1].replace(",", "")
    again = CliRunner().invoke(cli, ["check", "--simulate", "specs/large/raft-3s.yaml",
                                     "--behaviours", behaviours, "--seed", "1",
                                     "--workers", "1"])
    (one,) = [line for line in again.output.splitlines() if line.startswith("simulation: ")]
    figures = re.compile(r" · [\d.]+ s · .*")
    assert figures.sub("", drawn) == figures.sub("", one)


def test_workers_share_the_draw_and_report_what_one_process_reports(run, write_spec):
    spec = write_spec("model: die-hard\n")
    one = run(spec, "--seed", "2", "--keep-going", "--workers", "1", "--behaviours", "300")
    two = run(spec, "--seed", "2", "--keep-going", "--workers", "2", "--behaviours", "300")
    assert one.exit_code == two.exit_code == 1
    # every line alike but the time, the memory and the processes
    figures = [k for k, line in enumerate(one.output.splitlines())
               if line.startswith("simulation: ")]
    assert [line for k, line in enumerate(one.output.splitlines()) if k not in figures] == [
        line for k, line in enumerate(two.output.splitlines()) if k not in figures]
    assert "· 2 workers" in two.output.splitlines()[figures[0]]


def test_the_json_figures_of_several_workers_are_one_process_s():
    # a mutant broken in behaviour 18 of seed 2: the other processes drew
    # past it before they learnt of it, and what they drew there is left out
    def document(workers: str) -> dict:
        result = CliRunner().invoke(cli, [
            "check", "--simulate", "specs/paxos-mutant-no-adopt.yaml", "--behaviours", "300",
            "--seed", "2", "--workers", workers, "--format", "json"])
        assert result.exit_code == 0, result.output  # (the violation its expect: names)
        (drawn,) = json.loads(result.stdout)["results"]
        for timing in ("seconds", "states_per_second", "peak_memory_bytes", "workers",
                       "worker_memory_bytes"):
            del drawn["stats"][timing]
        return drawn

    one = document("1")
    assert one["stats"]["simulation"]["behaviours"] == 18
    for _ in range(3):  # (a race would show)
        assert document("2") == one
