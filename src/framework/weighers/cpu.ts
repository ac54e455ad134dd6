import { weightMultipliers } from '../multiplier.ts';
import type { HostWeigher, PluginInit } from '../types.ts';

/** CPUWeigher: free vCPUs after the allocation ratio. */
export function cpuWeigher({ cluster, options }: PluginInit): HostWeigher {
  const { vcpusTotal, cpuAllocationRatio, vcpusUsed } = cluster.hosts;
  return {
    name: 'CPUWeigher',
    minval: 0,
    maxval: undefined,
    multipliers: weightMultipliers(cluster.hosts, 'cpu_weight_multiplier', options.cpu_weight_multiplier),
    weigh: (h) => vcpusTotal[h] * cpuAllocationRatio[h] - vcpusUsed[h],
  };
}
