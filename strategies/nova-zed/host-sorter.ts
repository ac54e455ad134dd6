import { stableSortDesc } from '../../src/common/stable-sort.ts';
import type { DecisionProbe } from '../../src/framework/probe.ts';
import type { FilterRequest } from '../../src/framework/types.ts';
import type { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';

/**
 * Nova's `SchedulerManager._get_sorted_hosts` after the filters: weigh the hosts, sort them by
 * weight (descending, stable: equal weights keep the input order), draw the chosen host among the
 * best `host_subset_size` (no draw for one) and put it first. `sortAll` leaves the whole sorted
 * list in place (the next instance's input); `sortLazily` only prepares `next`, which yields the
 * same order one host at a time, for a request that needs the list's head only.
 */
export class HostSorter {
  private readonly weights: Float64Array;
  private readonly perm: Int32Array;
  private readonly scratch: Int32Array;
  /** sortLazily's state: hosts already yielded (by position), how many, and the chosen one. */
  private readonly taken: Uint8Array;
  private list: Int32Array;
  private len = 0;
  private yielded = 0;

  constructor(
    private readonly weightHandler: WeightHandler,
    private readonly subsetSize: number,
    hostCount: number,
  ) {
    this.weights = new Float64Array(hostCount);
    this.perm = new Int32Array(hostCount);
    this.scratch = new Int32Array(hostCount);
    this.taken = new Uint8Array(hostCount);
    this.list = this.scratch;
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.weightHandler.probe = probe;
  }

  /** Sort `list[0..len)` in place: the chosen host first, then the rest by weight. */
  sortAll(list: Int32Array, len: number, req: FilterRequest, ctx: DriverContext): void {
    const { weights, perm, scratch } = this;
    this.weightHandler.weigh(list, len, req, weights);
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
   * Weigh `list[0..len)` for `next` (host_subset_size 1 only: no draw). The list is not reordered;
   * each `next` is a scan for the best host not yet yielded, ties to the earlier position, which is
   * exactly the stable sort's order.
   */
  sortLazily(list: Int32Array, len: number, req: FilterRequest): void {
    if (this.subsetSize !== 1) throw new Error('sortLazily needs host_subset_size 1');
    this.weightHandler.weigh(list, len, req, this.weights);
    this.taken.fill(0, 0, len);
    this.list = list;
    this.len = len;
    this.yielded = 0;
  }

  /** The next host of the sorted order, or -1 when every host was yielded. */
  next(): number {
    const { weights, taken, len } = this;
    if (this.yielded >= len) return -1;
    let best = -1;
    for (let i = 0; i < len; i++) {
      if (taken[i] === 0 && (best < 0 || weights[i] > weights[best])) best = i;
    }
    taken[best] = 1;
    this.yielded++;
    return this.list[best];
  }
}
