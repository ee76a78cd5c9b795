"""A budget that is 0 in the instance (the fault is none of its actions)
is left out of the state view, and so is ``.down`` of the nodes of a role
whose crash is switched off: a counterexample of the primary-backup user
trial (crashes: 0, drops: 0, duplicates: 0) showed ``crashes_left = 0``,
``drops_left = 0``, ``duplicates_left = 0`` and ``s1.down = False`` in
every state. A budget the instance has is shown, spent or not, and a spec's
expression still reads ``.down`` of every node of a role that crashes (the
record says it, not the view)."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import Param
from cmc.main import cli
from models.kit import ActorModel, Bag, Node, ids, on_crash, on_restart, step
from tests.models.test_kit_frictions27_faults import FifoPings, Pings

Server = ids("servers", "s", named=True)


@pytest.mark.parametrize("model, drops, duplicates, view", [
    (Pings, 0, 0, {"c0.sent": False, "s0.pings": 0, "network": []}),
    (Pings, 1, 0, {"c0.sent": False, "s0.pings": 0, "network": [], "drops_left": 1}),
    (Pings, 0, 2, {"c0.sent": False, "s0.pings": 0, "network": [], "duplicates_left": 2}),
    (FifoPings, 0, 0, {"c0.sent": False, "s0.pings": 0, "channels": []}),
    (FifoPings, 1, 0, {"c0.sent": False, "s0.pings": 0, "channels": [], "drops_left": 1})])
def test_a_network_shows_the_budgets_of_the_faults_it_has(model, drops, duplicates, view):
    instance = model(drops=drops, duplicates=duplicates)
    assert instance.state_view(instance.initial_states()[0]) == view


class Count(NamedTuple):
    count: int = 0


class Crash(NamedTuple):
    server: Server


class Add(NamedTuple):
    server: Server


class Counter(Node):
    ids = Server
    state = Count

    @step(Add)
    def add(self, s):
        """A server counts to 1."""
        if s.count:
            return None
        return s._replace(count=1), []

    @on_crash(Crash, budget="crashes")
    def crash(self, s):
        """A server crashes, keeping its count."""
        return s


class Counting(ActorModel):
    name = "counting"
    params = (Param("servers", 2, "servers"), Param("crashes", 0, "crashes a run may have"))
    roles = (Counter,)
    network = Bag()


def test_a_crash_switched_off_shows_neither_down_nor_its_budget():
    model = Counting(crashes=0)
    assert model.state_view(model.initial_states()[0]) == {
        "s0.count": 0, "s1.count": 0}


def test_a_crash_the_instance_has_shows_both_spent_or_not():
    model = Counting(crashes=1)
    (initial,) = model.initial_states()
    assert model.state_view(initial) == {
        "s0.down": False, "s0.count": 0, "s1.down": False, "s1.count": 0,
        "crashes_left": 1}
    crashed = next(state for action, state in model.successors(initial)
                   if type(action) is Crash and action.server == 0)
    assert model.state_view(crashed) == {
        "s0.down": True, "s0.count": 0, "s1.down": False, "s1.count": 0,
        "crashes_left": 0}


COUNTING = """
from tests.models.test_kit_frictions27_budgets import Counting
"""


def test_an_expression_reads_down_where_the_view_leaves_it_out(tmp_path):
    (tmp_path / "counting.py").write_text(COUNTING)
    (tmp_path / "counting.yaml").write_text(
        "model: ./counting.py:Counting\n"
        "params: {crashes: 0}\n"
        "deadlock: false\n"
        "invariants:\n"
        "  none_down: \"not any(s.down for s in servers)\"\n"
        "  not_both: \"not all(s.count for s in servers)\"\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "counting.yaml"),
                                      "--no-progress", "--keep-going"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "  None down (none_down): holds" in lines
    start = lines.index("  0  initial state")
    assert lines[start:start + 7] == [
        "  0  initial state",
        "       s0.count = 0",
        "       s1.count = 0",
        "  1  Add(server=s0)",
        "       s0.count: 0 → 1",
        "  2  Add(server=s1)",
        "       s1.count: 0 → 1"]


class Restart(NamedTuple):
    server: Server


class Rebooting(Counter):
    @on_restart(Restart, budget="restarts")
    def restart(self, kept):
        """A crashed server comes back with what it kept."""
        return kept


class RestartCounting(Counting):
    name = "restart-counting"
    params = Counting.params + (Param("restarts", 1, "restarts a run may have"),)
    roles = (Rebooting,)


def test_a_restart_of_nodes_that_cannot_crash_is_none_of_the_actions():
    # crashes: 0 with restarts: 1 listed Restart "never fired": no node goes down
    assert [kind.__name__ for kind in RestartCounting(crashes=0).actions] == ["Add"]
    assert [kind.__name__ for kind in RestartCounting(crashes=1).actions] == [
        "Add", "Crash", "Restart"]
    # nor its budget shown
    model = RestartCounting(crashes=0)
    assert model.state_view(model.initial_states()[0]) == {
        "s0.count": 0, "s1.count": 0}
