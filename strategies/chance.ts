import { z } from 'zod';
import { buildFilters } from '../src/framework/build.ts';
import { FilterPipeline } from '../src/framework/pipeline.ts';
import { uniformSelection } from '../src/framework/selections.ts';
import { frameworkStrategy } from '../src/framework/strategy.ts';

export const chanceOptionsSchema = z.strictObject({
  enforce_server_groups: z
    .boolean()
    .default(true)
    .describe(
      "keep hard affinity/anti-affinity like every strategy; false is Nova's ChanceScheduler exactly",
    ),
});
export type ChanceOptions = z.output<typeof chanceOptionsSchema>;

/** What chance looks at: tried hosts, the zone and the service state, never free resources. */
const CHANCE_FILTERS = ['RetryFilter', 'AvailabilityZoneFilter', 'ComputeFilter'] as const;
const GROUP_FILTERS = ['ServerGroupAntiAffinityFilter', 'ServerGroupAffinityFilter'] as const;

/**
 * Nova's ChanceScheduler: for each instance, a host drawn uniformly (seeded) among those up, enabled,
 * in the requested AZ and not already tried, without checking free resources. The compute node's
 * claim then fails on a full host, the manager reschedules (the host excluded) and after
 * `max_attempts` the instance is NoValidHost: the report's claim_failures and retries are its cost.
 */
export const chanceStrategy = frameworkStrategy<ChanceOptions>({
  name: 'chance',
  description: "Nova's ChanceScheduler: a random up host in the AZ, resources unchecked (claims fail)",
  optionsSchema: () => chanceOptionsSchema,
  create(cluster, options, plugins) {
    const names = options.enforce_server_groups ? [...CHANCE_FILTERS, ...GROUP_FILTERS] : CHANCE_FILTERS;
    const filters = buildFilters(names, cluster, {}, plugins);
    return new FilterPipeline('chance', cluster, filters, uniformSelection);
  },
});
