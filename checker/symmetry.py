"""Symmetry reduction: one representative state per orbit.

A model declares its symmetric sets (``servers``, ``values``) and how a
permutation acts on its states and actions (`Model.permute`,
`Model.permute_action`); `Model.symmetry_groups` says which elements of
each set are interchangeable in this instance (a scenario that names a
server keeps that server fixed). The engine explores representatives only.

The representative of a state is the least of its images under the group,
in this order: first the vector of element *signatures* by position (a
model's `signatures` gives each element a permutation-invariant summary,
such as a Raft server's term, role and log), then the state itself
(`order_key`). Because signatures come first, the least image always lists
the elements of each group in ascending signature order, so the fast path
(`Symmetry.canonical`) only enumerates permutations within runs of equal
signatures; the reference (`Symmetry.reference`) enumerates the whole
group. Both give the same representative, which a test checks state by
state.

A permutation is a mapping ``{set name: images}``, where ``images[e]`` is
the new name of element ``e``.
"""

from __future__ import annotations

import dataclasses
from itertools import permutations, product
from typing import Any, Callable, Hashable, Mapping, Sequence

from checker.errors import CheckerError, ModelDefinitionError, shortened
from checker.model import Model, has_view

#: How many entries a `Remembered` table holds before it starts over.
REMEMBERED = 1 << 16


class Remembered(dict):
    """``table[key]`` is ``function(key)``, computed once: a dict look-up (a
    C call) when remembered, the common case in a model's symmetry hooks;
    starts over when it holds `size` entries (`REMEMBERED` by default), to
    bound memory."""

    def __init__(self, function: Callable[[Any], Any], size: int | None = None):
        super().__init__()
        self.function = function
        self.size = size

    def __missing__(self, key: Any) -> Any:
        if len(self) >= (REMEMBERED if self.size is None else self.size):
            self.clear()
        value = self[key] = self.function(key)
        return value

Permutation = Mapping[str, tuple[int, ...]]

#: Signature vectors whose permutations `Symmetry.canonical` remembers
#: before it starts over.
CHOICES_REMEMBERED = 1 << 16


def order_key(value: Any) -> Any:
    """A total, injective order on state values (tuples, named tuples,
    frozensets, dataclasses, ints, strings, None)."""
    if value is None:
        return (0,)
    if isinstance(value, (bool, int)):
        return (1, int(value), isinstance(value, bool))
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, tuple):
        return (3, type(value).__name__, tuple(map(order_key, value)))
    if isinstance(value, frozenset):
        return (4, tuple(sorted(map(order_key, value))))
    if dataclasses.is_dataclass(value):
        return (5, type(value).__name__,
                tuple(order_key(getattr(value, f.name)) for f in dataclasses.fields(value)))
    return (6, repr(value))


def compose(outer: Permutation, inner: Permutation) -> dict[str, tuple[int, ...]]:
    """The permutation that applies `inner`, then `outer`."""
    return {name: tuple(outer[name][image] for image in inner[name]) for name in inner}


def inverse(perm: Permutation) -> dict[str, tuple[int, ...]]:
    result = {}
    for name, images in perm.items():
        back = [0] * len(images)
        for element, image in enumerate(images):
            back[image] = element
        result[name] = tuple(back)
    return result


class Symmetry:
    """The permutation group of a model's chosen symmetric sets."""

    def __init__(self, model: Any, names: Sequence[str]):
        self.model = model
        declared = model.symmetry_groups()
        for name in names:
            if name not in model.symmetry_sets:  # (as a spec's `symmetry:` says it)
                raise CheckerError(
                    f"model {model.name!r} has no symmetric set {name!r}; sets: "
                    f"{', '.join(model.symmetry_sets) or 'none'}"
                    + (f"; if its symmetry_groups names {name!r}, declare the sets on the "
                       f"class (symmetry_sets = ({name!r},))" if name in declared else ""))
            if name not in declared:
                raise CheckerError(
                    f"model {model.name!r}: symmetry_groups() gives no groups for the "
                    f"symmetric set {name!r} (it gives {', '.join(declared) or 'none'}); "
                    "define symmetry_groups, permute and permute_action for each set in "
                    "symmetry_sets, or write the model with the kit, which derives them")
        missing = [method for method in ("permute", "permute_action")
                   if getattr(type(model), method) is getattr(Model, method)]
        if missing:
            raise CheckerError(
                f"model {model.name!r} declares symmetric sets but not {' or '.join(missing)}; "
                "define them to rename a state's and a step's elements (or write the model "
                "with the kit, which derives them), or check without symmetry")
        self.groups = {name: tuple(tuple(sorted(group)) for group in declared[name])
                       for name in names}
        self.identity = {name: tuple(range(sum(map(len, groups))))
                         for name, groups in self.groups.items()}
        self._signatures: Callable[[Any], Mapping[str, Sequence[Hashable]]] | None = (
            model.signatures if type(model).signatures is not Model.signatures else None)
        # The permutations `canonical` tries, by signature vector (see there).
        self._choices: dict[tuple, list[dict[str, tuple[int, ...]]]] = {}
        if has_view(model):
            # States are one by their views (`Model.view`): a state's
            # representative is its renaming that takes its view to the
            # view's representative.
            self.canonical = self._by_view(self.canonical)  # type: ignore[method-assign]
            self.reference = self._by_view(self.reference)  # type: ignore[method-assign]

    @property
    def order(self) -> int:
        """The number of permutations in the group."""
        count = 1
        for groups in self.groups.values():
            for group in groups:
                for k in range(2, len(group) + 1):
                    count *= k
        return count

    def permutations(self) -> list[dict[str, tuple[int, ...]]]:
        """Every permutation of the group, the identity first."""
        per_set = []
        for name, groups in self.groups.items():
            choices = []
            for images in product(*(permutations(group) for group in groups)):
                perm = list(self.identity[name])
                for group, image in zip(groups, images):
                    for element, new in zip(group, image):
                        perm[element] = new
                choices.append(tuple(perm))
            per_set.append([(name, perm) for perm in choices])
        return [dict(choice) for choice in product(*per_set)]

    def _signature_vector(self, state: Any) -> tuple:
        if self._signatures is None:
            return ()
        signatures = self._signatures(state)
        # ordered as `_orderings` sorts them: any values, None among them
        return tuple(tuple(map(order_key, signatures[name])) for name in self.groups)

    def reference(self, state: Any) -> tuple[Any, dict[str, tuple[int, ...]]]:
        """The representative of `state` and a permutation taking `state`
        to it, by trying every permutation (slow; the yardstick in tests)."""
        best = None
        for perm in self.permutations():
            image = self.model.permute(state, perm)
            key = (self._signature_vector(image), order_key(image))
            if best is None or key < best[0]:
                best = (key, image, perm)
        return best[1], best[2]

    def canonical(self, state: Any) -> tuple[Any, dict[str, tuple[int, ...]]]:
        """The same as `reference`, trying only the permutations that put
        each group's elements in ascending signature order.

        Which permutations those are depends only on the signature vector,
        so they are remembered by it (signatures must be hashable; models
        that give small ones, such as ranks, hit this table nearly always).
        When the tried permutations all give one image, the tied elements
        are interchangeable in this state and no order is needed. The
        permutations returned are shared: callers must not change them."""
        signatures = self._signatures(state) if self._signatures is not None else None
        key = (tuple([tuple(signatures[name]) for name in self.groups])
               if signatures is not None else ())
        try:
            choices = self._choices.get(key)
        except TypeError:
            raise ModelDefinitionError(
                f"model {self.model.name!r}: signatures() gave a value that is not hashable "
                f"({shortened(key)}); give tuples, not lists") from None
        if choices is None:
            per_set = []
            for name, groups in self.groups.items():
                marks = signatures[name] if signatures is not None else None
                per_set.append([(name, perm) for perm in
                                self._orderings(groups, marks, self.identity[name])])
            if len(self._choices) >= CHOICES_REMEMBERED:
                self._choices.clear()
            choices = self._choices[key] = [dict(choice) for choice in product(*per_set)]
        permute = self.model.permute
        first = permute(state, choices[0])
        if len(choices) == 1:
            return first, choices[0]
        images = {first: choices[0]}
        for perm in choices[1:]:
            images.setdefault(permute(state, perm), perm)
        if len(images) == 1:
            return first, choices[0]
        best = min(images, key=order_key)
        return best, images[best]

    def representative(self, state: Any) -> Any:
        return self.canonical(state)[0]

    def _by_view(self, canonical: Callable[[Any], tuple[Any, dict[str, tuple[int, ...]]]]
                 ) -> Callable[[Any], tuple[Any, dict[str, tuple[int, ...]]]]:
        view, permute = self.model.view, self.model.permute

        def of_view(state: Any) -> tuple[Any, dict[str, tuple[int, ...]]]:
            perm = canonical(view(state))[1]
            return permute(state, perm), perm
        return of_view

    @staticmethod
    def _orderings(groups: tuple[tuple[int, ...], ...], marks: Sequence[Hashable] | None,
                   identity: tuple[int, ...]) -> list[tuple[int, ...]]:
        """Permutations sending each group's elements, sorted by signature,
        to the group's positions; elements with equal signatures in every
        order."""
        runs_per_group = []
        for group in groups:
            if marks is None:
                runs_per_group.append([(group, group)])
                continue
            ordered = sorted(group, key=lambda element: order_key(marks[element]))
            runs, start = [], 0
            for end in range(1, len(ordered) + 1):
                if end == len(ordered) or marks[ordered[end]] != marks[ordered[start]]:
                    runs.append((tuple(ordered[start:end]), group[start:end]))
                    start = end
            runs_per_group.append(runs)
        options = []
        for group_runs in runs_per_group:
            for elements, positions in group_runs:
                options.append([tuple(zip(arrangement, positions))
                                for arrangement in permutations(elements)])
        result = []
        for choice in product(*options):
            perm = list(identity)
            for pairs in choice:
                for element, position in pairs:
                    perm[element] = position
            result.append(tuple(perm))
        return result

    # -- soundness --------------------------------------------------------------

    def generators(self) -> list[dict[str, tuple[int, ...]]]:
        """A generating set: swapping two neighbours of one group at a time."""
        result = []
        for name, groups in self.groups.items():
            for group in groups:
                for first, second in zip(group, group[1:]):
                    images = list(self.identity[name])
                    images[first], images[second] = second, first
                    perm = {n: self.identity[n] for n in self.groups}
                    perm[name] = tuple(images)
                    result.append(perm)
        return result
