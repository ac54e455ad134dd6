import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityReportSchema } from '../../src/report/run-files.ts';
import { cli } from '../helpers/cli.ts';

// Two hosts of 4 vCPUs and 8 GiB (ratios 1, nothing reserved); five instances of 4 vCPUs and
// 4 GiB that all live past the last arrival. The cluster holds 2 (one per host, by vCPUs): 3 get
// NoValidHost. A shape of 8 vCPUs / 8 GiB holds 2 (8 / 4 vCPUs, 8192 / 4096 MiB), so the other 3
// need ceil(3 / 2) = 2 more hosts; with 1 more, 1 of 5 fails (rate 0.2).
function inputs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'schedbench-grow-'));
  const host = (name: string) => ({ name, vcpus: 4, memory_mb: 8192, disk_gb: 100 });
  writeFileSync(
    join(dir, 'cluster.json'),
    JSON.stringify({
      allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [host('a'), host('b')],
    }),
  );
  const rows = [0, 1, 2, 3, 4].map((t) => `${t},i${t},4,4096,10,1000`).join('\n');
  writeFileSync(join(dir, 'trace.csv'), `time,id,vcpus,memory_mb,disk_gb,duration\n${rows}\n`);
  return dir;
}

const run = (dir: string, ...extra: string[]) =>
  cli(
    [
      'capacity',
      '--cluster',
      'cluster.json',
      '--trace',
      'trace.csv',
      '--workers',
      '1',
      '--out',
      'out',
      ...extra,
    ],
    dir,
  );

const report = (dir: string) =>
  capacityReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out/capacity.json'), 'utf8')));

describe('capacity --grow-with', () => {
  it.each([
    [undefined, 2],
    ['0.2', 1], // 1 of 5 without a host: rate 0.2 <= 0.2
    ['0.6', 0], // 3 of 5: rate 0.6, the cluster as it is
  ])('--target %s: needs %i more hosts of the shape', (target, n) => {
    const dir = inputs();
    const res = run(
      dir,
      '--grow-with',
      'vcpus=8,memory_mb=8192,disk_gb=100',
      ...(target ? ['--target', target] : []),
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const r = report(dir);
    expect(r.grow_with).toMatchObject({ vcpus: 8, memory_mb: 8192, disk_gb: 100, gpus: 0 });
    const [s] = r.strategies;
    expect(s.added_hosts).toBe(n);
    expect(s.hosts).toBe(2 + n);
    // The rate with k more hosts: max(0, 3 - 2k) of 5 fail.
    const rate = (k: number) => s.probes.find((p) => p.hosts === 2 + k)?.no_valid_host_rate;
    expect(rate(n)).toBeCloseTo(Math.max(0, 3 - 2 * n) / 5, 12);
    if (n > 0) expect(rate(n - 1)).toBeCloseTo((3 - 2 * (n - 1)) / 5, 12);
    expect(res.stdout).toMatch(
      n === 0 ? /fits as it is/ : new RegExp(`needs ${n} more hosts? of this shape`),
    );
  });

  it('a request larger than the shape: does not fit within --grow-max', () => {
    const dir = inputs();
    // 2 vCPUs per added host: a 4-vCPU instance never fits on one. 0, 1, 2, 4, then 5 (the max).
    const res = run(dir, '--grow-with', 'vcpus=2,memory_mb=8192', '--grow-max', '5');
    expect(res.code).toBe(0);
    const [s] = report(dir).strategies;
    expect(s.added_hosts).toBeNull();
    expect(s.hosts).toBeNull();
    expect(s.probes.map((p) => p.hosts)).toEqual([2, 3, 4, 6, 7]);
    expect(res.stdout).toMatch(/does not fit even with 5 more hosts of this shape/);
  });

  it('reads the shape from a file; bad shapes and flags exit 2 with one line', () => {
    const dir = inputs();
    writeFileSync(join(dir, 'shape.yaml'), 'vcpus: 8\nmemory_mb: 8192\ndisk_gb: 100\n');
    const ok = run(dir, '--grow-with', 'shape.yaml');
    expect(ok.code).toBe(0);
    expect(report(dir).strategies[0].added_hosts).toBe(2);
    writeFileSync(join(dir, 'bad.yaml'), 'vcpus: 8\nmemory_mb: lots\n');
    const bad = run(dir, '--grow-with', 'bad.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^schedbench: bad\.yaml:2: memory_mb: .*\n$/);
    const inline = run(dir, '--grow-with', 'vcpus=8,memory_mb=-1');
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/--grow-with: memory_mb: /);
    const max = run(dir, '--grow-max', '3');
    expect(max.code).toBe(2);
    expect(max.stderr).toMatch(/--grow-max needs --grow-with/);
  });
});
