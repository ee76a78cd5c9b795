"""A field holding an element of one of two symmetric sets (BPCon's ``acc``:
a good or a fake acceptor), in a typed plain model (`models.kit.Symmetric`).

An id is an int at run time: ``Acceptor(0)`` keeps its class, but equals
``FakeAcceptor(0)``, hashes as it, and fingerprints and `order_key` read
both as 0, so a value alone cannot say its set, and two states differing
only there would be one. So a union of two id types (``Acceptor |
FakeAcceptor``, in a frozenset, a tuple, with None) is refused, naming the
fix: ``either(Acceptor, FakeAcceptor)``, whose values are tagged with their
set (``FakeAcceptor.tag(0) == ("fakes", 0)``). On a toy ballot of good and
fake acceptors holding such fields every way (alone, Optional, in a
frozenset, in a tuple, in a record in a frozenset): renaming is a group
action that renames each value in its own set, signatures travel with
their elements and tell the sets apart, every renamed copy of a reachable
state canonicalizes to one representative (the brute-force one), the orbit
counts are the brute-force ones on two bounds, with and without symmetry,
and values print by their own type's name (``a1``, ``f1``). A kit model's
message holding such a field is renamed and signed alike (brute-force
orbit counts).
"""

from __future__ import annotations

from itertools import product
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, Model, ModelDefinitionError, Param, check, invariant
from checker.errors import SpecError
from checker.spec import load_spec
from models import REGISTRY
from checker.symmetry import Symmetry, compose
from models.kit import ActorModel, Node, Symmetric, either, ids, indexed_by, on, step
from models.kit.records import printer
from tests.brute_force import orbit_counts_agree, reachable_states, whole_group

Acceptor = ids("acceptors", "a", first=1, named=True)
Fake = ids("fakes", "f", first=1)     # unnamed: an `either` field still prints it by name
Val = ids("values", "v", first=1, named=True)
Sender = either(Acceptor, Fake)


class Vote(NamedTuple):
    acc: Sender
    val: Val


class State(NamedTuple):
    voted: indexed_by(Acceptor, Val | None)   # each good acceptor's vote
    votes: frozenset[Vote]                    # the votes sent, by good and fake acceptors
    heard: frozenset[Sender]                  # the learner's: whom it heard a vote from
    last: Sender | None                       # the last sender it heard
    first: tuple[Sender, Val] | None          # the first vote it heard, as a pair


class Cast(NamedTuple):
    acc: Acceptor
    val: Val


class Forge(NamedTuple):
    fake: Fake
    val: Val


class Hear(NamedTuple):
    vote: Vote


class Ballot(Symmetric, Model):
    """Good acceptors vote once each; fake acceptors send votes for any
    values; a learner hears each sender once."""

    name = "toy-either"
    params = (Param("acceptors", 2, "good acceptors"), Param("fakes", 1, "fake acceptors"),
              Param("values", 2, "values"))
    actions = (Cast, Forge, Hear)
    state_type = State
    symmetry_sets = ("acceptors", "fakes", "values")

    def initial_states(self):
        yield State((None,) * self.acceptors, frozenset(), frozenset(), None, None)

    def successors(self, s: State):
        for a, v in product(range(self.acceptors), range(self.values)):
            t = self.cast(s, a, v)
            if t is not None:
                yield Cast(a, v), t
        for f, v in product(range(self.fakes), range(self.values)):
            vote = Vote(Fake.tag(f), v)
            if vote not in s.votes:
                yield Forge(f, v), s._replace(votes=s.votes | {vote})
        for vote in sorted(s.votes):
            if vote.acc not in s.heard:
                yield Hear(vote), s._replace(heard=s.heard | {vote.acc}, last=vote.acc,
                                             first=s.first or (vote.acc, vote.val))

    def cast(self, s: State, a: int, v: int) -> State | None:
        """Good acceptor a votes v, if it has not voted."""
        if s.voted[a] is not None:
            return None
        return s._replace(voted=s.voted[:a] + (v,) + s.voted[a + 1:],
                          votes=s.votes | {Vote(Acceptor.tag(a), v)})

    @invariant("Good Votes Are Cast")
    def good_votes_are_cast(self, s: State):
        """Every vote sent in a good acceptor's name is its vote."""
        return all(s.voted[vote.acc[1]] == vote.val for vote in s.votes
                   if vote.acc[0] == "acceptors")


class CastTwice(Ballot):
    """Mutant: a good acceptor votes again, changing its vote."""

    def cast(self, s: State, a: int, v: int) -> State | None:
        if s.voted[a] == v:
            return None
        return s._replace(voted=s.voted[:a] + (v,) + s.voted[a + 1:],
                          votes=s.votes | {Vote(Acceptor.tag(a), v)})


SETS = ("acceptors", "fakes", "values")
A1, A2, F1, F2 = Acceptor.tag(0), Acceptor.tag(1), Fake.tag(0), Fake.tag(1)


def _state() -> State:
    # a1 voted v1 and f1 sent v2 and v1; the learner heard a1, then f1 (for v2)
    return State((0, None), frozenset({Vote(A1, 0), Vote(F1, 1), Vote(F1, 0)}),
                 frozenset({A1, F1}), F1, (A1, 0))


# -- what the kit did with a union of two id types, and does now --------------------------


class Bare(NamedTuple):
    voted: indexed_by(Acceptor, int)
    acc: Acceptor | Fake


class BareSet(NamedTuple):
    voted: indexed_by(Acceptor, int)
    heard: frozenset[Acceptor | Fake | None]


def _plain(state):
    return type("Bad", (Symmetric, Model), {
        "name": "bad", "params": (Param("acceptors", 2, "a"), Param("fakes", 1, "f")),
        "symmetry_sets": ("acceptors", "fakes"), "state_type": state})


def test_an_id_is_an_int_that_keeps_its_class_but_not_its_set_in_equality():
    # why a value of two sets must say its set in what it is: as an int, a
    # good and a fake acceptor would be one value, and so one state
    assert type(Acceptor(0)) is Acceptor and Acceptor(0) == Fake(0)
    assert hash(Acceptor(0)) == hash(Fake(0)) and len({Acceptor(0), Fake(0)}) == 1
    assert (A1, F1) == (("acceptors", 0), ("fakes", 0)) and A1 != F1


@pytest.mark.parametrize("state, field, union", [
    (Bare, "Bare.acc", "ids('acceptors') | ids('fakes')"),
    (BareSet, "BareSet.heard", "ids('acceptors') | ids('fakes') | None"),
])
def test_a_bare_union_of_two_id_types_is_refused_naming_either(state, field, union):
    with pytest.raises(ModelDefinitionError) as refused:
        _plain(state)()
    assert str(refused.value) == (
        f"model 'bad': state field {field} is typed {union} (a union whose options' values "
        f"look alike; an element of any of these sets is typed either(ids('acceptors'), "
        f"ids('fakes')), its values tagged with their set), which could hide names from "
        f"the derived symmetry; type it with what it holds (an id type, indexed_by(Node, "
        f"X), tuple[Message, ...], frozenset[Node], a record type) or write permute, "
        f"permute_action and signatures by hand")


@pytest.mark.parametrize("kinds, given", [
    ((Acceptor,), "ids('acceptors')"),
    ((Acceptor, ids("acceptors", "b")), "ids('acceptors'), ids('acceptors')"),
    ((Acceptor, int), "ids('acceptors'), int"),
])
def test_either_takes_id_types_of_different_sets(kinds, given):
    with pytest.raises(ModelDefinitionError) as refused:
        either(*kinds)
    assert str(refused.value) == (f"either({given}): give two or more id types of different "
                                  "sets (either(Acceptor, FakeAcceptor)); one set's ids are "
                                  "one id type")


def test_a_plain_int_in_an_either_field_is_refused_when_renamed():
    model = Ballot()
    state = State((None, None), frozenset(), frozenset(), 0, None)
    with pytest.raises(ModelDefinitionError) as refused:
        model.permute(state, {"fakes": (0,), "acceptors": (1, 0), "values": (0, 1)})
    assert str(refused.value) == (
        "a field typed either(ids('acceptors'), ids('fakes')) holds 0, not an element "
        "tagged with its set; build its values with their id type's tag "
        "(ids('acceptors', ...).tag(0) == ('acceptors', 0))")


# -- renaming, signatures, canonical forms --------------------------------------------------


def test_the_toy_declares_nothing_but_its_types():
    for method in ("permute", "permute_action", "signatures", "symmetry_groups"):
        assert method not in vars(Ballot)


def test_each_value_is_renamed_in_its_own_set():
    model = Ballot(fakes=2)
    perm = {"acceptors": (1, 0), "fakes": (1, 0), "values": (1, 0)}
    assert model.permute(_state(), perm) == State(
        (None, 1), frozenset({Vote(A2, 1), Vote(F2, 0), Vote(F2, 1)}),
        frozenset({A2, F2}), F2, (A2, 1))
    # renaming the fakes alone leaves the good acceptors, a1 among them, as they are
    assert model.permute(_state(), {"fakes": (1, 0)}) == State(
        (0, None), frozenset({Vote(A1, 0), Vote(F2, 1), Vote(F2, 0)}),
        frozenset({A1, F2}), F2, (A1, 0))
    assert model.permute_action(Hear(Vote(F1, 0)), perm) == Hear(Vote(F2, 1))


def test_signatures_tell_the_sets_apart():
    # v1 has a good acceptor's vote and a fake's, v2 a fake's only; blanked
    # as ints, a1's vote for v1 and f1's for v2 would look alike
    model = Ballot()
    state = State((None, None), frozenset({Vote(A1, 0), Vote(F1, 1)}), frozenset(), None, None)
    values = model.signatures(state)["values"]
    assert values[0] != values[1]
    # a1 and a2 both voted v1: hearing a1 tells them apart, hearing f1
    # (element 0 too, of the other set) does not
    both = State((0, 0), frozenset({Vote(A1, 0), Vote(A2, 0), Vote(F1, 0)}), frozenset(),
                 None, None)
    heard_a1 = model.signatures(both._replace(heard=frozenset({A1}), last=A1))
    heard_f1 = model.signatures(both._replace(heard=frozenset({F1}), last=F1))
    assert len(set(heard_a1["acceptors"])) == 2 and len(set(heard_f1["acceptors"])) == 1


@pytest.mark.parametrize("params", [{}, {"fakes": 2}, {"acceptors": 3, "fakes": 2, "values": 1}])
def test_renaming_is_a_group_action_and_signatures_travel(params):
    model = Ballot(**params)
    group = whole_group(model, SETS)
    identity = group[0]
    for state in reachable_states(model)[::5]:
        assert model.permute(state, identity) == state
        signatures = model.signatures(state)
        for p in group[::2]:
            once = model.permute(state, p)
            renamed = model.signatures(once)
            for name in SETS:
                assert [renamed[name][image] for image in p[name]] == list(signatures[name])
            for q in group[::7]:
                assert model.permute(once, q) == model.permute(state, compose(q, p))


def test_renamed_steps_are_steps():
    model = Ballot()
    group = whole_group(model, SETS)
    for state in reachable_states(model)[::3]:
        steps = list(model.successors(state))
        for p in group:
            renamed = {(model.permute_action(a, p), model.permute(t, p)) for a, t in steps}
            assert set(model.successors(model.permute(state, p))) == renamed


@pytest.mark.parametrize("params", [{}, {"fakes": 2}, {"acceptors": 3, "fakes": 2, "values": 1}])
def test_every_renamed_copy_canonicalizes_to_one_representative(params):
    model = Ballot(**params)
    symmetry = Symmetry(model, SETS)
    group = whole_group(model, SETS)
    for state in reachable_states(model)[::3]:
        representative = symmetry.reference(state)[0]
        for p in group:
            copy = model.permute(state, p)
            canonical, to_canonical = symmetry.canonical(copy)
            assert canonical == representative
            assert model.permute(copy, to_canonical) == canonical


@pytest.mark.parametrize("params, counts", [
    ({}, (316, 170, 316, 159, 87)),
    ({"fakes": 2}, (3576, 1920, 1858, 1790, 503)),
    ({"acceptors": 3, "fakes": 2, "values": 1}, (652, 163, 373, 652, 93)),
])
def test_orbit_counts_are_the_brute_force_ones(params, counts):
    # the reachable states, then the orbits under the acceptors, the fakes,
    # the values and all three, the engine's reduced run finding as many
    # as the sets of images; without symmetry, as many as the plain search
    sets = [("acceptors",), ("fakes",), ("values",), SETS]
    assert orbit_counts_agree(lambda: Ballot(**params), sets) == counts
    assert check(Ballot(**params), CheckConfig()).stats.distinct_states == counts[0]


# -- printing ------------------------------------------------------------------------------


def test_values_print_by_their_own_type_s_name():
    assert repr(Vote(A1, 0)) == "Vote(acc=a1, val=v1)"
    assert repr(Vote(F2, 1)) == "Vote(acc=f2, val=v2)"
    assert printer(Sender | None)(None) == "none"
    view = Ballot().state_view(_state())
    assert view["last"] == "f1" and view["first"] == ["a1", "v1"]
    assert list(view["heard"]) == ["a1", "f1"]


def test_a_mutant_s_shortest_counterexample_under_symmetry():
    result = check(CastTwice(), CheckConfig(symmetry=SETS))
    violation = result.violation("good_votes_are_cast")
    assert [str(a) for a in violation.trace.actions] == [
        "Cast(acc=a1, val=v1)", "Cast(acc=a1, val=v2)"]
    assert violation.trace.final.votes == frozenset({Vote(A1, 0), Vote(A1, 1)})


# -- a spec's expressions -------------------------------------------------------------------


def _spec(tmp_path, invariant: str):
    path = tmp_path / "spec.yaml"
    path.write_text(f"model: {__file__}:Ballot\nsymmetry: true\ndeadlock: false\n"
                    f"invariants: {{x: \"{invariant}\"}}\n")
    return path


def test_an_expression_reads_either_field_as_elements(tmp_path):
    # membership among elements is kept by renaming; a tagged literal is
    # one element told apart (and so is the tag read alone: refused too)
    spec = load_spec(_spec(tmp_path, "last is None or last in heard"), REGISTRY)
    found = check(spec.build(), spec.config())
    assert (found.verdict, found.stats.distinct_states) == ("holds", 87)
    for expression, part in [("last != ('fakes', 0)", "last != ('fakes', 0)"),
                             ("last is None or last[0] == 'fakes'", "last[0]")]:
        path = _spec(tmp_path, expression)
        with pytest.raises(SpecError) as refused:
            spec = load_spec(path, REGISTRY)
            check(spec.build(), spec.config())
        assert str(refused.value).startswith(
            f"{path}:4: invariants.x: {part} tells the interchangeable acceptors apart")


# -- in a kit model's message ---------------------------------------------------------------

Learner = ids("learners", "l", first=1, named=True)


class Claim(NamedTuple):
    acc: Sender
    val: Val
    to: Learner
    dst = "to"


class Sent(NamedTuple):
    sent: int = 0


class Heard(NamedTuple):
    heard: frozenset[Sender] = frozenset()
    last: Sender | None = None


class Claims(NamedTuple):
    acc: Acceptor
    val: Val


class Fakes(NamedTuple):
    fake: Fake
    val: Val


class Learns(NamedTuple):
    learner: Learner
    acc: Sender
    val: Val
    to: Learner


class GoodNode(Node):
    ids, state = Acceptor, Sent

    @step(Claims, choose=lambda node, s: range(node.model.values))
    def claim(self, s, v):
        """A good acceptor claims a value, once."""
        return (s._replace(sent=1), [Claim(Acceptor.tag(self.id), v, 0)]) if not s.sent else None


class FakeNode(Node):
    ids, state = Fake, Sent

    @step(Fakes, choose=lambda node, s: range(node.model.values))
    def fake(self, s, v):
        """A fake acceptor claims any value, twice at most."""
        return (s._replace(sent=s.sent + 1), [Claim(Fake.tag(self.id), v, 0)]) \
            if s.sent < 2 else None


class LearnerNode(Node):
    ids, state, count = Learner, Heard, 1

    @on(Claim, Learns)
    def learn(self, s, m):
        return Heard(s.heard | {m.acc}, m.acc), []


class KitBallot(ActorModel):
    name = "kit-either"
    params = (Param("acceptors", 2, "good acceptors"), Param("fakes", 2, "fake acceptors"),
              Param("values", 2, "values"), Param("learners", 1, "learners"))
    roles = (GoodNode, FakeNode, LearnerNode)
    messages = (Claim,)
    symmetry_sets = ("acceptors", "fakes", "values")


def test_a_kit_model_s_message_field_of_either_set_is_renamed_and_signed():
    assert orbit_counts_agree(KitBallot, [("acceptors",), ("fakes",), SETS]) == (
        5494, 3076, 2884, 815)
    # the learner's last sender marks a1 when it is a1, nobody among the
    # acceptors when it is f1 (element 0 too, of the other set)
    model = KitBallot()
    initial = model.initial_states()[0]
    for last, told in [(A1, 2), (F1, 1)]:
        state = initial[:4] + (Heard(frozenset({last}), last),) + initial[5:]
        assert len(set(model.signatures(state)["acceptors"])) == told
    (action, state), = [step for step in model.successors(initial)][-1:]
    assert repr(state[-1]) == "(frozenset({Claim(acc=f2, val=v2, to=l1)}),)"


def test_an_id_value_pickles_as_a_value_of_its_type():
    # (a port's report: a plain model holding ids could not save a checkpoint
    # or spill a level: "Can't pickle <class 'models.kit.records.Id[keys]'>")
    import pickle

    Key = ids("keys", "k", first=1, named=True)
    assert ids("keys", "k", first=1, named=True) is Key  # the same arguments, the same type
    again = pickle.loads(pickle.dumps((Key(2), frozenset({Key(0)}))))
    assert again == (2, frozenset({0}))
    assert type(again[0]) is Key and type(next(iter(again[1]))) is Key


def test_a_plain_model_holding_id_values_saves_checkpoints(tmp_path):
    from cmc.main import cli

    spec = str(Path(__file__).parent / "user" / "lease_guard.yaml")
    result = CliRunner().invoke(cli, ["check", spec, "--checkpoint", str(tmp_path / "saved"),
                                      "--checkpoint-every", "0.001"])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert (tmp_path / "saved").is_dir()
