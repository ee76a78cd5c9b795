"""benchmarks.project: a partitioned run's time with a core for each
process, projected from the CPU time of each process in each step of each
level."""

from __future__ import annotations

import dataclasses
import sys
import time

import pytest

from benchmarks import project
from checker import partition, partitioned

# (its 17,153 orbits share the search from level 15: a short run that is partitioned)
PAXOS = "specs/paxos-3a-2v-3b-symmetry.yaml"


def test_a_run_is_projected_from_its_levels_steps():
    steps = {step: getattr(partition.Part, step) for step in project.STEPS}
    level = partitioned.Partitions.level
    run = project.project(PAXOS, 3)
    assert run.distinct_states == 17_153
    # partitioned from the first level of 2,048 states or more (the 16th,
    # numbered 15) to the last, 24
    assert run.levels == 10
    assert list(run.parts) == ["before partitions", "fork", "main between steps",
                               *project.STEPS]
    assert all(seconds >= 0 for seconds in run.parts.values())
    assert run.projected == sum(run.parts.values())
    # each step's slowest process, level by level, spent at most what all did
    assert sum(run.parts[step] for step in project.STEPS) <= run.steps_cpu_seconds
    assert run.steps_cpu_seconds <= run.cpu_seconds
    # the search is as it was
    assert {step: getattr(partition.Part, step) for step in project.STEPS} == steps
    assert partitioned.Partitions.level is level


@pytest.mark.slow  # (2.2 s; the command's test runs the projection by default)
def test_a_step_run_within_another_is_counted_as_its_own(monkeypatch):
    # where no states are given, `settle` takes the level itself: that
    # `take` (made to spend 20 ms of CPU here) is counted as take's
    take = partition.Part.take

    def slow_take(part):
        started = time.process_time()
        while time.process_time() - started < 0.02:
            pass
        take(part)

    monkeypatch.setattr(partition.Part, "take", slow_take)
    run = project.project(PAXOS, 2)
    assert run.parts["take"] >= 0.02 * run.levels
    assert run.parts["settle"] < 0.005 * run.levels


def test_the_command_prints_a_row_and_the_parts(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["project", PAXOS, "--workers", "2"])
    project.main()
    header, row, parts = capsys.readouterr().out.splitlines()
    assert header.split() == ["spec", "workers", "distinct", "one", "cpu", "s", "here", "s",
                              "cpu", "s", "projected", "s", "speed-up"]
    assert row.split()[:3] == [PAXOS, "2", "17,153"]
    assert parts.startswith("    projected s by part: before partitions ")


def test_a_run_with_no_level_to_share_is_all_before_partitions():
    run = project.project("specs/raft-2s.yaml", 16)  # no level of 2,048 states
    assert (run.distinct_states, run.levels) == (1_645, 0)
    assert list(run.parts) == ["before partitions", "fork"] and run.parts["fork"] == 0


@pytest.mark.parametrize("arguments, line", [
    (["specs/nope.yaml"], "error: specs/nope.yaml: no such file; give the path of a spec (.yaml)"),
    ([PAXOS, "--workers", "1"],
     "error: give --workers 2 or more (the processes to project) and --repeat 1 or more"),
    ([PAXOS, "--repeat", "0"],
     "error: give --workers 2 or more (the processes to project) and --repeat 1 or more"),
])
def test_bad_input_is_one_line_and_exit_2_before_any_run(arguments, line, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["project", *arguments])
    with pytest.raises(SystemExit) as stopped:
        project.main()
    output = capsys.readouterr()
    assert (stopped.value.code, output.err, output.out) == (2, line + "\n", "")


def test_an_interrupted_run_stops_the_projection_with_exit_3(monkeypatch, capsys):
    # (as Ctrl-C or SIGTERM make `check` report its run: stopped_by interrupted)
    real = project.check

    def interrupted(model, config, *rest):
        result = real(model, config, *rest)
        return dataclasses.replace(result, stopped_by="interrupted")
    monkeypatch.setattr(project, "check", interrupted)
    monkeypatch.setattr(sys, "argv", ["project", PAXOS, "--workers", "2"])
    with pytest.raises(SystemExit) as stopped:
        project.main()
    assert stopped.value.code == 3
    assert capsys.readouterr().err == "interrupted: 0 of 1 specs projected\n"
