import { z } from 'zod';
import { gpuFits } from '../src/cluster/usage.ts';
import { defineGpuScoreStrategy, isGpuShare } from '../src/framework/gpu-score-strategy.ts';
import {
  hostGpuFragmentation,
  hostGpuFragmentationAfter,
  taskDistribution,
  typicalTasks,
} from '../src/metrics/gpu-fragmentation.ts';

/**
 * Fragmentation gradient descent (the FGD paper, USENIX ATC'23), after the simulator's
 * pkg/simulator/plugin/fgd_score.go (calculateGpuShareFragExtendScore): the host, and for a
 * GPU-share request the GPU on it, where the host's expected GPU fragmentation
 * (src/metrics/gpu-fragmentation.ts) grows least, so the cluster's sum grows least. The task
 * distribution is the trace's flavor mix cut to its typical tasks (GetTypicalPods, threshold
 * `typical_share`). Deviations: the simulator scores sigmoid(Δ/1000)·100 truncated to an integer
 * and Kubernetes breaks the resulting ties at random; we compare the exact Δ (sigmoid is monotonic)
 * and break ties by host number (or at random with tie_break: random), so decisions are exact and
 * reproducible. Cost: task types × GPUs per host, times the host's GPUs for a share request.
 */
export const fgdStrategy = defineGpuScoreStrategy({
  name: 'fgd',
  description: "the host (and GPU) where the trace's expected GPU fragmentation grows least (FGD)",
  options: {
    typical_share: z
      .number()
      .gt(0)
      .max(1)
      .default(0.95)
      .describe("the most frequent flavors covering this share of instances are FGD's task types"),
  },
  scorer(cluster, options, flavors) {
    const t = cluster.hosts;
    // Without a mix (a driver built outside a replay) no type is expected: Δ = 0, first feasible host.
    const tasks = typicalTasks(taskDistribution(flavors ?? []), options.typical_share);
    return (list, len, req, scores, gpus) => {
      const f = req.spec.flavor;
      const share = isGpuShare(f);
      for (let i = 0; i < len; i++) {
        const h = list[i];
        gpus[i] = -1;
        if (!gpuFits(t, h, f.gpus, f.gpuMilli)) {
          scores[i] = Number.NEGATIVE_INFINITY;
          continue;
        }
        const before = hostGpuFragmentation(t, h, tasks);
        if (!share) {
          scores[i] = before - hostGpuFragmentationAfter(t, h, tasks, f, -1);
          continue;
        }
        let best = Number.NEGATIVE_INFINITY;
        const start = t.gpuStart[h];
        const n = t.gpuStart[h + 1] - start;
        for (let g = 0; g < n; g++) {
          if (t.gpuFreeMilli[start + g] < f.gpuMilli) continue;
          const d = before - hostGpuFragmentationAfter(t, h, tasks, f, g);
          if (d > best) {
            best = d;
            gpus[i] = g;
          }
        }
        scores[i] = best;
      }
    };
  },
});
