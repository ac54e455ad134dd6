import { cpuFits } from '../../../src/cluster/resource-fit.ts';
import type { FilterRequest, HostFilter, PluginInit } from '../types.ts';

/** CoreFilter (classic): free vCPUs within the cpu_allocation_ratio limit. */
export function coreFilter({ cluster }: PluginInit): HostFilter {
  const t = cluster.hosts;
  return {
    name: 'CoreFilter',
    runOncePerRequest: false,
    appliesTo: () => true,
    hostPasses: (h, req: FilterRequest) => cpuFits(t, h, req.spec.flavor.vcpus),
  };
}
