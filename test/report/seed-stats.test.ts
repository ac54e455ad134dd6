// Seeds aggregated: the 95% CI of known values worked out by hand, grouping, and the tables.
import { describe, expect, it } from 'vitest';
import { nextSteps } from '../../src/cli/next-steps.ts';
import { summaryMarkdown } from '../../src/report/markdown.ts';
import { metricByName } from '../../src/report/metric-catalog.ts';
import type { Report } from '../../src/report/schema.ts';
import { aggregateSeeds, formatSeeds, seedEstimate } from '../../src/report/seed-stats.ts';
import { summaryTable } from '../../src/report/summary-table.ts';
import { scenarioReports, withChanges } from '../helpers/reports.ts';

// Student's t, 0.975 quantile, 2 degrees of freedom (any t table): 4.302652729911275.
const T_2 = 4.302652729911275;

const seeded = (r: Report, seed: number, placed: number, config: Record<string, unknown> = {}) =>
  withChanges(r, (c) => {
    c.inputs.seed = seed;
    c.inputs.config = { ...c.inputs.config, ...config, seed };
    c.placement.placed = placed;
  });

describe('seeds aggregated', () => {
  it('gives mean ± t(0.975, n−1)·s/√n for three known values', () => {
    // 1, 2, 3: mean 2, s² = (1 + 0 + 1) / 2 = 1, half = 4.3027 · 1 / √3 = 2.48414
    const e = seedEstimate([1, 2, 3]);
    expect(e.n).toBe(3);
    expect(e.mean).toBe(2);
    expect(e.half).toBeCloseTo(T_2 / Math.sqrt(3), 9);
    expect(e.half).toBeCloseTo(2.48414, 5);
    expect([e.min, e.max]).toEqual([1, 3]);
    // One value: no interval. Equal values: exactly none (no rounding noise). Nulls are left out.
    expect(seedEstimate([60.96])).toMatchObject({ n: 1, mean: 60.96, half: null });
    expect(seedEstimate([60.96, 60.96, 60.96]).half).toBe(0);
    expect(seedEstimate([null, 4, undefined, 6]).mean).toBe(5);
    expect(seedEstimate([null])).toMatchObject({ n: 0, mean: null, half: null });
  });

  it('groups by strategy and config without the seed, in run order, and prints mean ± CI', async () => {
    const [r] = await scenarioReports([{}]);
    const reports = [
      seeded(r, 1, 10),
      seeded(r, 2, 12),
      seeded(r, 7, 20, { ram_weight_multiplier: -1 }),
      seeded(r, 3, 14),
    ];
    const placed = metricByName('placed')!;
    const groups = aggregateSeeds(reports, [placed]);
    expect(groups.map((g) => [g.label, g.seeds])).toEqual([
      ['filter ram_weight_multiplier=1', [1, 2, 3]],
      ['filter ram_weight_multiplier=-1', [7]],
    ]);
    // 10, 12, 14: mean 12, s = 2, half = 4.3027 · 2 / √3 = 4.96828
    const e = groups[0].metrics.get('placed')!;
    expect(e.mean).toBe(12);
    expect(e.half).toBeCloseTo(4.96828, 5);

    const md = summaryMarkdown(reports);
    expect(md).toMatch(/^\| filter ram_weight_multiplier=1 \| 1,2,3 \| [^|]+ \| 12 ± 4\.97 \|/m);
    expect(md).toMatch(/^\| filter ram_weight_multiplier=-1 \| 7 \| [^|]+ \| 20 \|/m);
    expect(md).not.toContain('## Per seed');
    const perSeed = summaryMarkdown(reports, { perSeed: true });
    expect(perSeed).toContain('## Per seed');
    expect(perSeed).toMatch(/^\| filter ram_weight_multiplier=1 seed=2 \| 2 \| [^|]+ \| 12 \|/m);

    const table = summaryTable(reports).split('\n');
    expect(table[0]).toMatch(/^strategy +seeds +placed +NVH rate +CPU util +RAM util +busy CPU +arrival CPU/);
    expect(table[2]).toMatch(/^filter ram_weight_multiplier=1 +1,2,3 +12 ± 4\.97 /);
    expect(table).toHaveLength(4);
    expect(summaryTable(reports, { perSeed: true })).toMatch(/\n\nper seed:\nreport +seed +placed/);
  });

  it('shows consecutive seeds as a range', () => {
    expect(formatSeeds([3, 1, 2])).toBe('1,2,3');
    expect(formatSeeds([1, 2, 3, 4, 5])).toBe('1..5');
    expect(formatSeeds([1, 2, 4, 5])).toBe('1,2,4,5');
  });
});

describe('the next commands a run suggests', () => {
  it('for one report: open the HTML, compare with another report, check', async () => {
    const [r] = await scenarioReports([{}]);
    expect(
      nextSteps({
        out: 'reports',
        html: 'reports/report.html',
        reportPaths: ['reports/filter.json'],
        reports: [r],
        platform: 'linux',
      }),
    ).toEqual([
      'next:',
      '  see the plots:  xdg-open reports/report.html',
      '  compare:        schedbench compare reports/filter.json OTHER.json',
      '  check:          schedbench check --thresholds THRESHOLDS.yaml reports   (docs/check.md)',
    ]);
  });

  it('for several strategies or configs: compare the run directory by strategy or by config', async () => {
    const [r] = await scenarioReports([{}]);
    const other = withChanges(r, (c) => {
      c.inputs.strategy = 'best-fit';
    });
    const two = nextSteps({
      out: 'my out',
      html: 'my out/report.html',
      reportPaths: [],
      reports: [r, other],
      platform: 'darwin',
    });
    expect(two[1]).toBe("  see the plots:  open 'my out/report.html'");
    expect(two[2]).toBe("  compare:        schedbench compare 'my out' --by strategy");
    const configs = nextSteps({
      out: 'o',
      html: 'o/report.html',
      reportPaths: [],
      reports: [r, seeded(r, 1, 1, { ram_weight_multiplier: -1 })],
      platform: 'linux',
    });
    expect(configs[2]).toBe('  compare:        schedbench compare o --by config');
  });
});
