// Azure vmtable adapter on a hand-made sample (test/fixtures/azure/): expected values by hand.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { convertTrace } from '../../src/trace/convert.ts';
import { NO_TRANSFORMS } from '../../src/trace/transforms/options.ts';
import { cli, cliInProcess } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';
import { FIXTURES } from '../helpers/shared-traces.ts';

const SAMPLE = join(FIXTURES, 'azure/vmtable.sample.csv');

describe('azure vmtable', () => {
  it('maps buckets, lifetimes and deployments; synthesises a cluster for the peak', async () => {
    const dir = tempDir();
    const s = await convertTrace({
      format: 'azure',
      inputs: [SAMPLE],
      out: join(dir, 't.csv'),
      clusterOut: join(dir, 'c.json'),
      cluster: undefined,
      transforms: NO_TRANSFORMS,
    });
    const rows = parse(readFileSync(join(dir, 't.csv')), { columns: true }) as Record<string, string>[];
    const pick = (r: Record<string, string>) => [
      r.id,
      r.time,
      r.vcpus,
      r.memory_mb,
      r.duration,
      r.group,
      r.group_policy,
    ];
    expect(rows.map(pick)).toEqual([
      ['vm1', '0', '2', '4096', '3600', 'd1', 'soft-anti-affinity'],
      ['vm2', '300', '4', '8192', '2400', 'd1', 'soft-anti-affinity'],
      // >24 cores -> 48, >64 GB -> 128 GB; no vmdeleted: lives to the end
      ['vm3', '600', '48', '131072', '', 'd2', 'soft-anti-affinity'],
      ['vm4', '1200', '8', '32768', '300', '', ''],
      // 0.75 GB -> ceil(768) MB
      ['vm5', '3600', '24', '768', '3600', 'd3', 'soft-anti-affinity'],
    ]);
    // Live vCPUs: 2, 6, 54, 62 (t=1200), 54, 50, then at 3600 vm1 leaves (48) and vm5 arrives: 72.
    // 72 / 64 -> 2 hosts; memory peaks at 176,128 MB (t=1200), under one 512 GB host.
    const cluster = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    expect(s.hosts).toBe(2);
    expect(cluster.hosts).toEqual([
      { name: 'azure-0001', vcpus: 64, memory_mb: 524288, disk_gb: 0, gpus: 0, gpu_model: '' },
      { name: 'azure-0002', vcpus: 64, memory_mb: 524288, disk_gb: 0, gpus: 0, gpu_model: '' },
    ]);
  });

  it('the converted trace and cluster run', () => {
    const dir = tempDir();
    expect(
      cli([
        'convert',
        '--from',
        'azure',
        SAMPLE,
        '--out',
        join(dir, 't.csv'),
        '--cluster-out',
        join(dir, 'c.json'),
      ]).code,
    ).toBe(0);
    const r = cli([
      'run',
      '--cluster',
      join(dir, 'c.json'),
      '--trace',
      join(dir, 't.csv'),
      '--out',
      join(dir, 'r'),
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r/filter.json'), 'utf8'));
    expect(report.placement.instances).toBe(5);
  });

  it('run --trace-format azure reads the vmtable directly; --on-bad-row skip counts a bad row', () => {
    const dir = tempDir();
    const vm = join(dir, 'vmtable.csv');
    writeFileSync(vm, `${readFileSync(SAMPLE, 'utf8')}vm6,s1,d1,7200,7300,1,1,1,Interactive,big,4\n`);
    const cluster = join(dir, 'c.json');
    writeFileSync(
      cluster,
      JSON.stringify({ hosts: [{ name: 'h1', vcpus: 128, memory_mb: 1048576, disk_gb: 0 }] }),
    );
    const r = cli([
      'run',
      '--trace-format',
      'azure',
      '--cluster',
      cluster,
      '--trace',
      vm,
      '--on-bad-row',
      'skip',
      '--out',
      join(dir, 'r'),
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r/filter.json'), 'utf8'));
    expect(report.placement.instances).toBe(5);
    expect(report.placement.bad_rows_skipped).toBe(1);
    expect(report.placement.bad_row_samples[0]).toBe(
      `${vm}:6: vmcorecountbucket: expected a bucket (a number or >N), got "big"`,
    );
  });

  it('a bad bucket names file, line and field (exit 2)', () => {
    const dir = tempDir();
    const bad = join(dir, 'vmtable.csv');
    writeFileSync(bad, `${readFileSync(SAMPLE, 'utf8')}vm6,s1,d1,7200,7300,1,1,1,Interactive,big,4\n`);
    const r = cli(['convert', '--from', 'azure', bad, '--out', join(dir, 't.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `schedbench: ${bad}:6: vmcorecountbucket: expected a bucket (a number or >N), got "big"\n`,
    );
  });

  describe('values run would refuse are bad rows, in convert and in run --trace-format azure alike', () => {
    const cluster = (dir: string) => {
      const path = join(dir, 'c.json');
      writeFileSync(
        path,
        JSON.stringify({ hosts: [{ name: 'h1', vcpus: 128, memory_mb: 1048576, disk_gb: 0 }] }),
      );
      return path;
    };

    it.each([
      [
        'v1,s1,d1,0,1e13,1,1,1,Interactive,2,4',
        'vmdeleted: "1e13" is 10000000000000 s after vmcreated 0: a lifetime above 1,000,000,000,000 seconds, the limit of a trace duration',
      ],
      [
        'v1,s1,d1,2e12,,1,1,1,Interactive,2,4',
        'vmcreated: expected at most 1,000,000,000,000 seconds, got "2e12"',
      ],
      [
        'v1,s1,d1,0,100,1,1,1,Interactive,1e13,4',
        'vmcorecountbucket: "1e13" is 10000000000000 vCPUs, above 1,000,000,000,000, the limit of a trace size',
      ],
      [
        'v1,s1,d1,0,100,1,1,1,Interactive,2,>1e300',
        'vmmemorybucket: ">1e300" is 2.048e+303 MB, above 1,000,000,000,000, the limit of a trace size',
      ],
    ])('%s', async (row, reason) => {
      const dir = tempDir();
      const vm = join(dir, 'vmtable.csv');
      writeFileSync(vm, `${row}\n`);
      const out = join(dir, 't.csv');
      const c = await cliInProcess([
        'convert',
        '--from',
        'azure',
        vm,
        '--out',
        out,
        '--cluster-out',
        join(dir, 'o.json'),
      ]);
      expect(c.code).toBe(2);
      expect(c.stderr).toBe(`schedbench: ${vm}:1: ${reason}\n`);
      const r = await cliInProcess([
        'run',
        '--trace-format',
        'azure',
        '--cluster',
        cluster(dir),
        '--trace',
        vm,
        '--out',
        join(dir, 'r'),
        '--quiet',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`schedbench: ${vm}:1: ${reason}\n`);
      expect(readdirSync(dir).sort()).toEqual(['c.json', 'vmtable.csv']);
    });

    it('a lifetime of exactly the limit converts, and run reads the converted trace back', async () => {
      const dir = tempDir();
      const vm = join(dir, 'vmtable.csv');
      writeFileSync(vm, 'v1,s1,d1,5e11,1.5e12,1,1,1,Interactive,2,4\n');
      const out = join(dir, 't.csv');
      const c = await cliInProcess(['convert', '--from', 'azure', vm, '--out', out]);
      expect(c.code, c.stderr).toBe(0);
      const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
      expect(rows.map((x) => [x.time, x.duration])).toEqual([['500000000000', '1000000000000']]);
      const r = await cliInProcess([
        'run',
        '--cluster',
        cluster(dir),
        '--trace',
        out,
        '--out',
        join(dir, 'r'),
        '--quiet',
      ]);
      expect(r.code, r.stderr).toBe(0);
    });

    it('a synthesised cluster of more hosts than a cluster may have is refused (exit 2), not a crash', async () => {
      const dir = tempDir();
      const vm = join(dir, 'vmtable.csv');
      writeFileSync(vm, 'v1,s1,d1,0,100,1,1,1,Interactive,1e12,4\n');
      const c = await cliInProcess(['convert', '--from', 'azure', vm, '--out', join(dir, 't.csv')]);
      expect(c.code).toBe(2);
      expect(c.stderr).toBe(
        'schedbench: convert --from azure: the peak demand (1000000000000 vCPUs, 4096 MB) needs 15625000000 hosts of 64 vCPUs and 524288 MB, above the limit of 1,000,000 hosts\n',
      );
      expect(readdirSync(dir)).toEqual(['vmtable.csv']);
    });
  });
});
