// `capacity` on a cluster with GPUs: the answer carries the GPUs of the hosts it needs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityReportSchema } from '../../src/report/run-files.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/replay.ts';

describe('schedbench capacity with GPUs', () => {
  it('three 1-GPU instances need hosts with 3 GPUs: 2 of h1 (2 GPUs), h2 (1), h3 (4)', () => {
    const dir = tempDir();
    const host = (name: string, gpus: number) => ({ name, vcpus: 8, memory_mb: 8192, disk_gb: 10, gpus });
    writeFileSync(
      join(dir, 'cluster.json'),
      JSON.stringify({ hosts: [host('h1', 2), host('h2', 1), host('h3', 4)] }),
    );
    writeFileSync(join(dir, 'trace.csv'), 'time,id,vcpus,memory_mb,gpus\n0,a,1,1,1\n1,b,1,1,1\n2,c,1,1,1\n');
    const res = cli(
      ['capacity', '--cluster', 'cluster.json', '--trace', 'trace.csv', '--workers', '1', '--out', 'out'],
      dir,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = capacityReportSchema.parse(
      JSON.parse(readFileSync(join(dir, 'out/capacity.json'), 'utf8')),
    );
    expect(report.total_gpus).toBe(7);
    const [s] = report.strategies;
    expect([s.hosts, s.gpus]).toEqual([2, 3]);
    // One host (2 GPUs) places 2 of 3: GPU allocation rate 2/3.
    const one = s.probes.find((p) => p.hosts === 1)!;
    expect([one.gpus, one.no_valid_host]).toEqual([2, 1]);
    expect(one.gpu_allocation_rate).toBeCloseTo(2 / 3, 12);
    // The console table has the GPU columns: 3 GPUs of 7, NVH 0% (1 of 3 at one host), all GPUs placed.
    const [head, , row] = res.stdout.split('\n');
    expect(head.split(/\s{2,}/).slice(0, 9)).toEqual([
      'strategy',
      'hosts',
      'of',
      'GPUs',
      'of',
      'NVH rate',
      'NVH rate at hosts-1',
      'GPU alloc rate',
      'probes',
    ]);
    expect(row.split(/\s+/).slice(0, 8)).toEqual([
      'filter',
      '2',
      '3',
      '3',
      '7',
      '0.00%',
      '33.33%',
      '100.00%',
    ]);
  });
});
