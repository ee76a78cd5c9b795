"""Trace validation (checker/validation.py): a log of what a system did,
events that say less than a run (an action family, some fields, hidden
actions between them), explained by a run of the model found breadth-first
and replayed; where none explains it, the event no step explains, exit 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from checker import CheckConfig, Model, invariant
from checker.errors import SpecError
from checker.replay import as_run, load_script, replay
from cmc.main import cli
from models.raft import Raft

RAFT_2S = str(Path(__file__).resolve().parents[2] / "specs" / "raft-2s.yaml")
#: what s1 logged: it timed out, became leader, took a request and committed it
COMMITTED = """\
hidden: [RequestVote, Receive, AppendEntries]
events:
  - Timeout(i=s1)
  - BecomeLeader(i=s1)
  - ClientRequest(i=s1)
  - {action: AdvanceCommitIndex(i=s1), state: {s1.commit_index: 1}}
"""


def raft() -> Raft:
    return Raft(servers=2, values=1, max_term=2, max_log=1, max_msgs=1)


def written(tmp_path: Path, text: str, name: str = "log.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_a_log_is_explained_by_a_run_with_the_hidden_steps_between_its_events(tmp_path):
    run = as_run(raft(), load_script(written(tmp_path, COMMITTED)))
    assert run.left is None and run.log
    assert run.source.endswith("(its 4 events explained by a run of 15 steps)")
    # each event a step of its family; the votes and the replication hidden
    assert [text.split("(")[0] for text in run.actions] == [
        "Timeout", "RequestVote", "Receive", "Receive", "RequestVote", "Receive", "Receive",
        "Receive", "BecomeLeader", "ClientRequest", "AppendEntries", "Receive", "Receive",
        "Receive", "AdvanceCommitIndex"]
    assert run.actions[9] == "ClientRequest(i=s1, v=v1)"
    assert run.states[-1]["s1.commit_index"] == 1
    result = replay(raft(), CheckConfig(), load_script(written(tmp_path, COMMITTED)))
    assert result.stats.replayed.left is None
    assert (result.stats.replayed.taken, len(result.run)) == (15, 15)  # (steps)


def test_an_event_of_fields_alone_is_any_step_reaching_them(tmp_path):
    log = written(tmp_path, 'hidden: ["*"]\nevents: [{state: {s2.role: Leader}}]\n')
    run = as_run(raft(), load_script(log))
    # the fewest steps to s2 leading: as the model's leader_elected witness
    assert len(run.actions) == 9 and run.actions[-1] == "BecomeLeader(i=s2)"


def test_a_log_no_run_explains_stops_at_its_event_saying_the_steps_there(tmp_path):
    log = written(tmp_path, """\
hidden: [RequestVote, Receive]
events: [Timeout(i=s1), BecomeLeader(i=s1), ClientRequest(i=s2)]
""")
    run = as_run(raft(), load_script(log))
    assert len(run.actions) == 9 and run.actions[-1] == "BecomeLeader(i=s1)"
    assert run.left == (
        "event 3, ClientRequest(i=s2), is no step of the model from the one state that "
        "explains events 1-2 (with RequestVote, Receive steps hidden); the run shown explains "
        "events 1-2, and its last state's steps are: Restart(i=s1), ClientRequest(i=s1, "
        "v=v1), AppendEntries(i=s1, j=s2), Timeout(i=s2)")


def test_max_hidden_bounds_the_hidden_steps_between_two_events(tmp_path):
    log = written(tmp_path, COMMITTED.replace("events:", "max_hidden: 6\nevents:"))
    run = as_run(raft(), load_script(log))
    # the election needs 7 hidden steps between Timeout and BecomeLeader
    assert run.actions == ("Timeout(i=s1)",)
    assert run.left.startswith("event 2, BecomeLeader(i=s1), is no step of the model from "
                               "any of the ")


def test_the_first_event_is_taken_from_any_initial_state(tmp_path):
    run = as_run(raft(), load_script(written(tmp_path, "events: [BecomeLeader]\n")))
    assert run.actions == () and run.source.endswith("(a log of 1 event)")
    assert run.left == ("event 1, BecomeLeader, is no step of the model from the model's one "
                        "initial state; the run shown is an initial state, and its last "
                        "state's steps are: Timeout(i=s1), Timeout(i=s2)")


def cmc(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="cmc")


def test_cmc_check_replays_the_run_a_log_describes_and_exits_0(tmp_path):
    result = cmc("check", RAFT_2S, "--replay", written(tmp_path, COMMITTED))
    assert result.exit_code == 0, result.output
    assert "(its 4 events explained by a run of 15 steps): 15 of 15 steps taken" in \
        result.output
    document = json.loads(cmc("check", RAFT_2S, "--replay", written(tmp_path, COMMITTED),
                              "--format", "json").output)["results"][0]["stats"]["replay"]
    assert (document["log"], document["left"], document["taken"]) == (True, None, 15)


def test_the_bundled_logs_are_explained_and_not(tmp_path):
    logs = Path(RAFT_2S).parent / "logs"
    explained = cmc("check", RAFT_2S, "--replay", str(logs / "raft-2s-commit.yaml"))
    assert explained.exit_code == 0
    assert "(its 4 events explained by a run of 15 steps): 15 of 15 steps taken" in \
        explained.output
    two_leaders = cmc("check", RAFT_2S, "--replay", str(logs / "raft-2s-two-leaders.yaml"))
    assert two_leaders.exit_code == 1
    assert ("replay stopped: event 4, BecomeLeader(i=s2), is no step of the model from any "
            "of the 12 states that explain events 1-3 (with RequestVote, Receive steps "
            "hidden)") in two_leaders.output


def test_a_log_no_run_explains_fails_whatever_the_spec_expects(tmp_path):
    # raft-2s.yaml expects holds: a replay that stops is not judged, but a
    # log the model cannot explain is the system doing what it does not allow
    log = written(tmp_path, "events: [Timeout(i=s1), BecomeLeader(i=s1)]\n")
    result = cmc("check", RAFT_2S, "--replay", log)
    assert result.exit_code == 1
    assert "replay stopped: event 2, BecomeLeader(i=s1), is no step of the model" in \
        result.output
    assert result.output.splitlines()[-2] == (
        "expectation not judged: the log is explained by no run of the model (replay "
        "stopped, above)")


def test_cmc_explore_walks_to_where_a_log_is_explained(tmp_path):
    result = cmc("explore", RAFT_2S, "--run", written(tmp_path, COMMITTED))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "path 0/0/2/3/3/2/3/3/3/2/1/2/3/3/3/2 (15 steps)"
    stopped = cmc("explore", RAFT_2S, "--run",
                  written(tmp_path, "events: [Timeout(i=s1), BecomeLeader(i=s1)]\n"))
    assert stopped.exit_code == 3
    assert stopped.output.splitlines()[1] == "path 0/0 (1 step)"


@pytest.mark.parametrize("text, message", [
    ("events: []\n", "events: give the log's events as a list (events: [ClientRequest(i=s1), "
                     "{action: Timeout(i=s2), state: {s2.state: Candidate}}])"),
    ("events: [Timeout]\nhiden: [Receive]\n",
     "hiden: unknown key 'hiden'; a log has initial, events, hidden, max_hidden"),
    ("events: [5]\n", "events[1]: is 5; give an action family (ClientRequest(i=s1)) or a "
                      "mapping of action: and/or state: (fields as reports print them)"),
    ("events: [{action: Timeout, states: {}}]\n",
     "events[1]: is {'action': 'Timeout', 'states': {}}; give an action family "
     "(ClientRequest(i=s1)) or a mapping of action: and/or state: (fields as reports print "
     "them)"),
    ("events: [{state: {}}]\n",
     "events[1].state: state is {}; give the fields of the state after the event, as reports "
     "print them ({s1.state: Leader})"),
    ("events: [Timeout]\nhidden: Receive(\n",
     "hidden[1]: 'Receive(': its brackets do not balance; give fields as Name(field=value), "
     "a value as the step prints it"),
    ("events: [Timeout]\nmax_hidden: -1\n",
     "max_hidden: is -1; give how many hidden steps may come between two events, a whole "
     "number (0 or more), or leave it out"),
    ("events: [Timeout, Fly(i=s1)]\n", "events[2].action: 'Fly(i=s1)' is not an action family"),
    ("events: [{state: {s1.comit_index: 1}}]\n",
     "events[1].state: the model's states have no field 's1.comit_index' (did you mean "
     "'s1.commit_index'?); give fields as reports print them (cmc explore SPEC --at 0 lists "
     "them)"),
])
def test_a_bad_log_is_one_line_naming_its_field_and_the_fix(tmp_path, text, message):
    log = written(tmp_path, text)
    result = cmc("check", RAFT_2S, "--replay", log)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {log}: {message}")
    assert len(result.stderr.splitlines()) == 1


def test_hidden_steps_reaching_too_many_states_are_a_one_line_error(tmp_path, monkeypatch):
    from checker import validation

    monkeypatch.setattr(validation, "MOST_HIDDEN_STATES", 100)
    log = written(tmp_path, 'hidden: ["*"]\nevents: [{state: {s1.commit_index: 1}}]\n')
    with pytest.raises(SpecError) as error:
        as_run(raft(), load_script(log))
    assert str(error.value) == (f"{log}: hidden: the hidden steps before event 1 reach more "
                                "than 100 states; bound them (max_hidden: N) or hide fewer "
                                "actions")


def test_an_interrupted_search_says_how_far_it_went(tmp_path, monkeypatch):
    from checker import validation

    steps, calls = validation._steps, []

    def interrupted(model, state):
        calls.append(state)
        if len(calls) == 5:
            raise KeyboardInterrupt  # (Ctrl-C)
        return steps(model, state)

    monkeypatch.setattr(validation, "_steps", interrupted)
    result = cmc("check", RAFT_2S, "--replay", written(tmp_path, COMMITTED))
    assert result.exit_code == 3
    assert result.stderr == ("error: interrupted while searching for a run that explains the "
                             "log, 5 states in, before any run was replayed; the specs after "
                             "the last one reported were not checked\n")
    calls.clear()
    walked = cmc("explore", RAFT_2S, "--run", written(tmp_path, COMMITTED))
    assert walked.exit_code == 130  # (as any interrupt before the explorer's output)
    assert walked.stderr.startswith("error: interrupted while searching for a run that "
                                    "explains the log, ")


def test_a_log_is_one_run_without_a_property(tmp_path):
    log = written(tmp_path, "events: [Timeout]\n")
    with pytest.raises(SpecError, match="a log is one run: leave out :agreement"):
        load_script(f"{log}:agreement")


def test_a_model_with_no_initial_state_explains_no_log(tmp_path):
    from checker.errors import ModelDefinitionError

    class Empty(Raft):
        def initial_states(self):
            return []

    model = Empty(servers=2, values=1, max_term=2, max_log=1, max_msgs=1)
    with pytest.raises(ModelDefinitionError, match="initial_states\\(\\) gave no state, so no "
                                                   "run explains the log; return at least one"):
        as_run(model, load_script(written(tmp_path, COMMITTED)))


# -- where the model has several initial states ----------------------------------------------


class Add(NamedTuple):
    pass


class Start(NamedTuple):
    start: int
    x: int


class Starts(Model):
    """A counter starting at 0, 1 or 2 (`start`), raised to 3 at most."""

    name = "starts"
    actions = (Add,)

    def initial_states(self):
        return [Start(start, start) for start in range(3)]

    def successors(self, state):
        if state.x < 3:
            yield Add(), state._replace(x=state.x + 1)

    @invariant("Below Three")
    def below_three(self, state):
        return state.x < 3


def test_a_run_written_as_a_list_says_which_initial_state_it_took(tmp_path):
    result = replay(Starts(), CheckConfig(), load_script(written(tmp_path, "[Add(), Add()]\n")))
    assert result.verdict == "incomplete"
    assert result.stats.replayed.start == (
        'from initial state 1 of 3 (start = 0, x = 0), the first that takes the whole run; to '
        "start from another, replay the run as a log that gives its fields (initial: {FIELD: "
        "VALUE, ...}, events: [ACTION, ...], max_hidden: 0)")
    # three steps are taken from no initial state but the first: it takes the most
    most = replay(Starts(), CheckConfig(), load_script(written(tmp_path, "[Add(), Add(), "
                                                                  "Add(), Add()]\n")))
    assert most.stats.replayed.start.startswith(
        "from initial state 1 of 3 (start = 0, x = 0), the first that takes the most of it, "
        "3 steps;")


def test_a_log_s_initial_fields_choose_the_initial_state(tmp_path):
    log = "initial: {start: 1}\nevents: [Add(), Add()]\nmax_hidden: 0\n"
    result = replay(Starts(), CheckConfig(), load_script(written(tmp_path, log)))
    assert result.verdict == "violated"
    assert result.violation("below_three").trace.steps[-1].state == Start(1, 3)
    assert result.stats.replayed.start is None


@pytest.mark.parametrize("initial, message", [
    ("{start: 7}", 'initial: no initial state of the model has these fields ({"start": 7}); '
                   "give values as reports print them (cmc explore SPEC --at 0 lists the "
                   "initial states)"),
    ("{strat: 1}", "initial: the model's states have no field 'strat' (did you mean "
                   "'start'?); give fields as reports print them (cmc explore SPEC --at 0 "
                   "lists them)"),
    ("5", "initial: is 5; give fields of the initial state to start from, as reports print "
          "them ({p0.input: 1}), or leave it out"),
])
def test_a_bad_initial_is_one_line_naming_it(tmp_path, initial, message):
    log = written(tmp_path, f"initial: {initial}\nevents: [Add()]\n")
    with pytest.raises(SpecError) as error:
        replay(Starts(), CheckConfig(), load_script(log))
    assert str(error.value) == f"{log}: {message}"
