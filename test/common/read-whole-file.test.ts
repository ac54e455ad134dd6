import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWholeFile } from '../../src/common/read-whole-file.ts';
import { tempDir } from '../helpers/replay.ts';

function fifo(): string {
  const path = join(tempDir(), 'pipe');
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  return path;
}

describe('readWholeFile', () => {
  it('reads a regular file as UTF-8', () => {
    const path = join(tempDir(), 'a.txt');
    writeFileSync(path, 'héllo\n');
    expect(readWholeFile(path)).toBe('héllo\n');
  });

  it.each<[string, () => string, string]>([
    ['a character device', () => '/dev/zero', '/dev/zero: is a character device, expected a regular file'],
    ['a FIFO without a writer (not waited on)', fifo, 'is a pipe (FIFO), expected a regular file'],
    ['a directory', () => tempDir(), 'is a directory, expected a file'],
    ['a missing file', () => join(tempDir(), 'nope'), 'no such file'],
  ])('refuses %s with one line naming the path', (_, make, reason) => {
    const path = make();
    expect(() => readWholeFile(path)).toThrow(`${path}: ${reason.replace(`${path}: `, '')}`);
  });

  it('refuses a symbolic link to /dev/zero', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'd'));
    const link = join(dir, 'd', 'link.json');
    symlinkSync('/dev/zero', link);
    expect(() => readWholeFile(link)).toThrow(`${link}: is a character device, expected a regular file`);
  });

  it('refuses a file above the byte limit, and reads one exactly at it', () => {
    const path = join(tempDir(), 'big.json');
    writeFileSync(path, 'x'.repeat(1025));
    expect(() => readWholeFile(path, { maxBytes: 1024 })).toThrow(
      `${path}: larger than the limit of 1024 bytes for this file`,
    );
    expect(readWholeFile(path, { maxBytes: 1025 })).toHaveLength(1025);
  });
});
