import type { HostTable } from '../cluster/host-table.ts';
import { ramLeftMb, vcpusLeft } from '../cluster/usage.ts';
import type { Flavor } from '../model/flavor.ts';

// GPU fragmentation as the FGD paper defines it (Weng et al., "Beware of Fragmentation: Scheduling
// GPU-Sharing Workloads with Fragmentation Gradient Descent", USENIX ATC'23, §3) and its simulator
// computes it (github.com/hkust-adsl/kubernetes-scheduler-simulator, pkg/utils/frag.go:
// NodeGpuShareFragAmountScore, GetNodePodFrag, CanNodeHostPodOnGpuMemory,
// GetGpuFragMilliByNodeResAndPodRes). For one task type m on host h, with F = the host's free GPU
// thousandths summed over its GPUs:
//   - m asks for no GPU (XL/XR): all of F is fragment (m cannot use any of it);
//   - m does not fit the host's CPU or RAM (Q1/Q4): all of F;
//   - m fits CPU and RAM but not the GPUs (Q2): all of F;
//   - m fits (Q3): the free share of each GPU with less free than m's per-GPU share.
// The host's fragmentation is the expectation over the task types, Σ_m p_m · F_m(h). Where we
// differ from the simulator, and why: it checks CPU only; a task that cannot fit the host's RAM
// cannot use its GPUs either, so RAM counts as CPU does (RAM left under ram_allocation_ratio, as
// RamFilter; CPU under cpu_allocation_ratio). The task types carry no GPU model, so the
// simulator's NoAccess class (a model constraint the host fails) does not arise.

/** The task types of a workload with their shares (FGD's target workload), struct-of-arrays. */
export interface TaskDistribution {
  readonly size: number;
  readonly vcpus: Float64Array;
  readonly memoryMb: Float64Array;
  readonly gpus: Int32Array;
  readonly gpuMilli: Int32Array;
  /** Shares, summing to 1. */
  readonly weight: Float64Array;
}

interface TaskCount {
  vcpus: number;
  memoryMb: number;
  gpus: number;
  gpuMilli: number;
  n: number;
}

/**
 * The task types of a flavor mix: flavors with the same vCPUs, RAM, GPUs and GPU share are one type
 * (disk plays no part in GPU fragmentation), weighted by instance count. Sorted by weight
 * descending, then as the simulator's SortTargetPodInDecreasingCount breaks ties (larger CPU, then
 * GPU share, then GPU count first), then larger RAM. Entries with no instances are left out.
 */
export function taskDistribution(flavors: Iterable<{ flavor: Flavor; count: number }>): TaskDistribution {
  const byKey = new Map<string, TaskCount>();
  for (const { flavor: f, count } of flavors) {
    if (!(count > 0)) continue;
    const key = `${f.vcpus}|${f.memoryMb}|${f.gpus}|${f.gpuMilli}`;
    const c = byKey.get(key);
    if (c) c.n += count;
    else
      byKey.set(key, { vcpus: f.vcpus, memoryMb: f.memoryMb, gpus: f.gpus, gpuMilli: f.gpuMilli, n: count });
  }
  return fromCounts([...byKey.values()]);
}

/**
 * The simulator's typical tasks (GetTypicalPods with podIncreaseStep 1): the most frequent types,
 * taken in the distribution's order until their shares reach `share` (its podPopularityThreshold,
 * 95% in the paper's runs), renormalised to sum to 1. `share` ≥ 1 keeps every type.
 */
export function typicalTasks(d: TaskDistribution, share: number): TaskDistribution {
  const kept: TaskCount[] = [];
  let cum = 0;
  for (let m = 0; m < d.size && (kept.length === 0 || cum < share); m++) {
    kept.push({
      vcpus: d.vcpus[m],
      memoryMb: d.memoryMb[m],
      gpus: d.gpus[m],
      gpuMilli: d.gpuMilli[m],
      n: d.weight[m],
    });
    cum += d.weight[m];
  }
  return fromCounts(kept);
}

function fromCounts(all: TaskCount[]): TaskDistribution {
  all.sort(
    (a, b) =>
      b.n - a.n || b.vcpus - a.vcpus || b.gpuMilli - a.gpuMilli || b.gpus - a.gpus || b.memoryMb - a.memoryMb,
  );
  const size = all.length;
  let total = 0;
  for (const c of all) total += c.n;
  const d = {
    size,
    vcpus: new Float64Array(size),
    memoryMb: new Float64Array(size),
    gpus: new Int32Array(size),
    gpuMilli: new Int32Array(size),
    weight: new Float64Array(size),
  };
  all.forEach((c, m) => {
    d.vcpus[m] = c.vcpus;
    d.memoryMb[m] = c.memoryMb;
    d.gpus[m] = c.gpus;
    d.gpuMilli[m] = c.gpuMilli;
    d.weight[m] = c.n / total;
  });
  return d;
}

/** FGD's expected GPU fragmentation of host h, in thousandths of a GPU, under the distribution. */
export function hostGpuFragmentation(t: HostTable, h: number, tasks: TaskDistribution): number {
  return fragmentation(t, h, tasks, 0, 0, 0, -1, 0);
}

/** The sum over hosts. */
export function clusterGpuFragmentation(t: HostTable, tasks: TaskDistribution): number {
  let sum = 0;
  for (let h = 0; h < t.size; h++) sum += fragmentation(t, h, tasks, 0, 0, 0, -1, 0);
  return sum;
}

/**
 * Host h's fragmentation if `f` were placed on it (the simulator's nodeRes.Sub): its vCPUs and RAM
 * taken; a GPU-share flavor's share taken from the host's local GPU `gpu`; whole GPUs taken from
 * idle ones (which idle ones does not change the value). Reads the table; changes nothing.
 */
export function hostGpuFragmentationAfter(
  t: HostTable,
  h: number,
  tasks: TaskDistribution,
  f: Flavor,
  gpu: number,
): number {
  if (f.gpus === 0) return fragmentation(t, h, tasks, f.vcpus, f.memoryMb, 0, -1, 0);
  if (f.gpuMilli < 1000)
    return fragmentation(t, h, tasks, f.vcpus, f.memoryMb, 0, t.gpuStart[h] + gpu, f.gpuMilli);
  return fragmentation(t, h, tasks, f.vcpus, f.memoryMb, f.gpus, -1, 0);
}

/**
 * The one computation: `takeIdle` idle GPUs count as full and GPU `shareGpu` (a global index, -1 for
 * none) has `shareMilli` less free, after `dVcpus` and `dMemMb` are taken. O(task types × GPUs of h).
 */
function fragmentation(
  t: HostTable,
  h: number,
  tasks: TaskDistribution,
  dVcpus: number,
  dMemMb: number,
  takeIdle: number,
  shareGpu: number,
  shareMilli: number,
): number {
  const start = t.gpuStart[h];
  const end = t.gpuStart[h + 1];
  if (start === end) return 0;
  const free = t.gpuFreeMilli;
  const total = t.gpuFreeMilliTotal[h] - 1000 * takeIdle - shareMilli;
  if (total <= 0) return 0;
  // A host reporting no vCPUs passes the CPU check (CoreFilter's fail-safe).
  const cpuLeft = t.vcpusTotal[h] ? vcpusLeft(t, h) - dVcpus : Number.POSITIVE_INFINITY;
  const ramLeft = ramLeftMb(t, h) - dMemMb;
  let frag = 0;
  for (let m = 0; m < tasks.size; m++) {
    const milli = tasks.gpuMilli[m];
    const w = tasks.weight[m];
    if (milli === 0 || cpuLeft < tasks.vcpus[m] || ramLeft < tasks.memoryMb[m]) {
      frag += w * total; // XL/XR, Q1/Q4: no part of the free GPUs is usable by this type
      continue;
    }
    let usable = 0; // GPUs with at least `milli` free
    let below = 0; // free thousandths on GPUs with less than `milli` free
    let skipped = 0;
    for (let g = start; g < end; g++) {
      let left = free[g];
      if (g === shareGpu) left -= shareMilli;
      else if (left === 1000 && skipped < takeIdle) {
        skipped++;
        continue;
      }
      if (left >= milli) usable++;
      else below += left;
    }
    frag += usable >= tasks.gpus[m] ? w * below : w * total; // Q3 : Q2
  }
  return frag;
}
