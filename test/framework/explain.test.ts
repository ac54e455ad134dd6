// Each built-in filter's reason for a rejected host, with its numbers worked out by hand from the
// cluster below (usage as Nova counts it: free = total - reservation - instances; limit = total ×
// ratio; left = limit - (total - free)).
import { describe, expect, it } from 'vitest';
import { diagnoseHosts } from '../../src/framework/filter-handler.ts';
import type { FilterRequest } from '../../src/framework/types.ts';
import { cluster } from '../helpers/cluster.ts';
import { type Bench, bench, extraSpecs, group, makeFilter, place, request } from './support.ts';

/** Host name → reason, for every host the named filter rejects (diagnosis mode, one filter). */
function reasons(b: Bench, name: string, req: FilterRequest): Record<string, string> {
  const n = b.cluster.hosts.size;
  const list = Int32Array.from({ length: n }, (_, i) => i);
  const { diagnosis } = diagnoseHosts([makeFilter(b, name)], list, n, req);
  const out: Record<string, string> = {};
  for (const [h, r] of diagnosis.rejected) {
    expect(r.filter).toBe(name);
    out[b.cluster.hosts.names[h]] = r.reason;
  }
  return out;
}

const host = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  vcpus: 4,
  memory_mb: 4096,
  disk_gb: 100,
  ...extra,
});

describe('resource filters explain with the numbers of src/cluster/usage.ts', () => {
  // Ratios cpu 2, ram 1.5, disk 1; reserved 512 MB and 10 GB. h1: 4 vCPUs, 4096 MB, 100 GB, holding
  // a (4 vCPUs, 4096 MB, 60 GB) and b (3 vCPUs).
  //   RAM:  free = 4096 - 512 - 4096 = -512; limit = 4096 × 1.5 = 6144; left = 6144 - (4096 + 512) = 1536.
  //   CPU:  limit = 4 × 2 = 8; used 7; left 1.
  //   Disk: free = (100 - 10) × 1024 - 60 × 1024 = 30720; limit = 102400; left = 102400 - 71680 = 30720.
  // h2 is empty and large, so it passes every request below.
  const loaded = () => {
    const b = bench(
      cluster({
        allocation_ratios: { cpu: 2, ram: 1.5, disk: 1 },
        reserved: { memory_mb: 512, disk_gb: 10 },
        hosts: [host('h1'), host('h2', { vcpus: 64, memory_mb: 65536, disk_gb: 1000 })],
      }),
    );
    place(b, 'h1', 'a', { vcpus: 4, memoryMb: 4096, diskGb: 60 });
    place(b, 'h1', 'b', { vcpus: 3 });
    return b;
  };

  it('RamFilter: what is left under the limit, or more than the host has', () => {
    const b = loaded();
    expect(reasons(b, 'RamFilter', request(b, { flavor: { memoryMb: 2048 } }))).toEqual({
      h1: 'RamFilter: 1,536 MB free under the limit, 2,048 MB asked (limit 6,144 MB = 4,096 MB × 1.5)',
    });
    expect(reasons(b, 'RamFilter', request(b, { flavor: { memoryMb: 8192 } }))).toEqual({
      h1: "RamFilter: 8,192 MB asked, more than the host's 4,096 MB",
    });
  });

  it('CoreFilter: what is left under the limit, or more than the host has', () => {
    const b = loaded();
    expect(reasons(b, 'CoreFilter', request(b, { flavor: { vcpus: 2 } }))).toEqual({
      h1: 'CoreFilter: 1 vCPUs free under the limit, 2 asked (limit 8 = 4 × 2)',
    });
    expect(reasons(b, 'CoreFilter', request(b, { flavor: { vcpus: 5 } }))).toEqual({
      h1: "CoreFilter: 5 vCPUs asked, more than the host's 4",
    });
  });

  it('DiskFilter: MB left under the limit, or more GB than the host has', () => {
    const b = loaded();
    expect(reasons(b, 'DiskFilter', request(b, { flavor: { diskGb: 40 } }))).toEqual({
      h1: 'DiskFilter: 30,720 MB free under the limit, 40,960 MB asked (limit 102,400 MB = 100 GB × 1)',
    });
    expect(reasons(b, 'DiskFilter', request(b, { flavor: { diskGb: 200 } }))).toEqual({
      h1: "DiskFilter: 200 GB asked, more than the host's 100 GB",
    });
  });
});

describe('the other built-in filters explain', () => {
  it('ComputeFilter: disabled, down, or both', () => {
    const b = bench(
      cluster({
        hosts: [
          host('h1', { enabled: false }),
          host('h2', { up: false }),
          host('h3', { enabled: false, up: false }),
          host('h4'),
        ],
      }),
    );
    expect(reasons(b, 'ComputeFilter', request(b))).toEqual({
      h1: 'ComputeFilter: compute service disabled',
      h2: 'ComputeFilter: compute service down',
      h3: 'ComputeFilter: compute service disabled and down',
    });
  });

  it('IoOpsFilter and NumInstancesFilter: the count and the limit', () => {
    const b = bench(cluster({ hosts: [host('h1'), host('h2')] }), {
      max_io_ops_per_host: 1,
      max_instances_per_host: 2,
    });
    place(b, 'h1', 'a');
    expect(reasons(b, 'IoOpsFilter', request(b))).toEqual({
      h1: 'IoOpsFilter: 1 builds in flight, the limit is 1',
    });
    place(b, 'h1', 'b');
    expect(reasons(b, 'NumInstancesFilter', request(b))).toEqual({
      h1: 'NumInstancesFilter: 2 instances on the host, the limit is 2',
    });
  });

  it('RetryFilter: a host already tried', () => {
    const b = bench(cluster({ hosts: [host('h1'), host('h2')] }));
    expect(reasons(b, 'RetryFilter', request(b, { retryHosts: ['h2'] }))).toEqual({
      h2: 'RetryFilter: already tried for this instance (its claim failed there)',
    });
  });

  it("AvailabilityZoneFilter: the host's zones, or the default zone", () => {
    const b = bench(
      cluster({
        hosts: [
          host('h1', { az: 'az1' }),
          host('h2'),
          host('h3', { aggregates: [{ name: 'm', metadata: { availability_zone: 'az3, az1' } }] }),
          host('h4', { az: 'az2' }),
        ],
      }),
    );
    expect(reasons(b, 'AvailabilityZoneFilter', request(b, { az: 'az2' }))).toEqual({
      h1: 'AvailabilityZoneFilter: host in zone az1, az2 asked',
      h2: 'AvailabilityZoneFilter: host in zone nova (in no zone aggregate), az2 asked',
      h3: 'AvailabilityZoneFilter: host in zone az1, az3, az2 asked',
    });
  });

  it('AggregateInstanceExtraSpecsFilter: the first spec the metadata does not match', () => {
    const b = bench(
      cluster({
        hosts: [
          host('h1', { aggregates: [{ name: 'a1', metadata: { ssd: 'true', gpu: 'no' } }] }),
          host('h2', { aggregates: [{ name: 'a2', metadata: { ssd: 'false' } }] }),
          host('h3'),
        ],
      }),
    );
    const req = request(b, {
      extraSpecs: extraSpecs(['aggregate_instance_extra_specs:ssd', 'true'], ['gpu', 'yes']),
    });
    expect(reasons(b, 'AggregateInstanceExtraSpecsFilter', req)).toEqual({
      // h1 matches ssd, then fails gpu.
      h1: "AggregateInstanceExtraSpecsFilter: gpu=yes asked, the host's aggregate metadata gpu has no",
      h2: "AggregateInstanceExtraSpecsFilter: aggregate_instance_extra_specs:ssd=true asked, the host's aggregate metadata ssd has false",
      h3: "AggregateInstanceExtraSpecsFilter: aggregate_instance_extra_specs:ssd=true asked, the host's aggregate metadata ssd has no value",
    });
  });

  it("ComputeCapabilitiesFilter: the first spec and the host's value", () => {
    const b = bench(
      cluster({
        hosts: [
          host('h1', { traits: { cpu_arch: 'x86_64' } }),
          host('h2'),
          host('h3', { traits: { cpu_arch: 'aarch64' } }),
        ],
      }),
    );
    const req = request(b, { extraSpecs: extraSpecs(['capabilities:cpu_arch', 's== aarch64']) });
    expect(reasons(b, 'ComputeCapabilitiesFilter', req)).toEqual({
      h1: 'ComputeCapabilitiesFilter: capabilities:cpu_arch=s== aarch64 asked, the host has x86_64',
      h2: 'ComputeCapabilitiesFilter: capabilities:cpu_arch=s== aarch64 asked, the host has none',
    });
  });

  it('server-group filters: the group and its members on the host', () => {
    const b = bench(cluster({ hosts: [host('h1'), host('h2')] }));
    const aff = group(b, 'web', 'affinity');
    place(b, 'h1', 'a', {}, aff);
    expect(reasons(b, 'ServerGroupAffinityFilter', request(b, { group: aff }))).toEqual({
      h2: 'ServerGroupAffinityFilter: no member of affinity group web on the host',
    });
    const anti = group(b, 'db', 'anti-affinity');
    place(b, 'h2', 'b', {}, anti);
    expect(reasons(b, 'ServerGroupAntiAffinityFilter', request(b, { group: anti }))).toEqual({
      h2: 'ServerGroupAntiAffinityFilter: 1 member(s) of anti-affinity group db already on the host',
    });
  });

  it('SameHostFilter and DifferentHostFilter: the hinted instances', () => {
    const b = bench(cluster({ hosts: [host('h1'), host('h2')] }));
    place(b, 'h1', 'a');
    expect(reasons(b, 'SameHostFilter', request(b, { sameHost: ['a'] }))).toEqual({
      h2: 'SameHostFilter: holds none of the instances named by same_host',
    });
    expect(reasons(b, 'DifferentHostFilter', request(b, { differentHost: ['a'] }))).toEqual({
      h1: 'DifferentHostFilter: holds an instance named by different_host',
    });
  });
});
