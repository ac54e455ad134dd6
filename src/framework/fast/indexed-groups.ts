import type { ServerGroup } from '../../cluster/groups.ts';
import type { HostIndex } from '../../cluster/host-index.ts';
import type { IndexedPlan } from './indexed-plan.ts';
import { EXCLUDED_MEMBER, type IndexedSearch } from './indexed-search.ts';

/** How the request's server group acts on the hard group filters configured. */
export const GroupMode = {
  /** No group, a soft policy, or its filter not configured: the filters skip it. */
  None: 0,
  /** ServerGroupAntiAffinityFilter in force: hosts holding a live member are out. */
  Anti: 1,
  /** ServerGroupAffinityFilter in force (live members): only hosts holding one pass. */
  Affinity: 2,
} as const;
export type GroupMode = (typeof GroupMode)[keyof typeof GroupMode];

/**
 * One request's server group as the index sees it: the filters' own preFilter rules
 * (server-group-*.ts), the anti-affinity exclusion marked in the search's `excluded` mask, and the
 * affinity member hosts listed ascending (cluster order). Allocation-free after construction.
 */
export class GroupScope {
  mode: GroupMode = GroupMode.None;
  /** Affinity: the hosts holding a live member, ascending; `memberCount` of them. */
  readonly members: Int32Array;
  memberCount = 0;
  private marked = 0;
  private readonly markedHosts: Int32Array;

  constructor(
    hostCount: number,
    private readonly plan: IndexedPlan,
    private readonly search: IndexedSearch,
  ) {
    this.members = new Int32Array(hostCount);
    this.markedHosts = new Int32Array(hostCount);
  }

  /** Set up for `group` (undefined: none); `clear()` after the decision. */
  begin(group: ServerGroup | undefined): void {
    this.mode = GroupMode.None;
    this.memberCount = 0;
    if (group === undefined) return;
    if (group.policy === 'anti-affinity' && this.plan.antiAt >= 0) {
      this.mode = GroupMode.Anti;
      const ex = this.search.excluded;
      // The filter's rule: count(h) < 1 passes; the map holds counts >= 1 only.
      for (const [h, c] of group.membersOnHost) {
        if (c < 1 || (ex[h] & EXCLUDED_MEMBER) !== 0) continue;
        ex[h] |= EXCLUDED_MEMBER;
        this.markedHosts[this.marked++] = h;
      }
    } else if (group.policy === 'affinity' && this.plan.affinityAt >= 0 && group.liveMembers > 0) {
      this.mode = GroupMode.Affinity;
      const m = this.members;
      let k = 0;
      for (const [h, c] of group.membersOnHost) {
        if (c <= 0) continue;
        // Insertion into the ascending list (a group's hosts are few).
        let i = k++;
        while (i > 0 && m[i - 1] > h) {
          m[i] = m[i - 1];
          i--;
        }
        m[i] = h;
      }
      this.memberCount = k;
    }
  }

  /** Turn the anti-affinity exclusion on for a query over the first `upto` filters (or off). */
  scope(upto: number): void {
    const on = this.mode === GroupMode.Anti && this.plan.antiAt < upto;
    this.search.excludeBits = on ? EXCLUDED_MEMBER : 0;
  }

  /** The anti-affinity members' hosts marked (for the survivors count to take off). */
  markedCount(): number {
    return this.marked;
  }

  markedHost(i: number): number {
    return this.markedHosts[i];
  }

  /** Is the affinity restriction in force among the first `upto` filters? */
  affinityIn(upto: number): boolean {
    return this.mode === GroupMode.Affinity && this.plan.affinityAt < upto;
  }

  /** Is some member host of `tree` passing the resource filters? */
  anyMemberFits(tree: HostIndex): boolean {
    for (let i = 0; i < this.memberCount; i++) {
      const h = this.members[i];
      if (tree.leafOf[h] >= 0 && this.search.leafFits(h)) return true;
    }
    return false;
  }

  clear(): void {
    const ex = this.search.excluded;
    for (let i = 0; i < this.marked; i++) ex[this.markedHosts[i]] &= ~EXCLUDED_MEMBER;
    this.marked = 0;
    this.search.excludeBits = 0;
    this.mode = GroupMode.None;
  }
}
