import type { ClusterState, Flavor } from '../cluster/cluster-state.ts';
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
 * RamFilter, CoreFilter and DiskFilter limits). So F_r is the expected share of free r that a
 * request drawn from the trace's own shape mix could not use where it lies. 0 when nothing is free.
 * Costs O(hosts × shapes); it runs once per window.
 */
export class FragmentationMeter {
  private readonly flavors: Flavor[];

  constructor(
    private readonly cluster: ClusterState,
    private readonly usage: UsageTracker,
    private readonly shapes: ShapeDistribution,
  ) {
    this.flavors = Array.from({ length: shapes.size }, (_, m) => ({
      vcpus: shapes.vcpus[m],
      memoryMb: shapes.memoryMb[m],
      diskGb: shapes.diskGb[m],
    }));
  }

  /** Write F_cpu, F_ram, F_disk for the cluster's current state into `out[0..3)`. */
  measure(out: Float64Array): void {
    const { usage, cluster, flavors } = this;
    const share = this.shapes.share;
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
      if (freeCpu === 0 && freeRam === 0 && freeDisk === 0) continue;
      let noFit = 0;
      for (let m = 0; m < flavors.length; m++) if (!cluster.fits(h, flavors[m])) noFit += share[m];
      numCpu += freeCpu * noFit;
      numRam += freeRam * noFit;
      numDisk += freeDisk * noFit;
    }
    out[0] = denCpu > 0 ? numCpu / denCpu : 0;
    out[1] = denRam > 0 ? numRam / denRam : 0;
    out[2] = denDisk > 0 ? numDisk / denDisk : 0;
  }
}
