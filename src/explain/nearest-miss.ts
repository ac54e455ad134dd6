import type { HostTable } from '../cluster/host-table.ts';
import { diskLeftMb, ramLeftMb, vcpusLeft } from '../cluster/usage.ts';
import type { Flavor } from '../model/flavor.ts';
import type { Shortfall } from './record.ts';

const GPU_MILLI = 1000;

/** GPUs the host lacks for the flavor now: idle GPUs short for whole GPUs, 1 for a share with no room. */
function gpusShort(t: HostTable, h: number, f: Flavor): number {
  if (f.gpus === 0) return 0;
  const start = t.gpuStart[h];
  const end = start + t.gpuCount[h];
  if (f.gpuMilli >= GPU_MILLI) {
    let idle = 0;
    for (let g = start; g < end; g++) if (t.gpuFreeMilli[g] >= GPU_MILLI) idle++;
    return Math.max(0, f.gpus - idle);
  }
  for (let g = start; g < end; g++) if (t.gpuFreeMilli[g] >= f.gpuMilli) return 0;
  return 1;
}

/** What host `h` lacks, per resource, to take the flavor now (usage.ts's arithmetic of what is left). */
export function shortfall(t: HostTable, h: number, f: Flavor): Shortfall {
  return {
    ram_mb: Math.max(0, f.memoryMb - Math.min(ramLeftMb(t, h), t.totalUsableRamMb[h])),
    vcpus: t.vcpusTotal[h] ? Math.max(0, f.vcpus - vcpusLeft(t, h)) : 0,
    disk_gb: Math.max(0, f.diskGb - Math.min(diskLeftMb(t, h), t.totalUsableDiskGb[h] * 1024) / 1024),
    gpus: gpusShort(t, h, f),
  };
}

/** The shortfall as one distance: each resource's lack relative to what is asked, summed. */
function distance(s: Shortfall, f: Flavor): number {
  const rel = (short: number, asked: number) => (short > 0 ? short / Math.max(asked, 1) : 0);
  return rel(s.ram_mb, f.memoryMb) + rel(s.vcpus, f.vcpus) + rel(s.disk_gb, f.diskGb) + rel(s.gpus, f.gpus);
}

/**
 * The enabled, up host closest to fitting the flavor (smallest relative shortfall; ties: the lower
 * host number), with what it lacks; undefined when no host is enabled and up.
 */
export function nearestMiss(t: HostTable, f: Flavor): { host: number; short: Shortfall } | undefined {
  let best: { host: number; short: Shortfall } | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let h = 0; h < t.size; h++) {
    if (!t.serviceEnabled[h] || !t.serviceUp[h]) continue;
    const s = shortfall(t, h, f);
    const d = distance(s, f);
    if (d < bestDistance) {
      best = { host: h, short: s };
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Would the flavor fit on host `h` if the host ran nothing (its reservations only)? The same limits
 * as usage.ts's fits, with usage at the reservation.
 */
export function fitsEmptyHost(t: HostTable, h: number, f: Flavor): boolean {
  const ram = t.totalUsableRamMb[h];
  if (!(ram >= f.memoryMb) || ram * t.ramAllocationRatio[h] - t.reservedRamMb[h] < f.memoryMb) return false;
  const vcpus = t.vcpusTotal[h];
  if (vcpus && (f.vcpus > vcpus || vcpus * t.cpuAllocationRatio[h] < f.vcpus)) return false;
  const disk = t.totalUsableDiskGb[h] * 1024;
  const asked = 1024 * f.diskGb;
  if (disk < asked || disk * t.diskAllocationRatio[h] - t.reservedDiskMb[h] < asked) return false;
  if (f.gpus === 0) return true;
  return t.gpuCount[h] >= f.gpus;
}

/** Would the flavor fit on some enabled, up host of an empty cluster? */
export function fitsEmptyCluster(t: HostTable, f: Flavor): boolean {
  for (let h = 0; h < t.size; h++) {
    if (t.serviceEnabled[h] && t.serviceUp[h] && fitsEmptyHost(t, h, f)) return true;
  }
  return false;
}
