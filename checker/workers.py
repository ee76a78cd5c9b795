"""What the engine asks of the system to run a search in several processes.

The partitioned search (`partitioned`) forks its processes: fork exists on
POSIX systems only; elsewhere the engine uses one process.
"""

from __future__ import annotations

import os
import resource
import sys
import time

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


def peak_memory() -> int:
    """The most bytes this process has had in RAM at once."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


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
    """The usable CPUs that the machine's load leaves idle, at least 1: more
    processes than that only take turns on the same CPUs, each paying the
    partitioned search's own costs. The load is its one-minute average of
    runnable processes, or, where fewer run now (on Linux), that number: the
    average still counts a run that has just ended (a check run right after
    another would otherwise get one process)."""
    cpus = usable_cpus()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # the system does not tell
        load = 0.0
    others = running_others()
    if others is not None:
        load = min(load, others)
    return max(1, min(cpus, int(cpus - load + 0.5)))


def running_others(path: str = "/proc/loadavg", looks: int = 3) -> int | None:
    """How many threads of other processes are runnable now (Linux's
    /proc/loadavg: "running/total" after the three averages, less this
    process's own: numpy's threads spin a moment after it starts), the
    fewest of `looks` 10 ms apart (one look may meet a process that starts
    and ends at once); None where the system does not tell."""
    seen = []
    for look in range(looks):
        if look:
            time.sleep(0.01)
        try:
            with open(path, encoding="ascii") as loadavg:
                running = int(loadavg.read().split()[3].split("/")[0])
        except (OSError, IndexError, ValueError):
            return None
        seen.append(running - _running_here())
    return max(0, min(seen))


def _running_here() -> int:
    """This process's threads that are runnable now (at least this one)."""
    running = 0
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/stat", encoding="ascii") as stat:
                running += stat.read().rsplit(")", 1)[1].split()[0] == "R"
    except (OSError, IndexError):
        pass
    return max(1, running)
