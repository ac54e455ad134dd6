// Bad source rows: one line naming file, line and field, exit 2, and no output left behind.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';

const HEADER =
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';
const GOOD = 'p0,1000,1024,1,1000,,LS,Running,10,20,10';

async function convertPods(row: string, ...flags: string[]) {
  const dir = tempDir();
  const pods = join(dir, 'pods.csv');
  writeFileSync(pods, `${HEADER}\n${GOOD}\n${row}\n`);
  const out = join(dir, 'out', 't.csv');
  const r = await cliInProcess(['convert', '--from', 'openb', pods, '--out', out, ...flags]);
  return { ...r, pods, out, dir };
}

describe('convert: bad openb rows', () => {
  it.each([
    ['p1,abc,1024,0,0,,LS,Running,10,20,10', 'cpu_milli: expected a number of at least 0, got "abc"'],
    [
      'p1,1000,1024.5,0,0,,LS,Running,10,20,10',
      'memory_mib: expected an integer from 0 to 1000000000000, got "1024.5"',
    ],
    ['p1,1000,1024,2,500,,LS,Running,10,20,10', 'gpu_milli: a share (500) needs num_gpu 1, got 2'],
    ['p1,1000,1024,0,300,,LS,Running,10,20,10', 'gpu_milli: 300 with num_gpu 0'],
    ['p1,1000,1024,65,1000,,LS,Running,10,20,10', 'num_gpu: expected an integer from 0 to 64, got "65"'],
    ['p1,1000,1024,0,0,,LS,Running,30,25,30', 'deletion_time: 25 is before creation_time 30'],
    [
      'p1,1000,1024,0,0,,LS,Running,5,20,5',
      "creation_time: 5 is earlier than the previous row's 10: add --sort (or --shuffle) to reorder",
    ],
    ['p1,1000,1024,0', 'gpu_milli: missing: the row has 4 of the 11 fields'],
    [',1000,1024,0,0,,LS,Running,10,20,10', 'name: missing value'],
    // The bounds of a trace row (what run reads back): times, durations, sizes.
    [
      'p1,1000,1024,0,0,,LS,Running,2e12,,2e12',
      'creation_time: expected at most 1,000,000,000,000 seconds, got "2e12"',
    ],
    [
      'p1,1000,1024,0,0,,LS,Running,10,2000000000020,10',
      'deletion_time: "2000000000020" is 2000000000010 s after creation_time 10: a lifetime above 1,000,000,000,000 seconds, the limit of a trace duration',
    ],
    [
      'p1,1e16,1024,0,0,,LS,Running,10,20,10',
      'cpu_milli: "1e16" is 10000000000000 vCPUs, above 1,000,000,000,000, the limit of a trace size',
    ],
  ])('%s', async (row, reason) => {
    const r = await convertPods(row);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`schedbench: ${r.pods}:3: ${reason}\n`);
    expect(existsSync(r.out)).toBe(false);
    expect(readdirSync(join(r.dir, 'out'))).toEqual([]);
  });

  it('an out-of-order pod list converts with --sort, in time order', async () => {
    const r = await convertPods('p1,1000,1024,0,0,,LS,Running,5,20,5', '--sort');
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(r.out, 'utf8').trimEnd().split('\n').slice(1);
    expect(lines.map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['5,create,p1', '10,create,p0']);
  });

  it('a file that is no openb list is named', async () => {
    const dir = tempDir();
    const f = join(dir, 'x.csv');
    writeFileSync(f, 'a,b\n1,2\n');
    const r = await cliInProcess(['convert', '--from', 'openb', f, '--out', join(dir, 't.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^schedbench: ${f}:1: not an openb file`));
  });

  it('a delete row cannot be shuffled', async () => {
    const dir = tempDir();
    const t = join(dir, 'in.csv');
    writeFileSync(t, 'time,event,id,vcpus,memory_mb\n0,create,a,1,1\n1,delete,a,,\n');
    const r = await cliInProcess([
      'convert',
      '--from',
      'canonical',
      t,
      '--out',
      join(dir, 't.csv'),
      '--shuffle',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `schedbench: ${t}:3: event: a delete row cannot be reordered or resampled: add --no-departures, or give lifetimes as durations\n`,
    );
    const ok = await cliInProcess([
      'convert',
      '--from',
      'canonical',
      t,
      '--out',
      join(dir, 't.csv'),
      '--shuffle',
      '1',
      '--no-departures',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('the output may not overwrite an input', async () => {
    const r = await convertPods('p1,1000,1024,0,0,,LS,Running,10,20,10');
    const again = await cliInProcess(['convert', '--from', 'openb', r.pods, '--out', r.pods]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^schedbench: .*--out.*input|^schedbench: .*input.*--out/);
  });
});
