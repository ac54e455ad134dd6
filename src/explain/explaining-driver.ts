import type { ClusterState } from '../cluster/cluster-state.ts';
import { SeededRng } from '../common/rng.ts';
import { isExplainable } from '../framework/probe.ts';
import type { FlavorMix } from '../model/flavor-mix.ts';
import type { DriverContext, PlacementPass, SchedulerDriver } from '../scheduler/driver.ts';
import { SchedulingError } from '../scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../scheduler/request-spec.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { DecisionCollector } from './collector.ts';
import type { DecisionRecord, FunnelStep } from './record.ts';

/** Which decisions to explain, and where their records go. */
export interface ExplainTarget {
  /** Explain this request's decisions? (`decision`: the number its first instance will get.) */
  wants(spec: RequestSpec, decision: number): boolean;
  /** One explained decision. */
  record(rec: DecisionRecord): void;
  /**
   * Optional: whether the record of `decision` is wanted, asked once its outcome is known. False:
   * no record is built, only its funnel steps go to `funnel` (null: the strategy cannot explain).
   */
  keeps?(decision: number, noValidHost: boolean): boolean;
  funnel?(steps: readonly FunnelStep[] | null): void;
  /** The best survivors listed per decision. */
  readonly top: number;
}

/**
 * The strategy with each driver it creates wrapped so that the decisions `target` wants are
 * explained. A request it does not want goes straight to the driver (fast paths and all).
 */
export function explainingStrategy<O>(strategy: Strategy<O>, target: ExplainTarget): Strategy<O> {
  return {
    ...strategy,
    create: (cluster: ClusterState, options: O, flavors?: FlavorMix) =>
      new ExplainingDriver(strategy.create(cluster, options, flavors), cluster, target),
  };
}

/**
 * A driver wrapper: for an explained request, it switches the driver's probe on (diagnosis mode,
 * which decides as the fast paths do) and hands it a context that sees each instance's outcome and
 * random draws; then switches it off. A driver without `setProbe` (a plugin strategy) is still
 * followed: its records say it cannot explain itself, with the host it chose.
 */
export class ExplainingDriver implements SchedulerDriver {
  readonly name: string;
  private readonly collector: DecisionCollector;
  private readonly ctx: ExplainingContext;
  private readonly explainable: boolean;
  private decisions = 0;

  constructor(
    private readonly inner: SchedulerDriver,
    cluster: ClusterState,
    private readonly target: ExplainTarget,
  ) {
    this.name = inner.name;
    this.collector = new DecisionCollector(cluster, target.top);
    this.explainable = isExplainable(inner);
    this.ctx = new ExplainingContext(this.collector);
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    const first = this.decisions + 1;
    this.decisions += spec.instanceIds.length;
    if (!this.target.wants(spec, first)) {
      this.inner.scheduleRunInstance(ctx, spec, props);
      return;
    }
    const note = this.explainable
      ? undefined
      : `strategy "${this.inner.name}" cannot explain its decisions (its driver has no setProbe): only the outcome is shown`;
    this.ctx.bind(ctx, spec, first, note, this.target);
    this.collector.reset();
    if (this.explainable && isExplainable(this.inner)) this.inner.setProbe(this.collector);
    try {
      this.inner.scheduleRunInstance(this.ctx, spec, props);
    } catch (err) {
      // The manager fails the whole call: what was placed is freed, every instance is in ERROR.
      if (err instanceof SchedulingError) this.ctx.failAll(err.message);
      throw err;
    } finally {
      if (isExplainable(this.inner)) this.inner.setProbe(undefined);
      this.ctx.flush();
    }
  }
}

/** The manager's context, seen by the explainer: outcomes and draws of the explained request. */
class ExplainingContext implements DriverContext {
  private inner!: DriverContext;
  private spec!: RequestSpec;
  private first = 0;
  private note: string | undefined;
  private target!: ExplainTarget;
  private readonly recordingRng: RecordingRng;
  /** This call's records, per instance index: written when the driver returns (failAll rewrites them). */
  private readonly pending = new Map<number, DecisionRecord>();
  /** The instance indexes this call settled (a record built or not). */
  private readonly settled = new Set<number>();

  constructor(private readonly collector: DecisionCollector) {
    this.recordingRng = new RecordingRng(collector);
  }

  bind(
    inner: DriverContext,
    spec: RequestSpec,
    first: number,
    note: string | undefined,
    target: ExplainTarget,
  ): void {
    this.inner = inner;
    this.spec = spec;
    this.first = first;
    this.note = note;
    this.target = target;
    this.recordingRng.inner = inner.rng;
    this.pending.clear();
    this.settled.clear();
  }

  /** Write this call's records, in the order their instances were settled. */
  flush(): void {
    for (const rec of this.pending.values()) this.target.record(rec);
    this.pending.clear();
  }

  /**
   * A filter or weigher raised (SchedulingError): every instance of the call ends in ERROR. Its
   * records say so, each kept as a failure is (`keeps(decision, true)`). The instance it raised on
   * keeps its funnel when its filters had run; one settled without a record, or never reached, gets
   * a record without a funnel.
   */
  failAll(message: string): void {
    const failed = { outcome: 'scheduling-error', host: null, no_valid_host: null, error: message } as const;
    const records = new Map(this.pending);
    this.pending.clear();
    // The first instance not settled is the one it raised on: a weigher's raise comes after its funnel.
    let raising = true;
    for (let k = 0; k < this.spec.instanceIds.length; k++) {
      const rec = records.get(k);
      const reached = !this.settled.has(k) && raising;
      if (!this.settled.has(k)) raising = false;
      if (this.target.keeps && !this.target.keeps(this.first + k, true)) continue;
      if (rec) this.pending.set(k, { ...rec, ...failed });
      else if (reached && this.collector.diagnosed)
        this.pending.set(k, {
          ...this.collector.record(this.base(k), this.spec, -1, false, undefined, this.note),
          ...failed,
        });
      else
        this.pending.set(k, {
          ...this.base(k),
          funnel: null,
          rejected: [],
          survivors: 0,
          candidates: [],
          draws: reached ? [...this.collector.draws] : [],
          ...failed,
          ...(this.note !== undefined ? { note: this.note } : {}),
        });
    }
  }

  get cluster(): ClusterState {
    return this.inner.cluster;
  }

  get rng(): SeededRng {
    return this.recordingRng;
  }

  provision(index: number, host: number, gpu?: number): boolean {
    const ok = this.inner.provision(index, host, gpu);
    this.emit(index, host, ok, undefined);
    return ok;
  }

  noValidHost(index: number, reason: string, emptiedBy?: string): void {
    this.emit(index, -1, false, emptiedBy);
    this.inner.noValidHost(index, reason, emptiedBy);
  }

  countHostEvaluations(n: number): void {
    this.inner.countHostEvaluations(n);
  }

  get placement(): PlacementPass | undefined {
    return this.inner.placement;
  }

  alternates(hosts: Int32Array, len: number): void {
    this.inner.alternates(hosts, len);
  }

  private emit(index: number, host: number, claimed: boolean, emptiedBy: string | undefined): void {
    this.settled.add(index);
    if (this.target.keeps && !this.target.keeps(this.first + index, host < 0)) {
      this.target.funnel?.(this.collector.settledFunnel(this.note));
      return;
    }
    // Built now (it reads the cluster as this instance left it), written when the call returns.
    this.pending.set(
      index,
      this.collector.record(this.base(index), this.spec, host, claimed, emptiedBy, this.note),
    );
  }

  private base(index: number) {
    const { spec } = this;
    const f = spec.flavor;
    return {
      decision: this.first + index,
      request_id: spec.requestId,
      instance_id: spec.instanceIds[index],
      index,
      time: spec.time,
      flavor: {
        vcpus: f.vcpus,
        memory_mb: f.memoryMb,
        disk_gb: f.diskGb,
        gpus: f.gpus,
        gpu_milli: f.gpuMilli,
      },
    };
  }
}

/** The replay's RNG, every draw noted for the current decision (same values, same order). */
class RecordingRng extends SeededRng {
  inner!: SeededRng;

  constructor(private readonly collector: DecisionCollector) {
    super(0);
  }

  override int(n: number): number {
    const value = this.inner.int(n);
    this.collector.draws.push({ kind: 'int', n, value });
    return value;
  }

  override float(): number {
    const value = this.inner.float();
    this.collector.draws.push({ kind: 'float', value });
    return value;
  }
}
