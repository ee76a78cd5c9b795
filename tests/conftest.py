"""Shared fixtures: a registry holding the toy models, for CLI and spec tests."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile

import pytest
from hypothesis import settings

# The default run draws the same examples every time, so that CI fails only
# where the code changed; `--hypothesis-profile explore` draws new ones each
# run, to look for bugs the fixed examples miss.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")

import models
from tests import spec_runs
from tests.toys import Counter, DieHard


@pytest.fixture
def toy_registry(monkeypatch):
    """models.REGISTRY with the toy models added (removed after the test)."""
    monkeypatch.setitem(models.REGISTRY, DieHard.name, DieHard)
    monkeypatch.setitem(models.REGISTRY, Counter.name, Counter)
    return models.REGISTRY


@pytest.fixture
def write_spec(tmp_path):
    """Write a spec file under tmp_path and return its path as a string."""
    def write(text: str, name: str = "spec.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def pytest_configure(config):
    """The session's folder of spec results (`tests.spec_runs`), made by the
    main pytest process before it starts the test processes, which inherit
    its environment."""
    if not hasattr(config, "workerinput") and spec_runs.SHARED not in os.environ:
        config._spec_runs = tempfile.mkdtemp(prefix="cmc-test-spec-runs-")
        os.environ[spec_runs.SHARED] = config._spec_runs


def pytest_unconfigure(config):
    """The session keeps every checked spec's model and the kit's tables
    alive; without this, each collection the interpreter runs while tearing
    them down at exit walks them all again (half a minute on 2 cores)."""
    gc.freeze()
    folder = getattr(config, "_spec_runs", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        del os.environ[spec_runs.SHARED]
