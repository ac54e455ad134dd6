import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

/** DiskWeigher: free disk in MB. */
export const diskWeigher = defineHostWeigher({
  name: 'DiskWeigher',
  description: 'free disk in MB (positive spreads, negative stacks)',
  options: { disk_weight_multiplier: multiplierOption(1.0).describe('DiskWeigher multiplier') },
  create({ cluster, options }) {
    const { freeDiskMb } = cluster.hosts;
    return {
      name: 'DiskWeigher',
      minval: 0,
      maxval: undefined,
      multipliers: weightMultipliers(cluster.hosts, 'disk_weight_multiplier', options.disk_weight_multiplier),
      fusedForm: { kind: 'array', values: freeDiskMb },
      weigh: (h) => freeDiskMb[h],
    };
  },
});
