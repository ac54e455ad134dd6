import { describe, expect, it } from 'vitest';
import type { Probe } from '../../src/pool/capacity.ts';
import { searchGrowth } from '../../src/pool/grow.ts';

/** A probe passing exactly for the sizes `passes` accepts; records the sizes asked for, in order. */
function fakeProbe(passes: (n: number) => boolean) {
  const asked: number[] = [];
  const probe = async (hosts: number): Promise<Probe> => {
    asked.push(hosts);
    await Promise.resolve();
    const passed = passes(hosts);
    return { hosts, passed, noValidHostRate: passed ? 0 : 0.5, noValidHost: passed ? 0 : 1, instances: 2 };
  };
  return { probe, asked };
}

describe('searchGrowth', () => {
  it('gallops, bisects, and checks the size above the answer', async () => {
    // Passes from 37 added hosts up. Gallop: 0 1 2 4 8 16 32 fail, 64 passes. Bisect (32, 64):
    // 48 P, (32, 48) 40 P, (32, 40) 36 F, (36, 40) 38 P, (36, 38) 37 P. Then the check: 38 (seen).
    const { probe, asked } = fakeProbe((n) => n >= 37);
    const r = await searchGrowth(1000, 1, probe);
    expect(r.added).toBe(37);
    expect(asked).toEqual([0, 1, 2, 4, 8, 16, 32, 64, 48, 40, 36, 38, 37]);
    expect(r.nonMonotone).toBe(false);
  });

  it('answers 0 when the cluster fits as it is, with one probe', async () => {
    const { probe, asked } = fakeProbe(() => true);
    const r = await searchGrowth(1000, 4, probe);
    expect(r.added).toBe(0);
    expect(asked).toEqual([0]);
  });

  it('answers null when even maxAdded fails, probing maxAdded itself', async () => {
    // maxAdded 10: 0, 1, 2, 4, 8 fail, the next doubling (16) is past it: 10.
    const { probe, asked } = fakeProbe(() => false);
    const r = await searchGrowth(10, 1, probe);
    expect(r.added).toBeNull();
    expect(asked).toEqual([0, 1, 2, 4, 8, 10]);
  });

  it('probes `width` sizes per round', async () => {
    // Width 3: round 1 = [0]; gallop rounds [1, 2, 4], [8, 16, 32], [64, 128, 256]: 64 passes.
    // Bisect (32, 64) in 4 parts: 32 + round(k 32 / 4) = 40, 48, 56 -> 40 P; (32, 40): 34, 36, 38
    // -> 36 F, 38 P; (36, 38): 37 P. The check: 38, 39, 40, of which 39 is new. 8 rounds.
    const { probe } = fakeProbe((n) => n >= 37);
    const r = await searchGrowth(1000, 3, probe);
    expect(r.added).toBe(37);
    expect(r.probes.map((p) => p.hosts)).toEqual([
      0, 1, 2, 4, 8, 16, 32, 34, 36, 37, 38, 39, 40, 48, 56, 64, 128, 256,
    ]);
    expect(r.rounds).toBe(8);
  });

  it('not monotone: a failure above the answer sends it to a linear scan, which finds the smallest', async () => {
    // Passes at 3 and from 8 up, except 9. Gallop: 0 1 2 4 F, 8 P. Bisect (4, 8): 6 F, 7 F:
    // boundary 8. The check probes 9: it fails above a passing size. Linear scan 1.. : 3 passes.
    const { probe, asked } = fakeProbe((n) => n === 3 || (n >= 8 && n !== 9));
    const r = await searchGrowth(100, 1, probe);
    expect(asked).toEqual([0, 1, 2, 4, 8, 6, 7, 9, 3]);
    expect(r.added).toBe(3);
    expect(r.nonMonotone).toBe(true);
  });
});
