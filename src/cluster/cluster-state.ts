import type { AllocationRatios, ClusterSpec } from './cluster-spec.ts';
import { GroupTable, type ServerGroup } from './groups.ts';
import { HostTable } from './host-table.ts';
import { InstanceTable } from './instance-table.ts';
import { cpuFits, diskFits, ramFits } from './resource-fit.ts';

/** The flavor an instance asks for. */
export interface Flavor {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
}

/**
 * Hosts, live instances and server groups of one replay. The only place that changes usage: the
 * compute node's claim (place an instance) and release (delete it).
 */
export class ClusterState {
  readonly hosts: HostTable;
  readonly instances = new InstanceTable();
  readonly groups = new GroupTable();

  constructor(spec: ClusterSpec, ratioOverrides: Partial<AllocationRatios> = {}) {
    this.hosts = new HostTable(spec, ratioOverrides);
  }

  /** Would the compute node accept this flavor now (the same limits as the resource filters)? */
  fits(h: number, f: Flavor): boolean {
    return (
      ramFits(this.hosts, h, f.memoryMb) &&
      cpuFits(this.hosts, h, f.vcpus) &&
      diskFits(this.hosts, h, f.diskGb)
    );
  }

  /**
   * The compute node's claim: if the flavor fits, consume it on the host (Nova's
   * consume_from_request) and record the live instance (`request`: the multi-instance request it
   * belongs to, '' for none). Returns the slot, or -1 when the claim fails.
   */
  claim(
    h: number,
    id: string,
    f: Flavor,
    group: ServerGroup | undefined,
    request = '',
    requestCount = 1,
  ): number {
    if (!this.fits(h, f)) return -1;
    const t = this.hosts;
    t.freeRamMb[h] -= f.memoryMb;
    t.freeDiskMb[h] -= f.diskGb * 1024;
    t.vcpusUsed[h] += f.vcpus;
    t.numInstances[h] += 1;
    t.numIoOps[h] += 1;
    if (group) this.groups.addMember(group, h);
    return this.instances.add(
      id,
      h,
      f.vcpus,
      f.memoryMb,
      f.diskGb,
      group ? group.id : -1,
      request,
      requestCount,
    );
  }

  /** Delete a live instance and give its resources back. */
  release(slot: number): void {
    const inst = this.instances;
    const h = inst.host[slot];
    const t = this.hosts;
    t.freeRamMb[h] += inst.memoryMb[slot];
    t.freeDiskMb[h] += inst.diskGb[slot] * 1024;
    t.vcpusUsed[h] -= inst.vcpus[slot];
    t.numInstances[h] -= 1;
    const g = inst.group[slot];
    if (g >= 0) this.groups.removeMember(this.groups.byIndex(g), h);
    inst.remove(slot);
  }
}
