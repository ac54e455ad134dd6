import { type FitTrees, fitKeyable } from '../../cluster/fit-trees.ts';
import { type HostIndex, IndexField } from '../../cluster/host-index.ts';
import type { HostTable } from '../../cluster/host-table.ts';
import { cpuFits, diskFits, gpuFits, ramFits } from '../../cluster/usage.ts';
import { GPU_MILLI } from '../../common/limits.ts';
import type { Flavor } from '../../model/flavor.ts';
import type { FilterRequest, HostWeigher } from '../types.ts';
import { ComboBound } from './indexed-combo.ts';

/** An anti-affinity member's host (IndexedSearch.excluded). */
export const EXCLUDED_MEMBER = 1;
/** A host chosen by an earlier instance of the request. */
export const EXCLUDED_CHOSEN = 2;

/** At most this many weigher terms (RAM, CPU, disk, io ops, instances, the two soft groups). */
export const MAX_TERMS = 7;

/**
 * Queries over a HostIndex for one decision: which hosts pass the resource filters (pruned by the
 * subtree fit bounds, then checked exactly at the leaf with usage.ts's own predicates), the
 * constrained maximum of a weigher's raw value over them (WeightHandler's normaliser), and Nova's
 * winner: the leftmost host of highest weight, by branch and bound. Every step of the weight
 * (clamp, − lo, ÷ range, × m, + in weigher order) is monotone under IEEE rounding, so a subtree's
 * bound (its terms at its max key, or min key for m < 0) is never below a weight inside it; a
 * subtree is skipped only when its bound is below the best weight found, or equal and wholly right
 * of it, so the result is exactly the reference's `weights[i] > weights[best]` scan.
 * Allocation-free: one instance per fast path, set up per decision.
 */
export class IndexedSearch {
  // The request's resource constraints; a filter not configured gets −Infinity (never prunes).
  private ramOn = false;
  private cpuOn = false;
  private diskOn = false;
  private gpuOn = false;
  private ramMb = 0;
  private vcpus = 0;
  private diskGb = 0;
  private diskMb = 0;
  private gpus = 0;
  private gpuMilli = 0;
  private readonly stack = new Int32Array(256);
  // Weigher terms, set by `setTerm`.
  private terms = 0;
  private readonly termWeigher: (HostWeigher | undefined)[] = new Array(MAX_TERMS).fill(undefined);
  private readonly termBound: Float64Array[] = Array.from({ length: MAX_TERMS }, () => new Float64Array(0));
  /** The tree each termBound belongs to (undefined for a constant term). */
  private readonly termTree: (HostIndex | undefined)[] = new Array(MAX_TERMS).fill(undefined);
  // The count filters' limits (setCountLimits).
  private ioOn = false;
  private ioMax = Number.POSITIVE_INFINITY;
  private instOn = false;
  private instMax = Number.POSITIVE_INFINITY;
  // Per term: its max field, or −1 for a constant term (addConstTerm) of value termConst.
  private readonly termField = new Int32Array(MAX_TERMS);
  private readonly termConst = new Float64Array(MAX_TERMS);
  private readonly combo = new ComboBound();
  /** Zero keys for every node of any tree over these hosts: a constant term's bound (addConstTerm). */
  private readonly zeros: Float64Array;
  private readonly termM = new Float64Array(MAX_TERMS);
  private readonly termLo = new Float64Array(MAX_TERMS);
  private readonly termRange = new Float64Array(MAX_TERMS);
  private readonly termMin = new Float64Array(MAX_TERMS);
  private readonly termMax = new Float64Array(MAX_TERMS);
  private readonly bounds = new Float64Array(256);
  req: FilterRequest | undefined = undefined;
  /**
   * Per host, bits of why queries may skip it (EXCLUDED_MEMBER, EXCLUDED_CHOSEN); the queries skip
   * the hosts with a bit of `excludeBits` set. A subtree's bound stays a bound when leaves are skipped.
   */
  readonly excluded: Uint8Array;
  excludeBits = 0;
  /** A leaf where the last `extreme` found its answer (a passing host), or −1. */
  extremeLeaf = -1;

  constructor(private readonly t: HostTable) {
    this.excluded = new Uint8Array(t.size);
    let cap = 1;
    while (cap < t.size) cap *= 2;
    this.zeros = new Float64Array(2 * cap);
  }

  /** The count filters in force: IoOpsFilter's and NumInstancesFilter's limits, +Infinity for off. */
  setCountLimits(ioOps: number, instances: number): void {
    this.ioOn = ioOps !== Number.POSITIVE_INFINITY;
    this.ioMax = ioOps;
    this.instOn = instances !== Number.POSITIVE_INFINITY;
    this.instMax = instances;
  }

  /**
   * A term without a tree field (a soft server-group weigher, no clamps): its raw value at host h
   * is `constRaws[h]`, and `xBound` (≥ every raw value of a host the queries may pick, for m > 0)
   * bounds it in every subtree.
   */
  addConstTerm(w: HostWeigher, m: number, lo: number, range: number, xBound: number): void {
    const j = this.terms++;
    this.termsCurrent = false;
    this.termWeigher[j] = w;
    this.termBound[j] = this.zeros;
    this.termTree[j] = undefined;
    this.termField[j] = -1;
    this.termConst[j] = 0 + m * ((xBound - lo) / range);
    this.termM[j] = m;
    this.termLo[j] = lo;
    this.termRange[j] = range;
    // The bound reads the zero keys clamped to xBound; the leaves read constRaws unclamped.
    this.termMin[j] = xBound;
    this.termMax[j] = xBound;
  }

  /** The resource filters in force for this query and the flavor they check. */
  setConstraints(f: Flavor, ram: boolean, cpu: boolean, disk: boolean, gpu: boolean): void {
    this.ramOn = ram;
    this.cpuOn = cpu;
    this.diskOn = disk;
    this.gpuOn = gpu && f.gpus !== 0;
    this.ramMb = f.memoryMb;
    this.vcpus = f.vcpus;
    this.diskGb = f.diskGb;
    this.diskMb = 1024 * f.diskGb;
    this.gpus = f.gpus;
    this.gpuMilli = f.gpuMilli;
  }

  /** Clear the weigher terms (then `addTerm` each, in weigher order). */
  clearTerms(): void {
    this.terms = 0;
    this.termsCurrent = false;
  }

  /** A weigher's term: multiplier m (non-zero), normaliser lo and range (> 0). */
  addTerm(w: HostWeigher, tree: HostIndex, maxField: IndexField, m: number, lo: number, range: number): void {
    const j = this.terms++;
    this.termsCurrent = false;
    this.termWeigher[j] = w;
    // m > 0: the term grows with the key, so its max bounds it; m < 0: its min.
    // Read by `best` and leafKeyWeight only, which bring the tree up to date first (termTrees).
    this.termBound[j] = tree.unflushed[m > 0 ? maxField : maxField + 1];
    this.termTree[j] = tree;
    this.termField[j] = maxField;
    this.termM[j] = m;
    this.termLo[j] = lo;
    this.termRange[j] = range;
    this.termMin[j] = w.minval ?? Number.NEGATIVE_INFINITY;
    this.termMax[j] = w.maxval ?? Number.POSITIVE_INFINITY;
  }

  /** Can a host of node v's subtree pass the resource filters (false: none can)? */
  private nodeMayFit(tree: HostIndex, v: number): boolean {
    const n = tree.nodes;
    if (this.ramOn && n[IndexField.RamFit][v] < this.ramMb) return false;
    if (this.cpuOn && n[IndexField.CpuFit][v] < this.vcpus) return false;
    if (this.diskOn && n[IndexField.DiskFit][v] < this.diskMb) return false;
    // IoOpsFilter / NumInstancesFilter: values[h] < max; the subtree's least value fails, all fail.
    if (this.ioOn && !(n[IndexField.IoOpsMin][v] < this.ioMax)) return false;
    if (this.instOn && !(n[IndexField.InstancesMin][v] < this.instMax)) return false;
    if (this.gpuOn) {
      if (this.gpuMilli >= GPU_MILLI) return !(n[IndexField.GpuIdle][v] < this.gpus);
      return !(n[IndexField.GpuShare][v] < this.gpuMilli);
    }
    return true;
  }

  /** Does host h pass the resource filters (their own predicates) and is it not excluded? */
  leafFits(h: number): boolean {
    const t = this.t;
    if ((this.excluded[h] & this.excludeBits) !== 0) return false;
    if (this.ramOn && !ramFits(t, h, this.ramMb)) return false;
    if (this.cpuOn && !cpuFits(t, h, this.vcpus)) return false;
    if (this.diskOn && !diskFits(t, h, this.diskGb)) return false;
    if (this.ioOn && !(t.numIoOps[h] < this.ioMax)) return false;
    if (this.instOn && !(t.numInstances[h] < this.instMax)) return false;
    return !this.gpuOn || gpuFits(t, h, this.gpus, this.gpuMilli);
  }

  /** Is some host of the tree passing the resource filters? */
  anyFits(tree: HostIndex): boolean {
    if (tree.size === 0) return false;
    const stack = this.stack;
    const { cap, size } = tree;
    let top = 0;
    stack[top++] = 1;
    while (top > 0) {
      const v = stack[--top];
      if (!this.nodeMayFit(tree, v)) continue;
      if (v >= cap) {
        if (v - cap < size && this.leafFits(tree.hosts[v - cap])) return true;
        continue;
      }
      if (tree.firstLeaf(2 * v + 1) < size) stack[top++] = 2 * v + 1;
      stack[top++] = 2 * v;
    }
    return false;
  }

  /**
   * How many hosts of the tree pass the resource filters, exclusions ignored (the caller takes
   * its few excluded hosts off): whole subtrees whose fit minima fit are counted at once (RamFit ≥ r
   * is ramFits exactly, and so on). Needs the *FitMin fields; GPU requests go to the leaves.
   */
  countFits(tree: HostIndex): number {
    if (tree.size === 0) return 0;
    if (tree.fit !== undefined && !this.gpuOn) {
      const kept = tree.fit.countFor(
        tree.fitUser,
        this.ramOn,
        this.ramMb,
        this.cpuOn,
        this.vcpus,
        this.diskOn,
        this.diskGb,
        this.ioMax,
        this.instMax,
      );
      if (kept >= 0) return kept;
    }
    const bits = this.excludeBits;
    this.excludeBits = 0;
    const stack = this.stack;
    const { cap, size, levels } = tree;
    const n = tree.nodes;
    let count = 0;
    let top = 0;
    stack[top++] = 1;
    while (top > 0) {
      const v = stack[--top];
      if (!this.nodeMayFit(tree, v)) continue;
      const first = tree.firstLeaf(v);
      if (first >= size) continue;
      if (
        !this.gpuOn &&
        !(this.ramOn && !(n[IndexField.RamFitMin][v] >= this.ramMb)) &&
        !(this.cpuOn && !(n[IndexField.CpuFitMin][v] >= this.vcpus)) &&
        !(this.diskOn && !(n[IndexField.DiskFitMin][v] >= this.diskMb)) &&
        !(this.ioOn && !(n[IndexField.IoOpsMax][v] < this.ioMax)) &&
        !(this.instOn && !(n[IndexField.InstancesMax][v] < this.instMax))
      ) {
        const span = 1 << (levels - (31 - Math.clz32(v)));
        count += Math.min(size, first + span) - first;
        continue;
      }
      if (v >= cap) {
        if (this.leafFits(tree.hosts[v - cap])) count++;
        continue;
      }
      if (tree.firstLeaf(2 * v + 1) < size) stack[top++] = 2 * v + 1;
      stack[top++] = 2 * v;
    }
    this.excludeBits = bits;
    return count;
  }

  /**
   * The maximum (`wantMax`) or minimum of `w`'s raw value over the hosts passing the resource
   * filters, clamped as WeightHandler clamps; NaN when no host passes. `extremeLeaf` is then the
   * leftmost passing leaf with that clamped value.
   */
  extreme(tree: HostIndex, w: HostWeigher, maxField: IndexField, wantMax: boolean): number {
    this.extremeLeaf = -1;
    if (tree.size === 0) return Number.NaN;
    if (tree.fit !== undefined && !this.gpuOn && fitKeyable(maxField)) {
      const slot = tree.fit.get(
        this.ramOn,
        this.ramMb,
        this.cpuOn,
        this.vcpus,
        this.diskOn,
        this.diskGb,
        this.ioMax,
        this.instMax,
        maxField,
        wantMax,
      );
      if (slot >= 0) return this.fitExtreme(tree, tree.fit, slot, w);
    }
    const keys = tree.nodes[wantMax ? maxField : maxField + 1];
    const sign = wantMax ? 1 : -1;
    const min = w.minval ?? Number.NEGATIVE_INFINITY;
    const max = w.maxval ?? Number.POSITIVE_INFINITY;
    const stack = this.stack;
    const bounds = this.bounds;
    const { cap, size } = tree;
    const req = this.req!;
    let best = Number.NEGATIVE_INFINITY;
    let bestLeaf = -1;
    let top = 0;
    let visits = 0;
    stack[top] = 1;
    bounds[top++] = sign * clamp(keys[1], min, max);
    while (top > 0) {
      const v = stack[--top];
      const b = bounds[top];
      if (bestLeaf >= 0 && (b < best || (b === best && tree.firstLeaf(v) > bestLeaf))) continue;
      visits++;
      if (!this.nodeMayFit(tree, v)) continue;
      if (v >= cap) {
        const leaf = v - cap;
        if (leaf >= size) continue;
        const h = tree.hosts[leaf];
        if (!this.leafFits(h)) continue;
        const x = sign * clamp(w.weigh(h, req), min, max);
        if (bestLeaf < 0 || x > best || (x === best && leaf < bestLeaf)) {
          best = x;
          bestLeaf = leaf;
        }
        continue;
      }
      const l = 2 * v;
      const r = l + 1;
      const bl = sign * clamp(keys[l], min, max);
      if (tree.firstLeaf(r) >= size) {
        stack[top] = l;
        bounds[top++] = bl;
        continue;
      }
      const br = sign * clamp(keys[r], min, max);
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
    tree.fit?.plainSearched(visits);
    this.extremeLeaf = bestLeaf;
    return bestLeaf < 0 ? Number.NaN : sign * best;
  }

  /**
   * `extreme` over slot `slot` of the fit trees: the trees of the masks with the slot's shape hold
   * the extreme key over the fitting hosts only, so without exclusions this is one descent in the
   * tree of the best root; excluded hosts (and those outside the tree, when the record is shared)
   * are skipped by the same branch and bound over all those trees at once.
   */
  private fitExtreme(tree: HostIndex, fit: FitTrees, slot: number, w: HostWeigher): number {
    const { cap, hosts, masks } = fit;
    const forest = fit.forest(slot);
    const { nodes, roots } = forest;
    const width = 2 * cap;
    const shape = fit.shapeOf(slot);
    const from = masks.offsetOf(shape, tree.fitUser);
    const trees = masks.countOf(shape, tree.fitUser);
    const empty = Number.NEGATIVE_INFINITY;
    // The trees hold sign·key (a min keeps −key as a max): a bound is sign·clamp(sign·value).
    const sign = fit.signOf(slot);
    const min = w.minval ?? Number.NEGATIVE_INFINITY;
    const max = w.maxval ?? Number.POSITIVE_INFINITY;
    const stack = this.stack;
    const bounds = this.bounds;
    const req = this.req!;
    const excluded = this.excluded;
    const bits = this.excludeBits;
    // A shared record's leaves are every host: those outside the tree are skipped as excluded ones.
    const leafOf = tree.leafOf;
    // The best root's value, and how many trees have it.
    let root = empty;
    let rootTrees = 0;
    for (let j = 0; j < trees; j++) {
      const y = roots[masks.list[from + j]];
      if (y > root) {
        root = y;
        rootTrees = 1;
      } else if (y === root) rootTrees++;
    }
    this.extremeLeaf = -1;
    if (root === empty) return Number.NaN;
    const rootKey = sign * root;
    if (min < rootKey && rootKey < max) {
      // The clamps do not bind at the best key, so no worse key ties with it: in each tree of the
      // best root, the leftmost leaf holding its value is that tree's answer if its host may be
      // chosen and weighs its key; the leftmost of them wins when every one is.
      let leaf = -1;
      for (let j = 0; j < trees && leaf !== -2; j++) {
        const q = masks.list[from + j];
        if (roots[q] !== root) continue;
        const g = q * width;
        let v = 1;
        while (v < cap) v = nodes[g + 2 * v] === root ? 2 * v : 2 * v + 1;
        const h = hosts[v - cap];
        if ((excluded[h] & bits) !== 0 || leafOf[h] < 0 || sign * clamp(w.weigh(h, req), min, max) !== root)
          leaf = -2;
        else if (leaf < 0 || v - cap < leaf) leaf = v - cap;
      }
      if (leaf >= 0) {
        if (!tree.ownFit) tree.sharedSearched(2 * fit.levels * rootTrees);
        this.extremeLeaf = leafOf[hosts[leaf]];
        return rootKey;
      }
    }
    // The roots, by bound ascending (the best popped first).
    let top = 0;
    for (let j = 0; j < trees; j++) {
      const g = masks.list[from + j] * width + 1;
      const y = nodes[g];
      if (y === empty) continue;
      const b = sign * clamp(sign * y, min, max);
      let k = top++;
      while (k > 0 && bounds[k - 1] > b) {
        stack[k] = stack[k - 1];
        bounds[k] = bounds[k - 1];
        k--;
      }
      stack[k] = g;
      bounds[k] = b;
    }
    let best = Number.NEGATIVE_INFINITY;
    let bestLeaf = -1;
    let visits = 0;
    while (top > 0) {
      visits++;
      const g = stack[--top];
      const b = bounds[top];
      const v = g & (width - 1);
      if (bestLeaf >= 0 && (b < best || (b === best && fit.firstLeaf(v) > bestLeaf))) continue;
      if (v >= cap) {
        const leaf = v - cap;
        const h = hosts[leaf];
        if ((excluded[h] & bits) !== 0 || leafOf[h] < 0) continue;
        const x = sign * clamp(w.weigh(h, req), min, max);
        if (bestLeaf < 0 || x > best || (x === best && leaf < bestLeaf)) {
          best = x;
          bestLeaf = leaf;
        }
        continue;
      }
      const l = g + v;
      const r = l + 1;
      const kl = nodes[l];
      const kr = nodes[r];
      if (kr === empty) {
        stack[top] = l;
        bounds[top++] = sign * clamp(sign * kl, min, max);
        continue;
      }
      const br = sign * clamp(sign * kr, min, max);
      if (kl === empty) {
        stack[top] = r;
        bounds[top++] = br;
        continue;
      }
      const bl = sign * clamp(sign * kl, min, max);
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
    if (!tree.ownFit) tree.sharedSearched(visits);
    // Both leaf orders are cluster order: the record's leftmost best is the tree's.
    this.extremeLeaf = bestLeaf < 0 ? -1 : leafOf[hosts[bestLeaf]];
    return bestLeaf < 0 ? Number.NaN : sign * best;
  }

  /**
   * With exactly one term: is its weight at `x` strictly above its weight at every value on the
   * losing side of x (just below x for m > 0, just above for m < 0)? Then no host with another
   * value ties the best one, and Nova's winner is the leftmost host with value x.
   */
  isolated(x: number): boolean {
    const m = this.termM[0];
    const next = nextAfter(x, m < 0);
    const clamped = clamp(next, this.termMin[0], this.termMax[0]);
    if (clamped === x) return false;
    const wx = 0 + m * ((x - this.termLo[0]) / this.termRange[0]);
    const wn = 0 + m * ((clamped - this.termLo[0]) / this.termRange[0]);
    return wn < wx;
  }

  /** How many weigher terms are set. */
  get termCount(): number {
    return this.terms;
  }

  private bound(v: number): number {
    if (this.combo.on) {
      const s = this.termsBound(v);
      const c = this.combo.at(v);
      return c < s ? c : s;
    }
    return this.termsBound(v);
  }

  /** The terms' own bound: each at its subtree key (exact where all the hosts share it). */
  private termsBound(v: number): number {
    if (this.terms === 1) {
      const x = clamp(this.termBound[0][v], this.termMin[0], this.termMax[0]);
      return 0 + this.termM[0] * ((x - this.termLo[0]) / this.termRange[0]);
    }
    let s = 0;
    for (let j = 0; j < this.terms; j++) {
      let x = this.termBound[j][v];
      if (x < this.termMin[j]) x = this.termMin[j];
      if (x > this.termMax[j]) x = this.termMax[j];
      s += this.termM[j] * ((x - this.termLo[j]) / this.termRange[j]);
    }
    return s;
  }

  /**
   * Host h's weight from its leaf's keys (its own raw values; constant terms at `constRaw`): the
   * sum leafWeight computes, read from the tree, and never below it (keys bound their subtrees).
   */
  leafKeyWeight(tree: HostIndex, h: number): number {
    this.termTrees();
    const v = tree.cap + tree.leafOf[h];
    let s = 0;
    for (let j = 0; j < this.terms; j++) {
      let x: number;
      if (this.termField[j] < 0) x = this.constRaws[h];
      else {
        x = this.termBound[j][v];
        if (x < this.termMin[j]) x = this.termMin[j];
        if (x > this.termMax[j]) x = this.termMax[j];
      }
      s += this.termM[j] * ((x - this.termLo[j]) / this.termRange[j]);
    }
    return s;
  }

  /** Apply the pending changes of the terms' trees, so that termBound is current. */
  private termTrees(): void {
    // Once per set of terms: the trees do not change while a decision is searched.
    if (this.termsCurrent) return;
    for (let j = 0; j < this.terms; j++) this.termTree[j]?.nodes;
    this.termsCurrent = true;
  }

  /** termTrees ran since the last term was added. */
  private termsCurrent = false;

  /** The raw values of the terms without a field (addConstTerm), per host. */
  constRaws: Float64Array = new Float64Array(0);

  /** Host h's weight under the terms set (WeightHandler's arithmetic). */
  leafWeight(h: number): number {
    const req = this.req!;
    let s = 0;
    for (let j = 0; j < this.terms; j++) {
      const w = this.termWeigher[j]!;
      if (this.termField[j] < 0) {
        s += this.termM[j] * ((this.constRaws[h] - this.termLo[j]) / this.termRange[j]);
        continue;
      }
      let x = w.weigh(h, req);
      if (w.minval !== undefined && x < w.minval) x = w.minval;
      if (w.maxval !== undefined && x > w.maxval) x = w.maxval;
      s += this.termM[j] * ((x - this.termLo[j]) / this.termRange[j]);
    }
    return s;
  }

  /**
   * Nova's choice: the leftmost host passing the resource filters with the highest weight under
   * the terms set (with none, the leftmost passing host). Its leaf index, or −1 when none passes.
   * `seed`: a leaf known to pass (e.g. `extremeLeaf`), or −1; it only speeds the search up.
   * `seedWeight`: its weight when not leafWeight's (NaN: leafWeight's).
   */
  best(tree: HostIndex, seed: number, seedWeight = Number.NaN): number {
    if (tree.size === 0) return -1;
    const stack = this.stack;
    const bounds = this.bounds;
    const { cap, size } = tree;
    let best = Number.NEGATIVE_INFINITY;
    let bestLeaf = -1;
    if (seed >= 0) {
      best = Number.isNaN(seedWeight) ? this.leafWeight(tree.hosts[seed]) : seedWeight;
      bestLeaf = seed;
    }
    const weighed = this.terms > 0;
    this.termTrees();
    const { termField, termM, termLo, termRange, termConst } = this;
    this.combo.prepare(tree, this.terms, termField, termM, termLo, termRange, termConst);
    let top = 0;
    stack[top] = 1;
    bounds[top++] = weighed ? this.bound(1) : 0;
    while (top > 0) {
      const v = stack[--top];
      const b = bounds[top];
      if (bestLeaf >= 0 && (b < best || (b === best && tree.firstLeaf(v) > bestLeaf))) continue;
      if (!this.nodeMayFit(tree, v)) continue;
      if (v >= cap) {
        const leaf = v - cap;
        if (leaf >= size) continue;
        const h = tree.hosts[leaf];
        if (!this.leafFits(h)) continue;
        const wt = weighed ? this.leafWeight(h) : 0;
        if (bestLeaf < 0 || wt > best || (wt === best && leaf < bestLeaf)) {
          best = wt;
          bestLeaf = leaf;
        }
        continue;
      }
      const l = 2 * v;
      const r = l + 1;
      const bl = weighed ? this.bound(l) : 0;
      if (tree.firstLeaf(r) >= size) {
        stack[top] = l;
        bounds[top++] = bl;
        continue;
      }
      const br = weighed ? this.bound(r) : 0;
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
    return bestLeaf;
  }
}

function clamp(x: number, min: number, max: number): number {
  if (x < min) x = min;
  if (x > max) x = max;
  return x;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// The bit trick below reads the low word first (little-endian, as on every platform Node runs on).
f64[0] = 1;
const LITTLE_ENDIAN = u32[1] === 0x3ff00000;

/** The double next to finite x, upwards or downwards (Math.nextafter); NaN where unsure. */
export function nextAfter(x: number, up: boolean): number {
  if (!LITTLE_ENDIAN || !Number.isFinite(x)) return Number.NaN;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  const lo = u32[0];
  if (x > 0 === up) {
    // Away from zero: the bit pattern plus one.
    if (lo === 0xffffffff) {
      u32[0] = 0;
      u32[1] += 1;
    } else u32[0] = lo + 1;
  } else if (lo === 0) {
    u32[0] = 0xffffffff;
    u32[1] -= 1;
  } else u32[0] = lo - 1;
  return f64[0];
}
