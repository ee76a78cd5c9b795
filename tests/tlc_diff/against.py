"""What the differential tests against TLC share (`test_against_tlc`,
`test_kit_against_tlc`): cmc's result on a generated program, and where it
differs from TLC's stored figures."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import checker
from checker.spec import load_spec
from models import REGISTRY
from tests.tlc_diff.run_tlc import digest

#: How a test compares each check of a program: (program, TLC's figures by
#: check, cmc's result, `differ`), calling ``differ(what, cmc's, TLC's)``.
Checks = Callable[[Any, dict, checker.Result, Callable[[str, Any, Any], None]], None]


def cmc_result(spec_path: str) -> checker.Result:
    """cmc's result on a program's spec, going on after violations and
    through the whole state space."""
    spec = load_spec(spec_path, REGISTRY)
    config = dataclasses.replace(spec.config(keep_going=True), stop_when_settled=False)
    return checker.check(spec.build(), config)


def differences(p: Any, module: str, stored: dict, runner: str,
                spec: Callable[[], str], checks: Checks) -> list[str]:
    """Where cmc and TLC's `stored` figures disagree on program `p` (`module`
    its TLA+, `runner` the script that stores TLC's figures, `spec` writes
    cmc's spec and gives its path): the state space, then each check."""
    seed = p.seed
    again = f"run python tests/tlc_diff/{runner} {seed} {seed + 1} --again"
    if digest(module) != stored["digest"]:
        return [f"seed {seed}: the generator no longer draws the program TLC checked; {again}"]
    tlc = stored["checks"]
    failed = [key for key, figures in tlc.items() if figures["verdict"] == "error"]
    if failed:
        return [f"seed {seed}: TLC failed on {', '.join(failed)}; {again}"]
    result = cmc_result(spec())
    found: list[str] = []

    def differ(what: str, ours: Any, theirs: Any) -> None:
        if ours != theirs:
            found.append(f"seed {seed} {what}: cmc {ours}, TLC {theirs}")

    space = tlc["space"]
    differ("distinct states", result.stats.distinct_states, space["distinct"])
    differ("generated states", result.stats.generated_states, space["generated"])
    differ("depth + 1", result.stats.depth + 1, space["depth"])
    checks(p, tlc, result, differ)
    return found
