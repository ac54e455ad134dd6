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
    const { filters, applies } = this;
    for (let i = 0; i < filters.length; i++) {
      if (applies[i] === 1 && !filters[i].hostPasses(h, req)) return false;
    }
    return true;
  }
}
