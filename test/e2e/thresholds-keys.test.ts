// User-named keys of a thresholds file are taken as written, `__proto__` included: a strategy or
// metric named so is checked like any other name (no report of it, unknown metric), never dropped
// so that the gate passes on the bounds left.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { generated } from '../helpers/pool.ts';

let stderr = '';
afterEach(() => vi.restoreAllMocks());
function mute() {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
}

let dir: string;
let report: string;
beforeAll(async () => {
  const g = generated(200, 8);
  dir = g.dir;
  mute();
  expect(
    await main(['run', '--cluster', g.cluster, '--trace', g.trace, '--out', join(dir, 'r'), '--quiet']),
  ).toBe(0);
  vi.restoreAllMocks();
  report = join(dir, 'r', 'filter.json');
});

async function check(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  mute();
  const code = await main(['check', '--thresholds', path, report]);
  return { code, stderr, path };
}

describe('__proto__ in a thresholds file', () => {
  it.each([
    [
      't1.yaml',
      'strategies:\n  filter: {novalidhost_rate: "<= 0.5"}\n  __proto__: {novalidhost_rate: "<= 0.0"}\n',
      3,
    ],
    [
      't1.json',
      '{"strategies": {"filter": {"novalidhost_rate": "<= 0.5"},\n "__proto__": {"novalidhost_rate": "<= 0.0"}}}\n',
      2,
    ],
  ])('as a strategy key (%s): exit 2, no report is of strategy "__proto__"', async (name, text, line) => {
    const r = await check(name, text);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `schedbench: ${r.path}:${line}: strategies.__proto__: no report is of strategy "__proto__" (the reports are of: filter)\n`,
    );
  });

  it.each([
    ['m1.yaml', 'strategies:\n  filter:\n    novalidhost_rate: "<= 0.5"\n    __proto__: "<= 0"\n'],
    ['m1.json', '{"strategies": {"filter": {"novalidhost_rate": "<= 0.5", "__proto__": "<= 0"}}}\n'],
  ])('as a metric key (%s): exit 2, unknown metric', async (name, text) => {
    const r = await check(name, text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^schedbench: ${r.path}:\\d+: strategies\\.filter\\.__proto__: unknown metric "__proto__" \\((did you mean [^?]*\\? )?every id: schedbench metrics\\)`,
      ),
    );
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('as a top-level key: unknown key', async () => {
    const r = await check(
      'top.json',
      '{"strategies": {"filter": {"novalidhost_rate": "<= 0.5"}}, "__proto__": {}}\n',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`schedbench: ${r.path}:1: __proto__: unknown key (expected strategies, timing)\n`);
  });

  it('the same file without the __proto__ entry passes (the bound holds)', async () => {
    const r = await check('ok.yaml', 'strategies:\n  filter: {novalidhost_rate: "<= 1"}\n');
    expect([r.code, r.stderr]).toEqual([0, '']);
  });
});
