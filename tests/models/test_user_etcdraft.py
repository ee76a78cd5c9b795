"""etcd-io/raft's tla/etcdraft.tla, bounded as tla/MCetcdraft.tla, as a
user's plain model (tests/models/user/etcdraft.py), against what TLC 2.15
reported.

TLC ran with one worker and ``-deadlock`` (MCetcdraft.cfg says
CHECK_DEADLOCK FALSE) on the newest stored etcdraft.tla and MCetcdraft.tla
(etcd-io/raft cdfbeed), with mc_etcdSpec, MCetcdraft.cfg's overrides
(Timeout <- MCTimeout, Send <- MCSend, ClientRequest <- MCClientRequest,
the membership changes and the etcdInit* initial values), its eight
invariants, the constants named in each case, and a module extending
MCetcdraft with ``CONSTRAINT Bound``: ``BagCardinality(messages) +
BagCardinality(pendingMessages) <= MaxMsgs /\\ \\A i : Len(log[i]) <=
MaxLog`` (MC alone has no finite state space). CommunityModules'
SequencesExt, FiniteSetsExt and BagsExt were local modules with the few
operators the spec uses (SetToSeq ascending, FoldSeq from the first
element, FoldBag over every copy). TLC's depth is one more than ours; its
distinct and generated states are ours. A mutant is the same change made
in the TLA+; TLC's counterexample has the length of ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import CheckConfig, check
from cmc.main import cli
from tests.models.user.etcdraft import EtcdRaft

SPEC = Path(__file__).parent / "user" / "etcdraft.yaml"


def _model(servers, init, reconfig, max_term, requests, msgs, log, mutant=None):
    return EtcdRaft(servers=servers, init_servers=init, ReconfigurationLimit=reconfig,
                    MaxTermLimit=max_term, RequestLimit=requests, max_msgs=msgs, max_log=log,
                    mutant=mutant)


def _step(action) -> str:
    """An action in short: a message as type (AE's subtype), source ->
    destination, term; servers as s1..sN."""
    if hasattr(action, "m"):
        m = action.m
        kind = "RV" if m.mtype.startswith("RequestVote") else "AE"
        kind += "Req" if m.mtype.endswith("Request") else "Resp"
        if m.msubtype is not None:
            kind += f"({m.msubtype})"
        handler = f"{action.handler} " if hasattr(action, "handler") else ""
        return f"{type(action).__name__}({handler}{kind} s{m.msource + 1}->s{m.mdest + 1} " \
               f"t{m.mterm})"
    fields = (f"s{v + 1}" if name in ("i", "j") else str(v)
              for name, v in zip(action._fields, action))
    return f"{type(action).__name__}({', '.join(fields)})"


def _steps(violation) -> list[str]:
    return [_step(action) for action in violation.trace.actions]


# servers, InitServer, ReconfigurationLimit, MaxTermLimit, RequestLimit,
# MaxMsgs, MaxLog: TLC's distinct states, generated, depth (its own)
SMALL = [
    ((1, 1, 0, 2, 1, 1, 2), (63, 326, 15)),
]  # and etcdraft.yaml: (2, 2, 0, 2, 1, 1, 3), TLC 2,956 distinct, 27,019 generated, depth 33


@pytest.mark.parametrize("bound, tlc", SMALL)
def test_small_bounds_have_tlc_s_counts(bound, tlc):
    result = check(_model(*bound), CheckConfig(deadlock=False))
    assert result.verdict == "holds"
    stats = result.stats
    assert (stats.distinct_states, stats.generated_states, stats.depth + 1) == tlc


@pytest.mark.slow
@pytest.mark.parametrize("bound, tlc", [
    # s1 alone, then s1 adds s2 (or s2 as a learner): one reconfiguration
    ((3, 1, 1, 2, 0, 1, 2), (11_126, 119_437, 32)),
    ((2, 1, 1, 2, 1, 1, 3), (138_465, 1_249_768, 40)),
    # InitServer {s1, s2} of Server {s1, s2, s3}: about five minutes
    ((3, 2, 1, 2, 0, 1, 3), (251_118, 3_654_893, 56)),
])
def test_reconfiguration_bounds_have_tlc_s_counts(bound, tlc):
    result = check(_model(*bound), CheckConfig(deadlock=False))
    assert result.verdict == "holds"
    stats = result.stats
    assert (stats.distinct_states, stats.generated_states, stats.depth + 1) == tlc


def test_the_spec_file_meets_tlc_s_figures():
    result = CliRunner().invoke(cli, ["check", str(SPEC)])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output
    assert "distinct states 2,956 · generated 27,019 · depth 32 ·" in result.output
    assert "never fired" not in result.output


def test_bootstrap_state_is_mcetcdraft_s():
    (state,) = _model(3, 2, 0, 2, 0, 1, 3).initial_states()
    assert state.currentTerm == (1, 1, 0)
    assert state.commitIndex == (2, 2, 0)
    assert [sorted(e.value.newconf) for e in state.log[0]] == [[0], [0, 1]]
    assert state.log[2] == ()
    assert state.config[2].jointConfig == (frozenset(), frozenset())


# -- mutants: the shortest counterexample, as long as TLC's on the same change ------------


def test_self_ack_before_persist_commits_an_entry_not_yet_durable():
    # TLC: 10 states (9 steps), the same actions
    result = check(_model(1, 1, 0, 2, 1, 1, 2, mutant="self_ack_before_persist"),
                   CheckConfig(deadlock=False))
    violation = result.violation("committed_is_durable_inv")
    assert violation.reason == "leader s1 committed 2 entries, 1 durable"
    assert _steps(violation) == [
        "Timeout(s1)",
        "RequestVote(s1, s1)",
        "Ready(s1)",
        "Receive(HandleRequestVoteResponse RVResp s1->s1 t2)",
        "BecomeLeader(s1)",
        "ClientRequest(s1)",
        "AppendEntriesToSelf(s1)",
        "Receive(HandleAppendEntriesResponse AEResp(app) s1->s1 t2)",
        "AdvanceCommitIndex(s1)",
    ]
    # the spec itself: the leader's own response waits for Ready, which persists
    assert check(_model(1, 1, 0, 2, 1, 1, 2), CheckConfig(deadlock=False)).verdict == "holds"


@pytest.mark.slow
def test_vote_twice_elects_two_leaders_in_one_term():
    # TLC on the same change (votedFor[i] \in {Nil, j} made TRUE), 3 servers:
    # 22 states (21 steps); cmc about 90 s
    result = check(_model(3, 3, 0, 2, 0, 1, 3, mutant="vote_twice"),
                   CheckConfig(deadlock=False))
    violation = result.violation("more_than_one_leader_inv")
    assert violation.reason == "s1 and s3 both lead term 2"
    assert _steps(violation) == [
        "Timeout(s1)",
        "RequestVote(s1, s1)",
        "Ready(s1)",
        "Receive(HandleRequestVoteResponse RVResp s1->s1 t2)",
        "RequestVote(s1, s2)",
        "Ready(s1)",
        "Receive(UpdateTerm RVReq s1->s2 t2)",
        "Receive(HandleRequestVoteRequest RVReq s1->s2 t2)",
        "Ready(s2)",
        "Receive(HandleRequestVoteResponse RVResp s2->s1 t2)",
        "BecomeLeader(s1)",
        "Timeout(s3)",
        "RequestVote(s3, s1)",
        "Ready(s3)",
        "Receive(HandleRequestVoteRequest RVReq s3->s1 t2)",
        "Ready(s1)",
        "Receive(HandleRequestVoteResponse RVResp s1->s3 t2)",
        "RequestVote(s3, s3)",
        "Ready(s3)",
        "Receive(HandleRequestVoteResponse RVResp s3->s3 t2)",
        "BecomeLeader(s3)",
    ]


# -- etcd-io/raft issue 456: SplitBrain456.tla's schedule, step by step ------------------

# DriverNext's steps (pc 0 to 80), each the one Receive disjunct its comment names
SPLIT_BRAIN_456 = """
Timeout(s1)
RequestVote(s1, s1)
Ready(s1)
Receive(HandleRequestVoteResponse RVResp s1->s1 t1)
RequestVote(s1, s2)
Ready(s1)
Receive(UpdateTerm RVReq s1->s2 t1)
Receive(HandleRequestVoteRequest RVReq s1->s2 t1)
Ready(s2)
Receive(HandleRequestVoteResponse RVResp s2->s1 t1)
BecomeLeader(s1)
AddNewServer(s1, s4)
AppendEntriesToSelf(s1)
Ready(s1)
Receive(HandleAppendEntriesResponse AEResp(app) s1->s1 t1)
AppendEntries(s1, s2, 1, 2)
Ready(s1)
Receive(NoConflictAppendEntriesRequest AEReq(app) s1->s2 t1)
Receive(AppendEntriesAlreadyDone AEReq(app) s1->s2 t1)
Ready(s2)
Receive(HandleAppendEntriesResponse AEResp(app) s2->s1 t1)
AppendEntries(s1, s3, 1, 2)
Ready(s1)
Receive(UpdateTerm AEReq(app) s1->s3 t1)
Receive(NoConflictAppendEntriesRequest AEReq(app) s1->s3 t1)
Receive(AppendEntriesAlreadyDone AEReq(app) s1->s3 t1)
Ready(s3)
Receive(HandleAppendEntriesResponse AEResp(app) s3->s1 t1)
AdvanceCommitIndex(s1)
ApplySimpleConfChange(s1)
AddNewServer(s1, s5)
AppendEntriesToSelf(s1)
Ready(s1)
Receive(HandleAppendEntriesResponse AEResp(app) s1->s1 t1)
AppendEntries(s1, s2, 2, 3)
Ready(s1)
Receive(NoConflictAppendEntriesRequest AEReq(app) s1->s2 t1)
Receive(AppendEntriesAlreadyDone AEReq(app) s1->s2 t1)
Ready(s2)
Receive(HandleAppendEntriesResponse AEResp(app) s2->s1 t1)
AppendEntries(s1, s3, 2, 3)
Ready(s1)
Receive(NoConflictAppendEntriesRequest AEReq(app) s1->s3 t1)
Receive(AppendEntriesAlreadyDone AEReq(app) s1->s3 t1)
Ready(s3)
Receive(HandleAppendEntriesResponse AEResp(app) s3->s1 t1)
AdvanceCommitIndex(s1)
Heartbeat(s1, s2)
Ready(s1)
Receive(AppendEntriesAlreadyDone AEReq(heartbeat) s1->s2 t1)
Ready(s2)
Receive(HandleAppendEntriesResponse AEResp(heartbeat) s2->s1 t1)
ApplySimpleConfChange(s2)
Timeout(s2)
RequestVote(s2, s2)
Ready(s2)
Receive(HandleRequestVoteResponse RVResp s2->s2 t2)
RequestVote(s2, s4)
Ready(s2)
Receive(UpdateTerm RVReq s2->s4 t2)
Receive(HandleRequestVoteRequest RVReq s2->s4 t2)
Ready(s4)
Receive(HandleRequestVoteResponse RVResp s4->s2 t2)
RequestVote(s2, s5)
Ready(s2)
Receive(UpdateTerm RVReq s2->s5 t2)
Receive(HandleRequestVoteRequest RVReq s2->s5 t2)
Ready(s5)
Receive(HandleRequestVoteResponse RVResp s5->s2 t2)
BecomeLeader(s2)
Timeout(s3)
RequestVote(s3, s3)
Ready(s3)
Receive(HandleRequestVoteResponse RVResp s3->s3 t2)
RequestVote(s3, s1)
Ready(s3)
Receive(UpdateTerm RVReq s3->s1 t2)
Receive(HandleRequestVoteRequest RVReq s3->s1 t2)
Ready(s1)
Receive(HandleRequestVoteResponse RVResp s1->s3 t2)
BecomeLeader(s3)
""".strip().splitlines()


def test_split_brain_456_schedule_elects_two_leaders_of_term_2():
    """SplitBrain456.cfg's instance (Server 1..5, InitServer 1..3, etcdraft's
    Init; MC's limits set wide enough to let every step through): the
    newest spec, without the HasUnappliedConfChange guard, lets s3
    campaign under {s1,s2,s3} with config entries committed but unapplied,
    and win term 2 beside s2, which won it under {s1,...,s5}. TLC 2.15 on
    the driver's 81 steps over the same etcdraft.tla: MoreThanOneLeaderInv
    violated at state 82, 82 states generated (one step at each pc, as
    here)."""
    model = EtcdRaft(servers=5, init_servers=3, bootstrap=False, ReconfigurationLimit=2,
                     MaxTermLimit=3, RequestLimit=0, max_msgs=5, max_log=5)
    (state,) = model.initial_states()
    for number, wanted in enumerate(SPLIT_BRAIN_456):
        steps = [t for action, t in model.successors(state) if _step(action) == wanted]
        assert len(steps) == 1, f"pc = {number}: {wanted} has {len(steps)} steps"
        (state,) = steps
        assert model.within_bounds(state)
        holds = model.more_than_one_leader_inv(state) is True
        assert holds == (number < len(SPLIT_BRAIN_456) - 1), number
    assert state.state[1] == state.state[2] == "Leader"
    assert state.currentTerm[1] == state.currentTerm[2] == 2
    assert model.more_than_one_leader_inv(state).reason == "s2 and s3 both lead term 2"
    # s3 never applied a configuration: its own is still InitServer's
    assert state.config[2].jointConfig[0] == frozenset({0, 1, 2})
    assert state.commitIndex[2] == 1 and [e.type for e in state.log[2]] == ["ConfigEntry"] * 2


@pytest.mark.slow
def test_client_request_on_any_server_breaks_election_safety():
    # TLC on the same change (Replicate without state[i] = Leader): 13 states
    # (12 steps), the same actions; cmc about 2 s
    result = check(_model(2, 2, 0, 2, 1, 1, 3, mutant="client_request_on_any_server"),
                   CheckConfig(deadlock=False))
    violation = result.violation("election_safety_inv")
    assert violation.reason == "s2 has an entry of term 2 past leader s1's"
    assert _steps(violation) == [
        "Timeout(s1)",
        "RequestVote(s1, s1)",
        "Ready(s1)",
        "Receive(HandleRequestVoteResponse RVResp s1->s1 t2)",
        "RequestVote(s1, s2)",
        "Ready(s1)",
        "Receive(UpdateTerm RVReq s1->s2 t2)",
        "Receive(HandleRequestVoteRequest RVReq s1->s2 t2)",
        "ClientRequest(s2)",
        "Ready(s2)",
        "Receive(HandleRequestVoteResponse RVResp s2->s1 t2)",
        "BecomeLeader(s1)",
    ]


@pytest.mark.slow
def test_commit_without_quorum_commits_what_no_quorum_holds():
    # TLC on the same change (Agree(index) \in Quorum(GetConfig(i)) made TRUE),
    # 3 servers: 14 states (13 steps), the same actions, QuorumLogInv (and
    # CommittedIsDurableInv in the same state); cmc about 4 s
    result = check(_model(3, 3, 0, 2, 1, 1, 4, mutant="commit_without_quorum"),
                   CheckConfig(deadlock=False))
    violation = result.violation("quorum_log_inv")
    assert violation.reason == "a quorum of s1's config lacks its committed entries"
    assert result.violation("committed_is_durable_inv").reason == \
        "leader s1 committed 4 entries, 3 durable"
    assert _steps(violation) == [
        "Timeout(s1)",
        "RequestVote(s1, s1)",
        "Ready(s1)",
        "Receive(HandleRequestVoteResponse RVResp s1->s1 t2)",
        "RequestVote(s1, s2)",
        "Ready(s1)",
        "Receive(UpdateTerm RVReq s1->s2 t2)",
        "Receive(HandleRequestVoteRequest RVReq s1->s2 t2)",
        "Ready(s2)",
        "Receive(HandleRequestVoteResponse RVResp s2->s1 t2)",
        "BecomeLeader(s1)",
        "ClientRequest(s1)",
        "AdvanceCommitIndex(s1)",
    ]
