import type { ClusterState } from '../cluster/cluster-state.ts';
import { GPU_MILLI } from '../common/limits.ts';
import type { Flavor } from '../model/flavor.ts';
import { AllocationCurve, type AllocationPoint } from './gpu-allocation-curve.ts';
import { clusterGpuFragmentation, type TaskDistribution } from './gpu-fragmentation.ts';

/** The GPU figures of a report (docs/metrics.md, "GPUs"); only for a cluster with GPUs. */
export interface GpuSummary {
  /** GPUs on schedulable hosts. */
  readonly capacity_gpus: number;
  /**
   * Time-weighted allocated GPU share / capacity, and its highest instantaneous value; null when
   * no schedulable host has a GPU (and the first for a replay of no row).
   */
  readonly utilisation: number | null;
  readonly peak_utilisation: number | null;
  /** GPUs asked for by every instance decided (placed or NoValidHost), and by those placed. */
  readonly arrived_gpus: number;
  readonly allocated_gpus: number;
  /** allocated_gpus / arrived_gpus (FGD's GPU allocation rate); null when no instance asked for a GPU. */
  readonly allocation_rate: number | null;
  /**
   * Once every row is read (the last arrival decided; with no departures, the end): capacity minus
   * the GPU share allocated, in GPUs.
   */
  readonly unallocated_gpus: number;
  /**
   * FGD's expected GPU fragmentation then, in GPUs, under the trace's task distribution; null when
   * the trace has no task (an expectation over no request).
   */
  readonly fragmentation_gpus: number | null;
  /** fragmentation_gpus / unallocated_gpus; null when no GPU is free (or no fragmentation). */
  readonly fragmentation_rate: number | null;
  /**
   * The FGD paper's plot: allocated GPU % of capacity against arrived GPU demand in whole percent,
   * sampled after every instance decided or released (src/metrics/gpu-allocation-curve.ts).
   */
  readonly allocation_curve: AllocationPoint[];
}

/**
 * GPU allocation as the metrics see it: running sums in thousandths of a GPU from placement and
 * release events (O(1) each), the utilisation integral, and FGD fragmentation at the end.
 */
export class GpuMeter {
  private readonly schedulable: Uint8Array;
  /** GPU capacity of the schedulable hosts, in milli-GPUs. */
  readonly capacityMilli: number;
  private allocatedMilli = 0;
  private arrivedMilli = 0;
  private placedMilli = 0;
  private integral = 0;
  private span = 0;
  private peak = 0;
  private atLastArrival: { unallocated: number; fragmentation: number } | undefined;
  private readonly curve: AllocationCurve;

  constructor(
    private readonly cluster: ClusterState,
    private readonly tasks: TaskDistribution,
  ) {
    const t = cluster.hosts;
    this.schedulable = new Uint8Array(t.size);
    let cap = 0;
    for (let h = 0; h < t.size; h++) {
      if (t.serviceEnabled[h] === 1 && t.serviceUp[h] === 1) {
        this.schedulable[h] = 1;
        cap += GPU_MILLI * t.gpuCount[h];
      }
    }
    this.capacityMilli = cap;
    this.curve = new AllocationCurve(cap / GPU_MILLI);
  }

  /** Allocated share / capacity now. */
  utilisation(): number {
    return this.capacityMilli > 0 ? this.allocatedMilli / this.capacityMilli : 0;
  }

  /** GPUs allocated now (on schedulable hosts), in GPUs. */
  allocatedGpus(): number {
    return this.allocatedMilli / GPU_MILLI;
  }

  /** An instance was decided: placed on `host`, or NoValidHost (host -1). */
  scheduled(f: Flavor, host: number): void {
    if (f.gpus > 0) {
      const demand = f.gpus * f.gpuMilli;
      this.arrivedMilli += demand;
      if (host >= 0) {
        this.placedMilli += demand;
        if (this.schedulable[host] === 1) this.allocatedMilli += demand;
        this.peak = Math.max(this.peak, this.utilisation());
      }
    }
    // Every pod, with or without GPUs, placed or not, is one [Alloc] line in the simulator.
    this.curve.sample(this.arrivedMilli, this.allocatedMilli);
  }

  released(f: Flavor, host: number): void {
    if (f.gpus > 0 && this.schedulable[host] === 1) this.allocatedMilli -= f.gpus * f.gpuMilli;
    this.curve.sample(this.arrivedMilli, this.allocatedMilli);
  }

  /** The current state held for `dt` trace seconds. */
  hold(dt: number): void {
    this.integral += this.utilisation() * dt;
    this.span += dt;
  }

  /** Every row is read: take the unallocated GPUs and the fragmentation now (O(hosts × tasks × GPUs), once). */
  rowsEnd(): void {
    this.atLastArrival = {
      unallocated: (this.capacityMilli - this.allocatedMilli) / GPU_MILLI,
      fragmentation: clusterGpuFragmentation(this.cluster.hosts, this.tasks) / GPU_MILLI,
    };
  }

  /** The figures; `replayed` false for a replay of no row (no span: no time-weighted utilisation). */
  summary(replayed = true): GpuSummary {
    if (!this.atLastArrival) this.rowsEnd();
    const { unallocated } = this.atLastArrival!;
    const frag = this.tasks.size > 0 ? this.atLastArrival!.fragmentation : null;
    const gpus = this.capacityMilli > 0;
    return {
      capacity_gpus: this.capacityMilli / GPU_MILLI,
      // A replay without duration: its final state, as for the other utilisations.
      utilisation: !gpus || !replayed ? null : this.span > 0 ? this.integral / this.span : this.utilisation(),
      peak_utilisation: gpus ? this.peak : null,
      arrived_gpus: this.arrivedMilli / GPU_MILLI,
      allocated_gpus: this.placedMilli / GPU_MILLI,
      allocation_rate: this.arrivedMilli > 0 ? this.placedMilli / this.arrivedMilli : null,
      unallocated_gpus: unallocated,
      fragmentation_gpus: frag,
      fragmentation_rate: frag !== null && unallocated > 0 ? Math.min(1, frag / unallocated) : null,
      allocation_curve: this.curve.points(),
    };
  }
}
