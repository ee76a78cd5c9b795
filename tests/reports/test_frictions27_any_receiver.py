"""A message that names no receiver, on a network where a receipt takes it
away (a bag), is for whichever one of the nodes taking its type takes it:
a sequence chart draws it once, to the node that took it, and one none
took as one message "to one of" them beside its sender, not as an arrow
to each (the primary-backup user trial's client Request was drawn as
sent to both servers, one of them "(not received)"). On a message set,
where every node may receive it, it stays an arrow to each."""

from __future__ import annotations

from typing import NamedTuple

from checker import CheckConfig, Fails, Param, check, invariant
from checker.model import Sent
from models.kit import ActorModel, Bag, MessageSet, Node, ids, on, step
from reports.sequence import Message, build_chart, render_mermaid, render_svg
from reports.text import conclusion

Client = ids("clients", "c", named=True)
Server = ids("servers", "s", named=True)


class Request(NamedTuple):
    """A client's request, for any server: it names none."""

    client: Client
    n: int


class Call(NamedTuple):
    client: Client


class ReceiveRequest(NamedTuple):
    server: Server
    client: Client
    n: int


class Calls(NamedTuple):
    called: bool = False


class Served(NamedTuple):
    served: frozenset = frozenset()


class ClientNode(Node):
    ids = Client
    state = Calls

    @step(Call, sends=Request)
    def call(self, s):
        """A client sends two requests at once."""
        if s.called:
            return None
        return s._replace(called=True), [Request(self.id, 1), Request(self.id, 2)]


class ServerNode(Node):
    ids = Server
    state = Served

    @on(Request, ReceiveRequest)
    def receive_request(self, s, m):
        return s._replace(served=s.served | {m.n}), []


class AnyServer(ActorModel):
    name = "any-server"
    params = (Param("clients", 1, "clients"), Param("servers", 2, "servers"))
    roles = (ClientNode, ServerNode)
    messages = (Request,)
    network = Bag()

    @invariant("Request 1 unserved")
    def request_1_unserved(self, state):
        """Fails once a server serves request 1 (the run to chart)."""
        servers = [r for r in state[:-1] if type(r) is Served]
        return not any(1 in r.served for r in servers) or Fails("request 1 was served")


class EveryServer(AnyServer):
    name = "every-server"
    network = MessageSet()


def chart(model):
    (finding,) = check(model, CheckConfig(deadlock=False)).violations
    return build_chart(model, finding.trace, conclusion(finding))


def test_the_kit_sends_a_request_for_one_of_the_servers():
    model = AnyServer()
    state = model.initial_states()[0]
    (action, after), = model.successors(state)
    assert model.step_events(state, action, after) == [
        Sent("c0", "s0", "Request(client=c0, n=1)", ("s1",)),
        Sent("c0", "s0", "Request(client=c0, n=2)", ("s1",))]


def test_the_chart_draws_the_receiver_that_took_it_and_one_message_for_the_other():
    drawn = chart(AnyServer())
    assert drawn.messages == (
        Message("c0", "s0", "Request(client=c0, n=1)", sent=1, received=2),
        Message("c0", "s0", "Request(client=c0, n=2)", sent=1, received=None, or_to=("s1",)))
    assert render_mermaid(drawn).splitlines()[4:] == [
        "    Note over c0: 1 · Call(client=c0)",
        "    Note over c0: Request(client=c0, n=2) to one of s0, s1 (not received)",
        "    Note over s0: 2 · ReceiveRequest(server=s0, client=c0, n=1)",
        "    c0->>s0: Request(client=c0, n=1) (sent at step 1)",
        "    Note over c0,s1: ✗ Request 1 unserved violated in this state: request 1 was<br/>"
        "served"]
    assert render_mermaid(drawn).splitlines()[1:4] == [
        "    participant c0", "    participant s0", "    participant s1"]
    svg = render_svg(drawn)
    assert "<title>Request(client=c0, n=2): c0 → one of s0, s1, sent at step 1, " \
           "not received within the trace</title>" in svg
    assert "c0 → s1" not in svg


def test_on_a_message_set_every_server_may_receive_it():
    assert chart(EveryServer()).messages == (
        Message("c0", "s0", "Request(client=c0, n=1)", sent=1, received=2),
        Message("c0", "s1", "Request(client=c0, n=1)", sent=1, received=None),
        Message("c0", "s0", "Request(client=c0, n=2)", sent=1, received=None),
        Message("c0", "s1", "Request(client=c0, n=2)", sent=1, received=None))


def test_whichever_node_takes_it_is_its_receiver_and_a_copy_is_from_the_same_send():
    from checker.model import Received
    from checker.result import Step, Trace
    from tests.reports.two_phase import TwoPhase

    class Offered(TwoPhase):
        def step_events(self, state, action, next_state):
            return {1: [Sent("c0", "s0", "m", ("s1", "s2"))], 2: [Received("c0", "s1", "m")],
                    3: [Received("c0", "s2", "m")], 4: [Received(None, "s0", "m")]}[action]

    trace = Trace(tuple(Step(action, None) for action in (None, 1, 2, 3, 4)))
    # taken by s1; a copy (the bag duplicated it) taken by s2 and s0 later
    assert build_chart(Offered(), trace).messages == (
        Message("c0", "s1", "m", 1, 2), Message("c0", "s2", "m", 1, 3),
        Message("c0", "s0", "m", 1, 4))
