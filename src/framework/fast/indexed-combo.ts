import { type ComboKey, type HostIndex, IndexField } from '../../cluster/host-index.ts';
import type { HostWeigher } from '../types.ts';

/** What the combination needs of an IndexedPlan (restated: the plan imports this module). */
interface ComboPlan {
  readonly weighers: readonly HostWeigher[];
  readonly weigherFields: readonly IndexField[];
  readonly softPolicies: readonly (string | undefined)[];
}

/** The combination's relative safety margin: far above the ~1e-15 rounding of a sum of ≤ 7 terms. */
const RELATIVE_MARGIN = 1e-12;
/** An absolute one for weights in the subnormal range (tiny multipliers). */
const ABSOLUTE_MARGIN = 1e-300;

/**
 * Does the plan benefit from a ComboMax key? Several weighers where free resources and instance or
 * io-op counts pull against each other: their separate maxima bound a subtree loosely.
 */
export function wantsCombo(plan: ComboPlan): boolean {
  let resources = 0;
  let counts = false;
  for (let j = 0; j < plan.weighers.length; j++) {
    if (plan.softPolicies[j] !== undefined) continue;
    resources++;
    const f = plan.weigherFields[j];
    if (f === IndexField.IoOpsMax || f === IndexField.InstancesMax) counts = true;
  }
  return counts && resources >= 2;
}

/**
 * Set the tree's ComboMax combination for a new partition: each active resource weigher's raw value
 * (clamped below at its minval) times multiplier ÷ the value's range over the partition now, the
 * combination a decision's weight is close to. Any fixed coefficients give a valid bound
 * (ComboBound corrects for the decision's own); these just make it tight.
 */
export function setupCombo(plan: ComboPlan, tree: HostIndex, multipliers: Float64Array): void {
  if (!tree.has(IndexField.ComboMax)) return;
  const fields: IndexField[] = [];
  const coeffs: number[] = [];
  const floors: number[] = [];
  for (let j = 0; j < plan.weighers.length; j++) {
    const m = multipliers[j];
    const w = plan.weighers[j];
    if (plan.softPolicies[j] !== undefined || m === 0 || !Number.isFinite(m)) continue;
    // A weigher clamped above (none built in) or a multiplier with no safe reciprocal: no combination.
    if (w.maxval !== undefined || Math.abs(m) < 1e-200 || Math.abs(m) > 1e200) return;
    const f = plan.weigherFields[j];
    const floor = w.minval ?? Number.NEGATIVE_INFINITY;
    const hi = Math.max(tree.nodes[f][1], floor);
    const lo = Math.max(tree.nodes[f + 1][1], floor);
    const range = Number.isFinite(hi - lo) && hi - lo > 0 ? hi - lo : 1;
    // A weigher configured twice (weight_classes may repeat one) is one field of the key: ComboBound
    // sums every term of a field into the key's one coefficient for it, so a field listed twice
    // would count its terms twice (a bound below the weight when they pull the weight down).
    const at = fields.indexOf(f);
    if (at >= 0) {
      if (floors[at] !== floor) return;
      coeffs[at] += m / range;
      continue;
    }
    fields.push(f);
    coeffs.push(m / range);
    floors.push(floor);
  }
  if (fields.length < 2) return;
  const key: ComboKey = { fields, coeffs: Float64Array.from(coeffs), floors: Float64Array.from(floors) };
  tree.setCombo(key);
}

/**
 * A subtree bound on the weight from the tree's ComboMax: with the decision's terms
 * c_j (x_j − lo_j), c_j = m_j / range_j, and the key's c̄_j x_j,
 *   Σ c_j (x_j − lo_j) ≤ max Σ c̄_j x_j + Σ (c_j − c̄_j) · (x_j's max or min by sign) − Σ c_j lo_j,
 * exact over the reals, plus constant terms; a margin far above the floating-point error of both
 * sides makes it a bound on the computed weight. Used only when every non-constant term is in the
 * key. Allocation-free after construction.
 */
export class ComboBound {
  on = false;
  private count = 0;
  private keys: Float64Array = new Float64Array(0);
  private readonly corrKeys: Float64Array[] = Array.from({ length: 16 }, () => new Float64Array(0));
  private readonly delta = new Float64Array(16);
  private readonly floor = new Float64Array(16);
  private constant = 0;

  /**
   * Prepare for one query over `tree` with the search's terms: field per term (−1: a constant term
   * of value `constValue[j]`), multiplier, lo and range.
   */
  prepare(
    tree: HostIndex,
    terms: number,
    termField: Int32Array,
    termM: Float64Array,
    termLo: Float64Array,
    termRange: Float64Array,
    constValue: Float64Array,
  ): void {
    this.on = false;
    const key = tree.comboKey;
    if (key === undefined || terms < 2) return;
    const n = tree.nodes;
    let inKey = 0;
    let constant = 0;
    let scale = 0;
    for (let j = 0; j < terms; j++) {
      scale += Math.abs(termM[j]);
      if (termField[j] < 0) {
        constant += constValue[j];
        scale += Math.abs(constValue[j]);
        continue;
      }
      if (!key.fields.includes(termField[j] as IndexField)) return;
      inKey++;
    }
    if (inKey === 0) return;
    this.count = 0;
    if (key.fields.length > this.delta.length) return;
    for (let k = 0; k < key.fields.length; k++) {
      const f = key.fields[k];
      let c = 0;
      for (let j = 0; j < terms; j++) {
        if (termField[j] !== f) continue;
        const cj = termM[j] / termRange[j];
        c += cj;
        constant -= cj * termLo[j];
        scale += Math.abs(cj * termLo[j]);
      }
      const d = c - key.coeffs[k];
      const fl = key.floors[k];
      const a = Math.max(Math.abs(Math.max(n[f][1], fl)), Math.abs(Math.max(n[f + 1][1], fl)));
      scale += (Math.abs(key.coeffs[k]) + Math.abs(d)) * a;
      if (d === 0) continue;
      const i = this.count++;
      this.delta[i] = d;
      this.floor[i] = fl;
      // The correction's max: at the field's max where it grows, at its min where it falls.
      this.corrKeys[i] = d > 0 ? n[f] : n[f + 1];
    }
    const margin = scale * RELATIVE_MARGIN + ABSOLUTE_MARGIN;
    if (!Number.isFinite(margin) || !Number.isFinite(constant)) return;
    this.constant = constant + margin;
    this.keys = n[IndexField.ComboMax];
    this.on = true;
  }

  /** The bound at node v (NaN possible on padding: callers keep the other bound then). */
  at(v: number): number {
    let s = this.keys[v] + this.constant;
    for (let i = 0; i < this.count; i++) {
      const x = this.corrKeys[i][v];
      s += this.delta[i] * (x < this.floor[i] ? this.floor[i] : x);
    }
    return s;
  }
}
