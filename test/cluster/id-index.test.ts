import { describe, expect, it } from 'vitest';
import { hashId, IdIndex } from '../../src/cluster/id-index.ts';

describe('IdIndex', () => {
  it('finds added ids, forgets deleted ones, and reports -1 for others', () => {
    const keys: string[] = ['a', 'b', 'c'];
    const index = new IdIndex(keys);
    index.add('a', 0);
    index.add('b', 1);
    index.add('c', 2);
    expect([index.get('a'), index.get('b'), index.get('c'), index.get('d')]).toEqual([0, 1, 2, -1]);
    index.delete(1);
    expect([index.get('a'), index.get('b'), index.get('c'), index.size]).toEqual([0, -1, 2, 2]);
  });

  it('matches ids by content, not by string identity', () => {
    const keys = ['inst-42'];
    const index = new IdIndex(keys);
    index.add(keys[0], 0);
    const built = ['inst', String(6 * 7)].join('-');
    expect(index.get(built)).toBe(0);
  });

  it('agrees with a Map through a long random run of adds and deletes (growth, collisions, shifts)', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const keys: string[] = [];
    const free: number[] = [];
    const index = new IdIndex(keys);
    const ref = new Map<string, number>();
    for (let step = 0; step < 60_000; step++) {
      const id = `i${rand(5000)}`;
      const slot = ref.get(id);
      if (slot === undefined) {
        const s = free.pop() ?? keys.length;
        keys[s] = id;
        index.add(id, s);
        ref.set(id, s);
      } else if (rand(3) > 0) {
        index.delete(slot);
        ref.delete(id);
        keys[slot] = '';
        free.push(slot);
      }
      if (step % 997 === 0) {
        const wrong: string[] = [];
        for (let q = 0; q < 5000; q++)
          if (index.get(`i${q}`) !== (ref.get(`i${q}`) ?? -1)) wrong.push(`i${q}`);
        expect(wrong).toEqual([]);
        expect(index.size).toBe(ref.size);
      }
    }
  });

  it('hashes strings that differ in one unit differently', () => {
    expect(hashId('i1')).not.toBe(hashId('i2'));
    expect(hashId('ab')).not.toBe(hashId('ba'));
    expect(hashId('')).toBe(hashId(''));
  });
});
