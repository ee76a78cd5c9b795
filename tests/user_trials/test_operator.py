"""An operator's trial (etcd, Kafka KRaft, CockroachDB) of the bundled
models, through the command line and spec files alone: what `cmc quorum`
says of zone placements and flexible quorums, and what the raft, raft-kv
and lease-election models say of membership change, PreVote, lease reads
and fencing, with each spec's figures and shortest runs pinned.

The spec files are tests/user_trials/operator_*. The three that check in well
under a second are `.yaml` (test_user_trials.py checks every `.yaml` here in
the default suite); the eleven that take seconds (operator_leaseholder_offset4_drift2.yml over a minute) are `.yml`, so that glob does
not pull them into the default suite, and are checked here under `slow`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli
from tests.spec_runs import checked_spec, view

HERE = Path(__file__).resolve().parent


def quorum(*args: str, code: int = 0) -> dict:
    result = CliRunner().invoke(cli, ["quorum", *args, "--format", "json"])
    assert result.exit_code == code, result.output
    return json.loads(result.output)


def zone_summary(answer: dict) -> dict:
    return {k: v for k, v in answer["zones"].items() if k not in ("losses", "rule", "zones")}


# -- question 1: quorums over zones ----------------------------------------------------


def test_five_voters_over_2_2_1_survive_one_zone_and_two_nodes():
    answer = quorum("--zones", "2,2,1")
    assert zone_summary(answer) == {"zones_tolerated": 1, "maintenance": 2,
                                    "maintenance_with_zone_loss": 0,
                                    "breaking": {"down": [1], "zone": 2}}
    assert [(loss["zones"], loss["survives"]) for loss in answer["zones"]["losses"]] == [
        ([1], True), ([2], True), ([3], True), ([1, 2], False), ([1, 3], False), ([2, 3], False)]


def test_a_sixth_voter_buys_nothing_and_3_2_1_survives_no_zone():
    assert zone_summary(quorum("--zones", "2,2,2"))["zones_tolerated"] == 1
    assert zone_summary(quorum("--zones", "2,2,2"))["maintenance"] == 2  # as five
    assert zone_summary(quorum("--zones", "3,2,1")) == {
        "zones_tolerated": 0, "maintenance": 2, "maintenance_with_zone_loss": None,
        "breaking": None}


def test_nine_voters_over_3_3_3_keep_one_node_of_slack_through_a_zone_loss():
    assert zone_summary(quorum("--zones", "3,3,3")) == {
        "zones_tolerated": 1, "maintenance": 4, "maintenance_with_zone_loss": 1,
        "breaking": {"down": [1, 2], "zone": 2}}


def test_flexible_4_2_over_2_2_1_survives_no_zone_and_3_2_splits_brain():
    flexible = quorum("--quorum", "{flexible: {phase1: 4, phase2: 2}}", "--zones", "2,2,1")
    assert zone_summary(flexible) == {"zones_tolerated": 0, "maintenance": 1,
                                      "maintenance_with_zone_loss": None, "breaking": None}
    assert (flexible["rule"]["phase1"]["tolerates"], flexible["rule"]["phase2"]["tolerates"]) == (1, 3)
    # a non-intersecting rule is reported, and `cmc quorum` exits 1: a CI gate
    broken = quorum("--quorum", "{flexible: {phase1: 3, phase2: 2}}", "--nodes", "5", code=1)
    assert (broken["rule"]["intersect"], broken["rule"]["witness"]) == (False, [[1, 2, 3], [4, 5]])


def test_zones_that_do_not_hold_the_nodes_are_refused():
    result = CliRunner().invoke(cli, ["quorum", "--nodes", "6", "--zones", "2,2,1"], prog_name="cmc")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "error: Invalid value for '--zones': the zones hold 5 nodes but --nodes is 6 "
        "(see cmc quorum --help)")


# -- question 3: a rejoining server, with and without PreVote ------------------------


def test_without_prevote_a_rejoining_server_deposes_the_leader_in_four_steps():
    _, model, result = checked_spec(HERE / "operator_prevote_3_nodes_off.yaml")
    (violation,) = result.violations
    assert [str(a) for a in violation.trace.actions] == [
        "Timeout(i=s3)", "Heal()", "RequestVote(i=s3, j=s1)",
        "Receive(m=RequestVoteRequest(s3→s1, term=3, last_log_term=0, last_log_index=0))"]
    assert view(model, violation.trace.final, "s1.role", "s1.current_term", "s2.current_term",
                "s3.role") == {"s1.role": "Follower", "s1.current_term": 3,
                               "s2.current_term": 2, "s3.role": "Candidate"}


def test_with_prevote_no_rejoin_deposes_it_eight_steps_deep():
    _, _, result = checked_spec(HERE / "operator_prevote_3_nodes_on.yaml")
    assert (result.verdict, result.stopped_by, result.violations) == ("incomplete", "max_depth", ())
    assert (result.stats.distinct_states, result.stats.depth) == (1694, 8)


def test_the_command_line_exits_0_on_a_met_expectation_of_a_violation():
    result = CliRunner().invoke(cli, ["check", str(HERE / "operator_prevote_3_nodes_off.yaml"),
                                      "--format", "json", "--no-progress"])
    assert result.exit_code == 0
    (run,) = json.loads(result.output)["results"]
    assert (run["verdict"], run["mismatches"]) == ("violated", [])


# -- question 5: etcd's Go client counts its lease as ZooKeeper does --------------------


def test_etcd_clientv3_learns_late_as_zookeeper_does():
    _, model, result = checked_spec(HERE / "operator_lease_etcd_clientv3_learns_late.yaml")
    (violation,) = result.violations
    assert violation.reason == "c0 believes it leads at tick 3, but its lease is gone at the store"
    assert [str(a) for a in violation.trace.actions][-4:] == [
        "Drop(message=KeepAlive(c=0, epoch=1, sent=1))", "Tick(now=2, lagging=none)",
        "Heartbeat(c=0)", "Tick(now=3, lagging=none)"]


# -- the seconds-long specs (.yml) ------------------------------------------------------

SLOW = sorted(p.name for p in HERE.glob("operator_*.yml"))


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_slow_spec_meets_its_expectation(name):
    spec, _, result = checked_spec(HERE / name)
    assert spec.expect.mismatches(result) == [], name


@pytest.mark.slow
def test_adding_two_voters_at_once_elects_two_leaders_of_term_3():
    _, model, result = checked_spec(HERE / "operator_membership_direct_3_to_5_midchange.yml")
    (violation,) = result.violations
    assert len(violation.trace.actions) == 14
    last = view(model, violation.trace.final, "s1.role", "s1.votes_granted",
                "s3.role", "s3.votes_granted")
    assert last == {"s1.role": "Leader", "s1.votes_granted": ["s1", "s4", "s5"],
                    "s3.role": "Leader", "s3.votes_granted": ["s2", "s3"]}


@pytest.mark.slow
def test_joint_consensus_from_the_same_crash_can_finish_or_roll_back():
    _, _, result = checked_spec(HERE / "operator_membership_joint_3_to_5_midchange.yml")
    assert result.violations == ()
    assert sorted((w.property.name, len(w.trace.actions)) for w in result.witnesses) == [
        ("change_rolled_back", 11), ("joint_leader_elected", 9)]


@pytest.mark.slow
def test_a_lease_read_past_its_clock_margin_is_stale():
    _, _, result = checked_spec(HERE / "operator_lease_read_timeout4_drift2.yml")
    (violation,) = result.violations
    assert violation.reason == "c2: read(x) → 0 after c1: write(x, 1) → ok completed"


@pytest.mark.parametrize("session", ["etcd", "zookeeper"])
@pytest.mark.slow
def test_without_fencing_the_paused_leader_writes_after_its_successor(session):
    _, _, result = checked_spec(HERE / f"operator_lease_{session}_pause_fencing_false.yml")
    (violation,) = result.violations
    tokens = {"etcd": (1, 3), "zookeeper": (2, 6)}[session]
    assert violation.reason == (f"db0 accepted c0's write with token {tokens[0]} "
                                f"after c1's with token {tokens[1]}")
    assert [str(a) for a in violation.trace.actions][-3:] == [
        "WriteResource(c=1)", f"AcceptWrite(db=0, c=1, token={tokens[1]})",
        f"AcceptWrite(db=0, c=0, token={tokens[0]})"]
