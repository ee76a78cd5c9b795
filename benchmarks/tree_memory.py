"""The memory of a run and every process it starts, together, at its peak.

    python -m benchmarks.tree_memory [--every S] -- COMMAND [ARG...]

Runs COMMAND and samples, every `--every` seconds (0.2 by default), the
proportional set size (PSS) of it and of each process below it, read from
/proc/PID/smaps_rollup (Linux): a page shared by n processes counts 1/n in
each, so the sum is the memory they hold together, shared pages once (the
forked partitions of a search share their parent's pages until they write
them, and the visited set on purpose). Prints the peak of the sum, when,
and each process's share then; exits with COMMAND's exit code. `cmc
bench`'s "all processes" figure adds the main process's peak and each
worker's own at theirs, an upper bound; this is the figure itself, as
often as it is sampled (a peak shorter than `--every` can be missed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

MIB = 2 ** 20


def children() -> dict[int, list[int]]:
    """Each running process's children, by parent."""
    found: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # ended meanwhile
            found.setdefault(parent, []).append(int(name))
    return found


def tree(root: int) -> list[int]:
    """`root` and every process below it."""
    below, found, waiting = children(), [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting += below.get(pid, [])
    return found


def pss(pid: int) -> int:
    """Bytes of the process's proportional set size (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=float, default=0.2, metavar="S")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    arguments = parser.parse_args(argv)
    command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command
    if not command or not os.path.exists("/proc/self/smaps_rollup"):
        parser.error("give a command after --, on Linux (it reads /proc)")
    started = time.monotonic()
    try:
        process = subprocess.Popen(command)
    except OSError as error:
        parser.exit(2, f"tree_memory: cannot run {command[0]}: {error.strerror or error}\n")
    peak, when, shares = 0, 0.0, []
    while process.poll() is None:
        each = [pss(pid) for pid in tree(process.pid)]
        if sum(each) > peak:
            peak, when, shares = sum(each), time.monotonic() - started, each
        time.sleep(arguments.every)
    print(f"peak {peak / MIB:,.0f} MiB in all at {when:.1f} s of {time.monotonic() - started:.1f}"
          f" s; by process: {', '.join(f'{share / MIB:,.0f}' for share in shares)} MiB",
          file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
