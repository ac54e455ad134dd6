import { StagedFile } from '../common/atomic-write.ts';
import type { ReplayObserver } from '../replay/observer.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { type ExplainTarget, explainingStrategy } from './explaining-driver.ts';
import { type AggregatedFunnel, FunnelAggregate } from './funnel.ts';
import type { DecisionRecord, FunnelStep } from './record.ts';

/** `run --explain FILE [--explain-every N]`: what to write. */
export interface RunExplainOptions {
  readonly path: string;
  /** Write every Nth decision (and every NoValidHost); 1: all. */
  readonly every: number;
  /** The best survivors listed per decision. */
  readonly top: number;
}

/**
 * `run --explain`: every decision runs in diagnosis mode (a NoValidHost is known only once decided);
 * decision numbers divisible by `every` and every NoValidHost get a record, written as one NDJSON
 * line; the others only give their funnel steps (no record is built). All of them go into the
 * report's funnel, exact (`every: 1`). The file appears only when the replay finishes (StagedFile).
 */
export class RunExplainRecorder implements ExplainTarget, ReplayObserver {
  readonly top: number;
  private readonly file: StagedFile;
  private readonly aggregate = new FunnelAggregate();
  private note: string | undefined;
  /** Records built (written): what `--explain-every` saves is the others. */
  written = 0;

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

  keeps(decision: number, noValidHost: boolean): boolean {
    return noValidHost || decision % this.options.every === 0;
  }

  funnel(steps: readonly FunnelStep[] | null): void {
    if (steps === null)
      this.note ??= 'the strategy cannot explain its decisions (its driver has no setProbe)';
    this.aggregate.addFunnel(steps);
  }

  record(rec: DecisionRecord): void {
    if (rec.note !== undefined) this.note ??= rec.note;
    this.aggregate.add(rec);
    this.written++;
    this.file.write(`${JSON.stringify(rec)}\n`);
  }

  /** The funnel summed over every decision of the replay, or null with the reason. */
  result(): { funnel: AggregatedFunnel | null; reason: string | null } {
    if (this.note !== undefined && this.aggregate.decisions === 0) return { funnel: null, reason: this.note };
    return {
      funnel: {
        decisions: this.aggregate.decisions,
        every: 1,
        sampled: false,
        steps: this.aggregate.summary(),
      },
      reason: null,
    };
  }

  finish(): void {
    this.file.commit();
  }

  abort(): void {
    this.file.discard();
  }
}
