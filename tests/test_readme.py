"""The README's examples work as printed."""

from __future__ import annotations

import re
from pathlib import Path

import models

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_model_example_runs_and_prints_what_it_says(monkeypatch, capsys):
    monkeypatch.setattr(models, "REGISTRY", dict(models.REGISTRY))
    (example,) = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    exec(compile(example, "README.md", "exec"), {"__name__": "readme_example"})
    assert capsys.readouterr().out == "holds 8\n"


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_second():
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", quickstart, flags=re.S)
    commands = block.strip().splitlines()
    assert len(commands) == 2
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert commands[1] in ci
