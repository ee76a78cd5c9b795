"""Quorum systems: which sets of nodes may decide, as pure values.

Nodes are numbered ``0..n-1`` inside; specs and the command line number them
from 1 (`format_nodes` prints them so). A quorum system answers
`is_quorum(members)` and lists its quorums; models use it to count votes
(Raft) or to range over quorums as a specification does (Paxos's
``\\E Q \\in Quorum``).

Every system is monotone: a set containing a quorum is itself a quorum, so
"is `members` a quorum" and "do the live nodes `members` contain a quorum"
are one question. Every system has

- ``nodes``: how many nodes it ranges over,
- ``is_quorum(members)``,
- ``quorums``: every quorum, smallest first, then in lexicographic order,
- ``minimal_quorums``: the quorums with no quorum as a proper subset, same order,
- ``spec_quorums``: the sets a specification's ``\\E Q \\in Quorum`` ranges
  over (Paxos.tla's Phase2a): every quorum, but for an `Explicit` rule
  listed with ``supersets: false``, whose listed sets alone are (FPaxos.tla's
  ``Quorum1``: a leader adopts the highest vote within one listed set, not
  within a superset of one); a set containing one still decides,
- ``phase1`` and ``phase2``: the rule for electing a leader (Paxos phase 1,
  Raft votes) and the rule for deciding (Paxos phase 2, Raft commitment);
  both are the system itself except for `Flexible`,
- ``__str__``: the rule in a few words.

The analyses below (`intersection`, `tolerance`, `quorum_within`,
`placement`, `partition`) prove their answers by enumeration, which is
exponential in ``nodes``: they are meant for clusters of a dozen nodes or so.
`quorum_system` turns a spec's ``quorum:`` value into a system.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from typing import Any, Iterable, Iterator, Mapping

from checker.errors import ParamError

Members = frozenset[int]


def _subsets(nodes: int) -> Iterator[tuple[int, ...]]:
    """Every subset of ``0..nodes-1``, smallest first, then lexicographic."""
    for size in range(nodes + 1):
        yield from combinations(range(nodes), size)


class _Enumerated:
    """What every system derives from `nodes` and `is_quorum` by enumeration."""

    nodes: int

    def is_quorum(self, members: frozenset[int] | set[int]) -> bool:
        raise NotImplementedError

    @cached_property
    def quorums(self) -> tuple[Members, ...]:
        """Every quorum (not only the minimal ones), smallest first, then in
        lexicographic order of members."""
        return tuple(frozenset(group) for group in _subsets(self.nodes)
                     if self.is_quorum(frozenset(group)))

    @cached_property
    def minimal_quorums(self) -> tuple[Members, ...]:
        """The quorums none of whose proper subsets is a quorum. Since systems
        are monotone, it is enough that removing any one member breaks it."""
        return tuple(quorum for quorum in self.quorums
                     if not any(self.is_quorum(quorum - {node}) for node in quorum))

    @property
    def spec_quorums(self) -> tuple[Members, ...]:
        """The sets a specification's ``\\E Q \\in Quorum`` ranges over: every quorum."""
        return self.quorums


class QuorumSystem(_Enumerated):
    """A system with one kind of quorum, used for both phases."""

    @property
    def phase1(self) -> "QuorumSystem":
        return self

    @property
    def phase2(self) -> "QuorumSystem":
        return self


def _check_nodes(nodes: int) -> None:
    if not isinstance(nodes, int) or isinstance(nodes, bool) or nodes < 1:
        raise ValueError(f"a quorum system needs at least one node, not {nodes!r}")


def _check_members(members: Iterable[int], nodes: int, what: str) -> Members:
    group = frozenset(members)
    if not group:
        raise ValueError(f"{what} is empty")
    outside = sorted(node for node in group if not 0 <= node < nodes)
    if outside:
        raise ValueError(f"{what} names node {outside[0] + 1}, outside 1..{nodes}")
    return group


@dataclass(frozen=True)
class Threshold(QuorumSystem):
    """Any `size` of `nodes` nodes form a quorum. ``majority(n)`` is the
    threshold ``n // 2 + 1``; smaller thresholds need not intersect."""

    nodes: int
    size: int

    def __post_init__(self) -> None:
        _check_nodes(self.nodes)
        if not 1 <= self.size <= self.nodes:
            raise ValueError(f"a threshold of {self.nodes} nodes is between 1 and "
                             f"{self.nodes}, not {self.size}")

    def is_quorum(self, members: frozenset[int] | set[int]) -> bool:
        return len(members) >= self.size

    @cached_property
    def quorums(self) -> tuple[Members, ...]:
        return tuple(frozenset(group) for k in range(self.size, self.nodes + 1)
                     for group in combinations(range(self.nodes), k))

    @cached_property
    def minimal_quorums(self) -> tuple[Members, ...]:
        return tuple(frozenset(group) for group in combinations(range(self.nodes), self.size))

    def __str__(self) -> str:
        return f"any {self.size} of {self.nodes}"


def majority(nodes: int) -> Threshold:
    """Majority quorums: any ⌊n/2⌋+1 of n nodes, so every two intersect."""
    return Threshold(nodes, nodes // 2 + 1)


@dataclass(frozen=True)
class Weighted(QuorumSystem):
    """Node ``i`` carries ``weights[i]`` votes; a quorum is any set whose
    weight reaches `threshold`. A weight of 0 makes a node a non-voter."""

    weights: tuple[int, ...]
    threshold: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", tuple(self.weights))
        _check_nodes(len(self.weights))
        if any(not isinstance(w, int) or isinstance(w, bool) or w < 0 for w in self.weights):
            raise ValueError(f"weights are whole numbers of at least 0, not {list(self.weights)}")
        total = sum(self.weights)
        if not 1 <= self.threshold <= total:
            raise ValueError(f"the threshold of weights {list(self.weights)} is between 1 "
                             f"and their total {total}, not {self.threshold}")

    @property
    def nodes(self) -> int:  # type: ignore[override]
        return len(self.weights)

    def is_quorum(self, members: frozenset[int] | set[int]) -> bool:
        return sum(self.weights[node] for node in members) >= self.threshold

    def __str__(self) -> str:
        weights = ", ".join(map(str, self.weights))
        return f"weight {self.threshold} of {sum(self.weights)} (weights {weights})"


def weighted_majority(weights: Iterable[int]) -> Weighted:
    """More than half of the total weight."""
    weights = tuple(weights)
    return Weighted(weights, sum(weights) // 2 + 1)


def _ordered(groups: Iterable[Members]) -> tuple[Members, ...]:
    return tuple(sorted(set(groups), key=lambda group: (len(group), sorted(group))))


@dataclass(frozen=True)
class Explicit(QuorumSystem):
    """The quorums are the sets `listed` and every set containing one of them
    (kept in canonical order: smallest first, then lexicographic). Without
    `supersets`, a specification's ``\\E Q \\in Quorum`` ranges over the
    listed sets alone (`spec_quorums`), as a TLA+ constant listing them
    does (FPaxos.tla's ``Quorum1``); a set containing one still decides."""

    nodes: int
    listed: tuple[Members, ...]
    supersets: bool = True

    def __post_init__(self) -> None:
        _check_nodes(self.nodes)
        listed = [_check_members(group, self.nodes, "a listed quorum") for group in self.listed]
        if not listed:
            raise ValueError("an explicit quorum system lists at least one quorum")
        object.__setattr__(self, "listed", _ordered(listed))

    def is_quorum(self, members: frozenset[int] | set[int]) -> bool:
        return any(group <= members for group in self.listed)

    @property
    def spec_quorums(self) -> tuple[Members, ...]:
        return self.quorums if self.supersets else self.listed

    def __str__(self) -> str:
        listed = ", ".join(format_nodes(group) for group in self.listed)
        return f"{listed}{' or a superset' if self.supersets else ' (as listed)'}, of {self.nodes}"


@dataclass(frozen=True)
class Grid(QuorumSystem):
    """Nodes laid out in `rows` × `columns`, row by row (node ``r*columns+c``
    is in row r, column c). A quorum is a full row together with a full
    column: the classic grid, where any row meets any column, so every two
    quorums intersect with only ``rows+columns-1`` nodes each."""

    rows: int
    columns: int

    def __post_init__(self) -> None:
        for name, value in (("rows", self.rows), ("columns", self.columns)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"a grid has at least 1 of its {name}, not {value!r}")

    @property
    def nodes(self) -> int:  # type: ignore[override]
        return self.rows * self.columns

    def row(self, r: int) -> Members:
        return frozenset(range(r * self.columns, (r + 1) * self.columns))

    def column(self, c: int) -> Members:
        return frozenset(range(c, self.nodes, self.columns))

    def is_quorum(self, members: frozenset[int] | set[int]) -> bool:
        return (any(self.row(r) <= members for r in range(self.rows))
                and any(self.column(c) <= members for c in range(self.columns)))

    def __str__(self) -> str:
        return f"grid {self.rows}x{self.columns}: a full row and a full column"


@dataclass(frozen=True)
class Joint(QuorumSystem):
    """Joint consensus: a majority of the `old` configuration and a majority
    of the `new` one (Raft's C_old,new), over nodes ``0..nodes-1``."""

    nodes: int
    old: Members
    new: Members

    def __post_init__(self) -> None:
        _check_nodes(self.nodes)
        for name in ("old", "new"):
            members = _check_members(getattr(self, name), self.nodes, f"the {name} configuration")
            object.__setattr__(self, name, members)

    def is_quorum(self, members: frozenset[int] | set[int]) -> bool:
        return (2 * len(self.old & members) > len(self.old)
                and 2 * len(self.new & members) > len(self.new))

    def __str__(self) -> str:
        return (f"a majority of {format_nodes(self.old)} "
                f"and a majority of {format_nodes(self.new)}")


def joint(old: Iterable[int], new: Iterable[int], nodes: int | None = None) -> Joint:
    """The joint rule of two configurations (0-based node numbers); `nodes`
    defaults to just enough for both."""
    old, new = frozenset(old), frozenset(new)
    if nodes is None:
        nodes = max(old | new, default=-1) + 1
    return Joint(nodes, old, new)


@dataclass(frozen=True)
class Flexible(_Enumerated):
    """Flexible Paxos (Howard, Malkhi, Spiegelman 2016): phase 1 and phase 2
    use different quorums, safe when every phase-1 quorum meets every phase-2
    quorum; two phase-2 quorums need not meet.

    As one system, a quorum is a set that can run both phases, so
    `tolerance` counts the failures after which a leader can still be elected
    and decide."""

    phase1: QuorumSystem
    phase2: QuorumSystem

    def __post_init__(self) -> None:
        if self.phase1.nodes != self.phase2.nodes:
            raise ValueError(f"phase 1 ranges over {self.phase1.nodes} nodes "
                             f"but phase 2 over {self.phase2.nodes}")

    @property
    def nodes(self) -> int:
        return self.phase1.nodes

    def is_quorum(self, members: frozenset[int] | set[int]) -> bool:
        return self.phase1.is_quorum(members) and self.phase2.is_quorum(members)

    def __str__(self) -> str:
        return f"phase 1: {self.phase1}; phase 2: {self.phase2}"


def flexible(nodes: int, phase1: int, phase2: int) -> Flexible:
    """Flexible thresholds: any `phase1` nodes elect, any `phase2` decide."""
    return Flexible(Threshold(nodes, phase1), Threshold(nodes, phase2))


System = QuorumSystem | Flexible


def format_nodes(members: Iterable[int]) -> str:
    """A set of nodes as people number them: ``{1,3,5}``."""
    return "{" + ",".join(str(node + 1) for node in sorted(members)) + "}"


# -- analyses -----------------------------------------------------------------


@dataclass(frozen=True)
class Intersection:
    """Whether every phase-1 quorum meets every phase-2 quorum (for one kind
    of quorum: every two quorums), over `pairs` pairs of minimal quorums;
    when not, `witness` is the first disjoint pair found."""

    holds: bool
    pairs: int
    witness: tuple[Members, Members] | None = None


def intersection(system: System) -> Intersection:
    """Check quorum intersection by enumerating pairs of minimal quorums
    (supersets of two sets that meet also meet). For a single kind of quorum
    the pairs are unordered and include a quorum with itself."""
    first, second = system.phase1.minimal_quorums, system.phase2.minimal_quorums
    single = system.phase1 == system.phase2
    pairs = 0
    for i, quorum1 in enumerate(first):
        for quorum2 in (second[i:] if single else second):
            pairs += 1
            if not quorum1 & quorum2:
                return Intersection(False, pairs, (quorum1, quorum2))
    return Intersection(True, pairs)


@dataclass(frozen=True)
class Tolerance:
    """`failures`: the largest f such that every set of n−f live nodes
    contains a quorum. `fatal`: the first smallest set of failed nodes that
    leaves no quorum (it has f+1 nodes)."""

    failures: int
    fatal: Members


def tolerance(system: System) -> Tolerance:
    """Failures tolerated, by trying every set of failed nodes, fewest first."""
    everyone = frozenset(range(system.nodes))
    for down in _subsets(system.nodes):
        if not system.is_quorum(everyone.difference(down)):
            return Tolerance(len(down) - 1, frozenset(down))
    raise AssertionError(f"{system}: the empty set is a quorum")  # excluded by validation


def quorum_within(system: System, live: Iterable[int]) -> Members | None:
    """The first minimal quorum made only of `live` nodes, or None when the
    live nodes contain no quorum."""
    live = frozenset(live)
    return next((quorum for quorum in system.minimal_quorums if quorum <= live), None)


@dataclass(frozen=True)
class ZoneLoss:
    """The failure of the zones `zones` (indices): the nodes `down`, and a
    quorum among the survivors (None when none is left)."""

    zones: tuple[int, ...]
    down: Members
    quorum_left: Members | None


@dataclass(frozen=True)
class Placement:
    """Nodes placed into failure zones, and what the system survives.

    - `losses`: every single zone, then every pair of zones, failing.
    - `zones_tolerated`: the largest k such that any k zones can fail.
    - `maintenance`: nodes that can be down at once, any of them, with a
      quorum left (the failures tolerated).
    - `maintenance_with_zone_loss`: nodes that can be down at once, any of
      them, while the loss of any single zone still leaves a quorum; None
      when a zone loss alone leaves none. `breaking` is then the first
      (nodes down, zone) that leaves no quorum with one more node down.
    """

    zones: tuple[Members, ...]
    losses: tuple[ZoneLoss, ...]
    zones_tolerated: int
    maintenance: int
    maintenance_with_zone_loss: int | None
    breaking: tuple[Members, int] | None


def zones_of(sizes: Iterable[int]) -> tuple[Members, ...]:
    """Consecutive nodes per zone: sizes (2, 2, 1) give {0,1}, {2,3}, {4}."""
    zones, start = [], 0
    for size in sizes:
        if size < 1:
            raise ValueError(f"a zone holds at least one node, not {size}")
        zones.append(frozenset(range(start, start + size)))
        start += size
    if not zones:
        raise ValueError("a placement has at least one zone")
    return tuple(zones)


def placement(system: System, sizes: Iterable[int]) -> Placement:
    """Analyse `system` over zones of the given sizes (nodes in order)."""
    zones = zones_of(sizes)
    everyone = frozenset(range(system.nodes))
    if len(everyone) != sum(map(len, zones)):
        raise ValueError(f"the zones hold {sum(map(len, zones))} nodes "
                         f"but the quorum system has {system.nodes}")

    def loss(failed: tuple[int, ...]) -> ZoneLoss:
        down = frozenset().union(*(zones[z] for z in failed))
        return ZoneLoss(failed, down, quorum_within(system, everyone - down))

    losses = tuple(loss(failed) for k in (1, 2) for failed in combinations(range(len(zones)), k))
    zones_tolerated = 0
    while zones_tolerated < len(zones) and all(
            loss(failed).quorum_left is not None
            for failed in combinations(range(len(zones)), zones_tolerated + 1)):
        zones_tolerated += 1

    maintenance_with_zone_loss: int | None = None
    breaking = None
    if zones_tolerated >= 1:
        for down in _subsets(system.nodes):
            zone = next((z for z, members in enumerate(zones)
                         if not system.is_quorum(everyone - members - set(down))), None)
            if zone is not None:
                maintenance_with_zone_loss, breaking = len(down) - 1, (frozenset(down), zone)
                break
    return Placement(zones, losses, zones_tolerated, tolerance(system).failures,
                     maintenance_with_zone_loss, breaking)


@dataclass(frozen=True)
class Side:
    """One side of a partition and the quorums within it, if any: a phase-1
    quorum lets it elect a leader, a phase-2 quorum lets it decide."""

    members: Members
    phase1: Members | None
    phase2: Members | None


@dataclass(frozen=True)
class Partition:
    """A network partition into disjoint `sides` (nodes in none are `down`).

    `split` is the first pair of distinct sides (i, j) where side i holds a
    phase-1 quorum and side j a phase-2 quorum: two leaders, or a leader that
    cannot see a decision. When `intersection` holds, no such pair exists,
    because a phase-1 and a phase-2 quorum share a node and sides share none.
    """

    sides: tuple[Side, ...]
    down: Members
    intersection: Intersection
    split: tuple[int, int] | None


def partition(system: System, sides: Iterable[Iterable[int]]) -> Partition:
    """Which sides of a partition hold quorums, and whether two sides can."""
    groups = [_check_members(side, system.nodes, "a side of the partition") for side in sides]
    if len(groups) < 2:
        raise ValueError("a partition has at least two sides")
    seen: set[int] = set()
    for group in groups:
        shared = sorted(group & seen)
        if shared:
            raise ValueError(f"node {shared[0] + 1} is on two sides of the partition")
        seen |= group
    found = tuple(Side(group, quorum_within(system.phase1, group),
                       quorum_within(system.phase2, group)) for group in groups)
    split = next(((i, j) for i, side in enumerate(found) for j, other in enumerate(found)
                  if i != j and side.phase1 is not None and other.phase2 is not None), None)
    result = Partition(found, frozenset(range(system.nodes)) - seen, intersection(system), split)
    assert split is None or not result.intersection.holds, "quorum intersection contradicted"
    return result


@dataclass(frozen=True)
class MajorityRow:
    """One line of the fault-tolerance table of majority quorums. `fatal` is
    a smallest set of failures that leaves no quorum. `no_gain` is set when
    this N tolerates no more failures than N−1 while needing a larger quorum
    (every even N)."""

    nodes: int
    quorum: int
    tolerates: int
    fatal: Members
    no_gain: bool


def majority_table(max_nodes: int = 9) -> tuple[MajorityRow, ...]:
    """Majority quorums for N = 1..max_nodes, failures found by enumeration."""
    rows: list[MajorityRow] = []
    for n in range(1, max_nodes + 1):
        found = tolerance(majority(n))
        previous = rows[-1] if rows else None
        no_gain = (previous is not None and found.failures <= previous.tolerates
                   and majority(n).size > previous.quorum)
        rows.append(MajorityRow(n, majority(n).size, found.failures, found.fatal, no_gain))
    return tuple(rows)


# -- the spec's `quorum:` value ---------------------------------------------------

ACCEPTED = ('"majority", {threshold: K}, {weights: [W, ...], threshold: K (optional)}, '
            '{quorums: [[1, 2], [2, 3], ...], supersets: false (optional)}, '
            '{flexible: {phase1: K1, phase2: K2}}, '
            '{grid: [ROWS, COLUMNS]} or {joint: {old: [1, 2, 3], new: [1, 2, 3, 4, 5]}}')

_COUNT = {"type": "integer", "minimum": 1}
_NODE_LIST = {"type": "array", "items": _COUNT, "minItems": 1, "uniqueItems": True}


def _one_key(key: str, value: Mapping[str, Any], **others: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {key: dict(value), **others},
            "required": [key], "additionalProperties": False}


_SINGLE_RULES: list[dict[str, Any]] = [
    {"const": "majority"},
    _one_key("threshold", _COUNT),
    _one_key("weights", {"type": "array", "items": {"type": "integer", "minimum": 0},
                         "minItems": 1}, threshold=_COUNT),
    _one_key("quorums", {"type": "array", "items": _NODE_LIST, "minItems": 1},
             supersets={"type": "boolean"}),
    _one_key("grid", {"type": "array", "items": _COUNT, "minItems": 2, "maxItems": 2}),
    _one_key("joint", {"type": "object", "properties": {"old": _NODE_LIST, "new": _NODE_LIST},
                       "required": ["old", "new"], "additionalProperties": False}),
]
_PHASE = {"anyOf": [_COUNT, *_SINGLE_RULES]}

#: JSON Schema of a spec's ``quorum:`` value (nodes numbered from 1).
QUORUM_SCHEMA: dict[str, Any] = {
    "description": ACCEPTED + " (nodes numbered from 1)",
    "anyOf": [
        *_SINGLE_RULES,
        _one_key("flexible", {"type": "object", "properties": {"phase1": _PHASE, "phase2": _PHASE},
                              "required": ["phase1", "phase2"], "additionalProperties": False}),
    ],
}


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _node_list(value: Any, what: str) -> list[int]:
    """1-based node numbers from a spec, as 0-based nodes."""
    if not isinstance(value, list) or not value or not all(map(_is_count, value)):
        raise ValueError(f"{what} is a non-empty list of node numbers (from 1), not {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"{what} names a node twice: {value!r}")
    if min(value) < 1:
        raise ValueError(f"{what} numbers nodes from 1, not {min(value)}")
    return [node - 1 for node in value]


def _need(nodes: int | None, form: str) -> int:
    if nodes is None:
        raise ValueError(f"{form} needs the number of nodes")
    return nodes


def _matching(system: System, nodes: int | None, form: str) -> System:
    if nodes is not None and system.nodes != nodes:
        raise ValueError(f"{form} describes {system.nodes} nodes, but there are {nodes}")
    return system


def _single(value: Any, nodes: int | None) -> QuorumSystem:
    if value == "majority":
        return majority(_need(nodes, '"majority"'))
    if not isinstance(value, Mapping) or len(value) == 0:
        raise ValueError(f"unknown quorum rule {value!r}")
    keys = set(value)
    if keys == {"threshold"}:
        size = value["threshold"]
        if not _is_count(size):
            raise ValueError(f"threshold is a number of nodes, not {size!r}")
        return Threshold(_need(nodes, "threshold"), size)
    if keys in ({"weights"}, {"weights", "threshold"}):
        weights = value["weights"]
        if not isinstance(weights, list) or not all(map(_is_count, weights)):
            raise ValueError(f"weights is a list of whole numbers, one per node, not {weights!r}")
        if "threshold" in value:
            if not _is_count(value["threshold"]):
                raise ValueError(f"threshold is a whole number, not {value['threshold']!r}")
            system: QuorumSystem = Weighted(tuple(weights), value["threshold"])
        else:
            system = weighted_majority(weights)
        return _matching(system, nodes, "weights")
    if keys in ({"quorums"}, {"quorums", "supersets"}):
        groups = value["quorums"]
        if not isinstance(groups, list) or not groups:
            raise ValueError(f"quorums is a non-empty list of lists of nodes, not {groups!r}")
        supersets = value.get("supersets", True)
        if not isinstance(supersets, bool):
            raise ValueError(f"supersets is true or false, not {supersets!r}")
        listed = [frozenset(_node_list(group, "each quorum")) for group in groups]
        if nodes is None:
            nodes = max(max(group) for group in listed) + 1
        return Explicit(nodes, tuple(listed), supersets)
    if keys == {"grid"}:
        shape = value["grid"]
        if not (isinstance(shape, list) and len(shape) == 2 and all(map(_is_count, shape))):
            raise ValueError(f"grid is [ROWS, COLUMNS], not {shape!r}")
        return _matching(Grid(*shape), nodes, f"grid {shape[0]}x{shape[1]}")
    if keys == {"joint"}:
        configs = value["joint"]
        if not isinstance(configs, Mapping) or set(configs) != {"old", "new"}:
            raise ValueError(f"joint is {{old: [nodes], new: [nodes]}}, not {configs!r}")
        old = _node_list(configs["old"], "joint.old")
        new = _node_list(configs["new"], "joint.new")
        return joint(old, new, nodes)
    raise ValueError(f"unknown quorum rule {dict(value)!r}")


def _phase(value: Any, nodes: int | None, name: str) -> QuorumSystem:
    try:
        if _is_count(value):
            return Threshold(_need(nodes, "a threshold"), value)
        return _single(value, nodes)
    except ValueError as error:
        raise ValueError(f"flexible.{name}: {error}") from None


def quorum_system(value: Any, nodes: int | None) -> System:
    """The quorum system a spec's ``quorum:`` value names, over `nodes`
    nodes (None: as many as the value implies, where it does).

    Raises `ParamError` on ``params.quorum`` saying what is accepted.
    """
    try:
        if isinstance(value, Mapping) and set(value) == {"flexible"}:
            phases = value["flexible"]
            if not isinstance(phases, Mapping) or set(phases) != {"phase1", "phase2"}:
                raise ValueError(f"flexible is {{phase1: K1, phase2: K2}}, not {phases!r}")
            phase1 = _phase(phases["phase1"], nodes, "phase1")
            return Flexible(phase1, _phase(phases["phase2"], phase1.nodes, "phase2"))
        return _single(value, nodes)
    except ValueError as error:
        raise ParamError("params.quorum", f"{error}; use {ACCEPTED}") from None


def require_counted(system: System, model: str) -> None:
    """Raise `ParamError` where a rule lists quorums with ``supersets:
    false`` for a model that counts votes (a set containing a quorum
    decides) and ranges over no quorum as a specification's ``\\E Q`` does:
    the option would change nothing there."""
    if any(isinstance(phase, Explicit) and not phase.supersets
           for phase in (system.phase1, system.phase2)):
        raise ParamError("params.quorum", f"supersets: false ranges a specification's \\E Q "
                         f"\\in Quorum over the listed sets alone (Paxos.tla's Phase2a, in the "
                         f"paxos model); {model} counts votes, where a set containing a quorum "
                         "is one: remove supersets:")


def require_intersecting(system: System) -> None:
    """Raise `ParamError` naming the witness pair when two quorums (a phase-1
    and a phase-2 quorum) can be disjoint. A spec may use such a rule only
    when it expects the run to violate safety."""
    found = intersection(system)
    if not found.holds:
        first, second = found.witness  # type: ignore[misc]
        raise ParamError("params.quorum", f"{system}: quorums {format_nodes(first)} and "
                         f"{format_nodes(second)} do not intersect, so two leaders can decide "
                         "apart; such a rule is allowed only in a spec that expects a violation")


def interchangeable_groups(system) -> tuple[tuple[int, ...], ...]:
    """The nodes split into groups that the quorum rule treats alike, for
    symmetry reduction:
    a and b are together when swapping them maps the phase-1 quorums onto
    themselves and the phase-2 quorums onto themselves. (If swapping a, b
    and swapping b, c keep the quorums, so does swapping a, c, which is the
    composition (a b)(b c)(a b); so "together" is an equivalence, and every
    permutation within the groups keeps the quorums.)"""
    kinds = {frozenset(system.phase1.spec_quorums), frozenset(system.phase2.spec_quorums)}

    def alike(a: int, b: int) -> bool:
        swap = {a: b, b: a}
        return all({frozenset(swap.get(x, x) for x in q) for q in quorums} == quorums
                   for quorums in kinds)

    groups: list[list[int]] = []
    for a in range(system.nodes):
        group = next((group for group in groups if alike(group[0], a)), None)
        if group is None:
            groups.append([a])
        else:
            group.append(a)
    return tuple(tuple(group) for group in groups)
