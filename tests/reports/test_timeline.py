"""The timeline of a linearizability violation (reports.timeline): rendered
exactly for a toy register with a stale-read mutant, end to end through
`cmc check`, in text, HTML and JSON."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

import checker
import models
from checker.history import Invoke, KeyValue, Respond
from cmc.main import cli
from reports.html import render_html
from reports.json import finding_document, load_schema
from reports.run import Checked
from reports.timeline import render_timeline, timeline, timeline_html, timeline_of
from tests.history_toys import Register
from tests.toys import DieHard

STALE_TIMELINE = [
    "  history (columns: positions of its events; ✗: the operations that cannot be ordered):",
    "      0   1   2   3",
    "  c1  ┣━a━┫",
    "  c2          ┣━b━┫",
    "   a ✗ c1: write(x, 1) → ok",
    "   b ✗ c2: read(x) → 0",
]


@pytest.fixture
def run(monkeypatch, write_spec):
    monkeypatch.setitem(models.REGISTRY, Register.name, Register)

    def invoke(spec: str, *options: str):
        return CliRunner().invoke(cli, ["check", *options, write_spec(spec)])
    return invoke


@pytest.fixture(scope="module")
def stale() -> Checked:
    model = Register(mutant="stale_read")
    return Checked("register-stale.yaml", model, checker.check(model, checker.CheckConfig()))


def test_the_register_is_linearizable_with_reads_from_the_primary():
    for (writes, reads), distinct in {(1, 1): 74, (2, 2): 2612}.items():
        result = checker.check(Register(writes=writes, reads=reads), checker.CheckConfig())
        assert (result.verdict, result.stats.distinct_states) == ("holds", distinct)


def test_a_stale_read_prints_its_trace_and_timeline_and_exits_1(run):
    result = run("model: register\nmutant: stale_read\n")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[2] == ("Linearizable (linearizability) violated after 6 steps: "
                        "c2: read(x) → 0 after c1: write(x, 1) → ok completed")
    actions = [line.strip() for line in lines if line[:3].strip().isdigit()]
    assert actions == ["0  initial state", "1  Call(client='c1')", "2  Serve(client='c1')",
                       "3  Return(client='c1')", "4  Call(client='c2')",
                       "5  Serve(client='c2')", "6  Return(client='c2')"]
    at = lines.index(STALE_TIMELINE[0])
    assert lines[at - 1] == ("       ✗ Linearizable violated in this state: c2: read(x) → 0 "
                             "after c1: write(x, 1) → ok completed")
    assert lines[at:at + len(STALE_TIMELINE)] == STALE_TIMELINE
    assert lines[at + len(STALE_TIMELINE)] == "properties:"


def test_a_longer_history_draws_pending_and_unmarked_calls():
    history = (Invoke("c1", "write", "x", 1),
               Invoke("c2", "read", "x"), Respond("c2", 1),
               Invoke("c3", "read", "x"), Respond("c3", 0),
               Invoke("c2", "write", "x", 2), Respond("c2", "ok"),
               Invoke("c3", "read", "x"))
    assert render_timeline(timeline(history, KeyValue())) == [
        "history (columns: positions of its events; ✗: the operations that cannot be ordered):",
        "    0   1   2   3   4   5   6   7",
        "c1  ┣━a━━━━━━━━━━━━━━━━━━━━━━━━━━━━…",
        "c2      ┣━b━┫           ├─d─┤",
        "c3              ┣━c━┫           ├─e…",
        " a ✗ c1: write(x, 1) pending",
        " b ✗ c2: read(x) → 1",
        " c ✗ c3: read(x) → 0",
        " d   c2: write(x, 2) → ok",
        " e   c3: read(x) pending",
    ]


def test_a_linearizable_history_marks_nothing():
    history = (Invoke("c1", "write", "x", 1), Respond("c1", "ok"))
    assert render_timeline(timeline(history, KeyValue())) == [
        "history (columns: positions of its events):", "    0   1", "c1  ├─a─┤",
        " a   c1: write(x, 1) → ok"]


def test_the_html_report_shows_the_timeline_above_the_trace(stale):
    page = render_html(stale)
    table = timeline_html(timeline_of(stale.model, stale.result.violations[0]))
    assert table == (
        '<table class="timeline"><tr><th></th><th>0</th><th>1</th><th>2</th><th>3</th></tr>'
        '<tr><td class="client">c1</td><td class="call unordered" colspan="2">'
        'write(x, 1) → ok</td><td></td><td></td></tr>'
        '<tr><td class="client">c2</td><td></td><td></td>'
        '<td class="call unordered" colspan="2">read(x) → 0</td></tr></table>')
    assert table in page
    assert page.index(table) < page.index('<div class="columns">')


def test_the_json_report_carries_the_history_and_the_minimal_set(run):
    result = run("model: register\nmutant: stale_read\n", "--format", "json")
    document = json.loads(result.output)
    jsonschema.Draft202012Validator(load_schema()).validate(document)
    violation = document["results"][0]["violations"][0]
    assert violation["history"] == {
        "events": 4, "clients": ["c1", "c2"],
        "operations": [
            {"id": "a", "client": "c1", "op": "write", "key": "x", "arg": 1,
             "result": "ok", "start": 0, "end": 1},
            {"id": "b", "client": "c2", "op": "read", "key": "x", "arg": None,
             "result": 0, "start": 2, "end": 3}],
        "minimal": ["a", "b"]}


def test_other_findings_have_no_timeline():
    model = DieHard()
    result = checker.check(model, checker.CheckConfig(properties=("goal_not_reached",)))
    finding = result.violations[0]
    assert timeline_of(model, finding) is None
    assert "history" not in finding_document(model, finding)
