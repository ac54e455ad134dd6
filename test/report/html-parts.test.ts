// The HTML report's pure parts: axis formats from the data's range, and seed groups.
import { describe, expect, it } from 'vitest';
import { axisProps, tickStep } from '../../src/report/html/axis-format.ts';
import { seedGroups } from '../../src/report/html/seed-groups.ts';
import type { Report } from '../../src/report/schema.ts';

describe('axisProps', () => {
  it('shows the decimals the tick step needs', () => {
    // 0..1.2%: 1.2 / 6 = 0.2 → step 0.2%: one decimal (the old `.0%` read 0%, 0%, ..., 1%).
    expect(axisProps([0, 0.012], 'share')).toEqual({ format: '.1~%', tickCount: 6 });
    // 0..90%: 90 / 6 = 15 → step 20%: none.
    expect(axisProps([0.3, 0.9], 'share')).toEqual({ format: '.0~%', tickCount: 6 });
    // 0..0.05%: 0.05 / 6 ≈ 0.0083 → step 0.01%: two decimals.
    expect(axisProps([0.0005], 'share').format).toBe('.2~%');
    // Means of counts 0..4: 4 / 6 ≈ 0.67 → step 0.5: one decimal.
    expect(axisProps([0, 3.5, 4.2], 'number')).toEqual({ format: ',.1~f', tickCount: 6 });
    // Whole counts 0..4: whole steps.
    expect(axisProps([0, 1, 4], 'number')).toEqual({ format: ',.0~f', tickCount: 6, tickMinStep: 1 });
    expect(axisProps([null, undefined], 'share').format).toBe('.0~%');
  });

  it('picks d3’s steps: 1, 2, 5 × 10^k by the √2, √10, √50 thresholds', () => {
    expect(tickStep(10, 10)).toBe(1);
    expect(tickStep(15, 10)).toBe(2); // 1.5 ≥ √2
    expect(tickStep(33, 10)).toBe(5); // 3.3 ≥ √10
    expect(tickStep(71, 10)).toBe(10); // 7.1 ≥ √50
    expect(tickStep(0.7, 10)).toBeCloseTo(0.05, 12); // 0.07: 7 < √50
  });
});

function report(strategy: string, seed: number, config: Record<string, unknown> = {}): Report {
  const inputs = {
    strategy,
    seed,
    config: { seed, ...config },
    trace: { path: 't.csv', sha256: 'a'.repeat(64) },
    cluster: { path: 'c.json', sha256: 'b'.repeat(64) },
  };
  return { inputs } as unknown as Report;
}

describe('seedGroups', () => {
  it('groups reports that differ only in their seed, in run order, labels without the seed', () => {
    const rs = [
      report('filter', 1, { ram_weight_multiplier: -1 }),
      report('best-fit', 1),
      report('filter', 2, { ram_weight_multiplier: -1 }),
      report('filter', 1, { ram_weight_multiplier: 1 }),
      report('best-fit', 2),
    ];
    expect(seedGroups(rs)).toEqual([
      { label: 'filter ram_weight_multiplier=-1', members: [0, 2] },
      { label: 'best-fit', members: [1, 4] },
      { label: 'filter ram_weight_multiplier=1', members: [3] },
    ]);
  });
});
