import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { reportLabels } from '../../src/report/labels.ts';
import { readReport } from '../../src/report/read-report.ts';
import type { Report } from '../../src/report/schema.ts';
import { writeReportOutputs } from '../../src/report/write-outputs.ts';
import { tempDir } from '../helpers/replay.ts';
import { scenarioReports, withChanges, writeReports } from '../helpers/reports.ts';

describe('report outputs', () => {
  it('writes summary.md, timeseries.csv and report.html, and leaves no temp file', async () => {
    const reports = await scenarioReports([{}, { ram_weight_multiplier: -1 }]);
    const dir = tempDir();
    const out = await writeReportOutputs(dir, reports);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'summary.md', 'timeseries.csv']);

    // The e2e scenario: 10 instances, 9 placed, 1 NoValidHost ("big" at t=3) for the spread config.
    const md = readFileSync(out.markdown, 'utf8');
    const rows = md.split('\n').filter((l) => l.startsWith('| filter'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\| filter ram_weight_multiplier=1 \| 0 \| 10 \| 9 \| 10% \| 3 \|/);

    const csv = parse(readFileSync(out.csv, 'utf8'), { columns: true }) as Record<string, string>[];
    const windows = reports[0].series.windows.length + reports[1].series.windows.length;
    expect(csv).toHaveLength(windows);
    expect(Object.keys(csv[0]).slice(0, 5)).toEqual(['label', 'strategy', 'seed', 'window', 'start']);
    // The cumulative NoValidHost of the last window is the report's total.
    const last = csv.filter((r) => r.label === 'filter ram_weight_multiplier=1').at(-1)!;
    expect(Number(last.no_valid_host_cum)).toBe(reports[0].placement.no_valid_host);

    expect(readFileSync(out.html, 'utf8')).toContain('<svg');
  });

  it('labels reports of one strategy by what differs', async () => {
    const [a] = await scenarioReports([{}]);
    const b = withChanges(a, (r) => {
      r.inputs.seed = 7;
    });
    expect(reportLabels([a, b])).toEqual(['filter seed=0', 'filter seed=7']);
    expect(reportLabels([a, a])).toEqual(['filter #1', 'filter #2']);
  });

  it('reads a report back with the schema that wrote it, and names the field of a bad one', async () => {
    const [a] = await scenarioReports([{}]);
    const [good, bad] = writeReports([
      a,
      withChanges(a, (r) => {
        (r.quality.utilisation as { ram: unknown }).ram = 'high';
      }),
    ]);
    expect(readReport(good)).toEqual(a);
    expect(() => readReport(bad)).toThrow(/report-1\.json:\d+: quality\.utilisation\.ram: /);
    expect(() => readReport(join(tempDir(), 'nope.json'))).toThrow(/nope\.json: no such file/);
  });
  it('draws the plots of strategies and filters named like Object members (constructor, toString)', async () => {
    const [a, b] = await scenarioReports([{}, { ram_weight_multiplier: -1 }]);
    const named = (r: Report, strategy: string) =>
      withChanges(r, (c) => {
        (c.inputs as { strategy: string }).strategy = strategy;
        const causes = c.explain?.no_valid_host_causes;
        if (causes) for (const f of causes.by_filter) f.filter = 'toString';
      });
    const reports = [named(a, 'constructor'), named(b, '__proto__')];
    expect(reports[0].explain?.no_valid_host_causes?.by_filter.length).toBeGreaterThan(0);
    const dir = tempDir();
    const out = await writeReportOutputs(dir, reports);
    const html = readFileSync(out.html, 'utf8');
    // Every plot drawn (an SVG each), the names in them as written but for an invisible word joiner.
    expect(html.match(/<svg/g)?.length ?? 0).toBeGreaterThanOrEqual(8);
    expect(html).toContain('\u2060constructor');
    expect(html).toContain('\u2060toString');
  });
});
