#!/usr/bin/env bash
# Refresh the CI gate's baselines: ci/baseline/ (RUNS replays of the bundled trace per built-in
# strategy) and ci/baseline-speed/ (RUNS replays of the speed trace, ci/speed-runs.sh), each
# report kept as compact JSON (<strategy>-<run>.json). Run it on an idle machine, and commit the
# result with the change that moved the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$RUNS"); do
  node bin/schedbench.js demo --out "$tmp/run-$i" >/dev/null
done
bash ci/speed-runs.sh "$tmp/speed" "$RUNS"
rm -f ci/baseline/*.json ci/baseline-speed/*.json
mkdir -p ci/baseline-speed
node -e '
  const fs = require("node:fs");
  const path = require("node:path");
  const [runs, ...pairs] = process.argv.slice(1);
  for (let p = 0; p < pairs.length; p += 2) {
    const [from, to] = [pairs[p], pairs[p + 1]];
    for (let i = 1; i <= Number(runs); i++) {
      const dir = path.join(from, `run-${i}`);
      for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
        fs.writeFileSync(path.join(to, `${f.replace(/\.json$/, "")}-${i}.json`), JSON.stringify(r) + "\n");
      }
    }
  }
' "$RUNS" "$tmp" ci/baseline "$tmp/speed" ci/baseline-speed
ls -l ci/baseline ci/baseline-speed
