"""States equal as tuples that hold records of other types: caught on a sample.

Python compares named tuples as tuples, whatever their types: ``Prepare(1)
== Commit(1)``, and so ``(1, Prepare(1)) == (1, Commit(1))``. The visited
set must agree with equality (`--exact` keeps the states themselves; the
fingerprints' caches are keyed by value), so such a state is taken for the
other, and the states only one of them leads to are never explored. A
TLA+ spec tells such messages apart by a field (``type |-> "prepare"``); a
model must too. `RecordTypes` keeps the first successor met of each
fingerprint in a sample (every one of the first `SAMPLE` successors, then
those whose fingerprint is 0 modulo `SPREAD`: two equal states have one
fingerprint, so both are picked) and compares the types in any other it
meets: a pair of equal states whose records differ in type stops the run,
naming the two records and the fix.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from checker.errors import ModelDefinitionError


class RecordTypes:
    SAMPLE = 1024
    SPREAD = 1024
    #: States kept: past it the sample compares with those it has (a long
    #: run's states repeat the same shapes).
    LIMIT = 1 << 14

    def __init__(self, model_name: str):
        self.model_name = model_name
        self.left = self.SAMPLE
        self.kept: dict[Any, Any] = {}  # fingerprint -> the first state met with it

    def check_states(self, states: list[Any], fingerprints: Any, looked_up: Any) -> None:
        """Compare the successors `states` the sample picks (all, not only
        the new ones: a state taken for another is never new) with those met
        before with their `fingerprints` (in an exact run, the states
        themselves). `looked_up`: the fingerprints as a numpy array (any
        one-to-one image of them), to pick by at C speed, or None."""
        picked = list(range(min(self.left, len(states))))
        self.left -= len(picked)
        if len(states) > len(picked):
            if looked_up is not None:
                rest = looked_up[len(picked):] % np.uint64(self.SPREAD) == 0
                picked += (np.flatnonzero(rest) + len(picked)).tolist()
            else:  # exact: the states are their own keys, and equal ones hash alike
                picked += [k for k in range(len(picked), len(states))
                           if not hash(states[k]) % self.SPREAD]
        kept = self.kept
        for k in picked:
            key = fingerprints[k]
            known = kept.get(key)
            if known is None:
                if len(kept) < self.LIMIT:
                    kept[key] = states[k]
            elif known is not states[k] and known == states[k]:
                self._compare(known, states[k])

    def _compare(self, known: Any, state: Any) -> None:
        pair = differing(known, state)
        if pair is not None:
            a, b = pair
            raise ModelDefinitionError(
                f"model {self.model_name!r}: states holding {b!r} and {a!r} are equal, as "
                "Python compares records (named tuples) of two types with equal fields, so "
                "the checker would take one state for the other; give the types fields that "
                "tell them apart (a kind field, as TLA+ records carry type) or hold them in "
                "places of their own")


def differing(a: Any, b: Any) -> tuple[Any, Any] | None:
    """In equal values `a` and `b`, the outermost pair of records (named
    tuples) in one place whose types differ, or None."""
    if a is b:
        return None
    if isinstance(a, tuple) or isinstance(b, tuple):
        if type(a) is not type(b):
            return a, b
        for x, y in zip(a, b):
            found = differing(x, y)
            if found is not None:
                return found
        return None
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        theirs = {member: member for member in b}  # each member of a, as b holds it
        for member in a:
            found = differing(member, theirs[member])
            if found is not None:
                return found
    return None
