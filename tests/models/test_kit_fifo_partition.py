"""Partitions on FIFO links and inboxes (`Fifo(..., partition=...)`,
`Inbox(..., partition=...)`, or a spec's ``partition:``).

Pinned on workers reporting to a sink (tests/models/kit_fifo_partition/):
its distinct states and violated invariant's shortest counterexample equal
TLC's on the hand-written `Reports.tla` next to it, for each partition
schedule (from the start or not, healing or not, one split) over FIFO
links and over an inbox (TLC 2.15, one worker: its depth counts the
initial state, one more than cmc's). The TLC runs are under ``-m slow``,
where java and the jar are. Step by step: a report sent across the
partition is lost, those queued before a split are received in order, a
drop takes the oldest under a partition. What is still refused is one
line naming what to change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, ModelDefinitionError, Param, ParamError, check
from checker.model import action_text
from checker.result import HOLDS, VIOLATED
from cmc.main import cli
from models.kit import ActorModel, Fifo, Heal, Inbox, Node, Partition, ids, on, step
from tests.models.kit_fifo_partition.reports import Reports
from tests.models.tlc_pins import figures, needs_tlc, tlc

FIXTURES = Path(__file__).parent / "kit_fifo_partition"
W0, S0 = ("workers", 0), ("sinks", 0)


def variant(network, drops: int = 1, **schedule) -> Reports:
    """`Reports` over `network`, w0 cut off from the sink on `schedule`
    (`Partition.between`'s from_start, splits, heals)."""
    cut = Partition.between([[W0], [S0]], **schedule)
    return type("Variant", (Reports,), {"network": network, "cut": cut})(drops=drops)


SENT_LOST = ["SendReport(worker=0)"]
SENT_DROPPED = ["SendReport(worker=0)", "Drop(message=Report(frm=0, to=0, seq=1))"]


# -- the figures of TLC on Reports.tla ----------------------------------------------------


@pytest.mark.parametrize("config, network, drops, schedule, expected", [
    # Split.cfg: down once, not from the start, healing; a drop (as reports.py declares)
    ("Split", Fifo(drop="drops", partition="cut"), 1,
     {"from_start": False, "splits": 1}, (361, 10, SENT_DROPPED)),
    # FromStart.cfg: down from the start, healing once, no drop: the first report lost
    ("FromStart", Fifo(partition="cut"), 0, {"from_start": True}, (78, 9, SENT_LOST)),
    # CutOff.cfg: down from the start for good
    ("CutOff", Fifo(drop="drops", partition="cut"), 1, {"heals": False}, (30, 6, SENT_LOST)),
    # InboxSplit.cfg and InboxCutOff.cfg: the sink's one inbox in place of two links
    ("InboxSplit", Inbox(drop="drops", partition="cut"), 1,
     {"from_start": False, "splits": 1}, (451, 10, SENT_DROPPED)),
    ("InboxCutOff", Inbox(partition="cut"), 0, {"heals": False}, (18, 6, SENT_LOST)),
])
def test_reports_across_a_partition_agree_with_tlc(config, network, drops, schedule, expected):
    distinct, depth, trace = expected
    assert figures(variant(network, drops, **schedule)) == (distinct, depth, {
        "in_order": (HOLDS, None), "no_report_lost": (VIOLATED, trace)})


def test_the_declared_model_is_split_cfg():
    assert figures(Reports())[:2] == (361, 10)


# -- step by step ------------------------------------------------------------------------


def walk(model: ActorModel, steps: list[str]) -> list[dict]:
    """The state views along `steps` (action texts) from the initial state."""
    state = model.initial_states()[0]
    views = [model.state_view(state)]
    for text in steps:
        found = {action_text(action): after for action, after in model.successors(state)}
        assert text in found, f"{text} not enabled; enabled: {sorted(found)}"
        state = found[text]
        views.append(model.state_view(state))
    return views


def shown(view: dict) -> tuple:
    """The network's part of a view: its queues (each ``queue: message``),
    drops left and partition."""
    queues = view.get("channels", view.get("inboxes"))
    return (list(queues), view.get("drops_left"), view.get("partition"),
            view.get("splits_left"))


FROM_W1 = "Report(frm=1, to=0, seq=1)"


@pytest.mark.parametrize("network, queued", [
    (Fifo(drop="drops", partition="cut"),  # (channels shown in order of their names)
     [f"w1→s0: {FROM_W1}", f"w0→s0: Report(frm=0, to=0, seq=2)\nw1→s0: {FROM_W1}"]),
    (Inbox(drop="drops", partition="cut"),
     [f"s0: {FROM_W1}", f"s0: {FROM_W1}, Report(frm=0, to=0, seq=2)"]),
])
def test_a_report_sent_across_the_partition_is_lost(network, queued):
    views = walk(variant(network, from_start=False, splits=1),
                 ["Split()", "SendReport(worker=0)", "SendReport(worker=1)", "Heal()",
                  "SendReport(worker=0)"])
    first, last = queued[:1], queued[1].split("\n")
    assert [shown(view) for view in views] == [
        ([], 1, "up", 1), ([], 1, "down", 0),
        ([], 1, "down", 0),  # w0's first report, lost
        (first, 1, "down", 0),  # w1's link is up
        (first, 1, "up", 0), (last, 1, "up", 0)]
    assert [view["w0.sent"] for view in views] == [0, 0, 1, 1, 1, 2]


def test_reports_queued_before_a_split_are_received_in_order():
    views = walk(variant(Fifo(drop="drops", partition="cut"), from_start=False, splits=1),
                 ["SendReport(worker=0)", "SendReport(worker=0)", "Split()",
                  "ReceiveReport(m=Report(frm=0, to=0, seq=1))",
                  "ReceiveReport(m=Report(frm=0, to=0, seq=2))"])
    both = ["w0→s0: Report(frm=0, to=0, seq=1), Report(frm=0, to=0, seq=2)"]
    assert [shown(view)[0] for view in views[2:]] == [
        both, both, ["w0→s0: Report(frm=0, to=0, seq=2)"], []]
    assert (views[-1]["s0.got"], views[-1]["s0.last"], views[-1]["s0.disorder"],
            views[-1]["partition"]) == (2, [2, 0], False, "down")


def test_a_drop_under_a_partition_takes_the_oldest():
    views = walk(variant(Fifo(drop="drops", partition="cut"), from_start=False, splits=1),
                 ["SendReport(worker=0)", "SendReport(worker=0)", "Split()",
                  "Drop(message=Report(frm=0, to=0, seq=1))",
                  "ReceiveReport(m=Report(frm=0, to=0, seq=2))"])
    assert [shown(view) for view in views[3:]] == [
        (["w0→s0: Report(frm=0, to=0, seq=1), Report(frm=0, to=0, seq=2)"], 1, "down", 0),
        (["w0→s0: Report(frm=0, to=0, seq=2)"], 0, "down", 0), ([], 0, "down", 0)]
    model = variant(Fifo(drop="drops", partition="cut"), from_start=False, splits=1)
    state = model.initial_states()[0]
    for text in ["SendReport(worker=0)", "SendReport(worker=0)", "Split()"]:
        state = {action_text(a): s for a, s in model.successors(state)}[text]
    # only the oldest of a queue may be dropped, the partition's links down or not
    assert [action_text(a) for a, _ in model.successors(state)
            if action_text(a).startswith("Drop")] == ["Drop(message=Report(frm=0, to=0, seq=1))"]


def test_cut_off_for_good_has_no_heal_and_no_split():
    model = variant(Fifo(partition="cut"), drops=0, heals=False)
    assert model.network.fault_actions == ()
    assert variant(Fifo(partition="cut"), drops=0).network.fault_actions == (Heal,)
    assert model.network.initial() == (frozenset(), 0, True, 0)
    # nor are they actions of the model, so no report says they never fired
    assert [kind.__name__ for kind in model.actions] == ["SendReport", "ReceiveReport"]
    assert check(model, CheckConfig(deadlock=False, keep_going=True)).stats.never_fired == ()
    healing = variant(Fifo(partition="cut"), drops=0)
    assert [kind.__name__ for kind in healing.actions] == ["SendReport", "ReceiveReport", "Heal"]


def test_without_a_partition_the_value_is_as_before():
    # (a FIFO model's states and their count do not move): TLC on NoPartition.cfg
    # (never down) finds 83 states, depth 9
    plain = type("Plain", (Reports,), {"network": Fifo(drop="drops")})()
    empty = type("Empty", (Reports,), {"cut": frozenset()})()  # an empty attribute: none
    for model in (plain, empty):
        assert model.network.initial() == (frozenset(), 1)
        assert "partition" not in model.state_view(model.initial_states()[0])
    assert figures(plain)[:2] == figures(empty)[:2] == (83, 8)
    assert [kind.__name__ for kind in plain.actions] == ["SendReport", "ReceiveReport", "Drop"]


def test_symmetry_keeps_apart_the_workers_the_partition_tells_apart():
    symmetric = type("Symmetric", (Reports,), {"symmetry_sets": ("workers",)})
    assert symmetric().symmetry_groups() == {"workers": [[0], [1]]}


# -- a spec's partition: ---------------------------------------------------------------


def test_a_spec_s_partition_through_cmc_check():
    result = CliRunner().invoke(cli, ["check", str(FIXTURES / "reports.yaml")])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "distinct states 361 · generated 943 · depth 10" in result.output


@pytest.mark.parametrize("network, partition, expected", [
    # InboxSplit.cfg, the spec choosing the inbox: the declared partition carried over
    ("{kind: inbox, drop: 1}", "{groups: [[w0], [s0]], from_start: false, splits: 1}",
     "distinct states 451 · generated 1,091 · depth 10"),
    # FromStart.cfg and InboxCutOff.cfg
    ("{kind: fifo, drop: 0}", "{links: [[w0, s0]]}",
     "distinct states 78 · generated 157 · depth 9"),
    ("{kind: inbox, drop: 0}", "{groups: [[w0], [s0]], heals: false}",
     "distinct states 18 · generated 31 · depth 6"),
])
def test_a_spec_s_partition_on_either_network(tmp_path, network, partition, expected):
    spec = (FIXTURES / "reports.yaml").read_text()
    spec = spec.replace("./reports.py", str(FIXTURES / "reports.py"))
    spec = re.sub(r"network: .*", f"network: {network}", spec)
    spec = re.sub(r"partition: .*", f"partition: {partition}", spec)
    spec = re.sub(r"expect: (.|\n)*", "", spec)
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    result = CliRunner().invoke(cli, ["check", str(path), "--keep-going"])
    assert result.exit_code == 1, result.output  # a report lost
    assert expected in result.output
    assert "No report lost (no_report_lost): violated" in result.output


# -- what is still refused, in one line ----------------------------------------------------

P = ids("ps", "p")


class Note(NamedTuple):
    to: P
    dst = "to"


class Tell(NamedTuple):
    node: P


class Hear(NamedTuple):
    m: Note


class Teller(Node):
    ids = P

    @step(Tell)
    def tell(self):
        return [Note(1 - self.id)]

    @on(Note, Hear)
    def hear(self, m):
        return []


def _inbox_model(network) -> type:
    return type("Tiny", (ActorModel,), {
        "name": "tiny", "params": (Param("ps", 2, "peers"),), "roles": (Teller,),
        "messages": (Note,), "network": network, "partitions": True,
        "cut": Partition.between([[("ps", 0)], [("ps", 1)]])})


def test_an_inbox_partition_needs_every_message_s_sender():
    # (an inbox without a partition needs only the receiver)
    assert _inbox_model(Inbox())().network.initial() == (frozenset(), 0)
    with pytest.raises(ModelDefinitionError) as error:
        _inbox_model(Inbox(partition="cut"))()
    assert str(error.value) == (
        "model 'tiny': a partition cuts links between a sender and a receiver; give Note "
        "fields for both and say which, as src, dst = \"frm\", \"to\"")


def test_a_spec_s_partition_on_links_declared_without_one_is_refused_in_one_line():
    model = type("Unpartitioned", (Reports,), {"network": Fifo(drop="drops")})
    with pytest.raises(ParamError) as error:
        model(partition_choice={"groups": [["w0"], ["s0"]]})
    assert str(error.value) == (
        "<spec>: partition: fifo-reports takes no partition from a spec (its network is no "
        "Bag, Fifo, Inbox or Delayed declared with partition=); remove partition:")


def test_a_bad_spec_partition_exits_2_with_one_line(tmp_path):
    spec = (FIXTURES / "reports.yaml").read_text().replace(
        "./reports.py", str(FIXTURES / "reports.py")).replace("[[w0], [s0]]", "[[w0], [s9]]")
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}:10: partition.groups[1][0]: no node 's9'; the "
                             "nodes are w0, w1, s0\n")


# -- the TLA+ module, run by TLC (where java and the jar are) -----------------------------


@pytest.mark.slow
@needs_tlc
@pytest.mark.parametrize("config, expected", [
    ("Split", (361, 11)), ("FromStart", (78, 10)), ("CutOff", (30, 7)),
    ("InboxSplit", (451, 11)), ("InboxCutOff", (18, 7)), ("NoPartition", (83, 9)),
])
def test_tlc_gives_the_figures_pinned_above(tmp_path, config, expected):
    assert tlc(tmp_path, FIXTURES, "Reports", config) == (*expected, None)  # InOrder holds
    if config == "NoPartition":
        return
    length = 1 if config in ("FromStart", "CutOff", "InboxCutOff") else 2
    assert tlc(tmp_path, FIXTURES, "Reports", f"{config}_violated")[2] == length  # NoReportLost


def test_a_spec_s_set_of_messages_for_links_with_a_partition_is_refused_in_one_line():
    # (a set has no links to cut: the model's partition would never go down)
    model = type("AlsoSet", (Reports,), {"network_choices": ("fifo", "inbox", "set")})
    assert model(network_choice={"kind": "inbox"}).network.partition is not None
    with pytest.raises(ParamError) as error:
        model(network_choice={"kind": "set"})
    assert str(error.value) == (
        "<spec>: network.kind: a set keeps every message sent, across no partition, and the "
        "model's network has one (partition='cut'); choose kind: bag, fifo or inbox")


def test_node_numbers_cut_off_where_messages_cross_sets_are_refused_in_one_line():
    # (cut off within the workers' set, {0} would leave w0's link to the sink up)
    model = type("Numbered", (Reports,), {"cut": frozenset({0})})
    with pytest.raises(ModelDefinitionError) as error:
        model()
    assert str(error.value) == (
        "model 'fifo-reports': cut gives node numbers, which cut nodes of one set from the "
        "rest of it, but messages cross sinks, workers; give a Partition naming the nodes "
        "of each side (Partition.between)")
