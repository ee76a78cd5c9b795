"""A new user's ABD register (tests/user_trials/abd.py), checked as its
specs say and against TLC 2.15 on a hand transcription of the model
(ABD.tla, not in the repository: /tmp/abd/tla when it was made).

TLC's figures, one worker, `-deadlock` (its depth is the model's plus one):

| bound (3 servers) | symmetry | distinct | generated | depth |
|---|---|---:|---:|---:|
| 1 writer, 1 write, 1 crash | no | 1,056 | 3,431 | 14 |
| same | servers | 218 | 739 | 14 |
| 1 write, 1 read | no | 330,787 | 1,779,889 | 26 |
| same | servers | 58,515 | 313,184 | 26 |
| same, no_write_back | no | 44,639 | 200,342 | 20 |
| same, no_write_back | servers | 8,365 | 37,173 | 20 |
| 1 write, 2 reads, no_write_back | either | violated after 16 steps (17 states) | | |
| 1 write, 2 reads, max_depth 16 (TLC: ``TLCGet("level") < 17``) | servers | 23,785 | 153,735 | 16 |
| 2 writers, 1 write each | servers | 114,077 | 610,565 | 26 |
| same, tag_without_writer | servers | Tags name values violated after 12 steps (13 states) | | |
| 1 write, 1 crash: <>(every call returned) | no | holds under per-step WF | | |
| same, 2 crashes | no | 1,848 | 6,581 | lasso: 5 steps, stuttering |
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import checker
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY

HERE = Path(__file__).resolve().parent
MODEL = f"{HERE / 'abd.py'}:ABD"
FAIR = ["Call(*)", "ReceiveQuery(*)", "ReceiveQueryReply(*)", "ReceiveUpdate(*)",
        "ReceiveAck(*)"]


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


ONE_WRITE_ONE_CRASH = {"servers": 3, "clients": 1, "writers": 1, "writes": 1, "reads": 0,
                       "crashes": 1}
WRITE_AND_READ = {"servers": 3, "clients": 2, "writers": 1, "writes": 1, "reads": 1}
WRITE_AND_TWO_READS = dict(WRITE_AND_READ, reads=2)
TWO_WRITERS = {"servers": 3, "clients": 2, "writers": 2, "writes": 1, "reads": 0}


@pytest.mark.parametrize("params, mutant, symmetry, figures", [
    (ONE_WRITE_ONE_CRASH, None, False, (1056, 3431, 14)),
    (ONE_WRITE_ONE_CRASH, None, True, (218, 739, 14)),
    (WRITE_AND_READ, "no_write_back", True, (8365, 37173, 20)),
    pytest.param(WRITE_AND_READ, "no_write_back", False, (44639, 200342, 20),
                 marks=pytest.mark.slow),
    pytest.param(WRITE_AND_READ, None, True, (58515, 313184, 26), marks=pytest.mark.slow),
    pytest.param(WRITE_AND_READ, None, False, (330787, 1779889, 26), marks=pytest.mark.slow),
    pytest.param(TWO_WRITERS, None, True, (114077, 610565, 26), marks=pytest.mark.slow),
])
def test_tlc_figures(tmp_path, params, mutant, symmetry, figures):
    spec = write_spec(tmp_path, "bound.yaml", params=params, symmetry=symmetry,
                      properties=["linearizability", "tags_name_values"], **({"mutant": mutant} if mutant else {}))
    _, result = checked(spec, whole=True)
    assert result.verdict == "holds"
    stats = result.stats
    assert (stats.distinct_states, stats.generated_states, stats.depth) == figures


# The shortest new/old inversion under symmetry over servers (the spec's
# run): the write reaches s0 alone; the first read asks s2 and s0 and
# returns 1; the second asks s2 and s1 and returns 0.
INVERSION = [
    "Call(client=c0)",
    "ReceiveQuery(m=Query(c0→s0, seq=0))",
    "ReceiveQuery(m=Query(c0→s1, seq=0))",
    "ReceiveQueryReply(m=QueryReply(s0→c0, seq=0, ts=0, writer=none, value=0))",
    "ReceiveQueryReply(m=QueryReply(s1→c0, seq=0, ts=0, writer=none, value=0))",
    "ReceiveUpdate(m=Update(c0→s0, seq=0, ts=1, writer=c0, value=1))",
    "Call(client=c1)",
    "ReceiveQuery(m=Query(c1→s2, seq=0))",
    "ReceiveQuery(m=Query(c1→s0, seq=0))",
    "ReceiveQueryReply(m=QueryReply(s2→c1, seq=0, ts=0, writer=none, value=0))",
    "ReceiveQueryReply(m=QueryReply(s0→c1, seq=0, ts=1, writer=c0, value=1))",
    "Call(client=c1)",
    "ReceiveQuery(m=Query(c1→s2, seq=1))",
    "ReceiveQuery(m=Query(c1→s1, seq=1))",
    "ReceiveQueryReply(m=QueryReply(s2→c1, seq=1, ts=0, writer=none, value=0))",
    "ReceiveQueryReply(m=QueryReply(s1→c1, seq=1, ts=0, writer=none, value=0))",
]


def test_no_write_back_breaks_linearizability_in_16_steps():
    model, result = checked(HERE / "abd-mutant-no-write-back.yaml")
    (finding,) = result.violations
    assert finding.property.name == "linearizability"
    assert actions(finding) == INVERSION
    assert finding.reason == ("c1: read(x) → 0 after c1: read(x) → 1 completed; "
                              "c0: write(x, 1) pending concurrent with the rest")
    last = model.state_view(finding.trace.final)
    assert last["history"] == ["c0: write(x, 1)", "c1: read(x)", "c1: → 1", "c1: read(x)",
                               "c1: → 0"]
    assert (last["s0.value"], last["s1.value"], last["s2.value"]) == (1, 0, 0)
    assert last["c0.phase"] == "update"          # the write is still in progress


def test_tags_without_writers_tie():
    _, result = checked(HERE / "abd-mutant-tag-without-writer.yaml")
    (finding,) = result.violations
    assert finding.property.name == "tags_name_values"
    assert finding.reason == "s0 holds 1 and s1 holds 2 under one tag, ts 1"
    assert actions(finding)[5:] == [
        "ReceiveUpdate(m=Update(c0→s0, seq=0, ts=1, writer=none, value=1))",
        "Call(client=c1)",
        "ReceiveQuery(m=Query(c1→s2, seq=0))",
        "ReceiveQuery(m=Query(c1→s1, seq=0))",
        "ReceiveQueryReply(m=QueryReply(s1→c1, seq=0, ts=0, writer=none, value=0))",
        "ReceiveQueryReply(m=QueryReply(s2→c1, seq=0, ts=0, writer=none, value=0))",
        "ReceiveUpdate(m=Update(c1→s1, seq=0, ts=1, writer=none, value=2))"]


@pytest.mark.slow
def test_no_write_back_without_symmetry_is_as_short(tmp_path):
    spec = write_spec(tmp_path, "mutant.yaml", params=WRITE_AND_TWO_READS,
                      mutant="no_write_back", symmetry=False)
    _, result = checked(spec)
    (finding,) = result.violations
    assert len(finding.trace.actions) == 16      # TLC: 17 states
    assert actions(finding)[7:11] == [
        "ReceiveQuery(m=Query(c1→s0, seq=0))",
        "ReceiveQuery(m=Query(c1→s1, seq=0))",
        "ReceiveQueryReply(m=QueryReply(s0→c1, seq=0, ts=1, writer=c0, value=1))",
        "ReceiveQueryReply(m=QueryReply(s1→c1, seq=0, ts=0, writer=none, value=0))"]


def test_two_crashes_leave_the_write_waiting_for_ever():
    _, result = checked(HERE / "abd-liveness-two-crashes.yaml")
    (finding,) = result.violations
    assert actions(finding) == [
        "Call(client=c0)",
        "ReceiveQuery(m=Query(c0→s0, seq=0))",
        "ReceiveQueryReply(m=QueryReply(s0→c0, seq=0, ts=0, writer=none, value=0))",
        "Crash(server=s1)",
        "Crash(server=s2)"]
    assert (finding.stem_length, finding.loop_length) == (5, 0)


def test_acks_delivered_unfairly_leave_the_write_waiting(tmp_path):
    spec = write_spec(tmp_path, "unfair.yaml", params=ONE_WRITE_ONE_CRASH,
                      properties=["all_returned"],
                      fairness={"weak": [f for f in FAIR if f != "ReceiveAck(*)"]})
    _, result = checked(spec)
    (finding,) = result.violations
    assert actions(finding)[5:] == [
        "ReceiveUpdate(m=Update(c0→s0, seq=0, ts=1, writer=c0, value=1))",
        "ReceiveUpdate(m=Update(c0→s1, seq=0, ts=1, writer=c0, value=1))",
        "Crash(server=s2)"]
    assert (finding.stem_length, finding.loop_length) == (8, 0)


def test_spec_temporal_expressions_over_a_crashed_server(tmp_path):
    # A crashed server is a `Down` record in expressions (its fields under
    # `kept`), which the docs do not say: `len(s) == 1` tells it apart.
    spec = write_spec(tmp_path, "temporal.yaml", params=ONE_WRITE_ONE_CRASH,
                      properties=["all_returned"], fairness={"weak": FAIR},
                      temporal={"written": {"eventually": "all(c.done == 1 for c in clients)"},
                                "adopted": {"leads_to": [
                                    "len(history) > 0",
                                    "any((s[0] if len(s) == 1 else s).value == 1 "
                                    "for s in servers)"]}})
    _, result = checked(spec)
    assert result.verdict == "holds"
    assert result.stats.distinct_states == 1056


def test_more_writers_than_clients_is_refused(tmp_path):
    spec = tmp_path / "w.yaml"
    spec.write_text(f"model: {MODEL}\nparams: {{clients: 2, writers: 3}}\n")
    run = cmc("check", spec)
    assert run.exit_code == 2
    assert run.output == f"error: {spec}:2: params.writers: must be at most clients (2), got 3\n"


def hand_written_inversion(tmp_path) -> Path:
    """The inversion as a bug report would give it: actions as printed, `->`."""
    run = tmp_path / "inversion.yaml"
    run.write_text("".join(f"- {action.replace('→', '->')}\n" for action in [
        *INVERSION[:7], "ReceiveQuery(m=Query(c1→s0, seq=0))",
        "ReceiveQuery(m=Query(c1→s1, seq=0))",
        "ReceiveQueryReply(m=QueryReply(s0→c1, seq=0, ts=1, writer=c0, value=1))",
        "ReceiveQueryReply(m=QueryReply(s1→c1, seq=0, ts=0, writer=none, value=0))",
        "Call(client=c1)", "ReceiveQuery(m=Query(c1→s1, seq=1))",
        "ReceiveQuery(m=Query(c1→s2, seq=1))",
        "ReceiveQueryReply(m=QueryReply(s1→c1, seq=1, ts=0, writer=none, value=0))",
        "ReceiveQueryReply(m=QueryReply(s2→c1, seq=1, ts=0, writer=none, value=0))"]))
    return run


def test_replay_breaks_the_mutant_and_stops_on_the_fixed_model(tmp_path):
    run = hand_written_inversion(tmp_path)
    on_mutant = cmc("check", HERE / "abd-mutant-no-write-back.yaml", "--replay", run)
    assert on_mutant.exit_code == 0, on_mutant.output
    assert "Linearizability (linearizability) violated after 16 steps" in on_mutant.output
    fixed = write_spec(tmp_path, "fixed.yaml", params=WRITE_AND_TWO_READS, symmetry=True)
    on_fixed = cmc("check", fixed, "--replay", run)
    assert on_fixed.exit_code == 3
    assert ("replay stopped: step 12, Call(client=c1), is not a step of the model from "
            "step 11's state; its steps there: ReceiveUpdate(m=Update(c1→s0, seq=0, ts=1, "
            "writer=c0, value=1)),") in on_fixed.output


@pytest.mark.slow
def test_simulation_draws_a_longer_inversion():
    # (the default workers, auto, whose count varies with the load: the
    # figures are one process's whatever the count)
    run = cmc("check", HERE / "abd-mutant-no-write-back.yaml", "--simulate",
              "--behaviours", 2000, "--seed", 1)
    assert run.exit_code == 0, run.output
    assert "Linearizability (linearizability) violated after 19 steps" in run.output
    assert "simulation: 753 behaviours of up to 100 steps (seed 1)" in run.output


def test_explore_walks_to_the_counterexample():
    run = cmc("explore", HERE / "abd-mutant-no-write-back.yaml", "--counterexample")
    assert run.exit_code == 0, run.output
    assert "path 0/0/0/0/1/1/0/4/4/0/6/5/5/5/2/7/6 (16 steps)" in run.output
