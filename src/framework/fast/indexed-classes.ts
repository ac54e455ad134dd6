import { classKeyable, type FitClasses, SHAPE_LENGTH } from '../../cluster/fit-classes.ts';
import type { IndexField } from '../../cluster/host-index.ts';
import type { HostWeigher } from '../types.ts';
import type { Partition } from './indexed-partitions.ts';
import type { IndexedSearch } from './indexed-search.ts';

/** A shape whose queries on one partition have not yet earned a FitClass: their excess visits. */
interface Pending {
  readonly shape: Float64Array;
  readonly keyField: number;
  excess: number;
  /** The partition's change count when the shape was first seen. */
  readonly since: number;
}

/** Shapes tracked per partition before they get a class (the rest are queried plainly). */
const MAX_PENDING = 64;

/**
 * IndexedSearch's `extreme` and `countFits` answered from the partition's fit class for the
 * request's shape when it has one (cluster/fit-classes.ts): the hosts that fit, with the max/min
 * of the weigher key per node, so the extreme is a descent (anti-affinity and chosen hosts still
 * skipped by backtracking). A shape gets a class on a partition once its plain queries there have
 * visited more nodes than descents would, by more than the class would cost to build and keep
 * current over the same time (so a cluster that never fills, where plain queries are cheap, or a
 * partition rarely queried, makes none), within a budget of leaves over all classes.
 * Same answers as the plain queries: the same branch and bound, with exact per-class bounds.
 */
export class ClassedQueries {
  private readonly pending = new Map<FitClasses, Pending[]>();
  private leaves = 0;
  private readonly stack = new Int32Array(128);
  private readonly bounds = new Float64Array(128);
  /** Leaves the class descents found not fitting the query's shape, in all. */
  visits = 0;

  constructor(
    private readonly search: IndexedSearch,
    /** The budget of class leaves, over all partitions and key arrays. */
    private readonly maxLeaves: number,
    /**
     * A shape gets its class after excess visits of this many times the partition's size (plus
     * its upkeep); negative: at its first query (tests).
     */
    private readonly promoteAfter = 2,
  ) {}

  /** search.extreme(p.tree, w, maxField, wantMax), from a class when there is one. */
  extreme(p: Partition, w: HostWeigher, maxField: number, wantMax: boolean): number {
    const search = this.search;
    const keyField = wantMax ? maxField : maxField + 1;
    const classes = p.classes;
    if (classes.classes === 0 && this.leaves + p.tree.cap > this.maxLeaves)
      return search.extreme(p.tree, w, maxField as IndexField, wantMax);
    if (classes.slots > 0) classes.flush();
    const c = classes.find(search.shape);
    const slot = c < 0 ? -1 : classes.slot(c, keyField);
    if (slot >= 0 && classes.broken[c] === 0) return this.classExtreme(p, slot, w, wantMax);
    if (slot >= 0 || !classKeyable(keyField))
      return search.extreme(p.tree, w, maxField as IndexField, wantMax);
    const before = search.visits;
    const x = search.extreme(p.tree, w, maxField as IndexField, wantMax);
    this.note(p, c, keyField, search.visits - before, true);
    return x;
  }

  /** search.countFits(p.tree) (exclusions ignored), from a class's counts when it has a class. */
  countFits(p: Partition): number {
    const search = this.search;
    if (p.tree.size === 0) return 0;
    const classes = p.classes;
    let c = classes.find(search.shape);
    // Counts are cheap to keep (a walk only when a verdict flips): a partition with classes (whose
    // HostIndex is not kept current for plain queries) counts every shape asked.
    if (c < 0 && classes.classes > 0 && this.afford(p, 0.5)) c = classes.addClass(search.shape);
    else if (c >= 0 && !classes.hasCount(c) && !this.afford(p, 0.5)) c = -1;
    if (c < 0) return search.countFits(p.tree);
    const count = classes.countArray(c);
    classes.flush();
    return count[1];
  }

  /**
   * Count a plain query's wasted visits (plain: false for a future query over another class); past the threshold,
   * give the shape its class.
   */
  private note(p: Partition, c: number, keyField: number, wasted: number, plain: boolean): void {
    const tree = p.tree;
    // Plain queries on a partition with classes already would also keep its HostIndex current
    // (flushed for them), which costs more than one more class.
    const eager = this.promoteAfter < 0 || (plain && p.classes.classes > 0);
    // Visits that found no fitting host (a wasted leaf of a descent: about half a path).
    const excess = plain ? wasted : (wasted * tree.levels) / 2;
    if ((excess <= 0 && !eager) || this.leaves + tree.cap > this.maxLeaves) return;
    let list = this.pending.get(p.classes);
    if (list === undefined) {
      list = [];
      this.pending.set(p.classes, list);
    }
    const shape = this.search.shape;
    let entry: Pending | undefined;
    for (const e of list) if (e.keyField === keyField && sameShape(e.shape, shape)) entry = e;
    if (entry === undefined) {
      if (list.length >= MAX_PENDING) return;
      entry = { shape: Float64Array.from(shape), keyField, excess: 0, since: p.classes.changes };
      list.push(entry);
    }
    if (excess > 0) entry.excess += excess;
    // Over a smaller shape's class, the question is whether this shape's own class would save
    // more visits than it costs: its verdict and about levels/2 steps per change. A plain query
    // keeps the HostIndex current too (more than a class costs): it only has to earn the build.
    const upkeep = plain ? 0 : ((p.classes.changes - entry.since) * (tree.levels + 2)) / 2;
    if (!eager && entry.excess <= upkeep + this.promoteAfter * tree.size) return;
    if (!this.afford(p, 1)) return;
    list.splice(list.indexOf(entry), 1);
    p.classes.addSlot(c >= 0 ? c : p.classes.addClass(shape), keyField);
  }

  /** Take `share` of an array of doubles per leaf from the budget, if it allows. */
  private afford(p: Partition, share: number): boolean {
    const cost = share * p.tree.cap;
    if (this.leaves + cost > this.maxLeaves) return false;
    this.leaves += cost;
    return true;
  }

  /**
   * IndexedSearch.extreme's branch and bound over a slot's keys (empty subtrees hold the sentinel):
   * the slot's class has every host that fits the query's shape, so its keys bound theirs.
   */
  private classExtreme(p: Partition, slot: number, w: HostWeigher, wantMax: boolean): number {
    const search = this.search;
    const tree = p.tree;
    search.extremeLeaf = -1;
    if (tree.size === 0) return Number.NaN;
    const { vals, stride } = p.classes;
    const empty = wantMax ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (vals[stride + slot] === empty) return Number.NaN;
    const sign = wantMax ? 1 : -1;
    const min = w.minval ?? Number.NEGATIVE_INFINITY;
    const max = w.maxval ?? Number.POSITIVE_INFINITY;
    const { stack, bounds } = this;
    const { cap, size } = tree;
    const req = search.req!;
    let best = Number.NEGATIVE_INFINITY;
    let bestLeaf = -1;
    let top = 0;
    stack[top] = 1;
    bounds[top++] = sign * clamp(vals[stride + slot], min, max);
    let wasted = 0;
    while (top > 0) {
      const v = stack[--top];
      const b = bounds[top];
      if (bestLeaf >= 0 && (b < best || (b === best && tree.firstLeaf(v) > bestLeaf))) continue;
      if (v >= cap) {
        const leaf = v - cap;
        if (leaf >= size) continue;
        const h = tree.hosts[leaf];
        // The class bounds; the query's own verdict (its shape, the exclusions) decides.
        if (!search.leafFits(h)) {
          wasted++;
          continue;
        }
        const x = sign * clamp(w.weigh(h, req), min, max);
        if (bestLeaf < 0 || x > best || (x === best && leaf < bestLeaf)) {
          best = x;
          bestLeaf = leaf;
        }
        continue;
      }
      const l = 2 * v;
      const r = l + 1;
      const kl = vals[l * stride + slot];
      const kr = vals[r * stride + slot];
      if (kr === empty) {
        if (kl === empty) continue;
        stack[top] = l;
        bounds[top++] = sign * clamp(kl, min, max);
        continue;
      }
      const br = sign * clamp(kr, min, max);
      if (kl === empty) {
        stack[top] = r;
        bounds[top++] = br;
        continue;
      }
      const bl = sign * clamp(kl, min, max);
      // The more promising child last, so it is searched first (the left one on a tie).
      if (br > bl) {
        stack[top] = l;
        bounds[top++] = bl;
        stack[top] = r;
        bounds[top++] = br;
      } else {
        stack[top] = r;
        bounds[top++] = br;
        stack[top] = l;
        bounds[top++] = bl;
      }
    }
    search.extremeLeaf = bestLeaf;
    this.visits += wasted;
    return bestLeaf < 0 ? Number.NaN : sign * best;
  }
}

function sameShape(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let i = 0; i < SHAPE_LENGTH; i++) if (a[i] !== b[i]) return false;
  return true;
}

function clamp(x: number, min: number, max: number): number {
  if (x < min) x = min;
  if (x > max) x = max;
  return x;
}
