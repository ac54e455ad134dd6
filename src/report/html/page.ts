import { columnLabel } from '../column-labels.ts';
import { formatMeanCi, formatMetric, formatSpread } from '../format.ts';
import { reportLabels } from '../labels.ts';
import { inputsLines, summaryMetrics } from '../markdown.ts';
import type { MetricDef } from '../metric-catalog.ts';
import type { Report } from '../schema.ts';
import { aggregateSeeds, formatSeeds } from '../seed-stats.ts';
import { buildCharts, renderSvgs } from './charts.ts';
import { type SeedGroup, seedGroups } from './seed-groups.ts';

/** Escape text for HTML. */
export function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 12.5px; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .35em; text-align: right; }
th { vertical-align: bottom; font-weight: 600; min-width: 3em; max-width: 6em; padding-left: .7em; }
th[title] { cursor: help; text-decoration: underline dotted #999; text-underline-offset: 3px; }
td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; min-width: 7.5em; max-width: 16em; }
.unit { display: block; font-weight: normal; color: #666; }
.ci { display: block; color: #666; font-size: 11px; }
.caption { color: #555; margin: .2em 0 .6em; }
ul.inputs { color: #444; }
svg { max-width: 100%; height: auto; }
`;

/** A table header: the text, its unit below, a hover title. */
function th(text: string, unit = '', title = ''): string {
  return `<th${title ? ` title="${esc(title)}"` : ''}>${esc(text)}${unit ? `<span class="unit">${esc(unit)}</span>` : ''}</th>`;
}

/** A table of `rows` (cells as HTML) under `head`, in a wrapper that scrolls rather than widen the page. */
function table(id: string, head: readonly string[], rows: readonly string[][]): string {
  return [
    `<div class="table-wrap"><table id="${id}" class="summary">`,
    `<thead><tr>${head.join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((c) => `<td>${c}</td>`).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

/** A mean ± half-width cell: the half-width on its own line, so the column stays narrow. */
function meanCiCell(def: MetricDef, mean: number | null, half: number | null): string {
  if (half === null || mean === null) return esc(formatMeanCi(def, mean, half));
  return `${esc(formatMetric(def, mean))}<span class="ci">± ${esc(formatSpread(def, half, mean))}</span>`;
}

/**
 * The summary table: human headers with units, the metric id on hover. With several seeds of a
 * strategy and config, one row per such group (mean ± 95% CI over its seeds, seed-stats.ts) and
 * the per-seed rows folded below it; else one row per report.
 */
function summaryTable(
  id: string,
  reports: readonly Report[],
  groups: readonly SeedGroup[],
  defs: readonly MetricDef[],
): string {
  const head = (first: string) => [
    th('strategy'),
    th(first),
    ...defs.map((d) => {
      const { header, unit } = columnLabel(d);
      return th(header, unit, `${d.name}: ${d.description}`);
    }),
  ];
  // Seeds have their own column: a row is labelled by its seed group, not `filter seed=2`.
  const labels = reportLabels(reports);
  for (const g of groups) if (g.members.length > 1) for (const i of g.members) labels[i] = g.label;
  const perSeed = reports.map((r, i) =>
    [labels[i], String(r.inputs.seed), ...defs.map((d) => formatMetric(d, d.value(r)))].map(esc),
  );
  if (groups.every((g) => g.members.length === 1)) return table(id, head('seed'), perSeed);
  const aggregated = aggregateSeeds(reports, defs).map((g) => [
    esc(g.label),
    esc(formatSeeds(g.seeds)),
    ...defs.map((d) => {
      const e = g.metrics.get(d.name);
      return e === undefined ? '–' : meanCiCell(d, e.mean, e.half);
    }),
  ]);
  return [
    table(id, head('seeds'), aggregated),
    '<p class="caption">Mean ± 95% confidence half-width over the seeds (Student\'s t).</p>',
    `<details><summary>per seed</summary>\n${table(`${id}-per-seed`, head('seed'), perSeed)}\n</details>`,
  ].join('\n');
}

/** The summary metrics in two tables that fit the page: placement, then groups and speed. */
function summaryTables(reports: readonly Report[], groups: readonly SeedGroup[]): string[] {
  const defs = summaryMetrics(reports);
  const cut = defs.findIndex((d) => d.name === 'anti_affinity_violations');
  const at = cut < 0 ? defs.length : cut;
  return [
    '<h2>Placement</h2>',
    summaryTable('summary', reports, groups, defs.slice(0, at)),
    ...(at < defs.length
      ? ['<h2>Groups and speed</h2>', summaryTable('summary-speed', reports, groups, defs.slice(at))]
      : []),
  ];
}

/**
 * The self-contained HTML report: the summary table and the plots as inline SVG, rendered here in
 * Node. No script, no stylesheet, font or image from anywhere: the page's Content-Security-Policy
 * forbids every load, so it opens the same offline.
 */
export async function htmlReport(reports: readonly Report[]): Promise<string> {
  const groups = seedGroups(reports);
  const sections: string[] = [];
  const charts = buildCharts(reports, groups);
  const svgs = await renderSvgs(charts);
  for (const [i, chart] of charts.entries()) {
    const svg = svgs[i];
    sections.push(
      `<section class="plot" id="plot-${chart.id}">\n<h2>${esc(chart.title)}</h2>\n<p class="caption">${esc(chart.caption)}</p>\n${svg}\n</section>`,
    );
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>schedbench report</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>schedbench report</h1>',
    `<ul class="inputs">${inputsLines(reports)
      .map((l) => `<li>${esc(l.replace(/^- /, ''))}</li>`)
      .join('')}</ul>`,
    ...summaryTables(reports, groups),
    '<p class="caption">Metrics are defined in docs/metrics.md (hover a header for its id); shares are time-weighted over the replay.</p>',
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
