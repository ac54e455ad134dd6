import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareMarkdown, groupSides } from '../../src/report/compare.ts';
import type { Report } from '../../src/report/schema.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { scenarioReports, withChanges } from '../helpers/reports.ts';

/** The row of one metric, as cells. */
function row(md: string, metric: string): string[] {
  const line = md.split('\n').find((l) => l.startsWith(`| ${metric} |`));
  if (!line) throw new Error(`no row for ${metric}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

let base: Report;
const withDecisions = (seed: number, decisions: number) =>
  withChanges(base, (r) => {
    r.inputs.seed = seed;
    r.performance.decisions_per_s = decisions;
  });

beforeAll(async () => {
  [base] = await scenarioReports([{}]);
});

describe('compare', () => {
  it('shows absolute and relative deltas of every metric, one report per side', () => {
    // B doubles the NoValidHost rate (0.1 -> 0.2) and has 25% more active hosts.
    const b = withChanges(base, (r) => {
      r.placement.no_valid_host_rate = 0.2;
      r.quality.active_hosts.mean = base.quality.active_hosts.mean! * 1.25;
    });
    const md = compareMarkdown([
      { label: 'A', reports: [base] },
      { label: 'B', reports: [b] },
    ]);
    expect(md.split('\n')[2]).toBe('| metric | better | A (n=1) | B (n=1) | Δ | Δ% | p<0.05 |');
    // 10% -> 20%: +10 percentage points, +100%; no test with one report per side.
    expect(row(md, 'novalidhost_rate')).toEqual([
      'novalidhost_rate',
      'lower',
      '10%',
      '20%',
      '+10 pp',
      '+100%',
      '',
    ]);
    expect(row(md, 'active_hosts_mean').slice(5)).toEqual(['+25%', '']);
    expect(row(md, 'instances')).toEqual(['instances', '', '10', '10', '0', '0%', '']);
    // Every catalogue metric with a value appears; the scenario has no soft-affinity group.
    expect(md).not.toContain('| soft_affinity_satisfaction |');
    expect(md).toContain('| latency_p99_us |');
    expect(md).toMatch(/with one report per side there is no variance to test/);
  });

  it('gives mean ± 95% CI over seeds and marks significant differences (Welch)', () => {
    // A: 100, 110, 120 -> mean 110, s² 100, half-width t(.975, 2)·√(100/3) = 4.302653 · 5.773503 = 24.84.
    // B: 200, 210, 220 -> mean 210. Welch: t = -100/√(100/3 + 100/3) = -12.25, df 4, p = 0.00026 < .05.
    // C: 105, 115, 125 -> mean 115. t = -5/8.165 = -0.61, df 4, p = 0.57: not significant.
    const sides = [
      { label: 'A', reports: [withDecisions(1, 100), withDecisions(2, 110), withDecisions(3, 120)] },
      { label: 'B', reports: [withDecisions(1, 200), withDecisions(2, 210), withDecisions(3, 220)] },
      { label: 'C', reports: [withDecisions(1, 105), withDecisions(2, 115), withDecisions(3, 125)] },
    ];
    const md = compareMarkdown(sides);
    expect(row(md, 'decisions_per_s')).toEqual([
      'decisions_per_s',
      'higher',
      '110 ± 24.8',
      '210 ± 24.8',
      '+100',
      '+90.9%',
      '*',
      '115 ± 24.8',
      '+5',
      '+4.55%',
      '',
    ]);
    // A deterministic metric, equal on all sides: ± 0 and no mark.
    expect(row(md, 'placed').slice(2, 7)).toEqual(['9 ± 0', '9 ± 0', '0', '0%', '']);
  });

  it('groups reports into sides by argument, strategy or config', () => {
    const loaded = [
      { path: 'x/a.json', arg: 'x', report: withDecisions(1, 1) },
      { path: 'x/b.json', arg: 'x', report: withDecisions(2, 1) },
      {
        path: 'y.json',
        arg: 'y.json',
        report: withChanges(base, (r) => {
          r.inputs.config.ram_weight_multiplier = -1;
        }),
      },
    ];
    expect(groupSides(loaded, 'arg').map((s) => [s.label, s.reports.length])).toEqual([
      ['x', 2],
      ['y', 1],
    ]);
    expect(groupSides(loaded, 'config').map((s) => [s.label, s.reports.length])).toEqual([
      ['filter ram_weight_multiplier=1', 2],
      ['filter ram_weight_multiplier=-1', 1],
    ]);
    expect(() => groupSides(loaded, 'strategy')).toThrow(/at least two sides, got 1/);
  });

  it('runs as a command: Markdown on stdout, exit 2 on bad input', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'before'));
    mkdirSync(join(dir, 'after'));
    for (const [side, values] of [
      ['before', [100, 110, 120]],
      ['after', [200, 210, 220]],
    ] as const) {
      values.forEach((v, i) => {
        writeFileSync(join(dir, side, `s${i}.json`), JSON.stringify(withDecisions(i, v)));
      });
    }
    const res = cli(['compare', join(dir, 'before'), join(dir, 'after')]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^## schedbench compare: before vs after\n/);
    expect(res.stdout).toContain(
      '| decisions_per_s | higher | 110 ± 24.8 | 210 ± 24.8 | +100 | +90.9% | * |',
    );

    const one = cli(['compare', join(dir, 'before')]);
    expect([one.code, one.stderr]).toEqual([
      2,
      'schedbench: compare needs at least two sides, got 1 (grouped by arg)\n',
    ]);
    const missing = cli(['compare', join(dir, 'before'), join(dir, 'nope.json')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/nope\.json: no such file\n$/)]);
  });
});
