import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { FIT_TREE_LIMITS } from '../../src/cluster/fit-trees.ts';
import { writeGeneratedCluster } from '../../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';
import { replay } from '../../src/replay/replayer.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { OutcomeLog, tempDir } from '../helpers/replay.ts';

// The fit trees as a real run has them (no lowered limits): 300 hosts, above minHosts, a cluster
// kept near full so that the plain search is dear and the record takes shapes and keys.
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const o = { ...DEFAULT_GENERATOR_OPTIONS, rows: 3000, hosts: 300, seed: 1, targetLoad: 0.9 };
writeGeneratedCluster(o, join(dir, 'c.json'));
generateTrace(o, join(dir, 't.csv'));
const spec = loadCluster(join(dir, 'c.json'));

/** Each instance's outcome as one line: id, host ('' for ERROR), attempts, reason. */
async function placements(options: Record<string, unknown>): Promise<string[]> {
  const log = new OutcomeLog(spec.hosts.map((h) => h.name));
  await replay(spec, new CsvTraceSource(join(dir, 't.csv')), {
    strategy: filterStrategy,
    strategyOptions: filterStrategy.optionsSchema.parse(options),
    seed: 1,
    maxAttempts: 3,
    onBadRow: 'stop',
    observers: [log],
  });
  return log.outcomes.map((x) => `${x.id},${x.host},${x.attempts},${x.reason ?? ''}`);
}

describe('fit trees at their real limits decide as the reference scan', () => {
  it.each([
    // Mixed signs over three resource weighers want five keys, one more than a record keeps.
    {
      weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'],
      ram_weight_multiplier: -1,
      disk_weight_multiplier: -1,
    },
    {
      weighers: ['DiskWeigher', 'CPUWeigher', 'RAMWeigher'],
      ram_weight_multiplier: -1,
      cpu_weight_multiplier: 0.5,
      disk_weight_multiplier: -2,
    },
    { weighers: ['RAMWeigher', 'CPUWeigher', 'IoOpsWeigher'], ram_weight_multiplier: -1 },
    { weighers: ['RAMWeigher', 'CPUWeigher', 'DiskWeigher'] },
  ])('%o', async (options) => {
    expect(FIT_TREE_LIMITS.minHosts).toBeLessThanOrEqual(spec.hosts.length);
    const fast = await placements(options);
    const reference = await placements({ ...options, reference_scan: true });
    expect(fast.length).toBeGreaterThan(3000);
    const first = fast.findIndex((p, i) => p !== reference[i]);
    expect(first, `first difference at outcome ${first}: ${fast[first]} vs ${reference[first]}`).toBe(-1);
  });
});
