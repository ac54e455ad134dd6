import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Flavor } from '../model/flavor.ts';
import type { ShapeDistribution } from './shapes.ts';
import type { UsageTracker } from './usage.ts';

/**
 * Fragmentation at one instant, in the spirit of FGD (Weng et al., "Beware of Fragmentation",
 * USENIX ATC '23), for each resource r:
 *
 *   F_r = Σ_h free_r(h) · P_h  /  Σ_h free_r(h),    P_h = Σ_m p_m · [shape m does not fit on h]
 *
 * over schedulable hosts h, where free_r(h) is schedulable capacity minus usage, p_m the share of
 * the trace's instances with shape m, and "fits" the compute node's claim check (the classic
 * RamFilter, CoreFilter and DiskFilter limits, and GPUs). So F_r is the expected share of free r that a
 * request drawn from the trace's own shape mix could not use where it lies. It has no value (NaN,
 * null in the report) when nothing of r is free, or the trace has no shape to draw from.
 */
export class FragmentationMeter {
  private readonly flavors: Flavor[];
  /** P_h per host, valid unless the host is dirty. */
  private readonly noFit: Float64Array;
  private readonly dirty: Uint8Array;
  private readonly dirtyList: Int32Array;
  private dirtyCount = 0;

  constructor(
    private readonly cluster: ClusterState,
    private readonly usage: UsageTracker,
    private readonly shapes: ShapeDistribution,
  ) {
    this.flavors = Array.from({ length: shapes.size }, (_, m) => ({
      vcpus: shapes.vcpus[m],
      memoryMb: shapes.memoryMb[m],
      diskGb: shapes.diskGb[m],
      gpus: shapes.gpus[m],
      gpuMilli: shapes.gpuMilli[m],
    }));
    const n = usage.hosts;
    this.noFit = new Float64Array(n);
    this.dirty = new Uint8Array(n);
    this.dirtyList = new Int32Array(n);
    for (let h = 0; h < n; h++) this.touch(h);
  }

  /** Host `h`'s usage changed: its P_h is recomputed at the next measurement. */
  touch(h: number): void {
    if (this.dirty[h] === 1) return;
    this.dirty[h] = 1;
    this.dirtyList[this.dirtyCount++] = h;
  }

  /**
   * Write F_cpu, F_ram, F_disk for the cluster's current state into `out[0..3)` (NaN: no value). P_h is recomputed
   * only for hosts whose usage changed since the last measurement, so a measurement costs
   * O(hosts + changed hosts × shapes).
   */
  measure(out: Float64Array): void {
    const { usage, cluster, flavors, noFit } = this;
    const share = this.shapes.share;
    for (let i = 0; i < this.dirtyCount; i++) {
      const h = this.dirtyList[i];
      this.dirty[h] = 0;
      let p = 0;
      for (let m = 0; m < flavors.length; m++) if (!cluster.fits(h, flavors[m])) p += share[m];
      noFit[h] = p;
    }
    this.dirtyCount = 0;
    const n = usage.hosts;
    let numCpu = 0;
    let numRam = 0;
    let numDisk = 0;
    let denCpu = 0;
    let denRam = 0;
    let denDisk = 0;
    for (let h = 0; h < n; h++) {
      if (usage.isSchedulable[h] === 0) continue;
      const freeCpu = Math.max(0, usage.cap[h] - usage.used[h]);
      const freeRam = Math.max(0, usage.cap[n + h] - usage.used[n + h]);
      const freeDisk = Math.max(0, usage.cap[2 * n + h] - usage.used[2 * n + h]);
      denCpu += freeCpu;
      denRam += freeRam;
      denDisk += freeDisk;
      const p = noFit[h];
      numCpu += freeCpu * p;
      numRam += freeRam * p;
      numDisk += freeDisk * p;
    }
    const none = flavors.length === 0;
    out[0] = denCpu > 0 && !none ? numCpu / denCpu : Number.NaN;
    out[1] = denRam > 0 && !none ? numRam / denRam : Number.NaN;
    out[2] = denDisk > 0 && !none ? numDisk / denDisk : Number.NaN;
  }
}
