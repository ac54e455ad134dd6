import { formatInt, formatMeanCi, formatMetric } from './format.ts';
import { reportLabels } from './labels.ts';
import { type MetricDef, metricByName } from './metric-catalog.ts';
import type { Report } from './schema.ts';
import { aggregateSeeds, formatSeeds } from './seed-stats.ts';

/** The columns of the summary, by metric name (docs/metrics.md defines each). */
export const SUMMARY_METRICS = [
  'instances',
  'placed',
  'novalidhost_rate',
  'first_novalidhost_time',
  'util_cpu',
  'util_ram',
  'busy_util_cpu',
  'busy_util_ram',
  'arrival_util_cpu',
  'arrival_util_ram',
  'active_hosts_mean',
  'balance_cv_ram',
  'fragmentation_ram',
  'anti_affinity_violations',
  'soft_affinity_satisfaction',
  'decisions_per_s',
  'decisions_per_cpu_s',
  'latency_p50_us',
  'latency_p99_us',
] as const;

/** Summary columns added when some report's cluster has GPUs. */
export const GPU_SUMMARY_METRICS = [
  'util_gpu',
  'gpu_allocation_rate',
  'unallocated_gpus',
  'gpu_fragmentation',
] as const;

/** The summary columns for these reports: the GPU ones (after fragmentation_ram) only with GPUs. */
export function summaryMetrics(reports: readonly Report[]): MetricDef[] {
  const names: string[] = [...SUMMARY_METRICS];
  if (reports.some((r) => r.quality.gpu !== undefined))
    names.splice(names.indexOf('fragmentation_ram') + 1, 0, ...GPU_SUMMARY_METRICS);
  return names.map((n) => metricByName(n) as MetricDef);
}

const MD_ESCAPES = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['\\', '\\\\'],
  ['|', '\\|'],
  ['`', '\\`'],
  ['[', '\\['],
  [']', '\\]'],
]);

/**
 * A string as literal Markdown text on one line, in running text or a table cell. Control
 * characters (newlines, terminal escapes) become spaces; `&`, `>` and a `<` that could open a tag
 * or an autolink become entities (`p<0.05` stays as it is); `\`, `|`, backticks, `[`, `]` are
 * backslash-escaped, so no cell break, code span or link. Every user-controlled
 * string (labels, paths, names from a report) goes through this before it reaches Markdown.
 */
export function mdText(s: string): string {
  return s
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/[&>\\|`[\]]|<(?=[A-Za-z/!?])/g, (c) => MD_ESCAPES.get(c) ?? c);
}

/** A Markdown table; every cell is escaped as literal text (mdText). */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(mdText).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** The inputs every report of a set shares, or each report's when they differ. */
export function inputsLines(reports: readonly Report[]): string[] {
  const traces = [
    ...new Set(reports.map((r) => `${r.inputs.trace.path} (sha256 ${r.inputs.trace.sha256.slice(0, 12)})`)),
  ];
  const clusters = [
    ...new Set(
      reports.map(
        (r) =>
          `${r.inputs.cluster.path} (${r.inputs.hosts} hosts, sha256 ${r.inputs.cluster.sha256.slice(0, 12)})`,
      ),
    ),
  ];
  const tools = [...new Set(reports.map((r) => `schedbench ${r.tool.version}, Node ${r.tool.node}`))];
  const machines = [
    ...new Set(
      reports.map(
        (r) => `${r.machine.cpu_model} × ${r.machine.cpus} (${r.machine.platform}/${r.machine.arch})`,
      ),
    ),
  ];
  // Plain text: summaryMarkdown escapes it for Markdown, the HTML page for HTML.
  return [
    `- trace: ${traces.join('; ')}`,
    `- cluster: ${clusters.join('; ')}`,
    `- tool: ${tools.join('; ')}`,
    `- machine: ${machines.join('; ')}`,
  ];
}

/** Options of summary.md. */
export interface SummaryOptions {
  /** Also a table with one row per report (seed), after the aggregated one. */
  readonly perSeed: boolean;
}

/**
 * `summary.md`: one row per strategy × config (the seed aside, aggregateSeeds), the headline
 * metrics as columns, each the mean ± 95% confidence half-width over the seeds (one seed: its
 * value); with `perSeed`, also one row per report.
 */
export function summaryMarkdown(
  reports: readonly Report[],
  opts: SummaryOptions = { perSeed: false },
): string {
  const defs = summaryMetrics(reports);
  const groups = aggregateSeeds(reports, defs);
  const rows = groups.map((g) => [
    g.label,
    formatSeeds(g.seeds),
    ...defs.map((d) => {
      const e = g.metrics.get(d.name)!;
      return formatMeanCi(d, e.mean, e.half);
    }),
  ]);
  const several = groups.some((g) => g.reports.length > 1);
  const labels = reportLabels(reports);
  const perSeed = opts.perSeed
    ? [
        '## Per seed',
        '',
        mdTable(
          ['report', 'seed', ...defs.map((d) => d.name)],
          reports.map((r, i) => [
            labels[i],
            String(r.inputs.seed),
            ...defs.map((d) => formatMetric(d, d.value(r))),
          ]),
        ),
        '',
      ]
    : [];
  return [
    '# schedbench summary',
    '',
    ...inputsLines(reports).map(mdText),
    '',
    mdTable(['strategy', 'seeds', ...defs.map((d) => d.name)], rows),
    '',
    `${
      several
        ? "With several seeds a cell is the mean ± the 95% confidence half-width over them (Student's t, n − 1 degrees of freedom); one seed shows its value. "
        : ''
    }Metrics are defined in docs/metrics.md; shares are time-weighted over the replay, \`busy_util_*\` over the busy period (first to last arrival), \`arrival_util_*\` as arriving instances saw it.${
      opts.perSeed ? '' : ' One row per seed: `schedbench report --per-seed` (or `run --per-seed`).'
    }`,
    '',
    ...perSeed,
    ...explainLines(reports, labels),
  ].join('\n');
}

/**
 * The NoValidHost causes of each report with any (by the filter that removed the last hosts, by
 * resource, and how many could not fit even on an empty cluster), and the funnel (sampled or exact).
 */
export function explainLines(reports: readonly Report[], labels: readonly string[]): string[] {
  const out: string[] = [];
  reports.forEach((r, i) => {
    const e = r.explain;
    if (!e) return;
    const c = e.no_valid_host_causes;
    const nvh = c.capacity + c.impossible_on_empty_cluster;
    if (nvh > 0) {
      const filters = c.by_filter.map((f) => `${f.filter} ${f.instances}`).join(', ');
      const resources = Object.entries(c.by_resource)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      out.push(
        mdText(
          `- ${labels[i]} (seed ${r.inputs.seed}): ${nvh} NoValidHost; last hosts removed by ${filters}; ` +
            `by resource ${resources}; ${c.impossible_on_empty_cluster} impossible even on an empty cluster, ${c.capacity} capacity`,
        ),
      );
    }
    if (e.funnel) {
      const steps = e.funnel.steps
        .filter((s) => s.decisions > 0)
        .map((s) => `${s.filter} ${formatInt(s.hosts_in)} → ${formatInt(s.hosts_out)}`)
        .join(', ');
      const over = e.funnel.sampled
        ? `sampled funnel over ${formatInt(e.funnel.decisions)} decisions (1 in ${formatInt(e.funnel.every ?? 1)})`
        : `funnel over ${formatInt(e.funnel.decisions)} decisions`;
      out.push(
        mdText(
          `- ${labels[i]} (seed ${r.inputs.seed}): ${over} (hosts in → out, summed): ${steps || 'no filter ran'}`,
        ),
      );
    } else if (e.funnel_missing) {
      out.push(mdText(`- ${labels[i]} (seed ${r.inputs.seed}): no funnel: ${e.funnel_missing}`));
    }
  });
  return out.length > 0 ? ['## Why (docs/explain.md)', '', ...out, ''] : [];
}
