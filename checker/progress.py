"""Progress reporting: a small interface with plain-line, periodic and tqdm forms.

The engine calls `update` as it goes (at most a few times a second is
useful) and `finish` once; a search resumed from a checkpoint first calls
`resumed`, where a reporter has it, with the states found before. Both
forms write to stderr, never to stdout, so progress never interleaves with
a report.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Protocol


class Reporter(Protocol):
    def update(self, depth: int, distinct: int, generated: int, queued: int) -> None: ...

    def finish(self, depth: int, distinct: int, generated: int) -> None: ...


class Silent:
    """No progress output."""

    def update(self, depth: int, distinct: int, generated: int, queued: int) -> None:
        pass

    def finish(self, depth: int, distinct: int, generated: int) -> None:
        pass


class PlainLines:
    """One line per finished level when `verbose` (``level: depth=…,
    states=…, distinct=…, new=…``: the states generated and distinct so far,
    and how many of the distinct ones are at that depth), and a closing line:
    ``done: states=…, distinct=…, depth=…``."""

    def __init__(self, stream: IO[str] | None = None, verbose: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        self.verbose = verbose
        self._level: tuple[int, int, int, int] | None = None  # the last update's

    def update(self, depth: int, distinct: int, generated: int, queued: int) -> None:
        # A level is done when the first update for the next one comes.
        if self._level is not None and depth != self._level[0]:
            self._print_level()
        self._level = (depth, distinct, generated, queued)

    def finish(self, depth: int, distinct: int, generated: int) -> None:
        if self._level is not None:
            self._print_level()
        print(f"done: states={generated}, distinct={distinct}, depth={depth}",
              file=self.stream, flush=True)

    def _print_level(self) -> None:
        depth, distinct, generated, new = self._level
        if self.verbose and new:
            print(f"level: depth={depth}, states={generated}, distinct={distinct}, "
                  f"new={new}", file=self.stream, flush=True)


#: Seconds between two lines of `Periodic`, as TLC prints its progress.
PERIOD = 60.0


class Periodic:
    """A line every `PERIOD` seconds of a run, none before (stderr that is
    no terminal: a CI log, a file), so that a long run is seen to go on:
    ``progress: 60 s, depth 12, 1,234,567 distinct states (20,576 a
    second), 4,567,890 generated, 123,456 queued``."""

    def __init__(self, stream: IO[str] | None = None, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.started = clock()
        self.due = self.started + PERIOD
        self.before = 0  # states found before a resumed checkpoint: not this run's

    def resumed(self, distinct: int) -> None:
        self.before = distinct

    def update(self, depth: int, distinct: int, generated: int, queued: int) -> None:
        now = self.clock()
        if now < self.due:
            return
        self.due = now + PERIOD
        seconds = now - self.started
        print(f"progress: {seconds:,.0f} s, depth {depth}, {distinct:,} distinct states "
              f"({(distinct - self.before) / seconds:,.0f} a second), {generated:,} generated, "
              f"{queued:,} queued", file=self.stream, flush=True)

    def finish(self, depth: int, distinct: int, generated: int) -> None:
        pass  # (the report follows)


class ProgressBar:
    """A tqdm bar on stderr: level, distinct states and rate."""

    def __init__(self, label: str = "", stream: IO[str] | None = None):
        from tqdm import tqdm

        # No monitor thread: the engine forks worker processes, and forking a
        # process that runs threads is unsafe.
        tqdm.monitor_interval = 0
        self._bar = tqdm(desc=label or "exploring", unit=" states", file=stream or sys.stderr,
                         leave=False, dynamic_ncols=True, mininterval=0.2)
        self._last = 0.0

    def update(self, depth: int, distinct: int, generated: int, queued: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.2:
            return
        self._last = now
        self._bar.update(distinct - self._bar.n)
        self._bar.set_postfix(depth=depth, queued=queued, refresh=False)

    def finish(self, depth: int, distinct: int, generated: int) -> None:
        self._bar.close()
