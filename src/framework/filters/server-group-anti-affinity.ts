import { defineHostFilter } from '../define.ts';
import type { FilterRequest } from '../types.ts';

/** ServerGroupAntiAffinityFilter: for an `anti-affinity` group, no host holding a live member. */
export const serverGroupAntiAffinityFilter = defineHostFilter({
  name: 'ServerGroupAntiAffinityFilter',
  description: 'anti-affinity group: no host holding a live member',
  create() {
    const form = { kind: 'group' as const, min: Number.NEGATIVE_INFINITY, max: 0 };
    return {
      name: 'ServerGroupAntiAffinityFilter',
      runOncePerRequest: false,
      preFilter: (req: FilterRequest) => req.group.group?.policy === 'anti-affinity',
      // Nova passes the host already holding the instance (a resize's source; the last host of a
      // multi-create when its alternates are sorted); max_server_per_host defaults to 1.
      hostPasses: (h, req: FilterRequest) => h === req.instanceHost || req.group.count(h) < 1,
      fusedForm: (req: FilterRequest) => (req.instanceHost < 0 ? form : undefined),
      explain: (h, req: FilterRequest) =>
        `ServerGroupAntiAffinityFilter: ${req.group.count(h)} member(s) of anti-affinity group ` +
        `${req.group.group?.name} already on the host`,
    };
  },
});
