import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextProbes, type Probe, searchCapacity } from '../../src/pool/capacity.ts';

/** A probe that passes exactly for the sizes `passes` accepts; records the sizes asked for. */
function fakeProbe(passes: (n: number) => boolean) {
  const asked: number[][] = [];
  let round: number[] = [];
  const probe = async (hosts: number): Promise<Probe> => {
    round.push(hosts);
    // Settle after the round's other probes were asked for, as pool tasks would.
    await Promise.resolve();
    if (round.length > 0) {
      asked.push(round);
      round = [];
    }
    const passed = passes(hosts);
    return { hosts, passed, noValidHostRate: passed ? 0 : 0.5, noValidHost: passed ? 0 : 1, instances: 2 };
  };
  return { probe, asked };
}

describe('nextProbes', () => {
  it('first probes every host and splits the rest evenly', () => {
    // lo=-1, all 100 hosts unverified, width 1: just 100.
    expect(nextProbes(-1, 101, 100, 1)).toEqual([100]);
    // width 2: -1 + round(1*101/2) = 50 (round(50.5) = 51 -> 50), and 100.
    expect(nextProbes(-1, 101, 100, 2)).toEqual([50, 100]);
    // width 4: -1 + round(k*101/4) for k=1..4 = 24, 50, 75, 100.
    expect(nextProbes(-1, 101, 100, 4)).toEqual([24, 50, 75, 100]);
  });

  it('splits (lo, hi) into width+1 parts, or takes every size when few are left', () => {
    // (10, 20), width 1: 10 + round(10/2) = 15.
    expect(nextProbes(10, 20, 100, 1)).toEqual([15]);
    // (10, 20), width 2: 10 + round(10/3) = 13, 10 + round(20/3) = 17.
    expect(nextProbes(10, 20, 100, 2)).toEqual([13, 17]);
    expect(nextProbes(10, 13, 100, 2)).toEqual([11, 12]);
    expect(nextProbes(10, 11, 100, 2)).toEqual([]);
  });
});

describe('searchCapacity', () => {
  it('finds the threshold by bisection and verifies it and the size below', async () => {
    // Passes from 37 hosts of 100 up. Each probe is lo + round((hi - lo) / 2), lo = -1 at first:
    // 100 P; -1 + round(50.5) = 50 P; -1 + round(25.5) = 25 F; 25 + round(12.5) = 38 P;
    // 25 + round(6.5) = 32 F; 32 + 3 = 35 F; 35 + round(1.5) = 37 P; 36 F. Answer 37 (36 failed).
    const { probe, asked } = fakeProbe((n) => n >= 37);
    const r = await searchCapacity(100, 1, probe);
    expect(r.hosts).toBe(37);
    expect(asked.flat()).toEqual([100, 50, 25, 38, 32, 35, 37, 36]);
    expect(r.probes.map((p) => p.hosts)).toEqual([25, 32, 35, 36, 37, 38, 50, 100]);
    expect(r.nonMonotone).toBe(false);
    expect(r.rounds).toBe(8);
  });

  it('probes `width` sizes per round, in parallel, and needs fewer rounds', async () => {
    const { probe, asked } = fakeProbe((n) => n >= 37);
    const r = await searchCapacity(100, 3, probe);
    expect(r.hosts).toBe(37);
    // Round 1: -1 + round(k*101/3) = 33, 66, 100 -> 33 F, 66 P. Round 2 in (33, 66): 33 + round(k*33/4)
    // = 41, 50, 58 -> all pass. Round 3 in (33, 41): 35, 37, 39 -> 37 P, 35 F. Round 4: 36 F. Done.
    expect(asked).toEqual([[33, 66, 100], [41, 50, 58], [35, 37, 39], [36]]);
    expect(r.rounds).toBe(4);
  });

  it('answers 0 when even no host passes (nothing to place) and null when all hosts fail', async () => {
    expect((await searchCapacity(10, 2, fakeProbe(() => true).probe)).hosts).toBe(0);
    const never = await searchCapacity(10, 2, fakeProbe(() => false).probe);
    expect(never.hosts).toBeNull();
    expect(never.probes.map((p) => p.hosts)).toEqual([5, 10]);
    expect((await searchCapacity(0, 1, fakeProbe(() => false).probe)).hosts).toBeNull();
  });

  it('flags a rate that is not monotone, and still returns a verified boundary', async () => {
    // Passes at 20..29 and from 60 up; fails elsewhere. Bisection sees 100 P, 50 F, then converges
    // above 50: the answer 60 passes and 59 fails, but 20 would pass too.
    const { probe } = fakeProbe((n) => (n >= 20 && n < 30) || n >= 60);
    const r = await searchCapacity(100, 1, probe);
    expect(r.hosts).toBe(60);
    const at = (n: number) => r.probes.find((p) => p.hosts === n);
    expect(at(60)?.passed).toBe(true);
    expect(at(59)?.passed).toBe(false);
    expect(r.nonMonotone).toBe(false);
    // When the search does see a failing size above a passing one, it says so. Passing only at
    // 24..30 and at 100, width 4: round 1 probes -1 + round(k*101/4) = 24 P, 50 F, 75 F, 100 P;
    // then 4, 9, 14, 19 and 20..23 all fail: the answer is 24, with 50 and 75 failing above it.
    const odd = await searchCapacity(100, 4, fakeProbe((n) => (n >= 24 && n <= 30) || n === 100).probe);
    expect(odd.hosts).toBe(24);
    expect(odd.nonMonotone).toBe(true);
  });

  it('on any monotone rate, finds the exact smallest passing size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 301 }),
        fc.integer({ min: 1, max: 6 }),
        async (total, threshold, width) => {
          const r = await searchCapacity(total, width, fakeProbe((n) => n >= threshold).probe);
          expect(r.hosts).toBe(threshold <= total ? threshold : null);
          if (r.hosts !== null && r.hosts > 0)
            expect(r.probes.find((p) => p.hosts === r.hosts! - 1)?.passed).toBe(false);
          // (width+1)-ary search: at most ceil(log_{width+1}(total+1)) + 2 rounds.
          expect(r.rounds).toBeLessThanOrEqual(Math.ceil(Math.log(total + 2) / Math.log(width + 1)) + 2);
        },
      ),
      { numRuns: 200 },
    );
  });
});
