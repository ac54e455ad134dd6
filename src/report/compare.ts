import { basename } from 'node:path';
import { UsageError } from '../common/errors.ts';
import { formatMeanCi, negligible, sig } from './format.ts';
import { reportLabels } from './labels.ts';
import { fastestCalibration } from './machine-speed.ts';
import { mdTable, mdText } from './markdown.ts';
import { METRICS, type MetricDef } from './metric-catalog.ts';
import type { LoadedReport } from './read-report.ts';
import type { Report } from './schema.ts';
import { type Estimate, estimate, welch } from './stats.ts';

/** One column of a comparison: the reports of one side (several seeds give a mean and a CI). */
export interface Side {
  readonly label: string;
  readonly reports: readonly Report[];
}

/** How reports are grouped into sides: by command-line argument, by strategy, or by strategy+config. */
export type GroupBy = 'arg' | 'strategy' | 'config';

export interface CompareOptions {
  /** Significance level of Welch's test (two-sided). */
  readonly alpha: number;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { alpha: 0.05 };

/** Group loaded reports into sides. `args[i]` produced `loaded` entries whose `arg` is i. */
export function groupSides(loaded: readonly (LoadedReport & { arg: string })[], by: GroupBy): Side[] {
  const groups = new Map<string, Report[]>();
  const keyOf = (l: LoadedReport & { arg: string }) => {
    if (by === 'arg') return l.arg;
    if (by === 'strategy') return l.report.inputs.strategy;
    const { seed: _seed, ...config } = l.report.inputs.config;
    return `${l.report.inputs.strategy}\0${JSON.stringify(config)}`;
  };
  for (const l of loaded) {
    const key = keyOf(l);
    const list = groups.get(key) ?? [];
    list.push(l.report);
    groups.set(key, list);
  }
  const keys = [...groups.keys()];
  let labels: string[];
  if (by === 'arg') {
    const names = keys.map((k) => basename(k).replace(/\.json$/, ''));
    labels = names.map((n, i) => (names.indexOf(n) === names.lastIndexOf(n) ? n : keys[i]));
  } else if (by === 'strategy') {
    labels = keys;
  } else {
    // Label each config by what tells it apart, as plot legends do (the seed aside).
    labels = reportLabels(
      keys.map((k) => ({ ...groups.get(k)![0], inputs: { ...groups.get(k)![0].inputs, seed: 0 } })),
    );
  }
  if (keys.length < 2)
    throw new UsageError(`compare needs at least two sides, got ${keys.length} (grouped by ${by})`);
  return keys.map((k, i) => ({ label: labels[i], reports: groups.get(k)! }));
}

function values(def: MetricDef, side: Side): number[] {
  return side.reports.map((r) => def.value(r)).filter((v): v is number => v !== null && Number.isFinite(v));
}

function formatEstimate(def: MetricDef, e: Estimate | undefined): string {
  if (!e || e.n === 0) return '–';
  return formatMeanCi(def, e.mean, e.half);
}

function formatDelta(def: MetricDef, d: number): string {
  const sign = d > 0 ? '+' : d < 0 ? '−' : '';
  const a = Math.abs(d);
  if (def.format === 'share') return `${sign}${sig(100 * a, 3)} pp`;
  return `${sign}${sig(a, 4)}`;
}

/**
 * The comparison as Markdown: one row per metric; per side its value (mean ± 95% CI half-width
 * with several reports), and for every side after the first the absolute and relative difference
 * to the first and `*` where Welch's two-sided t-test gives p < alpha.
 */
export function compareMarkdown(
  sides: readonly Side[],
  opts: CompareOptions = DEFAULT_COMPARE_OPTIONS,
): string {
  const [base, ...others] = sides;
  const header = ['metric', 'better', `${base.label} (n=${base.reports.length})`];
  for (const s of others) header.push(`${s.label} (n=${s.reports.length})`, 'Δ', 'Δ%', `p<${opts.alpha}`);
  const rows: string[][] = [];
  for (const def of METRICS) {
    const est = sides.map((s) => {
      const xs = values(def, s);
      return xs.length > 0 ? estimate(xs) : undefined;
    });
    if (est.every((e) => e === undefined)) continue;
    const row = [def.name, def.better === 'none' ? '' : def.better, formatEstimate(def, est[0])];
    others.forEach((_, j) => {
      const a = est[0];
      const b = est[j + 1];
      row.push(formatEstimate(def, b));
      if (!a || !b) {
        row.push('–', '–', '');
        return;
      }
      const raw = b.mean - a.mean;
      const d = negligible(raw, Math.max(Math.abs(a.mean), Math.abs(b.mean))) ? 0 : raw;
      row.push(formatDelta(def, d));
      row.push(
        a.mean === 0 ? '–' : d === 0 ? '0%' : `${d > 0 ? '+' : '−'}${sig(Math.abs((100 * d) / a.mean), 3)}%`,
      );
      const w = welch(a, b);
      row.push(w !== null && w.p < opts.alpha ? '*' : '');
    });
    rows.push(row);
  }
  const notes = comparabilityNotes(sides);
  const seeds = sides.some((s) => s.reports.length > 1);
  return [
    `## schedbench compare: ${sides.map((s) => mdText(s.label)).join(' vs ')}`,
    '',
    mdTable(header, rows),
    '',
    `Δ and Δ% are each side minus **${mdText(base.label)}**${
      seeds
        ? `; with several reports a side shows mean ± the 95% confidence half-width (Student's t, n−1 df), and * marks a difference where Welch's two-sided t-test gives p < ${opts.alpha}`
        : '; with one report per side there is no variance to test (give several seeds per side for confidence intervals and significance)'
    }. Shares are in %, their differences in percentage points (pp). Metrics: docs/metrics.md.`,
    ...notes.map((n) => `\n> ${n}`),
    '',
  ].join('\n');
}

/** Warnings a reader needs: different traces, or timing measured on differently fast machines. */
function comparabilityNotes(sides: readonly Side[]): string[] {
  const notes: string[] = [];
  const traces = new Set(sides.flatMap((s) => s.reports.map((r) => r.inputs.trace.sha256)));
  if (traces.size > 1) notes.push('note: the sides replay different traces (trace sha256 differs).');
  const clusters = new Set(sides.flatMap((s) => s.reports.map((r) => r.inputs.cluster.sha256)));
  if (clusters.size > 1) notes.push('note: the sides use different clusters (cluster sha256 differs).');
  const known = sides.map((s) => fastestCalibration(s.reports)).filter((x) => x !== null);
  if (known.length > 1) {
    const ratio = Math.max(...known) / Math.min(...known);
    if (ratio > 1.1)
      notes.push(
        `note: the calibration loop ran ${sig((ratio - 1) * 100, 2)}% faster on one side: timing differences partly reflect the machine, not the code.`,
      );
  }
  return notes;
}
