import type { DecisionProbe } from './probe.ts';
import type { FilterRequest, HostWeigher } from './types.ts';

/**
 * Nova's `BaseWeightHandler.get_weighed_objects`, allocation-free: for each weigher, raw values
 * clamped to [minval, maxval], normalised to (x - lo) / (hi - lo) with lo = minval where set (else the
 * minimum) and hi the maximum (all 0 when lo == hi), times the host's multiplier, summed in weigher
 * order into `weights[i]` for the host at `list[i]`. With fewer than two hosts nothing is weighed.
 */
export class WeightHandler {
  private readonly raw: Float64Array;
  /** Weighers whose multiplier is 0 on every host add exactly 0 and are skipped (see `weighs`). */
  private readonly active: readonly HostWeigher[];
  /** Explaining: each weigher's raw values and bounds go here (one check per weigher, not per host). */
  probe: DecisionProbe | undefined = undefined;

  constructor(weighers: readonly HostWeigher[], hostCount: number) {
    this.raw = new Float64Array(hostCount);
    this.active = weighers.filter(weighs);
  }

  weigh(list: Int32Array, len: number, req: FilterRequest, weights: Float64Array): void {
    weights.fill(0, 0, len);
    if (len <= 1) return;
    const raw = this.raw;
    for (const w of this.active) {
      w.preScore?.(req);
      const { minval, maxval, multipliers } = w;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < len; i++) {
        let x = w.weigh(list[i], req);
        if (minval !== undefined && x < minval) x = minval;
        if (maxval !== undefined && x > maxval) x = maxval;
        raw[i] = x;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      const lo = minval ?? min;
      const hi = maxval ?? max;
      if (this.probe) this.probe.weighed(w.name, raw, list, len, lo, hi, multipliers);
      if (lo === hi) {
        // Python: normalize() returns [0] * n, and weight += multiplier * 0.
        for (let i = 0; i < len; i++) weights[i] += multipliers[list[i]] * 0;
        continue;
      }
      const range = hi - lo;
      for (let i = 0; i < len; i++) weights[i] += multipliers[list[i]] * ((raw[i] - lo) / range);
    }
  }
}

/**
 * Does the weight handler weigh `w`? Not when its multiplier is 0 on every host (it adds exactly
 * 0), unless its `weigh` may raise (then Nova's failure must happen too).
 */
export function weighs(w: HostWeigher): boolean {
  return w.raises === true || w.multipliers.some((m) => m !== 0);
}
