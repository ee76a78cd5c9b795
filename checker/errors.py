"""The checker's errors: one small hierarchy, each message saying what to do.

`CheckerError` is what the command line turns into a one-line message and
exit code 2. Nothing else escaping the engine is expected.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

class CheckerError(Exception):
    """Bad input: a spec, an option or a model definition. Exit code 2."""


class SpecError(CheckerError):
    """A spec file (or an option standing in for one of its fields) is wrong.

    `field` is a dotted path such as ``params.ballots``; `line` is the
    1-based line in the YAML file where the field stands, when known.
    """

    def __init__(self, message: str, *, path: str | None = None,
                 field: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.field = field
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<spec>"
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"

    def located(self, path: str, line: int | None) -> "SpecError":
        """The same error, placed in a file (and at a line, if not yet placed)."""
        return SpecError(self.message, path=path, field=self.field,
                         line=self.line if self.line is not None else line)


class ParamError(SpecError):
    """A model rejects a parameter value or an `init:` block.

    Raised by a model's constructor with the field it rejects, e.g.
    ``ParamError("params.ballots", "must be at least 1")``; the spec loader
    adds the file and line.
    """

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


class ModelDefinitionError(CheckerError):
    """A model breaks the engine's contract (unhashable or mutated state,
    nondeterministic successor order, a property that raises)."""


def shortened(value: Any) -> str:
    """`value` as a message quotes it: its repr, cut at 120 characters."""
    text = repr(value)
    return text if len(text) <= 120 else text[:120] + "…"


def raised_in_model(model: str, call: str, error: BaseException) -> CheckerError:
    """The one-line error for an exception raised by a model's own code (a
    handler, `successors`, a property): the call, the exception and the
    innermost line of the model's code it passed through (not the engine's
    or the kit's, which call it), for the command line's exit 2. What is
    already a `CheckerError` (a spec expression naming its own mistake)
    stays as it is."""
    if isinstance(error, CheckerError):
        return error
    return ModelDefinitionError(f"model {model!r}: {call} raised {type(error).__name__}: "
                                f"{error}{where_in_model(error)}; fix the model")


def stopped_iteration(model: str, call: str) -> ModelDefinitionError:
    """The error for a model's `call` that raised StopIteration, which a
    map() over the states would take for their end."""
    return ModelDefinitionError(
        f"model {model!r}: {call} raised StopIteration (a next() on an empty iterator), "
        "which would silently end the engine's loop over the states; give next() a default "
        "or catch it")


def mutated_state(model: str) -> ModelDefinitionError:
    """The error for a model whose `successors` changed the state it was given."""
    return ModelDefinitionError(
        f"model {model!r}: successors() changed the state it was given; build new states "
        "instead of mutating (use tuples and frozensets, or dataclasses.replace on frozen "
        "dataclasses)")


def unusable_state(model: str, error: TypeError) -> ModelDefinitionError:
    """The error for a model whose state cannot be hashed or fingerprinted."""
    return ModelDefinitionError(
        f"model {model!r}: a state is not hashable or cannot be fingerprinted "
        f"({error}); build states from tuples, frozensets, named tuples and frozen "
        "dataclasses of ints, strings, bools and None")


def not_a_step(model: str, step: Any) -> ModelDefinitionError:
    """The error for a model whose `successors` yielded `step`, no pair."""
    return ModelDefinitionError(f"model {model!r}: successors() yielded {shortened(step)}; "
                                "yield (action, next state) pairs")


def no_answer(model: str, call: str, answers: str = "True or False") -> ModelDefinitionError:
    """The error for a model's predicate (`call`) that returned None: a
    forgotten return, which would read as False."""
    return ModelDefinitionError(f"model {model!r}: {call} returned None; return {answers}: "
                                "is a return missing?")


def where_in_model(error: BaseException) -> str:
    """`` at PATH:LINE, in FUNCTION``: the innermost line of the model's own
    code that `error` passed through (not the engine's or the kit's), or
    nothing if it passed through none."""
    frames = []
    trace = error.__traceback__
    while trace is not None:
        frames.append(trace.tb_frame.f_code)
        trace = trace.tb_next
    engine = tuple(os.path.join(_ROOT, *folder) + os.sep
                   for folder in (("checker",), ("models", "kit")))
    # (the kit's generated code is "<string>")
    own = [code for code in frames if not code.co_filename.startswith(
        engine + (sys.prefix, "<"))]
    where = ""
    if own:
        line = _last_line(error.__traceback__, own[-1])
        path = os.path.relpath(own[-1].co_filename)
        if path.startswith(os.pardir):  # (outside the folder it runs in: said whole)
            path = own[-1].co_filename
        where = f" at {path}:{line}, in {own[-1].co_name}"
    return where


def _last_line(trace: Any, code: Any) -> int | None:
    line = None
    while trace is not None:
        if trace.tb_frame.f_code is code:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line
