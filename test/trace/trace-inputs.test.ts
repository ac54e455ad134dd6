// Hostile or truncated traces: short rows, endless files, huge lines and hostile field values end in
// one message naming file, line and field, the same from the streamed CSV and the shared columns.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputError } from '../../src/common/errors.ts';
import { ColumnarTraceSource } from '../../src/trace/columnar.ts';
import { parseColumnar, scanTrace } from '../../src/trace/columnar-builder.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import type { RowSource } from '../../src/trace/source.ts';
import { tempDir, traceFile } from '../helpers/replay.ts';

/** Every row (id@line) and every bad-row message, in file order. */
async function events(source: RowSource): Promise<string[]> {
  const out: string[] = [];
  await source.read({
    row: (r) => out.push(`${r.id}@${r.line}: ${r.vcpus},${r.memoryMb},${r.diskGb}`),
    badRow: (e: InputError) => out.push(`bad: ${e.message}`),
  });
  return out;
}

/** The message of the first bad row when the run stops on it (streamed and shared must agree). */
async function stopMessages(path: string): Promise<[string, string]> {
  const streamed = await new CsvTraceSource(path)
    .read({
      row: () => {},
      badRow: (e) => {
        throw e;
      },
    })
    .then(
      () => 'ok',
      (e: Error) => e.message,
    );
  const shared = await parseColumnar(path, 'stop').then(
    () => 'ok',
    (e: Error) => e.message,
  );
  return [streamed, shared];
}

describe('a row must have every header field', () => {
  it('a truncated last line is a bad row naming the first missing field, streamed and shared alike', async () => {
    // The last line lost "0,1" at the cut: before, it placed memory_mb=20, disk_gb=0.
    const path = traceFile(['time,id,vcpus,memory_mb,disk_gb,count', '0,a,1,512,10,1', '1,b,1,20']);
    const want = `${path}:3: disk_gb: missing: the row has 4 of the header's 6 fields`;
    expect(await stopMessages(path)).toEqual([want, want]);
  });

  it('with skip, the short row is counted as bad at its place, from both paths', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb,disk_gb', '0,a,1,512,10', '1,b,1', '2,c,1,512,0']);
    const streamed = await events(new CsvTraceSource(path));
    const shared = await parseColumnar(path, 'skip');
    expect(shared.bad.count).toBe(1);
    expect(await events(new ColumnarTraceSource(shared))).toEqual(streamed);
    expect(streamed).toEqual([
      'a@2: 1,512,10',
      `bad: ${path}:3: memory_mb: missing: the row has 3 of the header's 5 fields`,
      'c@4: 1,512,0',
    ]);
  });

  it('a short delete row is bad too; a full one with empty values is not', async () => {
    const path = traceFile(['time,event,id,vcpus,memory_mb', '0,create,a,1,1', '1,delete,a,,', '2,delete,a']);
    expect(await events(new CsvTraceSource(path))).toEqual([
      'a@2: 1,1,0',
      'a@3: 1,1,0',
      `bad: ${path}:4: vcpus: missing: the row has 3 of the header's 5 fields`,
    ]);
  });
});

describe('non-regular trace files and endless lines', () => {
  function fifo(): string {
    const path = join(tempDir(), 'trace.csv');
    const r = spawnSync('mkfifo', [path]);
    if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
    return path;
  }

  it.each<[string, () => string, string]>([
    ['/dev/zero', () => '/dev/zero', 'is a character device, expected a regular file'],
    ['a FIFO', fifo, 'is a pipe (FIFO), expected a regular file'],
  ])('refuses %s before reading it, streamed, scanned and shared', async (_, make, reason) => {
    const path = make();
    const msg = `${path}: ${reason}`;
    await expect(new CsvTraceSource(path).read({ row: () => {}, badRow: () => {} })).rejects.toThrow(msg);
    await expect(scanTrace(path)).rejects.toThrow(msg);
    await expect(parseColumnar(path, 'skip')).rejects.toThrow(msg);
  });

  it('a row longer than 1 MiB stops with its line, not an ever-growing buffer', async () => {
    const path = join(tempDir(), 'long.csv');
    writeFileSync(path, `time,id,vcpus,memory_mb\n0,a,1,1\n1,${'b'.repeat(1024 * 1024 + 1)},1,1\n`);
    const want = `${path}:3: a row longer than the 1 MiB limit`;
    await expect(new CsvTraceSource(path).read({ row: () => {}, badRow: () => {} })).rejects.toThrow(want);
    await expect(parseColumnar(path, 'skip')).rejects.toThrow(want);
  });

  it('a row just under 1 MiB is read', async () => {
    const id = 'c'.repeat(1024 * 1024 - 10);
    const path = join(tempDir(), 'ok.csv');
    writeFileSync(path, `time,id,vcpus,memory_mb\n0,${id},1,1\n`);
    expect(await events(new CsvTraceSource(path))).toEqual([`${id}@2: 1,1,0`]);
  });
});

describe('bounded flavor fields and times', () => {
  it.each<[string, string]>([
    ['0,a,1000000000001,1', 'vcpus: expected at most 1,000,000,000,000, got "1000000000001"'],
    ['0,a,1,1e300', 'memory_mb: expected at most 1,000,000,000,000, got "1e300"'],
    ['1e308,a,1,1', 'time: expected at most 1,000,000,000,000 seconds in magnitude, got "1e308"'],
    ['-1e13,a,1,1', 'time: expected at most 1,000,000,000,000 seconds in magnitude, got "-1e13"'],
  ])('%s is refused', async (row, reason) => {
    const path = traceFile(['time,id,vcpus,memory_mb', row]);
    const want = `${path}:2: ${reason}`;
    expect(await stopMessages(path)).toEqual([want, want]);
  });

  it('a duration above 10^12 s is refused; 10^12 itself and a flavor of 10^12 are read', async () => {
    const bad = traceFile(['time,id,vcpus,memory_mb,duration', '0,a,1,1,1.5e12']);
    expect((await stopMessages(bad))[0]).toBe(
      `${bad}:2: duration: expected at most 1,000,000,000,000 seconds in magnitude, got "1.5e12"`,
    );
    const ok = traceFile(['time,id,vcpus,memory_mb,duration', '0,a,1000000000000,1,1e12']);
    expect(await events(new CsvTraceSource(ok))).toEqual(['a@2: 1000000000000,1,0']);
  });
});

describe('field values echoed in messages are escaped and cut', () => {
  it('a quoted newline in a bad field cannot forge a second line', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb', '0,a,"1', 'schedbench: forged",1']);
    const want = `${path}:3: vcpus: expected a non-negative integer, got "1\\nschedbench: forged"`;
    expect(await stopMessages(path)).toEqual([want, want]);
  });

  it('ANSI and OSC escapes are written as \\x1b, never sent to the terminal', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb', '0,a,1,\x1b[31mRED\x1b]0;title\x07']);
    const want = `${path}:2: memory_mb: expected a non-negative integer, got "\\x1b[31mRED\\x1b]0;title\\x07"`;
    expect(await stopMessages(path)).toEqual([want, want]);
  });

  it('a 10 kB value is cut to 80 characters with an ellipsis', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb', `0,a,${'9x'.repeat(5000)},1`]);
    const want = `${path}:2: vcpus: expected a non-negative integer, got "${'9x'.repeat(39)}9…"`;
    expect(await stopMessages(path)).toEqual([want, want]);
  });

  it('binary garbage in a field is printed escaped', async () => {
    const path = join(tempDir(), 'bin.csv');
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from('time,id,vcpus,memory_mb\n0,a,'),
        Buffer.from([0, 1, 0x1b, 0x7f, 0x9b]),
        Buffer.from(',1\n'),
      ]),
    );
    // 0x9b alone is not UTF-8: it decodes to U+FFFD, a printable replacement character.
    const want = `${path}:2: vcpus: expected a non-negative integer, got "\\x00\\x01\\x1b\\x7f\uFFFD"`;
    expect(await stopMessages(path)).toEqual([want, want]);
  });

  it('with skip, the shared columns give the same escaped message as the stream', async () => {
    const path = traceFile([
      'time,id,vcpus,memory_mb',
      '0,a,"x',
      'y",1',
      `1,b,${'z'.repeat(10_000)},1`,
      '2,c,1,1',
    ]);
    const streamed = await events(new CsvTraceSource(path));
    expect(await events(new ColumnarTraceSource(await parseColumnar(path, 'skip')))).toEqual(streamed);
    expect(streamed).toEqual([
      `bad: ${path}:3: vcpus: expected a non-negative integer, got "x\\ny"`,
      `bad: ${path}:4: vcpus: expected a non-negative integer, got "${'z'.repeat(79)}…"`,
      'c@5: 1,1,0',
    ]);
  });
});
