import { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import { buildFilters } from './build.ts';
import { DEFAULT_FILTER_OPTIONS, filterOptionsSchema } from './options.ts';
import type { HostFilter } from './types.ts';

/** The classic resource filters: a baseline places an instance only where its flavor fits. */
export const RESOURCE_FILTERS = ['RamFilter', 'CoreFilter', 'DiskFilter'] as const;

const filterShape = filterOptionsSchema.shape;

/**
 * Options every baseline shares: the hard constraints it keeps before its own choice. The default is
 * the `filter` strategy's filter list (retry, AZ, enabled and up, RAM/CPU/disk fit, aggregate extra
 * specs, server-group affinity and anti-affinity), so every strategy honours the same hard rules and
 * only the choice among feasible hosts differs. The resource filters cannot be left out.
 */
export const constraintOptionsShape = {
  filters: filterShape.filters
    .refine((names) => RESOURCE_FILTERS.every((f) => names.includes(f)), {
      error: `must include ${RESOURCE_FILTERS.join(', ')}: baselines place only where the flavor fits`,
    })
    .describe('hard constraints applied before the choice, in order (must include the resource filters)'),
  max_instances_per_host: filterShape.max_instances_per_host,
  max_io_ops_per_host: filterShape.max_io_ops_per_host,
};

export const constraintOptionsSchema = z.strictObject(constraintOptionsShape);
export type ConstraintOptions = z.output<typeof constraintOptionsSchema>;

/** The constraint filters of a baseline, built for one replay. */
export function constraintFilters(cluster: ClusterState, options: ConstraintOptions): HostFilter[] {
  return buildFilters(options.filters, { cluster, options: { ...DEFAULT_FILTER_OPTIONS, ...options } });
}
