"""Bounded, named FIFO channels: ``Fifo(capacity=...)`` and
``Inbox(capacity=...)`` bound the messages of each queue, and a send that
would leave one over its capacity waits (SPIN's ``chan c = [N] of {...}``
with its blocking send, Murphi's Chan1[i]); a message type naming a
``channel`` has a queue of its own on its link (or in its receiver's
inbox), as German's chan1 and chan3 share the link cache -> home.

Every count is checked against `Queues`, a plain model written from those
sentences (a queue per key, a capacity a guard on each queue after the
step), and orbits against the images of its states; the refusals of bad
definitions, each one line."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import CheckConfig, Model, ModelDefinitionError, Param, check
from models.kit import ActorModel, Bag, Fifo, Inbox, Node, Partition, ids, on, step
from tests.brute_force import reachable_states
from tests.checker.test_workers import counting_forks, tiny_chunks

Peer = ids("peers", "p")


class Tally(NamedTuple):
    sent: int = 0
    got: int = 0
    acked: int = 0


class Post(NamedTuple):
    p: Peer
    to: Peer


class Defer(NamedTuple):
    at: Peer
    frm: Peer
    to: Peer
    hop: int


class Take(NamedTuple):
    at: Peer
    frm: Peer
    to: Peer
    hop: int


class Ack(NamedTuple):
    at: Peer
    frm: Peer
    to: Peer


def peers(network, named: bool = False, symmetric: bool = False) -> type:
    """Two peers, each posting pings to either (itself too: an inbox
    holds pings from both, up to ``most`` each); a ping
    of a hop below ``hops`` goes back into its own queue one hop further
    (its receipt frees the room it takes), else it is taken (up to
    ``reads``) and answered by a pong. `named`: pings travel on channel
    "ping" and pongs on "pong", two queues on the link p0 -> p1 (a pong
    answering p1's ping goes that way too)."""
    declared = network

    class Ping(NamedTuple):
        frm: Peer
        to: Peer
        hop: int

    class Pong(NamedTuple):
        frm: Peer
        to: Peer

    Ping.src = Pong.src = "frm"
    Ping.dst = Pong.dst = "to"
    if named:
        Ping.channel, Pong.channel = "ping", "pong"

    class PeerNode(Node):
        ids = Peer
        state = Tally

        @step(Post, choose="peers")
        def post(self, s, to):
            if s.sent == self.model.most:
                return None
            return s._replace(sent=s.sent + 1), [Ping(self.id, to, 0)]

        @on(Ping, Defer)
        def defer(self, s, m):
            return (s, [m._replace(hop=m.hop + 1)]) if m.hop < self.model.hops else None

        @on(Ping, Take)
        def take(self, s, m):
            if m.hop < self.model.hops or s.got == self.model.reads:
                return None
            return s._replace(got=s.got + 1), [Pong(self.id, m.frm)]

        @on(Pong, Ack)
        def ack(self, s, m):
            return s._replace(acked=s.acked + 1), []

    class Peers(ActorModel):
        name = "peers"
        params = (Param("peers", 2, "peers"), Param("most", 2, "pings per peer"),
                  Param("hops", 1, "times a ping goes back into its queue"),
                  Param("reads", 2, "pings each peer takes"),
                  Param("room", 1, "messages per queue"),
                  Param("drops", 0, "messages lost"))
        roles = (PeerNode,)
        messages = (Ping, Pong)
        cut = Partition.between([[("peers", 0)], [("peers", 1)]])
        symmetry_sets = ("peers",) if symmetric else ()
        network = declared

    return Peers


class Queues(Model):
    """`peers` written from the sentences, as TLA+ would: a queue per key
    (the link, or the receiver; then the channel if named), each a tuple
    (``Append``, ``Tail``); a step is enabled only if every queue holds at
    most ``room`` messages after it (``Len(q) < Cap`` on each send, a
    receipt from the queue first); a message sent over the cut link while
    it is down is lost (a peer's link to itself stays up); a drop removes a queue's head. A message is
    ("ping", frm, to, hop) or ("pong", frm, to)."""

    name = "queues"

    def __init__(self, inbox=False, named=False, most=2, hops=1, reads=2, room=1, drops=0,
                 down=False):
        self.inbox, self.named, self.most, self.hops = inbox, named, most, hops
        self.reads, self.room, self.drops, self.down = reads, room, drops, down
        super().__init__()

    def key(self, m):
        return ((m[2],) if self.inbox else (m[1], m[2])) + ((m[0],) if self.named else ())

    def initial_states(self):
        return [((0, 0, 0), (0, 0, 0), frozenset(), self.drops, self.down)]

    def successors(self, state):
        *records, queues, drops, down = state
        steps = []
        for n, (sent, got, acked) in enumerate(records):
            for to in (0, 1):
                if sent < self.most:
                    steps.append(self.step(state, n, (sent + 1, got, acked), None,
                                           [("ping", n, to, 0)]))
            for key, queue in sorted(queues):
                for at in self.positions(queue):
                    m = queue[at]
                    if m[2] != n:
                        continue
                    if m[0] == "ping" and m[3] < self.hops:
                        steps.append(self.step(state, n, (sent, got, acked), (key, at),
                                               [m[:3] + (m[3] + 1,)]))
                    elif m[0] == "ping" and got < self.reads:
                        steps.append(self.step(state, n, (sent, got + 1, acked), (key, at),
                                               [("pong", n, m[1])]))
                    elif m[0] == "pong":
                        steps.append(self.step(state, n, (sent, got, acked + 1), (key, at),
                                               []))
        for key, queue in sorted(queues):
            for at in self.positions(queue):
                if drops:
                    steps.append(self.step(state, None, None, (key, at), [], drops - 1))
        if down:
            steps.append((("heal",), (*records, queues, drops, False)))
        return [(action, after) for action, after in steps if after is not None]

    def positions(self, queue):
        """Where a receipt or a drop takes a message of `queue`: its head."""
        return range(1)

    def step(self, state, n, record, received, sends, drops=None):
        *records, queues, old_drops, down = state
        queues = dict(queues)
        if received is not None:  # (queue key, position)
            key, at = received
            queues[key] = queues[key][:at] + queues[key][at + 1:]
        for m in sends:
            if not down or m[1] == m[2]:  # (p0 -> p1 and p1 -> p0 are cut while down)
                queues[self.key(m)] = queues.get(self.key(m), ()) + (m,)
        if any(len(queue) > self.room for queue in queues.values()):
            return (("full",), None)
        if n is not None:
            records[n] = record
        return (("step",), (*records, frozenset((k, q) for k, q in queues.items() if q),
                            old_drops if drops is None else drops, down))

    def swapped(self, state):
        """`state` with p0 and p1 swapped (the ids in messages and keys)."""
        def message(m):
            return (m[0], 1 - m[1], 1 - m[2]) + m[3:]

        def key(k):
            return tuple(1 - part if type(part) is int else part for part in k)
        *records, queues, drops, down = state
        return (records[1], records[0],
                frozenset((key(k), tuple(map(message, q))) for k, q in queues), drops, down)


def distinct(model, **config) -> int:
    result = check(model, CheckConfig(**config))
    assert result.verdict == "holds"
    return result.stats.distinct_states


def reference(**params) -> int:
    return len(reachable_states(Queues(**params)))


@pytest.mark.parametrize("room, fifo, inbox", [(1, 801, 385), (2, 2244, 2240), (3, 2506, 4057)])
def test_a_capacity_bounds_each_queue(room, fifo, inbox):
    assert distinct(peers(Fifo(capacity="room"))(room=room)) == reference(room=room) == fifo
    assert distinct(peers(Inbox(capacity="room"))(room=room)) \
        == reference(inbox=True, room=room) == inbox


def test_without_a_capacity_the_queues_are_as_before():
    assert distinct(peers(Fifo())()) == reference(room=99) == 2554
    assert distinct(peers(Inbox())()) == reference(inbox=True, room=99) == 4825
    # a capacity given as a number, as by a parameter
    assert distinct(peers(Fifo(capacity=2))()) == 2244


def test_a_spec_choosing_fifo_links_or_inboxes_keeps_the_capacity_of_each_queue():
    class Choosing(peers(Inbox(capacity="room"))):
        network_choices = ("fifo", "inbox", "bag")

    assert distinct(Choosing(network_choice={"kind": "fifo"}, room=1)) == 801
    assert distinct(Choosing(network_choice={"kind": "inbox"}, room=2)) == 2240
    # a bag has no queue: the declared capacity of each is no bound of its
    assert distinct(Choosing(network_choice={"kind": "bag"}, room=1)) \
        == distinct(peers(Bag())(room=1))


@pytest.mark.parametrize("room, fifo, inbox", [(1, 1176, 743), (2, 1950, 2177)])
def test_named_channels_on_one_link_are_two_queues(room, fifo, inbox):
    assert distinct(peers(Fifo(capacity="room"), named=True)(room=room)) \
        == reference(named=True, room=room) == fifo
    assert distinct(peers(Inbox(capacity="room"), named=True)(room=room)) \
        == reference(inbox=True, named=True, room=room) == inbox
    # no bound: each channel in order, not the two together
    assert distinct(peers(Fifo(), named=True)()) == reference(named=True, room=99) == 1950


@pytest.mark.parametrize("room, drops, fifo, inbox", [
    (1, 1, 2069, 1931), pytest.param(2, 2, 5318, 5311, marks=pytest.mark.slow)])
def test_drops_free_room(room, drops, fifo, inbox):
    assert distinct(peers(Fifo(drop="drops", capacity="room"))(room=room, drops=drops)) \
        == reference(room=room, drops=drops) == fifo
    assert distinct(peers(Inbox(drop="drops", capacity="room"), named=True)(
        room=room, drops=drops)) == reference(inbox=True, named=True, room=room,
                                              drops=drops) == inbox


@pytest.mark.parametrize("room, fifo, inbox", [(1, 1714, 1697), (2, 3909, 3766)])
def test_a_message_lost_across_the_partition_takes_no_room(room, fifo, inbox):
    assert distinct(peers(Fifo(capacity="room", partition="cut"))(room=room)) \
        == reference(room=room, down=True) == fifo
    assert distinct(peers(Inbox(capacity="room", partition="cut"), named=True)(room=room)) \
        == reference(inbox=True, named=True, room=room, down=True) == inbox


def test_a_receipt_frees_its_place_for_a_send_into_its_own_queue():
    model = peers(Fifo(capacity="room"))(room=1)
    (start,) = model.initial_states()
    posted = dict(model.successors(start))[Post(0, 1)]
    # p0 -> p1 is full: p0 may not post to p1 again, p1 defers the ping into it
    assert sorted(map(str, dict(model.successors(posted)))) == [
        "Defer(at=1, frm=0, to=1, hop=0)", "Post(p=0, to=0)", "Post(p=1, to=0)",
        "Post(p=1, to=1)"]
    assert model.state_view(posted)["channels"] == ["p0→p1: Ping(frm=0, to=1, hop=0)"]


def test_a_channel_s_queue_is_named_after_its_link():
    model = peers(Fifo(capacity="room"), named=True)(room=1)
    (start,) = model.initial_states()
    posted = dict(model.successors(start))[Post(1, 0)]
    assert model.state_view(posted)["channels"].queues == {
        "p1→p0/ping": ("Ping(frm=1, to=0, hop=0)",)}
    inbox = peers(Inbox(capacity="room"), named=True)(room=1)
    posted = dict(inbox.successors(inbox.initial_states()[0]))[Post(1, 0)]
    assert inbox.state_view(posted)["inboxes"].queues == {"p0/ping": ("Ping(frm=1, to=0, hop=0)",)}


@pytest.mark.parametrize("network, inbox, states, orbits", [
    (Fifo(capacity="room"), False, 1176, 602), (Inbox(capacity="room"), True, 743, 383)])
def test_symmetry_renames_a_channel_s_queue(network, inbox, states, orbits):
    reference_states = reachable_states(Queues(inbox=inbox, named=True))
    images = {frozenset({state, Queues().swapped(state)}) for state in reference_states}
    assert (len(reference_states), len(images)) == (states, orbits)
    model = peers(network, named=True, symmetric=True)
    assert distinct(model(), symmetry=("peers",)) == orbits


def test_two_processes_find_what_one_does():
    model = peers(Fifo(drop="drops", capacity="room"), named=True)
    one = check(model(room=2, drops=2), CheckConfig())
    with tiny_chunks(), counting_forks() as started:
        two = check(model(room=2, drops=2), CheckConfig(workers=2))
    assert started
    assert (two.stats.distinct_states, two.stats.depth) \
        == (one.stats.distinct_states, one.stats.depth) \
        == (reference(named=True, room=2, drops=2), one.stats.depth)


# -- bad definitions ------------------------------------------------------------------------

@pytest.mark.parametrize("capacity", [0, -1, 1.5, True])
@pytest.mark.parametrize("network", [Fifo, Inbox])
def test_a_capacity_is_a_number_of_one_or_more(network, capacity):
    with pytest.raises(ValueError) as error:
        network(capacity=capacity)
    assert str(error.value) == (
        f"{network.__name__}(capacity={capacity!r}): the most messages each queue holds, a "
        "number of 1 or more or the name of a model parameter giving one; None for no bound")


def test_a_capacity_parameter_below_one_is_refused_naming_it():
    with pytest.raises(ModelDefinitionError) as error:
        peers(Fifo(capacity="room"))(room=0)
    assert str(error.value) == (
        "model 'peers': Fifo(capacity='room') is 0; a queue's capacity is a number of 1 or "
        "more (give the parameter a minimum of 1, or no capacity for no bound)")


@pytest.mark.parametrize("channel", [3, "", ("chan1",)])
def test_a_channel_is_named_by_a_string(channel):
    model = peers(Inbox(), named=True)
    model.messages[1].channel = channel
    with pytest.raises(ModelDefinitionError) as error:
        model()
    assert str(error.value) == (
        f"model 'peers': Pong.channel is {channel!r}; a channel is named by a string, as "
        "channel = \"chan1\" (or give none for the one queue of its link)")
