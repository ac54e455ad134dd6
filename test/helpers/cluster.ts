import { type ClusterSpec, clusterFromObject } from '../../src/cluster/cluster-spec.ts';
import { ClusterState } from '../../src/cluster/cluster-state.ts';

/** A cluster from a literal object, validated like a cluster file (defaults filled in). */
export function cluster(obj: unknown): ClusterSpec {
  return clusterFromObject(obj, 'test-cluster');
}

/** Hosts h1..hN with the given capacities, no reservation, ratios 1.0 unless given. */
/** A host of 8 vCPUs, 8192 MB and 100 GB, with `extra` over it (a cluster file's host object). */
export function hostSpec(name: string, extra: Record<string, unknown> = {}) {
  return { name, vcpus: 8, memory_mb: 8192, disk_gb: 100, ...extra };
}

export function simpleCluster(
  hosts: { vcpus?: number; memory_mb?: number; disk_gb?: number; az?: string; name?: string }[],
  extra: Record<string, unknown> = {},
): ClusterSpec {
  return cluster({
    allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
    reserved: { memory_mb: 0, disk_gb: 0 },
    hosts: hosts.map((h, i) => ({
      name: h.name ?? `h${i + 1}`,
      vcpus: 8,
      memory_mb: 8192,
      disk_gb: 100,
      ...h,
    })),
    ...extra,
  });
}

export function state(spec: ClusterSpec): ClusterState {
  return new ClusterState(spec);
}
