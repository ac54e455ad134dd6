import { z } from 'zod';
import type { CapacityResult } from './capacity.ts';
import type { CellError } from './cell-task.ts';

const probeSchema = z.object({
  hosts: z.int().nonnegative(),
  passed: z.boolean(),
  no_valid_host_rate: z.number().min(0).max(1),
  no_valid_host: z.int().nonnegative(),
  instances: z.int().nonnegative(),
});

/** `capacity.json`: per strategy, the smallest cluster prefix that places the trace within the target. */
export const capacityReportSchema = z.object({
  schema_version: z.literal(1),
  trace: z.string(),
  cluster: z.string(),
  total_hosts: z.int().nonnegative(),
  target_no_valid_host_rate: z.number().min(0).max(1),
  strategies: z.array(
    z.object({
      strategy: z.string(),
      /** null: the trace does not fit even on every host (or the search failed: see error). */
      hosts: z.int().nonnegative().nullable(),
      non_monotone: z.boolean(),
      rounds: z.int().nonnegative(),
      probes: z.array(probeSchema),
      error: z.object({ kind: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
export type CapacityReport = z.output<typeof capacityReportSchema>;

export interface StrategyCapacity {
  readonly strategy: string;
  readonly result?: CapacityResult;
  readonly error?: CellError;
}

export function capacityReport(
  o: { trace: string; cluster: string; totalHosts: number; target: number },
  results: readonly StrategyCapacity[],
): CapacityReport {
  return capacityReportSchema.parse({
    schema_version: 1,
    trace: o.trace,
    cluster: o.cluster,
    total_hosts: o.totalHosts,
    target_no_valid_host_rate: o.target,
    strategies: results.map(({ strategy, result, error }) => ({
      strategy,
      hosts: result?.hosts ?? null,
      non_monotone: result?.nonMonotone ?? false,
      rounds: result?.rounds ?? 0,
      probes: (result?.probes ?? []).map((p) => ({
        hosts: p.hosts,
        passed: p.passed,
        no_valid_host_rate: p.noValidHostRate,
        no_valid_host: p.noValidHost,
        instances: p.instances,
      })),
      error: error ? { kind: error.kind, message: error.message } : null,
    })),
  });
}
