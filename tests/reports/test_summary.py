"""The Markdown summary for CI job pages."""

from __future__ import annotations

from checker.spec import Expect
from reports.run import Checked
from reports.summary import render_summary


def test_a_table_row_per_spec_and_each_violation_folded_with_trace_and_chart(two_phase):
    met = Checked("specs/met.yaml", two_phase.model, two_phase.result,
                  Expect("violated", property="consistency"))
    text = render_summary([two_phase, met])
    lines = text.splitlines()
    assert lines[:6] == [
        "## cmc: model checking", "", "1 of 2 specs passed.", "",
        "| | spec | model | verdict | expectation | distinct states | depth | time |",
        "|---|---|---|---|---|---:|---:|---:|"]
    stats = two_phase.result.stats
    assert lines[6] == (
        f"| ❌ | `specs/two-phase-early-commit.yaml` | two-phase {{rms: 2}}, mutant early_commit | "
        f"violated: consistency | — | 66 | 5 | {stats.seconds:.2f} s |")
    assert lines[7].startswith("| ✅ | `specs/met.yaml` | two-phase {rms: 2}, mutant "
                               "early_commit | violated: consistency | met | 66 | 5 |")
    assert text.count("<details>") == 2
    assert ("<details><summary><b>specs/met.yaml</b>: Consistency (consistency) violated "
            "after 5 steps</summary>") in lines
    assert "```mermaid" in lines and "    tm->>rm1: Commit (sent at step 3)" in lines
    assert "  5  RMChooseToAbort(rm=1)" in lines
