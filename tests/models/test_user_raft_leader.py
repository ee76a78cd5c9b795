"""CockroachDB's RaftLeader.tla (docs/tla-plus/LeaderLeases, revision
2c11ba1: constants WithRestarts, UsePreVote, SendMsgApp) as a user's plain
model, tests/models/user/raft_leader.py, against what TLC 2.15 reported.

TLC ran with one worker on the spec's PlusCal as published (its comments
left out, and the ``else`` that holds only comments written ``skip``),
translated again by this TLC's pcal.trans (the published translation but
for a ``/\\ TRUE`` in that branch), with
the configuration of RaftLeader.cfg but for the constants named in each
case, ``INVARIANT TypeInvariants LeaderExclusivity`` and, for the orbits,
``SYMMETRY Symmetry`` (``Permutations(Nodes)``). Its depth is one more than
ours. Its "states generated" count one more step for each state where every
process is Done (the translation's Terminating, a stuttering step this model
leaves out and reports as no deadlock): TLC's generated = ours + those
states. A mutant is made in the PlusCal as the model makes it, and
translated again; TLC's counterexample is this model's, state for state
(checked by parsing TLC's trace into the model's states).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from click.testing import CliRunner

from checker import CheckConfig, check
from checker.spec import load_spec
from models import REGISTRY
from tests.brute_force import orbit_counts_agree, reachable_states
from cmc.main import cli
from tests.models.user.raft_leader import RaftLeader

USER = Path(__file__).parent / "user"
SPEC = USER / "raft_leader.yaml"
SAFETY = ("leader_exclusivity", "raft_state_invariant", "raft_msg_invariant")
LABELS = ("Campaign", "Restart", "Receive", "Exit", "RecvMessage", "WonPreElection",
          "WonElection", "Appended")
# the translation's \A self \in Nodes : WF_vars(node(self)): every label of a node together
FAIR_PROCESS = ("weak", " | ".join(f"{label}(node=*)" for label in LABELS))


def _model(nodes, terms, restarts=False, pre_vote=False, msg_app=True, mutant=None):
    return RaftLeader(nodes=nodes, Terms=terms, WithRestarts=restarts, UsePreVote=pre_vote,
                      SendMsgApp=msg_app, mutant=mutant)


def _steps(violation) -> list[str]:
    return [str(action) for action in violation.trace.actions]


# nodes, Terms, WithRestarts, UsePreVote, SendMsgApp: TLC's distinct states,
# generated and depth (its own, one more than ours) without symmetry, then
# its orbits, generated and depth with SYMMETRY Symmetry
SMALL = [
    ((2, 1, False, False, True), (105, 150, 14), (56, 82, 14)),
    ((2, 2, False, False, True), (303, 436, 25), (155, 225, 25)),
    ((2, 3, False, False, False), (157, 228, 21), (82, 121, 21)),
    ((2, 2, True, False, True), (2_602, 5_564, 25), (1_316, 2_829, 25)),
    ((2, 2, False, True, True), (580, 870, 35), (296, 447, 35)),
    ((2, 3, False, True, True), (790, 1_176, 51), (401, 600, 51)),
]


@pytest.mark.parametrize("bound, plain, orbits", SMALL)
def test_small_bounds_have_tlc_s_counts(bound, plain, orbits):
    for symmetry, (distinct, generated, depth) in ((False, plain), (True, orbits)):
        model = _model(*bound)
        result = check(model, CheckConfig(properties=SAFETY, deadlock=True,
                                          symmetry=("nodes",) if symmetry else ()))
        assert result.verdict == "holds"
        assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)
        if not symmetry:
            all_done = sum(model.stutters(state) for state in reachable_states(model))
            assert result.stats.generated_states + all_done == generated


@pytest.mark.slow
@pytest.mark.parametrize("bound, distinct, depth, symmetry", [
    # TLC 2.15: distinct states (orbits with symmetry) and its depth
    ((3, 1, False, False, True), 10_567, 20, False),
    ((3, 1, False, False, True), 1_769, 20, True),
    ((3, 2, False, False, True), 141_691, 31, False),
    ((3, 2, False, False, True), 23_623, 31, True),
    ((3, 1, True, False, False), 33_181, 22, False),
    ((3, 1, True, False, False), 5_545, 22, True),
    ((2, 3, True, False, True), 15_383, 34, False),
    ((2, 3, True, False, True), 7_719, 34, True),
    ((3, 1, False, True, True), 40_641, 35, True),
    ((3, 2, False, True, False), 173_373, 46, True),
    ((4, 1, False, False, True), 633_673, 25, False),
    ((4, 1, False, False, True), 26_768, 25, True),
    ((4, 2, False, True, False), 39_629, 25, True),
    # RaftLeader.cfg without its SYMMETRY (6.0 times its orbits: "cuts runtime by 6x"),
    # RaftLeader_PreVote.cfg and RaftLeader_Restarts.cfg (RaftLeader.cfg is the spec file)
    ((3, 3, False, False, True), 2_069_881, 45, False),
    ((3, 3, False, True, False), 502_434, 60, True),
    ((3, 2, True, False, False), 817_378, 35, True),
])
def test_larger_bounds_have_tlc_s_counts(bound, distinct, depth, symmetry):
    result = check(_model(*bound), CheckConfig(properties=SAFETY, deadlock=True,
                                               symmetry=("nodes",) if symmetry else ()))
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth + 1) == (distinct, depth)


def test_the_spec_file_is_raftleader_cfg():
    loaded = load_spec(SPEC, REGISTRY)
    assert loaded.params == {"nodes": 3, "Terms": 3, "WithRestarts": False,
                             "UsePreVote": False, "SendMsgApp": True}
    assert loaded.config().symmetry == ("nodes",)


def test_a_spec_runs_a_mutant_and_refuses_a_bound_out_of_range(tmp_path):
    model = f"model: {(USER / 'raft_leader.py').as_posix()}:RaftLeader\n"
    (tmp_path / "mutant.yaml").write_text(
        model + "params: {nodes: 2, Terms: 1}\nmutant: vote_twice\n"
        "expect: {verdict: violated, property: leader_exclusivity, trace_length: 12}\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "mutant.yaml")])
    assert result.exit_code == 0
    assert "Leader Exclusivity (leader_exclusivity) violated after 12 steps: n1 and n2 at " \
           "term 1 know different leaders n1 and n2" in result.output
    (tmp_path / "bad.yaml").write_text(model + "params: {nodes: 0}\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "bad.yaml")])
    assert (result.exit_code, result.output) == (
        2, f"error: {tmp_path / 'bad.yaml'}:2: params.nodes: must be at least 1, got 0; "
           "accepted: 1 to 5\n")


@pytest.mark.slow
def test_the_spec_file_has_tlc_s_orbits():
    # TLC 2.15 on RaftLeader.cfg: 344,988 distinct states, 715,230 generated, depth 45
    loaded = load_spec(SPEC, REGISTRY)
    result = check(loaded.build(), loaded.config())
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (344_988, 44)


def test_symmetry_gives_every_orbit_once():
    # the engine's canonical form (signatures first) against the whole group,
    # orbit by orbit (TLC's figures)
    assert orbit_counts_agree(lambda: _model(2, 3, pre_vote=True), [("nodes",)]) == (790, 401)


@pytest.mark.slow
def test_symmetry_gives_every_orbit_once_on_three_nodes():
    assert orbit_counts_agree(lambda: _model(3, 1), [("nodes",)]) == (10_567, 1_769)


# -- mutants: one per safety property, TLC's very counterexample --------------------------


def test_a_second_vote_in_a_term_elects_two_leaders():
    # TLC 2.15 on the mutant (canVote's (vote = 0 /\ lead = 0) made lead = 0),
    # 2 nodes, Terms 1: LeaderExclusivity violated, depth 13, these 13 states
    # (and the same on 3 nodes)
    result = check(_model(2, 1, mutant="vote_twice"), CheckConfig(properties=SAFETY))
    violation = result.violation("leader_exclusivity")
    assert violation.reason == "n1 and n2 at term 1 know different leaders n1 and n2"
    assert _steps(violation) == [
        "Campaign(node=n1, to=n2)", "Campaign(node=n2, to=n1)",
        "Receive(node=n1, msg=Message(type=MsgVote, src=n2, term=1))", "RecvMessage(node=n1)",
        "Receive(node=n2, msg=Message(type=MsgVote, src=n1, term=1))", "RecvMessage(node=n2)",
        "Receive(node=n1, msg=Message(type=MsgVoteResp, src=n2, term=1, reject=False))",
        "RecvMessage(node=n1)", "WonElection(node=n1, to=n2)",
        "Receive(node=n2, msg=Message(type=MsgVoteResp, src=n1, term=1, reject=False))",
        "RecvMessage(node=n2)", "WonElection(node=n2, to=n1)"]


@pytest.mark.slow
def test_a_restart_that_forgets_the_vote_elects_two_leaders():
    # TLC 2.15 (restart()'s vote |-> 0), WithRestarts, 3 nodes, Terms 1:
    # LeaderExclusivity violated, depth 14, the same 14 states
    result = check(_model(3, 1, restarts=True, mutant="restart_forgets_vote"),
                   CheckConfig(properties=SAFETY))
    violation = result.violation("leader_exclusivity")
    assert violation.reason == "n1 and n3 at term 1 know different leaders n1 and n3"
    assert _steps(violation) == [
        "Campaign(node=n1, to=n2)",
        "Receive(node=n2, msg=Message(type=MsgVote, src=n1, term=1))", "RecvMessage(node=n2)",
        "Receive(node=n1, msg=Message(type=MsgVoteResp, src=n2, term=1, reject=False))",
        "RecvMessage(node=n1)", "Campaign(node=n3, to=n2)", "WonElection(node=n1, to=n2)",
        "Restart(node=n2)",
        "Receive(node=n2, msg=Message(type=MsgVote, src=n3, term=1))", "RecvMessage(node=n2)",
        "Receive(node=n3, msg=Message(type=MsgVoteResp, src=n2, term=1, reject=False))",
        "RecvMessage(node=n3)", "WonElection(node=n3, to=n1)"]


def test_a_pre_vote_taken_for_a_vote_elects_two_leaders():
    # TLC 2.15 (WonPreElection sets the leader's fields with the candidate's),
    # UsePreVote, 2 nodes, Terms 1: LeaderExclusivity violated, depth 13, the
    # same states (and on 3 nodes): pre-votes bind no one, so both win
    result = check(_model(2, 1, pre_vote=True, mutant="pre_vote_elects"),
                   CheckConfig(properties=SAFETY))
    violation = result.violation("leader_exclusivity")
    assert violation.reason == "n1 and n2 at term 1 know different leaders n1 and n2"
    assert _steps(violation) == [
        "Campaign(node=n1, to=n2)", "Campaign(node=n2, to=n1)",
        "Receive(node=n1, msg=Message(type=MsgPreVote, src=n2, term=1))",
        "RecvMessage(node=n1)",
        "Receive(node=n2, msg=Message(type=MsgPreVote, src=n1, term=1))",
        "RecvMessage(node=n2)",
        "Receive(node=n1, msg=Message(type=MsgPreVoteResp, src=n2, term=0, reject=False))",
        "RecvMessage(node=n1)", "WonPreElection(node=n1, to=n2)",
        "Receive(node=n2, msg=Message(type=MsgPreVoteResp, src=n1, term=0, reject=False))",
        "RecvMessage(node=n2)", "WonPreElection(node=n2, to=n1)"]


def test_campaigning_at_the_last_term_breaks_the_state_invariant():
    # TLC 2.15 (CanCampaign without term < Terms), 2 nodes, Terms 1:
    # RaftStateInvariant violated, depth 5, the same states
    result = check(_model(2, 1, mutant="campaign_past_terms"), CheckConfig(properties=SAFETY))
    violation = result.violation("raft_state_invariant")
    assert violation.reason == "n2 is StateCandidate at term 2, past Terms = 1"
    assert _steps(violation) == [
        "Campaign(node=n1, to=n2)",
        "Receive(node=n2, msg=Message(type=MsgVote, src=n1, term=1))", "RecvMessage(node=n2)",
        "Campaign(node=n2, to=n1)"]


def test_a_pre_vote_past_terms_is_seen_once_another_message_follows_it():
    # TLC 2.15 (CanCampaign with term <= Terms), UsePreVote, Terms 1:
    # RaftMsgInvariant violated (alone: depth 11 on 3 nodes; with the three
    # invariants on 2 nodes, depth 15), the same states. The MsgPreVote for
    # term 2 is sent at step 9 (n2's Campaign), but RaftMsgInvariant reads
    # 1..Len-1 of each sequence: it fails only when n3's follows it.
    result = check(_model(3, 1, pre_vote=True, mutant="pre_vote_past_terms"),
                   CheckConfig(properties=("raft_msg_invariant",)))
    violation = result.violation("raft_msg_invariant")
    assert violation.reason == ("Message(type=MsgPreVote, src=n2, term=2) to n1 has term 2, "
                                "past Terms = 1")
    assert _steps(violation) == [
        "Campaign(node=n1, to=n2)",
        "Receive(node=n2, msg=Message(type=MsgPreVote, src=n1, term=1))",
        "RecvMessage(node=n2)",
        "Receive(node=n1, msg=Message(type=MsgPreVoteResp, src=n2, term=0, reject=False))",
        "RecvMessage(node=n1)", "WonPreElection(node=n1, to=n2)",
        "Receive(node=n2, msg=Message(type=MsgVote, src=n1, term=1))", "RecvMessage(node=n2)",
        "Campaign(node=n2, to=n1)", "Campaign(node=n3, to=n1)"]
    both = check(_model(2, 1, pre_vote=True, mutant="pre_vote_past_terms"),
                 CheckConfig(properties=SAFETY))
    assert [finding.property.name for finding in both.violations] == ["raft_msg_invariant"]
    assert len(both.violation("raft_msg_invariant").trace.actions) == 14


# -- liveness: the translation's Termination, and the Pre-Vote claim ----------------------


@pytest.mark.parametrize("bound", [(2, 2), (2, 2, True), (2, 2, False, True)])
def test_termination_holds_under_the_spec_s_fairness_as_in_tlc(bound):
    # TLC 2.15, SPECIFICATION Spec, PROPERTY Termination: no error on these,
    # and on 3 nodes Terms 1 with and without UsePreVote (10,567 and 243,760 states)
    result = check(_model(*bound), CheckConfig(properties=("termination",),
                                               fairness=(FAIR_PROCESS,)))
    assert result.verdict == "holds"


def test_termination_fails_without_fairness():
    # TLC 2.15, Init /\ [][Next]_vars, 2 nodes, Terms 1: violated, a lasso
    # of 12 steps then stuttering; the shortest stutters at once
    result = check(_model(2, 1), CheckConfig(properties=("termination",)))
    violation = result.violation("termination")
    assert (violation.stem_length, violation.loop_length, violation.bound) == (0, 0, None)


def test_a_campaigning_follower_deposes_the_leader():
    # TLC 2.15, PROPERTY [][\A i : raft[i].state = StateLeader /\
    # raft'[i].state # StateLeader => raft'[i].term = raft[i].term]_vars,
    # 3 nodes, Terms 2: violated, depth 9 (8 steps), as with SendMsgApp FALSE.
    # No timeout guards CanCampaign: the follower that just voted campaigns.
    result = check(_model(3, 2), CheckConfig(properties=("leader_not_deposed",)))
    violation = result.violation("leader_not_deposed")
    assert violation.reason == "leader n1 of term 1 is deposed for term 2"
    assert _steps(violation)[-2:] == [
        "Campaign(node=n2, to=n1)",
        "Receive(node=n1, msg=Message(type=MsgVote, src=n2, term=2))"]
    assert len(violation.trace.actions) == 8


@pytest.mark.slow
def test_pre_vote_does_not_protect_the_leader_in_this_spec():
    # TLC 2.15, the same property with UsePreVote: violated, depth 19 (18
    # steps), with SendMsgApp TRUE or FALSE. The leader itself grants the
    # pre-vote (canVote's msg.type = MsgPreVote /\ msg.term > raft[self].term),
    # as the spec's "reject if recently heard from leader" is commented out.
    for msg_app in (True, False):
        result = check(_model(3, 2, pre_vote=True, msg_app=msg_app),
                       CheckConfig(properties=("leader_not_deposed",)))
        violation = result.violation("leader_not_deposed")
        assert violation.reason == "leader n1 of term 1 is deposed for term 2"
        assert _steps(violation)[-7:] == [
            "Campaign(node=n2, to=n1)",
            "Receive(node=n1, msg=Message(type=MsgPreVote, src=n2, term=2))",
            "RecvMessage(node=n1)",
            "Receive(node=n2, msg=Message(type=MsgPreVoteResp, src=n1, term=1, reject=False))",
            "RecvMessage(node=n2)", "WonPreElection(node=n2, to=n1)",
            "Receive(node=n1, msg=Message(type=MsgVote, src=n2, term=2))"]
        assert len(violation.trace.actions) == 18


@pytest.mark.slow
def test_termination_holds_on_three_nodes_with_pre_vote():
    result = check(_model(3, 1, pre_vote=True), CheckConfig(properties=("termination",),
                                                              fairness=(FAIR_PROCESS,)))
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 243_760


# -- a vacuity check: who can be elected -------------------------------------------------


def test_three_nodes_elect_a_leader_in_six_steps():
    # TLC 2.15, INVARIANT NoLeader == \A i : raft[i].state # StateLeader,
    # 3 nodes, Terms 1: violated, depth 7
    result = check(_model(3, 1), CheckConfig(properties=("leader_elected",)))
    witness = result.witness("leader_elected")
    assert _steps(witness) == [
        "Campaign(node=n1, to=n2)",
        "Receive(node=n2, msg=Message(type=MsgVote, src=n1, term=1))", "RecvMessage(node=n2)",
        "Receive(node=n1, msg=Message(type=MsgVoteResp, src=n2, term=1, reject=False))",
        "RecvMessage(node=n1)", "WonElection(node=n1, to=n2)"]


@pytest.mark.slow
@pytest.mark.parametrize("bound", [(4, 1, False, False, True), (4, 2, False, True, False)])
def test_four_nodes_never_elect_a_leader(bound):
    # TLC 2.15, INVARIANT NoLeader, SYMMETRY: no error (26,768 and 39,629
    # orbits). A candidate asks one node (the spec's with), so it has two
    # votes at most, short of a quorum of three
    result = check(_model(*bound), CheckConfig(properties=("leader_elected",),
                                               symmetry=("nodes",)))
    assert result.verdict == "violated"
    assert result.violation("leader_elected").reason == "no reachable state satisfies it"
