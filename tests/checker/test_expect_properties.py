"""A spec's `expect: properties:`: each listed property's outcome, checked at
load time (names, outcome words, agreement with `verdict` and `property`)
and judged against a run that went on past its first violation."""

from __future__ import annotations

import pytest

import checker
from checker.errors import SpecError
from checker.spec import load_spec
from tests.spec_runs import checked_spec

#: die-hard's own properties checked, and an invariant that only the state
#: (3, 1) breaks: 7 steps deep, one deeper than Goal Not Reached's 6
DIE_HARD = ("model: die-hard\nproperties: [goal_not_reached, within_capacity]\n"
            "invariants: {never_3_1: \"view['state'] != [3, 1]\"}\n")


def _load(write_spec, toy_registry, text: str):
    return load_spec(write_spec(text), toy_registry)


def _judged(write_spec, toy_registry, text: str) -> list[str]:
    """The mismatches of the spec's expectation with the run it asks for."""
    spec = _load(write_spec, toy_registry, text)
    return spec.expect.mismatches(checker.check(spec.build(), spec.config()))


@pytest.mark.parametrize("expect, verdict", [
    ("{properties: {goal_not_reached: violated, within_capacity: holds}}", "violated"),
    ("{properties: {within_capacity: holds}}", "holds"),
    ("{properties: {both_full: witnessed}}", "holds"),
    ("{properties: {within_capacity: not settled}}", "incomplete"),
    ("{properties: {within_capacity: holds}, property: goal_not_reached}", "violated"),
    ("{properties: {within_capacity: holds}, verdict: violated}", "violated"),
])
def test_a_verdict_left_out_is_the_one_the_listed_outcomes_imply(write_spec, toy_registry,
                                                                 expect, verdict):
    spec = _load(write_spec, toy_registry, f"model: die-hard\nexpect: {expect}\n")
    assert spec.expect.verdict == verdict


def test_listed_outcomes_make_the_run_go_on_past_its_first_violation(write_spec, toy_registry):
    listed = _load(write_spec, toy_registry,
                   "model: die-hard\nexpect: {properties: {goal_not_reached: violated}}\n")
    assert listed.config().keep_going is True
    assert listed.config().stop_when_settled is True
    unlisted = _load(write_spec, toy_registry,
                     "model: die-hard\nexpect: {verdict: violated, property: goal_not_reached}\n")
    assert unlisted.config().keep_going is False
    assert unlisted.config(keep_going=True).keep_going is True


def test_met_outcomes_give_no_mismatch(write_spec, toy_registry):
    assert _judged(write_spec, toy_registry, DIE_HARD + (
        "expect:\n  trace_length: 6\n  properties: {goal_not_reached: violated, "
        "within_capacity: holds, never_3_1: violated, deadlock: holds, assertion: holds}\n")) == []


def test_a_listed_holding_property_broken_deeper_than_the_first_violation_fails(
        write_spec, toy_registry):
    # The run would stop at depth 6, Goal Not Reached's, without the list;
    # never_3_1 breaks at depth 7, and is checked there.
    text = DIE_HARD + ("expect: {property: goal_not_reached, trace_length: 6, properties: "
                       "{goal_not_reached: violated, within_capacity: holds, never_3_1: holds}}\n")
    assert _judged(write_spec, toy_registry, text) == [
        "properties.never_3_1: expected holds, got violated"]
    # (the same spec without the list passes: its run stops before depth 7)
    assert _judged(write_spec, toy_registry, DIE_HARD + (
        "expect: {verdict: violated, property: goal_not_reached, trace_length: 6}\n")) == []


def test_each_kind_of_mismatch_reads_expected_against_got(write_spec, toy_registry):
    text = DIE_HARD + ("bounds: {max_depth: 3}\nexpect: {verdict: violated, properties: "
                       "{goal_not_reached: violated, within_capacity: holds, deadlock: holds}}\n")
    assert _judged(write_spec, toy_registry, text) == [
        "verdict: expected violated, got incomplete",
        "properties.goal_not_reached: expected violated, got not settled",
        "properties.within_capacity: expected holds, got not settled",
        "properties.deadlock: expected holds, got not settled"]


def test_witnesses_and_a_bounded_run_are_judged_in_the_words_reports_use(write_spec,
                                                                          toy_registry):
    assert _judged(write_spec, toy_registry, (
        "model: die-hard\nproperties: [both_full, overflow]\n"
        "expect: {properties: {both_full: witnessed, overflow: violated}}\n")) == []
    assert _judged(write_spec, toy_registry, (
        "model: die-hard\nproperties: [within_capacity]\nbounds: {max_depth: 3}\n"
        "expect: {properties: {within_capacity: not settled}, distinct_states: 8}\n")) == []
    assert _judged(write_spec, toy_registry, (
        "model: die-hard\nproperties: [both_full, overflow]\n"
        "expect: {verdict: violated, properties: {both_full: violated}}\n")) == [
        "properties.both_full: expected violated, got witnessed"]


BAD = [
    ("expect: {properties: {goal_not_reachd: violated}}\n",
     ":4: expect.properties.goal_not_reachd: 'goal_not_reachd' is not among the checked "
     "properties (did you mean 'goal_not_reached'?); list some of: goal_not_reached, "
     "within_capacity, never_3_1, deadlock, assertion"),
    ("expect:\n  properties:\n    within_capacity: hold\n",
     ":6: expect.properties.within_capacity: got 'hold' (did you mean 'holds'?); accepted: "
     "holds, violated, witnessed, not settled"),
    ("expect: {properties: {}}\n",
     ":4: expect.properties: expected a mapping of property names to outcomes: holds, "
     "violated, witnessed, not settled, got an empty mapping"),
    ("expect: {distinct_states: 16}\n", ":4: expect: missing field 'verdict'"),
    ("expect: [holds]\n",
     ":4: expect: expected a mapping with verdict (or properties: each one's outcome) and "
     "optional figures, got a list"),
    ("expect: {verdict: holds, properties: {goal_not_reached: violated}}\n",
     ":4: expect.verdict: goal_not_reached is listed violated, so the verdict is violated; "
     "write verdict: violated, or leave verdict out (the listed outcomes imply it)"),
    ("expect: {verdict: incomplete, properties: {goal_not_reached: violated}}\n",
     ":4: expect.verdict: goal_not_reached is listed violated, so the verdict is violated; "
     "write verdict: violated, or leave verdict out (the listed outcomes imply it)"),
    ("expect: {verdict: holds, properties: {never_3_1: not settled}}\n",
     ":4: expect.verdict: never_3_1 is listed not settled, so the run cannot hold; write "
     "verdict: incomplete or violated, or leave verdict out (the listed outcomes imply it)"),
    ("expect: {property: goal_not_reached, properties: {goal_not_reached: holds}}\n",
     ":4: expect.properties.goal_not_reached: `property: goal_not_reached` says it is "
     "violated, but it is listed holds; write violated here, or change property"),
    ("expect: {properties: {never_3_1: witnessed}}\n",
     ":4: expect.properties.never_3_1: never_3_1 is no witness: it holds or is violated; "
     "write holds"),
    ("deadlock: false\nexpect: {properties: {deadlock: holds}}\n",
     ":5: expect.properties.deadlock: the spec says deadlock: false, so deadlock is not "
     "checked; remove it here or the deadlock: line"),
    ("expect: {properties: {within_capacity: holds}, trace_length: 6}\n",
     ":4: expect.trace_length: `trace_length` goes with `verdict: violated`"),
]


@pytest.mark.parametrize("expect, message", BAD)
def test_a_bad_list_is_one_error_naming_file_line_field_and_fix(write_spec, toy_registry,
                                                                 expect, message):
    path = write_spec(DIE_HARD + expect)
    with pytest.raises(SpecError) as caught:
        load_spec(path, toy_registry)
    assert str(caught.value) == path + message


def test_a_witness_listed_as_holding_is_refused(write_spec, toy_registry):
    path = write_spec("model: die-hard\nexpect: {properties: {both_full: holds}}\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path, toy_registry)
    assert str(caught.value) == (
        f"{path}:2: expect.properties.both_full: both_full is a witness: a run reaches it "
        "(witnessed) or none does (violated); write witnessed")


def test_properties_none_checked_leave_only_the_engines_own(write_spec, toy_registry):
    path = write_spec("model: die-hard\nproperties: []\n"
                      "expect: {properties: {within_capacity: holds}}\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path, toy_registry)
    assert str(caught.value) == (
        f"{path}:3: expect.properties.within_capacity: 'within_capacity' is not among the "
        "checked properties; list some of: deadlock, assertion")


def test_the_bundled_no_adopt_learners_spec_settles_both_properties():
    spec, _, result = checked_spec("paxos-textbook-mutant-no-adopt-learners.yaml")
    assert dict(spec.expect.properties) == {"learners_agree": "violated",
                                            "learned_implies_chosen": "holds"}
    assert spec.config().keep_going is True
    assert [(o.property.name, o.outcome) for o in result.outcomes()] == [
        ("learners_agree", "violated"), ("learned_implies_chosen", "holds")]
    # its figures are the whole state space's, its counterexample the same 18 steps
    assert (result.stopped_by, result.stats.distinct_states, result.stats.depth) == (
        None, 2201, 22)
    assert len(result.violation("learners_agree").trace) == 18
    assert spec.expect.mismatches(result) == []
