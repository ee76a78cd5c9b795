"""The checker's errors: one small hierarchy, each message saying what to do.

`CheckerError` is what the command line turns into a one-line message and
exit code 2. Nothing else escaping the engine is expected.
"""

from __future__ import annotations


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
