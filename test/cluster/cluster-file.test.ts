import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/cluster/cluster-spec.ts';
import { HostTable } from '../../src/cluster/host-table.ts';
import { tempDir } from '../helpers/replay.ts';

function file(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

describe('cluster file', () => {
  it('expands the compact form with zero-padded 1-based names, in file order with hosts', () => {
    const path = file(
      'c.json',
      JSON.stringify({
        groups: [
          { count: 3, prefix: 'h', vcpus: 8, memory_mb: 1024, disk_gb: 10 },
          { count: 12345, prefix: 'big', vcpus: 1, memory_mb: 1, disk_gb: 1, az: 'z' },
        ],
        hosts: [{ name: 'solo', vcpus: 1, memory_mb: 1, disk_gb: 1 }],
      }),
    );
    const c = loadCluster(path);
    expect(c.hosts.map((h) => h.name).slice(0, 5)).toEqual([
      'h0001',
      'h0002',
      'h0003',
      'big00001',
      'big00002',
    ]);
    expect(c.hosts.at(-1)?.name).toBe('solo');
    expect(c.hosts).toHaveLength(3 + 12345 + 1);
    // The AZ is an aggregate {availability_zone: az}, listed first.
    expect(c.hosts[3].aggregates).toEqual([{ name: 'az:z', metadata: { availability_zone: 'z' } }]);
  });

  it("fills Nova's defaults: ratios 16/1.5/1.0, 512 MB and 0 vCPUs reserved, enabled and up", () => {
    const c = loadCluster(file('c.yaml', 'hosts:\n  - {name: a, vcpus: 4, memory_mb: 2048, disk_gb: 10}\n'));
    expect(c.allocationRatios).toEqual({ cpu: 16, ram: 1.5, disk: 1 });
    expect(c.reserved).toEqual({ memoryMb: 512, diskGb: 0, vcpus: 0 });
    expect(c.hosts[0]).toMatchObject({ enabled: true, up: true, traits: {} });
    const t = new HostTable(c);
    expect(t.freeRamMb[0]).toBe(2048 - 512);
    expect(t.freeDiskMb[0]).toBe(10 * 1024);
  });

  it('turns metadata numbers into strings as Nova stores them', () => {
    const c = loadCluster(
      file(
        'c.json',
        JSON.stringify({
          hosts: [
            {
              name: 'a',
              vcpus: 1,
              memory_mb: 1,
              disk_gb: 1,
              aggregates: [{ name: 'x', metadata: { w: 2.5, ssd: true } }],
            },
          ],
        }),
      ),
    );
    expect(c.hosts[0].aggregates[0].metadata).toEqual({ w: '2.5', ssd: 'true' });
  });

  it.each([
    [
      '{"hosts":[{"name":"a","vcpus":"4","memory_mb":1,"disk_gb":1}]}',
      /c\.json:1: hosts\[0\]\.vcpus: Invalid input: expected number, received string/,
    ],
    [
      '{\n "hosts": [\n  {"name":"a","vcpus":4,"memory_mb":-1,"disk_gb":1}\n ]\n}',
      /c\.json:3: hosts\[0\]\.memory_mb: Too small/,
    ],
    [
      '{"hosts":[{"name":"a","vcpus":4,"memory_mb":1,"disk_gb":1,"colour":"red"}]}',
      /c\.json:1: hosts\[0\]: Unrecognized key: "colour"/,
    ],
    ['{"hosts":[]}', /c\.json:1: the cluster has no hosts/],
    [
      '{"hosts":[{"name":"a","vcpus":1,"memory_mb":1,"disk_gb":1},\n{"name":"a","vcpus":1,"memory_mb":1,"disk_gb":1}]}',
      /c\.json:2: name: duplicate host name "a"/,
    ],
    ['{"hosts": [', /c\.json:1: not valid JSON or YAML/],
    [
      '{"allocation_ratios":{"cpu":0},"hosts":[{"name":"a","vcpus":1,"memory_mb":1,"disk_gb":1}]}',
      /c\.json:1: allocation_ratios\.cpu: Too small/,
    ],
  ])('rejects %s with file:line: field', (text, message) => {
    expect(() => loadCluster(file('c.json', text))).toThrow(message);
  });

  it('reports a missing file', () => {
    expect(() => loadCluster('/nope/c.json')).toThrow('/nope/c.json: no such file');
  });
});
