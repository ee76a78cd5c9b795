"""A run stops once every property is settled (`CheckConfig.stop_when_settled`):
every witness found and, going on after violations, every other property
violated. One process stops after the chunk of states where the last
property is first met; several processes, and Ray actors, stop where it
would. Spec files ask for it unless their expectation gives figures of the
whole state space.

Grid (`tests.checker.test_workers`): level d holds the points x + y = d,
the first of them (d, 0); Corner, (30, 0), is the first state of level 30,
met by the first parent of level 29 (chunk 0 of it).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import CheckConfig, check, eventually, transition
from cmc.main import cli
from tests.checker.test_engine_against_naive import (SETTINGS, check_workers_agree, models,
                                                     names_of, needs_fork, shared_early)
from tests.checker.test_workers import Grid, tiny_chunks
from tests.spec_runs import outcome

SETTLE = CheckConfig(properties=("corner",), stop_when_settled=True)


@needs_fork
def test_a_run_of_witnesses_stops_where_the_last_is_found_in_one_two_and_three_processes():
    with shared_early(4) as started:
        one = outcome(check(Grid(side=30), SETTLE))
        for workers in (2, 3):
            assert outcome(check(Grid(side=30), dataclasses.replace(SETTLE, workers=workers))
                           ) == one
    assert started
    verdict, stopped_by, distinct, _, depth, _, _, violations, witnesses, _, _ = one
    # every point with x + y <= 29 (465), and what the chunk of 4 parents
    # (29, 0) .. (26, 3) of level 29 meets: (30, 0), (29, 1) .. (26, 4)
    assert (verdict, stopped_by, distinct, depth) == ("holds", "settled", 470, 30)
    assert violations == [] and [(name, len(trace) - 1) for name, _, trace in witnesses] == [
        ("corner", 30)]


def test_without_the_stop_the_run_explores_every_state():
    result = check(Grid(side=30), dataclasses.replace(SETTLE, stop_when_settled=False))
    assert (result.verdict, result.stopped_by, result.stats.distinct_states) == (
        "holds", None, 31 * 31)


@needs_fork
def test_going_on_after_violations_it_stops_once_each_property_is_violated_or_found():
    # Below The Diagonal Sum fails first at (30, 26), x + y = 56, met by the
    # first parent of level 55: the 946 points with x + y <= 55 and the 4
    # that the chunk of (30, 25) .. (27, 28) meets
    config = CheckConfig(properties=("small_sum", "corner"), keep_going=True,
                         stop_when_settled=True)
    with shared_early(4) as started:
        one = outcome(check(Grid(side=30), config))
        assert outcome(check(Grid(side=30), dataclasses.replace(config, workers=2))) == one
    assert started
    verdict, stopped_by, distinct, _, depth, _, _, violations, witnesses, _, _ = one
    assert (verdict, stopped_by, distinct, depth) == ("violated", "settled", 950, 56)
    assert [(name, trace[-1][1]) for name, _, trace in violations] == [
        ("small_sum", (30, 26))]


def test_a_violation_still_stops_a_run_as_the_first_violation():
    config = CheckConfig(properties=("small_sum", "corner"), stop_when_settled=True)
    result = check(Grid(side=30), config)
    assert (result.verdict, result.stopped_by) == ("violated", None)


def test_a_deadlock_check_is_a_property_left_to_settle():
    # every state of the grid's far corner is a deadlock: found at the end
    result = check(Grid(side=3), dataclasses.replace(SETTLE, deadlock=True))
    assert (result.verdict, result.stopped_by, result.stats.distinct_states) == (
        "violated", None, 16)


def test_a_temporal_property_leaves_the_run_to_explore_every_state():
    class Far(Grid):
        @eventually("Far Corner")
        def far(self, state):
            return state[:2] == (self.side, self.side)

    config = dataclasses.replace(SETTLE, properties=("corner", "far"))
    result = check(Far(side=3), config)
    assert (result.stopped_by, result.stats.distinct_states) == (None, 16)
    assert result.witness("corner") is not None


def test_a_witness_in_an_initial_state_stops_the_run_there():
    class AtCorner(Grid):
        def initial_states(self):
            return [(self.side, 0)]

    result = check(AtCorner(side=30), SETTLE)
    assert (result.verdict, result.stopped_by, result.stats.distinct_states,
            result.stats.depth) == ("holds", "settled", 1, 0)


def test_the_depth_bound_does_not_hide_a_settled_run():
    # the steps out of the last level within the bound are checked: the
    # step to (30, 0) settles the only property
    class Stepping(Grid):
        @transition("Not To The Corner")
        def not_to_corner(self, state, action, next_state):
            return next_state[:2] != (self.side, 0)

    config = CheckConfig(properties=("not_to_corner",), keep_going=True, max_depth=29,
                         stop_when_settled=True)
    result = check(Stepping(side=30), config)
    assert (result.verdict, result.stopped_by) == ("violated", "settled")


# -- against a yardstick: the search one process makes, written plainly ------------------


def settled_search(model, names, chunk):
    """Breadth-first, parents expanded `chunk` at a time: after each chunk,
    stop if every property in `names` is settled (invariants violated and
    the witness reached by a state first met, inside the bounds or not; a
    step property failed by a step generated). Returns (distinct, depth),
    or None when the search ends first (or has no property to settle: a
    run of no property explores every state)."""
    if not names:
        return None
    inside, props = model.within_bounds, {name: model.properties[name] for name in names}
    settled, seen, met_outside = set(), set(), set()

    def check_state(state):
        for name, prop in props.items():
            if prop.kind != "transition" and bool(getattr(model, name)(state)) is (
                    prop.kind == "reachable"):
                settled.add(name)

    level = []
    for state in model.initial_states():
        if state in seen or state in met_outside:
            continue
        check_state(state)
        if inside(state):
            seen.add(state)
            level.append(state)
        else:
            met_outside.add(state)
    depth = 0
    if settled == set(names):
        return len(seen), depth
    while level:
        following = []
        for low in range(0, len(level), chunk):
            for state in level[low:low + chunk]:
                for action, target in model.successors(state):
                    if "step" in props and not model.step(state, action, target):
                        settled.add("step")
                    if target in seen or target in met_outside:
                        continue
                    check_state(target)
                    if inside(target):
                        seen.add(target)
                        following.append(target)
                    else:
                        met_outside.add(target)
            if settled == set(names):
                return len(seen), depth + bool(following)
        level = following
        depth += bool(following)
    return None


@settings(max_examples=60, **SETTINGS)
@given(models(signed=None), st.integers(1, 4))
def test_one_process_stops_where_the_plain_search_settles(drawn, chunk):
    model, _ = drawn
    names = names_of(model)
    config = CheckConfig(properties=names, keep_going=True, stop_when_settled=True)
    with tiny_chunks(chunk):
        result = check(model, config)
    expected = settled_search(model, names, chunk)
    if expected is None:
        assert result.stopped_by is None
    else:
        assert result.stopped_by == "settled"
        assert (result.stats.distinct_states, result.stats.depth) == expected


@needs_fork
@settings(max_examples=6, **SETTINGS)
@given(models(signed="fine").filter(lambda drawn: len(drawn[1].order) >= 12), st.booleans(),
       st.booleans(), st.integers(1, 4))
def test_one_two_and_three_processes_stop_alike(drawn, symmetry, keep_going, chunk):
    model, _ = drawn
    check_workers_agree(model, symmetry, None, False, keep_going, chunk, (2, 3),
                        stop_when_settled=True)


# -- spec files and reports -----------------------------------------------------------------

GRID = '''\
from checker import Model, Param, reachable


class Grid(Model):
    name = "grid"
    params = (Param("side", 30, "largest coordinate", minimum=1),)

    def initial_states(self):
        return [(0, 0)]

    def successors(self, state):
        x, y = state
        return ([("right", (x + 1, y))] if x < self.side else []) + (
            [("up", (x, y + 1))] if y < self.side else [])

    @reachable("Corner", default=False)
    def corner(self, state):
        return state == (self.side, 0)
'''


def _spec(tmp_path: Path, expect: str = "") -> Path:
    (tmp_path / "grid.py").write_text(GRID)
    spec = tmp_path / "grid.yaml"
    spec.write_text("model: ./grid.py:Grid\nparams: {side: 30}\nproperties: [corner]\n"
                    "deadlock: false\n" + expect)
    return spec


def test_a_spec_of_witnesses_stops_when_settled_and_says_so(tmp_path):
    spec = _spec(tmp_path)
    out = tmp_path / "out"
    ran = CliRunner().invoke(cli, ["check", str(spec), "--junit", str(tmp_path / "j.xml"),
                                   "--summary", str(tmp_path / "s.md"), "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    lines = ran.output.splitlines()
    assert lines[1] == ("verdict: HOLDS (every property was settled: the run stopped there, "
                        "with the states it explored)")
    assert "  Corner (corner): reached in 30 steps (--witnesses shows the run)" in lines
    # (one chunk a level: every point with x + y <= 30)
    assert any(line.startswith("distinct states 496 · generated 931 · depth 30 ·")
               for line in lines)
    [document] = json.loads((out / "grid.json").read_text())["results"]
    assert (document["verdict"], document["stopped_by"], document["stats"]["distinct_states"]
            ) == ("holds", "settled", 496)
    assert ('<property name="stopped" value="every property was settled: the run stopped '
            'there, with the states it explored" />') in (tmp_path / "j.xml").read_text()
    assert "| holds (every property settled: stopped there) |" in (
        tmp_path / "s.md").read_text()


def test_a_spec_expecting_figures_of_the_whole_space_explores_it(tmp_path):
    spec = _spec(tmp_path, "expect: {verdict: holds, distinct_states: 961, depth: 60}\n")
    ran = CliRunner().invoke(cli, ["check", str(spec)])
    assert ran.exit_code == 0, ran.output
    assert ran.output.splitlines()[1] == "verdict: HOLDS"
    assert "expectation met" in ran.output
