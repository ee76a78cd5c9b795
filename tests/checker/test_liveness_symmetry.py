"""Temporal properties under symmetry (`checker.liveness`): the behaviour
graph over representatives, one state per orbit, where every predicate is
symmetric and every fairness family is one condition closed under renaming
(an action name, a ``|`` of those, ``*``, or one per value renaming leaves
alone: each client's, the desks renamed); the lasso shown is a run of the
model, its loop gone round until it closes. The verdict is the one without
symmetry; a family per element, per instance or naming a value, a property
of each member of a set that renaming swaps, and a predicate that tells
nodes apart are refused in one line (a property of each member that
renaming leaves alone is checked member by member on the orbits). The token
relay is in tests/checker/liveness_symmetry_relay.py, the desks in
tests/checker/liveness_symmetry_desk.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import checker
from checker.errors import SpecError
from checker.result import CheckConfig
from cmc.main import cli
from checker import behaviour_graph, liveness
from checker.symmetry_guard import SoundnessGuard
from tests.checker.liveness_symmetry_desk import Desks
from tests.checker.liveness_symmetry_relay import Relay

RELAY = Path(__file__).with_name("liveness_symmetry_relay.py")
DESKS = Path(__file__).with_name("liveness_symmetry_desk.py")
SPECS = Path(__file__).resolve().parents[2] / "specs"
PASS = (("weak", "Pass"),)


def run(model, properties=("token_retired",), fairness=PASS, symmetry=True, **options):
    return checker.check(model, CheckConfig(properties=properties, fairness=fairness,
                                            symmetry=symmetry, deadlock=False, **options))


def shown(finding):
    """The finding's actions after the initial state, where its loop starts,
    its last state, its reason."""
    return ([str(step.action) for step in finding.trace.steps[1:]], finding.loop_start,
            finding.trace.final, finding.reason)


# -- accepted: the verdict without symmetry, on the orbits ------------------------------


@pytest.mark.parametrize("nodes, states", [(2, 4), (3, 6), (4, 8)])
def test_the_relay_breaks_eventually_on_its_orbits_as_on_its_states(nodes, states):
    reduced, whole = run(Relay(nodes=nodes)), run(Relay(nodes=nodes), symmetry=())
    assert (whole.verdict, whole.stats.distinct_states, whole.stats.graph_states) == (
        "violated", states, states)
    # two orbits: the token held, and retired
    assert (reduced.verdict, reduced.stats.distinct_states, reduced.stats.graph_states) == (
        "violated", 2, 2)
    # the reduced graph's loop is one Pass, from the orbit to itself: gone
    # round once it leads from n0 to n1, a renaming, so the lasso goes round
    # twice, back to n0's state exactly
    assert shown(reduced.violation("token_retired")) == (
        ["Pass(frm=0, to=1)", "Pass(frm=1, to=0)"], 0, (0, False),
        "a fair behaviour never reaches Token Retired (at step 0: n0 holds the token)")
    assert shown(whole.violation("token_retired")) == shown(
        reduced.violation("token_retired"))


@pytest.mark.parametrize("fairness, verdict", [
    (PASS, "violated"),
    ((("weak", "Pass"), ("weak", "Retire")), "holds"),
    ((("weak", "Pass | Retire"),), "violated"),
    ((("strong", "Retire"),), "holds"),
    ((("weak", "*"),), "violated"),
    ((), "violated"),
])
def test_families_closed_under_renaming_are_accepted_with_the_verdict_without(
        fairness, verdict):
    properties = ("token_retired", "passed_token_retired")
    reduced = run(Relay(), properties, fairness)
    whole = run(Relay(), properties, fairness, symmetry=())
    assert reduced.verdict == whole.verdict == verdict
    assert [f.property.name for f in reduced.violations] == [
        f.property.name for f in whole.violations]
    assert reduced.stats.graph_states == 2


def test_no_fairness_stutters_in_the_initial_orbit():
    finding = run(Relay(), fairness=()).violation("token_retired")
    assert shown(finding) == ([], 0, (0, False), "a fair behaviour never reaches Token Retired "
                              "(at step 0: n0 holds the token)")


def test_leads_to_is_broken_by_the_same_unrolled_loop():
    finding = run(Relay(), ("passed_token_retired",)).violation("passed_token_retired")
    assert shown(finding) == (
        ["Pass(frm=0, to=1)", "Pass(frm=1, to=0)"], 0, (0, False),
        "a fair behaviour breaks Passed Token Retired: the first part holds, the second "
        "never after (at step 0: n0 holds the token)")


def test_once_always_carries_the_reason_its_second_part_gives():
    for symmetry in (True, ()):
        finding = run(Relay(), ("retired_for_good",), symmetry=symmetry).violation(
            "retired_for_good")
        assert shown(finding) == (
            ["Retire(node=0)"], 1, (0, True),
            "a behaviour breaks Retired For Good: the first part holds at step 1 and the "
            "second fails there (n0 retired the token)")


def test_once_always_alone_takes_any_fairness_under_symmetry():
    # fairness plays no part in [](P => []Q): a family per node is no matter
    result = run(Relay(), ("retired_for_good",), (("weak", "Pass(frm=*)"),))
    assert (result.verdict, result.stats.graph_states) == ("violated", 2)


# -- the dueling proposers of paxos-liveness, acceptors interchangeable ------------------


def dueling(tmp_path: Path, symmetry: bool) -> Path:
    """paxos-liveness-dueling with each family named as one (DeliverRequest,
    not DeliverRequest(*)), with or without symmetry, no expectation."""
    text = (SPECS / "paxos-liveness-dueling.yaml").read_text()
    text = text[:text.index("expect:")].replace(
        'fairness: {weak: [Propose, "DeliverRequest(*)", "DeliverReply(*)"]}',
        "fairness: {weak: [Propose, DeliverRequest, DeliverReply]}")
    path = tmp_path / f"dueling-{int(symmetry)}.yaml"
    path.write_text(text + f"symmetry: {str(symmetry).lower()}\n")
    return path


LIVELOCK = ["Propose(p=0)", "Propose(p=1)", "DeliverRequest(p=0, a=0)",
            "DeliverRequest(p=1, a=1)", "DeliverReply(a=0, p=0)", "Retry(p=0)",
            "DeliverRequest(p=0, a=0)", "DeliverReply(a=1, p=1)", "Retry(p=1)",
            "DeliverRequest(p=1, a=1)"]


def test_dueling_proposers_livelock_on_orbits_and_the_replay_confirms_it(tmp_path):
    found = {}
    for symmetry in (False, True):
        folder = tmp_path / f"out-{int(symmetry)}"
        spec = dueling(tmp_path, symmetry)
        checked = CliRunner().invoke(cli, ["check", str(spec), "--out", str(folder)])
        assert checked.exit_code == 1, checked.output
        [report] = folder.glob("*.json")
        document = json.loads(report.read_text())["results"][0]
        (violation,) = document["violations"]
        found[symmetry] = (document["verdict"], document["stats"]["distinct_states"],
                           document["stats"]["graph_states"], violation["property"],
                           violation["stem_length"], violation["loop_length"],
                           [step["action"]["text"] for step in violation["trace"][1:]])
        replayed = CliRunner().invoke(cli, ["check", str(spec), "--replay", str(report),
                                            "--format", "json"])
        assert replayed.exit_code == 1, replayed.output
        (again,) = json.loads(replayed.output)["results"]
        assert (again["verdict"], again["stopped_by"]) == ("violated", "replay")
        assert [v["property"] for v in again["violations"]] == ["termination"]
        assert again["stats"]["replay"]["loop"] == (
            "a lasso: a stem of 4 steps, then a loop of 6 steps back to step 4's state; "
            "termination judged on it under the spec's fairness")
    assert found[False] == ("violated", 4549, 4549, "termination", 4, 6, LIVELOCK)
    # acceptors a0 and a1 interchangeable: 2,315 orbits, the same lasso
    assert found[True] == ("violated", 2315, 2315, "termination", 4, 6, LIVELOCK)


def test_a_lasso_gone_round_twice_replays(tmp_path):
    spec = tmp_path / "relay.yaml"
    spec.write_text(f"model: {RELAY}:Relay\nparams: {{nodes: 3}}\nproperties: "
                    "[token_retired]\nfairness: {weak: [Pass]}\ndeadlock: false\n"
                    "symmetry: true\n")
    folder = tmp_path / "out"
    checked = CliRunner().invoke(cli, ["check", str(spec), "--out", str(folder)])
    assert checked.exit_code == 1, checked.output
    report = folder / "relay.json"
    (violation,) = json.loads(report.read_text())["results"][0]["violations"]
    assert (violation["stem_length"], violation["loop_length"]) == (0, 2)
    replayed = CliRunner().invoke(cli, ["check", str(spec), "--replay", str(report),
                                        "--format", "json"])
    assert replayed.exit_code == 1, replayed.output
    (again,) = json.loads(replayed.output)["results"]
    assert [v["property"] for v in again["violations"]] == ["token_retired"]
    assert again["stats"]["replay"]["loop"] == (
        "a lasso: a stem of 0 steps, then a loop of 2 steps back to step 0's state; "
        "token_retired judged on it under the spec's fairness")


# -- refused: in one line, naming the family or the property and the fix -------------------


@pytest.mark.parametrize("family, message", [
    ("Pass(frm=*)", "fairness `Pass(frm=*)` is to each frm apart, which symmetry does not "
                    "keep: name the action as one (`Pass`) or remove symmetry: from the spec "
                    "(or pass --no-symmetry)"),
    ("Pass(*)", "fairness `Pass(*)` is to each instance of Pass apart, which symmetry does not "
                "keep: name the action as one (`Pass`) or remove symmetry: from the spec (or "
                "pass --no-symmetry)"),
    ("Pass(to=0) | Retire", "fairness `Pass(to=0) | Retire` picks its steps by a value (to=0), "
                            "which symmetry does not keep: name the action as one (`Pass | "
                            "Retire`) or remove symmetry: from the spec (or pass "
                            "--no-symmetry)"),
])
def test_a_family_apart_per_node_or_naming_one_is_refused(family, message):
    with pytest.raises(SpecError) as refused:
        run(Relay(), fairness=(("weak", "Retire"), ("strong", family)))
    assert (refused.value.field, refused.value.message) == ("fairness.strong[0]", message)


def test_a_predicate_telling_nodes_apart_is_refused():
    with pytest.raises(checker.CheckerError) as refused:
        run(Relay(), ("node_zero_holds",))
    assert str(refused.value) == (
        "symmetry over nodes is unsound for model 'relay': property 'node_zero_holds' (Node "
        "Zero Holds) changes when elements are renamed; check it without symmetry (symmetry: "
        "false) or choose other sets")
    assert run(Relay(), ("node_zero_holds",), symmetry=()).verdict == "violated"


def test_a_property_of_each_node_is_refused():
    with pytest.raises(SpecError) as refused:
        run(Relay(), ("each_node_held",))
    assert str(refused.value) == (
        "<spec>: symmetry: temporal property 'each_node_held' is of each node: one property "
        "per node, whose answers renaming nodes changes (a renaming gives one's answer to "
        "another); check it without symmetry: remove symmetry: from the spec (or pass --no-symmetry)")


# -- a property of each member: accepted where renaming leaves the members alone --------


SERVE = (("weak", "Serve"),)


@pytest.mark.parametrize("returns, fairness, verdict, actions", [
    # a served client comes back and is served again for ever, c0 waiting:
    # the loop Serve, Return twice over (once lights the desk, twice puts it out)
    (True, SERVE, "violated", ["Serve(client=1, desk=0)", "Return(client=1)",
                               "Serve(client=1, desk=0)", "Return(client=1)"]),
    (True, (), "violated", []),
    (False, SERVE, "holds", None),
    (False, (), "violated", []),
])
def test_a_property_of_each_client_is_checked_on_the_desks_orbits(
        returns, fairness, verdict, actions):
    # renaming desks leaves the clients where they are: each client's
    # property is one of the orbits, with the verdict and lasso without symmetry
    model = Desks(clients=2, desks=3, returns=returns)
    reduced = run(model, ("each_client_served",), fairness)
    whole = run(Desks(clients=2, desks=3, returns=returns), ("each_client_served",), fairness,
                symmetry=())
    # the lights of 3 desks by how many are lit: 4 orbits of 8 placements
    # (of those reachable: 16 and 32 states with returns, 5 and 11 without)
    assert (reduced.stats.distinct_states, whole.stats.distinct_states) == (
        (16, 32) if returns else (5, 11))
    assert reduced.verdict == whole.verdict == verdict
    if actions is None:
        assert reduced.violations == whole.violations == ()
        return
    finding = reduced.violation("each_client_served")
    assert shown(finding) == shown(whole.violation("each_client_served")) == (
        actions, 0, ((True, True), (False, False, False)),
        "for client c0, a fair behaviour never reaches Each Client Served (at step 0: c0 "
        "is waiting)")


@pytest.mark.parametrize("families, verdict", [
    # one condition per client: renaming desks keeps each (a client's
    # Serve steps at any desk), so a fair loop of the orbits lifts to one
    (["Serve(client=*)"], "holds"),
    (["Serve(client=0) | Serve(client=1)"], "violated"),  # one condition over both
    (["Serve(client=0)", "Serve(client=1)"], "holds"),
])
def test_fairness_to_each_client_is_kept_by_renaming_desks(families, verdict):
    fairness = tuple(("weak", family) for family in families)
    reduced = run(Desks(clients=2, desks=3), ("each_client_served",), fairness)
    whole = run(Desks(clients=2, desks=3), ("each_client_served",), fairness, symmetry=())
    assert (reduced.stats.distinct_states, whole.stats.distinct_states) == (16, 32)
    assert reduced.verdict == whole.verdict == verdict
    assert [shown(f) for f in reduced.violations] == [shown(f) for f in whole.violations]


@pytest.mark.parametrize("family, why", [
    ("Serve(desk=*)", "is to each desk apart"),
    ("Serve(*)", "is to each instance of Serve apart"),
    ("Serve(desk=0)", "picks its steps by a value (desk=0)"),
])
@pytest.mark.parametrize("before", [True, False])
def test_fairness_to_each_desk_is_refused(family, why, before, monkeypatch):
    # renaming desks moves its steps to another desk's condition: tried on
    # the first states before the run, or (were those alike) on the graph's sample
    if not before:
        monkeypatch.setattr(liveness, "TRIED_BEFORE", 0)
    with pytest.raises(SpecError) as refused:
        run(Desks(clients=2, desks=3), ("each_client_served",), (("weak", family),))
    assert (refused.value.field, refused.value.message) == (
        "fairness.weak[0]", f"fairness `{family}` {why}, which symmetry does not keep: name "
        "the action as one (`Serve`) or remove symmetry: from the spec (or pass "
        "--no-symmetry)")


def test_unsampled_fairness_to_a_desk_is_refused_on_the_real_run_shown(monkeypatch):
    # nothing tried before the run nor sampled in the graph: the lasso,
    # turned back from representatives, takes other conditions than theirs
    monkeypatch.setattr(liveness, "TRIED_BEFORE", 0)
    monkeypatch.setattr(behaviour_graph.Graph, "_sample_fairness", lambda *_: None)
    with pytest.raises(checker.CheckerError) as refused:
        run(Desks(clients=2, desks=3), ("each_client_served",), (("weak", "Serve(desk=*)"),))
    assert str(refused.value) == (
        "symmetry over desks is unsound for model 'desks': its fairness (fairness:) gives a "
        "state or step of the run shown other conditions than the representative it stands "
        "for; check it without symmetry (symmetry: false) or choose other sets")


def test_a_property_of_each_desk_is_refused_before_the_run():
    # renaming desks swaps the desks it is of: one of the first states shows it
    with pytest.raises(SpecError) as refused:
        run(Desks(), ("each_desk_lit", "each_client_served"), SERVE)
    assert str(refused.value) == (
        "<spec>: symmetry: temporal property 'each_desk_lit' is of each desk: one property "
        "per desk, whose answers renaming desks changes (a renaming gives one's answer to "
        "another); check it without symmetry: remove symmetry: from the spec (or pass --no-symmetry)")
    assert run(Desks(), ("each_desk_lit",), SERVE, symmetry=()).verdict == "violated"


@pytest.mark.parametrize("sampled, how", [
    # were the desks told apart only in states past those tried before the
    # run: the graph's sample refuses it
    (True, "Desk Lit), of each desk, changes when elements are renamed"),
    # nothing sampled: the lasso, turned back from representatives, gives a
    # desk another answer than its representative gave
    (False, "Desk Lit) gives one answer on a representative state and another on the real "
            "state it stands for"),
])
def test_past_the_first_states_a_property_of_each_desk_is_refused(sampled, how, monkeypatch):
    monkeypatch.setattr(liveness, "TRIED_BEFORE", 0)
    if not sampled:
        monkeypatch.setattr(SoundnessGuard, "SAMPLE", 0)
        monkeypatch.setattr(SoundnessGuard, "SPREAD", 1 << 62)
    with pytest.raises(checker.CheckerError) as refused:
        run(Desks(), ("each_desk_lit",), SERVE)
    assert str(refused.value) == (
        "symmetry over desks is unsound for model 'desks': property 'each_desk_lit' (Each "
        f"{how}; check it without symmetry (symmetry: false) or choose other sets")


def test_the_cli_checks_each_client_under_symmetry_and_refuses_each_desk_exit_2(tmp_path):
    spec = tmp_path / "desks.yaml"
    spec.write_text(f"model: {DESKS}:Desks\nparams: {{returns: false}}\n"
                    "properties: [each_client_served]\nfairness: {weak: [Serve]}\n"
                    "deadlock: false\nsymmetry: true\nexpect: {verdict: holds}\n")
    assert CliRunner().invoke(cli, ["check", str(spec), "--no-progress"]).exit_code == 0
    spec.write_text(spec.read_text().replace("each_client_served", "each_desk_lit"))
    assert refused(spec) == (
        f"error: {spec}:6: symmetry: temporal property 'each_desk_lit' is of each desk: one "
        "property per desk, whose answers renaming desks changes (a renaming gives one's "
        "answer to another); check it without symmetry: remove symmetry: from the spec (or pass --no-symmetry)\n")


def refused(spec: Path) -> str:
    """The line `cmc check` refuses `spec` with: exit 2, nothing on stdout."""
    result = CliRunner().invoke(cli, ["check", str(spec), "--no-progress"])
    assert (result.exit_code, result.stdout) == (2, "")
    return result.stderr


def test_the_cli_refuses_a_family_per_node_at_its_line_exit_2(tmp_path):
    spec = tmp_path / "apart.yaml"
    spec.write_text(f"model: {RELAY}:Relay\nproperties: [token_retired]\n"
                    "fairness: {weak: [\"Pass(frm=*)\"]}\ndeadlock: false\nsymmetry: true\n")
    assert refused(spec) == (
        f"error: {spec}:3: fairness.weak[0]: fairness `Pass(frm=*)` is to each frm apart, "
        "which symmetry does not keep: name the action as one (`Pass`) or remove symmetry: "
        "from the spec (or pass --no-symmetry)\n")
    assert CliRunner().invoke(cli, ["check", str(spec), "--no-symmetry"]).exit_code == 1

