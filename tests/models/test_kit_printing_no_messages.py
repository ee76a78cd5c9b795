"""A kit model with no message type shows no line of messages: ``msgs =
[]`` in every state and trace said nothing. Its network's other lines (a
partition's, a budget's) stay."""

from __future__ import annotations

from typing import NamedTuple

from click.testing import CliRunner

from checker import Fails, Param, invariant
from cmc.main import cli
from models.kit import ActorModel, Bag, Node, ids, step

Counter = ids("counters", "c")


class Count(NamedTuple):
    value: int = 0


class Tick(NamedTuple):
    c: Counter


class CounterNode(Node):
    ids, state = Counter, Count

    @step(Tick)
    def tick(self, s):
        return s._replace(value=s.value + 1) if s.value < 2 else None, []


class Counters(ActorModel):
    name = "counters"
    params = (Param("counters", 1, "counters"),)
    roles = (CounterNode,)
    messages = ()

    @invariant("Below Two")
    def below_two(self, state):
        value = self.record(state, CounterNode, 0).value
        return value < 2 or Fails(f"c0 counted to {value}")


class OnABag(Counters):
    name = "counters-on-a-bag"
    network = Bag(drop=1)


def test_a_model_without_messages_shows_no_line_of_them():
    model = Counters()
    state = model.initial_states()[0]
    assert model.state_view(state) == {"c0.value": 0}
    assert model.state_values(state) == {"c0.value": 0}
    # a bag's budget stays, the bag does not
    bag = OnABag()
    assert bag.state_view(bag.initial_states()[0]) == {"c0.value": 0, "drops_left": 1}


def test_its_trace_shows_no_line_of_messages(tmp_path):
    (tmp_path / "counters.py").write_text(open(__file__).read())
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: ./counters.py:Counters\nparams: {counters: 1}\n"
                    "expect: {verdict: violated}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 0, result.output
    assert "c0.value" in result.output and "msgs" not in result.output
    assert "c0 counted to 2" in result.output
