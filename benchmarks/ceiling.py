"""The machine's own ceiling for a speed-up (`cmc bench --ceiling`).

N copies of one fixed piece of pure-Python work, which share nothing and
never wait for each other, run side by side, against one copy alone: N
times the work in the time of one would be a speed-up of N. A virtual
machine whose CPUs are hyperthreads of one core, or whose host is busy
with other tenants, gives less (the 2-core machine this project is built
on: 1.78-1.85 with 2 processes when quiet, 1.5 or less while other work
ran on it); a search's speed-up is read against this figure, measured
beside it, which no sharing of the search can pass.

The work writes tuples into a dictionary of 2^18 slots, scattered, as a
search writes states into its tables: it is bound by the interpreter and by
memory beyond the CPU's own caches, as a search is.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from typing import Any

#: Dictionary writes a copy does: about 0.9 s alone on the 2-core machine
#: (shorter work measures less: 1.5 million writes, 0.44 s, gave 1.59 on
#: the quiet machine where 4 million gave 1.78-1.85, three runs of 7)
WORK = 4_000_000


def work(writes: int = WORK) -> int:
    """The fixed work: `writes` tuples written into a dictionary at
    scattered keys; returns the dictionary's size (so nothing is skipped)."""
    table: dict[int, tuple] = {}
    for i in range(writes):
        key = (i * 2654435761) & 0x3FFFF
        table[key] = (i, key & 1023, str(key & 4095))
    return len(table)


def _copy(writes: int, barrier: Any) -> None:
    barrier.wait()  # every copy starts at once, once started (and imported)
    work(writes)


def side_by_side(processes: int, writes: int = WORK) -> float:
    """Wall seconds for `processes` copies of the work, each in a process
    of its own, released together once all have started."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    barrier = context.Barrier(processes + 1)
    copies = [context.Process(target=_copy, args=(writes, barrier)) for _ in range(processes)]
    for copy in copies:
        copy.start()
    barrier.wait()
    started = time.perf_counter()
    for copy in copies:
        copy.join()
    seconds = time.perf_counter() - started
    failed = [copy.exitcode for copy in copies if copy.exitcode != 0]
    if failed:
        raise RuntimeError(f"a copy of the work exited with {failed[0]}")
    return seconds


def ceiling(processes: int, repeat: int, writes: int | None = None,
            timed: Any = side_by_side) -> dict:
    """The ceiling for `processes` processes: `repeat` times, one copy alone
    and then `processes` copies side by side (in turn, so that both meet
    the same load); the ratio of `processes` times the median alone to the
    median side by side. (`writes`: the work of a copy, `WORK` if None;
    `timed`: how a number of copies is timed.)"""
    figures = Ceiling(processes, writes, timed)
    for _ in range(repeat):
        figures.measure()
    return figures.figures()


class Ceiling:
    """The ceiling measured a pair at a time (`measure`), beside other runs
    (`cmc bench` measures a pair with each pair of a spec's runs, so that
    all meet the same load)."""

    def __init__(self, processes: int, writes: int | None = None, timed: Any = side_by_side):
        self.processes, self.timed = processes, timed
        self.writes = WORK if writes is None else writes
        self.alone: list[float] = []
        self.together: list[float] = []

    def measure(self) -> None:
        self.alone.append(self.timed(1, self.writes))
        self.together.append(self.timed(self.processes, self.writes))

    def figures(self) -> dict:
        alone, together = statistics.median(self.alone), statistics.median(self.together)
        return {
            "processes": self.processes,
            "writes": self.writes,
            "alone_seconds": self.alone,
            "together_seconds": self.together,
            "speed_up": self.processes * alone / together if together > 0 else 0.0,
        }


def line(figures: dict) -> str:
    """The ceiling as `cmc bench` prints it."""
    return (f"ceiling: {figures['processes']} processes of independent work "
            f"({figures['writes']:,} dictionary writes each, nothing shared) ran "
            f"{figures['speed_up']:.2f}x as fast as one on this machine (medians of "
            f"{len(figures['alone_seconds'])}: {statistics.median(figures['alone_seconds']):.2f} s "
            f"alone, {statistics.median(figures['together_seconds']):.2f} s side by side): "
            f"a search sharing its work between {figures['processes']} processes cannot "
            f"expect more")
