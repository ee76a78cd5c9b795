"""Outputs that would overwrite the run's own inputs or one another, report
names that would collide, standard output closing, destinations that would
fail only after the run, a model's state_view failing in a report, repeated
signals, options that would do nothing: each found before the run with one
line and exit 2, or handled so that nothing computed is lost."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import checker.workers
from cmc.main import cli
from tests.cmc.test_hostile_cli import cmc

ROOT = Path(__file__).resolve().parents[2]
HOLDS = "model: die-hard\nproperties: [within_capacity]\n"
VIOLATED = "model: die-hard\nproperties: [goal_not_reached]\n"
# a user's model whose state_view fails as VIEW says (read when the model is built)
VIEWS = '''\
import os
from checker import Model, invariant


class Counter(Model):
    name = "views"

    def initial_states(self):
        return [0]

    def successors(self, state):
        if os.environ["VIEW"] == "steps":
            raise RuntimeError("steps broke")
        if state < 2:
            yield "inc", state + 1

    @invariant("Small")
    def small(self, state):
        return state < 2

    def state_view(self, state):
        if os.environ["VIEW"] == "raise":
            raise RuntimeError("view broke")
        return {"n": object() if os.environ["VIEW"] == "object" else state}

    def step_events(self, state, action, next_state):
        if os.environ["VIEW"] == "events":
            raise RuntimeError("events broke")
        return ()
'''



VIEW_BROKE = 'raise RuntimeError("view broke")'


def _line_of(code: str) -> int:
    """The line of `code` in VIEWS, as a traceback numbers it."""
    return [line.strip() for line in VIEWS.splitlines()].index(code) + 1


@pytest.fixture
def run(toy_registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the paths below are relative, as a user types them

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), prog_name="cmc")
    return invoke


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# -- an output that is an input of the run ---------------------------------------


@pytest.mark.parametrize("option, given", [("--junit", "m.yaml"), ("--junit", "./m.yaml"),
                                           ("--junit", "link.yaml"), ("--summary", "m.yaml")])
def test_a_report_onto_the_spec_itself_is_refused_before_the_run(run, tmp_path, option, given):
    Path("m.yaml").write_text(HOLDS)
    Path("link.yaml").symlink_to("m.yaml")
    result = run("check", "m.yaml", option, given)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: {option} {given} is the spec m.yaml itself; write the "
                             "report elsewhere\n")
    assert Path("m.yaml").read_text() == HOLDS


def test_out_onto_a_spec_in_it_is_refused_before_the_run(run, tmp_path):
    Path("sp").mkdir()
    Path("sp/m.txt").write_text(HOLDS)
    result = run("check", "sp/m.txt", "--out", "sp")
    assert result.exit_code == 2
    assert result.stderr == ("error: --out sp (sp/m.txt) is the spec sp/m.txt itself; write "
                             "the report elsewhere\n")
    assert listing(tmp_path / "sp") == ["m.txt"]
    assert Path("sp/m.txt").read_text() == HOLDS


def test_out_with_a_link_to_the_spec_where_a_report_goes_is_refused(run, tmp_path):
    Path("m.yaml").write_text(HOLDS)
    Path("o6").mkdir()
    Path("o6/m.json").symlink_to("../m.yaml")
    result = run("check", "m.yaml", "--out", "o6")
    assert result.exit_code == 2
    assert result.stderr == ("error: --out o6 (o6/m.json) is the spec m.yaml itself; write "
                             "the report elsewhere\n")
    assert Path("m.yaml").read_text() == HOLDS


def test_a_report_onto_the_model_file_is_refused(run, tmp_path, monkeypatch):
    monkeypatch.setenv("VIEW", "raise")
    Path("views.py").write_text(VIEWS)
    Path("m.yaml").write_text("model: ./views.py:Counter\n")
    result = run("check", "m.yaml", "--junit", "views.py")
    assert result.exit_code == 2
    assert result.stderr == (f"error: --junit views.py is the model file {tmp_path}/views.py "
                             "itself; write the report elsewhere\n")
    assert Path("views.py").read_text() == VIEWS


@pytest.mark.parametrize("args, message", [
    (["graph", "m.yaml", "--around", "0", "-o", "m.yaml", "--format", "dot"],
     "error: -o m.yaml is the spec m.yaml itself; write the graph elsewhere\n"),
    (["bench", "--json", "m.yaml", "m.yaml"],
     "error: --json m.yaml is the spec m.yaml itself; write the figures elsewhere\n"),
])
def test_graph_and_bench_refuse_to_write_onto_the_spec(run, args, message):
    Path("m.yaml").write_text(VIOLATED)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert Path("m.yaml").read_text() == VIOLATED


# -- two outputs to one file -----------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["--junit", "j.xml", "--summary", "j.xml"],
     "error: --junit j.xml and --summary j.xml are the same file; give each its own\n"),
    (["--out", "o3", "--junit", "o3/m.json"],
     "error: --junit o3/m.json and --out o3 (o3/m.json) are the same file; give each its "
     "own\n"),
    (["--out", "o2", "--summary", "./o2/m.txt"],
     "error: --summary ./o2/m.txt and --out o2 (o2/m.txt) are the same file; give each its "
     "own\n"),
])
def test_two_outputs_to_one_file_are_refused_before_the_run(run, tmp_path, args, message):
    Path("m.yaml").write_text(HOLDS)
    result = run("check", "m.yaml", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message
    assert listing(tmp_path) == ["m.yaml"]


def test_a_report_to_standard_output_beside_the_json_document_is_refused():
    done = cmc("check", "specs/paxos-3a-2v-2b.yaml", "--format", "json", "--junit",
               "/dev/stdout", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == ("error: --junit /dev/stdout is standard output, where --format json "
                           "prints its document; write the report elsewhere\n")


def test_a_report_onto_the_file_standard_output_goes_to_is_refused(tmp_path):
    """`cmc check ... --junit out > out`: the report would replace the text."""
    output = tmp_path / "out"
    with open(output, "w") as stdout:
        done = cmc("check", "specs/paxos-3a-2v-2b.yaml", "--junit", str(output),
                   stdout=stdout, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr == (f"error: --junit {output} is standard output, where the text "
                           "report goes; write the report elsewhere\n")


def test_a_report_onto_the_checkpoint_is_refused(run):
    Path("q.yaml").write_text(HOLDS)
    result = run("check", "q.yaml", "--checkpoint", "ck", "--junit", "ck/checkpoint.pickle")
    assert result.exit_code == 2
    assert result.stderr == ("error: --junit ck/checkpoint.pickle is the checkpoint "
                             "ck/checkpoint.pickle itself; write the report elsewhere\n")


def test_reports_may_share_standard_output_which_they_add_to(tmp_path):
    output = tmp_path / "output.txt"
    with open(output, "w") as stdout:
        done = cmc("check", "specs/paxos-3a-2v-2b.yaml", "--no-progress", "--junit",
                   "/dev/fd/1", "--summary", "/dev/fd/1", stdout=stdout, stderr=subprocess.PIPE)
    assert done.returncode == 0
    text = output.read_text()
    assert text.index("\nexpectation met\n") < text.index("</testsuites>\n") < text.index(
        "| ✅ | `specs/paxos-3a-2v-2b.yaml` |")


# -- report names ----------------------------------------------------------------


def test_a_spec_given_twice_gets_a_name_no_other_spec_has(run, tmp_path):
    Path("s-3.yaml").write_text(VIOLATED)
    Path("s.yaml").write_text(HOLDS)
    result = run("check", "s-3.yaml", "s.yaml", "s.yaml", "--out", "o")
    assert result.exit_code == 1
    assert listing(tmp_path / "o") == [
        "s-2.html", "s-2.json", "s-2.txt", "s-3.goal_not_reached.mmd", "s-3.html", "s-3.json",
        "s-3.txt", "s.html", "s.json", "s.txt"]
    assert "verdict: VIOLATED" in Path("o/s-3.txt").read_text()
    assert "verdict: HOLDS" in Path("o/s-2.txt").read_text()


def test_a_spec_named_like_another_specs_graph_gets_another_name(run, tmp_path):
    Path("x.yaml").write_text(VIOLATED)
    Path("x.goal_not_reached.yaml").write_text(HOLDS)
    result = run("check", "x.yaml", "x.goal_not_reached.yaml", "--out", "o", "--graph", "json")
    assert result.exit_code == 1
    assert listing(tmp_path / "o") == [
        "x.goal_not_reached-2.html", "x.goal_not_reached-2.json", "x.goal_not_reached-2.txt",
        "x.goal_not_reached.json", "x.goal_not_reached.mmd", "x.html", "x.json", "x.txt"]
    assert json.loads(Path("o/x.goal_not_reached.json").read_text())["directed"] is True
    assert json.loads(Path("o/x.goal_not_reached-2.json").read_text())["results"][0][
        "spec"] == "x.goal_not_reached.yaml"


def test_a_spec_cleans_up_its_own_old_graphs_but_not_another_specs_report(run, tmp_path):
    Path("x.goal_not_reached.yaml").write_text(HOLDS)
    Path("x.yaml").write_text(VIOLATED)
    assert run("check", "x.yaml", "--out", "o", "--graph", "json").exit_code == 1
    Path("x.yaml").write_text(HOLDS)
    assert run("check", "x.yaml", "--out", "o").exit_code == 0  # its graph, now stale
    assert listing(tmp_path / "o") == ["x.html", "x.json", "x.txt"]
    assert run("check", "x.goal_not_reached.yaml", "--out", "o").exit_code == 0
    assert run("check", "x.yaml", "--out", "o").exit_code == 0  # another spec's report
    assert listing(tmp_path / "o") == [
        "x.goal_not_reached.html", "x.goal_not_reached.json", "x.goal_not_reached.txt",
        "x.html", "x.json", "x.txt"]
    assert json.loads(Path("o/x.goal_not_reached.json").read_text())["results"][0][
        "spec"] == "x.goal_not_reached.yaml"


# -- standard output closing -----------------------------------------------------


def stdout_fails(monkeypatch, number: int) -> None:
    """Make every write to standard output fail with `number`, as a closed
    pipe (EPIPE) or a full disk (ENOSPC) does."""
    real_echo = click.echo

    def echo(message=None, file=None, nl=True, err=False, color=None):
        if not err:
            raise OSError(number, os.strerror(number))
        real_echo(message, file, nl, err, color)

    monkeypatch.setattr(click, "echo", echo)


def test_a_closed_standard_output_still_gets_every_spec_checked_into_the_files(
        run, tmp_path, monkeypatch):
    stdout_fails(monkeypatch, errno.EPIPE)
    Path("m.yaml").write_text(VIOLATED)
    Path("q.yaml").write_text(HOLDS)
    result = run("check", "m.yaml", "q.yaml", "--junit", "j.xml", "--summary", "s.md")
    assert result.exit_code == 1  # the verdict, said by nothing else when the reader is gone
    assert result.stderr == ""
    suites = ET.parse("j.xml").getroot().findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["m.yaml", "q.yaml"]
    assert Path("s.md").read_text().count("`q.yaml`") == 2


def test_a_closed_standard_output_with_nothing_else_to_write_stops_the_check(
        run, tmp_path, monkeypatch):
    stdout_fails(monkeypatch, errno.EPIPE)
    Path("q.yaml").write_text(HOLDS)
    result = run("check", "q.yaml", "q.yaml")
    assert result.exit_code == 3  # the second was not checked
    assert result.stderr == ""


def test_a_full_standard_output_still_gets_the_files_written_then_exit_2(
        run, tmp_path, monkeypatch):
    stdout_fails(monkeypatch, errno.ENOSPC)
    Path("q.yaml").write_text(HOLDS)
    result = run("check", "q.yaml", "--format", "json", "--junit", "j.xml")
    assert result.exit_code == 2
    assert result.stderr == "error: cannot write standard output: No space left on device\n"
    assert ET.parse("j.xml").getroot().find("testsuite").get("name") == "q.yaml"


def test_a_reader_that_stops_at_the_first_line_costs_no_report(tmp_path):
    junit = tmp_path / "j.xml"
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", "specs/paxos-3a-2v-2b.yaml",
         "specs/raft-mutant-vote-twice.yaml", "--no-progress", "--junit", str(junit)],
        cwd=ROOT, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # as `| head -1` has, by the time the report comes
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert stderr == ""
    assert [suite.get("name") for suite in ET.parse(junit).getroot().iter("testsuite")] == [
        "specs/paxos-3a-2v-2b.yaml", "specs/raft-mutant-vote-twice.yaml"]


# -- destinations that would fail only after the run -----------------------------


def test_out_through_a_dangling_link_makes_the_folder_it_names(run, tmp_path):
    Path("m.yaml").write_text(HOLDS)
    Path("dl").symlink_to("nowhere")
    result = run("check", "m.yaml", "--out", "dl")
    assert result.exit_code == 0
    assert Path("dl").is_symlink()
    assert listing(tmp_path / "nowhere") == ["m.html", "m.json", "m.txt"]


def test_a_folder_where_a_report_goes_is_found_before_the_run(run, tmp_path):
    Path("m.yaml").write_text(HOLDS)
    Path("o5/m.txt").mkdir(parents=True)
    result = run("check", "m.yaml", "--out", "o5")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("error: cannot write o5/m.txt: a folder stands there; remove it "
                             "or write the reports elsewhere\n")


def test_a_fifo_whose_reader_comes_after_the_start_gets_the_whole_report(run, tmp_path):
    Path("m.yaml").write_text(HOLDS)
    os.mkfifo("j.fifo")
    received = []

    def read() -> None:  # `cat j.fifo` started a little after cmc: reads to the end
        with open(tmp_path / "j.fifo") as fifo:
            received.append(fifo.read())

    reader = threading.Timer(0.3, read)
    reader.daemon = True  # (were no report written, it would wait for ever)
    reader.start()
    result = run("check", "m.yaml", "--junit", "j.fifo")
    reader.join(timeout=20)
    assert result.exit_code == 0
    assert ET.fromstring(received[0]).find("testsuite").get("name") == "m.yaml"


# -- a model's state_view failing in a report ------------------------------------


@pytest.mark.parametrize("view, output, message", [
    ("raise", "text",
     "state_view() raised RuntimeError: view broke at views.py:"
     f"{_line_of(VIEW_BROKE)}, in "
     "state_view; fix the model"),
    ("object", "json",
     "state_view() returned what JSON cannot encode (Object of type object is not JSON "
     "serializable); return JSON-ready values (checker.model.jsonable makes them)"),
])
def test_a_state_view_that_fails_is_one_line_and_the_other_specs_are_reported(
        run, tmp_path, monkeypatch, view, output, message):
    monkeypatch.setenv("VIEW", view)
    Path("views.py").write_text(VIEWS)
    Path("v.yaml").write_text("model: ./views.py:Counter\n")
    Path("q.yaml").write_text(HOLDS)
    result = run("check", "q.yaml", "v.yaml", "--format", output, "--junit", "j.xml")
    assert result.exit_code == 2
    assert result.stderr == (f"error: v.yaml was checked (violated) but not reported: model "
                             f"'views': {message}\n")
    assert "q.yaml" in result.stdout and "v.yaml" not in result.stdout
    assert [suite.get("name") for suite in ET.parse("j.xml").getroot().iter("testsuite")] == [
        "q.yaml"]


@pytest.mark.parametrize("command, call", [
    (("check", "q.yaml", "v.yaml", "--junit", "j.xml"), "successors()"),
    (("graph", "v.yaml", "-o", "g.json"), "drawing the graph"),
])
def test_a_model_failing_mid_command_is_one_line_and_costs_no_report_before(
        run, monkeypatch, command, call):
    monkeypatch.setenv("VIEW", "steps")
    Path("views.py").write_text(VIEWS)
    Path("v.yaml").write_text("model: ./views.py:Counter\n")
    Path("q.yaml").write_text(HOLDS)
    result = run(*command)
    assert result.exit_code == 2
    line = _line_of('raise RuntimeError("steps broke")')
    spec = "v.yaml: " if command[0] == "check" else ""  # (of several specs, the one failing)
    error = (f"error: {spec}model 'views': {call} raised RuntimeError: steps broke at "
             f"views.py:{line}, in successors; fix the model\n")
    if command[0] == "check":  # a search gives the run to the state it raised on first
        error = ("the run to the state where it raised (0 steps):\n0  initial state\n"
                 "     n = 0\n" + error)
    assert result.stderr == error
    if command[0] == "check":  # the spec checked before it is in the JUnit file
        assert [suite.get("name") for suite in
                ET.parse("j.xml").getroot().iter("testsuite")] == ["q.yaml"]
    else:
        assert not Path("g.json").exists()


def test_step_events_that_fail_in_a_sequence_chart_are_one_line(run, monkeypatch):
    monkeypatch.setenv("VIEW", "events")
    Path("views.py").write_text(VIEWS)
    Path("v.yaml").write_text("model: ./views.py:Counter\n")
    result = run("check", "v.yaml", "--out", "o")
    assert result.exit_code == 2
    line = _line_of('raise RuntimeError("events broke")')
    assert result.stderr == ("error: v.yaml was checked (violated) but not reported: model "
                             "'views': step_events() raised RuntimeError: events broke at "
                             f"views.py:{line}, in step_events; fix the model\n")


def test_a_state_view_json_cannot_encode_spoils_no_text_report(run, monkeypatch):
    monkeypatch.setenv("VIEW", "object")
    Path("views.py").write_text(VIEWS)
    Path("v.yaml").write_text("model: ./views.py:Counter\n")
    result = run("check", "v.yaml")
    assert result.exit_code == 1
    assert "  1  inc\n" in result.stdout


# -- a signal repeated while an interrupted run ends -----------------------------


def test_sigterms_repeated_until_an_interrupted_run_has_ended_keep_exit_3():
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", "specs/paxos-textbook.yaml", "--progress",
         "--workers", "2"], cwd=ROOT, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stderr.readline().startswith("level: ")
    # the reports, then the process ending (freeing the search): signals all along
    while process.poll() is None:
        process.send_signal(signal.SIGTERM)
        time.sleep(0.002)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3
    assert "verdict: INCOMPLETE (the run was interrupted)\n" in stdout
    assert "Traceback" not in stderr


# -- options that would do nothing -----------------------------------------------


def test_checkpoint_every_without_checkpoint_is_refused(run):
    Path("m.yaml").write_text(HOLDS)
    result = run("check", "m.yaml", "--checkpoint-every", "5")
    assert result.exit_code == 2
    assert result.stderr == ("error: --checkpoint-every says how often --checkpoint saves: "
                             "give --checkpoint DIR too (see cmc check --help)\n")


@pytest.mark.parametrize("args, option", [
    (["bench", "--json", "", "m.yaml"], "'--json'"),
    (["graph", "m.yaml", "-o", ""], "'-o' / '--output'"),
    (["check", "m.yaml", "--checkpoint", ""], "'--checkpoint'"),
])
def test_an_empty_path_is_refused_by_every_command(run, args, option):
    Path("m.yaml").write_text(HOLDS)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == (f"error: Invalid value for {option}: give a path, not an empty "
                             f"one (see cmc {args[0]} --help)\n")


def test_a_memory_limit_below_what_cmc_holds_at_the_start_is_refused(run, monkeypatch):
    monkeypatch.setattr(checker.workers, "resident_memory", lambda: 60 * 2**20)
    Path("m.yaml").write_text(HOLDS)
    result = run("check", "m.yaml", "--memory-limit", "60")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("error: Invalid value for '--memory-limit': 60 MiB is no more than "
                             "the 60 MiB cmc holds before checking anything; give more (see cmc "
                             "check --help)\n")
