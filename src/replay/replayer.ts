import type { AllocationRatios, ClusterSpec } from '../cluster/cluster-spec.ts';
import { ClusterState } from '../cluster/cluster-state.ts';
import type { ServerGroup } from '../cluster/groups.ts';
import { InputError } from '../common/errors.ts';
import { DEFAULT_MAX_PLACEMENT_RESULTS } from '../common/limits.ts';
import { SeededRng } from '../common/rng.ts';
import type { FlavorMix } from '../model/flavor-mix.ts';
import type { ReplayResult } from '../model/replay-result.ts';
import type { SchedulerDriver } from '../scheduler/driver.ts';
import { CREATE_PHASE, SchedulerManager } from '../scheduler/manager.ts';
import type { InstanceOutcome, OutcomeObserver } from '../scheduler/outcome.ts';
import { SchedulerRecords } from '../scheduler/records.ts';
import { plainRequestSpec, type RequestSpec } from '../scheduler/request-spec.ts';
import type { Strategy } from '../scheduler/strategy.ts';
import { DELETE, type TraceRow } from '../trace/row.ts';
import type { RowSink, RowSource } from '../trace/source.ts';
import { DepartureQueue } from './departures.ts';
import { FlavorInterner, NO_FLAVOR } from './flavor-interner.ts';
import type { ReplayObserver } from './observer.ts';

/** How one replay runs. */
export interface ReplayConfig {
  readonly strategy: Strategy<unknown>;
  /** Already validated against the strategy's schema. */
  readonly strategyOptions: unknown;
  /** The trace's flavor mix, handed to the strategy's create (fgd plans for it). */
  readonly flavors?: FlavorMix;
  readonly seed: number;
  readonly maxAttempts: number;
  readonly multiCreate?: 'each' | 'all-or-nothing';
  /**
   * Zed mode (docs/nova-zed.md): Placement's candidate step, at most `maxResults` candidates; then
   * multi-instance requests are all-or-nothing. Undefined: classic, unless the strategy runs under
   * the Zed candidate step only (`Strategy.placement`), which gets Nova's default of 1000.
   */
  readonly placement?: { readonly maxResults: number };
  readonly ratioOverrides?: Partial<AllocationRatios>;
  /** `stop`: the first bad row ends the replay with its error; `skip`: count it and go on. */
  readonly onBadRow: 'stop' | 'skip';
  /** Keep every InstanceAction record and notification (tests, `--actions`); counts are always kept. */
  readonly keepRecords?: boolean;
  readonly observers?: readonly ReplayObserver[];
  /** The decision heartbeat the pool's watchdog reads (see SchedulerManager). */
  readonly heartbeat?: Int32Array;
}

const MAX_BAD_ROW_SAMPLES = 20;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Replays a trace through the SchedulerManager: advances the trace clock, processes departures due
 * before each row, turns create rows into RequestSpecs and delete rows into releases.
 */
export class Replayer implements RowSink, OutcomeObserver {
  readonly cluster: ClusterState;
  readonly records: SchedulerRecords;
  readonly manager: SchedulerManager;
  readonly result: ReplayResult;
  private readonly cfg: ReplayConfig;
  private readonly observers: readonly ReplayObserver[];
  /** The observers with each per-row hook, found once (no optional call per row). */
  private readonly onReleased: readonly ReplayObserver[];
  private readonly onClock: readonly ReplayObserver[];
  private readonly departures = new DepartureQueue();
  private readonly popped = { slot: 0, serial: 0, due: 0 };
  /** The released instance's flavor, rewritten on every release (observers must copy what they keep). */
  private readonly releasedFlavor = { vcpus: 0, memoryMb: 0, diskGb: 0, gpus: 0, gpuMilli: 0 };
  private readonly gpuSpecs = new Map<string, readonly string[]>();
  private readonly flavors = new FlavorInterner();
  private readonly spec: Mutable<RequestSpec> = { ...plainRequestSpec(NO_FLAVOR) };
  private readonly context = { time: 0, duration: Number.NaN };
  private readonly oneId: string[] = [''];
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(spec: ClusterSpec, source: RowSource, cfg: ReplayConfig) {
    this.cfg = cfg;
    this.observers = cfg.observers ?? [];
    this.onReleased = this.observers.filter((o) => o.instanceReleased);
    this.onClock = this.observers.filter((o) => o.clockAdvance);
    const placement =
      cfg.placement ??
      (cfg.strategy.placement === 'zed' ? { maxResults: DEFAULT_MAX_PLACEMENT_RESULTS } : undefined);
    this.cluster = new ClusterState(spec, cfg.ratioOverrides, { placement: placement !== undefined });
    this.records = new SchedulerRecords(cfg.keepRecords ?? false);
    const driver = createWatched(cfg, this.cluster);
    this.manager = new SchedulerManager({
      driver,
      cluster: this.cluster,
      rng: new SeededRng(cfg.seed),
      records: this.records,
      maxAttempts: cfg.maxAttempts,
      multiCreate: placement ? 'all-or-nothing' : cfg.multiCreate,
      placement,
      observers: [this, ...this.observers],
      onDriverCall: driverCallHook(this.observers),
      heartbeat: cfg.heartbeat,
    });
    this.result = {
      trace: source.path,
      rows: 0,
      creates: 0,
      deleteRows: 0,
      deletesIgnored: 0,
      released: 0,
      departures: 0,
      badRowsSkipped: 0,
      badRowSamples: [],
      endTime: 0,
      liveAtEnd: 0,
      wallMs: 0,
      cpuMs: 0,
      manager: this.manager.stats,
      records: this.records.counts,
    };
  }

  // --- RowSink -------------------------------------------------------------------------------

  row(row: TraceRow): void {
    if (row.time < this.lastTime) {
      throw new InputError(
        this.result.trace,
        row.line,
        'time',
        `arrival times must not decrease (${row.time} after ${this.lastTime})`,
      );
    }
    if (row.event === DELETE) {
      this.advance(row.time);
      this.result.rows++;
      this.result.deleteRows++;
      this.delete(row.id, row.time);
      return;
    }
    // Validate everything before changing any state, so a skipped row leaves no trace.
    const group = this.groupOf(row);
    // Kept records hold the id list; otherwise one list serves every single-instance row.
    let ids: string[];
    if (row.count === 1 && !this.records.keep) {
      ids = this.oneId;
      ids[0] = row.id;
    } else ids = instanceIds(row.id, row.count);
    for (const id of ids) {
      if (this.cluster.instances.slotOf(id) >= 0) {
        throw new InputError(
          this.result.trace,
          row.line,
          'id',
          `instance "${id}" is still live (delete it first)`,
        );
      }
    }
    this.advance(row.time);
    // A group seen before comes back as itself: one name lookup per row, not three.
    const g =
      group === undefined || 'id' in group ? group : this.cluster.groups.intern(group.name, group.policy);
    this.result.rows++;
    this.result.creates++;
    // One spec and context object for every row (strategies and observers never keep them past the
    // request): a replay allocates no request objects but the id list.
    const spec = this.spec;
    spec.requestId = row.id;
    spec.instanceIds = ids;
    spec.flavor = this.flavors.of(row.vcpus, row.memoryMb, row.diskGb, row.gpus, row.gpuMilli);
    spec.time = row.time;
    spec.availabilityZone = row.az === '' ? undefined : row.az;
    spec.group = g;
    spec.extraSpecs = row.extraSpecs;
    spec.gpuSpec = this.gpuSpecOf(row.gpuSpec);
    spec.sameHost = this.resolveHint(row.sameHost);
    spec.differentHost = this.resolveHint(row.differentHost);
    spec.imageProps = row.imageProps;
    const context = this.context;
    context.time = row.time;
    context.duration = row.duration;
    this.manager.runInstance(context, spec);
  }

  badRow(err: InputError): void {
    if (this.cfg.onBadRow === 'stop') throw err;
    this.result.badRowsSkipped++;
    if (this.result.badRowSamples.length < MAX_BAD_ROW_SAMPLES) this.result.badRowSamples.push(err.message);
  }

  // --- OutcomeObserver (first of the manager's observers) ---------------------------------

  instanceScheduled(o: InstanceOutcome): void {
    const duration = o.context.duration;
    if (o.host >= 0 && duration !== undefined && !Number.isNaN(duration))
      this.departures.push(o.spec.time + duration, o.slot, this.cluster.instances.serialOf(o.slot));
  }

  // --- driving -------------------------------------------------------------------------------

  /** Replay the whole source; departures still pending at the end are processed in due order. */
  async run(source: RowSource): Promise<ReplayResult> {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      for (const o of this.observers) o.begin?.(this.cluster);
      await source.read(this);
      for (const o of this.observers) o.rowsEnd?.();
      while (this.departures.size > 0) this.advance(this.departures.peekDue());
      this.manager.verifyHostTable();
      this.result.endTime = Math.max(this.lastTime, 0);
      this.result.liveAtEnd = this.cluster.instances.liveCount;
      this.result.wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      this.result.cpuMs = (cpu.user + cpu.system) / 1000;
      for (const o of this.observers) o.finish?.(this.result.endTime);
    } catch (err) {
      for (const o of this.observers) o.abort?.();
      throw err;
    }
    return this.result;
  }

  /** Move the clock to `time`: every departure due at or before it happens first. */
  private advance(time: number): void {
    const q = this.departures;
    const popped = this.popped;
    while (q.size > 0 && q.peekDue() <= time) {
      q.pop(popped);
      const { due, slot, serial } = popped;
      if (due > this.lastTime) this.tick(due);
      if (this.cluster.instances.serialOf(slot) !== serial) continue; // deleted already
      this.result.departures++;
      this.release(slot, due);
    }
    if (time > this.lastTime) this.tick(time);
  }

  private tick(time: number): void {
    this.lastTime = time;
    const hooks = this.onClock;
    for (let i = 0; i < hooks.length; i++) hooks[i].clockAdvance!(time);
  }

  private delete(id: string, time: number): void {
    const inst = this.cluster.instances;
    const slot = inst.slotOf(id);
    // Most traces have few multi-instance requests live: skip the lookup when there are none.
    const count = inst.multiRequests.size === 0 ? 0 : inst.multiRequests.countOf(id);
    if (slot < 0 && count === 0) {
      this.result.deletesIgnored++;
      return;
    }
    if (slot >= 0) this.release(slot, time);
    if (count === 0) return;
    for (const instanceId of instanceIds(id, count)) {
      const s = inst.slotOf(instanceId);
      if (s >= 0 && inst.request[s] === id) this.release(s, time);
    }
  }

  private release(slot: number, time: number): void {
    const inst = this.cluster.instances;
    const id = inst.idOf(slot);
    const host = inst.hostOf(slot);
    const flavor = this.releasedFlavor;
    inst.flavorInto(slot, flavor);
    this.cluster.release(slot);
    this.result.released++;
    const hooks = this.onReleased;
    for (let i = 0; i < hooks.length; i++) hooks[i].instanceReleased!(id, host, time, flavor);
  }

  /** The allowed models of a normalised `gpu_spec`, one list per distinct value. */
  private gpuSpecOf(spec: string): readonly string[] | undefined {
    if (spec === '') return undefined;
    let models = this.gpuSpecs.get(spec);
    if (!models) {
      models = Object.freeze(spec.split('|'));
      if (this.gpuSpecs.size >= 4096) this.gpuSpecs.clear();
      this.gpuSpecs.set(spec, models);
    }
    return models;
  }

  /** The row's group: the existing ServerGroup, or the name and policy of a new one. */
  private groupOf(row: TraceRow): ServerGroup | Pick<ServerGroup, 'name' | 'policy'> | undefined {
    if (row.group === '') return undefined;
    const existing = this.cluster.groups.get(row.group);
    if (existing) {
      if (row.groupPolicy !== '' && row.groupPolicy !== existing.policy) {
        throw new InputError(
          this.result.trace,
          row.line,
          'group_policy',
          `group "${row.group}" has policy ${existing.policy}, not ${row.groupPolicy}`,
        );
      }
      return existing;
    }
    if (row.groupPolicy === '') {
      throw new InputError(
        this.result.trace,
        row.line,
        'group_policy',
        `missing for new group "${row.group}"`,
      );
    }
    return { name: row.group, policy: row.groupPolicy };
  }

  /** A hint names instances; a request id stands for all its live instances too. */
  private resolveHint(ids: readonly string[] | undefined): readonly string[] | undefined {
    if (!ids) return undefined;
    const inst = this.cluster.instances;
    const out: string[] = [];
    for (const id of ids) {
      out.push(id);
      // Most traces have few multi-instance requests live: skip the lookup when there are none.
      const count = inst.multiRequests.size === 0 ? 0 : inst.multiRequests.countOf(id);
      if (count === 0) continue;
      for (const x of instanceIds(id, count)) {
        if (inst.slotOf(x) >= 0 && inst.request[inst.slotOf(x)] === id) out.push(x);
      }
    }
    return out;
  }
}

/**
 * The strategy's `create`, watched like a decision: the heartbeat is odd while it runs, with the
 * phase word saying so, so the watchdog's --decision-timeout also stops a `create` that never returns.
 */
function createWatched(cfg: ReplayConfig, cluster: ClusterState): SchedulerDriver {
  const hb = cfg.heartbeat;
  if (!hb) return cfg.strategy.create(cluster, cfg.strategyOptions, cfg.flavors);
  if (hb.length > 1) Atomics.store(hb, 1, CREATE_PHASE);
  Atomics.add(hb, 0, 1);
  try {
    return cfg.strategy.create(cluster, cfg.strategyOptions, cfg.flavors);
  } finally {
    Atomics.add(hb, 0, 1);
    if (hb.length > 1) Atomics.store(hb, 1, 0);
  }
}

/** The manager's `onDriverCall`, only when some observer wants it (no call on the hot path otherwise). */
function driverCallHook(observers: readonly ReplayObserver[]): ((ms: number, n: number) => void) | undefined {
  const hooked = observers.filter((o) => o.driverCall);
  if (hooked.length === 0) return undefined;
  if (hooked.length === 1) return (ms, n) => hooked[0].driverCall!(ms, n);
  return (ms, n) => {
    for (const o of hooked) o.driverCall!(ms, n);
  };
}

/** Instance ids of a request: `id` alone, or `id-0` ... `id-(count-1)`. */
export function instanceIds(id: string, count: number): string[] {
  if (count === 1) return [id];
  const ids = new Array<string>(count);
  for (let k = 0; k < count; k++) ids[k] = `${id}-${k}`;
  return ids;
}

/** Replay a trace source against a cluster with one strategy. */
export async function replay(spec: ClusterSpec, source: RowSource, cfg: ReplayConfig): Promise<Replayer> {
  const r = new Replayer(spec, source, cfg);
  await r.run(source);
  return r;
}
