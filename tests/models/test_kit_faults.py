"""Networks and partitions a spec chooses for a kit model: the kinds of
network (`network:`), their fault budgets, partitions by groups or links
with a schedule (`partition:`), and the one-line errors of bad values."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from checker import Param, check
from checker.errors import ParamError, SpecError
from checker.spec import load_spec
from models import REGISTRY
from models.kit import ActorModel, Bag, Heal, Node, Partition, Split, ids, on, step

TEXTBOOK = """model: paxos-textbook
params: {proposers: 2, acceptors: 2, learners: 1, rounds: 1, max_msgs: 4, drop: 0,
         duplicate: 0, crash: 0}
deadlock: false
"""

RAFT = """model: raft
params: {servers: 3, values: 1, max_term: 3, max_log: 1, max_msgs: 1}
init:
  s1: {current_term: 2, role: Leader, voted_for: s1, votes_responded: [s1, s2],
       votes_granted: [s1, s2], log: [t2:v1], commit_index: 1,
       next_index: [2, 2, 2], match_index: [0, 1, 0]}
  s2: {current_term: 2, voted_for: s1, log: [t2:v1], commit_index: 1}
  s3: {current_term: 2, voted_for: s1, log: [t2:v1]}
properties: [election_safety]
bounds: {max_depth: 8}
"""


def spec_of(tmp_path, text):
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return load_spec(path, REGISTRY)


def run(tmp_path, text):
    spec = spec_of(tmp_path, text)
    model = spec.build()
    return model, check(model, spec.config())


@pytest.mark.parametrize("network, distinct, faults", [
    (None, 696, []),                                 # the declared bag, budgets 0
    ("bag", 696, []),
    ("set", 5716, []),                               # every message stays
    ("fifo", 667, []),                               # in order on each link
    ("{kind: fifo, drop: 1}", 2024, ["Drop"]),
    ("inbox", 482, []),                              # in order at each receiver
    ("{kind: inbox, drop: 1}", 1473, ["Drop"]),
    ("{kind: inbox, receive: any}", 968, []),        # any message of an inbox
    ("{kind: bag, drop: 1}", 2113, ["Drop"]),
    ("{kind: bag, duplicate: 1}", 7981, ["Duplicate"]),
])
def test_a_spec_chooses_the_network_and_its_budgets(tmp_path, network, distinct, faults):
    model, result = run(tmp_path, TEXTBOOK + (f"network: {network}\n" if network else ""))
    assert (result.verdict, result.stats.distinct_states) == ("holds", distinct)
    assert [kind.__name__ for kind in model.actions][6:] == faults


def test_a_chosen_bag_is_the_declared_bag_with_the_spec_budgets(tmp_path):
    _, declared = run(tmp_path, TEXTBOOK.replace("drop: 0", "drop: 1"))
    assert declared.stats.distinct_states == 2113


@pytest.mark.parametrize("text, message", [
    ("network: fifoo\n", ":5: network.kind: got 'fifoo' (did you mean 'fifo'?); accepted: "
                         "bag, set, fifo, inbox"),
    ("network: 3\n", ":5: network: expected bag, set, fifo or inbox, or a mapping {kind: bag, "
                     "drop: N, duplicate: N}, got 3"),
    ("network: {kind: bag, lose: 1}\n", ":5: network.lose: unknown field 'lose'; accepted: "
                                        "copies, drop, duplicate, kind, receive"),
    ("network: {kind: set, drop: 1}\n", ":5: network.drop: a set keeps every message sent (it "
     "can be received again or never), so it takes no drop or duplicate budget; remove it or "
     "choose kind: bag"),
    ("network: {kind: fifo, duplicate: 1}\n", ":5: network.duplicate: FIFO links do not "
                                              "duplicate messages; remove duplicate: or choose "
                                              "kind: bag"),
    ("network: {kind: inbox, duplicate: 1}\n", ":5: network.duplicate: inboxes do not "
                                               "duplicate messages; remove duplicate: or "
                                               "choose kind: bag"),
    ("network: {kind: bag, receive: any}\n", ":5: network.receive: receive: is an inbox's "
     "(where a receipt takes its message); remove it or choose kind: inbox"),
    ("network: {kind: inbox, receive: newest}\n", ":5: network.receive: got 'newest'; "
     "accepted: oldest (a receipt takes the head of the receiver's inbox) or any (any "
     "position)"),
    ("network: {kind: bag, drop: -1}\n",
     ":5: network.drop: must be at least 0, got -1; accepted: 0 to 64"),
])
def test_a_bad_network_is_one_line_naming_the_field(tmp_path, text, message):
    with pytest.raises(SpecError) as error:
        spec_of(tmp_path, TEXTBOOK + text)
    assert str(error.value) == f"{tmp_path / 'spec.yaml'}{message}"


def test_a_model_with_its_own_network_refuses_a_choice(tmp_path):
    with pytest.raises(SpecError) as error:
        spec_of(tmp_path, RAFT + "network: fifo\n")
    assert str(error.value).endswith(":11: network: raft runs on its own network only; "
                                     "remove network:")
    with pytest.raises(SpecError) as error:
        spec_of(tmp_path, TEXTBOOK + "partition: {groups: [[a0], [a1]]}\n")
    assert str(error.value).endswith(":5: partition: paxos-textbook takes no partition from "
                                     "a spec; remove partition:")


def test_the_cli_exits_2_with_one_line_for_a_bad_network(tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli
    path = tmp_path / "spec.yaml"
    path.write_text(TEXTBOOK + "network: {kind: set, duplicate: 2}\n")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}:5: network.duplicate: a set keeps every message "
                             "sent (it can be received again or never), so it takes no drop or "
                             "duplicate budget; remove it or choose kind: bag\n")


# -- partitions ---------------------------------------------------------------------------

@pytest.mark.parametrize("partition, distinct, steps", [
    ("groups: [[s1], [s2, s3]]", 4102, ["Heal"]),    # as params.partition: [1]
    ("links: [[s1, s2], [s1, s3]]", 4102, ["Heal"]),  # the same links
    ("groups: [[s1, s2], [s3]]", 4433, ["Heal"]),
    ("groups: [[s1], [s2, s3]], from_start: false, splits: 2", 10948, ["Heal", "Split"]),
])
def test_partitions_by_groups_or_links_with_a_schedule(tmp_path, partition, distinct, steps):
    model, result = run(tmp_path, RAFT + f"partition: {{{partition}}}\n")
    assert (result.verdict, result.stats.distinct_states) == ("incomplete", distinct)
    assert [kind.__name__ for kind in model.actions][-len(steps):] == steps
    _, side = run(tmp_path, RAFT.replace("max_msgs: 1", "max_msgs: 1, partition: [1]"))
    assert side.stats.distinct_states == 4102


@pytest.mark.parametrize("schedule, distinct, last", [
    ("", 1336, "DropMessage"),                               # down for good: no Heal
    ("from_start: false, splits: 1, ", 8315, "Split"),       # up, then down for good
])
def test_a_partition_that_never_heals_stays_down(tmp_path, schedule, distinct, last):
    model, result = run(tmp_path, RAFT + f"partition: {{groups: [[s1], [s2, s3]], {schedule}"
                                         "heals: false}\n")
    assert (result.verdict, result.stats.distinct_states) == ("incomplete", distinct)
    names = [kind.__name__ for kind in model.actions]
    assert names[-1] == last and "Heal" not in names


def test_a_partition_splits_symmetric_sets_where_it_tells_nodes_apart(tmp_path):
    plain = RAFT.split("init:")[0] + "bounds: {max_depth: 3}\n"
    model, _ = run(tmp_path, plain + "partition: {groups: [[s1], [s2, s3]]}\n")
    assert model.symmetry_groups() == {"servers": [[0], [1, 2]]}
    model, _ = run(tmp_path, plain + "partition: {links: [[s1, s2]]}\n")
    assert model.symmetry_groups() == {"servers": [[0, 1], [2]]}


@pytest.mark.parametrize("partition, message", [
    ("{groups: [[s1], [s4]]}", ":11: partition.groups[1][0]: no node 's4'; the nodes are "
                               "s1, s2, s3"),
    ("{groups: [[s1], [s1, s2]]}", ":11: partition.groups[1]: names a node that is in another "
                                   "group or twice; give each node once"),
    ("{groups: [[s1], [s2]], links: [[s1, s2]]}", ":11: partition: give groups: (nodes cut "
     "off from one another's) or links: (pairs of nodes), one of the two"),
    ("{links: [[s1, s1]]}", ":11: partition.links: a link joins two different nodes"),
    ("{groups: [[s1]]}", ":11: partition.groups: expected a list of lists of nodes, got a "
                         "list"),
    ("{groups: [[s1], [s2]], heals: 0}", ":11: partition.heals: expected true or false, "
                                         "got 0"),
])
def test_a_bad_partition_is_one_line_naming_the_field(tmp_path, partition, message):
    with pytest.raises(SpecError) as error:
        spec_of(tmp_path, RAFT + f"partition: {partition}\n")
    assert str(error.value) == f"{tmp_path / 'spec.yaml'}{message}"


def test_a_leader_isolated_with_a_minority_keeps_leading_a_term_behind(tmp_path):
    """s1 leads term 2 cut off from s2 and s3, who elect s2 in term 3. (In
    raft.tla's bag this much happens without a partition too, messages
    waiting; the partition is what keeps s1 from ever hearing of term 3:
    s2's AppendEntries to it is lost.)"""
    model, result = run(tmp_path, RAFT.replace("max_depth: 8", "max_depth: 20") + """\
partition: {groups: [[s1], [s2, s3]]}
invariants: {one_leader: "len([s for s in servers if s.role == 'Leader']) <= 1"}
""")
    (violation,) = result.violations
    assert [str(action) for action in violation.trace.actions] == [
        "Timeout(i=s2)", "RequestVote(i=s2, j=s2)", "Timeout(i=s3)",
        "Receive(m=RequestVoteRequest(s2→s2, term=3, last_log_term=2, last_log_index=1))",
        "Receive(m=RequestVoteResponse(s2→s2, term=3, vote_granted=True))",
        "RequestVote(i=s2, j=s3)",
        "Receive(m=RequestVoteRequest(s2→s3, term=3, last_log_term=2, last_log_index=1))",
        "Receive(m=RequestVoteResponse(s3→s2, term=3, vote_granted=True))", "BecomeLeader(i=s2)"]
    final = violation.trace.final
    assert [(s.role, s.current_term) for s in final[:3]] == [
        ("Leader", 2), ("Leader", 3), ("Candidate", 3)]
    assert model.network.partitioned(final[-1])
    after = {str(action): state for action, state in model.successors(final)}
    # lost on the way, it changes nothing, so it is no step: s1 never hears
    assert "AppendEntries(i=s2, j=s1)" not in after and "AppendEntries(i=s2, j=s3)" in after


def test_symmetry_under_a_partition_is_brute_force_on_small_bounds():
    from models.raft import Raft
    from tests.brute_force import orbit_counts_agree

    def build():
        return Raft(servers=2, max_term=3, max_log=1, max_msgs=1, partition_choice={
            "links": [["s1", "s2"]], "from_start": False, "splits": 1})
    # reachable states, then orbits: the one link keeps s1 and s2 interchangeable
    assert orbit_counts_agree(build, [("servers",)]) == (55725, 27939)


# -- memo statistics in reports ------------------------------------------------------------

def test_memo_statistics_are_in_the_json_stats_and_the_text_report_with_stats(tmp_path):
    import json

    from click.testing import CliRunner

    from cmc.main import cli
    path = tmp_path / "spec.yaml"
    path.write_text(TEXTBOOK)
    figures = {"plan_lookups": 3590, "plan_misses": 449, "node_plan_misses": 199,
               "handler_runs": 112, "restarts": 0}
    result = CliRunner().invoke(cli, ["check", str(path), "--workers", "1", "--format", "json"])
    (run,) = json.loads(result.stdout)["results"]
    # 718 successor calls (696 states, and the witnesses' replays) x 5 groups; one
    # plan in 8 computed, handlers run 112 times in all
    assert run["stats"]["model_stats"] == figures
    text = CliRunner().invoke(cli, ["check", str(path), "--workers", "1", "--stats"]).stdout
    assert ("memo (main process): 3,590 plan look-ups, 449 computed (87.5% hits), 199 node "
            "plans, 112 handler runs, 0 tables filled and started again") in text.splitlines()


# -- a partition a model declares --------------------------------------------------------

Peer = ids("peers", "n")


class Ping(NamedTuple):
    frm: Peer
    to: Peer
    src, dst = "frm", "to"


class Send(NamedTuple):
    n: Peer
    to: Peer


class Take(NamedTuple):
    n: Peer
    frm: Peer
    to: Peer


class Seen(NamedTuple):
    pings: int = 0


class PeerNode(Node):
    ids = Peer
    state = Seen

    @step(Send, choose=lambda node, s: [j for j in range(2) if j != node.id])
    def send(self, s, to):
        return (s, [Ping(self.id, to)]) if s.pings == 0 else None

    @on(Ping, Take)
    def take(self, s, m):
        return Seen(s.pings + 1), []


class Pair(ActorModel):
    """Two peers pinging over a bag whose one link goes down once."""

    name = "pair"
    params = (Param("peers", 2, "peers"),)
    roles = (PeerNode,)
    messages = (Ping,)
    network = Bag(capacity="room", partition="cut")
    room = 1
    cut = Partition.between([[("peers", 0)], [("peers", 1)]], from_start=False, splits=1)


def test_a_declared_partition_heals_and_splits_within_its_budget():
    model = Pair()
    (start,) = model.initial_states()
    steps = {str(action): after for action, after in model.successors(start)}
    assert sorted(steps) == ["Send(n=0, to=1)", "Send(n=1, to=0)", "Split()"]
    split = steps["Split()"]
    assert {k: v for k, v in model.state_view(split).items() if k.startswith(("part", "spl"))} \
        == {"partition": "down", "splits_left": 0}
    # n0's ping is lost on the way, which changes nothing: no step; Heal is the only one
    assert [str(action) for action, _ in model.successors(split)] == ["Heal()"]
    healed = dict(model.successors(split))[Heal()]
    assert model.state_view(healed)["partition"] == "up"
    assert Split() not in dict(model.successors(healed))  # the one split is spent


# -- a partition between two kinds of node, one of which runs several members ------------------

Desk = ids("desks", "d")
Caller = ids("callers", "k")       # members of the one switchboard node
Board = ids("board", "b")


class Call(NamedTuple):
    caller: Caller
    desk: Desk
    src, dst = "caller", "desk"


class Answer(NamedTuple):
    desk: Desk
    caller: Caller
    src, dst = "desk", "caller"


class Dial(NamedTuple):
    board: Board
    call: Call


class Answered(NamedTuple):
    desk: Desk
    caller: Caller
    to: Desk


class Heard(NamedTuple):
    board: Board
    desk: Desk
    caller: Caller


class Calls(NamedTuple):
    dialled: frozenset = frozenset()
    answered: frozenset = frozenset()


class DeskNode(Node):
    ids = Desk

    @on(Call, Answered)
    def answer(self, m):  # a desk keeps no record
        return [Answer(self.id, m.caller)]


class BoardNode(Node):
    ids = Board
    state = Calls
    count = 1
    runs = Caller

    @step(Dial, choose=lambda node, s: [Call(k, d) for k in range(2) if k not in s.dialled
                                        for d in range(2)])
    def dial(self, s, call):
        return s._replace(dialled=s.dialled | {call.caller}), [call]

    @on(Answer, Heard)
    def hear(self, s, m):
        return s._replace(answered=s.answered | {m.caller}), []


class Switchboard(ActorModel):
    """Two desks, and two callers run by one switchboard node (their calls
    share its record); each caller dials one desk once."""

    name = "switchboard"
    params = (Param("desks", 2, "desks"), Param("callers", 2, "callers"))
    roles = (DeskNode, BoardNode)
    messages = (Call, Answer)
    network = Bag(partition=True)
    partitions = True


def answered(model, cut: bool = False) -> set[frozenset]:
    """The sets of callers answered in the reachable states (`cut`: those
    while the partition is down)."""
    from tests.brute_force import reachable_states
    return {state[0].answered for state in reachable_states(model)
            if not cut or model.network.partitioned(state[-1])}


def test_a_node_running_members_receives_what_is_sent_to_any_of_them():
    # an answer to caller k1 reaches the board, node b0 (a number is not enough)
    assert answered(Switchboard()) == {frozenset(), frozenset({0}), frozenset({1}),
                                       frozenset({0, 1})}


def test_a_partition_names_members_and_nodes_by_their_sets():
    model = Switchboard(partition_choice={"links": [["k0", "d0"], ["k0", "d1"]]})
    assert model.partition_ends() == {"d0": ("desks", 0), "d1": ("desks", 1),
                                      "k0": ("callers", 0), "k1": ("callers", 1)}
    # caller k0 is cut off from both desks until the heal; k1 (number 1, as desk d1) is not
    assert answered(model, cut=True) == {frozenset(), frozenset({1})}
    assert answered(model) == answered(Switchboard())
    with pytest.raises(ParamError, match=r"partition.links\[0\]: k0 and k1 exchange no "
                                         r"messages \(no message goes between two of the "
                                         r"callers\)"):
        Switchboard(partition_choice={"links": [["k0", "k1"]]})
