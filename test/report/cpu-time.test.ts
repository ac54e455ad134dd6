import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/schema.ts';
import { summaryTable } from '../../src/report/summary-table.ts';
import { scenarioReports } from '../helpers/reports.ts';

describe('the report records CPU time beside wall time', () => {
  it('gives cpu_ms for the replay and decisions per CPU second from it, and prints both', async () => {
    const [r] = await scenarioReports([{}]);
    const p = r.performance;
    expect(p.cpu_ms).toBeGreaterThan(0);
    // The process cannot have used more CPU than its threads could in the replay's wall time.
    expect(p.cpu_ms!).toBeLessThan(p.wall_ms * 64 + 50);
    expect(p.decisions_per_cpu_s).toBeCloseTo(p.decisions / (p.cpu_ms! / 1000), 6);
    const table = summaryTable([r]);
    expect(table.split('\n')[0]).toMatch(/decisions\/s +p50 µs +cpu s$/);
    // 4 significant digits, as format.ts prints every number.
    expect(table.split('\n')[2]).toContain(String(Number((p.cpu_ms! / 1000).toPrecision(4))));
    expect(table.split('\n')[2]).toContain(String(Number(p.latency_us.p50!.toPrecision(4))));
  });

  it('still reads a report written before cpu_ms existed', async () => {
    const [r] = await scenarioReports([{}]);
    const { cpu_ms: _c, decisions_per_cpu_s: _d, ...old } = r.performance;
    const parsed = reportSchema.safeParse({ ...r, performance: old });
    expect(parsed.success).toBe(true);
    expect(summaryTable([parsed.data!]).split('\n')[2]).toMatch(/ –$/);
  });
});
