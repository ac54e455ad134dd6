import type { FilterRequest, HostFilter, PluginInit } from '../types.ts';

/** RetryFilter: skip the hosts already tried for this instance (its failed claims). */
export function retryFilter({ cluster }: PluginInit): HostFilter {
  const tried = new Uint8Array(cluster.hosts.size);
  let marked: readonly number[] = [];
  return {
    name: 'RetryFilter',
    runOncePerRequest: false,
    appliesTo(req: FilterRequest): boolean {
      for (const h of marked) tried[h] = 0;
      marked = req.retryHosts ?? [];
      for (const h of marked) tried[h] = 1;
      return marked.length > 0;
    },
    hostPasses: (h) => tried[h] === 0,
  };
}
