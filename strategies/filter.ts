import type { ClusterState } from '../src/cluster/cluster-state.ts';
import { stableSortDesc } from '../src/common/stable-sort.ts';
import type { DriverContext, SchedulerDriver } from '../src/scheduler/driver.ts';
import { NO_VALID_HOST } from '../src/scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../src/scheduler/request-spec.ts';
import type { Strategy } from '../src/scheduler/strategy.ts';
import { filterHosts } from './filter/filter-handler.ts';
import { GroupView } from './filter/group-view.ts';
import { type FilterOptions, filterOptionsSchema } from './filter/options.ts';
import { FILTERS, WEIGHERS } from './filter/registry.ts';
import type { FilterRequest, HostFilter, HostWeigher, PluginInit } from './filter/types.ts';
import { WeightHandler } from './filter/weight-handler.ts';

/**
 * Nova's FilterScheduler (`_schedule` / `_get_sorted_hosts`): filter, weigh, sort stably by weight,
 * pick among the best `host_subset_size`, and hand the sorted list (chosen host first) to the next
 * instance of the request. See docs/nova-semantics.md.
 */
export class FilterScheduler implements SchedulerDriver {
  readonly name = 'filter';
  private readonly filters: HostFilter[];
  private readonly weightHandler: WeightHandler;
  private readonly subsetSize: number;
  private readonly list: Int32Array;
  private readonly scratch: Int32Array;
  private readonly perm: Int32Array;
  private readonly weights: Float64Array;
  private readonly req: FilterRequest;
  /** Policies whose filter or weigher is missing, when `group_policy_check` is on. */
  private readonly unsupportedPolicies = new Map<string, string>();

  constructor(cluster: ClusterState, options: FilterOptions) {
    const n = cluster.hosts.size;
    const init: PluginInit = { cluster, options };
    this.filters = options.filters.map((name) => {
      const make = FILTERS.get(name);
      if (!make) throw new Error(`unknown filter "${name}" (known: ${[...FILTERS.keys()].join(', ')})`);
      return make(init);
    });
    const weighers: HostWeigher[] = options.weighers.map((name) => {
      const make = WEIGHERS.get(name);
      if (!make) throw new Error(`unknown weigher "${name}" (known: ${[...WEIGHERS.keys()].join(', ')})`);
      return make(init);
    });
    this.weightHandler = new WeightHandler(weighers, n);
    this.subsetSize = options.host_subset_size;
    this.list = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.perm = new Int32Array(n);
    this.weights = new Float64Array(n);
    this.req = {
      spec: undefined as never,
      index: 0,
      instanceId: '',
      retryHosts: undefined,
      group: new GroupView(n),
    };
    if (options.group_policy_check) {
      const needs: [string, string, readonly string[]][] = [
        ['affinity', 'ServerGroupAffinityFilter', options.filters],
        ['anti-affinity', 'ServerGroupAntiAffinityFilter', options.filters],
        ['soft-affinity', 'ServerGroupSoftAffinityWeigher', options.weighers],
        ['soft-anti-affinity', 'ServerGroupSoftAntiAffinityWeigher', options.weighers],
      ];
      for (const [policy, plugin, configured] of needs) {
        if (!configured.includes(plugin)) {
          this.unsupportedPolicies.set(
            policy,
            `ServerGroup policy is not supported: ${plugin} not configured`,
          );
        }
      }
    }
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    const { list, req } = this;
    let len = ctx.cluster.hosts.size;
    for (let i = 0; i < len; i++) list[i] = i;
    req.spec = spec;
    req.retryHosts = props.retry?.hosts;
    const n = spec.instanceIds.length;
    const unsupported = spec.group ? this.unsupportedPolicies.get(spec.group.policy) : undefined;
    if (unsupported) {
      for (let k = 0; k < n; k++) ctx.noValidHost(k, unsupported);
      return;
    }
    for (let k = 0; k < n; k++) {
      req.index = k;
      req.instanceId = spec.instanceIds[k];
      req.group.refresh(spec.group);
      ctx.countHostEvaluations(len);
      if (len > 0) len = filterHosts(this.filters, list, len, req);
      if (len === 0) {
        ctx.noValidHost(k, NO_VALID_HOST);
        continue;
      }
      const host = this.select(len, k < n - 1, ctx);
      ctx.provision(k, host);
    }
  }

  /**
   * Weigh the `len` survivors in `list` and return the chosen host. When another instance of the
   * request follows, or the subset has more than one host, `list` becomes the sorted survivors with
   * the chosen host moved to the front (the next instance's input order).
   */
  private select(len: number, more: boolean, ctx: DriverContext): number {
    const { list, weights } = this;
    if (len === 1) return list[0];
    this.weightHandler.weigh(list, len, this.req, weights);
    const subset = Math.min(this.subsetSize, len);
    if (!more && subset === 1) {
      let best = 0;
      for (let i = 1; i < len; i++) if (weights[i] > weights[best]) best = i;
      return list[best];
    }
    const perm = this.perm;
    for (let i = 0; i < len; i++) perm[i] = i;
    // Descending weight; equal weights keep input order (Python's stable sorted(reverse=True)).
    stableSortDesc(perm, len, weights, this.scratch);
    const r = subset > 1 ? ctx.rng.int(subset) : 0;
    const scratch = this.scratch;
    scratch[0] = list[perm[r]];
    let j = 1;
    for (let i = 0; i < len; i++) if (i !== r) scratch[j++] = list[perm[i]];
    list.set(scratch.subarray(0, len));
    return list[0];
  }
}

export const filterStrategy: Strategy<FilterOptions> = {
  name: 'filter',
  description:
    "Nova's FilterScheduler: filters, normalised weighers, best host (decision-identical to Nova 26)",
  optionsSchema: filterOptionsSchema,
  create: (cluster, options) => new FilterScheduler(cluster, options),
};
