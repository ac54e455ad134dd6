import { z } from 'zod';

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

export const DEFAULT_WEIGHERS = ['RAMWeigher'] as const;

const multiplier = (d: number) => z.number().default(d);

/**
 * Options of the `filter` strategy, named as Nova's `[filter_scheduler]` options, with Nova's
 * defaults. Unknown keys are rejected: a misspelt option would otherwise silently do nothing.
 */
export const filterOptionsSchema = z.strictObject({
  filters: z.array(z.string().min(1)).default([...DEFAULT_FILTERS]),
  weighers: z.array(z.string().min(1)).default([...DEFAULT_WEIGHERS]),
  host_subset_size: z.int().positive().default(1),
  ram_weight_multiplier: multiplier(1.0),
  cpu_weight_multiplier: multiplier(1.0),
  disk_weight_multiplier: multiplier(1.0),
  io_ops_weight_multiplier: multiplier(-1.0),
  num_instances_weight_multiplier: multiplier(0.0),
  soft_affinity_weight_multiplier: multiplier(1.0),
  soft_anti_affinity_weight_multiplier: multiplier(1.0),
  max_instances_per_host: z.int().positive().default(50),
  max_io_ops_per_host: z.int().positive().default(8),
});

export type FilterOptions = z.output<typeof filterOptionsSchema>;

export const DEFAULT_FILTER_OPTIONS: FilterOptions = filterOptionsSchema.parse({});
