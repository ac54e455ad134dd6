import { gpuFits } from '../src/cluster/usage.ts';
import { bestFitGpu, defineGpuScoreStrategy, isGpuShare } from '../src/framework/gpu-score-strategy.ts';

/**
 * GPU packing, after the simulator's pkg/simulator/plugin/gpu_packing_score.go (getPackingScore),
 * integer arithmetic as there, 0..100: (1) a request that fits on GPUs already in use scores
 * 100 − (Σ free % of the GPUs it takes)/10, at least 50; (2) one that must take idle GPUs on a
 * used host, 50 − idle GPUs taken, at least 33; (3) a host whose GPUs are all idle,
 * max(33 − its GPUs, its GPUs). GPUs taken: the least free first (SortedMilliGpuLeftIndexList).
 * A request without GPUs scores 0 everywhere. A share request takes the best-fit GPU (the paper's
 * runs use gpuSelMethod best: open_gpu_share.go allocateGpuIdBasedOnBestFit). Deviation: ties go
 * to the lowest host number, not Kubernetes' random pick (tie_break: random restores it).
 */
export const gpuPackingStrategy = defineGpuScoreStrategy({
  name: 'gpu-packing',
  description: 'GPU requests on used GPUs first, then used hosts, then idle hosts (FGD simulator)',
  options: {},
  scorer(cluster) {
    const t = cluster.hosts;
    const free = t.gpuFreeMilli;
    return (list, len, req, scores, gpus) => {
      const f = req.spec.flavor;
      for (let i = 0; i < len; i++) {
        const h = list[i];
        const start = t.gpuStart[h];
        const end = t.gpuStart[h + 1];
        gpus[i] = isGpuShare(f) ? bestFitGpu(free, start, end, f.gpuMilli) : -1;
        if (f.gpus === 0) scores[i] = 0;
        else if (!gpuFits(t, h, f.gpus, f.gpuMilli)) scores[i] = Number.NEGATIVE_INFINITY;
        else scores[i] = packingScore(free, start, end, f.gpus, f.gpuMilli);
      }
    };
  },
});

/** getPackingScore; the host fits the request. Allocation-free selection of the least-free GPUs. */
export function packingScore(
  free: Int32Array,
  start: number,
  end: number,
  gpus: number,
  milli: number,
): number {
  let idle = 0;
  for (let g = start; g < end; g++) if (free[g] === 1000) idle++;
  if (idle === end - start) return Math.max(33 - idle, idle);
  // Take `gpus` GPUs with room, least free first (ties: lowest index, as the stable sort).
  let taken = 0;
  let idleTaken = 0;
  let freePct = 0;
  let last = -1; // free value and index of the last GPU taken, to walk the ascending order
  let lastIdx = -1;
  while (taken < gpus) {
    let pick = -1;
    for (let g = start; g < end; g++) {
      const v = free[g];
      if (v < milli) continue;
      if (v < last || (v === last && g <= lastIdx)) continue;
      if (pick < 0 || v < free[pick]) pick = g;
    }
    if (pick < 0) return Number.NEGATIVE_INFINITY;
    taken++;
    if (free[pick] === 1000) idleTaken++;
    freePct += Math.floor((free[pick] * 100) / 1000);
    last = free[pick];
    lastIdx = pick;
  }
  if (idleTaken > 0) return Math.max(50 - idleTaken, 33);
  return Math.max(100 - Math.floor(freePct / 10), 50);
}
