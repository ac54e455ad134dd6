import type { z } from 'zod';
import {
  type FilterOptions,
  filterOptionsSchema,
  filtersOption,
  weighersOption,
} from '../../src/framework/options.ts';
import type { PluginSet } from '../../src/framework/types.ts';

/** Zed's default `[filter_scheduler] enabled_filters` (nova/conf/scheduler.py). */
export const ZED_FILTERS = [
  'ComputeFilter',
  'ComputeCapabilitiesFilter',
  'ImagePropertiesFilter',
  'ServerGroupAntiAffinityFilter',
  'ServerGroupAffinityFilter',
] as const;

/**
 * Zed's default weigher: `nova.scheduler.weights.all_weighers`, in the order that call returns
 * them in Nova 26 as installed here (python3-nova 26, Debian): the order sums are taken in.
 */
export const ZED_WEIGHERS = [
  'CrossCellWeigher',
  'MetricsWeigher',
  'CPUWeigher',
  'BuildFailureWeigher',
  'ServerGroupSoftAffinityWeigher',
  'ServerGroupSoftAntiAffinityWeigher',
  'RAMWeigher',
  'DiskWeigher',
  'PCIWeigher',
  'IoOpsWeigher',
] as const;

/** `nova-zed`'s options: the `filter` strategy's, with Zed's default filter and weigher lists. */
export function novaZedOptionsSchema(plugins: PluginSet): z.ZodType<FilterOptions> {
  return filterOptionsSchema(plugins).extend({
    filters: filtersOption(plugins, ZED_FILTERS),
    weighers: weighersOption(plugins, ZED_WEIGHERS),
  }) as unknown as z.ZodType<FilterOptions>;
}
