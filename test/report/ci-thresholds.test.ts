// The committed CI gate (ci/thresholds.yaml against ci/baseline/) on the bundled trace: today's
// filter strategy passes it, and a change that worsens placement fails it. Placement figures are
// deterministic, so this test cannot flap; timing bounds are left to ci/check-bundled.sh.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { checkReports } from '../../src/report/check.ts';
import { metricByName } from '../../src/report/metric-catalog.ts';
import { readReports } from '../../src/report/read-report.ts';
import { loadThresholds } from '../../src/report/thresholds.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLUSTER = join(ROOT, 'traces/default-cluster.json');
const TRACE = join(ROOT, 'traces/default-trace.csv');

async function placementResults(sets: Record<string, unknown>) {
  const report = await runReplayTask({
    clusterPath: CLUSTER,
    cluster: loadCluster(CLUSTER),
    tracePath: TRACE,
    strategy: filterStrategy,
    sets,
    onBadRow: 'stop',
    calibrationSamples: 0,
  });
  // The committed bounds that apply to a filter report: its own and those for every strategy.
  const all = loadThresholds(join(ROOT, 'ci/thresholds.yaml'));
  const { '*': every, filter } = all.thresholds.strategies;
  const thresholds = { ...all, thresholds: { ...all.thresholds, strategies: { '*': every, filter } } };
  const baseline = readReports([join(ROOT, 'ci/baseline')]);
  return checkReports(thresholds, [{ path: 'filter.json', report }], baseline).filter(
    (r) => metricByName(r.metric)?.timing === 'none',
  );
}

describe('the CI thresholds on the bundled trace', () => {
  it('hold for the filter strategy as it is', async () => {
    const results = await placementResults({});
    expect(results.length).toBeGreaterThanOrEqual(8);
    expect(results.filter((r) => r.holds === false)).toEqual([]);
  });

  it('catch a change that worsens placement (stacking instead of spreading)', async () => {
    // Stacking on the least free RAM leaves less room for the large GPU flavors: more NoValidHost.
    const violated = (await placementResults({ ram_weight_multiplier: -1 })).filter((r) => r.holds === false);
    expect(violated.map((r) => r.metric)).toContain('novalidhost_rate');
  });
});
