// Outputs where the folder refuses new entries with ENOENT (/proc): each command stops at once with
// exit 2 naming the path, before writing anything. Node's recursive mkdir spins forever there, deaf
// to SIGTERM, so every case spawns the CLI with a hang guard.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generated } from '../helpers/pool.ts';

const BIN = join(import.meta.dirname, '../../bin/schedbench.js');
const ENOENT = 'cannot write: no such file or directory, or the folder does not accept new files (ENOENT)';

function cli(args: string[]) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return { code: res.status, signal: res.signal, stderr: res.stderr };
}

describe('an output under /proc is exit 2 naming it, never a spin', () => {
  const g = generated(200, 8);
  const inputs = ['--cluster', g.cluster, '--trace', g.trace];
  const report = () => {
    const out = join(g.dir, 'r');
    if (!existsSync(out)) expect(cli(['run', ...inputs, '--out', out, '--quiet']).code).toBe(0);
    return join(out, 'filter.json');
  };

  it.each([
    ['run --out', () => ['run', ...inputs, '--out', '/proc/schedbench-foo'], '--out /proc/schedbench-foo'],
    ['run --out deeper', () => ['run', ...inputs, '--out', '/proc/sb-a/b/c'], '--out /proc/sb-a/b/c'],
    [
      'capacity --out',
      () => ['capacity', ...inputs, '--out', '/proc/schedbench-foo'],
      '--out /proc/schedbench-foo',
    ],
    ['demo --out', () => ['demo', '--out', '/proc/schedbench-foo'], '--out /proc/schedbench-foo'],
    ['generate --out', () => ['generate', '--out', '/proc/sb-x'], '--out /proc/sb-x-cluster.json'],
    ['report --out', () => ['report', report(), '--out', '/proc/sb-x'], '--out /proc/sb-x'],
    ['compare --out', () => ['compare', report(), report(), '--out', '/proc/sb-x.md'], '--out /proc/sb-x.md'],
  ])('%s', (_, args, shown) => {
    const res = cli(args());
    expect(res.signal).toBeNull();
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`schedbench: ${shown}: ${ENOENT}\n`);
  });

  it('run --placements /proc/x.csv, single run and matrix: exit 2 before any cell runs', () => {
    for (const strategies of ['filter', 'filter,first-fit']) {
      const out = join(g.dir, `p-${strategies}`);
      const res = cli([
        'run',
        ...inputs,
        '--strategy',
        strategies,
        '--out',
        out,
        '--placements',
        '/proc/sb-x.csv',
      ]);
      expect(res.signal).toBeNull();
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(`schedbench: --placements /proc/sb-x.csv: ${ENOENT}\n`);
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    }
  });
});
