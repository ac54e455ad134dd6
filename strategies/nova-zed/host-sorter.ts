import { stableSortDesc } from '../../src/common/stable-sort.ts';
import type { FusedWeigher } from '../../src/framework/fast/fused-weigh.ts';
import type { DecisionProbe } from '../../src/framework/probe.ts';
import type { FilterRequest } from '../../src/framework/types.ts';
import type { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';

/**
 * Nova's `SchedulerManager._get_sorted_hosts` after the filters: weigh the hosts, sort them by
 * weight (descending, stable: equal weights keep the input order), draw the chosen host among the
 * best `host_subset_size` (no draw for one) and put it first. `sortAll` leaves the whole sorted
 * list in place (the next instance's input); `sortHead` gives only its first few hosts, for a
 * request that needs no more.
 */
export class HostSorter {
  private readonly weights: Float64Array;
  private readonly perm: Int32Array;
  private readonly scratch: Int32Array;

  /** Explaining: the reference WeightHandler reports to the probe; otherwise the fused weigher. */
  private probing = false;

  constructor(
    private readonly weightHandler: WeightHandler,
    /** The same weights in two passes (fast/fused-weigh.ts), exactly WeightHandler's; none: the reference. */
    private readonly fused: FusedWeigher | undefined,
    private readonly subsetSize: number,
    hostCount: number,
  ) {
    this.weights = new Float64Array(hostCount);
    this.perm = new Int32Array(hostCount);
    this.scratch = new Int32Array(hostCount);
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.weightHandler.probe = probe;
    this.probing = probe !== undefined;
  }

  /** WeightHandler.weigh's weights of `list[0..len)`. */
  private weigh(list: Int32Array, len: number, req: FilterRequest): void {
    if (this.fused === undefined || this.probing || len < 2)
      this.weightHandler.weigh(list, len, req, this.weights);
    else this.fused.weigh(list, len, req, this.weights);
  }

  /** Sort `list[0..len)` in place: the chosen host first, then the rest by weight. */
  sortAll(list: Int32Array, len: number, req: FilterRequest, ctx: DriverContext): void {
    const { weights, perm, scratch } = this;
    this.weigh(list, len, req);
    for (let i = 0; i < len; i++) perm[i] = i;
    stableSortDesc(perm, len, weights, scratch);
    const subset = Math.min(this.subsetSize, len);
    const r = subset > 1 ? ctx.rng.int(subset) : 0;
    scratch[0] = list[perm[r]];
    let j = 1;
    for (let i = 0; i < len; i++) if (i !== r) scratch[j++] = list[perm[i]];
    list.set(scratch.subarray(0, len));
  }

  /**
   * The first `k` hosts of the sorted order of `list[0..len)` into `head` (host_subset_size 1
   * only: no draw), in one pass: a host enters the kept few only when strictly heavier than the
   * lightest kept (an equal later host stays behind, as the stable sort keeps it), and goes after
   * every kept host at least as heavy. `list` is not reordered. Returns how many (min(k, len)).
   */
  sortHead(list: Int32Array, len: number, req: FilterRequest, k: number, head: Int32Array): number {
    if (this.subsetSize !== 1) throw new Error('sortHead needs host_subset_size 1');
    const { weights, perm } = this;
    this.weigh(list, len, req);
    let count = 0;
    for (let i = 0; i < len; i++) {
      const w = weights[i];
      if (count === k && !(w > weights[perm[count - 1]])) continue;
      let p = count < k ? count++ : count - 1;
      while (p > 0 && weights[perm[p - 1]] < w) {
        perm[p] = perm[p - 1];
        p--;
      }
      perm[p] = i;
    }
    for (let i = 0; i < count; i++) head[i] = list[perm[i]];
    return count;
  }
}
