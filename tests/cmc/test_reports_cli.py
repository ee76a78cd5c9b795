"""`cmc check` report options and `cmc graph` (click's CliRunner)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import jsonschema
import networkx as nx
import pytest
from click.testing import CliRunner

import models
from cmc.main import cli
from reports.json import load_schema
from tests.reports.two_phase import TwoPhase

TWO_PHASE = "model: two-phase\nmutant: early_commit\ndeadlock: false\n"


@pytest.fixture
def run(toy_registry, monkeypatch):
    monkeypatch.setitem(models.REGISTRY, TwoPhase.name, TwoPhase)

    def invoke(*args: str, env=None):
        return CliRunner().invoke(cli, list(args), env=env)
    return invoke


def test_out_writes_every_report_form(run, write_spec, tmp_path):
    spec = write_spec(TWO_PHASE, "two-phase.yaml")
    out = tmp_path / "reports"
    result = run("check", spec, "--out", str(out), "--graph", "graphml",
                 "--junit", str(tmp_path / "junit.xml"), "--summary", str(tmp_path / "sum.md"))
    assert result.exit_code == 1
    assert sorted(path.name for path in out.iterdir()) == [
        "two-phase.consistency.graphml", "two-phase.consistency.mmd", "two-phase.html",
        "two-phase.json", "two-phase.txt"]
    assert (out / "two-phase.txt").read_text() == result.output.rstrip("\n") + "\n"
    written = json.loads((out / "two-phase.json").read_text())
    jsonschema.validate(written, load_schema())
    assert [entry["verdict"] for entry in written["results"]] == ["violated"]
    assert (out / "two-phase.html").read_text().count("<svg") == 1  # witnesses: --witnesses
    assert "    tm->>rm1: Commit (sent at step 3)\n" in (out / "two-phase.consistency.mmd") \
        .read_text()
    graph = nx.read_graphml(out / "two-phase.consistency.graphml")
    assert graph.number_of_nodes() == 6
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert [case.get("name") for case in suite.iter("testcase")] == [
        "consistency", "all_committed"]
    assert (tmp_path / "sum.md").read_text().startswith("## cmc: model checking\n\n"
                                                         "0 of 1 spec passed.")


def test_witnesses_get_charts_too(run, write_spec, tmp_path):
    spec = write_spec(TWO_PHASE, "two-phase.yaml")
    run("check", spec, "--out", str(tmp_path), "--witnesses", "--graph", "dot")
    assert sorted(path.name for path in tmp_path.glob("*.*.*")) == [
        "two-phase.all_committed.dot", "two-phase.all_committed.mmd",
        "two-phase.consistency.dot", "two-phase.consistency.mmd"]


def test_graph_without_out_is_a_usage_error(run, write_spec):
    result = run("check", write_spec(TWO_PHASE), "--graph", "dot")
    assert result.exit_code == 2
    assert result.stderr == "error: --graph writes files: give --out DIR too (see cli check --help)\n"


def test_colour_only_when_asked_for_outside_a_terminal(run, write_spec):
    spec = write_spec(TWO_PHASE)
    assert "\033[" not in run("check", spec).output
    coloured = run("check", spec, "--color").output
    assert "verdict: \033[1;31mVIOLATED\033[0m" in coloured
    assert "\033[" not in run("check", spec, "--no-color", env={"NO_COLOR": ""}).output


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pyparsing, inside pydot
def test_cmc_graph_writes_dot_to_standard_output(run, write_spec):
    result = run("graph", write_spec("model: die-hard\n"))
    assert result.exit_code == 0
    graph = nx.nx_pydot.read_dot(io.StringIO(result.output))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (16, 96)


def test_cmc_graph_format_from_the_file_name(run, write_spec, tmp_path):
    target = tmp_path / "g.graphml"
    result = run("graph", write_spec("model: die-hard\n"), "-o", str(target), "--max-depth", "2")
    assert result.exit_code == 0
    assert result.output == f"wrote {target}: 6 states, 34 steps\n"  # every step between them
    assert nx.read_graphml(target).number_of_nodes() == 6


def test_cmc_graph_refuses_a_large_graph_and_writes_nothing(run, write_spec, tmp_path):
    target = tmp_path / "g.dot"
    result = run("graph", write_spec("model: die-hard\n"), "-o", str(target),
                 "--max-nodes", "10")
    assert result.exit_code == 2
    assert result.output == (
        "error: the reachable state graph of die-hard has more than 10 states, too many to "
        "draw; use a smaller bound (--max-depth N, or smaller parameters), the states around "
        "the counterexample (--around K), or raise --max-nodes\n")
    assert list(tmp_path.iterdir()) == [tmp_path / "spec.yaml"]


def test_cmc_graph_around_a_counterexample(run, write_spec):
    spec = write_spec(TWO_PHASE)
    path = json.loads(run("graph", spec, "--around", "0", "--format", "json").output)
    assert [node["step"] for node in path["nodes"]] == [0, 1, 2, 3, 4, 5]
    assert path["nodes"][-1]["violates"] == ["consistency"]
    near = json.loads(run("graph", spec, "--around", "1", "--format", "json",
                          "--property", "consistency").output)
    assert (len(near["nodes"]), len(near["edges"])) == (21, 32)  # as tests/reports counts
    # a reachability property's run to draw around is its witness
    witness = json.loads(run("graph", spec, "--around", "0", "--format", "json",
                             "--property", "all_committed").output)
    assert witness["nodes"][-1]["satisfies"] == ["all_committed"]
    result = run("graph", spec, "--around", "1", "--property", "consistensy")
    assert result.exit_code == 2
    assert result.output.startswith("error: --property: two-phase has no property "
                                    "'consistensy' (did you mean 'consistency'?); it has ")


def test_cmc_graph_around_needs_a_counterexample(run, write_spec):
    spec = write_spec("model: die-hard\nproperties: [within_capacity]\n")
    result = run("graph", spec, "--around", "1")
    assert result.exit_code == 2
    assert result.output == (f"error: {spec}: no counterexample to draw around (verdict "
                             "holds); drop --around to draw every state\n")
    result = run("graph", spec, "--property", "within_capacity")
    assert result.exit_code == 2
    assert "--property picks the counterexample for --around; give --around K too" in \
        result.output


def test_report_files_go_into_new_folders_or_fail_with_a_message(run, write_spec, tmp_path):
    spec = write_spec("model: die-hard\n")
    result = run("check", spec, "--junit", str(tmp_path / "ci" / "junit.xml"))
    assert result.exit_code == 1
    assert (tmp_path / "ci" / "junit.xml").exists()
    (tmp_path / "file").write_text("")
    result = run("graph", spec, "-o", str(tmp_path / "file" / "g.dot"))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot write {tmp_path / 'file' / 'g.dot'}: ")
