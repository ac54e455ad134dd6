import { type Diagnosis, type FilterStep, type HostRejection, reasonOf } from './diagnosis.ts';
import type { FilterRequest, HostFilter } from './types.ts';

/**
 * The filter chain evaluated on one host at a time, for strategies that sample hosts instead of
 * scanning them all. `preFilter` runs each filter's `preFilter` step for the decision and records its
 * skip answer; filters Nova runs once per request keep the state (and the answer) of the request's
 * first instance, as they do in the scan.
 */
export class HostCheck {
  private readonly applies: Uint8Array;

  constructor(private readonly filters: readonly HostFilter[]) {
    this.applies = new Uint8Array(filters.length);
  }

  preFilter(req: FilterRequest): void {
    const { filters, applies } = this;
    for (let i = 0; i < filters.length; i++) {
      if (req.index > 0 && filters[i].runOncePerRequest) continue;
      applies[i] = filters[i].preFilter(req) ? 1 : 0;
    }
  }

  /** Does host `h` pass every filter that applies to the current decision (see `preFilter`)? */
  passes(h: number, req: FilterRequest): boolean {
    return this.rejectedBy(h, req) < 0;
  }

  /**
   * The position (in the filter list) of the first filter that applies and rejects host `h`, or -1
   * when it passes them all. Over a set of hosts that all fail, the greatest position is the filter
   * a scan of those hosts in this order would have been emptied by (`filterName`).
   */
  rejectedBy(h: number, req: FilterRequest): number {
    const { filters, applies } = this;
    for (let i = 0; i < filters.length; i++) {
      if (applies[i] === 1 && !filters[i].hostPasses(h, req)) return i;
    }
    return -1;
  }

  /** The name of the filter at `position` (from `rejectedBy`), or undefined for -1. */
  filterName(position: number): string | undefined {
    return position < 0 ? undefined : this.filters[position].name;
  }

  /** Diagnosis mode: why host `h` fails the current decision, or undefined when it passes. */
  explain(h: number, req: FilterRequest): HostRejection | undefined {
    const i = this.rejectedBy(h, req);
    if (i < 0) return undefined;
    const f = this.filters[i];
    return { filter: f.name, reason: reasonOf(f, h, req) };
  }

  /**
   * Diagnosis mode for a sampling strategy: the Diagnosis a scan of hosts 0..n-1 through these
   * filters would give for the current decision (after `preFilter`), each host stopped at its first
   * rejection. Allocates; never on the hot path.
   */
  diagnoseAll(n: number, req: FilterRequest): Diagnosis {
    const { filters, applies } = this;
    const rejected = new Map<number, HostRejection>();
    const firstRejection = new Int32Array(n);
    for (let h = 0; h < n; h++) {
      const i = this.rejectedBy(h, req);
      firstRejection[h] = i;
      if (i >= 0) rejected.set(h, { filter: filters[i].name, reason: reasonOf(filters[i], h, req) });
    }
    const steps: FilterStep[] = [];
    const rejectingFilters = new Set<string>();
    let left = n;
    let emptiedBy: string | undefined;
    for (let i = 0; i < filters.length && left > 0; i++) {
      const skipped =
        req.index > 0 && filters[i].runOncePerRequest
          ? 'once-per-request'
          : applies[i] === 0
            ? 'pre-filter'
            : undefined;
      let out = left;
      for (let h = 0; h < n; h++) if (firstRejection[h] === i) out--;
      if (out < left) rejectingFilters.add(filters[i].name);
      steps.push({ filter: filters[i].name, hostsIn: left, hostsOut: out, skipped });
      left = out;
      if (left === 0) emptiedBy = filters[i].name;
    }
    return { steps, rejected, rejectingFilters, emptiedBy };
  }
}
