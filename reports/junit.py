"""JUnit XML for CI systems: one test case per (spec, property).

Each spec is a ``<testsuite>`` named after its path; each property it checks
is a ``<testcase>`` (``classname`` the spec's name, ``name`` the property's).
A case fails as the spec would fail the build:

- without an ``expect:`` block, when the property is violated;
- with one, when the outcome differs from it: the expected property holds,
  or another is violated. The expected violation itself passes, its trace
  in ``<system-out>``. A spec with an expectation has one more case,
  ``expect``, failing with every mismatch (state counts, depth, ...).

A property the run did not settle (a bound stopped it, or it stopped at
the first violation of another property) is skipped, saying why. Failures
carry the text trace, so a CI system shows the counterexample in place. A
log that no run explains (verdict ``not explained``) has one more case,
``log``, failing with the event no step explains (as ``cmc check`` exits 1).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterable

from checker.result import NOT_A_RUN, NOT_EXPLAINED, NOT_SETTLED, SETTLED, VIOLATED, WITNESSED
from reports.run import Checked
from reports.text import render_finding


def render_junit(runs: Iterable[Checked]) -> str:
    """The ``<testsuites>`` document for `runs`, as text."""
    root = ET.Element("testsuites", name="cmc")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    seconds = 0.0
    for checked in runs:
        suite = _suite(checked)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key))
        seconds += checked.result.stats.seconds
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(checked: Checked) -> ET.Element:
    result, model = checked.result, checked.model
    suite = ET.Element("testsuite", name=checked.spec, time=f"{result.stats.seconds:.3f}")
    properties = ET.SubElement(suite, "properties")
    facts = [("description", checked.description)] if checked.description else []
    facts += [("model", checked.describe()), ("verdict", result.verdict),
              ("distinct_states", str(result.stats.distinct_states)),
              ("depth", str(result.stats.depth))]
    if result.stopped_by == SETTLED or result.verdict in (NOT_EXPLAINED, NOT_A_RUN):
        # (the figures are those explored till then; where a replay left the model)
        facts.append(("stopped", result.verdict_reason()))
    for name, value in facts:
        ET.SubElement(properties, "property", name=name, value=value)
    expected = getattr(checked.expect, "property", None)
    expects_violation = getattr(checked.expect, "verdict", None) == "violated"
    listed = getattr(checked.expect, "properties", None) or {}  # each one's outcome
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for outcome in checked.outcomes:
        prop, finding = outcome.property, outcome.finding
        case = ET.SubElement(suite, "testcase", classname=checked.name, name=prop.name)
        counts["tests"] += 1
        if prop.name in listed:
            wanted = named = listed[prop.name] == VIOLATED
        else:
            wanted = expects_violation and (expected == prop.name or expected is None)
            named = expected is not None
        if outcome.outcome == VIOLATED:
            report = "\n".join(render_finding(model, finding)) + "\n"
            if wanted:
                ET.SubElement(case, "system-out").text = report
            else:
                _fail(case, counts, _headline(prop.title, outcome.reason), report, "violated")
        elif outcome.outcome == NOT_SETTLED:
            ET.SubElement(case, "skipped", message=f"not settled: {outcome.reason}")
            counts["skipped"] += 1
        elif wanted and named:
            _fail(case, counts, f"{prop.title} was expected to be violated, but holds",
                  "", "holds")
        elif outcome.outcome == WITNESSED:
            ET.SubElement(case, "system-out").text = "\n".join(
                render_finding(model, finding, witness=True)) + "\n"
    if result.verdict == NOT_EXPLAINED:  # (a failure whatever the spec expects)
        case = ET.SubElement(suite, "testcase", classname=checked.name, name="log")
        counts["tests"] += 1
        _fail(case, counts, f"not explained: {result.verdict_reason()}",
              f"{result.stats.replayed.left}\n", "not explained")
    if checked.expect is not None:
        case = ET.SubElement(suite, "testcase", classname=checked.name, name="expect")
        counts["tests"] += 1
        if checked.mismatches:
            _fail(case, counts, "expectation not met: " + "; ".join(checked.mismatches),
                  "\n".join(checked.mismatches) + "\n", "expectation")
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("errors", "0")
    return suite


def _headline(title: str, reason: str | None) -> str:
    return f"{title} violated" + (f": {reason}" if reason else "")


def _fail(case: ET.Element, counts: dict[str, int], message: str, body: str,
          kind: str) -> None:
    ET.SubElement(case, "failure", message=message, type=kind).text = body
    counts["failures"] += 1
