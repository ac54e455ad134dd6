import { stringify } from 'csv-stringify/sync';
import { csvNumber } from './format.ts';
import { reportLabels } from './labels.ts';
import type { Report } from './schema.ts';

const COLUMNS = [
  'start',
  'end',
  'covered',
  'instances',
  'placed',
  'no_valid_host',
  'no_valid_host_cum',
  'no_valid_host_rate',
  'util_cpu',
  'util_ram',
  'util_disk',
  'active_hosts',
  'fragmentation_cpu',
  'fragmentation_ram',
  'fragmentation_disk',
] as const;
/** Only when some report's cluster has GPUs, so a run without them writes the same file as before. */
const GPU_COLUMNS = ['util_gpu', 'gpus_allocated'] as const;

/**
 * `timeseries.csv`: one row per report and window; empty cells where a value does not apply;
 * numbers rounded to CSV_DECIMALS decimals (no float noise such as 81.90299999999999).
 */
export function timeSeriesCsv(reports: readonly Report[]): string {
  const labels = reportLabels(reports);
  const columns = reports.some((r) => r.quality.gpu !== undefined) ? [...COLUMNS, ...GPU_COLUMNS] : COLUMNS;
  const rows: (string | number)[][] = [];
  reports.forEach((r, i) => {
    r.series.windows.forEach((w, k) => {
      rows.push([
        labels[i],
        r.inputs.strategy,
        r.inputs.seed,
        k,
        ...columns.map((c) => {
          const v = w[c];
          return v === null || v === undefined ? '' : csvNumber(v);
        }),
      ]);
    });
  });
  return stringify(rows, { header: true, columns: ['label', 'strategy', 'seed', 'window', ...columns] });
}
