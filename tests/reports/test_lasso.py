"""A lasso (a temporal property's counterexample) in every report: the loop
marked in text, HTML, Mermaid and JUnit, its stem and loop in JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from checker.result import Step, Trace
from reports.files import write_reports
from reports.html import render_html
from reports.json import load_schema, result_document
from reports.junit import render_junit
from reports.run import Checked
from reports.sequence import build_chart, render_mermaid
from reports.text import conclusion, render_finding
from tests.spec_runs import checked_spec


@pytest.fixture(scope="module")
def dueling() -> Checked:
    spec, model, result = checked_spec("paxos-liveness-dueling.yaml")
    return Checked(spec.path, model, result, spec.expect, tuple(spec.expect.mismatches(result)))


def test_text_marks_where_the_loop_starts_and_where_it_goes_back(dueling):
    lines = render_finding(dueling.model, dueling.result.violation("termination"))
    assert lines[0] == ("Termination (termination) violated by a lasso: a stem of 4 steps, "
                        "then a loop of 6 steps for ever: a fair behaviour never reaches "
                        "Termination")
    steps = [line.strip() for line in lines if not line.startswith("        ")]
    assert steps[5:8] == ["4  DeliverRequest(p=1, a=1)",
                          "── loop starts here (from the state after step 4) ──",
                          "5  DeliverReply(a=0, p=0)"]
    assert lines[-1].strip() == ("↻ back to step 4 (the same state), and round the loop for "
                                 "ever: a fair behaviour never reaches Termination")


def test_json_gives_stem_and_loop_and_validates(dueling):
    document = result_document(dueling.spec, dueling.model, dueling.result, dueling.expect)
    jsonschema.validate(json.loads(json.dumps(document)), load_schema("result"))
    [violation] = document["violations"]
    assert (violation["kind"], violation["loop_start"], violation["stem_length"],
            violation["loop_length"], violation["bound"]) == ("eventually", 4, 4, 6, None)
    assert len(violation["trace"]) == 11
    assert document["stats"]["graph_states"] == 4549


def test_mermaid_draws_the_loop_as_a_loop_block(dueling):
    finding = dueling.result.violation("termination")
    chart = render_mermaid(build_chart(dueling.model, finding.trace, conclusion(finding),
                                       finding.loop_start))
    lines = chart.splitlines()
    start = lines.index("    loop for ever: steps 5–10, back to the state after step 4")
    assert lines[start - 2].endswith("4 · DeliverRequest(p=1, a=1)<br/>PREPARE p0 from p0 "
                                     "stale: ignored")
    assert lines[start - 1] == "    p1->>a1: PREPARE p1 (sent at step 2)"
    assert lines[start + 1].endswith("5 · DeliverReply(a=0, p=0)")
    assert lines[-2] == "    end"
    assert "↻ back to step 4" in lines[-1]


def test_html_marks_the_loop_in_the_trace_table(dueling):
    page = render_html(dueling)
    assert "violated by a lasso: a stem of 4 steps, then a loop of 6 steps for ever" in page
    assert ('<tr class="loop-start"><td></td><td>── loop starts here (from the state after '
            'step 4) ──</td></tr>') in page


def test_junit_carries_the_lasso_as_text(dueling):
    root = ET.fromstring(render_junit([dueling]))
    # the expected violation passes, carrying its lasso
    text = "".join(root.itertext())
    assert "── loop starts here (from the state after step 4) ──" in text


def test_the_files_written_include_the_lasso_chart(dueling, tmp_path):
    document = result_document(dueling.spec, dueling.model, dueling.result, dueling.expect)
    write_reports(tmp_path, dueling, "text", document)
    chart = (tmp_path / "paxos-liveness-dueling.termination.mmd").read_text()
    assert "    end" in chart.splitlines()


def test_the_svg_chart_frames_the_loop_and_points_back_to_its_start(dueling):
    from reports.sequence import render_svg
    finding = dueling.result.violation("termination")
    chart = build_chart(dueling.model, finding.trace, conclusion(finding), finding.loop_start)
    svg = render_svg(chart)
    ET.fromstring(svg)  # well-formed
    caption = "loop for ever: steps 5–10, back to the state after step 4"
    assert svg.count('<g class="msc-loop">') == 1
    assert f"<title>{caption}</title>" in svg and f">{caption}</text>" in svg
    assert 'marker-end="url(#msc-back)"' in svg
    # the frame starts where step 5's row does: below the rows of steps 0 to 4
    frame = svg.split('<g class="msc-loop">')[1].split("<rect ")[1]
    # 44 + 6 of heads, 5 rows of 34, the notes of steps 1, 2 and 4 (22 each), + 1
    assert 'y="287.0"' in frame
    without = render_svg(build_chart(dueling.model, finding.trace, conclusion(finding)))
    assert "msc-loop" not in without


def _run(model, actions: list[str]) -> Trace:
    """The run of `model` from its first initial state taking the steps
    printed as `actions`."""
    state = next(iter(model.initial_states()))
    steps = [Step(None, state)]
    for printed in actions:
        action, state = next((a, t) for a, t in model.successors(state) if str(a) == printed)
        steps.append(Step(action, state))
    return Trace(tuple(steps))


def test_the_duel_chart_shows_the_messages_and_the_stale_accepts(dueling):
    # The duel through phase 2 (the spec's lasso before loops were the
    # shortest fair ones, 4 + 10 steps; now each proposer keeps one acceptor
    # and neither reaches phase 2): p1's PREPAREs pre-empt p0's ACCEPTs
    finding = dueling.result.violation("termination")
    trace = _run(dueling.model, [
        "Propose(p=0)", "Propose(p=1)", "DeliverRequest(p=0, a=0)", "DeliverRequest(p=0, a=1)",
        "DeliverRequest(p=1, a=0)", "DeliverRequest(p=1, a=1)", "DeliverReply(a=0, p=0)",
        "DeliverReply(a=1, p=0)", "Retry(p=0)", "DeliverRequest(p=0, a=0)",
        "DeliverRequest(p=0, a=1)", "DeliverReply(a=0, p=1)", "DeliverReply(a=1, p=1)",
        "Retry(p=1)"])
    assert trace.final == trace.steps[4].state
    chart = build_chart(dueling.model, trace, conclusion(finding), 4)
    lines = render_mermaid(chart).splitlines()
    assert lines[1:5] == ["    participant p0", "    participant p1", "    participant a0",
                          "    participant a1"]
    at = lines.index("    Note over p0: 8 · DeliverReply(a=1, p=0)<br/>proposes 0 in (0, p0)")
    assert lines[at + 1:at + 6] == [
        "    a1->>p0: PROMISE p0 (sent at step 4)",
        # p1's PREPAREs got there first: the acceptors ignore p0's ACCEPTs
        "    Note over a0: ACCEPT p0 value 0 stale: ignored",
        "    Note over a1: ACCEPT p0 value 0 stale: ignored",
        "    p0--)a0: ACCEPT p0 value 0 (not received)",
        "    p0--)a1: ACCEPT p0 value 0 (not received)"]
    assert "    p0->>a0: PREPARE p0 (sent at step 9)" in lines
    assert len(chart.messages) == 18


def test_text_says_a_lasso_that_stalls_at_a_bound_settles_nothing():
    """Not "violated": the run is incomplete, and the property's line says
    so too (a third tester read the two as contradicting each other)."""
    _, model, result = checked_spec("raft-liveness-fair.yaml")
    finding = result.violation("eventually_leader")
    assert result.verdict == "incomplete"
    assert render_finding(model, finding)[0] == (
        "Leader Eventually Elected (eventually_leader) not settled: a fair behaviour never "
        "reaches Leader Eventually Elected, but only because it stalls at a bound: weak "
        "fairness to Timeout only takes steps that leave the bounds (within_bounds); the "
        "lasso: a stem of 2 steps, then a loop of 2 steps for ever")
