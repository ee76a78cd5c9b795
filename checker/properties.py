"""Named properties: what a model claims, declared by decorating its methods.

Three kinds, as the checker treats them:

- ``invariant``: must hold in every reachable state. ``f(self, state)``.
- ``transition``: must hold for every step. ``f(self, state, action, next_state)``.
- ``reachable``: some reachable state must satisfy it; the engine returns a
  witness trace. ``f(self, state)``. Used for vacuity checks ("a value is
  chosen") and for "show me a run where ..." questions. A scenario witness,
  reachable only from the starting configuration or with the options a
  particular spec sets up, is declared ``reachable(title, default=False)``:
  it is checked only when a spec names it in ``properties:``, so a plain run
  of the model never fails for a scenario it cannot reach.

A predicate returns something truthy when the property holds of its argument.
To say *why* it fails, return ``Fails("s1 and s2 are both leader in term 2")``,
which is falsy and carries the reason into the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

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
    method's name), `title` the paper's name ("Election Safety"). `default`:
    whether a spec that lists no properties checks it (every safety property
    and the witnesses that make sense for any run; not scenario witnesses)."""

    name: str
    title: str
    kind: str
    doc: str
    default: bool = True


def _declare(kind: str, title: str, default: bool = True) -> Callable[[Callable], Callable]:
    def mark(function: Callable) -> Callable:
        function.__checker_property__ = Property(
            name=function.__name__, title=title, kind=kind,
            doc=" ".join((function.__doc__ or "").split()), default=default)
        return function
    return mark


def invariant(title: str) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as an invariant named `title`."""
    return _declare("invariant", title)


def transition(title: str, default: bool = True) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state, action, next_state)`` as a step property;
    ``default=False`` for a scenario's, checked only when named."""
    return _declare("transition", title, default)


def reachable(title: str, default: bool = True) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as a state some run must reach (a witness);
    ``default=False`` for a scenario witness, checked only when named."""
    return _declare("reachable", title, default)


def default_properties(properties: Iterable[Property]) -> tuple[Property, ...]:
    """Those of `properties` a spec that names none checks."""
    return tuple(prop for prop in properties if prop.default)
