"""A string prints the same at every depth of a state: bare, as a state
view prints a string field at the top (``n1.records.role = leader``), in a
record the kit prints, held in a field, a tuple or a nested record
(``Tag(label=lead, owner=n1)``, where the repr quoted it: ``label='lead'``),
in `cmc check`'s text, `cmc explore --at`, the Markdown summary and the
JSON views (models/kit/records.py's `_as_is`). It is quoted only where the
quotes keep it from reading as something else (empty, spaced at an end,
holding ``, ( ) [ ] { } = '``, or spelling ``none``, ``None``, a number or a
boolean); a record the kit does not print (one naming nothing) keeps its
own repr, the same text wherever it stands. The model: a plain `Symmetric`
one, tests/checker/frictions27_nested.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from models.kit.records import show
from tests.checker.frictions27_nested import Note, Tag

SPEC = str(Path(__file__).resolve().parent / "frictions27_nested.yaml")
FIRST_STEP = ["  1  Promote(n=n1, why=timeout)",
              "       n1.records.role: follower → leader",
              "       n1.records.tag.label: start → lead",
              "       n1.records.tags: + Tag(label=lead, owner=n1)",
              "       last: none → Tag(label=lead, owner=n1)",
              "       notes: + Note(text='n1 leads')"]


def test_check_prints_nested_strings_as_top_level_ones(tmp_path):
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(cli, ["check", SPEC, "--no-progress", "--summary",
                                      str(summary)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    step = lines.index("  1  Promote(n=n1, why=timeout)")
    assert lines[step:step + 6] == FIRST_STEP
    assert lines[step + 10:step + 11] == [
        "       last: Tag(label=lead, owner=n1) → Tag(label=lead, owner=n2)"]
    markdown = summary.read_text().splitlines()
    step = markdown.index("  1  Promote(n=n1, why=timeout)")
    assert markdown[step:step + 6] == FIRST_STEP


def test_explore_prints_nested_strings_as_top_level_ones():
    result = CliRunner().invoke(cli, ["explore", SPEC, "--at", "0/0"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    state = lines.index("state:")
    assert lines[state + 1:state + 11] == [
        "  n1.records.role = leader", "  n1.records.tag.label = lead",
        "  n1.records.tag.owner = n1", "  n1.records.tags = [Tag(label=lead, owner=n1)]",
        "  n2.records.role = follower", "  n2.records.tag.label = start",
        "  n2.records.tag.owner = n2", "  n2.records.tags = []",
        "  last = Tag(label=lead, owner=n1)", "  notes = [Note(text='n1 leads')]"]


def test_the_json_view_holds_the_same_text():
    result = CliRunner().invoke(cli, ["check", SPEC, "--format", "json"])
    (violation,) = json.loads(result.stdout)["results"][0]["violations"]
    final = violation["trace"][-1]["state"]
    assert final["n2.records.tags"] == ["Tag(label=lead, owner=n2)"]
    assert final["last"] == "Tag(label=lead, owner=n2)"
    assert final["notes"] == ["Note(text='n1 leads')", "Note(text='n2 leads')"]
    assert violation["trace"][1]["action"]["text"] == "Promote(n=n1, why=timeout)"


@pytest.mark.parametrize("label, text", [
    ("lead", "Tag(label=lead, owner=n1)"), ("n1 leads", "Tag(label=n1 leads, owner=n1)"),
    ("", "Tag(label='', owner=n1)"), (" lead", "Tag(label=' lead', owner=n1)"),
    ("a, owner=n2", "Tag(label='a, owner=n2', owner=n1)"), ("(x)", "Tag(label='(x)', owner=n1)"),
    ("none", "Tag(label='none', owner=n1)"), ("None", "Tag(label='None', owner=n1)"),
    ("12", "Tag(label='12', owner=n1)"), ("True", "Tag(label='True', owner=n1)"),
    ("it's", "Tag(label=\"it's\", owner=n1)")])
def test_a_string_is_quoted_only_where_it_could_read_as_something_else(label, text):
    assert show(Tag(label, 0)) == text == repr(Tag(label, 0))


def test_a_record_naming_nothing_keeps_its_own_repr():
    assert repr(Note("n1 leads")) == show(Note("n1 leads")) == "Note(text='n1 leads')"
