import type { ClusterSpec } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';
import type { HostTable } from '../../src/cluster/host-table.ts';
import { chooseGpus, consumeFromRequest, NO_GPU_FIT } from '../../src/cluster/usage.ts';
import type { Flavor } from '../../src/model/flavor.ts';

/** The host-table fields that change as instances come and go: what a cache can get wrong. */
const USAGE_FIELDS = [
  'freeRamMb',
  'freeDiskMb',
  'vcpusUsed',
  'numInstances',
  'numIoOps',
  'gpuFreeMilli',
  'gpuFreeMilliTotal',
] as const;
/** The per-host static arrays, copied once so the copy matches the truth whatever built it. */
const STATIC_FIELDS = [
  'vcpusTotal',
  'totalUsableRamMb',
  'totalUsableDiskGb',
  'reservedRamMb',
  'reservedDiskMb',
  'cpuAllocationRatio',
  'ramAllocationRatio',
  'diskAllocationRatio',
  'serviceEnabled',
  'serviceUp',
] as const;

/**
 * A scheduler's cached copy of host usage (Nova's CachingScheduler keeps its HostState objects between
 * periodic refreshes). `cluster` is a ClusterState whose host table is the copy: static fields equal
 * the real table's, usage changes only by `refresh` and `consume`. Live instances and server groups
 * are the real ones, as Nova's request spec brings the group from the database. Filters and weighers
 * built on `cluster` see the cache, never the truth.
 *
 * The copy is a real HostTable built by its constructor (not a prototype-chained view), so the
 * filters' loops see one object shape whichever table they read and stay monomorphic.
 */
export class HostCache {
  readonly cluster: ClusterState;

  constructor(private readonly truth: ClusterState) {
    const view = new ClusterState(specOf(truth.hosts));
    // Same fields, other values: the shape of the object does not change.
    const shared = view as { instances: ClusterState['instances']; groups: ClusterState['groups'] };
    shared.instances = truth.instances;
    shared.groups = truth.groups;
    this.cluster = view;
    for (const f of STATIC_FIELDS) (view.hosts[f] as Float64Array | Uint8Array).set(truth.hosts[f] as never);
    this.refresh();
  }

  /** Copy the real usage into the cache (the periodic refresh). */
  refresh(): void {
    const t = this.truth.hosts;
    const c = this.cluster.hosts;
    for (const f of USAGE_FIELDS) (c[f] as Float64Array | Int32Array).set(t[f] as never);
    this.cluster.usageRewritten();
  }

  /**
   * Nova's `consume_from_request` on the cached HostState when the scheduler selects the host: done
   * before, and whatever the result of, the compute node's claim.
   */
  consume(h: number, f: Flavor, gpu?: number): void {
    const c = this.cluster.hosts;
    // The cache picks GPUs as the claim would on its own (stale) counts; a named GPU out of range is
    // the claim's contract error, and GPUs the cache thinks full are simply not taken here.
    const named = gpu !== undefined && gpu >>> 0 === gpu && gpu < c.gpuCount[h] ? gpu : -1;
    const mask = chooseGpus(c, h, f, named);
    consumeFromRequest(c, h, f, mask === NO_GPU_FIT ? 0n : mask);
    this.cluster.hostUsageChanged(h);
  }
}

/** A cluster spec with the table's hosts (per-host arrays are then copied over exactly). */
function specOf(t: HostTable): ClusterSpec {
  const first = t.size > 0 ? 0 : -1;
  return {
    hosts: t.names.map((name, h) => ({
      name,
      vcpus: t.vcpusTotal[h],
      memoryMb: t.totalUsableRamMb[h],
      diskGb: t.totalUsableDiskGb[h],
      aggregates: t.aggregates[h],
      traits: t.traits[h],
      enabled: t.serviceEnabled[h] === 1,
      up: t.serviceUp[h] === 1,
      gpus: t.gpuCount[h],
      gpuModel: t.gpuModel[h],
    })),
    allocationRatios: {
      cpu: first < 0 ? 1 : t.cpuAllocationRatio[first],
      ram: first < 0 ? 1 : t.ramAllocationRatio[first],
      disk: first < 0 ? 1 : t.diskAllocationRatio[first],
    },
    reserved: {
      memoryMb: first < 0 ? 0 : t.reservedRamMb[first],
      diskGb: first < 0 ? 0 : t.reservedDiskMb[first] / 1024,
    },
  };
}
