import type { HostIndex } from './host-index.ts';
import { IndexField } from './host-index.ts';
import type { HostTable } from './host-table.ts';
import { gpuFits } from './usage.ts';

/**
 * A request shape as the resource filters see it, nine numbers: ramOn, ramMb, cpuOn, vcpus, diskOn,
 * diskGb, gpuOn, gpus, gpuMilli (a filter off: its flag and amount 0, so equal shapes compare equal).
 */
export const SHAPE_LENGTH = 9;

/** Whether `f` is a weigher key a FitClasses slot can keep (RAM, CPU and disk, max or min). */
export function classKeyable(f: number): boolean {
  return f >= IndexField.RamMax && f <= IndexField.DiskMin;
}

function isMinKey(f: number): boolean {
  return f === IndexField.RamMin || f === IndexField.CpuMin || f === IndexField.DiskMin;
}

/**
 * Fit classes over one HostIndex (same leaves): per request shape ("class"), the hosts that fit it,
 * and per slot (a class and a weigher key, max or min) the extreme of the key over the fitting
 * hosts of each subtree, so a constrained extreme is a descent. Empty subtrees hold −Infinity in a
 * max slot and +Infinity in a min slot. Slots are stored node-major (`vals[v·stride + s]`) so one
 * walk up serves every slot. Kept current lazily: a host change only marks its leaf; `flush()`
 * (before a query) rewrites the marked leaves and their paths, or rebuilds when many are marked,
 * so repeated changes of one host cost one update and a tree not queried pays nothing until it is.
 *
 * A leaf's verdict is usage.ts's ramFits/cpuFits/diskFits, through the same fit slacks as
 * HostIndex's RamFit/CpuFit/DiskFit leaves (slack ≥ r exactly when the predicate passes), and gpuFits.
 */
export class FitClasses {
  /** Per class, its shape (SHAPE_LENGTH numbers each). */
  private shapes: Float64Array = new Float64Array(0);
  private classCount = 0;
  /** Per class: a fitting host had a key that is not finite (its slots cannot stand for queries). */
  broken: Uint8Array = new Uint8Array(0);
  /** Per class, per node, how many hosts of the subtree fit (made on first use). */
  private counts: (Int32Array | undefined)[] = [];
  /** Per slot, its class and key field. */
  private slotClass: Int32Array = new Int32Array(0);
  private slotField: Int32Array = new Int32Array(0);
  private slotCount = 0;
  /** Slot values, node-major: `vals[v * stride + s]`. */
  vals: Float64Array = new Float64Array(0);
  /** A power of two, 2^shift. */
  stride = 0;
  private shift = 0;
  private readonly dirty: Int32Array;
  private readonly marked: Uint8Array;
  private dirtyCount = 0;
  // Scratch of flush: per class its verdict, per slot its leaf value, the slots still changing.
  private fitNow = new Uint8Array(0);
  private slotMin: Uint8Array = new Uint8Array(0);
  /** Changes of this tree's hosts so far (what a new class would have to keep up with). */
  changes = 0;

  constructor(
    private readonly t: HostTable,
    readonly tree: HostIndex,
  ) {
    this.dirty = new Int32Array(tree.size);
    this.marked = new Uint8Array(tree.size);
  }

  /** How many classes / slots there are. */
  get classes(): number {
    return this.classCount;
  }
  get slots(): number {
    return this.slotCount;
  }

  /** The class of `shape`, or −1. */
  find(shape: ArrayLike<number>): number {
    const s = this.shapes;
    outer: for (let j = 0, o = 0; j < this.classCount; j++, o += SHAPE_LENGTH) {
      for (let i = 0; i < SHAPE_LENGTH; i++) if (s[o + i] !== shape[i]) continue outer;
      return j;
    }
    return -1;
  }

  /** Class j's slot for key field f, or −1. */
  slot(j: number, f: number): number {
    for (let s = 0; s < this.slotCount; s++) if (this.slotClass[s] === j && this.slotField[s] === f) return s;
    return -1;
  }

  /** A new class for `shape` (no slots yet): its index. */
  addClass(shape: ArrayLike<number>): number {
    this.flush();
    const j = this.classCount++;
    this.shapes = grow(this.shapes, this.classCount * SHAPE_LENGTH);
    for (let i = 0; i < SHAPE_LENGTH; i++) this.shapes[j * SHAPE_LENGTH + i] = shape[i];
    this.broken = grow(this.broken, this.classCount);
    this.fitNow = new Uint8Array(this.classCount);
    this.counts.push(undefined);
    return j;
  }

  /** A new slot for class j and key field f (classKeyable), filled from the table: its index. */
  addSlot(j: number, f: number): number {
    this.flush();
    const s = this.slotCount++;
    this.slotClass = grow(this.slotClass, this.slotCount);
    this.slotField = grow(this.slotField, this.slotCount);
    this.slotClass[s] = j;
    this.slotField[s] = f;
    this.slotMin = grow(this.slotMin, this.slotCount);
    this.slotMin[s] = isMinKey(f) ? 1 : 0;
    const cap = this.tree.cap;
    if (this.slotCount > this.stride) {
      // Re-laid with room for a few more slots.
      const stride = Math.max(4, 2 * this.stride);
      this.shift = 31 - Math.clz32(stride);
      const next = new Float64Array(2 * cap * stride);
      for (let v = 0; v < 2 * cap; v++)
        for (let k = 0; k < s; k++) next[v * stride + k] = this.vals[v * this.stride + k];
      this.vals = next;
      this.stride = stride;
    }
    this.fillSlot(s);
    return s;
  }

  /** Class j's per-node fit counts (made and filled on first use). */
  countArray(j: number): Int32Array {
    this.flush();
    let a = this.counts[j];
    if (a === undefined) {
      a = new Int32Array(2 * this.tree.cap);
      this.counts[j] = a;
      const cap = this.tree.cap;
      for (let i = 0; i < this.tree.size; i++) a[cap + i] = this.fits(j, this.tree.hosts[i]) ? 1 : 0;
      for (let v = cap - 1; v >= 1; v--) a[v] = a[2 * v] + a[2 * v + 1];
    }
    return a;
  }

  /** Whether class j counts its hosts already. */
  hasCount(j: number): boolean {
    return this.counts[j] !== undefined;
  }

  /** Host h's usage changed. */
  hostChanged(h: number): void {
    const leaf = this.tree.leafOf[h];
    if (leaf < 0) return;
    this.changes++;
    if (this.classCount === 0 || this.marked[leaf] === 1) return;
    this.marked[leaf] = 1;
    this.dirty[this.dirtyCount++] = leaf;
  }

  /** Everything may have changed: rebuild every slot and count. */
  rebuild(): void {
    for (let i = 0; i < this.dirtyCount; i++) this.marked[this.dirty[i]] = 0;
    this.dirtyCount = 0;
    this.broken.fill(0);
    const { t, tree, fitNow, vals, stride, slotClass, slotField, slotMin } = this;
    const cap = tree.cap;
    // The leaves, each host's verdicts once for every class; then every node bottom-up.
    for (let i = 0; i < cap; i++) {
      const node = cap + i;
      const h = i < tree.size ? tree.hosts[i] : -1;
      if (h >= 0) this.verdicts(h);
      else fitNow.fill(0);
      for (let j = 0; j < this.classCount; j++) {
        const count = this.counts[j];
        if (count !== undefined) count[node] = fitNow[j];
      }
      for (let s = 0; s < this.slotCount; s++) {
        let x = slotMin[s] === 1 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
        if (fitNow[slotClass[s]] === 1) {
          x = keyOf(t, h, slotField[s]);
          if (!Number.isFinite(x)) this.broken[slotClass[s]] = 1;
        }
        vals[node * stride + s] = x;
      }
    }
    for (let v = cap - 1; v >= 1; v--) {
      for (let s = 0; s < this.slotCount; s++) {
        const a = vals[2 * v * stride + s];
        const b = vals[(2 * v + 1) * stride + s];
        vals[v * stride + s] = slotMin[s] === 1 ? (b < a ? b : a) : b > a ? b : a;
      }
    }
    for (let j = 0; j < this.classCount; j++) {
      const a = this.counts[j];
      if (a !== undefined) for (let v = cap - 1; v >= 1; v--) a[v] = a[2 * v] + a[2 * v + 1];
    }
  }

  /** fitNow[j]: does host h fit class j's shape (for every class)? */
  private verdicts(h: number): void {
    const { t, shapes, fitNow } = this;
    const ram = ramFit(t, h);
    const cpu = cpuFit(t, h);
    const disk = diskFit(t, h);
    for (let j = 0, o = 0; j < this.classCount; j++, o += SHAPE_LENGTH) {
      const fit =
        (shapes[o] === 0 || ram >= shapes[o + 1]) &&
        (shapes[o + 2] === 0 || cpu >= shapes[o + 3]) &&
        (shapes[o + 4] === 0 || disk >= 1024 * shapes[o + 5]) &&
        (shapes[o + 6] === 0 || gpuFits(t, h, shapes[o + 7], shapes[o + 8]));
      fitNow[j] = fit ? 1 : 0;
    }
  }

  /** Bring every slot and count up to date with the host table. */
  flush(): void {
    const n = this.dirtyCount;
    if (n === 0) return;
    const tree = this.tree;
    // Many marked leaves: one bottom-up pass is cheaper than their paths one by one.
    if (n * tree.levels > tree.size) {
      this.rebuild();
      return;
    }
    this.dirtyCount = 0;
    for (let i = 0; i < n; i++) {
      const leaf = this.dirty[i];
      this.marked[leaf] = 0;
      this.writeLeaf(leaf);
    }
  }

  /** Does host h fit class j's shape? */
  fits(j: number, h: number): boolean {
    const t = this.t;
    const s = this.shapes;
    const o = j * SHAPE_LENGTH;
    if (s[o] !== 0 && !(ramFit(t, h) >= s[o + 1])) return false;
    if (s[o + 2] !== 0 && !(cpuFit(t, h) >= s[o + 3])) return false;
    if (s[o + 4] !== 0 && !(diskFit(t, h) >= 1024 * s[o + 5])) return false;
    return s[o + 6] === 0 || gpuFits(t, h, s[o + 7], s[o + 8]);
  }

  private writeLeaf(leaf: number): void {
    const { t, tree, fitNow, vals, stride, shift, slotClass, slotField, slotMin } = this;
    const h = tree.hosts[leaf];
    const node = tree.cap + leaf;
    this.verdicts(h);
    for (let j = 0; j < this.classCount; j++) {
      const count = this.counts[j];
      if (count !== undefined && count[node] !== fitNow[j]) {
        const d = fitNow[j] - count[node];
        for (let v = node; v >= 1; v >>= 1) count[v] += d;
      }
    }
    const free = t.freeRamMb[h];
    const vcpus = t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h];
    const freeDisk = t.freeDiskMb[h];
    for (let s = 0; s < this.slotCount; s++) {
      const f = slotField[s];
      const min = slotMin[s] === 1;
      let x: number;
      if (fitNow[slotClass[s]] === 1) {
        // keyOf, written out.
        x =
          f === IndexField.RamMax || f === IndexField.RamMin
            ? free
            : f === IndexField.CpuMax || f === IndexField.CpuMin
              ? vcpus
              : freeDisk;
        if (!Number.isFinite(x)) this.broken[slotClass[s]] = 1;
      } else x = min ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      let i = (node << shift) + s;
      if (vals[i] === x) continue;
      vals[i] = x;
      // Up the path until the value stops changing (stride a power of two: the sibling is i ^ stride).
      if (min) {
        for (let v = node; v > 1; v >>= 1) {
          const sib = vals[i ^ stride];
          if (sib < x) x = sib;
          i = ((v >> 1) << shift) + s;
          if (vals[i] === x) break;
          vals[i] = x;
        }
      } else {
        for (let v = node; v > 1; v >>= 1) {
          const sib = vals[i ^ stride];
          if (sib > x) x = sib;
          i = ((v >> 1) << shift) + s;
          if (vals[i] === x) break;
          vals[i] = x;
        }
      }
    }
  }

  private fillSlot(s: number): void {
    const { t, tree, vals, stride } = this;
    const j = this.slotClass[s];
    const f = this.slotField[s];
    const min = isMinKey(f);
    const empty = min ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    const cap = tree.cap;
    for (let i = 0; i < cap; i++) {
      let x = empty;
      if (i < tree.size && this.fits(j, tree.hosts[i])) {
        x = keyOf(t, tree.hosts[i], f);
        if (!Number.isFinite(x)) this.broken[j] = 1;
      }
      vals[(cap + i) * stride + s] = x;
    }
    for (let v = cap - 1; v >= 1; v--) {
      const a = vals[2 * v * stride + s];
      const b = vals[(2 * v + 1) * stride + s];
      vals[v * stride + s] = min ? (b < a ? b : a) : b > a ? b : a;
    }
  }
}

/** A weigher key's raw value on host h: the same arithmetic as HostIndex's leaves. */
function keyOf(t: HostTable, h: number, f: number): number {
  if (f === IndexField.RamMax || f === IndexField.RamMin) return t.freeRamMb[h];
  if (f === IndexField.CpuMax || f === IndexField.CpuMin)
    return t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h];
  return t.freeDiskMb[h];
}

// The fit slacks of HostIndex's RamFit/CpuFit/DiskFit leaves: ≥ r exactly when ramFits(r) (cpuFits,
// diskFits in MB) passes. −Infinity for a NaN bound (never fits).

function ramFit(t: HostTable, h: number): number {
  const total = t.totalUsableRamMb[h];
  const slack = total * t.ramAllocationRatio[h] - (total - t.freeRamMb[h]);
  const fit = total < slack ? total : slack;
  return Number.isNaN(fit) ? Number.NEGATIVE_INFINITY : fit;
}

function cpuFit(t: HostTable, h: number): number {
  const total = t.vcpusTotal[h];
  if (!total) return Number.POSITIVE_INFINITY;
  const limit = total * t.cpuAllocationRatio[h];
  const slack = limit - t.vcpusUsed[h];
  const s = Number.isNaN(slack) ? Number.POSITIVE_INFINITY : slack;
  return limit > 0 && total < s ? total : s;
}

function diskFit(t: HostTable, h: number): number {
  const total = t.totalUsableDiskGb[h] * 1024;
  const slack = total * t.diskAllocationRatio[h] - (total - t.freeDiskMb[h]);
  const fit = total < slack ? total : slack;
  return Number.isNaN(fit) ? Number.NEGATIVE_INFINITY : fit;
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, length: number): T {
  if (a.length >= length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(length, 2 * a.length));
  next.set(a);
  return next;
}
