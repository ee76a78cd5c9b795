"""A message handler reading the messages of other types (``@on(Close,
Count, reads=Vote)``), as a step does (``@step(..., reads=...)``): TLA+'s
``Receive(m)`` reading ``msgs``. Voters send votes to counters; a bell
tells a counter to close, and the counter, on that message, takes the
votes sent to it. The same counter written as a step reading both types
reaches the very same states."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import ModelDefinitionError, Param, check
from checker.model import Received
from models.kit import ActorModel, Bag, MessageSet, Node, ids, on, step
from tests.brute_force import reachable_states

Voter = ids("voters", "v", first=1, named=True)
Counter = ids("counters", "k", first=1, named=True)
Bell = ids("bells", "b", first=1, named=True)


class Vote(NamedTuple):
    voter: Voter
    value: int
    to: Counter
    src, dst = "voter", "to"


class Close(NamedTuple):
    to: Counter
    dst = "to"


class Cast(NamedTuple):
    voted: bool = False


class Tally(NamedTuple):
    votes: frozenset = frozenset()


class CastVote(NamedTuple):
    v: Voter
    k: Counter
    value: int


class Ring(NamedTuple):
    b: Bell
    k: Counter


class Count(NamedTuple):
    k: Counter
    to: Counter


class CountNow(NamedTuple):
    k: Counter


class VoterNode(Node):
    ids, state = Voter, Cast

    @step(CastVote, choose=lambda node, s: [(k, value) for k in range(node.model.counters)
                                           for value in range(2)])
    def cast(self, s, k, value):
        return None if s.voted else (Cast(True), [Vote(self.id, value, k)])


class BellNode(Node):
    ids, count = Bell, 1

    @step(Ring, choose="counters")
    def ring(self, k):
        return [Close(k)]


class CounterNode(Node):
    ids, state = Counter, Tally

    @on(Close, Count, reads=Vote)
    def tally(self, s, m, votes):
        """On a close, the votes sent to this counter so far."""
        return s._replace(votes=votes), []


class Counting(ActorModel):
    name = "counting"
    params = (Param("voters", 2, "voters"), Param("counters", 2, "counters"))
    roles = (VoterNode, BellNode, CounterNode)
    messages = (Vote, Close)
    network = MessageSet()

    def tallies(self, state):
        return self.records(state, CounterNode)


class SteppingCounter(CounterNode):
    @step(CountNow, reads=(Close, Vote))
    def tally(self, s, closes, votes):
        """The same as a step: enabled once a close for it is sent."""
        return (s._replace(votes=votes), []) if closes else None


class SteppingCounting(Counting):
    roles = (VoterNode, BellNode, SteppingCounter)


@pytest.mark.parametrize("voters, counters, states", [(2, 1, 34), (2, 2, 204), (3, 1, 152)])
def test_a_message_handler_reads_the_messages_for_its_node(voters, counters, states):
    model = Counting(voters=voters, counters=counters)
    reached = reachable_states(model)
    assert check(Counting(voters=voters, counters=counters)).stats.distinct_states == len(
        reached) == states
    assert set(reached) == set(reachable_states(SteppingCounting(voters=voters,
                                                                 counters=counters)))
    # a counter reads the votes for it only, and some counter reads them all
    tallies = [t for state in reached for t in model.tallies(state)]
    assert all(vote.to == k for state in reached
               for k, t in enumerate(model.tallies(state)) for vote in t.votes)
    assert max(len(t.votes) for t in tallies) == voters


def test_a_receipt_charts_the_messages_it_reads_for_its_node():
    model = Counting(voters=2, counters=2)
    s = model.initial_states()[0]
    for action in (CastVote(0, 0, 1), CastVote(1, 1, 0), Ring(0, 0)):
        (s,) = [after for a, after in model.successors(s) if a == action]
    (count, after), = [(a, t) for a, t in model.successors(s) if type(a) is Count]
    assert model.tallies(after)[0].votes == {Vote(0, 1, 0)}
    assert model.step_events(s, count, after) == [
        Received(None, "k1", "Close(to=k1)"),  # Close does not say who sent it
        Received("v1", "k1", "Vote(value=1)")]


class CountAs(NamedTuple):
    k: Counter
    to: Counter
    value: int


def test_a_message_handler_that_reads_takes_the_read_sets_after_its_choice():
    class Misread(CounterNode):
        @on(Close, CountAs, reads=Vote, choose=2)
        def tally(self, s, m, value):
            return s, []

    class Misreading(Counting):
        roles = (VoterNode, BellNode, Misread)

    with pytest.raises(ModelDefinitionError) as error:
        Misreading()
    assert str(error.value) == (
        "model 'counting': Misread.tally takes 3 arguments, but is given 4: the record, the "
        "message, the choice's 1 value and the 1 set of messages it reads; define it as def "
        "tally(self, s, m, value, vote)")


def test_a_bag_delivering_message_by_message_refuses_a_handler_that_reads():
    class PerMessage(Counting):
        network = Bag(per_message=True)

    with pytest.raises(ModelDefinitionError) as error:
        PerMessage()
    assert str(error.value) == (
        "model 'counting': CounterNode.tally reads messages (Vote), which the handlers of a "
        "bag delivering message by message (per_message) cannot yet; use a Bag without "
        "per_message")
