"""Report destinations as CI jobs give them: devices, FIFOs, symbolic links,
unwritable places, reused --out folders. Nothing is clobbered, nothing is
lost, and a destination that cannot be written is found before any run."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import reports.files
from cmc.main import cli

HOLDS = "model: die-hard\nproperties: [within_capacity]\n"
VIOLATED = "model: die-hard\nproperties: [goal_not_reached]\n"


@pytest.fixture
def run(toy_registry):
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args))
    return invoke


def device(path, minor: int) -> str:
    """A character device node at `path`: minor 3 is /dev/null, 7 /dev/full."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("making device nodes needs root (CI containers run as root)")
    return str(path)


def test_a_report_to_a_null_device_writes_through_and_leaves_it_a_device(run, write_spec,
                                                                        tmp_path):
    null = device(tmp_path / "null", 3)
    result = run("check", write_spec(HOLDS), "--junit", null, "--summary", null)
    assert result.exit_code == 0
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["null", "spec.yaml"]


def test_a_report_to_a_full_device_is_an_error_with_exit_2(run, write_spec, tmp_path):
    full = device(tmp_path / "full", 7)
    result = run("check", write_spec(HOLDS), "--junit", full)
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {full}: No space left on device\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_a_symbolic_link_keeps_pointing_at_its_target_which_gets_the_report(
        run, write_spec, tmp_path):
    target = tmp_path / "target.xml"
    target.write_text("old")
    link = tmp_path / "junit.xml"
    link.symlink_to(target)
    result = run("check", write_spec(HOLDS), "--junit", str(link))
    assert result.exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')


def test_a_fifo_reader_gets_the_report(run, write_spec, tmp_path):
    fifo = tmp_path / "junit.fifo"
    os.mkfifo(fifo)
    received = []

    def read() -> None:  # as `cat FIFO` would, without waiting forever
        descriptor = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        deadline, data = time.monotonic() + 20, b""
        while time.monotonic() < deadline:
            try:
                chunk = os.read(descriptor, 1 << 16)
            except BlockingIOError:
                chunk = None
            if chunk:
                data += chunk
            elif chunk == b"" and data:
                break
            else:
                time.sleep(0.01)
        os.close(descriptor)
        received.append(data.decode())

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.1)  # the reader has opened its end
    result = run("check", write_spec(HOLDS), "--junit", str(fifo))
    reader.join()
    assert result.exit_code == 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received[0].startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')


def test_a_fifo_nobody_reads_is_an_error_before_the_run_not_a_wait(run, write_spec, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setattr(reports.files, "READER_WAIT", 0.1)
    fifo = tmp_path / "junit.fifo"
    os.mkfifo(fifo)
    result = run("check", write_spec(HOLDS), "--junit", str(fifo))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: cannot write {fifo}: it is a FIFO no process reads; "
                             "start its reader first\n")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_report_files_get_the_usual_permissions(run, write_spec, tmp_path):
    previous = os.umask(0o022)
    try:
        result = run("check", write_spec(VIOLATED), "--junit", str(tmp_path / "junit.xml"),
                     "--out", str(tmp_path / "out"))
    finally:
        os.umask(previous)
    assert result.exit_code == 1
    modes = {path.name: stat.S_IMODE(path.stat().st_mode)
             for path in [tmp_path / "junit.xml", *(tmp_path / "out").iterdir()]}
    assert modes == {"junit.xml": 0o644, "spec.txt": 0o644, "spec.json": 0o644,
                     "spec.html": 0o644, "spec.goal_not_reached.mmd": 0o644}


def test_a_replaced_report_keeps_the_permissions_it_had(run, write_spec, tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text("old")
    junit.chmod(0o640)
    assert run("check", write_spec(HOLDS), "--junit", str(junit)).exit_code == 0
    assert stat.S_IMODE(junit.stat().st_mode) == 0o640
    assert junit.read_text().startswith("<?xml")


def test_the_summary_is_appended_to_as_github_step_summary_expects(run, write_spec, tmp_path):
    summary = tmp_path / "step_summary.md"
    summary.write_text("## Earlier step\n")
    assert run("check", write_spec(HOLDS), "--summary", str(summary)).exit_code == 0
    text = summary.read_text()
    assert text.startswith("## Earlier step\n")
    assert text.count("| | spec | model | verdict |") == 1
    assert run("check", write_spec(HOLDS), "--summary", str(summary)).exit_code == 0
    assert summary.read_text().startswith(text)
    assert summary.read_text().count("| | spec | model | verdict |") == 2


def test_an_out_folder_under_a_file_is_refused_before_the_run(run, write_spec, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("check", write_spec(HOLDS), "--out", str(blocker / "reports"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: cannot write {blocker / 'reports'}: a part of it is "
                             "a file, not a folder\n")


def test_a_report_file_under_a_file_is_refused_before_the_run(run, write_spec, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run("check", write_spec(HOLDS), "--junit", str(blocker / "junit.xml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"error: cannot write {blocker / 'junit.xml'}: a part of it is "
                             "a file, not a folder\n")


def test_out_removes_the_earlier_run_charts_of_a_spec_that_now_holds(run, tmp_path):
    spec = tmp_path / "spec.yaml"
    out = tmp_path / "out"
    spec.write_text(VIOLATED)
    assert run("check", str(spec), "--out", str(out), "--graph", "dot").exit_code == 1
    assert sorted(path.name for path in out.iterdir()) == [
        "spec.goal_not_reached.dot", "spec.goal_not_reached.mmd", "spec.html", "spec.json",
        "spec.txt"]
    (out / "other.goal_not_reached.mmd").write_text("another spec's chart")
    spec.write_text(HOLDS)
    assert run("check", str(spec), "--out", str(out)).exit_code == 0
    assert sorted(path.name for path in out.iterdir()) == [
        "other.goal_not_reached.mmd", "spec.html", "spec.json", "spec.txt"]
    assert "verdict: HOLDS" in (out / "spec.txt").read_text()


def test_specs_with_the_same_file_name_get_distinct_report_names(run, tmp_path):
    for folder, text in (("a", HOLDS), ("b", VIOLATED)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "spec.yaml").write_text(text)
    out = tmp_path / "out"
    result = run("check", str(tmp_path / "a" / "spec.yaml"), str(tmp_path / "b" / "spec.yaml"),
                 "--out", str(out))
    assert result.exit_code == 1
    assert sorted(path.name for path in out.iterdir()) == [
        "a-spec.html", "a-spec.json", "a-spec.txt", "b-spec.goal_not_reached.mmd",
        "b-spec.html", "b-spec.json", "b-spec.txt"]
    assert "verdict: HOLDS" in (out / "a-spec.txt").read_text()
    assert "verdict: VIOLATED" in (out / "b-spec.txt").read_text()


def test_an_interrupt_just_after_a_rename_leaves_the_file_whole_and_no_temporary(
        tmp_path, monkeypatch):
    real_replace = os.replace

    def replace_then_interrupt(source, target):
        real_replace(source, target)
        raise KeyboardInterrupt

    monkeypatch.setattr(reports.files.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        reports.files.write_whole(tmp_path / "report.txt", "whole\n")
    assert os.listdir(tmp_path) == ["report.txt"]
    assert (tmp_path / "report.txt").read_text() == "whole\n"


def test_a_ctrl_c_while_reports_are_written_is_held_until_they_are_whole(
        run, write_spec, tmp_path, monkeypatch):
    import reports.html

    real_render = reports.html.render_html

    def render_then_signal(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # arrives while --out is being written
        return real_render(*args, **kwargs)

    monkeypatch.setattr(reports.files, "render_html", render_then_signal)
    out = tmp_path / "out"
    result = run("check", write_spec(VIOLATED), write_spec(HOLDS, "second.yaml"),
                 "--out", str(out), "--junit", str(tmp_path / "junit.xml"))
    assert result.exit_code == 1  # the first spec's violation outranks the interruption
    assert sorted(path.name for path in out.iterdir()) == [
        "spec.goal_not_reached.mmd", "spec.html", "spec.json", "spec.txt"]
    assert (tmp_path / "junit.xml").read_text().count("<testsuite ") == 1
    assert result.stderr == ("interrupted: the specs after the last one reported were not "
                             "checked\n")


def test_junit_to_standard_output_redirected_to_a_file_is_added_to_it(tmp_path):
    root = Path(__file__).resolve().parents[2]
    output = tmp_path / "output.txt"
    # /dev/fd/1 rather than /dev/stdout: a checker that renames over its
    # destination would replace the system's /dev/stdout when run as root.
    with open(output, "w") as stdout:
        inode = os.fstat(stdout.fileno()).st_ino
        done = subprocess.run([sys.executable, "-m", "checker", "check",
                               "specs/paxos-3a-2v-2b.yaml", "--no-progress", "--junit",
                               "/dev/fd/1"], cwd=root, stdout=stdout, stderr=subprocess.PIPE,
                              env=dict(os.environ, PYTHONPATH=str(root)), timeout=120)
    assert done.returncode == 0
    text = output.read_text()
    assert text.startswith("specs/paxos-3a-2v-2b.yaml: paxos {acceptors: 3, values: 2, ")
    assert "\nexpectation met\n" in text
    assert text.endswith("</testsuites>\n")
    assert output.stat().st_ino == inode  # the shell's file, not a replacement


def test_a_folder_even_root_cannot_write_into_is_found_before_the_run(run, write_spec):
    # Root passes every permission check; /proc takes no new files all the same.
    result = run("check", write_spec(HOLDS), "--out", "/proc/cmc-reports")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("error: cannot write /proc/cmc-reports: /proc: No such file or "
                             "directory\n")


@pytest.mark.parametrize("option", ["--junit", "--summary", "--out"])
def test_an_empty_destination_is_an_error_not_no_report(run, write_spec, option):
    result = run("check", write_spec(HOLDS), f"{option}=")
    assert result.exit_code == 2
    assert result.stderr == (f"error: Invalid value for '{option}': give a path, not an empty "
                             "one (see cli check --help)\n")


def test_a_writable_file_in_a_folder_one_cannot_write_is_written_in_place(tmp_path,
                                                                          monkeypatch):
    report = tmp_path / "summary.md"
    report.write_text("old, longer than the new text\n")
    inode = report.stat().st_ino

    def refused(*args, **kwargs):  # the folder, as for a user who may not write it
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reports.files.tempfile, "mkstemp", refused)
    reports.files.write_whole(report, "new\n")
    assert report.read_text() == "new\n"
    assert report.stat().st_ino == inode
