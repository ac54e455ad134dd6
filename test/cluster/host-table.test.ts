// The host table: capacity, reservation and ratios from the cluster file; usage starts empty.
import { describe, expect, it } from 'vitest';
import { HostTable } from '../../src/cluster/host-table.ts';
import { cluster } from '../helpers/cluster.ts';

const spec = cluster({
  allocation_ratios: { cpu: 4, ram: 1.5, disk: 1 },
  reserved: { memory_mb: 512, disk_gb: 10 },
  hosts: [
    { name: 'a', vcpus: 8, memory_mb: 8192, disk_gb: 100, enabled: false },
    {
      name: 'b',
      vcpus: 16,
      memory_mb: 16384,
      disk_gb: 200,
      aggregates: [
        { name: 'g1', metadata: { ssd: 'true', tier: ' gold , silver' } },
        { name: 'g2', metadata: { tier: 'gold' } },
      ],
      traits: { gpus: 2 },
    },
  ],
});

describe('HostTable', () => {
  it('holds capacity, reservation and ratios in cluster order; usage starts at the reservation', () => {
    const t = new HostTable(spec);
    expect(t.size).toBe(2);
    expect(t.names).toEqual(['a', 'b']);
    expect([...t.vcpusTotal]).toEqual([8, 16]);
    expect([...t.totalUsableRamMb]).toEqual([8192, 16384]);
    expect([...t.reservedDiskMb]).toEqual([10 * 1024, 10 * 1024]);
    expect([...t.freeRamMb]).toEqual([8192 - 512, 16384 - 512]);
    expect([...t.freeDiskMb]).toEqual([90 * 1024, 190 * 1024]);
    expect([...t.vcpusUsed, ...t.numInstances, ...t.numIoOps]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...t.cpuAllocationRatio, ...t.ramAllocationRatio]).toEqual([4, 4, 1.5, 1.5]);
    expect([...t.serviceEnabled, ...t.serviceUp]).toEqual([0, 1, 1, 1]);
    expect(t.traits[1]).toEqual({ gpus: 2 });
    // Used excludes the reservation.
    expect([t.usedRamMb(1), t.usedDiskMb(1)]).toEqual([0, 0]);
  });

  it('ratio overrides win over the cluster file', () => {
    const t = new HostTable(spec, { ram: 1 });
    expect([...t.ramAllocationRatio, ...t.cpuAllocationRatio]).toEqual([1, 1, 4, 4]);
  });

  it('finds hosts by name and reads aggregate metadata as Nova does', () => {
    const t = new HostTable(spec);
    expect([t.indexOf('b'), t.indexOf('nope')]).toEqual([1, -1]);
    expect(t.aggregateValues(1, 'tier')).toEqual([' gold , silver', 'gold']);
    expect(t.aggregateValues(1, 'constructor')).toEqual([]);
    const all = t.aggregateMetadata(1);
    expect(all.get('tier')).toEqual(new Set(['gold', 'silver']));
    expect([...t.aggregateMetadata(1, 'ssd').keys()]).toEqual(['ssd', 'tier']);
    expect(t.aggregateMetadata(0).size).toBe(0);
  });
});
