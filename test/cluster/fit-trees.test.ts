import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { FitMasks } from '../../src/cluster/fit-forest.ts';
import { FIT_TREE_LIMITS, FitTrees } from '../../src/cluster/fit-trees.ts';
import { HostIndex, IndexField } from '../../src/cluster/host-index.ts';
import { cpuFits, diskFits, ramFits } from '../../src/cluster/usage.ts';
import { SeededRng } from '../../src/common/rng.ts';

function cluster(rng: SeededRng, n: number): ClusterState {
  const hosts = Array.from({ length: n }, (_, i) => ({
    name: `h${i}`,
    // 0 vCPUs: CoreFilter's fail-safe passes any request.
    vcpus: [0, 4, 8, 16][rng.int(4)],
    memory_mb: [2048, 4096, 8192][rng.int(3)],
    disk_gb: [20, 50, 100][rng.int(3)],
  }));
  return new ClusterState(clusterFromObject({ hosts, allocation_ratios: { cpu: 2, ram: 1.5, disk: 1 } }));
}

interface Shape {
  ram: boolean;
  mb: number;
  cpu: boolean;
  vcpus: number;
  disk: boolean;
  gb: number;
  io: number;
  inst: number;
}

const SHAPES: Shape[] = [
  { ram: true, mb: 1024, cpu: true, vcpus: 1, disk: true, gb: 10, io: Infinity, inst: Infinity },
  { ram: true, mb: 4096, cpu: true, vcpus: 4, disk: true, gb: 40, io: Infinity, inst: Infinity },
  { ram: true, mb: 2048, cpu: false, vcpus: 8, disk: true, gb: 20, io: Infinity, inst: 3 },
  { ram: false, mb: 0, cpu: true, vcpus: 6, disk: false, gb: 0, io: Infinity, inst: Infinity },
];

/** The raw values the slots key on (HostIndex's max fields), from the table. */
const KEYS: [IndexField, (c: ClusterState, h: number) => number][] = [
  [IndexField.RamMax, (c, h) => c.hosts.freeRamMb[h]],
  [IndexField.CpuMax, (c, h) => c.hosts.vcpusTotal[h] * c.hosts.cpuAllocationRatio[h] - c.hosts.vcpusUsed[h]],
];

/** Does host h pass the shape's filters (their own predicates)? */
/** One random step: a release of a live instance (one time in three) or a claim of a small flavor. */
function churn(c: ClusterState, rng: SeededRng, n: number, step: number, live: number[]): void {
  if (live.length > 0 && rng.int(3) === 0) {
    c.release(live.splice(rng.int(live.length), 1)[0]);
    return;
  }
  const f = {
    vcpus: 1 + rng.int(4),
    memoryMb: 512 * (1 + rng.int(4)),
    diskGb: 5 * rng.int(4),
    gpus: 0,
    gpuMilli: 0,
  };
  const slot = c.claim(rng.int(n), `i${step}`, f, undefined);
  if (slot >= 0) live.push(slot);
}

function passes(c: ClusterState, h: number, s: Shape): boolean {
  const t = c.hosts;
  if (s.ram && !ramFits(t, h, s.mb)) return false;
  if (s.cpu && !cpuFits(t, h, s.vcpus)) return false;
  if (s.disk && !diskFits(t, h, s.gb)) return false;
  return t.numIoOps[h] < s.io && t.numInstances[h] < s.inst;
}

/**
 * Every slot's value at every node of the record's trees (ix's own, or one over every host that ix
 * reads), and its count, against ix's hosts of the subtree, one by one.
 */
function check(c: ClusterState, ix: HostIndex): void {
  const fit = ix.fit!;
  const levels = 31 - Math.clz32(fit.cap);
  for (const s of SHAPES) {
    for (const [field, key] of KEYS) {
      for (const wantMax of [true, false]) {
        const slot = fit.get(s.ram, s.mb, s.cpu, s.vcpus, s.disk, s.gb, s.io, s.inst, field, wantMax);
        expect(slot).toBeGreaterThanOrEqual(0);
        const sign = wantMax ? 1 : -1;
        for (let v = 1; v < 2 * fit.cap; v++) {
          const depth = 31 - Math.clz32(v);
          const width = 1 << (levels - depth);
          const first = (v - (1 << depth)) * width;
          let want = Number.NEGATIVE_INFINITY;
          for (let i = first; i < first + width && i < fit.hosts.length; i++) {
            const h = fit.hosts[i];
            if (ix.leafOf[h] >= 0 && passes(c, h, s)) want = Math.max(want, sign * key(c, h));
          }
          expect(fit.slotValue(slot, ix.fitUser, v)).toBe(want);
        }
      }
      const count = [...ix.hosts].filter((h) => passes(c, h, s)).length;
      expect(fit.countFor(ix.fitUser, s.ram, s.mb, s.cpu, s.vcpus, s.disk, s.gb, s.io, s.inst)).toBe(count);
    }
  }
}

describe('FitTrees', () => {
  const saved = { ...FIT_TREE_LIMITS };
  beforeEach(() => {
    FIT_TREE_LIMITS.minHosts = 1;
    FIT_TREE_LIMITS.minPlainVisits = 0;
  });
  afterEach(() => {
    Object.assign(FIT_TREE_LIMITS, saved);
  });

  it('keeps every slot (shape and key, max and min) exact through claims and releases', () => {
    const rng = new SeededRng(3);
    const c = cluster(rng, 45);
    const subset = Int32Array.from([...Array(45).keys()].filter((h) => h % 4 !== 2));
    const ix = new HostIndex(c.hosts, subset, [IndexField.RamFit, IndexField.RamMax, IndexField.RamMin]);
    c.watchUsage({ hostChanged: (h) => ix.update(h), allChanged: () => ix.rebuild() });
    // 4 shapes × 2 keys × max and min: 16 slots over 4 forests; hosts of several masks.
    check(c, ix);
    expect(ix.fit!.masks.size).toBeGreaterThan(1);
    const live: number[] = [];
    for (let step = 0; step < 400; step++) {
      churn(c, rng, 45, step, live);
      // Few changes between reads (caught up leaf by leaf) and many (rebuilt).
      if (step % 25 === 0 || step > 390) check(c, ix);
    }
    check(c, ix);
    // The claims moved hosts between masks (some fit fewer shapes than at the start).
    expect(ix.fit!.masks.size).toBeGreaterThan(2);
  });

  it('a new shape asked for with a key past the kept ones changes nothing: its later slots are exact', () => {
    const rng = new SeededRng(7);
    const c = cluster(rng, 40);
    const ix = new HostIndex(c.hosts, Int32Array.from([...Array(40).keys()]), [IndexField.RamMax]);
    c.watchUsage({ hostChanged: (h) => ix.update(h), allChanged: () => ix.rebuild() });
    const fit = ix.fit!;
    // The first three shapes with every key the record keeps (2 fields, max and min: 4 keys).
    for (const s of SHAPES.slice(0, 3))
      for (const [field] of KEYS)
        for (const wantMax of [true, false])
          expect(
            fit.get(s.ram, s.mb, s.cpu, s.vcpus, s.disk, s.gb, s.io, s.inst, field, wantMax),
          ).toBeGreaterThanOrEqual(0);
    // The fourth shape, first asked with a fifth key: no slot (the plain search answers that query).
    const s = SHAPES[3];
    expect(fit.get(s.ram, s.mb, s.cpu, s.vcpus, s.disk, s.gb, s.io, s.inst, IndexField.DiskMax, true)).toBe(
      -1,
    );
    // Then with the kept keys: every host of the fourth shape is in its trees, through changes too.
    check(c, ix);
    const live: number[] = [];
    for (let step = 0; step < 100; step++) churn(c, rng, 40, step, live);
    check(c, ix);
  });

  it("a record over every host keeps each reader's trees apart: its slots are exact per reader", () => {
    const rng = new SeededRng(5);
    const n = 40;
    const c = cluster(rng, n);
    const all = new FitTrees(c.hosts, Int32Array.from([...Array(n).keys()]), 64);
    const readers = [
      (_h: number) => true,
      (h: number) => h % 2 === 0,
      (h: number) => h % 3 !== 1,
      (h: number) => h < 12,
    ].map((keep) => new HostIndex(c.hosts, Int32Array.from([...Array(n).keys()].filter(keep)), [], all));
    c.watchUsage({ hostChanged: (h) => all.update(h), allChanged: () => all.rebuild() });
    for (const ix of readers) expect(ix.fit).toBe(all);
    const live: number[] = [];
    for (let step = 0; step < 240; step++) {
      churn(c, rng, n, step, live);
      if (step % 40 === 0 || step > 236) for (const ix of readers) check(c, ix);
    }
    // Hosts grouped by mask and by the readers holding them (h % 6 and h < 12: 8 classes).
    expect(all.masks.size).toBeGreaterThan(8);
  });

  it('trees of a class of their own until MAX_CLASS_TREES, then mixed ones, listed for every user', () => {
    const m = new FitMasks(200, 2, 3);
    // 64 classes of their own (mask 1 or 3, user sets 1..7, ...): then the next is mixed.
    const own: number[] = [];
    for (let k = 0; k < 64; k++)
      own.push(m.treeFor(k % 2 === 0 ? 1 : 3, 1 + (k % 7) + 8 * Math.floor(k / 14)));
    expect(new Set(own).size).toBe(64);
    const mixed = m.treeFor(2, 1);
    expect(mixed).toBe(64);
    expect(m.treeFor(2, 4)).toBe(mixed);
    // Shape 1 (bit 2): tree `mixed` for users 0, 1, 2 alike, and the class trees of mask 3 with their users.
    for (let u = 0; u < 3; u++) {
      const trees = [...m.list.subarray(m.offsetOf(1, u), m.offsetOf(1, u) + m.countOf(1, u))];
      expect(trees).toContain(mixed);
      const want = own.filter(
        (_q, k) => k % 2 === 1 && ((1 + (k % 7) + 8 * Math.floor(k / 14)) & (1 << u)) !== 0,
      );
      expect(trees.filter((q) => q !== mixed).sort((a, b) => a - b)).toEqual(want.sort((a, b) => a - b));
    }
    // Counts per user: leaf 0 (users 0 and 2) into the mixed tree.
    m.move(0, -1, mixed, 0b101);
    expect([m.count(0, 1), m.count(1, 1), m.count(2, 1)]).toEqual([1, 0, 1]);
  });

  it('no slot past maxTrees, and none while the plain search is cheap', () => {
    const c = cluster(new SeededRng(4), 20);
    const ix = new HostIndex(c.hosts, Int32Array.from([...Array(20).keys()]), [IndexField.RamMax]);
    const fit = ix.fit!;
    FIT_TREE_LIMITS.maxTrees = 1;
    expect(fit.get(false, 1024, true, 1, true, 10, Infinity, Infinity, IndexField.RamMax, true)).toBe(0);
    // RamFilter off: its amount does not make another shape.
    expect(fit.get(false, 4096, true, 1, true, 10, Infinity, Infinity, IndexField.RamMax, true)).toBe(0);
    expect(fit.countFor(ix.fitUser, false, 9999, true, 1, true, 10, Infinity, Infinity)).toBe(20);
    expect(fit.get(true, 4096, true, 1, true, 10, Infinity, Infinity, IndexField.RamMax, true)).toBe(-1);
    expect(fit.countFor(ix.fitUser, true, 4096, true, 1, true, 10, Infinity, Infinity)).toBe(-1);
    FIT_TREE_LIMITS.maxTrees = 16;
    FIT_TREE_LIMITS.minPlainVisits = 4;
    fit.plainSearched(4 * ix.levels);
    expect(fit.get(true, 4096, true, 1, true, 10, Infinity, Infinity, IndexField.RamMax, true)).toBe(-1);
    for (let i = 0; i < 200; i++) fit.plainSearched(10 * ix.levels);
    const second = fit.get(true, 4096, true, 1, true, 10, Infinity, Infinity, IndexField.RamMax, true);
    expect(second).toBeGreaterThan(0);
    // Another key of the first shape: a third slot.
    const min = fit.get(false, 0, true, 1, true, 10, Infinity, Infinity, IndexField.RamMax, false);
    expect(new Set([0, second, min]).size).toBe(3);
    expect(fit.get(true, 4096, true, 1, true, 10, Infinity, Infinity, IndexField.RamMax, true)).toBe(second);
  });
});
