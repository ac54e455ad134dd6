#!/usr/bin/env bash
# Replay the bundled trace with every built-in strategy RUNS times (separate processes, so each
# run has its own JIT warm-up and its own calibration), then check the reports against the
# committed thresholds and baseline. Exit 1 when a bound is violated (docs/check.md).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
OUT="${OUT:-reports/ci}"
rm -rf "$OUT"
for i in $(seq 1 "$RUNS"); do
  node bin/schedbench.js demo --out "$OUT/run-$i" >/dev/null
done
node bin/schedbench.js check --thresholds ci/thresholds.yaml --baseline ci/baseline "$OUT"/run-* "$@"
