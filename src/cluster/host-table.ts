import { GPU_MILLI } from '../common/limits.ts';
import { DEFAULT_HYPERVISOR_VERSION, DEFAULT_SUPPORTED_INSTANCES, type HvSpec } from '../model/hv-spec.ts';
import type { Aggregate, AllocationRatios, ClusterSpec } from './cluster-spec.ts';

/**
 * The state of every compute node, struct-of-arrays, indexed by host number in cluster order.
 * This is the hot path: strategies read it by index and allocate nothing per host. Field names
 * follow Nova's HostState so a reader who knows Nova finds their way.
 */
export class HostTable {
  readonly size: number;
  readonly names: readonly string[];
  // Static capacity.
  readonly vcpusTotal: Float64Array;
  readonly totalUsableRamMb: Float64Array;
  readonly totalUsableDiskGb: Float64Array;
  readonly reservedRamMb: Float64Array;
  readonly reservedDiskMb: Float64Array;
  /** Reserved vCPUs: Placement's VCPU `reserved` only (HostState's vcpus_used does not count them). */
  readonly reservedVcpus: Float64Array;
  readonly cpuAllocationRatio: Float64Array;
  readonly ramAllocationRatio: Float64Array;
  readonly diskAllocationRatio: Float64Array;
  /** Compute service enabled and up (ComputeFilter). */
  readonly serviceEnabled: Uint8Array;
  readonly serviceUp: Uint8Array;
  readonly aggregates: readonly (readonly Aggregate[])[];
  readonly traits: readonly Readonly<Record<string, unknown>>[];
  /** GPUs per host; host h's GPUs are entries gpuStart[h] .. gpuStart[h+1]-1 of the per-GPU arrays. */
  readonly gpuCount: Int32Array;
  readonly gpuStart: Int32Array;
  /** GPU model per host ('' when not given). */
  readonly gpuModel: readonly string[];
  /** Does any host have a GPU? (GpuFilter joins the default filters, GPU metrics the report.) */
  readonly hasGpus: boolean;
  // Static data the Zed filters and weighers read (ImagePropertiesFilter, BuildFailureWeigher,
  // MetricsWeigher), with Nova's defaults for hosts that do not give them.
  /** HostState.supported_instances: canonical [arch, hv_type, vm_mode] triples. */
  readonly supportedInstances: readonly (readonly HvSpec[])[];
  /** ComputeNode.hypervisor_version. */
  readonly hypervisorVersion: Float64Array;
  /** HostState.failed_builds. */
  readonly failedBuilds: Float64Array;
  /** HostState.metrics, name -> value. */
  readonly metrics: readonly ReadonlyMap<string, number>[];
  // Usage, changed by claims and releases only (ClusterState, with the arithmetic of usage.ts).
  readonly freeRamMb: Float64Array;
  readonly freeDiskMb: Float64Array;
  readonly vcpusUsed: Float64Array;
  readonly numInstances: Int32Array;
  /** Builds in flight; see docs/nova-semantics.md. */
  readonly numIoOps: Int32Array;
  /** Free share per GPU, thousandths (1000 idle, 0 full). */
  readonly gpuFreeMilli: Int32Array;
  /** Per host: the sum of its GPUs' free shares. */
  readonly gpuFreeMilliTotal: Int32Array;

  private readonly byName: Map<string, number>;

  constructor(spec: ClusterSpec, ratioOverrides: Partial<AllocationRatios> = {}) {
    const n = spec.hosts.length;
    this.size = n;
    this.names = spec.hosts.map((h) => h.name);
    this.byName = new Map(this.names.map((name, i) => [name, i]));
    this.vcpusTotal = new Float64Array(n);
    this.totalUsableRamMb = new Float64Array(n);
    this.totalUsableDiskGb = new Float64Array(n);
    this.reservedRamMb = new Float64Array(n);
    this.reservedDiskMb = new Float64Array(n);
    this.reservedVcpus = new Float64Array(n);
    this.cpuAllocationRatio = new Float64Array(n);
    this.ramAllocationRatio = new Float64Array(n);
    this.diskAllocationRatio = new Float64Array(n);
    this.serviceEnabled = new Uint8Array(n);
    this.serviceUp = new Uint8Array(n);
    this.freeRamMb = new Float64Array(n);
    this.freeDiskMb = new Float64Array(n);
    this.vcpusUsed = new Float64Array(n);
    this.numInstances = new Int32Array(n);
    this.numIoOps = new Int32Array(n);
    this.aggregates = spec.hosts.map((h) => h.aggregates);
    this.traits = spec.hosts.map((h) => h.traits);
    this.gpuCount = new Int32Array(n);
    this.gpuStart = new Int32Array(n + 1);
    this.gpuModel = spec.hosts.map((h) => h.gpuModel);
    this.supportedInstances = spec.hosts.map((h) => h.supportedInstances ?? DEFAULT_SUPPORTED_INSTANCES);
    this.hypervisorVersion = Float64Array.from(
      spec.hosts,
      (h) => h.hypervisorVersion ?? DEFAULT_HYPERVISOR_VERSION,
    );
    this.failedBuilds = Float64Array.from(spec.hosts, (h) => h.failedBuilds ?? 0);
    this.metrics = spec.hosts.map((h) => h.metrics ?? NO_METRICS);
    let gpus = 0;
    spec.hosts.forEach((h, i) => {
      this.gpuCount[i] = h.gpus;
      this.gpuStart[i] = gpus;
      gpus += h.gpus;
    });
    this.gpuStart[n] = gpus;
    this.hasGpus = gpus > 0;
    this.gpuFreeMilli = new Int32Array(gpus).fill(GPU_MILLI);
    this.gpuFreeMilliTotal = new Int32Array(n);
    for (let i = 0; i < n; i++) this.gpuFreeMilliTotal[i] = GPU_MILLI * this.gpuCount[i];
    // HostState's ratios and reservations come from its compute node: its own values win; then
    // the run config's ratios (the deployment's nova.conf), then the cluster file's.
    const cluster = spec.allocationRatios;
    spec.hosts.forEach((h, i) => {
      const own = h.allocationRatios;
      const reservedRamMb = h.reserved?.memoryMb ?? spec.reserved.memoryMb;
      const reservedDiskGb = h.reserved?.diskGb ?? spec.reserved.diskGb;
      this.vcpusTotal[i] = h.vcpus;
      this.totalUsableRamMb[i] = h.memoryMb;
      this.totalUsableDiskGb[i] = h.diskGb;
      this.reservedRamMb[i] = reservedRamMb;
      this.reservedDiskMb[i] = reservedDiskGb * 1024;
      this.reservedVcpus[i] = h.reserved?.vcpus ?? spec.reserved.vcpus ?? 0;
      this.cpuAllocationRatio[i] = own?.cpu ?? ratioOverrides.cpu ?? cluster.cpu;
      this.ramAllocationRatio[i] = own?.ram ?? ratioOverrides.ram ?? cluster.ram;
      this.diskAllocationRatio[i] = own?.disk ?? ratioOverrides.disk ?? cluster.disk;
      this.serviceEnabled[i] = h.enabled ? 1 : 0;
      this.serviceUp[i] = h.up ? 1 : 0;
      // Nova: free_ram_mb = memory_mb - memory_mb_used, and memory_mb_used starts at the reservation.
      this.freeRamMb[i] = h.memoryMb - reservedRamMb;
      this.freeDiskMb[i] = (h.diskGb - reservedDiskGb) * 1024;
    });
  }

  /** Host number of a name, or -1. */
  indexOf(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /** RAM used by instances (excluding the reservation), in MB. */
  usedRamMb(h: number): number {
    return this.totalUsableRamMb[h] - this.reservedRamMb[h] - this.freeRamMb[h];
  }

  /** Disk used by instances (excluding the reservation), in MB. */
  usedDiskMb(h: number): number {
    return this.totalUsableDiskGb[h] * 1024 - this.reservedDiskMb[h] - this.freeDiskMb[h];
  }

  /** Values of one aggregate-metadata key over the host's aggregates (Nova's aggregate_values_from_key). */
  aggregateValues(h: number, key: string): string[] {
    const out: string[] = [];
    for (const a of this.aggregates[h]) {
      // Own keys only: a user-named key such as `constructor` is not an inherited member.
      const v = Object.hasOwn(a.metadata, key) ? a.metadata[key] : undefined;
      if (v !== undefined && !out.includes(v)) out.push(v);
    }
    return out;
  }

  /**
   * All aggregate metadata of a host, values comma-split and stripped (Nova's
   * aggregate_metadata_get_by_host). With `onlyWithKey`, only aggregates that have that key count.
   */
  aggregateMetadata(h: number, onlyWithKey?: string): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const a of this.aggregates[h]) {
      if (onlyWithKey !== undefined && !Object.hasOwn(a.metadata, onlyWithKey)) continue;
      for (const [k, v] of Object.entries(a.metadata)) {
        let set = out.get(k);
        if (!set) {
          set = new Set();
          out.set(k, set);
        }
        for (const part of v.split(',')) set.add(pyStrip(part));
      }
    }
    return out;
  }
}

const NO_METRICS: ReadonlyMap<string, number> = new Map();

// Python's str.strip() with no argument strips whitespace, like String.prototype.trim for ASCII.
function pyStrip(s: string): string {
  return s.trim();
}
