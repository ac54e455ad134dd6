import type { ClusterState } from '../cluster/cluster-state.ts';
import type { Flavor } from '../model/flavor.ts';
import type { OutcomeObserver } from '../scheduler/outcome.ts';

/**
 * Hooks for metrics and writers hanging off a replay: the manager's outcome events, and the replay's
 * own. Observers see events, never decide anything; every hook is optional.
 */
export interface ReplayObserver extends OutcomeObserver {
  /** The replay is about to read its first row; `cluster` is its live state, to read, never to change. */
  begin?(cluster: ClusterState): void;
  /**
   * An instance left its host (a delete row or its duration ran out). `flavor` is reused for the
   * next release: copy what you keep.
   */
  instanceReleased?(id: string, host: number, time: number, flavor: Flavor): void;
  /**
   * One driver call (a scheduling pass over `instances` instances) took `ms` milliseconds, timed
   * around the driver call only. Called on the hot path: keep it cheap.
   */
  driverCall?(ms: number, instances: number): void;
  /** Trace time is about to advance to `time` (before the departures and the row at that time). */
  clockAdvance?(time: number): void;
  /** Every row has been read (the last arrival is decided); the departures still due follow. */
  rowsEnd?(): void;
  /** The replay finished at trace time `time`; flush and close. */
  finish?(time: number): void;
  /** The replay failed; drop anything half-written. */
  abort?(): void;
}
