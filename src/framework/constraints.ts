import { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import { buildFilters } from './build.ts';
import { BUILTIN_PLUGINS, type BuiltinFilterOptions } from './builtins.ts';
import { filterPluginOptions, filtersOption, withGpuFilter } from './options.ts';
import type { HostFilter, PluginSet } from './types.ts';

/** The classic resource filters: a baseline places an instance only where its flavor fits. */
export const RESOURCE_FILTERS = ['RamFilter', 'CoreFilter', 'DiskFilter'] as const;

/**
 * Options every baseline shares: the hard constraints it keeps before its own choice, and the
 * options those filters declare. The default is the `filter` strategy's filter list (retry, AZ,
 * enabled and up, RAM/CPU/disk fit, aggregate extra specs, server-group affinity and
 * anti-affinity), so every strategy honours the same hard rules and only the choice among feasible
 * hosts differs. The resource filters cannot be left out.
 */
export function constraintOptionsShape(plugins: PluginSet): z.ZodRawShape {
  return {
    filters: filtersOption(plugins)
      .refine((names) => RESOURCE_FILTERS.every((f) => names.includes(f)), {
        error: `must include ${RESOURCE_FILTERS.join(', ')}: baselines place only where the flavor fits`,
      })
      .describe('hard constraints applied before the choice, in order (must include the resource filters)'),
    ...filterPluginOptions(plugins),
  };
}

export type ConstraintOptions = { filters: string[] } & BuiltinFilterOptions;

export function constraintOptionsSchema(plugins: PluginSet): z.ZodType<ConstraintOptions> {
  return z.strictObject(constraintOptionsShape(plugins)) as unknown as z.ZodType<ConstraintOptions>;
}

/**
 * The constraint filters of a baseline, built for one replay, by name from `plugins` (a framework
 * strategy passes its catalog's; a plugin's own full strategy gets the built-in filters). On a
 * cluster with GPUs GpuFilter is one of them even when `filters` leaves it out: a baseline places
 * only where the flavor fits, GPUs included, as it does for the resource filters.
 */
export function constraintFilters(
  cluster: ClusterState,
  options: ConstraintOptions,
  plugins: PluginSet = BUILTIN_PLUGINS,
): HostFilter[] {
  const names = cluster.hosts.hasGpus ? withGpuFilter(options.filters) : options.filters;
  return buildFilters(names, cluster, options, plugins);
}
