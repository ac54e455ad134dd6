// Azure vmtable adapter on a hand-made sample (test/fixtures/azure/): expected values by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { convertTrace } from '../../src/trace/convert.ts';
import { NO_TRANSFORMS } from '../../src/trace/transforms/options.ts';
import { cli } from '../helpers/cli.ts';
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
});
