import { ramFits } from '../../../src/cluster/resource-fit.ts';
import type { FilterRequest, HostFilter, PluginInit } from '../types.ts';

/** RamFilter (classic): free RAM within the ram_allocation_ratio limit, net of the reservation. */
export function ramFilter({ cluster }: PluginInit): HostFilter {
  const t = cluster.hosts;
  return {
    name: 'RamFilter',
    runOncePerRequest: false,
    appliesTo: () => true,
    hostPasses: (h, req: FilterRequest) => ramFits(t, h, req.spec.flavor.memoryMb),
  };
}
