// Server-group policy outcomes, worked out by hand on two 8192 MB hosts.
import { describe, expect, it } from 'vitest';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayWithMetrics } from '../helpers/metrics.ts';

const H = 'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy';
const twoHosts = () => simpleCluster([{ memory_mb: 8192 }, { memory_mb: 8192 }]);
// RAMWeigher with multiplier -1 stacks: the host with the least free RAM wins (ties: cluster order).
const STACK = { ram_weight_multiplier: -1 };

describe('server-group policy metrics', () => {
  it('counts anti-affinity violations when the policy filter is not configured', async () => {
    // No ServerGroupAntiAffinityFilter, stacking: w-0 -> h1 (tie), w-1 -> h1, w-2 -> h1.
    // w-0 had no other member: fine. w-1 finds w-0 on h1, w-2 finds w-0 and w-1: 2 violations.
    const { m, log } = await replayWithMetrics(
      twoHosts(),
      [H, '0,create,w,1,1024,10,3,,,g,anti-affinity'],
      {},
      {
        options: { ...STACK, filters: ['RamFilter'] },
      },
    );
    expect(log.hosts()).toEqual({ 'w-0': 'h1', 'w-1': 'h1', 'w-2': 'h1' });
    expect(m.groups.anti_affinity).toEqual({ placements: 3, violations: 2 });
  });

  it('reports no violation when the filter enforces anti-affinity', async () => {
    // Default filters: w-0 -> h1, w-1 -> h2 (h1 excluded), w-2 -> no host left: NoValidHost.
    const { m } = await replayWithMetrics(
      twoHosts(),
      [H, '0,create,w,1,1024,10,3,,,g,anti-affinity'],
      {},
      {
        options: STACK,
      },
    );
    expect(m.groups.anti_affinity).toEqual({ placements: 2, violations: 0 });
    expect(m.outcomes.no_valid_host).toBe(1);
  });

  it('judges a later request against the members already live', async () => {
    // Spread (default multiplier), no affinity filter: x -> h1 (tie); y (same group) -> h2, where
    // h1 holds 1024 MB less. y's group has a live member (x) and none on h2: 1 violation.
    // After x is deleted, z joins a group with no live member: fine, wherever it goes.
    const { m } = await replayWithMetrics(
      twoHosts(),
      [
        H,
        '0,create,x,1,1024,10,1,,,g,affinity',
        '1,create,y,1,1024,10,1,,,g,',
        '2,delete,x,,,,,,,,',
        '2,delete,y,,,,,,,,',
        '3,create,z,1,1024,10,1,,,g,',
      ],
      {},
      { options: { filters: ['RamFilter'] } },
    );
    expect(m.groups.affinity).toEqual({ placements: 3, violations: 1 });
  });

  it('rates soft-affinity and soft-anti-affinity satisfaction', async () => {
    // soft-affinity, no soft weigher, spread: s-0 -> h1 (no member yet: honoured), s-1 -> h2 (h1
    // has less free RAM; a member exists but not on h2: not honoured). 1 of 2 = 0.5.
    // soft-anti-affinity, same config: free RAM is now 7168 on both, so t-0 -> h1 (tie), holding no t
    // member: honoured; t-1 -> h2 (7168 free > 6144), holding none: honoured. 2 of 2 = 1.
    const { m } = await replayWithMetrics(twoHosts(), [
      H,
      '0,create,s,1,1024,10,2,,,sg,soft-affinity',
      '1,create,t,1,1024,10,2,,,tg,soft-anti-affinity',
    ]);
    expect(m.groups.soft_affinity).toEqual({ placements: 2, satisfied: 1, satisfaction_rate: 0.5 });
    expect(m.groups.soft_anti_affinity).toEqual({ placements: 2, satisfied: 2, satisfaction_rate: 1 });
  });

  it('honours soft-affinity when its weigher is configured', async () => {
    // With ServerGroupSoftAffinityWeigher (multiplier 10 beats RAM's ≤ 1): s-1 joins s-0 on h1.
    const { m, log } = await replayWithMetrics(
      twoHosts(),
      [H, '0,create,s,1,1024,10,2,,,sg,soft-affinity'],
      {},
      {
        options: {
          weighers: ['RAMWeigher', 'ServerGroupSoftAffinityWeigher'],
          soft_affinity_weight_multiplier: 10,
        },
      },
    );
    expect(log.hosts()).toEqual({ 's-0': 'h1', 's-1': 'h1' });
    expect(m.groups.soft_affinity.satisfaction_rate).toBe(1);
    expect(m.groups.soft_anti_affinity.satisfaction_rate).toBeNull();
  });
});
