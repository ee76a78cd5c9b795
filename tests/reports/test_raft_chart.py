"""Raft's counterexamples draw as message sequence charts: sends joined to
receives, role and term changes as notes."""

from __future__ import annotations

from reports.sequence import build_chart, render_mermaid
from reports.text import conclusion
from tests.spec_runs import checked_spec


def test_vote_twice_chart_joins_each_vote_request_to_its_receipt():
    _, model, result = checked_spec("raft-mutant-vote-twice.yaml")
    finding = result.violation("election_safety")
    lines = render_mermaid(build_chart(model, finding.trace, conclusion(finding))).splitlines()
    assert lines[:8] == [
        "sequenceDiagram",
        "    participant s1",
        "    participant s2",
        "    Note over s1: 1 · Timeout(i=s1)<br/>Candidate in term 2",
        "    Note over s1: 2 · RequestVote(i=s1, j=s1)",
        "    Note over s2: 3 · Timeout(i=s2)<br/>Candidate in term 2",
        "    Note over s1: 4 · Receive(m=RequestVoteRequest(s1→s1, term=2, last_log_term=0, "
        "last_log_index=0))",
        "    s1->>s1: RequestVoteRequest(term=2, last_log_term=0, last_log_index=0) "
        "(sent at step 2)",
    ]
    assert ("    s2->>s1: RequestVoteRequest(term=2, last_log_term=0, last_log_index=0) "
            "(sent at step 10)") in lines
    assert "    Note over s2: 16 · BecomeLeader(i=s2)<br/>Leader in term 2" in lines


def test_a_dropped_message_is_a_note_not_a_receipt():
    from models.raft import DropMessage, Raft, RequestVote, RequestVoteRequest

    model = Raft(servers=2)
    (state,) = model.initial_states()
    after_timeout = next(t for a, t in model.successors(state) if str(a) == "Timeout(i=s1)")
    sent = dict(model.successors(after_timeout))[RequestVote(0, 1)]
    (message,) = model.sent(sent, RequestVoteRequest)
    dropped = dict(model.successors(sent))[DropMessage(message)]
    events = model.step_events(sent, DropMessage(message), dropped)
    assert [str(e) for e in events] == [
        "Note(node='s2', text='network loses RequestVoteRequest(term=2, last_log_term=0, "
        "last_log_index=0)')"]
