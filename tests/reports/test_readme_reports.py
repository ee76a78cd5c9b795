"""The README's Reports section shows real output: its Mermaid chart, text
excerpt, picture and refusal message are what the code produces now. When a
model change alters them, regenerate with
``cmc check specs/paxos-textbook-mutant-non-intersecting-quorums.yaml --out DIR``
(and `render_svg` for docs/sequence-chart.svg)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import checker
from checker.spec import load_spec
from models import REGISTRY
from reports.graph import GraphTooLarge, reachable_graph
from reports.sequence import build_chart, render_mermaid, render_svg
from reports.text import conclusion, render_finding

ROOT = Path(__file__).resolve().parents[2]
SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Reports", 1)[1] \
    .split("\n## ", 1)[0]
SPEC = "specs/paxos-textbook-mutant-non-intersecting-quorums.yaml"


@pytest.fixture(scope="module")
def example():
    spec = load_spec(ROOT / SPEC, REGISTRY)
    model = spec.build()
    (finding,) = checker.check(model, spec.config()).violations
    return model, finding


def test_the_mermaid_chart_is_the_real_one(example):
    model, finding = example
    (shown,) = re.findall(r"```mermaid\n(.*?)```", SECTION, flags=re.S)
    assert shown == render_mermaid(build_chart(model, finding.trace, conclusion(finding)))


def test_the_picture_is_the_real_chart(example):
    model, finding = example
    picture = (ROOT / "docs" / "sequence-chart.svg").read_text(encoding="utf-8")
    assert "](docs/sequence-chart.svg)" in SECTION
    assert picture == render_svg(build_chart(model, finding.trace, conclusion(finding)))


def test_the_text_excerpt_is_the_end_of_the_real_trace(example):
    model, finding = example
    shown = re.findall(r"```\n(  8  .*?)```", SECTION, flags=re.S)[0].splitlines()
    assert render_finding(model, finding)[-len(shown):] == shown


def test_the_refusal_is_the_real_message():
    spec = load_spec(ROOT / "specs/paxos-3a-2v-2b.yaml", REGISTRY)
    with pytest.raises(GraphTooLarge) as refused:
        reachable_graph(spec.build())
    assert f"error: {refused.value}\n" in SECTION
