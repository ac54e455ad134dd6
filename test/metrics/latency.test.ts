import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../src/metrics/latency.ts';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayWithMetrics } from '../helpers/metrics.ts';

describe('decision latency', () => {
  it('gives nearest-rank percentiles within the histogram’s 0.1% resolution', () => {
    // 100 driver calls of 1, 2, ..., 100 µs. HDR's rank for percentile p is round(p/100 · 100):
    // p50 is the 50th value (50 µs), p90 the 90th (90 µs), p99 the 99th (99 µs), max 100 µs.
    // 3 significant digits: a reported value is the top of its bucket, at most 0.1% above.
    const rec = new LatencyRecorder();
    for (let us = 100; us >= 1; us--) rec.record(us / 1000);
    const s = rec.summary();
    expect(s.count).toBe(100);
    const near = (got: number, want: number) => {
      expect(got).toBeGreaterThanOrEqual(want);
      expect(got).toBeLessThanOrEqual(want * 1.001);
    };
    near(s.p50!, 50);
    near(s.p90!, 90);
    near(s.p99!, 99);
    near(s.max!, 100);
    // mean of 1..100 = 50.5
    expect(s.mean).toBeCloseTo(50.5, 1);
    expect(s.percentiles.map((p) => p.percentile)).toEqual([0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]);
  });

  it('records one value per driver call, timed around the driver only', async () => {
    // Three requests (one of two instances): three driver calls, four decisions.
    const { m, r } = await replayWithMetrics(simpleCluster([{}, {}]), [
      'time,id,vcpus,memory_mb,count',
      '0,a,1,512,1',
      '1,b,1,512,2',
      '2,c,1,512,1',
    ]);
    expect(m.latency.count).toBe(3);
    expect(r.manager.stats.driverCalls).toBe(3);
    expect(r.manager.stats.decisions).toBe(4);
    // The histogram's values sum to the driver time the manager measured, within its resolution.
    const totalUs = r.manager.stats.driverMs * 1000;
    expect(Math.abs(m.latency.mean! * 3 - totalUs)).toBeLessThan(0.01 * totalUs + 1);
  });
});
