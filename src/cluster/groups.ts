import type { GroupPolicy } from '../model/group-policy.ts';

export interface ServerGroup {
  readonly id: number;
  readonly name: string;
  readonly policy: GroupPolicy;
  /**
   * Live members per host number. A group without live members shares one empty map (tens of
   * thousands of groups come and go in a long trace), so read it, never keep it.
   */
  membersOnHost: ReadonlyMap<number, number>;
  liveMembers: number;
  /** Bumped by every member added or removed (caches of the members compare it). */
  changes: number;
}

/** The members of every group that has none: GroupTable never writes to it. */
const NO_MEMBERS: ReadonlyMap<number, number> = new Map();

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
      membersOnHost: NO_MEMBERS,
      liveMembers: 0,
      changes: 0,
    };
    this.byName.set(name, created);
    this.byId.push(created);
    return created;
  }

  addMember(g: ServerGroup, host: number): void {
    let members = g.membersOnHost as Map<number, number>;
    if (members === NO_MEMBERS) {
      members = new Map();
      g.membersOnHost = members;
    }
    members.set(host, (members.get(host) ?? 0) + 1);
    g.liveMembers++;
    g.changes++;
  }

  removeMember(g: ServerGroup, host: number): void {
    const members = g.membersOnHost as Map<number, number>;
    g.changes++;
    // The last member gone: the group's map is garbage, and the group shares the empty one (no
    // delete first: emptying a map shrinks its table, a new allocation).
    if (--g.liveMembers === 0 && members.size === 1 && members.get(host) === 1) {
      g.membersOnHost = NO_MEMBERS;
      return;
    }
    const c = (members.get(host) ?? 0) - 1;
    if (c > 0) members.set(host, c);
    else members.delete(host);
    if (g.liveMembers === 0 && members.size === 0) g.membersOnHost = NO_MEMBERS;
  }

  get size(): number {
    return this.byId.length;
  }
}
