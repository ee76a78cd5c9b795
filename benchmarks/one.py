"""One measured run of one spec, in a process of its own so that its peak
memory is its own: prints a JSON line of figures. Used by `cmc bench`."""

from __future__ import annotations

import dataclasses
import json
import os
import sys

import checker
from checker.history import history_counts
from checker.spec import load_spec
from models import REGISTRY

#: Set in the environment of a copy that says "ready" once built and waits
#: for a line on its standard input before it searches.
READY = "CMC_BENCH_READY"


def measure(path: str, workers: int = 1, fp_seed: int = 0, exact: str = "spec",
            ray: str | None = None, auto: bool = False) -> dict:
    """`exact`: "spec" (as the spec says), "exact" or "fingerprints"; with
    `ray` (auto or HOST:PORT), `workers` Ray actors (0: one per CPU);
    `auto`: the workers were chosen by ``--workers auto`` (tried against
    one process, `CheckConfig.auto_workers`)."""
    spec = load_spec(path, REGISTRY).with_exact({"spec": None, "exact": True,
                                                 "fingerprints": False}[exact])
    model = spec.build()
    if os.environ.get(READY):
        # one of several copies run side by side (`cmc bench --ceiling`):
        # loaded and built, it waits for the others, so that all search at once
        print("ready", flush=True)
        sys.stdin.readline()
    owners = None
    if ray:
        from checker import ray_search

        cluster = ray_search.connect(ray)
        workers = min(workers or cluster.cpus, cluster.cpus)
        owners = ray_search.Owners(spec.build, cluster)
    config = dataclasses.replace(spec.config(workers=workers, fp_seed=fp_seed),
                                 auto_workers=auto and not ray)
    result = checker.check(model, config, owners=owners)
    if result.stopped_by == "interrupted":  # (a KeyboardInterrupt the model raised too)
        raise KeyboardInterrupt
    stats = result.stats
    return {
        "spec": path,
        "verdict": result.verdict,
        "distinct_states": stats.distinct_states,
        "generated_states": stats.generated_states,
        "seconds": stats.seconds,
        "states_per_second": stats.states_per_second,
        "peak_memory_bytes": stats.peak_memory_bytes,
        "worker_memory_bytes": stats.worker_memory_bytes,
        "workers_used": stats.workers,
        "one_process_from": stats.one_process_from,
        "store_bytes_per_state": stats.store_bytes / max(stats.distinct_states, 1),
        "peak_bytes_per_state": stats.peak_memory_bytes / max(stats.distinct_states, 1),
        # the linearizability checks' work, by property (this process's share)
        "history": history_counts(model),
    }


if __name__ == "__main__":
    from checker.errors import CheckerError

    # workers as N, or auto:N (N chosen by --workers auto)
    count = sys.argv[2] if len(sys.argv) > 2 else "1"
    try:
        print(json.dumps(measure(sys.argv[1], int(count.removeprefix("auto:")),
                                 *(int(arg) for arg in sys.argv[3:4]), *sys.argv[4:6],
                                 auto=count.startswith("auto:"))))
    except CheckerError as error:  # a bad spec or model: one line, as cmc check says it
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(3)
