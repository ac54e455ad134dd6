import type { FilterRequest, HostFilter } from './types.ts';

/** One filter's step in a diagnosed decision: the funnel (Nova's "Filter X returned N host(s)"). */
export interface FilterStep {
  readonly filter: string;
  readonly hostsIn: number;
  readonly hostsOut: number;
  /**
   * Why the filter did not run: `once-per-request` (Nova's `run_filter_once_per_request`, an
   * instance after the first) or `pre-filter` (its `preFilter` answered skip). Then in = out.
   */
  readonly skipped: 'once-per-request' | 'pre-filter' | undefined;
}

/** Why one host was rejected: the first filter that rejected it and that filter's reason. */
export interface HostRejection {
  readonly filter: string;
  readonly reason: string;
}

/**
 * What the filters did in one decision (one instance), after Kubernetes' `Diagnosis`: the steps in
 * order (filters after the one that emptied the list do not run and have no step), each rejected
 * host with its first rejecting filter and reason (`NodeToStatusMap`), the filters that rejected at
 * least one host (`UnschedulablePlugins`), and the filter that left no host, if one did.
 */
export interface Diagnosis {
  readonly steps: readonly FilterStep[];
  /** Host number → why it was rejected, for every host the decision started with and lost. */
  readonly rejected: ReadonlyMap<number, HostRejection>;
  readonly rejectingFilters: ReadonlySet<string>;
  readonly emptiedBy: string | undefined;
}

/** The reason given for a host rejected by a filter that has no `explain`. */
export function genericReason(filter: string): string {
  return `${filter}: rejected (the filter gives no reason)`;
}

/** A filter's reason for rejecting `host` in the current decision. */
export function reasonOf(f: HostFilter, host: number, req: FilterRequest): string {
  return f.explain ? f.explain(host, req) : genericReason(f.name);
}

// One formatter: `toLocaleString` with options builds a new one per call (tens of µs each).
const AMOUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A number as reasons print it: thousands separated, at most two decimals (`1,536`, `0.5`). */
export function amount(x: number): string {
  return AMOUNT.format(x);
}
