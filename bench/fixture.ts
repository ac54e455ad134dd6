import { clusterFromObject } from '../src/cluster/cluster-spec.ts';
import { ClusterState } from '../src/cluster/cluster-state.ts';
import { SeededRng } from '../src/common/rng.ts';
import { GroupView } from '../src/framework/group-view.ts';
import type { FilterRequest } from '../src/framework/types.ts';
import { generateCluster } from '../src/generate/cluster.ts';
import { DEFAULT_GENERATOR_OPTIONS } from '../src/generate/options.ts';
import type { GroupPolicy } from '../src/model/group-policy.ts';
import { GROUP_POLICIES } from '../src/model/group-policy.ts';
import type { DriverContext } from '../src/scheduler/driver.ts';
import type { RequestSpec } from '../src/scheduler/request-spec.ts';

/**
 * A generated cluster of `hosts` hosts (src/trace/generate.ts: several shapes, two zones, an ssd
 * aggregate, traits; the last host disabled, so the ComputeFilter has work), half full: instances
 * of mixed flavors claimed on random hosts until about half the RAM is used, so free values differ
 * from host to host as they do mid-replay; every 50th instance is in a server group of each policy.
 */
export function halfFullCluster(hosts: number, gpusPerHost = 0): ClusterState {
  const file = generateCluster({ ...DEFAULT_GENERATOR_OPTIONS, hosts, seed: 7 }) as {
    hosts: { enabled?: boolean; gpus?: number }[];
  };
  file.hosts[file.hosts.length - 1].enabled = false;
  // With GPUs, every 4th instance also takes a GPU share or whole GPUs (GpuFilter's bench).
  if (gpusPerHost > 0) for (const h of file.hosts) h.gpus = gpusPerHost;
  const spec = clusterFromObject(file, 'bench');
  const cluster = new ClusterState(spec);
  const rng = new SeededRng(11);
  const t = cluster.hosts;
  let total = 0;
  for (let h = 0; h < t.size; h++) total += t.totalUsableRamMb[h];
  const groups = GROUP_POLICIES.map((p) => cluster.groups.intern(p, p));
  let used = 0;
  for (let i = 0; used < total / 2 && i < hosts * 100; i++) {
    const f = {
      vcpus: 1 << rng.int(4),
      memoryMb: 1024 << rng.int(5),
      diskGb: 10 << rng.int(4),
      gpus: gpusPerHost > 0 && i % 4 === 0 ? 1 + rng.int(2) : 0,
      gpuMilli: 0,
    };
    if (f.gpus === 1) f.gpuMilli = 100 * (1 + rng.int(10));
    if (f.gpus === 2) f.gpuMilli = 1000;
    const h = rng.int(t.size);
    const group = i % 50 === 0 ? groups[(i / 50) % groups.length] : undefined;
    if (cluster.claim(h, `i${i}`, f, group) >= 0) used += f.memoryMb;
  }
  // Builds complete: no io ops in flight.
  t.numIoOps.fill(0);
  return cluster;
}

/**
 * A request that gives every filter something to check: a zone, extra specs for the aggregate
 * and capabilities filters, a server group of `policy` with live members, host hints and a retry list.
 */
export function benchRequest(cluster: ClusterState, policy: GroupPolicy = 'anti-affinity'): FilterRequest {
  const spec: RequestSpec = {
    requestId: 'bench',
    instanceIds: ['bench'],
    flavor: { vcpus: 2, memoryMb: 4096, diskGb: 40, gpus: 0, gpuMilli: 0 },
    time: 0,
    availabilityZone: 'az1',
    group: cluster.groups.get(policy),
    extraSpecs: {
      key: 'aggregate_instance_extra_specs:ssd=true;capabilities:cpu_arch=s== x86_64',
      entries: [
        ['aggregate_instance_extra_specs:ssd', 'true'],
        ['capabilities:cpu_arch', 's== x86_64'],
      ],
    },
    gpuSpec: undefined,
    sameHost: ['i1', 'i2'],
    differentHost: ['i3', 'i4'],
  };
  const group = new GroupView(cluster.hosts.size);
  group.refresh(spec.group);
  return { spec, index: 0, instanceId: 'bench', retryHosts: [0, 1, 2], group };
}

/**
 * A driver context that decides without claiming, so every benchmark iteration makes the same
 * decision on the same host state.
 */
export function dryRunContext(cluster: ClusterState): DriverContext {
  return {
    cluster,
    rng: new SeededRng(1),
    provision: () => true,
    noValidHost: () => {},
    countHostEvaluations: () => {},
  };
}
