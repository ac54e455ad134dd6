import { gpuFits, vcpusLeft } from '../src/cluster/usage.ts';
import { bestFitGpu, defineGpuScoreStrategy, isGpuShare } from '../src/framework/gpu-score-strategy.ts';

// The simulator's normalisation (pkg/type/open-gpu-share/utils/const.go, normMethod max).
const MAX_SPEC_CPU_MILLI = 128000;
const MAX_SPEC_GPU_MILLI = 8000;

/**
 * Tetris' dot product, after the simulator's pkg/simulator/plugin/dot_product_score.go with the
 * paper's settings (dimExtMethod merge, normMethod max, gpuSelMethod best): the host's free vector
 * [CPU left, GPU thousandths left] and the request's [CPU, GPUs × share], each divided by
 * [128 cores, 8 GPUs]; score 1 − (free · demand)/2, so the host whose free resources align least
 * with the request (the fullest) wins. A host without CPU for the request gets no score (0 in the
 * simulator; here it ranks below every scored host, at −1). A share request takes the best-fit GPU.
 * Deviations: the simulator truncates 100 × score to an integer and Kubernetes breaks the ties at
 * random; we compare exact values, ties to the lowest host number (tie_break: random for
 * Kubernetes'). RAM is not a dimension, as in the simulator (best-fit's dot-product score has it).
 */
export const dotProductStrategy = defineGpuScoreStrategy({
  name: 'dot-product',
  description: 'fullest host by the CPU–GPU dot product of free and requested resources (Tetris)',
  options: {},
  scorer(cluster) {
    const t = cluster.hosts;
    return (list, len, req, scores, gpus) => {
      const f = req.spec.flavor;
      const cpu = (f.vcpus * 1000) / MAX_SPEC_CPU_MILLI;
      const gpu = (f.gpus * f.gpuMilli) / MAX_SPEC_GPU_MILLI;
      for (let i = 0; i < len; i++) {
        const h = list[i];
        const start = t.gpuStart[h];
        gpus[i] = isGpuShare(f) ? bestFitGpu(t.gpuFreeMilli, start, t.gpuStart[h + 1], f.gpuMilli) : -1;
        if (!gpuFits(t, h, f.gpus, f.gpuMilli)) {
          scores[i] = Number.NEGATIVE_INFINITY;
          continue;
        }
        const left = t.vcpusTotal[h] ? vcpusLeft(t, h) : Number.POSITIVE_INFINITY;
        if (left < f.vcpus) {
          scores[i] = -1;
          continue;
        }
        const nodeCpu = Number.isFinite(left) ? (left * 1000) / MAX_SPEC_CPU_MILLI : 0;
        const nodeGpu = t.gpuFreeMilliTotal[h] / MAX_SPEC_GPU_MILLI;
        scores[i] = 1 - (nodeCpu * cpu + nodeGpu * gpu) / 2;
      }
    };
  },
});
