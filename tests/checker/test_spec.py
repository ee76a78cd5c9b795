"""Spec files: loading, resolution, and one exact message per kind of bad input."""

from __future__ import annotations

import pytest

from checker.errors import SpecError
from checker.spec import Bounds, Expect, load_spec

BAD_SPECS = [
    ("model: die-hard\nparams:\n  small: three\n",
     ":3: params.small: expected a whole number, got 'three'"),
    ("model: die-hard\nboundz: {}\n",
     ":2: boundz: unknown field 'boundz' (did you mean 'bounds'?); accepted: bounds, "
     "constraints, deadlock, description, exact, expect, fairness, init, invariants, model, "
     "mutant, network, params, partition, properties, symmetry"),
    ("model: [die-hard\n", ":2: not valid YAML: expected ',' or ']', but got '<stream end>'"),
    ("model: die-hard\nmodel: counter\n",
     ":2: model: duplicate key 'model'; give each field once"),
    ("model: die-hrd\n",
     ":1: model: unknown model 'die-hrd' (did you mean 'die-hard'?); models: "),
    ("model: die-hard\nparams:\n  goal: 9\n",
     ":3: params.goal: must be at most big (5); lower the goal or raise big"),
    ("- model\n", ": expected a mapping of spec fields, got a list"),
    ("model: die-hard\nbounds: {max_depth: -1}\n",
     ":2: bounds.max_depth: must be at least 0, got -1"),
    ("model: die-hard\nbounds:\n  time_limit: 0\n",
     ":3: bounds.time_limit: must be more than 0, got 0"),
    ("model: die-hard\nexpect: {verdict: holds, property: goal_not_reached}\n",
     ":2: expect.property: `property` goes with `verdict: violated`; remove it or "
     "change the verdict"),
    ("model: die-hard\nproperties: [within_capacity]\n"
     "expect: {verdict: violated, property: goal_not_reached}\n",
     ":3: expect.property: 'goal_not_reached' is not among the checked properties "
     "(within_capacity)"),
    ("model: die-hard\nproperties: []\nexpect: {verdict: violated, property: goal_not_reached}\n",
     ":3: expect.property: 'goal_not_reached' is not among the checked properties "
     "(none: properties: [])"),
    ("model: die-hard\nproperties: [goal_not_reachd]\n",
     ":2: properties[0]: die-hard has no property 'goal_not_reachd' (did you mean "
     "'goal_not_reached'?); properties: goal_not_reached, within_capacity, both_full, overflow"),
    ("model: die-hard\nparams: {smal: 2}\n",
     ":2: params.smal: unknown field 'smal' (did you mean 'small'?); accepted: big, goal, small"),
    ("model: die-hard\nexpect: {verdict: hold}\n",
     ":2: expect.verdict: got 'hold' (did you mean 'holds'?); accepted: holds, violated, "
     "incomplete"),
    ("", ": the file is empty; a spec needs at least `model:`"),
    ("model: die-hard\nmutant: overfil\n",
     ":2: mutant: die-hard has no mutant 'overfil' (did you mean 'overfill'?); mutants: overfill"),
    ("model: die-hard\nsymmetry: [jugs]\n",
     ":2: symmetry[0]: die-hard has no symmetric set 'jugs'; sets: none"),
    ("model: die-hard\nparams: {big: 010}\n",
     ":2: 010 is a YAML 1.1 number (an octal with a leading 0, base 60 with ':', or '_' "
     "between digits), read as 8; write the number plainly, in decimal"),
    ("model: die-hard\nbounds: {time_limit: 1:30}\n",
     ":2: 1:30 is a YAML 1.1 number (an octal with a leading 0, base 60 with ':', or '_' "
     "between digits), read as 90; write the number plainly, in decimal"),
    ("model: die-hard\ndefaults: &d {big: 5}\nparams:\n  <<: *d\n",
     ":4: params: merge keys (<<: *name) are not read in a spec; write the fields out"),
    ("model: die-hard\nparams: !!python/object/apply:os.system [\"true\"]\n",
     ":2: params: the tag !!python/object/apply:os.system is not allowed in a spec; write "
     "plain values (text, numbers, true/false, lists and mappings)"),
    ("model: die-hard\ndescription: \"\\ud800\"\n",
     ":2: description: holds '\\ud800', half of a UTF-16 surrogate pair, which no text can "
     "hold; write the character itself"),
    ("model: die-hard\nsymmetry: true\n",
     ":2: symmetry: model die-hard declares no symmetric sets (`symmetry_sets`), so nothing "
     "would be reduced; remove the line, or declare the model's interchangeable sets"),
    ("params: {small: 3}\n", ": missing field 'model'"),
    ("model: die-hard\nexpect:\n  verdict: holds\n  distinct_states: many\n",
     ":4: expect.distinct_states: expected a whole number, got 'many'"),
    # a key that is a digit to str.isdigit but no int (found by the long fuzz)
    ("model: die-hard\n\u00b9: 1\n",
     ":2: \u00b9: unknown field '\u00b9'; accepted: bounds, constraints, deadlock, description, "
     "exact, expect, fairness, init, invariants, model, mutant, network, params, partition, "
     "properties, symmetry"),
    ("model: die-hard\nparams: {\u00b2: 1}\n",
     ":2: params.\u00b2: unknown field '\u00b2'; accepted: big, goal, small"),
]


@pytest.mark.parametrize("text, message", BAD_SPECS)
def test_bad_spec_gets_one_exact_line(toy_registry, write_spec, text, message):
    path = write_spec(text)
    with pytest.raises(SpecError) as raised:
        load_spec(path, toy_registry)
    assert str(raised.value).startswith(path + message)
    assert "\n" not in str(raised.value)


def test_missing_file(toy_registry):
    with pytest.raises(SpecError) as raised:
        load_spec("nowhere.yaml", toy_registry)
    assert str(raised.value) == "nowhere.yaml: no such file; give the path of a spec (.yaml)"


def test_spec_resolves_defaults_bounds_and_expectation(toy_registry, write_spec):
    spec = load_spec(write_spec(
        "model: die-hard\nparams: {big: 7}\nbounds: {max_states: 100}\n"
        "expect: {verdict: violated, property: goal_not_reached, trace_length: 6}\n"),
        toy_registry)
    assert dict(spec.params) == {"small": 3, "big": 7, "goal": 4}
    assert spec.bounds == Bounds(max_states=100)
    assert spec.expect == Expect("violated", "goal_not_reached", trace_length=6)
    assert spec.properties is None and spec.symmetry == ()
    config = spec.with_bounds(max_depth=3, max_states=None).config(keep_going=True)
    assert (config.max_depth, config.max_states, config.keep_going) == (3, 100, True)


def test_expectation_mismatches_say_expected_and_actual(toy_registry, write_spec):
    import checker

    spec = load_spec(write_spec(
        "model: die-hard\nexpect: {verdict: violated, property: goal_not_reached, "
        "trace_length: 5, depth: 4}\n"), toy_registry)
    result = checker.check(spec.build(), spec.config())
    assert spec.expect.mismatches(result) == [
        "depth: expected 4, got 6", "trace_length: expected 5, got 6"]


def test_a_model_naming_its_sets_in_symmetry_groups_alone_is_told_to_declare_them(
        monkeypatch, write_spec):
    import models
    from tests.toys import Tokens

    class Undeclared(Tokens):
        name = "undeclared-tokens"
        symmetry_sets = ()

    monkeypatch.setitem(models.REGISTRY, Undeclared.name, Undeclared)
    with pytest.raises(SpecError) as error:
        load_spec(write_spec("model: undeclared-tokens\nsymmetry: [processes]\n"),
                  models.REGISTRY)
    assert str(error.value).split(": ", 1)[1] == (
        "symmetry[0]: undeclared-tokens has no symmetric set 'processes'; sets: none; if "
        "its symmetry_groups names 'processes', declare the sets on the class (symmetry_sets "
        "= ('processes',))")


def test_a_number_parameter_defaulting_to_none_takes_a_number_or_null():
    from checker.model import Param

    assert Param("max_fake", None, "a bound", minimum=0).json_schema() == {
        "type": ["integer", "null"], "minimum": 0}
