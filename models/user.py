"""Users' own models: a class in a Python file, or one an installed package
registers, named by a spec's `model:` field.

- ``model: ./my_protocol.py:TwoPhaseCommit``: the class ``TwoPhaseCommit``
  of the file ``my_protocol.py``, the path relative to the spec file's
  folder (or absolute). The file is imported as a module of its own, once
  per path; it may import ``checker`` and ``models.kit`` like the bundled
  models do.
- ``model: two-phase``: a bundled model, or else the ``cmc.models`` entry
  point of that name of an installed package, e.g. in its pyproject.toml::

      [project.entry-points."cmc.models"]
      two-phase = "my_package.protocols:TwoPhaseCommit"

Every failure is a `SpecError` on the field ``model`` that says what to fix;
the spec loader adds the file and line.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

from checker.errors import SpecError
from checker.model import Model

_FORM = "./my_protocol.py:ClassName"


class Registry(dict):
    """The bundled models by name (a plain dict), and `resolve` for what a
    spec's `model:` may name besides."""

    def resolve(self, name: str, spec_path: str) -> type[Model] | None:
        """The model class `name` names, in a spec at `spec_path`; None for
        a plain name that is neither bundled nor an entry point (the loader
        then lists the known names)."""
        if is_file_reference(name):
            return load_from_file(name, Path(spec_path).parent)
        return self.get(name) or from_entry_point(name)


def is_file_reference(name: str) -> bool:
    file_part = name.rpartition(":")[0] if ":" in name else name
    return file_part.endswith(".py")


def load_from_file(reference: str, folder: Path) -> type[Model]:
    """The class named by ``path.py:Class``, the path relative to `folder`."""
    file_part, _, class_name = reference.rpartition(":")
    if not file_part:
        file_part, class_name = reference, ""
    path = (folder / file_part).resolve()
    if not path.is_file():
        raise SpecError(f"model file {file_part} not found (looked for {path}); give its "
                        f"path relative to the spec file, as {_FORM}", field="model")
    module = _import(path, file_part)
    if not class_name:  # the file's models named, as the form to write
        models = _models_in(module)
        form = " or ".join(f"{file_part}:{name}" for name in models) if models else _FORM
        raise SpecError(f"{reference!r} names a file but no class; write it as {form}",
                        field="model")
    found = getattr(module, class_name, None)
    if found is None:
        raise SpecError(f"{file_part} has no class {class_name!r}; its models: "
                        f"{', '.join(_models_in(module)) or 'none'}", field="model")
    model = _checked(found, f"{file_part}:{class_name}")
    if not model.name:  # reports and errors name it, as a bundled model by its name
        model.name = class_name
    return model


def _models_in(module: Any) -> list[str]:
    """The names of the models defined in `module`, sorted."""
    return sorted(n for n, v in vars(module).items() if _is_model(v)
                  and v.__module__ == module.__name__)


def _import(path: Path, shown: str) -> Any:
    """Import the file at `path` as a module of its own (once per path)."""
    name = f"{_PACKAGE}.{path.stem}_{hashlib.sha1(str(path).encode()).hexdigest()[:12]}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    # registered first: the kit reads record annotations through sys.modules;
    # with a package above it, so that pickle finds its classes by name (the
    # partitioned search sends states from process to process)
    sys.modules.setdefault(_PACKAGE, _package())
    sys.modules[name] = module
    # modules beside it import by name (``from tpc import TwoPhaseCommit``),
    # after the installed ones: a file named like one does not shadow it
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as error:  # the user's code: reported, not raised
        del sys.modules[name]
        line = _user_line(error, path)
        what = error.msg if isinstance(error, SyntaxError) else error  # its str repeats the line
        raise SpecError(f"importing {shown} failed{line}: {type(error).__name__}: {what}; "
                        "fix the model file", field="model") from None
    return module


_PACKAGE = "cmc_user_models"


def _package() -> Any:
    package = types.ModuleType(_PACKAGE)
    package.__path__ = []  # a package with no files: its modules come from paths
    return package


def _user_line(error: BaseException, path: Path) -> str:
    """`` (line N)`` for the innermost frame of the user's file, if any."""
    if isinstance(error, SyntaxError) and error.lineno:
        return f" (line {error.lineno})"
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename) == path:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return f" (line {line})" if line else ""


def from_entry_point(name: str) -> type[Model] | None:
    """The model an installed package registers as `name` in the
    ``cmc.models`` entry point group, or None."""
    for entry in importlib.metadata.entry_points(group="cmc.models"):
        if entry.name == name:
            try:
                found = entry.load()
            except Exception as error:  # the package's code: reported, not raised
                raise SpecError(f"the cmc.models entry point {name!r} ({entry.value}) "
                                f"failed to load: {type(error).__name__}: {error}; fix or "
                                "reinstall the package that provides it",
                                field="model") from None
            return _checked(found, f"entry point {name!r} ({entry.value})")
    return None


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, Model) and value is not Model


def _checked(found: Any, shown: str) -> type[Model]:
    if not _is_model(found):
        raise SpecError(f"{shown} is not a model (a subclass of checker.Model); write it "
                        "with models.kit.ActorModel, or subclass checker.Model", field="model")
    return found
