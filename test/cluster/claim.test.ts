// The one place usage changes: claim and release in ClusterState, with the arithmetic of usage.ts.
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import { HostTable } from '../../src/cluster/host-table.ts';
import {
  consume,
  consumeFromRequest,
  cpuFits,
  diskFits,
  diskLeftMb,
  finishBuilds,
  giveBack,
  ramFits,
  ramLeftMb,
  vcpusLeft,
} from '../../src/cluster/usage.ts';
import { ContractError } from '../../src/common/errors.ts';
import { cluster, simpleCluster } from '../helpers/cluster.ts';

const flavor = { vcpus: 2, memoryMb: 2048, diskGb: 20, gpus: 0, gpuMilli: 0 };

describe('usage arithmetic', () => {
  it('what is left counts the ratios and the reservation', () => {
    const t = new HostTable(
      cluster({
        allocation_ratios: { cpu: 2, ram: 1.5, disk: 1 },
        reserved: { memory_mb: 1024, disk_gb: 10 },
        hosts: [{ name: 'h', vcpus: 8, memory_mb: 8192, disk_gb: 100 }],
      }),
    );
    expect([vcpusLeft(t, 0), ramLeftMb(t, 0), diskLeftMb(t, 0)]).toEqual([16, 8192 * 1.5 - 1024, 90 * 1024]);
    expect([ramFits(t, 0, 8192), ramFits(t, 0, 8193)]).toEqual([true, false]); // never over its own size
    expect([cpuFits(t, 0, 8), cpuFits(t, 0, 9)]).toEqual([true, false]);
    expect([diskFits(t, 0, 90), diskFits(t, 0, 91)]).toEqual([true, false]);
  });

  it('consume and giveBack are inverse; consumeFromRequest also starts a build', () => {
    const t = new HostTable(simpleCluster([{}]));
    consume(t, 0, flavor);
    expect([t.freeRamMb[0], t.freeDiskMb[0], t.vcpusUsed[0], t.numInstances[0], t.numIoOps[0]]).toEqual([
      8192 - 2048,
      80 * 1024,
      2,
      1,
      0,
    ]);
    giveBack(t, 0, flavor);
    expect([t.freeRamMb[0], t.freeDiskMb[0], t.vcpusUsed[0], t.numInstances[0]]).toEqual([
      8192,
      100 * 1024,
      0,
      0,
    ]);
    consumeFromRequest(t, 0, flavor);
    expect([t.numInstances[0], t.numIoOps[0]]).toEqual([1, 1]);
    finishBuilds(t, [0]);
    expect(t.numIoOps[0]).toBe(0);
  });
});

describe('ClusterState.claim and release', () => {
  it('a claim that fits consumes the host and records the instance and its group; release undoes it', () => {
    const c = new ClusterState(simpleCluster([{}, {}]));
    const g = c.groups.intern('web', 'anti-affinity');
    const slot = c.claim(1, 'a', flavor, g);
    expect(slot).toBeGreaterThanOrEqual(0);
    const t = c.hosts;
    expect([t.freeRamMb[1], t.vcpusUsed[1], t.numInstances[1], t.numIoOps[1]]).toEqual([6144, 2, 1, 1]);
    expect([c.instances.slotOf('a'), c.instances.hostOf(slot), g.membersOnHost.get(1)]).toEqual([slot, 1, 1]);
    c.finishBuilds([1]);
    c.release(slot);
    expect([t.freeRamMb[1], t.vcpusUsed[1], t.numInstances[1], t.numIoOps[1]]).toEqual([8192, 0, 0, 0]);
    expect([c.instances.liveCount, g.liveMembers]).toEqual([0, 0]);
    expect(c.findTableChange()).toBeUndefined();
  });

  it('a claim that does not fit fails and changes nothing', () => {
    const c = new ClusterState(simpleCluster([{ memory_mb: 2048 }]));
    expect(c.claim(0, 'a', flavor, undefined)).toBeGreaterThanOrEqual(0);
    expect(c.claim(0, 'b', flavor, undefined)).toBe(-1);
    expect([c.hosts.freeRamMb[0], c.hosts.numInstances[0], c.instances.liveCount]).toEqual([0, 1, 1]);
  });

  it('a host table written behind the claim is refused, at the claim and at the end', () => {
    const c = new ClusterState(simpleCluster([{}, {}]));
    c.hosts.freeRamMb[1] += 100_000;
    expect(() => c.claim(1, 'a', flavor, undefined)).toThrow(ContractError);
    expect(c.claim(0, 'b', flavor, undefined)).toBeGreaterThanOrEqual(0);
    expect(c.findTableChange()).toMatch(/freeRamMb of host "h2"/);
  });
});
