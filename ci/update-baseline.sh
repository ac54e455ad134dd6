#!/usr/bin/env bash
# Refresh ci/baseline/: RUNS replays of the bundled trace per built-in strategy, each report kept
# as compact JSON (<strategy>-<run>.json). Run it on an idle machine, and commit the result with
# the change that moved the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$RUNS"); do
  node bin/schedbench.js demo --out "$tmp/run-$i" >/dev/null
done
rm -f ci/baseline/*.json
node -e '
  const fs = require("node:fs");
  const path = require("node:path");
  const [tmp, runs] = process.argv.slice(1);
  for (let i = 1; i <= Number(runs); i++) {
    const dir = path.join(tmp, `run-${i}`);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
      fs.writeFileSync(`ci/baseline/${f.replace(/\.json$/, "")}-${i}.json`, JSON.stringify(r) + "\n");
    }
  }
' "$tmp" "$RUNS"
ls -l ci/baseline
