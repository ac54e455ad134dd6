import { build } from 'hdr-histogram-js';
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

  it('summarises exactly as an HDR histogram fed every value in order', () => {
    // Short calls are counted apart and added when the summary is read, long ones (65.5 µs and up)
    // go straight in: the figures must be the plain histogram's, whatever the mix and order.
    const plain = build({
      bitBucketSize: 32,
      autoResize: true,
      lowestDiscernibleValue: 1,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    });
    const rec = new LatencyRecorder();
    let x = 12345;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      // Mostly 0.2-5 µs, some up to 2 ms, a few below 1 ns (recorded as 1 ns).
      const ms = i % 97 === 0 ? (x % 2_000_000) / 1e6 : i % 89 === 0 ? 1e-7 : (200 + (x % 4800)) / 1e6;
      rec.record(ms);
      plain.recordValue(Math.max(1, Math.round(ms * 1e6)));
    }
    const s = rec.summary();
    const us = (ns: number) => ns / 1000;
    expect(s.count).toBe(20_000);
    expect(s.mean).toBe(us(plain.mean));
    expect(s.max).toBe(us(plain.maxValue));
    expect(s.percentiles).toEqual(
      [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100].map((p) => ({
        percentile: p,
        us: us(p === 100 ? plain.maxValue : plain.getValueAtPercentile(p)),
      })),
    );
    // Read twice: nothing is added again.
    expect(rec.summary()).toEqual(s);
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
