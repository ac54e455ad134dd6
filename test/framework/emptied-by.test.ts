// Which filter emptied the host list: recorded as data by the filter handler and the pipeline, never
// in a NoValidHost reason (that stays Nova's constant message).
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/common/rng.ts';
import { type FilterOutcome, filterHosts } from '../../src/framework/filter-handler.ts';
import { FilterPipeline, type HostSelection } from '../../src/framework/pipeline.ts';
import { NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import { SchedulerManager } from '../../src/scheduler/manager.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import { cluster } from '../helpers/cluster.ts';
import { type Bench, bench, makeFilter, request, requestSpec } from './support.ts';

const hosts = (): Bench =>
  bench(
    cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'h1', vcpus: 8, memory_mb: 4096, disk_gb: 100, az: 'z1' },
        { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 100 },
      ],
    }),
  );

function run(b: Bench, names: string[], req: ReturnType<typeof request>): FilterOutcome {
  const filters = names.map((n) => makeFilter(b, n));
  const n = b.cluster.hosts.size;
  const list = Int32Array.from({ length: n }, (_, i) => i);
  const outcome: FilterOutcome = { lastEmptiedBy: undefined };
  filterHosts(filters, list, n, req, outcome);
  return outcome;
}

describe('filterHosts records the filter that emptied the list', () => {
  it('names the filter after which no host was left', () => {
    // AZ z1 leaves h1; RamFilter drops it (4096 < 5000).
    const b = hosts();
    const req = request(b, { az: 'z1', flavor: { memoryMb: 5000 } });
    expect(run(b, ['AvailabilityZoneFilter', 'RamFilter'], req).lastEmptiedBy).toBe('RamFilter');
    // RamFilter first leaves h2, which the AZ filter then drops.
    expect(run(b, ['RamFilter', 'AvailabilityZoneFilter'], req).lastEmptiedBy).toBe('AvailabilityZoneFilter');
  });

  it('writes nothing when hosts are left', () => {
    const b = hosts();
    const req = request(b, { flavor: { memoryMb: 5000 } });
    expect(run(b, ['RamFilter'], req).lastEmptiedBy).toBeUndefined();
  });
});

describe('FilterPipeline.lastEmptiedBy', () => {
  const first: HostSelection = { select: (list) => list[0] };

  function pipelineRun(b: Bench, memoryMb: number, count = 1) {
    const filters = ['AvailabilityZoneFilter', 'RamFilter'].map((n) => makeFilter(b, n));
    const pipeline = new FilterPipeline('test', b.cluster, filters, first);
    const reasons: (string | undefined)[] = [];
    const manager = new SchedulerManager({
      driver: pipeline,
      cluster: b.cluster,
      rng: new SeededRng(0),
      records: new SchedulerRecords(false),
      maxAttempts: 3,
      observers: [{ instanceScheduled: ({ reason }) => reasons.push(reason) }],
    });
    const run = (mb: number, n: number) =>
      manager.runInstance({ time: 0 }, requestSpec(`r${mb}`, { memoryMb: mb }, { count: n }), undefined);
    return { pipeline, reasons, run, first: () => run(memoryMb, count) };
  }

  it('names the filter for a NoValidHost, whose reason stays the constant one', () => {
    const b = hosts();
    const p = pipelineRun(b, 9000, 2);
    p.first();
    expect(p.pipeline.lastEmptiedBy).toBe('RamFilter');
    expect(p.reasons.length).toBeGreaterThan(0);
    for (const r of p.reasons) expect(r).toBe(NO_VALID_HOST);
    // The next request that places resets it.
    p.run(1000, 1);
    expect(p.pipeline.lastEmptiedBy).toBeUndefined();
  });
});
