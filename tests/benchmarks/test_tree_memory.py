"""benchmarks.tree_memory: the summed PSS of a command's process tree."""

from __future__ import annotations

import os
import re
import sys

import pytest

from benchmarks import tree_memory

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"),
                                reason="reads /proc (Linux)")


def test_the_processes_a_command_forks_are_added_up(capsys):
    # a parent holding 64 MiB of its own, a child of it holding 96 MiB more
    script = ("import os, time\n"
              "held = bytearray(64 << 20)\n"
              "if os.fork() == 0:\n"
              "    more = bytearray(96 << 20); time.sleep(1.5); os._exit(0)\n"
              "os.wait(); raise SystemExit(3)\n")
    code = tree_memory.main(["--every", "0.05", "--", sys.executable, "-c", script])
    report = capsys.readouterr().err
    peak, shares = re.match(r"peak ([\d,]+) MiB in all at .* by process: (.*) MiB$",
                            report.strip()).groups()
    assert code == 3
    # proportional shares: the 64 MiB the child shares with its parent
    # counted once (resident sizes would count it twice: 224 MiB and more);
    # the interpreters' own pages add 20-40 MiB, by the machine's state
    assert 160 <= int(peak.replace(",", "")) < 224
    assert len(shares.split(", ")) == 2


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as stopped:
        tree_memory.main([])
    assert stopped.value.code == 2
    assert "give a command after --" in capsys.readouterr().err


def test_a_command_that_cannot_run_is_one_line(capsys):
    with pytest.raises(SystemExit) as stopped:
        tree_memory.main(["--", "/nonexistent/command"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err == (
        "tree_memory: cannot run /nonexistent/command: No such file or directory\n")
