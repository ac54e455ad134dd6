// Which filter emptied the host list: recorded as data by the filter handler and the pipeline, never
// in a NoValidHost reason (that stays Nova's constant message).
import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { type FilterOutcome, filterHosts } from '../../src/framework/filter-handler.ts';
import { FilterPipeline, type HostSelection } from '../../src/framework/pipeline.ts';
import { NO_VALID_HOST, PLACEMENT } from '../../src/scheduler/errors.ts';
import { SchedulerManager } from '../../src/scheduler/manager.ts';
import type { InstanceOutcome } from '../../src/scheduler/outcome.ts';
import { SchedulerRecords } from '../../src/scheduler/records.ts';
import type { RequestSpec } from '../../src/scheduler/request-spec.ts';
import type { Strategy } from '../../src/scheduler/strategy.ts';
import { BUILTIN_STRATEGIES } from '../../strategies/index.ts';
import { cluster } from '../helpers/cluster.ts';
import { type Bench, bench, makeFilter, request, requestSpec } from './support.ts';

/** A Bench, keeping Placement (zed mode) when asked. */
function zedAware(placement: boolean, spec: ClusterSpec): Bench {
  const b = bench(spec);
  return placement ? { ...b, cluster: new ClusterState(spec, {}, { placement: true }) } : b;
}

const hosts = (placement = false): Bench =>
  zedAware(
    placement,
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

describe('InstanceOutcome.emptiedBy', () => {
  type Seen = Pick<InstanceOutcome, 'host' | 'reason' | 'emptiedBy'>;
  function outcomes(b: Bench, strategy: Strategy<unknown>, options: object, specs: RequestSpec[]): Seen[] {
    const seen: Seen[] = [];
    const zed = b.cluster.hasPlacement;
    const manager = new SchedulerManager({
      driver: strategy.create(b.cluster, strategy.optionsSchema.parse(options)),
      cluster: b.cluster,
      rng: new SeededRng(1),
      records: new SchedulerRecords(false),
      maxAttempts: 3,
      ...(zed && { placement: { maxResults: 1000 }, multiCreate: 'all-or-nothing' as const }),
      observers: [
        { instanceScheduled: ({ host, reason, emptiedBy }) => seen.push({ host, reason, emptiedBy }) },
      ],
    });
    for (const spec of specs) manager.runInstance({ time: 0 }, spec, undefined);
    return seen;
  }

  // Every built-in strategy, with its default filters: 9000 MB fits no host (4096, 8192; RamFilter is
  // the first filter that rejects anything), 1000 MB fits. The reason stays Nova's constant one.
  // chance checks no resources: each claim fails, the reschedule excludes the host, and the third
  // pass (max_attempts 3) finds both hosts tried: RetryFilter emptied the list. nova-zed (zed mode):
  // 9000 MB is above both hosts' MEMORY_MB max_unit, so Placement has no candidate.
  for (const strategy of BUILTIN_STRATEGIES) {
    const zed = strategy.placement === 'zed';
    const filter = strategy.name === 'chance' ? 'RetryFilter' : zed ? PLACEMENT : 'RamFilter';
    it(`${strategy.name}: names ${filter} for a NoValidHost, nothing for a placement`, () => {
      const b = hosts(zed);
      const seen = outcomes(b, strategy as Strategy<unknown>, {}, [
        requestSpec('big', { memoryMb: 9000 }, { count: 2 }),
        requestSpec('small', { memoryMb: 1000 }),
      ]);
      expect(seen).toEqual([
        { host: -1, reason: NO_VALID_HOST, emptiedBy: filter },
        { host: -1, reason: NO_VALID_HOST, emptiedBy: filter },
        { host: expect.any(Number), reason: undefined, emptiedBy: undefined },
      ]);
      expect(seen[2].host).toBeGreaterThanOrEqual(0);
    });
  }

  it("power-of-two names the last filter in order that was some host's first rejection", () => {
    // AZ z1: h1 only. h1 (4096 MB) then fails RamFilter at 5000 MB; h2 fails the AZ filter first.
    // The scan would keep h1 after the AZ filter and lose it at RamFilter: RamFilter emptied it.
    const b = hosts();
    const p2 = BUILTIN_STRATEGIES.find((s) => s.name === 'power-of-two') as Strategy<unknown>;
    const filters = ['AvailabilityZoneFilter', 'RamFilter', 'CoreFilter', 'DiskFilter'];
    const az = { availabilityZone: 'z1' };
    expect(outcomes(b, p2, { filters }, [requestSpec('r', { memoryMb: 5000 }, az)])[0].emptiedBy).toBe(
      'RamFilter',
    );
    // 200 GB of disk fits neither host: h2 still fails the AZ filter first, h1 fails DiskFilter.
    expect(outcomes(b, p2, { filters }, [requestSpec('r', { diskGb: 200 }, az)])[0].emptiedBy).toBe(
      'DiskFilter',
    );
    // Every host fails the AZ filter (z9): the AZ filter emptied it.
    expect(
      outcomes(b, p2, { filters }, [requestSpec('r', {}, { availabilityZone: 'z9' })])[0].emptiedBy,
    ).toBe('AvailabilityZoneFilter');
  });
});

describe('FilterPipeline.onDiagnosis', () => {
  it('hands each instance its diagnosis and decides as without it', () => {
    const b = hosts();
    const filters = ['AvailabilityZoneFilter', 'RamFilter'].map((n) => makeFilter(b, n));
    const pipeline = new FilterPipeline('test', b.cluster, filters, { select: (list) => list[0] });
    const got: string[] = [];
    pipeline.onDiagnosis = (d, spec, k) =>
      got.push(
        `${spec.instanceIds[k]}: ${d.steps.map((s) => `${s.filter} ${s.hostsIn}->${s.hostsOut}${s.skipped ? ` (${s.skipped})` : ''}`).join(', ')}`,
      );
    const placed: number[] = [];
    const manager = new SchedulerManager({
      driver: pipeline,
      cluster: b.cluster,
      rng: new SeededRng(0),
      records: new SchedulerRecords(false),
      maxAttempts: 3,
      observers: [{ instanceScheduled: ({ host }) => placed.push(host) }],
    });
    // 3000 MB twice: h1 (4096) then, 1096 left on h1 (ratio 1), h2. No AZ asked: the AZ filter
    // skips at its pre-filter, and runs once per request anyway.
    manager.runInstance({ time: 0 }, requestSpec('r', { memoryMb: 3000 }, { count: 2 }), undefined);
    expect(placed).toEqual([0, 1]);
    expect(got).toEqual([
      'r-0: AvailabilityZoneFilter 2->2 (pre-filter), RamFilter 2->2',
      'r-1: AvailabilityZoneFilter 2->2 (once-per-request), RamFilter 2->1',
    ]);
  });
});
