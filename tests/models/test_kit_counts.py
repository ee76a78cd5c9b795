"""The kit's `counts(Message)`: raft.tla's message-count function, whose
domain never shrinks.

Its values: equal and hashed alike whatever order they were built in, a
message at count 0 kept (and so told from one never sent), each operator's
guard and refusal, iteration in the order given. Its renaming under the
kit's `Symmetric`, against brute force on a toy plain model (PingPong:
each node pings each other node once, a ping is answered with a pong); and
that toy's state counts, which TLC 2.15 gives for the same spec in TLA+
(below, `PING_PONG_TLA`).
"""

from __future__ import annotations

import pickle
import random
from typing import Any, NamedTuple

import pytest

from checker import CheckConfig, Model, ModelDefinitionError, Param, check
from checker.symmetry import Symmetry, compose
from models.kit import Counts, Symmetric, counts, ids
from models.kit.records import renamer
from reports.text import state_changes
from tests.brute_force import orbit_counts_agree, reachable_states, whole_group

Node = ids("nodes", "n", first=1)


class Msg(NamedTuple):
    kind: str  # "ping" or "pong": the tag that tells message types apart
    src: Node
    dst: Node


Messages = counts(Msg)


def ping(i, j):
    return Msg("ping", i, j)


def pong(i, j):
    return Msg("pong", i, j)


# -- the values -----------------------------------------------------------------------------


def test_equal_contents_are_equal_whatever_the_history():
    a = Messages().send(ping(0, 1)).send(ping(1, 0)).send(ping(0, 1))
    b = Messages().send(ping(1, 0)).send(ping(0, 1)).send(ping(0, 1))
    c = Messages({ping(0, 1): 2, ping(1, 0): 1})
    d = Messages([(ping(1, 0), 1), (ping(0, 1), 2)])
    assert a == b == c == d and len({a, b, c, d}) == 1
    assert hash(a) == hash(b) == hash(c) == hash(d)
    assert a.items() == b.items() == ((ping(0, 1), 2), (ping(1, 0), 1))
    assert pickle.loads(pickle.dumps(a)) == a


def test_a_message_received_stays_in_the_domain_at_count_0():
    sent = Messages().send(ping(0, 1))
    received = sent.discard(ping(0, 1))
    assert received != Messages() and hash(received) != hash(Messages())
    assert ping(0, 1) in received and received[ping(0, 1)] == 0 and len(received) == 1
    assert received.receivable() == ()
    assert ping(1, 0) not in received
    with pytest.raises(KeyError):
        received[ping(1, 0)]
    # so it is never sent once again, and sent again it has one copy
    assert received.send_once(ping(0, 1)) is None
    assert received.send(ping(0, 1)) == sent


def test_the_operators():
    empty = Messages()
    once = empty.send_once(ping(0, 1))
    assert once == Messages({ping(0, 1): 1}) and once.send_once(ping(0, 1)) is None
    assert once.send(ping(0, 1))[ping(0, 1)] == 2
    both = empty.send_all_once([ping(0, 1), ping(0, 2)])
    assert both == Messages({ping(0, 1): 1, ping(0, 2): 1})
    assert both.send_all_once([ping(0, 3), ping(0, 1)]) is None  # SendMultipleOnce: none sent
    # BroadcastFunc, SendAllFunc: a set of messages, each one more copy
    assert both.send_all([ping(0, 1), ping(0, 3), ping(0, 1)]) == Messages(
        {ping(0, 1): 2, ping(0, 2): 1, ping(0, 3): 1})
    # Reply(response, request): the request discarded, the response sent
    replied = both.reply(pong(1, 0), ping(0, 1))
    assert replied == Messages({ping(0, 1): 0, ping(0, 2): 1, pong(1, 0): 1})
    assert replied.send(ping(0, 1)).reply(pong(1, 0), ping(0, 1)) == Messages(
        {ping(0, 1): 0, ping(0, 2): 1, pong(1, 0): 2})
    # DropFetchSessions: every copy of those matching at count 0, the domain kept
    dropped = both.send(ping(0, 2)).drop_all(lambda m: m.dst == 2)
    assert dropped == Messages({ping(0, 1): 1, ping(0, 2): 0})


def test_discarding_a_message_with_no_copy_left_is_refused():
    received = Messages().send(ping(0, 1)).discard(ping(0, 1))
    with pytest.raises(ValueError) as refused:
        received.discard(ping(0, 1))
    assert str(refused.value) == (
        "discard(Msg(kind='ping', src=0, dst=1)): the message has count 0; receive or "
        "discard only a message of receivable()")
    with pytest.raises(ValueError) as refused:
        received.reply(pong(0, 1), ping(1, 0))
    assert str(refused.value) == (
        "discard(Msg(kind='ping', src=1, dst=0)): the message was never sent; receive or "
        "discard only a message of receivable()")


def test_a_count_must_be_a_natural_number():
    with pytest.raises(ValueError) as refused:
        Messages({ping(0, 1): -1})
    assert str(refused.value) == ("Counts[Msg]: the count of Msg(kind='ping', src=0, dst=1) "
                                  "is -1; a delivery count is an int of 0 or more")


def test_iteration_follows_the_order_given():
    messages = [ping(0, 2), ping(0, 10), pong(1, 0), ping(1, 0)]
    # order_key by default: numbers as numbers; repr: as text (10 before 2)
    by_value = counts(Msg)().send_all(messages)
    assert list(by_value) == [ping(0, 2), ping(0, 10), ping(1, 0), pong(1, 0)]
    by_text = counts(Msg, order=repr)().send_all(messages)
    assert list(by_text) == [ping(0, 10), ping(0, 2), ping(1, 0), pong(1, 0)]
    assert by_text.discard(ping(0, 2)).receivable() == (ping(0, 10), ping(1, 0), pong(1, 0))
    assert counts(Msg, order=repr) is counts(Msg, order=repr) is not counts(Msg)
    for seed in range(20):  # any history gives the one order
        shuffled = messages[:]
        random.Random(seed).shuffle(shuffled)
        built = counts(Msg, order=repr)()
        for m in shuffled:
            built = built.send(m)
        assert built.items() == by_text.items()


def test_an_order_that_ties_two_messages_is_refused():
    by_source = counts(Msg, order=lambda m: m.src)
    with pytest.raises(ValueError) as refused:
        by_source().send(ping(0, 1)).send(ping(0, 2))
    assert str(refused.value) == (
        "Counts[Msg]: its order gives Msg(kind='ping', src=0, dst=1) and Msg(kind='ping', "
        "src=0, dst=2) the same key; give counts() an order that tells messages apart (repr "
        "does)")


def test_the_default_state_view_shows_each_message_with_its_count():
    before = State(Messages().send(ping(0, 1)))
    after = State(before.messages.reply(pong(1, 0), ping(0, 1)))
    model = PingPong(nodes=2)
    assert model.state_view(after) == {"messages": {"Msg(kind='ping', src=0, dst=1)": 0,
                                                    "Msg(kind='pong', src=1, dst=0)": 1}}
    assert state_changes(model.state_view(before), model.state_view(after)) == [
        "messages[Msg(kind='ping', src=0, dst=1)]: 1 → 0",
        "messages: + Msg(kind='pong', src=1, dst=0): 1"]


# -- a toy plain model over it ----------------------------------------------------------------

#: The same spec in TLA+, for TLC: with Node = {n1, n2}, 16 distinct states
#: (depth 7, as TLC counts: 6 steps), 10 with SYMMETRY Permutations(Node);
#: with three nodes 4096 (depth 19) and 720.
PING_PONG_TLA = r"""
---- MODULE PingPong ----
EXTENDS Naturals, TLC
CONSTANTS Node
VARIABLE messages
Ping(i, j) == [kind |-> "ping", src |-> i, dst |-> j]
Pong(i, j) == [kind |-> "pong", src |-> i, dst |-> j]
Init == messages = [m \in {} |-> 0]
SendOnce(m) == /\ m \notin DOMAIN messages
               /\ messages' = messages @@ (m :> 1)
Reply(response, request) ==
    IF response \in DOMAIN messages
    THEN messages' = [messages EXCEPT ![request] = @ - 1, ![response] = @ + 1]
    ELSE messages' = [messages EXCEPT ![request] = @ - 1] @@ (response :> 1)
Discard(m) == messages' = [messages EXCEPT ![m] = @ - 1]
SendPing(i, j) == i # j /\ SendOnce(Ping(i, j))
Receive(m) == /\ messages[m] > 0
              /\ IF m.kind = "ping" THEN Reply(Pong(m.dst, m.src), m) ELSE Discard(m)
Next == \/ \E i, j \in Node : SendPing(i, j)
        \/ \E m \in DOMAIN messages : Receive(m)
Symm == Permutations(Node)
====
"""


class State(NamedTuple):
    messages: Messages


class SendPing(NamedTuple):
    i: Node
    j: Node


class Receive(NamedTuple):
    m: Msg


class PingPong(Symmetric, Model):
    """Each node pings each other node once (SendOnce: a ping received
    stays in the domain, so it is never sent again); a ping is answered
    with a pong (Reply), a pong received is discarded. Each ordered pair
    of nodes goes through four stages (not pinged, pinged, ponged, done),
    so N nodes have 4 ** (N * (N - 1)) states; a `Bag`, forgetting a
    message at count 0, would take "done" for "not pinged" (3 stages)."""

    name = "ping_pong"
    params = (Param("nodes", 2, "nodes n1..nN", minimum=1, maximum=4),)
    actions = (SendPing, Receive)
    state_type = State
    symmetry_sets = ("nodes",)

    def initial_states(self):
        yield State(Messages())

    def successors(self, s: State):
        for i in range(self.nodes):
            for j in range(self.nodes):
                sent = s.messages.send_once(ping(i, j)) if i != j else None
                if sent is not None:
                    yield SendPing(i, j), State(sent)
        for m in s.messages.receivable():
            if m.kind == "ping":
                yield Receive(m), State(s.messages.reply(pong(m.dst, m.src), m))
            else:
                yield Receive(m), State(s.messages.discard(m))


class DiscardsTwice(PingPong):
    """A pong is discarded twice: the second finds count 0."""

    def successors(self, s: State):
        for action, t in super().successors(s):
            if isinstance(action, Receive) and action.m.kind == "pong":
                t = State(t.messages.discard(action.m))
            yield action, t


@pytest.mark.parametrize("nodes, distinct, orbits, depth", [
    (2, 16, 10, 6), pytest.param(3, 4096, 720, 18, marks=pytest.mark.slow)])
def test_the_toy_has_tlc_s_counts(nodes, distinct, orbits, depth):
    assert distinct == 4 ** (nodes * (nodes - 1))
    plain = check(PingPong(nodes=nodes), CheckConfig())
    reduced = check(PingPong(nodes=nodes), CheckConfig(symmetry=("nodes",)))
    assert (plain.verdict, plain.stats.distinct_states, plain.stats.depth) == (
        "holds", distinct, depth)
    assert (reduced.verdict, reduced.stats.distinct_states, reduced.stats.depth) == (
        "holds", orbits, depth)


def test_orbit_counts_are_the_brute_force_ones():
    assert orbit_counts_agree(lambda: PingPong(nodes=2), [("nodes",)]) == (16, 10)


@pytest.mark.slow
def test_orbit_counts_are_the_brute_force_ones_on_three_nodes():
    assert orbit_counts_agree(lambda: PingPong(nodes=3), [("nodes",)]) == (4096, 720)


@pytest.fixture(scope="module")
def three_nodes():
    """PingPong on three nodes, and every state it reaches."""
    model = PingPong(nodes=3)
    return model, reachable_states(model)


def _renamed_by_hand(state: State, images: tuple) -> State:
    return State(Messages({Msg(m.kind, images[m.src], images[m.dst]): count
                           for m, count in state.messages.items()}))


def test_renaming_renames_each_message_keeps_its_count_and_sorts_again(three_nodes):
    model, states = three_nodes
    group = whole_group(model, ("nodes",))
    assert len(group) == 6
    for state in states[::61]:
        for p in group:
            renamed = model.permute(state, p)
            assert renamed == _renamed_by_hand(state, p["nodes"])
            assert renamed.messages.items() == tuple(sorted(
                renamed.messages.items(), key=lambda pair: Messages.order(pair[0])))
            for q in group:  # a group action
                assert model.permute(renamed, q) == model.permute(state, compose(q, p))
    assert renamer(State)(State(Messages({ping(0, 1): 2, pong(2, 0): 0})),
                          {"nodes": (1, 2, 0)}) == State(Messages({ping(1, 2): 2, pong(0, 1): 0}))


def test_signatures_travel_with_their_elements_and_see_counts(three_nodes):
    model, states = three_nodes
    group = whole_group(model, ("nodes",))
    for state in states[::23]:
        signatures = model.signatures(state)["nodes"]
        for p in group:
            renamed = model.signatures(model.permute(state, p))["nodes"]
            assert [renamed[image] for image in p["nodes"]] == list(signatures)
    # n1 pinged n2, whose ping is received (count 0), and n2 pinged n1, not received:
    # the counts alone tell n1 from n2
    state = State(Messages({ping(0, 1): 0, ping(1, 0): 1, pong(1, 0): 1}))
    sent = State(Messages({ping(0, 1): 1, ping(1, 0): 1, pong(1, 0): 1}))
    assert len(set(model.signatures(state)["nodes"][:2])) == 2
    assert model.signatures(state) != model.signatures(sent)


def test_canonical_form_is_the_brute_force_one_state_by_state(three_nodes):
    model, states = three_nodes
    symmetry = Symmetry(model, ("nodes",))
    for state in states[::13]:
        fast, to_fast = symmetry.canonical(state)
        images = {model.permute(state, p) for p in whole_group(model, ("nodes",))}
        assert fast == symmetry.reference(state)[0] and fast in images
        assert model.permute(state, to_fast) == fast


def test_renamed_steps_are_steps(three_nodes):
    model, states = three_nodes
    group = whole_group(model, ("nodes",))
    for state in states[::29]:
        steps = list(model.successors(state))
        for p in group:
            renamed = {(model.permute_action(a, p), model.permute(t, p)) for a, t in steps}
            assert set(model.successors(model.permute(state, p))) == renamed


def test_discarding_a_message_at_count_0_is_the_model_s_error_in_one_line():
    with pytest.raises(ModelDefinitionError) as refused:
        check(DiscardsTwice(nodes=2), CheckConfig())
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(
        "model 'ping_pong': successors() raised ValueError: discard(Msg(kind='pong', src=1, "
        "dst=0)): the message has count 0; receive or discard only a message of "
        "receivable()")
    assert "test_kit_counts.py" in message and "in successors" in message


def test_an_untyped_counts_is_refused_as_any_is():
    class Loose(NamedTuple):
        messages: counts(Any)

    bad = type("Bad", (Symmetric, Model), {"name": "bad", "params": (Param("nodes", 2, "n"),),
                                           "symmetry_sets": ("nodes",), "state_type": Loose})
    with pytest.raises(ModelDefinitionError) as refused:
        bad()
    assert str(refused.value) == (
        "model 'bad': state field Loose.messages is typed counts(Any), which could hide names "
        "from the derived symmetry; type it with what it holds (an id type, indexed_by(Node, "
        "X), tuple[Message, ...], frozenset[Node], a record type) or write permute, "
        "permute_action and signatures by hand")


def test_a_counts_is_a_mapping_and_a_counts():
    messages = Messages({ping(0, 1): 1})
    assert isinstance(messages, Counts) and dict(messages) == {ping(0, 1): 1}
    assert repr(messages) == "Counts[Msg]({Msg(kind='ping', src=0, dst=1): 1})"
    assert messages != {ping(0, 1): 1}  # a Counts equals only a Counts of its type
