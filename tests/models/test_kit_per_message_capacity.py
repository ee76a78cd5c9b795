"""A bag delivering message by message (``Bag(per_message=True)``) keeps
its capacity as the bag that delivers all at once does: where it waits
(``full="wait"``), a receipt that would leave more in flight is not
enabled, and a state where every step waits for room is a deadlock. It
generated such a receipt where the step changed a record (3 states past
the capacity here, no deadlock until depth 4), and counted it enabled.
Found by the kit's comparison with TLC (tests/tlc_diff), which draws no
per_message bag."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import CheckConfig, Param, check
from models.kit import ActorModel, Bag, Node, ids, on, step

S = ids("senders", "s", named=True)
E = ids("echoes", "e", named=True)


class Sent(NamedTuple):
    sent: bool = False


class Got(NamedTuple):
    got: int = 0


class Ping(NamedTuple):
    src: S
    dst: E


class Ack(NamedTuple):
    src: E
    dst: S


class Send(NamedTuple):
    node: S


class Echo(NamedTuple):
    node: E
    src: S
    dst: E


class Sender(Node):
    ids = S
    state = Sent

    @step(Send, sends=Ping)
    def send(self, s):
        """One ping to the echo."""
        if s.sent:
            return None
        return s._replace(sent=True), [Ping(self.id, 0)]


class Echoer(Node):
    ids = E
    state = Got

    @on(Ping, Echo, sends=Ack)
    def echo(self, s, m):
        """Counts the ping and acknowledges it twice."""
        return s._replace(got=s.got + 1), [Ack(self.id, m.src)] * 2



def pings(per_message: bool, full: str) -> ActorModel:
    class Pings(ActorModel):
        name = "pings"
        params = (Param("senders", 2, "senders"), Param("echoes", 1, "echoes"),
                  Param("cap", 2, "the bag's capacity"))
        roles = (Sender, Echoer)
        messages = (Ping, Ack)
        network = Bag(capacity="cap", full=full, per_message=per_message)

    return Pings()


def figures(model: ActorModel) -> tuple:
    result = check(model, CheckConfig(keep_going=True, deadlock=True))
    (deadlock,) = [o for o in result.outcomes()
                   if o.property.name == "deadlock"]
    return (result.stats.distinct_states, result.stats.depth,
            result.stats.generated_states, len(deadlock.finding.trace))


@pytest.mark.parametrize("full, expected", [
    # two pings fill the bag; the echo's two acks for one would overflow it
    ("wait", (6, 2, 7, 2)),
    # past the capacity a state is checked, not expanded (TLC's constraint)
    ("constraint", (9, 4, 13, 4)),
])
def test_a_bag_delivering_message_by_message_keeps_its_capacity_alike(full, expected):
    assert figures(pings(per_message=False, full=full)) == expected
    assert figures(pings(per_message=True, full=full)) == expected
