#!/usr/bin/env bash
# ci/speed-runs.sh DIR RUNS: generate the speed gate's seeded trace in DIR and replay it with the
# filter strategy RUNS times, one process and one thread each, reports in DIR/run-<i>/.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$1"
runs="$2"
rows="${SPEED_ROWS:-50000}"
mkdir -p "$dir"
node bin/schedbench.js generate --out "$dir/speed" --rows "$rows" --hosts 1000 --seed 1 >/dev/null
for i in $(seq 1 "$runs"); do
  node bin/schedbench.js run --cluster "$dir/speed-cluster.json" --trace "$dir/speed-trace.csv" \
    --strategy filter --seed 1 --workers 1 --out "$dir/run-$i" --quiet
done
