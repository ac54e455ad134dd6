// Observers never change a decision, and the same inputs and seed give the same figures.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { generateCluster } from '../../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';
import { MetricsCollector } from '../../src/metrics/collector.ts';
import { scanShapes } from '../../src/metrics/shapes.ts';
import { replay } from '../../src/replay/replayer.ts';
import { PlacementsWriter } from '../../src/report/placements-writer.ts';
import type { Report } from '../../src/report/schema.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { tempDir } from '../helpers/replay.ts';

const OPTS = { ...DEFAULT_GENERATOR_OPTIONS, rows: 3000, hosts: 40, seed: 5 };

function files() {
  const dir = tempDir();
  const clusterPath = join(dir, 'cluster.json');
  const tracePath = join(dir, 'trace.csv');
  writeFileSync(clusterPath, JSON.stringify(generateCluster(OPTS)));
  generateTrace(OPTS, tracePath);
  return { dir, clusterPath, tracePath, cluster: clusterFromObject(generateCluster(OPTS)) };
}

/** A report without the figures that measure the machine rather than the decisions. */
function decisionsOnly(r: Report) {
  const { created_at: _c, performance: _p, machine: _m, ...rest } = r;
  return rest;
}

describe('metrics and determinism', () => {
  it('leave every placement as it is without them (host_subset_size 3: seeded draws too)', async () => {
    const { dir, cluster, tracePath } = files();
    const options = filterStrategy.optionsSchema.parse({ host_subset_size: 3 });
    const run = async (out: string, withMetrics: boolean) => {
      const observers = [
        new PlacementsWriter(
          join(dir, out),
          cluster.hosts.map((h) => h.name),
        ),
      ];
      const shapes = await scanShapes(new CsvTraceSource(tracePath));
      await replay(cluster, new CsvTraceSource(tracePath), {
        strategy: filterStrategy,
        strategyOptions: options,
        seed: 9,
        maxAttempts: 3,
        onBadRow: 'stop',
        observers: withMetrics ? [new MetricsCollector(shapes), ...observers] : observers,
      });
      return readFileSync(join(dir, out), 'utf8');
    };
    const bare = await run('bare.csv', false);
    expect(bare.split('\n').length).toBeGreaterThan(3000);
    expect(await run('measured.csv', true)).toBe(bare);
  });

  it('give identical non-timing figures for the same inputs and seed', async () => {
    const { clusterPath, tracePath, cluster } = files();
    const task = {
      clusterPath,
      cluster,
      tracePath,
      strategy: filterStrategy,
      sets: { host_subset_size: 3 },
      seed: 4,
      onBadRow: 'stop' as const,
      calibrationSamples: 0,
    };
    const a = await runReplayTask(task);
    const b = await runReplayTask(task);
    expect(decisionsOnly(b)).toEqual(decisionsOnly(a));
    expect(a.quality.fragmentation.ram).toBeGreaterThan(0);
    // Another seed draws other hosts from the subset: the figures move.
    const c = await runReplayTask({ ...task, seed: 5 });
    expect(c.quality.utilisation).not.toEqual(a.quality.utilisation);
  });
});
