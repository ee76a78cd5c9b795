"""A property (or a step) whose code raises on a state the search reached:
the model's error, in one line as before, with the run to that state (as
TLC prints the trace to a state where an invariant or an action cannot be
evaluated), the same with the search shared between processes; on the
command line, the run before the error, exit 2."""

from __future__ import annotations

import re
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, Model, check, invariant
from checker.errors import ModelDefinitionError, ParamError
from cmc.main import cli
from models.kit import ActorModel, MessageSet, Node, ids, step
from tests.checker.test_workers import Grid, counting_forks, tiny_chunks


class Inc(NamedTuple):
    pass


class Raising(Model):
    """A counter whose invariant raises at 3."""

    name = "raising"
    actions = (Inc,)

    def initial_states(self):
        return [0]

    def successors(self, n):
        return [(Inc(), n + 1)] if n < 5 else []

    @invariant("Small")
    def small(self, n):
        return {0: True, 1: True, 2: True}[n]


class RaisingStep(Raising):
    """A counter whose step from 3 raises."""

    def successors(self, n):
        if n == 3:
            raise KeyError(n)
        return super().successors(n)


class RaisingGrid(Grid):
    """A wide grid whose invariant raises at one point."""

    @invariant("Not At The Point")
    def not_at(self, state):
        if state[:2] == (20, 3):
            raise ValueError("the point")
        return True


def test_the_error_keeps_its_line_and_gains_the_run_to_the_state():
    with pytest.raises(ModelDefinitionError) as error:
        check(Raising(), CheckConfig(properties=("small",)))
    assert str(error.value).startswith("model 'raising': property 'small' raised KeyError: 3 at ")
    trace = error.value.trace
    assert ([str(step.action) for step in trace.steps], trace.final) == (
        ["None", "Inc()", "Inc()", "Inc()"], 3)


def test_a_step_raising_gives_the_run_to_the_state_it_raised_from():
    with pytest.raises(ModelDefinitionError) as error:
        check(RaisingStep(), CheckConfig(properties=()))
    assert str(error.value).startswith("model 'raising': successors() raised KeyError: 3 at ")
    assert (len(error.value.trace), error.value.trace.final) == (3, 3)


class StepRaisingGrid(Grid):
    """A wide grid whose steps from one point raise."""

    def successors(self, state):
        if state[:2] == (20, 3):
            raise ValueError("the point")
        return super().successors(state)


@pytest.mark.parametrize("model, properties", [(RaisingGrid, ("not_at",)),
                                               (StepRaisingGrid, ())])
def test_with_the_search_shared_the_run_is_one_processs(model, properties):
    runs = []
    for workers in (1, 2):
        with tiny_chunks(4), counting_forks() as started:
            with pytest.raises(ModelDefinitionError) as error:
                check(model(side=30), CheckConfig(properties=properties, workers=workers))
        runs.append((str(error.value), len(error.value.trace), error.value.trace.final,
                     bool(started)))
    assert runs[0][:3] == runs[1][:3]
    assert runs[0][1:] == (23, (20, 3), False) and runs[1][3]  # (the second was shared)


def checked_from_the_command_line(tmp_path, model: str):
    """`cmc check` of a spec of this module's `model`: the spec's path and
    the result."""
    (tmp_path / "model.py").write_text(
        f"from tests.checker.test_raising_properties import {model}\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"model: ./model.py:{model}\ndeadlock: false\n")
    return spec, CliRunner().invoke(cli, ["check", str(spec)])


def test_the_command_line_prints_the_run_then_the_error(tmp_path):
    spec, result = checked_from_the_command_line(tmp_path, "Raising")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[:3] == ["the run to the state where it raised (3 steps):", "0  initial state",
                         "     state = 0"]
    assert lines[-3:-1] == ["3  Inc()", "     state: 2 → 3"]
    assert lines[-1].startswith(f"error: {spec}: model 'raising': property 'small' raised "
                                "KeyError: 3 at ")


class Refusing(Raising):
    """Raising, whose invariant needs a parameter it does not have."""

    @invariant("Small")
    def small(self, n):
        raise ParamError("params.bound", "Small needs a bound; give one")


def test_a_model_refusing_its_parameters_in_a_property_says_so_in_one_line(tmp_path):
    # (it printed the run to the initial state first, as for a bug on a state)
    spec, result = checked_from_the_command_line(tmp_path, "Refusing")
    assert (result.exit_code, result.output) == (
        2, f"error: {spec}:1: params.bound: Small needs a bound; give one\n")


class RaisingUnshown(Raising):
    """Raising, whose views raise too (states it cannot print)."""

    def state_view(self, n):
        raise ValueError("no view")


def test_a_run_the_model_cannot_show_is_said_in_a_line_before_the_error(tmp_path):
    # (the run was rendered unguarded: a model whose views raise as well
    # printed a Python traceback instead of its error)
    spec, result = checked_from_the_command_line(tmp_path, "RaisingUnshown")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 2 and "Traceback" not in result.output
    assert lines[0].startswith("the run to the state where it raised (3 steps) cannot be "
                               "shown: model 'raising': state_view() raised ValueError: no view")
    assert lines[1].startswith(f"error: {spec}: model 'raising': property 'small' raised "
                               "KeyError: 3 at ")


Pid = ids("procs", "p", named=True)


class IncOnce(NamedTuple):
    p: Pid


class Count(NamedTuple):
    n: int = 0


class Once(Node):
    ids = Pid
    state = Count

    @step(IncOnce)
    def inc(self, s):
        return None if s.n else s._replace(n=1), []


class NoneRecord(ActorModel):
    name = "none-record"
    procs = 1
    roles = (Once,)
    network = MessageSet()


def test_a_kit_handler_returning_a_pair_with_no_record_is_refused():
    # `return None if done else record, []` binds as (None, []) when done:
    # the record None was kept, and the state could not be shown later
    with pytest.raises(ModelDefinitionError, match=re.escape(
            "model 'none-record': Once.inc returned (None, []), a pair whose record is None; "
            "return None alone where the step is not enabled, else (the new record, "
            "[messages sent])")):
        check(NoneRecord(), CheckConfig(deadlock=False))
