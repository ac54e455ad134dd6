import { gpuFits } from '../../src/cluster/usage.ts';
import { defineGpuScoreStrategy } from '../../src/framework/gpu-score-strategy.ts';
import { GPU_KINDS, gpuKind, HostGpuKinds } from './host-gpu-kinds.ts';

/** The simulator's normalisers (open-gpu-share/utils/const.go MaxSpecGpu; Kubernetes MaxNodeScore). */
const MAX_SPEC_GPU = 8000;
const MAX_NODE_SCORE = 100;

/**
 * GPU clustering, after the simulator's pkg/simulator/plugin/gpu_clustering_score.go (Score):
 * tasks of one GPU kind (a share, or n whole GPUs: GetGpuAffinityFromPodAnnotation) gather on
 * the same hosts. Bands, then within a band the fuller host first, u = ⌊25·(8000 − free
 * thousandths of the host's GPUs)/8000⌋ (Go int64 arithmetic, truncating):
 * 75 + u on a host holding only this kind, 50 + u on one holding it among others, 25 + u on a host
 * with no GPU task, u on one holding only other kinds. A request without GPUs scores 0 everywhere.
 * The kinds on each host come from HostGpuKinds (a mirror of the instance table kept in step with
 * placements and departures, see there). A share request takes the claim's GPU, the least free
 * that fits: the paper's runs use gpuSelMethod best (open_gpu_share.go allocateGpuIdBasedOnBestFit).
 * Deviations: ties go to the lowest host number, not Kubernetes' random pick (tie_break: random
 * restores it); a host with more than 8 GPUs gets u below 0 (8000 is the simulator's constant, its
 * clusters have at most 8 per node; Kubernetes would refuse the out-of-range score), kept so the
 * order stays the Go formula's.
 */
export const gpuClusteringStrategy = defineGpuScoreStrategy({
  name: 'gpu-clustering',
  description: 'GPU requests on hosts already running their GPU kind, the fuller first (FGD simulator)',
  options: {},
  scorer(cluster) {
    const t = cluster.hosts;
    const kinds = new HostGpuKinds(cluster);
    return (list, len, req, scores, gpus) => {
      kinds.absorbPending();
      kinds.placedMaybe(req.instanceId);
      const f = req.spec.flavor;
      const kind = gpuKind(f.gpus, f.gpuMilli);
      for (let i = 0; i < len; i++) {
        const h = list[i];
        gpus[i] = -1;
        if (kind < 0) scores[i] = 0;
        else if (!gpuFits(t, h, f.gpus, f.gpuMilli)) scores[i] = Number.NEGATIVE_INFINITY;
        else {
          kinds.syncHost(h);
          scores[i] = clusteringScore(
            t.gpuFreeMilliTotal[h],
            kinds.counts[h * GPU_KINDS + kind] > 0,
            kinds.distinct[h],
          );
        }
      }
    };
  },
});

/** The Go Score for a GPU request: `same` = the host holds this kind, `distinct` kinds in all. */
export function clusteringScore(freeMilliTotal: number, same: boolean, distinct: number): number {
  const u = Math.trunc(((MAX_NODE_SCORE / 4) * (MAX_SPEC_GPU - freeMilliTotal)) / MAX_SPEC_GPU);
  if (same) return u + (distinct === 1 ? (MAX_NODE_SCORE * 3) / 4 : (MAX_NODE_SCORE * 2) / 4);
  return u + (distinct === 0 ? MAX_NODE_SCORE / 4 : 0);
}
