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

Five temporal kinds, about whole behaviours (infinite runs, a run that
stops being one that stutters for ever), checked on the graph of reachable
states under the spec's fairness (`checker.liveness`); a counterexample is
a lasso, a stem and a loop repeated for ever:

- ``eventually``: every behaviour reaches a state satisfying
  ``f(self, state)`` (TLA+'s ``<>P``, Termination: "a value is eventually
  chosen").
- ``leads_to``: ``f(self, state)`` returns a pair ``(p, q)``; whenever p
  holds, q holds then or later (``P ~> Q``).
- ``always_eventually``: ``f(self, state)`` holds again and again, for ever
  (``[]<>P``).
- ``eventually_always``: from some point on, ``f(self, state)`` holds for
  ever (``<>[]P``: stability, "a leader is eventually stable").

Each takes ``witness=True`` for its negation, a witness: "some behaviour
never ..."; the lasso found is then the witness. Each takes ``each="process"``
for a property of every member of a set (``\\A i : Trying(i) ~> InCS(i)``):
the predicate returns a dict, one value per member by name (``{"p1": (trying,
in_cs), ...}``, the same names in every state), each member is checked
apart, and a counterexample names the member it is of. Temporal properties are
never checked by default (``default=False``): a spec names them, with the
fairness it assumes.

A predicate returns something truthy when the property holds of its argument.
To say *why* it fails, return ``Fails("s1 and s2 are both leader in term 2")``,
which is falsy and carries the reason into the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from checker.errors import (CheckerError, ModelDefinitionError, no_answer, raised_in_model,
                            where_in_model)

KINDS = ("invariant", "transition", "reachable")
TEMPORAL = ("eventually", "leads_to", "always_eventually", "eventually_always", "once_always")
#: The temporal kinds whose predicate returns a pair (p, q)
PAIRED = ("leads_to", "once_always")


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
    """A named claim about a model. `name` is the name a spec uses (the
    method's name, or the name a spec gives its expression), `title` the
    paper's name ("Election Safety"). `default`: whether a spec that lists
    no properties checks it (every safety property and the witnesses that
    make sense for any run; not scenario witnesses)."""

    name: str
    title: str
    kind: str
    doc: str
    default: bool = True
    #: A temporal property claimed as its negation ("some behaviour never
    #: ..."): the lasso found is its witness.
    witness: bool = False
    #: A temporal property of every member of a set, what a member is called
    #: ("process"): the predicate gives a dict of one value per member.
    each: str | None = None

    @property
    def temporal(self) -> bool:
        return self.kind in TEMPORAL

    @property
    def finite(self) -> bool:
        """Whether a finite path breaks it (``once_always``: a replayed run
        that is no lasso can), where the other temporal kinds need a lasso."""
        return self.kind == "once_always"


def title_of(name: str) -> str:
    """The title of a property a spec names: its words spaced and the first
    capitalised, the rest as written, so that ``election_safety`` reads
    "Election safety" and a TLA+ name keeps its capitals (``TypeOK``,
    ``Type_OK``: "Type OK")."""
    words = " ".join(name.replace("_", " ").split()) or name
    return words[0].upper() + words[1:]


def _declare(kind: str, title: str, default: bool = True, witness: bool = False,
             each: str | None = None) -> Callable[[Callable], Callable]:
    if not isinstance(title, str):
        # ``@invariant`` without its title would make the method the
        # decorator's title and leave it no property: checked by nothing
        shown = getattr(title, "__name__", repr(title))
        raise ModelDefinitionError(
            f"@{kind} on {shown}: give the property a title, as @{kind}(\"{title_of(shown)}\")"
            if callable(title) else f"@{kind}: the title must be a string, not {shown}")

    def mark(function: Callable) -> Callable:
        function.__checker_property__ = Property(
            name=function.__name__, title=title, kind=kind,
            doc=" ".join((function.__doc__ or "").split()), default=default,
            witness=witness, each=each)
        return function
    return mark


def invariant(title: str, default: bool = True) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as an invariant named `title`;
    ``default=False`` for one checked only when named (a reading of the
    spec's that its configuration does not check, a scenario's)."""
    return _declare("invariant", title, default)


def transition(title: str, default: bool = True) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state, action, next_state)`` as a step property;
    ``default=False`` for a scenario's, checked only when named."""
    return _declare("transition", title, default)


def reachable(title: str, default: bool = True) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as a state some run must reach (a witness);
    ``default=False`` for a scenario witness, checked only when named."""
    return _declare("reachable", title, default)


def eventually(title: str, witness: bool = False,
               each: str | None = None) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as ``<>P``: every behaviour reaches it
    (with `witness`: some behaviour never does)."""
    return _declare("eventually", title, default=False, witness=witness, each=each)


def leads_to(title: str, witness: bool = False,
             each: str | None = None) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state) -> (p, q)`` as ``P ~> Q`` (with `witness`:
    some behaviour reaches p and never q after)."""
    return _declare("leads_to", title, default=False, witness=witness, each=each)


def always_eventually(title: str, witness: bool = False,
                      each: str | None = None) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as ``[]<>P`` (with `witness`: some
    behaviour ends up never satisfying it)."""
    return _declare("always_eventually", title, default=False, witness=witness, each=each)


def eventually_always(title: str, witness: bool = False,
                      each: str | None = None) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state)`` as ``<>[]P``: every behaviour ends up
    satisfying it for ever (with `witness`: some behaviour leaves it again
    and again)."""
    return _declare("eventually_always", title, default=False, witness=witness, each=each)


def once_always(title: str, witness: bool = False,
                each: str | None = None) -> Callable[[Callable], Callable]:
    """Declare ``f(self, state) -> (p, q)`` as ``[](P => []Q)``: once p
    holds, q holds then and for ever after (with `witness`: some behaviour
    reaches p and later, or then, a state where q fails)."""
    return _declare("once_always", title, default=False, witness=witness, each=each)


#: The engine's own checks, reported as properties. A deadlock is a
#: reachable state with no successor that no bound explains (as TLC's
#: deadlock check); a bound stop is a state whose run ends only because a
#: bound ran out (no successor, or every successor outside the bounds):
#: not the protocol's fault, and reported apart, never as a violation.
DEADLOCK = Property("deadlock", "Deadlock", "deadlock",
                    "A reachable state has no successor and no bound explains why.")
#: An assertion is a step's own check (TLA+'s ``Assert(P, msg)``, PlusCal's
#: ``assert``): a model's ``successors`` that raises `AssertionError` (an
#: ``assert`` statement failing) from a state fails it there, as TLC
#: reports an Assert that evaluates to FALSE.
ASSERTION = Property("assertion", "Assertion", "assertion",
                     "A step from a reachable state fails an assert of the model.")
BOUND_STOP = Property("bound_stop", "Stopped by a bound", "bound_stop",
                      "A reachable state whose runs end only because a bound ran out.")
#: Why a state is a deadlock, and why one is a bound stop where the model
#: names no bound: each of its steps leaves the state constraint.
NO_STEP = "no action is enabled and no bound explains why"
EVERY_STEP_LEAVES = "every step from here leaves the bounds (within_bounds)"


def every_step_leaves(model: Any) -> str:
    """`EVERY_STEP_LEAVES`, naming the spec's constraints where it has some."""
    named = [constraint.name for constraint in getattr(model, "spec_constraints", ())]
    if not named:
        return EVERY_STEP_LEAVES
    from checker.model import Model

    own = type(model).within_bounds is not Model.within_bounds
    return ("every step from here leaves the bounds ("
            + ("within_bounds and " if own else "")
            + f"the spec's constraint{'s' if len(named) > 1 else ''} {', '.join(named)})")


def answer(model: Any, prop: Property, predicate: Callable[..., Any], *arguments: Any) -> Any:
    """`predicate(*arguments)`, `prop`'s answer on one state or step of
    `model`: what it raises, or None (a forgotten ``return``), is the
    model's mistake, named (a spec's expression names its own)."""
    try:
        outcome = predicate(*arguments)
    except (CheckerError, MemoryError):
        raise
    except (Exception, SystemExit) as error:
        raise raised_in_model(model.name, f"property {prop.name!r}", error) from None
    if outcome is None:
        raise no_answer(model.name, f"property {prop.name!r}", "True or False (or Fails(reason))")
    return outcome


def failed_assertion(error: AssertionError) -> str:
    """Why the state whose step raised `error` fails `ASSERTION`: the
    assert's message, its first line, and where in the model it is."""
    told = (str(error) or "assert failed").splitlines()[0]
    return f"a step from here fails its assertion: {told}{where_in_model(error)}"


def default_properties(properties: Iterable[Property]) -> tuple[Property, ...]:
    """Those of `properties` a spec that names none checks."""
    return tuple(prop for prop in properties if prop.default)


def select_properties(model: Any, names: tuple[str, ...] | None) -> tuple[Property, ...]:
    """The `model`'s properties named in `names` (when None, its default
    ones: every property but the scenario witnesses)."""
    if names is None:
        return default_properties(model.properties.values())
    unknown = [name for name in names if name not in model.properties]
    if unknown:
        raise CheckerError(f"model {model.name!r} has no property {unknown[0]!r}; "
                           f"it has {', '.join(model.properties)}")
    return tuple(model.properties[name] for name in names)
