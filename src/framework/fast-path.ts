import type { DriverContext } from '../scheduler/driver.ts';
import type { FilterProperties, RequestSpec } from '../scheduler/request-spec.ts';

/**
 * An exact shortcut for some of a FilterPipeline's requests. It either schedules the whole request
 * exactly as the reference loop (filterHosts, then the selection) would: the same provision and
 * noValidHost calls in the same order, with the same hosts, GPUs, emptiedBy, host-evaluation counts
 * and rng draws; or it declines, having called nothing on `ctx`, and the reference loop runs.
 * test/framework/fast-path-equivalence.test.ts holds every fast path to that.
 */
export interface DecisionFastPath {
  /** Shown in benchmarks and tests. */
  readonly name: string;
  /** Schedule the request and return true, or return false without touching `ctx`. */
  tryScheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): boolean;
}
