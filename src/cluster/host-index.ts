import { GPU_MILLI } from '../common/limits.ts';
import { FIT_TREE_LIMITS, FitTrees } from './fit-trees.ts';
import type { HostTable } from './host-table.ts';
import { cpuFitLevel, diskFitLevel, ramFitLevel } from './usage.ts';

/** The per-subtree aggregates a HostIndex keeps (`max` unless named `min`). */
export const IndexField = {
  /** usage.ts ramFitLevel, min(total RAM, RAM slack): a host fits `r` MB only if this is >= r. */
  RamFit: 0,
  /** The same for vCPUs (cpuFits): +Infinity for a host reporting no vCPUs. */
  CpuFit: 1,
  /** The same for disk, in MB (diskFits). */
  DiskFit: 2,
  /** Idle GPUs (a whole-GPU request of g GPUs fits only if this is >= g). */
  GpuIdle: 3,
  /** The largest free share of one GPU (a share of s fits only if this is >= s). */
  GpuShare: 4,
  /** RAMWeigher's raw value, freeRamMb. */
  RamMax: 5,
  RamMin: 6,
  /** CPUWeigher's raw value, total × ratio − used. */
  CpuMax: 7,
  CpuMin: 8,
  /** DiskWeigher's raw value, freeDiskMb. */
  DiskMax: 9,
  DiskMin: 10,
  /** The minima of RamFit, CpuFit and DiskFit: every host of a subtree fits r if its min is >= r. */
  RamFitMin: 11,
  CpuFitMin: 12,
  DiskFitMin: 13,
  /** Builds in flight, num_io_ops (IoOpsFilter's bound by its min, IoOpsWeigher's raw value). */
  IoOpsMax: 14,
  IoOpsMin: 15,
  /** Instances on the host (NumInstancesFilter's bound by its min, NumInstancesWeigher's raw value). */
  InstancesMax: 16,
  InstancesMin: 17,
  /**
   * The max of a fixed linear combination of weigher raw values (HostIndex.setCombo): a joint bound
   * for several weigher terms, far tighter than their separate maxima when the values are anti-correlated.
   */
  ComboMax: 18,
} as const;
/** One of IndexField's values. */
export type IndexField = (typeof IndexField)[keyof typeof IndexField];
export const INDEX_FIELDS = 19;

const isMin = (f: number) =>
  f === IndexField.RamMin ||
  f === IndexField.CpuMin ||
  f === IndexField.DiskMin ||
  f === IndexField.RamFitMin ||
  f === IndexField.CpuFitMin ||
  f === IndexField.DiskFitMin ||
  f === IndexField.IoOpsMin ||
  f === IndexField.InstancesMin;

/**
 * A tournament tree over a set of hosts in cluster order (leaf i = `hosts[i]`): per subtree, the
 * maximum (or minimum) of each field in `IndexField`, read from the host table. `update(h)` after a
 * host's usage changed keeps it exact in O(log n); `rebuild()` after the table was rewritten
 * wholesale. Only the fields asked for are kept (the others are empty arrays). Padding leaves hold
 * −Infinity maxima and +Infinity minima. Iterative, allocation-free after construction.
 */
export class HostIndex {
  /** Leaves: 2^levels >= hosts.length; node 1 is the root, leaf i is node `cap + i`. */
  readonly cap: number;
  readonly levels: number;
  readonly size: number;
  /** field -> per-node values (length 2·cap, or 0 when the field is not kept); see `nodes`. */
  private readonly values: Float64Array[];
  /** host -> its leaf, or −1 when the host is not in this set. */
  readonly leafOf: Int32Array;
  private readonly kept: number[];
  private combo: ComboKey | undefined = undefined;
  /**
   * Per-shape fit trees (fit-trees.ts): a record shared with other indexes over a superset of these
   * hosts (`shared`), or its own over the same leaves; none below FIT_TREE_LIMITS.minHosts hosts.
   */
  fit: FitTrees | undefined;
  /** This index's user number in `fit` (its hosts' counts). */
  fitUser: number;
  /** `fit` is this index's own (kept and rebuilt with it), not shared. */
  ownFit: boolean;
  // The current window of queries of a shared `fit` (sharedSearched): their count and nodes
  // visited, and this index's host changes meanwhile.
  private sharedQueries = 0;
  private sharedVisits = 0;
  private changes = 0;

  constructor(
    private readonly t: HostTable,
    /** The hosts, ascending. */
    readonly hosts: Int32Array,
    fields: readonly IndexField[],
    /** A fit-tree record over a superset of `hosts` to read (kept current by its owner). */
    shared?: FitTrees,
  ) {
    this.size = hosts.length;
    let levels = 0;
    while (1 << levels < this.size) levels++;
    this.levels = levels;
    this.cap = 1 << levels;
    this.kept = [...new Set(fields)];
    this.values = [];
    for (let f = 0; f < INDEX_FIELDS; f++) {
      this.values.push(new Float64Array(this.kept.includes(f) ? 2 * this.cap : 0));
    }
    this.leafOf = new Int32Array(t.size).fill(-1);
    for (let i = 0; i < hosts.length; i++) this.leafOf[hosts[i]] = i;
    const large = fitSized(this.size, t.size);
    const user = shared?.addUser(this.leafOf) ?? -1;
    this.ownFit = user < 0 && large;
    this.fit = user >= 0 ? shared : this.ownFit ? new FitTrees(t, hosts, this.cap) : undefined;
    this.fitUser = user >= 0 ? user : this.ownFit ? this.fit!.addUser(this.leafOf) : -1;
    this.lazy = large || user >= 0;
    let ring = 1024;
    while (ring < this.size) ring *= 2;
    this.ring = new Int32Array(this.lazy ? ring : 0);
    this.stamp = new Int32Array(this.lazy ? this.size : 0);
    this.rebuild();
  }

  /**
   * field -> per-node values, current: a large index (FIT_TREE_LIMITS.minHosts hosts and more) keeps
   * its host changes in a ring and applies them here, on the first read after them (each changed
   * leaf once, or a rebuild when they are many), so changes between two reads of the index cost
   * one update per host; a small one is updated at each change.
   */
  get nodes(): Float64Array[] {
    if (this.pending > 0) this.flush();
    return this.values;
  }

  /**
   * The same arrays as `nodes` without applying the pending changes: for a reader that keeps them
   * aside and reads `nodes` (which applies them) before it reads their values.
   */
  get unflushed(): Float64Array[] {
    return this.values;
  }

  private readonly lazy: boolean;
  private readonly ring: Int32Array;
  private readonly stamp: Int32Array;
  private token = 0;
  /** Changes in the ring not applied yet (the last `pending` entries before `next`). */
  private pending = 0;
  private next = 0;

  private flush(): void {
    const { ring, stamp } = this;
    const n = this.pending;
    this.pending = 0;
    // Past a quarter of the leaves (or what the ring holds) a rebuild is cheaper.
    if (n > ring.length || 4 * n > this.size) {
      this.rebuild();
      return;
    }
    const mask = ring.length - 1;
    const token = ++this.token;
    for (let s = this.next - n; s < this.next; s++) {
      const leaf = ring[s & mask];
      if (stamp[leaf] === token) continue;
      stamp[leaf] = token;
      this.apply(leaf);
    }
  }

  /** Whether field `f` is kept. */
  has(f: IndexField): boolean {
    return this.values[f].length > 0;
  }

  /** Set the ComboMax combination (kept fields only) and rebuild; +Infinity at every node until set. */
  setCombo(combo: ComboKey): void {
    this.combo = combo;
    this.rebuild();
  }

  /** The ComboMax combination set, or undefined. */
  get comboKey(): ComboKey | undefined {
    return this.combo;
  }

  /** Recompute every leaf and node from the host table: O(n). */
  rebuild(): void {
    const { cap } = this;
    this.pending = 0;
    for (const f of this.kept) {
      const a = this.values[f];
      a.fill(isMin(f) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    }
    for (let i = 0; i < this.size; i++) this.writeLeaf(i);
    for (const f of this.kept) {
      const a = this.values[f];
      const min = isMin(f);
      for (let v = cap - 1; v >= 1; v--) a[v] = combine(a[2 * v], a[2 * v + 1], min);
    }
    if (this.ownFit) this.fit!.rebuild();
  }

  /** Host `h`'s usage changed: its leaf and the path to the root, if it is in this set. */
  update(h: number): void {
    const leaf = this.leafOf[h];
    if (leaf < 0) return;
    this.changes++;
    if (this.ownFit) this.fit!.update(leaf);
    if (this.lazy) {
      this.ring[this.next++ & (this.ring.length - 1)] = leaf;
      this.pending++;
      return;
    }
    this.apply(leaf);
  }

  /**
   * A query read the shared `fit` for this index, visiting `nodes` nodes. Per window of
   * FIT_TREE_LIMITS.shareWindow queries: when the visits beyond a descent each (the hosts of the
   * record outside this index, skipped) cost more than keeping a record of its own would (
   * FIT_TREE_LIMITS.applyVisits per host change), an index of minHosts and more takes its own,
   * e.g. a partition whose hosts are fuller than the others (one of every host has nothing to skip).
   */
  sharedSearched(nodes: number): void {
    this.sharedVisits += nodes;
    if (++this.sharedQueries < FIT_TREE_LIMITS.shareWindow) return;
    const shared = this.fit!;
    const extra = this.sharedVisits - this.sharedQueries * 2 * shared.levels;
    const own = fitSized(this.size, this.t.size) && this.size < shared.hosts.length;
    if (own && extra > FIT_TREE_LIMITS.applyVisits * this.changes) {
      shared.removeUser(this.fitUser);
      const fit = new FitTrees(this.t, this.hosts, this.cap);
      fit.plainVisits = shared.plainVisits;
      this.fit = fit;
      this.ownFit = true;
      this.fitUser = fit.addUser(this.leafOf);
      this.onOwnFit?.(this);
    }
    this.sharedQueries = 0;
    this.sharedVisits = 0;
    this.changes = 0;
  }

  /** Called when sharedSearched gave this index a record of its own (e.g. for its subsets to read). */
  onOwnFit: ((tree: HostIndex) => void) | undefined = undefined;

  /**
   * Read `fit` (over a superset of these hosts, kept current by its owner) instead of the record
   * read or kept now, which is dropped; false when `fit` has no room for another reader.
   */
  readFit(fit: FitTrees): boolean {
    const user = fit.addUser(this.leafOf);
    if (user < 0) return false;
    if (!this.ownFit) this.fit?.removeUser(this.fitUser);
    this.fit = fit;
    this.fitUser = user;
    this.ownFit = false;
    this.sharedQueries = 0;
    this.sharedVisits = 0;
    this.changes = 0;
    return true;
  }

  /** Rewrite leaf `leaf` and the path above it while values change. */
  private apply(leaf: number): void {
    this.writeLeaf(leaf);
    for (const f of this.kept) {
      const a = this.values[f];
      const min = isMin(f);
      for (let v = (this.cap + leaf) >> 1; v >= 1; v >>= 1) {
        const next = combine(a[2 * v], a[2 * v + 1], min);
        if (a[v] === next) break;
        a[v] = next;
      }
    }
  }

  /** The first leaf index of node `v`'s subtree. */
  firstLeaf(v: number): number {
    const depth = 31 - Math.clz32(v);
    return (v - (1 << depth)) << (this.levels - depth);
  }

  private writeLeaf(i: number): void {
    const t = this.t;
    const h = this.hosts[i];
    const v = this.cap + i;
    const n = this.values;
    if (n[IndexField.RamFit].length > 0 || n[IndexField.RamFitMin].length > 0) {
      const fit = ramFitLevel(t, h);
      if (n[IndexField.RamFit].length > 0) n[IndexField.RamFit][v] = fit;
      if (n[IndexField.RamFitMin].length > 0) n[IndexField.RamFitMin][v] = fit;
    }
    if (n[IndexField.CpuFit].length > 0 || n[IndexField.CpuFitMin].length > 0) {
      const fit = cpuFitLevel(t, h);
      if (n[IndexField.CpuFit].length > 0) n[IndexField.CpuFit][v] = fit;
      if (n[IndexField.CpuFitMin].length > 0) n[IndexField.CpuFitMin][v] = fit;
    }
    if (n[IndexField.DiskFit].length > 0 || n[IndexField.DiskFitMin].length > 0) {
      const fit = diskFitLevel(t, h);
      if (n[IndexField.DiskFit].length > 0) n[IndexField.DiskFit][v] = fit;
      if (n[IndexField.DiskFitMin].length > 0) n[IndexField.DiskFitMin][v] = fit;
    }
    if (n[IndexField.GpuIdle].length > 0 || n[IndexField.GpuShare].length > 0) {
      let idle = 0;
      let most = Number.NEGATIVE_INFINITY;
      const free = t.gpuFreeMilli;
      for (let g = t.gpuStart[h], end = t.gpuStart[h] + t.gpuCount[h]; g < end; g++) {
        if (free[g] >= GPU_MILLI) idle++;
        if (free[g] > most) most = free[g];
      }
      if (n[IndexField.GpuIdle].length > 0) n[IndexField.GpuIdle][v] = idle;
      if (n[IndexField.GpuShare].length > 0) n[IndexField.GpuShare][v] = most;
    }
    if (n[IndexField.RamMax].length > 0) n[IndexField.RamMax][v] = t.freeRamMb[h];
    if (n[IndexField.RamMin].length > 0) n[IndexField.RamMin][v] = t.freeRamMb[h];
    const cpu = n[IndexField.CpuMax].length > 0 || n[IndexField.CpuMin].length > 0;
    if (cpu) {
      const x = t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h];
      if (n[IndexField.CpuMax].length > 0) n[IndexField.CpuMax][v] = x;
      if (n[IndexField.CpuMin].length > 0) n[IndexField.CpuMin][v] = x;
    }
    if (n[IndexField.DiskMax].length > 0) n[IndexField.DiskMax][v] = t.freeDiskMb[h];
    if (n[IndexField.DiskMin].length > 0) n[IndexField.DiskMin][v] = t.freeDiskMb[h];
    if (n[IndexField.IoOpsMax].length > 0) n[IndexField.IoOpsMax][v] = t.numIoOps[h];
    if (n[IndexField.IoOpsMin].length > 0) n[IndexField.IoOpsMin][v] = t.numIoOps[h];
    if (n[IndexField.InstancesMax].length > 0) n[IndexField.InstancesMax][v] = t.numInstances[h];
    if (n[IndexField.InstancesMin].length > 0) n[IndexField.InstancesMin][v] = t.numInstances[h];
    if (n[IndexField.ComboMax].length > 0) {
      const c = this.combo;
      let x = Number.POSITIVE_INFINITY;
      if (c !== undefined) {
        // Read back from the fields just written, clamped below as the weighers clamp.
        x = 0;
        for (let k = 0; k < c.fields.length; k++) {
          const raw = n[c.fields[k]][v];
          x += c.coeffs[k] * (raw < c.floors[k] ? c.floors[k] : raw);
        }
      }
      n[IndexField.ComboMax][v] = x;
    }
  }
}

/**
 * Does an index of `size` hosts of a cluster of `hosts` keep fit trees of its own: from
 * FIT_TREE_LIMITS.minHosts hosts, or a quarter of that in a cluster of minHosts and more (a small
 * cluster runs nothing new; in a large one, a partition kept at each change costs more).
 */
function fitSized(size: number, hosts: number): boolean {
  const min = FIT_TREE_LIMITS.minHosts;
  return size >= min || (hosts >= min && 4 * size >= min);
}

/** ComboMax's combination: the sum of coeffs[k] × max(field fields[k]'s leaf value, floors[k]). */
export interface ComboKey {
  /** Kept max fields (RamMax, ...), each written before ComboMax. */
  readonly fields: readonly IndexField[];
  readonly coeffs: Float64Array;
  /** −Infinity for no clamp. */
  readonly floors: Float64Array;
}

function combine(a: number, b: number, min: boolean): number {
  if (min) return b < a ? b : a;
  return b > a ? b : a;
}
