"""The cmc.result/2 schema: real documents validate; broken ones do not."""

from __future__ import annotations

import copy

import jsonschema
import pytest

import checker
from checker.spec import Expect
from reports.json import SCHEMA, load_schema, result_document, run_document
from tests.toys import Counter, DieHard


@pytest.fixture(scope="module")
def validator():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def document(two_phase, paxos_no_adopt):
    die_hard = DieHard()
    holds = checker.check(die_hard, checker.CheckConfig(properties=("within_capacity",)))
    counter = Counter(limit=3)
    bounded = checker.check(counter, checker.CheckConfig(max_depth=1))
    expect = Expect("violated", property="agreement", trace_length=12)
    return run_document([
        result_document(paxos_no_adopt.spec, paxos_no_adopt.model, paxos_no_adopt.result,
                        expect, ["trace_length: expected 12, got 13"]),
        result_document(two_phase.spec, two_phase.model, two_phase.result),
        result_document("specs/die-hard.yaml", die_hard, holds),
        result_document("specs/counter.yaml", counter, bounded),
    ])


def test_real_output_validates(validator, document):
    assert document["schema"] == SCHEMA
    assert [r["verdict"] for r in document["results"]] == [
        "violated", "violated", "holds", "incomplete"]
    validator.validate(document)


@pytest.mark.parametrize("damage, message", [
    (lambda d: d.update(schema="cmc.result/1"), "'cmc.result/2' was expected"),
    (lambda d: d["results"][0]["violations"][0]["trace"][1].pop("values"),
     "is not valid under any of the given schemas"),
    (lambda d: d["results"][0].update(verdict="maybe"), "'maybe' is not one of"),
    (lambda d: d["results"][0]["stats"].pop("depth"), "'depth' is a required property"),
    (lambda d: d["results"][0]["violations"][0]["trace"][1].update(action={"name": "X"}),
     "is not valid under any of the given schemas"),
    (lambda d: d["results"][1].update(extra=1), "Additional properties are not allowed"),
])
def test_broken_documents_do_not(validator, document, damage, message):
    broken = copy.deepcopy(document)
    damage(broken)
    with pytest.raises(jsonschema.ValidationError, match=message):
        validator.validate(broken)
