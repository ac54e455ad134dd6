import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

/**
 * NumInstancesWeigher (upstream Nova 2023.2, not in Zed): instances on the host; multiplier 0.0 by
 * default. Upstream sets no minval, so the list minimum is the low end of the normalisation.
 */
export const numInstancesWeigher = defineHostWeigher({
  name: 'NumInstancesWeigher',
  description: 'instances on the host (upstream Nova 2023.2, not in Zed; multiplier 0 by default)',
  options: {
    num_instances_weight_multiplier: multiplierOption(0.0).describe('NumInstancesWeigher multiplier'),
  },
  create({ cluster, options }) {
    const { numInstances } = cluster.hosts;
    return {
      name: 'NumInstancesWeigher',
      minval: undefined,
      maxval: undefined,
      multipliers: weightMultipliers(
        cluster.hosts,
        'num_instances_weight_multiplier',
        options.num_instances_weight_multiplier,
      ),
      fusedForm: { kind: 'array', values: numInstances },
      weigh: (h) => numInstances[h],
    };
  },
});
