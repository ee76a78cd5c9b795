"""One spec's check as the reports receive it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checker.errors import ModelDefinitionError, raised_in_model
from checker.model import Model, jsonable
from checker.result import NOT_EXPLAINED, Outcome, Result


@dataclass(frozen=True)
class Checked:
    """A spec (its path), the model built from it, the result of checking
    it, and the spec's expectation (a `checker.spec.Expect`, or None) with
    the ways the result differs from it. `keep_going`: whether the run went
    on after the first violation (so every property was checked to the end).
    `description`: the spec's own explanation of what it checks.
    """

    spec: str
    model: Model
    result: Result
    expect: Any = None
    mismatches: tuple[str, ...] = ()
    keep_going: bool = False
    description: str | None = None

    @property
    def exhaustive(self) -> bool:
        """Whether every reachable state was checked against every property
        (see `Result.exhaustive`)."""
        return self.result.exhaustive(self.keep_going)

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Each checked property with its outcome (see `Result.outcomes`)."""
        return self.result.outcomes(self.keep_going)

    @property
    def name(self) -> str:
        return Path(self.spec).stem

    @property
    def passed(self) -> bool:
        """What CI should make of it: an expectation met, or without one,
        every property holding."""
        if self.result.verdict == NOT_EXPLAINED:  # (a failure whatever the spec expects)
            return False
        if self.expect is not None:
            return not self.mismatches
        return self.result.verdict == "holds"

    def describe(self) -> str:
        return describe(self.model)


def describe(model: Model) -> str:
    """The model and its parameters as a spec writes them, defaults filled
    in: ``raft {servers: 3, ..., membership: {change: direct, from: 3, to: 1}}``,
    then the mutant, if any."""
    text = f"{model.name} {flow_yaml(jsonable(model.parameters()))}"
    return text + (f", mutant {model.mutant}" if model.mutant else "")


def flow_yaml(value: Any) -> str:
    """`value` as YAML on one line (flow style), as a spec would write it."""
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False,
                          width=float("inf"), allow_unicode=True).strip()


def state_view(model: Model, state: Any, json_ready: bool = False) -> dict[str, Any]:
    """`model.state_view(state)`, the model's own code: what it raises, or
    (`json_ready`, for a JSON report) a value JSON cannot encode, is a
    one-line error naming the model (exit 2), not a traceback."""
    try:
        view = model.state_view(state)
    except (Exception, SystemExit) as error:
        raise raised_in_model(model.name, "state_view()", error) from None
    if json_ready:
        try:
            json.dumps(view, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ModelDefinitionError(
                f"model {model.name!r}: state_view() returned what JSON cannot encode "
                f"({error}); return JSON-ready values (checker.model.jsonable makes "
                "them)") from None
    return view
