import { GPU_MILLI } from '../common/limits.ts';
import type { Flavor } from '../model/flavor.ts';
import type { HostTable } from './host-table.ts';

// The arithmetic of host usage, in one place: a host's limits and what is left under them, whether a
// flavor fits (Nova's classic RamFilter / CoreFilter / DiskFilter, shared by the filters and the
// compute node's claim, so a host the filters pass is a host the claim accepts), and consuming or
// giving back a flavor. Arithmetic is written in Nova's order so that floating-point results match
// it bit for bit; callers must not re-derive it.

/** The usage fields a claim changes (and the compute node's own copy of them keeps). */
export type UsageArrays = Pick<
  HostTable,
  | 'freeRamMb'
  | 'freeDiskMb'
  | 'vcpusUsed'
  | 'numInstances'
  | 'gpuFreeMilli'
  | 'gpuFreeMilliTotal'
  | 'gpuStart'
>;

/** chooseGpus' answer when the GPUs do not fit. */
export const NO_GPU_FIT = -1n;

/** RAM limit, MB: total × ram_allocation_ratio. */
export function ramLimitMb(t: HostTable, h: number): number {
  return t.totalUsableRamMb[h] * t.ramAllocationRatio[h];
}

/** vCPU limit: total × cpu_allocation_ratio. */
export function vcpuLimit(t: HostTable, h: number): number {
  return t.vcpusTotal[h] * t.cpuAllocationRatio[h];
}

/** Disk limit, MB: 1024 × total GB × disk_allocation_ratio. */
export function diskLimitMb(t: HostTable, h: number): number {
  return t.totalUsableDiskGb[h] * 1024 * t.diskAllocationRatio[h];
}

// The left functions and the fits are per-host hot loops (filters, fit scores): each is written out
// flat, as nested calls cost the filters about 20% (bench: RamFilter); same arithmetic throughout.

/** RAM left under the limit, MB: the limit minus what is used (reservation included). */
export function ramLeftMb(t: HostTable, h: number): number {
  const total = t.totalUsableRamMb[h];
  return total * t.ramAllocationRatio[h] - (total - t.freeRamMb[h]);
}

/** vCPUs left under the limit. */
export function vcpusLeft(t: HostTable, h: number): number {
  return t.vcpusTotal[h] * t.cpuAllocationRatio[h] - t.vcpusUsed[h];
}

/** Disk left under the limit, MB. */
export function diskLeftMb(t: HostTable, h: number): number {
  const total = t.totalUsableDiskGb[h] * 1024;
  return total * t.diskAllocationRatio[h] - (total - t.freeDiskMb[h]);
}

/** RAM: an instance never overcommits against itself; then the ratio-scaled limit minus usage. */
export function ramFits(t: HostTable, h: number, requestedMb: number): boolean {
  const total = t.totalUsableRamMb[h];
  if (!(total >= requestedMb)) return false;
  const limit = total * t.ramAllocationRatio[h];
  const used = total - t.freeRamMb[h];
  return limit - used >= requestedMb;
}

/** vCPUs: a host reporting no vCPUs passes (Nova's fail-safe); otherwise as for RAM. */
export function cpuFits(t: HostTable, h: number, requested: number): boolean {
  const total = t.vcpusTotal[h];
  if (!total) return true;
  const limit = total * t.cpuAllocationRatio[h];
  if (limit > 0 && requested > total) return false;
  return !(limit - t.vcpusUsed[h] < requested);
}

/** Disk, in MB as Nova computes it: 1024 × root_gb (no ephemeral or swap in a trace). */
export function diskFits(t: HostTable, h: number, requestedGb: number): boolean {
  const requested = 1024 * requestedGb;
  const total = t.totalUsableDiskGb[h] * 1024;
  if (total < requested) return false;
  const limit = total * t.diskAllocationRatio[h];
  const used = total - t.freeDiskMb[h];
  return limit - used >= requested;
}

// The fit levels: per host, the largest request each fit predicate passes, so that for a number r
// ramFits(t, h, r) is exactly ramFitLevel(t, h) >= r (and so on): one value per host that the
// index's trees can take the max and min of. A NaN limit never fits: −Infinity.

/** min(total RAM, RAM left): ramFits(t, h, r) ⟺ r <= this. */
export function ramFitLevel(t: HostTable, h: number): number {
  const total = t.totalUsableRamMb[h];
  const left = total * t.ramAllocationRatio[h] - (total - t.freeRamMb[h]);
  const fit = total < left ? total : left;
  return Number.isNaN(fit) ? Number.NEGATIVE_INFINITY : fit;
}

/** min(total vCPUs, vCPUs left) as cpuFits reads them; +Infinity for a host reporting none. */
export function cpuFitLevel(t: HostTable, h: number): number {
  const total = t.vcpusTotal[h];
  if (!total) return Number.POSITIVE_INFINITY;
  const limit = total * t.cpuAllocationRatio[h];
  const left = limit - t.vcpusUsed[h];
  // cpuFits: !(left < r) passes a NaN left.
  const s = Number.isNaN(left) ? Number.POSITIVE_INFINITY : left;
  return limit > 0 && total < s ? total : s;
}

/** min(total disk, disk left), MB: diskFits(t, h, gb) ⟺ 1024 × gb <= this. */
export function diskFitLevel(t: HostTable, h: number): number {
  const total = t.totalUsableDiskGb[h] * 1024;
  const left = total * t.diskAllocationRatio[h] - (total - t.freeDiskMb[h]);
  const fit = total < left ? total : left;
  return Number.isNaN(fit) ? Number.NEGATIVE_INFINITY : fit;
}

/**
 * GPUs: `gpus` whole GPUs (gpuMilli 1000) need that many idle GPUs on the host; a share
 * (gpus 1, gpuMilli below 1000) needs one GPU with at least that much free. No GPUs always fit.
 */
export function gpuFits(t: HostTable, h: number, gpus: number, gpuMilli: number): boolean {
  if (gpus === 0) return true;
  const n = t.gpuCount[h];
  if (n < gpus || t.gpuFreeMilliTotal[h] < gpus * gpuMilli) return false;
  const free = t.gpuFreeMilli;
  const end = t.gpuStart[h] + n;
  if (gpuMilli >= GPU_MILLI) {
    let idle = 0;
    for (let g = t.gpuStart[h]; g < end; g++) if (free[g] >= GPU_MILLI && ++idle >= gpus) return true;
    return false;
  }
  for (let g = t.gpuStart[h]; g < end; g++) if (free[g] >= gpuMilli) return true;
  return false;
}

/** Does the flavor fit on host `h` now (RAM, vCPUs, disk and GPUs)? */
export function flavorFits(t: HostTable, h: number, f: Flavor): boolean {
  return (
    ramFits(t, h, f.memoryMb) &&
    cpuFits(t, h, f.vcpus) &&
    diskFits(t, h, f.diskGb) &&
    (f.gpus === 0 || gpuFits(t, h, f.gpus, f.gpuMilli))
  );
}

/**
 * The GPUs a claim of `f` takes on host `h`, as a mask of local GPU indices (bit i: the host's GPU
 * i): whole GPUs are the lowest-indexed idle ones; a share goes on the GPU with the least free share
 * that still fits (ties: the lowest index), or on GPU `named` when given (a local index the caller
 * has checked). 0n for a flavor without GPUs; NO_GPU_FIT when they do not fit.
 */
export function chooseGpus(
  t: UsageArrays & Pick<HostTable, 'gpuCount'>,
  h: number,
  f: Flavor,
  named = -1,
): bigint {
  if (f.gpus === 0) return 0n;
  const start = t.gpuStart[h];
  const n = t.gpuCount[h];
  const free = t.gpuFreeMilli;
  const milli = f.gpuMilli;
  if (milli >= GPU_MILLI) {
    let mask = 0n;
    let taken = 0;
    for (let i = 0; i < n && taken < f.gpus; i++) {
      if (free[start + i] >= GPU_MILLI) {
        mask |= 1n << BigInt(i);
        taken++;
      }
    }
    return taken === f.gpus ? mask : NO_GPU_FIT;
  }
  if (named >= 0) return free[start + named] >= milli ? 1n << BigInt(named) : NO_GPU_FIT;
  let best = -1;
  for (let i = 0; i < n; i++) {
    const left = free[start + i];
    if (left >= milli && (best < 0 || left < free[start + best])) best = i;
  }
  return best < 0 ? NO_GPU_FIT : 1n << BigInt(best);
}

/** Add `delta` thousandths to each GPU of host `h` in `mask`. */
function addGpuShare(u: UsageArrays, h: number, mask: bigint, delta: number): void {
  const start = u.gpuStart[h];
  // Two 32-bit halves: number bit tests, no BigInt per GPU.
  const halves = [Number(mask & 0xffff_ffffn), Number(mask >> 32n)];
  for (let half = 0; half < 2; half++) {
    let bits = halves[half];
    for (let i = 0; bits !== 0; i++, bits >>>= 1) {
      if ((bits & 1) === 0) continue;
      u.gpuFreeMilli[start + 32 * half + i] += delta;
      u.gpuFreeMilliTotal[h] += delta;
    }
  }
}

/** Take a flavor's resources on host `h`; `gpuMask` the GPUs chooseGpus picked (0n for none). */
export function consume(u: UsageArrays, h: number, f: Flavor, gpuMask = 0n): void {
  u.freeRamMb[h] -= f.memoryMb;
  u.freeDiskMb[h] -= f.diskGb * 1024;
  u.vcpusUsed[h] += f.vcpus;
  u.numInstances[h] += 1;
  // A flavor without GPUs holds none: no BigInt looked at.
  if (f.gpus !== 0 && gpuMask !== 0n) addGpuShare(u, h, gpuMask, -f.gpuMilli);
}

/** Give a flavor's resources back on host `h` (the instance left), with the GPUs it held. */
export function giveBack(u: UsageArrays, h: number, f: Flavor, gpuMask = 0n): void {
  u.freeRamMb[h] += f.memoryMb;
  u.freeDiskMb[h] += f.diskGb * 1024;
  u.vcpusUsed[h] -= f.vcpus;
  u.numInstances[h] -= 1;
  if (f.gpus !== 0 && gpuMask !== 0n) addGpuShare(u, h, gpuMask, f.gpuMilli);
}

/** Nova's `consume_from_request` on a HostState: the flavor's resources and one build in flight. */
export function consumeFromRequest(t: HostTable, h: number, f: Flavor, gpuMask = 0n): void {
  consume(t, h, f, gpuMask);
  t.numIoOps[h] += 1;
}

/** The builds on these hosts completed: no io ops in flight on them any more. */
export function finishBuilds(t: HostTable, hosts: readonly number[]): void {
  const io = t.numIoOps;
  for (const h of hosts) io[h] = 0;
}
