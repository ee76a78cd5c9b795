"""Sequence charts of Raft counterexamples draw a message as received at the
step that acts on it, and a lifeline for every server the conclusion names,
in server order."""

from __future__ import annotations

import pytest

from reports.sequence import build_chart, render_mermaid
from reports.text import conclusion
from tests.spec_runs import checked_spec


def chart(spec: str) -> list[str]:
    _, model, result = checked_spec(spec)
    (finding,) = result.violations
    return render_mermaid(build_chart(model, finding.trace, conclusion(finding))).splitlines()


@pytest.mark.slow  # (seconds: the default suite keeps under 5 minutes)
def test_figure_8_draws_the_decisive_append_entries_as_received():
    lines = chart("raft-mutant-commit-previous-term.yaml")
    assert not [line for line in lines if "(not received)" in line]
    assert lines[-3:-1] == [
        "    Note over s1: 19 · Receive(m=AppendEntriesRequest(s3→s1, term=5, prev_log_index=0, "
        "prev_log_term=0, entries=[t3:v1], commit_index=0))<br/>log empty",
        "    s3->>s1: AppendEntriesRequest(term=5, prev_log_index=0, prev_log_term=0, "
        "entries=[t3:v1], commit_index=0) (sent at step 18)"]
    # a request acted on without leaving the bag (UpdateTerm) is received too
    assert ("    s1->>s2: AppendEntriesRequest(term=4, prev_log_index=0, prev_log_term=0, "
            "entries=[t2:v1], commit_index=0) (sent at step 1)") in lines


def test_every_server_the_conclusion_names_has_a_lifeline_in_server_order():
    assert [line for line in chart("raft-mutant-no-log-check.yaml")
            if "participant" in line] == [
        "    participant s1", "    participant s2", "    participant s3"]
    assert [line for line in chart("raft-membership-single-server-bug.yaml")
            if "participant" in line] == [
        "    participant s1", "    participant s2", "    participant s3", "    participant s4"]
