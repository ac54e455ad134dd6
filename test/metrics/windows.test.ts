import { describe, expect, it } from 'vitest';
import { WindowSeries } from '../../src/metrics/windows.ts';

describe('WindowSeries', () => {
  it('doubles the width and merges pairwise when a time needs window maxWindows', () => {
    // Base width 1, at most 4 windows, origin 10.
    const s = new WindowSeries(10, { n: 'sum', x: 'last' } as const, { baseWidth: 1, maxWindows: 4 });
    for (const t of [10.5, 11.5, 12.5, 13.5]) {
      const k = s.index(t);
      s.add('n', k, 1);
      s.set('x', k, t);
    }
    expect([s.width, s.count]).toEqual([1, 4]);
    // 14.2 would be window 4: width 2, windows [10,12) [12,14) hold 2 each, 14.2 lands in window 2.
    const k = s.index(14.2);
    s.add('n', k, 1);
    expect([s.width, s.count, k]).toEqual([2, 3, 2]);
    expect([0, 1, 2].map((i) => s.get('n', i))).toEqual([2, 2, 1]);
    // A merged window keeps the later sample: 11.5 and 13.5.
    expect([s.get('x', 0), s.get('x', 1)]).toEqual([11.5, 13.5]);
    // 19 is window 4 at width 2: width 4, [10,14) 4, [14,18) 1, and 19 in window 2.
    s.add('n', s.index(19), 1);
    expect([s.width, s.count]).toEqual([4, 3]);
    expect([0, 1, 2].map((i) => s.get('n', i))).toEqual([4, 1, 1]);
    expect(s.get('x', 0)).toBe(13.5);
    expect(Number.isNaN(s.get('x', 1))).toBe(true);
  });

  it('integrates a constant over the windows an interval overlaps', () => {
    const s = new WindowSeries(0, { v: 'sum' } as const, { fixedWidth: 5 });
    // 2 over [3, 12): 2·2 in [0,5), 2·5 in [5,10), 2·2 in [10,15).
    s.integrate(['v'], [2], 3, 12);
    expect([0, 1, 2].map((i) => s.get('v', i))).toEqual([4, 10, 4]);
  });

  it('grows without merging when the width is fixed', () => {
    const s = new WindowSeries(0, { n: 'sum' } as const, { fixedWidth: 1 });
    s.add('n', s.index(1000.5), 1);
    expect([s.width, s.count, s.get('n', 1000)]).toEqual([1, 1001, 1]);
  });
});
