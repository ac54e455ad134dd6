// Diagnosis mode on a small cluster, worked out by hand: the funnel, each rejected host's first
// filter and reason, the filters that rejected, the one that emptied the list; and the same
// result as the plain filter handler.
import { describe, expect, it } from 'vitest';
import { genericReason } from '../../src/framework/diagnosis.ts';
import { diagnoseHosts, type FilterOutcome, filterHosts } from '../../src/framework/filter-handler.ts';
import type { FilterRequest, HostFilter } from '../../src/framework/types.ts';
import { PluginError } from '../../src/scheduler/errors.ts';
import { filterDefinition } from '../../strategies/plugin/adapt.ts';
import { defineFilter } from '../../strategies/plugin/define.ts';
import { cluster } from '../helpers/cluster.ts';
import { type Bench, bench, makeFilter, request } from './support.ts';

// Ratios 1, no reservation. Request: az1, 4 vCPUs, 4096 MB.
//   h1 az1 8 vCPUs 8192 MB: passes everything.   h2 az2: AZ.   h3 az1 disabled: ComputeFilter.
//   h4 az1 2048 MB: RamFilter (4096 > total 2048).   h5 az1 2 vCPUs: CoreFilter (4 > total 2).
const hosts = (): Bench =>
  bench(
    cluster({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az1' },
        { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az2' },
        { name: 'h3', vcpus: 8, memory_mb: 8192, disk_gb: 100, az: 'az1', enabled: false },
        { name: 'h4', vcpus: 8, memory_mb: 2048, disk_gb: 100, az: 'az1' },
        { name: 'h5', vcpus: 2, memory_mb: 8192, disk_gb: 100, az: 'az1' },
      ],
    }),
  );
const NAMES = ['RetryFilter', 'AvailabilityZoneFilter', 'ComputeFilter', 'RamFilter', 'CoreFilter'];

function diagnose(b: Bench, filters: HostFilter[], req: FilterRequest) {
  const n = b.cluster.hosts.size;
  const list = Int32Array.from({ length: n }, (_, i) => i);
  const outcome: FilterOutcome = { lastEmptiedBy: undefined };
  const { len, diagnosis } = diagnoseHosts(filters, list, n, req, outcome);
  // The plain handler on the same input keeps the same hosts and names the same filter.
  const plain = Int32Array.from({ length: n }, (_, i) => i);
  const plainOutcome: FilterOutcome = { lastEmptiedBy: undefined };
  const plainLen = filterHosts(filters, plain, n, req, plainOutcome);
  expect([...list.subarray(0, len)]).toEqual([...plain.subarray(0, plainLen)]);
  expect(outcome.lastEmptiedBy).toBe(plainOutcome.lastEmptiedBy);
  const names = b.cluster.hosts.names;
  return {
    kept: [...list.subarray(0, len)].map((h) => names[h]),
    steps: diagnosis.steps.map((s) => [s.filter, s.hostsIn, s.hostsOut, s.skipped ?? '']),
    rejected: Object.fromEntries(
      [...diagnosis.rejected].map(([h, r]) => [names[h], `${r.filter} | ${r.reason}`]),
    ),
    rejecting: [...diagnosis.rejectingFilters],
    emptiedBy: diagnosis.emptiedBy,
  };
}

describe('diagnoseHosts', () => {
  it('gives the funnel and every rejected host its first filter and reason', () => {
    const b = hosts();
    const req = request(b, { az: 'az1', flavor: { vcpus: 4, memoryMb: 4096 } });
    expect(
      diagnose(
        b,
        NAMES.map((n) => makeFilter(b, n)),
        req,
      ),
    ).toEqual({
      kept: ['h1'],
      steps: [
        ['RetryFilter', 5, 5, 'pre-filter'], // no retry list: skipped
        ['AvailabilityZoneFilter', 5, 4, ''],
        ['ComputeFilter', 4, 3, ''],
        ['RamFilter', 3, 2, ''],
        ['CoreFilter', 2, 1, ''],
      ],
      rejected: {
        h2: 'AvailabilityZoneFilter | AvailabilityZoneFilter: host in zone az2, az1 asked',
        h3: 'ComputeFilter | ComputeFilter: compute service disabled',
        h4: "RamFilter | RamFilter: 4,096 MB asked, more than the host's 2,048 MB",
        h5: "CoreFilter | CoreFilter: 4 vCPUs asked, more than the host's 2",
      },
      rejecting: ['AvailabilityZoneFilter', 'ComputeFilter', 'RamFilter', 'CoreFilter'],
      emptiedBy: undefined,
    });
  });

  it('stops at the filter that empties the list, which it names', () => {
    // 16384 MB: more than h1 and h5 have (8192); h4 went at RamFilter too. CoreFilter never runs.
    const b = hosts();
    const req = request(b, { az: 'az1', flavor: { vcpus: 4, memoryMb: 16384 } });
    const d = diagnose(
      b,
      NAMES.map((n) => makeFilter(b, n)),
      req,
    );
    expect(d.kept).toEqual([]);
    expect(d.steps.slice(3)).toEqual([['RamFilter', 3, 0, '']]);
    expect(d.rejected.h1).toBe("RamFilter | RamFilter: 16,384 MB asked, more than the host's 8,192 MB");
    expect(d.rejected.h5).toBe("RamFilter | RamFilter: 16,384 MB asked, more than the host's 8,192 MB");
    expect(d.emptiedBy).toBe('RamFilter');
  });

  it('skips once-per-request filters after the first instance, as the handler does', () => {
    const b = hosts();
    const req = request(b, { az: 'az1', flavor: { vcpus: 4, memoryMb: 4096 }, index: 1 });
    const d = diagnose(
      b,
      NAMES.map((n) => makeFilter(b, n)),
      req,
    );
    // AZ and Compute run once per request: h2 and h3 are now left to RamFilter and CoreFilter, and pass.
    expect(d.steps.slice(1, 3)).toEqual([
      ['AvailabilityZoneFilter', 5, 5, 'once-per-request'],
      ['ComputeFilter', 5, 5, 'once-per-request'],
    ]);
    expect(d.kept).toEqual(['h1', 'h2', 'h3']);
  });

  it('gives a plugin filter without explain a generic reason naming it', () => {
    const b = hosts();
    const oddOnly: HostFilter = {
      name: 'OddHostFilter',
      runOncePerRequest: false,
      preFilter: () => true,
      hostPasses: (h) => h % 2 === 1,
    };
    const d = diagnose(b, [oddOnly], request(b));
    expect(d.kept).toEqual(['h2', 'h4']);
    expect(d.rejected).toEqual({
      h1: 'OddHostFilter | OddHostFilter: rejected (the filter gives no reason)',
      h3: 'OddHostFilter | OddHostFilter: rejected (the filter gives no reason)',
      h5: 'OddHostFilter | OddHostFilter: rejected (the filter gives no reason)',
    });
    expect(genericReason('OddHostFilter')).toBe('OddHostFilter: rejected (the filter gives no reason)');
  });

  it('gives a defineFilter plugin its own explain, guarded like its predicate', () => {
    const b = hosts();
    const plugin = (explain: (h: number) => unknown) =>
      filterDefinition(
        defineFilter({
          name: 'OddHostFilter',
          create: () => (h) => h % 2 === 1,
          explain: explain as (h: number) => string,
        }),
        'odd.ts',
      ).create({ cluster: b.cluster, options: {} });
    const d = diagnose(b, [plugin((h) => `OddHostFilter: host number ${h} is even`)], request(b));
    expect(d.rejected).toEqual({
      h1: 'OddHostFilter | OddHostFilter: host number 0 is even',
      h3: 'OddHostFilter | OddHostFilter: host number 2 is even',
      h5: 'OddHostFilter | OddHostFilter: host number 4 is even',
    });
    const throwing = plugin(() => {
      throw new Error('boom');
    });
    expect(() => diagnose(b, [throwing], request(b))).toThrow(PluginError);
    expect(() => diagnose(b, [throwing], request(b))).toThrow(
      /odd\.ts: explaining a rejection .*: filter "OddHostFilter": boom/,
    );
    expect(() => diagnose(b, [plugin(() => 7)], request(b))).toThrow(
      /explain\(\) returned number, expected a string/,
    );
  });
});
