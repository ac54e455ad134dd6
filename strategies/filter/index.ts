import type { z } from 'zod';
import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { buildFilters, buildWeighers } from '../../src/framework/build.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import { buildFastPaths } from '../../src/framework/fast/index.ts';
import { type FilterOptions, filterOptionsSchema } from '../../src/framework/options.ts';
import { FilterPipeline, type HostSelection } from '../../src/framework/pipeline.ts';
import type { DecisionProbe, ExplainableDriver } from '../../src/framework/probe.ts';
import { frameworkStrategy } from '../../src/framework/strategy.ts';
import type { PluginSet } from '../../src/framework/types.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { DriverContext, SchedulerDriver } from '../../src/scheduler/driver.ts';
import type { FilterProperties, RequestSpec } from '../../src/scheduler/request-spec.ts';
import { unsupportedGroupPolicies } from './group-policy-check.ts';
import { NovaSelection } from './nova-selection.ts';

/**
 * Nova's FilterScheduler (`_schedule` / `_get_sorted_hosts`): filter, weigh, sort stably by weight,
 * pick among the best `host_subset_size`, and hand the sorted list (chosen host first) to the next
 * instance of the request. See docs/nova-semantics.md. `selection` swaps the last step (the
 * `weighted` strategy draws instead of sorting); `name` lets strategies built on it report their own.
 */
export class FilterScheduler implements SchedulerDriver, ExplainableDriver {
  readonly name: string;
  /** Its pipeline: diagnosis mode is `pipeline.onDiagnosis`. */
  readonly pipeline: FilterPipeline;
  /** Policies whose filter or weigher is missing, when `group_policy_check` is on. */
  private readonly unsupportedPolicies: ReadonlyMap<string, string>;

  constructor(
    cluster: ClusterState,
    options: FilterOptions,
    selection?: (weightHandler: WeightHandler) => HostSelection,
    name = 'filter',
    plugins: PluginSet = BUILTIN_PLUGINS,
  ) {
    this.name = name;
    const n = cluster.hosts.size;
    const weighers = buildWeighers(options.weighers, cluster, options, plugins);
    const filters = buildFilters(options.filters, cluster, options, plugins);
    const weightHandler = new WeightHandler(weighers, n);
    this.pipeline = new FilterPipeline(
      name,
      cluster,
      filters,
      selection ? selection(weightHandler) : new NovaSelection(weightHandler, options.host_subset_size, n),
      // The fast paths decide as Nova's selection does: not for a swapped selection.
      selection ? [] : buildFastPaths({ cluster, options, filters, weighers }),
    );
    this.unsupportedPolicies = unsupportedGroupPolicies(options);
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.pipeline.setProbe(probe);
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    const unsupported = spec.group ? this.unsupportedPolicies.get(spec.group.policy) : undefined;
    if (unsupported) {
      for (let k = 0; k < spec.instanceIds.length; k++) ctx.noValidHost(k, unsupported);
      return;
    }
    this.pipeline.scheduleRunInstance(ctx, spec, props);
  }
}

export const filterStrategy = frameworkStrategy<FilterOptions>({
  name: 'filter',
  description:
    "Nova's FilterScheduler: Nova 26's filter and weigher code with the classic resource filters (Ram, Core, Disk); its default filter list is not Zed's",
  optionsSchema: (plugins) => filterOptionsSchema(plugins) as unknown as z.ZodType<FilterOptions>,
  create: (cluster, options, plugins) => new FilterScheduler(cluster, options, undefined, 'filter', plugins),
});
