import type { ClusterState } from '../cluster/cluster-state.ts';
import type { SeededRng } from '../common/rng.ts';
import type { FilterProperties, RequestSpec } from './request-spec.ts';

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
}

/**
 * A scheduler driver: Nova's `scheduleRunInstance`. It must settle every instance of the request,
 * each with exactly one `provision` or `noValidHost` call, in instance order.
 */
export interface SchedulerDriver {
  readonly name: string;
  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void;
}
