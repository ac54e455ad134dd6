import type { ServerGroup } from '../../cluster/groups.ts';
import type { RequestSpec } from '../../scheduler/request-spec.ts';
import type { Partition } from './indexed-partitions.ts';
import type { IndexedPlan } from './indexed-plan.ts';
import type { IndexedSearch } from './indexed-search.ts';

/** A soft group's member host (IndexedSearch.excluded): the tree queries over non-members skip it. */
export const EXCLUDED_SOFT = 4;

/** SoftGroupSearch.best's answer when the index cannot decide exactly. */
export const SOFT_DECLINE = -2;

/**
 * Does the index leave this request to the reference? Host hints and capabilities specs (their
 * filters in force), and multi-instance rows under a soft server-group weigher (the members change
 * from instance to instance).
 */
export function outOfIndex(plan: IndexedPlan, spec: RequestSpec): boolean {
  if (plan.hints && ((spec.sameHost?.length ?? 0) > 0 || (spec.differentHost?.length ?? 0) > 0)) return true;
  if (plan.caps && spec.extraSpecs !== undefined && spec.extraSpecs.entries.length > 0) return true;
  return plan.anySoft && spec.instanceIds.length > 1;
}

/**
 * A request in a soft-affinity or soft-anti-affinity group under the weigher of that policy. The
 * weigher's raw value is the group's live members on the host (negated for anti-affinity), so
 * every host without a member has raw value 0: the tree queries run over the non-members (member
 * hosts excluded) with that term constant, and the member hosts are weighed explicitly. The
 * normalisers follow WeightHandler over all survivors: the soft term's min and max combine the
 * surviving members' values with 0 when a non-member survives; every other term's are tree
 * extremes over all survivors, members included. Nova's winner is the first host of highest weight
 * in cluster order: the leftmost best non-member, or a member above it (or equal and left of it).
 * Allocation-free after construction.
 */
export class SoftGroupSearch {
  /** The member hosts of `cached` (its `changes` then), marked EXCLUDED_SOFT until the group changes. */
  private readonly members: Int32Array;
  private readonly memberRaw: Float64Array;
  private memberCount = 0;
  private cached: ServerGroup | undefined = undefined;
  private cachedChanges = -1;
  private readonly survivors: Int32Array;
  /** Each surviving member host's raw value under the group's weigher. */
  private readonly survivorRaw: Float64Array;
  private survivorCount = 0;
  private sign = 1;
  /** Map.forEach's callback, made once (no entry arrays, no closure per decision). */
  private readonly visit = (c: number, h: number) => this.member(c, h);

  constructor(
    hostCount: number,
    private readonly plan: IndexedPlan,
    private readonly search: IndexedSearch,
  ) {
    this.members = new Int32Array(hostCount);
    this.survivors = new Int32Array(hostCount);
    this.survivorRaw = new Float64Array(hostCount);
    this.memberRaw = new Float64Array(hostCount);
  }

  /** Mark and list `group`'s member hosts, unless they are the ones marked already. */
  private load(group: ServerGroup): void {
    if (group === this.cached && group.changes === this.cachedChanges) return;
    this.unload();
    this.sign = group.policy === 'soft-affinity' ? 1 : -1;
    group.membersOnHost.forEach(this.visit);
    this.cached = group;
    this.cachedChanges = group.changes;
  }

  private member(c: number, h: number): void {
    const ex = this.search.excluded;
    if (c <= 0 || (ex[h] & EXCLUDED_SOFT) !== 0) return;
    ex[h] |= EXCLUDED_SOFT;
    // The weighers' raw value: n, or 0 - n for anti-affinity (never −0).
    this.memberRaw[this.memberCount] = this.sign > 0 ? c : 0 - c;
    this.members[this.memberCount++] = h;
  }

  /** Drop the marks (no query skips EXCLUDED_SOFT hosts but this one's, so they may stay till then). */
  unload(): void {
    const ex = this.search.excluded;
    for (let i = 0; i < this.memberCount; i++) ex[this.members[i]] &= ~EXCLUDED_SOFT;
    this.memberCount = 0;
    this.cached = undefined;
    this.cachedChanges = -1;
  }

  /** Is `group` soft with its weigher active (then `best` decides the request)? */
  applies(group: ServerGroup | undefined): boolean {
    if (group === undefined) return false;
    if (group.policy !== 'soft-affinity' && group.policy !== 'soft-anti-affinity') return false;
    return this.plan.softPolicies.includes(group.policy);
  }

  /**
   * Nova's host over partition p for a request whose group `applies` (the resource and count
   * constraints set), −1 for none, or SOFT_DECLINE.
   */
  best(p: Partition, group: ServerGroup): number {
    const { plan, search } = this;
    const tree = p.tree;
    search.clearTerms();
    const base = search.excludeBits;
    this.load(group);
    this.survivorCount = 0;
    for (let i = 0; i < this.memberCount; i++) {
      const h = this.members[i];
      if (tree.leafOf[h] < 0 || !search.leafFits(h)) continue;
      this.survivorRaw[this.survivorCount] = this.memberRaw[i];
      this.survivors[this.survivorCount++] = h;
    }
    try {
      search.excludeBits = base | EXCLUDED_SOFT;
      const others = search.anyFits(tree);
      if (!others && this.survivorCount === 0) return -1;
      for (let j = 0; j < plan.weighers.length; j++) {
        const m = p.multipliers[j];
        if (Number.isNaN(m)) return SOFT_DECLINE;
        if (m === 0) continue;
        const w = plan.weighers[j];
        const policy = plan.softPolicies[j];
        let lo: number;
        let hi: number;
        if (policy !== undefined) {
          // Another policy's weigher: raw 0 on every host, a zero term.
          if (policy !== group.policy) continue;
          if (w.minval !== undefined || w.maxval !== undefined) return SOFT_DECLINE;
          lo = others ? 0 : Number.POSITIVE_INFINITY;
          hi = others ? 0 : Number.NEGATIVE_INFINITY;
          for (let i = 0; i < this.survivorCount; i++) {
            const x = this.survivorRaw[i];
            if (x < lo) lo = x;
            if (x > hi) hi = x;
          }
        } else {
          // Over every survivor, members included.
          search.excludeBits = base;
          const field = plan.weigherFields[j];
          lo = w.minval ?? search.extreme(tree, w, field, false);
          hi = w.maxval ?? search.extreme(tree, w, field, true);
          search.excludeBits = base | EXCLUDED_SOFT;
        }
        if (lo === hi) continue;
        if (!(hi > lo)) return SOFT_DECLINE;
        if (policy !== undefined) search.addConstTerm(w, m, lo, hi - lo);
        else search.addTerm(w, tree, plan.weigherFields[j], m, lo, hi - lo);
      }
      // The best member first (the leftmost of equal weights), then it seeds the search of the others.
      let best = -1;
      let bestWeight = 0;
      for (let i = 0; i < this.survivorCount; i++) {
        const h = this.survivors[i];
        search.constRaw = this.survivorRaw[i];
        const wt = search.leafWeight(h);
        if (best < 0 || wt > bestWeight || (wt === bestWeight && h < best)) {
          best = h;
          bestWeight = wt;
        }
      }
      search.constRaw = 0;
      if (!others) return best;
      const leaf = search.best(tree, best >= 0 ? tree.leafOf[best] : -1, best >= 0 ? bestWeight : Number.NaN);
      return leaf >= 0 ? tree.hosts[leaf] : -1;
    } finally {
      search.constRaw = 0;
      search.excludeBits = base;
    }
  }
}
