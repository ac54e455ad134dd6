import type { ClusterState } from '../cluster/cluster-state.ts';
import type { DriverContext, SchedulerDriver } from '../scheduler/driver.ts';
import { NO_VALID_HOST, PLACEMENT } from '../scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../scheduler/request-spec.ts';
import type { Diagnosis } from './diagnosis.ts';
import type { DecisionFastPath } from './fast-path.ts';
import { diagnoseHosts, type FilterOutcome, filterHosts } from './filter-handler.ts';
import type { DecisionProbe, ExplainableDriver } from './probe.ts';
import { reusableFilterRequest } from './request.ts';
import type { FilterRequest, HostFilter } from './types.ts';

/**
 * The step after filtering: choose one host among the survivors. The `filter` strategy weighs and
 * sorts (nova-selection.ts); other strategies pick the first, the best-scored, or draw at random.
 */
export interface HostSelection {
  /**
   * Choose a host for instance `req.index` among the `len` (at least 1) survivors in `list[0..len)`,
   * which are in cluster order for the first instance of a request. It may reorder `list[0..len)`:
   * that order is the next instance's input. `more` is true when another instance of the request
   * follows. Returns the chosen host number, or -1 when the selection accepts none of them
   * (NoValidHost for this instance). Allocation-free: runs once per instance.
   */
  select(list: Int32Array, len: number, req: FilterRequest, ctx: DriverContext, more: boolean): number;
  /**
   * For a GPU-share request: the local GPU chosen on the host `select` last returned, or -1 (or
   * absent) to leave the choice to the claim (the least free GPU that fits).
   */
  readonly gpu?: number;
  /** Explaining: report weights or scores to `probe` (undefined: off). Optional. */
  setProbe?(probe: DecisionProbe | undefined): void;
}

/**
 * Nova's `_schedule` loop with a pluggable selection step: for each instance of the request, run the
 * filters over the previous instance's list (every host, in cluster order, for the first; in zed
 * mode Placement's candidates), select, and provision. An empty list is NoValidHost for that
 * instance and the rest of the request.
 */
export class FilterPipeline implements SchedulerDriver, FilterOutcome, ExplainableDriver {
  /**
   * The filter that emptied the host list in the request last scheduled, or undefined when no
   * filter did (hosts were left, the cluster has none, or the selection refused them). Once a
   * filter empties the list, the rest of the request's instances are NoValidHost for the same
   * cause, so it names the filter for each of them. It goes with each NoValidHost to the manager
   * (`DriverContext.noValidHost`) and so into the outcome event (`InstanceOutcome.emptiedBy`); the
   * reason stays the constant one.
   */
  lastEmptiedBy: string | undefined = undefined;
  /**
   * Diagnosis mode: when set, each instance's filtering runs through `diagnoseHosts` (same
   * decisions) and its Diagnosis comes here, with the request and the instance index. Unset (the
   * default), the loop is the plain one and builds no reason. `list[0..len)`: the survivors.
   */
  onDiagnosis:
    | ((diagnosis: Diagnosis, spec: RequestSpec, index: number, list: Int32Array, len: number) => void)
    | undefined = undefined;
  /** Diagnosis mode builds each rejected host's reason (false: a funnelOnly probe). */
  private reasons = true;
  private readonly list: Int32Array;
  private readonly req: FilterRequest;

  constructor(
    readonly name: string,
    cluster: ClusterState,
    private readonly filters: readonly HostFilter[],
    private readonly selection: HostSelection,
    /** Exact shortcuts tried in order before the reference loop (not in diagnosis mode). */
    private readonly fastPaths: readonly DecisionFastPath[] = [],
  ) {
    const n = cluster.hosts.size;
    this.list = new Int32Array(n);
    this.req = reusableFilterRequest(n);
  }

  /** Explaining: diagnosis mode, and the selection's weights or scores, go to `probe`. */
  setProbe(probe: DecisionProbe | undefined): void {
    this.onDiagnosis = probe ? (d, spec, k, list, len) => probe.filtered(d, spec, k, list, len) : undefined;
    this.reasons = probe?.funnelOnly !== true;
    this.selection.setProbe?.(probe);
  }

  scheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): void {
    this.lastEmptiedBy = undefined;
    const placement = ctx.placement;
    // The fast paths index every host: not for Placement's candidate list (zed mode).
    if (this.onDiagnosis === undefined && placement === undefined) {
      for (const fast of this.fastPaths) if (fast.tryScheduleRunInstance(ctx, spec, props)) return;
    }
    const { list, req } = this;
    let len: number;
    if (placement === undefined) {
      len = ctx.cluster.hosts.size;
      for (let i = 0; i < len; i++) list[i] = i;
    } else {
      // Zed mode: the strategy chooses among Placement's candidates (in cluster order).
      len = placement.candidates.length;
      list.set(placement.candidates);
      if (len === 0) this.lastEmptiedBy = PLACEMENT;
    }
    req.spec = spec;
    req.retryHosts = props.retry?.hosts;
    const n = spec.instanceIds.length;
    for (let k = 0; k < n; k++) {
      req.index = k;
      req.instanceId = spec.instanceIds[k];
      req.group.refresh(spec.group);
      ctx.countHostEvaluations(len);
      if (len > 0) {
        if (this.onDiagnosis === undefined) len = filterHosts(this.filters, list, len, req, this);
        else {
          const d = diagnoseHosts(this.filters, list, len, req, this, this.reasons);
          len = d.len;
          this.onDiagnosis(d.diagnosis, spec, k, list, len);
        }
      }
      if (len === 0) {
        ctx.noValidHost(k, NO_VALID_HOST, this.lastEmptiedBy);
        continue;
      }
      const host = this.selection.select(list, len, req, ctx, k < n - 1);
      if (host < 0) ctx.noValidHost(k, NO_VALID_HOST);
      else {
        const gpu = this.selection.gpu ?? -1;
        if (gpu < 0) ctx.provision(k, host);
        else ctx.provision(k, host, gpu);
      }
    }
  }
}
