import { escapeControls } from '../common/safe-text.ts';
import { formatMeanCi, formatMetric } from './format.ts';
import { reportLabels } from './labels.ts';
import { type MetricDef, metricByName } from './metric-catalog.ts';
import type { Report } from './schema.ts';
import { aggregateSeeds, formatSeeds } from './seed-stats.ts';

/** A plain-text table, columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], cells: readonly (readonly string[])[]): string {
  // Names come from users (strategy, cell, file names): escaped so that a control character can
  // neither recolour the terminal nor break a row.
  const rows = cells.map((r) => r.map(escapeControls));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map(
    (_, i) =>
      rows.length > 0 &&
      rows.every((r) => /^[-+\d.,%]+( ± [\d.,%]+)?$/.test(r[i]) || r[i] === '-' || r[i] === '–'),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The terminal table's columns: metric name and its short heading. */
const TERMINAL_COLUMNS: readonly (readonly [string, string])[] = [
  ['placed', 'placed'],
  ['novalidhost_rate', 'NVH rate'],
  ['util_cpu', 'CPU util'],
  ['util_ram', 'RAM util'],
  ['busy_util_cpu', 'busy CPU'],
  ['arrival_util_cpu', 'arrival CPU'],
  ['arrival_util_ram', 'arrival RAM'],
  ['active_hosts_mean', 'hosts used'],
  ['fragmentation_ram', 'RAM frag'],
  ['decisions_per_s', 'decisions/s'],
  ['latency_p50_us', 'p50 µs'],
  ['cpu_s', 'cpu s'],
];
const TERMINAL_DEFS = TERMINAL_COLUMNS.map(([name]) => metricByName(name) as MetricDef);

/** Options of the terminal summary. */
export interface SummaryTableOptions {
  /** Also one row per report (seed), below the aggregated rows. */
  readonly perSeed: boolean;
}

/**
 * The summary table `run` and `demo` print: one row per strategy × config (aggregateSeeds), each
 * metric as mean ± 95% CI over its seeds (a single seed: its value); with `perSeed`, a second
 * table with one row per report.
 */
export function summaryTable(
  reports: readonly Report[],
  opts: SummaryTableOptions = { perSeed: false },
): string {
  const header = ['strategy', 'seeds', ...TERMINAL_COLUMNS.map(([, h]) => h)];
  const groups = aggregateSeeds(reports, TERMINAL_DEFS);
  const table = formatTable(
    header,
    groups.map((g) => [
      g.label,
      formatSeeds(g.seeds),
      ...TERMINAL_DEFS.map((d) => {
        const e = g.metrics.get(d.name)!;
        return formatMeanCi(d, e.mean, e.half);
      }),
    ]),
  );
  if (!opts.perSeed) return table;
  const labels = reportLabels(reports);
  const perSeed = formatTable(
    ['report', 'seed', ...TERMINAL_COLUMNS.map(([, h]) => h)],
    reports.map((r, i) => [
      labels[i],
      String(r.inputs.seed),
      ...TERMINAL_DEFS.map((d) => formatMetric(d, d.value(r))),
    ]),
  );
  return `${table}\n\nper seed:\n${perSeed}`;
}
