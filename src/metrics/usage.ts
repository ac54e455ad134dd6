import type { ClusterState } from '../cluster/cluster-state.ts';
import { diskLimitMb, ramLimitMb, vcpuLimit } from '../cluster/usage.ts';
import type { Flavor } from '../model/flavor.ts';

/**
 * Per-host usage as the metrics see it, kept from placement and release events (so it is exact at
 * every trace instant), with running sums that make every instantaneous figure O(1):
 * cluster utilisation, utilisation over active hosts, active host count, and the mean and variance
 * of per-host utilisation (for the coefficient of variation).
 *
 * Capacity is schedulable capacity, the limit the resource filters and the claim enforce (see
 * docs/metrics.md): vCPUs `vcpus · cpu_ratio`, RAM `memory_mb · ram_ratio − reserved`, disk
 * `disk_gb · 1024 · disk_ratio − reserved` (MB). Only schedulable hosts (enabled and up) count.
 */
export class UsageTracker {
  readonly hosts: number;
  /** Hosts that are enabled and up: the denominator of every per-host average. */
  readonly schedulable: number;
  readonly isSchedulable: Uint8Array;
  /** cap[r * hosts + h]. */
  readonly cap: Float64Array;
  readonly used: Float64Array;
  /** Live instances per host, as the metrics counted them. */
  readonly instances: Int32Array;
  /** Σ capacity over schedulable hosts, per resource. */
  readonly capTotal = new Float64Array(3);
  /** Σ used over schedulable hosts, per resource. */
  readonly usedTotal = new Float64Array(3);
  /** Σ capacity over schedulable hosts with at least one instance, per resource. */
  readonly capActive = new Float64Array(3);
  /** Σ u_h and Σ u_h² of per-host utilisation u_h = used/cap over schedulable hosts, per resource. */
  readonly sumU = new Float64Array(3);
  readonly sumU2 = new Float64Array(3);
  /** Hosts (any) with at least one live instance. */
  active = 0;
  /** Live instances in all. */
  live = 0;

  constructor(cluster: ClusterState) {
    const t = cluster.hosts;
    const n = t.size;
    this.hosts = n;
    this.isSchedulable = new Uint8Array(n);
    this.cap = new Float64Array(3 * n);
    this.used = new Float64Array(3 * n);
    this.instances = new Int32Array(n);
    let schedulable = 0;
    for (let h = 0; h < n; h++) {
      const ok = t.serviceEnabled[h] === 1 && t.serviceUp[h] === 1;
      this.isSchedulable[h] = ok ? 1 : 0;
      if (ok) schedulable++;
      this.cap[h] = Math.max(0, vcpuLimit(t, h));
      this.cap[n + h] = Math.max(0, ramLimitMb(t, h) - t.reservedRamMb[h]);
      this.cap[2 * n + h] = Math.max(0, diskLimitMb(t, h) - t.reservedDiskMb[h]);
      if (ok) for (let r = 0; r < 3; r++) this.capTotal[r] += this.cap[r * n + h];
    }
    this.schedulable = schedulable;
  }

  /** An instance of `flavor` arrives on (`sign` 1) or leaves (`sign` -1) host `h`. */
  change(h: number, f: Flavor, sign: 1 | -1): void {
    const n = this.hosts;
    const before = this.instances[h];
    const after = before + sign;
    this.instances[h] = after;
    this.live += sign;
    const ok = this.isSchedulable[h] === 1;
    if (before === 0 && after > 0) {
      this.active++;
      if (ok) for (let r = 0; r < 3; r++) this.capActive[r] += this.cap[r * n + h];
    } else if (before > 0 && after === 0) {
      this.active--;
      if (ok) for (let r = 0; r < 3; r++) this.capActive[r] -= this.cap[r * n + h];
    }
    this.bump(0, h, sign * f.vcpus, ok);
    this.bump(1, h, sign * f.memoryMb, ok);
    this.bump(2, h, sign * f.diskGb * 1024, ok);
  }

  /** Cluster utilisation of resource r: Σ used / Σ capacity over schedulable hosts (0 without capacity). */
  utilisation(r: number): number {
    return this.capTotal[r] > 0 ? this.usedTotal[r] / this.capTotal[r] : 0;
  }

  /** Utilisation over active hosts: Σ used / Σ capacity of schedulable hosts holding an instance. */
  activeUtilisation(r: number): number {
    return this.capActive[r] > 0 ? this.usedTotal[r] / this.capActive[r] : 0;
  }

  /** Mean per-host utilisation μ_r over schedulable hosts. */
  meanHostUtilisation(r: number): number {
    return this.schedulable > 0 ? this.sumU[r] / this.schedulable : 0;
  }

  /** Coefficient of variation σ/μ of per-host utilisation (population σ); NaN when μ is 0. */
  cv(r: number): number {
    const n = this.schedulable;
    // usedTotal is a sum of integers, exact: an empty cluster is told apart without rounding noise.
    if (n === 0 || this.usedTotal[r] === 0) return Number.NaN;
    const mu = this.sumU[r] / n;
    if (!(mu > 0)) return Number.NaN;
    const variance = Math.max(0, this.sumU2[r] / n - mu * mu);
    return Math.sqrt(variance) / mu;
  }

  /**
   * Recompute the running sums of ratios from the per-host arrays, so rounding from millions of
   * incremental updates cannot accumulate (called once per window, O(hosts)).
   */
  resync(): void {
    const n = this.hosts;
    this.sumU.fill(0);
    this.sumU2.fill(0);
    this.capActive.fill(0);
    for (let r = 0; r < 3; r++) {
      for (let h = 0; h < n; h++) {
        if (this.isSchedulable[h] === 0) continue;
        const c = this.cap[r * n + h];
        if (this.instances[h] > 0) this.capActive[r] += c;
        if (c > 0) {
          const u = this.used[r * n + h] / c;
          this.sumU[r] += u;
          this.sumU2[r] += u * u;
        }
      }
    }
  }

  private bump(r: number, h: number, delta: number, schedulable: boolean): void {
    const i = r * this.hosts + h;
    const before = this.used[i];
    const after = before + delta;
    this.used[i] = after;
    if (!schedulable) return;
    this.usedTotal[r] += delta;
    const c = this.cap[i];
    if (c > 0) {
      const u0 = before / c;
      const u1 = after / c;
      this.sumU[r] += u1 - u0;
      this.sumU2[r] += u1 * u1 - u0 * u0;
    }
  }
}
