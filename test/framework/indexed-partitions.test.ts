import { describe, expect, it } from 'vitest';
import { clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { IndexField } from '../../src/cluster/host-index.ts';
import { PartitionCache } from '../../src/framework/fast/indexed-partitions.ts';

const cluster = () =>
  new ClusterState(
    clusterFromObject({
      hosts: Array.from({ length: 6 }, (_, i) => ({ name: `h${i}`, vcpus: 4, memory_mb: 4096, disk_gb: 40 })),
    }),
  );

/** Marks the hosts listed. */
const fill = (mask: Uint8Array, hosts: number[], _: unknown) => {
  for (const h of hosts) mask[h] = 1;
  return true;
};

describe('PartitionCache', () => {
  it('signatures leaving the same hosts share one partition; the leaf bound counts it once', () => {
    // Room for 3 + 2 leaves: the third signature fits only because it shares the first's hosts.
    const cache = new PartitionCache(cluster(), [IndexField.RamMax], [], 5);
    const a = cache.get('a', fill, [1, 3, 4], undefined);
    const b = cache.get('b', fill, [0, 5], undefined);
    const c = cache.get('c', fill, [4, 1, 3], undefined);
    expect(a).toBeDefined();
    expect([...a!.tree.hosts]).toEqual([1, 3, 4]);
    expect([...b!.tree.hosts]).toEqual([0, 5]);
    expect(c).toBe(a);
    // A subset or a superset is another set: over the bound, no index.
    expect(cache.get('d', fill, [1, 3], undefined)).toBeUndefined();
    expect(cache.get('e', fill, [1, 3, 4, 5], undefined)).toBeUndefined();
  });

  it('a shared partition is kept current once for all its signatures', () => {
    const c = cluster();
    const cache = new PartitionCache(c, [IndexField.RamMax, IndexField.RamMin], [], 100);
    const a = cache.get('a', fill, [2, 3], undefined)!;
    const b = cache.get('b', fill, [3, 2], undefined)!;
    expect(b).toBe(a);
    c.claim(3, 'i1', { vcpus: 1, memoryMb: 1024, diskGb: 1, gpus: 0, gpuMilli: 0 }, undefined);
    const t = c.hosts;
    expect(a.tree.nodes[IndexField.RamMax][1]).toBe(Math.max(t.freeRamMb[2], t.freeRamMb[3]));
    expect(t.freeRamMb[3]).toBe(t.freeRamMb[2] - 1024);
    // A change reaches the trees holding its host, and only those.
    const d = cache.get('d', fill, [0, 3, 5], undefined)!;
    c.claim(5, 'i2', { vcpus: 1, memoryMb: 2048, diskGb: 1, gpus: 0, gpuMilli: 0 }, undefined);
    c.claim(2, 'i3', { vcpus: 1, memoryMb: 512, diskGb: 1, gpus: 0, gpuMilli: 0 }, undefined);
    expect(d.tree.nodes[IndexField.RamMax][1]).toBe(t.freeRamMb[0]);
    expect(d.tree.nodes[IndexField.RamMin][1]).toBe(t.freeRamMb[5]);
    expect(a.tree.nodes[IndexField.RamMax][1]).toBe(t.freeRamMb[2]);
    expect(a.tree.nodes[IndexField.RamMin][1]).toBe(t.freeRamMb[3]);
    expect([t.freeRamMb[2], t.freeRamMb[3], t.freeRamMb[5]]).toEqual([
      t.freeRamMb[0] - 512,
      t.freeRamMb[0] - 1024,
      t.freeRamMb[0] - 2048,
    ]);
  });
});
