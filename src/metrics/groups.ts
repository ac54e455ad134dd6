import type { GroupPolicy } from '../model/group-policy.ts';
import type { RequestSpec } from '../scheduler/request-spec.ts';

/** Placements of one policy's instances, and how many broke (hard) or honoured (soft) it. */
export interface PolicyOutcome {
  /** Placed instances of groups with this policy. */
  placements: number;
  /** Hard policies: placements that broke the policy. Soft policies: placements that honoured it. */
  count: number;
}

/**
 * Server-group policy outcomes, judged for each placed instance against its group's other live
 * members at the moment it was placed, instances of one request taken in instance order:
 * - affinity: a violation when the group had a live member and none on the chosen host;
 * - anti-affinity: a violation when the chosen host held a live member;
 * - soft-affinity: honoured when the group had no live member or the chosen host held one;
 * - soft-anti-affinity: honoured when the chosen host held no live member.
 */
export class GroupOutcomes {
  readonly affinity: PolicyOutcome = { placements: 0, count: 0 };
  readonly antiAffinity: PolicyOutcome = { placements: 0, count: 0 };
  readonly softAffinity: PolicyOutcome = { placements: 0, count: 0 };
  readonly softAntiAffinity: PolicyOutcome = { placements: 0, count: 0 };
  private hosts: number[] = [];

  /**
   * Called for each instance's final outcome, in instance order, after the whole request was
   * scheduled (the group's membership then includes this request's placed instances).
   */
  scheduled(spec: RequestSpec, index: number, host: number): void {
    const g = spec.group;
    if (!g) return;
    if (spec.instanceIds.length === 1) {
      // The loop below for one instance, without its maps: the group holds it already.
      if (host >= 0) this.judge(g.policy, (g.membersOnHost.get(host) ?? 0) - 1, g.liveMembers - 1);
      return;
    }
    if (index === 0) this.hosts.length = 0;
    this.hosts.push(host);
    if (index < spec.instanceIds.length - 1) return;
    // Membership before the request: what the group holds now, minus this request's placements.
    const hosts = this.hosts;
    const placedOn = new Map<number, number>();
    for (const h of hosts) if (h >= 0) placedOn.set(h, (placedOn.get(h) ?? 0) + 1);
    let placed = 0;
    for (const c of placedOn.values()) placed += c;
    const seenOn = new Map<number, number>();
    let seen = 0;
    for (const h of hosts) {
      if (h < 0) continue;
      const earlier = seenOn.get(h) ?? 0;
      const onHost = (g.membersOnHost.get(h) ?? 0) - placedOn.get(h)! + earlier;
      const others = g.liveMembers - placed + seen;
      seenOn.set(h, earlier + 1);
      seen++;
      this.judge(g.policy, onHost, others);
    }
  }

  /** One placement under `policy`, with `onHost` other members on its host and `others` in all. */
  private judge(policy: GroupPolicy, onHost: number, others: number): void {
    switch (policy) {
      case 'affinity':
        this.affinity.placements++;
        if (others > 0 && onHost === 0) this.affinity.count++;
        break;
      case 'anti-affinity':
        this.antiAffinity.placements++;
        if (onHost > 0) this.antiAffinity.count++;
        break;
      case 'soft-affinity':
        this.softAffinity.placements++;
        if (others === 0 || onHost > 0) this.softAffinity.count++;
        break;
      case 'soft-anti-affinity':
        this.softAntiAffinity.placements++;
        if (onHost === 0) this.softAntiAffinity.count++;
        break;
    }
  }
}
