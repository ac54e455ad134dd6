import type { FilterRequest, HostWeigher } from '../types.ts';
import { EXCLUDED_CHOSEN, nextAfter } from './indexed-search.ts';

/** Multi-instance rows of at most this many instances are indexed. */
export const MAX_INSTANCES = 8;

/**
 * What Nova's `_schedule` loop hands from one instance to the next, kept small: the host each
 * instance chose and each instance's normaliser of the one weigher term. The reference sorts the
 * survivors stably by weight and hands the list on (chosen host first), so at instance k the order
 * among equal weights is the previous instance's: host a precedes host b when its key
 * (w_k, w_k−1, …, w_0) is lexicographically greater, or equal and a is left of b. Only chosen hosts
 * changed within the request, so a host's raw value at instance j is its current one unless it was
 * chosen (then it is recorded here). Allocation-free.
 */
export class InstanceHistory {
  /** The term's weigher (undefined: no term, every weight 0) and multiplier. */
  private w: HostWeigher | undefined = undefined;
  private m = 0;
  private min = Number.NEGATIVE_INFINITY;
  private max = Number.POSITIVE_INFINITY;
  private readonly on = new Uint8Array(MAX_INSTANCES);
  private readonly lo = new Float64Array(MAX_INSTANCES);
  private readonly range = new Float64Array(MAX_INSTANCES);
  /** chosen[j]: instance j's host. */
  readonly chosen = new Int32Array(MAX_INSTANCES);
  private chosenCount = 0;
  /** raw[j·MAX + f]: chosen[f]'s clamped raw value at instance j (f ≤ j). */
  private readonly raw = new Float64Array(MAX_INSTANCES * MAX_INSTANCES);

  constructor(
    private readonly req: FilterRequest,
    private readonly excluded: Uint8Array,
  ) {}

  start(w: HostWeigher | undefined, m: number): void {
    this.clear();
    this.w = w;
    this.m = m;
    this.min = w?.minval ?? Number.NEGATIVE_INFINITY;
    this.max = w?.maxval ?? Number.POSITIVE_INFINITY;
  }

  /** Instance j's normaliser: on when the term's range over its survivors is non-zero. */
  setNormaliser(j: number, on: boolean, lo: number, range: number): void {
    this.on[j] = on && this.w !== undefined ? 1 : 0;
    this.lo[j] = lo;
    this.range[j] = range;
  }

  /** At the start of instance j: the chosen hosts' raw values now. */
  snapshot(j: number): void {
    for (let f = 0; f < j; f++) this.raw[j * MAX_INSTANCES + f] = this.rawNow(this.chosen[f]);
  }

  /** Instance j chose h (before its claim). Marks h EXCLUDED_CHOSEN. */
  choose(j: number, h: number): void {
    this.chosen[j] = h;
    this.raw[j * MAX_INSTANCES + j] = this.rawNow(h);
    this.chosenCount = j + 1;
    this.excluded[h] |= EXCLUDED_CHOSEN;
  }

  /** The first instance before `upto` that chose h, or −1. */
  firstChosen(h: number, upto: number): number {
    for (let f = 0; f < upto; f++) if (this.chosen[f] === h) return f;
    return -1;
  }

  /** The last instance j ≤ k whose term was on, or −1. */
  lastOn(k: number): number {
    for (let j = k; j >= 0; j--) if (this.on[j] === 1) return j;
    return -1;
  }

  /**
   * Is the term's weight at instance j strictly above at x than at every value on x's losing side
   * (indexed-search.ts `isolated`, with instance j's normaliser)?
   */
  isolatedAt(x: number, j: number): boolean {
    const m = this.m;
    const clamped = clamp(nextAfter(x, m < 0), this.min, this.max);
    if (clamped === x || Number.isNaN(clamped)) return false;
    const wx = 0 + m * ((x - this.lo[j]) / this.range[j]);
    const wn = 0 + m * ((clamped - this.lo[j]) / this.range[j]);
    return wn < wx;
  }

  /** Does host a come before host b in the sorted list at instance k (see the class)? */
  before(a: number, b: number, k: number): boolean {
    for (let j = k; j >= 0; j--) {
      if (this.on[j] === 0) continue;
      const wa = this.weightAt(a, j, k);
      const wb = this.weightAt(b, j, k);
      if (wa !== wb) return wa > wb;
    }
    return a < b;
  }

  /** Forget the request: the chosen hosts' marks off. */
  clear(): void {
    for (let f = 0; f < this.chosenCount; f++) this.excluded[this.chosen[f]] &= ~EXCLUDED_CHOSEN;
    this.chosenCount = 0;
  }

  private weightAt(h: number, j: number, k: number): number {
    const f = this.firstChosen(h, k);
    let x: number;
    if (f < 0) x = this.rawNow(h);
    else if (f <= j) x = this.raw[j * MAX_INSTANCES + f];
    // Chosen only after j: unchanged until then.
    else x = this.raw[f * MAX_INSTANCES + f];
    return 0 + this.m * ((x - this.lo[j]) / this.range[j]);
  }

  private rawNow(h: number): number {
    return this.w === undefined ? 0 : clamp(this.w.weigh(h, this.req), this.min, this.max);
  }
}

function clamp(x: number, min: number, max: number): number {
  if (x < min) x = min;
  if (x > max) x = max;
  return x;
}
