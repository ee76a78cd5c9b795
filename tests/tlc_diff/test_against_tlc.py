"""cmc against TLC on random small programs (`programs.py`).

Each stored seed's program is drawn again, written as a plain model and a
spec file, checked by `cmc` (every invariant, the deadlock check and every
temporal property at once, going on after violations), and compared with
what TLC 2.15 printed on its TLA+ rendering (`run_tlc.py`, one TLC run per
check, stored in tlc_results.json): distinct and generated states, depth
(TLC's counts the initial states: one more), each invariant's and the
deadlock's verdict and shortest trace length, each temporal property's
verdict under the program's fairness. The first seeds run by default, the
rest under ``-m slow``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import checker
from checker.result import HOLDS, NOT_SETTLED, VIOLATED
from checker.spec import load_spec
from models import REGISTRY
from tests.tlc_diff.programs import program, tla_module, write_cmc
from tests.tlc_diff.run_tlc import RESULTS, check_key, digest

STORED = json.loads(RESULTS.read_text())
SEEDS = sorted(int(seed) for seed in STORED)
DEFAULT = 40  # seeds run by the default suite (a few seconds)


def check_cmc(seed: int, folder: Path):
    p = program(seed)
    spec = load_spec(write_cmc(p, folder), REGISTRY)
    config = dataclasses.replace(spec.config(keep_going=True), stop_when_settled=False)
    return p, checker.check(spec.build(), config)


def differences(seed: int, folder: Path) -> list[str]:
    """Where cmc and TLC's stored figures disagree on `seed`'s program."""
    stored = STORED[str(seed)]
    p, result = check_cmc(seed, folder)
    if digest(tla_module(p)) != stored["digest"]:
        return [f"seed {seed}: the generator no longer draws the program TLC checked; "
                f"run python tests/tlc_diff/run_tlc.py {seed} {seed + 1} --again"]
    tlc = stored["checks"]
    found = []
    outcomes = {o.property.name: o for o in result.outcomes(keep_going=True)}

    def differ(what, ours, theirs):
        if ours != theirs:
            found.append(f"seed {seed} {what}: cmc {ours}, TLC {theirs}")

    space = tlc["space"]
    differ("distinct states", result.stats.distinct_states, space["distinct"])
    differ("generated states", result.stats.generated_states, space["generated"])
    differ("depth + 1", result.stats.depth + 1, space["depth"])
    for kind, name in p.checks()[1:]:
        theirs = tlc[check_key(kind, name)]
        # (the deadlock check is listed among the outcomes only where it fails)
        outcome = outcomes.get(name or "deadlock")
        if kind in ("invariant", "deadlock"):
            if outcome is None:  # no deadlock: cmc lists the property only when it fails
                ours = (HOLDS, None)
            elif outcome.outcome == VIOLATED:
                ours = (VIOLATED, len(outcome.finding.trace))
            else:
                ours = (outcome.outcome, None)
            differ(f"{name or kind} (verdict, trace length)", ours,
                   (theirs["verdict"], theirs.get("length")))
        else:
            # TLC reports on the constrained graph; cmc settles nothing a
            # bound decides (docs/liveness.md, "Bounds settle nothing"):
            # where it says "not settled", TLC's verdict is not comparable
            if outcome.outcome != NOT_SETTLED:
                differ(f"{name} verdict", outcome.outcome, theirs["verdict"])
    return found


@pytest.mark.parametrize("seed", SEEDS[:DEFAULT])
def test_agrees_with_tlc(seed, tmp_path):
    assert differences(seed, tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS[DEFAULT:])
def test_agrees_with_tlc_more_seeds(seed, tmp_path):
    assert differences(seed, tmp_path) == []
