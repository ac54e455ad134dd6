import { z } from 'zod';
import { BUILTIN_PLUGINS, type BuiltinFilterOptions, type BuiltinWeigherOptions } from './builtins.ts';
import type { PluginSet } from './types.ts';

/** Nova's default `enabled_filters` for this tool (the classic resource filters included). */
export const DEFAULT_FILTERS = [
  'RetryFilter',
  'AvailabilityZoneFilter',
  'ComputeFilter',
  'RamFilter',
  'CoreFilter',
  'DiskFilter',
  'AggregateInstanceExtraSpecsFilter',
  'ServerGroupAntiAffinityFilter',
  'ServerGroupAffinityFilter',
] as const;

/** The filter that joins the default list on a cluster with GPUs (after the resource filters). */
export const GPU_FILTER = 'GpuFilter';

/**
 * A filter list with GpuFilter added after DiskFilter (or at the end when there is none), unless it
 * has it already: the default list on a cluster with GPUs.
 */
export function withGpuFilter(names: readonly string[]): string[] {
  if (names.includes(GPU_FILTER)) return [...names];
  const at = names.indexOf('DiskFilter');
  return at < 0 ? [...names, GPU_FILTER] : [...names.slice(0, at + 1), GPU_FILTER, ...names.slice(at + 1)];
}

export const DEFAULT_WEIGHERS = ['RAMWeigher'] as const;

/** A name that must be in the plugin set (checked when the config is read, so the error names the key). */
function known(kind: string, defs: ReadonlyMap<string, unknown>) {
  return z
    .string()
    .min(1)
    .refine((name) => defs.has(name), {
      error: (issue) => `unknown ${kind} "${String(issue.input)}" (known: ${[...defs.keys()].join(', ')})`,
    });
}

/** The `filters` option: names from the plugin set, Nova's default list (or `defaults`). */
export function filtersOption(plugins: PluginSet, defaults: readonly string[] = DEFAULT_FILTERS) {
  return z
    .array(known('filter', plugins.filters))
    .default([...defaults])
    .describe("Nova's enabled_filters, applied in this order");
}

/** The `weighers` option: names from the plugin set, the default list `defaults`. */
export function weighersOption(plugins: PluginSet, defaults: readonly string[] = DEFAULT_WEIGHERS) {
  return z
    .array(known('weigher', plugins.weighers))
    .default([...defaults])
    .describe("Nova's weight_classes");
}

/**
 * The options the plugins declare, merged flat (the user sets `max_io_ops_per_host`, not a nested
 * key). Two plugins may share an option only with the same schema.
 */
function declaredOptions(defs: Iterable<{ name: string; options: z.ZodRawShape }>): z.ZodRawShape {
  const out: Record<string, z.core.$ZodType> = {};
  const owner = new Map<string, string>();
  for (const def of defs) {
    for (const [key, schema] of Object.entries(def.options)) {
      if (key in out && out[key] !== schema) {
        throw new Error(`option "${key}" is declared by both ${owner.get(key)} and ${def.name}`);
      }
      out[key] = schema;
      owner.set(key, def.name);
    }
  }
  return out;
}

/** The options of every filter in the plugin set. */
export function filterPluginOptions(plugins: PluginSet): z.ZodRawShape {
  return declaredOptions(plugins.filters.values());
}

/** The options of every weigher in the plugin set. */
export function weigherPluginOptions(plugins: PluginSet): z.ZodRawShape {
  return declaredOptions(plugins.weighers.values());
}

/** Options of the `filter` strategy that belong to no filter or weigher. */
export type FilterSchedulerOptions = {
  filters: string[];
  weighers: string[];
  host_subset_size: number;
  group_policy_check: boolean;
  reference_scan: boolean;
};

export type FilterOptions = FilterSchedulerOptions & BuiltinWeigherOptions & BuiltinFilterOptions;

/**
 * Options of the `filter` strategy, named as Nova's `[filter_scheduler]` options, with Nova's
 * defaults: its own, then those each weigher and filter of the plugin set declares. Unknown keys are
 * rejected: a misspelt option would otherwise silently do nothing.
 */
export function filterOptionsSchema(plugins: PluginSet): z.ZodObject {
  return z.strictObject({
    filters: filtersOption(plugins),
    weighers: weighersOption(plugins),
    host_subset_size: z.int().positive().default(1).describe('pick uniformly among this many best hosts'),
    ...weigherPluginOptions(plugins),
    ...filterPluginOptions(plugins),
    /**
     * Nova's conductor check (`scheduler_utils._get_group_details`): a server group whose policy's
     * filter or weigher is not configured fails with UnsupportedPolicyException. Off by default: the
     * scheduler contract this tool models places such requests, ignoring the unconfigured policy.
     */
    group_policy_check: z
      .boolean()
      .default(false)
      .describe("fail a group whose policy's filter or weigher is not configured, as Nova's conductor does"),
    reference_scan: z
      .boolean()
      .default(false)
      .describe(
        'decide every request with the plain reference scan (no index, no fused pass): slower, same decisions',
      ),
  });
}

/** The `filter` strategy's defaults with the built-in filters and weighers. */
export const DEFAULT_FILTER_OPTIONS = filterOptionsSchema(BUILTIN_PLUGINS).parse(
  {},
) as unknown as FilterOptions;
