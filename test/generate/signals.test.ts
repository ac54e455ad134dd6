// A signal stops `generate` as it stops `run`: SIGINT exits 130, SIGTERM 143, and no output is
// left, neither a partial trace under its name nor the temp file it grew in.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, until } from '../helpers/cli.ts';
import { tmp } from './support.ts';

describe('generate stopped by a signal', () => {
  it.each([
    ['SIGINT', 130, 'interrupted'],
    ['SIGTERM', 143, 'terminated (SIGTERM)'],
  ] as const)(
    '%s while the trace is written: exit %i, no trace, no cluster, no temp file',
    async (signal, code, what) => {
      const dir = tmp();
      // Two million rows take several seconds: the signal comes while the trace is being written.
      const p = startCli(['generate', '--rows', '2000000', '--hosts', '200', '--out', join(dir, 'gi')]);
      // Rows have been flushed to the temp file: the trace is under way.
      await until(
        () =>
          readdirSync(dir).some(
            (f) => f.endsWith('.tmp') && (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0) > 0,
          ),
        20_000,
      );
      p.child.kill(signal);
      const res = await p.exited;
      expect(res.code).toBe(code);
      expect(res.stderr).toBe(`schedbench: ${what}: no trace or cluster written\n`);
      expect(res.stdout).toBe('');
      expect(readdirSync(dir)).toEqual([]);
    },
  );
});
