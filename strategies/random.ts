import { gpuFits } from '../src/cluster/usage.ts';
import { defineGpuScoreStrategy, isGpuShare } from '../src/framework/gpu-score-strategy.ts';

/**
 * Random, after the simulator's pkg/simulator/plugin/random_score.go: a host drawn uniformly among
 * those passing the hard constraints (its PreScore picks one node, Score gives it the maximum), and
 * for a GPU-share request a GPU drawn uniformly among that host's GPUs with room
 * (open_gpu_share.go allocateGpuIdBasedOnRandomFit, the paper's gpuSelMethod random; it draws by
 * reservoir sampling, we draw the index directly: same distribution, one draw). Draws come from the
 * replay's seeded RNG: one for the host (none when one host is feasible), one for a share GPU.
 * Deviation: the simulator draws among the nodes its GPU filter passed; so do we, and a host whose
 * GPUs do not fit the request is not drawn (the GPU filter's check, repeated here).
 */
export const randomStrategy = defineGpuScoreStrategy({
  name: 'random',
  description: 'a feasible host drawn uniformly, and a GPU with room on it (FGD simulator baseline)',
  options: {},
  scorer(cluster) {
    const t = cluster.hosts;
    const free = t.gpuFreeMilli;
    return (list, len, req, scores, gpus, ctx) => {
      const f = req.spec.flavor;
      let feasible = 0;
      for (let i = 0; i < len; i++) {
        gpus[i] = -1;
        const ok = gpuFits(t, list[i], f.gpus, f.gpuMilli);
        scores[i] = ok ? 0 : Number.NEGATIVE_INFINITY;
        if (ok) feasible++;
      }
      if (feasible === 0) return;
      let pick = feasible > 1 ? ctx.rng.int(feasible) : 0;
      for (let i = 0; i < len; i++) {
        if (scores[i] !== 0 || pick-- > 0) continue;
        scores[i] = 1;
        if (isGpuShare(f))
          gpus[i] = randomGpu(free, t.gpuStart[list[i]], t.gpuStart[list[i] + 1], f.gpuMilli, ctx.rng);
        return;
      }
    };
  },
});

function randomGpu(
  free: Int32Array,
  start: number,
  end: number,
  milli: number,
  rng: { int(n: number): number },
): number {
  let fits = 0;
  for (let g = start; g < end; g++) if (free[g] >= milli) fits++;
  let k = fits > 1 ? rng.int(fits) : 0;
  for (let g = start; g < end; g++) if (free[g] >= milli && k-- === 0) return g - start;
  return -1;
}
