"""What the engine asks of the system to run a search in several processes.

The partitioned search (`partitioned`) forks its processes: fork exists on
POSIX systems only; elsewhere the engine uses one process.
"""

from __future__ import annotations

import os

AVAILABLE = hasattr(os, "fork")


def private_memory() -> int:
    """Bytes of memory this process holds of its own, shared with no other
    (on Linux; 0 where the system does not tell)."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
            return 1024 * sum(int(line.split()[1]) for line in rollup
                              if line.startswith(("Private_Clean:", "Private_Dirty:")))
    except OSError:
        return 0


def resident_memory() -> int:
    """Bytes of memory this process has in RAM now (on Linux; 0 where the
    system does not tell): a read of one short file, cheap enough for
    every chunk of a search."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def idle_cpus() -> int:
    """The usable CPUs that the machine's load (its one-minute average of
    runnable processes) leaves idle, at least 1: more processes than that
    only take turns on the same CPUs, each paying the partitioned search's
    own costs."""
    cpus = usable_cpus()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # the system does not tell
        load = 0.0
    return max(1, min(cpus, int(cpus - load + 0.5)))
