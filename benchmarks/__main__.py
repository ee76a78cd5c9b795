"""`python -m benchmarks` is `cmc bench`."""

from cmc.bench import bench

bench(prog_name="python -m benchmarks")
