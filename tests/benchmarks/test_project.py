"""benchmarks.project: a partitioned run's time with a core for each
process, projected from the CPU time of each process in each step of each
level."""

from __future__ import annotations

import sys

from benchmarks import project
from checker import partitioned

PAXOS = "specs/paxos-3a-2v-3b.yaml"


def test_a_run_is_projected_from_its_levels_steps():
    steps = {step: getattr(partitioned._Part, step) for step in project.STEPS}
    level = partitioned.Partitions.level
    run = project.project(PAXOS, 3)
    assert run.distinct_states == 185_369
    # partitioned from the first level of 2,048 states or more (the 10th,
    # numbered 9) to the last, 24, and the empty one after it
    assert run.levels == 16
    assert list(run.parts) == ["before partitions", "fork", "main between steps",
                               *project.STEPS]
    assert all(seconds >= 0 for seconds in run.parts.values())
    assert run.projected == sum(run.parts.values())
    # each step's slowest process, level by level, spent at most what all did
    assert sum(run.parts[step] for step in project.STEPS) <= run.cpu_seconds
    # the search is as it was
    assert {step: getattr(partitioned._Part, step) for step in project.STEPS} == steps
    assert partitioned.Partitions.level is level


def test_the_command_prints_a_row_and_the_parts(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["project", PAXOS, "--workers", "2"])
    project.main()
    header, row, parts = capsys.readouterr().out.splitlines()
    assert header.split() == ["spec", "workers", "distinct", "one", "s", "here", "s", "cpu",
                              "s", "projected", "s", "speed-up"]
    assert row.split()[:3] == [PAXOS, "2", "185,369"]
    assert parts.startswith("    projected s by part: before partitions ")
