import type { ClusterState } from '../cluster/cluster-state.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';
import type { GroupView } from './group-view.ts';
import type { FilterOptions } from './options.ts';

/** What filters and weighers see about the instance being scheduled. Reused across instances. */
export interface FilterRequest {
  spec: RequestSpec;
  /** The instance's index in Nova's `_schedule` loop (0 for the first, and for every reschedule). */
  index: number;
  instanceId: string;
  /** Hosts already tried for this instance (RetryFilter), if this is a reschedule. */
  retryHosts: readonly number[] | undefined;
  /** Live members of the request's server group, per host. */
  readonly group: GroupView;
}

/** Everything a filter or weigher is built from: the replay's cluster and the strategy options. */
export interface PluginInit {
  readonly cluster: ClusterState;
  readonly options: FilterOptions;
}

/**
 * A host filter, after Nova's BaseHostFilter: one predicate over one host. Kept allocation-free:
 * `appliesTo` runs once per instance (prepare per-request state there), `hostPasses` once per host.
 */
export interface HostFilter {
  readonly name: string;
  /** Nova's `run_filter_once_per_request`: skipped for instance index > 0 of a request. */
  readonly runOncePerRequest: boolean;
  /** False when the filter has nothing to check for this request (every host passes). */
  appliesTo(req: FilterRequest): boolean;
  /** Nova's `host_passes`. May throw SchedulingError where Nova's filter would raise. */
  hostPasses(host: number, req: FilterRequest): boolean;
  /**
   * Optional fast path for the hottest filters: keep, in order, the hosts of `list[0..len)` that
   * pass, compacting in place, and return how many. Must give exactly what `hostPasses` gives
   * (test/framework/fast-path.test.ts checks it); it exists so the loop is specialised to
   * one predicate instead of calling through the interface per host.
   */
  filterAll?(list: Int32Array, len: number, req: FilterRequest): number;
}

/**
 * A host weigher, after Nova's BaseHostWeigher: a raw number for one host. The weight handler clamps
 * to [minval, maxval], normalises and applies the per-host multiplier.
 */
export interface HostWeigher {
  readonly name: string;
  readonly minval: number | undefined;
  readonly maxval: number | undefined;
  /** Per-host multiplier: the aggregate-metadata override where set, else the config value. */
  readonly multipliers: Float64Array;
  /** Optional per-instance preparation, called before `weigh` for the candidates. */
  prepare?(req: FilterRequest): void;
  weigh(host: number, req: FilterRequest): number;
}

export type FilterFactory = (init: PluginInit) => HostFilter;
export type WeigherFactory = (init: PluginInit) => HostWeigher;
