"""Checked runs shared by the report tests: a message-passing toy with a
pinned counterexample, Paxos with a mutant, and a toy without events."""

from __future__ import annotations

import pytest

import checker
from models.paxos import Paxos
from reports.run import Checked
from tests.reports.two_phase import TwoPhase
from tests.toys import DieHard


def run(model, spec: str, **config) -> Checked:
    return Checked(spec, model, checker.check(model, checker.CheckConfig(**config)))


@pytest.fixture(scope="session")
def two_phase() -> Checked:
    """Consistency broken in 5 steps: rm1 commits, rm2 aborts."""
    return run(TwoPhase(mutant="early_commit"), "specs/two-phase-early-commit.yaml")


@pytest.fixture(scope="session")
def paxos_no_adopt() -> Checked:
    return run(Paxos(mutant="no_adopt"), "specs/paxos-mutant-no-adopt.yaml")


@pytest.fixture(scope="session")
def die_hard() -> Checked:
    """Goal Not Reached violated in 6 steps (a model without step_events)."""
    return run(DieHard(), "specs/die-hard.yaml", properties=("goal_not_reached",))
