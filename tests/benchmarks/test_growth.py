"""benchmarks.growth: samples a long run, fits its memory slope, and
projects a run that stopped short of the states asked about."""

from __future__ import annotations

import sys

import pytest

from benchmarks import growth


def run(monkeypatch, capsys, *arguments: str) -> list[str]:
    monkeypatch.setattr(sys, "argv", ["growth", "specs/paxos-3a-2v-3b.yaml", *arguments])
    growth.main()
    return capsys.readouterr().out.splitlines()


def test_a_run_stopped_short_is_projected(monkeypatch, capsys):
    lines = run(monkeypatch, capsys, "--every", "0.05", "--time-limit", "0.5",
                "--states", "1000000000")
    assert lines[-2].startswith("verdict incomplete (time_limit): ")
    assert lines[-1].startswith("projection for 1,000,000,000 states: ")
    assert len(lines) >= 4  # samples, at least two of them


def test_a_run_that_reached_the_states_is_not_projected(monkeypatch, capsys):
    lines = run(monkeypatch, capsys, "--every", "0.05", "--states", "1000")
    assert lines[-1].startswith("verdict holds (complete): 185,369 states, depth ")
    assert not any(line.startswith("projection") for line in lines)


def test_the_projection_is_made_from_the_last_interval_that_went_on():
    samples = [(60.0, 1_000_000, 2 ** 30), (120.0, 4_000_000, 2 ** 31),
               (120.5, 4_000_000, 2 ** 31)]  # the final sample, right after the last
    # 50,000 states a second; 4,000,000 states more at 1,024 B each: 3.8 GiB more
    assert growth.projection(samples, 8_000_000, 1024.0) == (
        "projection for 8,000,000 states: 0.1 h at 50,000 states/s, 5.8 GiB")
    assert growth.projection(samples[1:], 8_000_000, 1024.0) is None


def test_a_bad_spec_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["growth", "specs/nope.yaml"])
    with pytest.raises(SystemExit) as stopped:
        growth.main()
    assert (stopped.value.code, capsys.readouterr().err) == (
        2, "error: specs/nope.yaml: no such file; give the path of a spec (.yaml)\n")
