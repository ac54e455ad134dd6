import type { FilterStep } from '../framework/diagnosis.ts';
import type { DecisionRecord, FunnelStep } from './record.ts';

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

/** The report's `explain.funnel`: the funnel summed over every decision, or every Nth (sampled). */
export interface AggregatedFunnel {
  /** Decisions summed (those whose filters ran). */
  readonly decisions: number;
  /** 1: every decision; N > 1: the requests holding decision 1, N + 1, 2N + 1... */
  readonly every: number;
  readonly sampled: boolean;
  readonly steps: AggregatedFunnelStep[];
}

/** Sums the funnels of explained decisions, filters in first-seen order. */
export class FunnelAggregate {
  private readonly steps = new Map<
    string,
    { decisions: number; hosts_in: number; hosts_out: number; emptied: number }
  >();
  decisions = 0;

  add(rec: DecisionRecord): void {
    this.addFunnel(rec.funnel);
  }

  /** One decision's funnel as a record gives it (null: not explained, not counted). */
  addFunnel(funnel: readonly FunnelStep[] | null): void {
    if (funnel === null) return;
    this.decisions++;
    for (const s of funnel) this.step(s.filter, s.hosts_in, s.hosts_out, s.skipped !== undefined);
  }

  /** One diagnosed decision's steps, as the driver's probe hands them over. */
  addSteps(steps: readonly FilterStep[]): void {
    this.decisions++;
    for (const s of steps) this.step(s.filter, s.hostsIn, s.hostsOut, s.skipped !== undefined);
  }

  private step(filter: string, hostsIn: number, hostsOut: number, skipped: boolean): void {
    let a = this.steps.get(filter);
    if (!a) {
      a = { decisions: 0, hosts_in: 0, hosts_out: 0, emptied: 0 };
      this.steps.set(filter, a);
    }
    if (skipped) return;
    a.decisions++;
    a.hosts_in += hostsIn;
    a.hosts_out += hostsOut;
    if (hostsIn > 0 && hostsOut === 0) a.emptied++;
  }

  summary(): AggregatedFunnelStep[] {
    return [...this.steps].map(([filter, a]) => ({ filter, ...a }));
  }
}
