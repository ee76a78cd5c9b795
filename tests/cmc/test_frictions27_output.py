"""Output an operator reads: what `cmc list` says a property claims, and an
unmet expectation that says what the run has not, never Python's None."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cmc.list_models import first_sentence
from cmc.main import cli


@pytest.fixture
def run(toy_registry):
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), prog_name="cmc")
    return invoke


def test_cmc_list_says_what_each_property_claims_under_its_title(run):
    # the title "No Disruptive Rejoin" alone did not say it counts only a
    # rejoining server whose log is behind
    result = run("list", "raft")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    at = lines.index("    no_disruptive_rejoin (transition, checked when a spec names it): "
                     "No Disruptive Rejoin")
    assert lines[at + 1] == (
        "      A Leader is never deposed by a term that only servers cut off at the start "
        "hold, from one whose log is behind the leader's: away, it raised its term alone, "
        "and though it cannot win an election, its message makes the leader step down on "
        "rejoining.")
    assert lines[at - 2:at] == [
        "    logs_healed (reachable, checked when a spec names it): Logs Healed",
        "      A leader's log is non-empty and every server's log equals it."]


def test_cmc_list_prints_no_line_for_a_property_without_a_docstring(run):
    lines = run("list", "die-hard").output.splitlines()
    at = lines.index("  properties:")
    assert lines[at:at + 6] == ["  properties:",
                                "    goal_not_reached (invariant): Goal Not Reached",
                                "    within_capacity (invariant): Within Capacity",
                                "    both_full (reachable): Both Full",
                                "    overflow (reachable): Overflow",
                                "  mutants:"]


def test_cmc_list_json_gives_each_property_its_whole_docstring(run):
    listed = json.loads(run("list", "--format", "json", "paxos").output)
    termination = next(p for p in listed["models"][0]["properties"]
                       if p["name"] == "termination")
    assert termination["doc"] == (
        "A value is eventually chosen. With finitely many ballots every run ends when they "
        "are used up (`bound_reason`): a run that chooses nothing stalls at that bound, "
        "which settles nothing (see `paxos-liveness` for ballots without end).")


@pytest.mark.parametrize("text, sentence", [
    ("At most one value is chosen.", "At most one value is chosen."),
    ("One (a. b. c.) two. Three.", "One (a. b. c.) two."),
    ("Index 1.5 is read. Then.", "Index 1.5 is read."),
    ("no stop at all", "no stop at all"),
])
def test_first_sentence_ends_at_a_stop_outside_brackets(text, sentence):
    assert first_sentence(text) == sentence


@pytest.mark.parametrize("spec, expected", [
    # a run that holds has no counterexample to measure
    ("properties: [within_capacity]\nexpect: {verdict: violated, property: within_capacity, "
     "trace_length: 6, loop_length: 1}\n",
     ["  verdict: expected violated, got holds",
      "  property: expected within_capacity, got no violated property",
      "  trace_length: expected 6, got no counterexample",
      "  loop_length: expected 1, got no counterexample"]),
    # a reachable property no state satisfies is violated without a trace
    ("properties: [overflow]\nexpect: {verdict: violated, property: overflow, "
     "trace_length: 3}\n",
     ["  trace_length: expected 3, got no counterexample"]),
    # an invariant's counterexample is a finite run, not a lasso
    ("properties: [goal_not_reached]\nexpect: {verdict: violated, trace_length: 6, "
     "stem_length: 2}\n",
     ["  stem_length: expected 2, got no lasso (the counterexample is a finite run)"]),
])
def test_an_unmet_expectation_says_what_the_run_has_not_never_none(run, write_spec, spec,
                                                                    expected):
    result = run("check", write_spec("model: die-hard\n" + spec))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    at = lines.index("expectation NOT met:")
    assert lines[at + 1:] == expected + [""]


def test_an_expected_trace_of_no_steps_is_met_by_a_violation_in_the_initial_state(
        run, write_spec):
    # (an empty trace is falsy: the count was read as missing, "got None")
    result = run("check", write_spec(
        "model: die-hard\nparams: {goal: 0}\nproperties: [goal_not_reached]\n"
        "expect: {verdict: violated, trace_length: 0}\n"))
    assert (result.exit_code, result.output.rstrip().splitlines()[-1]) == (0, "expectation met")


# a kit model's memo figures are the model author's, not the operator's: --stats asks
TINY_KIT = ("model: paxos-textbook\nparams: {proposers: 1, acceptors: 1, learners: 1, "
            "max_msgs: 2, drop: 0, duplicate: 0, crash: 0}\ndeadlock: false\n"
            "properties: [agreement]\n")


def test_the_memo_line_is_left_out_of_the_text_report_unless_stats_asks(run, write_spec):
    spec = write_spec(TINY_KIT)
    plain = run("check", "--workers", "1", spec)
    assert plain.exit_code == 0
    assert plain.output.splitlines()[-3:] == [
        "fingerprint collision probability: 0.0e+00",
        "never fired (check the model or the bounds): ReceiveNack", ""]
    assert not [line for line in plain.output.splitlines() if line.startswith("memo")]
    asked = run("check", "--workers", "1", "--stats", spec)
    assert asked.output.splitlines()[-4:] == [
        "fingerprint collision probability: 0.0e+00",
        "memo (main process): 30 plan look-ups, 18 computed (40.0% hits), 18 node plans, "
        "7 handler runs, 0 tables filled and started again",
        "never fired (check the model or the bounds): ReceiveNack", ""]
    # the JSON report has them with or without --stats
    document = json.loads(run("check", "--workers", "1", "--format", "json", spec).output)
    assert document["results"][0]["stats"]["model_stats"] == {
        "plan_lookups": 30, "plan_misses": 18, "node_plan_misses": 18, "handler_runs": 7,
        "restarts": 0}
