"""SIGTERM (timeout, CI cancellation, kill) and Ctrl-C, sent to a real `cmc`
process: the run ends promptly, reports what it explored in every requested
form and exits 3; nothing is left half-written; no traceback."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
# 194,456 states, several seconds: long enough to be stopped at level 0.
LONG_SPEC = "specs/paxos-textbook.yaml"


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "checker", *args], cwd=ROOT, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def signal_after_progress(process: subprocess.Popen, *signals: int, lines: int = 1) -> tuple:
    """Send `signals` once the run has printed `lines` progress lines; the
    finished process's (stdout, stderr after those lines)."""
    for _ in range(lines):
        assert process.stderr.readline().startswith("level: ")
    for number in signals:
        process.send_signal(number)
    return process.communicate(timeout=120)


def temporaries(*folders: Path) -> list[str]:
    return [path.name for folder in folders for path in folder.iterdir()
            if path.name.startswith(".")]


def test_sigterm_reports_what_was_explored_in_every_form_and_exits_3(tmp_path):
    out, junit, summary = tmp_path / "out", tmp_path / "junit.xml", tmp_path / "summary.md"
    process = start("check", LONG_SPEC, "--progress", "--no-color", "--out", str(out),
                    "--junit", str(junit), "--summary", str(summary))
    stdout, stderr = signal_after_progress(process, signal.SIGTERM)
    assert process.returncode == 3
    assert "Traceback" not in stderr
    lines = stdout.splitlines()
    # the title, the spec's two-line description, then the verdict
    assert lines[3] == "verdict: INCOMPLETE (the run was interrupted)"
    assert any(line.startswith("distinct states ") for line in lines)
    assert lines[-2] == "expectation not judged: the run did not finish"
    assert "expectation NOT met" not in stdout
    assert sorted(path.name for path in out.iterdir()) == [
        "paxos-textbook.html", "paxos-textbook.json", "paxos-textbook.txt"]
    document = json.loads((out / "paxos-textbook.json").read_text())["results"][0]
    assert (document["verdict"], document["stopped_by"]) == ("incomplete", "interrupted")
    assert document["stats"]["distinct_states"] >= 1
    cases = ET.parse(junit).getroot().iter("testcase")
    # (what the states explored say, then why the run is not settled)
    assert all(re.fullmatch(r"not settled: (no violation|not reached) in the [\d,]+ states "
                            r"explored \(to depth \d+\); the run was interrupted",
                            case.find("skipped").get("message")) for case in cases)
    assert "| incomplete |" in summary.read_text()
    assert temporaries(tmp_path, out) == []


def test_sigterm_with_json_output_prints_the_partial_document(tmp_path):
    process = start("check", LONG_SPEC, "--progress", "--format", "json")
    stdout, stderr = signal_after_progress(process, signal.SIGTERM)
    assert process.returncode == 3
    result = json.loads(stdout)["results"][0]
    assert (result["verdict"], result["stopped_by"], result["mismatches"]) == (
        "incomplete", "interrupted", [])
    assert result["stats"]["distinct_states"] >= 1


def test_two_quick_ctrl_cs_print_no_traceback(tmp_path):
    process = start("check", LONG_SPEC, "--progress", "--no-color", "--junit",
                    str(tmp_path / "junit.xml"))
    stdout, stderr = signal_after_progress(process, signal.SIGINT, signal.SIGINT,
                                           signal.SIGINT, lines=3)
    assert process.returncode == 3
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1].startswith("done: states=")
    assert "verdict: INCOMPLETE (the run was interrupted)" in stdout
    assert (tmp_path / "junit.xml").read_text().startswith("<?xml")


@pytest.mark.parametrize("presses", [1, 3])
def test_ctrl_c_while_a_spec_loads_exits_130_with_one_line(tmp_path, presses):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    process = start("check", str(fifo))
    with open(fifo, "w"):  # returns once cmc has opened the FIFO to read it
        for _ in range(presses):
            process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert stdout == ""
    assert stderr == "error: interrupted before anything was checked\n"


def test_ctrl_c_during_cmc_graph_exits_3_writing_nothing(tmp_path):
    output, fifo = tmp_path / "graph.dot", tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    process = start("graph", str(fifo), "--max-nodes", "1000000", "-o", str(output))
    with open(fifo, "w") as spec:  # opens once cmc reads the spec
        spec.write((ROOT / "specs/paxos-3a-2v-3b.yaml").read_text())
    time.sleep(1)  # parsed in milliseconds; drawing its 185,369 states takes minutes
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3
    assert stderr == "interrupted: the graph was not written\n"
    assert list(tmp_path.iterdir()) == [fifo]


def test_ctrl_c_while_cmc_is_still_being_imported_is_one_line(monkeypatch, capsys):
    # (in its first fraction of a second: it was a traceback, exit 130)
    import builtins

    from cmc import entry

    real = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name == "cmc.main":
            raise KeyboardInterrupt
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    with pytest.raises(SystemExit) as ended:
        entry.main()
    assert ended.value.code == 130
    assert capsys.readouterr().err == "error: interrupted before anything was checked\n"
