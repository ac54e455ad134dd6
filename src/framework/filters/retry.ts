import { defineHostFilter } from '../define.ts';
import type { FilterRequest } from '../types.ts';

/** RetryFilter: skip the hosts already tried for this instance (its failed claims). */
export const retryFilter = defineHostFilter({
  name: 'RetryFilter',
  description: 'skip the hosts already tried for this instance (its failed claims)',
  create({ cluster }) {
    const tried = new Uint8Array(cluster.hosts.size);
    // Our own copy of what is marked: the manager reuses (and empties) its retry arrays, so unmarking
    // through the caller's array could leave stale marks behind.
    const marked: number[] = [];
    const form = { kind: 'mask' as const, mask: tried, want: 0, stable: false };
    return {
      name: 'RetryFilter',
      runOncePerRequest: false,
      preFilter(req: FilterRequest): boolean {
        for (const h of marked) tried[h] = 0;
        marked.length = 0;
        const hosts = req.retryHosts;
        if (hosts) {
          for (const h of hosts) {
            tried[h] = 1;
            marked.push(h);
          }
        }
        return marked.length > 0;
      },
      hostPasses: (h) => tried[h] === 0,
      fusedForm: () => form,
      explain: () => 'RetryFilter: already tried for this instance (its claim failed there)',
    };
  },
});
