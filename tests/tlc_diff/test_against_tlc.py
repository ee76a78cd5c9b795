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
from tests.tlc_diff.programs import Program, program, tla_module, write_cmc
from tests.tlc_diff.run_tlc import RESULTS, check_key, digest

STORED = json.loads(RESULTS.read_text())
SEEDS = sorted(int(seed) for seed in STORED)
#: the default suite's seeds (about a second): the first of each profile
DEFAULT = [seed for seed in SEEDS if seed % 1000 < 20]


def check_cmc(p: Program, folder: Path) -> checker.Result:
    """cmc's result on `p`, from its spec file, going on after violations
    and through the whole state space."""
    spec = load_spec(write_cmc(p, folder), REGISTRY)
    config = dataclasses.replace(spec.config(keep_going=True), stop_when_settled=False)
    return checker.check(spec.build(), config)


def differences(seed: int, folder: Path) -> list[str]:
    """Where cmc and TLC's stored figures disagree on `seed`'s program."""
    p, stored = program(seed), STORED[str(seed)]
    if digest(tla_module(p)) != stored["digest"]:
        return [f"seed {seed}: the generator no longer draws the program TLC checked; "
                f"run python tests/tlc_diff/run_tlc.py {seed} {seed + 1} --again"]
    return compare(p, stored["checks"], check_cmc(p, folder))


def compare(p: Program, tlc: dict, result: checker.Result) -> list[str]:
    """Where cmc's `result` on `p` and TLC's figures (`run_tlc.run_program`)
    disagree."""
    seed = p.seed
    failed = [key for key, figures in tlc.items() if figures["verdict"] == "error"]
    if failed:
        return [f"seed {seed}: TLC failed on {', '.join(failed)}; run "
                f"python tests/tlc_diff/run_tlc.py {seed} {seed + 1} --again"]
    found = []
    outcomes = {o.property.name: o for o in result.outcomes()}

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
            # TLC checks liveness on the constrained graph, where a state
            # whose steps all leave the constraint stutters, and evaluates
            # ENABLED on the spec itself: its lassos are behaviours of the
            # spec, so its "violated" stands, but its "holds" may be the
            # constraint's doing, which cmc reports as not settled
            # (docs/liveness.md, "Bounds settle nothing")
            if not (outcome.outcome == NOT_SETTLED and theirs["verdict"] == HOLDS
                    and p.constraint is not None):
                differ(f"{name} verdict", outcome.outcome, theirs["verdict"])
    return found


#: Seeds where cmc is known to differ from TLC: the differences and why. The
#: test fails on any other difference, and once these are gone (a fix: take
#: the seed off). None now: seeds 96, 144, 206, 239, 397, 449, 1224 and the
#: minimal 90010 found a fair stutter in a state whose every step leaves the
#: constraint reported as "not settled" (checker/lassos.py, `_candidates`),
#: fixed; they are compared as every other seed.
KNOWN: dict[int, tuple[list[str], str]] = {}


def agrees(seed: int, folder: Path) -> None:
    found = differences(seed, folder)
    if seed in KNOWN:
        known, reason = KNOWN[seed]
        assert found == known
        pytest.xfail(reason)
    assert found == []


@pytest.mark.parametrize("seed", DEFAULT)
def test_agrees_with_tlc(seed, tmp_path):
    agrees(seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [seed for seed in SEEDS if seed not in DEFAULT])
def test_agrees_with_tlc_more_seeds(seed, tmp_path):
    agrees(seed, tmp_path)
