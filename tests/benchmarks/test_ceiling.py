"""The machine's ceiling for a speed-up (`cmc bench --ceiling`): its
arithmetic, its processes and how bench reports it. (What it measures is a
fact of the machine; nothing here asserts a time.)"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from benchmarks import ceiling
from cmc import bench
from cmc.main import cli


def test_the_work_is_fixed_and_scattered_over_its_table():
    assert ceiling.work(1000) == 1000  # no two writes of the first 2^18 meet
    assert ceiling.work(300_000) == 1 << 18  # then every slot is written again


def test_the_ceiling_is_copies_times_the_median_alone_over_the_median_side_by_side():
    calls = []
    seconds = {1: iter([1.0, 3.0, 1.2]), 2: iter([1.5, 1.2, 1.0])}

    def timed(copies, writes):
        calls.append((copies, writes))
        return next(seconds[copies])

    figures = ceiling.ceiling(2, 3, writes=10, timed=timed)
    assert calls == [(1, 10), (2, 10)] * 3  # in turn: both meet the same load
    assert figures == {"processes": 2, "writes": 10, "alone_seconds": [1.0, 3.0, 1.2],
                       "together_seconds": [1.5, 1.2, 1.0], "speed_up": 2 * 1.2 / 1.2}
    assert ceiling.line(figures) == (
        "ceiling: 2 processes of independent work (10 dictionary writes each, nothing "
        "shared) ran 2.00x as fast as one on this machine (medians of 3: 1.20 s alone, "
        "1.20 s side by side): a search sharing its work between 2 processes cannot "
        "expect more")


def test_copies_run_in_processes_of_their_own_and_a_failed_copy_is_said(monkeypatch):
    assert ceiling.side_by_side(2, writes=1000) > 0

    def broken(writes):
        raise MemoryError

    monkeypatch.setattr(ceiling, "work", broken)  # forked copies run it
    with pytest.raises(RuntimeError, match="a copy of the work exited with 1"):
        ceiling.side_by_side(2, writes=1000)


def test_bench_prints_the_ceiling_and_each_speed_up_as_a_share_of_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ceiling, "WORK", 20_000)
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(cli, ["bench", "--repeat", "1", "--workers", "2", "--ceiling",
                                      "--json", str(out), "specs/paxos-3a-2v-2b.yaml"])
    assert result.exit_code == 0, result.output
    header, row, said = result.output.splitlines()
    assert header.split()[-8:] == ["speed-up", "of", "ceiling", "spec", "ceiling", "of", "spec",
                                   "ceiling"]
    document = json.loads(out.read_text())
    figures = document["ceiling"]
    assert (figures["processes"], figures["writes"]) == (2, 20_000)
    assert len(figures["alone_seconds"]) == len(figures["together_seconds"]) == 1
    assert figures["speed_up"] == 2 * figures["alone_seconds"][0] / figures["together_seconds"][0]
    (run,) = document["runs"]
    # the spec's own ceiling: two one-process runs of it side by side
    own = run["ceiling"]
    assert own["copies"] == 2 and len(own["seconds"]) == 1 and len(own["seconds"][0]) == 2
    assert row.split()[-3:] == [f"{run['speed_up'] / figures['speed_up']:.0%}",
                                f"{own['speed_up']:.2f}",
                                f"{run['speed_up'] / own['speed_up']:.0%}"]
    assert said == ceiling.line(figures)
    assert re.fullmatch(r"ceiling: 2 processes .* ran \d+\.\d\dx as fast as one .*", said)


def test_bench_without_the_ceiling_measures_none(tmp_path):
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(cli, ["bench", "--repeat", "1", "--workers", "1",
                                      "--json", str(out), "specs/paxos-3a-2v-2b.yaml"])
    assert result.exit_code == 0, result.output
    assert "ceiling" not in result.output
    assert json.loads(out.read_text())["ceiling"] is None


def test_a_specs_ceiling_is_the_work_its_copies_did_a_second_against_one_run_alone():
    # turn by turn: one run alone took `alone` seconds; copies side by side
    # took these each: 2 runs' work in 1 s, 1.5 in 2 s, 1.5 in 1.5 s
    alone = [1.0, 2.0, 1.5]
    together = [[1.0, 1.0], [2.0, 4.0], [1.5, 3.0]]
    assert bench.spec_ceiling(alone, together) == 1.5


def test_copies_of_a_spec_side_by_side_each_search_it_whole():
    copies = bench._side_by_side("specs/paxos-3a-2v-2b.yaml", 2, None, 0)
    assert [(copy["distinct_states"], copy["workers_used"]) for copy in copies] == [(3921, 1)] * 2
