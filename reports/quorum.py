"""Rendering of the quorum analyses (`models.quorum`) as text and JSON.

Nodes and zones are numbered from 1, as people number them; the analyses
number nodes from 0. `render_json` and `render_text` take the same pieces:
the majority table, and optionally a rule's analysis, a zone placement and
a partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from models.quorum import (Flexible, Grid, Intersection, Joint, MajorityRow, Partition,
                           Placement, Side, System, Threshold, Tolerance, Weighted,
                           format_nodes)


@dataclass(frozen=True)
class RuleAnalysis:
    """A quorum rule with its intersection and fault-tolerance verdicts."""

    system: System
    intersection: Intersection
    tolerance: Tolerance
    phase1: Tolerance | None = None  # per phase, for flexible rules only
    phase2: Tolerance | None = None


def _numbers(members: Iterable[int] | None) -> list[int] | None:
    return None if members is None else [node + 1 for node in sorted(members)]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _pair_word(system: System) -> str:
    return ("every phase-1 quorum meets every phase-2 quorum"
            if system.phase1 != system.phase2 else "every two quorums intersect")


def _no_gain(row: MajorityRow) -> str:
    return (f"tolerates no more failures than N={row.nodes - 1}, "
            f"with a larger quorum ({row.quorum} instead of {(row.nodes - 1) // 2 + 1})")


def _why_not(system: System, members: frozenset[int]) -> str:
    """Why `members` contains no quorum of `system`, in its own terms."""
    if isinstance(system, Threshold):
        return f"{len(members)} of {system.nodes} nodes, a quorum needs {system.size}"
    if isinstance(system, Weighted):
        weight = sum(system.weights[node] for node in members)
        return f"weight {weight} of {sum(system.weights)}, a quorum needs {system.threshold}"
    if isinstance(system, Grid):
        full_rows = sum(system.row(r) <= members for r in range(system.rows))
        full_columns = sum(system.column(c) <= members for c in range(system.columns))
        return (f"{_plural(full_rows, 'full row')} and {_plural(full_columns, 'full column')}, "
                "a quorum needs one of each")
    if isinstance(system, Joint):
        return (f"{len(members & system.old)} of old {format_nodes(system.old)} and "
                f"{len(members & system.new)} of new {format_nodes(system.new)}, "
                "a quorum needs a majority of each")
    if isinstance(system, Flexible):  # a leader elected by one, its values decided by the other
        return ", and ".join(f"{_why_not(part, members)} to {verb}" for part, verb in (
            (system.phase1, "elect a leader (phase 1)"), (system.phase2, "decide (phase 2)"))
            if not part.is_quorum(members))
    return f"contains none of the {len(system.minimal_quorums)} minimal quorums"


# -- JSON -------------------------------------------------------------------------


def table_json(rows: Iterable[MajorityRow]) -> list[dict[str, Any]]:
    return [{"nodes": row.nodes, "quorum": row.quorum, "tolerates": row.tolerates,
             "fatal_failures": _numbers(row.fatal),
             "no_gain": row.no_gain, "note": _no_gain(row) if row.no_gain else None}
            for row in rows]


def _tolerance_json(found: Tolerance) -> dict[str, Any]:
    return {"tolerates": found.failures, "fatal_failures": _numbers(found.fatal)}


def rule_json(analysis: RuleAnalysis) -> dict[str, Any]:
    system, meets = analysis.system, analysis.intersection
    out: dict[str, Any] = {
        "rule": str(system),
        "nodes": system.nodes,
        "minimal_quorums": [_numbers(quorum) for quorum in system.minimal_quorums],
        "intersect": meets.holds,
        "pairs_checked": meets.pairs,
        "witness": None if meets.witness is None else [_numbers(q) for q in meets.witness],
        **_tolerance_json(analysis.tolerance),
    }
    if analysis.phase1 is not None and analysis.phase2 is not None:
        out["phase1"] = {"rule": str(system.phase1), **_tolerance_json(analysis.phase1)}
        out["phase2"] = {"rule": str(system.phase2), **_tolerance_json(analysis.phase2)}
    return out


def placement_json(system: System, found: Placement) -> dict[str, Any]:
    return {
        "rule": str(system),
        "zones": [_numbers(zone) for zone in found.zones],
        "losses": [{"zones": [z + 1 for z in loss.zones], "down": _numbers(loss.down),
                    "survives": loss.quorum_left is not None,
                    "quorum_left": _numbers(loss.quorum_left)} for loss in found.losses],
        "zones_tolerated": found.zones_tolerated,
        "maintenance": found.maintenance,
        "maintenance_with_zone_loss": found.maintenance_with_zone_loss,
        "breaking": None if found.breaking is None else
        {"down": _numbers(found.breaking[0]), "zone": found.breaking[1] + 1},
    }


def partition_json(system: System, found: Partition) -> dict[str, Any]:
    return {
        "rule": str(system),
        "sides": [{"members": _numbers(side.members),
                   "can_elect": side.phase1 is not None, "elect_quorum": _numbers(side.phase1),
                   "can_decide": side.phase2 is not None, "decide_quorum": _numbers(side.phase2),
                   "reason": _side_reason(system, side)}
                  for side in found.sides],
        "down": _numbers(found.down),
        "elect": [i + 1 for i, side in enumerate(found.sides) if side.phase1 is not None],
        "split": None if found.split is None else [i + 1 for i in found.split],
        "intersect": found.intersection.holds,
        "proof": _partition_proof(system, found),
    }


def render_json(table: Iterable[MajorityRow], rule: RuleAnalysis | None = None,
                placement: Placement | None = None,
                partition: Partition | None = None) -> dict[str, Any]:
    """``{"table": [...], "rule": ..., "zones": ..., "partition": ...}``,
    the last three only when asked."""
    out: dict[str, Any] = {"table": table_json(table)}
    if rule is not None:
        out["rule"] = rule_json(rule)
        if placement is not None:
            out["zones"] = placement_json(rule.system, placement)
        if partition is not None:
            out["partition"] = partition_json(rule.system, partition)
    return out


# -- text -------------------------------------------------------------------------


def table_text(rows: Iterable[MajorityRow]) -> list[str]:
    rows = list(rows)
    lines = [f"Majority quorums, N = 1..{rows[-1].nodes} (a quorum is N//2+1 nodes):",
             "  nodes  quorum  tolerates"]
    for row in rows:
        line = f"  {row.nodes:5}  {row.quorum:6}  {row.tolerates:9}"
        lines.append(line + (f"   {_no_gain(row)}" if row.no_gain else ""))
    return lines


def _tolerance_text(found: Tolerance) -> str:
    return (f"tolerates {_plural(found.failures, 'failure')} "
            f"(the failure of {format_nodes(found.fatal)} leaves no quorum)")


def rule_text(analysis: RuleAnalysis) -> list[str]:
    system, meets = analysis.system, analysis.intersection
    lines = [f"Rule: {system}"]
    if meets.holds:
        lines.append(f"  {_pair_word(system)} "
                     f"({_plural(meets.pairs, 'pair')} of minimal quorums checked)")
    else:
        first, second = meets.witness  # type: ignore[misc]
        lines.append(f"  quorums {format_nodes(first)} and {format_nodes(second)} "
                     "do not intersect: split brain is possible")
    lines.append(f"  {_tolerance_text(analysis.tolerance)}")
    if analysis.phase1 is not None and analysis.phase2 is not None:
        lines.append(f"  electing alone {_tolerance_text(analysis.phase1)}")
        lines.append(f"  deciding alone {_tolerance_text(analysis.phase2)}")
    return lines


def placement_text(system: System, found: Placement) -> list[str]:
    zones = ", ".join(f"zone {z + 1} = {format_nodes(zone)}" for z, zone in enumerate(found.zones))
    lines = [f"Zones: {zones}"]
    everyone = frozenset(range(system.nodes))
    for loss in found.losses:
        failed = "+".join(str(z + 1) for z in loss.zones)
        left = everyone - loss.down
        zone = "zones" if len(loss.zones) > 1 else "zone"
        head = f"  {zone} {failed} down: {format_nodes(left)} left"
        if loss.quorum_left is not None:
            lines.append(f"{head}, quorum {format_nodes(loss.quorum_left)}: survives")
        else:
            lines.append(f"{head}, {_why_not(system, left)}: no quorum")
    lines.append(f"  survives the loss of any {_plural(found.zones_tolerated, 'zone')}"
                 if found.zones_tolerated else "  survives the loss of no zone")
    lines.append(f"  maintenance: any {_plural(found.maintenance, 'node')} can be down at once"
                 if found.maintenance else "  maintenance: no node can be down")
    if found.maintenance_with_zone_loss is None:
        fatal = [str(loss.zones[0] + 1) for loss in found.losses
                 if len(loss.zones) == 1 and loss.quorum_left is None]
        which = fatal[0] if len(fatal) == 1 else f"{', '.join(fatal[:-1])} or {fatal[-1]}"
        lines.append(f"  no node can be down while a zone is lost: losing zone {which} "
                     "alone leaves no quorum")
    else:
        down, zone = found.breaking  # type: ignore[misc]
        lines.append(f"  and still survive the loss of any zone: "
                     f"{_plural(found.maintenance_with_zone_loss, 'node')} "
                     f"(with {format_nodes(down)} down, losing zone {zone + 1} leaves no quorum)")
    return lines


def _side_reason(system: System, side: Side) -> str | None:
    """Why a side cannot elect (or, failing that, decide); None if it can both."""
    if side.phase1 is None:
        return _why_not(system.phase1, side.members)
    if side.phase2 is None:
        return _why_not(system.phase2, side.members)
    return None


def _partition_proof(system: System, found: Partition) -> str:
    meets = found.intersection
    if found.split is not None:
        i, j = found.split
        return (f"side {i + 1} can elect and side {j + 1} can decide at the same time: "
                f"quorums {format_nodes(found.sides[i].phase1)} and "  # type: ignore[arg-type]
                f"{format_nodes(found.sides[j].phase2)} do not intersect")  # type: ignore[arg-type]
    if meets.holds:
        return (f"no two sides can both hold a quorum: {_pair_word(system)} "
                f"({_plural(meets.pairs, 'pair')} of minimal quorums checked) "
                "and the sides share no node")
    first, second = meets.witness  # type: ignore[misc]
    return (f"no two sides of this partition hold quorums, but the rule does not prevent it: "
            f"quorums {format_nodes(first)} and {format_nodes(second)} do not intersect")


def partition_text(system: System, found: Partition) -> list[str]:
    sides = " | ".join(format_nodes(side.members) for side in found.sides)
    lines = [f"Partition: {sides}" + (f" (down: {format_nodes(found.down)})" if found.down else "")]
    phased = system.phase1 != system.phase2
    for number, side in enumerate(found.sides, 1):
        head = f"  side {number} {format_nodes(side.members)}: "
        if side.phase1 is not None and side.phase2 is not None:
            if phased:
                lines.append(f"{head}can elect (phase-1 quorum {format_nodes(side.phase1)}) "
                             f"and decide (phase-2 quorum {format_nodes(side.phase2)})")
            else:
                lines.append(f"{head}holds quorum {format_nodes(side.phase1)}: "
                             "can elect a leader and decide")
        elif side.phase1 is not None:
            lines.append(f"{head}can elect (phase-1 quorum {format_nodes(side.phase1)}) "
                         f"but not decide ({_why_not(system.phase2, side.members)})")
        elif side.phase2 is not None:
            lines.append(f"{head}can decide (phase-2 quorum {format_nodes(side.phase2)}) "
                         f"but not elect ({_why_not(system.phase1, side.members)})")
        else:
            lines.append(f"{head}{_why_not(system.phase1, side.members)}: cannot elect")
    lines.append(f"  {_partition_proof(system, found)}")
    return lines


def render_text(table: Iterable[MajorityRow], rule: RuleAnalysis | None = None,
                placement: Placement | None = None, partition: Partition | None = None) -> str:
    """The same pieces as `render_json`, one section each, as lines of text."""
    sections = [table_text(table)]
    if rule is not None:
        sections.append(rule_text(rule))
        if placement is not None:
            sections.append(placement_text(rule.system, placement))
        if partition is not None:
            sections.append(partition_text(rule.system, partition))
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
