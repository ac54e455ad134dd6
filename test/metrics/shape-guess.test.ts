// The byte-pass shape guess: exact on plain traces, given up on quoted ones, and a replay that
// guessed wrong (bad rows skipped) still reports exactly what a separate scan gives.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { guessShapes, sameShapes, scanTraceAndShapes } from '../../src/metrics/shape-guess.ts';
import { ShapeCounter, scanShapes } from '../../src/metrics/shapes.ts';
import type { Report } from '../../src/report/schema.ts';
import { runReplayTask } from '../../src/run/replay-task.ts';
import { scanTrace } from '../../src/trace/columnar-builder.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { tempDir } from '../helpers/replay.ts';

const HEADER = 'time,event,id,vcpus,memory_mb,disk_gb,count,duration,gpus,gpu_milli';

function write(text: string): string {
  const path = join(tempDir(), 'trace.csv');
  writeFileSync(path, text);
  return path;
}

function decisionsOnly(r: Report) {
  const { created_at: _c, performance: _p, machine: _m, ...rest } = r;
  return rest;
}

describe('guessShapes', () => {
  it('counts instances per shape with the decoder defaults, first and last row times', async () => {
    const path = write(
      `${[
        HEADER,
        '1.5,create,a,2,4096,,,,,', // disk 0, count 1
        '2,create,b,2,4096,0,3,10,,',
        '',
        '3,delete,a,,,,,,,',
        '4,create,c,4,8192,40,1,,1,', // one whole GPU: milli 1000
        '5.25,create,d,4,8192,40,2,,1,500',
      ].join('\n')}\n`,
    );
    const g = (await guessShapes(path))!;
    expect(g.size).toBe(3);
    // Sorted by instances: 4 of (2, 4096, 0), then one each of the two GPU shapes, by vcpus... then gpu_milli.
    expect([...g.instances]).toEqual([4, 2, 1]);
    expect([...g.vcpus]).toEqual([2, 4, 4]);
    expect([...g.gpuMilli]).toEqual([0, 500, 1000]);
    expect([g.firstTime, g.lastTime]).toEqual([1.5, 5.25]);
  });

  it('reads CRLF lines, a BOM and a last line without a break as the decoder does', async () => {
    const path = write(`\ufeff${HEADER}\r\n1,create,a,1,512,1,1,,,\r\n2,create,b,1,512,1,2,,,`);
    const g = (await guessShapes(path))!;
    expect([...g.instances]).toEqual([3]);
    expect(sameShapes(g, await scanShapes(new CsvTraceSource(path)))).toBe(true);
  });

  it('agrees with a full scan on the bundled trace', async () => {
    const path = 'traces/default-trace.csv';
    expect(sameShapes((await guessShapes(path))!, await scanShapes(new CsvTraceSource(path)))).toBe(true);
  });

  it('agrees with a full scan over many reads: lines split between reads, short rows, text after the counted columns', async () => {
    // count is the header's last column, and a text column comes between the flavor and it: the
    // guess splits every field of a row but reads only the columns it needs.
    const header = 'time,event,id,vcpus,memory_mb,disk_gb,extra_specs,same_host,count';
    const lines = [header];
    for (let i = 0; i < 60_000; i++) {
      const t = (i * 0.37).toFixed(2);
      if (i % 997 === 5)
        lines.push(`${t},create,s${i},2,4096`); // short: a bad row, skipped
      else if (i % 7 === 3) lines.push(`${t},delete,i${i - 3},,,,,,`);
      else
        lines.push(
          `${t},create,i${i},${1 + (i % 5)},${1024 * (1 + (i % 3))},${i % 2 ? 40 : ''},ssd=true,,${1 + (i % 4)}`,
        );
    }
    const path = write(`${lines.join('\n')}\n123456.75,create,last,1,512,1,,,2`); // no final break
    const read = await scanShapes(new CsvTraceSource(path));
    const g = (await guessShapes(path))!;
    expect(read.lastTime).toBe(123456.75);
    expect(sameShapes(g, read)).toBe(true);
    expect(sameShapes((await scanTraceAndShapes(path)).shapes!, read)).toBe(true);
  });

  it('gives up on a file with a quote, a missing file or a header without the columns', async () => {
    expect(await guessShapes(write(`${HEADER}\n1,create,"a",1,512,1,1,,,\n`))).toBeUndefined();
    expect(await guessShapes(join(tempDir(), 'absent.csv'))).toBeUndefined();
    expect(await guessShapes(write('a,b,c\n1,2,3\n'))).toBeUndefined();
  });

  it('tells a different distribution apart', async () => {
    const a = (await guessShapes(write(`${HEADER}\n1,create,a,1,512,1,1,,,\n`)))!;
    const b = (await guessShapes(write(`${HEADER}\n1,create,a,1,512,1,2,,,\n`)))!;
    expect(sameShapes(a, a)).toBe(true);
    expect(sameShapes(a, b)).toBe(false);
  });
});

describe('a replay without a separate shape scan', () => {
  const cluster = {
    hosts: [
      { name: 'h0', vcpus: 8, memory_mb: 16384, disk_gb: 100 },
      { name: 'h1', vcpus: 8, memory_mb: 16384, disk_gb: 100 },
    ],
  };

  async function both(trace: string) {
    const dir = tempDir();
    const clusterPath = join(dir, 'cluster.json');
    writeFileSync(clusterPath, JSON.stringify(cluster));
    const tracePath = write(trace);
    const task = {
      clusterPath,
      cluster: clusterFromObject(cluster),
      tracePath,
      strategy: filterStrategy,
      onBadRow: 'skip' as const,
      calibrationSamples: 0,
    };
    const shapes = await scanShapes(new CsvTraceSource(tracePath));
    const oneRead = await runReplayTask(task);
    const scanned = await runReplayTask({ ...task, source: new CsvTraceSource(tracePath), shapes });
    return { oneRead, scanned };
  }

  it('reports what a separate scan gives on a plain trace', async () => {
    const { oneRead, scanned } = await both(
      `${HEADER}\n1,create,a,2,4096,10,1,5,,\n2,create,b,4,2048,10,2,,,\n3,delete,b,,,,,,,\n`,
    );
    expect(decisionsOnly(oneRead)).toEqual(decisionsOnly(scanned));
  });

  it('reports what a separate scan gives when the byte pass misreads bad rows (replayed with the read shapes)', async () => {
    // "3.0" vcpus is an integer to the decoder, not to the byte pass, which misses that shape; rows
    // 3 (vcpus x) and 4 (count 0) are bad rows the decoder skips.
    const { oneRead, scanned } = await both(
      `${HEADER}\n1,create,a,2,4096,10,1,5,,\n2,create,b,3.0,4096,10,1,,,\n3,create,c,x,4096,10,1,,,\n4,create,d,1,1024,10,0,,,\n`,
    );
    expect(oneRead.quality.fragmentation).toEqual(scanned.quality.fragmentation);
    expect(decisionsOnly(oneRead)).toEqual(decisionsOnly(scanned));
  });
});

describe('ShapeCounter', () => {
  it('counts shapes whose hashes collide apart, weighted by instances', () => {
    const c = new ShapeCounter();
    // vcpus * 31 + memoryMb: 1 * 31 + 0 and 0 * 31 + 31 hash alike.
    c.add(1, 0, 0, 2);
    c.add(0, 31, 0, 1);
    c.add(1, 0, 0, 3);
    c.add(0, 31, 0, 1, 0, 0);
    const d = c.build();
    expect(d.size).toBe(2);
    expect([...d.vcpus]).toEqual([1, 0]);
    expect([...d.memoryMb]).toEqual([0, 31]);
    expect([...d.instances]).toEqual([5, 2]);
    expect([...d.share]).toEqual([5 / 7, 2 / 7]);
  });
});

describe('scanTraceAndShapes', () => {
  it('counts lines as scanTrace does and guesses as guessShapes does, in one pass', async () => {
    const rows = [HEADER, '1,create,a,2,4096,,,,,', '', '3,delete,a,,,,,,,', '4,create,c,4,8192,40,2,,1,500'];
    for (const text of [`${rows.join('\n')}\n`, rows.join('\r\n'), `\ufeff${rows.join('\n')}`]) {
      const path = write(text);
      const scan = await scanTraceAndShapes(path);
      expect({ bytes: scan.bytes, lines: scan.lines }).toEqual(await scanTrace(path));
      expect(sameShapes(scan.shapes!, (await guessShapes(path))!)).toBe(true);
    }
  });

  it('reads across its 1 MiB reads, a line split by a read included', async () => {
    // 40,000 rows of 30-odd bytes: about 1.3 MiB, so a row straddles the first read's end.
    const lines = [HEADER];
    for (let i = 0; i < 40_000; i++)
      lines.push(`${i},create,id-${i},${1 + (i % 3)},1024,10,${1 + (i % 2)},,,`);
    const path = write(`${lines.join('\n')}\n`);
    const scan = await scanTraceAndShapes(path);
    expect(scan.lines).toBe(40_002);
    expect(sameShapes(scan.shapes!, await scanShapes(new CsvTraceSource(path)))).toBe(true);
    // Instances of vcpus 1, 2, 3 (rows i % 3 = 0, 1, 2, each weighted by its count 1 + i % 2).
    const want = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) want[i % 3] += 1 + (i % 2);
    expect([...scan.shapes!.vcpus]).toEqual([1, 2, 3]);
    expect([...scan.shapes!.instances]).toEqual(want);
  });

  it('reads a line longer than a read, split lines at every read edge and a last line without a break', async () => {
    // Rows of ~36 bytes with a 1.5 MiB id in the middle; the last row has no line break.
    const lines = [HEADER];
    for (let i = 0; i < 50_000; i++) {
      const id = i === 20_000 ? 'x'.repeat(1_500_000) : `id-${i}`;
      lines.push(`${i},create,${id},${1 + (i % 4)},2048,20,1,,,`);
    }
    const path = write(lines.join('\n'));
    const scan = await scanTraceAndShapes(path);
    expect({ bytes: scan.bytes, lines: scan.lines }).toEqual(await scanTrace(path));
    // (The replay refuses the long row; the byte pass guesses it in, and the replay's check says so.)
    expect([...scan.shapes!.vcpus]).toEqual([1, 2, 3, 4]);
    expect([...scan.shapes!.instances]).toEqual([12_500, 12_500, 12_500, 12_500]);
    expect(scan.shapes!.lastTime).toBe(49_999);
  });

  it('counts every line when a quote after the first read gives the guess up', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 60_000; i++) lines.push(`${i},create,${i === 45_000 ? '"q"' : `b${i}`},1,512,1,1,,,`);
    const path = write(`${lines.join('\n')}\n`);
    const scan = await scanTraceAndShapes(path);
    expect(scan.shapes).toBeUndefined();
    expect({ bytes: scan.bytes, lines: scan.lines }).toEqual(await scanTrace(path));
    expect(await guessShapes(path)).toBeUndefined();
  });

  it('still counts every line after a quote gives the guess up', async () => {
    const lines = [HEADER, '1,create,"a",1,512,1,1,,,'];
    for (let i = 0; i < 60_000; i++) lines.push(`${i},create,b${i},1,512,1,1,,,`);
    const path = write(lines.join('\n'));
    const scan = await scanTraceAndShapes(path);
    expect(scan.shapes).toBeUndefined();
    expect({ bytes: scan.bytes, lines: scan.lines }).toEqual(await scanTrace(path));
    expect(scan.lines).toBe(60_002);
  });

  it('names the file it cannot read', async () => {
    const absent = join(tempDir(), 'absent.csv');
    await expect(scanTraceAndShapes(absent)).rejects.toThrow(absent);
    await expect(scanTraceAndShapes(tempDir())).rejects.toThrow('is a directory');
  });
});
