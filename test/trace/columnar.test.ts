import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import type { InputError } from '../../src/common/errors.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { writeGeneratedCluster } from '../../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../../src/generate/options.ts';
import { generateTrace } from '../../src/generate/trace.ts';
import type { ReplayResult } from '../../src/model/replay-result.ts';
import { replay } from '../../src/replay/replayer.ts';
import { ColumnarTraceSource, columnarBytes, FIXED_BYTES_PER_ROW } from '../../src/trace/columnar.ts';
import { NotShareableError, parseColumnar, scanTrace } from '../../src/trace/columnar-builder.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import type { RowSource } from '../../src/trace/source.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { OutcomeLog, tempDir, traceFile } from '../helpers/replay.ts';

/** Every row a source yields, as a plain copy, and every bad-row message, in one ordered list. */
async function events(source: RowSource): Promise<unknown[]> {
  const out: unknown[] = [];
  await source.read({
    row: (r) => out.push(structuredClone(r)),
    badRow: (e: InputError) => out.push(`bad: ${e.message}`),
  });
  return out;
}

const HEADER =
  'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy,extra_specs,same_host,different_host';

describe('columnar trace: the same rows as streaming the CSV', () => {
  it('every column, quoting, BOM, blank lines and non-ASCII ids read back exactly', async () => {
    const path = traceFile([
      `\uFEFF${HEADER}`,
      '0,create,web,2,4096,20,3,3600,az1,webgrp,anti-affinity,,,',
      '',
      '0.5,,"db,1",8,32768,200,1,,,,,aggregate_instance_extra_specs:ssd=true;capabilities:cpu_arch=x86_64,,',
      '1,create,ünï-čødé,1,512,0,1,12.25,nova,webgrp,,ssd=<or> true <or> yes, web ; db,1',
      '1,create,x,1,512,,,,,,,ssd=<or> true <or> yes,,web',
      '10,delete,web,,,,,,,,,,,',
      '"11","create","quoted",1,1,1,1,,,,,"k=v, with comma",,',
    ]);
    const streamed = await events(new CsvTraceSource(path));
    const shared = await parseColumnar(path, 'stop');
    expect(shared.rows).toBe(6);
    expect(await events(new ColumnarTraceSource(shared))).toEqual(streamed);
    // Deletes carry what the replay reads of them: line, time, event, id.
    expect(streamed[4]).toMatchObject({ line: 7, time: 10, event: 1, id: 'web' });
  });

  it('with skip, bad rows come at their place in the file with the streaming messages', async () => {
    const path = traceFile([
      'time,id,vcpus,memory_mb,count,group_policy',
      '0,a,x,1,,', // bad before any good row
      '1,b,1,1,,',
      '2,c,1,-5,,', // bad between rows
      '3,d,1,1,0,',
      '4,e,1,1,,affinity', // policy without group
      '5,f,1,1,,',
      '6,g,1,,,', // bad last row (missing memory_mb)
    ]);
    const skip = (s: RowSource) =>
      events({ path: s.path, read: (sink) => s.read({ row: sink.row, badRow: sink.badRow }) });
    const shared = await parseColumnar(path, 'skip');
    expect(shared.bad.count).toBe(5);
    const got = await skip(new ColumnarTraceSource(shared));
    expect(got).toEqual(await skip(new CsvTraceSource(path)));
    expect(got.filter((e) => typeof e === 'string')).toEqual([
      `bad: ${path}:2: vcpus: expected a non-negative integer, got "x"`,
      `bad: ${path}:4: memory_mb: expected a non-negative integer, got "-5"`,
      `bad: ${path}:5: count: expected an integer from 1 to 1000000, got 0`,
      `bad: ${path}:6: group_policy: given without a group`,
      `bad: ${path}:8: memory_mb: missing value`,
    ]);
  });

  it('with stop, parsing fails on the first bad row, as the streaming run would', async () => {
    const path = traceFile(['time,id,vcpus,memory_mb', '0,a,1,1', '1,b,x,1', '2,c,1,-5']);
    await expect(parseColumnar(path, 'stop')).rejects.toThrow(
      `${path}:3: vcpus: expected a non-negative integer, got "x"`,
    );
  });

  it('a CSV syntax error, a bad header, a missing file and an empty file fail with their line', async () => {
    const syntax = traceFile(['time,id,vcpus,memory_mb', '0,a,1,1', '1,b,1,1,extra']);
    await expect(parseColumnar(syntax, 'skip')).rejects.toThrow(new RegExp(`^${syntax}:3: CSV syntax`));
    const header = traceFile(['time,id,vcpus', '0,a,1']);
    await expect(parseColumnar(header, 'skip')).rejects.toThrow(`${header}:1: memory_mb: missing column`);
    await expect(parseColumnar('/nonexistent/t.csv', 'stop')).rejects.toThrow(
      '/nonexistent/t.csv: no such file',
    );
    const empty = traceFile([]);
    await expect(parseColumnar(empty, 'stop')).rejects.toThrow(`${empty}:1: empty trace`);
  });

  it('a flavor value of 2^32 or more does not fit the columns: the trace is streamed instead', async () => {
    // 2^32 = 4294967296: valid input (a safe integer), one past the largest Uint32.
    const path = traceFile(['time,id,vcpus,memory_mb', '0,a,1,4294967295', '1,b,1,4294967296']);
    await expect(parseColumnar(path, 'stop')).rejects.toBeInstanceOf(NotShareableError);
  });

  it('holds its columns in SharedArrayBuffers: a structured clone (what a worker gets) shares them', async () => {
    const path = traceFile([HEADER, '0,create,a,1,1,1,1,,,,,,,', '1,create,b,2,2,2,1,,,,,,,']);
    const t = await parseColumnar(path, 'stop');
    for (const c of [t.line, t.time, t.kind, t.idEnd, t.idBytes, t.vcpus, t.memoryMb, t.az, t.symbolBytes])
      expect(c.buffer).toBeInstanceOf(SharedArrayBuffer);
    const copy = structuredClone(t);
    copy.vcpus[1] = 7;
    expect(t.vcpus[1]).toBe(7);
  });

  it('scanTrace counts lines (an upper bound of the rows), with or without a final newline', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), 'h\n1\n2\n');
    writeFileSync(join(dir, 'b.csv'), 'h\n1\n2');
    // 'h\n1\n2\n' has 3 newlines: 3 + 1 (the count assumes a last line without one) = 4 >= 3 lines.
    expect(await scanTrace(join(dir, 'a.csv'))).toEqual({ bytes: 6, lines: 4 });
    expect(await scanTrace(join(dir, 'b.csv'))).toEqual({ bytes: 5, lines: 3 });
  });

  it('scanTrace counts a CR not followed by a LF as a line end, as the CSV parser reads one', async () => {
    const dir = tempDir();
    const count = async (text: string) => {
      writeFileSync(join(dir, 'c.csv'), text);
      return (await scanTrace(join(dir, 'c.csv'))).lines;
    };
    expect(await count('h\r1\r2\r')).toBe(4);
    expect(await count('h\r\n1\r\n2\r\n')).toBe(4);
    expect(await count('h\r\n1\n2\r3')).toBe(4);
    // A CR ending the first 64 KiB read: a line end only if the next read does not start with a LF.
    const edge = 'x'.repeat(65_535);
    expect(await count(`${edge}\r\ny`)).toBe(2);
    expect(await count(`${edge}\ry`)).toBe(2);
    expect(await count(`${edge}\r`)).toBe(2);
  });

  it('shares a trace with CR line ends: the same rows as streaming it', async () => {
    const path = join(tempDir(), 'cr.csv');
    writeFileSync(path, 'time,event,id,vcpus,memory_mb\r0,create,a,1,512\r1,create,b,1,512\r2,delete,a,,\r');
    const shared = await parseColumnar(path, 'stop');
    expect(shared.rows).toBe(3);
    expect(await events(new ColumnarTraceSource(shared))).toEqual(await events(new CsvTraceSource(path)));
  });

  it('scanTrace counts across read buffers (64 KiB each), a newline on a buffer edge included', async () => {
    const dir = tempDir();
    // 100,000 lines of 'x\n': 200,000 bytes, a bit over three 65,536-byte reads; byte 65,535 (the
    // last of the first read) is a newline, as every odd byte is.
    writeFileSync(join(dir, 'big.csv'), 'x\n'.repeat(100_000));
    expect(await scanTrace(join(dir, 'big.csv'))).toEqual({ bytes: 200_000, lines: 100_001 });
    // 3 x 65,536 bytes with no newline, then one: the lines of a file with one newline at its end.
    writeFileSync(join(dir, 'long.csv'), `${'y'.repeat(3 * 65_536)}\n`);
    expect(await scanTrace(join(dir, 'long.csv'))).toEqual({ bytes: 3 * 65_536 + 1, lines: 2 });
  });

  it('costs FIXED_BYTES_PER_ROW per row plus the ids and symbols', async () => {
    // Two rows, ids "a" and "bb" (3 bytes), symbols: "" and "az1" (3 bytes, 2 ends of 4 bytes).
    const path = traceFile([HEADER, '0,create,a,1,1,1,1,,az1,,,,,', '1,create,bb,2,2,2,1,,az1,,,,,']);
    const t = await parseColumnar(path, 'stop');
    expect(columnarBytes(t)).toBe(2 * FIXED_BYTES_PER_ROW + 3 + 3 + 2 * 4);
  });
});

describe('columnar trace: a replay cannot tell it from the CSV', () => {
  it('gives the same decisions and counts on generated traces (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 3, max: 40 }),
        async (seed, hosts) => {
          const dir = tempDir();
          const o = { ...DEFAULT_GENERATOR_OPTIONS, rows: 400, hosts, seed, meanLifetime: 200 };
          writeGeneratedCluster(o, join(dir, 'c.json'));
          generateTrace(o, join(dir, 't.csv'));
          const spec = loadCluster(join(dir, 'c.json'));
          const names = spec.hosts.map((h) => h.name);
          const run = async (source: RowSource) => {
            const log = new OutcomeLog(names);
            const r = await replay(spec, source, {
              strategy: filterStrategy,
              // Every filter and weigher, so every column (hints, specs, groups, zones) matters.
              strategyOptions: filterStrategy.optionsSchema.parse({
                filters: [...BUILTIN_PLUGINS.filters.keys()],
                weighers: [...BUILTIN_PLUGINS.weighers.keys()],
                host_subset_size: 2,
              }),
              seed,
              maxAttempts: 3,
              onBadRow: 'skip',
              observers: [log],
            });
            return { outcomes: log.outcomes, result: counts(r.result) };
          };
          const shared = await parseColumnar(join(dir, 't.csv'), 'skip');
          expect(await run(new ColumnarTraceSource(shared))).toEqual(
            await run(new CsvTraceSource(join(dir, 't.csv'))),
          );
        },
      ),
      { numRuns: 12 },
    );
  });

  it('rows the replay rejects become bad rows in both (skip mode)', async () => {
    const spec = loadCluster(
      traceFileJson({ hosts: [{ name: 'h1', vcpus: 4, memory_mb: 4096, disk_gb: 10 }] }),
    );
    const path = traceFile([
      'time,id,vcpus,memory_mb,group,group_policy',
      '5,a,1,1,,',
      '4,b,1,1,,', // time goes back
      '6,a,1,1,,', // a is still live
      '7,c,1,1,g,affinity',
      '8,d,1,1,g,anti-affinity', // g is affinity
    ]);
    const run = async (source: RowSource) =>
      counts(
        (
          await replay(spec, source, {
            strategy: filterStrategy,
            strategyOptions: filterStrategy.optionsSchema.parse({}),
            seed: 0,
            maxAttempts: 3,
            onBadRow: 'skip',
          })
        ).result,
      );
    const streamed = await run(new CsvTraceSource(path));
    const shared = await run(new ColumnarTraceSource(await parseColumnar(path, 'skip')));
    expect(streamed.badRowsSkipped).toBe(3);
    expect(shared.badRowSamples).toEqual(streamed.badRowSamples);
    expect(shared).toEqual(streamed);
  });
});

/** A replay's counts without its clocks. */
function counts(r: ReplayResult): ReplayResult {
  return { ...r, wallMs: 0, cpuMs: 0, manager: { ...r.manager, driverMs: 0 } };
}

function traceFileJson(obj: unknown): string {
  const path = join(tempDir(), 'cluster.json');
  writeFileSync(path, JSON.stringify(obj));
  return path;
}
