// The filter handler (nova/filters.py BaseFilterHandler.get_filtered_objects):
//   for each filter: skipped when run_filter_for_index(index) is False (run_filter_once_per_request
//   and index > 0); list_objs = the hosts that pass; stop at the first filter leaving none.
import { describe, expect, it } from 'vitest';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { bench, extraSpecs, makeFilter, passing, request } from './support.ts';

describe('run_filter_once_per_request, as each Nova class sets it', () => {
  // BaseHostFilter's default is False; the classes below that set it to True say so in their source
  // ("... does not change within a request").
  it.each([
    ['RetryFilter', false],
    ['AvailabilityZoneFilter', true],
    ['ComputeFilter', true],
    ['RamFilter', false],
    ['CoreFilter', false],
    ['DiskFilter', false],
    ['AggregateInstanceExtraSpecsFilter', true],
    ['ComputeCapabilitiesFilter', true],
    ['ServerGroupAffinityFilter', false],
    ['ServerGroupAntiAffinityFilter', false],
    ['SameHostFilter', true],
    ['DifferentHostFilter', true],
    ['NumInstancesFilter', false],
    ['IoOpsFilter', false],
  ])('%s: %s', (name, once) => {
    expect(makeFilter(bench(simpleCluster([{}])), name).runOncePerRequest).toBe(once);
  });
});

describe('filterHosts', () => {
  const hosts = () =>
    bench(
      cluster({
        allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
        reserved: { memory_mb: 0, disk_gb: 0 },
        hosts: [
          { name: 'h1', vcpus: 8, memory_mb: 4096, disk_gb: 100, az: 'z1' },
          {
            name: 'h2',
            vcpus: 8,
            memory_mb: 8192,
            disk_gb: 100,
            aggregates: [{ name: 'odd', metadata: { gpus: 'many' } }],
          },
        ],
      }),
    );

  it('skips once-per-request filters for instance index > 0', () => {
    const b = hosts();
    // Index 0: only h1 is in z1. Index 1: the AZ filter does not run, every host passes it.
    expect(passing(b, 'AvailabilityZoneFilter', request(b, { az: 'z1' }))).toEqual(['h1']);
    expect(passing(b, 'AvailabilityZoneFilter', request(b, { az: 'z1', index: 1 }))).toEqual(['h1', 'h2']);
    // A per-instance filter runs at every index: 5000 MB fits only h2 (8192).
    expect(passing(b, 'RamFilter', request(b, { flavor: { memoryMb: 5000 }, index: 1 }))).toEqual(['h2']);
  });

  it('applies the filters in order, each to the survivors of the previous one', () => {
    // AZ z1 leaves h1; RamFilter then drops h1 (4096 < 5000): nothing left.
    const b = hosts();
    const req = request(b, { az: 'z1', flavor: { memoryMb: 5000 } });
    expect(passing(b, ['AvailabilityZoneFilter', 'RamFilter'], req)).toEqual([]);
  });

  it('stops at the first filter that leaves no host: later filters are not run (and cannot raise)', () => {
    // 9000 MB fits nowhere, so the extra-specs filter never evaluates h2's 'many'.
    const b = hosts();
    const req = request(b, { flavor: { memoryMb: 9000 }, extraSpecs: extraSpecs(['gpus', '>= 2']) });
    expect(passing(b, ['RamFilter', 'AggregateInstanceExtraSpecsFilter'], req)).toEqual([]);
    // In the other order the filter meets h2 and raises.
    expect(() => passing(b, ['AggregateInstanceExtraSpecsFilter', 'RamFilter'], req)).toThrow(
      "could not convert string to float: 'many'",
    );
  });
});
