"""A spec names its properties as TLA+ does (``TypeOK``, ``MaxTerm``) or in
snake_case: any identifier is accepted in `invariants:`, `constraints:` and
`temporal:`, titled with its capitals kept (checker/expressions.py's
`title_of`), listed by `properties:` and `expect:`, and reported by name in
the text, JSON and JUnit reports; names that differ only by case from
another property's are refused in one line (reports write a file per
property)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.errors import SpecError
from checker.properties import title_of
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

SMALL = ("model: paxos-textbook\n"
         "params: {acceptors: 2, learners: 2, max_msgs: 3, drop: 0, duplicate: 0, crash: 0}\n"
         "deadlock: false\n")
TLA_NAMES = SMALL + """\
invariants: {NothingLearned: "all(l.learned == -1 for l in learners)", Type_OK: "True"}
constraints: {MaxMsgs: "len(messages['PrepareMsg']) <= 3"}
properties: [agreement, NothingLearned]
expect: {verdict: violated, property: NothingLearned, trace_length: 9}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name, title", [
    ("election_safety", "Election safety"), ("TypeOK", "TypeOK"), ("Type_OK", "Type OK"),
    ("MaxTerm", "MaxTerm"), ("_private", "Private"), ("x", "X")])
def test_a_spec_propertys_title_keeps_its_capitals(name, title):
    assert title_of(name) == title


def test_tla_names_are_checked_and_reported_by_name(tmp_path):
    path = write(tmp_path, TLA_NAMES)
    spec = load_spec(path, REGISTRY)
    assert list(spec.invariants) == ["NothingLearned", "Type_OK"]
    assert list(spec.constraints) == ["MaxMsgs"]
    junit = tmp_path / "junit.xml"
    result = CliRunner().invoke(cli, ["check", str(path), "--no-progress", "--junit",
                                      str(junit)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2] == ("NothingLearned (NothingLearned) violated after 9 steps: "
                        "all(l.learned == -1 for l in learners) is false")
    assert ("  Type OK (Type_OK): not settled: the run stopped at the first violation "
            "(--keep-going checks every property)") in lines
    assert lines[-2:] == ["expectation met", ""]
    cases = junit.read_text()
    assert '<testcase classname="spec" name="NothingLearned">' in cases
    assert '<testcase classname="spec" name="Type_OK">' in cases


def test_a_tla_name_in_the_json_report(tmp_path):
    path = write(tmp_path, TLA_NAMES)
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)["results"][0]
    assert [(p["property"], p["title"], p["outcome"]) for p in document["properties"]] == [
        ("agreement", "Agreement", "not settled"), ("NothingLearned", "NothingLearned", "violated"),
        ("Type_OK", "Type OK", "not settled")]
    assert document["expect"]["property"] == "NothingLearned"


def test_a_temporal_property_takes_a_tla_name(tmp_path):
    path = write(tmp_path, SMALL + 'temporal: {EventuallyLearned: {eventually: '
                                   '"any(l.learned != -1 for l in learners)"}}\n'
                                   'properties: [EventuallyLearned]\n')
    spec = load_spec(path, REGISTRY)
    model = spec.build()
    assert model.properties["EventuallyLearned"].title == "EventuallyLearned"
    assert model.properties["EventuallyLearned"].kind == "eventually"


@pytest.mark.parametrize("block, field, message", [
    ('invariants: {TypeOK: "True", typeok: "True"}\n', "invariants.typeok",
     "paxos-textbook already has a property 'TypeOK', which differs only by case; give the "
     "invariant another name"),
    ('invariants: {Agreement: "True"}\n', "invariants.Agreement",
     "paxos-textbook already has a property 'agreement', which differs only by case; give "
     "the invariant another name"),
    ('invariants: {TypeOK: "True"}\ntemporal: {typeOK: {eventually: "True"}}\n',
     "temporal.typeOK",
     "paxos-textbook already has a property 'TypeOK', which differs only by case; give the "
     "temporal property another name"),
    ('invariants: {agreement: "True"}\n', "invariants.agreement",
     "paxos-textbook already has a property 'agreement'; give the invariant another name"),
])
def test_a_name_differing_only_by_case_is_refused_in_one_line(tmp_path, block, field,
                                                              message):
    path = write(tmp_path, SMALL + block)
    result = CliRunner().invoke(cli, ["check", str(path), "--no-progress"])
    assert result.exit_code == 2
    line = SMALL.count("\n") + 1 + block.count("\n") - 1
    assert result.output == f"error: {path}:{line}: {field}: {message}\n"


@pytest.mark.parametrize("block, field", [
    ('invariants: {Bad-Name: "True"}\n', "invariants"),
    ('constraints: {1st: "True"}\n', "constraints"),
    ('temporal: {"Max Term": {eventually: "True"}}\n', "temporal")])
def test_a_name_that_is_no_identifier_is_refused(tmp_path, block, field):
    path = write(tmp_path, SMALL + block)
    with pytest.raises(SpecError) as error:
        load_spec(path, REGISTRY)
    name = {"invariants": "'Bad-Name'", "constraints": "'1st'", "temporal": "'Max Term'"}[field]
    assert str(error.value) == (f"{path}:4: {field}: expected a name of letters, digits and "
                                f"_ (TypeOK, type_ok), got {name}")
