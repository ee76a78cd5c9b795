"""A bag of one copy of each message (``Bag(copies=1)``): the set of
messages in flight from which receipt removes, PlusCal's ``inbox[n] :=
inbox[n] \\cup {m}`` ... ``inbox[self] := inbox[self] \\ {m}``. Its counts
against a plain model written from that sentence, and against a bag and a
message set; drops, a capacity and a partition; a spec's ``network: {kind:
bag, copies: 1}``; the refusals of bad values, each one line."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from checker import CheckConfig, Model, Param, check
from checker.errors import ParamError
from checker.model import SetView
from models.kit import ActorModel, Bag, MessageSet, Node, Partition, ids, on, step
from tests.brute_force import reachable_states

Peer = ids("peers", "n")


class Note(NamedTuple):
    frm: Peer
    to: Peer
    src, dst = "frm", "to"


class Post(NamedTuple):
    n: Peer


class Read(NamedTuple):
    n: Peer
    frm: Peer
    to: Peer


class Tally(NamedTuple):
    sent: int = 0
    got: int = 0


class PeerNode(Node):
    """Posts the same note to the other peer up to `most` times (while one
    is in flight too), reads up to `reads` notes."""

    ids = Peer
    state = Tally

    @step(Post)
    def post(self, s):
        if s.sent == self.model.most:
            return None
        return Tally(s.sent + 1, s.got), [Note(self.id, 1 - self.id)]

    @on(Note, Read)
    def read(self, s, m):
        return (Tally(s.sent, s.got + 1), []) if s.got < self.model.reads else None


class Notes(ActorModel):
    """Two peers posting one note each way, over a set of notes in flight."""

    name = "notes"
    params = (Param("peers", 2, "peers"), Param("most", 2, "sends per peer"),
              Param("reads", 3, "receipts per peer"),
              Param("drops", 0, "notes the network may lose"),
              Param("room", 2, "notes in flight at most"))
    roles = (PeerNode,)
    messages = (Note,)
    network = Bag(copies=1)
    network_choices = ("bag", "set")


class NotesLossy(Notes):
    network = Bag(drop="drops", copies=1)


class NotesRoomy(Notes):
    network = Bag(drop="drops", capacity="room", copies=1)


class NotesCut(Notes):
    """The one link down from the start, healing once."""

    network = Bag(drop="drops", capacity="room", partition="cut", copies=1)
    cut = Partition.between([[("peers", 0)], [("peers", 1)]])


class Sets(Model):
    """The same two peers written from the set's sentence, as TLA+ would:
    ``msgs' = msgs \\cup {m}`` on a send (unless its link is down),
    ``msgs' = msgs \\ {m}`` on a receipt or a drop, the capacity a guard
    on ``Cardinality(msgs')``. A state: each peer's (sent, got), the
    notes in flight as (frm, to) pairs, the drops left, whether the link is
    down."""

    name = "sets"

    def __init__(self, most=2, reads=3, drops=0, room=None, down=False):
        self.most, self.reads, self.drops, self.room = most, reads, drops, room
        self.down = down
        super().__init__()

    def initial_states(self):
        return [((0, 0), (0, 0), frozenset(), self.drops, self.down)]

    def successors(self, state):
        *peers, msgs, drops, down = state
        steps = []
        for n, (sent, got) in enumerate(peers):
            if sent < self.most:
                after = msgs if down else msgs | {(n, 1 - n)}
                if self.room is None or len(after) <= self.room:
                    steps.append((("post", n), self._with(state, n, (sent + 1, got), after)))
            for m in sorted(msgs):
                if m[1] == n and got < self.reads:
                    steps.append((("read", m), self._with(state, n, (sent, got + 1),
                                                          msgs - {m})))
        for m in sorted(msgs):
            if drops:
                steps.append((("drop", m), (*peers, msgs - {m}, drops - 1, down)))
        if down:
            steps.append((("heal",), (*peers, msgs, drops, False)))
        return steps

    @staticmethod
    def _with(state, n, peer, msgs):
        peers = list(state[:2])
        peers[n] = peer
        return (*peers, msgs) + state[3:]


def distinct(model) -> int:
    result = check(model, CheckConfig())
    assert result.verdict == "holds"
    return result.stats.distinct_states


@pytest.mark.parametrize("network, states", [
    (Bag(), 36),               # two copies of a note in flight
    (Bag(copies=1), 49),       # one at most: a note posted while one is in flight merges
    (MessageSet(), 81),        # a note read stays, to be read again
])
def test_one_copy_each_is_a_set_from_which_receipt_removes(network, states):
    model = type("Each", (Notes,), {"network": network})()
    assert distinct(model) == states
    assert len(reachable_states(Sets())) == 49


@pytest.mark.parametrize("most, reads, counts", [
    (2, 2, (36, 49, 49)), (3, 3, (100, 169, 169)), (3, 4, (100, 169, 256))])
def test_the_counts_against_a_bag_and_a_message_set(most, reads, counts):
    def count(network):
        return distinct(type("Each", (Notes,), {"network": network})(most=most, reads=reads))
    assert (count(Bag()), count(Bag(copies=1)), count(MessageSet())) == counts
    assert len(reachable_states(Sets(most=most, reads=reads))) == counts[1]


def test_a_note_posted_while_one_is_in_flight_changes_the_record_only():
    model = Notes()
    (start,) = model.initial_states()
    posted = dict(model.successors(start))[Post(0)]
    again = dict(model.successors(posted))[Post(0)]
    assert model.state_view(again)["network"] == ["Note(frm=0, to=1)"]
    assert model.state_view(again)["n0.sent"] == 2
    assert isinstance(model.state_view(again)["network"], SetView)
    assert model.network.size(again[-1]) == 1


def test_drops_within_a_budget():
    assert distinct(NotesLossy(drops=1)) == len(reachable_states(Sets(drops=1))) == 101
    assert distinct(NotesLossy(drops=2)) == len(reachable_states(Sets(drops=2))) == 127


def test_a_capacity_counts_notes_and_a_note_in_flight_takes_no_more_room():
    assert distinct(NotesRoomy(room=1)) == len(reachable_states(Sets(room=1))) == 40
    assert distinct(NotesRoomy(room=1, drops=1)) == len(
        reachable_states(Sets(room=1, drops=1))) == 87
    model = NotesRoomy(room=1)
    (start,) = model.initial_states()
    posted = dict(model.successors(start))[Post(0)]
    # full: n1 may not post, n0 may post its note again (it is already in flight)
    assert sorted(str(action) for action, _ in model.successors(posted)) == [
        "Post(n=0)", "Read(n=1, frm=0, to=1)"]


@pytest.mark.parametrize("drops, room, states", [(0, 1, 81), (1, 1, 132), (1, 2, 146)])
def test_a_partition_loses_the_notes_sent_across_it(drops, room, states):
    assert distinct(NotesCut(drops=drops, room=room)) == states
    assert len(reachable_states(Sets(drops=drops, room=room, down=True))) == states
    model = NotesCut(room=1)
    (start,) = model.initial_states()
    # the note is lost on the way: the record changes, the network does not
    posted = dict(model.successors(start))[Post(0)]
    assert (model.state_view(posted)["network"], model.state_view(posted)["n0.sent"]) \
        == ([], 1)


class NotesOneByOne(Notes):
    network = Bag(drop="drops", capacity="room", per_message=True, copies=1)


class NotesOneByOneCut(NotesCut):
    network = Bag(drop="drops", capacity="room", per_message=True, partition="cut", copies=1)


@pytest.mark.parametrize("params, states, cut", [
    ({}, 49, 90), ({"room": 1}, 40, 81), ({"drops": 1, "room": 1}, 87, 132),
    ({"most": 3, "reads": 4, "drops": 2}, 504, 616)])
def test_message_by_message_as_the_set(params, states, cut):
    assert distinct(NotesOneByOne(**params)) == len(reachable_states(Sets(**params))) \
        == states
    assert distinct(NotesOneByOneCut(**params)) == len(
        reachable_states(Sets(down=True, **params))) == cut


class Token(NamedTuple):
    frm: Peer
    to: Peer
    src, dst = "frm", "to"


class Start(NamedTuple):
    n: Peer


class Keep(NamedTuple):
    n: Peer
    frm: Peer
    to: Peer


class Keeper(Node):
    """n0 starts a token; a peer taking it puts it back and answers."""

    ids = Peer
    state = Tally

    @step(Start)
    def start(self, s):
        return (s, [Token(self.id, 1 - self.id)]) if self.id == 0 else None

    @on(Token, Keep)
    def keep(self, s, m):
        return (Tally(s.sent, s.got + 1), [m, Token(self.id, m.frm)]) if s.got < 2 else None


def keepers(per_message: bool) -> ActorModel:
    class Keepers(ActorModel):
        name = "keepers"
        params = (Param("peers", 2, "peers"),)
        roles = (Keeper,)
        messages = (Token,)
        network = Bag(capacity="room", per_message=per_message, copies=1)
        room = 1
        # (the receipts in a group of their own: planned message by message)
        next = ((Keeper.start,), (Keeper.keep,))
    return Keepers()


def test_a_receipt_sending_its_message_back_needs_room_for_it():
    # {token} at capacity 1: taking it and sending it back and an answer
    # would leave two messages in flight, so it waits
    model = keepers(per_message=False)
    assert distinct(model) == 2
    assert max(model.network.size(state[-1]) for state in reachable_states(model)) == 1


def test_a_receipt_message_by_message_sending_its_message_back_needs_room_for_it():
    model = keepers(per_message=True)
    assert max(model.network.size(state[-1]) for state in reachable_states(model)) == 1
    assert distinct(model) == 2


def test_duplicate_is_refused_and_copies_is_one_or_none():
    with pytest.raises(ValueError) as error:
        Bag(duplicate=1, copies=1)
    assert str(error.value) == ("Bag(copies=1, duplicate=1): a bag holding one copy of each "
                                "message has none to duplicate; remove duplicate= or copies=1")
    for copies in (2, True, "1"):
        with pytest.raises(ValueError) as error:
            Bag(copies=copies)
        assert str(error.value) == (f"Bag(copies={copies!r}): None (a message may be in "
                                    "flight in any number of copies) or 1 (one at most: a set "
                                    "of messages in flight, from which receipt removes)")


# -- a spec's choice ------------------------------------------------------------------------

def test_a_chosen_bag_of_one_copy_each_keeps_the_declared_capacity():
    roomy = type("Roomy", (NotesRoomy,), {"network_choices": ("bag",)})
    assert distinct(roomy(room=1, network_choice={"kind": "bag", "copies": 1})) == 40
    assert distinct(roomy(room=1, network_choice={"kind": "bag", "copies": 1, "drop": 1})) \
        == 87
    # without copies: any number of copies, whatever the model declared
    assert distinct(roomy(room=1, network_choice={"kind": "bag"})) == 21


@pytest.mark.parametrize("choice, field, message", [
    ({"kind": "bag", "copies": 2}, "network.copies",
     "got 2; accepted: 1 (one copy at most of each message in flight: a set from which "
     "receipt removes), or no copies: for any number"),
    ({"kind": "bag", "copies": "x"}, "network.copies",
     "got 'x'; accepted: 1 (one copy at most of each message in flight: a set from which "
     "receipt removes), or no copies: for any number"),
    ({"kind": "bag", "copies": 1, "duplicate": 1}, "network.duplicate",
     "a bag of one copy of each message (copies: 1) has none to duplicate; remove "
     "duplicate: or copies: 1"),
    ({"kind": "set", "copies": 1}, "network.copies",
     "copies: is a bag's (one copy at most of each message in flight); remove it or choose "
     "kind: bag"),
])
def test_a_bad_choice_is_one_error_naming_the_field(choice, field, message):
    with pytest.raises(ParamError) as error:
        Notes(network_choice=choice)
    assert str(error.value) == f"<spec>: {field}: {message}"


SPEC = (f"model: {Path(__file__).as_posix()}:Notes\nparams: {{most: 3, reads: 4}}\n"
        "deadlock: false\n")


def cmc_check(tmp_path, network: str):
    from click.testing import CliRunner

    from cmc.main import cli
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC + f"network: {network}\n")
    return path, CliRunner().invoke(cli, ["check", str(path), "--workers", "1", "--format",
                                          "json"])


@pytest.mark.parametrize("network, states", [
    ("{kind: bag, copies: 1}", 169), ("bag", 100), ("set", 256)])
def test_cmc_check_runs_a_spec_choosing_one_copy_each(tmp_path, network, states):
    import json

    _, result = cmc_check(tmp_path, network)
    assert (result.exit_code, result.stderr) == (0, "")
    (run,) = json.loads(result.stdout)["results"]
    assert (run["verdict"], run["stats"]["distinct_states"]) == ("holds", states)


@pytest.mark.parametrize("network, message", [
    ("{kind: bag, copies: 2}", "network.copies: got 2; accepted: 1 (one copy at most of each "
                               "message in flight: a set from which receipt removes), or no "
                               "copies: for any number"),
    ("{kind: bag, copies: x}", "network.copies: got 'x'; accepted: 1 (one copy at most of each "
                               "message in flight: a set from which receipt removes), or no "
                               "copies: for any number"),
    ("{kind: bag, copies: 1, duplicate: 1}", "network.duplicate: a bag of one copy of each "
                                             "message (copies: 1) has none to duplicate; "
                                             "remove duplicate: or copies: 1"),
])
def test_cmc_check_refuses_a_bad_copies_in_one_line_exit_2(tmp_path, network, message):
    path, result = cmc_check(tmp_path, network)
    assert (result.exit_code, result.stderr) == (2, f"error: {path}:4: {message}\n")
