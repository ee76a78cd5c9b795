"""A network's fault whose budget parameter is 0 cannot happen in that
instance: it is none of the instance's actions (models/kit/network.py,
`Network.switched_off`), so coverage neither lists it with 0 steps nor
calls it "never fired", as a crash switched off (models/kit/crashes.py).
With a budget it is there. Reproduced on the primary-backup user trial
(``drops: 0``, ``duplicates: 0``: "never fired: Drop, Duplicate")."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import Param
from cmc.main import cli
from models.kit import ActorModel, Bag, Fifo, Node, ids, on, step

Client = ids("clients", "c", named=True)
Server = ids("servers", "s", named=True)


class Ping(NamedTuple):
    src: Client
    dst: Server


class Send(NamedTuple):
    c: Client


class Receive(NamedTuple):
    s: Server
    src: Client
    dst: Server


class Sent(NamedTuple):
    sent: bool = False


class Got(NamedTuple):
    pings: int = 0


class ClientNode(Node):
    ids = Client
    state = Sent

    @step(Send, sends=Ping)
    def send(self, s):
        """A client pings s0 once."""
        if s.sent:
            return None
        return s._replace(sent=True), [Ping(self.id, 0)]


class ServerNode(Node):
    ids = Server
    state = Got

    @on(Ping, Receive)
    def receive(self, s, m):
        """A server counts the pings it receives (a duplicate counts twice)."""
        return s._replace(pings=s.pings + 1), []


class Pings(ActorModel):
    name = "pings"
    params = (Param("clients", 1, "clients"), Param("servers", 1, "servers"),
              Param("drops", 0, "messages the network may lose"),
              Param("duplicates", 0, "messages the network may copy"))
    roles = (ClientNode, ServerNode)
    messages = (Ping,)
    network = Bag(drop="drops", duplicate="duplicates")


class FifoPings(Pings):
    name = "fifo-pings"
    network = Fifo(drop="drops")


@pytest.mark.parametrize("model, drops, duplicates, actions", [
    (Pings, 0, 0, ["Send", "Receive"]),
    (Pings, 1, 0, ["Send", "Receive", "Drop"]),
    (Pings, 0, 1, ["Send", "Receive", "Duplicate"]),
    (Pings, 1, 1, ["Send", "Receive", "Drop", "Duplicate"]),
    (FifoPings, 0, 0, ["Send", "Receive"]),
    (FifoPings, 1, 0, ["Send", "Receive", "Drop"])])
def test_the_instance_takes_the_faults_given_a_budget(model, drops, duplicates, actions):
    assert [kind.__name__ for kind in model(drops=drops, duplicates=duplicates).actions] == (
        actions)


PINGS = """
from tests.models.test_kit_frictions27_faults import Pings
"""


def run(tmp_path, drops: int, duplicates: int) -> list[str]:
    (tmp_path / "pings.py").write_text(PINGS)
    (tmp_path / "pings.yaml").write_text(
        "model: ./pings.py:Pings\n"
        f"params: {{drops: {drops}, duplicates: {duplicates}}}\n"
        "deadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "pings.yaml"), "--no-progress"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("coverage (action: steps generated, new states):")
    end = next(k for k in range(start + 1, len(lines)) if not lines[k].startswith("  "))
    return lines[start + 1:end + 1]


def test_faults_switched_off_are_not_called_never_fired(tmp_path):
    assert run(tmp_path, 0, 0) == [
        "  Send: 1 step, 1 new state", "  Receive: 1 step, 1 new state",
        "fingerprint collision probability: 0.0e+00"]


def test_a_fault_given_a_budget_is_covered_and_the_other_left_out(tmp_path):
    assert run(tmp_path, 0, 1) == [
        "  Send: 1 step, 1 new state", "  Receive: 3 steps, 3 new states",
        "  Duplicate: 1 step, 1 new state",
        "fingerprint collision probability: 0.0e+00"]
