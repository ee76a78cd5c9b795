"""`cmc check --replay`: a counterexample recorded by one spec taken again
on another (the mutant's on the fixed model), a run written by hand, the
exit codes, expectations judged by verdict and property only, the JSON
document, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cmc.main import cli
from reports.json import SCHEMA_PATH

SPECS = Path(__file__).resolve().parents[2] / "specs"
MUTANT, FIXED = str(SPECS / "paxos-mutant-no-adopt.yaml"), str(SPECS / "paxos-3a-2v-2b.yaml")
#: the no_adopt mutant's shortest counterexample (specs/paxos-mutant-no-adopt.yaml)
ACTIONS = ["Phase1a(b=0)", "Phase1a(b=1)", "Phase1b(a=0, b=0)", "Phase1b(a=0, b=1)",
           "Phase1b(a=1, b=0)", "Phase2a(b=0, v=0)", "Phase2b(a=1, b=0, v=0)",
           "Phase1b(a=1, b=1)", "Phase2b(a=2, b=0, v=0)", "Phase2a(b=1, v=1)",
           "Phase2b(a=0, b=1, v=1)", "Phase2b(a=1, b=1, v=1)"]


def check(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> str:
    """The mutant's counterexample as `cmc check --format json` writes it."""
    result = check(MUTANT, "--format", "json")
    assert result.exit_code == 0
    path = tmp_path_factory.mktemp("recorded") / "no-adopt.json"
    path.write_text(result.output)
    return str(path)


def without_expect(tmp_path, spec: str) -> str:
    text = "".join(line for line in Path(spec).read_text().splitlines(keepends=True)
                   if not line.startswith("expect:"))
    path = tmp_path / Path(spec).name
    path.write_text(text)
    return str(path)


def test_the_recorded_counterexample_breaks_the_mutant_again_step_for_step(recorded):
    result = check(MUTANT, "--replay", recorded, "--format", "json")
    assert result.exit_code == 0  # the spec expects the violation
    document = json.loads(result.output)
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    (run,) = document["results"]
    assert run["verdict"] == "violated" and run["stopped_by"] == "replay"
    (violation,) = run["violations"]
    assert violation["property"] == "agreement"
    assert [step["action"]["text"] for step in violation["trace"][1:]] == ACTIONS
    assert run["stats"]["replay"] == {"source": f"{recorded}:agreement", "steps": 12,
                                      "taken": 12, "left": None, "first_difference": None,
                                      "differing": 0, "log": False, "stop": None, "loop": None,
                                      "start": None}
    assert run["stats"]["depth"] == 12 and run["stats"]["distinct_states"] == 13
    assert run["run"] == violation["trace"]  # the whole run, broken at its last step


def test_on_the_fixed_model_the_run_stops_where_paxos_adopts_the_earlier_vote(recorded,
                                                                              tmp_path):
    result = check(FIXED, "--replay", recorded)
    assert result.exit_code == 0  # holds expected: not contradicted
    lines = result.output.splitlines()
    # the run is no longer one of the model's: what the headline says first
    assert lines[3] == ("verdict: NOT A RUN (step 10, Phase2a(b=1, v=1), is not a step of the "
                        "model)")
    assert ("replay stopped: step 10, Phase2a(b=1, v=1), is not a step of the model from "
            "step 9's state; its steps there: Phase1b(a=2, b=1), Phase2a(b=1, v=0); closest: "
            "Phase2a(b=1, v=0), yours differs at v=1") in lines
    assert (f"replay of {recorded}:agreement: 9 of 12 steps taken · distinct states 10 · "
            "generated 41 · ") in result.output
    assert result.output.rstrip().splitlines()[-1] == ("expectation (holds) not contradicted: the steps replayed break no "
                         "property, which does not prove that they hold")
    # without an expectation, a run that stopped before its end is incomplete
    assert check(without_expect(tmp_path, FIXED), "--replay", recorded).exit_code == 3


def test_a_hand_written_run_is_checked_as_it_goes(tmp_path):
    run = tmp_path / "run.yaml"
    run.write_text("# the counterexample, written by hand\n"
                   + "".join(f"- {action}\n" for action in ACTIONS))
    result = check(without_expect(tmp_path, MUTANT), "--replay", str(run))
    assert result.exit_code == 1
    assert ("Agreement (agreement) violated after 12 steps: value 0 is chosen in ballot 0 by "
            "acceptors 1, 2; value 1 is chosen in ballot 1 by acceptors 0, 1"
            ) in result.output.splitlines()
    # the first 9 steps break nothing: the expected violation is contradicted
    run.write_text("".join(f"- {action}\n" for action in ACTIONS[:9]))
    result = check(MUTANT, "--replay", str(run))
    assert result.exit_code == 1
    assert ("expectation NOT met:\n  verdict: expected violated (agreement), the replayed "
            "run breaks no property\n") in result.output


def test_a_raft_schedule_written_with_ascii_arrows(tmp_path):
    # s1 wins term 2; s2 then asks s1, which already voted for itself
    run = tmp_path / "run.yaml"
    run.write_text("""\
- Timeout(i=s1)
- RequestVote(i=s1, j=s1)
- Timeout(i=s2)
- Receive(m=RequestVoteRequest(s1->s1, term=2, last_log_term=0, last_log_index=0))
- Receive(m=RequestVoteResponse(s1->s1, term=2, vote_granted=True))
- RequestVote(i=s1, j=s2)
- Receive(m=RequestVoteRequest(s1->s2, term=2, last_log_term=0, last_log_index=0))
- Receive(m=RequestVoteResponse(s2->s1, term=2, vote_granted=True))
- BecomeLeader(i=s1)
- RequestVote(i=s2, j=s1)
- Receive(m=RequestVoteRequest(s2->s1, term=2, last_log_term=0, last_log_index=0))
- Receive(m=RequestVoteResponse(s1->s2, term=2, vote_granted=True))
""")
    result = check(str(SPECS / "raft-2s.yaml"), "--replay", str(run))
    assert result.exit_code == 0
    # the run, as far as it goes, as a trace: it breaks nothing to show it otherwise
    lines = result.output.splitlines()
    start = lines.index("the run replayed, 11 steps:")
    assert lines[start + 1:start + 3] == ["   0  initial state",
                                          "        s1.current_term = 1"]
    assert lines[start + 21:start + 24] == ["   1  Timeout(i=s1)",
                                            "        s1.current_term: 1 → 2",
                                            "        s1.role: Follower → Candidate"]
    assert ("replay stopped: step 12, Receive(m=RequestVoteResponse(s1->s2, term=2, "
            "vote_granted=True)), is not a step of the model from step 11's state; its steps "
            "there: Restart(i=s1), ClientRequest(i=s1, v=v1), Timeout(i=s2), Restart(i=s2), "
            "Receive(m=RequestVoteResponse(s1→s2, term=2, vote_granted=False)), "
            "DropMessage(message=RequestVoteResponse(s1→s2, term=2, vote_granted=False)); "
            "closest: Receive(m=RequestVoteResponse(s1→s2, term=2, vote_granted=False)), "
            "yours differs at vote_granted=True") in result.output.splitlines()
    # where a server votes twice, the whole run is one, and s2 is no leader yet
    result = check(str(SPECS / "raft-mutant-vote-twice.yaml"), "--replay", str(run))
    assert result.exit_code == 1
    assert f"replay of {run}: 12 of 12 steps taken · " in result.output
    assert ("expectation NOT met:\n  verdict: expected violated (election_safety), the "
            "replayed run breaks no property\n") in result.output
    # a step the model does not have, short of the expected violation: not judged
    run.write_text("- Timeout(i=s1)\n- BecomeLeader(i=s1)\n")
    result = check(str(SPECS / "raft-mutant-vote-twice.yaml"), "--replay", str(run))
    assert result.exit_code == 3
    assert result.output.rstrip().splitlines()[-1] == (
        "expectation not judged: the replay stopped before the run broke election_safety")


def test_a_recorded_state_the_model_no_longer_reaches_is_named(recorded, tmp_path):
    document = json.loads(Path(recorded).read_text())
    document["results"][0]["violations"][0]["trace"][3]["state"]["a0.max_bal"] = 7
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document))
    result = check(MUTANT, "--replay", str(edited))
    assert result.exit_code == 0
    assert ("replay: step 3 (Phase1b(a=0, b=0)) reaches another state than the recorded "
            "one: a0.max_bal is 0, recorded 7") in result.output.splitlines()


@pytest.mark.parametrize("options, message", [
    (["--simulate"], "--replay takes one recorded run, --simulate draws behaviours: give "
                     "one of them"),
    (["--symmetry"], "--symmetry is for a search of every state; --replay takes one recorded "
                     "run: leave one out"),
    (["--workers", "2"], "--workers is for a search of every state; --replay takes one "
                         "recorded run: leave one out"),
    (["--max-depth", "3"], "--max-depth is for a search of every state; --replay takes one "
                           "recorded run: leave one out"),
    (["--keep-going"], "--keep-going is for a search of every state; --replay takes one "
                       "recorded run: leave one out"),
])
def test_options_of_a_search_are_refused(recorded, options, message):
    result = check(MUTANT, "--replay", recorded, *options)
    assert result.exit_code == 2
    assert result.output == f"error: {message} (see cli check --help)\n"


def test_workers_1_is_what_a_replay_does_and_is_taken(recorded):
    """A replay runs in one process: --workers 1 (a CI line's) changes nothing."""
    plain = check(MUTANT, "--replay", recorded, "--format", "json")
    one = check(MUTANT, "--replay", recorded, "--workers", "1", "--format", "json")
    assert one.exit_code == plain.exit_code == 0
    runs = [json.loads(r.output)["results"][0] for r in (plain, one)]
    assert [run["violations"][0]["trace"] for run in runs][0] == runs[1]["violations"][0]["trace"]
    assert runs[1]["stats"]["replay"]["taken"] == 12


def test_a_missing_or_unusable_file_is_one_line(tmp_path, recorded):
    result = check(MUTANT, "--replay", str(tmp_path / "none.yaml"))
    assert (result.exit_code, result.output) == (
        2, f"error: {tmp_path / 'none.yaml'}: cannot read the run to replay: No such file or "
           "directory\n")
    result = check(MUTANT, "--replay", f"{recorded}:validity")
    assert (result.exit_code, result.output) == (
        2, f"error: {recorded}: holds no trace of validity; it holds those of agreement, "
           f"value_chosen, adopts_earlier_vote, stale_1a_ignored: name one ({recorded}:"
           "agreement)\n")
    # a witness is named
    result = check(MUTANT, "--replay", f"{recorded}:value_chosen", "--format", "json")
    assert result.exit_code == 1  # the whole run, and the expected violation not on it
    assert json.loads(result.output)["results"][0]["stats"]["replay"]["steps"] == 6


@pytest.mark.parametrize("make, message", [
    (lambda tmp: str(tmp), "is a folder; give a JSON report of cmc check or a YAML list of "
                           "actions"),
    (lambda tmp: "/dev/zero", "not YAML (unacceptable character #x0000: special characters "
                              "are not allowed); give a JSON report of cmc check or a YAML "
                              "list of actions"),
    (lambda tmp: _written(tmp / "deep.yaml", b"[" * 100_000),
     "is nested too deep for a run; give a JSON report of cmc check or a YAML list of "
     "actions"),
    (lambda tmp: _written(tmp / "latin.yaml", b"- Phase1a(b=\xe9)\n"),
     "is not UTF-8 text (byte 12: invalid continuation byte)"),
])
def test_a_hostile_run_file_is_one_line_not_a_hang_or_a_traceback(tmp_path, make, message):
    path = make(tmp_path)
    result = check(MUTANT, "--replay", path)
    assert (result.exit_code, result.output) == (2, f"error: {path}: {message}\n")


def _written(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_a_differing_field_is_printed_as_reports_print_it(tmp_path):
    # (its arrows as arrows, not JSON's \u2192)
    spec = str(SPECS / "raft-mutant-vote-twice.yaml")
    document = json.loads(check(spec, "--format", "json").output)
    document["results"][0]["violations"][0]["trace"][2]["state"]["msgs"] = []
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document))
    result = check(spec, "--replay", str(edited))
    assert result.exit_code == 0
    assert ("replay: step 2 (RequestVote(i=s1, j=s1)) reaches another state than the "
            "recorded one: msgs is [\"RequestVoteRequest(s1→s1, term=2, last_log_term=0, "
            "last_log_index=0)\"], recorded []") in result.output.splitlines()
