// The one number formatter: expected strings written out by hand.
import { describe, expect, it } from 'vitest';
import { csvNumber, formatInt, formatMeanCi, formatMetric, sig } from '../../src/report/format.ts';
import { metricByName } from '../../src/report/metric-catalog.ts';

const def = (name: string) => metricByName(name)!;

describe('number formatting', () => {
  it('writes CSV numbers rounded to 6 decimals, shortest form, no separators', () => {
    expect(csvNumber(81.90299999999999)).toBe('81.903');
    expect(csvNumber(0.1 + 0.2)).toBe('0.3'); // 0.30000000000000004
    expect(csvNumber(1234567)).toBe('1234567');
    expect(csvNumber(2 / 3)).toBe('0.666667');
    expect(csvNumber(2.16e-14)).toBe('0');
    expect(csvNumber(-2.16e-14)).toBe('0'); // not "-0"
  });

  it('prints significant digits with thousands separators', () => {
    expect(sig(81.90299999999999)).toBe('81.9');
    expect(sig(1234.5678)).toBe('1,235');
    expect(sig(123456.7)).toBe('123,457');
    expect(sig(0.0123456)).toBe('0.01235');
    expect(formatInt(1234567.4)).toBe('1,234,567');
    expect(formatMetric(def('util_cpu'), 0.135854)).toBe('13.59%');
  });

  it('reads float noise in a confidence half-width as 0', () => {
    // Three equal values of 60.96 gave `60.96 ± 2.16e-14` before.
    expect(formatMeanCi(def('active_hosts_mean'), 60.96, 2.16e-14)).toBe('60.96 ± 0');
    expect(formatMeanCi(def('util_cpu'), 0.6096, 2.16e-16)).toBe('60.96% ± 0%');
    // A real spread: 3 significant digits, in the metric's unit.
    expect(formatMeanCi(def('util_cpu'), 0.6123, 0.01344)).toBe('61.23% ± 1.34%');
    expect(formatMeanCi(def('placed'), 12, 4.968)).toBe('12 ± 4.97');
    // One seed: the value alone.
    expect(formatMeanCi(def('active_hosts_mean'), 60.96, null)).toBe('60.96');
    expect(formatMeanCi(def('active_hosts_mean'), null, null)).toBe('–');
  });
});
