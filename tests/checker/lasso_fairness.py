"""Whether a lasso's loop is fair, read off the model itself, for tests that
pin a lasso: the definitions of weak and strong fairness (docs/liveness.md)
applied to the loop's own states and steps, not to the liveness graph.

A loop is weakly fair to a family when one of its steps is of the family or
one of its states does not enable it; strongly fair when one of its steps is
of the family or none of its states enables it. A family is enabled in a
state where one of its steps leaves the state (a step to the same state is
stuttering, unless the model is a quotient); for a lasso that stalls at a
bound (`Finding.bound`), where one of its steps stays within the bounds.
Stuttering for ever (a loop of no step) takes nothing.
"""

from __future__ import annotations

from typing import Any

from checker.fairness import Fairness
from checker.model import has_bounds


def unfair_to(model: Any, fairness: tuple[tuple[str, str], ...], finding: Any) -> list[str]:
    """The fairness conditions the loop of `finding`'s lasso breaks, by
    label (``weak fairness to Go``); empty when it is fair."""
    conditions = Fairness(model, fairness)
    trace, start = finding.trace, finding.loop_start
    states = [step.state for step in trace.steps]
    assert 0 <= start <= len(trace)
    if start < len(trace):
        assert states[start] == states[-1], "the loop does not close"
    loop = states[start:-1] if start < len(trace) else states[-1:]
    taken = 0
    for before, step in zip(states[start:], trace.steps[start + 1:]):
        if model.quotient or step.state != before:
            taken |= conditions.mask(step.action)
    inside_only = finding.bound is not None and has_bounds(model)
    enabled = []
    for state in loop:
        bits = 0
        for action, target in model.successors(state):
            if (model.quotient or target != state) and (
                    not inside_only or model.within_bounds(target)):
                bits |= conditions.mask(action)
        enabled.append(bits)
    broken = []
    for place, label in enumerate(conditions.labels):
        bit = 1 << place
        if taken & bit:
            continue
        if bit & conditions.weak and all(bits & bit for bits in enabled):
            broken.append(label)
        if bit & conditions.strong and any(bits & bit for bits in enabled):
            broken.append(label)
    return broken
