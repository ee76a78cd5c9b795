"""Refusing symmetry the model does not have, by sampling.

A symmetry reduction (`symmetry`) keeps one representative of each set of
states equal up to renaming elements; it is sound only where renaming
commutes with the model's steps and no property, bound or view tells
renamed elements apart. The search asks `SoundnessGuard` to try that on a
sample of the states it meets, and refuses the run at the first
difference. Apart from `symmetry`, which computes representatives, because
this is the search's check on the model, run on its states as it goes.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from checker.errors import CheckerError, ModelDefinitionError
from checker.expressions import ExpressionProperty, TemporalExpression
from checker.fingerprints import Fingerprints
from checker.model import Model, action_text, has_bounds, has_view
from checker.properties import PAIRED, Property
from checker.symmetry import Symmetry
from checker.traces import NO_PARENT


class SoundnessGuard:
    """Refuses symmetry that the model does not have.

    On the first states explored it checks that renaming commutes with the
    successor function (the successors of the image are the images of the
    successors), for each generator of the group. On those states, and on
    one state in `SPREAD` after them (chosen by fingerprint, so that they
    lie at every depth, the same whatever the processes), it checks that
    every selected property and the state constraint give the same answer
    on the state and on its images under the generators and `DRAWN`
    renamings drawn from the fingerprint (a property may tell elements
    apart only in deep states, or only under a renaming that is no
    generator: swaps of neighbours in a representative, which lists its
    elements in order, may all agree).
    It samples: a spec's expressions are refused before the run where they
    read elements by position (`refuse_expressions_telling_apart`), and a
    counterexample is checked on the real run it reports
    (`findings.PropertyChecks._reason_on`).
    """

    SAMPLE = 300
    SPREAD = 64
    DRAWN = 8

    def __init__(self, model: Model, symmetry: Symmetry, properties: tuple[Property, ...],
                 exact: bool = False):
        self.model = model
        self.symmetry = symmetry
        self.generators = symmetry.generators()
        self.properties = properties
        self.states_left = self.SAMPLE
        self.steps_left = self.SAMPLE
        self._predicates = [(prop, getattr(model, prop.name)) for prop in properties
                            if prop.kind in ("invariant", "reachable")]
        self._bounded = has_bounds(model)
        self._viewed = has_view(model)
        # (exact runs keep states, not fingerprints: the sample is drawn by one)
        self._fingerprint = Fingerprints() if exact else None

    @property
    def pending(self) -> bool:
        return self.states_left > 0 or self.steps_left > 0

    def refuse_expressions_telling_apart(self) -> None:
        """A spec's expressions are read before the run: one that reads an
        element by position is refused wherever the states that show it
        lie (the sample sees only the first)."""
        groups = self.symmetry.groups
        positions = self.model.expression_positions(tuple(groups))
        for prop in self.properties:
            predicate = getattr(self.model, prop.name, None)
            if isinstance(predicate, (ExpressionProperty, TemporalExpression)):
                predicate.refuse_telling_apart(positions, groups)
        for constraint in getattr(self.model, "spec_constraints", ()):
            constraint.refuse_telling_apart(positions, groups)

    def check_states(self, states: list[Any], fingerprints: Any) -> None:
        """Check the new `states` (with their `fingerprints`) that the
        sample takes: the first, then one in `SPREAD`."""
        first = 0
        if self.states_left > 0:
            first = min(self.states_left, len(states))
            self.states_left -= first
            for state in states[:first]:
                self._check_state(state, 0)
        states, fingerprints = states[first:], fingerprints[first:]
        if self._fingerprint is not None:
            fingerprints = list(map(self._fingerprint, states))
        if isinstance(fingerprints, np.ndarray):
            picked = np.flatnonzero(fingerprints % np.uint64(self.SPREAD) == 0).tolist()
        else:
            picked = [k for k, fingerprint in enumerate(fingerprints)
                      if not fingerprint % self.SPREAD]
        for k in picked:
            self._check_state(states[k], int(fingerprints[k]))

    def _check_state(self, state: Any, fingerprint: int) -> None:
        model = self.model
        for perm in self.renamings(fingerprint):
            image = model.permute(state, perm)
            for prop, predicate in self._predicates:
                if bool(predicate(state)) != bool(predicate(image)):
                    self.refuse_changing(f"property {prop.name!r} ({prop.title})", perm)
            if self._bounded and model.within_bounds(state) != model.within_bounds(image):
                self.refuse_changing("the state constraint (within_bounds)", perm)
            if self._viewed and model.view(image) != model.permute(model.view(state), perm):
                self.refuse(self.model, [name for name, images in perm.items()
                                         if list(images) != sorted(images)],
                            "its view (view())", "is not renamed as the state is "
                            "(view(permute(s, p)) != permute(view(s), p)): a field it "
                            "sets to a fixed element is renamed in the state but not in "
                            "the view; set such a field to a value renaming leaves alone "
                            "(None, the field typed Element | None)")

    def renamings(self, fingerprint: int) -> list[dict[str, tuple[int, ...]]]:
        """`DRAWN` renamings of the group, drawn by `fingerprint` (the same
        ones for a state in every run)."""
        drawn, chance = [], random.Random(fingerprint)
        for _ in range(self.DRAWN):
            perm = {}
            for name, groups in self.symmetry.groups.items():
                images = list(self.symmetry.identity[name])
                for group in groups:
                    moved = list(group)
                    chance.shuffle(moved)
                    for element, image in zip(group, moved):
                        images[element] = image
                perm[name] = tuple(images)
            drawn.append(perm)
        return self.generators + drawn

    def check_steps(self, state: Any, steps: list, parent: int) -> None:
        if self.steps_left <= 0 or parent == NO_PARENT:
            return
        self.steps_left -= 1
        model = self.model
        transitions = [(p, getattr(model, p.name)) for p in self.properties
                       if p.kind == "transition"]
        for perm in self.generators:
            image = model.permute(state, perm)
            expected = {(model.permute_action(a, perm), model.permute(t, perm))
                        for a, t in steps}
            actual = set(model.successors(image))
            if actual != expected:
                fix = ("the sets declared symmetric are not interchangeable in this model: a "
                       "step treats some element apart (a handler comparing its node's id or "
                       "a field with a constant, a parameter naming one element); declare "
                       "symmetric only sets whose elements the model treats alike "
                       "(symmetry_sets), or check without symmetry (symmetry: false)"
                       if model.symmetry_derived else
                       "fix permute()/permute_action() or the symmetry declared")
                raise ModelDefinitionError(
                    f"model {model.name!r}: renaming by {dict(perm)} does not commute with "
                    "successors(): the successors of a renamed state must be the renamed "
                    f"successors{_difference(expected, actual)}; {fix}")
            for prop, predicate in transitions:
                for action, target in steps:
                    if bool(predicate(state, action, target)) != bool(predicate(
                            image, model.permute_action(action, perm),
                            model.permute(target, perm))):
                        self.refuse_changing(f"property {prop.name!r} ({prop.title})", perm)

    @staticmethod
    def members_apart(prop: Property, predicate: Any, state: Any, image: Any) -> bool:
        """Whether a property of each member of a set (`Property.each`) gives
        some member another answer on `image`, a renaming of `state`: the
        members are then renamed too (or the predicate reads elements
        renamed), and each member's property is not one of the orbits. (A
        predicate that does not return a dict is left to the graph, which
        says what it should return.)"""
        one, other = predicate(state), predicate(image)
        if not isinstance(one, dict) or not isinstance(other, dict):
            return False
        return _answers(prop, one) != _answers(prop, other)

    def refuse_changing(self, what: str, perm: Any) -> None:
        """`what` gave another answer on a state renamed by `perm`: refused."""
        names = [name for name, images in perm.items() if list(images) != sorted(images)]
        self.refuse(self.model, names, what, "changes when elements are renamed")

    @staticmethod
    def refuse(model: Model, names: Any, what: str, how: str) -> None:
        raise CheckerError(
            f"symmetry over {', '.join(names)} is unsound for model {model.name!r}: {what} "
            f"{how}; check it without symmetry (symmetry: false) or choose other sets")


def _answers(prop: Property, outcome: dict) -> dict:
    """Each member's answer: a truth, or a pair of truths (`PAIRED`)."""
    if prop.kind not in PAIRED:
        return {member: bool(value) for member, value in outcome.items()}
    return {member: (bool(value[0]), bool(value[1]))
            if isinstance(value, (tuple, list)) and len(value) == 2 else value
            for member, value in outcome.items()}


def _difference(expected: set, actual: set) -> str:
    """Where the renamed steps `expected` and the renamed state's steps
    `actual` first part: a step whose state differs (in which field, for a
    record), one missing, or one too many."""
    missing = sorted(expected - actual, key=repr)
    if missing:
        action, target = missing[0]
        reached = sorted((t for a, t in actual if a == action), key=repr)
        if reached:
            field = _first_field_apart(target, reached[0])
            return (f" (the renamed step {action_text(action)} reaches a state that differs"
                    + (f" in its field {field!r}" if field else "") + ")")
        return f" (the renamed state has no step {action_text(action)}, which renaming its step gives)"
    action, _ = sorted(actual - expected, key=repr)[0]
    return f" (the renamed state has a step {action_text(action)} that renaming no step gives)"


def _first_field_apart(one: Any, other: Any) -> str | None:
    """The first field of two records of one type whose values differ."""
    fields = getattr(type(one), "_fields", None)
    if fields is None or type(one) is not type(other):
        return None
    return next((name for name, a, b in zip(fields, one, other) if a != b), None)
