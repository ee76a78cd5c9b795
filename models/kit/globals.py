"""Globals: the variables of no node, and what handlers declare of them.

TLA+ specs are full of variables that belong to no node: a client's
``observed`` events and ``pending`` commands (MultiPaxos.tla), a history, a
counter, a coordinator's token. A kit model holds them as one record
(``globals = Client`` on the `models.kit.model.ActorModel`), in the state
just after the nodes' records, and a method marked `derived` is a function
of that record (``terminated``) read by name as if a field.

A handler's result is remembered on what it reads, so what it reads of the
globals is declared (``reads_globals=``) and given as keyword parameters,
and nothing else of them reaches it: the values it reads are in its memo
key, a guard over the whole state (``~terminated``) is the read of one
derived boolean. What it writes is declared too (``writes_globals=``) and
returned as ``{name: new value}``. This module checks the declarations
against the record and the handlers' parameters, and turns a handler's
writes into the pairs the kit applies; each mistake is one line naming the
handler and the fix.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

from checker.errors import ModelDefinitionError, shortened
from models.kit.records import is_record_type

Wrong = Callable[[str], ModelDefinitionError]


def derived(function: Callable) -> Callable:
    """Mark a method of the model as a derived global: a function of the
    globals record (TLA+'s ``terminated == Len(pending) = 0 /\\ ...``) that
    handlers read by name as they read a field (``reads_globals=
    ("terminated",)``), so that their results are remembered per value of
    the function, not per value of the fields it reads."""
    function.__kit_derived__ = True
    return function


def derived_of(model_class: type) -> list[str]:
    """The names of the model class's `derived` methods."""
    return list(dict.fromkeys(name for klass in model_class.__mro__
                              for name, attribute in vars(klass).items()
                              if getattr(attribute, "__kit_derived__", False)))


def check_record(model: Any, wrong: Wrong) -> None:
    """The globals record and the derived globals, as declared."""
    kind = model.globals
    if kind is None:
        return
    if not is_record_type(kind):
        raise wrong(f"globals = {shortened(kind)} is not a record type; declare the "
                    "model's globals as one NamedTuple")
    for name in model._derived:
        if name in kind._fields:
            raise wrong(f"{name!r} is both a field of {kind.__name__} and a @derived "
                        "global; rename one")
    # a spec's expressions name each global by its field's name
    taken = {role.ids.set_name for role in model._roles if isinstance(
        getattr(role, "ids", None), type)} | {"messages", "view", "params"}
    for name in kind._fields:
        if name in taken:
            raise wrong(f"the global {name!r} ({kind.__name__}.{name}) has the name of "
                        "what a spec's expressions read by it; rename the field")


def check_handler(model: Any, wrong: Wrong, role: type, name: str, handler: Any) -> None:
    """What handler `name` of `role` declares of the globals, against the
    globals and its own parameters: a global it reads is a keyword
    parameter of that name, and a parameter named as a global is one it
    declares (else the kit would not pass it, nor key its memo on it)."""
    where = f"{role.__name__}.{name}"
    declared = handler.reads_globals + handler.writes_globals
    kind = model.globals
    if declared and kind is None:
        raise wrong(f"{where} reads or writes the global {declared[0]!r}, but the model "
                    "declares no globals; declare them as one record, globals = "
                    "<a NamedTuple>")
    fields = kind._fields if kind is not None else ()
    for g in handler.reads_globals:
        if g not in fields and g not in model._derived:
            raise wrong(f"{where} reads the global {g!r}, which is neither a field of "
                        f"{kind.__name__} ({', '.join(fields)}) nor a @derived method of "
                        "the model; fix the name or declare it")
    for g in handler.writes_globals:
        if g in model._derived:
            raise wrong(f"{where} writes {g!r}, which is derived (@derived); write the "
                        "fields it is derived from")
        if g not in fields:
            raise wrong(f"{where} writes the global {g!r}, which is not a field of "
                        f"{kind.__name__} ({', '.join(fields)}); fix the name")
    if kind is None:
        return
    try:
        parameters = list(inspect.signature(getattr(role, name)).parameters.values())[1:]
    except (TypeError, ValueError):
        return
    # after the positional ones: the record, the message, the choice's
    # values and the messages read
    parameters = parameters[(role.state is not None) + (handler.takes is not None) + (
        handler.values if handler.choose is not None else 0) + len(handler.reads):]
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        named = None
    else:
        named = {p.name for p in parameters
                 if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    for g in handler.reads_globals:
        if named is not None and g not in named:
            raise wrong(f"{where} reads the global {g!r} but takes no parameter {g}; "
                        f"add one (def {name}(self, ..., {g}))")
    for p in parameters:
        if (p.name in fields or p.name in model._derived) \
                and p.name not in handler.reads_globals:
            raise wrong(f"{where} takes a parameter {p.name!r}, a global it does not "
                        f"declare: add reads_globals=({p.name!r},) to its mark, or "
                        "rename the parameter")


def written(model: Any, where: str, handler: Any, writes: Any) -> tuple:
    """A handler's writes, ``{field: value}``, as (field index, value) pairs
    in field order, each value interned (`where` names the handler); a
    global it does not declare writing is the model's mistake."""
    if not isinstance(writes, Mapping):
        raise ModelDefinitionError(
            f"{where} returned {shortened(writes)} as its third item; return the globals "
            "it writes as {name: new value}")
    fields = model.globals._fields if model.globals is not None else ()
    pairs = []
    for field, value in writes.items():
        if field not in handler.writes_globals:
            raise ModelDefinitionError(
                f"{where} wrote the global {field!r}, which it does not declare; add "
                f"writes_globals=({field!r},) to its mark")
        try:
            pairs.append((fields.index(field), model._intern(value)))
        except TypeError as error:
            raise ModelDefinitionError(
                f"{where} wrote {field} = {shortened(value)}, which is not hashable "
                f"({error}); build globals of tuples, frozensets, named tuples, ints, "
                "strings and None") from None
    return tuple(sorted(pairs))
