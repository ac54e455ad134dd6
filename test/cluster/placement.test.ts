// Placement as the Zed candidate step sees it: inventories, the capacity formula, max_unit,
// zero amounts, traits, member_of, the limit, and allocations changed by claims and releases only.
// Every expected figure is worked out by hand in the comment beside it.
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { DISK_GB, MEMORY_MB, VCPU } from '../../src/cluster/placement.ts';
import type { Flavor } from '../../src/model/flavor.ts';
import { PlacementRequestFilter } from '../../src/scheduler/request-filter.ts';
import { plainRequestSpec, type RequestSpec } from '../../src/scheduler/request-spec.ts';
import { cluster, hostSpec } from '../helpers/cluster.ts';

const f = (vcpus: number, memoryMb: number, diskGb = 0): Flavor => ({
  vcpus,
  memoryMb,
  diskGb,
  gpus: 0,
  gpuMilli: 0,
});

function zed(obj: Record<string, unknown>, ratioOverrides = {}): ClusterState {
  return new ClusterState(cluster(obj), ratioOverrides, { placement: true });
}

/** Claim `flavor` on host `h` repeatedly: how many claims succeed before the first refusal. */
function claimsUntilRefused(c: ClusterState, h: number, flavor: Flavor): number {
  let n = 0;
  while (c.claim(h, `i${n}`, flavor, undefined) >= 0) n++;
  return n;
}

/** The candidates of `spec` as host names, with `maxResults` as Nova's max_placement_results. */
function candidates(c: ClusterState, spec: RequestSpec, maxResults = 1000): string[] {
  const out = new Int32Array(c.hosts.size);
  const n = c.placementCandidates(new PlacementRequestFilter(c, maxResults).queryFor(spec), out);
  return Array.from(out.subarray(0, n), (h) => c.hosts.names[h]);
}

const host = hostSpec;

describe('Placement inventories: capacity = int((total - reserved) * allocation_ratio)', () => {
  it('VCPU: 10 vCPUs, 2 reserved, ratio 1.5 → int(8 * 1.5) = 12: three 4-vCPU claims, not a fourth', () => {
    const c = zed({
      reserved: { memory_mb: 0, vcpus: 2 },
      allocation_ratios: { cpu: 1.5 },
      hosts: [host('a', { vcpus: 10 })],
    });
    expect(c.placementInventory(0, VCPU)).toEqual({
      total: 10,
      reserved: 2,
      ratio: 1.5,
      capacity: 12,
      used: 0,
    });
    expect(claimsUntilRefused(c, 0, f(4, 1))).toBe(3);
    expect(c.placementInventory(0, VCPU)!.used).toBe(12);
  });

  it('the product is truncated: 7 vCPUs x 1.3 = 9.1 → 9, so nine 1-vCPU claims', () => {
    const c = zed({
      reserved: { memory_mb: 0 },
      allocation_ratios: { cpu: 1.3 },
      hosts: [host('a', { vcpus: 7 })],
    });
    expect(c.placementInventory(0, VCPU)!.capacity).toBe(9);
    expect(claimsUntilRefused(c, 0, f(1, 1))).toBe(9);
  });

  it('MEMORY_MB: 4096 MB, 512 reserved, ratio 1.5 → int(3584 * 1.5) = 5376; classic would allow 4096 * 1.5 - 512 = 5632', () => {
    const c = zed({
      reserved: { memory_mb: 512 },
      allocation_ratios: { ram: 1.5 },
      hosts: [host('a', { memory_mb: 4096, vcpus: 64 })],
    });
    expect(c.placementInventory(0, MEMORY_MB)!.capacity).toBe(5376);
    // 2688 MB twice is exactly 5376; a third 1 MB claim no longer fits.
    expect(claimsUntilRefused(c, 0, f(1, 2688))).toBe(2);
    expect(c.claim(0, 'x', f(1, 1), undefined)).toBe(-1);
    // The classic compute claim on the same host would still take 256 MB more (5632 - 5376).
    const classic = new ClusterState(
      cluster({
        reserved: { memory_mb: 512 },
        allocation_ratios: { ram: 1.5 },
        hosts: [host('a', { memory_mb: 4096, vcpus: 64 })],
      }),
    );
    expect(claimsUntilRefused(classic, 0, f(1, 2688))).toBe(2);
    expect(classic.claim(0, 'x', f(1, 256), undefined)).toBeGreaterThanOrEqual(0);
  });

  it('DISK_GB: reserved disk_gb is the inventory reserved, ratio 2 → int((100 - 10) * 2) = 180', () => {
    const c = zed({
      reserved: { memory_mb: 0, disk_gb: 10 },
      allocation_ratios: { disk: 2 },
      hosts: [host('a', { vcpus: 64 })],
    });
    expect(c.placementInventory(0, DISK_GB)).toEqual({
      total: 100,
      reserved: 10,
      ratio: 2,
      capacity: 180,
      used: 0,
    });
    // 60 GB fits three times (180), not four; but 100 is the max_unit: 101 never fits.
    expect(claimsUntilRefused(c, 0, f(1, 1, 60))).toBe(3);
  });

  it('max_unit is the total: 8 vCPUs x ratio 16 = 128 in capacity, yet 9 vCPUs never fit and 8 do', () => {
    const c = zed({ reserved: { memory_mb: 0 }, allocation_ratios: { cpu: 16 }, hosts: [host('a')] });
    expect(c.placementFits(0, f(9, 1))).toBe(false);
    expect(c.placementFits(0, f(8, 1))).toBe(true);
    expect(claimsUntilRefused(c, 0, f(8, 1))).toBe(16);
  });

  it("a release gives the allocation back (and nothing else changes Placement's usage)", () => {
    const c = zed({ reserved: { memory_mb: 0 }, allocation_ratios: { cpu: 1 }, hosts: [host('a')] });
    const slot = c.claim(0, 'x', f(6, 1000, 10), undefined);
    expect([VCPU, MEMORY_MB, DISK_GB].map((k) => c.placementInventory(0, k)!.used)).toEqual([6, 1000, 10]);
    expect(c.placementFits(0, f(3, 1))).toBe(false); // 6 + 3 > 8
    c.release(slot);
    expect([VCPU, MEMORY_MB, DISK_GB].map((k) => c.placementInventory(0, k)!.used)).toEqual([0, 0, 0]);
    expect(c.placementFits(0, f(3, 1))).toBe(true);
  });

  it('per-host ratios and reservations win over the cluster-wide ones, and over the run config ratios', () => {
    const c = zed(
      {
        allocation_ratios: { cpu: 4 },
        reserved: { memory_mb: 512, vcpus: 1 },
        hosts: [
          host('own', { allocation_ratios: { cpu: 2 }, reserved: { vcpus: 0, memory_mb: 1024 } }),
          host('cluster'),
        ],
      },
      { cpu: 3 },
    );
    // own: int((8 - 0) * 2) = 16; cluster: the config's 3 over the file's 4, int((8 - 1) * 3) = 21.
    expect(c.placementInventory(0, VCPU)!.capacity).toBe(16);
    expect(c.placementInventory(1, VCPU)!.capacity).toBe(21);
    expect(c.placementInventory(0, MEMORY_MB)!.reserved).toBe(1024);
    expect(c.placementInventory(1, MEMORY_MB)!.reserved).toBe(512);
    // HostState reads the same compute node values.
    expect([c.hosts.cpuAllocationRatio[0], c.hosts.cpuAllocationRatio[1]]).toEqual([2, 3]);
    expect([c.hosts.freeRamMb[0], c.hosts.freeRamMb[1]]).toEqual([8192 - 1024, 8192 - 512]);
  });
});

describe('GET /allocation_candidates', () => {
  const spec = (flavor: Flavor, extra: Partial<RequestSpec> = {}): RequestSpec => ({
    ...plainRequestSpec(flavor),
    ...extra,
  });

  it('zero amounts are dropped: a host without DISK_GB inventory takes only disk-less requests', () => {
    const c = zed({ reserved: { memory_mb: 0 }, hosts: [host('diskless', { disk_gb: 0 }), host('disk')] });
    expect(candidates(c, spec(f(1, 512, 10)))).toEqual(['disk']);
    expect(candidates(c, spec(f(1, 512, 0)))).toEqual(['diskless', 'disk']);
    // A host with no vCPUs has no VCPU inventory: only a request of 0 vCPUs lands there.
    const d = zed({ reserved: { memory_mb: 0 }, hosts: [host('cpuless', { vcpus: 0 }), host('cpu')] });
    expect(candidates(d, spec(f(0, 512)))).toEqual(['cpuless', 'cpu']);
    expect(candidates(d, spec(f(1, 512)))).toEqual(['cpu']);
  });

  it('a request for no resource at all is refused by Placement (400): no candidate', () => {
    const c = zed({ reserved: { memory_mb: 0 }, hosts: [host('a')] });
    expect(candidates(c, spec(f(0, 0, 0)))).toEqual([]);
  });

  it('capacity, not HostState: a host whose allocations are full is no candidate', () => {
    const c = zed({
      reserved: { memory_mb: 0 },
      allocation_ratios: { cpu: 1 },
      hosts: [host('a'), host('b')],
    });
    c.claim(0, 'x', f(8, 1), undefined);
    expect(candidates(c, spec(f(1, 1)))).toEqual(['b']);
  });

  it('traits: required, forbidden, and COMPUTE_STATUS_DISABLED on a disabled host, forbidden for all', () => {
    const c = zed({
      reserved: { memory_mb: 0 },
      hosts: [
        host('gold', { provider_traits: ['CUSTOM_GOLD', 'HW_CPU_X86_AVX2'] }),
        host('avx', { provider_traits: ['HW_CPU_X86_AVX2'] }),
        host('plain'),
        host('off', { enabled: false, provider_traits: ['CUSTOM_GOLD'] }),
        host('down', { up: false }),
      ],
    });
    const specs = (text: string) =>
      spec(f(1, 1), {
        extraSpecs: { key: text, entries: text.split(';').map((p) => p.split('=') as [string, string]) },
      });
    // A down host stays a candidate (the ComputeFilter drops it); a disabled one does not.
    expect(candidates(c, spec(f(1, 1)))).toEqual(['gold', 'avx', 'plain', 'down']);
    expect(candidates(c, specs('trait:CUSTOM_GOLD=required'))).toEqual(['gold']);
    expect(candidates(c, specs('trait:HW_CPU_X86_AVX2=required;trait:CUSTOM_GOLD=forbidden'))).toEqual([
      'avx',
    ]);
    // A standard trait no provider has: required matches nothing, forbidden excludes nothing.
    expect(candidates(c, specs('trait:HW_CPU_X86_SSE=required'))).toEqual([]);
    expect(candidates(c, specs('trait:HW_CPU_X86_SSE=forbidden'))).toEqual(['gold', 'avx', 'plain', 'down']);
    // A trait Placement does not know at all (not standard, on no provider) is a 400, even forbidden.
    expect(candidates(c, specs('trait:CUSTOM_NOWHERE=forbidden'))).toEqual([]);
    // Other extra specs do not reach Placement.
    expect(candidates(c, specs('capabilities:cpu_arch=x86_64'))).toEqual(['gold', 'avx', 'plain', 'down']);
  });

  it('member_of from the AZ: hosts of aggregates with that availability_zone; an unknown zone restricts nothing', () => {
    const c = zed({
      reserved: { memory_mb: 0 },
      hosts: [
        host('a1', { az: 'az1' }),
        host('b1', { az: 'az2' }),
        host('x', { aggregates: [{ name: 'extra', metadata: { availability_zone: 'az1' } }] }),
        host('none'),
      ],
    });
    expect(candidates(c, spec(f(1, 1), { availabilityZone: 'az1' }))).toEqual(['a1', 'x']);
    expect(candidates(c, spec(f(1, 1), { availabilityZone: 'az2' }))).toEqual(['b1']);
    // map_az_to_placement_aggregate adds no member_of when no aggregate has the zone (Nova's
    // default zone "nova" included): every host, whatever its zone.
    expect(candidates(c, spec(f(1, 1), { availabilityZone: 'nova' }))).toEqual(['a1', 'b1', 'x', 'none']);
  });

  it('the limit: the first max_placement_results in cluster order, skipping hosts that do not fit; lifted for a group or a hint', () => {
    const hosts = Array.from({ length: 1500 }, (_, i) =>
      host(`h${i}`, i % 2 === 0 ? {} : { memory_mb: 100 }),
    );
    const c = zed({ reserved: { memory_mb: 0 }, hosts });
    const big = f(1, 4096);
    const got = candidates(c, spec(big));
    // Only even hosts fit 4096 MB: the first 1000 of them are h0, h2, ... h1998 — but there are
    // only 750 even hosts, so all 750 come back.
    expect(got.length).toBe(750);
    const small = candidates(c, spec(f(1, 50)));
    expect(small.length).toBe(1000);
    expect(small[999]).toBe('h999');
    expect(candidates(c, spec(f(1, 50)), 10)).toEqual(Array.from({ length: 10 }, (_, i) => `h${i}`));
    // resources_from_request_spec lifts the limit with a group or a same_host / different_host hint.
    const group = { id: 0, name: 'g', policy: 'soft-affinity' } as unknown as RequestSpec['group'];
    expect(candidates(c, spec(f(1, 50), { group })).length).toBe(1500);
    expect(candidates(c, spec(f(1, 50), { differentHost: ['x'] })).length).toBe(1500);
  });
});
