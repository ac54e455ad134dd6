import type { HostTable } from '../../cluster/host-table.ts';
import type { WeigherForm } from '../fused-form.ts';
import type { FilterRequest, HostWeigher } from '../types.ts';

interface ActiveWeigher {
  readonly weigher: HostWeigher;
  /** The weigher's form; undefined for a plugin without one (or with a preScore): called per host. */
  readonly form: WeigherForm | undefined;
  /** The multiplier when it is the same on every host (Object.is), else undefined: read per host. */
  readonly uniform: number | undefined;
}

/**
 * WeightHandler.weigh with each built-in weigher's raw value read inline (its form) instead of
 * through a call per host, and a uniform multiplier hoisted out of the loop: the same clamping,
 * normalisation and the same float operations in the same order per host, so the same weights.
 */
export class FusedWeigher {
  private readonly active: readonly ActiveWeigher[];
  private readonly raw: Float64Array;

  constructor(
    private readonly t: HostTable,
    weighers: readonly HostWeigher[],
  ) {
    this.raw = new Float64Array(t.size);
    this.active = weighers
      .filter((w) => w.multipliers.some((m) => m !== 0))
      .map((w) => {
        const m = w.multipliers;
        const same = m.every((x) => Object.is(x, m[0]));
        return {
          weigher: w,
          form: w.preScore ? undefined : w.fusedForm,
          uniform: same && m.length > 0 ? m[0] : undefined,
        };
      });
  }

  /** Weights of `list[0..len)` (len >= 2) into `weights`, as WeightHandler.weigh. */
  weigh(list: Int32Array, len: number, req: FilterRequest, weights: Float64Array): void {
    weights.fill(0, 0, len);
    const raw = this.raw;
    for (const a of this.active) {
      const w = a.weigher;
      if (a.form === undefined) w.preScore?.(req);
      const { minval, maxval, multipliers } = w;
      // Raw values, clamped, with their min and max: one pass.
      this.rawValues(a, list, len, req);
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      if (minval === 0 && maxval === undefined) {
        for (let i = 0; i < len; i++) {
          let x = raw[i];
          if (x < 0) raw[i] = x = 0;
          if (x < min) min = x;
          if (x > max) max = x;
        }
      } else {
        for (let i = 0; i < len; i++) {
          let x = raw[i];
          if (minval !== undefined && x < minval) x = minval;
          if (maxval !== undefined && x > maxval) x = maxval;
          raw[i] = x;
          if (x < min) min = x;
          if (x > max) max = x;
        }
      }
      const lo = minval ?? min;
      const hi = maxval ?? max;
      const u = a.uniform;
      if (lo === hi) {
        // weights += multiplier * 0: a no-op for a finite uniform multiplier (weights are never -0).
        if (u !== undefined && Number.isFinite(u)) continue;
        for (let i = 0; i < len; i++) weights[i] += multipliers[list[i]] * 0;
        continue;
      }
      const range = hi - lo;
      if (u !== undefined) for (let i = 0; i < len; i++) weights[i] += u * ((raw[i] - lo) / range);
      else for (let i = 0; i < len; i++) weights[i] += multipliers[list[i]] * ((raw[i] - lo) / range);
    }
  }

  private rawValues(a: ActiveWeigher, list: Int32Array, len: number, req: FilterRequest): void {
    const raw = this.raw;
    const form = a.form;
    if (form === undefined) {
      const w = a.weigher;
      for (let i = 0; i < len; i++) raw[i] = w.weigh(list[i], req);
      return;
    }
    switch (form.kind) {
      case 'array': {
        const v = form.values;
        for (let i = 0; i < len; i++) raw[i] = v[list[i]];
        return;
      }
      case 'cpu': {
        const { vcpusTotal, cpuAllocationRatio, vcpusUsed } = this.t;
        for (let i = 0; i < len; i++) {
          const h = list[i];
          raw[i] = vcpusTotal[h] * cpuAllocationRatio[h] - vcpusUsed[h];
        }
        return;
      }
      case 'group': {
        if (req.group.group?.policy !== form.policy) {
          raw.fill(0, 0, len);
          return;
        }
        const g = req.group;
        if (form.sign === 1) for (let i = 0; i < len; i++) raw[i] = g.count(list[i]);
        else for (let i = 0; i < len; i++) raw[i] = 0 - g.count(list[i]);
        return;
      }
    }
  }
}
