import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { HostIndex, IndexField } from '../../src/cluster/host-index.ts';
import { cpuFits, diskFits, gpuFits, ramFits } from '../../src/cluster/usage.ts';
import { SeededRng } from '../../src/common/rng.ts';

const ALL = Object.values(IndexField);

function cluster(rng: SeededRng, n: number): ClusterState {
  const hosts = Array.from({ length: n }, (_, i) => ({
    name: `h${i}`,
    vcpus: [0, 2, 8][rng.int(3)],
    memory_mb: [1024, 4096][rng.int(2)],
    disk_gb: [10, 50][rng.int(2)],
    gpus: rng.int(3),
  }));
  return new ClusterState(clusterFromObject({ hosts, allocation_ratios: { cpu: 2, ram: 1.5, disk: 1 } }));
}

/** Every host of node v's subtree (leaves in [first, first + width)). */
function subtree(ix: HostIndex, v: number): number[] {
  const depth = 31 - Math.clz32(v);
  const width = 1 << (ix.levels - depth);
  const first = (v - (1 << depth)) * width;
  const out: number[] = [];
  for (let i = first; i < first + width && i < ix.size; i++) out.push(ix.hosts[i]);
  return out;
}

/** Checks each node's values against their meaning, host by host (not against the tree's formulas). */
function checkAgainstTable(c: ClusterState, ix: HostIndex, rng: SeededRng): void {
  const t = c.hosts;
  for (let v = 1; v < 2 * ix.cap; v++) {
    const hosts = subtree(ix, v);
    const n = ix.nodes;
    if (hosts.length === 0) {
      expect(n[IndexField.RamMax][v]).toBe(Number.NEGATIVE_INFINITY);
      expect(n[IndexField.RamMin][v]).toBe(Number.POSITIVE_INFINITY);
      continue;
    }
    expect(n[IndexField.RamMax][v]).toBe(Math.max(...hosts.map((h) => t.freeRamMb[h])));
    expect(n[IndexField.RamMin][v]).toBe(Math.min(...hosts.map((h) => t.freeRamMb[h])));
    expect(n[IndexField.DiskMax][v]).toBe(Math.max(...hosts.map((h) => t.freeDiskMb[h])));
    const cpuFree = hosts.map((h) => t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h]);
    expect(n[IndexField.CpuMin][v]).toBe(Math.min(...cpuFree));
    // A fit bound: some host fits r exactly when the bound is >= r (the filters' own predicates).
    for (let k = 0; k < 6; k++) {
      const mb = rng.int(7000) - 500;
      expect(n[IndexField.RamFit][v] >= mb).toBe(hosts.some((h) => ramFits(t, h, mb)));
      const vcpus = rng.int(20);
      expect(n[IndexField.CpuFit][v] >= vcpus).toBe(hosts.some((h) => cpuFits(t, h, vcpus)));
      const gb = rng.int(60);
      expect(n[IndexField.DiskFit][v] >= 1024 * gb).toBe(hosts.some((h) => diskFits(t, h, gb)));
      const whole = 1 + rng.int(2);
      expect(n[IndexField.GpuIdle][v] >= whole).toBe(hosts.some((h) => gpuFits(t, h, whole, 1000)));
      const share = 1 + rng.int(999);
      expect(n[IndexField.GpuShare][v] >= share).toBe(hosts.some((h) => gpuFits(t, h, 1, share)));
    }
  }
}

describe('HostIndex', () => {
  it('keeps every subtree aggregate exact through claims and releases (watcher)', () => {
    const rng = new SeededRng(5);
    const c = cluster(rng, 37);
    const subset = Int32Array.from([...Array(37).keys()].filter((h) => h % 3 !== 1));
    const ix = new HostIndex(c.hosts, subset, ALL);
    c.watchUsage({ hostChanged: (h) => ix.update(h), allChanged: () => ix.rebuild() });
    const live: number[] = [];
    for (let step = 0; step < 300; step++) {
      if (live.length > 0 && rng.int(3) === 0) {
        c.release(live.splice(rng.int(live.length), 1)[0]);
      } else {
        const gpus = rng.int(3) === 0 ? 1 : 0;
        const f = {
          vcpus: rng.int(4),
          memoryMb: 256 * rng.int(6),
          diskGb: 5 * rng.int(3),
          gpus,
          gpuMilli: gpus ? [300, 1000][rng.int(2)] : 0,
        };
        const slot = c.claim(rng.int(37), `i${step}`, f, undefined);
        if (slot >= 0) live.push(slot);
      }
      if (step % 50 === 0) checkAgainstTable(c, ix, rng);
    }
    checkAgainstTable(c, ix, rng);
  });

  it('rebuild after a wholesale rewrite; hosts outside the set change nothing', () => {
    const rng = new SeededRng(9);
    const c = cluster(rng, 10);
    const ix = new HostIndex(c.hosts, Int32Array.from([2, 3, 7]), ALL);
    const before = ix.nodes[IndexField.RamMax].slice();
    c.hosts.freeRamMb[5] = 1e9;
    ix.update(5);
    expect(ix.nodes[IndexField.RamMax]).toEqual(before);
    c.hosts.freeRamMb.fill(-100);
    ix.rebuild();
    expect(ix.nodes[IndexField.RamMax][1]).toBe(-100);
    expect(ix.firstLeaf(1)).toBe(0);
    expect(ix.firstLeaf(ix.cap + 2)).toBe(2);
  });

  it('keeps only the fields asked for', () => {
    const c = cluster(new SeededRng(1), 4);
    const ix = new HostIndex(c.hosts, Int32Array.from([0, 1, 2, 3]), [IndexField.RamFit, IndexField.RamMax]);
    expect(ix.has(IndexField.RamFit)).toBe(true);
    expect(ix.has(IndexField.CpuFit)).toBe(false);
    expect(ix.nodes[IndexField.RamMax][1]).toBe(Math.max(...c.hosts.freeRamMb));
  });

  it('an empty set', () => {
    const c = cluster(new SeededRng(1), 3);
    const ix = new HostIndex(c.hosts, new Int32Array(0), ALL);
    expect(ix.size).toBe(0);
    expect(ix.nodes[IndexField.RamFit][1]).toBe(Number.NEGATIVE_INFINITY);
  });
});
