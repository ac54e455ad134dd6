import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

/** CPUWeigher: free vCPUs after the allocation ratio. */
export const cpuWeigher = defineHostWeigher({
  name: 'CPUWeigher',
  description: 'free vCPUs after the allocation ratio (positive spreads, negative stacks)',
  options: { cpu_weight_multiplier: multiplierOption(1.0).describe('CPUWeigher multiplier') },
  create({ cluster, options }) {
    const { vcpusTotal, cpuAllocationRatio, vcpusUsed } = cluster.hosts;
    return {
      name: 'CPUWeigher',
      minval: 0,
      maxval: undefined,
      multipliers: weightMultipliers(cluster.hosts, 'cpu_weight_multiplier', options.cpu_weight_multiplier),
      fusedForm: { kind: 'cpu' },
      weigh: (h) => vcpusTotal[h] * cpuAllocationRatio[h] - vcpusUsed[h],
    };
  },
});
