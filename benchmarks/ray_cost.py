"""What a run costs in CPU and memory, process by process: the figures
docs/cluster.md projects a 10^9-state run from. Prints one JSON line.

    python -m benchmarks.ray_cost SPEC one|fork|ray [MAX_DEPTH]

`one`: one process; `fork`: 2 forked partitions; `ray`: 2 Ray actors on a
Ray started here. CPU seconds (user and system) are counted per process, so
that they mean the same on a busy machine as on an idle one; each actor's
CPU time and private memory are those of its last reply."""

from __future__ import annotations

import json
import resource
import sys
import time

import checker
from checker.spec import load_spec
from models import REGISTRY


def measure(path: str, mode: str, max_depth: int | None = None) -> dict:
    spec = load_spec(path, REGISTRY)
    if max_depth is not None:
        spec = spec.with_bounds(max_depth=max_depth)
    owners, actors = None, {}
    if mode == "ray":
        from checker import ray_search

        owners = ray_search.Owners(spec.build, ray_search.connect("auto"))
        close = ray_search.RayPartitions.close

        def noted(partitions):  # the actors' figures, before they end
            actors.update(cpu_seconds=partitions.cpu_seconds, held_bytes=partitions.held)
            close(partitions)

        ray_search.RayPartitions.close = noted
    started = time.process_time()
    result = checker.check(spec.build(), spec.config(workers=1 if mode == "one" else 2),
                           owners=owners)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    stats = result.stats
    return {"spec": path, "mode": mode, "distinct_states": stats.distinct_states,
            "depth": stats.depth, "seconds": stats.seconds,
            "main_cpu_seconds": time.process_time() - started,
            "forked_cpu_seconds": children.ru_utime + children.ru_stime,
            "peak_memory_bytes": stats.peak_memory_bytes,
            "worker_memory_bytes": stats.worker_memory_bytes,
            "workers": stats.workers, "workers_lost": stats.workers_lost, "actors": actors}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], sys.argv[2],
                             int(sys.argv[3]) if len(sys.argv) > 3 else None)))
