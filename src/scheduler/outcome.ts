import type { RequestSpec } from './request-spec.ts';

/** Nova's request context: the trace clock, and how long the request's instances live. */
export interface RequestContext {
  readonly time: number;
  /**
   * Trace seconds the instances live once placed; NaN or absent: until a delete row. No driver sees
   * it (a scheduler does not know lifetimes); the replay schedules departures from it.
   */
  readonly duration?: number;
}

/**
 * An instance's final outcome. The manager reuses one object for every outcome: read it during the
 * call, never keep it.
 */
export interface InstanceOutcome {
  /** Counts outcomes from 1, in the order they are reported. */
  readonly seq: number;
  readonly context: RequestContext;
  readonly spec: RequestSpec;
  /** The instance's index in `spec.instanceIds`. */
  readonly index: number;
  /** The host, or -1 when the instance ended in ERROR (`reason` then says why). */
  readonly host: number;
  /** The live instance's slot in the instance table, or -1 for ERROR. */
  readonly slot: number;
  /** Scheduling passes the instance took. */
  readonly attempts: number;
  readonly reason: string | undefined;
  /**
   * For a NoValidHost: the filter that removed the last candidate hosts, as the driver said
   * (`DriverContext.noValidHost`); undefined when placed, when no filter emptied the list (no host
   * at all, a selection that refused, a raised error, retries exhausted) or the driver did not say.
   */
  readonly emptiedBy: string | undefined;
  /**
   * Zed mode: the instance's alternate hosts (Nova's Selection list after the chosen host) are
   * `alternates[0..alternateCount)`; 0 when placed without alternates, in ERROR or in classic mode.
   * A reused buffer: read it during the call.
   */
  readonly alternates: Int32Array;
  readonly alternateCount: number;
}

/** Told each instance's outcome (in instance order, after the request) and every failed claim. */
export interface OutcomeObserver {
  instanceScheduled?(outcome: InstanceOutcome): void;
  /** A compute node refused a claim (the instance is then rescheduled). */
  claimFailed?(spec: RequestSpec, index: number, host: number): void;
}
