"""Raft's properties: the Raft paper's Figure 3 guarantees as invariants,
Leader Append-Only as a transition property, Committed Entries Kept for
``init:`` scenarios, and the reachability witnesses of the bundled
scenarios (membership changes among them). A mixin of `models.raft.Raft`:
each reads the servers' records, ``state[:-1]``."""

from __future__ import annotations

from typing import Any

from checker import Fails, eventually, invariant, leads_to, reachable, transition
from models.raft.records import (CANDIDATE, FOLLOWER, LEADER, entries_name, last_term,
                                 server_name)


class RaftProperties:
    # -- what the properties read ------------------------------------------------------

    def _committed_at_start(self) -> tuple[tuple, ...]:
        """The committed entries each server held at the start, which it must
        keep: the longest committed prefix any server records (commit_index),
        as far as the server's log agrees with it."""
        found = self.__dict__.get("_held")
        if found is None:
            start = self._start()
            holder = max(start, key=lambda s: s.commit_index)
            committed = holder.log[:holder.commit_index]
            found = []
            for s in start:
                count = 0
                while count < min(len(committed), len(s.log)) and \
                        s.log[count] == committed[count]:
                    count += 1
                found.append(committed[:count])
            found = self._held = tuple(found)
        return found

    # -- properties (the Raft paper's Figure 3) ----------------------------------------

    @invariant("Election Safety")
    def election_safety(self, state: tuple) -> bool | Fails:
        """At most one leader per term."""
        leader_of: dict[int, int] = {}
        for i, s in enumerate(state[:-1]):
            if s.role == LEADER:
                other = leader_of.setdefault(s.current_term, i)
                if other != i:
                    return Fails(f"{server_name(other)} and {server_name(i)} are both "
                                 f"leader in term {s.current_term}")
        return True

    @invariant("Log Matching")
    def log_matching(self, state: tuple) -> bool | Fails:
        """If two logs have an entry with the same index and term, the logs are
        identical up to that index."""
        servers = state[:-1]
        for a, log_a in enumerate(s.log for s in servers):
            if not log_a:
                continue
            for b in range(a + 1, len(servers)):
                log_b = servers[b].log
                # The highest index with equal terms decides: below it the
                # prefixes are then equal too.
                for k in range(min(len(log_a), len(log_b)) - 1, -1, -1):
                    if log_a[k][0] == log_b[k][0]:
                        if log_a[:k + 1] != log_b[:k + 1]:
                            return Fails(
                                f"{server_name(a)} and {server_name(b)} both hold an entry "
                                f"of term {log_a[k][0]} at index {k + 1} but their logs "
                                f"differ up to it: {entries_name(log_a[:k + 1])} and "
                                f"{entries_name(log_b[:k + 1])}")
                        break
        return True

    @invariant("Leader Completeness")
    def leader_completeness(self, state: tuple) -> bool | Fails:
        """A committed entry is in the log of every leader of a later term.

        Without the spec's history variables a state shows which entries
        are committed only through commit_index: the first commit_index
        entries of server i were committed in a term ≤ current_term[i]. So
        every leader whose term is at least current_term[i] must hold them.
        """
        servers = state[:-1]
        for l, leader in enumerate(servers):
            if leader.role != LEADER:
                continue
            for i, s in enumerate(servers):
                if s.commit_index and s.current_term <= leader.current_term:
                    committed = s.log[:s.commit_index]
                    if leader.log[:len(committed)] != committed:
                        return Fails(
                            f"{server_name(i)} (term {s.current_term}) has committed "
                            f"{entries_name(committed)}, but the log of {server_name(l)}, "
                            f"leader in term {leader.current_term}, is {entries_name(leader.log)}")
        return True

    @invariant("State Machine Safety")
    def state_machine_safety(self, state: tuple) -> bool | Fails:
        """No two servers have committed different entries at the same index
        (nor has a server committed an index past the end of its log)."""
        committed = []
        for i, s in enumerate(state[:-1]):
            if s.commit_index > len(s.log):
                return Fails(f"{server_name(i)} has commit_index {s.commit_index} but only "
                             f"{len(s.log)} entries: {entries_name(s.log)}")
            if s.commit_index:
                committed.append((i, s.log[:s.commit_index]))
        for a, (i, prefix_i) in enumerate(committed):
            for j, prefix_j in committed[a + 1:]:
                k = min(len(prefix_i), len(prefix_j))
                if prefix_i[:k] != prefix_j[:k]:
                    return Fails(f"{server_name(i)} has committed {entries_name(prefix_i)} and "
                                 f"{server_name(j)} has committed {entries_name(prefix_j)}")
        return True

    @transition("Leader Append-Only")
    def leader_append_only(self, state: tuple, action: Any, next_state: tuple) -> bool | Fails:
        """A leader never overwrites or deletes entries in its log: a server
        that is Leader before and after a step only appends."""
        for i, old in enumerate(state[:-1]):
            if old.role == LEADER:  # most states have no leader: checked first
                new = next_state[i]
                if new is not old and new.role == LEADER and new.log[:len(old.log)] != old.log:
                    return Fails(f"leader {server_name(i)}'s log went from "
                                 f"{entries_name(old.log)} to {entries_name(new.log)}")
        return True

    @invariant("Committed Entries Kept")
    def init_commits_kept(self, state: tuple) -> bool | Fails:
        """Every server keeps the committed entries it held in the starting
        configuration of an ``init:`` block (the entries up to the highest
        commit_index given there). Restart clears commit_index, so the
        invariants above lose sight of them; this one does not. Without an
        ``init:`` block nothing is committed at the start and it holds."""
        kept = self._committed_at_start()
        if not any(kept):
            return True
        for i, (s, held) in enumerate(zip(state[:-1], kept)):
            if held and s.log[:len(held)] != held:
                return Fails(f"{server_name(i)} held the committed entries {entries_name(held)} "
                             f"but its log is now {entries_name(s.log)}")
        return True

    # -- reachability witnesses --------------------------------------------------------
    #
    # Leader Elected and Entry Committed make sense for any run; the others are
    # scenario witnesses (an `init:` block, a membership change, more terms
    # than the default bounds), checked only where a spec names them.

    @reachable("Leader Elected")
    def leader_elected(self, state: tuple) -> bool:
        """Some server is Leader."""
        return any(s.role == LEADER for s in state[:-1])

    @eventually("Leader Eventually Elected")
    def eventually_leader(self, state: tuple) -> bool:
        """Every behaviour elects a leader: Raft's liveness, which needs the
        spec's fairness (timeouts that fire, messages that arrive)."""
        return self.leader_elected(state)

    @reachable("Entry Committed")
    def entry_committed(self, state: tuple) -> bool:
        """Some server has committed an entry (commit_index ≥ 1)."""
        return any(s.commit_index for s in state[:-1])

    @reachable("Stale Leader", default=False)
    def stale_leader(self, state: tuple) -> bool:
        """A leader of an older term coexists with a leader of a newer one
        (legal: the stale one has not yet heard of the newer term)."""
        return len({s.current_term for s in state[:-1] if s.role == LEADER}) > 1

    @reachable("Stale Leader Stepped Down", default=False)
    def stale_leader_stepped_down(self, state: tuple) -> bool:
        """A former leader is a Follower while a leader of a term at least
        its own exists.

        A state has no history, so "former leader" is read off what only a
        leader collects: an acknowledged entry in match_index (set from a
        successful AppendEntries response, cleared by Restart). A leader stops
        leading by a higher term (UpdateTerm) or by Restart, and a response
        of its own term may still arrive after a Restart, so the state alone
        does not tell the two apart; the witness trace shows which it was.
        """
        servers = state[:-1]
        return any(s.role == FOLLOWER and any(s.match_index) and any(
            l.role == LEADER and l.current_term >= s.current_term for l in servers)
            for s in servers)

    @reachable("Partitioned Candidate", default=False)
    def partitioned_candidate(self, state: tuple) -> bool:
        """A leader is elected while one server, cut off from it, keeps
        timing out: every server but one is at most at the leader's term, and
        that one is a Candidate of a higher term."""
        servers = state[:-1]
        for leader in servers:
            if leader.role == LEADER:
                above = [s for s in servers if s.current_term > leader.current_term]
                if len(above) == 1 and above[0].role == CANDIDATE:
                    return True
        return False

    @reachable("Old Leader Steps Down", default=False)
    def old_leader_steps_down(self, state: tuple) -> bool:
        """A server that was Leader in the starting configuration (an
        ``init:`` block) is a Follower in a higher term than it had. The
        shortest way there is stepping down on the first message of a newer
        term; the state alone does not show the way, the witness trace does.
        Without a leader at the start it is unreachable."""
        return any(start.role == LEADER and s.role == FOLLOWER
                   and s.current_term > start.current_term
                   for s, start in zip(state[:-1], self._start()))

    @reachable("Split Vote Resolved", default=False)
    def split_vote_resolved(self, state: tuple) -> bool:
        """A leader is elected in a term above every term of the starting
        configuration. From an ``init:`` block where the votes of the latest
        term are split so that no candidate can reach a quorum, that is the
        split vote resolving in a later term."""
        top = max(s.current_term for s in self._start())
        return any(s.role == LEADER and s.current_term > top for s in state[:-1])

    @reachable("Conflict Overwritten", default=False)
    def conflict_overwritten(self, state: tuple) -> bool:
        """A server holds, at an index where its starting log (an ``init:``
        block) had an entry, a different entry: its conflicting entry was
        deleted and replaced. A single state cannot show an overwrite
        otherwise, so from the empty start it is unreachable."""
        return any(s.log[k] != start.log[k] for s, start in zip(state[:-1], self._start())
                   for k in range(min(len(s.log), len(start.log))))

    @reachable("Logs Healed", default=False)
    def logs_healed(self, state: tuple) -> bool:
        """A leader's log is non-empty and every server's log equals it."""
        servers = state[:-1]
        for leader in servers:
            if leader.role == LEADER and leader.log:
                return all(s.log == leader.log for s in servers)
        return False

    # -- partitions, PreVote and CheckQuorum (the five-node exercise) ----------------

    @transition("No Disruptive Rejoin", default=False)
    def no_disruptive_rejoin(self, state: tuple, action: Any, next_state: tuple) -> bool | Fails:
        """A Leader is never deposed by a term that only servers cut off at
        the start hold, from one whose log is behind the leader's: away, it
        raised its term alone, and though it cannot win an election, its
        message makes the leader step down on rejoining. PreVote prevents it
        (etcd's reason for PreVote; a rejoined server that has caught up may
        still time out and win, which PreVote allows)."""
        m = getattr(action, "m", None)
        if m is None or m.source not in self.cut_off:
            return True
        leader, after, away = state[m.dest], next_state[m.dest], state[m.source]
        behind = (last_term(away.log), len(away.log)) < (last_term(leader.log), len(leader.log))
        if not behind or leader.role != LEADER or after.current_term <= leader.current_term or any(
                s.current_term >= m.term for k, s in enumerate(state[:-1])
                if k not in self.cut_off):
            return True
        return Fails(f"{server_name(m.source)}, cut off at the start, deposes leader "
                     f"{server_name(m.dest)} of term {leader.current_term} with term {m.term}, "
                     "which no other server has reached")

    @reachable("Cut-off Leader Still Leads", default=False)
    def cut_off_leader_still_leads(self, state: tuple) -> bool:
        """While the partition lasts, a leader cut off at the start still
        leads its term, and another server leads a later one."""
        servers = state[:-1]
        return bool(self.network.side(state[-1])) and any(
            servers[i].role == LEADER and any(
                s.role == LEADER and s.current_term > servers[i].current_term for s in servers)
            for i in self.cut_off)

    @reachable("Cut-off Leader Steps Down", default=False)
    def cut_off_leader_steps_down(self, state: tuple) -> bool:
        """While the partition lasts, a server that led at the start and was
        cut off is a Follower of the same term that kept its nextIndex (so it
        did not restart: it stepped down, as CheckQuorum makes it)."""
        start = self._start()
        return bool(self.network.side(state[-1])) and any(
            start[i].role == LEADER and state[i].role == FOLLOWER
            and state[i].current_term == start[i].current_term
            and state[i].next_index == start[i].next_index != (1,) * len(start)
            for i in self.cut_off)

    def cut_off_by_partition(self) -> frozenset[int]:
        """The servers that, while the partition's links are down, reach no
        quorum of their starting configuration (none without a partition):
        params.partition's side, or the minority side of a spec's
        ``partition: {groups: [[s5], [s1, s2, s3, s4]]}``, so that the
        properties of servers cut off read the same partition either way."""
        partition = self.network.partition
        if partition is None:
            return frozenset()
        start = self._start()
        cut_off = set()
        for i in self.all_servers:
            reach = frozenset(j for j in self.all_servers if frozenset(
                {("servers", i), ("servers", j)}) not in partition.links)
            if self.membership_rules is None:
                reaches = self.quorum_of[1][reach]
            else:
                config = self.membership_rules.latest(i, start[i].log)[0]
                reaches = config.quorum[sum(1 << j for j in reach)]
            if not reaches:
                cut_off.add(i)
        return frozenset(cut_off)

    def reaches_quorum(self, state: tuple, i: int) -> bool:
        """Whether the servers server i can exchange messages with in
        `state` (itself, and every server across no link of the partition
        that is down there) are a quorum of its configuration."""
        network = self.network
        reach = frozenset(self.all_servers)
        if network.partition is not None and network.partitioned(state[-1]):
            links = network.partition.links
            reach = frozenset(j for j in reach
                              if frozenset({("servers", i), ("servers", j)}) not in links)
        membership = self.membership_rules
        if membership is None:
            return self.quorum_of[1][reach]
        config = membership.latest(i, state[i].log)[0]
        return config.quorum[sum(1 << j for j in reach)]

    @leads_to("Leader Without a Quorum Steps Down", each="server")
    def leader_without_quorum_steps_down(self, state: tuple) -> dict[str, tuple[bool, bool]]:
        """A Leader that cannot reach a quorum (the partition's links to
        the rest are down) eventually is no Leader, or reaches one again
        (the partition healed): etcd's CheckQuorum, whose leader steps down
        at an election timeout without having heard from a quorum. Needs
        weak fairness to each server's CheckQuorum (its election timer
        fires); without CheckQuorum nothing but a higher term or a restart
        ends its leadership, and no message reaches it."""
        answers = {}
        for i, s in enumerate(state[:-1]):
            cut_off = s.role == LEADER and not self.reaches_quorum(state, i)
            answers[server_name(i)] = (cut_off, Fails(
                f"{server_name(i)} is still Leader of term {s.current_term}, cut off from a "
                "quorum") if cut_off else True)
        return answers

    # -- membership change witnesses (see models.raft_membership) -------------------

    @reachable("Configuration Changed", default=False)
    def configuration_changed(self, state: tuple) -> bool:
        """Some server has committed the configuration ``membership.to``: the
        change is done. Without membership it is unreachable."""
        membership = self.membership_rules
        return membership is not None and any(
            membership.committed_target(s.log, s.commit_index) for s in state[:-1])

    @reachable("Change Finished by a New Leader", default=False)
    def change_finished_by_new_leader(self, state: tuple) -> bool:
        """Joint consensus: a server has committed C_old,new and then C_new of
        a later term, so the leader that started the change did not finish
        it: a leader elected under C_old,new did (its election needed both
        majorities)."""
        membership = self.membership_rules
        return membership is not None and any(
            membership.finished_later(s.log, s.commit_index) for s in state[:-1])

    @reachable("New Leader under C_old,new", default=False)
    def joint_leader_elected(self, state: tuple) -> bool:
        """Joint consensus: a leader whose configuration is C_old,new of an
        earlier term than its own, so it was elected under C_old,new (with a
        majority of both) after the leader that began the change lost its
        leadership; it can go on to finish the change."""
        membership = self.membership_rules
        if membership is None:
            return False
        for l, s in enumerate(state[:-1]):
            if s.role == LEADER:
                config, at = membership.latest(l, s.log)
                if config is membership.joint and s.log[at - 1][0] < s.current_term:
                    return True
        return False

    @reachable("Change Rolled Back", default=False)
    def change_rolled_back(self, state: tuple) -> bool:
        """Joint consensus: a leader elected under C_old (its log has no
        C_old,new) has committed an entry of its own at an index where another
        server holds C_old,new of an earlier term, which can therefore never
        be committed: the change is undone."""
        membership = self.membership_rules
        if membership is None:
            return False
        servers = state[:-1]
        for l, leader in enumerate(servers):
            if leader.role == LEADER and leader.commit_index and \
                    membership.latest(l, leader.log)[0] is membership.initial:
                if any(membership.rolled_back(leader.log, leader.current_term,
                                              leader.commit_index, s.log) for s in servers):
                    return True
        return False

