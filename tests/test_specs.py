"""Every bundled spec keeps its promise: the `expect:` block is the manifest.

Specs in specs/ finish in seconds and run by default (a mutant's here under
``-m slow``, as tests/reports/test_bundled_mutants.py checks its expectation
by default); those in specs/large/ take minutes and run with ``-m slow``.
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
#: slow with their tests; or covered by default by tests of their own (the split vote's
#: run: tests/checker/test_liveness.py; the lease read's drift and the read index under a
#: partition: tests/models/test_raft_kv.py;
#: the textbook Paxos's orbits: tests/models/test_paxos_textbook_symmetry.py)
SLOWER = {"raft-election.yaml", "paxos-textbook.yaml", "paxos-textbook-symmetry.yaml",
          "raft-liveness-split-vote.yaml", "raft-kv-lease-read-drift.yaml",
          "raft-kv-read-index-partition.yaml"}


def _by_default() -> set[Path]:
    """The small specs the default suite runs here: not where they are
    slower, nor where tests/reports/test_bundled_mutants.py checks the same
    expectation by default (a mutant's spec, rendered in every form)."""
    from tests.reports.test_bundled_mutants import mutant_specs

    rendered = {param.values[0] for param in mutant_specs() if not param.marks}
    return {path for path in SMALL if path.name not in SLOWER and path not in rendered}


BY_DEFAULT = _by_default()


@pytest.mark.parametrize("path", [p if p in BY_DEFAULT else
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
