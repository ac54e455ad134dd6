import type { DriverContext } from '../../scheduler/driver.ts';
import { NO_VALID_HOST } from '../../scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../../scheduler/request-spec.ts';
import type { DecisionFastPath } from '../fast-path.ts';
import { reusableFilterRequest } from '../request.ts';
import type { FilterRequest } from '../types.ts';
import { GroupMode, GroupScope } from './indexed-groups.ts';
import { type Partition, PartitionCache } from './indexed-partitions.ts';
import { type IndexedInit, type IndexedPlan, planIndexed } from './indexed-plan.ts';
import { IndexedSearch } from './indexed-search.ts';

/** bestHost's answer when the index cannot decide exactly. */
const DECLINE = -2;

/** The index's bound on leaves over all partitions, in hosts: a few full copies of the cluster. */
const LEAVES_PER_HOST = 4;

/**
 * The exact indexed fast path (issue 15): single-instance requests under the default-style
 * filters (Retry, AZ, Compute, Ram, Core, Disk, Gpu, AggregateInstanceExtraSpecs, the server-group
 * filters) and RAM/CPU/Disk weighers of any uniform multiplier, decided by queries over a
 * HostIndex of the request's static partition (indexed-search.ts) in O(log n)-ish instead of a
 * scan. Server groups follow the group filters' own rules (indexed-groups.ts): anti-affinity
 * members are skipped by every query, affinity member hosts are weighed explicitly, soft policies
 * leave the decision alone. It declines (the reference runs) for retries, multi-instance rows, per-host multipliers that differ within the partition, flavors with
 * non-finite numbers, and partitions it has no index for. Undefined for a configuration it
 * cannot decide at all (other filters or weighers, host_subset_size > 1).
 */
export function indexedFastPath(init: IndexedInit): DecisionFastPath | undefined {
  const plan = planIndexed(init);
  return plan ? new IndexedFastPath(init, plan) : undefined;
}

class IndexedFastPath implements DecisionFastPath {
  readonly name = 'indexed';
  private readonly partitions: PartitionCache;
  private readonly search: IndexedSearch;
  private readonly req: FilterRequest;
  private readonly groups: GroupScope;
  /** bestMember's survivors among the affinity members. */
  private readonly memberList: Int32Array;
  // The last full partition and the static request fields it was for.
  private last: Partition | undefined = undefined;
  private lastAz: string | undefined = undefined;
  private lastSpecs: string | undefined = undefined;
  private lastGpuSpec: readonly string[] | undefined = undefined;

  constructor(
    private readonly init: IndexedInit,
    private readonly plan: IndexedPlan,
  ) {
    const t = init.cluster.hosts;
    this.partitions = new PartitionCache(
      init.cluster,
      plan.fields,
      plan.weighers,
      LEAVES_PER_HOST * t.size + 1024,
    );
    this.search = new IndexedSearch(t);
    this.req = reusableFilterRequest(t.size);
    this.search.req = this.req;
    this.groups = new GroupScope(t.size, plan, this.search);
    this.memberList = new Int32Array(t.size);
  }

  tryScheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): boolean {
    const plan = this.plan;
    if (spec.instanceIds.length !== 1) return false;
    const n = ctx.cluster.hosts.size;
    if (n === 0 || n !== this.init.cluster.hosts.size) return false;
    if (plan.retry && props.retry !== undefined && props.retry.hosts.length > 0) return false;
    const f = spec.flavor;
    if (
      !Number.isFinite(f.memoryMb) ||
      !Number.isFinite(f.vcpus) ||
      !Number.isFinite(f.diskGb) ||
      !Number.isFinite(f.gpus) ||
      !Number.isFinite(f.gpuMilli)
    )
      return false;
    if (plan.gpu && f.gpus !== 0 && spec.gpuSpec !== undefined) {
      // GpuFilter caches models by their '|'-join: a model with '|' in it could collide there.
      for (const m of spec.gpuSpec) if (m.includes('|')) return false;
    }
    const req = this.req;
    req.spec = spec;
    req.index = 0;
    req.instanceId = spec.instanceIds[0];
    req.retryHosts = props.retry?.hosts;
    const p = this.partitionFor(spec, plan.kinds.length);
    if (p === undefined) return false;
    const groups = this.groups;
    groups.begin(spec.group);
    try {
      groups.scope(plan.kinds.length);
      const host = groups.mode === GroupMode.Affinity ? this.bestMember(p) : this.bestHost(p);
      if (host === DECLINE) return false;
      if (host >= 0) {
        ctx.countHostEvaluations(n);
        ctx.provision(0, host);
        return true;
      }
      const emptiedBy = this.emptiedBy(spec);
      if (emptiedBy === undefined) return false;
      ctx.countHostEvaluations(n);
      ctx.noValidHost(0, NO_VALID_HOST, emptiedBy);
      return true;
    } finally {
      groups.clear();
    }
  }

  /** Nova's host for the request over partition p (the exclusion in scope), −1 for none, or DECLINE. */
  private bestHost(p: Partition): number {
    const { plan, search } = this;
    search.setConstraints(this.req.spec.flavor, plan.ram, plan.cpu, plan.disk, plan.gpu);
    search.clearTerms();
    let seed = -1;
    // The last term's leftmost passing host with its best value (max for m > 0, else min).
    let termLeaf = -1;
    let termValue = 0;
    for (let j = 0; j < plan.weighers.length; j++) {
      const m = p.multipliers[j];
      if (Number.isNaN(m)) return DECLINE;
      if (m === 0) continue;
      const w = plan.weighers[j];
      const field = plan.weigherFields[j];
      // Each term needs the values on its winning side: its min when it stacks (m < 0).
      const minQueried = w.minval === undefined || m < 0;
      const lo = minQueried ? search.extreme(p.tree, w, field, false) : w.minval;
      const minLeaf = minQueried ? search.extremeLeaf : -1;
      const hi = w.maxval ?? search.extreme(p.tree, w, field, true);
      const maxLeaf = w.maxval === undefined ? search.extremeLeaf : -1;
      if (Number.isNaN(lo) || Number.isNaN(hi)) return -1;
      seed = m > 0 ? maxLeaf : minLeaf;
      const low = w.minval ?? lo;
      if (low === hi) continue;
      search.addTerm(w, p.tree, field, m, low, hi - low);
      termLeaf = seed;
      termValue = m > 0 ? hi : lo;
    }
    // One term: its extreme host wins unless rounding lets other values tie with it.
    if (search.termCount === 1 && termLeaf >= 0 && search.isolated(termValue)) return p.tree.hosts[termLeaf];
    const leaf = search.best(p.tree, seed);
    return leaf >= 0 ? p.tree.hosts[leaf] : -1;
  }

  /**
   * Affinity with live members: only the member hosts can pass, so they are weighed explicitly
   * (WeightHandler's normalisers over the survivors among them) and the leftmost best wins.
   */
  private bestMember(p: Partition): number {
    const { plan, search, groups } = this;
    search.setConstraints(this.req.spec.flavor, plan.ram, plan.cpu, plan.disk, plan.gpu);
    search.clearTerms();
    const tree = p.tree;
    const list = this.memberList;
    let survivors = 0;
    for (let i = 0; i < groups.memberCount; i++) {
      const h = groups.members[i];
      if (tree.leafOf[h] >= 0 && search.leafFits(h)) list[survivors++] = h;
    }
    if (survivors <= 1) return survivors === 1 ? list[0] : -1;
    for (let j = 0; j < plan.weighers.length; j++) {
      const m = p.multipliers[j];
      if (Number.isNaN(m)) return DECLINE;
      if (m === 0) continue;
      const w = plan.weighers[j];
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < survivors; i++) {
        const h = list[i];
        let x = w.weigh(h, this.req);
        if (w.minval !== undefined && x < w.minval) x = w.minval;
        if (w.maxval !== undefined && x > w.maxval) x = w.maxval;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      const lo = w.minval ?? min;
      const hi = w.maxval ?? max;
      if (!(hi > lo)) {
        if (lo === hi) continue;
        return DECLINE;
      }
      search.addTerm(w, tree, plan.weigherFields[j], m, lo, hi - lo);
    }
    let best = -1;
    let bestWeight = 0;
    for (let i = 0; i < survivors; i++) {
      const h = list[i];
      const wt = search.leafWeight(h);
      if (best < 0 || wt > bestWeight) {
        best = h;
        bestWeight = wt;
      }
    }
    return best;
  }

  /**
   * filterHosts' `emptiedBy` when no host passes: the first filter in force after which no host
   * is left, by existence queries over each prefix of the filter list. Undefined when a prefix has
   * no index.
   */
  private emptiedBy(spec: RequestSpec): string | undefined {
    const { plan, search } = this;
    const f = spec.flavor;
    let ram = false;
    let cpu = false;
    let disk = false;
    let gpu = false;
    for (let i = 0; i < plan.kinds.length; i++) {
      const kind = plan.kinds[i];
      if (kind === 'ram') ram = true;
      else if (kind === 'cpu') cpu = true;
      else if (kind === 'disk') disk = true;
      else if (kind === 'gpu') {
        if (f.gpus === 0) continue;
        gpu = true;
      } else if (kind === 'group') {
        if (i !== plan.antiAt && i !== plan.affinityAt) continue;
        if (this.groups.mode === GroupMode.None) continue;
        if (i === plan.antiAt && this.groups.mode !== GroupMode.Anti) continue;
        if (i === plan.affinityAt && this.groups.mode !== GroupMode.Affinity) continue;
      } else if (!this.staticInForce(kind, spec)) continue;
      const p = this.partitionFor(spec, i + 1);
      if (p === undefined) return undefined;
      search.setConstraints(f, ram, cpu, disk, gpu);
      this.groups.scope(i + 1);
      const groups = this.groups;
      const any = groups.affinityIn(i + 1) ? groups.anyMemberFits(p.tree) : search.anyFits(p.tree);
      if (!any) return plan.names[i];
    }
    return undefined;
  }

  /** Does static filter `kind` act on this request (its preFilter's answer)? */
  private staticInForce(kind: string, spec: RequestSpec): boolean {
    if (kind === 'az') return !!spec.availabilityZone;
    if (kind === 'compute') return !this.plan.allActive;
    if (kind === 'aies') return spec.extraSpecs !== undefined && spec.extraSpecs.entries.length > 0;
    return false;
  }

  /** The partition of hosts passing the static filters in force among the first `upto`. */
  private partitionFor(spec: RequestSpec, upto: number): Partition | undefined {
    const full = upto === this.plan.kinds.length;
    // The last request's static fields again (the common case): no key to build.
    if (full && this.last !== undefined && this.sameStatics(spec)) {
      this.partitions.freshen();
      return this.last;
    }
    const p = this.partitionByKey(spec, upto);
    if (full) {
      this.last = p;
      this.lastAz = spec.availabilityZone;
      this.lastSpecs = spec.extraSpecs?.key;
      this.lastGpuSpec = spec.flavor.gpus !== 0 ? spec.gpuSpec : undefined;
    }
    return p;
  }

  private sameStatics(spec: RequestSpec): boolean {
    return (
      spec.availabilityZone === this.lastAz &&
      spec.extraSpecs?.key === this.lastSpecs &&
      (spec.flavor.gpus !== 0 ? spec.gpuSpec : undefined) === this.lastGpuSpec
    );
  }

  private partitionByKey(spec: RequestSpec, upto: number): Partition | undefined {
    const { plan } = this;
    let key = '';
    for (let i = 0; i < upto; i++) {
      const kind = plan.kinds[i];
      if (kind === 'gpu') {
        if (spec.flavor.gpus !== 0 && spec.gpuSpec !== undefined)
          key += `\u0001g${spec.gpuSpec.join('\u0002')}`;
      } else if (this.staticInForce(kind, spec)) {
        if (kind === 'az') key += `\u0001a${spec.availabilityZone}`;
        else if (kind === 'compute') key += '\u0001c';
        else key += `\u0001e${spec.extraSpecs!.key}`;
      }
    }
    return this.partitions.get(key, this.fill, this, upto);
  }

  /** Mark the hosts passing the static filters in force among the first `upto` (their own code). */
  private fill(this: void, mask: Uint8Array, self: IndexedFastPath, upto: number): boolean {
    const { plan, req } = self;
    const spec = req.spec;
    const t = self.init.cluster.hosts;
    mask.fill(1);
    for (let i = 0; i < upto; i++) {
      const kind = plan.kinds[i];
      if (kind === 'gpu') {
        const models = spec.gpuSpec;
        if (spec.flavor.gpus === 0 || models === undefined) continue;
        for (let h = 0; h < t.size; h++) if (!models.includes(t.gpuModel[h])) mask[h] = 0;
        continue;
      }
      if (!self.staticInForce(kind, spec)) continue;
      const filter = self.init.filters[i];
      if (!filter.preFilter(req)) continue;
      for (let h = 0; h < t.size; h++) if (mask[h] === 1 && !filter.hostPasses(h, req)) mask[h] = 0;
    }
    return true;
  }
}
