import { type Diagnosis, type FilterStep, type HostRejection, reasonOf } from './diagnosis.ts';
import type { FilterRequest, HostFilter } from './types.ts';

/**
 * Where `filterHosts` writes which filter left no host. Data only: no reason string, report or
 * placement reads it (a NoValidHost still carries the constant reason); the explain work will.
 */
export interface FilterOutcome {
  /**
   * The name of the filter that emptied the host list, written only when one did; never cleared by
   * `filterHosts` (the caller resets it when a new request starts).
   */
  lastEmptiedBy: string | undefined;
}

/**
 * Nova's `BaseFilterHandler.get_filtered_objects`: each filter in order keeps the hosts that pass it,
 * compacting `list` in place; filters run once per request are skipped after the first instance, and
 * a filter whose `preFilter` answers false is skipped for this decision; filtering stops at the first
 * filter that leaves no host, whose name goes to `outcome` when given. Returns the new length.
 */
export function filterHosts(
  filters: readonly HostFilter[],
  list: Int32Array,
  len: number,
  req: FilterRequest,
  outcome?: FilterOutcome,
): number {
  for (const f of filters) {
    if (req.index > 0 && f.runOncePerRequest) continue;
    if (!f.preFilter(req)) continue;
    len = f.filterAll ? f.filterAll(list, len, req) : keepPassing(f, list, len, req);
    if (len === 0) {
      if (outcome) outcome.lastEmptiedBy = f.name;
      break;
    }
  }
  return len;
}

/** The reference loop: Nova's `filter_all`, one `hostPasses` call per host. */
export function keepPassing(f: HostFilter, list: Int32Array, len: number, req: FilterRequest): number {
  let kept = 0;
  for (let i = 0; i < len; i++) {
    const h = list[i];
    if (f.hostPasses(h, req)) list[kept++] = h;
  }
  return kept;
}

/**
 * `filterHosts` in diagnosis mode: the same filters, calls and result (same `list`, same length,
 * same `outcome`), and besides, the decision's Diagnosis: each filter's hosts in and out, and for
 * each host it rejects, the reason from its `explain`. Allocates (a copy of the list per filter,
 * the reasons): for explaining a decision, never for the replay's own loop.
 */
export function diagnoseHosts(
  filters: readonly HostFilter[],
  list: Int32Array,
  len: number,
  req: FilterRequest,
  outcome?: FilterOutcome,
  /** False: the steps only (no copy of the list, no reason built), for a funnel count. */
  reasons = true,
): { readonly len: number; readonly diagnosis: Diagnosis } {
  const steps: FilterStep[] = [];
  const rejected = new Map<number, HostRejection>();
  const rejectingFilters = new Set<string>();
  let emptiedBy: string | undefined;
  for (const f of filters) {
    const skipped =
      req.index > 0 && f.runOncePerRequest
        ? 'once-per-request'
        : !f.preFilter(req)
          ? 'pre-filter'
          : undefined;
    if (skipped) {
      steps.push({ filter: f.name, hostsIn: len, hostsOut: len, skipped });
      continue;
    }
    const before = reasons ? list.slice(0, len) : undefined;
    const kept = f.filterAll ? f.filterAll(list, len, req) : keepPassing(f, list, len, req);
    // Both lists are in the same order (the filter compacts in place): a merge walk finds the lost.
    if (before) {
      for (let i = 0, j = 0; i < len; i++) {
        const h = before[i];
        if (j < kept && list[j] === h) j++;
        else rejected.set(h, { filter: f.name, reason: reasonOf(f, h, req) });
      }
    }
    if (kept < len) rejectingFilters.add(f.name);
    steps.push({ filter: f.name, hostsIn: len, hostsOut: kept, skipped: undefined });
    len = kept;
    if (len === 0) {
      emptiedBy = f.name;
      if (outcome) outcome.lastEmptiedBy = f.name;
      break;
    }
  }
  return { len, diagnosis: { steps, rejected, rejectingFilters, emptiedBy } };
}
