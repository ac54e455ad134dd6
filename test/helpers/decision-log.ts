// Replays a scenario and records everything a driver decides: every call it makes on the manager's
// DriverContext (provision with its host and GPU and the claim's answer, noValidHost with its reason
// and emptiedBy, countHostEvaluations, every rng draw), every instance outcome and failed claim, and
// the replay's counters. Two drivers that decide the same produce equal logs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import type { ClusterState } from '../../src/cluster/cluster-state.ts';
import { SeededRng } from '../../src/common/rng.ts';
import type { ReplayObserver } from '../../src/replay/observer.ts';
import { replay } from '../../src/replay/replayer.ts';
import type { DriverContext, PlacementPass, SchedulerDriver } from '../../src/scheduler/driver.ts';
import type { InstanceOutcome } from '../../src/scheduler/outcome.ts';
import type { FilterProperties, RequestSpec } from '../../src/scheduler/request-spec.ts';
import type { AnyStrategy, Strategy } from '../../src/scheduler/strategy.ts';
import { CsvTraceSource } from '../../src/trace/csv-reader.ts';
import { tempDir } from './replay.ts';

/** A draw-for-draw proxy of the manager's rng that logs each draw. */
class RecordingRng extends SeededRng {
  inner!: SeededRng;
  constructor(private readonly log: string[]) {
    super(0);
  }
  override int(n: number): number {
    const v = this.inner.int(n);
    this.log.push(`rng.int(${n})=${v}`);
    return v;
  }
  override float(): number {
    const v = this.inner.float();
    this.log.push(`rng.float()=${v}`);
    return v;
  }
}

/** The manager's context, forwarded call for call, each call logged. */
class RecordingContext implements DriverContext {
  private inner!: DriverContext;
  private readonly recordingRng: RecordingRng;
  constructor(private readonly log: string[]) {
    this.recordingRng = new RecordingRng(log);
  }
  bind(inner: DriverContext): this {
    this.inner = inner;
    this.recordingRng.inner = inner.rng;
    return this;
  }
  get cluster(): ClusterState {
    return this.inner.cluster;
  }
  get rng(): SeededRng {
    return this.recordingRng;
  }
  provision(index: number, host: number, gpu?: number): boolean {
    // `gpu` left out and `gpu` given are different calls: the claim picks in the first case.
    const ok = gpu === undefined ? this.inner.provision(index, host) : this.inner.provision(index, host, gpu);
    this.log.push(`provision(${index}, ${host}${gpu === undefined ? '' : `, ${gpu}`})=${ok}`);
    return ok;
  }
  noValidHost(index: number, reason: string, emptiedBy?: string): void {
    this.log.push(`noValidHost(${index}, ${JSON.stringify(reason)}, ${emptiedBy ?? '-'})`);
    this.inner.noValidHost(index, reason, emptiedBy);
  }
  countHostEvaluations(n: number): void {
    this.log.push(`countHostEvaluations(${n})`);
    this.inner.countHostEvaluations(n);
  }
  get placement(): PlacementPass | undefined {
    return this.inner.placement;
  }
  alternates(hosts: Int32Array, len: number): void {
    this.log.push(`alternates(${Array.from(hosts.subarray(0, len)).join(' ')})`);
    this.inner.alternates(hosts, len);
  }
}

/** `strategy`, with every driver call and its context calls written to `log`. */
export function recorded<O>(strategy: Strategy<O>, log: string[]): Strategy<O> {
  return {
    ...strategy,
    create(cluster, options, flavors) {
      const inner: SchedulerDriver = strategy.create(cluster, options, flavors);
      const ctx = new RecordingContext(log);
      return {
        name: inner.name,
        scheduleRunInstance(c: DriverContext, spec: RequestSpec, props: FilterProperties) {
          const retry = props.retry
            ? ` retry ${props.retry.numAttempts} [${props.retry.hosts.join(' ')}]`
            : '';
          log.push(`schedule ${spec.requestId} x${spec.instanceIds.length}${retry}`);
          inner.scheduleRunInstance(ctx.bind(c), spec, props);
        },
      };
    },
  };
}

/** Every outcome (host, attempts, reason, emptiedBy) and failed claim, as lines. */
class OutcomeRecorder implements ReplayObserver {
  constructor(
    private readonly log: string[],
    private readonly names: readonly string[],
    private readonly placements: Placement[],
  ) {}
  instanceScheduled(o: InstanceOutcome): void {
    this.placements.push({
      id: o.spec.instanceIds[o.index],
      host: o.host >= 0 ? this.names[o.host] : '',
      attempts: o.attempts,
      reason: o.reason,
      emptiedBy: o.emptiedBy,
    });
    this.log.push(
      `outcome #${o.seq} ${o.spec.instanceIds[o.index]} host=${o.host} slot=${o.slot} ` +
        `attempts=${o.attempts} reason=${o.reason ?? '-'} emptiedBy=${o.emptiedBy ?? '-'}` +
        (o.alternateCount > 0 ? ` alternates=${Array.from(o.alternates.subarray(0, o.alternateCount))}` : ''),
    );
  }
  claimFailed(spec: RequestSpec, index: number, host: number): void {
    this.log.push(`claimFailed ${spec.instanceIds[index]} host=${host}`);
  }
}

/** One replay to record: a cluster, trace lines and how to run them. */
export interface Scenario {
  readonly cluster: ClusterSpec;
  /** The trace CSV, header first. */
  readonly lines: readonly string[];
  readonly seed: number;
  readonly maxAttempts: number;
}

/** One instance's outcome: its host by name ('' for ERROR). */
export interface Placement {
  readonly id: string;
  readonly host: string;
  readonly attempts: number;
  readonly reason: string | undefined;
  readonly emptiedBy: string | undefined;
}

/** What a replay decided: driver calls, outcomes and claim failures in order, then the counters. */
export interface DecisionLog {
  readonly calls: string[];
  readonly outcomes: string[];
  readonly counters: string;
  /** The outcomes again, for assertions. */
  readonly placements: Placement[];
}

let traceDir: string | undefined;

/** Replay `scenario` with `strategy` and `options` (validated by the strategy's schema). */
export async function decisionLog(
  scenario: Scenario,
  strategy: AnyStrategy,
  options: Record<string, unknown>,
  /** Zed mode's settings (max_placement_results), when the test sets them. */
  placement?: { readonly maxResults: number },
): Promise<DecisionLog> {
  traceDir ??= tempDir();
  const path = join(traceDir, 'trace.csv');
  writeFileSync(path, `${scenario.lines.join('\n')}\n`);
  const calls: string[] = [];
  const outcomes: string[] = [];
  const placements: Placement[] = [];
  const names = scenario.cluster.hosts.map((h) => h.name);
  const r = await replay(scenario.cluster, new CsvTraceSource(path), {
    strategy: recorded(strategy, calls),
    strategyOptions: strategy.optionsSchema.parse(options),
    seed: scenario.seed,
    maxAttempts: scenario.maxAttempts,
    onBadRow: 'stop',
    observers: [new OutcomeRecorder(outcomes, names, placements)],
    placement,
  });
  const { wallMs: _wall, cpuMs: _cpu, trace: _trace, manager, ...counts } = r.result;
  const { driverMs: _driver, ...decisions } = manager;
  return { calls, outcomes, counters: JSON.stringify({ ...counts, ...decisions }), placements };
}

/** The first line where two logs differ, for a failure message a person can read; undefined if equal. */
export function firstDifference(a: DecisionLog, b: DecisionLog): string | undefined {
  for (const key of ['calls', 'outcomes'] as const) {
    const x = a[key];
    const y = b[key];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if (x[i] !== y[i]) {
        const context = x.slice(Math.max(0, i - 3), i).join('\n  ');
        return `${key}[${i}]: ${x[i] ?? '(end)'} vs ${y[i] ?? '(end)'}\n  after:\n  ${context}`;
      }
    }
  }
  if (a.counters !== b.counters) return `counters: ${a.counters} vs ${b.counters}`;
  return undefined;
}
