import { type CapacityReport, capacityReportSchema } from '../report/run-files.ts';
import type { CapacityResult } from './capacity.ts';
import type { CellError } from './cell-task.ts';

export interface StrategyCapacity {
  readonly strategy: string;
  readonly result?: CapacityResult;
  readonly error?: CellError;
}

export function capacityReport(
  o: {
    trace: string;
    cluster: string;
    totalHosts: number;
    target: number;
    /** GPUs of the first n hosts, n = 0..totalHosts; only for a cluster with GPUs. */
    gpusOfPrefix?: readonly number[];
  },
  results: readonly StrategyCapacity[],
): CapacityReport {
  return capacityReportSchema.parse({
    schema_version: 1,
    trace: o.trace,
    cluster: o.cluster,
    total_hosts: o.totalHosts,
    ...(o.gpusOfPrefix ? { total_gpus: o.gpusOfPrefix[o.totalHosts] } : {}),
    target_no_valid_host_rate: o.target,
    strategies: results.map(({ strategy, result, error }) => ({
      strategy,
      hosts: result?.hosts ?? null,
      ...(o.gpusOfPrefix ? { gpus: result?.hosts == null ? null : o.gpusOfPrefix[result.hosts] } : {}),
      non_monotone: result?.nonMonotone ?? false,
      rounds: result?.rounds ?? 0,
      probes: (result?.probes ?? []).map((p) => ({
        hosts: p.hosts,
        passed: p.passed,
        no_valid_host_rate: p.noValidHostRate,
        no_valid_host: p.noValidHost,
        instances: p.instances,
        ...(p.gpus === undefined ? {} : { gpus: p.gpus, gpu_allocation_rate: p.gpuAllocationRate ?? null }),
      })),
      error: error ? { kind: error.kind, message: error.message } : null,
    })),
  });
}
