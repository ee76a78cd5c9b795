"""The machine's own ceiling for a speed-up (`cmc bench --ceiling`).

N copies of one fixed piece of pure-Python work, which share nothing and
never wait for each other, run side by side, against one copy alone: N
times the work in the time of one would be a speed-up of N. A virtual
machine whose CPUs are hyperthreads of one core, or whose host is busy
with other tenants, gives much less (the 2-core machine this project is
built on: 1.5 with 2 processes, where a search's speed-up is measured
against 1.8); a search's speed-up is read against this figure, which no
sharing of the search can pass.

The work writes tuples into a dictionary of 2^18 slots, scattered, as a
search writes states into its tables: it is bound by the interpreter and by
memory beyond the CPU's own caches, as a search is.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from typing import Any

#: Dictionary writes a copy does: about 0.8 s alone on the 2-core machine.
WORK = 1_500_000


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
    writes = WORK if writes is None else writes
    alone, together = [], []
    for _ in range(repeat):
        alone.append(timed(1, writes))
        together.append(timed(processes, writes))
    median_alone, median_together = statistics.median(alone), statistics.median(together)
    return {
        "processes": processes,
        "writes": writes,
        "alone_seconds": alone,
        "together_seconds": together,
        "speed_up": processes * median_alone / median_together if median_together > 0 else 0.0,
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
