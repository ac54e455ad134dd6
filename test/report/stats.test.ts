import { describe, expect, it } from 'vitest';
import { estimate, tCdf, tQuantile, welch } from '../../src/report/stats.ts';

describe('statistics for compare', () => {
  it('gives the t quantiles of the printed tables', () => {
    // t(0.975, df) from any t table: 12.706, 4.303, 2.776, 2.262, 2.045, 1.962.
    const table: [number, number][] = [
      [1, 12.7062047],
      [2, 4.3026527],
      [4, 2.7764451],
      [9, 2.2621572],
      [29, 2.0452296],
      [1000, 1.9623391],
    ];
    for (const [df, q] of table) expect(tQuantile(0.975, df)).toBeCloseTo(q, 6);
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.7764451, 6);
    // P(T <= 2) with 10 df = 0.963306 (tables); the CDF is symmetric.
    expect(tCdf(2, 10)).toBeCloseTo(0.963306, 6);
    expect(tCdf(-2, 10)).toBeCloseTo(1 - 0.963306, 6);
  });

  it('computes a 95% confidence interval with the t distribution', () => {
    // 1..5: mean 3, s² = (4+1+0+1+4)/4 = 2.5, half-width t(.975,4)·√(2.5/5) = 2.7764451·0.7071068 = 1.963243.
    const e = estimate([1, 2, 3, 4, 5]);
    expect(e.mean).toBe(3);
    expect(e.variance).toBe(2.5);
    expect(e.half).toBeCloseTo(1.963243, 5);
    expect(estimate([7]).half).toBeNull();
  });

  it('runs Welch’s test as the textbook does', () => {
    // a = 1..5 (mean 3, s² 2.5), b = 2,4,..,10 (mean 6, s² 10):
    // se² = 2.5/5 + 10/5 = 2.5, t = -3/√2.5 = -1.897367,
    // df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.882353; two-sided p = 0.107531
    // (the p from scipy.stats.ttest_ind(a, b, equal_var=False), an independent implementation).
    const w = welch(estimate([1, 2, 3, 4, 5]), estimate([2, 4, 6, 8, 10]))!;
    expect(w.t).toBeCloseTo(-1.897367, 6);
    expect(w.df).toBeCloseTo(5.882353, 6);
    expect(w.p).toBeCloseTo(0.1075312, 6);
    // Unequal sizes: scipy gives t = -6.403124, df = 4.715532, p = 0.001708921.
    const v = welch(estimate([10.1, 10.3, 9.9]), estimate([11.0, 11.4, 10.9, 11.2]))!;
    expect(v.t).toBeCloseTo(-6.403124, 5);
    expect(v.df).toBeCloseTo(4.715532, 5);
    expect(v.p).toBeCloseTo(0.001708921, 7);
  });

  it('degenerates sensibly without variance or with one value', () => {
    expect(welch(estimate([2, 2]), estimate([2, 2]))!.p).toBe(1);
    expect(welch(estimate([2, 2]), estimate([3, 3]))!.p).toBe(0);
    expect(welch(estimate([2]), estimate([3, 3]))).toBeNull();
  });
});
