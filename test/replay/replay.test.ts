import { describe, expect, it } from 'vitest';
import { simpleCluster } from '../helpers/cluster.ts';
import { replayLines } from '../helpers/replay.ts';

const H = 'time,event,id,vcpus,memory_mb,disk_gb,count,duration,az,group,group_policy';

// Two hosts of 4096 MB, ratios 1.0, no reservation: a 4096 MB instance fills a host.
const twoHosts = () => simpleCluster([{ memory_mb: 4096 }, { memory_mb: 4096 }]);

describe('replay clock and lifetimes', () => {
  it('processes a departure due at t before an arrival at t', async () => {
    // a and b fill both hosts until t=10; c arrives exactly at t=10 and fits only because a left.
    const { log, r } = await replayLines(twoHosts(), [
      H,
      '0,create,a,1,4096,0,1,10,,,',
      '1,create,b,1,4096,0,1,,,,',
      '10,create,c,1,4096,0,1,,,,',
    ]);
    expect(log.hosts()).toEqual({ a: 'h1', b: 'h2', c: 'h1' });
    expect(r.result.departures).toBe(1);
  });

  it('keeps an instance whose departure is due after the arrival', async () => {
    const { log } = await replayLines(twoHosts(), [
      H,
      '0,create,a,1,4096,0,1,10.5,,,',
      '1,create,b,1,4096,0,1,,,,',
      '10,create,c,1,4096,0,1,,,,',
    ]);
    expect(log.hosts().c).toBe('');
  });

  it('processes departures left after the last row, in due order', async () => {
    const { r } = await replayLines(twoHosts(), [
      H,
      '0,create,a,1,1024,0,1,50,,,',
      '0,create,b,1,1024,0,1,20,,,',
    ]);
    expect(r.result.departures).toBe(2);
    expect(r.result.liveAtEnd).toBe(0);
    expect(r.cluster.hosts.freeRamMb[0]).toBe(4096);
  });

  it('deletes a single instance, every instance of a multi-instance request, and counts stray deletes', async () => {
    const { r } = await replayLines(simpleCluster([{ memory_mb: 8192 }]), [
      H,
      '0,create,a,1,1024,0,1,,,,',
      '0,create,m,1,1024,0,3,,,,',
      '1,delete,m,,,,,,,,',
      '2,delete,nope,,,,,,,,',
      '3,delete,a,,,,,,,,',
      '4,delete,a,,,,,,,,',
    ]);
    expect(r.result.released).toBe(4);
    expect(r.result.deletesIgnored).toBe(2);
    expect(r.cluster.instances.liveCount).toBe(0);
    expect(r.cluster.hosts.freeRamMb[0]).toBe(8192);
    expect(r.cluster.instances.multiRequests.size).toBe(0);
  });

  it('a stale departure never deletes a re-created instance with the same id', async () => {
    // a (duration 10) is deleted at 1 and created again at 2 without a duration: the departure at 10
    // belongs to the first incarnation and must do nothing.
    const { r } = await replayLines(twoHosts(), [
      H,
      '0,create,a,1,1024,0,1,10,,,',
      '1,delete,a,,,,,,,,',
      '2,create,a,1,1024,0,1,,,,',
      '20,create,z,1,1024,0,1,,,,',
    ]);
    expect(r.cluster.instances.slotOf('a')).toBeGreaterThanOrEqual(0);
    expect(r.result.departures).toBe(0);
  });

  it('an instance that failed to schedule is not live: its delete is a no-op and its id can be reused', async () => {
    const { log, r } = await replayLines(twoHosts(), [
      H,
      '0,create,x,1,9999,0,1,,,,',
      '1,delete,x,,,,,,,,',
      '2,create,x,1,1024,0,1,,,,',
    ]);
    expect(log.outcomes.map((o) => o.host)).toEqual(['', 'h1']);
    expect(r.result.deletesIgnored).toBe(1);
  });
});

describe('bad rows found by the replay', () => {
  it('a create of a live id stops the run with file:line: id', async () => {
    await expect(
      replayLines(twoHosts(), [H, '0,create,a,1,1,0,1,,,,', '1,create,a,1,1,0,1,,,,']),
    ).rejects.toThrow(/trace\.csv:3: id: instance "a" is still live \(delete it first\)$/);
  });

  it('a decreasing time stops the run with file:line: time', async () => {
    await expect(
      replayLines(twoHosts(), [H, '5,create,a,1,1,0,1,,,,', '4,create,b,1,1,0,1,,,,']),
    ).rejects.toThrow(/trace\.csv:3: time: arrival times must not decrease \(4 after 5\)$/);
  });

  it('a group used with another policy, or a new group without one, is a bad row', async () => {
    await expect(
      replayLines(twoHosts(), [H, '0,create,a,1,1,0,1,,,g,affinity', '1,create,b,1,1,0,1,,,g,anti-affinity']),
    ).rejects.toThrow(/trace\.csv:3: group_policy: group "g" has policy affinity, not anti-affinity$/);
    await expect(replayLines(twoHosts(), [H, '0,create,a,1,1,0,1,,,g,'])).rejects.toThrow(
      /trace\.csv:2: group_policy: missing for new group "g"$/,
    );
  });

  it('with skip, bad rows are counted and leave no trace in the state', async () => {
    const { r, log } = await replayLines(
      twoHosts(),
      [
        H,
        '5,create,a,1,1024,0,1,,,,',
        '4,create,early,1,1024,0,1,,,,', // time goes back
        '6,create,a,1,1024,0,1,,,,', // a is live
        '7,create,b,x,1024,0,1,,,,', // not a number
        '8,create,c,1,1024,0,1,,,g,anti-affinity',
      ],
      { onBadRow: 'skip' },
    );
    expect(r.result.badRowsSkipped).toBe(3);
    expect(r.result.badRowSamples).toHaveLength(3);
    expect(r.result.badRowSamples[0]).toMatch(/:3: time:/);
    expect(log.outcomes.map((o) => o.id)).toEqual(['a', 'c']);
    expect(r.result.creates).toBe(2);
  });
});
