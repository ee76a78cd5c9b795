"""Raft's scenarios and presentation: the starting configuration of an
``init:`` block (validated field by field), and how states and steps are
shown (state views, sequence-chart events). A mixin of `models.raft.Raft`."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Mapping

from checker import ParamError
from checker.model import BagView, Note, Received, Sent
from models.kit.records import label
from models.raft.records import (FOLLOWER, LEADER, PRECANDIDATE, ROLES, DropMessage, Receive,
                                 Restart, ServerState, command_value, entry_name, server_name,
                                 value_name)
from models.raft_membership import parse_config


def _mask(servers: frozenset) -> int:
    return sum(1 << i for i in servers)


class RaftScenario:
    def _parse_init(self, init: Mapping[str, Any]) -> tuple[ServerState, ...]:
        """The starting servers from an ``init:`` block::

            init:
              s1: {current_term: 2, role: Leader, voted_for: s1,
                   log: [t1:a=1, t1:b=2, t2:c=3], commit_index: 2}
              s2: {current_term: 2, log: [t1:a=1]}

        One entry per server, ``s1`` to ``sN``, each optional (a missing server
        starts as in ``Init``). Fields and defaults: ``current_term`` (1),
        ``role`` (Follower, Candidate or Leader; PreCandidate with
        ``pre_vote``), ``voted_for`` (null or a
        server), ``log`` (entries ``t<term>:<value>``; a value other than
        ``v1..vN`` names a command of the scenario), ``commit_index`` (0),
        ``votes_responded`` and ``votes_granted`` (lists of servers; for a
        Leader, every server by default), ``next_index`` and ``match_index``
        (numbers by server as reports print them, ``{s2: 1}``, those left
        out at their default, or lists of N numbers; for a Leader, by
        default as BecomeLeader sets them: log length + 1 and 0). With
        ``check_quorum``: ``recent_active`` (a Leader's, servers heard from
        since its last check; none by default, so its first CheckQuorum
        steps down) and ``in_lease`` (a Follower's: it heard from its leader
        and ignores vote requests of a later term until LeaseExpires; false
        by default, the cautious start: a follower whose lease may have
        expired). The network starts empty.
        """
        n = self.servers
        if not isinstance(init, Mapping):
            raise ParamError("init", "must be a mapping from server (s1..sN) to its variables")
        names = {server_name(i): i for i in range(n)}
        for key in init:
            if key not in names:
                raise ParamError(f"init.{key}", f"is not a server; with servers: {n} "
                                 f"the servers are {', '.join(names)}")
        servers = []
        for i in range(n):
            fields = init.get(server_name(i)) or {}
            where = f"init.{server_name(i)}"
            if not isinstance(fields, Mapping):
                raise ParamError(where, "must be a mapping of the server's variables "
                                 f"({', '.join(ServerState._fields)})")
            for key in fields:
                if key not in ServerState._fields:
                    raise ParamError(f"{where}.{key}", "is not a server variable; use "
                                     + ", ".join(ServerState._fields))
            servers.append(self._parse_server(fields, where, names))
        for i, s in enumerate(servers):
            where = f"init.{server_name(i)}"
            if s.current_term > self.max_term:
                raise ParamError(f"{where}.current_term", f"{s.current_term} is above "
                                 f"max_term ({self.max_term}); raise max_term")
            if len(s.log) > self.max_log:
                raise ParamError(f"{where}.log", f"has {len(s.log)} entries, above "
                                 f"max_log ({self.max_log}); raise max_log")
            if any(term > s.current_term for term, _ in s.log):
                raise ParamError(f"{where}.log", "holds an entry of a term above the "
                                 f"server's current_term ({s.current_term})")
            if s.commit_index > len(s.log):
                raise ParamError(f"{where}.commit_index", f"{s.commit_index} is past the end "
                                 f"of the log ({len(s.log)} entries)")
            # a leader's log only grows, so it never sends from past its end
            # (AppendEntries reads the entry before next_index)
            for key, past in (("next_index", len(s.log) + 1), ("match_index", len(s.log))):
                beyond = [f"{server_name(j)}: {x}" for j, x in enumerate(getattr(s, key))
                          if x > past]
                if s.role == LEADER and beyond:
                    raise ParamError(f"{where}.{key}", f"{', '.join(beyond)} is past the end "
                                     f"of the leader's log ({len(s.log)} entries); give at "
                                     f"most {past}")
            if s.role == LEADER and self.membership_rules is not None:
                config = self.membership_rules.latest(i, s.log)[0]
                if not config.quorum[_mask(s.votes_granted)]:
                    raise ParamError(f"{where}.votes_granted", "a Leader's votes_granted must "
                                     "be a quorum of the latest configuration in its log "
                                     f"({value_name(config.value) if config.mask else 'none'})")
        return tuple(servers)

    def _parse_server(self, fields: Mapping[str, Any], where: str,
                      names: Mapping[str, int]) -> ServerState:
        n = self.servers

        def number(key: str, default: int, minimum: int) -> int:
            value = fields.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise ParamError(f"{where}.{key}", f"must be an integer ≥ {minimum}")
            return value

        def server(value: Any, key: str) -> int:
            if not isinstance(value, str) or value not in names:  # a list is no name
                raise ParamError(f"{where}.{key}", f"{value!r} is not a server; use one of "
                                 f"{', '.join(names)}")
            return names[value]

        def server_set(key: str, default: frozenset) -> frozenset:
            value = fields.get(key)
            if value is None:
                return default
            if not isinstance(value, list):
                raise ParamError(f"{where}.{key}", "must be a list of servers, e.g. [s1, s2]")
            return frozenset(server(member, key) for member in value)

        def per_server(key: str, default: tuple, minimum: int) -> tuple:
            # as reports print it, by server ({s1: 2, s2: 1}: those left out
            # keep the default), or a list of one entry per server in order
            value = fields.get(key)
            if value is None:
                return default
            if isinstance(value, Mapping):
                given = dict(enumerate(default))
                for name, entry in value.items():
                    given[server(name, key)] = entry
                entries = [given[i] for i in range(n)]
            else:
                entries = value if isinstance(value, list) and len(value) == n else None
            if entries is None or any(not isinstance(x, int) or isinstance(x, bool)
                                      or x < minimum for x in entries):
                example = ", ".join(f"{name}: {minimum}" for name in names)
                raise ParamError(f"{where}.{key}", f"must map servers to integers ≥ {minimum}, "
                                 f"as reports print it ({{{example}}}), or be a list of {n} "
                                 "integers, one per server")
            return tuple(entries)

        term = number("current_term", 1, 1)
        role = fields.get("role", FOLLOWER)
        roles = ROLES + (PRECANDIDATE,) * self.pre_vote
        if role not in roles:
            needs = (" (a PreCandidate with pre_vote: true)"
                     if role == PRECANDIDATE and not self.pre_vote else "")
            raise ParamError(f"{where}.role",
                             f"{role!r} is not a role; use {', '.join(roles)}{needs}")
        voted = fields.get("voted_for")
        voted_for = None if voted is None else server(voted, "voted_for")
        log = self._parse_log(fields.get("log", []), f"{where}.log")
        commit = number("commit_index", 0, 0)
        everyone = frozenset(range(n)) if role == LEADER else frozenset()
        responded = server_set("votes_responded", everyone)
        granted = server_set("votes_granted", everyone)
        if role == LEADER and self.membership_rules is None and not self.quorum_of[1][granted]:
            raise ParamError(f"{where}.votes_granted", "a Leader's votes_granted must be "
                             f"a quorum ({self.quorums})")
        next_default = (len(log) + 1,) * n if role == LEADER else (1,) * n
        for key, holder in (("recent_active", LEADER), ("in_lease", FOLLOWER)):
            if key in fields and not (self.check_quorum and role == holder):
                why = (" (a Leader is always in its own lease)"
                       if key == "in_lease" and role == LEADER else "")
                raise ParamError(f"{where}.{key}", f"is a {holder}'s with check_quorum: true "
                                 f"only{why}; remove it" + (
                                     "" if self.check_quorum
                                     else " or set params.check_quorum: true"))
        in_lease = fields.get("in_lease", False)
        if not isinstance(in_lease, bool):
            raise ParamError(f"{where}.in_lease", "must be true or false")
        return ServerState(term, role, voted_for, log, commit, responded, granted,
                           per_server("next_index", next_default, 1),
                           per_server("match_index", (0,) * n, 0),
                           server_set("recent_active", frozenset()), in_lease)

    def _parse_log(self, entries: Any, where: str) -> tuple:
        if not isinstance(entries, list):
            raise ParamError(where, "must be a list of entries such as [t1:v1, t2:x=9]")
        log = []
        for index, text in enumerate(entries):
            found = re.fullmatch(r"t(\d+):(\S+|C\(.*\))", str(text))
            if not found or int(found.group(1)) < 1:
                raise ParamError(f"{where}[{index}]", f"{text!r} is not an entry; write "
                                 "t<term>:<value>, e.g. t1:v1 or t2:x=9")
            name = found.group(2)
            if name.startswith("C("):
                value = parse_config(name, self.servers)
                if value is None or self.membership_rules is None:
                    raise ParamError(f"{where}[{index}]", f"{text!r}: a configuration entry "
                                     "such as t2:C(s1 s2 s3) or t2:C(s1 s2 s3 | s1) needs "
                                     "membership: and servers s1..sN")
                self.membership_rules.configuration(value)  # known, for symmetry_groups
            elif re.fullmatch(r"v\d+", name):
                value = int(name[1:]) - 1
                if not 0 <= value < self.values:
                    raise ParamError(f"{where}[{index}]", f"value {name} is not among the "
                                     f"{self.values} client values (v1..v{self.values}); "
                                     "raise values or name a command such as x=9")
            else:
                value = command_value(name)
            log.append((int(found.group(1)), value))
        return tuple(log)

    # -- presentation ----------------------------------------------------------------

    def _bag(self, state: tuple) -> list:
        """The messages in flight, each copy, in the bag's order."""
        net = self.network
        return [m for k in range(len(self.messages))
                for m in net.deliverable(state[-1][k], None)
                for _ in range(dict(state[-1][k])[m])]

    def step_events(self, state: tuple, action: Any, next_state: tuple) -> list:
        """Messages and local events for sequence charts: what the step takes
        out of the bag is received (or, for DropMessage, lost), what it puts
        in is sent; role and term changes are notes."""
        before, after = Counter(self._bag(state)), Counter(self._bag(next_state))
        taken, put = before - after, after - before
        events: list = []
        if type(action) is DropMessage:
            m = action.message
            events.append(Note(server_name(m.dest), f"network loses {label(m)}"))
        elif type(action) is Receive:
            # Received when acted on, even where the spec leaves it in the bag
            # to act on again (UpdateTerm, or deleting a conflicting entry).
            m = action.m
            events.append(Received(server_name(m.source), server_name(m.dest), label(m)))
        else:
            events += [Received(server_name(m.source), server_name(m.dest), label(m))
                       for m in sorted(taken.elements())]
        events += [Sent(server_name(m.source), server_name(m.dest), label(m))
                   for m in sorted(put.elements())]
        for i, (old, new) in enumerate(zip(state[:-1], next_state[:-1])):
            if old.role != new.role or old.current_term != new.current_term:
                events.append(Note(server_name(i), f"{new.role} in term {new.current_term}"))
            if type(action) is Restart and action.i == i:
                events.append(Note(server_name(i), "restarts"))
            if old.log != new.log:
                events.append(Note(server_name(i), "log " + " ".join(
                    entry_name(e) for e in new.log) if new.log else "log empty"))
            if old.commit_index != new.commit_index:
                events.append(Note(server_name(i), f"commit_index {new.commit_index}"))
        return events

    def nodes(self) -> tuple[str, ...]:
        return tuple(server_name(i) for i in range(self.servers))

    def state_view(self, state: tuple) -> dict[str, Any]:
        view: dict[str, Any] = {}
        names = self.nodes()
        for i, s in enumerate(state[:-1]):
            name = server_name(i)
            view.update({f"{name}.current_term": s.current_term, f"{name}.role": s.role,
                         f"{name}.voted_for": None if s.voted_for is None
                         else server_name(s.voted_for),
                         f"{name}.log": [entry_name(e) for e in s.log],
                         f"{name}.commit_index": s.commit_index,
                         f"{name}.votes_responded": [server_name(k)
                                                     for k in sorted(s.votes_responded)],
                         f"{name}.votes_granted": [server_name(k)
                                                   for k in sorted(s.votes_granted)],
                         # by server name: [s2], not the position [1]
                         f"{name}.next_index": dict(zip(names, s.next_index)),
                         f"{name}.match_index": dict(zip(names, s.match_index))})
            if self.check_quorum:
                view[f"{name}.recent_active"] = [server_name(k) for k in sorted(s.recent_active)]
                # as the servers treat it: a Leader is in its own lease
                view[f"{name}.in_lease"] = s.in_lease or s.role == LEADER
        view["msgs"] = BagView(str(m) for m in self._bag(state))
        # the network's partition, where there is one: whether its links are
        # down (a Heal step changes that and nothing else)
        view.update({key: value for key, value in self.network.view(state[-1]).items()
                     if key in ("partition", "splits_left")})
        return view

