"""The random kit programs of tests/tlc_diff, each checked by one process
and by 2 and 3 processes sharing the search, must give one result.

The programs are those whose figures TLC gave (`tlc_results_kit.json`):
small models of every feature of the kit (globals, clocks, crashes,
partitions, per-message bags, symmetry), whose states hold records of
several types, some equal as tuples (a node's ``PState(b0=True)``, a
budget's ``(1,)``). Chunks and the first level shared are tiny
(`tiny_chunks`) and the levels balanced with no slack (`given`), so that
programs of a few hundred states are shared, and states given from one
process to another, level by level. No TLC is run: one process is the
yardstick, itself held to TLC's figures by test_kit_against_tlc.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

import checker
from checker.spec import load_spec
from models import REGISTRY
from tests.checker.test_workers import counting_forks, tiny_chunks
from tests.spec_runs import outcome
from tests.tlc_diff.kit_programs import program, write_cmc
from tests.tlc_diff.run_tlc_kit import RESULTS

STORED = json.loads(RESULTS.read_text())
SEEDS = sorted(int(seed) for seed, stored in STORED.items() if "checks" in stored)
#: the programs whose states given away took equal parts of other types
#: before 842f5ad (a P node's record for a budget, for the globals, for a Q
#: node's record: a false model error, or a handler given the wrong record)
DEFAULT = [71, 225, 9030, 11042]
#: every seventh of the rest, in the slow suite
SLOW = [seed for seed in SEEDS[::7] if seed not in DEFAULT]


def outcomes(seed: int, folder) -> tuple[tuple, tuple, tuple, int]:
    """One process's outcome, 2 processes', 3 processes', and the number of
    partitioned searches started."""
    spec = load_spec(write_cmc(program(seed), folder), REGISTRY)
    config = dataclasses.replace(spec.config(keep_going=True), stop_when_settled=False)
    one = outcome(checker.check(spec.build(), config))
    with tiny_chunks(), counting_forks() as started:
        two, three = (outcome(checker.check(spec.build(), dataclasses.replace(
            config, workers=count))) for count in (2, 3))
    return one, two, three, len(started)


@pytest.mark.parametrize("seed", DEFAULT)
def test_programs_whose_states_hold_records_equal_as_tuples(seed, tmp_path, given):
    one, two, three, started = outcomes(seed, tmp_path)
    assert one == two == three
    assert started == 2 and given


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW)
def test_every_seventh_program_gives_one_result_in_partitions(seed, tmp_path, given):
    one, two, three, _ = outcomes(seed, tmp_path)
    assert one == two == three
