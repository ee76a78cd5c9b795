"""Each bundled spec is checked at most once per test session; helpers that
print a trace's actions and pick fields of a state view for pinned assertions.

The manifest test, the model tests and the report tests all look at the
same runs; results are frozen values, so they can share them.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

import checker
from checker.spec import Spec, load_spec
from models import REGISTRY

SPECS = Path(__file__).resolve().parent.parent / "specs"
#: the environment variable naming the session's folder of results, made by
#: tests/conftest.py for the test processes of one session (pytest-xdist's)
SHARED = "CMC_TEST_SPEC_RUNS"


@lru_cache(maxsize=None)
def _checked(path: str) -> tuple[Spec, checker.Model, checker.Result]:
    spec = load_spec(path, REGISTRY)
    model = spec.build()
    return spec, model, _shared_result(path, model, spec)


def _shared_result(path: str, model: checker.Model, spec: Spec) -> checker.Result:
    """The result of checking `spec`, computed by one test process of the
    session and read by the others (a spec is checked by the manifest test
    and by its model's and the reports' tests, which xdist spreads over
    processes). Computed afresh each session; one that does not pickle
    stays with the process that computed it."""
    folder = os.environ.get(SHARED)
    if not folder or not os.path.isdir(folder):
        return checker.check(model, spec.config())
    stored = os.path.join(folder, hashlib.sha256(path.encode()).hexdigest())
    with open(stored + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process checking it: wait for it
        try:
            with open(stored, "rb") as file:
                return pickle.load(file)
        except FileNotFoundError:
            pass
        result = checker.check(model, spec.config())
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return result
        with open(stored + ".partial", "wb") as file:
            file.write(data)
        os.replace(stored + ".partial", stored)
        return result


def checked_spec(path: str | Path) -> tuple[Spec, checker.Model, checker.Result]:
    """The spec at `path` (absolute, or relative to specs/), its model and
    the result of checking it as it says."""
    path = Path(path)
    return _checked(str(path if path.is_absolute() else SPECS / path))


USER = Path(__file__).resolve().parent / "models" / "user"


def written_and_checked(folder: Path, model: str, lines: str = "", keep_going: bool = False
                        ) -> tuple[Spec, checker.Model, checker.Result]:
    """A spec of `model` (``file.py:Class`` of tests/models/user) and
    `lines` (its other fields), written into `folder` and checked as it
    says: the spec, its model and the result."""
    path = folder / "spec.yaml"
    path.write_text(f"model: {(USER / model).as_posix()}\n{lines}")
    spec = load_spec(path, REGISTRY)
    model_ = spec.build()
    return spec, model_, checker.check(model_, spec.config(keep_going=keep_going))


def steps(trace) -> str:
    """A trace's actions, one per line, as pinned in the model tests."""
    return "\n".join(str(action) for action in trace.actions)


def violation_steps(result) -> list[str]:
    """The actions of the one violation of `result`, as printed."""
    (violation,) = result.violations
    return [str(action) for action in violation.trace.actions]


def view(model, state, *fields: str) -> dict:
    """The named fields of a state's view (e.g. "s1.role", "msgs")."""
    full = model.state_view(state)
    return {name: full[name] for name in fields}


def outcome(result) -> tuple:
    """Everything a result says but timings, memory, the number of processes
    and the fingerprint settings: what two ways of running one check must
    agree on."""
    stats = result.stats

    def findings(found):
        return [(f.property.name, f.reason,
                 None if f.trace is None else [(s.action, s.state) for s in f.trace.steps])
                for f in found]

    return (result.verdict, result.stopped_by, stats.distinct_states, stats.generated_states,
            stats.depth, dict(stats.actions), dict(stats.new_states),
            findings(result.violations), findings(result.witnesses), stats.bound_stops,
            findings([result.bound_stop] if result.bound_stop is not None else []))
