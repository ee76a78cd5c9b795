"""The HTML report: self-contained, the chart as SVG, every step of every
trace with its changes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from reports.html import render_html


class Page(HTMLParser):
    """Collects ids, tags, and anything that would fetch from elsewhere."""

    def __init__(self):
        super().__init__()
        self.ids, self.tags, self.fetches = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        for name in ("src", "href", "xlink:href"):
            if attrs.get(name) and not attrs[name].startswith("#"):
                self.fetches.append(attrs[name])
        if tag in ("script", "link", "img", "iframe"):
            self.fetches.append(tag)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def test_the_page_holds_the_chart_and_every_step(two_phase):
    page = render_html(two_phase)
    parsed = parse(page)
    assert parsed.fetches == []
    assert parsed.tags.count("svg") == 2  # the violation and the witness
    assert page.count("<svg") == 2
    finding = two_phase.result.violations[0]
    for number, step in enumerate(finding.trace.steps):
        assert f"v0-{number}" in parsed.ids
        label = "initial state" if step.action is None else str(step.action)
        assert f'<div class="action">{label}</div>' in page
        assert f'<a href="#v0-{number}">' in page  # the chart's label links to the row
    assert ('<span class="field">rm2.state</span>: <span class="old">working</span> → '
            '<span class="new">aborted</span>') in page
    assert '<span class="field">msgs</span>: <span class="new">+ Commit</span>' in page
    assert "✗ Consistency violated in this state: rm1 committed but rm2 aborted" in page
    assert '<p class="reason">rm1 committed but rm2 aborted</p>' in page
    assert '<span class="verdict violated">VIOLATED</span>' in page


def test_witnesses_are_folded_or_left_out(two_phase):
    assert "<details><summary>All Committed <small>(all_committed)</small> reached after " \
           "5 steps</summary>" in render_html(two_phase)
    assert "<details>" not in render_html(two_phase, witnesses=False)


def test_text_from_the_model_is_escaped(paxos_no_adopt):
    page = render_html(paxos_no_adopt)
    # Paxos prints "none" and "→" only: no markup leaks from states or actions.
    assert not re.search(r"<(?!/?(html|head|meta|title|style|body|h1|h2|p|span|section|"
                         r"details|summary|small|div|svg|defs|marker|path|rect|text|a|line|"
                         r"circle|g|table|tr|td|ul|li)\b)", page.replace("<!DOCTYPE", ""))
    assert page.count("<svg") == 1 + len(paxos_no_adopt.result.witnesses)
