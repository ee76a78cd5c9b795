"""What the kit models pinned to TLC share (tests/models/kit_globals/,
tests/models/kit_fifo_partition/): their figures in cmc, and TLC's on
the hand-written TLA+ module next to them, run as tests/tlc_diff runs it
(`run_tlc.parse`), where java and the jar are (`needs_tlc`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from checker import CheckConfig, check
from checker.model import action_text
from checker.result import VIOLATED
from tests.tlc_diff.run_tlc import JAR, parse

needs_tlc = pytest.mark.skipif(shutil.which("java") is None or not Path(JAR).exists(),
                               reason="needs java and TLC's jar")


def figures(model) -> tuple:
    """(distinct states, depth, and per invariant: its verdict and, where
    violated, the actions of its shortest counterexample)."""
    result = check(model, CheckConfig(deadlock=False, keep_going=True))
    verdicts = {}
    for outcome in result.outcomes():
        trace = outcome.finding.trace if outcome.outcome == VIOLATED else None
        verdicts[outcome.property.name] = (outcome.outcome, trace and [
            action_text(action) for action in trace.actions])
    return result.stats.distinct_states, result.stats.depth, verdicts


def tlc(tmp_path: Path, fixtures: Path, module: str, config: str,
        deadlock: bool = False) -> tuple:
    """TLC's (distinct states, depth, length of the violation's trace or
    None) on `module` under `config` (files in `fixtures`), checking for
    deadlock or not."""
    for name in (f"{module}.tla", f"{config}.cfg"):
        shutil.copy(fixtures / name, tmp_path / name)
    done = subprocess.run(
        ["java", "-XX:+UseSerialGC", "-Xmx512m", "-cp", JAR, "tlc2.TLC", "-workers", "1",
         *([] if deadlock else ["-deadlock"]), "-metadir", str(tmp_path / "states"),
         "-config", f"{config}.cfg", module],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    found = parse(done.stdout)
    return (found.get("distinct"), found.get("depth"),
            found["length"] if found["verdict"] == "violated" else None)
