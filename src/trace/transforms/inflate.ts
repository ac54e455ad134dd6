import { UsageError } from '../../common/errors.ts';
import { SeededRng } from '../../common/rng.ts';
import type { Capacity } from './options.ts';
import type { RequestBuffer } from './request-buffer.ts';

export type Resource = 'vcpus' | 'memory_mb' | 'gpus';

/** A hard stop for a resample that would never end (requests too small for the target). */
export const MAX_INFLATED_REQUESTS = 100_000_000;

/** Demand of request i in each resource (GPUs in thousandths), times its count. */
function demand(b: RequestBuffer, i: number, r: Resource): number {
  const n = b.count[i];
  if (r === 'vcpus') return n * b.vcpus[i];
  if (r === 'memory_mb') return n * b.memoryMb[i];
  return n * b.gpus[i] * b.gpuMilli[i];
}

/**
 * The dominant resource of the request list: the one whose total demand is the largest share of
 * the cluster's capacity (resources the cluster lacks are left out). GPUs count from the cluster
 * file's per-host `gpus`.
 */
export function dominantResource(b: RequestBuffer, cap: Capacity): { resource: Resource; share: number } {
  const total: Record<Resource, number> = { vcpus: 0, memory_mb: 0, gpus: 0 };
  for (let i = 0; i < b.size; i++) {
    total.vcpus += demand(b, i, 'vcpus');
    total.memory_mb += demand(b, i, 'memory_mb');
    total.gpus += demand(b, i, 'gpus');
  }
  const capOf: Record<Resource, number> = { vcpus: cap.vcpus, memory_mb: cap.memoryMb, gpus: cap.gpuMilli };
  let best: Resource = 'vcpus';
  let share = -1;
  for (const r of ['vcpus', 'memory_mb', 'gpus'] as const) {
    if (capOf[r] <= 0) continue;
    const s = total[r] / capOf[r];
    if (s > share) {
      best = r;
      share = s;
    }
  }
  if (share <= 0) throw new UsageError('--inflate: the requests ask for nothing the cluster has');
  return { resource: best, share };
}

/**
 * --inflate RATIO, as the FGD paper's simulator tunes its workload (TunePodsByNodeTotalResource,
 * pkg/simulator/simulator.go): below the target, append copies of requests drawn uniformly with the
 * seed, stopping before the first copy that would take the dominant resource's demand past
 * RATIO x capacity; above it, drop requests drawn at random until it is at most the target (the
 * rest keep their order). Returns the request positions in their new order; positions >= b.size
 * are copies, of request `source[k - b.size]`.
 */
export function inflate(
  b: RequestBuffer,
  order: Int32Array,
  ratio: number,
  cap: Capacity,
  seed: number,
): { order: Int32Array; source: Int32Array; resource: Resource; target: number; demand: number } {
  const { resource } = dominantResource(b, cap);
  const capacity = resource === 'vcpus' ? cap.vcpus : resource === 'memory_mb' ? cap.memoryMb : cap.gpuMilli;
  const target = ratio * capacity;
  const rng = new SeededRng(seed);
  let total = 0;
  for (let i = 0; i < b.size; i++) total += demand(b, i, resource);
  if (total > target) {
    // Positions in `order`, so the kept requests stay in the order they had.
    const keep = Int32Array.from({ length: order.length }, (_, k) => k);
    let len = keep.length;
    while (total > target && len > 0) {
      const j = rng.int(len);
      total -= demand(b, order[keep[j]], resource);
      keep[j] = keep[--len];
    }
    return {
      order: keep
        .subarray(0, len)
        .sort()
        .map((k) => order[k]),
      source: new Int32Array(0),
      resource,
      target,
      demand: total,
    };
  }
  const source: number[] = [];
  for (;;) {
    const i = rng.int(b.size);
    const d = demand(b, i, resource);
    if (total + d > target) break;
    if (b.size + source.length >= MAX_INFLATED_REQUESTS)
      throw new UsageError(`--inflate ${ratio}: more than ${MAX_INFLATED_REQUESTS} requests`);
    total += d;
    source.push(i);
  }
  const out = new Int32Array(order.length + source.length);
  out.set(order);
  for (let k = 0; k < source.length; k++) out[order.length + k] = b.size + k;
  return { order: out, source: Int32Array.from(source), resource, target, demand: total };
}
