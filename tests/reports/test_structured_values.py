"""A JSON report's states as structured values (``values`` beside ``state``):
a record an object of its fields, ids by name, sets and bags lists, for a
script reading a counterexample; and a graph's states in DOT and GraphML as
the text report prints each field."""

from __future__ import annotations

import json
from typing import NamedTuple

import networkx as nx

import checker
from checker import Fails, Model, invariant
from models.kit.records import ids
from reports.graph import trace_graph, write_graph
from reports.json import trace_document
from reports.run import state_values
from reports.text import render_finding
from tests.spec_runs import checked_spec

Node = ids("structured-nodes", "n", first=1, named=True)


class Entry(NamedTuple):
    term: int
    value: str | None


class Append(NamedTuple):
    src: Node
    dst: Node
    entry: Entry


class LogState(NamedTuple):
    log: tuple[Entry, ...]
    sent: frozenset[Append]
    leader: Node | None


class Lead(NamedTuple):
    node: Node


class Replicating(Model):
    """A plain model (no kit) keeping the default state view: a leader
    appends an entry holding no value and sends it to the other node."""

    name = "replicating"
    summary = "a leader appends and sends one entry (a toy for structured values)"
    actions = (Lead,)

    def initial_states(self):
        return [LogState((), frozenset(), None)]

    def successors(self, state):
        if state.leader is None:
            entry = Entry(1, None)
            yield Lead(0), LogState((entry,), frozenset({Append(0, 1, entry)}), 0)

    @invariant("Nothing Sent")
    def nothing_sent(self, state):
        return not state.sent or Fails("an entry is sent")


def test_a_kit_model_s_records_are_objects_and_its_bag_a_list():
    _, model, result = checked_spec("paxos-mutant-no-adopt.yaml")
    (found,) = result.violations
    step = trace_document(model, found.trace)[5]
    assert step["action"]["text"] == "Phase1b(a=1, b=0)"
    assert step["state"]["msgs"] == [
        "Msg1a(bal=0)", "Msg1a(bal=1)", "Msg1b(acc=0, bal=0, mbal=-1, mval=none)",
        "Msg1b(acc=0, bal=1, mbal=-1, mval=none)", "Msg1b(acc=1, bal=0, mbal=-1, mval=none)"]
    assert step["values"] == {
        "a0.max_bal": 1, "a0.max_vbal": -1, "a0.max_val": None,
        "a1.max_bal": 0, "a1.max_vbal": -1, "a1.max_val": None,
        "a2.max_bal": -1, "a2.max_vbal": -1, "a2.max_val": None,
        "msgs": [{"_type": "Msg1a", "bal": 0}, {"_type": "Msg1a", "bal": 1},
                 {"_type": "Msg1b", "acc": 0, "bal": 0, "mbal": -1, "mval": None},
                 {"_type": "Msg1b", "acc": 0, "bal": 1, "mbal": -1, "mval": None},
                 {"_type": "Msg1b", "acc": 1, "bal": 0, "mbal": -1, "mval": None}]}


def test_nested_records_and_delayed_messages_are_objects_and_the_clock_numbers():
    _, model, result = checked_spec("lease-crash-failover-ttl-2s.yaml")
    (found,) = result.violations
    step = trace_document(model, found.trace)[5]
    assert step["action"]["text"] == "CreateKey(kv=0, c=0, epoch=1)"
    assert (step["state"]["kv0.key"], step["state"]["network"]) == (
        "Key(holder=0, epoch=1, token=1, created=1)",
        ["Elected(epoch=1, token=1, to=0) (due in 1)",
         "KeepAlive(c=0, epoch=1, sent=1) (due in 1)"])
    values = step["values"]
    assert list(values) == list(step["state"])
    assert {name: values[name] for name in (
            "kv0.leases", "kv0.key", "kv0.watchers", "kv0.lost_key", "now", "c0.clock",
            "network")} == {
        "kv0.leases": [{"_type": "Lease", "owner": 0, "epoch": 1, "deadline": 2}],
        "kv0.key": {"_type": "Key", "holder": 0, "epoch": 1, "token": 1, "created": 1},
        "kv0.watchers": [], "kv0.lost_key": None, "now": 1, "c0.clock": 1,
        "network": [
            {"message": {"_type": "Elected", "epoch": 1, "token": 1, "to": 0}, "due_in": 1},
            {"message": {"_type": "KeepAlive", "c": 0, "epoch": 1, "sent": 1}, "due_in": 1}]}


def test_a_plain_model_s_record_state_is_structured_by_its_types():
    model = Replicating()
    result = checker.check(model, checker.CheckConfig())
    (found,) = result.violations
    document = trace_document(model, found.trace)
    assert document[1]["state"] == {
        "log": ["Entry(term=1, value=None)"],
        "sent": ["Append(src=0, dst=1, entry=Entry(term=1, value=None))"], "leader": 0}
    assert document[1]["values"] == {
        "log": [{"_type": "Entry", "term": 1, "value": None}],
        "sent": [{"_type": "Append", "src": "n1", "dst": "n2",
                  "entry": {"_type": "Entry", "term": 1, "value": None}}],
        "leader": "n1"}
    assert document[0]["values"] == {"log": [], "sent": [], "leader": None}


def test_a_model_s_own_view_is_kept_where_it_has_no_structured_one(two_phase):
    state = two_phase.result.violations[0].trace.final
    assert state_values(two_phase.model, state) == {
        "rm1.state": "committed", "rm2.state": "aborted", "tm.state": "committed",
        "tm.prepared": ["rm1"], "msgs": ["Commit", "Prepared(rm1)"]}


def test_graphml_and_dot_hold_each_field_as_the_text_report_prints_it():
    _, model, result = checked_spec("paxos-mutant-no-adopt.yaml")
    (found,) = result.violations
    graph = trace_graph(model, found.trace)
    printed = "\n".join(render_finding(model, found))
    wanted = {"a0.max_bal": "-1", "a0.max_vbal": "-1", "a0.max_val": "none",
              "a1.max_bal": "-1", "a1.max_vbal": "-1", "a1.max_val": "none",
              "a2.max_bal": "-1", "a2.max_vbal": "-1", "a2.max_val": "none",
              "msgs": "{Msg1a(bal=0)}"}
    assert all(f"       {name} = {value}\n" in printed
               for name, value in wanted.items() if name != "msgs")
    back = nx.parse_graphml(write_graph(graph, "graphml"), force_multigraph=True)
    assert json.loads(back.nodes["1"]["state"]) == wanted
    assert "values" not in back.nodes["1"]
    dot = write_graph(graph, "dot")
    assert "values=" not in dot and '\\"a0.max_val\\": \\"none\\"' in dot
    linked = json.loads(write_graph(graph, "json"))
    assert linked["nodes"][1]["values"]["msgs"] == [{"_type": "Msg1a", "bal": 0}]
    assert linked["nodes"][1]["state"]["msgs"] == ["Msg1a(bal=0)"]


def test_a_clock_that_may_pause_gives_its_reading_and_the_pause_left():
    _, model, result = checked_spec("lease-two-believe-with-fencing.yaml")
    (found,) = result.violations
    step = trace_document(model, found.trace)[9]
    assert (step["action"]["text"], step["state"]["c0.clock"]) == (
        "Tick(now=2, lagging=none)", "2 (paused, 1 left)")
    assert {name: step["values"][name] for name in (
            "now", "c0.clock", "c1.clock", "pauses_left")} == {
        "now": 2, "c0.clock": {"reading": 2, "paused_left": 1},
        "c1.clock": {"reading": 2, "paused_left": 0}, "pauses_left": 0}
