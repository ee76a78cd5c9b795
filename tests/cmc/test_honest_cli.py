"""`cmc check` and `cmc show` on the bundled models: a plain spec holds, a
field the model does not use is refused, reports begin with the spec's
description and print parameters as written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cmc.main import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_plain_raft_spec_holds(write_spec):
    result = run("check", write_spec("model: raft\nparams: {servers: 2}\n"))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:2] == [
        f"{lines[0].split(':')[0]}: raft {{servers: 2, values: 1, max_term: 2, max_log: 1, "
        "max_msgs: 1, quorum: majority, membership: null, pre_vote: false, "
        "check_quorum: false, partition: null}", "verdict: HOLDS"]
    assert "never fired" not in result.output


def test_show_lists_the_default_properties_without_scenario_witnesses(write_spec):
    result = run("show", write_spec("model: raft\n"))
    assert result.exit_code == 0
    assert ("properties:\n- election_safety\n- log_matching\n- leader_completeness\n"
            "- state_machine_safety\n- leader_append_only\n- init_commits_kept\n"
            "- leader_elected\n- entry_committed\nsymmetry: false\n") in result.output


@pytest.mark.parametrize("model", ["paxos", "paxos-textbook"])
def test_init_is_refused_by_a_model_that_takes_none(write_spec, model):
    path = write_spec(f"model: {model}\ninit: {{a1: {{promised: 1}}}}\n")
    for command in ("check", "show"):
        result = run(command, path)
        assert result.exit_code == 2
        assert result.output == (
            f"error: {path}:2: init: {model} takes no init: block (it always starts from "
            "its own initial state); remove init:\n")


def test_the_description_opens_the_text_and_json_reports(write_spec):
    path = write_spec("description: >\n  Two servers,\n  nothing else.\nmodel: raft\n"
                      "params: {servers: 2, max_log: 0}\nproperties: [election_safety]\n")
    text = run("check", path).output.splitlines()
    assert text[1:3] == ["Two servers, nothing else.", "verdict: HOLDS"]
    (document,) = json.loads(run("check", "--format", "json", path).output)["results"]
    assert document["description"] == "Two servers, nothing else."
    assert document["properties"] == [{"property": "election_safety",
                                       "title": "Election Safety", "kind": "invariant",
                                       "outcome": "holds", "reason": None}]


def test_membership_parameters_print_as_the_spec_writes_them():
    result = run("check", "--max-depth", "1", "specs/raft-membership-direct.yaml")
    assert result.output.splitlines()[0] == (
        "specs/raft-membership-direct.yaml: raft {servers: 3, values: 1, max_term: 3, "
        "max_log: 1, max_msgs: 1, quorum: majority, "
        "membership: {change: direct, from: 3, to: 1}, pre_vote: false, check_quorum: false, "
        "partition: null}")
    assert "verdict: INCOMPLETE (the depth bound (max_depth) was reached with states left " \
           "to explore)" in result.output
