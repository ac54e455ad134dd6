// Server groups: a name's policy is fixed by its first use; members are counted per host.
import { describe, expect, it } from 'vitest';
import { GroupTable } from '../../src/cluster/groups.ts';

describe('GroupTable', () => {
  it('interns a group once, by name and by index, and refuses another policy', () => {
    const t = new GroupTable();
    const g = t.intern('web', 'anti-affinity');
    expect(t.intern('web', 'anti-affinity')).toBe(g);
    expect([t.get('web'), t.byIndex(g.id), t.size, t.get('db')]).toEqual([g, g, 1, undefined]);
    expect(() => t.intern('web', 'affinity')).toThrow('group "web" already has policy anti-affinity');
    expect(t.intern('db', 'affinity').id).toBe(1);
  });

  it('counts live members per host', () => {
    const t = new GroupTable();
    const g = t.intern('web', 'soft-affinity');
    t.addMember(g, 2);
    t.addMember(g, 2);
    t.addMember(g, 5);
    expect([g.liveMembers, g.membersOnHost.get(2), g.membersOnHost.get(5)]).toEqual([3, 2, 1]);
    t.removeMember(g, 2);
    t.removeMember(g, 5);
    expect([g.liveMembers, [...g.membersOnHost]]).toEqual([1, [[2, 1]]]);
  });
});

describe('a group without live members', () => {
  it('drops its members map and makes a fresh one for the next member', () => {
    const t = new GroupTable();
    const a = t.intern('a', 'affinity');
    const b = t.intern('b', 'anti-affinity');
    t.addMember(a, 3);
    const first = a.membersOnHost;
    t.addMember(a, 3);
    t.removeMember(a, 3);
    expect([a.liveMembers, [...a.membersOnHost]]).toEqual([1, [[3, 1]]]);
    expect(a.membersOnHost).toBe(first);
    t.removeMember(a, 3);
    expect([a.liveMembers, a.membersOnHost.size]).toEqual([0, 0]);
    // The emptied group shares the map of a group that never had members.
    expect(a.membersOnHost).toBe(b.membersOnHost);
    t.addMember(a, 7);
    expect([[...a.membersOnHost], b.membersOnHost.size]).toEqual([[[7, 1]], 0]);
    expect(a.membersOnHost).not.toBe(first);
  });
});
