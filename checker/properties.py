"""Named properties: what a model claims, declared by decorating its methods.

Three kinds, as the checker treats them:

- ``invariant``: must hold in every reachable state. ``f(self, state)``.
- ``transition``: must hold for every step. ``f(self, state, action, next_state)``.
- ``reachable``: some reachable state must satisfy it; the engine returns a
  witness trace. ``f(self, state)``. Used for vacuity checks ("a value is
  chosen") and for "show me a run where ..." questions.

A predicate returns something truthy when the property holds of its argument.
To say *why* it fails, return ``Fails("s1 and s2 are both leader in term 2")``,
which is falsy and carries the reason into the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

KINDS = ("invariant", "transition", "reachable")


class Fails:
    """A failing property result that explains itself (falsy)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Fails({self.reason!r})"


def reason_of(outcome: Any) -> str | None:
    """The explanation a predicate gave for failing, if it gave one."""
    return outcome.reason if isinstance(outcome, Fails) else None


@dataclass(frozen=True)
class Property:
    """A named claim about a model. `name` is the snake_case spec name (the
    method's name), `title` the paper's name ("Election Safety")."""

    name: str
    title: str
    kind: str
    doc: str


def _declare(kind: str, title: str) -> Callable[[Callable], Callable]:
    def mark(function: Callable) -> Callable:
        function.__checker_property__ = Property(
            name=function.__name__, title=title, kind=kind,
            doc=" ".join((function.__doc__ or "").split()))
        return function
    return mark


def invariant(title: str) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as an invariant named `title`."""
    return _declare("invariant", title)


def transition(title: str) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state, action, next_state)`` as a step property."""
    return _declare("transition", title)


def reachable(title: str) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as a state some run must reach (a witness)."""
    return _declare("reachable", title)
