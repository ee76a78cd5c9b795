"""`cmc quorum`: the seed's questions answered from the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cmc.quorum import quorum

TABLE = """\
Majority quorums, N = 1..9 (a quorum is N//2+1 nodes):
  nodes  quorum  tolerates
      1       1          0
      2       2          0   tolerates no more failures than N=1, with a larger quorum (2 instead of 1)
      3       2          1
      4       3          1   tolerates no more failures than N=3, with a larger quorum (3 instead of 2)
      5       3          2
      6       4          2   tolerates no more failures than N=5, with a larger quorum (4 instead of 3)
      7       4          3
      8       5          3   tolerates no more failures than N=7, with a larger quorum (5 instead of 4)
      9       5          4
"""

MAJORITY_OF_5 = """\
Rule: any 3 of 5
  every two quorums intersect (55 pairs of minimal quorums checked)
  tolerates 2 failures (the failure of {1,2,3} leaves no quorum)
"""


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(quorum, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_table_text():
    assert run() == TABLE


def test_table_json_pins_the_seed_numbers():
    table = json.loads(run("--format", "json"))["table"]
    assert [(row["nodes"], row["quorum"], row["tolerates"]) for row in table] == [
        (1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2),
        (6, 4, 2), (7, 4, 3), (8, 5, 3), (9, 5, 4)]
    assert table[3] == {"nodes": 4, "quorum": 3, "tolerates": 1, "fatal_failures": [1, 2],
                        "no_gain": True, "note": "tolerates no more failures than N=3, "
                                                 "with a larger quorum (3 instead of 2)"}
    assert [row["nodes"] for row in table if row["no_gain"]] == [2, 4, 6, 8]
    assert set(json.loads(run("--format", "json"))) == {"table"}


def test_zones_2_2_1_text():
    assert run("--zones", "2,2,1") == TABLE + "\n" + MAJORITY_OF_5 + """
Zones: zone 1 = {1,2}, zone 2 = {3,4}, zone 3 = {5}
  zone 1 down: {3,4,5} left, quorum {3,4,5}: survives
  zone 2 down: {1,2,5} left, quorum {1,2,5}: survives
  zone 3 down: {1,2,3,4} left, quorum {1,2,3}: survives
  zones 1+2 down: {5} left, 1 of 5 nodes, a quorum needs 3: no quorum
  zones 1+3 down: {3,4} left, 2 of 5 nodes, a quorum needs 3: no quorum
  zones 2+3 down: {1,2} left, 2 of 5 nodes, a quorum needs 3: no quorum
  survives the loss of any 1 zone
  maintenance: any 2 nodes can be down at once
  and still survive the loss of any zone: 0 nodes (with {1} down, losing zone 2 leaves no quorum)
"""


def test_zones_json_second_zone_survives():
    out = json.loads(run("--zones", "2,2,1", "--format", "json"))
    zones = out["zones"]
    assert zones["zones"] == [[1, 2], [3, 4], [5]]
    second = zones["losses"][1]
    assert second == {"zones": [2], "down": [3, 4], "survives": True, "quorum_left": [1, 2, 5]}
    assert [loss["survives"] for loss in zones["losses"]] == [True] * 3 + [False] * 3
    assert (zones["zones_tolerated"], zones["maintenance"],
            zones["maintenance_with_zone_loss"]) == (1, 2, 0)
    assert zones["breaking"] == {"down": [1], "zone": 2}
    assert out["rule"]["rule"] == "any 3 of 5" and out["rule"]["tolerates"] == 2


def test_partition_135_24_text():
    assert run("--partition", "1,3,5/2,4") == TABLE + "\n" + MAJORITY_OF_5 + """
Partition: {1,3,5} | {2,4}
  side 1 {1,3,5}: holds quorum {1,3,5}: can elect a leader and decide
  side 2 {2,4}: 2 of 5 nodes, a quorum needs 3: cannot elect
  no two sides can both hold a quorum: every two quorums intersect (55 pairs of minimal \
quorums checked) and the sides share no node
"""


def test_partition_json_only_the_first_side_elects():
    found = json.loads(run("--partition", "1,3,5/2,4", "--format", "json"))["partition"]
    assert found["elect"] == [1]
    assert found["split"] is None and found["intersect"] is True
    assert [side["can_elect"] for side in found["sides"]] == [True, False]
    assert found["sides"][1]["reason"] == "2 of 5 nodes, a quorum needs 3"


def test_partition_with_a_non_intersecting_rule_shows_split_brain():
    # exit 1: a CI job gating on a configuration fails where split brain is
    # possible (it exited 0)
    out = run("--nodes", "4", "--quorum", "{threshold: 2}", "--partition", "1,2/3,4", code=1)
    assert out.endswith("""\
Rule: any 2 of 4
  quorums {1,2} and {3,4} do not intersect: split brain is possible
  tolerates 2 failures (the failure of {1,2,3} leaves no quorum)

Partition: {1,2} | {3,4}
  side 1 {1,2}: holds quorum {1,2}: can elect a leader and decide
  side 2 {3,4}: holds quorum {3,4}: can elect a leader and decide
  side 1 can elect and side 2 can decide at the same time: quorums {1,2} and {3,4} \
do not intersect
""")
    rule = json.loads(run("-n", "4", "--quorum", "{threshold: 2}", "--format", "json",
                          code=1))["rule"]
    assert rule["intersect"] is False and rule["witness"] == [[1, 2], [3, 4]]


def test_flexible_rule_and_partition():
    out = run("--quorum", "{flexible: {phase1: 4, phase2: 2}}", "-n", "5",
              "--partition", "1,2,3/4,5")
    assert out.endswith("""\
Rule: phase 1: any 4 of 5; phase 2: any 2 of 5
  every phase-1 quorum meets every phase-2 quorum (50 pairs of minimal quorums checked)
  tolerates 1 failure (the failure of {1,2} leaves no quorum)
  electing alone tolerates 1 failure (the failure of {1,2} leaves no quorum)
  deciding alone tolerates 3 failures (the failure of {1,2,3,4} leaves no quorum)

Partition: {1,2,3} | {4,5}
  side 1 {1,2,3}: can decide (phase-2 quorum {1,2}) but not elect (3 of 5 nodes, a quorum needs 4)
  side 2 {4,5}: can decide (phase-2 quorum {4,5}) but not elect (2 of 5 nodes, a quorum needs 4)
  no two sides can both hold a quorum: every phase-1 quorum meets every phase-2 quorum \
(50 pairs of minimal quorums checked) and the sides share no node
""")


def test_rule_implies_its_nodes_and_down_nodes_are_listed():
    out = run("--quorum", "{weights: [2, 1, 1, 1]}", "--partition", "1/2,3")
    assert "Rule: weight 3 of 5 (weights 2, 1, 1, 1)" in out
    assert "Partition: {1} | {2,3} (down: {4})\n" in out
    assert "  side 1 {1}: weight 2 of 5, a quorum needs 3: cannot elect\n" in out
    grid = json.loads(run("--quorum", "{grid: [2, 3]}", "--zones", "3,3", "--format", "json"))
    assert grid["rule"]["nodes"] == 6 and grid["zones"]["zones_tolerated"] == 0
    assert grid["zones"]["maintenance_with_zone_loss"] is None


@pytest.mark.parametrize("args, error", [
    (["--zones", "2,x"], "Invalid value for '--zones': '2,x' is not a list of zone sizes "
                         "such as 2,2,1 (nodes per zone, each at least 1)"),
    (["--zones", "2,2", "-n", "5"], "Invalid value for '--zones': the zones hold 4 nodes "
                                    "but --nodes is 5"),
    (["--zones", "5,5,5"], "Invalid value for '--zones': at most 12 nodes (every subset is "
                           "enumerated), not 15"),
    (["--partition", "1,2"], "Invalid value for '--partition': '1,2' is not a partition such "
                             "as 1,3,5/2,4 (at least two sides separated by '/', nodes "
                             "numbered from 1)"),
    (["--partition", "0/1"], "Invalid value for '--partition': '0/1' is not a partition"),
    (["--partition", "1,2/2,3"], "Invalid value for '--partition': node 2 is on two sides "
                                 "of the partition"),
    (["-n", "4", "--partition", "1/5"], "Invalid value for '--partition': a side of the "
                                        "partition names node 5, outside 1..4"),
    (["-n", "13"], "Invalid value for '--nodes' / '-n': 13 is not in the range 1<=x<=12."),
    (["--quorum", "majority"], "Invalid value for '--quorum': \"majority\" needs the number "
                               "of nodes; use \"majority\", {threshold: K}"),
    (["--quorum", "{threshold: 7}", "-n", "5"], "Invalid value for '--quorum': a threshold "
                                                "of 5 nodes is between 1 and 5, not 7; use"),
    (["--quorum", "{grid: [2, 3]}", "--zones", "2,2"], "Invalid value for '--quorum': grid "
                                                       "2x3 describes 6 nodes, but there are 4"),
    (["--quorum", "{a: [}"], "Invalid value for '--quorum': '{a: [}' is not a YAML value "
                             "such as majority or '{threshold: 2}'"),
    (["--format", "xml"], "Invalid value for '--format': 'xml' is not one of 'text', 'json'."),
])
def test_bad_input_is_one_line_and_exit_2(args, error):
    result = CliRunner().invoke(quorum, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.exception is not None
    last = result.output.rstrip("\n").splitlines()[-1]
    assert last.startswith("Error: " + error)


def test_help_is_complete():
    out = run("--help")
    for option in ("--nodes", "--quorum", "--zones", "--partition", "--format",
                   "N = 1..9", "maintenance", "phase1", "grid", "joint", "weights",
                   "Examples:", "cmc quorum --zones 2,2,1", "cmc quorum --partition 1,3,5/2,4"):
        assert option in out, option


def test_a_placement_no_zone_loss_survives_names_the_zones_that_break_it():
    # (an operator's trial: on 3/2/1 it said "a zone loss alone leaves no
    # quorum", where only losing zone 1 does)
    assert run("--zones", "3,2,1").splitlines()[-3:] == [
        "  survives the loss of no zone",
        "  maintenance: any 2 nodes can be down at once",
        "  no node can be down while a zone is lost: losing zone 1 alone leaves no quorum"]
    assert run("--zones", "1,1").splitlines()[-2:] == [
        "  maintenance: no node can be down",
        "  no node can be down while a zone is lost: losing zone 1 or 2 alone leaves no quorum"]


def test_a_flexible_rule_s_zone_losses_say_which_phase_has_no_quorum():
    # (it said "contains none of the 5 minimal quorums", unexplained)
    lines = run("--quorum", "{flexible: {phase1: 4, phase2: 2}}", "--zones", "2,2,1").splitlines()
    assert lines[lines.index("Zones: zone 1 = {1,2}, zone 2 = {3,4}, zone 3 = {5}") + 1] == (
        "  zone 1 down: {3,4,5} left, 3 of 5 nodes, a quorum needs 4 to elect a leader "
        "(phase 1): no quorum")
    assert ("  zones 1+2 down: {5} left, 1 of 5 nodes, a quorum needs 4 to elect a leader "
            "(phase 1), and 1 of 5 nodes, a quorum needs 2 to decide (phase 2): no quorum") in lines
