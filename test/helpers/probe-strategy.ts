// A `filter`-like strategy whose FilterPipeline is given the fast paths a test chooses (the real
// ones from buildFastPaths, none, or deliberately wrong ones), so the equivalence harness can be
// pointed at any DecisionFastPath. Also the wrong fast paths that prove the harness can fail.
import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { buildFilters, buildWeighers } from '../../src/framework/build.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import type { FastPathInit } from '../../src/framework/fast/index.ts';
import type { DecisionFastPath } from '../../src/framework/fast-path.ts';
import { filterHosts } from '../../src/framework/filter-handler.ts';
import type { FilterOptions } from '../../src/framework/options.ts';
import { FilterPipeline } from '../../src/framework/pipeline.ts';
import { reusableFilterRequest } from '../../src/framework/request.ts';
import type { HostFilter } from '../../src/framework/types.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { DriverContext } from '../../src/scheduler/driver.ts';
import { NO_VALID_HOST } from '../../src/scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../../src/scheduler/request-spec.ts';
import type { Strategy } from '../../src/scheduler/strategy.ts';
import { filterStrategy } from '../../strategies/filter/index.ts';
import { NovaSelection } from '../../strategies/filter/nova-selection.ts';

export type FastPathFactory = (init: FastPathInit) => DecisionFastPath[];

/** Nova's FilterScheduler pipeline (filters, weighers, Nova's selection) with `fastPaths` injected. */
function pipelineWith(
  cluster: ClusterState,
  options: FilterOptions,
  fastPaths: FastPathFactory,
): FilterPipeline {
  const n = cluster.hosts.size;
  const filters = buildFilters(options.filters, cluster, options, BUILTIN_PLUGINS);
  const weighers = buildWeighers(options.weighers, cluster, options, BUILTIN_PLUGINS);
  const selection = new NovaSelection(new WeightHandler(weighers, n), options.host_subset_size, n);
  return new FilterPipeline(
    'probe',
    cluster,
    filters,
    selection,
    fastPaths({ cluster, options, filters, weighers }),
  );
}

/** A strategy with the `filter` options whose driver is a FilterPipeline with `fastPaths`. */
export function probeStrategy(fastPaths: FastPathFactory): Strategy<FilterOptions> {
  return {
    name: 'probe',
    description: 'FilterPipeline with injected fast paths (tests)',
    optionsSchema: filterStrategy.optionsSchema,
    create: (cluster, options) => pipelineWith(cluster, options, fastPaths),
  };
}

/** Wrong: filters as the reference does, then takes the LAST survivor instead of the best-weighed. */
export class LastSurvivorFastPath implements DecisionFastPath {
  readonly name = 'wrong:last-survivor';
  private readonly list: Int32Array;
  private readonly req;
  private readonly outcome = { lastEmptiedBy: undefined as string | undefined };
  constructor(
    private readonly cluster: ClusterState,
    private readonly filters: readonly HostFilter[],
  ) {
    this.list = new Int32Array(cluster.hosts.size);
    this.req = reusableFilterRequest(cluster.hosts.size);
  }
  tryScheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): boolean {
    const { list, req, outcome } = this;
    outcome.lastEmptiedBy = undefined;
    let len = this.cluster.hosts.size;
    for (let i = 0; i < len; i++) list[i] = i;
    req.spec = spec;
    req.retryHosts = props.retry?.hosts;
    for (let k = 0; k < spec.instanceIds.length; k++) {
      req.index = k;
      req.instanceId = spec.instanceIds[k];
      req.group.refresh(spec.group);
      ctx.countHostEvaluations(len);
      if (len > 0) len = filterHosts(this.filters, list, len, req, outcome);
      if (len === 0) ctx.noValidHost(k, NO_VALID_HOST, outcome.lastEmptiedBy);
      else ctx.provision(k, list[len - 1]);
    }
    return true;
  }
}

/** Wrong: decides exactly as the reference but forgets which filter emptied the list. */
export class DropsEmptiedByFastPath implements DecisionFastPath {
  readonly name = 'wrong:drops-emptied-by';
  private readonly reference: FilterPipeline;
  private inner!: DriverContext;
  private readonly forgetful: DriverContext;
  constructor(cluster: ClusterState, options: FilterOptions) {
    this.reference = pipelineWith(cluster, options, () => []);
    const self = this;
    this.forgetful = {
      get cluster() {
        return self.inner.cluster;
      },
      get rng() {
        return self.inner.rng;
      },
      provision: (k, h, gpu) =>
        gpu === undefined ? self.inner.provision(k, h) : self.inner.provision(k, h, gpu),
      noValidHost: (k, reason) => self.inner.noValidHost(k, reason),
      countHostEvaluations: (n) => self.inner.countHostEvaluations(n),
      get placement() {
        return self.inner.placement;
      },
      alternates: (hosts, len) => self.inner.alternates(hosts, len),
    };
  }
  tryScheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): boolean {
    this.inner = ctx;
    this.reference.scheduleRunInstance(this.forgetful, spec, props);
    return true;
  }
}

/** Wrong: counts host evaluations, then declines (a decline must leave `ctx` untouched). */
export class DirtyDeclineFastPath implements DecisionFastPath {
  readonly name = 'wrong:dirty-decline';
  constructor(private readonly cluster: ClusterState) {}
  tryScheduleRunInstance(ctx: DriverContext): boolean {
    ctx.countHostEvaluations(this.cluster.hosts.size);
    return false;
  }
}
