"""Inboxes whose receipts take a message at any position,
``Inbox(receive="any")``: Huang.tla's ``msgs[p]`` and EWD998Chan.tla's
``inbox[n]``, sequences from which ``\\E i \\in 1..Len(q)`` then
``RemoveAt(q, i)`` takes any message, a send ``Append``ing. The order is
kept (two orders of the same messages are two states, as TLC counts
them), a receipt is one step per position holding the message, a drop
loses any message at any position; capacities, named channels,
partitions, symmetry and a spec's ``network: inbox`` work as on any inbox.

Every count is checked against `Anywhere`, test_kit_channels's `Queues`
written from those sentences, and orbits against the images of its
states; and the kit's models that start with messages in flight
(`ActorModel.initial_messages`, EWD998Chan's token)."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import CheckConfig, ModelDefinitionError, Param, check
from models.kit import ActorModel, Bag, Fifo, Inbox, MessageSet, Node, ids, on, step
from models.kit.handlers import Stay
from models.kit.network import chosen
from tests.brute_force import reachable_states
from tests.models.test_kit import Data
from tests.models.test_kit_channels import Post, Queues, peers
from tests.models.test_kit_inbox import Streams


class Anywhere(Queues):
    """`Queues` whose receipts and drops take any message of a queue (an
    inbox), at any position, one step per position."""

    def positions(self, queue):
        return range(len(queue))


def counts(model, **config) -> tuple[int, int]:
    """Distinct and generated states of a kit model's check."""
    result = check(model, CheckConfig(**config))
    assert result.verdict == "holds"
    return result.stats.distinct_states, result.stats.generated_states


def reference(**params) -> tuple[int, int]:
    """`Anywhere`'s distinct states, and the steps generated from them and
    its initial state (TLC's generated count)."""
    model = Anywhere(inbox=True, **params)
    states = reachable_states(model)
    return len(states), len(model.initial_states()) + sum(len(model.successors(state))
                                                         for state in states)


@pytest.mark.parametrize("room, oldest, anywhere", [
    (1, (385, 697), (385, 697)),        # (one message an inbox: the oldest is any)
    (2, (2240, 4785), (2263, 6953)),
    pytest.param(3, (4057, 8581), (4057, 14313), marks=pytest.mark.slow)])
def test_a_receipt_takes_any_message_of_an_inbox(room, oldest, anywhere):
    assert counts(peers(Inbox(capacity="room", receive="any"))(room=room)) \
        == reference(room=room) == anywhere
    assert counts(peers(Inbox(capacity="room"))(room=room)) == oldest


def test_without_a_capacity_every_message_is_taken_from_any_position():
    # (every order of an inbox is reached by sends alone here: the states
    # are the oldest's, their steps more)
    assert counts(peers(Inbox(receive="any"))()) == reference(room=99) == (4825, 17721)
    assert counts(peers(Inbox())()) == (4825, 9721)


def test_named_channels_are_inboxes_of_their_own_each_taken_anywhere():
    assert counts(peers(Inbox(capacity="room", receive="any"), named=True)(room=2)) \
        == reference(named=True, room=2) == (2177, 7361)


@pytest.mark.parametrize("room, drops, states", [(1, 1, (1931, 6017)), (2, 2, (5311, 26213))])
def test_a_drop_loses_any_message_of_an_inbox(room, drops, states):
    assert counts(peers(Inbox(drop="drops", capacity="room", receive="any"), named=True)(
        room=room, drops=drops)) == reference(named=True, room=room, drops=drops) == states


def test_a_message_lost_across_the_partition_is_in_no_inbox():
    assert counts(peers(Inbox(capacity="room", partition="cut", receive="any"), named=True)(
        room=2)) == reference(named=True, room=2, down=True) == (3766, 12105)


def test_symmetry_renames_an_inbox_and_keeps_its_order():
    reference_states = reachable_states(Anywhere(inbox=True, room=2))
    images = {frozenset({state, Queues().swapped(state)}) for state in reference_states}
    assert (len(reference_states), len(images)) == (2263, 1154)
    model = peers(Inbox(capacity="room", receive="any"), symmetric=True)
    assert counts(model(room=2), symmetry=("peers",))[0] == 1154


class StreamsAnywhere(Streams):
    network = Inbox(drop="drops", receive="any")


def test_each_position_is_a_step_and_a_drop():
    # s1 sends, then s0, then s1 again: r0's inbox holds s1's 0, s0's 0 and
    # s1's 1; each may be received or lost, the others staying in order
    model = StreamsAnywhere(sends=2)
    state = model.initial_states()[0]
    for sender in (1, 0, 1):
        (_, state), = [s for s in model.successors(state) if str(s[0]) == f"Send(s={sender})"]
    assert model.state_view(state)["inboxes"] == [
        "r0: Data(seq=0, frm=1, to=0), Data(seq=0, frm=0, to=0), Data(seq=1, frm=1, to=0)"]
    # (read as a queue's messages are, in order)
    assert model.sent(state, Data) == [Data(0, 1, 0), Data(0, 0, 0), Data(1, 1, 0)]
    steps = [(str(action), model.state_view(after)["inboxes"])
             for action, after in model.successors(state) if not str(action).startswith("Send")]
    assert steps == [
        ("Deliver(r=0, seq=0, frm=0, to=0)",
         ["r0: Data(seq=0, frm=1, to=0), Data(seq=1, frm=1, to=0)"]),
        ("Deliver(r=0, seq=0, frm=1, to=0)",
         ["r0: Data(seq=0, frm=0, to=0), Data(seq=1, frm=1, to=0)"]),
        ("Deliver(r=0, seq=1, frm=1, to=0)",
         ["r0: Data(seq=0, frm=1, to=0), Data(seq=0, frm=0, to=0)"]),
        ("Drop(message=Data(seq=0, frm=1, to=0))",
         ["r0: Data(seq=0, frm=0, to=0), Data(seq=1, frm=1, to=0)"]),
        ("Drop(message=Data(seq=0, frm=0, to=0))",
         ["r0: Data(seq=0, frm=1, to=0), Data(seq=1, frm=1, to=0)"]),
        ("Drop(message=Data(seq=1, frm=1, to=0))",
         ["r0: Data(seq=0, frm=1, to=0), Data(seq=0, frm=0, to=0)"])]


# -- equal messages at two positions: two steps -----------------------------------------

Proc = ids("procs", "p")


class Token(NamedTuple):
    to: Proc
    dst = "to"


class Mark(NamedTuple):
    to: Proc
    dst = "to"


class Count(NamedTuple):
    sent: int = 0
    got: int = 0


class Emit(NamedTuple):
    p: Proc


class Take(NamedTuple):
    p: Proc
    to: Proc


class TakeMark(NamedTuple):
    p: Proc
    to: Proc


class Emitter(Node):
    ids, state = Proc, Count

    @step(Emit)
    def emit(self, s):
        """p0 sends a token, a mark, a token to itself."""
        if self.id != 0 or s.sent == 3:
            return None
        return s._replace(sent=s.sent + 1), [(Mark if s.sent == 1 else Token)(0)]

    @on(Token, Take)
    def take(self, s, m):
        return s._replace(got=s.got + 1), []

    @on(Mark, TakeMark)
    def take_mark(self, s, m):
        return s, []


class Twice(ActorModel):
    name = "twice"
    params = (Param("procs", 1, "processes"),)
    roles = (Emitter,)
    messages = (Token, Mark)
    network = Inbox(receive="any")


def twice_by_hand(queues: list) -> tuple[int, int]:
    """`Twice` written out: (p0's sent, each node's got, each inbox as a
    tuple of "tok" and "mark"), from each of `queues`; a receipt takes any
    position, one step each. Distinct states and steps generated."""
    initial = [(0, (0,) * len(q), q) for q in queues]
    seen, queue, generated = set(initial), list(initial), len(initial)
    for sent, got, inboxes in queue:
        after = []
        if sent < 3:
            sent_now = ("mark",) if sent == 1 else ("tok",)
            after.append((sent + 1, got, (inboxes[0] + sent_now,) + inboxes[1:]))
        for p, inbox in enumerate(inboxes):
            for i, m in enumerate(inbox):
                left = inboxes[:p] + (inbox[:i] + inbox[i + 1:],) + inboxes[p + 1:]
                after.append((sent, got[:p] + (got[p] + (m == "tok"),) + got[p + 1:], left))
        generated += len(after)
        for state in after:
            if state not in seen:
                seen.add(state)
                queue.append(state)
    return len(seen), generated


def test_equal_messages_at_two_positions_are_two_steps():
    model = Twice()
    state = model.initial_states()[0]
    for _ in range(3):
        (_, state), = [s for s in model.successors(state) if type(s[0]) is Emit]
    assert model.state_view(state)["inboxes"] == ["p0: Token(to=0), Mark(to=0), Token(to=0)"]
    # TLC's \E i: two receipts of the token, to two states; one of the mark
    assert [(str(action), model.state_view(after)["inboxes"])
            for action, after in model.successors(state)] == [
        ("Take(p=0, to=0)", ["p0: Mark(to=0), Token(to=0)"]),
        ("Take(p=0, to=0)", ["p0: Token(to=0), Mark(to=0)"]),
        ("TakeMark(p=0, to=0)", ["p0: Token(to=0), Token(to=0)"])]
    assert counts(Twice()) == twice_by_hand([((),)]) == (14, 24)


class Peek(NamedTuple):
    p: Proc
    to: Proc


class Peeker(Emitter):
    @on(Token, Peek)
    def peek(self, s, m):
        """A node counts a token it sees, leaving it where it is (at most once)."""
        return None if s.got else Stay(s._replace(got=1))


class Peeking(Twice):
    roles = (Peeker,)


def test_a_message_that_stays_is_a_step_per_position_too():
    # TLC's \E i with the sequence unchanged: two steps to one state
    model = Peeking()
    state = model.initial_states()[0]
    for _ in range(3):
        (_, state), = [s for s in model.successors(state) if type(s[0]) is Emit]
    peeks = [after for action, after in model.successors(state) if type(action) is Peek]
    assert len(peeks) == 2 and peeks[0] == peeks[1]
    assert model.state_view(peeks[0]) == {
        "p0.sent": 3, "p0.got": 1, "inboxes": ["p0: Token(to=0), Mark(to=0), Token(to=0)"]}


# -- a spec's network, refusals -----------------------------------------------------------


def test_a_spec_choosing_inboxes_keeps_where_the_declared_inbox_takes_a_message():
    assert chosen(Inbox(receive="any"), "inbox").receipt == "any"
    assert chosen(Inbox(capacity=1, receive="any"), "inbox", drop=1).receipt == "any"
    assert chosen(Inbox(), "inbox").receipt == "oldest"

    class Choosing(peers(Inbox(capacity="room", receive="any"))):
        network_choices = ("fifo", "inbox")

    assert counts(Choosing(network_choice={"kind": "inbox"}, room=2)) == (2263, 6953)
    assert counts(Choosing(network_choice={"kind": "fifo"}, room=2))[0] == 2244


def test_a_spec_chooses_where_inboxes_take_a_message_with_receive():
    # (network: {kind: inbox, receive: any}; receive: oldest on declared "any")
    assert chosen(Inbox(), "inbox", receive="any").receipt == "any"
    assert chosen(Inbox(receive="any"), "inbox", receive="oldest").receipt == "oldest"

    class Choosing(peers(Inbox(capacity="room"))):
        network_choices = ("fifo", "inbox")

    assert counts(Choosing(network_choice={"kind": "inbox", "receive": "any"},
                           room=2)) == (2263, 6953)
    assert counts(Choosing(network_choice={"kind": "inbox"}, room=2)) == (2240, 4785)


@pytest.mark.parametrize("kind, receive, message", [
    ("fifo", "any", "network.receive: receive: is an inbox's (where a receipt takes its "
                    "message); remove it or choose kind: inbox"),
    ("bag", "oldest", "network.receive: receive: is an inbox's (where a receipt takes its "
                      "message); remove it or choose kind: inbox"),
    ("inbox", "newest", "network.receive: got 'newest'; accepted: oldest (a receipt takes "
                        "the head of the receiver's inbox) or any (any position)"),
    ("inbox", True, "network.receive: got True; accepted: oldest (a receipt takes the head "
                    "of the receiver's inbox) or any (any position)"),
])
def test_a_receive_a_spec_cannot_have_is_one_line(kind, receive, message):
    from checker.errors import ParamError

    with pytest.raises(ParamError) as error:
        chosen(Inbox(), kind, receive=receive)
    assert str(error.value) == f"<spec>: {message}"


def test_a_receipt_is_taken_from_the_oldest_or_any_position():
    with pytest.raises(ValueError) as error:
        Inbox(receive="newest")
    assert str(error.value) == ('Inbox(receive=\'newest\'): where a receipt takes its '
                                'message, "oldest" (the head of the inbox) or "any" (any '
                                'position)')


@pytest.mark.parametrize("network, given, message", [
    (Inbox, {"duplicate": 1}, "Inbox(duplicate=...): an Inbox takes drop=, partition=, "
     "capacity=, receive=; a Bag duplicates messages: Bag(duplicate=...)"),
    (Inbox, {"per_message": True}, "Inbox(per_message=...): an Inbox takes drop=, "
     "partition=, capacity=, receive=; a Bag expands receipts message by message: "
     "Bag(per_message=True)"),
    (Fifo, {"receive": "any"}, "Fifo(receive=...): a Fifo takes drop=, partition=, "
     "capacity=; an Inbox receives at any position: Inbox(receive=\"any\")"),
    (MessageSet, {"drop": 1}, "MessageSet(drop=...): a MessageSet takes no argument; a "
     "MessageSet keeps every message sent; one that loses them is a Bag(copies=1, drop=...)"),
    (Bag, {"dorp": 1}, "Bag(dorp=...): a Bag takes drop=, duplicate=, capacity=, full=, "
     "per_message=, drop_action=, duplicate_action=, partition=, copies="),
])
def test_an_argument_the_network_does_not_take_names_the_one_that_does(network, given,
                                                                        message):
    with pytest.raises(ValueError) as error:
        network(**given)
    assert str(error.value) == message


def test_cmc_check_refuses_a_model_whose_inbox_duplicates_in_one_line(tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli
    (tmp_path / "m.py").write_text(
        "from models.kit import ActorModel, Inbox\n\n\n"
        "class M(ActorModel):\n    network = Inbox(duplicate=1)\n")
    spec = tmp_path / "s.yaml"
    spec.write_text("model: m.py:M\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert (result.exit_code, result.stderr) == (
        2, f"error: {spec}:1: model: importing m.py failed (line 5): ValueError: "
           "Inbox(duplicate=...): an Inbox takes drop=, partition=, capacity=, receive=; a "
           "Bag duplicates messages: Bag(duplicate=...); fix the model file\n")


# -- messages in flight at the start (EWD998Chan's token) -------------------------------


def test_a_model_may_start_with_messages_in_flight():
    class Started(Twice):
        def initial_messages(self):
            """The mark in any one inbox, a token behind it in p1's."""
            return [(Mark(0), Token(1)), (Mark(1), Token(1))]

    model = Started(procs=2)
    assert [model.state_view(state)["inboxes"] for state in model.initial_states()] == [
        ["p0: Mark(to=0)", "p1: Token(to=1)"], ["p1: Mark(to=1), Token(to=1)"]]
    assert counts(Started(procs=2)) == twice_by_hand(
        [(("mark",), ("tok",)), ((), ("mark", "tok"))]) == (78, 225)


@pytest.mark.parametrize("given, shown", [
    ([Mark(0)], "Mark(to=0)"), ((Post(0, 1),), "(Post(p=0, to=1),)"), ([[]], "[]")])
def test_messages_in_flight_at_the_start_are_a_tuple_of_the_model_s_messages(given, shown):
    class Wrong(Twice):
        def initial_messages(self):
            return given

    with pytest.raises(ModelDefinitionError) as error:
        Wrong().initial_states()
    assert str(error.value) == (
        f"model 'twice': initial_messages() gave {shown}; give a tuple of messages of the "
        "model's types (messages = ...), or a list of such tuples, one initial state each")
