"""Spec files: a bounded check described in YAML, loaded into a frozen `Spec`.

The format is documented in the README and fixed by `SPEC_SCHEMA`::

    model: paxos                 # a name from `cmc list`
    params: {acceptors: 3}       # the model's parameters; defaults from the model
    mutant: no_adopt             # optional: a named broken variant
    properties: [agreement]      # optional: default all of the model's properties
    symmetry: false              # false, true, or a list of symmetric set names
    bounds: {max_depth: 40, max_states: 1000000, time_limit: 60}
    init: {...}                  # optional, model-specific starting configuration
    expect: {verdict: holds, distinct_states: 3921, depth: 16}

Loading is strict: YAML is read safely, a duplicate key is an error, and every
error names the file, the line, the field, and what is accepted. A model that
cannot be safe as configured (`Model.check_sound`: quorums that need not meet)
is an error too, unless the spec expects a violation.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jsonschema
import yaml

from checker.errors import CheckerError, SpecError
from checker.model import Model
from checker.result import CheckConfig, Result

VERDICTS = ("holds", "violated", "incomplete")

SPEC_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "a mapping of spec fields",
    "required": ["model"],
    "additionalProperties": False,
    "properties": {
        "model": {"type": "string", "description": "a model name from `cmc list`"},
        "description": {"type": "string", "description": "a line saying what the check shows"},
        "params": {"type": "object", "description": "a mapping of the model's parameters"},
        "mutant": {"type": "string", "description": "a mutant name from `cmc list`"},
        "properties": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                       "uniqueItems": True, "description": "a list of property names"},
        "symmetry": {"type": ["boolean", "array"], "items": {"type": "string"},
                     "uniqueItems": True,
                     "description": "false, true or a list of symmetric set names"},
        "bounds": {
            "type": "object", "additionalProperties": False,
            "description": "a mapping with max_depth, max_states, time_limit",
            "properties": {
                "max_depth": {"type": "integer", "minimum": 0},
                "max_states": {"type": "integer", "minimum": 1},
                "time_limit": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "init": {"type": "object", "description": "a mapping (see the model's docs)"},
        "expect": {
            "type": "object", "additionalProperties": False, "required": ["verdict"],
            "description": "a mapping with verdict and optional figures",
            "properties": {
                "verdict": {"enum": list(VERDICTS)},
                "property": {"type": "string"},
                "distinct_states": {"type": "integer", "minimum": 1},
                "depth": {"type": "integer", "minimum": 0},
                "trace_length": {"type": "integer", "minimum": 0},
            },
        },
    },
}


@dataclass(frozen=True)
class Bounds:
    max_depth: int | None = None
    max_states: int | None = None
    time_limit: float | None = None


@dataclass(frozen=True)
class Expect:
    """The outcome a spec promises: the CI gate."""

    verdict: str
    property: str | None = None
    distinct_states: int | None = None
    depth: int | None = None
    trace_length: int | None = None

    def mismatches(self, result: Result) -> list[str]:
        """Each way `result` differs from this expectation, as
        ``field: expected X, got Y``; empty when it matches."""
        found = (self.property and result.violation(self.property)) or (
            result.violations[0] if result.violations else None)
        actual = {
            "verdict": result.verdict,
            "property": found.property.name if found else None,
            "distinct_states": result.stats.distinct_states,
            "depth": result.stats.depth,
            "trace_length": len(found.trace) if found and found.trace else None,
        }
        return [f"{name}: expected {wanted}, got {actual[name]}"
                for name, wanted in dataclasses.asdict(self).items()
                if wanted is not None and wanted != actual[name]]


@dataclass(frozen=True)
class Spec:
    """A loaded, validated spec. `params` are the resolved parameter values
    (defaults filled in); `symmetry` the names of the sets to reduce by."""

    path: str
    model_class: type[Model]
    params: Mapping[str, Any]
    mutant: str | None
    properties: tuple[str, ...] | None
    symmetry: tuple[str, ...]
    bounds: Bounds
    init: Mapping[str, Any] | None
    expect: Expect | None
    description: str | None = None

    @property
    def model_name(self) -> str:
        return self.model_class.name

    @property
    def name(self) -> str:
        return Path(self.path).stem

    def build(self) -> Model:
        return self.model_class(mutant=self.mutant, init=self.init, **self.params)

    def config(self, keep_going: bool = False, workers: int = 1) -> CheckConfig:
        return CheckConfig(properties=self.properties, keep_going=keep_going,
                           symmetry=self.symmetry, workers=workers,
                           **dataclasses.asdict(self.bounds))

    def with_symmetry(self, enabled: bool | None) -> "Spec":
        """The same spec with symmetry on (every set the model declares) or
        off; None leaves it as the spec says."""
        if enabled is None:
            return self
        return dataclasses.replace(
            self, symmetry=tuple(self.model_class.symmetry_sets) if enabled else ())

    def with_bounds(self, **overrides: Any) -> "Spec":
        """The same spec with some bounds replaced (None leaves one as is)."""
        given = {key: value for key, value in overrides.items() if value is not None}
        return dataclasses.replace(self, bounds=dataclasses.replace(self.bounds, **given))


def load_spec(path: str | Path, registry: Mapping[str, type[Model]]) -> Spec:
    """Read and validate a spec file against `registry` (model name → class)."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("no such file; give the path of a spec (.yaml)", path=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot be read ({error})", path=path) from None
    data, lines = _parse_yaml(text, path)
    try:
        return _validate(data, lines, registry, path)
    except SpecError as error:
        raise error.located(path, _line_of(error.field, lines)) from None


# -- YAML with line numbers ------------------------------------------------------

def _parse_yaml(text: str, path: str) -> tuple[Any, dict[tuple, int]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError("the file is empty; a spec needs at least `model:`", path=path)
        lines: dict[tuple, int] = {}
        return _construct(loader, node, (), lines, path), lines
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(f"not valid YAML: {problem}", path=path,
                        line=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()


def _construct(loader: yaml.SafeLoader, node: yaml.Node, at: tuple,
               lines: dict[tuple, int], path: str) -> Any:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, bool)):
                raise SpecError("a key must be a plain name", path=path,
                                field=_field(at), line=key_node.start_mark.line + 1)
            if key in mapping:
                raise SpecError(f"duplicate key {key!r}; give each field once", path=path,
                                field=_field(at + (key,)), line=key_node.start_mark.line + 1)
            mapping[key] = _construct(loader, value_node, at + (key,), lines, path)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, at + (index,), lines, path)
                for index, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _field(at: tuple) -> str:
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(field: str | None, lines: dict[tuple, int]) -> int | None:
    """The line of `field` (a dotted path), or of its nearest present parent."""
    if not field:
        return None
    at: tuple = ()
    for part in field.replace("[", ".").replace("]", "").split("."):
        at += (int(part) if part.isdigit() else part,)
    while at and at not in lines:
        at = at[:-1]
    return lines.get(at)


# -- validation ---------------------------------------------------------------------

def _validate(data: Any, lines: dict[tuple, int], registry: Mapping[str, type[Model]],
              path: str) -> Spec:
    _check_schema(data, SPEC_SCHEMA, ())
    # a registry that can resolve more than its names (users' models) does
    resolve = getattr(registry, "resolve", None)
    model_class = resolve(data["model"], path) if resolve else registry.get(data["model"])
    if model_class is None:
        raise SpecError(f"unknown model {data['model']!r}{_suggest(data['model'], registry)}; "
                        f"models: {', '.join(sorted(registry))}", field="model")
    params = data.get("params", {})
    _check_schema(params, {
        "type": "object", "additionalProperties": False,
        "properties": {p.name: p.json_schema() for p in model_class.params},
    }, ("params",))
    resolved = {p.name: params.get(p.name, p.default) for p in model_class.params}

    mutant = data.get("mutant")
    if mutant is not None and mutant not in model_class.mutants:
        raise SpecError(f"{model_class.name} has no mutant {mutant!r}"
                        f"{_suggest(mutant, model_class.mutants)}; mutants: "
                        f"{', '.join(model_class.mutants) or 'none'}", field="mutant")

    properties = data.get("properties")
    for index, name in enumerate(properties or ()):
        if name not in model_class.properties:
            raise SpecError(f"{model_class.name} has no property {name!r}"
                            f"{_suggest(name, model_class.properties)}; properties: "
                            f"{', '.join(model_class.properties)}",
                            field=f"properties[{index}]")

    symmetry = data.get("symmetry", False)
    if symmetry is True:
        symmetry = list(model_class.symmetry_sets)
    for index, name in enumerate(symmetry or ()):
        if name not in model_class.symmetry_sets:
            raise SpecError(f"{model_class.name} has no symmetric set {name!r}; sets: "
                            f"{', '.join(model_class.symmetry_sets) or 'none'}",
                            field=f"symmetry[{index}]")

    expect = Expect(**data["expect"]) if "expect" in data else None
    if expect is not None:
        _check_expect(expect, properties or list(model_class.properties), model_class)

    spec = Spec(path=path, model_class=model_class, params=resolved, mutant=mutant,
                properties=tuple(properties) if properties else None,
                symmetry=tuple(symmetry or ()), bounds=Bounds(**data.get("bounds", {})),
                init=data.get("init"), expect=expect, description=data.get("description"))
    model = spec.build()  # the model's own checks of its parameters and init block
    if expect is None or expect.verdict != "violated":
        # An unsound rule (quorums that need not meet) only where the spec
        # says the run breaks; anywhere else it is a mistake in the spec.
        model.check_sound()
    return spec


def _check_expect(expect: Expect, selected: list[str], model_class: type[Model]) -> None:
    if expect.property is not None:
        if expect.verdict != "violated":
            raise SpecError("`property` goes with `verdict: violated`; remove it or "
                            "change the verdict", field="expect.property")
        if expect.property not in selected:
            raise SpecError(f"{expect.property!r} is not among the checked properties "
                            f"({', '.join(selected)})", field="expect.property")
    if expect.trace_length is not None and expect.verdict != "violated":
        raise SpecError("`trace_length` goes with `verdict: violated`",
                        field="expect.trace_length")


def _check_schema(data: Any, schema: dict[str, Any], at: tuple) -> None:
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data),
                    key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]))
    if errors:
        error = errors[0]
        field_at = at + tuple(error.absolute_path)
        message, field_at = _describe(error, field_at)
        raise SpecError(message, field=_field(field_at) or None)


def _describe(error: jsonschema.ValidationError, at: tuple) -> tuple[str, tuple]:
    """A one-line message for a schema error, and the field it concerns."""
    kind, schema, value = error.validator, error.schema, error.instance
    if kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        unknown = sorted(set(value) - set(known), key=str)[0]
        return (f"unknown field {unknown!r}{_suggest(str(unknown), known)}; accepted: "
                f"{', '.join(known) or 'none'}", at + (unknown,))
    if kind == "required":
        missing = [name for name in schema["required"] if name not in value][0]
        return f"missing field {missing!r}", at
    if kind == "enum":
        accepted = [str(item) for item in schema["enum"]]
        return (f"got {value!r}{_suggest(str(value), accepted)}; accepted: "
                f"{', '.join(accepted)}", at)
    if kind in ("minimum", "exclusiveMinimum", "maximum"):
        word = {"minimum": "at least", "exclusiveMinimum": "more than",
                "maximum": "at most"}[kind]
        return f"must be {word} {error.validator_value}, got {value!r}", at
    wanted = schema.get("description") or _type_words(schema.get("type"))
    return f"expected {wanted}, got {_yaml_kind(value)}", at


def _type_words(kind: Any) -> str:
    words = {"integer": "a whole number", "number": "a number", "string": "a name",
             "boolean": "true or false", "array": "a list", "object": "a mapping"}
    kinds = kind if isinstance(kind, list) else [kind]
    return " or ".join(words.get(k, str(k)) for k in kinds)


def _yaml_kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float, str)):
        return repr(value)
    if value is None:
        return "nothing (null)"
    return "a list" if isinstance(value, list) else "a mapping"


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_specs(paths: list[str], registry: Mapping[str, type[Model]]) -> list[Spec]:
    """Load several specs; the first bad one raises."""
    if not paths:
        raise CheckerError("no spec given; pass one or more spec files, e.g. specs/*.yaml")
    return [load_spec(path, registry) for path in paths]
