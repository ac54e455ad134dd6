// A weigher listed twice counts twice (Nova builds each entry of weight_classes), and the indexed
// path's combined bound must count it the same: with a negative multiplier a field counted twice
// in the bound pruned the true winner.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { replay } from '../../src/replay/replayer.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { OutcomeLog, tempDir } from '../helpers/replay.ts';

const CLUSTER = {
  hosts: [
    { name: 'h0', vcpus: 4, memory_mb: 3000, disk_gb: 50 },
    { name: 'h1', vcpus: 4, memory_mb: 3000, disk_gb: 50 },
  ],
};
const TRACE = [
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host',
  '0,create,a,1,100,10,1,,,,,,,',
  '1,create,s1,1,100,5,1,,,g,soft-anti-affinity,,,',
  '2,create,s2,1,100,10,1,,,g,soft-anti-affinity,,,',
];

async function placements(referenceScan: boolean): Promise<string[]> {
  const dir = tempDir();
  writeFileSync(join(dir, 'c.json'), JSON.stringify(CLUSTER));
  writeFileSync(join(dir, 't.csv'), `${TRACE.join('\n')}\n`);
  const spec = loadCluster(join(dir, 'c.json'));
  const log = new OutcomeLog(spec.hosts.map((h) => h.name));
  await replay(spec, new CsvTraceSource(join(dir, 't.csv')), {
    strategy: filterStrategy,
    strategyOptions: filterStrategy.optionsSchema.parse({
      weighers: ['DiskWeigher', 'IoOpsWeigher', 'DiskWeigher', 'ServerGroupSoftAntiAffinityWeigher'],
      disk_weight_multiplier: -1,
      reference_scan: referenceScan,
    }),
    seed: 1,
    maxAttempts: 3,
    onBadRow: 'stop',
    observers: [log],
  });
  return log.outcomes.map((o) => `${o.id}:${o.host}`);
}

describe('a weigher listed twice', () => {
  it('counts twice on the fast path as in the reference scan', async () => {
    // a: both hosts empty, equal weights, cluster order: h0. s1 (group g, empty): h1 has more free
    // disk, -1 twice prefers the fuller h0. s2: free disk h0 35/50, h1 50/50 -> disk terms
    // -1.4 and -2; IoOps 0 on both; soft anti-affinity h0 (holds s1) 0, h1 +1 -> h0 -1.4, h1 -1.0.
    const expected = ['a:h0', 's1:h0', 's2:h1'];
    expect(await placements(true)).toEqual(expected);
    expect(await placements(false)).toEqual(expected);
  });
});
