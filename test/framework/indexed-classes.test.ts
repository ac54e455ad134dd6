import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { FitClasses } from '../../src/cluster/fit-classes.ts';
import { HostIndex, IndexField } from '../../src/cluster/host-index.ts';
import type { HostTable } from '../../src/cluster/host-table.ts';
import { SeededRng } from '../../src/common/rng.ts';
import { ClassedQueries } from '../../src/framework/fast/indexed-classes.ts';
import type { Partition } from '../../src/framework/fast/indexed-partitions.ts';
import { IndexedSearch } from '../../src/framework/fast/indexed-search.ts';
import { reusableFilterRequest } from '../../src/framework/request.ts';
import type { HostWeigher } from '../../src/framework/types.ts';

const ALL = Object.values(IndexField);

function cluster(rng: SeededRng, n: number): ClusterState {
  const hosts = Array.from({ length: n }, (_, i) => ({
    name: `h${i}`,
    vcpus: [0, 4, 8, 16][rng.int(4)],
    memory_mb: [2048, 4096, 8192][rng.int(3)],
    disk_gb: [20, 50, 100][rng.int(3)],
    gpus: rng.int(3),
  }));
  return new ClusterState(clusterFromObject({ hosts, allocation_ratios: { cpu: 2, ram: 1, disk: 1 } }));
}

/** A weigher of one raw key (what RAMWeigher, CPUWeigher and DiskWeigher weigh), clamped maybe. */
function weigher(
  t: HostTable,
  field: number,
  minval: number | undefined,
  maxval: number | undefined,
): HostWeigher {
  const weigh =
    field === IndexField.RamMax
      ? (h: number) => t.freeRamMb[h]
      : field === IndexField.CpuMax
        ? (h: number) => t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h]
        : (h: number) => t.freeDiskMb[h];
  return { name: 'key', minval, maxval, multipliers: new Float64Array(t.size).fill(1), weigh } as HostWeigher;
}

function partition(c: ClusterState, hosts: Int32Array): Partition {
  const tree = new HostIndex(c.hosts, hosts, ALL);
  const classes = new FitClasses(c.hosts, tree);
  c.watchUsage({
    hostChanged: (h) => {
      tree.markChanged(h);
      classes.hostChanged(h);
    },
    allChanged: () => {
      tree.rebuild();
      classes.rebuild();
    },
  });
  return { tree, multipliers: new Float64Array(0), classes };
}

function randomFlavor(rng: SeededRng) {
  const gpus = rng.int(4) === 0 ? 1 + rng.int(2) : 0;
  return {
    vcpus: [1, 2, 4][rng.int(3)],
    memoryMb: [512, 1024, 2048][rng.int(3)],
    diskGb: [5, 10, 20][rng.int(3)],
    gpus,
    gpuMilli: gpus === 1 && rng.int(2) === 0 ? 500 : gpus > 0 ? 1000 : 0,
  };
}

describe('ClassedQueries', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`extreme and countFits equal the plain queries, exclusions included, as the cluster fills (seed ${seed})`, () => {
      const rng = new SeededRng(seed);
      const n = 30 + rng.int(40);
      const c = cluster(rng, n);
      const t = c.hosts;
      const p = partition(c, Int32Array.from([...Array(n).keys()].filter(() => rng.int(5) > 0)));
      const search = new IndexedSearch(t);
      search.req = reusableFilterRequest(t.size);
      const classed = new ClassedQueries(search, 1e9, -1);
      const fields = [IndexField.RamMax, IndexField.CpuMax, IndexField.DiskMax];
      const weighers = fields.map((f) => [
        weigher(t, f, undefined, undefined),
        weigher(t, f, 0, undefined),
        weigher(t, f, 1000, 3000),
      ]);
      const live: number[] = [];
      let compared = 0;
      for (let step = 0; step < 600; step++) {
        if (live.length > 0 && rng.int(4) === 0) c.release(live.splice(rng.int(live.length), 1)[0]);
        else {
          const slot = c.claim(rng.int(n), `i${step}`, randomFlavor(rng), undefined);
          if (slot >= 0) live.push(slot);
        }
        search.setConstraints(
          randomFlavor(rng),
          rng.int(6) > 0,
          rng.int(6) > 0,
          rng.int(6) > 0,
          rng.int(2) > 0,
        );
        search.excluded.fill(0);
        for (let k = rng.int(4); k > 0; k--) search.excluded[rng.int(n)] = 1 + rng.int(2);
        search.excludeBits = [0, 1, 3][rng.int(3)];
        const fi = rng.int(3);
        const w = weighers[fi][rng.int(3)];
        const wantMax = rng.int(2) === 0;
        const got = classed.extreme(p, w, fields[fi], wantMax);
        const gotLeaf = search.extremeLeaf;
        const want = search.extreme(p.tree, w, fields[fi], wantMax);
        expect(got).toBe(want);
        expect(gotLeaf).toBe(search.extremeLeaf);
        if (!Number.isNaN(want)) compared++;
        expect(classed.countFits(p)).toBe(search.countFits(p.tree));
      }
      // The classes were used (eager: every shape at its second query), and answers were found.
      expect(p.classes.classes).toBeGreaterThan(10);
      expect(compared).toBeGreaterThan(100);
    });
  }

  it('without budget it makes no class; in a cluster that never fills, the default policy makes none', () => {
    const rng = new SeededRng(7);
    const c = cluster(rng, 64);
    const t = c.hosts;
    const p = partition(c, Int32Array.from([...Array(64).keys()]));
    const search = new IndexedSearch(t);
    search.req = reusableFilterRequest(t.size);
    const none = new ClassedQueries(search, 0, -1);
    const policy = new ClassedQueries(search, 1e9);
    const w = weigher(t, IndexField.RamMax, 0, undefined);
    const f = { vcpus: 1, memoryMb: 512, diskGb: 5, gpus: 0, gpuMilli: 0 };
    search.setConstraints(f, true, true, true, true);
    for (let k = 0; k < 200; k++) {
      expect(none.extreme(p, w, IndexField.RamMax, true)).toBe(
        search.extreme(p.tree, w, IndexField.RamMax, true),
      );
      policy.extreme(p, w, IndexField.RamMax, true);
    }
    expect(p.classes.classes).toBe(0);
  });

  it('the default policy gives an expensive shape its class, then answers from it', () => {
    const rng = new SeededRng(11);
    const n = 256;
    // Even hosts RAM-rich without vCPUs, odd ones with vCPUs but no RAM, every 37th fits: each
    // subtree's bounds say "may fit" and a plain max query backtracks through many leaves.
    const hosts = Array.from({ length: n }, (_, i) => ({
      name: `h${i}`,
      vcpus: 8,
      memory_mb: 4096 + 16 * rng.int(100),
      disk_gb: 100,
    }));
    const c = new ClusterState(clusterFromObject({ hosts, allocation_ratios: { cpu: 1, ram: 1, disk: 1 } }));
    const t = c.hosts;
    for (let h = 0; h < n; h++) {
      if (h % 37 === 0) continue;
      const f = h % 2 === 0 ? { vcpus: 8, memoryMb: 0 } : { vcpus: 0, memoryMb: t.freeRamMb[h] - 100 };
      c.claim(h, `x${h}`, { ...f, diskGb: 0, gpus: 0, gpuMilli: 0 }, undefined);
    }
    const p = partition(c, Int32Array.from([...Array(n).keys()]));
    const search = new IndexedSearch(t);
    search.req = reusableFilterRequest(t.size);
    const policy = new ClassedQueries(search, 1e9);
    const w = weigher(t, IndexField.RamMax, 0, undefined);
    search.setConstraints(
      { vcpus: 2, memoryMb: 512, diskGb: 5, gpus: 0, gpuMilli: 0 },
      true,
      true,
      true,
      false,
    );
    const fitting = [...Array(n).keys()].filter((h) => h % 37 === 0);
    const best = Math.max(...fitting.map((h) => t.freeRamMb[h]));
    const leftmost = fitting.find((h) => t.freeRamMb[h] === best)!;
    for (let k = 0; k < 50; k++) {
      expect(policy.extreme(p, w, IndexField.RamMax, true)).toBe(best);
      expect(p.tree.hosts[search.extremeLeaf]).toBe(leftmost);
    }
    expect(p.classes.classes).toBe(1);
    // Answered from the class: extreme's own visits stop growing.
    const visits = search.visits;
    policy.extreme(p, w, IndexField.RamMax, true);
    expect(search.visits).toBe(visits);
  });
});
