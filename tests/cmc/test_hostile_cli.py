"""Hostile options and failing surroundings: one line on stderr, the right
exit code, never a traceback."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker
from checker.workers import usable_cpus
from cmc.main import cli

ROOT = Path(__file__).resolve().parents[2]
HOLDS = "model: die-hard\nproperties: [within_capacity]\n"


@pytest.fixture
def run(toy_registry):
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), prog_name="cmc")
    return invoke


def cmc(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=ROOT, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120, **options)


@pytest.mark.parametrize("args, message", [
    (["check", "--max-depth", "-1", "SPEC"],
     "error: Invalid value for '--max-depth': -1 is not in the range x>=0. "
     "(see cmc check --help)\n"),
    (["check", "--bogus", "SPEC"],
     "error: No such option '--bogus'. (Did you mean one of: '--behaviours', '--out'?) "
     "(see cmc check --help)\n"),
    (["chekc"], "error: No such command 'chekc'. Did you mean 'check'? (see cmc --help)\n"),
    (["--bogus"], "error: No such option '--bogus'. (see cmc --help)\n"),
    (["check"], "error: Missing argument 'SPEC...'. (see cmc check --help)\n"),
])
def test_an_option_error_is_one_line(run, write_spec, args, message):
    args = [write_spec(HOLDS) if arg == "SPEC" else arg for arg in args]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["nan", "NaN", "-inf", "0"])
def test_a_time_limit_that_limits_nothing_is_an_error(run, write_spec, value):
    result = run("check", "--time-limit", value, write_spec(HOLDS))
    assert result.exit_code == 2
    assert result.stderr == (f"error: Invalid value for '--time-limit': {value!r} is not a "
                             "number of seconds above 0 (see cmc check --help)\n")


def test_a_thousand_workers_are_capped_and_the_report_says_how_many_ran(run):
    used = max(usable_cpus(), 2)
    result = run("check", "--workers", "1000", "--format", "json",
                 "specs/raft-mutant-vote-twice.yaml")
    assert result.exit_code == 0
    assert result.stderr == f"note: --workers 1000: using {used}, the CPUs this process may use\n"
    # stats.workers counts the processes that ran: this spec's levels are
    # too small to share, so one did.
    assert json.loads(result.stdout)["results"][0]["stats"]["workers"] == 1


def test_graph_refuses_an_output_extension_it_cannot_write(run, write_spec, tmp_path):
    result = run("graph", write_spec(HOLDS), "-o", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: Invalid value for '-o' / '--output': cannot tell a graph format from '.svg': "
        "name the file .dot, .gv, .graphml or .json, or give --format (for SVG: write .dot, "
        "then dot -Tsvg FILE.dot > FILE.svg) (see cmc graph --help)\n")
    assert list(tmp_path.iterdir()) == [tmp_path / "spec.yaml"]


def test_standard_output_on_a_full_device_is_one_line_and_exit_2():
    with open("/dev/full", "w") as full:
        done = cmc("list", stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr == "error: cannot write standard output: No space left on device\n"


def test_standard_output_to_a_closed_pipe_is_one_line_and_exit_2():
    process = subprocess.Popen([sys.executable, "-m", "checker", "list"], cwd=ROOT, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # long before the child has imported anything
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 2
    assert stderr == "error: cannot write standard output: Broken pipe\n"


def stopped(monkeypatch, why: str) -> None:
    """Make every run stop as the engine stops it for `why`."""
    real_check = checker.check

    def check(*args, **kwargs):
        result = real_check(*args, **kwargs)
        return dataclasses.replace(result, verdict="incomplete", stopped_by=why)

    monkeypatch.setattr(checker, "check", check)


def test_a_run_out_of_memory_is_incomplete_saying_so(run, write_spec, monkeypatch):
    stopped(monkeypatch, "memory")
    result = run("check", write_spec(HOLDS))
    assert result.exit_code == 3
    assert ("verdict: INCOMPLETE (memory ran out (give smaller parameters or "
            "bounds, or more memory))\n") in result.stdout


@pytest.mark.parametrize("why", ["interrupted", "memory"])
def test_a_stopped_run_of_a_spec_with_expect_is_incomplete_not_unmet(run, write_spec,
                                                                      monkeypatch, why):
    stopped(monkeypatch, why)
    result = run("check", write_spec(HOLDS + "expect: {verdict: holds, distinct_states: 16}\n"))
    assert result.exit_code == 3
    assert "expectation NOT met" not in result.stdout
    assert result.stdout.endswith("expectation not judged: the run did not finish\n\n")


def test_running_out_of_memory_while_reporting_is_one_line(run, write_spec, monkeypatch):
    import reports.text

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(reports.text, "render_result", exhausted)
    result = run("check", write_spec(HOLDS))
    assert result.exit_code == 3
    assert result.stderr == ("error: out of memory; give smaller parameters or bounds "
                             "(--max-states), or allow the process more memory\n")


def test_progress_to_a_full_stderr_costs_the_progress_not_the_run():
    with open("/dev/full", "w") as full:
        done = cmc("check", "specs/paxos-3a-2v-2b.yaml", "--progress", stdout=subprocess.PIPE,
                   stderr=full)
    assert done.returncode == 0
    assert done.stdout.endswith("expectation met\n\n")


def test_a_quorum_rule_of_nested_aliases_is_refused_before_it_is_expanded(run):
    lines = ["x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"] + [
        f"x{level}: &x{level} [{', '.join([f'*x{level - 1}'] * 9)}]" for level in range(1, 6)]
    result = run("quorum", "--quorum", "{" + ", ".join(lines) + "}")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: Invalid value for '--quorum': holds more than 10,000 values once its aliases "
        "(*name) are expanded; a spec needs far fewer (write values out rather than nesting "
        "aliases) (see cmc quorum --help)\n")


def test_cmc_list_shows_each_parameter_range(run):
    result = run("list")
    assert "\n    acceptors (default 3, 1 to 9): number of acceptors\n" in result.stdout
    assert "\n    max_term (default 2, 1 to 100): state constraint: every current_term" \
        in result.stdout
    paxos = next(entry for entry in json.loads(run("list", "--format", "json").stdout)["models"]
                 if entry["name"] == "paxos")
    assert paxos["params"][2] == {"name": "ballots", "default": 2, "minimum": 1, "maximum": 10,
                                  "help": "number of ballots; ballots are 0..ballots-1"}
