import { InputError } from '../common/errors.ts';
import { sig } from './format.ts';
import { fastestCalibration } from './machine-speed.ts';
import { type MetricDef, metricByName } from './metric-catalog.ts';
import type { LoadedReport } from './read-report.ts';
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

function byStrategy(reports: readonly LoadedReport[]): Map<string, LoadedReport[]> {
  const out = new Map<string, LoadedReport[]>();
  for (const l of reports) {
    const list = out.get(l.report.inputs.strategy) ?? [];
    list.push(l);
    out.set(l.report.inputs.strategy, list);
  }
  return out;
}

/** Reports of a strategy no bound covers. */
export interface Uncovered {
  readonly strategy: string;
  readonly paths: readonly string[];
}

/** The strategies of some reports that no bound covers (no `'*'` bound, none of their own). */
export function uncoveredReports(
  reports: readonly LoadedReport[],
  results: readonly BoundResult[],
): Uncovered[] {
  const checked = new Set(results.map((r) => r.strategy));
  return [...byStrategy(reports)]
    .filter(([strategy]) => !checked.has(strategy))
    .map(([strategy, runs]) => ({ strategy, paths: runs.map((l) => l.path) }));
}

/**
 * A thresholds key that names no strategy of the reports is a mistake (a typo such as `fitler`,
 * or the wrong reports): its bounds would silently check nothing.
 */
function refuseUnmatchedKeys(t: LoadedThresholds, present: ReadonlySet<string>): void {
  const unmatched = Object.keys(t.thresholds.strategies).filter((k) => k !== '*' && !present.has(k));
  if (unmatched.length === 0) return;
  const [key, ...others] = unmatched;
  const first = t.thresholds.strategies[key][0]?.metric;
  throw new InputError(
    t.path,
    t.lineOf(key, first ?? ''),
    `strategies.${key}`,
    `no report is of strategy "${printable(key)}" (the reports are of: ${[...present].map(printable).join(', ')})${
      others.length > 0 ? `; no report either for ${others.map((o) => `"${printable(o)}"`).join(', ')}` : ''
    }`,
  );
}

const short = (sha: string) => sha.slice(0, 12);

/**
 * A relative bound compares like with like: the baseline reports of a strategy must replay the
 * same trace on the same cluster (by content, sha256) as its reports, or the limit is meaningless.
 */
function refuseOtherInputs(
  strategy: string,
  runs: readonly LoadedReport[],
  baseRuns: readonly LoadedReport[],
) {
  for (const field of ['trace', 'cluster'] as const) {
    const here = new Set(runs.map((l) => l.report.inputs[field].sha256));
    const there = new Set(baseRuns.map((l) => l.report.inputs[field].sha256));
    const b = baseRuns.find((l) => !here.has(l.report.inputs[field].sha256));
    const r = runs.find((l) => !there.has(l.report.inputs[field].sha256));
    if (!b && !r) continue;
    // Name a baseline and a report whose inputs differ (b differs from every report, r from
    // every baseline).
    const base = b ?? baseRuns[0];
    const run = r ?? runs.find((l) => l.report.inputs[field].sha256 !== base.report.inputs[field].sha256)!;
    const ref = (l: LoadedReport) =>
      `${printable(l.report.inputs[field].path)} sha256 ${short(l.report.inputs[field].sha256)}`;
    throw new InputError(
      base.path,
      undefined,
      `inputs.${field}.sha256`,
      `the baseline for strategy ${printable(strategy)} used another ${field} (${ref(base)}) than report ${run.path} (${ref(run)}); a relative bound needs a baseline of the same ${field}`,
    );
  }
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
  loaded: readonly LoadedReport[],
  baselines: readonly LoadedReport[],
): BoundResult[] {
  const results: BoundResult[] = [];
  const base = byStrategy(baselines);
  const { strategies, timing } = t.thresholds;
  const groups = byStrategy(loaded);
  refuseUnmatchedKeys(t, new Set(groups.keys()));
  const own = (k: string) => (Object.hasOwn(strategies, k) ? strategies[k] : []);
  for (const [strategy, group] of groups) {
    const runs = group.map((l) => l.report);
    const entries = [...own('*'), ...own(strategy)];
    let inputsChecked = false;
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
        const baseGroup = base.get(strategy);
        if (!baseGroup) {
          const owner = own(strategy).some((e) => e.metric === metric) ? strategy : '*';
          throw new InputError(
            t.path,
            t.lineOf(owner, metric),
            `strategies.${owner}.${metric}`,
            `"${bound.text}" is relative to a baseline, but no --baseline report is for strategy ${strategy}`,
          );
        }
        if (!inputsChecked) refuseOtherInputs(strategy, group, baseGroup);
        inputsChecked = true;
        const baseRuns = baseGroup.map((l) => l.report);
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
          const here = fastestCalibration(runs);
          const there = fastestCalibration(baseRuns);
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

/**
 * A name from a report as one printable line: control characters (a newline that would forge a
 * second result line, terminal escapes) are shown as `\xNN`.
 */
export function printable(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** One line for a bound's result: `filter: novalidhost_rate <= 0.02: value 0.031 (limit 0.02)`. */
export function formatResult(r: BoundResult): string {
  const value = r.value === null ? 'n/a' : fmt(r.value);
  const limit =
    r.limit === null || r.bound.kind === 'absolute' ? '' : ` (limit ${fmt(r.limit)}: ${r.detail})`;
  return `${printable(r.strategy)}: ${r.metric} ${r.bound.text}: value ${value}${limit}`;
}
