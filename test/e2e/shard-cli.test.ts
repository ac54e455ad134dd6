import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSummarySchema } from '../../src/report/run-files.ts';
import { reportSchema } from '../../src/report/schema.ts';
import { cli } from '../helpers/cli.ts';
import { generated, withoutTiming } from '../helpers/pool.ts';

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('schedbench run --shard K/N and schedbench merge', () => {
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
    '--placements',
    join(out, 'placements.csv'),
    '--quiet',
    ...extra,
  ];
  const all = () => runSummarySchema.parse(readJson(join(g.dir, 'all/run.json')));

  beforeAll(() => {
    for (const [out, extra] of [
      ['all', []],
      ['s1', ['--shard', '1/3']],
      ['s2', ['--shard', '2/3']],
      ['s3', ['--shard', '3/3']],
    ] as const) {
      const res = cli(args(out, ...extra), g.dir);
      expect(res.code, res.stderr).toBe(0);
    }
  }, 120_000);

  it('three shards run every cell of the matrix exactly once, each as the unsharded run does', () => {
    const whole = all();
    expect(whole.shard).toBeNull();
    const names = whole.cells.map((c) => c.name).sort();
    expect(names).toHaveLength(3); // first-fit ignores the weigher sweep: one cell

    const seen: string[] = [];
    for (const k of [1, 2, 3]) {
      const s = runSummarySchema.parse(readJson(join(g.dir, `s${k}/run.json`)));
      expect(s.shard).toEqual({ index: k, count: 3 });
      // Every shard lists the whole matrix, with the same assignment and the same inputs.
      expect(s.matrix.map((c) => c.name).sort()).toEqual(names);
      expect(s.matrix.filter((c) => c.shard === k).map((c) => c.name)).toEqual(s.cells.map((c) => c.name));
      expect(s.inputs).toEqual(whole.inputs);
      for (const c of s.cells) {
        seen.push(c.name);
        const mine = reportSchema.parse(readJson(join(g.dir, `s${k}`, c.report!)));
        const ref = reportSchema.parse(readJson(join(g.dir, 'all', `${c.name}.json`)));
        expect(withoutTiming(mine)).toEqual(withoutTiming(ref));
      }
    }
    expect(seen.sort()).toEqual(names);
  });

  it('merge makes one run folder equal to the unsharded run, which still reads after a move', () => {
    const res = cli(['merge', 's3', 's1', 's2', '--out', 'merged', '--quiet'], g.dir);
    expect(res.code, res.stderr).toBe(0);
    const whole = all();
    const m = runSummarySchema.parse(readJson(join(g.dir, 'merged/run.json')));
    expect([m.shard, m.merged_shards, m.status, m.counts]).toEqual([
      null,
      [1, 2, 3],
      'ok',
      { cells: 3, ok: 3, failed: 0, cancelled: 0 },
    ]);
    expect(m.matrix).toEqual(whole.matrix.map((c) => ({ ...c, shard: m.matrix[c.index].shard })));
    expect(m.cells.map((c) => c.name)).toEqual(whole.cells.map((c) => c.name));
    // Moved elsewhere, the merged folder's relative paths still lead to every report and CSV.
    copyDir(join(g.dir, 'merged'), join(g.dir, 'moved'));
    for (const c of m.cells) {
      const ref = reportSchema.parse(readJson(join(g.dir, 'all', `${c.name}.json`)));
      const merged = reportSchema.parse(readJson(join(g.dir, 'moved', c.report!)));
      expect(withoutTiming(merged)).toEqual(withoutTiming(ref));
      expect(readFileSync(join(g.dir, 'moved', c.placements!), 'utf8')).toBe(
        readFileSync(join(g.dir, 'all', `placements.${c.name}.csv`), 'utf8'),
      );
    }
    for (const f of ['summary.md', 'timeseries.csv', 'report.html'])
      expect(existsSync(join(g.dir, 'merged', f)), f).toBe(true);
    // The merged folder is what a gate reads.
    writeFileSync(join(g.dir, 'gate.yaml'), "strategies:\n  '*':\n    contract_mismatches: '<= 0'\n");
    expect(cli(['check', '--thresholds', 'gate.yaml', 'moved'], g.dir).code).toBe(0);
    writeFileSync(join(g.dir, 'fails.yaml'), "strategies:\n  '*':\n    instances: '<= 1'\n");
    expect(cli(['check', '--thresholds', 'fails.yaml', 'moved'], g.dir).code).toBe(1);
  });

  it('merge names the missing cell and its shard, and refuses a shard given twice (exit 2)', () => {
    const missing = cli(['merge', 's1', 's3', '--out', 'partial'], g.dir);
    expect(missing.code).toBe(2);
    const s2 = runSummarySchema.parse(readJson(join(g.dir, 's2/run.json')));
    for (const c of s2.cells) expect(missing.stderr).toContain(`${c.name} (shard 2/3)`);
    expect(missing.stderr).toContain('no folder given for shard 2/3');
    expect(existsSync(join(g.dir, 'partial/run.json'))).toBe(false);

    const twice = cli(['merge', 's1', 's2', 's3', 's2', '--out', 'twice'], g.dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard 2/3 given twice');
  });

  it('merge refuses shards of different inputs, naming the field, and never writes into a shard', () => {
    // Shard 2 again on a cluster with one host changed: same matrix, another cluster.
    const cluster = readJson(g.cluster) as { hosts: { memory_mb: number }[] };
    cluster.hosts[0].memory_mb += 1024;
    writeFileSync(join(g.dir, 'other-cluster.json'), JSON.stringify(cluster));
    const run = args('s2-other', '--shard', '2/3');
    run[run.indexOf(g.cluster)] = join(g.dir, 'other-cluster.json');
    expect(cli(run, g.dir).code).toBe(0);
    const mixed = cli(['merge', 's1', 's2-other', 's3', '--out', 'mixed'], g.dir);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/s2-other\/run\.json: inputs\.cluster\.sha256: differs from s1\/run\.json/);

    // Shards of another split (N=2) do not merge with these.
    expect(cli(args('h1', '--shard', '1/2'), g.dir).code).toBe(0);
    const split = cli(['merge', 's1', 'h1', '--out', 'split'], g.dir);
    expect(split.code).toBe(2);
    expect(split.stderr).toContain('shards of different splits');

    // A folder holding another run's reports would mix them into the merged set when read.
    mkdirSync(join(g.dir, 'stale'));
    writeFileSync(join(g.dir, 'stale/old-cell.json'), '{}');
    const stray = cli(['merge', 's1', 's2', 's3', '--out', 'stale'], g.dir);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('JSON file(s) this merge does not write');

    const before = readFileSync(join(g.dir, 's1/run.json'), 'utf8');
    const into = cli(['merge', 's1', 's2', 's3', '--out', 's1'], g.dir);
    expect(into.code).toBe(2);
    expect(into.stderr).toContain('refusing to overwrite an input');
    expect(readFileSync(join(g.dir, 's1/run.json'), 'utf8')).toBe(before);
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

function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
}
