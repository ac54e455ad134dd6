// ServerGroupAffinityFilter / ServerGroupAntiAffinityFilter (nova/scheduler/filters/affinity_filter.py):
//   affinity: policy not 'affinity' -> pass; group.hosts (hosts of live members, plus the hosts
//             chosen for earlier instances of this request) empty -> pass; else host in them.
//   anti-affinity: policy not 'anti-affinity' -> pass; the host already lists the instance -> pass;
//                  members on the host < max_server_per_host (1).
// Membership is the group's live instances: deletes and departures free the host.
import { describe, expect, it } from 'vitest';
import { cluster, simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';
import { bench, group, passing, place, request } from './support.ts';

const AFF = 'ServerGroupAffinityFilter';
const ANTI = 'ServerGroupAntiAffinityFilter';

describe('ServerGroupAntiAffinityFilter', () => {
  it('drops the hosts holding a live member; other policies and no group pass everything', () => {
    const b = bench(simpleCluster([{}, {}, {}]));
    const g = group(b, 'g', 'anti-affinity');
    place(b, 'h1', 'm1', {}, g);
    expect(passing(b, ANTI, request(b, { group: g }))).toEqual(['h2', 'h3']);
    expect(passing(b, ANTI, request(b))).toEqual(['h1', 'h2', 'h3']);
    const soft = group(b, 's', 'soft-anti-affinity');
    place(b, 'h2', 's1', {}, soft);
    expect(passing(b, ANTI, request(b, { group: soft }))).toEqual(['h1', 'h2', 'h3']);
    const aff = group(b, 'a', 'affinity');
    place(b, 'h3', 'a1', {}, aff);
    expect(passing(b, ANTI, request(b, { group: aff }))).toEqual(['h1', 'h2', 'h3']);
  });

  it('passes the host already holding the instance, whatever the members on it', () => {
    // Nova: `spec_obj.instance_uuid in host_state.instances` returns True before counting members.
    const b = bench(simpleCluster([{}, {}, {}]));
    const g = group(b, 'g', 'anti-affinity');
    place(b, 'h1', 'm-0', {}, g);
    place(b, 'h2', 'm-1', {}, g);
    const req = request(b, { id: 'm-1', group: g, instanceHost: 'h2' });
    expect(passing(b, ANTI, req)).toEqual(['h2', 'h3']);
  });

  it('end to end: one member per host; a delete frees its host', async () => {
    // Three equal hosts: RAM ties go to cluster order among the allowed hosts.
    const { log } = await replayLines(simpleCluster([{}, {}, {}]), [
      'time,event,id,vcpus,memory_mb,group,group_policy',
      '0,create,a,1,1024,g,anti-affinity', // h1
      '1,create,b,1,1024,g,', //              h1 excluded; h2, h3 tie at 8192 -> h2
      '2,create,c,1,1024,g,', //              h3
      '3,create,d,1,1024,g,', //              every host holds a member -> NoValidHost
      '4,delete,b,,,,', //                    h2 holds no live member now
      '5,create,e,1,1024,g,', //              h2
    ]);
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h2', c: 'h3', d: '', e: 'h2' });
  });

  it('end to end: a departure (duration) frees the host', async () => {
    // a leaves at 0 + 5 = 5. At t=10 every host is empty again: h1 by cluster order.
    // Had a stayed, b would have gone to h2.
    const { log } = await replayLines(simpleCluster([{}, {}]), [
      'time,id,vcpus,memory_mb,duration,group,group_policy',
      '0,a,1,1024,5,g,anti-affinity',
      '10,b,1,1024,,g,',
    ]);
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h1' });
  });

  it('applies to every instance of a multi-instance request, even when stacking', async () => {
    // ram_weight_multiplier -1 prefers the fullest host, yet each instance joins the group before
    // the next is scheduled, so a-1 cannot go to h1 and a-2 to neither h1 nor h2.
    const { log } = await replayLines(
      simpleCluster([{}, {}, {}]),
      ['time,id,vcpus,memory_mb,count,group,group_policy', '0,a,1,1024,3,g,anti-affinity'],
      { options: { ram_weight_multiplier: -1 } },
    );
    expect(log.hosts()).toEqual({ 'a-0': 'h1', 'a-1': 'h2', 'a-2': 'h3' });
  });
});

describe('ServerGroupAffinityFilter', () => {
  it('passes every host while the group has no live member, then only members hosts', () => {
    const b = bench(simpleCluster([{}, {}, {}]));
    const g = group(b, 'g', 'affinity');
    expect(passing(b, AFF, request(b, { group: g }))).toEqual(['h1', 'h2', 'h3']);
    place(b, 'h2', 'm1', {}, g);
    expect(passing(b, AFF, request(b, { group: g }))).toEqual(['h2']);
    place(b, 'h3', 'm2', {}, g); // members on two hosts (placed around the scheduler)
    expect(passing(b, AFF, request(b, { group: g }))).toEqual(['h2', 'h3']);
    // Not an affinity group: nothing to check.
    const soft = group(b, 's', 'soft-affinity');
    place(b, 'h1', 's1', {}, soft);
    expect(passing(b, AFF, request(b, { group: soft }))).toEqual(['h1', 'h2', 'h3']);
  });

  it('end to end: members follow the first; a full affinity host is NoValidHost; deletes free the group', async () => {
    // h1 4096 MB in zone z1; h2 8192; h3 6144 (ratio 1, nothing reserved).
    const spec = cluster({
      allocation_ratios: { cpu: 16, ram: 1, disk: 1 },
      reserved: { memory_mb: 0, disk_gb: 0 },
      hosts: [
        { name: 'h1', vcpus: 8, memory_mb: 4096, disk_gb: 100, az: 'z1' },
        { name: 'h2', vcpus: 8, memory_mb: 8192, disk_gb: 100 },
        { name: 'h3', vcpus: 8, memory_mb: 6144, disk_gb: 100 },
      ],
    });
    const { log } = await replayLines(spec, [
      'time,event,id,vcpus,memory_mb,az,group,group_policy',
      '0,create,a,1,3072,,g,affinity', // no member yet: most free RAM -> h2 (8192 - 3072 = 5120 left)
      '1,create,b,1,1024,,g,', //         h3 has more free RAM (6144 > 5120) but b must join a: h2
      '2,create,c,1,1024,z1,g,', //       only h1 is in z1, and h1 holds no member -> NoValidHost
      '3,create,x,1,4097,,g,', //         h2 has 5120 - 1024 = 4096 < 4097 -> NoValidHost (h3 had room)
      '4,delete,a,,,,,', //
      '5,delete,b,,,,,', //               the group has no live member now
      '6,create,d,1,1024,z1,g,', //       any host again: h1 (the only one in z1)
      '7,create,e,1,1024,,g,', //         must join d: h1, although h2 (8192) and h3 (6144) have more
    ]);
    expect(log.hosts()).toEqual({ a: 'h2', b: 'h2', c: '', x: '', d: 'h1', e: 'h1' });
  });

  it('keeps the instances of one request together', async () => {
    // a-0: h1 and h2 tie (8192) -> h1. a-1: h2 has more free RAM (8192 > 7168) but a-0 is on h1.
    const { log } = await replayLines(simpleCluster([{}, {}]), [
      'time,id,vcpus,memory_mb,count,group,group_policy',
      '0,a,1,1024,3,g,affinity',
    ]);
    expect(log.hosts()).toEqual({ 'a-0': 'h1', 'a-1': 'h1', 'a-2': 'h1' });
  });

  it('an instance in ERROR is not a member', async () => {
    // a asks for more RAM than any host has -> ERROR; b is then free to go anywhere: h2.
    const spec = simpleCluster([{ memory_mb: 4096 }, { memory_mb: 8192 }]);
    const { log } = await replayLines(spec, [
      'time,id,vcpus,memory_mb,group,group_policy',
      '0,a,1,9000,g,affinity',
      '1,b,1,1024,g,',
    ]);
    expect(log.hosts()).toEqual({ a: '', b: 'h2' });
  });
});

describe('group_policy_check (the conductor’s _get_group_details UnsupportedPolicyException)', () => {
  // Two equal 8192 MB hosts; a and b are in one group, 1024 MB each.
  const lines = (policy: string) => [
    'time,id,vcpus,memory_mb,group,group_policy',
    `0,a,1,1024,g,${policy}`,
    '1,b,1,1024,g,',
  ];

  it('off (the default): an affinity group without its filter is scheduled, the policy unapplied', async () => {
    // a: tie -> h1 (7168 left). b: RAM alone -> h2 (8192), not next to a.
    const { log } = await replayLines(simpleCluster([{}, {}]), lines('affinity'), {
      options: { filters: ['RamFilter'] },
    });
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h2' });
  });

  it('on: an affinity group without ServerGroupAffinityFilter is an ERROR', async () => {
    const { log } = await replayLines(simpleCluster([{}, {}]), lines('affinity'), {
      options: { filters: ['RamFilter'], group_policy_check: true },
    });
    expect(log.hosts()).toEqual({ a: '', b: '' });
    expect(log.outcomes[0].reason).toContain('ServerGroupAffinityFilter');
  });

  it('on: an anti-affinity group without ServerGroupAntiAffinityFilter is an ERROR', async () => {
    const { log } = await replayLines(simpleCluster([{}, {}]), lines('anti-affinity'), {
      options: { filters: ['RamFilter', 'ServerGroupAffinityFilter'], group_policy_check: true },
    });
    expect(log.hosts()).toEqual({ a: '', b: '' });
    expect(log.outcomes[0].reason).toContain('ServerGroupAntiAffinityFilter');
  });

  it('on: soft-affinity under the default weighers (RAMWeigher only) is an ERROR', async () => {
    const { log } = await replayLines(simpleCluster([{}, {}]), lines('soft-affinity'), {
      options: { group_policy_check: true },
    });
    expect(log.hosts()).toEqual({ a: '', b: '' });
    expect(log.outcomes[0].reason).toContain('ServerGroupSoftAffinityWeigher');
  });

  it('on: soft-anti-affinity without its weigher is an ERROR', async () => {
    const { log } = await replayLines(simpleCluster([{}, {}]), lines('soft-anti-affinity'), {
      options: { weighers: ['RAMWeigher', 'ServerGroupSoftAffinityWeigher'], group_policy_check: true },
    });
    expect(log.hosts()).toEqual({ a: '', b: '' });
    expect(log.outcomes[0].reason).toContain('ServerGroupSoftAntiAffinityWeigher');
  });

  it('on: configured policies and requests without a group are scheduled as usual', async () => {
    // Default filters have both group filters. a: h1; b joins a: h1; c (no group): h2 (8192).
    const { log } = await replayLines(simpleCluster([{}, {}]), [...lines('affinity'), '2,c,1,1024,,'], {
      options: { group_policy_check: true },
    });
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h1', c: 'h2' });
  });

  it('on: soft-affinity with its weigher is scheduled (and weighed)', async () => {
    // a: tie -> h1 (7168). b: RAM [7168, 8192] -> [0.875, 1]; soft-affinity members [1, 0]
    // (no minval: lo 0, hi 1) -> [1, 0]; sums [1.875, 1] -> h1.
    const { log } = await replayLines(simpleCluster([{}, {}]), lines('soft-affinity'), {
      options: { weighers: ['RAMWeigher', 'ServerGroupSoftAffinityWeigher'], group_policy_check: true },
    });
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h1' });
  });
});
