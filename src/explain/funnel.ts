import type { DecisionRecord } from './record.ts';

/** One filter's line of the aggregated funnel over the explained decisions. */
export interface AggregatedFunnelStep {
  readonly filter: string;
  /** Explained decisions in which the filter ran (not skipped). */
  readonly decisions: number;
  /** Hosts into and out of the filter, summed over those decisions. */
  readonly hosts_in: number;
  readonly hosts_out: number;
  /** Decisions in which it removed the last hosts. */
  readonly emptied: number;
}

/** Sums the funnels of explained decisions, filters in first-seen order. */
export class FunnelAggregate {
  private readonly steps = new Map<
    string,
    { decisions: number; hosts_in: number; hosts_out: number; emptied: number }
  >();
  decisions = 0;

  add(rec: DecisionRecord): void {
    if (rec.funnel === null) return;
    this.decisions++;
    for (const s of rec.funnel) {
      let a = this.steps.get(s.filter);
      if (!a) {
        a = { decisions: 0, hosts_in: 0, hosts_out: 0, emptied: 0 };
        this.steps.set(s.filter, a);
      }
      if (s.skipped) continue;
      a.decisions++;
      a.hosts_in += s.hosts_in;
      a.hosts_out += s.hosts_out;
      if (s.hosts_in > 0 && s.hosts_out === 0) a.emptied++;
    }
  }

  summary(): AggregatedFunnelStep[] {
    return [...this.steps].map(([filter, a]) => ({ filter, ...a }));
  }
}
