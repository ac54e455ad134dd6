// A run into a folder an earlier run wrote: a cell that fails or is cancelled this time must not
// leave the earlier run's report (or placements) at its name, where check and report would read it
// as this run's; and check/report refuse a folder whose run.json lists other reports than it holds.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { check as checkApi } from '../../src/index.ts';
import { runSummarySchema } from '../../src/report/run-files.ts';
import { BIN, cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { CLUSTER, TRACE } from './scenario.ts';

const ROOT = join(import.meta.dirname, '../..');
const GATE = { timeout: 120_000 };
/** The strategy name of the plugin below (examples/cpu-headroom-simple.ts), and so its cell's. */
const PLUGIN = 'cpu-headroom-simple';

/**
 * The scenario's inputs, a thresholds file every report passes, and examples/cpu-headroom-simple.ts
 * as a plugin file in the temp folder (its `schedbench/plugin` import pointed at the sources).
 */
function inputs(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify(CLUSTER));
  writeFileSync(join(dir, 'trace.csv'), `${TRACE.join('\n')}\n`);
  writeFileSync(join(dir, 'ok.yaml'), "strategies: {'*': {placed: '>= 0'}}\n");
  plugin(dir, 'ok');
  return dir;
}

/** Write plugin.ts: the example as it is, or with a score that throws, or one that takes a second. */
function plugin(dir: string, mode: 'ok' | 'throws' | 'slow'): void {
  const example = readFileSync(join(ROOT, 'examples/cpu-headroom-simple.ts'), 'utf8');
  const body = {
    ok: '',
    throws: 'throw new Error("score exploded");',
    slow: 'for (const end = Date.now() + 1000; Date.now() < end; );',
  }[mode];
  const source = example
    .replace("'schedbench/plugin'", JSON.stringify(join(ROOT, 'strategies/plugin/index.ts')))
    .replace('score(host, spec, options) {', `score(host, spec, options) {\n    ${body}`);
  expect(source).toContain(body);
  writeFileSync(join(dir, 'plugin.ts'), source);
}

const RUN = ['run', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--quiet'];
const MATRIX = [...RUN, '--strategy', 'filter,plugin.ts', '--workers', '2', '--out', 'o'];

/** check or report, run by main() in this process (quicker than a child), paths relative to `dir`. */
async function gate(args: readonly string[], dir: string) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  const abs = args.map((a) => (/^(o|summary)(\/|$)|\.yaml$/.test(a) ? join(dir, a) : a));
  try {
    const code = await main(abs);
    return { code, stdout: stdout.replaceAll(`${dir}/`, ''), stderr: stderr.replaceAll(`${dir}/`, '') };
  } finally {
    vi.restoreAllMocks();
  }
}

const summaryOf = (dir: string) =>
  runSummarySchema.parse(JSON.parse(readFileSync(join(dir, 'o/run.json'), 'utf8')));

describe('a rerun into the same --out: a cell that does not finish leaves no earlier report', () => {
  it('a matrix cell that fails: its earlier report and placements go; check and report read this run only; a stale report put back is refused', async () => {
    const dir = inputs();
    const first = cli([...MATRIX, '--placements', 'o/p.csv'], dir, GATE);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(readdirSync(join(dir, 'o'))).toContain(`${PLUGIN}.json`);
    copyFileSync(join(dir, `o/${PLUGIN}.json`), join(dir, 'earlier.json'));

    plugin(dir, 'throws');
    const second = cli([...MATRIX, '--placements', 'o/p.csv'], dir, GATE);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`schedbench: cell ${PLUGIN} failed: `);
    expect(second.stderr).toContain('score exploded');
    expect(readdirSync(join(dir, 'o')).sort()).toEqual([
      'filter.json',
      'p.filter.csv',
      'report.html',
      'run.json',
      'summary.md',
      'timeseries.csv',
    ]);
    const cell = summaryOf(dir).cells.find((c) => c.name === PLUGIN)!;
    expect([cell.status, cell.report, cell.placements]).toEqual(['failed', null, null]);

    // The gate reads this run's filter report only, and does not pass: a cell of the run failed.
    const check = await gate(['check', '--thresholds', 'ok.yaml', 'o'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      new RegExp(
        `^cell ${PLUGIN} failed \\(plugin: .*score exploded.*\\): o/run\\.json lists no report of it, so none of its bounds was checked\n$`,
      ),
    );
    expect(check.stderr).toBe(
      'schedbench: check: 1 cell(s) of the run wrote no report; all 1 bound(s) over 1 report(s) of filter hold\n',
    );
    // The API's check says the same.
    const api = checkApi([join(dir, 'o')], join(dir, 'ok.yaml'));
    expect([
      api.passed,
      api.results.map((r) => r.holds),
      api.unfinished.map((u) => [u.name, u.status]),
    ]).toEqual([false, [true], [[PLUGIN, 'failed']]]);
    // Named on its own, the finished cell's report is checked as it is.
    const alone = await gate(['check', '--thresholds', 'ok.yaml', 'o/filter.json'], dir);
    expect([alone.code, alone.stdout]).toEqual([
      0,
      'check: all 1 bound(s) over 1 report(s) of filter hold\n',
    ]);
    const report = await gate(['report', 'o', '--out', 'summary'], dir);
    expect([report.code, report.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 'summary/summary.md'), 'utf8')).not.toContain(PLUGIN);

    // The earlier report put back at the failed cell's name (as a run of a version without the
    // clean-up left it): run.json says the cell wrote none, so check and report refuse the folder.
    copyFileSync(join(dir, 'earlier.json'), join(dir, `o/${PLUGIN}.json`));
    const stale = `schedbench: o/${PLUGIN}.json: o/run.json says cell ${PLUGIN} failed and wrote no report in the run that wrote this folder, so this report is left from an earlier run: remove it, or rerun the cell\n`;
    for (const args of [
      ['check', '--thresholds', 'ok.yaml', 'o'],
      ['report', 'o', '--out', 'summary'],
    ]) {
      const res = await gate(args, dir);
      expect([res.code, res.stderr]).toEqual([2, stale]);
    }
    // A report run.json does not list at all is refused too; named on its own, a file is read.
    renameSync(join(dir, `o/${PLUGIN}.json`), join(dir, 'o/extra.json'));
    const extra = await gate(['check', '--thresholds', 'ok.yaml', 'o'], dir);
    expect([extra.code, extra.stderr]).toEqual([
      2,
      'schedbench: o/extra.json: o/run.json does not list this report (it lists filter.json), so it is left from an earlier run or was put there by hand: remove it, or name the file itself\n',
    ]);
    const named = await gate(['check', '--thresholds', 'ok.yaml', 'o/extra.json'], dir);
    expect([named.code, named.stdout]).toEqual([
      0,
      `check: all 1 bound(s) over 1 report(s) of ${PLUGIN} hold\n`,
    ]);
  }, 240_000);

  it('a single run that fails removes its earlier report, placements and summaries, and the run.json of an earlier matrix', async () => {
    const dir = inputs();
    const matrix = cli(MATRIX, dir, GATE);
    expect([matrix.code, matrix.stderr]).toEqual([0, '']);
    const single = [...RUN, '--strategy', 'plugin.ts', '--out', 'o', '--placements', 'o/p.csv'];
    const first = cli(single, dir, GATE);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(existsSync(join(dir, 'o/p.csv'))).toBe(true);
    // The matrix's run.json went with the single run: it listed that run's cells, not this one.
    expect(existsSync(join(dir, 'o/run.json'))).toBe(false);

    plugin(dir, 'throws');
    const second = cli(single, dir, GATE);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('score exploded');
    // Only the matrix's filter report is left: a file of another name, which no run here rewrote.
    expect(readdirSync(join(dir, 'o'))).toEqual(['filter.json']);
    const check = await gate(['check', '--thresholds', 'ok.yaml', 'o'], dir);
    expect([check.code, check.stdout]).toEqual([
      0,
      'check: all 1 bound(s) over 1 report(s) of filter hold\n',
    ]);
  }, 240_000);

  it('a matrix cell cancelled by SIGINT: its earlier report goes, check reads the finished cell only and fails on the cancelled one', async () => {
    const dir = inputs();
    const first = cli(MATRIX, dir, GATE);
    expect([first.code, first.stderr]).toEqual([0, '']);

    // A second per host scored: the plugin's cell would take some 20 s, filter's a moment; SIGINT
    // stops it (its worker goes after the 5 s grace period).
    plugin(dir, 'slow');
    const child: ChildProcess = spawn(process.execPath, [BIN, ...MATRIX], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const out = join(dir, 'o');
    // The earlier reports are gone as soon as the cells start; then this run's filter report comes.
    const end = Date.now() + 60_000;
    while (existsSync(join(out, `${PLUGIN}.json`)) || !existsSync(join(out, 'filter.json'))) {
      if (Date.now() > end) {
        child.kill('SIGKILL');
        throw new Error(`timed out waiting for the filter cell; ${out} holds ${readdirSync(out).join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/schedbench: interrupted: 1 of 2 cells finished/);
    const cell = summaryOf(dir).cells.find((c) => c.name === PLUGIN)!;
    expect([cell.status, cell.report]).toEqual(['cancelled', null]);
    expect(existsSync(join(out, `${PLUGIN}.json`))).toBe(false);
    const check = await gate(['check', '--thresholds', 'ok.yaml', 'o'], dir);
    expect([check.code, check.stdout, check.stderr]).toEqual([
      1,
      `cell ${PLUGIN} was cancelled: o/run.json lists no report of it, so none of its bounds was checked\n`,
      'schedbench: check: 1 cell(s) of the run wrote no report; all 1 bound(s) over 1 report(s) of filter hold\n',
    ]);
  }, 240_000);
});
