// A strategy plugin: spread by free vCPUs, never leaving a host with fewer than `headroom` free.
// npx schedbench run --cluster C --trace T --strategy ./examples/cpu-headroom.ts --set headroom=2
import { defineScoreStrategy, z } from 'schedbench/plugin';

export default defineScoreStrategy({
  name: 'cpu-headroom',
  description: 'most free vCPUs after placement, keeping `headroom` vCPUs free on every host',
  options: z.strictObject({
    headroom: z.int().nonnegative().default(0).describe('vCPUs to leave free on every host'),
  }),
  // Once per replay: take the host table's typed arrays (one entry per host, in cluster order).
  scorer(cluster, options) {
    const { vcpusTotal, cpuAllocationRatio, vcpusUsed } = cluster.hosts;
    // Once per instance, with the hosts that pass the hard constraints (resource fit, AZ, groups...):
    // fill scores[i] for host list[i]. Highest wins, ties go to cluster order, -Infinity rejects.
    return (list, len, req, scores) => {
      const want = req.spec.flavor.vcpus;
      for (let i = 0; i < len; i++) {
        const h = list[i];
        const left = vcpusTotal[h] * cpuAllocationRatio[h] - vcpusUsed[h] - want;
        scores[i] = left >= options.headroom ? left : Number.NEGATIVE_INFINITY;
      }
    };
  },
});
