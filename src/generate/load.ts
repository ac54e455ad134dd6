import { type ClusterFile, clusterFileSchema } from '../cluster/schema.ts';
import { UsageError } from '../common/errors.ts';
import { parseStructured, readStructuredFile } from '../common/structured-file.ts';
import { generateCluster } from './cluster.ts';
import { BUILT_IN_FLAVORS } from './flavors.ts';
import type { GeneratorOptions } from './options.ts';

/** Schedulable capacity per resource: vCPUs, MiB, GB, thousandths of a GPU. */
export interface Capacity {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  readonly gpuMilli: number;
}

/** Capacity of a cluster file's enabled, up hosts, after allocation ratios and reservations. */
export function clusterCapacity(c: ClusterFile): Capacity {
  let vcpus = 0;
  let memoryMb = 0;
  let diskGb = 0;
  let gpuMilli = 0;
  const r = c.allocation_ratios;
  const add = (
    h: NonNullable<ClusterFile['hosts']>[number] | NonNullable<ClusterFile['groups']>[number],
    n: number,
  ) => {
    if (!h.enabled || !h.up) return;
    vcpus += n * h.vcpus * r.cpu;
    memoryMb += n * Math.max(0, h.memory_mb * r.ram - c.reserved.memory_mb);
    diskGb += n * Math.max(0, h.disk_gb * r.disk - c.reserved.disk_gb);
    gpuMilli += n * ((h as { gpus?: number }).gpus ?? 0) * 1000;
  };
  for (const h of c.hosts ?? []) add(h, 1);
  for (const g of c.groups ?? []) add(g, g.count);
  return { vcpus, memoryMb, diskGb, gpuMilli };
}

/** The capacity of the cluster file at `path`, or of the generated cluster when none is given. */
export function loadCapacity(o: GeneratorOptions, path?: string): Capacity {
  if (path === undefined) return clusterCapacity(clusterFileSchema.parse(generateCluster(o)));
  const file = readStructuredFile(path);
  return clusterCapacity(parseStructured(file, clusterFileSchema));
}

/** Mean demand of one arrival (a create of `count` instances, or a stray delete), per resource. */
export function meanDemandPerArrival(o: GeneratorOptions): Capacity {
  const flavors = o.flavors ?? BUILT_IN_FLAVORS;
  const total = flavors.reduce((s, f) => s + f.weight, 0);
  const creates = (1 - o.strayDeleteShare) * (1 - o.multiInstanceShare + o.multiInstanceShare * 3.5);
  let vcpus = 0;
  let memoryMb = 0;
  let diskGb = 0;
  let gpuMilli = 0;
  const gpuWeights = Object.entries(o.gpuCounts);
  const gpuTotal = gpuWeights.reduce((s, [, w]) => s + w, 0);
  const wholeGpus = gpuTotal > 0 ? gpuWeights.reduce((s, [n, w]) => s + Number(n) * w, 0) / gpuTotal : 0;
  const shareMilli = o.gpuMilliChoices.reduce((s, m) => s + m, 0) / o.gpuMilliChoices.length;
  const drawnGpu = o.gpuShare * (o.gpuSharingShare * shareMilli + (1 - o.gpuSharingShare) * wholeGpus * 1000);
  for (const f of flavors) {
    const p = f.weight / total;
    vcpus += p * f.vcpus;
    memoryMb += p * f.memoryMb;
    diskGb += p * f.diskGb;
    gpuMilli += p * (f.gpus > 0 ? f.gpus * f.gpuMilli : drawnGpu);
  }
  return {
    vcpus: creates * vcpus,
    memoryMb: creates * memoryMb,
    diskGb: creates * diskGb,
    gpuMilli: creates * gpuMilli,
  };
}

/**
 * The mean gap between arrivals that puts mean demand at `targetLoad` of capacity in the dominant
 * resource (Little's law: mean demand = arrival rate x demand per arrival x mean lifetime).
 */
export function meanGapForLoad(o: GeneratorOptions, targetLoad: number, capacity: Capacity): number {
  const d = meanDemandPerArrival(o);
  let worst = 0;
  for (const k of ['vcpus', 'memoryMb', 'diskGb', 'gpuMilli'] as const) {
    if (d[k] > 0 && capacity[k] <= 0)
      throw new UsageError(`--target-load: the trace asks for ${k} and the cluster has none`);
    if (d[k] > 0) worst = Math.max(worst, d[k] / capacity[k]);
  }
  if (worst === 0) throw new UsageError('--target-load: the flavors ask for nothing');
  return (worst * o.meanLifetime) / targetLoad;
}
