"""Symmetry reduction: exact orbit counts, fast = reference canonical form,
counterexamples that are real runs, and refusal of unsound symmetry."""

from __future__ import annotations

from math import comb
from typing import NamedTuple

import pytest

from checker import CheckConfig, CheckerError, Model, ModelDefinitionError, check, explore
from checker.symmetry_guard import SoundnessGuard
from checker.properties import invariant
from checker.symmetry import Symmetry, compose, inverse
from models.kit import Symmetric, ids
from tests.brute_force import assert_real_run, orbit_count, reachable_states
from tests.toys import Increment, Tokens


@pytest.mark.parametrize("processes, limit", [(3, 2), (4, 1), (4, 3), (2, 5)])
def test_orbit_count_is_exact(processes, limit):
    model = Tokens(processes=processes, limit=limit)
    full = check(model, CheckConfig(properties=("one_at_limit",)))
    reduced = check(model, CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))
    assert full.stats.distinct_states == (limit + 1) ** processes
    assert reduced.stats.distinct_states == comb(processes + limit, limit)
    assert reduced.stats.distinct_states == orbit_count(model, reachable_states(model), ["processes"])
    assert reduced.stats.depth == full.stats.depth == processes * limit
    assert reduced.stats.symmetry == ("processes",)


def test_fast_canonical_form_equals_reference_on_every_state():
    model = Tokens(processes=4, limit=2)
    symmetry = Symmetry(model, ["processes"])
    assert symmetry.order == 24
    for state in reachable_states(model):
        fast, fast_perm = symmetry.canonical(state)
        slow, _ = symmetry.reference(state)
        assert fast == slow
        assert model.permute(state, fast_perm) == fast


def test_counterexample_with_symmetry_is_a_real_run():
    model = Tokens(processes=3, limit=2)
    result = check(model, CheckConfig(properties=("not_all_at_limit",),
                                      symmetry=("processes",)))
    trace = result.violation("not_all_at_limit").trace
    assert len(trace) == 6
    assert trace.final == (2, 2, 2)
    assert_real_run(model, trace)


def test_witness_with_symmetry_is_a_real_run():
    model = Tokens(processes=3, limit=2)
    result = check(model, CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))
    trace = result.witness("one_at_limit").trace
    assert trace.actions == (Increment(0), Increment(0))
    assert trace.final == (2, 0, 0)


def test_unsound_symmetry_is_refused_naming_the_property():
    with pytest.raises(CheckerError, match="symmetry over processes is unsound for model "
                                           "'tokens': property 'first_below_limit'"):
        check(Tokens(), CheckConfig(properties=("first_below_limit",),
                                    symmetry=("processes",)))


class Lopsided(Tokens):
    """Tokens with properties that tell processes apart only where one
    counter is 5 and another 4: at depth 9 and below, past the first states
    explored, and in no representative (which lists counters in ascending
    order) nor any image of one by a swap of neighbours."""

    name = "lopsided"

    @invariant("Four Then Five")
    def four_then_five(self, state):
        return not (state[0] == 4 and state[1] == 5)

    @invariant("Five Then Four")
    def five_then_four(self, state):
        return not (state[0] == 5 and state[1] == 4)


@pytest.mark.parametrize("workers, exact", [(1, False), (1, True), (2, False)])
@pytest.mark.parametrize("name", ["four_then_five", "five_then_four"])
def test_a_property_telling_processes_apart_only_deep_down_is_refused(monkeypatch, name,
                                                                      workers, exact):
    """Without symmetry each is violated in 9 steps; with it, the guard's
    sample spread over the run (one state in 64, by fingerprint, the same
    whatever the processes) refuses it."""
    monkeypatch.setattr(explore, "FORK_MIN", 16)  # partitioned from 16 states
    model = Lopsided(processes=6, limit=5)
    plain = check(model, CheckConfig(properties=(name,)))
    assert len(plain.violation(name).trace) == 9
    first_two = {"four_then_five": (4, 5), "five_then_four": (5, 4)}[name]
    assert plain.violation(name).trace.final == first_two + (0,) * 4
    with pytest.raises(CheckerError, match=f"symmetry over processes is unsound for model "
                                           f"'lopsided': property '{name}' .* changes when "
                                           "elements are renamed"):
        check(model, CheckConfig(properties=(name,), symmetry=("processes",),
                                 workers=workers, exact=exact))


def test_a_counterexample_that_its_real_run_does_not_show_is_refused(monkeypatch):
    """Where the sample misses (here: made to see the first states only),
    the counterexample is checked on the real run it reports: a property
    that tells processes apart fails on a representative and holds on the
    state it stands for. What the sample alone would have said: a
    counterexample ending where the property holds, or "holds"."""
    monkeypatch.setattr(SoundnessGuard, "SPREAD", 1 << 64)
    model = Lopsided(processes=6, limit=5)
    with pytest.raises(CheckerError, match="symmetry over processes is unsound for model "
                                           "'lopsided': property 'four_then_five' "
                                           r"\(Four Then Five\) gives one answer on a "
                                           "representative state and another on the real "
                                           "state it stands for"):
        check(model, CheckConfig(properties=("four_then_five",), symmetry=("processes",)))
    # (no representative fails five_then_four: only the spread sample sees it)
    assert check(model, CheckConfig(properties=("five_then_four",),
                                    symmetry=("processes",))).verdict == "holds"


def test_a_permute_that_does_not_commute_is_a_definition_error():
    class Wrong(Tokens):
        def permute(self, state, perm):
            return state  # ignores the renaming

    with pytest.raises(ModelDefinitionError) as raised:
        check(Wrong(), CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))
    assert str(raised.value) == (
        "model 'tokens': renaming by {'processes': (1, 0, 2)} does not commute with "
        "successors(): the successors of a renamed state must be the renamed successors "
        "(the renamed step Increment(process=0) reaches a state that differs); fix "
        "permute()/permute_action() or the symmetry declared")


class Moved(NamedTuple):
    counters: tuple
    last: int | None  # the process that moved last


class Forgets(Tokens):
    """Tokens that remember which process moved last, and a permute that
    forgets to rename it."""

    name = "forgets"

    def initial_states(self):
        return [Moved((0,) * self.processes, None)]

    def successors(self, state):
        for action, counters in super().successors(state.counters):
            yield action, Moved(counters, action.process)

    def permute(self, state, perm):
        return Moved(super().permute(state.counters, perm), state.last)

    def signatures(self, state):
        return {"processes": state.counters}

    def not_all_at_limit(self, state):
        return super().not_all_at_limit(state.counters)

    def one_at_limit(self, state):
        return super().one_at_limit(state.counters)


def test_a_permute_that_forgets_a_field_is_named_by_that_field():
    with pytest.raises(ModelDefinitionError, match=r"\(the renamed step Increment\(process=0\) "
                                                   r"reaches a state that differs in its field "
                                                   r"'last'\)"):
        check(Forgets(), CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))


class NoRenaming(Tokens):
    permute = Model.permute
    permute_action = Model.permute_action


class NoGroups(Tokens):
    def symmetry_groups(self):
        return {}


@pytest.mark.parametrize("model, message", [
    (NoRenaming, "model 'tokens' declares symmetric sets but not permute or permute_action; "
                 "define them to rename a state's and a step's elements (or write the model "
                 "with the kit, which derives them), or check without symmetry"),
    (NoGroups, "model 'tokens': symmetry_groups() gives no groups for the symmetric set "
               "'processes' (it gives none); define symmetry_groups, permute and "
               "permute_action for each set in symmetry_sets, or write the model with the "
               "kit, which derives them"),
])
def test_a_plain_model_without_its_renaming_is_refused_with_the_fix(model, message):
    with pytest.raises(CheckerError) as error:
        check(model(), CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))
    assert str(error.value) == message


class Undeclared(Tokens):
    symmetry_sets = ()  # (its symmetry_groups names 'processes')


def test_a_set_the_model_does_not_declare_is_refused_naming_the_declaration():
    with pytest.raises(CheckerError) as error:
        check(Undeclared(), CheckConfig(properties=("one_at_limit",), symmetry=("processes",)))
    assert str(error.value) == (
        "model 'tokens' has no symmetric set 'processes'; sets: none; if its "
        "symmetry_groups names 'processes', declare the sets on the class (symmetry_sets = "
        "('processes',))")


def test_symmetry_true_reduces_by_every_declared_set_as_a_spec_s_symmetry_true():
    config = dict(properties=("one_at_limit",))
    every = check(Tokens(), CheckConfig(symmetry=True, **config))
    named = check(Tokens(), CheckConfig(symmetry=("processes",), **config))
    assert every.stats.distinct_states == named.stats.distinct_states == comb(3 + 2, 2)
    assert every.stats.symmetry == ("processes",)
    assert check(Tokens(), CheckConfig(symmetry=False, **config)).stats.distinct_states == 27
    with pytest.raises(CheckerError) as error:
        check(Undeclared(), CheckConfig(symmetry=True, **config))
    assert str(error.value) == ("model 'tokens' declares no symmetric sets (`symmetry_sets`), "
                                "so symmetry=True would reduce nothing")


@pytest.mark.parametrize("value", ["processes", ["processes", 1]])
def test_symmetry_neither_a_tuple_of_names_nor_a_bool_is_refused_at_once(value):
    with pytest.raises(TypeError) as error:
        CheckConfig(symmetry=value)
    assert str(error.value) == (
        f"CheckConfig(symmetry={value!r}): give a tuple of the model's symmetric set names "
        "(('servers',)), True for every set it declares, or () for none")


def test_compose_and_inverse():
    p = {"s": (1, 2, 0)}
    assert compose(p, inverse(p)) == {"s": (0, 1, 2)}
    assert compose({"s": (0, 2, 1)}, p) == {"s": (2, 1, 0)}


class Marked(Model):
    """Two processes, each unset (None) or set; signatures name the value,
    None among them, which does not compare with `<`."""

    name, symmetry_sets = "marked", ("procs",)

    def initial_states(self):
        return [(None, None)]

    def successors(self, state):
        return [(Increment(p), state[:p] + ((1,),) + state[p + 1:])
                for p in range(2) if state[p] is None]

    def symmetry_groups(self):
        return {"procs": [[0, 1]]}

    def permute(self, state, perm):
        out = [None, None]
        for p in range(2):
            out[perm["procs"][p]] = state[p]
        return tuple(out)

    def permute_action(self, action, perm):
        return Increment(perm["procs"][action[0]])

    def signatures(self, state):
        return {"procs": list(state)}

    @invariant("Fine")
    def fine(self, state):
        return True


class UnhashableMarks(Marked):
    def signatures(self, state):
        return {"procs": [list(value) if value else None for value in state]}


class RaisingMarks(Marked):
    def signatures(self, state):
        return {"procs": [len(value) for value in state]}  # len(None) raises


def test_signatures_of_any_values_order_by_the_engine_s_order():
    # None and tuples side by side: sorted as the canonical form sorts states
    result = check(Marked(), CheckConfig(symmetry=("procs",), deadlock=False))
    assert (result.verdict, result.stats.distinct_states) == ("holds", 3)
    symmetry = Symmetry(Marked(), ("procs",))
    for state in [(None, None), ((1,), None), (None, (1,)), ((1,), (1,))]:
        assert symmetry.canonical(state)[0] == symmetry.reference(state)[0]


@pytest.mark.parametrize("model, message", [
    (UnhashableMarks(), "model 'marked': signatures() gave a value that is not hashable "
                        "((([1], None),)); give tuples, not lists"),
    (RaisingMarks(), "model 'marked': permute() or signatures() raised TypeError: object of "
                     "type 'NoneType' has no len() at tests/checker/test_symmetry.py:"),
])
def test_a_model_s_signatures_that_fail_are_a_definition_error(model, message):
    with pytest.raises(ModelDefinitionError) as refused:
        check(model, CheckConfig(symmetry=("procs",), deadlock=False))
    assert str(refused.value).startswith(message)


Proc = ids("procs", "p", first=1, named=True)


class KeptState(NamedTuple):
    d: Proc | None
    x: frozenset[Proc]


class Stay(NamedTuple):
    pass


def test_a_view_setting_a_field_to_a_fixed_element_is_refused_saying_what_to_do():
    # (the symmetric random programs against TLC: a VIEW leaving out d, a
    # process, by setting it to the first one is no view renaming respects;
    # None, the field typed Proc | None, is)
    class Kept(Symmetric, Model):
        name = "view-kept"
        actions = (Stay,)
        state_type = KeptState
        symmetry_sets = ("procs",)
        procs = 2
        fixed = 0  # what view() sets d to

        def initial_states(self):
            return [KeptState(d, frozenset({p})) for d in range(2) for p in range(2)]

        def successors(self, s):
            return [(Stay(), s)]

        def view(self, s):
            return s._replace(d=self.fixed)

    with pytest.raises(CheckerError, match=(
            r"symmetry over procs is unsound for model 'view-kept': its view \(view\(\)\) is "
            r"not renamed as the state is .*: a field it sets to a fixed element is renamed "
            r"in the state but not in the view; set such a field to a value renaming leaves "
            r"alone \(None, the field typed Element \| None\)")):
        check(Kept(), CheckConfig(properties=(), symmetry=("procs",), deadlock=False))
    Kept.fixed = None
    result = check(Kept(), CheckConfig(properties=(), symmetry=("procs",), deadlock=False))
    assert result.stats.distinct_states == 1  # {p1} and {p2} one orbit, d left out
