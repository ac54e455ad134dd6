import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatorOptionsSchema } from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';
import { latin1, plainDecimal, plainInteger } from '../../src/trace/byte-numbers.ts';
import { CREATE, DELETE } from '../../src/trace/row.ts';
import { tempDir } from '../helpers/replay.ts';
import { bothReaders, rawTrace, readWith } from './reader-parity.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const HEADER =
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host,gpus,gpu_milli,gpu_spec';

/** Both readers agree; returns the byte scanner's outcome with bad rows skipped. */
async function agreed(path: string) {
  const { fast, csvParse } = await bothReaders(path);
  expect(fast).toEqual(csvParse);
  return fast[0];
}

const at = (s: string) => {
  const b = Buffer.from(s);
  return [b, 0, b.length] as const;
};

describe('byte numbers', () => {
  it('parse the plain forms exactly and refuse the others', () => {
    expect(plainInteger(...at('007'))).toBe(7);
    expect(plainInteger(...at('123456789012345'))).toBe(123_456_789_012_345);
    for (const s of ['', '1234567890123456', '+5', '-1', '1.0', '1e3', ' 1'])
      expect(plainInteger(...at(s))).toBeNaN();
    expect(plainDecimal(...at('16.805'))).toBe(16.805);
    expect(plainDecimal(...at('0.1'))).toBe(0.1);
    expect(plainDecimal(...at('-2.50'))).toBe(-2.5);
    expect(Object.is(plainDecimal(...at('-0')), -0)).toBe(true);
    expect(Object.is(plainDecimal(...at('-0.0')), -0)).toBe(true);
    expect(plainDecimal(...at('99999999999999.9'))).toBe(99_999_999_999_999.9);
    for (const s of ['', '-', '1.', '.5', '1.2.3', '1e3', '+1', '--1', '1234567890123.456', '0x10'])
      expect(plainDecimal(...at(s))).toBeNaN();
  });

  it('latin1 gives one char per byte at every length, at any offset', () => {
    const b = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256));
    const wrong: string[] = [];
    for (let len = 0; len <= 20; len++)
      for (const start of [0, 1, 7, 255]) {
        const want = Array.from(b.subarray(start, start + len), (c) => String.fromCharCode(c)).join('');
        if (latin1(b, start, start + len) !== want) wrong.push(`${start}+${len}`);
      }
    expect(wrong).toEqual([]);
    expect(latin1(Buffer.from('x,i12345,y'), 2, 8)).toBe('i12345');
  });
});

describe('byte scanner against csv-parse', () => {
  it('reads the bundled trace as csv-parse does', async () => {
    const out = await agreed(join(ROOT, 'traces/default-trace.csv'));
    expect(out.error).toBeUndefined();
    expect(out.events).toHaveLength(433);
    // Line 2: 4975773,create,openb-pod-0153,12,16384,0,1,,,,,,,,1,1000,
    expect(out.events[0]).toMatchObject({
      line: 2,
      time: 4975773,
      event: CREATE,
      id: 'openb-pod-0153',
      vcpus: 12,
      memoryMb: 16384,
      diskGb: 0,
      count: 1,
      gpus: 1,
      gpuMilli: 1000,
      gpuSpec: '',
      az: '',
      extraSpecs: undefined,
    });
    expect(out.events[0]).toHaveProperty('duration', Number.NaN);
  });

  it('reads a generated trace (zones, groups, extra specs, GPUs) as csv-parse does', async () => {
    const path = join(tempDir(), 'trace.csv');
    generateTrace(
      generatorOptionsSchema.parse({
        rows: 5000,
        hosts: 40,
        seed: 5,
        gpuShare: 0.4,
        gpuSpecShare: 0.5,
        gpuModels: ['V100M32', 'T4'],
      }),
      path,
    );
    const out = await agreed(path);
    expect(out.error).toBeUndefined();
    expect(out.events.length).toBeGreaterThanOrEqual(5000);
  });

  it('parses numbers as the decoder does, by hand', async () => {
    const path = rawTrace(
      [
        'time,id,vcpus,memory_mb,duration,count',
        '1.5,a,007,1,,',
        '1e3,b,+5,1,-0,2',
        '-0,c,1,2,1.,1',
        '.5,d,1,2,0.1,1',
        '123456789012.5,e,1,2,12.25,1',
      ].join('\n'),
    );
    const out = await agreed(path);
    const rows = out.events as { time: number; vcpus: number; duration: number; count: number }[];
    expect(rows.map((r) => r.time)).toEqual([1.5, 1000, -0, 0.5, 123456789012.5]);
    expect(Object.is(rows[2].time, -0)).toBe(true);
    expect(rows.map((r) => r.vcpus)).toEqual([7, 5, 1, 1, 1]);
    expect(rows.map((r) => r.duration)).toEqual([Number.NaN, -0, 1, 0.1, 12.25]);
    expect(Object.is(rows[1].duration, -0)).toBe(true);
    expect(rows.map((r) => r.count)).toEqual([1, 2, 1, 1, 1]);
  });

  it('reports bad values with the decoder’s messages and lines', async () => {
    const path = rawTrace(
      [
        'time,id,vcpus,memory_mb,count,gpus,gpu_milli',
        '1e13,a,1,1,1,,',
        '0,b,9007199254740993,1,1,,',
        '0,c,1,1,0,,',
        '0,d,1,1,1,2,500',
        '0,,1,1,1,,',
        '0,f,1',
        '0,g,1,1,1,1,500',
      ].join('\n'),
    );
    const out = await agreed(path);
    expect(out.events.slice(0, 6)).toEqual([
      {
        bad: `${path}:2: time: expected at most 1,000,000,000,000 seconds in magnitude, got "1e13"`,
        line: 2,
        field: 'time',
      },
      {
        bad: `${path}:3: vcpus: expected at most 1,000,000,000,000, got "9007199254740993"`,
        line: 3,
        field: 'vcpus',
      },
      { bad: `${path}:4: count: expected an integer from 1 to 1000000, got 0`, line: 4, field: 'count' },
      {
        bad: `${path}:5: gpu_milli: a share below 1000 needs gpus = 1 (one shared GPU), got gpus = 2`,
        line: 5,
        field: 'gpu_milli',
      },
      { bad: `${path}:6: id: missing value`, line: 6, field: 'id' },
      {
        bad: `${path}:7: memory_mb: missing: the row has 3 of the header's 7 fields`,
        line: 7,
        field: 'memory_mb',
      },
    ]);
    expect(out.events[6]).toMatchObject({ line: 8, id: 'g', gpus: 1, gpuMilli: 500 });
    const stopped = await readWith(path, true, true);
    expect(stopped.error).toBe(
      `${path}:2: time: expected at most 1,000,000,000,000 seconds in magnitude, got "1e13"`,
    );
  });

  it('takes any header order and subset, a BOM, CRLF, blank lines and no final newline', async () => {
    const path = rawTrace(
      '\uFEFFmemory_mb,id,time,vcpus,extra\r\n2048,x,10,4,zz\r\n\r\n1,y,11,1,\r\n0,z,12,2,q',
    );
    const out = await agreed(path);
    expect(out.events).toMatchObject([
      { line: 2, id: 'x', time: 10, vcpus: 4, memoryMb: 2048, diskGb: 0, count: 1 },
      { line: 4, id: 'y', time: 11, vcpus: 1, memoryMb: 1 },
      { line: 5, id: 'z', time: 12, vcpus: 2, memoryMb: 0 },
    ]);
  });

  it('hands the rest to csv-parse from a quoted row, with the lines of the file', async () => {
    const path = rawTrace(
      [
        'time,id,vcpus,memory_mb',
        '0,a,1,1',
        '',
        '1,"b,c",1,1',
        '2,d,x,1',
        '3,e,1,1',
        '4,f,1,1,extra',
        '',
      ].join('\n'),
    );
    const out = await agreed(path);
    expect(out.events).toEqual([
      expect.objectContaining({ line: 2, id: 'a' }),
      expect.objectContaining({ line: 4, id: 'b,c' }),
      { bad: `${path}:5: vcpus: expected a non-negative integer, got "x"`, line: 5, field: 'vcpus' },
      expect.objectContaining({ line: 6, id: 'e' }),
    ]);
    expect(out.error).toMatch(new RegExp(`^${path}:7: CSV syntax`));
  });

  it('delete rows keep only time, event and id, as the decoder', async () => {
    const path = rawTrace(
      `${HEADER}\n5,create,a,2,4096,10,3,,az1,g,affinity,k=v,h1;h2,,2,1000,T4 | V100\n9,delete,a,,,,,,,,,,,,,,\n`,
    );
    const out = await agreed(path);
    expect(out.events[0]).toMatchObject({
      id: 'a',
      diskGb: 10,
      count: 3,
      az: 'az1',
      group: 'g',
      groupPolicy: 'affinity',
      extraSpecs: { key: 'k=v', entries: [['k', 'v']] },
      sameHost: ['h1', 'h2'],
      differentHost: undefined,
      gpus: 2,
      gpuMilli: 1000,
      gpuSpec: 'T4|V100',
    });
    expect(out.events[1]).toMatchObject({ line: 3, time: 9, event: DELETE, id: 'a' });
  });

  it('reads a file of several read chunks (rows across chunk ends), LF and CRLF', async () => {
    for (const br of ['\n', '\r\n']) {
      const lines = ['time,event,id,vcpus,memory_mb,duration'];
      for (let i = 0; i < 40_000; i++)
        lines.push(`${i}.5,create,vm-${i},${i % 64},${1024 + i},${i % 7 === 0 ? '' : i}`);
      const out = await agreed(rawTrace(`${lines.join(br)}${br}`));
      expect(out.events).toHaveLength(40_000);
      expect(out.events[39_999]).toMatchObject({
        line: 40_001,
        time: 39_999.5,
        id: 'vm-39999',
        vcpus: 39_999 % 64,
        memoryMb: 41_023,
        duration: 39_999,
      });
    }
  });

  it('a long row goes to csv-parse, which refuses one over the row limit', async () => {
    const long = 'i'.repeat(70 * 1024);
    const ok = await agreed(rawTrace(`time,id,vcpus,memory_mb\n0,a,1,1\n1,${long},1,1\n2,c,1,1\n`));
    expect(ok.events).toMatchObject([{ id: 'a' }, { id: long, line: 3 }, { id: 'c', line: 4 }]);
    const huge = rawTrace(`time,id,vcpus,memory_mb\n0,a,1,1\n1,${'i'.repeat(1100 * 1024)},1,1\n`);
    expect((await agreed(huge)).error).toBe(`${huge}:3: a row longer than the 1 MiB limit`);
  });

  it('gives csv-parse’s answers for an empty file, a bad header and mixed line breaks', async () => {
    for (const content of [
      '',
      '\uFEFF',
      '\n\n',
      'time,id\n',
      'time,id,vcpus,memory_mb,id\n0,a,1,1\n',
      '"time",id,vcpus,memory_mb\n0,a,1,1\n',
    ])
      await agreed(rawTrace(content));
    const mixed = await agreed(rawTrace('time,id,vcpus,memory_mb\r\n0,a,1,1\n1,b,1,1\r\n2,c,1,1\r\n'));
    // Under CRLF a bare LF is data: `0,a,1,1\n1,b,1,1` is one record of 7 fields.
    expect(mixed.events).toEqual([]);
    expect(mixed.error).toMatch(/:3: CSV syntax: invalid Record Length: expect 4, got 7/);
    const lf = await agreed(rawTrace('time,id,vcpus,memory_mb\n0,a,1,1\r\n1,b,1,1\n'));
    // Under LF a carriage return is field data (the decoder trims it), yet csv-parse counts it as a
    // line: the scanner leaves such a file to csv-parse.
    expect(lf.events).toMatchObject([
      { id: 'a', memoryMb: 1, line: 3 },
      { id: 'b', line: 4 },
    ]);
  });
});
