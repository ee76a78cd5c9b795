"""The model kit's parts on their own: records and their derived renaming,
networks, handlers and the model built from them, and the mistakes a model
author can make (each a `ModelDefinitionError` saying what to fix)."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest

from checker import ModelDefinitionError, Param, check, invariant, transition
from checker.model import Received, Sent
from models.kit import (ActorModel, Bag, Down, Drop, Duplicate, Fifo, MessageSet, Node, ids,
                        indexed_by, of_messages, on, on_crash, on_restart, step, values)
from models.kit.records import blanked, formatted, label, printer, renamer, show, shown
from models.paxos import Msg2b, Paxos
from reports.text import state_changes
from tests.brute_force import orbit_counts_agree, reachable_states
from tests.models.test_conformance import USER_MODEL

Server = ids("servers", "s")
Value = ids("values")


class Entry(NamedTuple):
    term: int
    value: Value


class Vote(NamedTuple):
    voter: Server
    candidate: Server | None
    granted: frozenset[Server]
    log: tuple[Entry, ...]
    payload: Any
    term: int


def test_renaming_is_derived_from_the_field_types_at_any_depth():
    vote = Vote(voter=0, candidate=2, granted=frozenset({0, 1}),
                log=(Entry(1, 0), Entry(2, 1)), payload=Entry(3, 1), term=0)
    images = {"servers": (1, 2, 0), "values": (1, 0)}
    assert renamer(Vote)(vote, images) == Vote(
        voter=1, candidate=0, granted=frozenset({1, 2}), log=(Entry(1, 1), Entry(2, 0)),
        payload=Entry(3, 0), term=0)
    assert renamer(Vote)(vote._replace(candidate=None), images).candidate is None
    # only the sets named are renamed; a record without names has no renamer
    assert renamer(Vote)(vote, {"values": (1, 0)}).voter == 0
    assert renamer(NamedTuple("Plain", [("term", int)])) is None
    # blanking every name leaves what renaming cannot change
    blank = {"servers": (-1, -1, -1), "values": (-1, -1)}
    assert blanked(vote, blank) == blanked(renamer(Vote)(vote, images), blank)
    assert repr(Entry(1, 0)) == "Entry(term=1, value=0)"


def test_a_message_set_keeps_every_message_and_shares_equal_sets():
    network = MessageSet().bind(None, (Entry, Vote))
    empty = network.initial()
    one = network.send(empty, ((0, Entry(1, 0)),))
    assert one == (frozenset({Entry(1, 0)}), frozenset())
    assert network.send(one, ((0, Entry(1, 0)),)) is one  # sending again changes nothing
    assert network.send(empty, ((0, Entry(1, 0)),))[0] is one[0]  # one shared set
    assert network.receive(one, 0, Entry(1, 0)) is one


class Asked(NamedTuple):
    to: Server
    n: int
    dst = "to"


class Told(NamedTuple):  # equal to an Asked with equal fields, as tuples are
    to: Server
    n: int
    dst = "to"


def test_a_message_set_shares_each_receivers_equal_part_by_type():
    network = MessageSet().bind(None, (Asked, Told))
    first, second = (SimpleNamespace(id=node, ids=Server) for node in (0, 1))
    asked = frozenset({Asked(0, 1), Asked(1, 1)})
    more = frozenset({Asked(0, 1), Asked(1, 2)})  # the same part for server 0
    assert network.for_node(0, asked, first) == frozenset({Asked(0, 1)})
    assert network.for_node(0, more, first) is network.for_node(0, asked, first)
    assert network.for_node(0, more, second) == frozenset({Asked(1, 2)})
    # a part of Tolds is never the equal set of Askeds
    told = network.for_node(1, frozenset({Told(0, 1), Told(1, 1)}), first)
    assert told == frozenset({Asked(0, 1)}) and {type(m) for m in told} == {Told}


class Budgets:
    drops, duplicates = 1, 1


def test_a_bag_counts_copies_and_spends_its_fault_budgets():
    network = Bag(drop="drops", duplicate="duplicates").bind(Budgets(), (Entry,))
    net = network.send(network.initial(), ((0, Entry(1, 0)),))
    assert net == (frozenset({(Entry(1, 0), 1)}), (1, 1))
    faults = network.faults(net)
    assert [action for action, _ in faults] == [Drop(Entry(1, 0)), Duplicate(Entry(1, 0))]
    dropped, duplicated = (value for _, value in faults)
    assert dropped == (frozenset(), (0, 1))
    assert duplicated == (frozenset({(Entry(1, 0), 2)}), (1, 0))
    assert network.faults(duplicated) == [(Drop(Entry(1, 0)), (frozenset({(Entry(1, 0), 1)}),
                                                                (0, 0)))]
    assert network.receive(duplicated, 0, Entry(1, 0)) == (frozenset({(Entry(1, 0), 1)}), (1, 0))


# -- the model built from handlers ----------------------------------------------------


@pytest.mark.parametrize("build", [lambda: Paxos(ballots=2), lambda: USER_MODEL(rms=3)])
def test_the_compiled_successors_are_the_readable_loop(build):
    model = build()
    for state in reachable_states(model):
        assert model.successors(state) == ActorModel.successors(model, state)


def test_a_property_of_messages_is_decided_once_per_set_of_them():
    decided = []

    class CountedPaxos(Paxos):
        @invariant("Agreement")
        @of_messages(Msg2b)
        def agreement(self, two_bs):
            decided.append(two_bs)
            return Paxos.agreement(self, two_bs)

    model = CountedPaxos(ballots=2)
    states = reachable_states(model)
    assert all(model.agreement(state) for state in states)
    assert all(model.agreement(state) for state in states)  # asked again: remembered
    assert len(states) == 3921
    assert sorted(map(len, decided)) == sorted(map(len, {model.sent(state, Msg2b)
                                                         for state in states}))
    assert len(set(decided)) == len(decided) == 169


def test_a_property_of_steps_cannot_be_one_of_messages():
    class StepsOfMessages(Paxos):
        @transition("Votes only grow")
        @of_messages(Msg2b)
        def votes_grow(self, two_bs):
            return True

    with pytest.raises(ModelDefinitionError) as error:
        StepsOfMessages()
    assert str(error.value) == ("model 'paxos': votes_grow is a property of steps, not of the "
                                "messages in a state; remove @of_messages")


class Ping(NamedTuple):
    to: Server
    dst = "to"


class Pinged(NamedTuple):
    s: Server


class Pinger(Node):
    ids = Server

    @step(Pinged)
    def ping(self):
        return [Pinged(self.id)]  # not a message type of the model


class Pings(ActorModel):
    name = "pings"
    params = (Param("servers", 2, "servers"),)
    roles = (Pinger,)
    messages = (Ping,)
    symmetry_sets = ("servers",)


def test_sending_an_undeclared_message_type_is_a_definition_error():
    model = Pings()
    with pytest.raises(ModelDefinitionError) as error:
        model.successors(model.initial_states()[0])
    assert str(error.value) == ("model 'pings': Pinger.ping sent a Pinged, which is not in "
                                "the model's `messages`")


def test_a_handler_named_as_the_node_s_own_attribute_is_a_definition_error():
    class Counting(Node):
        ids = Server

        @step(Pinged)
        def count(self):  # would replace Node.count, the role's size
            return []

    class Counts(Pings):
        roles = (Counting,)

    with pytest.raises(ModelDefinitionError) as error:
        Counts()
    assert str(error.value) == ("model 'pings': Counting.count: a handler cannot be named as "
                                "the node's own 'count' (Node.count, which it would replace); "
                                "rename the handler")


class Tally(NamedTuple):
    n: int = 0
    seen: Any = ()


class Ticked(NamedTuple):
    s: Server


def _ticking(returned: Any) -> ActorModel:
    """A model of one server whose one step returns `returned(record)`."""
    class Ticker(Node):
        ids = Server
        state = Tally

        @step(Ticked)
        def tick(self, record):
            return returned(record)

    class Ticks(ActorModel):
        name = "ticks"
        params = (Param("servers", 1, "servers"),)
        roles = (Ticker,)
        messages = (Ping,)

    return Ticks()


@pytest.mark.parametrize("returned, message", [
    (lambda record: (record._replace(n=1), [], "extra"),
     "Ticker.tick returned (Tally(n=1, seen=()), [], 'extra'); return (the new record, "
     "[messages sent]), or None where the step is not enabled"),
    (lambda record: record._replace(n=1),
     "Ticker.tick returned Tally(n=1, seen=()); return (the new record, [messages sent]), or "
     "None where the step is not enabled"),
    (lambda record: (record._replace(seen=[1]), []),
     "Ticker.tick returned a record that is not hashable (unhashable type: 'list'): "
     "its field seen holds the list [1]; build records of tuples, frozensets, named tuples, "
     "ints, strings and None"),
])
def test_a_handler_returning_what_is_not_a_step_is_a_definition_error(returned, message):
    model = _ticking(returned)
    with pytest.raises(ModelDefinitionError) as error:
        model.successors(model.initial_states()[0])
    assert str(error.value) == f"model 'ticks': {message}"


def test_a_handler_that_raises_is_named_with_its_line_by_the_engine():
    def returned(record):
        return record.missing  # no such field

    with pytest.raises(ModelDefinitionError) as error:
        check(_ticking(returned))
    assert str(error.value) == (
        "model 'ticks': successors() raised AttributeError: 'Tally' object has no attribute "
        f"'missing' at {os.path.relpath(__file__)}:{returned.__code__.co_firstlineno + 1}, in "
        "returned; fix the model")


def test_a_mutant_must_override_a_node_class_or_the_model():
    with pytest.raises(ModelDefinitionError) as error:
        Pings.mutant("stray", "overrides nothing")(type("Stray", (), {}))
    assert str(error.value) == ("mutant 'stray' of 'pings': Stray must subclass Pings or one "
                                "of its node classes")


class Ponged(NamedTuple):
    s: Server
    to: Server


class Ponger(Node):
    ids = Server

    @on(Ping, Ponged)
    def pong(self, m):
        return []


def test_a_group_of_next_lists_handlers_of_one_role():
    class Mixed(Pings):
        roles = (Pinger, Ponger)
        next = ((Pinger.ping, Ponger.pong),)

    with pytest.raises(ModelDefinitionError) as error:
        Mixed()
    assert str(error.value) == "model 'pings': each group of `next` lists handlers of one role"


def test_a_handler_its_class_declares_and_next_leaves_out_is_a_definition_error():
    class Forgotten(Pings):
        roles = (Pinger, Ponger)
        next = ((Pinger.ping,),)

    with pytest.raises(ModelDefinitionError) as error:
        Forgotten()
    assert str(error.value) == (
        "model 'pings': Ponger.pong is a handler, but no group of `next` lists it, so it "
        "would never run; add Ponger.pong to a group of next, or remove its decorator")

    class Quiet(Ponger):  # inherits pong: may leave it out, as raft-kv leaves out Restart
        pass

    narrowed = type("Narrowed", (Pings,), {"roles": (Pinger, Quiet), "next": ((Pinger.ping,),)})()
    assert [kind.__name__ for kind in narrowed.actions] == ["Pinged"]


class Offer(NamedTuple):
    s: Server
    to: Server
    v: Value


class Offered(NamedTuple):
    made: tuple[Offer, ...] = ()


def _offering(choices) -> ActorModel:
    """Servers that each offer one value to one server, chosen together:
    ``\\E to \\in Server, v \\in Value : Offer(s, to, v)``."""
    class Offerer(Node):
        ids = Server
        state = Offered

        @step(Offer, choose=choices)
        def offer(self, record, to, v):
            return None if record.made else (Offered((Offer(self.id, to, v),)), [])

    class Offers(ActorModel):
        name = "offers"
        params = (Param("servers", 2, "servers"), Param("values", 2, "values"))
        roles = (Offerer,)
        messages = (Ping,)
        symmetry_sets = ("servers", "values")

    return Offers()


def _pairs(node, record):
    return [(to, v) for to in range(node.model.servers) for v in range(node.model.values)]


def test_a_step_may_choose_several_values_at_once():
    model = _offering(_pairs)
    start = model.initial_states()[0]
    assert [action for action, _ in model.successors(start)][:4] == [
        Offer(0, 0, 0), Offer(0, 0, 1), Offer(0, 1, 0), Offer(0, 1, 1)]
    # 5 records a server (none, or one of 4 offers); renamed with `to` and `v`
    assert orbit_counts_agree(lambda: _offering(_pairs), [("servers",), ("servers", "values")]
                              ) == (25, 15, 9)


def test_a_choice_of_several_values_of_another_shape_says_what_to_give():
    model = _offering(lambda node, record: range(2))
    with pytest.raises(ModelDefinitionError) as error:
        model.successors(model.initial_states()[0])
    assert str(error.value) == ("Offerer.offer chose 0, but its action Offer takes 2 values "
                                "after the node (to, v); give each choice as a tuple of as "
                                "many")


def test_mistakes_in_the_declarations_say_what_to_fix():
    class Nameless(Node):
        @step(Pinged)
        def ping(self):
            return []

    class WrongArity(Node):
        ids = Server

        @on(Ping, Pinged)  # Pinged has one field: the node; a Ping adds one
        def pong(self, m):
            return []

    class Unknown(Node):
        ids = Server

        @on(Entry, Pinged)
        def take(self, m):
            return []

    class Count(NamedTuple):
        n: int
        seen: bool

    class Counter(Node):  # starts from its record's defaults, which it has not
        ids = Server
        state = Count

        @step(Pinged)
        def ping(self, s):
            return s, []

    class Started(Counter):
        def initial(self):
            return Count(0, False)

    def error(role):
        model = type("Broken", (Pings,), {"roles": (role,)})
        with pytest.raises(ModelDefinitionError) as raised:
            model()
        return str(raised.value)

    assert error(Nameless) == ("model 'pings': node class Nameless has no id type; declare "
                               'one, as ids = models.kit.ids("servers", "s")')
    assert error(WrongArity) == ("model 'pings': the action Pinged of WrongArity.pong must "
                                 "be a named tuple of 2 fields: the node, then the "
                                 "message's fields")
    assert error(Unknown) == ("model 'pings': Unknown.take takes, reads or sends Entry, "
                              "which is not in the model's `messages`")
    assert error(Counter) == (
        "model 'pings': Counter starts from the defaults of its record Count, but n, seen "
        "have none; give Count's fields defaults (n: int = 0), or define "
        "Counter.initial(self) returning the first record")
    started = type("Started", (Pings,), {"roles": (Started,)})()
    assert started.initial_states()[0][0] == Count(0, False)


def test_a_field_renaming_could_not_read_is_a_definition_error():
    # ids are ints: renaming picks a union's option by the value's type, so
    # of Server | Value it would rename by the first and never the second
    class Either(NamedTuple):
        holder: Server | Value | None = None

    class Holding(Node):
        ids = Server
        state = Either

        @step(Pinged)
        def ping(self, record):
            return record, []

    model = type("Holds", (Pings,), {"roles": (Holding,)})
    with pytest.raises(ModelDefinitionError) as raised:
        model()
    assert str(raised.value) == (
        "model 'pings': Either.holder is typed ids('servers') | ids('values') | None (a union whose "
        "options' values look alike; an element of any of these sets is typed "
        "either(ids('servers'), ids('values')), its values tagged with their set): renaming picks a union's option by the value's type, "
        "and ids are ints; hold one id type in the field, or tell the options apart with a "
        "record of each")


# -- FIFO channels ----------------------------------------------------------------------

Sender = ids("senders", "s")
Receiver = ids("receivers", "r")


class Data(NamedTuple):
    seq: int
    frm: Sender
    to: Receiver
    src, dst = "frm", "to"


class Next(NamedTuple):
    next: int = 0


class Expected(NamedTuple):
    expected: int = 0
    reordered: bool = False


class Send(NamedTuple):
    s: Sender


class Deliver(NamedTuple):
    r: Receiver
    seq: int
    frm: Sender
    to: Receiver


class SenderNode(Node):
    ids, state, count = Sender, Next, 1

    @step(Send)
    def send(self, s):
        if s.next < self.model.sends:
            return s._replace(next=s.next + 1), [Data(s.next, self.id, 0)]
        return None


class ReceiverNode(Node):
    ids, state, count = Receiver, Expected, 1

    @on(Data, Deliver)
    def deliver(self, s, m):
        return Expected(m.seq + 1, s.reordered or m.seq < s.expected), []


class Stream(ActorModel):
    name = "stream"
    params = (Param("sends", 3, "messages sent"), Param("drops", 1, "messages lost"))
    roles = (SenderNode, ReceiverNode)
    messages = (Data,)
    network = Fifo(drop="drops")

    @invariant("No reordering")
    def in_order(self, state):
        return not self.record(state, ReceiverNode, 0).reordered


class UnorderedStream(Stream):
    network = Bag(drop="drops")


def stream_by_hand(sends: int, drops: int) -> tuple[int, int]:
    """States and depth of the same stream written out by hand: (sent,
    queue, expected, reordered, drops left)."""
    initial = (0, (), 0, False, drops)
    depth = {initial: 0}
    queue = [initial]
    for n, q, expected, reordered, left in queue:
        after = [(n + 1, q + (n,), expected, reordered, left)] if n < sends else []
        if q:
            after.append((n, q[1:], q[0] + 1, reordered or q[0] < expected, left))
            if left:
                after.append((n, q[1:], expected, reordered, left - 1))
        for t in after:
            if t not in depth:
                depth[t] = depth[n, q, expected, reordered, left] + 1
                queue.append(t)
    return len(depth), max(depth.values())


class Acked(NamedTuple):
    frm: Sender
    to: Receiver
    src, dst = "frm", "to"


class Rel(NamedTuple):  # equal to an Acked with equal fields, as tuples are
    frm: Sender
    to: Receiver
    src, dst = "frm", "to"


class SendAcked(NamedTuple):
    s: Sender


class SendRel(NamedTuple):
    s: Sender


class GetRel(NamedTuple):
    r: Receiver
    frm: Sender
    to: Receiver


class OnceSender(Node):
    ids, state, count = Sender, Next, 1

    @step(SendAcked)
    def send_acked(self, s):
        return None if s.next else (Next(1), [Acked(self.id, 0)])

    @step(SendRel)
    def send_rel(self, s):
        return None if s.next else (Next(1), [Rel(self.id, 0)])


class RelReceiver(Node):
    ids, state, count = Receiver, Expected, 1

    @on(Rel, GetRel)
    def get_rel(self, s, m):
        return s._replace(expected=1), []


class AckOrRel(ActorModel):
    name = "ack-or-rel"
    roles = (OnceSender, RelReceiver)
    messages = (Acked, Rel)
    network = Fifo()


def test_fifo_channels_keep_apart_message_types_with_equal_fields():
    # An Acked on the channel is not a Rel: start, Acked sent, Rel sent, Rel
    # received (LamportMutex.tla's ack and release from p to q; the channel
    # once held bare tuples, and the two states with either were one)
    model = AckOrRel()
    assert len(reachable_states(model)) == 4
    assert check(model).stats.distinct_states == 4


class Heard(NamedTuple):
    last: Any = None  # the last message heard, of either type


class GetAcked(NamedTuple):
    r: Receiver
    frm: Sender
    to: Receiver


class Remembering(Node):
    ids, state, count = Receiver, Heard, 1

    @on(Acked, GetAcked)
    def get_acked(self, s, m):
        return Heard(m), []

    @on(Rel, GetRel)
    def get_rel(self, s, m):
        return Heard(m), []


class Remembered(AckOrRel):
    name = "remembered"
    roles = (OnceSender, Remembering)
    network = Bag()


def test_records_holding_equal_records_of_two_types_are_refused():
    # Heard(Acked(s1, r1)) == Heard(Rel(s1, r1)) as tuples: interned as one,
    # the state that heard a Rel would be the one that heard an Acked
    with pytest.raises(ModelDefinitionError) as error:
        check(Remembered())
    assert str(error.value) == (
        "model 'remembered': Heard(last=Rel(frm=0, to=0)) and Heard(last=Acked(frm=0, "
        "to=0)) are equal, as Python compares records (named tuples) of two types with "
        "equal fields, so the checker would take states holding one for states holding "
        "the other; give the types fields that tell them apart (a kind field, as TLA+ "
        "records carry type) or hold them in fields of their own")


class Greeting(NamedTuple):  # its ends are its fields named src and dst
    src: Sender
    dst: Receiver


class SayHello(NamedTuple):
    s: Sender


class HearHello(NamedTuple):
    r: Receiver
    src: Sender
    dst: Receiver


class Greeter(Node):
    ids, state, count = Sender, Next, 1

    @step(SayHello)
    def hello(self, s):
        return None if s.next else (Next(1), [Greeting(self.id, 0)])


class Listener(Node):
    ids, state, count = Receiver, Expected, 1

    @on(Greeting, HearHello)
    def hear(self, s, m):
        return s._replace(expected=1), []


@pytest.mark.parametrize("network", [Fifo(), Bag()])
def test_a_message_s_fields_named_src_and_dst_are_its_ends(network):
    # (the class attributes src, dst = "src", "dst" would be the fields'
    # defaults: Python refuses the fields after them)
    model = type("Hellos", (ActorModel,), {"name": "hellos", "roles": (Greeter, Listener),
                                           "messages": (Greeting,), "network": network})()
    result = check(model)
    assert result.stats.distinct_states == 3
    start = model.initial_states()[0]
    action, after = model.successors(start)[0]
    [sent] = model.step_events(start, action, after)
    assert (sent.src, sent.dst) == ("s0", "r0")


def test_fifo_channels_deliver_in_order_even_when_lossy():
    result = check(Stream())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (19, 6) == stream_by_hand(3, 1)
    assert check(Stream(sends=4, drops=2)).stats.distinct_states == stream_by_hand(4, 2)[0]
    assert result.stats.actions == {"Send": 10, "Deliver": 10, "Drop": 6}
    model = Stream(drops=0)
    s = model.initial_states()[0]
    for _ in range(2):
        (_, s), = [step for step in model.successors(s) if type(step[0]) is Send]
    assert model.state_view(s)["channels"] == [
        "s0→r0: Data(seq=0, frm=0, to=0), Data(seq=1, frm=0, to=0)"]
    # only the oldest message of the link can be received
    assert [action for action, _ in model.successors(s)] == [Send(0), Deliver(0, 0, 0, 0)]


def test_a_bag_reorders_what_a_fifo_channel_keeps_in_order():
    result = check(UnorderedStream(drops=0))
    assert "\n".join(map(str, result.violation("in_order").trace.actions)) == "\n".join([
        "Send(s=0)", "Send(s=0)", "Deliver(r=0, seq=1, frm=0, to=0)",
        "Deliver(r=0, seq=0, frm=0, to=0)"])


def test_fifo_channels_need_both_ends_of_every_message():
    class PingsOverFifo(Pings):
        network = Fifo()

    with pytest.raises(ModelDefinitionError) as error:
        PingsOverFifo()
    assert str(error.value) == (
        "model 'pings': on FIFO channels every message names its sender and receiver; give "
        'Ping fields for both and say which, as src, dst = "frm", "to"')


class ManySenders(SenderNode):
    count = None  # as many as the `senders` parameter


class Streams(Stream):
    params = Stream.params + (Param("senders", 2, "senders"),)
    roles = (ManySenders, ReceiverNode)
    symmetry_sets = ("senders",)


@pytest.mark.parametrize("params, counts", [
    (dict(sends=2, drops=1, senders=2), (78, 44)),
    (dict(sends=2, drops=0, senders=3), (270, 67)),
])
def test_fifo_links_are_renamed_with_their_ends(params, counts):
    # (reachable states, orbits under renaming senders), each checked
    # against brute force by orbit_counts_agree
    assert orbit_counts_agree(lambda: Streams(**params), [("senders",)]) == counts


# -- crashes and restarts ------------------------------------------------------------

Proc = ids("procs", "p")


class Counter(NamedTuple):
    value: int = 0
    saved: int = 0   # on stable storage


class Tick(NamedTuple):
    p: Proc


class Save(NamedTuple):
    p: Proc


class Crash(NamedTuple):
    p: Proc


class Reboot(NamedTuple):
    p: Proc


class Process(Node):
    ids = Proc
    state = Counter

    @step(Tick)
    def tick(self, s):
        return (s._replace(value=s.value + 1), []) if s.value < 2 else None

    @step(Save)
    def save(self, s):
        return (s._replace(saved=s.value), []) if s.saved != s.value else None

    @on_crash(Crash, budget="crashes")
    def crash(self, s):
        return s.saved  # only stable storage survives

    @on_restart(Reboot, budget="restarts")
    def restart(self, saved):
        return Counter(saved, saved)


class Crashing(ActorModel):
    name = "crashing"
    params = (Param("procs", 2, "processes"), Param("crashes", 1, "crashes in a run"),
              Param("restarts", 1, "restarts in a run"))
    roles = (Process,)
    network = MessageSet()
    symmetry_sets = ("procs",)


def take(model, state, action):
    """The step `action` from `state` (by type too: the actions here are equal tuples)."""
    return next(t for a, t in model.successors(state) if type(a) is type(action) and a == action)


def test_a_crashed_node_takes_no_step_until_it_restarts_within_the_budgets():
    model = Crashing(procs=1)
    (initial,) = model.initial_states()
    assert initial == (Counter(0, 0), (1, 1), ())  # records, budgets left, the network
    state = take(model, initial, Tick(0))
    state = take(model, state, Save(0))
    state = take(model, state, Tick(0))
    assert state[0] == Counter(2, 1)
    down = take(model, state, Crash(0))
    assert down == (Down(1), (0, 1), ())
    assert model.successors(down) == [(Reboot(0), (Counter(1, 1), (0, 0), ()))]
    assert model.state_view(down) == {"p0.down": True, "p0.kept": 1, "crashes_left": 0,
                                      "restarts_left": 1}
    from checker.model import Note
    assert model.step_events(state, Crash(0), down) == [Note("p0", "crashes")]
    # (value, saved) for 0 <= saved <= value <= 2, each with both budgets;
    # Down(saved) with the restart left; and back up with both spent
    result = check(model)
    # deepest: Tick, Save, Crash, Reboot, Tick to (2, 1) with both spent
    assert (result.stats.distinct_states, result.stats.depth) == (6 + 3 + 6, 5)
    assert result.stats.actions["Reboot"] == 3


def test_a_restart_alone_is_a_crash_and_restart_in_one_step():
    class Forgetful(Node):
        ids = Proc
        state = Counter
        tick, save = Process.tick, Process.save

        @on_restart(Reboot, budget="restarts")  # no crash handler: crash and restart at once
        def restart(self, s):
            return Counter(s.saved, s.saved)

    class OneStep(ActorModel):
        name = "one-step"
        params = (Param("procs", 1, "processes"), Param("restarts", 1, "restarts"))
        roles = (Forgetful,)
        network = MessageSet()

    model = OneStep()
    state = take(model, model.initial_states()[0], Tick(0))
    assert take(model, state, Reboot(0)) == (Counter(0, 0), (0,), ())
    assert check(model).stats.distinct_states == 6 + 6


def test_crashes_and_restarts_keep_symmetry_derived():
    # 6**3 states up with both budgets, 3 * 3 * 6**2 with one process down,
    # 6**3 up again with both spent
    assert orbit_counts_agree(lambda: Crashing(procs=3), [("procs",)]) == (756, 175)


def test_a_node_with_no_restart_handler_crashes_for_good():
    # crash-stop (chain replication, fail-stop Paxos): a node down stays
    # down and takes no step; before, a crash without a restart was refused
    class FailStop(Node):
        ids = Proc
        state = Counter

        @step(Tick)
        def tick(self, s):
            return (s._replace(value=s.value + 1), []) if s.value < 2 else None

        @on_crash(Crash, budget="crashes")
        def crash(self, s):
            return s

    class NoWayBack(ActorModel):
        name = "no-way-back"
        params = (Param("procs", 1, "processes"), Param("crashes", 1, "crashes"))
        roles = (FailStop,)
        network = MessageSet()

    model = NoWayBack()
    # values 0..2 up with the crash left, and each of them down for good
    assert check(model).stats.distinct_states == 3 + 3
    down = take(model, model.initial_states()[0], Crash(0))
    assert type(down[0]).__name__ == "Down" and list(model.successors(down)) == []


def test_crash_and_restart_mistakes_say_the_fix():

    class NoBudget(ActorModel):
        name = "no-budget"
        params = (Param("procs", 1, "processes"),)
        roles = (Process,)

    with pytest.raises(ModelDefinitionError) as error:
        NoBudget()
    assert str(error.value) == (
        "model 'no-budget': Process.crash takes its steps within the budget 'crashes', "
        "which is not a parameter of the model; add Param('crashes', ...) to its params")

    class Amnesiac(Process):  # nothing survives its crash: None, which a restart cannot be
        def crash(self, s):
            return None

        def restart(self, saved):
            return saved

    model = type("Amnesia", (Crashing,), {"roles": (Amnesiac,)})(procs=1)
    (initial,) = model.initial_states()
    down = take(model, initial, Crash(0))
    assert down[0] == Down(None)
    with pytest.raises(ModelDefinitionError) as error:
        model.successors(down)
    assert str(error.value) == (
        "model 'crashing': Amnesiac.restart restarts the node with None; a restart handler "
        "returns the record the node restarts with (a restart takes no guard: its budget alone "
        "bounds it)")


# -- named values ---------------------------------------------------------------------------

Ballot = values("", none=-1)
Proposal = values("v", none=-1)


class Promise(NamedTuple):
    voter: Server
    ballot: Ballot
    proposal: Proposal
    votes: frozenset[tuple[int, Proposal]]
    last: Proposal | None = None


class Accepted(NamedTuple):
    promise: Promise
    plain: int = -1


class OwnRepr(NamedTuple):
    proposal: Proposal

    def __repr__(self) -> str:
        return "mine"


class Voter(Node):
    ids = Server
    state = Promise

    def initial(self) -> Promise:
        return Promise(self.id, -1, -1, frozenset())

    @on(Accepted, NamedTuple("Take", [("s", Server), ("promise", Promise), ("plain", int)]))
    def take(self, s, m):
        return None

    @on(OwnRepr, NamedTuple("TakeOwn", [("s", Server), ("proposal", int)]))
    def own(self, s, m):
        return None


class Voting(ActorModel):
    name = "voting"
    params = (Param("servers", 2, "servers"),)
    roles = (Voter,)
    messages = (Accepted, OwnRepr)


def test_values_of_a_named_domain_print_by_name_at_any_depth():
    # declared by type alone; values stay plain ints
    promise = Promise(0, 2, 1, frozenset({(2, 1), (0, 0)}))
    assert promise == (0, 2, 1, frozenset({(2, 1), (0, 0)}), None)
    # (a field at its default, last=None, is left out)
    assert repr(promise) == "Promise(voter=0, ballot=2, proposal=v1, votes={(0, v0), (2, v1)})"
    assert repr(Promise(1, -1, -1, frozenset(), -1)) == (
        "Promise(voter=1, ballot=none, proposal=none, votes={}, last=none)")
    # a record holding one prints it so; a record writing its own repr keeps it
    assert str(Accepted(Promise(0, 0, 0, frozenset()), 3)) == (
        "Accepted(promise=Promise(voter=0, ballot=0, proposal=v0, votes={}), plain=3)")
    assert repr(OwnRepr(0)) == "mine"
    # reports show them by name, numbers staying numbers (JSON too)
    model = Voting()
    (state,) = model.initial_states()
    view = model.state_view(state)
    assert {k: v for k, v in view.items() if k.startswith("s1.")} == {
        "s1.voter": 1, "s1.ballot": "none", "s1.proposal": "none", "s1.votes": [],
        "s1.last": None}
    assert view_of(model, Promise(1, 3, 0, frozenset({(3, 0)}))) == {
        "s1.voter": 1, "s1.ballot": 3, "s1.proposal": "v0", "s1.votes": [[3, "v0"]],
        "s1.last": None}


Peer = ids("peers", "n", first=1, named=True)
Command = values(name=lambda value: "noop" if value == 0 else f"c{value}")
LogEntry = formatted("t{}:{}", int, Command)


class Append(NamedTuple):
    frm: Peer
    to: Peer
    term: int
    entries: tuple[LogEntry, ...]
    voters: frozenset[Peer] = frozenset()
    retry: bool = False
    src, dst = "frm", "to"


class Ack(NamedTuple):  # a receiver only: no arrow
    frm: Peer
    ok: bool
    src = "frm"


def test_records_print_from_their_declarations():
    """Named ids by name, a naming function, formatted tuples, the sender
    and receiver as an arrow, defaults left out; labels without the arrow."""
    message = Append(0, 2, 3, ((1, 0), (3, 7)), frozenset({2, 0}), True)
    assert show(message) == ("Append(n1→n3, term=3, entries=[t1:noop, t3:c7], voters={n1, n3}, "
                             "retry=True)")
    assert label(message) == "Append(term=3, entries=[t1:noop, t3:c7], voters={n1, n3}, retry=True)"
    assert show(Append(1, 0, 1, ())) == "Append(n2→n1, term=1, entries=[])"
    assert show(Ack(1, False)) == label(Ack(1, False)) == "Ack(frm=n2, ok=False)"
    assert printer(Peer | None)(None) == "none" and printer(LogEntry)((2, 0)) == "t2:noop"
    # renaming is the types' as before: the formatted entry holds no node
    assert renamer(Append)(message, {"peers": (1, 2, 0)}) == (1, 0, 3, message[3],
                                                              frozenset({1, 0}), True)
    # a record the kit does not print labels as it prints itself
    assert label(OwnRepr(0)) == "mine"


# -- receipts: a node's action of receiving a message prints with the message's arrow -------

Caller = ids("callers", "c", first=1, named=True)


class Propose(NamedTuple):
    frm: Peer
    to: Peer
    term: int
    retry: bool = False
    src, dst = "frm", "to"


class Ring(NamedTuple):  # from a caller to a peer, run by a node of another set
    caller: Caller
    to: Peer
    src, dst = "caller", "to"


class Hello(NamedTuple):  # names no receiver: no arrow
    frm: Peer
    src = "frm"


class ReceivePropose(NamedTuple):
    at: Peer
    frm: Peer
    to: Peer
    term: int
    retry: bool = False


class AnswerRing(NamedTuple):
    at: Caller
    caller: Caller
    to: Peer


class ReceiveHello(NamedTuple):
    at: Peer
    frm: Peer


class Call(NamedTuple):
    caller: Caller
    op: str
    arg: int | None
    peer: Peer

    @staticmethod
    def text(caller, op, arg, peer) -> str:
        return f"{caller} {op}{'' if arg is None else f' {arg}'} at {peer}"


class Dialled(NamedTuple):
    caller: Caller
    call: Call

    @staticmethod
    def text(caller, call) -> str:
        return f"{call.caller}: {call.op}() to {call.peer}"


class Proposer(Node):
    ids = Peer
    state = None

    @on(Propose, ReceivePropose)
    def receive_propose(self, m):
        return []

    @on(Hello, ReceiveHello)
    def receive_hello(self, m):
        return []


class Phone(Node):
    ids = Caller
    state = None

    @on(Ring, AnswerRing)  # every caller takes a ring to a peer (a set other than its own)
    def answer(self, m):
        return []


class Proposing(ActorModel):
    name = "proposing"
    params = (Param("peers", 3, "peers"), Param("callers", 1, "callers"))
    roles = (Proposer, Phone)
    messages = (Propose, Ring, Hello)


def test_a_receipt_prints_the_messages_arrow_and_not_its_node_again():
    """``@on(Propose, ReceivePropose)`` declares ReceivePropose the node,
    then Propose's fields: it prints Propose's arrow, the node (the message's
    receiver) once, defaults left out; its chart label leaves the arrow to
    the chart. A receiver of another set than the node's leaves the node
    printed; a message with no receiver, no arrow."""
    assert Proposing.actions[:3] == (ReceivePropose, ReceiveHello, AnswerRing)
    assert str(ReceivePropose(2, 0, 2, 3)) == "ReceivePropose(n1→n3, term=3)"
    assert str(ReceivePropose(2, 0, 2, 3, True)) == "ReceivePropose(n1→n3, term=3, retry=True)"
    assert label(ReceivePropose(2, 0, 2, 3)) == "ReceivePropose(term=3)"
    # the ring's receiver is a peer: the caller that answers it is printed
    assert str(AnswerRing(0, 0, 1)) == "AnswerRing(c1→n2, at=c1)"
    assert str(ReceiveHello(1, 0)) == "ReceiveHello(at=n2, frm=n1)"
    # the messages themselves print as before
    assert str(Propose(0, 2, 3)) == "Propose(n1→n3, term=3)"


def test_a_record_declaring_text_arranges_its_fields_printed_by_type():
    """A ``text`` function gets each field as it prints (named ids by name,
    None as None, a nested record as its fields so given) and gives what
    goes between the parentheses, wherever the record is printed."""
    assert show(Call(0, "ring", 2, 1)) == "Call(c1 ring 2 at n2)"
    assert show(Call(0, "hang", None, 0)) == "Call(c1 hang at n1)"
    assert show(Dialled(0, Call(1, "ring", None, 2))) == "Dialled(c2: ring() to n3)"
    assert label(Dialled(0, Call(1, "ring", None, 2))) == "Dialled(c2: ring() to n3)"
    # renaming is still the types'
    assert renamer(Call)(Call(0, "ring", 2, 1), {"peers": (2, 0, 1)}) == (0, "ring", 2, 0)


def test_no_record_of_a_bundled_model_prints_by_hand():
    """Every record type in models/ prints from its declarations: none
    writes its own ``__str__`` or ``__repr__`` (named tuples' own repr, or
    the kit's `show`, only)."""
    import importlib
    import inspect
    import pkgutil

    import models
    from models.kit.records import _GENERIC_REPR, is_record_type

    modules = [importlib.import_module(info.name)
               for info in pkgutil.walk_packages(models.__path__, "models.")]
    records = {kind for module in modules for _, kind in inspect.getmembers(module, inspect.isclass)
               if is_record_type(kind) and kind.__module__.startswith("models.")}
    assert len(records) > 50
    by_hand = sorted(
        kind.__qualname__ for kind in records
        if "__str__" in vars(kind) or vars(kind).get("__repr__") not in (show, None) and getattr(
            vars(kind)["__repr__"], "__code__", None) is not _GENERIC_REPR.__code__)
    assert by_hand == []


def view_of(model, promise):
    (state,) = model.initial_states()
    state = state[:1] + (promise,) + state[2:]
    return {k: v for k, v in model.state_view(state).items() if k.startswith("s1.")}


# -- one whole-message action for several message types ------------------------------------


class Ask(NamedTuple):
    frm: Server
    to: Server
    src, dst = "frm", "to"


class Answer(NamedTuple):
    frm: Server
    to: Server
    src, dst = "frm", "to"


class Receive(NamedTuple):
    m: Any


class Start(NamedTuple):
    s: Server


class Asker(Node):
    ids = Server
    state = bool  # answered

    def initial(self) -> bool:
        return False

    @step(Start)
    def start(self, done):
        return None if done or self.id else (done, [Ask(self.id, 1)])

    @on(Ask, Receive)
    def handle_ask(self, done, m):
        return done, [Answer(self.id, m.frm)]

    @on(Answer, Receive)
    def handle_answer(self, done, m):
        return True, []


class AskOnce(ActorModel):
    name = "ask-once"
    params = (Param("servers", 2, "servers"),)
    roles = (Asker,)
    messages = (Ask, Answer)


def test_a_shared_receive_action_charts_the_handler_of_its_message_type():
    """Receive(m) serves both message types: the chart follows m's handler
    (an answer received sends nothing)."""
    model = AskOnce()
    (state,) = model.initial_states()
    ((_, asked),) = model.successors(state)
    ((receive, answered),) = [(a, s) for a, s in model.successors(asked) if type(a) is Receive]
    assert str(model.step_events(asked, receive, answered)) == str([
        Received("s0", "s1", "Ask(frm=0, to=1)"), Sent("s1", "s0", "Answer(frm=1, to=0)")])
    ((receive, done),) = [(a, s) for a, s in model.successors(answered) if type(a) is Receive]
    assert model.step_events(answered, receive, done) == [
        Received("s1", "s0", "Answer(frm=1, to=0)")]


def test_memo_tables_are_halved_while_processes_share_a_search():
    from models.kit import memo

    table = memo.Memo(lambda key: key, limit=4)
    try:
        memo.share(3)
        for key in range(3):
            table[key]
        assert (table.restarts, len(table)) == (1, 1)  # a generation of 2
    finally:
        memo.share(1)
    for key in range(3, 6):
        table[key]
    assert (table.restarts, len(table)) == (1, 4)  # full again at 4


def test_a_full_memo_table_keeps_the_entries_in_use():
    from models.kit.memo import Memo

    computed = []
    table = Memo(lambda key: computed.append(key) or key * 10, limit=2)
    assert [table[1], table[2], table[1]] == [10, 20, 10]
    assert table[3] == 30  # full: a new generation; 1 and 2 are the previous one
    assert table.restarts == 1 and len(table) + len(table.previous) == 3
    assert table[1] == 10  # moved back, not computed again
    assert table[4] == 40  # full again: 2, not looked up since, is dropped
    assert table[2] == 20
    assert (computed, table.misses, table.restarts) == ([1, 2, 3, 4, 2], 5, 2)


Member = ids("members", "n", first=1, named=True)


class MemberVote(NamedTuple):
    vote: Member | None


class MemberVotes(NamedTuple):
    ballots: indexed_by(Member, MemberVote)


def test_an_indexed_tuple_of_records_renames_the_ids_in_its_entries_as_it_moves_them():
    # n1 voted for n2, n2 for none, n3 for n1; renamed n1 -> n2 -> n3 -> n1
    votes = MemberVotes((MemberVote(1), MemberVote(None), MemberVote(0)))
    assert renamer(MemberVotes)(votes, {"members": (1, 2, 0)}) == MemberVotes(
        (MemberVote(1), MemberVote(2), MemberVote(None)))
    # blanked (signatures): the entries' multiset, None among them
    assert renamer(MemberVotes)(votes, {"members": (-1, -1, -1)}) == MemberVotes(
        (MemberVote(None), MemberVote(-1), MemberVote(-1)))


Round = ids("rounds", "r")  # unnamed: a round prints as its number


class Progress(NamedTuple):
    next_index: indexed_by(Member) = ()
    rounds: indexed_by(Round) = ()  # by position, as its ids print


def test_an_indexed_tuple_shows_by_the_names_of_its_set_s_elements():
    # next_index[1] would read as n1's where names count from 1: it is n2's
    progress = Progress((2, 1, 2), (0, 3))
    assert show(progress) == "Progress(next_index={n1: 2, n2: 1, n3: 2}, rounds=(0, 3))"
    before = {"n1.next_index": shown(Progress, "next_index")(progress.next_index)}
    after = {"n1.next_index": shown(Progress, "next_index")((2, 2, 2))}
    assert before == {"n1.next_index": {"n1": 2, "n2": 1, "n3": 2}}
    assert state_changes(before, after) == ["n1.next_index[n2]: 1 → 2"]


class Holder(NamedTuple):
    holder: Member  # declared without `| None`, yet holding None


def test_a_node_field_holding_none_prints_none():
    assert show(Holder(None)) == "Holder(holder=none)"  # was a TypeError: None + 1
    assert show(Holder(1)) == "Holder(holder=n2)"


def test_an_id_type_names_an_element_as_reports_print_it():
    Client = ids("clients", "c", first=1)
    assert (Client.name_of(0), Client.name_of(2), ids("acceptors", "a").name_of(1)) == (
        "c1", "c3", "a1")
