"""A model whose parameter is called `nodes` (raft_leader's, many ports'):
on the instance it hides `checker.Model.nodes`, the nodes a sequence chart
draws; reports read that method from the model's class
(reports/sequence.py), where `cmc check --out` and `--summary` stopped at
the first violation with "model ...: nodes() raised TypeError: 'int'
object is not callable ... fix the model" (exit 2)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cmc.main import cli

SPEC = str(Path(__file__).resolve().parent / "frictions27_nested.yaml")


def test_reports_of_a_model_with_a_nodes_parameter_are_written(tmp_path):
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(cli, ["check", SPEC, "--no-progress", "--out",
                                      str(tmp_path / "out"), "--summary", str(summary)])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "frictions27_nested.html", "frictions27_nested.json",
        "frictions27_nested.one_leader.mmd", "frictions27_nested.txt"]
    chart = (tmp_path / "out" / "frictions27_nested.one_leader.mmd").read_text()
    assert chart.splitlines()[:4] == [
        "sequenceDiagram", "    participant nested",
        "    Note over nested: 1 · Promote(n=n1, why=timeout)",
        "    Note over nested: 2 · Promote(n=n2, why=timeout)"]
    assert "    participant nested" in summary.read_text().splitlines()
