import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { buildFilters, buildWeighers } from '../../src/framework/build.ts';
import { BUILTIN_PLUGINS } from '../../src/framework/builtins.ts';
import type { Diagnosis } from '../../src/framework/diagnosis.ts';
import { FusedWeigher } from '../../src/framework/fast/fused-weigh.ts';
import { diagnoseHosts, filterHosts } from '../../src/framework/filter-handler.ts';
import type { FilterOptions } from '../../src/framework/options.ts';
import type { DecisionProbe, ExplainableDriver } from '../../src/framework/probe.ts';
import { reusableFilterRequest } from '../../src/framework/request.ts';
import { frameworkStrategy } from '../../src/framework/strategy.ts';
import type { FilterRequest, HostFilter, PluginSet } from '../../src/framework/types.ts';
import { WeightHandler } from '../../src/framework/weight-handler.ts';
import type { DriverContext, PlacementPass, SchedulerDriver } from '../../src/scheduler/driver.ts';
import { NO_VALID_HOST, PLACEMENT } from '../../src/scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../../src/scheduler/request-spec.ts';
import { unsupportedGroupPolicies } from '../filter/group-policy-check.ts';
import { novaZedOptionsSchema } from './defaults.ts';
import { HostSorter } from './host-sorter.ts';
import { ZedIndex } from './zed-index.ts';

/**
 * Nova 26's `SchedulerManager._schedule` over Placement's candidates (docs/nova-zed.md): per
 * instance, filter and sort the previous instance's sorted list (the candidates, in cluster order,
 * for the first), then claim the hosts in sorted order until Placement accepts one (a 409 falls
 * through to the next); the manager makes the row all-or-nothing. Then `_get_alternate_hosts`: for
 * a multi-instance row the list is filtered and sorted once more, and each instance gets the first
 * `max_attempts - 1` hosts of it that no instance of the row was placed on.
 */
export class NovaZedScheduler implements SchedulerDriver, ExplainableDriver {
  readonly name = 'nova-zed';
  /** Requests the tree index decided (the rest were scanned): for tests and benchmarks. */
  indexedDecisions = 0;
  /** The filter that emptied the list in the request last scheduled (filterHosts writes it). */
  lastEmptiedBy: string | undefined = undefined;
  private readonly filters: readonly HostFilter[];
  private readonly sorter: HostSorter;
  private readonly subsetSize: number;
  /** `reference_scan`: every list sorted whole by WeightHandler (no head-only sort, no fused weights). */
  private readonly reference: boolean;
  private readonly unsupportedPolicies: ReadonlyMap<string, string>;
  private readonly list: Int32Array;
  /** The sorted list's head when only that is sorted (HostSorter.sortHead). */
  private readonly head: Int32Array;
  private readonly req: FilterRequest;
  /** The tree-indexed shortcut (zed-index.ts); none with reference_scan. */
  private readonly index: ZedIndex | undefined;
  private probe: DecisionProbe | undefined = undefined;

  constructor(cluster: ClusterState, options: FilterOptions, plugins: PluginSet = BUILTIN_PLUGINS) {
    const n = cluster.hosts.size;
    this.filters = buildFilters(options.filters, cluster, options, plugins);
    const weighers = buildWeighers(options.weighers, cluster, options, plugins);
    this.subsetSize = options.host_subset_size;
    this.reference = options.reference_scan;
    this.sorter = new HostSorter(
      new WeightHandler(weighers, n),
      options.reference_scan ? undefined : new FusedWeigher(cluster.hosts, weighers),
      options.host_subset_size,
      n,
    );
    this.unsupportedPolicies = unsupportedGroupPolicies(options);
    this.index = options.reference_scan ? undefined : new ZedIndex(cluster, weighers);
    this.list = new Int32Array(n);
    this.head = new Int32Array(n);
    this.req = reusableFilterRequest(n);
  }

  setProbe(probe: DecisionProbe | undefined): void {
    this.probe = probe;
    this.sorter.setProbe(probe);
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    const n = spec.instanceIds.length;
    // The conductor's setup_instance_group runs before the scheduler is called.
    const unsupported = spec.group ? this.unsupportedPolicies.get(spec.group.policy) : undefined;
    if (unsupported) {
      for (let k = 0; k < n; k++) ctx.noValidHost(k, unsupported);
      return;
    }
    const placement = ctx.placement;
    if (placement === undefined) throw new Error('nova-zed runs with placement: zed only');
    const { list, req } = this;
    req.spec = spec;
    req.retryHosts = props.retry?.hosts;
    // One instance with no draw: only the sorted list's head is needed (claim, alternates), and
    // the tree index may give it without reading the candidate list at all.
    const lazy = n === 1 && this.subsetSize === 1 && !this.reference;
    const m = placement.maxAlternates;
    if (lazy && this.probe === undefined && this.indexed(ctx, spec, placement, m)) return;
    let len = placement.candidates.length;
    list.set(placement.candidates);
    this.lastEmptiedBy = len === 0 ? PLACEMENT : undefined;
    let lastClaimed = -1;
    for (let k = 0; k < n; k++) {
      len = this.filter(list, len, spec, k, ctx);
      if (len === 0) {
        this.fail(ctx, k, n, this.lastEmptiedBy);
        return;
      }
      let claimed = -1;
      if (lazy) {
        // Candidates fit when asked, so the head's first host is claimed unless the list is
        // refused further (then the whole list is sorted, as below).
        const headLen = this.sorter.sortHead(list, len, req, Math.min(len, m + 1), this.head);
        for (let i = 0; i < headLen && claimed < 0; i++) {
          if (ctx.cluster.placementFits(this.head[i], spec.flavor)) claimed = this.head[i];
        }
        if (claimed >= 0) {
          ctx.provision(0, claimed);
          if (m > 0) ctx.alternates(this.head, headLen);
          return;
        }
      }
      this.sorter.sortAll(list, len, req, ctx);
      // Claim in sorted order: a host Placement refuses (409) falls through to the next.
      for (let i = 0; i < len && claimed < 0; i++) {
        if (ctx.cluster.placementFits(list[i], spec.flavor)) claimed = list[i];
      }
      if (claimed < 0) {
        this.fail(ctx, k, n, undefined);
        return;
      }
      ctx.provision(k, claimed);
      lastClaimed = claimed;
    }
    if (m === 0) return;
    if (n > 1) {
      // The selected hosts had resources consumed: filter and sort once more for the alternates.
      // The spec still names the last instance, which _consume_selected_host listed on its host:
      // ServerGroupAntiAffinityFilter passes that host, so it counts in the weighers' maxima.
      req.instanceHost = lastClaimed;
      len = this.filter(list, len, spec, n - 1, ctx);
      req.instanceHost = -1;
      if (len > 0) this.sorter.sortAll(list, len, req, ctx);
    }
    ctx.alternates(list, len);
  }

  /**
   * The index's decision for a single instance: the sorted list's head from the tree, claimed and
   * reported as the scan would. False, having called nothing on `ctx`, when it cannot decide.
   */
  private indexed(ctx: DriverContext, spec: RequestSpec, placement: PlacementPass, m: number): boolean {
    if (this.index === undefined) return false;
    const req = this.req;
    req.index = 0;
    req.instanceId = spec.instanceIds[0];
    req.group.refresh(spec.group);
    const got = this.index.head(placement, this.filters, req, m + 1, this.head);
    if (got <= 0 || !ctx.cluster.placementFits(this.head[0], spec.flavor)) return false;
    this.indexedDecisions++;
    ctx.countHostEvaluations(this.index.candidateCount);
    ctx.provision(0, this.head[0]);
    if (m > 0) ctx.alternates(this.head, got);
    return true;
  }

  /** Instance `k`'s filtering over `list[0..len)`; returns how many hosts pass. */
  private filter(list: Int32Array, len: number, spec: RequestSpec, k: number, ctx: DriverContext): number {
    const req = this.req;
    req.index = k;
    req.instanceId = spec.instanceIds[k];
    req.group.refresh(spec.group);
    ctx.countHostEvaluations(len);
    if (len === 0) return 0;
    if (this.probe === undefined) return filterHosts(this.filters, list, len, req, this);
    const d: { len: number; diagnosis: Diagnosis } = diagnoseHosts(
      this.filters,
      list,
      len,
      req,
      this,
      this.probe.funnelOnly !== true,
    );
    this.probe.filtered(d.diagnosis, spec, k, list, d.len);
    return d.len;
  }

  /** No host for instance `k`: it and every later instance of the row are NoValidHost. */
  private fail(ctx: DriverContext, k: number, n: number, emptiedBy: string | undefined): void {
    for (let i = k; i < n; i++) ctx.noValidHost(i, NO_VALID_HOST, emptiedBy);
  }
}

export const novaZedStrategy = frameworkStrategy<FilterOptions>({
  name: 'nova-zed',
  description:
    "Nova 26 (Zed) as deployed by default: Placement's candidates and claims, Zed's default filters and all weighers, alternates",
  optionsSchema: novaZedOptionsSchema,
  placement: 'zed',
  create: (cluster, options, plugins) => new NovaZedScheduler(cluster, options, plugins),
});
