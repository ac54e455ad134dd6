// makeDirs: mkdir -p that cannot spin. Node's recursive mkdir loops forever under /proc, so that
// case runs in a child process with a hang guard.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/common/make-dirs.ts';
import { tempDir } from '../helpers/replay.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('makeDirs', () => {
  it('makes every missing folder; an existing one is fine', () => {
    const dir = tempDir();
    makeDirs(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeDirs(join(dir, 'a', 'b', 'c'));
    makeDirs(dir);
  });

  it('a file in the way is thrown as the fs error (ENOTDIR / EEXIST)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f'), 'x');
    expect(() => makeDirs(join(dir, 'f', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirs(join(dir, 'f'))).not.toThrow(); // exists: nothing to make
  });

  it('under /proc: ENOENT at once, not an endless loop (child process, 30 s guard)', () => {
    const script = `import { makeDirs } from './src/common/make-dirs.ts';
try { makeDirs('/proc/schedbench-x/y'); console.log('made'); } catch (e) { console.log(e.code); }`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(res.signal).toBeNull();
    expect(res.stdout.trim()).toBe('ENOENT');
    expect(existsSync('/proc/schedbench-x')).toBe(false);
  });
});
