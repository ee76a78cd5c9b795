"""The `lease-election` model: the specs' verdicts and their shortest
counterexamples and witnesses, step by step, with the clock in view.

(The specs' `expect:` blocks pin distinct states and depths; tests/test_specs.py
checks them. Here: what the traces show.)
"""

from __future__ import annotations

import pytest

import checker
from checker import ParamError
from checker.model import Note
from models.lease_election import (LeaseElection, ResourceNode, ResourceState,
                                   Write)
from tests.spec_runs import checked_spec, view


def actions(trace) -> list[str]:
    return [str(action) for action in trace.actions]


def timeline(trace) -> list[str]:
    """The trace without its ticks, each step with the tick it happens at."""
    out, now = [], 0
    for action in trace.actions:
        if type(action).__name__ == "Tick":
            now = action.now
        else:
            out.append(f"{now}: {action}")
    return out


def violation(name: str):
    _, model, result = checked_spec(f"{name}.yaml")
    assert result.verdict == "violated"
    (found,) = result.violations
    return model, found


# -- single writer, fencing --------------------------------------------------------------------


PAUSED_LEADER = [
    "0: Campaign(c=0)",
    "0: GrantLease(kv=0, c=0, epoch=1, sent=0)",
    "0: GetLease(c=0, epoch=1, sent=0, to=0)",
    "0: RenewLease(kv=0, c=0, epoch=1, sent=0)",
    "0: CreateKey(kv=0, c=0, epoch=1)",
    "0: Win(c=0, epoch=1, token=1, to=0)",
    "0: Pause(node=0)",
    "3: Expire(kv=0)",
    "3: WriteResource(c=0)",
    "3: Campaign(c=1)",
    "3: GrantLease(kv=0, c=1, epoch=1, sent=3)",
    "3: GetLease(c=1, epoch=1, sent=3, to=1)",
    "3: CreateKey(kv=0, c=1, epoch=1)",
    "3: Win(c=1, epoch=1, token=3, to=1)",
    "3: WriteResource(c=1)",
    "3: AcceptWrite(db=0, c=1, token=3)",
    "3: AcceptWrite(db=0, c=0, token=1)",
]


def test_without_fencing_the_paused_leader_writes_after_the_new_one():
    model, found = violation("lease-single-writer-no-fencing")
    assert found.property.name == "single_writer"
    assert found.reason == "db0 accepted c0's write with token 1 after c1's with token 3"
    assert len(found.trace) == 20
    assert timeline(found.trace) == PAUSED_LEADER
    assert view(model, found.trace.final, "now", "c0.clock", "c1.clock", "c0.role",
                "c1.role", "db0.highest", "db0.last_writer") == {
        "now": 3, "c0.clock": "3", "c1.clock": "3", "c0.role": "leader",
        "c1.role": "leader", "db0.highest": 3, "db0.last_writer": 0}


def test_with_fencing_the_same_write_is_rejected():
    node = ResourceNode(LeaseElection(fencing=True), 0)
    seen = ResourceState(highest=3, last_writer=1)
    assert node.accept_write(seen, Write(c=0, token=1), now=3) == (seen, [])
    unfenced = ResourceNode(LeaseElection(fencing=False), 0)
    assert unfenced.accept_write(seen, Write(c=0, token=1), now=3) == (
        ResourceState(3, 0, (0, 1, 3, 1)), [])


def test_resource_ignoring_tokens_lets_the_stale_write_in_despite_fencing():
    model, found = violation("lease-mutant-resource-ignores-tokens")
    assert found.property.name == "single_writer"
    assert timeline(found.trace) == PAUSED_LEADER
    assert view(model, found.trace.final, "db0.stale_write") == {
        "db0.stale_write": [0, 1, 3, 1]}


# -- at most one believes it leads ----------------------------------------------------------------


def test_fencing_does_not_stop_two_from_believing_they_lead():
    model, found = violation("lease-two-believe-with-fencing")
    assert found.property.name == "one_believes"
    assert found.reason == "c0 (token 1) and c1 (token 3) both believe they lead at tick 3"
    assert timeline(found.trace) == PAUSED_LEADER[:7] + [
        "3: Expire(kv=0)", "3: Campaign(c=1)", "3: GrantLease(kv=0, c=1, epoch=1, sent=3)",
        "3: GetLease(c=1, epoch=1, sent=3, to=1)", "3: CreateKey(kv=0, c=1, epoch=1)",
        "3: Win(c=1, epoch=1, token=3, to=1)"]
    assert view(model, found.trace.final, "c0.clock", "c0.lease_until") == {
        "c0.clock": "3", "c0.lease_until": 2}


@pytest.mark.slow
def test_a_third_candidate_gives_the_same_overlap():
    model, found = violation("large/lease-three-candidates-two-believe")
    _, two = violation("lease-two-believe-with-fencing")
    assert found.reason == two.reason
    assert actions(found.trace) == actions(two.trace)
    assert view(model, found.trace.final, "c2.role", "c2.clock") == {
        "c2.role": "follower", "c2.clock": "3"}


@pytest.mark.slow
def test_without_pauses_or_drift_a_leader_stops_believing_in_time():
    _, _, result = checked_spec("large/lease-one-believes-no-pause.yaml")
    assert result.verdict == "holds"


def test_an_etcd_leader_learns_before_the_store_expires_its_lease():
    _, _, result = checked_spec("lease-learns-first-etcd.yaml")
    assert result.verdict == "holds"


def test_a_leader_trusting_its_lease_past_its_deadline_outlives_its_lease():
    model, found = violation("lease-mutant-trusts-expired-lease")
    assert found.property.name == "leader_learns_first"
    assert timeline(found.trace) == [
        "0: Campaign(c=0)", "0: GrantLease(kv=0, c=0, epoch=1, sent=0)",
        "1: Heartbeat(c=0)", "1: GetLease(c=0, epoch=1, sent=0, to=0)",
        "1: CreateKey(kv=0, c=0, epoch=1)", "1: Win(c=0, epoch=1, token=1, to=0)",
        "1: Drop(message=KeepAlive(c=0, epoch=1, sent=1))", "2: Heartbeat(c=0)",
        "2: LeaseRunsOut(c=0)"]
    assert view(model, found.trace.final, "now", "c0.clock", "c0.role", "kv0.leases") == {
        "now": 3, "c0.clock": "3", "c0.role": "leader",
        "kv0.leases": ["Lease(owner=0, epoch=1, deadline=2)"]}


# -- clock drift -------------------------------------------------------------------------------


def test_a_drift_beyond_the_margin_outlives_the_lease():
    """The clock runs 1 s ahead when the candidate asks for its lease and 1 s
    behind three seconds later: it lost 2 s against its 1 s margin."""
    model, found = violation("lease-drift-beyond-margin")
    assert found.reason == "c0 believes it leads at tick 4, but its lease is gone at the store"
    assert len(found.trace) == 14
    assert [step for step in actions(found.trace) if step.startswith("Tick")] == [
        "Tick(now=1, lagging=none)", "Tick(now=2, lagging=0)", "Tick(now=3, lagging=0)",
        "Tick(now=4, lagging=none)"]
    assert timeline(found.trace) == [
        "0: Rush(node=0)", "0: Campaign(c=0)", "0: GrantLease(kv=0, c=0, epoch=1, sent=1)",
        "0: GetLease(c=0, epoch=1, sent=1, to=0)", "0: RenewLease(kv=0, c=0, epoch=1, sent=1)",
        "0: CreateKey(kv=0, c=0, epoch=1)", "0: Win(c=0, epoch=1, token=1, to=0)",
        "0: Renewed(c=0, epoch=1, sent=1, to=0)", "1: Heartbeat(c=0)",
        "1: Drop(message=KeepAlive(c=0, epoch=1, sent=2))"]
    assert view(model, found.trace.final, "now", "c0.clock", "c0.role", "c0.lease_until",
                "kv0.leases") == {
        "now": 4, "c0.clock": "3", "c0.role": "leader", "c0.lease_until": 3,
        "kv0.leases": ["Lease(owner=0, epoch=1, deadline=3)"]}


def test_a_margin_of_twice_the_drift_stops_the_leader_in_time():
    _, model, result = checked_spec("lease-drift-within-margin.yaml")
    assert result.verdict == "holds"
    assert (model.drift, model.margin) == (1, 2)


@pytest.mark.slow
def test_a_slow_clock_alone_lets_two_believe_they_lead():
    model, found = violation("large/lease-drift-two-believe")
    assert found.reason == "c0 (token 1) and c1 (token 3) both believe they lead at tick 3"
    assert timeline(found.trace) == PAUSED_LEADER[:6] + [
        "0: Renewed(c=0, epoch=1, sent=0, to=0)", "3: Expire(kv=0)", "3: Campaign(c=1)",
        "3: GrantLease(kv=0, c=1, epoch=1, sent=3)", "3: GetLease(c=1, epoch=1, sent=3, to=1)",
        "3: CreateKey(kv=0, c=1, epoch=1)", "3: Win(c=1, epoch=1, token=3, to=1)"]
    assert actions(found.trace)[8] == "Tick(now=2, lagging=0)"
    assert view(model, found.trace.final, "c0.clock", "c1.clock", "c0.lease_until") == {
        "c0.clock": "2", "c1.clock": "3", "c0.lease_until": 2}


def test_the_margin_must_be_below_the_ttl():
    with pytest.raises(ParamError) as error:
        LeaseElection(margin_ms=5000)
    assert str(error.value) == ("<spec>: params.margin_ms: margin_ms = 5000 leaves no lease of "
                                "ttl_ms = 5000; use a margin below the TTL")


# -- the slow link ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, verdict", [
    ("lease-slow-link", "holds"), ("lease-slow-link-1000ms", "holds"),
    pytest.param("large/lease-slow-link-1500ms", "violated", marks=pytest.mark.slow),
    ("lease-slow-link-2000ms", "violated")])
def test_the_slow_link_threshold(name, verdict):
    _, _, result = checked_spec(f"{name}.yaml")
    assert result.verdict == verdict


def test_at_2s_latency_the_new_leader_gives_up_before_its_first_answer():
    model, found = violation("lease-slow-link-2000ms")
    assert found.reason == ("c0 stopped leading at tick 5: its view of its lease ran out "
                            "before a keep-alive's answer came back")
    assert timeline(found.trace) == [
        "0: Campaign(c=0)", "1: GrantLease(kv=0, c=0, epoch=1, sent=0)", "1: Heartbeat(c=0)",
        "2: Heartbeat(c=0)", "3: GetLease(c=0, epoch=1, sent=0, to=0)",
        "3: CreateKey(kv=0, c=0, epoch=1)", "3: Win(c=0, epoch=1, token=1, to=0)",
        "3: Heartbeat(c=0)", "4: Heartbeat(c=0)", "5: LeaseRunsOut(c=0)"]
    assert view(model, found.trace.final, "c0.role", "kv0.key") == {
        "c0.role": "follower", "kv0.key": "Key(holder=0, epoch=1, token=1, created=3)"}


@pytest.mark.slow
def test_at_1500ms_latency_two_round_trips_fill_the_ttl():
    """In 500 ms ticks: the grant's round trip takes 3 s, the first
    keep-alive's 2 s (0.5 s there, 1.5 s back), and its answer arrives in the
    instant the leader's view of the lease (0 + 5 s) runs out."""
    model, found = violation("large/lease-slow-link-1500ms")
    assert found.reason == ("c0 stopped leading at tick 10: its view of its lease ran out "
                            "before a keep-alive's answer came back")
    assert len(found.trace) == 21
    assert timeline(found.trace) == [
        "0: Campaign(c=0)", "2: Heartbeat(c=0)", "3: GrantLease(kv=0, c=0, epoch=1, sent=0)",
        "4: Heartbeat(c=0)", "6: Heartbeat(c=0)", "6: GetLease(c=0, epoch=1, sent=0, to=0)",
        "6: CreateKey(kv=0, c=0, epoch=1)", "6: Win(c=0, epoch=1, token=1, to=0)",
        "7: RenewLease(kv=0, c=0, epoch=1, sent=6)", "8: Heartbeat(c=0)",
        "10: LeaseRunsOut(c=0)"]
    assert view(model, found.trace.final, "now", "c0.role", "kv0.leases", "network") == {
        "now": 10, "c0.role": "follower",
        "kv0.leases": ["Lease(owner=0, epoch=1, deadline=17)"],
        "network": ["KeepAlive(c=0, epoch=1, sent=8) (due in 1)",
                    "KeepAliveOk(epoch=1, sent=6, to=0) (due in 0)"]}


@pytest.mark.slow
def test_at_1250ms_latency_the_round_trips_take_the_whole_ttl():
    """The first failing latency the rule 4 x latency >= TTL predicts, in
    250 ms ticks: the grant comes back at 2.5 s, and the first keep-alive's
    answer in the instant the leader's view runs out, at 5 s."""
    model, found = violation("large/lease-slow-link-1250ms")
    assert found.reason == ("c0 stopped leading at tick 20: its view of its lease ran out "
                            "before a keep-alive's answer came back")
    steps = timeline(found.trace)
    assert len(found.trace) == 32
    assert "10: GetLease(c=0, epoch=1, sent=0, to=0)" in steps
    assert steps[-1] == "20: LeaseRunsOut(c=0)"
    assert view(model, found.trace.final, "now", "c0.role")["now"] == 20


def test_a_keepalive_that_never_renews_loses_the_key_one_ttl_after_the_grant():
    model, found = violation("lease-mutant-keepalive-never-renews")
    assert found.property.name == "leader_keeps_key"
    assert found.reason == "c0's lease expired and its key was deleted at tick 26"
    assert len(found.trace) == 47
    assert timeline(found.trace)[-5:] == [
        "20: Heartbeat(c=0)", "20: RenewLease(kv=0, c=0, epoch=1, sent=20)",
        "20: Renewed(c=0, epoch=1, sent=20, to=0)", "25: Heartbeat(c=0)", "26: Expire(kv=0)"]
    assert view(model, found.trace.final, "c0.role", "c0.lease_until", "kv0.key") == {
        "c0.role": "leader", "c0.lease_until": 45, "kv0.key": None}


# -- crash without release ----------------------------------------------------------------------


@pytest.mark.slow
def test_failover_worst_case_is_ttl_plus_one_round():
    _, model, result = checked_spec("large/lease-crash-failover.yaml")
    assert result.verdict == "holds"
    (witness,) = result.witnesses
    assert witness.property.name == "failover_at_bound"
    key = model.store(witness.trace.final).key
    crashed_at = model.candidate(witness.trace.final, 0).crashed_at
    assert key.holder == 1 and key.created - crashed_at == model.failover_bound == 3


def test_a_shorter_ttl_fails_over_sooner_but_loses_a_healthy_leader():
    _, long_model, long_result = checked_spec("lease-crash-failover-ttl-5s.yaml")
    short_model, found = violation("lease-crash-failover-ttl-2s")
    assert long_result.verdict == "holds"
    assert (long_model.failover_bound, short_model.failover_bound) == (9, 6)
    assert found.property.name == "leader_keeps_key"
    assert timeline(found.trace) == [
        "0: Campaign(c=0)", "0: GrantLease(kv=0, c=0, epoch=1, sent=0)",
        "1: GetLease(c=0, epoch=1, sent=0, to=0)", "1: CreateKey(kv=0, c=0, epoch=1)",
        "1: Win(c=0, epoch=1, token=1, to=0)", "1: Heartbeat(c=0)", "2: LeaseRunsOut(c=0)"]


# its spec file's run (tests/test_specs.py) pins the verdict and length by default
@pytest.mark.slow
def test_a_store_silent_on_expiry_leaves_the_watcher_waiting_past_the_bound():
    model, found = violation("lease-mutant-expiry-tells-no-watcher")
    assert found.property.name == "bounded_failover"
    assert found.reason == "c0 crashed as leader 4 ticks ago and no one holds the key"
    assert len(found.trace) == 20
    assert timeline(found.trace) == [
        "0: Campaign(c=0)", "0: GrantLease(kv=0, c=0, epoch=1, sent=0)",
        "0: GetLease(c=0, epoch=1, sent=0, to=0)", "0: RenewLease(kv=0, c=0, epoch=1, sent=0)",
        "0: CreateKey(kv=0, c=0, epoch=1)", "0: Win(c=0, epoch=1, token=1, to=0)",
        "0: Renewed(c=0, epoch=1, sent=0, to=0)", "0: Crash(c=0)",
        "3: Campaign(c=1)", "3: GrantLease(kv=0, c=1, epoch=1, sent=3)",
        "3: GetLease(c=1, epoch=1, sent=3, to=1)", "3: RenewLease(kv=0, c=1, epoch=1, sent=3)",
        "3: CreateKey(kv=0, c=1, epoch=1)", "3: Expire(kv=0)", "3: Lose(c=1, epoch=1, to=1)",
        "3: Renewed(c=1, epoch=1, sent=3, to=1)"]
    assert view(model, found.trace.final, "now", "c0.role", "c0.crashed_at", "c1.role",
                "kv0.key", "kv0.watchers", "network") == {
        "now": 4, "c0.role": "crashed", "c0.crashed_at": 0, "c1.role": "watching",
        "kv0.key": None, "kv0.watchers": [], "network": []}


def test_a_client_counting_from_the_answer_believes_past_the_stores_deadline():
    model, found = violation("lease-mutant-counts-from-answer")
    assert found.property.name == "one_believes"
    assert found.reason == "c0 (token 1) and c1 (token 3) both believe they lead at tick 2"
    assert len(found.trace) == 13
    assert timeline(found.trace) == [
        "0: Campaign(c=0)", "0: GrantLease(kv=0, c=0, epoch=1, sent=0)", "0: Campaign(c=1)",
        "1: GrantLease(kv=0, c=1, epoch=1, sent=0)", "1: GetLease(c=0, epoch=1, sent=0, to=0)",
        "1: CreateKey(kv=0, c=0, epoch=1)", "1: Win(c=0, epoch=1, token=1, to=0)",
        "2: Expire(kv=0)", "2: GetLease(c=1, epoch=1, sent=0, to=1)",
        "2: CreateKey(kv=0, c=1, epoch=1)", "2: Win(c=1, epoch=1, token=3, to=1)"]
    # the store's deadline for c0's lease was 1; c0 counted from the answer at 1
    assert view(model, found.trace.final, "c0.lease_until", "c1.lease_until", "kv0.leases") == {
        "c0.lease_until": 2, "c1.lease_until": 3,
        "kv0.leases": ["Lease(owner=1, epoch=1, deadline=2)"]}


@pytest.mark.slow
def test_a_client_counting_from_the_send_time_stops_believing_in_time():
    _, _, result = checked_spec("large/lease-counts-from-send.yaml")
    assert result.verdict == "holds"


def test_a_resigning_leader_hands_over_at_once():
    _, model, result = checked_spec("lease-resign.yaml")
    assert result.verdict == "holds"
    (witness,) = result.witnesses
    assert witness.property.name == "handover_after_resign"
    assert timeline(witness.trace) == [
        "0: Campaign(c=0)", "0: GrantLease(kv=0, c=0, epoch=1, sent=0)",
        "0: GetLease(c=0, epoch=1, sent=0, to=0)", "0: CreateKey(kv=0, c=0, epoch=1)",
        "0: Win(c=0, epoch=1, token=1, to=0)", "0: Resign(c=0)",
        "0: RevokeLease(kv=0, c=0, epoch=1)", "0: Campaign(c=1)",
        "0: GrantLease(kv=0, c=1, epoch=1, sent=0)", "0: GetLease(c=1, epoch=1, sent=0, to=1)",
        "0: CreateKey(kv=0, c=1, epoch=1)"]
    assert view(model, witness.trace.final, "c0.role", "kv0.released_at", "kv0.key") == {
        "c0.role": "follower", "kv0.released_at": 0,
        "kv0.key": "Key(holder=1, epoch=1, token=3, created=0)"}


# -- ZooKeeper ----------------------------------------------------------------------------------------


def test_zookeeper_gives_the_same_two_writers_without_fencing():
    model, found = violation("lease-zookeeper-single-writer-no-fencing")
    assert found.property.name == "single_writer"
    assert found.reason == "db0 accepted c0's write with token 2 after c1's with token 6"
    assert len(found.trace) == 20


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lease-single-writer-fencing",
                                  "lease-zookeeper-single-writer-fencing",
                                  "lease-three-candidates-single-writer-fencing"])
def test_fencing_holds_with_revisions_and_with_zxids(name):
    _, _, result = checked_spec(f"large/{name}.yaml")
    assert result.verdict == "holds"


def test_a_zookeeper_client_learns_later_than_an_etcd_client():
    model, found = violation("lease-zookeeper-learns-late")
    assert found.property.name == "leader_learns_first"
    assert timeline(found.trace) == [
        "0: Campaign(c=0)", "0: GrantLease(kv=0, c=0, epoch=1, sent=0)",
        "1: Heartbeat(c=0)", "1: GetLease(c=0, epoch=1, sent=0, to=0)",
        "1: CreateKey(kv=0, c=0, epoch=1)", "1: Win(c=0, epoch=1, token=2, to=0)",
        "1: Drop(message=KeepAlive(c=0, epoch=1, sent=1))", "2: Heartbeat(c=0)"]
    # the server's deadline was 2; the client counts from the answer it got at 1
    assert view(model, found.trace.final, "now", "c0.lease_until", "kv0.leases") == {
        "now": 3, "c0.lease_until": 3, "kv0.leases": ["Lease(owner=0, epoch=1, deadline=2)"]}


# -- time in the model and in reports --------------------------------------------------------------


def test_time_parameters_must_be_multiples_of_the_tick():
    with pytest.raises(ParamError) as error:
        LeaseElection(latency_ms=150)
    assert str(error.value) == (
        "<spec>: params.latency_ms: latency_ms = 150 is not a multiple of tick_ms = 100; use a tick "
        "that divides every time parameter, e.g. tick_ms: 50")


@pytest.mark.parametrize("given, said", [
    (dict(pause_ms=4000), "params.pauses: pause_ms = 4000 is a pause's length, but pauses = 0 "
                          "lets none happen; give pauses: 1 or more, or remove pause_ms"),
    (dict(pauses=1), "params.pause_ms: pauses = 1 lets pauses happen, but pause_ms = 0 makes "
                     "each last nothing; give pause_ms, or remove pauses"),
])
def test_a_pause_s_length_without_pauses_or_pauses_without_length_is_refused(given, said):
    # (an operator's pause_ms: 4000 alone paused nothing, and the single
    # writer held, with no word of why)
    with pytest.raises(ParamError) as error:
        LeaseElection(**given)
    assert str(error.value) == f"<spec>: {said}"
    assert LeaseElection(pause_ms=4000, pauses=1).pause == 40


def test_a_spec_with_a_tick_that_does_not_divide_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from cmc.main import cli
    spec = tmp_path / "bad.yaml"
    spec.write_text("model: lease-election\nparams: {latency_ms: 150}\n")
    result = CliRunner().invoke(cli, ["check", str(spec)])
    assert result.exit_code == 2
    assert result.output == (
        f"error: {spec}:2: params.latency_ms: latency_ms = 150 is not a multiple of "
        "tick_ms = 100; use a tick that divides every time parameter, e.g. tick_ms: 50\n")


def test_reports_show_the_tick_and_each_clock():
    model = LeaseElection(drift_ms=100)
    (initial,) = model.initial_states()
    shown = model.state_view(initial)
    assert (shown["now"], shown["c0.clock"], shown["c1.clock"]) == (0, "0", "0")
    tick = model.clock.Tick(1, 0)
    later = dict(model.successors(initial))[tick]
    assert model.state_view(later)["c0.clock"] == "0"
    assert model.state_view(later)["c1.clock"] == "1"
    assert model.step_events(initial, tick, later) == [
        Note("clock", "now 1, c0.clock 0, c1.clock 1")]


def test_every_report_format_shows_the_clock():
    """Tick 10 of the two-believers counterexample (c0 wakes from its pause
    at tick 3), as text, JSON, HTML (trace and chart) and Markdown (trace
    and Mermaid chart); the chart's arrows join each answer to its request."""
    from reports.html import render_html
    from reports.json import finding_document
    from reports.run import Checked
    from reports.summary import render_summary
    from reports.text import render_finding

    spec, model, result = checked_spec("lease-two-believe-with-fencing.yaml")
    checked = Checked(str(spec.path), model, result, spec.expect)
    (found,) = result.violations
    text = "\n".join(render_finding(model, found))
    assert ("  10  Tick(now=3, lagging=none)\n"
            "        now: 2 → 3\n"
            "        c0.clock: 2 (paused, 1 left) → 3\n"
            "        c1.clock: 2 → 3\n") in text
    state = finding_document(model, found)["trace"][10]["state"]
    assert (state["now"], state["c0.clock"], state["c1.clock"]) == (3, "3", "3")
    page = render_html(checked)
    assert ('<span class="field">now</span>: <span class="old">2</span> → '
            '<span class="new">3</span>') in page
    assert ('<span class="field">c0.clock</span>: <span class="old">2 (paused, 1 left)'
            '</span> → <span class="new">3</span>') in page
    assert 'fill="#553">now 3, c0.clock 3, c1.clock 3, pauses_left 0</text>' in page
    summary = render_summary([checked])
    assert "        c0.clock: 2 (paused, 1 left) → 3\n" in summary
    assert ("    Note over clock: 10 · Tick(now=3, lagging=none)<br/>now 3, c0.clock 3, "
            "c1.clock 3, pauses_left 0\n") in summary
    assert "    kv0->>c0: Elected(epoch=1, token=1, to=0) (sent at step 5)\n" in summary


@pytest.mark.slow
def test_a_finer_tick_gives_the_same_counterexample():
    """The clock's claim: a tick that divides every constant changes counts,
    not answers. Half-second ticks find the same shortest counterexample as
    the spec's one-second ticks, step for step but for the ticks; the times
    agree but for the store's expiry, at the first tick past a deadline,
    which comes half a second sooner."""
    spec, coarse, coarse_result = checked_spec("lease-single-writer-no-fencing.yaml")
    fine = LeaseElection(**{**coarse.parameters(), "tick_ms": 500})
    fine_result = checker.check(fine, spec.config())
    (coarse_found,), (fine_found,) = coarse_result.violations, fine_result.violations
    assert fine_found.reason == coarse_found.reason

    def in_ms(trace, tick_ms):
        return [(step.split(": ", 1)[1].split("(")[0], int(step.split(":")[0]) * tick_ms)
                for step in timeline(trace)]
    fine_steps, coarse_steps = in_ms(fine_found.trace, 500), in_ms(coarse_found.trace, 1000)
    assert [name for name, _ in fine_steps] == [name for name, _ in coarse_steps]
    assert [(name, coarse_ms - fine_ms) for (name, fine_ms), (_, coarse_ms)
            in zip(fine_steps, coarse_steps) if fine_ms != coarse_ms] == [("Expire", 500)]


@pytest.mark.slow  # (seconds: the default suite keeps under 5 minutes)
def test_a_step_that_sends_nothing_is_charted_at_its_own_node():
    """The store's Expire reads and sends nothing (the mutant tells no
    watcher): its row stands on kv0's lifeline, not across every node."""
    from reports.sequence import build_chart, render_mermaid

    model, found = violation("lease-mutant-expiry-tells-no-watcher")
    chart = render_mermaid(build_chart(model, found.trace)).splitlines()
    assert [line for line in chart if "Expire" in line] == ["    Note over kv0: 17 · Expire(kv=0)"]


def test_failover_is_timed_on_a_crashed_leader_s_clock_while_it_is_paused():
    # c0 crashed as leader at 0 and its process is paused (a pause may start
    # on any candidate): its clock runs on, and the property reads it there
    # (it raised TypeError, `Clock.reading` being None while paused)
    model = LeaseElection(candidates=2, ttl_ms=200, heartbeat_ms=100, latency_ms=0,
                          pause_ms=100, pauses=1, crashes=1, campaigns=1, horizon_ms=400,
                          writes=False, tick_ms=100)
    store, c0, c1, resource, clock, network = next(iter(model.initial_states()))
    crashed = c0._replace(role="crashed", crashed_at=0, crashes_left=0)
    watching = c1._replace(role="watching")

    def at(now):
        return (store, crashed, watching, resource,
                clock._replace(now=now, paused=(1, 0), pauses_left=0), network)
    assert model.failover_bound == 3
    assert model.bounded_failover(at(3)) is True
    assert model.bounded_failover(at(4)).reason == (
        "c0 crashed as leader 4 ticks ago and no one holds the key")
