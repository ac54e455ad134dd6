import { StagedFile } from '../common/atomic-write.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { type ExplainTarget, explainingStrategy } from './explaining-driver.ts';
import { type AggregatedFunnelStep, FunnelAggregate } from './funnel.ts';
import type { DecisionRecord } from './record.ts';

/** `run --explain FILE [--explain-every N]`: what to write. */
export interface RunExplainOptions {
  readonly path: string;
  /** Write every Nth decision (and every NoValidHost); 1: all. */
  readonly every: number;
  /** The best survivors listed per decision. */
  readonly top: number;
}

/**
 * `run --explain`: every decision is explained (diagnosis mode, so each NoValidHost is too), every
 * Nth and every NoValidHost is written as one NDJSON line, and all of them go into the aggregated
 * funnel of the report. The file appears only when the replay finishes (StagedFile).
 */
export class RunExplainRecorder implements ExplainTarget, ReplayObserver {
  readonly top: number;
  private readonly file: StagedFile;
  private readonly funnel = new FunnelAggregate();

  constructor(private readonly options: RunExplainOptions) {
    this.top = options.top;
    this.file = new StagedFile(options.path);
  }

  strategy<O>(s: Strategy<O>): Strategy<O> {
    return explainingStrategy(s, this);
  }

  wants(_spec: RequestSpec, _decision: number): boolean {
    return true;
  }

  record(rec: DecisionRecord): void {
    this.funnel.add(rec);
    if (rec.outcome === 'no-valid-host' || rec.decision % this.options.every === 0)
      this.file.write(`${JSON.stringify(rec)}\n`);
  }

  /** The funnel summed over every decision of the replay. */
  aggregatedFunnel(): { decisions: number; steps: AggregatedFunnelStep[] } {
    return { decisions: this.funnel.decisions, steps: this.funnel.summary() };
  }

  finish(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.discard();
  }
}
