import type { HostTable } from '../cluster/host-table.ts';
import { pyFloatRepr } from '../common/py-float.ts';

// The attributes of Nova's HostState that a ComputeCapabilitiesFilter extra spec can name
// (`capabilities:free_ram_mb`, or unscoped `free_ram_mb`), with Python's str() of their values.

/** A value read from a host: a string as Python's str() would print it, or a structure to walk into. */
export type CapabilityValue = string | Record<string, unknown> | unknown[] | null;

type Reader = (t: HostTable, h: number) => CapabilityValue;

const int =
  (a: (t: HostTable) => ArrayLike<number>): Reader =>
  (t, h) =>
    String(a(t)[h]);
const float =
  (a: (t: HostTable) => ArrayLike<number>): Reader =>
  (t, h) =>
    pyFloatRepr(a(t)[h]);
const none: Reader = () => null;
// Structures, bound methods and the like: present (hasattr is true) but never equal to a spec value.
const opaque: Reader = () => '<opaque>';

/** Attributes whose values change as instances come and go: never cached. */
export const DYNAMIC_ATTRIBUTES = new Set([
  'free_ram_mb',
  'free_disk_mb',
  'vcpus_used',
  'num_instances',
  'num_io_ops',
]);

const READERS: Record<string, Reader> = {
  host: (t, h) => t.names[h],
  nodename: (t, h) => t.names[h],
  hypervisor_hostname: none,
  total_usable_ram_mb: int((t) => t.totalUsableRamMb),
  total_usable_disk_gb: int((t) => t.totalUsableDiskGb),
  vcpus_total: int((t) => t.vcpusTotal),
  free_ram_mb: int((t) => t.freeRamMb),
  free_disk_mb: int((t) => t.freeDiskMb),
  vcpus_used: int((t) => t.vcpusUsed),
  num_instances: int((t) => t.numInstances),
  num_io_ops: int((t) => t.numIoOps),
  failed_builds: int((t) => t.failedBuilds),
  ram_allocation_ratio: float((t) => t.ramAllocationRatio),
  cpu_allocation_ratio: float((t) => t.cpuAllocationRatio),
  disk_allocation_ratio: float((t) => t.diskAllocationRatio),
  uuid: none,
  cell_uuid: none,
  host_ip: none,
  hypervisor_type: none,
  hypervisor_version: int((t) => t.hypervisorVersion),
  cpu_info: none,
  // A list of [arch, hv_type, vm_mode] lists: str() prints it as Python does.
  supported_instances: (t, h) => t.supportedInstances[h] as unknown as unknown[],
  numa_topology: none,
  pci_stats: none,
  // A MonitorMetricList object (test/nova/reference.py sets one only for a host with metrics).
  metrics: (t, h) => (t.metrics[h].size > 0 ? opaque(t, h) : null),
  updated: none,
  disk_mb_used: opaque,
  limits: opaque,
  aggregates: opaque,
  instances: opaque,
  service: opaque,
  // getattr(host_state, 'stats') is the stats dict itself, so `capabilities:stats:gpus` walks into it.
  stats: (t, h) => t.traits[h] as Record<string, unknown>,
  _lock_name: opaque,
  _locked_consume_from_request: opaque,
  _update_from_compute_node: opaque,
  consume_from_request: opaque,
  update: opaque,
};

/** Python's `hasattr(host_state, name)`. */
export function hasHostAttribute(name: string): boolean {
  return Object.hasOwn(READERS, name);
}

/** Python's `getattr(host_state, name, None)`. */
export function readHostAttribute(t: HostTable, h: number, name: string): CapabilityValue {
  return Object.hasOwn(READERS, name) ? READERS[name](t, h) : null;
}
