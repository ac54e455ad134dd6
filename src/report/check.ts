import { InputError } from '../common/errors.ts';
import { sig } from './format.ts';
import { type MetricDef, metricByName } from './metric-catalog.ts';
import type { Report } from './schema.ts';
import { type Bound, holds, type LoadedThresholds } from './thresholds.ts';

/** The outcome of one bound for one strategy. */
export interface BoundResult {
  readonly strategy: string;
  readonly metric: string;
  readonly bound: Bound;
  /** The median of the metric over the strategy's reports; null where it does not apply. */
  readonly value: number | null;
  readonly limit: number | null;
  /** null: not applicable (the metric or its baseline has no value). */
  readonly holds: boolean | null;
  /** How the limit was worked out (baseline, calibration scaling). */
  readonly detail: string;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function medianOf(reports: readonly Report[], f: (r: Report) => number | null | undefined): number | null {
  const xs = reports.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return xs.length > 0 ? median(xs) : null;
}

function byStrategy(reports: readonly Report[]): Map<string, Report[]> {
  const out = new Map<string, Report[]>();
  for (const r of reports) {
    const list = out.get(r.inputs.strategy) ?? [];
    list.push(r);
    out.set(r.inputs.strategy, list);
  }
  return out;
}

const fmt = (x: number) => sig(x, 5);

/**
 * Check reports against thresholds. Every figure is the median over the reports of a strategy
 * (several runs make timing figures robust); a relative bound compares with the median over the
 * baseline reports of the same strategy, and for a timing metric the baseline is first scaled by
 * how fast the calibration loop ran here versus there (docs/check.md).
 */
export function checkReports(
  t: LoadedThresholds,
  reports: readonly Report[],
  baselines: readonly Report[],
): BoundResult[] {
  const results: BoundResult[] = [];
  const base = byStrategy(baselines);
  const { strategies, timing } = t.thresholds;
  for (const [strategy, runs] of byStrategy(reports)) {
    const entries = [...(strategies['*'] ?? []), ...(strategies[strategy] ?? [])];
    for (const { metric, bounds } of entries) {
      const def = metricByName(metric) as MetricDef;
      const value = medianOf(runs, (r) => def.value(r));
      for (const bound of bounds) {
        if (bound.kind === 'absolute') {
          results.push({
            strategy,
            metric,
            bound,
            value,
            limit: bound.value,
            holds: value === null ? null : holds(bound.op, value, bound.value),
            detail: '',
          });
          continue;
        }
        const baseRuns = base.get(strategy);
        if (!baseRuns) {
          const owner = strategies[strategy]?.some((e) => e.metric === metric) ? strategy : '*';
          throw new InputError(
            t.path,
            t.lineOf(owner, metric),
            `strategies.${owner}.${metric}`,
            `"${bound.text}" is relative to a baseline, but no --baseline report is for strategy ${strategy}`,
          );
        }
        const baseValue = medianOf(baseRuns, (r) => def.value(r));
        if (baseValue === null || value === null) {
          results.push({
            strategy,
            metric,
            bound,
            value,
            limit: null,
            holds: null,
            detail: 'no baseline value',
          });
          continue;
        }
        let scale = 1;
        let detail = `baseline ${fmt(baseValue)}`;
        if (timing.normalise && def.timing !== 'none') {
          const here = medianOf(runs, (r) => r.performance.calibration?.ops_per_s);
          const there = medianOf(baseRuns, (r) => r.performance.calibration?.ops_per_s);
          if (here !== null && there !== null) {
            scale = def.timing === 'throughput' ? here / there : there / here;
            detail += ` × calibration ${sig(scale, 3)}`;
          } else {
            detail += ' (no calibration to scale by)';
          }
        }
        const limit = bound.factor * baseValue * scale + bound.offset;
        results.push({ strategy, metric, bound, value, limit, holds: holds(bound.op, value, limit), detail });
      }
    }
  }
  return results;
}

/** One line for a bound's result: `filter: novalidhost_rate <= 0.02: value 0.031 (limit 0.02)`. */
export function formatResult(r: BoundResult): string {
  const value = r.value === null ? 'n/a' : fmt(r.value);
  const limit =
    r.limit === null || r.bound.kind === 'absolute' ? '' : ` (limit ${fmt(r.limit)}: ${r.detail})`;
  return `${r.strategy}: ${r.metric} ${r.bound.text}: value ${value}${limit}`;
}
