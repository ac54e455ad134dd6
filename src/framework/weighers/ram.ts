import { weightMultipliers } from '../multiplier.ts';
import type { HostWeigher, PluginInit } from '../types.ts';

/** RAMWeigher: free RAM (spreads by default; a negative multiplier stacks). */
export function ramWeigher({ cluster, options }: PluginInit): HostWeigher {
  const { freeRamMb } = cluster.hosts;
  return {
    name: 'RAMWeigher',
    minval: 0,
    maxval: undefined,
    multipliers: weightMultipliers(cluster.hosts, 'ram_weight_multiplier', options.ram_weight_multiplier),
    weigh: (h) => freeRamMb[h],
  };
}
