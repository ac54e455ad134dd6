// IndexedSearch's queries over partitions that read fit trees, their own or those kept over every
// host (skipping the hosts outside the partition), against the filters' own predicates host by host.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { FIT_TREE_LIMITS } from '../../src/cluster/fit-trees.ts';
import { IndexField } from '../../src/cluster/host-index.ts';
import { cpuFits, diskFits, ramFits } from '../../src/cluster/usage.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { buildWeighers } from '../../src/framework/build.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { PartitionCache } from '../../src/framework/fast/indexed-partitions.ts';
import { EXCLUDED_MEMBER, IndexedSearch } from '../../src/framework/fast/indexed-search.ts';
import { DEFAULT_FILTER_OPTIONS } from '../../src/framework/options.ts';
import { reusableFilterRequest } from '../../src/framework/request.ts';
import type { HostWeigher } from '../../src/framework/types.ts';
import type { Flavor } from '../../src/model/flavor.ts';

const FIELDS = [
  IndexField.RamFit,
  IndexField.RamFitMin,
  IndexField.CpuFit,
  IndexField.CpuFitMin,
  IndexField.DiskFit,
  IndexField.DiskFitMin,
  IndexField.RamMax,
  IndexField.RamMin,
  IndexField.CpuMax,
  IndexField.CpuMin,
];

const FLAVORS: Flavor[] = [
  { vcpus: 1, memoryMb: 1024, diskGb: 10, gpus: 0, gpuMilli: 0 },
  { vcpus: 2, memoryMb: 4096, diskGb: 40, gpus: 0, gpuMilli: 0 },
  { vcpus: 4, memoryMb: 8192, diskGb: 80, gpus: 0, gpuMilli: 0 },
  { vcpus: 8, memoryMb: 16384, diskGb: 20, gpus: 0, gpuMilli: 0 },
];

function cluster(rng: SeededRng, n: number): ClusterState {
  const hosts = Array.from({ length: n }, (_, i) => ({
    name: `h${i}`,
    vcpus: [8, 16, 32][rng.int(3)],
    memory_mb: [16384, 32768, 65536][rng.int(3)],
    disk_gb: [400, 800, 1600][rng.int(3)],
  }));
  return new ClusterState(clusterFromObject({ hosts, allocation_ratios: { cpu: 2, ram: 1.5, disk: 1 } }));
}

/** What extreme must answer: the best clamped raw value over the passing hosts, its leftmost host. */
function expected(
  c: ClusterState,
  hosts: Int32Array,
  f: Flavor,
  w: HostWeigher,
  wantMax: boolean,
  skip: Uint8Array,
) {
  const t = c.hosts;
  let best = Number.NaN;
  let host = -1;
  for (const h of hosts) {
    if (skip[h] !== 0 || !ramFits(t, h, f.memoryMb) || !cpuFits(t, h, f.vcpus) || !diskFits(t, h, f.diskGb))
      continue;
    const x = Math.max(w.weigh(h, undefined as never), w.minval ?? Number.NEGATIVE_INFINITY);
    if (host < 0 || (wantMax ? x > best : x < best)) {
      best = x;
      host = h;
    }
  }
  return { best, host };
}

describe('IndexedSearch over fit trees', () => {
  const saved = { ...FIT_TREE_LIMITS };
  beforeEach(() => {
    FIT_TREE_LIMITS.minHosts = 1;
    FIT_TREE_LIMITS.minPlainVisits = 0;
    FIT_TREE_LIMITS.shareDivisor = 4;
  });
  afterEach(() => {
    Object.assign(FIT_TREE_LIMITS, saved);
  });

  it.each([
    { share: 'kept shared', window: 512, applyVisits: 1e9 },
    { share: 'given up for their own early on', window: 8, applyVisits: 0 },
  ])(
    'extremes and counts: the record of the large partitions $share, a small one of its own',
    ({ share, window, applyVisits }) => {
      FIT_TREE_LIMITS.shareWindow = window;
      FIT_TREE_LIMITS.applyVisits = applyVisits;
      const rng = new SeededRng(11);
      const n = 64;
      const c = cluster(rng, n);
      const weighers = buildWeighers(
        ['RAMWeigher', 'CPUWeigher'],
        c,
        DEFAULT_FILTER_OPTIONS,
        BUILTIN_PLUGINS,
      );
      const fieldOf = [IndexField.RamMax, IndexField.CpuMax];
      const cache = new PartitionCache(c, FIELDS, weighers, 10 * n);
      const mark = (mask: Uint8Array, keep: (h: number) => boolean, _: unknown) => {
        for (let h = 0; h < n; h++) if (keep(h)) mask[h] = 1;
        return true;
      };
      const parts = [
        cache.get('all', mark, () => true, undefined)!,
        cache.get('odd', mark, (h: number) => h % 2 === 1, undefined)!,
        // 1 host in 5: below 1/4 of the cluster, so its own record.
        cache.get('few', mark, (h: number) => h % 5 === 2, undefined)!,
        // A third of 'odd' (11 hosts): its own record until 'odd' keeps one, then it reads that.
        cache.get('odd3', mark, (h: number) => h % 6 === 3, undefined)!,
      ];
      expect(parts[3].tree.size).toBe(11);
      expect(parts[3].tree.ownFit).toBe(true);
      let nested = 0;
      expect(parts[1].tree.fit).toBe(parts[0].tree.fit);
      expect(parts[2].tree.fit).toBeDefined();
      expect(parts[2].tree.fit).not.toBe(parts[0].tree.fit);
      const search = new IndexedSearch(c.hosts);
      search.req = reusableFilterRequest(n);
      search.setCountLimits(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
      const live: number[] = [];
      let checked = 0;
      let nowhere = 0;
      for (let step = 0; step < 900; step++) {
        if (live.length > 0 && rng.int(6) === 0) c.release(live.splice(rng.int(live.length), 1)[0]);
        else {
          const slot = c.claim(rng.int(n), `i${step}`, FLAVORS[rng.int(FLAVORS.length)], undefined);
          if (slot >= 0) live.push(slot);
        }
        if (step % 5 !== 0) continue;
        // Some anti-affinity members to skip, now and then.
        search.excluded.fill(0);
        const skip = new Uint8Array(n);
        if (step % 3 === 0) for (let k = 0; k < 6; k++) search.excluded[rng.int(n)] = EXCLUDED_MEMBER;
        search.excludeBits = EXCLUDED_MEMBER;
        for (let h = 0; h < n; h++) skip[h] = search.excluded[h];
        for (const p of parts) {
          for (const f of FLAVORS) {
            search.setConstraints(f, true, true, true, false);
            for (let j = 0; j < weighers.length; j++) {
              for (const wantMax of [true, false]) {
                if (p === parts[3] && p.tree.fit === parts[1].tree.fit && parts[1].tree.ownFit) nested++;
                const x = search.extreme(p.tree, weighers[j], fieldOf[j], wantMax);
                const want = expected(c, p.tree.hosts, f, weighers[j], wantMax, skip);
                expect(x).toBe(want.best);
                expect(search.extremeLeaf < 0 ? -1 : p.tree.hosts[search.extremeLeaf]).toBe(want.host);
                checked++;
                if (Number.isNaN(x)) nowhere++;
              }
            }
            const none = new Uint8Array(n);
            const count = p.tree.hosts.filter(
              (h) => expected(c, Int32Array.of(h), f, weighers[0], true, none).host >= 0,
            );
            expect(search.countFits(p.tree)).toBe(count.length);
          }
        }
      }
      expect(checked).toBe(180 * 4 * 4 * 4);
      // Any visit beyond a descent outweighs no change: 'odd' (half the hosts) took its own record,
      // 'all' had nothing to skip.
      expect(parts[1].tree.ownFit).toBe(share !== 'kept shared');
      expect(parts[0].tree.ownFit).toBe(false);
      // 'odd3' read 'odd''s record while 'odd' kept one (until the skips cost more than no change).
      if (share === 'kept shared') expect(nested).toBe(0);
      else expect(nested).toBeGreaterThan(0);
      // A partition made now reads the record 'odd' keeps, if it keeps one, and answers as the scan.
      const late = cache.get('odd1', mark, (h: number) => h % 6 === 1, undefined)!;
      expect(late.tree.fit === parts[1].tree.fit).toBe(parts[1].tree.ownFit);
      search.excludeBits = 0;
      for (const f of FLAVORS) {
        search.setConstraints(f, true, true, true, false);
        const want = expected(c, late.tree.hosts, f, weighers[0], true, new Uint8Array(n));
        expect(search.extreme(late.tree, weighers[0], fieldOf[0], true)).toBe(want.best);
        expect(search.extremeLeaf < 0 ? -1 : late.tree.hosts[search.extremeLeaf]).toBe(want.host);
      }
      // The cluster filled: some flavors came to fit nowhere in some partition.
      expect(nowhere).toBeGreaterThan(0);
      expect(nowhere).toBeLessThan(checked / 2);
    },
  );

  it('a best key at the clamp ties with the keys below it: the leftmost of them wins', () => {
    // RAM overcommitted 1.5×: free RAM goes negative; RAMWeigher clamps it at 0.
    const hosts = Array.from({ length: 3 }, (_, i) => ({
      name: `h${i}`,
      vcpus: 8,
      memory_mb: 4096,
      disk_gb: 100,
    }));
    const c = new ClusterState(
      clusterFromObject({ hosts, allocation_ratios: { cpu: 2, ram: 1.5, disk: 1 } }),
    );
    const flavor = (memoryMb: number): Flavor => ({ vcpus: 1, memoryMb, diskGb: 1, gpus: 0, gpuMilli: 0 });
    // 512 MB reserved: 3584 free; two claims each (one may not exceed the host's total).
    [2304, 1792, 2816].forEach((mb, h) => {
      for (const k of [0, 1])
        expect(c.claim(h, `i${h}-${k}`, flavor(mb), undefined)).toBeGreaterThanOrEqual(0);
    });
    expect([...c.hosts.freeRamMb]).toEqual([-1024, 0, -2048]);
    const [ram] = buildWeighers(['RAMWeigher'], c, DEFAULT_FILTER_OPTIONS, BUILTIN_PLUGINS);
    const cache = new PartitionCache(c, FIELDS, [ram], 100);
    const all = (mask: Uint8Array, _a: unknown, _b: unknown) => {
      mask.fill(1);
      return true;
    };
    const tree = cache.get('all', all, 0, 0)!.tree;
    const search = new IndexedSearch(c.hosts);
    search.req = reusableFilterRequest(3);
    search.setCountLimits(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    search.setConstraints(flavor(0), true, true, true, false);
    expect(tree.fit).toBeDefined();
    // Every host weighs 0: the leftmost, not the one of the highest raw key.
    expect(search.extreme(tree, ram, IndexField.RamMax, true)).toBe(0);
    expect(tree.hosts[search.extremeLeaf]).toBe(0);
  });
});
