// The live-instance table: slots are reused, serials are not, multi-instance requests are counted.
import { describe, expect, it } from 'vitest';
import { InstanceTable } from '../../src/cluster/instance-table.ts';

const fl = (vcpus: number, memoryMb: number, diskGb: number) => ({
  vcpus,
  memoryMb,
  diskGb,
  gpus: 0,
  gpuMilli: 0,
});

describe('InstanceTable', () => {
  it('adds, finds and removes instances; a freed slot is reused with a new serial', () => {
    const t = new InstanceTable();
    const a = t.add('a', 3, fl(2, 1024, 10), 0n, -1, '', 1);
    const b = t.add('b', 1, fl(1, 512, 5), 0n, 0, '', 1);
    expect([t.liveCount, t.slotOf('a'), t.slotOf('b'), t.slotOf('c')]).toEqual([2, a, b, -1]);
    expect([t.idOf(a), t.host[a], t.vcpus[a], t.memoryMb[a], t.diskGb[a], t.group[b]]).toEqual([
      'a',
      3,
      2,
      1024,
      10,
      0,
    ]);
    const serialA = t.serial[a];
    t.remove(a);
    expect([t.liveCount, t.slotOf('a'), t.serial[a]]).toEqual([1, -1, 0]);
    const c = t.add('c', 0, fl(1, 1, 1), 0n, -1, '', 1);
    expect(c).toBe(a);
    expect(t.serial[c]).toBeGreaterThan(serialA);
  });

  it('tracks a multi-instance request until its last live instance goes', () => {
    const t = new InstanceTable();
    const s0 = t.add('m-0', 0, fl(1, 1, 1), 0n, -1, 'm', 2);
    const s1 = t.add('m-1', 1, fl(1, 1, 1), 0n, -1, 'm', 2);
    expect(t.multiRequests.get('m')).toEqual({ count: 2, live: 2 });
    expect(t.request[s0]).toBe('m');
    t.remove(s0);
    expect(t.multiRequests.get('m')).toEqual({ count: 2, live: 1 });
    t.remove(s1);
    expect(t.multiRequests.has('m')).toBe(false);
  });

  it('grows past its initial capacity and keeps every field', () => {
    const t = new InstanceTable();
    for (let i = 0; i < 3000; i++) t.add(`i${i}`, i % 7, fl(i, 2 * i, 3 * i), 0n, -1, '', 1);
    const s = t.slotOf('i2999');
    expect([t.liveCount, t.host[s], t.vcpus[s], t.memoryMb[s], t.diskGb[s]]).toEqual([
      3000,
      2999 % 7,
      2999,
      5998,
      8997,
    ]);
  });
});
