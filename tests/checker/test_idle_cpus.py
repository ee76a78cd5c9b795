"""`--workers auto` counts the CPUs that the machine's load leaves idle."""

from __future__ import annotations

import os

from checker import workers


def test_auto_leaves_out_the_cpus_that_the_load_keeps_busy(monkeypatch):
    monkeypatch.setattr(workers, "usable_cpus", lambda: 16)
    for load, idle in [(0.0, 16), (0.4, 16), (3.6, 12), (15.0, 1), (40.0, 1)]:
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert workers.idle_cpus() == idle


def test_auto_counts_every_usable_cpu_where_the_load_is_unknown(monkeypatch):
    def unknown():
        raise OSError("no load average here")

    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", unknown)
    assert workers.idle_cpus() == 2
