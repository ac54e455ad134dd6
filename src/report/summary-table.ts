import { escapeControls } from '../common/safe-text.ts';
import type { Report } from './schema.ts';

/** A plain-text table, columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], cells: readonly (readonly string[])[]): string {
  // Names come from users (strategy, cell, file names): escaped so that a control character can
  // neither recolour the terminal nor break a row.
  const rows = cells.map((r) => r.map(escapeControls));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-+\d.,%]+$/.test(r[i]) || r[i] === '-'),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The summary table `run` and `demo` print: one row per report. */
export function summaryTable(reports: readonly Report[]): string {
  return formatTable(
    [
      'strategy',
      'requests',
      'instances',
      'placed',
      'NoValidHost',
      'NVH rate',
      'retries',
      'decisions/s',
      'p50 µs',
      'wall s',
      'cpu s',
    ],
    reports.map((r) => [
      r.inputs.strategy,
      int(r.placement.requests),
      int(r.placement.instances),
      int(r.placement.placed),
      int(r.placement.no_valid_host),
      `${(100 * r.placement.no_valid_host_rate).toFixed(2)}%`,
      int(r.placement.retries),
      int(r.performance.decisions_per_s),
      r.performance.latency_us.p50.toFixed(1),
      (r.performance.wall_ms / 1000).toFixed(2),
      r.performance.cpu_ms === undefined ? '-' : (r.performance.cpu_ms / 1000).toFixed(2),
    ]),
  );
}
