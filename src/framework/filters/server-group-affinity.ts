import type { FilterRequest, HostFilter } from '../types.ts';

/** ServerGroupAffinityFilter: for an `affinity` group with live members, only hosts holding one. */
export function serverGroupAffinityFilter(): HostFilter {
  return {
    name: 'ServerGroupAffinityFilter',
    runOncePerRequest: false,
    appliesTo: (req: FilterRequest) => req.group.group?.policy === 'affinity' && req.group.liveMembers > 0,
    hostPasses: (h, req: FilterRequest) => req.group.count(h) > 0,
  };
}
