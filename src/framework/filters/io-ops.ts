import type { HostFilter, PluginInit } from '../types.ts';

/** IoOpsFilter: fewer than `max_io_ops_per_host` builds in flight on the host. */
export function ioOpsFilter({ cluster, options }: PluginInit): HostFilter {
  const { numIoOps } = cluster.hosts;
  const max = options.max_io_ops_per_host;
  return {
    name: 'IoOpsFilter',
    runOncePerRequest: false,
    appliesTo: () => true,
    hostPasses: (h) => numIoOps[h] < max,
  };
}
