"""The kit's `Symmetric`: a plain model's symmetry derived from its types.

On a toy plain model whose state holds ids in every way the kit types them
(an ``indexed_by`` tuple of records, one nested in a record, frozensets and
tuples of records and of ids, Optional ids, two symmetric sets and one that
is not), and on RaftLeader.tla's port: the derived `permute` is a group
action, `signatures` travel with their elements, renamed steps are steps,
the canonical form is the brute-force one state by state, and the orbit
counts are the brute-force ones; on Zab.tla's port, renamed steps are steps.
A type that could hide names is refused in one line naming the field and
the fix.
"""

from __future__ import annotations

import random
import typing
from itertools import product
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, Model, ModelDefinitionError, Param, check, invariant
from checker.symmetry import Symmetry, compose
from cmc.main import cli
from models.kit import Symmetric, ids, indexed_by
from models.kit.records import IndexedBy, is_record_type
from tests.brute_force import orbit_counts_agree, reachable_states, whole_group
from tests.models.user.raft_leader import RaftLeader
from tests.models.user.zab import Zab

Node = ids("nodes", "n", first=1, named=True)
Val = ids("values", "v", first=1, named=True)
Ballot = ids("ballots", "b")  # ordered: not symmetric, never renamed


class Msg(NamedTuple):
    src: Node
    dst: Node
    value: Val


class Peer(NamedTuple):
    proposal: Val | None = None
    leader: Node | None = None
    acks: frozenset[Node] = frozenset()
    heard: indexed_by(Node, int) = ()      # an indexed tuple inside an indexed entry
    inbox: tuple[Msg, ...] = ()


class Vote(NamedTuple):
    voter: Node
    value: Val
    ballot: Ballot


class State(NamedTuple):
    peers: indexed_by(Node, Peer)
    votes: frozenset[Vote]
    coordinator: Node | None
    links: frozenset[tuple[Node, Node]]
    chosen: Val | None
    rounds: int


class Send(NamedTuple):
    node: Node
    to: Node
    value: Val


class Receive(NamedTuple):
    node: Node
    msg: Msg


class Elect(NamedTuple):
    node: Node


class Choose(NamedTuple):
    node: Node
    value: Val


def _with(values: tuple, index: int, value: Any) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


class Toy(Symmetric, Model):
    """Nodes propose values, tell one another, collect acks and votes; a
    node acked by another may coordinate and choose its proposal."""

    name = "toy-plain"
    params = (Param("nodes", 3, "nodes"), Param("values", 2, "values"))
    actions = (Send, Receive, Elect, Choose)
    state_type = State
    symmetry_sets = ("nodes", "values")

    def initial_states(self):
        peer = Peer(heard=(0,) * self.nodes)
        yield State((peer,) * self.nodes, frozenset(), None, frozenset(), None, 0)

    def successors(self, s: State):
        everyone = range(self.nodes)
        for n, m, v in product(everyone, everyone, range(self.values)):
            peer, to = s.peers[n], s.peers[m]
            if (n != m and peer.proposal in (None, v) and not to.inbox
                    and to.heard[n] == 0 and s.rounds < 2):
                peers = _with(s.peers, n, peer._replace(proposal=v))
                peers = _with(peers, m, to._replace(inbox=(Msg(n, m, v),)))
                yield Send(n, m, v), s._replace(peers=peers, rounds=s.rounds + 1)
        for n in everyone:
            peer = s.peers[n]
            if peer.inbox:
                msg = peer.inbox[0]
                acks = peer.acks | {msg.src}
                peer = peer._replace(inbox=peer.inbox[1:], acks=acks,
                                     heard=_with(peer.heard, msg.src, 1))
                yield Receive(n, msg), s._replace(
                    peers=_with(s.peers, n, peer),
                    votes=s.votes | {Vote(n, msg.value, len(acks) - 1)})
            if peer.acks and s.coordinator is None and peer.proposal is not None:
                peers = tuple(p._replace(leader=n) if k in peer.acks | {n} else p
                              for k, p in enumerate(s.peers))
                yield Elect(n), s._replace(peers=peers, coordinator=n,
                                           links=s.links | {(n, a) for a in peer.acks})
            if s.coordinator == n and s.chosen is None:
                yield Choose(n, peer.proposal), s._replace(chosen=peer.proposal)

    @invariant("Chosen Is Proposed")
    def chosen_is_proposed(self, s: State):
        return s.chosen is None or any(p.proposal == s.chosen for p in s.peers)


# -- random states of a type -----------------------------------------------------------


def random_value(annotation: Any, sizes: dict[str, int], rng: random.Random) -> Any:
    """A random value of `annotation`: ids within their sets, indexed
    tuples one entry per element, up to three items in a container."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner = typing.get_args(annotation)[0]
        marks = [m for m in annotation.__metadata__ if isinstance(m, IndexedBy)]
        if marks:
            entry = typing.get_args(inner)[0]
            return tuple(random_value(entry, sizes, rng)
                         for _ in range(sizes[marks[0].ids.set_name]))
        return random_value(inner, sizes, rng)
    if isinstance(annotation, type) and hasattr(annotation, "set_name"):
        return rng.randrange(sizes[annotation.set_name])
    if is_record_type(annotation):
        hints = typing.get_type_hints(annotation, include_extras=True)
        return annotation(*(random_value(hints[f], sizes, rng) for f in annotation._fields))
    if annotation is int:
        return rng.randrange(3)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, __import__("types").UnionType):
        return random_value(rng.choice(args), sizes, rng)
    if annotation is type(None):
        return None
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return tuple(random_value(arg, sizes, rng) for arg in args)
    items = [random_value(args[0], sizes, rng) for _ in range(rng.randrange(4))]
    return tuple(items) if origin is tuple else frozenset(items)


SIZES = {"nodes": 3, "values": 2, "ballots": 2}


def random_states(count: int, seed: int = 7) -> list[State]:
    rng = random.Random(seed)
    return [random_value(State, SIZES, rng) for _ in range(count)]


def every_perm(model, names=("nodes", "values")) -> list[dict]:
    return whole_group(model, names)


# -- the derived renaming and signatures -------------------------------------------------


def test_the_toy_declares_nothing_but_its_types():
    for method in ("permute", "permute_action", "signatures", "symmetry_groups"):
        assert method not in vars(Toy)
    assert Toy().symmetry_groups() == {"nodes": [[0, 1, 2]], "values": [[0, 1]]}


def test_renaming_moves_and_renames_an_indexed_tuple_and_renames_every_id():
    model = Toy()
    peers = (Peer(proposal=0, leader=1, acks=frozenset({1, 2}), heard=(0, 1, 0),
                  inbox=(Msg(2, 0, 1),)), Peer(heard=(0, 0, 0)), Peer(heard=(1, 0, 0)))
    state = State(peers, frozenset({Vote(0, 1, 1)}), 2, frozenset({(2, 1)}), 0, 1)
    perm = {"nodes": (1, 2, 0), "values": (1, 0)}   # n1 -> n2 -> n3 -> n1, v1 <-> v2
    assert model.permute(state, perm) == State(
        (Peer(heard=(0, 1, 0)),
         Peer(proposal=1, leader=2, acks=frozenset({2, 0}), heard=(0, 0, 1),
              inbox=(Msg(0, 1, 0),)),
         Peer(heard=(0, 0, 0))),
        frozenset({Vote(1, 0, 1)}), 0, frozenset({(0, 2)}), 1, 1)
    assert model.permute_action(Receive(0, Msg(2, 0, 1)), perm) == Receive(1, Msg(0, 1, 0))
    assert model.permute_action(Choose(2, 0), {"nodes": (1, 2, 0)}) == Choose(0, 0)


@pytest.mark.parametrize("states", ["random", "reachable"])
def test_derived_permute_is_a_group_action(states):
    model = Toy()
    sample = random_states(150) if states == "random" else reachable_states(model)[::7]
    group = every_perm(model)
    identity = group[0]
    for state in sample:
        assert model.permute(state, identity) == state
        for p in group[::3]:
            once = model.permute(state, p)
            for q in group[::5]:
                assert model.permute(once, q) == model.permute(state, compose(q, p))


@pytest.mark.parametrize("states", ["random", "reachable"])
def test_signatures_travel_with_their_elements(states):
    model = Toy()
    sample = random_states(200, seed=11) if states == "random" else reachable_states(model)
    group = every_perm(model)
    for state in sample:
        signatures = model.signatures(state)
        for p in group:
            renamed = model.signatures(model.permute(state, p))
            for name in ("nodes", "values"):
                for element, image in enumerate(p[name]):
                    assert renamed[name][image] == signatures[name][element]


def test_signatures_tell_apart_what_the_state_tells_apart():
    # n1 proposes v1; n3 votes for v1: no two nodes alike, nor values
    model = Toy()
    peers = (Peer(proposal=0, heard=(0, 0, 0)), Peer(heard=(0, 0, 0)), Peer(heard=(0, 0, 0)))
    state = State(peers, frozenset({Vote(2, 0, 0)}), None, frozenset(), None, 1)
    signatures = model.signatures(state)
    assert sorted(signatures["nodes"]) == [0, 1, 2] and sorted(signatures["values"]) == [0, 1]
    # without the vote, n2 and n3 are alike; the proposal still tells v1 from v2
    alike = model.signatures(state._replace(votes=frozenset()))
    assert alike["nodes"][1] == alike["nodes"][2] != alike["nodes"][0]
    assert alike["values"][0] != alike["values"][1]
    # n1 having heard from n2 (its entry of n1's heard) tells n2 from n3 again
    heard = state._replace(votes=frozenset(), peers=(peers[0]._replace(heard=(0, 1, 0)),)
                           + peers[1:])
    assert sorted(model.signatures(heard)["nodes"]) == [0, 1, 2]


def test_renamed_steps_are_steps():
    model = Toy()
    group = every_perm(model)
    for state in reachable_states(model)[::3]:
        steps = list(model.successors(state))
        for p in group[1::2]:
            renamed = {(model.permute_action(a, p), model.permute(t, p)) for a, t in steps}
            assert set(model.successors(model.permute(state, p))) == renamed


def test_canonical_form_is_the_brute_force_one_state_by_state():
    model = Toy()
    symmetry = Symmetry(model, ("nodes", "values"))
    for state in reachable_states(model):
        fast, to_fast = symmetry.canonical(state)
        assert fast == symmetry.reference(state)[0]
        assert model.permute(state, to_fast) == fast


def test_orbit_counts_are_the_brute_force_ones():
    # reachable states, then orbits under each choice of sets, the engine's
    # reduced run finding as many as the sets of images
    assert orbit_counts_agree(Toy, [("nodes",), ("values",), ("nodes", "values")]) == (
        619, 109, 310, 56)


def test_raft_leader_s_derived_symmetry_is_a_group_action_with_travelling_signatures():
    model = RaftLeader(nodes=3, Terms=1)
    group = every_perm(model, ("nodes",))
    for state in reachable_states(model)[::40]:
        signatures = model.signatures(state)
        for p in group:
            once = model.permute(state, p)
            assert [model.signatures(once)["nodes"][image]
                    for image in p["nodes"]] == list(signatures["nodes"])
            for q in group:
                assert model.permute(once, q) == model.permute(state, compose(q, p))


def test_raft_leader_s_canonical_form_is_the_brute_force_one():
    model = RaftLeader(nodes=3, Terms=1)
    symmetry = Symmetry(model, ("nodes",))
    for state in reachable_states(model)[::10]:
        assert symmetry.canonical(state)[0] == symmetry.reference(state)[0]


def test_zab_s_derived_states_and_hand_written_actions_rename_steps_to_steps():
    # Zab.tla's port: states renamed and signed as derived (its channels a
    # union of nine message types, recorder.pc of three tuple shapes), its
    # actions (servers named "s1", as TLC prints them) renamed by hand
    model = Zab(servers=3, MaxTimeoutFailures=0, MaxTransactionNum=1, MaxEpoch=1,
                MaxRestarts=0)
    group = every_perm(model, ("servers",))
    for state in reachable_states(model)[::11]:
        signatures = model.signatures(state)
        steps = list(model.successors(state))
        for p in group:
            once = model.permute(state, p)
            assert [model.signatures(once)["servers"][image]
                    for image in p["servers"]] == list(signatures["servers"])
            renamed = {(model.permute_action(a, p), model.permute(t, p)) for a, t in steps}
            assert set(model.successors(once)) == renamed


# -- what the types cannot say is refused ---------------------------------------------


class Opaque(NamedTuple):
    peers: indexed_by(Node, Peer)
    extra: tuple          # could hold anything


class Hidden(NamedTuple):
    pc: Any


class Nested(NamedTuple):
    peers: indexed_by(Node, Peer)
    recorder: Hidden


class Loose(NamedTuple):
    node: Any


class Alike(NamedTuple):
    peers: indexed_by(Node, Peer)
    last: Node | Val | None   # both ints: renaming cannot tell which a value is


class Shapes(NamedTuple):
    peers: indexed_by(Node, Peer)
    last: tuple[str] | tuple[str, Node] | tuple[str, Node, Node]   # Zab's <<"Timeout", i, j>>


class NoNodes(NamedTuple):
    rounds: int


def _plain(state, **attributes):
    return type("Bad", (Symmetric, Model), {"name": "bad", "params": (Param("nodes", 2, "n"),),
                                            "symmetry_sets": ("nodes",), "state_type": state,
                                            **attributes})


@pytest.mark.parametrize("kind, message", [
    (_plain(Opaque), "model 'bad': state field Opaque.extra is typed tuple, which could hide "
     "names from the derived symmetry; type it with what it holds (an id type, "
     "indexed_by(Node, X), tuple[Message, ...], frozenset[Node], a record type) or write "
     "permute, permute_action and signatures by hand"),
    (_plain(Nested), "model 'bad': state field Hidden.pc is typed Any, which could hide "
     "names from the derived symmetry; type it with what it holds (an id type, "
     "indexed_by(Node, X), tuple[Message, ...], frozenset[Node], a record type) or write "
     "permute, permute_action and signatures by hand"),
    (_plain(State, actions=(Send, Loose)), "model 'bad': action field Loose.node is typed "
     "Any, which could hide names from the derived symmetry; type it with what it holds (an "
     "id type, indexed_by(Node, X), tuple[Message, ...], frozenset[Node], a record type) or "
     "write permute, permute_action and signatures by hand"),
    (_plain(Alike), "model 'bad': state field Alike.last is typed ids('nodes') | "
     "ids('values') | None (a union whose options' values look alike; an element of any of "
     "these sets is typed either(ids('nodes'), ids('values')), its values tagged with their "
     "set), which could hide names from the derived symmetry; type it with what it holds "
     "(an id type, indexed_by(Node, X), tuple[Message, ...], frozenset[Node], a record type) "
     "or write permute, permute_action and signatures by hand"),
    (_plain(tuple), "model 'bad': state type tuple is not a typed record (a NamedTuple); "
     "Symmetric derives renaming from a record's field types"),
    (_plain(None), "model 'bad': Symmetric needs state_type, the record type of the model's "
     "states (state_type = State)"),
    (_plain(NoNodes), "model 'bad': symmetry_sets names 'nodes', but no field of NoNodes "
     "holds its elements; type the fields that name them with ids('nodes', ...) or "
     "indexed_by, or leave 'nodes' out"),
    (_plain(State, set_size=lambda self, name: None), "model 'bad': the size of symmetric "
     "set 'nodes' is None; give the model a parameter 'nodes' or define set_size(name)"),
])
def test_a_type_that_could_hide_names_is_refused_in_one_line(kind, message):
    with pytest.raises(ModelDefinitionError) as refused:
        kind()
    assert str(refused.value) == message


def test_tuples_of_fixed_lengths_are_told_apart_by_their_length():
    model = _plain(Shapes)()
    peers = (Peer(heard=(0, 0)), Peer(heard=(0, 0)))
    swap = {"nodes": (1, 0)}
    for last, renamed in [(("Init",), ("Init",)), (("Restart", 0), ("Restart", 1)),
                          (("Timeout", 0, 1), ("Timeout", 1, 0))]:
        assert model.permute(Shapes(peers, last), swap) == Shapes(peers, renamed)


def test_an_action_of_an_unlisted_type_is_checked_when_first_renamed():
    model = _plain(State, actions=(Send,))()
    with pytest.raises(ModelDefinitionError, match=r"^model 'bad': action field Loose.node "
                                                   r"is typed Any, "):
        model.permute_action(Loose(0), {"nodes": (1, 0)})


def test_the_command_line_says_which_field_and_exits_2(tmp_path):
    (tmp_path / "bad.py").write_text(
        "from typing import NamedTuple\n"
        "from checker import Model, Param\n"
        "from models.kit import Symmetric, ids, indexed_by\n"
        "Node = ids('nodes', 'n', first=1, named=True)\n"
        "class State(NamedTuple):\n"
        "    votes: indexed_by(Node, int)\n"
        "    leader: tuple\n"
        "class Bad(Symmetric, Model):\n"
        "    name = 'bad'\n"
        "    params = (Param('nodes', 2, 'nodes'),)\n"
        "    state_type = State\n"
        "    symmetry_sets = ('nodes',)\n"
        "    def initial_states(self):\n"
        "        yield State((0, 0), ())\n"
        "    def successors(self, state):\n"
        "        return ()\n")
    (tmp_path / "bad.yaml").write_text("model: ./bad.py:Bad\nsymmetry: true\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "bad.yaml")])
    assert (result.exit_code, result.output) == (
        2, f"error: {tmp_path / 'bad.yaml'}: model 'bad': state field State.leader is typed "
           "tuple, which could hide names from the derived symmetry; type it with what it "
           "holds (an id type, indexed_by(Node, X), tuple[Message, ...], frozenset[Node], a "
           "record type) or write permute, permute_action and signatures by hand\n")


def test_the_toy_checks_with_and_without_symmetry():
    plain = check(Toy(), CheckConfig())
    reduced = check(Toy(), CheckConfig(symmetry=("nodes", "values")))
    assert (plain.verdict, plain.stats.distinct_states) == ("holds", 619)
    assert (reduced.verdict, reduced.stats.distinct_states) == ("holds", 56)
