"""Sequence charts: messages joined from the model's step events, Mermaid
text pinned for a known trace, and a well-formed SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from checker.errors import ModelDefinitionError
from reports.sequence import Message, build_chart, render_mermaid, render_svg
from reports.text import conclusion
from tests.reports.two_phase import TwoPhase

SVG = "{http://www.w3.org/2000/svg}"


def chart_of(checked):
    finding = checked.result.violations[0]
    return build_chart(checked.model, finding.trace, conclusion(finding))


def test_messages_run_from_the_sending_step_to_the_receiving_step(two_phase):
    chart = chart_of(two_phase)
    assert chart.lifelines == ("rm1", "tm", "rm2")
    assert chart.messages == (
        Message("rm1", "tm", "Prepared(rm1)", sent=1, received=2),
        Message("tm", "rm1", "Commit", sent=3, received=4),
        Message("tm", "rm2", "Commit", sent=3, received=None),
    )
    assert [(row.number, row.node) for row in chart.rows] == [
        (0, None), (1, "rm1"), (2, "tm"), (3, "tm"), (4, "rm1"), (5, "rm2")]


def test_mermaid_text_of_the_pinned_two_phase_counterexample(two_phase):
    assert render_mermaid(chart_of(two_phase)) == """\
sequenceDiagram
    participant rm1
    participant tm
    participant rm2
    Note over rm1: 1 · RMPrepare(rm=0)
    Note over tm: 2 · TMRcvPrepared(rm=0)
    rm1->>tm: Prepared(rm1) (sent at step 1)
    Note over tm: 3 · TMCommit()<br/>decides commit
    tm--)rm2: Commit (not received)
    Note over rm1: 4 · RMRcvCommitMsg(rm=0)<br/>committed
    tm->>rm1: Commit (sent at step 3)
    Note over rm2: 5 · RMChooseToAbort(rm=1)<br/>aborts
    Note over rm1,rm2: ✗ Consistency violated in this state: rm1 committed but rm2<br/>aborted
"""


def test_a_model_without_step_events_gets_one_lifeline_and_a_note_per_step(die_hard):
    text = render_mermaid(chart_of(die_hard))
    lines = text.splitlines()
    # "die-hard" is no Mermaid identifier: it gets an alias.
    assert lines[:3] == ["sequenceDiagram", "    participant n1 as die-hard",
                         "    Note over n1: 1 · Fill(jug=1)"]
    assert lines[-1] == ("    Note over n1: ✗ Goal Not Reached violated in this state: "
                         "the big jug holds 4<br/>gallons")
    assert len(lines) == 2 + 6 + 1


def test_mermaid_escapes_what_would_break_a_statement():
    from reports.sequence import Chart, Row

    chart = Chart(("a", "end"), (Row(0, "initial state", None), Row(1, "Go(x<y; #1)", "a")),
                  (Message("a", "end", "m;<b>#", 1, None),))
    assert render_mermaid(chart).splitlines()[1:] == [
        "    participant a",
        "    participant n2 as end",
        "    Note over a: 1 · Go(x#lt;y#59; #35;1)",
        "    a--)n2: m#59;#lt;b#gt;#35; (not received)",
    ]


def test_a_message_in_a_set_network_received_twice_is_two_arrows_from_one_send():
    from checker.model import Received, Sent
    from checker.result import Step, Trace

    class Echo(TwoPhase):
        def step_events(self, state, action, next_state):
            return {1: [Sent("p", "q", "hello")], 2: [Received("p", "q", "hello")],
                    3: [Received("p", "q", "hello")], 4: [Received("r", "q", "old")]}[action]

    trace = Trace(tuple(Step(action, None) for action in (None, 1, 2, 3, 4)))
    chart = build_chart(Echo(), trace)
    assert chart.messages == (Message("p", "q", "hello", 1, 2), Message("p", "q", "hello", 1, 3),
                              Message("r", "q", "old", None, 4))


def test_a_message_that_does_not_say_who_sent_it_is_drawn_from_the_step_that_sent_it():
    from checker.model import Received, Sent
    from checker.result import Step, Trace

    class Anonymous(TwoPhase):  # Paxos.tla's 2a messages name no sender
        def step_events(self, state, action, next_state):
            return {1: [Sent("p1", "a1", "2a")], 2: [Sent("p2", "a1", "2a")],
                    3: [Received(None, "a1", "2a")], 4: [Received(None, "a1", "2a")],
                    5: [Received(None, "a1", "2a")], 6: [Received(None, "a2", "2a")]}[action]

    trace = Trace(tuple(Step(action, None) for action in (None, 1, 2, 3, 4, 5, 6)))
    chart = build_chart(Anonymous(), trace)
    # the oldest in flight first; received again (a message set), the first
    # sender's; none sent to a2 in the run: from the network, in the initial state
    assert chart.messages == (Message("p1", "a1", "2a", 1, 3), Message("p2", "a1", "2a", 2, 4),
                              Message("p1", "a1", "2a", 1, 5),
                              Message("network", "a2", "2a", None, 6))
    assert "network" in chart.lifelines and None not in chart.lifelines


def test_step_events_of_the_wrong_kind_are_a_model_error():
    from checker.result import Step, Trace

    class Wrong(TwoPhase):
        def step_events(self, state, action, next_state):
            return [("send", "a", "b")]

    with pytest.raises(ModelDefinitionError, match=r"Wrong.step_events returned \('send'"):
        build_chart(Wrong(), Trace((Step(None, 0), Step("x", 1))))


def test_svg_is_well_formed_with_a_lifeline_per_node_and_a_label_per_step(two_phase):
    svg = render_svg(chart_of(two_phase), anchor="step-")
    root = ET.fromstring(svg)
    texts = [node.find(f"{SVG}title").tail if node.find(f"{SVG}title") is not None
             else "".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    assert {"rm1", "tm", "rm2"} <= set(texts)
    assert [text for text in texts if text[:2].strip().isdigit()] == [
        " 0  initial state", " 1  RMPrepare(rm=0)", " 2  TMRcvPrepared(rm=0)",
        " 3  TMCommit()", " 4  RMRcvCommitMsg(rm=0)", " 5  RMChooseToAbort(rm=1)"]
    links = [node.get("href") for node in root.iter(f"{SVG}a")]
    assert links == [f"#step-{number}" for number in range(6)]
    arrows = [line for line in root.iter(f"{SVG}line") if line.get("marker-end")]
    assert len(arrows) == 3
    assert sum(line.get("stroke-dasharray") is not None for line in arrows) == 1
    assert "✗ Consistency violated in this state: rm1 committed but rm2 aborted" in texts
