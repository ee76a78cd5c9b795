"""etcd's Raft features as spec options, and partitions as a network fault:
the five-node PreVote exercise (a cut-off server deposes a healthy leader on
rejoining without PreVote, never with it) and CheckQuorum (a leader cut off
from the majority keeps leading without it, steps down with it)."""

from __future__ import annotations

import pytest

from checker import ParamError
from models.raft import PRECANDIDATE, Raft, RequestVoteRequest
from tests.spec_runs import SPECS, checked_spec, outcome, steps, view


def step(model, state, name):
    return {str(action): after for action, after in model.successors(state)}[name]


# -- partitions ----------------------------------------------------------------------


def test_messages_across_the_partition_are_lost_until_it_heals():
    model = Raft(servers=3, max_msgs=2, partition=[3])
    (state,) = model.initial_states()
    state = step(model, state, "Timeout(i=s1)")
    names = [str(action) for action, _ in model.successors(state)]
    assert "RequestVote(i=s1, j=s2)" in names and "RequestVote(i=s1, j=s3)" not in names  # lost
    assert names[-1] == "Heal()"
    healed = step(model, state, "Heal()")
    assert model.network.side(healed[-1]) == frozenset()
    assert "Heal()" not in [str(action) for action, _ in model.successors(healed)]
    sent = step(model, healed, "RequestVote(i=s1, j=s3)")
    assert model.sent(sent, RequestVoteRequest) == [RequestVoteRequest(0, 2, 2, 0, 0)]


def test_the_state_view_shows_whether_the_partition_is_down():
    # (an operator's trial: Heal() printed "(no change)", the partition
    # being in no view)
    model = Raft(servers=3, max_msgs=2, partition=[3])
    (state,) = model.initial_states()
    healed = step(model, state, "Heal()")
    assert [{k: v for k, v in model.state_view(s).items() if "." not in k and k != "msgs"}
            for s in (state, healed)] == [{"partition": "down", "splits_left": 0},
                                          {"partition": "up", "splits_left": 0}]
    assert "partition" not in Raft(servers=3).state_view(next(iter(
        Raft(servers=3).initial_states())))


def test_a_partition_keeps_its_servers_apart_for_symmetry():
    assert Raft(servers=5, partition=[5]).symmetry_groups() == {"servers": [[0, 1, 2, 3], [4]]}


@pytest.mark.parametrize("name, side", [  # CheckQuorum's (2-3 s each) slow
    ("raft-prevote-off", 5), pytest.param("raft-checkquorum", 1, marks=pytest.mark.slow),
    pytest.param("raft-checkquorum-off", 1, marks=pytest.mark.slow)])
def test_the_specs_partition_cuts_off_the_side_params_partition_does(name, side, tmp_path):
    # the properties of servers cut off (No Disruptive Rejoin, Cut-off
    # Leader ...) read the partition however it is given: before, a spec's
    # partition: left them none, and No Disruptive Rejoin held vacuously
    # (bounded, so that a property of no server ends fast: 50 million states)
    text = (SPECS / f"{name}.yaml").read_text()
    text += "" if "bounds:" in text else "bounds: {max_depth: 6}\n"
    servers = int(text.split("servers: ")[1].split(",")[0])
    rest = ", ".join(f"s{k}" for k in range(1, servers + 1) if k != side)
    (tmp_path / "params.yaml").write_text(text)
    (tmp_path / "spec.yaml").write_text(text.replace(f", partition: [{side}]", "")
                                        + f"partition: {{groups: [[s{side}], [{rest}]]}}\n")
    given, model, result = checked_spec(tmp_path / "spec.yaml")
    assert (given.params["partition"], model.cut_off) == (None, frozenset({side - 1}))
    _, _, by_params = checked_spec(tmp_path / "params.yaml")
    assert outcome(result) == outcome(by_params)
    assert given.expect.mismatches(result) == []


def test_a_partition_names_servers_of_the_model():
    with pytest.raises(ParamError) as raised:
        Raft(servers=3, partition=[4])
    assert raised.value.field == "params.partition"


# -- PreVote -------------------------------------------------------------------------


def test_a_pre_vote_raises_no_term():
    model = Raft(servers=3, pre_vote=True)
    (state,) = model.initial_states()
    state = step(model, state, "Timeout(i=s1)")
    assert view(model, state, "s1.role", "s1.current_term") == {
        "s1.role": PRECANDIDATE, "s1.current_term": 1}
    state = step(model, state, "RequestVote(i=s1, j=s2)")
    assert model.sent(state, RequestVoteRequest) == [
        RequestVoteRequest(0, 1, 2, 0, 0, pre_vote=True)]
    state = step(model, state, "Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, "
                 "last_log_index=0, pre_vote=True))")
    assert view(model, state, "s2.current_term", "s2.voted_for", "msgs") == {
        "s2.current_term": 1, "s2.voted_for": None,
        "msgs": ["RequestVoteResponse(s2→s1, term=2, vote_granted=True, pre_vote=True)"]}
    state = step(model, state,
                 "Receive(m=RequestVoteResponse(s2→s1, term=2, vote_granted=True, pre_vote=True))")
    assert view(model, state, "s1.current_term", "s1.votes_granted") == {
        "s1.current_term": 1, "s1.votes_granted": ["s2"]}
    # s1 has not counted itself yet: no quorum of pre-votes
    assert "Campaign(i=s1)" not in [str(action) for action, _ in model.successors(state)]
    state = step(model, state, "RequestVote(i=s1, j=s1)")
    state = step(model, state, "Receive(m=RequestVoteRequest(s1→s1, term=2, last_log_term=0, "
                 "last_log_index=0, pre_vote=True))")
    state = step(model, state,
                 "Receive(m=RequestVoteResponse(s1→s1, term=2, vote_granted=True, pre_vote=True))")
    state = step(model, state, "Campaign(i=s1)")
    assert view(model, state, "s1.role", "s1.current_term", "s1.votes_granted") == {
        "s1.role": "Candidate", "s1.current_term": 2, "s1.votes_granted": []}


def test_without_pre_vote_a_rejoining_server_deposes_the_leader():
    model, result = checked_spec("raft-prevote-off.yaml")[1:]
    found = result.violation("no_disruptive_rejoin")
    assert found.reason == ("s5, cut off at the start, deposes leader s1 of term 2 with term "
                            "3, which no other server has reached")
    assert steps(found.trace) == """\
Timeout(i=s5)
Heal()
RequestVote(i=s5, j=s1)
Receive(m=RequestVoteRequest(s5→s1, term=3, last_log_term=0, last_log_index=0))"""
    assert view(model, found.trace.final, "s1.role", "s1.current_term", "s5.current_term") == {
        "s1.role": "Follower", "s1.current_term": 3, "s5.current_term": 3}


def test_with_pre_vote_it_does_not():
    model, result = checked_spec("raft-prevote.yaml")[1:]
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "incomplete", 52910, 8)
    assert not result.violations
    # ten steps deep: 200,341 states, no violation (a few seconds; not run by default)


# -- CheckQuorum -----------------------------------------------------------------------


STILL_LEADS = """\
Timeout(i=s2)
RequestVote(i=s2, j=s2)
Timeout(i=s3)
Receive(m=RequestVoteRequest(s2→s2, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s2→s2, term=3, vote_granted=True))
RequestVote(i=s2, j=s3)
Receive(m=RequestVoteRequest(s2→s3, term=3, last_log_term=2, last_log_index=1))
Receive(m=RequestVoteResponse(s3→s2, term=3, vote_granted=True))
BecomeLeader(i=s2)"""


def test_without_check_quorum_a_cut_off_leader_keeps_leading():
    model, result = checked_spec("raft-checkquorum-off.yaml")[1:]
    still = result.witness("cut_off_leader_still_leads").trace
    assert steps(still) == STILL_LEADS
    assert view(model, still.final, "s1.role", "s1.current_term", "s2.role",
                "s2.current_term") == {"s1.role": "Leader", "s1.current_term": 2,
                                       "s2.role": "Leader", "s2.current_term": 3}
    assert result.witness("cut_off_leader_steps_down") is None


def test_with_check_quorum_it_steps_down():
    model, result = checked_spec("raft-checkquorum.yaml")[1:]
    assert steps(result.witness("cut_off_leader_still_leads").trace) == STILL_LEADS
    down = result.witness("cut_off_leader_steps_down").trace
    assert steps(down) == "CheckQuorum(i=s1)"
    assert view(model, down.final, "s1.role", "s1.current_term") == {
        "s1.role": "Follower", "s1.current_term": 2}


def test_a_leader_that_heard_from_a_quorum_stays():
    model = Raft(servers=3, check_quorum=True, max_msgs=2)
    (state,) = model.initial_states()
    for name in ("Timeout(i=s1)", "RequestVote(i=s1, j=s1)",
                 "Receive(m=RequestVoteRequest(s1→s1, term=2, last_log_term=0, last_log_index=0))",
                 "Receive(m=RequestVoteResponse(s1→s1, term=2, vote_granted=True))",
                 "RequestVote(i=s1, j=s2)",
                 "Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, last_log_index=0))",  # UpdateTerm
                 "Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, last_log_index=0))",
                 "Receive(m=RequestVoteResponse(s2→s1, term=2, vote_granted=True))",
                 "BecomeLeader(i=s1)", "AppendEntries(i=s1, j=s2)",
                 "Receive(m=AppendEntriesRequest(s1→s2, term=2, prev_log_index=0, prev_log_term=0, "
                 "entries=[], commit_index=0))",
                 "Receive(m=AppendEntriesResponse(s2→s1, term=2, success=True, match_index=0))"):
        state = step(model, state, name)
    assert view(model, state, "s1.recent_active") == {"s1.recent_active": ["s2"]}
    checked = step(model, state, "CheckQuorum(i=s1)")
    assert view(model, checked, "s1.role", "s1.recent_active") == {
        "s1.role": "Leader", "s1.recent_active": []}
    assert view(model, step(model, checked, "CheckQuorum(i=s1)"), "s1.role") == {
        "s1.role": "Follower"}


# -- CheckQuorum's lease (etcd's inLease) ----------------------------------------------

LEASE = "raft-checkquorum-lease.yaml"


def lease_variant(tmp_path, *replaced: str):
    """The lease spec with texts replaced (old, new, ...), its expectation dropped."""
    text = (SPECS / LEASE).read_text()
    for old, new in zip(replaced[::2], replaced[1::2]):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"variant{len(list(tmp_path.iterdir()))}.yaml"  # results are cached by path
    path.write_text(text.split("\nexpect:")[0] + "\n")
    return checked_spec(path)


def test_the_lease_keeps_a_stable_leader_whom_pre_vote_alone_does_not():
    model, result = checked_spec(LEASE)[1:]
    assert (result.verdict, result.stats.distinct_states, result.stats.depth) == (
        "holds", 144, 15)
    # s3's pre-votes are ignored: it never campaigns (its own lease, once it
    # hears from s1, expires: its timer fires)
    assert (result.stats.new_states["Campaign"], result.stats.new_states["LeaseExpires"]) == (
        0, 10)


def test_without_the_lease_the_leader_grants_the_pre_vote_and_is_deposed():
    model, result = checked_spec("raft-mutant-no-lease.yaml")[1:]
    found = result.violation("s1_leads_term_2")
    assert steps(found.trace).splitlines() == [
        "Timeout(i=s3)", "RequestVote(i=s3, j=s3)",
        "Receive(m=RequestVoteRequest(s3→s3, term=3, last_log_term=2, last_log_index=1, "
        "pre_vote=True))",
        "Receive(m=RequestVoteResponse(s3→s3, term=3, vote_granted=True, pre_vote=True))",
        "Heal()", "RequestVote(i=s3, j=s1)",
        "Receive(m=RequestVoteRequest(s3→s1, term=3, last_log_term=2, last_log_index=1, "
        "pre_vote=True))",
        "Receive(m=RequestVoteResponse(s1→s3, term=3, vote_granted=True, pre_vote=True))",
        "Campaign(i=s3)", "RequestVote(i=s3, j=s1)",
        "Receive(m=RequestVoteRequest(s3→s1, term=3, last_log_term=2, last_log_index=1))"]
    assert view(model, found.trace.final, "s1.role", "s1.current_term") == {
        "s1.role": "Follower", "s1.current_term": 3}


def test_a_lease_that_may_expire_lets_s2_depose_the_leader(tmp_path):
    model, result = lease_variant(tmp_path, "timeouts: {servers: [3]}",
                                  "timeouts: {servers: [2, 3]}")[1:]
    trace = result.violation("s1_leads_term_2").trace
    assert (len(trace.steps) - 1, steps(trace).splitlines()[:2]) == (
        13, ["LeaseExpires(i=s2)", "Timeout(i=s2)"])
    assert view(model, trace.final, "s1.role", "s2.role", "s2.current_term") == {
        "s1.role": "Follower", "s2.role": "Candidate", "s2.current_term": 3}


def test_a_leader_whose_timer_fires_checks_a_quorum_it_has_not_heard_from(tmp_path):
    # init gives s1 no recent_active: its first CheckQuorum steps down
    result = lease_variant(tmp_path, "timeouts: {servers: [3]}, ", "")[2]
    assert steps(result.violation("s1_leads_term_2").trace) == "CheckQuorum(i=s1)"
    held = lease_variant(tmp_path, "timeouts: {servers: [3]}, ", "",
                         "next_index: [2, 2, 2], match_index: [0, 1, 1]}",
                         "next_index: [2, 2, 2], match_index: [0, 1, 1], "
                         "recent_active: [s2]}")[2]
    # it heard from s2: the first check keeps it, the second (s2 unheard since) does not
    assert steps(held.violation("s1_leads_term_2").trace).splitlines() == [
        "CheckQuorum(i=s1)", "CheckQuorum(i=s1)"]


def test_a_follower_out_of_lease_at_the_start_grants_the_pre_vote(tmp_path):
    result = lease_variant(tmp_path, ", in_lease: true", "")[2]
    names = steps(result.violation("s1_leads_term_2").trace).splitlines()
    assert (len(names), names[7]) == (12, "Receive(m=RequestVoteResponse(s2→s3, term=3, "
                                          "vote_granted=True, pre_vote=True))")


def test_hearing_from_the_leader_puts_a_follower_in_lease_until_it_expires():
    model = Raft(servers=3, check_quorum=True, max_msgs=2)
    (state,) = model.initial_states()
    names = [str(action) for action, _ in model.successors(state)]
    assert "Timeout(i=s2)" in names and "LeaseExpires(i=s2)" not in names
    for name in ("Timeout(i=s1)", "RequestVote(i=s1, j=s1)",
                 "Receive(m=RequestVoteRequest(s1→s1, term=2, last_log_term=0, last_log_index=0))",
                 "Receive(m=RequestVoteResponse(s1→s1, term=2, vote_granted=True))",
                 "RequestVote(i=s1, j=s2)",
                 "Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, last_log_index=0))",
                 "Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, last_log_index=0))",
                 "Receive(m=RequestVoteResponse(s2→s1, term=2, vote_granted=True))",
                 "BecomeLeader(i=s1)", "AppendEntries(i=s1, j=s2)"):
        state = step(model, state, name)
    assert view(model, state, "s2.in_lease") == {"s2.in_lease": False}
    heard = step(model, state, "Receive(m=AppendEntriesRequest(s1→s2, term=2, prev_log_index=0, "
                               "prev_log_term=0, entries=[], commit_index=0))")
    assert view(model, heard, "s2.in_lease") == {"s2.in_lease": True}
    names = [str(action) for action, _ in model.successors(heard)]
    assert "Timeout(i=s2)" not in names and "LeaseExpires(i=s2)" in names
    # s3 campaigns for term 3: s2, in lease, and the leader s1 drop its
    # requests unanswered
    asked = step(model, heard, "Receive(m=AppendEntriesResponse(s2→s1, term=2, success=True, "
                               "match_index=0))")
    for name in ("Timeout(i=s3)", "Timeout(i=s3)", "RequestVote(i=s3, j=s2)"):
        asked = step(model, asked, name)
    request = "Receive(m=RequestVoteRequest(s3→s2, term=3, last_log_term=0, last_log_index=0))"
    ignored = step(model, asked, request)
    assert ignored[1] == asked[1] and model.network.size(ignored[-1]) == 0
    to_leader = step(model, ignored, "RequestVote(i=s3, j=s1)")
    dropped = step(model, to_leader, "Receive(m=RequestVoteRequest(s3→s1, term=3, "
                                     "last_log_term=0, last_log_index=0))")
    assert dropped[0] == to_leader[0] and model.network.size(dropped[-1]) == 0
    expired = step(model, asked, "LeaseExpires(i=s2)")
    assert view(model, expired, "s2.in_lease") == {"s2.in_lease": False}
    granted = step(model, step(model, expired, request), request)  # UpdateTerm, then the vote
    assert view(model, granted, "s2.current_term", "s2.voted_for") == {
        "s2.current_term": 3, "s2.voted_for": "s3"}
    # a higher term (any message) takes the lease away with the leader
    update = step(model, step(model, asked, "Restart(i=s2)"), request)
    assert view(model, update, "s2.in_lease", "s2.current_term") == {
        "s2.in_lease": False, "s2.current_term": 3}


@pytest.mark.parametrize("fields, where, message", [
    ({"s1": {"role": "Leader", "in_lease": True}}, "init.s1.in_lease",
     "is a Follower's with check_quorum: true only (a Leader is always in its own lease); "
     "remove it"),
    ({"s2": {"recent_active": ["s1"]}}, "init.s2.recent_active",
     "is a Leader's with check_quorum: true only; remove it"),
    ({"s2": {"in_lease": "yes"}}, "init.s2.in_lease", "must be true or false")])
def test_init_takes_the_lease_and_recent_active_where_they_mean_something(fields, where,
                                                                          message):
    with pytest.raises(ParamError) as raised:
        Raft(servers=3, check_quorum=True, init=fields)
    assert (raised.value.field, raised.value.message) == (where, message)
    with pytest.raises(ParamError) as raised:
        Raft(servers=3, init={"s2": {"in_lease": True}})
    assert (raised.value.field, raised.value.message) == (
        "init.s2.in_lease", "is a Follower's with check_quorum: true only; remove it or set "
        "params.check_quorum: true")
    leader = Raft(servers=3, check_quorum=True,
                  init={"s1": {"role": "Leader", "recent_active": ["s2"]}})
    assert leader.initial_states()[0][0].recent_active == frozenset({1})


def test_init_starts_a_pre_candidate_where_pre_vote_is_on():
    # (an operator's probe: 'PreCandidate' is not a role, even with pre_vote)
    fields = {"s2": {"role": "PreCandidate", "votes_responded": ["s2", "s3"],
                     "votes_granted": ["s2", "s3"]}}
    model = Raft(servers=3, pre_vote=True, init=fields)
    (state,) = model.initial_states()
    campaigned = step(model, state, "Campaign(i=s2)")
    assert view(model, campaigned, "s2.role", "s2.current_term") == {
        "s2.role": "Candidate", "s2.current_term": 2}
    with pytest.raises(ParamError) as raised:
        Raft(servers=3, init=fields)
    assert (raised.value.field, raised.value.message) == (
        "init.s2.role", "'PreCandidate' is not a role; use Follower, Candidate, Leader (a "
        "PreCandidate with pre_vote: true)")
