import { defineHostFilter } from '../define.ts';
import type { FilterRequest } from '../types.ts';

/** ServerGroupAffinityFilter: for an `affinity` group with live members, only hosts holding one. */
export const serverGroupAffinityFilter = defineHostFilter({
  name: 'ServerGroupAffinityFilter',
  description: 'affinity group with live members: only hosts holding one',
  create() {
    const form = { kind: 'group' as const, min: 1, max: Number.POSITIVE_INFINITY };
    return {
      name: 'ServerGroupAffinityFilter',
      runOncePerRequest: false,
      preFilter: (req: FilterRequest) => req.group.group?.policy === 'affinity' && req.group.liveMembers > 0,
      hostPasses: (h, req: FilterRequest) => req.group.count(h) > 0,
      fusedForm: () => form,
      explain: (_h, req: FilterRequest) =>
        `ServerGroupAffinityFilter: no member of affinity group ${req.group.group?.name} on the host`,
    };
  },
});
