// A signal stops `convert` as it stops `run`: SIGINT exits 130, SIGTERM 143, and the trace's temp
// file is removed: nothing is left but the input.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startCli, until } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';

/** An Azure vmtable of `rows` VMs (no header), several seconds of converting. */
function vmtable(rows: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++)
    lines.push(
      `vm${i},s${i % 97},d${i % 1000},${2 * i},${2 * i + 3600},50.5,10.2,40.1,Interactive,${2 << (i % 3)},${4 << (i % 3)}`,
    );
  return `${lines.join('\n')}\n`;
}

let table = '';
beforeAll(() => {
  table = vmtable(300_000);
});

/** A folder holding only the vmtable. */
function folder(): { dir: string; input: string } {
  const dir = tempDir();
  const input = join(dir, 'vmtable.csv');
  writeFileSync(input, table);
  return { dir, input };
}

const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('convert stopped by a signal', () => {
  it.each([
    ['SIGINT', 130, 'interrupted'],
    ['SIGTERM', 143, 'terminated (SIGTERM)'],
  ] as const)(
    '%s while rows stream out: exit %i, no trace, no cluster, no temp file',
    async (signal, code, what) => {
      const { dir, input } = folder();
      const p = startCli([
        'convert',
        '--from',
        'azure',
        input,
        '--out',
        join(dir, 'cv-out.csv'),
        '--cluster-out',
        join(dir, 'cv-cluster.json'),
      ]);
      // Rows have been flushed to the temp file: the conversion is under way.
      await until(
        () => tempFiles(dir).some((f) => (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0) > 0),
        20_000,
      );
      p.child.kill(signal);
      const res = await p.exited;
      expect(res.code).toBe(code);
      expect(res.stderr).toBe(`schedbench: ${what}: nothing written\n`);
      expect(readdirSync(dir)).toEqual(['vmtable.csv']);
    },
  );

  it('SIGINT while --sort holds the requests (nothing written out yet) stops the read too', async () => {
    const { dir, input } = folder();
    const p = startCli(['convert', '--from', 'azure', input, '--out', join(dir, 'cv-out.csv'), '--sort']);
    // The temp file is made just before the read starts.
    await until(() => tempFiles(dir).length > 0, 20_000);
    p.child.kill('SIGINT');
    const res = await p.exited;
    expect(res.code).toBe(130);
    expect(res.stderr).toBe('schedbench: interrupted: nothing written\n');
    expect(readdirSync(dir)).toEqual(['vmtable.csv']);
  });
});
