import type { HostShape } from '../cluster/host-shape.ts';
import { type CapacityReport, capacityReportSchema } from '../report/run-files.ts';
import type { CapacityResult, Probe } from './capacity.ts';
import type { CellError } from './cell-task.ts';
import type { GrowthResult } from './grow.ts';

export interface StrategyCapacity {
  readonly strategy: string;
  readonly result?: CapacityResult;
  /** `--grow-with`: the growth search instead of the prefix search. */
  readonly growth?: GrowthResult;
  readonly error?: CellError;
}

const probeOut = (p: Probe, offset: number) => ({
  hosts: offset + p.hosts,
  passed: p.passed,
  no_valid_host_rate: p.noValidHostRate,
  no_valid_host: p.noValidHost,
  instances: p.instances,
  ...(p.gpus === undefined ? {} : { gpus: p.gpus, gpu_allocation_rate: p.gpuAllocationRate ?? null }),
});

export function capacityReport(
  o: {
    trace: string;
    cluster: string;
    totalHosts: number;
    target: number;
    /** GPUs of the first n hosts, n = 0..totalHosts; only for a cluster with GPUs. */
    gpusOfPrefix?: readonly number[];
    growWith?: HostShape;
    maxAdded?: number;
  },
  results: readonly StrategyCapacity[],
): CapacityReport {
  const g = o.growWith;
  const prefix = o.gpusOfPrefix;
  // The GPUs of the hosts found: a prefix of the cluster, or the whole cluster and the added hosts.
  const gpusOf = (hosts: number | null, added: number | null, growth: boolean): number | null => {
    if (!prefix) return null;
    if (!growth) return hosts === null ? null : prefix[hosts];
    return added === null ? null : prefix[o.totalHosts] + added * (g?.gpus ?? 0);
  };
  return capacityReportSchema.parse({
    schema_version: 1,
    trace: o.trace,
    cluster: o.cluster,
    total_hosts: o.totalHosts,
    ...(prefix ? { total_gpus: prefix[o.totalHosts] } : {}),
    target_no_valid_host_rate: o.target,
    grow_with: g
      ? {
          vcpus: g.vcpus,
          memory_mb: g.memory_mb,
          disk_gb: g.disk_gb,
          gpus: g.gpus,
          gpu_model: g.gpu_model,
          az: g.az ?? null,
          max_added: o.maxAdded ?? 0,
        }
      : null,
    strategies: results.map(({ strategy, result, growth, error }) => {
      const added = growth?.added ?? null;
      const hosts = growth ? (added === null ? null : o.totalHosts + added) : (result?.hosts ?? null);
      return {
        strategy,
        hosts,
        ...(prefix ? { gpus: gpusOf(result?.hosts ?? null, added, growth !== undefined) } : {}),
        added_hosts: added,
        non_monotone: (growth ?? result)?.nonMonotone ?? false,
        rounds: (growth ?? result)?.rounds ?? 0,
        // A growth probe's hosts count the whole cluster, the added hosts included.
        probes: growth
          ? growth.probes.map((p) => probeOut(p, o.totalHosts))
          : (result?.probes ?? []).map((p) => probeOut(p, 0)),
        error: error ? { kind: error.kind, message: error.message } : null,
      };
    }),
  });
}
