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


def test_the_counterexample_shown_is_what_cmc_check_prints():
    from click.testing import CliRunner

    from cmc.main import cli

    shown = README.split("**Reading a counterexample**", 1)[1]
    spec = re.search(r"`cmc check\s+(specs/\S+\.yaml)`", shown).group(1)
    (block,) = re.findall(r"```\n(.*?)```", shown.split("**JSON**", 1)[0], flags=re.S)
    printed = CliRunner().invoke(
        cli, ["check", str(Path(__file__).resolve().parent.parent / spec)]).output
    lines = printed.splitlines()
    at = 0
    for line in block.splitlines():  # in order, "..." standing for lines left out
        if line.strip() != "...":
            at = lines.index(line, at) + 1
