// Progress as `run` and `demo` print it when stderr is no terminal: plain lines, no empty counts
// or undefined ETA, and a last line whose row count is the trace's rows times the cells.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { generated } from '../helpers/pool.ts';
import { tempDir } from '../helpers/replay.ts';

/** Data rows of a CSV: its non-empty lines less the header. */
const rowsOf = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length - 1;

function checkLines(stderr: string, rowsTotal: number, tasks: number): void {
  const lines = stderr.split('\n').filter((l) => l.startsWith('progress: '));
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) {
    expect(l).not.toMatch(/NFs|NaN|Infinity|ETA \?|rows 0\/1 |tasks 0\/0/);
  }
  const total = rowsTotal.toLocaleString('en-US');
  expect(lines.at(-1)).toMatch(
    new RegExp(`^progress: 100% \\| rows ${total}/${total} \\| tasks ${tasks}/${tasks} \\| elapsed \\d+s$`),
  );
}

describe('progress lines', () => {
  it('demo: every built-in strategy over the bundled trace, ending at (strategies) x its rows', () => {
    const root = join(import.meta.dirname, '../..');
    const rows = rowsOf(join(root, 'traces/default-trace.csv'));
    const out = tempDir();
    const r = cli(['demo', '--out', out, '--progress-interval', '0.05'], undefined, { timeout: 300_000 });
    expect(r.code).toBe(0);
    const strategies = JSON.parse(cli(['strategies', '--json']).stdout).length as number;
    checkLines(r.stderr, rows * strategies, strategies);
  }, 400_000);

  it('run: a matrix of two cells ends at twice the trace rows', () => {
    const g = generated(3000, 30);
    const r = cli(
      [
        'run',
        '--cluster',
        g.cluster,
        '--trace',
        g.trace,
        '--strategy',
        'filter,best-fit',
        '--workers',
        '2',
        '--progress-interval',
        '0.05',
        '--out',
        'out',
      ],
      g.dir,
    );
    expect(r.code).toBe(0);
    checkLines(r.stderr, 2 * rowsOf(g.trace), 2);
  }, 200_000);
});
