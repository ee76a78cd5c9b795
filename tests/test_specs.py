"""Every bundled spec keeps its promise: the `expect:` block is the manifest.

Specs in specs/ finish in seconds and run by default; those in specs/large/
take minutes and run with ``-m slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spec_runs import checked_spec

ROOT = Path(__file__).resolve().parent.parent / "specs"
SMALL = sorted(ROOT.glob("*.yaml"))
LARGE = sorted((ROOT / "large").glob("*.yaml"))


def _run(path: Path) -> None:
    spec, _, result = checked_spec(path)
    assert spec.expect is not None, f"{path.name} has no expect: block"
    assert spec.expect.mismatches(result) == [], path.name


#: small specs that take seconds (156,351 states; the textbook Paxos, 6 s): under -m
#: slow with their tests
SLOWER = {"raft-election.yaml", "paxos-textbook.yaml"}


@pytest.mark.parametrize("path", [p if p.name not in SLOWER else
                                  pytest.param(p, marks=pytest.mark.slow) for p in SMALL],
                         ids=lambda p: p.name)
def test_small_spec_meets_its_expectation(path):
    _run(path)


@pytest.mark.slow
@pytest.mark.parametrize("path", LARGE, ids=lambda p: p.name)
def test_large_spec_meets_its_expectation(path):
    _run(path)


def test_specs_are_bundled():
    assert SMALL, "specs/ holds no spec"
