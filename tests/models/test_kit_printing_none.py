"""No record prints Python's ``None``: a field holding None prints ``none``,
the word the kit prints for it everywhere (a state view's ``kv0.key =
none``, a named field's ``lagging=none``), in every report an action or a
message shows in; and a run written as the reports print it, or as they
printed it before (``lagging=None``), is still taken again."""

from __future__ import annotations

import json
from typing import NamedTuple

from checker import CheckConfig
from checker.replay import Script, matching, replay
from models.kit.records import ids, label, name_values
from models.paxos import Msg1b
from tests.spec_runs import checked_spec

Server = ids("frictions-servers", "s", first=1, named=True)
Client = ids("frictions-clients", "c", first=1, named=True)
Unnamed = ids("frictions-unnamed", "n")  # prints its elements as numbers


class Request(NamedTuple):
    src: Client
    dst: Server
    key: str
    value: int | None


class Ticked(NamedTuple):
    now: int
    lagging: Unnamed | None


name_values(Request)
name_values(Ticked)

#: the counterexample of lease-crash-failover-ttl-2s, as the text report prints it
LEASE_RUN = ("Campaign(c=0)", "GrantLease(kv=0, c=0, epoch=1, sent=0)",
             "Tick(now=1, lagging=none)", "GetLease(c=0, epoch=1, sent=0, to=0)",
             "CreateKey(kv=0, c=0, epoch=1)", "Win(c=0, epoch=1, token=1, to=0)",
             "Heartbeat(c=0)", "Tick(now=2, lagging=none)", "LeaseRunsOut(c=0)")


def test_a_field_holding_none_prints_none_in_every_kind_of_record():
    # nothing named (an unnamed id type, as the lease model's clocked candidates)
    assert repr(Ticked(1, None)) == "Ticked(now=1, lagging=none)"
    assert repr(Ticked(2, 0)) == "Ticked(now=2, lagging=0)"
    # nothing named, a value domain of numbers (Paxos's)
    assert repr(Msg1b(acc=0, bal=0, mbal=-1, mval=None)) == (
        "Msg1b(acc=0, bal=0, mbal=-1, mval=none)")
    # named ends, a field nothing names holding None; its chart label alike
    request = Request(1, 0, "x", None)
    assert repr(request) == "Request(c2→s1, key=x, value=none)"
    assert label(request) == "Request(key=x, value=none)"


def test_the_lease_models_tick_prints_none_in_every_report():
    from reports.graph import trace_graph, write_graph
    from reports.json import finding_document
    from reports.run import Checked
    from reports.summary import render_summary
    from reports.text import render_finding

    spec, model, result = checked_spec("lease-crash-failover-ttl-2s.yaml")
    (found,) = result.violations
    assert tuple(map(str, found.trace.actions)) == LEASE_RUN
    text = "\n".join(render_finding(model, found))
    assert "\n  3  Tick(now=1, lagging=none)\n" in text and "None" not in text
    document = finding_document(model, found)
    assert document["trace"][3]["action"] == {
        "name": "Tick", "args": {"now": 1, "lagging": None},
        "text": "Tick(now=1, lagging=none)"}
    summary = render_summary([Checked(str(spec.path), model, result, spec.expect)])
    assert "    Note over clock: 3 · Tick(now=1, lagging=none)<br/>now 1, c0.clock 1\n" in (
        summary)
    assert "None" not in summary
    dot = write_graph(trace_graph(model, found.trace), "dot")
    assert 'label="Tick(now=1, lagging=none)"' in dot and "None" not in dot
    assert "None" not in json.dumps([step["state"] for step in document["trace"]])


def test_a_run_written_as_printed_now_or_before_is_taken_again():
    _, model, _ = checked_spec("lease-crash-failover-ttl-2s.yaml")
    config = CheckConfig(properties=("leader_keeps_key",))
    for run in (LEASE_RUN, tuple(step.replace("=none", "=None") for step in LEASE_RUN)):
        result = replay(model, config, Script("run", run))
        assert (result.verdict, result.stats.replayed.taken) == ("violated", 9)
        assert result.stats.replayed.left is None
    (initial,) = model.initial_states()
    steps = list(model.successors(initial))
    assert matching(steps, "Campaign( c = 0 )") == [
        step for step in steps if str(step[0]) == "Campaign(c=0)"]


def test_a_log_s_event_written_as_printed_now_or_before_is_explained():
    from checker.validation import Log, explain

    _, model, _ = checked_spec("lease-crash-failover-ttl-2s.yaml")
    for tick in ("Tick(now=1, lagging=none)", "Tick(now=1, lagging=None)"):
        log = Log("log.yaml", tuple((step, {}) for step in LEASE_RUN[:2] + (tick,)), (), None)
        actions, _, left, _ = explain(model, log)
        assert (actions, left) == (LEASE_RUN[:3], None)


def test_a_recorded_state_printed_with_none_before_is_the_state_reached():
    """A JSON report written before records printed ``none`` holds
    ``mval=None`` in its messages: replayed, its states are still the ones
    reached."""
    from reports.json import trace_document

    _, model, result = checked_spec("paxos-mutant-no-adopt.yaml")
    (found,) = result.violations
    document = trace_document(model, found.trace)
    states = json.loads(json.dumps([step["state"] for step in document]).replace(
        "mval=none", "mval=None"))
    assert "mval=None" in json.dumps(states)
    actions = tuple(step["action"]["text"] for step in document[1:])
    replayed = replay(model, CheckConfig(properties=("agreement",)),
                      Script("run", actions, tuple(states)))
    assert replayed.stats.replayed.differing == 0
    assert replayed.stats.replayed.first_difference is None
    assert replayed.verdict == "violated"
