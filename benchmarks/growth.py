"""How a long run grows: states per second and memory per state as it goes.

    python -m benchmarks.growth SPEC [--time-limit S] [--every S] [--states N]

Runs SPEC in one process and prints, every `--every` seconds, the distinct
states so far, the rate over the last interval, the resident memory and
the bytes per state; at the end, the memory slope (bytes per additional
state, fitted over the second half of the samples, past the fixed costs)
and, with `--states N`, the time and memory a run of N states would take
at the last rate and that slope. For runs too long to finish: see
docs/scale.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time

from checker import check
from checker.errors import CheckerError
from checker.spec import load_spec
from checker.workers import resident_memory
from cmc.exit_codes import BAD_INPUT
from models import REGISTRY

MIB = 2 ** 20


class Sampler:
    """A progress reporter that samples the run every `every` seconds."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.started = time.monotonic()
        self.last = self.started
        self.samples: list[tuple[float, int, int]] = []  # seconds, distinct, bytes

    def update(self, depth: int, distinct: int, generated: int, queued: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.sample(now, depth, distinct)

    def sample(self, now: float, depth: int, distinct: int) -> None:
        held = resident_memory()
        seconds = now - self.started
        rate = 0.0
        if self.samples:
            before_seconds, before_distinct, _ = self.samples[-1]
            rate = (distinct - before_distinct) / max(seconds - before_seconds, 1e-9)
        self.samples.append((seconds, distinct, held))
        print(f"{seconds:8.0f} s  depth {depth:3d}  {distinct:>13,} states  "
              f"{rate:>9,.0f} states/s  {held / MIB:>9,.0f} MiB  "
              f"{held / max(distinct, 1):7.1f} B/state", flush=True)

    def finish(self, depth: int, distinct: int, generated: int) -> None:
        self.sample(time.monotonic(), depth, distinct)


def slope(samples: list[tuple[float, int, int]]) -> float:
    """Bytes per additional state: least squares over the second half."""
    later = samples[len(samples) // 2:]
    if len(later) < 2:
        return float("nan")
    xs = [distinct for _, distinct, _ in later]
    ys = [held for _, _, held in later]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread if spread else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--every", type=float, default=30.0)
    parser.add_argument("--states", type=int, default=None,
                        help="project the time and memory of a run of this many states")
    arguments = parser.parse_args()
    try:
        spec = load_spec(arguments.spec, REGISTRY)
    except CheckerError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(BAD_INPUT)
    config = spec.config(workers=1)
    if arguments.time_limit is not None:
        config = dataclasses.replace(config, time_limit=arguments.time_limit)
    sampler = Sampler(arguments.every)
    result = check(spec.build(), config, sampler)
    stats = result.stats
    per_state = slope(sampler.samples)
    print(f"verdict {result.verdict} ({result.stopped_by or 'complete'}): "
          f"{stats.distinct_states:,} states, depth {stats.depth}, {stats.seconds:,.0f} s, "
          f"{stats.states_per_second:,.0f} states/s, peak {stats.peak_memory_bytes / MIB:,.0f} "
          f"MiB ({stats.peak_memory_bytes / max(stats.distinct_states, 1):.1f} B/state); "
          f"slope {per_state:.1f} B/state")
    if arguments.states and stats.distinct_states < arguments.states:
        line = projection(sampler.samples, arguments.states, per_state)
        if line:
            print(line)


def projection(samples: list[tuple[float, int, int]], states: int, per_state: float
               ) -> str | None:
    """The time and memory of a run of `states` states, from the rate of
    the last interval in which the run went on (the final sample can come
    right after the one before it) and `per_state` bytes a state more."""
    going = [(before, after) for before, after in zip(samples, samples[1:])
             if after[1] > before[1]]
    if not going:
        return None
    (t0, n0, _), (t1, n1, held) = going[-1]
    rate = (n1 - n0) / (t1 - t0)
    left = states - n1
    return (f"projection for {states:,} states: {(t1 + left / rate) / 3600:,.1f} h "
            f"at {rate:,.0f} states/s, {(held + left * per_state) / 2**30:,.1f} GiB")


if __name__ == "__main__":
    main()
