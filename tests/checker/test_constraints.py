"""A spec's state constraints (`constraints:`, TLC's CONSTRAINT): the states
a model explores bounded from the spec, as its own `within_bounds` would
bound them, checked against the invariants and not expanded; refused under
symmetry where one tells elements apart; one-line errors; the report's
bound; a replay that leaves them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from checker.errors import SpecError
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

BASE = ("model: paxos-textbook\n"
        "params: {acceptors: 2, learners: 1, max_msgs: 3, drop: 0, duplicate: 0, crash: 0}\n"
        "deadlock: false\n")
LOW = "all(a.promised is None or a.promised <= 0 for a in acceptors)"


class LowPromises(REGISTRY["paxos-textbook"]):
    """The constraint as the model's own code: within its own bounds (at
    most max_msgs messages), no acceptor promised above round 0."""

    def within_bounds(self, state) -> bool:
        return super().within_bounds(state) and all(
            a.promised is None or a.promised <= 0
            for a in self.expression_names()["acceptors"](state))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("symmetry, workers", [(False, 1), (True, 1), (False, 2)])
def test_a_spec_constraint_bounds_the_states_as_the_models_own_would(tmp_path, symmetry,
                                                                     workers):
    spec = load_spec(write(tmp_path, BASE + f"symmetry: {str(symmetry).lower()}\n"
                           f"constraints: {{low: \"{LOW}\"}}\n"), REGISTRY)
    config = CheckConfig(properties=("agreement",), symmetry=spec.config().symmetry,
                         workers=workers)
    constrained = check(spec.build(), config)
    own = check(LowPromises(acceptors=2, learners=1, max_msgs=3, drop=0, duplicate=0,
                            crash=0), config)
    figures = lambda result: (result.verdict, result.stats.distinct_states,  # noqa: E731
                              result.stats.generated_states, result.stats.depth,
                              result.stats.bound_stops)
    assert figures(constrained) == figures(own)
    assert figures(constrained) == (("holds", 18, 39, 10, 3) if symmetry
                                    else ("holds", 28, 62, 10, 4))
    unbounded = check(load_spec(write(tmp_path, BASE), REGISTRY).build(),
                      CheckConfig(properties=("agreement",)))
    assert unbounded.stats.distinct_states == 482


def test_a_state_outside_is_checked_against_the_invariants(tmp_path):
    # as TLC: the first state breaking the constraint breaks the invariant
    # saying the same, though it is not explored further
    spec = load_spec(write(tmp_path, BASE + f"constraints: {{low: \"{LOW}\"}}\n"
                           f"invariants: {{also_low: \"{LOW}\"}}\n"), REGISTRY)
    result = check(spec.build(), spec.config())
    finding = result.violation("also_low")
    assert len(finding.trace) == 2
    assert [str(step.action) for step in finding.trace.steps[1:]] == [
        "Prepare(p=p1, n=1)", "ReceivePrepare(p1→a0, n=1)"]


def test_a_run_stopped_by_a_constraint_names_it(tmp_path):
    path = write(tmp_path, BASE + f"constraints: {{low: \"{LOW}\"}}\nproperties: [agreement]\n")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0
    assert ("runs stopped by a bound (not deadlocks): 4 states, the first after 1 step: every "
            "step from here leaves the bounds (the spec's constraint low)"
            ) in result.output.splitlines()


def test_under_symmetry_a_constraint_telling_acceptors_apart_is_refused(tmp_path):
    path = write(tmp_path, BASE + "symmetry: true\n"
                 "constraints: {first_low: \"acceptors[0].promised is None\"}\n")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert (result.exit_code, result.output) == (2, (
        f"error: {path}:5: constraints.first_low: acceptors[0] tells the interchangeable "
        "acceptors apart, and symmetry over acceptors checks one state of each set of renamed "
        "copies; quantify over them (all(... for x in acceptors) or any(...)) or check without "
        "symmetry (symmetry: false)\n"))


@pytest.mark.parametrize("text, message", [
    ("constraints: {low: \"nobody > 1\"}\n",
     "constraints.low: unknown name 'nobody'; the names are acceptors, learners, messages, "
     "params, proposers, view and the functions abs, all, any, enumerate, frozenset, len, list, max, "
     "min, range, set, sorted, sum, tuple, zip"),
    ("constraints: {low: 3}\n", "constraints.low: expected an expression in quotes, got 3"),
    ("constraints: {Low-Term: \"True\"}\n", "constraints: expected a name of letters, digits "
     "and _ (TypeOK, type_ok), got 'Low-Term'"),
])
def test_a_bad_constraint_is_one_line_naming_its_field(tmp_path, text, message):
    path = write(tmp_path, BASE + text)
    with pytest.raises(SpecError) as error:
        load_spec(path, REGISTRY).build()
    assert str(error.value) == f"{path}:4: {message}"


def test_the_constraints_are_part_of_what_a_checkpoint_names(tmp_path):
    spec = load_spec(write(tmp_path, BASE + f"constraints: {{low: \"{LOW}\"}}\n"), REGISTRY)
    assert spec.build().choices()["constraints"] == {"low": LOW}
    assert "constraints" not in load_spec(write(tmp_path, BASE), REGISTRY).build().choices()


def test_show_prints_them(tmp_path):
    path = write(tmp_path, BASE + f"constraints: {{low: \"{LOW}\"}}\n")
    result = CliRunner().invoke(cli, ["show", str(path)])
    assert f"constraints:\n  low: {LOW}\n" in result.output


def test_a_replay_goes_no_further_than_a_state_outside(tmp_path):
    path = write(tmp_path, BASE + f"constraints: {{low: \"{LOW}\"}}\nproperties: [agreement]\n")
    run = tmp_path / "run.yaml"
    run.write_text("- Prepare(p=p1, n=1)\n- ReceivePrepare(p1->a0, n=1)\n"
                   "- ReceivePrepare(p1->a1, n=1)\n")
    result = CliRunner().invoke(cli, ["check", str(path), "--replay", str(run)])
    assert result.exit_code == 3
    assert ("replay stopped: step 2's state is outside the model's bounds, where a search "
            "goes no further, so step 3 (ReceivePrepare(p1->a1, n=1)) is not taken"
            ) in result.output.splitlines()


def test_raft_s_term_bound_written_as_a_spec_constraint_gives_raft_2s_figures(tmp_path):
    # raft's max_term is itself a constraint (raft.tla's cfg): term <= 2 as
    # a spec's constraint over max_term 3 explores specs/raft-2s.yaml's
    # 1,645 states, TLC's figure, with both bounds named where runs stop
    path = write(tmp_path, "model: raft\n"
                 "params: {servers: 2, values: 1, max_term: 3, max_log: 1, max_msgs: 1}\n"
                 "properties: [election_safety]\n"
                 "constraints: {two_terms: \"all(s.current_term <= 2 for s in servers)\"}\n"
                 "expect: {verdict: holds, distinct_states: 1645, depth: 27}\n")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0
    assert ("runs stopped by a bound (not deadlocks): 13 states, the first after 4 steps: "
            "every step from here leaves the bounds (within_bounds and the spec's constraint "
            "two_terms)") in result.output.splitlines()


def test_one_state_stopped_by_a_bound_is_said_in_the_singular():
    from checker import CheckConfig
    from reports.text import render_stats
    from tests.toys import Counter

    lines = render_stats(check(Counter(limit=3), CheckConfig()))
    assert ("runs stopped by a bound (not deadlocks): 1 state, the first after 2 steps: every "
            "step from here leaves the bounds (within_bounds)") in lines
