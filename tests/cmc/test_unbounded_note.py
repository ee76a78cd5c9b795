"""A run with no depth bound that goes past `DEEP` levels says, once, how
to bound it (a model whose states grow without end runs until stopped,
and said nothing)."""

from __future__ import annotations

from click.testing import CliRunner

from cmc.check import DEEP
from cmc.main import cli

COUNTER = """
from typing import NamedTuple
from checker import Model

class Inc(NamedTuple):
    pass

class Counter(Model):
    actions = (Inc,)
    def initial_states(self):
        return [0]
    def successors(self, state):
        yield Inc(), state + 1
"""

NOTE = ("note: depth 1,000 and no depth bound: if the model's states grow without end, this "
        "run never ends; bound it (bounds: {max_depth: N} in the spec, --max-depth N, or a "
        "constraint) or stop it (Ctrl-C: the report says what it explored)\n")


def _run(tmp_path, bounds: str, *options: str):
    (tmp_path / "counter.py").write_text(COUNTER)
    spec = tmp_path / "counter.yaml"
    spec.write_text(f"model: ./counter.py:Counter\nbounds: {bounds}\n")
    return CliRunner().invoke(cli, ["check", str(spec), *options])


def test_a_run_past_a_thousand_levels_with_no_depth_bound_says_how_to_bound_it(tmp_path):
    assert DEEP == 1_000
    result = _run(tmp_path, "{max_states: 1500}")
    assert result.exit_code == 3, result.output  # incomplete: the state bound
    assert result.stderr == NOTE  # once
    assert "distinct states 1,500 " in result.stdout


def test_a_run_with_a_depth_bound_says_nothing(tmp_path):
    result = _run(tmp_path, "{max_depth: 1200}")
    assert result.exit_code == 3, result.output
    assert result.stderr == ""
    result = _run(tmp_path, "{max_states: 1500}", "--max-depth", "1200")
    assert result.stderr == ""
