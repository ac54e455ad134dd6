// LOCAL STAND-IN, to be replaced at merge by the gpu-strategies part's file of the same path and
// signature (COMMON14.md): a minimal reading of FGD's definitions (Weng et al., USENIX ATC '23,
// section 3), enough for gpu-core's reports and tests.

import type { HostTable } from '../cluster/host-table.ts';
import { cpuFits, ramFits } from '../cluster/usage.ts';
import { GPU_MILLI } from '../common/limits.ts';
import type { Flavor } from '../model/flavor.ts';

/** The task types of a workload with their shares (FGD's target workload), struct-of-arrays. */
export interface TaskDistribution {
  readonly size: number;
  readonly vcpus: Float64Array;
  readonly memoryMb: Float64Array;
  readonly gpus: Int32Array;
  readonly gpuMilli: Int32Array;
  readonly weight: Float64Array; // shares, summing to 1
}

export function taskDistribution(flavors: Iterable<{ flavor: Flavor; count: number }>): TaskDistribution {
  const all = [...flavors].filter((f) => f.count > 0);
  const size = all.length;
  const d = {
    size,
    vcpus: new Float64Array(size),
    memoryMb: new Float64Array(size),
    gpus: new Int32Array(size),
    gpuMilli: new Int32Array(size),
    weight: new Float64Array(size),
  };
  let total = 0;
  for (const f of all) total += f.count;
  all.forEach(({ flavor, count }, i) => {
    d.vcpus[i] = flavor.vcpus;
    d.memoryMb[i] = flavor.memoryMb;
    d.gpus[i] = flavor.gpus;
    d.gpuMilli[i] = flavor.gpuMilli;
    d.weight[i] = count / total;
  });
  return d;
}

/**
 * FGD's expected GPU fragmentation of host h, in thousandths of a GPU, under the distribution:
 * Σ_m weight_m · F_h(m), where F_h(m) is all of the host's free GPU share when task m cannot run
 * there (vCPUs, RAM or GPUs short; FGD's task types carry no disk), 0 for a task without GPUs that can, and otherwise the free share
 * of the GPUs that could not serve m (free below m's per-GPU share).
 */
export function hostGpuFragmentation(t: HostTable, h: number, tasks: TaskDistribution): number {
  const n = t.gpuCount[h];
  if (n === 0) return 0;
  const start = t.gpuStart[h];
  const free = t.gpuFreeMilli;
  const total = t.gpuFreeMilliTotal[h];
  let frag = 0;
  for (let m = 0; m < tasks.size; m++) {
    const gpus = tasks.gpus[m];
    const milli = tasks.gpuMilli[m];
    const fitsElse = cpuFits(t, h, tasks.vcpus[m]) && ramFits(t, h, tasks.memoryMb[m]);
    let f: number;
    if (!fitsElse) f = total;
    else if (gpus === 0) f = 0;
    else {
      let usable = 0;
      let stranded = 0;
      for (let g = start; g < start + n; g++) {
        if (free[g] >= Math.min(milli, GPU_MILLI)) usable++;
        else stranded += free[g];
      }
      f = usable >= gpus ? stranded : total;
    }
    frag += tasks.weight[m] * f;
  }
  return frag;
}

/** The sum over hosts. */
export function clusterGpuFragmentation(t: HostTable, tasks: TaskDistribution): number {
  let sum = 0;
  for (let h = 0; h < t.size; h++) sum += hostGpuFragmentation(t, h, tasks);
  return sum;
}
