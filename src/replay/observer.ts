import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Flavor } from '../model/flavor.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';

/**
 * Hooks for metrics and writers hanging off a replay. Observers see events, never decide anything;
 * every hook is optional.
 */
export interface ReplayObserver {
  /** The replay is about to read its first row; `cluster` is its live state, to read, never to change. */
  begin?(cluster: ClusterState): void;
  /** An instance's final outcome. `host` is -1 for ERROR (NoValidHost); `seq` counts from 1. */
  instanceScheduled?(
    seq: number,
    spec: RequestSpec,
    index: number,
    host: number,
    attempts: number,
    reason: string | undefined,
  ): void;
  /** A compute node refused a claim (the instance is then rescheduled). */
  claimFailed?(spec: RequestSpec, index: number, host: number): void;
  /** An instance left its host (a delete row or its duration ran out). */
  instanceReleased?(id: string, host: number, time: number, flavor: Flavor): void;
  /**
   * One driver call (a scheduling pass over `instances` instances) took `ms` milliseconds, timed
   * around the driver call only. Called on the hot path: keep it cheap.
   */
  driverCall?(ms: number, instances: number): void;
  /** Trace time is about to advance to `time` (before the departures and the row at that time). */
  clockAdvance?(time: number): void;
  /** The replay finished at trace time `time`; flush and close. */
  finish?(time: number): void;
  /** The replay failed; drop anything half-written. */
  abort?(): void;
}
