// The per-host spread: each host's time-weighted mean utilisation and the quantiles over hosts.
import { describe, expect, it } from 'vitest';
import { HostSpreadMeter, quantile } from '../../src/metrics/host-spread.ts';
import type { UsageTracker } from '../../src/metrics/usage.ts';

/** Three hosts, the last not schedulable; cap[r * 3 + h] with r 0 vCPU, 1 RAM. */
function tracker() {
  return {
    hosts: 3,
    schedulable: 2,
    isSchedulable: Uint8Array.of(1, 1, 0),
    cap: Float64Array.of(10, 8, 4, 100, 200, 50, 0, 0, 0),
    used: new Float64Array(9),
  };
}

describe('HostSpreadMeter', () => {
  it('weights each sample by the trace time it stands for', () => {
    const u = tracker();
    const m = new HostSpreadMeter(u as unknown as UsageTracker);
    expect(m.summary()).toBeUndefined();
    // 1 s: host 0 at 5/10 vCPU and 50/100 RAM; host 1 idle.
    u.used.set([5, 0, 4, 50, 0, 50]);
    m.sample(1);
    // 3 s: host 0 full; host 1 at 4/8 vCPU, 100/200 RAM. The unschedulable host 2 never counts.
    u.used.set([10, 4, 4, 100, 100, 50]);
    m.sample(3);
    m.sample(0); // no time: ignored
    const s = m.summary()!;
    // vCPU means: host 0 (0.5·1 + 1·3)/4 = 0.875, host 1 (0·1 + 0.5·3)/4 = 0.375.
    // RAM means: host 0 the same 0.875, host 1 0.375. Quantiles of [0.375, 0.875], linear.
    const q = { min: 0.375, p10: 0.425, p25: 0.5, p50: 0.625, p75: 0.75, p90: 0.825, max: 0.875 };
    expect(s.hosts).toBe(2);
    for (const r of [s.cpu, s.ram])
      for (const [k, v] of Object.entries(q)) expect(r[k as keyof typeof q]).toBeCloseTo(v, 12);
  });

  it('interpolates quantiles between ranks (numpy’s default)', () => {
    const xs = Float64Array.of(1, 2, 3, 4, 10);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 0.9)).toBeCloseTo(7.6, 12); // pos 3.6: 4 + 0.6 · 6
    expect(quantile(xs, 1)).toBe(10);
  });
});
