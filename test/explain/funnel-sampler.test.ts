// Every report's funnel: a deterministic sample of decisions in diagnosis mode (funnel only), and
// run --explain's exact funnel with records built only for the decisions written. The expected
// numbers are counted by hand on a 3-host cluster and a 4-request trace.
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/catalog/bootstrap.ts';
import { explainingStrategy } from '../../src/explain/explaining-driver.ts';
import type { AggregatedFunnelStep } from '../../src/explain/funnel.ts';
import { FunnelAggregate } from '../../src/explain/funnel.ts';
import { FunnelSampler, funnelSampleEvery, holdsSample } from '../../src/explain/funnel-sampler.ts';
import type { DecisionRecord, FunnelStep } from '../../src/explain/record.ts';
import { replay } from '../../src/replay/replayer.ts';
import type { AnyStrategy } from '../../src/scheduler/strategy.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { defineStrategy } from '../../strategies/plugin/define.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { OutcomeLog, traceFile } from '../helpers/replay.ts';

// Ratios 1, no reservation. RAMWeigher (multiplier 1) sends each request to the most free RAM.
const CLUSTER = simpleCluster([
  { vcpus: 4, memory_mb: 4096, disk_gb: 10 },
  { vcpus: 2, memory_mb: 8192, disk_gb: 10 },
  { vcpus: 8, memory_mb: 16384, disk_gb: 100 },
]);
// r1 fits all three → h3 (14336 MB, 7 vCPU, 95 GB left).
// r2 (4 vCPU, 6144 MB): RamFilter drops h1 (3 → 2), CoreFilter h2 (2 → 1), Disk keeps h3 → h3
//    (8192 MB, 3 vCPU, 90 GB left).
// r3 (50 GB): Ram 3 → 3, Core 3 → 3, DiskFilter keeps only h3 (3 → 1) → h3 (7168 MB, 2 vCPU, 40 GB).
// r4 (12288 MB): RamFilter 3 → 0 (4096, 8192, 7168 free): NoValidHost; Core and Disk do not run.
const LINES = [
  'time,event,id,vcpus,memory_mb,disk_gb',
  '0,create,r1,1,2048,5',
  '1,create,r2,4,6144,5',
  '2,create,r3,1,1024,50',
  '3,create,r4,1,12288,1',
];

const resourceSteps = (steps: readonly AggregatedFunnelStep[]) =>
  steps.filter((s) => ['RamFilter', 'CoreFilter', 'DiskFilter'].includes(s.filter));

async function run(strategy: AnyStrategy) {
  const log = new OutcomeLog(CLUSTER.hosts.map((h) => h.name));
  await replay(CLUSTER, new CsvTraceSource(traceFile(LINES)), {
    strategy,
    strategyOptions: strategy.optionsSchema.parse({}),
    seed: 1,
    maxAttempts: 1,
    onBadRow: 'stop',
    observers: [log],
  });
  return log.outcomes.map((o) => o.host);
}

describe('the sampled funnel', () => {
  it('samples decision 1, N+1, 2N+1...: a request is sampled when it holds one', () => {
    // every 2: decisions 1, 3, 5...
    expect([1, 2, 3, 4].map((d) => holdsSample(d, 1, 2))).toEqual([true, false, true, false]);
    // A 3-instance request from decision 2 holds 3; one of 2..2 (a single instance) does not.
    expect(holdsSample(2, 3, 4)).toBe(false); // 2, 3, 4: the sample is 1, 5, 9
    expect(holdsSample(4, 2, 4)).toBe(true); // 4, 5
    expect([64, 128, 129, 1000, 1024, 10_000].map(funnelSampleEvery)).toEqual([
      128, 128, 256, 1024, 1024, 16384,
    ]);
  });

  it('every decision (N = 1): the funnel counted by hand, and the same placements', async () => {
    const catalog = builtinCatalog();
    const filter = catalog.get('filter');
    const plain = await run(filter);
    expect(plain).toEqual(['h3', 'h3', 'h3', '']);
    const sampler = new FunnelSampler(1);
    expect(await run(sampler.strategy(filter))).toEqual(plain);
    const { funnel, reason } = sampler.result();
    expect(reason).toBeNull();
    expect(funnel?.decisions).toBe(4);
    expect(funnel?.sampled).toBe(false);
    expect(resourceSteps(funnel?.steps ?? [])).toEqual([
      { filter: 'RamFilter', decisions: 4, hosts_in: 12, hosts_out: 8, emptied: 1 },
      { filter: 'CoreFilter', decisions: 3, hosts_in: 8, hosts_out: 7, emptied: 0 },
      { filter: 'DiskFilter', decisions: 3, hosts_in: 7, hosts_out: 5, emptied: 0 },
    ]);
  });

  it('every 2nd (decisions 1 and 3: r1 and r3), the same on a second run', async () => {
    const filter = builtinCatalog().get('filter');
    const funnels = [];
    for (let i = 0; i < 2; i++) {
      const sampler = new FunnelSampler(2);
      expect(await run(sampler.strategy(filter))).toEqual(['h3', 'h3', 'h3', '']);
      funnels.push(sampler.result().funnel);
    }
    expect(funnels[0]).toEqual(funnels[1]);
    expect(funnels[0]?.decisions).toBe(2);
    expect(funnels[0]?.sampled).toBe(true);
    expect(funnels[0]?.every).toBe(2);
    expect(resourceSteps(funnels[0]?.steps ?? [])).toEqual([
      { filter: 'RamFilter', decisions: 2, hosts_in: 6, hosts_out: 6, emptied: 0 },
      { filter: 'CoreFilter', decisions: 2, hosts_in: 6, hosts_out: 6, emptied: 0 },
      { filter: 'DiskFilter', decisions: 2, hosts_in: 6, hosts_out: 4, emptied: 0 },
    ]);
  });

  it('a strategy that cannot explain itself: no funnel, and the reason', async () => {
    const last = defineStrategy({
      name: 'last-host',
      description: 'the last host',
      create: () => ({
        name: 'last-host',
        scheduleRunInstance(ctx, spec) {
          for (let k = 0; k < spec.instanceIds.length; k++) ctx.provision(k, ctx.cluster.hosts.size - 1);
        },
      }),
    }) as AnyStrategy;
    const sampler = new FunnelSampler(1);
    await run(sampler.strategy(last));
    const { funnel, reason } = sampler.result();
    expect(funnel).toBeNull();
    expect(reason).toContain('"last-host" cannot explain its decisions');
  });
});

describe('run --explain-every: records only for the decisions written', () => {
  it('every 2: records for decision 2 and the NoValidHost 4; the funnel still sums all 4', async () => {
    const filter = builtinCatalog().get('filter');
    const records: DecisionRecord[] = [];
    const aggregate = new FunnelAggregate();
    const target = {
      top: 5,
      wants: () => true,
      keeps: (decision: number, nvh: boolean) => nvh || decision % 2 === 0,
      funnel: (steps: readonly FunnelStep[] | null) => aggregate.addFunnel(steps),
      record: (r: DecisionRecord) => {
        records.push(r);
        aggregate.add(r);
      },
    };
    expect(await run(explainingStrategy(filter, target))).toEqual(['h3', 'h3', 'h3', '']);
    expect(records.map((r) => [r.decision, r.instance_id, r.outcome])).toEqual([
      [2, 'r2', 'placed'],
      [4, 'r4', 'no-valid-host'],
    ]);
    expect(aggregate.decisions).toBe(4);
    expect(resourceSteps(aggregate.summary())).toEqual([
      { filter: 'RamFilter', decisions: 4, hosts_in: 12, hosts_out: 8, emptied: 1 },
      { filter: 'CoreFilter', decisions: 3, hosts_in: 8, hosts_out: 7, emptied: 0 },
      { filter: 'DiskFilter', decisions: 3, hosts_in: 7, hosts_out: 5, emptied: 0 },
    ]);
  });
});
