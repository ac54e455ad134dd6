import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { CLUSTER, TRACE } from './scenario.ts';

/** Each gate command may take up to two minutes on a loaded machine. */
const GATE = { timeout: 120_000 };

let dir: string;

beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
  writeFileSync(join(dir, 'trace.csv'), `${TRACE.join('\n')}\n`);
  const inputs = ['--cluster', 'cluster.json', '--trace', 'trace.csv', '--quiet'];
  // Two matrix runs (two cells each: run.json is written) as on main and on a branch; capacity
  // writes capacity.json into the first folder too.
  for (const out of ['main', 'branch']) {
    const res = cli(
      ['run', ...inputs, '--strategy', 'filter,first-fit', '--workers', '2', '--out', out],
      dir,
      GATE,
    );
    expect([res.code, res.stderr]).toEqual([0, '']);
  }
  const cap = cli(
    ['capacity', ...inputs, '--strategy', 'filter', '--workers', '1', '--out', 'main'],
    dir,
    GATE,
  );
  expect([cap.code, cap.stderr]).toEqual([0, '']);
  expect(readdirSync(join(dir, 'main')).sort()).toEqual([
    'capacity.json',
    'filter.json',
    'first-fit.json',
    'report.html',
    'run.json',
    'summary.md',
    'timeseries.csv',
  ]);
}, 240_000);

describe('the gate on folders written by run and capacity', () => {
  it('compare main/ branch/: one side per folder, each of its two reports', () => {
    const res = cli(['compare', 'main/', 'branch/'], dir, GATE);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe('## schedbench compare: main vs branch');
    expect(res.stdout.split('\n')[2]).toMatch(/^\| metric \| better \| main \(n=2\) \| branch \(n=2\) \|/);
    // The scenario has 10 instances for each strategy; filter places 9 and first-fit 8 on either
    // side: mean 8.5 (shown as the integer 9) ± t(0.975, 1 df) 12.706 · sd 0.7071 / √2 = 6.35 on
    // both, no difference.
    expect(res.stdout).toMatch(/^\| instances \| [a-z]* \| 10 ± 0 \| 10 ± 0 \| 0 \| 0% \| {2}\|$/m);
    expect(res.stdout).toContain('\n| placed | higher | 9 ± 6.35 | 9 ± 6.35 | 0 | 0% |  |\n');
  });

  it('report main/ writes a summary of its two reports', () => {
    const res = cli(['report', 'main/', '--out', 'summary'], dir, GATE);
    expect([res.code, res.stderr]).toEqual([0, '']);
    const rows = readFileSync(join(dir, 'summary/summary.md'), 'utf8')
      .split('\n')
      .filter((l) => /^\| (filter|first-fit) /.test(l));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| filter', '| first-fit']);
  });

  it('check --baseline branch/ main/ reads the two reports of each folder', () => {
    const t = join(dir, 'thresholds.yaml');
    writeFileSync(t, "strategies:\n  '*':\n    contract_mismatches: '<= 0'\n    placed: '>= baseline'\n");
    const res = cli(['check', '--thresholds', t, '--baseline', 'branch/', 'main/'], dir, GATE);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('check: all 4 bound(s) over 2 report(s) of filter, first-fit hold\n');
    expect(res.code).toBe(0);
  });

  it('a folder without a report is an error naming it, never an empty pass', () => {
    const onlySummary = join(dir, 'only-summary');
    mkdirSync(onlySummary);
    copyFileSync(join(dir, 'main/run.json'), join(onlySummary, 'run.json'));
    copyFileSync(join(dir, 'main/capacity.json'), join(onlySummary, 'capacity.json'));
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'run-1'), { recursive: true });
    const t = join(dir, 'thresholds.yaml');
    for (const cmd of [
      ['compare', 'main/'],
      ['report', '--out', 'x'],
      ['check', '--thresholds', t],
    ]) {
      const a = cli([...cmd, 'only-summary'], dir, GATE);
      expect([a.code, a.stdout, a.stderr]).toEqual([
        2,
        '',
        'schedbench: only-summary: no report in this directory (only capacity.json, run.json, which are not reports)\n',
      ]);
      const b = cli([...cmd, 'empty'], dir, GATE);
      expect([b.code, b.stderr]).toEqual([
        2,
        'schedbench: empty: no report in this directory (no *.json file; subfolders are not read, name them)\n',
      ]);
    }
  });

  it('run.json named as a report is refused with what it is', () => {
    const res = cli(['compare', 'main/filter.json', 'main/run.json'], dir, GATE);
    expect([res.code, res.stdout, res.stderr]).toEqual([
      2,
      '',
      'schedbench: main/run.json: this is a matrix run summary (run.json), not a report: give the reports, or the folder that holds them\n',
    ]);
  });

  it('a broken report in a folder is still an error naming it, not skipped', () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    copyFileSync(join(dir, 'main/filter.json'), join(broken, 'filter.json'));
    copyFileSync(join(dir, 'main/run.json'), join(broken, 'run.json'));
    const report = JSON.parse(readFileSync(join(dir, 'main/first-fit.json'), 'utf8'));
    report.placement.placed = -1;
    writeFileSync(join(broken, 'first-fit.json'), JSON.stringify(report, null, 2));
    const res = cli(['compare', 'main/', 'broken/'], dir, GATE);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^schedbench: broken\/first-fit\.json:\d+: placement\.placed: .*\n$/);
  });
});
