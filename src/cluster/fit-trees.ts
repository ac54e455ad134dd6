import type { HostTable } from './host-table.ts';
import { cpuFits, diskFits, ramFits } from './usage.ts';

/** Weigher keys a fit tree can keep: the raw values of HostIndex's RamMax .. InstancesMax (max fields). */
const KEY_RAM = 5;
const KEY_CPU = 7;
const KEY_DISK = 9;
const KEY_IO = 14;
const KEY_INSTANCES = 16;

/** Whether a weigher's tree field (its max field) is a key a fit tree can keep. */
export function fitKeyable(field: number): boolean {
  return (
    field === KEY_RAM ||
    field === KEY_CPU ||
    field === KEY_DISK ||
    field === KEY_IO ||
    field === KEY_INSTANCES
  );
}

/**
 * `minHosts`: partitions below this many hosts get no fit trees (a small cluster runs nothing new);
 * `maxTrees`: at most this many per HostIndex (the shapes in use; more use the plain search);
 * `minPlainVisits`: trees are made only while the plain search visits more than this many nodes
 * per query, times the tree's levels, on average (FitTrees.plainVisits): on a cluster with room
 * (a fill from empty) the plain search is a descent, and keeping trees current would cost more.
 * Mutable for the equivalence tests only, which lower them.
 */
export const FIT_TREE_LIMITS = { minHosts: 256, maxTrees: 16, minPlainVisits: 4 };

/**
 * A tree whose catch-ups rewrite more than this many leaves per query on average (after
 * RETIRE_AFTER queries) is retired: its shape is queried too rarely for the changes of its hosts,
 * and the plain branch and bound is cheaper than keeping it.
 */
const MAX_WORK_PER_QUERY = 24;
const RETIRE_AFTER = 32;

/**
 * One request shape (the resource and count filters in force and their amounts, no GPUs) and one
 * weigher key, max or min, over a HostIndex's leaves: leaf i holds the key of host `hosts[i]` when
 * that host fits the shape (usage.ts's own predicates), else −Infinity (max) or +Infinity (min);
 * node v the extreme over its subtree. So the constrained extreme of the key is the root, and its
 * leftmost host a descent; `count` is how many hosts fit. Kept lazily by FitTrees.
 */
export class FitTree {
  readonly keys: Float64Array;
  count = 0;
  /** The change (FitTrees.seq) this tree is current to. */
  seen = 0;
  /** Its queries, and the leaves its catch-ups rewrote (a rebuild counts every leaf). */
  queries = 0;
  work = 0;
  /** Too dear to keep current for its queries (FitTrees.catchUp): no longer read or kept. */
  retired = false;
  /** What no fitting host holds: −Infinity for a max tree, +Infinity for a min tree. */
  readonly empty: number;

  constructor(
    private readonly t: HostTable,
    private readonly hosts: Int32Array,
    private readonly cap: number,
    readonly ramOn: boolean,
    readonly ramMb: number,
    readonly cpuOn: boolean,
    readonly vcpus: number,
    readonly diskOn: boolean,
    readonly diskGb: number,
    readonly ioMax: number,
    readonly instMax: number,
    readonly field: number,
    readonly wantMax: boolean,
  ) {
    this.keys = new Float64Array(2 * cap);
    this.empty = wantMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    this.rebuild();
  }

  /** Does host h pass the shape's filters (as IndexedSearch.leafFits, exclusions aside)? */
  fits(h: number): boolean {
    const t = this.t;
    if (this.ramOn && !ramFits(t, h, this.ramMb)) return false;
    if (this.cpuOn && !cpuFits(t, h, this.vcpus)) return false;
    if (this.diskOn && !diskFits(t, h, this.diskGb)) return false;
    if (!(t.numIoOps[h] < this.ioMax)) return false;
    return t.numInstances[h] < this.instMax;
  }

  /** Host h's key (the weigher's raw value, as HostIndex's leaves write it). */
  key(h: number): number {
    const t = this.t;
    switch (this.field) {
      case KEY_RAM:
        return t.freeRamMb[h];
      case KEY_CPU:
        return t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h];
      case KEY_DISK:
        return t.freeDiskMb[h];
      case KEY_IO:
        return t.numIoOps[h];
      default:
        return t.numInstances[h];
    }
  }

  rebuild(): void {
    const { keys, cap, hosts } = this;
    keys.fill(this.empty);
    let count = 0;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i];
      if (this.fits(h)) {
        keys[cap + i] = this.key(h);
        count++;
      }
    }
    this.count = count;
    const max = this.wantMax;
    for (let v = cap - 1; v >= 1; v--) {
      const a = keys[2 * v];
      const b = keys[2 * v + 1];
      keys[v] = max ? (b > a ? b : a) : b < a ? b : a;
    }
  }

  /** Is this tree's shape the one given (amounts of filters off already 0)? */
  isShape(
    ramOn: boolean,
    ramMb: number,
    cpuOn: boolean,
    vcpus: number,
    diskOn: boolean,
    diskGb: number,
    ioMax: number,
    instMax: number,
  ): boolean {
    return (
      this.ramMb === ramMb &&
      this.vcpus === vcpus &&
      this.diskGb === diskGb &&
      this.ramOn === ramOn &&
      this.cpuOn === cpuOn &&
      this.diskOn === diskOn &&
      this.ioMax === ioMax &&
      this.instMax === instMax
    );
  }

  /** Leaf i's host changed. */
  update(i: number): void {
    const keys = this.keys;
    let v = this.cap + i;
    const h = this.hosts[i];
    const old = keys[v];
    const fit = this.fits(h);
    const x = fit ? this.key(h) : this.empty;
    if (x === old) return;
    if (old === this.empty) this.count++;
    else if (!fit) this.count--;
    keys[v] = x;
    const max = this.wantMax;
    for (v >>= 1; v >= 1; v >>= 1) {
      const a = keys[2 * v];
      const b = keys[2 * v + 1];
      const next = max ? (b > a ? b : a) : b < a ? b : a;
      if (keys[v] === next) break;
      keys[v] = next;
    }
  }
}

/**
 * The fit trees of one HostIndex, made on first use up to FIT_TREE_LIMITS.maxTrees, kept lazily: a
 * host change only appends its leaf to a ring of changes (O(1), whatever the number of trees), and a
 * tree catches up when it is read: the leaves changed since (each once), or a rebuild when they are
 * many. So a tree pays for the changes between two of its own queries, at most one rebuild.
 */
export class FitTrees {
  readonly list: FitTree[] = [];
  /** Changes so far; change s is leaf `ring[s & mask]` while s > seq − ring.length. */
  private seq = 0;
  private readonly ring: Int32Array;
  private readonly mask: number;
  /** Per leaf, the catch-up that last rewrote it (each changed leaf once per catch-up). */
  private readonly stamp: Int32Array;
  private token = 0;
  /**
   * The plain search's nodes visited per query over this index, a moving average (`plainSearched`);
   * a new tree is made only when it is above FIT_TREE_LIMITS.minPlainVisits × levels.
   */
  plainVisits = 0;
  private readonly levels: number;

  constructor(
    private readonly t: HostTable,
    private readonly hosts: Int32Array,
    private readonly cap: number,
  ) {
    this.levels = Math.max(1, 31 - Math.clz32(cap));
    let ring = 1024;
    while (ring < hosts.length) ring *= 2;
    this.ring = new Int32Array(ring);
    this.mask = ring - 1;
    this.stamp = new Int32Array(hosts.length);
  }

  /** The current tree of this shape and key, made if there is room; undefined when there is none. */
  get(
    ramOn: boolean,
    ramMb: number,
    cpuOn: boolean,
    vcpus: number,
    diskOn: boolean,
    diskGb: number,
    ioMax: number,
    instMax: number,
    field: number,
    wantMax: boolean,
  ): FitTree | undefined {
    const list = this.list;
    // A filter off: its amount does not matter (one tree per shape as the filters see it).
    const r = ramOn ? ramMb : 0;
    const c = cpuOn ? vcpus : 0;
    const d = diskOn ? diskGb : 0;
    for (let i = 0; i < list.length; i++) {
      const f = list[i];
      if (
        f.field === field &&
        f.wantMax === wantMax &&
        f.isShape(ramOn, r, cpuOn, c, diskOn, d, ioMax, instMax)
      ) {
        if (f.retired) return undefined;
        this.catchUp(f);
        return f.retired ? undefined : f;
      }
    }
    if (list.length >= FIT_TREE_LIMITS.maxTrees) return undefined;
    if (this.plainVisits < FIT_TREE_LIMITS.minPlainVisits * this.levels) return undefined;
    const made = new FitTree(
      this.t,
      this.hosts,
      this.cap,
      ramOn,
      r,
      cpuOn,
      c,
      diskOn,
      d,
      ioMax,
      instMax,
      field,
      wantMax,
    );
    made.seen = this.seq;
    list.push(made);
    return made;
  }

  /** How many hosts fit this shape, from any tree of it; −1 when none is kept. */
  countFor(
    ramOn: boolean,
    ramMb: number,
    cpuOn: boolean,
    vcpus: number,
    diskOn: boolean,
    diskGb: number,
    ioMax: number,
    instMax: number,
  ): number {
    const list = this.list;
    const r = ramOn ? ramMb : 0;
    const c = cpuOn ? vcpus : 0;
    const d = diskOn ? diskGb : 0;
    for (let i = 0; i < list.length; i++) {
      const f = list[i];
      if (!f.retired && f.isShape(ramOn, r, cpuOn, c, diskOn, d, ioMax, instMax)) {
        this.catchUp(f);
        if (!f.retired) return f.count;
        return -1;
      }
    }
    return -1;
  }

  /** The plain search answered a query of this index, visiting `nodes` nodes. */
  plainSearched(nodes: number): void {
    this.plainVisits += (nodes - this.plainVisits) / 16;
  }

  /** Leaf i's host changed. */
  update(i: number): void {
    if (this.list.length === 0) return;
    this.ring[this.seq & this.mask] = i;
    this.seq++;
  }

  rebuild(): void {
    for (const f of this.list) {
      if (f.retired) continue;
      f.rebuild();
      f.seen = this.seq;
    }
  }

  private catchUp(f: FitTree): void {
    const lag = this.seq - f.seen;
    f.queries++;
    if (lag > 0) {
      // Past a quarter of the leaves (or what the ring still holds) a rebuild is cheaper.
      if (lag > this.ring.length || 4 * lag > this.hosts.length) {
        f.rebuild();
        f.work += this.hosts.length;
      } else {
        const token = ++this.token;
        const { ring, mask, stamp } = this;
        for (let s = f.seen; s < this.seq; s++) {
          const leaf = ring[s & mask];
          if (stamp[leaf] === token) continue;
          stamp[leaf] = token;
          f.update(leaf);
          f.work++;
        }
      }
      f.seen = this.seq;
    }
    if (f.queries >= RETIRE_AFTER && f.work > MAX_WORK_PER_QUERY * f.queries) f.retired = true;
  }
}
