"""JUnit XML: a test case per (spec, property), failing as the spec would
fail the build, failures carrying the text trace."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import checker
from checker.spec import Expect
from reports.junit import render_junit
from reports.run import Checked
from tests.toys import DieHard


def cases(document: str) -> dict[str, tuple[str, str | None]]:
    """name → (outcome, message) for every test case."""
    root = ET.fromstring(document)
    found = {}
    for case in root.iter("testcase"):
        outcome = next(iter(case), None)
        kind = outcome.tag if outcome is not None and outcome.tag != "system-out" else "passed"
        found[f"{case.get('classname')}.{case.get('name')}"] = (
            kind, outcome.get("message") if kind != "passed" else None)
    return found


def test_a_violation_without_expectation_fails_carrying_the_trace(two_phase):
    document = render_junit([two_phase])
    root = ET.fromstring(document)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("2", "1", "0")
    (suite,) = root
    assert suite.get("name") == "specs/two-phase-early-commit.yaml"
    assert cases(document) == {
        "two-phase-early-commit.consistency":
            ("failure", "Consistency violated: rm1 committed but rm2 aborted"),
        "two-phase-early-commit.all_committed": ("passed", None)}
    failure = root.find(".//testcase[@name='consistency']/failure")
    assert failure.text.splitlines()[0] == ("Consistency (consistency) violated after 5 steps: "
                                            "rm1 committed but rm2 aborted")
    assert "  5  RMChooseToAbort(rm=1)" in failure.text


def test_an_expected_violation_passes_and_a_mismatch_fails_the_expect_case(two_phase):
    met = Checked(two_phase.spec, two_phase.model, two_phase.result,
                  Expect("violated", property="consistency", trace_length=5))
    unmet = Checked("specs/other.yaml", two_phase.model, two_phase.result,
                    Expect("violated", property="consistency", distinct_states=10),
                    ("distinct_states: expected 10, got 66",))
    document = render_junit([met, unmet])
    assert cases(document) == {
        "two-phase-early-commit.consistency": ("passed", None),
        "two-phase-early-commit.all_committed": ("passed", None),
        "two-phase-early-commit.expect": ("passed", None),
        "other.consistency": ("passed", None),
        "other.all_committed": ("passed", None),
        "other.expect": ("failure", "expectation not met: distinct_states: expected 10, got 66"),
    }
    root = ET.fromstring(document)
    out = root.find(".//testcase[@classname='two-phase-early-commit'][@name='consistency']"
                    "/system-out")
    assert "RMChooseToAbort(rm=1)" in out.text


def test_properties_a_run_did_not_settle_are_skipped_saying_why():
    model = DieHard()
    stopped = Checked("specs/die-hard.yaml", model, checker.check(model))
    bounded = Checked("specs/bounded.yaml", model,
                      checker.check(model, checker.CheckConfig(max_depth=1)))
    found = cases(render_junit([stopped, bounded]))
    assert found["die-hard.goal_not_reached"][0] == "failure"
    assert found["die-hard.within_capacity"] == (
        "skipped", "not settled: the run stopped at the first violation (--keep-going checks "
                   "every property)")
    assert found["bounded.within_capacity"] == (
        "skipped", "not settled: no violation in the 3 states explored (to depth 1); the "
                   "depth bound (max_depth) was reached with states left to explore")


def test_an_expected_violation_that_holds_fails():
    model = DieHard()
    result = checker.check(model, checker.CheckConfig(properties=("within_capacity",)))
    checked = Checked("specs/x.yaml", model, result,
                      Expect("violated", property="within_capacity"),
                      ("verdict: expected violated, got holds",))
    assert cases(render_junit([checked])) == {
        "x.within_capacity": ("failure", "Within Capacity was expected to be violated, "
                                         "but holds"),
        "x.expect": ("failure", "expectation not met: verdict: expected violated, got holds")}


def test_properties_of_a_run_that_went_to_the_end_pass():
    model = DieHard()
    never = checker.check(model, checker.CheckConfig(properties=("within_capacity",
                                                                 "overflow")))
    found = cases(render_junit([Checked("specs/never.yaml", model, never)]))
    assert found == {"never.within_capacity": ("passed", None),
                     "never.overflow": ("failure", "Overflow violated: no reachable state "
                                                   "satisfies it")}


def test_properties_of_a_run_that_went_on_past_a_violation_pass():
    model = DieHard()
    everything = checker.check(model, checker.CheckConfig(keep_going=True))
    found = cases(render_junit([Checked("specs/all.yaml", model, everything)]))
    assert found == {"all.goal_not_reached": ("failure", "Goal Not Reached violated: the big "
                                                         "jug holds 4 gallons"),
                     "all.within_capacity": ("passed", None), "all.both_full": ("passed", None),
                     "all.overflow": ("failure", "Overflow violated: no reachable state "
                                                 "satisfies it")}


def test_each_property_fails_or_passes_as_expect_properties_lists_it():
    # (DieHard gone to the end: goal_not_reached violated, within_capacity holds)
    model = DieHard()
    result = checker.check(model, checker.CheckConfig(
        properties=("goal_not_reached", "within_capacity"), keep_going=True))
    listed = Checked("specs/listed.yaml", model, result, Expect(
        "violated", properties={"goal_not_reached": "violated", "within_capacity": "holds"}))
    wrong = Checked("specs/wrong.yaml", model, result, Expect(
        "violated", properties={"goal_not_reached": "holds", "within_capacity": "violated"}),
        ("properties.goal_not_reached: expected holds, got violated",
         "properties.within_capacity: expected violated, got holds"))
    assert cases(render_junit([listed, wrong])) == {
        "listed.goal_not_reached": ("passed", None),
        "listed.within_capacity": ("passed", None),
        "listed.expect": ("passed", None),
        # with verdict violated and no property named, either would pass unlisted
        "wrong.goal_not_reached": ("failure", "Goal Not Reached violated: the big jug holds "
                                              "4 gallons"),
        "wrong.within_capacity": ("failure", "Within Capacity was expected to be violated, "
                                             "but holds"),
        "wrong.expect": ("failure", "expectation not met: properties.goal_not_reached: "
                                    "expected holds, got violated; properties.within_capacity: "
                                    "expected violated, got holds")}
