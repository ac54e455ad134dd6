import { weightMultipliers } from '../multiplier.ts';
import type { FilterRequest, HostWeigher, PluginInit } from '../types.ts';

/** ServerGroupSoftAntiAffinityWeigher: minus the live members of its `soft-anti-affinity` group on the host. */
export function serverGroupSoftAntiAffinityWeigher({ cluster, options }: PluginInit): HostWeigher {
  return {
    name: 'ServerGroupSoftAntiAffinityWeigher',
    minval: undefined,
    maxval: undefined,
    multipliers: weightMultipliers(
      cluster.hosts,
      'soft_anti_affinity_weight_multiplier',
      options.soft_anti_affinity_weight_multiplier,
    ),
    // 0 - n, not -n: Python's -1 * 0 is 0, and -0 would be a different float here.
    weigh: (h, req: FilterRequest) =>
      req.group.group?.policy === 'soft-anti-affinity' ? 0 - req.group.count(h) : 0,
  };
}
