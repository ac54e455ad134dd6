// The run process under faults that need a real process: hangs, signals, plugins that exit or
// crash their thread. Each test spawns bin/schedbench.js; the time bounds are hang guards only.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityReportSchema, runSummarySchema } from '../../src/report/run-files.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { startCli as start, until } from '../helpers/cli.ts';
import { generated, namesIn } from '../helpers/pool.ts';
import { tempDir } from '../helpers/replay.ts';

const ROOT = join(import.meta.dirname, '../..');
const HOSTILE = join(ROOT, 'test/fixtures/plugins/hostile.ts');
const FAULTY = join(ROOT, 'test/fixtures/plugins/faulty.ts');
/** How messages name a plugin file under the working folder: relative to it (`./test/...`). */
const label = (file: string) => `.${sep}${relative(process.cwd(), file)}`;

const run = (args: string[], o?: Parameters<typeof start>[1]) => start(args, o).exited;

const tempFiles = (dir: string) => namesIn(dir).filter((f) => f.endsWith('.tmp'));

describe('hangs: a stuck decision or a cell past its limit fails its cell', () => {
  it('a decision past --decision-timeout fails a single run naming the strategy; no output, no temp file', async () => {
    const g = generated(2000, 20);
    const out = join(g.dir, 'out');
    const res = await run(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--plugin',
        HOSTILE,
        '--strategy',
        'stuck',
        '--decision-timeout',
        '1',
        '--out',
        out,
        '--placements',
        join(out, 'p.csv'),
        '--quiet',
      ],
      { guardMs: 60_000 },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'schedbench: strategy "stuck": one decision ran longer than 1 s (--decision-timeout); the cell was stopped\n',
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('a create() that never returns is stopped by --decision-timeout, naming the strategy and create()', async () => {
    const g = generated(200, 8);
    const out = join(g.dir, 'out');
    const res = await run(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--plugin',
        HOSTILE,
        '--strategy',
        'stuck-create',
        '--decision-timeout',
        '1',
        '--out',
        out,
        '--quiet',
      ],
      { guardMs: 60_000 },
    );
    expect(res.signal).toBeNull();
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      'schedbench: strategy "stuck-create": create() ran longer than 1 s (--decision-timeout); the cell was stopped\n',
    );
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('in a matrix the stuck cell fails and the others finish (run.json says timeout)', async () => {
    const g = generated(2000, 20);
    const out = join(g.dir, 'out');
    const res = await run([
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--plugin',
      HOSTILE,
      '--strategy',
      'stuck,filter',
      '--decision-timeout',
      '1',
      '--workers',
      '2',
      '--out',
      out,
      '--quiet',
    ]);
    expect(res.code).toBe(1);
    const summary = runSummarySchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(summary.cells.map((c) => [c.name, c.status, c.error?.kind ?? null])).toEqual([
      ['stuck', 'failed', 'timeout'],
      ['filter', 'ok', null],
    ]);
    expect(res.stderr).toContain(
      'schedbench: cell stuck failed: strategy "stuck": one decision ran longer than 1 s (--decision-timeout)',
    );
    reportSchema.parse(JSON.parse(readFileSync(join(out, 'filter.json'), 'utf8')));
  });

  it('--cell-timeout fails a cell that is slow but never stuck', async () => {
    // 2,000 rows at 20 ms a decision would take 40 s.
    const g = generated(2000, 20);
    const res = await run([
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--plugin',
      HOSTILE,
      '--strategy',
      'slow',
      '--cell-timeout',
      '1.5',
      '--out',
      join(g.dir, 'out'),
      '--quiet',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('schedbench: the cell ran longer than 1.5 s (--cell-timeout) and was stopped\n');
    expect(existsSync(join(g.dir, 'out', 'slow.json'))).toBe(false);
  });

  it.each([
    ['--decision-timeout', '-1'],
    ['--decision-timeout', 'x'],
    ['--cell-timeout', '0'],
    ['--cell-timeout', 'Infinity'],
  ])('%s %s is a usage error (exit 2), for run and capacity', async (flag, value) => {
    const g = generated(10, 2);
    for (const command of ['run', 'capacity']) {
      const res = await run([command, '--cluster', g.cluster, '--trace', g.trace, flag, value]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`${flag} expects seconds`);
    }
  });

  it('capacity takes the limits too and still finds the answer', async () => {
    // Four hosts of 8192 MB, three instances of 8192 MB that never leave: three hosts are needed.
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
    const g = { dir, cluster: join(dir, 'cluster.json'), trace: join(dir, 'trace.csv') };
    const res = await run([
      'capacity',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--decision-timeout',
      '30',
      '--cell-timeout',
      '300',
      '--out',
      join(g.dir, 'out'),
      '--quiet',
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = capacityReportSchema.parse(
      JSON.parse(readFileSync(join(g.dir, 'out/capacity.json'), 'utf8')),
    );
    expect(report.strategies[0].error).toBeNull();
    expect(report.strategies[0].hosts).toBe(3);
  });
});

describe('signals stop a run: SIGINT exits 130, SIGTERM 143', () => {
  // 150,000 rows replay for several seconds: the signal comes while the replay is running.
  const big = () => generated(150_000, 200);

  it.each([
    ['SIGINT', 130, 'interrupted'],
    ['SIGTERM', 143, 'terminated (SIGTERM)'],
  ] as const)(
    '%s stops a single run: exit %i, no report, no placements, no temp file',
    async (signal, code, what) => {
      const g = big();
      const out = join(g.dir, 'out');
      const p = start([
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--out',
        out,
        '--placements',
        join(out, 'p.csv'),
        '--quiet',
      ]);
      // The placements temp file has had rows flushed to it: the replay is under way.
      await until(() =>
        tempFiles(out).some((f) => (statSync(join(out, f), { throwIfNoEntry: false })?.size ?? 0) > 0),
      );
      p.child.kill(signal);
      const res = await p.exited;
      expect(res.code).toBe(code);
      expect(res.stderr).toBe(
        `schedbench: ${what}; stopping the tasks (finished reports are kept)\nschedbench: ${what}\n`,
      );
      expect(readdirSync(out)).toEqual([]);
    },
  );

  it('SIGTERM stops a matrix like SIGINT: finished reports and run.json kept, no temp file, exit 143', async () => {
    const g = generated(60_000, 200);
    const out = join(g.dir, 'out');
    const p = start([
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--seed',
      '1,2,3,4,5,6',
      '--workers',
      '1',
      '--out',
      out,
      '--placements',
      join(out, 'p.csv'),
      '--quiet',
    ]);
    await until(() => namesIn(out).some((f) => f.endsWith('.json')));
    p.child.kill('SIGTERM');
    const res = await p.exited;
    expect(res.code).toBe(143);
    expect(res.stderr).toMatch(
      /schedbench: terminated \(SIGTERM\): \d of 6 cells finished \(see .*run\.json\)\n$/,
    );
    const summary = runSummarySchema.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(summary.status).toBe('interrupted');
    const finished = summary.cells.filter((c) => c.status === 'ok');
    expect(finished.length).toBeGreaterThan(0);
    expect(summary.counts.ok + summary.counts.cancelled).toBe(6);
    expect(readdirSync(out).sort()).toEqual(
      [
        'run.json',
        'report.html',
        'summary.md',
        'timeseries.csv',
        ...finished.map((c) => `${c.name}.json`),
        ...finished.map((c) => `p.${c.name}.csv`),
      ].sort(),
    );
  });

  it('SIGINT stops a single run stuck in one decision (the watchdog off): exit 130 after the grace period', async () => {
    const g = generated(2000, 20);
    const out = join(g.dir, 'out');
    const stuckMarker = join(g.dir, 'stuck');
    const p = start(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--plugin',
        HOSTILE,
        '--strategy',
        'stuck',
        '--decision-timeout',
        '0',
        '--out',
        out,
        '--placements',
        join(out, 'p.csv'),
        '--quiet',
      ],
      { env: { SCHEDBENCH_TEST_STUCK: stuckMarker } },
    );
    // The replay is stuck in its third decision, its placements temp file open.
    await until(() => existsSync(stuckMarker));
    expect(tempFiles(out)).toHaveLength(1);
    p.child.kill('SIGINT');
    const res = await p.exited;
    expect(res.code).toBe(130);
    expect(res.stderr).toBe(
      'schedbench: interrupted; stopping the tasks (finished reports are kept)\nschedbench: interrupted\n',
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('a second signal ends the process at once, removing the running cell’s temp file', async () => {
    const g = generated(2000, 20);
    const out = join(g.dir, 'out');
    const stuckMarker = join(g.dir, 'stuck');
    const p = start(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--plugin',
        HOSTILE,
        '--strategy',
        'stuck',
        '--decision-timeout',
        '0',
        '--out',
        out,
        '--placements',
        join(out, 'p.csv'),
        '--quiet',
      ],
      { env: { SCHEDBENCH_TEST_STUCK: stuckMarker } },
    );
    // The replay is stuck in its third decision, its placements temp file open.
    await until(() => existsSync(stuckMarker));
    expect(tempFiles(out)).toHaveLength(1);
    p.child.kill('SIGTERM');
    await until(() => p.stderr().includes('stopping the tasks'));
    p.child.kill('SIGTERM');
    const res = await p.exited;
    expect(res.code).toBe(143);
    expect(res.stderr).toContain('schedbench: second SIGTERM: exiting now\n');
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('plugins that exit or crash outside any call schedbench makes', () => {
  it.each(
    [
      ['exiting', 'worker died: its thread exited with code 7 (process.exit called, e.g. by a plugin)'],
      [
        'timer-throw',
        'worker died: uncaught error outside a decision (a timer or a rejected promise, e.g. in a plugin): tick boom',
      ],
      [
        'rejecting',
        'worker died: uncaught error outside a decision (a timer or a rejected promise, e.g. in a plugin): rejected boom',
      ],
    ].map(([strategy, line]) => [strategy, `strategy "${strategy}" (plugin ${label(HOSTILE)}): ${line}`]),
  )('a single run of %s ends with exit 1 and one line saying what happened', async (strategy, line) => {
    // Several CSV chunks, so the replay yields and a timer set in a decision fires during it.
    const g = generated(8000, 40);
    const out = join(g.dir, 'out');
    const res = await run([
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--plugin',
      HOSTILE,
      '--strategy',
      strategy,
      '--out',
      out,
      '--placements',
      join(out, 'p.csv'),
      '--quiet',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`schedbench: ${line}\n`);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('process.exit in a plugin as it is created ends a single run with exit 1, not the plugin’s code', async () => {
    const g = generated(100, 4);
    const res = await run([
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--plugin',
      FAULTY,
      '--strategy',
      'dying',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `schedbench: strategy "dying" (plugin ${label(FAULTY)}): worker died: its thread exited with code 3 (process.exit called, e.g. by a plugin)\n`,
    );
  });

  it('process.exit(0) while a plugin loads in the main thread is refused (exit 2 naming the file), matrix too', async () => {
    const g = generated(100, 4);
    const plugin = join(ROOT, 'test/fixtures/plugins/exit-at-load.ts');
    const res = await run([
      'run',
      '--cluster',
      g.cluster,
      '--trace',
      g.trace,
      '--plugin',
      plugin,
      '--seed',
      '1,2',
      '--out',
      join(g.dir, 'out'),
    ]);
    expect(res.code).toBe(2);
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    // Files under the working folder are named relative to it (./test/...), others absolute.
    expect(lines[0]).toContain('test/fixtures/plugins/exit-at-load.ts');
    expect(lines[0]).toContain('process.exit(0) was called');
    expect(existsSync(join(g.dir, 'out'))).toBe(false);
  });

  it.each([
    ['timer', 'uncaught exception outside a decision', 'main-thread tick boom'],
    ['reject', 'unhandled promise rejection', 'main-thread rejected boom'],
  ])(
    'a plugin crashing the main thread (%s) ends the run with one line naming it and exit 2',
    async (mode, how, message) => {
      const g = generated(150_000, 200);
      const plugin = join(ROOT, 'test/fixtures/plugins/main-thread-crash.ts');
      const res = await run(
        [
          'run',
          '--cluster',
          g.cluster,
          '--trace',
          g.trace,
          '--strategy',
          plugin,
          '--out',
          join(g.dir, 'out'),
          '--quiet',
        ],
        { env: { SCHEDBENCH_TEST_CRASH: mode } },
      );
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(`schedbench: ${plugin}: plugin error (${how}): ${message}\n`);
      expect(tempFiles(join(g.dir, 'out'))).toEqual([]);
    },
  );
});
