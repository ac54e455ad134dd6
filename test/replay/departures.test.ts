import { describe, expect, it } from 'vitest';
import { DepartureQueue } from '../../src/replay/departures.ts';

/** A small linear congruential generator: rand(n) in [0, n), the same sequence for the same seed. */
function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
}

/** Pop everything: the slots in pop order. */
function drainSlots(q: DepartureQueue): number[] {
  const out = { slot: 0, serial: 0, due: 0 };
  const slots: number[] = [];
  while (q.size > 0) {
    q.pop(out);
    slots.push(out.slot);
  }
  return slots;
}

describe('DepartureQueue', () => {
  it('pops by due time, ties in the order they were pushed, with slot and serial', () => {
    const q = new DepartureQueue();
    q.push(5, 1, 11);
    q.push(2, 2, 12);
    q.push(5, 3, 13);
    q.push(2, 4, 14);
    q.push(9, 5, 15);
    const out = { slot: 0, serial: 0, due: 0 };
    const popped: number[][] = [];
    while (q.size > 0) {
      q.pop(out);
      popped.push([out.due, out.slot, out.serial]);
    }
    expect(popped).toEqual([
      [2, 2, 12],
      [2, 4, 14],
      [5, 1, 11],
      [5, 3, 13],
      [9, 5, 15],
    ]);
    expect(q.peekDue()).toBe(Number.POSITIVE_INFINITY);
  });

  it('matches a sorted list through growth and interleaved pushes and pops', () => {
    const rand = lcg(7);
    const q = new DepartureQueue();
    const ref: { due: number; order: number; slot: number }[] = [];
    let order = 0;
    const out = { slot: 0, serial: 0, due: 0 };
    const wrong: string[] = [];
    for (let step = 0; step < 20_000; step++) {
      if (rand(3) < 2 || ref.length === 0) {
        const due = rand(500);
        q.push(due, step, step * 2);
        ref.push({ due, order: order++, slot: step });
      } else {
        ref.sort((a, b) => a.due - b.due || a.order - b.order);
        const want = ref.shift()!;
        if (q.peekDue() !== want.due) wrong.push(`peek at ${step}`);
        q.pop(out);
        if (out.due !== want.due || out.slot !== want.slot || out.serial !== want.slot * 2)
          wrong.push(`pop at ${step}`);
      }
      if (q.size !== ref.length) wrong.push(`size at ${step}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the order across calendar buckets, the ring and the far heap (wide, fractional, negative due times)', () => {
    const rand = lcg(11);
    const q = new DepartureQueue();
    const ref: { due: number; order: number; slot: number }[] = [];
    let order = 0;
    let now = -50;
    const out = { slot: 0, serial: 0, due: 0 };
    const wrong: string[] = [];
    for (let step = 0; step < 30_000; step++) {
      if (rand(5) < 3 || ref.length === 0) {
        // Mostly ahead of the clock by up to a day (past the ring's two hours), some behind it,
        // some on the same due time, some a fraction of a bucket apart.
        const r = rand(10);
        const due = r === 0 ? now - rand(30) : r === 1 ? Math.floor(now) + 7 : now + rand(86_400_000) / 1000;
        q.push(due, step, step * 3);
        ref.push({ due, order: order++, slot: step });
      } else {
        ref.sort((a, b) => a.due - b.due || a.order - b.order);
        const want = ref.shift()!;
        if (q.peekDue() !== want.due) wrong.push(`peek at ${step}`);
        q.pop(out);
        if (out.due !== want.due || out.slot !== want.slot || out.serial !== want.slot * 3)
          wrong.push(`pop at ${step}`);
        now = Math.max(now, want.due);
      }
      if (q.size !== ref.length) wrong.push(`size at ${step}`);
    }
    expect(wrong).toEqual([]);
  });

  it('pops a departure due before the bucket it has reached, and one a year ahead', () => {
    const q = new DepartureQueue();
    q.push(10_000, 1, 1);
    q.push(31_536_000, 2, 2);
    q.push(10_003, 5, 5);
    expect(q.peekDue()).toBe(10_000);
    // The queue has moved on to second 10,000; an earlier departure still comes first, and a later
    // one within that second comes before the next second's.
    q.push(5.5, 3, 3);
    q.push(10_000.25, 4, 4);
    expect(drainSlots(q)).toEqual([3, 1, 4, 5, 2]);
    expect(q.peekDue()).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps the order when a bucket overflows (more departures in one second than it holds)', () => {
    const rand = lcg(5);
    const q = new DepartureQueue();
    const want: { due: number; order: number; slot: number }[] = [];
    const add = (due: number) => {
      q.push(due, want.length, want.length);
      want.push({ due, order: want.length, slot: want.length });
    };
    add(1);
    expect(q.peekDue()).toBe(1); // the queue now stands at second 1: second 10 is a ring bucket
    for (let i = 0; i < 100; i++) add(10 + rand(1000) / 1000);
    for (let i = 0; i < 50; i++) add(10 + rand(4) / 4);
    for (let i = 0; i < 40; i++) add(11 + rand(1000) / 1000);
    want.sort((a, b) => a.due - b.due || a.order - b.order);
    expect(drainSlots(q)).toEqual(want.map((w) => w.slot));
  });
});
