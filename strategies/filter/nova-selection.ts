import { stableSortDesc } from '../../src/common/stable-sort.ts';
import type { HostSelection } from '../../src/framework/pipeline.ts';
import type { DecisionProbe } from '../../src/framework/probe.ts';
import type { FilterRequest } from '../../src/framework/types.ts';
import type { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';

/**
 * Nova's `_get_sorted_hosts` selection: weigh the survivors, sort them by weight (descending,
 * stable), pick uniformly among the best `host_subset_size` (no draw for a subset of one), and leave
 * the sorted list with the chosen host moved to the front as the next instance's input.
 */
export class NovaSelection implements HostSelection {
  private readonly scratch: Int32Array;
  private readonly perm: Int32Array;
  private readonly weights: Float64Array;

  constructor(
    private readonly weightHandler: WeightHandler,
    private readonly subsetSize: number,
    hostCount: number,
  ) {
    this.scratch = new Int32Array(hostCount);
    this.perm = new Int32Array(hostCount);
    this.weights = new Float64Array(hostCount);
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.weightHandler.probe = probe;
  }

  select(list: Int32Array, len: number, req: FilterRequest, ctx: DriverContext, more: boolean): number {
    const { weights } = this;
    if (len === 1) return list[0];
    this.weightHandler.weigh(list, len, req, weights);
    const subset = Math.min(this.subsetSize, len);
    if (!more && subset === 1) {
      // Only the best host matters and no list is handed on: a scan, not a sort.
      let best = 0;
      for (let i = 1; i < len; i++) if (weights[i] > weights[best]) best = i;
      return list[best];
    }
    const perm = this.perm;
    for (let i = 0; i < len; i++) perm[i] = i;
    // Descending weight; equal weights keep input order (Python's stable sorted(reverse=True)).
    stableSortDesc(perm, len, weights, this.scratch);
    const r = subset > 1 ? ctx.rng.int(subset) : 0;
    const scratch = this.scratch;
    scratch[0] = list[perm[r]];
    let j = 1;
    for (let i = 0; i < len; i++) if (i !== r) scratch[j++] = list[perm[i]];
    list.set(scratch.subarray(0, len));
    return list[0];
  }
}
