import type { ServerGroup } from '../cluster/groups.ts';

/**
 * A dense per-host view of one server group's live members, refreshed per instance from the group's
 * sparse map, so filters and weighers read a count by host number without a map lookup.
 */
export class GroupView {
  /** The request's group, or undefined. */
  group: ServerGroup | undefined = undefined;
  private readonly counts: Int32Array;
  private filled: number[] = [];

  constructor(hostCount: number) {
    this.counts = new Int32Array(hostCount);
  }

  /** Live members of the group on host `h` (0 without a group). */
  count(h: number): number {
    return this.counts[h];
  }

  /** The counts by host number (read-only: what `count` reads, for loops that inline it). */
  get countsByHost(): Int32Array {
    return this.counts;
  }

  /** Live members in all (Nova's `instance_group.hosts` is empty when this is 0). */
  get liveMembers(): number {
    return this.group ? this.group.liveMembers : 0;
  }

  refresh(group: ServerGroup | undefined): void {
    for (const h of this.filled) this.counts[h] = 0;
    this.filled.length = 0;
    this.group = group;
    if (!group) return;
    for (const [h, c] of group.membersOnHost) {
      this.counts[h] = c;
      this.filled.push(h);
    }
  }
}
