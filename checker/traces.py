"""Back-pointers for every visited state, and traces rebuilt from them.

For each distinct state the engine keeps only where it came from: its
parent's number and which successor of the parent it was (5 bytes: 4 and,
as long as no state has more than 256 successors, 1). A trace
is rebuilt as TLC does, by re-executing those steps from an initial state;
the model's successor order is part of its contract, and replay checks it.
"""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np

from checker.errors import ModelDefinitionError
from checker.result import Step, Trace
from checker.symmetry import compose, inverse

NO_PARENT = 0xFFFFFFFF
#: Type codes of the ordinals' array, narrowest first: it is widened when
#: an ordinal does not fit.
_ORDINAL_CODES = "BHI"


class BackPointers:
    """Parent and successor number of each state, indexed by state number.

    A *location* ``(parent, ordinal)`` names a state without storing it: the
    `ordinal`-th successor of state `parent`, or the `ordinal`-th initial
    state when `parent` is NO_PARENT.
    """

    def __init__(self) -> None:
        self.parents = array("I")
        self.ordinals = array(_ORDINAL_CODES[0])

    def __len__(self) -> int:
        return len(self.parents)

    def extend(self, parents: Any, ordinals: Any) -> None:
        """Record new states, numbered in order after those already held
        (lists, or numpy arrays: copied in bulk)."""
        if isinstance(parents, np.ndarray):
            self.parents.frombytes(parents.astype(np.uint32).tobytes())
            if not len(ordinals) or int(ordinals.max()) < 1 << 8 * self.ordinals.itemsize:
                self.ordinals.frombytes(ordinals.astype(self.ordinals.typecode).tobytes())
                return
            parents, ordinals = [], ordinals.tolist()  # too wide: see below
        self.parents.extend(parents)
        held = len(self.ordinals)
        try:
            self.ordinals.extend(ordinals)
        except OverflowError:
            del self.ordinals[held:]  # the ordinals that fitted, added one by one
            wider = _ORDINAL_CODES[_ORDINAL_CODES.index(self.ordinals.typecode) + 1]
            self.ordinals = array(wider, self.ordinals)
            self.extend([], ordinals)

    def location(self, number: int) -> tuple[int, int]:
        return self.parents[number], self.ordinals[number]

    @property
    def nbytes(self) -> int:
        return (self.parents.itemsize * len(self.parents)
                + self.ordinals.itemsize * len(self.ordinals))

    def path(self, parent: int, ordinal: int) -> list[int]:
        """Successor numbers from an initial state to the location."""
        ordinals = [ordinal]
        while parent != NO_PARENT:
            ordinals.append(self.ordinals[parent])
            parent = self.parents[parent]
        ordinals.reverse()
        return ordinals


def replay(model: Any, path: list[int], expected_final: Any = None,
           symmetry: Any = None) -> Trace:
    """Re-execute `path` (as from `BackPointers.path`) on the model.

    If `expected_final` is given, the replayed run must end in it; otherwise
    the model's successors are not deterministic, which the engine relies on.

    With `symmetry`, the path was recorded among representatives: step k is
    the path's successor of the k-th representative. The trace returned is
    a real run of the unreduced model: each representative's step is
    renamed back through the permutation that took the concrete state to
    that representative.
    """
    initial = list(model.initial_states())
    state = initial[path[0]]
    steps = [Step(None, state)]
    if symmetry is not None:
        current, to_representative = symmetry.canonical(state)
    else:
        current, to_representative = state, None
    reached = current
    for ordinal in path[1:]:
        successors = list(model.successors(current))
        if ordinal >= len(successors):
            _nondeterministic(model)
        action, reached = successors[ordinal]
        if symmetry is None:
            current = reached
            steps.append(Step(action, reached))
            continue
        back = inverse(to_representative)
        steps.append(Step(model.permute_action(action, back), model.permute(reached, back)))
        current, renaming = symmetry.canonical(reached)
        to_representative = compose(renaming, to_representative)
    if expected_final is not None and expected_final != reached and expected_final != current:
        _nondeterministic(model)
    return Trace(tuple(steps))


def _nondeterministic(model: Any) -> None:
    raise ModelDefinitionError(
        f"model {model.name!r}: replaying a trace gave different successors than "
        "exploration did; successors() must yield steps in a deterministic order "
        "(sort before iterating any set or dict)")
