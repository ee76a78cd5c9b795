"""`cmc bench`: fixed runs that print speed and memory figures."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from typing import Any

import click

from cmc.options import fingerprint_options, given_path, ray_option, workers_option


@click.command("bench")
@click.argument("specs", nargs=-1, metavar="[SPEC...]")
@click.option("--full", is_flag=True, help="Add the runs that take minutes.")
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True,
              help="Runs per spec; figures are medians.")
@workers_option
@ray_option
@fingerprint_options
@click.option("--ceiling", is_flag=True,
              help="Also measure this machine's ceiling for a speed-up: as many copies of "
                   "fixed, independent work as there are workers (or usable CPUs) side by "
                   "side, against one copy alone, with each run of each spec (so that both "
                   "meet the same load); and each spec's own: as many one-process runs of "
                   "it side by side, against one alone. The table then shows each speed-up "
                   "as a share of both.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), metavar="FILE",
              callback=given_path,
              help="Also write the figures as JSON, for comparison across commits.")
def bench(specs: tuple[str, ...], full: bool, repeat: int, workers: int | None,
          ray: str | None, exact: bool | None, fp_seed: int, ceiling: bool,
          json_path: str | None) -> None:
    """Run fixed specs (or the SPECs given) REPEAT times each, every run in a
    fresh process, and print per spec: distinct states, median wall time,
    distinct states per second, peak memory, bytes per distinct state (the
    visited set with the trace back-pointers, the main process, and all
    processes), the worker processes allowed and the speed-up against one
    process. Peak memory is the main process's; forked workers share its
    pages until they write to them, and "worker MiB" is the most a worker
    held of its own, so all processes together are counted as the main
    process's peak plus that much for each other process (an upper bound).
    With several workers each run is paired with a one-process run of the
    same spec, in turn, so that both meet the same load on the machine; the
    speed-up is the ratio of their medians. With --ray, the runs share the
    search between Ray actors (each run starts its own Ray with auto), and
    "worker MiB" is the most an actor held. A spec with a linearizability
    property gets a line more: the work of its history checks. With
    --ceiling, a line says how much faster than one process that many
    processes can be on this machine at all (benchmarks/ceiling.py): a
    virtual machine's CPUs may be hyperthreads of one core or shared with
    other tenants, which no search's speed-up passes; and each spec gets
    its own ceiling: that many one-process runs of it side by side did
    the work of how many runs in the time of one (a search's own work may
    contend for the memory and caches the CPUs share more, or less, than
    the fixed work)."""
    from benchmarks.suite import FULL, QUICK
    from checker.spec import load_specs
    from models import REGISTRY
    from cmc.check import run_inputs
    from reports.files import check_apart, check_writable, write_whole

    chosen = list(specs) or list(FULL if full else QUICK)
    loaded = load_specs(chosen, REGISTRY)  # bad input fails here, before any run
    if json_path:
        check_apart([(f"--json {json_path}", json_path)], run_inputs(loaded), what="figures")
        check_writable(json_path)
    auto = ray is None and click.get_current_context().meta.get("auto_workers", False)
    limit = None
    if ceiling:
        from benchmarks import ceiling as machine
        from checker.workers import usable_cpus

        # measured a pair at a time beside the specs' runs, all meeting one load
        limit = machine.Ceiling(workers if workers and workers > 1 and not ray
                                else usable_cpus())
    rows = [_measure(spec, repeat, workers, exact, fp_seed, ray, auto, limit)
            for spec in chosen]
    limit = limit.figures() if limit is not None else None
    if json_path:  # first: standard output closing (`| head`) must not cost the file
        write_whole(json_path, json.dumps({"schema": "cmc.bench/1", "repeat": repeat,
                                           "workers": workers, "ray": ray, "exact": exact,
                                           "fp_seed": fp_seed, "ceiling": limit, "runs": rows},
                                          indent=2))
    click.echo(_table(rows, limit))
    if limit is not None:
        click.echo(machine.line(limit))
    for row in rows:
        for name, counts in row["history"].items():
            if counts["checks"]:  # the spec checks it
                click.echo(_history_line(row["spec"], name, counts, row["workers"]))


def _run(spec: str, workers: int | None, exact: bool | None, fp_seed: int,
         ray: str | None = None, auto: bool = False) -> dict:
    exact_flag = {None: "spec", True: "exact", False: "fingerprints"}[exact]
    count = f"auto:{workers}" if auto else str(workers or 0)
    done = subprocess.run([sys.executable, "-m", "benchmarks.one", spec, count,
                           str(fp_seed), exact_flag] + ([ray] if ray else []),
                          capture_output=True, text=True)
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["failed"])[-1].removeprefix("error: ")
        if done.returncode == 2:  # the spec's or model's mistake: exit 2, as cmc check
            from checker.errors import CheckerError
            raise CheckerError(f"{spec}: {message}")
        raise click.ClickException(f"{spec}: {message}")
    run = json.loads(done.stdout)
    others = run["workers_used"] - 1
    run["all_bytes_per_state"] = ((run["peak_memory_bytes"] + others * run["worker_memory_bytes"])
                                  / max(run["distinct_states"], 1))
    return run


def _side_by_side(spec: str, copies: int, exact: bool | None, fp_seed: int) -> list[dict]:
    """The figures of each of `copies` one-process runs of `spec`, each in a
    process of its own, searching at once: each loads and builds its model,
    says it is ready, and all are let go together."""
    from benchmarks.one import READY

    exact_flag = {None: "spec", True: "exact", False: "fingerprints"}[exact]
    started = [subprocess.Popen([sys.executable, "-m", "benchmarks.one", spec, "1", str(fp_seed),
                                 exact_flag], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, READY: "1"})
               for _ in range(copies)]
    try:
        for copy in started:
            copy.stdout.readline()  # "ready" (or nothing, where a copy failed)
        for copy in started:  # let go together
            try:
                copy.stdin.write("go\n")
                copy.stdin.flush()
            except BrokenPipeError:  # a copy that failed: said below
                pass
        done = [copy.communicate() for copy in started]
    finally:
        for copy in started:
            if copy.poll() is None:
                copy.kill()
                copy.wait()
    failed = [(copy.returncode, err) for copy, (_, err) in zip(started, done)
              if copy.returncode != 0]
    if failed:
        message = (failed[0][1].strip().splitlines() or ["failed"])[-1].removeprefix("error: ")
        raise click.ClickException(f"{spec}: a copy run side by side: {message}")
    return [json.loads(out) for out, _ in done]


def spec_ceiling(alone: list[float], together: list[list[float]]) -> float:
    """A spec's own ceiling for a speed-up: one-process runs of it side by
    side did as many times the work of one run alone (`alone`: seconds, a
    run in each of the same turns as `together`, the seconds of each copy)
    in so many times its time; the work done per second, the sum over the
    copies of one over each's seconds, against one run's, median of the
    turns."""
    return statistics.median(first * sum(1 / seconds for seconds in copies)
                             for first, copies in zip(alone, together))


def _measure(spec: str, repeat: int, workers: int | None, exact: bool | None, fp_seed: int,
             ray: str | None = None, auto: bool = False, limit: Any = None) -> dict:
    """`repeat` runs of `spec` (each paired with a one-process run where
    several workers share it; with `limit`, a `benchmarks.ceiling.Ceiling`,
    with a pair of its measurements and as many one-process runs of `spec`
    side by side as it has processes, too) and their medians."""
    runs, alone, together = [], [], []
    for _ in range(repeat):
        runs.append(_run(spec, workers, exact, fp_seed, ray, auto))
        if ray or workers > 1:
            alone.append(_run(spec, 1, exact, fp_seed))
        if limit is not None:
            limit.measure()
            together.append([copy["seconds"] for copy in
                             _side_by_side(spec, limit.processes, exact, fp_seed)])
    median = lambda key: statistics.median(run[key] for run in runs)  # noqa: E731
    seconds = median("seconds")
    own = None
    if together:
        own = {"copies": limit.processes, "seconds": together,
               "speed_up": spec_ceiling([run["seconds"] for run in alone or runs], together)}
    return {
        "ceiling": own,
        "spec": spec,
        "distinct_states": runs[0]["distinct_states"],
        "seconds": seconds,
        "seconds_all": [run["seconds"] for run in runs],
        "states_per_second": median("states_per_second"),
        "peak_memory_bytes": median("peak_memory_bytes"),
        "worker_memory_bytes": median("worker_memory_bytes"),
        "store_bytes_per_state": median("store_bytes_per_state"),
        "peak_bytes_per_state": median("peak_bytes_per_state"),
        "all_bytes_per_state": median("all_bytes_per_state"),
        "workers": runs[0]["workers_used"] if ray else workers,
        # runs in which auto workers went on in one process after their trial
        "one_process_runs": sum(run.get("one_process_from") is not None for run in runs),
        "history": runs[0]["history"],
        "one_process_seconds": (statistics.median(run["seconds"] for run in alone)
                                if alone else seconds),
        "speed_up": (statistics.median(run["seconds"] for run in alone) / seconds
                     if alone and seconds > 0 else 1.0),
    }


def _history_line(spec: str, name: str, counts: dict, workers: int) -> str:
    """A linearizability property's work in the first run: histories
    checked, answered from memory, events stepped (one per new history
    whose parent's is remembered), configurations those steps made, and
    minimal sets of operations that cannot be ordered found for reports."""
    share = f" (the main process's share of {workers} workers)" if workers > 1 else ""
    remembered = counts["hits"] / counts["checks"] if counts["checks"] else 0.0
    return (f"{spec}: {name}: {counts['checks']:,} histories checked, "
            f"{counts['hits']:,} remembered ({remembered:.0%}), {counts['events']:,} "
            f"events stepped, {counts['configurations']:,} configurations, "
            f"{counts['shrinks']:,} minimal sets found{share}")


def _workers(row: dict) -> str:
    """The workers of a row; "2→1 (3 of 3)" where auto workers went on in
    one process after their trial, in that many of its runs."""
    folded = row.get("one_process_runs", 0)
    if not folded:
        return str(row["workers"])
    return f"{row['workers']}→1 ({folded} of {len(row['seconds_all'])})"


def _table(rows: list[dict], limit: dict | None = None) -> str:
    """The figures of `rows`, a line a spec; with the machine's ceiling
    (`limit`), each speed-up as a share of it too, and each spec's own
    ceiling and the speed-up as a share of that."""
    header = ("spec", "distinct", "median s", "states/s", "peak MiB", "worker MiB",
              "store B/state", "peak B/state", "all B/state", "workers", "speed-up")
    body = [(row["spec"], f"{row['distinct_states']:,}", f"{row['seconds']:.2f}",
             f"{row['states_per_second']:,.0f}", f"{row['peak_memory_bytes'] / 2**20:,.0f}",
             f"{row['worker_memory_bytes'] / 2**20:,.0f}",
             f"{row['store_bytes_per_state']:.1f}", f"{row['peak_bytes_per_state']:,.0f}",
             f"{row['all_bytes_per_state']:,.0f}", _workers(row), f"{row['speed_up']:.2f}")
            for row in rows]
    if limit is not None:
        header += ("of ceiling", "spec ceiling", "of spec ceiling")
        body = [line + (f"{row['speed_up'] / limit['speed_up']:.0%}",
                        f"{row['ceiling']['speed_up']:.2f}",
                        f"{row['speed_up'] / row['ceiling']['speed_up']:.0%}")
                for line, row in zip(body, rows)]
    widths = [max(len(str(line[i])) for line in [header] + body) for i in range(len(header))]
    return "\n".join("  ".join(str(cell).rjust(width) if i else str(cell).ljust(width)
                               for i, (cell, width) in enumerate(zip(line, widths)))
                     for line in [header] + body)
