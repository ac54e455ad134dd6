import type { z } from 'zod';
import type { ClusterState } from '../cluster/cluster-state.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';
import type { FilterForm, WeigherForm } from './fused-form.ts';
import type { GroupView } from './group-view.ts';

/** What filters and weighers see about the instance being scheduled. Reused across instances. */
export interface FilterRequest {
  spec: RequestSpec;
  /** The instance's index in Nova's `_schedule` loop (0 for the first, and for every reschedule). */
  index: number;
  instanceId: string;
  /**
   * The host whose state already lists this instance (Nova's `spec_obj.instance_uuid in
   * host_state.instances`), or -1: only the last host of a multi-create while its alternates are
   * filtered again.
   */
  instanceHost: number;
  /** Hosts already tried for this instance (RetryFilter), if this is a reschedule. */
  retryHosts: readonly number[] | undefined;
  /** Live members of the request's server group, per host. */
  readonly group: GroupView;
}

/** Everything a filter or weigher is built from: the replay's cluster and its own options. */
export interface PluginInit<O = Readonly<Record<string, unknown>>> {
  readonly cluster: ClusterState;
  readonly options: O;
}

/**
 * A host filter, after Nova's BaseHostFilter: one predicate over one host. Kept allocation-free.
 *
 * Each decision (one instance of a request) is two steps, as in Kubernetes' scheduling framework:
 * `preFilter` once, then `hostPasses` (or `filterAll`) per candidate host. `preFilter` is where a
 * filter computes its per-decision state (per-host verdicts, marked hosts, the request's group) and
 * keeps it in its own closure until the next `preFilter`; it is deliberately a step with a side
 * effect, not a query. Its answer is the skip answer: false means every host passes for this
 * decision, so the handler skips the filter and calls no per-host method. Filters run once per
 * request (`runOncePerRequest`) get no `preFilter` after the request's first instance.
 */
export interface HostFilter {
  readonly name: string;
  /** Nova's `run_filter_once_per_request`: skipped for instance index > 0 of a request. */
  readonly runOncePerRequest: boolean;
  /**
   * Kubernetes' PreFilter: set up this decision's state; false = skip this filter for this decision
   * (every host passes). Runs once per decision, never per host.
   */
  preFilter(req: FilterRequest): boolean;
  /** Nova's `host_passes`. May throw SchedulingError where Nova's filter would raise. */
  hostPasses(host: number, req: FilterRequest): boolean;
  /**
   * Optional fast path for the hottest filters: keep, in order, the hosts of `list[0..len)` that
   * pass, compacting in place, and return how many. Must give exactly what `hostPasses` gives
   * (test/framework/fast-path.test.ts checks it); it exists so the loop is specialised to
   * one predicate instead of calling through the interface per host.
   */
  filterAll?(list: Int32Array, len: number, req: FilterRequest): number;
  /**
   * Why host `host` fails this filter, with the numbers (Kubernetes' Status reasons), such as
   * `RamFilter: 1,536 MB free under the limit, 2,048 MB asked`. Called only in diagnosis mode
   * (src/framework/diagnosis.ts), only for a host this filter has just rejected in the current
   * decision, after its `preFilter`: it may read that decision's state. Never on the hot path.
   * Optional: a filter without it gets a generic reason naming it (`genericReason`).
   */
  explain?(host: number, req: FilterRequest): string;
  /**
   * Optional, for the fused fast path: this decision's verdict as data (fused-form.ts), read right
   * after `preFilter` answered true; undefined when it cannot be put so (the path then calls
   * `hostPasses`). The returned object may be reused by the next call.
   */
  fusedForm?(req: FilterRequest): FilterForm | undefined;
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
  /**
   * Kubernetes' PreScore, the weigher's counterpart of `HostFilter.preFilter`: set up this
   * decision's state, once, before `weigh` runs for the candidates. Not called when fewer than two
   * hosts are left (nothing is weighed), nor for a weigher whose multiplier is 0 on every host.
   */
  preScore?(req: FilterRequest): void;
  /** May throw SchedulingError where Nova's weigher would raise. */
  weigh(host: number, req: FilterRequest): number;
  /** Optional, for the fused fast path: what `weigh` computes, as data (fused-form.ts). */
  readonly fusedForm?: WeigherForm;
  /**
   * `weigh` may throw (MetricsWeigher with a required metric missing): weighed even when its
   * multiplier is 0 on every host, as Nova weighs every configured weigher.
   */
  readonly raises?: boolean;
  /**
   * `weigh` gives one finite value on every host for every request (PCIWeigher here, for
   * instance): normalised to 0, it adds nothing to any weight, so a fast path may leave it out.
   */
  readonly constant?: boolean;
}

/**
 * A filter as a catalog holds it (Kubernetes' plugin factory with its args): its name, its own
 * options (a zod shape; they sit flat among the strategy's options, `--set max_io_ops_per_host=4`)
 * and the factory of one replay's instance.
 */
export interface FilterDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  /** One line for `schedbench filters` / `schedbench weighers`; optional for plugins. */
  readonly description?: string;
  readonly options: S;
  create(init: PluginInit<z.output<z.ZodObject<S>>>): HostFilter;
}

/** A weigher as a catalog holds it (see FilterDefinition). */
export interface WeigherDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  /** One line for `schedbench filters` / `schedbench weighers`; optional for plugins. */
  readonly description?: string;
  readonly options: S;
  create(init: PluginInit<z.output<z.ZodObject<S>>>): HostWeigher;
}

/** The filters and weighers strategies can name: a catalog's, or the built-in ones. */
export interface PluginSet {
  readonly filters: ReadonlyMap<string, FilterDefinition>;
  readonly weighers: ReadonlyMap<string, WeigherDefinition>;
}
