import type { DriverContext } from '../../scheduler/driver.ts';
import { NO_VALID_HOST } from '../../scheduler/errors.ts';
import type { FilterProperties, RequestSpec } from '../../scheduler/request-spec.ts';
import type { DecisionFastPath } from '../fast-path.ts';
import { keepPassing } from '../filter-handler.ts';
import { reusableFilterRequest } from '../request.ts';
import type { FilterRequest, HostWeigher } from '../types.ts';
import { setupCombo } from './indexed-combo.ts';
import { GroupMode, GroupScope } from './indexed-groups.ts';
import { InstanceHistory, MAX_INSTANCES } from './indexed-history.ts';
import { type Partition, PartitionCache } from './indexed-partitions.ts';
import { type IndexedInit, type IndexedPlan, planIndexed } from './indexed-plan.ts';
import { EXCLUDED_CHOSEN, EXCLUDED_MEMBER, IndexedSearch } from './indexed-search.ts';
import { outOfIndex, SoftGroupSearch } from './indexed-soft-groups.ts';

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
 * leave the decision alone. Multi-instance rows of up to MAX_INSTANCES with one weigher term at
 * most follow Nova's loop instance by instance (scheduleRow). It declines (the reference runs) for
 * retries, other multi-instance rows, per-host multipliers that differ within the partition, flavors with
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
  private readonly soft: SoftGroupSearch;
  /** bestMember's survivors among the affinity members (and the previous instance's). */
  private memberList: Int32Array;
  private memberCount = 0;
  private prevMemberList: Int32Array;
  private prevMemberCount = 0;
  private readonly history: InstanceHistory;
  /** Multi-instance row in progress: bestHost and bestMember record into `history`. */
  private rows = false;
  // The last full partition and the static request fields it was for.
  private last: Partition | undefined = undefined;
  private lastAz: string | undefined = undefined;
  private lastSpecs: string | undefined = undefined;
  private lastGpuSpec: readonly string[] | undefined = undefined;
  private lastImage: string | undefined = undefined;
  /** ImagePropertiesFilter is configured (its static partition key is the image's properties). */
  private readonly image: boolean;

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
      (tree, multipliers) => setupCombo(plan, tree, multipliers),
    );
    this.search = new IndexedSearch(t);
    this.req = reusableFilterRequest(t.size);
    this.search.req = this.req;
    this.groups = new GroupScope(t.size, plan, this.search);
    this.soft = new SoftGroupSearch(t.size, plan, this.search);
    this.memberList = new Int32Array(t.size);
    this.prevMemberList = new Int32Array(t.size);
    this.history = new InstanceHistory(this.req, this.search.excluded);
    this.image = plan.kinds.includes('image');
  }

  tryScheduleRunInstance(ctx: DriverContext, spec: RequestSpec, props: FilterProperties): boolean {
    const plan = this.plan;
    const count = spec.instanceIds.length;
    if (count < 1 || count > MAX_INSTANCES) return false;
    const n = ctx.cluster.hosts.size;
    if (n === 0 || n !== this.init.cluster.hosts.size) return false;
    if (plan.retry && props.retry !== undefined && props.retry.hosts.length > 0) return false;
    if (outOfIndex(plan, spec)) return false;
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
    this.search.setCountLimits(plan.ioOpsMax, plan.instancesMax);
    if (count > 1) return this.scheduleRow(ctx, spec, p);
    const groups = this.groups;
    groups.begin(spec.group);
    try {
      groups.scope(plan.kinds.length);
      const soft = groups.mode === GroupMode.None && this.soft.applies(spec.group);
      const host =
        groups.mode === GroupMode.Affinity
          ? this.bestMember(p)
          : soft
            ? this.soft.best(p, spec.group!, spec.flavor)
            : this.bestHost(p);
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

  /**
   * A multi-instance row (Nova's `_schedule` loop), one weigher term at most: each instance decided
   * over the index with the tie order of the previous instance's sorted list (InstanceHistory),
   * the survivors count from a counting query then from the one host that changed. Declines only
   * before the first ctx call.
   */
  private scheduleRow(ctx: DriverContext, spec: RequestSpec, p: Partition): boolean {
    const { plan, groups, history, req } = this;
    let term: HostWeigher | undefined;
    let m = 0;
    for (let j = 0; j < plan.weighers.length; j++) {
      const mj = p.multipliers[j];
      if (Number.isNaN(mj)) return false;
      if (mj === 0) continue;
      if (term !== undefined) return false;
      term = plan.weighers[j];
      m = mj;
    }
    const n = ctx.cluster.hosts.size;
    const count = spec.instanceIds.length;
    const full = plan.kinds.length;
    this.rows = true;
    history.start(term, m);
    try {
      let prevCount = n;
      let prevMode: GroupMode = GroupMode.None;
      let dead = false;
      let deadBy: string | undefined;
      for (let k = 0; k < count; k++) {
        req.index = k;
        req.instanceId = spec.instanceIds[k];
        groups.clear();
        groups.begin(spec.group);
        groups.scope(full);
        if (dead) {
          ctx.countHostEvaluations(0);
          ctx.noValidHost(k, NO_VALID_HOST, deadBy);
          continue;
        }
        const mode = groups.mode;
        let host: number;
        let survivors: number;
        if (k === 0) {
          host = mode === GroupMode.Affinity ? this.bestMember(p, 0) : this.bestHost(p);
          if (host === DECLINE) return false;
          if (host < 0) {
            deadBy = this.emptiedBy(spec);
            if (deadBy === undefined) return false;
            ctx.countHostEvaluations(n);
            ctx.noValidHost(0, NO_VALID_HOST, deadBy);
            dead = true;
            continue;
          }
          survivors = mode === GroupMode.Affinity ? this.memberCount : this.survivorsCount(p);
          ctx.countHostEvaluations(n);
        } else {
          ctx.countHostEvaluations(prevCount);
          // Claims tell the trees host by host; a wholesale rewrite would be rebuilt here.
          this.partitions.freshen();
          history.snapshot(k);
          this.search.setConstraints(spec.flavor, plan.ram, plan.cpu, plan.disk, plan.gpu);
          if (mode === GroupMode.Affinity) {
            host = this.bestMember(p, k);
            survivors = this.memberCount;
          } else {
            // Only the last chosen host changed: the others keep their verdicts.
            survivors = prevCount - (this.passesNow(p, history.chosen[k - 1]) ? 0 : 1);
            host = survivors === 0 ? -1 : this.bestLater(p, k);
          }
          if (host === DECLINE) throw new Error('indexed row: a later instance cannot decline');
          if (host < 0) {
            deadBy = this.laterEmptiedBy(spec, k, prevMode, prevCount);
            ctx.noValidHost(k, NO_VALID_HOST, deadBy);
            dead = true;
            continue;
          }
        }
        history.choose(k, host);
        if (mode === GroupMode.Affinity) {
          const t = this.prevMemberList;
          this.prevMemberList = this.memberList;
          this.memberList = t;
          this.prevMemberCount = this.memberCount;
        }
        prevCount = survivors;
        prevMode = mode;
        ctx.provision(k, host);
      }
      return true;
    } finally {
      this.rows = false;
      history.clear();
      groups.clear();
    }
  }

  /** Does host h (of partition p) pass every filter now (the exclusion in scope)? */
  private passesNow(p: Partition, h: number): boolean {
    return p.tree.leafOf[h] >= 0 && this.search.leafFits(h);
  }

  /** The hosts of p passing every filter now: a counting query, the anti-affinity members off. */
  private survivorsCount(p: Partition): number {
    const { search, groups } = this;
    let c = search.countFits(p.tree);
    const bits = search.excludeBits;
    if ((bits & EXCLUDED_MEMBER) !== 0) {
      search.excludeBits = 0;
      for (let i = 0; i < groups.markedCount(); i++) if (this.passesNow(p, groups.markedHost(i))) c--;
      search.excludeBits = bits;
    }
    return c;
  }

  /**
   * Instance k ≥ 1 without affinity members: the best host by InstanceHistory's order. The hosts
   * not chosen before keep their raw value, so among them the extreme value's leftmost host
   * leads, when that value's weight is isolated at the last instance that weighed; else a scan.
   * The chosen hosts are then compared one by one.
   */
  private bestLater(p: Partition, k: number): number {
    const { plan, search, history } = this;
    const tree = p.tree;
    search.clearTerms();
    let wIndex = -1;
    for (let j = 0; j < plan.weighers.length; j++) if (p.multipliers[j] !== 0) wIndex = j;
    let m = 0;
    // The normaliser's query on the winning side (max for m > 0), its value and leaf.
    let side = 0;
    let sideLeaf = -1;
    if (wIndex >= 0) {
      const w = plan.weighers[wIndex];
      const field = plan.weigherFields[wIndex];
      m = p.multipliers[wIndex];
      const lo = w.minval ?? search.extreme(tree, w, field, false);
      if (m < 0 && w.minval === undefined) {
        side = lo;
        sideLeaf = search.extremeLeaf;
      }
      const hi = w.maxval ?? search.extreme(tree, w, field, true);
      if (m > 0 && w.maxval === undefined) {
        side = hi;
        sideLeaf = search.extremeLeaf;
      }
      history.setNormaliser(k, lo !== hi, lo, hi - lo);
    } else history.setNormaliser(k, false, 0, 1);
    const bits = search.excludeBits;
    search.excludeBits = bits | EXCLUDED_CHOSEN;
    let best = -1;
    const last = history.lastOn(k);
    if (last < 0) {
      const leaf = search.best(tree, -1);
      best = leaf >= 0 ? tree.hosts[leaf] : -1;
    } else {
      const w = plan.weighers[wIndex];
      // The chosen hosts are skipped now: the normaliser's extreme stands unless it is one of them.
      const again = sideLeaf < 0 || (search.excluded[tree.hosts[sideLeaf]] & EXCLUDED_CHOSEN) !== 0;
      const x = again ? search.extreme(tree, w, plan.weigherFields[wIndex], m > 0) : side;
      const leaf = again ? search.extremeLeaf : sideLeaf;
      if (leaf >= 0 && history.isolatedAt(x, last)) best = tree.hosts[leaf];
      else if (leaf >= 0) {
        // Different values may tie: every host by its key.
        for (let i = 0; i < tree.size; i++) {
          const h = tree.hosts[i];
          if (search.leafFits(h) && (best < 0 || history.before(h, best, k))) best = h;
        }
      }
    }
    search.excludeBits = bits;
    for (let f = 0; f < k; f++) {
      const c = history.chosen[f];
      if (history.firstChosen(c, k) !== f || !this.passesNow(p, c)) continue;
      if (best < 0 || history.before(c, best, k)) best = c;
    }
    return best;
  }

  /**
   * NoValidHost at instance k ≥ 1: the filter that empties the previous instance's list, by the
   * filters' own code over its hosts. That list is the affinity survivors (few), or the last
   * chosen host alone, or (members just appeared) that host and others that pass everything but
   * ServerGroupAffinityFilter (nothing of theirs changed), stood for by one virtual host.
   */
  private laterEmptiedBy(spec: RequestSpec, k: number, prevMode: GroupMode, prevCount: number): string {
    const { plan, req } = this;
    req.group.refresh(spec.group);
    const list = this.prevMemberList;
    let len: number;
    let others = false;
    if (prevMode === GroupMode.Affinity) len = this.prevMemberCount;
    else {
      list[0] = this.history.chosen[k - 1];
      len = 1;
      others = prevCount > 1;
    }
    const filters = this.init.filters;
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i];
      if (f.runOncePerRequest) continue;
      if (!f.preFilter(req)) continue;
      len = keepPassing(f, list, len, req);
      if (i === plan.affinityAt) others = false;
      if (len === 0 && !others) return f.name;
    }
    throw new Error('indexed row: no filter emptied the list');
  }

  /** Nova's host for the request over partition p (the exclusion in scope), −1 for none, or DECLINE. */
  private bestHost(p: Partition): number {
    const { plan, search } = this;
    search.setConstraints(this.req.spec.flavor, plan.ram, plan.cpu, plan.disk, plan.gpu);
    search.clearTerms();
    if (this.rows) this.history.setNormaliser(0, false, 0, 1);
    let seed = -1;
    // The last term's leftmost passing host with its best value (max for m > 0, else min).
    let termLeaf = -1;
    let termValue = 0;
    for (let j = 0; j < plan.weighers.length; j++) {
      const m = p.multipliers[j];
      if (Number.isNaN(m)) return DECLINE;
      // A soft group weigher weighs 0 everywhere outside its group (bestSoft decides those).
      if (m === 0 || plan.softPolicies[j] !== undefined) continue;
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
      if (this.rows) this.history.setNormaliser(0, true, low, hi - low);
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
  private bestMember(p: Partition, k = 0): number {
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
    this.memberCount = survivors;
    if (this.rows) this.history.setNormaliser(k, false, 0, 1);
    if (survivors <= 1) return survivors === 1 ? list[0] : -1;
    for (let j = 0; j < plan.weighers.length; j++) {
      const m = p.multipliers[j];
      if (Number.isNaN(m)) return DECLINE;
      if (m === 0 || plan.softPolicies[j] !== undefined) continue;
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
      if (this.rows) this.history.setNormaliser(k, true, lo, hi - lo);
    }
    let best = -1;
    let bestWeight = 0;
    for (let i = 0; i < survivors; i++) {
      const h = list[i];
      if (this.rows) {
        if (best < 0 || this.history.before(h, best, k)) best = h;
        continue;
      }
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
    let io = Number.POSITIVE_INFINITY;
    let instances = Number.POSITIVE_INFINITY;
    for (let i = 0; i < plan.kinds.length; i++) {
      const kind = plan.kinds[i];
      if (kind === 'ioops') io = plan.ioOpsMax;
      else if (kind === 'instances') instances = plan.instancesMax;
      else if (kind === 'ram') ram = true;
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
      search.setCountLimits(io, instances);
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
    if (kind === 'image') {
      // ImagePropertiesFilter's own skip answer: no architecture (nor default), hv_type or vm_mode.
      const p = spec.imageProps;
      const arch = p?.hwArchitecture ?? this.init.options.image_properties_default_architecture;
      return arch !== undefined || p?.imgHvType !== undefined || p?.hwVmMode !== undefined;
    }
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
      this.lastImage = spec.imageProps?.key;
    }
    return p;
  }

  private sameStatics(spec: RequestSpec): boolean {
    return (
      spec.availabilityZone === this.lastAz &&
      spec.extraSpecs?.key === this.lastSpecs &&
      (!this.image || spec.imageProps?.key === this.lastImage) &&
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
        else if (kind === 'image') {
          // Length-prefixed: no extra-specs text can end where an image key seems to begin.
          const image = spec.imageProps?.key ?? '';
          key += `\u0001i${image.length}:${image}`;
        } else key += `\u0001e${spec.extraSpecs!.key}`;
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
