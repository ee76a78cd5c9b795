"""Quorum systems and their analyses, with the seed's numbers pinned."""

from __future__ import annotations

import jsonschema
import pytest

from checker.errors import ParamError
from models.quorum import (QUORUM_SCHEMA, Explicit, Flexible, Grid, Intersection, Joint,
                           Threshold, Weighted, flexible, format_nodes, intersection, joint,
                           majority, majority_table, partition, placement, quorum_system,
                           quorum_within, require_intersecting, tolerance, weighted_majority)


def s(*nodes: int) -> frozenset[int]:
    """A set of nodes numbered from 1, as the seed numbers them."""
    return frozenset(node - 1 for node in nodes)


# -- the fault-tolerance table ------------------------------------------------


@pytest.mark.parametrize("nodes, quorum, tolerates", [
    (3, 2, 1), (5, 3, 2), (7, 4, 3), (4, 3, 1), (6, 4, 2)])
def test_seed_majority_numbers(nodes, quorum, tolerates):
    assert majority(nodes).size == quorum
    assert tolerance(majority(nodes)).failures == tolerates
    row = majority_table(9)[nodes - 1]
    assert (row.nodes, row.quorum, row.tolerates) == (nodes, quorum, tolerates)


def test_table_rows_and_even_note():
    rows = majority_table(9)
    assert [(r.nodes, r.quorum, r.tolerates) for r in rows] == [
        (1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2),
        (6, 4, 2), (7, 4, 3), (8, 5, 3), (9, 5, 4)]
    assert [r.nodes for r in rows if r.no_gain] == [2, 4, 6, 8]
    assert rows[3].fatal == s(1, 2)  # two of four down leave no three


def test_threshold_tolerance_matches_closed_form():
    for n in range(1, 8):
        for size in range(1, n + 1):
            system = Threshold(n, size)
            assert tolerance(system).failures == n - size
            assert intersection(system).holds == (2 * size > n)


# -- the systems' common interface --------------------------------------------


def test_threshold_quorums_smallest_first_then_lexicographic():
    system = majority(3)
    assert system.quorums == (s(1, 2), s(1, 3), s(2, 3), s(1, 2, 3))
    assert system.minimal_quorums == (s(1, 2), s(1, 3), s(2, 3))
    assert system.phase1 is system and system.phase2 is system
    assert str(system) == "any 2 of 3"


@pytest.mark.parametrize("nodes, size", [(0, 1), (3, 0), (3, 4)])
def test_threshold_rejects_impossible_sizes(nodes, size):
    with pytest.raises(ValueError):
        Threshold(nodes, size)


def test_weighted_majority():
    system = weighted_majority([2, 1, 1, 1])
    assert system == Weighted((2, 1, 1, 1), 3)
    assert system.nodes == 4
    assert system.minimal_quorums == (s(1, 2), s(1, 3), s(1, 4), s(2, 3, 4))
    assert system.is_quorum(s(1, 4)) and not system.is_quorum(s(2, 3))
    assert str(system) == "weight 3 of 5 (weights 2, 1, 1, 1)"
    assert tolerance(system).failures == 1 and tolerance(system).fatal == s(1, 2)
    assert intersection(system) == Intersection(True, 10)


def test_weighted_zero_weight_is_a_non_voter():
    system = weighted_majority([1, 1, 1, 0])
    assert system.minimal_quorums == (s(1, 2), s(1, 3), s(2, 3))
    assert s(1, 2, 4) in system.quorums


def test_explicit_quorums_are_upward_closed_and_canonical():
    system = Explicit(3, (s(2, 3), s(1, 2), s(1, 2)))
    assert system == Explicit(3, (s(1, 2), s(2, 3)))
    assert system.quorums == (s(1, 2), s(2, 3), s(1, 2, 3))
    assert system.minimal_quorums == (s(1, 2), s(2, 3))
    assert str(system) == "{1,2}, {2,3} or a superset, of 3"
    with pytest.raises(ValueError, match="names node 4, outside 1..3"):
        Explicit(3, (s(1, 4),))


def test_grid_is_a_full_row_and_a_full_column():
    grid = Grid(2, 3)  # rows {1,2,3} {4,5,6}; columns {1,4} {2,5} {3,6}
    assert grid.nodes == 6
    assert grid.minimal_quorums == (s(1, 2, 3, 4), s(1, 2, 3, 5), s(1, 2, 3, 6),
                                    s(1, 4, 5, 6), s(2, 4, 5, 6), s(3, 4, 5, 6))
    assert intersection(grid) == Intersection(True, 21)
    assert tolerance(grid).failures == 1 and tolerance(grid).fatal == s(1, 4)
    assert tolerance(Grid(3, 3)).failures == 2


def test_joint_needs_majorities_of_both_configurations():
    system = joint(s(1, 2, 3), s(1, 2, 3, 4, 5))
    assert system == Joint(5, s(1, 2, 3), s(1, 2, 3, 4, 5))
    assert system.is_quorum(s(1, 2, 4)) and not system.is_quorum(s(1, 4, 5))
    assert str(system) == "a majority of {1,2,3} and a majority of {1,2,3,4,5}"
    assert intersection(system) == Intersection(True, 28)
    assert tolerance(system).failures == 1 and tolerance(system).fatal == s(1, 2)


def test_flexible_phases():
    system = flexible(5, 4, 2)
    assert system == Flexible(Threshold(5, 4), Threshold(5, 2))
    assert str(system) == "phase 1: any 4 of 5; phase 2: any 2 of 5"
    assert system.is_quorum(s(1, 2, 3, 4)) and not system.is_quorum(s(1, 2, 3))
    assert intersection(system) == Intersection(True, 50)  # 5 × 10, ordered
    assert tolerance(system).failures == 1
    assert tolerance(system.phase2).failures == 3
    with pytest.raises(ValueError, match="phase 1 ranges over 5 nodes but phase 2 over 4"):
        Flexible(Threshold(5, 3), Threshold(4, 2))


# -- intersection witnesses ----------------------------------------------------


@pytest.mark.parametrize("system, pairs, first, second", [
    (Threshold(4, 2), 6, s(1, 2), s(3, 4)),
    (Threshold(5, 2), 8, s(1, 2), s(3, 4)),
    (Threshold(6, 3), 20, s(1, 2, 3), s(4, 5, 6)),
    (Explicit(4, (s(1, 2), s(2, 3), s(3, 4))), 3, s(1, 2), s(3, 4)),
    (Weighted((1, 1, 1, 1), 2), 6, s(1, 2), s(3, 4)),
    (flexible(5, 3, 2), 10, s(1, 2, 3), s(4, 5)),
    # Raft's direct change 3 → 5: a majority of the old configuration and
    # one of the new configuration can be disjoint.
    (Flexible(joint(s(1, 2, 3), s(1, 2, 3), 5), joint(s(1, 2, 3, 4, 5), s(1, 2, 3, 4, 5))),
     10, s(1, 2), s(3, 4, 5)),
])
def test_non_intersecting_systems_give_their_witness(system, pairs, first, second):
    assert intersection(system) == Intersection(False, pairs, (first, second))
    with pytest.raises(ParamError) as raised:
        require_intersecting(system)
    assert raised.value.field == "params.quorum"
    assert (f"quorums {format_nodes(first)} and {format_nodes(second)} do not intersect"
            in raised.value.message)


def test_majority_intersects_over_every_pair():
    assert intersection(majority(5)) == Intersection(True, 55)  # 10 minimal quorums
    require_intersecting(majority(5))


# -- live nodes, zones and partitions --------------------------------------------


def test_quorum_within_live_nodes():
    assert quorum_within(majority(5), s(2, 4, 5)) == s(2, 4, 5)
    assert quorum_within(majority(5), s(1, 2, 3, 4)) == s(1, 2, 3)
    assert quorum_within(majority(5), s(2, 4)) is None


def test_zones_2_2_1_survive_any_single_zone():
    found = placement(majority(5), (2, 2, 1))
    assert found.zones == (s(1, 2), s(3, 4), s(5))
    assert [(loss.zones, loss.down, loss.quorum_left) for loss in found.losses] == [
        ((0,), s(1, 2), s(3, 4, 5)),
        ((1,), s(3, 4), s(1, 2, 5)),  # the seed: losing the second zone leaves a quorum
        ((2,), s(5), s(1, 2, 3)),
        ((0, 1), s(1, 2, 3, 4), None),
        ((0, 2), s(1, 2, 5), None),
        ((1, 2), s(3, 4, 5), None),
    ]
    assert found.zones_tolerated == 1
    assert found.maintenance == 2
    # One node down for maintenance, then the loss of a two-node zone, leaves two.
    assert found.maintenance_with_zone_loss == 0
    assert found.breaking == (s(1), 1)


def test_zones_3_3_3_and_a_placement_that_survives_no_zone():
    nine = placement(majority(9), (3, 3, 3))
    assert (nine.zones_tolerated, nine.maintenance, nine.maintenance_with_zone_loss) == (1, 4, 1)
    assert nine.breaking == (s(1, 2), 1)
    lopsided = placement(majority(5), (3, 2))
    assert (lopsided.zones_tolerated, lopsided.maintenance_with_zone_loss) == (0, None)
    assert lopsided.breaking is None
    with pytest.raises(ValueError, match="the zones hold 4 nodes but the quorum system has 5"):
        placement(majority(5), (2, 2))


def test_partition_135_24_only_the_first_side_elects():
    found = partition(majority(5), [s(1, 3, 5), s(2, 4)])
    assert [(side.members, side.phase1, side.phase2) for side in found.sides] == [
        (s(1, 3, 5), s(1, 3, 5), s(1, 3, 5)), (s(2, 4), None, None)]
    assert found.split is None and found.down == frozenset()
    assert found.intersection == Intersection(True, 55)


def test_partition_with_disjoint_quorums_splits():
    found = partition(Threshold(5, 2), [s(1, 3, 5), s(2, 4)])
    assert found.split == (0, 1)
    assert [side.phase1 for side in found.sides] == [s(1, 3), s(2, 4)]


def test_partition_flexible_and_down_nodes():
    found = partition(flexible(5, 4, 2), [s(1, 2, 3), s(4, 5)])
    assert [(side.phase1, side.phase2) for side in found.sides] == [
        (None, s(1, 2)), (None, s(4, 5))]
    assert found.split is None
    assert partition(majority(5), [s(1), s(2, 3)]).down == s(4, 5)


@pytest.mark.parametrize("sides, message", [
    ([s(1, 2), s(2, 3)], "node 2 is on two sides"),
    ([s(1, 2, 3, 4, 5)], "at least two sides"),
    ([s(1), s(6)], "names node 6, outside 1..5"),
])
def test_partition_rejects_bad_sides(sides, message):
    with pytest.raises(ValueError, match=message):
        partition(majority(5), sides)


# -- the spec's quorum: value --------------------------------------------------


@pytest.mark.parametrize("value, nodes, expected", [
    ("majority", 5, majority(5)),
    ({"threshold": 2}, 4, Threshold(4, 2)),
    ({"weights": [2, 1, 1, 1]}, 4, Weighted((2, 1, 1, 1), 3)),
    ({"weights": [2, 1, 1, 1]}, None, Weighted((2, 1, 1, 1), 3)),
    ({"weights": [1, 1, 1], "threshold": 3}, 3, Weighted((1, 1, 1), 3)),
    ({"quorums": [[1, 2], [2, 3]]}, 3, Explicit(3, (s(1, 2), s(2, 3)))),
    ({"quorums": [[1, 2], [2, 3]]}, None, Explicit(3, (s(1, 2), s(2, 3)))),
    ({"flexible": {"phase1": 3, "phase2": 2}}, 4, flexible(4, 3, 2)),
    ({"grid": [2, 3]}, 6, Grid(2, 3)),
    ({"joint": {"old": [1, 2, 3], "new": [1, 2, 3, 4, 5]}}, 5,
     Joint(5, s(1, 2, 3), s(1, 2, 3, 4, 5))),
    ({"flexible": {"phase1": {"joint": {"old": [1, 2, 3], "new": [1, 2, 3]}},
                   "phase2": "majority"}}, 5,
     Flexible(Joint(5, s(1, 2, 3), s(1, 2, 3)), majority(5))),
])
def test_quorum_system_parses_every_form(value, nodes, expected):
    assert quorum_system(value, nodes) == expected
    jsonschema.validate(value, QUORUM_SCHEMA)


@pytest.mark.parametrize("value, nodes, message", [
    ("minority", 3, "unknown quorum rule 'minority'"),
    ({"threshold": 4}, 3, "a threshold of 3 nodes is between 1 and 3, not 4"),
    ({"threshold": True}, 3, "threshold is a number of nodes, not True"),
    ({"threshold": 2, "extra": 1}, 3, "unknown quorum rule"),
    ({"weights": [1, 1]}, 3, "weights describes 2 nodes, but there are 3"),
    ({"weights": [1, -1, 1]}, 3, "weights are whole numbers of at least 0"),
    ({"quorums": [[1, 2], [2, 4]]}, 3, "a listed quorum names node 4, outside 1..3"),
    ({"quorums": [[0, 1]]}, 3, "each quorum numbers nodes from 1, not 0"),
    ({"quorums": []}, 3, "quorums is a non-empty list"),
    ({"flexible": {"phase1": 3}}, 3, "flexible is {phase1: K1, phase2: K2}"),
    ({"flexible": {"phase1": 3, "phase2": 4}}, 3,
     "flexible.phase2: a threshold of 3 nodes is between 1 and 3, not 4"),
    ({"grid": [2, 3]}, 5, "grid 2x3 describes 6 nodes, but there are 5"),
    ({"grid": [2]}, 2, "grid is [ROWS, COLUMNS]"),
    ({"joint": {"old": [1, 2]}}, 3, "joint is {old: [nodes], new: [nodes]}"),
    ("majority", None, '"majority" needs the number of nodes'),
])
def test_quorum_system_rejects_bad_values(value, nodes, message):
    with pytest.raises(ParamError) as raised:
        quorum_system(value, nodes)
    assert raised.value.field == "params.quorum"
    assert message in raised.value.message
    assert raised.value.message.endswith('{joint: {old: [1, 2, 3], new: [1, 2, 3, 4, 5]}}')


@pytest.mark.parametrize("value", [
    "minority", 3, {"threshold": 0}, {"threshold": 2, "extra": 1}, {"weights": [1, -1]},
    {"quorums": [[1, 1]]}, {"grid": [2]}, {"flexible": {"phase1": 3}},
    {"flexible": {"phase1": {"flexible": {"phase1": 1, "phase2": 1}}, "phase2": 1}},
])
def test_schema_rejects_what_the_parser_rejects(value):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, QUORUM_SCHEMA)
