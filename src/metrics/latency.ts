import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles kept in the report for the latency-distribution plot. */
export const LATENCY_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 100] as const;

/** The latency figures; with no driver call, every statistic is null and `percentiles` empty. */
export interface LatencySummary {
  /** Driver calls recorded. */
  readonly count: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** `[percentile, µs]` at LATENCY_PERCENTILES. */
  readonly percentiles: { percentile: number; us: number }[];
}

/**
 * Values below this many nanoseconds (65.5 µs: nearly every decision) are counted in a plain array
 * and added to the histogram when it is read. The histogram is a function of the values recorded,
 * not of their order, so it ends the same; recording one into HDR cost about 80 ns, a tenth of a
 * median decision.
 */
const COUNTED_BELOW_NS = 1 << 16;

/**
 * Scheduling-call latency in an HDR histogram: one value per driver call (one pass over a
 * request's instances, or one reschedule), in nanoseconds, 3 significant digits (values within
 * 0.1% are one bucket). Recording is O(1) and allocates nothing.
 */
export class LatencyRecorder {
  /** How many calls took each number of nanoseconds below COUNTED_BELOW_NS, not yet in `hist`. */
  private readonly counted = new Float64Array(COUNTED_BELOW_NS);
  private pending = false;
  private readonly hist: Histogram = build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  /** Record one driver call of `ms` milliseconds. */
  record(ms: number): void {
    const ns = Math.max(1, Math.round(ms * 1e6));
    if (ns < COUNTED_BELOW_NS) {
      this.counted[ns]++;
      this.pending = true;
    } else this.hist.recordValue(ns);
  }

  private flush(): void {
    if (!this.pending) return;
    const counted = this.counted;
    for (let ns = 1; ns < COUNTED_BELOW_NS; ns++) {
      if (counted[ns] === 0) continue;
      this.hist.recordValueWithCount(ns, counted[ns]);
      counted[ns] = 0;
    }
    this.pending = false;
  }

  /**
   * Percentiles by nearest rank (HDR's getValueAtPercentile: the smallest recorded value with at
   * least p% of values at or below it, as the highest value of its bucket), in microseconds.
   */
  summary(): LatencySummary {
    this.flush();
    const h = this.hist;
    const us = (ns: number) => ns / 1000;
    // No call, no distribution: a median of nothing is not 0 µs.
    if (h.totalCount === 0)
      return { count: 0, mean: null, p50: null, p90: null, p99: null, max: null, percentiles: [] };
    return {
      count: h.totalCount,
      mean: us(h.mean),
      p50: us(h.getValueAtPercentile(50)),
      p90: us(h.getValueAtPercentile(90)),
      p99: us(h.getValueAtPercentile(99)),
      max: us(h.maxValue),
      percentiles: LATENCY_PERCENTILES.map((percentile) => ({
        percentile,
        us: us(percentile === 100 ? h.maxValue : h.getValueAtPercentile(percentile)),
      })),
    };
  }
}
