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
