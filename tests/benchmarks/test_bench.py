"""The benchmark harness: fresh-process runs, medians, table and JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cmc.main import cli


def test_bench_prints_a_table_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(cli, ["bench", "--repeat", "2", "--workers", "2",
                                      "--json", str(out), "specs/raft-2s.yaml"])
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()
    assert header.split() == ["spec", "distinct", "median", "s", "states/s", "peak", "MiB",
                              "worker", "MiB", "store", "B/state", "peak", "B/state",
                              "all", "B/state", "workers", "speed-up"]
    cells = row.split()
    assert cells[:2] == ["specs/raft-2s.yaml", "1,645"] and cells[-2] == "2"
    document = json.loads(out.read_text())
    assert (document["schema"], document["repeat"], document["workers"]) == ("cmc.bench/1", 2, 2)
    (run,) = document["runs"]
    assert run["distinct_states"] == 1645
    assert len(run["seconds_all"]) == 2
    # each run with two workers was paired with a one-process run
    assert run["speed_up"] == run["one_process_seconds"] / run["seconds"] > 0
    # all processes hold at least what the main process holds
    assert run["all_bytes_per_state"] >= run["peak_bytes_per_state"]
    assert run["store_bytes_per_state"] <= 32


def test_bench_refuses_a_bad_spec_before_running():
    result = CliRunner().invoke(cli, ["bench", "--repeat", "1", "no/such.yaml"])
    assert result.exit_code == 2
    assert result.stderr == "error: no/such.yaml: no such file; give the path of a spec (.yaml)\n"


def test_bench_says_a_models_error_in_one_line_with_exit_2(tmp_path):
    """(It was exit 1, with the exception's class path.)"""
    (tmp_path / "failing.py").write_text(
        "from tests.toys import Counter\n\n\nclass Failing(Counter):\n"
        "    name = 'failing'\n\n    def successors(self, state):\n"
        "        raise ValueError('no steps today')\n")
    spec = tmp_path / "failing.yaml"
    spec.write_text("model: ./failing.py:Failing\n")
    result = CliRunner().invoke(cli, ["bench", "--repeat", "1", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {spec}: model 'failing': successors() raised ValueError: no steps today at "
        f"{tmp_path / 'failing.py'}:8, in successors; fix the model\n")


def test_bench_says_where_auto_workers_went_on_in_one_process(monkeypatch):
    from benchmarks.one import measure
    from checker import explore, successors
    from cmc.bench import _workers

    monkeypatch.setattr(successors, "CHUNK", 64)
    monkeypatch.setattr(explore, "FORK_MIN", 128)
    monkeypatch.setattr(explore, "PAYS", 1e9)  # no process can be that fast
    tried = measure("specs/raft-2s.yaml", 2, auto=True)
    given = measure("specs/raft-2s.yaml", 2)
    assert (tried["workers_used"], tried["one_process_from"]) == (2, 12)
    assert (given["workers_used"], given["one_process_from"]) == (2, None)
    assert _workers({"workers": 2, "one_process_runs": 2, "seconds_all": [1.0, 1.1, 1.2]}) == (
        "2→1 (2 of 3)")
    assert _workers({"workers": 2, "one_process_runs": 0, "seconds_all": [1.0]}) == "2"
