import type { ClusterState } from '../../cluster/cluster-state.ts';
import { stableSortDesc } from '../../common/stable-sort.ts';
import type { DriverContext } from '../../scheduler/driver.ts';
import { NO_VALID_HOST } from '../../scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../../scheduler/request-spec.ts';
import type { DecisionFastPath } from '../fast-path.ts';
import { keepPassing } from '../filter-handler.ts';
import { reusableFilterRequest } from '../request.ts';
import type { FilterRequest, HostFilter, HostWeigher } from '../types.ts';
import { FusedPredicate } from './fused-predicate.ts';
import { lowerBound, StaticHostLists, type StaticNode } from './fused-static.ts';
import { FusedWeigher } from './fused-weigh.ts';

/**
 * The fused single pass: the reference loop (filterHosts, WeightHandler.weigh, NovaSelection) for
 * any filters and weighers, with fewer passes over the hosts. Filters with a form (fused-form.ts)
 * are deferred into one predicate instead of each compacting the list; after each one, a witness
 * (the first host still passing everything so far, which only moves forward) shows whether the list
 * would be empty, so preFilter calls and `emptiedBy` stay the reference's. Stable masks (zone,
 * aggregates, capabilities, ComputeFilter) of the first instance are served as cached host lists, so
 * only the hosts they leave are scanned. A filter without a form runs as in the reference, on the
 * exact list the reference would give it (same hostPasses calls, same errors). Survivors are
 * collected once, then weighed with inline raw values and hoisted multipliers, then selected as
 * NovaSelection does (leftmost max, or the stable sort, rng draw and reordered list).
 */
export class FusedDecision implements DecisionFastPath {
  readonly name = 'fused';
  private readonly list: Int32Array;
  private readonly weights: Float64Array;
  private readonly perm: Int32Array;
  private readonly scratch: Int32Array;
  private readonly req: FilterRequest;
  private readonly predicate: FusedPredicate;
  private readonly statics: StaticHostLists;
  private readonly weigher: FusedWeigher;
  private emptiedBy: string | undefined = undefined;

  constructor(
    cluster: ClusterState,
    private readonly filters: readonly HostFilter[],
    weighers: readonly HostWeigher[],
    private readonly subsetSize: number,
  ) {
    const n = cluster.hosts.size;
    this.list = new Int32Array(n);
    this.weights = new Float64Array(n);
    this.perm = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.req = reusableFilterRequest(n);
    this.predicate = new FusedPredicate(cluster.hosts, this.req.group);
    this.statics = new StaticHostLists(n);
    this.weigher = new FusedWeigher(cluster.hosts, weighers);
  }

  tryScheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): boolean {
    const req = this.req;
    this.emptiedBy = undefined;
    let len = ctx.cluster.hosts.size;
    req.spec = spec;
    req.retryHosts = props.retry?.hosts;
    const n = spec.instanceIds.length;
    for (let k = 0; k < n; k++) {
      req.index = k;
      req.instanceId = spec.instanceIds[k];
      req.group.refresh(spec.group);
      ctx.countHostEvaluations(len);
      if (len > 0) len = this.filter(len, k === 0);
      if (len === 0) {
        ctx.noValidHost(k, NO_VALID_HOST, this.emptiedBy);
        continue;
      }
      ctx.provision(k, this.select(len, ctx, k < n - 1));
    }
    return true;
  }

  /**
   * filterHosts over every host (`all`, the first instance) or over `list[0..len)`; the survivors
   * end in `list`, in the reference's order. Returns their count.
   */
  private filter(len: number, all: boolean): number {
    const { req, predicate, list } = this;
    predicate.reset();
    let node: StaticNode = this.statics.root;
    // The witness: in `all` mode a host number (node.hosts is ascending), else a position in list.
    let w = 0;
    for (const f of this.filters) {
      if (req.index > 0 && f.runOncePerRequest) continue;
      if (!f.preFilter(req)) continue;
      const form = f.fusedForm?.(req);
      let deferred = false;
      if (form !== undefined) {
        if (all && form.kind === 'mask' && form.stable && form.want === 1) {
          node = this.statics.child(node, form.mask);
          deferred = true;
        } else deferred = predicate.add(form);
      }
      if (deferred) {
        w = all ? this.witnessAll(node.hosts, w) : this.witnessList(len, w);
        if (w < 0) {
          this.emptiedBy = f.name;
          return 0;
        }
        continue;
      }
      len = all ? this.collectAll(node.hosts, w) : this.collectList(len, w);
      all = false;
      predicate.reset();
      node = this.statics.root;
      w = 0;
      len = f.filterAll ? f.filterAll(list, len, req) : keepPassing(f, list, len, req);
      if (len === 0) {
        this.emptiedBy = f.name;
        return 0;
      }
    }
    return all ? this.collectAll(node.hosts, w) : this.collectList(len, w);
  }

  /** The first host >= `from` in `hosts` passing the predicate, or -1. */
  private witnessAll(hosts: Int32Array, from: number): number {
    const p = this.predicate;
    for (let i = lowerBound(hosts, from); i < hosts.length; i++) if (p.passes(hosts[i])) return hosts[i];
    return -1;
  }

  /** The first position >= `from` in list[0..len) whose host passes the predicate, or -1. */
  private witnessList(len: number, from: number): number {
    const { predicate: p, list } = this;
    for (let i = from; i < len; i++) if (p.passes(list[i])) return i;
    return -1;
  }

  /** The hosts of `hosts` from host `from` on that pass the predicate, into list. */
  private collectAll(hosts: Int32Array, from: number): number {
    return this.predicate.collect(hosts, lowerBound(hosts, from), hosts.length, this.list);
  }

  /** list[from..len) compacted to the hosts passing the predicate. */
  private collectList(len: number, from: number): number {
    return this.predicate.collect(this.list, from, len, this.list);
  }

  /** NovaSelection.select over list[0..len) (len >= 1), with the fused weights. */
  private select(len: number, ctx: DriverContext, more: boolean): number {
    const { list, weights } = this;
    if (len === 1) return list[0];
    const subset = Math.min(this.subsetSize, len);
    if (!more && subset === 1) return list[this.weigher.best(list, len, this.req)];
    this.weigher.weigh(list, len, this.req, weights);
    const { perm, scratch } = this;
    for (let i = 0; i < len; i++) perm[i] = i;
    stableSortDesc(perm, len, weights, scratch);
    const r = subset > 1 ? ctx.rng.int(subset) : 0;
    scratch[0] = list[perm[r]];
    let j = 1;
    for (let i = 0; i < len; i++) if (i !== r) scratch[j++] = list[perm[i]];
    list.set(scratch.subarray(0, len));
    return list[0];
  }
}
