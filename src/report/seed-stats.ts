import { reportLabels } from './labels.ts';
import type { MetricDef } from './metric-catalog.ts';
import type { Report } from './schema.ts';
import { estimate } from './stats.ts';

/** One metric over the seeds of a group. */
export interface SeedEstimate {
  /** Reports with a value (the metric may not apply to some). */
  readonly n: number;
  /** Mean over those reports; null when none has a value. */
  readonly mean: number | null;
  /** Half-width of the 95% confidence interval, t(0.975, n−1) · s / √n; null for n < 2. */
  readonly half: number | null;
  /** Smallest and largest value; null when none has a value. */
  readonly min: number | null;
  readonly max: number | null;
}

/** The reports of one strategy and config (the same trace and cluster) that differ only by seed. */
export interface SeedGroup {
  /** Unique among the groups: the strategy, plus what tells its configs apart (no seed). */
  readonly label: string;
  readonly strategy: string;
  /** The group's reports, in input order. */
  readonly reports: readonly Report[];
  /** Their seeds, in input order. */
  readonly seeds: readonly number[];
  /** Per metric name: the estimate over the group's reports. */
  readonly metrics: ReadonlyMap<string, SeedEstimate>;
}

/**
 * The key of a report's group: strategy, config without its seed, trace and cluster (by content).
 * Two reports share a group exactly when they differ at most by seed.
 */
export function seedGroupKey(r: Report): string {
  const { seed: _seed, ...config } = r.inputs.config;
  return JSON.stringify([r.inputs.strategy, config, r.inputs.trace.sha256, r.inputs.cluster.sha256]);
}

/** Mean, 95% CI half-width (Student's t), min and max of some values (NaN and ±∞ left out). */
export function seedEstimate(values: readonly (number | null | undefined)[]): SeedEstimate {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { n: 0, mean: null, half: null, min: null, max: null };
  const e = estimate(xs);
  return { n: e.n, mean: e.mean, half: e.half, min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * Aggregate reports over seeds: one group per strategy × config × trace × cluster (the seed
 * aside), in the order of each group's first report (the run order), with every metric of `defs`
 * as mean ± 95% confidence half-width over the group's seeds (Student's t with n − 1 degrees of
 * freedom; no half-width for a single seed). Pure: the same reports give the same groups.
 */
export function aggregateSeeds(reports: readonly Report[], defs: readonly MetricDef[]): SeedGroup[] {
  const byKey = new Map<string, Report[]>();
  for (const r of reports) {
    const key = seedGroupKey(r);
    const list = byKey.get(key) ?? [];
    list.push(r);
    byKey.set(key, list);
  }
  const groups = [...byKey.values()];
  // Label each group as plot legends label reports, with the seed made alike so it drops out.
  const labels = reportLabels(groups.map((g) => ({ ...g[0], inputs: { ...g[0].inputs, seed: 0 } })));
  return groups.map((g, i) => ({
    label: labels[i],
    strategy: g[0].inputs.strategy,
    reports: g,
    seeds: g.map((r) => r.inputs.seed),
    metrics: new Map(defs.map((d) => [d.name, seedEstimate(g.map((r) => d.value(r)))])),
  }));
}

/** The seeds of a group as a table shows them: `1`, `1,2,3`, or `1..10` for a consecutive run. */
export function formatSeeds(seeds: readonly number[]): string {
  const s = [...seeds].sort((a, b) => a - b);
  const consecutive = s.length > 3 && s.every((x, i) => i === 0 || x === s[i - 1] + 1);
  return consecutive ? `${s[0]}..${s[s.length - 1]}` : s.join(',');
}
