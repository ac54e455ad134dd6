#!/usr/bin/env bash
# The CI gate (docs/check.md), two checks; exit 1 when a bound of either is violated.
# 1. Placement and contract: the bundled trace replayed with every built-in strategy RUNS times
#    (schedbench demo), against ci/thresholds.yaml and ci/baseline/.
# 2. Speed: the filter strategy on a seeded 1,000-host trace of SPEED_ROWS rows, long enough for
#    the JIT to be warm, RUNS times (separate processes, one thread each), against
#    ci/speed-thresholds.yaml and ci/baseline-speed/. The bundled trace is too short for timing:
#    its 433 cold decisions moved 17.7-40.8 µs at the median between runs of unchanged code.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
OUT="${OUT:-reports/ci}"
rm -rf "$OUT"
for i in $(seq 1 "$RUNS"); do
  node bin/schedbench.js demo --out "$OUT/run-$i" >/dev/null
done
bash ci/speed-runs.sh "$OUT/speed" "$RUNS"
# Both checks always run; the first failure's exit code is the script's.
placement=0
speed=0
node bin/schedbench.js check --thresholds ci/thresholds.yaml --baseline ci/baseline "$OUT"/run-* "$@" || placement=$?
node bin/schedbench.js check --thresholds ci/speed-thresholds.yaml --baseline ci/baseline-speed \
  "$OUT"/speed/run-* "$@" || speed=$?
exit $((placement != 0 ? placement : speed))
