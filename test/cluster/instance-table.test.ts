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
    expect([
      t.idOf(a),
      t.hostOf(a),
      t.flavorOf(a).vcpus,
      t.flavorOf(a).memoryMb,
      t.flavorOf(a).diskGb,
      t.groupOf(b),
    ]).toEqual(['a', 3, 2, 1024, 10, 0]);
    const serialA = t.serialOf(a);
    t.remove(a);
    expect([t.liveCount, t.slotOf('a'), t.serialOf(a)]).toEqual([1, -1, 0]);
    const c = t.add('c', 0, fl(1, 1, 1), 0n, -1, '', 1);
    expect(c).toBe(a);
    expect(t.serialOf(c)).toBeGreaterThan(serialA);
  });

  it('tracks a multi-instance request until its last live instance goes', () => {
    const t = new InstanceTable();
    const s0 = t.add('m-0', 0, fl(1, 1, 1), 0n, -1, 'm', 2);
    const s1 = t.add('m-1', 1, fl(1, 1, 1), 0n, -1, 'm', 2);
    expect([t.multiRequests.countOf('m'), t.multiRequests.liveOf('m'), t.multiRequests.size]).toEqual([
      2, 2, 1,
    ]);
    expect(t.request[s0]).toBe('m');
    t.remove(s0);
    expect([t.multiRequests.countOf('m'), t.multiRequests.liveOf('m')]).toEqual([2, 1]);
    t.remove(s1);
    // Their slots serve single instances again, of no request.
    const x = t.add('x', 0, fl(1, 1, 1), 0n, -1, '', 1);
    const y = t.add('y', 0, fl(1, 1, 1), 0n, -1, '', 1);
    expect([[x, y].sort(), t.request[x], t.request[y]]).toEqual([[s0, s1].sort(), '', '']);
    expect([t.multiRequests.countOf('m'), t.multiRequests.liveOf('m'), t.multiRequests.size]).toEqual([
      0, 0, 0,
    ]);
  });

  it('counts many multi-instance requests at once, reusing the places of finished ones', () => {
    const t = new InstanceTable();
    const slots: number[][] = [];
    // Requests r0..r199 of 2 + (i % 3) instances each; then every even one finishes and
    // new requests n0..n99 (of 5) come.
    for (let i = 0; i < 200; i++) {
      const c = 2 + (i % 3);
      slots.push([]);
      for (let k = 0; k < c; k++) slots[i].push(t.add(`r${i}-${k}`, 0, fl(1, 1, 1), 0n, -1, `r${i}`, c));
    }
    for (let i = 0; i < 200; i += 2) for (const s of slots[i]) t.remove(s);
    for (let i = 0; i < 100; i++) t.add(`n${i}-0`, 0, fl(1, 1, 1), 0n, -1, `n${i}`, 5);
    t.remove(slots[1][0]);
    const seen = [0, 1, 2, 3, 199].map((i) => [
      t.multiRequests.countOf(`r${i}`),
      t.multiRequests.liveOf(`r${i}`),
    ]);
    expect(seen).toEqual([
      [0, 0],
      [3, 2],
      [0, 0],
      [2, 2],
      [3, 3],
    ]);
    expect([t.multiRequests.countOf('n99'), t.multiRequests.liveOf('n99'), t.multiRequests.size]).toEqual([
      5, 1, 200,
    ]);
  });

  it('keeps numbers as the typed columns it replaced did (Uint8 gpus, Uint16 gpuMilli, Int32 host and group)', () => {
    const t = new InstanceTable();
    const s = t.add(
      'x',
      2.7,
      { vcpus: 1.5, memoryMb: -0, diskGb: 3, gpus: 257, gpuMilli: 70_000 },
      0n,
      -1,
      '',
      1,
    );
    // 257 mod 256, 70000 mod 65536, ToInt32(2.7); doubles as given.
    expect([t.hostOf(s), t.groupOf(s), t.flavorOf(s)]).toEqual([
      2,
      -1,
      { vcpus: 1.5, memoryMb: -0, diskGb: 3, gpus: 1, gpuMilli: 4464 },
    ]);
  });

  it('grows past its initial capacity and keeps every field', () => {
    const t = new InstanceTable();
    for (let i = 0; i < 3000; i++) t.add(`i${i}`, i % 7, fl(i, 2 * i, 3 * i), 0n, -1, '', 1);
    const s = t.slotOf('i2999');
    expect([
      t.liveCount,
      t.hostOf(s),
      t.flavorOf(s).vcpus,
      t.flavorOf(s).memoryMb,
      t.flavorOf(s).diskGb,
    ]).toEqual([3000, 2999 % 7, 2999, 5998, 8997]);
  });
});
