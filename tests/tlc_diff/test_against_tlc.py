"""cmc against TLC on random small programs (`programs.py`).

Each stored seed's program is drawn again, written as a plain model and a
spec file, checked by `cmc` (every invariant, the deadlock check and every
temporal property at once, going on after violations), and compared with
what TLC 2.15 printed on its TLA+ rendering (`run_tlc.py`, one TLC run per
check, stored in tlc_results.json): distinct and generated states, depth
(TLC's counts the initial states: one more), each invariant's and the
deadlock's verdict and shortest trace length, each temporal property's
verdict under the program's fairness (and for ``[](P => []Q)``, whose TLC
lasso need not be the shortest, that cmc's shortest path is no longer). The
first seeds run by default, the rest under ``-m slow``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import checker
from checker.result import HOLDS, NOT_SETTLED, VIOLATED
from tests.tlc_diff import against
from tests.tlc_diff.programs import Program, program, tla_module, write_cmc
from tests.tlc_diff.run_tlc import RESULTS, check_key, safety_verdict

STORED = json.loads(RESULTS.read_text())
SEEDS = sorted(int(seed) for seed in STORED)
#: the default suite's seeds (about a second): the first of each profile, and
#: 3174, where TLC's "holds" of a [](P => []Q) under fairness is the
#: constraint's doing (`constraints_doing`: cmc's 3-step path breaks it, and
#: TLC without the fairness finds the same 3 steps, then stuttering)
DEFAULT = [seed for seed in SEEDS if seed % 1000 < 20 or seed == 3174]


def differences(seed: int, folder: Path) -> list[str]:
    """Where cmc and TLC's stored figures (`run_tlc.run_program`) disagree
    on `seed`'s program."""
    p = program(seed)
    return against.differences(p, tla_module(p), STORED[str(seed)], "run_tlc.py",
                               lambda: write_cmc(p, folder), compare_checks)


def compare_checks(p: Program, tlc: dict, result: checker.Result, differ) -> None:
    """Each check of `p`: cmc's outcome against TLC's."""
    outcomes = {o.property.name: o for o in result.outcomes()}
    kinds = {t.name: t.kind for t in p.temporal}
    for kind, name in p.checks()[1:]:
        theirs = tlc[check_key(kind, name)]
        if kind in ("invariant", "deadlock"):
            differ(f"{name or kind} (verdict, trace length)", safety_verdict(outcomes, name),
                   (theirs["verdict"], theirs.get("length")))
            continue
        outcome = outcomes[name]
        if kind == "unfair":  # [](P => []Q) by TLC without the fairness: the same verdict
            differ(f"{name} verdict without fairness", outcome.outcome, theirs["verdict"])
        elif not constraints_doing(p, tlc, name, kinds[name], outcome.outcome,
                                   theirs["verdict"]):
            differ(f"{name} verdict", outcome.outcome, theirs["verdict"])
        if kinds[name] == "once_always" and outcome.outcome == theirs["verdict"] == VIOLATED:
            # TLC's lasso need not be the shortest, but a prefix of it breaks
            # [](P => []Q): cmc's shortest path is no longer than its states
            ours = outcome.finding.loop_start
            differ(f"{name} path length (at most TLC's lasso's)", ours,
                   min(ours, theirs["stem"] + theirs["loop"]))


def constraints_doing(p: Program, tlc: dict, name: str, kind: str, ours: str,
                      theirs: str) -> bool:
    """Whether TLC's "holds" where cmc's outcome is `ours` is the constraint's
    doing. TLC checks liveness on the constrained graph, where a state whose
    steps all leave the constraint stutters, and evaluates ENABLED on the
    spec itself: its lassos are behaviours of the spec, so its "violated"
    stands, but its "holds" may come of the constraint, which cmc reports
    as not settled (docs/liveness.md, "Bounds settle nothing"); or, for
    ``[](P => []Q)``, as violated: the path to a state where Q fails is
    real, and TLC, under fairness, sees no fair way on from a state whose
    fair steps all leave the constraint, where without the fairness (the
    check "unfair") it reports the violation."""
    if theirs != HOLDS or p.constraint is None:
        return False
    if ours == NOT_SETTLED:
        return True
    unfair = tlc.get(check_key("unfair", name))
    return (kind == "once_always" and ours == VIOLATED and unfair is not None
            and unfair["verdict"] == VIOLATED)


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
