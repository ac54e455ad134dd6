/** One host of a converted cluster, in the cluster file's field names. */
export interface ConvertedHost {
  name: string;
  vcpus: number;
  memory_mb: number;
  disk_gb: number;
  gpus: number;
  gpu_model: string;
}

/** A cluster file as `convert --cluster-out` writes it (JSON, the cluster file's schema). */
export interface ConvertedCluster {
  allocation_ratios: { cpu: number; ram: number; disk: number };
  reserved: { memory_mb: number; disk_gb: number };
  hosts: ConvertedHost[];
}

/**
 * The converted clusters hold what the source measured, without overcommit or reservations: a
 * Kubernetes node (openb) gives out its cores and memory exactly, so ratios are 1 and nothing is
 * reserved. Edit the file to model Nova's overcommit.
 */
export function convertedCluster(hosts: ConvertedHost[]): ConvertedCluster {
  return {
    allocation_ratios: { cpu: 1, ram: 1, disk: 1 },
    reserved: { memory_mb: 0, disk_gb: 0 },
    hosts,
  };
}
