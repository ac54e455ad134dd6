import type { GroupPolicy } from '../model/group-policy.ts';
import { IdIndex } from './id-index.ts';

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
  private readonly byId: ServerGroup[] = [];
  private readonly names: string[] = [];
  /**
   * Name -> group id. Every group is kept (its policy stays fixed), so on a long trace this holds
   * a million names: a hash table that compares a stored 32-bit hash before it touches a name
   * costs a row about one cache miss where a Map<string> costs several.
   */
  private readonly byName = new IdIndex(this.names);

  get(name: string): ServerGroup | undefined {
    const id = this.byName.get(name);
    return id < 0 ? undefined : this.byId[id];
  }

  byIndex(id: number): ServerGroup {
    return this.byId[id];
  }

  /** The group with this name, created with `policy` on first use. Throws on a policy mismatch. */
  intern(name: string, policy: GroupPolicy): ServerGroup {
    const g = this.get(name);
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
    this.byId.push(created);
    this.names.push(name);
    this.byName.add(name, created.id);
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
    g.changes++;
    // The last member gone (its map can only be {host: 1}, as claims and releases pair): the map is
    // garbage, and the group shares the empty one. Not read, nor emptied first (emptying a map
    // shrinks its table, a new allocation): most groups have one member at a time.
    if (--g.liveMembers === 0) {
      g.membersOnHost = NO_MEMBERS;
      return;
    }
    const members = g.membersOnHost as Map<number, number>;
    const c = (members.get(host) ?? 0) - 1;
    if (c > 0) members.set(host, c);
    else members.delete(host);
  }

  get size(): number {
    return this.byId.length;
  }
}
