import { formatMetric } from '../format.ts';
import { reportLabels } from '../labels.ts';
import { inputsLines, summaryMetrics } from '../markdown.ts';
import type { Report } from '../schema.ts';
import { buildCharts, renderSvg } from './charts.ts';

/** Escape text for HTML. */
export function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.caption { color: #555; margin: .2em 0 .6em; }
ul.inputs { color: #444; }
`;

/**
 * The self-contained HTML report: the summary table and the plots as inline SVG, rendered here in
 * Node. No script, no stylesheet, font or image from anywhere: the page's Content-Security-Policy
 * forbids every load, so it opens the same offline.
 */
export async function htmlReport(reports: readonly Report[]): Promise<string> {
  const labels = reportLabels(reports);
  const defs = summaryMetrics(reports);
  const head = ['strategy', 'seed', ...defs.map((d) => d.name)];
  const rows = reports.map((r, i) => [
    labels[i],
    String(r.inputs.seed),
    ...defs.map((d) => formatMetric(d, d.value(r))),
  ]);
  const table = [
    '<table id="summary">',
    `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
  const sections: string[] = [];
  for (const chart of buildCharts(reports, labels)) {
    const svg = await renderSvg(chart);
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
    table,
    '<p class="caption">Metrics are defined in docs/metrics.md; shares are time-weighted over the replay.</p>',
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
