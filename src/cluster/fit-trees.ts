import { FitForest, FitMasks } from './fit-forest.ts';
import type { HostTable } from './host-table.ts';
import { cpuFitLevel, diskFitLevel, ramFitLevel } from './usage.ts';

/** Weigher keys a fit record can keep: the raw values of HostIndex's RamMax .. InstancesMax (max fields). */
const KEY_RAM = 5;
const KEY_CPU = 7;
const KEY_DISK = 9;
const KEY_IO = 14;
const KEY_INSTANCES = 16;

/** Whether a weigher's tree field (its max field) is a key a fit record can keep. */
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
 * `maxTrees`: at most this many request shapes per record (more use the plain search);
 * `minPlainVisits`: a shape or key is added only while the plain search visits more than this many
 * nodes per query, times the tree's levels, on average (FitTrees.plainVisits): on a cluster with
 * room (a fill from empty) the plain search is a descent, and keeping trees current would cost more;
 * `shareDivisor`: a partition of at least 1/shareDivisor of a cluster's hosts reads the fit trees
 * kept over all of them (PartitionCache) rather than keeping its own: each host change is then one
 * record's, and a query reads only the trees of its own classes of hosts (FitMasks);
 * `shareWindow`, `applyVisits`: HostIndex.sharedSearched's window and its price of a record leaf
 * rewrite in nodes visited.
 * Mutable for the equivalence tests only, which lower them.
 */
export const FIT_TREE_LIMITS = {
  minHosts: 256,
  maxTrees: 16,
  minPlainVisits: 4,
  shareDivisor: 16,
  shareWindow: 512,
  applyVisits: 20,
};

/** The most shapes (FIT_TREE_LIMITS.maxTrees is capped to it), keys, and readers of one record. */
const MAX_SHAPES = 16;
const MAX_KEYS = 4;
const MAX_USERS = 31;

/**
 * A record whose catch-ups rewrite more than this many leaves per query on average (after
 * RETIRE_AFTER queries) is retired: the index is queried too rarely for the changes of its hosts,
 * and the plain branch and bound is cheaper than keeping it. A leaf costs a climb or two, an
 * eighth of what the plain tree's flush pays for it (one per field kept).
 */
const MAX_WORK_PER_QUERY = 128;
const RETIRE_AFTER = 32;

/**
 * The fit trees of a set of hosts (a HostIndex's, or every host's, shared). A *shape* is what the
 * resource and count filters check of a request (their amounts, no GPUs); a *key* a weigher's raw
 * value, max or min (sign −1: a min is kept as the max of −key); a *slot* one shape and one key,
 * `shape * MAX_KEYS + key`. Hosts are grouped by the set of shapes they fit (their *mask*, from
 * usage.ts's fit levels, as the filters decide) and by the readers holding them (their class),
 * one FitForest tree per mask, class and key: a host is in one tree, so a change of its usage is
 * one climb per key (two when its mask changes), whatever the shapes. A slot's answer for a reader
 * is over the trees whose mask has its shape and whose class has the reader. Made on first use;
 * a host change only appends its leaf to a ring (O(1)), and the record catches up when read: each
 * changed leaf once, or a rebuild when they are many.
 */
export class FitTrees {
  /** Too dear to keep current for its queries, or too many masks: no longer read or kept. */
  retired = false;
  // Per shape: the thresholds a host's fit levels must reach (−Infinity: filter off) and the
  // count limits (+Infinity: off).
  private shapes = 0;
  private readonly ram = new Float64Array(MAX_SHAPES);
  private readonly cpu = new Float64Array(MAX_SHAPES);
  private readonly disk = new Float64Array(MAX_SHAPES);
  private readonly io = new Float64Array(MAX_SHAPES);
  private readonly inst = new Float64Array(MAX_SHAPES);
  // Per key: its weigher field (KEY_*) and sign, and its trees.
  private keys = 0;
  private readonly field = new Int32Array(MAX_KEYS);
  private readonly sign = new Float64Array(MAX_KEYS);
  private readonly forests: FitForest[] = [];
  /** The masks, their trees, and per user how many of its hosts each holds. */
  readonly masks: FitMasks;
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
   * The plain search's nodes visited per query over this record's indexes, a moving average
   * (`plainSearched`); a shape or key is added only when it is above minPlainVisits × levels.
   */
  plainVisits = 0;
  /** log2(cap). */
  readonly levels: number;

  constructor(
    private readonly t: HostTable,
    /** The hosts, ascending: leaf i is node `cap + i` of each tree. */
    readonly hosts: Int32Array,
    readonly cap: number,
  ) {
    this.levels = 31 - Math.clz32(cap);
    this.userBits = new Int32Array(hosts.length);
    this.masks = new FitMasks(hosts.length, MAX_SHAPES, MAX_USERS);
    let ring = 1024;
    while (ring < hosts.length) ring *= 2;
    this.ring = new Int32Array(ring);
    this.mask = ring - 1;
    this.stamp = new Int32Array(hosts.length);
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

  /** User u reads this record no more: its hosts are no longer counted (nor grouped apart). */
  removeUser(u: number): void {
    const bit = 1 << u;
    for (let i = 0; i < this.hosts.length; i++) this.userBits[i] &= ~bit;
    this.rebuild();
  }

  /** The first leaf of node v's subtree. */
  firstLeaf(v: number): number {
    const depth = 31 - Math.clz32(v);
    return (v - (1 << depth)) << (this.levels - depth);
  }

  /** The trees of slot `slot`'s key (node v of mask tree q at `nodes[q * width + v]`). */
  forest(slot: number): FitForest {
    return this.forests[slot % MAX_KEYS];
  }

  /** The slot's shape (user u's trees of it: FitMasks.list from `masks.offsetOf(shape, u)`, `masks.countOf(shape, u)`). */
  shapeOf(slot: number): number {
    return (slot / MAX_KEYS) | 0;
  }

  /** The sign the slot's key is kept with (+1 max, −1 min). */
  signOf(slot: number): number {
    return this.sign[slot % MAX_KEYS];
  }

  /**
   * The max of sign·key over the hosts of node v's subtree that fit the slot's shape, of user u's
   * trees (−Infinity: none; a mixed tree's leaves may be other users' hosts).
   */
  slotValue(slot: number, u: number, v: number): number {
    const nodes = this.forest(slot).nodes;
    const width = 2 * this.cap;
    const { masks } = this;
    const s = this.shapeOf(slot);
    let x = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < masks.countOf(s, u); j++) {
      const y = nodes[masks.list[masks.offsetOf(s, u) + j] * width + v];
      if (y > x) x = y;
    }
    return x;
  }

  /** The slot of this shape and key, current, made if there is room; −1 when there is none. */
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
    // A filter off: its threshold never excludes (one shape as the filters see it).
    const r = ramOn ? ramMb : Number.NEGATIVE_INFINITY;
    const c = cpuOn ? vcpus : Number.NEGATIVE_INFINITY;
    const d = diskOn ? 1024 * diskGb : Number.NEGATIVE_INFINITY;
    const sign = wantMax ? 1 : -1;
    let s = this.shapeIndex(r, c, d, ioMax, instMax);
    let k = 0;
    while (k < this.keys && !(this.field[k] === field && this.sign[k] === sign)) k++;
    if (s >= 0 && k < this.keys) {
      this.catchUp();
      return this.retired ? -1 : s * MAX_KEYS + k;
    }
    if (this.plainVisits < FIT_TREE_LIMITS.minPlainVisits * Math.max(1, this.levels)) return -1;
    // No room for the key: refused before anything changes (a shape added without the rebuild
    // that follows would leave every host's mask without its bit, and later queries wrong).
    if (k === this.keys && this.keys >= MAX_KEYS) return -1;
    if (s < 0) {
      if (this.shapes >= Math.min(FIT_TREE_LIMITS.maxTrees, MAX_SHAPES)) return -1;
      s = this.shapes++;
      this.ram[s] = r;
      this.cpu[s] = c;
      this.disk[s] = d;
      this.io[s] = ioMax;
      this.inst[s] = instMax;
    }
    if (k === this.keys) {
      this.field[k] = field;
      this.sign[k] = sign;
      this.forests.push(new FitForest(this.cap));
      this.keys++;
    }
    this.rebuild();
    return this.retired ? -1 : s * MAX_KEYS + k;
  }

  /** How many of user u's hosts fit this shape; −1 when the shape is not kept. */
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
    if (this.retired || this.keys === 0) return -1;
    const r = ramOn ? ramMb : Number.NEGATIVE_INFINITY;
    const c = cpuOn ? vcpus : Number.NEGATIVE_INFINITY;
    const d = diskOn ? 1024 * diskGb : Number.NEGATIVE_INFINITY;
    const s = this.shapeIndex(r, c, d, ioMax, instMax);
    if (s < 0) return -1;
    this.catchUp();
    return this.retired ? -1 : this.masks.count(u, s);
  }

  private shapeIndex(r: number, c: number, d: number, ioMax: number, instMax: number): number {
    for (let s = 0; s < this.shapes; s++) {
      if (
        this.ram[s] === r &&
        this.cpu[s] === c &&
        this.disk[s] === d &&
        this.io[s] === ioMax &&
        this.inst[s] === instMax
      )
        return s;
    }
    return -1;
  }

  /** The plain search answered a query of this record's indexes, visiting `nodes` nodes. */
  plainSearched(nodes: number): void {
    this.plainVisits += (nodes - this.plainVisits) / 16;
  }

  /** Leaf i's host changed. */
  update(i: number): void {
    if (this.keys === 0 || this.retired) return;
    this.ring[this.seq & this.mask] = i;
    this.seq++;
  }

  /** Recompute every tree from the host table: O(n · masks · keys). */
  rebuild(): void {
    this.seen = this.seq;
    if (this.keys === 0 || this.retired) return;
    this.masks.clear();
    for (const f of this.forests) f.clear();
    for (let i = 0; i < this.hosts.length && !this.retired; i++) this.writeLeaf(i, false);
    for (const f of this.forests) f.combineAll(this.masks.size);
  }

  /** Host i's mask now: a bit per shape it fits. */
  private maskOf(h: number): number {
    const t = this.t;
    const ramFit = ramFitLevel(t, h);
    const cpuFit = cpuFitLevel(t, h);
    const diskFit = diskFitLevel(t, h);
    const io = t.numIoOps[h];
    const inst = t.numInstances[h];
    let bits = 0;
    for (let s = 0; s < this.shapes; s++) {
      if (
        ramFit >= this.ram[s] &&
        cpuFit >= this.cpu[s] &&
        diskFit >= this.disk[s] &&
        io < this.io[s] &&
        inst < this.inst[s]
      )
        bits |= 1 << s;
    }
    return bits;
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

  /** Leaf i from its host: its tree by its mask, and its keys (`climb`: the paths above, too). */
  private writeLeaf(i: number, climb: boolean): void {
    const h = this.hosts[i];
    const masks = this.masks;
    const bits = this.maskOf(h);
    const users = this.userBits[i];
    const was = masks.treeOfLeaf[i];
    let q = -1;
    if (bits !== 0 && users !== 0) {
      const trees = masks.size;
      q = masks.treeFor(bits, users, was);
      if (q < 0) {
        this.retire();
        return;
      }
      if (masks.size !== trees) for (const f of this.forests) f.grow(masks.size);
    }
    if (q !== was) masks.move(i, was, q, this.userBits[i]);
    for (let k = 0; k < this.keys; k++) {
      const f = this.forests[k];
      if (q !== was && was >= 0) f.set(was, i, Number.NEGATIVE_INFINITY, climb);
      if (q >= 0) f.set(q, i, this.sign[k] * this.key(h, this.field[k]), climb);
    }
  }

  private retire(): void {
    this.retired = true;
    this.forests.length = 0;
    this.keys = 0;
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
        for (let s = this.seen; s < this.seq && !this.retired; s++) {
          const leaf = ring[s & mask];
          if (stamp[leaf] === token) continue;
          stamp[leaf] = token;
          this.writeLeaf(leaf, true);
          this.work++;
        }
      }
      this.seen = this.seq;
    }
    if (this.queries >= RETIRE_AFTER && this.work > MAX_WORK_PER_QUERY * this.queries) this.retire();
  }
}
