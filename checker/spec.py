"""Spec files: a bounded check described in YAML, loaded into a frozen `Spec`.

The format is documented in the README and fixed by `SPEC_SCHEMA`::

    model: paxos                 # a name from `cmc list`
    params: {acceptors: 3}       # the model's parameters; defaults from the model
    mutant: no_adopt             # optional: a named broken variant
    properties: [agreement]      # optional: default all of the model's properties; [] none
    symmetry: false              # false, true, or a list of symmetric set names
    exact: false                 # keep the states themselves, not fingerprints
    deadlock: true               # a state with no successor is a violation
    fairness: {weak: [Receive], strong: [Timeout]}   # for temporal properties
    bounds: {max_depth: 40, max_states: 1000000, time_limit: 60}
    init: {...}                  # optional, model-specific starting configuration
    network: fifo                # optional, where the model allows: bag, set, fifo or inbox,
                                 # or {kind: bag, drop: 1, duplicate: 1}, or
                                 # {kind: bag, copies: 1}: a set receipt removes from
    partition: {groups: [[s1], [s2, s3]], from_start: true, splits: 1}
                                 # optional, where the model allows (or links: [[s1, s2]])
    invariants: {name: "expr"}   # optional: invariants as expressions (checker.expressions)
    constraints: {name: "expr"}  # optional: state constraints, TLC's CONSTRAINT
    temporal: {name: {leads_to: ["expr", "expr"]}}   # optional: TLC's PROPERTY, as eventually,
                                 # leads_to, always_eventually, eventually_always or once_always
    expect: {verdict: holds, distinct_states: 3921, depth: 16}
                                 # or each property's outcome (`Expect.properties`):
    expect: {properties: {election_safety: holds, log_matching: violated}}

Loading is strict: YAML is read safely, a duplicate key is an error, and every
error names the file, the line, the field, and what is accepted. A model that
cannot be safe as configured (`Model.check_sound`: quorums that need not meet)
is an error too, unless the spec expects a violation.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jsonschema
import yaml

from checker.errors import (CheckerError, ModelDefinitionError, ParamError, SpecError,
                            raised_in_model)
from checker.model import Model
from checker.properties import default_properties
from checker.result import HOLDS, NOT_SETTLED, VIOLATED, WITNESSED, CheckConfig, Result
from checker.yamlsafe import BoundedLoader, read_text, yaml_problem

VERDICTS = ("holds", "violated", "incomplete")
#: The outcomes `expect.properties` may name, in the words reports give
#: them (`checker.result.Outcome`).
OUTCOMES = (HOLDS, VIOLATED, WITNESSED, NOT_SETTLED)

#: The name of a property a spec writes (an invariant, a constraint, a
#: temporal property): an identifier, as TLA+ names them (``TypeOK``,
#: ``MaxTerm``) or snake_case (``type_ok``); names that differ only by case
#: are refused (`checker.expressions`: a report writes a file per property).
PROPERTY_NAME = {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                 "description": "a name of letters, digits and _ (TypeOK, type_ok)"}

#: A spec's partition, for a model that takes one (the model kit's
#: `ActorModel.partitions`); node names are the model's.
PARTITION_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "description": "a mapping {groups: [[s1], [s2, s3]]} or {links: [[s1, s2]]}, with "
                   "from_start, splits and heals",
    "properties": {
        "groups": {"type": "array", "minItems": 2, "description": "a list of lists of nodes",
                   "items": {"type": "array", "minItems": 1, "items": {"type": "string"},
                             "description": "a list of nodes, as [s1, s2]"}},
        "links": {"type": "array", "minItems": 1, "description": "a list of pairs of nodes",
                  "items": {"type": "array", "minItems": 2, "maxItems": 2,
                            "items": {"type": "string"}, "description": "a pair, as [s1, s2]"}},
        "from_start": {"type": "boolean"},
        "splits": {"type": "integer", "minimum": 0, "maximum": 64},
        "heals": {"type": "boolean"},
    },
}

#: A spec's choice of network for a model that allows one (the model kit's
#: `ActorModel.network_choices`), as a mapping; a bare kind is ``{kind: ...}``.
NETWORK_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["kind"],
    "description": "a mapping {kind: bag, drop: N, duplicate: N} or {kind: bag, copies: 1}",
    "properties": {
        "kind": {"enum": ["bag", "set", "fifo", "inbox"]},
        "drop": {"type": "integer", "minimum": 0, "maximum": 64},
        "duplicate": {"type": "integer", "minimum": 0, "maximum": 64},
        # (any value: `models.kit.network.chosen` says in one line what it takes)
        "copies": {"description": "1: one copy of each message in flight at most (a set "
                                  "from which receipt removes); leave out for any number"},
        "receive": {"description": "an inbox's: oldest (a receipt takes the head of the "
                                   "receiver's inbox) or any (any position, the order kept)"},
    },
}

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
        "properties": {"type": "array", "items": {"type": "string"},
                       "uniqueItems": True,
                       "description": "a list of property names ([] for none of the "
                                      "model's; no properties: field for its defaults)"},
        "symmetry": {"type": ["boolean", "array"], "items": {"type": "string"},
                     "uniqueItems": True,
                     "description": "false, true or a list of symmetric set names"},
        "exact": {"type": "boolean",
                  "description": "true keeps the states themselves rather than fingerprints"},
        "fairness": {
            "type": "object", "additionalProperties": False,
            "description": "a mapping with weak and strong, each a list of action families",
            "properties": {
                strength: {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                           "description": "a list of action families, e.g. [Receive, "
                                          "Timeout(s=1), Deliver(*), 'Try(p=*) | Enter(p=*)', "
                                          "'*']"}
                for strength in ("weak", "strong")},
        },
        "deadlock": {"type": "boolean",
                     "description": "false when states with no successor are expected "
                                    "(default true: such a state is a violation)"},
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
        "partition": {"type": "object",
                      "description": "a mapping {groups: [[s1], [s2, s3]]} or {links: [[s1, "
                                     "s2]]}, with from_start, splits and heals"},
        "network": {"type": ["string", "object"],
                    "description": "bag, set, fifo or inbox, or a mapping {kind: bag, drop: N, "
                                   "duplicate: N}"},
        "invariants": {"type": "object",
                       "additionalProperties": {"type": "string",
                                                "description": "an expression in quotes"},
                       "propertyNames": PROPERTY_NAME,
                       "description": "a mapping of names to expressions in quotes"},
        "constraints": {"type": "object",
                        "additionalProperties": {"type": "string",
                                                 "description": "an expression in quotes"},
                        "propertyNames": PROPERTY_NAME,
                        "description": "a mapping of names to expressions in quotes: the "
                                       "states explored (TLC's CONSTRAINT)"},
        "temporal": {
            "type": "object",
            "propertyNames": PROPERTY_NAME,
            "description": "a mapping of names to temporal properties",
            "additionalProperties": {
                "type": "object", "minProperties": 1, "maxProperties": 1,
                "additionalProperties": False,
                "description": "one of {eventually: \"P\"}, {leads_to: [\"P\", \"Q\"]}, "
                               "{always_eventually: \"P\"}, {eventually_always: \"P\"}, "
                               "{once_always: [\"P\", \"Q\"]}, P and Q expressions in quotes",
                "properties": {
                    **{kind: {"type": "string", "description": "an expression in quotes"}
                       for kind in ("eventually", "always_eventually", "eventually_always")},
                    "leads_to": {"type": "array", "minItems": 2, "maxItems": 2,
                                 "items": {"type": "string",
                                           "description": "an expression in quotes"},
                                 "description": "two expressions in quotes, [P, Q]: "
                                                "whenever P, later Q"},
                    "once_always": {"type": "array", "minItems": 2, "maxItems": 2,
                                    "items": {"type": "string",
                                              "description": "an expression in quotes"},
                                    "description": "two expressions in quotes, [P, Q]: "
                                                   "once P, always Q"}}}},
        "expect": {
            "type": "object", "additionalProperties": False,
            "description": "a mapping with verdict (or properties: each one's outcome) and "
                           "optional figures",
            # (the outcomes of `properties` imply the verdict)
            "if": {"not": {"required": ["properties"]}}, "then": {"required": ["verdict"]},
            "properties": {
                "verdict": {"enum": list(VERDICTS)},
                "properties": {"type": "object", "minProperties": 1,
                               "additionalProperties": {"enum": list(OUTCOMES)},
                               "description": "a mapping of property names to outcomes: "
                                              + ", ".join(OUTCOMES)},
                "property": {"type": "string"},
                "distinct_states": {"type": "integer", "minimum": 1},
                "depth": {"type": "integer", "minimum": 0},
                "trace_length": {"type": "integer", "minimum": 0},
                "stem_length": {"type": "integer", "minimum": 0},
                "loop_length": {"type": "integer", "minimum": 0},
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
    """The outcome a spec promises: the CI gate.

    `properties`, where given, pins the outcome of each property it names
    (``{election_safety: holds, log_matching: violated}``), in the words of
    `checker.result.Outcome`. Settling them all asks the run to go on past
    its first violation, as ``--keep-going`` does (`Spec.config`): a property
    listed as holding is checked in every state, not only in those before
    another one broke. A spec that lists them may leave `verdict` out: it is
    then the one they imply (`_implied_verdict`), and gated as if written.
    """

    verdict: str
    property: str | None = None
    distinct_states: int | None = None
    depth: int | None = None
    trace_length: int | None = None
    #: a lasso's stem and loop (temporal properties)
    stem_length: int | None = None
    loop_length: int | None = None
    #: each property's outcome, by name: holds, violated, witnessed, not settled
    properties: Mapping[str, str] | None = None

    def mismatches(self, result: Result) -> list[str]:
        """Each way `result` differs from this expectation, as
        ``field: expected X, got Y`` (``properties.NAME: ...`` for a
        property's outcome); empty when it matches. `result` is that of
        the run `Spec.config` asks for."""
        found = (self.property and result.violation(self.property)) or (
            result.violations[0] if result.violations else None)
        # a figure the run has not is said in words, not as Python's None
        traced = found is not None and found.trace is not None
        lasso = traced and found.loop_start is not None
        no_lasso = ("no lasso (the counterexample is a finite run)" if traced
                    else "no counterexample")
        actual = {
            "verdict": result.verdict,
            "property": found.property.name if found else "no violated property",
            "distinct_states": result.stats.distinct_states,
            "depth": result.stats.depth,
            "trace_length": len(found.trace) if traced else "no counterexample",
            "stem_length": found.stem_length if lasso else no_lasso,
            "loop_length": found.loop_length if lasso else no_lasso,
        }
        figures = [f"{name}: expected {wanted}, got {actual[name]}"
                   for name, wanted in dataclasses.asdict(self).items()
                   if name != "properties" and wanted is not None and wanted != actual[name]]
        return figures + [f"properties.{name}: expected {wanted}, got {got}"
                          for name, wanted, got in self._outcomes(result) if wanted != got]

    def _outcomes(self, result: Result) -> list[tuple[str, str, str]]:
        """Each listed property's name, expected and actual outcome."""
        # (the run went on past its first violation, `Spec.config`: its result says so)
        outcomes = {outcome.property.name: outcome.outcome for outcome in result.outcomes()}
        # deadlock and assertion are reported only where violated
        unreported = HOLDS if result.exhaustive() else NOT_SETTLED
        return [(name, wanted, outcomes.get(name, unreported))
                for name, wanted in (self.properties or {}).items()]


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
    #: Keep the states themselves in the visited set (no collision possible).
    exact: bool = False
    #: Invariants written as expressions, by name (`checker.expressions`).
    invariants: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: State constraints written as expressions, by name: TLC's CONSTRAINT.
    constraints: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: Temporal properties written as expressions, by name: TLC's PROPERTY
    #: (``{"leads_to": ["P", "Q"]}``, `checker.expressions.TemporalExpression`).
    temporal: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    #: Report a reachable state with no successor that no bound explains.
    deadlock: bool = True
    #: ``(strength, family)`` pairs assumed by the temporal properties.
    fairness: tuple[tuple[str, str], ...] = ()
    #: The network the spec chooses (``{"kind": "fifo", "drop": 1}``), or None.
    network: Mapping[str, Any] | None = None
    #: The spec's partition (``{"groups": [["s1"], ["s2", "s3"]]}``), or None.
    partition: Mapping[str, Any] | None = None
    #: The model as the file names it (a registered name, or a user model's
    #: ``./file.py:Class``, relative to the spec's folder).
    model_ref: str = ""
    #: The line of each field of the file, by path (``("fairness", "weak", 0)``),
    #: for errors found while checking (an expression invariant's, a fairness value's).
    lines: Mapping[tuple, int] = dataclasses.field(default_factory=dict)

    @property
    def model_name(self) -> str:
        return self.model_class.name

    @property
    def name(self) -> str:
        return Path(self.path).stem

    def located(self, error: CheckerError) -> CheckerError:
        """`error`, found while this spec was checked, placed in its file: at
        the line of the field it names (fairness values no step has are
        known only then), or, the model's mistake, after the file's name
        (of the specs a command checks, the one whose run failed)."""
        if isinstance(error, SpecError):
            placed = (error.located(self.path, _line_of(error.field, self.lines))
                      if error.path is None else error)
        elif isinstance(error, ModelDefinitionError):
            placed = ModelDefinitionError(f"{self.path}: {error}")
        else:
            return error
        # (the run to the state where the model's code raised, if the search found it)
        for name in ("trace", "model"):
            if hasattr(error, name):
                setattr(placed, name, getattr(error, name))
        return placed

    def build(self) -> Model:
        from checker.expressions import attach, attach_temporal, constrain

        # (a model that takes these says so: the model kit's ActorModel)
        chosen = {name: value for name, value in (("network_choice", self.network),
                                                  ("partition_choice", self.partition))
                  if value is not None}
        try:
            model = self.model_class(mutant=self.mutant, init=self.init, **chosen,
                                     **self.params)
        except CheckerError as error:
            raise self.located(error) from None  # a parameter refused names its field
        except (Exception, SystemExit) as error:  # the model's own code
            raise self.located(raised_in_model(self.model_class.name, "building the model",
                                               error)) from None
        attach(model, self.invariants, self.path,
               {name: self.lines.get(("invariants", name)) for name in self.invariants})
        attach_temporal(model, self.temporal, self.path,
                        {name: self.lines.get(("temporal", name)) for name in self.temporal})
        constrain(model, self.constraints, self.path,
                  {name: self.lines.get(("constraints", name)) for name in self.constraints})
        return model

    def config(self, keep_going: bool = False, workers: int = 1,
               fp_seed: int = 0) -> CheckConfig:
        # the spec's own properties are checked whatever `properties:` lists
        properties = None if self.properties is None else self.properties + tuple(
            name for name in (*self.invariants, *self.temporal) if name not in self.properties)
        # Stop once every property is settled, unless the expectation gives
        # figures of the whole state space (every spec's figures are those)
        whole = self.expect is not None and (self.expect.distinct_states is not None
                                             or self.expect.depth is not None)
        # An expectation of each listed property's outcome asks for each to be
        # settled: the run goes on past the first violation (`Expect.properties`)
        listed = self.expect is not None and self.expect.properties is not None
        return CheckConfig(properties=properties, keep_going=keep_going or listed,
                           stop_when_settled=not whole, symmetry=self.symmetry, workers=workers, exact=self.exact,
                           fp_seed=fp_seed, deadlock=self.deadlock, fairness=self.fairness,
                           **dataclasses.asdict(self.bounds))

    def with_exact(self, enabled: bool | None) -> "Spec":
        """The same spec keeping states exactly or by fingerprint; None
        leaves it as the spec says."""
        return self if enabled is None else dataclasses.replace(self, exact=enabled)

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
    data, lines = _parse_yaml(read_text(path), path)
    try:
        return _validate(data, lines, registry, path)
    except SpecError as error:
        raise error.located(path, _line_of(error.field, lines)) from None


# -- YAML with line numbers ------------------------------------------------------

def _parse_yaml(text: str, path: str) -> tuple[Any, dict[tuple, int]]:
    lines: dict[tuple, int] = {}
    loader = None
    try:
        loader = BoundedLoader(text, path)  # checks the characters
        node = loader.get_single_node()
        if node is None:
            raise SpecError("the file is empty; a spec needs at least `model:`", path=path)
        return _construct(loader, node, (), lines, path), lines
    except yaml.YAMLError as error:
        problem, line = yaml_problem(error, text)
        raise SpecError(f"not valid YAML: {problem}", path=path, line=line) from None
    except (ValueError, OverflowError) as error:
        # PyYAML's own conversions: an integer of more than 4,300 digits, a
        # date such as 2024-02-30.
        raise SpecError(f"a value cannot be read: {' '.join(str(error).split())}", path=path,
                        line=max(lines.values(), default=None)) from None
    finally:
        if loader is not None:
            loader.dispose()


#: The tags a spec's values may have, written or implied: YAML's own types
#: (a date or binary data is then refused by the field, saying what it got).
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "binary",
                "set", "omap", "pairs")}


def _construct(loader: BoundedLoader, node: yaml.Node, at: tuple,
               lines: dict[tuple, int], path: str) -> Any:
    lines[at] = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise SpecError(f"the tag {shown} is not allowed in a spec; write plain values "
                        "(text, numbers, true/false, lists and mappings)", path=path,
                        field=_field(at), line=lines[at])
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SpecError("merge keys (<<: *name) are not read in a spec; write the "
                                "fields out", path=path, field=_field(at),
                                line=key_node.start_mark.line + 1)
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
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise SpecError(f"holds {value[error.start]!r}, half of a UTF-16 surrogate pair, "
                            "which no text can hold; write the character itself", path=path,
                            field=_field(at), line=lines[at]) from None
    return value


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
        # (an index is ASCII digits: '¹' is a digit to isdigit but no int)
        at += (int(part) if part.isascii() and part.isdigit() else part,)
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
        raise SpecError(f"unknown model {data['model']!r}{suggest(data['model'], registry)}; "
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
                        f"{suggest(mutant, model_class.mutants)}; mutants: "
                        f"{', '.join(model_class.mutants) or 'none'}", field="mutant")

    invariants = data.get("invariants", {})
    temporal = data.get("temporal", {})
    properties = data.get("properties")
    for index, name in enumerate(properties or ()):
        if name not in model_class.properties and name not in invariants and name not in temporal:
            raise SpecError(f"{model_class.name} has no property {name!r}"
                            f"{suggest(name, model_class.properties)}; properties: "
                            f"{', '.join(model_class.properties)}",
                            field=f"properties[{index}]")

    symmetry = data.get("symmetry", False)
    if symmetry is True:
        symmetry = list(model_class.symmetry_sets)
        if not symmetry:
            raise SpecError(f"model {model_class.name} declares no symmetric sets "
                            "(`symmetry_sets`), so nothing would be reduced; remove the "
                            "line, or declare the model's interchangeable sets",
                            field="symmetry")
    for index, name in enumerate(symmetry or ()):
        if name not in model_class.symmetry_sets:
            # (a model writing its own symmetry_groups but not symmetry_sets)
            undeclared = (not model_class.symmetry_sets
                          and model_class.symmetry_groups is not Model.symmetry_groups)
            raise SpecError(f"{model_class.name} has no symmetric set {name!r}; sets: "
                            f"{', '.join(model_class.symmetry_sets) or 'none'}"
                            + (f"; if its symmetry_groups names {name!r}, declare the sets "
                               f"on the class (symmetry_sets = ({name!r},))"
                               if undeclared else ""),
                            field=f"symmetry[{index}]")

    network = _network(data.get("network"), model_class)
    partition = data.get("partition")
    if partition is not None:
        _check_schema(partition, PARTITION_SCHEMA, ("partition",))
        if not getattr(model_class, "partitions", False):
            raise SpecError(f"{model_class.name} takes no partition from a spec; remove "
                            "partition:", field="partition")

    selected = list(dict.fromkeys([*(properties if properties is not None else [
        p.name for p in default_properties(model_class.properties.values())]),
        *invariants, *temporal]))
    expect = (_expect(data["expect"], selected, model_class, data.get("deadlock", True))
              if "expect" in data else None)

    spec = Spec(path=path, model_class=model_class, params=resolved, mutant=mutant,
                properties=tuple(properties) if properties is not None else None,
                symmetry=tuple(symmetry or ()), bounds=Bounds(**data.get("bounds", {})),
                init=data.get("init"), expect=expect, description=data.get("description"),
                exact=data.get("exact", False), invariants=invariants,
                constraints=data.get("constraints", {}), temporal=temporal,
                deadlock=data.get("deadlock", True),
                fairness=_fairness(data.get("fairness", {}), model_class.mutant_class(mutant)),
                network=network,
                partition=partition, model_ref=data["model"],
                lines=lines)
    model = spec.build()  # the model's own checks of its parameters and init block
    if expect is None or expect.verdict != "violated":
        # An unsound rule (quorums that need not meet) only where the spec
        # says the run breaks; anywhere else it is a mistake in the spec.
        try:
            model.check_sound()
        except ParamError as error:
            if (error.field != "params.quorum" or "quorum" in (data.get("params") or {})
                    or mutant is None):
                raise
            # (the mutant chose the rule, not the spec's params)
            raise SpecError(f"the mutant's quorum rule, {error.message} (give the spec "
                            "expect: {verdict: violated})", field="mutant") from None
    return spec


def _network(given: Any, model_class: type[Model]) -> Mapping[str, Any] | None:
    """The spec's choice of network as a mapping, for a model that allows
    one; the model checks the kind and the budgets against its own."""
    if given is None:
        return None
    choice = {"kind": given} if isinstance(given, str) else given
    _check_schema(choice, NETWORK_SCHEMA, ("network",))
    if not getattr(model_class, "network_choices", ()):
        raise SpecError(f"{model_class.name} runs on its own network only; remove network:",
                        field="network")
    return choice


def _fairness(given: Mapping[str, list[str]], model_class: type[Model]
              ) -> tuple[tuple[str, str], ...]:
    """The spec's fairness as (strength, family) pairs, each family naming
    actions of the model (`checker.fairness.parse_family`)."""
    from checker.fairness import parse_family

    names = [kind.__name__ for kind in model_class.actions]
    pairs = []
    for strength in ("weak", "strong"):
        for index, family in enumerate(given.get(strength, ())):
            field = f"fairness.{strength}[{index}]"
            for part in family.split("|"):
                name = part.split("(", 1)[0].strip()
                if names and name and name not in names and part.strip() != "*":
                    raise SpecError(f"{model_class.name} has no action {name!r}"
                                    f"{suggest(name, names)}; actions: {', '.join(names)}",
                                    field=field)
            try:
                parse_family(model_class, family)
            except ValueError as problem:
                raise SpecError(str(problem), field=field) from None
            pairs.append((strength, family))
    return tuple(pairs)


def _expect(given: Mapping[str, Any], selected: list[str], model_class: type[Model],
            deadlock: bool) -> Expect:
    """The spec's expectation, its verdict the one its listed outcomes imply
    where it gives none. `selected`: the names of the properties checked."""
    if "properties" in given:
        _check_listed(given["properties"], selected, model_class, deadlock)
    expect = Expect(**{"verdict": _implied_verdict(given), **given})
    _check_expect(expect, selected, model_class)
    return expect


def _implied_verdict(given: Mapping[str, Any]) -> str:
    """The verdict of an expectation that lists outcomes but gives none:
    violated where a property is listed violated (or named by `property`),
    incomplete where one is listed not settled, else holds."""
    outcomes = list(given.get("properties", {}).values())
    if VIOLATED in outcomes or given.get("property") is not None:
        return "violated"
    return "incomplete" if NOT_SETTLED in outcomes else "holds"


def _check_listed(listed: Mapping[Any, str], selected: list[str], model_class: type[Model],
                  deadlock: bool) -> None:
    """Each property `expect.properties` lists is checked, with an outcome
    it can have: a witness (a reachable property) is witnessed, never holds;
    any other holds, never witnessed."""
    checked = selected + ["deadlock"] * deadlock + ["assertion"]
    for name, outcome in listed.items():
        field = f"expect.properties.{name}"
        if name == "deadlock" and not deadlock:
            raise SpecError("the spec says deadlock: false, so deadlock is not checked; "
                            "remove it here or the deadlock: line", field=field)
        if name not in checked:
            raise SpecError(f"{name!r} is not among the checked properties"
                            f"{suggest(name, checked)}; list some of: {', '.join(checked)}",
                            field=field)
        declared = model_class.properties.get(name)
        witness = declared is not None and (declared.kind == "reachable" or declared.witness)
        if witness and outcome == HOLDS:
            raise SpecError(f"{name} is a witness: a run reaches it (witnessed) or none does "
                            "(violated); write witnessed", field=field)
        if not witness and outcome == WITNESSED:
            raise SpecError(f"{name} is no witness: it holds or is violated; write holds",
                            field=field)


def _check_expect(expect: Expect, selected: list[str], model_class: type[Model]) -> None:
    listed = expect.properties or {}
    for name, outcome in listed.items():
        if outcome == VIOLATED and expect.verdict != "violated":
            raise SpecError(f"{name} is listed violated, so the verdict is violated; write "
                            "verdict: violated, or leave verdict out (the listed outcomes "
                            "imply it)", field="expect.verdict")
        if outcome == NOT_SETTLED and expect.verdict == "holds":
            raise SpecError(f"{name} is listed not settled, so the run cannot hold; write "
                            "verdict: incomplete or violated, or leave verdict out (the listed "
                            "outcomes imply it)", field="expect.verdict")
    if listed.get(expect.property, VIOLATED) != VIOLATED:
        raise SpecError(f"`property: {expect.property}` says it is violated, but it is "
                        f"listed {listed[expect.property]}; write violated here, or "
                        "change property", field=f"expect.properties.{expect.property}")
    if expect.property is not None:
        if expect.verdict == "holds":
            # (incomplete: a temporal property whose lasso stalls at a bound)
            raise SpecError("`property` goes with `verdict: violated`; remove it or "
                            "change the verdict", field="expect.property")
        if expect.property not in selected + ["deadlock", "assertion"]:
            raise SpecError(f"{expect.property!r} is not among the checked properties "
                            f"({', '.join(selected) or 'none: properties: []'})",
                            field="expect.property")
    for name in ("stem_length", "loop_length"):
        if getattr(expect, name) is not None and expect.verdict == "holds":
            raise SpecError(f"`{name}` goes with a lasso: verdict violated or incomplete",
                            field=f"expect.{name}")
    if expect.trace_length is not None and expect.verdict != "violated":
        raise SpecError("`trace_length` goes with `verdict: violated`",
                        field="expect.trace_length")


def _whole_number(checker: Any, value: Any) -> bool:
    # JSON Schema counts 2.0 as an integer; a parameter of 2.0 would reach
    # range() and fail there, so a spec must write 2.
    return isinstance(value, int) and not isinstance(value, bool)


def _real_number(checker: Any, value: Any) -> bool:
    # .nan compares false with every bound, so it would pass as "no limit".
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"integer": _whole_number, "number": _real_number}))


def _check_schema(data: Any, schema: dict[str, Any], at: tuple) -> None:
    errors = sorted(_Validator(schema).iter_errors(data),
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
        return (f"unknown field {unknown!r}{suggest(str(unknown), known)}; accepted: "
                f"{', '.join(known) or 'none'}", at + (unknown,))
    if kind == "required":
        missing = [name for name in schema["required"] if name not in value][0]
        return f"missing field {missing!r}", at
    if kind == "enum":
        accepted = [str(item) for item in schema["enum"]]
        return (f"got {value!r}{suggest(str(value), accepted)}; accepted: "
                f"{', '.join(accepted)}", at)
    if kind in ("minItems", "maxItems") and not schema.get("description"):
        bound = error.validator_value
        word = "at least" if kind == "minItems" else "at most"
        return (f"give {word} {bound} item{'' if bound == 1 else 's'}, got "
                f"{len(value) if value else 'none'}", at)
    if kind == "uniqueItems":
        twice = next(item for index, item in enumerate(value) if item in value[:index])
        return f"names {twice!r} twice; give each once", at
    if kind in ("minimum", "exclusiveMinimum", "maximum"):
        word = {"minimum": "at least", "exclusiveMinimum": "more than",
                "maximum": "at most"}[kind]
        low, high = schema.get("minimum"), schema.get("maximum")
        # the whole range, as `cmc list` would show it (a model given by path is not listed)
        hint = f"; accepted: {low} to {high}" if None not in (low, high) else ""
        return f"must be {word} {error.validator_value}, got {_yaml_kind(value)}{hint}", at
    wanted = schema.get("description") or _type_words(schema.get("type"))
    return f"expected {wanted}, got {_yaml_kind(value)}", at


def _type_words(kind: Any) -> str:
    words = {"integer": "a whole number", "number": "a number", "string": "a name",
             "boolean": "true or false", "array": "a list", "object": "a mapping"}
    kinds = kind if isinstance(kind, list) else [kind]
    return " or ".join(words.get(k, str(k)) for k in kinds)


def _yaml_kind(value: Any) -> str:
    """What a YAML value is, in the words of an error message."""
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float, str)):
        text = repr(value)
        return text if len(text) <= 40 else f"{text[:30]}… ({len(text):,} characters)"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()} (quote it to make it text)"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    return type(value).__name__


def suggest(word: str, choices: Any) -> str:
    """' (did you mean X?)' for the choice X closest to `word`, if one is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_specs(paths: list[str], registry: Mapping[str, type[Model]]) -> list[Spec]:
    """Load several specs; the first bad one raises."""
    if not paths:
        raise CheckerError("no spec given; pass one or more spec files, e.g. specs/*.yaml")
    return [load_spec(path, registry) for path in paths]
