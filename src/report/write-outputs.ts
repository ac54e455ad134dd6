import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { htmlReport } from './html/page.ts';
import { type SummaryOptions, summaryMarkdown } from './markdown.ts';
import type { Report } from './schema.ts';
import { timeSeriesCsv } from './timeseries-csv.ts';

/** Paths of the files `writeReportOutputs` wrote. */
export interface ReportOutputs {
  readonly markdown: string;
  readonly csv: string;
  readonly html: string;
}

/**
 * Write the set-level outputs of some reports into `dir`: `summary.md` (one row per strategy × config, mean ± CI over seeds; per seed on demand),
 * `timeseries.csv` (one row per report and window) and `report.html` (self-contained, with plots).
 * Everything is rendered first and then each file is written atomically (temp file + rename), so
 * an interrupted write leaves the previous files or the new ones, never half of one (`run` and
 * `demo` remove the previous ones before their replays start: removeEarlierOutputs).
 */
export async function writeReportOutputs(
  dir: string,
  reports: readonly Report[],
  opts: SummaryOptions = { perSeed: false },
): Promise<ReportOutputs> {
  const md = summaryMarkdown(reports, opts);
  const csv = timeSeriesCsv(reports);
  const html = await htmlReport(reports);
  const out = {
    markdown: join(dir, 'summary.md'),
    csv: join(dir, 'timeseries.csv'),
    html: join(dir, 'report.html'),
  };
  writeFileAtomic(out.markdown, md);
  writeFileAtomic(out.csv, csv);
  writeFileAtomic(out.html, html);
  return out;
}
