import { defineHostWeigher } from '../define.ts';
import { multiplierOption, weightMultipliers } from '../multiplier.ts';

/** IoOpsWeigher: builds in flight (the default multiplier, -1.0, prefers idle hosts). */
export const ioOpsWeigher = defineHostWeigher({
  name: 'IoOpsWeigher',
  description: 'builds in flight on the host (the default multiplier, -1, prefers idle hosts)',
  options: { io_ops_weight_multiplier: multiplierOption(-1.0).describe('IoOpsWeigher multiplier') },
  create({ cluster, options }) {
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
      fusedForm: { kind: 'array', values: numIoOps },
      weigh: (h) => numIoOps[h],
    };
  },
});
