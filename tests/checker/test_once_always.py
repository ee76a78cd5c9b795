"""``once_always``, TLA+'s ``[](P => []Q)``: from any state where P holds, Q
holds there and in every later state. Its violation is finite (a path to a P
state and on, in no step or more, to a state where Q fails), shown as the
shortest such path stuttering in its last state; fairness plays no part and
a bound does not excuse it. The walks are in tests/checker/once_always_walks.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import checker
from checker import liveness
from checker.errors import ModelDefinitionError, SpecError
from checker.properties import eventually, once_always
from checker.result import CheckConfig
from cmc.main import cli
from reports.json import load_schema
from reports.text import render_stats
from tests.checker.once_always_walks import (EachProcess, FailsAtP, FailsLater, Holds, Line,
                                             LongTail, LongTailEventually, Witnessed,
                                             WitnessedNowhere, random_walk)

PROPERTY = ("once_p_always_q",)
FAIR = (("weak", "Go"),)
WALKS = Path(__file__).with_name("once_always_walks.py")


def run(model, **options):
    options.setdefault("properties", PROPERTY)
    return checker.check(model, CheckConfig(deadlock=False, **options))


def shown(finding):
    """The finding as the tests pin it: the states of its trace, where the
    loop starts, its length, the bound it stalls at, its reason."""
    return ([step.state for step in finding.trace.steps], finding.loop_start,
            finding.loop_length, finding.bound, finding.reason)


# -- the model's own property ------------------------------------------------------


@pytest.mark.parametrize("fairness", [(), FAIR, (("strong", "Go"),)])
def test_holds_with_fairness_and_without(fairness):
    result = run(Holds(), fairness=fairness)
    assert (result.verdict, result.stats.distinct_states, result.violations) == (
        "holds", 3, ())
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("once_p_always_q", "holds")]


def test_fails_in_the_state_where_p_first_holds():
    finding = run(FailsAtP()).violation("once_p_always_q")
    assert shown(finding) == (
        ["a", "b", "c"], 2, 0, None,
        "a behaviour breaks Once P always Q: the first part holds at step 2 and the second "
        "fails there")


def test_the_shortest_path_through_p_to_a_state_where_q_fails():
    # a b c d x (4 steps), not a b e f g d x (6), nor a h d x (3: P never
    # held) nor a h y (2: P never held); d is first reached without P
    result = run(FailsLater())
    assert (result.verdict, result.stats.distinct_states) == ("violated", 10)
    assert shown(result.violation("once_p_always_q")) == (
        ["a", "b", "c", "d", "x"], 4, 0, None,
        "a behaviour breaks Once P always Q: the first part holds at step 1 and the second "
        "fails at step 4")
    assert [str(step.action) for step in result.violation("once_p_always_q").trace.steps[1:]] \
        == ["Go(to='b')", "Go(to='c')", "Go(to='d')", "Go(to='x')"]


@pytest.mark.parametrize("fairness", [FAIR, (("strong", "Go"),)])
def test_fairness_plays_no_part(fairness):
    assert shown(run(FailsLater(), fairness=fairness).violation("once_p_always_q")) == shown(
        run(FailsLater()).violation("once_p_always_q"))


def test_the_pair_must_be_a_pair():
    class Single(Holds):
        @once_always("Once P always Q")
        def once_p_always_q(self, state):
            return state == "b"

    with pytest.raises(ModelDefinitionError) as raised:
        run(Single())
    assert str(raised.value) == (
        "model 'walk-holds': property 'once_p_always_q' is a once_always property: return a "
        "pair (p, q), for once p, always q; got False")


# -- bounds --------------------------------------------------------------------------


class Reaching(Line):
    """The line with ``<>(state = f)`` beside, for what another temporal
    kind reports at the same bound."""

    @eventually("Reaches f")
    def reaches_f(self, state):
        return state == "f"


def test_a_depth_bound_that_holds_the_violation_still_finds_it():
    result = run(Line(), max_depth=4, fairness=FAIR)
    assert (result.verdict, result.stopped_by) == ("violated", "max_depth")
    assert shown(result.violation("once_p_always_q"))[:4] == (
        ["a", "b", "c", "d", "e"], 4, 0, None)


def test_the_violations_path_is_real_past_the_depth_bound_where_its_states_lie_within():
    # x is 3 steps from a by h (a h d x): every state of a b c d x is within
    # max_depth 3, and so is the path, a real one of 4 steps
    result = run(FailsLater(), max_depth=3)
    assert (result.verdict, result.stopped_by) == ("violated", "max_depth")
    assert shown(result.violation("once_p_always_q"))[:4] == (
        ["a", "b", "c", "d", "x"], 4, 0, None)


def test_a_depth_bound_short_of_the_violation_settles_nothing_as_for_the_other_kinds():
    result = run(Reaching(), max_depth=3, fairness=FAIR,
                 properties=("once_p_always_q", "reaches_f"))
    assert (result.verdict, result.stopped_by) == ("incomplete", "max_depth")
    assert [(o.property.name, o.outcome, o.reason) for o in result.outcomes()] == [
        ("once_p_always_q", "not settled",
         "the depth bound (max_depth) was reached with states left to explore"),
        ("reaches_f", "not settled",
         "a fair behaviour never reaches Reaches f, but only because it stalls at a bound: "
         "the depth bound (max_depth = 3) is reached")]


def test_a_state_constraint_cuts_the_run():
    assert run(Line(last="d")).verdict == "holds"  # e, where Q fails, is outside the bounds
    assert run(Line(last="e")).violation("once_p_always_q").loop_start == 4


# -- the graph built no further than the paths found -------------------------------------


def test_a_violation_found_stops_the_graph_where_it_is_settled():
    # a path of 2 steps needs the links of a and b only: c, numbered, is
    # not expanded, nor the 30 states after it
    result = run(LongTail())
    assert (result.verdict, result.stats.distinct_states) == ("violated", 33)
    assert (result.stats.graph_states, result.stats.graph_edges,
            result.stats.graph_settled_at) == (3, 2, 2)
    assert shown(result.violation("once_p_always_q")) == (
        ["a", "b", "c"], 2, 0, None,
        "a behaviour breaks Once P always Q: the first part holds at step 1 and the second "
        "fails at step 2")
    assert "graph of 3 states and 2 links" in checker_text(result)
    assert "(built to 2 steps, where every temporal property was settled)" in checker_text(
        result)


def test_the_json_report_says_where_the_graph_stopped(tmp_path):
    path = tmp_path / "tail.yaml"
    path.write_text(f"model: {WALKS}:LongTail\nproperties: [once_p_always_q]\n"
                    "deadlock: false\n")
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    jsonschema.validate(document, load_schema())
    stats = document["results"][0]["stats"]
    assert (stats["graph_states"], stats["graph_settled_at"], stats["distinct_states"]) == (
        3, 2, 33)


def test_a_family_whose_steps_lie_past_where_the_graph_stopped_is_no_misspelling():
    # fairness plays no part in once_always; a step of Go(to='t29') lies
    # past the 3 states built, so it cannot be told misspelt there (the
    # whole graph tells it: a value no step has is refused as before)
    result = run(LongTail(), fairness=(("weak", "Go(to='t29')"),))
    assert (result.verdict, result.stats.graph_settled_at) == ("violated", 2)
    with pytest.raises(SpecError) as refused:
        run(LongTailEventually(), properties=("once_p_always_q", "reaches_the_end"),
            fairness=(("weak", "Go(to='t30')"),))
    assert refused.value.message == (
        "Go(to='t30') is no step of the reachable states; give values as the steps print "
        "them (Go(to='b')), or the action name alone")


def test_a_property_that_holds_or_one_of_another_kind_builds_the_whole_graph():
    assert (run(Holds()).stats.graph_settled_at, run(Holds()).stats.graph_states) == (None, 3)
    both = run(LongTailEventually(), properties=("once_p_always_q", "reaches_the_end"))
    assert (both.stats.graph_states, both.stats.graph_settled_at) == (33, None)
    assert shown(both.violation("once_p_always_q")) == shown(
        run(LongTail()).violation("once_p_always_q"))


def checker_text(result) -> str:
    return "\n".join(render_stats(result))


@pytest.mark.parametrize("chunk", range(4))
def test_random_walks_give_the_findings_of_the_whole_graph(chunk, monkeypatch):
    # 400 walks, each checked as it is and with the graph always built whole
    settled = 0
    for seed in range(chunk * 100, chunk * 100 + 100):
        depth = [None, None, 1, 2, 3, 5][seed % 6]
        early = run(random_walk(seed), max_depth=depth)
        with monkeypatch.context() as whole:
            whole.setattr(liveness._OnceSettled, "__call__", lambda self, graph, at: False)
            built = run(random_walk(seed), max_depth=depth)
        assert built.stats.graph_settled_at is None
        assert _findings(early) == _findings(built), seed
        if early.stats.graph_settled_at is not None:
            settled += 1
            assert early.stats.graph_states <= built.stats.graph_states, seed
            assert early.stats.graph_edges <= built.stats.graph_edges, seed
        else:
            assert early.stats.graph_states == built.stats.graph_states, seed
    assert settled >= 20  # (the walks stopped early: 23, 28, 32 and 28 of each 100)


def _findings(result) -> tuple:
    return (result.verdict, result.outcomes(), [
        (f.property.name, [step.state for step in f.trace.steps] if f.trace else None,
         f.loop_start, f.bound, f.reason) for f in result.violations + result.witnesses])


# -- each= and witness= ----------------------------------------------------------------


def test_of_each_process_the_shortest_members_path():
    result = run(EachProcess())
    assert shown(result.violation("once_p_always_q")) == (
        ["a", "h", "y"], 2, 0, None,
        "for process p2, a behaviour breaks Once P always Q: the first part holds at step 1 "
        "and the second fails at step 2")


def test_a_witness_is_the_shortest_path_that_breaks_it():
    result = run(Witnessed())
    assert (result.verdict, result.violations) == ("holds", ())
    assert shown(result.witness("once_p_always_q")) == (
        ["a", "b", "c", "d", "x"], 4, 0, None,
        "some behaviour breaks Once P always Q: the first part holds at step 1 and the second "
        "fails at step 4")


def test_a_witness_no_behaviour_has():
    result = run(WitnessedNowhere())
    finding = result.violation("once_p_always_q")
    assert (result.verdict, finding.trace, finding.reason) == (
        "violated", None, "every behaviour keeps Once P always Q")


# -- a spec's temporal: {name: {once_always: [P, Q]}} -----------------------------------


def spec(tmp_path: Path, walk: str, form: str, extra: str = "") -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(f"model: {WALKS}:{walk}\nproperties: []\ndeadlock: false\n"
                    f"temporal:\n  stays: {form}\n{extra}")
    return str(path)


STAYS = "{once_always: [\"view['state'] == 'b'\", \"view['state'] != 'x'\"]}"


def test_the_spec_form_through_cmc_check(tmp_path):
    path = spec(tmp_path, "FailsLater", STAYS)
    result = CliRunner().invoke(cli, ["check", path, "--format", "json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    jsonschema.validate(document, load_schema())  # its kind is the schema's
    report = document["results"][0]
    assert (report["verdict"], report["properties"]) == ("violated", [{
        "property": "stays", "title": "Stays", "kind": "once_always", "outcome": "violated",
        "reason": "a behaviour breaks Stays: the first part holds at step 1 and the second "
                  "fails at step 4"}])
    found = report["violations"][0]
    assert ({k: v for k, v in found.items() if k != "trace"},
            [step["state"]["state"] for step in found["trace"]]) == ({
                "property": "stays", "title": "Stays", "kind": "once_always",
                "reason": "a behaviour breaks Stays: the first part holds at step 1 and the "
                          "second fails at step 4",
                "loop_start": 4, "stem_length": 4, "loop_length": 0, "bound": None},
                ["a", "b", "c", "d", "x"])
    text = CliRunner().invoke(cli, ["check", path]).output
    assert ("  Stays (stays): violated by a lasso: a stem of 4 steps, then it stutters for "
            "ever: a behaviour breaks Stays: the first part holds at step 1 and the second "
            "fails at step 4") in text.splitlines()


def test_the_spec_form_expected_and_holding(tmp_path):
    expected = spec(tmp_path, "FailsLater", STAYS, "expect: {verdict: violated, property: "
                    "stays, stem_length: 4, loop_length: 0}\n")
    assert CliRunner().invoke(cli, ["check", expected]).exit_code == 0
    holding = spec(tmp_path, "Holds", "{once_always: [\"view['state'] == 'b'\", "
                   "\"view['state'] != 'a'\"]}", "expect: {verdict: holds, distinct_states: 3}\n")
    result = CliRunner().invoke(cli, ["check", holding])
    assert result.exit_code == 0, result.output
    assert "  Stays (stays): holds" in result.output.splitlines()
    shown_spec = CliRunner().invoke(cli, ["show", holding]).output
    assert ("temporal:\n  stays:\n    once_always:\n    - view['state'] == 'b'\n"
            "    - view['state'] != 'a'\n") in shown_spec


@pytest.mark.parametrize("form, message", [
    ('{once_always: ["True"]}', "temporal.stays.once_always: expected two expressions in "
                                "quotes, [P, Q]: once P, always Q, got a list"),
    ('{once_always: ["True", "True", "True"]}', "temporal.stays.once_always: expected two "
                                                "expressions in quotes, [P, Q]: once P, always "
                                                "Q, got a list"),
    ('{once_always: ["True", 3]}', "temporal.stays.once_always[1]: expected an expression in "
                                   "quotes, got 3"),
    ('{once_always: "True"}', "temporal.stays.once_always: expected two expressions in "
                              "quotes, [P, Q]: once P, always Q, got 'True'"),
    ('{once_always: ["True", "nope"]}', "temporal.stays.once_always[1]: unknown name 'nope'; "
                                        "the names are params, view and the functions abs, "
                                        "all, any, enumerate, frozenset, len, list, max, min, "
                                        "range, set, sorted, sum, tuple, zip"),
])
def test_a_bad_spec_form_is_a_one_line_error(tmp_path, form, message):
    path = spec(tmp_path, "FailsLater", form)
    result = CliRunner().invoke(cli, ["check", path])
    assert (result.exit_code, result.output) == (2, f"error: {path}:5: {message}\n")


def test_two_workers_find_what_one_process_does(tmp_path):
    path = spec(tmp_path, "FailsLater", STAYS)
    reports = []
    for workers in ("1", "2"):
        result = CliRunner().invoke(cli, ["check", path, "--workers", workers,
                                          "--format", "json"])
        assert result.exit_code == 1, result.output
        report = json.loads(result.output)["results"][0]
        reports.append((report["verdict"], report["properties"], report["violations"],
                        report["stats"]["distinct_states"]))
    assert reports[0] == reports[1]


def test_refused_with_a_checkpoint_as_the_other_kinds(tmp_path):
    path = spec(tmp_path, "FailsLater", STAYS)
    result = CliRunner().invoke(cli, ["check", path, "--checkpoint", str(tmp_path / "ck")])
    assert (result.exit_code, result.output) == (
        2, "error: temporal properties (stays) are checked on the whole state graph at once, "
           "which a checkpoint does not hold; check them without --checkpoint/--resume\n")


@pytest.mark.parametrize("steps, code, lines", [
    # through P at b, then Q fails at x: the path the search finds
    ("bcdx", 1, ["  Stays (stays): violated by a lasso: a stem of 4 steps, then it stutters "
                 "for ever: a behaviour breaks Stays: the first part holds at step 1 and the "
                 "second fails at step 4",
                 "replay: a finite run of 4 steps; stays judged on its states and steps"]),
    # to x without P: nothing broken, nothing proven
    ("hdx", 0, ["  Stays (stays): not settled: a replay takes one run: what it does not break "
                "is not proven to hold",
                "replay: a finite run of 3 steps; stays judged on its states and steps; no "
                "path among its states breaks stays"]),
])
def test_a_finite_replay_judges_it_where_the_other_kinds_need_a_lasso(tmp_path, steps, code,
                                                                       lines):
    path = spec(tmp_path, "FailsLater", STAYS)
    replayed = tmp_path / "run.yaml"
    replayed.write_text("".join(f"- Go(to='{to}')\n" for to in steps))
    result = CliRunner().invoke(cli, ["check", path, "--replay", str(replayed)])
    assert result.exit_code == code, result.output
    assert "the run replayed is a finite one" not in result.output
    for line in lines:
        assert line in result.output.splitlines()


def test_a_simulation_judges_it_on_each_behaviour(tmp_path):
    path = spec(tmp_path, "FailsLater", STAYS)
    result = CliRunner().invoke(cli, ["check", path, "--simulate", "--behaviours", "5",
                                      "--seed", "1"])
    assert result.exit_code == 1, result.output
    assert ("  Stays (stays): violated by a lasso: a stem of 4 steps, then it stutters for "
            "ever: a behaviour breaks Stays: the first part holds at step 1 and the second "
            "fails at step 4") in result.output.splitlines()


def test_symmetry_on_a_walk_with_no_symmetric_set_is_refused():
    # (under symmetry, once_always is checked on orbits:
    # tests/checker/test_liveness_symmetry.py)
    with pytest.raises(checker.CheckerError) as raised:
        run(FailsLater(), symmetry=True)
    assert str(raised.value) == (
        "model 'walk-fails-later' declares no symmetric sets (`symmetry_sets`), so "
        "symmetry=True would reduce nothing")
