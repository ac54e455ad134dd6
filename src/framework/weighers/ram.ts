import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

/** RAMWeigher: free RAM (spreads by default; a negative multiplier stacks). */
export const ramWeigher = defineHostWeigher({
  name: 'RAMWeigher',
  description: 'free RAM in MB (positive spreads, negative stacks)',
  options: {
    ram_weight_multiplier: multiplierOption(1.0).describe('RAMWeigher: positive spreads, negative stacks'),
  },
  create({ cluster, options }) {
    const { freeRamMb } = cluster.hosts;
    return {
      name: 'RAMWeigher',
      minval: 0,
      maxval: undefined,
      multipliers: weightMultipliers(cluster.hosts, 'ram_weight_multiplier', options.ram_weight_multiplier),
      fusedForm: { kind: 'array', values: freeRamMb },
      weigh: (h) => freeRamMb[h],
    };
  },
});
