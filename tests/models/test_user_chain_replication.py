"""A user's kit model written from the docs alone: chain replication (van
Renesse & Schneider, OSDI 2004), tests/models/user/chain_replication.py.

Three servers, two writes, one read, at most one crash (the spec file:
325,582 states, a slow run; the default tests take one write): the clients'
history is linearizable (no read is stale) and every server's history is a
prefix of its predecessor's (Update Propagation). Each property is broken
by a mutant, pinned as its exact shortest counterexample.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import check
from checker.spec import load_spec
from cmc.main import cli
from models import REGISTRY
from tests.spec_runs import steps

USER = Path(__file__).parent / "user"
SPEC = USER / "chain_replication.yaml"


def _spec(tmp_path, lines: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(f"model: {(USER / 'chain_replication.py').as_posix()}:ChainReplication\n"
                    f"deadlock: false\n{lines}")
    return path


def _checked(tmp_path, lines: str):
    loaded = load_spec(_spec(tmp_path, lines), REGISTRY)
    model = loaded.build()
    return model, check(model, loaded.config())


def _servers(model, state) -> dict:
    view = model.state_view(state)
    return {f"s{i}": (view[f"s{i}.alive"], view[f"s{i}.history"]) for i in (1, 2, 3)}


@pytest.mark.slow
def test_the_spec_file_meets_its_expectation():
    result = CliRunner().invoke(cli, ["check", str(SPEC), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Reads are not stale (client_history): holds" in result.output
    assert "Update Propagation (update_propagation): holds" in result.output
    assert "Inprocess Requests (inprocess_requests): holds" in result.output
    assert "Applied once (applied_once): holds" in result.output
    assert "expectation met" in result.output


def test_with_one_write_a_read_sees_it_through_the_whole_chain(tmp_path):
    _, result = _checked(tmp_path, "params: {writes: 1, reads: 1}\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (2_707, 14)
    assert steps(result.witness("read_sees_write").trace) == "\n".join([
        "InvokeWrite(client=c1)",
        "InvokeRead(client=c2)",
        "ReceiveWrite(c1→s1, value=1)",
        "ReceiveForward(s1→s2, seq=0, value=1)",
        "ReceiveForward(s2→s3, seq=0, value=1)",
        "ReceiveRead(c2→s3)",
        "ReceiveReadReply(s3→c2, value=1)"])


def test_a_spec_with_an_expectation_passes_from_the_command_line(tmp_path):
    spec = _spec(tmp_path, "params: {writes: 1, reads: 1}\n"
                           "expect: {verdict: holds, distinct_states: 2707, depth: 14}\n")
    result = CliRunner().invoke(cli, ["check", str(spec), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "expectation met" in result.output


def test_a_repair_that_resends_nothing_breaks_update_propagation(tmp_path):
    # s2 crashes with s1's first update still on its way to it; s1, told that
    # s3 follows it now, does not resend it, and s3 applies the second alone
    model, result = _checked(tmp_path, "mutant: repair_without_resend\n")
    assert result.verdict == "violated"
    (violation,) = result.violations
    assert violation.property.name == "update_propagation"
    assert violation.reason == "s3 holds [2], not a prefix of s1's [1, 2]"
    assert steps(violation.trace) == "\n".join([
        "InvokeWrite(client=c1)",
        "InvokeWrite(client=c2)",
        "ReceiveWrite(c1→s1, value=1)",
        "Crash(server=s2)",
        "RemoveFailed(master=m0, removed=s2)",
        "ReceiveNewSuccessor(m0→s1, succ=s3)",
        "ReceiveWrite(c2→s1, value=2)",
        "ReceiveForward(s1→s3, seq=1, value=2)"])
    last = violation.trace.steps[-1].state
    assert _servers(model, last) == {
        "s1": (True, [1, 2]), "s2": (False, []), "s3": (True, [2])}
    assert model.globals_of(last).chain == (0, 2)


def test_a_head_that_empties_sent_on_forwarding_breaks_inprocess_requests(tmp_path):
    # s1 counts its update as done once forwarded: were s2 to fail now, a
    # repair would not send it to s3 (Update Propagation breaks 6 steps later)
    model, result = _checked(tmp_path, "mutant: sent_emptied_on_forward\n")
    (violation,) = result.violations
    assert violation.property.name == "inprocess_requests"
    assert violation.reason == "s1's Sent holds [] but s2 lacks [1]"
    assert steps(violation.trace) == "InvokeWrite(client=c1)\nReceiveWrite(c1→s1, value=1)"
    view = model.state_view(violation.trace.steps[-1].state)
    assert (view["s1.history"], view["s1.acked"], view["s2.history"]) == ([1], 1, [])


def test_reads_at_the_head_return_a_write_that_a_crash_then_loses(tmp_path):
    # c2 reads 1 at the head before the write reaches s2; the head crashes,
    # and c3 reads 0 at s2, the new head: the two reads cannot be ordered
    model, result = _checked(tmp_path, "params: {writes: 1, reads: 2}\nmutant: read_at_head\n")
    assert result.verdict == "violated"
    (violation,) = result.violations
    assert violation.property.name == "client_history"
    assert violation.reason == (
        "c3: read(x) → 0 after c2: read(x) → 1 completed; "
        "c1: write(x, 1) pending concurrent with the rest")
    assert steps(violation.trace) == "\n".join([
        "InvokeWrite(client=c1)",
        "InvokeRead(client=c2)",
        "ReceiveWrite(c1→s1, value=1)",
        "ReceiveRead(c2→s1)",
        "ReceiveReadReply(s1→c2, value=1)",
        "Crash(server=s1)",
        "RemoveFailed(master=m0, removed=s1)",
        "InvokeRead(client=c3)",
        "ReceiveRead(c3→s2)",
        "ReceiveReadReply(s2→c3, value=0)"])
    last = violation.trace.steps[-1].state
    assert _servers(model, last) == {
        "s1": (False, [1]), "s2": (True, []), "s3": (True, [])}
    assert [str(e) for e in model.globals_of(last).history] == [
        "c1: write(x, 1)", "c2: read(x)", "c2: → 1", "c3: read(x)", "c3: → 0"]


@pytest.mark.slow
def test_the_unmutated_model_holds_with_two_reads(tmp_path):
    _, result = _checked(tmp_path, "params: {writes: 1, reads: 2}\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (74_493, 17)


@pytest.mark.parametrize("writes, counts", [
    (1, (2_807, 14)), pytest.param(2, (341_374, 21), marks=pytest.mark.slow)])
def test_reads_at_the_head_are_never_stale_with_one_read(tmp_path, writes, counts):
    # The head (and, after it fails, its successor) holds every update the
    # tail acknowledged: one read answered there is linearizable; it takes a
    # second read to see a write the first one saw vanish
    _, result = _checked(tmp_path, f"params: {{writes: {writes}, reads: 1}}\nmutant: read_at_head\n")
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == counts


def test_a_spec_constraint_leaves_out_the_crash(tmp_path):
    _, result = _checked(tmp_path, 'constraints:\n  no_crash: "len(failed) == 0"\n')
    assert result.verdict == "holds"
    assert (result.stats.distinct_states, result.stats.depth) == (8_786, 17)


def test_the_counterexample_replayed_on_the_repaired_model_stops_where_it_resends(tmp_path):
    mutant = _spec(tmp_path, "mutant: repair_without_resend\n")
    out = tmp_path / "out"
    found = CliRunner().invoke(cli, ["check", str(mutant), "--no-progress", "--out", str(out)])
    assert found.exit_code == 1, found.output
    trace = json.loads((out / "spec.json").read_text())["results"][0]["violations"][0]["trace"]
    assert len(trace) == 9

    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(mutant.read_text().replace("mutant: repair_without_resend\n", ""))
    replayed = CliRunner().invoke(cli, ["check", str(fixed), "--no-progress",
                                        "--replay", f"{out / 'spec.json'}:update_propagation"])
    assert replayed.exit_code == 3, replayed.output
    assert ("replay stopped: step 8, ReceiveForward(s1→s3, seq=1, value=2), is not a step "
            "of the model from step 7's state; its steps there: InvokeRead(client=c3), "
            "ReceiveForward(s1→s3, seq=0, value=1), ReceiveNewPredecessor(m0→s3, pred=s1)"
            ) in replayed.output


def test_a_simulation_draws_the_lost_update(tmp_path):
    mutant = _spec(tmp_path, "mutant: repair_without_resend\n")
    result = CliRunner().invoke(cli, ["check", str(mutant), "--no-progress", "--simulate",
                                      "--behaviours", "2000", "--seed", "1", "--workers", "1"])
    assert result.exit_code == 1, result.output
    # not the shortest: the writes reach s1 in the other order
    assert ("Update Propagation (update_propagation) violated after 9 steps: "
            "s3 holds [1], not a prefix of s1's [2, 1]") in result.output


def test_the_graph_around_the_counterexample(tmp_path):
    mutant = _spec(tmp_path, "mutant: repair_without_resend\n")
    result = CliRunner().invoke(cli, ["graph", str(mutant), "--around", "1",
                                      "-o", str(tmp_path / "around.graphml")])
    assert result.exit_code == 0, result.output
    assert "41 states, 59 steps" in result.output


def test_a_bad_parameter_is_one_line_naming_the_field(tmp_path):
    result = CliRunner().invoke(cli, ["check", str(_spec(tmp_path, "params: {servers: 0}\n"))])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "spec.yaml:3: params.servers: must be at least 1, got 0; accepted: 1 to 4")
