// The atomic write: temp file, fsync, rename, fsync of the folder; nothing left on failure.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { removeTempFiles, StagedFile, writeFileAtomic } from '../../src/common/atomic-write.ts';
import { tempDir } from '../helpers/replay.ts';

// Record the calls that make a write durable, in order, passing each through to the real fs.
const calls: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const fdPaths = new Map<number, string>();
  return {
    ...real,
    openSync: (path: string, flags: string) => {
      const fd = real.openSync(path, flags);
      fdPaths.set(fd, String(path));
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${fdPaths.get(fd)}`);
      real.fsyncSync(fd);
    },
    renameSync: (a: string, b: string) => {
      calls.push(`rename ${a} -> ${b}`);
      real.renameSync(a, b);
    },
  };
});

beforeEach(() => {
  calls.length = 0;
});

const tmpName = (s: string) => /^rename (\S+) ->/.exec(s)?.[1] ?? '';

describe('writeFileAtomic', () => {
  it('fsyncs the temp file, renames it onto the path, then fsyncs the folder', () => {
    const dir = tempDir();
    const path = join(dir, 'r.json');
    writeFileAtomic(path, 'hello\n');
    expect(fs.readFileSync(path, 'utf8')).toBe('hello\n');
    expect(calls).toHaveLength(3);
    const tmp = tmpName(calls[1]);
    expect(tmp.startsWith(join(dir, '.r.json.'))).toBe(true);
    expect(tmp.endsWith('.tmp')).toBe(true);
    expect(calls).toEqual([`fsync ${tmp}`, `rename ${tmp} -> ${path}`, `fsync ${dir}`]);
    expect(fs.readdirSync(dir)).toEqual(['r.json']);
  });

  it('a staged file is not under its name until commit; discard leaves nothing', () => {
    const dir = tempDir();
    const path = join(dir, 'p.csv');
    const f = new StagedFile(path);
    f.write('a,b\n');
    expect(fs.existsSync(path)).toBe(false);
    expect(fs.readdirSync(dir)).toHaveLength(1);
    f.discard();
    expect(fs.readdirSync(dir)).toEqual([]);
    const g = new StagedFile(path);
    g.write('x\n');
    g.commit();
    expect(fs.readFileSync(path, 'utf8')).toBe('x\n');
    expect(calls[0]).toMatch(/^fsync .*\.tmp$/);
  });

  it('a write onto a folder fails with an OutputError naming the path, and removes its temp file', () => {
    const dir = tempDir();
    fs.mkdirSync(join(dir, 'taken', 'x'), { recursive: true });
    expect(() => writeFileAtomic(join(dir, 'taken'), 'data')).toThrow(
      expect.objectContaining({
        name: 'OutputError',
        message: expect.stringContaining(`${join(dir, 'taken')}: cannot write:`),
      }),
    );
    expect(fs.readdirSync(dir)).toEqual(['taken']);
  });

  it('removeTempFiles removes only this process’s temp files of that path', () => {
    const dir = tempDir();
    const mine = join(dir, `.p.csv.${process.pid}.abcd0123.tmp`);
    const other = join(dir, `.p.csv.${process.pid + 1}.abcd0123.tmp`);
    const unrelated = join(dir, `.q.csv.${process.pid}.abcd0123.tmp`);
    for (const f of [mine, other, unrelated]) fs.writeFileSync(f, 'x');
    removeTempFiles(join(dir, 'p.csv'));
    expect(fs.readdirSync(dir).sort()).toEqual(
      [`.p.csv.${process.pid + 1}.abcd0123.tmp`, `.q.csv.${process.pid}.abcd0123.tmp`].sort(),
    );
  });

  it('a file under /proc (where create fails with ENOENT) is an OutputError naming the path', () => {
    expect(() => writeFileAtomic('/proc/schedbench-x.csv', 'data')).toThrow(
      expect.objectContaining({
        name: 'OutputError',
        message:
          '/proc/schedbench-x.csv: cannot write: no such file or directory, or the folder does not accept new files (ENOENT)',
      }),
    );
  });

  it('missing folders are made one by one, from the top', () => {
    const dir = tempDir();
    writeFileAtomic(join(dir, 'a', 'b', 'c.json'), 'x');
    expect(fs.readFileSync(join(dir, 'a', 'b', 'c.json'), 'utf8')).toBe('x');
  });
});
