// The host fields of the Zed filters and weighers (traces/README.md): defaults as Nova's
// (supported_instances [["x86_64", "qemu", "hvm"]], hypervisor_version 6002000), values
// canonicalised as Nova's HVSpec holds them, and one clear line for a bad value.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterFromObject, loadCluster } from '../../src/cluster/cluster-spec.ts';
import { HostTable } from '../../src/cluster/host-table.ts';
import { InputError } from '../../src/common/errors.ts';
import { pyStr } from '../../src/common/py-float.ts';
import { tempDir } from '../helpers/replay.ts';

const BASE = { vcpus: 8, memory_mb: 8192, disk_gb: 100 };

function loadError(text: string): string {
  const path = join(tempDir(), 'c.yaml');
  writeFileSync(path, text);
  try {
    loadCluster(path);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message.slice(path.length);
  }
}

describe('Zed host fields', () => {
  it('defaults: Nova 26 QEMU on x86_64, version 6.2.0, no failed builds, no metrics', () => {
    const t = new HostTable(clusterFromObject({ hosts: [{ name: 'h1', ...BASE }] }));
    expect(t.supportedInstances[0]).toEqual([['x86_64', 'qemu', 'hvm']]);
    expect(t.hypervisorVersion[0]).toBe(6002000);
    expect(t.failedBuilds[0]).toBe(0);
    expect(t.metrics[0].size).toBe(0);
    expect(t.traits[0]).toEqual({});
  });

  it('values given, canonical (HVSpec: AMD64 -> x86_64, xapi -> xen, pv -> xen), groups too', () => {
    const c = clusterFromObject({
      groups: [
        {
          count: 2,
          prefix: 'g',
          ...BASE,
          supported_instances: [
            ['AMD64', 'XAPI', 'pv'],
            ['aarch64', 'kvm', 'hvm'],
          ],
          hypervisor_version: 4001000,
          failed_builds: 3,
          metrics: { 'cpu.frequency': 2400, 'numa.membw.current': -1 },
          stats: { cpu_arch: 'x86_64' },
        },
      ],
    });
    const t = new HostTable(c);
    expect(t.names).toEqual(['g0001', 'g0002']);
    expect(t.supportedInstances[1]).toEqual([
      ['x86_64', 'xen', 'xen'],
      ['aarch64', 'kvm', 'hvm'],
    ]);
    expect([...t.hypervisorVersion]).toEqual([4001000, 4001000]);
    expect([...t.failedBuilds]).toEqual([3, 3]);
    expect([...t.metrics[0]]).toEqual([
      ['cpu.frequency', 2400],
      ['numa.membw.current', -1],
    ]);
    // `stats` is what `traits` was: HostState.stats.
    expect(t.traits[1]).toEqual({ cpu_arch: 'x86_64' });
    // A group's hosts share one metrics map.
    expect(t.metrics[0]).toBe(t.metrics[1]);
  });

  it('stats keeps Python floats as traits did', () => {
    const path = join(tempDir(), 'c.json');
    writeFileSync(
      path,
      JSON.stringify({ hosts: [{ name: 'h1', ...BASE }] }).replace('}]', ', "stats": {"x": 2.0}}]'),
    );
    const t = new HostTable(loadCluster(path));
    expect(pyStr(t.traits[0].x)).toBe('2.0');
  });

  it.each<[string, string]>([
    [
      'stats: {a: 1}\n    traits: {a: 1}',
      ':3: hosts[0].stats: give "stats" or its older name "traits", not both',
    ],
    [
      'supported_instances: [[x86_64, qemu]]',
      ':3: hosts[0].supported_instances[0]: Too small: expected array to have >=3 items',
    ],
    [
      'supported_instances: [[x86, qemu, hvm]]',
      ':3: hosts[0].supported_instances[0][0]: "x86" is not an architecture Nova knows',
    ],
    [
      'supported_instances: [[x86_64, esx, hvm]]',
      ':3: hosts[0].supported_instances[0][1]: "esx" is not a hypervisor type Nova knows',
    ],
    [
      'supported_instances: [[x86_64, kvm, pvh]]',
      ':3: hosts[0].supported_instances[0][2]: "pvh" is not a VM mode Nova knows',
    ],
    [
      'hypervisor_version: -1',
      ':3: hosts[0].hypervisor_version: expected a non-negative integer (6002000 is version 6.2.0)',
    ],
    [
      'hypervisor_version: 6.2',
      ':3: hosts[0].hypervisor_version: expected a non-negative integer (6002000 is version 6.2.0)',
    ],
    ['failed_builds: -2', ':3: hosts[0].failed_builds: expected an integer from 0 to 1,000,000,000,000'],
    [
      'metrics: {cpu.frequency: 2.5}',
      ':3: hosts[0].metrics.cpu.frequency: expected an integer (Nova keeps metric values as integers)',
    ],
  ])('refuses %j', (field, want) => {
    const text = `hosts:\n  - name: h1\n    ${field}\n    vcpus: 8\n    memory_mb: 8192\n    disk_gb: 100\n`;
    expect(loadError(text).startsWith(want), loadError(text)).toBe(true);
  });

  it('an unknown metric name lists the names Nova has', () => {
    const msg = loadError(
      'hosts:\n  - name: h1\n    metrics: {cpu.mhz: 1}\n    vcpus: 8\n    memory_mb: 8192\n    disk_gb: 100\n',
    );
    expect(msg).toMatch(
      /^:3: hosts\[0\]\.metrics\.cpu\.mhz: unknown metric \(Nova's metric names: cpu\.frequency, /,
    );
  });
});
