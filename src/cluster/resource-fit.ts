import type { HostTable } from './host-table.ts';

// Nova's classic RamFilter / CoreFilter / DiskFilter checks. The filters and the compute node's claim
// share these, so a host the filters pass is a host the claim accepts. Arithmetic is written in
// Nova's order so that floating-point results match it bit for bit.

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
