#!/bin/sh
# The scale issue's speed-ups on a machine of many cores with no network
# (docs/cluster.md, "Speed-ups on a machine of many cores"): installs the
# wheels carried in .whl where there are (the packages its Python lacks),
# then `cmc bench` pairs each worker count with one process on Raft with 3
# servers and Paxos 3x2x3, and `benchmarks.project` sets the time measured
# with 16 processes beside the one projected from their steps' CPU times
# (the projection the 2-core machine makes: docs/scale.md). WORKERS and
# REPEAT change what runs; the tables go to $OUT/scaling.txt (or
# ./scaling.txt) as well.
set -eu
cd "$(dirname "$0")/.."
if ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
        --upgrade --target /tmp/site .whl/*.whl
    PYTHONPATH=/tmp/site
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
echo "$(nproc) CPUs; $(python3 --version)"
{
    for workers in ${WORKERS:-16 8 4 2}; do
        # with 16, the ceilings too: the machine's, and each spec's own
        # (16 one-process runs of it side by side, sharing memory bandwidth)
        ceiling=""
        [ "$workers" = 16 ] && ceiling="--ceiling"
        python3 -m checker bench --repeat "${REPEAT:-3}" --workers "$workers" $ceiling \
            specs/large/raft-3s.yaml specs/paxos-3a-2v-3b.yaml
    done
    python3 -m benchmarks.project --workers 16 \
        specs/large/raft-3s.yaml specs/paxos-3a-2v-3b.yaml
} 2>&1 | tee "${OUT:-.}/scaling.txt"
