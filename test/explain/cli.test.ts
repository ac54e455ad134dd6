// The explain command and run --explain end to end (the CLI binary): the answer, the NDJSON file
// and the report section; bad input is one line and exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliInProcess } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';

const ROOT = join(import.meta.dirname, '../..');

function inputs() {
  const dir = tempDir();
  const cluster = join(dir, 'cluster.json');
  const trace = join(dir, 'trace.csv');
  // Ratios 1, no reservation: h1 4096 MB, h2 8192 MB (4 vCPUs each).
  writeFileSync(
    cluster,
    JSON.stringify({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'h1', vcpus: 4, memory_mb: 4096, disk_gb: 10 },
        { name: 'h2', vcpus: 4, memory_mb: 8192, disk_gb: 10 },
      ],
    }),
  );
  // a → h2 (more free RAM); b (6144 MB) → h1 is too small, h2 has 4096 left: NoValidHost by RamFilter;
  // c (16384 MB) fits no host even empty.
  writeFileSync(
    trace,
    [
      'time,event,id,vcpus,memory_mb,disk_gb',
      '0,create,a,1,4096,0',
      '1,create,b,1,6144,0',
      '2,create,c,1,16384,0',
      '',
    ].join('\n'),
  );
  return { dir, cluster, trace };
}

describe('schedbench explain', () => {
  it('explains one decision by --seq and by --id', () => {
    const { cluster, trace } = inputs();
    const bySeq = cli(['explain', '--cluster', cluster, '--trace', trace, '--seq', '1'], ROOT);
    expect(bySeq.code).toBe(0);
    expect(bySeq.stdout).toContain('instance a');
    // RAMWeigher, minval 0: h1 4096/8192 = 0.5, h2 1.
    expect(bySeq.stdout).toContain('RAMWeigher: 4,096 → 0.5 × 1 = 0.5');
    expect(bySeq.stdout).toContain('chosen: h2 (rank 1)');
    const byId = cli(['explain', '--cluster', cluster, '--trace', trace, '--id', 'b', '--json'], ROOT);
    expect(byId.code).toBe(0);
    const rec = JSON.parse(byId.stdout.trim());
    expect(rec.outcome).toBe('no-valid-host');
    expect(rec.no_valid_host.emptied_by).toBe('RamFilter');
    // 6144 MB asked: h1 has 4096 in all, h2 4096 left; both 2048 short: the tie goes to h1 (lower).
    expect(rec.no_valid_host.nearest_miss).toEqual({
      host: 'h1',
      short: { ram_mb: 2048, vcpus: 0, disk_gb: 0, gpus: 0 },
    });
    expect(rec.no_valid_host.fits_empty_cluster).toBe(true);
  });

  it('--novalidhost lists each NoValidHost, the impossible one said so', () => {
    const { cluster, trace } = inputs();
    const r = cli(['explain', '--cluster', cluster, '--trace', trace, '--novalidhost'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('instance b');
    expect(r.stdout).toContain('instance c');
    expect(r.stdout).toContain('it would not fit even on the empty cluster');
  });

  it('bad input: one line, exit 2', async () => {
    const { cluster, trace } = inputs();
    const cases = [['--id', 'nobody'], ['--seq', '4'], ['--seq', '0'], ['--seq', '1', '--id', 'a'], []];
    for (const extra of cases) {
      const r = await cliInProcess(['explain', '--cluster', cluster, '--trace', trace, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr, extra.join(' ')).toMatch(/^schedbench: [^\n]+\n$/);
    }
    const missing = await cliInProcess([
      'explain',
      '--cluster',
      cluster,
      '--trace',
      `${trace}.missing`,
      '--seq',
      '1',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^schedbench: [^\n]*trace\.csv\.missing[^\n]*\n$/);
    expect(
      (await cliInProcess(['explain', '--cluster', cluster, '--trace', trace, '--seq', '4'])).stderr,
    ).toContain('out of range: the replay has 3 instance outcome(s)');
  });
});

describe('run --explain', () => {
  it('writes one record per decision, and the report gains the funnel and the causes', () => {
    const { dir, cluster, trace } = inputs();
    const file = join(dir, 'explain.ndjson');
    const out = join(dir, 'out');
    const r = cli(
      ['run', '--cluster', cluster, '--trace', trace, '--explain', file, '--out', out, '--quiet'],
      ROOT,
    );
    expect(r.code, r.stderr).toBe(0);
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((x) => [x.instance_id, x.outcome, x.host])).toEqual([
      ['a', 'placed', 'h2'],
      ['b', 'no-valid-host', null],
      ['c', 'no-valid-host', null],
    ]);
    const report = JSON.parse(readFileSync(join(out, 'filter.json'), 'utf8'));
    expect(report.explain.no_valid_host_causes).toEqual({
      by_filter: [{ filter: 'RamFilter', instances: 2 }],
      by_resource: { ram: 2, vcpus: 0, disk: 0, gpus: 0, other: 0 },
      impossible_on_empty_cluster: 1,
      capacity: 1,
    });
    // RamFilter saw 2 hosts in each of the 3 decisions: 6 in; out 2 (a) + 0 + 0.
    const ram = report.explain.funnel.steps.find((s: { filter: string }) => s.filter === 'RamFilter');
    expect(ram).toEqual({ filter: 'RamFilter', decisions: 3, hosts_in: 6, hosts_out: 2, emptied: 2 });
    expect(report.explain.funnel).toMatchObject({ decisions: 3, every: 1, sampled: false });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(
      '1 impossible even on an empty cluster, 1 capacity',
    );
  });

  it('--explain-every 2 writes every 2nd decision and every NoValidHost; without --explain the funnel is sampled', () => {
    const { dir, cluster, trace } = inputs();
    const file = join(dir, 'every.ndjson');
    const out = join(dir, 'out');
    expect(
      cli(
        [
          'run',
          '--cluster',
          cluster,
          '--trace',
          trace,
          '--explain',
          file,
          '--explain-every',
          '2',
          '--out',
          out,
          '--quiet',
        ],
        ROOT,
      ).code,
    ).toBe(0);
    // Decision 1 (a, placed) is not a multiple of 2; b and c are NoValidHost.
    const ids = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).instance_id);
    expect(ids).toEqual(['b', 'c']);
    const plainOut = join(dir, 'plain');
    expect(
      cli(['run', '--cluster', cluster, '--trace', trace, '--out', plainOut, '--quiet'], ROOT).code,
    ).toBe(0);
    const report = JSON.parse(readFileSync(join(plainOut, 'filter.json'), 'utf8'));
    // 2 hosts: 1 decision in 128 sampled, from decision 1 (a): RamFilter 2 → 2.
    expect(report.explain.funnel).toMatchObject({ decisions: 1, every: 128, sampled: true });
    const ram = report.explain.funnel.steps.find((s: { filter: string }) => s.filter === 'RamFilter');
    expect(ram).toEqual({ filter: 'RamFilter', decisions: 1, hosts_in: 2, hosts_out: 2, emptied: 0 });
    expect(report.explain.funnel_missing).toBeNull();
    expect(readFileSync(join(plainOut, 'summary.md'), 'utf8')).toContain(
      'sampled funnel over 1 decisions (1 in 128)',
    );
    expect(report.explain.no_valid_host_causes.capacity).toBe(1);
    const lonely = cli(
      ['run', '--cluster', cluster, '--trace', trace, '--explain-every', '2', '--out', plainOut],
      ROOT,
    );
    expect(lonely.code).toBe(2);
  });
});

describe('explanations and scoped flags read as the reports do', () => {
  it('numbers with thousands separators', () => {
    const dir = tempDir();
    const cluster = join(dir, 'cluster.json');
    const trace = join(dir, 'trace.csv');
    writeFileSync(
      cluster,
      JSON.stringify({
        allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
        reserved: { memory_mb: 0, disk_gb: 0 },
        hosts: [
          { name: 'h1', vcpus: 4, memory_mb: 16384, disk_gb: 10 },
          { name: 'h2', vcpus: 4, memory_mb: 20480, disk_gb: 10 },
        ],
      }),
    );
    writeFileSync(trace, 'time,event,id,vcpus,memory_mb,disk_gb\n0,create,a,1,12288,0\n');
    const r = cli(['explain', '--cluster', cluster, '--trace', trace, '--seq', '1'], ROOT);
    expect(r.code, r.stderr).toBe(0);
    // RAMWeigher, minval 0: h2 20,480 / 20,480 = 1, h1 16,384 / 20,480 = 0.8.
    expect(r.stdout).toContain('asks 1 vCPU, 12,288 MB RAM, 0 GB disk');
    expect(r.stdout).toContain('RAMWeigher: 20,480 → 1 × 1 = 1');
    expect(r.stdout).toContain('RAMWeigher: 16,384 → 0.8 × 1 = 0.8');
  });

  it('--set filter.nope=1 names filter.nope, exits 2 and points at --help', () => {
    const { cluster, trace, dir } = inputs();
    const r = cli(
      ['run', '--cluster', cluster, '--trace', trace, '--set', 'filter.nope=1', '--out', join(dir, 'o')],
      ROOT,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'schedbench: --set filter.nope: unknown option "nope" for strategy filter; see `schedbench strategies` (or --help)',
    );
  });
});

describe('the sampled funnel across workers', () => {
  it('the same funnel with 1 worker and with 2', () => {
    const { dir, cluster, trace } = inputs();
    const funnels = [1, 2].map((workers) => {
      const out = join(dir, `w${workers}`);
      const args = ['run', '--cluster', cluster, '--trace', trace, '--seed', '1,2', '--out', out, '--quiet'];
      const r = cli([...args, '--workers', String(workers)], ROOT);
      expect(r.code, r.stderr).toBe(0);
      return ['filter__seed=1', 'filter__seed=2'].map(
        (name) => JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')).explain.funnel,
      );
    });
    expect(funnels[0][0].decisions).toBe(1);
    expect(funnels[1]).toEqual(funnels[0]);
  });
});
