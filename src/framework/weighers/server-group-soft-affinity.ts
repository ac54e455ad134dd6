import { weightMultipliers } from '../multiplier.ts';
import type { FilterRequest, HostWeigher, PluginInit } from '../types.ts';

/** ServerGroupSoftAffinityWeigher: live members of the request's `soft-affinity` group on the host. */
export function serverGroupSoftAffinityWeigher({ cluster, options }: PluginInit): HostWeigher {
  return {
    name: 'ServerGroupSoftAffinityWeigher',
    minval: undefined,
    maxval: undefined,
    multipliers: weightMultipliers(
      cluster.hosts,
      'soft_affinity_weight_multiplier',
      options.soft_affinity_weight_multiplier,
    ),
    weigh: (h, req: FilterRequest) => (req.group.group?.policy === 'soft-affinity' ? req.group.count(h) : 0),
  };
}
