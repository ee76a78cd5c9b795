"""Every report says what became of each property checked (a property the
run did not settle says so, and why), starts with the spec's description,
prints parameters as a spec writes them, and reports coverage per action.
Results here are built by hand, so these tests do not depend on the engine."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

import jsonschema

from checker.result import Finding, Result, Stats, Step, Trace
from models.raft import Raft
from reports.html import render_html
from reports.json import load_schema, result_document
from reports.junit import render_junit
from reports.run import Checked, describe
from reports.summary import render_summary
from reports.text import render_result, render_stats
from tests.toys import DieHard, Fill

PROPS = DieHard.properties
DESCRIPTION = "The jugs never hold more than they can, and both can be full at once."


def stats(**overrides) -> Stats:
    figures = dict(distinct_states=9, generated_states=30, depth=2, seconds=0.5,
                   peak_memory_bytes=2**20, store_bytes=64,
                   actions={"Fill": 12, "Empty": 18, "Pour": 0},
                   collision_probability=0.0)
    return Stats(**{**figures, **overrides})


def stopped_run() -> Result:
    """A depth bound stopped the run: Both Full was reached, nothing broke,
    so Within Capacity and Overflow are not settled."""
    witness = Finding(PROPS["both_full"], Trace((Step(None, (0, 0)), Step(Fill(0), (3, 0)),
                                                 Step(Fill(1), (3, 5)))))
    return Result("incomplete", stats(), (PROPS["within_capacity"], PROPS["both_full"],
                                          PROPS["overflow"]),
                  witnesses=(witness,), stopped_by="max_depth")


DEPTH = "the depth bound (max_depth) was reached with states left to explore"
#: what the states explored say of an invariant and of a reachability property
NONE_YET = f"no violation in the 9 states explored (to depth 2); {DEPTH}"
NOT_YET = f"not reached in the 9 states explored (to depth 2); {DEPTH}"


def test_result_lists_each_property_with_its_outcome():
    found = [(o.property.name, o.outcome, o.reason) for o in stopped_run().outcomes()]
    assert found == [("within_capacity", "not settled", NONE_YET),
                     ("both_full", "witnessed", None),
                     ("overflow", "not settled", NOT_YET)]


def test_a_run_stopped_at_its_first_violation_settles_only_what_it_found():
    violation = Finding(PROPS["goal_not_reached"], Trace((Step(None, (0, 0)),)), "4 gallons")
    result = Result("violated", stats(), (PROPS["goal_not_reached"], PROPS["within_capacity"]),
                    violations=(violation,))
    first = [(o.property.name, o.outcome, o.reason) for o in result.outcomes()]
    assert first == [
        ("goal_not_reached", "violated", "4 gallons"),
        ("within_capacity", "not settled", "the run stopped at the first violation "
                                            "(--keep-going checks every property)")]
    went_on = dataclasses.replace(result, kept_going=True)
    assert [o.outcome for o in went_on.outcomes()] == ["violated", "holds"]


def test_text_lists_unsettled_properties_with_the_reason():
    text = render_result("x.yaml: die-hard", DieHard(), stopped_run(),
                         description=DESCRIPTION).splitlines()
    assert text[:3] == ["x.yaml: die-hard", DESCRIPTION, f"verdict: INCOMPLETE ({DEPTH})"]
    start = text.index("properties:")
    assert text[start + 1:start + 4] == [
        f"  Within Capacity (within_capacity): not settled: {NONE_YET}",
        "  Both Full (both_full): reached in 2 steps (--witnesses shows the run)",
        f"  Overflow (overflow): not settled: {NOT_YET}"]


def test_json_lists_each_property_with_outcome_and_reason_and_the_description():
    document = result_document("x.yaml", DieHard(), stopped_run(), description=DESCRIPTION)
    jsonschema.validate(document, load_schema("result"))
    assert document["description"] == DESCRIPTION
    assert document["properties"] == [
        {"property": "within_capacity", "title": "Within Capacity", "kind": "invariant",
         "outcome": "not settled", "reason": NONE_YET},
        {"property": "both_full", "title": "Both Full", "kind": "reachable",
         "outcome": "witnessed", "reason": None},
        {"property": "overflow", "title": "Overflow", "kind": "reachable",
         "outcome": "not settled", "reason": NOT_YET}]
    json.dumps(document)


def test_html_markdown_and_junit_say_not_settled_and_show_the_description():
    checked = Checked("specs/x.yaml", DieHard(), stopped_run(), description=DESCRIPTION)
    page = render_html(checked)
    assert f'<p class="description">{DESCRIPTION}</p>' in page
    assert (f'<li><span class="outcome not-settled">not settled</span> Overflow (overflow): '
            f"not settled: {NOT_YET}</li>") in page
    summary = render_summary([checked]).splitlines()
    start = summary.index("### `specs/x.yaml`")
    assert summary[start + 1:start + 7] == [
        "", DESCRIPTION, "",
        f"- ⚠️ Within Capacity (within_capacity): not settled: {NONE_YET}",
        "- ✅ Both Full (both_full): reached in 2 steps (--witnesses shows the run)",
        f"- ⚠️ Overflow (overflow): not settled: {NOT_YET}"]
    suite = ET.fromstring(render_junit([checked])).find("testsuite")
    facts = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert facts["description"] == DESCRIPTION
    skipped = {case.get("name"): case.find("skipped").get("message")
               for case in suite.iter("testcase") if case.find("skipped") is not None}
    assert skipped == {"within_capacity": f"not settled: {NONE_YET}",
                       "overflow": f"not settled: {NOT_YET}"}


def test_coverage_prints_steps_and_new_states_per_action():
    result = Result("holds", stats(new_states={"Fill": 4, "Empty": 1}), ())
    lines = render_stats(result)
    start = lines.index("coverage (action: steps generated, new states):")
    assert lines[start + 1:start + 4] == ["  Fill: 12 steps, 4 new states",
                                          "  Empty: 18 steps, 1 new state",
                                          "  Pour: 0 steps, 0 new states"]
    assert lines[-1] == "never fired (check the model or the bounds): Pour"


def test_never_fired_is_not_claimed_for_a_run_cut_short():
    for stopped_by in ("interrupted", "max_depth", "time_limit"):
        result = Result("incomplete", stats(), (), stopped_by=stopped_by)
        assert not any(line.startswith("never fired") for line in render_stats(result))
    violation = Finding(PROPS["within_capacity"], Trace((Step(None, (0, 0)),)))
    cut = Result("violated", stats(), (PROPS["within_capacity"],), violations=(violation,))
    assert not any(line.startswith("never fired") for line in render_stats(cut))
    assert render_stats(dataclasses.replace(cut, kept_going=True))[-1] == (
        "never fired (check the model or the bounds): Pour")


def test_parameters_print_as_a_spec_writes_them():
    model = Raft(servers=3, max_term=3, membership={"change": "direct", "from": 3, "to": 1})
    assert describe(model) == (
        "raft {servers: 3, values: 1, max_term: 3, max_log: 1, max_msgs: 1, quorum: majority, "
        "membership: {change: direct, from: 3, to: 1}, pre_vote: false, check_quorum: false, "
        "partition: null, terms: absolute, timeouts: null, faults: true}")
    assert describe(Raft(servers=2)).endswith(
        "quorum: majority, membership: null, pre_vote: false, check_quorum: false, "
        "partition: null, terms: absolute, timeouts: null, faults: true}")
    assert describe(DieHard(mutant="overfill")) == (
        "die-hard {small: 3, big: 5, goal: 4}, mutant overfill")
