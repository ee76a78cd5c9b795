"""One spec's check as the reports receive it."""

from __future__ import annotations

import dataclasses
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
    the ways the result differs from it. `description`: the spec's own
    explanation of what it checks.
    """

    spec: str
    model: Model
    result: Result
    expect: Any = None
    mismatches: tuple[str, ...] = ()
    description: str | None = None

    @property
    def exhaustive(self) -> bool:
        """Whether every reachable state was checked against every property
        (see `Result.exhaustive`)."""
        return self.result.exhaustive()

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Each checked property with its outcome (see `Result.outcomes`)."""
        return self.result.outcomes()

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
    parameters = jsonable(model.parameters())
    text = f"{model.name} {flow_yaml(parameters)}" if parameters else model.name
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


def state_values(model: Model, state: Any) -> dict[str, Any]:
    """The state view's fields (`state_view`'s names, in its order) with
    structured values, for a script reading a JSON report (``values``
    beside ``state``): those a kit model knows as `state_values` gives
    them (a record as an object of its fields, sets and bags as lists:
    `models.kit.records.structured`), the others as the view gives them (a
    field the model adds, as paxos-textbook's ``chosen``); for a model
    keeping the default view of a record state, each field structured by
    its type; for a model with a view of its own, that view."""
    from models.kit.records import structured, structured_field

    view = state_view(model, state, json_ready=True)
    own = getattr(model, "state_values", None)
    default = type(model).state_view is Model.state_view
    if own is None and not (default and (hasattr(state, "_asdict")
                                         or dataclasses.is_dataclass(state))):
        return view
    try:
        if own is not None:
            values = own(state)
        elif hasattr(state, "_asdict"):
            values = {field: structured_field(type(state), field)(value)
                      for field, value in zip(state._fields, state)}
        else:
            values = {field.name: structured(getattr(state, field.name))
                      for field in dataclasses.fields(state)}
    except (Exception, SystemExit) as error:
        raise raised_in_model(model.name, "state_view()", error) from None
    return {name: values.get(name, shown) for name, shown in view.items()}
