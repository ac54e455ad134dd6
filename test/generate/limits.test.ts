// `generate` writes only traces `run` reads: a flag that would put a time or a duration above the
// trace limit (MAX_TRACE_SECONDS) is refused naming it, and a drawn value above it stops the
// generator (exit 2) before it is written; nothing is left behind either way.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TRACE_SECONDS } from '../../src/common/limits.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { cliInProcess } from '../helpers/cli.ts';
import { tmp } from './support.ts';

const LIMIT = 'the trace limit of 1,000,000,000,000 s';

async function generate(...flags: string[]) {
  const dir = tmp();
  const r = await cliInProcess(['generate', '--hosts', '2', '--out', join(dir, 'g'), ...flags]);
  return { ...r, dir, trace: join(dir, 'g-trace.csv'), files: readdirSync(dir) };
}

describe('generate: times and durations within the trace limit', () => {
  it.each([
    [['--rate', '1e-300'], `--rate 1e-300: a mean gap of ${1 / 1e-300} s between arrivals is above ${LIMIT}`],
    [['--mean-gap', '1e13'], '--mean-gap: Too big: expected number to be <=1000000000000'],
    [['--mean-lifetime', '1e300'], '--mean-lifetime: Too big: expected number to be <=1000000000000'],
    [
      ['--target-load', '1e-20'],
      /^--target-load 1e-20: needs a mean gap of [\d.e+]+ s between arrivals, above the trace limit/,
    ],
  ] as const)('%j is refused naming the flag', async (flags, message) => {
    const r = await generate('--rows', '5', ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const line = r.stderr.replace(/^schedbench: /, '').trimEnd();
    if (typeof message === 'string') expect(line).toBe(message);
    else expect(line).toMatch(message);
    expect(r.files).toEqual([]);
  });

  it.each([
    [
      'an arrival (--mean-gap 1e11)',
      ['--rows', '5', '--mean-gap', '1e11'],
      `row 1 would arrive at 1790317576814.518 s, after ${LIMIT}: give fewer --rows or more arrivals per second (--rate, --mean-gap, --target-load)`,
    ],
    [
      'a duration (--mean-lifetime 1e12)',
      ['--rows', '2000', '--mean-lifetime', '1e12'],
      `row 3: a duration of 1272554386051 s was drawn, above ${LIMIT}: give a shorter --mean-lifetime`,
    ],
    [
      'a delete row (--delete-row-share 1)',
      [
        ...['--rows', '300', '--mean-gap', '1e10', '--mean-lifetime', '3e11'],
        ...['--lifetime', 'fixed', '--delete-row-share', '1'],
      ],
      `row 143, the delete row of i57, would come at 1000419495232.393 s, after ${LIMIT}: give a shorter --mean-lifetime`,
    ],
  ])(
    '%s past the limit stops the generator: exit 2, one line, no trace, no cluster',
    async (_, flags, line) => {
      const r = await generate(...flags);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`schedbench: ${line}\n`);
      expect(r.files).toEqual([]);
    },
  );

  it('a trace close to the limits is written whole and every row decodes as run reads it', async () => {
    const r = await generate('--rows', '200', '--mean-gap', '4e9', '--mean-lifetime', '1e11');
    expect(r.code, r.stderr).toBe(0);
    let rows = 0;
    let latest = 0;
    const bad: string[] = [];
    await new CsvTraceSource(r.trace).read({
      row(row) {
        rows++;
        latest = Math.max(latest, row.time + (Number.isNaN(row.duration) ? 0 : row.duration));
      },
      badRow(err) {
        bad.push(err.message);
      },
    });
    expect(bad).toEqual([]);
    expect(rows).toBe(200);
    // Close to the limit indeed: the last arrivals are within a factor 2 of it.
    expect(latest).toBeGreaterThan(MAX_TRACE_SECONDS / 2);
  });
});
