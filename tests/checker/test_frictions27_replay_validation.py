"""Frictions a new user met validating logs and replaying runs written by
hand (their primary-backup protocol; here on the bundled Raft): fields
written as the text report prints them, an action split by a YAML flow
mapping, the headline verdict of a log no run explains, a hand-written
step that differs from the model's by its printing, and --resume saying
where it goes on from."""

from __future__ import annotations

import re
from pathlib import Path

from checker.replay import as_run, load_script
from tests.checker.test_validation import RAFT_2S, cmc, raft, written

SPECS = Path(__file__).resolve().parents[2] / "specs"


def committed(fields: str) -> str:
    """s1's log of a committed request, its last event with `fields`."""
    return ("hidden: [RequestVote, Receive, AppendEntries]\nevents:\n"
            "  - {action: Timeout(i=s1), state: {s2.voted_for: none}}\n"
            "  - BecomeLeader(i=s1)\n  - ClientRequest(i=s1)\n"
            f"  - {{action: AdvanceCommitIndex(i=s1), state: {{{fields}}}}}\n")


# -- 1. a field's value as the text report prints it ---------------------------------


def test_a_field_written_as_the_text_report_prints_it_matches(tmp_path):
    # s1.log is the list ["t2:v1"], printed [t2:v1]; s1.next_index by server,
    # printed {s1: 1, s2: 2}; none is None; spaces aside
    log = written(tmp_path, committed('s1.log: "[t2:v1]", s1.next_index: "{s1: 1, s2: 2}"'))
    run = as_run(raft(), load_script(log))
    assert run.left is None
    assert run.source == f"{log} (its 4 events explained by a run of 15 steps)"
    assert (run.states[-1]["s1.log"], run.states[-1]["s1.next_index"]) == (["t2:v1"],
                                                                         {"s1": 1, "s2": 2})


def test_a_field_written_as_a_yaml_list_matches_as_before(tmp_path):
    run = as_run(raft(), load_script(written(tmp_path, committed('s1.log: ["t2:v1"]'))))
    assert run.left is None and len(run.actions) == 15


def test_a_field_by_server_written_as_a_yaml_mapping_matches(tmp_path):
    # a leader's next_index as the JSON report records it: by server name
    matched = as_run(raft(), load_script(written(
        tmp_path, committed("s1.next_index: {s1: 1, s2: 2}"))))
    assert matched.left is None and len(matched.actions) == 15
    # by position, it is no longer the field's value
    listed = as_run(raft(), load_script(written(tmp_path, committed("s1.next_index: [1, 2]"))))
    assert listed.left.startswith('event 4, AdvanceCommitIndex(i=s1) {"s1.next_index": [1, 2]}, '
                                  "is no step of the model")


def test_a_printed_value_the_state_does_not_have_is_explained_by_no_step(tmp_path):
    log = written(tmp_path, committed('s1.log: "[t1:v1]"'))
    run = as_run(raft(), load_script(log))
    assert run.left.startswith('event 4, AdvanceCommitIndex(i=s1) {"s1.log": "[t1:v1]"}, is '
                               "no step of the model from any of the 9 states that explain "
                               "events 1-3")


# -- 2. an action of two fields in a flow mapping ------------------------------------


def test_an_action_split_by_a_flow_mapping_is_refused_saying_to_quote_it(tmp_path):
    log = written(tmp_path, "hidden: [RequestVote, Receive]\nevents:\n  - Timeout(i=s1)\n"
                  "  - {action: AppendEntries(i=s1, j=s2), state: {s1.commit_index: 0}}\n")
    result = cmc("check", RAFT_2S, "--replay", log)
    assert (result.exit_code, result.output) == (2, (
        f"error: {log}: events[2].action: the action 'AppendEntries(i=s1' is cut at a comma: "
        "YAML splits a flow mapping's unquoted text there; quote the action: action: "
        '"AppendEntries(i=s1, j=s2)"\n'))



def test_an_action_of_three_fields_is_given_whole_in_the_fix(tmp_path):
    log = written(tmp_path, "events:\n  - {action: Go(a=1, b=(2, 3), c=4), state: {}}\n")
    result = cmc("check", RAFT_2S, "--replay", log)
    assert (result.exit_code, result.output) == (2, (
        f"error: {log}: events[1].action: the action 'Go(a=1' is cut at a comma: YAML splits "
        'a flow mapping\'s unquoted text there; quote the action: action: "Go(a=1, b=(2, 3), '
        'c=4)"\n'))



def test_an_unbalanced_action_of_its_own_is_no_split_but_its_brackets(tmp_path):
    log = written(tmp_path, 'events:\n  - {action: "Timeout(i=s1", state: {}}\n')
    result = cmc("check", RAFT_2S, "--replay", log)
    assert (result.exit_code, result.output) == (2, (
        f"error: {log}: events[1].action: 'Timeout(i=s1': its brackets do not balance; give "
        "fields as Name(field=value), a value as the step prints it\n"))


# -- 3. the headline verdict of a log no run explains --------------------------------

TWO_LEADERS = str(SPECS / "logs" / "raft-2s-two-leaders.yaml")
EVENT_4 = "event 4, BecomeLeader(i=s2), is no step of the model"


def test_a_log_no_run_explains_is_not_explained_in_every_report(tmp_path):
    import json
    import xml.etree.ElementTree as ET

    import jsonschema

    from reports.json import load_schema

    out, junit, summary = tmp_path / "out", tmp_path / "j.xml", tmp_path / "s.md"
    result = cmc("check", RAFT_2S, "--replay", TWO_LEADERS, "--out", str(out),
                 "--junit", str(junit), "--summary", str(summary))
    assert result.exit_code == 1
    headline = f"verdict: NOT EXPLAINED ({EVENT_4})"
    for text in (result.output, (out / "raft-2s.txt").read_text()):
        assert next(line for line in text.splitlines() if line.startswith("verdict:")) == headline
    document = json.loads((out / "raft-2s.json").read_text())
    jsonschema.validate(document, load_schema())
    found = document["results"][0]
    assert (found["verdict"], found["stopped_by"], found["stats"]["replay"]["stop"]) == (
        "not explained", "replay", EVENT_4)
    suite = ET.parse(junit).getroot().find("testsuite")
    facts = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert (facts["verdict"], facts["stopped"]) == ("not explained", EVENT_4)
    failure = suite.find("testcase[@name='log']/failure")
    assert (failure.get("type"), failure.get("message")) == ("not explained",
                                                             f"not explained: {EVENT_4}")
    row = summary.read_text().splitlines()[6].split(" | ")
    assert (row[0], row[3], row[4]) == (
        "| ❌", f"not explained: {EVENT_4} (replay: 9 of 9 steps, stopped)", "not judged")


# -- 4. a hand-written step that differs from the model's by its printing ------------


def replayed(*actions: str):
    from checker import CheckConfig
    from checker.replay import Script, replay

    return replay(raft(), CheckConfig(properties=()), Script("run", actions))


def test_a_value_written_in_quotes_is_the_step_printing_it_bare():
    result = replayed("Timeout(i='s1')", 'RequestVote(i="s1", j=s2)')
    assert (result.verdict, result.stats.replayed.taken, result.stats.replayed.left) == (
        "incomplete", 2, None)
    assert [str(step.action) for step in result.run.steps[1:]] == [
        "Timeout(i=s1)", "RequestVote(i=s1, j=s2)"]


def test_a_step_no_text_equals_names_the_closest_and_where_it_differs():
    result = replayed("Timeout(i=s1)", "RequestVote(i=s1, j=s3)")
    assert result.stats.replayed.left == (
        "step 2, RequestVote(i=s1, j=s3), is not a step of the model from step 1's state; its "
        "steps there: Timeout(i=s1), Restart(i=s1), RequestVote(i=s1, j=s1), RequestVote(i=s1, "
        "j=s2), Timeout(i=s2); closest: RequestVote(i=s1, j=s1), yours differs at j=s3")


def test_a_step_lacking_a_field_of_the_closest_says_which():
    assert replayed("Timeout(i=s1)", "RequestVote(i=s1)").stats.replayed.left.endswith(
        "; closest: RequestVote(i=s1, j=s1), yours lacks j=s1")


def test_a_message_lacking_a_field_inside_a_receipt_says_which():
    # (it said "yours differs at last_log_index=0", a field both have)
    from checker import CheckConfig
    from checker.replay import Script, replay
    from models.raft import Raft

    model = Raft(servers=2, values=1, max_term=2, max_log=1, max_msgs=1, pre_vote=True)
    result = replay(model, CheckConfig(properties=()), Script("run", (
        "Timeout(i=s1)", "RequestVote(i=s1, j=s2)",
        "Receive(m=RequestVoteRequest(s1->s2, term=2, last_log_term=0, last_log_index=0))")))
    assert result.stats.replayed.left.endswith(
        "; closest: Receive(m=RequestVoteRequest(s1→s2, term=2, last_log_term=0, "
        "last_log_index=0, pre_vote=True)), yours lacks pre_vote=True")


def test_a_field_the_action_does_not_have_is_named_with_its_fields():
    result = replayed("Timeout(node=s1)")
    assert result.stats.replayed.left == (
        "step 1, Timeout(node=s1), is not a step of the model from the initial state; its steps "
        "there: Timeout(i=s1), Timeout(i=s2); the action Timeout has no field node (its "
        "fields: i)")


def test_quotes_are_dropped_only_where_that_names_one_action():
    from checker import CheckConfig
    from checker.model import Model
    from checker.replay import Script, replay

    class Sayer(Model):
        """Two steps whose texts differ by quotes alone."""

        name = "sayer"

        def initial_states(self):
            return [0]

        def successors(self, state):
            return [("Say(w='a')", 1), ("Say(w=a)", 2)] if state == 0 else []

    def run(text: str):
        return replay(Sayer(), CheckConfig(properties=()), Script("run", (text,)))

    assert run("Say(w=a)").run.final == 2 and run("Say(w='a')").run.final == 1
    assert run('Say(w="a")').stats.replayed.left == (
        "step 1, Say(w=\"a\"), is not a step of the model from the initial state; its steps "
        "there: Say(w='a'), Say(w=a); closest: Say(w='a'), yours differs at w=\"a\"")


# -- 5. --resume says where it goes on from ------------------------------------------


def test_resuming_says_from_which_checkpoint_its_depth_states_and_time(tmp_path):
    import os

    from checker import check
    from checker.checkpoint import FILE, Checkpoints
    from checker.spec import load_spec
    from models import REGISTRY

    spec = load_spec(str(SPECS / "paxos-3a-2v-2b.yaml"), REGISTRY)
    # (saved at every level: the last checkpoint is that of the last level)
    check(spec.build(), spec.config(), checkpoints=Checkpoints(str(tmp_path), every=0))
    os.utime(tmp_path / FILE, (1_796_000_000, 1_796_000_000))
    resumed = cmc("check", str(SPECS / "paxos-3a-2v-2b.yaml"), "--resume", str(tmp_path))
    assert resumed.exit_code == 0
    said = re.fullmatch(re.escape(f"resuming from the checkpoint in {tmp_path}: depth 16, "
                                  "3,921 distinct states in ") + r"(\d+\.\d\d)"
                        + re.escape(" s, saved at 2026-11-30 00:53:20 UTC\n"), resumed.stderr)
    assert said, resumed.stderr
    reported = re.search(r"distinct states 3,921 · generated 9,443 · depth 16 · (\d+\.\d\d) s",
                         resumed.stdout)
    assert reported, resumed.stdout
    # the search's seconds: those before the checkpoint too
    assert float(reported[1]) >= float(said[1])
