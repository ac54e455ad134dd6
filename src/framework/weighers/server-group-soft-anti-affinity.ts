import { multiplier as boundedMultiplier } from '../../common/bounds.ts';
import { defineHostWeigher } from '../define.ts';
import { weightMultipliers } from '../multiplier.ts';
import type { FilterRequest } from '../types.ts';

/** ServerGroupSoftAntiAffinityWeigher: minus the live members of its `soft-anti-affinity` group on the host. */
export const serverGroupSoftAntiAffinityWeigher = defineHostWeigher({
  name: 'ServerGroupSoftAntiAffinityWeigher',
  description: "minus the live members of the request's soft-anti-affinity group on the host",
  options: {
    soft_anti_affinity_weight_multiplier: boundedMultiplier()
      .min(0)
      .default(1.0)
      .describe('ServerGroupSoftAntiAffinityWeigher multiplier'),
  },
  create({ cluster, options }) {
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
      fusedForm: { kind: 'group', policy: 'soft-anti-affinity', sign: -1 },
      weigh: (h, req: FilterRequest) =>
        req.group.group?.policy === 'soft-anti-affinity' ? 0 - req.group.count(h) : 0,
    };
  },
});
