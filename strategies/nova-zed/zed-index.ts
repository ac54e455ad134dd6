import type { ClusterState, UsageWatcher } from '../../src/cluster/cluster-state.ts';
import { DISK_GB, MEMORY_MB, VCPU } from '../../src/cluster/placement.ts';
import type { FilterRequest, HostFilter, HostWeigher } from '../../src/framework/types.ts';
import type { PlacementPass } from '../../src/scheduler/driver.ts';
import { CandidateShapes, type Shape } from './candidate-shapes.ts';

/** How a weigher's clamped raw value is read, per its fused form. */
interface IndexedWeigher {
  /** `array`: values[h]; `cpu`: vcpusTotal × cpuAllocationRatio − vcpusUsed; `zero`: 0 (a group weigher). */
  readonly kind: 'array' | 'cpu' | 'zero';
  readonly values: ArrayLike<number> | undefined;
  readonly minval: number | undefined;
  readonly maxval: number | undefined;
  /** The multiplier, the same on every host. */
  readonly multiplier: number;
}

/**
 * nova-zed's exact shortcut for a single-instance request with host_subset_size 1 and no server
 * group: a tournament tree over every host keeping, per subtree, the largest amount of each
 * Placement class a claim could take (fit bounds) and the max and min of each weigher's clamped
 * raw value. A decision is a few branch-and-bound descents over the hosts that are Placement
 * candidates and pass the filters: each weigher's normaliser (the constrained max, or min without
 * a minval), then the first `k` hosts of the sorted order (weight descending, cluster order on
 * ties), each leaf weighed with the fused kernel's very arithmetic (fast/fused-kernel.ts), so the
 * bound of a subtree (each term from its max, or its min for a negative multiplier) is at least
 * every weight under it. ClusterState tells the tree of every claim, release and finished build.
 * The candidates themselves are kept per request shape (their count is the decision's host
 * evaluations; the limit cuts them at its limit-th one), so a decision reads no list. `head`
 * answers -1 (having called nothing) when it cannot decide exactly: a filter with no mask form,
 * a weigher with no array or cpu form or with per-host multipliers, no host left.
 */
export class ZedIndex implements UsageWatcher {
  private readonly cap: number;
  private readonly n: number;
  private readonly weighers: readonly IndexedWeigher[];
  /** fit[c]: per node, the max over its hosts of placementFitLimit(h, c). */
  private readonly fit: Float64Array[];
  /** Per weigher: per node, the max and the min of the clamped raw value. */
  private readonly wmax: Float64Array[];
  private readonly wmin: Float64Array[];
  /** Usable only when every weigher could be read (see the constructor). */
  readonly usable: boolean;
  // Per decision: the shape, the filters' masks, the normalisers, the kept head.
  private readonly shapes: CandidateShapes;
  private shape!: Shape;
  /** The decision's Placement candidates: how many (for the host-evaluation count). */
  candidateCount = 0;
  private masks: { mask: Uint8Array; want: number }[] = [];
  private readonly lo: Float64Array;
  private readonly span: Float64Array;
  private readonly active: Uint8Array;
  private actCount = 0;
  private readonly actMult: Float64Array;
  private readonly actLo: Float64Array;
  private readonly actSpan: Float64Array;
  private readonly actExt: Float64Array[];
  private readonly amounts = new Float64Array(3);
  /** The last candidate host when the limit cuts the matching hosts short (else the last host). */
  private lastHost = 0;
  private readonly stack: Int32Array;
  /** top()'s stack of the pushed nodes' bounds. */
  private readonly bounds: Float64Array;
  private readonly topWeight: Float64Array;
  private readonly topHost: Int32Array;
  private kept = 0;
  private k = 0;

  constructor(
    private readonly cluster: ClusterState,
    weighers: readonly HostWeigher[],
  ) {
    const n = cluster.hosts.size;
    this.n = n;
    this.shapes = new CandidateShapes(cluster);
    let cap = 1;
    while (cap < n) cap *= 2;
    this.cap = cap;
    const read: IndexedWeigher[] = [];
    let usable = true;
    for (const w of weighers) {
      const m = w.multipliers;
      if (!m.some((x) => x !== 0)) continue; // WeightHandler skips it too
      const form = w.preScore ? undefined : w.fusedForm;
      const uniform = m.every((x) => Object.is(x, m[0]));
      if (form === undefined || !uniform) usable = false;
      const base = { minval: w.minval, maxval: w.maxval, multiplier: m[0] };
      // A group weigher weighs 0 everywhere for a request without a group (the only kind decided here).
      if (form?.kind === 'array') read.push({ ...base, kind: 'array', values: form.values });
      else if (form?.kind === 'cpu') read.push({ ...base, kind: 'cpu', values: undefined });
      else read.push({ ...base, kind: 'zero', values: undefined });
    }
    this.weighers = read;
    this.usable = usable && n > 0;
    this.fit = [0, 1, 2].map(() => new Float64Array(2 * cap).fill(Number.NEGATIVE_INFINITY));
    this.wmax = read.map(() => new Float64Array(2 * cap).fill(Number.NEGATIVE_INFINITY));
    this.wmin = read.map(() => new Float64Array(2 * cap).fill(Number.POSITIVE_INFINITY));
    this.lo = new Float64Array(read.length);
    this.span = new Float64Array(read.length);
    this.active = new Uint8Array(read.length);
    this.actMult = new Float64Array(read.length);
    this.actLo = new Float64Array(read.length);
    this.actSpan = new Float64Array(read.length);
    this.actExt = read.map((_, j) => this.wmax[j]);
    this.stack = new Int32Array(64);
    this.bounds = new Float64Array(64);
    this.topWeight = new Float64Array(n);
    this.topHost = new Int32Array(n);
    if (this.usable) {
      this.allChanged();
      cluster.watchUsage(this);
    }
  }

  // --- UsageWatcher -------------------------------------------------------------------------

  hostChanged(h: number): void {
    this.setLeaf(h);
    for (let node = (this.cap + h) >> 1; node >= 1; node >>= 1) this.pull(node);
    this.shapes.hostChanged(h);
  }

  ioOpsChanged(h: number): void {
    this.hostChanged(h);
  }

  allChanged(): void {
    for (let h = 0; h < this.n; h++) this.setLeaf(h);
    for (let node = this.cap - 1; node >= 1; node--) this.pull(node);
    this.shapes.allChanged();
  }

  // --- the decision -----------------------------------------------------------------------

  /**
   * The first `k` hosts of nova-zed's sorted order for `req` (one instance, the request's first)
   * among the Placement candidates of `placement`, into `out`; returns how many (at most k), with
   * `candidateCount` set, or -1 when the tree cannot decide it exactly. Runs the filters'
   * preFilter for this decision.
   */
  head(
    placement: PlacementPass,
    filters: readonly HostFilter[],
    req: FilterRequest,
    k: number,
    out: Int32Array,
  ): number {
    if (!this.usable || req.spec.group !== undefined) return -1;
    const masks: { mask: Uint8Array; want: number }[] = [];
    for (const f of filters) {
      if (!f.preFilter(req)) continue;
      const form = f.fusedForm?.(req);
      if (form?.kind !== 'mask') return -1;
      masks.push({ mask: form.mask, want: form.want });
    }
    const q = placement.query;
    const a = q.amounts;
    if (q.impossible || (a[VCPU] === 0 && a[MEMORY_MB] === 0 && a[DISK_GB] === 0)) return -1;
    const shape = this.shapes.of(q);
    this.shape = shape;
    if (shape.count === 0) return -1; // no candidate: the reference's NoValidHost
    // The limit: the candidates are the matching hosts up to the limit-th one, in cluster order.
    this.lastHost = this.n - 1;
    this.candidateCount = shape.count;
    if (shape.count > q.limit) {
      this.candidateCount = q.limit;
      const member = shape.member;
      for (let h = 0, seen = 0; h < this.n; h++) {
        if (member[h] === 1 && ++seen === q.limit) {
          this.lastHost = h;
          break;
        }
      }
    }
    this.masks = masks;
    this.amounts[VCPU] = a[VCPU];
    this.amounts[MEMORY_MB] = a[MEMORY_MB];
    this.amounts[DISK_GB] = a[DISK_GB];
    // The normalisers over the hosts left after the filters, as WeightHandler takes them.
    const ws = this.weighers;
    for (let j = 0; j < ws.length; j++) {
      const w = ws[j];
      this.active[j] = 0;
      if (w.kind === 'zero') continue; // every host 0: lo === hi, a term that adds nothing
      const hi = w.maxval ?? this.extreme(j, true);
      if (hi === Number.NEGATIVE_INFINITY) return -1; // no host left: the reference names the filter
      const lo = w.minval ?? this.extreme(j, false);
      if (lo === hi) continue;
      this.active[j] = 1;
      this.lo[j] = lo;
      this.span[j] = hi - lo;
    }
    // The terms that add something, in weigher order, each from its favoured extreme.
    this.actCount = 0;
    for (let j = 0; j < ws.length; j++) {
      if (this.active[j] === 0) continue;
      const i = this.actCount++;
      const m = ws[j].multiplier;
      this.actMult[i] = m;
      this.actLo[i] = this.lo[j];
      this.actSpan[i] = this.span[j];
      this.actExt[i] = m >= 0 ? this.wmax[j] : this.wmin[j];
    }
    this.k = k;
    this.kept = 0;
    this.top();
    if (this.kept === 0) return -1;
    for (let i = 0; i < this.kept; i++) out[i] = this.topHost[i];
    return this.kept;
  }

  /** Is host `h` a candidate that every filter passes? */
  private member(h: number): boolean {
    if (this.shape.member[h] === 0 || h > this.lastHost) return false;
    for (const m of this.masks) if (m.mask[h] !== m.want) return false;
    return true;
  }

  /** Could node `node` hold a member: room for every amount asked, not past the limit's cut? */
  private open(node: number): boolean {
    const a = this.amounts;
    if (
      this.lastHost < this.n - 1 &&
      node * (this.cap >>> (31 - Math.clz32(node))) - this.cap > this.lastHost
    )
      return false;
    for (let c = 0; c < 3; c++) if (a[c] !== 0 && this.fit[c][node] < a[c]) return false;
    return true;
  }

  /** The max (or min) clamped raw value of weigher j over the members; -Infinity (+Infinity) for none. */
  private extreme(j: number, max: boolean): number {
    const vals = max ? this.wmax[j] : this.wmin[j];
    let best = max ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = 1;
    while (sp > 0) {
      const node = stack[--sp];
      const v = vals[node];
      if (max ? !(v > best) : !(v < best)) continue;
      if (!this.open(node)) continue;
      if (node >= this.cap) {
        const h = node - this.cap;
        if (this.member(h)) best = v;
        continue;
      }
      // The more promising child last, so it is popped first.
      const l = 2 * node;
      const better = max ? vals[l] > vals[l + 1] : vals[l] < vals[l + 1];
      stack[sp++] = better ? l + 1 : l;
      stack[sp++] = better ? l : l + 1;
    }
    return best;
  }

  /** The first k hosts by (weight descending, host ascending) among the members, kept sorted. */
  private top(): void {
    const { stack, bounds, cap } = this;
    let sp = 0;
    if (!this.open(1)) return;
    stack[sp] = 1;
    bounds[sp++] = this.bound(1);
    while (sp > 0) {
      const node = stack[--sp];
      const b = bounds[sp];
      if (this.kept === this.k) {
        // Full: a subtree can only enter with a weight above the k-th, or equal and to its left.
        const w = this.topWeight[this.k - 1];
        if (b < w) continue;
        if (b === w) {
          const width = cap >>> (31 - Math.clz32(node));
          if (node * width - cap > this.topHost[this.k - 1]) continue;
        }
      }
      if (node >= cap) {
        // A leaf's bound is its weight: its max and min are its own value.
        const h = node - cap;
        if (this.member(h)) this.keep(b, h);
        continue;
      }
      const l = 2 * node;
      const r = l + 1;
      const ol = this.open(l);
      const or = this.open(r);
      const bl = ol ? this.bound(l) : 0;
      const br = or ? this.bound(r) : 0;
      // The more promising child last, so it is popped first.
      if (ol && or && bl < br) {
        stack[sp] = l;
        bounds[sp++] = bl;
        stack[sp] = r;
        bounds[sp++] = br;
      } else {
        if (or) {
          stack[sp] = r;
          bounds[sp++] = br;
        }
        if (ol) {
          stack[sp] = l;
          bounds[sp++] = bl;
        }
      }
    }
  }

  /** Insert (w, h) into the kept head if it belongs there: ahead of it, heavier or as heavy and earlier. */
  private keep(w: number, h: number): void {
    const tw = this.topWeight;
    const th = this.topHost;
    const last = this.k - 1;
    if (this.kept === this.k && (tw[last] > w || (tw[last] === w && th[last] < h))) return;
    let p = this.kept < this.k ? this.kept++ : last;
    while (p > 0 && !(tw[p - 1] > w || (tw[p - 1] === w && th[p - 1] < h))) {
      tw[p] = tw[p - 1];
      th[p] = th[p - 1];
      p--;
    }
    tw[p] = w;
    th[p] = h;
  }

  /**
   * An upper bound of every weight in `node`: each term from the extreme its multiplier favours
   * (at a leaf, its weight: the same terms in the same order as the kernel's sum).
   */
  private bound(node: number): number {
    const { actExt, actMult, actLo, actSpan } = this;
    let w = 0;
    for (let i = 0; i < this.actCount; i++) w += actMult[i] * ((actExt[i][node] - actLo[i]) / actSpan[i]);
    return w;
  }

  /** Weigher j's clamped raw value at host h, as the kernel reads it. */
  private raw(j: number, h: number): number {
    const w = this.weighers[j];
    const t = this.cluster.hosts;
    let x =
      w.kind === 'array'
        ? w.values![h]
        : w.kind === 'cpu'
          ? t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h]
          : 0;
    if (w.minval !== undefined && x < w.minval) x = w.minval;
    if (w.maxval !== undefined && x > w.maxval) x = w.maxval;
    return x;
  }

  private setLeaf(h: number): void {
    const leaf = this.cap + h;
    for (let c = 0; c < 3; c++) this.fit[c][leaf] = this.cluster.placementFitLimit(h, c);
    for (let j = 0; j < this.weighers.length; j++) {
      const x = this.raw(j, h);
      this.wmax[j][leaf] = x;
      this.wmin[j][leaf] = x;
    }
  }

  private pull(node: number): void {
    const l = 2 * node;
    for (let c = 0; c < 3; c++) this.fit[c][node] = Math.max(this.fit[c][l], this.fit[c][l + 1]);
    for (let j = 0; j < this.weighers.length; j++) {
      this.wmax[j][node] = Math.max(this.wmax[j][l], this.wmax[j][l + 1]);
      this.wmin[j][node] = Math.min(this.wmin[j][l], this.wmin[j][l + 1]);
    }
  }
}
