"""A message handler that also chooses: ``@on(Message, Action, choose=...)``,
TLA+'s ``\\E m \\in msgs, v \\in S : Receive(m, v)``. A toy whose nodes ask
one another for values, answer with a value they choose and take an offer
or trade it for another value, against a plain `checker.Model` written the
obvious way; orbits against brute force; the mistakes, each one line."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import CheckConfig, Model, ModelDefinitionError, Param, check, reachable
from checker.model import Received, Sent
from models.kit import ActorModel, Bag, MessageSet, Node, ids, memo, on, step
from tests.brute_force import orbit_counts_agree, reachable_states

Server = ids("servers", "s", first=1, named=True)
Value = ids("values", "v", first=1, named=True)


class ServerState(NamedTuple):
    asked: bool = False
    offered: frozenset[Value] = frozenset()   # each value offered at most once
    held: Value | None = None
    trades: int = 0


class Ask(NamedTuple):
    src: Server
    dst: Server


class Offer(NamedTuple):
    src: Server
    dst: Server
    value: Value


class AskFor(NamedTuple):
    s: Server
    dst: Server


class Answer(NamedTuple):          # the node, Ask's fields, the value chosen
    s: Server
    asker: Server
    asked: Server
    value: Value


class Take(NamedTuple):            # the node, Offer's fields, a choice of two values
    s: Server
    giver: Server
    taker: Server
    value: Value
    kept: Value
    traded: int


def kept_or_traded(node, s, m):
    """The offered value kept, or traded for any other: a choice that depends
    on the message."""
    return [(m.value, 0)] + [(w, 1) for w in range(node.model.values) if w != m.value]


class ServerNode(Node):
    ids = Server
    state = ServerState

    @step(AskFor, choose="servers", sends=Ask)
    def ask(self, s, dst):
        if s.asked or dst == self.id:
            return None
        return s._replace(asked=True), [Ask(self.id, dst)]

    @on(Ask, Answer, choose="values")
    def answer(self, s, m, v):
        """Offer the asker a value v not offered before."""
        if v in s.offered:
            return None
        return s._replace(offered=s.offered | {v}), [Offer(self.id, m.src, v)]

    @on(Offer, Take, choose=kept_or_traded)
    def take(self, s, m, kept, traded):
        if s.held is not None:
            return None
        return s._replace(held=kept, trades=s.trades + traded), []


class Trading(ActorModel):
    name = "trading"
    params = (Param("servers", 3, "servers"), Param("values", 2, "values"))
    roles = (ServerNode,)
    messages = (Ask, Offer)
    network = MessageSet()
    symmetry_sets = ("servers", "values")

    @reachable("someone traded")
    def traded(self, state):
        return any(s.trades for s in self.records(state, ServerNode))


class TradingOnABag(Trading):
    """The same on a bag delivering message by message (`models.kit.plans.Deliveries`), and
    on a plain bag: a received message leaves it."""

    name = "trading-on-a-bag"
    network = Bag(per_message=True)


class TradingOnAPlainBag(TradingOnABag):
    name = "trading-on-a-plain-bag"
    network = Bag()


class Ledger(NamedTuple):
    offers: int = 0


class LedgerNode(ServerNode):
    @on(Ask, Answer, choose="values", reads_globals="offers", writes_globals="offers")
    def answer(self, s, m, v, offers):
        """As ServerNode's, within a bound on the offers of all servers together."""
        if offers >= self.model.max_offers:
            return None
        outcome = super().answer(s, m, v)
        return outcome and outcome + ({"offers": offers + 1},)


class TradingWithALedger(Trading):
    name = "trading-with-a-ledger"
    params = Trading.params + (Param("max_offers", 2, "offers in all"),)
    roles = (LedgerNode,)
    globals = Ledger


class Plain(Model):
    """(records as (asked, offered, held, trades), messages as tuples, the
    offers made): without a bound on the offers (max_offers None), their
    count is the sum of the offered sets and adds no state."""

    name = "plain-trading"
    params = TradingWithALedger.params

    def initial_states(self):
        return [(((False, frozenset(), None, 0),) * self.servers, frozenset(), 0)]

    def successors(self, state):
        records, msgs, offers = state
        for action, (records, msgs) in self._steps(records, msgs, offers):
            yield action, (records, msgs, offers + (action[0] == "answer"))

    def _steps(self, records, msgs, offers):
        bounded = self.max_offers is not None

        def at(i, record):
            return records[:i] + (record,) + records[i + 1:]

        for i, (asked, offered, held, trades) in enumerate(records):
            for j in range(self.servers):
                if not asked and j != i:
                    yield ("ask", i, j), (at(i, (True, offered, held, trades)),
                                          msgs | {("ask", i, j)})
            for m in sorted(msgs):
                if m[0] == "ask" and m[2] == i and not (bounded and offers >= self.max_offers):
                    for v in range(self.values):
                        if v not in offered:
                            yield ("answer", i, m, v), (
                                at(i, (asked, offered | {v}, held, trades)),
                                msgs | {("offer", i, m[1], v)})
                if m[0] == "offer" and m[2] == i and held is None:
                    for w in range(self.values):
                        yield ("take", i, m, w), (
                            at(i, (asked, offered, w, trades + (w != m[3]))), msgs)


@pytest.mark.parametrize("servers, values, states, depth", [(2, 2, 169, 8), (3, 2, 7_900, 12)])
def test_a_handler_that_chooses_gives_the_plain_model_s_states(servers, values, states, depth):
    found = [check(Trading(servers=servers, values=values), CheckConfig(deadlock=False)),
             check(Plain(servers=servers, values=values, max_offers=None),
                   CheckConfig(deadlock=False))]
    assert [(r.stats.distinct_states, r.stats.depth) for r in found] == [(states, depth)] * 2


def test_a_handler_that_chooses_reads_and_writes_globals():
    # Answer reads the offers made and writes one more: its result is
    # remembered on (record, message, choice, offers)
    found = [check(model(servers=3, values=2, max_offers=2), CheckConfig(deadlock=False))
             for model in (TradingWithALedger, Plain)]
    assert [(r.stats.distinct_states, r.stats.depth) for r in found] == [(1_755, 7)] * 2
    assert orbit_counts_agree(lambda: TradingWithALedger(servers=3, values=2, max_offers=1),
                              [("servers", "values")]) == (351, 34)


def test_symmetry_renames_the_message_and_the_choice():
    # the action's choice (kept: Value) and the message's fields renamed
    both = [("servers",), ("values",), ("servers", "values")]
    assert orbit_counts_agree(lambda: Trading(servers=2, values=2), both) == (169, 91, 89, 51)
    assert orbit_counts_agree(lambda: Trading(servers=3, values=1), both) == (259, 48, 259, 48)


def test_the_steps_carry_the_message_then_the_choice():
    model = Trading(servers=2, values=2)
    state = model.initial_states()[0]
    for action in (AskFor(0, 1), Answer(1, 0, 1, 0)):
        state = dict(model.successors(state))[action]
    assert [str(a) for a, _ in model.successors(state)] == [
        "Take(s=s1, giver=s2, taker=s1, value=v1, kept=v1, traded=0)",
        "Take(s=s1, giver=s2, taker=s1, value=v1, kept=v2, traded=1)",
        "AskFor(s=s2, dst=s1)", "Answer(s=s2, asker=s1, asked=s2, value=v2)"]
    action = Take(0, 1, 0, 0, 1, 1)
    assert model.step_events(state, action, dict(model.successors(state))[action]) == [
        Received("s2", "s1", "Offer(value=v1)")]
    action = Answer(1, 0, 1, 1)
    assert model.step_events(state, action, dict(model.successors(state))[action]) == [
        Received("s1", "s2", "Ask()"), Sent("s2", "s1", "Offer(value=v2)")]


def test_a_handler_runs_once_per_record_message_and_choice():
    calls = []

    class Counting(ServerNode):
        @on(Offer, Take, choose=kept_or_traded)
        def take(self, s, m, kept, traded):
            calls.append((self.id, s, m, kept, traded))
            return super().take(s, m, kept, traded)

    model = type("Counted", (Trading,), {"roles": (Counting,), "name": "counted"})(
        servers=3, values=2)
    states = reachable_states(model)
    expected = {(i, record, m, kept, traded)
                for state in states for i, record in enumerate(model.records(state, Counting))
                for m in model.sent(state, Offer) if m.dst == i
                for kept, traded in kept_or_traded(model._nodes[0][i], record, m)}
    # once each, but for the first inputs, run twice to see that the
    # handler gives one result for one input (`memo.CHECKED`)
    once = list(dict.fromkeys(calls))
    assert len(calls) == len(once) + memo.CHECKED
    assert [c for c in once if calls.count(c) == 2] == once[:memo.CHECKED]
    assert set(calls) == expected and len(once) == len(expected)


def test_a_bag_delivering_message_by_message_chooses_as_a_plain_bag():
    # the two paths of a message handler, `Deliveries` and `Group` (models.kit.plans)
    found = [check(model(servers=3, values=2), CheckConfig(deadlock=False))
             for model in (TradingOnABag, TradingOnAPlainBag)]
    assert [(r.stats.distinct_states, r.stats.depth) for r in found] == [(2_549, 9)] * 2
    assert found[0].violation("traded") is None


# -- mistakes, each one line naming the handler and the fix ---------------------------------


class ShortAnswer(NamedTuple):
    s: Server
    src: Server
    dst: Server


def _with(**members) -> Trading:
    changed = type("ServerNode", (ServerNode,), members)
    return type("Variant", (Trading,), {"roles": (changed,), "name": "trading"})


def _answer(s, m, v):
    return None


@pytest.mark.parametrize("members, message", [
    ({"answer": on(Ask, ShortAnswer, choose="values")(lambda self, s, m, v: None)},
     "the action ShortAnswer of ServerNode.answer must be a named tuple of 4 fields: the "
     "node, then the message's fields, then the choice"),
    ({"answer": on(Ask, Answer, choose="values")(lambda self, s, m: None)},
     "ServerNode.answer takes 2 arguments, but is given 3: the record, the message and the "
     "choice's 1 value; define it as def answer(self, s, m, value)"),
    ({"take": on(Offer, Take, choose=kept_or_traded)(lambda self, s, m, kept: None)},
     "ServerNode.take takes 3 arguments, but is given 4: the record, the message and the "
     "choice's 2 values; define it as def take(self, s, m, kept, traded)"),
    ({"answer": on(Ask, Answer, choose="valus")(lambda self, s, m, v: None)},
     "ServerNode.answer chooses from 'valus', which is neither a parameter nor an attribute "
     "of the model; fix the name, or set self.valus in setup()"),
    ({"answer": on(Ask, Answer, choose=lambda node: [0])(lambda self, s, m, v: None)},
     "ServerNode.answer chooses with a function that does not take (node, record) or (node, "
     "record, message); give choose= a function of (node, record) or (node, record, message)"),
    ({"ask": step(AskFor, choose=lambda node, s, m: [0])(lambda self, s, dst: None)},
     "ServerNode.ask chooses with a function that does not take (node, record); give "
     "choose= a function of (node, record)"),
    ({"answer": on(Ask, Answer, choose=2.5)(lambda self, s, m, v: None)},
     "ServerNode.answer chooses from 2.5; give choose= a parameter's name, an int or a "
     "function of (node, record) or (node, record, message)"),
])
def test_a_wrong_choice_is_refused_in_one_line(members, message):
    with pytest.raises(ModelDefinitionError) as error:
        _with(**members)()
    assert str(error.value) == f"model 'trading': {message}"


def test_a_choice_of_another_shape_says_what_to_give():
    model = _with(take=on(Offer, Take, choose=lambda node, s, m: [m.value])(
        ServerNode.take))(servers=2, values=1)
    state = model.initial_states()[0]
    for action in (AskFor(0, 1), Answer(1, 0, 1, 0)):
        state = dict(model.successors(state))[action]
    with pytest.raises(ModelDefinitionError) as error:
        model.successors(state)
    assert str(error.value) == ("ServerNode.take chose 0, but its action Take takes 2 values "
                                "after the message's fields (kept, traded); give each choice "
                                "as a tuple of as many")


def test_a_literal_int_chooses_from_its_range():
    model = _with(answer=on(Ask, Answer, choose=1)(ServerNode.answer))(servers=2, values=2)
    state = model.initial_states()[0]
    state = dict(model.successors(state))[AskFor(0, 1)]
    assert [a for a, _ in model.successors(state) if type(a) is Answer] == [Answer(1, 0, 1, 0)]
