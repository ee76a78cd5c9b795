"""Every bundled mutant's counterexample renders in every form: text, JSON
(valid against the schema), JUnit, Markdown, Mermaid, HTML with SVG, and its
path as DOT, GraphML and node-link JSON that networkx reads back."""

from __future__ import annotations

import io
import json
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import networkx as nx
import pytest
import yaml

from reports.graph import trace_graph, write_graph
from reports.html import render_html
from reports.json import load_schema, result_document, run_document
from reports.junit import render_junit
from reports.run import Checked
from reports.sequence import build_chart, render_mermaid, render_svg
from reports.summary import render_summary
from reports.text import conclusion, render_result
from tests.spec_runs import checked_spec

SPECS = Path(__file__).resolve().parents[2] / "specs"


#: mutant specs whose run takes seconds (4-6 s here): rendered under -m slow;
#: tests/test_specs.py still checks their expectations by default
SLOWER = {"lease-mutant-expiry-tells-no-watcher", "raft-membership-single-server-bug"}


def mutant_specs():
    for path in sorted(SPECS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "mutant" in data:
            states = data.get("expect", {}).get("distinct_states") or 0
            marks = [pytest.mark.slow] if states > 100_000 or path.stem in SLOWER else []
            yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", mutant_specs())
def test_the_counterexample_renders_in_every_form(path):
    spec, model, result = checked_spec(path)
    checked = Checked(spec.path, model, result, spec.expect,
                      tuple(spec.expect.mismatches(result)))
    assert checked.passed, checked.mismatches
    (finding,) = result.violations
    steps = finding.trace.steps
    last = conclusion(finding)
    assert last.startswith(f"✗ {finding.property.title} violated ")

    text = [line.strip() for line in render_result(spec.path, model, result).splitlines()]
    assert text[1] == "verdict: VIOLATED"
    # The last step's changes, then why the property fails there.
    assert text[text.index(f"{len(steps) - 1}  {steps[-1].action}") + 1:].index(last) >= 1

    document = result_document(spec.path, model, result, spec.expect, checked.mismatches)
    jsonschema.validate(run_document([document]), load_schema())

    suite = ET.fromstring(render_junit([checked]))
    case = suite.find(f".//testcase[@name='{finding.property.name}']")
    assert case.find("failure") is None and last in case.find("system-out").text

    assert last.split(":")[0] in render_summary([checked])

    chart = build_chart(model, finding.trace, last)
    mermaid = render_mermaid(chart)
    for number in range(1, len(steps)):
        assert f": {number} · " in mermaid  # a note per step
    ET.fromstring(render_svg(chart))

    page = render_html(checked, witnesses=False)
    assert page.count("<svg") == 1
    for number in range(len(steps)):
        assert f'<tr id="v0-{number}">' in page

    graph = trace_graph(model, finding.trace)
    assert graph.number_of_nodes() == len(steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyparsing deprecations inside pydot's parser
        dot = nx.nx_pydot.read_dot(io.StringIO(write_graph(graph, "dot")))
    assert dot.number_of_edges() == len(steps) - 1
    graphml = nx.parse_graphml(write_graph(graph, "graphml"), force_multigraph=True)
    assert graphml.nodes[str(len(steps) - 1)]["violates"].split(",").count(
        finding.property.name) == (finding.property.kind == "invariant")
    linked = nx.node_link_graph(json.loads(write_graph(graph, "json")), edges="edges")
    assert linked.nodes[str(len(steps) - 1)]["state"] == model.state_view(finding.trace.final)

    # the JSON gives each listed property the outcome the spec lists (its
    # run went on past the first violation, as the result itself says)
    listed = spec.expect.properties or {}
    assert {found["property"]: found["outcome"] for found in document["properties"]
            if found["property"] in listed} == listed
