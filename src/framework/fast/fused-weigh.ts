import type { HostTable } from '../../cluster/host-table.ts';
import type { WeigherForm } from '../fused-form.ts';
import type { FilterRequest, HostWeigher } from '../types.ts';
import { weighs } from '../weight-handler.ts';
import { TERM_NONE, TERM_NORMALISED, TERM_ZERO, type WeighKernel, weighKernel } from './fused-kernel.ts';

interface ActiveWeigher {
  readonly weigher: HostWeigher;
  /** The weigher's form; undefined for a plugin without one (or with a preScore): called per host. */
  readonly form: WeigherForm | undefined;
  /** The multiplier when it is the same on every host (Object.is), else undefined: read per host. */
  readonly uniform: number | undefined;
}

/**
 * WeightHandler.weigh in two passes over the hosts whatever the weighers: one for every weigher's
 * minimum and maximum clamped raw value, one summing every weigher's normalised term per host (the
 * raw value re-read rather than stored, a uniform multiplier hoisted, a term that is exactly 0
 * skipped) with the argmax folded in; both generated for the weigher set (fused-kernel.ts). A
 * plugin without a form is called per host first, as the reference calls it. The same float
 * operations in the same order per host as WeightHandler, so the same weights.
 */
export class FusedWeigher {
  private readonly active: readonly ActiveWeigher[];
  private readonly kernel: WeighKernel;
  /** Per weigher: its raw values' source this decision (a table array, the group's counts, a plugin's values). */
  private readonly sources: ArrayLike<number>[];
  private readonly multipliers: Float64Array[];
  private readonly pluginRaw: (Float64Array | undefined)[];
  private readonly zeros: Int32Array;
  private readonly ranges: Float64Array;
  private readonly params: Float64Array;

  constructor(
    private readonly t: HostTable,
    weighers: readonly HostWeigher[],
  ) {
    this.active = weighers.filter(weighs).map((w) => {
      const m = w.multipliers;
      const same = m.every((x) => Object.is(x, m[0]));
      return {
        weigher: w,
        form: w.preScore ? undefined : w.fusedForm,
        uniform: same && m.length > 0 ? m[0] : undefined,
      };
    });
    this.kernel = weighKernel(
      this.active.map((a) => ({
        kind: a.form === undefined ? 'byPosition' : a.form.kind === 'cpu' ? 'cpu' : 'byHost',
        negate: a.form?.kind === 'group' && a.form.sign === -1,
        minval: a.weigher.minval,
        maxval: a.weigher.maxval,
        uniform: a.uniform !== undefined,
      })),
    );
    this.zeros = new Int32Array(t.size);
    this.pluginRaw = this.active.map((a) => (a.form === undefined ? new Float64Array(t.size) : undefined));
    this.sources = this.active.map((a, j) =>
      a.form?.kind === 'array' ? a.form.values : (this.pluginRaw[j] ?? this.zeros),
    );
    this.multipliers = this.active.map((a) => a.weigher.multipliers);
    this.ranges = new Float64Array(2 * this.active.length);
    this.params = new Float64Array(4 * this.active.length);
  }

  /** Weights of `list[0..len)` (len >= 2) into `weights`, as WeightHandler.weigh. */
  weigh(list: Int32Array, len: number, req: FilterRequest, weights: Float64Array): void {
    this.prepare(list, len, req);
    this.kernel.sum(list, len, this.t, this.sources, this.multipliers, this.params, weights);
  }

  /**
   * The position in `list[0..len)` (len >= 2) of the leftmost maximum weight, weights as
   * WeightHandler.weigh (NovaSelection's host with host_subset_size 1; a NaN weight never wins).
   */
  best(list: Int32Array, len: number, req: FilterRequest): number {
    this.prepare(list, len, req);
    return this.kernel.sum(list, len, this.t, this.sources, this.multipliers, this.params, undefined);
  }

  /** Plugin values (preScore and weigh calls in the reference's order), sources, then the normalisers. */
  private prepare(list: Int32Array, len: number, req: FilterRequest): void {
    const { active, sources, params, ranges } = this;
    for (let j = 0; j < active.length; j++) {
      const a = active[j];
      const form = a.form;
      if (form === undefined) {
        const w = a.weigher;
        w.preScore?.(req);
        const raw = this.pluginRaw[j] as Float64Array;
        for (let i = 0; i < len; i++) raw[i] = w.weigh(list[i], req);
      } else if (form.kind === 'group') {
        // Off-policy, the weigher gives 0 on every host: the zeros array.
        sources[j] = req.group.group?.policy === form.policy ? req.group.countsByHost : this.zeros;
      }
    }
    this.kernel.ranges(list, len, this.t, sources, ranges);
    for (let j = 0; j < active.length; j++) {
      const a = active[j];
      const lo = a.weigher.minval ?? ranges[2 * j];
      const hi = a.weigher.maxval ?? ranges[2 * j + 1];
      const u = a.uniform;
      if (lo === hi) {
        // multiplier * 0 adds ±0 to a weight that is never -0: a no-op unless the multiplier is infinite.
        params[4 * j] = u !== undefined && Number.isFinite(u) ? TERM_NONE : TERM_ZERO;
        continue;
      }
      params[4 * j] = TERM_NORMALISED;
      params[4 * j + 1] = u ?? 0;
      params[4 * j + 2] = lo;
      params[4 * j + 3] = hi - lo;
    }
  }
}
