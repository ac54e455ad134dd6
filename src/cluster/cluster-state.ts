import { ContractError } from '../common/errors.ts';
import type { Flavor } from '../model/flavor.ts';
import type { AllocationRatios, ClusterSpec } from './cluster-spec.ts';
import { GroupTable, type ServerGroup } from './groups.ts';
import { HostTable } from './host-table.ts';
import { InstanceTable } from './instance-table.ts';
import {
  consume,
  consumeFromRequest,
  finishBuilds,
  flavorFits,
  giveBack,
  type UsageArrays,
} from './usage.ts';

/**
 * Hosts, live instances and server groups of one replay. The only place that changes usage: the
 * compute node's claim (place an instance), release (delete it) and finished builds, each with the
 * arithmetic of usage.ts.
 */
export class ClusterState {
  readonly hosts: HostTable;
  readonly instances = new InstanceTable();
  readonly groups = new GroupTable();
  /**
   * The compute node's own copy of every host-table field a claim reads. Strategies get the table
   * itself (typed arrays, writable); a claim first checks the claimed host's fields against this
   * copy, so a driver that wrote the table cannot make a claim over-commit. A true private field:
   * no driver can reach it.
   */
  readonly #own: Pick<HostTable, CheckedField | 'size'> & UsageArrays;

  constructor(spec: ClusterSpec, ratioOverrides: Partial<AllocationRatios> = {}) {
    this.hosts = new HostTable(spec, ratioOverrides);
    const t = this.hosts;
    this.#own = {
      size: t.size,
      freeRamMb: t.freeRamMb.slice(),
      freeDiskMb: t.freeDiskMb.slice(),
      vcpusUsed: t.vcpusUsed.slice(),
      numInstances: t.numInstances.slice(),
      totalUsableRamMb: t.totalUsableRamMb.slice(),
      totalUsableDiskGb: t.totalUsableDiskGb.slice(),
      vcpusTotal: t.vcpusTotal.slice(),
      ramAllocationRatio: t.ramAllocationRatio.slice(),
      cpuAllocationRatio: t.cpuAllocationRatio.slice(),
      diskAllocationRatio: t.diskAllocationRatio.slice(),
    };
    // A driver gets this object as ctx.cluster: it may not shadow a method (a `fits` that always
    // says yes). A swapped table is caught by the claim's check against the private copy.
    Object.preventExtensions(this);
  }

  /** Would the compute node accept this flavor now (the same limits as the resource filters)? */
  fits(h: number, f: Flavor): boolean {
    return flavorFits(this.hosts, h, f);
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
    const t = this.hosts;
    const o = this.#own;
    // O(1): the fields this claim reads, on this host only. Equal means the fit below is the one
    // the compute node's own counts give.
    if (
      t.freeRamMb[h] !== o.freeRamMb[h] ||
      t.freeDiskMb[h] !== o.freeDiskMb[h] ||
      t.vcpusUsed[h] !== o.vcpusUsed[h] ||
      t.numInstances[h] !== o.numInstances[h] ||
      t.totalUsableRamMb[h] !== o.totalUsableRamMb[h] ||
      t.totalUsableDiskGb[h] !== o.totalUsableDiskGb[h] ||
      t.vcpusTotal[h] !== o.vcpusTotal[h] ||
      t.ramAllocationRatio[h] !== o.ramAllocationRatio[h] ||
      t.cpuAllocationRatio[h] !== o.cpuAllocationRatio[h] ||
      t.diskAllocationRatio[h] !== o.diskAllocationRatio[h]
    ) {
      const changed = this.changedField(h);
      if (changed !== undefined) throw new ContractError(`changed the host table: ${changed}`);
    }
    if (!flavorFits(t, h, f)) return -1;
    consumeFromRequest(t, h, f);
    consume(o, h, f);
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
    const f: Flavor = { vcpus: inst.vcpus[slot], memoryMb: inst.memoryMb[slot], diskGb: inst.diskGb[slot] };
    giveBack(this.hosts, h, f);
    giveBack(this.#own, h, f);
    const g = inst.group[slot];
    if (g >= 0) this.groups.removeMember(this.groups.byIndex(g), h);
    inst.remove(slot);
  }

  /** The builds of a request completed on these hosts: their io ops are no longer in flight. */
  finishBuilds(hosts: readonly number[]): void {
    finishBuilds(this.hosts, hosts);
  }

  /**
   * Check the whole host table against the compute node's own counts (once, at the end of a
   * replay): a description of the first field a strategy changed, or undefined.
   */
  findTableChange(): string | undefined {
    for (let h = 0; h < this.hosts.size; h++) {
      const changed = this.changedField(h);
      if (changed !== undefined) return `changed the host table: ${changed}`;
    }
    return undefined;
  }

  /** The first checked field of host `h` that differs from the compute node's copy (NaN equals NaN). */
  private changedField(h: number): string | undefined {
    const t = this.hosts;
    const o = this.#own;
    for (const field of CHECKED_FIELDS) {
      const seen = t[field][h];
      const own = o[field][h];
      if (!Object.is(seen, own) && !(seen === own)) {
        return `${field} of host "${t.names[h]}" is ${seen}, but the compute node's claims leave ${own} (strategies may only read ctx.cluster.hosts)`;
      }
    }
    return undefined;
  }
}

/** Host-table fields a claim reads (usage and capacity): written by claims and releases only. */
const CHECKED_FIELDS = [
  'freeRamMb',
  'freeDiskMb',
  'vcpusUsed',
  'numInstances',
  'totalUsableRamMb',
  'totalUsableDiskGb',
  'vcpusTotal',
  'ramAllocationRatio',
  'cpuAllocationRatio',
  'diskAllocationRatio',
] as const;
type CheckedField = (typeof CHECKED_FIELDS)[number];
