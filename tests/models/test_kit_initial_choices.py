"""Several initial states in a kit model: a node's `initial` (or the model's
`initial_globals`) returning a list of records, TLA+'s ``pc[i] \\in
{"YES", "NO"}`` in Init (nbacg_guer01.tla's votes): one initial state per
combination, checked against a plain model and brute force."""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

import pytest

from checker import CheckConfig, Model, ModelDefinitionError, Param, check
from models.kit import ActorModel, Node, ids, step
from tests.brute_force import orbit_counts_agree

Proc = ids("procs", "p", first=1, named=True)


class Vote(NamedTuple):
    pc: str = "NO"  # YES, NO, or DONE once a YES is carried out


class Round(NamedTuple):
    """The global: which round the run is in (two to start from)."""

    round: int = 0


class Commit(NamedTuple):
    p: Proc


class Voter(Node):
    ids = Proc
    state = Vote

    def initial(self):
        return [Vote("YES"), Vote("NO")]

    @step(Commit)
    def commit(self, s):
        """A process that voted YES carries it out."""
        if s.pc != "YES":
            return None
        return s._replace(pc="DONE"), []


class Votes(ActorModel):
    name = "votes"
    params = (Param("procs", 2, "processes", minimum=1),)
    roles = (Voter,)
    next = ((Voter.commit,),)
    symmetry_sets = ("procs",)


class Rounds(Votes):
    name = "votes-in-rounds"
    globals = Round

    def initial_globals(self):
        return [Round(0), Round(1)]


class PlainVotes(Model):
    """The same, written the obvious way: a tuple of each process's pc."""

    name = "plain-votes"
    params = (Param("procs", 2, "processes", minimum=1),)
    actions = (Commit,)

    def initial_states(self):
        return list(product(("YES", "NO"), repeat=self.procs))

    def successors(self, state):
        return [(Commit(i), state[:i] + ("DONE",) + state[i + 1:])
                for i, pc in enumerate(state) if pc == "YES"]


@pytest.mark.parametrize("procs, states, orbits", [(1, 3, 3), (2, 9, 6), (3, 27, 10)])
def test_each_combination_of_the_nodes_choices_is_an_initial_state(procs, states, orbits):
    model = Votes(procs=procs)
    assert len(model.initial_states()) == 2 ** procs
    assert [model.records(s, Voter) for s in model.initial_states()[:2]] == [
        (Vote("YES"),) * procs, (Vote("YES"),) * (procs - 1) + (Vote("NO"),)]
    whole = check(model, CheckConfig(properties=()))
    plain = check(PlainVotes(procs=procs), CheckConfig(properties=()))
    assert (whole.stats.distinct_states, whole.stats.depth) == (
        plain.stats.distinct_states, plain.stats.depth) == (states, procs)
    # (brute force: the orbits of every reachable state, each run reduced)
    assert orbit_counts_agree(lambda: Votes(procs=procs), [("procs",)]) == (states, orbits)


def test_a_list_of_globals_multiplies_the_initial_states():
    model = Rounds(procs=2)
    assert len(model.initial_states()) == 8
    assert [model.globals_of(s) for s in model.initial_states()[:2]] == [Round(0), Round(1)]
    assert check(model, CheckConfig(properties=())).stats.distinct_states == 18


class Empty(Voter):
    def initial(self):
        return []


class NoVoters(Votes):
    roles = (Empty,)
    next = ((Empty.commit,),)


class WrongGlobals(Rounds):
    def initial_globals(self):
        return [Round(0), Vote("NO")]


def test_an_empty_choice_or_a_record_of_another_type_is_refused():
    with pytest.raises(ModelDefinitionError) as empty:
        NoVoters().initial_states()
    assert str(empty.value) == (
        "model 'votes': Empty.initial() returned an empty list; return a record, or a list "
        "of the records a run may start with")
    with pytest.raises(ModelDefinitionError) as wrong:
        WrongGlobals().initial_states()
    assert str(wrong.value) == (
        "model 'votes-in-rounds': initial_globals() returned Vote(pc='NO'); return a Round "
        "(or a list of them, one initial state each)")
