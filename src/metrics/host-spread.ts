import type { UsageTracker } from './usage.ts';

/** Quantiles of per-host utilisation over the schedulable hosts (docs/metrics.md, "Per-host spread"). */
export interface HostQuantiles {
  readonly min: number;
  readonly p10: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly max: number;
}

/** The spread of per-host mean utilisation, vCPU and RAM. */
export interface HostSpreadSummary {
  readonly hosts: number;
  readonly cpu: HostQuantiles;
  readonly ram: HostQuantiles;
}

/**
 * Each host's mean utilisation over the replay, sampled where the metrics already sample (once per
 * window end, O(hosts), never per row) and weighted by the trace time each sample stands for.
 */
export class HostSpreadMeter {
  private readonly acc: Float64Array;
  private weight = 0;

  constructor(private readonly usage: UsageTracker) {
    this.acc = new Float64Array(2 * usage.hosts);
  }

  /** The current per-host usage, standing for `dt` trace seconds. */
  sample(dt: number): void {
    if (!(dt > 0)) return;
    const u = this.usage;
    const n = u.hosts;
    for (let r = 0; r < 2; r++) {
      for (let h = 0; h < n; h++) {
        const c = u.cap[r * n + h];
        if (c > 0) this.acc[r * n + h] += (u.used[r * n + h] / c) * dt;
      }
    }
    this.weight += dt;
  }

  summary(): HostSpreadSummary | undefined {
    const u = this.usage;
    const n = u.hosts;
    if (u.schedulable === 0 || !(this.weight > 0)) return undefined;
    const per = (r: number): HostQuantiles => {
      const xs = new Float64Array(u.schedulable);
      let j = 0;
      for (let h = 0; h < n; h++) if (u.isSchedulable[h] === 1) xs[j++] = this.acc[r * n + h] / this.weight;
      xs.sort();
      return {
        min: xs[0],
        p10: quantile(xs, 0.1),
        p25: quantile(xs, 0.25),
        p50: quantile(xs, 0.5),
        p75: quantile(xs, 0.75),
        p90: quantile(xs, 0.9),
        max: xs[xs.length - 1],
      };
    };
    return { hosts: u.schedulable, cpu: per(0), ram: per(1) };
  }
}

/** Linear interpolation between the closest ranks (type 7, as numpy's default), `xs` sorted. */
export function quantile(xs: Float64Array, q: number): number {
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, xs.length - 1);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}
