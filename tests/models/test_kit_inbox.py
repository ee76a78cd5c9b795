"""The kit's `Inbox` network: one FIFO queue per receiver, shared by its
senders, delivered only from its head (the P language's actors,
RaftLeader.tla's ``network[to]``). Its counts are pinned by hand-written
searches and by TLC's (docs/tlc.md, "The kit's networks"), its renaming
against brute force."""

from __future__ import annotations

from typing import NamedTuple, Optional

import pytest

from checker import CheckConfig, Fails, ModelDefinitionError, Param, check, invariant
from models.kit import ActorModel, Drop, Fifo, Inbox, Node, ids, on, step
from tests.brute_force import orbit_counts_agree
# the FIFO channels' test's senders, receivers, messages and actions
from tests.models.test_kit import Data, Deliver, Receiver, Send, Sender

# -- many senders, one receiver ---------------------------------------------------------


class Sent(NamedTuple):
    next: int = 0


class Heard(NamedTuple):
    expected: int = 0
    reordered: bool = False


class SenderNode(Node):
    ids, state = Sender, Sent

    @step(Send)
    def send(self, s):
        if s.next < self.model.sends:
            return s._replace(next=s.next + 1), [Data(s.next, self.id, 0)]
        return None


class ReceiverNode(Node):
    ids, state, count = Receiver, Heard, 1

    @on(Data, Deliver)
    def deliver(self, s, m):
        return Heard(m.seq + 1, s.reordered or m.seq < s.expected), []


class Streams(ActorModel):
    name = "inbox-streams"
    params = (Param("sends", 2, "messages each sender sends"),
              Param("drops", 1, "messages lost"), Param("senders", 2, "senders"))
    roles = (SenderNode, ReceiverNode)
    messages = (Data,)
    network = Inbox(drop="drops")
    symmetry_sets = ("senders",)


def streams_by_hand(senders: int, sends: int, drops: int) -> tuple[int, int]:
    """States and depth of `Streams` written out by hand: (each sender's
    next, the receiver's one queue of (seq, sender), expected, reordered,
    drops left)."""
    initial = ((0,) * senders, (), 0, False, drops)
    depth = {initial: 0}
    queue = [initial]
    for state in queue:
        nexts, q, expected, reordered, left = state
        after = [(nexts[:s] + (n + 1,) + nexts[s + 1:], q + ((n, s),), expected, reordered,
                  left) for s, n in enumerate(nexts) if n < sends]
        if q:  # only the oldest message, whoever sent it
            seq = q[0][0]
            after.append((nexts, q[1:], seq + 1, reordered or seq < expected, left))
            if left:
                after.append((nexts, q[1:], expected, reordered, left - 1))
        for t in after:
            if t not in depth:
                depth[t] = depth[state] + 1
                queue.append(t)
    return len(depth), max(depth.values())


@pytest.mark.parametrize("senders, sends, drops, counts", [
    (1, 3, 1, (19, 6)),     # one sender: an inbox is its FIFO link (test_kit's Stream)
    (2, 2, 1, (102, 8)),
    (3, 1, 0, (38, 6)),
])
def test_an_inbox_delivers_from_its_head_in_the_order_sent_by_all(senders, sends, drops,
                                                                  counts):
    result = check(Streams(senders=senders, sends=sends, drops=drops))
    assert (result.stats.distinct_states, result.stats.depth) == counts \
        == streams_by_hand(senders, sends, drops)


def test_fifo_links_forget_how_two_senders_interleaved_where_an_inbox_keeps_it():
    class StreamsOverLinks(Streams):
        network = Fifo(drop="drops")

    assert check(StreamsOverLinks()).stats.distinct_states == 78
    assert check(Streams()).stats.distinct_states == 102


def test_only_the_head_of_an_inbox_is_received_or_lost():
    model = Streams(sends=1)
    s = model.initial_states()[0]
    for sender in (1, 0):  # s1 sends first, then s0
        (_, s), = [step for step in model.successors(s) if step[0] == Send(sender)]
    assert model.state_view(s)["inboxes"] == [
        "r0: Data(seq=0, frm=1, to=0), Data(seq=0, frm=0, to=0)"]
    assert model.state_view(s)["drops_left"] == 1
    assert [action for action, _ in model.successors(s)] == [
        Deliver(0, 0, 1, 0), Drop(Data(0, 1, 0))]
    assert model.sent(s, Data) == [Data(0, 1, 0), Data(0, 0, 0)]


@pytest.mark.parametrize("params, counts", [
    (dict(sends=2, drops=1, senders=2), (102, 54)),
    (dict(sends=1, drops=1, senders=3), (60, 16)),
])
def test_an_inbox_is_renamed_with_its_receiver_and_keeps_its_order(params, counts):
    # (reachable states, orbits under renaming senders), each checked
    # against brute force by orbit_counts_agree
    assert orbit_counts_agree(lambda: Streams(**params), [("senders",)]) == counts


def test_an_inbox_moves_with_its_receiver_when_receivers_are_renamed():
    # Mailbox (below): every process sends and receives, so renaming moves
    # inboxes too; (reachable states, orbits), against brute force
    assert orbit_counts_agree(lambda: Mailbox(procs=3, sends=1, drops=1), [("procs",)]) == (
        233, 44)


class Ping(NamedTuple):  # names no receiver
    seq: int


class Pinger(Node):
    ids, state, count = Sender, Sent, 1

    @step(Send)
    def send(self, s):
        return None if s.next else (Sent(1), [Ping(0)])


def test_an_inbox_needs_the_receiver_of_every_message():
    class Pings(ActorModel):
        name = "pings"
        roles = (Pinger,)
        messages = (Ping,)
        network = Inbox()

    with pytest.raises(ModelDefinitionError) as error:
        Pings()
    assert str(error.value) == (
        "model 'pings': in inboxes every message names its receiver; give Ping a field "
        'typed as a node\'s id and say which, as dst = "to"')


# -- causal order: what an inbox keeps and a FIFO link does not --------------------------
#
# The origin posts a note to the sink, then tells the relay, which forwards
# to the sink: on an inbox the note is queued before anything the relay
# sends, so the sink hears it first; FIFO links order each link alone.

Origin = ids("origins", "o", first=1, named=True)
Relay = ids("relays", "y", first=1, named=True)
Sink = ids("sinks", "k", first=1, named=True)


class Note(NamedTuple):
    frm: Origin
    to: Sink
    src, dst = "frm", "to"


class Go(NamedTuple):
    frm: Origin
    to: Relay
    src, dst = "frm", "to"


class Forward(NamedTuple):
    frm: Relay
    to: Sink
    src, dst = "frm", "to"


class Progress(NamedTuple):
    posted: bool = False
    told: bool = False


class Ears(NamedTuple):
    noted: bool = False
    early: Optional[bool] = None  # whether the forward came before the note


class Post(NamedTuple):
    o: Origin


class Tell(NamedTuple):
    o: Origin


class Pass(NamedTuple):
    y: Relay
    frm: Origin
    to: Relay


class HearNote(NamedTuple):
    k: Sink
    frm: Origin
    to: Sink


class HearForward(NamedTuple):
    k: Sink
    frm: Relay
    to: Sink


class OriginNode(Node):
    ids, state, count = Origin, Progress, 1

    @step(Post)
    def post(self, s):
        return None if s.posted else (s._replace(posted=True), [Note(self.id, 0)])

    @step(Tell)
    def tell(self, s):
        """Once the note is posted, tell the relay."""
        if not s.posted or s.told:
            return None
        return s._replace(told=True), [Go(self.id, 0)]


class RelayNode(Node):
    ids, count = Relay, 1

    @on(Go, Pass)
    def relay(self, m):
        return [Forward(self.id, 0)]


class SinkNode(Node):
    ids, state, count = Sink, Ears, 1

    @on(Note, HearNote)
    def hear_note(self, s, m):
        return s._replace(noted=True), []

    @on(Forward, HearForward)
    def hear_forward(self, s, m):
        return s._replace(early=not s.noted), []


class Causal(ActorModel):
    name = "causal"
    roles = (OriginNode, RelayNode, SinkNode)
    messages = (Note, Go, Forward)
    network = Inbox()

    @invariant("The Note Comes First")
    def note_first(self, state):
        return not self.record(state, SinkNode, 0).early or Fails(
            "the sink heard the forward before the note")


@Causal.mutant("tell_first", "the origin tells the relay before posting its note, so the "
                             "forward may overtake it even on an inbox")
class HastyOrigin(OriginNode):
    @step(Tell)
    def tell(self, s):
        if s.told:  # the bug: not whether the note is posted
            return None
        return s._replace(told=True), [Go(self.id, 0)]


class CausalOverLinks(Causal):
    network = Fifo()


def test_an_inbox_keeps_what_one_sender_posts_before_another_sender_hears_of_it():
    result = check(Causal())
    assert result.verdict == "holds"
    # the note is heard before or after tell and pass, the forward always last
    assert result.stats.distinct_states == 8


def test_fifo_links_let_a_forward_overtake_the_note_an_inbox_keeps_first():
    violation = check(CausalOverLinks()).violation("note_first")
    assert "\n".join(map(str, violation.trace.actions)) == "\n".join([
        "Post(o=o1)", "Tell(o=o1)", "Pass(o1→y1)",
        "HearForward(y1→k1)"])


def test_an_origin_telling_before_it_posts_is_overtaken_on_an_inbox():
    violation = check(Causal(mutant="tell_first")).violation("note_first")
    assert violation.reason == "the sink heard the forward before the note"
    assert "\n".join(map(str, violation.trace.actions)) == "\n".join([
        "Tell(o=o1)", "Pass(o1→y1)", "HearForward(y1→k1)"])


# -- TLC's counts (docs/tlc.md: Mailbox.tla) ----------------------------------------------

Proc = ids("procs", "p")


class Mail(NamedTuple):
    seq: int
    frm: Proc
    to: Proc
    src, dst = "frm", "to"


class Box(NamedTuple):
    sent: int = 0
    last: Optional[Proc] = None  # the sender of the last message received


class SendTo(NamedTuple):
    p: Proc
    q: Proc


class Receive(NamedTuple):
    p: Proc
    seq: int
    frm: Proc
    to: Proc


class Peer(Node):
    ids, state = Proc, Box

    @step(SendTo, choose=lambda node, s: [q for q in range(node.model.procs) if q != node.id])
    def send(self, s, q):
        """Send(p, q): p's next message, to q's inbox."""
        if s.sent >= self.model.sends:
            return None
        return s._replace(sent=s.sent + 1), [Mail(s.sent, self.id, q)]

    @on(Mail, Receive)
    def receive(self, s, m):
        """Receive(p): the head of p's inbox."""
        return s._replace(last=m.frm), []


class Mailbox(ActorModel):
    name = "mailbox"
    params = (Param("procs", 2, "processes"), Param("sends", 2, "messages each sends"),
              Param("drops", 1, "messages lost"))
    roles = (Peer,)
    messages = (Mail,)
    network = Inbox(drop="drops")
    symmetry_sets = ("procs",)


# TLC 2.15 on Mailbox.tla (docs/tlc.md): distinct and generated states,
# depth (TLC prints one more), and with SYMMETRY Permutations(P) distinct states
@pytest.mark.parametrize("procs, sends, drops, counts", [
    (2, 2, 1, (71, 169, 8, 39)),
    (2, 3, 2, (301, 919, 12, 160)),
    (3, 1, 1, (233, 607, 6, 44)),
    pytest.param(3, 2, 1, (21125, 89149, 12, 3542), marks=pytest.mark.slow),
    pytest.param(4, 1, 1, (5001, 18829, 8, 238), marks=pytest.mark.slow),
])
def test_a_mailbox_over_inboxes_has_tlcs_counts(procs, sends, drops, counts):
    params = dict(procs=procs, sends=sends, drops=drops)
    result = check(Mailbox(**params))
    reduced = check(Mailbox(**params), CheckConfig(symmetry=("procs",)))
    assert (result.stats.distinct_states, result.stats.generated_states, result.stats.depth,
            reduced.stats.distinct_states) == counts
