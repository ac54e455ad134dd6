import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSummarySchema } from '../../src/report/run-files.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { cli } from '../helpers/cli.ts';
import { generated, withoutTiming } from '../helpers/pool.ts';

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('schedbench run --shard K/N', () => {
  const g = generated(1200, 12);
  const args = (out: string, ...extra: string[]) => [
    'run',
    '--cluster',
    g.cluster,
    '--trace',
    g.trace,
    '--strategy',
    'filter,first-fit',
    '--sweep',
    'ram_weight_multiplier=1|-1',
    '--workers',
    '1',
    '--out',
    out,
    '--quiet',
    ...extra,
  ];

  it('three shards run every cell of the matrix exactly once, each as the unsharded run does', () => {
    expect(cli(args('all'), g.dir).code).toBe(0);
    const all = runSummarySchema.parse(readJson(join(g.dir, 'all/run.json')));
    expect(all.shard).toBeNull();
    const names = all.cells.map((c) => c.name).sort();
    expect(names).toHaveLength(3); // first-fit ignores the weigher sweep: one cell

    const seen: string[] = [];
    for (const k of [1, 2, 3]) {
      const res = cli(args(`s${k}`, '--shard', `${k}/3`), g.dir);
      expect(res.code).toBe(0);
      const s = runSummarySchema.parse(readJson(join(g.dir, `s${k}/run.json`)));
      expect(s.shard).toEqual({ index: k, count: 3 });
      // Every shard lists the whole matrix, with the same assignment and the same inputs.
      expect(s.matrix.map((c) => c.name).sort()).toEqual(names);
      expect(s.matrix.filter((c) => c.shard === k).map((c) => c.name)).toEqual(s.cells.map((c) => c.name));
      expect(s.inputs).toEqual(all.inputs);
      for (const c of s.cells) {
        seen.push(c.name);
        const mine = reportSchema.parse(readJson(join(g.dir, `s${k}`, c.report!)));
        const whole = reportSchema.parse(readJson(join(g.dir, 'all', `${c.name}.json`)));
        expect(withoutTiming(mine)).toEqual(withoutTiming(whole));
      }
    }
    expect(seen.sort()).toEqual(names);
  });

  it('more shards than cells: a shard left no cell says so and exits 0; a bad K/N exits 2', () => {
    const res = cli(args('empty', '--shard', '5/5'), g.dir);
    expect(res.code).toBe(0);
    const s = runSummarySchema.parse(readJson(join(g.dir, 'empty/run.json')));
    expect([s.cells, s.shard, s.matrix.length]).toEqual([[], { index: 5, count: 5 }, 3]);
    const bad = cli(args('bad', '--shard', '4/3'), g.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shard expects K/N with 1 <= K <= N');
  });
});
