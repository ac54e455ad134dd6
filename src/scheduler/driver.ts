import type { ClusterState } from '../cluster/cluster-state.ts';
import type { PlacementQuery } from '../cluster/placement.ts';
import type { SeededRng } from '../common/rng.ts';
import type { FilterProperties, RequestSpec } from './request-spec.ts';

/** What Placement answered for one scheduling pass of a zed-mode replay (docs/nova-zed.md). */
export interface PlacementPass {
  /**
   * The allocation candidates' hosts in cluster order, at most `max_placement_results` of them
   * unless the request lifts the limit. Empty: Nova's select_destinations raises NoValidHost before
   * any filter runs; settle each instance with `noValidHost(k, NO_VALID_HOST, PLACEMENT)`. Made
   * when first read, which must be before the pass's first `provision` (a ContractError after).
   */
  readonly candidates: Int32Array;
  /** Alternates wanted per instance: `max_attempts - 1` (Nova's num_alts with return_alternates). */
  readonly maxAlternates: number;
  /** The pass's GET /allocation_candidates, for a driver that indexes the hosts itself. */
  readonly query: PlacementQuery;
  /**
   * The limit cannot cut the candidates short (the cluster has no more hosts than it): a host is
   * then a candidate iff `cluster.placementMatches(query, h)`, without reading `candidates`.
   */
  readonly complete: boolean;
}

/**
 * What a driver may do while it schedules one request. The manager implements it; the driver never
 * sees the manager, the replay or the metrics.
 */
export interface DriverContext {
  readonly cluster: ClusterState;
  /** The replay's seeded random source: the only randomness a driver may use. */
  readonly rng: SeededRng;
  /**
   * Nova's `_provision_resource`: send instance `index` of the request to host `host`, whose compute
   * node claims the resources. Returns true when the claim succeeded (the host's state is then
   * consumed); false when it failed, in which case the manager reschedules the instance later.
   * `gpu`: for a GPU share (flavor gpus 1, gpuMilli below 1000), the host's GPU to put it on (local
   * index, 0-based); ignored otherwise. Left out, the claim picks the GPU with the least free share
   * that fits. A `gpu` that is no GPU of the host breaks the contract; one without room fails the claim.
   */
  provision(index: number, host: number, gpu?: number): boolean;
  /**
   * No host for instance `index` (Nova's NoValidHost); the instance goes to ERROR. `emptiedBy`
   * names the filter that removed the last candidate hosts, when filters did (data for observers,
   * `InstanceOutcome.emptiedBy`; `reason` is what the instance's fault says).
   */
  noValidHost(index: number, reason: string, emptiedBy?: string): void;
  /** Count host evaluations (one host through the filters or the weighers), for the per-host cost. */
  countHostEvaluations(n: number): void;
  /**
   * Zed mode (`placement: zed`): Placement's candidates for this pass, the only hosts a driver may
   * choose (provisioning any other fails the claim, as a host without an allocation request is
   * skipped). Undefined in classic mode, where every host is a candidate.
   */
  readonly placement: PlacementPass | undefined;
  /**
   * Zed mode, Nova's `_get_alternate_hosts`: `hosts[0..len)` is the request's final sorted host
   * list; each instance this pass placed gets as alternates its first `maxAlternates` hosts that no
   * instance of the pass was placed on. Call at most once per pass, after settling every instance.
   * Ignored in classic mode.
   */
  alternates(hosts: Int32Array, len: number): void;
}

/**
 * A scheduler driver: Nova's `scheduleRunInstance`. It must settle every instance of the request,
 * each with exactly one `provision` or `noValidHost` call, in instance order.
 */
export interface SchedulerDriver {
  readonly name: string;
  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void;
}
