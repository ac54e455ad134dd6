import { weightMultipliers } from '../multiplier.ts';
import type { HostWeigher, PluginInit } from '../types.ts';

/** DiskWeigher: free disk in MB. */
export function diskWeigher({ cluster, options }: PluginInit): HostWeigher {
  const { freeDiskMb } = cluster.hosts;
  return {
    name: 'DiskWeigher',
    minval: 0,
    maxval: undefined,
    multipliers: weightMultipliers(cluster.hosts, 'disk_weight_multiplier', options.disk_weight_multiplier),
    weigh: (h) => freeDiskMb[h],
  };
}
