import type { Flavor } from '../model/flavor.ts';
import type { HostTable } from './host-table.ts';

// The arithmetic of host usage, in one place: a host's limits and what is left under them, whether a
// flavor fits (Nova's classic RamFilter / CoreFilter / DiskFilter, shared by the filters and the
// compute node's claim, so a host the filters pass is a host the claim accepts), and consuming or
// giving back a flavor. Arithmetic is written in Nova's order so that floating-point results match
// it bit for bit; callers must not re-derive it.

/** The usage fields a claim changes (and the compute node's own copy of them keeps). */
export type UsageArrays = Pick<HostTable, 'freeRamMb' | 'freeDiskMb' | 'vcpusUsed' | 'numInstances'>;

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

/** Does the flavor fit on host `h` now (all three resources)? */
export function flavorFits(t: HostTable, h: number, f: Flavor): boolean {
  return ramFits(t, h, f.memoryMb) && cpuFits(t, h, f.vcpus) && diskFits(t, h, f.diskGb);
}

/** Take a flavor's resources on host `h`. */
export function consume(u: UsageArrays, h: number, f: Flavor): void {
  u.freeRamMb[h] -= f.memoryMb;
  u.freeDiskMb[h] -= f.diskGb * 1024;
  u.vcpusUsed[h] += f.vcpus;
  u.numInstances[h] += 1;
}

/** Give a flavor's resources back on host `h` (the instance left). */
export function giveBack(u: UsageArrays, h: number, f: Flavor): void {
  u.freeRamMb[h] += f.memoryMb;
  u.freeDiskMb[h] += f.diskGb * 1024;
  u.vcpusUsed[h] -= f.vcpus;
  u.numInstances[h] -= 1;
}

/** Nova's `consume_from_request` on a HostState: the flavor's resources and one build in flight. */
export function consumeFromRequest(t: HostTable, h: number, f: Flavor): void {
  consume(t, h, f);
  t.numIoOps[h] += 1;
}

/** The builds on these hosts completed: no io ops in flight on them any more. */
export function finishBuilds(t: HostTable, hosts: readonly number[]): void {
  const io = t.numIoOps;
  for (const h of hosts) io[h] = 0;
}
