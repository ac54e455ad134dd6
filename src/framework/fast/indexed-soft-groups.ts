import type { ServerGroup } from '../../cluster/groups.ts';
import type { Flavor } from '../../model/flavor.ts';
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
 * weigher's raw value is the group's live members on the host, n (0 - n for anti-affinity), and 0
 * on every other host. WeightHandler's normaliser over the survivors: the surviving member with the
 * most members gives one end, 0 the other when a non-member survives (else the reference's own
 * loop over the surviving members, weighed one by one). Then one tree search over all hosts, the
 * term read per host at the leaves (`constRaws`) and bounded in every subtree by its largest raw
 * value among survivors (n max for affinity, 0 for anti-affinity): Nova's first host of highest
 * weight. The member list, its marks and the per-host raw values are kept while the group is
 * unchanged (ServerGroup.changes). Allocation-free after construction.
 */
export class SoftGroupSearch {
  /** The member hosts of `cached`, most members first; marked EXCLUDED_SOFT until the group changes. */
  private readonly members: Int32Array;
  private readonly memberCounts: Int32Array;
  private memberCount = 0;
  private readonly raws: Float64Array;
  private cached: ServerGroup | undefined = undefined;
  private cachedChanges = -1;
  private readonly survivors: Int32Array;
  private survivorCount = 0;
  // Counting sort of the members by count (load).
  private readonly byCount: Int32Array;
  private loading = 0;
  private sorted = true;
  private readonly visit = (c: number, h: number) => this.collect(c, h);

  constructor(
    hostCount: number,
    private readonly plan: IndexedPlan,
    private readonly search: IndexedSearch,
  ) {
    this.members = new Int32Array(hostCount);
    this.memberCounts = new Int32Array(hostCount);
    this.survivors = new Int32Array(hostCount);
    this.raws = new Float64Array(hostCount);
    this.byCount = new Int32Array(hostCount);
  }

  /** Is `group` soft with its weigher active (then `best` decides the request)? */
  applies(group: ServerGroup | undefined): boolean {
    if (group === undefined) return false;
    if (group.policy !== 'soft-affinity' && group.policy !== 'soft-anti-affinity') return false;
    return this.plan.softPolicies.includes(group.policy);
  }

  /** Mark and list `group`'s member hosts, unless they are the ones marked already. */
  private load(group: ServerGroup): void {
    if (group === this.cached && group.changes === this.cachedChanges) return;
    this.unload();
    const sign = group.policy === 'soft-affinity' ? 1 : -1;
    // Collect in map order, then sort by count, most first (counts are small integers).
    this.loading = 0;
    group.membersOnHost.forEach(this.visit);
    const k = this.loading;
    let top = 0;
    for (let i = 0; i < k; i++) if (this.memberCounts[i] > top) top = this.memberCounts[i];
    // More members on a host than there are hosts: left in map order (best() then scans them all).
    this.sorted = top + 2 <= this.byCount.length;
    if (!this.sorted) top = 0;
    const counts = this.byCount;
    counts.fill(0, 0, top + 2);
    for (let i = 0; i < k; i++) counts[top - Math.min(top, this.memberCounts[i])]++;
    for (let c = 0, at = 0; c <= top; c++) {
      const n = counts[c];
      counts[c] = at;
      at += n;
    }
    const ex = this.search.excluded;
    for (let i = 0; i < k; i++) {
      const h = this.survivors[i];
      const c = this.memberCounts[i];
      this.members[counts[top - Math.min(top, c)]++] = h;
      ex[h] |= EXCLUDED_SOFT;
      // The weighers' raw value: n, or 0 - n for anti-affinity (never −0).
      this.raws[h] = sign > 0 ? c : 0 - c;
    }
    this.memberCount = k;
    this.cached = group;
    this.cachedChanges = group.changes;
  }

  /** forEach's callback: members in map order into scratch (survivors, memberCounts). */
  private collect(c: number, h: number): void {
    if (c <= 0) return;
    this.survivors[this.loading] = h;
    this.memberCounts[this.loading++] = c;
  }

  /** Drop the marks and raw values (no query skips EXCLUDED_SOFT hosts but this one's). */
  unload(): void {
    const ex = this.search.excluded;
    for (let i = 0; i < this.memberCount; i++) {
      const h = this.members[i];
      ex[h] &= ~EXCLUDED_SOFT;
      this.raws[h] = 0;
    }
    this.memberCount = 0;
    this.cached = undefined;
    this.cachedChanges = -1;
  }

  /**
   * Nova's host over partition p for a request of `flavor` whose group `applies` (the count
   * limits set), −1 for none, or SOFT_DECLINE.
   */
  best(p: Partition, group: ServerGroup, flavor: Flavor): number {
    const { plan, search } = this;
    const tree = p.tree;
    search.setConstraints(flavor, plan.ram, plan.cpu, plan.disk, plan.gpu);
    search.clearTerms();
    const base = search.excludeBits;
    this.load(group);
    search.constRaws = this.raws;
    try {
      search.excludeBits = base | EXCLUDED_SOFT;
      const others = search.anyFits(tree);
      search.excludeBits = base;
      const affinity = group.policy === 'soft-affinity';
      // Affinity weighs every surviving member; anti-affinity needs only the largest member count
      // among survivors (the first surviving member in count order) when a non-member survives.
      const all = affinity || !others || !this.sorted;
      let most = 0;
      this.survivorCount = 0;
      for (let i = 0; i < this.memberCount; i++) {
        const h = this.members[i];
        if (tree.leafOf[h] < 0 || !search.leafFits(h)) continue;
        const x = Math.abs(this.raws[h]);
        if (x > most) most = x;
        this.survivors[this.survivorCount++] = h;
        if (!all) break;
      }
      if (!others && this.survivorCount === 0) return -1;
      for (let j = 0; j < plan.weighers.length; j++) {
        const m = p.multipliers[j];
        if (Number.isNaN(m)) return SOFT_DECLINE;
        if (m === 0) continue;
        const w = plan.weighers[j];
        const policy = plan.softPolicies[j];
        if (policy === undefined) {
          const field = plan.weigherFields[j];
          const lo = w.minval ?? search.extreme(tree, w, field, false);
          const hi = w.maxval ?? search.extreme(tree, w, field, true);
          if (lo === hi) continue;
          if (!(hi > lo)) return SOFT_DECLINE;
          search.addTerm(w, tree, field, m, lo, hi - lo);
          continue;
        }
        // Another policy's weigher: raw 0 on every host, a zero term.
        if (policy !== group.policy) continue;
        if (w.minval !== undefined || w.maxval !== undefined || !(m > 0)) return SOFT_DECLINE;
        let lo: number;
        let hi: number;
        if (others) {
          lo = affinity ? 0 : 0 - most;
          hi = affinity ? most : 0;
        } else {
          lo = Number.POSITIVE_INFINITY;
          hi = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < this.survivorCount; i++) {
            const x = this.raws[this.survivors[i]];
            if (x < lo) lo = x;
            if (x > hi) hi = x;
          }
        }
        if (lo === hi) continue;
        // m > 0, so the term is largest at the largest raw value: `hi` over all hosts (anti-affinity,
        // members in the search), 0 over the non-members (affinity, members weighed here).
        search.addConstTerm(w, m, lo, hi - lo, affinity ? 0 : hi);
      }
      if (others && !affinity) {
        const leaf = search.best(tree, -1);
        return leaf >= 0 ? tree.hosts[leaf] : -1;
      }
      // The surviving members weighed one by one (the leftmost best), then, if any non-member
      // survives, the best one seeds the search over the non-members.
      let best = -1;
      let bestWeight = 0;
      for (let i = 0; i < this.survivorCount; i++) {
        const h = this.survivors[i];
        // Its keys' weight bounds its own: a member that cannot win is not weighed.
        const bound = search.leafKeyWeight(tree, h);
        if (best >= 0 && (bound < bestWeight || (bound === bestWeight && h > best))) continue;
        const wt = search.leafWeight(h);
        if (best < 0 || wt > bestWeight || (wt === bestWeight && h < best)) {
          best = h;
          bestWeight = wt;
        }
      }
      if (!others) return best;
      search.excludeBits = base | EXCLUDED_SOFT;
      const leaf = search.best(tree, best >= 0 ? tree.leafOf[best] : -1, best >= 0 ? bestWeight : Number.NaN);
      return leaf >= 0 ? tree.hosts[leaf] : -1;
    } finally {
      search.excludeBits = base;
    }
  }
}
