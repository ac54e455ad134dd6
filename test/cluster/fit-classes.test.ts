import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { FitClasses } from '../../src/cluster/fit-classes.ts';
import { HostIndex, IndexField } from '../../src/cluster/host-index.ts';
import type { HostTable } from '../../src/cluster/host-table.ts';
import { cpuFits, diskFits, gpuFits, ramFits } from '../../src/cluster/usage.ts';
import { SeededRng } from '../../src/common/rng.ts';

const KEYS = [
  IndexField.RamMax,
  IndexField.RamMin,
  IndexField.CpuMax,
  IndexField.CpuMin,
  IndexField.DiskMax,
  IndexField.DiskMin,
];

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

/** A shape: which filters are on and the request they check. */
interface Shape {
  ram: boolean;
  cpu: boolean;
  disk: boolean;
  gpu: boolean;
  memoryMb: number;
  vcpus: number;
  diskGb: number;
  gpus: number;
  gpuMilli: number;
}

function randomShape(rng: SeededRng): Shape {
  const gpu = rng.int(4) === 0;
  const gpus = gpu ? 1 + rng.int(2) : 0;
  return {
    ram: rng.int(5) > 0,
    cpu: rng.int(5) > 0,
    disk: rng.int(5) > 0,
    gpu,
    memoryMb: 256 * rng.int(12),
    vcpus: rng.int(10),
    diskGb: 5 * rng.int(8),
    gpus,
    gpuMilli: gpus === 1 && rng.int(2) === 0 ? 100 * (1 + rng.int(9)) : 1000,
  };
}

function encode(s: Shape): number[] {
  return [
    s.ram ? 1 : 0,
    s.ram ? s.memoryMb : 0,
    s.cpu ? 1 : 0,
    s.cpu ? s.vcpus : 0,
    s.disk ? 1 : 0,
    s.disk ? s.diskGb : 0,
    s.gpu ? 1 : 0,
    s.gpu ? s.gpus : 0,
    s.gpu ? s.gpuMilli : 0,
  ];
}

/** The filters' own predicates, straight. */
function fitsShape(t: HostTable, h: number, s: Shape): boolean {
  return (
    (!s.ram || ramFits(t, h, s.memoryMb)) &&
    (!s.cpu || cpuFits(t, h, s.vcpus)) &&
    (!s.disk || diskFits(t, h, s.diskGb)) &&
    (!s.gpu || gpuFits(t, h, s.gpus, s.gpuMilli))
  );
}

/** A weigher key's meaning: free RAM, vCPUs left under the limit, free disk. */
function key(t: HostTable, h: number, f: number): number {
  if (f === IndexField.RamMax || f === IndexField.RamMin) return t.freeRamMb[h];
  if (f === IndexField.CpuMax || f === IndexField.CpuMin)
    return t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h];
  return t.freeDiskMb[h];
}

function subtree(ix: HostIndex, v: number): number[] {
  const depth = 31 - Math.clz32(v);
  const width = 1 << (ix.levels - depth);
  const first = (v - (1 << depth)) * width;
  const out: number[] = [];
  for (let i = first; i < first + width && i < ix.size; i++) out.push(ix.hosts[i]);
  return out;
}

interface Slot {
  cls: number;
  shape: Shape;
  field: number;
  slot: number;
}

function check(t: HostTable, fc: FitClasses, slots: Slot[], counted: Map<number, Shape>): void {
  fc.flush();
  const ix = fc.tree;
  for (let v = 1; v < 2 * ix.cap; v++) {
    const hosts = subtree(ix, v);
    for (const s of slots) {
      const min =
        s.field === IndexField.RamMin || s.field === IndexField.CpuMin || s.field === IndexField.DiskMin;
      const values = hosts.filter((h) => fitsShape(t, h, s.shape)).map((h) => key(t, h, s.field));
      const want =
        values.length === 0
          ? min
            ? Number.POSITIVE_INFINITY
            : Number.NEGATIVE_INFINITY
          : min
            ? Math.min(...values)
            : Math.max(...values);
      expect(fc.vals[v * fc.stride + s.slot]).toBe(want);
    }
    for (const [cls, shape] of counted) {
      expect(fc.countArray(cls)[v]).toBe(hosts.filter((h) => fitsShape(t, h, shape)).length);
    }
  }
}

describe('FitClasses', () => {
  for (const seed of [3, 8, 21]) {
    it(`keeps every slot and count exact through claims and releases, lazily (seed ${seed})`, () => {
      const rng = new SeededRng(seed);
      const n = 20 + rng.int(30);
      const c = cluster(rng, n);
      const t = c.hosts;
      const subset = Int32Array.from([...Array(n).keys()].filter(() => rng.int(4) > 0));
      const ix = new HostIndex(t, subset, [IndexField.RamMax]);
      const fc = new FitClasses(t, ix);
      c.watchUsage({
        hostChanged: (h) => {
          ix.markChanged(h);
          fc.hostChanged(h);
        },
        allChanged: () => fc.rebuild(),
      });
      const slots: Slot[] = [];
      const counted = new Map<number, Shape>();
      const live: number[] = [];
      for (let step = 0; step < 400; step++) {
        // Classes and slots join over time (each filled from the table at once).
        if (step % 60 === 0) {
          const shape = randomShape(rng);
          const cls = fc.addClass(encode(shape));
          expect(fc.find(encode(shape))).toBe(cls);
          for (const field of KEYS)
            if (rng.int(2) === 0) slots.push({ cls, shape, field, slot: fc.addSlot(cls, field) });
          if (rng.int(2) === 0) {
            fc.countArray(cls);
            counted.set(cls, shape);
          }
        }
        if (live.length > 0 && rng.int(3) === 0) c.release(live.splice(rng.int(live.length), 1)[0]);
        else {
          const gpus = rng.int(3) === 0 ? 1 : 0;
          const f = {
            vcpus: rng.int(4),
            memoryMb: 256 * rng.int(6),
            diskGb: 5 * rng.int(3),
            gpus,
            gpuMilli: gpus ? [300, 1000][rng.int(2)] : 0,
          };
          const slot = c.claim(rng.int(n), `i${step}`, f, undefined);
          if (slot >= 0) live.push(slot);
        }
        // Flushes: first after one or two changes (leaf by leaf), later after many (the rebuild).
        if (rng.int(step < 200 ? 2 : 12) === 0) check(t, fc, slots, counted);
      }
      check(t, fc, slots, counted);
      for (const s of slots) expect(fc.slot(s.cls, s.field)).toBe(s.slot);
      expect(fc.broken.every((b) => b === 0)).toBe(true);
    });
  }

  it('a wholesale rewrite rebuilds; hosts outside the tree mark nothing; a non-finite key breaks the class', () => {
    const rng = new SeededRng(4);
    const c = cluster(rng, 12);
    const t = c.hosts;
    const ix = new HostIndex(t, Int32Array.from([1, 4, 5, 9]), [IndexField.RamMax]);
    const fc = new FitClasses(t, ix);
    const shape: Shape = { ...randomShape(rng), ram: false, cpu: false, disk: false, gpu: false };
    const cls = fc.addClass(encode(shape));
    const s = fc.addSlot(cls, IndexField.RamMax);
    expect(fc.vals[fc.stride + s]).toBe(Math.max(...[1, 4, 5, 9].map((h) => t.freeRamMb[h])));
    t.freeRamMb[2] = 1e9;
    fc.hostChanged(2);
    fc.flush();
    expect(fc.vals[fc.stride + s]).toBe(Math.max(...[1, 4, 5, 9].map((h) => t.freeRamMb[h])));
    t.freeRamMb.fill(-7);
    fc.rebuild();
    expect(fc.vals[fc.stride + s]).toBe(-7);
    t.freeRamMb[5] = Number.POSITIVE_INFINITY;
    fc.hostChanged(5);
    fc.flush();
    expect(fc.broken[cls]).toBe(1);
  });
});
