import type { GroupPolicy } from '../model/group-policy.ts';

export interface ServerGroup {
  readonly id: number;
  readonly name: string;
  readonly policy: GroupPolicy;
  /** Live members per host number. */
  readonly membersOnHost: Map<number, number>;
  liveMembers: number;
  /** Bumped by every member added or removed (caches of the members compare it). */
  changes: number;
}

/** Server groups by name; a group's policy is fixed by its first use. */
export class GroupTable {
  private readonly byName = new Map<string, ServerGroup>();
  private readonly byId: ServerGroup[] = [];

  get(name: string): ServerGroup | undefined {
    return this.byName.get(name);
  }

  byIndex(id: number): ServerGroup {
    return this.byId[id];
  }

  /** The group with this name, created with `policy` on first use. Throws on a policy mismatch. */
  intern(name: string, policy: GroupPolicy): ServerGroup {
    const g = this.byName.get(name);
    if (g) {
      if (g.policy !== policy)
        throw new Error(`group "${name}" already has policy ${g.policy}, not ${policy}`);
      return g;
    }
    const created: ServerGroup = {
      id: this.byId.length,
      name,
      policy,
      membersOnHost: new Map(),
      liveMembers: 0,
      changes: 0,
    };
    this.byName.set(name, created);
    this.byId.push(created);
    return created;
  }

  addMember(g: ServerGroup, host: number): void {
    g.membersOnHost.set(host, (g.membersOnHost.get(host) ?? 0) + 1);
    g.liveMembers++;
    g.changes++;
  }

  removeMember(g: ServerGroup, host: number): void {
    const c = (g.membersOnHost.get(host) ?? 0) - 1;
    if (c > 0) g.membersOnHost.set(host, c);
    else g.membersOnHost.delete(host);
    g.liveMembers--;
    g.changes++;
  }

  get size(): number {
    return this.byId.length;
  }
}
