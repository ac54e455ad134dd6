import { weightMultipliers } from '../multiplier.ts';
import type { HostWeigher, PluginInit } from '../types.ts';

/** IoOpsWeigher: builds in flight (the default multiplier, -1.0, prefers idle hosts). */
export function ioOpsWeigher({ cluster, options }: PluginInit): HostWeigher {
  const { numIoOps } = cluster.hosts;
  return {
    name: 'IoOpsWeigher',
    minval: 0,
    maxval: undefined,
    multipliers: weightMultipliers(
      cluster.hosts,
      'io_ops_weight_multiplier',
      options.io_ops_weight_multiplier,
    ),
    weigh: (h) => numIoOps[h],
  };
}
