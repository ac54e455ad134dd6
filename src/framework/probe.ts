import type { RequestSpec } from '../scheduler/request-spec.ts';
import type { Diagnosis } from './diagnosis.ts';

/**
 * What a driver tells an explainer about one decision, as it makes it (src/explain listens). Set only
 * while a decision is explained; then the pipeline runs in diagnosis mode (the reference loop, no
 * fast path), which decides exactly as the fast paths do. Every call hands over scratch arrays: read
 * them during the call, never keep them.
 */
export interface DecisionProbe {
  /**
   * True: the probe reads only the funnel (`Diagnosis.steps`), so the filters build no reason and
   * `rejected` stays empty (the report's sampled funnel). Absent: everything.
   */
  readonly funnelOnly?: boolean;
  /** The filters ran for instance `index`: their Diagnosis, and the survivors `list[0..len)`. */
  filtered(diagnosis: Diagnosis, spec: RequestSpec, index: number, list: Int32Array, len: number): void;
  /**
   * One weigher weighed the survivors `list[0..len)`: `raw[i]` (clamped) for host `list[i]`, the
   * normalisation bounds (all normalised values 0 when lo == hi) and the per-host multipliers.
   */
  weighed(
    weigher: string,
    raw: Float64Array,
    list: Int32Array,
    len: number,
    lo: number,
    hi: number,
    multipliers: Float64Array,
  ): void;
  /** A scoring selection scored the survivors: `scores[i]` for host `list[i]` (higher wins). */
  scored(list: Int32Array, len: number, scores: Float64Array): void;
}

/** A driver that can explain its decisions: it passes a probe to its pipelines (undefined: off). */
export interface ExplainableDriver {
  setProbe(probe: DecisionProbe | undefined): void;
}

export function isExplainable(d: object): d is ExplainableDriver {
  return typeof (d as Partial<ExplainableDriver>).setProbe === 'function';
}
