import type { HostTable } from './host-table.ts';
import { cpuFitLevel, diskFitLevel, ramFitLevel } from './usage.ts';

/** Weigher keys a fit slot can keep: the raw values of HostIndex's RamMax .. InstancesMax (max fields). */
const KEY_RAM = 5;
const KEY_CPU = 7;
const KEY_DISK = 9;
const KEY_IO = 14;
const KEY_INSTANCES = 16;

/** Whether a weigher's tree field (its max field) is a key a fit slot can keep. */
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
 * `maxTrees`: at most this many slots (shape and key) per HostIndex (more use the plain search);
 * `minPlainVisits`: a slot is made only while the plain search visits more than this many nodes
 * per query, times the tree's levels, on average (FitTrees.plainVisits): on a cluster with room
 * (a fill from empty) the plain search is a descent, and keeping slots current would cost more;
 * `shareDivisor`: a partition of at least 1/shareDivisor of a cluster's hosts reads the fit trees
 * kept over all of them (PartitionCache), skipping the other hosts, rather than keeping its own: each
 * host change is then one record's, and a query skips few hosts before one of its own;
 * `shareWindow`, `applyVisits`: HostIndex.sharedSearched's window and its price of a record leaf
 * rewrite in nodes visited (an apply of 8 slots costs about 40 visits of a search).
 * Mutable for the equivalence tests only, which lower them.
 */
export const FIT_TREE_LIMITS = {
  minHosts: 256,
  maxTrees: 16,
  minPlainVisits: 4,
  shareDivisor: 4,
  shareWindow: 512,
  applyVisits: 40,
};

/** The most slots a record holds (FIT_TREE_LIMITS.maxTrees is capped to it). */
const MAX_SLOTS = 16;
/** The most indexes reading one record (FitTrees.addUser). */
const MAX_USERS = 31;

/**
 * Fit trees whose catch-ups rewrite more than this many leaves per query on average (after
 * RETIRE_AFTER queries) are retired: the index is queried too rarely for the changes of its hosts,
 * and the plain branch and bound is cheaper than keeping them.
 */
const MAX_WORK_PER_QUERY = 24;
const RETIRE_AFTER = 32;

/**
 * The fit trees of one HostIndex, in one record: slot s is a request shape (the resource and count
 * filters in force and their amounts, no GPUs) and a weigher key, max or min; node v holds in
 * `keys[v * stride + s]` the max of sign·key over the hosts of its subtree that fit the shape
 * (usage.ts's fit levels, as the filters decide), sign −1 for a min slot, −Infinity when none fits.
 * So a constrained extreme is the root and its leftmost host a descent, and `count(s)` how many
 * hosts fit. Slots are made on first use up to FIT_TREE_LIMITS.maxTrees; a host change only appends
 * its leaf to a ring (O(1)), and the record catches up when a slot is read: each changed leaf once,
 * all slots in one climb (the host's fit levels read once), or a rebuild when they are many.
 */
export class FitTrees {
  /** Node v, slot s: keys[v * stride + s]. Replaced when slots outgrow the stride. */
  keys: Float64Array;
  stride = 1;
  /** Slots in use. */
  slots = 0;
  /** Too dear to keep current for its queries (catchUp): no longer read or kept. */
  retired = false;
  // Per slot: the thresholds a host's fit levels must reach (−Infinity: filter off), the count
  // limits (+Infinity: off), the key (KEY_*), its sign, and how many hosts fit.
  private readonly ram = new Float64Array(MAX_SLOTS);
  private readonly cpu = new Float64Array(MAX_SLOTS);
  private readonly disk = new Float64Array(MAX_SLOTS);
  private readonly io = new Float64Array(MAX_SLOTS);
  private readonly inst = new Float64Array(MAX_SLOTS);
  private readonly field = new Int32Array(MAX_SLOTS);
  private readonly sign = new Float64Array(MAX_SLOTS);
  /** Per user u and slot s, `fitting[u * MAX_SLOTS + s]`: how many of its hosts fit. */
  private readonly fitting = new Int32Array(MAX_USERS * MAX_SLOTS);
  /** Per leaf, a bit per user whose hosts include it. */
  private readonly userBits: Int32Array;
  private users = 0;
  /** Changes so far; change s is leaf `ring[s & mask]` while s > seq − ring.length. */
  private seq = 0;
  /** The change the record is current to. */
  private seen = 0;
  private readonly ring: Int32Array;
  private readonly mask: number;
  /** Per leaf, the catch-up that last rewrote it (each changed leaf once per catch-up). */
  private readonly stamp: Int32Array;
  private token = 0;
  /** Queries, and the leaves catch-ups rewrote (a rebuild counts every leaf). */
  private queries = 0;
  private work = 0;
  /**
   * The plain search's nodes visited per query over this index, a moving average (`plainSearched`);
   * a new slot is made only when it is above FIT_TREE_LIMITS.minPlainVisits × levels.
   */
  plainVisits = 0;
  /** log2(cap). */
  readonly levels: number;

  constructor(
    private readonly t: HostTable,
    /** The hosts, ascending: leaf i is node `cap + i`. */
    readonly hosts: Int32Array,
    readonly cap: number,
  ) {
    this.levels = 31 - Math.clz32(cap);
    this.userBits = new Int32Array(hosts.length);
    let ring = 1024;
    while (ring < hosts.length) ring *= 2;
    this.ring = new Int32Array(ring);
    this.mask = ring - 1;
    this.stamp = new Int32Array(hosts.length);
    this.keys = new Float64Array(0);
  }

  /**
   * Register an index over some of these hosts (`leafOf[h] >= 0`) as a reader: its number for
   * `countFor`, or −1 when the record has as many as it can count for.
   */
  addUser(leafOf: Int32Array): number {
    if (this.users >= MAX_USERS) return -1;
    const u = this.users++;
    for (let i = 0; i < this.hosts.length; i++) if (leafOf[this.hosts[i]] >= 0) this.userBits[i] |= 1 << u;
    this.rebuild();
    return u;
  }

  /** User u reads this record no more: its hosts are no longer counted. */
  removeUser(u: number): void {
    const bit = 1 << u;
    for (let i = 0; i < this.hosts.length; i++) this.userBits[i] &= ~bit;
    this.fitting.fill(0, u * MAX_SLOTS, (u + 1) * MAX_SLOTS);
  }

  /** The first leaf of node v's subtree. */
  firstLeaf(v: number): number {
    const depth = 31 - Math.clz32(v);
    return (v - (1 << depth)) << (this.levels - depth);
  }

  /**
   * The slot of this shape and key, current, made if there is room; −1 when there is none. Read
   * `keys` and `stride` after it (a new slot may replace them).
   */
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
  ): number {
    if (this.retired) return -1;
    // A filter off: its threshold never excludes (one slot per shape as the filters see it).
    const r = ramOn ? ramMb : Number.NEGATIVE_INFINITY;
    const c = cpuOn ? vcpus : Number.NEGATIVE_INFINITY;
    const d = diskOn ? 1024 * diskGb : Number.NEGATIVE_INFINITY;
    const sign = wantMax ? 1 : -1;
    for (let s = 0; s < this.slots; s++) {
      if (this.field[s] === field && this.sign[s] === sign && this.isShape(s, r, c, d, ioMax, instMax)) {
        this.catchUp();
        return this.retired ? -1 : s;
      }
    }
    if (this.slots >= Math.min(FIT_TREE_LIMITS.maxTrees, MAX_SLOTS)) return -1;
    if (this.plainVisits < FIT_TREE_LIMITS.minPlainVisits * Math.max(1, this.levels)) return -1;
    const s = this.slots++;
    this.ram[s] = r;
    this.cpu[s] = c;
    this.disk[s] = d;
    this.io[s] = ioMax;
    this.inst[s] = instMax;
    this.field[s] = field;
    this.sign[s] = sign;
    if (this.slots > this.stride || this.keys.length === 0) {
      while (this.stride < this.slots) this.stride *= 2;
      this.keys = new Float64Array(2 * this.cap * this.stride);
    }
    this.rebuild();
    return s;
  }

  /** How many of user u's hosts fit this shape, from any slot of it; −1 when none is kept. */
  countFor(
    u: number,
    ramOn: boolean,
    ramMb: number,
    cpuOn: boolean,
    vcpus: number,
    diskOn: boolean,
    diskGb: number,
    ioMax: number,
    instMax: number,
  ): number {
    if (this.retired) return -1;
    const r = ramOn ? ramMb : Number.NEGATIVE_INFINITY;
    const c = cpuOn ? vcpus : Number.NEGATIVE_INFINITY;
    const d = diskOn ? 1024 * diskGb : Number.NEGATIVE_INFINITY;
    for (let s = 0; s < this.slots; s++) {
      if (this.isShape(s, r, c, d, ioMax, instMax)) {
        this.catchUp();
        return this.retired ? -1 : this.fitting[u * MAX_SLOTS + s];
      }
    }
    return -1;
  }

  private isShape(s: number, r: number, c: number, d: number, ioMax: number, instMax: number): boolean {
    return (
      this.ram[s] === r &&
      this.cpu[s] === c &&
      this.disk[s] === d &&
      this.io[s] === ioMax &&
      this.inst[s] === instMax
    );
  }

  /** The plain search answered a query of this index, visiting `nodes` nodes. */
  plainSearched(nodes: number): void {
    this.plainVisits += (nodes - this.plainVisits) / 16;
  }

  /** Leaf i's host changed. */
  update(i: number): void {
    if (this.slots === 0 || this.retired) return;
    this.ring[this.seq & this.mask] = i;
    this.seq++;
  }

  /** Recompute every slot from the host table: O(n · slots). */
  rebuild(): void {
    this.seen = this.seq;
    const { keys, stride, cap, slots } = this;
    if (slots === 0 || this.retired) return;
    keys.fill(Number.NEGATIVE_INFINITY);
    this.fitting.fill(0);
    for (let i = 0; i < this.hosts.length; i++) this.writeLeaf(i);
    for (let v = cap - 1; v >= 1; v--) {
      const o = v * stride;
      const l = 2 * o;
      const r = l + stride;
      for (let s = 0; s < slots; s++) {
        const a = keys[l + s];
        const b = keys[r + s];
        keys[o + s] = b > a ? b : a;
      }
    }
  }

  /** Rewrite leaf i's slots from its host; a bit per slot whose value changed. */
  private writeLeaf(i: number): number {
    const t = this.t;
    const h = this.hosts[i];
    const ramFit = ramFitLevel(t, h);
    const cpuFit = cpuFitLevel(t, h);
    const diskFit = diskFitLevel(t, h);
    const io = t.numIoOps[h];
    const inst = t.numInstances[h];
    const { keys, slots, fitting } = this;
    const o = (this.cap + i) * this.stride;
    let changed = 0;
    for (let s = 0; s < slots; s++) {
      const fits =
        ramFit >= this.ram[s] &&
        cpuFit >= this.cpu[s] &&
        diskFit >= this.disk[s] &&
        io < this.io[s] &&
        inst < this.inst[s];
      const x = fits ? this.sign[s] * this.key(h, this.field[s]) : Number.NEGATIVE_INFINITY;
      const old = keys[o + s];
      if (x === old) continue;
      // Keys are finite (the index's plan checks the table), so −Infinity is "does not fit".
      const flip = old === Number.NEGATIVE_INFINITY ? 1 : fits ? 0 : -1;
      if (flip !== 0) {
        for (let b = this.userBits[i]; b !== 0; b &= b - 1)
          fitting[(31 - Math.clz32(b & -b)) * MAX_SLOTS + s] += flip;
      }
      keys[o + s] = x;
      changed |= 1 << s;
    }
    return changed;
  }

  /** Host h's key `field` (the weigher's raw value, as HostIndex's leaves write it). */
  private key(h: number, field: number): number {
    const t = this.t;
    switch (field) {
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

  /** Leaf i's slots and the path above it, each slot while its value changes. */
  private apply(i: number): void {
    let changed = this.writeLeaf(i);
    const { keys, stride } = this;
    for (let v = (this.cap + i) >> 1; v >= 1 && changed !== 0; v >>= 1) {
      const o = v * stride;
      const l = 2 * o;
      const r = l + stride;
      let next = 0;
      for (let bits = changed; bits !== 0; bits &= bits - 1) {
        const s = 31 - Math.clz32(bits & -bits);
        const a = keys[l + s];
        const b = keys[r + s];
        const x = b > a ? b : a;
        const was = keys[o + s];
        keys[o + s] = x;
        next |= (was === x ? 0 : 1) << s;
      }
      changed = next;
    }
  }

  private catchUp(): void {
    const lag = this.seq - this.seen;
    this.queries++;
    if (lag > 0) {
      // Past a quarter of the leaves (or what the ring still holds) a rebuild is cheaper.
      if (lag > this.ring.length || 4 * lag > this.hosts.length) {
        this.rebuild();
        this.work += this.hosts.length;
      } else {
        const token = ++this.token;
        const { ring, mask, stamp } = this;
        for (let s = this.seen; s < this.seq; s++) {
          const leaf = ring[s & mask];
          if (stamp[leaf] === token) continue;
          stamp[leaf] = token;
          this.apply(leaf);
          this.work++;
        }
      }
      this.seen = this.seq;
    }
    if (this.queries >= RETIRE_AFTER && this.work > MAX_WORK_PER_QUERY * this.queries) {
      this.retired = true;
      this.keys = new Float64Array(0);
    }
  }
}
