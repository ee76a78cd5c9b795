"""`cmc bench` on a spec with a linearizability property: the work of its
history checks, on a line of its own (a toy register, tests/history_toys.py)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cmc.main import cli

TOY = Path(__file__).resolve().parents[1] / "history_toys.py"


def test_bench_counts_the_history_checks(tmp_path):
    spec = tmp_path / "register.yaml"
    spec.write_text(f"model: {TOY}:Register\nparams: {{writes: 2, reads: 2}}\n")
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(cli, ["bench", "--repeat", "1", "--workers", "1",
                                      "--json", str(out), str(spec)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2] == (
        f"{spec}: linearizability: 2,612 histories checked, 2,047 remembered (78%), "
        "564 events stepped, 984 configurations, 0 minimal sets found")
    (run,) = json.loads(out.read_text())["runs"]
    assert run["history"] == {"linearizability": {
        "checks": 2612, "hits": 2047, "events": 564, "configurations": 984, "shrinks": 0,
        "restarts": 0}}
