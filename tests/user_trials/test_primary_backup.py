"""A new user's primary-backup register (tests/user_trials/primary_backup.py):
its figures per bound, each mutant's shortest counterexample, the liveness
verdicts, and the command line on it (exit codes, replay, trace validation,
explore, reports).

Figures, one process, no symmetry (none is sound: s1 starts as primary,
each writer writes its own value, and the history names clients by string).
TLC 2.15 (`-workers 1 -deadlock`) on a hand transcription of the model
(PB.tla, not in the repository: /tmp/pbtrial/tla when it was made) gave the
same distinct and generated counts on every row, and its depth plus one:

| bound | distinct | generated | depth |
|---|---:|---:|---:|
| 1 writer, 1 view change, 1 retry | 766 | 2,391 | 16 |
| 1 writer + 1 reader, no retry | 1,704 | 4,944 | 14 |
| 1 writer + 1 reader, 1 retry (primary_backup.yaml) | 10,092 | 34,737 | 19 |
| 1 writer, 1 retry, 1 crash | 2,448 | 7,368 | 17 |
| 1 writer, 1 retry, 1 drop, 1 duplicate | 11,178 | 50,621 | 20 |
| 1 writer + 1 reader, 1 crash | 32,204 | 107,984 | 20 |
| 2 writers | 82,062 | 316,921 | 27 |
| 1 writer + 1 reader, 2 view changes | 80,660 | 339,648 | 23 |
| 1 writer + 1 reader, 1 drop, 1 duplicate | 304,978 | 1,460,229 | 25 |
| 1 writer, retries without bound, max_msgs 3 (the liveness spec) | 1,728 | 5,689 | 29 |
| same, 1 drop | 5,100 | 20,011 | 29 |

Mutants, TLC's shortest counterexamples (states, less one): no_epoch_check
(2 writers) 10 steps, retry_reexecutes 7, ack_before_apply 8, epoch_reused
7; read_without_lease breaks linearizability, which PB.tla does not state.
TLC on the liveness bound (`WritesAcknowledged`, the spec's fairness as one
WF or SF conjunct per action instance, over finite sets of the messages):
holds with strong fairness to Apply and ReceiveAck (1,728 states), violated
with weak fairness alone and with one drop (its lassos are longer: TLC
does not look for the shortest).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import checker
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

HERE = Path(__file__).resolve().parent
LOGS = HERE / "pb-logs"
MODEL = f"{HERE / 'primary_backup.py'}:PrimaryBackup"

ONE_WRITER = {"clients": 1, "writers": 1, "view_changes": 1, "retries": 1}
WRITER_AND_READER = {"clients": 2, "writers": 1, "view_changes": 1, "retries": 1}
TWO_WRITERS = dict(WRITER_AND_READER, writers=2)
LIVENESS_FAIRNESS = {
    "weak": ["Call(*)", "ReceiveRequest(*)", "ReceiveReplicate(*)", "ReceiveNewView(*)",
             "ReceiveReply(*)", "Retry(*)"],
    "strong": ["Apply(*)", "ReceiveAck(*)"]}


def write_spec(tmp_path, name, **fields) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"model": MODEL, "deadlock": False, **fields}))
    return path


def checked(path, whole=False):
    """The spec's model and its result; `whole` explores every state."""
    spec = load_spec(str(path), REGISTRY)
    config = spec.config()
    if whole:
        config = dataclasses.replace(config, stop_when_settled=False)
    model = spec.build()
    return model, checker.check(model, config)


def actions(finding) -> list[str]:
    return [str(action) for action in finding.trace.actions]


def cmc(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


# -- figures -----------------------------------------------------------------

@pytest.mark.parametrize("params, figures", [
    (ONE_WRITER, (766, 2391, 16)),
    (dict(WRITER_AND_READER, retries=0), (1704, 4944, 14)),
    pytest.param(dict(ONE_WRITER, crashes=1), (2448, 7368, 17), marks=pytest.mark.slow),
    pytest.param(dict(ONE_WRITER, drops=1, duplicates=1), (11178, 50621, 20),
                 marks=pytest.mark.slow),
    pytest.param(WRITER_AND_READER, (10092, 34737, 19), marks=pytest.mark.slow),
    pytest.param(dict(WRITER_AND_READER, crashes=1), (32204, 107984, 20),
                 marks=pytest.mark.slow),
    pytest.param(TWO_WRITERS, (82062, 316921, 27), marks=pytest.mark.slow),
    pytest.param(dict(WRITER_AND_READER, view_changes=2), (80660, 339648, 23),
                 marks=pytest.mark.slow),
    pytest.param(dict(WRITER_AND_READER, drops=1, duplicates=1), (304978, 1460229, 25),
                 marks=pytest.mark.slow),
])
def test_every_safety_property_holds(tmp_path, params, figures):
    _, result = checked(write_spec(tmp_path, "bound.yaml", params=params), whole=True)
    assert result.verdict == "holds"
    stats = result.stats
    assert (stats.distinct_states, stats.generated_states, stats.depth) == figures


# -- mutants: each one's shortest counterexample --------------------------------

LOG_OF_C0 = "Entry(client=c0, request=1, value=1)"
REPLICATE_C0 = f"ReceiveReplicate(m=Replicate(s1→s2, epoch=1, log=[{LOG_OF_C0}]))"
LEASE_OUT_S1_LEFT_OUT = ["ExpireLease(master=m0)", "ChangeView(master=m0, with_backup=False)"]


def test_no_epoch_check_lets_the_old_primary_overwrite_an_acknowledged_write():
    model, result = checked(HERE / "primary_backup-mutant-no-epoch-check.yaml")
    (finding,) = result.violations
    assert finding.property.name == "acknowledged_writes_survive"
    assert finding.reason == ("c1's write was acknowledged, and s2, primary of epoch 2, "
                              "does not hold it")
    assert actions(finding) == LEASE_OUT_S1_LEFT_OUT + [
        "ReceiveNewView(m=NewView(m0→s2, epoch=2, role=primary, peer=none))",
        "Call(client=c0)",
        "ReceiveRequest(server=s1, client=c0, request=1, op=write, value=1)",
        REPLICATE_C0,                             # s2, primary of epoch 2, takes it
        "Call(client=c1)",
        "ReceiveRequest(server=s2, client=c1, request=1, op=write, value=2)",
        "Apply(server=s2)",                       # the epoch-1 log replaces c1's write
        "ReceiveReply(m=Reply(s2→c1, request=1, result=ok))"]
    last = model.state_view(finding.trace.final)
    assert last["s2.log"] == [LOG_OF_C0]
    assert (last["s1.epoch"], last["s1.role"], last["s2.epoch"], last["s2.role"]) == \
        (1, "primary", 2, "primary")
    assert last["history"] == ["c0: write(x, 1)", "c1: write(x, 2)", "c1: → ok"]


def test_a_retry_re_executed_breaks_at_most_once(tmp_path):
    spec = write_spec(tmp_path, "m.yaml", params=WRITER_AND_READER, mutant="retry_reexecutes")
    model, result = checked(spec)
    (finding,) = result.violations
    assert finding.property.name == "executed_at_most_once"
    assert finding.reason == "s1's log holds c0's request 1 twice"
    assert actions(finding) == [
        "Call(client=c0)",
        "ReceiveRequest(server=s1, client=c0, request=1, op=write, value=1)",
        REPLICATE_C0,
        "Apply(server=s2)",
        "Retry(client=c0)",
        "ReceiveAck(m=Ack(s2→s1, epoch=1, length=1))",
        "ReceiveRequest(server=s1, client=c0, request=1, op=write, value=1)"]
    last = model.state_view(finding.trace.final)
    assert last["s1.log"] == [LOG_OF_C0, LOG_OF_C0]
    assert last["s2.log"] == [LOG_OF_C0]


def test_a_backup_acking_before_applying_loses_the_write_in_a_view_change(tmp_path):
    spec = write_spec(tmp_path, "m.yaml", params=WRITER_AND_READER, mutant="ack_before_apply")
    model, result = checked(spec)
    (finding,) = result.violations
    assert finding.property.name == "acknowledged_writes_survive"
    assert finding.reason == ("c0's write was acknowledged, and s2, primary of epoch 2, "
                              "does not hold it")
    assert actions(finding) == LEASE_OUT_S1_LEFT_OUT + [
        "Call(client=c0)",
        "ReceiveRequest(server=s1, client=c0, request=1, op=write, value=1)",
        REPLICATE_C0,                             # staged and acked at once
        "ReceiveAck(m=Ack(s2→s1, epoch=1, length=1))",
        "ReceiveNewView(m=NewView(m0→s2, epoch=2, role=primary, peer=none))",
        "ReceiveReply(m=Reply(s1→c0, request=1, result=ok))"]
    last = model.state_view(finding.trace.final)
    assert (last["s2.epoch"], last["s2.role"], last["s2.log"], last["s2.staged"]) == \
        (2, "primary", [], None)


def test_a_read_without_the_lease_is_stale(tmp_path):
    spec = write_spec(tmp_path, "m.yaml", params=WRITER_AND_READER, mutant="read_without_lease")
    model, result = checked(spec)
    (finding,) = result.violations
    assert finding.property.name == "linearizability"
    assert finding.reason == "c1: read(x) → 0 after c0: write(x, 1) → ok completed"
    assert actions(finding) == LEASE_OUT_S1_LEFT_OUT + [
        "ReceiveNewView(m=NewView(m0→s2, epoch=2, role=primary, peer=none))",
        "Call(client=c0)",
        "ReceiveRequest(server=s2, client=c0, request=1, op=write, value=1)",
        "ReceiveReply(m=Reply(s2→c0, request=1, result=ok))",
        "Call(client=c1)",
        "ReceiveRequest(server=s1, client=c1, request=1, op=read, value=0)",
        "ReceiveReply(m=Reply(s1→c1, request=1, result=0))"]
    last = model.state_view(finding.trace.final)
    assert (last["lease"], last["s1.epoch"], last["s1.log"]) == (2, 1, [])


def test_an_epoch_reused_gives_it_two_primaries(tmp_path):
    spec = write_spec(tmp_path, "m.yaml", params=WRITER_AND_READER, mutant="epoch_reused")
    model, result = checked(spec)
    (finding,) = result.violations
    assert finding.property.name == "one_primary_per_epoch"
    assert finding.reason == "s1 and s2 both executed writes as primary of epoch 1"
    assert actions(finding) == LEASE_OUT_S1_LEFT_OUT + [
        "ReceiveNewView(m=NewView(m0→s2, epoch=1, role=primary, peer=none))",
        "Call(client=c0)",
        "ReceiveRequest(server=s1, client=c0, request=1, op=write, value=1)",
        "Retry(client=c0)",
        "ReceiveRequest(server=s2, client=c0, request=1, op=write, value=1)"]
    last = model.state_view(finding.trace.final)
    assert last["acted"] == [[1, "s1"], [1, "s2"]]
    assert (last["s1.role"], last["s2.role"], last["s2.epoch"]) == ("primary", "primary", 1)


# -- liveness ------------------------------------------------------------------

@pytest.mark.slow
def test_a_lost_new_view_leaves_the_write_unanswered(tmp_path):
    # The master sends NewView once: lost, no server is primary any more.
    spec = write_spec(tmp_path, "l.yaml", properties=["writes_acknowledged"],
                      fairness=LIVENESS_FAIRNESS,
                      params=dict(ONE_WRITER, retries=-1, drops=1, max_msgs=3))
    _, result = checked(spec)
    (finding,) = result.violations
    assert actions(finding) == ["Call(client=c0)"] + LEASE_OUT_S1_LEFT_OUT + [
        "ReceiveNewView(m=NewView(m0→s1, epoch=2, role=out, peer=none))",
        "Drop(message=NewView(m0→s2, epoch=2, role=primary, peer=none))"]
    assert (finding.stem_length, finding.loop_length) == (5, 0)


def test_weak_fairness_alone_lets_a_full_network_starve_the_backup(tmp_path):
    # With a capacity, Apply (which sends an ack) is disabled whenever the
    # network is full: weak fairness does not force it.
    fairness = {"weak": LIVENESS_FAIRNESS["weak"] + LIVENESS_FAIRNESS["strong"]}
    spec = write_spec(tmp_path, "l.yaml", properties=["writes_acknowledged"],
                      fairness=fairness, params=dict(ONE_WRITER, retries=-1, max_msgs=3))
    _, result = checked(spec)
    (finding,) = result.violations
    assert (finding.stem_length, finding.loop_length) == (3, 9)
    assert actions(finding)[:3] == [
        "Call(client=c0)",
        "ReceiveRequest(server=s1, client=c0, request=1, op=write, value=1)",
        REPLICATE_C0]


# -- the command line ----------------------------------------------------------

def test_a_violation_without_expectation_exits_1(tmp_path):
    spec = write_spec(tmp_path, "m.yaml", params=WRITER_AND_READER, mutant="epoch_reused")
    run = cmc("check", spec, "--no-color")
    assert run.exit_code == 1
    assert ("One primary per epoch (one_primary_per_epoch) violated after 7 steps: "
            "s1 and s2 both executed writes as primary of epoch 1") in run.output


def test_more_writers_than_clients_is_refused(tmp_path):
    spec = write_spec(tmp_path, "w.yaml", params={"clients": 1, "writers": 2})
    run = cmc("check", spec)
    assert run.exit_code == 2
    assert run.output.strip().endswith("params.writers: must be at most clients (1), got 2")


def test_symmetry_is_refused_for_a_model_without_symmetric_sets(tmp_path):
    spec = write_spec(tmp_path, "s.yaml", params=ONE_WRITER, symmetry=True)
    run = cmc("check", spec)
    assert run.exit_code == 2
    assert ("symmetry: model primary-backup declares no symmetric sets (`symmetry_sets`), "
            "so nothing would be reduced") in run.output


def test_the_counterexample_replayed_on_the_fixed_model_stops_where_the_ack_was(tmp_path):
    mutant = write_spec(tmp_path, "m.yaml", params=WRITER_AND_READER, mutant="ack_before_apply")
    report = cmc("check", mutant, "--format", "json")
    assert report.exit_code == 1
    recorded = tmp_path / "m.json"
    recorded.write_text(report.output)
    assert json.loads(report.output)["results"][0]["violations"][0]["property"] == \
        "acknowledged_writes_survive"
    fixed = write_spec(tmp_path, "fixed.yaml", params=WRITER_AND_READER)
    run = cmc("check", fixed, "--replay", recorded, "--no-color")
    assert run.exit_code == 3
    assert ("replay stopped: step 6, ReceiveAck(m=Ack(s2→s1, epoch=1, length=1)), is not a "
            "step of the model from step 5's state") in run.output
    # the fixed backup stages the log and sends no ack until it applies it
    assert (f"replay: step 5 ({REPLICATE_C0}) reaches another state than the recorded one: "
            "network is [") in run.output


def test_a_hand_written_schedule_replays(tmp_path):
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(yaml.safe_dump([
        "ExpireLease(master=m0)", "ChangeView(master=m0, with_backup=False)",
        "ReceiveNewView(m=NewView(m0->s2, epoch=2, role=primary, peer=none))",
        "Call(client=c0)", "ReceiveRequest(server=s1, client=c0, request=1, op=write, value=1)",
        "ReceiveReplicate(m=Replicate(s1->s2, epoch=1, log=[Entry(client=c0, request=1, "
        "value=1)]))"]))
    fixed = write_spec(tmp_path, "fixed.yaml", params=TWO_WRITERS)
    run = cmc("check", fixed, "--replay", schedule)
    assert run.exit_code == 0, run.output
    assert "6 of 6 steps taken" in run.output


def test_a_log_the_model_explains(tmp_path):
    spec = write_spec(tmp_path, "fixed.yaml", params=TWO_WRITERS)
    run = cmc("check", spec, "--replay", LOGS / "failover.yaml")
    assert run.exit_code == 0, run.output
    assert "(its 7 events explained by a run of 11 steps): 11 of 11 steps taken" in run.output


def test_a_log_of_the_old_primary_fenced_out_is_explained_only_without_the_fence(tmp_path):
    log = LOGS / "old-primary-log-applied.yaml"
    fixed = write_spec(tmp_path, "fixed.yaml", params=TWO_WRITERS)
    run = cmc("check", fixed, "--replay", log)
    assert run.exit_code == 1
    assert ("replay stopped: event 4, Apply(server=s2) {\"s2.epoch\": 2, \"s2.log\": "
            f"[\"{LOG_OF_C0}\"]}}, is no step of the model from any of the 12 states that "
            "explain events 1-3") in run.output
    mutant = write_spec(tmp_path, "mutant.yaml", params=TWO_WRITERS, mutant="no_epoch_check")
    run = cmc("check", mutant, "--replay", log)
    assert run.exit_code == 0, run.output
    assert "(its 4 events explained by a run of 7 steps)" in run.output


def test_explore_walks_to_the_counterexample(tmp_path):
    spec = write_spec(tmp_path, "m.yaml", params=WRITER_AND_READER, mutant="ack_before_apply")
    run = cmc("explore", spec, "--counterexample")
    assert run.exit_code == 0, run.output
    assert "path 0/0/1/3/0/1/0/2/2 (8 steps)" in run.output
    before = cmc("explore", spec, "--at", "0/0/1/3/0/1/0")
    assert before.exit_code == 0
    assert "steps from here (6):" in before.output
    beyond = cmc("explore", spec, "--at", "0/0/1/3/0/1/0/9")
    assert beyond.exit_code == 2
    assert "step 7 of the path: there is no step 9 from the state after step 6; it has 6 " \
           "(0 to 5)" in beyond.output


def test_reports_of_a_counterexample(tmp_path):
    out = tmp_path / "out"
    spec = write_spec(tmp_path, "reused.yaml", params=WRITER_AND_READER, mutant="epoch_reused",
                      expect={"verdict": "violated", "property": "one_primary_per_epoch",
                              "trace_length": 7})
    run = cmc("check", spec, "--out", out, "--junit", tmp_path / "junit.xml",
              "--summary", tmp_path / "summary.md")
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in out.iterdir()) == [
        "reused.html", "reused.json", "reused.one_primary_per_epoch.mmd", "reused.txt"]
    chart = (out / "reused.one_primary_per_epoch.mmd").read_text()
    assert "m0->>s2: NewView(epoch=1, role=primary, peer=none) (sent at step 2)" in chart
    assert "| violated: one_primary_per_epoch | met | 572 | 7 |" in \
        (tmp_path / "summary.md").read_text()
