"""One spec's check as the reports receive it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.model import Model
from checker.result import Result


@dataclass(frozen=True)
class Checked:
    """A spec (its path), the model built from it, the result of checking
    it, and the spec's expectation (a `checker.spec.Expect`, or None) with
    the ways the result differs from it. `keep_going`: whether the run went
    on after the first violation (so every property was checked to the end).
    """

    spec: str
    model: Model
    result: Result
    expect: Any = None
    mismatches: tuple[str, ...] = ()
    keep_going: bool = False

    @property
    def exhaustive(self) -> bool:
        """Whether every reachable state was checked against every property:
        no bound stopped the run, and it did not stop at a counterexample
        (it went on, or its only violations are properties never reached,
        which are known at the end)."""
        result = self.result
        return result.stopped_by is None and (
            result.verdict == "holds" or self.keep_going
            or all(finding.trace is None for finding in result.violations))

    @property
    def name(self) -> str:
        return Path(self.spec).stem

    @property
    def passed(self) -> bool:
        """What CI should make of it: an expectation met, or without one,
        every property holding."""
        if self.expect is not None:
            return not self.mismatches
        return self.result.verdict == "holds"

    def describe(self) -> str:
        """``paxos (acceptors=3, ...), mutant no_adopt``."""
        model = self.model
        params = ", ".join(f"{name}={value}" for name, value in model.parameters().items())
        return f"{model.name} ({params})" + (f", mutant {model.mutant}" if model.mutant else "")
