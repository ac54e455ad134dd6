import type { HostFilter, PluginInit } from '../types.ts';

/** NumInstancesFilter: fewer than `max_instances_per_host` instances on the host. */
export function numInstancesFilter({ cluster, options }: PluginInit): HostFilter {
  const { numInstances } = cluster.hosts;
  const max = options.max_instances_per_host;
  return {
    name: 'NumInstancesFilter',
    runOncePerRequest: false,
    appliesTo: () => true,
    hostPasses: (h) => numInstances[h] < max,
  };
}
