import { z } from 'zod';
import { defineHostFilter } from '../define.ts';

/** IoOpsFilter: fewer than `max_io_ops_per_host` builds in flight on the host. */
export const ioOpsFilter = defineHostFilter({
  name: 'IoOpsFilter',
  description: 'fewer than max_io_ops_per_host builds in flight on the host',
  options: { max_io_ops_per_host: z.int().positive().default(8).describe('IoOpsFilter limit') },
  create({ cluster, options }) {
    const { numIoOps } = cluster.hosts;
    const max = options.max_io_ops_per_host;
    const form = { kind: 'below' as const, values: numIoOps, max };
    return {
      name: 'IoOpsFilter',
      runOncePerRequest: false,
      preFilter: () => true,
      hostPasses: (h) => numIoOps[h] < max,
      fusedForm: () => form,
      explain: (h) => `IoOpsFilter: ${numIoOps[h]} builds in flight, the limit is ${max}`,
    };
  },
});
