import { multiplier as boundedMultiplier } from '../../common/bounds.ts';
import { defineHostWeigher } from '../define.ts';
import { weightMultipliers } from '../multiplier.ts';
import type { FilterRequest } from '../types.ts';

/** ServerGroupSoftAffinityWeigher: live members of the request's `soft-affinity` group on the host. */
export const serverGroupSoftAffinityWeigher = defineHostWeigher({
  name: 'ServerGroupSoftAffinityWeigher',
  description: "live members of the request's soft-affinity group on the host",
  options: {
    // Nova's option definitions refuse negative soft-affinity multipliers (min=0.0).
    soft_affinity_weight_multiplier: boundedMultiplier()
      .min(0)
      .default(1.0)
      .describe('ServerGroupSoftAffinityWeigher multiplier'),
  },
  create({ cluster, options }) {
    return {
      name: 'ServerGroupSoftAffinityWeigher',
      minval: undefined,
      maxval: undefined,
      multipliers: weightMultipliers(
        cluster.hosts,
        'soft_affinity_weight_multiplier',
        options.soft_affinity_weight_multiplier,
      ),
      fusedForm: { kind: 'group', policy: 'soft-affinity', sign: 1 },
      weigh: (h, req: FilterRequest) =>
        req.group.group?.policy === 'soft-affinity' ? req.group.count(h) : 0,
    };
  },
});
