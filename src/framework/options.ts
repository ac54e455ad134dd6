import { z } from 'zod';
import { multiplier as boundedMultiplier } from '../common/bounds.ts';
import { FILTERS, WEIGHERS } from './registry.ts';

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

const multiplier = (d: number) => boundedMultiplier().default(d);

/** A name that must be registered (checked when the config is read, so the error names the key). */
function known(kind: string, registry: ReadonlyMap<string, unknown>) {
  return z
    .string()
    .min(1)
    .refine((name) => registry.has(name), {
      error: (issue) =>
        `unknown ${kind} "${String(issue.input)}" (known: ${[...registry.keys()].join(', ')})`,
    });
}

/**
 * Options of the `filter` strategy, named as Nova's `[filter_scheduler]` options, with Nova's
 * defaults. Unknown keys are rejected: a misspelt option would otherwise silently do nothing.
 */
export const filterOptionsSchema = z.strictObject({
  filters: z
    .array(known('filter', FILTERS))
    .default([...DEFAULT_FILTERS])
    .describe("Nova's enabled_filters, applied in this order"),
  weighers: z
    .array(known('weigher', WEIGHERS))
    .default([...DEFAULT_WEIGHERS])
    .describe("Nova's weight_classes"),
  host_subset_size: z.int().positive().default(1).describe('pick uniformly among this many best hosts'),
  ram_weight_multiplier: multiplier(1.0).describe('RAMWeigher: positive spreads, negative stacks'),
  cpu_weight_multiplier: multiplier(1.0).describe('CPUWeigher multiplier'),
  disk_weight_multiplier: multiplier(1.0).describe('DiskWeigher multiplier'),
  io_ops_weight_multiplier: multiplier(-1.0).describe('IoOpsWeigher multiplier'),
  num_instances_weight_multiplier: multiplier(0.0).describe('NumInstancesWeigher multiplier'),
  // Nova's option definitions refuse negative soft-affinity multipliers (min=0.0).
  soft_affinity_weight_multiplier: boundedMultiplier()
    .min(0)
    .default(1.0)
    .describe('ServerGroupSoftAffinityWeigher multiplier'),
  soft_anti_affinity_weight_multiplier: boundedMultiplier()
    .min(0)
    .default(1.0)
    .describe('ServerGroupSoftAntiAffinityWeigher multiplier'),
  max_instances_per_host: z.int().positive().default(50).describe('NumInstancesFilter limit'),
  max_io_ops_per_host: z.int().positive().default(8).describe('IoOpsFilter limit'),
  /**
   * Nova's conductor check (`scheduler_utils._get_group_details`): a server group whose policy's
   * filter or weigher is not configured fails with UnsupportedPolicyException. Off by default: the
   * scheduler contract this tool models places such requests, ignoring the unconfigured policy.
   */
  group_policy_check: z
    .boolean()
    .default(false)
    .describe("fail a group whose policy's filter or weigher is not configured, as Nova's conductor does"),
});

export type FilterOptions = z.output<typeof filterOptionsSchema>;

export const DEFAULT_FILTER_OPTIONS: FilterOptions = filterOptionsSchema.parse({});
