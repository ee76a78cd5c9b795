"""`--workers auto` counts the CPUs that the machine's load leaves idle."""

from __future__ import annotations

import os

from checker import workers


def test_auto_leaves_out_the_cpus_that_the_load_keeps_busy(monkeypatch):
    monkeypatch.setattr(workers, "usable_cpus", lambda: 16)
    monkeypatch.setattr(workers, "running_others", lambda: 40)
    for load, idle in [(0.0, 16), (0.4, 16), (3.6, 12), (15.0, 1), (40.0, 1)]:
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert workers.idle_cpus() == idle


def test_auto_counts_every_usable_cpu_where_the_load_is_unknown(monkeypatch):
    def unknown():
        raise OSError("no load average here")

    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", unknown)
    monkeypatch.setattr(workers, "running_others", lambda: None)
    assert workers.idle_cpus() == 2


def test_a_run_that_has_just_ended_does_not_count_as_load(monkeypatch):
    # the one-minute average says 1.1 processes ran; none besides this one runs now
    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.1, 1.0, 0.9))
    monkeypatch.setattr(workers, "running_others", lambda: 0)
    assert workers.idle_cpus() == 2
    monkeypatch.setattr(workers, "running_others", lambda: 1)  # another one runs
    assert workers.idle_cpus() == 1


def test_the_processes_running_now_are_read_from_the_system(tmp_path, monkeypatch):
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("1.10 0.97 1.06 3/85 5689\n")
    monkeypatch.setattr(workers, "_running_here", lambda: 1)
    assert workers.running_others(str(loadavg)) == 2  # this one left out
    monkeypatch.setattr(workers, "_running_here", lambda: 2)  # and its other thread
    assert workers.running_others(str(loadavg)) == 1
    loadavg.write_text("garbled\n")
    assert workers.running_others(str(loadavg)) is None
    assert workers.running_others(str(tmp_path / "missing")) is None


def test_this_process_counts_at_least_itself_as_running():
    assert workers._running_here() >= 1
