"""Text reports: field-level diffs, the failing property's reason on the
last step, colour only when asked for or on a terminal without NO_COLOR."""

from __future__ import annotations

import io
import json

import pytest

from reports.text import Change, changes, render_finding, render_result, use_colour


def test_per_node_rows_are_diffed_by_position_and_collections_by_items():
    before = {"max_bal": [-1, -1, -1], "msgs": ["1a(bal=0)"], "term": 1}
    after = {"max_bal": [-1, 0, -1], "msgs": ["1a(bal=0)", "1b(acc=1)"], "term": 2}
    assert [str(change) for change in changes(before, after)] == [
        "max_bal[1]: -1 → 0", "msgs: + 1b(acc=1)", "term: 1 → 2"]


def test_a_bag_whose_item_is_replaced_is_diffed_as_a_collection():
    # A reply takes the request out and puts the response in: same length,
    # but every position after the change would shift.
    before = {"msgs": ["a", "b", "c", "d"]}
    after = {"msgs": ["b", "c", "d", "e"]}
    assert changes(before, after) == [Change("msgs", "a", None), Change("msgs", None, "e")]


def test_the_last_step_says_why_the_property_fails(two_phase):
    lines = render_finding(two_phase.model, two_phase.result.violations[0])
    assert lines[0] == ("Consistency (consistency) violated after 5 steps: "
                        "rm1 committed but rm2 aborted")
    assert lines[-2:] == [
        "       rm2.state: working → aborted",
        "       ✗ Consistency violated in this state: rm1 committed but rm2 aborted"]


def test_a_witness_ends_with_the_property_reached(two_phase):
    lines = render_finding(two_phase.model, two_phase.result.witness("all_committed"),
                           witness=True)
    assert lines[-1] == "       ✓ All Committed reached"


def test_text_is_plain_unless_colour_is_asked_for(two_phase):
    plain = render_result("t", two_phase.model, two_phase.result)
    coloured = render_result("t", two_phase.model, two_phase.result, colour=True)
    assert "\033[" not in plain
    assert "verdict: \033[1;31mVIOLATED\033[0m" in coloured
    assert "rm2.state: \033[31mworking\033[0m → \033[32maborted\033[0m" in coloured
    assert "msgs: \033[32m+ Commit\033[0m" in coloured


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream, no_color, forced, expected", [
    (Terminal(), None, None, True),
    (Terminal(), "1", None, False),
    (Terminal(), "", None, True),          # NO_COLOR set but empty does not count
    (io.StringIO(), None, None, False),    # a file or a pipe
    (io.StringIO(), None, True, True),     # --color
    (Terminal(), "1", True, True),         # --color beats NO_COLOR
    (Terminal(), None, False, False),      # --no-color
])
def test_use_colour(monkeypatch, stream, no_color, forced, expected):
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert use_colour(stream, forced) is expected


def test_swapped_per_node_values_are_shown_by_position():
    assert [str(c) for c in changes({"leader": [1, 0]}, {"leader": [0, 1]})] == [
        "leader[0]: 1 → 0", "leader[1]: 0 → 1"]
    assert [str(c) for c in changes({"max_bal": [-1, -1, -1]}, {"max_bal": [-1, 0, 0]})] == [
        "max_bal[1]: -1 → 0", "max_bal[2]: -1 → 0"]


def test_an_unsorted_bag_with_an_item_replaced_mid_list_reads_as_a_collection():
    before = {"network": ["p0->a1 ACCEPT", "p0->a2 ACCEPT", "p1->a0 PROMISE"]}
    after = {"network": ["p0->a2 ACCEPT", "p1->a0 PROMISE", "a1->l0 ACCEPTED"]}
    assert [str(c) for c in changes(before, after)] == [
        "network: - p0->a1 ACCEPT", "network: + a1->l0 ACCEPTED"]
    assert [str(c) for c in changes({"log": ["t1:v1", "t2:v2"]}, {"log": ["t1:v1", "t3:v1"]})] \
        == ["log[1]: t2:v2 → t3:v1"]


def test_a_bag_or_a_set_is_never_diffed_by_position():
    # (a new user's trial: a kit Bag printed `network[4]: Query(...) → QueryReply(...)`)
    from checker.model import BagView, SetView

    for kind in (BagView, SetView):
        before = {"network": kind(["a", "q(c1→s2)"])}
        after = {"network": kind(["a", "r(s2→c1)"])}
        assert [str(c) for c in changes(before, after)] == [
            "network: - q(c1→s2)", "network: + r(s2→c1)"]
    # a plain list of the same strings reads by position where that is shorter
    assert [str(c) for c in changes({"log": ["a", "q"]}, {"log": ["a", "r"]})] == [
        "log[1]: q → r"]


def test_a_set_prints_in_braces_and_its_pairs_in_parentheses():
    from checker.model import jsonable
    before = {"votes": jsonable((frozenset(), frozenset({(2, 1)}))), "voted": jsonable(frozenset())}
    after = {"votes": jsonable((frozenset({(1, 0)}), frozenset({(2, 1)}))),
             "voted": jsonable(frozenset({(1, 0), (0, 1)}))}
    assert [str(change) for change in changes(before, after)] == [
        "votes[0]: {} → {(1, 0)}", "voted: + (0, 1)", "voted: + (1, 0)"]
    assert json.dumps(after) == '{"votes": [[[1, 0]], [[2, 1]]], "voted": [[0, 1], [1, 0]]}'


def test_a_mapping_is_compared_key_by_key():
    before = {"msgs": {"m1": 1, "m2": 2}, "term": 1}
    after = {"msgs": {"m1": 0, "m3": 1}, "term": 1}
    assert [str(change) for change in changes(before, after)] == [
        "msgs[m1]: 1 → 0", "msgs: + m3: 1", "msgs: - m2: 2"]


def test_the_temporal_graph_counts_orbits_under_symmetry(tmp_path):
    """Termination on Paxos 3x2x2, fairness to each phase as one: its graph
    is of orbits under symmetry (443, as the safety run's), of states without."""
    from click.testing import CliRunner

    from cmc.main import cli

    lines = {}
    for symmetry in (True, False):
        spec = tmp_path / f"termination-{symmetry}.yaml"
        spec.write_text("model: paxos\nparams: {acceptors: 3, values: 2, ballots: 2}\n"
                        "properties: [agreement, termination]\n"
                        "fairness: {weak: [Phase1a, Phase1b, Phase2a, Phase2b]}\n"
                        f"symmetry: {str(symmetry).lower()}\n")
        result = CliRunner().invoke(cli, ["check", str(spec), "--workers", "1"])
        assert result.exit_code == 0, result.output
        lines[symmetry] = [line.split(" (")[0] for line in result.output.splitlines()
                           if line.startswith("temporal properties: graph of")]
    assert lines == {True: ["temporal properties: graph of 443 orbits and 1,099 links"],
                     False: ["temporal properties: graph of 3,921 states and 9,442 links"]}


@pytest.mark.parametrize("before, after, lines", [
    # an inbox receiving at any position (Inbox(receive="any")): the one taken
    (["a", "b", "c"], ["a", "c"], ["inbox[p0]: - b"]),
    (["a", "b", "c"], ["a", "c", "d"], ["inbox[p0]: - b", "inbox[p0]: + d"]),
    # the head, as FIFO queues: what left the head, then what joined the tail
    (["a", "b", "c"], ["b", "c", "d"], ["inbox[p0]: - a", "inbox[p0]: + d"]),
    (["a", "b", "c"], ["c"], ["inbox[p0]: - a", "inbox[p0]: - b"]),
    (["a", "b"], ["a", "b", "x"], ["inbox[p0]: + x"]),
])
def test_a_queue_change_is_what_left_it_and_what_joined_its_tail(before, after, lines):
    from checker.model import QueueView
    from reports.text import state_changes

    assert state_changes({"inbox": QueueView({"p0": before})},
                         {"inbox": QueueView({"p0": after})}) == lines
