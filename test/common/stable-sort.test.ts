import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableSortDesc } from '../../src/common/stable-sort.ts';

describe('stableSortDesc', () => {
  it('orders by key descending and keeps the input order of equal keys (as a stable Array sort does)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 200 }), (keys) => {
        const key = Float64Array.from(keys, (k) => k / 2);
        // A shuffled-looking input order, so ties must keep it rather than index order.
        const idx = Int32Array.from(keys.map((_, i) => (i * 7919) % keys.length));
        const expected = Array.from(idx).sort((a, b) => key[b] - key[a]);
        stableSortDesc(idx, idx.length, key, new Int32Array(idx.length));
        expect(Array.from(idx)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('sorts only the first len entries', () => {
    const idx = Int32Array.from([0, 1, 2, 3]);
    stableSortDesc(idx, 3, Float64Array.from([1, 3, 2, 9]), new Int32Array(4));
    expect(Array.from(idx)).toEqual([1, 2, 0, 3]);
  });
});
