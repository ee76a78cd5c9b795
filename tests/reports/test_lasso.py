"""A lasso (a temporal property's counterexample) in every report: the loop
marked in text, HTML, Mermaid and JUnit, its stem and loop in JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

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
                        "then a loop of 10 steps for ever: a fair behaviour never reaches "
                        "Termination")
    steps = [line.strip() for line in lines if not line.startswith("        ")]
    assert steps[5:8] == ["4  DeliverRequest(p=0, a=1)",
                          "── loop starts here (from the state after step 4) ──",
                          "5  DeliverRequest(p=1, a=0)"]
    assert lines[-1].strip() == ("↻ back to step 4 (the same state), and round the loop for "
                                 "ever: a fair behaviour never reaches Termination")


def test_json_gives_stem_and_loop_and_validates(dueling):
    document = result_document(dueling.spec, dueling.model, dueling.result, dueling.expect)
    jsonschema.validate(json.loads(json.dumps(document)), load_schema("result"))
    [violation] = document["violations"]
    assert (violation["kind"], violation["loop_start"], violation["stem_length"],
            violation["loop_length"], violation["bound"]) == ("eventually", 4, 4, 10, None)
    assert len(violation["trace"]) == 15
    assert document["stats"]["graph_states"] == 4549


def test_mermaid_draws_the_loop_as_a_loop_block(dueling):
    finding = dueling.result.violation("termination")
    chart = render_mermaid(build_chart(dueling.model, finding.trace, conclusion(finding),
                                       finding.loop_start))
    lines = chart.splitlines()
    start = lines.index("    loop for ever: steps 5–14, back to the state after step 4")
    assert lines[start - 1].endswith("4 · DeliverRequest(p=0, a=1)")
    assert lines[start + 1].endswith("5 · DeliverRequest(p=1, a=0)")
    assert lines[-2] == "    end"
    assert "↻ back to step 4" in lines[-1]


def test_html_marks_the_loop_in_the_trace_table(dueling):
    page = render_html(dueling)
    assert "violated by a lasso: a stem of 4 steps, then a loop of 10 steps for ever" in page
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
