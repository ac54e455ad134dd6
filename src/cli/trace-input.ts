import { type ClusterSpec, clusterFromObject, loadCluster } from '../cluster/cluster-spec.ts';
import { convertedCluster } from '../trace/formats/cluster-out.ts';
import { readOpenbHosts } from '../trace/formats/sources.ts';
import { isPlainCanonical, type TraceInput } from '../trace/open-trace.ts';
import { sampleHosts } from '../trace/transforms/hosts-sample.ts';
import { capacityOf } from '../trace/transforms/options.ts';
import type { TraceFormat, TransformFlags } from './transform-options.ts';
import { transformsOf } from './transform-options.ts';

/**
 * The cluster and trace input of `run` / `capacity`: with `--trace-format openb` the cluster may be
 * the openb node list itself (a .csv), converted as `convert` does; `--hosts-sample` keeps a seeded
 * sample of the hosts in cluster order; the trace input is undefined for a plain canonical trace.
 */
export async function loadTraceInput(
  flags: TransformFlags & { traceFormat: TraceFormat; cluster: string },
): Promise<{ cluster: ClusterSpec; traceInput: TraceInput | undefined }> {
  const transforms = transformsOf(flags);
  let cluster =
    flags.traceFormat === 'openb' && /\.csv$/i.test(flags.cluster)
      ? clusterFromObject(convertedCluster(await readOpenbHosts([flags.cluster])), flags.cluster)
      : loadCluster(flags.cluster);
  if (transforms.hostsSample !== undefined) {
    const keep = sampleHosts(cluster.hosts.length, transforms.hostsSample, transforms.seed);
    cluster = { ...cluster, hosts: keep.map((i) => cluster.hosts[i]) };
  }
  const traceInput: TraceInput = {
    format: flags.traceFormat,
    transforms,
    capacity: capacityOf(
      cluster.hosts.map((h) => ({ vcpus: h.vcpus, memoryMb: h.memoryMb, gpus: h.gpus })),
      cluster.allocationRatios,
      cluster.reserved.memoryMb,
    ),
  };
  return { cluster, traceInput: isPlainCanonical(traceInput) ? undefined : traceInput };
}
