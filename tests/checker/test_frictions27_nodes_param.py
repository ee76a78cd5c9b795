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


def test_a_parameter_named_as_another_method_of_the_model_is_refused(tmp_path):
    # any other method a parameter would hide on the instance (view(),
    # setup(), choices(), ...) is called by the engine itself: refused where
    # the model is defined, in one line naming the parameter
    (tmp_path / "toy.py").write_text(
        "from typing import NamedTuple\n"
        "from checker import Model\n"
        "from checker.model import Param\n\n"
        "class Step(NamedTuple):\n    pass\n\n"
        "class Toy(Model):\n"
        "    name = 'toy'\n"
        "    params = (Param('view', 2, 'how far'),)\n\n"
        "    def initial_states(self):\n        yield 0\n\n"
        "    def successors(self, state):\n"
        "        if state < self.view:\n            yield Step(), state + 1\n")
    (tmp_path / "toy.yaml").write_text("model: ./toy.py:Toy\nparams: {view: 2}\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "toy.yaml"), "--no-progress"])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {tmp_path / 'toy.yaml'}:1: model: importing ./toy.py failed (line 8): "
        "ModelDefinitionError: toy: the parameter 'view' has the name of the model's method "
        "view(), which it would hide; rename the parameter; fix the model file\n")
