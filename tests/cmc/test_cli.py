"""The command line: exit codes, messages and output formats (click's CliRunner)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cmc.main import cli


@pytest.fixture
def run(toy_registry):
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args))
    return invoke


def test_a_holding_spec_exits_0(run, write_spec):
    result = run("check", write_spec("model: die-hard\nproperties: [within_capacity]\n"))
    assert result.exit_code == 0
    assert "verdict: HOLDS" in result.output
    assert "distinct states 16 · generated 97 · depth 7" in result.output


def test_a_violation_exits_1_with_the_counterexample(run, write_spec):
    result = run("check", write_spec("model: die-hard\nproperties: [goal_not_reached]\n"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1] == "verdict: VIOLATED"
    assert lines[2] == ("Goal Not Reached (goal_not_reached) violated after 6 steps: "
                        "the big jug holds 4 gallons")
    assert lines[3:6] == ["  0  initial state", "       state = [0, 0]", "  1  Fill(jug=1)"]
    assert "  6  Pour(source=1, target=0)" in lines


def test_a_met_expectation_of_violation_exits_0(run, write_spec):
    result = run("check", write_spec(
        "model: die-hard\nexpect: {verdict: violated, property: goal_not_reached, "
        "trace_length: 6}\n"))
    assert result.exit_code == 0
    assert result.output.rstrip().endswith("expectation met")


def test_an_unmet_expectation_exits_1_showing_expected_and_actual(run, write_spec):
    result = run("check", write_spec(
        "model: die-hard\nproperties: [within_capacity]\n"
        "expect: {verdict: holds, distinct_states: 10}\n"))
    assert result.exit_code == 1
    assert "expectation NOT met:\n  distinct_states: expected 10, got 16" in result.output


def test_a_bounded_run_exits_3_and_reports_what_it_explored(run, write_spec):
    result = run("check", "--max-depth", "2",
                 write_spec("model: die-hard\nproperties: [within_capacity]\n"))
    assert result.exit_code == 3
    assert ("verdict: INCOMPLETE (the depth bound (max_depth) was reached "
            "with states left to explore)") in result.output
    assert "distinct states 6 · " in result.output


def test_a_run_past_its_memory_limit_exits_3_and_reports_what_it_explored(run, write_spec,
                                                                          monkeypatch):
    import checker.workers

    # 1 MiB held when the limit is checked, before the run; 10 MiB from its
    # first look on: the run stops after its initial state
    looks = iter([2**20])
    monkeypatch.setattr(checker.workers, "resident_memory", lambda: next(looks, 10 * 2**20))
    result = run("check", "--memory-limit", "2",
                 write_spec("model: die-hard\nproperties: [within_capacity]\n"))
    assert result.exit_code == 3
    assert "verdict: INCOMPLETE (the memory limit (--memory-limit) was reached)" in result.output
    assert "distinct states 1 · generated 1 · depth 0 · " in result.output


def test_a_memory_limit_below_1_mib_is_refused(run, write_spec):
    result = run("check", "--memory-limit", "0", write_spec("model: die-hard\n"))
    assert result.exit_code == 2
    assert "Invalid value for '--memory-limit': 0 is not in the range x>=1." in result.output


def test_bad_spec_exits_2_with_one_line_and_no_traceback(run, write_spec):
    path = write_spec("model: die-hard\nboundz: {}\n")
    result = run("check", path)
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}:2: boundz: unknown field 'boundz' (did you mean "
                             "'bounds'?); accepted: bounds, constraints, deadlock, description, "
                             "exact, expect, fairness, init, invariants, model, mutant, "
                             "network, params, partition, properties, symmetry, temporal\n")
    assert result.stdout == ""


def test_every_spec_is_validated_before_any_runs(run, write_spec):
    good = write_spec("model: die-hard\n", "good.yaml")
    bad = write_spec("model: nothing\n", "bad.yaml")
    result = run("check", good, bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {bad}:1: model: unknown model 'nothing'")


def test_missing_spec_file_exits_2(run):
    result = run("check", "no/such.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: no/such.yaml: no such file; give the path of a spec (.yaml)\n"


def test_bad_option_exits_2(run, write_spec):
    result = run("check", "--max-depth", "-1", write_spec("model: die-hard\n"))
    assert result.exit_code == 2
    assert "Invalid value for '--max-depth': -1 is not in the range x>=0." in result.stderr


@pytest.mark.parametrize("value", ["0", "two"])
def test_bad_workers_exits_2(run, write_spec, value):
    result = run("check", "--workers", value, write_spec("model: die-hard\n"))
    assert result.exit_code == 2
    assert (f"Invalid value for '--workers': '{value}' is neither a whole number of "
            "processes (1 or more) nor auto") in result.stderr


def test_workers_are_reported_and_change_nothing_else(run, monkeypatch):
    from checker import explore, successors

    # levels of 128 states and more are shared (these specs have no level
    # of the default 2,048)
    monkeypatch.setattr(successors, "CHUNK", 64)
    monkeypatch.setattr(explore, "FORK_MIN", 128)
    one = json.loads(run("check", "--workers", "1", "--format", "json",
                         "specs/raft-mutant-vote-twice.yaml").output)["results"][0]
    two = json.loads(run("check", "--workers", "2", "--format", "json",
                         "specs/raft-mutant-vote-twice.yaml").output)["results"][0]
    assert (one["stats"].pop("workers"), two["stats"].pop("workers")) == (1, 2)
    for document in (one, two):
        # (model_stats: the kit's memo figures, counted in the main process;
        # each partition's visited set is a table of its own)
        for key in ("seconds", "states_per_second", "peak_memory_bytes",
                    "worker_memory_bytes", "model_stats", "store_bytes"):
            document["stats"].pop(key)
    assert one == two
    text = run("check", "--workers", "2", "specs/raft-2s.yaml").output
    assert " MiB · 2 workers (each up to " in text


def test_exit_code_of_several_specs_is_the_worst(run, write_spec):
    holds = write_spec("model: die-hard\nproperties: [within_capacity]\n", "holds.yaml")
    bounded = write_spec("model: die-hard\nproperties: [within_capacity]\n"
                         "bounds: {max_states: 3}\n", "bounded.yaml")
    violated = write_spec("model: die-hard\n", "violated.yaml")
    assert run("check", holds, bounded).exit_code == 3
    assert run("check", bounded, violated, holds).exit_code == 1


def test_json_format_is_one_document(run, write_spec):
    path = write_spec("model: die-hard\nproperties: [goal_not_reached, both_full]\n")
    result = run("check", "--format", "json", path)
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["schema"] == "cmc.result/2"
    (entry,) = document["results"]
    assert (entry["spec"], entry["model"], entry["verdict"]) == (path, "die-hard", "violated")
    assert entry["params"] == {"small": 3, "big": 5, "goal": 4}
    assert entry["stats"]["distinct_states"] == 14
    assert entry["stats"]["actions"] == {"Fill": 24, "Empty": 24, "Pour": 24}
    (violation,) = entry["violations"]
    assert violation["property"] == "goal_not_reached"
    assert violation["trace"][0] == {"action": None, "state": {"state": [0, 0]},
                                     "values": {"state": [0, 0]}}
    assert violation["trace"][1]["action"] == {"name": "Fill", "args": {"jug": 1},
                                               "text": "Fill(jug=1)"}
    assert len(violation["trace"]) == 7
    assert [w["property"] for w in entry["witnesses"]] == ["both_full"]


def test_out_writes_a_report_per_spec(run, write_spec, tmp_path):
    path = write_spec("model: die-hard\n", "jugs.yaml")
    result = run("check", "--out", str(tmp_path / "reports"), path)
    assert result.exit_code == 1
    written = json.loads((tmp_path / "reports" / "jugs.json").read_text())
    assert written["schema"] == "cmc.result/2"
    assert [entry["verdict"] for entry in written["results"]] == ["violated"]
    assert (tmp_path / "reports" / "jugs.txt").read_text().startswith(f"{path}: die-hard")


def test_progress_lines_go_to_stderr_only(run, write_spec):
    result = run("check", "--progress",
                 write_spec("model: die-hard\nproperties: [within_capacity]\n"))
    assert result.stderr.splitlines()[-1] == "done: states=97, distinct=16, depth=7"
    assert "done:" not in result.stdout


def test_progress_prints_each_level_when_it_is_done(monkeypatch):
    from checker import CheckConfig, check, successors
    from checker.progress import PlainLines
    from tests.toys import DieHard

    monkeypatch.setattr(successors, "CHUNK", 1)  # levels of several chunks
    stream = io.StringIO()
    check(DieHard(), CheckConfig(properties=("within_capacity",)),
          reporter=PlainLines(stream, verbose=True))
    assert stream.getvalue().splitlines() == [
        "level: depth=0, states=1, distinct=1, new=1",
        "level: depth=1, states=7, distinct=3, new=2",
        "level: depth=2, states=19, distinct=6, new=3",
        "level: depth=3, states=37, distinct=8, new=2",
        "level: depth=4, states=49, distinct=10, new=2",
        "level: depth=5, states=61, distinct=12, new=2",
        "level: depth=6, states=73, distinct=14, new=2",
        "level: depth=7, states=85, distinct=16, new=2",
        "done: states=97, distinct=16, depth=7"]


@pytest.mark.parametrize("asked, written", [
    ("html", "--out DIR writes SPEC.html (with SPEC.txt and SPEC.json)"),
    ("Markdown", "--summary FILE appends a Markdown summary"),
    ("junit", "--junit FILE writes JUnit XML"),
])
def test_a_report_format_written_to_files_says_which_option_writes_it(run, write_spec, asked,
                                                                       written):
    result = run("check", "--format", asked, write_spec("model: die-hard\n"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: Invalid value for '--format': {asked!r} is not printed: {written}; --format "
        "prints text or json (see cli check --help)")


def test_a_long_run_without_a_terminal_says_it_goes_on_once_a_minute():
    from checker.progress import Periodic

    stream, now = io.StringIO(), [100.0]
    reporter = Periodic(stream, clock=lambda: now[0])
    for seconds, distinct in [(30, 1000), (59.9, 2000), (60, 3000), (90, 4000), (119, 5000),
                              (121, 6000)]:
        now[0] = 100.0 + seconds
        reporter.update(7, distinct, 3 * distinct, 100)
    reporter.finish(8, 7000, 21000)
    assert stream.getvalue().splitlines() == [
        "progress: 60 s, depth 7, 3,000 distinct states (50 a second), 9,000 generated, "
        "100 queued",
        "progress: 121 s, depth 7, 6,000 distinct states (50 a second), 18,000 generated, "
        "100 queued"]


def test_a_resumed_run_s_progress_counts_its_own_states_a_second(tmp_path, monkeypatch):
    # it divided the states found before the checkpoint too by its seconds
    from types import SimpleNamespace

    from checker import CheckConfig, check, explore, progress
    from checker.checkpoint import Checkpoints
    from checker.progress import Periodic
    from tests.checker.test_checkpoint import StateClock
    from tests.checker.test_workers import Grid

    clock = StateClock()  # the engine's: a state expanded is a second
    monkeypatch.setattr(explore, "time", SimpleNamespace(monotonic=clock))
    grid = Grid(on_expand=clock.expand, side=6, back=True)
    check(grid, CheckConfig(keep_going=True, time_limit=10),
          checkpoints=Checkpoints(str(tmp_path), every=0))  # stops at depth 5, 21 states
    monkeypatch.setattr(progress, "PERIOD", 1.0)
    stream, now = io.StringIO(), [0.0]
    reporter = Periodic(stream, clock=lambda: now[0])
    now[0] = 1.0  # the first line is due at once
    check(grid, CheckConfig(keep_going=True), reporter=reporter,
          checkpoints=Checkpoints(str(tmp_path), every=3600, resume=True))
    assert reporter.before == 21
    assert stream.getvalue().splitlines()[0] == (
        "progress: 1 s, depth 6, 28 distinct states (7 a second), 58 generated, 7 queued")


def test_a_short_run_without_a_terminal_prints_no_progress(run, write_spec):
    # (the default where stderr is no terminal: a line a minute, none here)
    result = run("check", write_spec("model: die-hard\nproperties: [within_capacity]\n"))
    assert result.exit_code == 0 and result.stderr == ""


def test_interrupt_reports_what_was_explored(run, write_spec, monkeypatch):
    from tests.toys import Counter

    calls = []

    def interrupted(self, state):
        calls.append(state)
        if len(calls) > 3:
            raise KeyboardInterrupt
        return [(type(self).actions[0](1), state + 1)]

    monkeypatch.setattr(Counter, "successors", interrupted)
    result = run("check", write_spec("model: counter\nparams: {limit: 100}\n"))
    assert result.exit_code == 3
    assert "verdict: INCOMPLETE (the run was interrupted)" in result.output


def test_list_shows_parameters_properties_and_mutants(run):
    result = run("list")
    assert result.exit_code == 0
    assert ("die-hard: the water-jug puzzle (a toy for engine tests)\n  parameters:\n"
            "    small (default 3, at least 1): capacity of the small jug\n") in result.output
    assert "    goal_not_reached (invariant): Goal Not Reached\n" in result.output
    assert "    overfill: filling the big jug puts in one gallon too many" in result.output
    listed = json.loads(run("list", "--format", "json").output)
    assert "die-hard" in [m["name"] for m in listed["models"]]


def test_list_shows_the_models_named_a_users_own_too(run):
    # a user's model is named as a spec's model: names it (a new user had to
    # misname a mutant to see a file model's mutants in the error)
    user = Path(__file__).parents[1] / "models" / "user" / "chain_replication.py"
    result = run("list", f"{user}:ChainReplication", "die-hard")
    assert result.exit_code == 0
    names = [line.split(":")[0] for line in result.output.splitlines()
             if line and not line.startswith(" ")]
    assert names == ["chain-replication", "die-hard"]
    assert "  mutants:\n    read_at_head: " in result.output
    result = run("list", "nope")
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        2, "error: no model 'nope'; the bundled ones are counter, die-hard, lease-election, "
           "paxos, paxos-liveness, paxos-textbook, raft, raft-kv, or name your own as "
           "./my_protocol.py:MyModel (see cli list --help)")


def test_list_says_which_temporal_properties_are_of_each_member(run, monkeypatch):
    import checker
    import models
    from tests.toys import Counter

    class Racers(Counter):
        name, summary = "racers", "a counter with a property of each racer"

        @checker.eventually("Finishes", each="racer")
        def finishes(self, state):
            return {"r0": state >= 1, "r1": state >= 2}

    monkeypatch.setitem(models.REGISTRY, Racers.name, Racers)
    # (a temporal property is checked when a spec names it: cmc list says so)
    assert ("    finishes (eventually, of each racer, checked when a spec names it): "
            "Finishes\n") in run("list").output
    listed = json.loads(run("list", "--format", "json").output)
    racers = next(m for m in listed["models"] if m["name"] == "racers")
    assert {"name": "finishes", "title": "Finishes", "kind": "eventually",
            "each": "racer", "default": False, "doc": ""} in racers["properties"]
    die_hard = next(m for m in listed["models"] if m["name"] == "die-hard")
    assert {p["each"] for p in die_hard["properties"]} == {None}


def test_a_crash_exits_4_with_its_traceback_never_1_as_a_verdict(run, write_spec,
                                                                  monkeypatch):
    import checker.explore

    def crashes(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(checker.explore.Search, "run", crashes)
    result = CliRunner().invoke(cli, ["check", write_spec("model: die-hard\n")])
    assert result.exit_code == 4
    lines = result.output.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "RuntimeError: a bug" in lines
    assert lines[-1] == ("error: internal error (the traceback above): a bug in cmc, or model "
                         "code failing where cmc did not expect it; please report it")


def test_show_prints_the_resolved_configuration(run, write_spec):
    result = run("show", write_spec("model: die-hard\nparams: {big: 7}\n"))
    assert result.exit_code == 0
    assert "params:\n  small: 3\n  big: 7\n  goal: 4\n" in result.output
    assert "properties:\n- goal_not_reached\n- within_capacity\n" in result.output


@pytest.mark.parametrize("spec", ["specs/paxos-liveness-dueling.yaml",
                                  "specs/paxos-textbook-invariant-nothing-learned.yaml",
                                  "tests/user_trials/paxos-liveness-dueling-temporal.yaml",
                                  "tests/models/user/bosco.yaml"])
def test_what_show_prints_loads_as_the_same_spec(run, spec, tmp_path):
    # (new users' trials: show printed spec:, mutant: null and fairness as
    # a list, which a spec cannot hold; and a user model's path relative to
    # the spec's folder, which did not load where the output was kept)
    from checker.spec import load_spec
    from models import REGISTRY

    root = Path(__file__).resolve().parents[2]
    shown = run("show", str(root / spec))
    assert shown.exit_code == 0
    assert shown.output.startswith(f"# {root / spec}, resolved by cmc show: every default "
                                   "filled in\n")
    # kept in another folder (a user model is named by its absolute path)
    again = tmp_path / "shown.yaml"
    again.write_text(shown.output)
    original, resolved = load_spec(root / spec, REGISTRY), load_spec(again, REGISTRY)
    assert run("show", str(again)).output.splitlines()[1:] == shown.output.splitlines()[1:]
    from checker.properties import select_properties

    assert resolved.model_class is original.model_class
    models = resolved.build(), original.build()
    assert models[0].choices() == models[1].choices()
    checked = [[prop.name for prop in select_properties(model, spec.config().properties)]
               for model, spec in zip(models, (resolved, original))]
    assert checked[0] == checked[1]
    assert resolved.fairness == original.fairness and resolved.expect == original.expect


def test_python_dash_m_checker_is_the_same_command():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "checker", "--help"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: cmc [OPTIONS] COMMAND [ARGS]...")


def test_symmetry_flag_overrides_the_spec(run, write_spec, monkeypatch):
    import models
    from tests.toys import Tokens

    monkeypatch.setitem(models.REGISTRY, Tokens.name, Tokens)
    path = write_spec("model: tokens\nproperties: [one_at_limit]\nsymmetry: false\n")
    plain = json.loads(run("check", "--format", "json", path).output)["results"][0]
    reduced = json.loads(run("check", "--format", "json", "--symmetry", path).output)
    assert plain["stats"]["distinct_states"] == 27
    assert reduced["results"][0]["stats"]["distinct_states"] == 10


def test_symmetry_flag_for_a_model_without_symmetric_sets_is_refused(run, write_spec):
    path = write_spec("model: die-hard\nproperties: [within_capacity]\n")
    result = run("check", "--symmetry", path)
    assert result.exit_code == 2
    assert result.stderr == (f"error: --symmetry: {path}: model die-hard declares no symmetric "
                             "sets, so nothing would be reduced; leave --symmetry out (see cli "
                             "check --help)\n")
    assert run("check", "--no-symmetry", path).exit_code == 0


def test_auto_workers_no_faster_than_one_process_are_reported(run, monkeypatch):
    from checker import explore, successors, workers

    monkeypatch.setattr(successors, "CHUNK", 64)
    monkeypatch.setattr(explore, "FORK_MIN", 128)
    monkeypatch.setattr(explore, "PAYS", 1e9)  # no process can be that fast
    monkeypatch.setattr(workers, "idle_cpus", lambda: 2)
    one = json.loads(run("check", "--workers", "1", "--format", "json",
                         "specs/raft-2s.yaml").output)["results"][0]
    auto = json.loads(run("check", "--workers", "auto", "--format", "json",
                          "specs/raft-2s.yaml").output)["results"][0]
    assert (one["stats"]["one_process_from"], auto["stats"]["one_process_from"],
            auto["stats"]["workers"]) == (None, 12, 2)
    assert (auto["verdict"], auto["stats"]["distinct_states"]) == (
        one["verdict"], one["stats"]["distinct_states"])
    text = run("check", "--workers", "auto", "specs/raft-2s.yaml").output
    assert (", then one process from depth 12: the workers were no faster\n") in text
    # numbers given are taken as given: no trial
    two = json.loads(run("check", "--workers", "2", "--format", "json",
                         "specs/raft-2s.yaml").output)["results"][0]
    assert (two["stats"]["one_process_from"], two["stats"]["workers"]) == (None, 2)


def test_a_witness_never_reached_says_what_that_means(run, write_spec):
    # (an operator read 'never reached' as a failure of the property he
    # cared about: the witness guards the check against being vacuous)
    path = write_spec("model: die-hard\nproperties: [within_capacity, overflow]\n")
    result = run("check", path, "--no-color")
    assert result.exit_code == 1
    assert result.output.splitlines()[1:3] == [
        "verdict: VIOLATED",
        "Overflow (overflow) is never reached: no reachable state satisfies it, so the run it "
        "stands for never happens within these bounds; widen what keeps it out (parameters, "
        "constraints), or leave it out of properties:"]
