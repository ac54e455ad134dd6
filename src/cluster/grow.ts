import { UsageError } from '../common/errors.ts';
import type { ClusterSpec, HostSpec } from './cluster-spec.ts';
import type { HostShape } from './host-shape.ts';

const PREFIX = 'grown-';

/**
 * The cluster with `added` hosts of `shape` appended after every host it has, named grown-000001
 * and on, enabled and up, without aggregates or traits (in zone `shape.az` when given). The GPU
 * fields follow the shared GPU interface (HostSpec.gpus / gpuModel).
 */
export function growCluster(cluster: ClusterSpec, shape: HostShape, added: number): ClusterSpec {
  if (added === 0) return cluster;
  const hosts: HostSpec[] = cluster.hosts.slice();
  const aggregates =
    shape.az === undefined ? [] : [{ name: `az:${shape.az}`, metadata: { availability_zone: shape.az } }];
  for (let i = 1; i <= added; i++) {
    const host = {
      name: `${PREFIX}${String(i).padStart(6, '0')}`,
      vcpus: shape.vcpus,
      memoryMb: shape.memory_mb,
      diskGb: shape.disk_gb,
      aggregates,
      traits: {},
      enabled: true,
      up: true,
      gpus: shape.gpus,
      gpuModel: shape.gpu_model,
    };
    hosts.push(host);
  }
  return { ...cluster, hosts };
}

/** Refuse a cluster whose own host names could clash with the added ones. */
export function checkGrowable(cluster: ClusterSpec): void {
  const clash = cluster.hosts.find((h) => h.name.startsWith(PREFIX));
  if (clash)
    throw new UsageError(
      `--grow-with: the cluster already has a host named "${clash.name}" (added hosts are named ${PREFIX}NNNNNN)`,
    );
}
