"""docs/writing-a-model.md cannot rot: its code blocks are written to a
folder (a block opened with ```` ```python file=NAME ```` or ```` ```yaml
file=NAME ```` goes to NAME, blocks of one name joined in order), each
command of its ```` ```console ```` blocks is run there (``cmc`` being this
checkout's ``python -m checker``), and the output quoted under it must come
out, line for line in that order, with the exit code of its ``[exit N]``
line."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from checker.spec import load_spec
from models import REGISTRY
from tests.brute_force import orbit_count, reachable_states

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "writing-a-model.md"
FENCE = re.compile(r"^```(\w*)(?: file=(\S+))?\n(.*?)^```$", re.S | re.M)


def blocks() -> tuple[dict[str, str], list[tuple[str, list[str], int]]]:
    """The files the tutorial writes, and its commands: (command, the
    output lines quoted, the exit code)."""
    files: dict[str, str] = {}
    commands: list[tuple[str, list[str], int]] = []
    for language, name, body in FENCE.findall(TUTORIAL.read_text()):
        if name:
            files[name] = files.get(name, "") + ("\n\n" if name in files else "") + body
        elif language == "console":
            for command in body.split("$ ")[1:]:
                first, *rest = command.strip().splitlines()
                code = [int(line[6:-1]) for line in rest if line.startswith("[exit ")]
                assert len(code) == 1, f"{first}: give its exit code as [exit N]"
                commands.append((first, [line for line in rest
                                         if not line.startswith("[exit ")], code[0]))
    return files, commands


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    files, _ = blocks()
    folder = tmp_path_factory.mktemp("tutorial")
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_the_tutorial_writes_a_model_and_six_specs():
    files, commands = blocks()
    assert sorted(files) == ["bad.yaml", "lock-fair.yaml", "lock-mutant.yaml",
                             "lock-starvation.yaml", "lock-symmetry.yaml", "lock.yaml",
                             "lock_service.py"]
    assert [command for command, _, _ in commands] == [
        "cmc check lock.yaml", "cmc check bad.yaml", "cmc check lock-mutant.yaml",
        "cmc check lock-symmetry.yaml", "cmc check lock-starvation.yaml",
        "cmc check lock-fair.yaml"]


@pytest.mark.parametrize("index", range(6))
def test_each_command_prints_what_the_tutorial_quotes(folder, index):
    command, quoted, code = blocks()[1][index]
    argv = [sys.executable, "-m", "checker"] + shlex.split(command)[1:]
    run = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    output = [line.strip() for line in (run.stdout + run.stderr).splitlines()]
    assert run.returncode == code, run.stdout + run.stderr
    at = 0
    for line in quoted:
        assert line in output[at:], f"{command}: {line!r} not in\n" + "\n".join(output)
        at = output.index(line, at) + 1


def test_the_orbit_count_quoted_is_the_number_of_orbits(folder):
    # 164 states, 39 orbits under renaming clients, by brute force
    model = load_spec(folder / "lock-symmetry.yaml", REGISTRY).build()
    states = reachable_states(model)
    assert (len(states), orbit_count(model, states, ("clients",))) == (164, 39)
