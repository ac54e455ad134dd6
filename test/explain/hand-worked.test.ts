// Explanations on a tiny cluster, every number worked out by hand below (not read from a run).
import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { formatDecision } from '../../src/explain/format.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { explainEvery } from '../helpers/explain.ts';

// Ratios 1, no reservation, no disk asked.
//   h1: 8 vCPUs, 8192 MB.   h2: 8 vCPUs, 16384 MB.   h3: 2 vCPUs, 4096 MB.
const CLUSTER: ClusterSpec = simpleCluster([
  { vcpus: 8, memory_mb: 8192 },
  { vcpus: 8, memory_mb: 16384 },
  { vcpus: 2, memory_mb: 4096 },
]);
// Both weighers have Nova's minval 0: normalised = x / max over the survivors (lo = 0).
// a (4 vCPUs, 4096 MB): h3 fails CoreFilter (4 > its 2 vCPUs). RAM h1 8192/16384 = 0.5, h2 1;
//   CPU h1 8/8 = 1, h2 1, × 2. h1 = 0.5 + 2 = 2.5, h2 = 1 + 2 = 3: a goes to h2.
// b (4 vCPUs, 6144 MB), the decision explained: h3 fails RamFilter (6144 > its 4096 MB total).
//   h1: 8192 MB free, 8 vCPUs free.   h2: 12288 MB free, 4 vCPUs free.
//   RAMWeigher raw h1 8192, h2 12288 → normalised x / 12288: h1 2/3, h2 1; × 1.
//   CPUWeigher raw h1 8, h2 4 → normalised x / 8: h1 1, h2 0.5; × 2.
//   h1: 2/3 + 2 × 1 = 2.67.   h2: 1 + 2 × 0.5 = 2.   b goes to h1 (rank 1), h2 is rank 2.
// c (8 vCPUs, 16384 MB): h1 (total 8192) and h3 (4096) are too small; h2 has 12288 free: RamFilter
//   empties the list. Shortfalls: h1 RAM 16384 − 2048 = 14336, vCPUs 8 − 4 = 4 (14336/16384 +
//   4/8 = 1.375); h2 RAM 4096, vCPUs 8 − 4 = 4 (0.25 + 0.5 = 0.75); h3 RAM 12288, vCPUs 6 (0.75 +
//   0.75 = 1.5): the nearest miss is h2. Empty, h2 takes it (16384 MB, 8 vCPUs): a capacity failure.
// d (16 vCPUs, 1024 MB): RamFilter passes all three, CoreFilter none (16 > every host's total):
//   CoreFilter empties the list, and no host could take it even empty.
const LINES = [
  'time,event,id,vcpus,memory_mb,disk_gb',
  '0,create,a,4,4096,0',
  '1,create,b,4,6144,0',
  '2,create,c,8,16384,0',
  '3,create,d,16,1024,0',
];
const OPTIONS = {
  filters: ['RamFilter', 'CoreFilter', 'DiskFilter'],
  weighers: ['RAMWeigher', 'CPUWeigher'],
  cpu_weight_multiplier: 2,
};

async function explainAll(strategyName: string, options: Record<string, unknown>) {
  const strategy = BUILTIN_STRATEGIES.find((s) => s.name === strategyName) as AnyStrategy;
  const { records, log } = await explainEvery(CLUSTER, LINES, strategy, options);
  return { records, hosts: log.hosts() };
}

describe('explain, worked by hand', () => {
  it('the weigher arithmetic of each survivor, its rank and the choice', async () => {
    const { records, hosts } = await explainAll('filter', OPTIONS);
    expect(hosts).toEqual({ a: 'h2', b: 'h1', c: '', d: '' });
    const b = records[1];
    expect(b.instance_id).toBe('b');
    expect(b.funnel).toEqual([
      { filter: 'RamFilter', hosts_in: 3, hosts_out: 2 },
      { filter: 'CoreFilter', hosts_in: 2, hosts_out: 2 },
      { filter: 'DiskFilter', hosts_in: 2, hosts_out: 2 },
    ]);
    expect(b.rejected).toEqual([
      {
        filter: 'RamFilter',
        pattern: "RamFilter: # MB asked, more than the host's # MB",
        hosts: 1,
        examples: [{ host: 'h3', reason: "RamFilter: 6,144 MB asked, more than the host's 4,096 MB" }],
      },
    ]);
    expect(b.survivors).toBe(2);
    expect(b.candidates).toEqual([
      {
        rank: 1,
        host: 'h1',
        // Summed in weigher order from 0, as the weight handler does.
        total: 0 + 8192 / 12288 + 2,
        terms: [
          {
            weigher: 'RAMWeigher',
            raw: 8192,
            normalised: 8192 / 12288,
            multiplier: 1,
            contribution: 8192 / 12288,
          },
          { weigher: 'CPUWeigher', raw: 8, normalised: 1, multiplier: 2, contribution: 2 },
        ],
      },
      {
        rank: 2,
        host: 'h2',
        total: 2,
        terms: [
          { weigher: 'RAMWeigher', raw: 12288, normalised: 1, multiplier: 1, contribution: 1 },
          { weigher: 'CPUWeigher', raw: 4, normalised: 0.5, multiplier: 2, contribution: 1 },
        ],
      },
    ]);
    expect(b.outcome).toBe('placed');
    expect(b.host).toBe('h1');
    expect(b.draws).toEqual([]);
    const text = formatDecision(b);
    expect(text).toContain('CPUWeigher: 8 → 1 × 2 = 2');
    expect(text).toContain('RAMWeigher: 8,192 → 0.666667 × 1 = 0.666667');
    expect(text).toContain('#1 h1  total 2.66667');
    expect(text).toContain('chosen: h1 (rank 1)');
  });

  it('NoValidHost: the filter that emptied the list, the nearest miss, the empty-cluster fit', async () => {
    const { records } = await explainAll('filter', OPTIONS);
    const [c, d] = records.slice(2);
    expect(c.outcome).toBe('no-valid-host');
    expect(c.funnel).toEqual([{ filter: 'RamFilter', hosts_in: 3, hosts_out: 0 }]);
    expect(c.rejected.map((g) => [g.filter, g.hosts, g.examples.map((e) => e.host)])).toEqual([
      ['RamFilter', 2, ['h1', 'h3']],
      ['RamFilter', 1, ['h2']],
    ]);
    expect(c.no_valid_host).toEqual({
      emptied_by: 'RamFilter',
      nearest_miss: { host: 'h2', short: { ram_mb: 4096, vcpus: 4, disk_gb: 0, gpus: 0 } },
      fits_empty_cluster: true,
    });
    expect(d.no_valid_host?.emptied_by).toBe('CoreFilter');
    expect(d.no_valid_host?.fits_empty_cluster).toBe(false);
    expect(formatDecision(d)).toContain('it would not fit even on the empty cluster');
  });

  it('a scoring strategy: best-fit ranks by its score (least capacity left wins)', async () => {
    const { records, hosts } = await explainAll('best-fit', { filters: OPTIONS.filters });
    // a: h1 and h2 fit (h3 has 2 vCPUs). best-fit packs: its choice is its own rank 1.
    for (const r of records.filter((x) => x.outcome === 'placed')) {
      expect(r.candidates[0].host).toBe(r.host);
      expect(r.candidates[0].terms).toBeUndefined();
    }
    expect(Object.keys(hosts)).toEqual(['a', 'b', 'c', 'd']);
  });
});
