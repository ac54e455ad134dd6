import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityReportSchema, runSummarySchema } from '../../src/report/run-files.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { BIN, cli } from '../helpers/cli.ts';
import { generated, namesIn } from '../helpers/pool.ts';
import { tempDir } from '../helpers/replay.ts';

describe('schedbench run: a matrix', () => {
  it('workers load --plugin files and strategy files: their filters, weighers and strategies work in every cell', () => {
    const g = generated(1500, 20);
    const root = join(import.meta.dirname, '../..');
    const args = (strategies: string) => [
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--plugin',
      join(root, 'test/plugin/fixtures/host-filters.ts'),
      '--strategy',
      strategies,
      '--set',
      'filters=RamFilter,OddHostFilter',
      '--sweep',
      'weighers=RAMWeigher|MostInstancesWeigher',
      '--workers',
      '2',
      '--out',
      'out',
      '--quiet',
    ];
    // cpu-headroom (a strategy file) is a baseline: its filters must keep the fit filters. Its cells
    // are refused before any cell runs.
    const refused = cli(args(`filter,${join(root, 'examples/cpu-headroom.ts')}`), g.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'schedbench: --set filters: must include RamFilter, CoreFilter, DiskFilter: baselines place only where the flavor fits\n',
    );
    expect(existsSync(join(g.dir, 'out'))).toBe(false);
    // The filter cells run on the workers with the plugin's filter and weigher.
    const res = cli(args('filter'), g.dir);
    const summary = runSummarySchema.parse(JSON.parse(readFileSync(join(g.dir, 'out/run.json'), 'utf8')));
    const byName = Object.fromEntries(summary.cells.map((c) => [c.name, c.status]));
    expect(byName).toEqual({
      'filter__weighers=RAMWeigher': 'ok',
      'filter__weighers=MostInstancesWeigher': 'ok',
    });
    for (const name of summary.cells.map((c) => c.name)) {
      const report = reportSchema.parse(JSON.parse(readFileSync(join(g.dir, `out/${name}.json`), 'utf8')));
      expect(report.inputs.config.filters).toEqual(['RamFilter', 'OddHostFilter']);
      expect(report.placement.placed).toBeGreaterThan(0);
    }
    expect(res.code).toBe(0);
  });

  it('runs the cartesian product, writes a report per cell and run.json, progress on stderr only', () => {
    const g = generated(3000, 40);
    const res = cli(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--set',
        'ram_weight_multiplier=-1,1',
        '--seed',
        '1,2',
        '--workers',
        '2',
        '--out',
        'out',
        '--progress-interval',
        '0.05',
      ],
      g.dir,
    );
    expect(res.code).toBe(0);
    const names = [
      'filter__ram_weight_multiplier=-1__seed=1',
      'filter__ram_weight_multiplier=-1__seed=2',
      'filter__ram_weight_multiplier=1__seed=1',
      'filter__ram_weight_multiplier=1__seed=2',
    ];
    expect(readdirSync(join(g.dir, 'out')).sort()).toEqual(
      [...names.map((n) => `${n}.json`), 'run.json', 'report.html', 'summary.md', 'timeseries.csv'].sort(),
    );
    const summary = runSummarySchema.parse(JSON.parse(readFileSync(join(g.dir, 'out/run.json'), 'utf8')));
    expect(summary.status).toBe('ok');
    expect(summary.workers).toBe(2);
    expect(summary.traces).toEqual([
      { path: g.trace, rows: 3000, shared: true, note: expect.stringMatching(/^parsed once and shared/) },
    ]);
    expect(summary.cells.map((c) => [c.name, c.status, c.report])).toEqual(
      names.map((n) => [n, 'ok', `${n}.json`]), // relative to the run.json folder
    );
    const report = reportSchema.parse(
      JSON.parse(readFileSync(join(g.dir, 'out', `${names[2]}.json`), 'utf8')),
    );
    expect(report.inputs).toMatchObject({ seed: 1, config: { ram_weight_multiplier: 1 } });
    // stdout: the table only; stderr: the sharing note, the worker count and progress lines.
    expect(res.stdout.split('\n')[0]).toMatch(/^cell\s+status\s+instances\s+placed/);
    for (const n of names) expect(res.stdout).toMatch(new RegExp(`${n}\\s+ok\\s`));
    expect(res.stdout).not.toMatch(/progress|trace .*parsed/);
    expect(res.stderr).toMatch(/^trace .*: parsed once and shared \(3,000 rows, /m);
    expect(res.stderr).toContain('running 4 cells on 2 workers');
    expect(res.stderr).toMatch(/^progress: 100% \| rows 12,000\/12,000 \| tasks 4\/4 \| elapsed /m);
  });

  it('prints nothing with --quiet', () => {
    const g = generated(300, 10);
    const res = cli(['run', '--cluster', g.cluster, '--trace', g.trace, '--seed', '1,2', '--quiet'], g.dir);
    expect(res).toEqual({ code: 0, signal: null, stdout: '', stderr: '' });
  });

  it('a failing cell: exit 1, one line per failed cell, run.json lists it, the others have reports', () => {
    const g = generated(300, 10);
    const faulty = join(import.meta.dirname, '../fixtures/plugins/faulty.ts');
    const res = cli(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--plugin',
        faulty,
        '--strategy',
        'filter,broken',
        '--out',
        'out',
      ],
      g.dir,
    );
    const reason = `plugin ${faulty}: create: strategy "broken": plugin broken at create`;
    expect(res.code).toBe(1);
    expect(res.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      `schedbench: cell broken failed: ${reason}`,
      'schedbench: 1 of 2 cells failed (see out/run.json)',
    ]);
    // The set-level outputs cover the cells that finished.
    expect(readdirSync(join(g.dir, 'out')).sort()).toEqual(
      ['filter.json', 'run.json', 'report.html', 'summary.md', 'timeseries.csv'].sort(),
    );
    const summary = runSummarySchema.parse(JSON.parse(readFileSync(join(g.dir, 'out/run.json'), 'utf8')));
    expect(summary.status).toBe('failed');
    expect(summary.cells[1]).toMatchObject({
      name: 'broken',
      status: 'failed',
      report: null,
      error: { kind: 'plugin', message: reason },
    });
  });

  it('a bad swept value is refused before any cell runs: exit 2, one line naming --sweep, nothing written', () => {
    const g = generated(300, 10);
    const res = cli(
      ['run', '--cluster', g.cluster, '--trace', g.trace, '--sweep', 'host_subset_size=1|0', '--out', 'out'],
      g.dir,
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('schedbench: --sweep host_subset_size: Too small: expected number to be >0\n');
    expect(existsSync(join(g.dir, 'out'))).toBe(false);
  });

  it.each(['auto', 'never'])(
    'a bad trace fails every cell the same way: exit 2 with one line (--share-traces %s)',
    (mode) => {
      const dir = tempDir();
      writeFileSync(
        join(dir, 'cluster.json'),
        JSON.stringify({ hosts: [{ name: 'h1', vcpus: 8, memory_mb: 8192, disk_gb: 100 }] }),
      );
      writeFileSync(join(dir, 'trace.csv'), 'time,id,vcpus,memory_mb\n0,a,1,1\n1,b,1,-4\n');
      const res = cli(
        [
          'run',
          '--cluster',
          'cluster.json',
          '--trace',
          'trace.csv',
          '--seed',
          '1,2',
          '--share-traces',
          mode,
          '--quiet',
        ],
        dir,
      );
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(
        'schedbench: trace.csv:3: memory_mb: expected a non-negative integer, got "-4"\n',
      );
    },
  );

  it('SIGINT stops the pool, keeps every finished report, and exits 130', async () => {
    const g = generated(60_000, 200);
    const out = join(g.dir, 'out');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--seed',
        '1,2,3,4,5,6,7,8',
        '--workers',
        '1',
        '--out',
        out,
        '--placements',
        join(out, 'p.csv'),
        '--quiet',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt as soon as the first report is there: 7 cells are still to run.
    while (!namesIn(out).some((f) => f.endsWith('.json'))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('schedbench: interrupted; stopping the tasks (finished reports are kept)');
    expect(stderr).toMatch(/schedbench: interrupted: \d of 8 cells finished \(see .*run\.json\)\n$/);
    const summary = runSummarySchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(summary.status).toBe('interrupted');
    expect(summary.counts.cancelled).toBeGreaterThan(0);
    expect(summary.counts.ok + summary.counts.cancelled).toBe(8);
    const files = readdirSync(out).sort();
    // Every finished cell kept its report and placements; nothing else is left, no temp file.
    const finished = summary.cells.filter((c) => c.status === 'ok');
    expect(files).toEqual(
      [
        'run.json',
        ...(finished.length > 0 ? ['report.html', 'summary.md', 'timeseries.csv'] : []),
        ...finished.map((c) => `${c.name}.json`),
        ...finished.map((c) => `p.${c.name}.csv`),
      ].sort(),
    );
    for (const c of finished) reportSchema.parse(JSON.parse(readFileSync(join(out, c.report!), 'utf8')));
  });
});

describe('schedbench capacity', () => {
  // Four hosts of 8192 MB (ratio 1, nothing reserved); three instances of 8192 MB that never leave.
  // Each host holds exactly one: 3 hosts place all (rate 0); 2 hosts fail one of 3 (rate 1/3);
  // 1 host fails two (2/3); 0 hosts fail all three.
  function inputs() {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'cluster.json'),
      JSON.stringify({
        allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
        reserved: { memory_mb: 0, disk_gb: 0 },
        groups: [{ count: 4, prefix: 'h', vcpus: 8, memory_mb: 8192, disk_gb: 100 }],
      }),
    );
    writeFileSync(join(dir, 'trace.csv'), 'time,id,vcpus,memory_mb\n0,a,1,8192\n1,b,1,8192\n2,c,1,8192\n');
    return dir;
  }

  it.each([
    [undefined, 3],
    ['0.34', 2], // 1/3 = 0.333 <= 0.34
    ['0.67', 1], // 2/3 = 0.667 <= 0.67
  ])('--target %s: the smallest prefix of the cluster is %i hosts', (target, hosts) => {
    const dir = inputs();
    const res = cli(
      [
        'capacity',
        '--cluster',
        'cluster.json',
        '--trace',
        'trace.csv',
        '--workers',
        '2',
        '--out',
        'out',
        ...(target ? ['--target', target] : []),
      ],
      dir,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = capacityReportSchema.parse(
      JSON.parse(readFileSync(join(dir, 'out/capacity.json'), 'utf8')),
    );
    expect(report.total_hosts).toBe(4);
    const [s] = report.strategies;
    expect(s.hosts).toBe(hosts);
    const rate = (n: number) => s.probes.find((p) => p.hosts === n)?.no_valid_host_rate;
    expect(rate(hosts)).toBeCloseTo((3 - Math.min(3, hosts)) / 3, 12);
    expect(rate(hosts - 1)).toBeCloseTo((3 - (hosts - 1)) / 3, 12);
    expect(res.stdout).toMatch(new RegExp(`^filter\\s+${hosts}\\s+4\\s`, 'm'));
  });

  it('rejects a sweep and a bad target with one line and exit 2', () => {
    const dir = inputs();
    const base = ['capacity', '--cluster', 'cluster.json', '--trace', 'trace.csv'];
    const sweep = cli([...base, '--set', 'ram_weight_multiplier=1,2'], dir);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toBe(
      'schedbench: capacity takes one value per option (a comma list here would be a sweep)\n',
    );
    const target = cli([...base, '--target', '1.5'], dir);
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/--target expects a rate from 0 to 1, got "1.5"/);
  });
});
