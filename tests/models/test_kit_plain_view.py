"""The kit's derived `state_view` for a plain typed model (`models.kit.views`).

On a toy election whose state holds what the kit types (a record per node
with an Optional id, a log of records, a frozenset of ids and a tuple
indexed by node; inboxes of messages with an arrow; a `formatted` slot; a
named value domain with its ``none``; a set of pairs holding an unnamed id;
a tuple of a union of records, one writing its own repr): the view field by
field, its JSON round trip and determinism, a spec's expression invariant
over it (holding, and failing with its shortest counterexample), and the
refusal under symmetry of an expression reading it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from click.testing import CliRunner

from checker import Model, Param
from checker.model import SetView
from cmc.main import cli
from models.kit import Symmetric, ids, indexed_by, values
from models.kit.records import formatted
from tests.brute_force import orbit_counts_agree

Node = ids("nodes", "n", first=1, named=True)
Ballot = ids("ballots", "b")               # unnamed: shown by its number
Disk = ids("disks", "", first=1)           # no prefix: bare numbers, never renamed
Command = values("c", none=-1)             # c0, c1, and none for -1
Slot = formatted("t{}:{}", int, Command)   # t1:c0


class Entry(NamedTuple):
    term: int
    command: Command


class Ping(NamedTuple):
    src: Node
    dst: Node
    term: int


class Memo(NamedTuple):
    """A record type writing its own repr, which views keep."""

    words: str

    def __repr__(self) -> str:
        return f"«{self.words}»"


class Peer(NamedTuple):
    term: int = 0
    voted_for: Node | None = None
    log: tuple[Entry, ...] = ()
    granted: frozenset[Node] = frozenset()
    heard: indexed_by(Node, int) = ()


class State(NamedTuple):
    peers: indexed_by(Node, Peer)
    inbox: indexed_by(Node, tuple[Ping, ...])
    leader: Node | None
    last: Slot
    chosen: Command
    backups: indexed_by(Disk, Command)     # what each disk keeps of chosen
    ballots: frozenset[tuple[int, Ballot]]
    notes: tuple[Memo | Ping, ...]


class Timeout(NamedTuple):
    node: Node


class Grant(NamedTuple):
    node: Node
    ping: Ping


def _with(values_: tuple, index: int, value) -> tuple:
    return values_[:index] + (value,) + values_[index + 1:]


class Election(Symmetric, Model):
    """A node times out into term 1 and pings the others; a node pinged in a
    newer term votes for the sender; a node granted a majority leads and
    logs its command."""

    name = "election-toy"
    params = (Param("nodes", 3, "nodes n1..nN", minimum=2, maximum=4),)
    actions = (Timeout, Grant)
    state_type = State
    symmetry_sets = ("nodes",)

    def initial_states(self):
        peer = Peer(heard=(0,) * self.nodes)
        yield State(peers=(peer,) * self.nodes, inbox=((),) * self.nodes, leader=None,
                    last=(0, -1), chosen=-1, backups=(-1, -1), ballots=frozenset(), notes=())

    def successors(self, s: State):
        for n in range(self.nodes):
            peer = s.peers[n]
            if peer.term == 0:
                inbox = tuple(box + (Ping(n, m, 1),) if m != n else box
                              for m, box in enumerate(s.inbox))
                yield Timeout(n), s._replace(
                    peers=_with(s.peers, n, peer._replace(term=1, voted_for=n,
                                                          granted=frozenset({n}))),
                    inbox=inbox)
        for n in range(self.nodes):
            if not s.inbox[n]:
                continue
            ping, peer = s.inbox[n][0], s.peers[n]
            state = s._replace(inbox=_with(s.inbox, n, s.inbox[n][1:]))
            peers = _with(state.peers, n, peer._replace(heard=_with(peer.heard, ping.src, 1)))
            if ping.term > peer.term:
                peers = _with(peers, n, peers[n]._replace(term=ping.term, voted_for=ping.src))
                sender = peers[ping.src]
                granted = sender.granted | {n}
                sender = sender._replace(granted=granted)
                if len(granted) * 2 > self.nodes and state.leader is None:
                    sender = sender._replace(log=(Entry(ping.term, 0),))
                    state = state._replace(leader=ping.src, last=(ping.term, 0),
                                           chosen=0, backups=(0, 0),
                                           ballots=state.ballots | {(ping.term, 0)},
                                           notes=(Memo("elected"), ping))
                peers = _with(peers, ping.src, sender)
            yield Grant(n, ping), state._replace(peers=peers)


def _elected() -> State:
    """n1 times out and n2 grants it its vote: n1 leads term 1."""
    model = Election()
    (state,) = model.initial_states()
    state = next(t for a, t in model.successors(state) if a == Timeout(0))
    return next(t for a, t in model.successors(state) if a == Grant(1, Ping(0, 1, 1)))


ELECTED = {
    "n1.peers.term": 1, "n1.peers.voted_for": "n1",
    "n1.peers.log": ["Entry(term=1, command=c0)"], "n1.peers.granted": ["n1", "n2"],
    "n1.peers.heard[n1]": 0, "n1.peers.heard[n2]": 0, "n1.peers.heard[n3]": 0,
    "n1.inbox": [],
    "n2.peers.term": 1, "n2.peers.voted_for": "n1", "n2.peers.log": [],
    "n2.peers.granted": [],
    "n2.peers.heard[n1]": 1, "n2.peers.heard[n2]": 0, "n2.peers.heard[n3]": 0,
    "n2.inbox": [],
    "n3.peers.term": 0, "n3.peers.voted_for": None, "n3.peers.log": [],
    "n3.peers.granted": [],
    "n3.peers.heard[n1]": 0, "n3.peers.heard[n2]": 0, "n3.peers.heard[n3]": 0,
    "n3.inbox": ["Ping(n1→n3, term=1)"],
    "leader": "n1", "last": "t1:c0", "chosen": "c0", "backups[1]": "c0", "backups[2]": "c0",
    "ballots": [[1, 0]],
    "notes": ["«elected»", "Ping(n1→n2, term=1)"],
}


def test_the_view_names_nodes_ids_and_values_as_the_kit_prints_them():
    view = Election().state_view(_elected())
    assert view == ELECTED
    assert list(view) == list(ELECTED)   # node by node, then the fields of no node
    assert type(view["n1.peers.granted"]) is SetView and type(view["ballots"]) is SetView


def test_the_initial_view_shows_none_and_the_value_domain_s_none():
    (state,) = Election(nodes=2).initial_states()
    assert Election(nodes=2).state_view(state) == {
        "n1.peers.term": 0, "n1.peers.voted_for": None, "n1.peers.log": [],
        "n1.peers.granted": [], "n1.peers.heard[n1]": 0, "n1.peers.heard[n2]": 0,
        "n1.inbox": [],
        "n2.peers.term": 0, "n2.peers.voted_for": None, "n2.peers.log": [],
        "n2.peers.granted": [], "n2.peers.heard[n1]": 0, "n2.peers.heard[n2]": 0,
        "n2.inbox": [],
        "leader": None, "last": "t0:none", "chosen": "none", "backups[1]": "none",
        "backups[2]": "none", "ballots": [], "notes": []}


def test_the_view_is_json_ready_and_the_same_every_time():
    model = Election()
    state = _elected()
    text = json.dumps(model.state_view(state), sort_keys=False)
    assert json.loads(text) == ELECTED
    # a state built again (a set filled in another order) shows the same
    again = state._replace(peers=tuple(p._replace(granted=frozenset(sorted(p.granted,
                                                                           reverse=True)))
                                       for p in state.peers))
    assert json.dumps(model.state_view(again)) == text


def test_the_derived_symmetry_counts_the_orbits_with_a_union_of_records():
    # notes holds Memo | Ping, only Ping naming nodes: the signatures once
    # read a Memo as a Ping (a union of one renamable record and another
    # taken for ``X | None``)
    assert orbit_counts_agree(Election, [("nodes",)]) == (197, 37)


def _spec(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "election.yaml"
    path.write_text(f"model: {Path(__file__).as_posix()}:Election\n" + body)
    return path


def test_a_spec_expression_reads_the_derived_view(tmp_path):
    holds = _spec(tmp_path, "symmetry: false\ndeadlock: false  # a run ends once all have voted\n"
                            "invariants: {one_command: \"view['chosen'] in ('none', 'c0') and "
                            "len(view['n1.peers.log']) <= 1\"}\n"
                            "expect: {verdict: holds, distinct_states: 197, depth: 9}\n")
    result = CliRunner().invoke(cli, ["check", str(holds)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


def test_an_expression_over_the_view_fails_with_its_shortest_counterexample(tmp_path):
    fails = _spec(tmp_path, "symmetry: false\n"
                            "invariants: {n2_never_votes_n1: \"view['n2.peers.voted_for'] != "
                            "'n1'\"}\n")
    result = CliRunner().invoke(cli, ["check", str(fails)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    start = lines.index("  1  Timeout(node=n1)")
    assert lines[start - 33:start - 31] == [
        "N2 never votes n1 (n2_never_votes_n1) violated after 2 steps: "
        "view['n2.peers.voted_for'] != 'n1' is false",
        "  0  initial state"]
    assert lines[start:start + 22] == [
        "  1  Timeout(node=n1)",  # actions name nodes as views do
        "       n1.peers.term: 0 → 1",
        "       n1.peers.voted_for: none → n1",
        "       n1.peers.granted: + n1",
        "       n2.inbox: + Ping(n1→n2, term=1)",
        "       n3.inbox: + Ping(n1→n3, term=1)",
        "  2  Grant(node=n2, ping=Ping(n1→n2, term=1))",
        "       n1.peers.log: + Entry(term=1, command=c0)",
        "       n1.peers.granted: + n2",
        "       n2.peers.term: 0 → 1",
        "       n2.peers.voted_for: none → n1",
        "       n2.peers.heard[n1]: 0 → 1",
        "       n2.inbox: - Ping(n1→n2, term=1)",
        "       leader: none → n1",
        "       last: t0:none → t1:c0",
        "       chosen: none → c0",
        "       backups[1]: none → c0",
        "       backups[2]: none → c0",
        "       ballots: + (1, 0)",
        "       notes: + Ping(n1→n2, term=1)",
        "       notes: + «elected»",
        "       ✗ N2 never votes n1 violated in this state: view['n2.peers.voted_for'] != 'n1' "
        "is false"]


def test_under_symmetry_an_expression_reading_the_view_is_refused(tmp_path):
    refused = _spec(tmp_path, "symmetry: true\n"
                              "invariants: {lopsided: \"view['n1.peers.term'] <= 1\"}\n")
    result = CliRunner().invoke(cli, ["check", str(refused)])
    assert (result.exit_code, result.output) == (
        2, f"error: {refused}:3: invariants.lopsided: view names the interchangeable nodes in "
           "its keys, and symmetry over nodes checks one state of each set of renamed copies; "
           "read the records instead, quantified (all(... for x in nodes) or any(...)), or "
           "check without symmetry (symmetry: false)\n")
