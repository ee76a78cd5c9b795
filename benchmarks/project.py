"""What a partitioned run would take with a core for each process, measured
on a machine with fewer cores.

    python -m benchmarks.project SPEC [--workers N] [--repeat R]

On a machine with fewer cores than processes, the wall time of a
partitioned run tells nothing of a machine with enough of them; the CPU
time each process spends in each step of each level does. A level's steps
(expand, admit, hold, settle and take: `checker.partition`) each wait for
the slowest process, and the main process's own work between them
(numbering the new states, the messages) is serial. So the run is projected
as the time before the search is partitioned, plus the forks, plus, for
each level, the slowest process's CPU time in each step and the main
process's own; the time before the partitions and the forks are the
main process's CPU time (here it shares the cores with the children it
forked, and on a busy machine with other work). The search gives the
processes shares of each level in proportion to their measured speeds,
which too few cores make noise of
(a process waiting for a core looks slow): here every process is taken as
equally fast, as on a machine with a core each. The projection leaves out
what more cores bring or cost beyond that (the processes' caches are
shared here, and time-sliced; memory bandwidth is shared there), so it is
checked where it can be: with as many processes as cores it is the
measured time (docs/scale.md).

Prints, for each run, the one-process CPU time, the partitioned run's time and
summed CPU time here, the projected time and speed-up, and the projected
time by part.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator

from checker import check, partition, partitioned
from checker.errors import CheckerError
from cmc import interrupts
from cmc.exit_codes import BAD_INPUT, INCOMPLETE
from checker.spec import load_spec
from models import REGISTRY

STEPS = ("expand", "admit", "hold", "settle", "take")


@dataclass
class Projection:
    spec: str
    workers: int
    distinct_states: int
    seconds: float  # the partitioned run's, here
    cpu_seconds: float  # of every process
    steps_cpu_seconds: float  # of every process in the steps
    levels: int  # partitioned
    parts: dict[str, float] = field(default_factory=dict)  # projected seconds

    @property
    def projected(self) -> float:
        return sum(self.parts.values())


def project(path: str, workers: int) -> Projection:
    """One partitioned run of the spec at `path` with `workers` processes, and
    its projection (see the module's docstring)."""
    spec = load_spec(path, REGISTRY)
    config = spec.config(workers=workers)
    folder = tempfile.mkdtemp(prefix="cmc-project-")
    try:
        model = spec.build()
        with _Recording(folder) as main:
            before, started = _cpu(), time.process_time()
            result = check(model, config)
            cpu = _cpu() - before
        _finished(result)
        # (no level large enough to share: nothing forked, nothing written)
        forked = range(1, workers) if main["levels"] else ()
        records = [main["steps"]] + [_read(folder, index) for index in forked]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    seconds = result.stats.seconds
    partitioned_seconds = sum(wall for _, _, wall in main["levels"])
    # the main process's CPU time, not the wall's: here it shares the cores
    # with the children once they are forked (which start their partitions
    # on cores of their own there) and, on a busy machine, with others
    alone = (main["forking"] - started if main["forking"] is not None
             else seconds - partitioned_seconds)
    parts = Counter({"before partitions": alone, "fork": main["fork"]})
    for level, main_cpu, _ in main["levels"]:
        own = sum(main["steps"].get(f"{level}:{step}", 0.0) for step in STEPS)
        parts["main between steps"] += max(0.0, main_cpu - own)
        for step in STEPS:
            parts[step] += max(record.get(f"{level}:{step}", 0.0) for record in records)
    steps_cpu = sum(seconds for record in records for name, seconds in record.items()
                    if name.split(":")[1] in STEPS)
    return Projection(path, workers, result.stats.distinct_states, seconds, cpu, steps_cpu,
                      len(main["levels"]), dict(parts))


class _Recording:
    """While in effect, the partitioned search records each process's CPU
    time by (level, step), the main process's in each level and the time
    its forks took (CPU time); the children write theirs into `folder` after each
    step (they are killed, not ended, when the run is over). A step run
    within another (`take` within `settle` where no states are given) is
    counted as its own, not the outer one's."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        # (CPU times of the main process: the forks', and when they began)
        self.main: dict[str, Any] = {"steps": Counter(), "levels": [], "fork": 0.0,
                                     "forking": None}
        part, owners = partition.Part, partitioned.Partitions
        self.saved = ([(part, step, getattr(part, step)) for step in STEPS]
                      + [(owners, name, getattr(owners, name))
                         for name in ("level", "__init__", "_speeds")])

    def __enter__(self) -> dict[str, Any]:
        main, folder = self.main, self.folder
        originals = {name: run for _, name, run in self.saved}
        inner = [0.0]  # CPU time of the steps run within the current one

        def timed(step: str) -> Any:
            def step_timed(self: Any, *arguments: Any) -> Any:
                level, started, outer = self.level, time.process_time(), inner[0]
                inner[0] = 0.0
                try:
                    return originals[step](self, *arguments)
                finally:
                    spent = time.process_time() - started
                    record = main["steps"] if self.index == 0 else _child_steps
                    record[f"{level}:{step}"] += spent - inner[0]
                    inner[0] = outer + spent
                    if self.index:
                        _write(folder, self.index, record)
            return step_timed

        def level(self: Any, *arguments: Any) -> Any:
            number, cpu, wall = self.part.level, time.process_time(), time.perf_counter()
            size = originals["level"](self, *arguments)
            main["levels"].append((number, time.process_time() - cpu,
                                   time.perf_counter() - wall))
            return size

        def forked(self: Any, *arguments: Any) -> None:
            main["forking"] = started = time.process_time()
            originals["__init__"](self, *arguments)
            main["fork"] += time.process_time() - started

        replacements = {step: timed(step) for step in STEPS}
        replacements.update(level=level, __init__=forked,
                            # as fast as one another, as with a core each
                            _speeds=lambda self, work: [1.0] * self.count)
        for owner, name, _ in self.saved:
            setattr(owner, name, replacements[name])
        return main

    def __exit__(self, *exception: Any) -> None:
        for owner, name, run in self.saved:
            setattr(owner, name, run)


#: A forked child's record (each child has its own copy, empty at the fork
#: since the main process records into its own).
_child_steps: Counter = Counter()


def _write(folder: str, index: int, record: Counter) -> None:
    path = os.path.join(folder, f"steps-{index}")
    with open(path + ".new", "w", encoding="ascii") as file:
        json.dump(record, file)
    os.replace(path + ".new", path)


def _read(folder: str, index: int) -> dict[str, float]:
    with open(os.path.join(folder, f"steps-{index}"), encoding="ascii") as file:
        return json.load(file)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    return sum(sum(resource.getrusage(who)[:2])
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def _one_process(path: str) -> float:
    """The CPU seconds of a one-process run of the spec at `path` (its wall
    time on a quiet machine; on a busy one, what the projection is set
    against, itself of CPU times)."""
    spec = load_spec(path, REGISTRY)
    model = spec.build()
    started = time.process_time()
    result = check(model, spec.config(workers=1))
    seconds = time.process_time() - started
    _finished(result)
    return seconds


def _finished(result: Any) -> None:
    """A run stopped by Ctrl-C or SIGTERM (which `check` reports as a
    result) stops the projection."""
    if result.stopped_by == "interrupted":
        raise KeyboardInterrupt


def runs(path: str, workers: int, repeat: int) -> Iterator[tuple[float, Projection]]:
    """`repeat` pairs of a one-process run and a projected one, interleaved."""
    for _ in range(repeat):
        yield _one_process(path), project(path, workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="+")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    if arguments.workers < 2 or arguments.repeat < 1:
        _fail(BAD_INPUT, "error: give --workers 2 or more (the processes to project) "
                         "and --repeat 1 or more")
    try:
        for path in arguments.specs:  # every spec read before the first run
            load_spec(path, REGISTRY)
    except CheckerError as error:
        _fail(BAD_INPUT, f"error: {error}")
    print(f"{'spec':32s} {'workers':>7s} {'distinct':>10s} {'one cpu s':>9s} {'here s':>7s} "
          f"{'cpu s':>7s} {'projected s':>11s} {'speed-up':>8s}")
    done = 0
    with interrupts.handled():
        try:
            for path in arguments.specs:
                pairs = list(runs(path, arguments.workers, arguments.repeat))
                one = statistics.median(seconds for seconds, _ in pairs)
                middle = sorted(pairs, key=lambda pair: pair[1].projected)[len(pairs) // 2][1]
                print(f"{path:32s} {middle.workers:>7d} {middle.distinct_states:>10,} "
                      f"{one:>9.2f} {middle.seconds:>7.2f} {middle.cpu_seconds:>7.2f} "
                      f"{middle.projected:>11.2f} {one / middle.projected:>8.2f}")
                print("    projected s by part: " + ", ".join(
                    f"{name} {seconds:.3f}" for name, seconds in middle.parts.items()))
                done += 1
        except KeyboardInterrupt:
            _fail(INCOMPLETE, f"interrupted: {done} of {len(arguments.specs)} specs projected")


def _fail(code: int, line: str) -> None:
    print(line, file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
