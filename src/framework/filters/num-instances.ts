import { z } from 'zod';
import { defineHostFilter } from '../define.ts';

/** NumInstancesFilter: fewer than `max_instances_per_host` instances on the host. */
export const numInstancesFilter = defineHostFilter({
  name: 'NumInstancesFilter',
  description: 'fewer than max_instances_per_host instances on the host',
  options: { max_instances_per_host: z.int().positive().default(50).describe('NumInstancesFilter limit') },
  create({ cluster, options }) {
    const { numInstances } = cluster.hosts;
    const max = options.max_instances_per_host;
    const form = { kind: 'below' as const, values: numInstances, max };
    return {
      name: 'NumInstancesFilter',
      runOncePerRequest: false,
      preFilter: () => true,
      hostPasses: (h) => numInstances[h] < max,
      fusedForm: () => form,
      explain: (h) => `NumInstancesFilter: ${numInstances[h]} instances on the host, the limit is ${max}`,
    };
  },
});
