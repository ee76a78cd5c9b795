"""Membership change for the Raft model, after the Raft dissertation, chapter 4.

A spec switches it on with the ``membership`` parameter of the ``raft`` model::

    params: {servers: 3, membership: {change: joint, from: 3, to: 1}}

``from`` and ``to`` are the configuration the cluster starts with and the one
it is changed to: a number N (the servers s1..sN) or a list of server numbers
(``[2, 3, 4]``). ``from`` defaults to 3. The model's ``servers`` are every
server of either configuration; a server in ``to`` only starts empty,
knowing no configuration, as a server just added to a cluster does.

Configurations are log entries, as in the dissertation (section 4.1): a
leader appends one with its term like any entry (`ChangeConfig`), and every
server counts votes and replication by the *latest* configuration in its
log, committed or not; a server whose log holds none uses ``from`` if it is
one of its servers and knows no configuration otherwise. Deleting an entry
(a conflict) brings back the configuration before it. How a leader may
change the configuration is ``change``:

- ``direct``: a leader whose configuration is ``from`` appends ``to``. Unsafe
  when a majority of ``from`` and a majority of ``to`` can be disjoint: two
  leaders can be elected in one term (the Raft paper's figure 10).
- ``joint``: a leader whose configuration is ``from`` appends the joint
  configuration C_old,new (``from | to``), whose quorums are a majority of
  ``from`` together with a majority of ``to``; once that entry is committed,
  it appends ``to`` (section 4.3).
- ``single_server``: a leader whose configuration C differs from ``to`` and
  is committed appends C with one server added (of ``to``) or removed (not
  of ``to``), one change at a time (section 4.1). Before its first change in
  a term, a leader must have committed an entry of that term: the rule
  Ongaro added in 2015 after finding that, without it, two leaders in
  successive terms can append changes from the same configuration whose
  majorities do not meet (raft-dev, "bug in single-server membership
  changes", whose cases are one add and one remove, two adds, and two
  removes; the ``change_before_commit`` mutant drops the rule). ``direct``
  and ``joint`` changes go without it.

What the other rules become (section 4.2):

- A candidate asks the servers of its configuration for votes and wins with
  a quorum of it; it counts its own vote only if it is one of them. A server
  grants votes, and accepts entries, whatever its own configuration.
- A server that knows no configuration does not time out. Neither does one
  that is not in its configuration once that configuration is committed
  (``commit_index`` reaches it): it knows it was removed. Before that it may,
  as the dissertation says it must (it may be needed to commit the change).
- A leader sends entries to the servers of its configuration, counts its own
  match only if it is one of them, and steps down (becomes a Follower) in
  the AdvanceCommitIndex step that commits a configuration it is not in.

With membership changes the ``quorum`` rule must be the default (majorities
of each configuration). `Membership.require_overlap` is the model's
soundness check (`Raft.check_sound`): a ``direct`` change between
configurations with disjoint majorities is allowed only in a spec that
expects a violation. For symmetry, `Membership.classes` splits the servers
so that every reachable configuration is made of whole classes, and renaming
servers within a class leaves configuration entries as they are.

Encoding: an entry is ``(term, value)`` as every Raft entry; a configuration
entry's value is ``CONFIG + (old << 10) + new`` with ``old`` and ``new`` the
bitmasks of its servers (``old`` is 0 but in a joint configuration), so it
compares, sorts and hashes as the client values do. It prints
``C(s1 s2 s3)``, or ``C(s1 s2 s3 | s1)`` for a joint configuration, and an
``init:`` block's logs may hold it in that form (``t2:C(s1 s2 s3 | s1)``).
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import Any, Mapping, NamedTuple

from checker.errors import ParamError

#: Entry values at or above CONFIG are configurations.
CONFIG = 1 << 20

DIRECT, JOINT, SINGLE_SERVER = "direct", "joint", "single_server"
CHANGES = (DIRECT, JOINT, SINGLE_SERVER)

_SERVERS = {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 9},
                      {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 9},
                       "minItems": 1, "uniqueItems": True}],
            "description": "a number N (servers s1..sN) or a list of server numbers"}

#: JSON Schema of the ``membership`` parameter.
MEMBERSHIP_SCHEMA: dict[str, Any] = {
    "type": ["object", "null"],
    "description": "null (no change) or a mapping {change: direct|joint|single_server, "
                   "from: N or [servers], to: N or [servers]}",
    "required": ["change", "to"],
    "additionalProperties": False,
    "properties": {
        "change": {"enum": list(CHANGES)},
        "from": _SERVERS,
        "to": _SERVERS,
    },
}


def config_value(new: int, old: int = 0) -> int:
    """The entry value of the configuration with servers `new` (a bitmask),
    joint with `old` when `old` is not 0."""
    return CONFIG + (old << 10) + new


def _mask_name(mask: int) -> str:
    return " ".join(f"s{i + 1}" for i in range(10) if mask >> i & 1)


def config_name(value: int) -> str:
    """``C(s1 s2 s3)``, or ``C(s1 s2 s3 | s1)`` for a joint configuration."""
    old, new = (value - CONFIG) >> 10, (value - CONFIG) & 1023
    return f"C({_mask_name(old)} | {_mask_name(new)})" if old else f"C({_mask_name(new)})"


def parse_config(text: str, servers: int) -> int | None:
    """The value of a configuration written as `config_name` prints it, or
    None when `text` is not one."""
    found = re.fullmatch(r"C\(([s\d ]+?)(?:\s*\|\s*([s\d ]+))?\)", text.strip())
    if not found:
        return None
    masks = []
    for part in found.groups():
        if part is None:
            continue
        mask = 0
        for name in part.split():
            if not re.fullmatch(r"s\d", name) or not 1 <= int(name[1:]) <= servers:
                return None
            mask |= 1 << int(name[1:]) - 1
        masks.append(mask)
    return config_value(masks[-1], masks[0] if len(masks) == 2 else 0)


def _majorities(mask: int, servers: int) -> tuple[bool, ...]:
    """For each bitmask of servers, whether it holds a majority of `mask`."""
    size = mask.bit_count()
    return tuple(2 * (votes & mask).bit_count() > size for votes in range(1 << servers))


class Configuration(NamedTuple):
    """A configuration as the hot path uses it. `quorum[votes]` says whether
    the bitmask `votes` is a quorum: a majority of `new`, and of `old` too
    when the configuration is joint."""

    value: int
    old: int
    new: int
    mask: int  # old | new
    members: tuple[int, ...]  # the servers of mask, ascending
    quorum: tuple[bool, ...]


class Membership:
    """The ``membership`` parameter of a Raft model of `servers` servers,
    checked and turned into configurations. Raises `ParamError`."""

    def __init__(self, value: Mapping[str, Any], servers: int):
        self.change = value["change"]
        self.servers = servers
        old = self._servers(value.get("from", 3), "from")
        new = self._servers(value["to"], "to")
        if old == new:
            raise ParamError("params.membership.to", f"is the starting configuration "
                             f"({_mask_name(old)}); give another one")
        everyone = old | new
        if everyone != (1 << servers) - 1:
            raise ParamError("params.servers", f"must count exactly the servers of the two "
                             f"configurations ({_mask_name(everyone)}); number them s1.."
                             f"s{everyone.bit_count()} and use servers: {everyone.bit_count()}")
        self._configs: dict[int, Configuration] = {}
        self.initial = self.configuration(config_value(old))
        self.target = self.configuration(config_value(new))
        self.joint = self.configuration(config_value(new, old))
        self.none = Configuration(0, 0, 0, 0, (), (False,) * (1 << servers))
        # What a server knows before any configuration entry reaches it.
        self._bootstrap = tuple(self.initial if old >> i & 1 else self.none
                                for i in range(servers))
        # single_server: the configurations one change away, per configuration.
        self._steps: dict[int, tuple[int, ...]] = {}

    def _servers(self, value: Any, field: str) -> int:
        if isinstance(value, int):
            if not 1 <= value <= self.servers:
                raise ParamError(f"params.membership.{field}", f"{value} servers, but "
                                 f"there are {self.servers} (servers: {self.servers})")
            return (1 << value) - 1
        mask = 0
        for number in value:
            if not 1 <= number <= self.servers:
                raise ParamError(f"params.membership.{field}", f"names s{number}, but the "
                                 f"servers are s1..s{self.servers}")
            mask |= 1 << number - 1
        return mask

    def configuration(self, value: int) -> Configuration:
        """The configuration whose entry value is `value` (remembered)."""
        found = self._configs.get(value)
        if found is None:
            old, new = (value - CONFIG) >> 10, (value - CONFIG) & 1023
            mask = old | new
            quorum = _majorities(new, self.servers)
            if old:
                quorum = tuple(a and b for a, b in zip(quorum, _majorities(old, self.servers)))
            found = self._configs[value] = Configuration(
                value, old, new, mask, tuple(i for i in range(self.servers) if mask >> i & 1),
                quorum)
        return found

    # -- what a server's log says ------------------------------------------------------

    def latest(self, i: int, log: tuple) -> tuple[Configuration, int]:
        """Server i's configuration (the latest in its log, committed or not)
        and the index of its entry (0: none in the log)."""
        for k in range(len(log) - 1, -1, -1):
            value = log[k][1]
            if value >= CONFIG:
                return self.configuration(value), k + 1
        return self._bootstrap[i], 0

    @staticmethod
    def may_time_out(i: int, config: Configuration, at: int, commit: int) -> bool:
        """Server i knows a configuration and does not know itself removed."""
        return bool(config.mask >> i & 1 or (config.mask and commit < at))

    @staticmethod
    def steps_down(i: int, config: Configuration, at: int, commit: int) -> bool:
        """Leader i, with `commit` as its commit_index, has committed a
        configuration it is not in (a joint one keeps it until C_new)."""
        return not config.old and not config.mask >> i & 1 and commit >= at

    def changes(self, config: Configuration, at: int, log: tuple, term: int, commit: int,
                skip_rule: bool) -> tuple[int, ...]:
        """The configuration entries a leader with this configuration (entry
        at index `at`), log, current_term and commit_index may append."""
        if self.change == DIRECT:
            return (self.target.value,) if config is self.initial else ()
        if self.change == JOINT:
            if config is self.initial:
                return (self.joint.value,)
            if config is self.joint and commit >= at:
                return (self.target.value,)
            return ()
        if config.old or config is self.target or not config.mask or commit < at:
            return ()
        if not skip_rule and not (commit and log[commit - 1][0] == term):
            return ()  # no entry of its term committed yet (Ongaro's 2015 rule)
        steps = self._steps.get(config.new)
        if steps is None:
            target = self.target.new
            steps = self._steps[config.new] = tuple(
                config_value(config.new ^ 1 << k) for k in range(self.servers)
                if (config.new ^ target) >> k & 1 and config.new ^ 1 << k)
        return steps

    # -- soundness and symmetry ----------------------------------------------------------

    def disjoint_majorities(self) -> tuple[int, int] | None:
        """For ``direct``: a majority of ``from`` and one of ``to`` that share
        no server (bitmasks), or None when every two meet."""
        if self.change != DIRECT:
            return None
        old, new = self.initial.new, self.target.new
        for first in _minimal_majorities(old):
            for second in _minimal_majorities(new):
                if not first & second:
                    return first, second
        return None

    def require_overlap(self) -> None:
        """`ParamError` naming two disjoint majorities, for ``direct``."""
        pair = self.disjoint_majorities()
        if pair is not None:
            first, second = pair
            raise ParamError("params.membership.change", (
                f"direct: the majority {self.describe(first)} of the starting configuration "
                f"{self.describe(self.initial.new)} and the majority {self.describe(second)} "
                f"of the new one {self.describe(self.target.new)} do not intersect, so two "
                "leaders can be elected in one term; such a change is allowed only in a spec "
                "that expects a violation (or use joint or single_server)"))

    # -- what the witnesses look for ---------------------------------------------------

    def committed_target(self, log: tuple, commit: int) -> bool:
        """The committed entries hold the configuration ``to``."""
        target = self.target.value
        return any(log[k][1] == target for k in range(commit))

    def finished_later(self, log: tuple, commit: int) -> bool:
        """The committed entries hold C_old,new and, after it, ``to`` of a
        later term: one leader started the joint change, another ended it."""
        started = None
        for k in range(commit):
            term, value = log[k]
            if value == self.joint.value:
                started = term
            elif value == self.target.value and started is not None and term > started:
                return True
        return False

    def rolled_back(self, leader_log: tuple, leader_term: int, leader_commit: int,
                    other_log: tuple) -> bool:
        """A leader has committed, at an index where `other_log` holds
        C_old,new of an earlier term, an entry of its own: that C_old,new can
        never be committed."""
        joint = self.joint.value
        for k in range(min(leader_commit, len(other_log))):
            entry = other_log[k]
            if entry[1] == joint and entry[0] < leader_term and leader_log[k] != entry:
                return True
        return False

    def classes(self) -> list[list[int]]:
        """The servers split so that every configuration a run can reach is
        made of whole classes: servers are together when every configuration
        known so far (``from``, ``to``, C_old,new and those of an ``init:``
        block) treats them alike; under ``single_server`` each server of one
        configuration only stands alone too (each is added or removed on
        its own)."""
        changed = self.initial.new ^ self.target.new
        known = list(self._configs.values())
        groups: dict[tuple, list[int]] = {}
        for i in range(self.servers):
            key = tuple((c.old >> i & 1, c.new >> i & 1) for c in known)
            if self.change == SINGLE_SERVER and changed >> i & 1:
                key += (i,)
            groups.setdefault(key, []).append(i)
        return list(groups.values())

    def describe(self, mask: int) -> str:
        return "{" + ",".join(str(i + 1) for i in range(self.servers) if mask >> i & 1) + "}"


def _minimal_majorities(mask: int) -> list[int]:
    members = [i for i in range(10) if mask >> i & 1]
    return [sum(1 << i for i in group)
            for group in combinations(members, len(members) // 2 + 1)]
