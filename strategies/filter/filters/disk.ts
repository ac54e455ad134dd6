import { diskFits } from '../../../src/cluster/resource-fit.ts';
import type { FilterRequest, HostFilter, PluginInit } from '../types.ts';

/** DiskFilter (classic): free disk within the disk_allocation_ratio limit, net of the reservation. */
export function diskFilter({ cluster }: PluginInit): HostFilter {
  const t = cluster.hosts;
  return {
    name: 'DiskFilter',
    runOncePerRequest: false,
    appliesTo: () => true,
    hostPasses: (h, req: FilterRequest) => diskFits(t, h, req.spec.flavor.diskGb),
  };
}
