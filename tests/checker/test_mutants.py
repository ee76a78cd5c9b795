"""Mutants of a plain model as subclasses (`Model.mutant`), as the kit's are."""

from __future__ import annotations

import pytest

import checker
from checker import CheckConfig, Model
from checker.errors import ModelDefinitionError, ParamError
from tests.toys import Counter, Step


class Climb(Counter):
    """Counter under another name, with a mutant of its own."""

    name = "climb"

    @checker.invariant("Never Back")
    def never_back(self, state):
        return state >= 0


@Climb.mutant("steps_back", "a step of -1 as well: Never Back fails")
class StepsBack(Climb):
    def successors(self, state):
        return [*super().successors(state), (Step(-1), state - 1)]


def test_a_mutant_subclass_is_built_by_its_name_and_its_override_is_the_deviation():
    assert type(Climb(mutant="steps_back")) is StepsBack
    assert type(Climb()) is Climb
    assert Climb(mutant="steps_back").mutant == "steps_back"
    result = checker.check(Climb(mutant="steps_back"), CheckConfig(properties=("never_back",)))
    finding = result.violation("never_back")
    assert ([str(a) for a in finding.trace.actions], finding.trace.final) == (["Step(by=-1)"], -1)
    assert checker.check(Climb(), CheckConfig(properties=("never_back",))).verdict == "holds"


def test_declaring_a_mutant_leaves_the_bases_mutants_alone():
    assert Climb.mutants == {"steps_back": "a step of -1 as well: Never Back fails"}
    assert Counter.mutants == {} and Model.mutants == {}
    with pytest.raises(ParamError, match="counter has no mutant 'steps_back'; it has none"):
        Counter(mutant="steps_back")


def test_a_mutant_that_is_not_a_subclass_is_refused():
    with pytest.raises(ModelDefinitionError) as refused:
        Climb.mutant("odd", "not a climb")(Counter)
    assert str(refused.value) == ("mutant 'odd' of 'climb': Counter must be a subclass of "
                                  "Climb")


class EvenClimb(Climb):
    """A user's subclass of a model with mutants, as BoundedBakery is of
    Bakery: a step of its own (only steps of 2) and a property of its own."""

    name = "even-climb"

    def successors(self, state):
        return [(Step(2), state + 2)]

    @checker.invariant("Even")
    def even(self, state):
        return state % 2 == 0


def test_a_subclass_built_with_its_base_s_mutant_runs_the_mutant_on_the_subclass():
    # Before, EvenClimb(mutant="steps_back") was accepted (the mutants table
    # is inherited) and built EvenClimb itself: the run said mutant
    # steps_back and checked the model without its deviation
    model = EvenClimb(mutant="steps_back")
    assert isinstance(model, StepsBack) and isinstance(model, EvenClimb)
    assert (model.name, model.mutant, type(model).__name__) == ("even-climb", "steps_back",
                                                                "StepsBack")
    assert type(EvenClimb(mutant="steps_back")) is type(model)     # built once
    assert set(type(model).properties) == {"not_forbidden", "grows", "never_back", "even"}
    assert [str(a) for a, _ in model.successors(4)] == ["Step(by=2)", "Step(by=-1)"]
    result = checker.check(model, CheckConfig(properties=("never_back",)))
    assert result.violation("never_back").trace.final == -1
    assert checker.check(EvenClimb(), CheckConfig(properties=("never_back", "even"))
                         ).verdict == "holds"
    assert type(StepsBack(mutant="steps_back")) is StepsBack
    assert type(type(model)(mutant="steps_back")) is type(model)
