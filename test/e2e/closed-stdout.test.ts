// `schedbench ... | head`: the reader leaves before the output ends. The rest is dropped quietly and
// the command keeps its own exit code (never the internal-error exit 3 of an EPIPE).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.ts';

/** Run the CLI with a stdout pipe closed right away; its exit code and stderr. */
function withClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
    });
    child.on('close', (code) => done({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  it.each(['metrics', 'filters', 'run --help', 'generate --help'])(
    '%s: exit 0, nothing on stderr',
    async (command) => {
      expect(await withClosedStdout(command.split(' '))).toEqual({ code: 0, stderr: '' });
    },
    60_000,
  );

  it('keeps a failing command failing: exit 2 and its one line', async () => {
    const res = await withClosedStdout(['run', '--cluster', 'nope.json', '--trace', 'nope.csv']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^schedbench: nope\.json: /);
  }, 60_000);
});
