import { weightMultipliers } from '../multiplier.ts';
import type { HostWeigher, PluginInit } from '../types.ts';

/** NumInstancesWeigher (upstream Nova after Zed): instances on the host; multiplier 0.0 by default. */
export function numInstancesWeigher({ cluster, options }: PluginInit): HostWeigher {
  const { numInstances } = cluster.hosts;
  return {
    name: 'NumInstancesWeigher',
    minval: 0,
    maxval: undefined,
    multipliers: weightMultipliers(
      cluster.hosts,
      'num_instances_weight_multiplier',
      options.num_instances_weight_multiplier,
    ),
    weigh: (h) => numInstances[h],
  };
}
