import type { ClusterState } from '../cluster/cluster-state.ts';
import { ContractError } from '../common/errors.ts';
import type { SeededRng } from '../common/rng.ts';
import type { ManagerStats } from '../model/replay-result.ts';
import type { DriverContext, PlacementPass, SchedulerDriver } from './driver.ts';
import { contractError, MAX_RETRIES, NO_VALID_HOST, SchedulingError } from './errors.ts';
import type { InstanceOutcome, OutcomeObserver, RequestContext } from './outcome.ts';
import { ManagerPlacementPass } from './placement-pass.ts';
import type { SchedulerRecords } from './records.ts';
import { PlacementRequestFilter } from './request-filter.ts';
import { type FilterProperties, NO_RETRY, type RequestSpec } from './request-spec.ts';

/** Word 1 of a decision heartbeat while the strategy's `create` runs (0 otherwise). */
export const CREATE_PHASE = 1;

export interface ManagerOptions {
  readonly driver: SchedulerDriver;
  readonly cluster: ClusterState;
  readonly rng: SeededRng;
  readonly records: SchedulerRecords;
  /** Nova's `[scheduler] max_attempts`: scheduling passes per instance before giving up. */
  readonly maxAttempts: number;
  /**
   * `each` (default): every instance of a multi-instance request succeeds or fails on its own, as
   * the trace format's contract and Nova's old per-instance loop have it. `all-or-nothing`: as Nova 26's
   * `_ensure_sufficient_hosts`, one failure fails the whole request and frees what it placed.
   */
  readonly multiCreate?: 'each' | 'all-or-nothing';
  /**
   * Zed mode (the cluster keeps Placement): every pass asks Placement for candidates first, with
   * at most `maxResults` of them (Nova's `[scheduler] max_placement_results`). Needs
   * `multiCreate: 'all-or-nothing'`, as Nova 26's `_schedule` has it.
   */
  readonly placement?: { readonly maxResults: number };
  /** Told every instance outcome and failed claim, in this order. */
  readonly observers?: readonly OutcomeObserver[];
  /** Called with the duration (ms) and instance count of every driver call. */
  readonly onDriverCall?: (ms: number, instances: number) => void;
  /**
   * Decision heartbeat: word 0 is bumped as each driver call starts and ends (odd while one runs);
   * the replay also bumps it around the strategy's `create`, with word 1 at CREATE_PHASE meanwhile.
   */
  readonly heartbeat?: Int32Array;
}

const PENDING = 0;
const PLACED = 1;
const CLAIM_FAILED = 2;
const FAILED = 3;

/**
 * Nova's SchedulerManager.run_instance: wraps every instance in an EventReporter, hands the request
 * to the driver, provisions each selection on its compute node, reschedules failed claims with the
 * tried hosts excluded, and sets vm_state ERROR (with a notification) on failure. It knows only the
 * driver interface.
 */
export class SchedulerManager implements DriverContext {
  readonly cluster: ClusterState;
  readonly rng: SeededRng;
  readonly stats: ManagerStats = {
    requests: 0,
    instances: 0,
    placed: 0,
    noValidHost: 0,
    retries: 0,
    claimFailures: 0,
    schedulingErrors: 0,
    driverCalls: 0,
    driverMs: 0,
    decisions: 0,
    hostEvaluations: 0,
  };
  private readonly opts: ManagerOptions;

  // Per-request state, reused across requests.
  private spec!: RequestSpec;
  private state = new Uint8Array(16);
  private hostOf = new Int32Array(16);
  private slotOf = new Int32Array(16);
  private attempts = new Int32Array(16);
  private tried: number[][] = [];
  private reasons: (string | undefined)[] = [];
  private emptiedBy: (string | undefined)[] = [];
  /** Maps the index the driver sees to the request's instance index (differs on reschedules). */
  private passIndex = new Int32Array(16);
  private passSize = 0;
  private passSettled = 0;
  private touched: number[] = [];
  /** The observers that want each hook, found once so the per-instance loops call without checking. */
  private readonly onScheduled: readonly OutcomeObserver[];
  private readonly onClaimFailed: readonly OutcomeObserver[];
  private readonly outcome: { -readonly [K in keyof InstanceOutcome]: InstanceOutcome[K] };
  // Zed mode: the request filter, this pass's Placement answer, and each instance's alternates
  // (maxAlternates slots per instance).
  private readonly requestFilter: PlacementRequestFilter | undefined;
  private readonly pass_: ManagerPlacementPass | undefined;
  private readonly selectedStamp: Uint32Array;
  private stamp = 0;
  placement: PlacementPass | undefined = undefined;
  private readonly maxAlternates: number;
  private alternateHosts = new Int32Array(0);
  private alternateCount = new Int32Array(16);
  private alternatesGiven = false;

  constructor(opts: ManagerOptions) {
    this.opts = opts;
    this.cluster = opts.cluster;
    this.rng = opts.rng;
    const zed = opts.placement !== undefined;
    if (zed && !opts.cluster.hasPlacement)
      throw new Error('placement mode needs a cluster that keeps Placement');
    if (zed && opts.multiCreate !== 'all-or-nothing')
      throw new Error(
        "placement mode is all-or-nothing for multi-instance requests (multiCreate: 'all-or-nothing')",
      );
    const n = zed ? opts.cluster.hosts.size : 0;
    this.requestFilter = zed
      ? new PlacementRequestFilter(opts.cluster, opts.placement!.maxResults)
      : undefined;
    this.pass_ = zed ? new ManagerPlacementPass(opts.cluster) : undefined;
    this.selectedStamp = new Uint32Array(n);
    this.maxAlternates = zed ? opts.maxAttempts - 1 : 0;
    const observers = opts.observers ?? [];
    this.onScheduled = observers.filter((o) => o.instanceScheduled);
    this.onClaimFailed = observers.filter((o) => o.claimFailed);
    this.outcome = {
      seq: 0,
      context: { time: 0 },
      spec: undefined as unknown as RequestSpec,
      index: 0,
      host: -1,
      slot: -1,
      attempts: 0,
      reason: undefined,
      emptiedBy: undefined,
      alternates: new Int32Array(this.maxAlternates),
      alternateCount: 0,
    };
  }

  /** Schedule every instance of one request; returns when each is placed or in ERROR. */
  runInstance(
    context: RequestContext,
    spec: RequestSpec,
    filterProperties: FilterProperties = NO_RETRY,
  ): void {
    const { records } = this.opts;
    const n = spec.instanceIds.length;
    this.begin(spec, n);
    this.stats.requests++;
    this.stats.instances += n;
    records.notifyStart(spec);
    for (let k = 0; k < n; k++) records.eventStart(spec.instanceIds[k], context.time);

    for (let k = 0; k < n; k++) this.passIndex[k] = k;
    this.pass(spec, n, filterProperties);

    // Reschedules: each instance whose claim failed is scheduled again alone, with the hosts it has
    // tried excluded, until a claim succeeds or it has made max_attempts passes.
    for (let k = 0; k < n; k++) {
      while (this.state[k] === CLAIM_FAILED) {
        if (this.attempts[k] >= this.opts.maxAttempts) {
          this.state[k] = FAILED;
          this.reasons[k] = MAX_RETRIES;
          this.emptiedBy[k] = undefined;
          break;
        }
        this.stats.retries++;
        this.passIndex[0] = k;
        const single: RequestSpec = { ...spec, instanceIds: [spec.instanceIds[k]] };
        this.pass(single, 1, { retry: { numAttempts: this.attempts[k], hosts: this.tried[k] } });
      }
    }

    if (this.opts.multiCreate === 'all-or-nothing' && n > 1) this.allOrNothing(n);

    for (let k = 0; k < n; k++) {
      const id = spec.instanceIds[k];
      const ok = this.state[k] === PLACED;
      records.eventFinish(id, context.time, ok);
      if (ok) this.stats.placed++;
      else {
        this.stats.noValidHost++;
        records.setErrorAndNotify(spec, id, this.reasons[k] ?? '');
      }
      const o = this.outcome;
      o.seq++;
      o.context = context;
      o.spec = spec;
      o.index = k;
      o.host = ok ? this.hostOf[k] : -1;
      o.slot = ok ? this.slotOf[k] : -1;
      o.attempts = this.attempts[k];
      o.reason = this.reasons[k];
      o.emptiedBy = ok ? undefined : this.emptiedBy[k];
      o.alternateCount = ok ? this.alternateCount[k] : 0;
      if (o.alternateCount > 0) {
        const m = this.maxAlternates;
        o.alternates.set(this.alternateHosts.subarray(k * m, k * m + o.alternateCount));
      }
      const scheduled = this.onScheduled;
      for (let i = 0; i < scheduled.length; i++) scheduled[i].instanceScheduled!(o);
    }
    records.notifyEnd(spec);
    // Builds complete when the request is done: no io ops are in flight at the next request.
    const touched = this.touched;
    this.cluster.finishBuilds(touched);
    // pop() is inlined; setting length calls into the runtime (measurable at a million requests).
    while (touched.length > 0) touched.pop();
  }

  // --- DriverContext -------------------------------------------------------------------------

  provision(index: number, host: number, gpu?: number): boolean {
    const k = this.settle(index);
    const spec = this.spec;
    const n = spec.instanceIds.length;
    // A host number must be one: NaN, 1.5 or -1 would read as a failed claim and be retried.
    if (host >>> 0 !== host || host >= this.cluster.hosts.size) {
      throw this.broken(
        `provisioned instance ${index} on host ${host}, which is no host number (0 to ${this.cluster.hosts.size - 1})`,
      );
    }
    let slot: number;
    // Zed mode: a host that is no candidate has no allocation request to claim with.
    if (this.pass_ !== undefined && !this.pass_.has(host)) slot = -1;
    else
      try {
        slot = this.cluster.claim(
          host,
          spec.instanceIds[k],
          spec.flavor,
          spec.group,
          n > 1 ? spec.requestId : '',
          n,
          gpu,
        );
      } catch (err) {
        throw err instanceof ContractError ? this.broken(err.message) : err;
      }
    if (slot < 0) {
      this.state[k] = CLAIM_FAILED;
      this.tried[k].push(host);
      this.stats.claimFailures++;
      for (const obs of this.onClaimFailed) obs.claimFailed!(spec, k, host);
      return false;
    }
    this.state[k] = PLACED;
    this.hostOf[k] = host;
    this.slotOf[k] = slot;
    this.touched.push(host);
    return true;
  }

  noValidHost(index: number, reason: string, emptiedBy?: string): void {
    const k = this.settle(index);
    this.state[k] = FAILED;
    this.reasons[k] = reason;
    this.emptiedBy[k] = emptiedBy;
  }

  countHostEvaluations(n: number): void {
    this.stats.hostEvaluations += n;
  }

  alternates(hosts: Int32Array, len: number): void {
    if (this.placement === undefined) return;
    if (this.alternatesGiven) throw this.broken('called alternates() twice in one pass');
    if (this.passSettled !== this.passSize)
      throw this.broken('called alternates() before settling every instance of the pass');
    this.alternatesGiven = true;
    const m = this.maxAlternates;
    if (m === 0) return;
    // Nova excludes every host selected in this pass (they have had resources claimed).
    const sel = this.selectedStamp;
    for (let i = 0; i < this.passSize; i++) {
      const k = this.passIndex[i];
      if (this.state[k] === PLACED) sel[this.hostOf[k]] = this.stamp;
    }
    const first = this.passIndex[0];
    const base = first * m;
    let count = 0;
    for (let i = 0; i < len && count < m; i++) {
      const h = hosts[i];
      if (h >>> 0 !== h || h >= this.cluster.hosts.size)
        throw this.broken(
          `gave alternate ${h}, which is no host number (0 to ${this.cluster.hosts.size - 1})`,
        );
      if (sel[h] !== this.stamp) this.alternateHosts[base + count++] = h;
    }
    // The same list for every instance of the pass.
    for (let i = 0; i < this.passSize; i++) {
      const k = this.passIndex[i];
      if (this.state[k] !== PLACED) continue;
      if (k !== first) this.alternateHosts.copyWithin(k * m, base, base + count);
      this.alternateCount[k] = count;
    }
  }

  /**
   * At the end of a replay: the whole host table must still be what claims and releases made it.
   * Throws the contract error naming the strategy when a driver wrote it.
   */
  verifyHostTable(): void {
    const changed = this.cluster.findTableChange();
    if (changed !== undefined) throw contractError(this.opts.driver, 'end of replay', changed);
  }

  // --- internals -----------------------------------------------------------------------------

  /** The error for a contract the driver broke during the current request. */
  private broken(reason: string): Error {
    return contractError(this.opts.driver, `decision (request ${this.spec.requestId})`, reason);
  }

  private begin(spec: RequestSpec, n: number): void {
    this.spec = spec;
    if (this.state.length < n) {
      const size = Math.max(n, this.state.length * 2);
      this.state = new Uint8Array(size);
      this.hostOf = new Int32Array(size);
      this.slotOf = new Int32Array(size);
      this.attempts = new Int32Array(size);
      this.passIndex = new Int32Array(size);
      this.alternateCount = new Int32Array(size);
    }
    if (this.alternateHosts.length < n * this.maxAlternates) {
      this.alternateHosts = new Int32Array(Math.max(n, this.state.length) * this.maxAlternates);
    }
    for (let k = 0; k < n; k++) {
      this.state[k] = PENDING;
      this.hostOf[k] = -1;
      this.attempts[k] = 0;
      const tried = this.tried[k];
      if (tried === undefined) this.tried[k] = [];
      else if (tried.length > 0) tried.length = 0;
      this.reasons[k] = undefined;
      this.emptiedBy[k] = undefined;
      this.alternateCount[k] = 0;
    }
  }

  private pass(spec: RequestSpec, size: number, props: FilterProperties): void {
    const { driver, onDriverCall, heartbeat } = this.opts;
    this.passSize = size;
    this.passSettled = 0;
    this.alternatesGiven = false;
    if (heartbeat) heartbeat[0]++;
    const t0 = performance.now();
    this.stats.driverCalls++;
    try {
      if (this.requestFilter !== undefined) this.askPlacement(spec);
      driver.scheduleRunInstance(this, spec, props);
    } catch (err) {
      if (!(err instanceof SchedulingError)) throw err;
      // A filter raised: Nova's scheduling call fails as a whole. What this pass placed is freed and
      // every instance of the pass goes to ERROR.
      for (let i = 0; i < size; i++) {
        const k = this.passIndex[i];
        if (i >= this.passSettled) this.attempts[k]++;
        else if (this.state[k] === PLACED) this.unplace(k);
        this.state[k] = FAILED;
        this.reasons[k] = err.message;
        this.emptiedBy[k] = undefined;
        this.stats.schedulingErrors++;
      }
      this.passSettled = size;
    }
    const ms = performance.now() - t0;
    if (heartbeat) heartbeat[0]++;
    this.stats.driverMs += ms;
    this.stats.decisions += size;
    onDriverCall?.(ms, size);
    if (this.passSettled !== size) {
      throw this.broken(
        `settled ${this.passSettled} of ${size} instance(s) of request "${spec.requestId}": ` +
          'scheduleRunInstance must call provision() or noValidHost() once per instance, in order',
      );
    }
  }

  /**
   * Zed mode, before the driver: Nova's request filters, resources_from_request_spec and GET
   * /allocation_candidates (timed with the decision; the list is made when the driver reads it).
   * With no candidate the driver settles every instance as NoValidHost (select_destinations raises
   * before any filter runs).
   */
  private askPlacement(spec: RequestSpec): void {
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    this.pass_!.begin(this.requestFilter!.queryFor(spec), this.maxAlternates);
    this.placement = this.pass_;
  }

  /** Free an instance placed earlier in this request (its claim is undone on the host). */
  private unplace(k: number): void {
    this.cluster.release(this.slotOf[k]);
    this.hostOf[k] = -1;
  }

  /** Nova 26's `_ensure_sufficient_hosts`: one failed instance fails the request. */
  private allOrNothing(n: number): void {
    let failed = -1;
    for (let k = 0; k < n && failed < 0; k++) if (this.state[k] !== PLACED) failed = k;
    if (failed < 0) return;
    for (let k = 0; k < n; k++) {
      if (this.state[k] === PLACED) this.unplace(k);
      this.state[k] = FAILED;
      // An instance that fails with the request takes the failed instance's reason and cause.
      if (this.reasons[k] === undefined) this.emptiedBy[k] = this.emptiedBy[failed];
      this.reasons[k] ??= this.reasons[failed] ?? NO_VALID_HOST;
    }
  }

  /** Check the driver settles instances once each, in order; returns the request's instance index. */
  private settle(index: number): number {
    if (index !== this.passSettled || index >= this.passSize) {
      throw this.broken(
        `settled instance ${index} of request "${this.spec.requestId}" ` +
          `out of order (expected ${this.passSettled} of ${this.passSize})`,
      );
    }
    this.passSettled++;
    const k = this.passIndex[index];
    this.attempts[k]++;
    return k;
  }
}
